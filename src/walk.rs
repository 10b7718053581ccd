//! Walking a handbook folder (`content/`, `static/`, a theme's or the site's templates): the one
//! rule for symlinks and odd files that `build`, `check` and `serve` share (README, "Symlinks").
//!
//! A symlink is followed when its target lies inside the handbook root (or inside the folder
//! being walked, which may itself be a symlink to elsewhere). A symlink that points outside,
//! loops, or dangles is a `bad-symlink` warning naming the link, and is skipped; a file that is
//! not a regular file (a FIFO, a socket, a device) is an `io` error and is never opened, so it
//! cannot hang a build.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Pos;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files, relative to the walked folder and `/`-separated, sorted by name within
    /// each folder.
    pub files: Vec<String>,
    /// The files reached through a symlink (the file's own or a folder's), with the file they
    /// are: `serve` re-reads them when that file changes.
    pub linked: Vec<(String, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Files an editor leaves beside the real one while saving: never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Walks `dir`, which diagnostics name `shown` (relative to the handbook `root`, such as
/// `content` or `themes/x/templates`). A folder that does not exist yields nothing.
pub fn walk(root: &Path, dir: &Path, shown: &str) -> Walk {
    walk_each(root, dir, shown, |_| {})
}

/// [`walk`], handing each file (as [`Walk::files`] lists it, in its order) to `each_file` as
/// soon as it is found, so reading files can start before the walk ends.
pub fn walk_each(root: &Path, dir: &Path, shown: &str, mut each_file: impl FnMut(&str)) -> Walk {
    let mut found = Walk::default();
    let bases: Vec<PathBuf> = [root, dir]
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let relative = |path: &Path| -> String {
        let rel = below(path, dir);
        let rel = rel.to_string_lossy();
        if rel.contains('\\') {
            rel.replace('\\', "/")
        } else {
            rel.into_owned()
        }
    };
    let named = |path: &Path| -> String {
        let rel = relative(path);
        if rel.is_empty() {
            shown.to_string()
        } else {
            format!("{shown}/{rel}")
        }
    };
    // The depth of the shallowest symlinked folder the walk is inside, if any.
    let mut linked_from: Option<usize> = None;
    // By name within each folder. Siblings' paths are their folder's path and their name, so
    // comparing whole paths compares names, byte for byte as `sort_by_file_name` does,
    // without finding each name in its path again at every comparison (a folder of 6,500
    // pages is about 85,000 comparisons).
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter();
    while let Some(next) = entries.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(error) => {
                found.diagnostics.push(walk_error(&error, &named));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        if linked_from.is_some_and(|depth| entry.depth() <= depth) {
            linked_from = None;
        }
        let is_dir = entry.file_type().is_dir();
        if is_ignored(&entry.file_name().to_string_lossy()) {
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        let mut real = None;
        if entry.path_is_symlink() {
            match follow(entry.path(), is_dir, &bases) {
                Ok(target) => real = Some(target),
                Err(problem) => {
                    found
                        .diagnostics
                        .push(problem.diagnostic(&named(entry.path())));
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    continue;
                }
            }
            if is_dir && linked_from.is_none() {
                linked_from = Some(entry.depth());
            }
        }
        if is_dir {
            continue;
        }
        if !entry.file_type().is_file() {
            let file = named(entry.path());
            found.diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    &file,
                    Pos::default(),
                    format!("{file} is not a regular file (a FIFO, socket or device); skipped"),
                )
                .with_help("handbook reads only regular files; remove it or move it elsewhere"),
            );
            continue;
        }
        // Named relative to `dir` only (as problems name it, with `shown`, only for a problem).
        let rel = relative(entry.path());
        if real.is_none() && linked_from.is_some() {
            real = std::fs::canonicalize(entry.path()).ok();
        }
        if let Some(real) = real {
            found.linked.push((rel.clone(), real));
        }
        each_file(&rel);
        found.files.push(rel);
    }
    found
}

/// `path` below `dir`, as [`Path::strip_prefix`] gives it (`path` itself when it is not below
/// it). A walked path is `dir`'s own text, a `/` and the rest, which is cut off as bytes:
/// comparing the two paths component by component, once per file, was a third of the walk.
fn below<'p>(path: &'p Path, dir: &Path) -> &'p Path {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (bytes, dir_bytes) = (path.as_os_str().as_bytes(), dir.as_os_str().as_bytes());
        if let Some(rest) = bytes.strip_prefix(dir_bytes) {
            let rest = match rest.strip_prefix(b"/") {
                Some(rest) => Some(rest),
                None if dir_bytes.ends_with(b"/") => Some(rest),
                None => None,
            };
            // The rest is names the walk joined on, never `.`, `..` or an empty one.
            if let Some(rest) = rest.filter(|rest| !rest.starts_with(b"/") && !rest.is_empty()) {
                return Path::new(std::ffi::OsStr::from_bytes(rest));
            }
        }
    }
    path.strip_prefix(dir).unwrap_or(path)
}

/// Why a symlink is not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Outside(PathBuf),
    Loop,
    Dangling(PathBuf),
    Unfollowable(String),
}

impl Problem {
    fn diagnostic(&self, file: &str) -> Diagnostic {
        let (message, help) = match self {
            Problem::Outside(target) => (
                format!(
                    "{file} is a symlink to {}, outside the handbook; skipped",
                    target.display()
                ),
                "symlinks are followed only when they point inside the handbook folder; copy the file in instead",
            ),
            Problem::Loop => (
                format!(
                    "{file} is a symlink loop: it leads back to a folder that holds it; skipped"
                ),
                "point the symlink at a folder that does not hold it, or remove it",
            ),
            Problem::Dangling(target) => (
                format!(
                    "{file} is a symlink to {}, which does not exist; skipped",
                    target.display()
                ),
                "fix or remove the symlink",
            ),
            Problem::Unfollowable(why) => (
                format!("{file} is a symlink that cannot be followed ({why}); skipped"),
                "fix or remove the symlink",
            ),
        };
        Diagnostic::warning(Code::BadSymlink, file, Pos::default(), message).with_help(help)
    }
}

/// Where a symlink leads, if the walk may follow it.
fn follow(link: &Path, is_dir: bool, bases: &[PathBuf]) -> Result<PathBuf, Problem> {
    let target = std::fs::canonicalize(link).map_err(|e| unfollowable(link, &e))?;
    if !bases.iter().any(|base| target.starts_with(base)) {
        return Err(Problem::Outside(target));
    }
    // A folder that holds the link (the handbook root, say) would be walked again inside
    // itself: walkdir sees only the loops among the folders it has walked.
    let holder = link
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .is_some_and(|parent| parent.starts_with(&target));
    if is_dir && holder {
        return Err(Problem::Loop);
    }
    Ok(target)
}

fn unfollowable(link: &Path, error: &std::io::Error) -> Problem {
    match error.kind() {
        std::io::ErrorKind::NotFound => {
            Problem::Dangling(std::fs::read_link(link).unwrap_or_else(|_| link.to_path_buf()))
        }
        _ => Problem::Unfollowable(error.to_string()),
    }
}

fn walk_error(error: &walkdir::Error, named: &dyn Fn(&Path) -> String) -> Diagnostic {
    let path = error.path().unwrap_or(Path::new(""));
    let file = named(path);
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if error.loop_ancestor().is_some() {
        return Problem::Loop.diagnostic(&file);
    }
    match error.io_error() {
        Some(io) if is_link => unfollowable(path, io).diagnostic(&file),
        Some(io) => Diagnostic::error(
            Code::Io,
            &file,
            Pos::default(),
            format!("{file} cannot be read: {io}"),
        ),
        None => Diagnostic::error(Code::Io, &file, Pos::default(), error.to_string()),
    }
}

/// Whether `dir/rel` is a regular file reached without any symlink: such a file is content
/// exactly when the walk lists it, so `serve` may take its change without walking again.
pub fn is_plain_file(dir: &Path, rel: &str) -> bool {
    let mut path = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return false;
        };
        let last = i + 1 == parts.len();
        if meta.file_type().is_symlink() || (last && !meta.is_file()) || (!last && !meta.is_dir()) {
            return false;
        }
    }
    !rel.is_empty()
}

/// The text of `root/file` for a code frame, only when it is a regular file of at most `limit`
/// bytes inside the root: a diagnostic may name a FIFO (reading it would hang), a symlink to a
/// file outside the handbook (its text must not reach a CI log), or a file too large to read.
pub fn read_source(root: &Path, file: &str, limit: u64) -> Option<String> {
    let path = root.join(file);
    let real = std::fs::canonicalize(&path).ok()?;
    let inside = std::fs::canonicalize(root).is_ok_and(|r| real.starts_with(r));
    let meta = std::fs::metadata(&real).ok()?;
    if !inside || !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(&real)
        .ok()?
        .take(limit)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(walk: &Walk) -> Vec<(String, String)> {
        walk.diagnostics
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.file.clone()))
            .collect()
    }

    /// A walked path cut below its folder as bytes is what `strip_prefix` gives, whatever
    /// the folder's spelling.
    #[test]
    fn a_path_below_its_folder_is_what_strip_prefix_gives() {
        for dir in [
            "content",
            "content/",
            "./content",
            "/srv/site/content",
            "a/./content",
            "../site//content",
            "/",
        ] {
            let dir = Path::new(dir);
            for rest in ["x.md", "x/y.md", "a b/\u{e9}.md", "x\\y.md"] {
                let path = dir.join(rest);
                assert_eq!(
                    below(&path, dir),
                    path.strip_prefix(dir).unwrap(),
                    "{path:?}"
                );
            }
            assert_eq!(below(dir, dir), Path::new(""));
            assert_eq!(
                below(Path::new("elsewhere/x.md"), dir),
                Path::new("elsewhere/x.md")
            );
        }
    }

    /// Files come in walkdir's order by file name (each folder's entries sorted by name, a
    /// folder's files right after its name), through a symlinked folder too: names that sort
    /// differently as whole paths (`a` and `a-b`, `/` sorting after `-`), upper case, and
    /// names beyond ASCII.
    #[test]
    fn files_come_in_the_order_of_their_names_folder_by_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let dir = root.join("content");
        for folder in [
            "a",
            "a-b",
            "a.b",
            "B",
            "\u{e9}t\u{e9}",
            "a/x",
            "a/x-y",
            "real",
        ] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        for file in [
            "a.md",
            "a-b.md",
            "z.md",
            "A.md",
            "a/b.md",
            "a/x/c.md",
            "a/x-y/d.md",
            "a-b/e.md",
            "a.b/f.md",
            "B/g.md",
            "\u{e9}t\u{e9}/h.md",
            "real/i.md",
            "real/j-k.md",
            "real/j.md",
        ] {
            std::fs::write(dir.join(file), "x").unwrap();
        }
        symlink(dir.join("real"), dir.join("linked")).unwrap();
        let expected: Vec<String> = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&dir).unwrap();
                rel.to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(expected.len(), 17);
        assert_eq!(walk(&root, &dir, "content").files, expected);
    }

    #[test]
    fn follows_links_inside_and_reports_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let content = root.join("content");
        std::fs::create_dir_all(content.join("real")).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(content.join("real/a.md"), "a").unwrap();
        std::fs::write(root.join("docs/b.md"), "b").unwrap();
        std::fs::write(tmp.path().join("secret.md"), "s").unwrap();
        symlink("real/a.md", content.join("page.md")).unwrap();
        symlink("../docs", content.join("docs")).unwrap();
        symlink("../../secret.md", content.join("secret.md")).unwrap();
        symlink("..", content.join("up")).unwrap();
        symlink("nowhere.md", content.join("gone.md")).unwrap();
        symlink("self", content.join("self")).unwrap();

        let walk = walk(&root, &content, "content");
        assert_eq!(walk.files, ["docs/b.md", "page.md", "real/a.md"]);
        let linked: Vec<&str> = walk.linked.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(linked, ["docs/b.md", "page.md"]);
        assert_eq!(
            names(&walk),
            [
                ("bad-symlink".into(), "content/gone.md".into()),
                ("bad-symlink".into(), "content/secret.md".into()),
                ("bad-symlink".into(), "content/self".into()),
                ("bad-symlink".into(), "content/up".into()),
            ]
        );
        assert!(walk.diagnostics[0].message.contains("does not exist"));
        assert!(walk.diagnostics[1].message.contains("outside the handbook"));
        assert!(walk.diagnostics[3].message.contains("loop"));
    }

    #[test]
    fn the_walked_folder_may_itself_be_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(elsewhere.join("sub")).unwrap();
        std::fs::write(elsewhere.join("sub/x.md"), "x").unwrap();
        symlink("sub/x.md", elsewhere.join("y.md")).unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir(&root).unwrap();
        symlink(&elsewhere, root.join("content")).unwrap();
        let walk = walk(&root, &root.join("content"), "content");
        assert_eq!(walk.files, ["sub/x.md", "y.md"]);
        assert!(walk.diagnostics.is_empty(), "{:?}", walk.diagnostics);
    }

    #[test]
    fn plain_files_have_no_link_on_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/x.md"), "x").unwrap();
        symlink("a", dir.join("b")).unwrap();
        symlink("a/x.md", dir.join("y.md")).unwrap();
        assert!(is_plain_file(dir, "a/x.md"));
        assert!(!is_plain_file(dir, "b/x.md"));
        assert!(!is_plain_file(dir, "y.md"));
        assert!(!is_plain_file(dir, "a"));
        assert!(!is_plain_file(dir, "a/gone.md"));
    }

    #[test]
    fn sources_are_read_only_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.md"), "inside").unwrap();
        std::fs::write(tmp.path().join("secret"), "outside").unwrap();
        symlink("../secret", root.join("b.md")).unwrap();
        assert_eq!(read_source(&root, "a.md", 100).as_deref(), Some("inside"));
        assert_eq!(read_source(&root, "a.md", 3), None);
        assert_eq!(read_source(&root, "b.md", 100), None);
    }
}
