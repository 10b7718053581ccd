//! `handbook schema`: every page of the shipped handbook is valid against the schema of its
//! kind, as a JSON Schema validator reads it, known mistakes are not, and the keys a team
//! declares in handbook.yaml are part of it.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use common::repo;
use handbook::site::{self, Options};

/// `handbook schema --out DIR --root ROOT`: the four schemas, by kind.
fn schemas(root: &Path) -> (tempfile::TempDir, Vec<(String, Value)>) {
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("handbook")
        .unwrap()
        .args(["schema", "--out"])
        .arg(out.path())
        .arg("--root")
        .arg(root)
        .assert()
        .success();
    let schemas = ["department", "process", "playbook", "page"]
        .iter()
        .map(|kind| {
            let file = out.path().join(format!("{kind}.schema.json"));
            let text = std::fs::read_to_string(&file).unwrap();
            (kind.to_string(), serde_json::from_str(&text).unwrap())
        })
        .collect();
    (out, schemas)
}

fn validator(schemas: &[(String, Value)], kind: &str) -> jsonschema::Validator {
    let (_, schema) = schemas.iter().find(|(k, _)| k == kind).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(schema).unwrap()
}

/// A page's front matter as an editor hands it to the validator.
fn front_matter(source: &str) -> Value {
    let Some(split) = handbook::load::front_matter::split(source).unwrap() else {
        return serde_json::json!({});
    };
    let tree = handbook::yaml::tree(split.yaml).unwrap();
    match handbook::yaml::node::to_json(&tree, split.yaml) {
        Value::Null => serde_json::json!({}),
        value => value,
    }
}

#[test]
fn every_page_of_the_shipped_handbook_is_valid_against_its_kind() {
    let root = repo();
    let (_out, schemas) = schemas(&root);
    let checked = site::check(&Options {
        root: root.clone(),
        ..Options::default()
    })
    .unwrap();
    let pages = &checked.site.pages;
    assert!(pages.len() >= 30, "{}", pages.len());
    let mut kinds = std::collections::BTreeSet::new();
    for page in pages {
        let kind = page.kind().as_str();
        kinds.insert(kind);
        let source = std::fs::read_to_string(root.join(&page.file)).unwrap();
        let instance = front_matter(&source);
        let errors: Vec<String> = validator(&schemas, kind)
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{} ({kind}): {errors:?}", page.file);
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn known_mistakes_fail_the_schema() {
    let (_out, schemas) = schemas(&repo());
    let source =
        std::fs::read_to_string(repo().join("content/processes/edge-connectivity/index.md"))
            .unwrap();
    let process = front_matter(&source);
    let process_validator = validator(&schemas, "process");
    assert!(process_validator.is_valid(&process));
    let with = |key: &str, value: Value| {
        let mut changed = process.clone();
        changed[key] = value;
        changed
    };
    let mut no_owner = process.clone();
    no_owner.as_object_mut().unwrap().remove("owner");
    for (what, wrong) in [
        ("no owner", no_owner),
        ("an unknown status", with("status", "paused".into())),
        ("a misspelled field", with("ownr", "sales".into())),
        (
            "a stage without a name",
            with("stages", serde_json::json!([{"goal": "x"}])),
        ),
        ("a single tag, not a list", with("tags", "sales".into())),
        ("zero review days", with("review_every", 0.into())),
        ("a date in words", with("last_reviewed", "May 1".into())),
        ("a playbook field", with("audience", "AEs".into())),
    ] {
        assert!(!process_validator.is_valid(&wrong), "{what} passed");
    }
    let playbook = serde_json::json!({"title": "Call", "stage": "discovery"});
    assert!(
        !validator(&schemas, "playbook").is_valid(&playbook),
        "a playbook needs `process`"
    );
}

#[test]
fn the_keys_handbook_yaml_declares_are_in_the_schema() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("handbook.yaml"),
        "title: T\nfront_matter:\n  extra_keys: [navTitle, toc_hide]\n",
    )
    .unwrap();
    let page = serde_json::json!({"title": "A", "navTitle": "Short", "toc_hide": true});
    let (_out, declared) = schemas(root);
    assert!(validator(&declared, "page").is_valid(&page));
    let (_out, shipped) = schemas(&repo());
    assert!(!validator(&shipped, "page").is_valid(&page));
    // One kind printed: the same schema.
    let out = Command::cargo_bin("handbook")
        .unwrap()
        .args(["schema", "--kind", "page", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, written) = declared.iter().find(|(k, _)| k == "page").unwrap();
    assert_eq!(&printed, written);
}
