//! The sandbox's batches and calls on disk, so the TUI, `weya-tui batches`
//! and `weya-tui sandbox` see the same ones from one run to the next.
//!
//! One file, `sandbox.json`, in the directory the caller gives (the app
//! gives `$XDG_STATE_HOME/weya-tui/sandbox/`). It is replaced atomically
//! ([`crate::store::atomic_write`]): a reader or a crash sees the old file or
//! the new one, never a mix. Writes happen off the request path, at most
//! about once a second while things change, and once more when the sandbox
//! stops. Only one sandbox runs per directory ([`super::start_or_join`]):
//! another process talks to it rather than keeping a copy of its own. The
//! sandbox's key is never saved (it is new each run); neither are the
//! fault switch or the request counters.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::model::StoredBatch;

/// The file's name in the state directory.
pub const STATE_FILE: &str = "sandbox.json";
/// Bumped when the file's shape changes in a way old readers cannot read.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    batches: Vec<StoredBatch>,
}

/// Why the saved state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a sandbox state this version reads: {detail}")]
    Unreadable { path: PathBuf, detail: String },
}

/// The saved batches in `dir`; `None` when nothing was saved yet.
pub fn load(dir: &Path) -> Result<Option<Vec<StoredBatch>>, LoadError> {
    let path = dir.join(STATE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(LoadError::Read { path, source }),
    };
    let saved: Saved = serde_json::from_slice(&bytes).map_err(|e| LoadError::Unreadable {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    if saved.version != VERSION {
        return Err(LoadError::Unreadable {
            path,
            detail: format!("version {} (this one reads {VERSION})", saved.version),
        });
    }
    Ok(Some(saved.batches))
}

/// Moves an unreadable state file aside (to `sandbox.json.unreadable`) so
/// that a fresh one can be started without destroying it.
pub fn set_aside(dir: &Path) -> std::io::Result<PathBuf> {
    let to = dir.join(format!("{STATE_FILE}.unreadable"));
    std::fs::rename(dir.join(STATE_FILE), &to)?;
    Ok(to)
}

/// Removes the saved state in `dir`: the next start begins afresh, with
/// the examples. `Ok(false)` when there was nothing to remove.
pub fn reset(dir: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(dir.join(STATE_FILE)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes the state file, each write newer than the last.
pub(super) struct Persister {
    dir: PathBuf,
    /// The store's change count that the file holds. The lock also keeps
    /// two writes (the debounced task's and the final one) from crossing.
    written: Mutex<u64>,
}

impl Persister {
    pub(super) fn new(dir: PathBuf, written: u64) -> Self {
        Self {
            dir,
            written: Mutex::new(written),
        }
    }

    pub(super) fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Writes `batches` (the state at change count `generation`) unless
    /// the file already holds that state or a newer one.
    pub(super) fn write(&self, generation: u64, batches: Vec<StoredBatch>) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if generation <= *written {
            return Ok(());
        }
        let saved = Saved {
            version: VERSION,
            batches,
        };
        let bytes = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        crate::store::atomic_write(&self.path(), &bytes)?;
        *written = generation;
        Ok(())
    }
}
