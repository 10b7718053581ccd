use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use handbook::model::{Kind, PageIdx, Role};
use handbook::resolve::links;
use handbook::site::{self, Options};

use super::root::Root;
use super::ui::Ui;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    /// A team: content/departments/ID/index.md
    Department,
    /// A process with stages: content/processes/ID/index.md
    Process,
    /// A playbook for a stage of a process: content/playbooks/ID.md
    Playbook,
    /// A plain page: content/ID.md
    Page,
}

/// `new`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What kind of page
    #[arg(value_enum)]
    pub kind: NewKind,
    /// Its id, which is also its URL: lowercase letters, digits and dashes (`renewal-call`)
    pub id: String,
    /// Its title [default: the id in title case: `renewal-call` is "Renewal Call"]
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub root: Root,
}

/// Writes the page with every required field present. Reference fields get the id of an
/// existing page of the right kind when there is one, and the page's parent gets a link to it
/// (README, "Commands"), so the new page checks clean at once, `--deny-warnings` included.
pub fn run(args: Args, ui: &Ui) -> anyhow::Result<ExitCode> {
    let Args {
        kind, id, title, ..
    } = &args;
    let (kind, id, title) = (*kind, id.as_str(), title.as_deref());
    if let Err(why) = valid_id(id) {
        bail!("`{id}` cannot be an id: {why}");
    }
    let root = &args.root.find(ui)?;
    let options = Options {
        root: root.to_path_buf(),
        ..Options::default()
    };
    let checked = site::check(&options)?;
    let site = &checked.site;
    if let Some(&existing) = site.by_id.get(id) {
        bail!("id `{id}` is already used by {}", site.pages[existing].file);
    }
    let first_page = |kind: Kind| site.of_kind(kind).first().copied();
    let first = |kind: Kind| first_page(kind).map(|i| site.pages[i].id.clone());
    let home = site.pages.iter().position(|p| p.role == Role::Home);
    // The page that links to the new one: the department that owns a process, the process a
    // playbook runs a stage of, else the home page.
    let parent: Option<PageIdx> = match kind {
        NewKind::Department | NewKind::Page => home,
        NewKind::Process => first_page(Kind::Department),
        NewKind::Playbook => first_page(Kind::Process),
    };
    let title = title.map_or_else(|| title_case(id), str::to_string);
    let (path, fields) = match kind {
        NewKind::Department => (
            format!("departments/{id}/index.md"),
            "collaborates_with: []\nmetrics: []\n".to_string(),
        ),
        NewKind::Process => (
            format!("processes/{id}/index.md"),
            format!(
                "owner: {}  # the owning department's id\nstatus: planned\nused_when: \"\"\nstages:\n  - name: First meeting\n    goal: \"\"\n    exit_criteria: []\n    playbooks: []\n",
                first(Kind::Department).unwrap_or_else(|| "department-id".into())
            ),
        ),
        NewKind::Playbook => {
            let process = first(Kind::Process);
            let stage = process
                .as_ref()
                .and_then(|p| site.by_id.get(p))
                .and_then(|&i| site.pages[i].process())
                .and_then(|p| p.stages.first())
                .map_or_else(|| "stage-id".to_string(), |s| s.id.clone());
            (
                format!("playbooks/{id}.md"),
                format!(
                    "process: {}  # the process this playbook runs a step of\nstage: {stage}\naudience: \"\"\n",
                    process.unwrap_or_else(|| "process-id".into())
                ),
            )
        }
        NewKind::Page => (format!("{id}.md"), String::new()),
    };
    let file = root.join("content").join(&path);
    if file.exists() {
        bail!("{} already exists; not overwriting it", file.display());
    }
    let text = format!(
        "---\ntitle: {title:?}\ndescription: \"\"\n{fields}---\n\n# {title}\n\nWrite the page here.\n"
    );
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // `create_new` so a file appearing between the check and the write is not overwritten.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .with_context(|| format!("writing {}", file.display()))?;
    ui.say(format_args!("created content/{path}"));
    match parent {
        Some(parent) => {
            let parent = &site.pages[parent];
            link_from(root, &parent.file, &parent.path, &path, &title)?;
            ui.say(format_args!("linked to it from {}", parent.file));
        }
        None => ui.say(
            "no page links to it yet: link to it from a related page (else it is an orphan-page warning)",
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// An id is published as it is, in the page's URL and in references to it: lowercase ASCII
/// letters, digits and dashes, starting and ending with a letter or digit. `Err` says what to
/// write instead.
fn valid_id(id: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !id.is_empty() && id.chars().all(allowed) && !id.starts_with('-') && !id.ends_with('-') {
        return Ok(());
    }
    let rule = "an id is lowercase letters, digits and dashes, like `renewal-call`";
    // The id the user most likely meant: lowercased, runs of anything else as one dash.
    let mut meant = String::new();
    for c in id.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            meant.push(c);
        } else if !meant.is_empty() && !meant.ends_with('-') {
            meant.push('-');
        }
    }
    let meant = meant.trim_end_matches('-');
    let only_ascii = id.chars().all(|c| c.is_ascii() || !c.is_alphanumeric());
    if meant.is_empty() || !only_ascii {
        Err(rule.to_string())
    } else {
        Err(format!("{rule} (did you mean `{meant}`?)"))
    }
}

/// Appends a list item linking to content path `to` at the end of the page `file` (content
/// path `from`), so readers find the new page and `orphan-page` stays quiet.
fn link_from(root: &Path, file: &str, from: &str, to: &str, title: &str) -> anyhow::Result<()> {
    let full = root.join(file);
    let text = std::fs::read_to_string(&full).with_context(|| format!("reading {file}"))?;
    let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let label: String = title
        .chars()
        .flat_map(|c| {
            let escape = matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<');
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect();
    // Right under a list item the new item joins that list; otherwise it starts one.
    let last = text
        .trim_end_matches('\n')
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let in_list = last.starts_with("- ") && text.ends_with('\n');
    let separator = if text.is_empty() || in_list || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let item = format!("{separator}- [{label}]({})\n", links::relative(dir, to));
    std::fs::OpenOptions::new()
        .append(true)
        .open(&full)
        .and_then(|mut f| std::io::Write::write_all(&mut f, item.as_bytes()))
        .with_context(|| format!("adding a link to {file}"))
}

/// `renewal-call` -> `Renewal Call`: the words of an id, each capitalised.
fn title_case(id: &str) -> String {
    let capitalised = id.split('-').filter(|w| !w.is_empty()).map(|word| {
        let mut chars = word.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    });
    capitalised.collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{title_case, valid_id};

    #[test]
    fn ids_are_lowercase_letters_digits_and_dashes() {
        for good in ["renewal-call", "q4", "2024-kickoff", "a"] {
            assert_eq!(valid_id(good), Ok(()), "{good}");
        }
        let meant = |id: &str| valid_id(id).unwrap_err();
        assert_eq!(
            meant("Bad Id"),
            "an id is lowercase letters, digits and dashes, like `renewal-call` \
             (did you mean `bad-id`?)"
        );
        assert!(meant("renewal_call").ends_with("(did you mean `renewal-call`?)"));
        assert!(meant("-x-").ends_with("(did you mean `x`?)"));
        assert!(meant("Q4 Kick-off!").ends_with("(did you mean `q4-kick-off`?)"));
        for no_guess in ["", "---", "überblick"] {
            let why = valid_id(no_guess).unwrap_err();
            assert!(!why.contains("did you mean"), "{no_guess}: {why}");
        }
        assert!(meant("../x").ends_with("(did you mean `x`?)"));
    }

    #[test]
    fn titles_come_from_the_id_in_title_case() {
        assert_eq!(title_case("renewal-call"), "Renewal Call");
        assert_eq!(title_case("q4-2024-kickoff"), "Q4 2024 Kickoff");
        assert_eq!(title_case("faq"), "Faq");
    }
}
