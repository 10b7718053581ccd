//! Helpers shared by the whole-command tests.
#![allow(dead_code)]

pub mod server;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Whether a test that needs something from outside the repository (a browser, a corpus) runs.
/// It is skipped only when `skip_var=1` asks for it, and then says so on the terminal: written
/// to stderr directly, which the test harness does not capture as it does `eprintln!`. Without
/// the variable, `missing` (what is not there, if anything) fails the test.
pub fn runs(test: &str, skip_var: &str, missing: Option<String>) -> bool {
    use std::io::Write;
    if std::env::var(skip_var).is_ok_and(|v| v == "1") {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {skip_var}=1 asks to skip it"
        );
        return false;
    }
    if let Some(missing) = missing {
        panic!("{test} cannot run: {missing}; set {skip_var}=1 to skip it");
    }
    true
}

/// Copies a folder tree (a fixture) so a test can change it.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A writable copy of a fixture: the temp folder (keep it alive) and the site root in it.
pub fn fixture_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture(name), &site);
    (tmp, site)
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The values of `attr="..."` in an HTML document.
pub fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let needle = format!(" {attr}={quote}");
        let mut rest = html;
        while let Some(at) = rest.find(&needle) {
            let start = at + needle.len();
            let Some(len) = rest[start..].find(quote) else {
                break;
            };
            out.push(&rest[start..start + len]);
            rest = &rest[start + len..];
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

/// Walks a built site and returns every internal `href`/`src` (with its fragment) that does
/// not point at an existing file and, for fragments, an existing `id`.
pub fn dead_links(output: &Path, base_path: &str) -> Vec<String> {
    let mut ids_cache: BTreeMap<PathBuf, HashSet<String>> = BTreeMap::new();
    let mut dead = Vec::new();
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(output)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(!pages.is_empty(), "no HTML in {}", output.display());
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let mut values = attribute_values(&html, "href");
        values.extend(attribute_values(&html, "src"));
        for raw in values {
            let value = decode_entities(raw);
            if value.contains("://")
                || value.starts_with("mailto:")
                || value.starts_with("tel:")
                || value.starts_with("data:")
            {
                continue;
            }
            let (path, fragment) = match value.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (value.clone(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else {
                let Some(below) = path.strip_prefix(base_path) else {
                    dead.push(format!(
                        "{}: {value} (not under {base_path})",
                        page.display()
                    ));
                    continue;
                };
                let below = percent_decode(below);
                let mut file = output.join(&below);
                if below.is_empty() || below.ends_with('/') {
                    file = file.join("index.html");
                }
                file
            };
            if !target.is_file() {
                dead.push(format!(
                    "{}: {value} (no file {})",
                    page.display(),
                    target.display()
                ));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let ids = ids_cache.entry(target.clone()).or_insert_with(|| {
                    let html = std::fs::read_to_string(&target).unwrap_or_default();
                    let mut ids: HashSet<String> = attribute_values(&html, "id")
                        .into_iter()
                        .map(decode_entities)
                        .collect();
                    ids.extend(
                        attribute_values(&html, "name")
                            .into_iter()
                            .map(decode_entities),
                    );
                    ids
                });
                if !ids.contains(&percent_decode(&fragment)) {
                    dead.push(format!(
                        "{}: {value} (no id `{fragment}` in {})",
                        page.display(),
                        target.display()
                    ));
                }
            }
        }
    }
    dead
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
