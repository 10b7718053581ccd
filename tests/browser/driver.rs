//! The machinery of the browser tests: `handbook serve` on a copy of the shipped handbook, a
//! WebDriver server for each engine (Debian's chromedriver for Chromium, geckodriver for
//! Firefox ESR), a session in headless mode, and waiting on conditions in the page.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::common::{copy_tree, repo};

pub const PATIENCE: Duration = Duration::from_secs(30);

/// A child process, killed (with its whole process group) when dropped, even on a panic.
pub struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        // Asked first, so the driver can end its browser and reap it.
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Then made sure of: each child leads its own process group, so this also ends whatever
        // it started (the driver's browser) and left running.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A page of the served site that shows the page named by its query in a frame as wide as a
/// phone: Firefox keeps its windows at least 450 to 500 pixels wide, and a frame is a viewport
/// of its own (media queries, `position: fixed`, scrolling), so the page in it sees a phone.
pub const PHONE_FRAME: &str = "phone-frame.html";
const PHONE_FRAME_HTML: &str = "<!doctype html><html lang=\"en\"><title>Phone</title>\
    <style>body{margin:0}iframe{display:block;width:375px;height:800px;border:0}</style>\
    <iframe title=\"Phone\"></iframe><script>\
    document.querySelector('iframe').src = decodeURIComponent(location.search.slice(1));</script></html>";

/// `handbook serve` on a copy of the shipped handbook: its process, its address, its root.
pub fn serve(tmp: &Path) -> (Reaped, String, PathBuf) {
    let root = tmp.join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static").join(PHONE_FRAME), PHONE_FRAME_HTML).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["serve", "--port", &free_port().to_string(), "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Reaped(child);
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        // Keeps draining stdout for the server's whole life, so it never blocks on a full pipe.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            if let Some(url) = line.split(" at http://").nth(1) {
                let addr = url.split('/').next().unwrap().to_string();
                return (child, addr, root);
            }
            seen.push(line);
        }
    }
    panic!("serve did not start: {seen:?}");
}

/// A browser engine and the WebDriver server that drives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Debian's `chromium` through its `chromium-driver`.
    Chromium,
    /// Debian's `firefox-esr` through geckodriver (`cargo install geckodriver`).
    Firefox,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox ESR",
        }
    }

    pub fn browser(self) -> PathBuf {
        PathBuf::from(match self {
            Engine::Chromium => "/usr/bin/chromium",
            Engine::Firefox => "/usr/bin/firefox-esr",
        })
    }

    /// The WebDriver server: chromedriver where Debian puts it; geckodriver on the `PATH` or
    /// where `cargo install` puts it.
    fn driver(self) -> Option<PathBuf> {
        match self {
            Engine::Chromium => Some(PathBuf::from("/usr/bin/chromedriver")),
            Engine::Firefox => {
                let mut places: Vec<PathBuf> = std::env::var_os("PATH")
                    .map(|p| std::env::split_paths(&p).collect())
                    .unwrap_or_default();
                if let Some(cargo) = std::env::var_os("CARGO_HOME") {
                    places.push(PathBuf::from(cargo).join("bin"));
                }
                if let Some(home) = std::env::var_os("HOME") {
                    places.push(PathBuf::from(home).join(".cargo/bin"));
                }
                places
                    .into_iter()
                    .map(|dir| dir.join("geckodriver"))
                    .find(|p| p.is_file())
            }
        }
    }

    /// What is not installed, said so a person can install it; `None` when all is there.
    pub fn missing(self) -> Option<String> {
        let browser = self.browser();
        let mut missing = Vec::new();
        if !browser.exists() {
            missing.push(browser.display().to_string());
        }
        match self.driver() {
            Some(driver) if driver.exists() => {}
            Some(driver) => missing.push(driver.display().to_string()),
            None => missing.push("geckodriver".to_string()),
        }
        (!missing.is_empty()).then(|| {
            let install = match self {
                Engine::Chromium => "Debian's chromium and chromium-driver",
                Engine::Firefox => "Debian's firefox-esr and `cargo install geckodriver --locked`",
            };
            format!(
                "no {} (install {install}, as `.ci/run` does)",
                missing.join(" and ")
            )
        })
    }

    /// Starts the WebDriver server on a free port, once it accepts connections: its process
    /// and its URL.
    fn start_driver(self) -> (Reaped, String) {
        let port = free_port();
        let driver = self.driver().expect("checked by `missing`");
        let mut command = Command::new(&driver);
        match self {
            Engine::Chromium => command.arg(format!("--port={port}")),
            Engine::Firefox => command.args(["--host", "127.0.0.1", "--port", &port.to_string()]),
        };
        let child = Reaped(
            command
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display())),
        );
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "{} did not start",
                driver.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        (child, format!("http://127.0.0.1:{port}"))
    }

    fn capabilities(self, profile: &Path) -> serde_json::Map<String, Value> {
        let mut capabilities = serde_json::Map::new();
        match self {
            Engine::Chromium => {
                capabilities.insert(
                    "goog:chromeOptions".into(),
                    json!({
                        "binary": self.browser(),
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--window-size=1280,900",
                            format!("--user-data-dir={}", profile.display()),
                        ],
                    }),
                );
            }
            Engine::Firefox => {
                capabilities.insert(
                    "moz:firefoxOptions".into(),
                    json!({
                        "binary": self.browser(),
                        "args": ["-headless", "--width=1280", "--height=900"],
                        "prefs": {
                            // No first-run pages, updates or telemetry: nothing but our server.
                            "app.update.disabledForTesting": true,
                            "browser.shell.checkDefaultBrowser": false,
                            "datareporting.policy.dataSubmissionEnabled": false,
                            "toolkit.telemetry.reportingpolicy.firstRun": false,
                            "network.captive-portal-service.enabled": false,
                            "browser.safebrowsing.malware.enabled": false,
                            "browser.safebrowsing.phishing.enabled": false,
                            "browser.search.update": false,
                            "extensions.update.enabled": false,
                        },
                    }),
                );
            }
        }
        capabilities
    }
}

/// A browser session and the processes behind it; closed and reaped when dropped.
pub struct Browser {
    pub client: Client,
    _driver: Reaped,
}

impl Browser {
    pub async fn start(engine: Engine, profile: &Path) -> Browser {
        let (driver, url) = engine.start_driver();
        // The WebDriver servers speak plain HTTP on localhost: no TLS needed.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(engine.capabilities(profile))
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("could not start {}: {e}", engine.name()));
        Browser {
            client,
            _driver: driver,
        }
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.close()).await;
    }
}

/// Runs `script` in the open page until `ok` accepts its result. Errors count as "not yet": while
/// the page reloads there is briefly no document to run in.
pub async fn wait_for(client: &Client, what: &str, script: &str, ok: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        match client.execute(script, vec![]).await {
            Ok(value) if ok(&value) => return,
            Ok(value) => last = value,
            Err(e) => last = Value::String(format!("error: {e}")),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = client.current_url().await.map(|u| u.to_string());
    let mut last = last.to_string();
    if let Some((cut, _)) = last.char_indices().nth(600) {
        last.truncate(cut);
        last.push('…');
    }
    panic!("timed out waiting for {what} (page {url:?}); last result: {last}");
}

/// Opens `path` and waits until it has loaded.
pub async fn open(client: &Client, addr: &str, path: &str) {
    client
        .goto(&format!("http://{addr}{path}"))
        .await
        .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    wait_for(
        client,
        &format!("{path} to load"),
        "return document.readyState === 'complete' ? location.pathname : null;",
        |v| v == path,
    )
    .await;
}

/// Clicks the element `css` finds once it is there and visible, retrying while the page is
/// still settling (a reload may replace the document between finding and clicking).
pub async fn click(client: &Client, css: &str) {
    let deadline = Instant::now() + PATIENCE;
    // In view at once: the theme scrolls smoothly, and a click computed while the page still
    // glides lands on whatever is under the point.
    let into_view = format!(
        "document.querySelector({})?.scrollIntoView({{block: 'center', behavior: 'instant'}}); return true;",
        serde_json::to_string(css).unwrap()
    );
    loop {
        let _ = client.execute(&into_view, vec![]).await;
        let problem = match client.find(Locator::Css(css)).await {
            Ok(element) => match element.is_displayed().await {
                Ok(true) => match element.click().await {
                    Ok(()) => return,
                    Err(e) => e.to_string(),
                },
                Ok(false) => "it is not visible".to_string(),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        let url = client.current_url().await.map(|u| u.to_string());
        assert!(
            Instant::now() < deadline,
            "cannot click `{css}` on {url:?}: {problem}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page at `path` has loaded after a click.
pub async fn arrive(client: &Client, path: &str) {
    wait_for(
        client,
        &format!("the browser to arrive at {path}"),
        "return document.readyState === 'complete' ? location.pathname : null;",
        |v| v == path,
    )
    .await;
}

/// Sets the size of the window and waits until the page sees the width.
pub async fn resize(client: &Client, width: u32, height: u32) {
    client
        .set_window_size(width, height)
        .await
        .unwrap_or_else(|e| panic!("cannot resize the window to {width}x{height}: {e}"));
    wait_for(
        client,
        &format!("a window {width} px wide"),
        "return window.innerWidth;",
        |v| {
            v.as_u64()
                .is_some_and(|w| w.abs_diff(u64::from(width)) <= 20)
        },
    )
    .await;
}
