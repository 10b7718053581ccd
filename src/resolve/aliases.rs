//! Aliases: old URLs a page keeps answering at. An alias is a path of this site, written as a
//! URL path; it resolves to the site path (below `base_url`) where its redirect is published,
//! or to the reason it cannot be one. `check` reports the reasons; the build publishes the rest.

use crate::load::markdown::is_external;

/// Why an alias cannot be published as a redirect inside the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasProblem {
    /// `..` climbs above the site's root.
    OutsideSite,
    /// A query: a host serves a redirect file by its path alone.
    Query,
    /// A fragment: it never reaches the host.
    Fragment,
    /// A backslash: a folder separator on Windows.
    Backslash,
    /// A NUL character: no file name holds one.
    Nul,
    /// A scheme (`https:`) or a host (`//host/`): an alias names a path of this site.
    NotAPath,
    /// Percent-decoding gives bytes that are not UTF-8: no request would ever match the file.
    NotUtf8,
}

/// The site path an alias is published at: `/old/path` and `/old/path/index.html` ->
/// `old/path/`, `/old.html` -> `old.html`, `/` -> `` (the home URL). Percent-decoded, with
/// `.` and `..` resolved, and with or without the path of `base_url` (`base_path`), as links
/// are written.
pub fn site_path(alias: &str, base_path: &str) -> Result<String, AliasProblem> {
    if is_external(alias) {
        return Err(AliasProblem::NotAPath);
    }
    let decoded = percent_encoding::percent_decode_str(alias)
        .decode_utf8()
        .map_err(|_| AliasProblem::NotUtf8)?;
    for (c, problem) in [
        ('?', AliasProblem::Query),
        ('#', AliasProblem::Fragment),
        ('\\', AliasProblem::Backslash),
        ('\0', AliasProblem::Nul),
    ] {
        if decoded.contains(c) {
            return Err(problem);
        }
    }
    let path = decoded.trim_start_matches('/');
    let base = base_path.trim_start_matches('/');
    let path = path
        .strip_prefix(base)
        .filter(|_| !base.is_empty())
        .unwrap_or(path);

    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(AliasProblem::OutsideSite)?;
            }
            part => parts.push(part),
        }
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    let folder = matches!(last, "" | "." | "..");
    if !folder && last == "index.html" {
        parts.pop();
    } else if !folder && last.ends_with(".html") {
        return Ok(parts.join("/"));
    }
    let mut site_path = parts.join("/");
    if !site_path.is_empty() {
        site_path.push('/');
    }
    Ok(site_path)
}

#[cfg(test)]
mod tests {
    use super::AliasProblem::*;
    use super::*;

    #[test]
    fn aliases_are_site_paths() {
        let at = |alias| site_path(alias, "/");
        assert_eq!(at("/old/path"), Ok("old/path/".into()));
        assert_eq!(at("/old/path/"), Ok("old/path/".into()));
        assert_eq!(at("old/path"), Ok("old/path/".into()));
        assert_eq!(at("/old/path/index.html"), Ok("old/path/".into()));
        assert_eq!(at("/old.html"), Ok("old.html".into()));
        assert_eq!(at("/old.html/"), Ok("old.html/".into()));
        assert_eq!(at("/"), Ok(String::new()));
        assert_eq!(at("/index.html"), Ok(String::new()));
        assert_eq!(at("/a//b/./c/../d"), Ok("a/b/d/".into()));
        assert_eq!(at("/a/b/.."), Ok("a/".into()));
        assert_eq!(at("/old%20name/"), Ok("old name/".into()));
        assert_eq!(at("/caf%C3%A9.html"), Ok("café.html".into()));
    }

    #[test]
    fn base_path_is_optional() {
        let at = |alias| site_path(alias, "/handbook/");
        assert_eq!(at("/handbook/old/"), Ok("old/".into()));
        assert_eq!(at("/old/"), Ok("old/".into()));
        assert_eq!(at("/handbook/"), Ok(String::new()));
        assert_eq!(at("/handbook/../x/"), Err(OutsideSite));
    }

    #[test]
    fn aliases_that_cannot_be_published_inside_the_site() {
        let at = |alias| site_path(alias, "/");
        assert_eq!(at("/../../escaped/x.html"), Err(OutsideSite));
        assert_eq!(at("/a/../../x"), Err(OutsideSite));
        assert_eq!(at(".."), Err(OutsideSite));
        assert_eq!(at("/%2e%2e/x.html"), Err(OutsideSite));
        assert_eq!(at("/a%2F..%2F..%2Fx"), Err(OutsideSite));
        assert_eq!(at("/old?page=2"), Err(Query));
        assert_eq!(at("/old#top"), Err(Fragment));
        assert_eq!(at("/old%3Fx"), Err(Query));
        assert_eq!(at("\\..\\x.html"), Err(Backslash));
        assert_eq!(at("/a%5c..%5cx"), Err(Backslash));
        assert_eq!(at("/a%00.html"), Err(Nul));
        assert_eq!(at("https://example.com/old/"), Err(NotAPath));
        assert_eq!(at("//example.com/old/"), Err(NotAPath));
        assert_eq!(at("/a%FF/"), Err(NotUtf8));
    }
}
