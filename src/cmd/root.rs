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
            None => {
                let here = std::env::current_dir().context("cannot read the current folder")?;
                nearest(&here).ok_or_else(|| {
                    anyhow!(
                        "no {FILE} in {} or any folder above it: pass --root DIR, or start a \
                         handbook here with `handbook init`",
                        here.display()
                    )
                })?
            }
        };
        if ui.is_verbose() {
            let absolute = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
            ui.detail(format_args!(
                "using the handbook at {} ({})",
                root.display(),
                absolute.join(FILE).display()
            ));
        }
        Ok(root)
    }
}

/// `.` when `here` holds handbook.yaml, else `..`, `../..`, ... up to the nearest folder that
/// does; `None` when no folder up to the file system's root does.
pub fn nearest(here: &Path) -> Option<PathBuf> {
    let up = here.ancestors().position(|dir| dir.join(FILE).is_file())?;
    Some(match up {
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
