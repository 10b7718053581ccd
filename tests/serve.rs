//! `handbook serve`, whole command: a real server on a free port, real file edits, polled with
//! a generous timeout (these tests assert behaviour, not speed; the benchmark measures speed).

mod common;

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{PATIENCE, edit, free_port, start, start_with};

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

/// The live-reload script is part of the document (inside `<body>`, once), not appended after
/// `</html>`; the 404 page gets it too, and the event stream it listens to answers.
#[test]
fn the_reload_script_is_inside_the_body() {
    let server = start(free_port());
    for (path, status) in [("/playbooks/discovery-call/", 200), ("/no/such/page/", 404)] {
        let (got, body) = server.get(path);
        assert_eq!(got, status, "{path}");
        let script = body
            .find("<script data-event-stream=\"/__handbook/event-stream\">")
            .unwrap_or_else(|| panic!("{path}: no reload script"));
        let end = body.rfind("</body>").expect("a </body>");
        assert!(script < end, "{path}: the script comes after </body>");
        assert_eq!(body.matches("data-event-stream").count(), 1, "{path}");
        assert!(
            body.trim_end().ends_with("</html>"),
            "{path}: {}",
            &body[end..]
        );
    }
    // The stream never ends: read its head only.
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /__handbook/event-stream HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");
}

#[test]
fn poll_mode_sees_edits_without_file_system_events() {
    let server = start_with(free_port(), &["--poll"], |_| {});
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
    assert!(server.is_running(), "the server is still running");

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
    let server = start(port);
    assert!(
        server.addr.starts_with("127.0.0.1:"),
        "default bind is 127.0.0.1, got {}",
        server.addr
    );
    assert_ne!(server.addr, format!("127.0.0.1:{port}"));
    assert_eq!(server.get("/").0, 200);

    // Ctrl-C stops it cleanly.
    let pid = server.pid().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.exited() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let said: Vec<String> = server.lines.try_iter().collect();
    assert!(said.iter().any(|l| l.contains("stopped")), "{said:?}");
}

/// The page count of the search index being served, once there is one.
fn indexed(server: &common::server::Server) -> Option<u64> {
    let (status, body) = server.get("/pagefind/pagefind-entry.json");
    let entry: serde_json::Value = serde_json::from_str(&body).ok().filter(|_| status == 200)?;
    entry["languages"]["en"]["page_count"].as_u64()
}

/// The search index is built in the background and served from memory; it follows pages
/// added and removed. `--no-search` serves none, and no search box.
#[test]
fn the_search_index_is_served_and_follows_the_pages() {
    let server = start(free_port());
    let pages = walkdir::WalkDir::new(server.path("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count() as u64;
    let deadline = Instant::now() + PATIENCE;
    while indexed(&server) != Some(pages) {
        assert!(
            Instant::now() < deadline,
            "no index of {pages} pages: {:?}",
            indexed(&server)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, script) = server.get("/pagefind/pagefind.js");
    assert_eq!(status, 200);
    assert!(script.contains("debouncedSearch"));
    assert!(server.get("/").1.contains("id=\"hb-search\""));

    std::fs::write(
        server.path("content/departments/sales/renewals.md"),
        "# Renewal desk\n\nOwned with [sales](index.md).\n",
    )
    .unwrap();
    let wait_for_count = |count: u64, what: &str| {
        let deadline = Instant::now() + PATIENCE;
        while indexed(&server) != Some(count) {
            assert!(Instant::now() < deadline, "{what}: {:?}", indexed(&server));
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for_count(pages + 1, "the new page indexed");
    std::fs::remove_file(server.path("content/departments/sales/renewals.md")).unwrap();
    wait_for_count(pages, "the deleted page gone from the index");

    let quiet = start_with(free_port(), &["--no-search"], |_| {});
    assert_eq!(quiet.get("/pagefind/pagefind.js").0, 404);
    assert!(!quiet.get("/").1.contains("id=\"hb-search\""));
}
