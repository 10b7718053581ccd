//! Markdown to HTML in one pass, collecting what the resolver needs: headings with their ids,
//! every link with its source position, and raw-HTML anchors.
//!
//! Links cannot be rewritten yet (their targets are resolved later, against the whole site),
//! so each link destination is written into the HTML as a marker `@hb@N@`, N being the link's
//! index in [`Parsed::links`]. [`crate::render`] swaps markers for resolved URLs, which keeps
//! Markdown parsed exactly once per page, in `build` and in every `serve` rebuild.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::slug::Slugger;
use crate::model::{Heading, LinkForm};

/// What one page body yields.
#[derive(Debug, Default)]
pub struct Parsed {
    pub html: String,
    pub headings: Vec<Heading>,
    pub html_anchors: Vec<String>,
    /// Links with byte offsets into the body (the caller turns them into positions).
    pub links: Vec<(String, LinkForm, usize)>,
}

const MARKER: &str = "@hb@";

pub fn marker(index: usize) -> String {
    format!("{MARKER}{index}@")
}

/// Calls `url(i)` for each marker `@hb@i@` in `html` and writes the result in its place.
pub fn replace_markers(html: &str, mut url: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find(MARKER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARKER.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match (
            after[..digits].parse::<usize>(),
            after.as_bytes().get(digits),
        ) {
            (Ok(i), Some(b'@')) => {
                out.push_str(&url(i));
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(MARKER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A destination that is not a file of the site: any `scheme:` or `//host`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(colon) => {
            let scheme = &dest[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..colon].contains('/')
        }
        None => false,
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses a page body. With `html` false (as `check` runs it) no HTML is produced: only the
/// headings, anchors and links.
pub fn parse(body: &str, html: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let mut slugger = Slugger::default();
    let mut iter = Parser::new_ext(body, options()).into_offset_iter();
    let mut events: Vec<Event> = Vec::with_capacity(if html { body.len() / 16 } else { 0 });
    // The open heading's explicit `{#id}`, if any.
    let mut explicit_id: Option<String> = None;
    // Reference links share the definition's link, so it is reported once, at the definition.
    let mut definitions: Vec<(usize, usize)> = Vec::new();
    // The open heading: its event index, its text, and its text as GitHub slugs it (without
    // image alt text, which is not text content), and how many images deep we are in it.
    let mut heading: Option<(usize, String, String)> = None;
    let mut in_image = 0usize;
    // Per open link or image: the index of an inline one and where its text ends so far. Its
    // destination starts after the `](` that follows the text (a title may hold `](` too).
    let mut open: Vec<Option<(usize, usize)>> = Vec::new();

    while let Some((event, range)) = iter.next() {
        if let Event::End(TagEnd::Link | TagEnd::Image) = event {
            if let Some(Some((index, text_end))) = open.pop()
                && let Some(offset) = destination_after(body, text_end, "](")
            {
                parsed.links[index].2 = offset;
            }
        } else if let Some(Some((_, text_end))) = open.last_mut() {
            *text_end = (*text_end).max(range.end);
        }
        if let Event::Start(Tag::Link { .. } | Tag::Image { .. }) = event {
            open.push(None);
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let def = iter.reference_definitions().get(&id).map(|d| d.span.start);
                let links = Links {
                    parsed: &mut parsed,
                    definitions: &mut definitions,
                    open: &mut open,
                    body,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: links.take(link_type, dest_url, range.clone(), def, false),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let def = iter.reference_definitions().get(&id).map(|d| d.span.start);
                let links = Links {
                    parsed: &mut parsed,
                    definitions: &mut definitions,
                    open: &mut open,
                    body,
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: links.take(link_type, dest_url, range.clone(), def, true),
                    title,
                    id,
                })
            }
            Event::Html(html) => Event::Html(raw_html(&mut parsed, html, range.start)),
            Event::InlineHtml(html) => Event::InlineHtml(raw_html(&mut parsed, html, range.start)),
            other => other,
        };

        match event {
            Event::Start(Tag::Heading { ref id, .. }) => {
                explicit_id = id.as_ref().map(|id| id.to_string());
                heading = Some((events.len(), String::new(), String::new()))
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text, slug_text)) = heading.take() {
                    let slug = match explicit_id.take() {
                        Some(explicit) => {
                            slugger.reserve(&explicit);
                            explicit
                        }
                        None => slugger.slug(&slug_text),
                    };
                    if let Some(Event::Start(Tag::Heading { id, .. })) = events.get_mut(start) {
                        *id = Some(slug.clone().into());
                    }
                    parsed.headings.push(Heading {
                        level: level as u8,
                        text: text.trim().to_string(),
                        id: slug,
                    });
                }
                if html {
                    events.push(event);
                }
                continue;
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, text, slug_text)) = heading.as_mut() {
                    text.push_str(t);
                    if in_image == 0 {
                        slug_text.push_str(t);
                    }
                }
            }
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            _ => {}
        }
        if html {
            events.push(event);
        }
    }
    if html {
        parsed.html.reserve(body.len() + body.len() / 4);
        pulldown_cmark::html::push_html(&mut parsed.html, events.into_iter());
    }
    parsed
}

/// What recording a link touches, borrowed for one link.
struct Links<'p, 'b> {
    parsed: &'p mut Parsed,
    definitions: &'p mut Vec<(usize, usize)>,
    open: &'p mut Vec<Option<(usize, usize)>>,
    body: &'b str,
}

impl Links<'_, '_> {
    /// Records a link or image (unless it is external) and returns the destination to write
    /// into the HTML: its marker.
    fn take<'a>(
        self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        range: std::ops::Range<usize>,
        definition: Option<usize>,
        image: bool,
    ) -> CowStr<'a> {
        if skip(link_type, &dest_url) {
            return dest_url;
        }
        let form = match link_type {
            _ if is_reference(link_type) => LinkForm::Reference,
            _ if image => LinkForm::Image,
            LinkType::Autolink => LinkForm::Autolink,
            _ => LinkForm::Inline,
        };
        let index = record(
            self.parsed,
            self.definitions,
            self.body,
            &dest_url,
            form,
            range.clone(),
            definition,
        );
        if let (LinkType::Inline, Some(last)) = (link_type, self.open.last_mut()) {
            *last = Some((index, range.start + 1));
        }
        marker(index).into()
    }
}

fn is_reference(link_type: LinkType) -> bool {
    matches!(
        link_type,
        LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
    )
}

fn skip(link_type: LinkType, dest: &str) -> bool {
    matches!(link_type, LinkType::Email | LinkType::WikiLink { .. }) || is_external(dest)
}

/// Records a link and returns its index; the offset is where its destination is written.
fn record(
    parsed: &mut Parsed,
    definitions: &mut Vec<(usize, usize)>,
    body: &str,
    dest: &str,
    form: LinkForm,
    range: std::ops::Range<usize>,
    definition: Option<usize>,
) -> usize {
    let offset = match (form, definition) {
        (LinkForm::Reference, Some(def)) | (LinkForm::Image, Some(def)) => {
            if let Some(&(_, index)) = definitions.iter().find(|(d, _)| *d == def) {
                return index;
            }
            definition_destination(body, def).unwrap_or(def)
        }
        (LinkForm::Autolink, _) => range.start + 1,
        _ => destination_after_last(body, range.clone()).unwrap_or(range.start),
    };
    let index = parsed.links.len();
    if let Some(def) = definition.filter(|_| form == LinkForm::Reference || form == LinkForm::Image)
    {
        definitions.push((def, index));
    }
    parsed.links.push((dest.to_string(), form, offset));
    index
}

/// The start of the destination in `[text](dest)`: after the last `](` of the link's source.
fn destination_after_last(body: &str, range: std::ops::Range<usize>) -> Option<usize> {
    let source = body.get(range.clone())?;
    let at = source.rfind("](")?;
    Some(range.start + at + 2 + leading_blank(&source[at + 2..]))
}

/// The start of the destination after the first `sep` from `from` (`](` after a link's text).
fn destination_after(body: &str, from: usize, sep: &str) -> Option<usize> {
    let source = body.get(from..)?;
    let at = source.find(sep)?;
    Some(from + at + sep.len() + leading_blank(&source[at + sep.len()..]))
}

/// The start of the destination in a definition `[label]: dest` that starts at `def`: after the
/// label's closing `]`, the first one not escaped (a label may hold `\]`, even `\]:`).
fn definition_destination(body: &str, def: usize) -> Option<usize> {
    let source = body.get(def..)?;
    let open = source.find('[')?;
    let mut escaped = false;
    let (close, _) = source[open + 1..].char_indices().find(|&(_, c)| {
        let closes = !escaped && c == ']';
        escaped = !escaped && c == '\\';
        closes
    })?;
    let after = open + 1 + close + 1;
    let rest = source[after..].strip_prefix(':')?;
    Some(def + after + 1 + leading_blank(rest))
}

/// Bytes of white space and an opening `<` before a destination.
fn leading_blank(s: &str) -> usize {
    let ws = s.len() - s.trim_start().len();
    ws + usize::from(s[ws..].starts_with('<'))
}

/// Collects `id`/`name` anchors and turns `href`/`src` into link markers in a raw HTML chunk.
fn raw_html<'a>(parsed: &mut Parsed, html: CowStr<'a>, offset: usize) -> CowStr<'a> {
    let mut out = String::new();
    let mut last = 0;
    for attr in attributes(&html) {
        match attr.name.to_ascii_lowercase().as_str() {
            "id" | "name" => parsed.html_anchors.push(attr.value.to_string()),
            "href" | "src" if !attr.value.is_empty() && !is_external(attr.value) => {
                let index = parsed.links.len();
                parsed.links.push((
                    decode_entities(attr.value),
                    LinkForm::Html,
                    offset + attr.start,
                ));
                out.push_str(&html[last..attr.start]);
                out.push_str(&marker(index));
                last = attr.start + attr.value.len();
            }
            _ => {}
        }
    }
    if last == 0 {
        return html;
    }
    out.push_str(&html[last..]);
    out.into()
}

/// The few entities that appear in URLs written by hand.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

struct Attribute<'s> {
    name: &'s str,
    value: &'s str,
    /// Byte offset of the value in the chunk.
    start: usize,
}

/// Attributes of the tags in a chunk of raw HTML. Only quoted and bare values inside `<...>`
/// are read; comments are skipped, so a commented-out link is not a link.
fn attributes(html: &str) -> Vec<Attribute<'_>> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"<!--") {
            // `<` is ASCII, so `i` is a character boundary here.
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        // Skip the tag name.
        i += 1;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
            i += 1;
        }
        // Attributes until the tag closes.
        while i < bytes.len() && bytes[i] != b'>' {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            let name_start = i;
            while i < bytes.len()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let name = &html[name_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                if name.is_empty() && i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (start, end) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = i + 1;
                    let end = html[start..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| start + e);
                    i = (end + 1).min(bytes.len());
                    (start, end)
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    (start, i)
                }
            };
            if !name.is_empty() {
                found.push(Attribute {
                    name,
                    value: &html[start..end],
                    start,
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dests(p: &Parsed) -> Vec<&str> {
        p.links.iter().map(|(d, _, _)| d.as_str()).collect()
    }

    #[test]
    fn inline_link_offset_points_at_destination() {
        let body = "See [the *process*](../processes/index.md#stages) now.";
        let p = parse(body, true);
        assert_eq!(dests(&p), ["../processes/index.md#stages"]);
        assert_eq!(&body[p.links[0].2..p.links[0].2 + 2], "..");
        assert!(p.html.contains("href=\"@hb@0@\""), "{}", p.html);
    }

    /// The destination starts after the `](` that closes the link text, not after the last
    /// `](` of the link's source: a title or a nested image may hold one too.
    #[test]
    fn inline_destination_is_found_after_the_link_text() {
        for (body, dest) in [
            ("[x](a.md \"see ](b\")", "a.md"),
            ("[x](a.md '](')", "a.md"),
            ("[`a](b`](a.md)", "a.md"),
            ("[a [b] c](a.md)", "a.md"),
            ("[](a.md)", "a.md"),
            ("![alt](pic.png \"x ](y\")", "pic.png"),
        ] {
            let p = parse(body, false);
            assert_eq!(p.links.len(), 1, "{body}");
            let at = p.links[0].2;
            assert_eq!(&body[at..at + dest.len()], dest, "{body}");
        }
        let body = "[![i](pic.png \"](\")](a.md)";
        let p = parse(body, false);
        let found: Vec<&str> = p
            .links
            .iter()
            .map(|l| &body[l.2..l.2 + l.0.len()])
            .collect();
        assert_eq!(found, ["a.md", "pic.png"]);
    }

    #[test]
    fn reference_links_are_reported_once_at_the_definition() {
        let body = "[a][x] and [b][x]\n\n[x]: <other.md>\n";
        let p = parse(body, true);
        assert_eq!(p.links.len(), 1);
        assert_eq!(p.links[0].1, LinkForm::Reference);
        assert_eq!(&body[p.links[0].2..p.links[0].2 + 8], "other.md");
        assert_eq!(p.html.matches("@hb@0@").count(), 2);
    }

    /// Found while extending the `markdown_links` property (`tests/properties.rs`) to
    /// reference links: the destination was looked for after the first `]:` of the
    /// definition, which can be inside its label (`[a\]:b]`).
    #[test]
    fn reference_destination_is_found_after_the_label() {
        for (body, dest) in [
            ("[a\\]:b]\n\n[a\\]:b]: dest.md\n", "dest.md"),
            ("[x]\n\n   [x]:\n  <d b.md>\n", "d b.md"),
            ("> [x]\n>\n> [x]: q.md\n", "q.md"),
        ] {
            let p = parse(body, false);
            assert_eq!(p.links.len(), 1, "{body}");
            let at = p.links[0].2;
            assert_eq!(&body[at..at + dest.len()], dest, "{body}");
        }
    }

    #[test]
    fn code_is_not_a_link_and_external_links_are_kept() {
        let body =
            "`[x](a.md)`\n\n```\n[y](b.md)\n```\n\n[web](https://example.com) <mailto:a@b.c>";
        let p = parse(body, true);
        assert!(p.links.is_empty());
        assert!(p.html.contains("https://example.com"));
    }

    #[test]
    fn raw_html_with_multibyte_text() {
        let p = parse(
            "<td>Stands for “working group” <a href=\"x.md\">x</a></td>\n",
            true,
        );
        assert_eq!(dests(&p), ["x.md"]);
    }

    #[test]
    fn raw_html_href_src_and_anchors() {
        let body =
            "<a id=\"top\" href='x.md#y'>x</a> <img src=pic.png> <!-- <a href=\"gone.md\"> -->\n";
        let p = parse(body, true);
        assert_eq!(dests(&p), ["x.md#y", "pic.png"]);
        assert_eq!(p.html_anchors, ["top"]);
        assert_eq!(&body[p.links[0].2..p.links[0].2 + 4], "x.md");
        assert!(p.html.contains("href='@hb@0@'"));
    }

    #[test]
    fn headings_get_github_ids_and_explicit_ids() {
        let p = parse(
            "# Title\n\n## Exit criteria\n\n## Exit criteria\n\n## Custom {#mine}\n\n## `code` here\n",
            true,
        );
        let ids: Vec<&str> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "title",
                "exit-criteria",
                "exit-criteria-1",
                "mine",
                "code-here"
            ]
        );
        assert!(p.html.contains("<h2 id=\"exit-criteria-1\">"));
    }

    /// GitHub slugs a heading's text content: an image's alt text is not part of it
    /// (github/markup#1008), while the title shown for the heading keeps it.
    #[test]
    fn image_alt_text_is_not_part_of_a_heading_id() {
        let p = parse(
            "# Report ![Badge](b.svg)\n\n## [![Logo](l.png) Tools](x.md)\n",
            true,
        );
        let ids: Vec<&str> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["report-", "-tools"]);
        assert_eq!(p.headings[0].text, "Report Badge");
    }

    #[test]
    fn markers_round_trip() {
        let html = "<a href=\"@hb@0@\">a</a><a href=\"@hb@12@\">b</a> @hb@ text @hb@x@";
        let out = replace_markers(html, |i| format!("/u{i}/"));
        assert_eq!(
            out,
            "<a href=\"/u0/\">a</a><a href=\"/u12/\">b</a> @hb@ text @hb@x@"
        );
    }

    #[test]
    fn schemes() {
        for d in ["https://a", "mailto:x@y", "tel:+1", "//cdn/x", "ftp://f"] {
            assert!(is_external(d), "{d}");
        }
        for d in ["a.md", "../a.md", "/x/", "#frag", "a/b:c.md", "dir/x.md:1"] {
            assert!(!is_external(d), "{d}");
        }
    }
}
