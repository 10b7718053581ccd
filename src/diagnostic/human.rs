//! The human report: a code frame like rustc's for each diagnostic (annotate-snippets), then a
//! one-line summary.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity, count, counts};

/// Renders every diagnostic, then the summary line; `source` gives a file's text (by its
/// diagnostic name) for the frame. Each file is asked for once.
pub fn render(
    diagnostics: &[Diagnostic],
    source: impl Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    frames(diagnostics, source, color) + &summary(diagnostics)
}

/// Every diagnostic with its code frame, without the summary line (for a report that puts
/// notes between the two).
pub fn frames(
    diagnostics: &[Diagnostic],
    source: impl Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    let mut texts: std::collections::HashMap<&str, Option<String>> =
        std::collections::HashMap::new();
    for d in diagnostics {
        texts
            .entry(d.file.as_str())
            .or_insert_with(|| source(&d.file));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
        let mut report: Vec<Group> = Vec::new();
        let text = texts.get(d.file.as_str()).and_then(Option::as_deref);
        let group = match text.and_then(|text| frame(text, d)) {
            Some((line_text, span)) => title.element(
                Snippet::source(line_text)
                    .line_start(d.line)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(span)),
            ),
            None => title.element(
                annotate_snippets::Origin::path(d.file.as_str())
                    .line(d.line)
                    .char_column(d.column),
            ),
        };
        let group = match &d.help {
            Some(help) => group.element(Level::HELP.message(help.as_str())),
            None => group,
        };
        report.push(group);
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// `1 error, 2 warnings` (or `no problems`), the line CI logs end on.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diagnostics);
    if errors + warnings == 0 {
        return "no problems found\n".into();
    }
    format!(
        "{}, {}\n",
        count(errors, "error"),
        count(warnings, "warning")
    )
}

/// The source line of the diagnostic and the span to underline within it.
fn frame<'t>(text: &'t str, d: &Diagnostic) -> Option<(&'t str, std::ops::Range<usize>)> {
    let line_start = text
        .split_inclusive('\n')
        .take(d.line - 1)
        .map(str::len)
        .sum::<usize>();
    let rest = text.get(line_start..)?;
    let line = rest.split('\n').next()?.trim_end_matches('\r');
    let col_byte: usize = line.chars().take(d.column - 1).map(char::len_utf8).sum();
    let wanted = d.bytes.end.saturating_sub(d.bytes.start);
    let max = line.len().saturating_sub(col_byte);
    let len = if wanted == 0 {
        token_len(&line[col_byte..])
    } else {
        wanted.min(max)
    };
    Some((line, col_byte..col_byte + len.max(usize::from(max > 0))))
}

/// The length of the destination-like token at the start of `s`.
fn token_len(s: &str) -> usize {
    s.find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\''))
        .unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Pos;

    #[test]
    fn frame_underlines_the_destination() {
        let text = "---\ntitle: x\n---\nSee [a](gone.md) now\n";
        let d = Diagnostic::error(
            Code::BrokenLink,
            "content/a.md",
            Pos {
                line: 4,
                column: 9,
                bytes: 25..32,
            },
            "link to `gone.md` does not resolve",
        )
        .with_help("did you mean `here.md`?");
        let out = render(&[d], |_| Some(text.to_string()), false);
        assert!(
            out.contains("error[broken-link]: link to `gone.md` does not resolve"),
            "{out}"
        );
        assert!(out.contains("--> content/a.md:4:9"), "{out}");
        assert!(out.contains("4 | See [a](gone.md) now"), "{out}");
        assert!(out.contains("^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `here.md`?"), "{out}");
        assert!(out.ends_with("1 error, 0 warnings\n"), "{out}");
    }

    /// The whole human report, as CI logs show it: frames, help lines, summary.
    #[test]
    fn report_snapshot() {
        let text = "---\r\nowner: salez\r\n---\r\nÜber [the process](../processes/edge.md#dicsovery) and\n[x](../../outside.md)\n";
        let at = |line, column, bytes: std::ops::Range<usize>| Pos {
            line,
            column,
            bytes,
        };
        let diagnostics = [
            Diagnostic::error(
                Code::BrokenRef,
                "content/playbooks/a.md",
                at(2, 8, 12..17),
                "`owner`: no department has the id `salez`",
            )
            .with_help("did you mean `sales`?"),
            Diagnostic::error(
                Code::BrokenAnchor,
                "content/playbooks/a.md",
                at(4, 20, 45..75),
                "`#dicsovery` is not an anchor of `content/processes/edge.md`",
            )
            .with_help("did you mean `#discovery`?"),
            Diagnostic::warning(
                Code::LinkOutsideRoot,
                "content/playbooks/a.md",
                at(5, 5, 85..101),
                "link to `../../outside.md` climbs out of the content folder",
            ),
        ];
        insta::assert_snapshot!(render(&diagnostics, |_| Some(text.to_string()), false));
    }
}
