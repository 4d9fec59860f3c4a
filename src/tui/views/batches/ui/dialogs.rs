//! Drawing the dialogs over the batch list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::super::dialogs::{DialerAction, Dialog, ExportState};
use crate::form::line::LineInput;
use crate::text::visible;
use crate::tui::widgets::theme::Theme;

impl Dialog {
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = 64.min(area.width.saturating_sub(4)).max(20);
        let (title, lines) = match self {
            Self::Confirm {
                action,
                name,
                window,
                ..
            } => {
                let name = visible(name);
                let (title, question, effect) = match action {
                    DialerAction::Start => (
                        " Start calling ",
                        format!("Start calling “{name}”?"),
                        "The dialer picks up its queued calls within the batch's calling window.",
                    ),
                    DialerAction::Stop => (
                        " Stop calling ",
                        format!("Stop calling “{name}”?"),
                        "Calls in progress finish; no new calls start.",
                    ),
                };
                let mut lines = vec![Line::styled(question, theme.title()), Line::raw(effect)];
                if let Some(window) = window {
                    lines.push(Line::styled(format!("⚠ {window}."), theme.warn()));
                }
                lines.extend([
                    Line::raw(""),
                    Line::from(vec![
                        Span::styled("Enter", theme.key()),
                        Span::raw(" yes  "),
                        Span::styled("Esc", theme.key()),
                        Span::raw(" no"),
                    ]),
                ]);
                (title, lines)
            }
            Self::Delete(d) => {
                let name = visible(&d.name);
                let what = d.confirmation.what;
                let (question, ask) = if what == "ID" {
                    (
                        format!("Delete batch {}?", visible(&d.id)),
                        format!(
                            "It has no name to type: to confirm, type its ID “{}” below:",
                            visible(&d.id)
                        ),
                    )
                } else {
                    (
                        format!("Delete “{name}”?"),
                        format!(
                            "To confirm, type “{}” below:",
                            visible(&d.confirmation.expected)
                        ),
                    )
                };
                let export = match &d.export {
                    ExportState::NotAsked => Line::from(vec![
                        Span::raw("Export its calls first? "),
                        Span::styled("Ctrl-S", theme.key()),
                        Span::raw(" writes them all to a CSV file."),
                    ]),
                    ExportState::Running => {
                        Line::styled("Exporting its calls: every page…", theme.dim())
                    }
                    ExportState::Done { path, rows } => Line::styled(
                        format!(
                            "✓ Exported {} call{} to {}",
                            crate::num::thousands(*rows),
                            if *rows == 1 { "" } else { "s" },
                            visible(path)
                        ),
                        theme.ok(),
                    ),
                    ExportState::Failed(why) => {
                        Line::styled(format!("✗ Not exported: {}", visible(why)), theme.error())
                    }
                };
                let mut lines = vec![
                    Line::styled(question, theme.title()),
                    Line::raw(
                        "This cannot be undone: the batch and its calls, logs and recordings go.",
                    ),
                    export,
                    Line::raw(""),
                    Line::raw(ask),
                    typed_line(&d.typed, theme),
                ];
                // In the blank line's place, so a clean paste moves nothing.
                lines.push(match &d.pasted {
                    Some(text) => Line::styled(format!("· {text}."), theme.warn()),
                    None => Line::raw(""),
                });
                if d.mismatch {
                    lines.push(Line::styled(
                        format!("✗ That is not the batch's {what}; nothing was deleted."),
                        theme.error(),
                    ));
                }
                lines.push(Line::from(vec![
                    Span::styled("Enter", theme.key()),
                    Span::raw(" delete  "),
                    Span::styled("Esc", theme.key()),
                    Span::raw(" keep it"),
                ]));
                (" Delete batch ", lines)
            }
        };
        // Wrapped text needs a height: count generously.
        let inner = usize::from(width.saturating_sub(2)).max(1);
        let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
        let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
        let rect = Rect::new(
            area.x + area.width.saturating_sub(width) / 2,
            area.y + area.height.saturating_sub(height) / 2,
            width,
            height,
        );
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(title)),
            rect,
        );
    }
}

/// The name typed so far, with a bar where the cursor is.
fn typed_line(input: &LineInput, theme: &Theme) -> Line<'static> {
    let (before, after) = input.split_at_cursor();
    Line::styled(
        format!("> {}▏{}", visible(before), visible(after)),
        theme.value(),
    )
}
