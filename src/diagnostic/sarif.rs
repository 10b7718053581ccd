//! SARIF 2.1.0 (README, "CI formats"): one run of the tool `handbook`, a rule per code, a
//! result per diagnostic. GitHub code scanning keeps every result, where `::error` annotations
//! are capped per step, and follows a finding across edits by its `partialFingerprints`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::key::fingerprints;
use super::{Code, Diagnostic, Severity};

/// Characters a URI path keeps as they are (RFC 3986's unreserved, and `/`).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The SARIF log. `prefix` is put before each file (`docs/` for a handbook in a folder of the
/// repository), since code scanning reads paths from the repository's root.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.description() },
                "help": { "text": format!("{} See the table of codes in handbook's README.", code.description()) },
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics))
        .map(|(d, fingerprint)| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let file = format!("{prefix}{}", d.file);
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": utf8_percent_encode(&file, PATH).to_string() },
                        "region": { "startLine": d.line, "startColumn": d.column },
                    }
                }],
                "partialFingerprints": { "handbookKey/v1": fingerprint },
            });
            if let Some(index) = Code::ALL.iter().position(|&c| c == d.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "handbook",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            // Columns count characters, as in every other format.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    // Serializing a `Value` cannot fail.
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
