//! `handbook build` and its output folder: which folders it refuses to replace, that nothing is
//! written outside the output, what a rebuild writes, and that a killed or concurrent build
//! never leaves a broken output.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use common::{copy_tree, fixture, snapshot};

fn handbook() -> Command {
    Command::cargo_bin("handbook").unwrap()
}

/// Every file (with its bytes), folder and symlink under `dir`: a folder created or a file
/// touched anywhere shows.
fn everything(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let contents = if e.file_type().is_file() {
                Some(std::fs::read(e.path()).unwrap())
            } else if e.file_type().is_symlink() {
                Some(
                    std::fs::read_link(e.path())
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                )
            } else {
                None
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), contents)
        })
        .collect()
}

/// A folder holding a handbook at `site/` (with `static/` and `templates/`), an unrelated file
/// beside it and an unrelated non-empty `docs/`.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("build-broken-link"), &site);
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/robots.txt"), "User-agent: *\n").unwrap();
    copy_tree(
        &fixture("template-override").join("templates"),
        &site.join("templates"),
    );
    std::fs::write(tmp.path().join("notes.txt"), "not the handbook's\n").unwrap();
    std::fs::create_dir(tmp.path().join("docs")).unwrap();
    std::fs::write(tmp.path().join("docs/plan.md"), "# Plan\n").unwrap();
    tmp
}

#[test]
fn folders_that_are_not_handbooks_to_replace_are_refused_and_left_untouched() {
    // (where the command runs, its arguments, what stderr must say)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            ".",
            &["--root", "site", "--output", "."],
            &["refusing to build into .: it holds the handbook at"],
        ),
        (
            "site",
            &["--output", "templates"],
            &["refusing to build into templates: it is the site's `templates/` folder"],
        ),
        (
            "site",
            &["--output", "static"],
            &["refusing to build into static: it is the site's `static/` folder"],
        ),
        (
            ".",
            &["--root", "site", "--output", "docs"],
            &[
                "refusing to build into docs: it is not empty and handbook did not write it",
                "empty it, or pick another folder with --output",
            ],
        ),
        (
            ".",
            &["--root", "site", "--output", "site/content/x"],
            &[
                "refusing to build into site/content/x: it is the site's `content/` folder, or inside it",
            ],
        ),
        (
            ".",
            &["--root", "site", "--output", "site/public/../themes/x"],
            &["it is the site's `themes/` folder, or inside it"],
        ),
        (
            "site",
            &["--output", "."],
            &["refusing to build into .: it is the handbook's own folder"],
        ),
        (
            "site",
            &["--output", "handbook.yaml"],
            &["refusing to build into handbook.yaml: it is a file, not a folder"],
        ),
    ];
    for (dir, args, messages) in cases {
        let tmp = workspace();
        let before = everything(tmp.path());
        let mut assert = handbook()
            .current_dir(tmp.path().join(dir))
            .arg("build")
            .args(*args)
            .assert()
            .code(2);
        for message in *messages {
            assert = assert.stderr(predicate::str::contains(*message));
        }
        assert_eq!(
            everything(tmp.path()),
            before,
            "`build {}` run in {dir} changed something",
            args.join(" ")
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_source_folder_is_refused_as_that_folder() {
    let tmp = workspace();
    std::os::unix::fs::symlink(tmp.path().join("site/templates"), tmp.path().join("out")).unwrap();
    let before = everything(tmp.path());
    handbook()
        .current_dir(tmp.path())
        .args(["build", "--root", "site", "--output", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to build into out: it is the site's `templates/` folder",
        ));
    assert_eq!(everything(tmp.path()), before);
}

#[test]
fn an_empty_folder_is_used_and_its_output_is_marked_and_replaced_next_time() {
    let tmp = workspace();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for _ in 0..3 {
        handbook()
            .current_dir(tmp.path())
            .args(["build", "--root", "site", "--output", "out"])
            .assert()
            .success();
        assert!(out.join("guide/index.html").is_file());
        assert!(
            std::fs::read_to_string(out.join(".handbook-output"))
                .unwrap()
                .contains("handbook build")
        );
    }
}

#[test]
fn an_alias_that_leaves_the_site_writes_nothing_outside_it() {
    let tmp = workspace();
    let site = tmp.path().join("site");
    handbook()
        .arg("build")
        .arg("--root")
        .arg(&site)
        .assert()
        .success();
    let public = snapshot(&site.join("public"));
    std::fs::write(
        site.join("content/guide.md"),
        "---\ntitle: Guide\naliases: [\"/../../escaped/x.html\"]\n---\n\nBack [home](index.md).\n",
    )
    .unwrap();
    handbook()
        .arg("build")
        .arg("--root")
        .arg(&site)
        .assert()
        .failure()
        .stderr(predicate::str::contains("escaped/x.html"));
    assert!(!tmp.path().join("escaped").exists());
    assert!(!tmp.path().parent().unwrap().join("escaped/x.html").exists());
    assert_eq!(snapshot(&site.join("public")), public);
}

/// The "(N written, N linked, N unchanged, N removed)" counts from a successful build's stderr.
/// Builds `site` into `output` on a fixed date, with `flags` after `build`; it must succeed.
/// The summary's counts: written, linked, unchanged, removed.
fn build_counting(site: &Path, output: &Path, flags: &[&str]) -> (usize, usize, usize, usize) {
    let out = handbook()
        .env("HANDBOOK_TODAY", "2025-03-01")
        .arg("build")
        .args(flags)
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    counts(&out)
}

fn counts(output: &std::process::Output) -> (usize, usize, usize, usize) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail = stderr
        .rsplit_once(" ms (")
        .unwrap_or_else(|| panic!("no counts in {stderr}"))
        .1;
    let numbers: Vec<usize> = tail
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2], numbers[3])
}

#[test]
fn a_rebuild_writes_only_the_files_that_changed_and_equals_a_clean_build() {
    let tmp = workspace();
    let site = tmp.path().join("site");
    let build = |output: &Path| build_counting(&site, output, &[]);
    let public = tmp.path().join("public");
    let (first, ..) = build(&public);
    assert!(first > 3, "a first build writes every file");
    // One page's body changes (nothing else shows it) before the first rebuild: it finds no
    // generation to update, links every other file from the live output and writes the page.
    let guide = site.join("content/guide.md");
    let original = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, format!("{original}\nOne more line.\n")).unwrap();
    let live = everything(&public);
    let (written, linked, unchanged, removed) = build(&public);
    assert_eq!((written, unchanged, removed), (1, 0, 0));
    assert_eq!(linked, first - 1);
    let prev = tmp.path().join(".public.handbook/prev");
    assert_eq!(
        everything(&prev),
        live,
        "the output the rebuild replaced, byte for byte: the files it shares were not written into"
    );
    // Back as it was: the generation updated holds it.
    std::fs::write(&guide, &original).unwrap();
    let live = everything(&public);
    assert_eq!(build(&public), (0, 0, first, 0));
    assert_eq!(everything(&prev), live);
    assert_eq!(
        build(&public).0,
        0,
        "the same site again: nothing is written"
    );

    // One page's body changes, one page is added, one removed: the generation updated is two
    // builds old, so each change is written once, then linked from the live output.
    std::fs::write(
        &guide,
        "---\ntitle: Guide\n---\n\nBack [home](index.md), again.\n",
    )
    .unwrap();
    let (written, linked, _, removed) = build(&public);
    assert_eq!((written, linked, removed), (1, 0, 0));
    let (written, linked, _, removed) = build(&public);
    assert_eq!((written, linked, removed), (0, 1, 0));
    assert_eq!(build(&public).0, 0);
    std::fs::remove_file(site.join("static/robots.txt")).unwrap();
    let (.., removed) = build(&public);
    assert_eq!(removed, 1);
    build(&public);

    let clean = tmp.path().join("clean");
    build(&clean);
    assert_eq!(everything(&public), everything(&clean));
}

/// A handbook of `pages` pages, each of whose bodies say `version`: two versions differ in
/// every page.
fn big_handbook(root: &Path, pages: usize, version: u32) {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("notes")).unwrap();
    std::fs::write(root.join("handbook.yaml"), "title: Big\n").unwrap();
    let mut index = String::from("---\ntitle: Home\n---\n\n");
    for i in 0..pages {
        index.push_str(&format!("- [Note {i}](notes/n{i:05}.md)\n"));
        let mut body = format!("---\ntitle: Note {i}\n---\n\n# Version {version}\n\n");
        for p in 0..4 {
            body.push_str(&format!(
                "Paragraph {p} of note {i}, version {version}: plan the call, agree next steps, \
                 and write them down where the buyer can see them.\n\n"
            ));
        }
        body.push_str("Back [home](../index.md).\n");
        std::fs::write(content.join(format!("notes/n{i:05}.md")), body).unwrap();
    }
    std::fs::write(content.join("index.md"), index).unwrap();
}

fn build_command(root: &Path, output: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("handbook"));
    command
        .env("HANDBOOK_TODAY", "2025-03-01")
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn build_ok(root: &Path, output: &Path) {
    let out = build_command(root, output).output().unwrap();
    assert!(
        out.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a build and SIGKILLs it once `ready` says so, or after `after`; returns whether it was
/// killed before it finished by itself.
fn kill_when(mut child: Child, after: Option<Duration>, ready: &dyn Fn() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if after.is_some_and(|a| started.elapsed() >= a) || (after.is_none() && ready()) {
            // `Child::kill` is SIGKILL on Unix: no destructor, no cleanup runs.
            let _ = child.kill();
            let status = child.wait().unwrap();
            return !status.success();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_build_killed_at_any_point_leaves_the_old_or_the_new_output_whole() {
    const PAGES: usize = 800;
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let public = tmp.path().join("public");
    let prev = tmp.path().join(".public.handbook/prev");

    // The complete outputs a kill may leave: each version built cleanly on its own. Three
    // versions in turn, so the one being built never matches the live output or `prev/`
    // (the generation the build updates): every page is rewritten, the widest window to kill in.
    let mut clean = Vec::new();
    let mut full_build = Duration::ZERO;
    for version in 0..3 {
        big_handbook(&site, PAGES, version);
        let out = tmp.path().join(format!("clean{version}"));
        let started = Instant::now();
        build_ok(&site, &out);
        full_build = full_build.max(started.elapsed());
        clean.push(snapshot(&out));
    }
    build_ok(&site, &public);
    let mut live = 2;

    // A few pages, to see from outside that a build is part-way through `prev/`.
    let sample: Vec<PathBuf> = (0..PAGES)
        .step_by(PAGES / 8)
        .map(|i| PathBuf::from(format!("notes/n{i:05}/index.html")))
        .collect();
    let started_on = |version: usize| {
        sample
            .iter()
            .any(|p| std::fs::read(prev.join(p)).ok().as_ref() == clean[version].get(p))
    };
    // Kill points: at fractions of a full build's time (loading, checking, rendering and
    // writing, committing), and as soon as `prev/` holds a page of the new version.
    let fractions = [0.0, 0.4, 0.7, 0.9];
    let mut killed_mid_write = 0;
    for round in 0..fractions.len() + 3 {
        let next = (live + 1) % 3;
        big_handbook(&site, PAGES, next as u32);
        let child = build_command(&site, &public).spawn().unwrap();
        let killed = match fractions.get(round) {
            Some(&f) => kill_when(child, Some(full_build.mul_f64(f)), &|| false),
            None => kill_when(child, None, &|| started_on(next)),
        };
        let after = snapshot(&public);
        assert!(
            after == clean[live] || after == clean[next],
            "round {round}: after a kill the output is neither the old site nor the new one"
        );
        if killed && after == clean[live] && started_on(next) {
            killed_mid_write += 1;
        }
        // The next build runs as if nothing happened, and leaves the new site.
        build_ok(&site, &public);
        assert!(
            snapshot(&public) == clean[next],
            "round {round}: the build after a kill is not the clean build"
        );
        live = next;
    }
    assert!(
        killed_mid_write >= 2,
        "only {killed_mid_write} kills landed while pages were being written: the test did \
         not exercise what it is for"
    );
}

/// A handbook of `pages` pages, each in a folder of its own under `folder/`.
fn foldered_handbook(root: &Path, pages: usize, folder: &str) {
    let content = root.join("content");
    let _ = std::fs::remove_dir_all(&content);
    std::fs::create_dir_all(content.join(folder)).unwrap();
    std::fs::write(root.join("handbook.yaml"), "title: Folders\n").unwrap();
    let mut index = String::from("---\ntitle: Home\n---\n\n");
    for i in 0..pages {
        index.push_str(&format!("- [Note {i}]({folder}/n{i:05}.md)\n"));
        std::fs::write(
            content.join(format!("{folder}/n{i:05}.md")),
            format!("---\ntitle: Note {i}\n---\n\nNote {i} in {folder}.\n"),
        )
        .unwrap();
    }
    std::fs::write(content.join("index.md"), index).unwrap();
}

/// The output's folders are made while the pages are written: a build killed then leaves the
/// live output as it was, and the next build finishes the generation it left half-made.
#[test]
fn a_build_killed_while_its_folders_are_made_leaves_the_output_whole() {
    const PAGES: usize = 1000;
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let public = tmp.path().join("public");
    let prev = tmp.path().join(".public.handbook/prev");
    let no_search = |root: &Path, output: &Path| {
        let mut command = build_command(root, output);
        command.arg("--no-search");
        command
    };
    let folders_in = |dir: &Path| std::fs::read_dir(dir).map_or(0, |d| d.count());
    foldered_handbook(&site, 10, "first");
    assert!(no_search(&site, &public).status().unwrap().success());
    let mut killed_mid_folders = 0;
    for round in 0..4 {
        // New folders every round: `prev/` holds none of them.
        let folder = format!("round{round}");
        foldered_handbook(&site, PAGES, &folder);
        let clean = tmp.path().join(format!("clean{round}"));
        assert!(no_search(&site, &clean).status().unwrap().success());
        let before = snapshot(&public);
        let child = no_search(&site, &public).spawn().unwrap();
        let new = prev.join(&folder);
        let killed = kill_when(child, None, &|| folders_in(&new) > 0);
        let made = folders_in(&new);
        if killed && made > 0 && made < PAGES {
            killed_mid_folders += 1;
        }
        if killed {
            assert!(
                before == snapshot(&public),
                "round {round}: the live output changed"
            );
        }
        let out = no_search(&site, &public).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            snapshot(&public) == snapshot(&clean),
            "round {round}: the build after a kill is not the clean build"
        );
    }
    assert!(
        killed_mid_folders >= 2,
        "only {killed_mid_folders} kills landed while folders were being made"
    );
}

#[test]
fn two_builds_into_one_output_at_once_leave_one_of_them_whole() {
    const PAGES: usize = 500;
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    big_handbook(&a, PAGES, 1);
    big_handbook(&b, PAGES, 2);
    build_ok(&a, &tmp.path().join("clean-a"));
    build_ok(&b, &tmp.path().join("clean-b"));
    let clean_a = snapshot(&tmp.path().join("clean-a"));
    let clean_b = snapshot(&tmp.path().join("clean-b"));
    let public = tmp.path().join("public");
    for _ in 0..3 {
        let first = build_command(&a, &public).spawn().unwrap();
        let second = build_command(&b, &public).spawn().unwrap();
        for child in [first, second] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let after = snapshot(&public);
        assert!(
            after == clean_a || after == clean_b,
            "two builds at once left a mix"
        );
    }
    // And two of the same site: the result is that site.
    let first = build_command(&a, &public).spawn().unwrap();
    let second = build_command(&a, &public).spawn().unwrap();
    for child in [first, second] {
        assert!(child.wait_with_output().unwrap().status.success());
    }
    assert!(snapshot(&public) == clean_a);
}

/// A file of the site's `static/` at the path of one of the theme's files replaces it: each
/// output path is written once, by the last of the files that claim it.
#[test]
fn a_static_file_replaces_the_theme_file_at_its_path() {
    let tmp = workspace();
    let site = tmp.path().join("site");
    std::fs::write(site.join("static/handbook.css"), "body { color: teal }\n").unwrap();
    let public = tmp.path().join("public");
    for _ in 0..3 {
        build_ok(&site, &public);
        assert_eq!(
            std::fs::read_to_string(public.join("handbook.css")).unwrap(),
            "body { color: teal }\n"
        );
    }
}

#[test]
fn a_build_waits_for_the_lock_and_says_so() {
    let tmp = workspace();
    let site = tmp.path().join("site");
    let public = site.join("public");
    build_ok(&site, &public);
    let before = everything(&public);
    std::fs::write(
        site.join("content/guide.md"),
        "---\ntitle: Guide\n---\n\nBack [home](index.md), changed.\n",
    )
    .unwrap();

    let lock = std::fs::File::options()
        .write(true)
        .open(site.join(".public.handbook/lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = build_command(&site, &public).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line.trim_end(),
        format!(
            "waiting for another build into {} to finish",
            public.display()
        )
    );
    assert_eq!(
        everything(&public),
        before,
        "nothing is written while it waits"
    );
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    let guide = std::fs::read_to_string(public.join("guide/index.html")).unwrap();
    assert!(guide.contains("changed."), "{guide}");
}

/// A small generator of numbers from a seed (xorshift): the same edits on every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Output path of a content page -> the `../` that lead from its folder to `content/`.
fn up_to_content(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

#[test]
fn a_rebuild_that_keeps_pages_it_rendered_before_equals_a_clean_build_after_random_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&common::repo().join("benches/site"), &site);
    let content = site.join("content");
    let mut pages: Vec<String> = walkdir::WalkDir::new(&content)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&content).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    pages.sort();
    let build = |output: &Path| build_counting(&site, output, &["--no-search"]);
    let public = tmp.path().join("public");
    let (total, ..) = build(&public);
    let template = common::repo().join("themes/default/templates/playbook.html");
    let template = std::fs::read_to_string(template).unwrap();
    // Pages this test added, each linked from the page in the second field.
    let mut added: Vec<(String, String)> = Vec::new();
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut kept_somewhere = false;
    let mut edits = Vec::new();
    for round in 0..40 {
        let page = pages[dice.below(pages.len())].clone();
        let file = content.join(&page);
        let text = std::fs::read_to_string(&file).unwrap();
        let edit = dice.below(10);
        match edit {
            0 => std::fs::write(&file, format!("{text}\nEdit {round}.\n")).unwrap(),
            1 => {
                let (head, rest) = text.split_once("\ntitle: ").unwrap();
                let rest = rest.split_once('\n').unwrap().1;
                let title = format!("\"Title {round}\"");
                std::fs::write(&file, format!("{head}\ntitle: {title}\n{rest}")).unwrap();
            }
            2 => {
                let to = &pages[dice.below(pages.len())];
                let link = format!("{}{to}", up_to_content(&page));
                std::fs::write(&file, format!("{text}\nSee [more {round}]({link}).\n")).unwrap();
            }
            3 => {
                // The links this test added to the page, if any.
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.starts_with("See [more"))
                    .collect();
                std::fs::write(&file, kept.join("\n") + "\n").unwrap();
            }
            4 => {
                let new = format!("notes/n{round}.md");
                std::fs::create_dir_all(content.join("notes")).unwrap();
                std::fs::write(
                    content.join(&new),
                    format!("---\ntitle: Note {round}\n---\n\nBack to [home](../index.md).\n"),
                )
                .unwrap();
                let link = format!("{}{new}", up_to_content(&page));
                std::fs::write(&file, format!("{text}\nA [note {round}]({link}).\n")).unwrap();
                added.push((new, page.clone()));
            }
            5 | 6 if !added.is_empty() => {
                let (old, from) = added.remove(dice.below(added.len()));
                let from_file = content.join(&from);
                let from_text = std::fs::read_to_string(&from_file).unwrap();
                let old_link = format!("{}{old}", up_to_content(&from));
                if edit == 5 {
                    std::fs::remove_file(content.join(&old)).unwrap();
                    let kept: Vec<&str> = from_text
                        .lines()
                        .filter(|l| !l.contains(&format!("]({old_link})")))
                        .collect();
                    std::fs::write(&from_file, kept.join("\n") + "\n").unwrap();
                } else {
                    let new = format!("notes/moved-{round}.md");
                    std::fs::rename(content.join(&old), content.join(&new)).unwrap();
                    let new_link = format!("{}{new}", up_to_content(&from));
                    std::fs::write(&from_file, from_text.replace(&old_link, &new_link)).unwrap();
                    added.push((new, from));
                }
            }
            7 => std::fs::write(
                site.join("handbook.yaml"),
                format!("title: Synthetic handbook {round}\nbase_url: /\n"),
            )
            .unwrap(),
            8 => {
                std::fs::create_dir_all(site.join("templates")).unwrap();
                std::fs::write(
                    site.join("templates/playbook.html"),
                    template.replace(
                        "{% endblock header_extra %}",
                        &format!("<!-- edit {round} -->{{% endblock header_extra %}}"),
                    ),
                )
                .unwrap();
            }
            _ => {
                // A stage renamed: its playbooks, the lists and the sidebar show the name.
                let processes: Vec<&String> = pages
                    .iter()
                    .filter(|p| p.starts_with("processes/p-"))
                    .collect();
                let process = content.join(processes[dice.below(processes.len())]);
                let text = std::fs::read_to_string(&process).unwrap();
                let (head, rest) = text.split_once("  - name: ").unwrap();
                let rest = rest.split_once('\n').unwrap().1;
                let name = format!("\"Stage {round}\"");
                std::fs::write(&process, format!("{head}  - name: {name}\n{rest}")).unwrap();
            }
        }
        edits.push(edit);
        let (written, linked, unchanged, _) = build(&public);
        kept_somewhere |= written < total / 2 && linked + unchanged > total / 2;
        let clean = tmp.path().join(format!("clean{round}"));
        build(&clean);
        let (rebuilt, clean_output) = (everything(&public), everything(&clean));
        assert_eq!(
            rebuilt.keys().collect::<Vec<_>>(),
            clean_output.keys().collect::<Vec<_>>(),
            "round {round}, edits {edits:?}: the same files"
        );
        for (path, bytes) in &rebuilt {
            assert!(
                clean_output[path] == *bytes,
                "round {round}, edits {edits:?}: {} differs from a clean build's",
                path.display()
            );
        }
        std::fs::remove_dir_all(&clean).unwrap();
        std::fs::remove_dir_all(tmp.path().join(format!(".clean{round}.handbook"))).unwrap();
    }
    assert!(
        kept_somewhere,
        "some rebuild kept most pages without writing them"
    );
}
