//! Search: the built pages indexed with Pagefind, used as a library (README, "Search").
//!
//! Pagefind parses each page's HTML (what the theme marks with `data-pagefind-body`, less what
//! it marks `data-pagefind-ignore`), and gives back its whole bundle as files: the index in
//! chunks, one fragment per page, the filters, its WebAssembly and its scripts. They are
//! written under [`BUNDLE`] through the same output writer as every other file, so the index
//! is always of the generation it is in. The browser loads only the chunks a query needs, so
//! the index costs a reader little however large the handbook grows.
//!
//! Indexing parses every page once more, one page at a time (Pagefind's index is behind one
//! lock): [`Indexer`] runs it on a thread of its own, fed while the pages are rendered, so a
//! build renders and indexes at once; `serve` keeps one alive and feeds it what changed. The
//! hand-over holds only a few pages: when indexing falls behind, rendering waits, so a large
//! handbook's HTML never piles up in memory.
//!
//! Pagefind holds every page's words until it writes the index (about 250 KB a page at its
//! peak), so `build` splits a large handbook into bundles of [`PER_BUNDLE`] pages
//! ([`Bundles`]): each is written out and dropped when full, on one of a few indexer threads
//! at once, so memory stays bounded whatever the size, and the browser merges the bundles
//! (Pagefind's `mergeIndex`) listed in [`BUNDLE_LIST`]. The first bundle is `pagefind/`
//! itself, the others `pagefind/1/`, `pagefind/2/`...

use std::sync::mpsc;
use std::thread::JoinHandle;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::write::{Contents, OutputFile};

/// The output folder the search files go in: `pagefind/pagefind.js`, `pagefind/index/...`.
pub const FOLDER: &str = "pagefind";
/// [`FOLDER`] as the prefix of its files' paths.
const BUNDLE: &str = "pagefind/";

/// How many rendered pages may wait for the indexer.
const QUEUE: usize = 32;

/// Pages per bundle in `build`: what bounds the indexer's memory. `HANDBOOK_SEARCH_BUNDLE_PAGES`
/// sets another size (tests use a small one to get many bundles from a small site).
pub const PER_BUNDLE: usize = 1000;
/// Indexer threads in `build`, at most: each holds a bundle's pages at once.
const WORKERS: usize = 2;
/// Consecutive pages handed to the same indexer thread.
const SPREAD: usize = 64;
/// The list of bundles, in [`FOLDER`]: `{"bundles": ["", "1/", ...]}`, folders below it.
pub const BUNDLE_LIST: &str = "pagefind/handbook-bundles.json";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot build the search index: {0}")]
    Index(String),
    #[error("the search indexer stopped unexpectedly")]
    Stopped,
}

/// One page to index: the URL search results link to, from the site's root and encoded
/// (`/processes/x/`, or `/processes/x/index.html` for a site opened from disk), and the page's
/// HTML as published.
pub struct Document {
    pub url: String,
    pub html: String,
}

enum Message {
    Add(Document),
    /// Build the index of everything added so far and send its files back.
    Files(mpsc::Sender<Result<Index, SearchError>>),
}

/// The index of the pages handed over so far.
pub struct Index {
    /// Paths under [`FOLDER`].
    pub files: Vec<OutputFile>,
    /// The bundles written, by number (0 is `pagefind/`, n is `pagefind/n/`).
    pub bundles: Vec<usize>,
    /// Pages handed over (Pagefind leaves out pages with no text).
    pub pages: usize,
    /// Time the indexer spent parsing pages and building the index: what search adds to a
    /// build, in the worst case where nothing else runs beside it.
    pub busy: std::time::Duration,
}

/// A search index on a thread of its own: pages are handed over as they are rendered, and the
/// bundle's files are asked for when all are in.
pub struct Indexer {
    tx: mpsc::SyncSender<Message>,
    thread: Option<JoinHandle<()>>,
}

impl Indexer {
    /// Starts an empty index of pages in `language` (`en`, `pt-BR`: which stemmer to use),
    /// one bundle however many pages it gets.
    pub fn start(language: &str) -> Indexer {
        Indexer::start_worker(
            language,
            Sharding {
                worker: 0,
                workers: 1,
                per_bundle: usize::MAX,
            },
        )
    }

    fn start_worker(language: &str, sharding: Sharding) -> Indexer {
        let (tx, rx) = mpsc::sync_channel::<Message>(QUEUE);
        let language = language.to_string();
        let thread = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || run(&language, &rx, sharding));
        Indexer {
            tx,
            // Without a thread the channel is closed, and every call reports it.
            thread: thread.ok(),
        }
    }

    /// Hands a page over; indexing it happens on the indexer's thread. Waits while the
    /// indexer has [`QUEUE`] pages to do.
    pub fn add(&self, document: Document) {
        // A stopped indexer is reported by `files`.
        let _ = self.tx.send(Message::Add(document));
    }

    /// The index of every page handed over so far. Waits for the pages not yet indexed.
    pub fn files(&self) -> Result<Index, SearchError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Message::Files(reply))
            .map_err(|_| SearchError::Stopped)?;
        answer.recv().map_err(|_| SearchError::Stopped)?
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop.
        let (tx, _) = mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.tx, tx));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Which bundles an indexer thread writes: worker `w` of `n` writes bundles `w`, `w + n`,
/// `w + 2n`..., each of `per_bundle` pages.
#[derive(Debug, Clone, Copy)]
struct Sharding {
    worker: usize,
    workers: usize,
    per_bundle: usize,
}

/// The indexer's thread: Pagefind's API is async, so it runs on a runtime of its own.
fn run(language: &str, rx: &mpsc::Receiver<Message>, sharding: Sharding) {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            // Every request for files gets the error; pages are dropped.
            for message in rx {
                if let Message::Files(reply) = message {
                    let _ = reply.send(Err(SearchError::Index(e.to_string())));
                }
            }
            return;
        }
    };
    let fresh = || new_index(language);
    let mut index = fresh();
    let mut in_bundle = 0;
    let mut sealed: Vec<OutputFile> = Vec::new();
    let mut bundles: Vec<usize> = Vec::new();
    let mut busy = std::time::Duration::ZERO;
    let mut pages = 0;
    // Writes the bundle being filled into `sealed`.
    let seal = |index: &mut Result<PagefindIndex, SearchError>,
                sealed: &mut Vec<OutputFile>,
                bundles: &mut Vec<usize>|
     -> Result<(), SearchError> {
        let number = bundles.len() * sharding.workers + sharding.worker;
        let index = index
            .as_mut()
            .map_err(|e| SearchError::Index(e.to_string()))?;
        let files = runtime
            .block_on(index.get_files())
            .map_err(|e| SearchError::Index(e.to_string()))?;
        sealed.extend(bundle(files, number));
        bundles.push(number);
        Ok(())
    };
    let mut failed: Option<SearchError> = None;
    for message in rx {
        let started = std::time::Instant::now();
        match message {
            Message::Add(document) => {
                pages += 1;
                if in_bundle == sharding.per_bundle {
                    if let Err(e) = seal(&mut index, &mut sealed, &mut bundles) {
                        failed.get_or_insert(e);
                    }
                    index = fresh();
                    in_bundle = 0;
                }
                in_bundle += 1;
                if let Ok(index) = index.as_mut() {
                    let added = runtime.block_on(index.add_html_file(
                        None,
                        Some(document.url),
                        document.html,
                    ));
                    // A page Pagefind cannot parse is left out of the index, not the site.
                    drop(added);
                }
            }
            Message::Files(reply) => {
                // The bundle being filled, if it has pages; the first bundle always.
                let mut answer = match failed.take() {
                    Some(e) => Err(e),
                    None => Ok(()),
                };
                // Sealed bundles are handed over once (`build` asks once); `serve` has none.
                let mut files = std::mem::take(&mut sealed);
                let mut numbers = bundles.clone();
                if answer.is_ok() && (in_bundle > 0 || (bundles.is_empty() && sharding.worker == 0))
                {
                    answer = seal(&mut index, &mut files, &mut numbers);
                }
                busy += started.elapsed();
                let _ = reply.send(answer.map(|()| Index {
                    files,
                    bundles: numbers,
                    pages,
                    busy,
                }));
                continue;
            }
        }
        busy += started.elapsed();
    }
}

/// An empty Pagefind index of pages in `language`.
fn new_index(language: &str) -> Result<PagefindIndex, SearchError> {
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        // URLs are given exactly as links must be written (`index.html` spelled out for
        // `--relative-urls`): Pagefind must not shorten them.
        .keep_index_url(true)
        .build();
    PagefindIndex::new(Some(config)).map_err(|e| SearchError::Index(e.to_string()))
}

/// One index of every page, updated page by page on the caller's thread: what `serve` keeps.
/// Unlike [`Indexer`], nothing is queued, so the caller can stop between any two pages (to
/// leave the CPUs to a rebuild) and knows what is indexed. A page added again replaces the
/// one with its URL; no page is ever forgotten (start a new one for that).
pub struct Live {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
}

impl Live {
    pub fn start(language: &str) -> Result<Live, SearchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| SearchError::Index(e.to_string()))?;
        Ok(Live {
            runtime,
            index: new_index(language)?,
        })
    }

    /// Parses and indexes a page (a page Pagefind cannot parse is left out of the index).
    pub fn add(&mut self, document: Document) {
        let added = self.runtime.block_on(self.index.add_html_file(
            None,
            Some(document.url),
            document.html,
        ));
        drop(added);
    }

    /// The index of every page added so far, as files under [`FOLDER`].
    pub fn files(&mut self) -> Result<Vec<OutputFile>, SearchError> {
        let files = self
            .runtime
            .block_on(self.index.get_files())
            .map_err(|e| SearchError::Index(e.to_string()))?;
        Ok(bundle(files, 0))
    }
}

/// Pages handed to a few [`Indexer`]s in turn, each writing a bundle of [`PER_BUNDLE`] pages
/// when it has them: `build`'s index, in bounded memory. Pages must be added in the same
/// order for the same site (the bundles, and the pages' numbers in them, follow it).
pub struct Bundles {
    workers: Vec<Indexer>,
    added: std::sync::atomic::AtomicUsize,
}

impl Bundles {
    pub fn start(language: &str) -> Bundles {
        let per_bundle = std::env::var("HANDBOOK_SEARCH_BUNDLE_PAGES")
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(PER_BUNDLE);
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, WORKERS);
        Bundles {
            workers: (0..workers)
                .map(|worker| {
                    Indexer::start_worker(
                        language,
                        Sharding {
                            worker,
                            workers,
                            per_bundle,
                        },
                    )
                })
                .collect(),
            added: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub fn add(&self, document: Document) {
        let n = self
            .added
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.workers[(n / SPREAD) % self.workers.len()].add(document);
    }

    /// Every bundle's files, and [`BUNDLE_LIST`]. `busy` is the busiest thread's.
    pub fn files(&self) -> Result<Index, SearchError> {
        let mut asked = Vec::new();
        for worker in &self.workers {
            let (reply, answer) = mpsc::channel();
            worker
                .tx
                .send(Message::Files(reply))
                .map_err(|_| SearchError::Stopped)?;
            asked.push(answer);
        }
        let mut all = Index {
            files: Vec::new(),
            bundles: Vec::new(),
            pages: 0,
            busy: std::time::Duration::ZERO,
        };
        for answer in asked {
            let index = answer.recv().map_err(|_| SearchError::Stopped)??;
            all.files.extend(index.files);
            all.bundles.extend(index.bundles);
            all.pages += index.pages;
            all.busy = all.busy.max(index.busy);
        }
        all.bundles.sort_unstable();
        let folders: Vec<String> = all
            .bundles
            .iter()
            .map(|&n| {
                if n == 0 {
                    String::new()
                } else {
                    format!("{n}/")
                }
            })
            .collect();
        all.files.push(OutputFile {
            path: BUNDLE_LIST.to_string(),
            contents: Contents::Bytes(
                serde_json::json!({ "bundles": folders })
                    .to_string()
                    .into_bytes(),
            ),
        });
        Ok(all)
    }
}

/// Pagefind's files that the theme's search box does not load: its ready-made interfaces
/// (the box is handbook's own) and the highlighter.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Pagefind's files as output files of bundle `number`: under [`BUNDLE`] for the first,
/// under `pagefind/<number>/` for the others.
fn bundle(files: Vec<pagefind::api::SyntheticFile>, number: usize) -> Vec<OutputFile> {
    let folder = if number == 0 {
        BUNDLE.to_string()
    } else {
        format!("{BUNDLE}{number}/")
    };
    files
        .into_iter()
        .filter(|file| {
            !UNUSED
                .iter()
                .any(|unused| file.filename.as_os_str() == *unused)
        })
        .map(|file| OutputFile {
            path: format!(
                "{folder}{}",
                file.filename.to_string_lossy().replace('\\', "/")
            ),
            contents: Contents::Bytes(file.contents),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, body: &str) -> String {
        format!(
            "<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body>\
             <nav data-pagefind-ignore>Everywhere</nav><main data-pagefind-body>\
             <h1>{title}</h1><span data-pagefind-filter=\"kind\" hidden>playbook</span>{body}</main></body></html>"
        )
    }

    #[test]
    fn the_bundle_holds_the_script_the_index_and_a_fragment_per_page() {
        let indexer = Indexer::start("en");
        indexer.add(Document {
            url: "/playbooks/discovery-call/".into(),
            html: page(
                "Discovery call",
                "<h2 id=\"agenda\">Agenda</h2><p>Qualify the deal.</p>",
            ),
        });
        indexer.add(Document {
            url: "/playbooks/demo/".into(),
            html: page("Demo", "<p>Show the product.</p>"),
        });
        let files = indexer.files().unwrap().files;
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for wanted in ["pagefind/pagefind.js", "pagefind/pagefind-entry.json"] {
            assert!(paths.contains(&wanted), "{paths:?}");
        }
        assert!(
            paths.iter().any(|p| p.starts_with("pagefind/wasm.en")),
            "{paths:?}"
        );
        assert_eq!(
            paths
                .iter()
                .filter(|p| p.starts_with("pagefind/fragment/"))
                .count(),
            2,
            "{paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.starts_with("pagefind/filter/")),
            "{paths:?}"
        );
        let entry = files
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .unwrap();
        let Contents::Bytes(entry) = &entry.contents else {
            panic!("in memory")
        };
        let entry: serde_json::Value = serde_json::from_slice(entry).unwrap();
        assert_eq!(entry["languages"]["en"]["page_count"], 2, "{entry}");
    }

    #[test]
    fn bundles_split_the_pages_and_list_themselves() {
        // 64 pages to each thread in turn (`SPREAD`), 2 pages a bundle.
        let bundles = Bundles {
            workers: (0..2)
                .map(|worker| {
                    Indexer::start_worker(
                        "en",
                        Sharding {
                            worker,
                            workers: 2,
                            per_bundle: 2,
                        },
                    )
                })
                .collect(),
            added: std::sync::atomic::AtomicUsize::new(0),
        };
        for n in 0..256 {
            bundles.add(Document {
                url: format!("/p{n}/"),
                html: page(&format!("Page {n}"), "<p>Words.</p>"),
            });
        }
        let index = bundles.files().unwrap();
        assert_eq!(index.pages, 256);
        assert_eq!(index.bundles, (0..128).collect::<Vec<_>>());
        let list = index.files.iter().find(|f| f.path == BUNDLE_LIST).unwrap();
        let Contents::Bytes(list) = &list.contents else {
            panic!("in memory")
        };
        let list: serde_json::Value = serde_json::from_slice(list).unwrap();
        assert_eq!(list["bundles"][0], "");
        assert_eq!(list["bundles"][127], "127/");
        for n in [0, 1, 127] {
            let entry = if n == 0 {
                "pagefind/pagefind-entry.json".to_string()
            } else {
                format!("pagefind/{n}/pagefind-entry.json")
            };
            let entry = index.files.iter().find(|f| f.path == entry).unwrap();
            let Contents::Bytes(entry) = &entry.contents else {
                panic!("in memory")
            };
            let entry: serde_json::Value = serde_json::from_slice(entry).unwrap();
            assert_eq!(
                entry["languages"]["en"]["page_count"], 2,
                "bundle {n}: {entry}"
            );
        }
    }

    #[test]
    fn asking_again_includes_pages_added_since() {
        let indexer = Indexer::start("en");
        indexer.add(Document {
            url: "/a/".into(),
            html: page("A", "<p>Alpha.</p>"),
        });
        let count = |files: &[OutputFile]| {
            files
                .iter()
                .filter(|f| f.path.starts_with("pagefind/fragment/"))
                .count()
        };
        assert_eq!(count(&indexer.files().unwrap().files), 1);
        indexer.add(Document {
            url: "/b/".into(),
            html: page("B", "<p>Beta.</p>"),
        });
        assert_eq!(count(&indexer.files().unwrap().files), 2);
    }
}
