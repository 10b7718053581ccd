//! `handbook mv`: what moving a page or a folder of pages changes (README, "`handbook mv`").
//! Every link and front-matter reference to a moved page, and every relative link written in
//! one, is rewritten in the style it was written in (a `.md` path, a folder, a URL; relative
//! or absolute; its query and fragment kept); an id that comes from the file name follows it;
//! the old URL joins the page's `aliases`; and a page whose new place would give it another
//! kind says its kind in its front matter. The plan is plain data: edits by file, for the
//! command to show or make.

use std::collections::BTreeMap;

use crate::check::named;
use crate::diagnostic::{Fix, Syntax};
use crate::load::{self, front_matter};
use crate::model::{Kind, Link, LinkForm, PageIdx};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use crate::url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoveError {
    #[error("content/{0} is not a page or a folder of the handbook")]
    NotFound(String),
    #[error("content/{0} already exists: handbook mv never overwrites")]
    Exists(String),
    #[error("`{0}` is not a path inside content/ (write it like `playbooks/demo.md`)")]
    NotInContent(String),
    #[error("a page moves to a `.md` path: `{0}`")]
    NotMarkdown(String),
    #[error("content/{0} cannot move into itself")]
    IntoItself(String),
    #[error("content/index.md is the home page; it cannot move")]
    Home,
    #[error(
        "the id `{id}` that content/{page} would take from its new name is already used by content/{other}; set `id:` in its front matter first"
    )]
    IdTaken {
        id: String,
        page: String,
        other: String,
    },
    #[error(
        "content/{file}:{line}: cannot rewrite `{written}` (an escape or entity in it): write it plainly first"
    )]
    Unwritable {
        file: String,
        line: usize,
        written: String,
    },
    #[error("content/{0}: its front matter is not closed, so its aliases cannot be added")]
    FrontMatter(String),
    #[error("content/{page} would be published at /{url}, which is already {other}")]
    UrlTaken {
        page: String,
        url: String,
        other: String,
    },
}

/// A move: what is renamed on disk, and the edits, by the content path of each file as it is
/// before the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub from: String,
    pub to: String,
    /// `from` is a folder.
    pub folder: bool,
    /// Pages that move.
    pub pages: usize,
    pub edits: BTreeMap<String, Vec<Fix>>,
}

impl Plan {
    /// Where content path `path` is after the move.
    pub fn after(&self, path: &str) -> String {
        let moving = Moving {
            from: &self.from,
            to: &self.to,
            folder: self.folder,
        };
        moving.after(path)
    }
}

/// Where a content path is after the move.
struct Moving<'a> {
    from: &'a str,
    to: &'a str,
    folder: bool,
}

impl Moving<'_> {
    fn new_path(&self, path: &str) -> Option<String> {
        if self.folder {
            let rest = path.strip_prefix(self.from)?.strip_prefix('/')?;
            Some(format!("{}/{rest}", self.to))
        } else {
            (path == self.from).then(|| self.to.to_string())
        }
    }

    fn after(&self, path: &str) -> String {
        self.new_path(path).unwrap_or_else(|| path.to_string())
    }
}

/// A path as `handbook mv` takes it: inside content/, `/`-separated, with or without a leading
/// `content/` and a trailing `/`.
pub fn content_path(written: &str) -> Result<String, MoveError> {
    let path = written.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let path = path.strip_prefix("content/").unwrap_or(path);
    let path = path.trim_end_matches('/');
    let fine = !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|p| !matches!(p, "" | "." | ".."));
    fine.then(|| path.to_string())
        .ok_or_else(|| MoveError::NotInContent(written.to_string()))
}

/// Plans moving content path `from` (a page, or a folder when `folder`) to `to`. `exists`
/// says whether a content path is taken on disk; `source` gives a page's text (for its front
/// matter).
pub fn plan(
    site: &Site,
    from: &str,
    to: &str,
    folder: bool,
    exists: &dyn Fn(&str) -> bool,
    source: &dyn Fn(&str) -> Option<String>,
) -> Result<Plan, MoveError> {
    if !exists(from) {
        return Err(MoveError::NotFound(from.to_string()));
    }
    if exists(to) {
        return Err(MoveError::Exists(to.to_string()));
    }
    if folder && (to == from || to.starts_with(&format!("{from}/"))) {
        return Err(MoveError::IntoItself(from.to_string()));
    }
    if !folder && !to.ends_with(".md") && from.ends_with(".md") {
        return Err(MoveError::NotMarkdown(to.to_string()));
    }
    if from == "index.md" || (folder && site.by_path.contains_key("index.md") && from.is_empty()) {
        return Err(MoveError::Home);
    }
    let moving = Moving { from, to, folder };
    let moved: Vec<PageIdx> = (0..site.pages.len())
        .filter(|&i| moving.new_path(&site.pages[i].path).is_some())
        .collect();
    if !folder && moved.is_empty() {
        return Err(MoveError::NotFound(from.to_string()));
    }
    let mut edits: BTreeMap<String, Vec<Fix>> = BTreeMap::new();
    let new_ids = new_ids(site, &moved, &moving)?;
    urls_free(site, &moved, &moving)?;
    for i in 0..site.pages.len() {
        let page = &site.pages[i];
        for (link, target) in page.links.iter().zip(&site.targets[i]) {
            let Some(dest) = rewritten(site, i, link, target, &moving) else {
                continue;
            };
            let syntax = match link.form {
                LinkForm::Autolink => continue,
                LinkForm::Html | LinkForm::HtmlImage => Syntax::Html,
                LinkForm::Resource => Syntax::Yaml,
                _ => Syntax::Markdown,
            };
            edits.entry(page.path.clone()).or_default().push(Fix {
                bytes: link.pos.bytes.clone(),
                was: link.dest.clone(),
                replacement: dest,
                syntax,
            });
        }
        for (value, kind) in named(page) {
            let Some(to) = site.page_of_kind(&value.value, kind) else {
                continue;
            };
            if let Some(id) = new_ids.get(&to) {
                edits.entry(page.path.clone()).or_default().push(Fix {
                    bytes: value.pos.bytes.clone(),
                    was: value.value.clone(),
                    replacement: id.clone(),
                    syntax: Syntax::Yaml,
                });
            }
        }
    }
    for &i in &moved {
        let page = &site.pages[i];
        let text = source(&page.path).unwrap_or_default();
        let fixes = front_matter_lines(site, i, &text, &moving)?;
        edits.entry(page.path.clone()).or_default().extend(fixes);
    }
    // Refuse rather than leave a link broken: every edit must be writable as planned.
    for (path, fixes) in &edits {
        let Some(text) = source(path) else { continue };
        for fix in fixes {
            if crate::edit::place(&text, fix).is_none() {
                let line = text[..fix.bytes.start.min(text.len())]
                    .lines()
                    .count()
                    .max(1);
                return Err(MoveError::Unwritable {
                    file: path.clone(),
                    line,
                    written: fix.was.clone(),
                });
            }
        }
    }
    Ok(Plan {
        from: from.to_string(),
        to: to.to_string(),
        folder,
        pages: moved.len(),
        edits,
    })
}

/// The new id of each moved page whose id comes from its file or folder name and changes.
fn new_ids(
    site: &Site,
    moved: &[PageIdx],
    moving: &Moving,
) -> Result<BTreeMap<PageIdx, String>, MoveError> {
    let mut ids = BTreeMap::new();
    for &i in moved {
        let page = &site.pages[i];
        if page.id_pos.is_some() || page.kind() == Kind::Page {
            continue;
        }
        let id = load::default_id(&moving.after(&page.path));
        if id == page.id {
            continue;
        }
        if let Some(&other) = site.by_id.get(&id).filter(|&&o| !moved.contains(&o)) {
            return Err(MoveError::IdTaken {
                id,
                page: page.path.clone(),
                other: site.pages[other].path.clone(),
            });
        }
        ids.insert(i, id);
    }
    Ok(ids)
}

/// Refuses a move that would publish a page where another page, or another page's alias,
/// already is.
fn urls_free(site: &Site, moved: &[PageIdx], moving: &Moving) -> Result<(), MoveError> {
    let base = site.config.base_path();
    for &i in moved {
        let page = &site.pages[i];
        let url = load::url_of(&moving.after(&page.path));
        let taken = |other: String| MoveError::UrlTaken {
            page: page.path.clone(),
            url: url.clone(),
            other,
        };
        if let Some(&other) = site.by_url.get(url.as_str()).filter(|o| !moved.contains(o)) {
            return Err(taken(format!(
                "the URL of content/{}",
                site.pages[other].path
            )));
        }
        for (o, other) in site.pages.iter().enumerate() {
            if o == i {
                continue;
            }
            let clash = other.common.aliases.iter().any(|alias| {
                crate::resolve::aliases::site_path(&alias.value, base).is_ok_and(|a| a == url)
            });
            if clash {
                return Err(taken(format!("an alias of content/{}", other.path)));
            }
        }
    }
    Ok(())
}

/// The destination `link` of page `from` needs after the move, if it changes.
fn rewritten(
    site: &Site,
    from: PageIdx,
    link: &Link,
    target: &Target,
    moving: &Moving,
) -> Option<String> {
    let dest = &link.dest;
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    let (written, rest) = dest.split_at(split);
    if written.is_empty() {
        return None;
    }
    let path = url::decode(written);
    let source = &site.pages[from].path;
    let source_after = moving.after(source);
    let (target, target_after, folder_page) = match target {
        Target::Page { page, .. } | Target::MissingAnchor { page, .. } => {
            let target = site.pages[*page].path.as_str();
            (target, moving.after(target), Some(*page))
        }
        Target::File { path: file, .. } if site.assets.contains(file.trim_end_matches('/')) => {
            (file.as_str(), moving.after(file), None)
        }
        Target::File { .. } if !path.starts_with('/') && *source != source_after => {
            // A static file, read from the page's URL.
            let url = links::by_url(site, from, &path)?;
            let here = load::url_of(&source_after);
            let raw = relative_url(&here, &url);
            return changed(dest, written, rest, &raw);
        }
        _ => return None,
    };
    if *source == source_after && target == target_after {
        return None;
    }
    let url_style = |url: String| with_ending(url, written);
    let raw = if let Some(absolute) = path.strip_prefix('/') {
        if target == target_after {
            return None;
        }
        let base = url::decode(site.config.base_path()).into_owned();
        let prefix = if base.len() > 1 && path.starts_with(&base) {
            base
        } else {
            "/".to_string()
        };
        if absolute.ends_with(".md") {
            format!("{prefix}{target_after}")
        } else {
            format!("{prefix}{}", url_style(url_of(&target_after, folder_page)))
        }
    } else {
        let dir_before = dir(source);
        let dir_after = dir(&source_after);
        if path.ends_with(".md") {
            links::relative(dir_after, &target_after)
        } else {
            let by_file = links::join(dir_before, &path);
            let read_as_file = by_file.as_deref().is_some_and(|joined| {
                let joined = joined.trim_end_matches('/');
                match folder_page {
                    Some(page) => site.folder_page(joined) == Some(page),
                    None => joined == target.trim_end_matches('/'),
                }
            });
            if read_as_file {
                let place = match folder_page.map(|_| load::folder_of(&target_after)) {
                    Some(Some(folder)) => folder.to_string(),
                    Some(None) => {
                        return changed(
                            dest,
                            written,
                            rest,
                            &links::relative(dir_after, &target_after),
                        );
                    }
                    None => target_after.trim_end_matches('/').to_string(),
                };
                let relative = links::relative(dir_after, &place);
                with_ending(
                    if relative.is_empty() {
                        ".".into()
                    } else {
                        relative
                    },
                    written,
                )
            } else {
                let here = load::url_of(&source_after);
                url_style(relative_url(&here, &url_of(&target_after, folder_page)))
            }
        }
    };
    changed(dest, written, rest, &raw)
}

/// The destination with its path written as `raw` (encoded as `written` encodes), if that
/// changes it.
fn changed(dest: &str, written: &str, rest: &str, raw: &str) -> Option<String> {
    let new = format!("{}{rest}", url::path_like(raw, written));
    (new != dest).then_some(new)
}

/// The site path of a moved page or file.
fn url_of(path: &str, page: Option<PageIdx>) -> String {
    match page {
        Some(_) => load::url_of(path),
        None => path.to_string(),
    }
}

/// The relative URL from the page at `here` (`a/b/`) to site path `to`.
fn relative_url(here: &str, to: &str) -> String {
    let relative = links::relative(here.trim_end_matches('/'), to.trim_end_matches('/'));
    let relative = if relative.is_empty() {
        ".".to_string()
    } else {
        relative
    };
    if to.ends_with('/') {
        format!("{relative}/")
    } else {
        relative
    }
}

/// `path` ending as `written` ends: `/`, `/index.html`, or neither.
fn with_ending(path: String, written: &str) -> String {
    let bare = path.trim_end_matches('/');
    let bare = if bare.is_empty() { "." } else { bare };
    if written.ends_with("index.html") {
        format!("{bare}/index.html")
    } else if written.ends_with('/') {
        format!("{bare}/")
    } else {
        bare.to_string()
    }
}

fn dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The front-matter lines a moved page gains: its old URL in `aliases`, and `kind:` when its
/// new place would give it another kind.
fn front_matter_lines(
    site: &Site,
    i: PageIdx,
    text: &str,
    moving: &Moving,
) -> Result<Vec<Fix>, MoveError> {
    let page = &site.pages[i];
    let old_url = format!("/{}", url::path(&page.url));
    let new_path = moving.after(&page.path);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(_) => return Err(MoveError::FrontMatter(page.path.clone())),
    };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let Some(split) = split else {
        // No front matter: it gains one, which makes the place decide the kind.
        let mut lines = String::from("---");
        lines.push_str(newline);
        if load::place(&new_path, true).1 != Kind::Page {
            lines.push_str(&format!("kind: page{newline}"));
        }
        lines.push_str(&format!("aliases: [{old_url}]{newline}---{newline}"));
        return Ok(vec![insert(bom, lines)]);
    };
    let end_of_yaml = split.yaml_offset + split.yaml.len();
    let mut fixes = Vec::new();
    let key_line = |key: &str| {
        top_level_line(split.yaml, key)
            .map(|(start, end)| (split.yaml_offset + start, split.yaml_offset + end))
    };
    if key_line("kind").is_none() && load::place(&new_path, true).1 != page.kind() {
        fixes.push(insert(
            end_of_yaml,
            format!("kind: {}{newline}", page.kind().as_str()),
        ));
    }
    let aliases = &page.common.aliases;
    let new_url = load::url_of(&new_path);
    let base = site.config.base_path();
    // Back at an old URL: that alias would now name the page's own URL.
    let (back, aliases): (Vec<_>, Vec<_>) = aliases.iter().partition(|a| {
        crate::resolve::aliases::site_path(&a.value, base).is_ok_and(|a| a == new_url)
    });
    let key = key_line("aliases");
    let flow = key.is_some_and(|(start, end)| {
        text[start..end]
            .split_once(':')
            .is_some_and(|(_, v)| v.trim_start().starts_with('['))
    });
    let adding = !aliases.iter().any(|a| a.value == old_url) && page.url != new_url;
    // A flow list left empty is written again whole, below: no item is cut out of it first.
    if !(adding && flow && aliases.is_empty()) {
        for alias in back {
            fixes.push(without(text, &alias.pos.bytes));
        }
    }
    if !adding {
        return Ok(fixes);
    }
    match (key, aliases.last()) {
        (None, _) => fixes.push(insert(
            end_of_yaml,
            format!("aliases: [{old_url}]{newline}"),
        )),
        (Some((start, end)), None) => fixes.push(Fix {
            bytes: start..end,
            was: text[start..end].to_string(),
            replacement: format!("aliases: [{old_url}]"),
            syntax: Syntax::Insert,
        }),
        (Some(_), Some(last)) => {
            let after = last.pos.bytes.end.min(text.len());
            if flow {
                let close = text[after..]
                    .find(']')
                    .map(|at| after + at)
                    .ok_or_else(|| MoveError::FrontMatter(page.path.clone()))?;
                fixes.push(insert(close, format!(", {old_url}")));
            } else {
                let line_start = text[..after].rfind('\n').map_or(0, |n| n + 1);
                let indent: String = text[line_start..]
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '-')
                    .collect();
                let line_end = text[after..]
                    .find('\n')
                    .map_or(text.len(), |n| after + n + 1);
                fixes.push(insert(line_end, format!("{indent}{old_url}{newline}")));
            }
        }
    }
    Ok(fixes)
}

/// The edit that takes the list item at `bytes` out of its list: its line in a block list,
/// the item and one comma beside it in a flow list.
fn without(text: &str, bytes: &std::ops::Range<usize>) -> Fix {
    let (start, end) = (bytes.start.min(text.len()), bytes.end.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let range = if text[line_start..start].trim_start().starts_with('-') {
        let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
        line_start..line_end
    } else if let Some(comma) = text[end..].strip_prefix(|c: char| c == ',') {
        let spaces = comma.len() - comma.trim_start_matches(' ').len();
        start..end + 1 + spaces
    } else if let Some(before) = text[..start].trim_end_matches(' ').strip_suffix(',') {
        before.len()..end
    } else {
        start..end
    };
    Fix {
        was: text[range.clone()].to_string(),
        bytes: range,
        replacement: String::new(),
        syntax: Syntax::Insert,
    }
}

fn insert(at: usize, text: String) -> Fix {
    Fix {
        bytes: at..at,
        was: String::new(),
        replacement: text,
        syntax: Syntax::Insert,
    }
}

/// The byte range of the top-level `key:` line in `yaml`, without its line break.
fn top_level_line(yaml: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let rest = line.strip_prefix(key).and_then(|r| r.strip_prefix(':'));
        if rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r', '\n'])) {
            let body = line.trim_end_matches(['\n', '\r']);
            return Some((start, start + body.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_taken_inside_content() {
        assert_eq!(content_path("content/playbooks/").unwrap(), "playbooks");
        assert_eq!(content_path("./a/b.md").unwrap(), "a/b.md");
        for bad in ["../x.md", "/etc/x.md", "", "a/../../b"] {
            assert!(content_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endings_follow_the_written_link() {
        assert_eq!(with_ending("../x/".into(), "../y/"), "../x/");
        assert_eq!(with_ending("../x/".into(), "../y"), "../x");
        assert_eq!(with_ending("x".into(), "y/index.html"), "x/index.html");
        assert_eq!(relative_url("a/b/", "a/c/"), "../c/");
        assert_eq!(relative_url("a/b/", "a/b/"), "./");
    }

    #[test]
    fn an_alias_leaves_its_list_whole() {
        let cut = |text: &str, item: &str| {
            let start = text.find(item).unwrap();
            let fix = without(text, &(start..start + item.len()));
            crate::edit::apply(text, &[&fix]).after
        };
        assert_eq!(cut("a: [/x/, /y/]\n", "/x/"), "a: [/y/]\n");
        assert_eq!(cut("a: [/x/, /y/]\n", "/y/"), "a: [/x/]\n");
        assert_eq!(cut("a: [/x/]\n", "/x/"), "a: []\n");
        assert_eq!(
            cut("a:\n  - /x/\n  - /y/\nb: 1\n", "/x/"),
            "a:\n  - /y/\nb: 1\n"
        );
    }

    #[test]
    fn top_level_keys_are_found_by_line() {
        let yaml = "title: A\n  aliases: no\naliases:\n  - /x/\n";
        assert_eq!(top_level_line(yaml, "aliases"), Some((23, 31)));
        assert_eq!(top_level_line(yaml, "kind"), None);
    }
}
