//! The write stage on its own: generations, manifests, and what a killed build leaves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::target::MARKER_TEXT;
use super::*;

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    target: Target,
}

fn site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    let target = Target::new(&root.join("public"), &root).unwrap();
    Site {
        _tmp: tmp,
        root,
        target,
    }
}

fn bytes(path: &str, text: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        contents: Contents::Bytes(text.as_bytes().to_vec()),
    }
}

fn build(site: &Site, files: &[OutputFile]) -> Summary {
    write_site(&site.target, files, &|| {
        panic!("nobody else holds the lock")
    })
    .unwrap()
}

/// Every file and folder under `dir`: files with their text, folders as `/`.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if e.file_type().is_dir() {
                (rel, "/".to_string())
            } else {
                (rel, std::fs::read_to_string(e.path()).unwrap())
            }
        })
        .collect()
}

/// What `files` look like on disk as a whole output.
fn expected(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::from([(MARKER.to_string(), MARKER_TEXT.to_string())]);
    for (path, text) in files {
        let mut rest = *path;
        while let Some((dir, _)) = rest.rsplit_once('/') {
            out.insert(dir.to_string(), "/".to_string());
            rest = dir;
        }
        out.insert(path.to_string(), text.to_string());
    }
    out
}

fn outputs(files: &[(&str, &str)]) -> Vec<OutputFile> {
    files.iter().map(|(p, t)| bytes(p, t)).collect()
}

const A: &[(&str, &str)] = &[
    ("index.html", "home"),
    ("processes/edge/index.html", "edge v1"),
    ("processes/old/index.html", "old"),
    ("handbook.css", "body{}"),
];
const B: &[(&str, &str)] = &[
    ("index.html", "home"),
    ("processes/edge/index.html", "edge v2"),
    ("handbook.css", "body{}"),
    ("playbooks/new/index.html", "new"),
];

#[test]
fn rebuilds_write_only_what_changed_and_remove_what_left() {
    let s = site();
    let public = &s.target.dir;
    let state = &s.target.state;

    let first = build(&s, &outputs(A));
    assert_eq!(
        first.written, 5,
        "a first build writes every file and the marker"
    );
    assert_eq!(tree(public), expected(A));
    assert!(state.join("live.manifest").is_file() && !state.join("prev").exists());

    let second = build(&s, &outputs(A));
    assert_eq!(
        (second.written, second.linked),
        (0, 5),
        "no generation to update yet: a fresh folder, every file linked from the live output"
    );
    assert_eq!(tree(public), expected(A));
    assert_eq!(
        tree(&state.join("prev")),
        expected(A),
        "the first build, kept"
    );
    assert!(state.join("prev.manifest").is_file());

    let third = build(&s, &outputs(A));
    assert_eq!(
        third,
        Summary {
            written: 0,
            linked: 0,
            unchanged: 5,
            removed: 0
        },
        "same site: nothing is written"
    );

    let fourth = build(&s, &outputs(B));
    assert_eq!(
        fourth,
        Summary {
            written: 2,
            linked: 0,
            unchanged: 3,
            removed: 1
        }
    );
    assert_eq!(tree(public), expected(B), "no trace of processes/old/");

    // The generation updated now is the third build's (A): the same two changes again, which
    // the live output holds.
    let fifth = build(&s, &outputs(B));
    assert_eq!((fifth.written, fifth.linked), (0, 2), "{fifth:?}");
    assert_eq!(build(&s, &outputs(B)).written, 0);
    assert_eq!(tree(public), expected(B));
    let names: Vec<String> = std::fs::read_dir(state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["live.manifest", "lock", "prev", "prev.manifest"]);
}

#[test]
fn a_file_changed_by_hand_is_rewritten_when_its_generation_comes_back() {
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(A));
    // Same size, other bytes: only its modification time gives it away.
    // The two generations share the file's inode (linked), so both now hold it.
    std::fs::write(s.target.dir.join("index.html"), "HOME").unwrap();
    let third = build(&s, &outputs(A));
    assert_eq!((third.written, third.linked), (1, 0), "{third:?}");
    assert_eq!(tree(&s.target.dir), expected(A));
    let fourth = build(&s, &outputs(A));
    assert_eq!(
        (fourth.written, fourth.linked, fourth.unchanged),
        (0, 1, 4),
        "replaced by the live output's good copy: {fourth:?}"
    );
    assert_eq!(tree(&s.target.dir), expected(A));
    assert_eq!(tree(&s.target.state.join("prev")), expected(A));
}

#[test]
fn an_update_dropped_halfway_leaves_the_output_and_the_next_build_whole() {
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(A));
    let before = tree(&s.target.dir);
    {
        let files = outputs(B);
        let update =
            Update::begin(&s.target, files.iter().map(|f| f.path.as_str()), &|| {}).unwrap();
        update.put(&files[1]).unwrap();
        assert!(
            !s.target.state.join("prev.manifest").exists(),
            "the manifest is gone before the generation changes"
        );
        // Dropped, as a failed render drops it.
    }
    assert_eq!(tree(&s.target.dir), before, "the live output is untouched");
    let next = build(&s, &outputs(B));
    assert_eq!(tree(&s.target.dir), expected(B));
    assert_eq!(
        next.written, 1,
        "compared by bytes without a manifest: only the page the dropped update missed"
    );
}

/// Two generations that share inodes (the second build linked every file from the first): a
/// build that changes a file replaces it in the generation it updates, and the live output,
/// which still holds the old file, is never written into, before the swap or after.
#[cfg(unix)]
#[test]
fn a_file_shared_with_the_live_output_is_replaced_never_written_into() {
    use std::os::unix::fs::MetadataExt;
    let s = site();
    build(&s, &outputs(A));
    assert_eq!(build(&s, &outputs(A)).linked, 5);
    let edge = "processes/edge/index.html";
    let inode = |dir: &Path| std::fs::metadata(dir.join(edge)).unwrap().ino();
    let prev = s.target.state.join("prev");
    assert_eq!(inode(&s.target.dir), inode(&prev), "linked, not written");

    let files = outputs(B);
    let update = Update::begin(&s.target, files.iter().map(|f| f.path.as_str()), &|| {}).unwrap();
    for file in &files {
        update.put(file).unwrap();
    }
    assert_eq!(
        tree(&s.target.dir),
        expected(A),
        "the live output, mid-build"
    );
    assert_ne!(inode(&s.target.dir), inode(&prev));
    let summary = update.commit().unwrap();
    assert_eq!((summary.written, summary.linked), (2, 0), "{summary:?}");
    assert_eq!(tree(&s.target.dir), expected(B));
    assert_eq!(
        tree(&prev),
        expected(A),
        "the old live output, byte for byte"
    );
}

#[test]
fn a_live_file_changed_or_gone_is_written_not_linked() {
    let s = site();
    build(&s, &outputs(A));
    // Same size, other bytes: only its modification time tells the manifest it changed.
    std::fs::write(s.target.dir.join("index.html"), "HOME").unwrap();
    std::fs::remove_file(s.target.dir.join("handbook.css")).unwrap();
    let second = build(&s, &outputs(A));
    assert_eq!((second.written, second.linked), (2, 3), "{second:?}");
    assert_eq!(tree(&s.target.dir), expected(A));
}

#[test]
fn an_unsafe_path_fails_the_build_before_anything_is_touched() {
    let s = site();
    build(&s, &outputs(A));
    let before = tree(&s.target.dir);
    let mut files = outputs(A);
    files.push(bytes("../../escaped/x.html", "gotcha"));
    let error = write_site(&s.target, &files, &|| {}).unwrap_err();
    assert!(
        matches!(&error, WriteError::UnsafePath { path, .. } if path == "../../escaped/x.html"),
        "{error}"
    );
    assert_eq!(tree(&s.target.dir), before);
    assert!(
        !s.root
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("escaped")
            .exists()
    );
    assert!(
        !s.target.state.join("prev").exists() && s.target.state.join("live.manifest").exists(),
        "refused before the first step"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_planted_in_the_generation_is_removed_not_written_through() {
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(A));
    let outside = s.root.join("outside.html");
    std::fs::write(&outside, "precious").unwrap();
    let planted = s.target.state.join("prev/index.html");
    std::fs::remove_file(&planted).unwrap();
    std::os::unix::fs::symlink(&outside, &planted).unwrap();
    std::os::unix::fs::symlink(&s.root, s.target.state.join("prev/processes/link")).unwrap();
    build(&s, &outputs(A));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    assert_eq!(tree(&s.target.dir), expected(A));
    assert!(s.root.join("content").is_dir());
}

#[test]
fn files_and_folders_trade_places() {
    let s = site();
    let one = [("a", "file a"), ("b/index.html", "b")];
    let two = [("a/index.html", "a"), ("b", "file b")];
    for files in [&one[..], &two, &one, &two, &one] {
        build(&s, &outputs(files));
        assert_eq!(tree(&s.target.dir), expected(files));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_file_in_the_generation_is_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let static_dir = s.root.join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    let logo = static_dir.join("logo.svg");
    std::fs::write(&logo, "<svg/>").unwrap();
    std::fs::set_permissions(&logo, std::fs::Permissions::from_mode(0o444)).unwrap();
    let files = |svg: &str| {
        std::fs::set_permissions(&logo, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&logo, svg).unwrap();
        vec![OutputFile {
            path: "logo.svg".into(),
            contents: Contents::Copy(logo.clone()),
        }]
    };
    build(&s, &files("<svg/>"));
    build(&s, &files("<svg/>"));
    let prev_logo = s.target.state.join("prev/logo.svg");
    std::fs::set_permissions(&prev_logo, std::fs::Permissions::from_mode(0o444)).unwrap();
    build(&s, &files("<svg>2</svg>"));
    assert_eq!(
        std::fs::read_to_string(s.target.dir.join("logo.svg")).unwrap(),
        "<svg>2</svg>"
    );
}

#[test]
fn a_build_killed_inside_the_two_rename_fallback_is_repaired() {
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(B));
    let state = &s.target.state;
    // Killed after the fallback's first rename: the live output is at swap/, none at public/.
    std::fs::rename(&s.target.dir, state.join("swap")).unwrap();
    std::fs::remove_file(state.join("live.manifest")).unwrap();
    build(&s, &outputs(A));
    assert_eq!(tree(&s.target.dir), expected(A));
    assert!(!state.join("swap").exists());

    // Killed after the second: public/ is the new output, prev/ is missing.
    std::fs::rename(state.join("prev"), state.join("swap")).unwrap();
    build(&s, &outputs(B));
    assert_eq!(tree(&s.target.dir), expected(B));
    assert_eq!(tree(&state.join("prev")), expected(A));
}

#[test]
fn a_generation_handbook_did_not_write_is_refused() {
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(A));
    let prev = s.target.state.join("prev");
    std::fs::remove_file(prev.join(MARKER)).unwrap();
    let error = write_site(&s.target, &outputs(A), &|| {}).unwrap_err();
    assert!(
        matches!(
            &error,
            WriteError::Refused {
                reason: Refusal::NotOurs,
                ..
            }
        ),
        "{error}"
    );
    assert!(tree(&prev).contains_key("index.html"), "left as it was");
}

/// A build whose `late` files are written after the others, as the search index is.
fn build_late(site: &Site, files: &[OutputFile], late: &[OutputFile]) -> Summary {
    let update = Update::begin_with_late(
        &site.target,
        files.iter().map(|f| f.path.as_str()),
        &["search"],
        &|| {},
    )
    .unwrap();
    for file in files {
        update.put(file).unwrap();
    }
    for file in late {
        update.put_late(file).unwrap();
    }
    update.commit().unwrap()
}

#[test]
fn late_files_are_kept_when_unchanged_and_removed_when_gone() {
    let s = site();
    let v1 = [("search/index/a.pf", "a"), ("search/entry.json", "1")];
    let v2 = [("search/index/b.pf", "b"), ("search/entry.json", "1")];
    let all = |late: &[(&str, &str)]| expected(&[A, late].concat());
    build_late(&s, &outputs(A), &outputs(&v1));
    build_late(&s, &outputs(A), &outputs(&v1));
    assert_eq!(tree(&s.target.dir), all(&v1));
    let same = build_late(&s, &outputs(A), &outputs(&v1));
    assert_eq!(
        same,
        Summary {
            written: 0,
            linked: 0,
            unchanged: 7,
            removed: 0
        },
        "late files held from two builds ago are not written again"
    );
    let next = build_late(&s, &outputs(A), &outputs(&v2));
    assert_eq!((next.written, next.removed), (1, 1), "{next:?}");
    assert_eq!(
        tree(&s.target.dir),
        all(&v2),
        "no trace of search/index/a.pf"
    );
    let none = build_late(&s, &outputs(A), &[]);
    assert_eq!(none.removed, 2, "{none:?}");
    build_late(&s, &outputs(A), &[]);
    assert_eq!(tree(&s.target.dir), expected(A), "the empty folders go too");
}

#[test]
fn a_late_folder_refuses_other_files_and_late_files_elsewhere() {
    let s = site();
    let files = outputs(&[("index.html", "home"), ("search/x.html", "mine")]);
    let error = Update::begin_with_late(
        &s.target,
        files.iter().map(|f| f.path.as_str()),
        &["search"],
        &|| {},
    )
    .unwrap_err();
    assert!(
        matches!(&error, WriteError::Reserved { path, folder } if path == "search/x.html" && folder == "search"),
        "{error:?}"
    );
    let files = outputs(A);
    let update = Update::begin_with_late(
        &s.target,
        files.iter().map(|f| f.path.as_str()),
        &["search"],
        &|| {},
    )
    .unwrap();
    for bad in ["elsewhere/x.pf", "search/../x.pf", "searchlight/x.pf"] {
        assert!(
            matches!(
                update.put_late(&bytes(bad, "x")),
                Err(WriteError::UnsafePath { .. })
            ),
            "{bad}"
        );
    }
}

/// Deep pages, each in folders of its own: `deep/d0/p0/index.html`, ...
fn deep(n: usize, text: &str) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("deep/d{}/p{i}/index.html", i % 7),
                format!("{text} {i}"),
            )
        })
        .collect()
}

fn pairs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect()
}

/// As if the folder thread were behind every write: each write, link and copy makes its own
/// folder, and the output is the same.
#[test]
fn a_file_whose_folder_is_not_made_yet_is_written_linked_or_copied_all_the_same() {
    folders::UNMADE.set(true);
    let s = site();
    let pages = deep(40, "v1");
    let mut files = pairs(&pages);
    files.extend_from_slice(A);
    let first = build(&s, &outputs(&files));
    assert_eq!(first.written, files.len() + 1, "{first:?}");
    assert_eq!(tree(&s.target.dir), expected(&files));
    // `prev/` is empty: every file is linked from the live output, into folders not made yet.
    let second = build(&s, &outputs(&files));
    assert_eq!(second.linked, files.len() + 1, "{second:?}");
    assert_eq!(tree(&s.target.dir), expected(&files));

    let static_dir = s.root.join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(static_dir.join("logo.svg"), "<svg/>").unwrap();
    let mut with_copy = outputs(&files);
    with_copy.push(OutputFile {
        path: "assets/img/logo.svg".into(),
        contents: Contents::Copy(static_dir.join("logo.svg")),
    });
    build(&s, &with_copy);
    files.push(("assets/img/logo.svg", "<svg/>"));
    assert_eq!(tree(&s.target.dir), expected(&files));
    folders::UNMADE.set(false);
}

/// The folder thread and the writes that get ahead of it make the same folders: many pages,
/// written at once from every thread, in reverse (each write ahead of the thread).
#[test]
fn writes_ahead_of_the_folder_thread_and_the_thread_agree() {
    let s = site();
    let pages = deep(2000, "v1");
    let files = outputs(&pairs(&pages));
    let update = Update::begin(&s.target, files.iter().map(|f| f.path.as_str()), &|| {}).unwrap();
    files
        .par_iter()
        .rev()
        .try_for_each(|f| update.put(f))
        .unwrap();
    assert_eq!(update.commit().unwrap().written, 2001);
    assert_eq!(tree(&s.target.dir), expected(&pairs(&pages)));
}

/// Dropped while its folders are being made (as a failed render drops it): the folder thread
/// stops before the lock is let go, the live output stays, and the next build is whole.
#[test]
fn an_update_dropped_while_its_folders_are_made_leaves_the_output_and_the_next_build_whole() {
    let s = site();
    build(&s, &outputs(A));
    let before = tree(&s.target.dir);
    let pages = deep(3000, "v2");
    let files = outputs(&pairs(&pages));
    let update = Update::begin(&s.target, files.iter().map(|f| f.path.as_str()), &|| {}).unwrap();
    update.put(&files[2999]).unwrap();
    drop(update);
    let prev = s.target.state.join("prev");
    let made = tree(&prev).len();
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(
        tree(&prev).len(),
        made,
        "no folder is made once the update is dropped"
    );
    assert_eq!(tree(&s.target.dir), before, "the live output is untouched");
    build(&s, &files);
    assert_eq!(tree(&s.target.dir), expected(&pairs(&pages)));
}

/// A file at a folder's path (`a` beside `a/index.html`) fails the build with the error it
/// failed with when every folder was made before the first write, whichever comes first.
#[test]
fn a_file_in_the_way_of_a_folder_fails_as_before() {
    for unmade in [false, true] {
        folders::UNMADE.set(unmade);
        let s = site();
        build(&s, &outputs(A));
        let before = tree(&s.target.dir);
        let files = outputs(&[
            ("a", "file a"),
            ("a/index.html", "a"),
            ("a/b/index.html", "b"),
        ]);
        let error = write_site(&s.target, &files, &|| {}).unwrap_err();
        let prev_a = s.target.state.join("prev/a");
        assert!(
            matches!(&error, WriteError::Io { path, source }
                if *path == prev_a && source.kind() == std::io::ErrorKind::AlreadyExists),
            "{error:?}"
        );
        assert_eq!(tree(&s.target.dir), before, "the live output is untouched");
    }
    folders::UNMADE.set(false);
}

/// What the generation holds beyond the site is removed, however deep, and a folder whose name
/// is not UTF-8 with all it holds (its `index.html` is no page's, whatever its name says).
#[cfg(unix)]
#[test]
fn stale_folders_of_any_name_are_removed_with_what_they_hold() {
    use std::os::unix::ffi::OsStrExt;
    let s = site();
    build(&s, &outputs(A));
    build(&s, &outputs(A));
    let prev = s.target.state.join("prev");
    let odd = prev.join(std::ffi::OsStr::from_bytes(b"odd\xff"));
    std::fs::create_dir_all(odd.join("processes")).unwrap();
    std::fs::write(odd.join("index.html"), "home").unwrap();
    std::fs::write(odd.join("processes/edge"), "x").unwrap();
    std::fs::create_dir_all(prev.join("gone/deeper/still")).unwrap();
    std::fs::write(prev.join("gone/deeper/still/index.html"), "x").unwrap();
    let summary = build(&s, &outputs(A));
    assert_eq!(summary.removed, 3, "{summary:?}");
    assert_eq!(tree(&s.target.dir), expected(A));
}

/// The generation's marker is there before any of its folders is made: a build killed in
/// between leaves a `prev/` the next build takes as its own, not one it refuses.
#[test]
fn a_generation_holds_its_marker_before_its_first_folder_is_made() {
    let s = site();
    let marker = s.target.state.join("prev").join(MARKER);
    let seen = std::rc::Rc::new(std::cell::Cell::new(None));
    let seen_at_start = std::rc::Rc::clone(&seen);
    folders::ON_START.set(Some(Box::new(move |paths: &[PathBuf]| {
        seen_at_start.set(Some((paths.len(), marker.is_file())));
    })));
    build(&s, &outputs(A));
    let (folders, marked) = seen.get().expect("the folder thread was started");
    assert!(folders > 0);
    assert!(marked, "folders were made before the marker was written");
}
