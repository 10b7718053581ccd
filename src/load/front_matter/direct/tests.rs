//! The direct reading held to the tree's: on the synthetic handbook, the fixtures, the corpora
//! and generated front matter.

use std::path::Path;

use proptest::prelude::*;

use super::super::{Context, parse_tree, split};
use crate::load::LineIndex;
use crate::model::Kind;

const KINDS: [Kind; 4] = [Kind::Department, Kind::Process, Kind::Playbook, Kind::Page];

/// Every field but `kind` and `extra` is read here, each by a bit of its own.
#[test]
fn every_field_has_its_own_bit() {
    use super::super::fields::{PAGE, STAGE};
    let page: Vec<u32> = PAGE
        .iter()
        .filter(|f| !matches!(f.name, "kind" | "extra"))
        .map(|f| super::page_key(f.name).unwrap() as u32)
        .collect();
    let stage: Vec<u32> = STAGE
        .iter()
        .map(|f| super::stage_key(f.name).unwrap() as u32)
        .collect();
    for bits in [page, stage] {
        let mut sorted = bits.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), bits.len());
    }
    assert!(super::page_key("kind").is_none());
    assert!(super::page_key("name").is_none());
    assert!(super::stage_key("title").is_none());
}

/// Reads `source`'s front matter for a page of `kind` both ways; true when the direct
/// reading took it, which it may only do when the tree's reading has no problem and the
/// same fields, places included.
fn same_as_tree(source: &str, kind: Kind, what: &str) -> bool {
    let Ok(Some(split)) = split(source) else {
        return false;
    };
    if split.yaml.trim().is_empty() {
        return false;
    }
    let lines = LineIndex::new(source);
    let cx = Context {
        file: "content/x.md",
        lines: &lines,
        yaml_offset: split.yaml_offset,
        extra_keys: &[],
    };
    let Some(direct) = super::read(&cx, split.yaml, kind) else {
        return false;
    };
    let (tree, problems) = parse_tree(&cx, split.yaml, kind);
    assert!(
        problems.is_empty(),
        "{what} ({kind:?}): read directly, but the tree's reading says {problems:?}: {source:?}"
    );
    assert_eq!(
        format!("{direct:#?}"),
        format!("{tree:#?}"),
        "{what} ({kind:?}): {source:?}"
    );
    true
}

/// Every front matter under `dir`, for every kind of page: how many there are and how
/// many the direct reading took.
fn front_matters(dir: &Path) -> (usize, usize) {
    let (mut seen, mut direct) = (0, 0);
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        let Ok(entry) = entry else { continue };
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let what = entry.path().display().to_string();
        for kind in KINDS {
            seen += 1;
            direct += usize::from(same_as_tree(&source, kind, &what));
        }
    }
    (seen, direct)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The synthetic handbook's pages all take the direct reading, for the kind their place
/// gives them: it is what makes `check` fast.
#[test]
fn the_synthetic_handbook_is_read_directly_alike() {
    let content = repo().join("benches/site/content");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let path = entry.unwrap().into_path();
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let relative = path.strip_prefix(&content).unwrap().to_string_lossy();
        let (_, kind) = crate::load::place(&relative, true);
        assert!(same_as_tree(&source, kind, &relative), "{relative}");
        pages += 1;
    }
    assert!(pages >= 12, "{pages}");
}

#[test]
fn the_fixtures_and_corpora_are_read_directly_alike() {
    let (seen, direct) = front_matters(&repo().join("tests/fixtures"));
    assert!(seen > 200 && direct > 20, "{seen} {direct}");
}

/// The corpora (`../shared/corpora`, beside the repository) must be at hand: a missing one
/// fails, unless `HANDBOOK_SKIP_CORPUS=1` asks to skip, which is printed (as the other
/// corpus tests do, `tests/common`).
#[test]
fn the_corpora_are_read_directly_alike() {
    let corpora = repo().join("../shared/corpora");
    if std::env::var("HANDBOOK_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        eprintln!(
            "SKIPPED the direct front matter corpus test: HANDBOOK_SKIP_CORPUS=1 asks to skip it"
        );
        return;
    }
    assert!(
        corpora.is_dir(),
        "the direct front matter corpus test cannot run: no corpora at {}; set HANDBOOK_SKIP_CORPUS=1 to skip it",
        corpora.display()
    );
    let (seen, direct) = front_matters(&corpora);
    assert!(seen > 600 && direct > 0, "{seen} {direct}");
}

#[test]
fn shapes_read_directly_alike() {
    let docs = [
        "title: A\nowner: s\nprocess: p\n",
        "title: yes\nweight: 10\ndraft: no\nreview_every: 90\nowner: 12\nprocess: 1.5\n",
        "title: ~\nweight:\ndraft: ~\nreview_every: 0\nowner: s\nprocess: p\n",
        "owner: s\nprocess: p\nreview_every: 99999999999\n",
        "owner: s\nprocess: p\nweight: 1.5\n",
        "owner: s\nprocess: p\nlast_reviewed: 2024-05-01\n",
        "owner: s\nprocess: p\nlast_reviewed: 2024-13-01\n",
        "owner: s\nprocess: p\nlast_reviewed: \"2024-05-01\"\n",
        "owner: s\nprocess: p\ntags: [a]\n",
        "owner: s\nprocess: p\ntags: []\naliases: {}\n",
        "owner: s\nprocess: p\ntags:\n  - a\n  - 'b c'\naliases:\n- /x/\n- \"/y/\"\n",
        "owner: s\nprocess: p\ntags:\n  - ~\n",
        "owner: s\nprocess: p\ntags:\n  - a: b\n",
        "owner: s\nprocess: p\ntags: x\n",
        "owner: s\nstatus: planned\nstages:\n  - name: A\n    id: a\n    agenda:\n      - x\n    resources:\n      - title: T\n        url: u.pdf\n  - name: B b\n    playbooks: []\n",
        "owner: s\nstages:\n  - name: A\n    resources:\n      - title: T\n        title: U\n        url: u\n",
        "owner: s\nstages:\n  - name: A\n    resources:\n      - title: T\n",
        "owner: s\nstages:\n  - id: a\n",
        "owner: s\nstages:\n  - name: A\n    name: B\n",
        "owner: s\nstages:\n- name: A\n",
        "owner: s\nstages: []\n",
        "owner: s\nstages:\nstatus: active\n",
        "owner: s\nstatus: paused\n",
        "owner: ~\n",
        "owner: s\nowner: t\n",
        "kind: process\nowner: s\n",
        "extra:\n  a: 1\n",
        "  owner: s\n  title: T\n",
        "owner: s\n  title: T\n",
        "owner: s\ntitle: a\n  b\n",
        "- owner: s\n",
        "héllo: x\n",
        "title: Ünïcode é\nowner: é\nprocess: ü\nstages:\n  - name: Ça\n    goal: é\n",
        "collaborates_with:\n  - sales\nmetrics: [x]\n",
        "title: A\n...\n",
        "title: A\n---\n",
    ];
    let mut direct = 0;
    for yaml in docs {
        let source = format!("---\n{yaml}---\nbody\n");
        for kind in KINDS {
            direct += usize::from(same_as_tree(&source, kind, "document"));
        }
    }
    assert!(direct >= 17, "{direct}");
}

/// A scalar value: mostly good text, sometimes what some field or the line-by-line
/// reading takes otherwise.
fn scalar() -> BoxedStrategy<&'static str> {
    let good = prop::sample::select(vec![
        "a",
        "Demo call",
        "\"Q x\"",
        "'s'",
        "yes",
        "12",
        "é ü",
        "2024-05-01",
        "active",
        "planned",
        "\"\"",
    ]);
    let other = prop::sample::select(vec![
        "No",
        "~",
        "",
        "-3",
        "0",
        "1.5",
        "0x1F",
        "2024-02-30",
        "[]",
        "{}",
        "[a]",
        "null",
        "x: y",
        "-",
        "- a",
        "\"e\\tx\"",
        "a  ",
    ]);
    prop_oneof![6 => good, 1 => other].boxed()
}

/// A scalar of a field's shape (`good`), or now and then any other.
fn of(good: &'static [&'static str]) -> BoxedStrategy<String> {
    let other = scalar();
    prop_oneof![12 => prop::sample::select(good), 1 => other]
        .prop_map(|s| format!(" {s}\n"))
        .boxed()
}

const TEXT: &[&str] = &[
    "a",
    "Demo call",
    "\"Q x\"",
    "'s'",
    "12",
    "é ü",
    "yes",
    "\"\"",
];

/// A list of scalars below a key at `indent`, indented or at the key's own indentation,
/// or written `[]`.
fn list(indent: usize) -> BoxedStrategy<String> {
    (prop::collection::vec(scalar(), 1..4), 0usize..5)
        .prop_map(move |(items, shift)| {
            if shift == 4 {
                return " []\n".to_string();
            }
            let at = " ".repeat(if shift == 0 { indent } else { indent + 2 });
            let items: String = items.iter().map(|i| format!("{at}- {i}\n")).collect();
            format!("\n{items}")
        })
        .boxed()
}

/// A list of mappings below a key at `indent`, each from `map` (given the indentation of
/// its keys, with the `- ` of its first).
fn maps(indent: usize, map: fn(usize) -> BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::collection::vec(map(indent + 4), 1..4)
        .prop_map(|maps| format!("\n{}", maps.concat()))
        .boxed()
}

/// `key: value` lines at `indent` from some of `keys` in any order, the first after a
/// `- ` when `item`; now and then a key written twice or one that is no field.
fn mapping(
    (must, keys): (&'static str, &'static [&'static str]),
    indent: usize,
    item: bool,
    value: fn(&'static str, usize) -> BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    let chosen = (
        prop::sample::subsequence(keys, 0..=keys.len().min(5)).prop_shuffle(),
        0usize..6,
    )
        .prop_flat_map(move |(mut keys, at)| {
            keys.insert(at.min(keys.len()), must);
            keys.into_iter()
                .map(|k| value(k, indent).prop_map(move |v| (k, v)))
                .collect::<Vec<_>>()
        });
    (chosen, 0usize..12)
        .prop_map(move |(mut entries, odd)| {
            match odd {
                0 => entries.push(entries[0].clone()),
                1 => entries.push(("x", " a\n".to_string())),
                _ => {}
            }
            let pad = " ".repeat(indent);
            let mut out = String::new();
            for (i, (key, value)) in entries.into_iter().enumerate() {
                let lead = match (item, i) {
                    (true, 0) => format!("{}- ", " ".repeat(indent - 2)),
                    _ => pad.clone(),
                };
                out.push_str(&format!("{lead}{key}:{value}"));
            }
            out
        })
        .boxed()
}

/// The keys of a page of each kind: one always written, and some of the others.
const PAGE_KEYS: [(&str, &[&str]); 5] = [
    (
        "title",
        &[
            "id",
            "draft",
            "weight",
            "review_every",
            "last_reviewed",
            "tags",
            "aliases",
            "description",
            "metrics",
            "collaborates_with",
        ],
    ),
    (
        "owner",
        &[
            "title",
            "id",
            "status",
            "used_when",
            "collaborators",
            "deal_profile",
            "stages",
            "tags",
        ],
    ),
    (
        "stages",
        &["owner", "owner", "title", "status", "collaborators"],
    ),
    (
        "process",
        &[
            "title",
            "id",
            "stage",
            "audience",
            "owner",
            "aliases",
            "description",
        ],
    ),
    (
        "title",
        &[
            "id",
            "owner",
            "draft",
            "weight",
            "review_every",
            "last_reviewed",
            "tags",
            "aliases",
            "description",
        ],
    ),
];
const STAGE_KEYS: (&str, &[&str]) = (
    "name",
    &[
        "id",
        "goal",
        "duration",
        "sales_stage",
        "forecast_category",
        "agenda",
        "exit_criteria",
        "next_step",
        "collaborators",
        "playbooks",
        "resources",
    ],
);

/// A value for `key` at `indent`: mostly of its field's shape.
fn value(key: &'static str, indent: usize) -> BoxedStrategy<String> {
    match key {
        "tags" | "aliases" | "metrics" | "collaborates_with" | "collaborators" | "agenda"
        | "exit_criteria" | "playbooks" => prop_oneof![1 => of(TEXT), 6 => list(indent)].boxed(),
        "stages" => prop_oneof![
            1 => of(&["[]", ""]),
            12 => maps(indent, |at| mapping(STAGE_KEYS, at, true, value)),
        ]
        .boxed(),
        "resources" => prop_oneof![
            1 => of(&["[]"]),
            4 => maps(indent, |at| mapping(("title", &["url", "url", "title"]), at, true, value)),
        ]
        .boxed(),
        "draft" => of(&["true", "false", "yes", "~"]),
        "weight" => of(&["10", "-3", "0"]),
        "review_every" => of(&["90", "1", "99999999999"]),
        "last_reviewed" => of(&["2024-05-01", "\"2024-05-01\""]),
        "status" => of(&["active", "planned", "~"]),
        _ => of(TEXT),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6_000))]

    /// Whatever front matter the direct reading takes, it reads as the tree does.
    #[test]
    fn generated_front_matter_reads_alike(yaml in (0usize..5).prop_flat_map(|k| mapping(PAGE_KEYS[k], 0, false, value))) {
        let source = format!("---\n{yaml}---\nbody\n");
        for kind in KINDS {
            same_as_tree(&source, kind, "generated");
        }
    }

    /// A synthetic process page with one character put in anywhere, or one removed: read
    /// alike whenever the direct reading takes it.
    #[test]
    fn a_process_page_changed_anywhere_reads_alike(
        at in any::<prop::sample::Index>(),
        c in prop::sample::select(vec![
            ':', '-', ' ', ' ', '\n', '"', '\'', '[', ']', '{', '}', 'a', '0', '~', 'é', '.',
        ]),
        remove in any::<bool>(),
    ) {
        let path = repo().join("benches/site/content/processes/p-00001/index.md");
        let mut source = std::fs::read_to_string(path).unwrap();
        let end = source.find("\n---\n").unwrap();
        let mut cut = 4 + at.index(end - 4);
        while !source.is_char_boundary(cut) {
            cut -= 1;
        }
        if remove {
            source.remove(cut);
        } else {
            source.insert(cut, c);
        }
        for kind in KINDS {
            same_as_tree(&source, kind, "changed");
        }
    }
}
