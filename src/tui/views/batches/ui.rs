//! Drawing the batch list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::BatchesView;
use crate::tui::widgets::theme::Theme;

pub fn draw(_view: &BatchesView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled("The batch list is coming.", theme.title()),
        Line::from(""),
        Line::from(
            "Here you will see the batches of this account, their progress and their calls. \
             Until then, `weya-tui batches` lists them on the command line.",
        ),
        Line::from(""),
        Line::styled("Esc or Ctrl-N goes back to the form.", theme.dim()),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
