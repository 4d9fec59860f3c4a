//! The import journal: nothing sent twice, nothing lost. One JSON file per
//! import under a directory the caller gives (the app uses
//! `$XDG_STATE_HOME/weya-tui/imports/`), holding each request's rows and
//! state, replaced atomically on every change.
//!
//! An import is known by its batch and its file's *content* (size and
//! hash, and the sheet of a workbook), never by the file's path or
//! modification time: the same rows copied elsewhere, or a file touched
//! after its import, find the same journal, so what was sent is not sent
//! again. The mapping and region it was planned with are in the journal
//! ([`ImportJournal::settings`]); a plan with other settings does not fit
//! it ([`ImportJournal::check_plan`]).
//!
//! The states a request goes through, and what each means for its rows,
//! are decided by the import engine ([`super::engine`]); this module only
//! records them: [`ImportJournal::mark_sending`] (written before the request
//! leaves; if that write fails, do not send), then
//! [`mark_confirmed`](ImportJournal::mark_confirmed) (every row sent was
//! added), [`mark_partial`](ImportJournal::mark_partial) (Weya said it added
//! fewer), [`mark_failed`](ImportJournal::mark_failed) (Weya said no:
//! nothing was added) or [`mark_unknown`](ImportJournal::mark_unknown) (no
//! answer, or one that contradicts itself: the rows may have been added).
//! A request partly added or in doubt is never sent again by
//! [`next_to_send`](ImportJournal::next_to_send): the operator decides
//! ([`resolve_unknown`](ImportJournal::resolve_unknown)). A journal found
//! with a request still `sending` is from a run that stopped mid-request:
//! that request reads as unknown.
//!
//! Only one process sends an import at a time: [`ImportJournal::lock`]
//! takes an advisory lock beside the journal, held for as long as the run
//! may send and released by the system when the process ends, however it
//! ends, so a run after a `kill -9` takes it and resumes.
//!
//! The journal holds row ranges and states, never a contact's data, and
//! the batch's `totalCalls` before the import, for judging a request in
//! doubt whichever of the view and `batch import` resumes it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::SendPlan;
use super::row::ImportSettings;
use super::source::{FileIdentity, Fnv};
use crate::store::atomic_write;
use crate::store::lock::{FileLock, TryLock, try_lock};

/// The version written. Version 1 (no `partial` state, no `left_out`)
/// is read too: every version-1 journal is a valid version-2 one.
const VERSION: u32 = 2;
const OLDEST_READ: u32 = 1;

/// What is known of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum RequestState {
    /// Not sent yet.
    Planned,
    /// On its way (since this time, RFC 3339).
    Sending { since: String },
    /// Weya accepted it; `added` as Weya counted, when it said.
    Confirmed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        added: Option<u64>,
    },
    /// Weya refused it: none of its rows were added.
    Failed { reason: String },
    /// Weya said it added `added` of the rows sent, fewer than were sent:
    /// the others are not in the batch, and which they are is not known.
    Partial { added: u64, reason: String },
    /// Sent, but no answer came, or one that contradicts itself: its rows
    /// may or may not be in the batch.
    Unknown { reason: String },
}

impl RequestState {
    fn name(&self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Sending { .. } => "sending",
            Self::Confirmed { .. } => "confirmed",
            Self::Failed { .. } => "failed",
            Self::Partial { .. } => "partial",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// Sent, and what became of its rows is not settled: partly added,
    /// unknown, or still marked sending (a run that stopped).
    pub fn in_doubt(&self) -> bool {
        matches!(
            self,
            Self::Partial { .. } | Self::Unknown { .. } | Self::Sending { .. }
        )
    }
}

/// One request's row range and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRequest {
    pub index: usize,
    /// Valid rows `first_row..first_row + rows` (from 1).
    pub first_row: u64,
    pub rows: u32,
    pub first_line: u64,
    pub last_line: u64,
    /// Rows not sent the last time it was sent because the batch held
    /// their number already (see [`super::existing`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out: u32,
    #[serde(flatten)]
    pub state: RequestState,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl JournalRequest {
    /// The rows it carried when it was last sent (all but those left out).
    pub fn sent(&self) -> u32 {
        self.rows.saturating_sub(self.left_out)
    }

    /// The rows Weya said it added: all that were sent for a confirmed
    /// request (when it did not say how many, or the operator settled it),
    /// its figure for a partly added one, none otherwise.
    pub fn added(&self) -> u64 {
        match self.state {
            RequestState::Confirmed { added } => added.unwrap_or(u64::from(self.sent())),
            RequestState::Partial { added, .. } => added,
            _ => 0,
        }
    }
}

/// What the operator decided about a request in doubt (partly added or
/// unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// They checked the batch (Weya's dashboard): the rows are there.
    WasAdded,
    /// They checked: the rows are not there; send them again (the engine
    /// leaves out those whose number the batch holds by then).
    SendAgain,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("import journal {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("import journal {}: not readable ({message})", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("an import of this file into this batch is already recorded ({}): resume it", path.display())]
    Exists { path: PathBuf },
    #[error("there is no request {index} in this import")]
    NoSuchRequest { index: usize },
    #[error("request {} is {from}: it cannot become {to}", index + 1)]
    Transition {
        index: usize,
        from: &'static str,
        to: &'static str,
    },
    #[error("this journal is for another plan (the file or the column choices differ)")]
    PlanMismatch,
    #[error(
        "request {}: {added} rows added of {sent} sent is not a confirmation (record it as partial)",
        index + 1
    )]
    NotAllAdded { index: usize, added: u64, sent: u32 },
    #[error(
        "another import of this file into this batch is running{}: wait for it to end, or stop it",
        pid.map(|pid| format!(" (process {pid})")).unwrap_or_default()
    )]
    Busy { pid: Option<u32> },
}

/// The right to send an import of one file into one batch, held by one
/// process at a time for as long as this value lives.
#[derive(Debug)]
pub struct ImportLock {
    journal: PathBuf,
    _lock: FileLock,
}

impl ImportLock {
    /// The journal this lock guards.
    pub fn journal_path(&self) -> &Path {
        &self.journal
    }
}

/// Counts of requests and rows by state: the one place where "rows
/// confirmed" and its neighbours are counted, for every screen and
/// command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JournalSummary {
    pub planned: usize,
    pub confirmed: usize,
    pub failed: usize,
    /// Weya added fewer rows than were sent.
    pub partial: usize,
    /// Unknown, or still marked sending.
    pub unknown: usize,
    pub rows_total: u64,
    /// Rows of confirmed requests: in the batch, sent by this import or
    /// left out because the batch held their number already.
    pub rows_confirmed: u64,
    /// Rows Weya said it added (confirmed and partly added requests).
    pub rows_added: u64,
    /// Rows of confirmed requests left out because their number was in the
    /// batch already.
    pub rows_left_out: u64,
    /// Rows sent that Weya said it did not add (partly added requests).
    pub rows_short: u64,
    /// Rows sent with no answer, or an answer that contradicts itself.
    pub rows_in_doubt: u64,
    /// Rows of refused requests.
    pub rows_failed: u64,
    /// Rows not sent yet.
    pub rows_planned: u64,
}

impl JournalSummary {
    /// Rows whose request has been answered one way or another.
    pub fn rows_answered(&self) -> u64 {
        self.rows_total - self.rows_planned
    }
}

/// A batch an import was for that is known gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchGone {
    /// When it was found gone (RFC 3339).
    pub since: String,
    /// How it was found gone, in a sentence's words.
    pub why: String,
    /// When the operator set the import aside (RFC 3339), if they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<String>,
}

/// The journal of one import: a file into a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJournal {
    version: u32,
    batch_id: String,
    file: FileIdentity,
    settings: ImportSettings,
    created: String,
    updated: String,
    /// The batch's `totalCalls` when the import started, when it was
    /// known: with the rows confirmed since, what to compare the batch's
    /// total with when a request's outcome is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    batch_total_before: Option<u64>,
    requests: Vec<JournalRequest>,
    /// The batch is known gone: Weya answered 404 for it, or this app
    /// deleted it. Nothing of the import can be sent any more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    batch_gone: Option<BatchGone>,
    #[serde(skip)]
    path: PathBuf,
    /// `batch_total_before` came from an older version's `.before` file
    /// beside the journal: removed once the journal on disk holds it.
    #[serde(skip)]
    legacy_before_file: bool,
}

impl ImportJournal {
    /// A new journal for sending `plan` to `batch_id`, written at once, all
    /// requests planned, with the batch's `totalCalls` before anything of
    /// it is sent when that could be read. Refuses to replace a journal of
    /// the same file and batch: that one records what was sent already
    /// ([`find`](Self::find) it and resume, or [`discard`](Self::discard)
    /// it knowingly).
    pub fn start(
        dir: &Path,
        batch_id: &str,
        plan: &SendPlan,
        batch_total_before: Option<u64>,
    ) -> Result<Self, JournalError> {
        let path = journal_path(dir, batch_id, plan.identity());
        if path.exists() {
            return Err(JournalError::Exists { path });
        }
        let now = now();
        let mut journal = Self {
            version: VERSION,
            batch_id: batch_id.to_owned(),
            file: plan.identity().clone(),
            settings: plan.settings().clone(),
            created: now.clone(),
            updated: now,
            batch_total_before,
            requests: plan
                .requests()
                .iter()
                .map(|r| JournalRequest {
                    index: r.index,
                    first_row: r.first_row,
                    rows: r.rows,
                    first_line: r.first_line,
                    last_line: r.last_line,
                    left_out: 0,
                    state: RequestState::Planned,
                })
                .collect(),
            batch_gone: None,
            path,
            legacy_before_file: false,
        };
        journal.save()?;
        Ok(journal)
    }

    /// Why the batch is known gone, and whether the import was set aside.
    pub fn batch_gone(&self) -> Option<&BatchGone> {
        self.batch_gone.as_ref()
    }

    /// Records that the batch is gone (`why`: "Weya answered 404 …"), once:
    /// the first reason is kept.
    pub fn mark_batch_gone(&mut self, why: &str) -> Result<(), JournalError> {
        if self.batch_gone.is_some() {
            return Ok(());
        }
        self.batch_gone = Some(BatchGone {
            since: now(),
            why: why.to_owned(),
            set_aside: None,
        });
        self.save()
    }

    /// Sets aside the import of a batch that is gone: the journal is kept
    /// (what was sent stays on record), marked, and no longer offered as
    /// unfinished. Refused while the batch is not known gone.
    pub fn set_aside(&mut self) -> Result<(), JournalError> {
        let Some(gone) = self.batch_gone.as_mut() else {
            return Err(JournalError::Io {
                path: self.path.clone(),
                source: io::Error::other("the batch is not known gone: nothing set aside"),
            });
        };
        if gone.set_aside.is_none() {
            gone.set_aside = Some(now());
            self.save()?;
        }
        Ok(())
    }

    /// Set aside (see [`set_aside`](Self::set_aside)).
    pub fn is_set_aside(&self) -> bool {
        self.batch_gone
            .as_ref()
            .is_some_and(|g| g.set_aside.is_some())
    }

    /// Takes the lock of the import of `file` into `batch_id`, or says
    /// that another process holds it ([`JournalError::Busy`], with its PID
    /// when known). Take it before reading the journal to send from it:
    /// what another run recorded meanwhile is then on disk.
    pub fn lock(
        dir: &Path,
        batch_id: &str,
        file: &FileIdentity,
    ) -> Result<ImportLock, JournalError> {
        let journal = journal_path(dir, batch_id, file);
        let mut name = journal.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        let path = journal.with_file_name(name);
        let io_error = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_error)?;
        match try_lock(&path).map_err(io_error)? {
            TryLock::Taken(lock) => Ok(ImportLock {
                journal,
                _lock: lock,
            }),
            TryLock::Busy(pid) => Err(JournalError::Busy { pid }),
        }
    }

    /// The journal of `file`'s content into `batch_id`, if an import of it
    /// was started, from wherever the file was then and whatever its
    /// modification time: its settings are what to check the file with
    /// again to resume.
    ///
    /// Earlier versions kept a journal under a name made of the file's
    /// path and modification time too: one found there (the same file,
    /// untouched) is moved to its name by content and taken up.
    ///
    /// Earlier versions of the import view kept the batch's total before
    /// the import in a `.before` file beside the journal instead; a
    /// journal without the figure takes it from there, so an import in
    /// flight across the upgrade keeps it. Only read here (this may run
    /// without the import's lock); the next write of the journal records
    /// it and removes the file.
    pub fn find(
        dir: &Path,
        batch_id: &str,
        file: &FileIdentity,
    ) -> Result<Option<Self>, JournalError> {
        let path = journal_path(dir, batch_id, file);
        let mut journal = match std::fs::read(&path) {
            Ok(bytes) => Self::parse(&path, &bytes)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match take_up_legacy(dir, batch_id, file, &path)? {
                    Some(journal) => journal,
                    None => return Ok(None),
                }
            }
            Err(source) => return Err(JournalError::Io { path, source }),
        };
        if journal.batch_total_before.is_none()
            && let Some(before) = read_legacy_before(&path)
        {
            journal.batch_total_before = Some(before);
            journal.legacy_before_file = true;
        }
        Ok(Some(journal))
    }

    /// Every import into `batch_id` recorded in `dir`, oldest first: other
    /// files, and other versions of this one, whose rows may be in the
    /// batch already. Unreadable journals are skipped.
    pub fn for_batch(dir: &Path, batch_id: &str) -> Result<Vec<Self>, JournalError> {
        let prefix = format!("{}-", file_stem_of(batch_id));
        let mut found = Self::read_dir(dir, &prefix)?;
        found.retain(|journal| journal.batch_id == batch_id);
        Ok(found)
    }

    /// Every import recorded in `dir`, into any batch, oldest first (see
    /// [`super::recovery::unfinished`]). Unreadable journals are skipped.
    pub fn all(dir: &Path) -> Result<Vec<Self>, JournalError> {
        Self::read_dir(dir, "")
    }

    /// The journals in `dir` whose file name starts with `prefix`, oldest
    /// first.
    fn read_dir(dir: &Path, prefix: &str) -> Result<Vec<Self>, JournalError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(JournalError::Io {
                    path: dir.to_owned(),
                    source,
                });
            }
        };
        let mut found: Vec<Self> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".json"))
            })
            .filter_map(|path| {
                let bytes = std::fs::read(&path).ok()?;
                Self::parse(&path, &bytes).ok()
            })
            .collect();
        found.sort_by(|a, b| a.created.cmp(&b.created));
        Ok(found)
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Self, JournalError> {
        let mut journal: Self =
            serde_json::from_slice(bytes).map_err(|e| JournalError::Corrupt {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        if !(OLDEST_READ..=VERSION).contains(&journal.version) {
            return Err(JournalError::Corrupt {
                path: path.to_owned(),
                message: format!(
                    "version {} (this weya-tui reads {OLDEST_READ} to {VERSION})",
                    journal.version
                ),
            });
        }
        // Written back as the current version from the next change on.
        journal.version = VERSION;
        journal.path = path.to_owned();
        // A request still "sending" belongs to a run that stopped before
        // the answer came: its rows may be in the batch.
        for request in &mut journal.requests {
            if let RequestState::Sending { since } = &request.state {
                request.state = RequestState::Unknown {
                    reason: format!("weya-tui stopped while it was being sent ({since})"),
                };
            }
        }
        Ok(journal)
    }

    /// The plan matches this journal's requests (same content, same
    /// settings, same rows per request): resuming with it sends what was
    /// planned. Where the file is now and when it was last touched do not
    /// matter.
    pub fn check_plan(&self, plan: &SendPlan) -> Result<(), JournalError> {
        let same_requests = plan.requests().len() == self.requests.len()
            && plan.requests().iter().zip(&self.requests).all(|(p, j)| {
                p.index == j.index
                    && p.first_row == j.first_row
                    && p.rows == j.rows
                    && p.first_line == j.first_line
                    && p.last_line == j.last_line
            });
        if same_requests
            && same_content(plan.identity(), &self.file)
            && plan.settings() == &self.settings
        {
            Ok(())
        } else {
            Err(JournalError::PlanMismatch)
        }
    }

    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// The file as it was when the import was started (its path then).
    pub fn file(&self) -> &FileIdentity {
        &self.file
    }

    /// Whether `file` has the content this import was started from (the
    /// same rows, wherever the file is now).
    pub fn is_of(&self, file: &FileIdentity) -> bool {
        same_content(file, &self.file)
    }

    /// When the journal last changed, RFC 3339: for a complete import,
    /// when it was completed.
    pub fn updated(&self) -> &str {
        &self.updated
    }

    /// The mapping and region the import was planned with.
    pub fn settings(&self) -> &ImportSettings {
        &self.settings
    }

    pub fn requests(&self) -> &[JournalRequest] {
        &self.requests
    }

    /// Where the journal is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// When the import was started, RFC 3339.
    pub fn created(&self) -> &str {
        &self.created
    }

    /// The batch's `totalCalls` when the import started, if recorded.
    pub fn batch_total_before(&self) -> Option<u64> {
        self.batch_total_before
    }

    /// The first request not confirmed, in plan order: where a resumed
    /// import stands.
    pub fn first_unconfirmed(&self) -> Option<&JournalRequest> {
        self.requests
            .iter()
            .find(|r| !matches!(r.state, RequestState::Confirmed { .. }))
    }

    /// The next request to send: the first planned one. Failed requests
    /// and those in doubt are not: they wait for
    /// [`retry_failed`](Self::retry_failed) or
    /// [`resolve_unknown`](Self::resolve_unknown).
    pub fn next_to_send(&self) -> Option<&JournalRequest> {
        self.requests
            .iter()
            .find(|r| r.state == RequestState::Planned)
    }

    /// Requests in doubt (partly added, or whose outcome is unknown): ask
    /// the operator about each.
    pub fn unknown(&self) -> Vec<&JournalRequest> {
        self.requests
            .iter()
            .filter(|r| r.state.in_doubt())
            .collect()
    }

    /// The first request in doubt, in plan order.
    pub fn first_in_doubt(&self) -> Option<&JournalRequest> {
        self.requests.iter().find(|r| r.state.in_doubt())
    }

    /// Requests Weya refused, with their rows and reasons: what "resend the
    /// failed rows" sends again.
    pub fn failed(&self) -> Vec<&JournalRequest> {
        self.requests
            .iter()
            .filter(|r| matches!(r.state, RequestState::Failed { .. }))
            .collect()
    }

    /// Every request confirmed.
    pub fn is_complete(&self) -> bool {
        self.first_unconfirmed().is_none()
    }

    pub fn summary(&self) -> JournalSummary {
        let mut summary = JournalSummary::default();
        for request in &self.requests {
            let rows = u64::from(request.rows);
            let sent = u64::from(request.sent());
            summary.rows_total += rows;
            summary.rows_added += request.added();
            match request.state {
                RequestState::Planned => {
                    summary.planned += 1;
                    summary.rows_planned += rows;
                }
                RequestState::Confirmed { .. } => {
                    summary.confirmed += 1;
                    summary.rows_confirmed += rows;
                    summary.rows_left_out += u64::from(request.left_out);
                }
                RequestState::Failed { .. } => {
                    summary.failed += 1;
                    summary.rows_failed += rows;
                }
                RequestState::Partial { added, .. } => {
                    summary.partial += 1;
                    summary.rows_short += sent.saturating_sub(added);
                }
                RequestState::Sending { .. } | RequestState::Unknown { .. } => {
                    summary.unknown += 1;
                    summary.rows_in_doubt += sent;
                }
            }
        }
        summary
    }

    /// Records that request `index` is about to be sent with all its rows.
    /// Only a planned request can be: this is the guard against sending one
    /// twice. Send only after this returned `Ok` (it is on disk).
    pub fn mark_sending(&mut self, index: usize) -> Result<(), JournalError> {
        self.mark_sending_leaving_out(index, 0)
    }

    /// [`mark_sending`](Self::mark_sending) for a request of which
    /// `left_out` rows stay behind (the batch holds their number already).
    pub fn mark_sending_leaving_out(
        &mut self,
        index: usize,
        left_out: u32,
    ) -> Result<(), JournalError> {
        self.transition_with(index, "sending", left_out, |state| match state {
            RequestState::Planned => Some(RequestState::Sending { since: now() }),
            _ => None,
        })
    }

    /// Every row of planned request `index` is in the batch already: it is
    /// confirmed without being sent.
    pub fn mark_all_left_out(&mut self, index: usize) -> Result<(), JournalError> {
        let rows = self
            .requests
            .get(index)
            .ok_or(JournalError::NoSuchRequest { index })?
            .rows;
        self.transition_with(index, "confirmed", rows, |state| match state {
            RequestState::Planned => Some(RequestState::Confirmed { added: Some(0) }),
            _ => None,
        })
    }

    /// Weya added every row of request `index` that was sent (`added`, when
    /// it said how many, must be that number: fewer is
    /// [`mark_partial`](Self::mark_partial)).
    pub fn mark_confirmed(&mut self, index: usize, added: Option<u64>) -> Result<(), JournalError> {
        let sent = self
            .requests
            .get(index)
            .ok_or(JournalError::NoSuchRequest { index })?
            .sent();
        if let Some(added) = added
            && added != u64::from(sent)
        {
            return Err(JournalError::NotAllAdded { index, added, sent });
        }
        self.transition(index, "confirmed", |state| match state {
            RequestState::Sending { .. } => Some(RequestState::Confirmed { added }),
            _ => None,
        })
    }

    /// Weya said it added `added` of the rows of request `index` that were
    /// sent, fewer than all.
    pub fn mark_partial(
        &mut self,
        index: usize,
        added: u64,
        reason: &str,
    ) -> Result<(), JournalError> {
        self.transition(index, "partial", |state| match state {
            RequestState::Sending { .. } => Some(RequestState::Partial {
                added,
                reason: reason.to_owned(),
            }),
            _ => None,
        })
    }

    /// Weya refused request `index`: none of its rows were added.
    pub fn mark_failed(&mut self, index: usize, reason: &str) -> Result<(), JournalError> {
        self.transition(index, "failed", |state| match state {
            RequestState::Sending { .. } => Some(RequestState::Failed {
                reason: reason.to_owned(),
            }),
            _ => None,
        })
    }

    /// No answer came for request `index` (timeout, dropped connection, the
    /// operator stopped waiting): its rows may have been added.
    pub fn mark_unknown(&mut self, index: usize, reason: &str) -> Result<(), JournalError> {
        self.transition(index, "unknown", |state| match state {
            RequestState::Sending { .. } => Some(RequestState::Unknown {
                reason: reason.to_owned(),
            }),
            _ => None,
        })
    }

    /// The operator's answer about a request in doubt (partly added, or
    /// its outcome unknown).
    pub fn resolve_unknown(
        &mut self,
        index: usize,
        resolution: Resolution,
    ) -> Result<(), JournalError> {
        let to = match resolution {
            Resolution::WasAdded => "confirmed",
            Resolution::SendAgain => "planned",
        };
        self.transition(index, to, |state| {
            state.in_doubt().then_some(match resolution {
                Resolution::WasAdded => RequestState::Confirmed { added: None },
                Resolution::SendAgain => RequestState::Planned,
            })
        })
    }

    /// Plans the failed requests again (their rows were not added), for
    /// "resend the failed rows". Returns how many.
    pub fn retry_failed(&mut self) -> Result<usize, JournalError> {
        let mut retried = 0;
        for request in &mut self.requests {
            if matches!(request.state, RequestState::Failed { .. }) {
                request.state = RequestState::Planned;
                retried += 1;
            }
        }
        if retried > 0 {
            self.updated = now();
            self.save()?;
        }
        Ok(retried)
    }

    /// Deletes the journal file (the import is abandoned or was finished
    /// and the operator wants it gone).
    pub fn discard(self) -> Result<(), JournalError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(JournalError::Io {
                    path: self.path,
                    source,
                });
            }
        }
        // An older version's figure belongs to the import just forgotten.
        remove_legacy_before(&self.path);
        Ok(())
    }

    /// Moves request `index` to the state `next` gives for its current one
    /// (`None`: not allowed), then writes the journal. On a failed write the
    /// state in memory is put back, so memory and disk agree.
    fn transition(
        &mut self,
        index: usize,
        to: &'static str,
        next: impl FnOnce(&RequestState) -> Option<RequestState>,
    ) -> Result<(), JournalError> {
        let left_out = self
            .requests
            .get(index)
            .ok_or(JournalError::NoSuchRequest { index })?
            .left_out;
        self.transition_with(index, to, left_out, next)
    }

    /// [`transition`](Self::transition), recording `left_out` too.
    fn transition_with(
        &mut self,
        index: usize,
        to: &'static str,
        left_out: u32,
        next: impl FnOnce(&RequestState) -> Option<RequestState>,
    ) -> Result<(), JournalError> {
        let request = self
            .requests
            .get_mut(index)
            .ok_or(JournalError::NoSuchRequest { index })?;
        let new = next(&request.state).ok_or(JournalError::Transition {
            index,
            from: request.state.name(),
            to,
        })?;
        let old = std::mem::replace(&mut request.state, new);
        let old_left_out = std::mem::replace(&mut request.left_out, left_out.min(request.rows));
        let old_updated = std::mem::replace(&mut self.updated, now());
        if let Err(e) = self.save() {
            self.requests[index].state = old;
            self.requests[index].left_out = old_left_out;
            self.updated = old_updated;
            return Err(e);
        }
        Ok(())
    }

    fn save(&mut self) -> Result<(), JournalError> {
        let io_error = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut bytes =
            serde_json::to_vec_pretty(self).map_err(|e| io_error(io::Error::other(e)))?;
        bytes.push(b'\n');
        atomic_write(&self.path, &bytes).map_err(io_error)?;
        if self.legacy_before_file {
            // The journal holds the figure now.
            self.legacy_before_file = false;
            remove_legacy_before(&self.path);
        }
        Ok(())
    }
}

impl fmt::Display for JournalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request {}: rows {}–{} (lines {}–{})",
            self.index + 1,
            self.first_row,
            self.first_row + u64::from(self.rows) - 1,
            self.first_line,
            self.last_line
        )
    }
}

/// Where weya-tui's import view kept the batch's total before the import
/// until the journal held it: `<journal>.before`, beside it.
fn legacy_before_path(journal: &Path) -> PathBuf {
    journal.with_extension("before")
}

fn read_legacy_before(journal: &Path) -> Option<u64> {
    std::fs::read_to_string(legacy_before_path(journal))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn remove_legacy_before(journal: &Path) {
    let path = legacy_before_path(journal);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        // Harmless: the journal's own figure wins over the file's.
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "cannot remove an old .before file")
        }
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The same rows: the same size and content hash, and the same sheet of
/// a workbook. Path and modification time are not part of it.
fn same_content(a: &FileIdentity, b: &FileIdentity) -> bool {
    a.size == b.size && a.content_hash == b.content_hash && a.sheet == b.sheet
}

/// `DIR/<batch>-c<key>.json`, the key a hash of the file's content (its
/// size and content hash, with the sheet, for a workbook): the same rows
/// anywhere, touched or not, are the same import.
fn journal_path(dir: &Path, batch_id: &str, file: &FileIdentity) -> PathBuf {
    dir.join(format!(
        "{}-{}.json",
        file_stem_of(batch_id),
        content_key(file)
    ))
}

/// A file's content (its size, its hash and the sheet read) as part of a
/// file name: what a journal of that content into a batch is known by,
/// wherever the file is.
pub fn content_key(file: &FileIdentity) -> String {
    let mut hash = Fnv::default();
    hash.write(&file.size.to_le_bytes());
    hash.write(&file.content_hash.to_le_bytes());
    if let Some(sheet) = &file.sheet {
        hash.write(&[0]);
        hash.write(sheet.as_bytes());
    }
    format!("c{:016x}", hash.0)
}

/// Where versions before the journal was known by content kept it: a
/// name made of the path, size, modification time and content hash.
fn legacy_journal_path(dir: &Path, batch_id: &str, file: &FileIdentity) -> PathBuf {
    let mut hash = Fnv::default();
    hash.write(file.path.as_os_str().as_encoded_bytes());
    hash.write(&[0]);
    hash.write(&file.size.to_le_bytes());
    hash.write(&file.modified_secs.to_le_bytes());
    hash.write(&file.modified_nanos.to_le_bytes());
    hash.write(&file.content_hash.to_le_bytes());
    if let Some(sheet) = &file.sheet {
        hash.write(&[0]);
        hash.write(sheet.as_bytes());
    }
    dir.join(format!("{}-{:016x}.json", file_stem_of(batch_id), hash.0))
}

/// A journal an earlier version kept under its old name, moved to `path`
/// (its name by content) and read; `None` when there is none.
fn take_up_legacy(
    dir: &Path,
    batch_id: &str,
    file: &FileIdentity,
    path: &Path,
) -> Result<Option<ImportJournal>, JournalError> {
    let legacy = legacy_journal_path(dir, batch_id, file);
    let bytes = match std::fs::read(&legacy) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(JournalError::Io {
                path: legacy,
                source,
            });
        }
    };
    let journal = ImportJournal::parse(path, &bytes)?;
    // Its old `.before` file moves with it.
    let before = legacy_before_path(&legacy);
    if before.exists() {
        let _ = std::fs::rename(&before, legacy_before_path(path));
    }
    std::fs::rename(&legacy, path).map_err(|source| JournalError::Io {
        path: legacy.clone(),
        source,
    })?;
    Ok(Some(journal))
}

/// The batch ID as a file name part: as is when it is plain (Weya's IDs are
/// 24 hex digits), else a hash of it, so no ID can name a path.
fn file_stem_of(batch_id: &str) -> String {
    let plain = !batch_id.is_empty()
        && batch_id.len() <= 64
        && batch_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        batch_id.to_owned()
    } else {
        let mut hash = Fnv::default();
        hash.write(batch_id.as_bytes());
        format!("id{:016x}", hash.0)
    }
}
