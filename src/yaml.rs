//! YAML as handbook reads it: front matter and `handbook.yaml` alike, with the limits of the
//! README ("Limits"), and errors in plain words.
//!
//! serde-saphyr's own budgets are sized for configuration files of any size; a page's front
//! matter needs a few levels and a few hundred values, so the limits here are tighter and an
//! alias bomb or a document nested 100,000 levels deep stops in milliseconds.

use serde::de::DeserializeOwned;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error, ExternalMessageSource};

/// How deep mappings and sequences may nest. A process's stages and their resources need 5.
pub const MAX_DEPTH: usize = 32;
/// How many values (scalars, mappings, sequences) one document may hold, aliases expanded.
pub const MAX_NODES: usize = 100_000;
/// How many `*alias` uses and `&anchor` definitions one document may hold.
pub const MAX_ALIASES: usize = 1_000;

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: 4 * MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_documents: 1,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_NODES,
            max_replay_stack_depth: MAX_DEPTH,
        },
    }
}

/// Parses one YAML document within the limits.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_saphyr::from_str_with_options(text, options())
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

/// Whether the error is about the document's shape against the expected fields (as opposed
/// to YAML that does not parse, or breaks a limit).
pub fn is_schema_error(error: &Error) -> bool {
    matches!(
        original(error),
        Error::Message { .. }
            | Error::Unexpected { .. }
            | Error::InvalidScalar { .. }
            | Error::NullIntoString { .. }
            | Error::InvalidBooleanStrict { .. }
            | Error::DuplicateMappingKey { .. }
            | Error::SerdeInvalidType { .. }
            | Error::SerdeInvalidValue { .. }
            | Error::SerdeInvalidLength { .. }
            | Error::SerdeUnknownVariant { .. }
            | Error::SerdeUnknownField { .. }
            | Error::SerdeMissingField { .. }
    )
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

    #[test]
    fn other_errors_keep_the_parser_words() {
        let (message, line) = error_of("a: [b\n");
        assert_eq!(message, "unclosed bracket '['");
        assert_eq!(line, Some(1));
    }
}
