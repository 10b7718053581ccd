//! Front matter read line by line (`yaml::block`) or straight from the parser's events
//! (`yaml::events`) gives the very tree serde-saphyr's deserializer gives (`yaml::spanned`):
//! the same values, typed the same way, at the same places. Where a fast reading steps aside
//! (`None`), the next one reads the document, serde-saphyr last, so its errors and limits are
//! kept word for word; a fast reading must never accept a document serde-saphyr rejects.

mod common;

use std::path::Path;

use handbook::load::front_matter::split;
use handbook::yaml::{block, events, spanned};
use proptest::prelude::*;

use common::{repo, runs};

/// Compares the readings of `yaml`; true when the events reading took it.
fn same(yaml: &str, what: &str) -> bool {
    same_lines(yaml, what);
    same_as(yaml, what, "events", events::tree(yaml))
}

/// Compares the line-by-line reading of `yaml`; true when it took it.
fn same_lines(yaml: &str, what: &str) -> bool {
    same_as(yaml, what, "block", block::tree(yaml))
}

/// Compares one fast reading with serde-saphyr's; true when it took the document.
fn same_as(yaml: &str, what: &str, road: &str, fast: Option<handbook::yaml::node::Node>) -> bool {
    match (fast, spanned::tree(yaml)) {
        (Some(fast), Ok(reference)) => {
            assert_eq!(fast, reference, "{what}, {road}: {yaml:?}");
            true
        }
        (Some(fast), Err(e)) => {
            panic!("{what}: {road} read {fast:?} where serde-saphyr says {e}: {yaml:?}")
        }
        (None, _) => false,
    }
}

/// Every front matter under `dir`: how many there are and how many the events reading took.
fn front_matters(dir: &Path) -> (usize, usize) {
    let (mut seen, mut fast) = (0, 0);
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let entry = entry.unwrap();
        let is_md = entry
            .path()
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown");
        if !is_md {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Ok(Some(split)) = split(&source) {
            seen += 1;
            fast += usize::from(same(split.yaml, &entry.path().display().to_string()));
        }
    }
    (seen, fast)
}

#[test]
fn the_synthetic_handbook_is_read_from_events_alike() {
    let (seen, fast) = front_matters(&repo().join("benches/site"));
    assert!(seen >= 12, "{seen}");
    for entry in walkdir::WalkDir::new(repo().join("benches/site")) {
        let path = entry.unwrap().into_path();
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        if let Ok(Some(split)) = split(&source) {
            assert!(block::tree(split.yaml).is_some(), "{}", path.display());
        }
    }
    // Every page of the benchmark takes the fast road: it is what makes `check` fast.
    assert_eq!(fast, seen);
}

#[test]
fn the_fixtures_are_read_from_events_alike() {
    let (seen, fast) = front_matters(&repo().join("tests/fixtures"));
    assert!(seen > 50 && fast > seen / 2, "{seen} {fast}");
}

#[test]
fn the_corpora_are_read_from_events_alike() {
    let corpora = repo().join("../shared/corpora");
    let missing = (!corpora.is_dir()).then(|| format!("no corpora at {}", corpora.display()));
    if !runs("the events corpus test", "HANDBOOK_SKIP_CORPUS", missing) {
        return;
    }
    let (seen, fast) = front_matters(&corpora);
    assert!(seen > 150 && fast > seen / 2, "{seen} {fast}");
}

#[test]
fn scalars_are_typed_as_serde_saphyr_types_them() {
    let scalars = [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "yes",
        "No",
        "Y",
        "n",
        "on",
        "OFF",
        "true",
        "True",
        "false",
        "0",
        "-0",
        "12",
        "-3",
        "007",
        "+5",
        "1_000",
        "0x1F",
        "0X1F",
        "0o17",
        "0b101",
        "1.5",
        "-0.25",
        "01.10",
        "1.",
        ".5",
        "1e3",
        "1E-3",
        "-1e+3",
        ".inf",
        "-.Inf",
        ".nan",
        "-.nan",
        "inf",
        "nan",
        "Infinity",
        "2024-05-01",
        "1.2.3",
        "10:30",
        "5 minutes",
        "-",
        "--x",
        "+",
        ".",
        "-.",
        "1-2",
        "1e-2-3",
        "99999999999999999999",
        "18446744073709551615",
        "9223372036854775807",
        "-9223372036854775808",
        "1e999",
        "0.1.",
        "~x",
        "a",
        "ab c",
    ];
    let (mut fast, mut lines) = (0, 0);
    for s in scalars {
        for yaml in [
            format!("k: {s}\n"),
            format!("- {s}\n"),
            format!("k: [{s}]\n"),
            format!("k: \"{s}\"\n"),
            format!("k: '{s}'\n"),
            format!("{s}: v\n"),
        ] {
            fast += usize::from(same(&yaml, "scalar"));
            lines += usize::from(same_lines(&yaml, "scalar"));
        }
    }
    assert!(fast > 200, "{fast}");
    assert!(lines > 150, "{lines}");
}

#[test]
fn shapes_and_places_match() {
    let docs = [
        "title: A\n",
        "title: A\ntitle: B\n",
        "a:\n  - x\n  - y\nb: {c: 1, d: [e, f]}\n",
        "stages:\n  - name: a\n    id: b\n    agenda:\n      - x\n  - name: c\n",
        "# a comment\ntitle: A # trailing\n# end\n",
        "title: >\n  folded\n  text\nbody: |\n  literal\n  text\n",
        "title: plain\n  continued\n  lines\n",
        "k: \"esc\\taped \\u00e9\"\n",
        "k: 'it''s'\n",
        "k:\n",
        "k: []\nm: {}\n",
        "? complex\n: value\n",
        "[a, b]\n",
        "just a scalar\n",
        "- a\n- b: c\n  d: e\n",
        "héllo: wörld\nnext: ünïcode\n",
        "\u{feff}title: bom\n",
        "title: A\n...\n",
        "%YAML 1.2\n---\ntitle: A\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\nb: 2\n",
        "a: 1\n---\nb: 2\n",
        "",
        "# only a comment\n",
        "a: [b\n",
        "a:\n\t- b\n",
        "title: Sales: the basics\n",
        "{a: 1, a: 2}\n",
        "- - - deep\n",
        "a:   \nb: x   \n",
        "a:\n- x\n- y\nb: z\n",
        "a:\n- x: 1\n",
        "a:\n  - x: 1\n    y:\n  - z\n",
        "- a:\n- b\n",
        "- x\n-\n- y\n",
        "a:\n  b:\n    c: d\ne: f\n",
        "  a: 1\n  b: 2\n",
        "a: b\n  c\n",
        "a:\n  b\n",
        "a: x, y [z] {w}\n",
        "a b: c\n",
        "a:b: c\n",
        "\"a\": b\n",
        "a: \"x\" y\n",
        "a: 'x' \n",
        "a: \"\"\n",
        "a: ''\n",
        "a: -\n",
        "a: -x\n",
        "- a\nb: c\n",
        "a: 1\n- b\n",
        "a:\n\n  b: c\n\nd: e\n",
        "é: ü\nü:\n  - é\n",
    ];
    let (mut fast, mut lines) = (0, 0);
    for yaml in docs {
        fast += usize::from(same(yaml, "document"));
        lines += usize::from(same_lines(yaml, "document"));
    }
    assert!(fast >= 15, "{fast}");
    assert!(lines >= 20, "{lines}");
    // What must go to serde-saphyr, for its values or its errors.
    for yaml in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\nb: 2\n",
        "a: 1\n---\nb: 2\n",
        "a: [b\n",
        "a: .inf\n",
        "10: x\n",
    ] {
        assert!(events::tree(yaml).is_none(), "{yaml:?}");
    }
}

#[test]
fn limits_stop_fast_on_either_road() {
    let flow = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let block: String = (0..1_000)
        .map(|i| format!("{}a:\n", "  ".repeat(i)))
        .collect();
    let many: String = (0..200_000).map(|i| format!("k{i}: v\n")).collect();
    for yaml in [flow, block, many] {
        let started = std::time::Instant::now();
        assert!(events::tree(&yaml).is_none());
        assert!(handbook::yaml::tree(&yaml).is_err());
        // A generous bound for a debug build on a busy machine: the point is not seconds.
        assert!(started.elapsed().as_secs() < 20);
    }
}

/// Pieces of front matter, good and bad, to put together.
fn piece() -> impl Strategy<Value = String> {
    let scalar = prop::sample::select(vec![
        "a",
        "yes",
        "No",
        "~",
        "",
        "12",
        "-3",
        "1.5",
        "0x1F",
        "2024-05-01",
        "1e3",
        ".inf",
        "\"q: x\"",
        "'s'",
        "[a, b]",
        "{a: 1}",
        "[]",
        "&a x",
        "*a",
        "!!str 5",
        "a # c",
        "a: b",
        "\"open",
        "[open",
        "x\ty",
        "|\n  block",
    ]);
    let key = prop::sample::select(vec![
        "title", "id", "k", "10", "yes", "\"q\"", "<<", "a b", "é",
    ]);
    let shape = 0usize..5;
    (key, scalar, 0usize..3, shape).prop_map(|(key, scalar, indent, shape)| {
        let pad = "  ".repeat(indent);
        match shape {
            0 => format!("{pad}- {key}: {scalar}\n"),
            1 => format!("{pad}{key}:\n"),
            2 => format!("{pad}- {scalar}\n"),
            3 => format!("{pad}{key}: {scalar}  \n"),
            _ => format!("{pad}{key}: {scalar}\n"),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn put_together_they_read_alike(pieces in prop::collection::vec(piece(), 1..8)) {
        let yaml: String = pieces.concat();
        same(&yaml, "generated");
    }

    #[test]
    fn broken_they_read_alike(pieces in prop::collection::vec(piece(), 1..6), at in any::<prop::sample::Index>(), c in prop::sample::select(vec![':', '-', '"', '\'', '[', ']', '{', '}', '#', '\t', ' ', '\n', '&', '*', '!', '|', '>', '?', ','])) {
        let mut yaml: String = pieces.concat();
        let mut cut = at.index(yaml.len() + 1);
        while !yaml.is_char_boundary(cut) {
            cut -= 1;
        }
        yaml.insert(cut, c);
        same(&yaml, "broken");
    }
}
