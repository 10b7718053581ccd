//! How handbook writes URLs: percent-encoding, in one place. Pages, files and folders keep their
//! names as they are on disk (the output folder of `c#-tips.md` is `c#-tips/`); every URL that
//! names them is encoded here, so a name with a space, `#`, `?`, `%` or any letter opens in a
//! browser and on any static host (README, "Pages, URLs, ids, kinds").
//!
//! Everything outside ASCII is written as UTF-8 percent-escapes, which every browser, host and
//! sitemap reader accepts; browsers show the letters again in the address bar.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a path segment may hold as it is: RFC 3986's unreserved characters and the
/// sub-delimiters that no common host treats specially. `%` (an escape), `?` (a query), `#`
/// (a fragment), `\` (a folder separator to browsers), `+` (a space to some hosts) and `;`
/// (parameters to some servers) are among what is encoded. `/` separates segments.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// What a fragment may hold as it is (RFC 3986: path characters, `/` and `?`). `%` is encoded,
/// so that a browser, which percent-decodes the fragment before it looks for the id, finds
/// exactly the id.
const FRAGMENT: &AsciiSet = &PATH.remove(b'?').remove(b'+').remove(b';');

/// What a URL cannot hold raw in a query or fragment written by the author (who writes URL
/// syntax, so `%` escapes stay as they are): controls, space, quotes and angle brackets.
const WRITTEN: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// A site path made of raw names (`my page/`, `c#-tips/`) as a URL path (`my%20page/`,
/// `c%23-tips/`).
pub fn path(raw: &str) -> Cow<'_, str> {
    utf8_percent_encode(raw, PATH).into()
}

/// An anchor id as the fragment of a URL (without the `#`): `über uns` -> `%C3%BCber%20uns`.
pub fn fragment(id: &str) -> Cow<'_, str> {
    utf8_percent_encode(id, FRAGMENT).into()
}

/// The URL of anchor `id` on the page at `page_url`: the id encoded once, as a fragment.
pub fn anchor(page_url: &str, id: &str) -> String {
    let fragment = fragment(id);
    let mut url = String::with_capacity(page_url.len() + 1 + fragment.len());
    url.push_str(page_url);
    url.push('#');
    url.push_str(&fragment);
    url
}

/// A query or fragment as the author wrote it, made a valid URL part: escapes are kept, only
/// what cannot appear raw is encoded.
pub fn written(part: &str) -> Cow<'_, str> {
    utf8_percent_encode(part, WRITTEN).into()
}

/// A site path written the way `written` (a link destination as its author wrote it) writes
/// letters beyond ASCII: as they are, unless it holds percent-escapes, which say its author
/// encodes. What a path segment cannot hold raw (space, `#`, `?`, `%`, ...) is encoded either
/// way. For the edits `handbook fix` and `handbook mv` make, so a link keeps its author's style.
pub fn path_like<'a>(raw: &'a str, written: &str) -> Cow<'a, str> {
    like(raw, written, PATH)
}

/// An anchor id as a fragment, written the way `written` writes letters ([`path_like`]).
pub fn fragment_like<'a>(id: &'a str, written: &str) -> Cow<'a, str> {
    like(id, written, FRAGMENT)
}

fn like<'a>(raw: &'a str, written: &str, set: &'static AsciiSet) -> Cow<'a, str> {
    if written.contains('%') || raw.is_ascii() {
        return utf8_percent_encode(raw, set).into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut buf = [0u8; 4];
    for c in raw.chars() {
        if c.is_ascii() {
            out.extend(utf8_percent_encode(c.encode_utf8(&mut buf), set));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Percent-decodes a URL part, leaving it as written when the bytes are not UTF-8.
pub fn decode(part: &str) -> Cow<'_, str> {
    // Every link's path and fragment is decoded; most hold no escape at all.
    if memchr::memchr(b'%', part.as_bytes()).is_none() {
        return Cow::Borrowed(part);
    }
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_what_a_path_segment_cannot_hold() {
        assert_eq!(path("processes/edge/"), "processes/edge/");
        assert_eq!(path("my page/"), "my%20page/");
        assert_eq!(path("c#-tips/"), "c%23-tips/");
        assert_eq!(path("faq?/"), "faq%3F/");
        assert_eq!(path("100%-club/"), "100%25-club/");
        assert_eq!(path("überblick/"), "%C3%BCberblick/");
        assert_eq!(path("a+b;c\\d/"), "a%2Bb%3Bc%5Cd/");
        assert_eq!(path("rock-&-roll_(live)~v1.2/"), "rock-&-roll_(live)~v1.2/");
        assert!(matches!(path("plain/path.png"), Cow::Borrowed(_)));
    }

    #[test]
    fn fragments_decode_back_to_the_id() {
        for id in ["überblick", "100%", "a b", "x#y", "q?=1", "%41", "emoji-🚚"] {
            let encoded = fragment(id);
            assert!(encoded.is_ascii() && !encoded.contains(' '), "{encoded}");
            assert_eq!(decode(&encoded), id);
        }
        assert_eq!(fragment("exit-criteria-1"), "exit-criteria-1");
    }

    #[test]
    fn written_parts_keep_their_escapes() {
        assert_eq!(written("src=x&y=%20z"), "src=x&y=%20z");
        assert_eq!(written("q=a b\"ü"), "q=a%20b%22%C3%BC");
    }

    #[test]
    fn edits_write_letters_as_the_link_does() {
        assert_eq!(path_like("über blick/", "../x.md"), "über%20blick/");
        assert_eq!(
            path_like("über blick/", "../%C3%A9.md"),
            "%C3%BCber%20blick/"
        );
        assert_eq!(path_like("c#-tips.md", "x.md"), "c%23-tips.md");
        assert_eq!(fragment_like("café", "guide.md#cafe"), "café");
        assert_eq!(fragment_like("café", "guide.md#caf%C3%A9x"), "caf%C3%A9");
    }

    #[test]
    fn decoding_leaves_bytes_that_are_not_utf8() {
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode("a%FFb"), "a%FFb");
    }
}
