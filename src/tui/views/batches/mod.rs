//! Running a campaign: the batch list (Ctrl-B), one batch's calls, and
//! the dialogs that start, stop and delete a batch.
//!
//! Each view owns its state and a pure `update(msg, now) -> Vec<…Cmd>`;
//! its drawing (in [`ui`]) records the geometry `update` needs (rows on
//! screen, where a click lands) in a [`Cell`](std::cell::Cell) on the
//! state. Nothing here does I/O or reads a clock: the shell runs the
//! commands with the client and hands the replies and the time back in,
//! and ticks a view every `poll_every()` while it is on screen. Their keys
//! are rows of [`crate::tui::keymap::BINDINGS`].

pub mod details;
pub mod dialogs;
pub mod list;
pub mod live;
pub mod msg;
pub mod sorted;
pub mod ui;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{ApiError, BatchSummary};
use crate::campaign::progress::{CallsSeen, Outlook, RetryPolicy, StallReason, Tracker};
use crate::domain::schedule::CallingSchedule;
use crate::form::line::{LineEdit, LineInput, paste_notice};
use crate::text::visible;
use crate::tui::keymap::Scope;

/// How long a search waits for the next key before it is sent.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

/// The longest search: a batch name is at most 120 characters.
const SEARCH_MAX_CHARS: usize = 120;

/// Rows a notch of the mouse wheel moves the selection (or scrolls a call).
const WHEEL_ROWS: usize = 3;

/// How often a view on screen refreshes, unless configured.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(crate::config::DEFAULT_REFRESH_SECS);

/// What the shell's environment tells a view about where it is.
#[derive(Debug, Clone)]
pub struct ViewContext {
    /// The target is the embedded sandbox (its example batches are said to
    /// be examples).
    pub sandbox: bool,
    /// Batches whose schedules the connection knows by name: the sandbox's
    /// examples, handed over by the connection (the client has no table of
    /// its own).
    pub examples: Vec<(String, CallingSchedule)>,
    /// How often a view on screen refreshes when all is well.
    pub refresh: Duration,
    /// The calling schedules the client knows, to say why an active
    /// batch is not calling.
    pub schedules: KnownSchedules,
    /// The counts seen of each batch so far (the shell's, as the view
    /// opened; the view adds what its own refreshes see): the rate of a
    /// forecast, and how long nothing has moved.
    pub progress: Tracker,
    /// The hours contacts may be called in their own time.
    pub contact_hours: crate::domain::local_time::ContactHours,
    /// The operator's clock: the times on screen read in their zone.
    pub clock: crate::domain::clock::LocalClock,
}

impl Default for ViewContext {
    fn default() -> Self {
        Self {
            sandbox: false,
            examples: Vec::new(),
            refresh: DEFAULT_REFRESH,
            schedules: KnownSchedules::default(),
            progress: Tracker::default(),
            contact_hours: crate::domain::local_time::ContactHours::default(),
            clock: crate::domain::clock::LocalClock::default(),
        }
    }
}

/// The calling schedules the client knows. Weya's list and batch-details
/// answers carry none, so these are the batches created from this
/// machine on this target (their bodies are in the journal) and, on the
/// sandbox, its examples by name (the connection hands them over). Any other batch's
/// schedule is unknown, and nothing is said of it.
#[derive(Debug, Clone, Default)]
pub struct KnownSchedules {
    /// By batch ID.
    by_id: HashMap<String, CallingSchedule>,
    /// Batches known by their names: the sandbox's examples.
    by_name: HashMap<String, CallingSchedule>,
    /// The retry settings of the batches created here, by ID (a body
    /// that gave `retry` and `delay`): who waits out a retry delay, and a
    /// call's next try.
    retries: HashMap<String, RetryPolicy>,
    /// The dialer calls at any hour (the sandbox's `--ignore-window`):
    /// the windows are kept for the contacts' local time, and no window
    /// is reasoned from ([`Self::schedule`] gives none).
    window_ignored: bool,
}

impl KnownSchedules {
    /// The schedules of the batches made on this target, by ID, and those
    /// the connection knows by name (the sandbox's examples). When the
    /// dialer calls at any hour (`--ignore-window`), a batch outside its
    /// window calls all the same there: [`Self::schedule`] gives none, and
    /// only the contacts' local time reads them ([`Self::as_sent`]).
    pub fn new(
        by_id: impl IntoIterator<Item = (String, CallingSchedule)>,
        by_name: impl IntoIterator<Item = (String, CallingSchedule)>,
        dialer_ignores_window: bool,
    ) -> Self {
        Self {
            by_id: by_id.into_iter().collect(),
            by_name: by_name.into_iter().collect(),
            retries: HashMap::new(),
            window_ignored: dialer_ignores_window,
        }
    }

    /// Whether the dialer calls at any hour, whatever the windows.
    pub fn window_ignored(&self) -> bool {
        self.window_ignored
    }

    /// The schedule batch `id` named `name` was created with, when known,
    /// whether or not the dialer keeps to it: for the contacts' local time.
    pub fn as_sent(&self, id: &str, name: &str) -> Option<&CallingSchedule> {
        self.by_id.get(id).or_else(|| self.by_name.get(name))
    }

    /// The same, with the retry settings of the batches created here.
    #[must_use]
    pub fn with_retries(
        mut self,
        retries: impl IntoIterator<Item = (String, RetryPolicy)>,
    ) -> Self {
        self.retries.extend(retries);
        self
    }

    /// The retry settings of batch `id`, when it was created here.
    pub fn retry(&self, id: &str) -> Option<RetryPolicy> {
        self.retries.get(id).copied()
    }

    /// The schedule of batch `id` named `name` as the dialer keeps to it,
    /// when known: none when it calls at any hour.
    pub fn schedule(&self, id: &str, name: &str) -> Option<&CallingSchedule> {
        if self.window_ignored {
            return None;
        }
        self.as_sent(id, name)
    }
}

/// What a campaign view says of a batch's progress beyond its counts:
/// why it is not moving (but for being paused or stopped, which its
/// status says already), and when it will end, with the assumptions;
/// `calls`, the last walk of its calls when its view counted them (the
/// list has none: it walks no batch).
pub fn outlook_of(
    context: &ViewContext,
    batch: &BatchSummary,
    calls: Option<&CallsSeen>,
    now: DateTime<Utc>,
) -> (Option<String>, Option<(String, String)>) {
    let schedule = context.schedules.schedule(&batch.id, &batch.batch_name);
    let outlook = Outlook::of_summary(batch, context.progress.get(&batch.id), schedule, calls, now);
    let stall = outlook
        .stall
        .filter(|s| !matches!(s.reason, StallReason::Paused | StallReason::Stopped))
        .map(|s| s.detail);
    let ends = outlook
        .forecast
        .ok()
        .filter(|_| stall.is_none())
        .map(|f| (f.line(now), f.assumptions()));
    (stall, ends)
}

/// What a notice says of what just happened, told apart by its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// An action was carried out (`✓`).
    Done,
    /// Nothing was done, and this says why (`·`): no ✓ for a non-action.
    Info,
    /// An action failed (`✗`).
    Failed,
}

/// A line under the rows: what the operator's last action did. It lasts
/// until the next key moves on (or a refresh fails: the error is the news).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub tone: Tone,
}

impl Notice {
    pub fn done(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Done,
        }
    }

    pub fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Info,
        }
    }

    pub fn failed(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            tone: Tone::Failed,
        }
    }
}

/// The `/` search of a campaign view: the form's line input (the cursor
/// moves, readline's Ctrl-U/K/W/Y edit), open while it takes the keys and
/// kept, closed, while its search is in force. The view sends the search
/// [`SEARCH_DEBOUNCE`] after each change, latest wins.
#[derive(Debug, Clone)]
pub struct SearchBox {
    input: LineInput,
    open: bool,
}

impl Default for SearchBox {
    fn default() -> Self {
        Self {
            input: LineInput::new("", SEARCH_MAX_CHARS),
            open: false,
        }
    }
}

impl SearchBox {
    /// `/`: the keys go to the search, the cursor at the end of its text
    /// (where it was left may be anywhere: typing would land mid-word).
    pub fn open(&mut self) {
        self.open = true;
        // End, as the operator would press it: the undo history stays.
        self.input
            .handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
    }

    /// Enter: the rows take the keys again; the search stays.
    pub fn close(&mut self) {
        self.open = false;
    }

    /// Esc: closed and emptied. Whether there was text to clear.
    pub fn clear(&mut self) -> bool {
        self.open = false;
        let had_text = !self.input.value().is_empty();
        self.input.set("");
        had_text
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// The cursor's position, in characters.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// A key no binding took, while open: whether the text changed (a
    /// cursor movement changes nothing, and sends nothing).
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        self.open && self.input.handle_key(key)
    }

    /// A readline edit bound in the keymap: whether the text changed.
    pub fn on_edit(&mut self, edit: LineEdit) -> bool {
        self.open && self.input.edit(edit)
    }

    /// Pasted text, while open: its first line, at the cursor (see
    /// [`first_line`]).
    pub fn on_paste(&mut self, text: &str) -> Pasted {
        let line = first_line(text);
        if !self.open {
            return Pasted::default();
        }
        Pasted {
            changed: !line.is_empty() && self.input.paste(line) < line.chars().count(),
            notice: paste_notice(line).map(Notice::info),
        }
    }
}

/// What a paste did to a view's input: whether its text changed, and what
/// to tell the operator (the control characters it lost, in the words
/// every input uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pasted {
    pub changed: bool,
    pub notice: Option<Notice>,
}

/// What a paste into a one-line input of these views (the search, the
/// delete dialog's name) puts there: its first line. Line breaks at its
/// ends are where the paste ends, not text: a name copied with its line
/// (`Bulk 11⏎`, which terminals often send as `Bulk 11\r`) pastes as
/// `Bulk 11`, and nothing is said of them. `\r` alone ends a line too.
pub fn first_line(text: &str) -> &str {
    text.trim_matches(['\r', '\n'])
        .split(['\r', '\n'])
        .next()
        .unwrap_or_default()
}

/// A view's key scope, and readline's edits while its search or the
/// delete dialog's name takes the keys (so the help lists them there).
fn with_editing(scope: Scope) -> Vec<Scope> {
    if matches!(scope, Scope::BatchSearch | Scope::DeleteConfirm) {
        vec![scope, Scope::Editing]
    } else {
        vec![scope]
    }
}

/// A progress bar `width` cells wide: completed calls `█`, answered (Weya's
/// `callsPicked`: "picked up/answered") but not completed `▒`, the rest
/// `░` (shapes, so it reads without colour).
pub fn progress_bar(completed: u64, picked: u64, total: u64, width: usize) -> String {
    if total == 0 || width == 0 {
        return "░".repeat(width);
    }
    let cells = |n: u64| -> usize {
        let n = u128::from(n.min(total));
        usize::try_from(n * width as u128 / u128::from(total)).unwrap_or(width)
    };
    let done = cells(completed);
    let picked = cells(picked.max(completed)).max(done);
    let mut bar = "█".repeat(done);
    bar.push_str(&"▒".repeat(picked - done));
    bar.push_str(&"░".repeat(width - picked));
    bar
}

/// A Weya timestamp (ISO 8601), if it is one.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "12 s ago", "3 min ago", "3 h ago", "2 d ago"; a date past a month.
/// A time in the future (clocks differ) reads "just now".
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        i64::MIN..=4 => "just now".to_owned(),
        5..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        86_400..=2_591_999 => format!("{} d ago", secs / 86_400),
        _ => then.format("%Y-%m-%d").to_string(),
    }
}

/// A timestamp as the detail lines show it, on the operator's clock:
/// "2026-01-15 19:30 (Asia/Kolkata)".
pub fn absolute(then: DateTime<Utc>, clock: &crate::domain::clock::LocalClock) -> String {
    clock.minute_zoned(then)
}

/// A server timestamp relative to now, or as it came when it does not parse.
pub fn relative_text(text: &str, now: DateTime<Utc>) -> String {
    match parse_time(text) {
        Some(t) => relative(t, now),
        None if text.trim().is_empty() => "—".to_owned(),
        None => visible(text).into_owned(),
    }
}

/// The most of Weya's own message a refused credential quotes: enough
/// for its words, short enough that the hint after it stays on screen.
const SERVER_WORDS: usize = 120;

/// What an error says on screen. A refused credential (401, 403) says the
/// status and Weya's own words first, then what the documentation says
/// the action takes and what this request sent, from where, as a fact
/// beside the answer, not as its cause (an invalid key is refused the same
/// way), and points to `weya-tui doctor`. Any other error says itself.
/// Each gives the request ID support asks for, when the server sent one.
/// Everything the campaign views show of an error is said by this one
/// function, as the CLI says it.
pub fn error_text(error: &ApiError) -> String {
    let request_id = error
        .request_id()
        .map(|id| format!(" (request ID {})", visible(id)))
        .unwrap_or_default();
    let ApiError::AuthRefused {
        status,
        action,
        used,
        used_from,
        message,
        excerpt,
        ..
    } = error
    else {
        return format!("{error}{request_id}");
    };
    let mut text = format!("HTTP {status}");
    let words = message
        .as_deref()
        .or(excerpt.as_deref())
        .map(str::trim)
        .filter(|w| !w.is_empty());
    if let Some(words) = words {
        let words = crate::text::fit(&visible(words), SERVER_WORDS);
        text.push_str(&format!(": Weya says “{words}”"));
    }
    text.push_str(&request_id);
    let documented = action.documented_auth();
    let label = action.label();
    let used_from = visible(used_from);
    if documented.accepts(*used) {
        text.push_str(&format!(
            ". Weya documents {} for {label}; this request sent it ({used}) from \
             {used_from}: check that it is valid and has not been revoked. \
             `weya-tui doctor` checks each credential.",
            documented.describe()
        ));
    } else {
        text.push_str(&format!(
            ". Weya documents {} for {label}; this request sent {used} from {used_from}, \
             the only credential configured: set {}. `weya-tui doctor` checks each credential.",
            documented.describe(),
            documented.preferred().where_to_set()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    #[test]
    fn times_read_relative_and_absolute() {
        assert_eq!(relative(at(0), at(3)), "just now");
        assert_eq!(relative(at(0), at(12)), "12 s ago");
        assert_eq!(relative(at(0), at(200)), "3 min ago");
        assert_eq!(relative(at(0), at(3 * 3600 + 5)), "3 h ago");
        assert_eq!(relative(at(0), at(2 * 86_400)), "2 d ago");
        assert_eq!(relative(at(0), at(40 * 86_400)), "2026-01-15");
        let kolkata = crate::domain::clock::LocalClock::named("Asia/Kolkata");
        assert_eq!(absolute(at(0), &kolkata), "2026-01-15 19:30 (Asia/Kolkata)");
        assert_eq!(relative_text("2026-01-15T13:00:00.000Z", at(0)), "1 h ago");
        assert_eq!(relative_text("", at(0)), "—");
    }

    #[test]
    fn a_refused_credential_shows_the_status_and_weyas_words_then_the_documented_auth() {
        use crate::api::Action as ApiAction;
        use crate::api::AuthMode;
        let refused = |action, used: AuthMode, message: Option<&str>| ApiError::AuthRefused {
            status: 401,
            action,
            used,
            used_from: format!("environment variable {}", used.env_var()),
            message: message.map(str::to_owned),
            excerpt: None,
            request_id: None,
        };
        let stop = refused(
            ApiAction::StopCalling,
            AuthMode::ApiKey,
            Some("Invalid API key\u{1b}[2J"),
        );
        assert_eq!(
            error_text(&stop),
            "HTTP 401: Weya says “Invalid API key⟨U+001B⟩[2J”. Weya documents a Bearer token \
             for stop-calling; this request sent x-api-key from environment variable \
             WEYA_API_KEY, the only credential configured: set WEYA_TOKEN, or token in the \
             config file. `weya-tui doctor` checks each credential."
        );
        assert!(!error_text(&stop).contains("needs"), "no cause claimed");
        let bearer = refused(ApiAction::StartCalling, AuthMode::Bearer, None);
        assert_eq!(
            error_text(&bearer),
            "HTTP 401. Weya documents a Bearer token for start-calling; this request sent it \
             (Bearer token) from environment variable WEYA_TOKEN: check that it is valid and \
             has not been revoked. `weya-tui doctor` checks each credential."
        );
    }

    #[test]
    fn every_error_gives_its_request_id() {
        let failed = ApiError::Status {
            status: 500,
            message: Some("boom".into()),
            request_id: Some("r1".into()),
            excerpt: None,
            retry_after: None,
        };
        assert_eq!(
            error_text(&failed),
            "HTTP 500 (the server failed): boom (request ID r1)"
        );
        let refused = ApiError::AuthRefused {
            status: 403,
            action: crate::api::Action::ListBatches,
            used: crate::api::AuthMode::ApiKey,
            used_from: "environment variable WEYA_API_KEY".into(),
            message: Some("Invalid API key".into()),
            excerpt: None,
            request_id: Some("r2".into()),
        };
        assert!(
            error_text(&refused).starts_with(
                "HTTP 403: Weya says “Invalid API key” (request ID r2). Weya documents a \
                 Bearer token for the batch list; this request sent x-api-key from \
                 environment variable WEYA_API_KEY, the only credential configured: set \
                 WEYA_TOKEN"
            ),
            "{}",
            error_text(&refused)
        );
    }

    #[test]
    fn the_bar_shows_completed_then_picked() {
        assert_eq!(progress_bar(2, 5, 10, 10), "██▒▒▒░░░░░");
        assert_eq!(progress_bar(0, 0, 0, 4), "░░░░");
        assert_eq!(progress_bar(10, 10, 10, 4), "████");
    }
}
