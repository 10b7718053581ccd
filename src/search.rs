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
    /// Starts an empty index of pages in `language` (`en`, `pt-BR`: which stemmer to use).
    pub fn start(language: &str) -> Indexer {
        let (tx, rx) = mpsc::sync_channel::<Message>(QUEUE);
        let language = language.to_string();
        let thread = std::thread::Builder::new()
            .name("search-index".into())
            .spawn(move || run(&language, &rx));
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

/// The indexer's thread: Pagefind's API is async, so it runs on a runtime of its own.
fn run(language: &str, rx: &mpsc::Receiver<Message>) {
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
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        // URLs are given exactly as links must be written (`index.html` spelled out for
        // `--relative-urls`): Pagefind must not shorten them.
        .keep_index_url(true)
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(|e| SearchError::Index(e.to_string()));
    let mut busy = std::time::Duration::ZERO;
    let mut pages = 0;
    for message in rx {
        let started = std::time::Instant::now();
        match message {
            Message::Add(document) => {
                pages += 1;
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
                let files = match index.as_mut() {
                    Ok(index) => runtime
                        .block_on(index.get_files())
                        .map_err(|e| SearchError::Index(e.to_string()))
                        .map(bundle),
                    Err(e) => Err(SearchError::Index(e.to_string())),
                };
                busy += started.elapsed();
                let _ = reply.send(files.map(|files| Index { files, pages, busy }));
                continue;
            }
        }
        busy += started.elapsed();
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

/// Pagefind's files as output files under [`BUNDLE`].
fn bundle(files: Vec<pagefind::api::SyntheticFile>) -> Vec<OutputFile> {
    files
        .into_iter()
        .filter(|file| {
            !UNUSED
                .iter()
                .any(|unused| file.filename.as_os_str() == *unused)
        })
        .map(|file| OutputFile {
            path: format!(
                "{BUNDLE}{}",
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
