//! `handbook serve`, whole command: a real server on a free port, real file edits, polled with
//! a generous timeout (these tests assert behaviour, not speed; the benchmark measures speed).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{copy_tree, repo};

const PATIENCE: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    addr: String,
    lines: mpsc::Receiver<String>,
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/hello.txt"), "hello from static").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET outside the site").unwrap();
    (tmp, root)
}

fn start(port: u16) -> Server {
    start_with(port, &[])
}

fn start_with(port: u16, flags: &[&str]) -> Server {
    let (tmp, root) = site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["serve", "--port", &port.to_string()])
        .args(flags)
        .arg("--root")
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            if let Some(url) = line.split(" at http://").nth(1) {
                let addr = url.split('/').next().unwrap().to_string();
                return Server {
                    child,
                    addr,
                    lines,
                    _tmp: tmp,
                    root,
                };
            }
            seen.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve did not start: {seen:?}");
}

impl Server {
    /// A raw HTTP/1.0 GET (so the body is not chunked): status and body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    fn headers(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\n\r\n").unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_lowercase()
    }

    fn wait_for(&self, what: &str, path: &str, ok: impl Fn(u16, &str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        let mut last = (0, String::new());
        while Instant::now() < deadline {
            last = self.get(path);
            if ok(last.0, &last.1) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "timed out waiting for {what} at {path}; last status {}",
            last.0
        );
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn edits_additions_deletions_and_template_changes_are_served() {
    let server = start(free_port());
    let (status, body) = server.get("/playbooks/discovery-call/");
    assert_eq!(status, 200);
    assert!(body.contains("Discovery"));
    assert!(
        server
            .headers("/playbooks/discovery-call/")
            .contains("cache-control: no-store")
    );

    edit(&server.path("content/playbooks/discovery-call.md"), |t| {
        t.replacen("\n## ", "\nA freshly typed sentence.\n\n## ", 1)
    });
    server.wait_for("the edited text", "/playbooks/discovery-call/", |s, b| {
        s == 200 && b.contains("A freshly typed sentence.")
    });

    std::fs::write(
        server.path("content/departments/sales/renewals.md"),
        "# Renewal desk\n\nOwned with [sales](index.md).\n",
    )
    .unwrap();
    server.wait_for("the new page", "/departments/sales/renewals/", |s, b| {
        s == 200 && b.contains("Renewal desk")
    });

    std::fs::remove_file(server.path("content/departments/sales/renewals.md")).unwrap();
    server.wait_for(
        "the deleted page to go",
        "/departments/sales/renewals/",
        |s, _| s == 404,
    );

    std::fs::create_dir_all(server.path("templates")).unwrap();
    std::fs::write(
        server.path("templates/page.html"),
        "<html><body><p>Custom template for {{ page.title }}</p></body></html>",
    )
    .unwrap();
    server.wait_for("the template edit", "/glossary/", |s, b| {
        s == 200 && b.contains("Custom template for")
    });
}

#[test]
fn poll_mode_sees_edits_without_file_system_events() {
    let server = start_with(free_port(), &["--poll"]);
    // Polling compares modification times in whole seconds (notify's PollWatcher): an edit in
    // the same second as the first scan would look unchanged.
    std::thread::sleep(Duration::from_millis(1100));
    edit(&server.path("content/tools.md"), |t| {
        t.replacen("\n## ", "\nPolled into view.\n\n## ", 1)
    });
    server.wait_for("the polled edit", "/tools/", |s, b| {
        s == 200 && b.contains("Polled into view.")
    });
}

#[test]
fn saves_by_temp_file_and_rename_are_seen_and_temp_files_are_not_pages() {
    let server = start(free_port());
    let page = server.path("content/playbooks/discovery-call.md");
    let text = std::fs::read_to_string(&page).unwrap();
    // What vim and many editors do: write a temp file beside the page, then rename it over.
    let temp = server.path("content/playbooks/.discovery-call.md.swp");
    std::fs::write(
        &temp,
        text.replacen("\n## ", "\nSaved through a rename.\n\n## ", 1),
    )
    .unwrap();
    std::fs::write(server.path("content/playbooks/4913"), "").unwrap();
    std::fs::write(
        server.path("content/playbooks/discovery-call.md~"),
        "backup",
    )
    .unwrap();
    std::fs::rename(&temp, &page).unwrap();
    server.wait_for(
        "the renamed-in text",
        "/playbooks/discovery-call/",
        |s, b| s == 200 && b.contains("Saved through a rename."),
    );
    assert_eq!(server.get("/playbooks/discovery-call.md~/").0, 404);
    assert_eq!(server.get("/playbooks/4913").0, 404);
}

#[test]
fn broken_front_matter_shows_an_overlay_on_every_page_until_fixed() {
    let server = start(free_port());
    let tools = server.path("content/tools.md");
    let original = std::fs::read_to_string(&tools).unwrap();
    let title = original
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    let line = original.lines().position(|l| l == title).unwrap() + 1;
    std::fs::write(&tools, original.replacen(&title, "title: [Tools", 1)).unwrap();

    let expected = format!("content/tools.md:{line}:");
    server.wait_for("the overlay", "/", |s, b| {
        s == 200 && b.contains("handbook-error-overlay") && b.contains(&expected)
    });
    for page in [
        "/departments/sales/",
        "/tools/",
        "/processes/edge-connectivity/",
    ] {
        let (status, body) = server.get(page);
        assert_eq!(status, 200, "{page} is still served");
        assert!(
            body.contains("handbook-error-overlay") && body.contains(&expected),
            "{page} carries the overlay"
        );
    }
    assert_eq!(server.child_status(), None, "the server is still running");

    std::fs::write(&tools, original).unwrap();
    server.wait_for("the overlay to clear", "/departments/sales/", |s, b| {
        s == 200 && !b.contains("handbook-error-overlay")
    });
}

/// The overlay quotes the source of a page in error (its code frame) and messages quoting its
/// values: a script in either shows as text, it does not run in the preview.
#[test]
fn the_overlay_shows_a_script_in_the_source_as_text() {
    let server = start(free_port());
    std::fs::write(
        server.path("content/escaping.md"),
        "---\nlast_reviewed: '<script>alert(1)</script>'\n---\n\
         <script>alert(2)</script><img src=x onerror=alert(3)> [x](gone.md)\n",
    )
    .unwrap();
    let frame =
        "&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt; [x](gone.md)";
    let message = "`last_reviewed` is not a date: `&lt;script&gt;alert(1)&lt;/script&gt;`";
    server.wait_for("the overlay", "/", |s, b| {
        s == 200 && b.contains("handbook-error-overlay") && b.contains(frame)
    });
    // The page in error is not served; the 404 page carries the overlay too.
    for page in ["/", "/departments/sales/", "/escaping/"] {
        let (_, body) = server.get(page);
        assert!(body.contains(frame) && body.contains(message), "{page}");
        for unescaped in ["<script>alert", "<img src=x"] {
            assert!(!body.contains(unescaped), "{page} holds `{unescaped}`");
        }
    }
}

#[test]
fn no_request_reaches_a_file_outside_the_site() {
    let server = start(free_port());
    let (status, body) = server.get("/hello.txt");
    assert_eq!(
        (status, body.as_str()),
        (200, "hello from static"),
        "static files are served"
    );
    for attempt in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//secret.txt",
        "/static/../../secret.txt",
        "/content/../../secret.txt",
        "/handbook.yaml",
        "/content/tools.md",
        "/etc/passwd",
    ] {
        let (status, body) = server.get(attempt);
        assert!(
            !body.contains("TOP SECRET"),
            "{attempt} leaked a file outside the site"
        );
        assert!(!body.contains("base_url"), "{attempt} served handbook.yaml");
        assert_ne!(status, 200, "{attempt}");
    }
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("<html"),
        "unknown paths get the theme's 404 page"
    );
}

#[test]
fn binds_to_localhost_by_default_and_moves_on_when_the_port_is_taken() {
    let port = free_port();
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut server = start(port);
    assert!(
        server.addr.starts_with("127.0.0.1:"),
        "default bind is 127.0.0.1, got {}",
        server.addr
    );
    assert_ne!(server.addr, format!("127.0.0.1:{port}"));
    assert_eq!(server.get("/").0, 200);

    // Ctrl-C stops it cleanly.
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let said: Vec<String> = server.lines.try_iter().collect();
    assert!(said.iter().any(|l| l.contains("stopped")), "{said:?}");
}

impl Server {
    fn child_status(&self) -> Option<i32> {
        // `try_wait` needs `&mut`; a zero-signal kill answers "still there?" without it.
        let alive = Command::new("kill")
            .args(["-0", &self.child.id().to_string()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if alive { None } else { Some(1) }
    }
}
