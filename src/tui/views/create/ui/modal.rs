//! The template dialogs over the form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::form::days::DaySet;
use crate::form::number;
use crate::remote::Remote;
use crate::store::template::BatchFile;
use crate::text::visible;
use crate::tui::views::create::{Modal, SaveStep};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap_words;

/// Template names on show at once in the Ctrl-O dialog.
const LIST_ROWS: usize = 8;

/// What a template holds, as the form would show it.
fn preview(file: &Result<BatchFile, String>, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let file = match file {
        Ok(file) => file,
        Err(why) => {
            return wrap_words(&format!("✗ {}", visible(why)), width)
                .into_iter()
                .map(|part| Line::styled(part, theme.error()))
                .collect();
        }
    };
    let unset = || "—".to_owned();
    let numbers = file.calling_numbers.as_ref().map_or_else(unset, |ids| {
        format!(
            "{} number{}",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        )
    });
    let window = file.calling_hour.as_ref().map_or_else(unset, |h| {
        format!("{}–{}", visible(&h.start), visible(&h.end))
    });
    let zone = file
        .timezone
        .as_deref()
        .map_or_else(unset, |z| visible(z).into_owned());
    let days = file
        .allowed_days
        .as_deref()
        .map_or_else(unset, |d| DaySet::from_days(d).describe());
    let retries = file.retry.map_or_else(unset, |r| r.to_string());
    let delay = file.delay.map_or_else(unset, number::describe_delay);
    let rows = [
        (
            "Batch name",
            file.batch_name
                .as_deref()
                .map_or_else(unset, |n| visible(n).into_owned()),
        ),
        ("Numbers", numbers),
        ("Window", format!("{window}  {zone}")),
        ("Days", days),
        ("Retries", format!("{retries} · delay {delay}")),
    ];
    let value_width = usize::from(width).saturating_sub(13);
    rows.into_iter()
        .map(|(label, value)| {
            let value: String = value.chars().take(value_width).collect();
            Line::from(vec![
                Span::styled(format!(" {label:<11} "), theme.dim()),
                Span::styled(value, theme.value()),
            ])
        })
        .collect()
}

pub fn draw(
    modal: &Modal,
    clock: crate::domain::clock::LocalClock,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let wide = matches!(modal, Modal::Drafts { .. });
    let width = (if wide { 76 } else { 60 }).min(area.width.saturating_sub(4));
    let text_width = width.saturating_sub(2);
    let wrapped = |text: &str, style: Style| -> Vec<Line<'static>> {
        wrap_words(text, text_width)
            .into_iter()
            .map(|part| Line::styled(part, style))
            .collect()
    };
    let (title, mut lines, input) = match modal {
        Modal::SaveTemplate(dialog) => {
            let mut lines = vec![
                Line::raw("Name (letters, digits, spaces, dashes, _ and .):"),
                Line::raw(""),
                Line::raw(""),
            ];
            if let Some(e) = &dialog.error {
                lines.extend(wrapped(&format!("✗ {}", visible(e)), theme.error()));
            }
            match &dialog.step {
                SaveStep::Naming => {
                    lines.push(Line::styled("Enter saves · Esc cancels", theme.dim()))
                }
                SaveStep::Saving => lines.push(Line::styled("Saving…", theme.dim())),
                SaveStep::ConfirmReplace(name) => {
                    lines.extend(wrapped(
                        &format!("A template named “{name}” exists."),
                        theme.warn(),
                    ));
                    lines.push(Line::styled(
                        "Enter replaces it · Esc keeps it",
                        theme.key(),
                    ));
                }
            }
            (" Save the form as a template ", lines, Some(&dialog.input))
        }
        Modal::Drafts {
            drafts,
            cursor,
            opening,
        } => {
            let mut lines = wrapped(
                &format!(
                    "Sessions that have ended left these drafts (times in {}).",
                    clock.zone_name()
                ),
                Style::new(),
            );
            lines.push(Line::raw(""));
            for (i, left) in drafts.iter().enumerate() {
                let file = left.path.file_name().unwrap_or_default().to_string_lossy();
                // "2026-01-15T13:58:02Z" → "2026-01-15 19:28" (the
                // operator's time, the zone named above the rows).
                let when = clock
                    .minute_of(&left.draft.saved_at)
                    .unwrap_or_else(|| left.draft.saved_at.clone());
                let on_form = if i == 0 { "  (on the form)" } else { "" };
                let tail = format!("  {when}  {file}{on_form} ");
                // The name gives way when the row is too long.
                let room = usize::from(text_width)
                    .saturating_sub(tail.chars().count() + 1)
                    .max(8);
                let name = match left.draft.name.trim() {
                    "" => "(no name)".to_owned(),
                    name if name.chars().count() + 2 > room => {
                        let cut: String = name.chars().take(room.saturating_sub(3)).collect();
                        format!("“{cut}…”")
                    }
                    name => format!("“{name}”"),
                };
                let style = if i == *cursor {
                    theme.cursor()
                } else {
                    Style::new()
                };
                lines.push(Line::styled(format!(" {name}{tail}"), style));
            }
            if let Some(dir) = drafts.first().and_then(|d| d.path.parent()) {
                lines.extend(wrapped(&format!("in {}", dir.display()), theme.dim()));
            }
            lines.push(Line::raw(""));
            if *opening {
                lines.push(Line::styled("Opening…", theme.dim()));
            } else {
                lines.extend(wrapped(
                    "Enter opens the highlighted one (the others stay as they are) · Esc keeps the form",
                    theme.dim(),
                ));
            }
            (" Drafts left by earlier sessions ", lines, None)
        }
        Modal::LoadTemplate {
            templates,
            cursor,
            deleting,
        } => {
            let mut lines = Vec::new();
            match templates {
                Remote::Loading { .. } | Remote::Idle => {
                    lines.push(Line::styled("Reading the templates…", theme.dim()))
                }
                Remote::Failed { error, .. } => {
                    let error = error.to_string();
                    lines.push(Line::styled(
                        format!("✗ {}", visible(&error)),
                        theme.error(),
                    ))
                }
                Remote::Loaded(entries) if entries.is_empty() => {
                    lines.push(Line::styled(
                        "No templates yet: Ctrl-T on the form saves one.",
                        theme.dim(),
                    ));
                }
                Remote::Loaded(entries) => {
                    // The highlighted one stays in the rows on show.
                    let offset = (*cursor + 1).saturating_sub(LIST_ROWS);
                    for (i, entry) in entries.iter().enumerate().skip(offset).take(LIST_ROWS) {
                        let style = if i == *cursor {
                            theme.cursor()
                        } else {
                            Style::new()
                        };
                        // A file name on disk: anything may be in it.
                        lines.push(Line::styled(format!(" {} ", visible(&entry.name)), style));
                    }
                    if let Some(entry) = entries.get(*cursor) {
                        lines.push(Line::raw(""));
                        lines.extend(preview(&entry.file, text_width, theme));
                    }
                }
            }
            lines.push(Line::raw(""));
            match deleting {
                Some(name) => {
                    lines.extend(wrapped(
                        &format!(
                            "Delete the template “{}”? It cannot be undone.",
                            visible(name)
                        ),
                        theme.warn(),
                    ));
                    lines.push(Line::styled("Enter deletes it · Esc keeps it", theme.key()));
                }
                None => lines.extend(wrapped(
                    "Enter loads (the form's values are replaced) · D deletes · Esc cancels",
                    theme.dim(),
                )),
            }
            (" Open a template ", lines, None)
        }
    };
    let height = crate::num::u16_sat(lines.len())
        .saturating_add(2)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    lines.truncate(usize::from(height.saturating_sub(2)));
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
    if let Some(input) = input {
        let field = Rect::new(rect.x + 1, rect.y + 2, rect.width.saturating_sub(2), 1);
        crate::tui::widgets::draw_input(input, frame, field);
    }
}
