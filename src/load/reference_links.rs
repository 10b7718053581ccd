//! Reference links whose label has no definition, and definitions no link uses: the two ways
//! a reference-style link goes wrong without any destination being broken.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{BrokenLinkCallback, LinkType, OffsetIter};

use super::markdown::{destination_after, is_external};
use crate::model::{LinkForm, ReferenceForm};

/// Definitions no link uses are not published, but one whose destination does not resolve is
/// still a mistake (a link meant to use it is misspelt, or it was left behind): checked as a
/// link at the definition, in source order.
pub fn unused_definitions<'a, F: BrokenLinkCallback<'a>>(
    used: &HashMap<usize, usize>,
    iter: &OffsetIter<'a, F>,
    body: &str,
) -> Vec<(String, LinkForm, usize)> {
    let mut unused: Vec<(usize, String)> = iter
        .reference_definitions()
        .iter()
        .filter(|(_, def)| !used.contains_key(&def.span.start) && !is_external(&def.dest))
        .map(|(_, def)| (def.span.start, def.dest.to_string()))
        .collect();
    unused.sort_unstable();
    unused
        .into_iter()
        .map(|(start, dest)| {
            let offset = destination_after(body, start, b':').unwrap_or(start);
            (dest, LinkForm::UnusedDefinition, offset)
        })
        .collect()
}

/// Reference links the parser found no definition for, once each, at their label.
///
/// `[label]` alone is also how prose puts words in brackets (`[Teammate name]`, `[30 min]`) and
/// how GitHub writes an alert (`> [!NOTE]`), so it counts only on a page that defines
/// references at all, where a missing definition is a likely mistake, and never as `[!WORD]`.
pub fn undefined(
    mut broken: Vec<(Range<usize>, LinkType, String)>,
    body: &str,
    labels: &[String],
    links: &[Range<usize>],
) -> Vec<(String, ReferenceForm, usize, Option<String>)> {
    let mut undefined = Vec::new();
    // Suggestions compare against every label: bounded, so a page of thousands of brackets
    // stays linear.
    const COMPARISONS: usize = 100_000;
    broken.sort_by_key(|(span, _, _)| (span.start, span.end));
    broken.dedup_by_key(|(span, _, _)| span.start);
    let suggest = broken.len().saturating_mul(labels.len()) <= COMPARISONS;
    for (span, link_type, label) in broken {
        let form = match link_type {
            LinkType::Reference | LinkType::ReferenceUnknown => ReferenceForm::Full,
            LinkType::Collapsed | LinkType::CollapsedUnknown => ReferenceForm::Collapsed,
            LinkType::Shortcut | LinkType::ShortcutUnknown => ReferenceForm::Shortcut,
            _ => continue,
        };
        if form == ReferenceForm::Shortcut && (labels.is_empty() || label.starts_with('!')) {
            continue;
        }
        if inside_a_link(links, &span) {
            continue;
        }
        // `[text][label]`: the label is in the last brackets; otherwise in the first.
        let source = body.get(span.clone()).unwrap_or_default();
        let at = match form {
            ReferenceForm::Full => source.rfind('[').map_or(0, |at| at + 1),
            _ => 1,
        };
        let nearest = suggest
            .then(|| crate::suggest::closest(&label, labels.iter().map(String::as_str)))
            .flatten()
            .map(str::to_string);
        undefined.push((label, form, span.start + at, nearest));
    }
    undefined
}

/// Whether `span` is part of a link's text (`[a [b] c](x.md)`): the parser tried `[b]` as a
/// reference first. `links` are in document order; an image inside a link is the only nesting.
fn inside_a_link(links: &[Range<usize>], span: &Range<usize>) -> bool {
    let before = links.partition_point(|link| link.start <= span.start);
    links[..before]
        .iter()
        .rev()
        .take(2)
        .any(|link| link.end >= span.end)
}
