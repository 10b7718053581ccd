//! Pull-request mode, whole command: `check --changed-since REV` in a real git repository made
//! in a temp folder. The handbook (`tests/fixtures/changed-since/`) sits in a folder of the
//! repository, as it often does, and already has one problem before any change: a broken link
//! in `content/old.md`, which pull-request mode must not report.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use common::copy_tree;

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// Runs git in `dir`, isolated from the machine's git configuration. git is needed: without
/// it the test fails, saying so.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap_or_else(|e| panic!("these tests need git on the PATH: {e}"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A repository holding the fixture in `handbook/`, all committed on `main`: the temp folder
/// (keep it alive), the repository and the handbook root.
fn repository() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let root = repo.join("handbook");
    copy_tree(&common::fixture("changed-since"), &root);
    std::fs::write(
        repo.join("README.md"),
        "A repository with a handbook in it.\n",
    )
    .unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "handbook"]);
    (tmp, repo, root)
}

/// `(severity, code, file, line)` of each diagnostic `check --changed-since REV` reports, and
/// its exit status.
fn changed_since(root: &Path, rev: &str) -> (i32, Vec<(String, String, String, u64)>) {
    let output = handbook()
        .args([
            "check",
            "--format",
            "json",
            "--changed-since",
            rev,
            "--root",
        ])
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let found = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (output.status.code().unwrap(), found)
}

fn error(code: &str, file: &str, line: u64) -> (String, String, String, u64) {
    ("error".into(), code.into(), file.into(), line)
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

#[test]
fn a_change_without_new_problems_passes_although_the_handbook_has_old_ones() {
    let (_tmp, _repo, root) = repository();
    // The whole handbook fails on the old broken link...
    handbook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing.md"));
    // ...but nothing changed yet, and then an edit that breaks nothing.
    assert_eq!(changed_since(&root, "HEAD"), (0, vec![]));
    edit(
        &root.join("content/guide.md"),
        "Install it.",
        "Install it, then restart.",
    );
    assert_eq!(changed_since(&root, "HEAD"), (0, vec![]));
}

#[test]
fn an_edited_page_reports_its_problems_and_anchors_into_it_that_broke() {
    let (_tmp, _repo, root) = repository();
    // Uncommitted edits: a new broken link, and the heading `faq.md` links to is renamed.
    let guide = root.join("content/guide.md");
    edit(&guide, "## Setup", "## Installation");
    edit(
        &guide,
        "Install it.",
        "Install it; see [notes](nowhere.md).",
    );
    let expected = vec![
        // content/faq.md line 3: `First read [the setup](guide.md#setup).`, unchanged.
        error("broken-anchor", "content/faq.md", 3),
        // content/guide.md line 7: the new link.
        error("broken-link", "content/guide.md", 7),
    ];
    assert_eq!(changed_since(&root, "HEAD"), (1, expected.clone()));
    // Staged or committed, the change is the same change.
    git(&root, &["add", "-A"]);
    assert_eq!(changed_since(&root, "HEAD"), (1, expected.clone()));
    git(&root, &["commit", "-q", "-m", "rename the heading"]);
    assert_eq!(changed_since(&root, "HEAD~1"), (1, expected));
    assert_eq!(changed_since(&root, "HEAD"), (0, vec![]));
}

#[test]
fn links_and_references_into_deleted_and_renamed_pages_are_reported() {
    let (_tmp, repo, root) = repository();
    git(&repo, &["checkout", "-q", "-b", "tidy-up"]);
    git(&root, &["rm", "-q", "content/faq.md"]);
    git(
        &root,
        &[
            "mv",
            "content/processes/deals.md",
            "content/processes/deal-flow.md",
        ],
    );
    git(&repo, &["commit", "-q", "-m", "tidy up"]);
    let (code, found) = changed_since(&root, "main");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![
            // guide.md line 3: `Questions go to the [FAQ](faq.md).`
            error("broken-link", "content/guide.md", 3),
            // index.md line 3 links faq.md, line 4 processes/deals.md.
            error("broken-link", "content/index.md", 3),
            error("broken-link", "content/index.md", 4),
            // call.md line 3: `process: deals`, the id the renamed page had.
            error("broken-ref", "content/playbooks/call.md", 3),
            // The renamed page itself is a changed file: nothing links to its new name.
            (
                "warning".into(),
                "orphan-page".into(),
                "content/processes/deal-flow.md".into(),
                1
            ),
        ]
    );
}

#[test]
fn a_page_whose_id_changed_reports_references_to_its_old_id() {
    let (_tmp, _repo, root) = repository();
    edit(
        &root.join("content/processes/deals.md"),
        "title: Deals\n",
        "title: Deals\nid: new-deals\n",
    );
    assert_eq!(
        changed_since(&root, "HEAD"),
        (1, vec![error("broken-ref", "content/playbooks/call.md", 3)])
    );
}

#[test]
fn untracked_pages_are_part_of_the_change_and_ignored_files_are_not() {
    let (_tmp, repo, root) = repository();
    std::fs::write(
        root.join("content/new.md"),
        "# New\n\nSee [there](not-there.md).\n",
    )
    .unwrap();
    let (code, found) = changed_since(&root, "HEAD");
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![
            (
                "warning".into(),
                "orphan-page".into(),
                "content/new.md".into(),
                1
            ),
            error("broken-link", "content/new.md", 3),
        ]
    );
    std::fs::write(repo.join(".gitignore"), "/handbook/content/new.md\n").unwrap();
    git(&repo, &["add", ".gitignore"]);
    git(&repo, &["commit", "-q", "-m", "ignore"]);
    assert_eq!(changed_since(&root, "HEAD"), (0, vec![]));
}

#[test]
fn a_change_to_handbook_yaml_reports_every_problem() {
    let (_tmp, _repo, root) = repository();
    edit(&root.join("handbook.yaml"), "Changed since", "Renamed");
    assert_eq!(
        changed_since(&root, "HEAD"),
        (1, vec![error("broken-link", "content/old.md", 3)])
    );
}

#[test]
fn outside_a_repository_or_with_an_unknown_revision_the_command_cannot_run() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("handbook");
    copy_tree(&common::fixture("changed-since"), &root);
    // A git repository in none of the temp folder's parents is assumed, as for any temp folder.
    handbook()
        .args(["check", "--changed-since", "main", "--root"])
        .arg(&root)
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--changed-since needs a git repository",
        ));
    let (_tmp, _repo, root) = repository();
    handbook()
        .args(["check", "--changed-since", "no-such-branch", "--root"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "git knows no revision `no-such-branch`",
        ));
    // An option-like revision is a revision, never a git option.
    handbook()
        .args(["check", "--changed-since=--output=x", "--root"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "git knows no revision `--output=x`",
        ));
    assert!(!root.join("x").exists());
}
