//! The review: what will happen in plain words, what to look at twice, when
//! the dialer will call, and the exact body that is sent.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::connection::TargetLabel;
use crate::create::review::NAMED_NUMBERS;
use crate::domain::schedule;
use crate::form::time::{self, TimeOfDay};
use crate::text::visible;
use crate::tui::views::create::{CreateView, Review};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{LABEL_WIDTH, fit_line, labeled, spinner, wrap_words};

/// From this width the body stands beside the summary instead of below it
/// (when it fits there whole).
const SIDE_BY_SIDE: u16 = 150;
/// Width of the body's column when it stands beside the summary.
const BODY_COLUMN: u16 = 84;
/// How many windows the preview lists, and how far ahead it looks.
const PREVIEW_WINDOWS: usize = 5;
const PREVIEW_HORIZON_DAYS: u32 = 60;

/// Draws the review; with `sending` set (when the body was sent), the
/// in-flight state replaces the prompt.
pub fn draw(
    app: &CreateView,
    review: &Review,
    sending: Option<DateTime<Utc>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let [content, status] = split(area);
    let (mut lines, scrolled) = scrolling(app, review, content, theme);
    let max = max_scroll_of(&lines, scrolled);
    // So that ↓ stops at the end as drawn on this screen.
    review.scroll.record_max(max);
    // Only what is on screen is wrapped and drawn: a body of thousands of
    // IDs is thousands of rows.
    let (skipped, offset) = lines_above(&lines, review.scroll.offset(), scrolled.width);
    let shown = lines.split_off(skipped);
    frame.render_widget(
        Paragraph::new(shown)
            .wrap(Wrap { trim: false })
            .scroll((offset, 0)),
        scrolled,
    );
    if scrolled != content {
        // Wide: the body stands beside the summary, whole.
        let right = Rect {
            x: scrolled.right() + 2,
            width: content.right().saturating_sub(scrolled.right() + 2),
            ..content
        };
        frame.render_widget(
            Paragraph::new(body_lines(app, review, right.width, theme)).wrap(Wrap { trim: false }),
            right,
        );
    }

    let line = match sending {
        None if let Some(waiting) = app.waiting_for() => Line::styled(waiting, theme.warn()),
        None => Line::from(vec![
            Span::styled("Nothing has been sent yet. ", theme.title()),
            Span::styled("Enter", theme.key()),
            Span::raw(" sends it once; "),
            Span::styled("Esc", theme.key()),
            Span::raw(" goes back; "),
            Span::styled("↑↓", theme.key()),
            Span::raw(" scroll."),
        ]),
        Some(sent_at) => Line::from(vec![
            Span::styled(
                format!(
                    "{} Sending… {:.1} s",
                    spinner(app.frame),
                    // The time the loop handed in; a clock set back shows 0.
                    (app.now - sent_at)
                        .to_std()
                        .unwrap_or_default()
                        .as_secs_f32()
                ),
                theme.warn(),
            ),
            Span::raw("  Esc stops waiting (the batch may still be created)"),
        ]),
    };
    frame.render_widget(Paragraph::new(fit_line(line, status.width)), status);
}

/// The part that scrolls and the prompt line under it.
fn split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area)
}

/// The lines that scroll and where they go: on a wide screen the summary,
/// warnings and preview (the body stands beside them, when it fits there
/// whole); otherwise all of it, the body before the preview.
fn scrolling(
    app: &CreateView,
    review: &Review,
    content: Rect,
    theme: &Theme,
) -> (Vec<Line<'static>>, Rect) {
    let beside = content.width >= SIDE_BY_SIDE
        && body_rows(review, BODY_COLUMN) < usize::from(content.height);
    if beside {
        let [left, _, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(2),
            Constraint::Length(BODY_COLUMN),
        ])
        .areas(content);
        let mut lines = about(review, left.width, theme);
        lines.push(Line::raw(""));
        lines.extend(preview(app, review, left.width, theme));
        (lines, left)
    } else {
        let mut lines = about(review, content.width, theme);
        lines.push(Line::raw(""));
        lines.extend(body_lines(app, review, content.width, theme));
        lines.push(Line::raw(""));
        lines.extend(preview(app, review, content.width, theme));
        (lines, content)
    }
}

/// The rows a line wraps to.
fn rows_of(line: &Line, width: u16) -> usize {
    line.width().div_ceil(usize::from(width.max(1))).max(1)
}

/// How far the review can scroll before its end leaves the screen.
fn max_scroll_of(lines: &[Line], area: Rect) -> u16 {
    let rows: usize = lines.iter().map(|l| rows_of(l, area.width)).sum();
    u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_sub(area.height)
}

/// How many whole lines lie above row `scroll`, and how many rows of the
/// next one do.
fn lines_above(lines: &[Line], scroll: u16, width: u16) -> (usize, u16) {
    let mut above = 0;
    for (i, line) in lines.iter().enumerate() {
        let rows = rows_of(line, width);
        if above + rows > usize::from(scroll) {
            return (i, scroll - crate::num::u16_sat(above));
        }
        above += rows;
    }
    (lines.len(), 0)
}

/// The body, headed by where it goes, cut into rows of `width` characters
/// (the callingNumbers line of a large batch is many screens long).
fn body_lines(app: &CreateView, review: &Review, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let endpoint = match &app.context.target {
        TargetLabel::Sandbox => "POST /api/call/createBatch (sandbox)".to_owned(),
        TargetLabel::Remote { base_url, .. } => {
            format!("POST {}/api/call/createBatch", visible(base_url))
        }
    };
    let mut lines = vec![Line::styled(
        format!("Body, byte for byte, sent to {endpoint}"),
        theme.title(),
    )];
    // `to_body` escapes controls and invisible characters; `visible` keeps
    // this screen safe whatever a body holds.
    for line in review.body.lines() {
        lines.extend(rows(&visible(line), width).map(|row| Line::raw(row.to_owned())));
    }
    lines
}

/// How many rows the body takes at `width`.
fn body_rows(review: &Review, width: u16) -> usize {
    1 + review
        .body
        .lines()
        .map(|l| l.chars().count().div_ceil(usize::from(width.max(1))).max(1))
        .sum::<usize>()
}

/// `line` in pieces of at most `width` characters (one piece when empty).
fn rows(line: &str, width: u16) -> impl Iterator<Item = &str> {
    let width = usize::from(width.max(1));
    let mut rest = Some(line);
    std::iter::from_fn(move || {
        let line = rest?;
        let cut = line
            .char_indices()
            .nth(width)
            .map_or(line.len(), |(i, _)| i);
        let (row, tail) = line.split_at(cut);
        rest = (!tail.is_empty()).then_some(tail);
        Some(row)
    })
}

/// The summary and its warnings (the same lines `weya-tui create` prints).
fn about(review: &Review, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (label, value) in &review.summary.lines {
        let value =
            if *label == "Calls from" && review.request.calling_numbers.len() > NAMED_NUMBERS {
                format!("{value} (the body lists every ID)")
            } else {
                value.clone()
            };
        lines.extend(labeled(label, &value, Style::new(), width, theme));
    }
    if !review.summary.warnings.is_empty() {
        lines.push(Line::raw(""));
        for warning in &review.summary.warnings {
            for (i, part) in wrap_words(warning, width.saturating_sub(3))
                .into_iter()
                .enumerate()
            {
                let mark = if i == 0 { "⚠ " } else { "  " };
                lines.push(Line::styled(format!("{mark}{part}"), theme.warn()));
            }
        }
    }
    lines
}

/// The batch's timezone, window and days, when the request has them.
fn schedule_of(review: &Review) -> Option<(Tz, TimeOfDay, TimeOfDay, Vec<u8>)> {
    let req = &review.request;
    let hour = req.calling_hour.as_ref()?;
    Some((
        Tz::from_str(req.timezone.as_deref()?).ok()?,
        time::parse_time(&hour.start).ok()?,
        time::parse_time(&hour.end).ok()?,
        req.allowed_days.clone()?,
    ))
}

fn local_tz(app: &CreateView) -> Option<Tz> {
    Tz::from_str(&app.context.local_timezone).ok()
}

/// The next calling windows in the batch's zone and the operator's (no
/// UTC: the operator reads their own clock; the body sent keeps the data).
fn preview(app: &CreateView, review: &Review, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let Some((tz, start, end, days)) = schedule_of(review) else {
        return vec![Line::styled(
            "No calling window: the server decides when to call.",
            theme.dim(),
        )];
    };
    let windows = schedule::next_windows(
        tz,
        start,
        end,
        &days,
        app.now,
        PREVIEW_WINDOWS,
        PREVIEW_HORIZON_DAYS,
    );
    if windows.is_empty() {
        return vec![Line::styled(
            format!("⚠ This schedule never opens in the next {PREVIEW_HORIZON_DAYS} days."),
            theme.warn(),
        )];
    }
    let local = local_tz(app).filter(|l| *l != tz);
    let mut header = format!("{:<22}", short_zone(tz));
    if let Some(local) = local {
        header.push_str(&format!(
            "   {:<16}",
            format!("you ({})", short_zone(local))
        ));
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{:<w$}", "Next windows", w = usize::from(LABEL_WIDTH)),
            theme.title(),
        ),
        Span::styled(header, theme.dim()),
    ])];
    for w in windows {
        let mut row = format!(
            "{} {}",
            w.start.with_timezone(&tz).format("%a %-d %b"),
            w.describe_in(tz)
        );
        row = format!("{row:<22}");
        if let Some(local) = local {
            row.push_str(&format!("   {:<16}", w.describe_in(local)));
        }
        let open_now = w.start <= app.now && app.now < w.end;
        let row: String = row
            .chars()
            .take(usize::from(width.saturating_sub(LABEL_WIDTH)))
            .collect();
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<w$}",
                if open_now { "  (open now)" } else { "" },
                w = usize::from(LABEL_WIDTH)
            )),
            Span::raw(row),
        ]));
    }
    lines
}

/// "America/New_York" → "New_York".
fn short_zone(tz: Tz) -> &'static str {
    tz.name().rsplit('/').next().unwrap_or(tz.name())
}
