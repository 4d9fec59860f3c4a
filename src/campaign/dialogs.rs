//! The dialogs over the batch list: confirm start or stop in words that
//! say what will happen, and delete only once the batch's name is typed
//! (GitHub's repository-delete pattern: nothing else confirms it).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::keys::{self, Action, Scope};
use crate::text::visible;
use crate::tui::widgets::theme::Theme;

/// Start or stop the dialer on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialerAction {
    Start,
    Stop,
}

impl DialerAction {
    /// The status the row shows at once, before the server answers.
    pub fn optimistic_status(self) -> &'static str {
        match self {
            Self::Start => "active",
            Self::Stop => "stopped",
        }
    }
}

/// A dialog on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    Confirm {
        action: DialerAction,
        id: String,
        name: String,
    },
    Delete(DeleteDialog),
}

/// The delete dialog: the name typed so far, and whether Enter was pressed
/// on a name that is not the batch's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteDialog {
    pub id: String,
    pub name: String,
    pub typed: String,
    pub mismatch: bool,
}

/// What a key did to a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogReply {
    /// Still open.
    Open,
    /// Closed, nothing to do.
    Cancelled,
    /// Closed: do it.
    Confirmed,
}

impl Dialog {
    pub fn delete(id: String, name: String) -> Self {
        Self::Delete(DeleteDialog {
            id,
            name,
            typed: String::new(),
            mismatch: false,
        })
    }

    pub fn scope(&self) -> Scope {
        match self {
            Self::Confirm { .. } => Scope::Confirm,
            Self::Delete(_) => Scope::DeleteConfirm,
        }
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> DialogReply {
        match (keys::lookup(key, self.scope()), self) {
            (Some(Action::Cancel), _) => DialogReply::Cancelled,
            (Some(Action::Accept), Self::Confirm { .. }) => DialogReply::Confirmed,
            (Some(Action::Accept), Self::Delete(d)) => {
                // Exactly the name: a near miss deletes nothing, and says so.
                if d.typed == d.name {
                    DialogReply::Confirmed
                } else {
                    d.mismatch = true;
                    DialogReply::Open
                }
            }
            (_, Self::Delete(d)) => {
                let typing = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                match key.code {
                    KeyCode::Char(c) if typing => d.typed.push(c),
                    KeyCode::Backspace => {
                        d.typed.pop();
                    }
                    _ => return DialogReply::Open,
                }
                d.mismatch = false;
                DialogReply::Open
            }
            _ => DialogReply::Open,
        }
    }

    /// Pasted text goes into the typed name (one line of it).
    pub fn on_paste(&mut self, text: &str) {
        if let Self::Delete(d) = self {
            d.typed.push_str(text.lines().next().unwrap_or_default());
            d.mismatch = false;
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = 64.min(area.width.saturating_sub(4)).max(20);
        let (title, lines) = match self {
            Self::Confirm { action, name, .. } => {
                let name = visible(name);
                let (title, question, effect) = match action {
                    DialerAction::Start => (
                        " Start calling ",
                        format!("Start calling “{name}”?"),
                        "The dialer picks up its queued calls within the batch's calling window.",
                    ),
                    DialerAction::Stop => (
                        " Stop calling ",
                        format!("Stop calling “{name}”?"),
                        "Calls in progress finish; no new calls start.",
                    ),
                };
                let lines = vec![
                    Line::styled(question, theme.title()),
                    Line::raw(effect),
                    Line::raw(""),
                    Line::from(vec![
                        Span::styled("Enter", theme.key()),
                        Span::raw(" yes  "),
                        Span::styled("Esc", theme.key()),
                        Span::raw(" no"),
                    ]),
                ];
                (title, lines)
            }
            Self::Delete(d) => {
                let name = visible(&d.name);
                let mut lines = vec![
                    Line::styled(format!("Delete “{name}”?"), theme.title()),
                    Line::raw(
                        "This cannot be undone: the batch and its calls, logs and recordings go.",
                    ),
                    Line::raw(""),
                    Line::raw(format!("To confirm, type “{name}” below:")),
                    Line::styled(format!("> {}▏", visible(&d.typed)), theme.value()),
                    Line::raw(""),
                ];
                if d.mismatch {
                    lines.push(Line::styled(
                        "✗ That is not the batch's name; nothing was deleted.",
                        theme.error(),
                    ));
                }
                lines.push(Line::from(vec![
                    Span::styled("Enter", theme.key()),
                    Span::raw(" delete  "),
                    Span::styled("Esc", theme.key()),
                    Span::raw(" keep it"),
                ]));
                (" Delete batch ", lines)
            }
        };
        // Wrapped text needs a height: count generously.
        let inner = usize::from(width.saturating_sub(2)).max(1);
        let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
        let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
        let rect = Rect::new(
            area.x + area.width.saturating_sub(width) / 2,
            area.y + area.height.saturating_sub(height) / 2,
            width,
            height,
        );
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(title)),
            rect,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(d: &mut Dialog, text: &str) {
        for c in text.chars() {
            assert_eq!(d.on_key(&key(KeyCode::Char(c))), DialogReply::Open);
        }
    }

    #[test]
    fn delete_needs_the_exact_name() {
        let mut d = Dialog::delete("64e5f12345abcdef98765432".into(), "June renewals".into());
        type_text(&mut d, "june renewals");
        assert_eq!(d.on_key(&key(KeyCode::Enter)), DialogReply::Open);
        let Dialog::Delete(state) = &d else { panic!() };
        assert!(state.mismatch, "says the name is wrong");
        for _ in 0.."june renewals".len() {
            d.on_key(&key(KeyCode::Backspace));
        }
        type_text(&mut d, "June renewals");
        assert_eq!(d.on_key(&key(KeyCode::Enter)), DialogReply::Confirmed);
    }

    #[test]
    fn letters_that_are_keys_elsewhere_are_typed_in_the_delete_dialog() {
        let mut d = Dialog::delete("id".into(), "yes no".into());
        type_text(&mut d, "yes no");
        assert_eq!(d.on_key(&key(KeyCode::Enter)), DialogReply::Confirmed);
    }

    #[test]
    fn confirm_takes_enter_or_y_and_esc_or_n() {
        let mut d = Dialog::Confirm {
            action: DialerAction::Stop,
            id: "id".into(),
            name: "n".into(),
        };
        assert_eq!(d.on_key(&key(KeyCode::Char('q'))), DialogReply::Open);
        assert_eq!(d.on_key(&key(KeyCode::Char('y'))), DialogReply::Confirmed);
        assert_eq!(d.on_key(&key(KeyCode::Char('n'))), DialogReply::Cancelled);
        assert_eq!(d.on_key(&key(KeyCode::Esc)), DialogReply::Cancelled);
    }
}
