//! Site paths served by something other than handbook (`external_paths` in handbook.yaml): a
//! CDN under `/images/`, a microsite under `/job-description-library/`, the rest of a larger
//! handbook. A link that names nothing of the handbook and lands under one of them is left as
//! written and not checked (README, "Paths served elsewhere").
//!
//! A pattern is a URL path as a browser requests it: it starts with `/`, and matches that path
//! and everything below it. `*` matches within one segment, `**` any number of segments, `?`
//! one character, and a pattern starting with `!` takes paths back, as in `.gitignore`: the
//! last pattern that matches decides.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

#[derive(Debug, Clone, Default)]
pub struct ExternalPaths {
    /// Per glob in `set`: whether its pattern takes paths back, and the pattern's index.
    globs: Vec<(bool, usize)>,
    set: GlobSet,
}

/// One pattern of `external_paths`, checked on its own (so an error names its line).
#[derive(Debug, Clone)]
struct Pattern {
    negated: bool,
    /// The path or glob, without a final `/` or `/**`: itself, and `BASE/**` below it.
    globs: [globset::Glob; 2],
}

impl Pattern {
    fn new(written: &str) -> Result<Self, String> {
        let (negated, pattern) = match written.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, written),
        };
        if !pattern.starts_with('/') {
            return Err(format!(
                "external path `{written}` must start with `/`: it is a path of this web site, such as `/images/`"
            ));
        }
        if pattern.contains('#') {
            return Err(format!(
                "external path `{written}` holds a `#`: a browser never sends the fragment, so write the path only"
            ));
        }
        let base = pattern.trim_end_matches('/');
        let base = base
            .strip_suffix("/**")
            .unwrap_or(base)
            .trim_end_matches('/');
        let glob = |glob: &str| {
            GlobBuilder::new(glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("external path `{written}`: {}", e.kind()))
        };
        Ok(Pattern {
            negated,
            globs: [glob(base)?, glob(&format!("{base}/**"))?],
        })
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = String::deserialize(deserializer)?;
        Pattern::new(&written).map_err(serde::de::Error::custom)
    }
}

impl ExternalPaths {
    /// Compiles `patterns`; the error names the pattern and what is wrong with it.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let patterns: Vec<Pattern> = patterns
            .iter()
            .map(|p| Pattern::new(p))
            .collect::<Result<_, _>>()?;
        Self::compile(patterns)
    }

    fn compile(patterns: Vec<Pattern>) -> Result<Self, String> {
        let mut builder = GlobSetBuilder::new();
        let mut globs = Vec::new();
        for (at, pattern) in patterns.into_iter().enumerate() {
            for glob in pattern.globs {
                builder.add(glob);
                globs.push((pattern.negated, at));
            }
        }
        let set = builder
            .build()
            .map_err(|e| format!("external paths: {e}"))?;
        Ok(ExternalPaths { globs, set })
    }

    /// Whether the URL path `path` (percent-decoded, `.` and `..` resolved, starting with `/`)
    /// is served elsewhere.
    pub fn contains(&self, path: &str) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        // `/images/` is the folder `/images`; `/` is the root, matched by `/**` only.
        let path = match path.trim_end_matches('/') {
            "" => "/",
            trimmed => trimmed,
        };
        self.set
            .matches(path)
            .into_iter()
            .map(|i| self.globs[i])
            .max_by_key(|&(_, pattern)| pattern)
            .is_some_and(|(negated, _)| !negated)
    }
}

impl<'de> Deserialize<'de> for ExternalPaths {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let patterns = Vec::<Pattern>::deserialize(deserializer)?;
        ExternalPaths::compile(patterns).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::ExternalPaths;

    fn paths(patterns: &[&str]) -> ExternalPaths {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        ExternalPaths::new(&patterns).unwrap()
    }

    #[test]
    fn a_path_covers_itself_and_everything_below() {
        let p = paths(&["/images/", "/job-families"]);
        for inside in [
            "/images",
            "/images/",
            "/images/logo.png",
            "/images/a/b/c.svg",
            "/job-families/sales/",
        ] {
            assert!(p.contains(inside), "{inside}");
        }
        for outside in [
            "/imagesx/a.png",
            "/image/a.png",
            "/",
            "/handbook/images/a.png",
        ] {
            assert!(!p.contains(outside), "{outside}");
        }
    }

    #[test]
    fn stars_stay_in_a_segment_and_double_stars_cross_them() {
        let p = paths(&["/handbook/*/archive/", "/docs/**/*.pdf"]);
        assert!(p.contains("/handbook/sales/archive/2020/"));
        assert!(!p.contains("/handbook/sales/team/archive/"));
        assert!(p.contains("/docs/a/b/price list.pdf"));
        assert!(p.contains("/docs/x.pdf"));
        assert!(!p.contains("/docs/x.png"));
        // `/handbook/engineering/**` is the folder and everything below, like the plain path.
        let p = paths(&["/handbook/engineering/**"]);
        assert!(p.contains("/handbook/engineering/"));
        assert!(p.contains("/handbook/engineering/infra/"));
        assert!(!p.contains("/handbook/engineering-old/"));
    }

    #[test]
    fn the_last_matching_pattern_decides() {
        let p = paths(&[
            "/handbook/",
            "!/handbook/sales/",
            "/handbook/sales/archive/",
        ]);
        assert!(p.contains("/handbook/marketing/"));
        assert!(p.contains("/handbook/"));
        assert!(!p.contains("/handbook/sales/"));
        assert!(!p.contains("/handbook/sales/deal-desk/"));
        assert!(p.contains("/handbook/sales/archive/2019/"));
        assert!(!paths(&[]).contains("/anything/"));
        assert!(paths(&["/"]).contains("/anything/"));
    }

    #[test]
    fn bad_patterns_are_named() {
        let bad = |pattern: &str| ExternalPaths::new(&[pattern.to_string()]).unwrap_err();
        assert!(
            bad("images/").contains("must start with `/`"),
            "{}",
            bad("images/")
        );
        assert!(bad("/a/[b").contains("`/a/[b`"), "{}", bad("/a/[b"));
        assert!(bad("/faq#top").contains("holds a `#`"));
    }

    #[test]
    fn handbook_yaml_reports_a_bad_pattern_with_its_line() {
        let e = crate::config::Config::parse("title: A\nexternal_paths:\n  - images/\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "handbook.yaml:3:5: `external_paths`: external path `images/` must start with `/`"
            ),
            "{e}"
        );
        let c = crate::config::Config::parse("external_paths: [/images/]\n").unwrap();
        assert!(c.external_paths.contains("/images/a.png"));
    }
}
