//! Navigation: breadcrumbs, the sidebar's sections, and the processes index grouped by
//! owning department. Plain page indices; [`crate::render`] turns them into links.

use crate::model::{Kind, PageIdx, Role};

use super::Site;

/// A sidebar section: the list page of a kind and, when short enough to scan, its pages.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: &'static str,
    pub list: Option<PageIdx>,
    pub items: Vec<PageIdx>,
    /// How many pages the section holds, listed or not.
    pub count: usize,
}

/// Above this many pages a section shows only its list page: a sidebar of thousands of links
/// helps nobody and would make every page's HTML grow with the whole handbook.
pub const SECTION_LIMIT: usize = 40;

pub fn sections(site: &Site) -> Vec<Section> {
    let mut sections = Vec::new();
    for (title, kind, list) in [
        ("Departments", Kind::Department, "departments"),
        ("Processes", Kind::Process, "processes"),
        ("Playbooks", Kind::Playbook, "playbooks"),
    ] {
        let all = published(site, site.of_kind(kind));
        let list = site.folder_page(list);
        if all.is_empty() && list.is_none() {
            continue;
        }
        sections.push(Section {
            title,
            list,
            count: all.len(),
            items: if all.len() <= SECTION_LIMIT {
                all
            } else {
                Vec::new()
            },
        });
    }
    // Plain pages at the top level (`tools.md`, `glossary/`): the handbook's reference shelf.
    let mut pages: Vec<PageIdx> = (0..site.pages.len())
        .filter(|&i| {
            let p = &site.pages[i];
            p.kind() == Kind::Page
                && p.role == Role::Single
                && p.url.matches('/').count() == 1
                && site.is_published(i)
        })
        .collect();
    site.sort_pages(&mut pages);
    if !pages.is_empty() {
        let count = pages.len();
        pages.truncate(SECTION_LIMIT);
        sections.push(Section {
            title: "Pages",
            list: None,
            items: pages,
            count,
        });
    }
    sections
}

/// The pages above this one, home first: each URL prefix that is a page.
pub fn breadcrumbs(site: &Site, page: PageIdx) -> Vec<PageIdx> {
    let url = &site.pages[page].url;
    let mut crumbs = Vec::new();
    if url.is_empty() {
        return crumbs;
    }
    if let Some(&home) = site.by_url.get("") {
        crumbs.push(home);
    }
    for (at, _) in url.match_indices('/') {
        let prefix = &url[..=at];
        if prefix.len() == url.len() {
            break;
        }
        if let Some(&p) = site.by_url.get(prefix) {
            crumbs.push(p);
        }
    }
    crumbs
}

/// Processes grouped by owning department, departments in menu order; processes whose owner
/// does not resolve come last, under `None`.
pub fn process_groups(site: &Site) -> Vec<(Option<PageIdx>, Vec<PageIdx>)> {
    let mut groups: Vec<(Option<PageIdx>, Vec<PageIdx>)> = site
        .of_kind(Kind::Department)
        .iter()
        .copied()
        .map(|d| (Some(d), published(site, &site.children[d])))
        .filter(|(_, processes)| !processes.is_empty())
        .collect();
    let orphans: Vec<PageIdx> = site
        .of_kind(Kind::Process)
        .iter()
        .copied()
        .filter(|&p| site.references[p].owner.is_none())
        .collect();
    let orphans = published(site, &orphans);
    if !orphans.is_empty() {
        groups.push((None, orphans));
    }
    groups
}

/// The pages of a list that go into the output.
pub fn published(site: &Site, pages: &[PageIdx]) -> Vec<PageIdx> {
    pages
        .iter()
        .copied()
        .filter(|&p| site.is_published(p))
        .collect()
}
