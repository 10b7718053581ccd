//! Rules about one page body on its own: every anchor it publishes is unique, and every
//! reference link names a definition.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Anchor, AnchorKind, Page, Pos, ReferenceForm, Stage};

/// Where an id of the page comes from: a stage, or an anchor of the body.
#[derive(Clone, Copy)]
enum Place<'a> {
    Stage(&'a Stage),
    Anchor(&'a Anchor),
}

impl<'a> Place<'a> {
    fn id(self) -> &'a str {
        match self {
            Place::Stage(stage) => &stage.id,
            Place::Anchor(anchor) => &anchor.id,
        }
    }

    fn pos(self) -> &'a Pos {
        match self {
            Place::Stage(stage) => &stage.id_pos,
            Place::Anchor(anchor) => &anchor.pos,
        }
    }

    /// What the id is, in words, and what to change there: written only for a clash.
    fn what(self) -> (String, &'static str) {
        match self {
            Place::Stage(stage) => (
                format!("the stage `{}`", stage.name),
                "give one of the stages its own `id:`",
            ),
            Place::Anchor(anchor) => match anchor.kind {
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
            },
        }
    }
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
        .map(Place::Stage)
        .chain(page.anchors.iter().map(Place::Anchor));
    let mut first: HashMap<&str, Place> =
        HashMap::with_capacity_and_hasher(stages.len() + page.anchors.len(), Default::default());
    for place in places {
        let earlier = match first.entry(place.id()) {
            Entry::Occupied(earlier) => *earlier.get(),
            Entry::Vacant(vacant) => {
                vacant.insert(place);
                continue;
            }
        };
        let (what, help) = place.what();
        let (earlier_what, _) = earlier.what();
        out.push(
            Diagnostic::error(
                Code::DuplicateAnchor,
                &page.file,
                place.pos().clone(),
                format!(
                    "anchor `#{}` of {what} is already the id of {earlier_what} on line {}",
                    place.id(),
                    earlier.pos().line
                ),
            )
            .with_help(help),
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
