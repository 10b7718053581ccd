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
use crate::suggest::{Index, Near, safe_to_apply, typo_limit};
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

/// The path a broken link may have meant, written as the link would write it (encoded as a
/// link destination: `my%20page.md`), without the link's query and fragment.
pub(super) struct Suggestion {
    pub path: String,
    /// The only candidate, and near enough to be applied unasked (`handbook fix`).
    pub safe: bool,
}

/// The nearest existing path for a broken link, written the way the link was.
pub(super) fn suggest_path(
    site: &Site,
    hints: &Hints,
    from: PageIdx,
    dest: &str,
    wanted: &str,
) -> Option<Suggestion> {
    let path = links::path_of(dest);
    let name_chars = |wanted: &str| {
        let trimmed = wanted.trim_end_matches('/');
        trimmed
            .rsplit('/')
            .next()
            .unwrap_or(trimmed)
            .chars()
            .count()
    };
    let safe =
        |near: &Near, wanted: &str| near.unique && safe_to_apply(name_chars(wanted), near.distance);
    // A URL may name a part of a larger site this handbook does not hold (`/handbook/values/`
    // beside `/handbook/sales/`): for it, only a near miss of the whole path is sure, never
    // the same last name in another folder. A `.md` path names a file of `content/`.
    let url_safe = |near: &Near, wanted: &str| {
        let stem = |p: &str| {
            let p = p.trim_end_matches('/');
            let p = FOLDER_PAGES
                .iter()
                .find_map(|name| p.strip_suffix(name))
                .unwrap_or(p);
            p.strip_suffix(".md")
                .unwrap_or(p)
                .trim_end_matches('/')
                .to_lowercase()
        };
        let (found, wanted_stem) = (stem(near.item), stem(wanted));
        let distance = strsim::levenshtein(&found, &wanted_stem);
        safe(near, wanted) && safe_to_apply(wanted_stem.chars().count(), distance)
    };
    if path.starts_with('/') && !path.ends_with(".md") {
        // `/guideindex.html`: the page's URL with `index.html` glued on.
        let wanted = wanted.strip_suffix("index.html").unwrap_or(wanted);
        let best = hints.urls().nearest(wanted.trim_end_matches('/'))?;
        return Some(Suggestion {
            path: format!(
                "{}{}/",
                site.config.base_path(),
                url::path_like(best.item, dest)
            ),
            safe: url_safe(&best, wanted),
        });
    }
    if let Some(best) = hints.nearest_path(wanted) {
        let safe = if path.ends_with(".md") {
            safe(&best, wanted)
        } else {
            url_safe(&best, wanted)
        };
        if path.starts_with('/') {
            let path = format!("/{}", url::path_like(best.item, dest));
            return Some(Suggestion { path, safe });
        }
        let page = &site.pages[from].path;
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        let path = url::path_like(&links::relative(dir, best.item), dest).into_owned();
        return Some(Suggestion { path, safe });
    }
    // Written as a URL (`x/`, no `.md`): the URL nearest to either reading, written from the
    // page's own URL as a browser reads it.
    if path.ends_with(".md") {
        return None;
    }
    let by_url = links::by_url(site, from, &path);
    let (best, wanted) = [Some(wanted), by_url.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|url| Some((hints.urls().nearest(url.trim_end_matches('/'))?, url)))?;
    let here = site.pages[from].url.trim_end_matches('/');
    Some(Suggestion {
        path: format!(
            "{}/",
            url::path_like(&links::relative(here, best.item), dest)
        ),
        safe: url_safe(&best, wanted),
    })
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

    fn nearest_path(&self, wanted: &str) -> Option<Near<'a>> {
        let trimmed = wanted.trim_end_matches('/');
        // An extensionless link to a page that exists: the most common mistake of all.
        let guesses: Vec<&'a str> = std::iter::once(format!("{trimmed}.md"))
            .chain(FOLDER_PAGES.iter().map(|name| format!("{trimmed}/{name}")))
            .filter_map(|guess| {
                self.site
                    .by_path
                    .get_key_value(&guess)
                    .map(|(p, _)| p.as_str())
            })
            .collect();
        if let Some(&first) = guesses.first() {
            return Some(Near {
                item: first,
                distance: 0,
                unique: guesses.len() == 1,
            });
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
    pub(super) fn nearest_id(&self, kind: Kind, id: &str) -> Option<Near<'a>> {
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
        index.near(id, typo_limit(id.chars().count()))
    }
}

/// Paths or URLs, looked up as a mistyped one is best matched: the same one in another case,
/// the same name in another folder (the page moved), else the nearest by edit distance.
struct Names<'a> {
    /// By lower case: the entry, and whether another entry has the same lower case.
    by_lowercase: HashMap<String, (&'a str, bool)>,
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
        let mut by_lowercase: HashMap<String, (&str, bool)> = HashMap::new();
        for item in all.clone() {
            by_name.entry(name(item)).or_default().push(item);
            by_lowercase
                .entry(item.to_lowercase())
                .and_modify(|(first, shared)| {
                    *shared = true;
                    *first = (*first).min(item);
                })
                .or_insert((item, false));
        }
        Names {
            by_lowercase,
            by_name,
            name,
            index: Index::new(all),
        }
    }

    /// The entry meant: the same in another case, else the same name in another folder (the
    /// entry moved; its name is not mistyped, so the distance is 0), else the nearest typo.
    fn nearest(&self, wanted: &str) -> Option<Near<'a>> {
        if let Some(&(same, shared)) = self.by_lowercase.get(&wanted.to_lowercase()) {
            return Some(Near {
                item: same,
                distance: 0,
                unique: !shared,
            });
        }
        let name = (self.name)(wanted);
        if let Some(moved) = self
            .by_name
            .get(name)
            .filter(|m| m.len() <= Self::MOVED_CANDIDATES)
        {
            let item = moved
                .iter()
                .min_by_key(|p| (strsim::levenshtein(p, wanted), **p))
                .copied()?;
            return Some(Near {
                item,
                distance: 0,
                unique: moved.len() == 1,
            });
        }
        // A typo: as many edits as the name, not the whole path, makes likely.
        self.index.near(wanted, typo_limit(name.chars().count()))
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
            assert_eq!(
                hints.nearest_path(wanted).map(|n| n.item),
                found,
                "{wanted}"
            );
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
        let id = |kind, id| hints.nearest_id(kind, id).map(|n| n.item);
        assert_eq!(id(Kind::Department, "sles"), Some("sales"));
        assert_eq!(id(Kind::Process, "sales-cal"), Some("sales-call"));
        assert_eq!(id(Kind::Playbook, "sales"), None);
    }
}
