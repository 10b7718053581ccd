//! Search, whole command: `build` writes Pagefind's index of the published pages and the
//! theme's search box on every page; `--no-search` writes neither; the same site gives the
//! same index files; a page of the site's own where the index goes stops the build.

mod common;

use std::io::Read;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use common::{fixture_copy, repo};

fn handbook() -> Command {
    Command::cargo_bin("handbook").unwrap()
}

fn build(root: &Path, output: &Path, args: &[&str]) -> String {
    let done = handbook()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&done.get_output().stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Pagefind data file as the browser decodes it: gzip, then a `pagefind_dcd` signature.
fn decode(path: &Path) -> Vec<u8> {
    let gz = std::fs::read(path).unwrap();
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("{} is not gzip: {e}", path.display()));
    bytes
        .strip_prefix(b"pagefind_dcd")
        .unwrap_or_else(|| panic!("{} has no Pagefind signature", path.display()))
        .to_vec()
}

fn html_pages(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name() == "index.html")
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[test]
fn the_built_site_holds_the_index_of_every_page_and_the_search_box() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build(&repo(), &public, &[]);
    let bundle = public.join("pagefind");
    for file in ["pagefind.js", "pagefind-worker.js", "wasm.en.pagefind"] {
        assert!(bundle.join(file).is_file(), "no pagefind/{file}");
    }
    assert!(
        !bundle.join("pagefind-ui.js").exists(),
        "Pagefind's own interfaces are not shipped: the theme has its own box"
    );
    let markdown = walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let entry: serde_json::Value =
        serde_json::from_str(&read(&bundle.join("pagefind-entry.json"))).unwrap();
    assert_eq!(
        entry["languages"]["en"]["page_count"], markdown,
        "every page is indexed, once: {entry}"
    );
    let fragments: Vec<serde_json::Value> = std::fs::read_dir(bundle.join("fragment"))
        .unwrap()
        .map(|e| serde_json::from_slice(&decode(&e.unwrap().path())).unwrap())
        .collect();
    assert_eq!(fragments.len(), markdown);
    let discovery = fragments
        .iter()
        .find(|f| f["url"] == "/playbooks/discovery-call/")
        .unwrap_or_else(|| panic!("no fragment for the Discovery call playbook"));
    assert_eq!(discovery["meta"]["title"], "Discovery call", "{discovery}");
    assert_eq!(
        discovery["filters"]["kind"],
        serde_json::json!(["playbook"])
    );
    assert_eq!(
        discovery["filters"]["department"],
        serde_json::json!(["Sales"])
    );
    let text = discovery["content"].as_str().unwrap();
    assert!(text.contains("qualify"), "the body is indexed: {text}");
    assert!(
        !text.contains("Referenced by") && !text.contains("Skip to content"),
        "menus and the page's footer are not: {text}"
    );
    assert!(
        discovery["anchors"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "headings give results a section to link to: {discovery}"
    );
    for page in html_pages(&public) {
        let html = read(&page);
        // Redirects of aliases are not pages.
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert!(
            html.contains("id=\"hb-search\"") && html.contains("data-pagefind-body"),
            "{} has no search box or no indexed body",
            page.display()
        );
    }
    let script = read(&public.join("handbook.js"));
    assert!(script.contains("pagefind/pagefind.js"));
}

#[test]
fn no_search_writes_no_index_and_no_box_and_removes_an_old_index() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build(&repo(), &public, &[]);
    assert!(public.join("pagefind/pagefind.js").is_file());
    build(&repo(), &public, &["--no-search"]);
    assert!(!public.join("pagefind").exists(), "the old index is gone");
    for page in html_pages(&public) {
        assert!(
            !read(&page).contains("id=\"hb-search\""),
            "{} shows a search box with no index",
            page.display()
        );
    }
}

#[test]
fn the_same_site_gives_the_same_index_and_a_rebuild_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build(&repo(), &public, &[]);
    let first = common::snapshot(&public.join("pagefind"));
    build(&repo(), &public, &[]);
    assert_eq!(common::snapshot(&public.join("pagefind")), first);
    let third = build(&repo(), &public, &[]);
    assert!(
        third.contains("(0 files written"),
        "a third build of the same site writes nothing: {third}"
    );
}

#[test]
fn a_page_where_the_index_goes_stops_the_build_unless_search_is_off() {
    let (_tmp, site) = fixture_copy("check-valid-links");
    std::fs::create_dir_all(site.join("static/pagefind")).unwrap();
    std::fs::write(site.join("static/pagefind/pagefind.js"), "mine").unwrap();
    let public = site.join("public");
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`pagefind/pagefind.js` is in `pagefind/`",
        ));
    assert!(!public.exists(), "nothing was written");
    build(&site, &public, &["--no-search"]);
    assert_eq!(read(&public.join("pagefind/pagefind.js")), "mine");
}
