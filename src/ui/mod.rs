//! Drawing. `view` only reads the [`App`]; it never changes it and never
//! does I/O.

pub mod form;
pub mod help;
mod modal;
mod result;
pub mod review;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, TargetLabel, keymap};
use crate::form::line::LineInput;
use crate::text::visible;
use theme::Theme;

/// Below this the screen says it is too small instead of drawing a broken form.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

/// Width of the label column of the form and the review.
pub(crate) const LABEL_WIDTH: u16 = 19;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(crate) fn spinner(frame: u64) -> &'static str {
    SPINNER[(frame % SPINNER.len() as u64) as usize]
}

/// Draws the whole screen.
pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.context.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [header, _, footer] = frame_areas(area);
    let body = body_area(area);
    draw_header(app, &theme, frame, header);
    match &app.screen {
        crate::app::Screen::Form => form::draw(app, &theme, frame, body),
        crate::app::Screen::Review(review) => review::draw(app, review, None, &theme, frame, body),
        crate::app::Screen::Sending {
            review, started, ..
        } => review::draw(app, review, Some(*started), &theme, frame, body),
        crate::app::Screen::Result(answer) => result::draw(app, answer, &theme, frame, body),
    }
    draw_footer(app, &theme, frame, footer);
    if let Some(m) = &app.modal {
        modal::draw(m, &theme, frame, area);
    }
    if app.help {
        help::draw(app.help_field, app.help_scroll, &theme, frame, area);
    }
}

/// Header, body and footer rows of the screen.
fn frame_areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Where a screen's content goes, inside the header, the footer and a margin.
pub fn body_area(screen: Rect) -> Rect {
    frame_areas(screen)[1].inner(ratatui::layout::Margin::new(1, 1))
}

fn draw_header(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = match &app.screen {
        crate::app::Screen::Form => "New call batch",
        crate::app::Screen::Review(_) => "Review",
        crate::app::Screen::Sending { .. } => "Sending",
        crate::app::Screen::Result { .. } => "Result",
    };
    let left = Line::from(vec![
        Span::styled(" weya-tui ", theme.title()),
        Span::styled("│ ", theme.dim()),
        Span::raw(title),
    ]);
    let right = match &app.context.target {
        TargetLabel::Sandbox => Line::from(vec![
            Span::styled(" SANDBOX ", theme.sandbox_badge()),
            Span::styled(" local test server, nothing reaches Weya ", theme.dim()),
        ]),
        TargetLabel::Remote {
            host,
            auth_mode,
            masked_key,
            ..
        } => Line::from(vec![
            Span::styled(format!(" {} ", visible(host)), theme.title()),
            Span::styled(format!("{auth_mode} {masked_key} "), theme.dim()),
        ]),
    };
    frame.render_widget(Paragraph::new("").style(theme.header()), area);
    frame.render_widget(Paragraph::new(left).style(theme.header()), area);
    frame.render_widget(
        Paragraph::new(right)
            .alignment(Alignment::Right)
            .style(theme.header()),
        area,
    );
}

/// The keys that apply now; quit and help always show, at the right.
fn draw_footer(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let always = keymap::hints(&[keymap::Scope::Global]);
    let spans_of = |hints: &[(String, &'static str)]| -> Vec<Span<'static>> {
        hints
            .iter()
            .flat_map(|(keys, what)| {
                [
                    Span::styled(keys.clone(), theme.key()),
                    Span::raw(format!(" {what}  ")),
                ]
            })
            .collect()
    };
    let right = Line::from(spans_of(&always));
    let room = usize::from(area.width).saturating_sub(right.width() + 1);
    let mut left = vec![Span::raw(" ")];
    let mut width = 1usize;
    for (keys, what) in keymap::hints(&app.scopes()) {
        if always.iter().any(|(k, _)| *k == keys) {
            continue;
        }
        let len = keys.chars().count() + what.chars().count() + 3;
        if width + len > room {
            break;
        }
        width += len;
        left.push(Span::styled(keys, theme.key()));
        left.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(left)), area);
    frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), area);
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "{}x{}: weya-tui needs at least {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        )),
        Line::from("Enlarge the window; nothing you typed is lost. Ctrl-C quits."),
    ];
    let y = area.height.saturating_sub(3) / 2;
    let rect = Rect::new(
        area.x,
        area.y + y,
        area.width,
        area.height.saturating_sub(y),
    );
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        rect,
    );
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

/// Splits `text` into lines of at most `width` characters at spaces (a word
/// longer than the width is cut). The text is made [`visible`] first: the
/// labelled rows, warnings and errors that pass through here quote the
/// server and files.
pub(crate) fn wrap_words(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(8));
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in visible(text).split_whitespace() {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > width {
            let head: String = current.chars().take(width).collect();
            current = current.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn words_wrap_within_the_width() {
        assert_eq!(wrap_words("aaaa bbb cc", 8), vec!["aaaa bbb", "cc"]);
        assert_eq!(wrap_words("abcdefghijk", 8), vec!["abcdefgh", "ijk"]);
        assert_eq!(wrap_words("", 10), vec![""]);
    }

    #[test]
    fn wrapped_text_shows_what_a_terminal_would_obey_or_hide() {
        assert_eq!(
            wrap_words("x\u{1b}]2;T\u{7} y\u{202E}z", 40),
            vec!["x⟨U+001B⟩]2;T⟨U+0007⟩ y⟨U+202E⟩z"]
        );
    }
}
