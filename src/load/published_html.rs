//! A body's HTML as it is published: written when the page is rendered, with each link's URL
//! already in place.
//!
//! A body loaded with the site ([`super::html_writer`]) is written before its links resolve:
//! each destination as the page wrote it, and the byte range where it lands, for rendering to
//! splice the URL in ([`crate::render::links::splice`]). A body read again at render
//! ([`super::published_body`]) is parsed when its links' URLs are known, so here the URL is
//! put into the event before pulldown-cmark's writer sees it, and the HTML is written once, as
//! the parser hands over the events: no list of events, no slots, no second copy to splice
//! into. The bytes are the ones the splice gives, for these reasons:
//! - The writer writes a Markdown link's or image's destination as `escape_href(dest)`, which
//!   is exactly the slot the splice replaces with `escape_href(url)`. A destination the writer
//!   does not write (a link inside an image's alt text) has no slot either.
//! - A unit of raw HTML is written verbatim outside an image's alt text: its `href`/`src`
//!   values are replaced in the unit, by the ranges [`super::raw_html::scan`] finds, as the
//!   splice replaces them in the written HTML. Inside alt text it is escaped or dropped and has
//!   no slot: it is passed on as written.
//! - Links are numbered as loading numbers them (the page's links, whose URLs `urls` holds):
//!   in document order, external ones skipped, and the reference links sharing a definition
//!   sharing its number.
//! - Heading ids are the page's headings as loaded (the same text gives the same headings),
//!   not slugged again.
//! - Text with nothing to escape is handed over as inline HTML, which the writer writes as it
//!   is, rather than looking at each of its bytes again. A body with no `&`, `<` or `>` at all
//!   (found by one search of the body) has no such text anywhere.
//!
//! `tests::the_published_html_is_the_spliced_html` (and a property test on bodies glued from
//! pieces) compares the two ways on every shape of link, heading and raw HTML the loader knows.

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};
use pulldown_cmark_escape::escape_href;
use rustc_hash::FxHashMap;

use super::markdown::{self, is_external};
use super::{markup, raw_html};
use crate::model::Heading;

/// Writes `body` (a page's Markdown, loaded with `headings`) as HTML into `out`, link `n`'s
/// destination as `urls[n]`. `None` (and `out` as it was) if the body does not hold the
/// headings it was loaded with, which only a body other than the one loaded can do.
pub fn write(body: &str, headings: &[Heading], urls: &[String], out: &mut String) -> Option<()> {
    let start = out.len();
    let mut events = Events {
        parser: Parser::new_ext(body, markdown::options()),
        headings,
        urls,
        next_heading: 0,
        open_heading: None,
        links: 0,
        definitions: FxHashMap::default(),
        in_image: 0,
        html_block: None,
        pending: None,
        mismatch: false,
        plain: !escapes(body),
    };
    pulldown_cmark::html::push_html(out, &mut events);
    if events.mismatch || events.next_heading != headings.len() {
        out.truncate(start);
        return None;
    }
    Some(())
}

/// Whether body text `text` holds a byte the writer escapes.
fn escapes(text: &str) -> bool {
    memchr::memchr3(b'&', b'<', b'>', text.as_bytes()).is_some()
}

/// The parser's events as the writer is to write them.
struct Events<'a, 'p> {
    parser: Parser<'a>,
    headings: &'p [Heading],
    urls: &'a [String],
    /// The page heading the next heading of the body is.
    next_heading: usize,
    /// The heading being written.
    open_heading: Option<&'p Heading>,
    /// How many links are numbered so far.
    links: usize,
    /// Reference links share their definition's number: definition offset -> number.
    definitions: FxHashMap<usize, usize>,
    /// How many images deep: the writer writes an image's alt text as plain text.
    in_image: usize,
    /// The open HTML block, gathered whole: the parser hands it over one line at a time.
    html_block: Option<String>,
    /// An event to hand over after the one just handed over.
    pending: Option<Event<'a>>,
    /// A heading of the body is not among the page's.
    mismatch: bool,
    /// The body holds none of the bytes text escapes (`&`, `<`, `>`), so none of its texts
    /// does: the parser makes text of the body's own characters (an entity or a backslash
    /// escape needs `&` or the character itself).
    plain: bool,
}

impl<'a, 'p> Iterator for Events<'a, 'p>
where
    'p: 'a,
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        loop {
            let event = self.parser.next()?;
            if let Some(event) = self.event(event) {
                return Some(event);
            }
        }
    }
}

impl<'a, 'p> Events<'a, 'p>
where
    'p: 'a,
{
    /// What to hand the writer for `event` (and maybe `pending` after it); `None` for a line
    /// of an HTML block, handed over whole at its end.
    fn event(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.destination(link_type, dest_url, &id);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.destination(link_type, dest_url, &id);
                self.in_image += 1;
                Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Image) => {
                self.in_image = self.in_image.saturating_sub(1);
                Some(event)
            }
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(String::new());
                Some(event)
            }
            Event::Html(chunk) if self.html_block.is_some() => {
                if let Some(block) = self.html_block.as_mut() {
                    block.push_str(&chunk);
                }
                None
            }
            Event::End(TagEnd::HtmlBlock) => {
                let block = self.html_block.take().unwrap_or_default();
                let html = self.raw_html(block.into());
                self.pending = Some(event);
                Some(Event::Html(html))
            }
            Event::InlineHtml(html) => Some(Event::InlineHtml(self.raw_html(html))),
            Event::Html(html) => Some(Event::Html(self.raw_html(html))),
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => {
                let heading = self.headings.get(self.next_heading);
                self.next_heading += 1;
                self.open_heading = heading;
                let Some(heading) = heading else {
                    self.mismatch = true;
                    return None;
                };
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::Borrowed(&heading.id)),
                    classes,
                    attrs,
                }))
            }
            Event::End(TagEnd::Heading(level)) => {
                let heading = self.open_heading.take()?;
                // The title (`#`) is the page's, not a section to point at.
                if level as u8 == 1 {
                    return Some(event);
                }
                self.pending = Some(event);
                Some(Event::InlineHtml(
                    markup::heading_anchor(&heading.id, &heading.text).into(),
                ))
            }
            Event::Start(Tag::Table(_)) => {
                self.pending = Some(event);
                Some(Event::InlineHtml(markup::TABLE_OPEN.into()))
            }
            Event::End(TagEnd::Table) => {
                self.pending = Some(Event::InlineHtml(markup::TABLE_CLOSE.into()));
                Some(event)
            }
            // Text with nothing to escape, as it is: the writer writes inline HTML verbatim,
            // where it would look at each byte of the text to escape it (its `"` and `'`
            // too, which body text keeps). Empty text is left to the writer (it notes that no
            // newline ended it), and so is alt text, which the writer escapes as attributes.
            Event::Text(text)
                if self.in_image == 0 && !text.is_empty() && (self.plain || !escapes(&text)) =>
            {
                Some(Event::InlineHtml(text))
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.pending = Some(Event::InlineHtml(markup::alert_title(kind).into()));
                Some(event)
            }
            event => Some(event),
        }
    }

    /// The destination to write for a Markdown link or image: its URL, when it is one of the
    /// page's links (as loading numbers them: [`markdown`]'s `Walk::link`).
    fn destination(&mut self, link_type: LinkType, dest: CowStr<'a>, id: &str) -> CowStr<'a> {
        if markdown::skip(link_type, &dest) {
            return dest;
        }
        let definition = markdown::is_reference(link_type)
            .then(|| self.parser.reference_definitions().get(id))
            .flatten()
            .map(|d| d.span.start);
        let n = match definition {
            Some(definition) => match self.definitions.get(&definition) {
                Some(&n) => n,
                None => {
                    self.definitions.insert(definition, self.links);
                    self.number()
                }
            },
            None => self.number(),
        };
        CowStr::Borrowed(self.url(n))
    }

    /// The number of the next link.
    fn number(&mut self) -> usize {
        self.links += 1;
        self.links - 1
    }

    /// Link `n`'s URL; none if the page has no such link (as the splice writes it).
    fn url(&self, n: usize) -> &'a str {
        self.urls.get(n).map_or("", String::as_str)
    }

    /// A unit of raw HTML with its links' URLs in place of their values: outside an image's
    /// alt text, where the writer writes it verbatim.
    fn raw_html(&mut self, unit: CowStr<'a>) -> CowStr<'a> {
        let found = raw_html::scan(&unit);
        let mut slots = Vec::new();
        for link in found.links {
            if link.value.is_empty() || is_external(&link.value) {
                continue;
            }
            slots.push((link.range, self.number()));
        }
        if slots.is_empty() || self.in_image > 0 {
            return unit;
        }
        let mut out = String::with_capacity(unit.len() + 32);
        let mut last = 0;
        for (range, n) in slots {
            // As the splice does: a range that does not fit is left as written.
            let (Some(before), true) = (
                unit.get(last..range.start),
                unit.is_char_boundary(range.end),
            ) else {
                continue;
            };
            out.push_str(before);
            // Writing to a String cannot fail.
            let _ = escape_href(&mut out, self.url(n));
            last = range.end;
        }
        out.push_str(unit.get(last..).unwrap_or_default());
        out.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown::parse;

    /// The HTML as the body loaded with the site gives it, with `urls` spliced in.
    fn spliced(body: &str, urls: &[String]) -> String {
        let parsed = parse(body, true);
        crate::render::links::rewrite_body(&parsed.body.html, &parsed.body.slots, urls)
    }

    fn published(body: &str, urls: &[String]) -> Option<String> {
        let headings = parse(body, false).headings;
        let mut out = String::from("kept");
        write(body, &headings, urls, &mut out)?;
        Some(out.strip_prefix("kept")?.to_string())
    }

    /// URLs that escaping changes, one per link and a few more.
    fn urls(n: usize) -> Vec<String> {
        (0..n + 2)
            .map(|n| format!("/page-{n}/?a=1&b=\"{n}\"#s {n}"))
            .collect()
    }

    #[test]
    fn the_published_html_is_the_spliced_html() {
        let bodies = [
            "See [the *process*](../processes/index.md#stages) now.",
            "[a][x] and [b][x] and [c][y] ![i][x]\n\n[x]: <other.md>\n[y]: y.md \"T\"\n[unused]: u.md\n",
            "`[x](a.md)`\n\n```\n[y](b.md)\n```\n\n[web](https://example.com) <mailto:a@b.c> <https://x.y>",
            "<td>Stands for “working group” <a href=\"x.md\">x</a></td>\n",
            "<a id=\"top\" href='x.md#y'>x</a> <img src=pic.png> <!-- <a href=\"gone.md\"> -->\n",
            "> [!WARNING]\n> Never discount *before* the PoV review.\n\n> Just a quote.\n",
            "| a | b |\n|---|---|\n| [x](x.md) | <a href=\"t.md\">2</a> |\n\nAfter.\n",
            "# Title\n\n## Who *joins*\n\n### R&D \"notes\" {#r&d}\n\n## Who *joins*\n",
            "# Report ![Badge](b.svg)\n\n## [![Logo](l.png) Tools](x.md)\n",
            "> <div>\n> <a class=\"btn\"\n>    href=\"gone.md\">x</a>\n> </div>\n\n\
             - <img\n    src=\"gone.png\">\n\n<!-- old\n<img src=\"old.png\">\n-->\n",
            "[a](x.md \"href=\") `<a href=\"y.md\">` @hb@0@ ![i](p.png)\n\n\
             ```\n<a href=\"z.md\">\n```\n\n![a [l](n.md) <a href=\"in-alt.md\">b</a>](q.png)\n",
            "# [Head](h.md) {#top}\n\n| a | b |\n|---|---|\n| [cell](c.md \"t\") | <a href=\"d.md\">d</a> |\n\n\
             > - [quoted](q.md)\n\nNote.[^n]\n\n[^n]: See [foot](f.md).\n\n\
             [![img](i.png)](l.md) <auto@mail.x> [ref][r] ![pic][r]\n\n[r]: r&amp;.md\n",
            "[a](javascript:alert(1)) [b](https://x) <vbscript:x> ![c](data:image/png,x)\n\n[d]: JAVASCRIPT:void(0)\n\n[e][d]\n",
            "<div>\n<a href=\"\">empty</a> <a href=\"https://ext\">ext</a> <a href=\"in.md\">in</a>\n</div>\n\nText <b>bold</b> <a href=\"é.md\">é</a>\n",
            "- [ ] task [t](t.md)\n- [x] done ~~gone~~\n\n***\n\n1. one\n2. [two](two.md)\n",
            "Setext [s](s.md)\n===\n\nSub\n---\n\n    indented [no](no.md)\n",
            "",
        ];
        let first = published(bodies[0], &urls(1)).unwrap();
        assert!(
            first.contains("href=\"/page-0/?a=1&amp;b=%220%22#s%200\""),
            "{first}"
        );
        for body in bodies {
            let n = parse(body, false).links.len();
            let urls = urls(n);
            assert_eq!(
                published(body, &urls).as_deref(),
                Some(spliced(body, &urls).as_str()),
                "{body}"
            );
            // A page with fewer URLs than links (never built so) writes what the splice does.
            assert_eq!(
                published(body, &[]).as_deref(),
                Some(spliced(body, &[]).as_str()),
                "{body}"
            );
        }
    }

    /// Pieces the writer and the numbering of links care about, glued at random.
    const PIECES: &[&str] = &[
        "[x](a.md)",
        "[x](<a b.md> \"t\")",
        "[x](https://ext)",
        "![i](p.png)",
        "[![i](p.png)](a.md)",
        "![a [l](n.md) <a href=\"h.md\">](q.png)",
        "[r]",
        "[a][r]",
        "![p][r]",
        "\n[r]: <b&amp;.md>\n",
        "<mail@x.y>",
        "<a href=\"x.md\" id=\"i\">",
        "<a href=''>",
        "<img src=p.png>",
        "<div>\n<a href=\"d.md\">\n",
        "</div>",
        "<!--",
        "-->",
        "`",
        "```\n",
        "# H {#id}\n",
        "## a ![b `c`](d.png) *e* `f`\n",
        "### R&D \"x\"\n",
        "[^n]",
        "\n[^n]: x\n",
        "\n| a | b |\n|---|:-:|\n",
        "> [!TIP]\n",
        "- [ ] ",
        "é",
        "\n",
        "\n\n",
        "&amp;",
        "](",
        "[",
        "]",
        "<",
        "> ",
        "- ",
        "    ",
        "\\",
        "\"q' ",
        "a > b",
        "&#60;&gt;\\<\\&",
        "![\"alt' & <x>\"](a.png)",
        "\n```\ncode & <b> \"q\"\n```\n",
    ];

    proptest::proptest! {
        /// Whatever the body, the published HTML is the HTML loaded with the site with the
        /// URLs spliced in.
        #[test]
        fn any_body_is_published_as_spliced(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
        ) {
            let body = pieces.concat();
            let urls = urls(parse(&body, false).links.len());
            proptest::prop_assert_eq!(published(&body, &urls), Some(spliced(&body, &urls)), "{:?}", body);
        }
    }

    /// A body that does not hold the headings it was loaded with is not written.
    #[test]
    fn a_body_without_its_headings_is_not_written() {
        let headings = parse("# A\n\n## B\n", false).headings;
        for body in ["# A\n", "# A\n\n## B\n\n## C\n", "No heading.\n"] {
            let mut out = String::from("kept");
            assert_eq!(write(body, &headings, &[], &mut out), None, "{body}");
            assert_eq!(out, "kept");
        }
        let mut out = String::new();
        assert!(write("# A\n\n## B\n", &headings, &[], &mut out).is_some());
    }
}
