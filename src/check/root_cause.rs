//! Root cause first (README, "Root causes"). A page that could not be read whole (its front
//! matter does not parse, a stage has no name, the file was not read) is loaded with what
//! could be, and that problem is reported once, where it is. What only follows from the gap
//! is not reported: it would be wrong, and it goes away, or shows for real, once the root
//! problem is fixed.

use std::collections::HashSet;

use crate::model::{Page, PageIdx};
use crate::resolve::Site;

/// What the rules must not judge, because a page was not read whole.
pub struct Gaps<'a> {
    /// The words of every front matter that did not parse: ids it may hold, or name.
    words: HashSet<&'a str>,
}

impl<'a> Gaps<'a> {
    pub fn new(site: &'a Site) -> Self {
        let words = site
            .pages
            .iter()
            .flat_map(|p| p.unread.words.iter().map(String::as_str))
            .collect();
        Gaps { words }
    }

    /// A `#fragment` that names no anchor of `to`: it may name a stage, or an anchor, that
    /// was not read.
    pub fn anchor(&self, to: &Page) -> bool {
        to.unread.anchors()
    }

    /// A playbook's `stage` that is not a stage of its process: the process's stages were
    /// not all read.
    pub fn stage(&self, process: &Page) -> bool {
        process.unread.anchors()
    }

    /// A front-matter reference to `id` that names no page of the kind wanted: the page that
    /// has the id (`found`) took its kind from a front matter that was not read whole, or a
    /// front matter that did not parse may hold `id: <id>`.
    pub fn reference(&self, site: &Site, id: &str, found: Option<PageIdx>) -> bool {
        found.is_some_and(|p| site.pages[p].unread.front_matter || site.pages[p].unread.file)
            || self.words.contains(id)
    }

    /// Nothing links to `page` or names it: a front matter that did not parse may name it.
    pub fn orphan(&self, page: &Page) -> bool {
        self.words.contains(page.id.as_str())
    }

    /// Two pages share an id: one of them may have a different `id:` that was not read.
    pub fn duplicate_id(&self, a: &Page, b: &Page) -> bool {
        a.unread.front_matter || b.unread.front_matter
    }
}
