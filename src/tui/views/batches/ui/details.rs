//! Drawing one batch: its header, the calls that fit (the contact's own
//! fields as columns scrolled sideways), the status choice, and one call
//! in full.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr as _;

use super::{
    call_badge, count, count_or_unknown, notice_lines, search_text, status_badge, thousands,
    thousands_or_unknown,
};
use crate::api::{Call, SortOrder};
use crate::domain::phone::format_number;
use crate::text::{fit, visible};
use crate::tui::views::batches::details::{
    BatchDetailsView, DETAILS_CHROME, DetailsGeometry, Mode,
};
use crate::tui::views::batches::list::visible_offset;
use crate::tui::views::batches::live::page_rows;
use crate::tui::views::batches::{
    absolute, error_text, outlook_of, parse_time, progress_bar, relative, relative_text,
};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{DrawView, fit_line, wrap_words};

/// The columns a batch's name keeps in the header however narrow.
const MIN_NAME: usize = 16;

/// The header's lines: the name, the totals, the times, the outcomes
/// (and, for a while, why an active batch is not moving, or when it will
/// end and on what assumptions).
const HEADER_LINES: usize = 4;

/// The width of one contact-field column.
const FIELD_WIDTH: u16 = 16;

/// Draws the view into `area` and records its geometry.
impl DrawView for BatchDetailsView {
    fn draw(&self, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
        self.render(frame, area, theme, now);
    }
}

impl BatchDetailsView {
    fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, now: DateTime<Utc>) {
        let notices = self.notice_lines(theme, now, area.width);
        let header_lines = self.header_lines(theme, now, area.width);
        let notice_rows = crate::num::u16_sat(notices.len().max(1));
        let [header, heads, table, notice, status] = Layout::vertical([
            Constraint::Length(crate::num::u16_sat(header_lines.len().max(HEADER_LINES))),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(notice_rows),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(header_lines), header);
        // The calls with a one-line notice: what the shell counted for the
        // first fetch, before anything was drawn. Lines past the usual three
        // of the header and one notice take rows for a while; they do not
        // change the page size.
        let page = page_rows(area.height, DETAILS_CHROME);
        self.draw_table(frame, heads, table, page, theme, now);
        frame.render_widget(Paragraph::new(notices), notice);
        frame.render_widget(
            Paragraph::new(self.status_line(theme, now, area.width)),
            status,
        );
        match &self.mode {
            Mode::Choosing { cursor } => self.draw_choice(*cursor, frame, area, theme, now),
            Mode::Call { scroll, .. } => self.draw_call(*scroll, frame, area, theme, now),
            Mode::Table => {}
        }
        if let Some(dialog) = &self.dialog {
            dialog.draw(frame, area, theme);
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
        // A long name is cut, so the status and the ID stay in view.
        let mut rest = vec![Span::raw("  ")];
        if !status.is_empty() {
            rest.push(status_badge(&status, theme));
            rest.push(Span::raw("  "));
        }
        rest.push(Span::styled(visible(&self.id).into_owned(), theme.dim()));
        let room = usize::from(width).saturating_sub(Line::from(rest.clone()).width());
        let name = fit(&visible(&self.name), room.max(MIN_NAME));
        let mut first = vec![Span::styled(name, theme.title())];
        first.extend(rest);
        let mut lines = vec![Line::from(first)];
        match &self.summary {
            Some(s) => {
                let bar = if width >= 100 { 30 } else { 16 };
                lines.push(Line::raw(format!(
                    "{} {} completed · {} picked up · {}",
                    progress_bar(
                        s.calls_completed.unwrap_or(0),
                        s.calls_picked.unwrap_or(0),
                        s.total_calls.unwrap_or(0),
                        bar
                    ),
                    thousands_or_unknown(s.calls_completed),
                    thousands_or_unknown(s.calls_picked),
                    count_or_unknown(s.total_calls, "call", "calls")
                )));
                let when = |text: &str| match parse_time(text) {
                    Some(t) => {
                        format!("{}, {}", absolute(t, &self.context.clock), relative(t, now))
                    }
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
        lines.push(self.outcomes_line(theme, now));
        // Weya does not say why an active batch is not calling, nor when
        // it will end; from what is known here, this does.
        if let Some(summary) = &self.summary {
            let mut batch = summary.clone();
            batch.queue_status.clone_from(&status);
            let (stall, ends) = outlook_of(&self.context, &batch, self.calls_seen(), now);
            lines.extend(stall.map(|note| Line::styled(note, theme.warn())));
            if let Some((line, assumptions)) = ends {
                lines.push(Line::raw(line));
                lines.push(Line::styled(assumptions, theme.dim()));
            }
        }
        // The batch's window on its contacts' clocks, once their numbers
        // are read (when its window is known here); with a dialer that
        // ignores the window, first that calls may come at any hour.
        if self.context.schedules.window_ignored() {
            lines.push(Line::styled(
                crate::domain::local_time::ANY_HOUR,
                theme.warn(),
            ));
        }
        lines.extend(crate::tui::widgets::local_time::header_lines(
            self.local_times(),
            theme,
            width,
        ));
        lines.into_iter().map(|l| fit_line(l, width)).collect()
    }

    /// "Outcomes 40 s ago: 50% answered (12 of 24 called) · 24 attempts ·
    /// talk 22:12 · completed (answered) 12 · no-answer 8 · … · not called
    /// yet 24": the totals first, so a narrow screen cuts the statuses;
    /// "answered" said where it is counted.
    fn outcomes_line(&self, theme: &Theme, now: DateTime<Utc>) -> Line<'static> {
        use crate::campaign::outcomes::{ANSWERED, ago, percent, talk_time};
        let o = self.outcomes();
        let Some(c) = &o.counted else {
            return match (&o.failed, o.counting_since) {
                (Some(why), _) => Line::styled(
                    format!("Outcomes not counted: {} (r tries again)", visible(why)),
                    theme.warn(),
                ),
                (None, Some(_)) => Line::styled("Outcomes: counting every page…", theme.dim()),
                (None, None) => Line::styled("Outcomes: not counted yet", theme.dim()),
            };
        };
        let n = &c.outcomes;
        let completed = self.summary().and_then(|s| s.calls_completed);
        // The count trails the totals: its age said plainly, with how far.
        let since = o
            .completed_since(completed)
            .map(|k| format!("; {} completed since", count(k, "call", "calls")))
            .unwrap_or_default();
        let when = match (o.counting_since.is_some(), since.is_empty()) {
            (true, true) => format!("{}, counting again", ago(now, c.at)),
            (true, false) => format!("as of {}{since}, counting again", ago(now, c.at)),
            (false, true) => ago(now, c.at),
            (false, false) => format!("as of {}{since}", ago(now, c.at)),
        };
        let rate = n
            .answered_rate()
            .map_or(String::new(), |r| format!("{} ", percent(r)));
        let summary = if n.attempted == 0 {
            // Not "answered (0 of 0 called)" on a batch not started.
            "nothing called yet".to_owned()
        } else {
            format!(
                "{rate}answered ({} of {} called) · {} attempts · talk {}",
                thousands(n.answered),
                thousands(n.attempted),
                thousands(n.attempts),
                talk_time(n.talk_seconds),
            )
        };
        let mut spans = vec![
            Span::styled(format!("Outcomes {when}: "), theme.dim()),
            Span::raw(summary),
        ];
        // The answered status first, named so; the rest most first.
        let mut ranked = n.ranked();
        ranked.sort_by_key(|(status, _)| *status != ANSWERED);
        for (status, count) in ranked {
            let label = if status == ANSWERED {
                format!("{ANSWERED} (answered)")
            } else {
                visible(status).into_owned()
            };
            spans.push(Span::styled(
                format!(" · {label} {}", thousands(count)),
                theme.dim(),
            ));
        }
        if let Some(why) = &o.failed {
            spans.push(Span::styled(
                format!(" · the last count failed: {}", visible(why)),
                theme.warn(),
            ));
        }
        Line::from(spans)
    }

    fn draw_table(
        &self,
        frame: &mut Frame,
        heads: Rect,
        table: Rect,
        page_rows: u16,
        theme: &Theme,
        now: DateTime<Utc>,
    ) {
        let calls = self.calls();
        // Clicks map to the calls as drawn from this offset.
        let first_row = visible_offset(
            self.offset,
            self.selected,
            usize::from(table.height),
            calls.len(),
        );
        let phones: Vec<String> = (first_row..calls.len())
            .take(usize::from(table.height))
            .map(|i| self.number_shown(i))
            .collect();
        let [phone_width, status, duration_width, attempts, time] =
            fixed_widths(&phones, heads.width);
        let fixed = phone_width + status + duration_width + attempts + time + 5;
        let room = heads.width.saturating_sub(fixed);
        let fields_fit = usize::from(room / (FIELD_WIDTH + 1));
        let max_scroll = self.geometry.get().call_max_scroll;
        let call_height = self.geometry.get().call_height;
        self.geometry.set(DetailsGeometry {
            rows: table,
            page_rows,
            first: first_row,
            fields_fit,
            call_max_scroll: max_scroll,
            call_height,
        });
        let first = self
            .column
            .min(self.columns.len().saturating_sub(fields_fit.max(1)));
        let fields: Vec<&String> = self.columns.iter().skip(first).take(fields_fit).collect();

        let mut widths = vec![Constraint::Length(phone_width)];
        widths.extend(fields.iter().map(|_| Constraint::Length(FIELD_WIDTH)));
        widths.extend([status, duration_width, attempts, time].map(Constraint::Length));
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
        // A narrowed column takes its short header, never a cut word.
        for ((long, short), width) in [
            (("Status", "St"), status),
            (("Duration", "Dur"), duration_width),
            (("Attempts", "#"), attempts),
            (("Time", "Time"), time),
        ] {
            let name = if long.len() <= usize::from(width) {
                long
            } else {
                short
            };
            head.push(Line::raw(fit(name, usize::from(width))));
        }
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths.clone())
                .header(Row::new(head).style(theme.title()))
                .column_spacing(1),
            heads,
        );

        if calls.is_empty() {
            let text = match (&self.details, self.live.error()) {
                _ if self.gone.is_some() => "This batch is gone: no calls to show.".to_owned(),
                (None, None) => "Reading the calls…".to_owned(),
                (None, Some(_)) => "The calls could not be read.".to_owned(),
                (Some(_), _) if self.query.filter.is_some() || self.query.search.is_some() => {
                    "No call matches (f changes the status, / the search).".to_owned()
                }
                (Some(_), _) => "No calls in this batch yet.".to_owned(),
            };
            let line = fit_line(Line::styled(text, theme.dim()), table.width);
            frame.render_widget(Paragraph::new(line), table);
            return;
        }
        let rows: Vec<Row> = calls
            .iter()
            .skip(first_row)
            .zip(phones)
            .map(|(c, phone)| {
                let mut cells = vec![Line::raw(fit(&phone, usize::from(phone_width)))];
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
        let mut state = TableState::default().with_selected(Some(self.selected - first_row));
        frame.render_stateful_widget(
            Table::new(rows, widths)
                .column_spacing(1)
                .row_highlight_style(theme.cursor()),
            table,
            &mut state,
        );
    }

    /// What the last action did, then why the last refresh failed and
    /// when the next try is (see [`notice_lines`]).
    fn notice_lines(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Vec<Line<'static>> {
        let failure = match self.gone {
            Some(at) => Some(format!(
                "This batch is gone: Weya answers 404 (not found) for it since {}. \
                 Not asking again (r asks once more; Esc goes back).",
                self.context.clock.time_zoned(at)
            )),
            None => self.live.error().map(|e| {
                let mut text = error_text(e);
                text.push_str(&self.live.retry_text(now));
                text
            }),
        };
        // The open call shows its own notice in its frame.
        let notice = self.notice.as_ref().filter(|_| self.open_call().is_none());
        notice_lines(notice, failure.as_deref(), theme, width)
    }

    /// The page, the filter, the order and the search at the left, the
    /// freshness at the right. A search being typed keeps its cursor in
    /// view: the order goes first to make room for it.
    /// The page, the filter, the order and the search at the left, the
    /// freshness at the right. A search being typed keeps its cursor in
    /// view: the order goes first to make room for it.
    fn status_line(&self, theme: &Theme, now: DateTime<Utc>, width: u16) -> Line<'static> {
        let mut parts = Vec::new();
        if let Some(d) = &self.details {
            parts.push(format!(
                "page {}/{} · {}",
                thousands(self.query.page.into()),
                thousands(d.total_pages.max(1)),
                count(d.total, "call", "calls")
            ));
        }
        if let Some(f) = &self.query.filter {
            parts.push(format!("status {}", visible(f)));
        }
        let right = self.live.freshness(now);
        let order = if self.sorting().by_walk(&self.query) {
            // Over every call as read, and when (see `sorted`); in fewer
            // words when the whole does not fit.
            let said = |short| {
                crate::tui::views::batches::sorted::describe(
                    self.sorting(),
                    self.query.sort_order,
                    self.outcomes().counted.as_deref(),
                    self.outcomes().failure(now).as_deref(),
                    short,
                    |at| self.context.clock.minute_of_day(at),
                )
            };
            let before: usize = parts.iter().map(|p| p.width() + 3).sum();
            let long = said(false);
            if before + long.width() + right.width() + 1 > usize::from(width) {
                said(true)
            } else {
                long
            }
        } else {
            match self.query.sort_order {
                SortOrder::Desc => "newest first",
                SortOrder::Asc => "oldest first",
            }
            .to_owned()
        };
        let room = usize::from(width).saturating_sub(right.width() + 1);
        const SEP: &str = " · ";
        let quoted = |parts: &[String]| {
            let before = parts.iter().map(|p| p.width() + SEP.width()).sum::<usize>();
            room.saturating_sub(before + "search “”".width())
        };
        if let Some(whole) = search_text(&self.search, usize::MAX) {
            let mut with_order = parts.clone();
            with_order.push(order.clone());
            if quoted(&with_order) > whole.width() {
                parts = with_order;
            }
            if let Some(search) = search_text(&self.search, quoted(&parts)) {
                parts.push(format!("search “{search}”"));
            }
        } else {
            parts.push(order);
        }
        let left = fit(&parts.join(SEP), room);
        let pad = usize::from(width).saturating_sub(left.width() + right.width());
        Line::from(vec![
            Span::raw(left),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme.dim()),
        ])
    }

    /// The status choice: each status with its calls in the last count
    /// of the whole batch (by last status), "not called yet" with why it
    /// cannot be chosen.
    fn draw_choice(
        &self,
        cursor: usize,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        now: DateTime<Utc>,
    ) {
        use crate::campaign::outcomes::NOT_CALLED;
        let choices = self.status_choices();
        let width = 48.min(area.width);
        let inner = usize::from(width.saturating_sub(2));
        let counted = self.outcomes().counted.as_ref();
        let mut lines: Vec<Line> = choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (name, n) = match c {
                    None => ("every status".to_owned(), counted.map(|c| c.outcomes.calls)),
                    Some(s) => (visible(s).into_owned(), self.status_count(s)),
                };
                let mark = if *c == self.query.filter { "●" } else { " " };
                // Weya cannot filter by it: every page is read for it.
                let name = if c.as_deref() == Some(NOT_CALLED) {
                    format!("{name} (reads every page)")
                } else {
                    name
                };
                let n = n.map(thousands).unwrap_or_default();
                // "● name   1,204 ": the mark, a space, the name, at least
                // a space, the count and a space.
                let room = inner.saturating_sub(n.width() + 4);
                let name = fit(&name, room);
                let pad = inner.saturating_sub(name.width() + n.width() + 4);
                let text = format!("{mark} {name}{} {n} ", " ".repeat(pad));
                let style = if i == cursor {
                    theme.cursor()
                } else if c.as_deref() == Some(NOT_CALLED) {
                    theme.dim()
                } else {
                    Style::new()
                };
                Line::styled(text, style)
            })
            .collect();
        lines.push(Line::raw(""));
        if let Some(c) = counted {
            lines.push(Line::styled(
                format!(
                    "Calls by last status, counted {}.",
                    crate::campaign::outcomes::ago(now, c.at)
                ),
                theme.dim(),
            ));
        }
        lines.push(Line::styled(
            "Weya documents only “completed”.",
            theme.dim(),
        ));
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|l| fit_line(l, width.saturating_sub(2)))
            .collect();
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
        // A long value or URL is cut; the transcript is wrapped already.
        // What comes next for it, from the batch's retries when known.
        let next = crate::campaign::progress::next_try(call, self.retry())
            .describe(self.schedule().as_ref(), now);
        let lines: Vec<Line> = call_lines(call, &next, theme, now, &self.context.clock, body.width)
            .into_iter()
            .map(|l| fit_line(l, body.width))
            .collect();
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
        let mut spans: Vec<Span> = self
            .notice
            .as_ref()
            .and_then(|n| {
                notice_lines(Some(n), None, theme, footer.width)
                    .into_iter()
                    .next()
            })
            .map(|l| {
                l.spans
                    .into_iter()
                    .map(|s| s.patch_style(l.style))
                    .collect()
            })
            .unwrap_or_default();
        spans.push(Span::styled(position, theme.dim()));
        let line = Line::from(spans);
        frame.render_widget(Paragraph::new(fit_line(line, footer.width)), footer);
    }
}

/// The widths of the columns every call has (phone, status, duration,
/// attempts, time) in `width`. The phone column is as wide as the longest
/// number on show; when the screen is too narrow for all of them the other
/// columns give up their room first, and a number is cut, with an
/// ellipsis, only when they cannot give more.
fn fixed_widths(phones: &[String], width: u16) -> [u16; 5] {
    let longest = phones.iter().map(|p| p.width()).max().unwrap_or(0);
    let phone = crate::num::u16_sat(longest.max("Phone".len()));
    let mut others: [u16; 4] = [14, 8, 8, 10];
    // Who gives room, in turn, and down to what: the status's slack
    // (its longest, "☎ in-progress", takes 13), then the headers of the
    // short numbers, then the time and the status word (their symbol
    // leads, so they still read).
    const STEPS: [(usize, u16); 5] = [(0, 13), (2, 3), (1, 5), (3, 8), (0, 8)];
    let mut over = (phone + others.iter().sum::<u16>() + 5).saturating_sub(width);
    for (i, least) in STEPS {
        let give = over.min(others[i].saturating_sub(least));
        others[i] -= give;
        over -= give;
    }
    let [status, duration, attempts, time] = others;
    [phone.saturating_sub(over), status, duration, attempts, time]
}

/// The lines of the call detail, wrapped to `width`.
fn call_lines(
    call: &Call,
    next: &str,
    theme: &Theme,
    now: DateTime<Utc>,
    clock: &crate::domain::clock::LocalClock,
    width: u16,
) -> Vec<Line<'static>> {
    let label = |name: &str| Span::styled(format!("{name:<12}"), theme.title());
    let mut lines = vec![Line::from(vec![
        label("Phone"),
        Span::raw(format_number(&call.phone_number)),
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
            Some(t) => format!("{}, {}", absolute(t, clock), relative(t, now)),
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
    lines.push(Line::from(vec![
        label("Next try"),
        Span::raw(next.strip_prefix("next try ").unwrap_or(next).to_owned()),
    ]));
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
