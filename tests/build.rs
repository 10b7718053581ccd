//! `handbook build`, whole command: the shipped handbook, failure that keeps the old output,
//! template overrides, sub-path base URLs, aliases, backlinks, and `handbook new`.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

use common::{build_shipped, copy_tree, fixture, fixture_copy, repo, snapshot};

fn handbook() -> Command {
    Command::cargo_bin("handbook").unwrap()
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// That every link of it arrives is tests/links.rs's crawl, at `/` and `/handbook/`.
#[test]
fn shipped_handbook_builds_a_page_per_markdown_file() {
    let out = build_shipped(&[]);
    let public = out.path().join("public");
    let markdown: Vec<String> = walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            e.path()
                .strip_prefix(repo().join("content"))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        markdown.len() >= 25,
        "the shipped handbook has {} pages",
        markdown.len()
    );
    for path in &markdown {
        let url = handbook::load::url_of(path);
        assert!(
            public.join(&url).join("index.html").is_file(),
            "no page for {path}"
        );
    }
    assert!(public.join("404.html").is_file());
    assert!(read(&public.join("sitemap.xml")).contains("<loc>/processes/edge-connectivity/</loc>"));
}

#[test]
fn sales_page_links_processes_index_and_index_lists_planned_as_coming_soon() {
    let out = build_shipped(&[]);
    let public = out.path().join("public");
    let sales = read(&public.join("departments/sales/index.html"));
    assert!(
        sales.contains("href=\"/processes/\""),
        "the relative link ../../processes/index.md is rewritten"
    );
    let internal_md = common::attribute_values(&sales, "href")
        .into_iter()
        .filter(|href| !href.contains("://") && href.contains(".md"))
        .count();
    assert_eq!(internal_md, 0, "no .md link survives into the HTML");

    let index = read(&public.join("processes/index.html"));
    assert!(index.contains("href=\"/processes/edge-connectivity/\""));
    let planned = index
        .find("Node-RED Scale")
        .expect("Node-RED Scale is listed");
    let soon = index[planned..]
        .find("Coming soon")
        .expect("planned process says Coming soon");
    assert!(
        soon < 600,
        "\"Coming soon\" belongs to the Node-RED Scale entry"
    );
}

#[test]
fn process_page_shows_stages_as_anchors_and_backlinks() {
    let out = build_shipped(&[]);
    let public = out.path().join("public");
    let process = read(&public.join("processes/edge-connectivity/index.html"));
    for stage in ["discovery", "demo", "close"] {
        assert!(
            process.contains(&format!("id=\"{stage}\"")),
            "stage {stage} is an anchor"
        );
    }
    assert!(
        process.contains("href=\"/playbooks/discovery-call/\""),
        "stages link their playbooks"
    );
    // "Referenced by" adds what the page does not already show: the MQL Handling process links
    // here; the Sales department does too, but it is the owner, shown in the facts box, and
    // the playbooks that name the process are listed under it.
    let referenced = process
        .find("Referenced by")
        .expect("a Referenced by section");
    let referenced = &process[referenced..];
    assert!(referenced.contains("href=\"/processes/mql-handling/\""));
    assert!(process.contains("href=\"/departments/sales/\""));
    assert!(!referenced.contains("href=\"/departments/sales/\""));
    assert!(!referenced.contains("href=\"/playbooks/discovery-call/\""));
}

/// The process's playbooks run in stage order, in its list, in the sidebar and in the pager
/// (previous/next) of each playbook; list pages and the home page carry no empty "Referenced
/// by"; exit criteria are unchecked boxes to tick, not ticked ones.
#[test]
fn playbooks_follow_their_process_in_stage_order() {
    let out = build_shipped(&[]);
    let public = out.path().join("public");
    let stage_order = [
        "/playbooks/discovery-call/",
        "/playbooks/technical-discovery-session/",
        "/playbooks/solution-demo/",
        "/playbooks/pov-scoping-workshop/",
        "/playbooks/pov-review-meeting/",
        "/playbooks/proposal-walkthrough/",
        "/playbooks/negotiation-call/",
        "/playbooks/executive-close-meeting/",
    ];
    let in_order = |html: &str, from: &str, what: &str| {
        let mut at = html
            .find(from)
            .unwrap_or_else(|| panic!("{what}: no {from}"));
        for url in stage_order {
            let found = html[at..]
                .find(&format!("href=\"{url}\""))
                .unwrap_or_else(|| panic!("{what}: {url} missing or out of stage order"));
            at += found;
        }
    };
    let process = read(&public.join("processes/edge-connectivity/index.html"));
    in_order(&process, "id=\"hb-playbooks\"", "the process's playbooks");
    // The sidebar, on any page: the process with its playbooks under it, in stage order.
    let tools = read(&public.join("tools/index.html"));
    let nav = &tools[tools.find("id=\"hb-nav\"").unwrap()..tools.find("</nav>").unwrap()];
    in_order(nav, "href=\"/processes/edge-connectivity/\"", "the sidebar");
    assert!(
        tools.find("id=\"hb-nav\"") < tools.find("<main"),
        "the sidebar comes before <main>"
    );

    for pair in stage_order.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let page = read(&public.join(format!("{}index.html", &before[1..])));
        let pager = &page[page.find("class=\"pager\"").expect("a pager")..];
        assert!(
            pager.contains(&format!("rel=\"next\" href=\"{after}\"")),
            "{before} leads to {after}"
        );
        let next = read(&public.join(format!("{}index.html", &after[1..])));
        assert!(
            next.contains(&format!("rel=\"prev\" href=\"{before}\"")),
            "{after} goes back to {before}"
        );
    }
    // The sidebar marks the page being read.
    let demo = read(&public.join("playbooks/solution-demo/index.html"));
    assert!(demo.contains("href=\"/playbooks/solution-demo/\" aria-current=\"page\""));

    for list in ["index.html", "processes/index.html", "playbooks/index.html"] {
        let html = read(&public.join(list));
        assert!(!html.contains("No other page links here yet"), "{list}");
    }
    assert!(process.contains("<ul class=\"checklist\""));
    assert!(!process.contains("checked"), "exit criteria are not ticked");
}

#[test]
fn aliases_redirect_to_the_page() {
    let out = build_shipped(&[]);
    let redirect = read(&out.path().join("public/playbooks/old-demo-name/index.html"));
    assert!(
        redirect.contains("url=/playbooks/solution-demo/"),
        "{redirect}"
    );
    assert!(redirect.contains("rel=\"canonical\" href=\"/playbooks/solution-demo/\""));
}

/// Every file and folder under `dir`, relative: a folder left behind shows up too.
fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

#[test]
fn an_alias_outside_the_site_fails_the_build_and_writes_nothing() {
    // `/../../escaped/x.html`, joined onto ROOT/public, would be a file beside ROOT.
    let (tmp, site) = fixture_copy("check-invalid-alias");
    let before = (entries(tmp.path()), snapshot(tmp.path()));
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[invalid-alias]"))
        .stderr(predicate::str::contains("content/guide.md:6:5"));
    assert!(!tmp.path().join("escaped").exists());
    assert_eq!((entries(tmp.path()), snapshot(tmp.path())), before);

    // Its valid aliases, one written under base_url's path, are published where
    // `check` said they would be.
    let guide = site.join("content/guide.md");
    let text = read(&guide);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("  - ") || l.contains("guide/"))
        .collect();
    std::fs::write(&guide, kept.join("\n")).unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success();
    for alias in ["old-guide/index.html", "older-guide/index.html"] {
        let redirect = read(&site.join("public").join(alias));
        assert!(redirect.contains("url=/handbook/guide/"), "{redirect}");
    }
    assert!(!tmp.path().join("escaped").exists());
}

/// Every link of it arriving under `/handbook/` is tests/links.rs's crawl.
#[test]
fn base_url_under_a_sub_path_prefixes_every_link() {
    let out = build_shipped(&["--base-url", "/handbook/"]);
    let public = out.path().join("public");
    let sales = read(&public.join("departments/sales/index.html"));
    assert!(sales.contains("href=\"/handbook/processes/\""));
    assert!(sales.contains("/handbook/handbook.css"));
}

/// Every page (the 404 page too) links the theme's favicon, which is written; a full
/// `base_url` gives each page its canonical URL and Open Graph data, a path gives none (a
/// relative canonical URL would mislead crawlers).
#[test]
fn favicon_everywhere_and_canonical_urls_only_with_a_full_base_url() {
    let out = build_shipped(&["--base-url", "https://handbook.example.com/sales/"]);
    let public = out.path().join("public");
    assert!(read(&public.join("favicon.svg")).starts_with("<svg"));
    for page in [
        "index.html",
        "404.html",
        "playbooks/discovery-call/index.html",
    ] {
        let html = read(&public.join(page));
        assert!(
            html.contains(
                "<link rel=\"icon\" href=\"https://handbook.example.com/sales/favicon.svg\" type=\"image/svg+xml\">"
            ),
            "{page}"
        );
    }
    let playbook = read(&public.join("playbooks/discovery-call/index.html"));
    let url = "https://handbook.example.com/sales/playbooks/discovery-call/";
    assert!(playbook.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
    assert!(playbook.contains(&format!("<meta property=\"og:url\" content=\"{url}\">")));
    assert!(playbook.contains("<meta property=\"og:title\" content=\"Discovery call\">"));
    assert!(playbook.contains("<meta property=\"og:description\" content=\""));
    assert!(!read(&public.join("404.html")).contains("rel=\"canonical\""));

    let out = build_shipped(&["--base-url", "/handbook/"]);
    let playbook = read(
        &out.path()
            .join("public/playbooks/discovery-call/index.html"),
    );
    assert!(playbook.contains("href=\"/handbook/favicon.svg\""));
    assert!(!playbook.contains("rel=\"canonical\""));
    assert!(!playbook.contains("og:url"));
}

#[test]
fn broken_link_fails_and_leaves_previous_output_byte_for_byte() {
    let (_tmp, site) = fixture_copy("build-broken-link");
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success();
    let before = snapshot(&site.join("public"));
    assert!(before.len() > 2);

    std::fs::write(
        site.join("content/guide.md"),
        "---\ntitle: Guide\n---\n\nBack [home](indx.md).\n",
    )
    .unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/guide.md:5:13"))
        .stderr(predicate::str::contains("broken-link"))
        .stderr(predicate::str::contains("did you mean `index.md`?"));
    assert_eq!(
        snapshot(&site.join("public")),
        before,
        "the previous output is untouched"
    );
    let strays: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".public") && n != ".public.handbook")
        .collect();
    assert!(
        strays.is_empty(),
        "nothing but the output's own state folder is left beside it: {strays:?}"
    );
}

#[test]
fn malformed_front_matter_fails_with_file_and_line() {
    let (_tmp, site) = fixture_copy("build-broken-link");
    std::fs::write(site.join("content/guide.md"), "---\ntitle: [Guide\n---\n").unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/guide.md:2:"))
        .stderr(predicate::str::contains("front-matter"));
    assert!(!site.join("public").exists());
}

#[test]
fn template_in_site_templates_overrides_the_theme() {
    let out = tempfile::tempdir().unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(fixture("template-override"))
        .arg("--output")
        .arg(out.path().join("public"))
        .assert()
        .success();
    let notes = read(&out.path().join("public/notes/index.html"));
    assert!(
        notes.contains("<p class=\"override\">Overridden: Notes</p>"),
        "{notes}"
    );
    // Only page.html is replaced: the home page still uses the theme's own template.
    let home = read(&out.path().join("public/index.html"));
    assert!(!home.contains("Overridden") && home.contains("handbook.css"));
}

#[test]
fn broken_template_names_its_file_and_line() {
    let (_tmp, site) = fixture_copy("template-override");
    std::fs::write(
        site.join("templates/page.html"),
        "<p>\n{{ page.title </p>\n",
    )
    .unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("templates/page.html:2:"));
    assert!(!site.join("public").exists());
}

#[test]
fn missing_handbook_yaml_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    handbook()
        .args(["build", "--root"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no handbook.yaml"));
}

#[test]
fn new_writes_pages_that_check_clean_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("content"), &site.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), site.join("handbook.yaml")).unwrap();
    handbook()
        .args([
            "new",
            "playbook",
            "renewal-call",
            "--title",
            "Renewal call",
            "--root",
        ])
        .arg(&site)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "content/playbooks/renewal-call.md",
        ));
    let text = read(&site.join("content/playbooks/renewal-call.md"));
    assert!(
        text.contains("title: \"Renewal call\"")
            && text.contains("process: ")
            && text.contains("stage: ")
    );
    handbook()
        .args(["new", "process", "renewals", "--root"])
        .arg(&site)
        .assert()
        .success();
    assert!(read(&site.join("content/processes/renewals/index.md")).contains("owner: "));

    std::fs::write(site.join("content/playbooks/renewal-call.md"), "mine").unwrap();
    handbook()
        .args(["new", "playbook", "renewal-call", "--root"])
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already"));
    assert_eq!(
        read(&site.join("content/playbooks/renewal-call.md")),
        "mine"
    );
}

#[test]
fn playbook_shows_its_process_stage_and_the_stages_around_it() {
    let out = build_shipped(&[]);
    let demo = read(&out.path().join("public/playbooks/solution-demo/index.html"));
    assert!(
        demo.contains("href=\"/processes/edge-connectivity/\""),
        "links its process"
    );
    assert!(
        demo.contains("href=\"/processes/edge-connectivity/#demo\""),
        "links its stage anchor"
    );
    assert!(demo.contains("stage 3 of 8"));
    assert!(
        demo.contains("href=\"/playbooks/technical-discovery-session/\""),
        "previous stage's playbook"
    );
    assert!(
        demo.contains("href=\"/playbooks/pov-scoping-workshop/\""),
        "next stage's playbook"
    );
}

#[test]
fn overdue_review_is_shown_on_the_page() {
    let (_tmp, site) = fixture_copy("build-broken-link");
    std::fs::write(
        site.join("content/guide.md"),
        "---\ntitle: Guide\nlast_reviewed: 2025-01-01\nreview_every: 30\n---\n\nBack [home](index.md).\n",
    )
    .unwrap();
    handbook()
        .env("HANDBOOK_TODAY", "2025-03-01")
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicate::str::contains("stale-page"));
    let guide = read(&site.join("public/guide/index.html"));
    assert!(guide.contains("Review overdue since 2025-01-31"), "{guide}");
}

/// Links are rewritten by byte range, not by searching the HTML for a marker: text that looks
/// like the old `@hb@N@` placeholder, or like a link, reaches the page as written, in prose,
/// code spans and code blocks, while the real links around it are rewritten.
#[test]
fn text_that_looks_like_a_placeholder_survives_and_links_are_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    std::fs::write(site.join("handbook.yaml"), "title: T\n").unwrap();
    std::fs::create_dir(site.join("content")).unwrap();
    std::fs::write(
        site.join("content/index.md"),
        "# Home\n\nProse @hb@0@ and @hb@1@ and &#64;hb&#64;0&#64; [guide](guide.md).\n\n\
         Code `@hb@0@` and `<a href=\"guide.md\">`.\n\n\
         ```\n@hb@1@\n<a href=\"guide.md\">@hb@0@</a>\n```\n\n\
         <div><a class=\"btn\"\n   href=\"guide.md#intro\">Guide</a></div>\n",
    )
    .unwrap();
    std::fs::write(site.join("content/guide.md"), "# Guide\n\n## Intro\n").unwrap();
    let public = site.join("public");
    handbook()
        .args(["build", "--root"])
        .arg(site)
        .assert()
        .success();
    let html = read(&public.join("index.html"));
    for text in [
        "Prose @hb@0@ and @hb@1@ and @hb@0@ <a href=\"/guide/\">guide</a>.",
        "Code <code>@hb@0@</code> and <code>&lt;a href=\"guide.md\"&gt;</code>.",
        "<code>@hb@1@\n&lt;a href=\"guide.md\"&gt;@hb@0@&lt;/a&gt;\n</code>",
        "<a class=\"btn\"\n   href=\"/guide/#intro\">Guide</a>",
    ] {
        assert!(html.contains(text), "missing {text:?} in\n{html}");
    }
}

#[test]
fn tag_pages_list_pages_by_tag_and_tags_link_to_them() {
    let out = build_shipped(&[]);
    let public = out.path().join("public");
    let playbook = read(&public.join("playbooks/discovery-call/index.html"));
    for tag in ["discovery", "meeting"] {
        assert!(
            playbook.contains(&format!("<a class=\"tag\" href=\"/tags/{tag}/\">{tag}</a>")),
            "the playbook links its tag {tag}"
        );
    }
    let discovery = read(&public.join("tags/discovery/index.html"));
    let doc = scraper::Html::parse_document(&discovery);
    let cards = scraper::Selector::parse(".list-index .card-title a").unwrap();
    let listed: Vec<(String, String)> = doc
        .select(&cards)
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "Discovery call".to_string(),
                "/playbooks/discovery-call/".to_string()
            ),
            (
                "Technical discovery session".to_string(),
                "/playbooks/technical-discovery-session/".to_string()
            ),
        ],
        "the pages tagged `discovery`, in menu order"
    );
    assert!(discovery.contains("<title>Tagged “discovery” · FlowFuse Commercial Handbook</title>"));
    // The index: every tag of a published page, each linking its page, with its pages.
    let index = read(&public.join("tags/index.html"));
    let tagged: std::collections::BTreeSet<String> = walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .flat_map(|e| {
            let text = read(e.path());
            let line = text
                .lines()
                .find(|l| l.starts_with("tags:"))
                .unwrap_or("tags: []")
                .to_string();
            line["tags:".len()..]
                .trim()
                .trim_matches(['[', ']'])
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(tagged.len() > 10, "{tagged:?}");
    for tag in &tagged {
        assert!(
            index.contains(&format!("href=\"/tags/{tag}/\"")),
            "/tags/ lists {tag}"
        );
        assert!(
            public.join("tags").join(tag).join("index.html").is_file(),
            "no page for tag {tag}"
        );
    }
}

#[test]
fn a_page_of_the_site_at_tags_replaces_the_generated_ones() {
    let (_tmp, site) = fixture_copy("check-valid-links");
    std::fs::create_dir_all(site.join("content/tags")).unwrap();
    std::fs::write(
        site.join("content/tags/index.md"),
        "---\ntitle: Our tags\ntags: [demo]\n---\n\nWritten by hand.\n",
    )
    .unwrap();
    let public = site.join("public");
    handbook()
        .args(["build", "--root"])
        .arg(&site)
        .assert()
        .success();
    assert!(read(&public.join("tags/index.html")).contains("Written by hand."));
    let generated: Vec<_> = std::fs::read_dir(public.join("tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(generated, ["index.html"], "no tag page of its own besides");
}

/// The nav between `id="hb-nav"` and its `</nav>`.
fn sidebar_of(html: &str) -> &str {
    let start = html.find("id=\"hb-nav\"").expect("a sidebar");
    &html[start..start + html[start..].find("</nav>").unwrap()]
}

#[test]
fn the_sidebar_rendered_once_marks_each_page_it_is_on() {
    let out = build_shipped(&["--no-search"]);
    let public = out.path().join("public");
    // A playbook: its own link is current, its process open; nothing else is.
    let demo = read(&public.join("playbooks/solution-demo/index.html"));
    let nav = sidebar_of(&demo);
    assert_eq!(nav.matches("aria-current").count(), 1, "{nav}");
    assert!(nav.contains("href=\"/playbooks/solution-demo/\" aria-current=\"page\""));
    assert_eq!(nav.matches("nav-in").count(), 1, "{nav}");
    assert!(nav.contains("class=\"nav-parent nav-in\"><a href=\"/processes/edge-connectivity/\">"));
    // The process itself: current, not open (only its playbooks open it).
    let process = read(&public.join("processes/edge-connectivity/index.html"));
    let nav = sidebar_of(&process);
    assert!(nav.contains("href=\"/processes/edge-connectivity/\" aria-current=\"page\""));
    assert!(!nav.contains("nav-in"), "{nav}");
    // A page the sidebar does not link to (a tag page): nothing marked, the same sidebar as
    // the 404 page's.
    let tags = read(&public.join("tags/index.html"));
    let not_found = read(&public.join("404.html"));
    assert!(!sidebar_of(&tags).contains("aria-current"));
    assert_eq!(sidebar_of(&tags), sidebar_of(&not_found));
}

#[test]
fn a_site_sidebar_template_replaces_the_themes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/sidebar.html"),
        "<nav id=\"hb-nav\">[{{ current }}|{{ open }}|{{ site.nav | length }}]</nav>",
    )
    .unwrap();
    let out = tmp.path().join("public");
    Command::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--no-search", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let demo = read(&out.join("playbooks/solution-demo/index.html"));
    assert!(
        demo.contains("[/playbooks/solution-demo/|/processes/edge-connectivity/|"),
        "{}",
        sidebar_of(&demo)
    );
    let tags = read(&out.join("tags/index.html"));
    assert!(
        tags.contains("<nav id=\"hb-nav\">[||"),
        "{}",
        sidebar_of(&tags)
    );
}

/// Writes a site (`title`, and each page's path below content/ and text), builds it with the
/// default theme, then again with the default theme's templates edited (`edits`: a template,
/// text it writes, what to write instead, applied in order), and asserts the two outputs are
/// the same bytes. Returns the first output, for the test to check what it holds.
fn same_output_with_templates_edited(
    title: &str,
    pages: &[(&str, &str)],
    edits: &[(&str, &str, &str)],
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    for (path, text) in pages {
        let file = site.join("content").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    std::fs::write(site.join("handbook.yaml"), format!("title: {title}\n")).unwrap();
    let build = |output: &str| {
        handbook()
            .args(["build", "--no-search", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(tmp.path().join(output))
            .env("HANDBOOK_TODAY", "2026-11-28")
            .assert()
            .success();
        snapshot(&tmp.path().join(output))
    };
    let theme_output = build("theme");

    let theme = repo().join("themes/default/templates");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    let mut names: Vec<&str> = Vec::new();
    for (name, ..) in edits {
        if !names.contains(name) {
            names.push(name);
        }
    }
    for name in names {
        let mut text = read(&theme.join(name));
        for (_, written, instead) in edits.iter().filter(|(file, ..)| *file == name) {
            assert!(
                text.contains(written),
                "{name} no longer writes {written:?}"
            );
            text = text.replace(written, instead);
        }
        std::fs::write(site.join("templates").join(name), text).unwrap();
    }
    let edited = build("edited");
    assert_eq!(
        theme_output.keys().collect::<Vec<_>>(),
        edited.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &theme_output {
        assert!(
            *bytes == edited[path],
            "{} differs: default theme\n{}\nedited\n{}",
            path.display(),
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&edited[path])
        );
    }
    theme_output
}

/// base.html and process.html write the markup of components.html's `toc_box` (with its
/// `fold`), `toc_entries`, `chip_links` and `status_badge` inline (a component call costs more
/// than what it writes, on every page): the same templates calling the components build the
/// same bytes. (The table of contents' entries, as `page.toc_html`, and the stage cards'
/// chips and folds are written by handbook: see also
/// `the_default_themes_markup_written_by_handbook_is_what_its_components_write`.)
#[test]
fn the_default_themes_inline_markup_is_what_its_components_write() {
    const FOLD: &str = "<script>if(window.hbPhone)document.currentScript.previousElementSibling.open=false</script>";
    const OPEN: &str = "<details class=\"toc\" open data-phone-closed>\n  <summary class=\"toc-title\">On this page</summary>\n  <nav aria-label=\"On this page\">\n    <ol role=\"list\">\n";
    let close = format!("\n    </ol>\n  </nav>\n</details>{FOLD}");
    let chips = |list: &str| {
        format!(
            "<ul class=\"chips\" role=\"list\">{{% for link in {list} %}}<li><a class=\"chip\" href=\"{{{{ link.url }}}}\">{{{{ link.title }}}}</a></li>{{% endfor %}}</ul>"
        )
    };
    let badge = "{% if process.planned %}<span class=\"badge badge-soon\">Coming soon</span>{% else %}<span class=\"badge badge-active\">Active</span>{% endif %}";
    let toc = [
        (OPEN.to_string(), "{% <toc_box> %}".to_string()),
        (close.clone(), "{% </toc_box> %}".to_string()),
        (
            "{{ page.toc_html | safe }}".to_string(),
            "{{<toc_entries toc={page.toc}/>}}".to_string(),
        ),
    ];
    let mut process = toc.to_vec();
    process.extend([
        (
            chips("process.collaborators"),
            "{{<chip_links links={process.collaborators}/>}}".to_string(),
        ),
        (
            badge.to_string(),
            "{{<status_badge planned={process.planned} active_label={true}/>}}".to_string(),
        ),
    ]);
    let edits: Vec<(&str, &str, &str)> = [("base.html", &toc[..]), ("process.html", &process[..])]
        .into_iter()
        .flat_map(|(name, pairs)| {
            pairs
                .iter()
                .map(move |(written, call)| (name, written.as_str(), call.as_str()))
        })
        .collect();
    let inline = same_output_with_templates_edited(
        "'Tom & \"Jerry\"'",
        &[
            ("index.md", "# Home\n\nSee [the guide](guide.md).\n"),
            (
                "guide.md",
                "# Guide <&>\n\n## First \"one\"\n\nText.\n\n### Deeper & lower\n\n## Second\n\nSee [flow](processes/flow.md).\n",
            ),
            (
                "departments/sales.md",
                "---\ntitle: 'Sales <&> \"EMEA\"'\n---\n\nSells.\n",
            ),
            (
                "departments/cs.md",
                "---\ntitle: Customer success\n---\n\nKeeps.\n",
            ),
            (
                "processes/flow.md",
                "---\ntitle: Flow\nowner: sales\ncollaborators: [sales, cs]\nstages:\n  - name: 'Discover <&>'\n    id: discover\n    agenda: [Ask, 'Listen \"well\"']\n    exit_criteria: [Agreed]\n    collaborators: [cs, sales]\n    resources:\n      - title: The guide\n        url: ../guide.md\n  - name: Close\n    collaborators: [cs]\n---\n\n## Before\n\nText.\n\n## After\n\nSee [later](later.md).\n",
            ),
            (
                "processes/later.md",
                "---\ntitle: Later\nowner: sales\nstatus: planned\n---\n\nSee [flow](flow.md) and [sales](../departments/sales.md).\n",
            ),
        ],
        &edits,
    );
    // Every piece was written.
    let flow = String::from_utf8_lossy(&inline[std::path::Path::new("processes/flow/index.html")])
        .into_owned();
    let later =
        String::from_utf8_lossy(&inline[std::path::Path::new("processes/later/index.html")])
            .into_owned();
    let guide =
        String::from_utf8_lossy(&inline[std::path::Path::new("guide/index.html")]).into_owned();
    for (html, piece) in [
        (&flow, "class=\"toc\""),
        (&flow, "href=\"#hb-stages\""),
        (&flow, "class=\"chips\""),
        (&flow, "badge-active"),
        (&flow, FOLD),
        (&later, "badge-soon"),
        (&guide, "class=\"toc\""),
        (&guide, "toc-level-3"),
    ] {
        assert!(html.contains(piece), "no {piece:?} in\n{html}");
    }
    assert_eq!(flow.matches("class=\"chips\"").count(), 3, "{flow}");
}

/// base.html tests `site.absolute` for the canonical URL and Open Graph tags, where it tested
/// `site.base_url` with `starting_with` on every page: the same bytes either way, with a path
/// for `base_url` (no such tags) and with a full URL.
#[test]
fn site_absolute_is_what_base_html_tested() {
    const TESTED: &str = r#"{%- if site.base_url is starting_with(pat="http://") or site.base_url is starting_with(pat="https://") %}"#;
    let pages = [
        ("index.md", "# Home\n\nSee [the guide](guide.md).\n"),
        (
            "guide.md",
            "---\ndescription: How we sell\n---\n\n# Guide\n\nText.\n",
        ),
    ];
    for (config, tags) in [
        ("T", false),
        ("T\nbase_url: https://handbook.example.com/hb/", true),
    ] {
        let built = same_output_with_templates_edited(
            config,
            &pages,
            &[("base.html", "{%- if site.absolute %}", TESTED)],
        );
        let guide =
            String::from_utf8_lossy(&built[std::path::Path::new("guide/index.html")]).into_owned();
        assert_eq!(guide.contains("rel=\"canonical\""), tags, "{guide}");
    }
}

/// base.html and home.html print `page.content_head` and `page.content_rest`, the body split
/// after its title once in Rust, where they split `page.content` with Tera's filters: the
/// templates written the old way build the same bytes, whatever follows the title (nothing,
/// white space only, another `<h1>`) and when the body does not open with it.
#[test]
fn the_body_split_after_its_title_is_what_the_templates_filters_made() {
    const SPLIT: &str = "{%- block main %}\n{%- set body_head = \"\" %}\n{%- set body_rest = page.content %}\n{%- if page.title_in_body %}\n  {%- set parts = page.content | split(pat=\"</h1>\") %}\n  {%- set body_head = (parts | first) ~ \"</h1>\" %}\n  {%- set body_rest = parts[1:] | join(sep=\"</h1>\") %}\n{%- endif %}\n";
    let base = [
        ("{%- block main %}\n", SPLIT),
        ("{{ page.content_head | safe }}", "{{ body_head | safe }}"),
        ("{%- if page.content_rest %}", "{%- if body_rest | trim %}"),
        ("{{ page.content_rest | safe }}", "{{ body_rest | safe }}"),
    ];
    let home = [("home.html", "{{ page.content_head |", "{{ body_head |")];
    let edits: Vec<(&str, &str, &str)> = base
        .iter()
        .map(|&(written, old)| ("base.html", written, old))
        .chain(home)
        .collect();
    let split = same_output_with_templates_edited(
        "Split",
        &[
            ("index.md", "# Welcome <&>\n\nSee [the guide](guide.md).\n"),
            (
                "guide.md",
                "# Guide\n\nText.\n\n# Again\n\nMore </h1> text.\n",
            ),
            ("only.md", "# Only\n"),
            ("spaces.md", "# Spaces\n\n<div>\n\n</div>\n"),
            ("later.md", "Text first.\n\n# Later\n\nMore.\n"),
            (
                "other.md",
                "---\ntitle: Another title\n---\n\n# Other\n\nText.\n",
            ),
        ],
        &edits,
    );
    let html =
        |path: &str| String::from_utf8_lossy(&split[std::path::Path::new(path)]).into_owned();
    // Each case is what it is meant to be.
    assert!(html("guide/index.html").contains("<div class=\"prose page-title\"><h1"));
    assert!(html("guide/index.html").contains("Again</h1>"));
    assert!(html("guide/index.html").contains("More </h1> text."));
    assert!(html("index.html").contains("<div class=\"prose page-subtitle\"><h2"));
    assert!(!html("only/index.html").contains("<div class=\"prose\">"));
    assert!(html("spaces/index.html").contains("<div class=\"prose\">"));
    assert!(!html("later/index.html").contains("prose page-title"));
    assert!(html("other/index.html").contains("<h1 class=\"page-title\">Another title</h1>"));
}

/// process.html and base.html print `stage_map_html`, `stages_html` and `referenced_by_html`,
/// written by handbook (src/render/markup.rs) where the templates looped over the stages and
/// links: the templates calling components.html's `stage_map_items`, `stage_cards` and
/// `backlink_items` (those loops) build the same bytes, for stages with every part present,
/// absent or empty, and text that needs escaping.
#[test]
fn the_default_themes_markup_written_by_handbook_is_what_its_components_write() {
    let calls = [
        (
            "base.html",
            "{{ page.referenced_by_html | safe }}",
            "{{<backlink_items links={page.referenced_by}/>}}",
        ),
        (
            "process.html",
            "{{ process.stage_map_html | safe }}",
            "{{<stage_map_items stages={process.stages}/>}}",
        ),
        (
            "process.html",
            "{{ process.stages_html | safe }}",
            "{{<stage_cards stages={process.stages}/>}}",
        ),
        (
            "process.html",
            "{{ page.process.stage_toc_html | safe }}",
            "{{<stage_toc_items stages={page.process.stages}/>}}",
        ),
        (
            "process.html",
            "{{ process.playbooks_html | safe }}",
            "{{<playbook_cards playbooks={process.playbooks}/>}}",
        ),
        (
            "playbook.html",
            "{%- if page.playbook.facts_html %}",
            "{%- if page.playbook.process or page.playbook.stage or page.playbook.audience %}",
        ),
        (
            "playbook.html",
            "{{ page.playbook.facts_html | safe }}",
            "{{<playbook_facts playbook={page.playbook}/>}}",
        ),
        (
            "base.html",
            "{{ page.breadcrumbs_html | safe }}",
            "{{<breadcrumb_items crumbs={page.breadcrumbs} home_url={site.home_url}/>}}",
        ),
        (
            "base.html",
            "{{ page.pager_html | safe }}",
            "{{<pager_links pager={page.pager}/>}}",
        ),
    ];
    let written = same_output_with_templates_edited(
        "Markup",
        &[
            (
                "index.md",
                "# Home\n\nSee [the guide](guide.md) and [flow](processes/flow.md).\n",
            ),
            (
                "guide.md",
                "# Guide <&> 'quoted' \"too\"\n\nSee [flow](processes/flow.md), [sales](departments/sales.md) and [the demo](playbooks/demo.md).\n",
            ),
            (
                "departments/sales.md",
                "---\ntitle: 'Sales <&> \"EMEA\"'\n---\n\nSee [the guide](../guide.md) and [flow](../processes/flow.md).\n",
            ),
            (
                "departments/cs.md",
                "---\ntitle: Customer success\n---\n\nKeeps.\n",
            ),
            (
                "playbooks/loose.md",
                "---\ntitle: Loose <end>\nprocess: flow\n---\n\nSee [flow](../processes/flow.md).\n",
            ),
            (
                "guide/deeper.md",
                "# Deeper\n\nSee [the guide](../guide.md).\n",
            ),
            (
                "playbooks/demo.md",
                "---\ntitle: Demo & 'show'\nprocess: flow\nstage: discover\naudience: 'Sales & <CS>'\n---\n\nSee [the guide](../guide.md).\n",
            ),
            (
                "playbooks/close.md",
                "---\ntitle: Close it\nprocess: flow\nstage: discover\n---\n\nSee [flow](../processes/flow.md).\n",
            ),
            (
                "processes/flow.md",
                concat!(
                    "---\ntitle: Flow\nowner: sales\n",
                    "stages:\n",
                    "  - name: 'Discover <&> \"it\"'\n    id: discover\n    goal: 'Learn <why>'\n",
                    "    duration: 2 weeks\n    sales_stage: '1 - Discovery & more'\n",
                    "    forecast_category: Best Case Now\n",
                    "    agenda: [Ask, 'Listen \"well\" & <note>']\n    exit_criteria: [Agreed]\n",
                    "    next_step: 'Send the <recap>'\n    collaborators: [cs, sales]\n    playbooks: [demo, close]\n",
                    "    resources:\n      - title: The guide & more\n        url: ../guide.md\n",
                    "  - name: Only exit\n    id: only-exit\n    exit_criteria: [Done, 'Signed & sealed']\n",
                    "    resources:\n      - title: Guide\n        url: ../guide.md\n",
                    "  - name: Only resources\n    id: only-resources\n    forecast_category: Commit\n",
                    "    resources:\n      - title: Guide\n        url: ../guide.md#guide--quoted-too\n",
                    "  - name: Only agenda\n    id: only-agenda\n    duration: 1 day\n    agenda: [One]\n",
                    "  - name: Bare\n    id: bare\n    goal: ''\n",
                    "---\n\n## Notes\n\nSee [the guide](../guide.md).\n",
                ),
            ),
            (
                "processes/empty.md",
                "---\ntitle: Empty\nowner: cs\n---\n\nSee [flow](flow.md).\n",
            ),
        ],
        &calls,
    );
    // Every piece was written, escaped.
    let html =
        |path: &str| String::from_utf8_lossy(&written[std::path::Path::new(path)]).into_owned();
    let flow = html("processes/flow/index.html");
    for piece in [
        "class=\"step-fact\"><span class=\"forecast forecast-best-case-now\">",
        "Discover &lt;&amp;&gt; &quot;it&quot;",
        "<summary>Agenda, exit criteria and resources</summary>",
        "<summary>Exit criteria and resources</summary>",
        "<summary>Resources</summary>",
        "<summary>Agenda</summary>",
        "Listen &quot;well&quot; &amp; &lt;note&gt;",
        "<dt>Playbooks</dt>",
        "<dt>Who joins</dt>",
        "class=\"next-step\"",
    ] {
        assert!(flow.contains(piece), "no {piece:?} in\n{flow}");
    }
    assert!(!flow.contains("Meeting goal:</strong> </p>"), "{flow}");
    let guide = html("guide/index.html");
    assert!(
        guide.contains("<span class=\"link-kind\">department</span>"),
        "{guide}"
    );
    assert!(!html("processes/empty/index.html").contains("class=\"stage-map\""));
    for piece in [
        "Stages</a></li>\n<li class=\"toc-level-3\"><a href=\"/processes/flow/#discover\">1. Discover &lt;&amp;&gt; &quot;it&quot;</a></li>",
        "<span class=\"muted\">Stage 1: Discover &lt;&amp;&gt; &quot;it&quot;</span>",
        "<li class=\"card\">\n      <a class=\"card-title\" href=\"/playbooks/loose/\">Loose &lt;end&gt;</a>",
    ] {
        assert!(flow.contains(piece), "no {piece:?} in\n{flow}");
    }
    let demo = html("playbooks/demo/index.html");
    for piece in [
        "<dd><a href=\"/processes/flow/\">Flow</a></dd>",
        "Discover &lt;&amp;&gt; &quot;it&quot;</a> <span class=\"muted\">(stage 1 of 5)</span>",
        "<dt>Next stage</dt>\n    <dd><a href=\"/processes/flow/#only-exit\">Only exit</a></dd>",
        "<dt>Audience</dt>\n    <dd>Sales &amp; &lt;CS&gt;</dd>",
        "<dt>Meeting goal</dt>\n    <dd>Learn &lt;why&gt;</dd>",
    ] {
        assert!(demo.contains(piece), "no {piece:?} in\n{demo}");
    }
    let loose = html("playbooks/loose/index.html");
    assert!(loose.contains("<dt>Process</dt>") && !loose.contains("<dt>Stage</dt>"));
    // The breadcrumbs name home "Home" and escape the other titles; the pager names a
    // playbook's stage.
    let deeper = html("guide/deeper/index.html");
    for piece in [
        "<li><a href=\"/\">Home</a></li>",
        "<li><a href=\"/guide/\">Guide &lt;&amp;&gt; &#39;quoted&#39; &quot;too&quot;</a></li>",
    ] {
        assert!(deeper.contains(piece), "no {piece:?} in\n{deeper}");
    }
    let pager = |path: &str| {
        let page = html(path);
        let at = page.find("<nav class=\"pager\"").unwrap_or(page.len());
        page[at..].to_string()
    };
    let demo = pager("playbooks/demo/index.html");
    let close = pager("playbooks/close/index.html");
    assert!(
        close.contains("rel=\"next\"") && !close.contains("rel=\"prev\""),
        "{close}"
    );
    assert!(
        demo.contains("Previous: stage 1, Discover &lt;&amp;&gt; &quot;it&quot;</span>"),
        "{demo}"
    );
    assert!(pager("processes/empty/index.html").contains("href=\"/processes/flow/\""));
    assert!(pager("guide/index.html").is_empty());
}
