//! Load: walk `content/`, split and parse front matter, parse Markdown. Each file is loaded on
//! its own ([`page`]), with no knowledge of the others, so `serve` can reload just one.

pub mod front_matter;
pub mod html_writer;
pub mod markdown;
mod markup;
mod published_html;
pub mod raw_html;
mod read;
pub mod reference_links;
pub mod slug;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::hash::xxh3_128;
use bytesize::ByteSize;

use crate::diagnostic::Diagnostic;
use crate::model::{
    Anchor, Kind, Link, LinkForm, Located, Meta, Page, Pos, Resource, Role, UndefinedReference,
};

/// Every page and asset under `content/`, and what went wrong reading them.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    /// Files that are not Markdown, relative to `content/` (images next to their page).
    pub assets: Vec<String>,
    /// Problems of the pages, each named by its file.
    pub diagnostics: Vec<Diagnostic>,
    /// What the walk of `content/` found besides files: bad symlinks, FIFOs, unreadable folders.
    pub listing: Listing,
}

/// The names under `content/` (nothing read yet): what [`content`] and `serve` load.
#[derive(Debug, Default)]
pub struct Listing {
    pub markdown: Vec<String>,
    pub assets: Vec<String>,
    /// Files reached through a symlink, with the file each one is.
    pub linked: Vec<(String, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// How pages are loaded: what the command asks for, and what handbook.yaml says.
#[derive(Debug, Clone)]
pub struct Options {
    /// Render page bodies to HTML (`build`, `serve`), or only collect what checking needs.
    pub html: bool,
    /// A page file larger than this is an error, and is not read.
    pub max_page_size: ByteSize,
    /// Front-matter keys handbook.yaml declares (`front_matter.extra_keys`).
    pub extra_keys: Vec<String>,
    /// Hash each body ([`Page::body_hash`]), which rendering needs; a run that renders no
    /// page (`check`) skips it (about 2% of its instructions) and leaves the hash 0.
    pub hash_bodies: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            html: false,
            max_page_size: crate::config::DEFAULT_MAX_PAGE_SIZE,
            extra_keys: Vec::new(),
            hash_bodies: true,
        }
    }
}

impl Options {
    pub fn new(config: &crate::config::Config, html: bool) -> Self {
        Options {
            html,
            max_page_size: config.max_page_size,
            extra_keys: config.front_matter.extra_keys.clone(),
            hash_bodies: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no content folder at {0}")]
    NoContent(PathBuf),
}

pub use crate::walk::is_ignored;
pub use read::{Changed, Folder, published_body, read_page};

/// Lists the Markdown files and assets under `ROOT/content`, by the walk's rule for symlinks
/// and odd files ([`crate::walk`]).
pub fn list(root: &Path) -> Result<Listing, LoadError> {
    let content_dir = content_dir(root)?;
    Ok(listing(crate::walk::walk(root, &content_dir, "content")))
}

fn content_dir(root: &Path) -> Result<PathBuf, LoadError> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return Err(LoadError::NoContent(content_dir));
    }
    Ok(content_dir)
}

fn listing(walk: crate::walk::Walk) -> Listing {
    let (markdown, assets) = walk.files.into_iter().partition(|p| p.ends_with(".md"));
    Listing {
        markdown,
        assets,
        linked: walk.linked,
        diagnostics: walk.diagnostics,
    }
}

/// One file loaded: its page and its problems.
type Loaded = (Page, Vec<Diagnostic>);

/// What the loading threads hand back, each file by its place in the walk: the files loaded,
/// and the problems of those that gave no page (a file gone since the walk).
#[derive(Default)]
struct Gathered {
    loaded: Vec<(usize, Box<Loaded>)>,
    gone: Vec<(usize, Vec<Diagnostic>)>,
}

/// Loads the whole content folder, reading and parsing files in parallel.
pub fn content(root: &Path, options: &Options) -> Result<Content, LoadError> {
    let content_dir = content_dir(root)?;
    // Each page is read and parsed as soon as the walk finds it, beside the walk (the walk of
    // 10,000 pages is about 20 ms of one thread), and put back in the walk's order after.
    // Boxed where it is loaded: the list then grows by 16 bytes a page, not by a whole page
    // (about 700 bytes), copied again at each doubling, on one thread, under the lock.
    let gathered: Mutex<Gathered> = Mutex::default();
    let folder = read::Folder::open(&content_dir);
    let walk = rayon::scope(|scope| {
        let mut count = 0;
        let (gathered, folder) = (&gathered, &folder);
        crate::walk::walk_each(root, &content_dir, "content", |path| {
            if !path.ends_with(".md") {
                return;
            }
            let (index, path) = (count, path.to_string());
            count += 1;
            scope.spawn(move |_| {
                let (page, problems) = read::read_page_in(folder, &path, options);
                let loaded = match page {
                    Some(page) => Ok(Box::new((page, problems))),
                    None => Err(problems),
                };
                let mut gathered = gathered.lock().unwrap_or_else(PoisonError::into_inner);
                match loaded {
                    Ok(loaded) => gathered.loaded.push((index, loaded)),
                    Err(problems) => gathered.gone.push((index, problems)),
                }
            });
        })
    });
    let gathered = gathered
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let (pages, diagnostics) = unbox(gathered);
    let mut listing = listing(walk);
    Ok(Content {
        pages,
        diagnostics,
        assets: std::mem::take(&mut listing.assets),
        listing,
    })
}

/// The pages and problems of the loaded files, in the walk's order. The pages are moved out of
/// their boxes on every thread at once, each into its place in the list: on one thread, the
/// copy of every page into memory not touched before (8 MB at 10,000 pages, a page fault each
/// 4 KB) and the frees of the boxes were a serial tail of the load.
fn unbox(gathered: Gathered) -> (Vec<Page>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let Gathered {
        mut loaded,
        mut gone,
    } = gathered;
    loaded.sort_unstable_by_key(|(index, _)| *index);
    gone.sort_unstable_by_key(|(index, _)| *index);
    // The problems in the walk's order, those of the files gone among them.
    let mut diagnostics = Vec::new();
    let mut gone = gone.into_iter().peekable();
    for (index, loaded) in &mut loaded {
        while let Some((_, problems)) = gone.next_if(|(at, _)| at < index) {
            diagnostics.extend(problems);
        }
        diagnostics.append(&mut loaded.1);
    }
    diagnostics.extend(gone.flat_map(|(_, problems)| problems));
    let pages = loaded
        .into_par_iter()
        .with_min_len(64)
        .map(|(_, loaded)| loaded.0)
        .collect();
    (pages, diagnostics)
}

/// The file names of a folder's own page: `index.md`, and Hugo's `_index.md` (a migrated
/// handbook keeps its files as they are).
pub const FOLDER_PAGES: [&str; 2] = ["index.md", "_index.md"];

/// The folder whose page `path` is (`a/b` for `a/b/index.md` or `a/b/_index.md`, `` for the
/// home page), or `None` for any other page.
pub fn folder_of(path: &str) -> Option<&str> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    FOLDER_PAGES.contains(&name).then_some(dir)
}

/// Where a page sits decides its role and, without `kind:`, its kind.
pub fn place(path: &str, has_front_matter: bool) -> (Role, Kind) {
    let mut parts: Vec<&str> = path.split('/').collect();
    // `_index.md` is `index.md` by another name.
    if let Some(last) = parts.last_mut().filter(|last| FOLDER_PAGES.contains(last)) {
        *last = "index.md";
    }
    let kind = |k: Kind| if has_front_matter { k } else { Kind::Page };
    match parts.as_slice() {
        ["index.md"] => (Role::Home, Kind::Page),
        ["departments", "index.md"] => (Role::List(Kind::Department), Kind::Page),
        ["processes", "index.md"] => (Role::List(Kind::Process), Kind::Page),
        ["playbooks", .., "index.md"] => (Role::List(Kind::Playbook), Kind::Page),
        ["departments", _, "index.md"] | ["departments", _] => {
            (Role::Single, kind(Kind::Department))
        }
        ["processes", _, "index.md"] | ["processes", _] => (Role::Single, kind(Kind::Process)),
        ["playbooks", ..] => (Role::Single, kind(Kind::Playbook)),
        _ => (Role::Single, Kind::Page),
    }
}

/// `a/b.md` -> `a/b/`, `a/index.md` and `a/_index.md` -> `a/`, `index.md` -> ``.
pub fn url_of(path: &str) -> String {
    match folder_of(path) {
        Some("") => String::new(),
        Some(dir) => format!("{dir}/"),
        None => format!("{}/", path.strip_suffix(".md").unwrap_or(path)),
    }
}

/// The folder name for a folder's page, else the file stem.
pub fn default_id(path: &str) -> String {
    match folder_of(path) {
        Some("") => "home".to_string(),
        Some(dir) => dir.rsplit('/').next().unwrap_or(dir).to_string(),
        None => {
            let stem = path.strip_suffix(".md").unwrap_or(path);
            stem.rsplit('/').next().unwrap_or(stem).to_string()
        }
    }
}

/// Loads one page from its source, with no keys declared in handbook.yaml. Pure: the same input
/// always gives the same page.
pub fn page(path: &str, source: &str, html: bool) -> (Option<Page>, Vec<Diagnostic>) {
    let options = Options {
        html,
        ..Options::default()
    };
    load(path, source, &options)
}

/// Loads one page from its source. Pure: the same input always gives the same page.
pub fn load(path: &str, source: &str, options: &Options) -> (Option<Page>, Vec<Diagnostic>) {
    let html = options.html;
    let file = format!("content/{path}");
    let lines = LineIndex::new(source);

    let split = front_matter::split(source);
    // An opening `---` means front matter, even when it is never closed.
    let (role, inferred) = place(path, !matches!(split, Ok(None)));
    let front_matter::Read {
        front_matter: fm,
        body_offset,
        problems: diagnostics,
    } = front_matter::read(&file, &lines, source, split, inferred, &options.extra_keys);
    let body_text = &source[body_offset..];
    let body_hash = if options.hash_bodies {
        xxh3_128(body_text.as_bytes())
    } else {
        0
    };
    let parsed = markdown::parse(body_text, html);

    // Every position of the body, asked for in the order of their offsets: the text is then
    // read once, forwards.
    let spans: Vec<(usize, usize)> = (parsed.links.iter().map(|(dest, _, at)| (*at, dest.len())))
        .chain(parsed.anchors.iter().map(|(id, _, at)| (*at, id.len())))
        .chain(
            parsed
                .undefined
                .iter()
                .map(|(label, _, at, _)| (*at, label.len())),
        )
        .map(|(at, len)| (body_offset + at, len))
        .collect();
    let mut positions = positions(&lines, &spans).into_iter();
    let mut links: Vec<Link> = (parsed.links.into_iter())
        .zip(positions.by_ref())
        .map(|((dest, form, _), pos)| Link { pos, dest, form })
        .collect();
    let anchors = (parsed.anchors.into_iter())
        .zip(positions.by_ref())
        .map(|((id, kind, _), pos)| Anchor { pos, id, kind })
        .collect();
    let undefined_references = (parsed.undefined.into_iter())
        .zip(positions)
        .map(|((label, form, _, nearest), pos)| UndefinedReference {
            pos,
            label,
            form,
            nearest,
        })
        .collect();
    let mut meta = fm
        .meta
        .unwrap_or_else(|| front_matter::empty_meta(fm.kind.unwrap_or(inferred)));
    if let Meta::Process(process) = &mut meta {
        for (stage, resources) in process.stages.iter_mut().zip(fm.resources) {
            for (title, url) in resources {
                stage.resources.push(Resource {
                    title,
                    link: links.len(),
                });
                links.push(resource_link(url));
            }
        }
    }

    // Kept until the site is checked (and rendered): no growth slack.
    links.shrink_to_fit();
    let mut headings = parsed.headings;
    headings.shrink_to_fit();
    let title = fm
        .title
        .or_else(|| {
            headings
                .iter()
                .find(|h| h.level == 1)
                .map(|h| h.text.clone())
        })
        .unwrap_or_else(|| default_id(path));
    let page = Page {
        path: path.to_string(),
        file,
        id_pos: fm.id.as_ref().map(|id| id.pos.clone()),
        id: fm.id.map_or_else(|| default_id(path), |id| id.value),
        title,
        role,
        common: fm.common,
        meta,
        headings,
        anchors,
        links,
        undefined_references,
        body: parsed.body.into(),
        body_hash,
        body_offset,
        url: url_of(path),
        unread: fm.unread,
        unknown_keys: fm.unknown_keys,
    };
    (Some(page), diagnostics)
}

/// The positions of `spans` (offset, length in bytes), in their order, asked for in the order of
/// their offsets.
fn positions(lines: &LineIndex, spans: &[(usize, usize)]) -> Vec<Pos> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&i| spans[i].0);
    let mut positions = vec![Pos::default(); spans.len()];
    for i in order {
        let (offset, len) = spans[i];
        positions[i] = lines.pos(offset, len);
    }
    positions
}

/// Characters in `s`, counted many bytes at a time.
fn chars(s: &str) -> usize {
    bytecount::num_chars(s.as_bytes())
}

fn resource_link(url: Located<String>) -> Link {
    Link {
        dest: url.value,
        form: LinkForm::Resource,
        pos: url.pos,
    }
}

/// Byte offsets to 1-based lines and character columns, for one file. Lines are counted on
/// demand from the last offset asked for, forwards or backwards: a page's positions come
/// mostly in file order (its front matter's values, then its body's links and anchors, which
/// [`load`] asks for sorted by offset), so each is found by counting the newlines since the
/// one before, many bytes at a time, and no table of line starts is built for every page
/// (that was a search per line, and the largest part of a position's cost). The column is
/// counted on from the last position too when both are on one line: a paragraph is often
/// one long line holding several links.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// The last offset asked for and where it is.
    cursor: Cell<Cursor>,
}

#[derive(Debug, Clone, Copy)]
struct Cursor {
    offset: usize,
    /// 1-based.
    line: usize,
    /// Where the line's first character is, and the column of `offset`; `None` when only the
    /// line was asked for.
    column: Option<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            cursor: Cell::new(Cursor {
                offset: 0,
                line: 1,
                column: None,
            }),
        }
    }

    /// The 1-based line holding `offset` (an offset past the end is on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let line = self.count_lines(offset).0;
        self.cursor.set(Cursor {
            offset,
            line,
            column: None,
        });
        line
    }

    /// The line of `offset` counted from the cursor, and whether no newline lies between them
    /// with the cursor before it.
    fn count_lines(&self, offset: usize) -> (usize, bool) {
        let bytes = self.text.as_bytes();
        let Cursor {
            offset: from, line, ..
        } = self.cursor.get();
        if offset >= from {
            let newlines = bytecount::count(&bytes[from..offset], b'\n');
            (line + newlines, newlines == 0)
        } else if offset >= from - offset {
            (line - bytecount::count(&bytes[offset..from], b'\n'), false)
        } else {
            (1 + bytecount::count(&bytes[..offset], b'\n'), false)
        }
    }

    /// Line and character column of `offset`, with a `len`-byte range. An offset past the
    /// end or inside a character is moved back to the nearest character start, so a position
    /// always names a place in the text.
    pub fn pos(&self, offset: usize, len: usize) -> Pos {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The end too lands on a character boundary (a label measured after the parser
        // normalised it may stop inside a character): forward, so the range covers it whole.
        let mut end = offset + len.min(text.len() - offset);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let cursor = self.cursor.get();
        let (line, same_line) = self.count_lines(offset);
        let (start, column) = match cursor.column {
            // On the cursor's line, after it: count on from its column.
            Some((start, column)) if same_line && cursor.offset >= start => {
                (start, column + chars(&text[cursor.offset..offset]))
            }
            _ => {
                let start = match memchr::memrchr(b'\n', &text.as_bytes()[..offset]) {
                    Some(newline) => newline + 1,
                    None => self.line_start(1),
                };
                (start, 1 + text.get(start..offset).map_or(0, chars))
            }
        };
        self.cursor.set(Cursor {
            offset,
            line,
            column: Some((start, column)),
        });
        Pos {
            line,
            column,
            bytes: offset..end,
        }
    }

    /// Where a line's first character is: a byte-order mark is not a character of line 1. A
    /// line past the last is the end of the text.
    fn line_start(&self, line: usize) -> usize {
        match line.saturating_sub(1) {
            0 if self.text.starts_with('\u{feff}') => 3,
            0 => 0,
            newlines => memchr::memchr_iter(b'\n', self.text.as_bytes())
                .nth(newlines - 1)
                .map_or(self.text.len(), |newline| newline + 1),
        }
    }

    /// The byte offset of a 1-based line and character column; a column past the end of the
    /// line is the line's end (never a place on a later line).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let rest = &self.text[start..];
        start
            + rest
                .chars()
                .take_while(|&c| c != '\n')
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    /// `check` loads without hashing bodies: the same page and problems, but for the hash,
    /// which it leaves 0.
    #[test]
    fn a_page_loaded_without_its_body_hash_is_the_same_page() {
        let source =
            "---\ntitle: T\n---\n# T\n\nSee [x](x.md#a) and <a id=\"b\"></a>.\n\n## Part\n";
        let unhashed = Options {
            hash_bodies: false,
            ..Options::default()
        };
        let (hashed, hashed_problems) = load("p.md", source, &Options::default());
        let (unhashed, unhashed_problems) = load("p.md", source, &unhashed);
        let (hashed, mut unhashed) = (hashed.unwrap(), unhashed.unwrap());
        assert_ne!(hashed.body_hash, 0);
        assert_eq!(unhashed.body_hash, 0);
        unhashed.body_hash = hashed.body_hash;
        assert_eq!(
            format!("{hashed:?} {hashed_problems:?}"),
            format!("{unhashed:?} {unhashed_problems:?}")
        );
    }

    #[test]
    fn urls_and_ids() {
        assert_eq!(url_of("index.md"), "");
        assert_eq!(url_of("processes/edge/index.md"), "processes/edge/");
        assert_eq!(
            url_of("playbooks/discovery-call.md"),
            "playbooks/discovery-call/"
        );
        assert_eq!(url_of("reindex.md"), "reindex/");
        assert_eq!(default_id("processes/edge/index.md"), "edge");
        assert_eq!(url_of("_index.md"), "");
        assert_eq!(url_of("a/b/_index.md"), "a/b/");
        assert_eq!(url_of("a/b_index.md"), "a/b_index/");
        assert_eq!(default_id("processes/edge/_index.md"), "edge");
        assert_eq!(default_id("_index.md"), "home");
        assert_eq!(default_id("index.md"), "home");
        assert_eq!(folder_of("a/_index.md"), Some("a"));
        assert_eq!(folder_of("index.md"), Some(""));
        assert_eq!(folder_of("a/reindex.md"), None);
        assert_eq!(default_id("playbooks/discovery-call.md"), "discovery-call");
    }

    #[test]
    fn kinds_by_place() {
        assert_eq!(
            place("departments/sales/index.md", true),
            (Role::Single, Kind::Department)
        );
        assert_eq!(
            place("departments/sales.md", true),
            (Role::Single, Kind::Department)
        );
        assert_eq!(
            place("departments/sales/team.md", true),
            (Role::Single, Kind::Page)
        );
        assert_eq!(
            place("processes/edge/index.md", true),
            (Role::Single, Kind::Process)
        );
        assert_eq!(
            place("playbooks/a/b.md", true),
            (Role::Single, Kind::Playbook)
        );
        assert_eq!(
            place("playbooks/a/index.md", true),
            (Role::List(Kind::Playbook), Kind::Page)
        );
        assert_eq!(
            place("processes/edge/index.md", false),
            (Role::Single, Kind::Page)
        );
        // Hugo's `_index.md` has every role `index.md` has.
        assert_eq!(place("_index.md", true), (Role::Home, Kind::Page));
        assert_eq!(
            place("processes/_index.md", true),
            (Role::List(Kind::Process), Kind::Page)
        );
        assert_eq!(
            place("processes/edge/_index.md", true),
            (Role::Single, Kind::Process)
        );
        assert_eq!(
            place("playbooks/a/_index.md", true),
            (Role::List(Kind::Playbook), Kind::Page)
        );
    }

    #[test]
    fn positions_count_characters_after_front_matter_and_crlf() {
        let src = "---\r\ntitle: Ünï\r\n---\r\nÄ é [x](gone.md)\r\n".to_string();
        let (page, diags) = page("a.md", &src, true);
        assert!(diags.is_empty(), "{diags:?}");
        let page = page.unwrap();
        assert_eq!(page.title, "Ünï");
        assert_eq!((page.links[0].pos.line, page.links[0].pos.column), (4, 9));
    }

    #[test]
    fn front_matter_errors_point_at_the_value() {
        let src = "---\ntitle: A\nowner: a\n  bad: : x\n---\nbody\n".to_string();
        let (page, diags) = page("processes/x.md", &src, true);
        assert!(page.is_some());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::FrontMatterSyntax);
        assert_eq!((diags[0].line, diags[0].column), (4, 6), "{diags:?}");
        assert_eq!(
            diags[0].message,
            "this line is indented further than the key above it"
        );
    }

    #[test]
    fn unknown_field_is_a_schema_error_with_a_suggestion() {
        let src = "---\ntitle: A\nownr: sales\n---\n".to_string();
        let (_, diags) = page("departments/x.md", &src, true);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::FrontMatterSchema);
        assert_eq!((diags[0].line, diags[0].column), (3, 1));
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `owner`?"));
    }

    /// Found by the `front_matter` property (`tests/properties.rs`): serde-saphyr breaks lines at a lone `\r`, the line
    /// index does not, and a column past a line's end ran on into later lines; the error was
    /// reported at 4:3 while its offset was on line 6. Positions now come from the byte offset.
    #[test]
    fn yaml_error_position_agrees_with_its_offset_after_a_lone_cr() {
        let src = "---\n\rtitle: Ünï\n- ---\n\n\n---\nbody\n";
        let (_, diags) = page("a.md", src, true);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!((d.line, d.column, d.bytes.start), (4, 1, 24), "{d:?}");
    }

    /// Lines are counted from the last position asked for: in any order of offsets (forwards,
    /// backwards, back to the start), each position is the one counted from the top.
    #[test]
    fn positions_in_any_order_are_counted_from_the_top() {
        let text = "\u{feff}a\nbé\r\n\n  [x](y.md) é\nlast line";
        let expected = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(3, |newline| newline + 1);
            (line, text[start.min(offset)..offset].chars().count() + 1)
        };
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut order = boundaries.clone();
        order.extend(boundaries.iter().rev());
        // Jumps both ways, near and far, by a stride prime to the number of offsets.
        order.extend((0..boundaries.len()).map(|i| boundaries[(i * 7) % boundaries.len()]));
        let lines = LineIndex::new(text);
        for offset in order {
            let pos = lines.pos(offset, 1);
            assert_eq!((pos.line, pos.column), expected(offset), "at {offset}");
            assert_eq!(lines.line_of(offset), pos.line);
        }
        assert_eq!(lines.line_of(text.len() + 5), 5);
        assert_eq!(lines.offset_of(1, 1), 3);
        assert_eq!(lines.offset_of(4, 3), text.find('[').unwrap());
        assert_eq!(lines.offset_of(9, 1), text.len());
    }

    #[test]
    fn offset_of_a_column_past_the_line_end_is_the_line_end() {
        let lines = LineIndex::new("ab\n\ncd\n");
        assert_eq!(lines.offset_of(2, 3), 3);
        assert_eq!(lines.offset_of(3, 2), 5);
        assert_eq!(lines.offset_of(1, 9), 2);
    }

    #[test]
    fn positions_past_the_end_or_inside_a_character_are_clamped() {
        let lines = LineIndex::new("aé\n");
        let pos = lines.pos(2, 5);
        assert_eq!((pos.line, pos.column, pos.bytes), (1, 2, 1..4));
        let pos = lines.pos(99, 1);
        assert_eq!((pos.line, pos.column, pos.bytes), (2, 1, 4..4));
        // Found by the `resolve_links` property: a range that ends inside a character (an
        // undefined reference's label, measured after the parser trimmed it) panicked the
        // code frame. It now ends after the character.
        let pos = lines.pos(0, 2);
        assert_eq!(pos.bytes, 0..3);
        let (page, _) = page("a.md", "[x][ {\u{fffd}]\n", false);
        let undefined = &page.unwrap().undefined_references[0];
        assert!("[x][ {\u{fffd}]\n".is_char_boundary(undefined.pos.bytes.end));
    }

    #[test]
    fn reference_values_keep_their_position() {
        let src = "---\nprocess: edge\nstage:  demo\n---\n".to_string();
        let (page, diags) = page("playbooks/x.md", &src, true);
        assert!(diags.is_empty(), "{diags:?}");
        let Meta::Playbook(p) = page.unwrap().meta else {
            panic!("not a playbook")
        };
        let stage = p.stage.unwrap();
        assert_eq!((stage.pos.line, stage.pos.column), (3, 9));
    }

    /// Pages are read while the walk goes on, in any order; they come back in the walk's
    /// order (sorted by name within each folder), each page's problems in that order too.
    #[test]
    fn pages_and_their_problems_come_back_in_the_walks_order() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        for folder in ["a", "a/b", "c", "d/e"] {
            std::fs::create_dir_all(content.join(folder)).unwrap();
        }
        let mut written = 0;
        for folder in ["", "a/", "a/b/", "c/", "d/e/"] {
            for n in (0..40).rev() {
                // Every third page has an unknown field: one problem each.
                let extra = if n % 3 == 0 { "ownr: x\n" } else { "" };
                let source = format!("---\ntitle: P{n}\n{extra}---\n[x](../nope-{n}.md)\n");
                std::fs::write(content.join(format!("{folder}p-{n:02}.md")), source).unwrap();
                written += 1;
            }
        }
        std::fs::write(content.join("a/picture.png"), "png").unwrap();
        let loaded = super::content(tmp.path(), &Options::default()).unwrap();
        let paths: Vec<&str> = loaded.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, loaded.listing.markdown);
        assert_eq!(paths.len(), written);
        assert!(paths.windows(2).all(|w| w[0] < w[1]), "{paths:?}");
        assert_eq!(loaded.assets, ["a/picture.png"]);
        let files: Vec<&str> = loaded.diagnostics.iter().map(|d| d.file.as_str()).collect();
        let expected: Vec<String> = paths
            .iter()
            .filter(|p| {
                let n: usize = p[p.len() - 5..p.len() - 3].parse().unwrap();
                n.is_multiple_of(3)
            })
            .map(|p| format!("content/{p}"))
            .collect();
        assert_eq!(files, expected);
    }

    /// The threads hand pages back in any order, and a file gone since the walk hands back
    /// only its problems: the pages come out in the walk's order (moved in parallel, each to
    /// its place), and every problem in the order of its file, the gone ones among the rest.
    #[test]
    fn unboxed_pages_and_problems_keep_the_walks_order() {
        let problem = |n: usize| {
            Diagnostic::error(Code::Io, &format!("content/p{n}.md"), Pos::default(), "x")
        };
        let mut gathered = Gathered::default();
        // Files 0..300; every seventh is gone, every fifth has a problem.
        for n in (0..300).rev() {
            let problems: Vec<Diagnostic> = (n % 5 == 0).then(|| problem(n)).into_iter().collect();
            if n % 7 == 3 {
                gathered.gone.push((n, problems));
                continue;
            }
            let (loaded, _) = page(&format!("p{n}.md"), "# P\n", false);
            gathered
                .loaded
                .push((n, Box::new((loaded.unwrap(), problems))));
        }
        gathered.loaded.swap(0, 100);
        gathered.gone.swap(0, 20);
        let (pages, problems) = unbox(gathered);
        let paths: Vec<String> = pages.iter().map(|p| p.path.clone()).collect();
        let expected: Vec<String> = (0..300)
            .filter(|n| n % 7 != 3)
            .map(|n| format!("p{n}.md"))
            .collect();
        assert_eq!(paths, expected);
        let files: Vec<&str> = problems.iter().map(|d| d.file.as_str()).collect();
        let expected: Vec<String> = (0..300)
            .filter(|n| n % 5 == 0)
            .map(|n| format!("content/p{n}.md"))
            .collect();
        assert_eq!(files, expected);
    }

    /// Every page is held until the site is checked: its lists are allocated at their size.
    #[test]
    fn loaded_lists_have_no_growth_slack() {
        let stage = "  - name: S{n}\n    agenda: [a, b, c, d, e]\n    exit_criteria:\n      - x\n      - y\n      - z\n    collaborators: [p, q, r, s, t]\n";
        let stages: String = (0..5)
            .map(|n| stage.replace("{n}", &n.to_string()))
            .collect();
        let body: String = (0..5)
            .map(|n| format!("## H{n}\n\n[l](x{n}.md)\n\n"))
            .collect();
        let src =
            format!("---\ntitle: T\nowner: o\ntags: [a, b, c, d, e]\nstages:\n{stages}---\n{body}");
        let (page, diags) = page("processes/x/index.md", &src, false);
        assert!(diags.is_empty(), "{diags:?}");
        let page = page.unwrap();
        let process = page.process().unwrap();
        assert_eq!(process.stages.len(), 5);
        assert_eq!(process.stages.capacity(), 5);
        for stage in &process.stages {
            assert_eq!((stage.agenda.len(), stage.agenda.capacity()), (5, 5));
            assert_eq!(stage.exit_criteria.capacity(), 3);
            assert_eq!(stage.collaborators.capacity(), 5);
        }
        assert_eq!(page.common.tags.capacity(), 5);
        assert_eq!((page.headings.len(), page.headings.capacity()), (5, 5));
        assert_eq!((page.links.len(), page.links.capacity()), (5, 5));
    }
}
