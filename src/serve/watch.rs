//! The watcher: which of the handbook's files are watched, and the loop that turns their changes
//! into rebuilds. The loop owns the watcher, so a folder created after the start (or deleted and
//! made again) gets a recursive watch of its own: a watch is set on a folder, not on a name.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, Debouncer, FileIdCache};

/// The handbook's folders: each gets a recursive watch whenever it exists. The root itself is
/// watched alone (not recursively), which is how `handbook.yaml` and these folders coming and
/// going are seen, and why the output and `.git` are not.
const FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// How long the watcher waits for a burst of events (an editor's save) to settle.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// What the loop needs of a debouncer, whichever watcher (inotify/FSEvents or polling) it wraps.
trait Watches: Send {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
    fn unwatch(&mut self, path: &Path) -> notify::Result<()>;
}

impl<T: notify::Watcher + Send, C: FileIdCache + Send> Watches for Debouncer<T, C> {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        Debouncer::watch(self, path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        Debouncer::unwatch(self, path)
    }
}

/// Starts watching `root` and calls `on_change` with each batch of changed paths that matter
/// (sorted, no duplicates), one batch at a time, on a thread of its own for the process's life.
pub fn spawn(
    root: &Path,
    poll: bool,
    on_change: impl FnMut(Vec<PathBuf>) + Send + 'static,
) -> anyhow::Result<()> {
    let (sender, events) = mpsc::channel();
    let mut watcher: Box<dyn Watches> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(200));
        Box::new(notify_debouncer_full::new_debouncer_opt::<
            _,
            notify::PollWatcher,
            notify_debouncer_full::NoCache,
        >(
            DEBOUNCE,
            None,
            sender,
            notify_debouncer_full::NoCache,
            config,
        )?)
    } else {
        Box::new(notify_debouncer_full::new_debouncer(
            DEBOUNCE, None, sender,
        )?)
    };
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for folder in FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .name("handbook-watch".into())
        .spawn(move || run(watcher, events, &root, on_change))?;
    Ok(())
}

/// Ends only with the process: the watcher, which holds the sender, lives in here.
fn run(
    mut watcher: Box<dyn Watches>,
    events: mpsc::Receiver<DebounceEventResult>,
    root: &Path,
    mut on_change: impl FnMut(Vec<PathBuf>),
) {
    while let Ok(first) = events.recv() {
        // Batches that came in during the last rebuild are one change: rebuild once for them.
        let mut paths = Vec::new();
        for result in std::iter::once(first).chain(events.try_iter()) {
            match result {
                Ok(events) => paths.extend(changed_paths(root, events)),
                Err(errors) => {
                    for e in errors {
                        eprintln!("watching {}: {e}", root.display());
                    }
                }
            }
        }
        rewatch(watcher.as_mut(), root, &paths);
        paths.retain(|p| relevant(root, p));
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            on_change(paths);
        }
    }
}

fn changed_paths(root: &Path, events: Vec<DebouncedEvent>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for event in events {
        if event.need_rescan() {
            // The system dropped events (its queue overflowed): anything may have changed, so
            // every folder is reloaded and watched anew.
            paths.extend(FOLDERS.iter().map(|f| root.join(f)));
            paths.push(root.join("handbook.yaml"));
        } else if !matches!(event.kind, EventKind::Access(_)) {
            // Reading is not changing: our own directory walks and every reader's opens would
            // otherwise come back as events and trigger rebuilds of their own.
            paths.extend(event.event.paths);
        }
    }
    paths
}

/// Gives each handbook folder that appeared, went or was replaced a fresh recursive watch. Such
/// a folder shows up as its own path in the root's events.
fn rewatch(watcher: &mut dyn Watches, root: &Path, paths: &[PathBuf]) {
    for folder in FOLDERS {
        let path = root.join(folder);
        if !paths.contains(&path) {
            continue;
        }
        // Fails when there was no watch, or the system already dropped it with the folder.
        let _ = watcher.unwatch(&path);
        if path.is_dir()
            && let Err(e) = watcher.watch(&path, RecursiveMode::Recursive)
        {
            eprintln!("cannot watch {}: {e}", path.display());
        }
    }
}

/// Events worth a rebuild: not the output, not `.git`, not an editor's temp file.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let rel = rel.to_string_lossy();
    if rel.split(['/', '\\']).any(crate::load::is_ignored) {
        return false;
    }
    let first = rel.split(['/', '\\']).next().unwrap_or_default();
    first == "handbook.yaml" || FOLDERS.contains(&first)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::relevant;

    #[test]
    fn only_the_handbooks_own_files_are_relevant() {
        let root = Path::new("/site");
        for yes in [
            "/site/handbook.yaml",
            "/site/content",
            "/site/content/a/b.md",
            "/site/static/logo.png",
            "/site/templates",
            "/site/themes/x/templates/page.html",
        ] {
            assert!(relevant(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/.git/index",
            "/site/README.md",
            "/site/content/.page.md.swp",
            "/site/content/page.md~",
            "/site/content/4913",
            "/elsewhere/content/a.md",
        ] {
            assert!(!relevant(root, Path::new(no)), "{no}");
        }
    }
}
