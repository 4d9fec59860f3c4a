//! One batch: its header and its calls, a page of
//! `GET /api/call/batch-details/{id}` at a time, filtered by call status,
//! ordered by `createdAt`, searched; and one call in full (its attempts,
//! transcript and recording).
//!
//! As with the list, the effects run its [`Cmd`]s and send back the
//! replies, and the shell sends [`DetailsMsg::Tick`] every
//! [`BatchDetailsView::poll_every`] while the view is on screen. Its
//! drawing is [`super::ui::details`].

use crate::tui::views::import::ImportTarget;
use std::cell::{Cell, OnceCell};
use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::dialogs::{DialerAction, Dialog, DialogReply};
use super::list::{Landing, QUEUED_MOVES, is_move, row_at, visible_offset};
use super::live::{LivePage, fit_to_rows, page_rows, search_param};
pub use super::msg::DetailsMsg;
use super::{Notice, SEARCH_DEBOUNCE, SearchBox, ViewContext, WHEEL_ROWS, with_editing};
use crate::api::{BatchDetails, BatchSummary, Call, CallQuery, SortOrder};
use crate::campaign::outcomes::Counted;
use crate::domain::local_time::{self, LocalTimes};
use crate::domain::phone::{format_number, format_number_final};
use crate::domain::schedule::CallingSchedule;
use crate::text::visible;
use crate::tui::keymap::{self, Action, Input, Scope};
use crate::tui::msg::{Cmd, DialerAnswer, Msg, Reply, Subscription};
use crate::tui::views::{ViewModel, clock};

/// Calls asked for when the view's height is not known (the terminal has
/// not said its size).
const FIRST_LIMIT: u32 = 20;

/// Where start- and stop-calling answer this view (`s`, `x`).
const DIALER_CHANGED: Reply<DialerAnswer> =
    Reply::new("details.dialer", |(batch_id, action, result)| {
        Msg::BatchDetails {
            batch_id,
            msg: DetailsMsg::DialerChanged { action, result },
        }
    });

/// The view's lines around the calls: the four of the header, the column
/// heads, one notice line and the status line.
pub const DETAILS_CHROME: u16 = 7;

/// The least time between two counts of the outcomes of an active batch
/// (each reads every page): and never less than
/// [`OUTCOMES_PAUSE_FACTOR`] times as long as the last count took, so a
/// batch of 100,000 calls (1,000 requests) is not read back to back.
pub const OUTCOMES_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
pub const OUTCOMES_PAUSE_FACTOR: i32 = 10;

/// The header's outcomes: the last count of every page, and the one under
/// way (at most one; see `BatchDetailsView::count_outcomes`).
#[derive(Debug, Clone, Default)]
pub struct OutcomesCount {
    pub counted: Option<Box<Counted>>,
    /// When the count under way started.
    pub counting_since: Option<DateTime<Utc>>,
    /// Why the last count failed (the last good one stays shown).
    pub failed: Option<String>,
    /// Failed counts in a row: the next waits as a failed refresh does
    /// ([`super::live::BACKOFF`]).
    failures: u32,
    /// When the last count ended, and how long it took.
    last_ended: Option<DateTime<Utc>>,
    last_took: chrono::TimeDelta,
    /// The batch's completed calls (its totals) as the count under way
    /// started, and as the last good count started: the header says how
    /// many completed since (see [`Self::completed_since`]).
    completed_starting: Option<u64>,
    completed_counted: Option<u64>,
}

impl OutcomesCount {
    /// A count starts at `now`, the batch's totals saying `completed`
    /// calls completed.
    fn started(&mut self, now: DateTime<Utc>, completed: Option<u64>) {
        self.counting_since = Some(now);
        self.completed_starting = completed;
    }

    /// How many calls completed since the last good count started, by
    /// the batch's totals now (`completed`): the outcomes trail progress
    /// by that many (counts are paced: [`OUTCOMES_EVERY`]). `None` when
    /// none did, or either number is unknown.
    pub fn completed_since(&self, completed: Option<u64>) -> Option<u64> {
        self.counted.as_ref()?;
        let then = self.completed_counted?;
        completed?.checked_sub(then).filter(|&n| n > 0)
    }

    /// A count ended at `now`: its result is the last count, or why the
    /// last one failed (the last good one stays). Whether it counted.
    /// Also where a count that ends after its view closed is kept.
    pub fn ended(&mut self, result: Result<Box<Counted>, String>, now: DateTime<Utc>) -> bool {
        if let Some(since) = self.counting_since.take() {
            self.last_took = now - since;
        }
        self.last_ended = Some(now);
        let starting = self.completed_starting.take();
        match result {
            Ok(counted) => {
                self.counted = Some(counted);
                self.failed = None;
                self.failures = 0;
                self.completed_counted = starting;
                true
            }
            Err(why) => {
                self.failed = Some(why);
                self.failures += 1;
                false
            }
        }
    }

    /// After a failed count, how long the next waits: 5, 10, 20, then 60
    /// s for 1, 2, 3 and more failures in a row, as a failed refresh.
    fn backoff(&self) -> chrono::TimeDelta {
        let at = (self.failures.max(1) as usize - 1).min(super::live::BACKOFF.len() - 1);
        chrono::TimeDelta::from_std(super::live::BACKOFF[at]).unwrap_or(OUTCOMES_EVERY)
    }

    /// After a failed count (none under way): why, and when the next is
    /// asked for a sort that waits for its rows ("next try in
    /// 20 s (2 failed): HTTP 502 …"), the wait first, as the reason may
    /// be cut.
    pub fn failure(&self, now: DateTime<Utc>) -> Option<String> {
        if self.counting_since.is_some() {
            return None;
        }
        let why = self.failed.as_ref()?;
        let next = self.last_ended.map_or(0, |ended| {
            (ended + self.backoff() - now).num_seconds().max(0)
        });
        let when = if next > 0 {
            format!("next try in {next} s")
        } else {
            "trying again…".to_owned()
        };
        Some(format!("{when} ({} failed): {why}", self.failures))
    }
}

/// What is on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mode {
    Table,
    /// Choosing a call status to filter by; the cursor is an index into
    /// [`BatchDetailsView::status_choices`].
    Choosing {
        cursor: usize,
    },
    /// One call, by ID (it stays the same call across refreshes).
    Call {
        id: String,
        scroll: u16,
    },
}

/// What `draw` saw, for `update`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailsGeometry {
    /// The calls' data rows.
    pub rows: Rect,
    /// The rows a page holds (as [`super::list::ListGeometry::page_rows`]).
    pub page_rows: u16,
    /// The index of the call drawn at the top of `rows`.
    pub first: usize,
    /// How many contact-field columns fit beside the fixed ones.
    pub fields_fit: usize,
    /// How far the call detail can scroll.
    pub call_max_scroll: u16,
    /// The call detail's height, for PgUp/PgDn.
    pub call_height: u16,
}

/// What a batch's view keeps of the operator's choices when it closes, so
/// opening the batch again (while the app runs) shows its calls as left:
/// the status filter, the order, the statuses seen for the filter, and
/// the last count of every page (shown at once, "counted 3 min ago", and
/// counted again on the view's usual cadence).
#[derive(Debug, Clone, Default)]
pub struct CallsKept {
    pub filter: Option<String>,
    pub sort_order: SortOrder,
    /// The column sorted by (see [`super::sorted`]).
    pub sort_column: crate::campaign::sorted::SortKey,
    pub statuses: BTreeSet<String>,
    pub outcomes: OutcomesCount,
}

#[derive(Debug, Clone)]
pub struct BatchDetailsView {
    pub(super) context: ViewContext,
    pub(super) id: String,
    pub(super) name: String,
    /// The header's status and totals: from the list at first, then kept
    /// live (see [`Self::totals_refreshed`]).
    pub(super) summary: Option<BatchSummary>,
    pub(super) details: Option<BatchDetails>,
    /// The page's numbers as shown, each formatted the first time its row
    /// is drawn: libphonenumber's formatting takes microseconds a number,
    /// too long to spend on every frame for every row on screen.
    pub(super) numbers_shown: Vec<OnceCell<String>>,
    /// Its refreshes, and the error of the last one that failed.
    pub(super) live: LivePage,
    /// The refreshes of the header's totals (its own requests; it never
    /// asks on its own beat, only after the calls have answered).
    totals: LivePage,
    pub(super) query: CallQuery,
    pub(super) search: SearchBox,
    pub(super) selected: usize,
    pub(super) offset: usize,
    /// The first contact field shown (←/→).
    pub(super) column: usize,
    /// Every contact field seen, in the order first seen.
    pub(super) columns: Vec<String>,
    /// Every call status seen, for the filter's choices.
    pub(super) statuses: BTreeSet<String>,
    pub(super) mode: Mode,
    landing: Option<Landing>,
    /// Movement keys that came before the first page of calls: applied
    /// when it arrives, so none is lost.
    queued: Vec<Action>,
    pub(super) notice: Option<Notice>,
    pub(super) geometry: Cell<DetailsGeometry>,
    /// Open the call at the landing once its page comes (`n`/`p` in a
    /// call's view went past the page).
    reopen_call: bool,
    /// Start or stop asked, until Enter or Esc (`s`, `x`).
    pub(super) dialog: Option<Dialog>,
    /// A start or stop sent and not answered yet.
    pub(super) switching: Option<DialerAction>,
    /// The batch's window on its contacts' clocks (when its schedule is
    /// known), or why not; `None` until its calls have been read.
    pub(super) local_times: Option<Result<LocalTimes, String>>,
    /// The whole batch's outcomes, for the header.
    pub(super) outcomes: OutcomesCount,
    /// The column the calls are sorted by, and the walk that reads them
    /// when it is not Weya's (see [`super::sorted`]).
    pub(super) sorting: super::sorted::Sorting,
    /// The time the last message came with (a key's handling has none of
    /// its own; `r` starts a count at it).
    seen_at: DateTime<Utc>,
    /// When batch-details first answered 404 (not found) for it: the
    /// batch is gone (deleted elsewhere), and the view stops asking
    /// (`r` asks once more; an answer with its calls brings it back).
    pub(super) gone: Option<DateTime<Utc>>,
}

impl BatchDetailsView {
    /// The view of batch `id`, named `name`; `summary` (from the list)
    /// fills the header until batch-details answers. The first
    /// [`DetailsMsg::Tick`] fetches.
    pub fn new(context: ViewContext, summary: BatchSummary) -> Self {
        Self {
            live: LivePage::new(context.refresh),
            totals: LivePage::new(context.refresh),
            context,
            id: summary.id.clone(),
            name: summary.batch_name.clone(),
            summary: Some(summary),
            details: None,
            numbers_shown: Vec::new(),
            query: CallQuery {
                limit: FIRST_LIMIT,
                ..CallQuery::default()
            },
            search: SearchBox::default(),
            selected: 0,
            offset: 0,
            column: 0,
            columns: Vec::new(),
            statuses: BTreeSet::new(),
            mode: Mode::Table,
            landing: None,
            queued: Vec::new(),
            notice: None,
            geometry: Cell::new(DetailsGeometry::default()),
            dialog: None,
            switching: None,
            reopen_call: false,
            local_times: None,
            outcomes: OutcomesCount::default(),
            sorting: super::sorted::Sorting::default(),
            seen_at: DateTime::<Utc>::UNIX_EPOCH,
            gone: None,
        }
    }

    /// The header's outcomes, as last counted.
    pub fn outcomes(&self) -> &OutcomesCount {
        &self.outcomes
    }

    /// A count of every page, when one is due: never while one is under
    /// way; the first once the first page is in; then, for an active batch,
    /// no sooner than [`OUTCOMES_EVERY`] and [`OUTCOMES_PAUSE_FACTOR`]
    /// times the last count's length after it ended; for one whose status
    /// or number of calls changed since the last count (an import, a
    /// start), at the next refresh [`OUTCOMES_PAUSE_FACTOR`] times the last
    /// count's length after it. `force` (`r`) skips the wait. Asked on the view's own
    /// refresh, so nothing counts off screen. The one walk feeds the
    /// outcomes, the contacts' local time and the retries (see
    /// [`crate::campaign::outcomes::count`]).
    pub(super) fn count_outcomes(&mut self, now: DateTime<Utc>, force: bool) -> Option<Cmd> {
        let o = &self.outcomes;
        if o.counting_since.is_some() {
            return None;
        }
        let (status, total) = self
            .details
            .as_ref()
            .map_or(("", None), |d| (d.batch_status.as_str(), Some(d.total)));
        // The total of a filtered or searched page is not the batch's.
        let whole = self.query.filter.is_none() && self.query.search.is_none();
        let unchanged = o.counted.as_ref().is_some_and(|c| {
            c.walked.batch_status == status && (!whole || total == Some(c.walked.total_last))
        });
        // A table sorted by the walk needs the rows a count keeps.
        let rows_wanted = self.sorting.by_walk(&self.query)
            && o.counted.as_ref().is_none_or(|c| c.rows.is_none());
        let due = match o.last_ended {
            None => true,
            Some(_) if force => true,
            // A sort waiting for its rows is not asked again at every
            // refresh after a failure: 5, 10, 20, then 60 s.
            Some(ended) if rows_wanted && o.failed.is_some() => now - ended >= o.backoff(),
            Some(_) if rows_wanted => true,
            Some(_) if unchanged && o.failed.is_none() && status != "active" => false,
            // Calls added or removed (an import, here or elsewhere), or the
            // status changed since the last count: counted again at once,
            // paced only by what a count costs, so the header never says
            // "0 of 0 called" over a batch that has its calls.
            Some(ended) if !unchanged && o.counted.is_some() && o.failed.is_none() => {
                now - ended >= o.last_took * OUTCOMES_PAUSE_FACTOR
            }
            Some(ended) => now - ended >= OUTCOMES_EVERY.max(o.last_took * OUTCOMES_PAUSE_FACTOR),
        };
        if !due {
            return None;
        }
        let completed = self.summary.as_ref().and_then(|s| s.calls_completed);
        self.outcomes.started(now, completed);
        self.sorting.reading = None;
        Some(Cmd::CountOutcomes {
            batch_id: self.id.clone(),
            retry: self.context.schedules.retry(&self.id),
            keep_rows: self.sorting.by_walk(&self.query),
            progress: Some(Reply::new(
                "batch.outcomes.progress",
                |(batch_id, (pages, of))| Msg::BatchDetails {
                    batch_id,
                    msg: DetailsMsg::CountProgress { pages, of },
                },
            )),
            reply: Reply::new("batch.outcomes", |(batch_id, result)| Msg::BatchDetails {
                batch_id,
                msg: DetailsMsg::OutcomesCounted(result),
            }),
        })
    }

    fn outcomes_counted(
        &mut self,
        result: Result<Box<Counted>, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if let Err(why) = &result
            && self.outcomes.counted.is_none()
            && self
                .context
                .schedules
                .as_sent(&self.id, &self.name)
                .is_some()
        {
            // A first count that failed says why the local time is not
            // shown; a later one leaves the last said.
            self.local_times = Some(Err(format!("the batch's calls could not be read ({why})")));
        }
        self.sorting.reading = None;
        if self.outcomes.ended(result, now) {
            self.local_times_from_count(now);
            if self.sorting.by_walk(&self.query) {
                return self.sorted_counted(now);
            }
        }
        Vec::new()
    }

    /// The batch's window on its contacts' clocks, from the calls counted
    /// by time zone (when its window is known here).
    fn local_times_from_count(&mut self, now: DateTime<Utc>) {
        let schedule = self
            .context
            .schedules
            .as_sent(&self.id, &self.name)
            .cloned();
        let (Some(schedule), Some(counted)) = (schedule, &self.outcomes.counted) else {
            return;
        };
        let hours = self.context.contact_hours;
        self.local_times = Some(local_time::for_batch(
            Some(&schedule),
            &counted.zones,
            hours,
            now,
        ));
    }

    /// The last count's calls: their attempts and retries, for the
    /// header's outlook (who waits out a retry delay).
    pub fn calls_seen(&self) -> Option<&crate::campaign::progress::CallsSeen> {
        self.outcomes.counted.as_ref().map(|c| &c.calls)
    }

    /// The batch's retry settings, when it was created here.
    pub fn retry(&self) -> Option<crate::campaign::progress::RetryPolicy> {
        self.context.schedules.retry(&self.id)
    }

    /// The view to be drawn in an area `height` rows high, as
    /// [`super::list::BatchList::in_height`]: its first fetch asks for
    /// the calls that fit.
    #[must_use]
    pub fn in_height(self, height: u16) -> Self {
        self.geometry.set(DetailsGeometry {
            page_rows: page_rows(height, DETAILS_CHROME),
            ..self.geometry.get()
        });
        self
    }

    /// The view as the operator left it the last time (see
    /// [`CallsKept`]); its first fetch asks for that.
    #[must_use]
    pub fn with_kept(mut self, kept: CallsKept) -> Self {
        self.query.filter = kept.filter;
        self.query.sort_order = kept.sort_order;
        self.sorting.column = kept.sort_column;
        self.statuses = kept.statuses;
        self.outcomes = kept.outcomes;
        // A count that was under way may have been dropped since (one
        // count runs at a time): this view asks again when due.
        self.outcomes.counting_since = None;
        if let Some(at) = self.outcomes.counted.as_ref().map(|c| c.at) {
            self.local_times_from_count(at);
        }
        self
    }

    /// What to keep of it when it closes.
    pub fn kept(&self) -> CallsKept {
        CallsKept {
            filter: self.query.filter.clone(),
            sort_order: self.query.sort_order,
            sort_column: self.sorting.column.clone(),
            statuses: self.statuses.clone(),
            // A count under way goes on: its reply is kept here (see
            // `OutcomesCount::ended`) or reaches the batch opened again.
            outcomes: self.outcomes.clone(),
        }
    }

    /// The breadcrumb's last part.
    pub fn title(&self) -> String {
        visible(&self.name).into_owned()
    }

    pub fn batch_id(&self) -> &str {
        &self.id
    }

    pub fn query(&self) -> &CallQuery {
        &self.query
    }

    /// The header's status and totals, as last heard.
    pub fn summary(&self) -> Option<&BatchSummary> {
        self.summary.as_ref()
    }

    /// As [`super::list::BatchList::poll_every`]; none once the batch is
    /// gone (asking again would only hear 404 again).
    pub fn poll_every(&self) -> Option<Duration> {
        self.live.poll_every().filter(|_| self.gone.is_none())
    }

    /// The period of the shell's refresh timer (see
    /// [`LivePage::timer_period`]): none while a page is asked for, and
    /// none once the batch is gone.
    pub fn refresh_timer(&self) -> Option<Duration> {
        self.live.timer_period().filter(|_| self.gone.is_none())
    }

    /// Whether a time on screen moves on its own (see
    /// [`LivePage::shows_time`]): "updated 3 min ago" goes on ageing once
    /// the batch is gone too (a redraw, no request).
    pub fn shows_time(&self) -> bool {
        self.live.shows_time()
    }

    /// When the batch was found gone (batch-details answered 404).
    pub fn gone(&self) -> Option<DateTime<Utc>> {
        self.gone
    }

    pub fn scope(&self) -> Scope {
        if let Some(dialog) = &self.dialog {
            return dialog.scope();
        }
        match (&self.mode, self.search.is_open()) {
            (_, true) => Scope::BatchSearch,
            (Mode::Table, false) => Scope::Calls,
            (Mode::Choosing { .. }, false) => Scope::StatusChoice,
            (Mode::Call { .. }, false) => Scope::Call,
        }
    }

    /// [`Self::scope`], and while searching the readline edits too.
    pub fn scopes(&self) -> Vec<Scope> {
        with_editing(self.scope())
    }

    pub fn is_typing(&self) -> bool {
        self.search.is_open()
    }

    pub fn calls(&self) -> &[Call] {
        self.details.as_ref().map_or(&[], |d| d.calls.as_slice())
    }

    /// Call `i`'s number in international format, formatted once a page
    /// (kept only once its country's metadata is ready: see
    /// [`format_number`]).
    pub(super) fn number_shown(&self, i: usize) -> String {
        let number = self.calls().get(i).map_or("", |c| c.phone_number.as_str());
        let Some(cell) = self.numbers_shown.get(i) else {
            return format_number(number);
        };
        if let Some(shown) = cell.get() {
            return shown.clone();
        }
        match format_number_final(number) {
            Some(shown) => cell.get_or_init(|| shown).clone(),
            None => format_number(number),
        }
    }

    pub fn selected(&self) -> Option<&Call> {
        self.calls().get(self.selected)
    }

    /// The call open in the call detail.
    pub fn open_call(&self) -> Option<&Call> {
        match &self.mode {
            // Read in full from the sorted table (its rows leave out the
            // transcripts): that, until another call is opened.
            Mode::Call { id, .. }
                if self.sorting.full_call.as_ref().is_some_and(|c| &c.id == id) =>
            {
                self.sorting.full_call.as_deref()
            }
            Mode::Call { id, .. } => self.calls().iter().find(|c| &c.id == id),
            _ => None,
        }
    }

    /// The filter's choices: every status (no filter), then "completed"
    /// (the one Weya documents), every other status seen on the pages
    /// shown or counted in the whole batch, and last "not called yet"
    /// when the count found such calls (Weya's filter takes a status,
    /// which they have none of: choosing it says so, see
    /// [`Self::status_count`]).
    pub fn status_choices(&self) -> Vec<Option<String>> {
        use crate::campaign::outcomes::{NO_STATUS, NOT_CALLED, OTHER};
        let mut seen = self.statuses.clone();
        if let Some(c) = &self.outcomes.counted {
            seen.extend(
                c.outcomes
                    .by_status
                    .keys()
                    .filter(|k| ![NOT_CALLED, NO_STATUS, OTHER].contains(&k.as_str()))
                    .cloned(),
            );
        }
        let mut out = vec![None, Some("completed".to_owned())];
        out.extend(
            seen.into_iter()
                .filter(|s| s.as_str() != "completed")
                .map(Some),
        );
        if self.status_count(NOT_CALLED).is_some_and(|n| n > 0) {
            out.push(Some(NOT_CALLED.to_owned()));
        }
        out
    }

    /// The calls whose last status is `status` in the last count of the
    /// whole batch (`None` before a count).
    pub fn status_count(&self, status: &str) -> Option<u64> {
        let c = self.outcomes.counted.as_ref()?;
        Some(c.outcomes.by_status.get(status).copied().unwrap_or(0))
    }

    pub fn update(&mut self, msg: DetailsMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        self.seen_at = now;
        let cmds = self.handle(msg, now);
        self.offset = visible_offset(
            self.offset,
            self.selected,
            self.visible_rows(),
            self.calls().len(),
        );
        cmds
    }

    fn handle(&mut self, msg: DetailsMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        match msg {
            DetailsMsg::Input(Input::Typed(key)) => match keymap::lookup(&key, &self.scopes()) {
                Some(action) => self.on_action(action),
                None => self.on_typed(&key),
            },
            DetailsMsg::Input(Input::Action(action)) => self.on_action(action),
            DetailsMsg::Input(Input::Paste(_)) if !self.search.is_open() => Vec::new(),
            DetailsMsg::Input(Input::Paste(text)) => {
                // The paste is the news now, as a key would be: a clean
                // one clears what an earlier one said.
                let pasted = self.search.on_paste(&text);
                self.notice = pasted.notice;
                if pasted.changed {
                    return vec![self.search_changed()];
                }
                Vec::new()
            }
            DetailsMsg::Input(Input::Click { column, row }) => self.on_click(column, row),
            DetailsMsg::Input(Input::Wheel { down, .. }) => {
                self.on_wheel(down);
                Vec::new()
            }
            // A gone batch is not asked for again on the beat.
            DetailsMsg::Tick if self.gone.is_some() => Vec::new(),
            DetailsMsg::Tick if self.live.may_refresh() => vec![self.fetch(Duration::ZERO)],
            DetailsMsg::Tick => Vec::new(),
            DetailsMsg::CallsLoaded { generation, result } => {
                // A failed refresh is the news now (as on the list), and
                // keys kept for a first page that did not come go.
                if self.live.awaits(generation) && result.is_err() {
                    self.notice = None;
                    self.queued.clear();
                }
                if self.live.awaits(generation) {
                    self.gone = match &result {
                        Err(e) if e.status() == Some(404) => self.gone.or(Some(now)),
                        _ => None,
                    };
                }
                match self.live.finish(generation, result, now) {
                    Some(details) => {
                        self.loaded(details);
                        let mut cmds: Vec<_> = self.fetch_totals().into_iter().collect();
                        cmds.extend(self.open_in_full());
                        cmds.extend(self.count_outcomes(now, false));
                        // The keys that came while it loaded, in order.
                        for action in std::mem::take(&mut self.queued) {
                            cmds.extend(self.on_action(action));
                        }
                        cmds
                    }
                    None => Vec::new(),
                }
            }
            DetailsMsg::DialerChanged { action, result } => {
                self.switching = None;
                let name = visible(&self.name).into_owned();
                match result {
                    Ok(state) => {
                        let status = match state.status.as_str() {
                            "started" => "active",
                            "stopped" => "stopped",
                            _ => action.optimistic_status(),
                        };
                        if let Some(summary) = &mut self.summary {
                            status.clone_into(&mut summary.queue_status);
                        }
                        let done = match action {
                            DialerAction::Start => "Started calling",
                            DialerAction::Stop => "Stopped calling",
                        };
                        self.notice = Some(Notice::done(format!("{done} “{name}”.")));
                        // The calls and the header say what it did.
                        return vec![self.fetch(Duration::ZERO)];
                    }
                    Err(e) => {
                        let what = action.switch().not_done(&e);
                        let why = super::error_text(&e);
                        self.notice = Some(Notice::failed(format!("{what}: “{name}”: {why}")));
                    }
                }
                Vec::new()
            }
            DetailsMsg::OutcomesCounted(result) => self.outcomes_counted(result, now),
            DetailsMsg::CallRead(result) => {
                self.call_read(result);
                Vec::new()
            }
            DetailsMsg::CountProgress { pages, of } => {
                if self.outcomes.counting_since.is_some() {
                    self.sorting.reading = Some((pages, of));
                }
                Vec::new()
            }
            DetailsMsg::Exported(result) => {
                let name = self.name.clone();
                self.notice = Some(super::list::export_notice(&name, &result));
                Vec::new()
            }
            DetailsMsg::TotalsLoaded { generation, result } => {
                let found = self
                    .totals
                    .finish(generation, result, now)
                    .and_then(|page| page.into_iter().find(|b| b.id == self.id));
                if let Some(summary) = found {
                    self.context.progress.record(&summary, None, now);
                    self.summary = Some(summary);
                }
                Vec::new()
            }
        }
    }

    /// A click on a call selects it, and on the selected call opens it (so
    /// a double click opens the call clicked). Anywhere else, or while the
    /// status choice or a call is open, it does nothing.
    fn on_click(&mut self, column: u16, row: u16) -> Vec<Cmd> {
        let geometry = self.geometry.get();
        let Some(index) =
            row_at(geometry.rows, geometry.first, column, row).filter(|&i| i < self.calls().len())
        else {
            return Vec::new();
        };
        if self.mode != Mode::Table {
            return Vec::new();
        }
        // The operator went to the rows: the search stays, as with Enter.
        self.search.close();
        if index == self.selected {
            return self.on_table_action(Action::Open);
        }
        self.selected = index;
        Vec::new()
    }

    fn on_wheel(&mut self, down: bool) {
        let step = |at: usize, last: usize| {
            if down {
                (at + WHEEL_ROWS).min(last)
            } else {
                at.saturating_sub(WHEEL_ROWS)
            }
        };
        match &mut self.mode {
            Mode::Table => {
                self.selected = step(self.selected, self.calls().len().saturating_sub(1));
            }
            Mode::Call { scroll, .. } => {
                let max = usize::from(self.geometry.get().call_max_scroll);
                let to = step(usize::from(*scroll), max);
                *scroll = u16::try_from(to).unwrap_or(u16::MAX);
            }
            Mode::Choosing { .. } => {}
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        if let Some(dialog) = &mut self.dialog {
            return match dialog.on_action(action) {
                DialogReply::Open | DialogReply::Export => Vec::new(),
                DialogReply::Cancelled => {
                    self.dialog = None;
                    Vec::new()
                }
                DialogReply::Confirmed => self.switch_confirmed(),
            };
        }
        if self.search.is_open() {
            return self.on_search_action(action);
        }
        match self.mode.clone() {
            Mode::Table => self.on_table_action(action),
            Mode::Choosing { cursor } => {
                let choices = self.status_choices();
                match Some(action) {
                    Some(Action::Up) => {
                        self.mode = Mode::Choosing {
                            cursor: cursor.saturating_sub(1),
                        }
                    }
                    Some(Action::Down) => {
                        self.mode = Mode::Choosing {
                            cursor: (cursor + 1).min(choices.len().saturating_sub(1)),
                        }
                    }
                    Some(Action::Accept) => {
                        self.mode = Mode::Table;
                        let chosen = choices.get(cursor).cloned().flatten();
                        if chosen != self.query.filter {
                            // "Not called yet" is found by the walk (Weya's
                            // filter takes a status, they have none).
                            self.query.filter = chosen;
                            return self.resorted();
                        }
                    }
                    Some(Action::Cancel) => self.mode = Mode::Table,
                    _ => {}
                }
                Vec::new()
            }
            Mode::Call { id, scroll } => {
                let geometry = self.geometry.get();
                let page = geometry.call_height.saturating_sub(1).max(1);
                let scroll = match Some(action) {
                    Some(Action::Up) => scroll.saturating_sub(1),
                    Some(Action::Down) => scroll.saturating_add(1),
                    Some(Action::PageUp) => scroll.saturating_sub(page),
                    Some(Action::PageDown) => scroll.saturating_add(page),
                    Some(Action::Back) => {
                        // What was said of the call stays with it.
                        self.mode = Mode::Table;
                        self.notice = None;
                        return Vec::new();
                    }
                    Some(Action::NextItem | Action::PrevItem) => {
                        return self.step_call(&id, action == Action::NextItem);
                    }
                    Some(Action::CopyNumber) => return self.copy_call(action),
                    Some(Action::Copy) => {
                        let url = self.open_call().and_then(|c| {
                            c.phone_logs
                                .iter()
                                .rev()
                                .find_map(|l| l.recording_url.clone())
                        });
                        return match url {
                            Some(url) => {
                                self.notice = Some(Notice::done("Copied the recording's URL."));
                                vec![Cmd::Copy(url)]
                            }
                            None => {
                                self.notice = Some(Notice::info("This call has no recording."));
                                Vec::new()
                            }
                        };
                    }
                    _ => scroll,
                };
                self.mode = Mode::Call {
                    id,
                    scroll: scroll.min(geometry.call_max_scroll),
                };
                Vec::new()
            }
        }
    }

    fn on_table_action(&mut self, action: Action) -> Vec<Cmd> {
        // What the last action did lasts until the operator moves on.
        self.notice = None;
        if self.details.is_none() && is_move(action) {
            if self.queued.len() < QUEUED_MOVES {
                self.queued.push(action);
            }
            return Vec::new();
        }
        let count = self.calls().len();
        let visible = self.visible_rows().max(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < count => self.selected += 1,
            Action::Left => self.column = self.column.saturating_sub(1),
            Action::Right => {
                let fit = self.geometry.get().fields_fit.max(1);
                if self.column + fit < self.columns.len() {
                    self.column += 1;
                }
            }
            Action::PageDown => {
                let last = count.saturating_sub(1);
                let pages = self.details.as_ref().map_or(0, |d| d.total_pages);
                if self.selected >= last && u64::from(self.query.page) < pages {
                    self.landing = Some(Landing::after(self.query.page, self.query.limit));
                    self.query.page += 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = (self.selected + visible).min(last);
            }
            Action::PageUp => {
                if self.selected == 0 && self.query.page > 1 {
                    self.landing = Some(Landing::before(self.query.page, self.query.limit));
                    self.query.page -= 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = self.selected.saturating_sub(visible);
            }
            Action::Open => {
                if let Some(call) = self.selected() {
                    let id = call.id.clone();
                    self.mode = Mode::Call {
                        id: id.clone(),
                        scroll: 0,
                    };
                    return self.read_in_full(&id).into_iter().collect();
                }
            }
            Action::ChooseStatus => {
                let cursor = self
                    .status_choices()
                    .iter()
                    .position(|c| *c == self.query.filter)
                    .unwrap_or(0);
                self.mode = Mode::Choosing { cursor };
            }
            Action::Sort => {
                self.query.sort_order = match self.query.sort_order {
                    SortOrder::Desc => SortOrder::Asc,
                    SortOrder::Asc => SortOrder::Desc,
                };
                return self.restart();
            }
            Action::SortColumn => {
                // A new column starts in its first order (ascending, as
                // the CLI's --sort), from the first row; after the fixed
                // columns, each contact field in the table's order.
                self.sorting.column = self.sorting.column.next(&self.columns);
                self.query.sort_order = self.sorting.column.first_order();
                return self.resorted();
            }
            Action::Filter => self.search.open(),
            Action::RetryLoad => {
                let mut cmds = vec![self.fetch(Duration::ZERO)];
                cmds.extend(self.count_outcomes(self.seen_at, true));
                return cmds;
            }
            Action::Export => {
                self.notice = Some(Notice::info(format!(
                    "Exporting “{}”: every page of its calls…",
                    self.name
                )));
                return vec![Cmd::ExportBatch {
                    batch_id: self.id.clone(),
                    name: self.name.clone(),
                    reply: Reply::new("batch.export", |(batch_id, result)| Msg::BatchDetails {
                        batch_id,
                        msg: DetailsMsg::Exported(result),
                    }),
                }];
            }
            Action::Copy => {
                self.notice = Some(Notice::done("Copied the batch ID."));
                return vec![Cmd::Copy(self.id.clone())];
            }
            Action::Back => return vec![Cmd::Close],
            Action::Home => {
                if self.query.page > 1 {
                    self.landing = Some(Landing(0));
                    self.query.page = 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = 0;
            }
            Action::End => {
                let pages = self.details.as_ref().map_or(0, |d| d.total_pages);
                if u64::from(self.query.page) < pages {
                    // Past every row: the last page's last call.
                    self.landing = Some(Landing(u64::MAX));
                    self.query.page = u32::try_from(pages).unwrap_or(u32::MAX);
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = count.saturating_sub(1);
            }
            Action::CopyNumber | Action::CopyRow => return self.copy_call(action),
            Action::Start | Action::Stop => {
                let action = if action == Action::Start {
                    DialerAction::Start
                } else {
                    DialerAction::Stop
                };
                let nothing = self.summary.as_ref().and_then(|s| {
                    crate::actions::nothing_to_do(action.switch(), &s.queue_status, s.total_calls)
                });
                if self.switching.is_some() {
                    self.notice = Some(Notice::info(format!(
                        "“{}” is waiting for an answer.",
                        crate::text::visible(&self.name)
                    )));
                } else if let Some(nothing) = nothing {
                    // As `weya-tui batch start/stop` says it: not sent.
                    let which = format!("“{}”", crate::text::visible(&self.name));
                    self.notice = Some(Notice::info(format!("{}.", nothing.said(&which))));
                } else {
                    let schedule = self.context.schedules.schedule(&self.id, &self.name);
                    self.dialog = Some(Dialog::confirm(
                        action,
                        self.id.clone(),
                        self.name.clone(),
                        schedule,
                        self.seen_at,
                    ));
                }
            }
            // The shell looks up the timezone of a batch created here.
            Action::Import => {
                return vec![Cmd::OpenImport(ImportTarget {
                    batch_id: self.id.clone(),
                    batch_name: self.name.clone(),
                    timezone: None,
                })];
            }
            _ => {}
        }
        Vec::new()
    }

    /// `n`/`p` in the view of call `id`: the next or previous call, on
    /// the next or previous page past the page's ends.
    fn step_call(&mut self, id: &str, forward: bool) -> Vec<Cmd> {
        let count = self.calls().len();
        let Some(at) = self.calls().iter().position(|c| c.id == id) else {
            return Vec::new();
        };
        let pages = self.details.as_ref().map_or(0, |d| d.total_pages);
        let to = if forward {
            (at + 1 < count).then_some(at + 1)
        } else {
            at.checked_sub(1)
        };
        if let Some(to) = to {
            self.selected = to;
            self.mode = Mode::Call {
                id: self.calls()[to].id.clone(),
                scroll: 0,
            };
            self.notice = None;
            return self.open_in_full().into_iter().collect();
        }
        if forward && u64::from(self.query.page) < pages {
            self.landing = Some(Landing::after(self.query.page, self.query.limit));
            self.query.page += 1;
        } else if !forward && self.query.page > 1 {
            self.landing = Some(Landing::before(self.query.page, self.query.limit));
            self.query.page -= 1;
        } else {
            self.notice = Some(Notice::info(if forward {
                "The last call of the batch (with this filter)."
            } else {
                "The first call of the batch (with this filter)."
            }));
            return Vec::new();
        }
        self.reopen_call = true;
        vec![self.fetch(Duration::ZERO)]
    }

    /// `y` copies the highlighted (or open) call's number as Weya holds
    /// it; `Y` the whole row as one tab-separated line.
    fn copy_call(&mut self, action: Action) -> Vec<Cmd> {
        let call = match &self.mode {
            Mode::Call { .. } => self.open_call(),
            _ => self.selected(),
        };
        let Some(call) = call else {
            return Vec::new();
        };
        let (text, what) = if action == Action::CopyRow {
            (call_line(call), "the call's row")
        } else {
            (call.phone_number.clone(), "the number")
        };
        let shown = format_number(&call.phone_number);
        self.notice = Some(Notice::done(format!("Copied {what} of {shown}.")));
        vec![Cmd::Copy(text)]
    }

    /// The dialog said yes: send the switch, journaled as everywhere; its
    /// answer comes back here.
    fn switch_confirmed(&mut self) -> Vec<Cmd> {
        let Some(Dialog::Confirm {
            action, id, name, ..
        }) = self.dialog.take()
        else {
            return Vec::new();
        };
        self.switching = Some(action);
        self.notice = Some(Notice::info(match action {
            DialerAction::Start => format!("Starting “{}”…", visible(&name)),
            DialerAction::Stop => format!("Stopping “{}”…", visible(&name)),
        }));
        vec![Cmd::Dialer {
            id,
            name,
            action,
            reply: DIALER_CHANGED,
        }]
    }

    fn on_search_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Accept => self.search.close(),
            Action::Cancel => {
                let cleared = self.search.clear();
                if cleared || self.query.search.is_some() {
                    return self.restart();
                }
            }
            Action::Edit(edit) if self.search.on_edit(edit) => return vec![self.search_changed()],
            _ => {}
        }
        Vec::new()
    }

    /// A key no binding takes: text for the search, else nothing.
    fn on_typed(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        if self.search.on_key(*key) {
            return vec![self.search_changed()];
        }
        Vec::new()
    }

    fn search_changed(&mut self) -> Cmd {
        self.query.page = 1;
        self.landing = Some(Landing(0));
        self.fetch(SEARCH_DEBOUNCE)
    }

    /// The column or the filter changed: from the first page, and a
    /// count that keeps the rows when the table needs them and has none.
    fn resorted(&mut self) -> Vec<Cmd> {
        let mut cmds = self.restart();
        cmds.extend(self.count_outcomes(self.seen_at, false));
        cmds
    }

    /// The query changed: from the first page, at once.
    pub(super) fn restart(&mut self) -> Vec<Cmd> {
        self.query.page = 1;
        self.landing = Some(Landing(0));
        vec![self.fetch(Duration::ZERO)]
    }

    /// The calls on screen: as drawn, or before the first drawing as many
    /// as a page holds.
    fn visible_rows(&self) -> usize {
        let geometry = self.geometry.get();
        usize::from(match geometry.rows.height {
            0 => geometry.page_rows,
            drawn => drawn,
        })
    }

    fn fetch(&mut self, after: Duration) -> Cmd {
        let rows = self.geometry.get().page_rows;
        fit_to_rows(&mut self.query.page, &mut self.query.limit, rows);
        self.query.search = search_param(self.search.text());
        Cmd::FetchCalls {
            generation: self.live.begin(),
            batch_id: self.id.clone(),
            query: super::sorted::sent(&self.query),
            after,
        }
    }

    /// The header's totals, asked for after each page of calls: Weya's
    /// batch-details has the status and the number of calls but not how
    /// many were picked or completed, which only the batch list carries,
    /// and the list has no lookup by ID. So: its first page searched for
    /// this batch's name (`search=NAME`, 10 rows), one request per
    /// refresh, and the row with this ID. Not sent while one is in flight,
    /// nor once it has said a setting is missing (no user ID: the header
    /// keeps the totals it was opened with); a batch not on that page
    /// (ten newer batches whose names contain its name) keeps its last
    /// totals.
    /// The batch's calling schedule, when it is known here.
    pub(super) fn schedule(&self) -> Option<CallingSchedule> {
        self.context
            .schedules
            .schedule(&self.id, &self.name)
            .cloned()
    }

    /// The batch's window on its contacts' clocks, once read.
    pub fn local_times(&self) -> Option<&Result<LocalTimes, String>> {
        self.local_times.as_ref()
    }

    fn fetch_totals(&mut self) -> Option<Cmd> {
        let name = self.name.trim();
        if name.is_empty() || !self.totals.may_refresh() || self.totals.poll_every().is_none() {
            return None;
        }
        let name = name.to_owned();
        Some(Cmd::FetchBatchTotals {
            generation: self.totals.begin(),
            batch_id: self.id.clone(),
            name,
        })
    }

    /// What batch-details says of the whole batch goes into the header at
    /// once: its status, and, when no filter or search narrows the calls,
    /// their number.
    fn totals_refreshed(&mut self, details: &BatchDetails) {
        let Some(summary) = &mut self.summary else {
            return;
        };
        if !details.batch_status.is_empty() {
            summary.queue_status.clone_from(&details.batch_status);
        }
        if self.query.filter.is_none() && self.query.search.is_none() {
            summary.total_calls = Some(details.total);
        }
    }

    fn loaded(&mut self, details: BatchDetails) {
        self.totals_refreshed(&details);
        for call in &details.calls {
            for key in call.fields.keys() {
                if !self.columns.contains(key) {
                    self.columns.push(key.clone());
                }
            }
            for log in &call.phone_logs {
                if !log.call_status.is_empty() {
                    self.statuses.insert(log.call_status.clone());
                }
            }
        }
        if !details.batch_name.is_empty() {
            self.name = details.batch_name.clone();
        }
        let id = self.selected().map(|c| c.id.clone());
        self.details = Some(details);
        self.arrange_sorted();
        let count = self.calls().len();
        self.numbers_shown = std::iter::repeat_with(OnceCell::new).take(count).collect();
        match self.landing.take() {
            // As on the list: counted from the first call of all.
            Some(landing) => {
                self.selected = landing
                    .on(self.query.page, self.query.limit)
                    .min(count.saturating_sub(1));
                self.offset = self.selected;
                if std::mem::take(&mut self.reopen_call)
                    && let Some(call) = self.calls().get(self.selected)
                {
                    self.mode = Mode::Call {
                        id: call.id.clone(),
                        scroll: 0,
                    };
                }
            }
            None => {
                if let Some(i) = id.and_then(|id| self.calls().iter().position(|c| c.id == id)) {
                    self.selected = i;
                }
            }
        }
        self.selected = self.selected.min(count.saturating_sub(1));
    }
}

impl ViewModel for BatchDetailsView {
    type Msg = DetailsMsg;

    fn update(&mut self, msg: DetailsMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        Self::update(self, msg, now)
    }

    fn scopes(&self) -> Vec<Scope> {
        Self::scopes(self)
    }

    /// The view it was opened over, where Esc leads, then the batch:
    /// `Batches › June renewals`, `New batch › Result › June renewals`.
    fn breadcrumb(&self, mut under: Vec<String>) -> Vec<String> {
        under.push(self.title());
        under
    }

    /// The refresh, once a page is in, and the clock of the times that
    /// move in its rows.
    fn subscriptions(&self) -> Vec<Subscription> {
        let refresh = self.refresh_timer().map(|every| Subscription {
            name: "batch.calls.refresh",
            every,
            msg: self.tick(),
        });
        refresh
            .into_iter()
            .chain(self.shows_time().then(clock))
            .collect()
    }

    fn shown(&self) -> Option<Msg> {
        Some(self.tick())
    }
}

impl BatchDetailsView {
    /// Time to refresh, addressed to this batch's view.
    fn tick(&self) -> Msg {
        Msg::BatchDetails {
            batch_id: self.batch_id().to_owned(),
            msg: DetailsMsg::Tick,
        }
    }
}

mod sorting;
#[cfg(test)]
mod tests;

/// A call as one tab-separated line, as `Y` copies it: the number as Weya
/// holds it, the last status ("not called yet" before the first attempt),
/// the attempts, the last attempt's time and duration in seconds, then
/// each contact field as `name=value`. Tabs and line breaks inside a value
/// become spaces, so a paste stays one row, and any other control
/// character is written as `⟨U+001B⟩` (a pasted ESC or BEL would act in
/// the terminal or shell it lands in).
pub fn call_line(call: &Call) -> String {
    let clean =
        |text: &str| crate::text::visible(&text.replace(['\t', '\n', '\r'], " ")).into_owned();
    let last = call.latest_log();
    let mut cells = vec![
        clean(&call.phone_number),
        clean(call.status().unwrap_or("not called yet")),
        call.phone_logs.len().to_string(),
        last.map(|l| clean(&l.created_at)).unwrap_or_default(),
        last.and_then(|l| l.call_duration)
            .map(|d| format!("{d}"))
            .unwrap_or_default(),
    ];
    cells.extend(
        call.fields
            .keys()
            .filter_map(|k| call.field_text(k).map(|v| clean(&format!("{k}={v}")))),
    );
    cells.join("\t")
}
