use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use handbook::model::Kind;
use handbook::site::{self, Options};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Department,
    Process,
    Playbook,
    Page,
}

/// Writes the page with every required field present. Reference fields get the id of an
/// existing page of the right kind when there is one, so the new page checks clean at once.
pub fn run(root: &Path, kind: NewKind, id: &str, title: Option<&str>) -> anyhow::Result<ExitCode> {
    if id.is_empty() || id.contains(['/', '\\', '.']) || id.starts_with('-') {
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
    let first = |kind: Kind| {
        site.of_kind(kind)
            .first()
            .map(|&i| site.pages[i].id.clone())
    };
    let title = title.map_or_else(|| id.replace('-', " "), str::to_string);
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
    Ok(ExitCode::SUCCESS)
}
