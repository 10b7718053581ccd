//! Relative URLs (`build --relative-urls`, README "Opening the site from disk"): every URL a
//! page writes from the site's root (`/processes/x/#goal`, `/handbook.css`) is rewritten
//! relative to the page's own file (`../../processes/x/index.html#goal`), with `index.html`
//! spelled out, since a browser reading files does not look for it in a folder. The site then
//! opens from any folder, from disk or from any host.
//!
//! The rendered HTML is read with the same tokenizer as raw HTML in pages (`html5gum`): the
//! `href` and `src` of every element, and the `url=` of a `<meta http-equiv="refresh">`.
//! Text, scripts and comments are never touched.

use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};

/// `html`, the page written at output path `file` (`processes/x/index.html`), with every
/// root-relative URL in it made relative to `file`.
pub fn rewrite(file: &str, html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    for range in root_urls(html) {
        let Some(url) = html.get(range.clone()) else {
            continue;
        };
        out.push_str(&html[done..range.start]);
        out.push_str(&relative(file, url));
        done = range.end;
    }
    out.push_str(&html[done..]);
    out
}

/// `url` (`/a/b/?q#f`, from the site's root) as seen from the file at output path `file`.
pub fn relative(file: &str, url: &str) -> String {
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(split);
    let path = path.trim_start_matches('/');
    let from: Vec<&str> = file.split('/').collect();
    let from = &from[..from.len() - 1];
    let to: Vec<&str> = path.split('/').collect();
    let (to_dirs, to_name) = to.split_at(to.len() - 1);
    let common = from.iter().zip(to_dirs).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for dir in &to_dirs[common..] {
        out.push_str(dir);
        out.push('/');
    }
    let own_folder = out.is_empty() && file.rsplit('/').next() == Some("index.html");
    match to_name[0] {
        // A link into the page itself keeps only its fragment or query.
        "" if own_folder && !rest.is_empty() => {}
        // A folder: its page.
        "" => out.push_str("index.html"),
        name => out.push_str(name),
    }
    out.push_str(rest);
    out
}

/// Where the root-relative URLs of `html` are written: raw attribute values that start with
/// one `/` (not `//host`), in order.
fn root_urls(html: &str) -> Vec<std::ops::Range<usize>> {
    let mut meta = false;
    let mut wanted = None;
    let emitter = CallbackEmitter::new(
        move |event: CallbackEvent<'_>, span: html5gum::Span<usize>| -> Option<(bool, usize)> {
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    meta = name == b"meta";
                    wanted = None;
                }
                CallbackEvent::AttributeName { name } => {
                    wanted = match name {
                        b"href" | b"src" => Some(false),
                        b"content" if meta => Some(true),
                        _ => None,
                    };
                }
                CallbackEvent::AttributeValue { value } => {
                    let refresh = wanted.take()?;
                    let starts = |v: &[u8]| v.starts_with(b"/") && !v.starts_with(b"//");
                    let wanted = if refresh {
                        refresh_url(value).is_some_and(|at| starts(&value[at..]))
                    } else {
                        starts(value)
                    };
                    return wanted.then_some((refresh, span.start));
                }
                _ => {}
            }
            None
        },
    );
    let mut emitter = emitter;
    emitter.naively_switch_states(true);
    let mut ranges = Vec::new();
    for (refresh, reported) in Tokenizer::new_with_emitter(html, emitter).flatten() {
        let start = crate::load::raw_html::raw_value_start(html, reported);
        let end = crate::load::raw_html::raw_value_end(html, start);
        let Some(raw) = html.get(start..end) else {
            continue;
        };
        // Our URLs are percent-encoded and escaped where written, so the raw value is the URL
        // (`&amp;` in a query aside, which stays as written).
        let start = if refresh {
            match refresh_url(raw.as_bytes()) {
                Some(at) => start + at,
                None => continue,
            }
        } else {
            start
        };
        if html[start..end].starts_with('/') {
            ranges.push(start..end);
        }
    }
    ranges
}

/// Where the URL starts in a refresh's `content` (`0; url=/x/`).
fn refresh_url(content: &[u8]) -> Option<usize> {
    let lower = content.to_ascii_lowercase();
    let at = lower.windows(4).position(|w| w == b"url=")? + 4;
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_the_root_become_relative_to_the_file() {
        for (file, url, want) in [
            ("index.html", "/", "index.html"),
            ("index.html", "/handbook.css", "handbook.css"),
            ("index.html", "/processes/x/", "processes/x/index.html"),
            ("processes/x/index.html", "/", "../../index.html"),
            (
                "processes/x/index.html",
                "/handbook.css",
                "../../handbook.css",
            ),
            (
                "processes/x/index.html",
                "/processes/y/#goal",
                "../y/index.html#goal",
            ),
            ("processes/x/index.html", "/processes/x/#goal", "#goal"),
            ("processes/x/index.html", "/processes/x/", "index.html"),
            (
                "processes/x/index.html",
                "/processes/x/a%20b.png",
                "a%20b.png",
            ),
            ("old.html", "/new/?q=1", "new/index.html?q=1"),
            ("index.html", "/#top", "#top"),
        ] {
            assert_eq!(relative(file, url), want, "{url} from {file}");
        }
    }

    #[test]
    fn only_root_relative_attribute_values_change() {
        let html = "<link href=\"/handbook.css\"><a href=\"//cdn.example/x\">x</a>\
                    <a href=\"https://example.com/\">e</a><a href='/a/#b'>/a/</a>\
                    <script>var u = \"/x/\";</script><!-- <a href=\"/c/\"> -->\
                    <img src=/p.png alt=\"/not/\"><meta http-equiv=\"refresh\" content=\"0; url=/new/\">";
        assert_eq!(
            rewrite("a/b/index.html", html),
            "<link href=\"../../handbook.css\"><a href=\"//cdn.example/x\">x</a>\
             <a href=\"https://example.com/\">e</a><a href='../index.html#b'>/a/</a>\
             <script>var u = \"/x/\";</script><!-- <a href=\"/c/\"> -->\
             <img src=../../p.png alt=\"/not/\"><meta http-equiv=\"refresh\" content=\"0; url=../../new/index.html\">"
        );
    }
}
