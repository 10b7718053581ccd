//! Render: pages to HTML through the theme's Tera templates, in parallel.
//!
//! The theme is the compiled-in `default` (its source is `themes/default/` in this repo), or
//! the site's own `themes/NAME/`; a file in the site's `templates/` replaces one template.

pub mod context;
pub mod fingerprint;
pub mod links;
pub mod markup;
pub mod relative;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use include_dir::{Dir, include_dir};
use tera::{Context, Tera};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{PageIdx, Pos, Role};
use crate::resolve::Site;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The templates every theme provides.
pub const TEMPLATES: &[&str] = &[
    "home.html",
    "list.html",
    "department.html",
    "process.html",
    "playbook.html",
    "page.html",
    "404.html",
];

/// The template of the generated tag pages; optional (README, "Tags").
pub const TAGS: &str = "tags.html";

/// The sidebar's template; optional. Rendered once per state it shows, not once per page,
/// and handed to each page as `sidebar` (README, "Template context").
pub const SIDEBAR: &str = "sidebar.html";

/// A compiled theme: templates, where each came from (for errors), and its static files.
pub struct Theme {
    tera: Tera,
    /// Template name -> the file it came from, as diagnostics name it.
    origins: HashMap<String, String>,
    /// Theme static files by output path.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// What walking the theme's and the site's template folders reported (bad symlinks).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the site has a search index (`site.search`); set before [`Theme::set_site`].
    pub search: bool,
    /// The templates' names and text.
    templates: u128,
    /// What every page of the site is rendered with (see [`fingerprint`]); set by
    /// [`Theme::set_site`].
    site_fingerprint: u128,
    /// The sidebar of the site last set, when the theme has [`SIDEBAR`].
    sidebar: Option<Sidebar>,
    /// The links to the pages of the site last set.
    links: context::Links,
}

/// The sidebar's HTML for each state it shows. It differs from page to page only where it
/// links to the page being read (`current`) and which process is open (`open`): keyed by
/// those, a 10,000-page site renders it a few hundred times rather than 10,000.
struct Sidebar {
    /// Every URL the sidebar links to: `current` is one of these, or empty.
    links: HashSet<String>,
    /// The URLs of the entries with pages under them: `open` is one of these, or empty.
    parents: HashSet<String>,
    /// (`current`, `open`) -> the sidebar rendered, as a safe string (shared, not copied).
    rendered: Mutex<HashMap<(String, String), tera::Value>>,
    /// The fingerprint of the site these were rendered for ([`Theme::set_site`]).
    site: u128,
}

impl Sidebar {
    fn of(site: &context::SiteContext, fingerprint: u128) -> Sidebar {
        let mut links = HashSet::new();
        let mut parents = HashSet::new();
        links.insert(site.home_url.clone());
        for section in &site.nav {
            links.extend(section.url.iter().cloned());
            for item in &section.items {
                links.insert(item.link.url.clone());
                if !item.items.is_empty() {
                    parents.insert(item.link.url.clone());
                }
                links.extend(item.items.iter().map(|sub| sub.link.url.clone()));
            }
        }
        Sidebar {
            links,
            parents,
            rendered: Mutex::new(HashMap::new()),
            site: fingerprint,
        }
    }
}

/// A file on disk or in the binary, with the name diagnostics give it.
struct Source {
    name: String,
    origin: String,
    text: String,
}

impl Theme {
    /// Loads the site's theme and template overrides. A template that does not compile is a
    /// diagnostic naming its file and line.
    pub fn load(root: &Path, theme: &str) -> Result<Theme, Diagnostic> {
        let theme_dir = root.join("themes").join(theme);
        let mut templates: Vec<Source> = Vec::new();
        let mut static_files = Vec::new();
        let mut diagnostics = Vec::new();
        if theme_dir.is_dir() {
            let origin = format!("themes/{theme}");
            let shown = format!("{origin}/templates");
            read_dir_files(root, &shown, &mut diagnostics, &mut |rel, bytes| {
                templates.push(source(&format!("{origin}/templates/{rel}"), rel, bytes)?);
                Ok(())
            })?;
            let shown = format!("{origin}/static");
            read_dir_files(root, &shown, &mut diagnostics, &mut |rel, bytes| {
                static_files.push((rel.to_string(), bytes));
                Ok(())
            })?;
        } else if theme == "default" {
            for file in files(&DEFAULT_THEME) {
                let path = file.path().to_string_lossy().replace('\\', "/");
                if let Some(rel) = path.strip_prefix("templates/") {
                    let text = String::from_utf8_lossy(file.contents()).into_owned();
                    templates.push(Source {
                        name: rel.to_string(),
                        origin: format!("themes/default/{path} (built in)"),
                        text,
                    });
                } else if let Some(rel) = path.strip_prefix("static/") {
                    static_files.push((rel.to_string(), file.contents().to_vec()));
                }
            }
        } else {
            return Err(Diagnostic::error(
                Code::Template,
                "handbook.yaml",
                start(),
                format!("theme `{theme}` not found: no folder themes/{theme}/"),
            )
            .with_help("set `theme: default`, or add the theme folder"));
        }
        read_dir_files(root, "templates", &mut diagnostics, &mut |rel, bytes| {
            let overriding = source(&format!("templates/{rel}"), rel, bytes)?;
            templates.retain(|t| t.name != overriding.name);
            templates.push(overriding);
            Ok(())
        })?;

        let mut tera = Tera::new();
        tera.register_filter("safe", safe);
        let origins: HashMap<String, String> = templates
            .iter()
            .map(|t| (t.name.clone(), t.origin.clone()))
            .collect();
        tera.add_raw_templates(templates.iter().map(|t| (t.name.as_str(), t.text.as_str())))
            .map_err(|e| template_error(&e, &origins))?;
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        let mut hasher = fingerprint::Hasher::new();
        for t in &templates {
            hasher.bytes(t.name.as_bytes());
            hasher.bytes(t.text.as_bytes());
        }
        for name in TEMPLATES {
            if !tera.contains_template(name) {
                return Err(Diagnostic::error(
                    Code::Template,
                    &format!("themes/{theme}/templates/{name}"),
                    start(),
                    format!("the theme has no `{name}` template"),
                ));
            }
        }
        Ok(Theme {
            tera,
            origins,
            static_files,
            diagnostics,
            search: true,
            templates: hasher.finish(),
            site_fingerprint: 0,
            sidebar: None,
            links: context::Links::default(),
        })
    }

    /// Puts `site` (the same for every page) into the global context once.
    pub fn set_site(&mut self, site: &Site) {
        self.links = context::Links::new(site);
        let cx = context::site_context(site, &self.links, self.search);
        let mut hasher = fingerprint::Hasher::new();
        hasher.bytes(&fingerprint::program().to_le_bytes());
        hasher.bytes(&self.templates.to_le_bytes());
        // All of handbook.yaml as loaded, whether or not the contexts show it.
        hasher.bytes(format!("{:?}", site.config).as_bytes());
        hasher.value(&cx);
        self.site_fingerprint = hasher.finish();
        if self.tera.contains_template(SIDEBAR) {
            // `serve` sets the site after every edit: the sidebars rendered stay while the
            // site's fingerprint (its context, all a sidebar sees, and the templates) is the same.
            let seen = self.site_fingerprint;
            if self.sidebar.as_ref().is_none_or(|s| s.site != seen) {
                self.sidebar = Some(Sidebar::of(&cx, seen));
            }
        } else {
            self.sidebar = None;
        }
        self.tera
            .global_context()
            .insert_value("site", context::to_tera(&cx));
    }

    /// Finds every page's pager at once for the site last set ([`context::Links::with_pagers`]):
    /// for a build, which renders every page.
    pub fn find_pagers(&mut self, site: &Site) {
        self.links = std::mem::take(&mut self.links).with_pagers(site);
    }

    /// The links to the pages of the site last set ([`Theme::set_site`]), for its contexts.
    pub fn links(&self) -> &context::Links {
        &self.links
    }

    /// The fingerprint of page `i` written to output path `path` from context `cx`, made by
    /// [`context::page_context_without_body`] (`relative`: its URLs are then rewritten relative
    /// to it): equal only when the page's HTML is too, given the same [`Theme::set_site`].
    /// The body is taken as what [`context::add_body`] makes it from: its Markdown (as its
    /// hash, [`crate::model::Page::body_hash`]: the HTML and its link slots are a function of
    /// that text alone, see [`crate::load::markdown::parse`]), the URL each of the page's
    /// links gets, and the headings. So a page has the same fingerprint whether the site was
    /// loaded with HTML or without (a rebuild, which renders only the pages whose fingerprint
    /// changed, loading their bodies then). `urls`: its links' ([`links::link_urls`]).
    /// `scratch` is a buffer to reuse.
    #[allow(clippy::too_many_arguments)]
    pub fn fingerprint(
        &self,
        site: &Site,
        i: PageIdx,
        path: &str,
        cx: &context::PageContext,
        urls: &[String],
        relative: bool,
        scratch: &mut Vec<u8>,
    ) -> u128 {
        let mut hasher = fingerprint::Hasher::with_buffer(std::mem::take(scratch));
        hasher.bytes(&self.site_fingerprint.to_le_bytes());
        hasher.bytes(path.as_bytes());
        hasher.bytes(template_of(site, i).as_bytes());
        hasher.bytes(&[u8::from(relative)]);
        hasher.value(cx);
        let page = &site.pages[i];
        hasher.bytes(&page.body_hash.to_le_bytes());
        hasher.bytes(&(urls.len() as u64).to_le_bytes());
        for url in urls {
            hasher.bytes(url.as_bytes());
        }
        hasher.value(&page.headings);
        let fingerprint = hasher.finish();
        *scratch = hasher.into_buffer();
        fingerprint
    }

    /// Adds `sidebar` to `cx`: the sidebar as the page at `url` shows it, with the process
    /// at `open` open. Rendered the first time a state is asked for, then shared.
    fn add_sidebar(
        &self,
        cx: &mut Context,
        url: &str,
        open: Option<&str>,
    ) -> Result<(), Diagnostic> {
        let Some(sidebar) = &self.sidebar else {
            return Ok(());
        };
        let current = if sidebar.links.contains(url) { url } else { "" };
        let open = open.filter(|o| sidebar.parents.contains(*o)).unwrap_or("");
        let key = (current.to_string(), open.to_string());
        let known = sidebar
            .rendered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let html = match known {
            Some(html) => html,
            None => {
                let mut state = Context::new();
                state.insert("current", current);
                state.insert("open", open);
                let html = self
                    .tera
                    .render(SIDEBAR, &state)
                    .map_err(|e| template_error(&e, &self.origins))?;
                let html = tera::Value::safe_string(&html);
                sidebar
                    .rendered
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(key)
                    .or_insert(html)
                    .clone()
            }
        };
        cx.insert_value("sidebar", html);
        Ok(())
    }

    /// Renders the first published page of each template, and the 404 page, and returns the
    /// first failure: so `check` reports a template that compiles but fails to render (an
    /// undefined variable) as `build` would (README, "Themes and templates").
    pub fn render_samples(&mut self, site: &Site) -> Option<Diagnostic> {
        self.set_site(site);
        let mut tried = HashSet::new();
        for i in (0..site.pages.len()).filter(|&i| site.is_published(i)) {
            if tried.insert(template_of(site, i))
                && let Err(d) = self.render_page(site, i)
            {
                return Some(d);
            }
        }
        if let Err(d) = self.render_some_tags(site, 1) {
            return Some(d);
        }
        self.render_not_found().err()
    }

    pub fn render_page(&self, site: &Site, i: PageIdx) -> Result<String, Diagnostic> {
        let mut html = Vec::new();
        self.render_page_to(site, i, &mut html)?;
        // Tera writes only the UTF-8 of templates and values; never lossy in practice.
        Ok(String::from_utf8(html)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Renders page `i` onto the end of `out`: a buffer reused from page to page grows once,
    /// and the HTML is never copied into a `String`.
    pub fn render_page_to(
        &self,
        site: &Site,
        i: PageIdx,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let cx = context::page_context(site, &self.links, i);
        self.render_context_to(site, i, &cx, out)
    }

    /// [`Theme::render_page_to`] with the page's context already made.
    pub fn render_context_to(
        &self,
        site: &Site,
        i: PageIdx,
        page: &context::PageContext,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let template = template_of(site, i);
        let mut cx = Context::new();
        let open = page.playbook.as_ref().and_then(|p| p.process.as_ref());
        self.add_sidebar(&mut cx, &page.url, open.map(|p| p.url.as_str()))?;
        cx.insert_value("page", context::to_tera(page));
        self.tera
            .render_to(template, &cx, out)
            .map_err(|e| template_error(&e, &self.origins))
    }

    /// The generated tag pages, by output path: `tags/index.html` and one per tag, rendered
    /// with the theme's `tags.html`. None when the theme has no such template, or the site
    /// has its own pages under `/tags/`.
    pub fn render_tags(&self, site: &Site) -> Result<Vec<(String, String)>, Diagnostic> {
        self.render_some_tags(site, usize::MAX)
    }

    /// The tag index and the pages of the first `limit` tags.
    fn render_some_tags(
        &self,
        site: &Site,
        limit: usize,
    ) -> Result<Vec<(String, String)>, Diagnostic> {
        if !site.tag_pages || !self.tera.contains_template(TAGS) {
            return Ok(Vec::new());
        }
        let all = crate::resolve::tags::tags(site);
        let mut pages = Vec::with_capacity(all.len() + 1);
        let mut render = |path: String, tag| -> Result<(), Diagnostic> {
            let page = context::tag_page_context(site, &self.links, &all, tag);
            let mut cx = Context::new();
            self.add_sidebar(&mut cx, &page.url, None)?;
            cx.insert_value("page", context::to_tera(&page));
            let html = self
                .tera
                .render(TAGS, &cx)
                .map_err(|e| template_error(&e, &self.origins))?;
            pages.push((path, html));
            Ok(())
        };
        render(format!("{}/index.html", crate::resolve::tags::FOLDER), None)?;
        for tag in all.iter().take(limit) {
            render(
                format!("{}index.html", crate::resolve::tags::page_path(&tag.slug)),
                Some(tag),
            )?;
        }
        Ok(pages)
    }

    /// The theme's 404 page.
    pub fn render_not_found(&self) -> Result<String, Diagnostic> {
        let mut cx = Context::new();
        self.add_sidebar(&mut cx, "", None)?;
        self.tera
            .render("404.html", &cx)
            .map_err(|e| template_error(&e, &self.origins))
    }
}

/// Tera's `safe` filter, without its copy: Tera's copies the string it marks safe (a page's body
/// and the sidebar, on every page), where a string value shares its text by reference count and
/// only its mark changes. Anything else is printed as Tera's own prints it.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// The template that renders page `i`.
fn template_of(site: &Site, i: PageIdx) -> &'static str {
    let page = &site.pages[i];
    match page.role {
        Role::Home => "home.html",
        Role::List(_) => "list.html",
        Role::Single => match page.kind() {
            crate::model::Kind::Department => "department.html",
            crate::model::Kind::Process => "process.html",
            crate::model::Kind::Playbook => "playbook.html",
            crate::model::Kind::Page => "page.html",
        },
    }
}

fn start() -> Pos {
    Pos {
        line: 1,
        column: 1,
        bytes: 0..0,
    }
}

fn source(origin: &str, name: &str, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(
            Code::Template,
            origin,
            start(),
            format!("{origin} is not valid UTF-8"),
        )
    })?;
    Ok(Source {
        name: name.to_string(),
        origin: origin.to_string(),
        text,
    })
}

fn files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(files(sub));
    }
    out
}

/// What [`read_dir_files`] calls for each file.
type FileVisitor<'a> = dyn FnMut(&str, Vec<u8>) -> Result<(), Diagnostic> + 'a;

/// Calls `f(relative path, bytes)` for each file under `root/shown` (none if it does not
/// exist), walked by the one rule for symlinks (README, "Symlinks"); what the walk reports
/// goes to `diagnostics`.
fn read_dir_files(
    root: &Path,
    shown: &str,
    diagnostics: &mut Vec<Diagnostic>,
    f: &mut FileVisitor,
) -> Result<(), Diagnostic> {
    let dir = root.join(shown);
    if !dir.is_dir() {
        return Ok(());
    }
    let walk = crate::walk::walk(root, &dir, shown);
    diagnostics.extend(walk.diagnostics);
    for rel in walk.files {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| {
            let file = format!("{shown}/{rel}");
            Diagnostic::error(Code::Io, &file, start(), format!("cannot read {file}: {e}"))
        })?;
        f(&rel, bytes)?;
    }
    Ok(())
}

/// A Tera error as a diagnostic on the template's own file and line.
fn template_error(error: &tera::Error, origins: &HashMap<String, String>) -> Diagnostic {
    use std::error::Error as _;
    let (name, line, column, message) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => (
            report.filename().to_string(),
            report.span().start_line,
            report.span().start_col + 1,
            report.message().to_string(),
        ),
        _ => {
            let mut message = error.to_string();
            let mut source = error.source();
            while let Some(inner) = source {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                source = inner.source();
            }
            (String::new(), 1, 1, message)
        }
    };
    let file = origins.get(&name).cloned().unwrap_or_else(|| {
        if name.is_empty() {
            "templates".into()
        } else {
            name.clone()
        }
    });
    Diagnostic::error(
        Code::Template,
        &file,
        Pos {
            line,
            column,
            bytes: 0..0,
        },
        format!("template error: {message}"),
    )
}

#[cfg(test)]
mod safe_tests {
    use super::*;

    /// `{{ x | safe }}` and `{{ x | safe | upper }}` for each value, with Tera's own filter or
    /// with handbook's.
    fn printed(own: bool, value: &tera::Value) -> Vec<String> {
        let mut tera = Tera::new();
        if own {
            tera.register_filter("safe", safe);
        }
        tera.autoescape_on(vec![""]);
        let mut printed = Vec::new();
        for (name, text) in [
            ("a", "{{ x | safe }}"),
            ("b", "{{ x | safe | upper }}"),
            ("c", "{{ x | safe | escape }}"),
            ("d", "{% set y = x | safe %}{{ y }}|{{ y == x }}"),
        ] {
            tera.add_raw_template(name, text).expect("a valid template");
            let mut cx = Context::new();
            cx.insert_value("x", value.clone());
            printed.push(
                tera.render(name, &cx)
                    .unwrap_or_else(|e| format!("error {e}")),
            );
        }
        printed
    }

    #[test]
    fn the_safe_filter_prints_what_teras_prints() {
        let long = "<p>a body & more, past Tera's inline length</p>".repeat(3);
        let values = [
            tera::Value::normal_string("<b>&</b>"),
            tera::Value::normal_string(&long),
            tera::Value::safe_string(&long),
            tera::Value::normal_string(""),
            tera::Value::from(42),
            tera::Value::from(1.5),
            tera::Value::from(true),
            tera::Value::none(),
            tera::Value::from(vec!["<a>", "b&"]),
            context::to_tera(&serde_json::json!({"k": "<v>"})),
        ];
        for value in &values {
            assert_eq!(printed(true, value), printed(false, value), "{value:?}");
        }
    }

    #[test]
    fn a_string_marked_safe_shares_its_text() {
        let long = tera::Value::normal_string(&"<p>shared</p>".repeat(10));
        let cx = Context::new();
        let marked = safe(
            long.clone(),
            tera::Kwargs::default(),
            &tera::State::new(&cx),
        );
        assert!(marked.is_safe());
        assert_eq!(
            marked.as_str().map(str::as_ptr),
            long.as_str().map(str::as_ptr)
        );
    }
}
