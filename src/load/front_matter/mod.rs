//! Front matter: split the YAML block from the body, then read it field by field for the page's
//! kind ([`fields`]), so that every problem of a page is reported, each at its key or value, and
//! the page is loaded with every field that could be read.
//!
//! Every value that can be wrong later (a reference, a date, an alias) keeps its source
//! position, so diagnostics point at the YAML value itself.
//!
//! Front matter without a problem, in the plain shape nearly every page has, is read straight
//! into the fields as its lines are met (`direct`); the rest is read into a tree of values
//! first ([`crate::yaml::node`]) and then field by field (`reader`, `stages`), which finds
//! and words every problem.

mod direct;
mod fields;
mod reader;
mod stages;

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

use super::LineIndex;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Common, Department, Kind, Located, Meta, Playbook, Pos, Process, Status, Unread,
};
use crate::yaml::node::{Node, Value};

use reader::Reader;

pub use fields::{
    Field, PAGE, REQUIRED, RESOURCE, RESOURCE_REQUIRED, STAGE, STAGE_REQUIRED, Shape, of_kind,
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
    let bytes = source.as_bytes();
    let line_end =
        |from: usize| memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |n| from + n);
    let first_end = line_end(start);
    if source[start..first_end].trim_end() != "---" {
        return Ok(None);
    }
    if first_end == bytes.len() {
        return Err(start);
    }
    let yaml_offset = first_end + 1;
    // Only a line that starts with `---` may close it: look at those alone, found in one scan.
    static CLOSING: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n---"));
    for newline in CLOSING.find_iter(&bytes[first_end..]) {
        let offset = first_end + newline + 1;
        let end = line_end(offset);
        if source[offset..end].trim_end() == "---" {
            return Ok(Some(Split {
                yaml: &source[yaml_offset..offset],
                yaml_offset,
                body_offset: (end + 1).min(source.len()),
            }));
        }
    }
    Err(start)
}

/// Front matter read and typed for its page's kind: every field that could be read.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub id: Option<Located<String>>,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub common: Common,
    pub meta: Option<Meta>,
    /// Stage resources as (title, url) for the loader to turn into links.
    pub resources: Vec<Vec<(String, Located<String>)>>,
    pub unread: Unread,
    /// Top-level keys that are neither fields nor declared in handbook.yaml.
    pub unknown_keys: Vec<String>,
}

/// Where a parse runs: the file name for diagnostics, the line index of the whole file, and
/// the keys handbook.yaml declares.
pub struct Context<'a> {
    pub file: &'a str,
    pub lines: &'a LineIndex<'a>,
    pub yaml_offset: usize,
    /// `front_matter.extra_keys` of handbook.yaml: accepted, and put in `extra`.
    pub extra_keys: &'a [String],
}

impl Context<'_> {
    /// A place in the YAML block as a place in the file.
    fn pos(&self, in_yaml: &Pos) -> Pos {
        let start = self.yaml_offset + in_yaml.bytes.start;
        self.lines.pos(start, in_yaml.bytes.len())
    }

    /// The first line of the YAML block: for problems of the block as a whole.
    fn start(&self) -> Pos {
        self.lines.pos(self.yaml_offset, 0)
    }
}

/// A page's front matter as read: the fields, where the body starts, and the problems.
pub struct Read {
    pub front_matter: FrontMatter,
    pub body_offset: usize,
    pub problems: Vec<Diagnostic>,
}

/// Reads the front matter of `source`, already [`split`]; `inferred` is the kind the page's
/// place gives it.
pub fn read(
    file: &str,
    lines: &LineIndex,
    source: &str,
    split: Result<Option<Split>, usize>,
    inferred: Kind,
    extra_keys: &[String],
) -> Read {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let cx = |yaml_offset| Context {
        file,
        lines,
        yaml_offset,
        extra_keys,
    };
    match split {
        Ok(None) => Read {
            front_matter: FrontMatter::default(),
            body_offset: bom,
            problems: Vec::new(),
        },
        Ok(Some(split)) => {
            let (front_matter, problems) = parse(&cx(split.yaml_offset), split.yaml, inferred);
            Read {
                front_matter,
                body_offset: split.body_offset,
                problems,
            }
        }
        Err(offset) => unclosed(&cx, source, offset, inferred),
    }
}

/// Front matter opened by `---` and never closed. What follows the opening line, up to the
/// first blank line, is most likely the YAML: it is read quietly for what it gives (the
/// page's id and kind, so that pages naming it do not each report it), and the body starts
/// after it when it is YAML.
fn unclosed<'a>(
    cx: &impl Fn(usize) -> Context<'a>,
    source: &str,
    offset: usize,
    inferred: Kind,
) -> Read {
    let yaml_offset = source[offset..]
        .find('\n')
        .map_or(source.len(), |n| offset + n + 1);
    let block = &source[yaml_offset..];
    let len = block
        .find("\n\n")
        .or_else(|| block.find("\n\r\n"))
        .unwrap_or(block.len());
    let yaml = &block[..len];
    let cx = cx(yaml_offset);
    let problem = Diagnostic::error(
        Code::FrontMatterSyntax,
        cx.file,
        cx.lines.pos(offset, 3),
        "front matter is not closed: no `---` line after the opening one",
    )
    .with_help("end the front matter with a line holding only `---`");
    let (front_matter, body_offset) = match quietly(&cx, yaml, inferred) {
        Some(front_matter) => (front_matter, yaml_offset + len),
        None => (FrontMatter::default(), offset),
    };
    Read {
        front_matter: unread(front_matter, yaml),
        body_offset,
        problems: vec![problem],
    }
}

/// Parses one YAML block. Never fails: a page with a mistake in its front matter is loaded
/// with every field that could be read.
pub fn parse(cx: &Context, yaml: &str, inferred: Kind) -> (FrontMatter, Vec<Diagnostic>) {
    if yaml.trim().is_empty() {
        return (FrontMatter::empty(inferred), Vec::new());
    }
    if let Some(front_matter) = direct::read(cx, yaml, inferred) {
        return (front_matter, Vec::new());
    }
    parse_tree(cx, yaml, inferred)
}

/// [`parse`] through the tree of [`crate::yaml::node`]: every front matter that has a problem,
/// or a shape [`direct`] leaves alone.
fn parse_tree(cx: &Context, yaml: &str, inferred: Kind) -> (FrontMatter, Vec<Diagnostic>) {
    match crate::yaml::read(yaml) {
        Ok(tree) => {
            let mut r = Reader::new(cx, yaml, tree.editor_places);
            let fm = read_fields(&mut r, cx, &tree.root, inferred, true);
            (fm, r.problems)
        }
        Err(error) => {
            let problem = crate::yaml::problem(&error, yaml);
            let mut diagnostic = Diagnostic::error(
                Code::FrontMatterSyntax,
                cx.file,
                cx.pos(&problem.pos),
                problem.message,
            );
            if let Some(help) = problem.help {
                diagnostic = diagnostic.with_help(help);
            }
            // What could be read: the lines before the mistake.
            let before = yaml
                .split_inclusive('\n')
                .take(problem.pos.line.saturating_sub(1))
                .map(str::len)
                .sum();
            let fm = quietly(cx, &yaml[..before], inferred)
                .unwrap_or_else(|| FrontMatter::empty(inferred));
            (unread(fm, yaml), vec![diagnostic])
        }
    }
}

/// Reads what a YAML text gives without reporting anything: for the part of a broken front
/// matter that parses, whose only problem is already reported.
fn quietly(cx: &Context, yaml: &str, inferred: Kind) -> Option<FrontMatter> {
    let tree = crate::yaml::read(yaml).ok()?;
    let mut r = Reader::new(cx, yaml, tree.editor_places);
    Some(read_fields(&mut r, cx, &tree.root, inferred, false))
}

/// Marks front matter as not read whole, keeping its words: an id the page may have, or ids
/// it may name, in the part that was not read.
fn unread(mut fm: FrontMatter, yaml: &str) -> FrontMatter {
    fm.unread.words.extend(
        yaml.split(|c: char| c.is_whitespace() || ",:[]{}\"'#&*!|>".contains(c))
            .filter(|w| !w.is_empty() && *w != "-")
            .map(str::to_string),
    );
    fm.unread.words.sort_unstable();
    fm.unread.words.dedup();
    fm.unread.front_matter = true;
    fm
}

const KINDS: [(&str, Kind); 4] = [
    ("department", Kind::Department),
    ("process", Kind::Process),
    ("playbook", Kind::Playbook),
    ("page", Kind::Page),
];

const STATUSES: [(&str, Status); 2] = [("active", Status::Active), ("planned", Status::Planned)];

/// Reads every top-level field. `whole`: the YAML is the whole front matter, so a required
/// field that is absent is missing (not merely after a mistake).
fn read_fields(
    r: &mut Reader,
    cx: &Context,
    tree: &Node,
    inferred: Kind,
    whole: bool,
) -> FrontMatter {
    let entries: &[(Node, Node)] = match &tree.value {
        Value::Null => &[],
        _ => r
            .entries(tree, &"front matter", "title: Discovery call")
            .unwrap_or(&[]),
    };
    let kind_field = fields::page_field("kind").unwrap_or(&PAGE[0]);
    let kind = entries
        .iter()
        .find(|(key, _)| r.key(key) == "kind")
        .and_then(|(_, value)| r.choice(kind_field, value, &KINDS))
        .unwrap_or(inferred);
    let mut fm = FrontMatter::empty(kind);
    let mut meta = empty_meta(kind);
    let mut declared = serde_json::Map::new();
    let mut first: HashMap<Cow<str>, (&Node, &Node)> =
        HashMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (key, value) in entries {
        let name = r.key(key);
        if let Some((earlier, _)) = first.get(&name) {
            let earlier = r.pos(earlier);
            r.repeated(key, &earlier);
            continue;
        }
        first.insert(name.clone(), (key, value));
        match fields::page_field(&name) {
            Some(field) if fields::fits(field, kind) => {
                assign(r, field, value, &mut fm, &mut meta);
            }
            Some(field) => misplaced(r, key, field, kind),
            None if cx.extra_keys.iter().any(|k| *k == name) => {
                declared.insert(name.into_owned(), r.any(value));
            }
            None => {
                unknown(r, key, &name, kind, cx.extra_keys);
                fm.unknown_keys.push(name.into_owned());
            }
        }
    }
    if whole {
        let required = fields::REQUIRED
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|&(_, field, example)| (field, kind.as_str(), example));
        if let Some((field, kind, example)) = required {
            let pos = match first.get(field) {
                None => Some(cx.start()),
                Some((key, value)) if value.value == Value::Null => Some(r.pos(key)),
                Some(_) => None,
            };
            if let Some(pos) = pos {
                r.problem(
                    field,
                    pos,
                    format!("a {kind} page needs `{field}`"),
                    format!("add `{example}`"),
                );
            }
        }
    }
    merge_declared(r, &mut fm, declared, first.get("extra").map(|(k, _)| *k));
    fm.meta = Some(meta);
    fm.unread.words.sort_unstable();
    fm.unread.words.dedup();
    fm
}

/// One field valid on this page, read into its place.
fn assign(r: &mut Reader, field: &Field, value: &Node, fm: &mut FrontMatter, meta: &mut Meta) {
    let text = |r: &mut Reader| r.text(field, value).map(|t| t.value);
    let common = &mut fm.common;
    match (field.name, meta) {
        ("id", _) => fm.id = r.text(field, value),
        // Read before the others: the kind decides which fields are valid.
        ("kind", _) => {}
        ("title", _) => fm.title = text(r),
        ("description", _) => common.description = text(r),
        ("draft", _) => common.draft = r.flag(field, value).unwrap_or(false),
        ("tags", _) => common.tags = r.texts(field, value),
        ("owner", _) => common.owner = r.text(field, value),
        ("weight", _) => common.weight = r.whole(field, value),
        ("aliases", _) => common.aliases = r.list(field, value),
        ("last_reviewed", _) => common.last_reviewed = r.date(field, value),
        ("review_every", _) => common.review_every = r.days(field, value),
        ("extra", _) => common.extra = r.any(value),
        ("collaborates_with", Meta::Department(d)) => d.collaborates_with = r.list(field, value),
        ("metrics", Meta::Department(d)) => d.metrics = r.texts(field, value),
        ("status", Meta::Process(p)) => {
            p.status = r.choice(field, value, &STATUSES).unwrap_or_default();
        }
        ("used_when", Meta::Process(p)) => p.used_when = text(r),
        ("collaborators", Meta::Process(p)) => p.collaborators = r.list(field, value),
        ("deal_profile", Meta::Process(p)) => p.deal_profile = text(r),
        ("stages", Meta::Process(p)) => {
            let read = stages::read(r, field, value);
            p.stages = read.stages;
            fm.resources = read.resources;
            fm.unread.stages = !read.complete;
            fm.unread.words.extend(read.left_out);
        }
        ("process", Meta::Playbook(p)) => p.process = r.text(field, value),
        ("stage", Meta::Playbook(p)) => p.stage = r.text(field, value),
        ("audience", Meta::Playbook(p)) => p.audience = text(r),
        _ => {}
    }
}

/// A field of another kind: a mistake worth naming, not silently ignored.
fn misplaced(r: &mut Reader, key: &Node, field: &Field, kind: Kind) {
    let belongs = field.kind.map_or("page", Kind::as_str);
    let pos = r.pos(key);
    r.problem(
        field.name,
        pos,
        format!(
            "`{}` is a {belongs} field, but this page is a {}",
            field.name,
            kind.as_str()
        ),
        format!("remove `{}`, or set `kind: {belongs}`", field.name),
    );
}

/// A key that is no field and not declared: a typo gets "did you mean" among the fields of this
/// kind (and the declared keys); anything else, the fields of this kind and the two ways to keep
/// free-form data.
fn unknown(r: &mut Reader, key: &Node, name: &str, kind: Kind, declared: &[String]) {
    let mut valid: Vec<&str> = declared.iter().map(String::as_str).collect();
    for name in fields::of_kind(kind) {
        valid.push(name);
    }
    let help = match crate::suggest::closest(name, valid) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let names: Vec<String> = fields::of_kind(kind).map(|n| format!("`{n}`")).collect();
            let page = match kind {
                Kind::Page => "a plain page".to_string(),
                kind => format!("a {} page", kind.as_str()),
            };
            let declare = if declared.is_empty() {
                format!(
                    "declare the key in handbook.yaml: `front_matter: {{extra_keys: [{name}]}}`"
                )
            } else {
                "add the key to `front_matter.extra_keys` in handbook.yaml".to_string()
            };
            format!(
                "the fields of {page} are {}. Put free-form data under `extra:`, or {declare}",
                names.join(", ")
            )
        }
    };
    let pos = r.pos(key);
    r.problem(name, pos, format!("unknown field `{name}`"), help);
}

/// Declared keys join `extra` (a key written in `extra:` itself wins).
fn merge_declared(
    r: &mut Reader,
    fm: &mut FrontMatter,
    declared: serde_json::Map<String, serde_json::Value>,
    extra_key: Option<&Node>,
) {
    if declared.is_empty() {
        return;
    }
    match &mut fm.common.extra {
        serde_json::Value::Null => fm.common.extra = serde_json::Value::Object(declared),
        serde_json::Value::Object(extra) => {
            for (key, value) in declared {
                extra.entry(key).or_insert(value);
            }
        }
        _ => {
            if let Some(key) = extra_key {
                let pos = r.pos(key);
                r.problem(
                    "extra",
                    pos,
                    "`extra` is not a mapping, so the keys handbook.yaml declares cannot join it"
                        .into(),
                    "write `extra:` as `key: value` lines",
                );
            }
        }
    }
}

impl FrontMatter {
    /// No fields: a page of `kind` with an empty front matter.
    fn empty(kind: Kind) -> Self {
        FrontMatter {
            kind: Some(kind),
            meta: Some(empty_meta(kind)),
            ..FrontMatter::default()
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_the_reader_takes_are_the_fields_table_s() {
        let kinds: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
        assert_eq!(kinds, fields::KINDS);
        let statuses: Vec<&str> = STATUSES.iter().map(|(name, _)| *name).collect();
        assert_eq!(statuses, fields::STATUSES);
    }

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
    /// Reads a page's front matter as the loader does, with `declared` keys.
    fn read_page(path: &str, source: &str, declared: &[&str]) -> (FrontMatter, Vec<Diagnostic>) {
        let lines = LineIndex::new(source);
        let declared: Vec<String> = declared.iter().map(|k| k.to_string()).collect();
        let split = split(source);
        let (_, inferred) = crate::load::place(path, !matches!(split, Ok(None)));
        let read = read("content/x.md", &lines, source, split, inferred, &declared);
        (read.front_matter, read.problems)
    }

    fn said(problems: &[Diagnostic]) -> Vec<(usize, usize, &str, Option<&str>)> {
        problems
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str(), d.help.as_deref()))
            .collect()
    }

    #[test]
    fn declared_keys_join_extra_and_extra_wins() {
        let source = "---\nnavTitle: Top\ntoc_hide: true\nextra:\n  navTitle: Mine\n---\n";
        let (fm, problems) = read_page("a.md", source, &["navTitle", "toc_hide"]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            fm.common.extra,
            serde_json::json!({"navTitle": "Mine", "toc_hide": true})
        );
        assert!(fm.unknown_keys.is_empty());
        let (fm, problems) = read_page("a.md", "---\ntoc_hide: true\n---\n", &[]);
        assert_eq!(fm.unknown_keys, ["toc_hide"]);
        assert_eq!(problems[0].message, "unknown field `toc_hide`");
        let (_, problems) = read_page("a.md", "---\ntoc_hide: 1\nextra: x\n---\n", &["toc_hide"]);
        assert_eq!(
            said(&problems),
            [(
                3,
                1,
                "`extra` is not a mapping, so the keys handbook.yaml declares cannot join it",
                Some("write `extra:` as `key: value` lines")
            )]
        );
    }

    /// A stage key written twice is reported at the second, naming the line of the first;
    /// an unknown key written twice is unknown once and repeated once.
    #[test]
    fn a_repeated_stage_key_names_the_first() {
        let source = "---\nowner: sales\nstages:\n  - name: Demo\n    goal: A\n    gaol: x\n    goal: B\n    gaol: y\n---\n";
        let (fm, problems) = read_page("processes/x.md", source, &[]);
        assert_eq!(
            said(&problems),
            [
                (
                    6,
                    5,
                    "unknown stage field `gaol`",
                    Some("did you mean `goal`?")
                ),
                (
                    7,
                    5,
                    "`goal` is set twice; the first is on line 5",
                    Some("remove one of the two `goal:` lines")
                ),
                (
                    8,
                    5,
                    "`gaol` is set twice; the first is on line 6",
                    Some("remove one of the two `gaol:` lines")
                ),
            ]
        );
        let Some(Meta::Process(process)) = fm.meta else {
            panic!("not a process")
        };
        assert_eq!(process.stages[0].goal.as_deref(), Some("A"));
    }

    #[test]
    fn choices_repeats_and_resources_each_at_their_place() {
        let source = "---\nkind: proces\nowner: sales\nstatus: planed\ntitle: A\ntitle: B\nstages:\n  - name: Demo\n    resources:\n      - title: Deck\n      - {title: Doc, url: doc.pdf, urll: x}\n---\n";
        let (fm, problems) = read_page("processes/x.md", source, &[]);
        assert_eq!(
            said(&problems),
            [
                (
                    2,
                    7,
                    "`kind` is `department`, `process`, `playbook` or `page`, not `proces`",
                    Some("did you mean `process`?")
                ),
                (
                    4,
                    9,
                    "`status` is `active` or `planned`, not `planed`",
                    Some("did you mean `planned`?")
                ),
                (
                    6,
                    1,
                    "`title` is set twice; the first is on line 5",
                    Some("remove one of the two `title:` lines")
                ),
                (
                    10,
                    7,
                    "this resource has no `url`",
                    Some(
                        "give each resource a `title` and a `url`: `- {title: Deck, url: deck.pdf}`"
                    )
                ),
                (
                    11,
                    36,
                    "unknown resource field `urll`",
                    Some("did you mean `url`?")
                ),
            ]
        );
        // Everything else was read: the first title, the stage and its one whole resource.
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(
            fm.resources,
            [vec![("Doc".to_string(), fm.resources[0][0].1.clone())]]
        );
        assert_eq!(fm.resources[0][0].1.value, "doc.pdf");
        assert!(!fm.unread.front_matter && !fm.unread.stages);
    }

    #[test]
    fn yaml_that_does_not_parse_keeps_the_fields_before_the_mistake() {
        let source = "---\nid: edge-x\nowner: sales\nstages:\n  - name: Demo\n   goal: x\n  - name: Close\n    playbooks: [close-call]\n---\n";
        let (fm, problems) = read_page("processes/edge.md", source, &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, Code::FrontMatterSyntax);
        assert_eq!((problems[0].line, problems[0].column), (6, 4));
        assert_eq!(fm.id.unwrap().value, "edge-x");
        assert_eq!(fm.common.owner.unwrap().value, "sales");
        let Some(Meta::Process(process)) = fm.meta else {
            panic!("a process")
        };
        assert_eq!(process.stages.len(), 1);
        assert!(fm.unread.front_matter);
        // What may be named in the part not read, for the rules that stay quiet about it.
        assert!(fm.unread.words.iter().any(|w| w == "close-call"));
    }

    #[test]
    fn an_unclosed_front_matter_is_read_up_to_its_first_blank_line() {
        let source = "---\nid: demo-x\nprocess: edge\n\n# Demo\n";
        let lines = LineIndex::new(source);
        let read = read(
            "content/x.md",
            &lines,
            source,
            split(source),
            Kind::Playbook,
            &[],
        );
        assert_eq!(read.problems.len(), 1);
        assert_eq!(read.front_matter.id.unwrap().value, "demo-x");
        assert_eq!(&source[read.body_offset..], "\n\n# Demo\n");
        assert!(read.front_matter.unread.front_matter);
    }

    /// Front matter read line by line gives its places in the YAML, shifted into the file;
    /// they are the places the file's own line index gives, after characters of several bytes
    /// too, and a list item's place is its dash.
    #[test]
    fn places_read_line_by_line_are_the_file_s() {
        let source = "\u{feff}---\ntitle: \"Ünïcode é\"\nowner: s\nstages:\n  - goal: é\n  - name: Ça\n    resources:\n      - title: Dé\n    gaol: x\n---\nbody\n";
        let yaml = split(source).unwrap().unwrap().yaml;
        assert!(crate::yaml::read(yaml).unwrap().editor_places);
        let (_, problems) = read_page("processes/x.md", source, &[]);
        assert_eq!(
            problems
                .iter()
                .map(|d| (d.line, d.column, d.message.as_str()))
                .collect::<Vec<_>>(),
            [
                (5, 3, "stage 1 has no `name`"),
                (8, 7, "this resource has no `url`"),
                (9, 5, "unknown stage field `gaol`"),
            ]
        );
        let lines = LineIndex::new(source);
        for d in &problems {
            let pos = lines.pos(d.bytes.start, d.bytes.len());
            assert_eq!((pos.line, pos.column), (d.line, d.column), "{d:?}");
        }
    }

    #[test]
    fn a_stage_left_out_keeps_its_words() {
        let source = "---\nowner: s\nstages:\n  - goal: x\n    playbooks: [demo-call]\n  - name: Close\n---\n";
        let (fm, problems) = read_page("processes/x.md", source, &[]);
        assert_eq!(
            said(&problems),
            [(
                4,
                3,
                "stage 1 has no `name`",
                Some(
                    "add `name: <stage name>` to it (its id is the name's slug, unless `id:` is set)"
                )
            )]
        );
        assert!(fm.unread.stages && !fm.unread.front_matter);
        assert!(fm.unread.words.iter().any(|w| w == "demo-call"));
    }

    /// The split as a plain reading of every line would give it.
    fn split_line_by_line(source: &str) -> Result<Option<(usize, usize, usize)>, usize> {
        let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
        let mut offset = start;
        let mut lines = Vec::new();
        for line in source[start..].split('\n') {
            lines.push((offset, line));
            offset += line.len() + 1;
        }
        if lines[0].1.trim_end() != "---" {
            return Ok(None);
        }
        let yaml_offset = lines.get(1).map_or(source.len(), |l| l.0);
        for &(offset, line) in &lines[1..] {
            if line.trim_end() == "---" {
                let body = (offset + line.len() + 1).min(source.len());
                return Ok(Some((yaml_offset, offset, body)));
            }
        }
        Err(start)
    }

    proptest::proptest! {
        /// Only lines that start with `---` are looked at; the split is the one every line
        /// read in turn gives.
        #[test]
        fn split_finds_the_closing_line(source in "\u{feff}?(---|-- |--- \r|x)?(\n|\r\n|---|-|a|:| |\u{a0})*") {
            let found = split(&source).map(|s| s.map(|s| {
                (s.yaml_offset, s.yaml_offset + s.yaml.len(), s.body_offset)
            }));
            proptest::prop_assert_eq!(found, split_line_by_line(&source));
        }
    }

    proptest::proptest! {
        /// Whatever the front matter holds, loading never panics, and every problem points
        /// inside the file.
        #[test]
        fn any_front_matter_loads(yaml in "[a-z_ :\\-\\[\\]{}\"'#\t\n|>&*!,0-9é]{0,120}") {
            for path in ["processes/x.md", "playbooks/y.md", "departments/z.md", "a.md"] {
                let source = format!("---\n{yaml}\n---\nbody\n");
                let (page, problems) = crate::load::page(path, &source, false);
                proptest::prop_assert!(page.is_some());
                let lines = source.lines().count();
                for d in &problems {
                    proptest::prop_assert!(d.line >= 1 && d.line <= lines, "{d:?}");
                    proptest::prop_assert!(d.bytes.end <= source.len(), "{d:?}");
                }
            }
        }
    }
}
