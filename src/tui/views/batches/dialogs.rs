//! The dialogs over the batch list: confirm start or stop in words that
//! say what will happen, and delete only once the batch's name is typed
//! (GitHub's repository-delete pattern: nothing else confirms it).

use crossterm::event::KeyEvent;

pub use super::msg::DialerAction;
use crate::actions::Confirmation;
use crate::form::MAX_NAME_CHARS;
use crate::form::line::{LineInput, paste_notice};
use crate::tui::keymap::{self, Action, Scope};

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
#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm {
        action: DialerAction,
        id: String,
        name: String,
        /// For a start, when the batch's calling window is closed now
        /// ([`crate::campaign::progress::start_note`]): when it opens.
        window: Option<String>,
    },
    /// Boxed: the line input is large beside the other dialog.
    Delete(Box<DeleteDialog>),
}

/// The delete dialog: the name typed so far (in the form's line input, so
/// the cursor moves and readline's keys edit), and whether Enter was
/// pressed on a name that is not the batch's. A batch whose name is empty
/// or blank is confirmed by its ID, as `weya-tui batch delete` does.
#[derive(Debug, Clone)]
pub struct DeleteDialog {
    pub id: String,
    pub name: String,
    /// What must be typed: the name, or the ID.
    pub confirmation: Confirmation,
    pub typed: LineInput,
    pub mismatch: bool,
    /// What the last paste lost (its control characters), until the next
    /// edit: the name typed may look right and not be.
    pub pasted: Option<String>,
    /// The export offered before deleting (Ctrl-S), as far as it got.
    pub export: ExportState,
}

/// The delete dialog's export (Weya's delete page says to export first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ExportState {
    #[default]
    NotAsked,
    Running,
    /// Written: where, and how many calls.
    Done {
        path: String,
        rows: u64,
    },
    Failed(String),
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
    /// Still open: export the batch's calls first.
    Export,
}

impl Dialog {
    /// The dialog that confirms `action` on batch `id`: a start says when
    /// the batch's window opens if it is closed at `now` (its `schedule`,
    /// when known).
    pub fn confirm(
        action: DialerAction,
        id: String,
        name: String,
        schedule: Option<&crate::domain::schedule::CallingSchedule>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let window = match action {
            DialerAction::Start => {
                schedule.and_then(|s| crate::campaign::progress::start_note(s, now))
            }
            DialerAction::Stop => None,
        };
        Self::Confirm {
            action,
            id,
            name,
            window,
        }
    }

    pub fn delete(id: String, name: String) -> Self {
        // Room for the whole name even when the server holds a longer one
        // than the form would make.
        let room = name.chars().count().max(MAX_NAME_CHARS);
        let confirmation = Confirmation::for_batch(&id, &name);
        Self::Delete(Box::new(DeleteDialog {
            confirmation,
            id,
            name,
            typed: LineInput::new("", room),
            mismatch: false,
            pasted: None,
            export: ExportState::NotAsked,
        }))
    }

    pub fn scope(&self) -> Scope {
        match self {
            Self::Confirm { .. } => Scope::Confirm,
            Self::Delete(_) => Scope::DeleteConfirm,
        }
    }

    /// A key: its action in the dialog's scopes, else typed text.
    pub fn on_key(&mut self, key: &KeyEvent) -> DialogReply {
        match keymap::lookup(key, &super::with_editing(self.scope())) {
            Some(action) => self.on_action(action),
            None => self.on_typed(key),
        }
    }

    /// A bound key (or the palette) asked for `action`.
    pub fn on_action(&mut self, action: Action) -> DialogReply {
        match (action, self) {
            (Action::Cancel, _) => DialogReply::Cancelled,
            (Action::Accept, Self::Confirm { .. }) => DialogReply::Confirmed,
            (Action::Accept, Self::Delete(d)) => {
                // Exactly the name (or the ID): a near miss deletes
                // nothing, and says so; nothing typed never deletes.
                if d.confirmation.accepts(d.typed.value()) {
                    DialogReply::Confirmed
                } else {
                    d.mismatch = true;
                    DialogReply::Open
                }
            }
            (Action::Export, Self::Delete(d)) => {
                if d.export == ExportState::Running {
                    return DialogReply::Open;
                }
                d.export = ExportState::Running;
                DialogReply::Export
            }
            (Action::Edit(edit), Self::Delete(d)) => {
                if d.typed.edit(edit) {
                    d.mismatch = false;
                    d.pasted = None;
                }
                DialogReply::Open
            }
            _ => DialogReply::Open,
        }
    }

    /// A key no binding takes: an edit of the delete dialog's name
    /// (typing, the arrows, Home/End, Backspace, readline's chords).
    pub fn on_typed(&mut self, key: &KeyEvent) -> DialogReply {
        if let Self::Delete(d) = self
            && d.typed.handle_key(*key)
        {
            d.mismatch = false;
            d.pasted = None;
        }
        DialogReply::Open
    }

    /// Pasted text goes into the typed name at the cursor (one line of
    /// it), saying which control characters it lost.
    pub fn on_paste(&mut self, text: &str) {
        if let Self::Delete(d) = self {
            let line = super::first_line(text);
            d.typed.paste(line);
            d.mismatch = false;
            d.pasted = paste_notice(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

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
    fn a_paste_into_the_name_that_loses_control_characters_says_so_until_the_next_edit() {
        let mut d = Dialog::delete("id".into(), "June".into());
        d.on_paste("Ju\u{7}ne\u{0}");
        let Dialog::Delete(state) = &d else { panic!() };
        assert_eq!(state.typed.value(), "June");
        assert_eq!(
            state.pasted.as_deref(),
            Some("Removed 2 control characters from the paste (U+0007 BELL, U+0000 NULL)")
        );
        d.on_key(&key(KeyCode::Backspace));
        let Dialog::Delete(state) = &d else { panic!() };
        assert_eq!(state.pasted, None);
    }

    /// Issue 16: a batch whose name is empty or blank was deleted by Enter
    /// with nothing typed. It asks for the ID instead.
    #[test]
    fn a_batch_without_a_name_is_deleted_only_once_its_id_is_typed() {
        let id = "64e5f12345abcdef98765432";
        for blank in ["", "   "] {
            let mut d = Dialog::delete(id.into(), blank.into());
            assert_eq!(
                d.on_key(&key(KeyCode::Enter)),
                DialogReply::Open,
                "{blank:?}"
            );
            type_text(&mut d, blank);
            assert_eq!(
                d.on_key(&key(KeyCode::Enter)),
                DialogReply::Open,
                "{blank:?}"
            );
            let Dialog::Delete(state) = &d else { panic!() };
            assert!(state.mismatch);
            assert_eq!(state.confirmation.what, "ID");
            for _ in 0..blank.len() {
                d.on_key(&key(KeyCode::Backspace));
            }
            type_text(&mut d, id);
            assert_eq!(d.on_key(&key(KeyCode::Enter)), DialogReply::Confirmed);
        }
    }

    #[test]
    fn the_delete_dialog_offers_the_export_once_at_a_time_and_still_deletes_only_by_name() {
        let mut d = Dialog::delete("id".into(), "June".into());
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(d.on_key(&ctrl_s), DialogReply::Export);
        assert_eq!(d.on_key(&ctrl_s), DialogReply::Open, "one export at a time");
        let Dialog::Delete(state) = &d else { panic!() };
        assert_eq!(state.export, ExportState::Running);
        assert_eq!(state.typed.value(), "", "Ctrl-S types nothing");
        assert_eq!(d.on_key(&key(KeyCode::Enter)), DialogReply::Open);
        type_text(&mut d, "June");
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
            window: None,
        };
        assert_eq!(d.on_key(&key(KeyCode::Char('q'))), DialogReply::Open);
        assert_eq!(d.on_key(&key(KeyCode::Char('y'))), DialogReply::Confirmed);
        assert_eq!(d.on_key(&key(KeyCode::Char('n'))), DialogReply::Cancelled);
        assert_eq!(d.on_key(&key(KeyCode::Esc)), DialogReply::Cancelled);
    }
}
