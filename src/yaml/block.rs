//! The tree of [`node`](super::node) for the plainest front matter, read line by line: block
//! mappings and lists, one-line plain and quoted scalars, `[]` and `{}`. That is nearly every
//! page of a handbook, and reading it this way costs a tenth of the YAML parser's tokens and
//! events.
//!
//! Every value gets the place the parser gives it (a mapping where its first key starts, a
//! list at its first `-`, an empty value at its key's `:`), and every scalar the type
//! [`events`](super::events) gives it. Anything else (comments, tabs, flow collections with
//! items, block and multi-line scalars, escapes, anchors, tags, odd indentation, and every
//! mistake) makes [`tree`] give `None`, and the parser reads the document instead. A test
//! compares this reading with serde-saphyr's on every front matter at hand.

use super::node::{Node, Value};
use super::{MAX_DEPTH, MAX_NODES};
use crate::model::Pos;

/// One line of the text: where it starts and ends (without its `\n`), and its indentation.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    indent: usize,
    /// From 1.
    number: usize,
}

struct Reader<'a> {
    text: &'a str,
    ascii: bool,
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
    nodes: usize,
}

/// The tree of `text`, or `None` when the YAML parser must read it (see the module comment).
pub fn tree(text: &str) -> Option<Node> {
    let bytes = text.as_bytes();
    if memchr::memchr3(b'\t', b'\r', b'#', bytes).is_some()
        || memchr::memmem::find(bytes, "\u{feff}".as_bytes()).is_some()
        || text.len() > 1 << 24
    {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 16);
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(text.len()));
    for (n, end) in ends.enumerate() {
        let line = &text[start..end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent < line.len() {
            let first = line.as_bytes()[indent];
            // Directives and document markers are the parser's.
            if indent == 0 && (first == b'%' || line.starts_with("---") || line.starts_with("..."))
            {
                return None;
            }
            lines.push(Line {
                start,
                end,
                indent,
                number: n + 1,
            });
        }
        start = end + 1;
    }
    let first = *lines.first()?;
    let mut r = Reader {
        text,
        ascii: text.is_ascii(),
        lines,
        at: 0,
        nodes: 0,
    };
    let root = r.block(first.indent, 0)?;
    (r.at == r.lines.len()).then_some(root)
}

impl<'a> Reader<'a> {
    fn line(&self) -> Option<Line> {
        self.lines.get(self.at).copied()
    }

    /// Where byte `at` of the text is, as the parser says it: line and column from 1.
    fn pos(&self, line: usize, at: usize, len: usize) -> Pos {
        let l = self.lines[line];
        let column = if self.ascii {
            at - l.start
        } else {
            self.text[l.start..at].chars().count()
        };
        Pos {
            line: l.number,
            column: column + 1,
            bytes: at..at + len,
        }
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES / 2).then_some(())
    }

    /// A block mapping or list whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        let line = self.line()?;
        let content = &self.text[line.start + indent..line.end];
        if is_item(content) {
            self.list(indent, depth)
        } else {
            self.mapping(line.start + indent, indent, depth)
        }
    }

    /// A block list at `indent`, its first `-` on the current line.
    fn list(&mut self, indent: usize, depth: usize) -> Option<Node> {
        let first = self.line()?;
        let pos = self.pos(self.at, first.start + indent, 0);
        self.count()?;
        let mut items = Vec::new();
        while let Some(line) = self.line() {
            if line.indent < indent {
                break;
            }
            let content = &self.text[line.start + indent..line.end];
            if line.indent > indent || !content.starts_with("- ") {
                // A deeper line, or `-` with nothing after it: the parser's.
                if line.indent > indent || content == "-" {
                    return None;
                }
                break;
            }
            items.push(self.item(line.start + indent + 2, depth)?);
        }
        Some(Node {
            value: Value::Seq(items),
            pos,
        })
    }

    /// The value of a list item that starts at byte `from` of the current line.
    fn item(&mut self, from: usize, depth: usize) -> Option<Node> {
        let line = self.line()?;
        let rest = &self.text[from..line.end];
        let content = from + (rest.len() - rest.trim_start_matches(' ').len());
        if content == line.end || is_item(&self.text[content..line.end]) {
            return None;
        }
        if key_end(&self.text[content..line.end]).is_some() {
            let column = content - line.start;
            return self.mapping(content, column, depth + 1);
        }
        let node = self.inline(content, line.end)?;
        self.at += 1;
        self.no_deeper(line.indent)?;
        Some(node)
    }

    /// A block mapping whose keys sit at column `indent`, its first key at byte `from` of the
    /// current line (after a list item's `- `, or at the line's indentation).
    fn mapping(&mut self, from: usize, indent: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        let pos = self.pos(self.at, from, 0);
        self.count()?;
        let mut entries = Vec::new();
        let mut key_at = from;
        loop {
            let line = self.line()?;
            let text = &self.text[key_at..line.end];
            let colon = key_at + key_end(text)?;
            let key_text = &self.text[key_at..colon];
            let key = Node {
                value: super::events::plain(key_text)?,
                pos: self.pos(self.at, key_at, colon - key_at),
            };
            self.count()?;
            match &key.value {
                Value::String(s) if s != "<<" => {}
                _ => return None,
            }
            let after = &self.text[colon + 1..line.end];
            let value_at = colon + 1 + (after.len() - after.trim_start_matches(' ').len());
            let value = if value_at < line.end {
                let node = self.inline(value_at, line.end)?;
                self.at += 1;
                self.no_deeper(indent)?;
                node
            } else {
                let empty = self.pos(self.at, colon, 0);
                self.at += 1;
                match self.line() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    Some(next)
                        if next.indent == indent
                            && is_item(&self.text[next.start + indent..next.end]) =>
                    {
                        self.indentless(indent, depth + 1)?
                    }
                    _ => {
                        self.count()?;
                        Node {
                            value: Value::Null,
                            pos: empty,
                        }
                    }
                }
            };
            entries.push((key, value));
            match self.line() {
                Some(next) if next.indent == indent => key_at = next.start + indent,
                Some(next) if next.indent > indent => return None,
                _ => break,
            }
            if is_item(&self.text[key_at..self.line()?.end]) {
                // A list after a mapping at the same indentation: the parser's to judge.
                return None;
            }
        }
        Some(Node {
            value: Value::Map(entries),
            pos,
        })
    }

    /// A list at the indentation of the key it belongs to (`key:` then `- item`). The parser
    /// places it at its first item's value, which must then be a scalar.
    fn indentless(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        let mut pos = None;
        while let Some(line) = self.line() {
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
            let rest = &self.text[from..line.end];
            let value_at = from + (rest.len() - rest.trim_start_matches(' ').len());
            let value = &self.text[value_at..line.end];
            if value.starts_with('-') || key_end(value).is_some() {
                return None;
            }
            let node = self.inline(value_at, line.end)?;
            pos.get_or_insert_with(|| Pos {
                bytes: node.pos.bytes.start..node.pos.bytes.start,
                ..node.pos.clone()
            });
            items.push(node);
            self.at += 1;
            self.no_deeper(indent)?;
        }
        Some(Node {
            value: Value::Seq(items),
            pos: pos?,
        })
    }

    /// After a value on one line, a deeper line would continue it: the parser's to read.
    fn no_deeper(&self, indent: usize) -> Option<()> {
        match self.line() {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A value that fills the rest of a line from byte `from`: a one-line scalar, `[]` or `{}`.
    fn inline(&mut self, from: usize, end: usize) -> Option<Node> {
        self.count()?;
        let s = self.text[from..end].trim_end_matches(' ');
        let line = self.at;
        let node = |value, len| Node {
            value,
            pos: self.pos(line, from, len),
        };
        let first = *s.as_bytes().first()?;
        if b"]}&*!|>%@`,?:".contains(&first) || is_item(s) {
            return None;
        }
        match first {
            b'"' | b'\'' => {
                let inner = &s[1..];
                let close = inner.find(first as char)?;
                let quoted = &inner[..close];
                // Escapes, and anything after the closing quote, are the parser's.
                if close + 2 != s.len() || (first == b'"' && quoted.contains('\\')) {
                    return None;
                }
                Some(node(Value::String(quoted.to_string()), s.len()))
            }
            b'[' | b'{' => match s {
                "[]" => Some(node(Value::Seq(Vec::new()), 1)),
                "{}" => Some(node(Value::Map(Vec::new()), 1)),
                _ => None,
            },
            _ => {
                if s.contains(": ") || s.ends_with(':') {
                    return None;
                }
                Some(node(super::events::plain(s)?, s.len()))
            }
        }
    }
}

/// Where the plain key a line starts with ends: its `:`, followed by a space or the line's
/// end. `None` when the line does not start with such a key.
fn key_end(text: &str) -> Option<usize> {
    let first = *text.as_bytes().first()?;
    if b"-?:,[]{}&*!|>'\"%@` ".contains(&first) {
        return None;
    }
    let bytes = text.as_bytes();
    let colon =
        memchr::memchr_iter(b':', bytes).find(|&i| bytes.get(i + 1).is_none_or(|&n| n == b' '))?;
    let key = &text[..colon];
    (!key.ends_with(' ') && !key.contains(['[', ']', '{', '}', ','])).then_some(colon)
}

/// A list item's start: `-` alone or followed by a space.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}
