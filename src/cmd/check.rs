use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context;

use handbook::baseline::Baseline;
use handbook::changes::Changes;
use handbook::diagnostic::{Format, count, counts, github, gitlab, json, sarif};
use handbook::site::{self, Options, UseBaseline};

use super::root::Root;
use super::ui::Ui;

/// `check`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub root: Root,
    /// How to report: human (stderr), or json, github, sarif, gitlab (stdout)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Fail only on problems this baseline file does not hold (replaces `baseline:` in
    /// handbook.yaml); report its entries that are fixed
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every problem found today as the baseline, in FILE [default: the `baseline:` of
    /// handbook.yaml, else ROOT/handbook-baseline.json], and exit 0
    #[arg(
        long,
        value_name = "FILE",
        num_args = 0..=1,
        conflicts_with_all = ["baseline", "changed_since", "deny_warnings", "watch"]
    )]
    pub write_baseline: Option<Option<PathBuf>>,
    /// Report only problems in files changed since this git revision (commits, edits,
    /// untracked files) and problems the change causes elsewhere
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Check again after every save, until Ctrl-C; on a terminal the screen is cleared first
    #[arg(long)]
    pub watch: bool,
    /// With --watch: poll for changes instead of relying on file-system events (network
    /// drives, some VMs)
    #[arg(long, requires = "watch")]
    pub poll: bool,
}

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let root = args.root.find(ui)?;
    if let Some(file) = &args.write_baseline {
        return write_baseline(root, file.clone(), ui);
    }
    if args.watch {
        return watch(&args, &root, ui);
    }
    once(&args, &root, ui)
}

/// One check, reported in the asked format; the status it ends with.
fn once(args: &Args, root: &Path, ui: &Ui) -> anyhow::Result<ExitCode> {
    let options = Options {
        root: root.to_path_buf(),
        baseline: args
            .baseline
            .clone()
            .map_or(UseBaseline::Configured, UseBaseline::File),
        check_only: true,
        ..Options::default()
    };
    let mut checked = match site::check(&options) {
        Ok(checked) => checked,
        Err(error) => return super::stopped(root, error, args.format, ui),
    };
    ui.timings(&checked.timings);
    if let Some(rev) = &args.changed_since {
        let changes = Changes::since(root, rev)?;
        checked.diagnostics.retain(|d| changes.concerns(d));
    }
    let diagnostics = &checked.diagnostics;
    let prefix = || super::ci_prefix(root);
    match args.format {
        Format::Human => super::print_human(&checked, diagnostics, args.deny_warnings, ui),
        Format::Json => print!("{}", json::render(diagnostics, super::held(&checked))),
        Format::Github => print!("{}", github::render(diagnostics, &prefix())),
        Format::Sarif => print!("{}", sarif::render(diagnostics, &prefix())),
        Format::Gitlab => print!("{}", gitlab::render(diagnostics, &prefix())),
    }
    if args.format != Format::Human {
        super::denied(diagnostics, args.deny_warnings, ui);
    }
    super::step_summary("handbook check", &checked);
    let code = if checked.fails(args.deny_warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if !args.watch {
        // The process ends here: freeing every string of every page one by one, on one
        // thread, cost more than checking them (about 2% of a 1,000-page check).
        std::mem::forget(checked);
    }
    Ok(code)
}

/// Checks, then checks again after each batch of saves, until Ctrl-C (which ends the process:
/// nothing is left half-written, since `check` writes nothing). The watcher is `serve`'s.
fn watch(args: &Args, root: &Path, ui: &Ui) -> anyhow::Result<ExitCode> {
    let root =
        std::fs::canonicalize(root).with_context(|| format!("cannot open {}", root.display()))?;
    let (changes, saved) = mpsc::channel();
    handbook::serve::watch::spawn(&root, args.poll, move |paths| {
        // The receiver goes only when this process ends.
        let _ = changes.send(paths);
    })?;
    let clear = std::io::stderr().is_terminal();
    loop {
        if clear {
            // Home, clear the screen and its scrollback: each run starts on a clean page.
            eprint!("\x1b[H\x1b[2J\x1b[3J");
            let _ = std::io::stderr().flush();
        }
        let started = Instant::now();
        if let Err(e) = once(args, &root, ui) {
            ui.error(format_args!("{e:#}"));
        }
        let _ = std::io::stdout().flush();
        ui.detail(format_args!(
            "checked in {} ms",
            started.elapsed().as_millis()
        ));
        ui.info("watching for changes; Ctrl-C to stop");
        let Ok(mut paths) = saved.recv() else {
            return Ok(ExitCode::SUCCESS);
        };
        // Saves that came in during the check are one change: check once for them.
        paths.extend(saved.try_iter().flatten());
        for path in &paths {
            let shown = path.strip_prefix(&root).unwrap_or(path);
            ui.detail(format_args!("changed: {}", shown.display()));
        }
    }
}

/// Records every problem found today as the baseline, and says how to use it.
fn write_baseline(root: PathBuf, file: Option<PathBuf>, ui: &Ui) -> anyhow::Result<ExitCode> {
    let options = Options {
        root: root.clone(),
        ..Options::default()
    };
    let checked = site::check(&options)?;
    ui.timings(&checked.timings);
    let file = file.unwrap_or_else(|| site::default_baseline_file(&root, &checked.site.config));
    let before = Baseline::load(&file).ok().map(|b| b.entries.len());
    let baseline = Baseline::of(&checked.diagnostics);
    baseline.write(&file).context("--write-baseline")?;
    let (errors, warnings) = counts(&checked.diagnostics);
    let entries = |n: usize| match n {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let was = before.map_or(String::new(), |n| format!("; it held {}", entries(n)));
    ui.info(format_args!(
        "wrote {} ({}, {}) to {}{was}",
        entries(baseline.entries.len()),
        count(errors, "error"),
        count(warnings, "warning"),
        file.display()
    ));
    if checked.site.config.baseline.is_none() {
        ui.info(format_args!(
            "add `baseline: {}` to handbook.yaml (or pass --baseline) so check and build hold problems against it",
            file.strip_prefix(&root).unwrap_or(&file).display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
