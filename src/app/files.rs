//! The form's life on disk, seen from the app: the draft that follows every
//! change, and templates saved and loaded by name.

use super::{App, Cmd, Screen};
use crate::form::line::LineInput;
use crate::remote::Remote;
use crate::store::draft::{Draft, batch_file_of};
use crate::store::template::{BatchFile, Templates};

/// A dialog over the form.
#[derive(Debug, Clone)]
pub enum Modal {
    /// Naming a template to save the form as.
    SaveTemplate(Box<LineInput>, Option<String>),
    /// Picking a template to load.
    LoadTemplate {
        names: Remote<Vec<String>>,
        cursor: usize,
    },
}

/// Where the draft stands against the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    /// The file (or its absence) matches what the operator means to keep.
    Saved,
    /// The form changed since; a save is on its way.
    Changed,
}

/// The form's values changed: save the draft.
pub(super) fn save_draft(app: &mut App) -> Cmd {
    app.draft_seq += 1;
    app.draft_state = DraftState::Changed;
    Cmd::SaveDraft {
        seq: app.draft_seq,
        draft: Box::new(Draft::of(&app.form)),
    }
}

/// Weya confirmed the batch: the draft has done its job.
pub(super) fn forget_draft(app: &mut App) -> Cmd {
    app.draft_seq += 1;
    app.draft_state = DraftState::Saved;
    Cmd::DeleteDraft { seq: app.draft_seq }
}

/// Ctrl-T: name the form to save it as a template.
pub(super) fn ask_template_name(app: &mut App) {
    let mut input = LineInput::new(app.form.name.value().trim(), 64);
    input.select_all();
    app.modal = Some(Modal::SaveTemplate(Box::new(input), None));
}

/// Ctrl-O: list the templates to pick one.
pub(super) fn ask_template(app: &mut App) -> Cmd {
    let mut names = Remote::Idle;
    names.start_loading();
    app.modal = Some(Modal::LoadTemplate { names, cursor: 0 });
    Cmd::ListTemplates
}

/// Enter in a dialog.
pub(super) fn accept(app: &mut App) -> Option<Cmd> {
    match app.modal.as_mut()? {
        Modal::SaveTemplate(input, error) => match Templates::check_name(input.value()) {
            Ok(name) => {
                let file = batch_file_of(&app.form);
                app.modal = None;
                Some(Cmd::SaveTemplate {
                    name,
                    file: Box::new(file),
                })
            }
            Err(why) => {
                *error = Some(why);
                None
            }
        },
        Modal::LoadTemplate { names, cursor } => {
            let name = names.value()?.get(*cursor)?.clone();
            app.modal = None;
            Some(Cmd::LoadTemplate { name })
        }
    }
}

/// Up/Down in the template list.
pub(super) fn move_cursor(app: &mut App, down: bool) {
    if let Some(Modal::LoadTemplate { names, cursor }) = &mut app.modal {
        let len = names.value().map_or(0, Vec::len);
        *cursor = if down {
            (*cursor + 1).min(len.saturating_sub(1))
        } else {
            cursor.saturating_sub(1)
        };
    }
}

pub(super) fn templates_listed(app: &mut App, result: Result<Vec<String>, String>) {
    if let Some(Modal::LoadTemplate { names, .. }) = &mut app.modal {
        names.finish(result.map_err(crate::api::ApiError::Config));
    }
}

/// A template arrived: its values replace the form's.
pub(super) fn template_loaded(app: &mut App, name: &str, result: Result<BatchFile, String>) {
    match result {
        Ok(file) => {
            let base = Draft::of(&crate::form::Form::new(&app.context.default_timezone));
            Draft::from_file(&file, &base).apply(&mut app.form);
            app.screen = Screen::Form;
            app.notice = Some(format!("Loaded the template “{name}”."));
        }
        Err(e) => app.notice = Some(format!("Template not loaded: {e}")),
    }
}
