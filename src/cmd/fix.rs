//! `handbook fix`: makes every edit check found unambiguous (the `fix` of a diagnostic) and
//! prints what it changed as a unified diff.

use std::collections::BTreeMap;
use std::process::ExitCode;

use handbook::diagnostic::{Fix, Format};
use handbook::edit;
use handbook::site::{self, Options};

use super::root::Root;
use super::ui::Ui;

/// `fix`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the diff; change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub root: Root,
}

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let root = &args.root.find(ui)?;
    let dry_run = args.dry_run;
    // Every problem, a baseline's too: a fix is as welcome for an old problem as a new one.
    let options = Options {
        root: root.to_path_buf(),
        ..Options::default()
    };
    let checked = match site::check(&options) {
        Ok(checked) => checked,
        Err(error) => return super::stopped(root, error, Format::Human, ui),
    };
    let mut by_file: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for d in &checked.diagnostics {
        if let Some(fix) = d.fix() {
            by_file.entry(&d.file).or_default().push(fix);
        }
    }
    let (mut applied, mut files, mut skipped) = (0, 0, 0);
    for (file, fixes) in &by_file {
        let (real, text) = edit::read(&root.join(file))?;
        let edited = edit::apply(&text, fixes);
        skipped += edited.skipped;
        if edited.applied == 0 {
            continue;
        }
        print!(
            "{}",
            edit::unified_diff(file, &edited.before, &edited.after)
        );
        if !dry_run {
            edit::write_atomic(&real, &edited.after)?;
        }
        applied += edited.applied;
        files += 1;
    }
    let verb = if dry_run { "would fix" } else { "fixed" };
    let found = checked.diagnostics.len();
    let unsure = if skipped > 0 {
        format!(
            "; {skipped} {} not made, the text there not being as it was read",
            plural(skipped, "fix")
        )
    } else {
        String::new()
    };
    ui.info(format_args!(
        "{verb} {applied} of {found} {} in {files} {}{unsure}; `handbook check` lists what remains",
        plural(found, "problem"),
        plural(files, "file"),
    ));
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('x')) {
        (1, _) => word.to_string(),
        (_, true) => format!("{word}es"),
        _ => format!("{word}s"),
    }
}
