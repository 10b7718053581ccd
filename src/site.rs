//! The pipeline end to end, as `build` and `check` run it: load -> resolve -> check ->
//! render -> write. Each function here only calls the stages in order; the stages do the work.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::baseline::{self, Baseline, BaselineError};
use crate::config::{Config, ConfigError};
use crate::diagnostic::{self, Diagnostic, key::Key};
use crate::load::{self, LoadError};
use crate::render::Theme;
use crate::resolve::{self, Site, aliases};
use crate::search;
use crate::write::{self, Contents, OutputFile, WriteError};

/// Why a command could not run at all (exit status 2), as opposed to content with errors.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
}

/// What to load and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Publish draft pages.
    pub drafts: bool,
    /// Replaces `base_url` from `handbook.yaml`.
    pub base_url: Option<String>,
    /// Render page bodies to HTML while loading (`build` needs them, `check` does not).
    pub html: bool,
    /// Index the built pages for search, and show the search box (README, "Search").
    pub search: bool,
    /// Write every URL relative to its page (`--relative-urls`): `base_url` is `/` for the
    /// run, and the written pages are rewritten by [`crate::render::relative`].
    pub relative_urls: bool,
    /// Which baseline to hold the problems against.
    pub baseline: UseBaseline,
    /// Warnings fail the run too (`--deny-warnings`): `build` then writes nothing.
    pub deny_warnings: bool,
    /// Nothing is rendered from the pages but a sample of each template (`check`): their
    /// bodies are not hashed ([`crate::load::Options::hash_bodies`]).
    pub check_only: bool,
}

/// Where the baseline comes from (README, "Baseline").
#[derive(Debug, Clone, Default)]
pub enum UseBaseline {
    /// None: every problem counts (`new`, `serve`, `check --write-baseline`).
    #[default]
    Off,
    /// The file `baseline:` in handbook.yaml names, if it names one.
    Configured,
    /// This file (`--baseline`), whatever handbook.yaml says.
    File(PathBuf),
}

/// The problems a baseline holds, kept apart from those that fail the run.
#[derive(Debug)]
pub struct Baselined {
    pub file: PathBuf,
    /// Problems found that the baseline holds: reported only as a count.
    pub diagnostics: Vec<Diagnostic>,
    /// Entries no longer found.
    pub fixed: Vec<Key>,
}

/// A loaded, resolved and checked handbook, ready to render.
pub struct Checked {
    pub root: PathBuf,
    pub site: Site,
    /// `None` when the theme failed to load (its diagnostic is in `diagnostics`).
    pub theme: Option<Theme>,
    /// Sorted; includes load problems (front matter) and check problems, less those a
    /// baseline holds (they are in `baselined`).
    pub diagnostics: Vec<Diagnostic>,
    pub baselined: Option<Baselined>,
    /// Files under `static/` by output path, and where each is: walked once, by `check`, for
    /// `build` to copy.
    pub statics: Vec<(String, PathBuf)>,
    /// How long each step took, in order, for `-v`.
    pub timings: Timings,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether the run fails: an error, or with `deny_warnings` any problem at all.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.has_errors() || (deny_warnings && !self.diagnostics.is_empty())
    }

    /// The text of a file named in a diagnostic, for code frames: read again from disk, since
    /// pages do not keep their source (a 10,000-page handbook would hold it all in memory).
    pub fn source(&self, file: &str) -> Option<String> {
        crate::walk::read_source(&self.root, file, self.site.config.max_page_size.as_u64())
    }
}

/// Each step of a run and how long it took, in order.
#[derive(Debug, Clone)]
pub struct Timings {
    pub steps: Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            steps: Vec::new(),
            last: Instant::now(),
        }
    }

    /// Records `step` as what happened since the last one.
    pub fn lap(&mut self, step: &'static str) {
        self.lap_at(step, Instant::now());
    }

    /// Records `step` as what happened from the last one until `end`.
    pub fn lap_at(&mut self, step: &'static str, end: Instant) {
        self.steps
            .push((step, end.saturating_duration_since(self.last)));
        self.last = end;
    }
}

pub fn config(options: &Options) -> Result<Config, ConfigError> {
    let mut config = Config::load(&options.root)?;
    let base_url = if options.relative_urls {
        Some("/".to_string())
    } else {
        options.base_url.clone()
    };
    if let Some(base_url) = &base_url {
        config = Config::parse(&format!("base_url: {base_url:?}"))
            .map(|c| Config {
                base_url: c.base_url,
                ..config.clone()
            })
            .unwrap_or(config);
    }
    Ok(config)
}

/// The date stale pages are judged against: today, or `HANDBOOK_TODAY` (YYYY-MM-DD) so CI runs
/// and tests are reproducible.
pub fn today() -> jiff::civil::Date {
    std::env::var("HANDBOOK_TODAY")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// Files under `static/`, by output path, and what the walk reported (README, "Symlinks").
pub fn static_files(root: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let dir = root.join("static");
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let walk = crate::walk::walk(root, &dir, "static");
    let files = walk
        .files
        .into_iter()
        .map(|rel| (rel.clone(), dir.join(rel)))
        .collect();
    (files, walk.diagnostics)
}

/// Load, resolve and check. Renders nothing: this is all `check` does.
pub fn check(options: &Options) -> Result<Checked, RunError> {
    let mut timings = Timings::start();
    let config = config(options)?;
    timings.lap("read handbook.yaml");
    // The theme and static/ are read while the pages load (the walk of content/ and the
    // templates are each work for one thread); their problems are listed as before.
    // So is today's date (reading the system's time zone is most of a millisecond).
    let (content, (theme, (statics, static_problems), today)) = rayon::join(
        || {
            let load = load::Options {
                hash_bodies: !options.check_only,
                ..load::Options::new(&config, options.html)
            };
            load::content(&options.root, &load)
        },
        || {
            (
                Theme::load(&options.root, &config.theme),
                static_files(&options.root),
                today(),
            )
        },
    );
    let content = content?;
    timings.lap("load the pages");
    let mut diagnostics = content.diagnostics;
    diagnostics.extend(content.listing.diagnostics);
    let mut theme = match theme {
        Ok(theme) => Some(theme),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    diagnostics.extend(static_problems);
    let mut static_paths: BTreeSet<String> = statics.iter().map(|(p, _)| p.clone()).collect();
    if let Some(theme) = &theme {
        static_paths.extend(theme.static_files.iter().map(|(p, _)| p.clone()));
        diagnostics.extend(theme.diagnostics.iter().cloned());
    }
    timings.lap("load the theme and static/");
    let site = resolve::resolve(
        config,
        content.pages,
        content.assets.into_iter().collect(),
        static_paths,
        options.drafts,
    );
    timings.lap("resolve links and references");
    // A page of each template is rendered beside the checks (one thread's work, against
    // checks that use every thread): its time below is what it took past the checks.
    let ((problems, checked), sample) = rayon::join(
        || (crate::check::check(&site, today), Instant::now()),
        || theme.as_mut().map(|theme| theme.render_samples(&site)),
    );
    diagnostics.extend(problems);
    timings.lap_at("check", checked);
    if let Some(sample) = sample {
        diagnostics.extend(sample);
        timings.lap("render a page of each template");
    }
    diagnostic::sort(&mut diagnostics);
    let mut baselined = None;
    if let Some(file) = baseline_file(options, &site.config) {
        let triage = Baseline::load(&file)?.triage(diagnostics);
        diagnostics = triage.new;
        baselined = Some(Baselined {
            file,
            diagnostics: triage.baselined,
            fixed: triage.fixed,
        });
        timings.lap("hold the problems against the baseline");
    }
    Ok(Checked {
        root: options.root.clone(),
        site,
        theme,
        diagnostics,
        baselined,
        statics,
        timings,
    })
}

/// The baseline file a run reads, if any: `--baseline`, else `baseline:` in handbook.yaml.
fn baseline_file(options: &Options, config: &Config) -> Option<PathBuf> {
    match &options.baseline {
        UseBaseline::Off => None,
        UseBaseline::Configured => config.baseline.as_ref().map(|f| options.root.join(f)),
        UseBaseline::File(file) => Some(file.clone()),
    }
}

/// Where `check --write-baseline` writes without a file named: the configured baseline, else
/// [`baseline::DEFAULT_FILE`] at the root.
pub fn default_baseline_file(root: &Path, config: &Config) -> PathBuf {
    root.join(
        config
            .baseline
            .as_deref()
            .unwrap_or(Path::new(baseline::DEFAULT_FILE)),
    )
}

/// Where page `i` is written: `processes/x/index.html`.
pub fn page_file(site: &Site, i: usize) -> String {
    format!("{}index.html", site.pages[i].url)
}

/// Every output file that is not a page: 404, sitemap, alias redirects, the theme's static
/// files, assets next to pages and `static/` (copied, not read).
pub fn site_files(
    site: &Site,
    theme: &Theme,
    root: &Path,
    statics: &[(String, PathBuf)],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files = vec![
        OutputFile {
            path: "404.html".into(),
            contents: Contents::Bytes(theme.render_not_found()?.into_bytes()),
        },
        OutputFile {
            path: "sitemap.xml".into(),
            contents: Contents::Bytes(sitemap(site).into_bytes()),
        },
    ];
    for (path, html) in theme.render_tags(site)? {
        files.push(OutputFile {
            path,
            contents: Contents::Bytes(html.into_bytes()),
        });
    }
    let mut redirected = std::collections::HashSet::new();
    for (i, page) in site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, _)| site.is_published(*i))
    {
        for alias in &page.common.aliases {
            // `check` reports an alias that is not a path inside the site, and nothing with an
            // error is built; should one get here all the same, it is not published.
            let Ok(url) = aliases::site_path(&alias.value, site.config.base_path()) else {
                continue;
            };
            // An alias at the URL of a page, a file or another alias is a `url-collision`;
            // built anyway (a baseline holds it), the page, the file or the first alias keeps
            // the path.
            if site.by_url.contains_key(url.as_str())
                || crate::check::file_in_the_way(site, &url).is_some()
                || !redirected.insert(url.clone())
            {
                continue;
            }
            files.push(OutputFile {
                path: redirect_file(url),
                contents: Contents::Bytes(
                    redirect(&site.page_url(i), &site.config.language).into_bytes(),
                ),
            });
        }
    }
    for (path, bytes) in &theme.static_files {
        files.push(OutputFile {
            path: path.clone(),
            contents: Contents::Bytes(bytes.clone()),
        });
    }
    let content_dir = root.join("content");
    for asset in &site.assets {
        files.push(OutputFile {
            path: asset.clone(),
            contents: Contents::Copy(content_dir.join(asset)),
        });
    }
    for (path, from) in statics {
        files.push(OutputFile {
            path: path.clone(),
            contents: Contents::Copy(from.clone()),
        });
    }
    Ok(files)
}

/// `files` with one file per path, the last of those sharing one: the site's `static/`
/// over the theme's files and the assets next to pages.
fn one_file_per_path(files: Vec<OutputFile>) -> Vec<OutputFile> {
    let mut seen = FxHashSet::default();
    let mut files: Vec<OutputFile> = files
        .into_iter()
        .rev()
        .filter(|f| seen.insert(f.path.clone()))
        .collect();
    files.reverse();
    files
}

/// Where an alias's redirect is written: `old/` -> `old/index.html`, `old.html` as it is.
fn redirect_file(site_path: String) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path
    }
}

/// What `build` did: the checked site, and what was written when it was.
pub struct Built {
    pub checked: Checked,
    /// `None` when nothing was written (the site has errors).
    pub written: Option<write::Summary>,
    /// What the search index took, when one was written.
    pub searched: Option<Searched>,
}

/// The search index a build wrote.
#[derive(Debug, Clone, Copy)]
pub struct Searched {
    pub pages: usize,
    /// Time spent indexing (beside the rendering, on a thread of its own).
    pub busy: std::time::Duration,
}

/// `build`: check, and when there is no error, render and swap the output in.
/// The previous output is untouched unless every step succeeds. Pages are written as they
/// are rendered, so the whole site's HTML is never held in memory at once. `waiting` is
/// called if another build into the same output holds its lock.
pub fn build(options: &Options, output: &Path, waiting: &dyn Fn()) -> Result<Built, RunError> {
    // Without a search index the pages are loaded without HTML (as `check` loads them, in
    // about half the time), and a page that is rendered has its body loaded then
    // ([`load::published_body`]): over an output that records what its pages were rendered
    // from, most pages are kept, not rendered; and in a clean build no page's HTML is held from load to
    // render (at 10,000 pages that was 44 MB of compressed HTML, most of the peak memory),
    // for a second read and Markdown pass per page (about 3% more instructions). The search
    // index is fed pages a chunk at a time, and loads the HTML with the pages.
    let late = options.html && !options.search;
    let mut checked = check(&Options {
        html: options.html && !late,
        ..options.clone()
    })?;
    let unwritten = |checked| {
        Ok(Built {
            checked,
            written: None,
            searched: None,
        })
    };
    if checked.fails(options.deny_warnings) {
        return unwritten(checked);
    }
    let target = write::Target::new(output, &options.root)?;
    let Some(theme) = checked.theme.as_mut() else {
        return unwritten(checked);
    };
    theme.search = options.search;
    theme.set_site(&checked.site);
    theme.find_pagers(&checked.site);
    let site = &checked.site;
    let theme = &*theme;
    // Of pages sharing a URL (a `url-collision` a baseline holds), the one links resolve to.
    let published: Vec<usize> = (0..site.pages.len())
        .filter(|&i| {
            site.is_published(i) && site.by_url.get(site.pages[i].url.as_str()) == Some(&i)
        })
        .collect();
    let others = match site_files(site, theme, &options.root, &checked.statics) {
        Ok(files) => one_file_per_path(files),
        Err(d) => {
            checked.diagnostics.push(d);
            return unwritten(checked);
        }
    };
    // A file at a page's path (a collision `check` reports; built anyway when a baseline
    // holds it) is written in its place: each path is written once.
    let taken: FxHashSet<&str> = others.iter().map(|f| f.path.as_str()).collect();
    let (published, paths): (Vec<usize>, Vec<String>) = published
        .into_iter()
        .map(|i| (i, page_file(site, i)))
        .filter(|(_, path)| !taken.contains(path.as_str()))
        .unzip();
    let paths_iter = paths
        .iter()
        .map(String::as_str)
        .chain(others.iter().map(|f| f.path.as_str()));
    let started = Instant::now();
    let update = if options.search {
        write::Update::begin_with_late(&target, paths_iter, &[search::FOLDER], waiting)?
    } else {
        write::Update::begin(&target, paths_iter, waiting)?
    };
    let begun = Instant::now();
    let indexer = options
        .search
        .then(|| search::Bundles::start(&site.config.language));
    let relative = options.relative_urls;
    // Into `buf`, then written: the bytes are never copied into a page-sized `String`. Without
    // a search index, which needs every page's HTML, a page whose fingerprint a generation
    // already holds is kept as it is, not rendered.
    let keep = !options.search;
    let content_dir = load::Folder::open(&options.root.join("content"));
    let load_options = load::Options::new(&site.config, true);
    let render = |buf: &mut Vec<u8>, i: usize, path: &str| -> Result<(), Failure> {
        buf.clear();
        let mut cx = crate::render::context::page_context_without_body(site, theme.links(), i);
        let urls = crate::render::links::link_urls(site, theme.links(), i);
        let fingerprint = keep.then(|| theme.fingerprint(site, i, path, &cx, &urls, relative, buf));
        if let Some(fingerprint) = fingerprint
            && update
                .keep_rendered(path, fingerprint)
                .map_err(Failure::Write)?
        {
            return Ok(());
        }
        buf.clear();
        if late {
            let html = load::published_body(&content_dir, &site.pages[i], &load_options, &urls)
                .map_err(Failure::Changed)?;
            crate::render::context::add_loaded_body(site, theme.links(), i, html, &mut cx);
        } else {
            crate::render::context::add_body(site, theme.links(), i, &urls, &mut cx);
        }
        theme
            .render_context_to(site, i, &cx, buf)
            .map_err(Failure::Template)?;
        drop(cx);
        if relative {
            let html = crate::render::relative::rewrite(path, &String::from_utf8_lossy(buf));
            *buf = html.into_bytes();
        }
        update
            .write_rendered(path, buf, fingerprint)
            .map_err(Failure::Write)
    };
    let rendered = match &indexer {
        // Each page written as soon as it is rendered, into one buffer per thread: no page's
        // HTML outlives its write. The threads take the pages one after another, in the order
        // the output's folders are being made (`par_iter` would start one thread halfway
        // through, where no folder is made yet).
        None => published
            .iter()
            .zip(&paths)
            .par_bridge()
            .try_for_each_init(Vec::new, |buf, (&i, path)| render(buf, i, path)),
        // In parallel a chunk at a time, each chunk's pages then handed to the search index
        // in page order: the index numbers pages as they come, so the same site gives the
        // same index files, and only a chunk's HTML is held at once.
        Some(indexer) => published
            .chunks(CHUNK)
            .zip(paths.chunks(CHUNK))
            .try_for_each(|(pages, paths)| {
                let htmls: Vec<Vec<u8>> = pages
                    .par_iter()
                    .zip(paths)
                    .map(|(&i, path)| {
                        let mut buf = Vec::new();
                        render(&mut buf, i, path).map(|()| buf)
                    })
                    .collect::<Result<_, _>>()?;
                for ((&i, path), html) in pages.iter().zip(paths).zip(htmls) {
                    let url = if relative {
                        format!("/{path}")
                    } else {
                        format!("/{}", site.pages[i].url)
                    };
                    // Rendered from UTF-8 templates and values: never lossy in practice.
                    let html = String::from_utf8(html)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    indexer.add(search::Document { url, html });
                }
                Ok(())
            }),
    };
    match rendered {
        Ok(()) => {}
        Err(Failure::Template(d)) => {
            checked.diagnostics.push(d);
            return unwritten(checked);
        }
        Err(Failure::Changed(changed)) => {
            checked.diagnostics.push(changed_while_built(&changed));
            return unwritten(checked);
        }
        Err(Failure::Write(e)) => return Err(e.into()),
    }
    let pages_done = Instant::now();
    others.par_iter().try_for_each(|f| {
        if relative
            && f.path.ends_with(".html")
            && let Contents::Bytes(bytes) = &f.contents
        {
            let html = String::from_utf8_lossy(bytes);
            let html = crate::render::relative::rewrite(&f.path, &html);
            return update.write(&f.path, html.as_bytes());
        }
        update.put(f)
    })?;
    let mut searched = None;
    if let Some(indexer) = &indexer {
        let index = indexer.files()?;
        for file in &index.files {
            update.put_late(file)?;
        }
        searched = Some(Searched {
            pages: index.pages,
            busy: index.busy,
        });
    }
    let others_done = Instant::now();
    let summary = update.commit()?;
    let timings = &mut checked.timings;
    timings.lap_at("make the site's context and other files", started);
    timings.lap_at("ready the output's generation", begun);
    timings.lap_at("render and write the pages", pages_done);
    timings.lap_at("write the other files", others_done);
    timings.lap("put the new output in place");
    Ok(Built {
        checked,
        written: Some(summary),
        searched,
    })
}

/// How many pages are rendered at once between hand-overs to the search index.
const CHUNK: usize = 256;

enum Failure {
    Template(Diagnostic),
    /// A page file changed between its load and its render (a rebuild loads bodies late).
    Changed(load::Changed),
    Write(WriteError),
}

/// The error a build stops with when a page file changed while it ran: the site was checked
/// from the old text, so no page is rendered from the new one, and nothing is written.
fn changed_while_built(changed: &load::Changed) -> Diagnostic {
    Diagnostic::error(
        crate::diagnostic::Code::Io,
        &changed.file,
        crate::model::Pos::default(),
        format!("{changed}: it was checked as it was before, so no page is built from it"),
    )
    .with_help("build again once the file is saved")
}

fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for i in (0..site.pages.len()).filter(|&i| site.is_published(i)) {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(&site.page_url(i)));
        xml.push_str("</loc>");
        if let Some(date) = &site.pages[i].common.last_reviewed {
            xml.push_str("<lastmod>");
            xml.push_str(&escape(&date.value));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// A page that sends the browser (and search engines, via `canonical`) to where a page moved.
fn redirect(to: &str, language: &str) -> String {
    let to = escape(to);
    let language = escape(language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
         <link rel=\"canonical\" href=\"{to}\"><meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\
         <body><p>This page moved to <a href=\"{to}\">{to}</a>.</p></body></html>\n"
    )
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_has_the_same_fingerprint_whether_loaded_with_html_or_without() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/site");
        let fingerprints = |html: bool| {
            let mut checked = check(&Options {
                root: root.clone(),
                html,
                ..Options::default()
            })
            .unwrap();
            let theme = checked.theme.as_mut().unwrap();
            theme.search = false;
            theme.set_site(&checked.site);
            let site = &checked.site;
            let mut scratch = Vec::new();
            (0..site.pages.len())
                .map(|i| {
                    let path = page_file(site, i);
                    let cx =
                        crate::render::context::page_context_without_body(site, theme.links(), i);
                    let page = &site.pages[i];
                    let urls = crate::render::links::link_urls(site, theme.links(), i);
                    let fingerprint =
                        theme.fingerprint(site, i, &path, &cx, &urls, false, &mut scratch);
                    (path, fingerprint, page.body.html().is_empty())
                })
                .collect::<Vec<_>>()
        };
        let with = fingerprints(true);
        let without = fingerprints(false);
        assert!(with.len() > 10, "{with:?}");
        // Loaded with HTML, bodies are there; without, they are not: the two loads differ.
        assert!(with.iter().all(|(.., empty)| !empty));
        assert!(without.iter().all(|(.., empty)| *empty));
        let strip = |v: &[(String, u128, bool)]| {
            v.iter()
                .map(|(p, f, _)| (p.clone(), *f))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&with), strip(&without));
    }
}
