//! The submit journal: one JSON line per request that changes a batch
//! (create, start, stop, delete), appended to
//! `$XDG_STATE_HOME/weya-tui/journal.jsonl`. It never holds a credential:
//! entries are built from the request body and the answer only.

use std::io::{self, BufRead};
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Created};

/// What a journaled request did to a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalAction {
    /// createBatch. The default: lines written before the other actions
    /// were journaled carry no `action`, and every one of them was a create.
    #[default]
    Create,
    /// start-calling.
    Start,
    /// stop-calling.
    Stop,
    /// delete-batch.
    Delete,
}

impl JournalAction {
    /// As the journal spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Delete => "delete",
        }
    }
}

/// How a request ended, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalOutcome {
    /// A create that answered with a batch ID.
    Created,
    /// A start, stop or delete the server said it carried out.
    Done,
    Failed,
    /// No answer arrived (timeout, dropped connection, the operator stopped
    /// waiting): the batch may exist.
    Unknown,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When it was sent, RFC 3339 UTC.
    pub time: String,
    /// `sandbox`, or the host it was sent to.
    pub target: String,
    #[serde(default)]
    pub action: JournalAction,
    pub outcome: JournalOutcome,
    /// Empty when a start, stop or delete was sent without the name being
    /// known (it is looked up in the journal, not asked of the server).
    pub batch_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The exact body that was sent; `null` for a delete, which has none.
    pub body: serde_json::Value,
}

/// How a submission was answered, as far as its journal entry cares.
#[derive(Debug, Clone, Copy)]
pub enum Answered<'a> {
    Created(&'a Created),
    Failed(&'a ApiError),
    /// The operator stopped waiting after this long: the batch may exist.
    Abandoned {
        after: Duration,
    },
    /// No answer said, but Weya's batch list showed the batch afterwards.
    Found {
        batch_id: &'a str,
    },
}

impl JournalEntry {
    /// The entry for `body` sent to `target` at `sent_at` and answered so.
    /// The TUI and `weya-tui create` both record through here, so their
    /// entries read the same.
    pub fn new(
        sent_at: DateTime<Utc>,
        target: String,
        batch_name: String,
        body: &str,
        answered: Answered<'_>,
    ) -> Self {
        let mut entry = Self {
            time: sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            target,
            action: JournalAction::Create,
            outcome: JournalOutcome::Created,
            batch_name,
            batch_id: None,
            request_id: None,
            status: None,
            error: None,
            body: serde_json::from_str(body).unwrap_or_default(),
        };
        match answered {
            Answered::Created(created) => {
                entry.batch_id = Some(created.batch_id.clone());
                entry.request_id.clone_from(&created.request_id);
            }
            Answered::Failed(e) => {
                entry.outcome = if e.outcome_unknown() {
                    JournalOutcome::Unknown
                } else {
                    JournalOutcome::Failed
                };
                entry.request_id = e.request_id().map(str::to_owned);
                entry.status = e.status();
                entry.error = Some(e.to_string());
            }
            Answered::Found { batch_id } => {
                entry.batch_id = Some(batch_id.to_owned());
                entry.error =
                    Some("no answer said; found in Weya's batch list afterwards".to_owned());
            }
            Answered::Abandoned { after } => {
                entry.outcome = JournalOutcome::Unknown;
                entry.error = Some(format!(
                    "the operator stopped waiting after {:.1} s",
                    after.as_secs_f32()
                ));
            }
        }
        entry
    }
}

impl JournalEntry {
    /// The entry of a start, stop or delete of batch `id` sent to `target`
    /// at `sent_at`: done (with the answer's request ID, if any), or failed
    /// or unknown with the error. The TUI and `weya-tui batch` both record
    /// through here, so their entries read the same.
    pub fn batch_action(
        action: JournalAction,
        sent_at: DateTime<Utc>,
        target: String,
        id: &str,
        batch_name: String,
        body: serde_json::Value,
        result: Result<Option<String>, &ApiError>,
    ) -> Self {
        let mut entry = Self {
            time: sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            target,
            action,
            outcome: JournalOutcome::Done,
            batch_name,
            batch_id: Some(id.to_owned()),
            request_id: None,
            status: None,
            error: None,
            body,
        };
        match result {
            Ok(request_id) => entry.request_id = request_id,
            Err(e) => {
                entry.outcome = if e.outcome_unknown() {
                    JournalOutcome::Unknown
                } else {
                    JournalOutcome::Failed
                };
                entry.request_id = e.request_id().map(str::to_owned);
                entry.status = e.status();
                entry.error = Some(e.to_string());
            }
        }
        entry
    }
}

/// Appends one entry as one line, durably: see [`super::jsonl`] for what
/// that promises.
pub fn append(path: &Path, entry: &JournalEntry) -> io::Result<()> {
    super::jsonl::append_to(path, entry)
}

/// Every readable entry, oldest first, and how many lines could not be read
/// (a line cut by a crash, say, or bytes that are not UTF-8): a bad line
/// costs only itself. A missing journal is empty.
pub fn read(path: &Path) -> io::Result<(Vec<JournalEntry>, usize)> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        // A folder that cannot exist (a file in its place) holds no journal
        // either; the draft's notice says why nothing can be kept there.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok((Vec::new(), 0));
        }
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    let mut skipped = 0;
    for line in io::BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice(&line) {
            Ok(entry) => entries.push(entry),
            Err(_) => skipped += 1,
        }
    }
    Ok((entries, skipped))
}

/// The journal as the TUI starts with it, and what to tell the operator
/// about it (lines skipped, or a journal that cannot be read at all).
pub fn read_at_start(path: &Path) -> (Vec<JournalEntry>, Option<String>) {
    match read(path) {
        Ok((entries, 0)) => (entries, None),
        Ok((entries, skipped)) => (
            entries,
            Some(format!(
                "Journal {}: {}.",
                path.display(),
                skipped_lines(skipped)
            )),
        ),
        Err(e) => (
            Vec::new(),
            Some(format!(
                "The journal {} cannot be read ({e}): earlier batch names and the last timezone are not known.",
                path.display()
            )),
        ),
    }
}

/// "1 unreadable line skipped", "2 unreadable lines skipped".
pub fn skipped_lines(n: usize) -> String {
    format!(
        "{n} unreadable line{} skipped",
        if n == 1 { "" } else { "s" }
    )
}

/// The name the journal knows for batch `id` on `target`: the newest one
/// a create or a delete recorded. `None` when it was made elsewhere.
pub fn known_name<'a>(entries: &'a [JournalEntry], target: &str, id: &str) -> Option<&'a str> {
    entries
        .iter()
        .rev()
        .filter(|e| e.target == target && e.batch_id.as_deref() == Some(id))
        .map(|e| e.batch_name.as_str())
        .find(|name| !name.is_empty())
}

/// The body batch `id` was created with on `target`, when it was created
/// from this machine: the batch's calling window, which no answer of
/// Weya's repeats, is known only from there.
pub fn created_body<'a>(
    entries: &'a [JournalEntry],
    target: &str,
    id: &str,
) -> Option<&'a serde_json::Value> {
    entries
        .iter()
        .rev()
        .find(|e| {
            e.action == JournalAction::Create
                && e.outcome == JournalOutcome::Created
                && e.target == target
                && e.batch_id.as_deref() == Some(id)
        })
        .map(|e| &e.body)
}

/// The timezone of the last batch sent (a valid IANA name), to start the
/// next form with.
pub fn last_timezone(entries: &[JournalEntry]) -> Option<String> {
    entries
        .iter()
        .rev()
        .filter_map(|e| e.body.get("timezone")?.as_str())
        .find(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn an_entry_records_the_answer_however_it_came() {
        let sent_at = chrono::DateTime::parse_from_rfc3339("2026-01-15T14:00:00.5Z")
            .unwrap()
            .to_utc();
        let body = r#"{"batchName":"June","timezone":"UTC"}"#;
        let entry =
            |answered| JournalEntry::new(sent_at, "sandbox".into(), "June".into(), body, answered);
        let created = Created {
            batch_id: "b1".into(),
            request_id: Some("r1".into()),
        };
        let e = entry(Answered::Created(&created));
        assert_eq!(e.time, "2026-01-15T14:00:00.500Z");
        assert_eq!(e.outcome, JournalOutcome::Created);
        assert_eq!(
            (e.batch_id.as_deref(), e.request_id.as_deref()),
            (Some("b1"), Some("r1"))
        );
        assert_eq!(e.body["timezone"], "UTC");

        let refused = ApiError::Status {
            status: 400,
            message: Some("bad".into()),
            request_id: Some("r2".into()),
            excerpt: None,
            retry_after: None,
        };
        let e = entry(Answered::Failed(&refused));
        assert_eq!(e.outcome, JournalOutcome::Failed);
        assert_eq!((e.status, e.request_id.as_deref()), (Some(400), Some("r2")));
        assert_eq!(e.error, Some(refused.to_string()));
        assert_eq!(e.batch_id, None);

        let e = entry(Answered::Abandoned {
            after: Duration::from_millis(2500),
        });
        assert_eq!(e.outcome, JournalOutcome::Unknown);
        assert_eq!(
            e.error.as_deref(),
            Some("the operator stopped waiting after 2.5 s")
        );
    }

    fn entry(name: &str, outcome: JournalOutcome) -> JournalEntry {
        JournalEntry {
            time: "2026-01-15T14:00:00Z".into(),
            target: "sandbox".into(),
            action: JournalAction::Create,
            outcome,
            batch_name: name.into(),
            batch_id: Some("64e5f12345abcdef98765432".into()),
            request_id: None,
            status: Some(201),
            error: None,
            body: serde_json::json!({"batchName": name}),
        }
    }

    #[test]
    fn the_last_timezone_used_is_the_newest_valid_one() {
        let mut a = entry("a", JournalOutcome::Created);
        a.body = serde_json::json!({"timezone": "Asia/Kolkata"});
        let mut b = entry("b", JournalOutcome::Failed);
        b.body = serde_json::json!({"timezone": "Not/AZone"});
        let c = entry("c", JournalOutcome::Created);
        assert_eq!(
            last_timezone(&[a.clone(), b.clone(), c]),
            Some("Asia/Kolkata".into())
        );
        assert_eq!(last_timezone(&[b]), None);
        assert_eq!(last_timezone(&[]), None);
    }

    #[test]
    fn lines_that_are_not_utf8_are_skipped_and_counted_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut kolkata = entry("Renewals", JournalOutcome::Created);
        kolkata.body = serde_json::json!({"batchName": "Renewals", "timezone": "Asia/Kolkata"});
        append(&path, &kolkata).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"time\":\"\xff\xfe\"}\n\xc3\x28 not text\n")
            .unwrap();
        append(&path, &entry("Later", JournalOutcome::Failed)).unwrap();

        let (entries, skipped) = read(&path).unwrap();
        assert_eq!(skipped, 2);
        let names: Vec<_> = entries.iter().map(|e| e.batch_name.as_str()).collect();
        assert_eq!(names, ["Renewals", "Later"]);
        assert_eq!(last_timezone(&entries), Some("Asia/Kolkata".into()));

        let (entries, note) = read_at_start(&path);
        assert_eq!(entries.len(), 2);
        let note = note.unwrap();
        assert!(note.contains("2 unreadable lines skipped"), "{note}");
        assert!(note.contains(&path.display().to_string()), "{note}");
    }

    #[test]
    fn entries_round_trip_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/journal.jsonl");
        assert_eq!(read(&path).unwrap(), (Vec::new(), 0));
        append(&path, &entry("a", JournalOutcome::Created)).unwrap();
        append(&path, &entry("b", JournalOutcome::Unknown)).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"time\":\"2026-").unwrap();
        let (entries, skipped) = read(&path).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].outcome, JournalOutcome::Unknown);
        assert_eq!(skipped, 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.lines()
                .next()
                .unwrap()
                .contains("\"outcome\":\"created\"")
        );
    }

    #[test]
    fn a_line_written_before_actions_were_journaled_reads_as_a_create() {
        let old = br#"{"time":"2026-01-15T14:00:00.000Z","target":"sandbox","outcome":"created","batch_name":"May","batch_id":"64e5f12345abcdef98765432","body":{"batchName":"May"}}"#;
        let entry: JournalEntry = serde_json::from_slice(old).unwrap();
        assert_eq!(entry.action, JournalAction::Create);
        assert_eq!(entry.outcome, JournalOutcome::Created);
        assert_eq!(
            created_body(
                std::slice::from_ref(&entry),
                "sandbox",
                "64e5f12345abcdef98765432"
            ),
            Some(&serde_json::json!({"batchName": "May"}))
        );
    }

    #[test]
    fn actions_round_trip_and_the_name_is_the_newest_known() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let id = "64e5f12345abcdef98765432";
        append(&path, &entry("June renewals", JournalOutcome::Created)).unwrap();
        let mut stop = entry("", JournalOutcome::Done);
        stop.action = JournalAction::Stop;
        stop.body = serde_json::Value::Null;
        append(&path, &stop).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().nth(1).unwrap().contains(r#""action":"stop""#));
        let (entries, skipped) = read(&path).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(entries[1], stop);
        assert_eq!(known_name(&entries, "sandbox", id), Some("June renewals"));
        assert_eq!(known_name(&entries, "api.weya.example", id), None);
        // A stop is no create: the window is still the created batch's.
        assert_eq!(
            created_body(&entries, "sandbox", id),
            Some(&serde_json::json!({"batchName": "June renewals"}))
        );
    }
}
