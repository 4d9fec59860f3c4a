//! The sandbox's batches and calls on disk, so the TUI, `weya-tui batches`
//! and `weya-tui sandbox` see the same ones from one run to the next.
//!
//! Two files in the directory the caller gives (the app gives
//! `$XDG_STATE_HOME/weya-tui/sandbox/`):
//!
//! - `sandbox.json`, the whole state, replaced atomically
//!   ([`crate::store::atomic_write`]): a reader or a crash sees the old
//!   file or the new one, never a mix. It is written off the request path,
//!   at most about once a second while things change (the dialer's progress
//!   is saved only so: a crash may lose its last second), and once more
//!   when the sandbox stops.
//! - `sandbox-log.jsonl`, the requests that changed something (a batch
//!   created, calls added, a batch started, stopped or deleted), one line
//!   each, appended before the sandbox answers: Weya's 2xx means "stored",
//!   and a `kill -9` right after it must not lose what was confirmed.
//!   Rewriting the whole state per request would cost far more as a batch
//!   grows (an import of 100,000 rows sends 100 requests). Each line has a
//!   sequence number and the state file says up to which one it holds, so
//!   a start replays only the lines after it; the log is emptied whenever
//!   the state file has caught up with it (at start, with each save, at
//!   the end). It is written by [`crate::store::jsonl`], the submit
//!   journal's appender, with its policy: each line is synced before the
//!   answer, so neither a killed process nor a power cut loses it.
//!
//! Only one sandbox runs per directory ([`super::start_or_join`]): another
//! process talks to it rather than keeping a copy of its own. The
//! sandbox's key is not saved here (it is new each run, and only in the
//! address file while the sandbox runs); neither are the fault switch or
//! the request counters.

use std::fs::File;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::jsonl::Appender;

use super::model::{QueueStatus, StoredBatch, StoredCall, StoredPhone};

/// The file's name in the state directory.
pub const STATE_FILE: &str = "sandbox.json";
/// The log of changes not yet in the state file.
pub const LOG_FILE: &str = "sandbox-log.jsonl";
/// Bumped when the file's shape changes in a way old readers cannot read.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    version: u32,
    #[serde(flatten)]
    state: SavedState,
    /// The last line of the log this state includes.
    #[serde(default, rename = "log_seq")]
    log_seq: u64,
}

/// [`Saved`] as it is written: borrowed from the store and encoded under
/// its lock, so a save (every second while the dialer runs) copies no
/// batch, only writes the bytes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedRef<'a> {
    version: u32,
    #[serde(flatten)]
    state: SavedStateRef<'a>,
    #[serde(rename = "log_seq")]
    log_seq: u64,
}

/// [`SavedState`], borrowed; the same fields under the same names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SavedStateRef<'a> {
    pub batches: &'a [StoredBatch],
    pub phones: &'a [StoredPhone],
    pub dialed_until: Option<DateTime<Utc>>,
    pub rng: Option<u64>,
}

/// The bytes of the state file for `state`, which includes the log up to
/// `log_seq`.
pub(super) fn encode(state: SavedStateRef<'_>, log_seq: u64) -> std::io::Result<Vec<u8>> {
    let saved = SavedRef {
        version: VERSION,
        state,
        log_seq,
    };
    serde_json::to_vec(&saved).map_err(std::io::Error::other)
}

/// What the sandbox keeps between runs. The fields after `batches` came
/// later: a file without them reads as no phones added and a dialer with
/// nothing to catch up.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SavedState {
    pub batches: Vec<StoredBatch>,
    /// Numbers registered with add-phone (the seed numbers are not saved:
    /// they come with the binary). No provider credential is kept.
    #[serde(default)]
    pub phones: Vec<StoredPhone>,
    /// How far the dialer had got: a start dials on from here to now (see
    /// [`super::store::MAX_CATCH_UP`]), so progress is a function of time,
    /// not of whether a process was running.
    #[serde(default)]
    pub dialed_until: Option<DateTime<Utc>>,
    /// The dialer's random source as it stood then, so a run that stops
    /// and starts draws what one long run would.
    #[serde(default)]
    pub rng: Option<u64>,
}

/// A request that changed the state, as the log keeps it: what it did,
/// not what it asked, so replaying it gives the same state again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub(super) enum Mutation {
    Create {
        batch: StoredBatch,
    },
    AddCalls {
        batch: String,
        calls: Vec<StoredCall>,
        status: QueueStatus,
        at: DateTime<Utc>,
    },
    Switch {
        batch: String,
        status: QueueStatus,
        at: DateTime<Utc>,
    },
    /// start-calling with `callData`: these calls are added and dialled
    /// instead of the batch's others.
    StartWith {
        batch: String,
        calls: Vec<StoredCall>,
        at: DateTime<Utc>,
    },
    Delete {
        batch: String,
        /// Absent in logs written before it was recorded.
        #[serde(default)]
        at: Option<DateTime<Utc>>,
    },
    AddPhone {
        phone: StoredPhone,
    },
}

impl Mutation {
    /// When it was made, to dial up to that time before making it again
    /// (a replay at start); `None` when the log did not record it.
    pub(super) fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Create { batch } => Some(batch.created_at),
            Self::AddCalls { at, .. } | Self::Switch { at, .. } | Self::StartWith { at, .. } => {
                Some(*at)
            }
            Self::Delete { at, .. } => *at,
            Self::AddPhone { phone } => Some(phone.created_at),
        }
    }

    /// Makes the change: the store's requests and a replay at start go
    /// through here alike.
    pub(super) fn apply(self, batches: &mut Vec<StoredBatch>, phones: &mut Vec<StoredPhone>) {
        match self {
            Self::Create { batch } => batches.push(batch),
            Self::AddCalls {
                batch,
                calls,
                status,
                at,
            } => {
                if let Some(b) = batches.iter_mut().find(|b| b.id == batch) {
                    let first = b.calls.len();
                    b.calls.extend(calls);
                    // New calls wait, undialled, after the others.
                    if let Some(queue) = b.queue.0.as_mut() {
                        queue.ready.extend(first.max(b.run_from)..b.calls.len());
                    }
                    b.status = status;
                    b.updated_at = at;
                }
            }
            Self::Switch { batch, status, at } => {
                if let Some(b) = batches.iter_mut().find(|b| b.id == batch) {
                    if b.status != status {
                        b.status = status;
                        b.updated_at = at;
                    }
                    // A start without callData dials every call again.
                    if status == QueueStatus::Active && b.run_from != 0 {
                        b.run_from = 0;
                        b.queue.0 = None;
                    }
                }
            }
            Self::StartWith { batch, calls, at } => {
                if let Some(b) = batches.iter_mut().find(|b| b.id == batch) {
                    b.run_from = b.calls.len();
                    b.calls.extend(calls);
                    b.queue.0 = None;
                    b.status = QueueStatus::Active;
                    b.updated_at = at;
                }
            }
            Self::Delete { batch, .. } => batches.retain(|b| b.id != batch),
            Self::AddPhone { phone } => phones.push(phone),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    #[serde(flatten)]
    mutation: Mutation,
}

/// The log, open for appending.
pub(super) struct MutationLog {
    file: Appender,
    /// The last line written (or, when empty, the state file's `log_seq`).
    seq: u64,
}

impl MutationLog {
    fn open(dir: &Path, seq: u64) -> std::io::Result<Self> {
        // The contacts' fields are in it: for this user's eyes only, like
        // the state file (the appender creates it so).
        let file = Appender::open(&dir.join(LOG_FILE))?;
        Ok(Self { file, seq })
    }

    /// Appends `mutation` as one line, synced before the answer (a
    /// process killed meanwhile leaves at most a torn last line, which was
    /// never confirmed).
    pub(super) fn append(&mut self, mutation: &Mutation) -> std::io::Result<()> {
        let line = Line {
            seq: self.seq + 1,
            mutation: mutation.clone(),
        };
        self.file.append(&line)?;
        self.seq = line.seq;
        Ok(())
    }

    pub(super) fn seq(&self) -> u64 {
        self.seq
    }

    /// Empties the log if the state file holds all of it (`saved_seq`).
    pub(super) fn compact(&mut self, saved_seq: u64) -> std::io::Result<()> {
        if saved_seq == self.seq {
            self.file.truncate()?;
        }
        Ok(())
    }
}

/// The saved state, and the logged changes it does not hold yet (the
/// store makes them again, dialing up to the time of each).
pub(super) struct Loaded {
    pub state: SavedState,
    pub log_seq: u64,
    pub pending: Vec<Mutation>,
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

/// The saved state in `dir`, with the changes logged since; `None` when
/// nothing was saved yet.
pub(super) fn load(dir: &Path) -> Result<Option<Loaded>, LoadError> {
    let saved = load_state_file(dir)?;
    let (state, mut log_seq, had_state) = match saved {
        Some(saved) => (saved.state, saved.log_seq, true),
        None => (SavedState::default(), 0, false),
    };
    let path = dir.join(LOG_FILE);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(had_state.then_some(Loaded {
                state,
                log_seq,
                pending: Vec::new(),
            }));
        }
        Err(source) => return Err(LoadError::Read { path, source }),
    };
    let mut pending = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|source| LoadError::Read {
            path: path.clone(),
            source,
        })?;
        // A torn last line is a request that was never answered.
        let Ok(Line { seq, mutation }) = serde_json::from_str::<Line>(&line) else {
            tracing::warn!("the sandbox's log ends with a torn line: skipped");
            break;
        };
        if seq > log_seq {
            pending.push(mutation);
            log_seq = seq;
        }
    }
    Ok((had_state || !pending.is_empty()).then_some(Loaded {
        state,
        log_seq,
        pending,
    }))
}

/// The state file in `dir`; `None` when there is none.
fn load_state_file(dir: &Path) -> Result<Option<Saved>, LoadError> {
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
    Ok(Some(saved))
}

/// Moves an unreadable state file aside (to `sandbox.json.unreadable`) so
/// that a fresh one can be started without destroying it.
pub fn set_aside(dir: &Path) -> std::io::Result<PathBuf> {
    set_log_aside(dir);
    let to = dir.join(format!("{STATE_FILE}.unreadable"));
    std::fs::rename(dir.join(STATE_FILE), &to)?;
    Ok(to)
}

/// Moves an unreadable state aside: the log too (to
/// `sandbox-log.jsonl.unreadable`), since it holds changes to that state.
fn set_log_aside(dir: &Path) {
    let to = dir.join(format!("{LOG_FILE}.unreadable"));
    if let Err(e) = std::fs::rename(dir.join(LOG_FILE), to)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, "cannot move the sandbox's log aside");
    }
}

/// Removes the saved state in `dir`: the next start begins afresh, with
/// the examples. `Ok(false)` when there was nothing to remove.
pub fn reset(dir: &Path) -> std::io::Result<bool> {
    let mut removed = false;
    for file in [STATE_FILE, LOG_FILE] {
        match std::fs::remove_file(dir.join(file)) {
            Ok(()) => removed = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

/// Writes the state file, each write newer than the last.
pub(super) struct Persister {
    dir: PathBuf,
    /// The store's change count and the last line of the log that the
    /// file holds. The lock also keeps two writes (the debounced task's
    /// and the final one) from crossing.
    written: Mutex<(u64, u64)>,
}

impl Persister {
    pub(super) fn new(dir: PathBuf, generation: u64, log_seq: u64) -> Self {
        Self {
            dir,
            written: Mutex::new((generation, log_seq)),
        }
    }

    pub(super) fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// Opens the log for appending, after the last line `log_seq`.
    pub(super) fn open_log(&self, log_seq: u64) -> std::io::Result<MutationLog> {
        MutationLog::open(&self.dir, log_seq)
    }

    /// Writes `bytes` (the state at change count `generation`, including
    /// the log up to `log_seq`, as [`encode`] writes it) unless the file
    /// already holds that state or a newer one. Returns the last line of
    /// the log the file holds.
    pub(super) fn write(
        &self,
        generation: u64,
        bytes: &[u8],
        log_seq: u64,
    ) -> std::io::Result<u64> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if generation <= written.0 {
            return Ok(written.1);
        }
        crate::store::atomic_write(&self.path(), bytes)?;
        *written = (generation, log_seq);
        Ok(log_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a save writes (borrowed from the store) reads back whole as
    /// what a start loads: every field under the name the reader expects,
    /// not just the batches (the others read as empty when missing).
    #[test]
    fn a_saved_state_reads_back_whole() {
        let at = "2026-12-07T10:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        let phone = StoredPhone {
            id: "64e5f12345abcdef00000099".into(),
            phone_number: "14155550100".into(),
            integration: "twilio".into(),
            created_at: at,
        };
        let bytes = encode(
            SavedStateRef {
                batches: &[],
                phones: std::slice::from_ref(&phone),
                dialed_until: Some(at),
                rng: Some(42),
            },
            7,
        )
        .expect("encoded");
        let saved: Saved = serde_json::from_slice(&bytes).expect("read back");
        assert_eq!(saved.version, VERSION);
        assert_eq!(saved.log_seq, 7);
        assert_eq!(saved.state.phones.len(), 1);
        assert_eq!(saved.state.phones[0].id, phone.id);
        assert_eq!(saved.state.phones[0].phone_number, phone.phone_number);
        assert_eq!(saved.state.dialed_until, Some(at));
        assert_eq!(saved.state.rng, Some(42));
        assert!(saved.state.batches.is_empty());
    }
}
