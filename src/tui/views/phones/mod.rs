//! The phones view: the workspace's numbers (`GET` phone list, the one the
//! form's picker reads) beside the operator's phone book
//! (`phonebook.toml`), reached from the palette. It fetches both each
//! time it comes on screen and on `r`; `c` copies a number's phone ID;
//! `n` registers a new number with add-phone (the form's picker dialog,
//! [`AddPhoneDialog`]), keeps its ID in the phone book and shows it.
//!
//! The view is the recipe of [`crate::tui::views`] and nothing more: a
//! model (this file), its messages (`msg.rs`, a leaf), its drawing
//! (`ui.rs`), its tests (`tests.rs`).

pub mod msg;
pub mod ui;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::api::{ApiError, Phone};
use crate::domain::phone::format_number;
use crate::form::phones::AddPhoneDialog;
use crate::store::phonebook::{AddPhoneError, PhoneField, Registered};
use crate::tui::keymap::{Action, Input, Scope};
use crate::tui::msg::{AddPhoneAnswer, Cmd, Msg, Reply};
use crate::tui::views::ViewModel;
use crate::tui::views::batches::error_text;
pub use msg::PhonesMsg;

/// Where the view's phone list comes back (its own job: the form's fetch
/// is never cut short by this one).
const LOADED: Reply<(u64, Result<Vec<Phone>, ApiError>)> =
    Reply::new("phones.view", |(generation, result)| {
        Msg::Phones(PhonesMsg::Loaded { generation, result })
    });

/// Where `phonebook.toml` comes back.
const BOOK_READ: Reply<Result<Vec<Phone>, String>> = Reply::new("phonebook.view", |result| {
    Msg::Phones(PhonesMsg::BookRead(result))
});

/// Where the dialog's add-phone answer comes back.
const PHONE_ADDED: Reply<(u64, AddPhoneAnswer)> =
    Reply::new("phones.add_phone", |(request_id, result)| {
        Msg::Phones(PhonesMsg::PhoneAdded { request_id, result })
    });

/// One row: a number of the workspace and whether the phone book has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRow<'a> {
    pub phone: &'a Phone,
    /// Its phone ID is in `phonebook.toml`.
    pub in_book: bool,
    /// The label to show: the workspace's, or the phone book's when the
    /// workspace gives none (a number registered here has its label only
    /// in the book).
    pub label: &'a str,
}

/// The phones view's state.
#[derive(Debug, Clone, Default)]
pub struct PhonesView {
    /// The fetch whose answer is awaited (an older one's is dropped).
    generation: u64,
    /// The last list fetched (`None`: none came yet). A failed refresh
    /// keeps it, with the error beside it.
    phones: Option<Vec<Phone>>,
    /// Why the last fetch failed, as the campaign views say it (with the
    /// request ID).
    error: Option<String>,
    /// A fetch is on its way.
    loading: bool,
    /// The phone book as last read, or why it could not be (`None`: not
    /// read, as when there is no home directory to keep it in).
    book: Option<Result<Vec<Phone>, String>>,
    /// The highlighted row.
    selected: usize,
    /// What the last key did ("Copied ...").
    notice: Option<String>,
    /// The add-phone dialog, while it is open (its secrets go with it).
    adding: Option<AddPhoneDialog>,
    /// Numbers the add-phone requests, so an answer finds its dialog.
    last_request: u64,
}

impl PhonesView {
    pub fn new() -> Self {
        Self::default()
    }

    /// The workspace's numbers, each with whether the phone book has it.
    pub fn rows(&self) -> Vec<PhoneRow<'_>> {
        let book = match &self.book {
            Some(Ok(book)) => book.as_slice(),
            _ => &[],
        };
        match &self.phones {
            Some(phones) => phones
                .iter()
                .map(|phone| {
                    let kept = book.iter().find(|b| b.id == phone.id);
                    let label = match kept {
                        Some(kept) if phone.label.trim().is_empty() => kept.label.as_str(),
                        _ => phone.label.as_str(),
                    };
                    PhoneRow {
                        phone,
                        in_book: kept.is_some(),
                        label,
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Entries of the phone book the workspace list does not have.
    pub fn only_in_book(&self) -> usize {
        match (&self.book, &self.phones) {
            (Some(Ok(book)), Some(phones)) => book
                .iter()
                .filter(|b| phones.iter().all(|p| p.id != b.id))
                .count(),
            _ => 0,
        }
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// Why the last fetch failed, if it did (a list fetched before is
    /// still shown).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether a list came (empty or not).
    pub fn is_loaded(&self) -> bool {
        self.phones.is_some()
    }

    /// The phone book: how many entries, or why it was not read.
    pub fn book(&self) -> Option<Result<usize, &str>> {
        self.book.as_ref().map(|b| match b {
            Ok(book) => Ok(book.len()),
            Err(why) => Err(why.as_str()),
        })
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The add-phone dialog, when it is open.
    pub fn adding(&self) -> Option<&AddPhoneDialog> {
        self.adding.as_ref()
    }

    /// The list and the phone book fetched again; the form's picker, which
    /// offers the book too, reads it again with this view (a number added
    /// here, or by `phones add` in another terminal, is offered there now,
    /// not after a restart).
    fn refresh(&mut self) -> Vec<Cmd> {
        self.generation += 1;
        self.loading = true;
        vec![
            Cmd::FetchPhones {
                generation: self.generation,
                reply: LOADED,
            },
            Cmd::ReadPhoneBook { reply: BOOK_READ },
            crate::tui::views::create::READ_PHONE_BOOK,
        ]
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        if self.adding.is_some() {
            return self.on_dialog(action);
        }
        self.notice = None;
        let last = self.rows().len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::RetryLoad => return self.refresh(),
            Action::AddPhone => self.adding = Some(AddPhoneDialog::new()),
            Action::Copy => {
                let rows = self.rows();
                if let Some(row) = rows.get(self.selected) {
                    let id = row.phone.id.clone();
                    let number = format_number(&row.phone.phone_number);
                    self.notice = Some(format!("Copied the phone ID of {number}."));
                    return vec![Cmd::Copy(id)];
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

impl PhonesView {
    /// A key in the open dialog: it takes every key but the shell's.
    fn on_dialog(&mut self, action: Action) -> Vec<Cmd> {
        let Some(dialog) = self.adding.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::NextField | Action::PrevField => {
                dialog.move_focus(action == Action::NextField);
            }
            Action::Left | Action::Right => dialog.cycle_integration(action == Action::Right),
            Action::Edit(edit) => {
                if let Some(line) = dialog.input_mut() {
                    line.edit(edit);
                }
            }
            Action::Accept => {
                if let Some(new) = dialog.request() {
                    self.last_request += 1;
                    dialog.sending = Some(self.last_request);
                    return vec![Cmd::AddPhone {
                        request_id: self.last_request,
                        new: Box::new(new),
                        reply: PHONE_ADDED,
                    }];
                }
            }
            Action::Cancel => {
                if dialog.sending.is_some() {
                    self.notice = Some(
                        "Stopped waiting for add-phone: if Weya registers the number, \
                         phonebook.toml keeps it and the list shows it."
                            .to_owned(),
                    );
                }
                self.adding = None;
            }
            _ => {}
        }
        Vec::new()
    }

    /// add-phone answered request `request_id`. Registered: the dialog
    /// closes, and the list is fetched again (and the book read again, here
    /// and by the form) to show the number. Refused:
    /// the dialog says why, with everything typed still there. An answer
    /// the operator stopped waiting for is said as a notice.
    fn phone_added(
        &mut self,
        request_id: u64,
        result: Result<Registered, AddPhoneError>,
    ) -> Vec<Cmd> {
        let awaited = self
            .adding
            .as_ref()
            .is_some_and(|d| d.sending == Some(request_id));
        let kept = |phone: &Phone| {
            format!(
                "Registered {} as phone ID {}",
                crate::domain::phone::describe(phone),
                phone.id
            )
        };
        match result {
            Ok(done) => {
                self.notice = Some(format!("{}: kept in phonebook.toml.", kept(&done.phone)));
            }
            Err(AddPhoneError::NotKept { phone, why }) => {
                self.notice = Some(format!(
                    "{}, but phonebook.toml could not keep it ({why}): note the ID.",
                    kept(&phone)
                ));
            }
            Err(e) if awaited => {
                if let Some(dialog) = self.adding.as_mut() {
                    dialog.sending = None;
                    dialog.failure = Some(e.to_string());
                    dialog.focus = PhoneField::Number;
                }
                return Vec::new();
            }
            Err(e) => {
                self.notice = Some(format!("add-phone did not register the number: {e}"));
                return Vec::new();
            }
        }
        if awaited {
            self.adding = None;
        }
        self.refresh()
    }
}

impl ViewModel for PhonesView {
    type Msg = PhonesMsg;

    fn update(&mut self, msg: PhonesMsg, _now: DateTime<Utc>) -> Vec<Cmd> {
        match msg {
            PhonesMsg::Input(Input::Action(action)) => self.on_action(action),
            PhonesMsg::Input(Input::Typed(key)) => {
                if let Some(line) = self.adding.as_mut().and_then(AddPhoneDialog::input_mut) {
                    line.handle_key(key);
                }
                Vec::new()
            }
            PhonesMsg::Input(Input::Paste(text)) => {
                if let Some(line) = self.adding.as_mut().and_then(AddPhoneDialog::input_mut) {
                    line.paste(&text);
                }
                Vec::new()
            }
            PhonesMsg::Input(_) => Vec::new(),
            // A fetch on its way will do.
            PhonesMsg::Refresh if self.loading => Vec::new(),
            PhonesMsg::Refresh => self.refresh(),
            PhonesMsg::Loaded { generation, result } => {
                if generation == self.generation {
                    self.loading = false;
                    match result {
                        Ok(phones) => {
                            self.phones = Some(phones);
                            self.error = None;
                        }
                        Err(e) => self.error = Some(error_text(&e)),
                    }
                    self.selected = self.selected.min(self.rows().len().saturating_sub(1));
                }
                Vec::new()
            }
            PhonesMsg::BookRead(result) => {
                self.book = Some(result);
                Vec::new()
            }
            PhonesMsg::PhoneAdded { request_id, result } => self.phone_added(request_id, result),
        }
    }

    fn scopes(&self) -> Vec<Scope> {
        match &self.adding {
            Some(dialog) if dialog.focus == PhoneField::Integration => {
                vec![Scope::NumbersAdd, Scope::NumbersAddChoice]
            }
            Some(_) => vec![Scope::NumbersAdd, Scope::Editing],
            None => vec![Scope::Phones],
        }
    }

    /// Not while the dialog is open: a click would land under it.
    fn wants_mouse(&self) -> bool {
        self.adding.is_none()
    }

    fn breadcrumb(&self, _under: Vec<String>) -> Vec<String> {
        vec!["Phones".to_owned()]
    }

    fn shown(&self) -> Option<Msg> {
        Some(Msg::Phones(PhonesMsg::Refresh))
    }
}
