//! `build --relative-urls`, whole command: the site opens from disk. Every `href` and `src` of
//! every HTML file, read as a browser reads it from `file://` (split at `?`/`#`,
//! percent-decoded, joined to the folder of the file it is in), names a file of the output,
//! and a fragment names an id in it; no URL starts from the root.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use assert_cmd::Command;

use common::{build_shipped, repo};

/// `..` and `.` folded away, without touching the disk; `None` if it climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// The ids of every HTML file, read once.
fn ids(html: &str) -> HashSet<String> {
    let doc = scraper::Html::parse_document(html);
    let any = scraper::Selector::parse("[id], a[name]").unwrap();
    doc.select(&any)
        .flat_map(|e| [e.value().attr("id"), e.value().attr("name")])
        .flatten()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_link_and_asset_resolves_to_a_file_from_disk() {
    let out = build_shipped(&["--relative-urls"]);
    let public = out.path().join("public");
    let mut html_files: HashMap<PathBuf, String> = HashMap::new();
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "html") {
            let rel = entry.path().strip_prefix(&public).unwrap().to_path_buf();
            html_files.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    let ids: HashMap<&PathBuf, HashSet<String>> =
        html_files.iter().map(|(p, h)| (p, ids(h))).collect();
    let linked = scraper::Selector::parse("[href], [src]").unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (file, html) in &html_files {
        let doc = scraper::Html::parse_document(html);
        for element in doc.select(&linked) {
            for attr in ["href", "src"] {
                let Some(url) = element.value().attr(attr) else {
                    continue;
                };
                if url.contains("://") || url.starts_with("mailto:") || url.starts_with("tel:") {
                    continue;
                }
                checked += 1;
                if url.starts_with('/') {
                    problems.push(format!("{}: {url} starts from the root", file.display()));
                    continue;
                }
                let split = url.find(['?', '#']).unwrap_or(url.len());
                let (path, rest) = url.split_at(split);
                let fragment = rest.split_once('#').map(|(_, f)| f);
                let target = if path.is_empty() {
                    Some(file.clone())
                } else {
                    let decoded = percent_encoding::percent_decode_str(path)
                        .decode_utf8()
                        .unwrap();
                    normalize(&file.parent().unwrap().join(decoded.as_ref()))
                };
                let Some(target) = target.filter(|t| public.join(t).is_file()) else {
                    problems.push(format!("{}: {url} names no file", file.display()));
                    continue;
                };
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    let id = percent_encoding::percent_decode_str(fragment)
                        .decode_utf8()
                        .unwrap();
                    let has = ids
                        .get(&target)
                        .is_some_and(|ids| ids.contains(id.as_ref()));
                    if !has {
                        problems.push(format!("{}: {url} names no id there", file.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 1000, "only {checked} URLs were checked");
    // The pages the README says to open, and the search box, are there.
    let home = &html_files[&PathBuf::from("index.html")];
    assert!(home.contains("href=\"handbook.css\"") && home.contains("id=\"hb-search\""));
    let playbook = &html_files[&PathBuf::from("playbooks/discovery-call/index.html")];
    assert!(
        playbook.contains("href=\"../../tags/discovery/index.html\""),
        "tags link to their pages"
    );
    assert!(public.join("pagefind/pagefind.js").is_file());
    // The index's URLs are from the root, with the file spelled out: the box turns them
    // into links from wherever the site is.
    let fragments = std::fs::read_dir(public.join("pagefind/fragment"))
        .unwrap()
        .count();
    assert!(fragments > 0);
}

#[test]
fn relative_urls_and_base_url_do_not_go_together() {
    Command::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--relative-urls", "--base-url", "/x/", "--root"])
        .arg(repo())
        .assert()
        .code(2);
}
