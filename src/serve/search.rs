//! Search under `serve`, off the rebuild's path: the pages each rebuild rendered go to a
//! thread of their own, which indexes them and then swaps the new index files into what the
//! server answers with. A rebuild never waits for it; while it works, the previous index is
//! served. An edit re-indexes only the pages it re-rendered (Pagefind replaces a page by its
//! URL); a page gone or moved starts the index afresh, since Pagefind cannot forget a page.

use std::sync::Arc;
use std::sync::mpsc;

use bytes::Bytes;

use super::http::Shared;
use super::preview::{Files, Served};
use crate::search::{Document, Indexer};

/// Pages rendered by one rebuild: output file (`processes/x/index.html`) and HTML.
pub struct Batch {
    /// Every page of the site is in the batch: forget the pages indexed so far.
    pub fresh: bool,
    pub pages: Vec<(String, Bytes)>,
}

/// The handle a rebuild sends its pages to.
pub struct Background {
    tx: mpsc::Sender<Batch>,
}

impl Background {
    /// Starts the indexing thread; what it builds goes into `shared`'s snapshot.
    pub fn start(language: &str, shared: Shared) -> Background {
        let (tx, rx) = mpsc::channel::<Batch>();
        let language = language.to_string();
        let spawned = std::thread::Builder::new()
            .name("serve-search".into())
            .spawn(move || run(&language, &rx, &shared));
        if let Err(e) = spawned {
            eprintln!("search is off for this preview: cannot start its thread ({e})");
        }
        Background { tx }
    }

    pub fn send(&self, batch: Batch) {
        // A stopped thread has said why on stderr; the preview goes on without search.
        let _ = self.tx.send(batch);
    }
}

fn run(language: &str, rx: &mpsc::Receiver<Batch>, shared: &Shared) {
    let mut indexer: Option<Indexer> = None;
    while let Ok(first) = rx.recv() {
        // Everything that queued up while the last index was built, as one batch.
        let mut batches = vec![first];
        batches.extend(rx.try_iter());
        if let Some(last_fresh) = batches.iter().rposition(|b| b.fresh) {
            batches.drain(..last_fresh);
            indexer = None;
        }
        let indexer = indexer.get_or_insert_with(|| Indexer::start(language));
        for (file, html) in batches.into_iter().flat_map(|b| b.pages) {
            indexer.add(Document {
                url: format!("/{}", file.strip_suffix("index.html").unwrap_or(&file)),
                html: String::from_utf8_lossy(&html).into_owned(),
            });
        }
        match indexer.files() {
            Ok(index) => publish(shared, index.files),
            Err(e) => eprintln!("search index not updated: {e}"),
        }
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
    let mut guard = match shared.write() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut next = (**guard).clone();
    next.search = search;
    *guard = Arc::new(next);
}

/// An empty search index, for the snapshot before the first one is built.
pub fn none() -> Arc<Files> {
    Arc::new(Files::new())
}
