//! `handbook mv`: the shipped handbook checks exactly as clean after moving a process, a
//! playbook and the whole `playbooks/` folder as before; links keep their fragments and
//! style, ids that come from a file name follow it, old URLs become aliases, and nothing is
//! overwritten.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use common::{copy_tree, problems, repo, snapshot};

/// A copy of the shipped handbook (`handbook.yaml` and `content/`): the temp folder and root.
fn shipped() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    (tmp, root)
}

fn handbook(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("handbook")
        .unwrap()
        .env("HANDBOOK_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn read(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join("content").join(file)).unwrap()
}

/// Moves `old` to `new` and proves the handbook checks as clean as before; returns the diff.
fn moved_cleanly(root: &Path, old: &str, new: &str) -> String {
    let before = problems(root);
    let out = handbook(root, &["mv", old, new]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        !root.join("content").join(old).exists(),
        "{old} is still there"
    );
    assert!(
        root.join("content").join(new).exists(),
        "{new} is not there"
    );
    assert_eq!(problems(root), before, "after moving {old} to {new}");
    let strict = handbook(root, &["check", "--deny-warnings"]);
    assert!(strict.status.success(), "{strict:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn moving_a_process_rewrites_links_ids_and_keeps_its_url() {
    let (_tmp, root) = shipped();
    assert!(problems(&root).is_empty(), "the shipped handbook is clean");
    let diff = moved_cleanly(&root, "processes/edge-connectivity", "processes/edge");
    // The id came from the folder name: every reference follows it.
    let playbook = read(&root, "playbooks/discovery-call.md");
    assert!(playbook.contains("\nprocess: edge\n"), "{playbook}");
    // Fragments kept, relative style kept.
    assert!(
        read(&root, "forecasting.md").contains("(processes/edge/index.md#negotiation)"),
        "{diff}"
    );
    assert!(
        read(&root, "processes/edge/index.md")
            .contains("aliases: [/processes/edge-connectivity/]\n")
    );
    assert!(
        diff.contains("+++ b/content/processes/edge/index.md\n"),
        "{diff}"
    );
}

#[test]
fn moving_a_playbook_keeps_its_old_url_as_an_alias() {
    let (_tmp, root) = shipped();
    let diff = moved_cleanly(
        &root,
        "content/playbooks/discovery-call.md",
        "playbooks/first-call.md",
    );
    let process = read(&root, "processes/edge-connectivity/index.md");
    assert!(process.contains("playbooks: [first-call]"), "{process}");
    assert!(
        process.contains("url: ../../playbooks/first-call.md#questions-to-ask"),
        "{process}"
    );
    assert!(
        read(&root, "playbooks/first-call.md").contains("aliases: [/playbooks/discovery-call/]\n")
    );
    assert!(diff.contains("-4. The goal of the [discovery call](discovery-call.md) and who should attend\n+4. The goal of the [discovery call](first-call.md) and who should attend\n"), "{diff}");
}

#[test]
fn moving_the_playbooks_folder_keeps_every_page_a_playbook() {
    let (_tmp, root) = shipped();
    moved_cleanly(&root, "playbooks", "sales/playbooks");
    let demo = read(&root, "sales/playbooks/solution-demo.md");
    // Its new place would make it a plain page: it says its kind; its aliases list grows.
    assert!(demo.contains("kind: playbook\n"), "{demo}");
    assert!(
        demo.contains("  - /playbooks/old-demo-name/\n  - /playbooks/solution-demo/\n"),
        "{demo}"
    );
    // And back again: still clean.
    moved_cleanly(&root, "sales/playbooks", "playbooks");
}

#[test]
fn dry_run_and_refusals_change_nothing() {
    let (_tmp, root) = shipped();
    let before = snapshot(&root);
    let out = handbook(
        &root,
        &[
            "mv",
            "playbooks/discovery-call.md",
            "playbooks/first-call.md",
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ b/content/playbooks/first-call.md"));
    assert_eq!(snapshot(&root), before);
    for (old, new, said) in [
        (
            "playbooks/discovery-call.md",
            "playbooks/solution-demo.md",
            "already exists",
        ),
        (
            "playbooks/nothing.md",
            "playbooks/x.md",
            "is not a page or a folder",
        ),
        ("playbooks", "playbooks/inner", "cannot move into itself"),
        (
            "playbooks/discovery-call.md",
            "../outside.md",
            "not a path inside content/",
        ),
        (
            "processes/mql-handling",
            "processes/node-red-scale",
            "already exists",
        ),
    ] {
        let out = handbook(&root, &["mv", old, new]);
        assert_eq!(out.status.code(), Some(2), "{old} -> {new}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{old} -> {new}: {stderr}");
        assert_eq!(snapshot(&root), before, "{old} -> {new}");
    }
}

/// A folder of 10 pages of the Sourcegraph handbook, linked from all over it in every style:
/// the same problems after the move, with the folder's new name in them.
#[test]
fn moving_a_folder_of_the_sourcegraph_handbook_keeps_its_problems() {
    let content = repo().join("../shared/corpora/sourcegraph-handbook/content");
    let missing = (!content.is_dir()).then(|| format!("no corpus at {}", content.display()));
    if !common::runs("the Sourcegraph mv test", "HANDBOOK_SKIP_CORPUS", missing) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&content, &root.join("content"));
    std::fs::write(root.join("handbook.yaml"), "title: Sourcegraph\n").unwrap();
    let old = "departments/engineering/dev/process/deployments";
    let new = "departments/engineering/deploys";
    let renamed = |text: &str| text.replace(&format!("{old}/"), &format!("{new}/"));
    let mut before: Vec<_> = problems(root)
        .into_iter()
        .map(|(code, file, message)| (code, renamed(&file), renamed(&message)))
        .collect();
    assert!(before.len() > 500, "{}", before.len());
    let out = handbook(root, &["mv", old, new]);
    assert!(out.status.success(), "{out:?}");
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.matches("+++ b/content/").count() > 20, "{diff}");
    let mut after = problems(root);
    before.sort();
    after.sort();
    assert_eq!(after, before);
}
