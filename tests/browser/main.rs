//! The handbook in real browsers, in two engines: headless Chromium (chromedriver) and Firefox
//! ESR (geckodriver), what staff open the handbook in. For each engine, against `handbook
//! serve` on the shipped handbook: a reader opens the home page, reaches the Edge Connectivity
//! process through the sidebar, follows a stage's playbook; "On this page" follows the scroll;
//! the theme toggle remembers its choice; at 375 px the menu opens from the middle of a long
//! page and a link in it works; axe-core finds no WCAG 2.2 AA violation on five kinds of page at
//! both widths; and an edit on disk reloads the open page by itself, a broken page shows the
//! error overlay until it is fixed, and the overlay folds into a corner badge that stays folded
//! across reloads. A missing browser or driver fails the test, unless
//! `HANDBOOK_SKIP_BROWSER=1` asks to skip it.

#[path = "../common/mod.rs"]
mod common;
mod driver;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{Value, json};

use common::runs;
use driver::{Browser, Engine, arrive, click, open, resize, serve, wait_for};

const PAGE: &str = "content/playbooks/discovery-call.md";

/// axe-core, vendored (tests/vendor/axe-core/README.md).
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// WCAG 2.2 AA, as axe-core tags its rules.
const WCAG_AA: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// One page of each kind: home, department, process, playbook, list.
const PAGE_KINDS: [&str; 5] = [
    "/",
    "/departments/sales/",
    "/processes/edge-connectivity/",
    "/playbooks/discovery-call/",
    "/processes/",
];

/// One browser at a time: two at once on a small CI machine only make both slow.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread")]
async fn chromium_reads_navigates_and_reloads() {
    run(Engine::Chromium).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn firefox_esr_reads_navigates_and_reloads() {
    run(Engine::Firefox).await;
}

/// Printing the process page (8 stages with agenda, exit criteria and links) takes as many
/// sheets as its content: five, with no blank ones (it took eleven, a third of them blank).
#[test]
fn chromium_prints_a_process_on_five_sheets() {
    let engine = Engine::Chromium;
    if !runs("the print test", "HANDBOOK_SKIP_BROWSER", engine.missing()) {
        return;
    }
    let _turn = ONE_AT_A_TIME.blocking_lock();
    let tmp = tempfile::tempdir().unwrap();
    let (_server, addr, _root) = serve(tmp.path());
    let pdf = tmp.path().join("process.pdf");
    let status = std::process::Command::new(engine.browser())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("http://{addr}/processes/edge-connectivity/"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium --print-to-pdf failed: {status}");
    let pdf = std::fs::read(&pdf).unwrap();
    // Each sheet is one `/Type /Page` object (the tree of them is `/Type /Pages`).
    let pages = pdf
        .windows(11)
        .enumerate()
        .filter(|(at, w)| *w == b"/Type /Page" && pdf.get(at + 11) != Some(&b's'))
        .count();
    assert!(
        (3..=5).contains(&pages),
        "the process page printed on {pages} sheets"
    );
}

async fn run(engine: Engine) {
    let test = format!("the {} browser test", engine.name());
    if !runs(&test, "HANDBOOK_SKIP_BROWSER", engine.missing()) {
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let (server, addr, root) = serve(tmp.path());
    let browser = Browser::start(engine, &profile).await;

    // Run the steps as a task so the browser is closed whether they pass or panic.
    let outcome = tokio::spawn(steps(engine, browser.client.clone(), addr, root)).await;
    browser.close().await;
    drop(server);
    drop(tmp);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the browser steps did not finish: {e}"),
        }
    }
}

async fn steps(engine: Engine, client: Client, addr: String, root: PathBuf) {
    // A page of the site first: Firefox scales its own blank page differently.
    open(&client, &addr, "/").await;
    resize(&client, 1280, 900).await;
    reader_finds_a_playbook(&client, &addr).await;
    contents_follow_the_scroll(&client, &addr).await;
    theme_choice_is_remembered(&client, &addr).await;
    no_accessibility_violations(&client, &Desktop(&addr), "1280 px").await;
    if engine == Engine::Chromium {
        resize(&client, 375, 800).await;
    }
    let phone = Phone {
        engine,
        addr: &addr,
    };
    phone_menu_opens_mid_page(&client, &phone).await;
    no_accessibility_violations(&client, &phone, "375 px").await;
    // Back to the window (and out of the phone frame).
    open(&client, &addr, "/").await;
    resize(&client, 1280, 900).await;
    edits_reload_the_open_page(&client, &addr, &root).await;
}

/// Where a page opens: in the window, or as on a phone.
trait View {
    async fn open(&self, client: &Client, path: &str);
}

/// The window as it is.
struct Desktop<'a>(&'a str);

impl View for Desktop<'_> {
    async fn open(&self, client: &Client, path: &str) {
        open(client, self.0, path).await;
    }
}

/// 375 CSS pixels wide: Chromium's window (resized by [`steps`]), or for Firefox, which keeps
/// its windows wider, a frame of that width ([`driver::PHONE_FRAME`]) that later steps act in.
struct Phone<'a> {
    engine: Engine,
    addr: &'a str,
}

impl View for Phone<'_> {
    async fn open(&self, client: &Client, path: &str) {
        if self.engine == Engine::Chromium {
            return open(client, self.addr, path).await;
        }
        let host = format!("http://{}/{}?{path}", self.addr, driver::PHONE_FRAME);
        client.goto(&host).await.unwrap();
        wait_for(
            client,
            &format!("{path} to load in a phone-sized frame"),
            "const f = document.querySelector('iframe');              const d = f && f.contentDocument;              return d && d.readyState === 'complete' ? f.contentWindow.location.pathname : null;",
            |v| v == path,
        )
        .await;
        client.enter_frame(0).await.unwrap();
        let width = client.execute("return innerWidth;", vec![]).await.unwrap();
        assert_eq!(width, json!(375), "the frame is as wide as a phone");
    }
}

/// Home page, then the process through the sidebar, then a stage's playbook.
async fn reader_finds_a_playbook(client: &Client, addr: &str) {
    open(client, addr, "/").await;
    let title = client.title().await.unwrap();
    assert_eq!(title, "FlowFuse Commercial Handbook");
    // The sidebar comes first in the source, with a skip link to each landmark.
    let order = client
        .execute(
            "const nav = document.getElementById('hb-nav'), main = document.getElementById('hb-main'); \
             return [!!(nav.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING), \
                     [...document.querySelectorAll('.skip-link')].map(a => a.getAttribute('href'))];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(order, json!([true, ["#hb-main", "#hb-nav"]]));

    click(client, "#hb-nav a[href='/processes/edge-connectivity/']").await;
    arrive(client, "/processes/edge-connectivity/").await;
    let current = client
        .execute(
            "return document.querySelector('#hb-nav [aria-current=page]')?.getAttribute('href');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(current, json!("/processes/edge-connectivity/"));
    // The stage map links each stage to its card.
    let stages = client
        .execute(
            "return [...document.querySelectorAll('.stage-map a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stages.as_array().map(Vec::len), Some(8), "{stages}");
    assert_eq!(stages[0], json!("/processes/edge-connectivity/#discovery"));

    click(
        client,
        "#technical-discovery .stage-links a[href='/playbooks/technical-discovery-session/']",
    )
    .await;
    arrive(client, "/playbooks/technical-discovery-session/").await;
    let pager = client
        .execute(
            "return [...document.querySelectorAll('.pager a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        pager,
        json!(["/playbooks/discovery-call/", "/playbooks/solution-demo/"]),
        "previous and next follow the stages"
    );
}

/// At laptop width "On this page" stays beside the text and marks the section in view.
async fn contents_follow_the_scroll(client: &Client, addr: &str) {
    open(client, addr, "/processes/edge-connectivity/").await;
    let sticky = client
        .execute(
            "const t = document.querySelector('.toc'); \
             return [t.open, getComputedStyle(t).position, t.getBoundingClientRect().left > 900];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        sticky,
        json!([true, "sticky", true]),
        "the contents beside the text"
    );
    for id in ["proposal", "when-to-leave-the-process"] {
        let scroll = format!(
            "document.getElementById('{id}').scrollIntoView({{behavior: 'instant'}}); return true;"
        );
        client.execute(&scroll, vec![]).await.unwrap();
        wait_for(
            client,
            &format!("\"On this page\" to mark #{id}"),
            "const a = document.querySelector('.toc a.is-current'); \
             const r = a && a.getBoundingClientRect(); \
             return a && r.top >= 0 && r.bottom <= innerHeight ? a.hash : null;",
            |v| v == &json!(format!("#{id}")),
        )
        .await;
    }
}

/// The toggle switches the theme and the choice survives a reload.
async fn theme_choice_is_remembered(client: &Client, addr: &str) {
    open(client, addr, "/playbooks/solution-demo/").await;
    const THEME: &str = "const b = document.querySelector('.theme-toggle'); \
        return [document.documentElement.getAttribute('data-theme'), b.hidden, b.getAttribute('aria-pressed'), \
                getComputedStyle(document.body).backgroundColor];";
    let before = client.execute(THEME, vec![]).await.unwrap();
    assert_eq!(before[0], Value::Null, "no choice made yet: {before}");
    assert_eq!(before[1], json!(false), "the toggle shows: {before}");
    assert_eq!(
        before[2],
        json!("false"),
        "headless browsers default to light: {before}"
    );
    click(client, ".theme-toggle").await;
    let after = client.execute(THEME, vec![]).await.unwrap();
    assert_eq!(after[0], json!("dark"), "{after}");
    assert_eq!(after[2], json!("true"), "{after}");
    assert_ne!(after[3], before[3], "the page turned dark");
    client.refresh().await.unwrap();
    wait_for(client, "the dark theme after a reload", THEME, |v| {
        v[0] == json!("dark") && v[3] == after[3]
    })
    .await;
    click(client, ".theme-toggle").await;
    let light = client.execute(THEME, vec![]).await.unwrap();
    assert_eq!(light[0], json!("light"), "{light}");
    assert_eq!(light[3], before[3], "{light}");
}

/// At 375 px: scrolled to the middle of the long process page, the header's Menu is on screen;
/// it opens the menu, and a link in it leads to its page.
async fn phone_menu_opens_mid_page(client: &Client, phone: &Phone<'_>) {
    phone.open(client, "/processes/edge-connectivity/").await;
    let layout = client
        .execute(
            "window.scrollTo({top: document.documentElement.scrollHeight / 2, behavior: 'instant'}); \
             const nav = document.getElementById('hb-nav'); \
             const menu = document.querySelector('.menu-toggle').getBoundingClientRect(); \
             const folded = [...document.querySelectorAll('.toc, .stage-details')].map(d => d.open); \
             return [scrollY > 2000, getComputedStyle(nav).visibility, menu.top >= 0 && menu.bottom < 100, \
                     document.documentElement.scrollWidth <= innerWidth, folded.length, folded.some(o => o)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        layout,
        json!([true, "hidden", true, true, 9, false]),
        "mid-page on a phone: the menu closed, its button on screen, nothing wider than the \
         screen, the contents and the 8 stages' details folded"
    );
    click(client, ".menu-toggle").await;
    wait_for(
        client,
        "the menu to open over the page",
        "const nav = document.getElementById('hb-nav'); const r = nav.getBoundingClientRect(); \
         return getComputedStyle(nav).visibility === 'visible' && r.left >= -1 && r.top <= 1 \
             && document.querySelector('.menu-toggle').getAttribute('aria-expanded') === 'true' \
             && nav.contains(document.activeElement);",
        |v| v == &json!(true),
    )
    .await;
    click(client, "#hb-nav a[href='/playbooks/negotiation-call/']").await;
    arrive(client, "/playbooks/negotiation-call/").await;
    let closed = client
        .execute(
            "return getComputedStyle(document.getElementById('hb-nav')).visibility;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        closed,
        json!("hidden"),
        "the new page starts with the menu closed"
    );
}

/// axe-core on one page of each kind: no violation of WCAG 2.2 AA.
async fn no_accessibility_violations(client: &Client, view: &impl View, width: &str) {
    for path in PAGE_KINDS {
        view.open(client, path).await;
        let loaded = client
            .execute(&format!("{AXE}\n; return typeof axe.run;"), vec![])
            .await
            .unwrap_or_else(|e| panic!("cannot load axe-core into {path}: {e}"));
        assert_eq!(loaded, json!("function"), "axe-core in {path}");
        let script = format!(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags} }}, resultTypes: ['violations'] }}) \
               .then(r => done({{ passes: r.passes.length, violations: r.violations.map(v => \
                   `${{v.id}} (${{v.impact}}): ${{v.help}}\\n` + v.nodes.map(n => \
                     `    ${{n.target.join(' ')}}: ${{n.failureSummary}}`).join('\\n')) }}), \
                     e => done({{ error: String(e) }}));",
            tags = serde_json::to_string(&WCAG_AA).unwrap()
        );
        let result = client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run on {path}: {e}"));
        assert_eq!(result["error"], Value::Null, "axe-core on {path}: {result}");
        let violations: Vec<&str> = result["violations"]
            .as_array()
            .unwrap_or_else(|| panic!("axe-core on {path} gave {result}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            violations.is_empty(),
            "WCAG 2.2 AA violations on {path} at {width}:\n{}",
            violations.join("\n")
        );
    }
}

/// The open page loaded afresh, and its text, or the overlay's when it shows.
const STATE: &str = "if (document.readyState !== 'complete' || !document.body) return null; \
    const o = document.getElementById('handbook-error-overlay'); \
    return { body: document.body.innerText, \
             overlay: o && o.checkVisibility() ? o.innerText : null, \
             overlay_present: o !== null };";

fn body_contains(needle: &str) -> impl Fn(&Value) -> bool + '_ {
    move |v| v["body"].as_str().is_some_and(|s| s.contains(needle))
}

/// Waits until the open page has stayed the same document for a second: nothing reloads it once
/// the files are quiet. Fails if it keeps reloading by itself.
async fn wait_until_settled(client: &Client, after: &str) {
    const QUIET: Duration = Duration::from_secs(1);
    const ORIGIN: &str =
        "return document.readyState === 'complete' ? performance.timeOrigin : null;";
    let started = Instant::now();
    let mut last = client.execute(ORIGIN, vec![]).await.ok();
    let mut since = Instant::now();
    let mut loads = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = client.execute(ORIGIN, vec![]).await.ok();
        if now != last {
            loads += 1;
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= QUIET && last.as_ref().is_some_and(Value::is_number) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the page keeps reloading by itself {after}: {loads} loads in {:?} with no file \
             changing (does serve's watcher react to its own reads of the files?)",
            started.elapsed()
        );
    }
}

/// Which of the overlay's report and badge shows, with the page under them.
const FOLDED: &str = "if (document.readyState !== 'complete') return null; \
    const report = document.getElementById('handbook-error-report'); \
    const badge = document.getElementById('handbook-error-badge'); \
    if (!report || !badge) return null; \
    return { report: report.checkVisibility(), badge: badge.checkVisibility(), \
             badge_text: badge.innerText, focused: document.activeElement?.id ?? null };";

/// Collapse folds the report into a corner badge that keeps the count and takes the focus;
/// the choice holds when the page reloads (sessionStorage); the badge opens it again.
async fn overlay_folds_into_a_badge_that_survives_a_reload(client: &Client) {
    let shown = |report: bool| {
        move |v: &Value| v["report"] == json!(report) && v["badge"] == json!(!report)
    };
    wait_for(
        client,
        "the report open, the badge hidden",
        FOLDED,
        shown(true),
    )
    .await;
    click(client, "#handbook-error-collapse").await;
    wait_for(client, "the badge alone, focused", FOLDED, |v| {
        shown(false)(v)
            && v["focused"] == json!("handbook-error-badge")
            && v["badge_text"]
                .as_str()
                .is_some_and(|t| t.ends_with("1 error"))
    })
    .await;
    client.refresh().await.unwrap();
    wait_for(
        client,
        "the badge alone after a reload",
        FOLDED,
        shown(false),
    )
    .await;
    click(client, "#handbook-error-badge").await;
    wait_for(client, "the report open again, focused", FOLDED, |v| {
        shown(true)(v) && v["focused"] == json!("handbook-error-collapse")
    })
    .await;
    client.refresh().await.unwrap();
    wait_for(
        client,
        "the report open after a reload",
        FOLDED,
        shown(true),
    )
    .await;
}

/// Live reload: the open page shows an edit without anyone navigating; broken front matter
/// shows the overlay, naming the file, until the file is fixed.
async fn edits_reload_the_open_page(client: &Client, addr: &str, root: &Path) {
    let page = root.join(PAGE);
    let original = std::fs::read_to_string(&page).unwrap();
    open(client, addr, "/playbooks/discovery-call/").await;
    wait_for(
        client,
        "the discovery call page",
        STATE,
        body_contains("Discovery call"),
    )
    .await;
    // Set on this document only: gone once the browser has loaded the page anew.
    client
        .execute("window.handbookBeforeEdit = true; return true;", vec![])
        .await
        .unwrap();
    let sentence = format!(
        "Freshly typed in the editor {}-{}.",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let edited = original.replacen("\n## ", &format!("\n{sentence}\n\n## "), 1);
    assert_ne!(
        edited, original,
        "the page has a `## ` heading to write before"
    );
    std::fs::write(&page, &edited).unwrap();
    wait_for(
        client,
        "the edit to appear without navigating",
        STATE,
        body_contains(&sentence),
    )
    .await;
    let reloaded = client
        .execute("return window.handbookBeforeEdit === undefined;", vec![])
        .await
        .unwrap();
    assert_eq!(reloaded, json!(true), "the browser loaded the page anew");
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/playbooks/discovery-call/"
    );
    wait_until_settled(client, "after one edit").await;

    let title = edited
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    std::fs::write(&page, edited.replacen(&title, "title: [Broken", 1)).unwrap();
    wait_for(
        client,
        "a visible error overlay naming the file",
        STATE,
        |v| v["overlay"].as_str().is_some_and(|s| s.contains(PAGE)),
    )
    .await;
    overlay_folds_into_a_badge_that_survives_a_reload(client).await;
    std::fs::write(&page, &edited).unwrap();
    wait_for(
        client,
        "the overlay to go once the file is fixed",
        STATE,
        |v| v["overlay_present"] == json!(false) && body_contains(&sentence)(v),
    )
    .await;
    wait_until_settled(client, "after the fix").await;
}
