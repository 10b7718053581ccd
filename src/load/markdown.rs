//! Markdown to HTML in one pass, collecting what the resolver needs: headings with their ids,
//! every link with its source position, the anchors the body publishes, and reference links
//! whose label has no definition.
//!
//! Links cannot be rewritten yet (their targets are resolved later, against the whole site),
//! so the HTML is written with each destination as the page wrote it, and the byte range where
//! it lands is recorded ([`crate::model::Body`]; how, and why no placeholder text is involved:
//! [`super::html_writer`]). `serve` and a build with search parse each page once, here, with
//! HTML; a build without search loads pages here without HTML, and writes each body when it
//! renders the page, its links already resolved ([`super::published_html`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::html_writer::{self, Mark};
use super::markup;
use super::raw_html::{self, Unit};
use super::reference_links;
use super::slug::Slugger;
use crate::model::{AnchorKind, Body, Heading, LinkForm, ReferenceForm};

/// What one page body yields. Offsets are bytes into the body (the caller turns them into
/// positions).
#[derive(Debug, Default)]
pub struct Parsed {
    pub body: Body,
    pub headings: Vec<Heading>,
    /// Every id the body publishes, in document order, with where it is written.
    pub anchors: Vec<(String, AnchorKind, usize)>,
    /// Links with where their destination is written.
    pub links: Vec<(String, LinkForm, usize)>,
    /// Reference links whose label has no definition: the label, how it is written, where the
    /// label is, and the nearest defined label.
    pub undefined: Vec<(String, ReferenceForm, usize, Option<String>)>,
}

/// The scheme of a URL that runs code or smuggles a document when followed (`javascript:`,
/// `vbscript:`, `data:`), read as a browser reads it: leading spaces and control characters
/// are dropped, tabs and newlines inside are ignored, and case does not matter, so
/// ` JaVa\tScript:` counts.
pub fn unsafe_scheme(url: &str) -> Option<&'static str> {
    const UNSAFE: [&str; 3] = ["javascript", "vbscript", "data"];
    // Every link passes here: a scheme longer than the longest unsafe one is not one of them.
    let mut scheme = [0u8; "javascript".len()];
    let chars = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    for (len, c) in chars.enumerate() {
        if c == ':' {
            let scheme = &scheme[..len];
            return UNSAFE
                .into_iter()
                .find(|unsafe_| scheme.eq_ignore_ascii_case(unsafe_.as_bytes()));
        }
        if !c.is_ascii_alphabetic() || len == scheme.len() {
            return None;
        }
        scheme[len] = c as u8;
    }
    None
}

/// A destination that is not a file of the site: any `scheme:` or `//host`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    // A scheme is a letter, then letters, digits, `+`, `-` and `.`, up to the first `:`. Most
    // destinations are paths, told apart at their first byte.
    let bytes = dest.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for &b in bytes {
        if b == b':' {
            return true;
        }
        if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
            return false;
        }
    }
    false
}

/// The same for every page and every handbook (nothing of handbook.yaml is read here): a
/// body's HTML, links, headings and anchors are a function of its text alone, which is what
/// lets a fingerprint hash the text for the HTML ([`crate::model::Page::body_hash`]). Public
/// for `benches/markdown_floor.rs`, whose Markdown pass must be handbook's.
pub fn options() -> Options {
    // GFM: GitHub's alerts (`> [!NOTE]`), as a handbook written on GitHub previews them.
    Options::ENABLE_TABLES
        | Options::ENABLE_GFM
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses a page body. With `html` false (as `check` runs it) no HTML is produced: only the
/// headings, anchors and links, the same as with it. Pure: the result depends on `body` (and
/// `html`) only.
pub fn parse(body: &str, html: bool) -> Parsed {
    let mut broken: Vec<(Range<usize>, LinkType, String)> = Vec::new();
    let on_broken = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        broken.push((link.span, link.link_type, link.reference.into_string()));
        None
    };
    let mut iter =
        Parser::new_with_broken_link_callback(body, options(), Some(on_broken)).into_offset_iter();
    let mut walk = Walk::new(body, html);
    while let Some((event, range)) = iter.next() {
        // Most events (text, paragraphs, lists, emphasis) are only HTML.
        if !html && !walk.wants(&event) {
            discard(event);
            continue;
        }
        let definition = match &event {
            Event::Start(Tag::Link { link_type, id, .. } | Tag::Image { link_type, id, .. })
                if is_reference(*link_type) =>
            {
                iter.reference_definitions().get(id).map(|d| d.span.start)
            }
            _ => None,
        };
        walk.event(event, range, definition);
    }
    let unused = reference_links::unused_definitions(&walk.definitions, &iter, body);
    let labels: Vec<String> = iter
        .reference_definitions()
        .iter()
        .map(|(label, _)| label.to_string())
        .collect();
    drop(iter);
    let (mut parsed, link_spans) = walk.finish();
    parsed.links.extend(unused);
    parsed.undefined = reference_links::undefined(broken, body, &labels, &link_spans);
    parsed
}

/// Drops an event the walk has no use for, or is done with. Most own nothing (text borrowed
/// from the body, a paragraph, a tag's end) and are forgotten, which frees nothing either: it
/// only skips the call to the drop code of `Event`, which the compiler keeps out of line (2% of
/// a `check`'s instructions, once per event). The rest are dropped.
fn discard(event: Event<'_>) {
    match &event {
        Event::Text(CowStr::Borrowed(_))
        | Event::Code(CowStr::Borrowed(_))
        | Event::SoftBreak
        | Event::HardBreak
        | Event::End(_)
        | Event::Start(
            Tag::Paragraph
            | Tag::Item
            | Tag::List(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell,
        ) => std::mem::forget(event),
        // A link's strings, when each is borrowed from the body or held inline (as nearly all
        // are), own nothing either.
        Event::Start(
            Tag::Link {
                dest_url,
                title,
                id,
                ..
            }
            | Tag::Image {
                dest_url,
                title,
                id,
                ..
            },
        ) if [dest_url, title, id]
            .iter()
            .all(|s| !matches!(s, CowStr::Boxed(_))) =>
        {
            std::mem::forget(event)
        }
        _ => drop(event),
    }
}

/// The state of one walk over a body's events.
struct Walk<'b> {
    body: &'b str,
    /// Whether HTML is wanted: then `events` keeps every event for the writer.
    html: bool,
    parsed: Parsed,
    slugger: Slugger,
    events: Vec<Event<'b>>,
    /// Per event index: what rendering rewrites in its output.
    marks: Vec<(usize, Mark)>,
    /// Reference links share the definition's link, so it is reported once, at the
    /// definition: definition offset -> link index.
    definitions: HashMap<usize, usize>,
    /// The open heading: its event index, source range, explicit `{#id}`, its text, and its
    /// text as GitHub slugs it (without image alt text, which is not text content).
    heading: Option<OpenHeading<'b>>,
    /// How many images deep the walk is.
    in_image: usize,
    /// Per open link or image: an inline one's index, where its text ends so far, and where
    /// it is. Its destination starts after the `](` that follows the text (a title may hold
    /// `](` too).
    open: Vec<Option<(usize, usize, Range<usize>)>>,
    /// Where every link and image is, in document order: brackets inside one are its text.
    link_spans: Vec<Range<usize>>,
    /// The open HTML block, gathered whole: the parser hands it over one line at a time.
    html_block: Option<Unit>,
}

struct OpenHeading<'b> {
    event: usize,
    source: Range<usize>,
    explicit: Option<String>,
    /// Borrowed from the body while the heading is one piece of text (most are).
    text: Cow<'b, str>,
    /// `None` while it is `text`, which it is until an image's alt text comes.
    slug_text: Option<String>,
}

impl<'b> OpenHeading<'b> {
    fn push(&mut self, piece: &CowStr<'b>, in_image: bool) {
        if in_image && self.slug_text.is_none() {
            self.slug_text = Some(self.text.to_string());
        }
        match (&self.text, piece) {
            (Cow::Borrowed(""), CowStr::Borrowed(piece)) => self.text = Cow::Borrowed(piece),
            _ => self.text.to_mut().push_str(piece),
        }
        if let Some(slug_text) = self.slug_text.as_mut().filter(|_| !in_image) {
            slug_text.push_str(piece);
        }
    }
}

impl<'b> Walk<'b> {
    fn new(body: &'b str, html: bool) -> Self {
        Walk {
            body,
            html,
            // Made at once as long as most pages need (a page of the synthetic handbook has
            // about 11 links and 7 headings): grown from empty, these lists were reallocated
            // and copied about ten times a page. Only `headings` is kept, at its size.
            parsed: Parsed {
                links: Vec::with_capacity(32),
                anchors: Vec::with_capacity(16),
                headings: Vec::with_capacity(16),
                ..Parsed::default()
            },
            slugger: Slugger::default(),
            events: Vec::with_capacity(if html { body.len() / 16 } else { 0 }),
            marks: Vec::new(),
            definitions: HashMap::new(),
            heading: None,
            in_image: 0,
            open: Vec::with_capacity(4),
            link_spans: Vec::with_capacity(32),
            html_block: None,
        }
    }

    /// Whether `event` matters when no HTML is wanted: anything inside a heading, an HTML
    /// block or an inline link's text (where the text ends is followed), and the events that
    /// hold links and anchors.
    fn wants(&self, event: &Event<'_>) -> bool {
        self.heading.is_some()
            || self.html_block.is_some()
            || self.open.last().is_some_and(Option::is_some)
            || matches!(
                event,
                Event::Start(
                    Tag::Link { .. }
                        | Tag::Image { .. }
                        | Tag::HtmlBlock
                        | Tag::FootnoteDefinition(_)
                        | Tag::Heading { .. }
                ) | Event::End(TagEnd::Link | TagEnd::Image | TagEnd::HtmlBlock)
                    | Event::Html(_)
                    | Event::InlineHtml(_)
            )
    }

    /// Takes one event; `definition` is where a reference link's definition starts.
    fn event(&mut self, event: Event<'b>, range: Range<usize>, definition: Option<usize>) {
        self.track_link_text(&event, &range);
        let mut mark = None;
        match &event {
            Event::Start(
                tag @ (Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }
                | Tag::Image {
                    link_type,
                    dest_url,
                    ..
                }),
            ) => {
                let image = matches!(tag, Tag::Image { .. });
                self.link_spans.push(range.clone());
                mark = self
                    .link(*link_type, dest_url, range.clone(), definition, image)
                    .map(Mark::Link);
                self.in_image += usize::from(image);
            }
            Event::End(TagEnd::Image) => self.in_image = self.in_image.saturating_sub(1),
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(Unit::default()),
            Event::Html(chunk) if self.html_block.is_some() => {
                if let Some(unit) = self.html_block.as_mut() {
                    unit.push(chunk, range, self.body);
                }
                return;
            }
            Event::End(TagEnd::HtmlBlock) => {
                let unit = self.html_block.take().unwrap_or_default();
                let block = self.raw_html(&unit);
                self.emit(Event::Html(unit.text.into()), Some(block));
            }
            // Inline HTML (and, should the parser ever give one, HTML outside a block).
            Event::InlineHtml(chunk) | Event::Html(chunk) => {
                let mut unit = Unit::default();
                unit.push(chunk, range, self.body);
                mark = Some(self.raw_html(&unit));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // `[^label]:`: the label starts after `[^`.
                let at = range.start + 2;
                self.parsed
                    .anchors
                    .push((label.to_string(), AnchorKind::Footnote, at));
            }
            Event::Start(Tag::Heading { id, .. }) => {
                self.heading = Some(OpenHeading {
                    event: self.events.len(),
                    source: range,
                    explicit: id.as_ref().map(|id| id.to_string()),
                    text: Cow::Borrowed(""),
                    slug_text: None,
                });
            }
            Event::End(TagEnd::Heading(level)) => self.end_heading(*level as u8),
            Event::Start(Tag::Table(_)) => self.emit_html(markup::TABLE_OPEN),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let title = markup::alert_title(*kind);
                self.emit(event, None);
                self.emit_html(title);
                return;
            }
            Event::End(TagEnd::Table) => {
                self.emit(event, None);
                self.emit_html(markup::TABLE_CLOSE);
                return;
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(heading) = self.heading.as_mut() {
                    heading.push(t, self.in_image > 0);
                }
            }
            _ => {}
        }
        self.emit(event, mark);
    }

    /// Keeps the event for the writer (when HTML is wanted), with what it carries.
    fn emit(&mut self, event: Event<'b>, mark: Option<Mark>) {
        if self.html {
            if let Some(mark) = mark {
                self.marks.push((self.events.len(), mark));
            }
            self.events.push(event);
        } else {
            discard(event);
        }
    }

    /// Keeps HTML of our own for the writer, which passes it through as it is.
    fn emit_html(&mut self, html: impl Into<CowStr<'b>>) {
        self.emit(Event::InlineHtml(html.into()), None);
    }

    /// Follows where the text of each open inline link ends, and at its end records where its
    /// destination is.
    fn track_link_text(&mut self, event: &Event<'b>, range: &Range<usize>) {
        if let Event::End(TagEnd::Link | TagEnd::Image) = event {
            if let Some(Some((index, text_end, range))) = self.open.pop() {
                self.parsed.links[index].2 = destination_after(self.body, text_end, b'(')
                    .or_else(|| destination_after_last(self.body, range.clone()))
                    .unwrap_or(range.start);
            }
        } else if let Some(Some((_, text_end, _))) = self.open.last_mut() {
            *text_end = (*text_end).max(range.end);
        }
    }

    /// Records a link or image (unless it is external) and returns its index.
    fn link(
        &mut self,
        link_type: LinkType,
        dest: &str,
        range: Range<usize>,
        definition: Option<usize>,
        image: bool,
    ) -> Option<usize> {
        let inline = link_type == LinkType::Inline;
        let recorded = (!skip(link_type, dest)).then(|| {
            let form = match link_type {
                _ if is_reference(link_type) => LinkForm::Reference,
                _ if image => LinkForm::Image,
                LinkType::Autolink => LinkForm::Autolink,
                _ => LinkForm::Inline,
            };
            // An inline link's destination is found at its end ([`Self::track_link_text`]).
            let offset = match (form, definition) {
                _ if inline => range.start,
                (LinkForm::Reference | LinkForm::Image, Some(def)) => {
                    if let Some(&index) = self.definitions.get(&def) {
                        return index;
                    }
                    self.definitions.insert(def, self.parsed.links.len());
                    definition_destination(self.body, def).unwrap_or(def)
                }
                (LinkForm::Autolink, _) => range.start + 1,
                _ => destination_after_last(self.body, range.clone()).unwrap_or(range.start),
            };
            self.parsed.links.push((dest.to_string(), form, offset));
            self.parsed.links.len() - 1
        });
        self.open.push(
            recorded
                .filter(|_| inline)
                .map(|index| (index, range.start + 1, range)),
        );
        recorded
    }

    fn end_heading(&mut self, level: u8) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let explicit = heading.explicit.is_some();
        let slug = match heading.explicit {
            Some(id) => {
                self.slugger.reserve(&id);
                id
            }
            None => self
                .slugger
                .slug(heading.slug_text.as_deref().unwrap_or(&heading.text)),
        };
        if let Some(Event::Start(Tag::Heading { id, .. })) = self.events.get_mut(heading.event) {
            *id = Some(slug.clone().into());
        }
        // The title (`#`) is the page's, not a section to point at.
        if level > 1 && self.html {
            self.emit_html(markup::heading_anchor(&slug, heading.text.trim()));
        }
        let at = heading_id_offset(self.body, heading.source, explicit.then_some(slug.as_str()));
        self.parsed
            .anchors
            .push((slug.clone(), AnchorKind::Heading { explicit }, at));
        self.parsed.headings.push(Heading {
            level,
            text: heading.text.trim().to_string(),
            id: slug,
        });
    }

    /// Records the links and anchors of one unit of raw HTML; the mark says where its links
    /// are.
    fn raw_html(&mut self, unit: &Unit) -> Mark {
        let found = raw_html::scan(&unit.text);
        for (id, at) in found.anchors {
            self.parsed
                .anchors
                .push((id, AnchorKind::Html, unit.source_offset(at)));
        }
        let mut slots = Vec::new();
        for link in found.links {
            if link.value.is_empty() || is_external(&link.value) {
                continue;
            }
            let index = self.parsed.links.len();
            let form = if link.image {
                LinkForm::HtmlImage
            } else {
                LinkForm::Html
            };
            let offset = unit.source_offset(link.range.start);
            self.parsed.links.push((link.value, form, offset));
            slots.push((link.range, index));
        }
        Mark::Html {
            len: unit.text.len(),
            slots,
        }
    }

    fn finish(self) -> (Parsed, Vec<Range<usize>>) {
        let mut parsed = self.parsed;
        if self.html {
            let capacity = self.body.len() + self.body.len() / 4;
            parsed.body = html_writer::write(self.events, self.marks, capacity);
        }
        (parsed, self.link_spans)
    }
}

/// Where a heading's id is written: its `{#id}`, else the heading's first character.
fn heading_id_offset(body: &str, source: Range<usize>, explicit: Option<&str>) -> usize {
    let text = body.get(source.clone()).unwrap_or_default();
    explicit
        .and_then(|id| text.rfind(&format!("#{id}")))
        .map_or(source.start, |at| source.start + at + 1)
}

pub(super) fn is_reference(link_type: LinkType) -> bool {
    matches!(
        link_type,
        LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
    )
}

/// Links that are not the site's to check: e-mail, wiki links and other schemes. An unsafe
/// scheme is recorded all the same, so `check` can report it.
pub(super) fn skip(link_type: LinkType, dest: &str) -> bool {
    matches!(link_type, LinkType::Email | LinkType::WikiLink { .. })
        || (is_external(dest) && unsafe_scheme(dest).is_none())
}

/// The start of the destination in `[text](dest)`: after the last `](` of the link's source.
fn destination_after_last(body: &str, range: Range<usize>) -> Option<usize> {
    let source = body.get(range.clone())?;
    let bytes = source.as_bytes();
    let at = memchr::memrchr_iter(b']', bytes).find(|&i| bytes.get(i + 1) == Some(&b'('))?;
    Some(range.start + at + 2 + leading_blank(&source[at + 2..]))
}

/// The start of the destination after `]` and then `next` (`(` or `:`), searching from `from`.
pub(super) fn destination_after(body: &str, from: usize, next: u8) -> Option<usize> {
    let source = body.get(from..)?;
    let bytes = source.as_bytes();
    let at = memchr::memchr_iter(b']', bytes).find(|&i| bytes.get(i + 1) == Some(&next))?;
    Some(from + at + 2 + leading_blank(&source[at + 2..]))
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
        assert_eq!(slotted(&p), [("../processes/index.md#stages", 0)]);
    }

    /// Each slot's text in the HTML, and its link.
    fn slotted(p: &Parsed) -> Vec<(&str, usize)> {
        p.body
            .slots
            .iter()
            .map(|s| (&p.body.html[s.bytes.clone()], s.link))
            .collect()
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
        assert_eq!(slotted(&p), [("other.md", 0), ("other.md", 0)]);
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
        assert!(p.body.html.contains("https://example.com"));
        assert!(p.body.slots.is_empty());
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
        assert_eq!(p.anchors, [("top".to_string(), AnchorKind::Html, 7)]);
        assert_eq!(&body[p.links[0].2..p.links[0].2 + 4], "x.md");
        assert_eq!(slotted(&p), [("x.md#y", 0), ("pic.png", 1)]);
    }

    #[test]
    fn github_alerts_get_a_title_and_plain_quotes_do_not() {
        let p = parse(
            "> [!WARNING]\n> Never discount *before* the PoV review.\n\n> Just a quote.\n",
            true,
        );
        let html = &p.body.html;
        let alert = html
            .find("<blockquote class=\"markdown-alert-warning\">")
            .unwrap();
        let title = html.find("Warning</p>").unwrap();
        let text = html.find("Never discount <em>before</em>").unwrap();
        assert!(alert < title && title < text, "{html}");
        assert!(!html.contains("[!WARNING]"), "{html}");
        assert!(
            html.contains("<blockquote>\n<p>Just a quote.</p>"),
            "{html}"
        );
        assert_eq!(html.matches("markdown-alert-title").count(), 1, "{html}");
        for (marker, class, title) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let html = parse(&format!("> [!{marker}]\n> Text\n"), true).body.html;
            assert!(
                html.contains(&format!("class=\"markdown-alert-{class}\"")),
                "{html}"
            );
            assert!(html.contains(&format!("</svg>{title}</p>")), "{html}");
        }
    }

    #[test]
    fn tables_are_wrapped_to_scroll_and_links_in_them_keep_their_slots() {
        let p = parse("| a | b |\n|---|---|\n| [x](x.md) | 2 |\n\nAfter.\n", true);
        let html = &p.body.html;
        assert!(
            html.starts_with("<div class=\"table-wrap\" tabindex=\"0\">\n<table>"),
            "{html}"
        );
        assert!(html.contains("</table>\n</div>\n<p>After.</p>"), "{html}");
        assert_eq!(slotted(&p), [("x.md", 0)]);
    }

    #[test]
    fn section_headings_link_to_themselves_and_the_title_does_not() {
        let p = parse(
            "# Title\n\n## Who *joins*\n\n### R&D \"notes\" {#r&d}\n",
            true,
        );
        let html = &p.body.html;
        assert!(html.contains("<h1 id=\"title\">Title</h1>"), "{html}");
        assert!(
            html.contains(
                "<h2 id=\"who-joins\">Who <em>joins</em> <a class=\"anchor\" href=\"#who-joins\" \
                 aria-label=\"Link to this section: Who joins\">#</a></h2>"
            ),
            "{html}"
        );
        assert!(
            html.contains(
                "href=\"#r&amp;d\" aria-label=\"Link to this section: R&amp;D &quot;notes&quot;\">"
            ),
            "{html}"
        );
        // The table of contents reads the heading's text, not the anchor.
        let texts: Vec<&str> = p.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(texts, ["Title", "Who joins", "R&D \"notes\""]);
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
        assert!(
            p.body
                .html
                .contains("<h2 id=\"exit-criteria-1\">Exit criteria <a")
        );
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

    /// Raw HTML is read a block at a time: a tag over several lines is one tag, a comment over
    /// several lines hides what is in it, and positions still point at the value in the source.
    #[test]
    fn raw_html_blocks_are_read_whole() {
        let body = "> <div>\n> <a class=\"btn\"\n>    href=\"gone.md\">x</a>\n> </div>\n\n\
                    - <img\n    src=\"gone.png\">\n\n<!-- old\n<img src=\"old.png\">\n-->\n";
        let p = parse(body, true);
        assert_eq!(dests(&p), ["gone.md", "gone.png"]);
        for (dest, _, at) in &p.links {
            assert_eq!(&body[*at..at + dest.len()], dest);
        }
        assert_eq!(slotted(&p), [("gone.md", 0), ("gone.png", 1)]);
    }

    /// Text that looks like a link, a marker or an attribute is only text.
    #[test]
    fn slots_are_where_links_are_and_nowhere_else() {
        let body = "[a](x.md \"href=\") `<a href=\"y.md\">` @hb@0@ ![i](p.png)\n\n\
                    ```\n<a href=\"z.md\">\n```\n\n![a [l](n.md) b](q.png)\n";
        let p = parse(body, true);
        assert_eq!(dests(&p), ["x.md", "p.png", "q.png", "n.md"]);
        // The link inside the image's alt text is not written (alt is plain text): no slot.
        assert_eq!(slotted(&p), [("x.md", 0), ("p.png", 1), ("q.png", 2)]);
        assert!(p.body.html.contains("@hb@0@"));
        assert!(p.body.html.contains("&lt;a href=\"z.md\"&gt;"));
    }

    /// Wherever a link sits, its destination is a slot holding exactly what was written.
    #[test]
    fn every_written_link_has_a_slot_wherever_it_is() {
        let body = "# [Head](h.md) {#top}\n\n| a | b |\n|---|---|\n| [cell](c.md \"t\") | <a href=\"d.md\">d</a> |\n\n\
                    > - [quoted](q.md)\n\nNote.[^n]\n\n[^n]: See [foot](f.md).\n\n\
                    [![img](i.png)](l.md) <auto@mail.x> [ref][r] ![pic][r]\n\n[r]: r&amp;.md\n";
        let p = parse(body, true);
        let written: Vec<(&str, usize)> = slotted(&p);
        assert_eq!(
            written,
            [
                ("h.md", 0),
                ("c.md", 1),
                ("d.md", 2),
                ("q.md", 3),
                ("f.md", 4),
                ("l.md", 5),
                ("i.png", 6),
                ("r&amp;.md", 7),
                ("r&amp;.md", 7),
            ]
        );
        assert_eq!(dests(&p)[7], "r&.md");
    }

    #[test]
    fn footnotes_are_anchors_and_undefined_references_are_found() {
        let body = "x[^note] [a][nolabel] [b][] [c] [!NOTE] [used]\n\n[^note]: N.\n\n[used]: u.md\n[unused]: gone.md\n";
        let p = parse(body, false);
        let note = body.find("[^note]:").unwrap() + 2;
        assert_eq!(
            p.anchors,
            [("note".to_string(), AnchorKind::Footnote, note)]
        );
        let undefined: Vec<(&str, ReferenceForm, &str)> = p
            .undefined
            .iter()
            .map(|(label, form, at, _)| (label.as_str(), *form, &body[*at..at + label.len()]))
            .collect();
        assert_eq!(
            undefined,
            [
                ("nolabel", ReferenceForm::Full, "nolabel"),
                ("b", ReferenceForm::Collapsed, "b"),
                ("c", ReferenceForm::Shortcut, "c"),
            ]
        );
        assert_eq!(
            p.links
                .iter()
                .map(|(d, f, at)| (d.as_str(), *f, &body[*at..at + d.len()]))
                .collect::<Vec<_>>(),
            [
                ("u.md", LinkForm::Reference, "u.md"),
                ("gone.md", LinkForm::UnusedDefinition, "gone.md")
            ]
        );
        // Brackets in a link's text are part of the link.
        assert!(
            parse("[a [b] c](x.md)\n\n[d]: x.md\n", false)
                .undefined
                .is_empty()
        );
        // Without any definition, `[c]` is prose in brackets.
        assert!(parse("[c] and [d]\n", false).undefined.is_empty());
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

    #[test]
    fn unsafe_schemes_as_a_browser_reads_them() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            (" \u{1}\tjavascript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java\nscr\ript:alert(1)", "javascript"),
            ("VBScript:msgbox", "vbscript"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("DATA:image/png;base64,AAAA", "data"),
        ] {
            assert_eq!(unsafe_scheme(url), Some(scheme), "{url:?}");
        }
        for url in [
            "https://a",
            "mailto:x@y",
            "a.md",
            "javascript.md",
            "/javascript:x",
            "./javascript:x",
            "java script:x",
            "xjavascript:x",
            "database:x",
            "",
        ] {
            assert_eq!(unsafe_scheme(url), None, "{url:?}");
        }
    }

    #[test]
    fn unsafe_links_are_recorded_and_other_schemes_are_not() {
        let body = "[a](javascript:alert(1)) [b](https://x) <vbscript:x> ![c](data:image/png,x)\n\n[d]: JAVASCRIPT:void(0)\n\n[e][d]\n";
        let p = parse(body, false);
        assert_eq!(
            dests(&p),
            [
                "javascript:alert(1)",
                "vbscript:x",
                "data:image/png,x",
                "JAVASCRIPT:void(0)"
            ]
        );
        let at = p.links[0].2;
        assert_eq!(&body[at..at + 11], "javascript:");
    }
}
