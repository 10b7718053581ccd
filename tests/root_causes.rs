//! Diagnostics an editor fixes in one pass: one mistake gives one diagnostic, at the mistake,
//! saying what to write (README, "Root causes"). Each test makes one mistake in a copy of
//! `tests/fixtures/root-causes/` (a handbook that checks clean, whose process is named by three
//! playbooks and linked at its stage anchors) and snapshots the human report, as an editor
//! reads it.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use common::{fixture, fixture_copy};

const PROCESS: &str = "content/processes/edge/index.md";

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01").env("NO_COLOR", "1");
    cmd
}

/// Replaces the one occurrence of `from` in `file` of the site with `to`.
fn edit(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `check` on the site: exit status, the human report (stderr), and the JSON report.
fn check(site: &Path) -> (i32, String, Value) {
    let human = handbook()
        .args(["check", "--root"])
        .arg(site)
        .output()
        .unwrap();
    let json = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(site)
        .output()
        .unwrap();
    let status = human.status.code().unwrap();
    assert_eq!(json.status.code(), Some(status));
    let report = serde_json::from_slice(&json.stdout).unwrap();
    (status, String::from_utf8(human.stderr).unwrap(), report)
}

/// Makes the edits, then asserts that `check` fails with exactly one diagnostic, of `code` in
/// `file`, and returns the human report.
fn one_mistake(edits: &[(&str, &str, &str)], code: &str, file: &str) -> String {
    let (_tmp, site) = fixture_copy("root-causes");
    for (file, from, to) in edits {
        edit(&site, file, from, to);
    }
    let (status, human, report) = check(&site);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(
        diagnostics.len(),
        1,
        "one mistake, one diagnostic:\n{human}"
    );
    assert_eq!(diagnostics[0]["code"], code, "{human}");
    assert_eq!(diagnostics[0]["file"], file, "{human}");
    assert!(diagnostics[0]["help"].is_string(), "a help line:\n{human}");
    assert_eq!(status, 1);
    human
}

#[test]
fn the_fixture_checks_clean() {
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(fixture("root-causes"))
        .assert()
        .success();
}

// --- The examples of issue 12: each mistake used to bring its consequences along ------------

/// Was 6 errors: this one among 3 `unknown-stage` ("process has no stages yet") and 2
/// `broken-anchor`, as the whole front matter was dropped.
#[test]
fn a_process_without_owner() {
    let human = one_mistake(
        &[(PROCESS, "owner: sales\n", "")],
        "front-matter-schema",
        PROCESS,
    );
    insta::assert_snapshot!(human);
}

#[test]
fn an_unknown_field_in_a_process() {
    let human = one_mistake(
        &[(PROCESS, "used_when:", "used_wen:")],
        "front-matter-schema",
        PROCESS,
    );
    insta::assert_snapshot!(human);
}

/// The YAML no longer parses, so the stages after the mistake are not known: the playbooks
/// naming them, the links to their anchors and the playbooks they name are not judged.
#[test]
fn a_bad_indent_in_stages() {
    let human = one_mistake(
        &[(
            PROCESS,
            "    goal: Show it working",
            "   goal: Show it working",
        )],
        "front-matter-syntax",
        PROCESS,
    );
    insta::assert_snapshot!(human);
}

/// Reported at the stage's `-`, not at its last key.
#[test]
fn a_stage_without_a_name() {
    let human = one_mistake(
        &[(
            PROCESS,
            "  - name: Demo\n    goal: Show it working",
            "  - goal: Show it working",
        )],
        "front-matter-schema",
        PROCESS,
    );
    insta::assert_snapshot!(human);
}

/// Was also a `broken-ref` to the page itself: without front matter it was a plain page, not
/// the playbook the process names.
#[test]
fn an_unclosed_front_matter() {
    let human = one_mistake(
        &[(
            "content/playbooks/demo-call.md",
            "stage: demo\n---\n",
            "stage: demo\n",
        )],
        "front-matter-syntax",
        "content/playbooks/demo-call.md",
    );
    insta::assert_snapshot!(human);
}

// --- YAML in the editor's words --------------------------------------------------------------

/// The parser reports a tab in a stage on the line before it; the diagnostic names the tab.
#[test]
fn a_tab() {
    let human = one_mistake(
        &[(PROCESS, "  - name: Close", "\t- name: Close")],
        "front-matter-syntax",
        PROCESS,
    );
    assert!(human.contains(&format!("--> {PROCESS}:12:1")), "{human}");
    insta::assert_snapshot!(human);
}

#[test]
fn a_weight_that_is_not_a_number() {
    let human = one_mistake(
        &[(
            "content/departments/sales/index.md",
            "title: Sales\n",
            "title: Sales\nweight: heavy\n",
        )],
        "front-matter-schema",
        "content/departments/sales/index.md",
    );
    insta::assert_snapshot!(human);
}

#[test]
fn tags_that_are_not_a_list() {
    let human = one_mistake(
        &[(
            "content/playbooks/close-call.md",
            "stage: close\n",
            "stage: close\ntags: sales\n",
        )],
        "front-matter-schema",
        "content/playbooks/close-call.md",
    );
    insta::assert_snapshot!(human);
}

/// A field of another kind names the kind it belongs to; did-you-mean works in a stage too.
#[test]
fn a_field_of_another_kind_and_a_typo_in_a_stage() {
    let human = one_mistake(
        &[(
            PROCESS,
            "owner: sales\n",
            "owner: sales\nmetrics: [Win rate]\n",
        )],
        "front-matter-schema",
        PROCESS,
    );
    insta::assert_snapshot!("another_kind", human);
    let human = one_mistake(
        &[(PROCESS, "goal: Qualify the deal", "gaol: Qualify the deal")],
        "front-matter-schema",
        PROCESS,
    );
    insta::assert_snapshot!("stage_typo", human);
}

/// Three mistakes in one page are three diagnostics, and the page still loads: nothing
/// else is reported.
#[test]
fn every_problem_of_a_page_at_once() {
    let (_tmp, site) = fixture_copy("root-causes");
    edit(&site, PROCESS, "owner: sales\n", "weight: heavy\n");
    edit(&site, PROCESS, "used_when:", "used_wen:");
    edit(
        &site,
        PROCESS,
        "  - name: Close\n",
        "  - name: Close\n    agenda: Sign\n",
    );
    let (status, human, report) = check(&site);
    assert_eq!(status, 1);
    let messages: Vec<(u64, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            (2, "a process page needs `owner`"),
            (3, "`weight` is a whole number, not `heavy`"),
            (4, "unknown field `used_wen`"),
            (13, "`agenda` is a list, not a single value"),
        ],
        "{human}"
    );
    insta::assert_snapshot!(human);
}

// --- handbook.yaml ---------------------------------------------------------------------------

/// A mistake in handbook.yaml is reported like content (frame, code, help) in every format,
/// and stops the run with exit status 2.
#[test]
fn handbook_yaml_problems_are_first_class() {
    let (_tmp, site) = fixture_copy("root-causes");
    std::fs::write(
        site.join("handbook.yaml"),
        "title: Root causes\nbase_ulr: /handbook/\ntheme: defualt\n",
    )
    .unwrap();
    let human = handbook()
        .args(["check", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(2));
    let human = String::from_utf8(human.stderr).unwrap();
    insta::assert_snapshot!(human);

    let json = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["errors"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (&d["code"], &d["file"], &d["line"], &d["column"]),
        (
            &Value::from("config"),
            &Value::from("handbook.yaml"),
            &Value::from(2),
            &Value::from(1)
        )
    );
    assert_eq!(d["message"], "unknown key `base_ulr`");
    assert_eq!(d["help"], "did you mean `base_url`?");

    let github = handbook()
        .args(["check", "--format", "github", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(github.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(github.stdout).unwrap(),
        "::error file=handbook.yaml,line=2,col=1,title=config::unknown key `base_ulr`%0Ahelp: did you mean `base_url`?\n"
    );

    // Once the keys are right, an unknown theme is the next problem: at its value, with the
    // nearest theme.
    std::fs::write(
        site.join("handbook.yaml"),
        "title: Root causes\ntheme: defualt\n",
    )
    .unwrap();
    let (status, _, report) = check(&site);
    assert_eq!(status, 2);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (&d["line"], &d["column"]),
        (&Value::from(2), &Value::from(8))
    );
    assert_eq!(d["help"], "did you mean `default`?");
}

// --- Images ----------------------------------------------------------------------------------

/// A missing image is named as an image, and the help is the nearest image file, never a page.
#[test]
fn a_missing_image_suggests_the_nearest_image() {
    let (_tmp, site) = fixture_copy("root-causes");
    std::fs::create_dir_all(site.join("content/processes/edge/img")).unwrap();
    std::fs::write(site.join("content/processes/edge/img/pipeline.png"), b"png").unwrap();
    std::fs::write(site.join("content/processes/edge/index.png"), b"png").unwrap();
    edit(
        &site,
        PROCESS,
        "# Edge connectivity\n",
        "# Edge connectivity\n\n![The pipeline](pipline.png)\n\n<img src=\"diagram.png\">\n",
    );
    let (status, human, report) = check(&site);
    assert_eq!(status, 1);
    let got: Vec<(&str, Option<&str>)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["message"].as_str().unwrap(), d["help"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "image `pipline.png` not found: no file at `content/processes/edge/pipline.png`",
                Some("did you mean `img/pipeline.png`?")
            ),
            (
                "image `diagram.png` not found: no file at `content/processes/edge/diagram.png`",
                None
            ),
        ],
        "{human}"
    );
    insta::assert_snapshot!(human);
}
