//! The table of bad inputs: one test per row. Each row writes a small handbook into a temp
//! folder, runs the real binary's `check` and `build` on it, and asserts the exit status, a
//! message naming the file (with line and column where there is one), that nothing panicked,
//! and that a failed build wrote nothing. README, "Limits", "Symlinks" and "Pages, URLs, ids,
//! kinds", says what each row's rule is. Rows that build are crawled over HTTP (tests/crawl):
//! every link of the output must arrive.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

use assert_cmd::Command;

mod crawl;

/// Long enough for a debug binary on a busy machine; a hang (a FIFO read) hits it.
const TIMEOUT: Duration = Duration::from_secs(180);

/// A handbook in a temp folder: `handbook.yaml` and a home page, plus what a row adds.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let site = Site { _tmp: tmp, root };
        site.file("handbook.yaml", "title: Bad input\n")
            .file("content/index.md", "# Home\n")
    }

    fn file(self, path: &str, bytes: impl AsRef<[u8]>) -> Site {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path(path))
            .unwrap_or_else(|e| panic!("{path} was not built: {e}"))
    }
}

/// What one run of the binary gave.
struct Run {
    status: i32,
    stderr: String,
}

fn run(mut command: Command, what: &str) -> Run {
    let output = command.timeout(TIMEOUT).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let Some(status) = output.status.code() else {
        panic!("{what} was killed (a hang past {TIMEOUT:?}?):\n{stderr}");
    };
    assert!(
        status != 101 && !stderr.contains("panicked"),
        "{what} panicked:\n{stderr}"
    );
    Run { status, stderr }
}

/// Runs `check`, then `build`, through `wrap` (the binary and its arguments in, the command
/// to run out), and asserts each exits with `status` and reports every one of `needles`.
fn expect_with(
    site: &Site,
    status: i32,
    needles: &[&str],
    wrap: &dyn Fn(&Path, &[&str]) -> Command,
) -> [Run; 2] {
    let bin = assert_cmd::cargo::cargo_bin("handbook");
    let root = site.root.to_string_lossy().into_owned();
    ["check", "build"].map(|name| {
        let before = output_files(site);
        let run = run(wrap(&bin, &[name, "--root", &root]), name);
        assert_eq!(
            run.status, status,
            "exit status of `{name}`; stderr:\n{}",
            run.stderr
        );
        for needle in needles {
            assert!(
                run.stderr.contains(needle),
                "`{name}` should say {needle:?}; stderr:\n{}",
                run.stderr
            );
        }
        if name == "build" && status != 0 {
            assert!(
                output_files(site) == before,
                "a failed build leaves the output as it was"
            );
        }
        run
    })
}

/// Every file of the site's output with its bytes (none before the first build).
fn output_files(site: &Site) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn expect(site: &Site, status: i32, needles: &[&str]) -> [Run; 2] {
    expect_with(site, status, needles, &|bin, args| {
        let mut command = Command::new(bin);
        command.args(args).env("NO_COLOR", "1");
        command
    })
}

// --- Front matter and encodings --------------------------------------------------------------

#[test]
fn unterminated_front_matter() {
    let site = Site::new().file("content/x.md", "---\ntitle: X\n\nNever closed.\n");
    expect(
        &site,
        1,
        &["content/x.md:1:1", "front matter is not closed"],
    );
}

#[test]
fn a_bom_before_front_matter_is_not_part_of_it() {
    let site = Site::new().file("content/x.md", "\u{feff}---\ntitle: Bommed\n---\n\nText.\n");
    expect(&site, 0, &[]);
    assert!(site.read("public/x/index.html").contains("Bommed"));
}

#[test]
fn a_bom_is_not_a_column() {
    // Line 1 holds the BOM; line 5 is `See [gone](gone.md).`, whose destination is column 12.
    let site = Site::new().file(
        "content/x.md",
        "\u{feff}---\ntitle: X\n---\n\nSee [gone](gone.md).\n",
    );
    expect(&site, 1, &["content/x.md:5:12", "broken-link"]);
    let site = Site::new().file("content/x.md", "\u{feff}See [gone](gone.md).\n");
    expect(&site, 1, &["content/x.md:1:12"]);
}

#[test]
fn crlf_front_matter_is_read() {
    let site = Site::new().file("content/x.md", "---\r\ntitle: Crlf\r\n---\r\n\r\nText.\r\n");
    expect(&site, 0, &[]);
    assert!(site.read("public/x/index.html").contains("Crlf"));
}

#[test]
fn crlf_positions() {
    let site = Site::new().file("content/x.md", "---\r\ntitle: X\r\ntags: [a\r\n---\r\n");
    expect(&site, 1, &["content/x.md:3:7", "front-matter-syntax"]);
    let site = Site::new().file(
        "content/x.md",
        "---\r\ntitle: X\r\n---\r\n\r\nSee [gone](gone.md).\r\n",
    );
    expect(&site, 1, &["content/x.md:5:12"]);
}

#[test]
fn bytes_that_are_not_utf8_are_named_at_the_first_bad_byte() {
    // Line 5 is `ab\xffcd`: the bad byte is the third character.
    let site = Site::new()
        .file("content/index.md", "# Home\n\n[x](x.md)\n")
        .file(
            "content/x.md",
            b"---\ntitle: X\n---\n\nab\xffcd [home](index.md)\n",
        );
    let runs = expect(&site, 1, &["content/x.md:5:3", "not valid UTF-8"]);
    for run in runs {
        assert!(
            !run.stderr.contains("broken-link"),
            "the page still loads, so links to it resolve:\n{}",
            run.stderr
        );
    }
}

#[test]
fn tabs_in_yaml() {
    let site = Site::new().file("content/x.md", "---\ntitle: X\ntags:\n\t- a\n---\n");
    expect(
        &site,
        1,
        &["content/x.md:4:", "front-matter-syntax", "tabs"],
    );
}

#[test]
fn a_yaml_alias_bomb_stops_at_the_limit() {
    let mut yaml = String::from("---\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        yaml.push_str(&format!("  {}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    yaml.push_str("---\n");
    let site = Site::new().file("content/x.md", yaml);
    expect(
        &site,
        1,
        &["content/x.md:", "front-matter-syntax", "alias bomb"],
    );
}

#[test]
fn deeply_nested_yaml_stops_at_the_limit() {
    let flow = format!(
        "---\nextra: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let block: String = (0..1_000)
        .map(|i| format!("  {}k:\n", "  ".repeat(i)))
        .collect();
    let block = format!("---\nextra:\n{block}---\n");
    for yaml in [flow, block] {
        let site = Site::new().file("content/x.md", yaml);
        expect(
            &site,
            1,
            &["content/x.md:", "the YAML is nested deeper than 32 levels"],
        );
    }
}

// --- Size and depth -------------------------------------------------------------------------

#[test]
fn a_page_over_the_size_limit_is_refused_unread() {
    let site = Site::new();
    // 50 MB, sparse: the test does not write 50 MB, and handbook must not read them.
    let big = std::fs::File::create(site.path("content/big.md")).unwrap();
    big.set_len(50_000_000).unwrap();
    expect(
        &site,
        1,
        &[
            "content/big.md is 50.0 MB, over the 10.0 MB limit",
            "max_page_size",
        ],
    );
}

#[test]
fn the_size_limit_is_a_handbook_yaml_key() {
    let text = "Two megabytes of text.\n".repeat(2_000_000 / 23 + 1);
    let site = Site::new()
        .file("handbook.yaml", "title: T\nmax_page_size: 1 MB\n")
        .file("content/big.md", &text);
    expect(
        &site,
        1,
        &["content/big.md is 2.0 MB, over the 1.0 MB limit"],
    );

    let site = site.file("handbook.yaml", "title: T\nmax_page_size: 3 MB\n");
    expect(&site, 0, &[]);
    assert!(site.read("public/big/index.html").contains("Two megabytes"));

    let site = site.file("handbook.yaml", "title: T\nmax_page_size: lots\n");
    expect(&site, 2, &["handbook.yaml:2:"]);
}

#[test]
fn deeply_nested_lists_and_quotes_keep_link_positions() {
    // 100,000 levels each: `> - ` opens two.
    for (prefix, repeats) in [("- ", 100_000), ("> ", 100_000), ("> - ", 50_000)] {
        let body = format!("{}[gone](gone.md)\n", prefix.repeat(repeats));
        let column = prefix.len() * repeats + "[gone](".len() + 1;
        let site = Site::new().file("content/x.md", body);
        expect(
            &site,
            1,
            &[&format!("content/x.md:1:{column}"), "broken-link"],
        );
    }
}

#[test]
fn deeply_nested_quotes_and_lists_render() {
    let body = format!("{}deep [home](index.md)\n", "> - ".repeat(100_000));
    let site = Site::new().file("content/x.md", body);
    expect(&site, 0, &[]);
    let html = site.read("public/x/index.html");
    assert_eq!(html.matches("<blockquote>").count(), 100_000);
    assert!(html.contains("deep <a href=\"/\">home</a>"));
}

// --- Files that are not what they seem ------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_is_reported_and_skipped() {
    let site = Site::new().file("content/a/x.md", "# X\n");
    std::os::unix::fs::symlink("..", site.path("content/loop")).unwrap();
    std::os::unix::fs::symlink("../a", site.path("content/a/again")).unwrap();
    expect(
        &site,
        0,
        &[
            "warning[bad-symlink]: content/a/again is a symlink loop",
            "warning[bad-symlink]: content/loop is a symlink loop",
        ],
    );
    assert!(site.read("public/a/x/index.html").contains("X"));
    assert!(!site.path("public/loop").exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_page_does_not_hang_the_build() {
    let site = Site::new();
    let made = StdCommand::new("mkfifo")
        .arg(site.path("content/x.md"))
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(made.success());
    expect(&site, 1, &["content/x.md is not a regular file"]);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new()
        .file("content/x.md", "# Secret\n")
        .file("content/private/y.md", "# Private\n");
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    // Whoever runs the binary must be able to reach the handbook but not these two.
    for entry in walkdir::WalkDir::new(site._tmp.path()) {
        let entry = entry.unwrap();
        mode(
            entry.path(),
            if entry.file_type().is_dir() {
                0o777
            } else {
                0o644
            },
        );
    }
    mode(&site.path("content/x.md"), 0o000);
    mode(&site.path("content/private"), 0o000);
    let needles = [
        "content/x.md cannot be read: Permission denied",
        "content/private cannot be read: Permission denied",
    ];
    if std::fs::read(site.path("content/x.md")).is_err() {
        expect(&site, 1, &needles);
        return;
    }
    // Mode 000 does not stop this user (root): run the binary as `nobody` instead.
    let setpriv = StdCommand::new("setpriv").arg("--version").output();
    assert!(
        setpriv.is_ok_and(|o| o.status.success()),
        "running as root, so the test needs setpriv (util-linux) to read as another user"
    );
    expect_with(&site, 1, &needles, &|bin, args| {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin)
            .args(args)
            .env("NO_COLOR", "1");
        command
    });
}

// --- handbook.yaml, themes and templates ----------------------------------------------------

#[test]
fn a_missing_handbook_yaml_stops_the_run() {
    let site = Site::new();
    std::fs::remove_file(site.path("handbook.yaml")).unwrap();
    expect(&site, 2, &["no handbook.yaml"]);
}

#[test]
fn a_malformed_handbook_yaml_stops_the_run() {
    let site = Site::new().file("handbook.yaml", "title: \"Bad\n");
    expect(
        &site,
        2,
        &[
            "handbook.yaml:1:8",
            "error[config]: this quote is never closed",
        ],
    );
    let site = Site::new().file("handbook.yaml", "title: T\nextra:\n\t- a\n");
    expect(&site, 2, &["handbook.yaml:3:", "tabs"]);
}

#[test]
fn an_unknown_theme_stops_the_run_at_its_value() {
    let site = Site::new().file("handbook.yaml", "title: T\ntheme:  nope\n");
    expect(
        &site,
        2,
        &[
            "handbook.yaml:2:9",
            "theme `nope` not found: no folder themes/nope/",
        ],
    );
    let site = Site::new().file("handbook.yaml", "title: T\ntheme: ../../elsewhere\n");
    expect(&site, 2, &["handbook.yaml:2:8", "not a folder name"]);
}

#[test]
fn a_tera_syntax_error_names_the_template_line() {
    let site = Site::new()
        .file("content/x.md", "# X\n")
        .file("templates/page.html", "<p>\n{{ page.title </p>\n");
    expect(&site, 1, &["templates/page.html:2:", "error[template]"]);
}

#[test]
fn an_undefined_template_variable_names_the_template_line() {
    let site = Site::new()
        .file("content/x.md", "# X\n")
        .file("templates/page.html", "<p>\n{{ page.nope }}\n");
    expect(
        &site,
        1,
        &["templates/page.html:2:9", "Field `nope` is not defined"],
    );
}

// --- Valid, though they look odd ------------------------------------------------------------

#[test]
fn an_empty_file_is_a_page() {
    let site = Site::new().file("content/x.md", "");
    expect(&site, 0, &[]);
    assert!(site.read("public/x/index.html").contains("<title>x"));
}

#[test]
fn a_file_of_front_matter_only_is_a_page() {
    let site = Site::new()
        .file("content/x.md", "---\ntitle: Only\n---\n")
        .file("content/y.md", "---\ntitle: No newline\n---");
    expect(&site, 0, &[]);
    assert!(site.read("public/x/index.html").contains("<title>Only"));
    assert!(
        site.read("public/y/index.html")
            .contains("<title>No newline")
    );
}

// --- Odd file names -------------------------------------------------------------------------

/// A page named `file`, linked from the home page as `link` (relative), by its site URL `url`
/// (as a browser requests it) and at a heading: it builds into a folder of its own name, checks
/// clean, and every link of the output arrives over HTTP, the page's own included.
fn odd_name(file: &str, link: &str, url: &str) {
    let site = Site::new()
        .file(
            "content/index.md",
            format!("# Home\n\n[by file]({link}), [by URL](/{url}), [a part]({link}#part-one).\n"),
        )
        .file(
            &format!("content/{file}"),
            "# Odd\n\n## Part one\n\nBack [home](/index.md), or [up](#part-one).\n",
        );
    for run in expect(&site, 0, &[]) {
        assert!(
            !run.stderr.contains("warning") && !run.stderr.contains("error"),
            "checks clean:\n{}",
            run.stderr
        );
    }
    let folder = handbook::load::url_of(file);
    assert!(
        site.path(&format!("public/{folder}index.html")).is_file(),
        "{file} is published as {folder}index.html, its name as it is"
    );
    let (report, origin) = crawl::crawl_dir(&site.path("public"), "/", &[]);
    report.assert_clean(20);
    report.assert_fetched(&origin, &[&format!("/{url}")]);
    assert!(report.fragments >= 3, "the part, twice, and the skip links");
}

#[test]
fn a_file_name_with_a_space() {
    odd_name("my page.md", "my%20page.md", "my%20page/");
    odd_name("my page.md", "<my page.md>", "my%20page/");
    odd_name("sales team/index.md", "sales%20team/", "sales%20team/");
}

#[test]
fn a_file_name_with_a_hash() {
    odd_name("c#-tips.md", "c%23-tips.md", "c%23-tips/");
}

#[test]
fn a_file_name_with_a_question_mark() {
    odd_name("faq?.md", "faq%3F.md", "faq%3F/");
}

#[test]
fn a_file_name_with_a_percent_sign() {
    odd_name("100%-club.md", "100%25-club.md", "100%25-club/");
    // A `%` that starts no escape is read as itself, as browsers read it.
    odd_name("100%-club.md", "100%-club.md", "100%25-club/");
}

#[test]
fn a_file_name_with_letters_beyond_ascii() {
    odd_name("überblick.md", "überblick.md", "%C3%BCberblick/");
    odd_name("überblick.md", "%C3%BCberblick.md", "%C3%BCberblick/");
    odd_name("価格/index.md", "価格/", "%E4%BE%A1%E6%A0%BC/");
}

#[test]
fn a_hash_or_question_mark_of_a_file_name_written_raw_is_a_broken_link() {
    // `c#-tips.md` is the page `c` at the fragment `-tips.md`; `faq?.md` is `faq` with a query.
    let site = Site::new()
        .file(
            "content/index.md",
            "# Home\n\n[tips](c#-tips.md) [faq](faq?.md)\n\n[ok](c%23-tips.md) [ok](faq%3F.md)\n",
        )
        .file("content/c#-tips.md", "# Tips\n")
        .file("content/faq?.md", "# FAQ\n");
    expect(
        &site,
        1,
        &[
            "content/index.md:3:8",
            "as in `c%23-tips.md`",
            "content/index.md:3:26",
            "as in `faq%3F.md`",
        ],
    );
}
