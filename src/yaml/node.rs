//! YAML read as a tree of values, each with where it is written, before any field is judged.
//!
//! Front matter is read this way rather than straight into typed structs, so that every
//! problem of a page is found (serde stops at the first) and a page with a wrong field still
//! loads with the others.

use std::borrow::Cow;

use serde_saphyr::Location;

use crate::model::Pos;

/// A value and where it is written, relative to the YAML text: the place of its first token
/// (a mapping's first key, a sequence's first `-` or `[`).
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub value: Value<'a>,
    pub pos: Pos,
}

/// A YAML value. Scalars are typed as YAML 1.1 reads them (`yes` is a boolean, `10` a
/// number); [`text`] gives a scalar back as written, for fields that hold text. Text is
/// borrowed from the YAML where it is written there as it reads (plain, or quoted without
/// escapes), so reading a tree copies only the values that are kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    /// In document order; a repeated key is kept twice, for the reader to report.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl Node<'_> {
    /// The same node, owning its text.
    pub fn into_owned(self) -> Node<'static> {
        Node {
            value: self.value.into_owned(),
            pos: self.pos,
        }
    }
}

impl Value<'_> {
    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Value::Seq(items) => Value::Seq(items.into_iter().map(Node::into_owned).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        }
    }
}

/// A value in a few words, for "`x` is a list, not ..." messages.
pub fn describe(node: &Node, yaml: &str) -> String {
    match &node.value {
        Value::Null => "empty".into(),
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
        _ => format!("`{}`", text(node, yaml).unwrap_or_default()),
    }
}

/// A scalar as written (`yes`, `10`, `2024-05-01`), unquoted; `None` for null, lists and
/// mappings. A plain scalar's text is read back from the source, since YAML would turn `no`
/// into `false` and `1.10` into `1.1`.
pub fn text<'n>(node: &'n Node, yaml: &'n str) -> Option<Cow<'n, str>> {
    match &node.value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let raw = yaml.get(node.pos.bytes.clone());
            Some(raw.map_or_else(|| Cow::Owned(scalar_string(&node.value)), Cow::Borrowed))
        }
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    }
}

fn scalar_string(value: &Value<'_>) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

/// Every scalar of a node and the nodes under it, as written.
pub fn scalars(node: &Node, yaml: &str, out: &mut Vec<String>) {
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|i| scalars(i, yaml, out)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            scalars(k, yaml, out);
            scalars(v, yaml, out);
        }),
        _ => out.extend(text(node, yaml).map(Cow::into_owned)),
    }
}

/// Where serde-saphyr says something is written, relative to the YAML text: line and column
/// from 1, and bytes.
pub fn pos(location: &Location) -> Pos {
    let span = location.span();
    let start = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    Pos {
        line: location.line() as usize,
        column: (location.column() as usize).max(1),
        bytes: start..start + len,
    }
}

/// The value as JSON, for `extra` (what templates read): scalars as YAML typed them, keys as
/// written.
pub fn to_json(node: &Node, yaml: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::Seq(items) => J::Array(items.iter().map(|i| to_json(i, yaml)).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = text(k, yaml).unwrap_or_default().into_owned();
                    (key, to_json(v, yaml))
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(yaml: &str) -> Node<'_> {
        crate::yaml::tree(yaml).unwrap()
    }

    fn entries<'n, 'a>(node: &'n Node<'a>) -> &'n [(Node<'a>, Node<'a>)] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    #[test]
    fn scalars_keep_their_text_and_place() {
        let yaml = "title: no\nweight: 1.10\nq: \"yes\"\nd: 2024-05-01\n";
        let root = tree(yaml);
        let e = entries(&root);
        let texts: Vec<Cow<str>> = e.iter().map(|(_, v)| text(v, yaml).unwrap()).collect();
        assert_eq!(texts, ["no", "1.10", "yes", "2024-05-01"]);
        assert_eq!(e[1].1.value, Value::Float(1.1));
        let at = e[1].1.pos.clone();
        assert_eq!((at.line, at.column, at.bytes), (2, 9, 18..22));
        assert_eq!(e[2].0.pos.line, 3);
    }

    #[test]
    fn repeated_keys_are_kept_for_the_reader() {
        let yaml = "title: A\ntitle: B\n";
        let root = tree(yaml);
        let keys: Vec<Cow<str>> = entries(&root)
            .iter()
            .map(|(k, _)| text(k, yaml).unwrap())
            .collect();
        assert_eq!(keys, ["title", "title"]);
    }

    #[test]
    fn json_for_templates() {
        let yaml = "a: [1, x, true]\nb: {c: 2.5}\n";
        assert_eq!(
            to_json(&tree(yaml), yaml),
            serde_json::json!({"a": [1, "x", true], "b": {"c": 2.5}})
        );
    }
}
