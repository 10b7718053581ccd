//! The preview's HTTP side: answers from the in-memory output only, so no request can reach a
//! file outside the site; shows the error overlay on every page while the content has errors.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;

use super::preview::{Files, Served};

/// What the server answers with; replaced whole after each rebuild.
#[derive(Clone)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// The search index (`pagefind/...`), built in the background and swapped in on its own.
    pub search: Arc<Files>,
    /// Search is on and its first index is still being built: a request for `pagefind/...`
    /// waits for it rather than failing, since a page's search loads the index once.
    pub search_coming: bool,
    /// `base_url`'s path: the site is served below it.
    pub base_path: String,
    /// HTML shown on every page while the content has errors.
    pub overlay: Option<String>,
}

pub type Shared = Arc<RwLock<Arc<Snapshot>>>;

/// The output key a request path names, or `None` for anything that tries to leave the site:
/// `..` (also percent-encoded), backslashes, NUL, encoded slashes.
pub fn key_of(path: &str, base_path: &str) -> Option<String> {
    let below = path
        .strip_prefix(base_path)
        .or_else(|| (path.to_string() + "/").eq(base_path).then_some(""))?;
    // An encoded slash is not a folder separator, and no file of ours has one in its name.
    let lower = below.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(below)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') || decoded.starts_with('/') {
        return None;
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return None;
    }
    let mut key = decoded.into_owned();
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    Some(key)
}

/// The largest header block answered. hyper's own limit (about 400 KB) is only checked between
/// reads, so a request that arrives whole in one read can pass it; this one always holds.
/// Browsers send a few KB.
const MAX_HEADER_BYTES: usize = 64 * 1024;

pub async fn handle(state: Shared, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large\n",
        )
            .into_response();
    }
    let mut snapshot = current(&state);
    let path = uri.path();
    let Some(key) = key_of(path, &snapshot.base_path) else {
        return not_found(&snapshot);
    };
    if snapshot.search_coming && key.starts_with("pagefind/") {
        snapshot = first_search_index(&state).await;
    }
    match snapshot
        .files
        .get(&key)
        .or_else(|| snapshot.search.get(&key))
    {
        Some(served) => respond(&snapshot, &key, served, StatusCode::OK).await,
        None if snapshot.files.contains_key(&format!("{key}/index.html")) => {
            // `/processes/x` -> `/processes/x/`, as a static host would, query kept.
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, format!("{path}/{query}"))
                .body(Body::empty())
                .unwrap_or_default()
        }
        None => not_found(&snapshot),
    }
}

fn current(state: &Shared) -> Arc<Snapshot> {
    match state.read() {
        Ok(guard) => Arc::clone(&guard),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

/// How long a request for the search index waits for the first index (README, `serve`): the
/// first index of a large handbook takes a while, and the page's search asks only once.
const SEARCH_PATIENCE: Duration = Duration::from_secs(120);

/// The snapshot once the first search index is served, or as it is after [`SEARCH_PATIENCE`].
async fn first_search_index(state: &Shared) -> Arc<Snapshot> {
    let started = tokio::time::Instant::now();
    loop {
        let snapshot = current(state);
        if !snapshot.search_coming || started.elapsed() >= SEARCH_PATIENCE {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn not_found(snapshot: &Snapshot) -> Response<Body> {
    let html = match snapshot.files.get("404.html") {
        Some(Served::Bytes(html)) => html,
        _ => NO_404.as_bytes(),
    };
    html_response(snapshot, html, StatusCode::NOT_FOUND)
}

/// The answer for a path with no file while the site has no 404 page (its theme did not load
/// or render): a page all the same, so the overlay and the reload script reach the browser.
const NO_404: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
     <title>Not found</title></head><body><p>Not found.</p></body></html>\n";

async fn respond(
    snapshot: &Snapshot,
    key: &str,
    served: &Served,
    status: StatusCode,
) -> Response<Body> {
    let bytes = match served {
        Served::Bytes(bytes) => bytes.clone(),
        Served::File(path) => match tokio::fs::read(path).await {
            Ok(bytes) => bytes.into(),
            Err(_) => return not_found(snapshot),
        },
    };
    if key.ends_with(".html") {
        return html_response(snapshot, &bytes, status);
    }
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(mime.as_ref()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// Where tower-livereload serves the stream of reload events.
pub const RELOAD_PREFIX: &str = "/__handbook";

/// Reloads the page when the stream says the site changed, or when it comes back after the
/// server went away (restarted). Ours rather than tower-livereload's, which appends its script
/// after `</html>`: this one is written inside `<body>`, where a script belongs.
const RELOAD_SCRIPT: &str = concat!(
    "<script data-event-stream=\"/__handbook/event-stream\">(() => {\n",
    "  const stream = document.currentScript.dataset.eventStream;\n",
    "  addEventListener(\"pageshow\", () => {\n",
    "    const source = new EventSource(stream);\n",
    "    let lost = false;\n",
    "    const reload = () => { source.close(); location.reload(); };\n",
    "    source.addEventListener(\"reload\", reload);\n",
    "    source.addEventListener(\"error\", () => { lost = true; });\n",
    "    source.addEventListener(\"init\", () => { if (lost) reload(); });\n",
    "    addEventListener(\"pagehide\", () => source.close(), { once: true });\n",
    "  });\n",
    "})();</script>\n",
);

fn html_response(snapshot: &Snapshot, html: &[u8], status: StatusCode) -> Response<Body> {
    let html = String::from_utf8_lossy(html);
    let overlay = snapshot.overlay.as_deref().unwrap_or_default();
    let body = match html.rfind("</body>") {
        Some(at) => format!("{}{overlay}{RELOAD_SCRIPT}{}", &html[..at], &html[at..]),
        None => format!("{html}{overlay}{RELOAD_SCRIPT}"),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::{RELOAD_PREFIX, RELOAD_SCRIPT, key_of};

    #[test]
    fn the_reload_script_listens_where_the_events_are() {
        assert!(RELOAD_SCRIPT.contains(&format!("\"{RELOAD_PREFIX}/event-stream\"")));
    }

    #[test]
    fn keys_never_leave_the_site() {
        assert_eq!(key_of("/", "/").as_deref(), Some("index.html"));
        assert_eq!(key_of("/a/b/", "/").as_deref(), Some("a/b/index.html"));
        assert_eq!(
            key_of("/handbook.css", "/").as_deref(),
            Some("handbook.css")
        );
        assert_eq!(key_of("/hb/a/", "/hb/").as_deref(), Some("a/index.html"));
        assert_eq!(key_of("/hb", "/hb/").as_deref(), Some("index.html"));
        assert_eq!(key_of("/a/", "/hb/"), None);
        // Names as on disk, from the URLs handbook writes for them (crate::url).
        for (url, key) in [
            ("/my%20page/", "my page/index.html"),
            ("/c%23-tips/", "c#-tips/index.html"),
            ("/faq%3F/", "faq?/index.html"),
            ("/100%25-club/", "100%-club/index.html"),
            ("/%C3%BCberblick/", "überblick/index.html"),
            ("/a%2Bb.png", "a+b.png"),
            ("/a+b.png", "a+b.png"),
        ] {
            assert_eq!(key_of(url, "/").as_deref(), Some(key), "{url}");
        }
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a%2fb",
            "/a\\..\\b",
            "/%5c..%5cb",
            "//etc/passwd",
            "/a/./b",
            "/%00",
        ] {
            assert_eq!(key_of(bad, "/"), None, "{bad}");
        }
    }
}
