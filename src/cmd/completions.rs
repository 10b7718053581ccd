//! `handbook completions SHELL`: the shell's completion script for every command and flag,
//! written by clap_complete from the same definition that parses them, so it cannot drift.

use std::process::ExitCode;

/// `completions`' argument.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the script for `command` (the whole command line) to stdout.
pub fn run(args: Args, command: &mut clap::Command) -> anyhow::Result<ExitCode> {
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell, command, name, &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
