//! The folders of a new generation, made on a thread of their own while the pages render, so
//! that no core waits for them. On disk a `mkdir` costs about as much as writing a page's file,
//! and made first, one after another, they kept one core idle for up to three seconds at 10,000
//! pages (`mkdir`s from several threads in one parent, `playbooks/`, wait on its lock, so they
//! are made by one thread).
//!
//! The thread makes them in the order the pages are written (each folder after its parent), so
//! it keeps ahead of the writes; a write that finds its folder missing all the same makes it
//! itself ([`make_parent`]), and the thread, coming to it later, finds it made.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use super::{WriteError, io};

/// Folders being made on their own thread. Dropped, it stops the thread and waits for it, so
/// that no folder is made once the update that asked for it has let go of the output's lock.
#[derive(Debug)]
pub(super) struct Folders {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<(), WriteError>>>,
}

impl Folders {
    /// Starts making `paths`, each after its parent, in this order.
    pub(super) fn start(#[allow(unused_mut)] mut paths: Vec<PathBuf>) -> Folders {
        #[cfg(test)]
        if UNMADE.get() {
            paths.clear();
        }
        #[cfg(test)]
        if !paths.is_empty()
            && let Some(started) = ON_START.take()
        {
            started(&paths);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (!paths.is_empty())
            .then(|| {
                let stop = Arc::clone(&stop);
                std::thread::Builder::new()
                    .name("handbook-folders".to_string())
                    .spawn(move || make(&paths, &stop))
                    // Without the thread, every write makes its own folder.
                    .ok()
            })
            .flatten();
        Folders { stop, thread }
    }

    /// Waits for the thread: the first folder it could not make is the error.
    pub(super) fn finish(mut self) -> Result<(), WriteError> {
        match self.thread.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(made)) => made,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        }
    }
}

impl Drop for Folders {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // A panic there was the build's own failure, already on its way out.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Set by a test: updates begun on this thread make no folder before the writes, which
    /// make every folder themselves, as when the folder thread is behind them all.
    pub(super) static UNMADE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Set by a test: called with the folders to make as the thread is started, on the thread
    /// that starts it (the update's).
    pub(super) static ON_START: std::cell::Cell<Option<Started>> =
        const { std::cell::Cell::new(None) };
}

#[cfg(test)]
pub(super) type Started = Box<dyn FnOnce(&[PathBuf])>;

fn make(paths: &[PathBuf], stop: &AtomicBool) -> Result<(), WriteError> {
    for path in paths {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        match std::fs::create_dir(path) {
            // Kept from the generation, or made by a write that came first.
            Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(io(path)(e)),
            _ => {}
        }
    }
    Ok(())
}

/// Whether creating a file failed because its folder is not made yet.
pub(super) fn missing(error: &std::io::Error) -> bool {
    error.kind() == ErrorKind::NotFound
}

/// Makes the folder of `path` (a file of the generation), which a write found missing: the
/// folder thread has not reached it yet. A folder that cannot be made is the error it was
/// when the folders were made first.
pub(super) fn make_parent(path: &Path) -> Result<(), WriteError> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent).map_err(io(parent)),
        None => Ok(()),
    }
}
