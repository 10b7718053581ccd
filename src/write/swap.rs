//! Putting a finished generation in place of the live output in one step, so a reader of the
//! output sees the old site or the new one, never a mix, and never a missing folder.

use std::io;
use std::path::Path;

use super::{WriteError, io};

/// Makes the folder at `new` the one at `live`. When `live` existed, it ends up at `new` (the
/// two are exchanged) and this returns `true`; otherwise `new` is renamed into place.
/// `swap` is a free name beside `new` for the fallback's middle step.
pub fn publish(new: &Path, live: &Path, swap: &Path) -> Result<bool, WriteError> {
    if !exists(live) {
        std::fs::rename(new, live).map_err(io(live))?;
        return Ok(false);
    }
    if exchange(new, live).map_err(io(live))? {
        return Ok(true);
    }
    // No atomic exchange on this file system or OS: two renames. Between them `live` is
    // absent for a moment (a reader may get a 404), and a build killed there leaves the old
    // output at `swap`, which the next build puts back first (`generation::recover`).
    std::fs::rename(live, swap).map_err(io(live))?;
    if let Err(source) = std::fs::rename(new, live) {
        let _ = std::fs::rename(swap, live);
        return Err(io(live)(source));
    }
    std::fs::rename(swap, new).map_err(io(new))?;
    Ok(true)
}

pub fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// `renameat2(RENAME_EXCHANGE)` (Linux 3.15+), `renamex_np(RENAME_SWAP)` (macOS): swaps two
/// paths atomically. `Ok(false)` when the file system or kernel cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // NOTSUP and OPNOTSUPP are one value on Linux, two on macOS.
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&e) => {
            Ok(false)
        }
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_two_folders_or_renames_into_an_absent_one() {
        let tmp = tempfile::tempdir().unwrap();
        let (new, live, swap) = (
            tmp.path().join("new"),
            tmp.path().join("live"),
            tmp.path().join("swap"),
        );
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("f"), "1").unwrap();
        assert!(!publish(&new, &live, &swap).unwrap());
        assert_eq!(std::fs::read_to_string(live.join("f")).unwrap(), "1");
        assert!(!exists(&new));

        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("f"), "2").unwrap();
        assert!(publish(&new, &live, &swap).unwrap());
        assert_eq!(std::fs::read_to_string(live.join("f")).unwrap(), "2");
        assert_eq!(std::fs::read_to_string(new.join("f")).unwrap(), "1");
        assert!(!exists(&swap));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_exchange_is_one_step_on_linux() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("f"), "a").unwrap();
        // tmpfs and ext4 both support RENAME_EXCHANGE; if this fails, the fallback is in use
        // where it should not be.
        assert!(exchange(&a, &b).unwrap());
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "a");
        assert!(!exists(&a.join("f")));
    }
}
