//! The JSON report: `{"errors", "warnings", "diagnostics": [...]}`, field names stable.

use serde::Serialize;

use super::{Diagnostic, counts};

#[derive(Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diagnostics);
    let report = Report {
        errors,
        warnings,
        diagnostics,
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
