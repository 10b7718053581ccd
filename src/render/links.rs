//! Links in the output: every resolved link becomes its target's published URL, with
//! `base_url` applied and the fragment kept.

use pulldown_cmark_escape::escape_href;

use crate::model::PageIdx;
use crate::resolve::{Site, Target};

/// The URL that link `n` of page `i` is published as. A link that does not resolve (only
/// rendered at all by `serve`, which shows the last good output and an error overlay) keeps
/// what was written.
pub fn link_url(site: &Site, i: PageIdx, n: usize) -> String {
    let page = &site.pages[i];
    let Some(link) = page.links.get(n) else {
        return String::new();
    };
    match site.targets[i].get(n) {
        Some(Target::Page { page: to, fragment }) => {
            let mut url = if *to == i && fragment.is_some() {
                String::new()
            } else {
                site.page_url(*to)
            };
            if let Some(fragment) = fragment {
                url.push('#');
                url.push_str(fragment);
            }
            url
        }
        Some(Target::File { path }) => site.config.url(path),
        // `check` reports it and nothing with an error is rendered; should a page with one
        // ever be, the link goes nowhere rather than running code.
        Some(Target::Unsafe { .. }) => String::new(),
        _ => link.dest.clone(),
    }
}

/// The page's body with each link slot replaced by its escaped URL, by byte range.
pub fn rewrite_body(site: &Site, i: PageIdx) -> String {
    let body = &site.pages[i].body;
    let mut out = String::with_capacity(body.html.len() + body.html.len() / 8);
    let mut last = 0;
    for slot in &body.slots {
        let (Some(before), true) = (
            body.html.get(last..slot.bytes.start),
            body.html.is_char_boundary(slot.bytes.end),
        ) else {
            continue;
        };
        out.push_str(before);
        // Writing to a String cannot fail.
        let _ = escape_href(&mut out, &link_url(site, i, slot.link));
        last = slot.bytes.end;
    }
    out.push_str(body.html.get(last..).unwrap_or_default());
    out
}
