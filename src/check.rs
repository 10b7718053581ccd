//! Check: the rules that turn a resolved site into diagnostics. `build` and `check` both run
//! them; nothing here renders or touches the disk.

mod body;
mod fixes;
mod hints;
pub mod images;
mod root_cause;
pub mod unknown_keys;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::diagnostic::{self, Code, Diagnostic};
use crate::load::markdown::unsafe_scheme;
use crate::model::{Kind, LinkForm, Located, Meta, Page, PageIdx, Pos, Role};
use crate::resolve::aliases::{self, AliasProblem};
use crate::resolve::links::{self, Target};
use crate::resolve::{RefProblem, Site};
use crate::suggest::safe_to_apply;
use crate::url;
use root_cause::Gaps;

use hints::{Hints, literal_name, suggest_path};

/// Every problem of the site, sorted. `today` decides which pages are stale.
pub fn check(site: &Site, today: jiff::civil::Date) -> Vec<Diagnostic> {
    let all: Vec<PageIdx> = (0..site.pages.len()).collect();
    let gaps = Gaps::new(site);
    // The rules between pages are one thread's work, done beside the pages' own.
    let (pages, between) = rayon::join(
        || pages_with(site, &all, today, &gaps),
        || site_rules_with(site, &gaps),
    );
    let mut out: Vec<Diagnostic> = pages.into_iter().flatten().collect();
    out.extend(between);
    diagnostic::sort(&mut out);
    out
}

/// The problems of each of `pages` (in that order) that are the page's own: its links,
/// references, body and review date. With [`site_rules`], exactly what [`check`] reports;
/// `serve` keeps them per page and checks again only the pages an edit can reach.
pub fn pages(site: &Site, pages: &[PageIdx], today: jiff::civil::Date) -> Vec<Vec<Diagnostic>> {
    pages_with(site, pages, today, &Gaps::new(site))
}

fn pages_with(
    site: &Site,
    pages: &[PageIdx],
    today: jiff::civil::Date,
    gaps: &Gaps,
) -> Vec<Vec<Diagnostic>> {
    let hints = Hints::new(site);
    // Front matter can name a draft only when there is one: most handbooks have none.
    let drafts = site.pages.par_iter().any(|p| p.common.draft);
    // Page by page in parallel: a page's rules read only the resolved site.
    pages
        .par_iter()
        .map(|&i| {
            let mut out = Vec::new();
            link_rules(site, i, &hints, gaps, &mut out);
            body::duplicate_anchors(&site.pages[i], &mut out);
            body::undefined_references(&site.pages[i], &mut out);
            reference_rules(site, i, &hints, gaps, drafts, &mut out);
            page_rules(site, i, today, gaps, &mut out);
            out
        })
        .collect()
}

/// The problems between pages (ids and URLs they share) and of `handbook.yaml`.
pub fn site_rules(site: &Site) -> Vec<Diagnostic> {
    site_rules_with(site, &Gaps::new(site))
}

fn site_rules_with(site: &Site, gaps: &Gaps) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    config_rules(site, &mut out);
    duplicate_ids(site, gaps, &mut out);
    url_collisions(site, &mut out);
    out
}

fn start() -> Pos {
    Pos {
        line: 1,
        column: 1,
        bytes: 0..0,
    }
}

fn link_rules(site: &Site, i: PageIdx, hints: &Hints, gaps: &Gaps, out: &mut Vec<Diagnostic>) {
    let page = &site.pages[i];
    for (link, target) in page.links.iter().zip(&site.targets[i]) {
        let at = |code, message: String| {
            Diagnostic::error(code, &page.file, link.pos.clone(), message).with_subject(&link.dest)
        };
        let what = match link.form {
            LinkForm::Image | LinkForm::HtmlImage => "image",
            LinkForm::UnusedDefinition => "unused reference definition",
            _ => "link",
        };
        match target {
            Target::External | Target::File { .. } => {}
            // Not published, so neither a script nor a draft can reach a reader through it.
            Target::Unsafe { .. } | Target::Page { .. }
                if link.form == LinkForm::UnusedDefinition => {}
            Target::Unsafe { scheme } => out.push(
                at(
                    Code::UnsafeUrl,
                    format!("{what} to a `{scheme}:` URL, which can run script in the reader's browser"),
                )
                .with_help(if link.form.is_image() {
                    "put the image file beside the page and link to it by name"
                } else {
                    "link to a page or file of the handbook, or to an https: URL"
                }),
            ),
            Target::Page { page: to, .. } => {
                if site.pages[*to].common.draft && !page.common.draft {
                    out.push(
                        at(Code::DraftLink, format!("{what} to draft page `{}`", site.pages[*to].file))
                            .with_help("publish that page (remove `draft: true`) or remove the link")
                            .with_target(&site.pages[*to].file),
                    );
                }
            }
            Target::Missing { wanted } if link.form.is_image() => {
                let images = hints.images();
                let best = images
                    .moved(wanted)
                    .or_else(|| images.nearest(wanted));
                out.push(images::missing(site, i, link, wanted, best));
            }
            Target::Missing { wanted } => {
                let path = links::path_of(&link.dest);
                // A relative link without `.md` was looked for in two places (README).
                let by_url = (!path.starts_with('/') && !path.ends_with(".md"))
                    .then(|| links::by_url(site, i, &path))
                    .flatten()
                    .filter(|url| url != wanted);
                let also = by_url.map_or_else(String::new, |url| {
                    format!(", nor at the URL `{}{}`", site.config.base_path(), url::path(&url))
                });
                let mut d = at(
                    Code::BrokenLink,
                    format!("{what} to `{}` does not resolve: no page or file at `content/{wanted}`{also}", link.dest),
                )
                .with_target(wanted);
                if let Some(written) = literal_name(site, i, &link.dest) {
                    d = d.with_help(format!(
                        "a `#` in a link starts its fragment and a `?` its query: write them `%23` and `%3F` in a file name, as in `{written}`"
                    ));
                } else if let Some(meant) = suggest_path(site, hints, i, &link.dest, wanted) {
                    let dest = fixes::with_path(&link.dest, &meant.path);
                    d = d.with_help(format!("did you mean `{dest}`?"));
                    if let Some(fix) = meant.safe.then(|| fixes::link(site, i, link, dest)).flatten() {
                        d = d.with_fix(fix);
                    }
                }
                out.push(d);
            }
            Target::MissingAnchor { page: to, .. } if gaps.anchor(&site.pages[*to]) => {}
            Target::MissingAnchor { page: to, fragment } => {
                let target = &site.pages[*to];
                let mut d = at(
                    Code::BrokenAnchor,
                    format!("`#{fragment}` is not an anchor of `{}`", target.file),
                )
                .with_target(&target.file);
                let anchors: Vec<&str> = links::anchors(site, *to).collect();
                d = match fixes::name(fragment, &anchors) {
                    Some((best, safe)) => {
                        let fix = safe
                            .then(|| fixes::with_fragment(&link.dest, best))
                            .flatten()
                            .and_then(|dest| fixes::link(site, i, link, dest));
                        let d = d.with_help(format!("did you mean `#{best}`?"));
                        match fix {
                            Some(fix) => d.with_fix(fix),
                            None => d,
                        }
                    }
                    None if anchors.is_empty() => d.with_help(format!("`{}` has no headings or anchors", target.file)),
                    None => d.with_help(format!("anchors there: {}", list(anchors.iter().copied(), 12))),
                };
                out.push(d);
            }
            Target::OutsideRoot => out.push(
                at(
                    Code::LinkOutsideRoot,
                    format!("{what} to `{}` climbs out of the content folder", link.dest),
                )
                .with_help("a file outside content/ is not published; link to a page inside it, or to an https: URL"),
            ),
        }
    }
}

fn reference_rules(
    site: &Site,
    i: PageIdx,
    hints: &Hints,
    gaps: &Gaps,
    drafts: bool,
    out: &mut Vec<Diagnostic>,
) {
    let page = &site.pages[i];
    let refs = &site.references[i];
    for problem in &refs.problems {
        match problem {
            RefProblem::Missing { id, found, .. } if gaps.reference(site, id, *found) => {}
            RefProblem::UnknownStage { process, .. } if gaps.stage(&site.pages[*process]) => {}
            RefProblem::Missing {
                field,
                id,
                expected,
                found,
                pos,
            } => {
                let message = match found {
                    Some(other) => format!(
                        "`{field}`: `{id}` is a {}, not a {}",
                        site.pages[*other].kind().as_str(),
                        expected.as_str()
                    ),
                    None => format!("`{field}`: no {} has the id `{id}`", expected.as_str()),
                };
                let mut d = Diagnostic::error(Code::BrokenRef, &page.file, pos.clone(), message)
                    .with_subject(id);
                if let Some(other) = found {
                    d = d.with_target(&site.pages[*other].file);
                }
                if let Some(best) = hints.nearest_id(*expected, id) {
                    d = d.with_help(format!("did you mean `{}`?", best.item));
                    let safe = best.unique && safe_to_apply(id.chars().count(), best.distance);
                    let value = Located {
                        value: id.clone(),
                        pos: pos.clone(),
                    };
                    if let Some(fix) = safe
                        .then(|| fixes::reference(site, i, &value, *expected, best.item))
                        .flatten()
                    {
                        d = d.with_fix(fix);
                    }
                } else if !site.of_kind(*expected).is_empty() {
                    let ids = site.of_kind(*expected).iter();
                    let ids = list(ids.map(|&p| site.pages[p].id.as_str()), 12);
                    d = d.with_help(format!("{} ids: {ids}", expected.as_str()));
                }
                out.push(d);
            }
            RefProblem::UnknownStage {
                process,
                stage,
                pos,
            } => {
                let process_page = &site.pages[*process];
                let stages: Vec<&str> = process_page
                    .process()
                    .map(|p| p.stages.iter().map(|s| s.id.as_str()).collect())
                    .unwrap_or_default();
                let mut d = Diagnostic::error(
                    Code::UnknownStage,
                    &page.file,
                    pos.clone(),
                    format!(
                        "`stage`: `{stage}` is not a stage of process `{}`",
                        process_page.id
                    ),
                )
                .with_subject(stage)
                .with_target(&process_page.file);
                d = match fixes::name(stage, &stages) {
                    Some((best, safe)) => {
                        let d = d.with_help(format!(
                            "did you mean `{best}`? stages are: {}",
                            list(stages.iter().copied(), 20)
                        ));
                        let value = Located {
                            value: stage.clone(),
                            pos: pos.clone(),
                        };
                        if safe {
                            d.with_fix(fixes::yaml(&value, best))
                        } else {
                            d
                        }
                    }
                    None if stages.is_empty() => {
                        d.with_help(format!("process `{}` has no stages yet", process_page.id))
                    }
                    None => {
                        d.with_help(format!("stages are: {}", list(stages.iter().copied(), 20)))
                    }
                };
                out.push(d);
            }
        }
    }
    if drafts && !page.common.draft {
        for (value, kind) in named(page) {
            let Some(to) = site
                .page_of_kind(&value.value, kind)
                .filter(|&to| site.pages[to].common.draft)
            else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    Code::DraftLink,
                    &page.file,
                    value.pos.clone(),
                    format!("front matter names draft page `{}`", site.pages[to].file),
                )
                .with_help("publish that page (remove `draft: true`) or remove the reference")
                .with_subject(&value.value)
                .with_target(&site.pages[to].file),
            );
        }
    }
}

/// Every id a page's front matter names, where it is written, and the kind it must be.
pub fn named(page: &Page) -> Vec<(&Located<String>, Kind)> {
    let mut named: Vec<(&Located<String>, Kind)> = page
        .common
        .owner
        .iter()
        .map(|o| (o, Kind::Department))
        .collect();
    match &page.meta {
        Meta::Department(d) => {
            named.extend(d.collaborates_with.iter().map(|c| (c, Kind::Department)))
        }
        Meta::Process(p) => {
            named.extend(p.collaborators.iter().map(|c| (c, Kind::Department)));
            for stage in &p.stages {
                named.extend(stage.collaborators.iter().map(|c| (c, Kind::Department)));
                named.extend(stage.playbooks.iter().map(|c| (c, Kind::Playbook)));
            }
        }
        Meta::Playbook(p) => named.extend(p.process.iter().map(|c| (c, Kind::Process))),
        Meta::Page => {}
    }
    named
}

fn page_rules(
    site: &Site,
    i: PageIdx,
    today: jiff::civil::Date,
    gaps: &Gaps,
    out: &mut Vec<Diagnostic>,
) {
    let page = &site.pages[i];
    let exempt =
        matches!(page.role, Role::Home | Role::List(_)) || page.common.draft || gaps.orphan(page);
    if !exempt && site.backlinks[i].is_empty() {
        out.push(
            Diagnostic::warning(
                Code::OrphanPage,
                &page.file,
                start(),
                format!(
                    "no other page links to `{}` or names it in front matter",
                    page.file
                ),
            )
            .with_help("link to it from a related page, or delete it if it is no longer needed"),
        );
    }
    let (Some(reviewed), Some(every), Some(due)) = (
        &page.common.last_reviewed,
        page.common.review_every,
        review_due(page),
    ) else {
        return;
    };
    let date = &reviewed.value;
    if due < today {
        out.push(
            Diagnostic::warning(
                Code::StalePage,
                &page.file,
                reviewed.pos.clone(),
                format!("last reviewed {date}, review was due {due} (every {every} days)"),
            )
            .with_help("review the page and update `last_reviewed`"),
        );
    }
}

/// When a page's next review is due: `last_reviewed` plus `review_every` days.
pub fn review_due(page: &crate::model::Page) -> Option<jiff::civil::Date> {
    let reviewed: jiff::civil::Date = page.common.last_reviewed.as_ref()?.value.parse().ok()?;
    let every = page.common.review_every?;
    reviewed
        .checked_add(jiff::Span::new().days(i64::from(every)))
        .ok()
}

fn duplicate_ids(site: &Site, gaps: &Gaps, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, PageIdx> =
        HashMap::with_capacity_and_hasher(site.by_id.len(), Default::default());
    for (i, page) in site.pages.iter().enumerate() {
        if page.kind() == Kind::Page {
            continue;
        }
        if let Some(&other) = first.get(page.id.as_str()) {
            if gaps.duplicate_id(page, &site.pages[other]) {
                continue;
            }
            // Report where an explicit `id:` made the clash, if one did: that is the line to change.
            let (at, with) = match (&page.id_pos, &site.pages[other].id_pos) {
                (None, Some(_)) => (&site.pages[other], page),
                _ => (page, &site.pages[other]),
            };
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    &at.file,
                    at.id_pos.clone().unwrap_or_else(start),
                    format!("id `{}` is already used by `{}`", at.id, with.file),
                )
                .with_help("set a unique `id:` in the front matter of one of them")
                .with_subject(&at.id)
                .with_target(&with.file),
            );
        } else {
            first.insert(&page.id, i);
        }
    }
}

fn url_collisions(site: &Site, out: &mut Vec<Diagnostic>) {
    let index_files = (site.static_files.iter())
        .chain(&site.assets)
        .any(|file| file.ends_with("index.html"));
    for (i, page) in site.pages.iter().enumerate() {
        if site.by_url.get(page.url.as_str()) != Some(&i) {
            let other = &site.pages[site.by_url[page.url.as_str()]];
            out.push(
                Diagnostic::error(
                    Code::UrlCollision,
                    &page.file,
                    start(),
                    format!(
                        "`{}` and `{}` are both published at /{}",
                        other.file, page.file, page.url
                    ),
                )
                .with_help("rename or move one of them")
                .with_subject(format!("/{}", page.url))
                .with_target(&other.file),
            );
        }
        // A static file or asset `x/index.html` would be written over the page's own file.
        if !index_files {
            continue;
        }
        let file = format!("{}index.html", page.url);
        if site.static_files.contains(&file) || site.assets.contains(&file) {
            out.push(
                Diagnostic::error(
                    Code::UrlCollision,
                    &page.file,
                    start(),
                    format!(
                        "`{}` and the file `{file}` are both published at /{}",
                        page.file, page.url
                    ),
                )
                .with_help("rename or move one of them")
                .with_subject(format!("/{}", page.url))
                .with_target(&file),
            );
        }
    }
    let mut aliases: HashMap<String, &str> = HashMap::default();
    for page in &site.pages {
        for alias in &page.common.aliases {
            let url = match aliases::site_path(&alias.value, site.config.base_path()) {
                Ok(url) => url,
                Err(problem) => {
                    out.push(invalid_alias(&page.file, alias, problem));
                    continue;
                }
            };
            let clash = site
                .by_url
                .get(url.as_str())
                .map(|&p| site.pages[p].file.as_str())
                .or_else(|| aliases.get(&url).copied());
            if let Some(other) = clash {
                out.push(
                    Diagnostic::error(
                        Code::UrlCollision,
                        &page.file,
                        alias.pos.clone(),
                        format!("alias `{}` is already the URL of `{other}`", alias.value),
                    )
                    .with_help("remove the alias, or move the other page")
                    .with_subject(&alias.value)
                    .with_target(other),
                );
            } else if let Some(file) = file_in_the_way(site, &url) {
                out.push(
                    Diagnostic::error(
                        Code::UrlCollision,
                        &page.file,
                        alias.pos.clone(),
                        format!(
                            "alias `{}` is already the URL of the file `{file}`",
                            alias.value
                        ),
                    )
                    .with_help("remove the alias, or rename the file")
                    .with_subject(&alias.value),
                );
            } else {
                aliases.insert(url, &page.file);
            }
        }
    }
}

/// A static file or asset at an alias's site path, or where its redirect needs a folder.
pub(crate) fn file_in_the_way<'a>(site: &'a Site, url: &str) -> Option<&'a str> {
    let path = url.trim_end_matches('/');
    std::iter::once(path)
        .chain(path.match_indices('/').map(|(at, _)| &path[..at]))
        .find_map(|p| site.static_files.get(p).or_else(|| site.assets.get(p)))
        .map(String::as_str)
}

/// An alias that cannot be published as a redirect inside the output.
fn invalid_alias(file: &str, alias: &Located<String>, problem: AliasProblem) -> Diagnostic {
    let value = &alias.value;
    let (message, help) = match problem {
        AliasProblem::OutsideSite => (
            format!("alias `{value}` climbs out of the site"),
            "an alias is an old URL of this site, such as `/old/path/`: remove the `..` segments",
        ),
        AliasProblem::Query => (
            format!("alias `{value}` holds a `?`: a redirect file cannot answer a query"),
            "keep only the path, the part before the `?`",
        ),
        AliasProblem::Fragment => (
            format!("alias `{value}` holds a `#`: a redirect file cannot answer a fragment"),
            "keep only the path, the part before the `#`",
        ),
        AliasProblem::Backslash => (
            format!("alias `{value}` holds a backslash"),
            "write URL paths with `/`",
        ),
        AliasProblem::Nul => (
            format!("alias `{}` holds a NUL character", value.escape_debug()),
            "remove the `\\0`",
        ),
        AliasProblem::NotAPath => (
            format!("alias `{value}` is a full URL, not a path of this site"),
            "write only the path of the old URL, such as `/old/path/`",
        ),
        AliasProblem::NotUtf8 => (
            format!("alias `{value}` does not percent-decode to UTF-8 text"),
            "percent-encode characters as UTF-8 (`%C3%A9` for `é`), or write them as they are",
        ),
    };
    Diagnostic::error(Code::InvalidAlias, file, alias.pos.clone(), message)
        .with_help(help)
        .with_subject(value)
}

/// `handbook.yaml`: its URLs are published on every page.
fn config_rules(site: &Site, out: &mut Vec<Diagnostic>) {
    let Some(edit_url) = &site.config.edit_url else {
        return;
    };
    if let Some(scheme) = unsafe_scheme(&edit_url.value) {
        out.push(
            Diagnostic::error(
                Code::UnsafeUrl,
                "handbook.yaml",
                edit_url.pos.clone(),
                format!("`edit_url` is a `{scheme}:` URL, which can run script in the reader's browser"),
            )
            .with_help("set it to the https: address where the content folder is edited, such as `https://github.com/ORG/REPO/edit/main/content/`")
            .with_subject("edit_url"),
        );
    }
}

fn list<'s>(items: impl ExactSizeIterator<Item = &'s str>, max: usize) -> String {
    let total = items.len();
    let mut shown: Vec<String> = items.take(max).map(|s| format!("`{s}`")).collect();
    if total > max {
        shown.push(format!("and {} more", total - max));
    }
    shown.join(", ")
}
