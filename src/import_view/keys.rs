//! The import view's key bindings, as data in the shape of the app's
//! keymap table (keys, action, scope, footer word, help sentence), so the
//! shell can join them into its table: dispatch, footer, help, README and
//! palette all read [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent};

use crate::tui::keymap::Key;

/// What a key does in the import view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAction {
    /// Tab: complete the typed path.
    Complete,
    /// Enter on a step: open the file, check, send, resume.
    Accept,
    /// Esc: back a step, cancel a running step, pause sending.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Send the highlighted column or not.
    Toggle,
    /// The highlighted column holds the phone numbers.
    PhoneColumn,
    /// Rename the highlighted column.
    Rename,
    /// Type the default region.
    Region,
    /// Write the invalid rows to `NAME.rejected.csv`.
    WriteRejected,
    /// Resend the rows of the requests that failed.
    Resend,
    /// Start over: forget the recorded import of this file.
    Discard,
    /// An unknown outcome: the rows are in the batch.
    WasAdded,
    /// An unknown outcome: the rows are not there; send them again.
    SendAgain,
    /// Fetch the batch's totalCalls again.
    Totals,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportScope {
    /// Typing the file's path.
    Pick,
    /// Opening or checking the file.
    Working,
    /// The columns and the default region.
    Map,
    /// Typing a column's name or the region.
    MapEdit,
    /// The check's counts and sample rows.
    Preview,
    /// An earlier import of this file into this batch was found.
    Resume,
    /// Requests on their way.
    Sending,
    /// Sending paused or finished.
    Sent,
    /// A request whose outcome is unknown waits for the operator.
    Doubt,
}

impl ImportScope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Pick => "Import, choosing the file",
            Self::Working => "Import, reading or checking",
            Self::Map => "Import, columns",
            Self::MapEdit => "Import, typing a name or region",
            Self::Preview => "Import, check results",
            Self::Resume => "Import, earlier import found",
            Self::Sending => "Import, sending",
            Self::Sent => "Import, paused or done",
            Self::Doubt => "Import, outcome unknown",
        }
    }
}

/// One binding, as the app's keymap has them.
#[derive(Debug, Clone, Copy)]
pub struct ImportBinding {
    pub keys: &'static [Key],
    pub action: ImportAction,
    pub scope: ImportScope,
    /// Footer word; empty leaves it out of the footer.
    pub short: &'static str,
    /// Help and README sentence.
    pub help: &'static str,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn bind(
    scope: ImportScope,
    keys: &'static [Key],
    action: ImportAction,
    short: &'static str,
    help: &'static str,
) -> ImportBinding {
    ImportBinding {
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

use ImportAction as A;
use ImportScope as S;

/// The import view's bindings, in help order.
#[rustfmt::skip]
pub const BINDINGS: &[ImportBinding] = &[
    bind(S::Pick, &[key(KeyCode::Tab)], A::Complete, "complete", "Complete the path (~ is your home); twice lists the matches"),
    bind(S::Pick, &[ENTER], A::Accept, "open", "Open the file (.csv, .tsv, .xlsx, .xls, .ods)"),
    bind(S::Pick, &[ESC], A::Back, "close", "Leave the import; nothing was sent"),
    bind(S::Working, &[ESC], A::Back, "stop", "Stop reading or checking the file"),
    bind(S::Map, &[UP, ch('k')], A::Up, "move", "Highlight the previous column"),
    bind(S::Map, &[DOWN, ch('j')], A::Down, "move", "Highlight the next column"),
    bind(S::Map, &[key(KeyCode::Char(' '))], A::Toggle, "send", "Send the highlighted column as an agent variable, or not"),
    bind(S::Map, &[ch('p')], A::PhoneColumn, "phone", "The highlighted column holds the phone numbers"),
    bind(S::Map, &[ch('e')], A::Rename, "rename", "Rename the variable the column is sent as (First Name → name)"),
    bind(S::Map, &[ch('g')], A::Region, "region", "The region of numbers written without a country code (US, GB, IN…)"),
    bind(S::Map, &[ENTER], A::Accept, "check", "Check every row; nothing is sent yet"),
    bind(S::Map, &[ESC], A::Back, "other file", "Back to choosing the file"),
    bind(S::MapEdit, &[ENTER], A::Accept, "ok", "Take the typed name or region"),
    bind(S::MapEdit, &[ESC], A::Back, "cancel", "Keep the name or region as it was"),
    bind(S::Preview, &[UP, ch('k')], A::Up, "scroll", "Scroll up"),
    bind(S::Preview, &[DOWN, ch('j')], A::Down, "scroll", "Scroll down"),
    bind(S::Preview, &[ch('w')], A::WriteRejected, "write rejected", "Write the invalid rows, with why, to NAME.rejected.csv beside the file"),
    bind(S::Preview, &[ENTER], A::Accept, "send", "Send the valid rows, 1,000 per request"),
    bind(S::Preview, &[ESC], A::Back, "columns", "Back to the columns"),
    bind(S::Resume, &[ENTER], A::Accept, "resume", "Check the file again with the recorded columns and send from the first unconfirmed request"),
    bind(S::Resume, &[ch('d')], A::Discard, "start over", "Forget the recorded import and map the columns anew (rows it sent may be sent again)"),
    bind(S::Resume, &[ESC], A::Back, "other file", "Back to choosing the file"),
    bind(S::Sending, &[ESC], A::Back, "pause", "Pause once the request on its way has been answered"),
    bind(S::Sent, &[ENTER], A::Accept, "continue", "Send the requests not sent yet"),
    bind(S::Sent, &[ch('r')], A::Resend, "resend failed", "Send again only the rows of the requests that failed"),
    bind(S::Sent, &[ESC], A::Back, "close", "Leave the import (the journal keeps where it stands)"),
    bind(S::Doubt, &[ch('a')], A::WasAdded, "were added", "The batch has these rows: count them as sent"),
    bind(S::Doubt, &[ch('s')], A::SendAgain, "send again", "The batch does not have these rows: send them again"),
    bind(S::Doubt, &[ch('t')], A::Totals, "recount", "Fetch the batch's totalCalls again"),
    bind(S::Doubt, &[ESC], A::Back, "close", "Leave the import; the request stays in doubt"),
];

/// The action of `event` in the first of `scopes` that binds it.
pub fn lookup(event: &KeyEvent, scopes: &[ImportScope]) -> Option<ImportAction> {
    scopes.iter().find_map(|scope| {
        BINDINGS
            .iter()
            .find(|b| b.scope == *scope && b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.action)
    })
}

/// Footer hints for `scopes`: ("↑/↓", "move"), bindings of the same word
/// in a row merged.
pub fn hints(scopes: &[ImportScope]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| scopes.contains(&b.scope) && !b.short.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_can_be_left_with_esc_and_no_key_is_bound_twice_in_a_scope() {
        let scopes = [
            S::Pick,
            S::Working,
            S::Map,
            S::MapEdit,
            S::Preview,
            S::Resume,
            S::Sending,
            S::Sent,
            S::Doubt,
        ];
        for scope in scopes {
            let esc = KeyEvent::from(KeyCode::Esc);
            assert_eq!(lookup(&esc, &[scope]), Some(A::Back), "{scope:?}");
            let keys: Vec<Key> = BINDINGS
                .iter()
                .filter(|b| b.scope == scope)
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{scope:?} binds {k:?} twice");
            }
        }
    }
}
