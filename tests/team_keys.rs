//! Front matter a team owns (issue 9): keys handbook.yaml declares are accepted on every page and
//! reach templates as `page.extra.KEY`; a typo of a field (or of a declared key) is still
//! caught; and a handbook that has not declared them yet is told which keys, on how many
//! pages, and the exact lines to add. Fixture: `tests/fixtures/team-keys/` (pages migrated
//! from Hugo with `navTitle`, `upstream_path` and `toc_hide`, a `page.html` printing them).

mod common;

use assert_cmd::Command;
use serde_json::Value;

use common::{fixture, fixture_copy};

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01").env("NO_COLOR", "1");
    cmd
}

#[test]
fn declared_keys_are_accepted_and_reach_templates_in_page_extra() {
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(fixture("team-keys"))
        .assert()
        .success();
    let out = tempfile::tempdir().unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(fixture("team-keys"))
        .arg("--output")
        .arg(out.path().join("public"))
        .assert()
        .success();
    let guide = std::fs::read_to_string(out.path().join("public/guide/index.html")).unwrap();
    // Declared keys join the `extra:` map the page writes itself.
    for shown in [
        "<p class=\"nav\">The guide</p>",
        "<p class=\"upstream\">docs/guide.md</p>",
        "<p class=\"icon\">book</p>",
    ] {
        assert!(guide.contains(shown), "{shown} in:\n{guide}");
    }
}

#[test]
fn typos_of_fields_and_of_declared_keys_are_still_caught() {
    let (_tmp, site) = fixture_copy("team-keys");
    let page = site.join("content/setup.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let text =
        text.replacen("navTitle:", "navtitel:", 1)
            .replacen("title: Setup", "titel: Setup", 1);
    std::fs::write(&page, text).unwrap();
    let output = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let got: Vec<(u64, &str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
                d["help"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "unknown field `titel`", "did you mean `title`?"),
            (3, "unknown field `navtitel`", "did you mean `navTitle`?"),
        ]
    );
}

/// Without the declaration every page with a team key is an error; `check` ends by listing the
/// keys with their page counts and the lines to add, and adding exactly those lines makes the
/// handbook check clean.
#[test]
fn undeclared_keys_end_with_the_lines_that_declare_them() {
    let (_tmp, site) = fixture_copy("team-keys");
    std::fs::write(site.join("handbook.yaml"), "title: Team keys\n").unwrap();
    let output = handbook()
        .args(["check", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    // 7 unknown fields on 3 pages, and `page.html`, which reads `page.extra.navTitle`.
    assert!(stderr.contains("error[template]"), "{stderr}");
    let expected = "note: 3 pages have front-matter keys that are not fields:\n\
                    \x20 navTitle           3 pages\n\
                    \x20 upstream_path      3 pages\n\
                    \x20 toc_hide           1 page\n\
                    \x20 if your team uses them, add to handbook.yaml (templates read them as `page.extra.KEY`):\n\
                    \n\
                    front_matter:\n\
                    \x20 extra_keys: [navTitle, upstream_path, toc_hide]\n\
                    \n\
                    8 errors, 0 warnings\n";
    assert!(stderr.ends_with(expected), "{stderr}");

    let lines = "front_matter:\n  extra_keys: [navTitle, upstream_path, toc_hide]\n";
    std::fs::write(
        site.join("handbook.yaml"),
        format!("title: Team keys\n{lines}"),
    )
    .unwrap();
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&site)
        .assert()
        .success();
}
