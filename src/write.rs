//! Write: the output folder is replaced whole or not at all. Files go into a fresh folder beside
//! it, in parallel; only when every file is written is it swapped in, so a reader of `public/`
//! never sees a half-written site and a failed build leaves the previous one as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// One file of the output.
#[derive(Debug)]
pub struct OutputFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copied from this file.
    Copy(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "refusing to replace {0}: it holds a handbook (handbook.yaml or content/), not a built site"
    )]
    NotAnOutput(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A fresh folder beside the output that becomes the output on [`Staging::commit`]; dropped
/// without a commit, it is removed and the output is untouched.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    previous: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        if output.join("handbook.yaml").exists() || output.join("content").is_dir() {
            return Err(WriteError::NotAnOutput(output.to_path_buf()));
        }
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let dir = parent.join(format!(".{name}.new-{}", std::process::id()));
        let previous = parent.join(format!(".{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            previous,
            committed: false,
        })
    }

    /// Creates the folders that files will go into (once each, before writing in parallel).
    pub fn folders<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Result<(), WriteError> {
        let folders: BTreeSet<&str> = paths
            .into_iter()
            .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
            .collect();
        for folder in folders {
            let path = self.dir.join(folder);
            std::fs::create_dir_all(&path).map_err(io(&path))?;
        }
        Ok(())
    }

    /// Writes one file; its folder must exist (see [`Staging::folders`]).
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(path);
        std::fs::write(&path, bytes).map_err(io(&path))
    }

    pub fn put(&self, file: &OutputFile) -> Result<(), WriteError> {
        match &file.contents {
            Contents::Bytes(bytes) => self.write(&file.path, bytes),
            Contents::Copy(from) => std::fs::copy(from, self.dir.join(&file.path))
                .map(|_| ())
                .map_err(io(from)),
        }
    }

    /// Swaps the staged folder in as the output, and removes the previous one.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let had_previous = self.output.exists();
        if had_previous {
            std::fs::rename(&self.output, &self.previous).map_err(io(&self.output))?;
        }
        if let Err(source) = std::fs::rename(&self.dir, &self.output) {
            if had_previous {
                let _ = std::fs::rename(&self.previous, &self.output);
            }
            return Err(WriteError::Io {
                path: self.output.clone(),
                source,
            });
        }
        self.committed = true;
        if had_previous {
            let _ = std::fs::remove_dir_all(&self.previous);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `files` as the new contents of `output`.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let staging = Staging::new(output)?;
    staging.folders(files.iter().map(|f| f.path.as_str()))?;
    files.par_iter().try_for_each(|file| staging.put(file))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_folder_and_refuses_a_handbook() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let file = |p: &str, s: &str| OutputFile {
            path: p.into(),
            contents: Contents::Bytes(s.as_bytes().to_vec()),
        };
        write_site(&out, &[file("a/index.html", "1"), file("old.html", "x")]).unwrap();
        write_site(&out, &[file("a/index.html", "2")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders must be cleaned up");

        std::fs::write(tmp.path().join("handbook.yaml"), "").unwrap();
        assert!(matches!(
            write_site(tmp.path(), &[]),
            Err(WriteError::NotAnOutput(_))
        ));
    }
}
