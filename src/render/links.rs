//! Links in the output: every resolved link becomes its target's published URL, with
//! `base_url` applied and the query and fragment kept.

use pulldown_cmark_escape::escape_href;

use crate::load::markdown::replace_markers;
use crate::model::PageIdx;
use crate::resolve::{Site, Target};
use crate::url;

/// The URL that link `n` of page `i` is published as: its target's URL ([`Site::page_url`],
/// encoded once there), with the query as written and the fragment naming the anchor's exact
/// id. A link that does not resolve (only rendered at all by `serve`, which shows the last
/// good output and an error overlay) keeps what was written.
pub fn link_url(site: &Site, i: PageIdx, n: usize) -> String {
    let page = &site.pages[i];
    let Some(link) = page.links.get(n) else {
        return String::new();
    };
    match site.targets[i].get(n) {
        Some(Target::Page {
            page: to,
            fragment,
            query,
        }) => {
            // A fragment alone stays on the page, whatever URL the page is served at.
            let base = if *to == i && fragment.is_some() && query.is_none() {
                String::new()
            } else {
                site.page_url(*to)
            };
            let fragment = fragment.as_deref().map(url::fragment);
            with_suffix(base, query.as_deref(), fragment.as_deref())
        }
        Some(Target::File {
            path,
            query,
            fragment,
        }) => {
            let fragment = fragment.as_deref().map(url::written);
            with_suffix(site.config.url(path), query.as_deref(), fragment.as_deref())
        }
        // `check` reports it and nothing with an error is rendered; should a page with one
        // ever be, the link goes nowhere rather than running code.
        Some(Target::Unsafe { .. }) => String::new(),
        _ => link.dest.clone(),
    }
}

/// `url?query#fragment`; the fragment is already encoded.
fn with_suffix(mut href: String, query: Option<&str>, fragment: Option<&str>) -> String {
    if let Some(query) = query {
        href.push('?');
        href.push_str(&url::written(query));
    }
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(fragment);
    }
    href
}

/// The page's body with link markers replaced by escaped URLs.
pub fn rewrite_body(site: &Site, i: PageIdx) -> String {
    replace_markers(&site.pages[i].body_html, |n| {
        let mut escaped = String::new();
        // Writing to a String cannot fail.
        let _ = escape_href(&mut escaped, &link_url(site, i, n));
        escaped
    })
}
