//! "Did you mean ...?": the nearest candidate by edit distance, case-insensitively.

/// The candidate nearest to `wanted`, if it is near enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_not_strangers() {
        let ids = ["discovery", "demo", "proposal"];
        assert_eq!(closest("discovry", ids), Some("discovery"));
        assert_eq!(closest("DEMO", ids), Some("demo"));
        assert_eq!(closest("negotiation", ids), None);
    }
}
