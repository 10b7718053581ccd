//! The JSON report: `{"errors", "warnings", "diagnostics": [...], "baselined", "fixed"}`, field
//! names stable.

use serde::Serialize;

use super::key::Key;
use super::{Diagnostic, Held, counts};

#[derive(Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    /// Problems a baseline holds, left out of `diagnostics`.
    baselined: usize,
    /// Baseline entries no longer found.
    fixed: &'a [Key],
}

pub fn render(diagnostics: &[Diagnostic], held: Option<Held>) -> String {
    let (errors, warnings) = counts(diagnostics);
    let report = Report {
        errors,
        warnings,
        diagnostics,
        baselined: held.map_or(0, |h| h.baselined),
        fixed: held.map_or(&[], |h| h.fixed),
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
