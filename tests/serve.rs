//! `handbook serve`, whole command: a real server on a free port, real file edits, polled with
//! a generous timeout (these tests assert behaviour, not speed; the benchmark measures speed).

mod common;

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{PATIENCE, edit, free_port, start, start_configured, start_with};

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
    // The process has exited, but the thread reading its output may not have passed on the last
    // line yet: read until the pipe closes.
    let mut said = Vec::new();
    while let Ok(line) = server.lines.recv_timeout(PATIENCE) {
        said.push(line);
    }
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
    // Asked for at once, before the first index is built (the indexer waits for a quiet
    // moment first), the index is waited for rather than answered 404: a page's search loads
    // it only once (README, `serve`).
    let (status, script) = server.get("/pagefind/pagefind.js");
    assert_eq!(
        status, 200,
        "the search index asked for before it was built"
    );
    assert!(script.contains("debouncedSearch"));
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

const OVERLAY: &str = "handbook-error-overlay";

/// Opened on a handbook that already has errors, `serve` answers every page (200) with the
/// overlay over it, and a page's own broken link as written; fixing the errors removes the
/// overlay. From then on an error keeps the last good pages served (README, "Commands").
#[test]
fn serve_opens_on_a_broken_handbook_with_the_overlay_on_every_page() {
    const PLAYBOOK: &str = "content/playbooks/discovery-call.md";
    let broken_link = |t: String| t.replacen("\n## ", "\nSee [the old notes](gone.md).\n\n## ", 1);
    let server = start_with(free_port(), &[], |root| {
        edit(&root.join(PLAYBOOK), broken_link);
        edit(&root.join("content/tools.md"), |t| {
            t.replacen("title: Tools", "title: [Tools", 1)
        });
    });
    let as_it_is = "the pages underneath show the handbook as it is, broken links as written";
    for page in [
        "/",
        "/departments/sales/",
        "/playbooks/discovery-call/",
        "/glossary/",
    ] {
        let (status, body) = server.get(page);
        assert_eq!(status, 200, "{page} is served");
        assert!(body.contains(OVERLAY), "{page} carries the overlay");
        assert!(body.contains(as_it_is), "{page}");
        assert!(
            body.contains("content/playbooks/discovery-call.md:")
                && body.contains("content/tools.md:2:"),
            "{page} names both mistakes"
        );
    }
    let (_, playbook) = server.get("/playbooks/discovery-call/");
    assert!(
        playbook.contains("<a href=\"gone.md\">the old notes</a>"),
        "the broken link is published as written"
    );
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains(OVERLAY),
        "the 404 page carries the overlay too"
    );

    let original = |path: &str| std::fs::read_to_string(common::repo().join(path)).unwrap();
    std::fs::write(server.path(PLAYBOOK), original(PLAYBOOK)).unwrap();
    std::fs::write(
        server.path("content/tools.md"),
        original("content/tools.md"),
    )
    .unwrap();
    server.wait_for(
        "the overlay to clear",
        "/playbooks/discovery-call/",
        |s, b| s == 200 && !b.contains(OVERLAY) && !b.contains("gone.md"),
    );

    // Now there is a good build: a new error shows over it, the page as it was.
    edit(&server.path(PLAYBOOK), broken_link);
    server.wait_for(
        "the overlay over the last good page",
        "/playbooks/discovery-call/",
        |s, b| {
            s == 200
                && b.contains("The handbook has 1 error: showing the last good version underneath")
                && !b.contains("href=\"gone.md\"")
        },
    );
}

/// A theme that does not load renders no page: every path answers the built-in 404 page with
/// the overlay (and the reload script), until the template is fixed.
#[test]
fn serve_opens_when_the_theme_fails_and_says_why_on_every_path() {
    let server = start_with(free_port(), &[], |root| {
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("templates/page.html"),
            "{% if %}broken{% endif %}",
        )
        .unwrap();
    });
    for path in ["/", "/tools/", "/handbook.css"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(body.contains(OVERLAY), "{path}: {body}");
        assert!(
            body.contains("templates/page.html"),
            "{path} names the template"
        );
        assert!(
            body.contains("The handbook has 1 error:"),
            "{path}: the template's error is said once"
        );
        assert!(
            body.contains("data-event-stream"),
            "{path} reloads when fixed"
        );
    }
    std::fs::remove_file(server.path("templates/page.html")).unwrap();
    server.wait_for("the pages", "/tools/", |s, b| {
        s == 200 && !b.contains(OVERLAY)
    });
}

/// Pages served as they are, then a template breaks: no page rendered by the old template
/// stays served as if it followed the content, and fixing the template brings them back.
#[test]
fn a_theme_that_breaks_before_any_good_build_takes_its_pages_with_it() {
    let server = start_with(free_port(), &[], |root| {
        edit(&root.join("content/tools.md"), |t| {
            t.replacen("\n## ", "\nSee [the old notes](gone.md).\n\n## ", 1)
        });
    });
    let (status, body) = server.get("/tools/");
    assert!(status == 200 && body.contains(OVERLAY), "{status}");
    std::fs::create_dir_all(server.path("templates")).unwrap();
    std::fs::write(
        server.path("templates/page.html"),
        "{% if %}broken{% endif %}",
    )
    .unwrap();
    server.wait_for("the template's error alone", "/tools/", |s, b| {
        s == 404 && b.contains(OVERLAY) && b.contains("templates/page.html")
    });
    std::fs::remove_file(server.path("templates/page.html")).unwrap();
    server.wait_for("the pages again", "/tools/", |s, b| {
        s == 200 && b.contains(OVERLAY) && b.contains("href=\"gone.md\"")
    });
}

/// Mistakes in handbook.yaml do not keep the preview from opening: the defaults stand in, and
/// the overlay names the key until it is fixed.
#[test]
fn serve_opens_with_a_broken_handbook_yaml() {
    let server = start_with(free_port(), &[], |root| {
        edit(&root.join("handbook.yaml"), |t| {
            format!("{t}base_ulr: /x/\n")
        });
    });
    let (status, body) = server.get("/tools/");
    assert_eq!(status, 200);
    assert!(
        body.contains(OVERLAY) && body.contains("handbook.yaml:"),
        "{body}"
    );
    assert!(body.contains("did you mean `base_url`?"));
    let settings = std::fs::read_to_string(common::repo().join("handbook.yaml")).unwrap();
    std::fs::write(server.path("handbook.yaml"), settings).unwrap();
    server.wait_for("the overlay to clear", "/tools/", |s, b| {
        s == 200 && !b.contains(OVERLAY)
    });
}

/// The log counts in words that agree ("1 warning"), and `-q` leaves out the builds that went
/// well but still says where it serves.
#[test]
fn the_log_says_one_warning_and_quiet_says_only_where_it_serves() {
    let orphan = |root: &std::path::Path| {
        std::fs::write(
            root.join("content/lonely.md"),
            "# Lonely\n\nNobody links here.\n",
        )
        .unwrap();
    };
    let server = start_with(free_port(), &[], orphan);
    let said = server.startup.join("\n");
    assert!(
        said.contains(" ms (1 warning: run `handbook check`)") && said.contains("rendered "),
        "{said}"
    );
    assert!(!said.contains("1 warnings"), "{said}");

    let quiet = start_with(free_port(), &["-q"], orphan);
    assert!(quiet.startup.is_empty(), "{:?}", quiet.startup);
    assert_eq!(quiet.get("/lonely/").0, 200);
    assert!(quiet.said_on_stderr(Duration::from_millis(300)).is_empty());
}

/// `--open` with no browser to open: one line says so and where to go, not the opener's
/// chatter. The opener here is a stand-in `xdg-open` that fails the way a machine without a
/// browser makes the real one fail.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn open_without_a_browser_says_so_in_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let opener = bin.path().join("xdg-open");
    let mut script = String::from("#!/bin/sh\n");
    for n in 1..=6 {
        script.push_str(&format!("echo \"xdg-open: noise line {n}\" >&2\n"));
    }
    script.push_str("echo \"xdg-open: no method available for opening '$1'\" >&2\nexit 3\n");
    std::fs::write(&opener, script).unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = start_configured(
        free_port(),
        &["--open"],
        |command| {
            command.env("PATH", bin.path());
        },
        |_| {},
    );
    let said = server.said_on_stderr(Duration::from_secs(3));
    assert_eq!(said.len(), 1, "{said:#?}");
    let url = format!("http://{}/", server.addr);
    assert_eq!(
        said[0],
        format!(
            "could not open a browser (`xdg-open` exit status: 3: xdg-open: no method available \
             for opening '{url}'); open {url} yourself"
        )
    );

    // No opener at all: the same one line.
    let empty = tempfile::tempdir().unwrap();
    let server = start_configured(
        free_port(),
        &["--open"],
        |command| {
            command.env("PATH", empty.path());
        },
        |_| {},
    );
    let said = server.said_on_stderr(Duration::from_secs(1));
    assert_eq!(said.len(), 1, "{said:#?}");
    assert!(
        said[0].starts_with("could not open a browser (no `xdg-open`: ")
            && said[0].ends_with(&format!("open http://{}/ yourself", server.addr)),
        "{said:?}"
    );
}
