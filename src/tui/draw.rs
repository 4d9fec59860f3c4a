//! Drawing the whole screen: the shell's header and footer around the view
//! on show, and the overlays. `view` only reads the model; it never changes
//! it and never does I/O.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keymap;
use super::views::create::ui::{form, modal, result, review};
use super::views::create::{App, Screen, TargetLabel};
use super::widgets::help;
use super::widgets::theme::Theme;
use crate::text::visible;

/// Below this the screen says it is too small instead of drawing a broken form.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

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
        Screen::Form => form::draw(app, &theme, frame, body),
        Screen::Review(review) => review::draw(app, review, None, &theme, frame, body),
        Screen::Sending {
            review, started, ..
        } => review::draw(app, review, Some(*started), &theme, frame, body),
        Screen::Result(answer) => result::draw(app, answer, &theme, frame, body),
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
        Screen::Form => "New call batch",
        Screen::Review(_) => "Review",
        Screen::Sending { .. } => "Sending",
        Screen::Result { .. } => "Result",
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
