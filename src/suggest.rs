//! "Did you mean ...?": the nearest candidate by edit distance, case-insensitively.
//!
//! [`closest`] compares against every candidate, for short lists (the anchors of one page, the
//! stages of one process, front-matter keys). [`Index`] is for the lists that grow with the
//! handbook (every path, URL or id): it keeps each candidate's trigrams, so a lookup looks only
//! at candidates of a fitting length that share the rarest trigrams of the wanted string, and
//! measures the edit distance of a few dozen of them. A lookup costs the same in a handbook of 100 pages or
//! 100,000, so every broken link can have its suggestion.

use std::sync::Mutex;

use rustc_hash::FxHashMap as HashMap;

/// The candidate nearest to `wanted`, if it is near enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_near(wanted, candidates).map(|near| near.item)
}

/// The candidate nearest to `wanted` as [`closest`] finds it, with its distance and whether
/// it is the only candidate (of those that differ) within the limit.
pub fn closest_near<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<Near<'a>> {
    let wanted: Vec<char> = wanted.to_lowercase().chars().collect();
    let limit = typo_limit(wanted.len());
    let mut within: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower: Vec<char> = c.to_lowercase().chars().collect();
            distance(&wanted, &lower, limit).map(|d| (d, c))
        })
        .collect();
    within.sort_unstable();
    within.dedup();
    let &(distance, item) = within.first()?;
    Some(Near {
        item,
        distance,
        unique: within.len() == 1,
    })
}

/// How many edits a name of `chars` characters may be off by and still be a likely typo.
pub fn typo_limit(chars: usize) -> usize {
    (chars / 3).max(2)
}

/// The Levenshtein distance of `a` and `b`, if it is at most `limit`. The common prefix and
/// suffix are taken off first (they do not change the distance), so comparing two long paths
/// that differ in one name costs as much as comparing the names.
pub fn distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut best = row[0];
        for (j, y) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
            best = best.min(row[j + 1]);
        }
        // Every later cell derives from this row, and none is smaller than its minimum.
        if best > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= limit)
}

/// Candidates for suggestions, indexed by trigram.
#[derive(Debug, Default)]
pub struct Index<'a> {
    items: Vec<&'a str>,
    /// Each item in lower case, as characters.
    lower: Vec<Box<[char]>>,
    /// Trigram -> the items holding it, shortest first: an item more edits longer or shorter
    /// than the limit cannot be near, so a lookup reads only the run of fitting lengths.
    postings: HashMap<u64, Vec<u32>>,
    /// Per item, the trigrams it shares with the wanted string: all zero between lookups, so
    /// a lookup touches only the items it counts.
    shared: Mutex<Vec<u32>>,
}

impl<'a> Index<'a> {
    /// Postings read per lookup, at most: the rarest trigrams first, so a lookup never walks
    /// the lists of trigrams every item shares (`pla`, `.md`).
    const POSTINGS: usize = 1024;
    /// Items whose distance is measured per lookup: those sharing the most trigrams.
    const MEASURED: usize = 32;

    pub fn new(items: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Index::default();
        for item in items {
            let Ok(at) = u32::try_from(index.items.len()) else {
                break;
            };
            let lower: Box<[char]> = item.to_lowercase().chars().collect();
            let mut grams = trigrams(&lower);
            grams.sort_unstable();
            grams.dedup();
            for gram in grams {
                index.postings.entry(gram).or_default().push(at);
            }
            index.items.push(item);
            index.lower.push(lower);
        }
        let lower = &index.lower;
        for list in index.postings.values_mut() {
            list.sort_by_key(|&item| (lower[item as usize].len(), item));
        }
        index.shared = Mutex::new(vec![0; index.items.len()]);
        index
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item nearest to `wanted` within `limit` edits (ties: the smallest item), among the
    /// items that share the most trigrams with it.
    pub fn nearest(&self, wanted: &str, limit: usize) -> Option<&'a str> {
        self.near(wanted, limit).map(|near| near.item)
    }

    /// The nearest item, as [`Index::nearest`], with its distance and whether it is the only
    /// item within `limit` edits: what decides whether a suggestion may be applied unasked.
    pub fn near(&self, wanted: &str, limit: usize) -> Option<Near<'a>> {
        let wanted: Vec<char> = wanted.to_lowercase().chars().collect();
        let mut grams = trigrams(&wanted);
        grams.sort_unstable();
        grams.dedup();
        let length = |item: &u32| self.lower[*item as usize].len();
        let (shortest, longest) = (wanted.len().saturating_sub(limit), wanted.len() + limit);
        let mut lists: Vec<&[u32]> = grams
            .iter()
            .filter_map(|g| self.postings.get(g))
            .map(|list| {
                let start = list.partition_point(|item| length(item) < shortest);
                let end = list.partition_point(|item| length(item) <= longest);
                &list[start..end]
            })
            .filter(|list| !list.is_empty())
            .collect();
        lists.sort_by_key(|list| list.len());
        let mut shared = self
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut touched: Vec<u32> = Vec::new();
        let mut budget = Self::POSTINGS;
        for list in lists {
            let list = &list[..list.len().min(budget)];
            for &item in list {
                let count = &mut shared[item as usize];
                if *count == 0 {
                    touched.push(item);
                }
                *count += 1;
            }
            budget -= list.len();
            if budget == 0 {
                break;
            }
        }
        let length_gap = |item: u32| self.lower[item as usize].len().abs_diff(wanted.len());
        let mut ranked: Vec<(u32, u32)> = touched
            .into_iter()
            .map(|item| (item, std::mem::take(&mut shared[item as usize])))
            .collect();
        drop(shared);
        let rank = |&(item, count): &(u32, u32)| (std::cmp::Reverse(count), length_gap(item), item);
        if ranked.len() > Self::MEASURED {
            ranked.select_nth_unstable_by_key(Self::MEASURED, rank);
            ranked.truncate(Self::MEASURED);
        }
        let mut within: Vec<(usize, &'a str)> = ranked
            .into_iter()
            .filter_map(|(item, _)| {
                let d = distance(&wanted, &self.lower[item as usize], limit)?;
                Some((d, self.items[item as usize]))
            })
            .collect();
        within.sort_unstable();
        let &(distance, item) = within.first()?;
        Some(Near {
            item,
            distance,
            unique: within.len() == 1,
        })
    }
}

/// The item an [`Index`] found nearest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Near<'a> {
    pub item: &'a str,
    /// Edits between it and the wanted string, case aside.
    pub distance: usize,
    /// No other item measured is within the limit.
    pub unique: bool,
}

/// Whether a near match is close enough to be applied without asking (`handbook fix`), not
/// only suggested: a name of at least 4 characters, off by one edit, or by a sixth of its
/// length when that is more: `departure` for `departures`, `customer-onboarding` for
/// `1-customer-onboarding`; never `values` for `sales` (a link to another part of a larger
/// site), nor `_` for `no`. Uniqueness is the caller's to judge.
pub fn safe_to_apply(wanted_chars: usize, distance: usize) -> bool {
    wanted_chars >= 4 && distance <= (wanted_chars / 6).max(1)
}

/// The trigrams of `chars`, with the start and end marked (so `ab` has `^ab` and `ab$`, and
/// short names have trigrams too), each packed into a number.
fn trigrams(chars: &[char]) -> Vec<u64> {
    const EDGE: char = '\u{0}';
    let padded: Vec<char> = std::iter::once(EDGE)
        .chain(chars.iter().copied())
        .chain(std::iter::once(EDGE))
        .collect();
    padded
        .windows(3)
        .map(|w| (u64::from(w[0]) << 42) | (u64::from(w[1]) << 21) | u64::from(w[2]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_close_match_is_safe_to_apply() {
        assert!(safe_to_apply("departure".len(), 1));
        assert!(safe_to_apply("customer-onboarding".len(), 2));
        assert!(!safe_to_apply("values".len(), 2));
        assert!(!safe_to_apply("_".len(), 1));
        assert!(safe_to_apply("option-2---maual-upgrade".len(), 2));
    }
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn finds_typos_not_strangers() {
        let ids = ["discovery", "demo", "proposal"];
        assert_eq!(closest("discovry", ids), Some("discovery"));
        assert_eq!(closest("DEMO", ids), Some("demo"));
        assert_eq!(closest("negotiation", ids), None);
    }

    #[test]
    fn distance_is_levenshtein_within_the_limit() {
        let d = |a: &str, b: &str, limit| distance(&chars(a), &chars(b), limit);
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(
            d("a/b/sales-opertions/x.md", "a/b/sales-operations/x.md", 2),
            Some(1)
        );
        assert_eq!(d("", "abc", 3), Some(3));
        assert_eq!(d("same", "same", 0), Some(0));
        assert_eq!(d("abcdef", "ab", 3), None);
    }

    proptest! {
        /// The bounded distance agrees with strsim's full Levenshtein wherever it answers.
        #[test]
        fn distance_agrees_with_strsim(a in "[abc/.-]{0,12}", b in "[abc/.-]{0,12}", limit in 0usize..8) {
            let full = strsim::levenshtein(&a, &b);
            let bounded = distance(&chars(&a), &chars(&b), limit);
            prop_assert_eq!(bounded, (full <= limit).then_some(full));
        }

        /// With fewer candidates than it measures, the index finds exactly what comparing
        /// with every candidate finds.
        #[test]
        fn a_small_index_is_exact(
            items in proptest::collection::btree_set("[a-e/]{1,10}", 0..30),
            wanted in "[a-e/]{1,10}",
        ) {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            let index = Index::new(items.iter().copied());
            let limit = typo_limit(wanted.chars().count());
            // Items sharing no trigram are never candidates: compare with those that share one.
            let grams: Vec<u64> = trigrams(&chars(&wanted));
            let sharing: Vec<&str> = items
                .iter()
                .copied()
                .filter(|i| trigrams(&chars(i)).iter().any(|g| grams.contains(g)))
                .collect();
            let full = sharing
                .iter()
                .filter_map(|i| distance(&chars(&wanted), &chars(i), limit).map(|d| (d, *i)))
                .min()
                .map(|(_, i)| i);
            prop_assert_eq!(index.nearest(&wanted, limit), full);
        }
    }

    /// Paths like a big handbook's: `playbooks/pb-000123.md` and friends.
    fn paths(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| match i % 3 {
                0 => format!("playbooks/pb-{i:06}.md"),
                1 => format!("processes/p-{i:05}/index.md"),
                _ => format!("departments/d-{i:04}/team-{i}.md"),
            })
            .collect()
    }

    /// The nearest item by comparing with every one: what the index must agree with.
    fn scan<'a>(all: &'a [String], wanted: &str, limit: usize) -> Option<&'a str> {
        let wanted = chars(&wanted.to_lowercase());
        all.iter()
            .filter_map(|i| distance(&wanted, &chars(i), limit).map(|d| (d, i.as_str())))
            .min()
            .map(|(_, i)| i)
    }

    #[test]
    fn a_large_index_agrees_with_a_full_scan() {
        let all = paths(10_000);
        let index = Index::new(all.iter().map(String::as_str));
        assert_eq!(index.len(), 10_000);
        for item in all.iter().step_by(97) {
            let name_at = item.rfind('/').unwrap() + 1;
            let typos = [
                // A letter of the name deleted, doubled, or two swapped; the name in capitals.
                format!("{}{}", &item[..name_at + 4], &item[name_at + 5..]),
                format!("{}{}", &item[..name_at + 5], &item[name_at + 4..]),
                format!(
                    "{}{}{}",
                    &item[..name_at + 3],
                    &item[name_at + 4..name_at + 5],
                    &item[name_at + 3..name_at + 4]
                ) + &item[name_at + 5..],
                item.to_uppercase(),
            ];
            for wanted in typos {
                let limit = typo_limit(wanted[name_at..].chars().count());
                let expected = scan(&all, &wanted, limit);
                // At most two edits from the item it came from, so never without a match.
                assert!(expected.is_some(), "{wanted}");
                assert_eq!(index.nearest(&wanted, limit), expected, "{wanted}");
            }
        }
        assert_eq!(index.nearest("playbooks/renewal-faq.md", 3), None);
        assert_eq!(
            index.nearest("processes/p-00001/index.md", 0),
            Some("processes/p-00001/index.md")
        );
    }

    /// `processes/` shares only trigrams that thousands of longer items share too: a lookup
    /// reads only items of a fitting length, so it is still found.
    #[test]
    fn a_short_item_among_many_longer_ones_is_found() {
        let mut all: Vec<String> = (0..5_000).map(|i| format!("processes/p-{i:05}/")).collect();
        all.push("processes/".to_string());
        let index = Index::new(all.iter().map(String::as_str));
        assert_eq!(index.nearest("processe/", 2), Some("processes/"));
        assert_eq!(index.nearest("procesess/", 2), Some("processes/"));
    }

    #[test]
    fn every_item_is_its_own_nearest() {
        let all = paths(3_000);
        let index = Index::new(all.iter().map(String::as_str));
        for item in &all {
            assert_eq!(index.nearest(item, 2), Some(item.as_str()));
        }
    }
}
