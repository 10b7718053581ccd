//! The preview's state: the last loaded site, the last good output in memory, and the
//! incremental rebuild that `serve` runs for each batch of changed files.
//!
//! A change re-reads and re-parses only the files that changed. When the pages stay what and
//! where they were (same id, URL, kind: the common edit), [`Site::refresh`] resolves again
//! only their links and references and those of the pages that point at them, and moves the
//! backlinks that changed; `check` runs again only on those pages and the pages that gained or
//! lost a backlink (each page's own problems are kept), and the rules between pages only when
//! an id's place or an alias changed. Otherwise (a page added, removed or moved, `static/`,
//! the theme, `handbook.yaml`) the whole site is resolved and checked again, still without
//! reading anything else. Then only the pages whose HTML can change are rendered: the page
//! itself, and when its public face (title, URL, stages, references...) or its outgoing links
//! change, the pages that list or link it; the sitemap, redirects and tag pages only when a
//! face, review date, alias or tag changed. A theme, template or `handbook.yaml` change, the
//! sidebar changing (a page added or gone changes its counts), or the first good build after
//! an error, renders everything. Publishing a page edit copies the last published map and
//! puts the new pages in.
//!
//! Each rebuild records how long each of its steps took ([`Preview::timings`]): `serve -v`
//! prints them.
//!
//! Errors keep the last good output served, once there is one. Until then (a handbook opened
//! with errors in it) the pages are rendered as they are, broken links as written, as a
//! baselined build renders them: the preview is where errors get fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::load;
use crate::model::{Page, PageIdx, Pos};
use crate::render::Theme;
use crate::resolve::{self, Site};
use crate::site::{self, RunError, page_file, site_files, static_files};
use crate::walk;

use super::dependents::{Before, affected, same_place, sidebar};
use crate::write::{Contents, OutputFile};

/// A changed Markdown file: its path and, unless it is gone, the page loaded from it.
type Update = (String, Option<(Option<Page>, Vec<Diagnostic>)>);

/// One file of the served site.
#[derive(Debug, Clone)]
pub enum Served {
    Bytes(Bytes),
    /// An asset or static file, read from disk when asked for (never a path from a request).
    File(PathBuf),
}

/// The output as browsers see it: path (no leading `/`) -> file.
pub type Files = HashMap<String, Served>;

/// What one rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    pub rendered: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Every page was rendered (theme, config, or recovery from an error).
    pub full: bool,
}

pub struct Preview {
    root: PathBuf,
    site: Site,
    theme: Option<Theme>,
    statics: Vec<(String, PathBuf)>,
    /// What the walk of `static/` reported (bad symlinks).
    static_problems: Vec<Diagnostic>,
    /// Every file under `content/` that is content (Markdown and assets), by the walk's rule.
    listed: HashSet<String>,
    /// Content files reached through a symlink, by the file they are: re-read when it changes.
    linked: HashMap<PathBuf, Vec<String>>,
    /// What the walk of `content/` reported (bad symlinks, FIFOs, unreadable folders).
    walk_problems: Vec<Diagnostic>,
    /// Load problems (front matter, unreadable files) by content path, replaced as files change.
    load_problems: BTreeMap<String, Vec<Diagnostic>>,
    theme_problem: Option<Diagnostic>,
    config_problems: Vec<Diagnostic>,
    /// Everything `check` would report about the current files, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Each page's own problems ([`crate::check::pages`]), by page, as of `checked_on`: an
    /// edit checks again only the pages it can reach.
    own_problems: Vec<Vec<Diagnostic>>,
    checked_on: Option<jiff::civil::Date>,
    /// What [`crate::check::site_rules`] last found, and whether an edit may change it.
    site_problems: Vec<Diagnostic>,
    site_rules_stale: bool,
    /// Whether an edit may have changed the files that are not pages (sitemap, redirects,
    /// tag pages): only those of a page's face, review date, aliases or tags do.
    others_stale: bool,
    /// The last good output: pages by content path, other files by output path.
    pages: HashMap<String, (String, Bytes)>,
    others: Files,
    /// The last rebuild failed: the next good one renders everything.
    stale: bool,
    /// A rebuild without errors has happened: from then on, errors keep its output served.
    built_clean: bool,
    /// The steps of the last rebuild and how long each took.
    pub timings: site::Timings,
    files: Arc<Files>,
    /// The pages (content paths) rendered since `files` was made, when nothing else changed:
    /// publishing adds them to a copy of it rather than building the map again. `None`: build
    /// it again (pages gone or moved, other files changed).
    patch: Option<Vec<String>>,
    /// Whether pages are indexed for search (and the theme shows the search box).
    search: bool,
    /// Pages rendered since the search index last took them (output files), and whether
    /// the index must start afresh (pages gone or moved).
    unindexed: (bool, HashSet<String>),
}

impl Preview {
    /// Loads and renders the whole site. Content errors are not a failure: they show in the
    /// overlay, and so do mistakes in `handbook.yaml` (the defaults stand in until it is
    /// fixed). Only a missing root or `handbook.yaml`, or one that cannot be read, is.
    pub fn open(root: &Path) -> Result<(Preview, Rebuild), RunError> {
        Preview::open_with(root, true)
    }

    /// [`Preview::open`], with or without search.
    pub fn open_with(root: &Path, search: bool) -> Result<(Preview, Rebuild), RunError> {
        let (config, config_problems) = match Config::load(root) {
            Ok(config) => (config, Vec::new()),
            Err(ConfigError::Invalid(problems)) => match Config::parse("") {
                Ok(defaults) => (defaults, problems),
                Err(_) => return Err(ConfigError::Invalid(problems).into()),
            },
            Err(other) => return Err(other.into()),
        };
        let content = load::content(root, &load::Options::new(&config, true))?;
        let mut load_problems: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for d in content.diagnostics {
            let path = d
                .file
                .strip_prefix("content/")
                .unwrap_or(&d.file)
                .to_string();
            load_problems.entry(path).or_default().push(d);
        }
        let (theme, theme_problem) = match Theme::load(root, &config.theme) {
            Ok(t) => (Some(t), None),
            Err(d) => (None, Some(d)),
        };
        let (statics, static_problems) = static_files(root);
        let mut listing = content.listing;
        listing.assets.clone_from(&content.assets);
        let site = resolve::resolve(
            config,
            content.pages,
            content.assets.into_iter().collect(),
            BTreeSet::new(),
            true,
        );
        let mut preview = Preview {
            root: root.to_path_buf(),
            site,
            theme,
            statics,
            static_problems,
            listed: HashSet::new(),
            linked: HashMap::new(),
            walk_problems: Vec::new(),
            load_problems,
            theme_problem,
            config_problems,
            diagnostics: Vec::new(),
            own_problems: Vec::new(),
            checked_on: None,
            site_problems: Vec::new(),
            site_rules_stale: true,
            others_stale: true,
            pages: HashMap::new(),
            others: HashMap::new(),
            stale: true,
            built_clean: false,
            timings: site::Timings::start(),
            files: Arc::new(HashMap::new()),
            patch: None,
            search,
            unindexed: (true, HashSet::new()),
        };
        preview.remember(listing);
        let report = preview.rebuild(Vec::new(), Vec::new(), true, true);
        Ok((preview, report))
    }

    /// The files to serve: the last good output.
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// The handbook's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The pages' language (`language` in handbook.yaml), for the search index.
    pub fn language(&self) -> &str {
        &self.site.config.language
    }

    /// The pages rendered since the last call, with their HTML, for the search index; `None`
    /// without search or when nothing was rendered.
    pub fn take_search_batch(&mut self) -> Option<super::search::Batch> {
        if !self.search {
            return None;
        }
        let (fresh, files) = std::mem::take(&mut self.unindexed);
        if files.is_empty() && !fresh {
            return None;
        }
        let mut pages: Vec<(String, Bytes)> = self
            .pages
            .values()
            .filter(|(file, _)| fresh || files.contains(file))
            .cloned()
            .collect();
        // In the order `build` indexes them, so results rank ties alike.
        pages.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Some(super::search::Batch { fresh, pages })
    }

    /// Whether errors show over the last good output (a clean build happened since the
    /// preview opened), rather than over the pages as they are.
    pub fn showing_last_good(&self) -> bool {
        self.built_clean
    }

    pub fn base_path(&self) -> &str {
        self.site.config.base_path()
    }

    /// The source text of a file named in a diagnostic, for code frames.
    pub fn source(&self, file: &str) -> Option<String> {
        walk::read_source(&self.root, file, self.site.config.max_page_size.as_u64())
    }

    /// Applies a batch of changed paths (absolute or relative to the root).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Rebuild {
        let mut full = false;
        let mut content_changes: Vec<String> = Vec::new();
        let mut rescan = false;
        // `content/` itself went or came back: any page in it may differ.
        let mut reread = false;
        // Files appear or go: links elsewhere may start or stop resolving.
        let mut structural = false;
        for path in changed {
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.split('/').any(load::is_ignored) {
                continue;
            }
            if rel == "handbook.yaml" {
                full = true;
                if self.reload_config() {
                    // Pages refused as too large (or read under a larger limit) are read again.
                    rescan = true;
                    content_changes
                        .extend(self.listed.iter().filter(|p| p.ends_with(".md")).cloned());
                }
            } else if rel.starts_with("templates/")
                || rel == "templates"
                || rel.starts_with("themes/")
                || rel == "themes"
            {
                full = true;
                self.reload_theme();
            } else if rel.starts_with("static/") || rel == "static" {
                (self.statics, self.static_problems) = static_files(&self.root);
                structural = true;
            } else if let Some(content) = rel.strip_prefix("content/") {
                // A plain file is content exactly when the walk would list it; anything else
                // (a folder, a symlink, a file gone or odd) is left to the walk itself, so the
                // preview never holds a page that `build` would skip (README, "Symlinks").
                if walk::is_plain_file(&self.root.join("content"), content) {
                    self.listed.insert(content.to_string());
                    content_changes.push(content.to_string());
                } else {
                    rescan = true;
                    if content.ends_with(".md") {
                        content_changes.push(content.to_string());
                    }
                }
                if let Ok(real) = std::fs::canonicalize(self.root.join(&rel)) {
                    content_changes.extend(self.linked.get(&real).into_iter().flatten().cloned());
                }
            } else if rel == "content" {
                rescan = true;
                reread = true;
            }
        }
        if rescan {
            content_changes.extend(self.rescan_content(reread));
        }
        content_changes.sort();
        content_changes.dedup();
        if !(full || rescan || structural) && content_changes.is_empty() {
            // Nothing the site is made of changed.
            let (errors, warnings) = diagnostic::counts(&self.diagnostics);
            return Rebuild {
                rendered: 0,
                errors,
                warnings,
                full: false,
            };
        }
        let (updates, assets) = self.read_changes(&content_changes);
        structural |= rescan || !assets.is_empty();
        self.apply_assets(assets);
        self.rebuild(content_changes, updates, full, structural)
    }

    /// Reloads `handbook.yaml`; true when pages load differently (the page size limit, or the
    /// declared front-matter keys, changed).
    fn reload_config(&mut self) -> bool {
        match Config::load(&self.root) {
            Ok(config) => {
                self.config_problems.clear();
                let theme_changed = config.theme != self.site.config.theme;
                let loading_changed = config.max_page_size != self.site.config.max_page_size
                    || config.front_matter.extra_keys != self.site.config.front_matter.extra_keys;
                self.site.config = config;
                if theme_changed {
                    self.reload_theme();
                }
                loading_changed
            }
            Err(e) => {
                self.config_problems = config_diagnostics(e);
                false
            }
        }
    }

    fn reload_theme(&mut self) {
        match Theme::load(&self.root, &self.site.config.theme) {
            Ok(theme) => {
                self.theme = Some(theme);
                self.theme_problem = None;
            }
            Err(d) => self.theme_problem = Some(d),
        }
    }

    /// Lists `content/` (names only, nothing read) and returns the Markdown paths added or
    /// removed since the last load (for folder renames and deletes), or with `everything`,
    /// every path there was or is.
    fn rescan_content(&mut self, everything: bool) -> Vec<String> {
        // No `content/` (deleted): every page goes, and the overlay says what that breaks.
        let listing = load::list(&self.root).unwrap_or_default();
        let now: HashSet<&String> = listing.markdown.iter().collect();
        let mut changed: Vec<String> = listing
            .markdown
            .iter()
            .filter(|p| everything || !self.site.by_path.contains_key(*p))
            .cloned()
            .collect();
        changed.extend(
            self.site
                .by_path
                .keys()
                .filter(|p| !now.contains(p))
                .cloned(),
        );
        self.site.assets = listing.assets.iter().cloned().collect();
        self.remember(listing);
        changed
    }

    /// Keeps what a walk of `content/` found, for the next batch of changes.
    fn remember(&mut self, listing: load::Listing) {
        self.listed = listing.markdown.into_iter().chain(listing.assets).collect();
        self.linked.clear();
        for (path, real) in listing.linked {
            self.linked.entry(real).or_default().push(path);
        }
        self.walk_problems = listing.diagnostics;
    }

    /// Reads and parses the changed Markdown files (in parallel); a path whose file is gone
    /// maps to `None`. Non-Markdown paths come back as asset changes.
    fn read_changes(&self, paths: &[String]) -> (Vec<Update>, Vec<(String, bool)>) {
        let content_dir = self.root.join("content");
        let options = load::Options::new(&self.site.config, true);
        // Every path that is not a plain file was walked again before this: `listed` is fresh.
        let exists = |p: &str| walk::is_plain_file(&content_dir, p) || self.listed.contains(p);
        let (markdown, assets): (Vec<&String>, Vec<&String>) =
            paths.iter().partition(|p| p.ends_with(".md"));
        let updates = markdown
            .par_iter()
            .map(|path| {
                (
                    path.to_string(),
                    exists(path).then(|| load::read_page(&content_dir, path, &options)),
                )
            })
            .collect();
        let assets = assets.into_iter().map(|p| (p.clone(), exists(p))).collect();
        (updates, assets)
    }

    fn apply_assets(&mut self, assets: Vec<(String, bool)>) {
        for (path, exists) in assets {
            if exists {
                self.site.assets.insert(path);
            } else {
                self.site.assets.remove(&path);
            }
        }
    }

    /// Re-resolves and re-checks with the updated pages, then renders what changed.
    fn rebuild(
        &mut self,
        changed: Vec<String>,
        updates: Vec<Update>,
        full: bool,
        structural: bool,
    ) -> Rebuild {
        let mut lap = site::Timings::start();
        // What the changed pages looked like to the rest of the site, before the change.
        let before = Before::of(&self.site, &changed);
        let sidebar_before = sidebar(&self.site);
        lap.lap("before");

        let in_place = !full
            && !structural
            && updates.iter().all(
                |(path, update)| match (update, self.site.by_path.get(path)) {
                    (Some((Some(new), _)), Some(&i)) => same_place(&self.site.pages[i], new),
                    _ => false,
                },
            );
        // The pages `check` may judge differently; `None`: every page.
        let mut recheck: Option<Vec<PageIdx>> = None;
        if in_place {
            // The common edit: same pages at the same places. Only links and references
            // that can see the change are resolved again.
            let mut edits = Vec::with_capacity(updates.len());
            // A page read less (or more) whole than before changes what the rules stay quiet
            // about anywhere (root causes): every page is checked again.
            let mut unread_changed = false;
            for (path, update) in updates {
                self.load_problems.remove(&path);
                if let (Some((Some(page), problems)), Some(&i)) =
                    (update, self.site.by_path.get(&path))
                {
                    if !problems.is_empty() {
                        self.load_problems.insert(path, problems);
                    }
                    let old = &self.site.pages[i];
                    unread_changed |= old.unread != page.unread;
                    // What the rules between pages and the files beside the pages read.
                    self.site_rules_stale |=
                        old.id_pos != page.id_pos || old.common.aliases != page.common.aliases;
                    self.others_stale |= old.common.aliases != page.common.aliases
                        || old.common.last_reviewed != page.common.last_reviewed
                        || old.common.tags != page.common.tags;
                    edits.push((i, page));
                }
            }
            let touched = self.site.refresh(edits);
            if !unread_changed {
                recheck = Some(touched);
            }
        } else {
            self.reresolve(updates);
            self.site_rules_stale = true;
            self.others_stale = true;
        }
        lap.lap("resolve");

        let mut diagnostics: Vec<Diagnostic> =
            self.load_problems.values().flatten().cloned().collect();
        diagnostics.extend(self.walk_problems.iter().cloned());
        diagnostics.extend(self.static_problems.iter().cloned());
        if let (Some(theme), None) = (&self.theme, &self.theme_problem) {
            diagnostics.extend(theme.diagnostics.iter().cloned());
        }
        diagnostics.extend(self.theme_problem.clone());
        diagnostics.extend(self.config_problems.iter().cloned());
        diagnostics.extend(self.check(recheck));
        lap.lap("check");
        diagnostic::sort(&mut diagnostics);
        self.diagnostics = diagnostics;
        lap.lap("sort");
        let (errors, warnings) = diagnostic::counts(&self.diagnostics);
        let mut report = Rebuild {
            rendered: 0,
            errors,
            warnings,
            full: false,
        };
        if errors > 0 && self.built_clean {
            self.stale = true;
            self.publish();
            lap.lap("publish");
            self.timings = lap;
            return report;
        }

        let render_all = full || self.stale || sidebar(&self.site) != sidebar_before;
        let targets: Vec<PageIdx> = if render_all {
            (0..self.site.pages.len()).collect()
        } else {
            let (targets, faces_changed) = affected(&self.site, &changed, &before);
            self.others_stale |= faces_changed;
            targets
        };
        lap.lap("affected");
        let failures = if errors > 0 {
            self.render_what_renders(&targets, render_all)
        } else {
            self.render(&targets, render_all)
                .map(|rendered| (rendered, Vec::new()))
                .unwrap_or_else(|d| (0, vec![d]))
        };
        let (rendered, failed) = failures;
        lap.lap("render");
        report.rendered = rendered;
        report.full = render_all;
        // Without a working theme nothing rendered: the next render must be a whole one.
        if failed.is_empty() && self.theme.is_some() && self.theme_problem.is_none() {
            self.stale = false;
            self.built_clean |= errors == 0;
        } else {
            report.errors += failed.len();
            self.diagnostics.extend(failed);
            diagnostic::sort(&mut self.diagnostics);
            self.stale = true;
        }
        self.publish();
        lap.lap("publish");
        self.timings = lap;
        report
    }

    /// What `check` reports about the site, sorted: the pages of `recheck` (every page when
    /// `None`, or when the day changed: pages go stale) checked again, the others' problems
    /// as they were, and the rules between pages, which are cheap, run whole.
    fn check(&mut self, recheck: Option<Vec<PageIdx>>) -> Vec<Diagnostic> {
        let today = site::today();
        let recheck = recheck.filter(|_| {
            self.checked_on == Some(today) && self.own_problems.len() == self.site.pages.len()
        });
        match recheck {
            Some(pages) => {
                let found = crate::check::pages(&self.site, &pages, today);
                for (i, problems) in pages.into_iter().zip(found) {
                    self.own_problems[i] = problems;
                }
            }
            None => {
                let all: Vec<PageIdx> = (0..self.site.pages.len()).collect();
                self.own_problems = crate::check::pages(&self.site, &all, today);
                self.checked_on = Some(today);
            }
        }
        if std::mem::take(&mut self.site_rules_stale) {
            self.site_problems = crate::check::site_rules(&self.site);
        }
        // As `check::check` gathers them.
        let mut out: Vec<Diagnostic> = self.own_problems.iter().flatten().cloned().collect();
        out.extend(self.site_problems.iter().cloned());
        diagnostic::sort(&mut out);
        out
    }

    /// Renders each page that renders, for a handbook with errors and no good build yet; a
    /// template that fails is reported once however many pages use it, and their pages are
    /// left out (the 404 page, with the overlay, answers for them).
    fn render_what_renders(&mut self, targets: &[PageIdx], all: bool) -> (usize, Vec<Diagnostic>) {
        self.patch = None;
        let theme = match self.theme.as_mut() {
            Some(theme) if self.theme_problem.is_none() => theme,
            // The theme's problem is among the diagnostics already. Pages rendered by the
            // theme as it was (kept for after a good build) would no longer follow the
            // content: none are served.
            _ => {
                self.pages.clear();
                self.others.clear();
                self.unindexed.0 = true;
                return (0, Vec::new());
            }
        };
        theme.set_site(&self.site);
        let site = &self.site;
        let theme = &*theme;
        let results: Vec<(PageIdx, Result<Bytes, Diagnostic>)> = targets
            .par_iter()
            .map(|&i| (i, theme.render_page(site, i).map(Bytes::from)))
            .collect();
        let mut failed = Vec::new();
        let had = self.pages.len();
        if all {
            self.pages.clear();
        }
        self.pages.retain(|path, _| site.by_path.contains_key(path));
        // As in a good rebuild: a page gone or moved needs a fresh search index.
        let mut fresh = all || self.pages.len() < had;
        let mut rendered = 0;
        for (i, result) in results {
            let path = &site.pages[i].path;
            match result {
                Ok(html) => {
                    let file = page_file(site, i);
                    self.unindexed.1.insert(file.clone());
                    if let Some((old, _)) = self.pages.insert(path.clone(), (file.clone(), html)) {
                        fresh |= old != file;
                    }
                    rendered += 1;
                }
                Err(d) => {
                    fresh |= self.pages.remove(path).is_some();
                    failed.push(d);
                }
            }
        }
        self.unindexed.0 |= fresh;
        match site_files(site, theme, &self.root, &self.statics) {
            Ok(others) => {
                self.others = served(others);
                self.others_stale = false;
            }
            Err(d) => failed.push(d),
        }
        failed.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        failed.dedup();
        (rendered, failed)
    }

    /// Replaces, adds and removes pages, then resolves the whole site again.
    fn reresolve(&mut self, updates: Vec<Update>) {
        let mut pages: Vec<Page> = std::mem::take(&mut self.site.pages);
        let mut index: HashMap<String, usize> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.clone(), i))
            .collect();
        let mut removed: HashSet<usize> = HashSet::new();
        for (path, update) in updates {
            self.load_problems.remove(&path);
            match update {
                Some((page, problems)) => {
                    if !problems.is_empty() {
                        self.load_problems.insert(path.clone(), problems);
                    }
                    match (page, index.get(&path)) {
                        (Some(page), Some(&i)) => pages[i] = page,
                        (Some(page), None) => {
                            index.insert(path, pages.len());
                            pages.push(page);
                        }
                        (None, Some(&i)) => {
                            removed.insert(i);
                        }
                        (None, None) => {}
                    }
                }
                None => {
                    if let Some(&i) = index.get(&path) {
                        removed.insert(i);
                    }
                }
            }
        }
        if !removed.is_empty() {
            pages = pages
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !removed.contains(i))
                .map(|(_, p)| p)
                .collect();
        }

        let mut statics: BTreeSet<String> = self.statics.iter().map(|(p, _)| p.clone()).collect();
        if let Some(theme) = &self.theme {
            statics.extend(theme.static_files.iter().map(|(p, _)| p.clone()));
        }
        let config = self.site.config.clone();
        let assets = std::mem::take(&mut self.site.assets);
        self.site = resolve::resolve(config, pages, assets, statics, true);
    }

    fn render(&mut self, targets: &[PageIdx], all: bool) -> Result<usize, Diagnostic> {
        let Some(theme) = self.theme.as_mut() else {
            return Err(self.theme_problem.clone().unwrap_or_else(|| {
                Diagnostic::error(
                    Code::Template,
                    "themes",
                    Pos::default(),
                    "the theme did not load",
                )
            }));
        };
        theme.search = self.search;
        theme.set_site(&self.site);
        let site = &self.site;
        let theme = &*theme;
        // The list pages first: each is large (it lists thousands of pages at 10,000) and
        // renders on one thread, so started last it would keep the others waiting.
        let mut order = targets.to_vec();
        order.sort_by_key(|&i| !site.pages[i].is_list());
        let rendered: Vec<(String, String, Bytes)> = order
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                theme.render_page(site, i).map(|html| {
                    (
                        site.pages[i].path.clone(),
                        page_file(site, i),
                        Bytes::from(html),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let others = if all || self.others_stale {
            Some(site_files(site, theme, &self.root, &self.statics)?)
        } else {
            None
        };
        let had = self.pages.len();
        if all {
            self.pages.clear();
        }
        self.pages.retain(|path, _| site.by_path.contains_key(path));
        // A page gone or moved stays in a search index: only a fresh one forgets it.
        let mut fresh = all || self.pages.len() < had;
        let count = rendered.len();
        for (path, file, html) in rendered {
            self.unindexed.1.insert(file.clone());
            if let Some((old, _)) = self.pages.insert(path, (file.clone(), html)) {
                fresh |= old != file;
            }
        }
        self.unindexed.0 |= fresh;
        match others {
            Some(others) => {
                self.others = served(others);
                self.others_stale = false;
                self.patch = None;
            }
            None if fresh => self.patch = None,
            None => {
                if let Some(patch) = &mut self.patch {
                    patch.extend(targets.iter().map(|&i| site.pages[i].path.clone()));
                }
            }
        }
        Ok(count)
    }

    /// Makes the last good output what the server answers with.
    fn publish(&mut self) {
        let files = match self.patch.take() {
            Some(paths) if paths.is_empty() => return,
            Some(paths) => {
                // Pages override other files, as below.
                let mut files: Files = (*self.files).clone();
                for (file, html) in paths.iter().filter_map(|p| self.pages.get(p)) {
                    files.insert(file.clone(), Served::Bytes(html.clone()));
                }
                files
            }
            None => {
                let mut files: Files = self.others.clone();
                for (file, html) in self.pages.values() {
                    files.insert(file.clone(), Served::Bytes(html.clone()));
                }
                files
            }
        };
        self.files = Arc::new(files);
        self.patch = Some(Vec::new());
    }
}

/// Output files as the server answers with them: bytes in memory, copies read when asked for.
fn served(files: Vec<OutputFile>) -> Files {
    files
        .into_iter()
        .map(|f| {
            let served = match f.contents {
                Contents::Bytes(b) => Served::Bytes(Bytes::from(b)),
                Contents::Copy(p) => Served::File(p),
            };
            (f.path, served)
        })
        .collect()
}

/// What a handbook.yaml that cannot be used says, for the overlay.
fn config_diagnostics(error: ConfigError) -> Vec<Diagnostic> {
    match error {
        ConfigError::Invalid(problems) => problems,
        other => vec![Diagnostic::error(
            Code::Config,
            crate::config::FILE,
            Pos::default(),
            other.to_string(),
        )],
    }
}
