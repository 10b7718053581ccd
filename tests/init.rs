//! `handbook init` and `handbook new`, whole command: a scaffold that builds and checks clean
//! with `--deny-warnings` at once, new pages that keep it clean, and `language`.

mod common;
mod crawl;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check_clean(root: &Path) {
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(root)
        .assert()
        .code(0)
        .stderr(predicate::eq("no problems found\n"));
}

#[test]
fn init_scaffolds_a_handbook_that_checks_and_builds_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sales-handbook");
    handbook()
        .arg("init")
        .arg(&root)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "created content/processes/new-business/index.md",
        ));
    check_clean(&root);
    handbook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("built 4 pages"));
    // The pages link to each other: each is reached from another, and the process lists its
    // owner and its playbook.
    let process = read(&root.join("public/processes/new-business/index.html"));
    assert!(
        process.contains("href=\"/departments/sales/\""),
        "{process}"
    );
    assert!(
        process.contains("href=\"/playbooks/discovery-call/\""),
        "{process}"
    );
    let playbook = read(&root.join("public/playbooks/discovery-call/index.html"));
    assert!(
        playbook.contains("href=\"/processes/new-business/#discovery\""),
        "{playbook}"
    );
    assert!(
        read(&root.join("public/index.html")).starts_with("<!doctype html>\n<html lang=\"en\">")
    );
    let (report, _) = crawl::crawl_dir(&root.join("public"), "/", &[]);
    report.assert_clean(10);

    // The output, and the folders a build swaps through, are ignored by git.
    let ignore = read(&root.join(".gitignore"));
    let lines: Vec<&str> = ignore.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, ["/public/", "/.public.*"]);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.md"), "mine").unwrap();
    handbook()
        .arg("init")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty"));
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["notes.md"]);
    // An empty folder that exists is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    handbook().arg("init").arg(&empty).assert().code(0);
    check_clean(&empty);
}

#[test]
fn new_pages_are_linked_from_their_parent_and_keep_the_handbook_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("h");
    handbook().arg("init").arg(&root).assert().code(0);
    let new = |args: &[&str], parent: &str| {
        handbook()
            .arg("new")
            .args(args)
            .arg("--root")
            .arg(&root)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "linked to it from {parent}"
            )));
    };
    new(
        &["process", "renewal"],
        "content/departments/sales/index.md",
    );
    new(
        &["playbook", "renewal-call", "--title", "Renewal [call]"],
        "content/processes/new-business/index.md",
    );
    new(&["department", "marketing"], "content/index.md");
    new(&["page", "faq"], "content/index.md");
    check_clean(&root);

    // Each link went to the end of its parent, written as an editor would write it.
    let sales = read(&root.join("content/departments/sales/index.md"));
    assert!(
        sales.ends_with("new customer.\n\n- [Renewal](../../processes/renewal/index.md)\n"),
        "{sales}"
    );
    let process = read(&root.join("content/processes/new-business/index.md"));
    assert!(
        process.ends_with("\n\n- [Renewal \\[call\\]](../../playbooks/renewal-call.md)\n"),
        "{process}"
    );
    // The home page ends with a list: new items join it.
    let home = read(&root.join("content/index.md"));
    assert!(
        home.ends_with(
            "the first meeting with a prospect.\n- [Marketing](departments/marketing/index.md)\n- [Faq](faq.md)\n"
        ),
        "{home}"
    );
    handbook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    let built = read(&root.join("public/processes/new-business/index.html"));
    assert!(
        built.contains("href=\"/playbooks/renewal-call/\""),
        "{built}"
    );
}

#[test]
fn new_without_a_parent_says_the_page_is_not_linked_yet() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("handbook.yaml"), "title: Bare\n").unwrap();
    handbook()
        .args(["new", "page", "notes", "--root"])
        .arg(tmp.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no page links to it yet"));
    handbook()
        .args(["new", "page", "bad id", "--root"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be an id"));
}

#[test]
fn language_sets_html_lang_on_pages_and_redirects() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("h");
    handbook().arg("init").arg(&root).assert().code(0);
    let config = read(&root.join("handbook.yaml")).replace("language: en", "language: pt-BR");
    std::fs::write(root.join("handbook.yaml"), config).unwrap();
    let faq = root.join("content/faq.md");
    std::fs::write(&faq, "---\naliases: [/old-faq/]\n---\n# FAQ\n").unwrap();
    let home = read(&root.join("content/index.md"));
    std::fs::write(root.join("content/index.md"), home + "- [FAQ](faq.md)\n").unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    for page in [
        "index.html",
        "faq/index.html",
        "404.html",
        "old-faq/index.html",
    ] {
        let html = read(&root.join("public").join(page));
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"pt-BR\">"),
            "{page}: {html}"
        );
    }
    // A value that is no language tag stops the command at its line and column.
    std::fs::write(
        root.join("handbook.yaml"),
        "title: T\nlanguage: \"en gb\"\n",
    )
    .unwrap();
    handbook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "language `en gb` is not a language tag",
        ))
        .stderr(predicate::str::contains("--> handbook.yaml:2:11"));
}
