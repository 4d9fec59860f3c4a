//! Drawing the whole screen: the shell's header and footer around the view
//! on show, and the overlays. `view` only reads the model; it never changes
//! it and never does I/O.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keymap;
use super::shell::Shell;
use super::views;
use super::widgets::theme::Theme;
use super::widgets::{DrawView as _, fit_line, help, palette};
use crate::connection::TargetLabel;
use crate::text::visible;

/// Below this the screen says it is too small instead of drawing a broken form.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

/// Draws the whole screen.
pub fn view(shell: &Shell, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(shell.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [header, _, footer] = frame_areas(area);
    let body = body_area(area);
    draw_header(shell, &theme, frame, header);
    let now = shell.now;
    // Every view draws itself through its `ui.rs`'s `impl DrawView`.
    match shell.top() {
        None => shell.create.draw(&theme, frame, body, now),
        Some(view) => views::each!(view, v => v.draw(&theme, frame, body, now)),
    }
    draw_footer(shell, &theme, frame, footer);
    if let Some(h) = &shell.help {
        help::draw(h, &theme, frame, area);
    }
    if let Some(p) = &shell.palette {
        palette::draw(p, &theme, frame, area);
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

/// "weya-tui │ Batches › June renewals" at the left, the target at the
/// right (shortened when both do not fit, and the breadcrumb cut).
fn draw_header(shell: &Shell, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut left = Line::from(vec![
        Span::styled(" weya-tui ", theme.title()),
        Span::styled("│ ", theme.dim()),
        Span::raw(visible(&shell.breadcrumb().join(" › ")).into_owned()),
    ]);
    // A batch's news, until the next key: before the target's long form.
    if let Some(alert) = &shell.alert {
        left.push_span(Span::styled(
            format!("  ● {}", visible(alert)),
            theme.warn(),
        ));
    }
    // What the shell says until the next key (Esc on a home screen).
    if let Some(note) = &shell.note {
        left.push_span(Span::styled(format!("  {note}"), theme.dim()));
    }
    let mut right = target_line(&shell.target, theme, false);
    if left.width() + right.width() > usize::from(area.width)
        || shell.alert.is_some()
        || shell.note.is_some()
    {
        right = target_line(&shell.target, theme, true);
    }
    // A long batch name in the breadcrumb is cut before the target, which
    // always shows.
    let room = area
        .width
        .saturating_sub(crate::num::u16_sat(right.width()));
    let left = fit_line(left, room);
    frame.render_widget(Paragraph::new("").style(theme.header()), area);
    frame.render_widget(Paragraph::new(left).style(theme.header()), area);
    frame.render_widget(
        Paragraph::new(right)
            .alignment(Alignment::Right)
            .style(theme.header()),
        area,
    );
}

/// Where requests go: the sandbox badge, or the host and the credential.
fn target_line(target: &TargetLabel, theme: &Theme, short: bool) -> Line<'static> {
    match target {
        TargetLabel::Sandbox if short => Line::styled(" SANDBOX ", theme.sandbox_badge()),
        TargetLabel::Sandbox => Line::from(vec![
            Span::styled(" SANDBOX ", theme.sandbox_badge()),
            Span::styled(" local test server, nothing reaches Weya ", theme.dim()),
        ]),
        TargetLabel::Remote { host, .. } => {
            let credentials = if short {
                target.credentials_short()
            } else {
                target.credentials_text()
            };
            Line::from(vec![
                Span::styled(format!(" {} ", visible(host)), theme.title()),
                Span::styled(format!("{credentials} "), theme.dim()),
            ])
        }
    }
}

/// The keys that apply now; quit and help always show, at the right.
fn draw_footer(shell: &Shell, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Ctrl-B, Ctrl-P and F1 at every size; Ctrl-C where there is room
    // (the help, and Esc on a home screen, say it too).
    let mut always = keymap::hints(&[keymap::Scope::Global]);
    if area.width < 100 {
        always.retain(|(keys, _)| keys != "Ctrl-C");
    }
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
    let mut right = spans_of(&always);
    // Flush with the edge: at 80 columns every cell counts.
    if let Some(last) = right.last_mut() {
        last.content = last.content.trim_end().to_owned().into();
    }
    let right = Line::from(right);
    // The screen's hints end in two spaces: the gap before these.
    let room = usize::from(area.width).saturating_sub(right.width());
    let mut left = vec![Span::raw(" ")];
    for (keys, what) in keymap::footer(&shell.scopes(), room.saturating_sub(1)) {
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
