//! Start, stop and delete a batch: one request each, journaled the same
//! way whoever sends it (the TUI's effects and `weya-tui batch`), and the
//! confirmation a delete asks for. The front ends only present them.

use std::path::PathBuf;

use chrono::Utc;
use serde_json::{Value, json};

use crate::api::{ApiError, Deleted, DialerState, WeyaClient};
use crate::store::journal::{self, JournalAction, JournalEntry};
use crate::text::visible;

/// Where actions are journaled, and the target they are recorded under.
#[derive(Debug, Clone)]
pub struct Journal {
    /// The journal file; `None` when there is nowhere to keep one.
    pub path: Option<PathBuf>,
    /// `sandbox` or the host.
    pub target: String,
}

/// A request that was made (or not: a missing setting sends nothing), and
/// what the journal made of it.
#[derive(Debug)]
pub struct Sent<T> {
    pub result: Result<T, ApiError>,
    /// The batch's name as journaled: the one given, else the journal's
    /// own for this ID, else empty.
    pub name: String,
    /// Why the journal could not be written; the request was sent anyway.
    pub journal_error: Option<String>,
}

/// Start or stop the dialer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Start,
    Stop,
}

impl Switch {
    /// The headline for a start or stop that did not come back done:
    /// "Not started" when Weya refused it; when the answer leaves it open
    /// (lost, or a success status whose body says `status: false`:
    /// [`ApiError::outcome_unknown`]), that it is not known.
    pub fn not_done(self, e: &ApiError) -> &'static str {
        match (self, e.outcome_unknown()) {
            (Self::Start, false) => "Not started",
            (Self::Stop, false) => "Not stopped",
            (Self::Start, true) => "Not known whether it started",
            (Self::Stop, true) => "Not known whether it stopped",
        }
    }
}

/// Why a start or stop of a batch would change nothing, from what the
/// app last read of it (its status, its number of calls): a completed
/// batch has nothing to start or stop, a batch of no calls nothing to
/// start. `None` when it may do something: sent, Weya decides (an unknown
/// status included). The CLI and the TUI say these words and send
/// nothing.
pub fn nothing_to_do(switch: Switch, status: &str, calls: Option<u64>) -> Option<NothingToDo> {
    let what = match switch {
        Switch::Start => "start",
        Switch::Stop => "stop",
    };
    if status.trim().eq_ignore_ascii_case("completed") {
        return Some(NothingToDo {
            why: format!("the batch is completed: nothing to {what}"),
            // A stop wants the batch not calling, which it is not.
            state_holds: switch == Switch::Stop,
        });
    }
    if switch == Switch::Start && calls == Some(0) {
        return Some(NothingToDo {
            why: "the batch has no calls: nothing to start; import contacts into it first".into(),
            state_holds: false,
        });
    }
    None
}

/// A start or stop that would change nothing ([`nothing_to_do`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NothingToDo {
    /// "the batch is completed: nothing to stop".
    pub why: String,
    /// What the operator asked for holds already (a stop of a batch that
    /// does not call): the CLI exits 0; else (a start that calls no one)
    /// it exits 2.
    pub state_holds: bool,
}

impl NothingToDo {
    /// What the CLI and the TUI say, the batch named by `which` ("batch
    /// 64e5…, “June”", or "“June”"): "the batch is completed: nothing to
    /// stop (“June”); nothing was sent".
    pub fn said(&self, which: &str) -> String {
        format!("{} ({which}); nothing was sent", self.why)
    }
}

/// start-calling or stop-calling on batch `id`, journaled. `name` is the
/// batch's name when the caller knows it.
pub async fn switch(
    client: &WeyaClient,
    journal: &Journal,
    id: &str,
    name: Option<String>,
    switch: Switch,
) -> Sent<DialerState> {
    let sent_at = Utc::now();
    let (result, action) = match switch {
        Switch::Start => (client.start_calling(id).await, JournalAction::Start),
        Switch::Stop => (client.stop_calling(id).await, JournalAction::Stop),
    };
    // The user ID in it is configuration, not a secret.
    let body = json!({"batchId": id, "userId": client.config().user_id});
    let answer = result.as_ref().map(|_| None);
    let (name, journal_error) = record(journal, action, sent_at, id, name, body, answer).await;
    Sent {
        result,
        name,
        journal_error,
    }
}

/// delete-batch on batch `id`, journaled. Irreversible: the caller has
/// asked (see [`Confirmation`]).
pub async fn delete(
    client: &WeyaClient,
    journal: &Journal,
    id: &str,
    name: Option<String>,
) -> Sent<Deleted> {
    let sent_at = Utc::now();
    let result = client.delete_batch(id).await;
    let answer = result.as_ref().map(|d| d.request_id.clone());
    let (name, journal_error) = record(
        journal,
        JournalAction::Delete,
        sent_at,
        id,
        name,
        Value::Null,
        answer,
    )
    .await;
    Sent {
        result,
        name,
        journal_error,
    }
}

/// Appends the entry of a request to the journal, on a blocking thread
/// (the TUI's loop never waits on the disk). A request a missing setting
/// kept from being sent is not journaled. Returns the name recorded and
/// why the journal was not written, if it was not.
async fn record(
    journal: &Journal,
    action: JournalAction,
    sent_at: chrono::DateTime<Utc>,
    id: &str,
    name: Option<String>,
    body: Value,
    answer: Result<Option<String>, &ApiError>,
) -> (String, Option<String>) {
    let nothing_sent = answer.as_ref().is_err_and(|e| e.is_config_problem());
    let Some(path) = journal.path.clone().filter(|_| !nothing_sent) else {
        return (name.unwrap_or_default(), None);
    };
    let name = match name {
        Some(name) => name,
        None => {
            let (path, target, id) = (path.clone(), journal.target.clone(), id.to_owned());
            tokio::task::spawn_blocking(move || {
                journal::read(&path)
                    .ok()
                    .and_then(|(entries, _)| {
                        journal::known_name(&entries, &target, &id).map(str::to_owned)
                    })
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default()
        }
    };
    let entry = JournalEntry::batch_action(
        action,
        sent_at,
        journal.target.clone(),
        id,
        name.clone(),
        body,
        answer,
    );
    let written = tokio::task::spawn_blocking(move || journal::append(&path, &entry)).await;
    let error = match written {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("the journal was not written: {e}")),
        Err(e) => Some(format!("the journal was not written: {e}")),
    };
    if let Some(e) = &error {
        tracing::error!(error = %e, "cannot write the journal");
    }
    (name, error)
}

/// What a delete asks to be typed before it is sent: the batch's name
/// (GitHub's repository-delete pattern), or its ID when the name cannot be
/// typed: empty, or nothing but spaces and characters that draw nothing
/// (a zero-width space, a direction mark), which would confirm with
/// nothing visible typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// "name" or "ID", as the question says it.
    pub what: &'static str,
    /// What is to be typed.
    pub expected: String,
}

impl Confirmation {
    pub fn for_batch(id: &str, name: &str) -> Self {
        if !can_be_typed(name) {
            Self {
                what: "ID",
                expected: id.to_owned(),
            }
        } else {
            Self {
                what: "name",
                expected: name.trim().to_owned(),
            }
        }
    }

    /// Whether `typed` confirms the delete: exactly what is expected, its
    /// outer spaces aside, or its shown form (a name holding a character
    /// that draws nothing is confirmed as it is shown, `⟨U+200B⟩`).
    pub fn accepts(&self, typed: &str) -> bool {
        let typed = typed.trim();
        !typed.is_empty() && (typed == self.expected || typed == visible(&self.expected))
    }
}

/// Whether `name` has a character a person can see and type: not only
/// spaces, controls and characters that draw nothing.
pub fn can_be_typed(name: &str) -> bool {
    name.chars()
        .any(|c| !c.is_whitespace() && crate::text::hidden(c).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "64e5f12345abcdef98765432";

    /// Issue 19: a start or stop of a completed batch, or a start of one
    /// with no calls, claimed success; they are said for what they are.
    #[test]
    fn a_completed_or_empty_batch_has_nothing_to_start_and_a_completed_one_nothing_to_stop() {
        let said = |switch, status, calls| nothing_to_do(switch, status, calls);
        let stop = said(Switch::Stop, "completed", Some(12)).unwrap();
        assert_eq!(stop.why, "the batch is completed: nothing to stop");
        assert!(stop.state_holds);
        let start = said(Switch::Start, "completed", Some(12)).unwrap();
        assert_eq!(start.why, "the batch is completed: nothing to start");
        assert!(!start.state_holds);
        let empty = said(Switch::Start, "paused", Some(0)).unwrap();
        assert!(
            empty
                .why
                .starts_with("the batch has no calls: nothing to start")
        );
        assert!(!empty.state_holds);
        assert_eq!(
            said(Switch::Stop, "paused", Some(0)),
            None,
            "stopped anyway"
        );
        assert_eq!(said(Switch::Start, "paused", Some(3)), None);
        assert_eq!(said(Switch::Start, "paused", None), None, "not known: sent");
        assert_eq!(said(Switch::Stop, "active", Some(3)), None);
        assert_eq!(
            said(Switch::Start, "queued", Some(3)),
            None,
            "unknown: sent"
        );
    }

    #[test]
    fn a_name_that_cannot_be_typed_is_confirmed_by_the_id() {
        for blank in [
            "",
            "   ",
            "\u{a0}\t",
            "\u{200b}",
            " \u{200e}\u{feff} ",
            "\u{2060}",
        ] {
            let c = Confirmation::for_batch(ID, blank);
            assert_eq!(c.what, "ID");
            assert!(!c.accepts(""), "{blank:?}: nothing typed deletes nothing");
            assert!(!c.accepts(blank));
            assert!(c.accepts(ID));
        }
        let c = Confirmation::for_batch(ID, " June ");
        assert_eq!((c.what, c.expected.as_str()), ("name", "June"));
        assert!(c.accepts("June") && !c.accepts("june") && !c.accepts(""));
        let hidden = Confirmation::for_batch(ID, "May\u{200b}");
        assert!(hidden.accepts("May⟨U+200B⟩"));
    }

    /// A start with no name given is journaled under the name the journal
    /// knows for the batch; a missing setting journals nothing.
    #[tokio::test]
    async fn an_action_is_journaled_with_the_name_the_journal_knows() {
        let sandbox = crate::sandbox::Sandbox::start(0).await.unwrap();
        let client = WeyaClient::new(sandbox.client_config()).unwrap();
        let id = sandbox
            .store()
            .try_insert("June".into(), json!({"batchName": "June"}))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal {
            path: Some(dir.path().join("journal.jsonl")),
            target: "sandbox".into(),
        };
        let created = JournalEntry {
            time: "2026-01-15T14:00:00.000Z".into(),
            target: "sandbox".into(),
            action: JournalAction::Create,
            outcome: journal::JournalOutcome::Created,
            batch_name: "June".into(),
            batch_id: Some(id.clone()),
            request_id: None,
            status: None,
            error: None,
            body: json!({}),
        };
        journal::append(journal.path.as_deref().unwrap(), &created).unwrap();
        let sent = switch(&client, &journal, &id, None, Switch::Start).await;
        assert!(sent.result.is_ok(), "{:?}", sent.result);
        assert_eq!(sent.name, "June");
        assert_eq!(sent.journal_error, None);
        let sent = delete(&client, &journal, &id, Some("June".into())).await;
        assert!(sent.result.is_ok(), "{:?}", sent.result);
        let (entries, _) = journal::read(journal.path.as_deref().unwrap()).unwrap();
        let actions: Vec<_> = entries
            .iter()
            .map(|e| (e.action, e.batch_name.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (JournalAction::Create, "June"),
                (JournalAction::Start, "June"),
                (JournalAction::Delete, "June")
            ]
        );

        let mut config = sandbox.client_config();
        config.user_id = None;
        let unconfigured = WeyaClient::new(config).unwrap();
        let sent = switch(&unconfigured, &journal, &id, None, Switch::Stop).await;
        assert!(sent.result.unwrap_err().is_config_problem());
        let (entries, _) = journal::read(journal.path.as_deref().unwrap()).unwrap();
        assert_eq!(entries.len(), 3, "nothing sent, nothing journaled");
    }
}
