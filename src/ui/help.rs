//! The help overlay: every binding, read from the keymap table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::keymap::{self, BINDINGS};

/// Draws the overlay from line `scroll` on (clamped so the end stays full).
pub fn draw(scroll: u16, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    let mut scope = None;
    for b in BINDINGS {
        if scope != Some(b.scope) {
            lines.push(Line::styled(b.scope.title(), theme.title()));
            scope = Some(b.scope);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", keymap::keys_label(b)), theme.key()),
            Span::raw(b.help),
        ]));
    }
    let total = lines.len() as u16;
    let width = area.width.saturating_sub(4).min(96);
    let height = area.height.saturating_sub(2).min(total + 2);
    let inner = height.saturating_sub(2);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let title = if total > inner {
        " Keys (↑/↓ scroll, Esc closes) "
    } else {
        " Keys (Esc closes) "
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(total.saturating_sub(inner)), 0)),
        rect,
    );
}
