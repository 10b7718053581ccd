//! The incremental rebuild behind `serve`: after any sequence of edits, the served files are
//! exactly what a fresh full build of the same files gives, while a body edit renders one page.

mod common;

use std::path::{Path, PathBuf};

use handbook::serve::preview::{Files, Preview, Served};

use common::{copy_tree, repo};

fn shipped_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    (tmp, root)
}

fn same(a: &Files, b: &Files) -> Result<(), String> {
    let mut keys_a: Vec<&String> = a.keys().collect();
    let mut keys_b: Vec<&String> = b.keys().collect();
    keys_a.sort();
    keys_b.sort();
    if keys_a != keys_b {
        return Err(format!("different files:\n{keys_a:?}\n{keys_b:?}"));
    }
    for (key, served) in a {
        let equal = match (served, &b[key]) {
            (Served::Bytes(x), Served::Bytes(y)) => x == y,
            (Served::File(x), Served::File(y)) => x == y,
            _ => false,
        };
        if !equal {
            return Err(format!("{key} differs from a full rebuild"));
        }
    }
    Ok(())
}

/// Applies one edit and proves the result equals a fresh full build.
fn edit(
    preview: &mut Preview,
    root: &Path,
    changed: &[&str],
    change: impl FnOnce(),
) -> handbook::serve::preview::Rebuild {
    change();
    let paths: Vec<PathBuf> = changed.iter().map(|p| root.join(p)).collect();
    let report = preview.apply(&paths);
    assert_eq!(report.errors, 0, "{:#?}", preview.diagnostics);
    let (fresh, _) = Preview::open(root).unwrap();
    if let Err(e) = same(&preview.files(), &fresh.files()) {
        panic!("after editing {changed:?}: {e}");
    }
    assert_eq!(
        preview.diagnostics, fresh.diagnostics,
        "after editing {changed:?}"
    );
    report
}

fn html(preview: &Preview, key: &str) -> String {
    match preview.files().get(key) {
        Some(Served::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn incremental_rebuilds_equal_full_rebuilds() {
    let (_tmp, root) = shipped_site();
    let (mut preview, first) = Preview::open(&root).unwrap();
    assert_eq!(first.errors, 0, "{:#?}", preview.diagnostics);
    let pages = first.rendered;
    let playbook = root.join("content/playbooks/discovery-call.md");

    // A body edit renders that page only.
    let report = edit(
        &mut preview,
        &root,
        &["content/playbooks/discovery-call.md"],
        || {
            let text = std::fs::read_to_string(&playbook).unwrap();
            std::fs::write(
                &playbook,
                text.replace(
                    "## Before the meeting",
                    "Fresh words here.\n\n## Before the meeting",
                ),
            )
            .unwrap();
        },
    );
    assert_eq!(report.rendered, 1);
    assert!(html(&preview, "playbooks/discovery-call/index.html").contains("Fresh words here."));

    // A title edit reaches every page that shows it (and here, the sidebar: all pages).
    let sales = root.join("content/departments/sales/index.md");
    let report = edit(
        &mut preview,
        &root,
        &["content/departments/sales/index.md"],
        || {
            let text = std::fs::read_to_string(&sales).unwrap();
            let title_line = text
                .lines()
                .find(|l| l.starts_with("title:"))
                .unwrap()
                .to_string();
            std::fs::write(&sales, text.replacen(&title_line, "title: Sales Team", 1)).unwrap();
        },
    );
    assert!(report.rendered > 1);
    assert!(html(&preview, "processes/edge-connectivity/index.html").contains("Sales Team"));

    // A new page that links to a process shows in its "Referenced by".
    let report = edit(
        &mut preview,
        &root,
        &["content/departments/sales/renewals.md"],
        || {
            std::fs::write(
                root.join("content/departments/sales/renewals.md"),
                "# Renewals\n\nSee [edge](../../processes/edge-connectivity/index.md).\n",
            )
            .unwrap();
        },
    );
    assert!(
        report.rendered >= 2 && report.rendered < pages,
        "{report:?}"
    );
    assert!(html(&preview, "departments/sales/renewals/index.html").contains("Renewals"));

    // Deleting it takes it out again.
    edit(
        &mut preview,
        &root,
        &["content/departments/sales/renewals.md"],
        || {
            std::fs::remove_file(root.join("content/departments/sales/renewals.md")).unwrap();
        },
    );
    assert!(
        !preview
            .files()
            .contains_key("departments/sales/renewals/index.html")
    );

    // A new folder, then a folder rename (as a file manager does it): every page below moves.
    edit(
        &mut preview,
        &root,
        &["content/departments/sales/team"],
        || {
            std::fs::create_dir_all(root.join("content/departments/sales/team")).unwrap();
            std::fs::write(
                root.join("content/departments/sales/team/roles.md"),
                "# Roles\n\nSee [sales](../index.md).\n",
            )
            .unwrap();
        },
    );
    assert!(
        preview
            .files()
            .contains_key("departments/sales/team/roles/index.html")
    );
    edit(
        &mut preview,
        &root,
        &[
            "content/departments/sales/team",
            "content/departments/sales/people",
        ],
        || {
            std::fs::rename(
                root.join("content/departments/sales/team"),
                root.join("content/departments/sales/people"),
            )
            .unwrap();
        },
    );
    assert!(
        preview
            .files()
            .contains_key("departments/sales/people/roles/index.html")
    );
    assert!(
        !preview
            .files()
            .contains_key("departments/sales/team/roles/index.html")
    );

    // `content/` replaced by another tree, reported only as `content` (the events inside a
    // folder renamed into place never come): every page is read again.
    edit(&mut preview, &root, &["content"], || {
        let staged = root.with_file_name("staged");
        copy_tree(&root.join("content"), &staged);
        let tools = std::fs::read_to_string(staged.join("tools.md")).unwrap();
        let tools = tools.replacen("\n## ", "\nOnly this, in the new tree.\n\n## ", 1);
        std::fs::write(staged.join("tools.md"), tools).unwrap();
        std::fs::remove_dir_all(root.join("content")).unwrap();
        std::fs::rename(&staged, root.join("content")).unwrap();
    });
    assert!(html(&preview, "tools/index.html").contains("Only this, in the new tree."));

    // A template override renders everything.
    let report = edit(&mut preview, &root, &["templates/page.html"], || {
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("templates/page.html"),
            "<html><body>Custom {{ page.title }}</body></html>",
        )
        .unwrap();
    });
    assert!(report.full);
    assert!(html(&preview, "glossary/index.html").contains("Custom"));
}

#[test]
fn errors_keep_the_last_good_output_until_fixed() {
    let (_tmp, root) = shipped_site();
    let (mut preview, _) = Preview::open(&root).unwrap();
    let good = preview.files();
    let tools = root.join("content/tools.md");
    let original = std::fs::read_to_string(&tools).unwrap();

    let title_line = original.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(&tools, original.replacen(title_line, "title: [Tools", 1)).unwrap();
    let report = preview.apply(std::slice::from_ref(&tools));
    assert_eq!(report.errors, 1);
    let error = &preview.diagnostics[0];
    assert_eq!((error.file.as_str(), error.line), ("content/tools.md", 2));
    assert!(
        same(&preview.files(), &good).is_ok(),
        "the last good output is still served"
    );

    std::fs::write(&tools, original.replacen("\n\n", "\n\nFixed now.\n\n", 1)).unwrap();
    let report = preview.apply(std::slice::from_ref(&tools));
    assert_eq!(report.errors, 0, "{:#?}", preview.diagnostics);
    assert!(
        report.full,
        "the first good rebuild after errors renders everything"
    );
    let (fresh, _) = Preview::open(&root).unwrap();
    same(&preview.files(), &fresh.files()).unwrap();
}

/// An edit in place re-resolves the links and references that point into the edited page.
#[test]
fn in_place_edits_re_resolve_what_points_at_the_edited_page() {
    let (_tmp, root) = shipped_site();
    let (mut preview, _) = Preview::open(&root).unwrap();
    let check_same = |preview: &Preview| {
        let (fresh, _) = Preview::open(&root).unwrap();
        assert_eq!(preview.diagnostics, fresh.diagnostics);
    };

    // Renaming a stage id breaks the playbook that names it...
    let process = root.join("content/processes/edge-connectivity/index.md");
    let original = std::fs::read_to_string(&process).unwrap();
    std::fs::write(
        &process,
        original.replacen("id: discovery\n", "id: first-call\n", 1),
    )
    .unwrap();
    let report = preview.apply(std::slice::from_ref(&process));
    assert!(
        report.errors > 0,
        "renaming a stage must break what names it"
    );
    assert!(
        preview
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "unknown-stage"
                && d.file == "content/playbooks/discovery-call.md")
    );
    check_same(&preview);

    // ...and restoring it mends it.
    std::fs::write(&process, &original).unwrap();
    let report = preview.apply(std::slice::from_ref(&process));
    assert_eq!(report.errors, 0, "{:#?}", preview.diagnostics);
    check_same(&preview);

    // Removing a heading that other pages link to breaks their anchors.
    let glossary = root.join("content/glossary.md");
    let text = std::fs::read_to_string(&glossary).unwrap();
    let heading = text
        .lines()
        .find(|l| l.starts_with("### "))
        .unwrap()
        .to_string();
    std::fs::write(
        &glossary,
        text.replacen(&heading, "### Something else entirely", 1),
    )
    .unwrap();
    preview.apply(std::slice::from_ref(&glossary));
    check_same(&preview);
}

/// A mistake in handbook.yaml while serving shows in the overlay, as content's do; declaring a
/// team's front-matter key there reloads the pages, so its unknown-field errors go.
#[test]
fn handbook_yaml_mistakes_and_declared_keys_while_serving() {
    let (_tmp, root) = shipped_site();
    let (mut preview, _) = Preview::open(&root).unwrap();
    let page = root.join("content/playbooks/discovery-call.md");
    let original = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        original.replacen("---\n", "---\ntoc_hide: true\n", 1),
    )
    .unwrap();
    let report = preview.apply(std::slice::from_ref(&page));
    assert_eq!(report.errors, 1, "{:#?}", preview.diagnostics);
    assert_eq!(preview.diagnostics[0].message, "unknown field `toc_hide`");

    let config = root.join("handbook.yaml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{settings}base_ulr: /x/\n")).unwrap();
    preview.apply(std::slice::from_ref(&config));
    let mistake = preview
        .diagnostics
        .iter()
        .find(|d| d.file == "handbook.yaml")
        .expect("the overlay names handbook.yaml");
    assert_eq!(mistake.code.as_str(), "config");
    assert_eq!((mistake.line, mistake.column), (5, 1));
    assert_eq!(mistake.help.as_deref(), Some("did you mean `base_url`?"));

    std::fs::write(
        &config,
        format!("{settings}front_matter: {{extra_keys: [toc_hide]}}\n"),
    )
    .unwrap();
    let report = preview.apply(std::slice::from_ref(&config));
    assert_eq!(report.errors, 0, "{:#?}", preview.diagnostics);
    let (fresh, _) = Preview::open(&root).unwrap();
    same(&preview.files(), &fresh.files()).unwrap();
}

/// Each kind of edit `serve` makes incremental, one after the other, some leaving problems
/// behind: after each, the diagnostics are those of a fresh open of the same files, and once
/// the handbook is clean again, so is every served file.
#[test]
fn a_sequence_of_edits_ends_as_a_fresh_open_does() {
    let (_tmp, root) = shipped_site();
    let (mut preview, first) = Preview::open(&root).unwrap();
    assert_eq!(first.errors, 0, "{:#?}", preview.diagnostics);
    let playbook = root.join("content/playbooks/discovery-call.md");
    let process = root.join("content/processes/edge-connectivity/index.md");
    let new_page = root.join("content/playbooks/zz-new.md");
    let tools = root.join("content/tools.md");
    let playbook_text = std::fs::read_to_string(&playbook).unwrap();
    let process_text = std::fs::read_to_string(&process).unwrap();
    let tools_text = std::fs::read_to_string(&tools).unwrap();
    let mut step = |what: &str, path: &Path, change: &dyn Fn()| {
        change();
        preview.apply(&[path.to_path_buf()]);
        let (fresh, _) = Preview::open(&root).unwrap();
        assert_eq!(preview.diagnostics, fresh.diagnostics, "after {what}");
        preview.diagnostics.clone()
    };
    let has = |diagnostics: &[handbook::diagnostic::Diagnostic], code: &str, file: &str| {
        diagnostics
            .iter()
            .any(|d| d.code.as_str() == code && d.file == file)
    };

    // A new page nothing links to: an orphan.
    let found = step("a new page", &new_page, &|| {
        std::fs::write(
            &new_page,
            "---\ntitle: Brand new\nprocess: edge-connectivity\nstage: discovery\n---\n\n\
             See [the glossary](../glossary.md#no-such-heading).\n",
        )
        .unwrap()
    });
    assert!(has(&found, "orphan-page", "content/playbooks/zz-new.md"));
    assert!(has(&found, "broken-anchor", "content/playbooks/zz-new.md"));

    // A body edit elsewhere links to it (the new page, not edited, is an orphan no more) and
    // breaks a link of its own.
    let found = step("a body edit", &playbook, &|| {
        std::fs::write(
            &playbook,
            format!("{playbook_text}\nSee [the new one](zz-new.md) and [gone](nowhere.md).\n"),
        )
        .unwrap()
    });
    assert!(!has(&found, "orphan-page", "content/playbooks/zz-new.md"));
    assert!(has(
        &found,
        "broken-link",
        "content/playbooks/discovery-call.md"
    ));

    // A title change, and then a stage renamed (its name and its id: the playbooks that
    // name it break).
    step("a title change", &process, &|| {
        std::fs::write(
            &process,
            process_text.replacen(
                "title: Edge Connectivity Sales Process",
                "title: Edge Sales",
                1,
            ),
        )
        .unwrap()
    });
    let found = step("a stage rename", &process, &|| {
        std::fs::write(
            &process,
            process_text.replacen(
                "  - name: Discovery\n    id: discovery\n",
                "  - name: First call\n    id: first-call\n",
                1,
            ),
        )
        .unwrap()
    });
    assert!(has(
        &found,
        "unknown-stage",
        "content/playbooks/discovery-call.md"
    ));
    assert!(has(&found, "unknown-stage", "content/playbooks/zz-new.md"));

    // A page deleted: the links to it break.
    let found = step("a deleted page", &tools, &|| {
        std::fs::remove_file(&tools).unwrap()
    });
    assert!(
        found
            .iter()
            .any(|d| d.code.as_str() == "broken-link" && d.message.contains("tools.md"))
    );

    // Everything put back, the new page gone: clean, and every file as a fresh open serves it.
    for (path, text) in [
        (&tools, &tools_text),
        (&process, &process_text),
        (&playbook, &playbook_text),
    ] {
        step("a restore", path, &|| std::fs::write(path, text).unwrap());
    }
    let found = step("the new page deleted", &new_page, &|| {
        std::fs::remove_file(&new_page).unwrap()
    });
    assert!(found.iter().all(|d| !d.is_error()), "{found:#?}");
    let (fresh, _) = Preview::open(&root).unwrap();
    same(&preview.files(), &fresh.files()).unwrap();
}

#[test]
fn a_title_change_and_a_stage_rename_equal_a_fresh_open() {
    let (_tmp, root) = shipped_site();
    let (mut preview, first) = Preview::open(&root).unwrap();
    assert_eq!(first.errors, 0, "{:#?}", preview.diagnostics);
    let path = "content/processes/edge-connectivity/index.md";
    let process = root.join(path);
    let text = std::fs::read_to_string(&process).unwrap();

    // The process is in the sidebar: every page shows the new title, its playbooks with the
    // process open.
    let text = text.replacen(
        "title: Edge Connectivity Sales Process",
        "title: Edge Sales",
        1,
    );
    edit(&mut preview, &root, &[path], || {
        std::fs::write(&process, &text).unwrap();
    });
    let demo = html(&preview, "playbooks/solution-demo/index.html");
    assert!(demo.contains(
        "class=\"nav-parent nav-in\"><a href=\"/processes/edge-connectivity/\">Edge Sales</a>"
    ));

    // A stage renamed, its id kept: the sidebar stays; the process, its playbooks and the
    // lists show the new name.
    let report = edit(&mut preview, &root, &[path], || {
        std::fs::write(
            &process,
            text.replacen("  - name: Discovery\n", "  - name: First call\n", 1),
        )
        .unwrap();
    });
    assert!(!report.full, "{report:?}");
    assert!(html(&preview, "playbooks/discovery-call/index.html").contains("First call"));
}
