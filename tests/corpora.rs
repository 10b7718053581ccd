//! The two real handbooks beside the repository, adopted as a team would (README, "Moving an
//! existing handbook" and "Baseline"): a few lines of `handbook.yaml`, a written baseline, and
//! then `check` passes, with `--deny-warnings` too, and `build` publishes.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use common::{repo, runs};

/// The corpus's content folder, or `None` when the test is skipped.
fn corpus(name: &str) -> Option<PathBuf> {
    let content = repo().join("../shared/corpora").join(name).join("content");
    let missing = (!content.is_dir()).then(|| format!("no corpus at {}", content.display()));
    runs(
        &format!("the {name} corpus test"),
        "HANDBOOK_SKIP_CORPUS",
        missing,
    )
    .then_some(content)
}

/// `handbook SUBCOMMAND --root ROOT`, reproducibly.
fn handbook(subcommand: &str, root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .arg(subcommand)
        .arg("--root")
        .arg(root);
    cmd
}

fn check_json(root: &Path) -> (i32, Value) {
    let out = handbook("check", root)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// A site around the corpus: its `content/` linked in (never copied), `handbook.yaml` as given,
/// and one page of our own that a test may break.
fn adopt(content: &Path, config: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("handbook.yaml"), config).unwrap();
    std::os::unix::fs::symlink(content, site.path().join("content")).unwrap();
    site
}

/// Adopting: problems found, a baseline written, then clean with `--deny-warnings`; the
/// baselined build publishes; a broken `handbook.yaml` is never held. (A new broken link
/// failing a baselined check is `tests/baseline.rs`'s.)
fn adopt_with_a_baseline(content: &Path, config: &str) {
    let site = adopt(content, config);
    let root = site.path();
    let (status, before) = check_json(root);
    assert_eq!(status, 1, "the corpus has problems of its own: {before}");
    let problems = before["diagnostics"].as_array().unwrap().len();
    assert!(problems > 50, "{problems}");

    let baseline = root.join("handbook-baseline.json");
    handbook("check", root)
        .arg("--write-baseline")
        .arg(&baseline)
        .assert()
        .success();
    handbook("check", root)
        .args(["--deny-warnings", "--baseline"])
        .arg(&baseline)
        .assert()
        .success();
    let entries = std::fs::read_to_string(&baseline).unwrap();
    assert_eq!(entries.matches("\"code\"").count(), problems);

    // The baselined build publishes every page.
    let output = root.join("public");
    handbook("build", root)
        .arg("--baseline")
        .arg(&baseline)
        .arg("--output")
        .arg(&output)
        .assert()
        .success();
    assert!(output.join("index.html").is_file() || output.join("sitemap.xml").is_file());

    // A baseline holds content problems only: a typo in `handbook.yaml` still stops the run.
    std::fs::write(root.join("handbook.yaml"), format!("{config}base_ulr: /\n")).unwrap();
    handbook("check", root)
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn sourcegraph_adopts_with_its_keys_and_a_baseline() {
    let Some(content) = corpus("sourcegraph-handbook") else {
        return;
    };
    adopt_with_a_baseline(
        &content,
        "title: Sourcegraph handbook\n\
         front_matter:\n  extra_keys: [data_source, data_source_2, hide_sidebar, ignoreDisconnectedPageCheck]\n",
    );
}

#[cfg(unix)]
#[test]
fn gitlab_sales_adopts_with_its_keys_external_paths_and_a_baseline() {
    let Some(content) = corpus("gitlab-sales-handbook") else {
        return;
    };
    let config = "title: GitLab sales handbook\n\
         front_matter:\n  extra_keys: [job, department, twitter_image]\n\
         external_paths:\n  - /handbook/\n  - \"!/handbook/sales/\"\n  - /images/\n  - /job-families/\n  - /stylesheets/\n";
    // Declaring what the rest of GitLab's site serves removes most broken links at once.
    let (_, bare) = check_json(adopt(&content, "title: GitLab\n").path());
    let (_, declared) = check_json(adopt(&content, config).path());
    let broken = |report: &Value| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "broken-link")
            .count()
    };
    assert!(
        broken(&declared) * 3 < broken(&bare),
        "{} broken links with external_paths, {} without",
        broken(&declared),
        broken(&bare)
    );
    adopt_with_a_baseline(&content, config);
}
