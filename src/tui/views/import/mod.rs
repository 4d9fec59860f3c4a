//! The contacts import view: pick a file, map its columns, check every
//! row, send the valid ones in requests of at most 1,000, list what failed
//! and resend only that, and resume an import that stopped.
//!
//! Opened over the create result or a batch's details (`i`), or from the
//! palette, for one batch ([`ImportTarget`]). [`ImportView::update`] takes
//! an [`ImportMsg`] and the time and returns the [`ImportCmd`]s to run; the
//! shell's effects run them off the UI loop through
//! [`executor::ImportExecutor`], against the import core and Weya, and
//! send the replies back as [`ImportMsg`]s. Its drawing is in [`ui`],
//! which this model never imports.
//!
//! The model does no I/O and reads no clock: every directory listing, file
//! read, check, journal write and request is a command, and progress and
//! rates come from the times handed in.
//!
//! Nor does it carry a rule of the import: what a request's answer means,
//! whether sending goes on, what counts as confirmed and what is in doubt
//! are the import engine's ([`crate::import::engine`]) and the journal's,
//! which the executor runs; the view draws the journal it is handed back
//! after each step, as `batch import` prints it.

pub mod executor;
pub mod msg;
pub mod split;
#[cfg(test)]
mod tests;
pub mod ui;

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::KeyEvent;

use crate::domain::local_time::{self, ContactHours, LocalTimes};
use crate::domain::schedule::CallingSchedule;
use crate::form::line::LineInput;
use crate::import::choices::{Restore, SavedChoices};
use crate::import::existing::PagesRead;
use crate::import::journal::JournalSummary;
use crate::import::path::{Completion, Entry, complete, split};
use crate::import::{
    CheckReport, ColumnMapping, ContactsFile, Country, ImportJournal, ImportSettings,
    JournalRequest, Progress, Region, RejectedFileNote, RequestState, Resolution, SendPlan,
};
use crate::tui::keymap::{Action, Input, Scope};
use crate::tui::msg::Cmd;
use crate::tui::views::ViewModel;
pub use msg::{Comparison, ImportCmd, ImportMsg, ImportTarget};

/// The import view's work goes to its executor as [`Cmd::Import`] of its
/// session, but for [`ImportCmd::Close`], which closes the view (the
/// executor goes with it: see [`ViewModel::closed`]).
impl ViewModel for ImportView {
    type Msg = ImportMsg;

    fn update(&mut self, msg: ImportMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        let session = self.session;
        self.work(msg, now)
            .into_iter()
            .map(|cmd| match cmd {
                ImportCmd::Close => Cmd::Close,
                cmd => Cmd::Import { session, cmd },
            })
            .collect()
    }

    fn scopes(&self) -> Vec<Scope> {
        Self::scopes(self)
    }

    fn breadcrumb(&self, _under: Vec<String>) -> Vec<String> {
        Self::breadcrumb(self)
    }

    fn is_animating(&self) -> bool {
        Self::is_animating(self)
    }

    /// It is all keys: the terminal keeps its own selection.
    fn wants_mouse(&self) -> bool {
        false
    }

    /// However it leaves the stack (Esc, another view, another import),
    /// its executor goes with it.
    fn closed(&self) -> Vec<Cmd> {
        vec![Cmd::Import {
            session: self.session,
            cmd: ImportCmd::Close,
        }]
    }
}

/// The longest path the input takes.
const MAX_PATH_CHARS: usize = 4096;
/// The longest variable name.
const MAX_NAME_CHARS: usize = 64;

/// Where the operator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pick,
    Opening,
    /// A workbook of several sheets: which one to read.
    Sheet,
    /// An import of this file into this batch was recorded.
    Resume,
    Map,
    Checking,
    Preview,
    Send,
}

/// What is being typed on the columns step.
#[derive(Debug, Clone)]
pub enum MapEdit {
    Rename { column: usize, input: LineInput },
    Region(LineInput),
}

/// Where sending stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendPhase {
    /// Waiting for the journal to be written.
    Starting,
    Running,
    /// Esc: no request starts after the one in flight.
    Pausing,
    Paused,
    /// A request's outcome is unknown; the operator chooses.
    Doubt,
    Done,
}

/// The send step.
#[derive(Debug, Clone)]
pub struct Sending {
    pub plan: Arc<SendPlan>,
    /// The journal as the executor last handed it back: what the screen
    /// draws (`None` until it is written).
    pub journal: Option<ImportJournal>,
    pub phase: SendPhase,
    pub in_flight: Option<usize>,
    /// When the current stretch of sending started: `None` while nothing
    /// is sent (paused, in doubt, done), so the rate neither counts that
    /// time nor keeps falling once sending has ended.
    pub sending_since: Option<DateTime<Utc>>,
    /// The time spent sending in this session's earlier stretches.
    pub sent_for: TimeDelta,
    /// Rows confirmed in this session: with the time sending, the rate.
    pub rows_this_session: u64,
    /// totalCalls now (when the import started is in the journal).
    pub totals_now: Option<Result<u64, String>>,
    pub error: Option<String>,
}

impl Sending {
    /// The journal's counts (all zero before it is written).
    pub fn summary(&self) -> JournalSummary {
        self.journal
            .as_ref()
            .map(ImportJournal::summary)
            .unwrap_or_default()
    }

    /// The journal's requests, as last known.
    pub fn requests(&self) -> &[JournalRequest] {
        self.journal.as_ref().map_or(&[], ImportJournal::requests)
    }

    /// The batch's totalCalls when the import started, if recorded.
    pub fn totals_before(&self) -> Option<u64> {
        self.journal
            .as_ref()
            .and_then(ImportJournal::batch_total_before)
    }

    pub fn failed(&self) -> impl Iterator<Item = (&JournalRequest, &str)> {
        self.requests().iter().filter_map(|r| match &r.state {
            RequestState::Failed { reason } => Some((r, reason.as_str())),
            _ => None,
        })
    }

    /// The first request in doubt (partly added, or its outcome unknown).
    pub fn in_doubt(&self) -> Option<&JournalRequest> {
        self.journal
            .as_ref()
            .and_then(ImportJournal::first_in_doubt)
    }

    fn next_planned(&self) -> Option<usize> {
        self.journal
            .as_ref()
            .and_then(ImportJournal::next_to_send)
            .map(|r| r.index)
    }

    /// Takes the journal the executor handed back, counting the rows it
    /// confirmed since the last one for the rate.
    fn take_journal(&mut self, journal: ImportJournal) {
        let before = self.summary().rows_confirmed;
        let after = journal.summary().rows_confirmed;
        self.rows_this_session += after.saturating_sub(before);
        self.journal = Some(journal);
    }

    /// A stretch of sending starts (nothing changes if one runs).
    fn clock_on(&mut self, now: DateTime<Utc>) {
        self.sending_since.get_or_insert(now);
    }

    /// The stretch of sending ends: the rate stands still until the next.
    fn clock_off(&mut self, now: DateTime<Utc>) {
        if let Some(since) = self.sending_since.take() {
            self.sent_for += (now - since).max(TimeDelta::zero());
        }
    }

    /// Rows per second while sending this session, and the seconds left
    /// at that rate.
    pub fn rate(&self, now: DateTime<Utc>) -> Option<(f64, u64)> {
        let running = self
            .sending_since
            .map_or(TimeDelta::zero(), |since| now - since);
        let millis = (self.sent_for + running).num_milliseconds();
        if millis <= 0 || self.rows_this_session == 0 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)] // rows and ms are far below 2^52
        let rate = self.rows_this_session as f64 * 1000.0 / millis as f64;
        let left = self.summary().rows_planned;
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )] // a positive, whole number of seconds
        let seconds = (left as f64 / rate).ceil() as u64;
        Some((rate, seconds))
    }
}

/// Comparing the rows to send with the numbers the batch holds, on the
/// check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparing {
    /// The operator chose to send those rows too (`b`).
    Off,
    /// Reading the batch's numbers (`job` tells its replies).
    Reading {
        job: u64,
        pages: Option<PagesRead>,
    },
    Done(Arc<Comparison>),
    /// They could not be read: nothing is left out.
    Failed(String),
}

/// What a resumed import has left to send, and what is already in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resumed {
    pub rows: u64,
    pub requests: usize,
    pub confirmed_rows: u64,
}

/// What `draw` measured, for `update` (scrolling) to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Geometry {
    /// Rows of the column list on screen.
    pub map_rows: u16,
    /// How far the preview can scroll.
    pub preview_max_scroll: u16,
}

/// The import view's state.
#[derive(Debug, Clone)]
pub struct ImportView {
    batch_id: String,
    batch_name: String,
    pub(crate) step: Step,
    pub(crate) path: LineInput,
    /// The last Tab's candidates, shown under the input.
    pub(crate) candidates: Vec<String>,
    /// Tab was pressed and the listing is awaited.
    pending_tab: Option<String>,
    /// The listing of a directory, kept while the typed directory part is
    /// the same (`(dir part, entries)`).
    listing: Option<(String, Vec<Entry>)>,
    /// A second Tab with nothing more to complete lists the candidates.
    pub(crate) error: Option<String>,
    pub(crate) notice: Option<String>,
    job: u64,
    cancel: Option<Arc<AtomicBool>>,
    pub(crate) progress: Option<Progress>,
    pub(crate) file: Option<Arc<ContactsFile>>,
    /// The highlighted sheet of a workbook of several.
    pub(crate) sheet_cursor: usize,
    /// The operator chose the sheet (Enter on the sheet step): the file
    /// opened next goes straight to its columns.
    sheet_chosen: bool,
    pub(crate) mapping: ColumnMapping,
    pub(crate) region: Option<Region>,
    /// Countries outside the region whose numbers are sent (`o` on the
    /// check allows those it found).
    pub(crate) allowed_countries: Vec<Country>,
    /// Numbers with an extension are dialled without it (`x`).
    pub(crate) without_extensions: bool,
    pub(crate) cursor: usize,
    pub(crate) map_offset: Cell<usize>,
    pub(crate) edit: Option<MapEdit>,
    /// A recorded import of this file into this batch.
    pub(crate) journal: Option<ImportJournal>,
    /// The recorded import is being resumed: check with its settings.
    pub(crate) resuming: bool,
    pub(crate) report: Option<Arc<CheckReport>>,
    pub(crate) preview_scroll: u16,
    /// The file is a rejected-rows file weya-tui wrote: what is done about
    /// it, said on the columns and the check.
    pub(crate) rejected_note: Option<RejectedFileNote>,
    /// What became of the column choices kept from an earlier visit to
    /// this file for this batch: restored (and from when), or not (why).
    pub(crate) choices_note: Option<String>,
    /// They were restored (else the note says why not).
    pub(crate) choices_restored: bool,
    /// Saves of the column choices asked for so far.
    choices_seq: u64,
    /// The rows to send compared with the batch's numbers, once checked.
    pub(crate) comparing: Option<Comparing>,
    compare_job: u64,
    /// The operator chose to send rows whose number the batch holds (`b`
    /// on the check); kept for the next check.
    include_existing: bool,
    /// `w` found this file holding other rows: a second `w` overwrites it.
    pending_overwrite: Option<PathBuf>,
    /// Enter came while the batch's numbers were being read: sending
    /// starts once they are (and not if they cannot be read).
    pub(crate) send_when_compared: bool,
    pub(crate) sending: Option<Sending>,
    pub(crate) geometry: Cell<Geometry>,
    /// The shell's number for this import (0 until it is opened as one).
    session: u64,
    /// The batch's calling schedule, when it was made here: the check
    /// shows it on the contacts' clocks.
    schedule: Option<CallingSchedule>,
    contact_hours: ContactHours,
    /// The check's contacts by time zone, with the batch's window on
    /// their clocks, or why that is not shown.
    pub(crate) local_times: Option<Result<LocalTimes, String>>,
    /// The split by time zone (`z` on the check), while its screen is open.
    pub(crate) split: Option<split::SplitScreen>,
    /// The operator's clock: the times on screen read in their zone.
    pub(crate) clock: crate::domain::clock::LocalClock,
    /// Weya does not find the batch (batch-details answered 404 when the
    /// view opened): nothing is opened, checked or sent for it.
    pub(crate) batch_gone: Option<String>,
}

impl ImportView {
    /// A view to import contacts into `batch_id`; its timezone (when
    /// known) presets the default region.
    pub fn new(batch_id: &str, batch_name: &str, timezone: Option<&str>) -> Self {
        Self {
            batch_id: batch_id.to_owned(),
            batch_name: batch_name.to_owned(),
            step: Step::Pick,
            path: LineInput::new("", MAX_PATH_CHARS),
            candidates: Vec::new(),
            pending_tab: None,
            listing: None,
            error: None,
            notice: None,
            job: 0,
            cancel: None,
            progress: None,
            file: None,
            sheet_cursor: 0,
            sheet_chosen: false,
            mapping: ColumnMapping {
                phone: None,
                columns: Vec::new(),
                rejected_file: false,
            },
            region: timezone.and_then(Region::for_timezone),
            allowed_countries: Vec::new(),
            without_extensions: false,
            cursor: 0,
            map_offset: Cell::new(0),
            edit: None,
            journal: None,
            resuming: false,
            report: None,
            preview_scroll: 0,
            rejected_note: None,
            choices_note: None,
            choices_restored: false,
            choices_seq: 0,
            comparing: None,
            compare_job: 0,
            include_existing: false,
            pending_overwrite: None,
            send_when_compared: false,
            sending: None,
            geometry: Cell::new(Geometry::default()),
            schedule: None,
            contact_hours: ContactHours::default(),
            local_times: None,
            split: None,
            clock: crate::domain::clock::LocalClock::default(),
            batch_gone: None,
            session: 0,
        }
    }

    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// Why the batch is known gone, if it is.
    pub fn batch_gone(&self) -> Option<&str> {
        self.batch_gone.as_deref()
    }

    /// Weya does not find the batch (`why`): from now on nothing is
    /// opened, checked or sent for it, and the view says so.
    fn mark_gone(&mut self, why: String) {
        self.batch_gone = Some(why);
        self.error = self.gone_line();
    }

    /// What the view says of a batch known gone.
    fn gone_line(&self) -> Option<String> {
        self.batch_gone.as_ref().map(|why| {
            format!(
                "“{}” no longer exists: {why}. Nothing can be imported into it; Esc leaves.",
                self.batch_name
            )
        })
    }

    /// Opens `file`, the file of an import a run left unfinished, as if
    /// its path were typed: its journal is found and resuming it offered.
    pub fn open_recorded(&mut self, file: &std::path::Path, now: DateTime<Utc>) -> Vec<Cmd> {
        self.path = LineInput::new(&file.display().to_string(), MAX_PATH_CHARS);
        ViewModel::update(self, ImportMsg::Input(Input::Action(Action::Accept)), now)
    }

    pub fn batch_name(&self) -> &str {
        &self.batch_name
    }

    pub fn step(&self) -> Step {
        self.step
    }

    /// The path as typed.
    pub fn path_typed(&self) -> &str {
        self.path.value()
    }

    /// The matches the last Tab listed, when there were several.
    pub fn candidates(&self) -> &[String] {
        &self.candidates
    }

    pub fn sending(&self) -> Option<&Sending> {
        self.sending.as_ref()
    }

    pub fn report(&self) -> Option<&CheckReport> {
        self.report.as_deref()
    }

    pub fn mapping(&self) -> &ColumnMapping {
        &self.mapping
    }

    /// What became of the column choices kept from before, if any were.
    pub fn choices_note(&self) -> Option<&str> {
        self.choices_note.as_deref()
    }

    pub fn region(&self) -> Option<Region> {
        self.region
    }

    /// How the rows to send compare with the batch's numbers, on the check.
    pub fn comparing(&self) -> Option<&Comparing> {
        self.comparing.as_ref()
    }

    /// The recorded import of this file's content into this batch, if one
    /// was found.
    pub fn journal(&self) -> Option<&ImportJournal> {
        self.journal.as_ref()
    }

    /// When resuming a recorded import: what it has left to send (rows,
    /// requests) and the rows Weya has already confirmed.
    pub fn left_to_send(&self) -> Option<Resumed> {
        let journal = self.journal.as_ref().filter(|_| self.resuming)?;
        let mut resumed = Resumed::default();
        for request in journal.requests() {
            let rows = u64::from(request.rows);
            if matches!(request.state, RequestState::Confirmed { .. }) {
                resumed.confirmed_rows += rows;
            } else {
                resumed.rows += rows;
                resumed.requests += 1;
            }
        }
        Some(resumed)
    }

    /// Whether something runs that the screen should animate (a spinner,
    /// a rate that changes with the time).
    pub fn is_animating(&self) -> bool {
        matches!(self.step, Step::Opening | Step::Checking)
            || self.sending.as_ref().is_some_and(|s| {
                matches!(
                    s.phase,
                    SendPhase::Starting | SendPhase::Running | SendPhase::Pausing
                )
            })
    }

    /// Whether typed text goes to an input (global one-letter keys must
    /// not take it).
    pub fn is_typing(&self) -> bool {
        self.step == Step::Pick || self.edit.is_some()
    }

    /// Whether a request is on its way (its answer is awaited).
    fn in_flight(&self) -> bool {
        self.sending.as_ref().is_some_and(|s| s.in_flight.is_some())
    }

    /// The key scopes in force, closest first.
    pub fn scopes(&self) -> Vec<Scope> {
        // A batch known gone: only Esc, which leaves (once no request is
        // on its way).
        if self.batch_gone.is_some() && !self.in_flight() {
            return vec![Scope::ImportGone];
        }
        if let Some(scope) = self.split_scope() {
            return vec![scope];
        }
        if self.can_split() {
            // The two bind no key in common, so their order only tells
            // the footer which to show first (the last listed): the
            // offer, before the check's own keys, at 80 columns too.
            return vec![Scope::ImportPreview, Scope::ImportSplitOffer];
        }
        let scope = match self.step {
            Step::Pick => Scope::ImportPick,
            Step::Opening | Step::Checking => Scope::ImportWorking,
            Step::Sheet => Scope::ImportSheet,
            Step::Resume => Scope::ImportResume,
            Step::Map | Step::Preview if self.edit.is_some() => Scope::ImportMapEdit,
            Step::Map => Scope::ImportMap,
            Step::Preview => Scope::ImportPreview,
            Step::Send => {
                let failed = self
                    .sending
                    .as_ref()
                    .is_some_and(|s| s.failed().next().is_some());
                let scope = match self.sending.as_ref().map(|s| s.phase) {
                    Some(SendPhase::Doubt) => Scope::ImportDoubt,
                    Some(SendPhase::Paused) => Scope::ImportSent,
                    Some(SendPhase::Done) => Scope::ImportDone,
                    _ => Scope::ImportSending,
                };
                // r only where it does something: a request failed.
                return if failed && matches!(scope, Scope::ImportSent | Scope::ImportDone) {
                    vec![Scope::ImportFailed, scope]
                } else {
                    vec![scope]
                };
            }
        };
        vec![scope]
    }

    /// The message the shell makes of `key` on this view, its global keys
    /// aside: a bound key is its action, any other is typed. For driving
    /// the view alone (tests).
    pub fn key_msg(&self, key: KeyEvent) -> ImportMsg {
        ImportMsg::Input(Input::key(key, &self.scopes()))
    }

    /// Where the operator is, for the header.
    pub fn breadcrumb(&self) -> Vec<String> {
        vec![format!("Import into “{}”", self.batch_name)]
    }

    /// The session the shell opened this view as: its replies, and the
    /// work for its executor, carry it (see [`Cmd::Import`]).
    #[must_use]
    /// The batch's schedule (when it was made here) and the hours contacts
    /// may be called in: the check shows the window on their clocks.
    pub fn with_local_time(
        mut self,
        schedule: Option<CallingSchedule>,
        hours: ContactHours,
    ) -> Self {
        self.schedule = schedule;
        self.contact_hours = hours;
        self
    }

    /// The view reading times on `clock` (the operator's zone).
    #[must_use]
    pub fn with_clock(mut self, clock: crate::domain::clock::LocalClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn in_session(mut self, session: u64) -> Self {
        self.session = session;
        self
    }

    pub fn session(&self) -> u64 {
        self.session
    }

    /// Applies `msg`; returns the work for the executor (the view's
    /// [`ViewModel::update`] hands it over as
    /// [`Cmd::Import`]). No I/O, no clock.
    pub fn work(&mut self, msg: ImportMsg, now: DateTime<Utc>) -> Vec<ImportCmd> {
        // The operator's column choices are kept as they change, so
        // quitting before sending loses none of them.
        let on_columns = matches!(msg, ImportMsg::Input(_)) && self.step == Step::Map;
        let before = on_columns.then(|| self.mapping.clone());
        let mut cmds = self.work_on(msg, now);
        if let Some(before) = before
            && before != self.mapping
            && let Some(keep) = self.keep_choices(now)
        {
            cmds.push(keep);
        }
        cmds
    }

    fn work_on(&mut self, msg: ImportMsg, now: DateTime<Utc>) -> Vec<ImportCmd> {
        match msg {
            ImportMsg::Input(Input::Action(action)) if self.split.is_some() => {
                self.on_split_key(action)
            }
            ImportMsg::Input(Input::Action(action)) => self.on_action(action, now),
            ImportMsg::Input(Input::Typed(key)) => {
                let input = match (&mut self.edit, self.step) {
                    (Some(MapEdit::Rename { input, .. } | MapEdit::Region(input)), _) => input,
                    (None, Step::Pick) => &mut self.path,
                    _ => return Vec::new(),
                };
                if input.handle_key(key) && self.edit.is_none() {
                    self.candidates.clear();
                    self.error = None;
                }
                Vec::new()
            }
            ImportMsg::Input(Input::Paste(text)) => {
                match (&mut self.edit, self.step) {
                    (Some(MapEdit::Rename { input, .. } | MapEdit::Region(input)), _) => {
                        input.paste(&text);
                    }
                    (None, Step::Pick) => {
                        self.path.paste(&text);
                        self.candidates.clear();
                    }
                    _ => {}
                }
                Vec::new()
            }
            // The import view is all keys.
            ImportMsg::Input(Input::Click { .. } | Input::Wheel { .. }) => Vec::new(),
            ImportMsg::DirListed { typed, result } => self.on_listed(typed, result),
            ImportMsg::Progress { job, progress } => {
                if job == self.job {
                    self.progress = Some(progress);
                }
                Vec::new()
            }
            ImportMsg::Opened { job, result } => self.on_opened(job, result),
            ImportMsg::BatchChecked(gone) => {
                // Said before the operator maps any column.
                if let Some(why) = gone {
                    self.mark_gone(why);
                }
                Vec::new()
            }
            ImportMsg::CompareGone { job, why } => {
                if matches!(&self.comparing, Some(Comparing::Reading { job: awaited, .. }) if *awaited == job)
                {
                    self.send_when_compared = false;
                    self.comparing = Some(Comparing::Failed(
                        "the batch no longer exists: nothing is sent to it".into(),
                    ));
                    self.mark_gone(why);
                }
                Vec::new()
            }
            ImportMsg::BatchRegion(region) => {
                // Only before a file is open: from then on the region is
                // the operator's (the guessed columns depend on it).
                if self.region.is_none() && self.file.is_none() {
                    self.region = region;
                }
                Vec::new()
            }
            ImportMsg::JournalFound(result) => self.on_journal_found(result),
            ImportMsg::ChoicesFound(result) => {
                self.on_choices_found(result);
                Vec::new()
            }
            ImportMsg::ChoicesSaved(result) => {
                if let Err(e) = result {
                    self.choices_restored = false;
                    self.choices_note = Some(format!(
                        "Your column choices are not kept if you quit now: {e}"
                    ));
                }
                Vec::new()
            }
            ImportMsg::Checked { job, result } => self.on_checked(job, result, now),
            ImportMsg::RejectedWritten(result) => {
                self.pending_overwrite = None;
                match result {
                    Ok(Some(written)) => {
                        let mut notice = if written.unchanged {
                            format!(
                                "The invalid rows are in {} already, unchanged",
                                written.path.display()
                            )
                        } else {
                            format!("Invalid rows written to {}", written.path.display())
                        };
                        if let Some(note) = written.short_guard_note() {
                            notice.push_str(&format!("; {note}"));
                        }
                        notice.push('.');
                        self.notice = Some(notice);
                    }
                    Ok(None) => self.notice = Some("No row was invalid: nothing written.".into()),
                    Err(e) => self.error = Some(e),
                }
                Vec::new()
            }
            ImportMsg::RejectedExists(path) => {
                self.error = Some(format!(
                    "{} exists and holds other rows (fixes of yours?): w again overwrites it, \
                     any other key keeps it.",
                    path.display()
                ));
                self.pending_overwrite = Some(path);
                Vec::new()
            }
            ImportMsg::CompareProgress { job, pages } => {
                if let Some(Comparing::Reading {
                    job: awaited,
                    pages: shown,
                }) = &mut self.comparing
                    && *awaited == job
                {
                    *shown = Some(pages);
                }
                Vec::new()
            }
            ImportMsg::Compared { job, result } => {
                if !matches!(&self.comparing, Some(Comparing::Reading { job: awaited, .. }) if *awaited == job)
                {
                    return Vec::new();
                }
                let waiting = std::mem::take(&mut self.send_when_compared);
                match result {
                    Ok(comparison) => {
                        self.comparing = Some(Comparing::Done(comparison));
                        if waiting && self.step == Step::Preview {
                            return self.submit();
                        }
                    }
                    Err(e) => {
                        self.comparing = Some(Comparing::Failed(e));
                        if waiting {
                            // Not sent on an Enter given in the belief
                            // that those rows would be left out.
                            self.error = Some(
                                "Not sent: the numbers in the batch could not be read. Enter \
                                 sends every row anyway."
                                    .into(),
                            );
                        }
                    }
                }
                Vec::new()
            }
            ImportMsg::SendReady(result) => self.on_send_ready(result, now),
            ImportMsg::RequestDone {
                index,
                journal,
                stop,
            } => self.on_request_done(index, journal, stop, now),
            ImportMsg::Totals(result) => {
                if let Some(sending) = &mut self.sending {
                    sending.totals_now = Some(result);
                }
                Vec::new()
            }
            ImportMsg::JournalUpdated(result) => self.on_journal_updated(result, now),
            ImportMsg::SplitRan { dry_run, result } => self.on_split_ran(dry_run, result),
            ImportMsg::JournalDiscarded(result) => {
                match result {
                    Ok(()) => {
                        self.journal = None;
                        self.resuming = false;
                        self.step = Step::Map;
                        self.notice = Some("The recorded import was forgotten.".into());
                    }
                    Err(e) => self.error = Some(e),
                }
                Vec::new()
            }
        }
    }

    fn on_action(&mut self, action: Action, now: DateTime<Utc>) -> Vec<ImportCmd> {
        if self.edit.is_some() {
            return self.on_edit(action);
        }
        self.notice = None;
        // A question about overwriting the rejected rows' file is answered
        // by the next key: `w` again overwrites, any other keeps it.
        let overwrite = self.pending_overwrite.take();
        if overwrite.is_some() && action != Action::WriteRejected {
            self.error = None;
        }
        if let (Some(_), Action::WriteRejected, Some(file), Some(report)) =
            (&overwrite, action, &self.file, &self.report)
        {
            self.error = None;
            return vec![ImportCmd::WriteRejected {
                file: Arc::clone(file),
                report: Arc::clone(report),
                overwrite: true,
            }];
        }
        // A batch known gone takes nothing: the way on is refused on every
        // step (only Esc and the keys that do not go on are left).
        if self.batch_gone.is_some()
            && matches!(
                action,
                Action::Accept | Action::Check | Action::Submit | Action::Resume | Action::Resend
            )
        {
            self.error = self.gone_line();
            return Vec::new();
        }
        // Esc leaves a batch known gone from every step, once no request
        // is on its way.
        if self.batch_gone.is_some() && action == Action::Back && !self.in_flight() {
            if let Some(cancel) = self.cancel.take() {
                cancel.store(true, Ordering::Relaxed);
            }
            return vec![ImportCmd::Close];
        }
        match self.step {
            Step::Pick => self.on_pick(action),
            Step::Opening | Step::Checking if action == Action::Back => {
                // Back: stop the running step (the flag is read every few
                // thousand rows) and drop its reply.
                if let Some(cancel) = self.cancel.take() {
                    cancel.store(true, Ordering::Relaxed);
                }
                self.job += 1;
                self.progress = None;
                self.step = if self.step == Step::Opening {
                    Step::Pick
                } else {
                    Step::Map
                };
                Vec::new()
            }
            Step::Opening | Step::Checking => Vec::new(),
            Step::Sheet => self.on_sheet(action),
            Step::Resume => self.on_resume(action),
            Step::Map => self.on_map(action),
            Step::Preview => self.on_preview(action),
            Step::Send => self.on_send_key(action, now),
        }
    }

    fn on_pick(&mut self, action: Action) -> Vec<ImportCmd> {
        match action {
            Action::Complete => {
                let typed = self.path.value().to_owned();
                let (dir, _) = split(&typed);
                match &self.listing {
                    Some((listed, entries)) if listed == dir => {
                        let entries = entries.clone();
                        self.apply_completion(&typed, &entries);
                        Vec::new()
                    }
                    _ => {
                        self.pending_tab = Some(typed.clone());
                        vec![ImportCmd::ListDir { typed }]
                    }
                }
            }
            Action::Accept => {
                let typed = self.path.value().trim().to_owned();
                if typed.is_empty() {
                    self.error = Some("Type the path of a contacts file (Tab completes).".into());
                    return Vec::new();
                }
                self.error = None;
                self.candidates.clear();
                self.sheet_chosen = false;
                self.start_job(Step::Opening, |job, cancel| ImportCmd::Open {
                    job,
                    path: typed,
                    sheet: None,
                    cancel,
                })
            }
            Action::Back => vec![ImportCmd::Close],
            _ => Vec::new(),
        }
    }

    /// A new job for a long step: the previous one's replies are dropped.
    fn start_job(
        &mut self,
        step: Step,
        cmd: impl FnOnce(u64, Arc<AtomicBool>) -> ImportCmd,
    ) -> Vec<ImportCmd> {
        self.job += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(Arc::clone(&cancel));
        self.progress = None;
        self.step = step;
        vec![cmd(self.job, cancel)]
    }

    fn on_listed(&mut self, typed: String, result: Result<Vec<Entry>, String>) -> Vec<ImportCmd> {
        let entries = match result {
            Ok(entries) => entries,
            Err(e) => {
                self.error = Some(e);
                return Vec::new();
            }
        };
        let (dir, _) = split(&typed);
        self.listing = Some((dir.to_owned(), entries.clone()));
        // Only if the operator has not typed on meanwhile.
        if self.pending_tab.take().as_deref() == Some(typed.as_str()) && self.path.value() == typed
        {
            self.apply_completion(&typed, &entries);
        }
        Vec::new()
    }

    fn apply_completion(&mut self, typed: &str, entries: &[Entry]) {
        let Completion { text, candidates } = complete(typed, entries);
        self.error = None;
        if candidates.is_empty() {
            self.error = Some("Nothing there matches (folders and contacts files only).".into());
        }
        if text != typed {
            self.path.set(&text);
            // A directory was entered: its listing is another.
            if text.ends_with('/') {
                self.listing = None;
            }
        }
        self.candidates = if candidates.len() > 1 {
            candidates
        } else {
            Vec::new()
        };
    }

    /// The answer of file job `job` has come: whether it is the one the
    /// view waits for in `step` (a stale one is ignored). If so, its
    /// cancel switch and progress go.
    fn finish_job(&mut self, job: u64, step: Step) -> bool {
        if job != self.job || self.step != step {
            return false;
        }
        self.cancel = None;
        self.progress = None;
        true
    }

    fn on_opened(&mut self, job: u64, result: Result<Arc<ContactsFile>, String>) -> Vec<ImportCmd> {
        if !self.finish_job(job, Step::Opening) {
            return Vec::new();
        }
        match result {
            Ok(file) => {
                let several = file.sheets().len() > 1;
                self.sheet_cursor = file
                    .sheet()
                    .and_then(|read| file.sheets().iter().position(|s| s == read))
                    .unwrap_or(0);
                self.file = Some(file);
                if several && !self.sheet_chosen {
                    self.step = Step::Sheet;
                    Vec::new()
                } else {
                    self.columns_of_file()
                }
            }
            Err(e) => {
                self.error = Some(e);
                self.step = if self.sheet_chosen && self.file.is_some() {
                    Step::Sheet
                } else {
                    Step::Pick
                };
                Vec::new()
            }
        }
    }

    /// The columns step for the file opened: the guessed mapping, and a
    /// look for a recorded import of it (of its sheet).
    fn columns_of_file(&mut self) -> Vec<ImportCmd> {
        let Some(file) = &self.file else {
            return Vec::new();
        };
        let (mapping, note) = ColumnMapping::for_file(file, self.region);
        self.mapping = mapping;
        self.rejected_note = note;
        self.cursor = self.mapping.phone.unwrap_or(0);
        self.map_offset.set(0);
        self.journal = None;
        self.resuming = false;
        self.report = None;
        self.sending = None;
        self.choices_note = None;
        self.choices_restored = false;
        let identity = file.identity().clone();
        self.step = Step::Map;
        vec![
            ImportCmd::FindJournal {
                file: identity.clone(),
            },
            ImportCmd::FindChoices { file: identity },
        ]
    }

    /// The sheet step: ↑/↓ and Enter, which reads the highlighted sheet
    /// (the one read already goes straight to its columns).
    fn on_sheet(&mut self, action: Action) -> Vec<ImportCmd> {
        let Some(file) = self.file.clone() else {
            return Vec::new();
        };
        match action {
            Action::Up => self.sheet_cursor = self.sheet_cursor.saturating_sub(1),
            Action::Down => {
                self.sheet_cursor =
                    (self.sheet_cursor + 1).min(file.sheets().len().saturating_sub(1));
            }
            Action::Accept => {
                let Some(name) = file.sheets().get(self.sheet_cursor).cloned() else {
                    return Vec::new();
                };
                self.sheet_chosen = true;
                self.error = None;
                if file.sheet() == Some(name.as_str()) {
                    return self.columns_of_file();
                }
                let path = self.path.value().trim().to_owned();
                return self.start_job(Step::Opening, |job, cancel| ImportCmd::Open {
                    job,
                    path,
                    sheet: Some(name),
                    cancel,
                });
            }
            Action::Back => {
                self.step = Step::Pick;
                self.error = None;
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_journal_found(
        &mut self,
        result: Result<Option<ImportJournal>, String>,
    ) -> Vec<ImportCmd> {
        match result {
            Ok(Some(journal)) => {
                // Its journal knows the batch gone (a 404 while sending):
                // the import is not offered again.
                if let Some(gone) = journal.batch_gone() {
                    self.mark_gone(gone.why.clone());
                    return Vec::new();
                }
                // Only while the operator is still on the columns of the
                // file it belongs to.
                // Known by its content: the same rows copied elsewhere or
                // touched since are the same import.
                let same_file = self
                    .file
                    .as_ref()
                    .is_some_and(|f| journal.is_of(f.identity()));
                if same_file && self.step == Step::Map {
                    self.step = Step::Resume;
                    self.journal = Some(journal);
                }
            }
            Ok(None) => {}
            Err(e) => self.error = Some(format!("The import journal cannot be read: {e}")),
        }
        Vec::new()
    }

    /// The column choices kept for the file opened, taken while its
    /// columns are on show and not yet changed: as they were when the
    /// header is the same, else not at all, and the note says which.
    fn on_choices_found(&mut self, result: Result<Option<SavedChoices>, String>) {
        let Some(file) = &self.file else {
            return;
        };
        let saved = match result {
            Ok(Some(saved)) if saved.is_for(&self.batch_id, file.identity()) => saved,
            Ok(_) => return,
            Err(e) => {
                self.choices_note = Some(format!(
                    "Your earlier column choices could not be read ({e}): the columns are \
                     guessed again."
                ));
                return;
            }
        };
        if !matches!(self.step, Step::Map | Step::Resume) {
            return;
        }
        let clock = self.clock;
        let when = |at: DateTime<Utc>| clock.minute_zoned(at);
        match saved.restore(file.header()) {
            Restore::Restored { mapping, saved_at } => {
                self.mapping = mapping;
                self.cursor = self.mapping.phone.unwrap_or(0);
                self.choices_restored = true;
                self.choices_note = Some(format!(
                    "Your column choices from {} were restored.",
                    when(saved_at)
                ));
            }
            Restore::Stale { saved_at, why } => {
                self.choices_restored = false;
                self.choices_note = Some(format!(
                    "Your column choices from {} were not restored: {why}. The columns are \
                     guessed again.",
                    when(saved_at)
                ));
            }
        }
    }

    /// The column choices as they are now, to keep.
    fn keep_choices(&mut self, now: DateTime<Utc>) -> Option<ImportCmd> {
        let file = self.file.as_ref()?;
        let choices = Box::new(SavedChoices::new(
            &self.batch_id,
            file.identity(),
            file.header(),
            self.mapping.clone(),
            now,
        ));
        self.choices_seq += 1;
        Some(ImportCmd::SaveChoices {
            seq: self.choices_seq,
            choices,
        })
    }

    fn on_resume(&mut self, action: Action) -> Vec<ImportCmd> {
        match action {
            Action::Resume => {
                let Some(journal) = &self.journal else {
                    return Vec::new();
                };
                if journal.is_complete() {
                    self.error = Some(
                        "Every request of that import was confirmed: nothing is left to send."
                            .into(),
                    );
                    return Vec::new();
                }
                let settings = journal.settings().clone();
                self.mapping = settings.mapping.clone();
                self.region = settings.region;
                self.allowed_countries
                    .clone_from(&settings.allowed_countries);
                self.without_extensions = settings.without_extensions;
                self.resuming = true;
                self.check(settings)
            }
            Action::StartOver => vec![ImportCmd::DiscardJournal],
            Action::Back => {
                self.step = Step::Pick;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The settings the operator's choices make.
    fn settings(&self) -> ImportSettings {
        let mut settings = ImportSettings::new(self.mapping.clone(), self.region);
        settings
            .allowed_countries
            .clone_from(&self.allowed_countries);
        settings.without_extensions = self.without_extensions;
        settings
    }

    fn check(&mut self, settings: ImportSettings) -> Vec<ImportCmd> {
        let Some(file) = self.file.clone() else {
            return Vec::new();
        };
        self.error = None;
        self.report = None;
        self.start_job(Step::Checking, |job, cancel| ImportCmd::Check {
            job,
            file,
            settings,
            cancel,
        })
    }

    fn on_map(&mut self, action: Action) -> Vec<ImportCmd> {
        let columns = self.mapping.columns.len();
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => {
                self.cursor = (self.cursor + 1).min(columns.saturating_sub(1));
            }
            Action::Toggle => {
                if Some(self.cursor) == self.mapping.phone {
                    self.error = Some("The phone column is always sent (as phoneNumber).".into());
                } else if let Some(choice) = self.mapping.columns.get(self.cursor) {
                    let send = !choice.send;
                    self.mapping.set_send(self.cursor, send);
                    self.error = None;
                }
            }
            Action::PhoneColumn => {
                self.mapping.set_phone(self.cursor);
                self.error = None;
            }
            Action::Rename => {
                if Some(self.cursor) == self.mapping.phone {
                    self.error = Some("The phone column is sent as phoneNumber.".into());
                } else if let Some(choice) = self.mapping.columns.get(self.cursor) {
                    let mut input = LineInput::new(&choice.name, MAX_NAME_CHARS);
                    input.select_all();
                    self.edit = Some(MapEdit::Rename {
                        column: self.cursor,
                        input,
                    });
                }
            }
            Action::Region => self.edit_region(),
            Action::Check => {
                if let Err(errors) = self.mapping.validate() {
                    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    self.error = Some(list.join("; "));
                    return Vec::new();
                }
                self.resuming = false;
                return self.check(self.settings());
            }
            Action::Back => {
                // A workbook of several sheets: back to its sheets.
                let several = self.file.as_ref().is_some_and(|f| f.sheets().len() > 1);
                self.step = if several { Step::Sheet } else { Step::Pick };
                self.error = None;
            }
            _ => {}
        }
        Vec::new()
    }

    /// The region input, on the columns step or the check (where the
    /// region taken checks again).
    fn edit_region(&mut self) {
        let code = self.region.map(|r| r.to_string()).unwrap_or_default();
        let mut input = LineInput::new(&code, 2);
        input.select_all();
        self.edit = Some(MapEdit::Region(input));
    }

    fn on_edit(&mut self, action: Action) -> Vec<ImportCmd> {
        let Some(edit) = &mut self.edit else {
            return Vec::new();
        };
        match action {
            Action::Cancel => self.edit = None,
            Action::Accept => match edit {
                MapEdit::Rename { column, input } => {
                    let name = input.value().trim().to_owned();
                    let column = *column;
                    self.mapping.rename(column, &name);
                    // A name given is a column meant to be sent.
                    if !name.is_empty() {
                        self.mapping.set_send(column, true);
                    }
                    self.edit = None;
                    self.error = None;
                }
                MapEdit::Region(input) => {
                    let code = input.value().trim().to_owned();
                    let region = if code.is_empty() {
                        None
                    } else {
                        match code.parse::<Region>() {
                            Ok(region) => Some(region),
                            Err(e) => {
                                self.error = Some(e.to_string());
                                return Vec::new();
                            }
                        }
                    };
                    self.region = region;
                    self.edit = None;
                    self.error = None;
                    // On the check, `g` promises the check again with it.
                    if self.step == Step::Preview {
                        return self.check(self.settings());
                    }
                }
            },
            _ => {}
        }
        Vec::new()
    }

    fn on_checked(
        &mut self,
        job: u64,
        result: Result<Arc<CheckReport>, String>,
        now: DateTime<Utc>,
    ) -> Vec<ImportCmd> {
        if !self.finish_job(job, Step::Checking) {
            return Vec::new();
        }
        match result {
            Ok(report) => {
                if self.resuming
                    && let Some(journal) = &self.journal
                    && journal.check_plan(&report.plan).is_err()
                {
                    self.error = Some(
                        "The file no longer gives the rows the recorded import planned: \
                         start over (d) or choose another file."
                            .into(),
                    );
                    self.step = Step::Resume;
                    return Vec::new();
                }
                self.local_times = Some(local_time::for_batch(
                    self.schedule.as_ref(),
                    &report.zones,
                    self.contact_hours,
                    now,
                ));
                self.report = Some(report);
                self.preview_scroll = 0;
                self.step = Step::Preview;
                self.start_compare()
            }
            Err(e) => {
                self.error = Some(e);
                self.step = Step::Map;
                Vec::new()
            }
        }
    }

    /// Compares the rows to send with the numbers the batch holds (unless
    /// the operator chose to send those too): the requests of the plan, or
    /// of a resumed import those not confirmed.
    fn start_compare(&mut self) -> Vec<ImportCmd> {
        self.compare_job += 1;
        let Some(report) = &self.report else {
            self.comparing = None;
            return Vec::new();
        };
        if self.include_existing {
            self.comparing = Some(Comparing::Off);
            return Vec::new();
        }
        let requests: Vec<usize> = match self.journal.as_ref().filter(|_| self.resuming) {
            Some(journal) => journal
                .requests()
                .iter()
                .filter(|r| !matches!(r.state, RequestState::Confirmed { .. }))
                .map(|r| r.index)
                .collect(),
            None => (0..report.plan.requests().len()).collect(),
        };
        self.comparing = Some(Comparing::Reading {
            job: self.compare_job,
            pages: None,
        });
        vec![ImportCmd::Compare {
            job: self.compare_job,
            plan: Arc::new(report.plan.clone()),
            requests,
        }]
    }

    fn on_preview(&mut self, action: Action) -> Vec<ImportCmd> {
        // An Enter waiting for the batch's numbers is withdrawn by a key
        // that changes what would be sent.
        if matches!(action, Action::Toggle | Action::Back | Action::Region) {
            self.send_when_compared = false;
        }
        match action {
            Action::Up => self.preview_scroll = self.preview_scroll.saturating_sub(1),
            Action::Down => {
                let max = self.geometry.get().preview_max_scroll;
                self.preview_scroll = (self.preview_scroll + 1).min(max);
            }
            Action::WriteRejected => {
                if let (Some(file), Some(report)) = (&self.file, &self.report) {
                    return vec![ImportCmd::WriteRejected {
                        file: Arc::clone(file),
                        report: Arc::clone(report),
                        overwrite: false,
                    }];
                }
            }
            // x: leave out the rows whose number the batch holds, or send
            // them too.
            Action::Toggle => {
                self.include_existing = !self.include_existing;
                self.error = None;
                return self.start_compare();
            }
            Action::Submit => return self.submit(),
            Action::SplitByZone => return self.start_split(),
            Action::Back => {
                self.step = Step::Map;
                self.resuming = false;
            }
            // The numbers of the countries the check found outside the
            // region: sent too, or held back again. Checked again.
            Action::AllowCountries => {
                let Some(report) = &self.report else {
                    return Vec::new();
                };
                let held = report.held_countries();
                if held.is_empty() && self.allowed_countries.is_empty() {
                    self.error = Some("Every number is in the region: nothing to allow.".into());
                    return Vec::new();
                }
                if held.is_empty() {
                    self.allowed_countries.clear();
                } else {
                    self.allowed_countries.extend(held);
                }
                self.resuming = false;
                return self.check(self.settings());
            }
            // Numbers with an extension: dialled without it, or invalid
            // again. Checked again.
            Action::WithoutExtensions => {
                let Some(report) = &self.report else {
                    return Vec::new();
                };
                if report.with_extension() == 0 && report.extensions_dropped == 0 {
                    self.error = Some("No number has an extension.".into());
                    return Vec::new();
                }
                self.without_extensions = !self.without_extensions;
                self.resuming = false;
                return self.check(self.settings());
            }
            // The region typed on the check; Enter checks again with it
            // (a region of its own: no longer the recorded import's).
            Action::Region => {
                self.resuming = false;
                self.error = None;
                self.edit_region();
            }
            _ => {}
        }
        Vec::new()
    }

    /// Enter on the check: sending starts, leaving out the numbers the
    /// batch holds; while they are being read, once they are.
    fn submit(&mut self) -> Vec<ImportCmd> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        if report.plan.requests().is_empty() {
            self.error = Some("No valid row: nothing to send.".into());
            return Vec::new();
        }
        let existing = match &self.comparing {
            Some(Comparing::Reading { .. }) => {
                self.send_when_compared = true;
                self.error = None;
                return Vec::new();
            }
            Some(Comparing::Done(comparison)) => Some(Arc::clone(&comparison.numbers)),
            _ => None,
        };
        let plan = Arc::new(report.plan.clone());
        // What refused the last Enter (another run holding the
        // import) is the past: the send step says its own.
        self.error = None;
        self.sending = Some(Sending {
            plan: Arc::clone(&plan),
            journal: None,
            phase: SendPhase::Starting,
            in_flight: None,
            sending_since: None,
            sent_for: TimeDelta::zero(),
            rows_this_session: 0,
            totals_now: None,
            error: None,
        });
        self.step = Step::Send;
        vec![ImportCmd::BeginSend { plan, existing }]
    }

    fn on_send_ready(
        &mut self,
        result: Result<ImportJournal, String>,
        now: DateTime<Utc>,
    ) -> Vec<ImportCmd> {
        let Some(sending) = &mut self.sending else {
            return Vec::new();
        };
        match result {
            Ok(journal) => {
                sending.journal = Some(journal.clone());
                self.journal = Some(journal);
                sending.phase = SendPhase::Running;
                self.advance(now)
            }
            Err(e) => {
                // Nothing was sent (another run holds the import, the
                // journal cannot be written): back on the check, with
                // everything as it was, to press Enter again later.
                self.sending = None;
                self.step = Step::Preview;
                self.error = Some(e);
                Vec::new()
            }
        }
    }

    /// The next step of sending: the next planned request, else the
    /// operator's choice about an unknown outcome, else done.
    fn advance(&mut self, now: DateTime<Utc>) -> Vec<ImportCmd> {
        let Some(sending) = &mut self.sending else {
            return Vec::new();
        };
        if sending.in_flight.is_some() {
            return Vec::new();
        }
        match sending.phase {
            SendPhase::Pausing => {
                sending.phase = SendPhase::Paused;
                sending.clock_off(now);
                return Vec::new();
            }
            SendPhase::Running => {}
            _ => return Vec::new(),
        }
        if let Some(index) = sending.next_planned() {
            sending.in_flight = Some(index);
            sending.clock_on(now);
            return vec![ImportCmd::SendRequest { index }];
        }
        // Nothing is sent from here on until the operator acts.
        sending.clock_off(now);
        if sending.in_doubt().is_some() {
            sending.phase = SendPhase::Doubt;
            sending.totals_now = None;
            return vec![ImportCmd::FetchTotals];
        }
        sending.phase = SendPhase::Done;
        Vec::new()
    }

    fn on_request_done(
        &mut self,
        index: usize,
        journal: Option<ImportJournal>,
        stop: Option<String>,
        now: DateTime<Utc>,
    ) -> Vec<ImportCmd> {
        let Some(sending) = &mut self.sending else {
            return Vec::new();
        };
        if sending.in_flight != Some(index) {
            return Vec::new();
        }
        sending.in_flight = None;
        let gone = journal
            .as_ref()
            .and_then(|j| j.batch_gone().map(|g| g.why.clone()));
        if let Some(journal) = journal {
            sending.take_journal(journal.clone());
            self.journal = Some(journal);
        }
        if let Some(gone) = gone {
            // The engine stopped on Weya's 404: no request goes after it.
            sending.error = stop;
            sending.phase = SendPhase::Paused;
            sending.clock_off(now);
            self.mark_gone(gone);
            return Vec::new();
        }
        if let Some(why) = stop {
            // The engine says no other request goes now (a refusal every
            // other would meet, a journal that cannot be written).
            sending.error = Some(why);
            sending.phase = SendPhase::Paused;
            sending.clock_off(now);
            return Vec::new();
        }
        self.advance(now)
    }

    fn on_send_key(&mut self, action: Action, now: DateTime<Utc>) -> Vec<ImportCmd> {
        let Some(sending) = &mut self.sending else {
            return Vec::new();
        };
        match (sending.phase, action) {
            (SendPhase::Running | SendPhase::Starting, Action::Back) => {
                if sending.in_flight.is_some() {
                    sending.phase = SendPhase::Pausing;
                } else {
                    sending.phase = SendPhase::Paused;
                    sending.clock_off(now);
                }
                Vec::new()
            }
            (SendPhase::Paused, Action::Resume) => {
                sending.error = None;
                sending.phase = SendPhase::Running;
                self.advance(now)
            }
            (SendPhase::Paused | SendPhase::Done, Action::Resend) => {
                if sending.failed().next().is_none() {
                    sending.error = Some("No request failed: nothing to resend.".into());
                    return Vec::new();
                }
                sending.error = None;
                vec![ImportCmd::RetryFailed]
            }
            (SendPhase::Doubt, Action::MarkAdded | Action::SendAgain) => {
                let Some(request) = sending.in_doubt() else {
                    return Vec::new();
                };
                let resolution = if action == Action::MarkAdded {
                    Resolution::WasAdded
                } else {
                    Resolution::SendAgain
                };
                vec![ImportCmd::ResolveUnknown {
                    index: request.index,
                    resolution,
                }]
            }
            (SendPhase::Doubt, Action::Recount) => {
                sending.totals_now = None;
                vec![ImportCmd::FetchTotals]
            }
            (SendPhase::Paused | SendPhase::Done | SendPhase::Doubt, Action::Back) => {
                vec![ImportCmd::Close]
            }
            _ => Vec::new(),
        }
    }

    fn on_journal_updated(
        &mut self,
        result: Result<ImportJournal, String>,
        now: DateTime<Utc>,
    ) -> Vec<ImportCmd> {
        let Some(sending) = &mut self.sending else {
            return Vec::new();
        };
        match result {
            Ok(journal) => {
                sending.journal = Some(journal.clone());
                self.journal = Some(journal);
                sending.phase = SendPhase::Running;
                self.advance(now)
            }
            Err(e) => {
                sending.error = Some(e);
                Vec::new()
            }
        }
    }
}
