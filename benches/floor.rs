//! The floor for `benches/peers.py`: writes the files a build writes (same paths, same sizes)
//! into a fresh folder as fast as this machine allows, and nothing else: no reading, no
//! parsing, no rendering. A build's time over this one's is what the build itself costs.
//!
//!     rustc --edition 2021 -O benches/floor.rs -o floor
//!     floor LIST OUT
//!
//! LIST holds one `SIZE PATH` line per file (PATH relative, `/`-separated); OUT must not exist.
//! Folders are made first, each after its parent; then one thread per CPU writes its share of
//! the files from one buffer of filler bytes. Standard library only, so the benchmark script
//! can build it with `rustc` alone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, list, out] = args.as_slice() else {
        eprintln!("usage: floor LIST OUT");
        return ExitCode::from(2);
    };
    match run(Path::new(list), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(list: &Path, out: &Path) -> std::io::Result<()> {
    let text = fs::read_to_string(list)?;
    let mut files: Vec<(usize, &str)> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (size, path) = line
            .split_once(' ')
            .ok_or_else(|| std::io::Error::other(format!("bad line: {line}")))?;
        let size = size
            .parse()
            .map_err(|_| std::io::Error::other(format!("bad size: {line}")))?;
        files.push((size, path));
    }
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|(_, p)| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    fs::create_dir(out)?;
    for dir in dirs {
        // `create_dir_all`: a folder with no file of its own (`a/` of `a/b/f`) comes with `a/b`.
        fs::create_dir_all(out.join(dir))?;
    }
    let largest = files.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let filler = vec![b'x'; largest];
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let out: PathBuf = out.to_path_buf();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (files, filler, out) = (&files, &filler, &out);
                scope.spawn(move || -> std::io::Result<()> {
                    for (size, path) in files.iter().skip(t).step_by(threads) {
                        fs::File::create(out.join(path))?.write_all(&filler[..*size])?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("panic")))
        })
    })
}
