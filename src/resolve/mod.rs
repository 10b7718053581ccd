//! Resolve: the one resolver shared by `build`, `check` and `serve`. It gives every page its
//! place among the others: ids, URLs, where each link and front-matter reference points,
//! backlinks, and the lists the site derives (a department's processes, a process's playbooks).
//!
//! Resolution never fails: what does not resolve is recorded as data ([`Target`],
//! [`RefProblem`]) for [`crate::check`] to turn into diagnostics.

pub mod aliases;
pub mod links;
pub mod nav;
pub mod references;
pub mod tags;

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::model::{Kind, LinkForm, Page, PageIdx};

pub use links::Target;
pub use references::{RefProblem, References};

/// Everything the site is made of, resolved.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Sorted by path.
    pub pages: Vec<Page>,
    /// Non-Markdown files under `content/`, by content-relative path.
    pub assets: BTreeSet<String>,
    /// Files under `static/` and the theme's `static/`, by output path.
    pub static_files: BTreeSet<String>,
    pub by_path: HashMap<String, PageIdx>,
    pub by_url: HashMap<String, PageIdx>,
    /// Department, process and playbook pages by id (the first, by path, when an id repeats).
    pub by_id: HashMap<String, PageIdx>,
    /// Per page, per link (same index as `Page::links`).
    pub targets: Vec<Vec<Target>>,
    pub references: Vec<References>,
    /// Per page: the pages that link to it or name it in front matter, sorted, no repeats.
    pub backlinks: Vec<Vec<PageIdx>>,
    /// Per department: the processes it owns. Per process: its playbooks.
    pub children: Vec<Vec<PageIdx>>,
    /// Whether draft pages are published (`build --drafts`).
    pub drafts: bool,
    /// Department, process and playbook pages (not list pages), each in menu order.
    menus: [Vec<PageIdx>; 3],
    /// Whether tag pages are generated ([`tags::generated`]); pages keep their URLs
    /// between full resolves.
    pub tag_pages: bool,
    /// The slugs of the tags published pages carry: their generated pages are link targets.
    pub tag_slugs: BTreeSet<String>,
    /// Each page's kind, side by side: every front-matter reference checks the kind of the
    /// page it names, which is then one byte here rather than a read of that page. Set by
    /// [`resolve`] only: [`Site::refresh`] takes only edits that keep a page's kind
    /// (`serve::dependents::same_place`).
    kinds: Vec<Kind>,
}

/// Builds the resolved site from loaded pages. Linear in pages plus links.
pub fn resolve(
    config: Config,
    mut pages: Vec<Page>,
    assets: BTreeSet<String>,
    static_files: BTreeSet<String>,
    drafts: bool,
) -> Site {
    // Already sorted in the common case (a walk, or serve's edit in place): skip the moves.
    if !pages.is_sorted_by(|a, b| a.path <= b.path) {
        pages.sort_by(|a, b| a.path.cmp(&b.path));
    }
    // The three maps are built beside each other (each clones a key per page), and beside
    // them the table of every page's anchors, which needs only the pages.
    let ((by_path, anchors), (by_url, (by_id, kinds))) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut by_path =
                        HashMap::with_capacity_and_hasher(pages.len(), Default::default());
                    for (i, page) in pages.iter().enumerate() {
                        by_path.insert(page.path.clone(), i);
                    }
                    by_path
                },
                || links::Anchors::new(&pages),
            )
        },
        || {
            let mut by_url = HashMap::with_capacity_and_hasher(pages.len(), Default::default());
            let mut by_id = HashMap::default();
            let mut kinds = Vec::with_capacity(pages.len());
            for (i, page) in pages.iter().enumerate() {
                by_url.entry(page.url.clone()).or_insert(i);
                kinds.push(page.kind());
                if page.kind() != Kind::Page {
                    by_id.entry(page.id.clone()).or_insert(i);
                }
            }
            (by_url, (by_id, kinds))
        },
    );
    let mut site = Site {
        config,
        pages,
        assets,
        static_files,
        by_path,
        by_url,
        by_id,
        targets: Vec::new(),
        references: Vec::new(),
        backlinks: Vec::new(),
        children: Vec::new(),
        drafts,
        menus: Default::default(),
        tag_pages: false,
        tag_slugs: BTreeSet::new(),
        kinds,
    };
    site.tag_pages = tags::generated(&site);
    site.tag_slugs = tag_slugs(&site);
    // A page's links and its references resolve against the pages alone, in one pass, which
    // also lists what the page links to (its share of the backlinks) while its links are at
    // hand; the menus are sorted beside it.
    let site_ref = &site;
    let (menus, (targets, (references, linked))): (_, (Vec<_>, (Vec<_>, Vec<_>))) = rayon::join(
        || menus(site_ref),
        || {
            (0..site_ref.pages.len())
                .into_par_iter()
                .map(|i| {
                    let targets = links::resolve_page(site_ref, anchors.as_ref(), i);
                    let references = references::resolve(site_ref, i);
                    let linked = linked_by(site_ref, i, &targets, &references);
                    (targets, (references, linked))
                })
                .unzip()
        },
    );
    site.menus = menus;
    site.targets = targets;
    site.references = references;
    (site.backlinks, site.children) = rayon::join(|| backlinks(&linked), || children(&site));
    site
}

fn resolve_links(site: &Site, i: PageIdx) -> Vec<Target> {
    links::resolve_page(site, None, i)
}

fn menus(site: &Site) -> [Vec<PageIdx>; 3] {
    [Kind::Department, Kind::Process, Kind::Playbook].map(|kind| {
        let mut list: Vec<PageIdx> = (0..site.pages.len())
            .filter(|&i| {
                site.pages[i].kind() == kind && site.pages[i].role == crate::model::Role::Single
            })
            .collect();
        site.sort_pages(&mut list);
        list
    })
}

impl Site {
    /// Replaces pages by new versions of themselves and resolves again what that can change:
    /// each new version has the same id, URL, kind and draft state (the caller checks), so
    /// only the edited pages' own links and references, and those of the pages that link to
    /// or name them (an anchor or a stage may have come or gone), can resolve differently.
    /// Linear in those pages' links; the derived lists are rebuilt only when a page moved in
    /// menu order or changed parent.
    ///
    /// Returns, sorted, the pages whose links or references were resolved again and those
    /// that gained or lost a backlink: what `check` may judge differently.
    pub fn refresh(&mut self, edits: Vec<(PageIdx, Page)>) -> Vec<PageIdx> {
        let mut dirty: Vec<PageIdx> = Vec::new();
        for (i, _) in &edits {
            dirty.push(*i);
            dirty.extend(self.backlinks[*i].iter().copied());
        }
        dirty.sort_unstable();
        dirty.dedup();
        // What each page links to, read before the new versions come in.
        let before: Vec<Vec<PageIdx>> = dirty.iter().map(|&i| linked(self, i)).collect();
        let parents: Vec<_> = dirty.iter().map(|&i| parent(self, i)).collect();
        let mut reorder = false;
        for (i, page) in edits {
            let old = &self.pages[i];
            reorder |= old.common.weight != page.common.weight || old.title != page.title;
            debug_assert_eq!(
                self.kinds[i],
                page.kind(),
                "a kind changes by a full resolve"
            );
            self.pages[i] = page;
        }
        // A tag that came or went makes links to its page resolve differently, wherever they
        // are: rare enough to resolve every page's links again.
        let slugs = tag_slugs(self);
        let everything = slugs != self.tag_slugs;
        if everything {
            self.tag_slugs = slugs;
            dirty = (0..self.pages.len()).collect();
        }
        let site = &*self;
        let targets: Vec<Vec<Target>> = dirty.par_iter().map(|&i| resolve_links(site, i)).collect();
        let references: Vec<References> = dirty
            .iter()
            .map(|&i| references::resolve(site, i))
            .collect();
        for ((&i, t), r) in dirty.iter().zip(targets).zip(references) {
            self.targets[i] = t;
            self.references[i] = r;
        }
        // (With `everything`, `before` and `parents` do not line up with `dirty`: all is
        // rebuilt below.)
        reorder |= everything
            || dirty
                .iter()
                .zip(parents)
                .any(|(&i, was)| parent(self, i) != was);
        let mut touched = dirty.clone();
        if everything {
            let linked: Vec<Vec<PageIdx>> = (0..self.pages.len())
                .into_par_iter()
                .map(|from| linked(self, from))
                .collect();
            self.backlinks = backlinks(&linked);
        } else {
            // Only the pages resolved again link differently: move their backlinks.
            for (&from, old) in dirty.iter().zip(before) {
                let new = linked(self, from);
                for &to in old.iter().filter(|to| new.binary_search(to).is_err()) {
                    if let Ok(at) = self.backlinks[to].binary_search(&from) {
                        self.backlinks[to].remove(at);
                    }
                    touched.push(to);
                }
                for &to in new.iter().filter(|to| old.binary_search(to).is_err()) {
                    if let Err(at) = self.backlinks[to].binary_search(&from) {
                        self.backlinks[to].insert(at, from);
                    }
                    touched.push(to);
                }
            }
        }
        if reorder {
            self.children = children(self);
            self.menus = menus(self);
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }
}

/// The pages page `from` links to or names, sorted, no repeats, not itself: its share of
/// [`Site::backlinks`].
fn linked(site: &Site, from: PageIdx) -> Vec<PageIdx> {
    linked_by(site, from, &site.targets[from], &site.references[from])
}

/// [`linked`], from the page's resolved links and references.
fn linked_by(
    site: &Site,
    from: PageIdx,
    targets: &[Target],
    references: &References,
) -> Vec<PageIdx> {
    // Made once at the most it can hold: collected from the filters below, it grew from empty.
    let mut to: Vec<PageIdx> = Vec::with_capacity(targets.len() + references.pages().count());
    to.extend(
        site.pages[from]
            .links
            .iter()
            .zip(targets)
            // An unused reference definition is not published: it links nowhere.
            .filter(|(link, _)| link.form != LinkForm::UnusedDefinition)
            .filter_map(|(_, target)| target.page())
            .chain(references.pages())
            .filter(|&to| to != from),
    );
    to.sort_unstable();
    to.dedup();
    to
}

/// The tags with a generated page, by slug; none when the site has a `/tags/` of its own.
fn tag_slugs(site: &Site) -> BTreeSet<String> {
    if !site.tag_pages {
        return BTreeSet::new();
    }
    tags::tags(site).into_iter().map(|tag| tag.slug).collect()
}

/// Every page's backlinks from what each page links to ([`linked`]): taken in page order,
/// each list comes out sorted, without repeats.
fn backlinks(linked: &[Vec<PageIdx>]) -> Vec<Vec<PageIdx>> {
    // Each list made as long as it will be: grown link by link, the lists took fresh memory
    // for every doubling (at 10,000 pages, several milliseconds of the kernel zeroing pages).
    let mut counts = vec![0usize; linked.len()];
    for &to in linked.iter().flatten() {
        counts[to] += 1;
    }
    let mut backlinks: Vec<Vec<PageIdx>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (from, to) in linked.iter().enumerate() {
        for &to in to {
            backlinks[to].push(from);
        }
    }
    backlinks
}

/// The page that lists page `i` among its children: a process's owner, a playbook's process.
fn parent(site: &Site, i: PageIdx) -> Option<PageIdx> {
    let refs = &site.references[i];
    match site.pages[i].kind() {
        Kind::Process => refs.owner,
        Kind::Playbook => refs.process,
        _ => None,
    }
}

/// A department's processes (by `owner`) and a process's playbooks (by `process`), in order.
fn children(site: &Site) -> Vec<Vec<PageIdx>> {
    let mut children: Vec<Vec<PageIdx>> = vec![Vec::new(); site.pages.len()];
    for i in 0..site.pages.len() {
        if let Some(parent) = parent(site, i) {
            children[parent].push(i);
        }
    }
    for list in &mut children {
        site.sort_pages(list);
    }
    children
}

impl Site {
    /// Orders pages as menus show them: by `weight`, then title.
    pub fn sort_pages(&self, list: &mut [PageIdx]) {
        list.sort_by(|&a, &b| self.menu_key(a).cmp(&self.menu_key(b)));
    }

    /// What menus order pages by: `weight`, then title; the path makes it unique.
    pub fn menu_key(&self, page: PageIdx) -> (i64, &str, &str) {
        let page = &self.pages[page];
        (
            page.common.weight.unwrap_or(i64::MAX),
            &page.title,
            &page.path,
        )
    }

    /// Pages of one kind, in menu order (none for plain pages).
    pub fn of_kind(&self, kind: Kind) -> &[PageIdx] {
        match kind {
            Kind::Department => &self.menus[0],
            Kind::Process => &self.menus[1],
            Kind::Playbook => &self.menus[2],
            Kind::Page => &[],
        }
    }

    /// Whether a page goes into the output.
    pub fn is_published(&self, page: PageIdx) -> bool {
        self.drafts || !self.pages[page].common.draft
    }

    /// A page's URL in the output: `base_url` and the page's path, percent-encoded
    /// ([`Config::url`]); the page's file keeps the raw name (`my page/index.html`).
    pub fn page_url(&self, page: PageIdx) -> String {
        self.config.url(&self.pages[page].url)
    }

    /// The URL of an anchor (a heading or stage id) of a page: `/processes/x/#demo`.
    pub fn anchor_url(&self, page: PageIdx, id: &str) -> String {
        crate::url::anchor(&self.page_url(page), id)
    }

    /// The page of folder `dir` (`a/b`, or `` for the home page): its `index.md` or `_index.md`.
    pub fn folder_page(&self, dir: &str) -> Option<PageIdx> {
        let dir = dir.trim_end_matches('/');
        // One buffer for both names: every link to a folder asks.
        let mut path = String::with_capacity(dir.len() + "/_index.md".len());
        if !dir.is_empty() {
            path.push_str(dir);
            path.push('/');
        }
        let folder = path.len();
        crate::load::FOLDER_PAGES.iter().find_map(|name| {
            path.truncate(folder);
            path.push_str(name);
            self.by_path.get(path.as_str()).copied()
        })
    }

    /// The id-addressable page named `id`, if it is of `kind`.
    pub fn page_of_kind(&self, id: &str, kind: Kind) -> Option<PageIdx> {
        self.by_id
            .get(id)
            .copied()
            .filter(|&i| self.kind(i) == kind)
    }

    /// A page's kind (pages keep theirs across [`Site::refresh`]).
    pub fn kind(&self, page: PageIdx) -> Kind {
        self.kinds[page]
    }
}
