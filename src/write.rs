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

/// Writes `files` as the new contents of `output`.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
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
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);

    if let Err(e) = write_all(&staging, files) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_previous = output.exists();
    if had_previous {
        std::fs::rename(output, &previous).map_err(io(output))?;
    }
    if let Err(source) = std::fs::rename(&staging, output) {
        if had_previous {
            let _ = std::fs::rename(&previous, output);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(WriteError::Io {
            path: output.to_path_buf(),
            source,
        });
    }
    if had_previous {
        let _ = std::fs::remove_dir_all(&previous);
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for folder in folders {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path).map_err(io(&path))?;
    }
    files.par_iter().try_for_each(|file| {
        let path = dir.join(&file.path);
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&path, bytes).map_err(io(&path)),
            Contents::Copy(from) => std::fs::copy(from, &path).map(|_| ()).map_err(io(from)),
        }
    })
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
