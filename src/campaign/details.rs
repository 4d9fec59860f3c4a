//! One batch: its header and its calls, a page of
//! `GET /api/call/batch-details/{id}` at a time, filtered by call status,
//! ordered by `createdAt`, searched; and one call in full (its attempts,
//! transcript and recording).
//!
//! As with the list, the shell runs the [`DetailsCmd`]s, sends back the
//! replies, and sends [`DetailsMsg::Tick`] every
//! [`BatchDetailsView::poll_every`] while the view is on screen.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState};

use super::keys::{self, Action, Scope};
use super::list::visible_offset;
use super::{
    Live, SEARCH_DEBOUNCE, ViewContext, absolute, call_badge, error_text, fit, group_phone,
    parse_time, progress_bar, relative, relative_text, status_badge,
};
use crate::api::{ApiError, BatchDetails, BatchSummary, Call, CallQuery, SortOrder};
use crate::text::visible;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap_words;

/// The width of one contact-field column.
const FIELD_WIDTH: u16 = 16;
/// Calls asked for before the view has been drawn once.
const FIRST_LIMIT: u32 = 20;

/// Everything that can happen to the view.
#[derive(Debug, Clone)]
pub enum DetailsMsg {
    Key(KeyEvent),
    Paste(String),
    Click {
        column: u16,
        row: u16,
    },
    /// Time to refresh the page on screen.
    Tick,
    CallsLoaded {
        generation: u64,
        result: Result<BatchDetails, ApiError>,
    },
    /// A fresher summary of this batch (the list refreshed it): the
    /// header's totals. batch-details gives no totals of its own.
    Summary(Box<BatchSummary>),
}

/// Work for the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsCmd {
    /// batch-details for `batch_id` after `after`: the keyed job
    /// "batch.calls", latest wins (a newer fetch aborts this one, its wait
    /// included). Reply [`DetailsMsg::CallsLoaded`] with this generation.
    FetchCalls {
        generation: u64,
        batch_id: String,
        query: CallQuery,
        after: Duration,
    },
    /// Put the text on the clipboard (OSC 52).
    Copy(String),
    /// Pop this view.
    Close,
}

/// What is on show.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
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

/// Where a page flip puts the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landing {
    First,
    Last,
}

/// What `draw` saw, for `update`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailsGeometry {
    /// The calls' data rows.
    pub rows: Rect,
    /// How many contact-field columns fit beside the fixed ones.
    pub fields_fit: usize,
    /// How far the call detail can scroll.
    pub call_max_scroll: u16,
    /// The call detail's height, for PgUp/PgDn.
    pub call_height: u16,
}

#[derive(Debug)]
pub struct BatchDetailsView {
    context: ViewContext,
    id: String,
    name: String,
    summary: Option<BatchSummary>,
    details: Option<BatchDetails>,
    error: Option<ApiError>,
    live: Live,
    query: CallQuery,
    search: String,
    searching: bool,
    selected: usize,
    offset: usize,
    /// The first contact field shown (←/→).
    column: usize,
    /// Every contact field seen, in the order first seen.
    columns: Vec<String>,
    /// Every call status seen, for the filter's choices.
    statuses: BTreeSet<String>,
    mode: Mode,
    landing: Option<Landing>,
    notice: Option<String>,
    geometry: Cell<DetailsGeometry>,
}

impl BatchDetailsView {
    /// The view of batch `id`, named `name`; `summary` (from the list)
    /// fills the header until batch-details answers. The first
    /// [`DetailsMsg::Tick`] fetches.
    pub fn new(context: ViewContext, summary: BatchSummary) -> Self {
        Self {
            context,
            id: summary.id.clone(),
            name: summary.batch_name.clone(),
            summary: Some(summary),
            details: None,
            error: None,
            live: Live::default(),
            query: CallQuery {
                limit: FIRST_LIMIT,
                ..CallQuery::default()
            },
            search: String::new(),
            searching: false,
            selected: 0,
            offset: 0,
            column: 0,
            columns: Vec::new(),
            statuses: BTreeSet::new(),
            mode: Mode::Table,
            landing: None,
            notice: None,
            geometry: Cell::new(DetailsGeometry::default()),
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

    /// As [`super::list::BatchList::poll_every`].
    pub fn poll_every(&self) -> Option<Duration> {
        self.live.poll_every(self.context.refresh)
    }

    pub fn scope(&self) -> Scope {
        match (&self.mode, self.searching) {
            (_, true) => Scope::Search,
            (Mode::Table, false) => Scope::Calls,
            (Mode::Choosing { .. }, false) => Scope::StatusChoice,
            (Mode::Call { .. }, false) => Scope::Call,
        }
    }

    pub fn is_typing(&self) -> bool {
        self.searching
    }

    pub fn calls(&self) -> &[Call] {
        self.details.as_ref().map_or(&[], |d| d.calls.as_slice())
    }

    pub fn selected(&self) -> Option<&Call> {
        self.calls().get(self.selected)
    }

    /// The call open in the call detail.
    pub fn open_call(&self) -> Option<&Call> {
        match &self.mode {
            Mode::Call { id, .. } => self.calls().iter().find(|c| &c.id == id),
            _ => None,
        }
    }

    /// The filter's choices: every status (no filter), then "completed"
    /// (the one Weya documents) and every other status seen.
    pub fn status_choices(&self) -> Vec<Option<String>> {
        let mut out = vec![None, Some("completed".to_owned())];
        out.extend(
            self.statuses
                .iter()
                .filter(|s| s.as_str() != "completed")
                .map(|s| Some(s.clone())),
        );
        out
    }

    pub fn update(&mut self, msg: DetailsMsg, now: DateTime<Utc>) -> Vec<DetailsCmd> {
        let cmds = self.handle(msg, now);
        self.offset = visible_offset(
            self.offset,
            self.selected,
            usize::from(self.geometry.get().rows.height),
            self.calls().len(),
        );
        cmds
    }

    fn handle(&mut self, msg: DetailsMsg, now: DateTime<Utc>) -> Vec<DetailsCmd> {
        match msg {
            DetailsMsg::Key(key) => self.on_key(&key),
            DetailsMsg::Paste(text) if self.searching => {
                self.search
                    .push_str(text.lines().next().unwrap_or_default());
                vec![self.search_changed()]
            }
            DetailsMsg::Paste(_) => Vec::new(),
            DetailsMsg::Click { column, row } => {
                let rows = self.geometry.get().rows;
                let inside = column >= rows.x
                    && column < rows.right()
                    && row >= rows.y
                    && row < rows.bottom();
                if inside && self.mode == Mode::Table {
                    let index = self.offset + usize::from(row - rows.y);
                    if index < self.calls().len() {
                        self.selected = index;
                    }
                }
                Vec::new()
            }
            DetailsMsg::Tick => {
                if self.live.is_loading() {
                    return Vec::new();
                }
                vec![self.fetch(Duration::ZERO)]
            }
            DetailsMsg::CallsLoaded { generation, result } => {
                if !self.live.finish(generation, &result, now) {
                    return Vec::new();
                }
                self.loaded(result);
                Vec::new()
            }
            DetailsMsg::Summary(summary) => {
                if summary.id == self.id {
                    self.summary = Some(*summary);
                }
                Vec::new()
            }
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Vec<DetailsCmd> {
        if self.searching {
            return self.on_search_key(key);
        }
        match self.mode.clone() {
            Mode::Table => self.on_table_key(key),
            Mode::Choosing { cursor } => {
                let choices = self.status_choices();
                match keys::lookup(key, Scope::StatusChoice) {
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
                            self.query.filter = chosen;
                            return self.restart();
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
                let scroll = match keys::lookup(key, Scope::Call) {
                    Some(Action::Up) => scroll.saturating_sub(1),
                    Some(Action::Down) => scroll.saturating_add(1),
                    Some(Action::PageUp) => scroll.saturating_sub(page),
                    Some(Action::PageDown) => scroll.saturating_add(page),
                    Some(Action::Back) => {
                        self.mode = Mode::Table;
                        return Vec::new();
                    }
                    Some(Action::Copy) => {
                        let url = self.open_call().and_then(|c| {
                            c.phone_logs
                                .iter()
                                .rev()
                                .find_map(|l| l.recording_url.clone())
                        });
                        return match url {
                            Some(url) => {
                                self.notice = Some("Copied the recording's URL.".to_owned());
                                vec![DetailsCmd::Copy(url)]
                            }
                            None => {
                                self.notice = Some("This call has no recording.".to_owned());
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

    fn on_table_key(&mut self, key: &KeyEvent) -> Vec<DetailsCmd> {
        let Some(action) = keys::lookup(key, Scope::Calls) else {
            return Vec::new();
        };
        let count = self.calls().len();
        let visible = usize::from(self.geometry.get().rows.height).max(1);
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
                    self.query.page += 1;
                    self.landing = Some(Landing::First);
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = (self.selected + visible).min(last);
            }
            Action::PageUp => {
                if self.selected == 0 && self.query.page > 1 {
                    self.query.page -= 1;
                    self.landing = Some(Landing::Last);
                    return vec![self.fetch(Duration::ZERO)];
                }
                self.selected = self.selected.saturating_sub(visible);
            }
            Action::Open => {
                if let Some(call) = self.selected() {
                    self.mode = Mode::Call {
                        id: call.id.clone(),
                        scroll: 0,
                    };
                    self.notice = None;
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
            Action::Search => self.searching = true,
            Action::Refresh => return vec![self.fetch(Duration::ZERO)],
            Action::Copy => {
                self.notice = Some("Copied the batch ID.".to_owned());
                return vec![DetailsCmd::Copy(self.id.clone())];
            }
            Action::Back => return vec![DetailsCmd::Close],
            _ => {}
        }
        Vec::new()
    }

    fn on_search_key(&mut self, key: &KeyEvent) -> Vec<DetailsCmd> {
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
                return self.restart();
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

    fn search_changed(&mut self) -> DetailsCmd {
        self.query.page = 1;
        self.landing = Some(Landing::First);
        self.fetch(SEARCH_DEBOUNCE)
    }

    /// The query changed: from the first page, at once.
    fn restart(&mut self) -> Vec<DetailsCmd> {
        self.query.page = 1;
        self.landing = Some(Landing::First);
        vec![self.fetch(Duration::ZERO)]
    }

    fn fetch(&mut self, after: Duration) -> DetailsCmd {
        let rows = self.geometry.get().rows.height;
        if rows > 0 && u32::from(rows) != self.query.limit {
            let first = u64::from(self.query.page.saturating_sub(1)) * u64::from(self.query.limit);
            let limit = u32::from(rows).max(3);
            self.query.page = u32::try_from(first / u64::from(limit) + 1).unwrap_or(1);
            self.query.limit = limit;
        }
        let search = self.search.trim();
        self.query.search = (!search.is_empty()).then(|| search.to_owned());
        DetailsCmd::FetchCalls {
            generation: self.live.begin(),
            batch_id: self.id.clone(),
            query: self.query.clone(),
            after,
        }
    }

    fn loaded(&mut self, result: Result<BatchDetails, ApiError>) {
        let details = match result {
            Ok(d) => d,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.error = None;
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
        let count = self.calls().len();
        match self.landing.take() {
            Some(Landing::First) => {
                self.selected = 0;
                self.offset = 0;
            }
            Some(Landing::Last) => self.selected = count.saturating_sub(1),
            None => {
                if let Some(i) = id.and_then(|id| self.calls().iter().position(|c| c.id == id)) {
                    self.selected = i;
                }
            }
        }
        self.selected = self.selected.min(count.saturating_sub(1));
    }

    /// Draws the view into `area` and records its geometry.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, now: DateTime<Utc>) {
        let [header, heads, table, notice, status] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(self.header_lines(theme, now, area.width)),
            header,
        );
        self.draw_table(frame, heads, table, theme, now);
        if let Some(line) = self.notice_line(theme, now) {
            frame.render_widget(Paragraph::new(line), notice);
        }
        frame.render_widget(
            Paragraph::new(self.status_line(theme, now, area.width)),
            status,
        );
        match &self.mode {
            Mode::Choosing { cursor } => self.draw_choice(*cursor, frame, area, theme),
            Mode::Call { scroll, .. } => self.draw_call(*scroll, frame, area, theme, now),
            Mode::Table => {}
        }
    }

    fn header_lines(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Vec<Line<'static>> {
        let status = self
            .details
            .as_ref()
            .map(|d| d.batch_status.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| self.summary.as_ref().map(|s| s.queue_status.clone()))
            .unwrap_or_default();
        let mut first = vec![
            Span::styled(visible(&self.name).into_owned(), theme.title()),
            Span::raw("  "),
        ];
        if !status.is_empty() {
            first.push(status_badge(&status, theme));
            first.push(Span::raw("  "));
        }
        first.push(Span::styled(visible(&self.id).into_owned(), theme.dim()));
        let mut lines = vec![Line::from(first)];
        match &self.summary {
            Some(s) => {
                let bar = if width >= 100 { 30 } else { 16 };
                lines.push(Line::raw(format!(
                    "{} {} completed · {} picked · {} calls",
                    progress_bar(s.calls_completed, s.calls_picked, s.total_calls, bar),
                    s.calls_completed,
                    s.calls_picked,
                    s.total_calls
                )));
                let when = |text: &str| match parse_time(text) {
                    Some(t) => format!("{} ({})", absolute(t), relative(t, now)),
                    None => relative_text(text, now),
                };
                lines.push(Line::styled(
                    format!(
                        "created {} · updated {}",
                        when(&s.created_at),
                        relative_text(&s.updated_at, now)
                    ),
                    theme.dim(),
                ));
            }
            None => lines.push(Line::raw("")),
        }
        lines
    }

    fn draw_table(
        &self,
        frame: &mut Frame,
        heads: Rect,
        table: Rect,
        theme: &Theme,
        now: DateTime<Utc>,
    ) {
        // Fixed columns: phone, status, duration, attempts, time.
        const FIXED: [u16; 5] = [16, 14, 8, 8, 10];
        let fixed: u16 = FIXED.iter().sum::<u16>() + FIXED.len() as u16;
        let room = heads.width.saturating_sub(fixed);
        let fields_fit = usize::from(room / (FIELD_WIDTH + 1));
        let max_scroll = self.geometry.get().call_max_scroll;
        let call_height = self.geometry.get().call_height;
        self.geometry.set(DetailsGeometry {
            rows: table,
            fields_fit,
            call_max_scroll: max_scroll,
            call_height,
        });
        let first = self
            .column
            .min(self.columns.len().saturating_sub(fields_fit.max(1)));
        let fields: Vec<&String> = self.columns.iter().skip(first).take(fields_fit).collect();

        let mut widths = vec![Constraint::Length(FIXED[0])];
        widths.extend(fields.iter().map(|_| Constraint::Length(FIELD_WIDTH)));
        widths.extend(FIXED[1..].iter().map(|w| Constraint::Length(*w)));
        let before = first;
        let after = self.columns.len().saturating_sub(first + fields.len());
        let mut head = vec![Line::raw("Phone")];
        for (i, f) in fields.iter().enumerate() {
            let mut name = visible(f).into_owned();
            if i == 0 && before > 0 {
                name = format!("←{name}");
            }
            if i + 1 == fields.len() && after > 0 {
                name = format!("{} →", fit(&name, usize::from(FIELD_WIDTH) - 2));
            }
            head.push(Line::raw(fit(&name, usize::from(FIELD_WIDTH))));
        }
        head.extend(["Status", "Duration", "Attempts", "Time"].map(Line::raw));
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths.clone())
                .header(Row::new(head).style(theme.title()))
                .column_spacing(1),
            heads,
        );

        let calls = self.calls();
        if calls.is_empty() {
            let text = match (&self.details, &self.error) {
                (None, None) => "Reading the calls…".to_owned(),
                (None, Some(_)) => "The calls could not be read.".to_owned(),
                (Some(_), _) if self.query.filter.is_some() || self.query.search.is_some() => {
                    "No call matches (f changes the status, / the search).".to_owned()
                }
                (Some(_), _) => "No calls in this batch yet.".to_owned(),
            };
            frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), table);
            return;
        }
        let height = usize::from(table.height);
        let offset = visible_offset(self.offset, self.selected, height, calls.len());
        let rows: Vec<Row> = calls
            .iter()
            .skip(offset)
            .take(height)
            .map(|c| {
                let mut cells = vec![Line::raw(group_phone(&c.phone_number))];
                for f in &fields {
                    let text = c.field_text(f).unwrap_or_default();
                    cells.push(Line::raw(fit(&visible(&text), usize::from(FIELD_WIDTH))));
                }
                let log = c.latest_log();
                cells.push(Line::from(call_badge(c.status(), theme)));
                cells.push(Line::raw(
                    log.and_then(|l| l.call_duration)
                        .map(duration)
                        .unwrap_or_default(),
                ));
                cells.push(Line::raw(c.phone_logs.len().to_string()));
                let time = log.map_or(c.created_at.as_str(), |l| l.created_at.as_str());
                cells.push(Line::raw(relative_text(time, now)));
                Row::new(cells)
            })
            .collect();
        let mut state = TableState::default().with_selected(Some(self.selected - offset));
        frame.render_stateful_widget(
            Table::new(rows, widths)
                .column_spacing(1)
                .row_highlight_style(theme.cursor()),
            table,
            &mut state,
        );
    }

    fn notice_line(&self, theme: &Theme, now: DateTime<Utc>) -> Option<Line<'static>> {
        if let Some(e) = &self.error {
            let mut text = format!(
                "✗ {}",
                visible(&error_text(e, &self.context.credential_source))
            );
            match self.live.due_in(self.context.refresh, now) {
                Some(secs) => text.push_str(&format!(" · next try in {secs} s")),
                None => text.push_str(" · not retrying"),
            }
            return Some(Line::styled(text, theme.error()));
        }
        self.notice
            .as_ref()
            .map(|n| Line::styled(format!("✓ {n}"), theme.ok()))
    }

    fn status_line(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Line<'static> {
        let mut left = match &self.details {
            Some(d) => {
                let noun = if d.total == 1 { "call" } else { "calls" };
                format!(
                    "page {}/{} · {} {noun}",
                    self.query.page,
                    d.total_pages.max(1),
                    d.total
                )
            }
            None => String::new(),
        };
        if let Some(f) = &self.query.filter {
            left.push_str(&format!(" · status {}", visible(f)));
        }
        left.push_str(match self.query.sort_order {
            SortOrder::Desc => " · newest first",
            SortOrder::Asc => " · oldest first",
        });
        if self.searching || !self.search.is_empty() {
            let cursor = if self.searching { "▏" } else { "" };
            left.push_str(&format!(" · search “{}{cursor}”", visible(&self.search)));
        }
        let right = if self.live.is_loading() {
            "refreshing…".to_owned()
        } else {
            self.live
                .last_success
                .map(|t| format!("updated {}", relative(t, now)))
                .unwrap_or_default()
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

    fn draw_choice(&self, cursor: usize, frame: &mut Frame, area: Rect, theme: &Theme) {
        let choices = self.status_choices();
        let mut lines: Vec<Line> = choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let text = match c {
                    None => " every status ".to_owned(),
                    Some(s) => format!(" {} ", visible(s)),
                };
                let mark = if *c == self.query.filter { "●" } else { " " };
                let style = if i == cursor {
                    theme.cursor()
                } else {
                    Style::new()
                };
                Line::styled(format!("{mark}{text}"), style)
            })
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Weya documents only “completed”.",
            theme.dim(),
        ));
        let width = 40.min(area.width);
        let height = u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height);
        let rect = Rect::new(
            area.x + area.width.saturating_sub(width) / 2,
            area.y + area.height.saturating_sub(height) / 2,
            width,
            height,
        );
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Show calls of status "),
            ),
            rect,
        );
    }

    /// The call detail: the contact, each attempt, the latest transcript
    /// (wrapped, scrollable) and the recording's URL.
    fn draw_call(
        &self,
        scroll: u16,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        now: DateTime<Utc>,
    ) {
        frame.render_widget(Clear, area);
        let block = Block::default().borders(Borders::ALL).title(" Call ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(call) = self.open_call() else {
            frame.render_widget(
                Paragraph::new("This call is not on the page any more (Esc goes back)."),
                inner,
            );
            return;
        };
        let [body, footer] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
        let lines = call_lines(call, theme, now, body.width);
        let max = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_sub(body.height);
        let mut g = self.geometry.get();
        g.call_max_scroll = max;
        g.call_height = body.height;
        self.geometry.set(g);
        frame.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), body);
        let position = if max == 0 {
            String::new()
        } else {
            format!("  line {}/{}", scroll.min(max) + 1, max + 1)
        };
        let note = self.notice.clone().unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(note, theme.ok()),
                Span::styled(position, theme.dim()),
            ])),
            footer,
        );
    }
}

/// The lines of the call detail, wrapped to `width`.
fn call_lines(call: &Call, theme: &Theme, now: DateTime<Utc>, width: u16) -> Vec<Line<'static>> {
    let label = |name: &str| Span::styled(format!("{name:<12}"), theme.title());
    let mut lines = vec![Line::from(vec![
        label("Phone"),
        Span::raw(group_phone(&call.phone_number)),
        Span::styled(format!("   {}", visible(&call.id)), theme.dim()),
    ])];
    for (key, _) in &call.fields {
        let value = call.field_text(key).unwrap_or_default();
        lines.push(Line::from(vec![
            label(&fit(&visible(key), 11)),
            Span::raw(visible(&value).into_owned()),
        ]));
    }
    lines.push(Line::raw(""));
    if call.phone_logs.is_empty() {
        lines.push(Line::styled("Not called yet.", theme.dim()));
        return lines;
    }
    lines.push(Line::styled(
        format!("Attempts ({})", call.phone_logs.len()),
        theme.title(),
    ));
    for (i, log) in call.phone_logs.iter().enumerate() {
        let when = match parse_time(&log.created_at) {
            Some(t) => format!("{} ({})", absolute(t), relative(t, now)),
            None => relative_text(&log.created_at, now),
        };
        let status = if log.call_status.is_empty() {
            None
        } else {
            Some(log.call_status.as_str())
        };
        lines.push(Line::from(vec![
            Span::raw(format!(" {}. ", i + 1)),
            call_badge(status, theme),
            Span::raw(format!(
                "  {}  {when}",
                log.call_duration
                    .map(duration)
                    .unwrap_or_else(|| "—".into())
            )),
        ]));
    }
    let latest = call.phone_logs.iter().rev();
    let url = latest.clone().find_map(|l| l.recording_url.as_deref());
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        label("Recording"),
        match url {
            Some(u) => Span::styled(visible(u).into_owned(), theme.value()),
            None => Span::styled("none", theme.dim()),
        },
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Transcript", theme.title()));
    match latest.clone().find_map(|l| l.transcript_text()) {
        Some(text) => {
            for turn in text.lines() {
                lines.extend(wrap_words(turn, width).into_iter().map(Line::raw));
            }
        }
        None => lines.push(Line::styled("none", theme.dim())),
    }
    lines
}

/// Seconds as `m:ss` (or `h:mm:ss`).
fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "—".to_owned();
    }
    // Whole seconds are what a reader wants; the cast saturates.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests;
