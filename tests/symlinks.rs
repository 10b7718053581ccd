//! One rule for symlinks in `build`, `check` and `serve` (README, "Symlinks"): links that stay
//! inside the handbook root are followed, a link that points outside, loops or dangles is a
//! `bad-symlink` warning naming the link, and the rest of the handbook builds. The preview
//! reports exactly what `check` reports, before and after files change, so a page that
//! previews fine cannot fail CI.
#![cfg(unix)]

mod common;
mod crawl;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use handbook::serve::preview::{Preview, Served};
use serde_json::Value;

/// What no output, report or code frame may ever show: the text of a file outside the root.
const SECRET: &str = "secret text from outside the handbook";

/// A handbook whose pages and folders are partly symlinks, in a temp folder:
///
/// ```text
/// outside.md                  (outside the root)
/// site/docs/guide.md          (inside the root, outside content/)
/// site/content/real/target.md
/// site/content/linked.md   -> real/target.md           followed
/// site/content/shared      -> ../docs                  followed (a folder)
/// site/content/outside.md  -> ../../outside.md         outside: warning
/// site/content/loop        -> ..                       loops: warning
/// site/content/gone.md     -> nowhere.md               dangles: warning
/// site/static/ok.txt       -> ../docs/guide.md         followed
/// site/static/ext.txt      -> ../../outside.md         outside: warning
/// site/templates/evil.html -> ../../outside.md         outside: warning
/// ```
fn linked_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let write = |path: &str, text: &str| {
        let path = tmp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("outside.md", &format!("# Outside\n\n{SECRET}\n"));
    write("site/handbook.yaml", "title: Linked\n");
    write(
        "site/content/index.md",
        "# Home\n\n[Target](real/target.md), [linked](linked.md), \
         [shared guide](shared/guide.md), [shared](shared/).\n",
    );
    write(
        "site/content/real/target.md",
        "# Target\n\nBody of the target.\n",
    );
    write(
        "site/docs/guide.md",
        "# Guide\n\nBack [home](../index.md).\n",
    );
    write("site/docs/index.md", "# Shared\n");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    for (link, target) in [
        ("content/linked.md", "real/target.md"),
        ("content/shared", "../docs"),
        ("content/outside.md", "../../outside.md"),
        ("content/loop", ".."),
        ("content/gone.md", "nowhere.md"),
        ("static/ok.txt", "../docs/guide.md"),
        ("static/ext.txt", "../../outside.md"),
        ("templates/evil.html", "../../outside.md"),
    ] {
        symlink(target, root.join(link)).unwrap();
    }
    (tmp, root)
}

/// The bad links of [`linked_site`], in report order.
const BAD: &[(&str, &str)] = &[
    (
        "content/gone.md",
        "is a symlink to nowhere.md, which does not exist",
    ),
    ("content/loop", "is a symlink loop"),
    ("content/outside.md", "outside the handbook"),
    ("static/ext.txt", "outside the handbook"),
    ("templates/evil.html", "outside the handbook"),
];

fn handbook() -> Command {
    let mut command = Command::cargo_bin("handbook").unwrap();
    command.env("NO_COLOR", "1");
    command
}

/// A diagnostic as every command shows it: severity, code, file, line, column, message, help.
type Row = (String, String, String, u64, u64, String, Option<String>);

fn check_rows(root: &Path) -> (i32, Vec<Row>) {
    let output = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().map(str::to_string),
            )
        })
        .collect();
    (output.status.code().unwrap(), rows)
}

fn preview_rows(preview: &Preview) -> Vec<Row> {
    preview
        .diagnostics
        .iter()
        .map(|d| {
            let severity = serde_json::to_value(d.severity).unwrap();
            (
                severity.as_str().unwrap().to_string(),
                d.code.as_str().to_string(),
                d.file.clone(),
                d.line as u64,
                d.column as u64,
                d.message.clone(),
                d.help.clone(),
            )
        })
        .collect()
}

fn assert_bad_links(rows: &[Row], bad: &[(&str, &str)]) {
    let found: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str()))
        .collect();
    let want: Vec<(&str, &str, &str)> = bad
        .iter()
        .map(|(file, _)| ("warning", "bad-symlink", *file))
        .collect();
    assert_eq!(found, want, "{rows:#?}");
    for (row, (_, words)) in rows.iter().zip(bad) {
        assert!(row.5.contains(words), "{row:?} should say {words:?}");
    }
}

fn served_html(preview: &Preview, key: &str) -> String {
    match preview.files().get(key) {
        Some(Served::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn links_inside_the_root_are_built_and_linked() {
    let (_tmp, root) = linked_site();
    handbook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let public = root.join("public");
    let read = |path: &str| std::fs::read_to_string(public.join(path)).unwrap();
    assert!(read("linked/index.html").contains("Body of the target."));
    assert!(read("shared/guide/index.html").contains("Back <a href=\"/\">home</a>"));
    assert!(read("shared/index.html").contains("Shared"));
    assert!(read("ok.txt").contains("# Guide"));
    let home = read("index.html");
    for href in ["/linked/", "/shared/guide/", "/shared/", "/real/target/"] {
        assert!(home.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let (report, _) = crawl::crawl_dir(&public, "/", &[]);
    report.assert_clean(20);

    // Nothing of a bad link is published, nor walked into.
    for skipped in ["outside", "loop", "gone", "ext.txt"] {
        assert!(!public.join(skipped).exists(), "{skipped} was published");
    }
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(SECRET),
                "{} holds text from outside the handbook",
                entry.path().display()
            );
        }
    }
}

#[test]
fn bad_links_are_the_same_warnings_in_check_build_and_serve() {
    let (_tmp, root) = linked_site();
    let (status, rows) = check_rows(&root);
    assert_eq!(status, 0, "warnings only: {rows:#?}");
    assert_bad_links(&rows, BAD);

    let (preview, report) = Preview::open(&root).unwrap();
    assert_eq!((report.errors, report.warnings), (0, BAD.len()));
    assert_eq!(preview_rows(&preview), rows);

    for command in ["check", "build"] {
        let output = handbook()
            .arg(command)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{command}:\n{stderr}");
        for (file, words) in BAD {
            assert!(
                stderr.contains(&format!("warning[bad-symlink]: {file} {words}"))
                    || stderr.contains(&format!("warning[bad-symlink]: {file} is a symlink")),
                "{command} names {file}:\n{stderr}"
            );
        }
        assert!(
            !stderr.contains(SECRET),
            "{command} showed text from outside the handbook in a code frame:\n{stderr}"
        );
    }
    assert!(root.join("public/linked/index.html").is_file());
    assert_eq!(
        check_rows(&root).1,
        rows,
        "the built output is not walked as content"
    );
}

#[test]
fn serve_keeps_to_the_rule_as_files_change() {
    let (_tmp, root) = linked_site();
    let (mut preview, _) = Preview::open(&root).unwrap();
    let apply = |preview: &mut Preview, changed: &[&str]| {
        let paths: Vec<PathBuf> = changed.iter().map(|p| root.join(p)).collect();
        preview.apply(&paths);
        // Whatever changed, the preview reports what `check` and a fresh preview report.
        let (_, rows) = check_rows(&root);
        assert_eq!(preview_rows(preview), rows, "after changing {changed:?}");
        let (fresh, _) = Preview::open(&root).unwrap();
        let keys = |p: &Preview| {
            let mut keys: Vec<String> = p.files().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(preview), keys(&fresh), "after changing {changed:?}");
        rows
    };

    // Editing the file a symlinked page is re-renders the symlinked page too.
    std::fs::write(
        root.join("content/real/target.md"),
        "# Target\n\nEdited body.\n",
    )
    .unwrap();
    apply(&mut preview, &["content/real/target.md"]);
    assert!(served_html(&preview, "linked/index.html").contains("Edited body."));

    // A page through a symlinked folder, as the watcher names it.
    std::fs::write(
        root.join("docs/guide.md"),
        "# Guide\n\nBack [home](../index.md), edited.\n",
    )
    .unwrap();
    apply(&mut preview, &["content/shared/guide.md"]);
    assert!(served_html(&preview, "shared/guide/index.html").contains("edited."));

    // A new symlink out of the handbook is reported, never served.
    symlink("../../outside.md", root.join("content/more.md")).unwrap();
    let rows = apply(&mut preview, &["content/more.md"]);
    assert!(rows.iter().any(|r| r.2 == "content/more.md"), "{rows:#?}");
    assert!(!preview.files().contains_key("more/index.html"));

    // A plain page replaced by a symlink out of the handbook leaves the site.
    std::fs::write(
        root.join("content/notes.md"),
        "# Notes\n\n[home](index.md)\n",
    )
    .unwrap();
    apply(&mut preview, &["content/notes.md"]);
    assert!(served_html(&preview, "notes/index.html").contains("Notes"));
    std::fs::remove_file(root.join("content/notes.md")).unwrap();
    symlink("../../outside.md", root.join("content/notes.md")).unwrap();
    let rows = apply(&mut preview, &["content/notes.md"]);
    assert!(
        rows.iter()
            .any(|r| r.1 == "bad-symlink" && r.2 == "content/notes.md"),
        "{rows:#?}"
    );
    assert!(!preview.files().contains_key("notes/index.html"));
    for key in preview.files().keys() {
        if let Some(Served::Bytes(bytes)) = preview.files().get(key) {
            assert!(!String::from_utf8_lossy(bytes).contains(SECRET), "{key}");
        }
    }

    // A new folder symlink inside the root brings its pages in.
    std::fs::create_dir_all(root.join("more-docs")).unwrap();
    std::fs::write(
        root.join("more-docs/extra.md"),
        "# Extra\n\n[home](../index.md)\n",
    )
    .unwrap();
    symlink("../more-docs", root.join("content/more-docs")).unwrap();
    apply(&mut preview, &["content/more-docs"]);
    assert!(served_html(&preview, "more-docs/extra/index.html").contains("Extra"));

    // A static file that becomes a bad link is reported and no longer served.
    std::fs::remove_file(root.join("static/ok.txt")).unwrap();
    symlink("../../outside.md", root.join("static/ok.txt")).unwrap();
    let rows = apply(&mut preview, &["static/ok.txt"]);
    assert!(rows.iter().any(|r| r.2 == "static/ok.txt"), "{rows:#?}");
    assert!(!preview.files().contains_key("ok.txt"));
}
