//! The baseline, whole command: `check --write-baseline` records today's problems, and `check`
//! and `build` with it fail only on new ones. The fixture `tests/fixtures/baseline/` has five
//! problems (a broken ref, a broken anchor, the same broken link twice, an orphan page) and the
//! baseline a team would commit for them, named in its handbook.yaml.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use common::{fixture, fixture_copy};

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("CI_PROJECT_DIR");
    cmd
}

fn check_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let output = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(code, line)` of every diagnostic in a JSON report.
fn found(report: &Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Inserts `text` after line `after` of a file.
fn insert_lines(file: &Path, after: usize, text: &str) {
    let old = read(file);
    let mut lines: Vec<&str> = old.split_inclusive('\n').collect();
    lines.insert(after, text);
    std::fs::write(file, lines.concat()).unwrap();
}

#[test]
fn write_baseline_records_one_sorted_entry_per_problem() {
    let (_tmp, site) = fixture_copy("baseline");
    let committed = read(&site.join("handbook-baseline.json"));
    std::fs::remove_file(site.join("handbook-baseline.json")).unwrap();
    handbook()
        .args(["check", "--write-baseline", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "wrote 5 entries (4 errors, 1 warning)",
        ));
    let written = read(&site.join("handbook-baseline.json"));
    assert_eq!(
        written,
        "{\n  \"version\": 1,\n  \"entries\": [\n    \
         {\"file\":\"content/departments/sales.md\",\"code\":\"broken-ref\",\"subject\":\"marketing\"},\n    \
         {\"file\":\"content/guide.md\",\"code\":\"broken-anchor\",\"subject\":\"index.md#intro\"},\n    \
         {\"file\":\"content/guide.md\",\"code\":\"broken-link\",\"subject\":\"gone.md\"},\n    \
         {\"file\":\"content/guide.md\",\"code\":\"broken-link\",\"subject\":\"gone.md\"},\n    \
         {\"file\":\"content/old.md\",\"code\":\"orphan-page\"}\n  ]\n}\n"
    );
    assert_eq!(
        written, committed,
        "the fixture's baseline is what a team would commit"
    );
}

#[test]
fn write_baseline_without_a_configured_file_writes_the_default_and_says_how_to_use_it() {
    let (_tmp, site) = fixture_copy("baseline");
    std::fs::write(site.join("handbook.yaml"), "title: Baseline\n").unwrap();
    std::fs::remove_file(site.join("handbook-baseline.json")).unwrap();
    handbook()
        .args(["check", "--write-baseline", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "add `baseline: handbook-baseline.json` to handbook.yaml",
        ));
    assert!(read(&site.join("handbook-baseline.json")).contains("\"orphan-page\""));
    // Without `baseline:` or `--baseline` the file is not read: every problem counts.
    let (code, report) = check_json(&site, &[]);
    assert_eq!((code, report["errors"].clone()), (1, json!(4)));
    // A named file goes where it is named.
    let elsewhere = site.join("ci/known.json");
    std::fs::create_dir(site.join("ci")).unwrap();
    handbook()
        .args(["check", "--root"])
        .arg(&site)
        .arg("--write-baseline")
        .arg(&elsewhere)
        .assert()
        .code(0);
    let (code, report) = check_json(&site, &["--baseline", elsewhere.to_str().unwrap()]);
    assert_eq!((code, report["baselined"].clone()), (0, json!(5)));
}

#[test]
fn a_baselined_check_passes_and_its_entries_survive_lines_inserted_above_them() {
    let (_tmp, site) = fixture_copy("baseline");
    let (code, report) = check_json(&site, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["diagnostics"], json!([]));
    assert_eq!(report["baselined"], json!(5));
    assert_eq!(report["fixed"], json!([]));
    // `--deny-warnings` too: the orphan page is in the baseline.
    assert_eq!(check_json(&site, &["--deny-warnings"]).0, 0);

    // Edits elsewhere in the files move every problem down.
    insert_lines(
        &site.join("content/guide.md"),
        5,
        "\nA new paragraph.\n\nAnd [a good link](index.md).\n",
    );
    insert_lines(
        &site.join("content/departments/sales.md"),
        1,
        "description: The sales team\n",
    );
    let (code, report) = check_json(&site, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["baselined"], json!(5));
    // The human summary says what the baseline held.
    handbook()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "no problems found\n5 known problems held by the baseline handbook-baseline.json\n",
        ));
}

#[test]
fn a_new_broken_link_fails_a_baselined_check_and_a_fixed_one_is_reported() {
    let (_tmp, site) = fixture_copy("baseline");
    let guide = site.join("content/guide.md");
    // A third link to `gone.md` (two are in the baseline) and a new broken link.
    insert_lines(
        &guide,
        9,
        "\nOnce more: [the old page](gone.md), [new](nowhere.md).\n",
    );
    let (code, report) = check_json(&site, &[]);
    assert_eq!(code, 1, "{report:#}");
    // content/guide.md line 11: `Once more: [the old page](gone.md), [new](nowhere.md).`
    assert_eq!(
        found(&report),
        [
            ("broken-link".to_string(), 11),
            ("broken-link".to_string(), 11)
        ],
        "{report:#}"
    );
    let dests: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        dests[0].contains("`gone.md`") && dests[1].contains("`nowhere.md`"),
        "{dests:?}"
    );
    assert_eq!(report["baselined"], json!(5));

    // Fix the anchor and one of the baselined `gone.md` links; drop the new ones.
    let text = read(&guide)
        .replace("index.md#intro", "index.md#home")
        .replacen("[the old page](gone.md)", "[the index](index.md)", 1)
        .replace(
            "\nOnce more: [the old page](gone.md), [new](nowhere.md).\n",
            "",
        );
    std::fs::write(&guide, text).unwrap();
    let (code, report) = check_json(&site, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["baselined"], json!(3));
    assert_eq!(
        report["fixed"],
        json!([
            {"file": "content/guide.md", "code": "broken-anchor", "subject": "index.md#intro"},
            {"file": "content/guide.md", "code": "broken-link", "subject": "gone.md"},
        ])
    );
    handbook()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "3 known problems held by the baseline handbook-baseline.json; 2 of its entries are fixed: run `handbook check --write-baseline` to drop them\n  fixed: content/guide.md broken-anchor `index.md#intro`\n  fixed: content/guide.md broken-link `gone.md`\n",
        ));
    // Rewriting the baseline shrinks it.
    handbook()
        .args(["check", "--write-baseline", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("wrote 3 entries")
                .and(predicate::str::contains("it held 5 entries")),
        );
    let (code, report) = check_json(&site, &[]);
    assert_eq!((code, report["fixed"].clone()), (0, json!([])));
}

#[test]
fn build_with_a_baseline_publishes_and_keeps_broken_links_as_written() {
    let (_tmp, site) = fixture_copy("baseline");
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "5 known problems held by the baseline",
        ));
    let guide = read(&site.join("public/guide/index.html"));
    assert!(guide.contains("href=\"gone.md\""), "{guide}");

    // A new problem fails the build and leaves the published site as it was.
    let before = common::snapshot(&site.join("public"));
    insert_lines(&site.join("content/guide.md"), 9, "\n[new](nowhere.md)\n");
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nowhere.md"));
    assert_eq!(common::snapshot(&site.join("public")), before);
}

#[test]
fn the_baseline_flag_replaces_the_configured_one() {
    let (_tmp, site) = fixture_copy("baseline");
    let empty = site.join("empty-baseline.json");
    std::fs::write(&empty, "{\"version\": 1, \"entries\": []}\n").unwrap();
    let (code, report) = check_json(&site, &["--baseline", empty.to_str().unwrap()]);
    assert_eq!((code, report["errors"].clone()), (1, json!(4)));
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--baseline")
        .arg(&empty)
        .assert()
        .code(1);
    assert!(!site.join("public").exists());
}

#[test]
fn a_missing_or_broken_baseline_stops_the_command() {
    let (_tmp, site) = fixture_copy("baseline");
    handbook()
        .args(["check", "--root"])
        .arg(&site)
        .args(["--baseline", "no-such-baseline.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "baseline no-such-baseline.json does not exist (write it with `handbook check --write-baseline`",
        ));
    std::fs::write(
        site.join("handbook-baseline.json"),
        "{\"version\": 1,\n \"entries\": [{\"file\": 3}]}",
    )
    .unwrap();
    handbook()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("handbook-baseline.json:2:")
                .and(predicate::str::contains("not a handbook baseline")),
        );
    std::fs::write(
        site.join("handbook-baseline.json"),
        "{\"version\": 7, \"entries\": []}",
    )
    .unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is version 7"));
    // `--write-baseline` does not read the old file, so it repairs a broken one.
    handbook()
        .args(["check", "--write-baseline", "--root"])
        .arg(&site)
        .assert()
        .code(0);
    assert_eq!(
        read(&site.join("handbook-baseline.json")),
        read(&fixture("baseline").join("handbook-baseline.json"))
    );
}

#[test]
fn write_baseline_refuses_flags_it_cannot_honour() {
    handbook()
        .args([
            "check",
            "--write-baseline",
            "--changed-since",
            "HEAD",
            "--root",
        ])
        .arg(fixture("baseline"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn a_baselined_url_collision_builds_the_page_links_resolve_to() {
    for (fixture, page) in [
        ("check-url-collision", "<h1 id=\"pricing\">Pricing</h1>"),
        ("check-alias-collision", "<h1 id=\"pricing\">Pricing</h1>"),
    ] {
        let (_tmp, site) = fixture_copy(fixture);
        handbook()
            .args(["check", "--write-baseline", "--root"])
            .arg(&site)
            .assert()
            .code(0);
        let baseline = site.join("handbook-baseline.json");
        for _ in 0..3 {
            handbook()
                .args(["build", "--root"])
                .arg(&site)
                .arg("--baseline")
                .arg(&baseline)
                .assert()
                .code(0);
            let html = read(&site.join("public/pricing/index.html"));
            assert!(html.contains(page), "{fixture}: {html}");
        }
        if fixture == "check-alias-collision" {
            let css = read(&site.join("public/handbook.css"));
            assert!(
                !css.contains("Redirecting"),
                "the theme's file stays: {css}"
            );
            assert!(read(&site.join("public/old-discounts/index.html")).contains("/discounts/"));
        }
    }
}
