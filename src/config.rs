//! `handbook.yaml`: the site's settings.

use std::path::{Path, PathBuf};

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
    /// Free-form data for themes.
    #[serde(default)]
    pub extra: serde_json::Value,
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

fn default_title() -> String {
    "Handbook".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
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
    /// Reads `ROOT/handbook.yaml`.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join("handbook.yaml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(root.to_path_buf()));
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = if text.trim().is_empty() {
            serde_saphyr::from_str("{}")
        } else {
            serde_saphyr::from_str(text)
        }
        .map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let message = e.without_snippet().to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string();
            ConfigError::Invalid {
                file: "handbook.yaml".into(),
                line,
                column,
                message,
            }
        })?;
        Ok(config.normalized())
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

    /// The output URL of a site path (`processes/x/`, no leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
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
