use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use handbook::diagnostic::Format;
use handbook::site::{self, Options, UseBaseline};

/// `build`'s flags, as parsed.
pub struct Args {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub search: bool,
    pub relative_urls: bool,
    pub baseline: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let output = args.output.unwrap_or_else(|| args.root.join("public"));
    let options = Options {
        root: args.root,
        drafts: args.drafts,
        base_url: args.base_url,
        html: true,
        search: args.search,
        relative_urls: args.relative_urls,
        baseline: args
            .baseline
            .map_or(UseBaseline::Configured, UseBaseline::File),
    };
    let waiting = || {
        eprintln!(
            "waiting for another build into {} to finish",
            output.display()
        );
    };
    let site::Built {
        checked,
        written,
        searched,
    } = match site::build(&options, &output, &waiting) {
        Ok(built) => built,
        Err(error) => return super::stopped(&options.root, error, Format::Human),
    };
    super::step_summary("handbook build", &checked);
    if checked.has_errors() {
        super::print_human(&checked, &checked.diagnostics);
        eprintln!(
            "error: build failed; {} was left as it was",
            output.display()
        );
        return Ok(ExitCode::from(1));
    }
    if !checked.diagnostics.is_empty() || checked.baselined.is_some() {
        super::print_human(&checked, &checked.diagnostics);
    }
    let published = (0..checked.site.pages.len())
        .filter(|&i| checked.site.is_published(i))
        .count();
    let written = written.unwrap_or_default();
    eprintln!(
        "built {published} pages into {} in {} ms ({} files written, {} unchanged, {} removed)",
        output.display(),
        started.elapsed().as_millis(),
        written.written,
        written.unchanged,
        written.removed,
    );
    if let Some(searched) = searched {
        eprintln!(
            "indexed {} pages for search in {} ms",
            searched.pages,
            searched.busy.as_millis()
        );
    }
    Ok(ExitCode::SUCCESS)
}
