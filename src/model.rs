//! Plain data that flows through the pipeline: pages, their front matter, links and stages.
//!
//! Nothing here does I/O or knows about HTML; the stages in `load`, `resolve`, `check` and
//! `render` fill and read these types.

use serde::Serialize;

/// Index of a page in [`crate::resolve::Site::pages`].
pub type PageIdx = usize;

/// What a page is, in the handbook's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Department,
    Process,
    Playbook,
    Page,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Department => "department",
            Kind::Process => "process",
            Kind::Playbook => "playbook",
            Kind::Page => "page",
        }
    }
}

/// A page's role in the site, which picks its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// `content/index.md`.
    Home,
    /// The `index.md` of `departments/`, `processes/` or a folder under `playbooks/`.
    List(Kind),
    /// Any other page: rendered with the template of its kind.
    Single,
}

/// A process is either running or announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    Planned,
}

/// A place in a source file: 1-based line and column (in characters), and the byte range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub bytes: std::ops::Range<usize>,
}

/// A value from the front matter together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// How a link was written; it decides where a problem is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkForm {
    Inline,
    /// Reference-style: `pos` is the definition's destination.
    Reference,
    Autolink,
    Image,
    /// `href`/`src` in raw HTML.
    Html,
    /// `src` of an `<img>` in raw HTML.
    HtmlImage,
    /// A stage `resources[].url` in front matter.
    Resource,
    /// A reference definition (`[label]: dest`) that no link uses: nothing is published, but a
    /// destination that does not resolve is still a mistake worth reporting.
    UnusedDefinition,
}

impl LinkForm {
    /// An image: `![alt](src)` or an `<img src>`.
    pub fn is_image(self) -> bool {
        matches!(self, LinkForm::Image | LinkForm::HtmlImage)
    }
}

/// Where an anchor (an `id` a `#fragment` can name) of a page body comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    /// A heading's id; `explicit` when written as `{#id}`.
    Heading { explicit: bool },
    /// An `id=` (or an `<a name=>`) in raw HTML.
    Html,
    /// A footnote definition `[^label]:`, which pulldown-cmark publishes as `id="label"`.
    Footnote,
}

/// An id the page body publishes, with where it is written (for duplicate reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub kind: AnchorKind,
    pub pos: Pos,
}

/// How a reference link names its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceForm {
    /// `[text][label]`
    Full,
    /// `[label][]`
    Collapsed,
    /// `[label]`: ordinary prose in brackets looks the same.
    Shortcut,
}

/// A reference link whose label has no definition: published as literal brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedReference {
    pub label: String,
    pub form: ReferenceForm,
    /// Where the label is written.
    pub pos: Pos,
    /// The defined label nearest to it, if one is near enough to be a typo.
    pub nearest: Option<String>,
}

/// A page body as HTML, with the byte ranges where link destinations are written. Rendering
/// replaces each slot with the link's resolved URL by range, never by searching the text, so
/// nothing a page says can be mistaken for a link (see [`crate::load::html_writer`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub html: String,
    /// Sorted by position, not overlapping.
    pub slots: Vec<Slot>,
}

/// A page's [`Body`] as kept from load to render: the HTML compressed (LZ4, about 2.5 times
/// smaller), since every page's body is held until the last page is rendered (about 110 MB of
/// HTML for 10,000 synthetic pages, the largest part of a build's memory). Decompressing is a
/// small fraction of rendering it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredBody {
    /// The HTML, LZ4 block with its length first; empty when the body is.
    packed: Box<[u8]>,
    /// As in [`Body::slots`].
    pub slots: Vec<Slot>,
}

impl StoredBody {
    /// The body's HTML, as [`Body::html`] held it.
    pub fn html(&self) -> String {
        if self.packed.is_empty() {
            return String::new();
        }
        // Only ever what `from` packed: valid LZ4 of valid UTF-8.
        let bytes = lz4_flex::block::decompress_size_prepended(&self.packed).unwrap_or_default();
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl From<Body> for StoredBody {
    fn from(body: Body) -> StoredBody {
        let packed = if body.html.is_empty() {
            Box::default()
        } else {
            lz4_flex::block::compress_prepend_size(body.html.as_bytes()).into_boxed_slice()
        };
        StoredBody {
            packed,
            slots: body.slots,
        }
    }
}

/// Where one link's destination sits in [`Body::html`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub bytes: std::ops::Range<usize>,
    /// Index into the page's `links`.
    pub link: usize,
}

/// A link as written in a page, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination exactly as the parser gave it (not yet percent-decoded).
    pub dest: String,
    pub form: LinkForm,
    pub pos: Pos,
}

/// A heading with the id it is given in HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// One meeting or step of a process.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stage {
    pub name: String,
    /// Explicit `id`, else the slug of the name.
    pub id: String,
    /// Where the id comes from: the `id:` value, else the `name:` value.
    pub id_pos: Pos,
    pub goal: Option<String>,
    pub duration: Option<String>,
    pub sales_stage: Option<String>,
    pub forecast_category: Option<String>,
    pub agenda: Vec<String>,
    pub exit_criteria: Vec<String>,
    pub next_step: Option<String>,
    pub collaborators: Vec<Located<String>>,
    pub playbooks: Vec<Located<String>>,
    pub resources: Vec<Resource>,
}

/// A titled link attached to a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub title: String,
    /// Index into the page's `links`.
    pub link: usize,
}

/// Fields every kind may have.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Common {
    pub description: Option<String>,
    pub draft: bool,
    pub tags: Vec<String>,
    pub owner: Option<Located<String>>,
    pub weight: Option<i64>,
    pub aliases: Vec<Located<String>>,
    pub last_reviewed: Option<Located<String>>,
    pub review_every: Option<u32>,
    pub extra: serde_json::Value,
}

/// Fields of a department page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Department {
    pub collaborates_with: Vec<Located<String>>,
    pub metrics: Vec<String>,
}

/// Fields of a process page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Process {
    pub status: Status,
    pub used_when: Option<String>,
    pub collaborators: Vec<Located<String>>,
    pub deal_profile: Option<String>,
    pub stages: Vec<Stage>,
}

/// Fields of a playbook page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Playbook {
    pub process: Option<Located<String>>,
    pub stage: Option<Located<String>>,
    pub audience: Option<String>,
}

/// The kind-specific part of the front matter, typed by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    Department(Department),
    Process(Process),
    Playbook(Playbook),
    Page,
}

impl Meta {
    pub fn kind(&self) -> Kind {
        match self {
            Meta::Department(_) => Kind::Department,
            Meta::Process(_) => Kind::Process,
            Meta::Playbook(_) => Kind::Playbook,
            Meta::Page => Kind::Page,
        }
    }
}

/// What of a page could not be read. The page is loaded with what could be, and the rules that
/// would only report consequences of the gap (a stage anchor, a stage, an id that may be
/// written in the part not read) stay quiet about it: the problem itself is reported once,
/// where it is (README, "Root causes").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unread {
    /// The front matter did not parse, or was never closed: fields after the mistake are
    /// missing, so the page's id, kind, stages and what it names may be too.
    pub front_matter: bool,
    /// A stage of this process was left out (no `name`, not a mapping, or `stages:` is not a
    /// list): one of its stage ids may be missing.
    pub stages: bool,
    /// The file was not read at all (too large, not a regular file, unreadable).
    pub file: bool,
    /// The words of the front matter that was not read (the part that did not parse, a stage
    /// left out): ids it may hold or name.
    pub words: Vec<String>,
}

impl Unread {
    /// Whether the page's anchors and stages may be more than the ones read.
    pub fn anchors(&self) -> bool {
        self.front_matter || self.stages || self.file
    }
}

/// One Markdown file, loaded and parsed, not yet resolved against the others.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, with `/` separators (`processes/edge/index.md`).
    pub path: String,
    /// Path relative to the site root, as diagnostics name it (`content/processes/edge/index.md`).
    pub file: String,
    pub id: String,
    /// Where an explicit `id:` is written, for diagnostics about it.
    pub id_pos: Option<Pos>,
    pub title: String,
    pub role: Role,
    pub common: Common,
    pub meta: Meta,
    pub headings: Vec<Heading>,
    /// Every id the body publishes, in document order: headings, raw HTML, footnotes.
    pub anchors: Vec<Anchor>,
    pub links: Vec<Link>,
    pub undefined_references: Vec<UndefinedReference>,
    /// Rendered body (empty when loaded without HTML: by `check`, and by a rebuild, which
    /// loads the body of a page it renders then, [`crate::load::published_body`]).
    pub body: StoredBody,
    /// xxh3-128 of the Markdown body as loaded (the text after the front matter), with or
    /// without HTML: the body's HTML is a function of this text alone
    /// ([`crate::load::markdown::parse`]), so a fingerprint hashes this instead of the HTML.
    /// 0 when the site was loaded to be checked only (`check`: [`crate::site::Options::check_only`]).
    pub body_hash: u128,
    /// Where the body starts in the file's text (after the front matter).
    pub body_offset: usize,
    /// URL path below `base_url`, without leading slash: `processes/edge/`, `` for home.
    pub url: String,
    /// What could not be read, if anything.
    pub unread: Unread,
    /// Top-level front-matter keys that are neither fields nor declared in handbook.yaml.
    pub unknown_keys: Vec<String>,
}

impl Page {
    pub fn kind(&self) -> Kind {
        self.meta.kind()
    }

    pub fn is_list(&self) -> bool {
        matches!(self.role, Role::Home | Role::List(_))
    }

    pub fn process(&self) -> Option<&Process> {
        match &self.meta {
            Meta::Process(p) => Some(p),
            _ => None,
        }
    }
}
