//! `handbook schema`: the JSON Schema of each kind's front matter, with the team's declared
//! keys, printed or written for an editor to read.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use handbook::diagnostic::Format;
use handbook::model::Kind;
use handbook::schema;
use handbook::site::{self, Options, RunError};

use super::new::NewKind;
use super::root::Root;
use super::ui::Ui;

/// `schema`'s flags: one of `--kind` and `--out`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["kind", "out"]))]
pub struct Args {
    /// Print the schema of this kind
    #[arg(long, value_enum)]
    pub kind: Option<NewKind>,
    /// Write every kind's schema to this folder, as KIND.schema.json
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub root: Root,
}

/// Prints the schema of `kind`, or writes every kind's to `out` as `KIND.schema.json`.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let root = &args.root.find(ui)?;
    let (kind, out) = (args.kind, args.out);
    let options = Options {
        root: root.to_path_buf(),
        ..Options::default()
    };
    let config = match site::config(&options) {
        Ok(config) => config,
        Err(error) => return super::stopped(root, RunError::Config(error), Format::Human, ui),
    };
    let extra = &config.front_matter.extra_keys;
    let text = |kind| {
        let mut text =
            serde_json::to_string_pretty(&schema::front_matter(kind, extra)).unwrap_or_default();
        text.push('\n');
        text
    };
    if let Some(kind) = kind {
        print!("{}", text(kind_of(kind)));
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = out else {
        anyhow::bail!(
            "name a kind (`--kind process`) or a folder to write every kind's schema to (`--out DIR`)"
        );
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    for kind in schema::KINDS {
        let file = out.join(format!("{}.schema.json", kind.as_str()));
        handbook::edit::write_atomic(&file, &text(kind))?;
        ui.info(format_args!("wrote {}", file.display()));
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_of(kind: NewKind) -> Kind {
    match kind {
        NewKind::Department => Kind::Department,
        NewKind::Process => Kind::Process,
        NewKind::Playbook => Kind::Playbook,
        NewKind::Page => Kind::Page,
    }
}
