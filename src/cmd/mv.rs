//! `handbook mv OLD NEW`: moves a page or a folder of pages and rewrites what names it
//! ([`handbook::relocate`]), printing the edits as a unified diff.

use std::process::ExitCode;

use anyhow::Context;

use handbook::diagnostic::{Fix, Format};
use handbook::edit;
use handbook::relocate;
use handbook::site::{self, Options};

use super::root::Root;
use super::ui::Ui;

/// `mv`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The page or folder, inside content/ (`playbooks/demo.md`)
    pub old: String,
    /// Where it goes; never an existing file or folder
    pub new: String,
    /// Print the diff; change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub root: Root,
}

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let from = relocate::content_path(&args.old)?;
    let to = relocate::content_path(&args.new)?;
    let dry_run = args.dry_run;
    let root = &args.root.find(ui)?;
    let content = root.join("content");
    let folder = content.join(&from).is_dir();
    let options = Options {
        root: root.to_path_buf(),
        ..Options::default()
    };
    let checked = match site::check(&options) {
        Ok(checked) => checked,
        Err(error) => return super::stopped(root, error, Format::Human, ui),
    };
    let exists = |path: &str| content.join(path).symlink_metadata().is_ok();
    let source = |path: &str| std::fs::read_to_string(content.join(path)).ok();
    let plan = relocate::plan(&checked.site, &from, &to, folder, &exists, &source)?;
    let mut writes = Vec::new();
    for (path, fixes) in &plan.edits {
        let text = source(path).with_context(|| format!("cannot read content/{path}"))?;
        let fixes: Vec<&Fix> = fixes.iter().collect();
        let edited = edit::apply(&text, &fixes);
        if edited.skipped > 0 {
            anyhow::bail!(
                "content/{path}: {} of its edits cannot be made as planned, so nothing was moved",
                edited.skipped
            );
        }
        if edited.after == text {
            continue;
        }
        let after = plan.after(path);
        print!(
            "{}",
            edit::unified_diff_moved(
                &format!("content/{path}"),
                &format!("content/{after}"),
                &text,
                &edited.after
            )
        );
        writes.push((after, edited.after));
    }
    let pages = match plan.pages {
        1 => "1 page".to_string(),
        n => format!("{n} pages"),
    };
    let verb = if dry_run { "would move" } else { "moved" };
    ui.info(format_args!(
        "{verb} content/{from} to content/{to} ({pages}); {} {} rewritten",
        writes.len(),
        if writes.len() == 1 { "file" } else { "files" }
    ));
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let target = content.join(&to);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::rename(content.join(&from), &target)
        .with_context(|| format!("cannot move content/{from} to content/{to}"))?;
    for (path, text) in writes {
        edit::write_atomic(&content.join(path), &text)?;
    }
    Ok(ExitCode::SUCCESS)
}
