//! The `handbook` command line: parse flags, call the library, map outcomes to exit codes
//! (0 clean, 1 content errors, 2 could not run).

mod cmd;

/// mimalloc: loading and rendering allocate many small strings on every core at once, which
/// the system allocator serves measurably slower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use handbook::diagnostic::Format;

#[derive(Parser)]
#[command(
    name = "handbook",
    version,
    about = "Compile a sales handbook into a cross-linked static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder; fails, leaving the old output alone, on any error.
    Build {
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Replaces base_url from handbook.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Publish draft pages too.
        #[arg(long)]
        drafts: bool,
        /// Publish despite the problems this baseline file holds (replaces `baseline:` in
        /// handbook.yaml); fail only on new ones.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Check every link and reference; renders nothing.
    Check {
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to report: human (stderr), or json, github, sarif, gitlab (stdout).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Fail only on problems this baseline file does not hold (replaces `baseline:` in
        /// handbook.yaml); report its entries that are fixed.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record every problem found today as the baseline, in FILE [default: the `baseline:`
        /// of handbook.yaml, else ROOT/handbook-baseline.json], and exit 0.
        #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with_all = ["baseline", "changed_since", "deny_warnings"])]
        write_baseline: Option<Option<PathBuf>>,
        /// Report only problems in files changed since this git revision (commits, edits,
        /// untracked files) and problems the change causes elsewhere.
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
    },
    /// Preview the handbook: build into memory, serve it, rebuild and reload on every save.
    Serve {
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on; 127.0.0.1 keeps the preview on this machine.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port; when taken, the next free one of the following ten is used.
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Open the preview in a browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of relying on file-system events (network drives, some VMs).
        #[arg(long)]
        poll: bool,
    },
    /// Write a new department, process, playbook or page with its front matter to fill in,
    /// and link to it from its parent page.
    New {
        /// What kind of page.
        #[arg(value_enum)]
        kind: cmd::new::NewKind,
        /// Its id: letters, digits and dashes (`renewal-call`).
        id: String,
        /// Its title [default: the id, dashes as spaces].
        #[arg(long)]
        title: Option<String>,
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a handbook in DIR: handbook.yaml, a home page, a department, a process and a
    /// playbook linked together, and a .gitignore for the output. DIR must be empty or absent.
    Init {
        /// Where to create it.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Make every fix check is sure of (a case, a near anchor, path or id) and print the
    /// changes as a unified diff.
    Fix {
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print the diff; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Move or rename a page or a folder of pages, rewriting every link and reference to it
    /// and keeping its old URL as an alias.
    Mv {
        /// The page or folder, inside content/ (`playbooks/demo.md`).
        old: String,
        /// Where it goes; never an existing file or folder.
        new: String,
        /// Print the diff; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The folder holding handbook.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print or write the JSON Schema of each kind's front matter, for editors.
    #[command(group = clap::ArgGroup::new("what").required(true).args(["kind", "out"]))]
    Schema {
        /// Print the schema of this kind.
        #[arg(long, value_enum)]
        kind: Option<cmd::new::NewKind>,
        /// Write every kind's schema to this folder, as KIND.schema.json.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The folder holding handbook.yaml (its declared front-matter keys join the schema).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        reset_sigpipe();
    }
    let result = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            baseline,
        } => cmd::build::run(cmd::build::Args {
            root,
            output,
            base_url,
            drafts,
            baseline,
        }),
        Command::Check {
            root,
            format,
            deny_warnings,
            baseline,
            write_baseline,
            changed_since,
        } => cmd::check::run(cmd::check::Args {
            root,
            format,
            deny_warnings,
            baseline,
            write_baseline,
            changed_since,
        }),
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
        } => handbook::serve::run(handbook::serve::Options {
            root,
            bind,
            port,
            open,
            poll,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::New {
            kind,
            id,
            title,
            root,
        } => cmd::new::run(&root, kind, &id, title.as_deref()),
        Command::Init { dir } => cmd::init::run(&dir),
        Command::Fix { root, dry_run } => cmd::fix::run(&root, dry_run),
        Command::Mv {
            old,
            new,
            dry_run,
            root,
        } => cmd::mv::run(&root, &old, &new, dry_run),
        Command::Schema { kind, out, root } => cmd::schema::run(&root, kind, out),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// `handbook check | head` must end quietly when `head` stops reading, as `cat` and `grep` do,
/// not panic in `print!`: Rust ignores SIGPIPE, so restore the default (cargo does the same).
/// A build killed this way leaves the output as it was (README, "Commands"). Not for `serve`,
/// whose writes to clients that went away are errors it handles.
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once, before any thread is started; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
