//! What a generation holds: for each file, the hash of its bytes, and the size and
//! modification time it had when handbook wrote it. A file whose size and time still match is
//! trusted to hold those bytes without being read; one changed by hand no longer matches.
//! A rendered page also records the fingerprint of what it was rendered from
//! ([`crate::render::fingerprint`]): a later build whose page has the same fingerprint keeps
//! the file without rendering it again.

use std::fs::Metadata;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::Xxh3Default;

const HEADER: &str = "handbook-manifest 2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub hash: u128,
    pub size: u64,
    /// Nanoseconds since the epoch; `None` where the file system does not say.
    pub mtime: Option<u128>,
    /// What the file was rendered from, for a page; `None` for every other file.
    pub fingerprint: Option<u128>,
}

pub type Manifest = FxHashMap<String, Entry>;

pub fn hash(bytes: &[u8]) -> u128 {
    crate::hash::xxh3_128(bytes)
}

/// Hashes a file without holding it in memory (static files may be large).
pub fn hash_file(path: &Path) -> std::io::Result<u128> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3Default::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(hasher.digest128());
        }
        hasher.update(&buffer[..n]);
    }
}

pub fn mtime(meta: &Metadata) -> Option<u128> {
    meta.modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_nanos())
}

/// The manifest at `path`; `None` when there is none or it is not whole (a build was killed
/// while writing it), so the generation's files are compared by their bytes instead.
pub fn read(path: &Path) -> Option<Manifest> {
    let file = std::fs::File::open(path).ok()?;
    let mut lines = BufReader::new(file).lines();
    if lines.next()?.ok()? != HEADER {
        return None;
    }
    let mut manifest = Manifest::default();
    let mut complete = false;
    for line in lines {
        let line = line.ok()?;
        if line == "end" {
            complete = true;
            break;
        }
        let (entry, path) = parse(&line)?;
        manifest.insert(path.to_string(), entry);
    }
    complete.then_some(manifest)
}

fn parse(line: &str) -> Option<(Entry, &str)> {
    let mut fields = line.splitn(5, ' ');
    let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
    let size = fields.next()?.parse().ok()?;
    let mtime = match fields.next()? {
        "-" => None,
        t => Some(t.parse().ok()?),
    };
    let fingerprint = match fields.next()? {
        "-" => None,
        f => Some(u128::from_str_radix(f, 16).ok()?),
    };
    let entry = Entry {
        hash,
        size,
        mtime,
        fingerprint,
    };
    Some((entry, fields.next()?))
}

/// Writes `entries` to `path`, ending with a line that proves the file whole. A path with a
/// line break in it is left out: its file is then compared by its bytes next time.
pub fn write(path: &Path, entries: &[(String, Entry)]) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    for (rel, entry) in entries {
        if rel.contains(['\n', '\r']) {
            continue;
        }
        write!(out, "{:032x} {} ", entry.hash, entry.size)?;
        match entry.mtime {
            Some(t) => write!(out, "{t}")?,
            None => write!(out, "-")?,
        }
        match entry.fingerprint {
            Some(f) => write!(out, " {f:032x}")?,
            None => write!(out, " -")?,
        }
        writeln!(out, " {rel}")?;
    }
    writeln!(out, "end")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_a_cut_manifest_is_no_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("m");
        let entries = vec![
            (
                "a b/index.html".to_string(),
                Entry {
                    hash: hash(b"x"),
                    size: 1,
                    mtime: Some(1_700_000_000_123_456_789),
                    fingerprint: Some(u128::MAX - 7),
                },
            ),
            (
                "c.css".to_string(),
                Entry {
                    hash: 0,
                    size: 0,
                    mtime: None,
                    fingerprint: None,
                },
            ),
            (
                "line\nbreak".to_string(),
                Entry {
                    hash: 1,
                    size: 1,
                    mtime: None,
                    fingerprint: Some(3),
                },
            ),
        ];
        write(&path, &entries).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.len(), 2);
        assert_eq!(read_back["a b/index.html"], entries[0].1);
        assert_eq!(read_back["c.css"], entries[1].1);

        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() - 4]).unwrap();
        assert!(read(&path).is_none(), "a manifest cut short is not trusted");
        assert!(read(&tmp.path().join("none")).is_none());
    }

    #[test]
    fn hash_file_agrees_with_hash() {
        let tmp = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(tmp.path().join("f"), &bytes).unwrap();
        assert_eq!(hash_file(&tmp.path().join("f")).unwrap(), hash(&bytes));
    }
}
