//! The phones view: the workspace's numbers (`GET` phone list, the one the
//! form's picker reads) beside the operator's phone book
//! (`phonebook.toml`), reached from the palette. It fetches both each
//! time it comes on screen and on `r`; `c` copies a number's phone ID.
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
use crate::tui::keymap::{Action, Input, Scope};
use crate::tui::msg::{Cmd, Msg, Reply};
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

    fn refresh(&mut self) -> Vec<Cmd> {
        self.generation += 1;
        self.loading = true;
        vec![
            Cmd::FetchPhones {
                generation: self.generation,
                reply: LOADED,
            },
            Cmd::ReadPhoneBook { reply: BOOK_READ },
        ]
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        self.notice = None;
        let last = self.rows().len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::RetryLoad => return self.refresh(),
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

impl ViewModel for PhonesView {
    type Msg = PhonesMsg;

    fn update(&mut self, msg: PhonesMsg, _now: DateTime<Utc>) -> Vec<Cmd> {
        match msg {
            PhonesMsg::Input(Input::Action(action)) => self.on_action(action),
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
        }
    }

    fn scopes(&self) -> Vec<Scope> {
        vec![Scope::Phones]
    }

    fn breadcrumb(&self, _under: Vec<String>) -> Vec<String> {
        vec!["Phones".to_owned()]
    }

    fn shown(&self) -> Option<Msg> {
        Some(Msg::Phones(PhonesMsg::Refresh))
    }
}
