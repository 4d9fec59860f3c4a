//! Everything that can happen to the phones view ([`PhonesMsg`]). A leaf:
//! the app's vocabulary ([`crate::tui::msg`]) names it, so it imports no
//! model of the view, no shell and no effects.

use crate::api::{ApiError, Phone};
use crate::store::phonebook::{AddPhoneError, Registered};
use crate::tui::keymap::Input;

/// Everything that can happen to the phones view.
#[derive(Debug, Clone)]
pub enum PhonesMsg {
    /// The operator's input: the arrows move, `r` fetches again, `c`
    /// copies the highlighted number's phone ID, `n` opens the add-phone
    /// dialog (which then takes the keys).
    Input(Input),
    /// Fetch the list and read the phone book again: the view came (back)
    /// on screen.
    Refresh,
    /// The workspace's numbers, for fetch `generation`.
    Loaded {
        generation: u64,
        result: Result<Vec<Phone>, ApiError>,
    },
    /// `phonebook.toml`, or why it could not be read.
    BookRead(Result<Vec<Phone>, String>),
    /// add-phone answered the dialog's request `request_id`.
    PhoneAdded {
        request_id: u64,
        result: Result<Registered, AddPhoneError>,
    },
}

impl From<Input> for PhonesMsg {
    fn from(input: Input) -> Self {
        Self::Input(input)
    }
}
