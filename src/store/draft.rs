//! The draft: the form's raw state, saved atomically within a third of a
//! second of any change and restored on start, so a crash or `kill -9` loses
//! at most the last fraction of a second of typing.
//!
//! Each running weya-tui keeps its own draft, a *slot*: `draft.json`, or
//! `draft-2.json`, `draft-3.json`… while others run on the same home. A slot
//! belongs to whoever holds the advisory lock on its `.lock` file beside it;
//! the system releases that lock when the process ends, however it ends, so
//! no claim outlives its owner the way a PID file can. A draft whose lock is
//! free was left by a session that has ended: the next start offers it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::form::Form;
use crate::form::days::DaySet;
use crate::form::timezone::TimezonePicker;
use crate::store::lock::{FileLock, TryLock, try_lock};
use crate::store::template::BatchFile;

/// Exactly what the operator typed and picked, valid or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// When it was saved, RFC 3339 UTC (empty until saved).
    #[serde(default)]
    pub saved_at: String,
    pub name: String,
    /// Shared with the form (one list per change of the selection, not per
    /// keystroke).
    pub calling_numbers: Arc<[String]>,
    pub timezone: String,
    pub window_start: String,
    pub window_end: String,
    pub days: Vec<u8>,
    pub retries: String,
    pub delay: String,
}

impl Draft {
    pub fn of(form: &Form) -> Self {
        Self {
            saved_at: String::new(),
            name: form.name.value().to_owned(),
            calling_numbers: form.numbers.selected_shared(),
            timezone: form.timezone.value().to_owned(),
            window_start: form.window_start.value().to_owned(),
            window_end: form.window_end.value().to_owned(),
            days: [form.days.numbers().as_slice(), form.days.not_days()].concat(),
            retries: form.retries.value().to_owned(),
            delay: form.delay.value().to_owned(),
        }
    }

    /// Puts the draft's values into `form`, keeping what only the session
    /// knows (the fetched phone list, focus).
    pub fn apply(&self, form: &mut Form) {
        form.name.set(&self.name);
        form.numbers
            .replace_selection(self.calling_numbers.to_vec());
        form.timezone = TimezonePicker::new(&self.timezone);
        form.window_start.set(&self.window_start);
        form.window_end.set(&self.window_end);
        form.days = DaySet::from_days(&self.days);
        form.retries.set(&self.retries);
        form.delay.set(&self.delay);
        form.errors.clear();
    }
}

impl Draft {
    /// The values of a batch file over `base` (the fields it leaves out keep
    /// their value in `base`).
    pub fn from_file(file: &BatchFile, base: &Draft) -> Self {
        let mut draft = base.clone();
        if let Some(v) = &file.batch_name {
            draft.name.clone_from(v);
        }
        if let Some(v) = &file.calling_numbers {
            draft.calling_numbers = Arc::from(v.as_slice());
        }
        if let Some(v) = &file.timezone {
            draft.timezone.clone_from(v);
        }
        if let Some(h) = &file.calling_hour {
            draft.window_start.clone_from(&h.start);
            draft.window_end.clone_from(&h.end);
        }
        if let Some(v) = &file.allowed_days {
            draft.days.clone_from(v);
        }
        if let Some(v) = file.retry {
            draft.retries = v.to_string();
        }
        if let Some(v) = file.delay {
            draft.delay = v.to_string();
        }
        draft
    }
}

/// The form as a batch file, keeping what reads as a value and leaving out
/// what does not (a template may be saved half done).
pub fn batch_file_of(form: &Form) -> BatchFile {
    use crate::form::{number, time};
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let ids = form.numbers.selected_ids();
    BatchFile {
        batch_name: non_empty(form.name.value()),
        calling_numbers: (!ids.is_empty()).then_some(ids),
        retry: number::parse_retries(form.retries.value()).ok(),
        delay: number::parse_delay(form.delay.value()).ok(),
        timezone: non_empty(form.timezone.value()),
        calling_hour: match (
            time::parse_time(form.window_start.value()),
            time::parse_time(form.window_end.value()),
        ) {
            (Ok(s), Ok(e)) => Some(crate::api::CallingHour {
                start: s.to_hh_mm(),
                end: e.to_hh_mm(),
            }),
            _ => None,
        },
        allowed_days: Some(form.days.numbers()),
    }
}

/// Why a draft on disk could not be read.
#[derive(Debug)]
enum Unreadable {
    /// The bytes are not a draft (cut, edited by hand, not UTF-8).
    Corrupt(String),
    /// The file could not be read at all (a folder in its place, no access).
    Io(io::Error),
}

fn load(path: &Path) -> Result<Option<Draft>, Unreadable> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Unreadable::Corrupt(e.to_string())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Unreadable::Io(e)),
    }
}

/// Reads the draft at `path`, if there is one. A draft that cannot be read
/// is reported and left alone (only [`claim`] moves one aside).
pub fn read(path: &Path) -> Result<Option<Draft>, String> {
    load(path).map_err(|e| match e {
        Unreadable::Corrupt(why) => format!(
            "the draft {} cannot be read ({why}); it was left as it is",
            path.display()
        ),
        Unreadable::Io(e) => format!("cannot read the draft {}: {e}", path.display()),
    })
}

/// Slots past this number are not looked at.
const MAX_SLOTS: u32 = 99;

/// The draft file of slot `n`: `first` itself for 1, else `draft-N.json`
/// beside it.
fn slot_path(first: &Path, n: u32) -> PathBuf {
    if n <= 1 {
        return first.to_path_buf();
    }
    let stem = first.file_stem().unwrap_or_default().to_string_lossy();
    let name = match first.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    first.with_file_name(name)
}

/// Slot 1's draft file, from the draft file of any slot.
fn first_slot_of(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if let Some((base, _)) = stem.rsplit_once('-') {
        let first = match path.extension() {
            Some(ext) => path.with_file_name(format!("{base}.{}", ext.to_string_lossy())),
            None => path.with_file_name(base),
        };
        if slot_number(&first, name).is_some_and(|n| n > 1) {
            return first;
        }
    }
    path.to_path_buf()
}

/// The lock file of the slot whose draft is `draft`.
fn lock_path(draft: &Path) -> PathBuf {
    let mut name = draft.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    draft.with_file_name(name)
}

/// The slot a file in the drafts' folder belongs to (its draft or its lock).
fn slot_number(first: &Path, file_name: &str) -> Option<u32> {
    let name = file_name.strip_suffix(".lock").unwrap_or(file_name);
    if Some(std::ffi::OsStr::new(name)) == first.file_name() {
        return Some(1);
    }
    let rest = name
        .strip_prefix(first.file_stem()?.to_str()?)?
        .strip_prefix('-')?;
    let digits = match first.extension() {
        Some(ext) => rest.strip_suffix(ext.to_str()?)?.strip_suffix('.')?,
        None => rest,
    };
    let n: u32 = digits.parse().ok()?;
    // "draft-02.json" is no slot: slot 2 is "draft-2.json".
    ((2..=MAX_SLOTS).contains(&n) && digits == n.to_string()).then_some(n)
}

/// One instance's draft file, held through the lock on its `.lock` file for
/// as long as this value lives.
#[derive(Debug)]
pub struct DraftSlot {
    path: PathBuf,
    _lock: FileLock,
}

/// Whether a slot could be taken.
enum Take {
    Taken(DraftSlot),
    /// Another process holds it; the PID its lock file names, if readable.
    Busy(Option<u32>),
}

impl DraftSlot {
    /// The draft file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the slot whose draft is `path`, unless another process (or
    /// another slot value in this one) holds it.
    fn try_take(path: &Path) -> io::Result<Take> {
        Ok(match try_lock(&lock_path(path))? {
            TryLock::Taken(lock) => Take::Taken(Self {
                path: path.to_path_buf(),
                _lock: lock,
            }),
            TryLock::Busy(pid) => Take::Busy(pid),
        })
    }
}

/// A draft on disk that no running instance holds: its session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftDraft {
    pub path: PathBuf,
    pub draft: Draft,
}

/// What [`claim`] found and took.
#[derive(Debug)]
pub struct Claim {
    /// This instance's slot, or why drafts cannot be saved.
    pub slot: Result<DraftSlot, String>,
    /// The draft that was in the slot taken: the form starts from it.
    pub restored: Option<Draft>,
    /// Other drafts left by ended sessions, newest first, untouched on disk.
    pub others: Vec<LeftDraft>,
    /// What the operator should be told at start.
    pub notes: Vec<String>,
}

/// Takes a draft slot for this instance, beside `first` (`.../draft.json`).
///
/// With `restore`, the newest draft left by an ended session is taken with
/// its slot, to be restored; otherwise (the form is filled from a file) a
/// slot with no draft is taken, so no draft is written over. A draft that
/// cannot be read is moved aside to `NAME.corrupt-YYYYmmdd-HHMMSS`, never
/// overwritten. Blocking: call it before the UI starts.
pub fn claim(first: &Path, restore: bool) -> Claim {
    let mut claim = Claim {
        slot: Err(String::new()),
        restored: None,
        others: Vec::new(),
        notes: Vec::new(),
    };
    let dir = first.parent().unwrap_or_else(|| Path::new("."));
    if let Err(e) = std::fs::create_dir_all(dir) {
        let why = format!("cannot create the folder {}: {e}", dir.display());
        claim.notes.push(format!("Drafts cannot be saved: {why}."));
        claim.slot = Err(why);
        return claim;
    }
    let mut numbers: std::collections::BTreeSet<u32> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| slot_number(first, entry.file_name().to_str()?))
        .collect();
    numbers.insert(1);

    // Every slot no one else holds is locked while we look, so two
    // instances starting together cannot both take the same draft.
    let mut held: Vec<(DraftSlot, Option<Draft>)> = Vec::new();
    let mut busy: Vec<(PathBuf, Option<u32>)> = Vec::new();
    let mut failure: Option<String> = None;
    for &n in &numbers {
        let path = slot_path(first, n);
        let slot = match DraftSlot::try_take(&path) {
            Ok(Take::Taken(slot)) => slot,
            Ok(Take::Busy(pid)) => {
                busy.push((path, pid));
                continue;
            }
            Err(e) => {
                failure.get_or_insert_with(|| {
                    format!("cannot lock {}: {e}", lock_path(&path).display())
                });
                continue;
            }
        };
        match load(&path) {
            Ok(draft) => held.push((slot, draft)),
            Err(Unreadable::Corrupt(why)) => match move_aside(&path) {
                Ok(to) => {
                    claim.notes.push(format!(
                        "The draft {} could not be read ({why}): it was moved to {}.",
                        path.display(),
                        to.display()
                    ));
                    held.push((slot, None));
                }
                Err(e) => claim.notes.push(format!(
                    "The draft {} could not be read ({why}) nor moved aside ({e}): it is left as it is.",
                    path.display()
                )),
            },
            Err(Unreadable::Io(e)) => claim.notes.push(format!(
                "The draft {} cannot be read ({e}): it is left as it is.",
                path.display()
            )),
        }
    }

    let (mut left, empty): (Vec<_>, Vec<_>) = held.into_iter().partition(|(_, d)| d.is_some());
    // RFC 3339 UTC times sort as text; the newest is most likely the one
    // the operator means.
    left.sort_by(|a, b| {
        let time = |d: &Option<Draft>| d.as_ref().map(|d| d.saved_at.clone());
        time(&b.1).cmp(&time(&a.1))
    });
    let mine = if restore && !left.is_empty() {
        let (slot, draft) = left.remove(0);
        claim.restored = draft;
        Some(slot)
    } else {
        empty.into_iter().next().map(|(slot, _)| slot)
    };
    // The other slots' locks are released here: their drafts stay as they are.
    claim.others = left
        .into_iter()
        .filter_map(|(slot, draft)| {
            Some(LeftDraft {
                path: slot.path,
                draft: draft?,
            })
        })
        .collect();
    let mine = match mine {
        Some(slot) => Ok(slot),
        None => new_slot(first, &numbers).map_err(|e| failure.unwrap_or(e)),
    };
    match &mine {
        Ok(slot) => {
            match busy.as_slice() {
                // The form says itself that a draft was restored, and from when.
                [] if slot.path != first => claim.notes.push(format!(
                    "This session keeps its draft in {}.",
                    slot.path.display()
                )),
                [] => {}
                [(path, pid)] => claim.notes.push(format!(
                    "Another weya-tui{} is running with the draft {}: this one keeps its draft in {}.",
                    pid.map(|p| format!(" (PID {p})")).unwrap_or_default(),
                    path.display(),
                    slot.path.display()
                )),
                more => claim.notes.push(format!(
                    "{} other weya-tui are running, each with its own draft: this one keeps its draft in {}.",
                    more.len(),
                    slot.path.display()
                )),
            }
        }
        Err(why) => claim.notes.push(format!("Drafts cannot be saved: {why}.")),
    }
    claim.slot = mine;
    claim
}

/// A slot of a number not in use yet.
fn new_slot(first: &Path, used: &std::collections::BTreeSet<u32>) -> Result<DraftSlot, String> {
    for n in (1..=MAX_SLOTS).filter(|n| !used.contains(n)) {
        let path = slot_path(first, n);
        match DraftSlot::try_take(&path) {
            Ok(Take::Taken(slot)) => return Ok(slot),
            // Taken by an instance that started a moment ago.
            Ok(Take::Busy(_)) => {}
            Err(e) => return Err(format!("cannot lock {}: {e}", lock_path(&path).display())),
        }
    }
    Err(format!("all {MAX_SLOTS} draft slots are in use"))
}

/// Renames an unreadable draft to `NAME.corrupt-YYYYmmdd-HHMMSS` (local
/// time) so that no write replaces it; returns the new path.
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".corrupt-{}",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    let mut to = path.with_file_name(&name);
    let mut n = 2;
    while to.symlink_metadata().is_ok() {
        let mut numbered = name.clone();
        numbered.push(format!("-{n}"));
        to = path.with_file_name(numbered);
        n += 1;
    }
    std::fs::rename(path, &to)?;
    Ok(to)
}

/// What the operator is told about drafts left by ended sessions that are
/// not restored, or nothing when there are none.
pub fn others_note(others: &[LeftDraft]) -> Option<String> {
    match others {
        [] => None,
        [one] => Some(format!(
            "Another draft, left by an earlier session, is kept in {}.",
            one.path.display()
        )),
        more => {
            let names: Vec<String> = more
                .iter()
                .map(|d| {
                    d.path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            let dir = more[0].path.parent().unwrap_or_else(|| Path::new("."));
            Some(format!(
                "{} other drafts, left by earlier sessions, are kept in {}: {}.",
                more.len(),
                dir.display(),
                names.join(", ")
            ))
        }
    }
}

/// The file operations a draft slot needs, behind a trait so that a test
/// can fail them the way a full disk does.
pub trait DraftFiles: Send + Sync + std::fmt::Debug {
    /// Replaces `path` with `bytes`, atomically.
    fn replace(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Removes `path`; a missing file is no error.
    fn remove(&self, path: &Path) -> io::Result<()>;
}

/// The real disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl DraftFiles for Disk {
    fn replace(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        super::atomic_write(path, bytes)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Why a draft was not written, removed or taken over.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// This instance has no slot: nothing can be saved.
    #[error("{0}")]
    NoSlot(String),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot remove {path}: {source}")]
    Remove { path: PathBuf, source: io::Error },
    #[error("cannot take the draft {path}: {why}")]
    Adopt { path: PathBuf, why: String },
}

/// Writes this instance's drafts in order: each write carries the sequence
/// number of the change it saves, and an older one arriving late is skipped.
#[derive(Debug)]
pub struct DraftWriter {
    files: Box<dyn DraftFiles>,
    state: Mutex<WriterState>,
}

#[derive(Debug)]
struct WriterState {
    /// The newest change written.
    last: u64,
    slot: Result<DraftSlot, String>,
}

impl DraftWriter {
    /// Writes to `slot` (or fails saying why there is none) through `files`.
    pub fn new(slot: Result<DraftSlot, String>, files: Box<dyn DraftFiles>) -> Self {
        Self {
            files,
            state: Mutex::new(WriterState { last: 0, slot }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// This instance's draft file, if it has a slot.
    pub fn path(&self) -> Option<PathBuf> {
        self.state().slot.as_ref().ok().map(|s| s.path.clone())
    }

    /// Saves `draft` (or removes the file, for `None`) unless a newer change
    /// was already written. Blocking: call it off the UI loop.
    pub fn write(&self, seq: u64, draft: Option<&Draft>) -> Result<(), DraftError> {
        let mut state = self.state();
        if seq <= state.last {
            return Ok(());
        }
        let path = match &state.slot {
            Ok(slot) => slot.path.clone(),
            Err(why) => return Err(DraftError::NoSlot(why.clone())),
        };
        match draft {
            Some(draft) => {
                let mut draft = draft.clone();
                draft.saved_at =
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let bytes = serde_json::to_vec_pretty(&draft).map_err(io::Error::other);
                bytes
                    .and_then(|bytes| self.files.replace(&path, &bytes))
                    .map_err(|source| DraftError::Write { path, source })?;
            }
            None => self
                .files
                .remove(&path)
                .map_err(|source| DraftError::Remove { path, source })?,
        }
        state.last = seq;
        Ok(())
    }

    /// Keeps `draft` (change `seq`, the form as it is) in this instance's
    /// draft file and lets that file go, as an ended session would: the
    /// next start offers it. This instance goes on in a new slot, with no
    /// draft yet. Returns the file that keeps `draft`. Blocking.
    pub fn set_aside(&self, seq: u64, draft: &Draft) -> Result<PathBuf, DraftError> {
        let mut state = self.state();
        let path = match &state.slot {
            Ok(slot) => slot.path.clone(),
            Err(why) => return Err(DraftError::NoSlot(why.clone())),
        };
        let mut draft = draft.clone();
        draft.saved_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let bytes = serde_json::to_vec_pretty(&draft).map_err(io::Error::other);
        bytes
            .and_then(|bytes| self.files.replace(&path, &bytes))
            .map_err(|source| DraftError::Write {
                path: path.clone(),
                source,
            })?;
        let first = first_slot_of(&path);
        let dir = first.parent().unwrap_or_else(|| Path::new("."));
        let mut used: std::collections::BTreeSet<u32> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| slot_number(&first, entry.file_name().to_str()?))
            .collect();
        used.insert(1);
        let fresh = new_slot(&first, &used).map_err(DraftError::NoSlot)?;
        // The old slot's lock goes with it; writes still on their way for
        // earlier changes are skipped, so none lands in the new slot.
        state.slot = Ok(fresh);
        state.last = state.last.max(seq);
        Ok(path)
    }

    /// Makes the draft at `path`, left by an ended session, this instance's:
    /// its slot is taken and the current one let go (its draft stays on
    /// disk, to be offered next time). Returns the draft to fill the form
    /// with. Blocking.
    pub fn adopt(&self, path: &Path) -> Result<Draft, DraftError> {
        let mut state = self.state();
        let fail = |why: String| DraftError::Adopt {
            path: path.to_path_buf(),
            why,
        };
        let read = |path: &Path| match load(path) {
            Ok(Some(draft)) => Ok(draft),
            Ok(None) => Err(fail("it is gone".to_owned())),
            Err(Unreadable::Corrupt(why)) => Err(fail(format!("it cannot be read ({why})"))),
            Err(Unreadable::Io(e)) => Err(fail(e.to_string())),
        };
        if state.slot.as_ref().is_ok_and(|s| s.path == path) {
            return read(path);
        }
        match DraftSlot::try_take(path) {
            Ok(Take::Taken(slot)) => {
                let draft = read(path)?;
                state.slot = Ok(slot);
                Ok(draft)
            }
            Ok(Take::Busy(pid)) => Err(fail(format!(
                "another weya-tui{} has just taken it",
                pid.map(|p| format!(" (PID {p})")).unwrap_or_default()
            ))),
            Err(e) => Err(fail(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::phones::PhonePicker;

    #[test]
    fn a_draft_keeps_invalid_values_and_restores_them() {
        let mut form = Form::new("UTC");
        form.name.set("Half done 👍");
        form.retries.set("x");
        form.window_start.set("25:00");
        form.numbers = PhonePicker::with_selected(vec!["64e5f12345abcdef87654321".into()]);
        form.days = DaySet::from_days(&[0, 6]);
        let draft = Draft::of(&form);

        let mut restored = Form::new("Asia/Kolkata");
        draft.apply(&mut restored);
        assert_eq!(Draft::of(&restored), draft);
        assert_eq!(restored.retries.value(), "x");
    }

    #[test]
    fn drafts_share_the_selection_until_it_changes() {
        let ids: Vec<String> = (0..10_000)
            .map(|i| format!("64e5f12345abcdef{i:08x}"))
            .collect();
        let mut form = Form::new("UTC");
        form.numbers = PhonePicker::with_selected(ids.clone());
        form.name.set("a");
        let first = Draft::of(&form);
        form.name.set("ab");
        let second = Draft::of(&form);
        // A keystroke's draft copies no ID: the list is the same one.
        assert!(Arc::ptr_eq(&first.calling_numbers, &second.calling_numbers));
        assert_eq!(&*second.calling_numbers, ids.as_slice());
        form.numbers.clear_selection();
        let third = Draft::of(&form);
        assert!(third.calling_numbers.is_empty(), "a change is seen at once");
        assert_eq!(
            second.calling_numbers.len(),
            10_000,
            "an earlier draft keeps its own"
        );
    }

    #[test]
    fn a_batch_file_fills_what_it_has_and_a_form_gives_back_the_same() {
        let base = Draft::of(&Form::new("UTC"));
        let file = crate::store::template::parse(
            r#"{"batchName":"T","callingNumbers":["64e5f12345abcdef87654321"],"retry":0,"callingHour":{"start":"08:30","end":"12:00"}}"#,
            crate::store::template::Format::Json,
            "t.json",
        )
        .unwrap();
        let draft = Draft::from_file(&file, &base);
        assert_eq!((draft.name.as_str(), draft.retries.as_str()), ("T", "0"));
        assert_eq!(draft.delay, base.delay, "left out: the base's value");
        let mut form = Form::new("UTC");
        draft.apply(&mut form);
        let back = batch_file_of(&form);
        assert_eq!(back.batch_name.as_deref(), Some("T"));
        assert_eq!(back.calling_hour, file.calling_hour);
        assert_eq!(back.retry, Some(0));
    }

    /// A writer on the slot `claim` takes in `first`'s folder.
    fn writer_for(claim: Claim) -> DraftWriter {
        DraftWriter::new(claim.slot, Box::new(Disk))
    }

    fn draft_named(name: &str) -> Draft {
        let mut d = Draft::of(&Form::new("UTC"));
        d.name = name.into();
        d
    }

    #[test]
    fn writes_are_atomic_ordered_and_deletable() {
        let dir = tempfile::tempdir().unwrap();
        let writer = writer_for(claim(&dir.path().join("state/draft.json"), true));
        let path = writer.path().unwrap();
        assert_eq!(path, dir.path().join("state/draft.json"));
        let a = draft_named("new");
        let old = draft_named("old");
        writer.write(2, Some(&a)).unwrap();
        writer.write(1, Some(&old)).unwrap();
        let read_back = read(&path).unwrap().unwrap();
        assert_eq!(read_back.name, "new", "the late, older write was skipped");
        assert!(!read_back.saved_at.is_empty());
        writer.write(3, None).unwrap();
        assert_eq!(read(&path), Ok(None));
        std::fs::write(&path, "{not json").unwrap();
        assert!(read(&path).unwrap_err().contains("left as it is"));
    }

    #[test]
    fn a_second_instance_takes_its_own_slot_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        let one = writer_for(claim(&first, true));
        let two = claim(&first, true);
        let second = dir.path().join("draft-2.json");
        assert_eq!(two.slot.as_ref().unwrap().path(), second);
        let note = two.notes.join(" ");
        assert!(
            note.contains(&format!(
                "Another weya-tui (PID {}) is running with the draft {}: this one keeps its draft in {}.",
                std::process::id(),
                first.display(),
                second.display()
            )),
            "{note}"
        );
        let two = writer_for(two);
        one.write(1, Some(&draft_named("careful work"))).unwrap();
        two.write(1, Some(&draft_named("quick test"))).unwrap();
        // The quick test is confirmed: only its own draft goes.
        two.write(2, None).unwrap();
        assert_eq!(read(&first).unwrap().unwrap().name, "careful work");
        assert_eq!(read(&second), Ok(None));

        // The first ends; the next start gets its work back, in its slot.
        drop(one);
        let three = claim(&first, true);
        assert_eq!(
            three.restored.map(|d| d.name).as_deref(),
            Some("careful work")
        );
        assert_eq!(three.slot.unwrap().path(), first);
    }

    #[test]
    fn a_draft_set_aside_stays_in_its_file_and_is_offered_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        let c = claim(&first, true);
        let writer = DraftWriter::new(c.slot, Box::new(Disk));
        writer.write(1, Some(&draft_named("typed"))).unwrap();

        let kept = writer.set_aside(3, &draft_named("Renewals")).unwrap();
        assert_eq!(kept, first);
        assert_eq!(read(&first).unwrap().unwrap().name, "Renewals");
        let now = writer.path().unwrap();
        assert_ne!(now, first, "the session goes on in another file");
        // A write of an earlier change, late, lands nowhere.
        writer.write(2, Some(&draft_named("late"))).unwrap();
        assert!(!now.exists());
        assert_eq!(read(&first).unwrap().unwrap().name, "Renewals");
        writer.write(4, Some(&draft_named("blank"))).unwrap();
        assert_eq!(read(&now).unwrap().unwrap().name, "blank");

        // Its lock was let go: another start finds it left by a session.
        let next = claim(&first, true);
        let names: Vec<_> = next
            .restored
            .iter()
            .chain(next.others.iter().map(|o| &o.draft))
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(
            names,
            ["Renewals"],
            "the running session's own is not offered"
        );
        drop(writer);
    }

    #[test]
    fn drafts_left_by_ended_sessions_restore_the_newest_and_list_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        let mut older = draft_named("older");
        older.saved_at = "2026-01-15T09:00:00Z".into();
        let mut newer = draft_named("newer");
        newer.saved_at = "2026-01-15T10:00:00Z".into();
        std::fs::write(&first, serde_json::to_vec(&older).unwrap()).unwrap();
        std::fs::write(
            dir.path().join("draft-3.json"),
            serde_json::to_vec(&newer).unwrap(),
        )
        .unwrap();

        let c = claim(&first, true);
        assert_eq!(c.restored.as_ref().map(|d| d.name.as_str()), Some("newer"));
        assert_eq!(
            c.slot.as_ref().unwrap().path(),
            dir.path().join("draft-3.json")
        );
        assert_eq!(c.others.len(), 1);
        assert_eq!(c.others[0].path, first);
        // The form says the draft was restored; the note says where it is.
        assert!(
            c.notes
                .join(" ")
                .contains("This session keeps its draft in ")
        );
        drop(c);

        // Filled from a file: no draft is taken, none is written over.
        let c = claim(&first, false);
        assert!(c.restored.is_none());
        let taken = c.slot.as_ref().unwrap().path().to_path_buf();
        assert_eq!(taken, dir.path().join("draft-2.json"));
        assert_eq!(c.others.len(), 2);
        let note = others_note(&c.others).unwrap();
        assert!(
            note.contains("draft.json") && note.contains("draft-3.json"),
            "{note}"
        );
    }

    #[test]
    fn a_left_draft_can_be_taken_over_and_the_one_let_go_stays() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        let second = dir.path().join("draft-2.json");
        std::fs::write(&first, serde_json::to_vec(&draft_named("a")).unwrap()).unwrap();
        std::fs::write(&second, serde_json::to_vec(&draft_named("b")).unwrap()).unwrap();
        let c = claim(&first, true);
        let mine = c.slot.as_ref().unwrap().path().to_path_buf();
        let other = c.others[0].path.clone();
        let writer = writer_for(c);
        assert_eq!(
            (mine.as_path(), other.as_path()),
            (first.as_path(), second.as_path())
        );
        assert_eq!(writer.adopt(&other).unwrap().name, "b");
        assert_eq!(writer.path().unwrap(), other);
        // The slot let go is free for the next start, its draft intact.
        let next = claim(&first, true);
        assert_eq!(next.slot.unwrap().path(), mine);
        // One that a running instance holds cannot be taken.
        let held = writer_for(claim(&first, false));
        let e = held.adopt(&other).unwrap_err().to_string();
        assert!(e.contains("another weya-tui"), "{e}");
    }

    #[test]
    fn an_unreadable_draft_is_moved_aside_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        std::fs::write(&first, b"{\"name\": \"half\xff").unwrap();
        let c = claim(&first, true);
        assert!(c.restored.is_none());
        let moved: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("draft.json.corrupt-"))
            .collect();
        let [moved] = moved.as_slice() else {
            panic!("one file moved aside: {moved:?}");
        };
        let stamp = moved
            .to_string_lossy()
            .rsplit("corrupt-")
            .next()
            .unwrap()
            .to_owned();
        assert!(
            stamp.len() == 15 && stamp.as_bytes()[8] == b'-',
            "YYYYmmdd-HHMMSS: {stamp}"
        );
        let note = c.notes.join(" ");
        assert!(
            note.contains(&format!("it was moved to {}", moved.display())),
            "{note}"
        );
        let writer = writer_for(c);
        writer.write(1, Some(&draft_named("new"))).unwrap();
        assert_eq!(std::fs::read(moved).unwrap(), b"{\"name\": \"half\xff");
        assert_eq!(read(&first).unwrap().unwrap().name, "new");
    }

    #[test]
    fn nowhere_to_write_is_said_at_start_and_by_every_write() {
        let dir = tempfile::tempdir().unwrap();
        // Its parent is a file: no folder can be made there, even by root.
        std::fs::write(dir.path().join("state"), "a file").unwrap();
        let c = claim(&dir.path().join("state/weya-tui/draft.json"), true);
        let note = c.notes.join(" ");
        assert!(
            note.starts_with("Drafts cannot be saved: cannot create the folder"),
            "{note}"
        );
        let writer = writer_for(c);
        assert_eq!(writer.path(), None);
        let e = writer.write(1, Some(&draft_named("x"))).unwrap_err();
        assert!(matches!(e, DraftError::NoSlot(_)), "{e}");
    }

    #[test]
    fn a_folder_in_the_drafts_place_is_left_and_another_slot_used() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("draft.json");
        std::fs::create_dir(&first).unwrap();
        let c = claim(&first, true);
        let second = dir.path().join("draft-2.json");
        assert_eq!(c.slot.as_ref().unwrap().path(), second);
        let note = c.notes.join(" ");
        assert!(
            note.contains(&format!("The draft {} cannot be read", first.display())),
            "{note}"
        );
        assert!(
            note.contains(&format!(
                "This session keeps its draft in {}.",
                second.display()
            )),
            "{note}"
        );
        assert!(first.is_dir());
    }

    /// Every write fails as on a full disk.
    #[derive(Debug)]
    struct FullDisk;

    impl DraftFiles for FullDisk {
        fn replace(&self, _: &Path, _: &[u8]) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn remove(&self, _: &Path) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_fails_the_write_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let c = claim(&dir.path().join("draft.json"), true);
        let writer = DraftWriter::new(c.slot, Box::new(FullDisk));
        let e = writer
            .write(1, Some(&draft_named("x")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("No space left on device"), "{e}");
        assert!(e.contains("draft.json"), "{e}");
    }

    #[test]
    fn slot_files_are_told_apart_from_others() {
        let first = Path::new("/s/draft.json");
        assert_eq!(slot_path(first, 1), first);
        assert_eq!(slot_path(first, 12), Path::new("/s/draft-12.json"));
        assert_eq!(
            lock_path(&slot_path(first, 2)),
            Path::new("/s/draft-2.json.lock")
        );
        for (name, n) in [
            ("draft.json", Some(1)),
            ("draft.json.lock", Some(1)),
            ("draft-2.json", Some(2)),
            ("draft-2.json.lock", Some(2)),
            ("draft-02.json", None),
            ("draft-1.json", None),
            ("draft.json.corrupt-20260115-140000", None),
            ("draft-2.json.corrupt-20260115-140000", None),
            ("drafts.json", None),
            ("journal.jsonl", None),
        ] {
            assert_eq!(slot_number(first, name), n, "{name}");
        }
    }
}
