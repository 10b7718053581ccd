//! Links in the output: every resolved link becomes its target's published URL, with
//! `base_url` applied and the query and fragment kept.

use pulldown_cmark_escape::escape_href;

use super::context::Links;
use crate::model::{PageIdx, Slot};
use crate::resolve::{Site, Target};
use crate::url;

/// The URL that link `n` of page `i` is published as: its target's URL ([`Site::page_url`],
/// encoded once there), with the query as written and the fragment naming the anchor's exact
/// id. A link that does not resolve (only rendered at all by `serve`, which shows the last
/// good output and an error overlay) keeps what was written. `links`: the site's, whose
/// URLs are made once per page.
pub fn link_url(site: &Site, links: &Links, i: PageIdx, n: usize) -> String {
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
                ""
            } else {
                &links.url(site, *to)
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
            with_suffix(
                &site.config.url(path),
                query.as_deref(),
                fragment.as_deref(),
            )
        }
        // `check` reports it and nothing with an error is rendered; should a page with one
        // ever be, the link goes nowhere rather than running code.
        Some(Target::Unsafe { .. }) => String::new(),
        _ => link.dest.clone(),
    }
}

/// `base?query#fragment`; the fragment is already encoded. Made at its length at once.
fn with_suffix(base: &str, query: Option<&str>, fragment: Option<&str>) -> String {
    let query = query.map(url::written);
    let suffix = |part: Option<&str>| part.map_or(0, |p| 1 + p.len());
    let mut href = String::with_capacity(base.len() + suffix(query.as_deref()) + suffix(fragment));
    href.push_str(base);
    if let Some(query) = query {
        href.push('?');
        href.push_str(&query);
    }
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(fragment);
    }
    href
}

/// The URL of each link of page `i` ([`link_url`]), in order: made once per page, for its
/// body and its fingerprint.
pub fn link_urls(site: &Site, links: &Links, i: PageIdx) -> Vec<String> {
    (0..site.pages[i].links.len())
        .map(|n| link_url(site, links, i, n))
        .collect()
}

/// A page's body, as HTML with its link `slots`, with each slot replaced by its link's escaped
/// URL in `urls` ([`link_urls`]).
pub fn rewrite_body(html: &str, slots: &[Slot], urls: &[String]) -> String {
    splice(html, slots, |n| urls.get(n).map_or("", String::as_str))
}

/// Writes `url(link)`, escaped for an attribute, over each slot of a body's `html`: by byte
/// range, so no text of the page is ever looked at.
pub fn splice<S: AsRef<str>>(
    html: &str,
    slots: &[Slot],
    mut url: impl FnMut(usize) -> S,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut last = 0;
    for slot in slots {
        let (Some(before), true) = (
            html.get(last..slot.bytes.start),
            html.is_char_boundary(slot.bytes.end),
        ) else {
            continue;
        };
        out.push_str(before);
        // Writing to a String cannot fail.
        let _ = escape_href(&mut out, url(slot.link).as_ref());
        last = slot.bytes.end;
    }
    out.push_str(html.get(last..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use pulldown_cmark_escape::escape_html_body_text;

    use super::splice;
    use crate::load::markdown::parse;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        let _ = escape_html_body_text(&mut out, text);
        out
    }

    /// Text a page may hold, weighted toward what looks like a placeholder or a link.
    fn text(plain: &'static str) -> impl Strategy<Value = String> {
        prop_oneof![
            2 => proptest::string::string_regex(plain).unwrap(),
            1 => Just("@hb@0@".to_string()),
            1 => Just("@hb@1@ @hb@2@".to_string()),
            1 => (0..1000usize).prop_map(|n| format!("@hb@{n}@")),
            1 => Just("href=\"x.md\" src=\"y.png\"".to_string()),
        ]
    }

    proptest! {
        /// Whatever a page says in prose, code spans and code blocks is published as written
        /// (HTML-escaped), and exactly the links are rewritten.
        #[test]
        fn user_text_survives_and_links_are_rewritten(
            prose in text("[a-zA-Z0-9@.,:;/?=%$'\"() ]{0,30}"),
            code in text("[^`~\r\n\x00 ][^`~\r\n\x00]{0,30}[^`~\r\n\x00 ]"),
            block in text("[^`~\r\x00]{0,60}"),
        ) {
            let source = format!(
                "[a](x.md) A{prose}Z `{code}` [b](y.md)\n\n```\n{block}\n```\n\n<p><a\n href=\"z.md\">c</a></p>\n"
            );
            let parsed = parse(&source, true);
            let html = splice(&parsed.body.html, &parsed.body.slots, |n| format!("/~u{n}/"));
            prop_assert!(html.contains(&format!("A{}Z", escaped(&prose))), "{html}");
            prop_assert!(html.contains(&format!("<code>{}</code>", escaped(&code))), "{html}");
            prop_assert!(html.contains(&escaped(&format!("{block}\n"))), "{html}");
            for (n, link) in ["href=\"/~u0/\">a", "href=\"/~u1/\">b", "href=\"/~u2/\">c"].iter().enumerate() {
                prop_assert!(html.contains(link), "link {n}: {html}");
            }
            // `~` is in no user text above: every `/~u` is a rewritten link.
            prop_assert_eq!(html.matches("/~u").count(), 3, "{}", html);
        }
    }
}
