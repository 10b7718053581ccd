//! Front matter: split the YAML block from the body, then parse it into typed fields by kind.
//!
//! Every value that can be wrong later (a reference, a date, an alias) keeps its source
//! position, so diagnostics point at the YAML value itself.

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use super::LineIndex;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Common, Department, Kind, Located, Meta, Playbook, Pos, Process, Stage, Status,
};

/// The front matter block of a file, if it has one.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Byte offset of `yaml` in the file.
    pub yaml_offset: usize,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
}

/// Splits `---`/`---` front matter off a file (after a BOM, if any). `Ok(None)` when the
/// file has none; `Err` with the offset of the opening line when it is never closed.
pub fn split(source: &str) -> Result<Option<Split<'_>>, usize> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = lines_with_offsets(source, start);
    match lines.next() {
        Some((_, line)) if line.trim_end() == "---" => {}
        _ => return Ok(None),
    }
    let yaml_offset = start
        + source[start..]
            .find('\n')
            .map_or(source.len() - start, |n| n + 1);
    for (offset, line) in lines {
        if line.trim_end() == "---" {
            let body_offset = (offset + line.len() + 1).min(source.len());
            return Ok(Some(Split {
                yaml: &source[yaml_offset..offset],
                yaml_offset,
                body_offset,
            }));
        }
    }
    Err(start)
}

/// Lines (without `\n`, with any `\r`) and their byte offsets, from `start`.
fn lines_with_offsets(source: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = start;
    source[start..].split('\n').map(move |line| {
        let at = offset;
        offset += line.len() + 1;
        (at, line)
    })
}

/// The raw shape of the YAML: every field of every kind, unknown fields rejected.
/// Kind-specific fields are checked against the page's kind in [`parse`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<Kind>>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    tags: Vec<String>,
    owner: Option<Spanned<String>>,
    weight: Option<i64>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    last_reviewed: Option<Spanned<String>>,
    review_every: Option<u32>,
    extra: Option<serde_json::Value>,
    // department
    collaborates_with: Option<Spanned<Vec<Spanned<String>>>>,
    metrics: Option<Spanned<Vec<String>>>,
    // process
    status: Option<Spanned<Status>>,
    used_when: Option<Spanned<String>>,
    collaborators: Option<Spanned<Vec<Spanned<String>>>>,
    deal_profile: Option<Spanned<String>>,
    stages: Option<Spanned<Vec<RawStage>>>,
    // playbook
    process: Option<Spanned<String>>,
    stage: Option<Spanned<String>>,
    audience: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    name: Spanned<String>,
    id: Option<Spanned<String>>,
    goal: Option<String>,
    duration: Option<String>,
    sales_stage: Option<String>,
    forecast_category: Option<String>,
    #[serde(default)]
    agenda: Vec<String>,
    #[serde(default)]
    exit_criteria: Vec<String>,
    next_step: Option<String>,
    #[serde(default)]
    collaborators: Vec<Spanned<String>>,
    #[serde(default)]
    playbooks: Vec<Spanned<String>>,
    #[serde(default)]
    resources: Vec<RawResource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    title: String,
    url: Spanned<String>,
}

/// Every field name, for "did you mean" on a typo.
pub const FIELDS: &[&str] = &[
    "id",
    "kind",
    "title",
    "description",
    "draft",
    "tags",
    "owner",
    "weight",
    "aliases",
    "last_reviewed",
    "review_every",
    "extra",
    "collaborates_with",
    "metrics",
    "status",
    "used_when",
    "collaborators",
    "deal_profile",
    "stages",
    "process",
    "stage",
    "audience",
];
pub const STAGE_FIELDS: &[&str] = &[
    "name",
    "id",
    "goal",
    "duration",
    "sales_stage",
    "forecast_category",
    "agenda",
    "exit_criteria",
    "next_step",
    "collaborators",
    "playbooks",
    "resources",
];

/// Front matter parsed and typed for its page's kind.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub id: Option<Located<String>>,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub common: Common,
    pub meta: Option<Meta>,
    /// Stage resources as (title, url) for the loader to turn into links.
    pub resources: Vec<Vec<(String, Located<String>)>>,
}

/// Where a parse runs: the file name for diagnostics and the line index of the whole file.
pub struct Context<'a> {
    pub file: &'a str,
    pub lines: &'a LineIndex<'a>,
    pub yaml_offset: usize,
}

impl Context<'_> {
    fn pos(&self, location: &Location) -> Pos {
        // serde-saphyr gives byte offsets into the YAML block (it parses a string), which stay
        // exact where its lines are not ours: it also breaks lines at a lone `\r`.
        let span = location.span();
        let start = match span.byte_offset() {
            Some(offset) => self.yaml_offset + offset as usize,
            None => {
                // The block starts a line; serde-saphyr counts lines from there.
                let first_line = self.lines.line_of(self.yaml_offset);
                let line = first_line + (location.line() as usize).saturating_sub(1);
                self.lines.offset_of(line, location.column() as usize)
            }
        };
        self.lines.pos(start, span.byte_len().unwrap_or(0) as usize)
    }

    fn located<T>(&self, spanned: Spanned<T>) -> Located<T> {
        Located {
            pos: self.pos(&spanned.referenced),
            value: spanned.value,
        }
    }

    /// The first line of the YAML block: for problems of the block as a whole.
    fn at_start(&self, code: Code, message: &str) -> Diagnostic {
        let pos = self.lines.pos(self.yaml_offset, 0);
        Diagnostic::error(code, self.file, pos, message)
    }

    fn diagnostic(&self, code: Code, location: &Location, message: String) -> Diagnostic {
        Diagnostic::error(code, self.file, self.pos(location), message)
    }
}

/// Parses one YAML block. `inferred` is the kind the page's location gives it.
pub fn parse(cx: &Context, yaml: &str, inferred: Kind) -> Result<FrontMatter, Vec<Diagnostic>> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter {
            meta: Some(empty_meta(inferred)),
            ..FrontMatter::default()
        });
    }
    let raw: Raw = crate::yaml::from_str(yaml).map_err(|e| vec![yaml_error(cx, &e)])?;
    let mut problems = Vec::new();
    let kind = raw.kind.as_ref().map_or(inferred, |k| k.value);

    // Fields that belong to another kind are a mistake worth naming, not silently ignored.
    let mut misplaced = |field: &str, loc: Option<&Location>, allowed: Kind| {
        if let Some(loc) = loc.filter(|_| kind != allowed) {
            problems.push(
                cx.diagnostic(
                    Code::FrontMatterSchema,
                    loc,
                    format!(
                        "`{field}` is a {} field, but this page is a {}",
                        allowed.as_str(),
                        kind.as_str()
                    ),
                )
                .with_help(format!(
                    "remove `{field}`, or set `kind: {}`",
                    allowed.as_str()
                ))
                .with_subject(field),
            );
        }
    };
    misplaced(
        "collaborates_with",
        raw.collaborates_with.as_ref().map(|s| &s.referenced),
        Kind::Department,
    );
    misplaced(
        "metrics",
        raw.metrics.as_ref().map(|s| &s.referenced),
        Kind::Department,
    );
    misplaced(
        "status",
        raw.status.as_ref().map(|s| &s.referenced),
        Kind::Process,
    );
    misplaced(
        "used_when",
        raw.used_when.as_ref().map(|s| &s.referenced),
        Kind::Process,
    );
    misplaced(
        "collaborators",
        raw.collaborators.as_ref().map(|s| &s.referenced),
        Kind::Process,
    );
    misplaced(
        "deal_profile",
        raw.deal_profile.as_ref().map(|s| &s.referenced),
        Kind::Process,
    );
    misplaced(
        "stages",
        raw.stages.as_ref().map(|s| &s.referenced),
        Kind::Process,
    );
    misplaced(
        "process",
        raw.process.as_ref().map(|s| &s.referenced),
        Kind::Playbook,
    );
    misplaced(
        "stage",
        raw.stage.as_ref().map(|s| &s.referenced),
        Kind::Playbook,
    );
    misplaced(
        "audience",
        raw.audience.as_ref().map(|s| &s.referenced),
        Kind::Playbook,
    );

    if kind == Kind::Process && raw.owner.is_none() {
        problems.push(
            cx.at_start(Code::FrontMatterSchema, "a process page needs `owner`")
                .with_help("add `owner: <department id>`")
                .with_subject("owner"),
        );
    }
    if kind == Kind::Playbook && raw.process.is_none() {
        problems.push(
            cx.at_start(Code::FrontMatterSchema, "a playbook page needs `process`")
                .with_help("add `process: <process id>`")
                .with_subject("process"),
        );
    }
    if let Some(date) = &raw.last_reviewed
        && date.value.parse::<jiff::civil::Date>().is_err()
    {
        problems.push(
            cx.diagnostic(
                Code::FrontMatterSchema,
                &date.referenced,
                format!("`last_reviewed` is not a date: `{}`", date.value),
            )
            .with_help("write it as YYYY-MM-DD")
            .with_subject("last_reviewed"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let list = |v: Option<Spanned<Vec<Spanned<String>>>>| -> Vec<Located<String>> {
        v.map(|s| s.value.into_iter().map(|x| cx.located(x)).collect())
            .unwrap_or_default()
    };
    let mut resources = Vec::new();
    let meta = match kind {
        Kind::Department => Meta::Department(Department {
            collaborates_with: list(raw.collaborates_with),
            metrics: raw.metrics.map(|m| m.value).unwrap_or_default(),
        }),
        Kind::Process => Meta::Process(Process {
            status: raw.status.map(|s| s.value).unwrap_or_default(),
            used_when: raw.used_when.map(|s| s.value),
            collaborators: list(raw.collaborators),
            deal_profile: raw.deal_profile.map(|s| s.value),
            stages: raw
                .stages
                .map(|s| s.value)
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    resources.push(
                        s.resources
                            .into_iter()
                            .map(|r| (r.title, cx.located(r.url)))
                            .collect(),
                    );
                    let (id, id_pos) = match s.id {
                        Some(id) => {
                            let id = cx.located(id);
                            (id.value, id.pos)
                        }
                        None => (super::slug::slug(&s.name.value), cx.pos(&s.name.referenced)),
                    };
                    Stage {
                        id,
                        id_pos,
                        name: s.name.value,
                        goal: s.goal,
                        duration: s.duration,
                        sales_stage: s.sales_stage,
                        forecast_category: s.forecast_category,
                        agenda: s.agenda,
                        exit_criteria: s.exit_criteria,
                        next_step: s.next_step,
                        collaborators: s.collaborators.into_iter().map(|x| cx.located(x)).collect(),
                        playbooks: s.playbooks.into_iter().map(|x| cx.located(x)).collect(),
                        resources: Vec::new(),
                    }
                })
                .collect(),
        }),
        Kind::Playbook => Meta::Playbook(Playbook {
            process: raw.process.map(|x| cx.located(x)),
            stage: raw.stage.map(|x| cx.located(x)),
            audience: raw.audience.map(|s| s.value),
        }),
        Kind::Page => Meta::Page,
    };
    Ok(FrontMatter {
        id: raw.id.map(|s| cx.located(s)),
        kind: Some(kind),
        title: raw.title,
        common: Common {
            description: raw.description,
            draft: raw.draft,
            tags: raw.tags,
            owner: raw.owner.map(|x| cx.located(x)),
            weight: raw.weight,
            aliases: raw.aliases.into_iter().map(|x| cx.located(x)).collect(),
            last_reviewed: raw.last_reviewed.map(|x| cx.located(x)),
            review_every: raw.review_every,
            extra: raw.extra.unwrap_or(serde_json::Value::Null),
        },
        meta: Some(meta),
        resources,
    })
}

/// The fields of a kind, all empty: for a page whose front matter is blank.
pub fn empty_meta(kind: Kind) -> Meta {
    match kind {
        Kind::Department => Meta::Department(Department::default()),
        Kind::Process => Meta::Process(Process::default()),
        Kind::Playbook => Meta::Playbook(Playbook::default()),
        Kind::Page => Meta::Page,
    }
}

/// Turns a serde-saphyr error into one diagnostic: a schema problem (wrong field or type)
/// or a syntax problem (the YAML itself does not parse).
fn yaml_error(cx: &Context, error: &serde_saphyr::Error) -> Diagnostic {
    let message = crate::yaml::message(error);
    let code = if crate::yaml::is_schema_error(error) {
        Code::FrontMatterSchema
    } else {
        Code::FrontMatterSyntax
    };
    let mut diagnostic = match error.location() {
        Some(location) => cx.diagnostic(code, &location, message.clone()),
        None => cx.at_start(code, &message),
    };
    if let Some(field) = between(&message, "unknown field `", "`") {
        diagnostic = diagnostic.with_subject(field);
        let candidates = if message.contains("`goal`") {
            STAGE_FIELDS
        } else {
            FIELDS
        };
        if let Some(best) = crate::suggest::closest(field, candidates.iter().copied()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
        } else {
            diagnostic = diagnostic
                .with_help("unknown fields are errors; put free-form data under `extra:`");
        }
    }
    diagnostic
}

fn between<'s>(text: &'s str, open: &str, close: &str) -> Option<&'s str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_bom_and_crlf() {
        let src = "\u{feff}---\r\ntitle: A\r\n---\r\nbody\r\n";
        let s = split(src).unwrap().unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(&src[s.body_offset..], "body\r\n");
    }

    #[test]
    fn split_without_front_matter_and_unclosed() {
        assert!(split("# Title\n---\n").unwrap().is_none());
        assert_eq!(split("---\ntitle: A\n").unwrap_err(), 0);
        let s = split("---\n---\n").unwrap().unwrap();
        assert_eq!(s.yaml, "");
    }
}
