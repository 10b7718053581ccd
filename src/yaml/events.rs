//! The tree of [`node`](super::node) built straight from the YAML parser's events, for the
//! documents front matter is made of: mappings, lists and scalars, without anchors or tags.
//!
//! serde-saphyr's deserializer costs about as much again as the parser under it (a `Spanned`
//! wrapper, a peek and a budget check per value), and front matter is most of what `check`
//! reads. This builds the same tree from the same parser, run with the same options, and
//! steps aside ([`tree`] gives `None`) for anything whose reading it does not copy exactly:
//! YAML that does not parse, anchors and aliases, tags, merge keys, keys that are not text,
//! scalars that might be numbers of another shape than `12` or `1.5`, and documents anywhere
//! near a limit. [`super::spanned`] then reads the document as before, with serde-saphyr's
//! values, limits and error messages; a test compares the two on every front matter at hand.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

use super::node::{Node, Value};
use super::{MAX_DEPTH, MAX_NODES};
use crate::model::Pos;

/// Documents longer than this go to serde-saphyr, whose byte budgets are in tens of MiB.
const MAX_BYTES: usize = 1 << 24;

/// A mapping or list still open, with what it holds so far.
enum Open<'a> {
    Seq(Pos, Vec<Node<'a>>),
    Map(Pos, Vec<(Node<'a>, Node<'a>)>, Option<Node<'a>>),
}

/// The tree of `text`, or `None` when serde-saphyr must read it (see the module comment).
pub fn tree(text: &str) -> Option<Node<'_>> {
    if text.len() > MAX_BYTES {
        return None;
    }
    let mut open: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let (mut documents, mut events, mut nodes) = (0usize, 0usize, 0usize);
    for item in Parser::new_from_str_with_options(text, super::parser_options()) {
        let (event, span) = item.ok()?;
        events += 1;
        // Far inside serde-saphyr's budgets (depth, values, events), which are then its to say.
        if events > MAX_NODES || open.len() >= MAX_DEPTH / 2 {
            return None;
        }
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            #[allow(unreachable_patterns)]
            Event::Comment(..) => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                Node {
                    value: scalar(value, style)?,
                    pos: pos(&span),
                }
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                open.push(Open::Seq(pos(&span), Vec::new()));
                continue;
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                open.push(Open::Map(pos(&span), Vec::new(), None));
                continue;
            }
            Event::SequenceEnd => match open.pop()? {
                Open::Seq(pos, items) => Node {
                    value: Value::Seq(items),
                    pos,
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match open.pop()? {
                Open::Map(pos, entries, None) => Node {
                    value: Value::Map(entries),
                    pos,
                },
                _ => return None,
            },
            _ => return None,
        };
        nodes += 1;
        if nodes > MAX_NODES / 2 {
            return None;
        }
        match open.last_mut() {
            None if root.is_none() => root = Some(node),
            None => return None,
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, _, key @ None)) => {
                // serde-saphyr replays a key through its own path (merge keys, keys that are
                // not text): those are its to read.
                match &node.value {
                    Value::String(s) if s != "<<" => *key = Some(node),
                    _ => return None,
                }
            }
            Some(Open::Map(_, entries, key)) => {
                let key = key.take()?;
                entries.push((key, node));
            }
        }
    }
    if !open.is_empty() || documents != 1 {
        return None;
    }
    root
}

/// Where a node is written, as serde-saphyr's `Location` gives it.
fn pos(span: &Span) -> Pos {
    let bytes = match (span.start.byte_offset(), span.end.byte_offset()) {
        (Some(start), Some(end)) => start..start + end.saturating_sub(start),
        _ => 0..0,
    };
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
        bytes,
    }
}

/// A scalar typed as serde-saphyr types an untagged one: quoted and block scalars are text;
/// a plain one is null, a YAML 1.1 boolean, a number, or text. `None` for a plain scalar that
/// might be a number of a shape not read here (`0x1F`, `1e3`, `.inf`, `1_000`, `+1`, `007`).
fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<Value<'_>> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(value));
    }
    match value {
        Cow::Borrowed(v) => plain(v),
        Cow::Owned(v) => plain(&v).map(Value::into_owned),
    }
}

/// A plain scalar typed as [`scalar`] types it.
pub(super) fn plain(v: &str) -> Option<Value<'_>> {
    Some(match plain_type(v)? {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::Float(f) => Value::Float(f),
        Plain::Text => Value::String(Cow::Borrowed(v)),
    })
}

/// What a plain scalar is, as [`plain`] types it, without the text it is when it is text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text,
}

/// [`plain`]'s typing alone: for readers that keep the text as written anyway.
pub(crate) fn plain_type(v: &str) -> Option<Plain> {
    let space = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t' | b'\r' | b'\n'));
    if space(v.as_bytes().first()) || space(v.as_bytes().last()) {
        return None;
    }
    if matches!(v, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Plain::Null);
    }
    if let Some(b) = yaml11_bool(v) {
        return Some(Plain::Bool(b));
    }
    // Only these can start an integer or a float (Rust's `inf` and `nan` spellings, which
    // start with a letter, are not finite and so read as text).
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Some(Plain::Text);
    }
    if let Some(i) = decimal(v) {
        return Some(Plain::Int(i));
    }
    if let Some(f) = simple_float(v) {
        return Some(Plain::Float(f));
    }
    not_a_number(v).then_some(Plain::Text)
}

/// YAML 1.1's booleans, in any case.
fn yaml11_bool(v: &str) -> Option<bool> {
    if v.len() > 5 {
        return None;
    }
    let is = |words: [&str; 4]| words.iter().any(|w| v.eq_ignore_ascii_case(w));
    if is(["true", "yes", "y", "on"]) {
        Some(true)
    } else if is(["false", "no", "n", "off"]) {
        Some(false)
    } else {
        None
    }
}

/// `12`, `-3`, `0`: digits without a leading zero, an optional `-`, well inside `i64`.
fn decimal(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let plain = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain.then(|| v.parse().ok()).flatten()
}

/// `1.5`, `-0.25`, `01.10`: digits, one `.`, digits; short enough to be finite.
fn simple_float(v: &str) -> Option<f64> {
    let unsigned = v.strip_prefix('-').unwrap_or(v);
    let (whole, fraction) = unsigned.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(fraction) && unsigned.len() <= 30)
        .then(|| v.parse().ok())
        .flatten()
}

/// True when no integer spelling (any radix, `_` between digits) and no float spelling (Rust's,
/// or YAML's `.inf` and `.nan`) can be `v`: a character neither has, a sign after the first
/// character other than an exponent's, or a second `.` (`2024-05-01`, `1.2.3`, `10:30`).
fn not_a_number(v: &str) -> bool {
    const NUMERIC: &[u8] = b"0123456789+-._abcdefABCDEFxXoOiInNtTyY";
    let bytes = v.as_bytes();
    bytes.iter().any(|b| !NUMERIC.contains(b))
        || bytes
            .iter()
            .enumerate()
            .any(|(i, b)| i > 0 && matches!(b, b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'))
        || bytes.iter().filter(|&&b| b == b'.').count() > 1
}
