//! "Did you mean": the help line of a broken link or reference. Each lookup is a hash probe or
//! a trigram [`Index`] search, never a scan of the handbook, so every broken link gets its
//! suggestion however many there are (README, "What `check` (and `build`) verify").

use std::collections::HashMap;
use std::sync::OnceLock as OnceCell;

use super::images::Images;
use crate::load::FOLDER_PAGES;
use crate::model::{Kind, PageIdx};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use crate::suggest::{Index, typo_limit};
use crate::url;

/// A broken link whose `#` or `?` belongs to the file name (`c#-tips.md`): the link written
/// with them encoded, when that resolves.
pub(super) fn literal_name(site: &Site, from: PageIdx, dest: &str) -> Option<String> {
    if !dest.contains(['#', '?']) {
        return None;
    }
    let written = dest.replace('#', "%23").replace('?', "%3F");
    match links::resolve(site, from, &written) {
        Target::Page { .. } | Target::File { .. } => Some(written),
        _ => None,
    }
}

/// The nearest existing path for a broken link, written the way the link was (encoded as a
/// link destination: `my%20page.md`).
pub(super) fn suggest_path(
    site: &Site,
    hints: &Hints,
    from: PageIdx,
    dest: &str,
    wanted: &str,
) -> Option<String> {
    let fragment = dest.find('#').map(|at| &dest[at..]).unwrap_or("");
    let path = links::path_of(dest);
    if path.starts_with('/') && !path.ends_with(".md") {
        // `/guideindex.html`: the page's URL with `index.html` glued on.
        let wanted = wanted.strip_suffix("index.html").unwrap_or(wanted);
        let best = hints.urls().nearest(wanted.trim_end_matches('/'))?;
        return Some(format!(
            "{}{}/{fragment}",
            site.config.base_path(),
            url::path(best)
        ));
    }
    if let Some(best) = hints.nearest_path(wanted) {
        if path.starts_with('/') {
            return Some(format!("/{}{fragment}", url::path(best)));
        }
        let page = &site.pages[from].path;
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        return Some(format!(
            "{}{fragment}",
            url::path(&links::relative(dir, best))
        ));
    }
    // Written as a URL (`x/`, no `.md`): the URL nearest to either reading, written from the
    // page's own URL as a browser reads it.
    if path.ends_with(".md") {
        return None;
    }
    let by_url = links::by_url(site, from, &path);
    let best = [Some(wanted), by_url.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|url| hints.urls().nearest(url.trim_end_matches('/')))?;
    let here = site.pages[from].url.trim_end_matches('/');
    Some(format!(
        "{}/{fragment}",
        url::path(&links::relative(here, best))
    ))
}

/// Lookups for "did you mean", each built on first need. Every lookup is sub-linear in the
/// handbook (hash maps and a trigram [`Index`]), so every broken link and reference gets its
/// suggestion however many there are.
pub(super) struct Hints<'a> {
    site: &'a Site,
    files: OnceCell<Names<'a>>,
    folders: OnceCell<Names<'a>>,
    urls: OnceCell<Names<'a>>,
    images: OnceCell<Images<'a>>,
    /// Department, process and playbook ids.
    ids: [OnceCell<Index<'a>>; 3],
}

impl<'a> Hints<'a> {
    pub(super) fn new(site: &'a Site) -> Self {
        Hints {
            site,
            files: OnceCell::new(),
            folders: OnceCell::new(),
            urls: OnceCell::new(),
            images: OnceCell::new(),
            ids: Default::default(),
        }
    }

    /// Every image file, for a missing image (never a page).
    pub(super) fn images(&self) -> &Images<'a> {
        self.images.get_or_init(|| Images::new(self.site))
    }

    /// Every page and asset by content path; a name is a file name ([`file_name`]).
    fn files(&self) -> &Names<'a> {
        self.files.get_or_init(|| {
            let site = self.site;
            let all = site.by_path.keys().chain(&site.assets).map(String::as_str);
            Names::new(all, file_name)
        })
    }

    /// Every folder holding a folder's page, as `a/b/`; a name is the folder's name.
    fn folders(&self) -> &Names<'a> {
        self.folders.get_or_init(|| {
            let all = self.site.by_path.keys().filter_map(|path| {
                let dir = crate::load::folder_of(path).filter(|dir| !dir.is_empty())?;
                Some(&path[..=dir.len()])
            });
            Names::new(all, |folder| {
                let folder = folder.trim_end_matches('/');
                folder.rsplit('/').next().unwrap_or(folder)
            })
        })
    }

    /// Every page URL, without its final `/`; a name is the last segment.
    fn urls(&self) -> &Names<'a> {
        self.urls.get_or_init(|| {
            let all = self.site.by_url.keys().map(|u| u.trim_end_matches('/'));
            Names::new(all.filter(|u| !u.is_empty()), |u| {
                let u = u.trim_end_matches('/');
                u.rsplit('/').next().unwrap_or(u)
            })
        })
    }

    fn nearest_path(&self, wanted: &str) -> Option<&'a str> {
        let trimmed = wanted.trim_end_matches('/');
        // An extensionless link to a page that exists: the most common mistake of all.
        let guesses = std::iter::once(format!("{trimmed}.md"))
            .chain(FOLDER_PAGES.iter().map(|name| format!("{trimmed}/{name}")));
        for guess in guesses {
            if let Some((path, _)) = self.site.by_path.get_key_value(&guess) {
                return Some(path);
            }
        }
        // `x/` and `x` name a folder more likely than a file; `x.png` a file.
        let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
        if wanted.ends_with('/') || !name.contains('.') {
            let folder = self.folders().nearest(wanted);
            if folder.is_some() {
                return folder;
            }
        }
        self.files().nearest(wanted)
    }

    /// The id of `kind` nearest to `id`.
    pub(super) fn nearest_id(&self, kind: Kind, id: &str) -> Option<&'a str> {
        let slot = match kind {
            Kind::Department => 0,
            Kind::Process => 1,
            Kind::Playbook => 2,
            Kind::Page => return None,
        };
        let site = self.site;
        let index = self.ids[slot].get_or_init(|| {
            Index::new(
                site.of_kind(kind)
                    .iter()
                    .map(|&p| site.pages[p].id.as_str()),
            )
        });
        index.nearest(id, typo_limit(id.chars().count()))
    }
}

/// Paths or URLs, looked up as a mistyped one is best matched: the same one in another case,
/// the same name in another folder (the page moved), else the nearest by edit distance.
struct Names<'a> {
    by_lowercase: HashMap<String, &'a str>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
    name: fn(&str) -> &str,
    index: Index<'a>,
}

impl<'a> Names<'a> {
    /// A name shared by more entries than this (`README.md`, `index.md`) says nothing of where
    /// a page went.
    const MOVED_CANDIDATES: usize = 8;

    fn new(all: impl Iterator<Item = &'a str> + Clone, name: fn(&str) -> &str) -> Self {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut by_lowercase = HashMap::new();
        for item in all.clone() {
            by_name.entry(name(item)).or_default().push(item);
            by_lowercase.insert(item.to_lowercase(), item);
        }
        Names {
            by_lowercase,
            by_name,
            name,
            index: Index::new(all),
        }
    }

    fn nearest(&self, wanted: &str) -> Option<&'a str> {
        if let Some(&same) = self.by_lowercase.get(&wanted.to_lowercase()) {
            return Some(same);
        }
        let name = (self.name)(wanted);
        if let Some(moved) = self
            .by_name
            .get(name)
            .filter(|m| m.len() <= Self::MOVED_CANDIDATES)
        {
            return moved
                .iter()
                .min_by_key(|p| (strsim::levenshtein(p, wanted), **p))
                .copied();
        }
        // A typo: as many edits as the name, not the whole path, makes likely.
        self.index.nearest(wanted, typo_limit(name.chars().count()))
    }
}

/// `a/b.md` -> `b.md`; `a/b/index.md` -> `b/index.md` (and `_index.md` alike), since folder
/// pages share their file name.
fn file_name(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    let mut cut = path.rsplitn(3, '/');
    let last = cut.next().unwrap_or(path);
    if FOLDER_PAGES.contains(&last)
        && let Some(folder) = cut.next()
    {
        return &path[path.len() - folder.len() - last.len() - 1..];
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn site(paths: &[&str]) -> Site {
        let pages = paths
            .iter()
            .filter_map(|path| crate::load::page(path, "# Page\n", false).0)
            .collect();
        let config = Config::parse("title: T").unwrap();
        crate::resolve::resolve(config, pages, Default::default(), Default::default(), false)
    }

    #[test]
    fn file_names_keep_the_folder_of_a_folder_page() {
        assert_eq!(file_name("a/b.md"), "b.md");
        assert_eq!(file_name("a/b/index.md"), "b/index.md");
        assert_eq!(file_name("a/b/_index.md"), "b/_index.md");
        assert_eq!(file_name("a/b/"), "b");
        assert_eq!(file_name("index.md"), "index.md");
    }

    #[test]
    fn a_path_is_matched_by_extension_case_move_folder_and_typo() {
        let site = site(&[
            "index.md",
            "guides/onboarding.md",
            "guides/tools/_index.md",
            "processes/edge/index.md",
            "archive/pricing.md",
        ]);
        let hints = Hints::new(&site);
        for (wanted, found) in [
            // `.md` or a folder page added.
            ("guides/onboarding", Some("guides/onboarding.md")),
            ("guides/tools/", Some("guides/tools/_index.md")),
            // Another case; the same name elsewhere (moved); a typo in a folder's name.
            ("Guides/Onboarding.md", Some("guides/onboarding.md")),
            ("pricing.md", Some("archive/pricing.md")),
            ("processes/edgee/", Some("processes/edge/")),
            ("guides/onbaording.md", Some("guides/onboarding.md")),
            // A stranger in a known folder is no match, however long the common path.
            ("guides/onboarding/release-notes.md", None),
        ] {
            assert_eq!(hints.nearest_path(wanted), found, "{wanted}");
        }
    }

    #[test]
    fn ids_are_suggested_by_kind() {
        let pages = [
            ("departments/sales.md", "---\ntitle: Sales\n---\n"),
            ("processes/sales-call.md", "---\nowner: sales\n---\n"),
        ];
        let pages = pages
            .iter()
            .filter_map(|(path, text)| crate::load::page(path, text, false).0)
            .collect();
        let config = Config::parse("title: T").unwrap();
        let site =
            crate::resolve::resolve(config, pages, Default::default(), Default::default(), false);
        let hints = Hints::new(&site);
        assert_eq!(hints.nearest_id(Kind::Department, "sles"), Some("sales"));
        assert_eq!(
            hints.nearest_id(Kind::Process, "sales-cal"),
            Some("sales-call")
        );
        assert_eq!(hints.nearest_id(Kind::Playbook, "sales"), None);
    }
}
