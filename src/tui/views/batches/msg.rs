//! What can happen to the campaign views: the batch list's [`ListMsg`]
//! and one batch's [`DetailsMsg`]. A leaf: the app's vocabulary
//! ([`crate::tui::msg`]) names it, so it imports no model of the views, no
//! shell and no effects.

use crate::api::{ApiError, BatchDetails, BatchPage, BatchSummary, Deleted, DialerState};
use crate::campaign::export::Saved;
use crate::campaign::outcomes::Counted;
use crate::tui::keymap::Input;

/// Start or stop the dialer on a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialerAction {
    Start,
    Stop,
}

impl DialerAction {
    /// The engine's name for it.
    pub fn switch(self) -> crate::actions::Switch {
        match self {
            Self::Start => crate::actions::Switch::Start,
            Self::Stop => crate::actions::Switch::Stop,
        }
    }
}

/// Everything that can happen to the batch list.
#[derive(Debug, Clone)]
pub enum ListMsg {
    /// The operator's input: a click on a row selects it, on the selected
    /// row opens it; a notch of the wheel moves the selection three rows.
    Input(Input),
    /// Time to refresh: the subscription's beat, or the list back on screen.
    Tick,
    PageLoaded {
        generation: u64,
        result: Result<BatchPage, ApiError>,
    },
    DialerChanged {
        id: String,
        action: DialerAction,
        result: Result<DialerState, ApiError>,
    },
    Deleted {
        id: String,
        result: Result<Deleted, ApiError>,
    },
    /// An export of batch `id` (`e`, or Ctrl-S in the delete dialog)
    /// ended: where it went, or why not.
    Exported {
        id: String,
        result: Result<Saved, String>,
    },
}

/// Everything that can happen to one batch's view.
#[derive(Debug, Clone)]
pub enum DetailsMsg {
    /// The operator's input: a click on a call selects it, on the
    /// selected call opens it; a notch of the wheel moves the selection
    /// three rows, or scrolls the open call as many lines.
    Input(Input),
    /// Time to refresh the page on screen.
    Tick,
    CallsLoaded {
        generation: u64,
        result: Result<BatchDetails, ApiError>,
    },
    /// start- or stop-calling answered `s` or `x` here.
    DialerChanged {
        action: DialerAction,
        result: Result<DialerState, ApiError>,
    },
    /// The batch list searched for this batch's name: the header's
    /// totals, if this batch is among them.
    TotalsLoaded {
        generation: u64,
        result: Result<Vec<BatchSummary>, ApiError>,
    },
    /// Every page was counted (see [`crate::campaign::outcomes`]): the
    /// outcomes, the calls by time zone and their retries, in one reply.
    OutcomesCounted(Result<Box<Counted>, String>),
    /// The page a call of the sorted table was read on, asked again to
    /// show the call in full.
    CallRead(Result<BatchDetails, ApiError>),
    /// The count under way has read `pages` of the batch's `of` pages.
    CountProgress { pages: u32, of: u64 },
    /// The export `e` started ended.
    Exported(Result<Saved, String>),
}

impl From<Input> for ListMsg {
    fn from(input: Input) -> Self {
        Self::Input(input)
    }
}

impl From<Input> for DetailsMsg {
    fn from(input: Input) -> Self {
        Self::Input(input)
    }
}
