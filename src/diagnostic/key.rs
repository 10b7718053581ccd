//! What names a problem across edits: its code, its file and its subject, never its line. The
//! baseline records these keys, and SARIF and GitLab fingerprint findings with them, so a
//! problem keeps its identity when lines are inserted above it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Diagnostic;

/// One problem as the baseline names it. Field order is the sort order: by file, then code,
/// then subject, so a baseline reads file by file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub file: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Diagnostic {
    pub fn key(&self) -> Key {
        Key {
            file: self.file.clone(),
            code: self.code.as_str().to_string(),
            subject: self.subject().map(str::to_string),
        }
    }
}

/// A stable fingerprint per diagnostic (hex SHA-256 of its key and how many diagnostics with
/// the same key come before it), in order. Diagnostics are sorted by position, so the second
/// of two identical broken links in a file stays the second however the file is edited around
/// them.
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let key = d.key();
            let nth = seen.entry(key.clone()).or_insert(0);
            let mut hasher = Sha256::new();
            for part in [
                key.code.as_str(),
                key.file.as_str(),
                key.subject.as_deref().unwrap_or(""),
            ] {
                hasher.update(part.as_bytes());
                // A separator that cannot occur in a path or code keeps `a`+`bc` and `ab`+`c` apart.
                hasher.update([0]);
            }
            hasher.update(nth.to_string().as_bytes());
            *nth += 1;
            hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Pos;

    fn link(line: usize, dest: &str) -> Diagnostic {
        Diagnostic::error(
            Code::BrokenLink,
            "content/a.md",
            Pos {
                line,
                column: 1,
                bytes: 0..0,
            },
            "m",
        )
        .with_subject(dest)
    }

    #[test]
    fn fingerprints_ignore_lines_and_tell_repeats_apart() {
        let before = fingerprints(&[link(3, "x.md"), link(9, "x.md"), link(12, "y.md")]);
        let after = fingerprints(&[link(30, "x.md"), link(90, "x.md"), link(120, "y.md")]);
        assert_eq!(before, after);
        assert_ne!(before[0], before[1]);
        assert_eq!(before[0].len(), 64);
        assert!(before[0].bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
