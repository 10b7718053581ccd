//! Two generations that rotate. Beside the output `public/` sits `.public.handbook/`, holding
//! the lock, `prev/` (the output of the build before the live one) and a manifest for each.
//! A build turns `prev/` into the new site, writing only the files whose bytes differ from what
//! it holds and removing those no longer in the site, then exchanges it with `public/` in one
//! atomic step; the old live output becomes the next build's `prev/`. Nothing is deleted
//! wholesale, and `public/` is never written in place.
//!
//! A file `prev/` lacks but the live output holds with the same bytes is hard-linked from it
//! rather than written (a link costs a fraction of a write): so the first rebuild after a clean
//! build, which finds `prev/` empty, writes only what changed. The two generations then share
//! inodes, so a file of `prev/` is never written into: a changed file is unlinked and created
//! anew, and the live output's inode stays as readers see it.
//!
//! The folders `prev/` lacks are made on a thread of their own while the pages are written
//! ([`super::folders`]), not before: a write that gets ahead of that thread makes its folder
//! itself. They are made inside `prev/` only, so a build killed meanwhile leaves `prev/`
//! half-made, as a build killed while writing does, and the next build repairs it.
//!
//! A page's entry also records the fingerprint of what it was rendered from: a build whose
//! page has a fingerprint `prev/` holds keeps the file unread and unrendered, and one only the
//! live output holds is linked from there ([`Update::keep_rendered`]).
//!
//! Files in `.public.handbook/`:
//! - `lock`: held for the whole update.
//! - `prev/`: the generation being updated; `prev.manifest` describes it while it is whole.
//! - `live.manifest`: describes `public/`.
//! - `new.manifest`, `old.manifest`, `swap/`: in flight during [`Update::commit`] only.
//!
//! A manifest is removed before its generation is changed and written only once the generation
//! is whole, so after a build is killed a manifest either describes its folder or is absent (the
//! next build then compares that folder's files by their bytes).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::folders::{self, Folders};
use super::lock::{self, Lock};
use super::manifest::{self, Entry, Manifest};
use super::swap::{self, exists};
use super::target::{MARKER, MARKER_TEXT, Target};
use super::{WriteError, io, path, read};

const LOCK: &str = "lock";
const PREV: &str = "prev";
const PREV_MANIFEST: &str = "prev.manifest";
const LIVE_MANIFEST: &str = "live.manifest";
const NEW_MANIFEST: &str = "new.manifest";
const OLD_MANIFEST: &str = "old.manifest";
const SWAP: &str = "swap";

/// What a build did to the generation it updated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: usize,
    /// Hard-linked from the live output, which held the same bytes.
    pub linked: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// A generation being turned into the new output. Written to from many threads; dropped
/// without [`Update::commit`], it leaves the live output untouched.
#[derive(Debug)]
pub struct Update {
    target: Target,
    /// `prev/`: where the new site is being written.
    dir: PathBuf,
    /// `dir`, held open: files are created from it, so the kernel looks up only their path
    /// inside the output for each, not `dir`'s own path from `/` again.
    #[cfg(unix)]
    handle: Option<rustix::fd::OwnedFd>,
    /// What `dir` held, by output path; each entry trusted only while the file's size and
    /// modification time still match.
    manifest: Manifest,
    /// What the live output holds, by output path, trusted as `manifest` is: a file with the
    /// same bytes is linked from there.
    live: Manifest,
    /// `prev/` was empty: no file is there to compare with or to replace.
    fresh: bool,
    entries: Mutex<Vec<(String, Entry)>>,
    written: AtomicUsize,
    linked: AtomicUsize,
    unchanged: AtomicUsize,
    removed: usize,
    /// Folders whose files are known only after the pages are written (the search index):
    /// their old files stay until [`Update::commit`], which removes those not written again.
    late: Vec<String>,
    /// The folders `prev/` lacks, being made. Before the lock: dropped first, the thread stops
    /// while the lock is still held.
    folders: Folders,
    _lock: Lock,
}

impl Update {
    /// Takes the output's lock (calling `waiting` if another build holds it), repairs what an
    /// interrupted build left, and readies `prev/` for a site made of `paths`: files it holds
    /// that are not among them are removed, and the folders they need are made on a thread of
    /// their own, in the order of `paths` (write the files in about that order: a write whose
    /// folder is not made yet makes it itself).
    pub fn begin<'a>(
        target: &Target,
        paths: impl IntoIterator<Item = &'a str>,
        waiting: &dyn Fn(),
    ) -> Result<Update, WriteError> {
        Update::begin_with_late(target, paths, &[], waiting)
    }

    /// [`Update::begin`], keeping the folders `late` (`pagefind`) for files written with
    /// [`Update::put_late`] once they are known. No path of `paths` may lie in them.
    pub fn begin_with_late<'a>(
        target: &Target,
        paths: impl IntoIterator<Item = &'a str>,
        late: &[&str],
        waiting: &dyn Fn(),
    ) -> Result<Update, WriteError> {
        let (files, dirs, order) = plan(paths)?;
        for folder in late {
            path::check(folder)?;
            if let Some(taken) = files.iter().find(|f| in_folder(f, folder)) {
                return Err(WriteError::Reserved {
                    path: (*taken).to_string(),
                    folder: (*folder).to_string(),
                });
            }
        }
        let state = &target.state;
        std::fs::create_dir_all(state).map_err(io(state))?;
        let lock = lock::acquire(&state.join(LOCK), waiting)?;
        recover(target)?;
        // Again, under the lock: another build may have run since `Target::new` looked.
        target.check_owned(&target.dir)?;
        let dir = state.join(PREV);
        target.check_owned(&dir)?;

        // The live output's manifest is read while `prev/` is readied (`recover` removed it
        // if the live output is gone).
        let (live, readied) = rayon::join(
            || manifest::read(&state.join(LIVE_MANIFEST)).unwrap_or_default(),
            || -> Result<_, WriteError> {
                let manifest = manifest::read(&state.join(PREV_MANIFEST)).unwrap_or_default();
                remove_file(&state.join(PREV_MANIFEST))?;
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                Ok((manifest, prune(&dir, &files, &dirs, late)?))
            },
        );
        let (manifest, (removed, kept, fresh)) = readied?;
        #[cfg(unix)]
        let handle = {
            use rustix::fs::{CWD, Mode, OFlags, openat};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            openat(CWD, &dir, flags, Mode::empty()).ok()
        };
        let mut update = Update {
            target: target.clone(),
            dir,
            #[cfg(unix)]
            handle,
            manifest,
            live,
            fresh,
            entries: Mutex::new(Vec::with_capacity(files.len())),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            removed,
            late: late.iter().map(|f| (*f).to_string()).collect(),
            folders: Folders::start(Vec::new()),
            _lock: lock,
        };
        // First, before any folder: a generation is never without its marker (the next build
        // refuses a non-empty `prev/` that lacks it, as it refuses any folder not its own).
        update.write(MARKER, MARKER_TEXT.as_bytes())?;
        // A folder at a file's path (`a` beside `a/b`) is made first, as all were before: the
        // file's write then fails, whatever order the two come in.
        for rel in order.iter().filter(|d| files.contains(*d)) {
            let path = update.dir.join(rel);
            std::fs::create_dir_all(&path).map_err(io(&path))?;
        }
        update.folders = Folders::start(
            order
                .iter()
                .filter(|d| !kept.contains(*d))
                .map(|d| update.dir.join(d))
                .collect(),
        );
        Ok(update)
    }

    /// Writes one file, unless the generation already holds these bytes there or the live
    /// output does (then it is linked from there).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.write_rendered(rel, bytes, None)
    }

    /// [`Update::write`] for a page rendered from inputs whose fingerprint is `fingerprint`:
    /// recorded, so that a later build can keep the file without rendering it
    /// ([`Update::keep_rendered`]).
    pub fn write_rendered(
        &self,
        rel: &str,
        bytes: &[u8],
        fingerprint: Option<u128>,
    ) -> Result<(), WriteError> {
        let path = self.join(rel)?;
        let hash = manifest::hash(bytes);
        let size = bytes.len() as u64;
        if self.reuse(rel, &path, hash, size, fingerprint)? {
            return Ok(());
        }
        let mut file = self.create(rel, &path)?;
        std::io::Write::write_all(&mut file, bytes).map_err(io(&path))?;
        let meta = file.metadata().map_err(io(&path))?;
        self.record(
            rel,
            Entry {
                hash,
                size,
                mtime: manifest::mtime(&meta),
                fingerprint,
            },
            Outcome::Written,
        );
        Ok(())
    }

    /// Keeps page `rel` without rendering it when a generation already holds it rendered from
    /// inputs with this `fingerprint`: `prev/` itself (the file unchanged), or the live output
    /// (the file linked from there). Each is trusted as the manifest is, while the file's size
    /// and time match. `false` when neither does: the page is to be rendered and written with
    /// [`Update::write_rendered`].
    pub fn keep_rendered(&self, rel: &str, fingerprint: u128) -> Result<bool, WriteError> {
        let path = self.join(rel)?;
        let held = if self.fresh {
            None
        } else {
            std::fs::symlink_metadata(&path).ok()
        };
        if let Some(meta) = &held
            && let Some(entry) = self.manifest.get(rel)
            && entry.fingerprint == Some(fingerprint)
            && meta.is_file()
            && meta.len() == entry.size
            && entry.mtime.is_some()
            && manifest::mtime(meta) == entry.mtime
        {
            self.record(rel, *entry, Outcome::Unchanged);
            return Ok(true);
        }
        let Some(live) = self
            .live
            .get(rel)
            .filter(|e| e.fingerprint == Some(fingerprint))
        else {
            return Ok(false);
        };
        if held.is_some() {
            // Its inode may be the live output's: it is never written into.
            remove_file(&path)?;
        }
        match self.link_live(rel, &path, live.hash, live.size) {
            Some(entry) => {
                self.record(rel, entry, Outcome::Linked);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Copies `from` (a file under `static/` or `content/`) to `rel`, unless the generation
    /// or the live output already holds its bytes. Streamed: a large file is never held in
    /// memory.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), WriteError> {
        let path = self.join(rel)?;
        let size = std::fs::metadata(from).map_err(read(from))?.len();
        let hash = manifest::hash_file(from).map_err(read(from))?;
        if self.reuse(rel, &path, hash, size, None)? {
            return Ok(());
        }
        // Hashed again while copying: what is recorded is what was written, even if the
        // source changed in between.
        let mut source = std::fs::File::open(from).map_err(read(from))?;
        let mut file = self.create(rel, &path)?;
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        let mut buffer = vec![0; 64 * 1024];
        let mut size = 0;
        loop {
            let n = std::io::Read::read(&mut source, &mut buffer).map_err(read(from))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            std::io::Write::write_all(&mut file, &buffer[..n]).map_err(io(&path))?;
            size += n as u64;
        }
        let meta = file.metadata().map_err(io(&path))?;
        self.record(
            rel,
            Entry {
                hash: hasher.digest128(),
                size,
                mtime: manifest::mtime(&meta),
                fingerprint: None,
            },
            Outcome::Written,
        );
        Ok(())
    }

    /// Whether `path` now holds bytes hashing to `hash` without writing them: it held them
    /// already, or the live output did and the file is linked from there. Otherwise `path` is
    /// left absent, to be created anew: its inode may be the live output's, which is never
    /// written into. What is recorded carries `fingerprint`.
    fn reuse(
        &self,
        rel: &str,
        path: &Path,
        hash: u128,
        size: u64,
        fingerprint: Option<u128>,
    ) -> Result<bool, WriteError> {
        let with_fingerprint = |entry| Entry {
            fingerprint,
            ..entry
        };
        if !self.fresh
            && let Ok(meta) = std::fs::symlink_metadata(path)
        {
            if let Some(entry) = self.holds(rel, path, &meta, hash, size)? {
                self.record(rel, with_fingerprint(entry), Outcome::Unchanged);
                return Ok(true);
            }
            remove_file(path)?;
        }
        if let Some(entry) = self.link_live(rel, path, hash, size) {
            self.record(rel, with_fingerprint(entry), Outcome::Linked);
            return Ok(true);
        }
        Ok(false)
    }

    /// Hard-links the live output's `rel` to `path` if its manifest says it holds these bytes
    /// (and its size and time agree). `None` when it does not, or the link fails (another
    /// file system, one without hard links): the file is then written.
    fn link_live(&self, rel: &str, path: &Path, hash: u128, size: u64) -> Option<Entry> {
        let entry = self.live.get(rel)?;
        if entry.hash != hash || entry.size != size || entry.mtime.is_none() {
            return None;
        }
        let from = path::join(&self.target.dir, rel).ok()?;
        let meta = std::fs::symlink_metadata(&from).ok()?;
        if !meta.is_file() || meta.len() != size || manifest::mtime(&meta) != entry.mtime {
            return None;
        }
        match std::fs::hard_link(&from, path) {
            Err(e) if folders::missing(&e) => {
                folders::make_parent(path).ok()?;
                std::fs::hard_link(&from, path).ok()?;
            }
            linked => linked.ok()?,
        }
        Some(*entry)
    }

    /// Writes a file of a late folder (see [`Update::begin_with_late`]), creating the folders
    /// it needs.
    pub fn put_late(&self, file: &super::OutputFile) -> Result<(), WriteError> {
        path::check(&file.path)?;
        if !self.late.iter().any(|folder| in_folder(&file.path, folder)) {
            return Err(WriteError::UnsafePath {
                path: file.path.clone(),
                reason: "it is not in a folder kept for files written last",
            });
        }
        if let Some((parent, _)) = file.path.rsplit_once('/') {
            // Inside `prev/`, which holds no symlink (pruned): the folders are ours.
            let parent = self.dir.join(parent);
            std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        }
        self.put(file)
    }

    /// Puts the finished generation in place of the live output, in one atomic step.
    pub fn commit(self) -> Result<Summary, WriteError> {
        self.folders.finish()?;
        let state = &self.target.state;
        let entries = self
            .entries
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut removed = self.removed;
        if !self.late.is_empty() {
            let written: FxHashSet<&str> = entries.iter().map(|(rel, _)| rel.as_str()).collect();
            for folder in &self.late {
                removed += prune_late(&self.dir, folder, &written)?;
            }
        }
        let summary = Summary {
            written: self.written.load(Ordering::Relaxed),
            linked: self.linked.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        };
        let (new, live, old, prev) = (
            state.join(NEW_MANIFEST),
            state.join(LIVE_MANIFEST),
            state.join(OLD_MANIFEST),
            state.join(PREV_MANIFEST),
        );
        manifest::write(&new, &entries).map_err(io(&new))?;
        // The live output's manifest steps aside before the exchange, so that at no moment
        // does `live.manifest` or `prev.manifest` describe the other folder.
        let had_live = rename_if_exists(&live, &old)?;
        let exchanged = swap::publish(&self.dir, &self.target.dir, &state.join(SWAP))?;
        if had_live && exchanged {
            std::fs::rename(&old, &prev).map_err(io(&old))?;
        } else {
            remove_file(&old)?;
        }
        std::fs::rename(&new, &live).map_err(io(&new))?;
        Ok(summary)
    }

    fn join(&self, rel: &str) -> Result<PathBuf, WriteError> {
        path::join(&self.dir, rel)
    }

    /// Creates file `rel` (a checked path, [`Update::join`]), `path` in `dir`, which must not
    /// exist; its folder is made if missing.
    fn create(&self, rel: &str, path: &Path) -> Result<std::fs::File, WriteError> {
        #[cfg(unix)]
        if let Some(handle) = &self.handle {
            use rustix::fs::{Mode, OFlags, openat};
            // As `OpenOptions::create_new` opens it.
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
            let open = || {
                openat(handle, rel, flags, Mode::from_bits_truncate(0o666))
                    .map(std::fs::File::from)
                    .map_err(std::io::Error::from)
            };
            return match open() {
                Err(e) if folders::missing(&e) => {
                    folders::make_parent(path)?;
                    open().map_err(io(path))
                }
                opened => opened.map_err(io(path)),
            };
        }
        #[cfg(not(unix))]
        let _ = rel;
        create(path)
    }

    /// The entry for `path` (whose metadata is `meta`) if it already holds bytes hashing to
    /// `hash`: trusted from the manifest while its size and time match, read and hashed
    /// otherwise.
    fn holds(
        &self,
        rel: &str,
        path: &Path,
        meta: &std::fs::Metadata,
        hash: u128,
        size: u64,
    ) -> Result<Option<Entry>, WriteError> {
        if !meta.is_file() || meta.len() != size {
            return Ok(None);
        }
        let mtime = manifest::mtime(meta);
        let recorded = self
            .manifest
            .get(rel)
            .filter(|e| e.size == size && e.mtime.is_some() && e.mtime == mtime);
        let held = match recorded {
            Some(entry) => entry.hash,
            None => manifest::hash_file(path).map_err(io(path))?,
        };
        Ok((held == hash).then_some(Entry {
            hash,
            size,
            mtime,
            fingerprint: None,
        }))
    }

    fn record(&self, rel: &str, entry: Entry, outcome: Outcome) {
        let counter = match outcome {
            Outcome::Written => &self.written,
            Outcome::Linked => &self.linked,
            Outcome::Unchanged => &self.unchanged,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((rel.to_string(), entry));
    }
}

#[derive(Clone, Copy)]
enum Outcome {
    Written,
    Linked,
    Unchanged,
}

/// The files and folders of a site made of `paths` (and the marker), each path proven safe,
/// and the folders in the order the files need them (each after its parent).
type Plan<'a> = (FxHashSet<&'a str>, FxHashSet<&'a str>, Vec<&'a str>);

fn plan<'a>(paths: impl IntoIterator<Item = &'a str>) -> Result<Plan<'a>, WriteError> {
    let mut files: FxHashSet<&str> = FxHashSet::default();
    let mut dirs: FxHashSet<&str> = FxHashSet::default();
    let mut order = Vec::new();
    for rel in paths {
        path::check(rel)?;
        if rel == MARKER {
            return Err(WriteError::UnsafePath {
                path: rel.to_string(),
                reason: "the name is handbook's own output marker",
            });
        }
        files.insert(rel);
        let new = order.len();
        let mut rest = rel;
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            order.push(dir);
            rest = dir;
        }
        // Found deepest first: parents first.
        order[new..].reverse();
    }
    files.insert(MARKER);
    Ok((files, dirs, order))
}

/// Repairs what a build killed during [`Update::commit`] left, and drops manifests whose
/// folder is gone.
fn recover(target: &Target) -> Result<(), WriteError> {
    let state = &target.state;
    let (swap, prev) = (state.join(SWAP), state.join(PREV));
    if exists(&swap) {
        // Killed inside the two-rename fallback of `swap::publish`.
        if !exists(&target.dir) {
            std::fs::rename(&swap, &target.dir).map_err(io(&swap))?;
        } else if !exists(&prev) {
            std::fs::rename(&swap, &prev).map_err(io(&swap))?;
        } else {
            return Err(io(&swap)(std::io::Error::other(
                "left by an interrupted build in a state handbook cannot repair; remove it",
            )));
        }
    }
    remove_file(&state.join(NEW_MANIFEST))?;
    remove_file(&state.join(OLD_MANIFEST))?;
    if !exists(&prev) {
        remove_file(&state.join(PREV_MANIFEST))?;
    }
    if !exists(&target.dir) {
        remove_file(&state.join(LIVE_MANIFEST))?;
    }
    Ok(())
}

/// Removes from `dir` every file not in `files` and every folder not in `dirs` (and anything
/// that is neither a file nor a folder, such as a symlink, which a write would follow).
/// Returns how many files it removed, the folders of `dirs` it kept, and whether `dir` was
/// empty.
fn prune<'a>(
    dir: &Path,
    files: &FxHashSet<&str>,
    dirs: &FxHashSet<&'a str>,
    late: &[&str],
) -> Result<(usize, FxHashSet<&'a str>, bool), WriteError> {
    let wanted = Wanted { files, dirs, late };
    let mut found = Found::default();
    scan(dir, Some(""), &wanted, &mut found).map_err(io(dir))?;
    let empty = !found.any;
    found
        .stale_files
        .par_iter()
        .try_for_each(|path| std::fs::remove_file(path).map_err(io(path)))?;
    // Deepest first: a folder sorts before everything inside it.
    found.stale_dirs.sort_unstable();
    for path in found.stale_dirs.iter().rev() {
        std::fs::remove_dir(path).map_err(io(path))?;
    }
    Ok((
        found.stale_files.len(),
        found.kept.into_iter().collect(),
        empty,
    ))
}

/// What a site is made of, for [`prune`].
struct Wanted<'s, 'a> {
    files: &'s FxHashSet<&'s str>,
    dirs: &'s FxHashSet<&'a str>,
    late: &'s [&'s str],
}

/// What [`scan`] found in a generation.
#[derive(Default)]
struct Found<'a> {
    any: bool,
    stale_files: Vec<PathBuf>,
    stale_dirs: Vec<PathBuf>,
    kept: Vec<&'a str>,
}

impl<'a> Found<'a> {
    fn add(&mut self, other: Found<'a>) {
        self.any |= other.any;
        self.stale_files.extend(other.stale_files);
        self.stale_dirs.extend(other.stale_dirs);
        self.kept.extend(other.kept);
    }
}

/// Sorts what folder `dir` (output path `rel`: `""` for the generation itself, `None` when a
/// name on the way is not valid UTF-8, which no output path names) holds into `found`, its
/// folders in parallel: a rebuild's generation holds a folder per page, and listing them one
/// after another kept a core idle for a fifth of a rebuild. A symlink is listed as itself,
/// never followed.
fn scan<'a>(
    dir: &Path,
    rel: Option<&str>,
    wanted: &Wanted<'_, 'a>,
    found: &mut Found<'a>,
) -> std::io::Result<()> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        found.any = true;
        let kind = entry.file_type()?;
        let path = entry.path();
        let name = entry.file_name();
        let entry_rel = rel.zip(name.to_str()).map(|(rel, name)| match rel {
            "" => name.to_string(),
            _ => format!("{rel}/{name}"),
        });
        let r = entry_rel.as_deref();
        let needed_dir = r.filter(|_| kind.is_dir()).and_then(|r| wanted.dirs.get(r));
        let is_late = r.is_some_and(|r| {
            wanted
                .late
                .iter()
                .any(|folder| in_folder(r, folder) || (r == *folder && kind.is_dir()))
        });
        if let Some(&needed) = needed_dir {
            found.kept.push(needed);
        } else if is_late && (kind.is_dir() || kind.is_file()) {
            // Judged at commit, once the late files are written.
        } else if kind.is_dir() {
            found.stale_dirs.push(path.clone());
        } else if !(kind.is_file() && r.is_some_and(|r| wanted.files.contains(r))) {
            found.stale_files.push(path);
            continue;
        }
        if kind.is_dir() {
            folders.push((path, entry_rel));
        }
    }
    let inside = folders
        .into_par_iter()
        .map(|(path, rel)| {
            let mut inside = Found::default();
            scan(&path, rel.as_deref(), wanted, &mut inside).map(|()| inside)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    for each in inside {
        found.add(each);
    }
    Ok(())
}

/// `path`'s output path (`/`-separated) below `dir`; `None` when it is not valid UTF-8.
fn output_path(dir: &Path, path: &Path) -> Option<String> {
    path.strip_prefix(dir)
        .ok()
        .and_then(Path::to_str)
        .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
}

/// Whether output path `rel` lies in `folder`.
fn in_folder(rel: &str, folder: &str) -> bool {
    rel.strip_prefix(folder)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Removes from late folder `folder` of `dir` the files not `written` this time, and the
/// folders left empty. Returns how many files it removed.
fn prune_late(dir: &Path, folder: &str, written: &FxHashSet<&str>) -> Result<usize, WriteError> {
    let top = dir.join(folder);
    if !top.is_dir() {
        return Ok(0);
    }
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(&top).contents_first(true) {
        let entry = entry.map_err(|e| io(&top)(e.into()))?;
        let rel = output_path(dir, entry.path());
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else if !rel.is_some_and(|r| written.contains(r.as_str())) {
            std::fs::remove_file(entry.path()).map_err(io(entry.path()))?;
            removed += 1;
        }
    }
    // Contents first: a folder comes after everything inside it.
    for path in dirs {
        if std::fs::read_dir(&path)
            .map_err(io(&path))?
            .next()
            .is_none()
        {
            std::fs::remove_dir(&path).map_err(io(&path))?;
        }
    }
    Ok(removed)
}

/// Creates `path`, which must not exist: a file is never written into, since its inode may be
/// the live output's too.
fn create(path: &Path) -> Result<std::fs::File, WriteError> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match open() {
        Err(e) if folders::missing(&e) => {
            folders::make_parent(path)?;
            open().map_err(io(path))
        }
        opened => opened.map_err(io(path)),
    }
}

fn remove_file(path: &Path) -> Result<(), WriteError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

fn rename_if_exists(from: &Path, to: &Path) -> Result<bool, WriteError> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(from)(e)),
    }
}
