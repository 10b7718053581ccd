//! Template contexts: what a theme sees. Plain serializable data, documented in the README
//! ("Template context"); a field renamed here breaks themes, so names are chosen once.
//!
//! A page's context links to dozens of other pages (breadcrumbs, backlinks, owner, stages'
//! playbooks, the lists), and most pages are linked from many others: each [`PageLink`] is
//! made once per site ([`Links`]) and shared, and so are its Tera value and its fingerprint,
//! so that a page's context costs little more than what is its own.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::{Arc, OnceLock};

use serde::{Serialize, Serializer};

use super::links::{link_urls, rewrite_body};
use crate::model::{Kind, Meta, PageIdx, Role, Status};
use crate::resolve::{Site, nav, tags};

/// What a link to a page shows of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub kind: Kind,
    pub description: Option<String>,
    /// A planned process ("Coming soon").
    pub planned: bool,
}

/// A link to a page: what lists and cross-references are made of. Serialized as its
/// [`Link`]'s fields; cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct PageLink(Arc<SharedLink>);

#[derive(Debug)]
struct SharedLink {
    link: Link,
    /// `link` as a Tera value, made the first time a template context holds it: every context
    /// holding the link then shares it ([`to_tera`]).
    value: OnceLock<tera::Value>,
    /// The fingerprint of `link`, made the first time a fingerprint holds it ([`hashed`]).
    hash: OnceLock<u128>,
    /// `link` as an entry of "Referenced by" ([`super::markup::backlink_item`]), made the
    /// first time a page lists it.
    backlink_item: OnceLock<String>,
}

impl PageLink {
    pub fn new(site: &Site, i: PageIdx) -> PageLink {
        let page = &site.pages[i];
        PageLink::from(Link {
            title: page.title.clone(),
            url: site.page_url(i),
            kind: page.kind(),
            description: page.common.description.clone(),
            planned: page.process().is_some_and(|p| p.status == Status::Planned),
        })
    }
}

impl From<Link> for PageLink {
    fn from(link: Link) -> PageLink {
        PageLink(Arc::new(SharedLink {
            link,
            value: OnceLock::new(),
            hash: OnceLock::new(),
            backlink_item: OnceLock::new(),
        }))
    }
}

impl PageLink {
    /// This link as an entry of "Referenced by", as the default theme writes it.
    pub fn backlink_item(&self) -> &str {
        let link = &self.0.link;
        self.0
            .backlink_item
            .get_or_init(|| super::markup::backlink_item(&link.title, &link.url, link.kind))
    }
}

impl std::ops::Deref for PageLink {
    type Target = Link;
    fn deref(&self) -> &Link {
        &self.0.link
    }
}

impl Serialize for PageLink {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shared = &*self.0;
        match MODE.get() {
            Mode::Fields => shared.link.serialize(serializer),
            // Tera's serializer takes a `tera::Value` as it is (a reference count), where it
            // would make a map of new strings from the fields for every context.
            Mode::Tera => shared
                .value
                .get_or_init(|| tera::Value::from_serializable(&shared.link))
                .serialize(serializer),
            // A struct, so that it can be flattened into another (`NavItem`, `PagerLink`).
            Mode::Hash => {
                use serde::ser::SerializeStruct;
                let hash = *shared.hash.get_or_init(|| {
                    let mut hasher = super::fingerprint::Hasher::new();
                    hasher.value(&shared.link);
                    hasher.finish()
                });
                struct Bytes([u8; 16]);
                impl Serialize for Bytes {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_bytes(&self.0)
                    }
                }
                let mut fields = serializer.serialize_struct("PageLink", 1)?;
                fields.serialize_field("page_link", &Bytes(hash.to_le_bytes()))?;
                fields.end()
            }
        }
    }
}

/// How a [`PageLink`] serializes: its fields, unless [`to_tera`] or [`hashed`] runs.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Fields,
    /// As its shared Tera value, for Tera's serializer only.
    Tera,
    /// As the hash of its fields, for a fingerprint only.
    Hash,
}

thread_local! {
    static MODE: Cell<Mode> = const { Cell::new(Mode::Fields) };
}

/// Runs `f` with [`PageLink`]s serialized as `mode`; the mode before is restored after, even
/// on a panic.
fn with_mode<R>(mode: Mode, f: impl FnOnce() -> R) -> R {
    struct Restore(Mode);
    impl Drop for Restore {
        fn drop(&mut self) {
            MODE.set(self.0);
        }
    }
    let _restore = Restore(MODE.replace(mode));
    f()
}

/// `value` as Tera's value, the page links in it shared rather than made again.
pub fn to_tera<T: Serialize + ?Sized>(value: &T) -> tera::Value {
    with_mode(Mode::Tera, || tera::Value::from_serializable(value))
}

/// Runs `f`, which serializes for a fingerprint, with each [`PageLink`] serialized as the hash
/// of its fields (made once per link): the same fields give the same bytes.
pub fn hashed<R>(f: impl FnOnce() -> R) -> R {
    with_mode(Mode::Hash, f)
}

/// Each page's [`PageLink`] in a site, made the first time it is asked for.
#[derive(Default)]
pub struct Links {
    links: Vec<OnceLock<PageLink>>,
    /// The site's home URL (`site.home_url`), made once.
    home_url: String,
    /// Each page's previous and next page, when found for every page at once
    /// ([`Links::with_pagers`]).
    pagers: Option<Vec<PagerPages>>,
}

/// A page's previous and next page ([`nav::pager`]).
type PagerPages = (Option<PageIdx>, Option<PageIdx>);

impl Links {
    pub fn new(site: &Site) -> Links {
        Links {
            links: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            home_url: site.config.url(""),
            pagers: None,
        }
    }

    /// These links, with every page's pager found at once ([`nav::pagers`]): for a build, which
    /// renders every page; `serve` renders a few pages after each edit.
    pub fn with_pagers(self, site: &Site) -> Links {
        Links {
            pagers: Some(nav::pagers(site)),
            ..self
        }
    }

    /// Page `i`'s previous and next page ([`nav::pager`]).
    fn pager(&self, site: &Site, i: PageIdx) -> PagerPages {
        match self.pagers.as_ref().and_then(|p| p.get(i)) {
            Some(&pager) => pager,
            None => nav::pager(site, i),
        }
    }

    /// The link to page `i` of `site`, the site these links were made for.
    pub fn get(&self, site: &Site, i: PageIdx) -> PageLink {
        match self.links.get(i) {
            Some(link) => link.get_or_init(|| PageLink::new(site, i)).clone(),
            None => PageLink::new(site, i),
        }
    }

    /// The links to those of `pages` that are published, in order.
    pub fn published(&self, site: &Site, pages: &[PageIdx]) -> Vec<PageLink> {
        // At the size of all of them (nearly all are published), where a filtered list grows
        // from nothing.
        let mut links = Vec::with_capacity(pages.len());
        links.extend(
            pages
                .iter()
                .filter(|&&p| site.is_published(p))
                .map(|&p| self.get(site, p)),
        );
        links
    }

    /// The URL of page `i` ([`Site::page_url`]).
    pub fn url(&self, site: &Site, i: PageIdx) -> std::borrow::Cow<'_, str> {
        match self.links.get(i) {
            Some(link) => link
                .get_or_init(|| PageLink::new(site, i))
                .url
                .as_str()
                .into(),
            None => site.page_url(i).into(),
        }
    }
}

/// A long text of a page's context (its body, markup): held as the Tera string templates see,
/// made once, so that putting it in the page's Tera value, or in two of its fields, does not
/// copy it again. Serialized as the string it is.
#[derive(Debug, Clone)]
pub struct Text(tera::Value);

impl Text {
    pub fn as_str(&self) -> &str {
        self.0.as_str().unwrap_or_default()
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from("")
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(tera::Value::normal_string(text))
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match MODE.get() {
            // Tera's serializer takes a `tera::Value` as it is (a reference count).
            Mode::Tera => self.0.serialize(serializer),
            Mode::Fields | Mode::Hash => serializer.serialize_str(self.as_str()),
        }
    }
}

/// `site`: the same for every page.
#[derive(Debug, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    /// `base_url` is a full URL ([`is_absolute`]): pages can name their canonical URL. Tested
    /// once per site, where base.html tested `base_url` with `starting_with` twice a page.
    pub absolute: bool,
    pub home_url: String,
    /// `language` from handbook.yaml, for `<html lang>`.
    pub language: String,
    pub extra: serde_json::Value,
    pub sections: Vec<SectionContext>,
    /// The sidebar as readers scan it: processes with their playbooks under them.
    pub nav: Vec<NavSection>,
    /// The site has a search index (`build` without `--no-search`): show the search box.
    pub search: bool,
}

/// A section of the sidebar's tree.
#[derive(Debug, Serialize)]
pub struct NavSection {
    pub title: &'static str,
    pub url: Option<String>,
    pub count: usize,
    pub items: Vec<NavItem>,
}

/// A page in the sidebar (its page link's fields), with the pages under it.
#[derive(Debug, Serialize)]
pub struct NavItem {
    #[serde(flatten)]
    pub link: PageLink,
    /// A playbook under its process: the number of its stage.
    pub stage_number: Option<usize>,
    pub items: Vec<NavItem>,
}

#[derive(Debug, Serialize)]
pub struct SectionContext {
    pub title: &'static str,
    pub url: Option<String>,
    pub count: usize,
    pub items: Vec<PageLink>,
}

pub fn site_context(site: &Site, links: &Links, search: bool) -> SiteContext {
    SiteContext {
        search,
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        base_url: site.config.base_url.clone(),
        absolute: is_absolute(&site.config.base_url),
        home_url: site.config.url(""),
        language: site.config.language.clone(),
        extra: site.config.extra.clone(),
        sections: nav::sections(site)
            .into_iter()
            .map(|s| SectionContext {
                title: s.title,
                url: s.list.map(|l| site.page_url(l)),
                count: s.count,
                items: s.items.iter().map(|&i| links.get(site, i)).collect(),
            })
            .collect(),
        nav: nav::tree(site)
            .into_iter()
            .map(|group| NavSection {
                title: group.title,
                url: group.list.map(|l| site.page_url(l)),
                count: group.count,
                items: group
                    .entries
                    .into_iter()
                    .map(|entry| NavItem {
                        link: links.get(site, entry.page),
                        stage_number: None,
                        items: entry
                            .children
                            .into_iter()
                            .map(|p| NavItem {
                                link: links.get(site, p),
                                stage_number: stage_number(site, p),
                                items: Vec::new(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Whether `base_url` is a full URL: it starts with `http://` or `https://`, as written (as
/// Tera's `starting_with` tests it).
fn is_absolute(base_url: &str) -> bool {
    base_url.starts_with("http://") || base_url.starts_with("https://")
}

/// A heading's URL in the table of contents: `#` and its id, encoded as a fragment. Joined
/// at its length, without the formatting machinery (a page has several).
fn toc_url(id: &str) -> String {
    let fragment = crate::url::fragment(id);
    let mut url = String::with_capacity(1 + fragment.len());
    url.push('#');
    url.push_str(&fragment);
    url
}

/// [`Site::anchor_url`], from the page's URL made once per site.
fn anchor_url(site: &Site, links: &Links, page: PageIdx, id: &str) -> String {
    crate::url::anchor(&links.url(site, page), id)
}

/// The 1-based number of a playbook's stage in its process.
fn stage_number(site: &Site, playbook: PageIdx) -> Option<usize> {
    site.references[playbook].stage.map(|n| n + 1)
}

/// `page`: everything about the page being rendered.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub id: Cow<'a, str>,
    pub kind: Kind,
    pub role: &'static str,
    pub title: Cow<'a, str>,
    pub description: Option<&'a str>,
    pub url: Cow<'a, str>,
    /// Path under `content/`.
    pub path: &'a str,
    pub draft: bool,
    pub tags: &'a [String],
    /// `tags` as links to their tag pages (`url` null when the site has none).
    pub tag_links: Vec<TagLink<'a>>,
    /// The body as HTML, links rewritten to their published URLs.
    pub content: Text,
    /// Whether the body starts with the `#` heading the title came from (themes skip their own `<h1>`).
    pub title_in_body: bool,
    /// `content` up to the end of that heading (`</h1>`) when `title_in_body`, else empty.
    pub content_head: Text,
    /// `content` after `content_head`; empty when nothing but white space is left. Split here
    /// once rather than by the templates' filters, which copied the body three times a page;
    /// the same text as `content` (not a copy) when the body has no title heading.
    pub content_rest: Text,
    pub toc: Vec<TocEntry<'a>>,
    /// `toc` as the default theme lists it: an `<li>` per heading ([`super::markup`]).
    pub toc_html: Text,
    pub breadcrumbs: Vec<PageLink>,
    /// `breadcrumbs` as the default theme lists them: an `<li>` per crumb ([`add_markup`]).
    pub breadcrumbs_html: Text,
    pub backlinks: Vec<PageLink>,
    /// `backlinks` less the pages this page already shows a link to (its owner, collaborators,
    /// processes or playbooks, its process, breadcrumbs, previous and next).
    pub referenced_by: Vec<PageLink>,
    /// `referenced_by` as the default theme lists it: its `<li>`s ([`add_markup`]).
    pub referenced_by_html: Text,
    /// The pages before and after this one in its section's reading order.
    pub pager: Pager,
    /// `pager` as the default theme shows it: its two links ([`add_markup`]).
    pub pager_html: Text,
    pub owner: Option<PageLink>,
    pub last_reviewed: Option<&'a str>,
    pub review_every: Option<u32>,
    /// When the next review is due (`last_reviewed` + `review_every`), and whether that is past.
    pub review_due: Option<String>,
    pub overdue: bool,
    pub edit_url: Option<String>,
    pub extra: &'a serde_json::Value,
    pub department: Option<DepartmentContext<'a>>,
    pub process: Option<ProcessContext<'a>>,
    pub playbook: Option<PlaybookContext<'a>>,
    pub list: Option<ListContext<'a>>,
    /// On the generated tag pages only: the tag of `/tags/<tag>/` (null on `/tags/`), and the
    /// tags listed, each with its pages.
    pub taxonomy: Option<TaxonomyContext>,
}

/// A tag of a page, and its page.
#[derive(Debug, Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyContext {
    pub tag: Option<String>,
    pub tags: Vec<TagContext>,
}

#[derive(Debug, Serialize)]
pub struct TagContext {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub pages: Vec<PageLink>,
}

/// The URL of a tag's page, when the site has tag pages and the tag a slug.
fn tag_url(site: &Site, tag: &str) -> Option<String> {
    let slug = tags::slug(tag);
    (site.tag_pages && !slug.is_empty()).then(|| site.config.url(&tags::page_path(&slug)))
}

/// The context of a generated tag page: `/tags/` (`tag` `None`, every tag) or one tag's page.
pub fn tag_page_context<'a>(
    site: &'a Site,
    links: &'a Links,
    all: &[tags::Tag],
    tag: Option<&tags::Tag>,
) -> PageContext<'a> {
    let context = |t: &tags::Tag| TagContext {
        name: t.name.clone(),
        url: site.config.url(&tags::page_path(&t.slug)),
        count: t.pages.len(),
        pages: t.pages.iter().map(|&p| links.get(site, p)).collect(),
    };
    let index_url = site.config.url(&format!("{}/", tags::FOLDER));
    let home = site.folder_page("").filter(|&h| site.is_published(h));
    let mut breadcrumbs: Vec<PageLink> = home.map(|h| links.get(site, h)).into_iter().collect();
    let (id, title, url, listed) = match tag {
        Some(t) => {
            breadcrumbs.push(PageLink::from(Link {
                title: "Tags".into(),
                url: index_url,
                kind: Kind::Page,
                description: None,
                planned: false,
            }));
            (
                t.slug.clone(),
                format!("Tagged “{}”", t.name),
                site.config.url(&tags::page_path(&t.slug)),
                vec![context(t)],
            )
        }
        None => (
            tags::FOLDER.to_string(),
            "Tags".to_string(),
            index_url,
            all.iter().map(context).collect(),
        ),
    };
    PageContext {
        id: id.into(),
        kind: Kind::Page,
        role: "list",
        title: title.into(),
        description: None,
        url: url.into(),
        path: "",
        draft: false,
        tags: &[],
        tag_links: Vec::new(),
        content: Text::default(),
        title_in_body: false,
        content_head: Text::default(),
        content_rest: Text::default(),
        toc: Vec::new(),
        toc_html: Text::default(),
        breadcrumbs_html: Text::from(
            super::markup::breadcrumb_items(&breadcrumbs, &links.home_url).as_str(),
        ),
        breadcrumbs,
        backlinks: Vec::new(),
        referenced_by: Vec::new(),
        referenced_by_html: Text::default(),
        pager: Pager {
            previous: None,
            next: None,
        },
        pager_html: Text::default(),
        owner: None,
        last_reviewed: None,
        review_every: None,
        review_due: None,
        overdue: false,
        edit_url: None,
        extra: &serde_json::Value::Null,
        department: None,
        process: None,
        playbook: None,
        list: None,
        taxonomy: Some(TaxonomyContext {
            tag: tag.map(|t| t.name.clone()),
            tags: listed,
        }),
    }
}

/// A heading in the table of contents; `url` is `#` and its id, encoded as a fragment.
#[derive(Debug, Serialize)]
pub struct TocEntry<'a> {
    pub level: u8,
    pub text: &'a str,
    pub id: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct Pager {
    pub previous: Option<PagerLink>,
    pub next: Option<PagerLink>,
}

/// A page link in the pager; a playbook in its process also says which stage it is for.
/// Serialized as the link's fields and its own.
#[derive(Debug)]
pub struct PagerLink {
    pub link: PageLink,
    pub stage: Option<String>,
    pub stage_number: Option<usize>,
}

impl Serialize for PagerLink {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("PagerLink", 7)?;
        match MODE.get() {
            // As `#[serde(flatten)]` would write it, but field by field: flattened, the link's
            // shared Tera value was taken apart into a new map on every page.
            Mode::Fields | Mode::Tera => {
                let link = &self.link.0.link;
                fields.serialize_field("title", &link.title)?;
                fields.serialize_field("url", &link.url)?;
                fields.serialize_field("kind", &link.kind)?;
                fields.serialize_field("description", &link.description)?;
                fields.serialize_field("planned", &link.planned)?;
            }
            // The link as the hash of its fields, made once per link.
            Mode::Hash => fields.serialize_field("link", &self.link)?,
        }
        fields.serialize_field("stage", &self.stage)?;
        fields.serialize_field("stage_number", &self.stage_number)?;
        fields.end()
    }
}

#[derive(Debug, Serialize)]
pub struct DepartmentContext<'a> {
    pub collaborators: Vec<PageLink>,
    pub metrics: &'a [String],
    pub processes: Vec<ListItem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ProcessContext<'a> {
    pub status: Status,
    pub planned: bool,
    pub used_when: Option<&'a str>,
    pub deal_profile: Option<&'a str>,
    pub collaborators: Vec<PageLink>,
    pub stages: Vec<StageContext<'a>>,
    /// `stages` as the default theme's stage map and its stage cards: their `<li>`s
    /// ([`add_markup`]).
    pub stage_map_html: Text,
    pub stages_html: Text,
    /// `stages` as entries of the default theme's table of contents: an `<li>` each
    /// ([`add_markup`]).
    pub stage_toc_html: Text,
    /// Every playbook that names this process.
    pub playbooks: Vec<PlaybookSummary<'a>>,
    /// `playbooks` as the default theme's cards: an `<li>` each ([`add_markup`]).
    pub playbooks_html: Text,
}

#[derive(Debug, Serialize)]
pub struct StageContext<'a> {
    pub number: usize,
    pub name: &'a str,
    pub id: &'a str,
    pub url: String,
    pub goal: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub sales_stage: Option<&'a str>,
    pub forecast_category: Option<&'a str>,
    pub agenda: &'a [String],
    pub exit_criteria: &'a [String],
    pub next_step: Option<&'a str>,
    pub collaborators: Vec<PageLink>,
    pub playbooks: Vec<PageLink>,
    pub resources: Vec<ResourceContext<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ResourceContext<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PlaybookSummary<'a> {
    pub title: &'a str,
    pub url: Cow<'a, str>,
    pub stage: Option<&'a str>,
    pub stage_number: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct PlaybookContext<'a> {
    pub process: Option<PageLink>,
    pub stage: Option<StageLink<'a>>,
    pub previous: Option<StageLink<'a>>,
    pub next: Option<StageLink<'a>>,
    pub audience: Option<&'a str>,
    /// Its process, stage, next stage, audience and meeting goal as the default theme's facts
    /// box: a `<div>` each ([`add_markup`]).
    pub facts_html: Text,
}

/// A stage seen from a playbook: its anchor on the process page, and its first playbook.
#[derive(Debug, Serialize)]
pub struct StageLink<'a> {
    /// 1-based position in the process, and how many stages it has.
    pub number: usize,
    pub of: usize,
    pub name: &'a str,
    pub id: &'a str,
    pub url: String,
    pub goal: Option<&'a str>,
    pub playbook: Option<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct ListContext<'a> {
    pub kind: Kind,
    pub items: Vec<PageLink>,
    pub groups: Vec<ListGroup<'a>>,
}

/// Processes under their owning department, or playbooks under their process.
#[derive(Debug, Serialize)]
pub struct ListGroup<'a> {
    pub title: Cow<'a, str>,
    pub url: Option<String>,
    pub items: Vec<ListItem<'a>>,
}

/// An entry of a list: a process (status, "Used when") or a playbook (its stage).
#[derive(Debug, Serialize)]
pub struct ListItem<'a> {
    pub title: &'a str,
    pub url: Cow<'a, str>,
    pub description: Option<&'a str>,
    pub status: Option<Status>,
    pub planned: bool,
    pub used_when: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub stage_number: Option<usize>,
}

fn list_item<'a>(site: &'a Site, links: &'a Links, i: PageIdx) -> ListItem<'a> {
    let page = &site.pages[i];
    let process = page.process();
    let refs = &site.references[i];
    let stage = refs
        .process
        .zip(refs.stage)
        .and_then(|(p, n)| site.pages[p].process()?.stages.get(n).map(|s| (n, s)));
    ListItem {
        title: &page.title,
        url: links.url(site, i),
        description: page.common.description.as_deref(),
        status: process.map(|p| p.status),
        planned: process.is_some_and(|p| p.status == Status::Planned),
        used_when: process.and_then(|p| p.used_when.as_deref()),
        stage: stage.map(|(_, s)| s.name.as_str()),
        stage_number: stage.map(|(n, _)| n + 1),
    }
}

pub fn page_context<'a>(site: &'a Site, links: &'a Links, i: PageIdx) -> PageContext<'a> {
    let mut cx = page_context_without_body(site, links, i);
    add_body(site, links, i, &link_urls(site, links, i), &mut cx);
    cx
}

/// [`page_context`] less its body (`content` empty, `title_in_body` false), which
/// [`add_body`] adds: what a page shows besides its body, for its fingerprint.
pub fn page_context_without_body<'a>(
    site: &'a Site,
    links: &'a Links,
    i: PageIdx,
) -> PageContext<'a> {
    let page = &site.pages[i];
    let refs = &site.references[i];
    let links_to = |list: &[PageIdx]| links.published(site, list);
    let pager = links.pager(site, i);
    let crumbs = nav::breadcrumbs(site, i);
    let review_due = crate::check::review_due(page);
    PageContext {
        id: page.id.as_str().into(),
        kind: page.kind(),
        role: match page.role {
            Role::Home => "home",
            Role::List(_) => "list",
            Role::Single => "single",
        },
        title: page.title.as_str().into(),
        description: page.common.description.as_deref(),
        url: links.url(site, i),
        path: &page.path,
        draft: page.common.draft,
        tags: &page.common.tags,
        tag_links: page
            .common
            .tags
            .iter()
            .map(|t| TagLink {
                name: t.trim(),
                url: tag_url(site, t),
            })
            .collect(),
        title_in_body: false,
        content: Text::default(),
        content_head: Text::default(),
        content_rest: Text::default(),
        toc: page
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| TocEntry {
                level: h.level,
                text: &h.text,
                id: &h.id,
                url: toc_url(&h.id),
            })
            .collect(),
        toc_html: Text::default(),
        breadcrumbs: links_to(&crumbs),
        breadcrumbs_html: Text::default(),
        backlinks: links_to(&site.backlinks[i]),
        referenced_by: links_to(&referenced_by(site, i, &crumbs, &pager)),
        referenced_by_html: Text::default(),
        pager: Pager {
            previous: pager.0.map(|p| pager_link(site, links, p)),
            next: pager.1.map(|p| pager_link(site, links, p)),
        },
        pager_html: Text::default(),
        owner: refs.owner.map(|o| links.get(site, o)),
        last_reviewed: page.common.last_reviewed.as_ref().map(|d| d.value.as_str()),
        review_every: page.common.review_every,
        review_due: review_due.map(|d| d.to_string()),
        overdue: review_due.is_some_and(|d| d < crate::site::today()),
        edit_url: site
            .config
            .edit_url
            .as_ref()
            .map(|e| format!("{}{}", e.value, crate::url::path(&page.path))),
        extra: &page.common.extra,
        department: match &page.meta {
            Meta::Department(d) => Some(DepartmentContext {
                collaborators: links_to(&refs.collaborators),
                metrics: &d.metrics,
                processes: nav::published(site, &site.children[i])
                    .into_iter()
                    .map(|p| list_item(site, links, p))
                    .collect(),
            }),
            _ => None,
        },
        process: process_context(site, links, i),
        playbook: playbook_context(site, links, i),
        list: list_context(site, links, i),
        taxonomy: None,
    }
}

/// Puts page `i`'s body, as loaded with the site, into `cx`, its context without one.
/// `urls`: its links' ([`link_urls`]).
pub fn add_body(site: &Site, links: &Links, i: PageIdx, urls: &[String], cx: &mut PageContext) {
    let body = &site.pages[i].body;
    add_loaded_body(
        site,
        links,
        i,
        rewrite_body(&body.html(), &body.slots, urls),
        cx,
    );
}

/// [`add_body`] with the body loaded apart from the site, its links' URLs already in place
/// ([`crate::load::published_body`]): the site was loaded without HTML.
pub fn add_loaded_body(
    site: &Site,
    links: &Links,
    i: PageIdx,
    content: String,
    cx: &mut PageContext,
) {
    let page = &site.pages[i];
    let first_h1 = page.headings.first().filter(|h| h.level == 1);
    cx.title_in_body =
        first_h1.is_some_and(|h| h.text == page.title) && content.trim_start().starts_with("<h1");
    let (head, rest) = split_title(&content, cx.title_in_body);
    let all = Text::from(content.as_str());
    cx.content_rest = if rest.trim().is_empty() {
        Text::default()
    } else if rest.len() == content.len() {
        all.clone()
    } else {
        Text::from(rest)
    };
    cx.content_head = Text::from(&*head);
    cx.content = all;
    add_markup(cx, &links.home_url);
}

/// Adds to `cx` the markup the default theme prints as it is ([`super::markup`]): made as a
/// page is rendered, not for its fingerprint, which holds what it is made from.
/// `home_url`: the site's (`site.home_url`).
fn add_markup(cx: &mut PageContext, home_url: &str) {
    cx.toc_html = Text::from(super::markup::toc_entries(&cx.toc).as_str());
    cx.breadcrumbs_html =
        Text::from(super::markup::breadcrumb_items(&cx.breadcrumbs, home_url).as_str());
    cx.pager_html = Text::from(super::markup::pager_links(&cx.pager).as_str());
    cx.referenced_by_html = Text::from(super::markup::backlink_items(&cx.referenced_by).as_str());
    if let Some(playbook) = &mut cx.playbook {
        playbook.facts_html = Text::from(super::markup::playbook_facts(playbook).as_str());
    }
    if let Some(process) = &mut cx.process {
        process.stage_map_html =
            Text::from(super::markup::stage_map_items(&process.stages).as_str());
        process.stages_html = Text::from(super::markup::stage_cards(&process.stages).as_str());
        process.stage_toc_html =
            Text::from(super::markup::stage_toc_items(&process.stages).as_str());
        process.playbooks_html =
            Text::from(super::markup::playbook_cards(&process.playbooks).as_str());
    }
}

/// `content` as its title heading (through the first `</h1>`, when `title_in_body`) and the
/// rest, as the default theme split it with `split(pat="</h1>")`: without a `</h1>` the head
/// is all of it, closed, and the rest empty.
fn split_title(content: &str, title_in_body: bool) -> (Cow<'_, str>, &str) {
    const END: &str = "</h1>";
    if !title_in_body {
        return (Cow::Borrowed(""), content);
    }
    match content.find(END) {
        Some(at) => {
            let (head, rest) = content.split_at(at + END.len());
            (Cow::Borrowed(head), rest)
        }
        None => (Cow::Owned(format!("{content}{END}")), ""),
    }
}

fn pager_link(site: &Site, links: &Links, p: PageIdx) -> PagerLink {
    let refs = &site.references[p];
    let stage = refs.process.zip(refs.stage).and_then(|(process, n)| {
        let stage = site.pages[process].process()?.stages.get(n)?;
        Some((stage.name.clone(), n + 1))
    });
    PagerLink {
        link: links.get(site, p),
        stage_number: stage.as_ref().map(|(_, n)| *n),
        stage: stage.map(|(name, _)| name),
    }
}

/// Page `i`'s backlinks less the pages it already links to outside its body: what its
/// "Referenced by" adds. A process page lists its playbooks; saying again that they name it
/// only repeats the list.
/// `crumbs`: its breadcrumbs ([`nav::breadcrumbs`]).
fn referenced_by(site: &Site, i: PageIdx, crumbs: &[PageIdx], pager: &PagerPages) -> Vec<PageIdx> {
    let refs = &site.references[i];
    let mut shown: rustc_hash::FxHashSet<PageIdx> = rustc_hash::FxHashSet::with_capacity_and_hasher(
        16 + site.children[i].len() + crumbs.len(),
        Default::default(),
    );
    shown.extend(refs.pages());
    shown.extend(&site.children[i]);
    shown.extend(crumbs);
    shown.extend(pager.0);
    shown.extend(pager.1);
    site.backlinks[i]
        .iter()
        .copied()
        .filter(|p| !shown.contains(p))
        .collect()
}

fn process_context<'a>(site: &'a Site, links: &'a Links, i: PageIdx) -> Option<ProcessContext<'a>> {
    let process = site.pages[i].process()?;
    let refs = &site.references[i];
    let links_to = |list: &[PageIdx]| links.published(site, list);
    let stages = process
        .stages
        .iter()
        .enumerate()
        .map(|(n, stage)| StageContext {
            number: n + 1,
            name: &stage.name,
            id: &stage.id,
            url: anchor_url(site, links, i, &stage.id),
            goal: stage.goal.as_deref(),
            duration: stage.duration.as_deref(),
            sales_stage: stage.sales_stage.as_deref(),
            forecast_category: stage.forecast_category.as_deref(),
            agenda: &stage.agenda,
            exit_criteria: &stage.exit_criteria,
            next_step: stage.next_step.as_deref(),
            collaborators: links_to(refs.stage_collaborators.get(n).map_or(&[], Vec::as_slice)),
            playbooks: links_to(refs.stage_playbooks.get(n).map_or(&[], Vec::as_slice)),
            resources: stage
                .resources
                .iter()
                .map(|r| ResourceContext {
                    title: &r.title,
                    url: super::links::link_url(site, links, i, r.link),
                })
                .collect(),
        })
        .collect();
    Some(ProcessContext {
        status: process.status,
        planned: process.status == Status::Planned,
        used_when: process.used_when.as_deref(),
        deal_profile: process.deal_profile.as_deref(),
        collaborators: links_to(&refs.collaborators),
        stages,
        stage_map_html: Text::default(),
        stages_html: Text::default(),
        stage_toc_html: Text::default(),
        playbooks_html: Text::default(),
        playbooks: nav::stage_order(site, i)
            .into_iter()
            .map(|p| PlaybookSummary {
                title: &site.pages[p].title,
                url: links.url(site, p),
                stage: site.references[p]
                    .stage
                    .and_then(|s| process.stages.get(s))
                    .map(|s| s.name.as_str()),
                stage_number: stage_number(site, p),
            })
            .collect(),
    })
}

fn playbook_context<'a>(
    site: &'a Site,
    links: &'a Links,
    i: PageIdx,
) -> Option<PlaybookContext<'a>> {
    let Meta::Playbook(playbook) = &site.pages[i].meta else {
        return None;
    };
    let refs = &site.references[i];
    let stage_link = |process: PageIdx, n: usize| -> Option<StageLink<'a>> {
        let stages = &site.pages[process].process()?.stages;
        let stage = stages.get(n)?;
        let playbook = site.references[process]
            .stage_playbooks
            .get(n)
            .and_then(|p| p.iter().copied().find(|&p| site.is_published(p)))
            .map(|p| links.get(site, p));
        Some(StageLink {
            number: n + 1,
            of: stages.len(),
            name: &stage.name,
            id: &stage.id,
            url: anchor_url(site, links, process, &stage.id),
            goal: stage.goal.as_deref(),
            playbook,
        })
    };
    let (stage, previous, next) = match (refs.process, refs.stage) {
        (Some(p), Some(n)) => (
            stage_link(p, n),
            n.checked_sub(1).and_then(|m| stage_link(p, m)),
            stage_link(p, n + 1),
        ),
        _ => (None, None, None),
    };
    Some(PlaybookContext {
        process: refs.process.map(|p| links.get(site, p)),
        stage,
        previous,
        next,
        audience: playbook.audience.as_deref(),
        facts_html: Text::default(),
    })
}

fn list_context<'a>(site: &'a Site, links: &'a Links, i: PageIdx) -> Option<ListContext<'a>> {
    let Role::List(kind) = site.pages[i].role else {
        return None;
    };
    let page = &site.pages[i];
    // A list page is a folder's page, so its URL is the folder's path.
    let folder = page.url.as_str();
    let items: Vec<PageIdx> = nav::published(site, site.of_kind(kind))
        .into_iter()
        .filter(|&p| site.pages[p].path.starts_with(folder))
        .collect();
    let groups = match kind {
        Kind::Process => nav::process_groups(site)
            .into_iter()
            .map(|(department, processes)| ListGroup {
                title: department.map_or(Cow::Borrowed("Other"), |d| {
                    Cow::Borrowed(site.pages[d].title.as_str())
                }),
                url: department.map(|d| site.page_url(d)),
                items: processes
                    .into_iter()
                    .map(|p| list_item(site, links, p))
                    .collect(),
            })
            .collect(),
        Kind::Playbook => {
            let in_folder: std::collections::HashSet<PageIdx> = items.iter().copied().collect();
            site.of_kind(Kind::Process)
                .iter()
                .copied()
                .filter_map(|p| {
                    let mut playbooks: Vec<ListItem> = nav::published(site, &site.children[p])
                        .into_iter()
                        .filter(|b| in_folder.contains(b))
                        .map(|b| list_item(site, links, b))
                        .collect();
                    playbooks.sort_by_key(|b| b.stage_number.unwrap_or(usize::MAX));
                    (!playbooks.is_empty()).then(|| ListGroup {
                        title: site.pages[p].title.as_str().into(),
                        url: Some(site.page_url(p)),
                        items: playbooks,
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Some(ListContext {
        kind,
        items: items.iter().map(|&p| links.get(site, p)).collect(),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fingerprint::Hasher;

    fn link(title: &str) -> PageLink {
        PageLink::from(Link {
            title: title.into(),
            url: "/processes/discovery/".into(),
            kind: Kind::Process,
            description: Some("Qualify the deal".into()),
            planned: false,
        })
    }

    /// A page link flattened into another struct, as the sidebar and the pager hold one.
    #[derive(Serialize)]
    struct Flattened {
        #[serde(flatten)]
        link: PageLink,
        stage: Option<String>,
    }

    #[derive(Serialize)]
    struct Holder {
        links: Vec<PageLink>,
        flat: Flattened,
    }

    fn holder(shared: &PageLink) -> Holder {
        Holder {
            links: vec![shared.clone(), link("Other"), shared.clone()],
            flat: Flattened {
                link: shared.clone(),
                stage: Some("Demo".into()),
            },
        }
    }

    /// `site.absolute` is what base.html tested before it had it.
    #[test]
    fn absolute_is_the_test_base_html_made() {
        let mut tera = tera::Tera::new();
        tera.add_raw_template(
            "t",
            r#"{% if base_url is starting_with(pat="http://") or base_url is starting_with(pat="https://") %}yes{% else %}no{% endif %}"#,
        )
        .expect("a valid template");
        for base_url in [
            "/",
            "/handbook/",
            "http://a.example/",
            "https://a.example/x/",
            "HTTPS://a.example/",
            "https:/a",
            "http:",
            "httpx://a/",
            "ftp://a/",
            " https://a/",
            "",
        ] {
            let mut cx = tera::Context::new();
            cx.insert("base_url", base_url);
            let tested = tera.render("t", &cx).expect("renders") == "yes";
            assert_eq!(is_absolute(base_url), tested, "{base_url:?}");
        }
    }

    /// Templates see a shared link exactly as its fields, wherever it is held and however
    /// often; and anything else serializes its fields.
    #[test]
    fn a_shared_link_is_its_fields_to_templates_and_to_json() {
        let shared = link("Discovery");
        let fields = serde_json::json!({
            "links": [&*shared, &*link("Other"), &*shared],
            "flat": {
                "title": "Discovery",
                "url": "/processes/discovery/",
                "kind": "process",
                "description": "Qualify the deal",
                "planned": false,
                "stage": "Demo",
            },
        });
        // Twice: the second time the link's Tera value is made already.
        for _ in 0..2 {
            assert_eq!(
                to_tera(&holder(&shared)),
                tera::Value::from_serializable(&fields)
            );
        }
        assert_eq!(serde_json::to_value(holder(&shared)).unwrap(), fields);
        assert_eq!(
            serde_json::to_value(&shared).unwrap(),
            serde_json::to_value(&*shared).unwrap()
        );
    }

    /// A heading's URL in the table of contents is `#` and its id encoded as a fragment.
    #[test]
    fn a_toc_url_is_the_encoded_fragment() {
        for id in [
            "intro",
            "",
            "two words",
            "a#b%c",
            "héllo-wörld",
            "<&>\"'",
            "日本",
        ] {
            assert_eq!(
                toc_url(id),
                format!("#{}", crate::url::fragment(id)),
                "{id:?}"
            );
        }
    }

    /// A pager link is its page link's fields and its stage's, as flattening the link gave
    /// them, to templates and to JSON; its fingerprint changes with any of them.
    #[test]
    fn a_pager_link_is_its_links_fields_and_its_stage() {
        #[derive(Serialize)]
        struct Flat<'a> {
            #[serde(flatten)]
            link: &'a Link,
            stage: Option<String>,
            stage_number: Option<usize>,
        }
        let pager = |title: &str, stage: Option<&str>, stage_number| PagerLink {
            link: link(title),
            stage: stage.map(str::to_string),
            stage_number,
        };
        let fingerprint = |pager: &PagerLink| {
            let mut hasher = Hasher::new();
            hasher.value(pager);
            hasher.finish()
        };
        for (stage, number) in [
            (Some("Demo <&>"), Some(2)),
            (None, None),
            (Some(""), Some(0)),
        ] {
            let pager = pager("Discovery", stage, number);
            let flat = Flat {
                link: &pager.link,
                stage: pager.stage.clone(),
                stage_number: pager.stage_number,
            };
            // Twice: the second time the link's Tera value is made already.
            for _ in 0..2 {
                assert_eq!(to_tera(&pager), tera::Value::from_serializable(&flat));
            }
            assert_eq!(
                serde_json::to_value(&pager).unwrap(),
                serde_json::to_value(&flat).unwrap()
            );
        }
        let demo = fingerprint(&pager("Discovery", Some("Demo"), Some(2)));
        assert_eq!(
            demo,
            fingerprint(&pager("Discovery", Some("Demo"), Some(2)))
        );
        for other in [
            pager("Discovery!", Some("Demo"), Some(2)),
            pager("Discovery", Some("Demo!"), Some(2)),
            pager("Discovery", Some("Demo"), Some(3)),
            pager("Discovery", None, None),
        ] {
            assert_ne!(demo, fingerprint(&other));
        }
    }

    /// A text held as a Tera string is its string to templates, to JSON and to a fingerprint,
    /// however often it is held.
    #[test]
    fn a_text_is_its_string_everywhere() {
        #[derive(Serialize)]
        struct Two {
            a: Text,
            b: Text,
            c: Text,
        }
        let body = Text::from("<p>Tom & \"Jerry\"</p>");
        let two = Two {
            a: body.clone(),
            b: body,
            c: Text::default(),
        };
        let fields = serde_json::json!({
            "a": "<p>Tom & \"Jerry\"</p>",
            "b": "<p>Tom & \"Jerry\"</p>",
            "c": "",
        });
        assert_eq!(to_tera(&two), tera::Value::from_serializable(&fields));
        assert_eq!(serde_json::to_value(&two).unwrap(), fields);
        let fingerprint = |two: &Two| {
            let mut hasher = Hasher::new();
            hasher.value(two);
            hasher.finish()
        };
        let strings = Two {
            a: Text::from("<p>Tom & \"Jerry\"</p>"),
            b: Text::from("<p>Tom & \"Jerry\"</p>"),
            c: Text::from(""),
        };
        assert_eq!(fingerprint(&two), fingerprint(&strings));
        let other = Two {
            a: Text::from("<p>Tom</p>"),
            ..strings
        };
        assert_ne!(fingerprint(&two), fingerprint(&other));
    }

    /// In a fingerprint a link is the hash of its fields: the same fields, the same
    /// fingerprint (also flattened, where a failed serialization would give a random one);
    /// any field changed, another.
    #[test]
    fn a_fingerprint_changes_with_any_field_of_a_link() {
        let fingerprint = |link: &PageLink| {
            let mut hasher = Hasher::new();
            hasher.value(&holder(link));
            hasher.finish()
        };
        let discovery = fingerprint(&link("Discovery"));
        assert_eq!(discovery, fingerprint(&link("Discovery")));
        assert_ne!(discovery, fingerprint(&link("Discovery!")));
        let mut planned = (*link("Discovery")).clone();
        planned.planned = true;
        assert_ne!(discovery, fingerprint(&PageLink::from(planned)));
        // Outside a fingerprint the fields are serialized again, not their hash.
        let mut bytes = Vec::new();
        crate::render::fingerprint::encode(&link("Discovery"), &mut bytes).unwrap();
        assert!(bytes.windows(9).any(|w| w == b"Discovery"));
    }
}
