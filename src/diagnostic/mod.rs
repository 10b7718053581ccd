//! A diagnostic is data: severity, a stable code, a message, where, and an optional help line.
//! It is built where the problem is found and rendered only at the edge ([`human`], [`json`],
//! [`github`]).

pub mod github;
pub mod human;
pub mod json;

use serde::Serialize;

use crate::model::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The stable codes of SPEC.md: scripts match on these, so they never change spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    FrontMatterSyntax,
    FrontMatterSchema,
    DuplicateId,
    UrlCollision,
    BrokenLink,
    BrokenAnchor,
    BrokenRef,
    UnknownStage,
    DraftLink,
    LinkOutsideRoot,
    InvalidAlias,
    UnsafeUrl,
    DuplicateAnchor,
    UndefinedReference,
    OrphanPage,
    StalePage,
    /// A symlink that points outside the handbook, loops or dangles: skipped (README, "Symlinks").
    BadSymlink,
    /// A file that could not be read, a template that does not compile or render, a bad
    /// `handbook.yaml` (only `serve` reports that as a diagnostic; the other commands stop).
    Io,
    Template,
    Config,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FrontMatterSyntax => "front-matter-syntax",
            Code::FrontMatterSchema => "front-matter-schema",
            Code::DuplicateId => "duplicate-id",
            Code::UrlCollision => "url-collision",
            Code::BrokenLink => "broken-link",
            Code::BrokenAnchor => "broken-anchor",
            Code::BrokenRef => "broken-ref",
            Code::UnknownStage => "unknown-stage",
            Code::DraftLink => "draft-link",
            Code::LinkOutsideRoot => "link-outside-root",
            Code::InvalidAlias => "invalid-alias",
            Code::UnsafeUrl => "unsafe-url",
            Code::DuplicateAnchor => "duplicate-anchor",
            Code::UndefinedReference => "undefined-reference",
            Code::OrphanPage => "orphan-page",
            Code::StalePage => "stale-page",
            Code::BadSymlink => "bad-symlink",
            Code::Io => "io",
            Code::Template => "template",
            Code::Config => "config",
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// Relative to the site root, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub help: Option<String>,
    /// Byte range in the file, for the code frame; not part of any output format.
    #[serde(skip)]
    pub bytes: std::ops::Range<usize>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: Code,
        file: &str,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: file.to_string(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            help: None,
            bytes: pos.bytes,
        }
    }

    pub fn error(code: Code, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, pos, message)
    }

    pub fn warning(code: Code, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, pos, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts by file, line, column, code, so output is the same run to run.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// How many errors and warnings, for summaries and exit codes.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    Github,
}
