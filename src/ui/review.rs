//! The review: what will happen in words, and the exact body that is sent.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::theme::Theme;
use super::{labeled, spinner};
use crate::app::{App, Review, TargetLabel};
use crate::form::days::DaySet;
use crate::form::{number, time};

/// Draws the review; with `sending` set, the in-flight state replaces the
/// prompt.
pub fn draw(
    app: &App,
    review: &Review,
    sending: Option<Instant>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let summary = summary_lines(app, review, area.width, theme);
    let [top, body_area, status] = Layout::vertical([
        Constraint::Length(summary.len() as u16),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(summary).wrap(Wrap { trim: false }), top);

    let endpoint = match &app.context.target {
        TargetLabel::Sandbox => "POST /api/call/createBatch (sandbox)".to_owned(),
        TargetLabel::Remote { base_url, .. } => format!("POST {base_url}/api/call/createBatch"),
    };
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        format!(" Body, byte for byte, sent to {endpoint} "),
        theme.title(),
    ));
    let body: Vec<Line> = review.body.lines().map(Line::raw).collect();
    frame.render_widget(
        Paragraph::new(body)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((review.scroll, 0)),
        body_area,
    );

    let line = match sending {
        None => Line::from(vec![
            Span::styled("Nothing has been sent yet. ", theme.title()),
            Span::styled("Enter", theme.key()),
            Span::raw(" sends it once; "),
            Span::styled("Esc", theme.key()),
            Span::raw(" goes back to the form."),
        ]),
        Some(started) => Line::from(vec![
            Span::styled(
                format!(
                    "{} Sending… {:.1} s",
                    spinner(app.frame),
                    started.elapsed().as_secs_f32()
                ),
                theme.warn(),
            ),
            Span::raw("  Esc stops waiting (the batch may still be created)"),
        ]),
    };
    frame.render_widget(Paragraph::new(line), status);
}

/// The request in plain words.
fn summary_lines(app: &App, review: &Review, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let req = &review.request;
    let picker = &app.form.numbers;
    let numbers: Vec<String> = req
        .calling_numbers
        .iter()
        .map(|id| match picker.phone(id) {
            Some(p) if !p.label.is_empty() => format!("+{} ({})", p.phone_number, p.label),
            Some(p) => format!("+{}", p.phone_number),
            None => format!("ID {id}"),
        })
        .collect();
    let n = numbers.len();
    let rotating = if n == 1 {
        format!("1 number: {}", numbers.join(", "))
    } else {
        format!("{n} numbers in rotation: {}", numbers.join(", "))
    };
    let days = DaySet::from_days(req.allowed_days.as_deref().unwrap_or_default()).describe();
    let schedule = match &req.calling_hour {
        Some(h) => {
            let length = match (time::parse_time(&h.start), time::parse_time(&h.end)) {
                (Ok(s), Ok(e)) if e > s => format!(
                    " ({} a day)",
                    time::describe_minutes(e.minutes() - s.minutes())
                ),
                _ => String::new(),
            };
            format!(
                "{days} {}–{} {}{length}",
                h.start,
                h.end,
                req.timezone
                    .as_deref()
                    .unwrap_or("(server's default timezone)")
            )
        }
        None => format!("{days}, hours left to the server"),
    };
    let retries = match (req.retry, req.delay) {
        (Some(0), _) => "no retries".to_owned(),
        (Some(1), Some(d)) => format!(
            "1 retry, {} after the failed call",
            number::describe_delay(d)
        ),
        (Some(r), Some(d)) => format!("{r} retries, {} apart", number::describe_delay(d)),
        (r, _) => format!(
            "{} retries",
            r.map_or("server default".into(), |r| r.to_string())
        ),
    };
    let target = match &app.context.target {
        TargetLabel::Sandbox => "SANDBOX: the local test server; nothing reaches Weya".to_owned(),
        TargetLabel::Remote {
            host,
            auth_mode,
            masked_key,
            ..
        } => format!("{host}, {auth_mode} {masked_key}"),
    };
    let mut lines = Vec::new();
    for (name, value) in [
        ("Batch name", req.batch_name.as_str()),
        ("Calls from", &rotating),
        ("Schedule", &schedule),
        ("Retries", &retries),
        ("Target", &target),
    ] {
        lines.extend(labeled(name, value, Style::new(), width, theme));
    }
    lines.push(Line::raw(""));
    lines
}
