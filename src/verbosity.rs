//! How much a command says (README, "Commands"): `-q` only errors, `-v` also what it does and
//! how long each step took. Chosen once at the edge and handed down, never read from a global.

/// From least to most said, so `verbosity >= Verbosity::Normal` reads as "at least normal".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// Errors only (and what fails the run).
    Quiet,
    #[default]
    Normal,
    /// Also what is done, and how long it took.
    Verbose,
}
