//! One file per subcommand (its flags as an `Args` struct, and `run`), the flags every
//! command shares ([`ui`], [`root`]), and the reporting `check` and `build` share.

pub mod build;
pub mod check;
pub mod completions;
pub mod fix;
pub mod init;
pub mod mv;
pub mod new;
pub mod root;
pub mod schema;
pub mod serve;
pub mod ui;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use handbook::config::ConfigError;
use handbook::diagnostic::{
    Diagnostic, Format, Held, count, counts, github, gitlab, human, json, sarif, summary,
};
use handbook::site::{Checked, RunError};

use ui::Ui;

/// Prints diagnostics the human way to stderr; then, when many pages have front-matter keys of
/// their own, the lines that declare them; then what a baseline held back. With `-q`, only what
/// fails the run: the errors, and the warnings `deny_warnings` fails on.
pub fn print_human(checked: &Checked, diagnostics: &[Diagnostic], deny_warnings: bool, ui: &Ui) {
    let root_file = |file: &str| checked.source(file);
    if ui.is_quiet() {
        let failing: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| deny_warnings || d.is_error())
            .cloned()
            .collect();
        if !failing.is_empty() {
            eprint!("{}", human::frames(&failing, root_file, ui.color));
            eprint!("{}", human::summary(diagnostics));
        }
        denied(diagnostics, deny_warnings, ui);
        return;
    }
    eprint!("{}", human::frames(diagnostics, root_file, ui.color));
    if let Some(keys) = handbook::check::unknown_keys::summary(&checked.site) {
        eprint!("{keys}");
    }
    eprint!("{}", human::summary(diagnostics));
    denied(diagnostics, deny_warnings, ui);
    if let Some(held) = held(checked) {
        eprintln!("{}", held.line());
        const SHOWN: usize = 10;
        for fixed in held.fixed.iter().take(SHOWN) {
            let subject = fixed
                .subject
                .as_deref()
                .map_or(String::new(), |s| format!(" `{s}`"));
            eprintln!("  fixed: {} {}{subject}", fixed.file, fixed.code);
        }
        if held.fixed.len() > SHOWN {
            eprintln!("  and {} more fixed", held.fixed.len() - SHOWN);
        }
    }
}

/// Says that warnings fail the run, when only `--deny-warnings` makes it fail: the summary
/// line alone ("0 errors, 1 warning") would not say why the status is 1.
pub fn denied(diagnostics: &[Diagnostic], deny_warnings: bool, ui: &Ui) {
    let (errors, warnings) = counts(diagnostics);
    if deny_warnings && errors == 0 && warnings > 0 {
        ui.error(format_args!(
            "{} denied by --deny-warnings",
            count(warnings, "warning")
        ));
    }
}

/// What the run's baseline held back, if it had one.
pub fn held(checked: &Checked) -> Option<Held<'_>> {
    checked.baselined.as_ref().map(|b| Held {
        file: b
            .file
            .strip_prefix(&checked.root)
            .unwrap_or(&b.file)
            .to_str()
            .unwrap_or("the baseline"),
        baselined: b.diagnostics.len(),
        fixed: &b.fixed,
    })
}

/// The handbook's folder inside the CI checkout (`docs/`, or empty at its root), read from
/// `GITHUB_WORKSPACE` or `CI_PROJECT_DIR`: GitHub and GitLab read paths from the repository's
/// root, where diagnostics name files from the handbook's.
pub fn ci_prefix(root: &Path) -> String {
    let Ok(root) = root.canonicalize() else {
        return String::new();
    };
    ["GITHUB_WORKSPACE", "CI_PROJECT_DIR"]
        .iter()
        .filter_map(std::env::var_os)
        .filter_map(|dir| Path::new(&dir).canonicalize().ok())
        .find_map(|dir| root.strip_prefix(&dir).ok().map(Path::to_path_buf))
        .map(|inside| {
            let parts: Vec<String> = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.iter().map(|p| format!("{p}/")).collect()
        })
        .unwrap_or_default()
}

/// Appends the Markdown summary to `$GITHUB_STEP_SUMMARY` when it is set, whatever the format.
/// A summary that cannot be written is a warning: the run's result stands.
pub fn step_summary(title: &str, checked: &Checked) {
    let Some(file) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|f| !f.is_empty()) else {
        return;
    };
    let prefix = ci_prefix(&checked.root);
    let blob = match (
        std::env::var("GITHUB_SERVER_URL"),
        std::env::var("GITHUB_REPOSITORY"),
        std::env::var("GITHUB_SHA"),
    ) {
        (Ok(server), Ok(repo), Ok(sha)) => Some(format!("{server}/{repo}/blob/{sha}/")),
        _ => None,
    };
    let links = summary::Links {
        prefix: &prefix,
        blob: blob.as_deref(),
    };
    let text = summary::render(
        title,
        &checked.diagnostics,
        held(checked),
        links,
        summary::LIMIT,
    );
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .and_then(|mut f| f.write_all(format!("{text}\n").as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "warning: cannot write the step summary to {}: {e}",
            Path::new(&file).display()
        );
    }
}

/// Why a command could not run, reported. A handbook.yaml with mistakes is reported in the
/// asked format, like content (a code frame, `config` code, help lines), and the status is 2;
/// any other reason goes back to `main`, which says it in one line.
pub fn stopped(root: &Path, error: RunError, format: Format, ui: &Ui) -> anyhow::Result<ExitCode> {
    let RunError::Config(ConfigError::Invalid(problems)) = &error else {
        return Err(error.into());
    };
    match format {
        Format::Human => {
            let limit = handbook::config::MAX_CONFIG_SIZE;
            let source = |file: &str| handbook::walk::read_source(root, file, limit);
            eprint!("{}", human::render(problems, source, ui.color));
            ui.error(format_args!(
                "{} is not valid, so nothing else was done",
                handbook::config::FILE
            ));
        }
        Format::Json => print!("{}", json::render(problems, None)),
        Format::Github => print!("{}", github::render(problems, &ci_prefix(root))),
        Format::Sarif => print!("{}", sarif::render(problems, &ci_prefix(root))),
        Format::Gitlab => print!("{}", gitlab::render(problems, &ci_prefix(root))),
    }
    Ok(ExitCode::from(2))
}
