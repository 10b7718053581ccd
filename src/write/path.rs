//! The one way an output path becomes a place on disk. Output paths come from page URLs,
//! aliases in front matter, file names under `static/` and `content/`, and the theme: any of
//! them may be written by someone who should not be able to write outside the output folder.

use std::path::{Component, Path, PathBuf};

use super::WriteError;

/// Joins `rel`, a `/`-separated output path, onto `dir`, after proving it names a file inside
/// `dir`: rejected, with the reason, when it could name anything else.
pub fn join(dir: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    check(rel)?;
    Ok(dir.join(rel))
}

/// Why `rel` is not a plain relative path to a file inside the output, if it is not.
pub fn check(rel: &str) -> Result<(), WriteError> {
    let reject = |reason: &'static str| {
        Err(WriteError::UnsafePath {
            path: rel.to_string(),
            reason,
        })
    };
    if rel.is_empty() {
        return reject("the path is empty");
    }
    if rel.contains('\0') {
        return reject("it holds a NUL byte");
    }
    if rel.contains('\\') {
        return reject("it holds a backslash, a folder separator on Windows");
    }
    if rel.starts_with('/') {
        return reject("it is absolute");
    }
    if is_drive(rel) {
        return reject("it starts with a Windows drive or prefix");
    }
    for segment in rel.split('/') {
        match segment {
            "" => return reject("it has an empty segment (`//` or a trailing `/`)"),
            "." | ".." => return reject("it has a `.` or `..` segment"),
            _ => {}
        }
    }
    // What the platform itself makes of it: on Windows this also catches prefixes (`\\?\`,
    // `C:`) in forms the checks above do not spell out.
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return reject("it is not a plain relative path");
    }
    Ok(())
}

/// `C:`, `c:foo`: a drive-relative path on Windows, whatever it means elsewhere.
fn is_drive(rel: &str) -> bool {
    let bytes = rel.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(rel: &str) -> &'static str {
        match check(rel) {
            Err(WriteError::UnsafePath { reason, .. }) => reason,
            other => panic!("{rel:?} was not rejected: {other:?}"),
        }
    }

    #[test]
    fn plain_relative_paths_join_inside_the_folder() {
        let dir = Path::new("/out");
        for rel in [
            "index.html",
            "processes/edge/index.html",
            "a b/c#d?e%20f/ünïcode.html",
            "..html",
            "...",
            ".well-known/security.txt",
            "x..y/z",
        ] {
            let joined = join(dir, rel).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(joined, dir.join(rel));
            assert!(joined.starts_with(dir));
        }
    }

    #[test]
    fn parent_and_current_segments_are_rejected() {
        for rel in [
            "..",
            "../x.html",
            "../../escaped/x.html",
            "a/../../x.html",
            "a/..",
            "./x",
            "a/./b",
            ".",
        ] {
            assert_eq!(reason(rel), "it has a `.` or `..` segment", "{rel}");
        }
    }

    #[test]
    fn absolute_empty_and_odd_bytes_are_rejected() {
        assert_eq!(reason("/etc/passwd"), "it is absolute");
        assert_eq!(reason("//server/share"), "it is absolute");
        assert_eq!(reason(""), "the path is empty");
        assert_eq!(
            reason("a//b"),
            "it has an empty segment (`//` or a trailing `/`)"
        );
        assert_eq!(
            reason("a/"),
            "it has an empty segment (`//` or a trailing `/`)"
        );
        assert_eq!(reason("a/\0/b"), "it holds a NUL byte");
        assert_eq!(
            reason("..\\..\\x.html"),
            "it holds a backslash, a folder separator on Windows"
        );
        assert_eq!(
            reason("a\\b"),
            "it holds a backslash, a folder separator on Windows"
        );
        assert_eq!(reason("C:"), "it starts with a Windows drive or prefix");
        assert_eq!(
            reason("c:/Windows/x"),
            "it starts with a Windows drive or prefix"
        );
    }

    #[test]
    fn a_rejected_path_is_an_error_naming_it() {
        let error = join(Path::new("/out"), "../../escaped/x.html").unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("`../../escaped/x.html`") && message.contains("`..`"),
            "{message}"
        );
    }
}
