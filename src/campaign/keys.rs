//! The campaign views' key bindings, as data in the shape of the app's
//! keymap table ([`crate::tui::keymap::BINDINGS`]): keys, action, scope, a
//! footer word and a help sentence. When the views join the shell, these
//! rows join that table (their `Action` and `Scope` variants with them),
//! so the footer, the help, the palette and the README list them.
//!
//! `c` is copy everywhere in the app (the new batch ID, now a batch's ID
//! or a recording's URL), so the "completed" status filter is `C`; the
//! other filters stay on their initials (`a`, `p`) and `*` shows all.

use crossterm::event::{KeyCode, KeyEvent};

pub use crate::tui::keymap::Key;

/// What a key does in a campaign view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Start,
    Stop,
    Delete,
    Refresh,
    Copy,
    NewBatch,
    Search,
    ShowActive,
    ShowPaused,
    ShowCompleted,
    ShowAll,
    /// Choose a call status to filter by.
    ChooseStatus,
    /// Cycle the calls' order (createdAt newest or oldest first).
    Sort,
    Accept,
    Cancel,
    Back,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The batch list.
    Batches,
    /// Typing a search of the batch list or of the calls.
    Search,
    /// One batch's calls.
    Calls,
    /// The choice of call statuses to filter by.
    StatusChoice,
    /// One call: its attempts, transcript and recording.
    Call,
    /// Confirming start or stop.
    Confirm,
    /// Typing a batch's name to delete it.
    DeleteConfirm,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Batches => "Batch list",
            Self::Search => "Batch list or calls, searching",
            Self::Calls => "Batch details",
            Self::StatusChoice => "Batch details, choosing a status",
            Self::Call => "One call",
            Self::Confirm => "Start or stop dialog",
            Self::DeleteConfirm => "Delete dialog",
        }
    }
}

/// A binding: the same fields as the app keymap's `Binding`.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub scope: Scope,
    pub short: &'static str,
    pub help: &'static str,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

const fn bind(
    scope: Scope,
    keys: &'static [Key],
    action: Action,
    short: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        action,
        scope,
        short,
        help,
    }
}

const UP: Key = key(KeyCode::Up);
const DOWN: Key = key(KeyCode::Down);
const ENTER: Key = key(KeyCode::Enter);
const ESC: Key = key(KeyCode::Esc);

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(Scope::Batches, &[UP, ch('k')], Action::Up, "move", "Highlight the previous batch"),
    bind(Scope::Batches, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next batch"),
    bind(Scope::Batches, &[key(KeyCode::PageUp)], Action::PageUp, "page", "First row; on the first row, the previous page"),
    bind(Scope::Batches, &[key(KeyCode::PageDown)], Action::PageDown, "page", "Last row; on the last row, the next page"),
    bind(Scope::Batches, &[ENTER], Action::Open, "details", "Open the batch's calls"),
    bind(Scope::Batches, &[ch('s')], Action::Start, "start", "Start calling (asks first)"),
    bind(Scope::Batches, &[ch('x')], Action::Stop, "stop", "Stop calling (asks first; calls in progress finish)"),
    bind(Scope::Batches, &[ch('D')], Action::Delete, "delete", "Delete the batch (type its name to confirm; irreversible)"),
    bind(Scope::Batches, &[ch('r')], Action::Refresh, "refresh", "Refresh now (the list refreshes itself every 5 s while on screen)"),
    bind(Scope::Batches, &[ch('c')], Action::Copy, "copy ID", "Copy the batch ID to the clipboard (OSC 52)"),
    bind(Scope::Batches, &[ctrl('n')], Action::NewBatch, "new", "A new batch"),
    bind(Scope::Batches, &[ch('/')], Action::Search, "search", "Search the batches (sent to Weya as you type)"),
    bind(Scope::Batches, &[ch('a')], Action::ShowActive, "", "Show active batches (of the page shown: Weya's list has no status filter)"),
    bind(Scope::Batches, &[ch('p')], Action::ShowPaused, "", "Show paused batches (of the page shown)"),
    bind(Scope::Batches, &[ch('C')], Action::ShowCompleted, "", "Show completed batches (of the page shown; c copies)"),
    bind(Scope::Batches, &[ch('*')], Action::ShowAll, "all", "Show every status (a, p, C filter)"),
    bind(Scope::Search, &[ENTER], Action::Accept, "keep", "Keep the search and go back to the rows"),
    bind(Scope::Search, &[ESC], Action::Cancel, "clear", "Clear the search"),
    bind(Scope::Calls, &[UP, ch('k')], Action::Up, "move", "Highlight the previous call"),
    bind(Scope::Calls, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next call"),
    bind(Scope::Calls, &[key(KeyCode::Left), ch('h')], Action::Left, "columns", "Scroll the contact's fields left"),
    bind(Scope::Calls, &[key(KeyCode::Right), ch('l')], Action::Right, "columns", "Scroll the contact's fields right"),
    bind(Scope::Calls, &[key(KeyCode::PageUp)], Action::PageUp, "page", "First row; on the first row, the previous page"),
    bind(Scope::Calls, &[key(KeyCode::PageDown)], Action::PageDown, "page", "Last row; on the last row, the next page"),
    bind(Scope::Calls, &[ENTER], Action::Open, "call", "Open the call: attempts, transcript, recording"),
    bind(Scope::Calls, &[ch('f')], Action::ChooseStatus, "filter", "Show only calls of one status"),
    bind(Scope::Calls, &[ch('S')], Action::Sort, "sort", "Newest or oldest first"),
    bind(Scope::Calls, &[ch('/')], Action::Search, "search", "Search the calls (sent to Weya as you type)"),
    bind(Scope::Calls, &[ch('r')], Action::Refresh, "refresh", "Refresh now"),
    bind(Scope::Calls, &[ch('c')], Action::Copy, "copy ID", "Copy the batch ID to the clipboard (OSC 52)"),
    bind(Scope::Calls, &[ESC], Action::Back, "back", "Back to the batch list"),
    bind(Scope::StatusChoice, &[UP, ch('k')], Action::Up, "move", "Highlight the previous status"),
    bind(Scope::StatusChoice, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next status"),
    bind(Scope::StatusChoice, &[ENTER], Action::Accept, "show", "Show calls of the highlighted status"),
    bind(Scope::StatusChoice, &[ESC], Action::Cancel, "cancel", "Keep the filter as it was"),
    bind(Scope::Call, &[UP, ch('k')], Action::Up, "scroll", "Scroll up"),
    bind(Scope::Call, &[DOWN, ch('j')], Action::Down, "scroll", "Scroll down"),
    bind(Scope::Call, &[key(KeyCode::PageUp)], Action::PageUp, "page", "A page up"),
    bind(Scope::Call, &[key(KeyCode::PageDown)], Action::PageDown, "page", "A page down"),
    bind(Scope::Call, &[ch('c')], Action::Copy, "copy URL", "Copy the latest recording's URL (OSC 52)"),
    bind(Scope::Call, &[ESC], Action::Back, "back", "Back to the calls"),
    bind(Scope::Confirm, &[ENTER, ch('y')], Action::Accept, "yes", "Do it"),
    bind(Scope::Confirm, &[ESC, ch('n')], Action::Cancel, "no", "Do nothing"),
    bind(Scope::DeleteConfirm, &[ENTER], Action::Accept, "delete", "Delete, if the typed name is the batch's name"),
    bind(Scope::DeleteConfirm, &[ESC], Action::Cancel, "cancel", "Keep the batch"),
];

/// The action of `event` in `scope`.
pub fn lookup(event: &KeyEvent, scope: Scope) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.scope == scope && b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// Footer hints of `scope`, merged as the app's footer merges them:
/// ("↑/↓", "move").
pub fn hints(scope: Scope) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.scope == scope && !b.short.is_empty())
    {
        let label = b.keys.first().map(Key::label).unwrap_or_default();
        match out.last_mut() {
            Some((keys, short)) if *short == b.short => {
                keys.push('/');
                keys.push_str(&label);
            }
            _ => out.push((label, b.short)),
        }
    }
    out
}

/// These rows as the README's keyboard table has them.
pub fn markdown_rows() -> String {
    BINDINGS
        .iter()
        .map(|b| {
            let keys = b.keys.iter().map(Key::label).collect::<Vec<_>>().join("/");
            format!(
                "| {} | {} | {} |\n",
                b.scope.title(),
                keys.replace('|', "\\|"),
                b.help
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    #[test]
    fn c_copies_and_capital_c_filters_completed() {
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        let big_c = KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&c, Scope::Batches), Some(Action::Copy));
        assert_eq!(lookup(&big_c, Scope::Batches), Some(Action::ShowCompleted));
    }

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.scope == b.scope {
                    assert!(
                        !a.keys.iter().any(|k| b.keys.contains(k)),
                        "{:?} and {:?} share a key in {:?}",
                        a.action,
                        b.action,
                        a.scope
                    );
                }
            }
        }
    }

    #[test]
    fn typed_text_scopes_bind_no_printable_key() {
        for b in BINDINGS
            .iter()
            .filter(|b| matches!(b.scope, Scope::Search | Scope::DeleteConfirm))
        {
            assert!(
                b.keys
                    .iter()
                    .all(|k| k.ctrl || !matches!(k.code, KeyCode::Char(_))),
                "{:?} would swallow a typed character",
                b.action
            );
        }
    }
}
