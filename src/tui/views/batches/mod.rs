//! The batch list (Ctrl-B). A placeholder for now: it says the list is
//! coming, and shows the shape a view takes (see [`crate::tui::views`]).

pub mod ui;

use crate::tui::effects::{Cmd, Subscription};
use crate::tui::keymap::Scope;

/// The batch list's model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchesView {}

/// Everything that can happen to the batch list. Nothing yet: the list,
/// its paging and its live refresh come with the next issue.
#[derive(Debug, Clone)]
pub enum BatchesMsg {}

impl BatchesView {
    pub fn breadcrumb(&self) -> Vec<String> {
        vec!["Batches".to_owned()]
    }

    pub fn scopes(&self) -> Vec<Scope> {
        Vec::new()
    }

    pub fn is_animating(&self) -> bool {
        false
    }

    /// Periodic work while on screen: none until there is a list to
    /// refresh.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        Vec::new()
    }

    pub fn update(&mut self, msg: BatchesMsg) -> Vec<Cmd> {
        match msg {}
    }
}
