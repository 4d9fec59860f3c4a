//! Drawing the campaign views: the batch list, one batch's calls and one
//! call, and the dialogs. Only reads the models (and records the geometry
//! their `update` needs in them).

pub mod details;
pub mod dialogs;
pub mod list;

use ratatui::style::Style;
use ratatui::text::Span;

use crate::text::visible;
use crate::tui::views::batches::SearchBox;
use crate::tui::widgets::theme::Theme;

/// The search as shown: its text with a bar at the cursor while it takes
/// the keys; `None` when closed and empty.
pub fn search_text(search: &SearchBox) -> Option<String> {
    let text = search.text();
    if !search.is_open() {
        return (!text.is_empty()).then(|| visible(text).into_owned());
    }
    let at = text
        .char_indices()
        .nth(search.cursor())
        .map_or(text.len(), |(i, _)| i);
    let (before, after) = text.split_at(at);
    Some(format!("{}▏{}", visible(before), visible(after)))
}

/// A batch status as a symbol and a word (told apart without colour) and
/// its colour. Unknown statuses are shown as they come, made visible.
pub fn status_badge(status: &str, theme: &Theme) -> Span<'static> {
    let (symbol, style) = match status {
        "active" | "started" => ("▶", theme.ok()),
        "paused" => ("‖", theme.warn()),
        "stopped" => ("■", theme.error()),
        "completed" => ("✓", theme.dim()),
        _ => ("•", Style::new()),
    };
    Span::styled(format!("{symbol} {}", visible(status)), style)
}

/// A call status with a symbol, for the calls table.
pub fn call_badge(status: Option<&str>, theme: &Theme) -> Span<'static> {
    match status {
        None => Span::styled("· not called", theme.dim()),
        Some("completed") => Span::styled("✓ completed", theme.ok()),
        Some(s @ "in-progress") => Span::styled(format!("☎ {s}"), theme.warn()),
        Some(s @ ("failed" | "busy" | "no-answer")) => {
            Span::styled(format!("✗ {s}"), theme.error())
        }
        Some(s) => Span::raw(format!("• {}", visible(s))),
    }
}
