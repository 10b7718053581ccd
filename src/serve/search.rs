//! Search under `serve`, off the rebuild's path: the pages each rebuild rendered go to a
//! thread of their own, which indexes them and then swaps the new index files into what the
//! server answers with. A rebuild never waits for it; while it works, the previous index is
//! served. An edit re-indexes only the pages it re-rendered (Pagefind replaces a page by its
//! URL); a page gone or moved starts the index afresh, since Pagefind cannot forget a page.
//!
//! The indexer gives way to the rebuilds (README, "Commands", `serve`): it indexes one page at
//! a time and stops between two while a rebuild runs ([`Background::hold`]), so an edit is
//! served as fast with search on as without, even while the first index of a large handbook
//! is being built (tens of seconds of CPU at 10,000 pages). Some steps cannot stop halfway:
//! a list page of a large handbook (2 MB of HTML at 10,000 pages, half a second to index) and
//! building the index files (seconds at 10,000 pages). So nothing starts until no page has
//! been sent (and no rebuild run) for [`QUIET`]: a burst of edits is indexed when it ends, and
//! published once. Pages sent again before they were indexed are indexed once, as last
//! rendered, in their place in the queue (the pages of a fresh index first, in `build`'s
//! order, so results rank ties alike; Pagefind keeps a page re-added in its place).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::http::{Shared, Snapshot};
use super::preview::{Files, Served};
use crate::search::{Document, Live};

/// How long no page must have been sent (and no rebuild run) before the indexer starts
/// anything: longer than the pause between two saves of a burst of edits.
const QUIET: Duration = Duration::from_millis(300);

/// Pages rendered by one rebuild: output file (`processes/x/index.html`) and HTML.
pub struct Batch {
    /// Every page of the site is in the batch: forget the pages indexed so far.
    pub fresh: bool,
    pub pages: Vec<(String, Bytes)>,
}

/// What the indexing thread has to do, and what holds it back.
struct Work {
    /// Start a new index before adding `pages` (pages gone or moved).
    fresh: bool,
    /// Pages to index, by output file, in the order they came: the last rendering of each.
    pages: HashMap<String, Bytes>,
    /// The output files of `pages`, first to index first.
    queue: VecDeque<String>,
    /// The index has changed since its files were last served.
    unpublished: bool,
    /// Rebuilds running: the thread waits while there is one.
    rebuilding: usize,
    /// When the last batch came or the last rebuild ended.
    last: Instant,
    /// The preview is closing: the thread ends.
    stopped: bool,
}

type State = (Mutex<Work>, Condvar);

/// The handle a rebuild sends its pages to.
pub struct Background {
    state: Arc<State>,
}

/// A rebuild in progress: the indexer waits until it is dropped.
pub struct Hold<'a>(&'a Background);

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        let (work, wake) = &*self.0.state;
        let mut work = lock(work);
        work.rebuilding -= 1;
        work.last = Instant::now();
        wake.notify_all();
    }
}

impl Background {
    /// Starts the indexing thread; what it builds goes into `shared`'s snapshot.
    pub fn start(language: &str, shared: Shared) -> Background {
        let state: Arc<State> = Arc::new((
            Mutex::new(Work {
                fresh: true,
                pages: HashMap::new(),
                queue: VecDeque::new(),
                unpublished: false,
                rebuilding: 0,
                last: Instant::now(),
                stopped: false,
            }),
            Condvar::new(),
        ));
        let language = language.to_string();
        let (theirs, served) = (Arc::clone(&state), Arc::clone(&shared));
        let spawned = std::thread::Builder::new()
            .name("serve-search".into())
            .spawn(move || run(&language, &theirs, &served));
        if let Err(e) = spawned {
            eprintln!("search is off for this preview: cannot start its thread ({e})");
            no_index_coming(&shared);
        }
        Background { state }
    }

    /// Queues a rebuild's pages; the index follows once they are indexed and edits pause.
    pub fn send(&self, batch: Batch) {
        let (work, wake) = &*self.state;
        let mut work = lock(work);
        if batch.fresh {
            work.fresh = true;
            work.pages.clear();
            work.queue.clear();
        }
        work.unpublished |= batch.fresh || !batch.pages.is_empty();
        for (file, html) in batch.pages {
            if work.pages.insert(file.clone(), html).is_none() {
                work.queue.push_back(file);
            }
        }
        work.last = Instant::now();
        wake.notify_all();
    }

    /// Keeps the indexer from starting anything new until the guard is dropped: the CPUs are
    /// the rebuild's. (What it was doing, one page or the index files, it finishes.)
    pub fn hold(&self) -> Hold<'_> {
        lock(&self.state.0).rebuilding += 1;
        Hold(self)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let (work, wake) = &*self.state;
        lock(work).stopped = true;
        wake.notify_all();
    }
}

/// The lock, even if a panic poisoned it: the work list stays consistent between statements.
fn lock(work: &Mutex<Work>) -> MutexGuard<'_, Work> {
    work.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn run(language: &str, state: &State, shared: &Shared) {
    let (work, wake) = state;
    let mut index: Option<Live> = None;
    let mut guard = lock(work);
    loop {
        guard = wake
            .wait_while(guard, |w| {
                !w.stopped && (w.rebuilding > 0 || (w.pages.is_empty() && !w.unpublished))
            })
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.stopped {
            return;
        }
        let quiet_for = guard.last.elapsed();
        if quiet_for < QUIET {
            guard = wake
                .wait_timeout(guard, QUIET - quiet_for)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
            continue;
        }
        if std::mem::take(&mut guard.fresh) {
            index = None;
        }
        let next = guard.queue.pop_front().and_then(|file| {
            let html = guard.pages.remove(&file)?;
            Some((file, html))
        });
        if next.is_none() {
            guard.unpublished = false;
        }
        drop(guard);
        let live = match index.as_mut() {
            Some(live) => Some(live),
            None => match Live::start(language) {
                Ok(live) => Some(index.insert(live)),
                Err(e) => {
                    eprintln!("search index not updated: {e}");
                    no_index_coming(shared);
                    None
                }
            },
        };
        if let Some(live) = live {
            match next {
                Some((file, html)) => live.add(Document {
                    url: format!("/{}", file.strip_suffix("index.html").unwrap_or(&file)),
                    html: String::from_utf8_lossy(&html).into_owned(),
                }),
                None => match live.files() {
                    Ok(files) => publish(shared, files),
                    Err(e) => eprintln!("search index not updated: {e}"),
                },
            }
        }
        guard = lock(work);
    }
}

/// Serves `files` as the search index from now on.
fn publish(shared: &Shared, files: Vec<crate::write::OutputFile>) {
    let search: Files = files
        .into_iter()
        .filter_map(|f| match f.contents {
            crate::write::Contents::Bytes(bytes) => Some((f.path, Served::Bytes(bytes.into()))),
            crate::write::Contents::Copy(_) => None,
        })
        .collect();
    let search = Arc::new(search);
    change(shared, |next| {
        next.search = search;
        next.search_coming = false;
    });
}

/// No index can be built (Pagefind or its thread would not start): requests for one are
/// answered at once, not held for the first index ([`Snapshot::search_coming`]).
fn no_index_coming(shared: &Shared) {
    change(shared, |next| next.search_coming = false);
}

/// Replaces the snapshot served with a changed copy.
fn change(shared: &Shared, edit: impl FnOnce(&mut Snapshot)) {
    let mut guard = match shared.write() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut next = (**guard).clone();
    edit(&mut next);
    *guard = Arc::new(next);
}

/// An empty search index, for the snapshot before the first one is built.
pub fn none() -> Arc<Files> {
    Arc::new(Files::new())
}

#[cfg(test)]
mod tests {
    use std::sync::RwLock;

    use super::*;

    fn page(n: usize) -> (String, Bytes) {
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><title>Page {n}</title></head><body>\
             <main data-pagefind-body><h1>Page {n}</h1><p>Words of page {n}.</p></main></body></html>"
        );
        (format!("p{n}/index.html"), Bytes::from(html))
    }

    fn shared() -> Shared {
        Arc::new(RwLock::new(Arc::new(Snapshot {
            files: none(),
            search: none(),
            search_coming: true,
            base_path: "/".into(),
            overlay: None,
        })))
    }

    /// The page count of the index being served, once there is one.
    fn served_pages(shared: &Shared) -> Option<u64> {
        let snapshot = Arc::clone(&*shared.read().unwrap());
        let Some(Served::Bytes(entry)) = snapshot.search.get("pagefind/pagefind-entry.json") else {
            return None;
        };
        let entry: serde_json::Value = serde_json::from_slice(entry).ok()?;
        entry["languages"]["en"]["page_count"].as_u64()
    }

    fn wait_for_pages(shared: &Shared, pages: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while served_pages(shared) != Some(pages) {
            assert!(
                Instant::now() < deadline,
                "no index of {pages} pages: {:?}",
                served_pages(shared)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn nothing_is_indexed_while_a_rebuild_holds_the_indexer() {
        let shared = shared();
        let background = Background::start("en", Arc::clone(&shared));
        let hold = background.hold();
        background.send(Batch {
            fresh: true,
            pages: (0..3).map(page).collect(),
        });
        // Far longer than indexing three pages and the quiet time take.
        std::thread::sleep(QUIET * 4);
        assert_eq!(served_pages(&shared), None);
        assert_eq!(
            lock(&background.state.0).pages.len(),
            3,
            "a page was indexed"
        );
        drop(hold);
        wait_for_pages(&shared, 3);
    }

    #[test]
    fn the_index_catches_up_after_a_burst_of_edits() {
        let shared = shared();
        let background = Background::start("en", Arc::clone(&shared));
        background.send(Batch {
            fresh: true,
            pages: (0..2).map(page).collect(),
        });
        wait_for_pages(&shared, 2);
        // A burst: each edit a rebuild that adds a page, closer together than the quiet time.
        for n in 2..12 {
            let hold = background.hold();
            background.send(Batch {
                fresh: false,
                pages: vec![page(n), page(0)],
            });
            drop(hold);
            std::thread::sleep(QUIET / 10);
        }
        wait_for_pages(&shared, 12);
        // Then a page gone: a fresh index of what is left.
        background.send(Batch {
            fresh: true,
            pages: (1..12).map(page).collect(),
        });
        wait_for_pages(&shared, 11);
        let work = lock(&background.state.0);
        assert!(work.pages.is_empty() && work.queue.is_empty() && !work.unpublished);
    }
}
