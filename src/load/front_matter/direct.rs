//! Front matter of the plainest shape read straight into the page's fields, without the tree
//! of [`crate::yaml::node`]: the lines [`crate::yaml::block`] reads, each key looked up among
//! the fields as it is met and its value typed and kept at once. Building the tree and then
//! reading it again took 38 M of the 244 M instructions of a `check` of 1,000 synthetic pages;
//! reading straight into the fields takes 28 M.
//!
//! Only front matter that reads without a single problem is taken here: every key a field of
//! the page's kind, written once, every value of its field's shape, every stage named and every
//! resource whole. Anything else ([`read`] gives `None`: a problem, `kind:`, `extra:`, a key
//! handbook.yaml declares, a line the line-by-line reading leaves to the YAML parser) is read
//! through the tree as before, from the start, so its problems keep their words and places. A
//! test holds this reading to the tree's on every front matter at hand and on generated ones.

use super::{Context, FrontMatter, STATUSES};
use crate::model::{Kind, Located, Meta, Pos, Stage};
use crate::yaml::block::{self, Line, Lines, OneLine};
use crate::yaml::events::{Plain, plain_type};

/// Longer front matter goes through the tree. Shorter, in the shapes read here, holds fewer
/// values than the tree's readers allow (`MAX_NODES / 2`: each value takes a byte and a half
/// of its lines at least), so none is counted here.
const MAX_BYTES: usize = 1 << 16;

/// A one-line value as the line-by-line reading types it.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Null,
    /// Text, unquoted.
    Text(&'a str),
    /// A boolean or a whole number, and how it is written (what a field of text reads).
    Bool(bool, &'a str),
    Int(i64, &'a str),
    /// Any other number, as written.
    Other(&'a str),
    /// `[]`.
    EmptyList,
    /// `{}`.
    EmptyMap,
}

/// Where a one-line value is written: its line, first byte and length in the YAML. Turned
/// into a place only for the values that keep one.
#[derive(Clone, Copy)]
struct At {
    line: Line,
    from: usize,
    len: usize,
}

/// A key's value: on the key's line, empty, or on the lines below (a block list or mapping).
enum Found<'a> {
    Inline(Scalar<'a>, At),
    Null,
    /// On the lines below, at this indentation; `indentless`: a list at the key's own.
    Below {
        indent: usize,
        indentless: bool,
    },
}

/// A stage's resources as (title, url), as [`FrontMatter::resources`] keeps them.
type Resources = Vec<(String, Located<String>)>;

struct Direct<'a, 'c> {
    lines: Lines<'a>,
    text: &'a str,
    cx: &'c Context<'c>,
    /// The file's line of the YAML's first line.
    first_line: usize,
    /// Lists being read, moved out at their size.
    texts: Vec<String>,
    located: Vec<Located<String>>,
    stages: Vec<Stage>,
    resources: Vec<Resources>,
}

/// The front matter `yaml` gives a page of `kind`, when it reads without a problem; `None`
/// otherwise (see the module comment).
pub(super) fn read(cx: &Context, yaml: &str, kind: Kind) -> Option<FrontMatter> {
    if yaml.len() > MAX_BYTES {
        return None;
    }
    let lines = Lines::open(yaml)?;
    let first = lines.line?;
    let mut r = Direct {
        lines,
        text: yaml,
        cx,
        first_line: cx.lines.line_of(cx.yaml_offset),
        texts: Vec::new(),
        located: Vec::new(),
        stages: Vec::new(),
        resources: Vec::new(),
    };
    if block::is_item(&yaml[first.start + first.indent..first.end]) {
        return None;
    }
    let fm = r.page(first.indent, kind)?;
    (r.lines.line.is_none() && !r.lines.marker).then_some(fm)
}

impl<'a> Direct<'a, '_> {
    /// A value's place in the file (as `Reader::place` gives it).
    fn place(&self, at: At) -> Pos {
        let at = self.lines.pos(at.line, at.from, at.len);
        let start = self.cx.yaml_offset + at.bytes.start;
        let pos = Pos {
            line: self.first_line + at.line - 1,
            column: at.column,
            bytes: start..start + at.bytes.len(),
        };
        debug_assert_eq!(pos, self.cx.pos(&at));
        pos
    }

    /// The top-level mapping, its keys at `indent`.
    fn page(&mut self, indent: usize, kind: Kind) -> Option<FrontMatter> {
        let mut fm = FrontMatter::empty(kind);
        let mut meta = super::empty_meta(kind);
        let mut seen = 0u32;
        let line = self.lines.line?;
        let mut key_at = line.start + indent;
        loop {
            let line = self.lines.line?;
            let colon = key_at + block::key_end(&self.text[key_at..line.end])?;
            let key = page_key(&self.text[key_at..colon])?;
            if seen >> key as u32 & 1 == 1 {
                return None;
            }
            seen |= 1 << key as u32;
            let found = self.value(line, colon, indent)?;
            let common = &mut fm.common;
            // A field of another kind falls to the last arm: the tree's to report.
            match (key, &mut meta) {
                (PageKey::Id, _) => fm.id = self.text(found)?,
                (PageKey::Title, _) => fm.title = self.string(found)?,
                (PageKey::Description, _) => common.description = self.string(found)?,
                (PageKey::Draft, _) => {
                    common.draft = match found {
                        Found::Inline(Scalar::Bool(b, _), _) => b,
                        found => null(found).then_some(false)?,
                    }
                }
                (PageKey::Tags, _) => common.tags = self.texts(found)?,
                (PageKey::Owner, _) => common.owner = self.text(found)?,
                (PageKey::Weight, _) => {
                    common.weight = match found {
                        Found::Inline(Scalar::Int(n, _), _) => Some(n),
                        found => null(found).then_some(None)?,
                    }
                }
                (PageKey::Aliases, _) => common.aliases = self.list(found)?,
                (PageKey::LastReviewed, _) => {
                    let date = self.text(found)?;
                    if let Some(date) = &date {
                        date.value.parse::<jiff::civil::Date>().ok()?;
                    }
                    common.last_reviewed = date;
                }
                (PageKey::ReviewEvery, _) => {
                    common.review_every = match found {
                        Found::Inline(Scalar::Int(n, _), _) if n > 0 => u32::try_from(n).ok(),
                        found => null(found).then_some(None)?,
                    }
                }
                (PageKey::CollaboratesWith, Meta::Department(d)) => {
                    d.collaborates_with = self.list(found)?
                }
                (PageKey::Metrics, Meta::Department(d)) => d.metrics = self.texts(found)?,
                (PageKey::Status, Meta::Process(p)) => {
                    p.status = match self.string(found)? {
                        None => Default::default(),
                        Some(word) => STATUSES.iter().find(|(n, _)| *n == word)?.1,
                    }
                }
                (PageKey::UsedWhen, Meta::Process(p)) => p.used_when = self.string(found)?,
                (PageKey::Collaborators, Meta::Process(p)) => p.collaborators = self.list(found)?,
                (PageKey::DealProfile, Meta::Process(p)) => p.deal_profile = self.string(found)?,
                (PageKey::Stages, Meta::Process(p)) => {
                    (p.stages, fm.resources) = self.stages(found)?;
                }
                (PageKey::Process, Meta::Playbook(p)) => p.process = self.text(found)?,
                (PageKey::Stage, Meta::Playbook(p)) => p.stage = self.text(found)?,
                (PageKey::Audience, Meta::Playbook(p)) => p.audience = self.string(found)?,
                _ => return None,
            }
            match self.next_key(indent)? {
                Some(at) => key_at = at,
                None => break,
            }
        }
        // A field the kind needs, absent or empty, is a problem.
        let needed = match &meta {
            Meta::Process(_) => fm.common.owner.is_some(),
            Meta::Playbook(p) => p.process.is_some(),
            Meta::Department(_) | Meta::Page => true,
        };
        fm.meta = Some(meta);
        needed.then_some(fm)
    }

    /// After a key's value, where the next key of a mapping at `indent` starts: `Some(None)`
    /// when the mapping ends, `None` when the line-by-line reading would step aside (as
    /// `block::Reader::mapping` does).
    #[inline]
    fn next_key(&self, indent: usize) -> Option<Option<usize>> {
        let next = match self.lines.line {
            Some(next) if next.indent == indent => next,
            Some(next) if next.indent > indent => return None,
            _ => return Some(None),
        };
        let key_at = next.start + indent;
        (!block::is_item(&self.text[key_at..next.end])).then_some(Some(key_at))
    }

    /// The value of the key whose `:` is at byte `colon` of `line`, in a mapping at `indent`
    /// (as `block::Reader::mapping` reads it).
    fn value(&mut self, line: Line, colon: usize, indent: usize) -> Option<Found<'a>> {
        let value_at = colon + 1 + block::spaces(&self.text[colon + 1..line.end]);
        if value_at < line.end {
            let (scalar, pos) = self.inline(line, value_at)?;
            self.lines.advance();
            self.no_deeper(indent)?;
            return Some(Found::Inline(scalar, pos));
        }
        self.lines.advance();
        Some(match self.lines.line {
            Some(next) if next.indent > indent => Found::Below {
                indent: next.indent,
                indentless: false,
            },
            Some(next)
                if next.indent == indent
                    && block::is_item(&self.text[next.start + indent..next.end]) =>
            {
                Found::Below {
                    indent,
                    indentless: true,
                }
            }
            _ => Found::Null,
        })
    }

    /// After a value on one line, a deeper line would continue it: the parser's.
    #[inline]
    fn no_deeper(&self, indent: usize) -> Option<()> {
        match self.lines.line {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A value that fills the rest of `line` from byte `from` (as `block::Reader::inline`
    /// reads it), with its place in the YAML.
    fn inline(&self, line: Line, from: usize) -> Option<(Scalar<'a>, At)> {
        let (value, len) = block::one_line(self.text, line, from)?;
        let scalar = match value {
            OneLine::Quoted(s) => Scalar::Text(s),
            OneLine::EmptyList => Scalar::EmptyList,
            OneLine::EmptyMap => Scalar::EmptyMap,
            OneLine::Plain(s) => match plain_type(s)? {
                Plain::Null => Scalar::Null,
                Plain::Bool(b) => Scalar::Bool(b, s),
                Plain::Int(n) => Scalar::Int(n, s),
                Plain::Text => Scalar::Text(s),
                Plain::Float(_) => Scalar::Other(s),
            },
        };
        Some((scalar, At { line, from, len }))
    }

    /// Text as a field of text reads it: any scalar as written; empty is no value. `None` for
    /// a problem.
    fn text(&self, found: Found<'a>) -> Option<Option<Located<String>>> {
        match found {
            Found::Inline(scalar, pos) => match as_written(scalar)? {
                Some(text) => Some(Some(Located {
                    value: text.to_string(),
                    pos: self.place(pos),
                })),
                None => Some(None),
            },
            Found::Null => Some(None),
            Found::Below { .. } => None,
        }
    }

    /// [`Self::text`] without the place.
    fn string(&self, found: Found<'a>) -> Option<Option<String>> {
        match found {
            Found::Inline(scalar, _) => Some(as_written(scalar)?.map(str::to_string)),
            Found::Null => Some(None),
            Found::Below { .. } => None,
        }
    }

    /// A list of text items, each with its place.
    fn list(&mut self, found: Found<'a>) -> Option<Vec<Located<String>>> {
        let base = self.located.len();
        self.items(found, |r, text, pos| {
            let pos = r.place(pos);
            r.located.push(Located {
                value: text.to_string(),
                pos,
            });
        })?;
        Some(self.located.drain(base..).collect())
    }

    /// A list of text items.
    fn texts(&mut self, found: Found<'a>) -> Option<Vec<String>> {
        let base = self.texts.len();
        self.items(found, |r, text, _| r.texts.push(text.to_string()))?;
        Some(self.texts.drain(base..).collect())
    }

    /// Each item of a list of scalars, as written, to `keep`; `None` for a problem (a single
    /// value, a mapping, an item that is empty or not a scalar).
    fn items(
        &mut self,
        found: Found<'a>,
        mut keep: impl FnMut(&mut Self, &'a str, At),
    ) -> Option<()> {
        let indent = match found {
            Found::Inline(Scalar::EmptyList, _) | Found::Null => return Some(()),
            Found::Inline(..) => return None,
            Found::Below { indent, indentless } => {
                if indentless {
                    return self.indentless(indent, keep);
                }
                indent
            }
        };
        let first = self.lines.line?;
        if !block::is_item(&self.text[first.start + indent..first.end]) {
            return None;
        }
        while let Some(line) = self.lines.line {
            let Some(from) = self.item_at(line, indent)? else {
                break;
            };
            let content = from + block::spaces(&self.text[from..line.end]);
            let rest = &self.text[content..line.end];
            if content == line.end || block::is_item(rest) || block::key_end(rest).is_some() {
                return None;
            }
            let (scalar, pos) = self.inline(line, content)?;
            self.lines.advance();
            self.no_deeper(line.indent)?;
            keep(self, as_written(scalar)??, pos);
        }
        Some(())
    }

    /// Where the item on `line` of a block list at `indent` starts (after its `- `):
    /// `Some(None)` when the list ends before it, `None` when the line-by-line reading would
    /// step aside (as `block::Reader::list` reads it).
    #[inline]
    fn item_at(&self, line: Line, indent: usize) -> Option<Option<usize>> {
        if line.indent < indent {
            return Some(None);
        }
        let content = &self.text[line.start + indent..line.end];
        if line.indent > indent || !content.starts_with("- ") {
            if line.indent > indent || content == "-" {
                return None;
            }
            return Some(None);
        }
        Some(Some(line.start + indent + 2))
    }

    /// A list of scalars at the indentation of its key (as `block::Reader::indentless` reads
    /// it).
    fn indentless(
        &mut self,
        indent: usize,
        mut keep: impl FnMut(&mut Self, &'a str, At),
    ) -> Option<()> {
        while let Some(line) = self.lines.line {
            if line.indent > indent {
                return None;
            }
            let content = &self.text[line.start + line.indent..line.end];
            if line.indent < indent || !content.starts_with("- ") {
                if line.indent == indent && content == "-" {
                    return None;
                }
                break;
            }
            let from = line.start + indent + 2;
            let value_at = from + block::spaces(&self.text[from..line.end]);
            let value = &self.text[value_at..line.end];
            if value.starts_with('-') || block::key_end(value).is_some() {
                return None;
            }
            let (scalar, pos) = self.inline(line, value_at)?;
            self.lines.advance();
            self.no_deeper(indent)?;
            keep(self, as_written(scalar)??, pos);
        }
        Some(())
    }

    /// The indentation of the items of a list of mappings below a key (a process's stages, a
    /// stage's resources): `Some(None)` when the list is empty, `None` when it is not a
    /// block list this reading takes.
    fn items_at(&self, found: Found<'a>) -> Option<Option<usize>> {
        let indent = match found {
            Found::Inline(Scalar::EmptyList, _) | Found::Null => return Some(None),
            Found::Below {
                indent,
                indentless: false,
            } => indent,
            _ => return None,
        };
        let first = self.lines.line?;
        block::is_item(&self.text[first.start + indent..first.end]).then_some(Some(indent))
    }

    /// A process's stages, each a mapping with a `name`, and each stage's resources.
    fn stages(&mut self, found: Found<'a>) -> Option<(Vec<Stage>, Vec<Resources>)> {
        let Some(indent) = self.items_at(found)? else {
            return Some((Vec::new(), Vec::new()));
        };
        let base = self.stages.len();
        while let Some(line) = self.lines.line {
            let Some(from) = self.item_at(line, indent)? else {
                break;
            };
            let (stage, resources) = self.stage(line, from)?;
            self.stages.push(stage);
            self.resources.push(resources);
        }
        Some((
            self.stages.drain(base..).collect(),
            self.resources.drain(base..).collect(),
        ))
    }

    /// The mapping of a list item that starts at byte `from` of `line`: its key and value
    /// on each of its lines, `key` to read each (as `block::Reader::item` and `mapping` read
    /// them). `None` for an item that is no mapping.
    fn item_keys(
        &mut self,
        line: Line,
        from: usize,
        mut key: impl FnMut(&mut Self, &'a str, Found<'a>) -> Option<()>,
    ) -> Option<()> {
        let content = from + block::spaces(&self.text[from..line.end]);
        if content == line.end || block::is_item(&self.text[content..line.end]) {
            return None;
        }
        let indent = content - line.start;
        let mut key_at = content;
        loop {
            let line = self.lines.line?;
            let colon = key_at + block::key_end(&self.text[key_at..line.end])?;
            // Every key `key` takes is a field's name: plain text as written.
            let name = &self.text[key_at..colon];
            let found = self.value(line, colon, indent)?;
            key(self, name, found)?;
            match self.next_key(indent)? {
                Some(at) => key_at = at,
                None => return Some(()),
            }
        }
    }

    /// One stage, a list item that starts at byte `from` of `line`.
    fn stage(&mut self, line: Line, from: usize) -> Option<(Stage, Resources)> {
        let mut stage = Stage::default();
        let mut name = None;
        let mut id = None;
        let mut resources = Vec::new();
        let mut seen = 0u32;
        self.item_keys(line, from, |r, key, found| {
            let key = stage_key(key)?;
            if seen >> key as u32 & 1 == 1 {
                return None;
            }
            seen |= 1 << key as u32;
            match key {
                StageKey::Name => name = r.text(found)?,
                StageKey::Id => id = r.text(found)?,
                StageKey::Goal => stage.goal = r.string(found)?,
                StageKey::Duration => stage.duration = r.string(found)?,
                StageKey::SalesStage => stage.sales_stage = r.string(found)?,
                StageKey::ForecastCategory => stage.forecast_category = r.string(found)?,
                StageKey::Agenda => stage.agenda = r.texts(found)?,
                StageKey::ExitCriteria => stage.exit_criteria = r.texts(found)?,
                StageKey::NextStep => stage.next_step = r.string(found)?,
                StageKey::Collaborators => stage.collaborators = r.list(found)?,
                StageKey::Playbooks => stage.playbooks = r.list(found)?,
                StageKey::Resources => resources = r.resources(found)?,
            }
            Some(())
        })?;
        let name: Located<String> = name?;
        (stage.id, stage.id_pos) = match id {
            Some(id) => (id.value, id.pos),
            None => (crate::load::slug::slug(&name.value), name.pos),
        };
        stage.name = name.value;
        Some((stage, resources))
    }

    /// A stage's resources, each a mapping with a `title` and a `url`.
    fn resources(&mut self, found: Found<'a>) -> Option<Resources> {
        let Some(indent) = self.items_at(found)? else {
            return Some(Vec::new());
        };
        let mut out = Vec::new();
        while let Some(line) = self.lines.line {
            let Some(from) = self.item_at(line, indent)? else {
                break;
            };
            let (mut title, mut url) = (None, None);
            // A key written twice is read twice, the last kept, as the tree's reader does.
            self.item_keys(line, from, |r, key, found| {
                match key {
                    "title" => title = r.text(found)?,
                    "url" => url = r.text(found)?,
                    _ => return None,
                }
                Some(())
            })?;
            let title: Located<String> = title?;
            out.push((title.value, url?));
        }
        Some(out)
    }
}

/// The page fields read here (`kind` and `extra` are left to the tree); each one's number is
/// its bit in the set of keys met, so a repeated key is found with a shift.
#[derive(Clone, Copy)]
enum PageKey {
    Id,
    Title,
    Description,
    Draft,
    Tags,
    Owner,
    Weight,
    Aliases,
    LastReviewed,
    ReviewEvery,
    CollaboratesWith,
    Metrics,
    Status,
    UsedWhen,
    Collaborators,
    DealProfile,
    Stages,
    Process,
    Stage,
    Audience,
}

/// Matched as constants, without a call to compare each name.
fn page_key(name: &str) -> Option<PageKey> {
    Some(match name {
        "id" => PageKey::Id,
        "title" => PageKey::Title,
        "description" => PageKey::Description,
        "draft" => PageKey::Draft,
        "tags" => PageKey::Tags,
        "owner" => PageKey::Owner,
        "weight" => PageKey::Weight,
        "aliases" => PageKey::Aliases,
        "last_reviewed" => PageKey::LastReviewed,
        "review_every" => PageKey::ReviewEvery,
        "collaborates_with" => PageKey::CollaboratesWith,
        "metrics" => PageKey::Metrics,
        "status" => PageKey::Status,
        "used_when" => PageKey::UsedWhen,
        "collaborators" => PageKey::Collaborators,
        "deal_profile" => PageKey::DealProfile,
        "stages" => PageKey::Stages,
        "process" => PageKey::Process,
        "stage" => PageKey::Stage,
        "audience" => PageKey::Audience,
        _ => return None,
    })
}

/// The fields of a stage, numbered as [`PageKey`]'s are.
#[derive(Clone, Copy)]
enum StageKey {
    Name,
    Id,
    Goal,
    Duration,
    SalesStage,
    ForecastCategory,
    Agenda,
    ExitCriteria,
    NextStep,
    Collaborators,
    Playbooks,
    Resources,
}

fn stage_key(name: &str) -> Option<StageKey> {
    Some(match name {
        "name" => StageKey::Name,
        "id" => StageKey::Id,
        "goal" => StageKey::Goal,
        "duration" => StageKey::Duration,
        "sales_stage" => StageKey::SalesStage,
        "forecast_category" => StageKey::ForecastCategory,
        "agenda" => StageKey::Agenda,
        "exit_criteria" => StageKey::ExitCriteria,
        "next_step" => StageKey::NextStep,
        "collaborators" => StageKey::Collaborators,
        "playbooks" => StageKey::Playbooks,
        "resources" => StageKey::Resources,
        _ => return None,
    })
}

/// A scalar as a field of text reads it: `Some(None)` for no value, `None` for `[]` and
/// `{}` (a problem).
fn as_written(scalar: Scalar<'_>) -> Option<Option<&str>> {
    match scalar {
        Scalar::Null => Some(None),
        Scalar::Text(s) | Scalar::Bool(_, s) | Scalar::Int(_, s) | Scalar::Other(s) => {
            Some(Some(s))
        }
        Scalar::EmptyList | Scalar::EmptyMap => None,
    }
}

/// True when a value is empty (unset, no problem).
fn null(found: Found<'_>) -> bool {
    matches!(found, Found::Null | Found::Inline(Scalar::Null, _))
}

#[cfg(test)]
mod tests;
