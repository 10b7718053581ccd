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

/// Every page's [`pager`] at once, for a build, which renders every page: each menu and each
/// process's playbooks walked once, where [`pager`] searches a menu (a cache miss on a page's
/// menu key at each step, at 10,000 pages) and orders a process's playbooks again, page by
/// page. `serve`, which renders a few pages after an edit, asks [`pager`].
pub fn pagers(site: &Site) -> Vec<(Option<PageIdx>, Option<PageIdx>)> {
    let mut pagers: Vec<(Option<PageIdx>, Option<PageIdx>)> = vec![(None, None); site.pages.len()];
    let process_of = |p: PageIdx| site.references[p].process.filter(|&q| site.is_published(q));
    // The nearest pages on each side in `menu` that are published and `keep` accepts, for
    // the pages of `menu` that `own` accepts (a menu holds each of its pages once).
    let mut each_in_menu =
        |menu: &[PageIdx], own: &dyn Fn(PageIdx) -> bool, keep: &dyn Fn(PageIdx) -> bool| {
            let mut previous = None;
            for &p in menu {
                if own(p) {
                    pagers[p].0 = previous;
                }
                if site.is_published(p) && keep(p) {
                    previous = Some(p);
                }
            }
            let mut next = None;
            for &p in menu.iter().rev() {
                if own(p) {
                    pagers[p].1 = next;
                }
                if site.is_published(p) && keep(p) {
                    next = Some(p);
                }
            }
        };
    for kind in [Kind::Department, Kind::Process] {
        each_in_menu(site.of_kind(kind), &|_| true, &|_| true);
    }
    let playbooks = site.of_kind(Kind::Playbook);
    let without_process = |p: PageIdx| process_of(p).is_none();
    each_in_menu(playbooks, &without_process, &without_process);
    // A playbook of a published process: its neighbours in the process's stage order.
    let mut ordered = rustc_hash::FxHashSet::default();
    for &p in playbooks {
        let Some(process) = process_of(p) else {
            continue;
        };
        if !ordered.insert(process) {
            continue;
        }
        let order = stage_order(site, process);
        for (at, &b) in order.iter().enumerate() {
            let page = &site.pages[b];
            if page.role == Role::Single
                && page.kind() == Kind::Playbook
                && process_of(b) == Some(process)
            {
                pagers[b] = (
                    at.checked_sub(1).map(|a| order[a]),
                    order.get(at + 1).copied(),
                );
            }
        }
    }
    pagers
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page's pager found at once is the one [`pager`] finds for the page alone:
    /// departments and processes with weights, equal titles and drafts, playbooks of a
    /// process (with a stage, without one, two on one stage, drafts), of a draft process, of
    /// a process not found and of none; with and without drafts published.
    #[test]
    fn pagers_found_at_once_are_each_pages_pager() {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let mut pages = vec![
            ("index.md".to_string(), "# Home\n".to_string()),
            ("notes.md".to_string(), "# Notes\n".to_string()),
        ];
        for (n, extra) in [
            (1, "weight: 2\n"),
            (2, ""),
            (3, "weight: 1\n"),
            (4, "draft: true\n"),
            (5, ""),
        ] {
            pages.push((
                format!("departments/d{n}.md"),
                format!("---\ntitle: Team {}\n{extra}---\n\nText.\n", n % 3),
            ));
        }
        let stages = "stages:\n  - name: One\n    id: one\n  - name: Two\n    id: two\n";
        for (n, extra) in [(1, ""), (2, "draft: true\n"), (3, "weight: 5\n"), (4, "")] {
            pages.push((
                format!("processes/p{n}.md"),
                format!("---\ntitle: Flow {}\n{extra}{stages}---\n\nText.\n", n % 2),
            ));
        }
        for (n, front) in [
            (1, "process: p1\nstage: two\n"),
            (2, "process: p1\nstage: one\n"),
            (3, "process: p1\n"),
            (4, "process: p1\nstage: one\ndraft: true\n"),
            (5, "process: p1\nstage: one\n"),
            (6, "process: p2\nstage: one\n"),
            (7, "process: p2\n"),
            (8, ""),
            (9, "draft: true\n"),
            (10, "weight: 3\n"),
            (11, "process: p3\nstage: two\n"),
            (12, "process: gone\n"),
        ] {
            pages.push((
                format!("playbooks/b{n}.md"),
                format!("---\ntitle: Play {}\n{front}---\n\nText.\n", n % 4),
            ));
        }
        for (path, text) in &pages {
            let file = tmp.path().join("content").join(path);
            std::fs::create_dir_all(file.parent().expect("a folder")).expect("made");
            std::fs::write(file, text).expect("written");
        }
        std::fs::write(tmp.path().join("handbook.yaml"), "title: Pagers\n").expect("written");
        for drafts in [false, true] {
            let checked = crate::site::check(&crate::site::Options {
                root: tmp.path().to_path_buf(),
                drafts,
                ..crate::site::Options::default()
            })
            .expect("loaded");
            let site = &checked.site;
            let found = pagers(site);
            let each: Vec<_> = (0..site.pages.len()).map(|i| pager(site, i)).collect();
            assert_eq!(found, each, "drafts {drafts}");
            // The site has pagers of each sort.
            assert!(
                each.iter()
                    .filter(|p| p.0.is_some() && p.1.is_some())
                    .count()
                    > 5
            );
        }
    }
}
