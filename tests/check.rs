//! `handbook check`, whole command. One fixture per situation under `tests/fixtures/check-*/`,
//! each as small as the situation allows, and each test asserting the whole report: the code,
//! file, line, column and help of every diagnostic, and the exit status.
//!
//! Every expected line and column was counted by hand from the fixture text (columns count
//! characters, from 1); the comment beside each expectation shows the counting.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use common::{fixture, runs};

/// The date `stale-page` is judged against in every test, unless a test says otherwise.
const TODAY: &str = "2024-04-01";

/// Every code SPEC.md names.
const CODES: &[&str] = &[
    "front-matter-syntax",
    "front-matter-schema",
    "duplicate-id",
    "url-collision",
    "broken-link",
    "broken-anchor",
    "broken-ref",
    "unknown-stage",
    "draft-link",
    "link-outside-root",
    "invalid-alias",
    "unsafe-url",
    "duplicate-anchor",
    "undefined-reference",
    "orphan-page",
    "stale-page",
];

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", TODAY).env("NO_COLOR", "1");
    cmd
}

/// Runs `check --format json` (plus `extra` flags) and returns the exit status and the report.
fn check_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    let output = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report)
}

/// One diagnostic as the test expects it. The message is matched by its start, since
/// messages quoting the YAML library may grow; everything else is matched exactly.
struct Expect {
    severity: &'static str,
    code: &'static str,
    file: &'static str,
    line: u64,
    column: u64,
    message: &'static str,
    help: Option<&'static str>,
}

fn error(code: &'static str, file: &'static str, line: u64, column: u64) -> Expect {
    Expect {
        severity: "error",
        code,
        file,
        line,
        column,
        message: "",
        help: None,
    }
}

fn warning(code: &'static str, file: &'static str, line: u64, column: u64) -> Expect {
    Expect {
        severity: "warning",
        ..error(code, file, line, column)
    }
}

impl Expect {
    fn message(self, message: &'static str) -> Self {
        Expect { message, ..self }
    }

    fn help(self, help: &'static str) -> Self {
        Expect {
            help: Some(help),
            ..self
        }
    }
}

/// Asserts the report holds exactly `expected`, in order, with matching counts.
fn assert_report(report: &Value, expected: &[Expect]) {
    let diagnostics = report["diagnostics"]
        .as_array()
        .expect("diagnostics is an array");
    let pretty = serde_json::to_string_pretty(report).unwrap();
    assert_eq!(diagnostics.len(), expected.len(), "{pretty}");
    for (d, e) in diagnostics.iter().zip(expected) {
        let got = json!([
            d["severity"],
            d["code"],
            d["file"],
            d["line"],
            d["column"],
            d["help"]
        ]);
        let want = json!([e.severity, e.code, e.file, e.line, e.column, e.help]);
        assert_eq!(got, want, "{pretty}");
        let message = d["message"].as_str().unwrap();
        assert!(
            message.starts_with(e.message),
            "message {message:?} should start with {:?}",
            e.message
        );
    }
    let errors = expected.iter().filter(|e| e.severity == "error").count();
    assert_eq!(report["errors"], json!(errors), "{pretty}");
    assert_eq!(
        report["warnings"],
        json!(expected.len() - errors),
        "{pretty}"
    );
}

/// Checks a fixture and asserts its exit status and whole report.
fn assert_fixture(name: &str, status: i32, expected: &[Expect]) {
    let (code, report) = check_json(&fixture(name), &[]);
    assert_report(&report, expected);
    assert_eq!(code, status, "exit status of {name}");
}

// --- One fixture per code -------------------------------------------------------------------

#[test]
fn front_matter_yaml_that_does_not_parse() {
    // content/guide.md line 3: `tags: [sales, demo`; `[` is character 7.
    assert_fixture(
        "check-front-matter-syntax",
        1,
        &[error("front-matter-syntax", "content/guide.md", 3, 7)
            .message("this `[` is never closed")
            .help("close it with `]` on the same line")],
    );
}

#[test]
fn front_matter_never_closed() {
    assert_fixture(
        "check-front-matter-unclosed",
        1,
        &[error("front-matter-syntax", "content/guide.md", 1, 1)
            .message("front matter is not closed")
            .help("end the front matter with a line holding only `---`")],
    );
}

#[test]
fn front_matter_unknown_field_suggests_the_known_one() {
    // content/guide.md line 3: `descripton: How we sell`, the key at column 1.
    assert_fixture(
        "check-front-matter-schema",
        1,
        &[error("front-matter-schema", "content/guide.md", 3, 1)
            .message("unknown field `descripton`")
            .help("did you mean `description`?")],
    );
}

#[test]
fn process_without_owner() {
    // The first line of the YAML block (line 2), as the problem is a missing field.
    assert_fixture(
        "check-process-without-owner",
        1,
        &[
            error("front-matter-schema", "content/processes/edge.md", 2, 1)
                .message("a process page needs `owner`")
                .help("add `owner: <department id>`"),
        ],
    );
}

#[test]
fn duplicate_id() {
    // departments/inside-sales.md says `id: sales`; departments/sales.md has it from its
    // name. The explicit `id:` made the clash, so it is reported there: line 2, column 5.
    assert_fixture(
        "check-duplicate-id",
        1,
        &[
            error("duplicate-id", "content/departments/inside-sales.md", 2, 5)
                .message("id `sales` is already used by `content/departments/sales.md`")
                .help("set a unique `id:` in the front matter of one of them"),
        ],
    );
}

#[test]
fn url_collision_between_two_files() {
    assert_fixture(
        "check-url-collision",
        1,
        &[error("url-collision", "content/pricing/index.md", 1, 1)
            .message("`content/pricing.md` and `content/pricing/index.md` are both published at /pricing/")
            .help("rename or move one of them")],
    );
}

#[test]
fn url_collision_of_an_alias_with_a_page() {
    // content/discounts.md line 5: `  - /pricing/`, the value at column 5. Line 6 names the
    // theme's stylesheet: its redirect would need a folder where the file is.
    assert_fixture(
        "check-alias-collision",
        1,
        &[
            error("url-collision", "content/discounts.md", 5, 5)
                .message("alias `/pricing/` is already the URL of `content/pricing.md`")
                .help("remove the alias, or move the other page"),
            error("url-collision", "content/discounts.md", 6, 5)
                .message("alias `/handbook.css` is already the URL of the file `handbook.css`")
                .help("remove the alias, or rename the file"),
        ],
    );
}

#[test]
fn broken_link_suggests_the_nearest_page() {
    // content/index.md line 3: `Read the [edge process](processes/...`: `Read the ` is 9,
    // `[edge process]` 10-23, `(` 24, the destination starts at 25.
    assert_fixture(
        "check-broken-link",
        1,
        &[error("broken-link", "content/index.md", 3, 25)
            .message("link to `processes/edge-conectivity.md` does not resolve")
            .help("did you mean `processes/edge-connectivity.md`?")],
    );
}

#[test]
fn broken_anchor_suggests_the_nearest_heading() {
    // content/index.md line 3: `Meet the ` is 9, `[exit criteria]` 10-24, `(` 25, dest at 26.
    assert_fixture(
        "check-broken-anchor",
        1,
        &[error("broken-anchor", "content/index.md", 3, 26)
            .message("`#exit-critera` is not an anchor of `content/guide.md`")
            .help("did you mean `#exit-criteria`?")],
    );
}

#[test]
fn broken_ref_points_at_the_yaml_value() {
    // content/processes/edge.md line 3: `owner: salse`, the value at column 8.
    assert_fixture(
        "check-broken-ref",
        1,
        &[error("broken-ref", "content/processes/edge.md", 3, 8)
            .message("`owner`: no department has the id `salse`")
            .help("did you mean `sales`?")],
    );
}

#[test]
fn unknown_stage_lists_the_stages() {
    // content/playbooks/discovery-call.md line 4: `stage: dicovery`, the value at column 8.
    // Stage ids: `Discovery` slugs to `discovery`; `Technical demo` has `id: demo`.
    assert_fixture(
        "check-unknown-stage",
        1,
        &[
            error("unknown-stage", "content/playbooks/discovery-call.md", 4, 8)
                .message("`stage`: `dicovery` is not a stage of process `edge`")
                .help("did you mean `discovery`? stages are: `discovery`, `demo`"),
        ],
    );
}

#[test]
fn draft_link_from_a_published_page() {
    // content/index.md line 3: `The ` is 4, `[new pricing]` 5-17, `(` 18, dest at 19.
    assert_fixture(
        "check-draft-link",
        1,
        &[error("draft-link", "content/index.md", 3, 19)
            .message("link to draft page `content/pricing.md`")
            .help("publish that page (remove `draft: true`) or remove the link")],
    );
}

#[test]
fn draft_named_in_front_matter_points_at_the_yaml_value() {
    // content/processes/edge.md line 3: `owner: sales` names a draft department; value at 8.
    assert_fixture(
        "check-draft-reference",
        1,
        &[error("draft-link", "content/processes/edge.md", 3, 8)
            .message("front matter names draft page `content/departments/sales.md`")
            .help("publish that page (remove `draft: true`) or remove the reference")],
    );
}

#[test]
fn link_outside_root() {
    // content/index.md line 3: `See the ` is 8, `[readme]` 9-16, `(` 17, dest at 18.
    assert_fixture(
        "check-link-outside-root",
        1,
        &[error("link-outside-root", "content/index.md", 3, 18)
            .message("link to `../README.md` climbs out of the content folder")
            .help("a file outside content/ is not published; link to a page inside it, or to an https: URL")],
    );
}

#[test]
fn bogus_url_forms() {
    // content/index.md line 3: `[bogus](` is 8 characters, so the first destination is at 9;
    // `/../guide.md` climbs above the site's root (at 45); `c#-tips.md` names `c` with the
    // fragment `-tips.md` (at 67), and the file it meant is `c#-tips.md`.
    let at = |code, column| error(code, "content/index.md", 3, column);
    assert_fixture(
        "check-bogus-urls",
        1,
        &[
            at("broken-link", 9)
                .message("link to `/guideindex.html` does not resolve: no page or file at `content/guideindex.html`")
                .help("did you mean `/guide/`?"),
            at("link-outside-root", 45)
                .message("link to `/../guide.md` climbs out of the content folder")
                .help("a file outside content/ is not published; link to a page inside it, or to an https: URL"),
            at("broken-link", 67)
                .message("link to `c#-tips.md` does not resolve: no page or file at `content/c`")
                .help("a `#` in a link starts its fragment and a `?` its query: write them `%23` and `%3F` in a file name, as in `c%23-tips.md`"),
        ],
    );
}

#[test]
fn url_collision_of_a_page_with_a_static_folder_index() {
    assert_fixture(
        "check-static-collision",
        1,
        &[error("url-collision", "content/demo/index.md", 1, 1)
            .message("`content/demo/index.md` and the file `demo/index.html` are both published at /demo/")
            .help("rename or move one of them")],
    );
}

#[test]
fn invalid_alias_points_at_the_yaml_value() {
    // content/guide.md: each alias on its own line, `  - ` then the value at column 5.
    // `/old-guide/` (line 4) and `/handbook/older-guide/index.html` (line 5, written with
    // base_url's path) are fine. Line 8 climbs out once percent-decoded; line 12 is
    // `"/old\0.html"`, a YAML escape for NUL.
    let help_outside =
        "an alias is an old URL of this site, such as `/old/path/`: remove the `..` segments";
    let alias = |line| error("invalid-alias", "content/guide.md", line, 5);
    assert_fixture(
        "check-invalid-alias",
        1,
        &[
            alias(6)
                .message("alias `/../../escaped/x.html` climbs out of the site")
                .help(help_outside),
            alias(7)
                .message("alias `/handbook/../escaped/` climbs out of the site")
                .help(help_outside),
            alias(8)
                .message("alias `/old%2F..%2F..%2Fescaped.html` climbs out of the site")
                .help(help_outside),
            alias(9)
                .message("alias `/old?page=2` holds a `?`: a redirect file cannot answer a query")
                .help("keep only the path, the part before the `?`"),
            alias(10)
                .message("alias `/old#top` holds a `#`: a redirect file cannot answer a fragment")
                .help("keep only the path, the part before the `#`"),
            alias(11)
                .message("alias `\\..\\escaped.html` holds a backslash")
                .help("write URL paths with `/`"),
            alias(12)
                .message("alias `/old\\0.html` holds a NUL character")
                .help("remove the `\\0`"),
            alias(13)
                .message("alias `https://example.com/old/` is a full URL, not a path of this site")
                .help("write only the path of the old URL, such as `/old/path/`"),
        ],
    );
}

#[test]
fn unsafe_urls_point_at_the_destination() {
    let script = "link to a `javascript:` URL, which can run script in the reader's browser";
    let help = "link to a page or file of the handbook, or to an https: URL";
    assert_fixture(
        "check-unsafe-url",
        1,
        &[
            // content/index.md line 5: `A ` is 2, `[script link]` 3-15, `(` 16, dest at 17.
            error("unsafe-url", "content/index.md", 5, 17)
                .message(script)
                .help(help),
            // `javascript:alert(1)` 17-35, `)` 36, ` and ` 37-41, `<` 42, the autolink at 43.
            error("unsafe-url", "content/index.md", 5, 43)
                .message("link to a `vbscript:` URL")
                .help(help),
            // `vbscript:msgbox(1)` 43-60, `>` 61, ` and ` 62-66, `![a picture]` 67-78, `(` 79.
            error("unsafe-url", "content/index.md", 5, 80)
                .message("image to a `data:` URL")
                .help("put the image file beside the page and link to it by name"),
            // Used twice, reported once at the definition: `[r]: ` is 5. The raw HTML
            // `javascript:` on line 9 and the code span on line 11 are not reported.
            error("unsafe-url", "content/index.md", 13, 6)
                .message(script)
                .help(help),
            // A stage resource, `"java\tscript:..."` in YAML: `        url: ` is 13.
            error("unsafe-url", "content/processes/edge.md", 8, 14)
                .message(script)
                .help(help),
            // handbook.yaml line 2: `edit_url: ` is 10; the value (its opening quote) at 11.
            error("unsafe-url", "handbook.yaml", 2, 11)
                .message("`edit_url` is a `javascript:` URL")
                .help("set it to the https: address where the content folder is edited, such as `https://github.com/ORG/REPO/edit/main/content/`"),
        ],
    );
}

#[test]
fn duplicate_anchors_name_both_places() {
    // content/processes/edge.md. Stage names are values after `  - name: ` (10 characters).
    // `## Notes` twice is `notes` and `notes-1`, and `<a id="top" name="top">` is one anchor:
    // neither is reported. The home page's link to `#note` resolves to the footnote.
    let file = "content/processes/edge.md";
    let own_id = "give this heading its own id: write `{#another-id}` after its text";
    assert_fixture(
        "check-duplicate-anchor",
        1,
        &[
            // Line 6: the second stage named `Demo`, its name at column 11.
            error("duplicate-anchor", file, 6, 11)
                .message("anchor `#demo` of the stage `Demo` is already the id of the stage `Demo` on line 5")
                .help("give one of the stages its own `id:`"),
            // Line 11: `## Demo`, a generated id, at the heading's first character.
            error("duplicate-anchor", file, 11, 1)
                .message("anchor `#demo` of the heading is already the id of the stage `Demo` on line 5")
                .help(own_id),
            // Line 15: `## Discounts {#` is 15 characters; the id at 16.
            error("duplicate-anchor", file, 15, 16)
                .message("anchor `#pricing` of the heading is already the id of the heading on line 13")
                .help("change one of the ids, so each is used once on the page"),
            // Line 22: `     id="` is 9 characters, in an HTML block whose tag opened on line 21.
            error("duplicate-anchor", file, 22, 10)
                .message("anchor `#notes` of the HTML `id` is already the id of the heading on line 17")
                .help("change this `id`, so each is used once on the page"),
            // Line 30: `## Note` against the footnote `[^note]:` of line 28.
            error("duplicate-anchor", file, 30, 1)
                .message("anchor `#note` of the heading is already the id of the footnote `[^note]` on line 28")
                .help(own_id),
        ],
    );
}

#[test]
fn undefined_references_and_unused_definitions_that_do_not_resolve() {
    // content/index.md. The `[guide]` shortcut is defined; `[!NOTE]` is a GitHub alert;
    // `[intro]: guide.md#intro` is unused but resolves. guide.md defines no references, so
    // its `[Teammate name]` is prose.
    let file = "content/index.md";
    assert_fixture(
        "check-undefined-reference",
        1,
        &[
            // Line 3: `Read the [guide][` is 17 characters; the label at 18.
            error("undefined-reference", file, 3, 18)
                .message("`[…][gide]` is a reference link, but no `[gide]: …` defines its label")
                .help("did you mean `[guide]`?"),
            // `[guide][gide]` ends at 22, ` and the ` 23-31, `[` 32, the label at 33.
            error("undefined-reference", file, 3, 33)
                .message("`[faq][]` is a reference link, but no `[faq]: …` defines its label")
                .help("define it with a line `[faq]: destination`, or correct the label"),
            // Line 5: `See [guide] and [` is 17 characters.
            warning("undefined-reference", file, 5, 18)
                .message("`[the policy]` is a reference link, but no `[the policy]: …` defines its label")
                .help("define it with a line `[the policy]: destination`, or, if the brackets are text, write `\\[the policy\\]`"),
            // Line 11: `[old]: ` is 7 characters.
            error("broken-link", file, 11, 8)
                .message("unused reference definition to `gone.md` does not resolve"),
        ],
    );
}

#[test]
fn raw_html_is_read_whole_blocks_and_tags_over_several_lines() {
    // content/index.md. The `<img>` inside the comment of lines 11-13 is not a link.
    let file = "content/index.md";
    assert_fixture(
        "check-raw-html-whole",
        1,
        &[
            // An HTML block: `<a class="btn"` on line 4, `     href="` (11) on line 5.
            error("broken-link", file, 5, 12).message("link to `gone.md` does not resolve"),
            // Inline HTML in a quote: `>   src="` is 9 characters on line 9. An `<img src>`
            // is an image, not a link.
            error("broken-link", file, 9, 10)
                .message("image `gone.png` not found: no file at `content/gone.png`"),
            // Inline HTML in a list item: `    href="` is 10 characters on line 16.
            error("broken-anchor", file, 16, 11)
                .message("`#nope` is not an anchor of `content/guide.md`")
                .help("anchors there: `guide`, `intro`"),
        ],
    );
}

fn orphan() -> Expect {
    warning("orphan-page", "content/lonely.md", 1, 1)
        .message("no other page links to `content/lonely.md` or names it in front matter")
        .help("link to it from a related page, or delete it if it is no longer needed")
}

#[test]
fn orphan_page_is_a_warning_that_fails_only_with_deny_warnings() {
    assert_fixture("check-orphan-page", 0, &[orphan()]);
    let (status, report) = check_json(&fixture("check-orphan-page"), &["--deny-warnings"]);
    assert_report(&report, &[orphan()]);
    assert_eq!(status, 1);
}

/// `check-stale-page`: reviewed 2024-01-01 every 90 days, so due 2024-03-31
/// (30 days left in January, 29 in February 2024, 31 in March).
fn check_on(today: &str, extra: &[&str]) -> (i32, Value) {
    let output = handbook()
        .env("HANDBOOK_TODAY", today)
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("check-stale-page"))
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        serde_json::from_slice(&output.stdout).unwrap(),
    )
}

#[test]
fn stale_page_once_the_review_is_past_due() {
    // content/pricing.md line 3: `last_reviewed: 2024-01-01`, the value at column 16.
    let stale = || {
        warning("stale-page", "content/pricing.md", 3, 16)
            .message("last reviewed 2024-01-01, review was due 2024-03-31 (every 90 days)")
            .help("review the page and update `last_reviewed`")
    };
    let (status, report) = check_on("2024-03-31", &[]);
    assert_report(&report, &[]);
    assert_eq!(status, 0, "due today is not yet stale");

    let (status, report) = check_on("2024-04-01", &[]);
    assert_report(&report, &[stale()]);
    assert_eq!(status, 0);

    let (status, report) = check_on("2024-04-01", &["--deny-warnings"]);
    assert_report(&report, &[stale()]);
    assert_eq!(status, 1);
}

// --- Everything valid -----------------------------------------------------------------------

#[test]
fn every_valid_link_form_checks_clean() {
    for extra in [&[][..], &["--deny-warnings"][..]] {
        let (status, report) = check_json(&fixture("check-valid-links"), extra);
        assert_report(&report, &[]);
        assert_eq!(status, 0);
    }
}

/// Guards the test above: zero diagnostics would also come from links that are never seen.
/// Counted by hand in content/index.md: 6 inline, 3 reference definitions, 3 images, 4 raw
/// HTML, 12 folder/root/site URLs, 4 encoded, 13 fragments, 1 to the playbook and 1 to a
/// planned process; the autolinks, the `https:`/`mailto:`/`tel:`/`//` links and everything in
/// code are not links to check.
#[test]
fn valid_links_fixture_holds_every_link_it_claims() {
    use handbook::resolve::Target;
    let options = handbook::site::Options {
        root: fixture("check-valid-links"),
        ..Default::default()
    };
    let checked = handbook::site::check(&options).unwrap();
    let site = &checked.site;
    let home = site.by_path["index.md"];
    assert_eq!(site.pages[home].links.len(), 47);
    let targets = &site.targets[home];
    let pages = targets
        .iter()
        .filter(|t| matches!(t, Target::Page { .. }))
        .count();
    let files = targets
        .iter()
        .filter(|t| matches!(t, Target::File { .. }))
        .count();
    // Files: flow.png (image and raw HTML), the logo with and without base_url.
    assert_eq!((pages, files), (43, 4));
    let anchored = targets
        .iter()
        .filter(|t| {
            matches!(
                t,
                Target::Page {
                    fragment: Some(_),
                    ..
                }
            )
        })
        .count();
    // `#exit-criteria` (a definition), `#top` and `#technical-demo` (raw HTML), the root edge
    // link, the two encoded ones, and 12 in the fragments section (`guide.md#` has none).
    assert_eq!(anchored, 1 + 2 + 1 + 2 + 12);
}

// --- Positions ------------------------------------------------------------------------------

/// A site in a temporary folder, from (path, exact bytes) pairs.
fn temp_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("handbook.yaml"), "title: Positions\n").unwrap();
    for (path, text) in files {
        let path = dir.path().join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// (file, line, column) of every diagnostic with `code`.
fn positions(report: &Value, code: &str) -> Vec<(String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn positions_point_at_the_destination_counting_characters() {
    let site = temp_site(&[
        // Line 6 after CRLF front matter: `See [x](` is 8 characters.
        (
            "crlf.md",
            "---\r\ntitle: CRLF\r\n---\r\n\r\nFirst line\r\nSee [x](gone.md)\r\n",
        ),
        // A BOM, then front matter: line 4, `[x](` is 4.
        (
            "bom-front-matter.md",
            "\u{feff}---\ntitle: BOM\n---\n[x](gone.md)\n",
        ),
        // `Ünïcödé — 🚚 [x](` is 16 characters (40 bytes).
        ("multibyte.md", "Ünïcödé — 🚚 [x](gone.md)\n"),
        // Reference-style: at the definition's destination, line 3 after `[r]: `.
        ("reference.md", "[x][r]\n\n[r]: gone.md\n"),
        // Raw HTML: `<p>ä <a href="` is 14.
        ("html.md", "<p>ä <a href=\"gone.md\">x</a></p>\n"),
        // `<...>` destination: after `[x](<`, column 6.
        ("angle.md", "[x](<gone page.md>)\n"),
        // Link text over two lines: `text](` is 6 on line 2.
        ("multiline.md", "[some\ntext](gone.md)\n"),
        // A title holding `](` does not move the position: column 5.
        ("title.md", "[x](gone.md \"see ](here\")\n"),
        // Code in the link text holding `](`: `` [`a](b`]( `` is 9.
        ("code-in-text.md", "[`a](b`](gone.md)\n"),
        // An image: `![alt](` is 7.
        ("image.md", "![alt](gone.png)\n"),
        // An image inside a link: image at 9, link after `[![img](gone.png)](` at 20.
        ("nested.md", "[![img](gone.png)](gone.md)\n"),
        // A table cell, line 3: `| [x](` is 6.
        ("table.md", "| a | b |\n|---|---|\n| [x](gone.md) | y |\n"),
        // A list in a quote: `> - [x](` is 8.
        ("quote.md", "> - [x](gone.md)\n"),
        // Blanks before the destination: `[x](  ` is 6.
        ("spaces.md", "[x](  gone.md)\n"),
        // Two links on a line: 5 and, after `[a](gone.md) [b](` (17), 18.
        ("twice.md", "[a](gone.md) [b](gone.md)\n"),
        // A stage resource in front matter: line 8, `        url: ` is 13.
        (
            "processes/edge.md",
            "---\nowner: sales\nstages:\n  - name: A\n    resources:\n      - title: T\n\n        url: gone.md\n---\n",
        ),
        ("departments/sales.md", "---\ntitle: Sales\n---\n"),
    ]);
    let (status, report) = check_json(site.path(), &[]);
    assert_eq!(status, 1);
    let at = |file: &str, line, column| (format!("content/{file}"), line, column);
    assert_eq!(
        positions(&report, "broken-link"),
        [
            at("angle.md", 1, 6),
            at("bom-front-matter.md", 4, 5),
            at("code-in-text.md", 1, 10),
            at("crlf.md", 6, 9),
            at("html.md", 1, 15),
            at("image.md", 1, 8),
            at("multibyte.md", 1, 17),
            at("multiline.md", 2, 7),
            at("nested.md", 1, 9),
            at("nested.md", 1, 20),
            at("processes/edge.md", 8, 14),
            at("quote.md", 1, 9),
            at("reference.md", 3, 6),
            at("spaces.md", 1, 7),
            at("table.md", 3, 7),
            at("title.md", 1, 5),
            at("twice.md", 1, 5),
            at("twice.md", 1, 18),
        ]
    );
}

#[test]
fn front_matter_positions_after_crlf_and_bom() {
    let site = temp_site(&[
        ("index.md", "[a](a.md) [b](b.md)\n"),
        // Line 3 of the file: `owner: salse`, value at 8, with CRLF line ends.
        ("a.md", "---\r\ntitle: A\r\nowner: salse\r\n---\r\n"),
        // A BOM before the front matter: `descripton:` on line 3, column 1.
        ("b.md", "\u{feff}---\ntitle: B\ndescripton: x\n---\n"),
        ("departments/sales.md", "---\n---\n[a](../a.md)\n"),
    ]);
    let (_, report) = check_json(site.path(), &[]);
    assert_eq!(
        positions(&report, "broken-ref"),
        [("content/a.md".into(), 3, 8)]
    );
    assert_eq!(
        positions(&report, "front-matter-schema"),
        [("content/b.md".into(), 3, 1)]
    );
}

/// A BOM is not a character an editor shows, so it must not count toward the column.
/// Fails today: `LineIndex::pos` in src/load/mod.rs counts U+FEFF on line 1 (column 6).
#[test]
fn a_bom_is_not_a_column() {
    let site = temp_site(&[("index.md", "\u{feff}[x](gone.md)\n")]);
    let (_, report) = check_json(site.path(), &[]);
    assert_eq!(
        positions(&report, "broken-link"),
        [("content/index.md".into(), 1, 5)]
    );
}

// --- Sorting --------------------------------------------------------------------------------

#[test]
fn diagnostics_are_sorted_by_file_line_column_and_stable() {
    let root = fixture("check-sorting");
    let (status, report) = check_json(&root, &[]);
    assert_eq!(status, 1);
    let at = |file: &str, line, column| (format!("content/{file}"), line, column);
    let all: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        all,
        [
            at("a.md", 3, 9),        // `weight: heavy`: not a number
            at("a.md", 6, 5),        // [q](nope.md)
            at("a.md", 6, 18),       // [r](a.md#nowhere), after `[q](nope.md) [r](`
            at("b.md", 3, 8),        // [back](index.md#nowhere)
            at("index.md", 3, 15),   // [y](gone-2.md) after `[b](b.md) [y](`
            at("index.md", 3, 30),   // [x](gone-1.md): by column, not by destination
            at("index.md", 5, 15),   // [z](gone-0.md)
            at("z-orphan.md", 1, 1), // orphan-page warning
            at("z-orphan.md", 3, 5), // [a](a.md#nope)
        ]
    );
    // Pages load in parallel; the report must not depend on which finished first.
    let first = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap()
        .stdout;
    for _ in 0..5 {
        let again = handbook()
            .args(["check", "--format", "json", "--root"])
            .arg(&root)
            .output()
            .unwrap()
            .stdout;
        assert_eq!(again, first);
    }
}

// --- Formats --------------------------------------------------------------------------------

#[test]
fn json_has_exactly_the_documented_fields() {
    let (_, report) = check_json(&fixture("check-broken-link"), &[]);
    let keys = |v: &Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&report),
        ["baselined", "diagnostics", "errors", "fixed", "warnings"]
    );
    // Without a baseline nothing is held back or fixed.
    assert_eq!(
        (&report["baselined"], &report["fixed"]),
        (&json!(0), &json!([]))
    );
    let d = &report["diagnostics"][0];
    assert_eq!(
        keys(d),
        [
            "code", "column", "file", "help", "line", "message", "severity"
        ]
    );
    assert!(d["line"].is_u64() && d["column"].is_u64());
    assert!(report["errors"].is_u64() && report["warnings"].is_u64());

    // `help` is present as null when there is none (a YAML limit has no advice to give).
    let deep = format!("---\nx: {}{}\n---\n", "[".repeat(40), "]".repeat(40));
    let site = temp_site(&[("index.md", &deep)]);
    let (_, report) = check_json(site.path(), &[]);
    assert_eq!(keys(&report["diagnostics"][0]).len(), 7);
    assert_eq!(
        report["diagnostics"][0]["message"],
        "the YAML is nested deeper than 32 levels"
    );
    assert!(report["diagnostics"][0]["help"].is_null());
}

#[test]
fn json_goes_to_stdout_even_when_clean() {
    handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("check-valid-links"))
        .assert()
        .success()
        .stdout(predicate::str::contains("\"diagnostics\": []"));
}

#[test]
fn github_format_is_one_workflow_command_per_diagnostic() {
    handbook()
        .args(["check", "--format", "github", "--root"])
        .arg(fixture("check-broken-link"))
        .assert()
        .code(1)
        .stdout(
            "::error file=content/index.md,line=3,col=25,title=broken-link::\
             link to `processes/edge-conectivity.md` does not resolve: no page or file at \
             `content/processes/edge-conectivity.md`%0Ahelp: did you mean `processes/edge-connectivity.md`?\n",
        );
    handbook()
        .args(["check", "--format", "github", "--root"])
        .arg(fixture("check-orphan-page"))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "::warning file=content/lonely.md,line=1,col=1,title=orphan-page::no other page links to",
        ));
}

#[test]
fn human_format_shows_a_code_frame_and_a_summary_on_stderr() {
    handbook()
        .args(["check", "--root"])
        .arg(fixture("check-broken-link"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains(
                "error[broken-link]: link to `processes/edge-conectivity.md` does not resolve",
            )
            .and(predicate::str::contains("--> content/index.md:3:25"))
            .and(predicate::str::contains(
                "3 | Read the [edge process](processes/edge-conectivity.md) first.",
            ))
            .and(predicate::str::contains(
                "help: did you mean `processes/edge-connectivity.md`?",
            ))
            .and(predicate::str::ends_with("1 error, 0 warnings\n")),
        );
    handbook()
        .args(["check", "--format", "human", "--root"])
        .arg(fixture("check-orphan-page"))
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("--> content/lonely.md:1:1")
                .and(predicate::str::ends_with("0 errors, 1 warning\n")),
        );
    handbook()
        .args(["check", "--root"])
        .arg(fixture("check-valid-links"))
        .assert()
        .code(0)
        .stderr("no problems found\n");
}

// --- Could not run --------------------------------------------------------------------------

#[test]
fn a_folder_without_handbook_yaml_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("content")).unwrap();
    handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(empty.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no handbook.yaml"));
    handbook()
        .args(["check", "--root"])
        .arg(empty.path().join("missing"))
        .assert()
        .code(2);
}

#[test]
fn a_bad_flag_exits_2() {
    let root = fixture("check-valid-links");
    handbook()
        .args(["check", "--format", "xml", "--root"])
        .arg(&root)
        .assert()
        .code(2);
    handbook()
        .args(["check", "--no-such-flag", "--root"])
        .arg(&root)
        .assert()
        .code(2);
}

// --- A real handbook nobody here wrote ------------------------------------------------------

/// The archived Sourcegraph handbook (883 pages, Apache-2.0), read in place from
/// `../shared/corpora/`; never copied. Its reports were audited by hand: the broken anchors are
/// real (renamed or removed headings, fragments written in another slug style or case, Google
/// Docs bookmarks, a page generated from data), so the bounds below are around today's counts.
#[cfg(unix)]
#[test]
fn sourcegraph_corpus_checks_without_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/sourcegraph-handbook/content");
    let missing = (!corpus.is_dir()).then(|| {
        format!(
            "no corpus at {} (the shared corpora sit beside the repository)",
            corpus.display()
        )
    });
    if !runs(
        "the Sourcegraph corpus test",
        "HANDBOOK_SKIP_CORPUS",
        missing,
    ) {
        return;
    }
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("handbook.yaml"),
        "title: Sourcegraph\nbase_url: /\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&corpus, site.path().join("content")).unwrap();
    let (status, report) = check_json(site.path(), &[]);
    assert_eq!(status, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let count = |code: &str| diagnostics.iter().filter(|d| d["code"] == code).count();
    for d in diagnostics {
        let code = d["code"].as_str().unwrap();
        assert!(CODES.contains(&code), "unexpected code {code}: {d}");
        assert!(d["file"].as_str().unwrap().starts_with("content/"), "{d}");
        assert!(
            d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1,
            "{d}"
        );
    }
    // 455 today (one from an unused definition, `#tammy-zhu`, and one behind `total-rewards/`,
    // a page found from its published URL); far more would mean a slug or resolution
    // regression, far fewer a blind checker.
    assert!(
        (420..=470).contains(&count("broken-anchor")),
        "broken-anchor: {}",
        count("broken-anchor")
    );
    // 4 today: a link to a folder without index.md (`people-ops`), a script missing from the
    // corpus, and two unused reference definitions whose pages are gone (releases/index.md).
    assert!(
        count("broken-link") <= 10,
        "broken-link: {}",
        count("broken-link")
    );
    // Every unknown key of every page: `data_source` (5 pages generated from data), with
    // `data_source_2` and `hide_sidebar` on 2 of them, and `ignoreDisconnectedPageCheck` (1).
    assert_eq!(count("front-matter-schema"), 10);
    // `../../../README.md`, the repository's readme.
    assert_eq!(count("link-outside-root"), 1);
    // 5 `[text][label]` with no definition (`[modules][#module]` meant `(#module)`), and 4
    // `[label]` on pages that define references (`[sg]`, `[Cloud SQL]`: definitions missing).
    assert_eq!(count("undefined-reference"), 9);
    assert!(
        (60..=110).contains(&count("orphan-page")),
        "orphan-page: {}",
        count("orphan-page")
    );
    for absent in [
        "front-matter-syntax",
        "duplicate-id",
        "url-collision",
        "broken-ref",
        "unknown-stage",
        "draft-link",
        "invalid-alias",
        "unsafe-url",
        "duplicate-anchor",
    ] {
        assert_eq!(count(absent), 0, "{absent}");
    }
    assert_eq!(
        report["errors"].as_u64().unwrap() as usize + report["warnings"].as_u64().unwrap() as usize,
        diagnostics.len()
    );
}

/// `handbook check 2>&1 | head -1`: when the reader goes away, the report ends quietly (killed
/// by SIGPIPE, as `grep` is), never with a panic (exit 101) from printing to a closed pipe.
#[test]
fn a_reader_that_stops_reading_ends_the_report_without_a_panic() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("content")).unwrap();
    std::fs::write(root.join("handbook.yaml"), "title: Pipe\n").unwrap();
    // Far more report than a pipe buffers (64 KiB), so writing goes on after the reader left.
    let links: String = (0..3000)
        .map(|n| format!("[gone {n}](gone-{n}.md)\n"))
        .collect();
    std::fs::write(root.join("content/index.md"), links).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["check", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("broken-link"), "{first}");
    // The reader is dropped here, closing the pipe.
    let status = child.wait().unwrap();
    assert_ne!(status.code(), Some(101), "panicked: {status:?}");
    assert!(!status.success(), "{status:?}");
}
