//! What can happen to the import view ([`ImportMsg`]), the work its
//! executor does ([`ImportCmd`]), and the batch an import fills
//! ([`ImportTarget`]). A leaf: the app's vocabulary
//! ([`crate::tui::msg`]) names it, so it imports no model of the view, no
//! shell and no effects.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::import::choices::SavedChoices;
use crate::import::existing::{BatchNumbers, PagesRead};
use crate::import::path::Entry;
use crate::import::{
    CheckReport, ContactsFile, FileIdentity, ImportJournal, ImportSettings, Progress, Region,
    Resolution, SendPlan, Written,
};
use crate::tui::keymap::Input;

/// The batch an import fills: what opening the view needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTarget {
    pub batch_id: String,
    pub batch_name: String,
    /// The batch's timezone, when known (it was created here): it presets
    /// the region of numbers written without a country code.
    pub timezone: Option<String>,
}

/// Everything that can happen to the import view.
#[derive(Debug, Clone)]
pub enum ImportMsg {
    /// The operator's input (a key bound in one of the view's scopes, see
    /// [`ImportView::scopes`](super::ImportView::scopes), typed text, a
    /// paste; the view is all keys, so clicks and the wheel do nothing).
    Input(Input),
    /// The entries of the typed path's directory (for Tab).
    DirListed {
        typed: String,
        result: Result<Vec<Entry>, String>,
    },
    /// How far opening or checking the file has come.
    Progress { job: u64, progress: Progress },
    Opened {
        job: u64,
        result: Result<Arc<ContactsFile>, String>,
    },
    /// The region of the batch's timezone, when the submit journal has it.
    BatchRegion(Option<Region>),
    /// Whether Weya finds the batch, read as the view opens (one page of
    /// batch-details): `Some(why)` when it answers 404. Any other answer
    /// says nothing (the check reads the batch again).
    BatchChecked(Option<String>),
    /// The journal of this file into this batch, if an import was started.
    JournalFound(Result<Option<ImportJournal>, String>),
    /// The column choices kept for the file opened, if any.
    ChoicesFound(Result<Option<SavedChoices>, String>),
    /// The column choices were kept, or why not.
    ChoicesSaved(Result<(), String>),
    Checked {
        job: u64,
        result: Result<Arc<CheckReport>, String>,
    },
    /// The rejected rows were written (`None`: there were none).
    RejectedWritten(Result<Option<Written>, String>),
    /// The rejected rows' file is there and holds other rows: not
    /// overwritten unless the operator says so.
    RejectedExists(PathBuf),
    /// How far reading the batch's numbers has come.
    CompareProgress { job: u64, pages: PagesRead },
    /// The batch's numbers, and how many rows to send carry one.
    Compared {
        job: u64,
        result: Result<Arc<Comparison>, String>,
    },
    /// Reading the batch's numbers met a 404: Weya does not find the
    /// batch (`why`), as [`ImportMsg::BatchChecked`] says it.
    CompareGone { job: u64, why: String },
    /// The journal is on disk and sending can start (it holds the batch's
    /// totalCalls from when the import was first started, if known).
    SendReady(Result<ImportJournal, String>),
    /// One request went through the engine: the journal as it is now
    /// (`None`: there is none), and why sending stops, if it does.
    RequestDone {
        index: usize,
        journal: Option<ImportJournal>,
        stop: Option<String>,
    },
    /// The batch's totalCalls now.
    Totals(Result<u64, String>),
    /// The journal after the operator's choice (retry, resolve).
    JournalUpdated(Result<ImportJournal, String>),
    /// The recorded import was forgotten.
    JournalDiscarded(Result<(), String>),
    /// `batch import --split-by-zone` ran (its review with `dry_run`):
    /// its exit code and what it printed, or why it could not run.
    SplitRan {
        dry_run: bool,
        result: Result<(u8, String), String>,
    },
}

/// What `batch import ID FILE --split-by-zone` is run with from the
/// import view: the view's file and choices, as the command's flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitRequest {
    pub file: PathBuf,
    pub sheet: Option<String>,
    /// ISO code, or `none`.
    pub region: String,
    pub allow_countries: Vec<String>,
    pub without_extensions: bool,
    pub phone_column: Option<String>,
    /// `--rename COLUMN=FIELD`: each column sent, under its name.
    pub rename: Vec<(String, String)>,
    /// `--skip-column`: each column not sent.
    pub skip_column: Vec<String>,
    /// The review only (`--dry-run`), or the creates and imports (`--yes`).
    pub dry_run: bool,
    /// `contact_hours`, as the view's check used them.
    pub hours: crate::domain::local_time::ContactHours,
}

/// The batch's numbers as read before sending, and what they leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub numbers: Arc<BatchNumbers>,
    /// Rows of the requests to send whose number the batch holds.
    pub left_out: u64,
}

/// Work for the executor.
#[derive(Debug, Clone)]
pub enum ImportCmd {
    /// List the directory of `typed` (`~` expanded).
    ListDir {
        typed: String,
    },
    /// Open the file at `path` as typed (`~` is expanded by the
    /// executor): identity, encoding, header, first rows; of `sheet`, in a
    /// workbook (the first when `None`).
    Open {
        job: u64,
        path: String,
        sheet: Option<String>,
        cancel: Arc<AtomicBool>,
    },
    /// Look in the submit journal for the timezone the batch was created
    /// with, to preset the region (the shell knows it only for batches
    /// its session saw created; `create` may have made this one since).
    FindBatchRegion,
    /// Read one page of batch-details: does the batch exist? Answered
    /// with [`ImportMsg::BatchChecked`]; a 404 marks the batch's import
    /// journals gone too.
    CheckBatch,
    /// Look for a journal of this file into the batch.
    FindJournal {
        file: FileIdentity,
    },
    /// Look for the column choices kept for this file into the batch.
    FindChoices {
        file: FileIdentity,
    },
    /// Keep the column choices made so far, atomically. `seq` grows with
    /// each change: a save that finds a later one written does nothing
    /// (saves run side by side).
    SaveChoices {
        seq: u64,
        choices: Box<SavedChoices>,
    },
    /// Check every row, off the UI loop, reporting progress.
    Check {
        job: u64,
        file: Arc<ContactsFile>,
        settings: ImportSettings,
        cancel: Arc<AtomicBool>,
    },
    /// Write the invalid rows beside the file; over a file that holds
    /// other rows only when `overwrite`.
    WriteRejected {
        file: Arc<ContactsFile>,
        report: Arc<CheckReport>,
        overwrite: bool,
    },
    /// Read the batch's numbers and count the rows of `requests` that
    /// carry one.
    Compare {
        job: u64,
        plan: Arc<SendPlan>,
        requests: Vec<usize>,
    },
    /// Start the journal for `plan` (or take up the one found), leaving out
    /// rows whose number is in `existing`.
    BeginSend {
        plan: Arc<SendPlan>,
        existing: Option<Arc<BatchNumbers>>,
    },
    /// Send request `index` of the plan through the engine: journal,
    /// request, journal.
    SendRequest {
        index: usize,
    },
    /// The batch's totalCalls.
    FetchTotals,
    ResolveUnknown {
        index: usize,
        resolution: Resolution,
    },
    RetryFailed,
    DiscardJournal,
    /// Run `batch import --split-by-zone` through the CLI's engine, its
    /// output kept for the screen.
    SplitByZone(SplitRequest),
    /// The operator left the view: the shell pops it.
    Close,
}

/// Two commands are the same when they do the same work on the same data:
/// the file, the plan, the report and the cancel flag are shared handles,
/// compared by identity. (So that [`Cmd`](crate::tui::msg::Cmd), which
/// carries these, can be compared in tests.)
impl PartialEq for ImportCmd {
    fn eq(&self, other: &Self) -> bool {
        use ImportCmd as C;
        match (self, other) {
            (C::ListDir { typed: a }, C::ListDir { typed: b }) => a == b,
            (
                C::Open {
                    job: a,
                    path: p,
                    sheet: s,
                    cancel: c,
                },
                C::Open {
                    job: b,
                    path: q,
                    sheet: t,
                    cancel: d,
                },
            ) => a == b && p == q && s == t && Arc::ptr_eq(c, d),
            (C::FindJournal { file: a }, C::FindJournal { file: b }) => a == b,
            (
                C::Check {
                    job: a,
                    file: f,
                    settings: s,
                    cancel: c,
                },
                C::Check {
                    job: b,
                    file: g,
                    settings: t,
                    cancel: d,
                },
            ) => a == b && Arc::ptr_eq(f, g) && s == t && Arc::ptr_eq(c, d),
            (
                C::WriteRejected {
                    file: f,
                    report: r,
                    overwrite: o,
                },
                C::WriteRejected {
                    file: g,
                    report: q,
                    overwrite: p,
                },
            ) => Arc::ptr_eq(f, g) && Arc::ptr_eq(r, q) && o == p,
            (
                C::Compare {
                    job: a,
                    plan: p,
                    requests: r,
                },
                C::Compare {
                    job: b,
                    plan: q,
                    requests: s,
                },
            ) => a == b && Arc::ptr_eq(p, q) && r == s,
            (
                C::BeginSend {
                    plan: a,
                    existing: x,
                },
                C::BeginSend {
                    plan: b,
                    existing: y,
                },
            ) => Arc::ptr_eq(a, b) && x == y,
            (C::SendRequest { index: i }, C::SendRequest { index: j }) => i == j,
            (
                C::ResolveUnknown {
                    index: i,
                    resolution: a,
                },
                C::ResolveUnknown {
                    index: j,
                    resolution: b,
                },
            ) => i == j && a == b,
            (C::SplitByZone(a), C::SplitByZone(b)) => a == b,
            (C::FetchTotals, C::FetchTotals)
            | (C::RetryFailed, C::RetryFailed)
            | (C::DiscardJournal, C::DiscardJournal)
            | (C::Close, C::Close) => true,
            _ => false,
        }
    }
}

impl From<Input> for ImportMsg {
    fn from(input: Input) -> Self {
        Self::Input(input)
    }
}
