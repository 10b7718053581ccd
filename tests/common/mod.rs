//! Helpers shared by the whole-command tests.
#![allow(dead_code)]

pub mod server;

use std::collections::BTreeMap;
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

/// Every problem `check` finds, as (code, file, message): the message names the link or value
/// as written, so a change that traded one problem for another shows as a new entry.
pub fn problems(root: &Path) -> Vec<(String, String, String)> {
    let out = assert_cmd::Command::cargo_bin("handbook")
        .unwrap()
        .env("HANDBOOK_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("code"), s("file"), s("message"))
        })
        .collect()
}

/// Builds the shipped handbook (this repository's) with `args` into `public/` of a new
/// temporary folder, and asserts it succeeded.
pub fn build_shipped(args: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(out.path().join("public"))
        .args(args)
        .assert()
        .success();
    out
}
