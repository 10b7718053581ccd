//! Link resolution over a small fuzzed site: pages at plausible paths with fuzzed bodies, assets
//! and static files, and fuzzed destinations resolved from every page.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/properties/invariants.rs"]
mod invariants;

/// Folder and file names that make links between the pages likely to resolve.
const NAMES: &[&str] = &[
    "index",
    "departments",
    "processes",
    "playbooks",
    "sales",
    "edge",
    "call",
    "a",
    "b",
];

/// A content-relative path of 1 to 3 segments, each a known name or fuzzed text (never `.`,
/// `..` or empty: `load::walk` gives real file paths).
fn path(u: &mut Unstructured, ext: &str) -> arbitrary::Result<String> {
    let depth = u.int_in_range(1..=3)?;
    let mut segments = Vec::new();
    for _ in 0..depth {
        let name = if u.ratio(3, 4)? {
            u.choose(NAMES)?.to_string()
        } else {
            let s: String = u.arbitrary()?;
            s.replace(['/', '\\'], "_")
        };
        if name.is_empty() || name == "." || name == ".." {
            segments.push("x".to_string());
        } else {
            segments.push(name);
        }
    }
    Ok(format!("{}{ext}", segments.join("/")))
}

#[derive(Debug)]
struct Input(invariants::SiteCase);

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut case = invariants::SiteCase {
            base_url: u
                .choose(&["/", "/hb/", "https://example.com/docs/"])?
                .to_string(),
            ..Default::default()
        };
        for _ in 0..u.int_in_range(1..=4)? {
            let source: String = u.arbitrary()?;
            case.pages.push((path(u, ".md")?, source));
        }
        for _ in 0..u.int_in_range(0..=2)? {
            let ext = *u.choose(&[".png", ".pdf", ""])?;
            case.assets.push(path(u, ext)?);
        }
        if u.arbitrary()? {
            case.static_files.push(path(u, ".css")?);
        }
        for _ in 0..u.int_in_range(0..=4)? {
            case.dests.push(u.arbitrary()?);
        }
        Ok(Input(case))
    }
}

fuzz_target!(|input: Input| invariants::resolve_links(&input.0));
