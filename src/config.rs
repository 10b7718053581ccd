//! `handbook.yaml`: the site's settings. Its problems are diagnostics like any page's (code
//! `config`): every unknown key with "did you mean", a wrong value in the editor's words, each
//! at its line and column; the commands report them as they report content, and stop.

mod problems;

use std::path::{Path, PathBuf};

use bytesize::ByteSize;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Located, Pos};

/// Unknown keys are found by [`problems`] (every one of them, with "did you mean"), so serde
/// is not told to deny them: it stops at the first.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// The site's name, shown in the header and page titles.
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Prefix of every URL in the output: a path (`/handbook/`) or a full URL.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// A folder under `themes/`; `default` is compiled in unless the site has its own copy.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Prefix for "Edit this page": the page's path under `content/` is appended. Kept with
    /// its place in handbook.yaml, since `check` judges it.
    #[serde(default, deserialize_with = "located")]
    pub edit_url: Option<Located<String>>,
    /// The largest page file read; a larger one is an error naming this key (README, "Limits").
    /// A byte count or a size with a unit: `10 MB`, `512 KiB`.
    #[serde(default = "default_max_page_size")]
    pub max_page_size: ByteSize,
    /// The language of the pages, a BCP 47 tag (`en`, `de`, `pt-BR`): `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The baseline file `check` and `build` read, relative to the root (README, "Baseline").
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Free-form data for themes.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// What front matter may hold besides the fields handbook knows.
    #[serde(default)]
    pub front_matter: FrontMatterConfig,
    /// URL paths served by something else (a CDN, a microsite): links there are not checked.
    #[serde(default)]
    pub external_paths: crate::external::ExternalPaths,
}

/// `front_matter:` in handbook.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterConfig {
    /// Top-level front-matter keys a team uses besides handbook's fields (`upstream_path`,
    /// `toc_hide`): accepted on every page and given to templates in `page.extra`, so that a
    /// typo of a field is still caught.
    #[serde(default)]
    pub extra_keys: Vec<String>,
}

/// An optional value with its line, column and bytes in handbook.yaml.
fn located<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Located<String>>, D::Error> {
    let spanned: Option<Spanned<String>> = Option::deserialize(deserializer)?;
    Ok(spanned.map(|s| {
        let at = s.referenced;
        let start = at.span().byte_offset().unwrap_or(0) as usize;
        let len = at.span().byte_len().unwrap_or(0) as usize;
        Located {
            value: s.value,
            pos: Pos {
                line: at.line() as usize,
                column: at.column() as usize,
                bytes: start..start + len,
            },
        }
    }))
}

/// Pages past 10 MB are almost surely generated or pasted by mistake, and parsing one takes
/// seconds and memory many times its size.
pub const DEFAULT_MAX_PAGE_SIZE: ByteSize = ByteSize::mb(10);

/// `handbook.yaml` itself is read only up to this size, since the page limit is set in it.
pub const MAX_CONFIG_SIZE: u64 = DEFAULT_MAX_PAGE_SIZE.as_u64();

fn default_title() -> String {
    "Handbook".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_max_page_size() -> ByteSize {
    DEFAULT_MAX_PAGE_SIZE
}

/// The file the settings are read from, as diagnostics name it.
pub const FILE: &str = "handbook.yaml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no handbook.yaml in {0} (is --root the folder that holds it?)")]
    Missing(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// handbook.yaml holds mistakes: every one found, sorted, each with its place and help.
    #[error("{}", first_of(.0))]
    Invalid(Vec<Diagnostic>),
}

/// `handbook.yaml:2:1: unknown key ...`, and how many more: the one line an error shows.
fn first_of(problems: &[Diagnostic]) -> String {
    let Some(first) = problems.first() else {
        return format!("{FILE} is not valid");
    };
    let more = match problems.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more problem)".into(),
        n => format!(" (and {n} more problems)"),
    };
    format!(
        "{}:{}:{}: {}{more}",
        first.file, first.line, first.column, first.message
    )
}

impl Config {
    /// Reads `ROOT/handbook.yaml`, and checks that its theme exists: a run with the wrong
    /// theme could not render anything.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join("handbook.yaml");
        let text = match read_limited(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(root.to_path_buf()));
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let config = Self::parse(&text)?;
        config.check_theme(root, &text)?;
        Ok(config)
    }

    /// Reads the settings from the text of handbook.yaml, reporting every problem found.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let text = if text.trim().is_empty() { "{}" } else { text };
        let tree = crate::yaml::tree(text)
            .map_err(|e| ConfigError::Invalid(vec![problems::syntax(&e, text)]))?;
        let mut found = problems::keys(&tree, text);
        match crate::yaml::from_str::<Config>(text) {
            Ok(config) => {
                if !is_language_tag(&config.language) {
                    found.push(
                        Diagnostic::error(
                            Code::Config,
                            FILE,
                            value_pos(text, "language"),
                            format!(
                                "language `{}` is not a language tag such as `en`, `de` or `pt-BR`",
                                config.language
                            ),
                        )
                        .with_help("write a BCP 47 tag: `language: en`"),
                    );
                }
                if found.is_empty() {
                    return Ok(config.normalized());
                }
            }
            Err(e) => {
                let problem = problems::value(&e, &tree, text);
                // A repeated key is found by both; say it once.
                if !found.iter().any(|d| d.line == problem.line) {
                    found.push(problem);
                }
            }
        }
        crate::diagnostic::sort(&mut found);
        Err(ConfigError::Invalid(found))
    }

    /// The theme is `default` (compiled in) or a folder under `themes/`, named by its name
    /// alone: a path could reach templates outside the handbook.
    fn check_theme(&self, root: &Path, text: &str) -> Result<(), ConfigError> {
        let name = self.theme.as_str();
        let simple = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\']);
        let folders = || {
            std::fs::read_dir(root.join("themes"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
        };
        let (message, help) = if !simple {
            (
                format!("theme `{name}` is not a folder name under themes/"),
                "name the theme by its folder under themes/, or write `theme: default`".to_string(),
            )
        } else if name != "default" && !root.join("themes").join(name).is_dir() {
            let names: Vec<String> = folders().chain(["default".to_string()]).collect();
            let help = match crate::suggest::closest(name, names.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "set `theme: default`, or add the theme folder".to_string(),
            };
            (
                format!("theme `{name}` not found: no folder themes/{name}/"),
                help,
            )
        } else {
            return Ok(());
        };
        Err(ConfigError::Invalid(vec![
            Diagnostic::error(Code::Config, FILE, value_pos(text, "theme"), message)
                .with_help(help),
        ]))
    }

    fn normalized(mut self) -> Self {
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        self
    }

    /// The path part of `base_url`, `/`-terminated: `/handbook/` for `https://x.com/handbook`.
    pub fn base_path(&self) -> &str {
        let url = self.base_url.as_str();
        match url.find("://") {
            Some(scheme) => {
                let after = &url[scheme + 3..];
                after.find('/').map_or("/", |slash| &after[slash..])
            }
            None => url,
        }
    }

    /// The URL of a site path (`processes/x/`, no leading slash, names as on disk): `base_url`
    /// and the path percent-encoded. Every URL of the site is made here ([`crate::url`]).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, crate::url::path(path))
    }
}

/// Where the value of top-level `key` is written in handbook.yaml: parsed again, on an error
/// path only.
fn value_pos(text: &str, key: &str) -> Pos {
    crate::yaml::from_str::<std::collections::BTreeMap<String, Spanned<serde_json::Value>>>(text)
        .ok()
        .and_then(|map| map.get(key).map(|v| crate::yaml::node::pos(&v.referenced)))
        .unwrap_or_default()
}

/// A BCP 47 tag's shape: letters first, then letter-or-digit subtags, joined by `-`. Checked
/// so a typo cannot reach `<html lang>` as something browsers and screen readers ignore.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Reads a text file of at most [`MAX_CONFIG_SIZE`] bytes, never more.
fn read_limited(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    // Checked before opening: opening a FIFO would wait for a writer.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(MAX_CONFIG_SIZE + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONFIG_SIZE {
        return Err(std::io::Error::other(format!(
            "larger than {}",
            DEFAULT_MAX_PAGE_SIZE.display().si()
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        let c = Config::parse("base_url: https://example.com/handbook").unwrap();
        assert_eq!(c.base_url, "https://example.com/handbook/");
        assert_eq!(c.base_path(), "/handbook/");
        assert_eq!(c.url("a/"), "https://example.com/handbook/a/");
        assert_eq!(c.url("my page/"), "https://example.com/handbook/my%20page/");
        let c = Config::parse("").unwrap();
        assert_eq!((c.base_path(), c.title.as_str()), ("/", "Handbook"));
    }

    #[test]
    fn language_tags() {
        assert_eq!(Config::parse("").unwrap().language, "en");
        assert_eq!(Config::parse("language: pt-BR").unwrap().language, "pt-BR");
        let e = Config::parse("title: A\nlanguage: \"en gb\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("handbook.yaml:2:11: language `en gb`"), "{e}");
        assert!(Config::parse("language: x").is_err());
    }

    #[test]
    fn unknown_key_names_line() {
        let e = Config::parse("title: A\nbase_ulr: /x/\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "handbook.yaml:2:1: unknown key `base_ulr`");
    }

    fn problems(text: &str) -> Vec<(usize, usize, String, Option<String>)> {
        match Config::parse(text) {
            Err(ConfigError::Invalid(problems)) => problems
                .into_iter()
                .map(|d| {
                    assert_eq!((d.code, d.file.as_str()), (Code::Config, FILE));
                    (d.line, d.column, d.message, d.help)
                })
                .collect(),
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn every_unknown_key_with_did_you_mean_and_a_wrong_value() {
        let found = problems(
            "titel: A\nbase_ulr: /x/\nmax_page_size: lots\nfront_matter:\n  extra_key: [a]\n",
        );
        assert_eq!(
            found,
            [
                (
                    1,
                    1,
                    "unknown key `titel`".to_string(),
                    Some("did you mean `title`?".to_string())
                ),
                (
                    2,
                    1,
                    "unknown key `base_ulr`".into(),
                    Some("did you mean `base_url`?".into())
                ),
                (
                    3,
                    16,
                    "`max_page_size` is a size, not `lots`".into(),
                    Some("for example `max_page_size: 20 MB` (MB is 1,000,000 bytes, MiB 1,048,576), or a byte count".into())
                ),
                (
                    5,
                    3,
                    "unknown key `extra_key` in `front_matter`".into(),
                    Some("did you mean `extra_keys`?".into())
                ),
            ]
        );
        let found = problems("front_matter:\n  extra_key: [a]\n");
        assert_eq!(
            found,
            [(
                2,
                3,
                "unknown key `extra_key` in `front_matter`".to_string(),
                Some("did you mean `extra_keys`?".to_string())
            )]
        );
        let found = problems("front_matter:\n  extra_keys: job\n");
        assert_eq!(found[0].2, "`extra_keys` is a list of keys, not `job`");
        assert_eq!(
            found[0].3.as_deref(),
            Some("for example `extra_keys: [upstream_path, toc_hide]`")
        );
    }

    #[test]
    fn a_declared_key_that_is_a_field_is_a_mistake() {
        let found = problems("front_matter:\n  extra_keys: [job, title]\n");
        assert_eq!(
            found,
            [(
                2,
                21,
                "`title` is a front-matter field already, not an extra key".to_string(),
                Some("remove it from `extra_keys`".to_string())
            )]
        );
        let c = Config::parse("front_matter: {extra_keys: [job, navTitle]}\n").unwrap();
        assert_eq!(c.front_matter.extra_keys, ["job", "navTitle"]);
    }

    #[test]
    fn yaml_that_does_not_parse_is_one_problem_in_plain_words() {
        let found = problems("title: T\nextra:\n\t- a\n");
        assert_eq!(
            found,
            [(
                3,
                1,
                "tabs are not allowed in YAML; indent with spaces".to_string(),
                Some("replace the tab with spaces".to_string())
            )]
        );
        let found = problems("title: A\ntitle: B\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, "`title` is set twice; the first is on line 1");
    }
}
