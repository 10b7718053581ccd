//! Typed reads of front-matter values. Each read gives the value, or records a problem in the
//! editor's words at the value (what it is, what to write) and gives nothing; reading goes on,
//! so every problem of a page is reported at once.

use std::borrow::Cow;
use std::fmt::Display;

use super::Context;
use super::fields::Field;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Located, Pos};
use crate::yaml::node::{self, Node, Value};

pub struct Reader<'a> {
    cx: &'a Context<'a>,
    yaml: &'a str,
    /// The file's line of the YAML's first line, when the tree's places are counted as an
    /// editor counts them ([`crate::yaml::Tree::editor_places`]): a place in the file is then
    /// its place in the YAML, a number of lines down, found without counting again.
    first_line: Option<usize>,
    pub problems: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(cx: &'a Context<'a>, yaml: &'a str, editor_places: bool) -> Self {
        // The YAML starts a line of the file (after the opening `---`), so its columns are
        // the file's.
        let first_line = editor_places.then(|| cx.lines.line_of(cx.yaml_offset));
        Reader {
            cx,
            yaml,
            first_line,
            problems: Vec::new(),
        }
    }

    /// Where a node is written in the file.
    pub fn pos(&self, node: &Node) -> Pos {
        self.place(&node.pos)
    }

    /// A place in the YAML as a place in the file.
    fn place(&self, at: &Pos) -> Pos {
        let Some(first_line) = self.first_line else {
            return self.cx.pos(at);
        };
        let start = self.cx.yaml_offset + at.bytes.start;
        let pos = Pos {
            line: first_line + at.line - 1,
            column: at.column,
            bytes: start..start + at.bytes.len(),
        };
        debug_assert_eq!(pos, self.cx.pos(at));
        pos
    }

    /// The place of a list item: its `-` when it has one (a mapping item starts at its first
    /// key, but the editor sees the item at its dash).
    pub fn item_pos(&self, node: &Node) -> Pos {
        let at = &node.pos;
        let before = self
            .yaml
            .get(..at.bytes.start)
            .unwrap_or_default()
            .trim_end_matches(' ');
        if before.ends_with('-') {
            let dash = before.len() - 1;
            // On the item's line: the dash and the spaces after it are a character a byte.
            let column = at.column.saturating_sub(at.bytes.start - dash).max(1);
            return self.place(&Pos {
                line: at.line,
                column,
                bytes: dash..dash + 1,
            });
        }
        self.place(at)
    }

    /// A key as written.
    pub fn key<'n>(&self, node: &'n Node) -> Cow<'n, str>
    where
        'a: 'n,
    {
        node::text(node, self.yaml).unwrap_or_else(|| Cow::Owned(node::describe(node, self.yaml)))
    }

    /// A problem with the field (or key) `subject`: what a baseline entry is keyed on, so it
    /// survives edits elsewhere in the file (README, "Baseline").
    pub fn problem(&mut self, subject: &str, pos: Pos, message: String, help: impl Into<String>) {
        self.problems.push(
            Diagnostic::error(Code::FrontMatterSchema, self.cx.file, pos, message)
                .with_help(help)
                .with_subject(subject),
        );
    }

    fn wrong(&mut self, subject: &str, node: &Node, message: String, help: impl Into<String>) {
        let pos = self.pos(node);
        self.problem(subject, pos, message, help);
    }

    fn describe(&self, node: &Node) -> String {
        node::describe(node, self.yaml)
    }

    /// Reports a value of the wrong type: "`field` is {expected}, not {what it is}", with the
    /// field's example.
    fn not_a(&mut self, field: &Field, node: &Node, expected: &str) {
        let what = self.describe(node);
        self.wrong(
            field.name,
            node,
            format!("`{}` is {expected}, not {what}", field.name),
            format!("for example `{}`", field.example),
        );
    }

    /// Text: any scalar, as written. Null is no value.
    pub fn text(&mut self, field: &Field, node: &Node) -> Option<Located<String>> {
        if let Some(text) = node::text(node, self.yaml) {
            return Some(Located {
                value: text.into_owned(),
                pos: self.pos(node),
            });
        }
        if node.value != Value::Null {
            self.not_a(field, node, "text");
        }
        None
    }

    /// A list of text items. A single value is reported and kept as a list of one, since
    /// that is what its writer meant.
    pub fn list(&mut self, field: &Field, node: &Node) -> Vec<Located<String>> {
        self.list_of(field, node, |r, value, item| Located {
            value,
            pos: r.pos(item),
        })
    }

    /// [`Self::list`] without the places, for lists nothing refers to.
    pub fn texts(&mut self, field: &Field, node: &Node) -> Vec<String> {
        self.list_of(field, node, |_, value, _| value)
    }

    fn list_of<T>(
        &mut self,
        field: &Field,
        node: &Node,
        keep: impl Fn(&Self, String, &Node) -> T,
    ) -> Vec<T> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => {
                // Sized once: every list of every page is kept until the site is checked.
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    match node::text(item, self.yaml) {
                        Some(value) => list.push(keep(self, value.into_owned(), item)),
                        None => {
                            let what = self.describe(item);
                            self.wrong(
                                field.name,
                                item,
                                format!("each item of `{}` is text, not {what}", field.name),
                                format!("for example `{}`", field.example),
                            );
                        }
                    }
                }
                list
            }
            Value::Map(_) => {
                self.wrong(
                    field.name,
                    node,
                    format!("`{}` is a list, not a mapping", field.name),
                    format!("for example `{}`", field.example),
                );
                Vec::new()
            }
            _ => {
                let text = node::text(node, self.yaml).unwrap_or_default();
                self.wrong(
                    field.name,
                    node,
                    format!("`{}` is a list, not a single value", field.name),
                    format!(
                        "write it as a list: `{}: [{}]`",
                        field.name,
                        flow_item(&text)
                    ),
                );
                let text = text.into_owned();
                vec![keep(self, text, node)]
            }
        }
    }

    /// A whole number (`weight`).
    pub fn whole(&mut self, field: &Field, node: &Node) -> Option<i64> {
        match node.value {
            Value::Int(n) => Some(n),
            Value::Null => None,
            _ => {
                self.not_a(field, node, "a whole number");
                None
            }
        }
    }

    /// A number of days, from 1 (`review_every`).
    pub fn days(&mut self, field: &Field, node: &Node) -> Option<u32> {
        match node.value {
            Value::Int(n) if n > 0 => u32::try_from(n).ok(),
            Value::Null => None,
            _ => {
                self.not_a(field, node, "a whole number of days");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn flag(&mut self, field: &Field, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            _ => {
                self.not_a(field, node, "`true` or `false`");
                None
            }
        }
    }

    /// One of a few words (`status`, `kind`).
    pub fn choice<T: Copy>(
        &mut self,
        field: &Field,
        node: &Node,
        options: &[(&'static str, T)],
    ) -> Option<T> {
        let text = self.text(field, node)?;
        if let Some(&(_, value)) = options.iter().find(|(name, _)| *name == text.value) {
            return Some(value);
        }
        let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
        let names = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        let help = match crate::suggest::closest(&text.value, options.iter().map(|(n, _)| *n)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("for example `{}`", field.example),
        };
        self.problem(
            field.name,
            text.pos,
            format!("`{}` is {names}, not `{}`", field.name, text.value),
            help,
        );
        None
    }

    /// A date, YYYY-MM-DD (`last_reviewed`).
    pub fn date(&mut self, field: &Field, node: &Node) -> Option<Located<String>> {
        let text = self.text(field, node)?;
        if text.value.parse::<jiff::civil::Date>().is_ok() {
            return Some(text);
        }
        self.problem(
            field.name,
            text.pos,
            format!("`{}` is not a date: `{}`", field.name, text.value),
            format!("write it as YYYY-MM-DD: `{}`", field.example),
        );
        None
    }

    /// Every scalar under a node, as written.
    pub fn scalars(&self, node: &Node, out: &mut Vec<String>) {
        node::scalars(node, self.yaml, out);
    }

    /// Any value, as JSON (`extra`).
    pub fn any(&self, node: &Node) -> serde_json::Value {
        node::to_json(node, self.yaml)
    }

    /// The entries of a mapping; `what` names it for the problem when it is not one.
    pub fn entries<'n, 't>(
        &mut self,
        node: &'n Node<'t>,
        what: &dyn Display,
        example: &str,
    ) -> Option<&'n [(Node<'t>, Node<'t>)]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            _ => {
                let found = self.describe(node);
                let pos = self.item_pos(node);
                self.problem(
                    &what.to_string(),
                    pos,
                    format!("{what} is a mapping of `key: value` lines, not {found}"),
                    format!("for example `{example}`"),
                );
                None
            }
        }
    }

    /// The items of a list; `field` names it for the problem when it is not one.
    pub fn items<'n, 't>(&mut self, field: &Field, node: &'n Node<'t>) -> Option<&'n [Node<'t>]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(&[]),
            _ => {
                self.not_a(field, node, "a list");
                None
            }
        }
    }

    /// A key written twice: the first is kept, the second reported.
    pub fn repeated(&mut self, key: &Node, first: &Pos) {
        let name = self.key(key);
        let pos = self.pos(key);
        self.problem(
            &name,
            pos,
            format!("`{name}` is set twice; the first is on line {}", first.line),
            format!("remove one of the two `{name}:` lines"),
        );
    }
}

/// A value as one item of a flow list: quoted when YAML would read it otherwise.
fn flow_item(text: &str) -> String {
    if text.contains([',', '[', ']', '{', '}', ':', '#', '"']) {
        format!("{text:?}")
    } else {
        text.to_string()
    }
}
