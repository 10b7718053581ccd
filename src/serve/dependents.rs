//! Which pages an edit can reach: what other pages show of a page (its "face"), who links to
//! it, and the pages that list it. `serve` renders only these after an edit.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::model::{Page, PageIdx};
use crate::render::context::{Links, PageLink, site_context};
use crate::resolve::Site;

/// The changed pages as the rest of the site saw them before the change, by path.
pub struct Before(HashMap<String, Seen>);

pub struct Seen {
    face: String,
    neighbours: HashSet<String>,
    outgoing: HashSet<String>,
}

impl Before {
    pub fn of(site: &Site, changed: &[String]) -> Before {
        Before(
            changed
                .iter()
                .filter_map(|p| {
                    let &i = site.by_path.get(p)?;
                    let seen = Seen {
                        face: face(site, i),
                        neighbours: neighbours(site, i),
                        outgoing: outgoing(site, i),
                    };
                    Some((p.clone(), seen))
                })
                .collect(),
        )
    }
}

/// The pages whose HTML can change when the pages at `changed` changed, and whether what
/// other pages show of a page (its face) changed, or a page came or went.
pub fn affected(site: &Site, changed: &[String], before: &Before) -> (Vec<PageIdx>, bool) {
    let mut faces_changed = false;
    let mut paths: HashSet<String> = HashSet::new();
    for path in changed {
        let Some(&i) = site.by_path.get(path) else {
            // Removed: everything that linked to it or that it named.
            faces_changed = true;
            if let Some(old) = before.0.get(path) {
                paths.extend(old.neighbours.iter().cloned());
            }
            paths.extend(list_pages(site));
            continue;
        };
        paths.insert(path.clone());
        match before.0.get(path) {
            None => {
                // Added: the pages it links or names now list it in "Referenced by".
                faces_changed = true;
                paths.extend(neighbours(site, i));
                paths.extend(list_pages(site));
                paths.extend(descendants(site, i));
            }
            Some(old) => {
                if old.face != face(site, i) {
                    faces_changed = true;
                    paths.extend(old.neighbours.iter().cloned());
                    paths.extend(neighbours(site, i));
                    paths.extend(list_pages(site));
                    paths.extend(descendants(site, i));
                } else {
                    let now = outgoing(site, i);
                    paths.extend(now.symmetric_difference(&old.outgoing).cloned());
                }
            }
        }
    }
    let mut pages: Vec<PageIdx> = paths
        .iter()
        .filter_map(|p| site.by_path.get(p).copied())
        .collect();
    pages.sort_unstable();
    (pages, faces_changed)
}

/// What other pages show of page `i`: if this changes, they must be rendered again.
fn face(site: &Site, i: PageIdx) -> String {
    #[derive(Serialize)]
    struct Face<'a> {
        link: PageLink,
        id: &'a str,
        role: crate::model::Role,
        draft: bool,
        weight: Option<i64>,
        process: Option<&'a str>,
        stages: Vec<(&'a str, &'a str, Option<&'a str>)>,
        references: Vec<usize>,
        stage: Option<usize>,
    }
    let page = &site.pages[i];
    let process = page.process();
    let refs = &site.references[i];
    let face = Face {
        link: PageLink::new(site, i),
        id: &page.id,
        role: page.role,
        draft: page.common.draft,
        weight: page.common.weight,
        process: process.and_then(|p| p.used_when.as_deref()),
        stages: process
            .map(|p| {
                p.stages
                    .iter()
                    .map(|s| (s.name.as_str(), s.id.as_str(), s.goal.as_deref()))
                    .collect()
            })
            .unwrap_or_default(),
        references: refs.pages().collect(),
        stage: refs.stage,
    };
    let status = process.map(|p| p.status);
    serde_json::to_string(&(face, status)).unwrap_or_default()
}

/// Whether an edited page stays what and where it was, so nothing else resolves differently.
pub fn same_place(old: &Page, new: &Page) -> bool {
    old.id == new.id
        && old.url == new.url
        && old.kind() == new.kind()
        && old.role == new.role
        && old.common.draft == new.common.draft
}

/// Paths of the pages that link to `i`, that `i` links to or names, and the pages before and
/// after it (their previous/next show its title).
fn neighbours(site: &Site, i: PageIdx) -> HashSet<String> {
    let mut out = outgoing(site, i);
    let (previous, next) = crate::resolve::nav::pager(site, i);
    out.extend(
        site.backlinks[i]
            .iter()
            .copied()
            .chain(previous)
            .chain(next)
            .map(|p| site.pages[p].path.clone()),
    );
    out
}

/// Paths of the pages `i` links to or names in front matter.
fn outgoing(site: &Site, i: PageIdx) -> HashSet<String> {
    site.targets[i]
        .iter()
        .filter_map(|t| t.page())
        .chain(site.references[i].pages())
        .filter(|&p| p != i)
        .map(|p| site.pages[p].path.clone())
        .collect()
}

/// Home and list pages: they show derived lists that any page may enter or leave.
fn list_pages(site: &Site) -> impl Iterator<Item = String> + '_ {
    site.pages
        .iter()
        .filter(|p| p.is_list())
        .map(|p| p.path.clone())
}

/// Pages under page `i`'s URL: their breadcrumbs show its title.
fn descendants(site: &Site, i: PageIdx) -> Vec<String> {
    let url = &site.pages[i].url;
    if url.is_empty() {
        return site.pages.iter().map(|p| p.path.clone()).collect();
    }
    site.pages
        .iter()
        .filter(|p| p.url.starts_with(url.as_str()))
        .map(|p| p.path.clone())
        .collect()
}

pub fn sidebar(site: &Site) -> String {
    serde_json::to_string(&site_context(site, &Links::new(site), false)).unwrap_or_default()
}
