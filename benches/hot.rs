//! The functions every page goes through, timed on their own so a regression shows:
//! `cargo bench --bench hot` (criterion; `cargo bench --bench hot -- render` for one group).
//!
//! The pages are `benches/site/`, a 12-page handbook made by `benches/gen_handbook.py --pages
//! 12 --seed 42`: one process page (stages in front matter) and one playbook (prose and links)
//! stand for the two shapes of page a handbook is mostly made of.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use handbook::load::{LineIndex, front_matter, markdown};
use handbook::model::Kind;
use handbook::site::{self, Options};

const PAGES: [(&str, Kind); 2] = [
    ("processes/p-00001/index.md", Kind::Process),
    ("playbooks/pb-000001.md", Kind::Playbook),
];

fn site_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/site"))
}

fn source(page: &str) -> String {
    let path = site_root().join("content").join(page);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn name(page: &str) -> &str {
    page.split('/').next().unwrap_or(page)
}

fn front_matter(c: &mut Criterion) {
    let mut group = c.benchmark_group("front_matter");
    for (page, kind) in PAGES {
        let text = source(page);
        group.bench_function(format!("split/{}", name(page)), |b| {
            b.iter(|| front_matter::split(black_box(&text)))
        });
        let lines = LineIndex::new(&text);
        group.bench_function(format!("read/{}", name(page)), |b| {
            b.iter(|| {
                let split = front_matter::split(black_box(&text));
                front_matter::read(page, &lines, &text, split, kind, &[])
            })
        });
    }
    group.finish();
}

/// One front matter's YAML read into a tree on each road `yaml::tree` may take: line by line
/// (what the synthetic pages take), from the parser's events, and through serde-saphyr.
fn yaml(c: &mut Criterion) {
    let mut group = c.benchmark_group("yaml");
    for (page, _) in PAGES {
        let text = source(page);
        let Ok(Some(split)) = front_matter::split(&text) else {
            panic!("{page} has no front matter");
        };
        let yaml = split.yaml;
        assert!(handbook::yaml::block::tree(yaml).is_some(), "{page}");
        group.bench_function(format!("block/{}", name(page)), |b| {
            b.iter(|| handbook::yaml::block::tree(black_box(yaml)))
        });
        group.bench_function(format!("events/{}", name(page)), |b| {
            b.iter(|| handbook::yaml::events::tree(black_box(yaml)))
        });
        group.bench_function(format!("serde/{}", name(page)), |b| {
            b.iter(|| handbook::yaml::spanned::tree(black_box(yaml)))
        });
    }
    group.finish();
}

fn links(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown");
    for (page, _) in PAGES {
        let text = source(page);
        let body = match front_matter::split(&text) {
            Ok(Some(split)) => &text[split.body_offset..],
            _ => panic!("{page} has no front matter"),
        };
        // As `check` runs it: headings, anchors and links, no HTML (the events only HTML
        // needs are skipped).
        group.bench_function(format!("links/{}", name(page)), |b| {
            b.iter(|| markdown::parse(black_box(body), false))
        });
        group.bench_function(format!("html/{}", name(page)), |b| {
            b.iter(|| markdown::parse(black_box(body), true))
        });
    }
    group.finish();
}

/// Line and column of every link and anchor of a page, in the order `load` asks for them
/// (sorted by offset, so the text is read once, forwards).
fn positions(c: &mut Criterion) {
    let mut group = c.benchmark_group("positions");
    for (page, _) in PAGES {
        let text = source(page);
        let body_offset = match front_matter::split(&text) {
            Ok(Some(split)) => split.body_offset,
            _ => panic!("{page} has no front matter"),
        };
        let parsed = markdown::parse(&text[body_offset..], false);
        let mut offsets: Vec<usize> = (parsed.links.iter().map(|(_, _, at)| *at))
            .chain(parsed.anchors.iter().map(|(_, _, at)| *at))
            .map(|at| body_offset + at)
            .collect();
        offsets.sort_unstable();
        assert!(offsets.len() > 5, "{page}: too few positions to time");
        group.bench_function(format!("links-anchors/{}", name(page)), |b| {
            b.iter(|| {
                let lines = LineIndex::new(black_box(&text));
                offsets
                    .iter()
                    .map(|&at| lines.pos(at, 4).line)
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

fn checked() -> site::Checked {
    let options = Options {
        root: site_root().to_path_buf(),
        html: true,
        ..Options::default()
    };
    let checked = site::check(&options).unwrap_or_else(|e| panic!("benches/site: {e}"));
    assert!(
        !checked.has_errors(),
        "benches/site has errors: {:?}",
        checked.diagnostics
    );
    checked
}

fn page_index(checked: &site::Checked, page: &str) -> usize {
    let index = checked.site.by_path.get(page).copied();
    index.unwrap_or_else(|| panic!("benches/site has no {page}"))
}

fn resolve(c: &mut Criterion) {
    let checked = checked();
    let site = &checked.site;
    let mut group = c.benchmark_group("resolve");
    for (page, _) in PAGES {
        let i = page_index(&checked, page);
        assert!(!site.pages[i].links.is_empty(), "{page} has no links");
        group.bench_function(format!("links/{}", name(page)), |b| {
            b.iter(|| {
                for link in &site.pages[i].links {
                    black_box(handbook::resolve::links::resolve(site, i, &link.dest));
                }
            })
        });
    }
    group.finish();
}

fn render(c: &mut Criterion) {
    let mut checked = checked();
    let mut theme = checked.theme.take().expect("the default theme loads");
    theme.set_site(&checked.site);
    let mut group = c.benchmark_group("render");
    let mut html = Vec::new();
    for (page, _) in PAGES {
        let i = page_index(&checked, page);
        group.bench_function(format!("page/{}", name(page)), |b| {
            b.iter(|| {
                html.clear();
                theme
                    .render_page_to(&checked.site, i, &mut html)
                    .unwrap_or_else(|d| panic!("{page}: {}", d.message));
                black_box(html.len())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = hot;
    // Short: these run on shared machines, beside other work; the medians are what matter.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(30);
    targets = front_matter, yaml, links, positions, resolve, render
}
criterion_main!(hot);
