//! The app's vocabulary: [`Msg`], everything that can happen, and [`Cmd`],
//! the work for the outside world, with the [`Subscription`]s of periodic
//! work and the [`Route`]s a view can be shown by. Words, no behaviour:
//! the shell, the views and the effects all speak it, and it imports none
//! of them, only each view's own messages (its `msg.rs`, a leaf), so no
//! import leads back here.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

pub use super::keymap::{Input, Route};
use super::views::batches::msg::{DetailsMsg, DialerAction, ListMsg};
use super::views::create::msg::CreateMsg;
use super::views::import::msg::{ImportCmd, ImportMsg, ImportTarget};
use super::views::phones::msg::PhonesMsg;
use crate::api::{ApiError, BatchQuery, BatchSummary, CallQuery, Phone};
use crate::campaign::export::Saved;
use crate::campaign::outcomes::Counted;
use crate::create::Sought;
use crate::store::draft::Draft;
use crate::store::journal::JournalEntry;
use crate::store::phonebook::{AddPhoneError, Registered};
use crate::store::template::BatchFile;

/// Everything that can happen.
// A view's replies are the big variants; a message is moved once, from the
// channel to `update`, so boxing would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    /// The mouse wheel turned over a screen cell.
    Wheel {
        column: u16,
        row: u16,
        down: bool,
    },
    /// Animation tick; only sent while the view on show animates.
    Tick,
    /// The time now, handed in by the run loop before it draws.
    Clock(DateTime<Utc>),
    /// The once-a-second beat while the view on show displays a time that
    /// moves ("updated 3 s ago", "next try in 20 s"). It changes nothing:
    /// the loop draws after it, with the time.
    Second,
    /// Ctrl-Z did not stop the app, and why.
    NotSuspended(String),
    /// The unfinished imports into `batch_id` were set aside (how many),
    /// or why not.
    ImportSetAside {
        batch_id: String,
        result: Result<usize, String>,
    },
    /// For the create view.
    Create(CreateMsg),
    /// For the batch list.
    BatchList(ListMsg),
    /// For the details of batch `batch_id` (a reply for another batch,
    /// shown before, is dropped).
    BatchDetails {
        batch_id: String,
        msg: DetailsMsg,
    },
    /// The terminal has focus again: a live view refreshes at once.
    FocusGained,
    /// The terminal lost focus: nothing polls until it is back.
    FocusLost,
    /// For import `session` (a reply for an import closed since is
    /// dropped).
    Import {
        session: u64,
        msg: ImportMsg,
    },
    /// For the phones view.
    Phones(PhonesMsg),
}

impl Msg {
    /// The message of a terminal event; key releases are dropped (some
    /// terminals report them, and a key must act once).
    pub fn from_event(event: Event) -> Option<Self> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => Some(Self::Key(key)),
            Event::Paste(text) => Some(Self::Paste(text)),
            Event::Resize(w, h) => Some(Self::Resize(w, h)),
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                ..
            }) => Some(Self::Click { column, row }),
            Event::FocusGained => Some(Self::FocusGained),
            Event::FocusLost => Some(Self::FocusLost),
            Event::Mouse(MouseEvent {
                kind: kind @ (MouseEventKind::ScrollDown | MouseEventKind::ScrollUp),
                column,
                row,
                ..
            }) => Some(Self::Wheel {
                column,
                row,
                down: kind == MouseEventKind::ScrollDown,
            }),
            _ => None,
        }
    }
}

/// Work for the outside world.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Fetch the phone list; a newer fetch for the same reply aborts an
    /// older one. The answer comes back as the message `reply` makes of
    /// the generation and the result.
    FetchPhones {
        generation: u64,
        reply: Reply<(u64, Result<Vec<Phone>, ApiError>)>,
    },
    /// Send `body` (exactly the bytes the review showed) to createBatch.
    /// Never keyed, never aborted: see
    /// [`Effects::run`](crate::tui::effects::Effects::run).
    Submit {
        request_id: u64,
        body: String,
    },
    /// Watch the batch list for the batch `sought`: look at once, every
    /// `every`, and once more after `wait` (zero: one look), answering
    /// each look (see [`crate::create::Watch`]). A newer watch aborts an
    /// older one.
    WatchForBatch {
        request_id: u64,
        sought: Box<Sought>,
        wait: Duration,
        every: Duration,
    },
    /// Stop the watch of the batch list: the answer came after all.
    StopBatchLookup,
    /// Append to the submit journal.
    Journal(Box<JournalEntry>),
    /// Put text on the terminal's clipboard (OSC 52): the terminal owner
    /// does this, not an effect.
    Copy(String),
    /// Give the terminal back to the shell and stop (Ctrl-Z): the terminal
    /// owner does this too.
    Suspend,
    /// Save the draft (soon: writes are gathered, at most
    /// [`DRAFT_DELAY`](crate::tui::effects::DRAFT_DELAY)
    /// late).
    SaveDraft {
        seq: u64,
        draft: Box<Draft>,
    },
    /// Remove the draft (Weya confirmed the batch).
    DeleteDraft {
        seq: u64,
    },
    /// Make the draft at `path`, left by an ended session, this session's.
    AdoptDraft {
        path: PathBuf,
    },
    /// Save a template; one of the same name is replaced only with `replace`.
    SaveTemplate {
        name: String,
        file: Box<BatchFile>,
        replace: bool,
    },
    /// List the templates, each with its values (for the preview).
    ListTemplates,
    LoadTemplate {
        name: String,
    },
    DeleteTemplate {
        name: String,
    },
    /// Keep the form's draft (change `seq`) on disk, offered at the next
    /// start, and go on in a new draft file (Ctrl-R, a blank form).
    SetDraftAside {
        seq: u64,
        draft: Box<Draft>,
    },
    /// Read `phonebook.toml` again (`r` on the phone list); the book, or
    /// why it could not be read, comes back as `reply` makes it.
    ReadPhoneBook {
        reply: Reply<Result<Vec<Phone>, String>>,
    },
    /// Register a number with add-phone and keep it in `phonebook.toml`
    /// (the picker's dialog). Never aborted: its answer is the only word
    /// on whether the number was registered.
    AddPhone {
        request_id: u64,
        new: Box<crate::store::phonebook::NewPhone>,
        reply: Reply<(u64, AddPhoneAnswer)>,
    },
    /// Show another view: the shell does this, before any effect runs.
    Open(Route),
    /// Close the view that asked (its Esc): the shell does this too, and
    /// the view under it comes back on screen.
    Close,
    /// Show the import view for this batch (the shell does this too).
    OpenImport(ImportTarget),
    /// Record in the import journals of `batch_id` that the batch is gone
    /// (`why`): the start-up notice then offers to set them aside.
    MarkImportsGone {
        batch_id: String,
        why: String,
    },
    /// Set aside the unfinished imports into `batch_id`, a batch known
    /// gone (Ctrl-G then): answered with [`Msg::ImportSetAside`].
    SetImportAside {
        batch_id: String,
    },
    /// An import view was opened: its executor, which holds the journal of
    /// import `session` into `batch_id`, is made.
    StartImport {
        session: u64,
        batch_id: String,
    },
    /// Work of import `session`, run by its executor; the replies come
    /// back as [`Msg::Import`] with that session. [`ImportCmd::Close`]
    /// ends the session: its executor is dropped and its file job stopped.
    Import {
        session: u64,
        cmd: ImportCmd,
    },
    /// Show the details of this batch (the shell does this too).
    OpenBatch(Box<BatchSummary>),
    /// A page of the batch list, once `after` has passed (a search's
    /// debounce): keyed, so a newer fetch aborts this one, wait included.
    FetchBatches {
        generation: u64,
        query: BatchQuery,
        after: Duration,
    },
    /// A page of one batch's calls, keyed as [`Cmd::FetchBatches`].
    FetchCalls {
        generation: u64,
        batch_id: String,
        query: CallQuery,
        after: Duration,
    },
    /// One call in full (its transcripts and recordings) from the calls
    /// table sorted by the walk, whose rows leave them out: the page of
    /// batch-details it was read on. Its own job, so the live page's
    /// refresh neither aborts it nor is aborted.
    FetchCallPage {
        batch_id: String,
        query: CallQuery,
        reply: Reply<(String, Result<crate::api::BatchDetails, ApiError>)>,
    },
    /// The header totals of batch `batch_id`: the first page of the batch
    /// list searched for `name`, keyed.
    FetchBatchTotals {
        generation: u64,
        batch_id: String,
        name: String,
    },
    /// start-calling or stop-calling on batch `id` (named `name`, for the
    /// journal). Never keyed: a sent switch is always answered and
    /// journaled.
    Dialer {
        id: String,
        name: String,
        action: DialerAction,
        reply: Reply<DialerAnswer>,
    },
    /// delete-batch, journaled as the dialer is.
    DeleteBatch {
        id: String,
        name: String,
    },
    /// A batch completed, stopped or stalled while the app ran: ring the
    /// bell and raise a desktop notification, as configured, written
    /// between frames.
    Alert(String),
    /// Count batch `batch_id`'s outcomes: every page of its calls, once
    /// (one count at a time: a newer one aborts the older), folded into
    /// the outcomes, the calls by time zone and their retries (`retry`:
    /// the batch's settings, when known here). One walk feeds the whole
    /// header: see [`crate::campaign::outcomes::count`].
    CountOutcomes {
        batch_id: String,
        retry: Option<crate::campaign::progress::RetryPolicy>,
        /// Keep each call's row for a sort by any column (see
        /// [`crate::campaign::sorted`]): asked only while the calls are
        /// sorted or filtered by the walk.
        keep_rows: bool,
        /// Told after each page: the pages read and how many the batch
        /// has ("reading 12 of 24 pages").
        progress: Option<Reply<(String, (u32, u64))>>,
        reply: Reply<(String, Result<Box<Counted>, String>)>,
    },
    /// Export batch `batch_id`'s calls as CSV into the app's exports
    /// folder (never aborted: a file appears only once whole).
    ExportBatch {
        batch_id: String,
        name: String,
        reply: Reply<(String, Result<Saved, String>)>,
    },
}

/// add-phone's answer: the number registered (and whether the phone book
/// kept it), or why not.
pub type AddPhoneAnswer = Result<Registered, AddPhoneError>;

/// start- or stop-calling's answer: the batch, what was asked, and the
/// server's word.
pub type DialerAnswer = (
    String,
    DialerAction,
    Result<crate::api::DialerState, ApiError>,
);

/// Where the answer of a job goes: `to` makes it a message. `job` names
/// the job for the effects: a newer keyed job of the same name aborts an
/// older one, so two views asking for the same data never cut each
/// other's answers short.
pub struct Reply<T> {
    pub job: &'static str,
    pub to: fn(T) -> Msg,
}

impl<T> Reply<T> {
    pub const fn new(job: &'static str, to: fn(T) -> Msg) -> Self {
        Self { job, to }
    }

    /// The message of `answer`.
    pub fn make(&self, answer: T) -> Msg {
        (self.to)(answer)
    }
}

// By hand: derived, they would ask the answer `T` to be `Clone` and
// `Debug` too, and a function is compared by its address.
impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Reply<T> {}

impl<T> PartialEq for Reply<T> {
    fn eq(&self, other: &Self) -> bool {
        self.job == other.job && std::ptr::fn_addr_eq(self.to, other.to)
    }
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reply({})", self.job)
    }
}

/// Periodic work of the view on show: `msg` every `every`, while the view
/// asks for it. The run loop keeps one timer per `name`; a view that stops
/// asking (or leaves the screen) stops it, and one that is slow never
/// stacks ticks (a late tick is skipped, not made up).
#[derive(Debug, Clone)]
pub struct Subscription {
    pub name: &'static str,
    pub every: Duration,
    pub msg: Msg,
}
