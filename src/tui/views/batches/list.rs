//! The batch list: one page of `GET /api/call/batches/{userId}` at a
//! time, as many rows as fit, refreshed while on screen, with start, stop
//! and delete.
//!
//! The effects run its [`Cmd`]s and send the replies back as
//! [`ListMsg`]s; it sends [`ListMsg::Tick`] every [`BatchList::poll_every`]
//! while the list is on screen and the terminal has focus (and once when
//! the list comes back on screen), never otherwise. Its drawing is
//! [`super::ui::list`].

use std::cell::Cell;
use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::layout::{Position, Rect};

use super::dialogs::{Dialog, DialogReply, ExportState};
use super::live::{LivePage, fit_to_rows, page_rows, search_param};
pub use super::msg::{DialerAction, ListMsg};
use super::{
    Notice, SEARCH_DEBOUNCE, SearchBox, ViewContext, WHEEL_ROWS, error_text, with_editing,
};
use crate::api::{BatchPage, BatchQuery, BatchSummary};
use crate::campaign::export::Saved;
use crate::tui::keymap::{self, Action, Input, Scope};
use crate::tui::msg::{Cmd, DialerAnswer, Msg, Reply, Subscription};
use crate::tui::views::{ViewModel, clock};

/// Rows asked for when the list's height is not known (the terminal has
/// not said its size).
const FIRST_LIMIT: u32 = 20;

/// Where start- and stop-calling answer the list.
const DIALER_CHANGED: Reply<DialerAnswer> = Reply::new("batches.dialer", |(id, action, result)| {
    Msg::BatchList(ListMsg::DialerChanged { id, action, result })
});

/// The list's lines around its rows: the title, the column heads, the
/// highlighted batch's two lines, one notice line and the status line.
pub const LIST_CHROME: u16 = 6;

/// The most movement keys kept while the first page loads.
pub(super) const QUEUED_MOVES: usize = 16;

/// Which statuses are shown. Weya's list takes no status filter, so this
/// filters the page shown, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Paused,
    Completed,
}

impl StatusFilter {
    fn admits(self, status: &str) -> bool {
        match self {
            Self::All => true,
            Self::Active => status == "active",
            Self::Paused => status == "paused",
            Self::Completed => status == "completed",
        }
    }

    pub(super) fn word(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Completed => "completed",
        }
    }
}

/// Where the cursor lands on a page reached with PgDn or PgUp: the row
/// after the last one shown (PgDn) or before the first (PgUp), counted
/// from the first row of the whole list. Counted so, not as "the first
/// row of page N", because the page asked for is fitted to the screen
/// ([`fit_to_rows`]): a list fetched 20 rows a page before it was drawn
/// and 30 after has row 21 on page 1, and the cursor goes there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Landing(pub(super) u64);

impl Landing {
    /// The first row of the page after page `page` of `limit` rows.
    pub(super) fn after(page: u32, limit: u32) -> Self {
        Self(u64::from(page) * u64::from(limit))
    }

    /// The last row of the page before page `page` of `limit` rows.
    pub(super) fn before(page: u32, limit: u32) -> Self {
        Self((u64::from(page.saturating_sub(1)) * u64::from(limit)).saturating_sub(1))
    }

    /// The row's index on page `page` of `limit` rows (past its end when
    /// it is on a later page: the caller clamps).
    pub(super) fn on(self, page: u32, limit: u32) -> usize {
        let first = u64::from(page.saturating_sub(1)) * u64::from(limit);
        usize::try_from(self.0.saturating_sub(first)).unwrap_or(usize::MAX)
    }
}

/// The export of batch `id` (named `name`), its answer to the list.
fn export_cmd(batch_id: String, name: String) -> Cmd {
    Cmd::ExportBatch {
        batch_id,
        name,
        reply: Reply::new("batches.export", |(id, result)| {
            Msg::BatchList(ListMsg::Exported { id, result })
        }),
    }
}

/// What an export did, in words: where the file is, or why there is none.
pub(super) fn export_notice(name: &str, result: &Result<Saved, String>) -> Notice {
    match result {
        Ok(saved) => {
            let mut text = format!(
                "Exported {} of “{name}” to {}",
                crate::num::thousands(saved.exported.rows)
                    + if saved.exported.rows == 1 {
                        " call"
                    } else {
                        " calls"
                    },
                saved.path.display()
            );
            if !saved.exported.late_fields.is_empty() {
                text.push_str(&format!(
                    " (fields seen after the first page, {}, are in its last column)",
                    saved.exported.late_fields.join(", ")
                ));
            }
            text.push('.');
            Notice::done(text)
        }
        Err(why) => Notice::failed(format!("Not exported: “{name}”: {why}")),
    }
}

/// A change sent and not yet answered: the row shows it already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pending {
    /// What the row shows until the answer.
    shown: &'static str,
    /// The status to put back if the server refuses.
    previous: String,
}

/// What `draw` saw, for `update`: how many rows fit and where they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListGeometry {
    /// Where the data rows are (below the column heads).
    pub rows: Rect,
    /// The rows a page holds: those of `rows` with a one-line notice under
    /// them. A longer notice (a wrapped error) scrolls the rows a while;
    /// it does not change the page size, and so the page asked for.
    pub page_rows: u16,
    /// The index of the row drawn at the top of `rows`.
    pub first: usize,
}

/// The batch list's state.
#[derive(Debug, Clone)]
pub struct BatchList {
    pub(super) context: ViewContext,
    /// The last page that arrived (with changes in flight applied).
    pub(super) page: Option<BatchPage>,
    /// Its refreshes, and the error of the last one that failed.
    pub(super) live: LivePage,
    pub(super) query: BatchQuery,
    /// The search being typed (sent as `search=` after a pause).
    pub(super) search: SearchBox,
    pub(super) filter: StatusFilter,
    /// Index into the shown (filtered) rows.
    pub(super) selected: usize,
    /// The first shown row on screen (as ratatui's `TableState` keeps it).
    pub(super) offset: usize,
    /// After a page flip, where the cursor lands on the new page: the
    /// first row (PgDn) or the last (PgUp). Otherwise a new page keeps the
    /// cursor on the same batch.
    landing: Option<Landing>,
    /// Movement keys that came before the first page: applied when it
    /// arrives, so none is lost.
    queued: Vec<Action>,
    pub(super) pending: HashMap<String, Pending>,
    pub(super) dialog: Option<Dialog>,
    pub(super) notice: Option<Notice>,
    pub(super) geometry: Cell<ListGeometry>,
    /// The time of the last message: what a dialog opened by a key says
    /// of the calling window is said as of then.
    now: DateTime<Utc>,
}

impl BatchList {
    /// An empty list; the first [`ListMsg::Tick`] fetches.
    pub fn new(context: ViewContext) -> Self {
        Self {
            live: LivePage::new(context.refresh),
            context,
            page: None,
            query: BatchQuery {
                limit: FIRST_LIMIT,
                ..BatchQuery::default()
            },
            search: SearchBox::default(),
            filter: StatusFilter::All,
            selected: 0,
            offset: 0,
            landing: None,
            queued: Vec::new(),
            pending: HashMap::new(),
            dialog: None,
            notice: None,
            geometry: Cell::new(ListGeometry::default()),
            now: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    /// The list to be drawn in an area `height` rows high (the shell knows
    /// it from the terminal's size before anything is drawn): the first
    /// fetch asks for as many rows as will fit, so the page on screen does
    /// not change size (and the highlighted batch) at the first refresh.
    /// A `height` of 0 (not known) leaves the first fetch at 20 rows.
    #[must_use]
    pub fn in_height(self, height: u16) -> Self {
        self.geometry.set(ListGeometry {
            page_rows: page_rows(height, LIST_CHROME),
            ..self.geometry.get()
        });
        self
    }

    /// How long after the last answer the shell should send the next
    /// [`ListMsg::Tick`]: the configured refresh, longer after errors (5,
    /// 10, 20, 60 s), `None` when asking again cannot help (no user ID).
    pub fn poll_every(&self) -> Option<Duration> {
        self.live.poll_every()
    }

    /// Whether a time on screen moves on its own (see
    /// [`LivePage::shows_time`]).
    pub fn shows_time(&self) -> bool {
        self.live.shows_time()
    }

    /// The key scope in force, for the footer and the help.
    pub fn scope(&self) -> Scope {
        match (&self.dialog, self.search.is_open()) {
            (Some(d), _) => d.scope(),
            (None, true) => Scope::BatchSearch,
            (None, false) => Scope::Batches,
        }
    }

    /// [`Self::scope`], and while searching the readline edits too; over
    /// the rows a kept search narrows, Esc clears it first.
    pub fn scopes(&self) -> Vec<Scope> {
        let scope = self.scope();
        if scope == Scope::Batches && !self.search.text().is_empty() {
            return vec![Scope::BatchesSearched, scope];
        }
        with_editing(scope)
    }

    /// Whether keys go to typed text (the shell then keeps its letter
    /// bindings away).
    pub fn is_typing(&self) -> bool {
        self.search.is_open() || matches!(self.dialog, Some(Dialog::Delete(_)))
    }

    pub fn query(&self) -> &BatchQuery {
        &self.query
    }

    /// The period of the shell's refresh timer (see
    /// [`LivePage::timer_period`]): none while a page is asked for.
    pub fn refresh_timer(&self) -> Option<Duration> {
        self.live.timer_period()
    }

    /// Whether a page is being fetched.
    pub fn is_loading(&self) -> bool {
        self.live.is_loading()
    }

    /// Whether a start, stop or delete of batch `id` awaits its answer.
    pub fn is_pending(&self, id: &str) -> bool {
        self.pending.contains_key(id)
    }

    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The rows on show: the page, filtered by status.
    pub fn rows(&self) -> Vec<&BatchSummary> {
        self.page
            .as_ref()
            .map(|p| {
                p.batches
                    .iter()
                    .filter(|b| self.filter.admits(&b.queue_status))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn selected(&self) -> Option<&BatchSummary> {
        self.rows().get(self.selected).copied()
    }

    pub fn update(&mut self, msg: ListMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        self.now = now;
        let cmds = self.handle(msg, now);
        // The window moves only as far as the cursor needs: kept here, not
        // recomputed per frame, so moving up does not pin the cursor to the
        // bottom row.
        self.offset = visible_offset(
            self.offset,
            self.selected,
            self.visible_rows(),
            self.rows().len(),
        );
        cmds
    }

    fn handle(&mut self, msg: ListMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        match msg {
            ListMsg::Input(Input::Typed(key)) => match keymap::lookup(&key, &self.scopes()) {
                Some(action) => self.on_action(action),
                None => self.on_typed(&key),
            },
            ListMsg::Input(Input::Action(action)) => self.on_action(action),
            ListMsg::Input(Input::Paste(text)) => {
                if let Some(d) = &mut self.dialog {
                    d.on_paste(&text);
                    return Vec::new();
                }
                if !self.search.is_open() {
                    return Vec::new();
                }
                // The paste is the news now, as a key would be: a clean
                // one clears what an earlier one said.
                let pasted = self.search.on_paste(&text);
                self.notice = pasted.notice;
                if pasted.changed {
                    return vec![self.search_changed()];
                }
                Vec::new()
            }
            ListMsg::Input(Input::Click { column, row }) => self.on_click(column, row),
            ListMsg::Input(Input::Wheel { down, .. }) => {
                if self.dialog.is_none() {
                    self.notice = None;
                    let last = self.rows().len().saturating_sub(1);
                    self.selected = if down {
                        (self.selected + WHEEL_ROWS).min(last)
                    } else {
                        self.selected.saturating_sub(WHEEL_ROWS)
                    };
                }
                Vec::new()
            }
            ListMsg::Tick if self.live.may_refresh() => vec![self.fetch(Duration::ZERO)],
            // Never stacks: the answer in flight will do.
            ListMsg::Tick => Vec::new(),
            ListMsg::PageLoaded { generation, result } => {
                // A failed refresh is the news now: what the last action
                // did is stale beside it (the error shows under the rows).
                // Keys kept for a first page that did not come go too: a
                // page a minute later is no place for them.
                if self.live.awaits(generation) && result.is_err() {
                    self.notice = None;
                    self.queued.clear();
                }
                match self.live.finish(generation, result, now) {
                    Some(page) => {
                        for b in &page.batches {
                            self.context.progress.record(b, None, now);
                        }
                        self.page_loaded(page)
                    }
                    None => Vec::new(),
                }
            }
            ListMsg::DialerChanged { id, action, result } => {
                let name = self.name_of(&id);
                match result {
                    Ok(state) => {
                        self.pending.remove(&id);
                        let status = match state.status.as_str() {
                            "started" => "active",
                            "stopped" => "stopped",
                            _ => action.optimistic_status(),
                        };
                        self.set_status(&id, status);
                        let done = match action {
                            DialerAction::Start => "Started calling",
                            DialerAction::Stop => "Stopped calling",
                        };
                        self.say(Notice::done(format!("{done} “{name}”.")));
                    }
                    Err(e) => {
                        self.revert(&id);
                        let what = action.switch().not_done(&e);
                        let why = error_text(&e);
                        self.say(Notice::failed(format!("{what}: “{name}”: {why}")));
                    }
                }
                Vec::new()
            }
            ListMsg::Exported { id, result } => self.exported(&id, result),
            ListMsg::Deleted { id, result } => {
                let name = self.name_of(&id);
                match result {
                    Ok(_) => {
                        self.pending.remove(&id);
                        if let Some(page) = &mut self.page {
                            let before = page.batches.len();
                            page.batches.retain(|b| b.id != id);
                            if page.batches.len() < before {
                                page.pagination.total = page.pagination.total.saturating_sub(1);
                            }
                        }
                        self.clamp();
                        self.say(Notice::done(format!("Deleted “{name}”.")));
                        // The rows after it move up a page: fetch them. A
                        // fetch in flight may predate the delete, so this
                        // one supersedes it (latest wins).
                        vec![self.fetch(Duration::ZERO)]
                    }
                    Err(e) => {
                        self.revert(&id);
                        let why = error_text(&e);
                        self.say(Notice::failed(format!("Not deleted: “{name}”: {why}")));
                        Vec::new()
                    }
                }
            }
        }
    }

    /// An export ended: said under the rows, and in the delete dialog
    /// when it is this batch's.
    fn exported(&mut self, id: &str, result: Result<Saved, String>) -> Vec<Cmd> {
        let name = self.name_of(id);
        let state = match &result {
            Ok(saved) => ExportState::Done {
                path: saved.path.display().to_string(),
                rows: saved.exported.rows,
            },
            Err(why) => ExportState::Failed(why.clone()),
        };
        if let Some(Dialog::Delete(d)) = &mut self.dialog
            && d.id == id
        {
            d.export = state;
        }
        self.say(export_notice(&name, &result));
        Vec::new()
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        if let Some(dialog) = &mut self.dialog {
            let reply = dialog.on_action(action);
            return self.dialog_replied(reply);
        }
        if self.search.is_open() {
            return self.on_search_action(action);
        }
        // What the last action did lasts until the operator moves on.
        self.notice = None;
        if self.page.is_none() && is_move(action) {
            if self.queued.len() < QUEUED_MOVES {
                self.queued.push(action);
            }
            return Vec::new();
        }
        let count = self.rows().len();
        let visible = self.visible_rows();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < count => self.selected += 1,
            Action::PageDown => {
                let last = count.saturating_sub(1);
                let total_pages = self.page.as_ref().map_or(0, |p| p.pagination.total_pages);
                if self.selected >= last && u64::from(self.query.page) < total_pages {
                    self.landing = Some(Landing::after(self.query.page, self.query.limit));
                    self.query.page += 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = (self.selected + visible.max(1)).min(last);
            }
            Action::PageUp => {
                if self.selected == 0 && self.query.page > 1 {
                    self.landing = Some(Landing::before(self.query.page, self.query.limit));
                    self.query.page -= 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = self.selected.saturating_sub(visible.max(1));
            }
            Action::Home => self.selected = 0,
            Action::End => self.selected = count.saturating_sub(1),
            Action::RetryLoad => return vec![self.fetch(Duration::ZERO)],
            // A kept search, cleared from the rows: every batch again.
            Action::Cancel if !self.search.text().is_empty() => {
                self.search.clear();
                self.query.page = 1;
                self.selected = 0;
                self.offset = 0;
                return vec![self.fetch(Duration::ZERO)];
            }
            Action::Filter => self.search.open(),
            Action::ShowActive => self.set_filter(StatusFilter::Active),
            Action::ShowPaused => self.set_filter(StatusFilter::Paused),
            Action::ShowCompleted => self.set_filter(StatusFilter::Completed),
            Action::ShowAll => self.set_filter(StatusFilter::All),
            Action::Open
            | Action::Start
            | Action::Stop
            | Action::Delete
            | Action::Copy
            | Action::Export => {
                return self.on_row(action);
            }
            _ => {}
        }
        Vec::new()
    }

    /// A click on a row selects it, and on the selected row opens it (so a
    /// double click opens the row clicked). Anywhere else, or over a
    /// dialog, it does nothing.
    fn on_click(&mut self, column: u16, row: u16) -> Vec<Cmd> {
        let geometry = self.geometry.get();
        let Some(index) =
            row_at(geometry.rows, geometry.first, column, row).filter(|&i| i < self.rows().len())
        else {
            return Vec::new();
        };
        if self.dialog.is_some() {
            return Vec::new();
        }
        // The operator went to the rows: the search stays, as with Enter.
        self.search.close();
        self.notice = None;
        if index == self.selected {
            return self.on_row(Action::Open);
        }
        self.selected = index;
        Vec::new()
    }

    /// An action on the highlighted batch.
    fn on_row(&mut self, action: Action) -> Vec<Cmd> {
        let Some(batch) = self.selected().cloned() else {
            return Vec::new();
        };
        self.on_batch(action, batch)
    }

    /// An action on a batch chosen elsewhere (the palette's picker), as
    /// its key on the highlighted row does: start, stop and delete ask
    /// first. The batch is highlighted when it is on the page shown.
    pub fn act_on(&mut self, action: Action, batch: BatchSummary) -> Vec<Cmd> {
        if let Some(at) = self.rows().iter().position(|b| b.id == batch.id) {
            self.selected = at;
        }
        self.on_batch(action, batch)
    }

    fn on_batch(&mut self, action: Action, batch: BatchSummary) -> Vec<Cmd> {
        if self.pending.contains_key(&batch.id) {
            self.say(Notice::info(format!(
                "“{}” is waiting for an answer.",
                batch.batch_name
            )));
            return Vec::new();
        }
        match action {
            Action::Open => {
                return vec![Cmd::OpenBatch(Box::new(batch))];
            }
            Action::Copy => {
                self.say(Notice::done(format!(
                    "Copied the ID of “{}”.",
                    batch.batch_name
                )));
                return vec![Cmd::Copy(batch.id)];
            }
            Action::Start | Action::Stop => {
                let action = if action == Action::Start {
                    DialerAction::Start
                } else {
                    DialerAction::Stop
                };
                if let Some(nothing) = crate::actions::nothing_to_do(
                    action.switch(),
                    &batch.queue_status,
                    batch.total_calls,
                ) {
                    // As `weya-tui batch start/stop` says it: not sent.
                    let which = format!("“{}”", crate::text::visible(&batch.batch_name));
                    self.say(Notice::info(format!("{}.", nothing.said(&which))));
                    return Vec::new();
                }
                let schedule = self
                    .context
                    .schedules
                    .schedule(&batch.id, &batch.batch_name);
                self.dialog = Some(Dialog::confirm(
                    action,
                    batch.id.clone(),
                    batch.batch_name.clone(),
                    schedule,
                    self.now,
                ));
            }
            Action::Delete => self.dialog = Some(Dialog::delete(batch.id, batch.batch_name)),
            Action::Export => {
                self.say(Notice::info(format!(
                    "Exporting “{}”: every page of its calls…",
                    batch.batch_name
                )));
                return vec![export_cmd(batch.id, batch.batch_name)];
            }
            _ => {}
        }
        Vec::new()
    }

    /// A dialog said yes: show the result in the row at once, and send.
    fn confirmed(&mut self, dialog: Dialog) -> Vec<Cmd> {
        match dialog {
            Dialog::Confirm { action, id, .. } => {
                let shown = action.optimistic_status();
                self.optimistic(&id, shown);
                vec![Cmd::Dialer {
                    name: self.name_of(&id),
                    id,
                    action,
                    reply: DIALER_CHANGED,
                }]
            }
            Dialog::Delete(d) => {
                self.optimistic(&d.id, "deleting");
                vec![Cmd::DeleteBatch {
                    id: d.id,
                    name: d.name,
                }]
            }
        }
    }

    /// The dialog answered a key: close it, and act when it said yes.
    fn dialog_replied(&mut self, reply: DialogReply) -> Vec<Cmd> {
        match reply {
            DialogReply::Open => Vec::new(),
            DialogReply::Export => match &self.dialog {
                Some(Dialog::Delete(d)) => vec![export_cmd(d.id.clone(), d.name.clone())],
                _ => Vec::new(),
            },
            DialogReply::Cancelled => {
                self.dialog = None;
                Vec::new()
            }
            DialogReply::Confirmed => match self.dialog.take() {
                Some(d) => self.confirmed(d),
                None => Vec::new(),
            },
        }
    }

    fn on_search_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Accept => self.search.close(),
            Action::Cancel => {
                let cleared = self.search.clear();
                if cleared || self.query.search.is_some() {
                    self.query.page = 1;
                    return vec![self.fetch(Duration::ZERO)];
                }
            }
            Action::Edit(edit) if self.search.on_edit(edit) => return vec![self.search_changed()],
            _ => {}
        }
        Vec::new()
    }

    /// A key no binding takes: text for the dialog or the search.
    fn on_typed(&mut self, key: &KeyEvent) -> Vec<Cmd> {
        if let Some(dialog) = &mut self.dialog {
            let reply = dialog.on_typed(key);
            return self.dialog_replied(reply);
        }
        if self.search.on_key(*key) {
            return vec![self.search_changed()];
        }
        Vec::new()
    }

    fn search_changed(&mut self) -> Cmd {
        self.query.page = 1;
        self.selected = 0;
        self.offset = 0;
        self.fetch(SEARCH_DEBOUNCE)
    }

    fn set_filter(&mut self, filter: StatusFilter) {
        let id = self.selected().map(|b| b.id.clone());
        self.filter = filter;
        self.reselect(id.as_deref());
    }

    /// A fetch of the current query, its limit fitted to the screen.
    fn fetch(&mut self, after: Duration) -> Cmd {
        let rows = self.geometry.get().page_rows;
        fit_to_rows(&mut self.query.page, &mut self.query.limit, rows);
        self.query.search = search_param(self.search.text());
        Cmd::FetchBatches {
            generation: self.live.begin(),
            query: self.query.clone(),
            after,
        }
    }

    /// The rows on screen: as drawn, or before the first drawing as many
    /// as a page holds.
    fn visible_rows(&self) -> usize {
        let geometry = self.geometry.get();
        usize::from(match geometry.rows.height {
            0 => geometry.page_rows,
            drawn => drawn,
        })
    }

    fn page_loaded(&mut self, mut page: BatchPage) -> Vec<Cmd> {
        // A page past the end (the last batch of it was deleted): the last one.
        let pages = page.pagination.total_pages;
        if page.batches.is_empty() && pages > 0 && u64::from(self.query.page) > pages {
            self.query.page = u32::try_from(pages).unwrap_or(1);
            return vec![self.fetch(Duration::ZERO)];
        }
        // Changes still in flight stay shown over what the server says.
        for b in &mut page.batches {
            if let Some(p) = self.pending.get(&b.id) {
                b.queue_status = p.shown.to_owned();
            }
        }
        let id = self.selected().map(|b| b.id.clone());
        self.page = Some(page);
        match self.landing.take() {
            // The window starts at the row landed on (as far as it can).
            Some(landing) => {
                self.selected = landing.on(self.query.page, self.query.limit);
                self.offset = self.selected;
            }
            None => self.reselect(id.as_deref()),
        }
        self.clamp();
        // The keys that came while it loaded, in order, as if it had been
        // there (a PgDn at the bottom may ask for the next page).
        let mut cmds = Vec::new();
        for action in std::mem::take(&mut self.queued) {
            cmds.extend(self.on_action(action));
        }
        cmds
    }

    /// Keeps the cursor on batch `id` if it is still shown, else where it
    /// was (within the rows).
    fn reselect(&mut self, id: Option<&str>) {
        if let Some(i) = id.and_then(|id| self.rows().iter().position(|b| b.id == id)) {
            self.selected = i;
        }
        self.clamp();
    }

    /// Drops batch `id` from the page on show: it is gone (its details
    /// answered 404), so its row does not wait for the next refresh to go.
    pub fn forget(&mut self, id: &str) {
        self.pending.remove(id);
        if let Some(page) = &mut self.page {
            let before = page.batches.len();
            page.batches.retain(|b| b.id != id);
            if page.batches.len() < before {
                page.pagination.total = page.pagination.total.saturating_sub(1);
            }
        }
        self.clamp();
    }

    fn clamp(&mut self) {
        let count = self.rows().len();
        self.selected = self.selected.min(count.saturating_sub(1));
    }

    fn optimistic(&mut self, id: &str, shown: &'static str) {
        let previous = self
            .page
            .as_ref()
            .and_then(|p| p.batches.iter().find(|b| b.id == id))
            .map(|b| b.queue_status.clone())
            .unwrap_or_default();
        self.pending
            .insert(id.to_owned(), Pending { shown, previous });
        self.set_status(id, shown);
        self.notice = None;
    }

    fn revert(&mut self, id: &str) {
        if let Some(p) = self.pending.remove(id) {
            self.set_status(id, &p.previous);
        }
    }

    fn set_status(&mut self, id: &str, status: &str) {
        if let Some(b) = self
            .page
            .as_mut()
            .and_then(|p| p.batches.iter_mut().find(|b| b.id == id))
        {
            b.queue_status = status.to_owned();
        }
    }

    pub fn name_of(&self, id: &str) -> String {
        self.page
            .as_ref()
            .and_then(|p| p.batches.iter().find(|b| b.id == id))
            .map_or_else(|| id.to_owned(), |b| b.batch_name.clone())
    }

    fn say(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }
}

/// Whether `action` moves the cursor over the rows: kept, not lost, while
/// no rows have come yet.
pub(super) fn is_move(action: Action) -> bool {
    matches!(
        action,
        Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End
    )
}

/// The index of the row drawn at screen cell (`column`, `row`), when the
/// cell is in `rows`, whose top row shows row `first`.
pub(crate) fn row_at(rows: Rect, first: usize, column: u16, row: u16) -> Option<usize> {
    rows.contains(Position { x: column, y: row })
        .then(|| first + usize::from(row - rows.y))
}

/// The first row to show so that `selected` is on screen, moving the
/// window as little as possible from `offset`.
pub(crate) fn visible_offset(offset: usize, selected: usize, height: usize, count: usize) -> usize {
    if height == 0 {
        return selected;
    }
    let max = count.saturating_sub(height);
    let offset = offset.min(max);
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

impl ViewModel for BatchList {
    type Msg = ListMsg;

    fn update(&mut self, msg: ListMsg, now: DateTime<Utc>) -> Vec<Cmd> {
        Self::update(self, msg, now)
    }

    fn scopes(&self) -> Vec<Scope> {
        Self::scopes(self)
    }

    fn breadcrumb(&self, _under: Vec<String>) -> Vec<String> {
        vec!["Batches".to_owned()]
    }

    /// The refresh, once a page is in, and the clock of "updated 3 s
    /// ago".
    fn subscriptions(&self) -> Vec<Subscription> {
        let refresh = self.refresh_timer().map(|every| Subscription {
            name: "batches.refresh",
            every,
            msg: Msg::BatchList(ListMsg::Tick),
        });
        refresh
            .into_iter()
            .chain(self.shows_time().then(clock))
            .collect()
    }

    fn shown(&self) -> Option<Msg> {
        Some(Msg::BatchList(ListMsg::Tick))
    }
}

#[cfg(test)]
mod tests;
