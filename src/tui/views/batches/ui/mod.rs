//! Drawing the campaign views: the batch list, one batch's calls and one
//! call, and the dialogs. Only reads the models (and records the geometry
//! their `update` needs in them).

pub mod details;
pub mod dialogs;
pub mod list;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr as _;

use crate::text::{fit, fit_end, visible};
use crate::tui::views::batches::{Notice, SearchBox, Tone};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap_words;

/// A count with thousands separators ("38,000"), as the other screens
/// show counts.
pub(crate) use crate::num::thousands_or_unknown;
pub(crate) use crate::tui::views::import::ui::thousands;

/// `n` and its noun, singular for one: "1 call", "38,000 calls".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// [`count`] of a number the list may have left out: "? calls" then.
pub fn count_or_unknown(n: Option<u64>, one: &str, many: &str) -> String {
    match n {
        Some(n) => count(n, one, many),
        None => format!("? {many}"),
    }
}

/// The most lines the notices under the rows take: enough for a refused
/// credential's status, Weya's words and the hint at 80 columns. Past it
/// the last line is cut with an ellipsis.
pub const NOTICE_LINES: usize = 5;

/// The lines under the rows, in `width` columns: the notice of the last
/// action, then the error of the last refresh (`failure`, already with its
/// backoff). Each is wrapped, not cut, so a long error keeps its end (the
/// credential it names); at most [`NOTICE_LINES`] in all.
pub fn notice_lines(
    notice: Option<&Notice>,
    failure: Option<&str>,
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let mut texts = Vec::new();
    if let Some(n) = notice {
        let (mark, style) = match n.tone {
            Tone::Done => ("✓ ", theme.ok()),
            Tone::Info => ("· ", Style::new()),
            Tone::Failed => ("✗ ", theme.error()),
        };
        texts.push((mark, n.text.as_str(), style));
    }
    if let Some(text) = failure {
        texts.push(("✗ ", text, theme.error()));
    }
    let mut lines = Vec::new();
    for (mark, text, style) in texts {
        // Wrapped lines are indented under the text, past the mark.
        let wrapped = wrap_words(text, width.saturating_sub(2));
        for (i, line) in wrapped.into_iter().enumerate() {
            let lead = if i == 0 { mark } else { "  " };
            lines.push(Line::styled(format!("{lead}{line}"), style));
        }
    }
    if lines.len() > NOTICE_LINES {
        lines.truncate(NOTICE_LINES);
        if let Some(last) = lines.last_mut() {
            let text = format!("{last} …");
            *last = Line::styled(fit(&text, usize::from(width)), last.style);
        }
    }
    lines
}

/// The search as shown in `width` columns: its text with a bar at the
/// cursor while it takes the keys; `None` when closed and empty. Too long,
/// it is cut with an ellipsis, around the cursor while it is typed.
pub fn search_text(search: &SearchBox, width: usize) -> Option<String> {
    let text = search.text();
    if !search.is_open() {
        return (!text.is_empty()).then(|| fit(&visible(text), width));
    }
    let at = text
        .char_indices()
        .nth(search.cursor())
        .map_or(text.len(), |(i, _)| i);
    let (before, after) = text.split_at(at);
    let (before, after) = (visible(before), visible(after));
    let room = width.saturating_sub(1);
    if before.width() + after.width() <= room {
        return Some(format!("{before}▏{after}"));
    }
    // What is before the cursor keeps its end, so the cursor stays in view,
    // and leaves what is after it at most half of the room.
    let before = fit_end(&before, room - after.width().min(room / 2));
    let after = fit(&after, room.saturating_sub(before.width()));
    Some(format!("{before}▏{after}"))
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
