//! GitHub Actions workflow commands: one `::error file=...::message` line per diagnostic,
//! so each problem shows as an annotation on the pull request's diff.

use super::{Diagnostic, Severity};

/// The annotations. `prefix` is put before each file, since GitHub reads paths from the
/// repository's root.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            property(&format!("{prefix}{}", d.file)),
            d.line,
            d.column,
            property(d.code.as_str()),
            data(&message)
        ));
    }
    out
}

/// Escapes a message as GitHub's toolkit does (`escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`escapeProperty`): also `:` and `,`, which delimit properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Pos;

    #[test]
    fn escapes_as_github_requires() {
        let d = Diagnostic::error(
            Code::BrokenLink,
            "content/a,b:c.md",
            Pos {
                line: 3,
                column: 7,
                bytes: 0..0,
            },
            "100% broken\nreally",
        )
        .with_help("did you mean `x`?");
        assert_eq!(
            render(&[d], ""),
            "::error file=content/a%2Cb%3Ac.md,line=3,col=7,title=broken-link::100%25 broken%0Areally%0Ahelp: did you mean `x`?\n"
        );
    }
}
