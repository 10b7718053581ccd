//! Edits to the handbook's own source files, for `handbook fix` and `handbook mv`: each edit
//! replaces only the bytes of one link destination or front-matter value, and only when they
//! still hold what the loader read and the new text can be written there as it is (README,
//! "`handbook fix`"). Everything else in the file is left byte for byte.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Fix, Syntax};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A file's text before and after its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub before: String,
    pub after: String,
    /// Edits made.
    pub applied: usize,
    /// Edits left out: the text there is not what was read (an escape, an entity, a block
    /// scalar), the new text cannot be written there as it is, or another edit of the same
    /// bytes disagrees.
    pub skipped: usize,
}

/// Where in `source` the replacement of `fix` goes: its bytes (inside the quotes of a quoted
/// YAML scalar), if they still hold what was read and the replacement can stand there as it
/// is, without escapes.
pub fn place(source: &str, fix: &Fix) -> Option<Range<usize>> {
    let written = source.get(fix.bytes.clone())?;
    let new = fix.replacement.as_str();
    match fix.syntax {
        Syntax::Markdown => {
            let angled = source[..fix.bytes.start].ends_with('<');
            (written == fix.was && markdown_writable(new, angled)).then(|| fix.bytes.clone())
        }
        Syntax::Html => (written == fix.was && html_writable(new)).then(|| fix.bytes.clone()),
        Syntax::Insert => (written == fix.was).then(|| fix.bytes.clone()),
        Syntax::Yaml => {
            if written == fix.was {
                return yaml_plain_writable(new).then(|| fix.bytes.clone());
            }
            let quote = written.chars().next().filter(|q| matches!(q, '"' | '\''))?;
            let inner = written.strip_prefix(quote)?.strip_suffix(quote)?;
            let bad: &[char] = if quote == '"' { &['"', '\\'] } else { &['\''] };
            (inner == fix.was && !new.contains(bad) && !new.contains(char::is_control))
                .then(|| fix.bytes.start + 1..fix.bytes.end - 1)
        }
    }
}

/// A link destination written as it is (CommonMark): no control character, angle bracket or
/// backslash (it would escape); outside `<...>`, no space either, and parentheses only in
/// balanced pairs.
fn markdown_writable(new: &str, angled: bool) -> bool {
    if new.is_empty() || new.contains(|c: char| c.is_control() || matches!(c, '<' | '>' | '\\')) {
        return false;
    }
    angled || (!new.contains(char::is_whitespace) && balanced(new))
}

fn balanced(s: &str) -> bool {
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// An attribute value written as it is: nothing a quote, a tag or an entity could take.
fn html_writable(new: &str) -> bool {
    !new.is_empty()
        && !new.contains(|c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '&')
        })
}

/// A plain YAML scalar that reads back as the same string, in block or flow context: it
/// starts with a letter, digit, `.`, `/` or `_`, and holds no flow indicator, no `: ` and no
/// ` #`.
fn yaml_plain_writable(new: &str) -> bool {
    let Some(first) = new.chars().next() else {
        return false;
    };
    (first.is_alphanumeric() || matches!(first, '.' | '/' | '_'))
        && !new.contains(|c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, ',' | '[' | ']' | '{' | '}')
        })
        && !new.ends_with(':')
        && !new.contains(": ")
        && !matches!(
            new.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
}

/// `source` with every edit in `fixes` that can be placed ([`place`]) made. Edits of the same
/// bytes to the same text count once; edits that overlap otherwise are all left out.
pub fn apply(source: &str, fixes: &[&Fix]) -> Edited {
    let mut placed: Vec<(Range<usize>, &str)> = Vec::with_capacity(fixes.len());
    let mut skipped = 0;
    for fix in fixes {
        match place(source, fix) {
            Some(range) => placed.push((range, fix.replacement.as_str())),
            None => skipped += 1,
        }
    }
    placed.sort_by(|a, b| (a.0.start, a.0.end, a.1).cmp(&(b.0.start, b.0.end, b.1)));
    placed.dedup();
    // Overlapping edits disagree about what the text should be: none of them is made.
    let mut keep = vec![true; placed.len()];
    for i in 1..placed.len() {
        if placed[i].0.start < placed[i - 1].0.end {
            keep[i] = false;
            keep[i - 1] = false;
        }
    }
    let mut after = String::with_capacity(source.len());
    let mut at = 0;
    let mut applied = 0;
    for ((range, new), keep) in placed.iter().zip(keep) {
        if !keep {
            skipped += 1;
            continue;
        }
        after.push_str(&source[at..range.start]);
        after.push_str(new);
        at = range.end;
        applied += 1;
    }
    after.push_str(&source[at..]);
    Edited {
        before: source.to_string(),
        after,
        applied,
        skipped,
    }
}

/// A unified diff of one file's edit, with `a/` and `b/` paths as git writes them.
pub fn unified_diff(file: &str, before: &str, after: &str) -> String {
    unified_diff_moved(file, file, before, after)
}

/// A unified diff of a file edited and moved from `old` to `new`.
pub fn unified_diff_moved(old: &str, new: &str, before: &str, after: &str) -> String {
    let mut diff = similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{old}"), &format!("b/{new}"))
        .to_string();
    // The last line of a file without a final newline, shown as context, is marked as git
    // marks it (similar marks only changed lines).
    if !diff.is_empty() && !diff.ends_with('\n') {
        diff.push_str("\n\\ No newline at end of file\n");
    }
    diff
}

/// Reads a file to edit, following symlinks to the file itself (the edit is written there).
pub fn read(path: &Path) -> Result<(PathBuf, String), EditError> {
    let read = |source| EditError::Read {
        path: path.to_path_buf(),
        source,
    };
    let real = std::fs::canonicalize(path).map_err(read)?;
    let text = std::fs::read_to_string(&real).map_err(read)?;
    Ok((real, text))
}

/// Writes `text` to `path` atomically: to a temporary file in the same folder, then renamed
/// over it, so a reader (or a crash) sees the old file or the new one, never half of one. The
/// file keeps its permissions.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), EditError> {
    let failed = |source| EditError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".handbook-edit-")
        .tempfile_in(dir)
        .map_err(failed)?;
    temp.write_all(text.as_bytes()).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(failed)?;
    }
    temp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(source: &str, was: &str, replacement: &str, syntax: Syntax) -> Fix {
        let start = source.find(was).unwrap();
        Fix {
            bytes: start..start + was.len(),
            was: was.to_string(),
            replacement: replacement.to_string(),
            syntax,
        }
    }

    #[test]
    fn only_the_destination_changes_whatever_its_style() {
        let source = "[a](gude.md#Top \"t\") <gude.md> [b]: <gude.md#x>\n";
        let inline = fix(source, "gude.md#Top", "guide.md#top", Syntax::Markdown);
        let edited = apply(source, &[&inline]);
        assert_eq!(
            edited.after,
            "[a](guide.md#top \"t\") <gude.md> [b]: <gude.md#x>\n"
        );
        let start = source.rfind("gude.md#x").unwrap();
        let angled = Fix {
            bytes: start..start + 9,
            was: "gude.md#x".into(),
            replacement: "my guide.md#x".into(),
            syntax: Syntax::Markdown,
        };
        let edited = apply(source, &[&inline, &angled]);
        assert_eq!(
            edited.after,
            "[a](guide.md#top \"t\") <gude.md> [b]: <my guide.md#x>\n"
        );
        assert_eq!((edited.applied, edited.skipped), (2, 0));
    }

    #[test]
    fn text_that_is_not_what_was_read_is_left_alone() {
        // The parser read `a_b.md` from `a\_b.md`: the bytes there are not the destination.
        let source = "[a](a\\_b.md)";
        let f = Fix {
            bytes: 4..10,
            was: "a_b.md".into(),
            replacement: "ab.md".into(),
            syntax: Syntax::Markdown,
        };
        let edited = apply(source, &[&f]);
        assert_eq!((edited.after.as_str(), edited.skipped), (source, 1));
        // A space cannot stand in a destination outside `<...>`.
        let f = fix("[a](x.md)", "x.md", "my x.md", Syntax::Markdown);
        assert_eq!(apply("[a](x.md)", &[&f]).applied, 0);
        let f = fix("<a href=\"x\">", "x", "a&b", Syntax::Html);
        assert_eq!(apply("<a href=\"x\">", &[&f]).applied, 0);
    }

    #[test]
    fn yaml_values_keep_their_quotes() {
        let source = "owner: \"sles\"\nprocess: 'dmo'\nplaybooks: [dmo, x]\n";
        let quoted = |was: &str, q: &str| {
            let start = source.find(&format!("{q}{was}{q}")).unwrap();
            Fix {
                bytes: start..start + was.len() + 2,
                was: was.into(),
                replacement: format!("{was}!"),
                syntax: Syntax::Yaml,
            }
        };
        let plain = fix(source, "dmo, x", "dmo", Syntax::Yaml);
        let plain = Fix {
            bytes: plain.bytes.start..plain.bytes.start + 3,
            was: "dmo".into(),
            replacement: "demo".into(),
            ..plain
        };
        let edited = apply(
            source,
            &[&quoted("sles", "\""), &quoted("dmo", "'"), &plain],
        );
        assert_eq!(
            edited.after,
            "owner: \"sles!\"\nprocess: 'dmo!'\nplaybooks: [demo, x]\n"
        );
        // A plain value that would read back as something else is not written.
        let f = Fix {
            replacement: "a, b".into(),
            ..fix(source, "dmo", "", Syntax::Yaml)
        };
        assert_eq!(place(source, &f), None);
    }

    #[test]
    fn overlapping_edits_that_disagree_are_all_left_out() {
        let source = "[a](x.md)";
        let one = fix(source, "x.md", "y.md", Syntax::Markdown);
        let same = one.clone();
        let other = fix(source, "x.md", "z.md", Syntax::Markdown);
        assert_eq!(apply(source, &[&one, &same]).after, "[a](y.md)");
        let edited = apply(source, &[&one, &other]);
        assert_eq!((edited.after.as_str(), edited.applied), (source, 0));
    }

    #[test]
    fn diffs_are_unified_and_writes_atomic() {
        let diff = unified_diff("content/a.md", "x\n[a](b)\n", "x\n[a](c)\n");
        assert!(
            diff.starts_with("--- a/content/a.md\n+++ b/content/a.md\n@@"),
            "{diff}"
        );
        assert!(diff.contains("-[a](b)\n+[a](c)\n"), "{diff}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "old").unwrap();
        write_atomic(&file, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
