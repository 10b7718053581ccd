//! What every command says and how: `-q`, `-v` and `--color` (README, "Commands"). Parsed once
//! into a [`Ui`] that each command is handed.

use std::fmt::Display;
use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

use handbook::site::Timings;
use handbook::verbosity::Verbosity;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When stderr is a terminal and NO_COLOR is unset, or CLICOLOR_FORCE is set.
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The flags every command takes, before or after its name.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Print only errors (and the warnings --deny-warnings fails on).
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Display options"
    )]
    quiet: bool,
    /// Print also what is done: the handbook used, each step and how long it took.
    #[arg(short, long, global = true, help_heading = "Display options")]
    verbose: bool,
    /// Color the report: auto, always or never.
    #[arg(
        long,
        global = true,
        help_heading = "Display options",
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto
    )]
    color: ColorWhen,
}

impl Global {
    pub fn ui(&self) -> Ui {
        let verbosity = if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        let color = match self.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => auto_color(std::io::stderr().is_terminal()),
        };
        Ui { verbosity, color }
    }
}

/// `--color auto`, by the rules clap's own output follows (anstream's): NO_COLOR (set and not
/// empty) turns color off, then CLICOLOR_FORCE turns it on; otherwise color on a terminal that
/// takes it.
fn auto_color(terminal: bool) -> bool {
    if anstyle_query::no_color() {
        false
    } else if anstyle_query::clicolor_force() {
        true
    } else {
        terminal && anstyle_query::clicolor() != Some(false) && anstyle_query::term_supports_color()
    }
}

/// How much to say, and whether in color.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub verbosity: Verbosity,
    pub color: bool,
}

impl Ui {
    pub fn is_quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    pub fn is_verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// A line saying what the command made, to stdout (`init`, `new`); left out with `-q`.
    pub fn say(&self, line: impl Display) {
        if !self.is_quiet() {
            println!("{line}");
        }
    }

    /// A line of the normal report, to stderr; left out with `-q`.
    pub fn info(&self, line: impl Display) {
        if !self.is_quiet() {
            eprintln!("{line}");
        }
    }

    /// A line only `-v` shows, to stderr.
    pub fn detail(&self, line: impl Display) {
        if self.is_verbose() {
            eprintln!("{line}");
        }
    }

    /// `error: ...`, to stderr, whatever the verbosity.
    pub fn error(&self, message: impl Display) {
        eprintln!("{}: {message}", self.paint("error", AnsiColor::BrightRed));
    }

    /// Each step of the run and how long it took, with `-v`.
    pub fn timings(&self, timings: &Timings) {
        for (step, took) in &timings.steps {
            self.detail(format_args!("{:>6} ms  {step}", took.as_millis()));
        }
    }

    /// `word` in bold `color` when the output is colored, as rustc and cargo mark a level.
    fn paint(&self, word: &str, color: AnsiColor) -> String {
        if !self.color {
            return word.to_string();
        }
        let style = Style::new().bold().fg_color(Some(color.into()));
        format!("{style}{word}{style:#}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_colors_only_when_asked() {
        let plain = Ui {
            verbosity: Verbosity::Normal,
            color: false,
        };
        assert_eq!(plain.paint("error", AnsiColor::BrightRed), "error");
        let colored = Ui {
            color: true,
            ..plain
        };
        let painted = colored.paint("error", AnsiColor::BrightRed);
        assert!(
            painted.starts_with("\x1b[") && painted.contains("error"),
            "{painted:?}"
        );
        assert!(painted.ends_with("\x1b[0m"), "{painted:?}");
    }
}
