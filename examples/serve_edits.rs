//! Times `serve`'s incremental rebuild without the watcher: opens a preview of SITE (a copy of
//! a generated handbook: it is edited and restored), then applies each kind of edit of
//! `benches/serve_latency.py` RUNS times and prints the median time of `Preview::apply`.
//!
//!     cargo run --release --example serve_edits -- SITE [RUNS] [EDITS...]

use std::path::{Path, PathBuf};
use std::time::Instant;

use handbook::serve::preview::Preview;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let site = PathBuf::from(args.first().expect("SITE"));
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let edits: Vec<&str> = if args.len() > 2 {
        args[2..].iter().map(String::as_str).collect()
    } else {
        vec!["body", "title", "stage", "new", "delete"]
    };
    let content = site.join("content");
    let mut names: Vec<String> = std::fs::read_dir(content.join("playbooks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.md")
        .collect();
    names.sort();
    let page = content.join("playbooks").join(&names[names.len() / 2]);
    let original = std::fs::read_to_string(&page).unwrap();
    let field = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap()
            .trim()
            .to_string()
    };
    let process_id = field(&original, "process:");
    let stage_id = field(&original, "stage:");
    let process = content.join("processes").join(&process_id).join("index.md");
    let process_original = std::fs::read_to_string(&process).unwrap();
    let title = field(&process_original, "title:");
    let stage_at = process_original.find(&format!("id: {stage_id}\n")).unwrap();
    let name_at = process_original[..stage_at].rfind("- name: \"").unwrap() + 9;
    let new = content.join("playbooks").join("zz-latency-probe.md");

    let t = Instant::now();
    let (mut preview, report) = Preview::open(&site).unwrap();
    println!("open: {:?} {report:?}", t.elapsed());
    for edit in edits {
        let mut times = Vec::new();
        for run in 0..runs {
            let token = format!("Probe {run}");
            let changed: PathBuf = match edit {
                "body" => {
                    std::fs::write(&page, format!("{original}\n\n{token}\n")).unwrap();
                    page.clone()
                }
                "title" => {
                    let text = process_original.replacen(
                        &format!("title: {title}"),
                        &format!("title: {}", retitle(&title, &token)),
                        1,
                    );
                    std::fs::write(&process, text).unwrap();
                    process.clone()
                }
                "stage" => {
                    let mut text = process_original.clone();
                    text.insert_str(name_at, &format!("{token} "));
                    std::fs::write(&process, text).unwrap();
                    process.clone()
                }
                "new" => {
                    std::fs::write(
                        &new,
                        format!("---\ntitle: \"{token}\"\nprocess: {process_id}\nstage: {stage_id}\n---\n\nA new playbook.\n"),
                    )
                    .unwrap();
                    new.clone()
                }
                "delete" => {
                    std::fs::write(
                        &new,
                        format!("---\ntitle: \"{token}\"\nprocess: {process_id}\nstage: {stage_id}\n---\n\nA new playbook.\n"),
                    )
                    .unwrap();
                    preview.apply(std::slice::from_ref(&new));
                    std::fs::remove_file(&new).unwrap();
                    new.clone()
                }
                other => panic!("unknown edit {other}"),
            };
            let t = Instant::now();
            let report = preview.apply(&[changed]);
            let _files = preview.files();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if run == 0 {
                println!("{edit}: {report:?}");
                for (step, took) in &preview.timings.steps {
                    println!("  {step}: {:.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            restore(
                &mut preview,
                edit,
                &page,
                &original,
                &process,
                &process_original,
                &new,
            );
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{edit}: median {:.1} ms, min {:.1}, max {:.1}",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}

fn retitle(title: &str, token: &str) -> String {
    match title.strip_suffix('"') {
        Some(t) => format!("{t} {token}\""),
        None => format!("{title} {token}"),
    }
}

fn restore(
    preview: &mut Preview,
    edit: &str,
    page: &Path,
    original: &str,
    process: &Path,
    process_original: &str,
    new: &Path,
) {
    let changed = match edit {
        "body" => {
            std::fs::write(page, original).unwrap();
            page.to_path_buf()
        }
        "title" | "stage" => {
            std::fs::write(process, process_original).unwrap();
            process.to_path_buf()
        }
        "new" => {
            std::fs::remove_file(new).unwrap();
            new.to_path_buf()
        }
        _ => return,
    };
    preview.apply(&[changed]);
}
