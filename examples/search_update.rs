//! Times the search index `serve` keeps (`search::Live`): opens a preview of SITE, indexes
//! every page and builds the index files, then indexes the list pages again one by one, then
//! 1, 20 and 200 pages followed each time by the index files (benches/README, "The search
//! indexer gives way to the rebuilds").
//!
//!     cargo run --release --example search_update -- SITE

use std::path::PathBuf;
use std::time::Instant;

use handbook::search::{Document, Live};
use handbook::serve::preview::{Preview, Served};

fn main() {
    let site = PathBuf::from(std::env::args().nth(1).expect("SITE"));
    let (preview, _) = Preview::open(&site).unwrap();
    let files = preview.files();
    let mut batch: Vec<(&String, &bytes::Bytes)> = files
        .iter()
        .filter_map(|(path, served)| match served {
            Served::Bytes(html) if path.ends_with(".html") => Some((path, html)),
            _ => None,
        })
        .collect();
    batch.sort();
    let mut indexer = Live::start(preview.language()).unwrap();
    let t = Instant::now();
    for &(file, html) in &batch {
        indexer.add(Document {
            url: format!("/{}", file.strip_suffix("index.html").unwrap_or(file)),
            html: String::from_utf8_lossy(html).into_owned(),
        });
    }
    let added = t.elapsed();
    let files = indexer.files().unwrap();
    println!(
        "{} pages: add {:?}, add+files {:?} ({} files)",
        batch.len(),
        added,
        t.elapsed(),
        files.len()
    );
    for list in ["playbooks/index.html", "processes/index.html", "index.html"] {
        let Some(&(file, html)) = batch.iter().find(|(f, _)| f.as_str() == list) else {
            continue;
        };
        let t = Instant::now();
        indexer.add(Document {
            url: format!("/{}", file.strip_suffix("index.html").unwrap_or(file)),
            html: String::from_utf8_lossy(html).into_owned(),
        });
        println!("add {list} ({} bytes): {:?}", html.len(), t.elapsed());
    }
    for n in [1, 20, 200] {
        let t = Instant::now();
        for &(file, html) in batch.iter().take(n) {
            indexer.add(Document {
                url: format!("/{}", file.strip_suffix("index.html").unwrap_or(file)),
                html: String::from_utf8_lossy(html).into_owned(),
            });
        }
        let added = t.elapsed();
        indexer.files().unwrap();
        println!("again {n}: add {:?}, add+files {:?}", added, t.elapsed());
    }
}
