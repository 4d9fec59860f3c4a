//! The template dialogs over the form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::Modal;
use crate::remote::Remote;
use crate::text::visible;

pub fn draw(modal: &Modal, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = 60.min(area.width.saturating_sub(4));
    let (title, mut lines, input) = match modal {
        Modal::SaveTemplate(input, error) => {
            let mut lines = vec![
                Line::raw("Name (letters, digits, spaces, - and _):"),
                Line::raw(""),
                Line::raw(""),
            ];
            if let Some(e) = error {
                lines.push(Line::styled(format!("✗ {}", visible(e)), theme.error()));
            }
            lines.push(Line::styled("Enter saves · Esc cancels", theme.dim()));
            (" Save the form as a template ", lines, Some(input))
        }
        Modal::LoadTemplate { names, cursor } => {
            let mut lines = Vec::new();
            match names {
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
                Remote::Loaded(names) if names.is_empty() => {
                    lines.push(Line::styled(
                        "No templates yet: Ctrl-T on the form saves one.",
                        theme.dim(),
                    ));
                }
                Remote::Loaded(names) => {
                    for (i, name) in names.iter().enumerate().take(15) {
                        let style = if i == *cursor {
                            theme.cursor()
                        } else {
                            Style::new()
                        };
                        // A file name on disk: anything may be in it.
                        lines.push(Line::styled(format!(" {} ", visible(name)), style));
                    }
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Enter loads (the form's values are replaced) · Esc cancels",
                theme.dim(),
            ));
            (" Open a template ", lines, None)
        }
    };
    let height = (lines.len() as u16 + 2).min(area.height);
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
        super::draw_input(input, frame, field);
    }
}
