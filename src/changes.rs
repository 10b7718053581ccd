//! Pull-request mode (README, "Pull requests"): which files changed since a git revision, and
//! which problems the change concerns. git runs as a subprocess, as a person would run it.

use std::collections::HashSet;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostic::{Code, Diagnostic};

#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("cannot run git: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("--changed-since needs a git repository, and {0} is not in one")]
    NotARepository(PathBuf),
    #[error(
        "--changed-since: git knows no revision `{0}` (fetch it first, e.g. `git fetch origin main`)"
    )]
    UnknownRevision(String),
    #[error("`git {command}` failed: {stderr}")]
    Failed { command: String, stderr: String },
}

/// What changed between a revision and the working tree, relative to the handbook root.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files added, modified or untracked: their problems are all reported.
    pub changed: HashSet<String>,
    /// Files deleted (a renamed file's old name is one).
    pub removed: HashSet<String>,
    /// `removed` as the site paths links name, for broken links into them.
    removed_paths: HashSet<String>,
    /// The ids that removed and modified pages had at the revision.
    old_ids: HashSet<String>,
    /// `handbook.yaml` changed: any problem anywhere may come from it.
    everything: bool,
}

impl Changes {
    /// Asks git what changed in `root` since `rev`: `git diff REV` (commits, staged and
    /// unstaged edits) plus untracked files that are not ignored.
    pub fn since(root: &Path, rev: &str) -> Result<Changes, ChangesError> {
        let inside = git(root, &["rev-parse", "--is-inside-work-tree"], None);
        if !matches!(&inside, Ok(out) if out.trim_ascii() == b"true") {
            return match inside {
                Err(ChangesError::Spawn(e)) => Err(ChangesError::Spawn(e)),
                _ => Err(ChangesError::NotARepository(root.to_path_buf())),
            };
        }
        let commit = format!("{rev}^{{commit}}");
        let known = git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &commit,
            ],
            None,
        );
        if known.is_err() {
            return Err(ChangesError::UnknownRevision(rev.to_string()));
        }
        let mut changes = Changes::default();
        let mut modified = Vec::new();
        let diff = git(
            root,
            &[
                "diff",
                "--name-status",
                "--no-renames",
                "-z",
                "--relative",
                "--end-of-options",
                rev,
                "--",
            ],
            None,
        )?;
        let diff = String::from_utf8_lossy(&diff);
        let mut fields = diff.split('\0');
        while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
            let path = path.to_string();
            match status {
                "D" => {
                    changes.removed_paths.insert(removed_path(&path));
                    modified.push(path.clone());
                    changes.removed.insert(path);
                }
                "A" => {
                    changes.changed.insert(path);
                }
                _ => {
                    modified.push(path.clone());
                    changes.changed.insert(path);
                }
            }
        }
        let untracked = git(
            root,
            &["ls-files", "--others", "--exclude-standard", "-z"],
            None,
        )?;
        changes.changed.extend(
            String::from_utf8_lossy(&untracked)
                .split('\0')
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
        changes.everything = changes.changed.contains("handbook.yaml");
        changes.old_ids = old_ids(root, rev, &modified)?;
        Ok(changes)
    }

    /// Whether a problem belongs in a pull request's report: it is in a changed file, or the
    /// change caused it elsewhere (a link or reference into a page that was deleted, renamed
    /// or changed).
    pub fn concerns(&self, d: &Diagnostic) -> bool {
        if self.everything || self.changed.contains(&d.file) {
            return true;
        }
        let into_change = d.target().is_some_and(|target| {
            if d.code == Code::BrokenLink {
                self.removed_paths.contains(&site_path(target))
            } else {
                self.changed.contains(target) || self.removed.contains(target)
            }
        });
        let names_old_id = matches!(d.code, Code::BrokenRef | Code::DraftLink)
            && d.subject().is_some_and(|id| self.old_ids.contains(id));
        into_change || names_old_id
    }
}

/// Runs git in `root`, feeding `input` to it; its standard output, or why it failed.
fn git(root: &Path, args: &[&str], input: Option<String>) -> Result<Vec<u8>, ChangesError> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ChangesError::Spawn)?;
    // Written from another thread: git answers while it reads, and would block on a full
    // stdout pipe while this thread still writes.
    let writer = input.zip(child.stdin.take()).map(|(input, mut stdin)| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let output = child.wait_with_output().map_err(ChangesError::Spawn)?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(ChangesError::Failed {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

/// The ids the Markdown pages among `paths` had at `rev`, read with one `git cat-file --batch`.
fn old_ids(root: &Path, rev: &str, paths: &[String]) -> Result<HashSet<String>, ChangesError> {
    let pages: Vec<&str> = paths
        .iter()
        .filter_map(|p| p.strip_prefix("content/"))
        .filter(|p| p.ends_with(".md"))
        .collect();
    if pages.is_empty() {
        return Ok(HashSet::new());
    }
    // `REV:./path` is read relative to the root, where git runs.
    let input: String = pages
        .iter()
        .map(|p| format!("{rev}:./content/{p}\n"))
        .collect();
    let out = git(root, &["cat-file", "--batch"], Some(input))?;
    let mut reader = std::io::Cursor::new(out);
    let mut ids = HashSet::new();
    for page in pages {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        // `<oid> blob <size>`, or `<name> missing` for a path not in `rev`.
        let Some(size) = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let mut text = vec![0; size + 1];
        if reader.read_exact(&mut text).is_err() {
            break;
        }
        text.pop();
        let text = String::from_utf8_lossy(&text);
        if let (Some(old), _) = crate::load::page(page, &text, false) {
            ids.insert(old.id);
        }
    }
    Ok(ids)
}

/// A removed file as links name it: `content/a/b.md` and `static/a/b.png` by their site paths.
fn removed_path(path: &str) -> String {
    let under = path
        .strip_prefix("content/")
        .or_else(|| path.strip_prefix("static/"))
        .unwrap_or(path);
    site_path(under)
}

/// One spelling for the ways a link names a page: `a/b.md`, `a/b/index.md`, `a/b/`, `a/b` and
/// `a/b/index.html` are all `a/b`.
fn site_path(path: &str) -> String {
    let mut p = path.trim_end_matches('/');
    p = p.strip_suffix("index.html").unwrap_or(p);
    p = p.trim_end_matches('/');
    p = p.strip_suffix(".md").unwrap_or(p);
    for index in ["index", "_index"] {
        if p == index {
            p = "";
        } else if let Some(folder) = p.strip_suffix(index).and_then(|f| f.strip_suffix('/')) {
            p = folder;
        }
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_of_one_page_agree() {
        for spelling in ["a/b.md", "a/b/index.md", "a/b/", "a/b", "a/b/index.html"] {
            assert_eq!(site_path(spelling), "a/b", "{spelling}");
        }
        assert_eq!(site_path("index.md"), "");
        assert_eq!(site_path("img/x.png"), "img/x.png");
        assert_eq!(removed_path("content/a/b/index.md"), "a/b");
        assert_eq!(removed_path("static/img/x.png"), "img/x.png");
    }
}
