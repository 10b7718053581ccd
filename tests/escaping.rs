//! Escaping, whole command: every string a handbook's authors write in front matter and
//! `handbook.yaml` reaches the reader's browser as text, never as markup, on every page that
//! shows it. `tests/fixtures/escaping/` puts a script and an attribute-breaking value into each
//! such string, each behind a label naming the field; the test asserts that no output file
//! holds the payload unescaped, and that each label's escaped text is where the theme shows it
//! (so a value dropped instead of escaped fails too). The serve overlay is in tests/serve.rs.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use common::fixture_copy;

/// What every string of the fixture carries after its label.
const PAYLOAD: &str = r#" <script>alert(1)</script> "><img src=x onerror=alert(1)>"#;

/// A page named for the payload: its URL and its title (from the file name) carry it into
/// hrefs, the sitemap and a redirect. Made by the test: `"`, `<` and `>` are fine in a file
/// name on Linux and macOS, but not in a Windows checkout of this repository.
const NAMED: &str = r#"x"><img src=x onerror=alert(1)>"#;

/// What an unescaped payload looks like, in text or after breaking out of an attribute.
const UNESCAPED: &[&str] = &["<script>alert", "<img src=x", "\"><img"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A label's value as the page must show it.
fn shown(label: &str) -> String {
    escape(&format!("{label}{PAYLOAD}"))
}

/// Builds the fixture, with the payload-named page added; returns the output folder.
fn build() -> (tempfile::TempDir, PathBuf) {
    let (tmp, site) = fixture_copy("escaping");
    std::fs::write(
        site.join("content").join(format!("{NAMED}.md")),
        "---\naliases: [/old-named/]\n---\nBack to the [guide](guide.md).\n",
    )
    .unwrap();
    Command::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success();
    (tmp, site.join("public"))
}

fn read(public: &Path, file: &str) -> String {
    std::fs::read_to_string(public.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The sidebar, header and footer: on every page, the 404 page included.
const ON_EVERY_PAGE: &[&str] = &[
    "Site-title",
    "Site-description",
    "Department-title",
    "Process-title",
    "Playbook-title",
    "Heading-title",
];

#[test]
fn no_output_file_holds_the_payload_unescaped() {
    let (_tmp, public) = build();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        // The search index is compressed, and its excerpts are escaped by Pagefind's script.
        .filter(|p| !p.starts_with(public.join("pagefind")))
        .collect();
    // 9 pages, 2 redirects, 404.html, sitemap.xml, the theme's stylesheet, script and favicon,
    // the output's marker, and the tag pages: /tags/ and one for each of the two tags.
    assert_eq!(files.len(), 20, "{files:#?}");
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for bad in UNESCAPED {
            assert!(
                !text.contains(bad),
                "{} holds `{bad}` unescaped",
                file.display()
            );
        }
    }
}

#[test]
fn every_string_shows_escaped_where_the_theme_shows_it() {
    let (_tmp, public) = build();
    let named = format!("{NAMED}/index.html");
    let pages: &[(&str, &[&str])] = &[
        // `<meta name="description">` and the hero. The home page goes by the site's title
        // (tab, hero; "Home" in breadcrumbs), so its own title is shown nowhere.
        ("index.html", &["Home-description"]),
        (
            "departments/index.html",
            // Title, the list's cards, breadcrumbs.
            &["Departments-list", "Department-description"],
        ),
        (
            "departments/sales/index.html",
            &[
                "Department-description",
                "Tag-one",
                "Metric-one",
                // Processes owned.
                "Used-when",
                // Breadcrumbs, and "Referenced by" (the home, the guide, the process).
                "Departments-list",
            ],
        ),
        ("processes/index.html", &["Processes-list", "Used-when"]),
        (
            "processes/edge/index.html",
            &[
                "Process-description",
                "Used-when",
                "Deal-profile",
                "Stage-one",
                "Stage-two",
                "Goal-one",
                "Goal-two",
                "Duration-one",
                "Sales-stage-one",
                "Forecast-one",
                "Agenda-one",
                "Exit-one",
                "Next-step-one",
                "Resource-title",
                "Processes-list",
            ],
        ),
        ("playbooks/index.html", &["Playbooks-list", "Stage-one"]),
        (
            "playbooks/discovery-call/index.html",
            &[
                "Playbook-description",
                "Stage-one",
                "Goal-one",
                "Audience",
                // The next stage, in the facts box.
                "Stage-two",
                "Playbooks-list",
            ],
        ),
        ("guide/index.html", &["Toc-one", "Toc-two", "Tag-two"]),
        (&named, &[]),
        ("404.html", &[]),
    ];
    for (file, labels) in pages {
        let html = read(&public, file);
        for label in ON_EVERY_PAGE.iter().chain(labels.iter()) {
            assert!(
                html.contains(&shown(label)),
                "{file} does not show {label} escaped"
            );
        }
        assert!(
            html.contains(&format!(">{}<", escape(NAMED))),
            "{file}: the sidebar lists the page named for the payload"
        );
    }

    // Values in attributes: a stage id, "Edit this page", a process's stage anchors.
    let process = read(&public, "processes/edge/index.html");
    let stage_id = escape(r#"two "><img src=x onerror=alert(1)>"#);
    assert!(process.contains(&format!("id=\"{stage_id}\"")));
    // Its anchor links carry the id percent-encoded, which escapes it too.
    assert!(
        process
            .contains("href=\"/processes/edge/#two%20%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E\"")
    );
    let guide = read(&public, "guide/index.html");
    assert!(guide.contains(&format!(
        "href=\"{}guide.md\"",
        escape(r#"https://example.com/edit?q="><img src=x onerror=alert(1)>&path="#)
    )));
    // "Referenced by" on the guide: the page named for the payload links to it.
    let referenced = guide
        .find("Referenced by")
        .expect("a Referenced by section");
    assert!(guide[referenced..].contains(&format!(">{}<", escape(NAMED))));

    // The redirect of an alias to that page, and the sitemap, carry its URL, percent-encoded.
    let url = "/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/";
    let redirect = read(&public, "old-named/index.html");
    assert!(redirect.contains(&format!("url={url}\"")), "{redirect}");
    assert!(redirect.contains(&format!("href=\"{url}\">{url}</a>")));
    let sitemap = read(&public, "sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{sitemap}");
}
