//! `handbook serve`'s flags; the preview itself is [`handbook::serve`].

use std::net::IpAddr;
use std::process::ExitCode;

use super::root::Root;
use super::ui::Ui;

/// `serve`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub root: Root,
    /// The address to listen on; 127.0.0.1 keeps the preview on this machine
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The port; when taken, the next free one of the following ten is used
    #[arg(long, default_value_t = 4000)]
    pub port: u16,
    /// Open the preview in a browser
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of relying on file-system events (network drives, some VMs)
    #[arg(long)]
    pub poll: bool,
}

pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    handbook::serve::run(handbook::serve::Options {
        root: args.root.find(ui)?,
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
        verbosity: ui.verbosity,
        color: ui.color,
    })?;
    Ok(ExitCode::SUCCESS)
}
