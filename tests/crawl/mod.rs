//! The oracle for links: a built site served over real HTTP and crawled as a browser follows
//! links. For every `href`/`src` of every page (and every URL of `sitemap.xml`), the value is
//! resolved against the page's URL with the `url` crate (WHATWG's parser, as browsers use),
//! must be a valid URL as written, is split at `#`, requested (redirects followed), and must
//! answer 200; its fragment, percent-decoded, must be exactly the `id` of an element (or the
//! `name` of an `<a>`) of the HTML that arrives, parsed with an HTML5 parser (`scraper`).
//!
//! [`crawl_dir`] serves a folder with tower-http's `ServeDir` (a static host: it percent-decodes
//! the path, answers a folder with its `index.html`, redirects `/x` to `/x/`); [`crawl`] crawls
//! any running server, such as `handbook serve`.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::path::Path;
use std::time::Duration;

use axum::http::{Uri, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use scraper::{Html, Selector};
use url::Url;

/// More pages than any test site has: the crawl is bounded whatever the output holds.
const MAX_DOCUMENTS: usize = 20_000;
const MAX_REDIRECTS: usize = 5;
const PATIENCE: Duration = Duration::from_secs(30);

/// What a crawl found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every URL (without fragment) requested that answered 200, as requested.
    pub fetched: BTreeSet<String>,
    /// How many internal links were followed, and how many of them carried a fragment.
    pub links: usize,
    pub fragments: usize,
    /// One line per link that does not arrive: the page, the value as written, and why.
    pub failures: Vec<String>,
}

impl Report {
    /// Panics with every failure, or when the crawl saw fewer than `min_links` links.
    pub fn assert_clean(&self, min_links: usize) {
        assert!(
            self.failures.is_empty(),
            "{} of {} links do not arrive:\n{}",
            self.failures.len(),
            self.links,
            self.failures.join("\n")
        );
        assert!(
            self.links >= min_links,
            "only {} links followed (expected at least {min_links}); pages: {:#?}",
            self.links,
            self.fetched
        );
    }

    /// Panics unless every one of `paths` (URL paths as a browser requests them) was fetched.
    pub fn assert_fetched(&self, origin: &str, paths: &[&str]) {
        for path in paths {
            let url = format!("{origin}{path}");
            assert!(
                self.fetched.contains(&url),
                "{url} was never reached; fetched:\n{}",
                self.fetched
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

/// Serves the folder `www` (which holds the site at `base_path`, `/` or `/handbook/`) as a
/// static host would and crawls it from its home page, its 404 page, the URLs of its
/// `sitemap.xml` and `extra` paths (alias redirects, which nothing links to). Returns the
/// report and the origin (`http://127.0.0.1:PORT`).
pub fn crawl_dir(www: &Path, base_path: &str, extra: &[&str]) -> (Report, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(www));
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let report = crawl(&origin, base_path, extra).await;
        server.abort();
        (report, origin)
    })
}

/// Crawls the site at `origin` + `base_path` (see [`crawl_dir`]).
pub async fn crawl(origin: &str, base_path: &str, extra: &[&str]) -> Report {
    let mut crawler = Crawler::new();
    let home = Url::parse(&format!("{origin}{base_path}")).unwrap();
    let mut seeds = vec![home.clone(), home.join("404.html").unwrap()];
    for path in extra {
        seeds.push(Url::parse(&format!("{origin}{path}")).unwrap());
    }
    let sitemap = home.join("sitemap.xml").unwrap();
    match crawler.fetch(&sitemap).await {
        Fetched::Ok { body, .. } => {
            let xml = String::from_utf8_lossy(&body).into_owned();
            for loc in sitemap_locs(&xml) {
                crawler.follow(&sitemap, &loc).await;
                if let Ok(url) = home.join(&loc) {
                    seeds.push(url);
                }
            }
        }
        other => crawler.fail(&sitemap, "sitemap.xml", &format!("{other:?}")),
    }
    let mut queue: VecDeque<Url> = seeds.into();
    let mut crawled: HashSet<Url> = HashSet::new();
    while let Some(page) = queue.pop_front() {
        if crawled.len() >= MAX_DOCUMENTS {
            crawler.fail(&page, "", "the crawl stopped at its bound");
            break;
        }
        if !crawled.insert(page.clone()) {
            continue;
        }
        let Some(document) = crawler.document(&page).await else {
            crawler.fail(&page, "", "a page to crawl does not answer 200 with HTML");
            continue;
        };
        let base = document.url.clone();
        for value in document.links.clone() {
            if let Some(next) = crawler.follow(&base, &value).await {
                queue.push_back(next);
            }
        }
    }
    crawler.report
}

/// What one request gave, redirects followed.
#[derive(Debug, Clone)]
enum Fetched {
    Ok {
        /// Where the redirects ended.
        url: Url,
        html: bool,
        body: Bytes,
    },
    Status(u16),
    Error(String),
}

/// A parsed HTML document: its URL, the ids it offers and the links it holds.
#[derive(Debug, Clone)]
struct Document {
    url: Url,
    ids: HashSet<String>,
    links: Vec<String>,
}

struct Crawler {
    client: Client<HttpConnector, Empty<Bytes>>,
    /// Responses by URL without fragment.
    responses: BTreeMap<Url, Fetched>,
    documents: BTreeMap<Url, Option<Document>>,
    report: Report,
}

impl Crawler {
    fn new() -> Crawler {
        Crawler {
            client: Client::builder(TokioExecutor::new()).build_http(),
            responses: BTreeMap::new(),
            documents: BTreeMap::new(),
            report: Report::default(),
        }
    }

    fn fail(&mut self, page: &Url, value: &str, why: &str) {
        self.report
            .failures
            .push(format!("{page}: `{value}`: {why}"));
    }

    /// Follows one link of `page` as a browser would; returns the document to crawl next when
    /// it is an internal HTML page.
    async fn follow(&mut self, page: &Url, value: &str) -> Option<Url> {
        let violations = RefCell::new(Vec::new());
        let parsed = Url::options()
            .base_url(Some(page))
            .syntax_violation_callback(Some(&|v| violations.borrow_mut().push(v.description())))
            .parse(value);
        let target = match parsed {
            Ok(url) => url,
            Err(e) => {
                self.fail(page, value, &format!("not a URL: {e}"));
                return None;
            }
        };
        if !matches!(target.scheme(), "http" | "https") || target.origin() != page.origin() {
            return None;
        }
        self.report.links += 1;
        let violations = violations.into_inner();
        if !violations.is_empty() {
            self.fail(
                page,
                value,
                &format!("not a valid URL as written: {}", violations.join(", ")),
            );
        }
        let mut document_url = target.clone();
        document_url.set_fragment(None);
        let fetched = self.fetch(&document_url).await;
        let Fetched::Ok { html, .. } = fetched else {
            self.fail(page, value, &format!("{target} answers {fetched:?}"));
            return None;
        };
        // A fragment of another kind of file (a PDF's `#page=2`) is that viewer's business.
        if let Some(fragment) = target.fragment().filter(|f| html && !f.is_empty()) {
            self.report.fragments += 1;
            let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8();
            let ids = match self.document(&document_url).await {
                Some(document) => document.ids,
                None => HashSet::new(),
            };
            match decoded {
                Ok(id) if ids.contains(id.as_ref()) => {}
                Ok(id) => self.fail(
                    page,
                    value,
                    &format!("no element with the id `{id}` at {document_url}"),
                ),
                Err(_) => self.fail(page, value, "the fragment does not decode to UTF-8"),
            }
        }
        html.then_some(document_url)
    }

    /// The HTML document at `url`, parsed once.
    async fn document(&mut self, url: &Url) -> Option<Document> {
        if let Some(document) = self.documents.get(url) {
            return document.clone();
        }
        let document = match self.fetch(url).await {
            Fetched::Ok {
                url: at,
                html: true,
                body,
            } => Some(parse(at, &String::from_utf8_lossy(&body))),
            _ => None,
        };
        self.documents.insert(url.clone(), document.clone());
        document
    }

    /// GETs `url` (no fragment), following redirects as a browser does; cached.
    async fn fetch(&mut self, url: &Url) -> Fetched {
        if let Some(fetched) = self.responses.get(url) {
            return fetched.clone();
        }
        let mut at = url.clone();
        let mut fetched = Fetched::Error("too many redirects".into());
        for _ in 0..=MAX_REDIRECTS {
            match self.get(&at).await {
                Ok((status, location, _, _)) if (300..400).contains(&status) => {
                    match location.and_then(|l| at.join(&l).ok()) {
                        Some(next) => at = next,
                        None => {
                            fetched = Fetched::Status(status);
                            break;
                        }
                    }
                }
                Ok((200, _, html, body)) => {
                    fetched = Fetched::Ok {
                        url: at.clone(),
                        html,
                        body,
                    };
                    break;
                }
                Ok((status, ..)) => {
                    fetched = Fetched::Status(status);
                    break;
                }
                Err(e) => {
                    fetched = Fetched::Error(e);
                    break;
                }
            }
        }
        if matches!(fetched, Fetched::Ok { .. }) {
            self.report.fetched.insert(url.to_string());
        }
        self.responses.insert(url.clone(), fetched.clone());
        fetched
    }

    /// One request: status, `Location`, whether the body is HTML, and the body.
    async fn get(&self, url: &Url) -> Result<(u16, Option<String>, bool, Bytes), String> {
        let uri: Uri = url.as_str().parse().map_err(|e| format!("{e}"))?;
        let response = tokio::time::timeout(PATIENCE, self.client.get(uri))
            .await
            .map_err(|_| "timed out".to_string())?
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(header::LOCATION);
        let html = header(header::CONTENT_TYPE).is_some_and(|t| t.starts_with("text/html"));
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, location, html, body))
    }
}

/// The ids a browser can scroll to (any element's `id`, an `<a>`'s `name`) and every link:
/// `href` and `src` of any element, and a `<meta http-equiv="refresh">` URL.
fn parse(url: Url, text: &str) -> Document {
    let html = Html::parse_document(text);
    let all = Selector::parse("*").unwrap();
    let mut ids = HashSet::new();
    let mut links = Vec::new();
    for element in html.select(&all) {
        let element = element.value();
        if let Some(id) = element.attr("id") {
            ids.insert(id.to_string());
        }
        if element.name() == "a"
            && let Some(name) = element.attr("name")
        {
            ids.insert(name.to_string());
        }
        for attr in ["href", "src"] {
            if let Some(value) = element.attr(attr) {
                links.push(value.to_string());
            }
        }
        if element.name() == "meta"
            && element
                .attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            && let Some(content) = element.attr("content")
            && let Some((_, to)) = content.split_once("url=")
        {
            links.push(to.trim().to_string());
        }
    }
    Document { url, ids, links }
}

/// The `<loc>` values of a sitemap, entities decoded.
fn sitemap_locs(xml: &str) -> Vec<String> {
    let document = Html::parse_document(xml);
    let loc = Selector::parse("loc").unwrap();
    document
        .select(&loc)
        .map(|l| l.text().collect::<String>())
        .collect()
}
