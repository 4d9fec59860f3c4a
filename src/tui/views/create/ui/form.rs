//! The create-batch form.

use std::str::FromStr;

use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::domain::schedule;
use crate::form::days::DAY_NAMES;
use crate::form::phones::{Mode, Source};
use crate::form::timezone::utc_offset;
use crate::form::{FieldId, Form, number, time};
use crate::num::u16_sat;
use crate::remote::Remote;
use crate::text::{fit, pad, visible};
use crate::tui::views::batches::error_text;
use crate::tui::views::create::{ClickTarget, CreateView, DraftState};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{LABEL_WIDTH, draw_input, fit_lines, spinner, wrap_words};

/// Rows of the timezone match list.
const TZ_LIST_ROWS: u16 = 8;

/// Where each part of the form is drawn. Computed from the form and the
/// area alone, so drawing and mouse hits agree.
#[derive(Debug, Clone, Copy)]
pub struct FormLayout {
    pub name: Rect,
    pub numbers_head: Rect,
    pub numbers_list: Rect,
    pub timezone: Rect,
    pub window: Rect,
    pub days: Rect,
    pub retries: Rect,
    pub delay: Rect,
    pub notice: Rect,
}

impl FormLayout {
    pub fn new(app: &CreateView, area: Rect) -> Self {
        let form = &app.form;
        let err_width = area.width.saturating_sub(LABEL_WIDTH + 2);
        let err = |f: FieldId| {
            form.errors
                .get(&f)
                .map_or(0, |m| u16_sat(wrap_words(m, err_width).len()))
        };
        let picker = &form.numbers;
        let sub_line =
            u16::from(!matches!(picker.mode, Mode::Browse) || !picker.filter.value().is_empty());
        let manual_error =
            u16::from(matches!(picker.mode, Mode::Manual(ref entry) if entry.error.is_some()));
        let reload_failed = reload_failure(app).map_or(0, |why| {
            wrap_words(&why, area.width.saturating_sub(LABEL_WIDTH))
                .len()
                .min(2)
        });
        let reload_failed = u16_sat(reload_failed);
        let fixed = [
            1 + err(FieldId::Name),
            1,
            1 + sub_line + manual_error + reload_failed + err(FieldId::Numbers),
            1,
            1 + err(FieldId::Timezone),
            1 + err(FieldId::WindowStart) + err(FieldId::WindowEnd),
            1 + err(FieldId::Days),
            1 + err(FieldId::Retries),
            1 + err(FieldId::Delay),
            u16_sat(notice_lines(app, area.width).len()),
        ];
        // The list is as tall as its rows, within what the screen leaves; the
        // fields below it follow it up rather than sit at the bottom.
        let room = area.height.saturating_sub(fixed.iter().sum());
        let wanted = u16::try_from(picker.visible_len()).unwrap_or(u16::MAX);
        let list_height = wanted.clamp(3, room.max(3));
        let rows = Layout::vertical([
            Constraint::Length(fixed[0]),
            Constraint::Length(fixed[1]),
            Constraint::Length(fixed[2]),
            Constraint::Length(list_height),
            Constraint::Length(fixed[3]),
            Constraint::Length(fixed[4]),
            Constraint::Length(fixed[5]),
            Constraint::Length(fixed[6]),
            Constraint::Length(fixed[7]),
            Constraint::Length(fixed[8]),
            Constraint::Length(fixed[9]),
        ])
        .split(area);
        Self {
            name: rows[0],
            numbers_head: rows[2],
            numbers_list: rows[3],
            timezone: rows[5],
            window: rows[6],
            days: rows[7],
            retries: rows[8],
            delay: rows[9],
            notice: rows[10],
        }
    }

    /// What a click on each part of the form focuses.
    pub fn click_areas(&self) -> Vec<(Rect, FieldId)> {
        // "Calling window  09:00  to 17:00": the end starts 8 cells after
        // the label.
        let split = (LABEL_WIDTH + 8).min(self.window.width);
        let start = Rect {
            width: split,
            ..self.window
        };
        let end = Rect {
            x: self.window.x + split,
            width: self.window.width - split,
            ..self.window
        };
        vec![
            (self.name, FieldId::Name),
            (self.numbers_head, FieldId::Numbers),
            (self.numbers_list, FieldId::Numbers),
            (self.timezone, FieldId::Timezone),
            (start, FieldId::WindowStart),
            (end, FieldId::WindowEnd),
            (self.days, FieldId::Days),
            (self.retries, FieldId::Retries),
            (self.delay, FieldId::Delay),
        ]
    }
}

pub fn draw(app: &CreateView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let form = &app.form;
    let layout = FormLayout::new(app, area);
    // For clicks: `update` reads where the fields are from here.
    app.field_areas.record(layout.click_areas());

    let name_len = form.name.value().chars().count();
    let max = form.name.max_chars();
    // The counter appears as the limit nears, not before.
    let counter = if name_len * 5 >= max * 4 {
        format!("  {name_len}/{max}")
    } else {
        String::new()
    };
    text_field(
        form,
        FieldId::Name,
        "Batch name",
        &counter,
        theme,
        frame,
        layout.name,
    );
    numbers_head(
        app,
        theme,
        frame,
        layout.numbers_head,
        layout.numbers_list.height,
    );
    let mut targets = numbers_list(form, theme, frame, layout.numbers_list);
    timezone(app, theme, frame, layout.timezone);
    window(app, theme, frame, layout.window);
    days(form, theme, frame, layout.days);
    // "[x] Mon " after the label (each toggle 7 cells and a space), or
    // "[Mo] " on a narrow screen (4 cells and a space).
    let (cell, step) = day_cells(layout.days.width);
    targets.extend((0..DAY_NAMES.len()).map(|day| {
        let x = layout.days.x + LABEL_WIDTH + step * u16_sat(day);
        let rect = Rect::new(x, layout.days.y, cell, 1).intersection(layout.days);
        (rect, ClickTarget::Day(day))
    }));
    app.field_areas.record_targets(targets);
    let retries_hint = format!(
        "  retries of a failed call (0–{}, +/- steps)",
        number::MAX_RETRIES
    );
    text_field(
        form,
        FieldId::Retries,
        "Retries",
        &retries_hint,
        theme,
        frame,
        layout.retries,
    );
    let delay_hint = match number::parse_delay(form.delay.value()) {
        _ if form.delay_unused() => "  not used with 0 retries, so not sent".to_owned(),
        Ok(secs) => format!("  {} between retries", number::describe_delay(secs)),
        Err(_) => "  seconds, or 90s, 15m, 1h30m".to_owned(),
    };
    text_field(
        form,
        FieldId::Delay,
        "Retry delay",
        &delay_hint,
        theme,
        frame,
        layout.delay,
    );
    notice(app, theme, frame, layout.notice);
    if form.focus == FieldId::Timezone && form.timezone.open {
        timezone_matches(app, theme, frame, area, layout.timezone);
    }
}

fn label<'a>(text: &'a str, focused: bool, theme: &Theme) -> Vec<Span<'a>> {
    let marker = if focused { "▶ " } else { "  " };
    let style = if focused {
        theme.focused_label()
    } else {
        theme.label()
    };
    vec![
        Span::styled(marker, style),
        Span::styled(
            format!("{text:<w$}", w = usize::from(LABEL_WIDTH) - 3),
            style,
        ),
        Span::raw(" "),
    ]
}

/// The error rows under a field, indented to the value column and wrapped
/// at word boundaries to the width that is left.
fn error_lines(form: &Form, fields: &[FieldId], width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for message in fields.iter().filter_map(|f| form.errors.get(f)) {
        lines.extend(indented_error(message, width, theme));
    }
    lines
}

fn indented_error(message: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let indent = " ".repeat(usize::from(LABEL_WIDTH));
    wrap_words(message, width.saturating_sub(LABEL_WIDTH + 2))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let mark = if i == 0 { "✗ " } else { "  " };
            Line::from(vec![
                Span::raw(indent.clone()),
                Span::styled(format!("{mark}{part}"), theme.error()),
            ])
        })
        .collect()
}

/// A one-line text field with a hint after it. The focused field is the
/// live text area (with its cursor); the others are plain text.
fn text_field(
    form: &Form,
    field: FieldId,
    name: &str,
    hint: &str,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(input) = form.line(field) else {
        return;
    };
    let focused = form.focus == field;
    let value_width = u16_sat(input.max_chars()).saturating_add(1).clamp(6, 48);
    let mut line = label(name, focused, theme);
    let shown = u16_sat(input.value().chars().count());
    let value_cells = if focused {
        value_width
    } else {
        shown.max(7).min(value_width)
    };
    line.push(Span::raw(" ".repeat(usize::from(value_cells))));
    line.push(Span::styled(hint.to_owned(), theme.dim()));
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(form, &[field], area.width, theme));
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
    let value_area = Rect::new(
        area.x + LABEL_WIDTH,
        area.y,
        value_cells.min(area.width.saturating_sub(LABEL_WIDTH)),
        1,
    );
    draw_value(input, focused, theme, frame, value_area);
    if field == FieldId::Delay && form.delay_unused() && !focused {
        frame.buffer_mut().set_style(value_area, theme.dim());
    }
}

fn draw_value(
    input: &crate::form::line::LineInput,
    focused: bool,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    if focused {
        draw_input(input, frame, area);
    } else if input.value().is_empty() {
        frame.render_widget(Paragraph::new(Span::styled("(empty)", theme.dim())), area);
    } else {
        // A value from a file may hold what typing cannot make: shown made
        // visible, so the error beside the field can be found in it.
        frame.render_widget(
            Paragraph::new(Span::styled(visible(input.value()), theme.value())),
            area,
        );
    }
}

/// Why the phone list could not be fetched again, while the rows of an
/// earlier fetch (or the phone book) are still on show.
fn reload_failure(app: &CreateView) -> Option<String> {
    let picker = &app.form.numbers;
    let error = error_text(picker.phones.error()?);
    (picker.total() > 0).then(|| {
        let shown = if picker.phones.value().is_some() {
            "the rows are from before"
        } else {
            "only your phone book and typed IDs"
        };
        format!("✗ Not reloaded: {error} · {shown} · r retries")
    })
}

/// "3 selected (1 above, 2 below) · 10 of 13 ↓": how many are picked, those
/// the operator cannot see now, and where the list goes on.
fn selection_summary(picker: &crate::form::phones::PhonePicker, rows: usize) -> String {
    let len = picker.visible_len();
    let offset = picker.offset_for(rows);
    let end = (offset + rows).min(len);
    let hidden = picker.selected_out_of_view(offset..end);
    let mut out = format!("{} selected", picker.selected_count());
    let parts: Vec<String> = [
        (hidden.above, "above"),
        (hidden.below, "below"),
        (hidden.filtered_out, "hidden by the filter"),
    ]
    .into_iter()
    .filter(|&(n, _)| n > 0)
    .map(|(n, where_)| format!("{n} {where_}"))
    .collect();
    if !parts.is_empty() {
        out.push_str(&format!(" ({})", parts.join(", ")));
    }
    if len > rows {
        let up = if offset > 0 { "↑" } else { "" };
        let down = if end < len { "↓" } else { "" };
        out.push_str(&format!(" · {} of {len} {up}{down}", end - offset));
    }
    out
}

fn numbers_head(app: &CreateView, theme: &Theme, frame: &mut Frame, area: Rect, rows: u16) {
    let form = &app.form;
    let picker = &form.numbers;
    let mut line = label("Calling numbers", form.focus == FieldId::Numbers, theme);
    line.push(Span::raw(selection_summary(picker, usize::from(rows))));
    let failure = reload_failure(app);
    match &picker.phones {
        Remote::Loading { .. } => line.push(Span::styled(
            format!("  {} loading the phone list…", spinner(app.frame)),
            theme.dim(),
        )),
        Remote::Failed { .. } if failure.is_none() => line.push(Span::styled(
            "  ✗ list not loaded (r on the list retries)",
            theme.error(),
        )),
        Remote::Failed { .. } | Remote::Loaded(_) | Remote::Idle => {}
    }
    let mut lines = vec![Line::from(line)];
    let indent = Span::raw(" ".repeat(usize::from(LABEL_WIDTH)));
    if let Some(failure) = failure {
        let room = area.width.saturating_sub(LABEL_WIDTH);
        let mut parts = wrap_words(&visible(&failure), room);
        // Two lines at most: the list keeps its room.
        if parts.len() > 2 {
            parts.truncate(2);
            parts[1] = fit(&format!("{}…", parts[1]), usize::from(room));
        }
        for part in parts {
            lines.push(Line::from(vec![
                indent.clone(),
                Span::styled(part, theme.error()),
            ]));
        }
    }
    let shown = format!("{} of {} shown", picker.visible_len(), picker.total());
    let mut input_at = None;
    match &picker.mode {
        Mode::Filter => {
            lines.push(Line::from(vec![
                indent,
                Span::styled("/ ", theme.key()),
                Span::raw(" ".repeat(22)),
                Span::styled(format!(" {shown} · Enter keeps · Esc clears"), theme.dim()),
            ]));
            input_at = Some((&picker.filter, 1, 22));
        }
        Mode::Manual(entry) => {
            let (input, error) = (&entry.input, &entry.error);
            lines.push(Line::from(vec![
                indent,
                Span::styled("ID ", theme.key()),
                Span::raw(" ".repeat(25)),
                Span::styled(" 24 hex · Enter adds · Esc cancels", theme.dim()),
            ]));
            input_at = Some((input, 1, 25));
            if let Some(e) = error {
                lines.extend(indented_error(e, area.width, theme).into_iter().take(1));
            }
        }
        // Drawn over the form (see `super::add_phone`).
        Mode::Adding(_) => {}
        Mode::Browse if !picker.filter.value().is_empty() => lines.push(Line::from(vec![
            indent,
            Span::styled(
                format!("filter “{}”", visible(picker.filter.value())),
                theme.warn(),
            ),
            Span::styled(format!(" · {shown} · / edits it"), theme.dim()),
        ])),
        Mode::Browse => {}
    }
    lines.extend(error_lines(form, &[FieldId::Numbers], area.width, theme));
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
    if let Some((input, row, width)) = input_at {
        let x = area.x + LABEL_WIDTH + 3;
        let rect = Rect::new(x, area.y + row, width, 1).intersection(area);
        draw_input(input, frame, rect);
    }
}

/// Draws the rows on show; returns where each is, for clicks.
fn numbers_list(
    form: &Form,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> Vec<(Rect, ClickTarget)> {
    let picker = &form.numbers;
    let area = Rect {
        x: area.x + LABEL_WIDTH,
        width: area.width.saturating_sub(LABEL_WIDTH),
        ..area
    };
    if picker.visible_len() == 0 {
        let lines: Vec<Line> = match &picker.phones {
            Remote::Failed { error, .. } => {
                let text = format!(
                    "Could not load the phone list: {}. Press r here to retry, or i to \
                     type a phone ID; the rest of the form works meanwhile.",
                    error_text(error)
                );
                wrap_words(&text, area.width.saturating_sub(2))
                    .into_iter()
                    .map(|l| Line::styled(l, theme.error()))
                    .collect()
            }
            _ if picker.total() > 0 => vec![Line::styled(
                "No number matches the filter (Esc or / to change it)",
                theme.dim(),
            )],
            Remote::Loaded(_) => vec![Line::styled(
                "No phone numbers in this workspace's list (i types an ID)",
                theme.dim(),
            )],
            Remote::Loading { .. } | Remote::Idle => Vec::new(),
        };
        frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
        return Vec::new();
    }
    let height = usize::from(area.height);
    let cursor = picker.cursor();
    let offset = picker.offset_for(height);
    let focused = form.focus == FieldId::Numbers;
    // [x] + number + label + integration + short ID, the label taking the slack.
    let label_width = usize::from(area.width)
        .saturating_sub(4 + 19 + 1 + 8 + 1 + 8)
        .clamp(6, 32);
    let lines: Vec<Line> = picker
        .visible()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, entry)| {
            let phone = &entry.phone;
            let selected = picker.is_selected(&phone.id);
            let mark = if selected { "[x] " } else { "[ ] " };
            // Every part comes from the server or a file: made visible, and
            // counted in characters, not bytes.
            let id = visible(&phone.id);
            let skip = id.chars().count().saturating_sub(6);
            let short_id: String = id.chars().skip(skip).collect();
            let text = match entry.source {
                // Typed by hand, or from a file or a draft.
                Source::Manual => format!("{mark}{:<19} {id}", "ID not in the list"),
                source => {
                    let label = pad(&fit(&visible(&phone.label), label_width), label_width);
                    let kind = if source == Source::Local {
                        "local".into()
                    } else {
                        visible(&phone.integration)
                    };
                    format!(
                        "{mark}{:<19} {label} {kind:<8} …{short_id}",
                        entry.number_shown()
                    )
                }
            };
            let style = match (focused && i == cursor, selected) {
                (true, _) => theme.cursor(),
                (false, true) => theme.selected(),
                (false, false) => Style::new(),
            };
            Line::styled(text, style)
        })
        .collect();
    let targets = (0..lines.len())
        .map(|i| {
            let rect = Rect::new(area.x, area.y + u16_sat(i), area.width, 1);
            (rect, ClickTarget::PhoneRow(offset + i))
        })
        .collect();
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
    targets
}

fn timezone(app: &CreateView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let form = &app.form;
    let focused = form.focus == FieldId::Timezone;
    let hint = match Tz::from_str(form.timezone.value().trim()) {
        Ok(tz) => format!(
            "  {} · {} there now",
            utc_offset(tz, app.now),
            app.now.with_timezone(&tz).format("%H:%M")
        ),
        Err(_) if focused => "  type a city, country or abbreviation".to_owned(),
        Err(_) => String::new(),
    };
    let input = &form.timezone.input;
    let value_width = 30;
    let mut line = label("Timezone", focused, theme);
    line.push(Span::raw(" ".repeat(value_width)));
    line.push(Span::styled(hint, theme.dim()));
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(form, &[FieldId::Timezone], area.width, theme));
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
    let value_area =
        Rect::new(area.x + LABEL_WIDTH, area.y, u16_sat(value_width), 1).intersection(area);
    draw_value(input, focused, theme, frame, value_area);
}

/// The match list under (or, without room, over) the timezone field.
fn timezone_matches(app: &CreateView, theme: &Theme, frame: &mut Frame, screen: Rect, field: Rect) {
    let picker = &app.form.timezone;
    let total = picker.matches().len();
    let rows = TZ_LIST_ROWS.min(u16_sat(total.max(1)));
    let height = rows + 2;
    let width = 56.min(screen.width.saturating_sub(LABEL_WIDTH));
    let below = field.y + 1;
    let y = if below + height <= screen.y + screen.height {
        below
    } else {
        field.y.saturating_sub(height)
    };
    let rect =
        Rect::new(field.x + LABEL_WIDTH.saturating_sub(1), y, width, height).intersection(screen);
    let cursor = picker.cursor();
    let offset = (cursor + 1).saturating_sub(usize::from(rows));
    let lines: Vec<Line> = if total == 0 {
        vec![Line::styled("No timezone matches", theme.dim())]
    } else {
        picker
            .matches()
            .enumerate()
            .skip(offset)
            .take(usize::from(rows))
            .map(|(i, zone)| {
                let name = zone.tz.name();
                let text = format!(
                    "{name:<32} {:<10} {}",
                    utc_offset(zone.tz, app.now),
                    app.now.with_timezone(&zone.tz).format("%H:%M")
                );
                let style = if i == cursor {
                    theme.cursor()
                } else {
                    Style::new()
                };
                Line::styled(text, style)
            })
            .collect()
    };
    let title = format!(
        " {total} match{} · ↑↓ · Enter takes ",
        if total == 1 { "" } else { "es" }
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn window(app: &CreateView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let form = &app.form;
    let focus = form.focus;
    let focused = matches!(focus, FieldId::WindowStart | FieldId::WindowEnd);
    let mut line = label("Calling window", focused, theme);
    let x0 = area.x + LABEL_WIDTH;
    let part = |field: FieldId| {
        let value = form.line(field).map(|l| l.value()).unwrap_or_default();
        if focus == field {
            Span::raw("      ")
        } else {
            Span::styled(format!("{:<6}", visible(value)), theme.value())
        }
    };
    line.push(part(FieldId::WindowStart));
    line.push(Span::raw(" to "));
    line.push(part(FieldId::WindowEnd));
    // 19 label + "09:00  to 17:00 " 16 cells before the hint.
    let room = usize::from(area.width.saturating_sub(LABEL_WIDTH + 16));
    line.push(Span::styled(window_hint(app, room), theme.dim()));
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(
        form,
        &[FieldId::WindowStart, FieldId::WindowEnd],
        area.width,
        theme,
    ));
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
    for (field, x) in [(FieldId::WindowStart, x0), (FieldId::WindowEnd, x0 + 10)] {
        if focus == field
            && let Some(input) = form.line(field)
        {
            let rect = Rect::new(x, area.y, 6, 1).intersection(area);
            draw_input(input, frame, rect);
        }
    }
}

/// "8 h a day · 19:30–03:30 +1 your time (Asia/Kolkata)", the zone's name
/// left out when `room` is short.
fn window_hint(app: &CreateView, room: usize) -> String {
    let form = &app.form;
    let (Ok(start), Ok(end)) = (
        time::parse_time(form.window_start.value()),
        time::parse_time(form.window_end.value()),
    ) else {
        return "  24-hour HH:MM, ↑↓ step 15 min".to_owned();
    };
    if end <= start {
        return "  must end after it starts".to_owned();
    }
    let mut hint = format!(
        "  {} a day",
        time::describe_minutes(end.minutes() - start.minutes())
    );
    let batch = Tz::from_str(form.timezone.value().trim());
    let local = Tz::from_str(&app.context.local_timezone);
    if let (Ok(batch), Ok(local)) = (batch, local)
        && batch != local
        && let Some(there) =
            schedule::window_elsewhere(batch, schedule::today_in(batch, app.now), start, end, local)
    {
        let long = format!(" · {there} your time ({})", local.name());
        if hint.chars().count() + long.chars().count() <= room {
            hint.push_str(&long);
        } else {
            hint.push_str(&format!(" · {there} your time"));
        }
    }
    hint
}

/// The cells of one day's toggle and the step to the next, in a field
/// `width` cells wide: "[x] Mon " where the seven fit, else "[Mo] " / " Mo "
/// (brackets round an allowed day), so that no day's state is ever cut
/// off on a narrow screen (issue 20: a checked Saturday was invisible at
/// 60 columns).
fn day_cells(width: u16) -> (u16, u16) {
    if width >= LABEL_WIDTH + 7 * 8 {
        (7, 8)
    } else {
        (4, 5)
    }
}

fn days(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = form.focus == FieldId::Days;
    let mut line = label("Allowed days", focused, theme);
    let compact = day_cells(area.width).0 < 7;
    for (i, name) in DAY_NAMES.iter().enumerate() {
        let on = form.days.is_on(i);
        let text = if compact {
            let short: String = name.chars().take(2).collect();
            if on {
                format!("[{short}]")
            } else {
                format!(" {short} ")
            }
        } else {
            format!("[{}] {name}", if on { 'x' } else { ' ' })
        };
        let style = match (focused && form.days.cursor() == i, on) {
            (true, _) => theme.cursor(),
            (false, true) => theme.selected(),
            (false, false) => theme.dim(),
        };
        line.push(Span::styled(text, style));
        line.push(Span::raw(" "));
    }
    // The summary only where it fits whole.
    if area.width >= LABEL_WIDTH + 7 * 8 + 12 {
        line.push(Span::styled(
            format!(" {}", form.days.describe()),
            theme.dim(),
        ));
    }
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(form, &[FieldId::Days], area.width, theme));
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
}

/// The most rows the notice under the form takes from the phone list.
const NOTICE_ROWS: usize = 4;

/// How a line under the form reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Hint,
    Warn,
    Error,
}

/// The lines under the form, wrapped to `width`: the notice and a draft
/// that is not being saved, else the count of errors, else the hint.
fn notice_lines(app: &CreateView, width: u16) -> Vec<(String, Tone)> {
    let mut parts = Vec::new();
    if let Some(notice) = &app.notice {
        parts.push((visible(notice).into_owned(), Tone::Warn));
    }
    if let DraftState::Failed(why) = &app.draft_state {
        parts.push((
            format!(
                "✗ Your draft is not being saved ({why}): what you type is only on this screen."
            ),
            Tone::Error,
        ));
    }
    if parts.is_empty() {
        parts.push(match app.form.errors.len() {
            0 => (
                "Ctrl-S checks the form and shows exactly what will be sent".to_owned(),
                Tone::Hint,
            ),
            n => (
                format!(
                    "{n} field{} to fix: see the messages marked ✗",
                    if n == 1 { "" } else { "s" }
                ),
                Tone::Error,
            ),
        });
    }
    let mut lines: Vec<(String, Tone)> = parts
        .into_iter()
        .flat_map(|(text, tone)| {
            wrap_words(&text, width.saturating_sub(2))
                .into_iter()
                .map(move |line| (format!("  {line}"), tone))
        })
        .collect();
    // The draft's failure is the last part: it keeps its place when the
    // rows run out, and the notice above it is cut instead.
    if lines.len() > NOTICE_ROWS {
        let cut = lines.len() - NOTICE_ROWS;
        let failure = lines.iter().position(|(_, t)| *t == Tone::Error);
        match failure {
            Some(at) if at >= cut => {
                lines.drain(at - cut..at);
            }
            _ => lines.truncate(NOTICE_ROWS),
        }
    }
    lines
}

fn notice(app: &CreateView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = notice_lines(app, area.width)
        .into_iter()
        .map(|(text, tone)| {
            let style = match tone {
                Tone::Hint => theme.dim(),
                Tone::Warn => theme.warn(),
                Tone::Error => theme.error(),
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(fit_lines(lines, area.width)), area);
}
