//! Times the list pages of SITE: building the page context, turning it into Tera values, and
//! the whole render, medians of 5 (`cargo run --release --example list_render -- SITE`).
use std::time::Instant;
fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let options = handbook::site::Options {
        root,
        html: true,
        ..Default::default()
    };
    let mut checked = handbook::site::check(&options).unwrap();
    let mut theme = checked.theme.take().unwrap();
    theme.set_site(&checked.site);
    let site = &checked.site;
    for i in (0..site.pages.len()).filter(|&i| site.pages[i].is_list()) {
        let mut t = [0f64; 3];
        for _ in 0..5 {
            let s = Instant::now();
            let cx = handbook::render::context::page_context(site, theme.links(), i);
            t[0] += s.elapsed().as_secs_f64() * 200.0;
            let s = Instant::now();
            let mut tcx = tera::Context::new();
            tcx.insert_value("page", handbook::render::context::to_tera(&cx));
            t[1] += s.elapsed().as_secs_f64() * 200.0;
            let s = Instant::now();
            let html = theme.render_page(site, i).unwrap();
            t[2] += s.elapsed().as_secs_f64() * 200.0;
            if t[2] < 0.0 {
                println!("{}", html.len());
            }
        }
        println!(
            "{}: context {:.1} ms, to tera {:.1} ms, whole render {:.1} ms",
            site.pages[i].path, t[0], t[1], t[2]
        );
    }
}
