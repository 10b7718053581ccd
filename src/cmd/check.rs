use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use handbook::baseline::Baseline;
use handbook::changes::Changes;
use handbook::diagnostic::{Format, counts, github, gitlab, json, sarif};
use handbook::site::{self, Options, UseBaseline};

/// `check`'s flags, as parsed.
pub struct Args {
    pub root: PathBuf,
    pub format: Format,
    pub deny_warnings: bool,
    pub baseline: Option<PathBuf>,
    /// `--write-baseline`, with its file if one was named.
    pub write_baseline: Option<Option<PathBuf>>,
    pub changed_since: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(file) = args.write_baseline {
        return write_baseline(args.root, file);
    }
    let options = Options {
        root: args.root.clone(),
        baseline: args
            .baseline
            .map_or(UseBaseline::Configured, UseBaseline::File),
        ..Options::default()
    };
    let mut checked = match site::check(&options) {
        Ok(checked) => checked,
        Err(error) => return super::stopped(&options.root, error, args.format),
    };
    if let Some(rev) = &args.changed_since {
        let changes = Changes::since(&args.root, rev)?;
        checked.diagnostics.retain(|d| changes.concerns(d));
    }
    let diagnostics = &checked.diagnostics;
    let prefix = || super::ci_prefix(&args.root);
    match args.format {
        Format::Human => super::print_human(&checked, diagnostics),
        Format::Json => print!("{}", json::render(diagnostics, super::held(&checked))),
        Format::Github => print!("{}", github::render(diagnostics, &prefix())),
        Format::Sarif => print!("{}", sarif::render(diagnostics, &prefix())),
        Format::Gitlab => print!("{}", gitlab::render(diagnostics, &prefix())),
    }
    super::step_summary("handbook check", &checked);
    let fails = checked.has_errors() || (args.deny_warnings && !diagnostics.is_empty());
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Records every problem found today as the baseline, and says how to use it.
fn write_baseline(root: PathBuf, file: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let options = Options {
        root: root.clone(),
        ..Options::default()
    };
    let checked = site::check(&options)?;
    let file = file.unwrap_or_else(|| site::default_baseline_file(&root, &checked.site.config));
    let before = Baseline::load(&file).ok().map(|b| b.entries.len());
    let baseline = Baseline::of(&checked.diagnostics);
    baseline.write(&file).context("--write-baseline")?;
    let (errors, warnings) = counts(&checked.diagnostics);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let entries = |n: usize| match n {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let was = before.map_or(String::new(), |n| format!("; it held {}", entries(n)));
    eprintln!(
        "wrote {} ({}, {}) to {}{was}",
        entries(baseline.entries.len()),
        plural(errors, "error"),
        plural(warnings, "warning"),
        file.display()
    );
    if checked.site.config.baseline.is_none() {
        eprintln!(
            "add `baseline: {}` to handbook.yaml (or pass --baseline) so check and build hold problems against it",
            file.strip_prefix(&root).unwrap_or(&file).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
