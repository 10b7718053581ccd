//! Which folder `build` may replace. The output folder is handbook's own: absent, empty, or
//! carrying the marker file that every output handbook writes. Never the handbook itself, a
//! folder that holds it, or one of its source folders, however `--output` spells the path.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::{WriteError, io};

/// The file at the root of every output handbook writes. Its presence is what makes a
/// non-empty folder one that `build` may replace; its text is for the person who opens it.
pub const MARKER: &str = ".handbook-output";
pub const MARKER_TEXT: &str = "This folder was written by `handbook build`, which replaces it whole on every build:\n\
     keep nothing of your own here.\n";

/// The site's own folders, read by every build: never an output.
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// Why a folder is not one `build` may replace.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("it is the handbook's own folder (the one holding handbook.yaml)")]
    IsRoot,
    #[error("it holds the handbook at {}, whose sources building would replace", .0.display())]
    HoldsRoot(PathBuf),
    #[error("it is the site's `{0}/` folder, or inside it")]
    InSource(&'static str),
    #[error("it holds the site's `{0}/` folder ({path})", path = .1.display())]
    HoldsSource(&'static str, PathBuf),
    #[error("it is a file, not a folder")]
    NotAFolder,
    #[error(
        "it is not empty and handbook did not write it (it has no `{MARKER}` file); \
         empty it, or pick another folder with --output"
    )]
    NotOurs,
}

/// A validated output folder.
#[derive(Debug, Clone)]
pub struct Target {
    /// As the user gave it, for messages.
    pub shown: PathBuf,
    /// Canonical (its existing part resolved, symlinks and `..` included): every write below
    /// goes here, so the folder that was checked is the folder that is written.
    pub dir: PathBuf,
    /// `.NAME.handbook/` beside it: the lock, the previous generation and the manifests.
    pub state: PathBuf,
}

impl Target {
    /// Checks that `output` may be replaced by a build of the handbook at `root`. Touches
    /// nothing on disk.
    pub fn new(output: &Path, root: &Path) -> Result<Target, WriteError> {
        let dir = resolve(output)?;
        let root = root.canonicalize().map_err(io(root))?;
        let refuse = |reason| {
            Err(WriteError::Refused {
                folder: output.to_path_buf(),
                reason,
            })
        };
        if dir == root {
            return refuse(Refusal::IsRoot);
        }
        if root.starts_with(&dir) {
            return refuse(Refusal::HoldsRoot(root));
        }
        for name in SOURCES {
            let lexical = root.join(name);
            // A source folder may be a symlink to elsewhere (a shared `content/`): both the
            // place it appears and the place it is are the source.
            let real = lexical.canonicalize().ok();
            for source in std::iter::once(&lexical).chain(real.as_ref()) {
                if dir.starts_with(source) {
                    return refuse(Refusal::InSource(name));
                }
                if source.starts_with(&dir) {
                    return refuse(Refusal::HoldsSource(name, source.clone()));
                }
            }
        }
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return refuse(Refusal::HoldsRoot(root));
        };
        let mut state = OsString::from(".");
        state.push(name);
        state.push(".handbook");
        let target = Target {
            shown: output.to_path_buf(),
            state: parent.join(state),
            dir,
        };
        target.check_owned(&target.dir)?;
        Ok(target)
    }

    /// Refuses `folder` unless it is absent, empty, or carries the marker.
    pub fn check_owned(&self, folder: &Path) -> Result<(), WriteError> {
        let shown = if folder == self.dir {
            self.shown.clone()
        } else {
            folder.to_path_buf()
        };
        let refuse = |reason| {
            Err(WriteError::Refused {
                folder: shown.clone(),
                reason,
            })
        };
        let meta = match std::fs::symlink_metadata(folder) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(folder)(e)),
        };
        if !meta.is_dir() {
            return refuse(Refusal::NotAFolder);
        }
        if is_marked(folder) {
            return Ok(());
        }
        let mut entries = std::fs::read_dir(folder).map_err(io(folder))?;
        if entries.next().is_some() {
            return refuse(Refusal::NotOurs);
        }
        Ok(())
    }
}

pub fn is_marked(folder: &Path) -> bool {
    std::fs::symlink_metadata(folder.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// `path` made absolute with every symlink and `..` resolved, though it may not exist yet:
/// its longest existing prefix is canonicalized and the rest appended. The rest does not
/// exist, so it holds no symlink, and its `..` segments can be resolved by hand.
fn resolve(path: &Path) -> Result<PathBuf, WriteError> {
    let absolute = std::path::absolute(path).map_err(io(path))?;
    let components: Vec<Component> = absolute.components().collect();
    let mut split = components.len();
    let mut existing = absolute.clone();
    while split > 0 {
        // symlink_metadata, not exists(): a dangling symlink exists, and canonicalizing it
        // below fails rather than letting the build replace it.
        if std::fs::symlink_metadata(&existing).is_ok() {
            break;
        }
        split -= 1;
        existing = components[..split].iter().collect();
    }
    let mut resolved = existing.canonicalize().map_err(io(&existing))?;
    let mut appended = 0;
    for component in &components[split..] {
        match component {
            Component::Normal(name) => {
                resolved.push(name);
                appended += 1;
            }
            Component::ParentDir if appended > 0 => {
                resolved.pop();
                appended -= 1;
            }
            Component::ParentDir => {
                resolved.pop();
            }
            _ => {}
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for dir in ["content", "static", "templates", "themes/x"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("handbook.yaml"), "title: X\n").unwrap();
        std::fs::write(root.join("content/index.md"), "# Home\n").unwrap();
        (tmp, root)
    }

    fn refusal(output: &Path, root: &Path) -> Refusal {
        match Target::new(output, root) {
            Err(WriteError::Refused { reason, .. }) => reason,
            other => panic!("{} was accepted: {other:?}", output.display()),
        }
    }

    #[test]
    fn sources_and_their_ancestors_are_refused() {
        let (tmp, root) = site();
        assert_eq!(refusal(&root, &root), Refusal::IsRoot);
        assert_eq!(refusal(&root.join("."), &root), Refusal::IsRoot);
        assert_eq!(refusal(&root.join("public/.."), &root), Refusal::IsRoot);
        assert!(matches!(refusal(tmp.path(), &root), Refusal::HoldsRoot(_)));
        assert!(matches!(
            refusal(Path::new("/"), &root),
            Refusal::HoldsRoot(_)
        ));
        for name in SOURCES {
            assert_eq!(refusal(&root.join(name), &root), Refusal::InSource(name));
            assert_eq!(
                refusal(&root.join(name).join("new/deeper"), &root),
                Refusal::InSource(name),
                "a folder that does not exist yet, inside {name}/"
            );
        }
        assert_eq!(
            refusal(&root.join("public/../content/x"), &root),
            Refusal::InSource("content")
        );
        assert_eq!(
            refusal(&root.join("nothing/../static"), &root),
            Refusal::InSource("static"),
            "`..` after a folder that does not exist"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_to_where_they_lead() {
        let (tmp, root) = site();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(root.join("templates"), &link).unwrap();
        assert_eq!(refusal(&link, &root), Refusal::InSource("templates"));
        assert_eq!(
            refusal(&link.join("new"), &root),
            Refusal::InSource("templates")
        );

        // content/ shared through a symlink: its real folder is a source too.
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(shared.join("content")).unwrap();
        std::fs::remove_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink(shared.join("content"), root.join("content")).unwrap();
        assert_eq!(
            refusal(&shared.join("content/out"), &root),
            Refusal::InSource("content")
        );
        assert!(matches!(
            refusal(&shared, &root),
            Refusal::HoldsSource("content", _)
        ));

        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            Target::new(&dangling, &root),
            Err(WriteError::Io { .. })
        ));
    }

    #[test]
    fn absent_empty_and_marked_folders_are_accepted_others_refused() {
        let (tmp, root) = site();
        let target = Target::new(&root.join("public"), &root).unwrap();
        assert_eq!(target.dir, root.canonicalize().unwrap().join("public"));
        assert_eq!(
            target.state,
            root.canonicalize().unwrap().join(".public.handbook")
        );
        assert!(
            !target.dir.exists() && !target.state.exists(),
            "touches nothing"
        );

        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        Target::new(&out, &root).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        assert_eq!(refusal(&out, &root), Refusal::NotOurs);
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        Target::new(&out, &root).unwrap();

        let file = tmp.path().join("file.html");
        std::fs::write(&file, "").unwrap();
        assert_eq!(refusal(&file, &root), Refusal::NotAFolder);
    }

    #[test]
    fn the_message_names_the_folder_as_given_and_says_what_to_do() {
        let (tmp, root) = site();
        let docs = tmp.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("a.txt"), "").unwrap();
        let message = Target::new(&docs, &root).unwrap_err().to_string();
        assert!(message.contains(&docs.display().to_string()), "{message}");
        assert!(
            message.contains("empty it, or pick another folder"),
            "{message}"
        );
    }
}
