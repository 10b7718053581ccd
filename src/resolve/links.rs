//! Where one link points. The rules are SPEC.md's "What must resolve": relative `.md` files and
//! folders (relative to the page's file, as GitHub and editors preview them), content-root
//! `/x.md`, site URLs with or without `base_url`'s path, static files and assets, fragments
//! against heading ids, raw-HTML anchors and stage ids.

use std::borrow::Cow;

use crate::load::markdown::is_external;
use crate::model::PageIdx;

use super::Site;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Another scheme (`https:`, `mailto:`): not a file, not fetched.
    External,
    Page {
        page: PageIdx,
        fragment: Option<String>,
    },
    /// A static file or an asset beside a page, by output path.
    File { path: String },
    /// No page or file there. `wanted` is the content-relative path tried (for suggestions).
    Missing { wanted: String },
    /// The page exists but has no such anchor.
    MissingAnchor { page: PageIdx, fragment: String },
    /// A path that climbs above `content/`: relative, or from the root with a leading `/`.
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

/// Resolves `dest`, written in page `from`.
pub fn resolve(site: &Site, from: PageIdx, dest: &str) -> Target {
    if is_external(dest) {
        return Target::External;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(decode(fragment))),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let path = decode(path);
    let fragment = fragment.filter(|f| !f.is_empty()).map(Cow::into_owned);

    if path.is_empty() {
        return with_fragment(site, from, fragment);
    }
    let page = &site.pages[from];
    let (joined, site_url) = if let Some(absolute) = path.strip_prefix('/') {
        // `.` and `..` first, as a browser resolves them, then `base_url`'s path.
        let Some(absolute) = join("", absolute) else {
            return Target::OutsideRoot;
        };
        let below_base = site
            .config
            .base_path()
            .strip_prefix('/')
            .filter(|base| !base.is_empty())
            .and_then(|base| absolute.strip_prefix(base));
        (
            below_base.map_or_else(|| absolute.clone(), str::to_string),
            !path.ends_with(".md"),
        )
    } else {
        let dir = page.path.rsplit_once('/').map_or("", |(dir, _)| dir);
        match join(dir, &path) {
            Some(joined) => (joined, false),
            None => return Target::OutsideRoot,
        }
    };

    if site_url {
        return match site_url_target(site, &joined) {
            Some(Target::Page { page, .. }) => with_fragment(site, page, fragment),
            Some(target) => target,
            None => Target::Missing { wanted: joined },
        };
    }
    if joined.ends_with(".md") {
        return match site.by_path.get(joined.as_str()) {
            Some(&page) => with_fragment(site, page, fragment),
            None => Target::Missing { wanted: joined },
        };
    }
    let folder_index = if joined.is_empty() {
        "index.md".to_string()
    } else {
        format!("{}/index.md", joined.trim_end_matches('/'))
    };
    if let Some(&page) = site.by_path.get(folder_index.as_str()) {
        return with_fragment(site, page, fragment);
    }
    if site.assets.contains(joined.as_str()) {
        return Target::File { path: joined };
    }
    Target::Missing { wanted: joined }
}

/// A site URL (`processes/x/`, `processes/x`, `processes/x/index.html`) or a static file.
fn site_url_target(site: &Site, url: &str) -> Option<Target> {
    let url = url.strip_suffix("index.html").unwrap_or(url);
    let page = site.by_url.get(url).or_else(|| {
        if url.ends_with('/') || url.is_empty() {
            None
        } else {
            site.by_url.get(format!("{url}/").as_str())
        }
    });
    if let Some(&page) = page {
        return Some(Target::Page {
            page,
            fragment: None,
        });
    }
    if site.static_files.contains(url) || site.assets.contains(url) {
        return Some(Target::File {
            path: url.to_string(),
        });
    }
    None
}

fn with_fragment(site: &Site, page: PageIdx, fragment: Option<String>) -> Target {
    match fragment {
        Some(fragment) if !has_anchor(site, page, &fragment) => {
            Target::MissingAnchor { page, fragment }
        }
        fragment => Target::Page { page, fragment },
    }
}

/// Every anchor a page offers: heading ids, raw-HTML `id`/`name`, and stage ids.
pub fn anchors(site: &Site, page: PageIdx) -> impl Iterator<Item = &str> {
    let page = &site.pages[page];
    let stages = page
        .process()
        .map(|p| p.stages.as_slice())
        .unwrap_or_default();
    page.headings
        .iter()
        .map(|h| h.id.as_str())
        .chain(page.html_anchors.iter().map(String::as_str))
        .chain(stages.iter().map(|s| s.id.as_str()))
}

fn has_anchor(site: &Site, page: PageIdx, fragment: &str) -> bool {
    anchors(site, page).any(|a| a == fragment)
}

/// Percent-decodes, leaving invalid UTF-8 sequences as written.
fn decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(s))
}

/// Joins a relative path onto a folder, resolving `.` and `..`; `None` if it climbs above the root.
pub fn join(dir: &str, relative: &str) -> Option<String> {
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

    /// A site of empty pages at `paths`, with `base_url: /hb/`.
    fn site(paths: &[&str]) -> Site {
        let pages = paths
            .iter()
            .filter_map(|path| crate::load::page(path, "", false).0)
            .collect();
        let config = crate::config::Config::parse("base_url: /hb/").unwrap();
        let assets = ["x.png".to_string()].into();
        crate::resolve::resolve(config, pages, assets, Default::default(), false)
    }

    /// Found by the `resolve_links` property (`tests/properties.rs`): a destination from the root that climbs out
    /// (`/../a.md`) was a broken link to `content/../a.md` instead of `link-outside-root`, and
    /// `/a/../b/` did not resolve where a browser goes.
    #[test]
    fn root_paths_resolve_dot_segments_and_never_climb_out() {
        let site = site(&["index.md", "a.md", "b/index.md"]);
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
                path: "x.png".into()
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
