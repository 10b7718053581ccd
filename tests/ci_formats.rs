//! The CI formats, whole command: SARIF 2.1.0 (validated against its published JSON schema),
//! GitLab Code Quality JSON, the Markdown summary for `$GITHUB_STEP_SUMMARY`, and paths made
//! relative to the CI checkout. The fixture `tests/fixtures/ci-formats/` has three errors (one
//! in a file whose name holds a space) and a warning.
//!
//! `tests/sarif-schema-2.1.0.json` is `Schemata/sarif-schema-2.1.0.json` of the OASIS
//! repository `oasis-tcs/sarif-spec` (commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34), as
//! published.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use common::{fixture, fixture_copy, repo};

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("CI_PROJECT_DIR");
    cmd
}

/// The exit status and standard output of `check --format FORMAT`, as JSON.
fn check(root: &Path, format: &str) -> (i32, Value) {
    let output = handbook()
        .args(["check", "--format", format, "--root"])
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("--format {format} is not JSON ({e}):\n{stdout}"));
    (output.status.code().unwrap(), value)
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("tests/sarif-schema-2.1.0.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::meta::validate(&schema).expect("the vendored schema is a valid JSON Schema");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The codes README's table of codes lists (`| `code` | error |` rows; one row names three).
fn readme_codes() -> std::collections::BTreeSet<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // A severity cell: `error`, `warning`, or `error / warning` for a code that is both.
        let severity = cells
            .get(2)
            .is_some_and(|c| c.split(" / ").all(|s| matches!(s, "error" | "warning")));
        if cells.len() > 3 && severity {
            codes.extend(
                cells[1]
                    .split(", ")
                    .map(|c| c.trim_matches('`').to_string()),
            );
        }
    }
    codes
}

/// Every code, in the order of SARIF's rules.
const CODES: &[&str] = &[
    "front-matter-syntax",
    "front-matter-schema",
    "duplicate-id",
    "url-collision",
    "broken-link",
    "broken-anchor",
    "broken-ref",
    "unknown-stage",
    "draft-link",
    "link-outside-root",
    "invalid-alias",
    "unsafe-url",
    "duplicate-anchor",
    "undefined-reference",
    "orphan-page",
    "stale-page",
    "bad-symlink",
    "template",
    "io",
    "config",
];

#[test]
fn sarif_is_valid_against_the_published_schema_and_holds_every_problem() {
    let validator = sarif_validator();
    let root = fixture("ci-formats");
    let (code, log) = check(&root, "sarif");
    assert_eq!(code, 1);
    let errors = schema_errors(&validator, &log);
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "handbook");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CODES);
    // A code added to README's table without a SARIF rule fails here.
    let listed: std::collections::BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed, readme_codes());
    for rule in rules {
        assert!(
            rule["shortDescription"]["text"].as_str().unwrap().len() > 10
                && rule["help"]["text"].as_str().unwrap().len() > 10,
            "{rule:#}"
        );
    }
    let orphan = &rules[CODES.iter().position(|&c| c == "orphan-page").unwrap()];
    assert_eq!(orphan["defaultConfiguration"]["level"], "warning");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "error");

    // One result per diagnostic, in the JSON report's order, at the same places.
    let (_, report) = check(&root, "json");
    let results = runs[0]["results"].as_array().unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            d["code"]
        );
        assert_eq!(r["level"], d["severity"]);
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(d["message"].as_str().unwrap())
        );
        let place = &r["locations"][0]["physicalLocation"];
        assert_eq!(place["region"]["startLine"], d["line"]);
        assert_eq!(place["region"]["startColumn"], d["column"]);
        let uri = place["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(uri, d["file"].as_str().unwrap().replace(' ', "%20"));
    }
    // Checked by hand: the schema's `uri-reference` format is not a draft-04 format, so no
    // validator of that draft rejects the space a plain path would leave in the URI.
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "content/two%20words.md"
    );
    assert_eq!(
        results[0]["message"]["text"],
        "`#discounts` is not an anchor of `content/pricing.md`\nhelp: anchors there: `pricing`, `tiers`"
    );
    let fingerprints: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["handbookKey/v1"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = fingerprints.iter().collect();
    assert_eq!(unique.len(), fingerprints.len(), "{fingerprints:?}");
    assert!(fingerprints.iter().all(|f| f.len() == 64));
}

#[test]
fn the_schema_check_would_catch_a_bad_log() {
    let validator = sarif_validator();
    let (_, mut log) = check(&fixture("ci-formats"), "sarif");
    log["runs"][0]["results"][0]["level"] = json!("fatal");
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    log["runs"][0]["results"][2]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let errors = schema_errors(&validator, &log);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn sarif_and_gitlab_fingerprints_survive_lines_inserted_above_a_problem() {
    let (_tmp, site) = fixture_copy("ci-formats");
    let fingerprints = |format: &str| -> Vec<(String, u64)> {
        let (_, out) = check(&site, format);
        if format == "sarif" {
            out["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["partialFingerprints"]["handbookKey/v1"]
                            .as_str()
                            .unwrap()
                            .to_string(),
                        r["locations"][0]["physicalLocation"]["region"]["startLine"]
                            .as_u64()
                            .unwrap(),
                    )
                })
                .collect()
        } else {
            out.as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["fingerprint"].as_str().unwrap().to_string(),
                        i["location"]["lines"]["begin"].as_u64().unwrap(),
                    )
                })
                .collect()
        }
    };
    let before = (fingerprints("sarif"), fingerprints("gitlab"));
    let page = site.join("content/two words.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("\n\n", "\n\nA new first paragraph.\n\n", 1),
    )
    .unwrap();
    let after = (fingerprints("sarif"), fingerprints("gitlab"));
    for (before, after) in [(&before.0, &after.0), (&before.1, &after.1)] {
        let ids = |v: &Vec<(String, u64)>| v.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        assert_eq!(ids(before), ids(after));
        // The two broken links moved from line 3 to line 5.
        assert_eq!((before[2].1, after[2].1), (3, 5));
        assert_eq!((before[3].1, after[3].1), (3, 5));
    }
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let root = fixture("ci-formats");
    let (code, issues) = check(&root, "gitlab");
    assert_eq!(code, 1);
    let (_, report) = check(&root, "json");
    let issues = issues.as_array().expect("a JSON array");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(issues.len(), diagnostics.len());
    let mut fingerprints = std::collections::BTreeSet::new();
    for (issue, d) in issues.iter().zip(diagnostics) {
        let keys: Vec<&String> = issue.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ],
            "{issue:#}"
        );
        assert_eq!(issue["check_name"], d["code"]);
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .starts_with(d["message"].as_str().unwrap())
        );
        let severity = if d["severity"] == "error" {
            "major"
        } else {
            "minor"
        };
        assert_eq!(issue["severity"], severity);
        assert_eq!(
            issue["location"],
            json!({"path": d["file"], "lines": {"begin": d["line"]}})
        );
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert!(fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "fingerprints are unique"
        );
    }
    assert_eq!(issues[1]["severity"], "minor");
    assert_eq!(issues[2]["location"]["path"], "content/two words.md");
}

#[test]
fn a_clean_handbook_gives_empty_ci_reports() {
    let root = repo().join("tests/fixtures/check-valid-links");
    let (code, issues) = check(&root, "gitlab");
    assert_eq!((code, issues), (0, json!([])));
    let (code, log) = check(&root, "sarif");
    assert_eq!((code, log["runs"][0]["results"].clone()), (0, json!([])));
    assert!(schema_errors(&sarif_validator(), &log).is_empty());
}

#[test]
fn the_step_summary_is_appended_whatever_the_format() {
    let (tmp, site) = fixture_copy("ci-formats");
    let summary = tmp.path().join("summary.md");
    std::fs::write(&summary, "Earlier step.\n").unwrap();
    let with_github = |cmd: &mut Command| {
        cmd.env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "acme/handbook")
            .env("GITHUB_SHA", "abc123");
    };
    let mut cmd = handbook();
    with_github(&mut cmd);
    cmd.args(["check", "--format", "sarif", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"version\": \"2.1.0\""));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("Earlier step.\n## handbook check\n\n**3 errors, 1 warning**\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "| `broken-anchor` | 1 | 0 |\n| `broken-link` | 2 | 0 |\n| `orphan-page` | 0 | 1 |\n"
        ),
        "{text}"
    );
    assert!(text.contains("Every problem:"), "{text}");
    assert!(
        text.contains("| error | [content/two words.md:3](https://github.com/acme/handbook/blob/abc123/content/two%20words.md#L3) | `broken-link` | link to `gone.md` does not resolve"),
        "{text}"
    );

    // `build` adds its own section, with what the baseline holds.
    std::fs::write(
        site.join("handbook.yaml"),
        "title: CI formats\nbaseline: known.json\n",
    )
    .unwrap();
    handbook()
        .args(["check", "--write-baseline", "--root"])
        .arg(&site)
        .assert()
        .code(0);
    let mut cmd = handbook();
    with_github(&mut cmd);
    cmd.args(["build", "--root"]).arg(&site).assert().code(0);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("## handbook build\n\n**No problems found.**\n\n4 known problems held by the baseline known.json\n"),
        "{text}"
    );
}

#[test]
fn ci_paths_are_read_from_the_checkout_root() {
    let (tmp, site) = fixture_copy("ci-formats");
    let run = |format: &str, var: &str| -> String {
        let output = handbook()
            .env(var, tmp.path())
            .args(["check", "--format", format, "--root"])
            .arg(&site)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(run("sarif", "GITHUB_WORKSPACE").contains("\"uri\": \"site/content/two%20words.md\""));
    assert!(
        run("github", "GITHUB_WORKSPACE").contains("file=site/content/two words.md,line=3,col=17")
    );
    assert!(run("gitlab", "CI_PROJECT_DIR").contains("\"path\": \"site/content/two words.md\""));
    // The JSON report keeps naming files from the handbook's root.
    assert!(run("json", "GITHUB_WORKSPACE").contains("\"file\": \"content/two words.md\""));
    // A checkout that does not hold the handbook changes nothing.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = handbook()
        .env("GITHUB_WORKSPACE", elsewhere.path())
        .args(["check", "--format", "github", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("file=content/two words.md,")
    );
}
