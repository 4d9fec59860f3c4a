//! The create-batch form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{LABEL_WIDTH, spinner, wrap_words};
use crate::app::App;
use crate::form::days::DAY_NAMES;
use crate::form::{FieldId, Form, number, time};
use crate::remote::Remote;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let form = &app.form;
    let err_width = area.width.saturating_sub(LABEL_WIDTH + 2);
    let err = |f: FieldId| {
        form.errors
            .get(&f)
            .map_or(0, |m| wrap_words(m, err_width).len() as u16)
    };
    let fixed = [
        1 + err(FieldId::Name),
        1,
        1 + err(FieldId::Numbers),
        1,
        1 + err(FieldId::Timezone),
        1 + err(FieldId::WindowStart) + err(FieldId::WindowEnd),
        1 + err(FieldId::Days),
        1 + err(FieldId::Retries),
        1 + err(FieldId::Delay),
        1,
    ];
    // The list is as tall as its rows, within what the screen leaves; the
    // fields below it follow it up rather than sit at the bottom.
    let room = area.height.saturating_sub(fixed.iter().sum());
    let list_height = (form.numbers.rows().len() as u16).clamp(3, room.max(3));
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

    let counter = format!(
        "  {}/{}",
        form.name.value().chars().count(),
        form.name.max_chars()
    );
    text_field(
        form,
        FieldId::Name,
        "Batch name",
        &counter,
        theme,
        frame,
        rows[0],
    );
    numbers_title(app, theme, frame, rows[2]);
    numbers_list(form, theme, frame, rows[3]);
    text_field(
        form,
        FieldId::Timezone,
        "Timezone",
        "  IANA name, e.g. America/New_York",
        theme,
        frame,
        rows[5],
    );
    window(form, theme, frame, rows[6]);
    days(form, theme, frame, rows[7]);
    let retries_hint = format!("  retries of a failed call (0–{})", number::MAX_RETRIES);
    text_field(
        form,
        FieldId::Retries,
        "Retries",
        &retries_hint,
        theme,
        frame,
        rows[8],
    );
    let delay_hint = match number::parse_delay(form.delay.value()) {
        Ok(secs) => format!(
            "  {} between retries (90, 90s, 15m, 1h)",
            number::describe_delay(secs)
        ),
        Err(_) => "  seconds, or 90s, 15m, 1h".to_owned(),
    };
    text_field(
        form,
        FieldId::Delay,
        "Retry delay",
        &delay_hint,
        theme,
        frame,
        rows[9],
    );
    notice(app, theme, frame, rows[10]);
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
            format!("{text:<w$}", w = usize::from(LABEL_WIDTH) - 2),
            style,
        ),
    ]
}

/// The error rows under a field, indented to the value column and wrapped
/// at word boundaries to the width that is left.
fn error_lines(form: &Form, fields: &[FieldId], width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let indent = " ".repeat(usize::from(LABEL_WIDTH));
    let mut lines = Vec::new();
    for message in fields.iter().filter_map(|f| form.errors.get(f)) {
        let wrapped = wrap_words(message, width.saturating_sub(LABEL_WIDTH + 2));
        for (i, part) in wrapped.into_iter().enumerate() {
            let mark = if i == 0 { "✗ " } else { "  " };
            lines.push(Line::from(vec![
                Span::raw(indent.clone()),
                Span::styled(format!("{mark}{part}"), theme.error()),
            ]));
        }
    }
    lines
}

/// A one-line text field with a hint after it. The focused field is the
/// live text area (with its cursor); the others are plain text.
#[allow(clippy::too_many_arguments)]
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
    let value_width = (input.max_chars() as u16 + 1).clamp(6, 48);
    let value_area = Rect::new(
        area.x + LABEL_WIDTH,
        area.y,
        value_width.min(area.width.saturating_sub(LABEL_WIDTH)),
        1,
    );
    let mut line = label(name, focused, theme);
    let shown = input.value().chars().count() as u16;
    let value_cells = if focused {
        value_width
    } else {
        shown.min(value_width)
    };
    line.push(Span::raw(" ".repeat(usize::from(value_cells))));
    line.push(Span::styled(hint.to_owned(), theme.dim()));
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(form, &[field], area.width, theme));
    frame.render_widget(Paragraph::new(lines), area);
    if focused {
        frame.render_widget(input.textarea(), value_area);
    } else if input.value().is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("(empty)", theme.dim())),
            value_area,
        );
    } else {
        frame.render_widget(
            Paragraph::new(Span::styled(input.value(), theme.value())),
            value_area,
        );
    }
}

fn numbers_title(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let form = &app.form;
    let picker = &form.numbers;
    let mut line = label("Calling numbers", form.focus == FieldId::Numbers, theme);
    let total = picker.rows().len();
    line.push(Span::raw(format!(
        "{} of {total} selected",
        picker.selected_count()
    )));
    match &picker.phones {
        Remote::Loading { .. } => line.push(Span::styled(
            format!("  {} loading the phone list…", spinner(app.frame)),
            theme.dim(),
        )),
        Remote::Failed { .. } => line.push(Span::styled(
            "  ✗ list not loaded (r on the list retries)",
            theme.error(),
        )),
        Remote::Loaded(_) | Remote::Idle => {}
    }
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(form, &[FieldId::Numbers], area.width, theme));
    frame.render_widget(Paragraph::new(lines), area);
}

fn numbers_list(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect) {
    let picker = &form.numbers;
    let rows = picker.rows();
    let area = Rect {
        x: area.x + LABEL_WIDTH,
        width: area.width.saturating_sub(LABEL_WIDTH),
        ..area
    };
    if rows.is_empty() {
        let lines: Vec<Line> = match &picker.phones {
            Remote::Loaded(_) => vec![Line::styled(
                "No phone numbers in this workspace's list",
                theme.dim(),
            )],
            Remote::Failed { error, .. } => {
                let text = format!(
                    "Could not load the phone list: {error}. Press r here to retry; \
                     the rest of the form works meanwhile."
                );
                wrap_words(&text, area.width.saturating_sub(2))
                    .into_iter()
                    .map(|l| Line::styled(l, theme.error()))
                    .collect()
            }
            Remote::Loading { .. } | Remote::Idle => Vec::new(),
        };
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let height = usize::from(area.height);
    let cursor = picker.cursor();
    let offset = (cursor + 1).saturating_sub(height);
    let focused = form.focus == FieldId::Numbers;
    let label_width = usize::from(area.width)
        .saturating_sub(4 + 16 + 1 + 8 + 1 + 8)
        .clamp(8, 28);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, phone)| {
            let selected = picker.is_selected(&phone.id);
            let mark = if selected { "[x] " } else { "[ ] " };
            let label: String = phone.label.chars().take(label_width).collect();
            let short_id = &phone.id[phone.id.len().saturating_sub(6)..];
            let text = format!(
                "{mark}{:<16} {label:<label_width$} {:<8} …{short_id}",
                format!("+{}", phone.phone_number),
                phone.integration,
            );
            let style = match (focused && i == cursor, selected) {
                (true, _) => theme.cursor(),
                (false, true) => theme.selected(),
                (false, false) => Style::new(),
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn window(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focus = form.focus;
    let focused = matches!(focus, FieldId::WindowStart | FieldId::WindowEnd);
    let mut line = label("Calling window", focused, theme);
    let x0 = area.x + LABEL_WIDTH;
    let part = |field: FieldId| {
        let value = form.line(field).map(|l| l.value()).unwrap_or_default();
        if focus == field {
            Span::raw("      ")
        } else {
            Span::styled(format!("{value:<6}"), theme.value())
        }
    };
    line.push(part(FieldId::WindowStart));
    line.push(Span::raw(" to "));
    line.push(part(FieldId::WindowEnd));
    let length = match (
        time::parse_time(form.window_start.value()),
        time::parse_time(form.window_end.value()),
    ) {
        (Ok(s), Ok(e)) if e > s => format!(
            "  {} a day, in the batch timezone",
            time::describe_minutes(e.minutes() - s.minutes())
        ),
        _ => "  24-hour HH:MM".to_owned(),
    };
    line.push(Span::styled(length, theme.dim()));
    let mut lines = vec![Line::from(line)];
    lines.extend(error_lines(
        form,
        &[FieldId::WindowStart, FieldId::WindowEnd],
        area.width,
        theme,
    ));
    frame.render_widget(Paragraph::new(lines), area);
    for (field, x) in [(FieldId::WindowStart, x0), (FieldId::WindowEnd, x0 + 10)] {
        if focus == field
            && let Some(input) = form.line(field)
        {
            let rect = Rect::new(x, area.y, 6, 1).intersection(area);
            frame.render_widget(input.textarea(), rect);
        }
    }
}

fn days(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = form.focus == FieldId::Days;
    let mut line = label("Allowed days", focused, theme);
    for (i, name) in DAY_NAMES.iter().enumerate() {
        let on = form.days.is_on(i);
        let text = format!("[{}] {name}", if on { 'x' } else { ' ' });
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
    frame.render_widget(Paragraph::new(lines), area);
}

fn notice(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let line = match (&app.notice, app.form.errors.len()) {
        (Some(notice), _) => Line::styled(notice.clone(), theme.warn()),
        (None, 0) => Line::styled(
            "  Ctrl-S checks the form and shows exactly what will be sent",
            theme.dim(),
        ),
        (None, n) => Line::styled(
            format!(
                "  {n} field{} to fix: see the messages marked ✗",
                if n == 1 { "" } else { "s" }
            ),
            theme.error(),
        ),
    };
    frame.render_widget(Paragraph::new(line), area);
}
