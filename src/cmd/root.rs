//! Which handbook a command works on: `--root`, else the nearest folder holding
//! `handbook.yaml`, from the current folder up, as cargo finds `Cargo.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use handbook::config::FILE;

use super::ui::Ui;

/// `--root`, for the commands that work on a handbook.
#[derive(Debug, Clone, clap::Args)]
pub struct Root {
    /// The folder holding handbook.yaml [default: the current folder or the nearest one above
    /// it that holds handbook.yaml]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

impl Root {
    /// The root folder: `--root` as given, else the one found from the current folder up,
    /// written relative to it (`.`, `..`, `../..`), so messages name paths as the user would.
    /// `-v` says which.
    pub fn find(&self, ui: &Ui) -> anyhow::Result<PathBuf> {
        let root = match &self.root {
            Some(root) => root.clone(),
            None => found()?,
        };
        if ui.is_verbose() {
            let absolute = std::path::absolute(&root).unwrap_or_else(|_| root.clone());
            ui.detail(format_args!(
                "using the handbook at {} ({})",
                root.display(),
                absolute.join(FILE).display()
            ));
        }
        Ok(root)
    }
}

/// The nearest folder holding handbook.yaml, from the current folder up.
fn found() -> anyhow::Result<PathBuf> {
    let here = std::env::current_dir().context("cannot read the current folder")?;
    let missing = |here: &Path| {
        anyhow!(
            "no {FILE} in {} or any folder above it: pass --root DIR, or start a handbook here \
             with `handbook init`",
            here.display()
        )
    };
    // The folder as the shell names it (`$PWD`), when that is where we are: a `content/`
    // linked into a handbook is then searched up through the handbook, not through where the
    // link points. `..` would be resolved by the system, through the link: the found folder is
    // named in full instead.
    let shell = std::env::var_os("PWD").map(PathBuf::from);
    match shell {
        Some(pwd) if pwd != here && pwd.is_absolute() && same_folder(&pwd, &here) => {
            let up = levels_up(&pwd).ok_or_else(|| missing(&pwd))?;
            Ok(pwd.ancestors().nth(up).unwrap_or(&pwd).to_path_buf())
        }
        _ => nearest(&here).ok_or_else(|| missing(&here)),
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// How many folders up from `here` the nearest one holding handbook.yaml is.
fn levels_up(here: &Path) -> Option<usize> {
    here.ancestors().position(|dir| dir.join(FILE).is_file())
}

/// `.` when `here` holds handbook.yaml, else `..`, `../..`, ... up to the nearest folder that
/// does; `None` when no folder up to the file system's root does.
pub fn nearest(here: &Path) -> Option<PathBuf> {
    Some(match levels_up(here)? {
        0 => PathBuf::from("."),
        n => std::iter::repeat_n("..", n).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_handbook_is_found_from_any_folder_inside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("h");
        let deep = root.join("content/playbooks/calls");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join(FILE), "title: H\n").unwrap();
        assert_eq!(nearest(&root), Some(PathBuf::from(".")));
        assert_eq!(nearest(&root.join("content")), Some(PathBuf::from("..")));
        assert_eq!(nearest(&deep), Some(PathBuf::from("../../..")));
        // A folder named handbook.yaml is not one.
        let other = tmp.path().join("other");
        std::fs::create_dir_all(other.join(FILE)).unwrap();
        assert_eq!(nearest(&other), None);
    }
}
