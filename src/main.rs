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
    },
    /// Check every link and reference; renders nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Preview the handbook: build into memory, serve it, rebuild and reload on every save.
    Serve {
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
    /// Write a new department, process, playbook or page with its front matter to fill in.
    New {
        #[arg(value_enum)]
        kind: cmd::new::NewKind,
        id: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => cmd::build::run(root, output, base_url, drafts),
        Command::Check {
            root,
            format,
            deny_warnings,
        } => cmd::check::run(root, format, deny_warnings),
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
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
