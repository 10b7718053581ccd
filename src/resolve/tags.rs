//! Tags: the pages each tag of `tags:` gathers, for the generated tag pages (`/tags/`, and
//! `/tags/<tag>/` for each tag). A tag's URL is its slug, as GitHub slugs a heading
//! (`Deal Desk` -> `deal-desk`); tags that slug alike are one tag, named as first written.
//! Computed when needed, in one pass over the pages, so it is never stale under `serve`.

use std::collections::BTreeMap;

use crate::model::PageIdx;

use super::Site;

/// The folder the tag pages are written in.
pub const FOLDER: &str = "tags";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// As first written (in page order).
    pub name: String,
    pub slug: String,
    /// Published pages with the tag, in menu order.
    pub pages: Vec<PageIdx>,
}

/// Whether the site gets tag pages: not when a page of its own is at `/tags/` or below it.
pub fn generated(site: &Site) -> bool {
    !site.pages.iter().any(|p| {
        p.url
            .strip_prefix(FOLDER)
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The slug a tag's page is at (`tags/<slug>/`); empty for a tag with no letter or digit.
pub fn slug(tag: &str) -> String {
    crate::load::slug::slug(tag.trim())
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The path of a tag's page below the site's root: `tags/deal-desk/`.
pub fn page_path(slug: &str) -> String {
    format!("{FOLDER}/{slug}/")
}

/// Every tag of a published page, sorted by slug, each with its pages.
pub fn tags(site: &Site) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        if !site.is_published(i) {
            continue;
        }
        for name in &page.common.tags {
            let slug = slug(name);
            if slug.is_empty() {
                continue;
            }
            let tag = by_slug.entry(slug.clone()).or_insert_with(|| Tag {
                name: name.trim().to_string(),
                slug,
                pages: Vec::new(),
            });
            if tag.pages.last() != Some(&i) {
                tag.pages.push(i);
            }
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    for tag in &mut tags {
        site.sort_pages(&mut tag.pages);
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn tags_slug_like_headings_without_stray_dashes() {
        assert_eq!(slug("Deal Desk"), "deal-desk");
        assert_eq!(slug("  discovery "), "discovery");
        assert_eq!(slug("C# / .NET"), "c-net");
        assert_eq!(slug("Überblick"), "überblick");
        assert_eq!(slug("!!!"), "");
    }
}
