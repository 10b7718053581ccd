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

use std::borrow::Cow;

use super::events::plain;
use super::node::{Node, Value};
use super::{MAX_DEPTH, MAX_NODES};
use crate::model::Pos;

/// One line of the text: where it starts and ends (without its `\n`), and its indentation.
#[derive(Clone, Copy)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub indent: usize,
    /// From 1.
    pub number: usize,
}

/// The lines of a text read in one pass, each when the one before is done with: blank lines
/// skipped, each line's indentation counted. Shared with the readers that take front matter
/// straight into a page's fields (`load::front_matter::direct`), so both see the same lines.
pub(crate) struct Lines<'a> {
    text: &'a str,
    /// The line being read; `None` past the last.
    pub line: Option<Line>,
    /// Where the line after it starts, and its number.
    next: usize,
    next_number: usize,
    /// A line only the parser reads (a directive or a document marker) was met.
    pub marker: bool,
}

/// Reads the lines in one pass and builds the tree bottom up: the entries and items of the
/// mappings and lists still open wait on two stacks, so each mapping and list is allocated
/// once, at its size.
struct Reader<'a> {
    lines: Lines<'a>,
    text: &'a str,
    nodes: usize,
    items: Vec<Node<'a>>,
    entries: Vec<(Node<'a>, Node<'a>)>,
}

/// The tree of `text`, or `None` when the YAML parser must read it (see the module comment).
pub fn tree(text: &str) -> Option<Node<'_>> {
    let lines = Lines::open(text)?;
    let mut r = Reader {
        lines,
        text,
        nodes: 0,
        items: Vec::with_capacity(16),
        entries: Vec::with_capacity(16),
    };
    let first = r.lines.line?;
    let root = r.block(first.indent, 0)?;
    (r.lines.line.is_none() && !r.lines.marker).then_some(root)
}

impl<'a> Lines<'a> {
    /// The lines of `text` at its first line that is not blank; `None` when only the parser
    /// may read it (tabs, carriage returns, comments, a byte order mark, a huge text).
    pub fn open(text: &'a str) -> Option<Self> {
        let bytes = text.as_bytes();
        // A byte order mark starts with 0xEF: looked for whole only where that byte is.
        if memchr::memchr3(b'\t', b'\r', b'#', bytes).is_some()
            || (memchr::memchr(0xEF, bytes).is_some() && text.contains('\u{feff}'))
            || text.len() > 1 << 24
        {
            return None;
        }
        let mut lines = Lines {
            text,
            line: None,
            next: 0,
            next_number: 1,
            marker: false,
        };
        lines.advance();
        Some(lines)
    }

    /// Moves to the next line that is not blank.
    pub fn advance(&mut self) {
        let bytes = self.text.as_bytes();
        self.line = None;
        while self.next <= bytes.len() {
            let start = self.next;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
            let number = self.next_number;
            self.next = end + 1;
            self.next_number += 1;
            let line = &bytes[start..end];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            if indent == line.len() {
                continue;
            }
            // Directives and document markers are the parser's.
            if indent == 0
                && (line[0] == b'%' || line.starts_with(b"---") || line.starts_with(b"..."))
            {
                self.marker = true;
                return;
            }
            self.line = Some(Line {
                start,
                end,
                indent,
                number,
            });
            return;
        }
    }

    /// Where byte `at` of `line` is, as the parser says it: line and column from 1.
    #[inline]
    pub fn pos(&self, line: Line, at: usize, len: usize) -> Pos {
        // Characters are counted only on a line that has other than ASCII before `at`.
        let before = &self.text[line.start..at];
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        Pos {
            line: line.number,
            column: column + 1,
            bytes: at..at + len,
        }
    }
}

impl<'a> Reader<'a> {
    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES / 2).then_some(())
    }

    /// A block mapping or list whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        let line = self.lines.line?;
        let content = &self.text[line.start + indent..line.end];
        if is_item(content) {
            self.list(indent, depth)
        } else {
            self.mapping(line.start + indent, indent, depth)
        }
    }

    /// A block list at `indent`, its first `-` on the current line.
    fn list(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        let first = self.lines.line?;
        let pos = self.lines.pos(first, first.start + indent, 0);
        self.count()?;
        let base = self.items.len();
        while let Some(line) = self.lines.line {
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
            let item = self.item(line.start + indent + 2, depth)?;
            self.items.push(item);
        }
        Some(Node {
            value: Value::Seq(self.items.split_off(base)),
            pos,
        })
    }

    /// The value of a list item that starts at byte `from` of the current line.
    fn item(&mut self, from: usize, depth: usize) -> Option<Node<'a>> {
        let line = self.lines.line?;
        let content = from + spaces(&self.text[from..line.end]);
        if content == line.end || is_item(&self.text[content..line.end]) {
            return None;
        }
        if key_end(&self.text[content..line.end]).is_some() {
            let column = content - line.start;
            return self.mapping(content, column, depth + 1);
        }
        let node = self.inline(line, content)?;
        self.lines.advance();
        self.no_deeper(line.indent)?;
        Some(node)
    }

    /// A block mapping whose keys sit at column `indent`, its first key at byte `from` of the
    /// current line (after a list item's `- `, or at the line's indentation).
    fn mapping(&mut self, from: usize, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        let pos = self.lines.pos(self.lines.line?, from, 0);
        self.count()?;
        let base = self.entries.len();
        let mut key_at = from;
        loop {
            let line = self.lines.line?;
            let colon = key_at + key_end(&self.text[key_at..line.end])?;
            let key = match plain(&self.text[key_at..colon])? {
                Value::String(Cow::Borrowed(s)) if s != "<<" => Node {
                    value: Value::String(Cow::Borrowed(s)),
                    pos: self.lines.pos(line, key_at, colon - key_at),
                },
                _ => return None,
            };
            self.count()?;
            let value_at = colon + 1 + spaces(&self.text[colon + 1..line.end]);
            let value = if value_at < line.end {
                let node = self.inline(line, value_at)?;
                self.lines.advance();
                self.no_deeper(indent)?;
                node
            } else {
                let empty = self.lines.pos(line, colon, 0);
                self.lines.advance();
                match self.lines.line {
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
            self.entries.push((key, value));
            let next = match self.lines.line {
                Some(next) if next.indent == indent => next,
                Some(next) if next.indent > indent => return None,
                _ => break,
            };
            key_at = next.start + indent;
            if is_item(&self.text[key_at..next.end]) {
                // A list after a mapping at the same indentation: the parser's to judge.
                return None;
            }
        }
        Some(Node {
            value: Value::Map(self.entries.split_off(base)),
            pos,
        })
    }

    /// A list at the indentation of the key it belongs to (`key:` then `- item`). The parser
    /// places it at its first item's value, which must then be a scalar.
    fn indentless(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        self.count()?;
        let base = self.items.len();
        let mut pos = None;
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
            let value_at = from + spaces(&self.text[from..line.end]);
            let value = &self.text[value_at..line.end];
            if value.starts_with('-') || key_end(value).is_some() {
                return None;
            }
            let node = self.inline(line, value_at)?;
            pos.get_or_insert_with(|| Pos {
                bytes: node.pos.bytes.start..node.pos.bytes.start,
                ..node.pos.clone()
            });
            self.items.push(node);
            self.lines.advance();
            self.no_deeper(indent)?;
        }
        Some(Node {
            value: Value::Seq(self.items.split_off(base)),
            pos: pos?,
        })
    }

    /// After a value on one line, a deeper line would continue it: the parser's to read.
    fn no_deeper(&self, indent: usize) -> Option<()> {
        match self.lines.line {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A value that fills the rest of `line` from byte `from`: a one-line scalar, `[]` or
    /// `{}`.
    fn inline(&mut self, line: Line, from: usize) -> Option<Node<'a>> {
        self.count()?;
        let (value, len) = one_line(self.text, line, from)?;
        let value = match value {
            OneLine::Quoted(s) => Value::String(Cow::Borrowed(s)),
            OneLine::EmptyList => Value::Seq(Vec::new()),
            OneLine::EmptyMap => Value::Map(Vec::new()),
            OneLine::Plain(s) => plain(s)?,
        };
        Some(Node {
            value,
            pos: self.lines.pos(line, from, len),
        })
    }
}

/// A one-line value as this reading sees it, before it is typed.
pub(crate) enum OneLine<'a> {
    /// Quoted, with no escape and nothing after the closing quote: the text inside.
    Quoted(&'a str),
    /// `[]`.
    EmptyList,
    /// `{}`.
    EmptyMap,
    /// Plain, as written.
    Plain(&'a str),
}

/// The value that fills the rest of `line` of `text` from byte `from`, and how many bytes its
/// place spans (the first only, for `[]` and `{}`, as the parser places them); `None` when it
/// is the parser's to read: escapes, flow collections, a `: ` or a final `:`, an indicator.
/// Shared by both readers of front matter, the tree's ([`Reader`]) and the direct one
/// (`load::front_matter::direct`), so they take the same values.
#[inline]
pub(crate) fn one_line(text: &str, line: Line, from: usize) -> Option<(OneLine<'_>, usize)> {
    let all = text.as_bytes();
    let mut end = line.end;
    while end > from && all[end - 1] == b' ' {
        end -= 1;
    }
    let s = &text[from..end];
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if NOT_INLINE[usize::from(first)] || is_item(s) {
        return None;
    }
    let value = match first {
        b'"' | b'\'' => {
            // Escapes, and anything after the closing quote, are the parser's.
            if bytes.len() < 2 || bytes[bytes.len() - 1] != first {
                return None;
            }
            let inner = &bytes[1..bytes.len() - 1];
            let other = match first {
                b'"' => memchr::memchr2(b'"', b'\\', inner),
                _ => memchr::memchr(first, inner),
            };
            if other.is_some() {
                return None;
            }
            OneLine::Quoted(&s[1..s.len() - 1])
        }
        b'[' | b'{' => {
            let value = match s {
                "[]" => OneLine::EmptyList,
                "{}" => OneLine::EmptyMap,
                _ => return None,
            };
            return Some((value, 1));
        }
        _ => {
            if colon_space(bytes).is_some() || s.ends_with(':') {
                return None;
            }
            OneLine::Plain(s)
        }
    };
    Some((value, s.len()))
}

/// A table of the bytes: true for those in `set`.
const fn table(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

/// What a one-line value read here cannot start with.
const NOT_INLINE: [bool; 256] = table(b"]}&*!|>%@`,?:");
/// What a plain key cannot start with.
const NOT_A_KEY: [bool; 256] = table(b"-?:,[]{}&*!|>'\"%@` ");
/// What ends the search for a key's `:`: the colon, or a flow indicator (a key holding one is
/// the parser's).
const KEY_STOP: [bool; 256] = table(b":[]{},");

/// How many spaces `text` starts with.
pub(crate) fn spaces(text: &str) -> usize {
    text.bytes().take_while(|&b| b == b' ').count()
}

/// The first `:` followed by a space or the end of `bytes`.
fn colon_space(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b':', bytes).find(|&i| bytes.get(i + 1).is_none_or(|&n| n == b' '))
}

/// Where the plain key a line starts with ends: its `:`, followed by a space or the line's
/// end. `None` when the line does not start with such a key.
pub(crate) fn key_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if NOT_A_KEY[usize::from(*bytes.first()?)] {
        return None;
    }
    // The first byte is no `:`, so a colon has a byte before it. Most bytes of a key are
    // none of these: one look in a table each, not five comparisons.
    for (i, &b) in bytes.iter().enumerate() {
        if !KEY_STOP[usize::from(b)] {
            continue;
        }
        if b != b':' {
            return None;
        }
        if bytes.get(i + 1).is_none_or(|&n| n == b' ') {
            return (bytes[i - 1] != b' ').then_some(i);
        }
    }
    None
}

/// A list item's start: `-` alone or followed by a space.
pub(crate) fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}
