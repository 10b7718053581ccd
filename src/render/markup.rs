//! The default theme's markup for its longest loops, written here once a page is rendered
//! rather than by Tera's interpreter: a value printed by a template costs a few hundred
//! instructions (its name looked up in the loops, the variables set and the context, then each
//! field in its map), and a process page's stage cards print about fifty per stage.
//!
//! Each function writes exactly what the loop it replaces wrote; components.html keeps those
//! loops as components (`stage_map_items`, `stage_cards`, `stage_toc_items`, `playbook_cards`,
//! `playbook_facts`, `backlink_items`, `toc_entries`, `breadcrumb_items`, `pager_links`), and
//! tests build the same bytes with them (`tests/build.rs`). Values are escaped by the escaper
//! Tera's `fast_escape` uses (pulldown-cmark's), with the same output.

use super::context::{
    PageLink, Pager, PagerLink, PlaybookContext, PlaybookSummary, StageContext, TocEntry,
};
use crate::model::Kind;

/// The script after a `<details>` that closes it on phones (components.html's `fold`).
const FOLD: &str =
    "<script>if(window.hbPhone)document.currentScript.previousElementSibling.open=false</script>";

/// HTML being written: markup as it is, values escaped as Tera escapes what it prints (its
/// `fast_escape` is pulldown-cmark's escaper, called here without Tera's `dyn Write` and
/// into a `String`, which then needs no check that it is UTF-8).
#[derive(Default)]
struct Html(String);

impl Html {
    fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    fn text(&mut self, value: &str) {
        // Into a `String`, which cannot fail.
        let _ = pulldown_cmark_escape::escape_html(&mut self.0, value);
    }

    fn number(&mut self, mut n: usize) {
        // Its digits, last first, without the formatting machinery (a stage card has four).
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.0.extend(digits[at..].iter().map(|&d| char::from(d)));
    }

    /// Room for `bytes` at once, where growing as written copies it each time.
    fn with_capacity(bytes: usize) -> Html {
        Html(String::with_capacity(bytes))
    }

    fn finish(self) -> String {
        self.0
    }
}

/// A template's truth of an optional text: present and not empty.
fn text<'s>(value: &Option<&'s str>) -> Option<&'s str> {
    value.filter(|s| !s.is_empty())
}

/// The stage map's entries (process.html's `header_extra`): one `<li>` per stage.
pub fn stage_map_items(stages: &[StageContext]) -> String {
    let mut out = Html::with_capacity(400 * stages.len());
    for stage in stages {
        out.raw("\n    <li><a href=\"");
        out.text(&stage.url);
        out.raw(
            "\">\n      <span class=\"step-head\"><span class=\"step-num\" aria-hidden=\"true\">",
        );
        out.number(stage.number);
        out.raw("</span><span class=\"step-name\"><span class=\"visually-hidden\">Stage ");
        out.number(stage.number);
        out.raw(": </span>");
        out.text(stage.name);
        out.raw("</span></span>");
        if let Some(sales_stage) = text(&stage.sales_stage) {
            out.raw("<span class=\"step-fact\"><span class=\"visually-hidden\">CRM stage: </span>");
            out.text(sales_stage);
            out.raw("</span>");
        }
        if let Some(forecast) = text(&stage.forecast_category) {
            out.raw("<span class=\"step-fact\"><span class=\"forecast forecast-");
            // `| lower | replace(from=" ", to="-")`
            out.text(&forecast.to_lowercase().replace(' ', "-"));
            out.raw("\"><span class=\"visually-hidden\">Forecast: </span>");
            out.text(forecast);
            out.raw("</span></span>");
        }
        if let Some(duration) = text(&stage.duration) {
            out.raw("<span class=\"step-fact step-duration\"><span class=\"visually-hidden\">Duration: </span>");
            out.text(duration);
            out.raw("</span>");
        }
        out.raw("\n    </a></li>");
    }
    out.finish()
}

/// Page links as `<li><a href="URL">TITLE</a></li>`, with `attributes` before the `href`.
fn link_items(out: &mut Html, links: &[PageLink], attributes: &str) {
    for link in links {
        out.raw("<li><a ");
        out.raw(attributes);
        out.raw("href=\"");
        out.text(&link.url);
        out.raw("\">");
        out.text(&link.title);
        out.raw("</a></li>");
    }
}

/// The stage cards (process.html's `after_content`): one `<li class="stage">` per stage.
pub fn stage_cards(stages: &[StageContext]) -> String {
    let mut out = Html::with_capacity(2048 * stages.len());
    for stage in stages {
        out.raw("\n    <li id=\"");
        out.text(stage.id);
        out.raw("\" class=\"stage\">\n      <header class=\"stage-header\">\n        <span class=\"stage-num\" aria-hidden=\"true\">");
        out.number(stage.number);
        out.raw("</span>\n        <h3 class=\"stage-name\"><span class=\"visually-hidden\">Stage ");
        out.number(stage.number);
        out.raw(": </span>");
        out.text(stage.name);
        out.raw(" <a class=\"anchor\" href=\"");
        out.text(&stage.url);
        out.raw("\" aria-label=\"Link to stage ");
        out.text(stage.name);
        out.raw("\">#</a></h3>");
        let tags = [
            ("CRM stage", text(&stage.sales_stage)),
            ("Forecast", text(&stage.forecast_category)),
            ("Duration", text(&stage.duration)),
        ];
        if tags.iter().any(|(_, value)| value.is_some()) {
            out.raw("\n        <ul class=\"stage-tags\" role=\"list\">");
            for (label, value) in tags {
                if let Some(value) = value {
                    out.raw("<li><span class=\"meta-label\">");
                    out.raw(label);
                    out.raw("</span> ");
                    out.text(value);
                    out.raw("</li>");
                }
            }
            out.raw("\n        </ul>");
        }
        out.raw("\n      </header>");
        if let Some(goal) = text(&stage.goal) {
            out.raw("\n      <p class=\"stage-goal\"><strong>Meeting goal:</strong> ");
            out.text(goal);
            out.raw("</p>");
        }
        if !stage.playbooks.is_empty() || !stage.collaborators.is_empty() {
            out.raw("\n      <dl class=\"stage-links\">");
            if !stage.playbooks.is_empty() {
                out.raw("\n        <div>\n          <dt>Playbook");
                if stage.playbooks.len() > 1 {
                    out.raw("s");
                }
                out.raw("</dt>\n          <dd><ul role=\"list\">");
                link_items(&mut out, &stage.playbooks, "");
                out.raw("</ul></dd>\n        </div>");
            }
            if !stage.collaborators.is_empty() {
                out.raw("\n        <div>\n          <dt>Who joins</dt>\n          <dd><ul class=\"chips\" role=\"list\">");
                link_items(&mut out, &stage.collaborators, "class=\"chip\" ");
                out.raw("</ul></dd>\n        </div>");
            }
            out.raw("\n      </dl>");
        }
        let (agenda, exit, resources) = (&stage.agenda, &stage.exit_criteria, &stage.resources);
        if !agenda.is_empty() || !exit.is_empty() || !resources.is_empty() {
            out.raw("\n      <details class=\"stage-details\" open data-phone-closed>\n        <summary>");
            out.raw(match (agenda.is_empty(), exit.is_empty()) {
                (false, false) => "Agenda, exit criteria",
                (false, true) => "Agenda",
                (true, false) => "Exit criteria",
                (true, true) => "Resources",
            });
            let listed = !agenda.is_empty() || !exit.is_empty();
            if !resources.is_empty() && listed {
                out.raw(" and resources");
            }
            out.raw("</summary>");
            if listed {
                out.raw("\n        <div class=\"stage-columns\">");
                for (items, heading, open, close) in [
                    (agenda, "Agenda", "<ol class=\"agenda\">", "</ol>"),
                    (
                        exit,
                        "Exit criteria",
                        "<ul class=\"checklist\" role=\"list\">",
                        "</ul>",
                    ),
                ] {
                    if items.is_empty() {
                        continue;
                    }
                    out.raw("\n          <div>\n            <h4>");
                    out.raw(heading);
                    out.raw("</h4>\n            ");
                    out.raw(open);
                    for item in items.iter() {
                        out.raw("\n              <li>");
                        out.text(item);
                        out.raw("</li>");
                    }
                    out.raw("\n            ");
                    out.raw(close);
                    out.raw("\n          </div>");
                }
                out.raw("\n        </div>");
            }
            if !resources.is_empty() {
                out.raw("\n        <div class=\"stage-resources\">\n          <h4>Resources</h4>\n          <ul role=\"list\">");
                for resource in resources {
                    out.raw("<li><a href=\"");
                    out.text(&resource.url);
                    out.raw("\">");
                    out.text(resource.title);
                    out.raw("</a></li>");
                }
                out.raw("</ul>\n        </div>");
            }
            out.raw("\n      </details>");
            out.raw(FOLD);
        }
        if let Some(next) = text(&stage.next_step) {
            out.raw("\n      <p class=\"next-step\"><strong>Next step:</strong> ");
            out.text(next);
            out.raw("</p>");
        }
        out.raw("\n    </li>");
    }
    out.finish()
}

/// A process's stages as entries of its table of contents (process.html's `toc`,
/// components.html's `stage_toc_items`): an `<li class="toc-level-3">` per stage.
pub fn stage_toc_items(stages: &[StageContext]) -> String {
    let mut out = Html::with_capacity(128 * stages.len());
    for stage in stages {
        out.raw("\n<li class=\"toc-level-3\"><a href=\"");
        out.text(&stage.url);
        out.raw("\">");
        out.number(stage.number);
        out.raw(". ");
        out.text(stage.name);
        out.raw("</a></li>");
    }
    out.finish()
}

/// The playbooks of a process as cards (process.html's `after_content`, components.html's
/// `playbook_cards`): an `<li class="card">` per playbook, its stage named when it has one.
pub fn playbook_cards(playbooks: &[PlaybookSummary]) -> String {
    let mut out = Html::with_capacity(256 * playbooks.len());
    for playbook in playbooks {
        out.raw("\n    <li class=\"card\">");
        if let Some(stage) = text(&playbook.stage) {
            out.raw("\n      <span class=\"muted\">");
            // `{% if playbook.stage_number %}`: a number is true unless it is 0.
            if let Some(number) = playbook.stage_number.filter(|&n| n != 0) {
                out.raw("Stage ");
                out.number(number);
                out.raw(": ");
            }
            out.text(stage);
            out.raw("</span>");
        }
        out.raw("\n      <a class=\"card-title\" href=\"");
        out.text(&playbook.url);
        out.raw("\">");
        out.text(playbook.title);
        out.raw("</a>\n    </li>");
    }
    out.finish()
}

/// A playbook's facts (playbook.html's `header_extra`, components.html's `playbook_facts`):
/// a `<div>` per fact it has (its process, stage, next stage, audience, meeting goal); empty
/// when it has none.
pub fn playbook_facts(playbook: &PlaybookContext) -> String {
    let mut out = Html::with_capacity(1024);
    if let Some(process) = &playbook.process {
        out.raw("\n  <div>\n    <dt>Process</dt>\n    <dd><a href=\"");
        out.text(&process.url);
        out.raw("\">");
        out.text(&process.title);
        out.raw("</a></dd>\n  </div>");
    }
    if let Some(stage) = &playbook.stage {
        out.raw("\n  <div>\n    <dt>Stage</dt>\n    <dd><a href=\"");
        out.text(&stage.url);
        out.raw("\">");
        out.text(stage.name);
        out.raw("</a> <span class=\"muted\">(stage ");
        out.number(stage.number);
        out.raw(" of ");
        out.number(stage.of);
        out.raw(")</span></dd>\n  </div>");
    }
    if let Some(next) = &playbook.next {
        out.raw("\n  <div>\n    <dt>Next stage</dt>\n    <dd><a href=\"");
        out.text(&next.url);
        out.raw("\">");
        out.text(next.name);
        out.raw("</a></dd>\n  </div>");
    }
    for (label, value) in [
        ("Audience", text(&playbook.audience)),
        (
            "Meeting goal",
            playbook.stage.as_ref().and_then(|s| text(&s.goal)),
        ),
    ] {
        if let Some(value) = value {
            out.raw("\n  <div class=\"fact-wide\">\n    <dt>");
            out.raw(label);
            out.raw("</dt>\n    <dd>");
            out.text(value);
            out.raw("</dd>\n  </div>");
        }
    }
    out.finish()
}

/// Entries of the table of contents (components.html's `toc_entries`): an `<li>` and a line
/// break per heading.
pub fn toc_entries(toc: &[TocEntry]) -> String {
    let mut out = Html::with_capacity(160 * toc.len());
    for heading in toc {
        out.raw("<li class=\"toc-level-");
        out.number(usize::from(heading.level));
        out.raw("\"><a href=\"");
        out.text(&heading.url);
        out.raw("\">");
        out.text(heading.text);
        out.raw("</a></li>\n");
    }
    out.finish()
}

/// The breadcrumbs' links (base.html's `breadcrumbs`, components.html's `breadcrumb_items`):
/// an `<li>` per crumb, the site's home (at `home_url`) named "Home".
pub fn breadcrumb_items(crumbs: &[PageLink], home_url: &str) -> String {
    let mut out = Html::with_capacity(96 * crumbs.len());
    for crumb in crumbs {
        out.raw("\n    <li><a href=\"");
        out.text(&crumb.url);
        out.raw("\">");
        if crumb.url == home_url {
            out.raw("Home");
        } else {
            out.text(&crumb.title);
        }
        out.raw("</a></li>");
    }
    out.finish()
}

/// The pager's links (base.html's `pager`, components.html's `pager_links`): the previous
/// page's, then the next page's; empty when the page has neither.
pub fn pager_links(pager: &Pager) -> String {
    let mut out = Html::with_capacity(512);
    let label = |out: &mut Html, link: &PagerLink| {
        // `{% if link.stage_number %}`: a number is true unless it is 0.
        if let Some(number) = link.stage_number.filter(|&n| n != 0) {
            out.raw(": stage ");
            out.number(number);
            out.raw(", ");
            out.text(link.stage.as_deref().unwrap_or_default());
        }
    };
    if let Some(previous) = &pager.previous {
        out.raw("\n      <a class=\"pager-link pager-prev\" rel=\"prev\" href=\"");
        out.text(&previous.link.url);
        out.raw(
            "\">\n        <span class=\"pager-label\"><span aria-hidden=\"true\">← </span>Previous",
        );
        label(&mut out, previous);
        out.raw("</span>\n        <span class=\"pager-title\">");
        out.text(&previous.link.title);
        out.raw("</span>\n      </a>");
    }
    if let Some(next) = &pager.next {
        out.raw("\n      <a class=\"pager-link pager-next\" rel=\"next\" href=\"");
        out.text(&next.link.url);
        out.raw("\">\n        <span class=\"pager-label\">Next");
        label(&mut out, next);
        out.raw(
            "<span aria-hidden=\"true\"> →</span></span>\n        <span class=\"pager-title\">",
        );
        out.text(&next.link.title);
        out.raw("</span>\n      </a>");
    }
    out.finish()
}

/// "Referenced by" (base.html's footer): one `<li>` per link, each made once per site
/// ([`PageLink::backlink_item`]).
pub fn backlink_items(links: &[PageLink]) -> String {
    let mut out = String::with_capacity(links.iter().map(|l| l.backlink_item().len()).sum());
    for link in links {
        out.push_str(link.backlink_item());
    }
    out
}

/// A link's entry in "Referenced by": its kind named unless it is a plain page.
pub(super) fn backlink_item(title: &str, url: &str, kind: Kind) -> String {
    let mut out = Html::with_capacity(96 + 2 * (title.len() + url.len()));
    out.raw("\n        <li><a href=\"");
    out.text(url);
    out.raw("\">");
    out.text(title);
    out.raw("</a>");
    if kind != Kind::Page {
        out.raw(" <span class=\"link-kind\">");
        out.raw(kind.as_str());
        out.raw("</span>");
    }
    out.raw("</li>");
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values are escaped as Tera escapes what it prints.
    #[test]
    fn text_is_escaped_as_tera_escapes_it() {
        for value in [
            "",
            "plain",
            "Tom & \"Jerry\" <b>'s</b> / = `x`",
            "&&&&<<<<>>>>''''\"\"\"\"",
            "long enough to take the vector path, & then some more <text> past sixteen bytes",
            "héllo wörld ✓ & 日本語 <tag>",
        ] {
            let mut out = Html::default();
            out.text(value);
            let mut tera = Vec::new();
            tera::escape_html(value, &mut tera).expect("into a Vec");
            assert_eq!(out.finish().as_bytes(), tera.as_slice(), "{value:?}");
        }
    }

    #[test]
    fn numbers_are_written_as_formatted() {
        for n in [0, 1, 9, 10, 11, 99, 100, 12_345, usize::MAX / 3, usize::MAX] {
            let mut out = Html::default();
            out.raw("<");
            out.number(n);
            out.raw(">");
            assert_eq!(out.finish(), format!("<{n}>"));
        }
    }
}
