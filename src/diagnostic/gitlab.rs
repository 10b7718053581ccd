//! GitLab Code Quality JSON (README, "CI formats"): an array of issues that GitLab shows in the
//! merge request, compared between branches by `fingerprint`.

use serde_json::{Value, json};

use super::key::fingerprints;
use super::{Diagnostic, Severity};

/// The report. `prefix` is put before each file, since GitLab reads paths from the
/// repository's root.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let issues: Vec<Value> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics))
        .map(|(d, fingerprint)| {
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            json!({
                "description": description,
                "check_name": d.code.as_str(),
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": format!("{prefix}{}", d.file),
                    "lines": { "begin": d.line },
                },
            })
        })
        .collect();
    // Serializing a `Value` cannot fail.
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}
