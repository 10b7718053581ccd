//! The baseline (README, "Baseline"): the problems a handbook had when the team switched the
//! checker on, recorded in a file they commit, so that `check` and `build` fail only on new
//! problems. An entry is a diagnostic's [`Key`] (code, file, subject: no line), one entry per
//! problem, so two identical broken links in a file are two entries and a third is new.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::key::Key;

/// Where `check --write-baseline` writes when neither the flag nor `handbook.yaml` names a file.
pub const DEFAULT_FILE: &str = "handbook-baseline.json";

/// The version written in every baseline file; a file of another version is refused.
const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error(
        "baseline {0} does not exist (write it with `handbook check --write-baseline`, or stop naming it)"
    )]
    Missing(PathBuf),
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a handbook baseline: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "baseline {path} is version {found}; this handbook writes version {VERSION} (rewrite it with `handbook check --write-baseline`)"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write baseline {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The recorded problems, sorted, one entry per problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Key>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    entries: Vec<Key>,
}

/// Today's problems sorted into those the baseline holds and the new ones.
#[derive(Debug, Default)]
pub struct Triage {
    /// Not in the baseline: these fail the run.
    pub new: Vec<Diagnostic>,
    /// In the baseline and still there.
    pub baselined: Vec<Diagnostic>,
    /// In the baseline and no longer found: fixed, so the baseline can shrink.
    pub fixed: Vec<Key>,
}

impl Baseline {
    pub fn of(diagnostics: &[Diagnostic]) -> Baseline {
        let mut entries: Vec<Key> = diagnostics.iter().map(Diagnostic::key).collect();
        entries.sort();
        Baseline { entries }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BaselineError::Missing(path.to_path_buf())
            } else {
                BaselineError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::parse(&text).map_err(|e| match e {
            ParseError::Json(e) => BaselineError::Invalid {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            },
            ParseError::Version(found) => BaselineError::Version {
                path: path.to_path_buf(),
                found,
            },
        })
    }

    fn parse(text: &str) -> Result<Baseline, ParseError> {
        let file: File = serde_json::from_str(text).map_err(ParseError::Json)?;
        if file.version != VERSION {
            return Err(ParseError::Version(file.version));
        }
        let mut entries = file.entries;
        entries.sort();
        Ok(Baseline { entries })
    }

    /// The file's text: one entry per line, sorted, so a team's diff of it shows exactly the
    /// problems that came and went.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"entries\": [");
        for (n, entry) in self.entries.iter().enumerate() {
            out.push_str(if n == 0 { "\n    " } else { ",\n    " });
            // Serializing strings cannot fail.
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        if !self.entries.is_empty() {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.to_json()).map_err(|source| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Sorts `diagnostics` (in report order) against the baseline. Of several problems with one
    /// key, the first ones in the file are the baselined ones and the later ones are new.
    pub fn triage(&self, diagnostics: Vec<Diagnostic>) -> Triage {
        let mut left: HashMap<&Key, usize> = HashMap::new();
        for entry in &self.entries {
            *left.entry(entry).or_insert(0) += 1;
        }
        let mut triage = Triage::default();
        for d in diagnostics {
            match left.get_mut(&d.key()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    triage.baselined.push(d);
                }
                _ => triage.new.push(d),
            }
        }
        for entry in &self.entries {
            if let Some(n) = left.get_mut(entry)
                && *n > 0
            {
                *n -= 1;
                triage.fixed.push(entry.clone());
            }
        }
        triage
    }
}

enum ParseError {
    Json(serde_json::Error),
    Version(u32),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Pos;

    fn at(code: Code, file: &str, line: usize, subject: Option<&str>) -> Diagnostic {
        let pos = Pos {
            line,
            column: 1,
            bytes: 0..0,
        };
        let d = Diagnostic::error(code, file, pos, "m");
        match subject {
            Some(s) => d.with_subject(s),
            None => d,
        }
    }

    #[test]
    fn writes_sorted_lines_and_reads_them_back() {
        let ds = [
            at(Code::OrphanPage, "content/b.md", 1, None),
            at(Code::BrokenLink, "content/a.md", 9, Some("x \"y\".md")),
            at(Code::BrokenLink, "content/a.md", 3, Some("gone.md")),
        ];
        let baseline = Baseline::of(&ds);
        let text = baseline.to_json();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"entries\": [\n    \
             {\"file\":\"content/a.md\",\"code\":\"broken-link\",\"subject\":\"gone.md\"},\n    \
             {\"file\":\"content/a.md\",\"code\":\"broken-link\",\"subject\":\"x \\\"y\\\".md\"},\n    \
             {\"file\":\"content/b.md\",\"code\":\"orphan-page\"}\n  ]\n}\n"
        );
        assert!(matches!(Baseline::parse(&text), Ok(b) if b == baseline));
        assert_eq!(
            Baseline::default().to_json(),
            "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        );
    }

    #[test]
    fn counts_repeats_and_reports_fixed_entries() {
        let link = |line| at(Code::BrokenLink, "content/a.md", line, Some("gone.md"));
        let baseline = Baseline::of(&[
            link(3),
            link(5),
            at(Code::BrokenAnchor, "content/a.md", 7, Some("#x")),
        ]);
        // Lines moved, a third identical link added, the anchor fixed.
        let triage = baseline.triage(vec![link(13), link(15), link(20)]);
        let lines = |ds: &[Diagnostic]| ds.iter().map(|d| d.line).collect::<Vec<_>>();
        assert_eq!(lines(&triage.baselined), [13, 15]);
        assert_eq!(lines(&triage.new), [20]);
        assert_eq!(triage.fixed.len(), 1);
        assert_eq!(triage.fixed[0].subject.as_deref(), Some("#x"));
    }

    #[test]
    fn refuses_another_version_and_bad_json() {
        assert!(matches!(
            Baseline::parse("{\"version\": 2, \"entries\": []}"),
            Err(ParseError::Version(2))
        ));
        assert!(matches!(
            Baseline::parse("{\"version\": 1, \"entries\": [{\"file\": 3}]}"),
            Err(ParseError::Json(_))
        ));
    }
}
