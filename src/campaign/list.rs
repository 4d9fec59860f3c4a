//! The batch list: one page of `GET /api/call/batches/{userId}` at a
//! time, as many rows as fit, refreshed while on screen, with start, stop
//! and delete.
//!
//! The shell runs the [`ListCmd`]s and sends the replies back as
//! [`ListMsg`]s; it sends [`ListMsg::Tick`] every [`BatchList::poll_every`]
//! while the list is on screen and the terminal has focus (and once when
//! the list comes back on screen), never otherwise.

use std::cell::Cell;
use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use super::dialogs::{DialerAction, Dialog, DialogReply};
use super::keys::{self, Action, Scope};
use super::{
    Live, SEARCH_DEBOUNCE, ViewContext, absolute, error_text, fit, parse_time, progress_bar,
    relative, relative_text, status_badge,
};
use crate::api::{ApiError, BatchPage, BatchQuery, BatchSummary, Deleted, DialerState};
use crate::sandbox::EXAMPLE_PREFIX;
use crate::text::visible;
use crate::tui::widgets::theme::Theme;

/// Rows asked for before the list has been drawn once.
const FIRST_LIMIT: u32 = 20;

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

    fn word(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Completed => "completed",
        }
    }
}

/// Everything that can happen to the list.
#[derive(Debug, Clone)]
pub enum ListMsg {
    Key(KeyEvent),
    Paste(String),
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    /// Time to refresh: the subscription's beat, or the list back on screen.
    Tick,
    PageLoaded {
        generation: u64,
        result: Result<BatchPage, ApiError>,
    },
    DialerChanged {
        id: String,
        action: DialerAction,
        result: Result<DialerState, ApiError>,
    },
    Deleted {
        id: String,
        result: Result<Deleted, ApiError>,
    },
}

/// Work for the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListCmd {
    /// Fetch a page after waiting `after` (zero: at once; a search waits
    /// [`SEARCH_DEBOUNCE`]). Latest wins: run it as the keyed job
    /// "batches.page", so a newer fetch aborts an older one, its wait
    /// included (that is what debounces the search). The reply is
    /// [`ListMsg::PageLoaded`] with this generation.
    FetchPage {
        generation: u64,
        query: BatchQuery,
        after: Duration,
    },
    /// start-calling; reply [`ListMsg::DialerChanged`]. Journal it.
    Start { id: String },
    /// stop-calling; reply [`ListMsg::DialerChanged`]. Journal it.
    Stop { id: String },
    /// delete-batch; reply [`ListMsg::Deleted`]. Journal it.
    Delete { id: String, name: String },
    /// Put the text on the clipboard (OSC 52).
    Copy(String),
    /// Push the batch details view ([`super::details::BatchDetailsView::new`]).
    OpenDetails { summary: Box<BatchSummary> },
    /// Open the new-batch form.
    NewBatch,
}

/// Where the cursor lands on a page reached with PgDn or PgUp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landing {
    First,
    Last,
}

/// A change sent and not yet answered: the row shows it already.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    /// What the row shows until the answer.
    shown: &'static str,
    /// The status to put back if the server refuses.
    previous: String,
}

/// A line under the rows: what just happened.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Notice {
    text: String,
    error: bool,
}

/// What `draw` saw, for `update`: how many rows fit and where they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListGeometry {
    /// Where the data rows are (below the column heads).
    pub rows: Rect,
}

/// The batch list's state.
#[derive(Debug)]
pub struct BatchList {
    context: ViewContext,
    /// The last page that arrived (with changes in flight applied).
    page: Option<BatchPage>,
    error: Option<ApiError>,
    live: Live,
    query: BatchQuery,
    /// The search being typed (sent as `search=` after a pause).
    search: String,
    searching: bool,
    filter: StatusFilter,
    /// Index into the shown (filtered) rows.
    selected: usize,
    /// The first shown row on screen (as ratatui's `TableState` keeps it).
    offset: usize,
    /// After a page flip, where the cursor lands on the new page: the
    /// first row (PgDn) or the last (PgUp). Otherwise a new page keeps the
    /// cursor on the same batch.
    landing: Option<Landing>,
    pending: HashMap<String, Pending>,
    dialog: Option<Dialog>,
    notice: Option<Notice>,
    geometry: Cell<ListGeometry>,
}

impl BatchList {
    /// An empty list; the first [`ListMsg::Tick`] fetches.
    pub fn new(context: ViewContext) -> Self {
        Self {
            context,
            page: None,
            error: None,
            live: Live::default(),
            query: BatchQuery {
                limit: FIRST_LIMIT,
                ..BatchQuery::default()
            },
            search: String::new(),
            searching: false,
            filter: StatusFilter::All,
            selected: 0,
            offset: 0,
            landing: None,
            pending: HashMap::new(),
            dialog: None,
            notice: None,
            geometry: Cell::new(ListGeometry::default()),
        }
    }

    /// How long after the last answer the shell should send the next
    /// [`ListMsg::Tick`]: the configured refresh, longer after errors (5,
    /// 10, 20, 60 s), `None` when asking again cannot help (no user ID).
    pub fn poll_every(&self) -> Option<Duration> {
        self.live.poll_every(self.context.refresh)
    }

    /// The key scope in force, for the footer and the help.
    pub fn scope(&self) -> Scope {
        match (&self.dialog, self.searching) {
            (Some(d), _) => d.scope(),
            (None, true) => Scope::Search,
            (None, false) => Scope::Batches,
        }
    }

    /// Whether keys go to typed text (the shell then keeps its letter
    /// bindings away).
    pub fn is_typing(&self) -> bool {
        self.searching || matches!(self.dialog, Some(Dialog::Delete(_)))
    }

    pub fn query(&self) -> &BatchQuery {
        &self.query
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

    pub fn update(&mut self, msg: ListMsg, now: DateTime<Utc>) -> Vec<ListCmd> {
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

    fn handle(&mut self, msg: ListMsg, now: DateTime<Utc>) -> Vec<ListCmd> {
        match msg {
            ListMsg::Key(key) => self.on_key(&key),
            ListMsg::Paste(text) => {
                if let Some(d) = &mut self.dialog {
                    d.on_paste(&text);
                } else if self.searching {
                    self.search
                        .push_str(text.lines().next().unwrap_or_default());
                    return vec![self.search_changed()];
                }
                Vec::new()
            }
            ListMsg::Click { column, row } => {
                let rows = self.geometry.get().rows;
                let inside = column >= rows.x
                    && column < rows.right()
                    && row >= rows.y
                    && row < rows.bottom();
                if inside && self.dialog.is_none() {
                    let index = self.offset + usize::from(row - rows.y);
                    if index < self.rows().len() {
                        self.selected = index;
                    }
                }
                Vec::new()
            }
            ListMsg::Tick => {
                if self.live.is_loading() {
                    // Never stacks: the answer in flight will do.
                    return Vec::new();
                }
                vec![self.fetch(Duration::ZERO)]
            }
            ListMsg::PageLoaded { generation, result } => {
                if !self.live.finish(generation, &result, now) {
                    return Vec::new();
                }
                self.page_loaded(result)
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
                        self.say(format!("{done} “{name}”."), false);
                    }
                    Err(e) => {
                        self.revert(&id);
                        let what = match action {
                            DialerAction::Start => "Not started",
                            DialerAction::Stop => "Not stopped",
                        };
                        let why = error_text(&e, &self.context.credential_source);
                        self.say(format!("{what}: “{name}”: {why}"), true);
                    }
                }
                Vec::new()
            }
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
                        self.say(format!("Deleted “{name}”."), false);
                        // The rows after it move up a page: fetch them. A
                        // fetch in flight may predate the delete, so this
                        // one supersedes it (latest wins).
                        vec![self.fetch(Duration::ZERO)]
                    }
                    Err(e) => {
                        self.revert(&id);
                        let why = error_text(&e, &self.context.credential_source);
                        self.say(format!("Not deleted: “{name}”: {why}"), true);
                        Vec::new()
                    }
                }
            }
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Vec<ListCmd> {
        if let Some(dialog) = &mut self.dialog {
            return match dialog.on_key(key) {
                DialogReply::Open => Vec::new(),
                DialogReply::Cancelled => {
                    self.dialog = None;
                    Vec::new()
                }
                DialogReply::Confirmed => match self.dialog.take() {
                    Some(d) => self.confirmed(d),
                    None => Vec::new(),
                },
            };
        }
        if self.searching {
            return self.on_search_key(key);
        }
        let Some(action) = keys::lookup(key, Scope::Batches) else {
            return Vec::new();
        };
        let count = self.rows().len();
        let visible = self.visible_rows();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < count => self.selected += 1,
            Action::PageDown => {
                let last = count.saturating_sub(1);
                let total_pages = self.page.as_ref().map_or(0, |p| p.pagination.total_pages);
                if self.selected >= last && u64::from(self.query.page) < total_pages {
                    self.query.page += 1;
                    self.landing = Some(Landing::First);
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = (self.selected + visible.max(1)).min(last);
            }
            Action::PageUp => {
                if self.selected == 0 && self.query.page > 1 {
                    self.query.page -= 1;
                    self.landing = Some(Landing::Last);
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = self.selected.saturating_sub(visible.max(1));
            }
            Action::Home => self.selected = 0,
            Action::End => self.selected = count.saturating_sub(1),
            Action::Refresh => {
                self.notice = None;
                return vec![self.fetch(Duration::ZERO)];
            }
            Action::Search => self.searching = true,
            Action::ShowActive => self.set_filter(StatusFilter::Active),
            Action::ShowPaused => self.set_filter(StatusFilter::Paused),
            Action::ShowCompleted => self.set_filter(StatusFilter::Completed),
            Action::ShowAll => self.set_filter(StatusFilter::All),
            Action::NewBatch => return vec![ListCmd::NewBatch],
            Action::Open | Action::Start | Action::Stop | Action::Delete | Action::Copy => {
                return self.on_row(action);
            }
            _ => {}
        }
        Vec::new()
    }

    /// An action on the highlighted batch.
    fn on_row(&mut self, action: Action) -> Vec<ListCmd> {
        let Some(batch) = self.selected().cloned() else {
            return Vec::new();
        };
        if self.pending.contains_key(&batch.id) {
            self.say(
                format!("“{}” is waiting for an answer.", batch.batch_name),
                false,
            );
            return Vec::new();
        }
        match action {
            Action::Open => {
                return vec![ListCmd::OpenDetails {
                    summary: Box::new(batch),
                }];
            }
            Action::Copy => {
                self.say(format!("Copied the ID of “{}”.", batch.batch_name), false);
                return vec![ListCmd::Copy(batch.id)];
            }
            Action::Start | Action::Stop => {
                let action = if action == Action::Start {
                    DialerAction::Start
                } else {
                    DialerAction::Stop
                };
                self.dialog = Some(Dialog::Confirm {
                    action,
                    id: batch.id,
                    name: batch.batch_name,
                });
            }
            Action::Delete => self.dialog = Some(Dialog::delete(batch.id, batch.batch_name)),
            _ => {}
        }
        Vec::new()
    }

    /// A dialog said yes: show the result in the row at once, and send.
    fn confirmed(&mut self, dialog: Dialog) -> Vec<ListCmd> {
        match dialog {
            Dialog::Confirm { action, id, .. } => {
                let shown = action.optimistic_status();
                self.optimistic(&id, shown);
                vec![match action {
                    DialerAction::Start => ListCmd::Start { id },
                    DialerAction::Stop => ListCmd::Stop { id },
                }]
            }
            Dialog::Delete(d) => {
                self.optimistic(&d.id, "deleting");
                vec![ListCmd::Delete {
                    id: d.id,
                    name: d.name,
                }]
            }
        }
    }

    fn on_search_key(&mut self, key: &KeyEvent) -> Vec<ListCmd> {
        match keys::lookup(key, Scope::Search) {
            Some(Action::Accept) => {
                self.searching = false;
                return Vec::new();
            }
            Some(Action::Cancel) => {
                self.searching = false;
                if self.search.is_empty() && self.query.search.is_none() {
                    return Vec::new();
                }
                self.search.clear();
                self.query.page = 1;
                return vec![self.fetch(Duration::ZERO)];
            }
            _ => {}
        }
        let typing = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if typing => self.search.push(c),
            KeyCode::Backspace => {
                if self.search.pop().is_none() {
                    return Vec::new();
                }
            }
            _ => return Vec::new(),
        }
        vec![self.search_changed()]
    }

    fn search_changed(&mut self) -> ListCmd {
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
    fn fetch(&mut self, after: Duration) -> ListCmd {
        let fit = self.fitting_limit();
        if fit != self.query.limit {
            // Keep the first row shown on the page asked for.
            let first = u64::from(self.query.page.saturating_sub(1)) * u64::from(self.query.limit);
            self.query.page = u32::try_from(first / u64::from(fit) + 1).unwrap_or(1);
            self.query.limit = fit;
        }
        let search = self.search.trim();
        self.query.search = (!search.is_empty()).then(|| search.to_owned());
        ListCmd::FetchPage {
            generation: self.live.begin(),
            query: self.query.clone(),
            after,
        }
    }

    /// As many rows as the last frame had room for.
    fn fitting_limit(&self) -> u32 {
        match self.geometry.get().rows.height {
            0 => self.query.limit.max(1),
            h => u32::from(h).max(3),
        }
    }

    fn visible_rows(&self) -> usize {
        usize::from(self.geometry.get().rows.height)
    }

    fn page_loaded(&mut self, result: Result<BatchPage, ApiError>) -> Vec<ListCmd> {
        let mut page = match result {
            Ok(page) => page,
            Err(e) => {
                self.error = Some(e);
                return Vec::new();
            }
        };
        self.error = None;
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
            Some(Landing::First) => {
                self.selected = 0;
                self.offset = 0;
            }
            Some(Landing::Last) => self.selected = self.rows().len().saturating_sub(1),
            None => self.reselect(id.as_deref()),
        }
        self.clamp();
        Vec::new()
    }

    /// Keeps the cursor on batch `id` if it is still shown, else where it
    /// was (within the rows).
    fn reselect(&mut self, id: Option<&str>) {
        if let Some(i) = id.and_then(|id| self.rows().iter().position(|b| b.id == id)) {
            self.selected = i;
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

    fn name_of(&self, id: &str) -> String {
        self.page
            .as_ref()
            .and_then(|p| p.batches.iter().find(|b| b.id == id))
            .map_or_else(|| id.to_owned(), |b| b.batch_name.clone())
    }

    fn say(&mut self, text: String, error: bool) {
        self.notice = Some(Notice { text, error });
    }

    /// Draws the list into `area` and records where its rows went.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, now: DateTime<Utc>) {
        let rows = self.rows();
        let [title, heads, table, detail, notice, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.geometry.set(ListGeometry { rows: table });

        frame.render_widget(Paragraph::new(self.title_line(theme)), title);

        let wide = area.width >= 100;
        let widths = [
            Constraint::Length(13),
            Constraint::Fill(1),
            Constraint::Length(if wide { 30 } else { 20 }),
            Constraint::Length(11),
            Constraint::Length(if wide { 11 } else { 0 }),
        ];
        let head =
            Row::new(["Status", "Name", "Progress", "Created", "Updated"]).style(theme.title());
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths)
                .header(head)
                .column_spacing(1),
            heads,
        );

        if rows.is_empty() {
            let (text, style) = self.empty_text(theme);
            frame.render_widget(Paragraph::new(Line::styled(text, style)), table);
        } else {
            let height = usize::from(table.height);
            // The offset is kept, not recomputed: moving up does not stick
            // the cursor to the bottom row.
            let offset = visible_offset(self.offset, self.selected, height, rows.len());
            let bar = if wide { 14 } else { 8 };
            let shown: Vec<Row> = rows
                .iter()
                .skip(offset)
                .take(height)
                .map(|b| self.row(b, bar, theme, now))
                .collect();
            let mut state = TableState::default().with_selected(Some(self.selected - offset));
            frame.render_stateful_widget(
                Table::new(shown, widths)
                    .column_spacing(1)
                    .row_highlight_style(theme.cursor()),
                table,
                &mut state,
            );
        }

        if let Some(b) = self.selected() {
            frame.render_widget(Paragraph::new(detail_lines(b, theme, now)), detail);
        }
        if let Some(line) = self.notice_line(theme, now) {
            frame.render_widget(Paragraph::new(line), notice);
        }
        frame.render_widget(
            Paragraph::new(self.status_line(theme, now, area.width)),
            status,
        );
        if let Some(d) = &self.dialog {
            d.draw(frame, area, theme);
        }
    }

    fn title_line(&self, theme: &Theme) -> Line<'static> {
        let mut spans = vec![Span::styled("Batches", theme.title())];
        if self.searching || !self.search.is_empty() {
            spans.push(Span::styled("  search ", theme.dim()));
            let cursor = if self.searching { "▏" } else { "" };
            spans.push(Span::styled(
                format!("{}{cursor}", visible(&self.search)),
                theme.value(),
            ));
        }
        let examples = self.context.sandbox
            && self.page.as_ref().is_some_and(|p| {
                !p.batches.is_empty()
                    && p.batches
                        .iter()
                        .all(|b| b.batch_name.starts_with(EXAMPLE_PREFIX))
            });
        if examples {
            spans.push(Span::styled(
                "  These are the sandbox's examples: start one to watch it dial.",
                theme.dim(),
            ));
        }
        Line::from(spans)
    }

    fn empty_text(&self, theme: &Theme) -> (String, Style) {
        match (&self.page, &self.error) {
            (None, Some(e)) if matches!(e, ApiError::MissingSetting { .. }) => (
                format!("✗ The batch list needs a user ID: {e}."),
                theme.error(),
            ),
            (None, Some(_)) => ("The batches could not be read.".to_owned(), theme.dim()),
            (None, None) => ("Reading the batches…".to_owned(), theme.dim()),
            (Some(_), _) if !self.search.trim().is_empty() => (
                format!("No batch matches “{}”.", visible(self.search.trim())),
                theme.dim(),
            ),
            (Some(p), _) if !p.batches.is_empty() => (
                format!(
                    "No {} batch on this page (* shows all).",
                    self.filter.word()
                ),
                theme.dim(),
            ),
            (Some(_), _) => (
                "No batches yet. Ctrl-N creates one.".to_owned(),
                Style::new(),
            ),
        }
    }

    fn row<'a>(
        &self,
        b: &'a BatchSummary,
        bar: usize,
        theme: &Theme,
        now: DateTime<Utc>,
    ) -> Row<'a> {
        let mut status = status_badge(&b.queue_status, theme);
        if self.pending.contains_key(&b.id) {
            status.content = format!("{}…", status.content).into();
        }
        let progress = format!(
            "{} {}/{}",
            progress_bar(b.calls_completed, b.calls_picked, b.total_calls, bar),
            b.calls_completed,
            b.total_calls
        );
        Row::new(vec![
            Line::from(status),
            Line::raw(visible(&b.batch_name)),
            Line::raw(progress),
            Line::raw(relative_text(&b.created_at, now)),
            Line::raw(relative_text(&b.updated_at, now)),
        ])
    }

    fn notice_line(&self, theme: &Theme, now: DateTime<Utc>) -> Option<Line<'static>> {
        if let Some(n) = &self.notice {
            let (mark, style) = if n.error {
                ("✗ ", theme.error())
            } else {
                ("✓ ", theme.ok())
            };
            return Some(Line::styled(format!("{mark}{}", visible(&n.text)), style));
        }
        let e = self.error.as_ref()?;
        if self.page.is_none() && matches!(e, ApiError::MissingSetting { .. }) {
            return None;
        }
        let mut text = format!(
            "✗ {}",
            visible(&error_text(e, &self.context.credential_source))
        );
        match self.live.due_in(self.context.refresh, now) {
            Some(secs) => text.push_str(&format!(
                " · next try in {secs} s ({} failed)",
                self.live.failures()
            )),
            None => text.push_str(" · not retrying"),
        }
        Some(Line::styled(text, theme.error()))
    }

    fn status_line(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Line<'static> {
        let mut left = match &self.page {
            Some(p) => {
                let pages = p.pagination.total_pages.max(1);
                let total = p.pagination.total.max(p.batches.len() as u64);
                let noun = if total == 1 { "batch" } else { "batches" };
                format!("page {}/{pages} · {total} {noun}", self.query.page)
            }
            None => String::new(),
        };
        if self.filter != StatusFilter::All {
            left.push_str(&format!(" · {} only (this page)", self.filter.word()));
        }
        let right = if self.live.is_loading() {
            "refreshing…".to_owned()
        } else {
            match self.live.last_success {
                Some(t) => format!("updated {}", relative(t, now)),
                None => String::new(),
            }
        };
        let room = usize::from(width).saturating_sub(right.chars().count() + 1);
        let left = fit(&left, room);
        let pad = usize::from(width).saturating_sub(left.chars().count() + right.chars().count());
        Line::from(vec![
            Span::raw(left),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme.dim()),
        ])
    }
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

/// The selected batch in full: its ID, the counts the bar draws, and its
/// times absolute and relative.
fn detail_lines(b: &BatchSummary, theme: &Theme, now: DateTime<Utc>) -> Vec<Line<'static>> {
    let when = |text: &str| match parse_time(text) {
        Some(t) => format!("{} ({})", absolute(t), relative(t, now)),
        None => relative_text(text, now),
    };
    vec![
        Line::from(vec![
            Span::styled(format!("{} ", visible(&b.id)), theme.dim()),
            Span::raw(format!(
                "· {} completed · {} picked · {} calls",
                b.calls_completed, b.calls_picked, b.total_calls
            )),
        ]),
        Line::styled(
            format!(
                "created {} · updated {}",
                when(&b.created_at),
                relative_text(&b.updated_at, now)
            ),
            theme.dim(),
        ),
    ]
}

#[cfg(test)]
mod tests;
