//! Navigation: breadcrumbs, the sidebar (its sections, and the tree readers scan: processes
//! with their playbooks under them in stage order), the reading order that previous/next
//! follow, and the processes index grouped by owning department. Plain page indices;
//! [`crate::render`] turns them into links.

use std::collections::HashSet;

use crate::model::{Kind, PageIdx, Role};

use super::Site;

/// A sidebar section: the list page of a kind and, when short enough to scan, its pages.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: &'static str,
    /// The kind of page it lists; `None` for the plain pages at the top level.
    pub kind: Option<Kind>,
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
            kind: Some(kind),
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
            kind: None,
            list: None,
            items: pages,
            count,
        });
    }
    sections
}

/// A section of the sidebar's tree: like [`Section`], with each page's own pages under it.
#[derive(Debug, Clone)]
pub struct Group {
    pub title: &'static str,
    pub list: Option<PageIdx>,
    pub count: usize,
    pub entries: Vec<Entry>,
}

/// A page in the sidebar, and the pages shown under it: a process's playbooks in stage order.
#[derive(Debug, Clone)]
pub struct Entry {
    pub page: PageIdx,
    pub children: Vec<PageIdx>,
}

/// Above this many playbooks under the listed processes, the sidebar shows the processes
/// alone: like [`SECTION_LIMIT`], it keeps every page's HTML from growing with the handbook.
pub const NESTED_LIMIT: usize = 3 * SECTION_LIMIT;

/// The sidebar as readers scan it: departments; processes, each with its playbooks under it in
/// stage order; the playbooks no listed process shows; the plain pages.
pub fn tree(site: &Site) -> Vec<Group> {
    let sections = sections(site);
    let listed_processes = sections
        .iter()
        .filter(|s| s.kind == Some(Kind::Process))
        .flat_map(|s| s.items.iter().copied());
    let nested: Vec<(PageIdx, Vec<PageIdx>)> = listed_processes
        .map(|p| (p, stage_order(site, p)))
        .collect();
    let nest = nested.iter().map(|(_, b)| b.len()).sum::<usize>() <= NESTED_LIMIT;
    let under_process: HashSet<PageIdx> = if nest {
        nested.iter().flat_map(|(_, b)| b.iter().copied()).collect()
    } else {
        HashSet::new()
    };
    let mut nested = nested.into_iter().filter(|_| nest);
    sections
        .into_iter()
        .map(|section| {
            let entries = match section.kind {
                Some(Kind::Process) if nest => section
                    .items
                    .iter()
                    .map(|&page| Entry {
                        page,
                        children: nested.next().map(|(_, b)| b).unwrap_or_default(),
                    })
                    .collect(),
                Some(Kind::Playbook) => {
                    let rest: Vec<PageIdx> = published(site, site.of_kind(Kind::Playbook))
                        .into_iter()
                        .filter(|p| !under_process.contains(p))
                        .collect();
                    if rest.len() <= SECTION_LIMIT {
                        rest.into_iter().map(Entry::leaf).collect()
                    } else {
                        Vec::new()
                    }
                }
                _ => section.items.iter().copied().map(Entry::leaf).collect(),
            };
            Group {
                title: section.title,
                list: section.list,
                count: section.count,
                entries,
            }
        })
        .collect()
}

impl Entry {
    fn leaf(page: PageIdx) -> Entry {
        Entry {
            page,
            children: Vec::new(),
        }
    }
}

/// A process's published playbooks in the order its stages run; within a stage, and for the
/// playbooks that name no stage (last), in menu order.
pub fn stage_order(site: &Site, process: PageIdx) -> Vec<PageIdx> {
    let mut playbooks = published(site, &site.children[process]);
    // `children` is in menu order, and the sort is stable.
    playbooks.sort_by_key(|&p| site.references[p].stage.unwrap_or(usize::MAX));
    playbooks
}

/// The published pages before and after page `i` in reading order, which previous/next
/// follow: departments and processes in menu order; a process's playbooks in stage order;
/// playbooks of no (published) process in menu order. None for home, list and plain pages.
pub fn pager(site: &Site, i: PageIdx) -> (Option<PageIdx>, Option<PageIdx>) {
    let page = &site.pages[i];
    if page.role != Role::Single {
        return (None, None);
    }
    let process_of = |p: PageIdx| site.references[p].process.filter(|&q| site.is_published(q));
    match page.kind() {
        kind @ (Kind::Department | Kind::Process) => around(site, site.of_kind(kind), i, |_| true),
        Kind::Playbook => match process_of(i) {
            Some(process) => {
                let order = stage_order(site, process);
                let Some(at) = order.iter().position(|&p| p == i) else {
                    return (None, None);
                };
                let previous = at.checked_sub(1).map(|a| order[a]);
                (previous, order.get(at + 1).copied())
            }
            None => around(site, site.of_kind(Kind::Playbook), i, |p| {
                process_of(p).is_none()
            }),
        },
        Kind::Page => (None, None),
    }
}

/// The nearest published pages on each side of `i` in `menu` (in menu order) that `keep`
/// accepts. Found by binary search, so a page's pager costs no walk of the whole menu.
fn around(
    site: &Site,
    menu: &[PageIdx],
    i: PageIdx,
    keep: impl Fn(PageIdx) -> bool,
) -> (Option<PageIdx>, Option<PageIdx>) {
    let key = site.menu_key(i);
    let Ok(at) = menu.binary_search_by(|&p| site.menu_key(p).cmp(&key)) else {
        return (None, None);
    };
    let wanted = |&p: &PageIdx| site.is_published(p) && keep(p);
    let previous = menu[..at].iter().rev().copied().find(wanted);
    let next = menu[at + 1..].iter().copied().find(wanted);
    (previous, next)
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
