//! The help overlay: every binding, read from the keymap table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::form::FieldId;
use crate::tui::keymap::{self, BINDINGS, Scope};
use crate::tui::shell::Help;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap_words;

/// Draws the overlay from its scroll position on (so the end stays full),
/// headed by what the field does when F1 asked about one.
pub fn draw(help: &Help, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(96);
    let lines = content(help.field, &help.scopes, width, theme);
    let total = crate::num::u16_sat(lines.len());
    let height = box_height(total, area);
    let inner = height.saturating_sub(2);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    help.scroll.record_max(total.saturating_sub(inner));
    help.scroll.record_page(inner);
    let title = if total > inner {
        " Keys (↑/↓ PgUp/PgDn scroll, Esc closes) "
    } else {
        " Keys (Esc closes) "
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((help.scroll.offset(), 0)),
        rect,
    );
}

/// The sections of the help in the order shown: the screen's own scopes
/// (`current`, but the keys of anywhere) in the order it gives them, then
/// the keys of anywhere (and Ctrl-G's), then every other scope in the
/// table's order.
pub fn sections(current: &[Scope]) -> Vec<Scope> {
    let anywhere = [Scope::Global, Scope::Unfinished];
    let mut order: Vec<Scope> = current
        .iter()
        .copied()
        .filter(|s| !anywhere.contains(s))
        .collect();
    for scope in anywhere.into_iter().chain(BINDINGS.iter().map(|b| b.scope)) {
        if !order.contains(&scope) {
            order.push(scope);
        }
    }
    order
}

/// The overlay's lines at `width`: the field's explanation (F1), then every
/// binding by scope, the screen's own first (see [`sections`]).
fn content(
    field: Option<FieldId>,
    current: &[Scope],
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(field) = field {
        lines.push(Line::styled(field.label(), theme.title()));
        for part in wrap_words(field.explain(), width.saturating_sub(4)) {
            lines.push(Line::raw(format!("  {part}")));
        }
        lines.push(Line::raw(""));
    }
    let order = sections(current);
    let mut scope = None;
    let bindings = order
        .iter()
        .flat_map(|s| BINDINGS.iter().filter(move |b| b.scope == *s));
    for b in bindings {
        if scope != Some(b.scope) {
            lines.push(Line::styled(b.scope.title(), theme.title()));
            scope = Some(b.scope);
        }
        let keys = keymap::keys_label(b);
        for (i, part) in wrap_words(b.help, width.saturating_sub(18))
            .into_iter()
            .enumerate()
        {
            let keys = if i == 0 { keys.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<12}"), theme.key()),
                Span::raw(part),
            ]));
        }
    }
    lines
}

fn box_height(total: u16, area: Rect) -> u16 {
    area.height.saturating_sub(2).min(total + 2)
}
