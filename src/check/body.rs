//! Rules about one page body on its own: every anchor it publishes is unique, and every
//! reference link names a definition.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{AnchorKind, Page, Pos, ReferenceForm};

/// Where an id of the page comes from, in words, and what to change there.
struct Place<'a> {
    id: &'a str,
    pos: &'a Pos,
    what: String,
    help: &'static str,
}

/// Two anchors with one id: a browser goes to the first, so a link to the other lands wrong.
/// Reported at the later one, naming the line of the earlier. Generated heading ids never
/// clash with each other (GitHub's `-1`, `-2`), but any other pair can.
pub fn duplicate_anchors(page: &Page, out: &mut Vec<Diagnostic>) {
    let stages = page
        .process()
        .map(|p| p.stages.as_slice())
        .unwrap_or_default();
    let places = stages
        .iter()
        .map(|stage| Place {
            id: &stage.id,
            pos: &stage.id_pos,
            what: format!("the stage `{}`", stage.name),
            help: "give one of the stages its own `id:`",
        })
        .chain(page.anchors.iter().map(|anchor| {
            let (what, help) = match anchor.kind {
                AnchorKind::Heading { explicit: false } => (
                    "the heading".to_string(),
                    "give this heading its own id: write `{#another-id}` after its text",
                ),
                AnchorKind::Heading { explicit: true } => (
                    "the heading".to_string(),
                    "change one of the ids, so each is used once on the page",
                ),
                AnchorKind::Html => (
                    "the HTML `id`".to_string(),
                    "change this `id`, so each is used once on the page",
                ),
                AnchorKind::Footnote => (
                    format!("the footnote `[^{}]`", anchor.id),
                    "rename this footnote: its label is its id on the page",
                ),
            };
            Place {
                id: &anchor.id,
                pos: &anchor.pos,
                what,
                help,
            }
        }));
    let mut first: HashMap<&str, Place> = HashMap::default();
    for place in places {
        let Some(earlier) = first.get(place.id) else {
            first.insert(place.id, place);
            continue;
        };
        out.push(
            Diagnostic::error(
                Code::DuplicateAnchor,
                &page.file,
                place.pos.clone(),
                format!(
                    "anchor `#{}` of {} is already the id of {} on line {}",
                    place.id, place.what, earlier.what, earlier.pos.line
                ),
            )
            .with_help(place.help),
        );
    }
}

/// A reference link whose label has no definition is published as the literal brackets.
/// `[text][label]` and `[label][]` can only be meant as links, so they are errors; `[label]`
/// is also how prose puts words in brackets, so it is a warning.
pub fn undefined_references(page: &Page, out: &mut Vec<Diagnostic>) {
    for reference in &page.undefined_references {
        let label = &reference.label;
        let (written, severity) = match reference.form {
            ReferenceForm::Full => (format!("[…][{label}]"), Severity::Error),
            ReferenceForm::Collapsed => (format!("[{label}][]"), Severity::Error),
            ReferenceForm::Shortcut => (format!("[{label}]"), Severity::Warning),
        };
        let mut d = Diagnostic::new(
            severity,
            Code::UndefinedReference,
            &page.file,
            reference.pos.clone(),
            format!("`{written}` is a reference link, but no `[{label}]: …` defines its label"),
        );
        d = match (&reference.nearest, reference.form) {
            (Some(nearest), _) => d.with_help(format!("did you mean `[{nearest}]`?")),
            (None, ReferenceForm::Shortcut) => d.with_help(format!(
                "define it with a line `[{label}]: destination`, or, if the brackets are text, write `\\[{label}\\]`"
            )),
            (None, _) => d.with_help(format!(
                "define it with a line `[{label}]: destination`, or correct the label"
            )),
        };
        out.push(d);
    }
}
