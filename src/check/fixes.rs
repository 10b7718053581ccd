//! Fixes: the edit that mends a problem, set beside its help line when the help names exactly
//! one target and the edit resolves (README, "`handbook fix`"). A help line may guess; a fix
//! may not: it is set only for the same target in another case or slug style, for the only
//! candidate near enough ([`safe_to_apply`]), and after the new destination or id has been
//! resolved again against the site.

use crate::diagnostic::{Fix, Syntax};
use crate::load::slug::slug;
use crate::model::{Kind, Link, LinkForm, Located, PageIdx};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use crate::suggest::{closest_near, safe_to_apply};

/// The name `wanted` meant among `names` (anchors of a page, stages of a process), and
/// whether it is safe to apply: the one name equal to it in another case or as GitHub slugs
/// it (`#Step-6:-Return` is `#step-6-return`), else the nearest, safe only when it is the
/// only one near and near enough.
pub(super) fn name<'a>(wanted: &str, names: &[&'a str]) -> Option<(&'a str, bool)> {
    let lower = wanted.to_lowercase();
    let slugged = slug(wanted.trim_start_matches('#'));
    let mut same: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.to_lowercase() == lower || *n == slugged)
        .collect();
    same.sort_unstable();
    same.dedup();
    if let [one] = same[..] {
        return Some((one, true));
    }
    let near = closest_near(wanted, names.iter().copied())?;
    let safe =
        same.is_empty() && near.unique && safe_to_apply(wanted.chars().count(), near.distance);
    Some((near.item, safe))
}

/// A fix that gives `link`, written in page `from`, the destination `dest`, if that resolves
/// to a page (not a draft, unless `from` is one) or a file. Autolinks are left alone: their
/// destination is also their text.
pub(super) fn link(site: &Site, from: PageIdx, link: &Link, dest: String) -> Option<Fix> {
    let syntax = match link.form {
        LinkForm::Autolink => return None,
        LinkForm::Html | LinkForm::HtmlImage => Syntax::Html,
        LinkForm::Resource => Syntax::Yaml,
        _ => Syntax::Markdown,
    };
    let resolves = match links::resolve(site, from, &dest) {
        Target::Page { page, .. } => {
            !site.pages[page].common.draft || site.pages[from].common.draft
        }
        Target::File { .. } => true,
        _ => false,
    };
    resolves.then(|| Fix {
        bytes: link.pos.bytes.clone(),
        was: link.dest.clone(),
        replacement: dest,
        syntax,
    })
}

/// `dest` with its fragment replaced by the anchor `id`, written as the fragment was.
pub(super) fn with_fragment(dest: &str, id: &str) -> Option<String> {
    let hash = dest.find('#')?;
    let written = &dest[hash + 1..];
    Some(format!(
        "{}{}",
        &dest[..=hash],
        crate::url::fragment_like(id, written)
    ))
}

/// `dest` with its path (what comes before `?` or `#`) replaced by `path`, its query and
/// fragment kept as written.
pub(super) fn with_path(dest: &str, path: &str) -> String {
    let rest = dest.find(['?', '#']).map_or("", |at| &dest[at..]);
    format!("{path}{rest}")
}

/// A fix that writes `id` for the front-matter reference `value`, when a page of `kind` has
/// it (and is not a draft, unless `from` is one).
pub(super) fn reference(
    site: &Site,
    from: PageIdx,
    value: &Located<String>,
    kind: Kind,
    id: &str,
) -> Option<Fix> {
    let to = site.page_of_kind(id, kind)?;
    let draft = site.pages[to].common.draft && !site.pages[from].common.draft;
    (!draft).then(|| yaml(value, id))
}

/// A fix that writes `replacement` for a front-matter value.
pub(super) fn yaml(value: &Located<String>, replacement: &str) -> Fix {
    Fix {
        bytes: value.pos.bytes.clone(),
        was: value.value.clone(),
        replacement: replacement.to_string(),
        syntax: Syntax::Yaml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_another_case_or_slug_style_are_safe() {
        let anchors = [
            "additional-resources",
            "relocation--compensation",
            "M5",
            "no",
        ];
        for (wanted, meant) in [
            ("Additional-resources", "additional-resources"),
            ("Relocation-&-compensation", "relocation--compensation"),
            ("m5", "M5"),
            ("#additional-resources", "additional-resources"),
        ] {
            assert_eq!(name(wanted, &anchors), Some((meant, true)), "{wanted}");
        }
        // A guess is a help line only.
        assert_eq!(name("_", &anchors).map(|(_, safe)| safe), Some(false));
    }

    #[test]
    fn a_near_name_is_safe_only_when_it_is_the_only_one() {
        let anchors = ["how-to-add-an-issue-to-an-epic", "customer-onboarding-1"];
        assert_eq!(
            name("how-to-add-issue-to-an-epic", &anchors),
            Some(("how-to-add-an-issue-to-an-epic", true))
        );
        let two = ["step-5-prepare", "step-6-prepare"];
        assert_eq!(
            name("step-7-prepare", &two),
            Some(("step-5-prepare", false))
        );
        let far = ["how-to-schedule-a-debrief"];
        assert_eq!(
            name("how-to-schedule-an-interview", &far),
            Some(("how-to-schedule-a-debrief", false))
        );
    }

    #[test]
    fn fragments_and_paths_are_replaced_as_written() {
        assert_eq!(
            with_fragment("a.md?x=1#Foo", "foo").as_deref(),
            Some("a.md?x=1#foo")
        );
        assert_eq!(with_fragment("a.md", "foo"), None);
        assert_eq!(
            with_path("gude.md?x=%20#Top", "guide.md"),
            "guide.md?x=%20#Top"
        );
        assert_eq!(with_path("gude", "guide.md"), "guide.md");
    }
}
