use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use handbook::diagnostic::{Format, count};
use handbook::site::{self, Options, UseBaseline};

use super::root::Root;
use super::ui::Ui;

/// `build`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub root: Root,
    /// Where to write the site [default: ROOT/public]
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replaces base_url from handbook.yaml
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Publish draft pages too
    #[arg(long)]
    pub drafts: bool,
    /// Write no search index and no search box
    #[arg(long = "no-search", action = clap::ArgAction::SetFalse)]
    pub search: bool,
    /// Write every link relative to its page, so the site opens from disk (file://) or from
    /// any folder of any host; base_url is not used
    #[arg(long, conflicts_with = "base_url")]
    pub relative_urls: bool,
    /// Fail (exit 1, writing nothing) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Publish despite the problems this baseline file holds (replaces `baseline:` in
    /// handbook.yaml); fail only on new ones
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = args.root.find(ui)?;
    let output = args.output.unwrap_or_else(|| root.join("public"));
    let options = Options {
        root,
        drafts: args.drafts,
        base_url: args.base_url,
        html: true,
        search: args.search,
        relative_urls: args.relative_urls,
        baseline: args
            .baseline
            .map_or(UseBaseline::Configured, UseBaseline::File),
        deny_warnings: args.deny_warnings,
        check_only: false,
    };
    let waiting = || {
        ui.info(format_args!(
            "waiting for another build into {} to finish",
            output.display()
        ));
    };
    let site::Built {
        checked,
        written,
        searched,
    } = match site::build(&options, &output, &waiting) {
        Ok(built) => built,
        Err(error) => return super::stopped(&options.root, error, Format::Human, ui),
    };
    ui.timings(&checked.timings);
    super::step_summary("handbook build", &checked);
    if checked.fails(args.deny_warnings) {
        super::print_human(&checked, &checked.diagnostics, args.deny_warnings, ui);
        ui.error(format_args!(
            "build failed; {} was left as it was",
            output.display()
        ));
        return Ok(ExitCode::from(1));
    }
    if !checked.diagnostics.is_empty() || checked.baselined.is_some() {
        super::print_human(&checked, &checked.diagnostics, false, ui);
    }
    let published = (0..checked.site.pages.len())
        .filter(|&i| checked.site.is_published(i))
        .count();
    let written = written.unwrap_or_default();
    ui.info(format_args!(
        "built {} into {} in {} ms ({} written, {} linked, {} unchanged, {} removed)",
        count(published, "page"),
        output.display(),
        started.elapsed().as_millis(),
        count(written.written, "file"),
        written.linked,
        written.unchanged,
        written.removed,
    ));
    if let Some(searched) = searched {
        ui.info(format_args!(
            "indexed {} for search in {} ms",
            count(searched.pages, "page"),
            searched.busy.as_millis()
        ));
    }
    // Freed with the process, at once: dropped piece by piece, the checked site (every page,
    // link and diagnostic) took tens of milliseconds at 10,000 pages, after the output was in
    // place. `run` is the command's last step.
    std::mem::forget(checked);
    Ok(ExitCode::SUCCESS)
}
