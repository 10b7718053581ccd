//! Where one link points. The rules are README's "What `check` (and `build`) verify": relative
//! `.md` files and folders (relative to the page's file, as GitHub and editors preview them),
//! content-root `/x.md`, site URLs with or without `base_url`'s path, static files and assets
//! (a folder holding `index.html` too), fragments against heading ids, raw-HTML anchors and
//! stage ids. A destination is split as a browser splits a URL: the path, then `?query`, then
//! `#fragment`; the path and fragment are percent-decoded, the query is kept as written.

use unicode_normalization::UnicodeNormalization;

use crate::load::markdown::{is_external, unsafe_scheme};
use crate::model::{Page, PageIdx};
use crate::url;

use super::Site;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Another scheme (`https:`, `mailto:`), or a path under `external_paths` that names
    /// nothing of the handbook: not checked, published as written.
    External,
    /// `javascript:`, `vbscript:` or `data:`: runs code when followed, so never published.
    Unsafe { scheme: &'static str },
    Page {
        page: PageIdx,
        /// The anchor named, exactly as the page's id is written (the link's fragment may
        /// differ from it in Unicode normalisation only).
        fragment: Option<String>,
        /// The query as written (without `?`), kept on the published link.
        query: Option<String>,
    },
    /// A static file or an asset beside a page, by site path (`img/logo.png`; `demo/` for a
    /// folder's `index.html`), with the query and fragment as written (not checked: a file's
    /// fragment, such as a PDF's `#page=2`, is not an HTML id).
    File {
        path: String,
        query: Option<String>,
        fragment: Option<String>,
    },
    /// No page or file there. `wanted` is the content-relative path tried (for suggestions).
    Missing { wanted: String },
    /// The page exists but has no such anchor (the fragment, percent-decoded).
    MissingAnchor { page: PageIdx, fragment: String },
    /// A path that climbs above `content/` (relative) or above the site's root (absolute).
    OutsideRoot,
}

impl Target {
    /// The page this link names, for backlinks (even when only its anchor is wrong).
    pub fn page(&self) -> Option<PageIdx> {
        match self {
            Target::Page { page, .. } | Target::MissingAnchor { page, .. } => Some(*page),
            _ => None,
        }
    }
}

/// What the path of a destination names, before its query and fragment are considered.
enum Place {
    Page(PageIdx),
    File(String),
    Missing(String),
    OutsideRoot,
}

/// Resolves `dest`, written in page `from`.
pub fn resolve(site: &Site, from: PageIdx, dest: &str) -> Target {
    resolve_in(site, None, from, dest, &mut String::new())
}

/// Resolves every link of page `from`, in order (as [`Site::targets`] holds them), finding
/// anchors with `anchors` when given (it must be of the site's pages as they are). The paths
/// are joined in one buffer, so a link that resolves allocates only what its target keeps.
pub fn resolve_page(site: &Site, anchors: Option<&Anchors>, from: PageIdx) -> Vec<Target> {
    let mut joined = String::with_capacity(128);
    site.pages[from]
        .links
        .iter()
        .map(|link| resolve_in(site, anchors, from, &link.dest, &mut joined))
        .collect()
}

/// Every page's anchors ([`anchors`]) by a hash of their id, in a few tables: which anchor a
/// fragment names is then a look at a few words and one copy of the id, side by side in
/// memory, not a walk along the page's headings and stages (about a microsecond a link at
/// 10,000 pages, most of it waiting for memory), nor a chase through the page, its list of
/// anchors and the id's own allocation, each somewhere else in memory.
pub struct Anchors {
    /// Each of [`PAGES_PER_PART`] pages in turn, made on every thread at once.
    parts: Vec<Part>,
}

/// How many pages' anchors one table of [`Anchors`] holds.
const PAGES_PER_PART: usize = 512;

/// The anchors of [`PAGES_PER_PART`] pages (fewer in the last).
struct Part {
    /// Per page, where its entries start in `entries`; one more at the end.
    starts: Vec<u32>,
    /// Per page, sorted by hash: each anchor's hash and where its id is in `ids`.
    entries: Vec<Entry>,
    /// Every anchor id of these pages, one after another.
    ids: String,
}

/// One anchor in a [`Part`]: its id is `ids[start..start + len]`.
#[derive(Clone, Copy)]
struct Entry {
    hash: u32,
    start: u32,
    len: u32,
}

impl Anchors {
    /// The tables of `pages` (the site's pages as they are, in their order: they need not be
    /// resolved yet); `None` for a site whose anchors would not fit their 32-bit offsets (more
    /// than 4 GB of ids in one table), which then finds them by the walk.
    pub fn new(pages: &[Page]) -> Option<Anchors> {
        use rayon::prelude::*;
        let parts = pages
            .par_chunks(PAGES_PER_PART)
            .map(Part::new)
            .collect::<Option<Vec<Part>>>()?;
        Some(Anchors { parts })
    }

    /// The anchor of `page` whose id is `fragment`, byte for byte.
    fn exact(&self, page: PageIdx, fragment: &str) -> Option<&str> {
        let part = &self.parts[page / PAGES_PER_PART];
        let page = page % PAGES_PER_PART;
        let wanted = hash(fragment);
        let entries = &part.entries[part.starts[page] as usize..part.starts[page + 1] as usize];
        let first = entries.partition_point(|entry| entry.hash < wanted);
        entries[first..]
            .iter()
            .take_while(|entry| entry.hash == wanted)
            .map(|entry| &part.ids[entry.start as usize..][..entry.len as usize])
            .find(|&id| id == fragment)
    }
}

impl Part {
    fn new(pages: &[Page]) -> Option<Part> {
        let mut part = Part {
            starts: Vec::with_capacity(pages.len() + 1),
            entries: Vec::new(),
            ids: String::new(),
        };
        for page in pages {
            let first = part.entries.len();
            part.starts.push(u32::try_from(first).ok()?);
            for id in anchors_of(page) {
                part.entries.push(Entry {
                    hash: hash(id),
                    start: u32::try_from(part.ids.len()).ok()?,
                    len: u32::try_from(id.len()).ok()?,
                });
                part.ids.push_str(id);
            }
            part.entries[first..].sort_unstable_by_key(|entry| entry.hash);
        }
        part.starts.push(u32::try_from(part.entries.len()).ok()?);
        u32::try_from(part.ids.len()).ok()?;
        Some(part)
    }
}

fn hash(id: &str) -> u32 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(id.as_bytes());
    // The high bits of an Fx hash are its best mixed.
    (hasher.finish() >> 32) as u32
}

/// [`resolve`], joining paths in `joined` (its text on entry does not matter).
fn resolve_in(
    site: &Site,
    anchors: Option<&Anchors>,
    from: PageIdx,
    dest: &str,
    joined: &mut String,
) -> Target {
    if let Some(scheme) = unsafe_scheme(dest) {
        return Target::Unsafe { scheme };
    }
    if is_external(dest) {
        return Target::External;
    }
    let (path, query, fragment) = split(dest);
    let query = query.map(str::to_string);
    let path = url::decode(path);
    match locate(site, from, &path, joined) {
        Place::Page(page) => with_fragment(site, anchors, page, fragment, query),
        Place::File(path) => Target::File {
            path,
            query,
            fragment: fragment.map(str::to_string),
        },
        Place::Missing(_) | Place::OutsideRoot if served_elsewhere(site, from, &path) => {
            Target::External
        }
        Place::Missing(wanted) => Target::Missing { wanted },
        Place::OutsideRoot => Target::OutsideRoot,
    }
}

/// A destination split as a browser splits it: the path, then the query after the first `?`
/// before any `#`, then the fragment after the first `#`; an empty query or fragment is none.
fn split<'d>(dest: &'d str) -> (&'d str, Option<&'d str>, Option<&'d str>) {
    let Some(at) = memchr::memchr2(b'#', b'?', dest.as_bytes()) else {
        return (dest, None, None);
    };
    let (path, rest) = (&dest[..at], &dest[at + 1..]);
    let (query, fragment) = if dest.as_bytes()[at] == b'#' {
        (None, Some(rest))
    } else {
        match rest.split_once('#') {
            Some((query, fragment)) => (Some(query), Some(fragment)),
            None => (Some(rest), None),
        }
    };
    let some = |part: Option<&'d str>| part.filter(|p| !p.is_empty());
    (path, some(query), some(fragment))
}

/// What a percent-decoded path names, seen from page `from`. `joined` is scratch space.
fn locate(site: &Site, from: PageIdx, path: &str, joined: &mut String) -> Place {
    if path.is_empty() {
        return Place::Page(from);
    }
    if let Some(absolute) = path.strip_prefix('/') {
        // Normalised first, as a browser resolves `/a/../b/` before it asks for anything.
        if !join_into(joined, "", absolute) {
            return Place::OutsideRoot;
        }
        let normal = below_base(site, joined);
        return if normal.ends_with(".md") {
            page_file(site, normal)
        } else {
            site_url(site, normal)
        };
    }
    let page = &site.pages[from];
    let dir = memchr::memrchr(b'/', page.path.as_bytes()).map_or("", |at| &page.path[..at]);
    let by_file = join_into(joined, dir, path);
    if path.ends_with(".md") {
        return if by_file {
            page_file(site, joined)
        } else {
            Place::OutsideRoot
        };
    }
    // Read as GitHub shows the file first, then as a browser reads the published page
    // (README, "Relative links without `.md`").
    if let Some(found) = by_file.then(|| in_content(site, joined)).flatten() {
        return found;
    }
    let by_file = by_file.then(|| joined.clone());
    let url = by_url(site, from, path);
    if let Some(found) = url.as_deref().and_then(|url| match site_url(site, url) {
        Place::Missing(_) => None,
        found => Some(found),
    }) {
        return found;
    }
    // Out of `content/` only when both readings climb out (`../../x/` from `a/b.md` is `x/`
    // from the page's URL, `a/b/`).
    match (by_file, url) {
        (Some(joined), _) | (None, Some(joined)) => Place::Missing(joined),
        (None, None) => Place::OutsideRoot,
    }
}

/// The site path a relative link (without `.md`) names when read as a browser reads it, from
/// the page's published URL: from `a/b.md`, published at `a/b/`, `x/` is `a/b/x/`.
pub fn by_url(site: &Site, from: PageIdx, path: &str) -> Option<String> {
    join(&site.pages[from].url, path)
}

/// The path of a destination, as a browser splits it (before any `?` and `#`), decoded.
pub fn path_of(dest: &str) -> std::borrow::Cow<'_, str> {
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    url::decode(&dest[..end])
}

/// What content path `joined` names beside the page: a folder's page, an asset, or a folder
/// of assets holding `index.html`.
fn in_content(site: &Site, joined: &str) -> Option<Place> {
    if let Some(page) = site.folder_page(joined) {
        return Some(Place::Page(page));
    }
    if site.assets.is_empty() {
        return None;
    }
    if site.assets.contains(joined) {
        return Some(Place::File(joined.to_string()));
    }
    site.assets
        .contains(in_folder(joined, "index.html").as_str())
        .then(|| Place::File(as_folder(joined)))
}

/// Whether a link that names nothing of the handbook goes to a path served elsewhere
/// (`external_paths`), judged at the path a browser requests: an absolute path as written, a
/// relative one from the page's published URL. A `.md` link names a file of `content/`.
fn served_elsewhere(site: &Site, from: PageIdx, path: &str) -> bool {
    let external = &site.config.external_paths;
    let requested = match path.strip_prefix('/') {
        Some(absolute) => join("", absolute),
        None if path.ends_with(".md") => None,
        None => {
            let base = url::decode(site.config.base_path());
            join(&format!("{base}{}", site.pages[from].url), path)
        }
    };
    requested.is_some_and(|p| external.contains(&format!("/{p}")))
}

/// A site path with `base_url`'s path taken off, when it starts with it (links may be
/// written with or without it).
fn below_base<'a>(site: &Site, path: &'a str) -> &'a str {
    let base = url::decode(site.config.base_path());
    let base = base.trim_start_matches('/');
    if base.is_empty() {
        return path;
    }
    if path == base.trim_end_matches('/') {
        return "";
    }
    path.strip_prefix(base).unwrap_or(path)
}

fn page_file(site: &Site, path: &str) -> Place {
    match site.by_path.get(path) {
        Some(&page) => Place::Page(page),
        None => Place::Missing(path.to_string()),
    }
}

/// A site URL (`processes/x/`, `processes/x`, `processes/x/index.html`), a static file or
/// asset, or a folder holding an `index.html` among them (`demo/`, `demo`, `demo/index.html`).
fn site_url(site: &Site, url: &str) -> Place {
    // `x/index.html` is the folder `x/`; `xindex.html` is a file of its own.
    let url = match url.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => url,
    };
    let page = site.by_url.get(url).or_else(|| {
        if url.ends_with('/') || url.is_empty() {
            None
        } else {
            site.by_url.get(format!("{url}/").as_str())
        }
    });
    if let Some(&page) = page {
        return Place::Page(page);
    }
    let is_file = |path: &str| site.static_files.contains(path) || site.assets.contains(path);
    if is_file(url) {
        return Place::File(url.to_string());
    }
    if is_file(&in_folder(url, "index.html")) {
        return Place::File(as_folder(url));
    }
    // The generated tag pages (README, "Tags"): `tags/` and `tags/<slug>/` of a tag in use.
    if site.tag_pages {
        let folder = as_folder(url);
        let tag = folder
            .strip_prefix("tags/")
            .map(|t| t.trim_end_matches('/'));
        if tag.is_some_and(|t| t.is_empty() || site.tag_slugs.contains(t)) {
            return Place::File(folder);
        }
    }
    Place::Missing(url.to_string())
}

/// `name` inside folder `dir` (`a/b/` or `a/b`; `` is the root).
fn in_folder(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A folder's site path, `/`-terminated (`` for the root).
fn as_folder(dir: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

fn with_fragment(
    site: &Site,
    anchors: Option<&Anchors>,
    page: PageIdx,
    fragment: Option<&str>,
    query: Option<String>,
) -> Target {
    let Some(written) = fragment else {
        return Target::Page {
            page,
            fragment: None,
            query,
        };
    };
    let wanted = url::decode(written);
    let found = match anchors {
        // Only a fragment beyond ASCII may name an id in another normalisation.
        Some(anchors) => anchors.exact(page, &wanted).or_else(|| {
            (!wanted.is_ascii())
                .then(|| anchor(site, page, &wanted))
                .flatten()
        }),
        None => anchor(site, page, &wanted),
    };
    match found {
        Some(id) => Target::Page {
            page,
            fragment: Some(id.to_string()),
            query,
        },
        None => Target::MissingAnchor {
            page,
            fragment: wanted.into_owned(),
        },
    }
}

/// Every anchor a page offers: heading ids, raw-HTML `id`/`name`, footnotes, and stage ids.
pub fn anchors(site: &Site, page: PageIdx) -> impl Iterator<Item = &str> {
    anchors_of(&site.pages[page])
}

/// [`anchors`] of a page.
fn anchors_of(page: &Page) -> impl Iterator<Item = &str> {
    let stages = page
        .process()
        .map(|p| p.stages.as_slice())
        .unwrap_or_default();
    page.anchors
        .iter()
        .map(|a| a.id.as_str())
        .chain(stages.iter().map(|s| s.id.as_str()))
}

/// The anchor of `page` that a (percent-decoded) fragment names: the id equal to it, else one
/// equal to it once both are in Unicode NFC (`é` typed as one character or as `e` and an
/// accent). A browser compares bytes, so the published link names the id as the page writes
/// it, and works.
pub fn anchor<'s>(site: &'s Site, page: PageIdx, fragment: &str) -> Option<&'s str> {
    if let Some(id) = anchors(site, page).find(|&a| a == fragment) {
        return Some(id);
    }
    if fragment.is_ascii() {
        return None;
    }
    let wanted: String = fragment.nfc().collect();
    anchors(site, page).find(|a| !a.is_ascii() && a.nfc().eq(wanted.chars()))
}

/// Joins a relative path onto a folder, resolving `.` and `..`; `None` if it climbs above the root.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut joined = String::new();
    join_into(&mut joined, dir, relative).then_some(joined)
}

/// [`join`] into `joined` (cleared first); `false` if it climbs above the root. Every link
/// is joined, so this builds the path in place rather than as a list of segments.
fn join_into(joined: &mut String, dir: &str, relative: &str) -> bool {
    joined.clear();
    if let Some(inside) = join_plain(joined, dir, relative) {
        return inside;
    }
    // Any other shape (`join_plain` wrote nothing): the folder's segments are taken as they
    // are; only the relative path's `.` and `..` move.
    for part in segments(dir) {
        push_segment(joined, part);
    }
    for part in segments(relative) {
        match part {
            "." => {}
            ".." => match joined.bytes().rposition(|b| b == b'/') {
                Some(at) => joined.truncate(at),
                None if joined.is_empty() => return false,
                None => joined.clear(),
            },
            part => push_segment(joined, part),
        }
    }
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    true
}

/// [`join_into`] for the shape nearly every link has: a page's folder (no empty segment) and a
/// path that climbs with `../` (or stays with `./`) and then names a plain path, without an
/// empty, `.` or `..` segment (`../departments/d-1/index.md`). The folder and that path are
/// copied whole, not segment by segment. `None`, with nothing written, for any other shape,
/// which `join_into` then joins segment by segment.
fn join_plain(joined: &mut String, dir: &str, relative: &str) -> Option<bool> {
    // Byte loops: these paths are short, too short for a substring search to pay for starting.
    let folder = dir.as_bytes();
    if folder.first() == Some(&b'/')
        || folder.last() == Some(&b'/')
        || folder.windows(2).any(|pair| pair == b"//")
    {
        return None;
    }
    let mut rest = relative;
    let mut up = 0;
    loop {
        if let Some(after) = rest.strip_prefix("../") {
            up += 1;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("./") {
            rest = after;
        } else {
            break;
        }
    }
    let plain = rest.strip_suffix('/').unwrap_or(rest);
    if !plain_segments(plain.as_bytes()) {
        return None;
    }
    joined.push_str(dir);
    for _ in 0..up {
        match joined.bytes().rposition(|b| b == b'/') {
            Some(at) => joined.truncate(at),
            None if joined.is_empty() => return Some(false),
            None => joined.clear(),
        }
    }
    if !joined.is_empty() {
        joined.push('/');
    }
    joined.push_str(plain);
    if rest.ends_with('/') {
        joined.push('/');
    }
    Some(true)
}

/// Whether `path` is one or more `/`-separated segments, none of them empty, `.` or `..`.
fn plain_segments(path: &[u8]) -> bool {
    let mut start = 0;
    for end in (0..path.len())
        .filter(|&i| path[i] == b'/')
        .chain([path.len()])
    {
        if matches!(&path[start..end], b"" | b"." | b"..") {
            return false;
        }
        start = end + 1;
    }
    true
}

/// The non-empty segments of a `/`-separated path. A byte loop: link paths are short, too
/// short for a vectorised search to pay for starting.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let end = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
            let part = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            if !part.is_empty() {
                return Some(part);
            }
        }
    })
}

fn push_segment(joined: &mut String, segment: &str) {
    if !joined.is_empty() {
        joined.push('/');
    }
    joined.push_str(segment);
}

/// The relative path from folder `dir` to content path `to`, as an editor would write it.
pub fn relative(dir: &str, to: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// A resolved site of `pages` (path, Markdown), content `assets` and `static/` files.
    fn site(base_url: &str, pages: &[(&str, &str)], assets: &[&str], statics: &[&str]) -> Site {
        let pages = pages
            .iter()
            .filter_map(|(path, text)| crate::load::page(path, text, false).0)
            .collect();
        let config = Config::parse(&format!("base_url: {base_url}")).unwrap();
        let set = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        super::super::resolve(config, pages, set(assets), set(statics), false)
    }

    fn odd_site() -> Site {
        site(
            "/handbook/",
            &[
                ("index.md", "# Home\n"),
                (
                    "guide.md",
                    "# Guide\n\n## Café\n\n## Nai\u{308}ve\n\n<a id=\"top\"></a>\n",
                ),
                ("c#-tips.md", "# C# tips\n"),
                ("faq?.md", "# FAQ\n"),
                ("100%-club.md", "# Club\n"),
                ("my page.md", "# My page\n"),
            ],
            &["widget/index.html", "files/price list.pdf"],
            &["demo/index.html", "img/logo.png"],
        )
    }

    /// Where `dest`, written on the home page, points: a page's path with its query and
    /// anchor, a file, or the variant's name.
    fn at(site: &Site, dest: &str) -> String {
        let home = site.by_path["index.md"];
        match resolve(site, home, dest) {
            Target::Page {
                page,
                fragment,
                query,
            } => format!(
                "{}{}{}",
                site.pages[page].path,
                query.map(|q| format!("?{q}")).unwrap_or_default(),
                fragment.map(|f| format!("#{f}")).unwrap_or_default()
            ),
            Target::File { path, .. } => format!("file {path}"),
            Target::Missing { wanted } => format!("missing {wanted}"),
            Target::MissingAnchor { fragment, .. } => format!("no anchor {fragment}"),
            Target::OutsideRoot => "outside".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn odd_names_are_written_percent_encoded() {
        let site = odd_site();
        assert_eq!(at(&site, "c%23-tips.md"), "c#-tips.md");
        assert_eq!(at(&site, "faq%3F.md"), "faq?.md");
        assert_eq!(at(&site, "100%25-club.md"), "100%-club.md");
        assert_eq!(at(&site, "100%-club.md"), "100%-club.md");
        assert_eq!(at(&site, "my%20page.md"), "my page.md");
        assert_eq!(at(&site, "/c%23-tips/"), "c#-tips.md");
        assert_eq!(at(&site, "/handbook/faq%3F"), "faq?.md");
        // Raw, `#` and `?` start the fragment and the query, as in a browser.
        assert_eq!(at(&site, "c#-tips.md"), "missing c");
        assert_eq!(at(&site, "faq?.md"), "missing faq");
    }

    #[test]
    fn generated_tag_pages_are_link_targets() {
        let site = site(
            "/",
            &[
                ("index.md", "# Home\n"),
                ("guide.md", "---\ntags: [Deal Desk]\n---\n# Guide\n"),
            ],
            &[],
            &[],
        );
        assert_eq!(at(&site, "/tags/"), "file tags/");
        assert_eq!(at(&site, "/tags/deal-desk/"), "file tags/deal-desk/");
        assert_eq!(at(&site, "/tags/deal-desk"), "file tags/deal-desk/");
        assert_eq!(at(&site, "tags/deal-desk/"), "file tags/deal-desk/");
        assert_eq!(at(&site, "/tags/nobody/"), "missing tags/nobody/");
    }

    #[test]
    fn absolute_paths_are_normalised_first() {
        let site = odd_site();
        assert_eq!(at(&site, "/docs/../guide.md"), "guide.md");
        assert_eq!(at(&site, "/a/b/../../guide/"), "guide.md");
        assert_eq!(at(&site, "/handbook/x/../guide/"), "guide.md");
        // A browser resolves `/handbook/../guide/` to `/guide/`: the URL without the base.
        assert_eq!(at(&site, "/handbook/../guide/"), "guide.md");
        assert_eq!(at(&site, "/handbook"), "index.md");
        assert_eq!(at(&site, "/../guide.md"), "outside");
        assert_eq!(at(&site, "/a/../../guide/"), "outside");
    }

    #[test]
    fn index_html_is_its_folder_and_nothing_else() {
        let site = odd_site();
        assert_eq!(at(&site, "/guide/index.html"), "guide.md");
        assert_eq!(at(&site, "/index.html"), "index.md");
        assert_eq!(at(&site, "/guideindex.html"), "missing guideindex.html");
        for dest in ["/demo/", "/demo", "/demo/index.html", "/handbook/demo/"] {
            assert_eq!(at(&site, dest), "file demo/", "{dest}");
        }
        assert_eq!(at(&site, "/demoindex.html"), "missing demoindex.html");
        assert_eq!(at(&site, "widget/"), "file widget/");
        assert_eq!(at(&site, "widget"), "file widget/");
        assert_eq!(at(&site, "widget/index.html"), "file widget/index.html");
        assert_eq!(at(&site, "/widget/index.html"), "file widget/");
        assert_eq!(
            at(&site, "files/price%20list.pdf"),
            "file files/price list.pdf"
        );
    }

    #[test]
    fn queries_and_fragments_are_kept_and_fragments_checked() {
        let site = odd_site();
        assert_eq!(at(&site, "guide.md?src=x#top"), "guide.md?src=x#top");
        assert_eq!(at(&site, "guide.md?src=x#nope"), "no anchor nope");
        assert_eq!(at(&site, "guide.md?#"), "guide.md");
        assert_eq!(at(&site, "?tab=2"), "index.md?tab=2");
        let home = site.by_path["index.md"];
        assert_eq!(
            resolve(&site, home, "files/price%20list.pdf?v=2#page=3"),
            Target::File {
                path: "files/price list.pdf".into(),
                query: Some("v=2".into()),
                fragment: Some("page=3".into()),
            }
        );
    }

    #[test]
    fn a_fragment_in_another_unicode_normalisation_names_the_exact_id() {
        let site = odd_site();
        // The heading `Café` is composed (NFC); `Naïve` is written decomposed (NFD).
        assert_eq!(at(&site, "guide.md#café"), "guide.md#café");
        assert_eq!(at(&site, "guide.md#cafe\u{301}"), "guide.md#café");
        assert_eq!(at(&site, "guide.md#caf%C3%A9"), "guide.md#café");
        assert_eq!(at(&site, "guide.md#naïve"), "guide.md#nai\u{308}ve");
        assert_eq!(at(&site, "guide.md#cafe"), "no anchor cafe");
    }

    #[test]
    fn joins_and_climbs() {
        assert_eq!(
            join("departments/sales", "../../processes/index.md").as_deref(),
            Some("processes/index.md")
        );
        assert_eq!(join("a", "./b/../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("a", "../x/").as_deref(), Some("x/"));
        assert_eq!(join("a", "../../x.md"), None);
    }

    /// A whole site's links find their anchors through [`Anchors`]; each must be what the
    /// walk along the page's anchors finds: headings, HTML ids, stages, misses, and ids in
    /// another Unicode normalisation.
    /// The anchors are held in tables of [`PAGES_PER_PART`] pages each, made in parallel:
    /// a page in any of them, at either end of one, finds each fragment as the walk does.
    #[test]
    fn anchors_in_several_tables_find_what_the_walk_finds() {
        let count = 2 * PAGES_PER_PART + 7;
        let name = |n: usize| format!("p-{n:04}.md");
        let texts: Vec<(String, String)> = (0..count)
            .map(|n| {
                // Links to pages in the other tables, at their ends, to ids they have and not.
                let to = [
                    0,
                    PAGES_PER_PART - 1,
                    PAGES_PER_PART,
                    count - 1,
                    (n * 7) % count,
                ];
                let links: String = to
                    .iter()
                    .flat_map(|&to| {
                        [
                            format!("[a]({}#part-{to})\n\n", name(to)),
                            format!("[b]({}#shared-1)\n\n", name(to)),
                            format!("[c]({}#part-{})\n\n", name(to), to + 1),
                        ]
                    })
                    .collect();
                let text = format!("# Part {n}\n\n## Shared\n\n## Shared\n\n{links}");
                (name(n), text)
            })
            .collect();
        let pages: Vec<(&str, &str)> = texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        let site = site("/", &pages, &[], &[]);
        let mut missing = 0;
        for i in 0..count {
            let walked: Vec<Target> = site.pages[i]
                .links
                .iter()
                .map(|link| resolve(&site, i, &link.dest))
                .collect();
            assert_eq!(site.targets[i], walked, "{}", site.pages[i].path);
            missing += walked
                .iter()
                .filter(|t| matches!(t, Target::MissingAnchor { .. }))
                .count();
        }
        // Only `#part-{to + 1}` is missing, on each link to another page than `to + 1`.
        assert_eq!(missing, count * 5);
    }

    #[test]
    fn anchors_by_hash_find_what_the_walk_finds() {
        let process = "---\ntitle: Deals\nowner: sales\nstages:\n  - name: Discovery\n  - name: Close it\n    id: close\n---\n# Deals\n\n## Pricing\n\n## Pricing\n\n## Café\n\n<a id=\"top\"></a>\n";
        let links = [
            "processes/deals.md#discovery",
            "processes/deals.md#close",
            "processes/deals.md#close-it",
            "processes/deals.md#pricing",
            "processes/deals.md#pricing-1",
            "processes/deals.md#pricing-2",
            "processes/deals.md#caf%C3%A9",
            "processes/deals.md#cafe\u{301}",
            "processes/deals.md#top",
            "processes/deals.md#",
            "#home",
            "#nope",
            "departments/sales.md#sales",
        ];
        let home = format!(
            "# Home\n\n{}\n",
            links.map(|l| format!("[x]({l})")).join("\n\n")
        );
        let site = site(
            "/",
            &[
                ("index.md", &home),
                ("processes/deals.md", process),
                ("departments/sales.md", "---\ntitle: Sales\n---\n# Sales\n"),
            ],
            &[],
            &[],
        );
        let i = site.by_path["index.md"];
        let walked: Vec<Target> = site.pages[i]
            .links
            .iter()
            .map(|link| resolve(&site, i, &link.dest))
            .collect();
        assert_eq!(site.targets[i], walked);
        assert_eq!(walked.len(), links.len());
        let found = |at: usize| match &walked[at] {
            Target::Page { fragment, .. } => fragment.clone(),
            other => panic!("{}: {other:?}", links[at]),
        };
        assert_eq!(found(0).as_deref(), Some("discovery"), "a stage");
        assert_eq!(found(1).as_deref(), Some("close"), "a stage's own id");
        assert_eq!(found(4).as_deref(), Some("pricing-1"));
        assert_eq!(
            found(7).as_deref(),
            Some("café"),
            "in NFC as the page writes it"
        );
        assert_eq!(found(8).as_deref(), Some("top"));
        assert!(matches!(walked[5], Target::MissingAnchor { .. }));
        assert!(matches!(walked[11], Target::MissingAnchor { .. }));
    }

    /// `split` finds the query and fragment in one pass, as splitting at `#` and then `?` does.
    #[test]
    fn splitting_in_one_pass_is_splitting_twice() {
        fn twice(dest: &str) -> (&str, Option<&str>, Option<&str>) {
            let (path, fragment) = match dest.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment).filter(|f| !f.is_empty())),
                None => (dest, None),
            };
            let (path, query) = match path.split_once('?') {
                Some((path, query)) => (path, Some(query).filter(|q| !q.is_empty())),
                None => (path, None),
            };
            (path, query, fragment)
        }
        for dest in [
            "",
            "a.md",
            "a.md#x",
            "a.md?q",
            "a.md?q#x",
            "a.md#x?q",
            "?#",
            "#",
            "?",
            "a?b?c#d#e",
            "a#",
            "a?",
            "a?#x",
            "#x?y",
            "é.md?ü#ö",
        ] {
            assert_eq!(split(dest), twice(dest), "{dest:?}");
        }
    }

    /// `join` builds the path in place; it must give what joining a list of segments gives.
    #[test]
    fn joining_in_place_is_joining_segments() {
        fn by_segments(dir: &str, relative: &str) -> Option<String> {
            let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
            for part in relative.split('/') {
                match part {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    part => parts.push(part),
                }
            }
            let mut joined = parts.join("/");
            if relative.ends_with('/') && !joined.is_empty() {
                joined.push('/');
            }
            Some(joined)
        }
        let dirs = [
            "",
            "a",
            "a/b",
            "/a//b/",
            "a/../b",
            "./a",
            "processes/p-1/",
            "departments/d-1",
            "a/./b",
            "é/ü",
        ];
        let relatives = [
            "",
            ".",
            "..",
            "../",
            "x",
            "x/",
            "./x/../y",
            "../../x",
            "a//b",
            "/x",
            "..//..",
            "x/..",
            "x/../",
            "../x/./y.md#z",
            "é.md",
            "../../../..",
            "////",
            "../a/b.md",
            "./../x/",
            "../.",
            ".././x",
            "x/.",
            "x/./y",
            "../x//y/",
            "...",
            "..x/",
            ".x",
            "../../departments/d-1/index.md",
            "../processes/p-2/",
            "./",
            ".//x",
            "x/y/",
            "a/../",
        ];
        for dir in dirs {
            for relative in relatives {
                assert_eq!(
                    join(dir, relative),
                    by_segments(dir, relative),
                    "{dir:?} + {relative:?}"
                );
            }
        }
    }

    /// Found by the `resolve_links` property (`tests/properties.rs`): a destination from the root that climbs out
    /// (`/../a.md`) was a broken link to `content/../a.md` instead of `link-outside-root`, and
    /// `/a/../b/` did not resolve where a browser goes.
    #[test]
    fn root_paths_resolve_dot_segments_and_never_climb_out() {
        let pages: Vec<(&str, &str)> = ["index.md", "a.md", "b/index.md"]
            .into_iter()
            .map(|p| (p, ""))
            .collect();
        let site = site("/hb/", &pages, &["x.png"], &[]);
        for dest in [
            "/../a.md",
            "/b/../../a.md",
            "/hb/../../x/",
            "/..",
            "/%2e%2e/a.md",
        ] {
            assert_eq!(resolve(&site, 0, dest), Target::OutsideRoot, "{dest}");
        }
        let b = site.by_path["b/index.md"];
        for dest in ["/x/../b/", "/hb/./b/", "/b/../b/index.md", "/x/../hb/b/"] {
            assert_eq!(resolve(&site, 0, dest).page(), Some(b), "{dest}");
        }
        assert_eq!(
            resolve(&site, 0, "/b/../x.png"),
            Target::File {
                path: "x.png".into(),
                query: None,
                fragment: None,
            }
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative("departments/sales", "processes/index.md"),
            "../../processes/index.md"
        );
        assert_eq!(relative("", "a/b.md"), "a/b.md");
        assert_eq!(relative("a/b", "a/c.md"), "../c.md");
    }
}
