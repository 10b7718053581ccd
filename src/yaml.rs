//! YAML as handbook reads it: front matter and `handbook.yaml` alike, with the limits of the
//! README ("Limits"), and errors in the editor's words: where the mistake is and what to write.
//!
//! serde-saphyr's own budgets are sized for configuration files of any size; a page's front
//! matter needs a few levels and a few hundred values, so the limits here are tighter and an
//! alias bomb or a document nested 100,000 levels deep stops in milliseconds.

pub mod block;
pub mod events;
pub mod node;
pub mod spanned;

use crate::model::Pos;
use serde::de::DeserializeOwned;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::{self, ErrorKind};
use serde_saphyr::{DuplicateKeyPolicy, Error, ExternalMessageSource};

/// How deep mappings and sequences may nest. A process's stages and their resources need 5.
pub const MAX_DEPTH: usize = 32;
/// How many values (scalars, mappings, sequences) one document may hold, aliases expanded.
pub const MAX_NODES: usize = 100_000;
/// How many `*alias` uses and `&anchor` definitions one document may hold.
pub const MAX_ALIASES: usize = 1_000;

fn budget() -> Option<serde_saphyr::Budget> {
    serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        flow_nesting_limit: MAX_DEPTH,
        max_nodes: MAX_NODES,
        max_events: 4 * MAX_NODES,
        max_aliases: MAX_ALIASES,
        max_anchors: MAX_ALIASES,
        max_documents: 1,
    }
}

fn options(duplicate_keys: DuplicateKeyPolicy) -> serde_saphyr::Options {
    serde_saphyr::options! {
        duplicate_keys: duplicate_keys,
        budget: budget(),
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_NODES,
            max_replay_stack_depth: MAX_DEPTH,
        },
    }
}

/// The parser's options as serde-saphyr sets them from [`options`] (its `parser_options`), so
/// that [`events`] and serde-saphyr parse alike.
fn parser_options() -> granit_parser::Options {
    let budget = budget().unwrap_or_default();
    let mut options = granit_parser::Options::default();
    options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    options.flow_nesting_limit = budget.flow_nesting_limit;
    options.block_nesting_limit = options.block_nesting_limit.max(MAX_DEPTH + 1);
    options.emit_comments = true;
    options.max_buffered_comment_events = budget.max_buffered_comment_events;
    options
}

/// Parses one YAML document within the limits.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_saphyr::from_str_with_options(text, options(DuplicateKeyPolicy::Error))
}

/// Parses one YAML document within the limits into a tree of values with their places
/// ([`node`]); only YAML that does not parse (or breaks a limit) is an error.
/// A repeated key reaches the reader, which reports it where it is written.
///
/// Most front matter is read line by line ([`block`]) or built straight from the parser's
/// events ([`events`]); the rest, and every error, is serde-saphyr's reading ([`spanned`]).
pub fn tree(text: &str) -> Result<node::Node<'_>, Error> {
    read(text).map(|tree| tree.root)
}

/// A tree as [`tree`] reads it, and how its places are counted.
pub struct Tree<'a> {
    pub root: node::Node<'a>,
    /// The text was read line by line ([`block`]): every place's line and column are counted
    /// as an editor counts them (lines end at `\n`, columns are characters from the line's
    /// start), so they can be shifted into a larger file rather than counted again there.
    pub editor_places: bool,
}

/// [`tree`], saying which reading took the text.
pub fn read(text: &str) -> Result<Tree<'_>, Error> {
    if let Some(root) = block::tree(text) {
        return Ok(Tree {
            root,
            editor_places: true,
        });
    }
    let root = match events::tree(text) {
        Some(root) => root,
        None => spanned::tree(text)?,
    };
    Ok(Tree {
        root,
        editor_places: false,
    })
}

/// A YAML problem as an editor needs it: what is wrong, what to write, and where (relative to
/// the YAML text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: Option<String>,
    pub pos: Pos,
}

/// YAML that does not parse, in the editor's words, at the place to change: a tab is named at
/// the tab itself, which the parser often reports a line early.
pub fn problem(error: &Error, text: &str) -> Problem {
    let (line, column) = error
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let (line, column) = (line.max(1), column.max(1));
    let at = |line: usize, column: usize| {
        let start = offset_of(text, line, column);
        let len = text[start..].chars().next().map_or(0, char::len_utf8);
        Pos {
            line,
            column,
            bytes: start..start + len,
        }
    };
    let said = |message: &str, help: &str| Problem {
        message: message.to_string(),
        help: Some(help.to_string()),
        pos: at(line, column),
    };
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let key = key_at(line_text);
    let kind = scan_kind(error);
    let tab = matches!(
        kind,
        Some(
            ErrorKind::TabNotAllowed
                | ErrorKind::TabInBlockIndentation
                | ErrorKind::TabAtBlockScalarStart
                | ErrorKind::TabInIndentation
                | ErrorKind::TabInPlainScalar
        )
    );
    // `title: [Tools` swallows the keys after it; the parser notices lines later.
    if let Some((line, column, open)) = open_bracket_before(text, line).filter(|_| !tab) {
        let close = if open == '[' { ']' } else { '}' };
        return Problem {
            message: format!("this `{open}` is never closed"),
            help: Some(format!("close it with `{close}` on the same line")),
            pos: at(line, column),
        };
    }
    match kind {
        Some(
            ErrorKind::TabNotAllowed
            | ErrorKind::TabInBlockIndentation
            | ErrorKind::TabAtBlockScalarStart
            | ErrorKind::TabInIndentation
            | ErrorKind::TabInPlainScalar,
        ) => {
            let (line, column) = first_tab(text, line).unwrap_or((line, column));
            Problem {
                message: "tabs are not allowed in YAML; indent with spaces".into(),
                help: Some("replace the tab with spaces".into()),
                pos: at(line, column),
            }
        }
        Some(ErrorKind::MappingValueNotAllowed) => match value_with_colon(line_text, column) {
            Some((key, value)) => said(
                &format!("the value of `{key}` holds `: `, which YAML reads as a new key"),
                &format!("put the value in quotes: `{key}: \"{value}\"`"),
            ),
            None => said(
                "this line is indented further than the key above it",
                "give the keys of one mapping the same indentation",
            ),
        },
        Some(ErrorKind::ExpectedBlockSequenceEntry) => said(
            &match key {
                Some(key) => format!("`{key}` is not lined up with the list item above it"),
                None => "this line is not lined up with the list item above it".into(),
            },
            "indent the keys of a list item to the column just after its `- `, or start a new item with `- `",
        ),
        Some(ErrorKind::ExpectedBlockMappingKey | ErrorKind::InvalidIndentation) => said(
            &match key {
                Some(key) => format!("`{key}` is not lined up with the keys above it"),
                None => "this line is not lined up with the keys above it".into(),
            },
            "give the keys of one mapping the same indentation",
        ),
        Some(ErrorKind::UnclosedQuotedScalar) => said(
            "this quote is never closed",
            "end the value with the same quote it starts with",
        ),
        Some(ErrorKind::UnclosedFlowCollection { open }) => {
            let close = if *open == '[' { ']' } else { '}' };
            said(
                &format!("this `{open}` is never closed"),
                &format!("close it with `{close}` on the same line"),
            )
        }
        _ => Problem {
            message: message(error),
            help: None,
            pos: at(line, column),
        },
    }
}

/// A `[` or `{` left open at the end of a line before `before`, when the next line starts a new
/// `key:` as if it had been closed: the flow collection took in the lines after it. Its line,
/// column and character.
fn open_bracket_before(text: &str, before: usize) -> Option<(usize, usize, char)> {
    let lines: Vec<&str> = text.lines().take(before).collect();
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut quote: Option<char> = None;
        for (column, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((i + 1, column + 1, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
        let next_is_a_key = lines.get(i + 1).is_some_and(|next| {
            key_at(next).is_some() && !next.trim_start().starts_with(['[', '{'])
        });
        if next_is_a_key && let Some(&first) = open.first() {
            return Some(first);
        }
    }
    None
}

/// The key a line starts with (`  - name: x` -> `name`), if it is a `key:` line.
fn key_at(line: &str) -> Option<&str> {
    let rest = line.trim_start().trim_start_matches("- ").trim_start();
    let key = &rest[..rest.find(':')?];
    (!key.is_empty() && !key.contains([' ', '"', '\'', '[', '{'])).then_some(key)
}

/// A `key: value: more` line with its second `:` at `column`: the key and the whole value.
fn value_with_colon(line: &str, column: usize) -> Option<(&str, &str)> {
    let colon = line.char_indices().nth(column - 1)?.0;
    let first = line.find(": ")?;
    if first >= colon {
        return None;
    }
    let key = line[..first].trim().trim_start_matches("- ");
    let value = line[first + 2..].trim();
    (!key.is_empty()).then_some((key, value))
}

/// The first tab at or after `from_line` in a line's indentation (else anywhere after it), as
/// line and column.
fn first_tab(text: &str, from_line: usize) -> Option<(usize, usize)> {
    let lines = || text.lines().enumerate().skip(from_line.saturating_sub(1));
    let indent_tab = lines().find_map(|(i, line)| {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        line[..indent]
            .find('\t')
            .map(|at| (i + 1, line[..at].chars().count() + 1))
    });
    indent_tab.or_else(|| {
        lines().find_map(|(i, line)| {
            line.find('\t')
                .map(|at| (i + 1, line[..at].chars().count() + 1))
        })
    })
}

/// The byte offset of a 1-based line and character column of `text`.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    start
        + rest[..line_len]
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// The parser's own kind of error, when the YAML does not parse.
fn scan_kind(error: &Error) -> Option<&ErrorKind> {
    match original(error) {
        Error::ExternalMessage { source, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan) => Some(scan.kind()),
            _ => None,
        },
        _ => None,
    }
}

/// The error in a sentence, without serde-saphyr's snippet and position (callers show both).
pub fn message(error: &Error) -> String {
    let error = original(error);
    let too_deep = format!("the YAML is nested deeper than {MAX_DEPTH} levels");
    let too_many = format!("the YAML holds more than {MAX_NODES} values");
    let aliases = format!(
        "the YAML's aliases expand past the limit ({MAX_ALIASES} aliases, {MAX_NODES} values): \
         an alias bomb?"
    );
    match error {
        Error::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => too_deep,
            BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => too_many,
            BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::AliasAnchorRatio { .. }
            | BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::RecordedAnchorBytes { .. } => aliases,
            BudgetBreach::Documents { .. } => "the YAML holds more than one document".into(),
            other => format!("the YAML is too large to read safely ({other:?})"),
        },
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => aliases,
        Error::AliasReplayStackDepthExceeded { .. } => too_deep,
        Error::ExternalMessage { source, .. }
            if matches!(
                source.as_ref(),
                ExternalMessageSource::Parser(scan) if *scan.kind() == ErrorKind::RecursionLimitExceeded
            ) =>
        {
            too_deep
        }
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or_default().trim();
            let first = first.rfind(" at line ").map_or(first, |at| &first[..at]);
            first.trim_end_matches(',').to_string()
        }
    }
}

/// The error itself, without the snippet and alias wrappers serde-saphyr puts around it.
fn original(error: &Error) -> &Error {
    let mut error = error.without_snippet();
    while let Error::AliasError { error: inner, .. } = error {
        error = inner.without_snippet();
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(yaml: &str) -> (String, Option<u64>) {
        let e = from_str::<serde_json::Value>(yaml).unwrap_err();
        (message(&e), e.location().map(|l| l.line()))
    }

    #[test]
    fn an_alias_bomb_stops_with_a_plain_message() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let (message, _) = error_of(&yaml);
        assert!(message.contains("alias bomb"), "{message}");
    }

    #[test]
    fn deep_nesting_stops_with_a_plain_message() {
        let flow = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let block: String = (0..1_000)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .collect();
        for yaml in [flow, block] {
            let (message, line) = error_of(&yaml);
            assert_eq!(message, "the YAML is nested deeper than 32 levels");
            assert!(line.is_some());
        }
        let fine: String = (0..20).map(|i| format!("{}a:\n", "  ".repeat(i))).collect();
        assert!(from_str::<serde_json::Value>(&fine).is_ok());
    }

    fn problem_of(yaml: &str) -> (String, Option<String>, usize, usize) {
        let e = tree(yaml).unwrap_err();
        let p = problem(&e, yaml);
        (p.message, p.help, p.pos.line, p.pos.column)
    }

    #[test]
    fn a_tab_is_named_at_the_tab() {
        for (yaml, line, column) in [
            ("title: A\n\tdesc: x\n", 2, 1),
            ("title: T\nextra:\n\t- a\n", 3, 1),
            ("stages:\n  - name: a\n\t  goal: b\n", 3, 1),
        ] {
            let (message, help, l, c) = problem_of(yaml);
            assert_eq!(message, "tabs are not allowed in YAML; indent with spaces");
            assert_eq!(help.as_deref(), Some("replace the tab with spaces"));
            assert_eq!((l, c), (line, column), "{yaml:?}");
        }
    }

    #[test]
    fn indentation_and_colons_in_the_editor_words() {
        let (message, help, line, column) = problem_of("title: Sales: the basics\n");
        assert_eq!(
            message,
            "the value of `title` holds `: `, which YAML reads as a new key"
        );
        assert_eq!(
            help.as_deref(),
            Some("put the value in quotes: `title: \"Sales: the basics\"`")
        );
        assert_eq!((line, column), (1, 13));

        let (message, _, line, _) = problem_of("owner: a\n  bad: x\n");
        assert_eq!(
            message,
            "this line is indented further than the key above it"
        );
        assert_eq!(line, 2);

        let (message, _, line, column) = problem_of("stages:\n  - name: a\n   goal: x\n");
        assert_eq!(
            message,
            "`goal` is not lined up with the list item above it"
        );
        assert_eq!((line, column), (3, 4));

        let (message, help, line, column) = problem_of("tags: [sales, demo\n");
        assert_eq!(message, "this `[` is never closed");
        assert_eq!(help.as_deref(), Some("close it with `]` on the same line"));
        assert_eq!((line, column), (1, 7));
        // The parser notices only at the `:` of a later line.
        let (message, _, line, column) =
            problem_of("title: [Tools\ndescription: The systems: what\nowner: sales\n");
        assert_eq!(message, "this `[` is never closed");
        assert_eq!((line, column), (1, 8));
        // A list over several lines is fine; a later mistake is its own.
        let (message, _, line, _) = problem_of("tags: [a,\n  b]\ntitle: A: B\n");
        assert_eq!(
            (message.as_str(), line),
            (
                "the value of `title` holds `: `, which YAML reads as a new key",
                3
            )
        );
    }

    #[test]
    fn other_errors_keep_the_parser_words() {
        let (message, line) = error_of("a: [b\n");
        assert_eq!(message, "unclosed bracket '['");
        assert_eq!(line, Some(1));
    }
}
