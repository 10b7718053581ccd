//! Heading ids exactly as GitHub gives them (github-slugger 2.0), so `#anchor` links written
//! against GitHub's preview resolve here too.

use rustc_hash::FxHashMap;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// The slug of one heading's text, before de-duplication.
pub fn slug(text: &str) -> String {
    // Most headings are all ASCII: their bytes are copied once, then kept or dropped and
    // lowercased in place (a `char` pushed at a time cost about 20 instructions a byte).
    if text.is_ascii() {
        let mut out = text.as_bytes().to_vec();
        out.retain_mut(|b| match ascii_slug(*b) {
            Some(kept) => {
                *b = kept;
                true
            }
            None => false,
        });
        // Only ASCII bytes are left: always UTF-8.
        return String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of ASCII is read byte by byte, with the same rule as `keep` and without the
        // Unicode tables.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.extend(rest[..ascii].bytes().filter_map(ascii_slug).map(char::from));
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if keep(c) {
            out.extend(c.to_lowercase());
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// What an ASCII byte of a heading becomes in its slug, by the rule of `keep`: letters
/// lowercased, digits, `_` and `-` kept, a space made `-`, the rest dropped.
fn ascii_slug(b: u8) -> Option<u8> {
    match b {
        b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' => Some(b),
        b'A'..=b'Z' => Some(b.to_ascii_lowercase()),
        b' ' => Some(b'-'),
        _ => None,
    }
}

/// github-slugger keeps letters, marks, decimal digits, connector punctuation, space and `-`.
fn keep(c: char) -> bool {
    if c == ' ' || c == '-' {
        return true;
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark => true,
        _ => matches!(
            c.general_category(),
            GeneralCategory::DecimalNumber | GeneralCategory::ConnectorPunctuation
        ),
    }
}

/// Gives each heading of one page a unique id, in document order: repeats get `-1`, `-2`, ...
#[derive(Debug)]
pub struct Slugger {
    occurrences: FxHashMap<String, usize>,
}

impl Default for Slugger {
    /// Room for a page's usual headings at once: grown from empty, the map was made again
    /// three times on most pages.
    fn default() -> Self {
        Slugger {
            occurrences: FxHashMap::with_capacity_and_hasher(16, Default::default()),
        }
    }
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        // One lookup for a slug not seen before (nearly every one).
        let original = match self.occurrences.entry(slug(text)) {
            std::collections::hash_map::Entry::Vacant(new) => {
                let id = new.key().clone();
                new.insert(0);
                return id;
            }
            std::collections::hash_map::Entry::Occupied(seen) => seen.key().clone(),
        };
        let mut result = original.clone();
        while self.occurrences.contains_key(&result) {
            let n = self.occurrences.entry(original.clone()).or_insert(0);
            *n += 1;
            result = format!("{original}-{n}");
        }
        self.occurrences.insert(result.clone(), 0);
        result
    }

    /// Records an id given explicitly (`{#id}`), so a later generated slug does not reuse it.
    pub fn reserve(&mut self, id: &str) {
        self.occurrences.entry(id.to_string()).or_insert(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII shortcut in `slug` keeps what `keep` keeps, lowercased.
    #[test]
    fn ascii_is_slugged_as_unicode_is() {
        for c in (0u8..128).map(char::from) {
            let by_rule: String = Some(c)
                .filter(|&c| keep(c))
                .map(|c| {
                    if c == ' ' {
                        '-'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .into_iter()
                .collect();
            assert_eq!(slug(&c.to_string()), by_rule, "{c:?}");
        }
        assert_eq!(slug("Ünïcode Straße"), "ünïcode-straße");
        // The same ASCII text slugged alone (the all-ASCII road) and beside a character
        // beyond it (the general road).
        let ascii: String = (0u8..128).map(char::from).collect();
        assert_eq!(format!("{}é", slug(&ascii)), slug(&format!("{ascii}é")));
    }

    #[derive(serde::Deserialize)]
    struct Case {
        heading: String,
        id: String,
    }

    /// The oracle was produced by github-slugger itself; all headings go to one page, in order.
    #[test]
    fn matches_github_slugger_oracle() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/heading-ids.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
        assert!(cases.len() > 50);
        let mut slugger = Slugger::default();
        for case in cases {
            assert_eq!(
                slugger.slug(&case.heading),
                case.id,
                "heading {:?}",
                case.heading
            );
        }
    }
}
