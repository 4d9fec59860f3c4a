//! The form's life on disk, seen from the app: the draft that follows every
//! change, drafts left by earlier sessions, and templates saved and loaded
//! by name.

use super::{Cmd, CreateView, Screen, TemplateEntry};
use crate::form::Form;
use crate::form::line::LineInput;
use crate::remote::Remote;
use crate::store::draft::{Draft, LeftDraft, batch_file_of};
use crate::store::template::{BatchFile, SaveError, Templates};

/// A dialog over the form.
#[derive(Debug, Clone)]
pub enum Modal {
    /// Naming a template to save the form as.
    SaveTemplate(Box<TemplateDialog>),
    /// Picking a template to load, its values shown before it is loaded.
    LoadTemplate {
        templates: Remote<Vec<TemplateEntry>>,
        cursor: usize,
        /// The template `D` asked to delete: Enter deletes, Esc keeps it.
        deleting: Option<String>,
    },
    /// At start: drafts left by sessions that ended. The first is on the
    /// form; picking another makes it this session's draft.
    Drafts {
        drafts: Vec<LeftDraft>,
        cursor: usize,
        /// The picked draft is being taken over: keys wait, so nothing is
        /// typed into a form about to be replaced.
        opening: bool,
    },
}

/// The Ctrl-T dialog.
#[derive(Debug, Clone)]
pub struct TemplateDialog {
    pub input: LineInput,
    pub error: Option<String>,
    pub step: SaveStep,
}

/// Where the Ctrl-T dialog stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStep {
    Naming,
    /// Written unless a template of that name exists.
    Saving,
    /// A template of this name exists: Enter replaces it, Esc keeps it.
    ConfirmReplace(String),
}

/// Where the draft stands against the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftState {
    /// The file (or its absence) matches what the operator means to keep.
    Saved,
    /// The form changed since; a save is on its way.
    Changed,
    /// The last save failed, for this reason: the form is not on disk.
    Failed(String),
}

/// The form's values changed: save the draft.
pub(super) fn save_draft(app: &mut CreateView) -> Cmd {
    app.draft_seq += 1;
    if app.draft_state == DraftState::Saved {
        app.draft_state = DraftState::Changed;
    }
    Cmd::SaveDraft {
        seq: app.draft_seq,
        draft: Box::new(Draft::of(&app.form)),
    }
}

/// Weya confirmed the batch: the draft has done its job.
pub(super) fn forget_draft(app: &mut CreateView) -> Cmd {
    app.draft_seq += 1;
    app.draft_state = DraftState::Saved;
    Cmd::DeleteDraft { seq: app.draft_seq }
}

/// A draft write finished. Only the newest change's success means the form
/// is on disk; any failure means it may not be.
pub(super) fn draft_written(app: &mut CreateView, seq: u64, result: Result<(), String>) {
    match result {
        Ok(()) if seq == app.draft_seq => app.draft_state = DraftState::Saved,
        Ok(()) => {}
        Err(why) => app.draft_state = DraftState::Failed(why),
    }
}

/// Removing the draft of a confirmed batch failed: it would come back.
pub(super) fn draft_removed(app: &mut CreateView, result: Result<(), String>) {
    if let Err(why) = result {
        app.notice = Some(format!(
            "The draft was not removed ({why}): it will be restored at the next start."
        ));
    }
}

/// "Draft from 14:02 restored — Ctrl-R starts a blank form.", the time in
/// the operator's own zone (with the day when it is not today).
pub fn restored_notice(
    draft: &Draft,
    local_timezone: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    use std::str::FromStr;
    let saved = chrono::DateTime::parse_from_rfc3339(&draft.saved_at);
    let zone = chrono_tz::Tz::from_str(local_timezone).unwrap_or(chrono_tz::UTC);
    let when = match saved {
        Ok(saved) => {
            let saved = saved.with_timezone(&zone);
            let today = now.with_timezone(&zone).date_naive();
            if saved.date_naive() == today {
                saved.format("%H:%M").to_string()
            } else {
                saved.format("%b %-d, %H:%M").to_string()
            }
        }
        // A draft saved by hand or by an older version: no time to give.
        Err(_) => "an earlier session".to_owned(),
    };
    let key = crate::tui::keymap::BINDINGS
        .iter()
        .find(|b| b.action == crate::tui::keymap::Action::BlankForm)
        .map(crate::tui::keymap::keys_label)
        .unwrap_or_default();
    format!("Draft from {when} restored — {key} starts a blank form.")
}

/// Offers `others`, drafts left by ended sessions, beside `restored`, the
/// one on the form.
pub fn offer_drafts(app: &mut CreateView, restored: LeftDraft, others: Vec<LeftDraft>) {
    if others.is_empty() {
        return;
    }
    let mut drafts = vec![restored];
    drafts.extend(others);
    app.modal = Some(Modal::Drafts {
        drafts,
        cursor: 0,
        opening: false,
    });
}

/// The picked draft is this session's now (or could not be taken).
pub(super) fn draft_adopted(
    app: &mut CreateView,
    path: &std::path::Path,
    result: Result<Draft, String>,
) {
    if matches!(app.modal, Some(Modal::Drafts { .. })) {
        app.modal = None;
    }
    match result {
        Ok(draft) => {
            draft.apply(&mut app.form);
            app.draft_state = DraftState::Saved;
            let when = app.clock().minute_zoned_of(&draft.saved_at);
            app.notice = Some(format!(
                "Restored the draft {} from {when}; the others stay as they are and are offered at the next start.",
                path.display()
            ));
        }
        Err(why) => app.notice = Some(format!("Draft not opened: {why}")),
    }
}

/// Ctrl-T: name the form to save it as a template.
pub(super) fn ask_template_name(app: &mut CreateView) {
    // The batch name is only a suggestion here, made to pass the name rule.
    let suggestion = Templates::suggest_name(app.form.name.value());
    let mut input = LineInput::new(&suggestion, 64);
    input.select_all();
    app.modal = Some(Modal::SaveTemplate(Box::new(TemplateDialog {
        input,
        error: None,
        step: SaveStep::Naming,
    })));
}

/// Ctrl-O: list the templates to pick one.
pub(super) fn ask_template(app: &mut CreateView) -> Cmd {
    let mut templates = Remote::Idle;
    templates.start_loading();
    app.modal = Some(Modal::LoadTemplate {
        templates,
        cursor: 0,
        deleting: None,
    });
    Cmd::ListTemplates
}

/// `D` in the Ctrl-O dialog: ask before deleting the highlighted template.
pub(super) fn ask_delete_template(app: &mut CreateView) {
    if let Some(Modal::LoadTemplate {
        templates,
        cursor,
        deleting,
    }) = &mut app.modal
        && let Some(entry) = templates.value().and_then(|t| t.get(*cursor))
    {
        *deleting = Some(entry.name.clone());
    }
}

/// A template was deleted, or not: say so, and list what is left.
pub(super) fn template_deleted(
    app: &mut CreateView,
    name: &str,
    result: Result<(), String>,
) -> Option<Cmd> {
    app.notice = Some(match result {
        Ok(()) => format!("Template “{name}” deleted."),
        Err(why) => format!("Template “{name}” not deleted: {why}"),
    });
    match &mut app.modal {
        Some(Modal::LoadTemplate { templates, .. }) => {
            templates.start_loading();
            Some(Cmd::ListTemplates)
        }
        _ => None,
    }
}

/// Ctrl-R: a blank form. The form's draft is not lost: the effect writes
/// it where it is and lets that file go, so the next start offers it, and
/// this session goes on in a new draft file. The form is blanked only once
/// that is done ([`draft_set_aside`]).
pub(super) fn blank_form(app: &mut CreateView) -> Option<Cmd> {
    if !matches!(app.screen, Screen::Form) {
        return None;
    }
    let blank = Form::new(&app.context.default_timezone);
    if Draft::of(&app.form) == Draft::of(&blank) {
        app.notice = Some("The form is blank already.".to_owned());
        return None;
    }
    app.draft_seq += 1;
    Some(Cmd::SetDraftAside {
        seq: app.draft_seq,
        draft: Box::new(Draft::of(&app.form)),
    })
}

/// The draft was set aside (where, if it went to a file) or not (why): the
/// form is blanked only if it was.
pub(super) fn draft_set_aside(app: &mut CreateView, result: Result<std::path::PathBuf, String>) {
    match result {
        Ok(path) => {
            let name = app.form.name.value().trim().to_owned();
            let mut form = Form::new(&app.context.default_timezone);
            // What the session knows stays: the phone list and the book.
            form.numbers = std::mem::take(&mut app.form.numbers);
            form.numbers.replace_selection(Vec::new());
            form.numbers.clear_filter();
            app.form = form;
            app.draft_state = DraftState::Saved;
            let which = if name.is_empty() {
                "The earlier draft".to_owned()
            } else {
                format!("The draft “{name}”")
            };
            app.notice = Some(format!(
                "A blank form. {which} stays in {} and is offered at the next start.",
                path.display()
            ));
        }
        Err(why) => {
            app.notice = Some(format!(
                "The form was not cleared: its draft could not be kept ({why})."
            ));
        }
    }
}

/// Enter in a dialog.
pub(super) fn accept(app: &mut CreateView) -> Option<Cmd> {
    match app.modal.as_mut()? {
        Modal::SaveTemplate(dialog) => {
            let replace = match &dialog.step {
                SaveStep::Naming => false,
                SaveStep::ConfirmReplace(_) => true,
                SaveStep::Saving => return None,
            };
            match Templates::check_name(dialog.input.value()) {
                Ok(name) => {
                    // The dialog stays until the answer: an existing
                    // template is replaced only when asked again.
                    dialog.step = SaveStep::Saving;
                    Some(Cmd::SaveTemplate {
                        name,
                        file: Box::new(batch_file_of(&app.form)),
                        replace,
                    })
                }
                Err(why) => {
                    dialog.error = Some(why);
                    dialog.step = SaveStep::Naming;
                    None
                }
            }
        }
        Modal::LoadTemplate {
            deleting: Some(name),
            ..
        } => {
            let name = name.clone();
            if let Some(Modal::LoadTemplate { deleting, .. }) = &mut app.modal {
                *deleting = None;
            }
            Some(Cmd::DeleteTemplate { name })
        }
        Modal::LoadTemplate {
            templates, cursor, ..
        } => {
            let name = templates.value()?.get(*cursor)?.name.clone();
            app.modal = None;
            Some(Cmd::LoadTemplate { name })
        }
        Modal::Drafts {
            drafts,
            cursor,
            opening,
        } => {
            if *opening {
                return None;
            }
            if *cursor == 0 {
                app.modal = None;
                return None;
            }
            *opening = true;
            Some(Cmd::AdoptDraft {
                path: drafts.get(*cursor)?.path.clone(),
            })
        }
    }
}

/// Esc in a dialog.
pub(super) fn cancel(app: &mut CreateView) {
    match &mut app.modal {
        Some(Modal::SaveTemplate(dialog)) if matches!(dialog.step, SaveStep::ConfirmReplace(_)) => {
            // The existing template is kept; another name may be typed.
            dialog.step = SaveStep::Naming;
            dialog.input.select_all();
        }
        Some(Modal::Drafts { opening: true, .. }) => {}
        // The template is kept; the dialog stays.
        Some(Modal::LoadTemplate { deleting, .. }) if deleting.is_some() => *deleting = None,
        _ => app.modal = None,
    }
}

/// Up/Down in a list dialog.
pub(super) fn move_cursor(app: &mut CreateView, down: bool) {
    let (len, cursor) = match &mut app.modal {
        Some(Modal::LoadTemplate {
            templates,
            cursor,
            deleting: None,
        }) => (templates.value().map_or(0, Vec::len), cursor),
        Some(Modal::Drafts {
            drafts,
            cursor,
            opening: false,
        }) => (drafts.len(), cursor),
        _ => return,
    };
    *cursor = if down {
        (*cursor + 1).min(len.saturating_sub(1))
    } else {
        cursor.saturating_sub(1)
    };
}

pub(super) fn templates_listed(app: &mut CreateView, result: Result<Vec<TemplateEntry>, String>) {
    if let Some(Modal::LoadTemplate {
        templates, cursor, ..
    }) = &mut app.modal
    {
        templates.finish(result.map_err(crate::api::ApiError::Config));
        // After a delete the list is shorter.
        *cursor = (*cursor).min(templates.value().map_or(0, Vec::len).saturating_sub(1));
    }
}

/// The answer to a template save.
pub(super) fn template_saved(app: &mut CreateView, result: Result<String, SaveError>) {
    let dialog = match &mut app.modal {
        Some(Modal::SaveTemplate(dialog)) if dialog.step == SaveStep::Saving => Some(dialog),
        _ => None,
    };
    match (result, dialog) {
        (Err(SaveError::Exists(name)), Some(dialog)) => {
            dialog.step = SaveStep::ConfirmReplace(name);
        }
        (Err(SaveError::Failed(why)), Some(dialog)) => {
            dialog.error = Some(why);
            dialog.step = SaveStep::Naming;
        }
        (result, _) => {
            if matches!(app.modal, Some(Modal::SaveTemplate(_))) {
                app.modal = None;
            }
            app.notice = Some(match result {
                Ok(path) => format!("Template saved: {path}"),
                Err(e) => format!("Template not saved: {e}"),
            });
        }
    }
}

/// A template arrived: its values replace the form's.
pub(super) fn template_loaded(app: &mut CreateView, name: &str, result: Result<BatchFile, String>) {
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
