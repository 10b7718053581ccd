//! Adopting a handbook that was built by Hugo, links side (issue 9): `_index.md` folder pages,
//! paths served elsewhere (`external_paths`), relative `x/` links read from the page's file and
//! from its published URL, and a "did you mean" for every broken link however many there are.
//!
//! The fixture `migrated-hugo-links/` is a small Hugo tree kept as it was: every folder's page
//! is `_index.md`, links are written the Hugo way (`onboarding/`, `../../processes/edge/`), the
//! logo comes from a CDN under `/images/` and job descriptions from a microsite under
//! `/job-description-library/`, both declared in its handbook.yaml.

mod common;
mod crawl;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use common::{fixture, fixture_copy};

fn handbook() -> Command {
    let mut cmd = Command::cargo_bin("handbook").unwrap();
    cmd.env("HANDBOOK_TODAY", "2024-04-01").env("NO_COLOR", "1");
    cmd
}

/// `check --format json`: the exit status and the report.
fn check(root: &Path) -> (i32, Value) {
    let output = handbook()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report)
}

/// (code, file, line, column, message, help) of every diagnostic.
fn rows(report: &Value) -> Vec<(String, String, u64, u64, String, Option<String>)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The body of a built page: what is inside its `<div class="prose">`.
fn prose(out: &Path, page: &str) -> String {
    let html = std::fs::read_to_string(out.join(page)).unwrap();
    let start = html.find("<div class=\"prose\">").expect("a prose block");
    let body = &html[start..];
    body[..body.find("</div>").unwrap()].to_string()
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_migrated_handbook_checks_clean_as_it_is() {
    let (status, report) = check(&fixture("migrated-hugo-links"));
    assert_eq!(rows(&report), [], "{report:#}");
    assert_eq!(status, 0);
    handbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(fixture("migrated-hugo-links"))
        .assert()
        .code(0);
}

#[test]
fn without_external_paths_the_cdn_and_microsite_links_are_broken() {
    let (_tmp, root) = fixture_copy("migrated-hugo-links");
    std::fs::write(root.join("handbook.yaml"), "title: Migrated from Hugo\n").unwrap();
    let (status, report) = check(&root);
    assert_eq!(status, 1);
    let found: Vec<(String, String, u64, u64)> = rows(&report)
        .into_iter()
        .map(|(code, file, line, column, _, _)| (code, file, line, column))
        .collect();
    let at = |file: &str, line, column| ("broken-link".to_string(), file.to_string(), line, column);
    assert_eq!(
        found,
        [
            // `![Our logo](` is 12 characters; `Open roles are in the [job description library](` 48.
            at("content/_index.md", 9, 13),
            at("content/_index.md", 11, 49),
            // `![The team](` is 12. `../../images/team.png` climbs out of `content/` from the
            // file's folder, but not from the page's URL, `/guides/onboarding/`.
            at("content/guides/onboarding.md", 7, 13),
        ]
    );
}

#[test]
fn external_paths_are_matched_where_the_browser_goes() {
    let (_tmp, root) = fixture_copy("migrated-hugo-links");
    // `images/x.png` from `/guides/pricing/` is `/guides/pricing/images/x.png`: not under
    // `/images/`. The microsite's own root is under it; a path that only starts with its name
    // is not.
    write(
        &root,
        "content/guides/pricing.md",
        "# Pricing\n\nBack to [the guides](_index.md).\n\n\
         ![a](images/x.png) [b](/job-description-library) [c](/job-description-library-old/)\n",
    );
    let (status, report) = check(&root);
    assert_eq!(status, 1);
    let found: Vec<(u64, u64, String)> = rows(&report)
        .into_iter()
        .map(|(code, _, line, column, _, _)| (line, column, code))
        .collect();
    assert_eq!(
        found,
        // `![a](` is 5 characters; `![a](images/x.png) [b](/job-description-library) [c](` 53.
        [
            (5, 6, "broken-link".to_string()),
            (5, 54, "broken-link".to_string()),
        ],
        "{report:#}"
    );
}

#[test]
fn links_are_published_at_their_targets_and_external_ones_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    handbook()
        .args(["build", "--root"])
        .arg(fixture("migrated-hugo-links"))
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    // `_index.md` is its folder's page: no `_index/` folder anywhere.
    assert!(out.join("guides/index.html").is_file());
    assert!(out.join("index.html").is_file());
    assert!(!out.join("_index").exists() && !out.join("guides/_index").exists());

    let home = prose(&out, "index.html");
    for href in [
        "href=\"/guides/\"",
        "href=\"/departments/\"",
        "href=\"/processes/\"",
        "src=\"/images/logo.png\"",
        "href=\"/job-description-library/account-executive/\"",
    ] {
        assert!(home.contains(href), "{href} in {home}");
    }
    // From a folder's page, `x/` and `x` are the sibling `x.md`, where handbook publishes it.
    let guides = prose(&out, "guides/index.html");
    for href in [
        "href=\"/guides/onboarding/\"",
        "href=\"/guides/onboarding/first-week/\"",
        "href=\"/guides/tools/\"",
        "href=\"/guides/pricing/\"",
    ] {
        assert!(guides.contains(href), "{href} in {guides}");
    }
    // From `guides/onboarding.md` (at `/guides/onboarding/`), `tools/` is both the folder
    // `guides/tools/` beside the file and the page `guides/onboarding/tools.md` under the URL:
    // the file's reading wins. `first-week/` resolves from the URL only.
    let onboarding = prose(&out, "guides/onboarding/index.html");
    assert!(
        onboarding.contains("href=\"/guides/tools/\""),
        "{onboarding}"
    );
    assert!(onboarding.contains("href=\"/guides/onboarding/first-week/\""));
    assert!(onboarding.contains("src=\"../../images/team.png\""));
    let playbook = prose(&out, "playbooks/discovery-call/index.html");
    assert!(
        playbook.contains("href=\"/processes/edge/#discovery\""),
        "{playbook}"
    );
}

/// Served as one host serves it: handbook's output at `/`, and beside it what the CDN and the
/// microsite serve. A browser following every link of every page arrives every time.
#[test]
fn every_link_of_the_migrated_handbook_arrives_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");
    handbook()
        .args(["build", "--root"])
        .arg(fixture("migrated-hugo-links"))
        .arg("--output")
        .arg(&www)
        .assert()
        .success();
    for served_elsewhere in [
        "images/logo.png",
        "images/team.png",
        "job-description-library/account-executive/index.html",
    ] {
        write(&www, served_elsewhere, "served by another system");
    }
    let (report, origin) = crawl::crawl_dir(&www, "/", &[]);
    report.assert_clean(40);
    report.assert_fetched(
        &origin,
        &[
            "/guides/onboarding/",
            "/guides/onboarding/first-week/",
            "/guides/onboarding/tools/",
            "/guides/tools/",
            "/guides/pricing/",
            "/processes/edge/",
            "/images/team.png",
            "/job-description-library/account-executive/",
        ],
    );
}

#[test]
fn index_pages_named_the_hugo_way_have_every_role_of_index_md() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    handbook()
        .args(["build", "--root"])
        .arg(fixture("migrated-hugo-links"))
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let read = |page: &str| std::fs::read_to_string(out.join(page)).unwrap();
    // `departments/_index.md` is the departments list, holding the Sales department.
    let list = read("departments/index.html");
    assert!(
        list.contains("<h3 class=\"card-title\"><a href=\"/departments/sales/\">Sales</a></h3>"),
        "{list}"
    );
    // `processes/edge/_index.md` is a process (its stage is an anchor), with breadcrumbs
    // through the processes list, and its id is its folder's name (the playbook names it).
    let edge = read("processes/edge/index.html");
    assert!(edge.contains("id=\"discovery\""));
    assert!(
        edge.contains(
            "<li><a href=\"/\">Home</a></li>\n    <li><a href=\"/processes/\">Processes</a></li>"
        ),
        "{edge}"
    );
    // The home page is `_index.md`: the sidebar's sections link to the list pages.
    let home = read("index.html");
    assert!(home.contains("<h1 class=\"hero-title\">Migrated from Hugo</h1>"));
    assert!(read("playbooks/index.html").contains("href=\"/playbooks/discovery-call/\""));
}

#[test]
fn index_md_and_underscore_index_md_in_one_folder_collide() {
    let (status, report) = check(&fixture("check-hugo-index-collision"));
    assert_eq!(status, 1);
    assert_eq!(
        rows(&report),
        [(
            "url-collision".to_string(),
            "content/pricing/index.md".to_string(),
            1,
            1,
            "`content/pricing/_index.md` and `content/pricing/index.md` are both published at /pricing/"
                .to_string(),
            Some("rename or move one of them".to_string()),
        )]
    );
}

#[test]
fn broken_links_to_folder_pages_suggest_the_folder_as_written() {
    let (_tmp, root) = fixture_copy("migrated-hugo-links");
    write(
        &root,
        "content/guides/pricing.md",
        "# Pricing\n\nBack to [the guides](_index.md).\n\n\
         [a](../processes/edg/) [b](../processes/edge/_idnex.md) [c](onbording/) [d](/Guides/tools/)\n",
    );
    let (_, report) = check(&root);
    let helps: Vec<(u64, String, Option<String>)> = rows(&report)
        .into_iter()
        .map(|(_, _, _, column, message, help)| (column, message, help))
        .collect();
    let did = |s: &str| Some(format!("did you mean `{s}`?"));
    assert_eq!(
        helps,
        [
            (
                5,
                "link to `../processes/edg/` does not resolve: no page or file at `content/processes/edg/`, nor at the URL `/guides/processes/edg/`".to_string(),
                did("../processes/edge/"),
            ),
            (
                28,
                "link to `../processes/edge/_idnex.md` does not resolve: no page or file at `content/processes/edge/_idnex.md`".to_string(),
                did("../processes/edge/_index.md"),
            ),
            // Written as a URL from `/guides/pricing/`: the nearest URL, from there.
            (
                61,
                "link to `onbording/` does not resolve: no page or file at `content/guides/onbording/`, nor at the URL `/guides/pricing/onbording/`".to_string(),
                did("../onboarding/"),
            ),
            (
                77,
                "link to `/Guides/tools/` does not resolve: no page or file at `content/Guides/tools/`".to_string(),
                did("/guides/tools/"),
            ),
        ],
        "{report:#}"
    );
}

/// The old checker shared a budget of 200,000 comparisons among all suggestions: past it,
/// broken links got none. 1,200 pages with a typo each, and a broken reference each, would
/// need about 3,000,000.
#[test]
fn every_broken_link_and_reference_gets_its_suggestion_however_many() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "handbook.yaml", "title: Many\n");
    let n = 1200;
    let mut home = String::from("# Home\n\n[Sales](departments/sales.md)\n");
    for i in 0..n {
        home.push_str(&format!("[p{i}](processes/process-{i:04}.md)\n"));
    }
    write(root, "content/index.md", &home);
    write(
        root,
        "content/departments/sales.md",
        "---\ntitle: Sales\n---\n[x](../index.md)\n",
    );
    for i in 0..n {
        // A letter dropped from the neighbour's name, and from the owner's id.
        let next = (i + 1) % n;
        write(
            root,
            &format!("content/processes/process-{i:04}.md"),
            &format!("---\nowner: sles\n---\n[next](procss-{next:04}.md)\n"),
        );
    }
    let (status, report) = check(root);
    assert_eq!(status, 1);
    let rows = rows(&report);
    assert_eq!(rows.len(), 2 * n);
    for (code, file, _, _, _, help) in rows {
        let i: usize = file["content/processes/process-".len()..][..4]
            .parse()
            .unwrap();
        let expected = match code.as_str() {
            "broken-link" => format!("did you mean `process-{:04}.md`?", (i + 1) % n),
            "broken-ref" => "did you mean `sales`?".to_string(),
            other => panic!("unexpected {other} in {file}"),
        };
        assert_eq!(help.as_deref(), Some(expected.as_str()), "{file}");
    }
}
