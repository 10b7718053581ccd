//! Writes a page's Markdown events as HTML and records where each link destination lands, so
//! rendering can splice resolved URLs in by byte range ([`Body`]).
//!
//! Why not a textual placeholder: any marker written into the HTML can also be written by the
//! page (in prose, in a code block, as an entity), and a search for it then rewrites user text.
//! Here nothing is searched for in text the page wrote. pulldown-cmark's writer pulls events one
//! at a time and writes each before pulling the next, so the bytes written between handing it
//! event *k* and its asking for event *k+1* are exactly the output of event *k*. A link's start
//! event writes `<a href="DEST"` (an image `<img src="DEST"`): its destination is the attribute
//! at the start of those bytes, which no user text can reach. A unit of raw HTML is written
//! verbatim, so the attribute ranges found in it while loading ([`super::raw_html`]) hold at
//! the same offsets from where it starts. Where that does not hold (a link inside an image's alt
//! text is not written at all; raw HTML inside alt text is escaped) no slot is recorded, and the
//! destination stays as written.

use std::cell::Cell;
use std::fmt;
use std::ops::Range;

use pulldown_cmark::Event;

use crate::model::{Body, Slot};

/// What an event carries that rendering must rewrite.
#[derive(Debug)]
pub enum Mark {
    /// The start of a Markdown link or image: link `n` of the page.
    Link(usize),
    /// A unit of raw HTML of `len` bytes, with the value ranges of its `href`/`src` attributes
    /// (relative to the unit) and the link each one is.
    Html {
        len: usize,
        slots: Vec<(Range<usize>, usize)>,
    },
}

/// Writes `events` as HTML. `marks` are (event index, mark), sorted by event index.
pub fn write(events: Vec<Event<'_>>, marks: Vec<(usize, Mark)>, capacity: usize) -> Body {
    let written = Cell::new(0);
    let mut html = String::with_capacity(capacity);
    let mut tracked = Tracked {
        events: events.into_iter().enumerate(),
        marks: marks.into_iter().peekable(),
        written: &written,
        open: None,
        outputs: Vec::new(),
    };
    let writer = Counting {
        out: &mut html,
        written: &written,
    };
    // Writing into a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(writer, &mut tracked);
    tracked.close();
    let outputs = tracked.outputs;

    let mut slots = Vec::new();
    for (mark, output) in outputs {
        match mark {
            Mark::Link(link) => {
                let Some(bytes) = destination(&html, output) else {
                    continue;
                };
                slots.push(Slot { bytes, link });
            }
            // Written verbatim exactly when the output has the unit's length: escaping (in an
            // image's alt text) lengthens any unit holding a tag, and one without a tag has no
            // slots.
            Mark::Html { len, slots: found } if output.len() == len => {
                slots.extend(found.into_iter().map(|(range, link)| Slot {
                    bytes: output.start + range.start..output.start + range.end,
                    link,
                }));
            }
            Mark::Html { .. } => {}
        }
    }
    Body { html, slots }
}

/// The destination attribute's value at the start of a link's or image's output.
fn destination(html: &str, output: Range<usize>) -> Option<Range<usize>> {
    let written = html.get(output.clone())?;
    let prefix = ["<a href=\"", "<img src=\""]
        .into_iter()
        .find(|p| written.starts_with(p))?;
    // The writer percent-encodes `"` in a destination, so the value ends at the next quote.
    let len = written[prefix.len()..].find('"')?;
    let start = output.start + prefix.len();
    Some(start..start + len)
}

/// A `fmt::Write` that shares how much has been written with the event iterator.
struct Counting<'a> {
    out: &'a mut String,
    written: &'a Cell<usize>,
}

impl fmt::Write for Counting<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.out.push_str(s);
        self.written.set(self.out.len());
        Ok(())
    }
}

/// Hands events to the writer and notes the output range of each marked one.
struct Tracked<'a, 'e, I: Iterator<Item = (usize, Event<'e>)>> {
    events: I,
    marks: std::iter::Peekable<std::vec::IntoIter<(usize, Mark)>>,
    written: &'a Cell<usize>,
    /// The marked event being written, and where its output started.
    open: Option<(Mark, usize)>,
    outputs: Vec<(Mark, Range<usize>)>,
}

impl<'e, I: Iterator<Item = (usize, Event<'e>)>> Tracked<'_, 'e, I> {
    fn close(&mut self) {
        if let Some((mark, start)) = self.open.take() {
            self.outputs.push((mark, start..self.written.get()));
        }
    }
}

impl<'e, I: Iterator<Item = (usize, Event<'e>)>> Iterator for Tracked<'_, 'e, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        // Asked for the next event: the previous one is fully written.
        self.close();
        let (index, event) = self.events.next()?;
        if self.marks.peek().is_some_and(|(at, _)| *at == index)
            && let Some((_, mark)) = self.marks.next()
        {
            self.open = Some((mark, self.written.get()));
        }
        Some(event)
    }
}
