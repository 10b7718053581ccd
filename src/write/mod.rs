//! Write: the stage that owns output paths. The output folder is handbook's own ([`target`]),
//! every path is proven to stay inside it ([`path`]), one build at a time writes it ([`lock`]),
//! and a build updates the generation before last and swaps it in whole ([`generation`]), so a
//! reader of `public/` never sees a half-written site and a failed or killed build leaves the
//! previous one as it was.

mod folders;
pub mod generation;
pub mod lock;
pub mod manifest;
pub mod path;
pub mod swap;
pub mod target;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use generation::{Summary, Update};
pub use target::{MARKER, Refusal, Target};

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
    /// A source file (under `static/` or `content/`) that could not be read to be copied.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("refusing to build into {}: {reason}", .folder.display())]
    Refused { folder: PathBuf, reason: Refusal },
    #[error(
        "refusing to write `{path}`: {reason}; every output path must name a file inside the \
         output folder"
    )]
    UnsafePath { path: String, reason: &'static str },
    #[error(
        "`{path}` is in `{folder}/`, where the search index is written; move it, or build with \
         --no-search"
    )]
    Reserved { path: String, folder: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Read {
        path: path.to_path_buf(),
        source,
    }
}

impl Update {
    pub fn put(&self, file: &OutputFile) -> Result<(), WriteError> {
        match &file.contents {
            Contents::Bytes(bytes) => self.write(&file.path, bytes),
            Contents::Copy(from) => self.copy(&file.path, from),
        }
    }
}

/// Writes `files` as the whole new contents of `target`, in parallel.
pub fn write_site(
    target: &Target,
    files: &[OutputFile],
    waiting: &dyn Fn(),
) -> Result<Summary, WriteError> {
    let update = Update::begin(target, files.iter().map(|f| f.path.as_str()), waiting)?;
    files.par_iter().try_for_each(|file| update.put(file))?;
    update.commit()
}

#[cfg(test)]
mod tests;
