//! The form's life on disk, seen from the app: the draft that follows every
//! change, and templates saved and loaded by name.

use super::{App, Cmd, Screen};
use crate::form::Form;
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
    // The batch name is only a suggestion here: cut to what fits.
    let suggestion: String = app.form.name.value().trim().chars().take(64).collect();
    let mut input = LineInput::new(&suggestion, 64);
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
            let invalid = fill_from_file(&mut app.form, &file, &app.context.default_timezone);
            app.screen = Screen::Form;
            let loaded = format!("Loaded the template “{name}”.");
            app.notice = Some(match to_fix(invalid) {
                Some(more) => format!("{loaded} {more}"),
                None => loaded,
            });
        }
        Err(e) => app.notice = Some(format!("Template not loaded: {e}")),
    }
}

/// A batch file's values replace the form's, exactly as the file has them
/// (the fields it leaves out take the defaults). Each field it gave that is
/// invalid shows its error at once; returns how many do.
pub(super) fn fill_from_file(form: &mut Form, file: &BatchFile, default_timezone: &str) -> usize {
    let base = Draft::of(&Form::new(default_timezone));
    Draft::from_file(file, &base).apply(form);
    form.check_given(&file.given_fields())
}

/// What to say when a file's values need fixing.
pub(super) fn to_fix(invalid: usize) -> Option<String> {
    let fields = match invalid {
        0 => return None,
        1 => "1 field".to_owned(),
        n => format!("{n} fields"),
    };
    Some(format!(
        "{fields} to fix (marked ✗), shown as the file has them."
    ))
}
