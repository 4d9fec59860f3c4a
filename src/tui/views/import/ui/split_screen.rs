//! Drawing the split by time zone's screens (see
//! [`crate::tui::views::import::split`]): what
//! the command printed, scrollable, under a line that says where the split
//! stands. Records how far it scrolls in the view's cell.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar as _;

use crate::text::visible_lines;
use crate::tui::views::import::split::{SplitPhase, SplitScreen};
use crate::tui::widgets::fit_line;
use crate::tui::widgets::theme::Theme;

/// The split's screen in `area` (the view's body).
pub(crate) fn draw(split: &SplitScreen, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    let (status, style) = match (split.phase, split.code) {
        (SplitPhase::Reviewing, _) => (
            "Making the review (--split-by-zone --dry-run): nothing is sent…".to_owned(),
            theme.dim(),
        ),
        (SplitPhase::Running, _) => (
            "Creating the batches, then importing each group (--split-by-zone --yes)…".to_owned(),
            theme.dim(),
        ),
        (SplitPhase::Review, Some(0)) => (
            "Nothing sent yet. Enter creates these batches and imports; Esc cancels.".to_owned(),
            theme.ok(),
        ),
        (SplitPhase::Review, code) => (
            format!(
                "The split cannot be made (exit {}): nothing was sent.",
                code.unwrap_or_default()
            ),
            theme.error(),
        ),
        (SplitPhase::Done, Some(0)) => (
            "Done: every batch created and every group imported.".to_owned(),
            theme.ok(),
        ),
        (SplitPhase::Done, code) => (
            format!(
                "Stopped (exit {}): see why below; z on the check runs it again, and nothing \
                 done is sent twice.",
                code.unwrap_or_default()
            ),
            theme.error(),
        ),
    };
    let lines = vec![
        Line::styled(split.title(), theme.title()),
        Line::styled(status, style),
    ];
    let lines: Vec<Line> = lines.into_iter().map(|l| fit_line(l, head.width)).collect();
    frame.render_widget(Paragraph::new(lines), head);

    let width = usize::from(body.width.max(1));
    let rows: Vec<String> = visible_lines(&split.text)
        .lines()
        .flat_map(|line| hard_wrap(line, width))
        .collect();
    let max =
        u16::try_from(rows.len().saturating_sub(usize::from(body.height))).unwrap_or(u16::MAX);
    split.max_scroll.set(max);
    let scroll = usize::from(split.scroll.min(max));
    let shown: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(usize::from(body.height))
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(shown), body);
}

/// `line` in pieces of at most `width` columns.
fn hard_wrap(line: &str, width: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
        used += w;
    }
    pieces
}
