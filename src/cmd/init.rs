//! `handbook init [DIR]`: a small handbook that builds and checks clean with `--deny-warnings`
//! at once, for a team to grow from (README, "Getting started").

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::ui::Ui;

/// `init`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create it: an empty or new folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// The scaffold's files: where each goes, and its text.
const FILES: &[(&str, &str)] = &[
    ("handbook.yaml", include_str!("init/handbook.yaml")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/index.md", include_str!("init/index.md")),
    (
        "content/departments/sales/index.md",
        include_str!("init/department.md"),
    ),
    (
        "content/processes/new-business/index.md",
        include_str!("init/process.md"),
    ),
    (
        "content/playbooks/discovery-call.md",
        include_str!("init/playbook.md"),
    ),
];

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let dir = args.dir.as_path();
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot start a handbook in {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: `handbook init` starts a handbook only in an empty or new folder",
                dir.display()
            );
        }
    }
    for (path, text) in FILES {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        // `create_new`: a file appearing while this runs is never overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .with_context(|| format!("writing {}", file.display()))?;
        ui.say(format_args!("created {path}"));
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    ui.say(format_args!(
        "\nPreview it with `{cd}handbook serve`; add pages with `handbook new KIND ID`; \
         check it in CI with `handbook check` (README, \"In CI\")."
    ));
    Ok(ExitCode::SUCCESS)
}
