//! Drawing the command palette: the query, then what matches it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr as _;

use crate::text::fit;
use crate::tui::palette::Palette;
use crate::tui::widgets::theme::Theme;

/// The palette, centred near the top of `area`.
pub fn draw(palette: &Palette, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(80);
    let rows = area.height.saturating_sub(6).min(14);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + 2,
        width,
        rows + 4,
    );
    let inner = usize::from(width.saturating_sub(2));
    // The query is drawn over this line, after the prompt, as a text input.
    // Under it, what the last paste lost, as every input says it.
    let pasted = palette
        .paste_notice()
        .map_or_else(Line::default, |n| Line::styled(fit(n, inner), theme.warn()));
    let mut lines = vec![Line::styled("› ", theme.key()), pasted];
    let shown: Vec<_> = palette.shown().collect();
    if shown.is_empty() {
        lines.push(Line::styled(palette.empty_text(), theme.dim()));
    }
    // The highlight stays in view: the list starts as late as it must.
    let skip = (palette.cursor + 1).saturating_sub(usize::from(rows));
    for (i, (what, keys)) in shown
        .into_iter()
        .enumerate()
        .skip(skip)
        .take(usize::from(rows))
    {
        // Cut by columns, with an ellipsis, two columns clear of the keys.
        let what = fit(&what, inner.saturating_sub(keys.width() + 2));
        let pad = inner.saturating_sub(what.width() + keys.width());
        let style = if i == palette.cursor {
            theme.cursor()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{what}{:pad$}", ""), style),
            Span::styled(keys, theme.key()),
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(palette.title());
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    let query = Rect::new(rect.x + 3, rect.y + 1, width.saturating_sub(4), 1).intersection(area);
    super::draw_input(palette.input(), frame, query);
}
