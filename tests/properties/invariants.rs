//! The properties that hold for any input, one definition each, checked by two drivers: the
//! property tests in `tests/properties.rs` (stable, every `cargo test`) and the cargo-fuzz
//! targets in `fuzz/` (nightly, for long runs). Each function panics, naming the input, when a
//! property fails; the functions under test must never panic themselves.
#![allow(dead_code)]

use std::collections::BTreeSet;

use handbook::config::Config;
use handbook::diagnostic::{self, Diagnostic};
use handbook::load::{self, front_matter, markdown};
use handbook::model::{LinkForm, Page, Pos};
use handbook::resolve::{self, Target, links};

/// Paths that give a page each kind and role, so every kind's front matter is parsed.
pub const PATHS: &[&str] = &[
    "index.md",
    "guide.md",
    "departments/sales/index.md",
    "processes/edge/index.md",
    "playbooks/edge/call.md",
];

/// Splitting and loading any text: the split stays inside the text on character boundaries,
/// and every position the page and its diagnostics report is inside the file and agrees with
/// itself (line and column are those of the byte offset).
pub fn front_matter(source: &str) {
    match front_matter::split(source) {
        Ok(Some(split)) => {
            let yaml_end = split.yaml_offset + split.yaml.len();
            assert!(
                split.yaml_offset <= yaml_end && yaml_end <= split.body_offset,
                "split out of order in {source:?}"
            );
            assert!(split.body_offset <= source.len(), "body past the end");
            assert!(source.is_char_boundary(split.body_offset));
            assert_eq!(source.get(split.yaml_offset..yaml_end), Some(split.yaml));
        }
        Ok(None) => {}
        Err(offset) => assert!(offset == 0 || offset == 3, "unclosed at {offset}"),
    }
    for path in PATHS {
        let (page, diagnostics) = load::page(path, source, true);
        let page = page.unwrap_or_else(|| panic!("no page for {path}: {source:?}"));
        page_positions(&page, source);
        for d in &diagnostics {
            diagnostic_position(d, source);
        }
        render(&diagnostics, source);
    }
}

/// Markdown link extraction: every recorded offset is inside the body on a character
/// boundary, and an inline link's, image's or reference definition's destination is written
/// there (up to the backslash escapes and entities the parser decodes). Loading the body as a page gives each
/// link a line and column that agree with its byte offset.
pub fn markdown_links(body: &str) {
    // `check` parses without HTML and skips the events only HTML needs: what it finds is what
    // `build` finds.
    let (without, with) = (markdown::parse(body, false), markdown::parse(body, true));
    assert_eq!(without.links, with.links, "{body:?}");
    assert_eq!(without.anchors, with.anchors, "{body:?}");
    assert_eq!(without.headings, with.headings, "{body:?}");
    assert_eq!(without.undefined, with.undefined, "{body:?}");
    for parsed in [without, with] {
        for (dest, form, offset) in &parsed.links {
            assert!(
                *offset <= body.len() && body.is_char_boundary(*offset),
                "link {dest:?} at {offset} is not a position in {body:?}"
            );
            if matches!(
                form,
                LinkForm::Inline | LinkForm::Image | LinkForm::Reference
            ) {
                destination_at(body, *offset, dest);
            }
        }
    }
    let (page, _) = load::page("guide.md", body, false);
    let page = page.unwrap_or_else(|| panic!("no page: {body:?}"));
    page_positions(&page, body);
}

/// The destination `dest` is what the source says at `offset`; where they first differ, the
/// source has just had a backslash escape or an entity the parser decoded (`&amp;` is `&`
/// and then differs).
fn destination_at(body: &str, offset: usize, dest: &str) {
    let written = &body[offset..];
    if let Some((at, _)) = written
        .chars()
        .zip(dest.chars())
        .enumerate()
        .find(|(_, (w, d))| w != d)
    {
        assert!(
            written
                .chars()
                .take(at + 1)
                .any(|c| matches!(c, '\\' | '&')),
            "destination {dest:?} differs at char {at} from the source at {offset}: {body:?}"
        );
    } else {
        assert!(
            written.len() >= dest.len() || written.contains(['\\', '&']),
            "destination {dest:?} runs past the body at {offset}: {body:?}"
        );
    }
}

/// Every link of a loaded page sits inside its source, on a character boundary, at the line and
/// column its byte offset has.
fn page_positions(page: &Page, source: &str) {
    for link in &page.links {
        position(&link.pos, source, &link.dest);
    }
    for anchor in &page.anchors {
        position(&anchor.pos, source, &anchor.id);
    }
    for undefined in &page.undefined_references {
        position(&undefined.pos, source, &undefined.label);
    }
}

fn diagnostic_position(d: &Diagnostic, source: &str) {
    let pos = Pos {
        line: d.line,
        column: d.column,
        bytes: d.bytes.clone(),
    };
    position(&pos, source, &d.message);
}

fn position(pos: &Pos, source: &str, what: &str) {
    let start = pos.bytes.start;
    assert!(
        start <= pos.bytes.end && start <= source.len() && source.is_char_boundary(start),
        "{what:?}: {:?} is not a position in {source:?}",
        pos.bytes
    );
    assert_eq!(
        (pos.line, pos.column),
        line_column(source, start),
        "{what:?}: line and column disagree with byte {start} of {source:?}"
    );
}

/// 1-based line and character column of a byte offset, counted the plain way: lines end at
/// `\n`, and a byte-order mark is not a character of the first line.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.matches('\n').count() + 1;
    let text = &before[line_start..];
    let text = if line == 1 {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    } else {
        text
    };
    (line, text.chars().count() + 1)
}

/// The human report, with code frames, renders whatever the positions.
fn render(diagnostics: &[Diagnostic], source: &str) {
    let out = diagnostic::human::render(diagnostics, |_| Some(source.to_string()), false);
    assert!(out.ends_with('\n'));
}

/// A small site: pages (content path, source), assets, static files, `base_url`, and extra
/// destinations resolved from every page.
#[derive(Debug, Clone, Default)]
pub struct SiteCase {
    pub base_url: String,
    pub pages: Vec<(String, String)>,
    pub assets: Vec<String>,
    pub static_files: Vec<String>,
    pub dests: Vec<String>,
}

/// Link resolution over any site: nothing panics (resolve, check, the report); a page or file
/// target is a real page or file, never a path with `..`; a relative destination that climbs
/// above `content/` is `OutsideRoot`, and only such a one is.
pub fn resolve_links(case: &SiteCase) {
    let Ok(config) = Config::parse(&format!("title: Fuzz\nbase_url: {:?}", case.base_url)) else {
        return;
    };
    let mut pages: Vec<Page> = Vec::new();
    let mut sources = std::collections::HashMap::new();
    for (path, source) in &case.pages {
        if pages.iter().any(|p| &p.path == path) {
            continue;
        }
        if let (Some(page), _) = load::page(path, source, false) {
            sources.insert(page.file.clone(), source.clone());
            pages.push(page);
        }
    }
    if pages.is_empty() {
        return;
    }
    let assets: BTreeSet<String> = case.assets.iter().cloned().collect();
    let static_files: BTreeSet<String> = case.static_files.iter().cloned().collect();
    let site = resolve::resolve(config, pages, assets, static_files, false);

    for (i, page) in site.pages.iter().enumerate() {
        for (link, target) in page.links.iter().zip(&site.targets[i]) {
            target_invariants(&site, i, &link.dest, target);
        }
        for dest in &case.dests {
            let target = links::resolve(&site, i, dest);
            target_invariants(&site, i, dest, &target);
        }
    }
    let today = jiff::civil::Date::constant(2026, 1, 1);
    let diagnostics = handbook::check::check(&site, today);
    let out = diagnostic::human::render(&diagnostics, |file| sources.get(file).cloned(), false);
    assert!(out.ends_with('\n'));
}

fn target_invariants(site: &resolve::Site, from: usize, dest: &str, target: &Target) {
    let page = &site.pages[from];
    match target {
        Target::Page { page: to, .. } | Target::MissingAnchor { page: to, .. } => {
            assert!(*to < site.pages.len(), "{dest:?}: page {to} out of range");
        }
        Target::File { path, .. } => {
            assert!(
                !path.split('/').any(|s| s == ".."),
                "{dest:?} from {}: file target {path:?} climbs",
                page.path
            );
            // A folder (`demo/`) is a file target through the `index.html` it holds.
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.clone()
            };
            assert!(
                site.assets.contains(&file) || site.static_files.contains(&file),
                "{dest:?}: file target {path:?} is no file of the site"
            );
        }
        _ => {}
    }
    if markdown::unsafe_scheme(dest).is_some() {
        assert!(matches!(target, Target::Unsafe { .. }), "{dest:?}");
        return;
    }
    if markdown::is_external(dest) {
        assert_eq!(*target, Target::External, "{dest:?}");
        return;
    }
    let path = dest.split('#').next().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_or_else(|_| path.to_string(), |p| p.into_owned());
    let climbs = match path.strip_prefix('/') {
        Some(absolute) => climbs("", absolute),
        // Without `.md`, a link is also read from the page's published URL (README, "Relative
        // links without `.md`"): it climbs out only when both readings do.
        None if !path.ends_with(".md") => {
            climbs(page.path.rsplit_once('/').map_or("", |(dir, _)| dir), &path)
                && climbs(page.url.trim_end_matches('/'), &path)
        }
        None => climbs(page.path.rsplit_once('/').map_or("", |(dir, _)| dir), &path),
    };
    if climbs {
        assert_eq!(
            *target,
            Target::OutsideRoot,
            "{dest:?} from {} climbs out of content/",
            page.path
        );
    } else if !path.starts_with('/') {
        assert_ne!(
            *target,
            Target::OutsideRoot,
            "{dest:?} from {} stays inside content/",
            page.path
        );
    }
}

/// Whether walking `relative` from folder `dir` ever goes above the root.
fn climbs(dir: &str, relative: &str) -> bool {
    let mut depth = dir.split('/').filter(|s| !s.is_empty()).count();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." if depth == 0 => return true,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    false
}

/// The preview server's path mapping: whatever the request path and `base_url`'s path, a key
/// is a relative path inside the output: no `..` or `.` segment, backslash, NUL, or leading `/`.
pub fn serve_path(path: &str, base_path: &str) {
    if let Some(key) = handbook::serve::http::key_of(path, base_path) {
        assert!(!key.is_empty(), "{path:?} under {base_path:?}: empty key");
        assert!(
            !key.starts_with('/') && !key.contains(['\\', '\0']),
            "{path:?} under {base_path:?}: key {key:?}"
        );
        assert!(
            !key.split('/').any(|s| s == ".." || s == "."),
            "{path:?} under {base_path:?}: key {key:?} has a dot segment"
        );
    }
}
