//! Images: the files a missing image may have meant. Only image files are candidates (never a
//! page), found first by the same file name elsewhere (the image moved), then by the nearest
//! name.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Link, PageIdx};
use crate::resolve::{Site, links};
use crate::suggest::{Index, typo_limit};
use crate::url;

/// File extensions browsers show as images.
const EXTENSIONS: &[&str] = &[
    "apng", "avif", "bmp", "gif", "ico", "jpeg", "jpg", "jxl", "png", "svg", "tif", "tiff", "webp",
];

/// Whether a path names an image file, by its extension.
pub fn is_image(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// An image file of the site, by where it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image<'a> {
    /// Beside the pages, under `content/`: reachable by a relative link.
    Content(&'a str),
    /// In `static/` (or the theme's): reachable by its site path, `/img/x.png`.
    Static(&'a str),
}

impl<'a> Image<'a> {
    pub fn path(self) -> &'a str {
        match self {
            Image::Content(p) | Image::Static(p) => p,
        }
    }
}

/// Every image file of a site, indexed by file name.
pub struct Images<'a> {
    /// By file name in lower case: an image that moved.
    by_name: HashMap<String, Vec<Image<'a>>>,
    /// By file name as written, and a trigram index of those names: a mistyped name.
    by_file_name: HashMap<&'a str, Vec<Image<'a>>>,
    names: Index<'a>,
}

impl<'a> Images<'a> {
    pub fn new(site: &'a Site) -> Self {
        let all: Vec<Image> = site
            .assets
            .iter()
            .filter(|p| is_image(p))
            .map(|p| Image::Content(p))
            .chain(
                site.static_files
                    .iter()
                    .filter(|p| is_image(p))
                    .map(|p| Image::Static(p)),
            )
            .collect();
        let mut by_name: HashMap<String, Vec<Image>> = HashMap::new();
        let mut by_file_name: HashMap<&str, Vec<Image>> = HashMap::new();
        for &image in &all {
            by_name.entry(name(image.path())).or_default().push(image);
            by_file_name
                .entry(file_name(image.path()))
                .or_default()
                .push(image);
        }
        let names = Index::new(by_file_name.keys().copied());
        Images {
            by_name,
            by_file_name,
            names,
        }
    }

    /// An image with the same file name (in any case) elsewhere, the nearest by path: the
    /// image moved. One lookup.
    pub fn moved(&self, wanted: &str) -> Option<Image<'a>> {
        self.by_name
            .get(&name(wanted))?
            .iter()
            .min_by_key(|i| strsim::levenshtein(i.path(), wanted))
            .copied()
    }

    /// The image whose file name is nearest to the wanted one's: a trigram lookup, never a
    /// scan, so every missing image gets its suggestion however many there are.
    pub fn nearest(&self, wanted: &str) -> Option<Image<'a>> {
        let wanted_name = file_name(wanted);
        let best = self
            .names
            .nearest(wanted_name, typo_limit(wanted_name.chars().count()))?;
        self.by_file_name
            .get(best)?
            .iter()
            .min_by_key(|i| strsim::levenshtein(i.path(), wanted))
            .copied()
    }
}

/// A missing image, named as one, with `best` (the nearest image file) as its help, written
/// the way the link was: relative to the page, or from the site's root.
pub fn missing(
    site: &Site,
    from: PageIdx,
    link: &Link,
    wanted: &str,
    best: Option<Image>,
) -> Diagnostic {
    let page = &site.pages[from];
    let message = format!(
        "image `{}` not found: no file at `content/{wanted}`",
        link.dest
    );
    let d = Diagnostic::error(Code::BrokenLink, &page.file, link.pos.clone(), message);
    let Some(best) = best else {
        return d;
    };
    let dir = page.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let written = match best {
        Image::Content(path) if !link.dest.starts_with('/') => {
            url::path(&links::relative(dir, path)).into_owned()
        }
        Image::Content(path) | Image::Static(path) => {
            format!("{}{}", site.config.base_path(), url::path(path))
        }
    };
    d.with_help(format!("did you mean `{written}`?"))
}

/// A path's file name, lowercase: `img/Pipeline.PNG` -> `pipeline.png`.
fn name(path: &str) -> String {
    file_name(path).to_lowercase()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_by_extension() {
        assert!(is_image("a/pipeline.PNG") && is_image("x.svg") && is_image("y.webp"));
        assert!(!is_image("index.md") && !is_image("deck.pdf") && !is_image("png"));
    }

    #[test]
    fn moved_then_nearest_by_name() {
        let site = crate::resolve::resolve(
            crate::config::Config::parse("").unwrap(),
            Vec::new(),
            ["guide/pipeline.png", "guide/index.md", "other/team.jpg"]
                .map(String::from)
                .into(),
            ["img/logo.svg".to_string()].into(),
            false,
        );
        let images = Images::new(&site);
        assert_eq!(images.by_file_name.values().flatten().count(), 3);
        assert_eq!(
            images.moved("processes/pipeline.png"),
            Some(Image::Content("guide/pipeline.png"))
        );
        assert_eq!(images.moved("processes/pipline.png"), None);
        assert_eq!(
            images.nearest("processes/pipline.png"),
            Some(Image::Content("guide/pipeline.png"))
        );
        assert_eq!(
            images.nearest("logo.png"),
            Some(Image::Static("img/logo.svg"))
        );
        // Never a page: `index.md` is not a candidate for `index.png`.
        assert_eq!(images.nearest("index.png"), None);
    }
}
