//! Drawing pieces every view uses: the theme, the spinner, the help overlay,
//! text inputs and labelled rows. Draw code only: the model never imports
//! from here (see `views`).

pub mod add_phone;
pub mod help;
pub mod local_time;
pub mod palette;
pub mod theme;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::form::line::LineInput;
use crate::text::{fit, visible};
use theme::Theme;
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// The drawing half of a view: its `ui.rs` implements it for the view's
/// model. It reads the model and draws into `area` (the body between the
/// shell's header and footer; a dialog may cover the whole frame); it
/// never changes the model (but may record geometry in a `Cell`) and never
/// does I/O. The shell draws whichever view is on top through this trait,
/// so a new view needs no arm in [`crate::tui::draw::view`].
pub trait DrawView {
    fn draw(&self, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>);
}

/// Width of the label column of the form and the review.
pub(crate) const LABEL_WIDTH: u16 = 19;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(crate) fn spinner(frame: u64) -> &'static str {
    SPINNER[crate::num::usize_sat(frame % SPINNER.len() as u64)]
}

/// A text input being edited. A value that holds what a terminal would act
/// on or not show (a file, a draft or a paste put it there) is
/// drawn made [`visible`], with the cursor on the character it is on, so
/// that the error beside the field can be found and fixed in it.
pub(crate) fn draw_input(input: &LineInput, frame: &mut Frame, area: Rect) {
    let value = input.value();
    if matches!(visible(value), std::borrow::Cow::Borrowed(_)) {
        frame.render_widget(input.textarea(), area);
        return;
    }
    let at = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let (before, rest) = value.split_at(at);
    let mut chars = rest.chars();
    let under = chars
        .next()
        .map_or_else(|| " ".to_owned(), |c| visible(&c.to_string()).into_owned());
    let before = visible(before).into_owned();
    // Keep the cursor in view, as the text area would.
    let shift = Line::raw(before.as_str())
        .width()
        .saturating_sub(usize::from(area.width.saturating_sub(1)));
    let line = Line::from(vec![
        Span::raw(before),
        Span::styled(under, Style::new().add_modifier(Modifier::REVERSED)),
        Span::raw(visible(chars.as_str()).into_owned()),
    ]);
    frame.render_widget(
        Paragraph::new(line).scroll((0, u16::try_from(shift).unwrap_or(u16::MAX))),
        area,
    );
}

/// A "label  value" row; a long value wraps under itself, not under the
/// label.
pub(crate) fn labeled(
    name: &str,
    value: &str,
    style: Style,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let indent = usize::from(LABEL_WIDTH);
    wrap_words(value, width.saturating_sub(LABEL_WIDTH + 1))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 { name } else { "" };
            Line::from(vec![
                Span::styled(format!("{head:<indent$}"), theme.title()),
                Span::styled(part, style),
            ])
        })
        .collect()
}

/// `line` cut to `width` columns with an ellipsis, each span keeping its
/// style (the ellipsis takes the style of the span it cuts).
pub(crate) fn fit_line<'a>(line: Line<'a>, width: u16) -> Line<'a> {
    let width = usize::from(width);
    if line.width() <= width {
        return line;
    }
    let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    // What `fit` keeps of the whole, ellipsis aside, taken span by span.
    let mut keep = fit(&plain, width).chars().count().saturating_sub(1);
    let mut spans = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        let count = span.content.chars().count();
        if count < keep {
            keep -= count;
            spans.push(span);
        } else {
            let mut cut: String = span.content.chars().take(keep).collect();
            if width > 0 {
                cut.push('…');
            }
            spans.push(Span::styled(cut, span.style));
            break;
        }
    }
    Line {
        spans,
        style: line.style,
        alignment: line.alignment,
    }
}

/// Splits `text` into lines of at most `width` terminal columns at spaces
/// (a word longer than the width is cut; a CJK character takes two
/// columns and is never halved). The text is made [`visible`] first: the
/// labelled rows, warnings and errors that pass through here quote the
/// server and files.
pub(crate) fn wrap_words(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(8));
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in visible(text).split_whitespace() {
        let needed = used + usize::from(!current.is_empty()) + word.width();
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            used = 0;
        }
        if !current.is_empty() {
            current.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                used = 0;
            }
            current.push(c);
            used += w;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Every line of `lines` fitted to `width` with [`fit_line`]: for a block
/// of one-line rows (a form's fields) that must never be cut silently.
pub(crate) fn fit_lines<'a>(lines: Vec<Line<'a>>, width: u16) -> Vec<Line<'a>> {
    lines
        .into_iter()
        .map(|line| fit_line(line, width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn a_line_is_cut_with_an_ellipsis_each_span_keeping_its_style() {
        use super::fit_line;
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};
        let bold = Style::new().bold();
        let line = || Line::from(vec![Span::styled("June", bold), Span::raw(" renewals")]);
        assert_eq!(fit_line(line(), 13), line(), "fits");
        assert_eq!(
            fit_line(line(), 8),
            Line::from(vec![Span::styled("June", bold), Span::raw(" re…")])
        );
        assert_eq!(
            fit_line(line(), 4),
            Line::from(vec![Span::styled("Jun…", bold)])
        );
        assert_eq!(
            fit_line(line(), 5),
            Line::from(vec![Span::styled("June…", bold)])
        );
        assert_eq!(fit_line(line(), 0).width(), 0);
    }

    #[test]
    fn words_wrap_within_the_width() {
        assert_eq!(wrap_words("aaaa bbb cc", 8), vec!["aaaa bbb", "cc"]);
        assert_eq!(wrap_words("abcdefghijk", 8), vec!["abcdefgh", "ijk"]);
        assert_eq!(wrap_words("", 10), vec![""]);
        // Columns, not characters: each of these takes two.
        assert_eq!(
            wrap_words("東京の営業チーム 大阪の営業チーム", 16),
            vec!["東京の営業チーム", "大阪の営業チーム"]
        );
        assert_eq!(
            wrap_words("東京の営業チームです", 8),
            vec!["東京の営", "業チーム", "です"]
        );
    }

    #[test]
    fn wrapped_text_shows_what_a_terminal_would_obey_or_hide() {
        assert_eq!(
            wrap_words("x\u{1b}]2;T\u{7} y\u{202E}z", 40),
            vec!["x⟨U+001B⟩]2;T⟨U+0007⟩ y⟨U+202E⟩z"]
        );
    }
}
