//! `handbook serve` in a real browser: headless Chromium driven through chromedriver, so what is
//! asserted is what an editor sees. An edit on disk reloads the open page by itself (the
//! live-reload script), a broken page shows the error overlay until it is fixed, and links work
//! when clicked. Without Chromium or chromedriver it fails, unless `HANDBOOK_SKIP_BROWSER=1` asks
//! to skip it.

mod common;

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

use common::{copy_tree, repo, runs};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PATIENCE: Duration = Duration::from_secs(30);
const PAGE: &str = "content/playbooks/discovery-call.md";

/// A child process, killed (with its whole process group) when dropped, even on a panic.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        // Asked first, so chromedriver can end its browser and reap it.
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Then made sure of: each child leads its own process group, so this also ends whatever
        // it started (chromedriver's Chromium) and left running.
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

/// `handbook serve` on a copy of the shipped handbook: its process, its address, its root.
fn serve(tmp: &Path) -> (Reaped, String, PathBuf) {
    let root = tmp.join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
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

/// chromedriver on a free port, once it accepts connections: its process and its URL.
fn chromedriver() -> (Reaped, String) {
    let port = free_port();
    let child = Reaped(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, format!("http://127.0.0.1:{port}"))
}

async fn browser(webdriver: &str, profile: &Path) -> Client {
    let options = json!({
        "binary": CHROMIUM,
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
    });
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    // chromedriver speaks plain HTTP on localhost: no TLS needed.
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(webdriver)
        .await
        .unwrap_or_else(|e| panic!("could not start Chromium through chromedriver: {e}"))
}

/// Runs `script` in the open page until `ok` accepts its result. Errors count as "not yet": while
/// the page reloads there is briefly no document to run in.
async fn wait_for(client: &Client, what: &str, script: &str, ok: impl Fn(&Value) -> bool) {
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

/// The open page once it has finished loading: its text, and the overlay's text when the overlay
/// is there and visible (else `null`).
const STATE: &str = "if (document.readyState !== 'complete' || !document.body) return null; \
    const o = document.getElementById('handbook-error-overlay'); \
    return { body: document.body.innerText, \
             overlay: o && o.checkVisibility() ? o.innerText : null, \
             overlay_present: o !== null };";

fn body_contains(needle: &str) -> impl Fn(&Value) -> bool + '_ {
    move |v| v["body"].as_str().is_some_and(|s| s.contains(needle))
}

/// Waits until the open page has stayed the same document for a second: nothing reloads it once
/// the files are quiet. Fails if it keeps reloading by itself.
async fn wait_until_settled(client: &Client, after: &str) {
    const QUIET: Duration = Duration::from_secs(1);
    const ORIGIN: &str =
        "return document.readyState === 'complete' ? performance.timeOrigin : null;";
    let started = Instant::now();
    let mut last = client.execute(ORIGIN, vec![]).await.ok();
    let mut since = Instant::now();
    let mut loads = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = client.execute(ORIGIN, vec![]).await.ok();
        if now != last {
            loads += 1;
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= QUIET && last.as_ref().is_some_and(Value::is_number) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the page keeps reloading by itself {after}: {loads} loads in {:?} with no file \
             changing (does serve's watcher react to its own reads of the files?)",
            started.elapsed()
        );
    }
}

async fn scenario(client: Client, addr: String, root: PathBuf) {
    let page = root.join(PAGE);
    let original = std::fs::read_to_string(&page).unwrap();

    // 1. Live reload: the open page shows an edit without anyone navigating.
    client
        .goto(&format!("http://{addr}/playbooks/discovery-call/"))
        .await
        .unwrap();
    wait_for(
        &client,
        "the discovery call page",
        STATE,
        body_contains("Discovery call"),
    )
    .await;
    // Set on this document only: gone once the browser has loaded the page anew.
    client
        .execute("window.handbookBeforeEdit = true; return true;", vec![])
        .await
        .unwrap();
    let sentence = format!(
        "Freshly typed in the editor {}-{}.",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let edited = original.replacen("\n## ", &format!("\n{sentence}\n\n## "), 1);
    assert_ne!(
        edited, original,
        "the page has a `## ` heading to write before"
    );
    std::fs::write(&page, &edited).unwrap();
    wait_for(
        &client,
        "the edit to appear without navigating",
        STATE,
        body_contains(&sentence),
    )
    .await;
    let reloaded = client
        .execute("return window.handbookBeforeEdit === undefined;", vec![])
        .await
        .unwrap();
    assert_eq!(reloaded, json!(true), "the browser loaded the page anew");
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/playbooks/discovery-call/"
    );
    wait_until_settled(&client, "after one edit").await;

    // 2. Error overlay: broken front matter shows, visibly, over the open page, naming the file,
    // and goes away once the file is fixed.
    let title = edited
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    std::fs::write(&page, edited.replacen(&title, "title: [Broken", 1)).unwrap();
    wait_for(
        &client,
        "a visible error overlay naming the file",
        STATE,
        |v| v["overlay"].as_str().is_some_and(|s| s.contains(PAGE)),
    )
    .await;
    std::fs::write(&page, &edited).unwrap();
    wait_for(
        &client,
        "the overlay to go once the file is fixed",
        STATE,
        |v| v["overlay_present"] == json!(false) && body_contains(&sentence)(v),
    )
    .await;
    wait_until_settled(&client, "after the fix").await;

    // 3. Links: the processes index shows a link to the process, and clicking it lands there.
    client
        .goto(&format!("http://{addr}/processes/"))
        .await
        .unwrap();
    let link = Locator::XPath(
        "//section[contains(@class, 'list-index')]\
         //a[starts-with(normalize-space(.), 'Edge Connectivity')]",
    );
    let deadline = Instant::now() + PATIENCE;
    loop {
        // Retried: a reload still on its way from the edits above may replace the document
        // between finding the link and clicking it.
        let problem = match client.find(link).await {
            Ok(a) => match a.is_displayed().await {
                Ok(true) => match a.click().await {
                    Ok(()) => break,
                    Err(e) => e.to_string(),
                },
                Ok(false) => "the link is not visible".to_string(),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        assert!(
            Instant::now() < deadline,
            "no visible link \"Edge Connectivity…\" to click on /processes/: {problem}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(
        &client,
        "the process page after the click",
        "return document.readyState === 'complete' ? location.pathname : null;",
        |v| v == "/processes/edge-connectivity/",
    )
    .await;
    wait_for(
        &client,
        "the discovery stage on the process page",
        "return document.getElementById('discovery') !== null;",
        |v| v == &json!(true),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_page_reloads_on_edits_and_shows_the_error_overlay() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    let missing = (!missing.is_empty()).then(|| {
        format!(
            "no {} (install Debian's chromium and chromium-driver, as `.ci/run` does)",
            missing.join(" and ")
        )
    });
    if !runs("the browser test", "HANDBOOK_SKIP_BROWSER", missing) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let (server, addr, root) = serve(tmp.path());
    let (driver, webdriver) = chromedriver();
    let client = browser(&webdriver, &profile).await;

    // Run the steps as a task so the browser is closed whether they pass or panic.
    let outcome = tokio::spawn(scenario(client.clone(), addr, root)).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    drop(driver);
    drop(server);
    drop(tmp);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the browser steps did not finish: {e}"),
        }
    }
}
