//! Everything that can happen to the create view ([`CreateMsg`]) and what
//! its replies carry. A leaf of the view: the app's vocabulary
//! ([`crate::tui::msg`]) names it, so it imports no model of the view,
//! no shell and no effects.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::api::{ApiError, BatchSummary, Created, Phone};
use crate::create::Look;
use crate::store::draft::Draft;
use crate::store::phonebook::{AddPhoneError, Registered};
use crate::store::template::{BatchFile, SaveError};
use crate::tui::keymap::Input;

/// Everything that can happen to the create view: what the shell hands
/// it of the operator's input, and the replies of its commands.
#[derive(Debug, Clone)]
pub enum CreateMsg {
    /// The operator's input: a key bound in one of this view's scopes
    /// (see [`CreateView::scopes`](super::CreateView::scopes)), typed
    /// text, a paste, a click or the wheel.
    Input(Input),
    /// Animation tick; only sent while the view animates.
    Tick,
    /// The time now, handed in by the run loop before it draws.
    Clock(DateTime<Utc>),
    /// Something for the operator to read under the form.
    Notice(String),
    PhonesLoaded {
        generation: u64,
        result: Result<Vec<Phone>, ApiError>,
    },
    SubmitFinished {
        request_id: u64,
        result: Result<Created, ApiError>,
    },
    /// A look at the batch list, made to confirm a batch or to look for
    /// one whose answer was lost (one of a watch's looks).
    BatchesFound {
        request_id: u64,
        look: Look,
    },
    /// The view is on screen again: the result looks at its batch once.
    Shown,
    /// The app read a batch (the list's page, a batch's header): its
    /// latest totals, for the result of the batch made here.
    BatchSeen(BatchSummary),
    /// The app learnt that batch `batch_id` is gone: deleted here, or Weya
    /// answers that it does not have it (`why`, in words).
    BatchGone {
        batch_id: String,
        why: String,
    },
    /// A template was written (its path) or not (why, or that one of that
    /// name exists).
    TemplateSaved(Result<String, SaveError>),
    TemplatesListed(Result<Vec<TemplateEntry>, String>),
    TemplateDeleted {
        name: String,
        result: Result<(), String>,
    },
    /// The form's draft was set aside for a blank form (the file that
    /// keeps it), or not (why).
    DraftSetAside(Result<PathBuf, String>),
    /// `phonebook.toml` read again, or why it could not be.
    PhoneBookRead(Result<Vec<Phone>, String>),
    /// add-phone's outcome for the picker's dialog: the number registered
    /// and kept in the phone book, or why not.
    PhoneAdded {
        request_id: u64,
        result: Result<Registered, AddPhoneError>,
    },
    TemplateLoaded {
        name: String,
        result: Result<BatchFile, String>,
    },
    /// The draft of change `seq` was written, or not (why).
    DraftWritten {
        seq: u64,
        result: Result<(), String>,
    },
    /// The draft of a confirmed batch was removed, or not (why).
    DraftRemoved(Result<(), String>),
    /// A draft left by an earlier session was taken over (to fill the
    /// form), or not (why).
    DraftAdopted {
        path: PathBuf,
        result: Result<Draft, String>,
    },
}

/// A saved template as the Ctrl-O dialog lists it: its name, and its
/// values (or why they cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateEntry {
    pub name: String,
    pub file: Result<BatchFile, String>,
}

impl From<Input> for CreateMsg {
    fn from(input: Input) -> Self {
        Self::Input(input)
    }
}
