//! Property tests: the fuzz targets' properties (`properties/invariants.rs`, shared with
//! `fuzz/`) on generated inputs, so every `cargo test` keeps checking them on stable. 256 cases
//! per property by default; `PROPTEST_CASES=100000 cargo test --test properties` for a long run.

#[path = "properties/invariants.rs"]
mod invariants;

use proptest::prelude::*;

/// Text made mostly of pieces the parsers care about, glued by line breaks of both kinds and by
/// arbitrary characters, so generated inputs reach deep into the code more often than random text.
fn text_of(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_string),
        1 => "\\PC{0,6}",
        1 => proptest::sample::select(&["\n", "\r\n", "\r", "\t", " ", "\u{feff}", "é", "\0"][..])
            .prop_map(str::to_string),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

const YAML: &[&str] = &[
    "---\n",
    "---",
    "\n",
    "title: Ünï\n",
    "kind: process\n",
    "id: x\n",
    "owner: sales\n",
    "process: edge\n",
    "stage: demo\n",
    "draft: true\n",
    "tags: [a, b]\n",
    "aliases:\n  - /old/\n",
    "last_reviewed: 2026-01-01\n",
    "last_reviewed: soon\n",
    "review_every: 30\n",
    "extra: {a: 1}\n",
    "stages:\n",
    "  - name: Discovery\n",
    "    resources:\n",
    "      - title: T\n        url: ../a.md\n",
    "    playbooks: [call]\n",
    "collaborates_with: [a]\n",
    "  bad: : x\n",
    "\t",
    "&a [1]",
    "*a",
    "'",
    "\"",
    "#",
    "|\n",
    ": ",
    "- ",
    "?",
];

const MARKDOWN: &[&str] = &[
    "[x](a.md)",
    "[x](<a b.md>)",
    "[x](a.md \"t ](\")",
    "![i](p.png)",
    "[![i](p.png)](a.md)",
    "[r]",
    "[a][r]",
    "\n[r]: <b.md>\n",
    "\n[r]: b.md 't'\n",
    "<https://x.y>",
    "<a href=\"x.md\">",
    "<img src=p.png>",
    "<!--",
    "-->",
    "`",
    "```\n",
    "# H {#id}\n",
    "## a ![b `c`](d.png) *e* `f`\n",
    "[^n]",
    "\n[^n]: x\n",
    "\n| a |\n|---|\n",
    "é",
    "\n",
    "\\",
    "&amp;",
    "&#91;",
    "](",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "> ",
    "- ",
    "    ",
    "\n\n",
];

/// Destinations that stay in, climb out, or name nothing, in every spelling the resolver reads.
const DESTS: &[&str] = &[
    "a.md",
    "../a.md",
    "../../a.md",
    "../../../a.md",
    "/a.md",
    "/../a.md",
    "/processes/../../x.md",
    "./b/../c.md",
    "%2e%2e/x.md",
    "..%2Fx.md",
    "processes/",
    "/processes/edge/",
    "/hb/processes/edge/",
    "/hb/../x/",
    "/docs/../../x/",
    "edge/index.html",
    "#h",
    "a.md#h",
    "p.png",
    "/x.css",
    "?q",
    "..",
    "/..",
    "\\..\\x.md",
    "https://example.com",
    "",
];

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
    "ü x",
];

fn content_path(ext: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(NAMES), 1..4)
        .prop_map(move |segments| format!("{}{ext}", segments.join("/")))
}

fn site_case() -> impl Strategy<Value = invariants::SiteCase> {
    let dest = prop_oneof![
        3 => proptest::sample::select(DESTS).prop_map(str::to_string),
        1 => "[./%a-z#?]{0,12}",
    ];
    let body = proptest::collection::vec(
        prop_oneof![
            dest.clone().prop_map(|d| format!("[l]({d})\n")),
            dest.clone()
                .prop_map(|d| format!("<a href=\"{d}\">x</a>\n")),
            text_of(MARKDOWN),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat());
    let front = prop_oneof![
        Just(String::new()),
        Just("---\ntitle: T\n---\n# H\n".to_string()),
        Just("---\nowner: sales\nstages:\n  - name: Demo\n---\n".to_string()),
    ];
    (
        proptest::sample::select(&["/", "/hb/", "https://example.com/docs/"][..]),
        proptest::collection::vec((content_path(".md"), front, body), 1..5),
        proptest::collection::vec(content_path(".png"), 0..3),
        proptest::collection::vec(dest, 0..5),
    )
        .prop_map(|(base_url, pages, assets, dests)| invariants::SiteCase {
            base_url: base_url.to_string(),
            pages: pages
                .into_iter()
                .map(|(path, front, body)| (path, front + &body))
                .collect(),
            assets,
            static_files: vec!["x.css".into()],
            dests,
        })
}

fn request_path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        proptest::sample::select(
            &[
                "..",
                ".",
                "%2e",
                "%2E%2e",
                ".%2e",
                "%2f",
                "%2F",
                "\\",
                "%5c",
                "%00",
                "",
                "a",
                "hb",
                "index.html",
                "é",
                "%",
                "%zz",
                "%C3%A9",
                "%ff",
            ][..]
        )
        .prop_map(str::to_string),
        "\\PC{0,4}",
    ];
    proptest::collection::vec(segment, 0..6).prop_map(|s| format!("/{}", s.join("/")))
}

proptest! {
    // Findings become unit tests beside the code they prove, not a regressions file.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn front_matter_of_any_text(source in text_of(YAML)) {
        invariants::front_matter(&source);
    }

    #[test]
    fn front_matter_of_any_yaml_block(yaml in text_of(YAML)) {
        invariants::front_matter(&format!("---\n{yaml}\n---\nbody\n"));
    }

    #[test]
    fn front_matter_of_random_text(source in "\\PC*") {
        invariants::front_matter(&source);
    }

    #[test]
    fn markdown_links_of_any_body(body in text_of(MARKDOWN)) {
        invariants::markdown_links(&body);
    }

    #[test]
    fn resolve_links_of_any_site(case in site_case()) {
        invariants::resolve_links(&case);
    }

    #[test]
    fn serve_path_of_any_request(path in request_path(), base in "/|/hb/|/a/b/|/é/") {
        invariants::serve_path(&path, &base);
    }

    #[test]
    fn serve_path_of_random_text(path in "\\PC*", base in "\\PC*") {
        invariants::serve_path(&path, &base);
    }
}
