//! The contacts' own local time as the import check and a batch's
//! details draw it (the lines are [`crate::domain::local_time`]'s).

use ratatui::text::Line;

use crate::domain::local_time::{self, LocalTimes};
use crate::text::visible;
use crate::tui::widgets::theme::Theme;

/// The most lines the local time takes in a batch's details header.
const HEADER_LINES: usize = 3;

/// A batch's details header: the flagged groups, wrapped to `width` in
/// at most `HEADER_LINES` lines (the last cut), or why none is shown.
pub fn header_lines(
    times: Option<&Result<LocalTimes, String>>,
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let (text, style) = match times {
        None => return Vec::new(),
        Some(Ok(times)) if times.flagged().next().is_some() => {
            (format!("⚠ {}", times.compact()), theme.warn())
        }
        Some(Ok(times)) => (times.compact(), theme.dim()),
        Some(Err(why)) => (local_time::not_known(why), theme.dim()),
    };
    let mut wrapped = super::wrap_words(&text, width);
    if wrapped.len() > HEADER_LINES {
        wrapped.truncate(HEADER_LINES);
        if let Some(last) = wrapped.last_mut() {
            last.push_str(" …");
        }
    }
    wrapped
        .into_iter()
        .map(|line| Line::styled(line, style))
        .collect()
}

/// The most time zones the check lists (the rest are counted).
const SHOWN_ZONES: usize = 6;

/// The batch's window on the contacts' clocks, a line per time zone, those
/// outside the hours marked; or why it is not shown. For the import
/// check and the batch's details.
pub fn lines(times: Option<&Result<LocalTimes, String>>, theme: &Theme) -> Vec<Line<'static>> {
    match times {
        None => Vec::new(),
        // A line, not two: most imports are into batches made elsewhere.
        Some(Err(why)) if why == local_time::NO_SCHEDULE => vec![Line::styled(
            "Local time: not shown (the window is known only for batches made here)",
            theme.dim(),
        )],
        Some(Err(why)) => vec![Line::styled(
            visible(&local_time::not_known(why)).into_owned(),
            theme.dim(),
        )],
        Some(Ok(times)) => {
            let flagged = times.flagged().next().is_some();
            let mut lines = vec![Line::styled(
                format!(
                    "{}Local time ({}): {}",
                    if flagged { "⚠ " } else { "" },
                    times.basis(),
                    times.summary()
                ),
                if flagged { theme.warn() } else { theme.dim() },
            )];
            for group in times.groups.iter().take(SHOWN_ZONES) {
                lines.push(if group.is_flagged() {
                    Line::styled(format!("  ⚠ {}", times.line(group)), theme.warn())
                } else {
                    Line::styled(format!("    {}", times.line(group)), theme.dim())
                });
            }
            if let Some(rest) = times.lines(SHOWN_ZONES).get(SHOWN_ZONES + 1) {
                lines.push(Line::styled(rest.clone(), theme.dim()));
            }
            lines
        }
    }
}
