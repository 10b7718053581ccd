//! Raw HTML in a page, read the way a browser reads it. pulldown-cmark hands an HTML block over
//! one line at a time, so a tag or a comment spanning lines would be cut in pieces; a [`Unit`]
//! is a whole block (or one inline HTML span), with a map from its bytes back to the source
//! (container prefixes such as `> ` or list indentation are not part of the unit).
//!
//! The tokenizer is `html5gum` (WHATWG's tokenizer states: comments, `<script>` and `<style>`
//! contents, character references in values), so a commented-out or scripted `href` is not a
//! link, and `&amp;` in a value means `&`. Its spans give where each value starts.

use std::ops::Range;

use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};

/// One unit of raw HTML and where its bytes come from.
#[derive(Debug, Default)]
pub struct Unit {
    pub text: String,
    /// (offset in `text`, offset in the source) at the start of each piece that maps linearly.
    pieces: Vec<(usize, usize)>,
}

impl Unit {
    /// Appends a chunk the parser gave for source bytes `range` of `source`. The chunk is the
    /// source with container prefixes removed at line starts, so each of its lines is the end
    /// of the matching source line; a line that is not (a tab the parser expanded) maps to its
    /// source line's start.
    pub fn push(&mut self, chunk: &str, range: Range<usize>, source: &str) {
        let original = source.get(range.clone()).unwrap_or_default();
        let mut source_lines = original.split_inclusive('\n');
        let mut source_at = range.start;
        for line in chunk.split_inclusive('\n') {
            let from = match source_lines.next() {
                Some(src) => {
                    let at = source_at;
                    source_at += src.len();
                    if src.ends_with(line) {
                        at + src.len() - line.len()
                    } else {
                        at
                    }
                }
                None => source_at,
            };
            self.pieces.push((self.text.len(), from));
            self.text.push_str(line);
        }
    }

    /// The source offset of byte `at` of the unit.
    pub fn source_offset(&self, at: usize) -> usize {
        let piece = self.pieces.partition_point(|&(start, _)| start <= at);
        match piece.checked_sub(1).and_then(|p| self.pieces.get(p)) {
            Some(&(start, from)) => from + (at - start),
            None => self.pieces.first().map_or(0, |&(_, from)| from),
        }
    }
}

/// What a unit holds that the checker needs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// `href`/`src` values (character references decoded) and the raw value's range.
    pub links: Vec<HtmlLink>,
    /// `id` values, and `name` on `<a>`, with where the raw value starts; once per element.
    pub anchors: Vec<(String, usize)>,
}

/// An `href` or `src` of raw HTML.
#[derive(Debug, PartialEq, Eq)]
pub struct HtmlLink {
    /// Character references decoded.
    pub value: String,
    /// Where the raw value is written.
    pub range: Range<usize>,
    /// The `src` of an `<img>`.
    pub image: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Link,
    Image,
    Anchor,
}

/// Reads the attributes of every start tag in `html`.
pub fn scan(html: &str) -> Found {
    let mut found = Found::default();
    // Cheap exit for the most common unit: a closing tag or a bare `<div>`.
    if !html.contains('=') {
        return found;
    }
    let mut tag = 0usize;
    let mut is_a = false;
    let mut is_img = false;
    let mut wanted: Option<Attr> = None;
    let emitter = CallbackEmitter::new(
        move |event: CallbackEvent<'_>,
              span: html5gum::Span<usize>|
              -> Option<(Attr, usize, String, usize)> {
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    tag += 1;
                    is_a = name == b"a";
                    is_img = name == b"img";
                    wanted = None;
                }
                CallbackEvent::AttributeName { name } => {
                    wanted = match name {
                        b"src" if is_img => Some(Attr::Image),
                        b"href" | b"src" => Some(Attr::Link),
                        b"id" => Some(Attr::Anchor),
                        b"name" if is_a => Some(Attr::Anchor),
                        _ => None,
                    };
                }
                CallbackEvent::AttributeValue { value } => {
                    let attr = wanted.take()?;
                    let value = String::from_utf8_lossy(value).into_owned();
                    return Some((attr, tag, value, span.start));
                }
                _ => {}
            }
            None
        },
    );
    let mut emitter = emitter;
    emitter.naively_switch_states(true);
    let mut last_anchor: Option<(usize, String)> = None;
    for (attr, tag, value, start) in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let start = raw_value_start(html, start);
        if attr != Attr::Anchor {
            found.links.push(HtmlLink {
                value,
                range: start..raw_value_end(html, start),
                image: attr == Attr::Image,
            });
        } else if last_anchor.as_ref() != Some(&(tag, value.clone())) {
            // `<a id="x" name="x">` is one anchor.
            found.anchors.push((value.clone(), start));
            last_anchor = Some((tag, value));
        }
    }
    found
}

/// Where a raw attribute value starts, from where the tokenizer reports it: html5gum 0.8 reports
/// an unquoted value one character late, so the start is the character after the `=` and its
/// blanks, or after the opening quote.
pub(crate) fn raw_value_start(html: &str, reported: usize) -> usize {
    let mut at = reported.min(html.len());
    while !html.is_char_boundary(at) {
        at -= 1;
    }
    match html[..at].chars().next_back() {
        Some(c) if c == '"' || c == '\'' || c == '=' || c.is_ascii_whitespace() => at,
        Some(c) => at - c.len_utf8(),
        None => at,
    }
}

/// Where a raw attribute value that starts at `start` ends: at its closing quote, or for an
/// unquoted value at white space or `>`.
pub(crate) fn raw_value_end(html: &str, start: usize) -> usize {
    let rest = html.get(start..).unwrap_or_default();
    let quote = start
        .checked_sub(1)
        .and_then(|q| html.as_bytes().get(q))
        .filter(|q| matches!(q, b'"' | b'\''));
    let len = match quote {
        Some(&q) => rest.find(q as char),
        None => rest.find(|c: char| c.is_ascii_whitespace() || c == '>'),
    };
    start + len.unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(html: &str) -> Vec<(String, &str)> {
        scan(html)
            .links
            .into_iter()
            .map(|link| (link.value, &html[link.range]))
            .collect()
    }

    #[test]
    fn the_src_of_an_img_is_an_image() {
        let html = "<img src=a.png><script src=b.js></script><a href=c.png>c</a><IMG SRC='d.png'>";
        let images: Vec<(String, bool)> = scan(html)
            .links
            .into_iter()
            .map(|l| (l.value, l.image))
            .collect();
        assert_eq!(
            images,
            [
                ("a.png".to_string(), true),
                ("b.js".to_string(), false),
                ("c.png".to_string(), false),
                ("d.png".to_string(), true),
            ]
        );
    }

    #[test]
    fn attributes_spanning_lines_comments_and_scripts() {
        let html = "<a class=\"btn\"\n   href=\"gone.md\">x</a>\n<img\n  src=pic.png>\n\
                    <!-- <img src=\"old.png\">\n -->\n<script>var a = '<a href=\"s.md\">';</script>\n\
                    <a href='x&amp;y.md' id=top name=top>ü</a><A HREF = \"Up.md\" ><img src=üb.png alt=x>";
        assert_eq!(
            links(html),
            [
                ("gone.md".to_string(), "gone.md"),
                ("pic.png".to_string(), "pic.png"),
                ("x&y.md".to_string(), "x&amp;y.md"),
                ("Up.md".to_string(), "Up.md"),
                ("üb.png".to_string(), "üb.png"),
            ]
        );
        let anchors = scan(html).anchors;
        assert_eq!(anchors.len(), 1);
        assert_eq!(&html[anchors[0].1..anchors[0].1 + 3], "top");
    }

    #[test]
    fn name_is_an_anchor_only_on_a_link_element() {
        let html = "<input name=\"q\"><a name=\"old\"></a><div id=\"new\"></div>";
        let ids: Vec<String> = scan(html).anchors.into_iter().map(|a| a.0).collect();
        assert_eq!(ids, ["old", "new"]);
    }

    #[test]
    fn a_unit_maps_back_to_the_source_past_container_prefixes() {
        let source = "> <a class=\"b\"\n>    href=\"x.md\">\n";
        let mut unit = Unit::default();
        unit.push("<a class=\"b\"\n", 2..15, source);
        unit.push("   href=\"x.md\">\n", 17..34, source);
        let at = unit.text.find("x.md").unwrap();
        assert_eq!(&source[unit.source_offset(at)..][..4], "x.md");
        // One inline span whose second line lost its `> ` prefix.
        let source = "> text <a\n> href=\"y.md\">";
        let mut unit = Unit::default();
        unit.push("<a\nhref=\"y.md\">", 7..source.len(), source);
        let at = unit.text.find("y.md").unwrap();
        assert_eq!(&source[unit.source_offset(at)..][..4], "y.md");
    }
}
