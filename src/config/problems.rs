//! What can be wrong in handbook.yaml, said as front matter's problems are: every unknown key
//! with "did you mean", a wrong value as "`key` is ..., not ..." with an example, each at its
//! line and column, with the code `config`.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{Config, FILE, FrontMatterConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Pos;
use crate::yaml::node::{self, Node, Value};

/// YAML that does not parse.
pub fn syntax(error: &serde_saphyr::Error, text: &str) -> Diagnostic {
    let problem = crate::yaml::problem(error, text);
    let d = Diagnostic::error(Code::Config, FILE, problem.pos, problem.message);
    match problem.help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Every key that is not a setting (at the top and in `front_matter:`), every key written
/// twice, and every declared front-matter key that is a field already.
pub fn keys(tree: &Node, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(top) = mapping(tree, "handbook.yaml", text, &mut out) else {
        return out;
    };
    check_keys(top, field_names::<Config>(), None, text, &mut out);
    let front_matter = top
        .iter()
        .find(|(k, _)| node::text(k, text).as_deref() == Some("front_matter"));
    if let Some((_, value)) = front_matter
        && let Some(entries) = mapping(value, "`front_matter`", text, &mut out)
    {
        check_keys(
            entries,
            field_names::<FrontMatterConfig>(),
            Some("front_matter"),
            text,
            &mut out,
        );
        let declared = entries
            .iter()
            .find(|(k, _)| node::text(k, text).as_deref() == Some("extra_keys"));
        if let Some((
            _,
            Node {
                value: Value::Seq(items),
                ..
            },
        )) = declared
        {
            for item in items {
                let Some(name) = node::text(item, text) else {
                    continue;
                };
                if crate::load::front_matter::PAGE
                    .iter()
                    .any(|f| f.name == name)
                {
                    out.push(
                        Diagnostic::error(
                            Code::Config,
                            FILE,
                            item.pos.clone(),
                            format!("`{name}` is a front-matter field already, not an extra key"),
                        )
                        .with_help("remove it from `extra_keys`"),
                    );
                }
            }
        }
    }
    out
}

fn mapping<'n, 'a>(
    node: &'n Node<'a>,
    what: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'n [(Node<'a>, Node<'a>)]> {
    match &node.value {
        Value::Map(entries) => Some(entries),
        Value::Null => Some(&[]),
        _ => {
            out.push(
                Diagnostic::error(
                    Code::Config,
                    FILE,
                    node.pos.clone(),
                    format!(
                        "{what} is a mapping of `key: value` lines, not {}",
                        node::describe(node, text)
                    ),
                )
                .with_help("for example `title: Sales handbook`"),
            );
            None
        }
    }
}

fn check_keys(
    entries: &[(Node, Node)],
    names: &[&str],
    parent: Option<&str>,
    text: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (key, _) in entries {
        let name = node::text(key, text).unwrap_or_default().into_owned();
        let pos = key.pos.clone();
        if let Some((_, line)) = seen.iter().find(|(n, _)| *n == name) {
            out.push(
                Diagnostic::error(
                    Code::Config,
                    FILE,
                    pos,
                    format!("`{name}` is set twice; the first is on line {line}"),
                )
                .with_help(format!("remove one of the two `{name}:` lines")),
            );
            continue;
        }
        seen.push((name.clone(), pos.line));
        if names.contains(&name.as_str()) {
            continue;
        }
        let message = match parent {
            Some(parent) => format!("unknown key `{name}` in `{parent}`"),
            None => format!("unknown key `{name}`"),
        };
        let help = match crate::suggest::closest(&name, names.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!("the keys here are {}", names.join(", "))
            }
        };
        out.push(Diagnostic::error(Code::Config, FILE, pos, message).with_help(help));
    }
}

/// What a value of a setting is, and an example to show.
const VALUES: &[(&str, &str, &str)] = &[
    ("title", "text", "`title: Sales handbook`"),
    ("description", "text", "`description: How we sell`"),
    ("base_url", "a path or a URL", "`base_url: /handbook/`"),
    ("theme", "a theme's folder name", "`theme: default`"),
    (
        "edit_url",
        "a URL",
        "`edit_url: https://github.com/ORG/REPO/edit/main/content/`",
    ),
    (
        "max_page_size",
        "a size",
        "`max_page_size: 20 MB` (MB is 1,000,000 bytes, MiB 1,048,576), or a byte count",
    ),
    (
        "front_matter",
        "a mapping",
        "`front_matter: {extra_keys: [upstream_path]}`",
    ),
    (
        "extra_keys",
        "a list of keys",
        "`extra_keys: [upstream_path, toc_hide]`",
    ),
];

/// A value serde could not read, said for the key it belongs to.
pub fn value(error: &serde_saphyr::Error, tree: &Node, text: &str) -> Diagnostic {
    let location = error.location();
    let offset = location.map_or(0, |l| {
        crate::yaml::offset_of(text, l.line() as usize, l.column() as usize)
    });
    let found = owner(tree, offset);
    let Some((key, value)) = found else {
        let pos = location.map_or_else(Pos::default, |l| node::pos(&l));
        return Diagnostic::error(Code::Config, FILE, pos, crate::yaml::message(error));
    };
    let name = node::text(key, text).unwrap_or_default();
    let pos = item_at(value, offset).pos.clone();
    match VALUES.iter().find(|(n, _, _)| *n == name) {
        Some((_, is, example)) => Diagnostic::error(
            Code::Config,
            FILE,
            pos,
            format!("`{name}` is {is}, not {}", node::describe(value, text)),
        )
        .with_help(format!("for example {example}")),
        None => Diagnostic::error(
            Code::Config,
            FILE,
            pos,
            format!("`{name}`: {}", crate::yaml::message(error)),
        ),
    }
}

/// The item of a list that holds `offset` (a bad entry of `external_paths`), else the value.
fn item_at<'n, 'a>(value: &'n Node<'a>, offset: usize) -> &'n Node<'a> {
    let Value::Seq(items) = &value.value else {
        return value;
    };
    let start = |n: &Node| n.pos.bytes.start;
    items
        .iter()
        .rev()
        .find(|item| start(item) <= offset)
        .unwrap_or(value)
}

/// The innermost `key: value` entry whose text holds `offset`.
fn owner<'n, 'a>(node: &'n Node<'a>, offset: usize) -> Option<(&'n Node<'a>, &'n Node<'a>)> {
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let start = |n: &Node| n.pos.bytes.start;
    let index = entries.iter().rposition(|(key, _)| start(key) <= offset)?;
    let (key, value) = &entries[index];
    Some(owner(value, offset).unwrap_or((key, value)))
}

/// The field names serde reads for a struct, as its derived `Deserialize` declares them: the
/// keys handbook.yaml may hold, known without a second list to keep in step.
fn field_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut names));
    names
}

/// A deserializer that only notes the fields a struct asks for, then stops.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("fields noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_the_structs_own() {
        let names = field_names::<Config>();
        for name in [
            "title",
            "base_url",
            "max_page_size",
            "front_matter",
            "extra",
        ] {
            assert!(names.contains(&name), "{names:?}");
        }
        assert_eq!(field_names::<FrontMatterConfig>(), ["extra_keys"]);
    }
}
