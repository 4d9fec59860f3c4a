//! Exclusive claims between processes: an advisory lock on a small file,
//! which the system releases when the process ends, however it ends
//! (`kill -9` included), so no claim outlives its owner the way a PID file
//! can. The holder's PID is written into the file for the message another
//! process shows; the lock, not that number, decides who holds the claim.
//!
//! Used for the draft slots ([`super::draft`]) and for an import's journal
//! ([`crate::import::ImportJournal::lock`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::Path;

/// A lock held for as long as this value lives.
#[derive(Debug)]
pub struct FileLock {
    /// Closing it (or the process ending) releases the lock.
    _file: File,
}

/// Whether a lock could be taken.
#[derive(Debug)]
pub enum TryLock {
    Taken(FileLock),
    /// Another process holds it (or another `FileLock` of this one); the
    /// PID its file names, if readable.
    Busy(Option<u32>),
}

/// Takes the lock on `path` (created if missing; its folder must exist)
/// without waiting.
pub fn try_lock(path: &Path) -> io::Result<TryLock> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => {
            // Only for the message another process shows: failing to write
            // it (a full disk) changes nothing.
            let _ = file
                .set_len(0)
                .and_then(|()| writeln!(file, "{}", std::process::id()));
            Ok(TryLock::Taken(FileLock { _file: file }))
        }
        Err(TryLockError::WouldBlock) => {
            let pid = std::fs::read_to_string(path)
                .ok()
                .and_then(|s| s.trim().parse().ok());
            Ok(TryLock::Busy(pid))
        }
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_is_busy_and_names_the_holder_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let TryLock::Taken(first) = try_lock(&path).unwrap() else {
            panic!("the first claim is taken");
        };
        match try_lock(&path).unwrap() {
            TryLock::Busy(pid) => assert_eq!(pid, Some(std::process::id())),
            TryLock::Taken(_) => panic!("a second claim must be busy"),
        }
        drop(first);
        assert!(matches!(try_lock(&path).unwrap(), TryLock::Taken(_)));
    }
}
