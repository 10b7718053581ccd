use std::path::PathBuf;
use std::process::ExitCode;

use handbook::diagnostic::{Format, github, json};
use handbook::site::{self, Options};

pub fn run(root: PathBuf, format: Format, deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let options = Options {
        root,
        ..Options::default()
    };
    let checked = match site::check(&options) {
        Ok(checked) => checked,
        Err(error) => return super::stopped(&options.root, error, format),
    };
    let diagnostics = &checked.diagnostics;
    match format {
        Format::Human => super::print_human(&checked, diagnostics),
        Format::Json => print!("{}", json::render(diagnostics)),
        Format::Github => print!("{}", github::render(diagnostics)),
    }
    let fails = checked.has_errors() || (deny_warnings && !diagnostics.is_empty());
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
