//! The floor with one Markdown pass, for `benches/peers.py`: what `benches/floor.rs` does (the
//! files a build writes, same paths, same sizes, one thread per CPU), and before writing each
//! page, what any static site generator must do for it at the least: read its source and run
//! pulldown-cmark over it once, with handbook's parser options, into HTML. The HTML comes
//! first in the file, filler bytes after it up to the size handbook wrote, so the disk sees
//! the same bytes as the floor's. No front matter read, no links resolved, no template. The
//! parser's options and the front matter's split are handbook's own (its library).
//!
//! A build's time over this one's is what handbook costs beyond a single Markdown pass; this
//! one's over the floor's is what that pass costs a build on this machine, which the disk
//! target of issue 11 (1.25 times the floor) must leave room for.
//!
//!     cargo build --release --example markdown_floor
//!     markdown_floor LIST CONTENT OUT
//!
//! LIST as for `floor.rs` (`SIZE PATH` lines); CONTENT is the site's `content/` folder: the
//! page written at `a/b/index.html` is read from `a/b.md`, `a/b/index.md` or `a/b/_index.md`
//! (the home page from `index.md`), the way handbook maps a page to its URL when no front
//! matter overrides it. OUT must not exist.

use handbook::load::markdown::options;
use pulldown_cmark::Parser;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, list, content, out] = args.as_slice() else {
        eprintln!("usage: markdown_floor LIST CONTENT OUT");
        return ExitCode::from(2);
    };
    match run(Path::new(list), Path::new(content), Path::new(out)) {
        Ok(pages) => {
            eprintln!("markdown_floor: {pages} pages read and written as HTML");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("markdown_floor: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The Markdown source of the page written at `path`, if there is one.
fn source_of(content: &Path, path: &str) -> Option<PathBuf> {
    let folder = path.strip_suffix("index.html")?.trim_end_matches('/');
    let candidates = if folder.is_empty() {
        vec![content.join("index.md"), content.join("_index.md")]
    } else {
        vec![
            content.join(format!("{folder}.md")),
            content.join(folder).join("index.md"),
            content.join(folder).join("_index.md"),
        ]
    };
    candidates.into_iter().find(|p| p.is_file())
}

/// The text after the front matter, as handbook splits it (`load::front_matter::split`).
fn body(text: &str) -> &str {
    match handbook::load::front_matter::split(text) {
        Ok(Some(split)) => text.get(split.body_offset..).unwrap_or(text),
        _ => text,
    }
}

fn run(list: &Path, content: &Path, out: &Path) -> std::io::Result<usize> {
    let text = fs::read_to_string(list)?;
    let mut files: Vec<(usize, &str)> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (size, path) = line
            .split_once(' ')
            .ok_or_else(|| std::io::Error::other(format!("bad line: {line}")))?;
        let size = size
            .parse()
            .map_err(|_| std::io::Error::other(format!("bad size: {line}")))?;
        files.push((size, path));
    }
    // Which sources exist is found before the clock matters to anyone: a build knows its
    // pages from its walk, and the floor is not meant to time path lookups that fail.
    let sources: Vec<Option<PathBuf>> = files.iter().map(|(_, p)| source_of(content, p)).collect();
    let pages = sources.iter().flatten().count();
    if pages == 0 {
        // A wrong CONTENT would make this the plain floor under another name.
        return Err(std::io::Error::other(format!(
            "no page of LIST has its source in {}",
            content.display()
        )));
    }
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|(_, p)| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    fs::create_dir(out)?;
    for dir in dirs {
        fs::create_dir_all(out.join(dir))?;
    }
    let largest = files.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let filler = vec![b'x'; largest];
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let out: PathBuf = out.to_path_buf();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (files, sources, filler, out) = (&files, &sources, &filler, &out);
                scope.spawn(move || -> std::io::Result<()> {
                    let (mut html, mut bytes) = (String::new(), Vec::new());
                    for ((size, path), source) in files.iter().zip(sources).skip(t).step_by(threads)
                    {
                        html.clear();
                        if let Some(source) = source {
                            let text = fs::read_to_string(source)?;
                            pulldown_cmark::html::push_html(
                                &mut html,
                                Parser::new_ext(body(&text), options()),
                            );
                        }
                        // One write per file, as the floor makes.
                        let html = &html.as_bytes()[..html.len().min(*size)];
                        bytes.clear();
                        bytes.extend_from_slice(html);
                        bytes.extend_from_slice(&filler[..size - html.len()]);
                        fs::File::create(out.join(path))?.write_all(&bytes)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("panic")))
        })
    })?;
    Ok(pages)
}
