//! One build at a time into one output: an exclusive lock on a file beside it. The operating
//! system releases it when the process ends, however it ends, so a killed build never leaves
//! the next one waiting.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use super::{WriteError, io};

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the lock at `path`; if another build holds it, calls `waiting` once and waits.
pub fn acquire(path: &Path, waiting: &dyn Fn()) -> Result<Lock, WriteError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io(path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting();
            file.lock().map_err(io(path))?;
        }
        Err(TryLockError::Error(source)) => return Err(io(path)(source)),
    }
    Ok(Lock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_second_taker_is_told_it_waits_and_gets_the_lock_when_the_first_lets_go() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("lock");
        let first = acquire(&path, &|| panic!("nobody holds it yet")).unwrap();
        let waited = AtomicBool::new(false);
        std::thread::scope(|s| {
            let second = s.spawn(|| acquire(&path, &|| waited.store(true, Ordering::SeqCst)));
            // The second taker can only finish once the first lets go; it must have waited.
            while !waited.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            drop(first);
            second.join().unwrap().unwrap();
        });
        assert!(waited.load(Ordering::SeqCst));
    }
}
