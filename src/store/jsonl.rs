//! JSON Lines, appended: the one appender of the submit journal
//! ([`super::journal`]) and of the sandbox's log of changes
//! (`sandbox/persist.rs`).
//!
//! The durability policy, the same for both: a line is serialised whole,
//! then written with a single `write_all` on a file opened for appending,
//! then `sync_data`, before [`Appender::append`] returns. So
//!
//! - writers in other processes never interleave within a line (an append
//!   is one `write` at the end of the file);
//! - a process killed meanwhile leaves at most a torn last line, which was
//!   never confirmed and which the readers skip;
//! - a line that was confirmed (a journaled request, a change the sandbox
//!   answered 2xx to) survives a `kill -9` and a power cut alike.
//!
//! The cost is one `fsync` per line; both files get a line per request
//! that changes a batch, never one per row or per keystroke.
//!
//! The files hold contacts' numbers and fields: they are created for
//! their user's eyes only (mode 0600).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use serde::Serialize;

/// A JSON Lines file open for appending.
#[derive(Debug)]
pub struct Appender {
    file: File,
}

impl Appender {
    /// Opens `path` for appending, creating it (and its folder) if need be.
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        Ok(Self { file })
    }

    /// Appends `value` as one line, durably (see the module's doc).
    pub fn append<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// Empties the file (its lines are kept elsewhere now).
    pub fn truncate(&mut self) -> io::Result<()> {
        self.file.set_len(0)
    }
}

/// Opens `path`, appends `value` as one line and closes it again.
pub fn append_to<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    Appender::open(path)?.append(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_appended_whole_for_this_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.jsonl");
        append_to(&path, &serde_json::json!({"n": 1})).unwrap();
        let mut appender = Appender::open(&path).unwrap();
        appender.append(&serde_json::json!({"n": 2})).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"n\":1}\n{\"n\":2}\n"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        appender.truncate().unwrap();
        appender.append(&serde_json::json!({"n": 3})).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":3}\n");
    }
}
