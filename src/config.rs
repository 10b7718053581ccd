//! `handbook.yaml`: the site's settings.

use std::path::{Path, PathBuf};

use bytesize::ByteSize;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::model::{Located, Pos};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Free-form data for themes.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// URL paths served by something else (a CDN, a microsite): links there are not checked.
    #[serde(default)]
    pub external_paths: crate::external::ExternalPaths,
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
const MAX_CONFIG_SIZE: u64 = DEFAULT_MAX_PAGE_SIZE.as_u64();

fn default_title() -> String {
    "Handbook".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_max_page_size() -> ByteSize {
    DEFAULT_MAX_PAGE_SIZE
}

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
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },
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

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let text = if text.trim().is_empty() { "{}" } else { text };
        let config: Config = crate::yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            invalid(line, column, crate::yaml::message(&e))
        })?;
        Ok(config.normalized())
    }

    /// The theme is `default` (compiled in) or a folder under `themes/`, named by its name
    /// alone: a path could reach templates outside the handbook.
    fn check_theme(&self, root: &Path, text: &str) -> Result<(), ConfigError> {
        let name = self.theme.as_str();
        let simple = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\']);
        let problem = if !simple {
            format!("theme `{name}` is not a folder name under themes/")
        } else if name != "default" && !root.join("themes").join(name).is_dir() {
            format!(
                "theme `{name}` not found: no folder themes/{name}/ (set `theme: default`, or add the theme folder)"
            )
        } else {
            return Ok(());
        };
        // Parsed again, on this error path only, for where the value is written.
        #[derive(Deserialize)]
        struct ThemeAt {
            theme: Option<Spanned<String>>,
        }
        let (line, column) = crate::yaml::from_str::<ThemeAt>(text)
            .ok()
            .and_then(|t| t.theme)
            .map_or((1, 1), |t| (t.referenced.line(), t.referenced.column()));
        Err(invalid(line, column, problem))
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

fn invalid(line: u64, column: u64, message: String) -> ConfigError {
    ConfigError::Invalid {
        file: "handbook.yaml".into(),
        line,
        column,
        message,
    }
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
    fn unknown_key_names_line() {
        let e = Config::parse("title: A\nbase_ulr: /x/\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("handbook.yaml:2:1: unknown field `base_ulr`"),
            "{e}"
        );
    }
}
