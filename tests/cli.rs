//! The command line itself, whole command (README, "Commands"): finding `handbook.yaml` from
//! inside the handbook, `new`'s ids and titles, `-q`/`-v`, `--color` and the variables it
//! honours, `--deny-warnings` saying why it failed, `check --watch` and shell completions.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use common::{fixture, fixture_copy};

/// The command with no color variable of the caller's leaking in.
fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn stderr_of(cmd: &mut Command) -> (i32, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A fresh scaffold (`init`), in a temp folder kept alive by the caller.
fn scaffold() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("h");
    handbook().arg("init").arg(&root).assert().code(0);
    (tmp, root)
}

#[test]
fn handbook_yaml_is_found_from_any_folder_inside_the_handbook() {
    let (_tmp, root) = scaffold();
    let home = root.join("content/index.md");
    let text = std::fs::read_to_string(&home).unwrap();
    std::fs::write(&home, format!("{text}\nSee [the notes](notes.md).\n")).unwrap();
    let playbooks = root.join("content/playbooks");
    assert!(playbooks.is_dir(), "the scaffold has content/playbooks/");

    // Run from content/playbooks/: the handbook above is checked, paths named from its root.
    handbook()
        .arg("check")
        .current_dir(&playbooks)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--> content/index.md:"))
        .stderr(predicate::str::contains("1 error, 0 warnings"));
    // -v says which handbook it found.
    handbook()
        .args(["-v", "check"])
        .current_dir(&playbooks)
        .assert()
        .stderr(predicate::str::contains("using the handbook at ../.. ("));

    // build writes into the handbook's public/, not the current folder's.
    std::fs::write(&home, text).unwrap();
    handbook()
        .arg("build")
        .current_dir(&playbooks)
        .assert()
        .code(0);
    assert!(root.join("public/index.html").is_file());
    assert!(!playbooks.join("public").exists());

    // `new` from inside, too.
    handbook()
        .args(["new", "playbook", "renewal-call"])
        .current_dir(&playbooks)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "created content/playbooks/renewal-call.md",
        ));
    assert!(playbooks.join("renewal-call.md").is_file());
}

/// A `content/` linked into the handbook (as when adopting an existing tree) is searched up
/// as the shell names it: through the handbook, not through where the link points.
#[cfg(unix)]
#[test]
fn handbook_yaml_is_found_through_a_linked_content_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("docs/content/guides");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("intro.md"), "# Intro\n\nSee [x](nope.md).\n").unwrap();
    std::fs::write(
        tmp.path().join("docs/content/index.md"),
        "# Home\n\n- [Intro](guides/intro.md)\n",
    )
    .unwrap();
    let root = tmp.path().join("h");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("handbook.yaml"), "title: H\n").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("docs/content"), root.join("content")).unwrap();
    let inside = root.join("content/guides");
    handbook()
        .arg("check")
        .current_dir(&inside)
        .env("PWD", &inside)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--> content/guides/intro.md:3:"));
}

#[test]
fn without_a_handbook_yaml_above_it_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    // A folder named handbook.yaml is not one.
    std::fs::create_dir(tmp.path().join("handbook.yaml")).unwrap();
    let (code, said) = stderr_of(handbook().arg("check").current_dir(tmp.path()));
    assert_eq!(code, 2, "{said}");
    assert!(
        said.starts_with("error: no handbook.yaml in ")
            && said.contains("or any folder above it: pass --root DIR, or start a handbook here with `handbook init`"),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");
}

#[test]
fn new_refuses_an_id_with_anything_but_lowercase_letters_digits_and_dashes() {
    let (_tmp, root) = scaffold();
    let before = common::snapshot(&root);
    let (code, said) = stderr_of(
        handbook()
            .args(["new", "playbook", "Bad Id", "--root"])
            .arg(&root),
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(said);
    for id in ["renewal_call", "x-", "café", "a/b", "a.b", "Renewal", ""] {
        handbook()
            .args(["new", "page", id, "--root"])
            .arg(&root)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("cannot be an id"));
    }
    assert!(common::snapshot(&root) == before, "nothing was written");
}

#[test]
fn new_titles_the_page_from_its_id_in_title_case() {
    let (_tmp, root) = scaffold();
    handbook()
        .args(["new", "process", "q4-renewal-review", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    let page =
        std::fs::read_to_string(root.join("content/processes/q4-renewal-review/index.md")).unwrap();
    assert!(page.contains("title: \"Q4 Renewal Review\""), "{page}");
    let sales = std::fs::read_to_string(root.join("content/departments/sales/index.md")).unwrap();
    assert!(
        sales.ends_with("- [Q4 Renewal Review](../../processes/q4-renewal-review/index.md)\n"),
        "{sales}"
    );
}

#[test]
fn deny_warnings_says_the_warnings_were_denied() {
    let orphan = fixture("check-orphan-page");
    let (code, said) = stderr_of(
        handbook()
            .args(["check", "--deny-warnings", "--root"])
            .arg(&orphan),
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!(said);

    // Two warnings are counted as two.
    let (_tmp, root) = fixture_copy("check-orphan-page");
    std::fs::write(root.join("content/alone.md"), "# Alone\n").unwrap();
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "0 errors, 2 warnings\nerror: 2 warnings denied by --deny-warnings\n",
        ));
    // With errors (here 3, and a warning), the errors are why: nothing more is said.
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(fixture("check-undefined-reference"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("denied").not());
    // Also in a machine format, where the report goes to stdout: the reason goes to stderr.
    handbook()
        .args(["check", "--format", "json", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::eq(
            "error: 2 warnings denied by --deny-warnings\n",
        ));
}

#[test]
fn build_deny_warnings_writes_nothing_and_says_why() {
    let (_tmp, root) = fixture_copy("check-orphan-page");
    let (code, said) = stderr_of(
        handbook()
            .args(["build", "--deny-warnings", "--root"])
            .arg(&root),
    );
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("warning[orphan-page]")
            && said.contains(
                "0 errors, 1 warning\nerror: 1 warning denied by --deny-warnings\nerror: build failed; "
            ),
        "{said}"
    );
    assert!(!root.join("public").exists(), "nothing was written");
    // Without the flag the same handbook builds, and says so in agreeing numbers.
    let (code, said) = stderr_of(handbook().args(["build", "--root"]).arg(&root));
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("0 errors, 1 warning\nbuilt 2 pages into "),
        "{said}"
    );
    assert!(root.join("public/lonely/index.html").is_file());
}

#[test]
fn quiet_says_only_what_fails_and_verbose_says_what_was_done() {
    let orphan = fixture("check-orphan-page");
    // A warning alone does not fail: -q says nothing at all.
    let (code, said) = stderr_of(handbook().args(["-q", "check", "--root"]).arg(&orphan));
    assert_eq!((code, said.as_str()), (0, ""));
    // The flags go before or after the command's name.
    let (code, said) = stderr_of(handbook().args(["check", "--quiet", "--root"]).arg(&orphan));
    assert_eq!((code, said.as_str()), (0, ""));
    // An error is said in full.
    let (code, said) = stderr_of(
        handbook()
            .args(["check", "-q", "--root"])
            .arg(fixture("check-broken-link")),
    );
    assert_eq!(code, 1);
    assert!(
        said.contains("error[broken-link]") && said.ends_with(", 0 warnings\n"),
        "{said}"
    );
    // A good build says nothing; new says nothing.
    let (_tmp, root) = scaffold();
    let (code, said) = stderr_of(handbook().args(["build", "-q", "--root"]).arg(&root));
    assert_eq!((code, said.as_str()), (0, ""));
    handbook()
        .args(["new", "page", "faq", "-q", "--root"])
        .arg(&root)
        .assert()
        .code(0)
        .stdout(predicate::eq(""));

    // -v: each step and how long it took.
    let (code, said) = stderr_of(handbook().args(["check", "-v", "--root"]).arg(&orphan));
    assert_eq!(code, 0);
    for step in [
        "read handbook.yaml",
        "load the pages",
        "resolve links and references",
        "check",
    ] {
        assert!(
            said.lines().any(|l| l.ends_with(&format!(" ms  {step}"))),
            "{step}: {said}"
        );
    }
    // Both at once is a mistake in the command line.
    handbook()
        .args(["check", "-q", "-v", "--root"])
        .arg(&orphan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

/// `--color` wins; under `auto`, NO_COLOR (set, not empty) turns color off, then
/// CLICOLOR_FORCE turns it on even into a pipe (as every test's stderr is).
#[test]
fn color_follows_the_flag_then_no_color_then_clicolor_force() {
    let broken = fixture("check-broken-link");
    let colored = |flags: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = handbook();
        cmd.args(flags).args(["check", "--root"]).arg(&broken);
        for (name, value) in vars {
            cmd.env(name, value);
        }
        let (code, said) = stderr_of(&mut cmd);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains("broken-link"), "{said}");
        said.contains('\x1b')
    };
    assert!(!colored(&[], &[]), "a pipe is not colored");
    assert!(colored(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]));
    assert!(
        colored(&[], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]),
        "NO_COLOR empty is unset"
    );
    assert!(colored(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(colored(&["--color=always"], &[]));
    assert!(!colored(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&["--color", "auto"], &[]));

    // The error line of the command itself is colored the same way.
    let (_, said) = stderr_of(
        handbook()
            .args(["--color", "always", "check", "--root"])
            .arg("/no/such/handbook"),
    );
    assert!(said.starts_with("\x1b["), "{said:?}");
    handbook()
        .args(["--color", "sometimes", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: auto, always, never",
        ));
}

#[test]
fn completions_cover_every_command_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let output = handbook().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.len() > 1000, "{shell}: {script}");
        for word in [
            "build",
            "check",
            "serve",
            "new",
            "init",
            "completions",
            "deny-warnings",
            "write-baseline",
            "playbook",
        ] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    handbook()
        .args(["completions", "powerpoint"])
        .assert()
        .code(2);
}

/// `check --watch` checks, then again after a save, each run its own report.
#[test]
fn check_watch_checks_again_after_every_save() {
    let (_tmp, root) = scaffold();
    let mut child = Process::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["check", "--watch", "--root"])
        .arg(&root)
        .env("HANDBOOK_TODAY", "2024-04-01")
        .env_remove("CLICOLOR_FORCE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Lines up to the next "watching" line: one run's report.
    let next_report = || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut report = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match lines.recv_timeout(left) {
                Ok(line) if line.starts_with("watching for changes") => return report,
                Ok(line) => report.push(line),
                Err(_) => break,
            }
        }
        panic!("no report within 30 s; so far: {report:#?}");
    };
    let first = next_report();
    let broken = root.join("content/index.md");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, format!("{text}\n[x](nope.md)\n")).unwrap();
    let second = next_report();
    std::fs::write(&broken, text).unwrap();
    let third = next_report();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first, ["no problems found"]);
    let second = second.join("\n");
    assert!(
        second.starts_with("error[broken-link]: link to `nope.md` does not resolve")
            && second.ends_with("1 error, 0 warnings"),
        "{second}"
    );
    assert_eq!(third, ["no problems found"]);
}
