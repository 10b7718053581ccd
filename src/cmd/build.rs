use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use handbook::diagnostic::Format;
use handbook::site::{self, Options};

pub fn run(
    root: PathBuf,
    output: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let output = output.unwrap_or_else(|| root.join("public"));
    let options = Options {
        root,
        drafts,
        base_url,
        html: true,
    };
    let waiting = || {
        eprintln!(
            "waiting for another build into {} to finish",
            output.display()
        );
    };
    let site::Built { checked, written } = match site::build(&options, &output, &waiting) {
        Ok(built) => built,
        Err(error) => return super::stopped(&options.root, error, Format::Human),
    };
    if checked.has_errors() {
        super::print_human(&checked, &checked.diagnostics);
        eprintln!(
            "error: build failed; {} was left as it was",
            output.display()
        );
        return Ok(ExitCode::from(1));
    }
    if !checked.diagnostics.is_empty() {
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
    Ok(ExitCode::SUCCESS)
}
