//! Every link arrives: sites with odd file names and every link form are checked (clean), built,
//! served over HTTP and crawled as a browser follows links (tests/crawl). README, "What `check`
//! (and `build`) verify" and "Pages, URLs, ids, kinds", says what each form means.

mod common;
mod crawl;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as AssertCommand;

use common::{fixture_copy, repo};

/// Aliases of `url-forms`: nothing links to a redirect, so the crawl is told where they are.
const ALIASES: &[&str] = &["old%20name/", "alt-%C3%BCber/"];

/// The URLs of the odd names, as a browser requests them.
const ODD_URLS: &[&str] = &[
    "c%23-tips/",
    "faq%3F/",
    "100%25-club/",
    "my%20page/",
    "%C3%BCberblick/",
    "sales%20team/na%C3%AFve%20plan/",
    "departments/field%20sales/",
    "processes/q&a%20%231/",
    "playbooks/d%C3%A9mo%20call/",
    "files/price%20list.pdf",
    "files/50%25%20off.png",
    "odd%20name.txt",
    "demo/",
    "widget/",
];

/// A writable copy of `url-forms`, plus `faq?.md`: a name no Windows checkout could hold, so
/// it is not in the repository.
fn url_forms() -> (tempfile::TempDir, PathBuf) {
    let (tmp, site) = fixture_copy("url-forms");
    std::fs::write(
        site.join("content/faq?.md"),
        "# FAQ?\n\n## Why?\n\nBack [home](index.md), or [why](#why).\n",
    )
    .unwrap();
    (tmp, site)
}

fn check_is_clean(root: &Path) {
    let output = AssertCommand::cargo_bin("handbook")
        .unwrap()
        .args(["check", "--deny-warnings", "--format", "json", "--root"])
        .arg(root)
        .env("HANDBOOK_TODAY", "2026-01-01")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        output.status.success() && report["diagnostics"] == serde_json::json!([]),
        "{}: {report:#}",
        root.display()
    );
}

/// Builds `root` at `base_url` into a folder a static host serves: the output sits at the
/// base's path inside it. Returns that folder.
fn build(root: &Path, base_url: &str, www: &Path) -> PathBuf {
    let output = www.join(base_url.trim_matches('/'));
    AssertCommand::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--base-url", base_url, "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .assert()
        .success();
    output
}

fn with_base(base: &str, paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| format!("{base}{p}")).collect()
}

fn strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[test]
fn the_url_forms_fixture_checks_clean() {
    let (_tmp, site) = url_forms();
    check_is_clean(&site);
}

#[test]
fn every_link_of_odd_names_and_url_forms_arrives_over_http() {
    let (tmp, site) = url_forms();
    for base in ["/", "/handbook/"] {
        let www = tmp.path().join(format!("www{}", base.len()));
        build(&site, base, &www);
        let aliases = with_base(base, ALIASES);
        let (report, origin) = crawl::crawl_dir(&www, base, &strs(&aliases));
        report.assert_clean(150);
        report.assert_fetched(&origin, &strs(&with_base(base, ODD_URLS)));
        report.assert_fetched(&origin, &strs(&aliases));
        assert!(
            report.fragments >= 20,
            "{} fragments followed",
            report.fragments
        );
    }
}

#[test]
fn output_folders_keep_readable_names_and_urls_are_encoded() {
    let (tmp, site) = url_forms();
    let public = build(&site, "/", &tmp.path().join("www"));
    for file in [
        "c#-tips/index.html",
        "faq?/index.html",
        "100%-club/index.html",
        "my page/index.html",
        "überblick/index.html",
        "processes/q&a #1/index.html",
        "old name/index.html",
        "files/price list.pdf",
    ] {
        assert!(public.join(file).is_file(), "no {file}");
    }
    let read = |file: &str| std::fs::read_to_string(public.join(file)).unwrap();
    let sitemap = read("sitemap.xml");
    for loc in [
        "/c%23-tips/",
        "/faq%3F/",
        "/my%20page/",
        "/processes/q&amp;a%20%231/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{sitemap}");
    }
    let page = read("my page/index.html");
    assert!(
        page.contains("href=\"https://example.com/edit/main/content/my%20page.md\""),
        "edit_url gets the encoded path"
    );
    // The sidebar and the body name the page by one URL.
    assert!(!page.contains("href=\"/my page/\""));
    assert!(page.contains("href=\"/my%20page/\""));
    let redirect = read("old name/index.html");
    assert!(redirect.contains("url=/%C3%BCberblick/"), "{redirect}");
    // A fragment typed in another Unicode normalisation is published as the heading's id.
    let home = read("index.html");
    assert!(home.contains("href=\"/guide/#caf%C3%A9\""));
    assert!(home.contains("href=\"/guide/#cafe%CC%81-au-lait\""));
    // The query is kept, and the fragment after it.
    assert!(home.contains("href=\"/guide/?src=x#top\""));
}

#[test]
fn every_valid_link_form_arrives_over_http() {
    let (tmp, site) = fixture_copy("check-valid-links");
    check_is_clean(&site);
    // The fixture's base_url is /handbook/; its links are written with and without it.
    let base = "/handbook/";
    let www = tmp.path().join("www");
    build(&site, base, &www);
    let (report, origin) = crawl::crawl_dir(&www, base, &[]);
    report.assert_clean(100);
    report.assert_fetched(
        &origin,
        &strs(&with_base(base, &["my%20page/", "img/logo.png"])),
    );
}

#[test]
fn every_link_of_the_shipped_handbook_arrives_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    for base in ["/", "/handbook/"] {
        let www = tmp.path().join(format!("www{}", base.len()));
        build(&repo(), base, &www);
        let aliases = with_base(base, &["playbooks/old-demo-name/"]);
        let (report, origin) = crawl::crawl_dir(&www, base, &strs(&aliases));
        report.assert_clean(1_000);
        report.assert_fetched(&origin, &strs(&aliases));
    }
}

/// `handbook serve` on a site, killed when dropped.
struct Preview {
    child: Child,
    origin: String,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn preview(root: &Path) -> Preview {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && let Some(url) = line.split(" at http://").nth(1)
        {
            let addr = url.split('/').next().unwrap_or_default();
            return Preview {
                child,
                origin: format!("http://{addr}"),
            };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("`handbook serve` did not say where it serves");
}

#[test]
fn the_preview_answers_every_url_it_links() {
    let (_tmp, site) = url_forms();
    let server = preview(&site);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let aliases = with_base("/", ALIASES);
    let report = runtime.block_on(crawl::crawl(&server.origin, "/", &strs(&aliases)));
    report.assert_clean(150);
    report.assert_fetched(&server.origin, &strs(&with_base("/", ODD_URLS)));
}
