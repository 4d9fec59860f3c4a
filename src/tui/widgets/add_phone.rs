//! The dialog that registers a new number (add-phone), in the form's phone
//! picker and in the phones view: its five fields, the secret two masked,
//! and why the last try failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::api::Integration;
use crate::form::line::LineInput;
use crate::form::phones::AddPhoneDialog;
use crate::store::phonebook::PhoneField;
use crate::text::visible;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::wrap_words;

/// Columns before a field's value: the marker and the label.
const LABEL: u16 = 15;

pub fn draw(dialog: &AddPhoneDialog, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = 64.min(area.width.saturating_sub(2));
    let text_width = width.saturating_sub(2);
    // One column in from the border, as the fields' markers are.
    let wrapped = |text: &str, style: Style| -> Vec<Line<'static>> {
        wrap_words(text, text_width.saturating_sub(2))
            .into_iter()
            .map(|part| Line::styled(format!(" {part}"), style))
            .collect()
    };
    let mut lines = Vec::new();
    let mut inputs = Vec::new();
    for &field in AddPhoneDialog::fields() {
        let focused = field == dialog.focus && dialog.sending.is_none();
        let marker = if focused { "▶ " } else { "  " };
        let label_style = if focused {
            theme.focused_label()
        } else {
            theme.label()
        };
        let mut spans = vec![Span::styled(
            format!("{marker}{:<13}", field.label()),
            label_style,
        )];
        match dialog.input(field) {
            Some(input) => {
                if !AddPhoneDialog::is_secret(field) && focused {
                    // Drawn over the line with its cursor, below.
                    inputs.push((lines.len(), input));
                } else {
                    spans.push(Span::styled(shown(input, field), theme.value()));
                    if focused {
                        spans.push(Span::styled(
                            " ",
                            Style::new().add_modifier(Modifier::REVERSED),
                        ));
                    }
                }
            }
            None => spans.extend(choice(dialog.integration, focused, theme)),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    for (field, why) in &dialog.errors {
        lines.extend(wrapped(
            &format!("✗ {}: {}", field.label(), visible(why)),
            theme.error(),
        ));
    }
    if let Some(failure) = &dialog.failure {
        lines.extend(wrapped(&format!("✗ {}", visible(failure)), theme.error()));
    }
    lines.extend(wrapped(
        "The provider's auth token and account SID go to Weya in this request only: \
         never shown, kept or logged. The new phone ID is kept in phonebook.toml.",
        theme.dim(),
    ));
    lines.push(if dialog.sending.is_some() {
        Line::styled(" Registering…  (Esc stops waiting)", theme.dim())
    } else {
        Line::styled(
            " Enter registers · Tab next field · Esc cancels",
            theme.key(),
        )
    });

    let height = crate::num::u16_sat(lines.len())
        .saturating_add(2)
        .min(area.height);
    let rect = Rect::new(
        area.x + area.width.saturating_sub(width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    lines.truncate(usize::from(height.saturating_sub(2)));
    let shown_rows = lines.len();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Add a number (add-phone) "),
        ),
        rect,
    );
    for (row, input) in inputs {
        if row >= shown_rows {
            continue;
        }
        let x = rect.x + 1 + LABEL;
        let field = Rect::new(
            x,
            rect.y + 1 + crate::num::u16_sat(row),
            rect.right().saturating_sub(x + 1),
            1,
        );
        crate::tui::widgets::draw_input(input, frame, field);
    }
}

/// A field's value as drawn: a secret as one dot a character, so that
/// what was typed can be counted but never read.
fn shown(input: &LineInput, field: PhoneField) -> String {
    if AddPhoneDialog::is_secret(field) {
        "•".repeat(input.value().chars().count())
    } else {
        visible(input.value()).into_owned()
    }
}

/// The providers, the chosen one marked.
fn choice(chosen: Integration, focused: bool, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, integration) in Integration::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        let style = match (integration == chosen, focused) {
            (true, true) => theme.cursor(),
            (true, false) => theme.selected(),
            (false, _) => theme.dim(),
        };
        let mark = if integration == chosen {
            "(•) "
        } else {
            "( ) "
        };
        spans.push(Span::styled(format!("{mark}{integration}"), style));
    }
    spans
}
