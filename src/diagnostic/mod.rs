//! A diagnostic is data: severity, a stable code, a message, where, and an optional help line.
//! It is built where the problem is found and rendered only at the edge ([`human`], [`json`],
//! [`github`], [`sarif`], [`gitlab`], the Markdown [`summary`]).

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod key;
pub mod sarif;
pub mod summary;

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
    /// Every code, in README's order: SARIF lists one rule per code.
    pub const ALL: [Code; 20] = [
        Code::FrontMatterSyntax,
        Code::FrontMatterSchema,
        Code::DuplicateId,
        Code::UrlCollision,
        Code::BrokenLink,
        Code::BrokenAnchor,
        Code::BrokenRef,
        Code::UnknownStage,
        Code::DraftLink,
        Code::LinkOutsideRoot,
        Code::InvalidAlias,
        Code::UnsafeUrl,
        Code::DuplicateAnchor,
        Code::UndefinedReference,
        Code::OrphanPage,
        Code::StalePage,
        Code::BadSymlink,
        Code::Template,
        Code::Io,
        Code::Config,
    ];

    /// What the code means, as README's table of codes says it.
    pub fn description(self) -> &'static str {
        match self {
            Code::FrontMatterSyntax => {
                "The YAML front matter does not parse, or is not closed by `---`."
            }
            Code::FrontMatterSchema => {
                "Front matter with an unknown field, a wrong type, a missing required field, a field of another kind, or a bad date."
            }
            Code::DuplicateId => "Two department, process or playbook pages share an id.",
            Code::UrlCollision => "Two pages (or an alias and a page or file) publish at one URL.",
            Code::BrokenLink => "Nothing at the link's destination.",
            Code::BrokenAnchor => "The linked page exists, the `#fragment` does not.",
            Code::BrokenRef => "A front-matter reference names no page of the right kind.",
            Code::UnknownStage => "A playbook's `stage` is not a stage of its process.",
            Code::DraftLink => "A published page links to (or names) a draft.",
            Code::LinkOutsideRoot => {
                "A relative link climbs out of `content/`, or an absolute one above the site's root."
            }
            Code::InvalidAlias => "An alias is not a path inside the site.",
            Code::UnsafeUrl => {
                "A link, image, stage resource or `edit_url` is a `javascript:`, `vbscript:` or `data:` URL."
            }
            Code::DuplicateAnchor => {
                "Two anchors of one page share an id: a link meant for the second lands on the first."
            }
            Code::UndefinedReference => {
                "A reference link whose label has no definition (a warning for the `[label]` form alone)."
            }
            Code::OrphanPage => "No other page links to the page or names it in front matter.",
            Code::StalePage => "`last_reviewed` plus `review_every` days is in the past.",
            Code::BadSymlink => {
                "A symlink points outside the handbook, loops or dangles; it is skipped."
            }
            Code::Template => "A theme template fails to compile or render.",
            Code::Io => {
                "A file cannot be read: unreadable, not a regular file, not UTF-8, or over `max_page_size`."
            }
            Code::Config => "`handbook.yaml` is invalid.",
        }
    }

    /// The severity the code is reported with.
    pub fn severity(self) -> Severity {
        match self {
            Code::OrphanPage | Code::StalePage | Code::BadSymlink => Severity::Warning,
            _ => Severity::Error,
        }
    }

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
    /// What the problem is about, for telling problems apart across edits, and its sure fix;
    /// not part of the JSON report. Boxed: most diagnostics are never asked, and a small `Diagnostic` keeps
    /// the `Result`s it travels in small.
    #[serde(skip)]
    pub about: Option<Box<About>>,
}

/// An edit that mends a problem: the text `was` at `bytes` of the diagnostic's file becomes
/// `replacement`. Set only where the help line names exactly one target and the replacement
/// has been resolved again (README, "`handbook fix`"). The file is not read by `check`, so
/// whoever applies a fix first makes sure `was` is what is written there
/// ([`crate::edit::place`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub bytes: std::ops::Range<usize>,
    /// The value as the loader read it: a link's destination, a front-matter id.
    pub was: String,
    pub replacement: String,
    pub syntax: Syntax,
}

/// What kind of text a fix edits, which decides how a replacement may be written there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A Markdown link destination (inline, reference definition, `<...>`).
    Markdown,
    /// An attribute value in raw HTML.
    Html,
    /// A YAML scalar of the front matter (plain or quoted).
    Yaml,
    /// Whole lines of front matter, written as given (`handbook mv` adding `aliases:`).
    Insert,
}

/// What a problem is about, set where the diagnostic is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// As written: a link's destination, a referenced id, a field name, an alias. With the
    /// code and the file it names the problem across edits that move it to another line (the
    /// baseline's key, the fingerprints of SARIF and GitLab); `None` when the file alone says
    /// it (an orphan page).
    pub subject: Option<String>,
    /// The other file the problem points into, relative to the root: the page a broken anchor
    /// or a draft link names, the process of an unknown stage, the other page of a duplicate
    /// id; for a broken link, the path it wanted (under `content/`, or a site path).
    /// Pull-request mode reports a problem in an unchanged file when this changed.
    pub target: Option<String>,
    /// The one edit that mends the problem, when there is exactly one and it is known to
    /// resolve (`handbook fix` applies it); not part of any report.
    pub fix: Option<Fix>,
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
            about: None,
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

    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.about.get_or_insert_default().subject = Some(subject.into());
        self
    }

    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.about.get_or_insert_default().target = Some(target.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.about.get_or_insert_default().fix = Some(fix);
        self
    }

    /// See [`About::fix`].
    pub fn fix(&self) -> Option<&Fix> {
        self.about.as_ref()?.fix.as_ref()
    }

    /// See [`About::subject`].
    pub fn subject(&self) -> Option<&str> {
        self.about.as_ref()?.subject.as_deref()
    }

    /// See [`About::target`].
    pub fn target(&self) -> Option<&str> {
        self.about.as_ref()?.target.as_deref()
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

/// What a baseline held back from a report, for the report's summary (README, "Baseline").
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    /// The baseline file, as the report names it.
    pub file: &'a str,
    /// Problems found that the baseline holds, left out of the report.
    pub baselined: usize,
    /// Entries of the baseline no longer found.
    pub fixed: &'a [key::Key],
}

impl Held<'_> {
    /// One line for a summary: how many problems the baseline holds and how many are fixed.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} held by the baseline {}",
            count(self.baselined, "known problem"),
            self.file
        );
        if !self.fixed.is_empty() {
            line.push_str(&format!(
                "; {} of its entries {} fixed: run `handbook check --write-baseline` to drop {}",
                self.fixed.len(),
                if self.fixed.len() == 1 { "is" } else { "are" },
                if self.fixed.len() == 1 { "it" } else { "them" },
            ));
        }
        line
    }
}

/// `1 warning`, `2 warnings`, `0 errors`: a count and its noun, singular only for one.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// How many errors and warnings, for summaries and exit codes.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Code frames and a summary, to stderr.
    #[default]
    Human,
    /// `{"errors", "warnings", "diagnostics", ...}` to stdout.
    Json,
    /// GitHub Actions `::error` annotations to stdout (GitHub shows only some per step).
    Github,
    /// SARIF 2.1.0 to stdout, for GitHub code scanning: every finding is kept.
    Sarif,
    /// GitLab Code Quality JSON to stdout, shown in the merge request.
    Gitlab,
}
