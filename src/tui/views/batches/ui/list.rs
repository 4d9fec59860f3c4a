//! Drawing the batch list: the rows that fit, the highlighted batch in
//! full, what just happened, and the page and freshness line.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr as _;

use super::{
    count, count_or_unknown, notice_lines, search_text, status_badge, thousands,
    thousands_or_unknown,
};
use crate::api::{ApiError, BatchSummary};
use crate::text::{fit, visible};
use crate::tui::views::batches::list::{
    BatchList, LIST_CHROME, ListGeometry, StatusFilter, visible_offset,
};
use crate::tui::views::batches::live::page_rows;
use crate::tui::views::batches::{
    absolute, error_text, outlook_of, parse_time, progress_bar, relative, relative_text,
};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{DrawView, fit_line};

/// Below this width (the list's area) the names take the room of the
/// progress bar and the times: at 60 columns every sandbox example read
/// "Example: …".
const NARROW: u16 = 70;

/// Draws the list into `area` and records where its rows went.
impl DrawView for BatchList {
    fn draw(&self, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
        self.render(frame, area, theme, now);
    }
}

impl BatchList {
    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, now: DateTime<Utc>) {
        let rows = self.rows();
        let notices = self.notice_lines(theme, now, area.width);
        let details = self
            .selected()
            .map(|b| self.detail_lines(b, theme, now))
            .unwrap_or_default();
        let notice_rows = crate::num::u16_sat(notices.len().max(1));
        let [title, heads, table, detail, notice, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(crate::num::u16_sat(details.len().max(DETAIL_LINES))),
            Constraint::Length(notice_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        // The offset is kept, not recomputed: moving up does not stick the
        // cursor to the bottom row. Clicks map to the rows as drawn from it.
        let first = visible_offset(
            self.offset,
            self.selected,
            usize::from(table.height),
            rows.len(),
        );
        self.geometry.set(ListGeometry {
            rows: table,
            // The rows of the table with two detail lines and a one-line
            // notice: what the shell counted for the first fetch, before
            // anything was drawn. Lines past those take rows for a while;
            // they do not change the page size (and so the page asked for)
            // as the cursor moves.
            page_rows: page_rows(area.height, LIST_CHROME),
            first,
        });

        frame.render_widget(Paragraph::new(self.title_line(theme, area.width)), title);

        let wide = area.width >= 100;
        // Narrow (a 60-column screen): the names come first. The progress
        // keeps its counts without a bar and the times go (the highlighted
        // batch's lines under the table say them in full).
        let narrow = area.width < NARROW;
        let widths: Vec<Constraint> = if narrow {
            vec![
                Constraint::Length(11),
                Constraint::Fill(1),
                Constraint::Length(11),
            ]
        } else {
            vec![
                Constraint::Length(13),
                Constraint::Fill(1),
                Constraint::Length(if wide { 30 } else { 20 }),
                Constraint::Length(11),
                Constraint::Length(if wide { 11 } else { 0 }),
            ]
        };
        let head =
            Row::new(["Status", "Name", "Progress", "Created", "Updated"]).style(theme.title());
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths.clone())
                .header(head)
                .column_spacing(1),
            heads,
        );

        if rows.is_empty() {
            let (text, style) = self.empty_text(theme);
            let line = fit_line(Line::styled(text, style), table.width);
            frame.render_widget(Paragraph::new(line), table);
        } else {
            let bar = if wide {
                14
            } else if narrow {
                0
            } else {
                8
            };
            // The columns as the table lays them out, so that a long name
            // is cut with an ellipsis rather than by the table.
            let columns: Vec<usize> = Layout::horizontal(widths.clone())
                .spacing(1)
                .split(table)
                .iter()
                .map(|c| usize::from(c.width))
                .collect();
            let shown: Vec<Row> = rows
                .iter()
                .skip(first)
                .take(usize::from(table.height))
                .map(|b| self.row(b, bar, &columns, theme, now))
                .collect();
            let mut state = TableState::default().with_selected(Some(self.selected - first));
            frame.render_stateful_widget(
                Table::new(shown, widths)
                    .column_spacing(1)
                    .row_highlight_style(theme.cursor()),
                table,
                &mut state,
            );
        }

        let details: Vec<Line> = details
            .into_iter()
            .map(|l| fit_line(l, detail.width))
            .collect();
        frame.render_widget(Paragraph::new(details), detail);
        frame.render_widget(Paragraph::new(notices), notice);
        frame.render_widget(
            Paragraph::new(self.status_line(theme, now, area.width)),
            status,
        );
        if let Some(d) = &self.dialog {
            d.draw(frame, area, theme);
        }
    }

    /// "Batches", the search, and a note on the sandbox's examples (only
    /// while no search is shown: the search matters more).
    fn title_line(&self, theme: &Theme, width: u16) -> Line<'static> {
        let mut spans = vec![Span::styled("Batches", theme.title())];
        let label = "  search ";
        let room = usize::from(width).saturating_sub("Batches".len() + label.len());
        if let Some(search) = search_text(&self.search, room) {
            spans.push(Span::styled(label, theme.dim()));
            spans.push(Span::styled(search, theme.value()));
        } else if self.context.sandbox
            && self.page.as_ref().is_some_and(|p| {
                !p.batches.is_empty()
                    && p.batches.iter().all(|b| {
                        let examples = &self.context.examples;
                        examples.iter().any(|(name, _)| *name == b.batch_name)
                    })
            })
        {
            spans.push(Span::styled(
                "  These are the sandbox's examples: start one to watch it dial.",
                theme.dim(),
            ));
        }
        fit_line(Line::from(spans), width)
    }

    fn empty_text(&self, theme: &Theme) -> (String, Style) {
        match (&self.page, self.live.error()) {
            (None, Some(e)) if matches!(e, ApiError::MissingSetting { .. }) => (
                format!("✗ The batch list needs a user ID: {e}."),
                theme.error(),
            ),
            (None, Some(_)) => ("The batches could not be read.".to_owned(), theme.dim()),
            (None, None) => ("Reading the batches…".to_owned(), theme.dim()),
            (Some(_), _) if !self.search.text().trim().is_empty() => (
                format!("No batch matches “{}”.", visible(self.search.text().trim())),
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

    fn row(
        &self,
        b: &BatchSummary,
        bar: usize,
        columns: &[usize],
        theme: &Theme,
        now: DateTime<Utc>,
    ) -> Row<'static> {
        let mut status = status_badge(&b.queue_status, theme);
        if self.pending.contains_key(&b.id) {
            status.content = format!("{}…", status.content).into();
        }
        let counts = format!(
            "{}/{}",
            thousands_or_unknown(b.calls_completed),
            thousands_or_unknown(b.total_calls)
        );
        let progress = if bar == 0 {
            counts
        } else {
            let bar = progress_bar(
                b.calls_completed.unwrap_or(0),
                b.calls_picked.unwrap_or(0),
                b.total_calls.unwrap_or(0),
                bar,
            );
            format!("{bar} {counts}")
        };
        // A name the list left out is shown as unknown, never as blank.
        let name = if b.batch_name.trim().is_empty() {
            "?".to_owned()
        } else {
            visible(&b.batch_name).into_owned()
        };
        let cells = [
            name,
            progress,
            relative_text(&b.created_at, now),
            relative_text(&b.updated_at, now),
        ];
        let mut row = vec![Line::from(status)];
        row.extend(
            cells
                .iter()
                .zip(columns.iter().skip(1))
                .map(|(text, &width)| Line::raw(fit(text, width))),
        );
        Row::new(row)
    }

    /// What the last action did, then why the last refresh failed and
    /// when the next try is (see [`notice_lines`]).
    fn notice_lines(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Vec<Line<'static>> {
        let failure = self.live.error().and_then(|e| {
            // Said in the rows' place already, with the setting to give.
            if self.page.is_none() && matches!(e, ApiError::MissingSetting { .. }) {
                return None;
            }
            let mut text = error_text(e);
            text.push_str(&self.live.retry_text(now));
            Some(text)
        });
        notice_lines(self.notice.as_ref(), failure.as_deref(), theme, width)
    }

    fn status_line(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Line<'static> {
        let mut left = match &self.page {
            Some(p) => {
                let pages = p.pagination.total_pages.max(1);
                let total = p.pagination.total.max(p.batches.len() as u64);
                format!(
                    "page {}/{} · {}",
                    thousands(self.query.page.into()),
                    thousands(pages),
                    count(total, "batch", "batches")
                )
            }
            None => String::new(),
        };
        if self.filter != StatusFilter::All {
            left.push_str(&format!(" · {} only (this page)", self.filter.word()));
        }
        let right = self.live.freshness(now);
        let room = usize::from(width).saturating_sub(right.width() + 1);
        let left = fit(&left, room);
        let pad = usize::from(width).saturating_sub(left.width() + right.width());
        Line::from(vec![
            Span::raw(left),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme.dim()),
        ])
    }
}

/// The lines the highlighted batch is shown in, but for the one saying
/// that it is outside its calling window.
const DETAIL_LINES: usize = 2;

impl BatchList {
    /// The selected batch in full (see [`detail_lines`]), then why it is
    /// not moving or when it will end, when known.
    fn detail_lines(
        &self,
        b: &BatchSummary,
        theme: &Theme,
        now: DateTime<Utc>,
    ) -> Vec<Line<'static>> {
        let mut lines = detail_lines(b, theme, now, &self.context.clock);
        let (stall, ends) = outlook_of(&self.context, b, None, now);
        lines.extend(stall.map(|note| Line::styled(note, theme.warn())));
        lines.extend(ends.map(|(line, _)| Line::styled(line, theme.dim())));
        lines
    }
}

/// The selected batch in full: its ID, the counts the bar draws, and its
/// times absolute and relative.
fn detail_lines(
    b: &BatchSummary,
    theme: &Theme,
    now: DateTime<Utc>,
    clock: &crate::domain::clock::LocalClock,
) -> Vec<Line<'static>> {
    let when = |text: &str| match parse_time(text) {
        Some(t) => format!("{}, {}", absolute(t, clock), relative(t, now)),
        None => relative_text(text, now),
    };
    vec![
        Line::from(vec![
            Span::styled(format!("{} ", visible(&b.id)), theme.dim()),
            Span::raw(format!(
                "· {} completed · {} picked up · {}",
                thousands_or_unknown(b.calls_completed),
                thousands_or_unknown(b.calls_picked),
                count_or_unknown(b.total_calls, "call", "calls")
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
