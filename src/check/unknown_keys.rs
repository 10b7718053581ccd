//! A team's own front-matter keys (Hugo's `toc_hide`, a migration's `upstream_path`) are
//! unknown fields on every page that has them: one diagnostic each. When many pages have
//! unknown keys, `check` ends with the keys, their page counts, and the lines that declare
//! them in handbook.yaml (`front_matter.extra_keys`). Keys that look like a typo of a field
//! are listed with the field, and left out of those lines: they want fixing, not declaring.

use std::collections::BTreeMap;

use crate::load::front_matter::PAGE;
use crate::resolve::Site;

/// From this many pages with unknown keys, the summary is shown.
pub const MANY: usize = 3;

/// An unknown key, on how many pages, and the field it may be a typo of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub key: String,
    pub pages: usize,
    pub typo_of: Option<&'static str>,
}

/// Every unknown top-level key of the site, most pages first.
pub fn unknown_keys(site: &Site) -> Vec<UnknownKey> {
    let mut pages: BTreeMap<&str, usize> = BTreeMap::new();
    for page in &site.pages {
        for key in &page.unknown_keys {
            *pages.entry(key).or_default() += 1;
        }
    }
    let mut keys: Vec<UnknownKey> = pages
        .into_iter()
        .map(|(key, pages)| UnknownKey {
            key: key.to_string(),
            pages,
            typo_of: crate::suggest::closest(key, PAGE.iter().map(|f| f.name)),
        })
        .collect();
    keys.sort_by(|a, b| b.pages.cmp(&a.pages).then_with(|| a.key.cmp(&b.key)));
    keys
}

/// The summary, when many pages have unknown keys: each key with its page count, then the
/// lines to put in handbook.yaml to declare the ones that are not typos.
pub fn summary(site: &Site) -> Option<String> {
    let on = site
        .pages
        .iter()
        .filter(|p| !p.unknown_keys.is_empty())
        .count();
    if on < MANY {
        return None;
    }
    let keys = unknown_keys(site);
    let width = keys
        .iter()
        .map(|k| k.key.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = format!("note: {on} pages have front-matter keys that are not fields:\n");
    for k in &keys {
        let pages = if k.pages == 1 { "page" } else { "pages" };
        let typo = k
            .typo_of
            .map(|f| format!("  (a typo of `{f}`? rename it)"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:width$}  {:>5} {pages}{typo}\n",
            k.key, k.pages
        ));
    }
    let declared = &site.config.front_matter.extra_keys;
    let mut all: Vec<&str> = declared.iter().map(String::as_str).collect();
    all.extend(
        keys.iter()
            .filter(|k| k.typo_of.is_none())
            .map(|k| k.key.as_str()),
    );
    if all.len() > declared.len() {
        let verb = if declared.is_empty() {
            "add to handbook.yaml"
        } else {
            "in handbook.yaml, make `front_matter` read"
        };
        out.push_str(&format!(
            "  if your team uses them, {verb} (templates read them as `page.extra.KEY`):\n\n"
        ));
        out.push_str("front_matter:\n");
        out.push_str(&format!("  extra_keys: [{}]\n", flow_list(&all)));
    }
    out.push('\n');
    Some(out)
}

/// Keys as a YAML flow list, each quoted when YAML would read it as something else.
fn flow_list(keys: &[&str]) -> String {
    let plain = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
            && !k.starts_with(['-', '.'])
    };
    keys.iter()
        .map(|k| {
            if plain(k) {
                k.to_string()
            } else {
                format!("{k:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(yaml: &str, pages: &[(&str, &str)]) -> Site {
        let config = crate::config::Config::parse(yaml).unwrap();
        let extra = config.front_matter.extra_keys.clone();
        let options = crate::load::Options {
            extra_keys: extra,
            ..crate::load::Options::default()
        };
        let pages = pages
            .iter()
            .filter_map(|(path, text)| crate::load::load(path, text, &options).0)
            .collect();
        crate::resolve::resolve(config, pages, Default::default(), Default::default(), false)
    }

    #[test]
    fn few_pages_give_no_summary() {
        let s = site(
            "",
            &[
                ("a.md", "---\njob: x\n---\n"),
                ("b.md", "---\njob: y\n---\n"),
            ],
        );
        assert_eq!(summary(&s), None);
    }

    #[test]
    fn keys_by_pages_and_the_lines_to_declare_them() {
        let pages = [
            ("a.md", "---\njob: x\ntoc_hide: true\n---\n"),
            ("b.md", "---\njob: y\nDescription: z\n---\n"),
            ("c.md", "---\njob: y\nnav title: t\n---\n"),
        ];
        let s = site("", &pages);
        assert_eq!(
            summary(&s).unwrap(),
            "note: 3 pages have front-matter keys that are not fields:\n\
             \x20 job              3 pages\n\
             \x20 Description      1 page  (a typo of `description`? rename it)\n\
             \x20 nav title        1 page\n\
             \x20 toc_hide         1 page\n\
             \x20 if your team uses them, add to handbook.yaml (templates read them as `page.extra.KEY`):\n\
             \n\
             front_matter:\n\
             \x20 extra_keys: [job, \"nav title\", toc_hide]\n\n"
        );
        // Keys already declared are kept in the line to write.
        let s = site("front_matter: {extra_keys: [upstream_path]}", &pages);
        let text = summary(&s).unwrap();
        assert!(
            text.contains("make `front_matter` read")
                && text.contains("extra_keys: [upstream_path, job, \"nav title\", toc_hide]"),
            "{text}"
        );
    }
}
