//! One file per subcommand.

pub mod build;
pub mod check;
pub mod new;

use std::io::IsTerminal;

use handbook::diagnostic::{Diagnostic, human};
use handbook::site::Checked;

/// Prints diagnostics the human way to stderr, with color on a terminal.
pub fn print_human(checked: &Checked, diagnostics: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let root_file = |file: &str| checked.source(file);
    eprint!("{}", human::render(diagnostics, root_file, color));
}
