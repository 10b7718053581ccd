//! The Markdown summary for a CI job's page (GitHub's `$GITHUB_STEP_SUMMARY`): counts by code,
//! then the first problems as a table with links to their lines.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Diagnostic, Held, Severity, count, counts};

/// How many problems the table lists; the counts cover them all.
pub const LIMIT: usize = 50;

const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Where the summary's file links go.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links<'a> {
    /// Put before each file: the handbook's folder in the repository (`docs/`), or empty.
    pub prefix: &'a str,
    /// The URL files are shown under (`https://github.com/ORG/REPO/blob/SHA/`), when known;
    /// without it, places are plain text.
    pub blob: Option<&'a str>,
}

pub fn render(
    title: &str,
    diagnostics: &[Diagnostic],
    held: Option<Held>,
    links: Links,
    limit: usize,
) -> String {
    let (errors, warnings) = counts(diagnostics);
    let mut out = format!("## {title}\n\n");
    if errors + warnings == 0 {
        out.push_str("**No problems found.**\n");
    } else {
        out.push_str(&format!(
            "**{}, {}**\n",
            count(errors, "error"),
            count(warnings, "warning")
        ));
    }
    if let Some(held) = held {
        out.push_str(&format!("\n{}\n", cell(&held.line())));
    }
    if diagnostics.is_empty() {
        return out;
    }
    let mut by_code: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in diagnostics {
        let count = by_code.entry(d.code.as_str()).or_default();
        match d.severity {
            Severity::Error => count.0 += 1,
            Severity::Warning => count.1 += 1,
        }
    }
    out.push_str("\n| code | errors | warnings |\n|---|---:|---:|\n");
    for (code, (e, w)) in &by_code {
        out.push_str(&format!("| `{code}` | {e} | {w} |\n"));
    }
    let shown = diagnostics.len().min(limit);
    out.push_str(&format!(
        "\n{}\n\n| | where | code | problem |\n|---|---|---|---|\n",
        if shown < diagnostics.len() {
            format!("The first {shown} of {} problems:", diagnostics.len())
        } else {
            "Every problem:".to_string()
        }
    ));
    for d in &diagnostics[..shown] {
        let file = format!("{}{}", links.prefix, d.file);
        let place = format!("{file}:{}", d.line);
        let place = match links.blob {
            Some(blob) => format!(
                "[{}]({blob}{}#L{})",
                cell(&place),
                utf8_percent_encode(&file, PATH),
                d.line
            ),
            None => cell(&place),
        };
        let mut problem = d.message.clone();
        if let Some(help) = &d.help {
            problem.push_str("\nhelp: ");
            problem.push_str(help);
        }
        out.push_str(&format!(
            "| {} | {place} | `{}` | {} |\n",
            match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            d.code.as_str(),
            cell(&problem)
        ));
    }
    out
}

/// Text made safe for one table cell: no row-ending newline, no column-ending `|`, no HTML.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\r', "")
        .replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Pos;

    fn at(line: usize, message: &str) -> Diagnostic {
        let pos = Pos {
            line,
            column: 2,
            bytes: 0..0,
        };
        Diagnostic::error(Code::BrokenLink, "content/a b.md", pos, message)
    }

    #[test]
    fn counts_links_and_escapes() {
        let ds = [
            at(3, "link to `x|y` <b>").with_help("did you mean `z`?"),
            at(4, "second"),
            Diagnostic::warning(Code::OrphanPage, "content/c.md", Pos::default(), "orphan"),
        ];
        let links = Links {
            prefix: "docs/",
            blob: Some("https://github.com/o/r/blob/abc/"),
        };
        let md = render("handbook check", &ds, None, links, 2);
        assert!(
            md.starts_with("## handbook check\n\n**2 errors, 1 warning**\n"),
            "{md}"
        );
        assert!(
            md.contains("| `broken-link` | 2 | 0 |\n| `orphan-page` | 0 | 1 |\n"),
            "{md}"
        );
        assert!(md.contains("The first 2 of 3 problems:"), "{md}");
        assert!(
            md.contains("| error | [docs/content/a b.md:3](https://github.com/o/r/blob/abc/docs/content/a%20b.md#L3) | `broken-link` | link to `x\\|y` &lt;b&gt;<br>help: did you mean `z`? |\n"),
            "{md}"
        );
        assert!(!md.contains("orphan\n"), "{md}");
        let plain = render("t", &ds[1..2], None, Links::default(), 10);
        assert!(
            plain.contains("| error | content/a b.md:4 | `broken-link` | second |"),
            "{plain}"
        );
    }
}
