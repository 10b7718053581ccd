//! One file per subcommand.

pub mod build;
pub mod check;
pub mod new;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use handbook::config::ConfigError;
use handbook::diagnostic::{Diagnostic, Format, github, human, json};
use handbook::site::{Checked, RunError};

/// Prints diagnostics the human way to stderr, with color on a terminal; then, when many
/// pages have front-matter keys of their own, the lines that declare them.
pub fn print_human(checked: &Checked, diagnostics: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let root_file = |file: &str| checked.source(file);
    eprint!("{}", human::frames(diagnostics, root_file, color));
    if let Some(keys) = handbook::check::unknown_keys::summary(&checked.site) {
        eprint!("{keys}");
    }
    eprint!("{}", human::summary(diagnostics));
}

/// Why a command could not run, reported. A handbook.yaml with mistakes is reported in the
/// asked format, like content (a code frame, `config` code, help lines), and the status is 2;
/// any other reason goes back to `main`, which says it in one line.
pub fn stopped(root: &Path, error: RunError, format: Format) -> anyhow::Result<ExitCode> {
    let RunError::Config(ConfigError::Invalid(problems)) = &error else {
        return Err(error.into());
    };
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let limit = handbook::config::MAX_CONFIG_SIZE;
            let source = |file: &str| handbook::walk::read_source(root, file, limit);
            eprint!("{}", human::render(problems, source, color));
            eprintln!(
                "error: {} is not valid, so nothing else was done",
                handbook::config::FILE
            );
        }
        Format::Json => print!("{}", json::render(problems)),
        Format::Github => print!("{}", github::render(problems)),
    }
    Ok(ExitCode::from(2))
}
