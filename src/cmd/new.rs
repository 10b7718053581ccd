use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use handbook::model::{Kind, PageIdx, Role};
use handbook::resolve::links;
use handbook::site::{self, Options};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Department,
    Process,
    Playbook,
    Page,
}

/// Writes the page with every required field present. Reference fields get the id of an
/// existing page of the right kind when there is one, and the page's parent gets a link to it
/// (README, "Commands"), so the new page checks clean at once, `--deny-warnings` included.
pub fn run(root: &Path, kind: NewKind, id: &str, title: Option<&str>) -> anyhow::Result<ExitCode> {
    let id_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    if id.is_empty() || !id.chars().all(id_char) || id.starts_with('-') {
        bail!("`{id}` cannot be an id: use letters, digits and dashes, like `renewal-call`");
    }
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
    let title = title.map_or_else(|| sentence(&id.replace(['-', '_'], " ")), str::to_string);
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
    println!("created content/{path}");
    match parent {
        Some(parent) => {
            let parent = &site.pages[parent];
            link_from(root, &parent.file, &parent.path, &path, &title)?;
            println!("linked to it from {}", parent.file);
        }
        None => println!(
            "no page links to it yet: link to it from a related page (else it is an orphan-page warning)"
        ),
    }
    Ok(ExitCode::SUCCESS)
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

/// `renewal call` -> `Renewal call`.
fn sentence(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
