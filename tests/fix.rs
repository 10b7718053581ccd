//! `handbook fix`: every sure fix made in place, only the destination bytes changed, a unified
//! diff printed, nothing touched by `--dry-run`, and on a real handbook fewer problems after
//! and no new one.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

use common::{copy_tree, fixture_copy, problems, repo, runs, snapshot};

fn run(root: &Path, args: &[&str]) -> (String, String) {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2026-11-28")
        .env("NO_COLOR", "1")
        .args(args)
        .arg("--root")
        .arg(root);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn read(root: &Path, file: &str) -> String {
    std::fs::read_to_string(root.join(file)).unwrap()
}

#[test]
fn dry_run_prints_the_diff_and_changes_nothing() {
    let (_tmp, site) = fixture_copy("fix");
    let before = snapshot(&site);
    let (diff, summary) = run(&site, &["fix", "--dry-run"]);
    assert_eq!(snapshot(&site), before, "--dry-run changed a file");
    assert!(
        diff.contains("--- a/content/processes/edge.md\n+++ b/content/processes/edge.md\n"),
        "{diff}"
    );
    assert!(diff.contains("-owner: sles\n+owner: sales\n"), "{diff}");
    assert!(
        summary.starts_with("would fix 9 of 14 problems in 3 files"),
        "{summary}"
    );
}

#[test]
fn sure_fixes_are_made_keeping_each_links_style() {
    let (_tmp, site) = fixture_copy("fix");
    let (diff, summary) = run(&site, &["fix"]);
    assert!(
        summary.starts_with("fixed 9 of 14 problems in 3 files"),
        "{summary}"
    );
    assert!(summary.contains("1 fix not made"), "{summary}");
    assert_eq!(
        read(&site, "content/index.md"),
        "# Home\n\n\
         [Guide](guide.md#getting-started) and [the setup](<guide.md#setup> \"Setup\").\n\
         [Typo](guide.md) and [a reference][r], [Sales](departments/sales.md), [Edge](processes/edge.md).\n\
         [Ambiguous](guide.md#step-7-prepare) and [escaped](guide.md#Getting\\-Started).\n\
         <a href=\"guide.md#getting-started\">html</a>\n\
         [Moved](guides/onboarding.md), but [another site's](/team/onboarding/).\n\n\
         [r]: guide.md#setup\n"
    );
    // An `x/` link to a sibling `x.md`; a front-matter id; a stage, inside its quotes.
    assert!(read(&site, "content/processes/edge.md").contains("owner: sales\n"));
    assert!(read(&site, "content/processes/edge.md").contains("[intake](intake.md)"));
    assert!(read(&site, "content/playbooks/discovery-call.md").contains("stage: \"discovery\"\n"));
    // The diff is the change made, applied in reverse by a patch tool it would undo it.
    assert!(
        diff.contains("-[r]: guide.md#Setup\n+[r]: guide.md#setup\n"),
        "{diff}"
    );
    // What is left: the anchor two headings are equally near, the link whose written text
    // (`\-`) is not the destination read, and a URL that may be another site's: a page of the
    // same name in another folder is a guess for it, where for a `.md` path (`old/onboarding.md`
    // above) it is the page that moved.
    let left: Vec<String> = problems(&site).into_iter().map(|p| p.2).collect();
    assert_eq!(
        left,
        [
            "`#step-7-prepare` is not an anchor of `content/guide.md`",
            "`#Getting-Started` is not an anchor of `content/guide.md`",
            "link to `/team/onboarding/` does not resolve: no page or file at `content/team/onboarding/`",
        ]
    );
    // Nothing sure is left: a second run changes nothing.
    let before = snapshot(&site);
    let (diff, summary) = run(&site, &["fix"]);
    assert_eq!((diff.as_str(), snapshot(&site)), ("", before));
    assert!(
        summary.starts_with("fixed 0 of 3 problems in 0 files"),
        "{summary}"
    );
}

/// On a copy of the Sourcegraph handbook: fewer problems after `fix`, and none that was not
/// there before.
#[test]
fn the_sourcegraph_handbook_has_fewer_problems_and_no_new_one_after_fix() {
    let content = repo().join("../shared/corpora/sourcegraph-handbook/content");
    let missing = (!content.is_dir()).then(|| format!("no corpus at {}", content.display()));
    if !runs("the Sourcegraph fix test", "HANDBOOK_SKIP_CORPUS", missing) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    copy_tree(&content, &site.join("content"));
    std::fs::write(site.join("handbook.yaml"), "title: Sourcegraph\n").unwrap();
    let before = problems(site);
    let (diff, _) = run(site, &["fix"]);
    let after = problems(site);
    let fixed = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .count();
    assert!(fixed > 50, "{fixed} lines fixed:\n{diff}");
    assert!(
        after.len() < before.len(),
        "{} -> {}",
        before.len(),
        after.len()
    );
    let before: BTreeSet<_> = before.into_iter().collect();
    let new: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
    assert!(new.is_empty(), "new problems after fix: {new:#?}");
}
