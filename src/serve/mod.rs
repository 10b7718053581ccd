//! `serve`: live preview. Builds into memory (the published output is never touched), serves
//! it on 127.0.0.1, watches the handbook's files and rebuilds incrementally ([`preview`]),
//! and reloads open browsers after each rebuild. Content errors never stop the server, nor
//! keep it from opening: they show as an overlay on every page until a rebuild is clean.

mod browser;
mod dependents;
pub mod http;
pub mod overlay;
pub mod preview;
mod search;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tower_http::set_header::SetResponseHeaderLayer;
use tower_livereload::{LiveReloadLayer, Reloader};

use crate::diagnostic::{self, count, human};
use crate::verbosity::Verbosity;
use http::{Shared, Snapshot};
use preview::{Preview, Rebuild};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    /// Poll the file system instead of inotify/FSEvents (network drives, some containers).
    pub poll: bool,
    /// Index the pages for search in the background, and show the search box.
    pub search: bool,
    /// How much the log says: `Quiet` leaves out the rebuilds that went well.
    pub verbosity: Verbosity,
    /// Color the errors in the log (never in the overlay).
    pub color: bool,
}

/// How many ports after `--port` to try when it is taken.
const PORT_TRIES: u16 = 10;

/// Runs the preview until Ctrl-C.
pub fn run(options: Options) -> anyhow::Result<()> {
    let root = std::fs::canonicalize(&options.root)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", options.root.display()))?;
    let log = Log {
        verbosity: options.verbosity,
        color: options.color,
    };
    let started = Instant::now();
    let (mut preview, report) = Preview::open_with(&root, options.search)?;
    log.report(&preview, &report, started.elapsed());
    let shared: Shared = Arc::new(RwLock::new(Arc::new(snapshot(
        &preview,
        search::none(),
        options.search,
    ))));
    let indexing = options.search.then(|| {
        let background = search::Background::start(preview.language(), Arc::clone(&shared));
        if let Some(batch) = preview.take_search_batch() {
            background.send(batch);
        }
        background
    });
    let preview = Arc::new(Mutex::new(preview));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let (listener, addr) = bind(options.bind, options.port).await?;
        // Its event stream only: `http` writes the script that listens to it into each page.
        let livereload = LiveReloadLayer::new()
            .custom_prefix(http::RELOAD_PREFIX)
            .response_predicate(|_: &axum::http::Response<axum::body::Body>| false);
        let reloader = livereload.reloader();
        watch::spawn(
            &root,
            options.poll,
            rebuild_on_change(
                Arc::clone(&preview),
                Arc::clone(&shared),
                reloader,
                indexing,
                log,
            ),
        )?;

        let state = Arc::clone(&shared);
        let app = axum::Router::new()
            .fallback(
                move |uri: axum::http::Uri, headers: axum::http::HeaderMap| {
                    http::handle(Arc::clone(&state), uri, headers)
                },
            )
            .layer(livereload)
            .layer(SetResponseHeaderLayer::overriding(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ));
        let base = shared
            .read()
            .map(|s| s.base_path.clone())
            .unwrap_or_else(|_| "/".into());
        let url = format!("http://{addr}{base}");
        println!("serving {} at {url} (Ctrl-C to stop)", root.display());
        if options.open {
            browser::open(&url);
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        println!("stopped");
        anyhow::Ok(())
    })
}

/// Binds `port`, or the next free one of a few; says which.
async fn bind(ip: IpAddr, port: u16) -> anyhow::Result<(tokio::net::TcpListener, SocketAddr)> {
    let mut last = None;
    for candidate in port..port.saturating_add(PORT_TRIES) {
        match tokio::net::TcpListener::bind((ip, candidate)).await {
            Ok(listener) => {
                if candidate != port {
                    println!("port {port} is taken; using {candidate}");
                }
                let addr = listener.local_addr()?;
                return Ok((listener, addr));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(anyhow::anyhow!("cannot listen on {ip}:{candidate}: {e}")),
        }
    }
    Err(anyhow::anyhow!(
        "ports {port} to {} are all taken ({}); choose another with --port",
        port.saturating_add(PORT_TRIES - 1),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// Rebuilds after each batch of changed files, publishes the result and reloads browsers.
fn rebuild_on_change(
    preview: Arc<Mutex<Preview>>,
    shared: Shared,
    reloader: Reloader,
    indexing: Option<search::Background>,
    log: Log,
) -> impl FnMut(Vec<PathBuf>) + Send + 'static {
    move |paths| {
        let started = Instant::now();
        // The search indexer waits until the edit is served.
        let _hold = indexing.as_ref().map(search::Background::hold);
        let Ok(mut preview) = preview.lock() else {
            return;
        };
        if log.verbosity == Verbosity::Verbose {
            for path in &paths {
                let shown = path.strip_prefix(preview.root()).unwrap_or(path);
                println!("changed: {}", shown.display());
            }
        }
        // A bug in an incremental rebuild must not end the preview: the watcher thread would
        // die with it and the browser would never update again. Start over from the disk.
        let applied =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| preview.apply(&paths)));
        let report = match applied {
            Ok(report) => report,
            Err(_) => {
                eprintln!("internal error while rebuilding; reloading the whole handbook");
                match Preview::open_with(preview.root(), indexing.is_some()) {
                    Ok((fresh, report)) => {
                        *preview = fresh;
                        report
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return;
                    }
                }
            }
        };
        if let Ok(mut guard) = shared.write() {
            *guard = Arc::new(snapshot(
                &preview,
                Arc::clone(&guard.search),
                guard.search_coming,
            ));
        }
        reloader.reload();
        if let (Some(indexing), Some(batch)) = (&indexing, preview.take_search_batch()) {
            indexing.send(batch);
        }
        log.report(&preview, &report, started.elapsed());
    }
}

fn snapshot(preview: &Preview, search: Arc<preview::Files>, search_coming: bool) -> Snapshot {
    Snapshot {
        files: preview.files(),
        search,
        search_coming,
        base_path: preview.base_path().to_string(),
        overlay: overlay(preview),
    }
}

/// The errors as `check` reports them (code frames, then the summary line of every problem),
/// and how many; `None` when clean.
fn error_report(preview: &Preview, color: bool) -> Option<(usize, String)> {
    let errors: Vec<_> = preview
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if errors.is_empty() {
        return None;
    }
    let frames = human::frames(&errors, |file| preview.source(file), color);
    Some((errors.len(), frames + &human::summary(&preview.diagnostics)))
}

/// The error overlay: the same report `check` prints, over the page.
fn overlay(preview: &Preview) -> Option<String> {
    let (errors, text) = error_report(preview, false)?;
    Some(overlay::html(errors, &text, preview.showing_last_good()))
}

/// What the log says after a build: the errors, or what was rendered.
#[derive(Debug, Clone, Copy)]
struct Log {
    verbosity: Verbosity,
    color: bool,
}

impl Log {
    fn report(&self, preview: &Preview, report: &Rebuild, took: Duration) {
        if let Some((_, text)) = error_report(preview, self.color).filter(|_| report.errors > 0) {
            eprint!("{text}");
            if preview.showing_last_good() {
                eprintln!("serving the last good version; fix the errors above and save");
            } else {
                eprintln!(
                    "serving the pages as they are, with the errors over them; fix the errors above and save"
                );
            }
            return;
        }
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let (_, warnings) = diagnostic::counts(&preview.diagnostics);
        println!(
            "rendered {} in {} ms{}{}",
            count(report.rendered, "page"),
            took.as_millis(),
            if report.full && self.verbosity == Verbosity::Verbose {
                " (all of them)"
            } else {
                ""
            },
            if warnings > 0 {
                format!(" ({}: run `handbook check`)", count(warnings, "warning"))
            } else {
                String::new()
            }
        );
        if self.verbosity == Verbosity::Verbose {
            // As `Ui::timings` prints a build's steps.
            for (step, took) in &preview.timings.steps {
                eprintln!("{:>6} ms  {step}", took.as_millis());
            }
        }
    }
}
