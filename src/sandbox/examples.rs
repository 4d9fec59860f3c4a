//! The example batches the sandbox starts with, so the batch list is not
//! empty on a first run. Their names begin with [`super::EXAMPLE_PREFIX`]
//! ("Example: ") and they are flagged `example` in the store
//! ([`super::SandboxStore::is_example`]).
//!
//! Their calls and phone logs come from the dialer itself, run over the
//! days before the start, so they look like what the sandbox makes later.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::EXAMPLE_PREFIX;
use super::dialer::{self, DialerConfig, Rng};
use super::model::{CallStep, QueueCache, QueueStatus, StoredBatch, StoredCall};
use super::store::SandboxStore;
use crate::api::types::transcript_text;
use crate::domain::schedule::CallingSchedule;

const NAMES: [&str; 16] = [
    "Ana Souza",
    "Ben Carter",
    "Chloe Martin",
    "Dev Patel",
    "Elena Rossi",
    "Femi Adeyemi",
    "Grace Kim",
    "Hugo Schmidt",
    "Isha Rao",
    "Jonas Berg",
    "Kate O'Neill",
    "Luis Ortega",
    "Mei Chen",
    "Noah Levi",
    "Olivia Brown",
    "Priya Nair",
];
const PLANS: [&str; 4] = ["Basic", "Plus", "Premium", "Family"];

/// How one example ends up.
enum Fate {
    /// Started and dialled to the end.
    Completed,
    /// Started, and dialled for this long: still active.
    Active(Duration),
    /// Started, dialled for this long, then stopped.
    Stopped(Duration),
    /// Never started.
    Paused,
}

struct Example {
    name: &'static str,
    days_ago: i64,
    calls: usize,
    body: Value,
    fate: Fate,
}

/// The examples' names (with their [`EXAMPLE_PREFIX`]) and calling
/// schedules, as this table makes them. Weya's answers (and so the
/// sandbox's) never carry a schedule: the connection hands these to the
/// client, which knows nothing else of the sandbox.
pub fn example_schedules() -> Vec<(String, CallingSchedule)> {
    table()
        .into_iter()
        .filter_map(|e| {
            let schedule = CallingSchedule::from_body(&e.body)?;
            Some((format!("{EXAMPLE_PREFIX}{}", e.name), schedule))
        })
        .collect()
}

/// What the examples are made of.
fn table() -> [Example; 4] {
    [
        Example {
            name: "June renewals",
            days_ago: 6,
            calls: 36,
            body: json!({"callingNumbers": ["64e5f12345abcdef87654321", "64e5f12345abcdef87654323"],
                "retry": 2, "delay": 60, "timezone": "America/New_York",
                "callingHour": {"start": "09:00", "end": "17:00"}, "allowedDays": [1, 2, 3, 4, 5]}),
            fate: Fate::Completed,
        },
        Example {
            name: "Appointment confirmations",
            days_ago: 3,
            calls: 30,
            body: json!({"callingNumbers": ["64e5f12345abcdef87654326"],
                "retry": 3, "delay": 30, "timezone": "Europe/London",
                "callingHour": {"start": "10:00", "end": "18:00"}, "allowedDays": [1, 2, 3, 4, 5, 6]}),
            fate: Fate::Stopped(Duration::from_secs(8)),
        },
        Example {
            name: "Payment reminders",
            days_ago: 1,
            calls: 48,
            body: json!({"callingNumbers": ["64e5f12345abcdef87654327", "64e5f12345abcdef87654328"],
                "retry": 1, "delay": 120, "timezone": "Asia/Kolkata",
                "callingHour": {"start": "09:00", "end": "20:00"}, "allowedDays": [0, 1, 2, 3, 4, 5, 6]}),
            fate: Fate::Active(Duration::from_secs(12)),
        },
        // The one to start: it calls at any hour of any day, so "start
        // one to watch it dial" holds on a Sunday night too.
        Example {
            name: "Welcome calls (every day, any hour)",
            days_ago: 0,
            calls: 24,
            body: json!({"callingNumbers": ["64e5f12345abcdef87654321"],
                "retry": 2, "delay": 300, "timezone": "America/Chicago",
                "callingHour": {"start": "00:00", "end": "23:59"}, "allowedDays": [0, 1, 2, 3, 4, 5, 6]}),
            fate: Fate::Paused,
        },
    ]
}

/// The examples, as of `now`.
pub(super) fn examples(store: &SandboxStore, now: DateTime<Utc>) -> Vec<StoredBatch> {
    let examples = table();
    // Their history is made up the same way each time, whatever the
    // sandbox's own seed and windows.
    let config = DialerConfig {
        calls_per_second: 2.0,
        ignore_window: true,
        seed: 0xe8a3_91e5,
    };
    let mut rng = Rng::new(config.seed);
    let mut batches = Vec::new();
    for (n, example) in examples.into_iter().enumerate() {
        let created = now - chrono::Duration::days(example.days_ago) - chrono::Duration::hours(2);
        let name = format!("{EXAMPLE_PREFIX}{}", example.name);
        let mut body = example.body;
        body["batchName"] = Value::String(name.clone());
        let added = created + chrono::Duration::minutes(5);
        let calls = (0..example.calls)
            .map(|i| contact(store, n, i, added, created))
            .collect();
        let mut batch = StoredBatch {
            id: store.new_id(),
            name,
            body,
            created_at: created,
            updated_at: added,
            status: QueueStatus::Paused,
            calls,
            example: true,
            run_from: 0,
            credit: 0.0,
            queue: QueueCache::default(),
        };
        let started = added + chrono::Duration::minutes(10);
        let dial = |batch: &mut StoredBatch, rng: &mut Rng, span: Duration| {
            dialer::run(std::slice::from_mut(batch), started, span, &config, rng);
        };
        match example.fate {
            Fate::Paused => {}
            Fate::Completed => {
                batch.status = QueueStatus::Active;
                // Long enough for every retry: two hours of dialing.
                dial(&mut batch, &mut rng, Duration::from_secs(2 * 3600));
            }
            Fate::Active(span) => {
                batch.status = QueueStatus::Active;
                dial(&mut batch, &mut rng, span);
            }
            Fate::Stopped(span) => {
                batch.status = QueueStatus::Active;
                dial(&mut batch, &mut rng, span);
                batch.status = QueueStatus::Stopped;
                // Calls on the line finish after the stop.
                let from = started + chrono::Duration::from_std(span).unwrap_or_default();
                dialer::run(
                    std::slice::from_mut(&mut batch),
                    from,
                    Duration::from_secs(10),
                    &config,
                    &mut rng,
                );
            }
        }
        plain_transcripts(&mut batch);
        batches.push(batch);
    }
    batches
}

/// A made-up contact with the fields an agent would use.
fn contact(
    store: &SandboxStore,
    batch: usize,
    i: usize,
    added: DateTime<Utc>,
    created: DateTime<Utc>,
) -> StoredCall {
    let k = batch * 7 + i;
    let mut fields = Map::new();
    fields.insert("name".into(), json!(NAMES[k % NAMES.len()]));
    fields.insert("plan".into(), json!(PLANS[(k / 3) % PLANS.len()]));
    let due = created.date_naive() + chrono::Duration::days(7 + (i % 14) as i64);
    fields.insert("due_date".into(), json!(due.format("%Y-%m-%d").to_string()));
    StoredCall {
        id: store.new_id(),
        // 555-01xx numbers are set aside for fiction.
        phone_number: format!("1{}55501{:02}", [212, 312, 415, 646][k % 4], i % 100),
        fields,
        created_at: added,
        logs: Vec::new(),
        next: CallStep::Waiting { not_before: None },
    }
}

/// Every third answered call keeps its transcript as plain text: Weya's
/// transcripts may come either way, and the examples show both.
fn plain_transcripts(batch: &mut StoredBatch) {
    let logs = batch
        .calls
        .iter_mut()
        .flat_map(|c| c.logs.iter_mut())
        .filter(|l| l.transcript.is_some());
    for log in logs.step_by(3) {
        if let Some(t) = &log.transcript {
            log.transcript = Some(Value::String(transcript_text(t)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_cover_each_status_with_calls_and_logs() {
        let store = SandboxStore::seeded();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 15, 14, 0, 0).unwrap();
        let batches = examples(&store, now);
        let statuses: Vec<_> = batches.iter().map(|b| b.status).collect();
        assert_eq!(
            statuses,
            [
                QueueStatus::Completed,
                QueueStatus::Stopped,
                QueueStatus::Active,
                QueueStatus::Paused
            ]
        );
        for b in &batches {
            assert!(b.name.starts_with("Example: ") && b.example, "{}", b.name);
            assert!(b.calls.len() >= 24);
            assert!(b.created_at < now);
        }
        let completed = &batches[0];
        assert!(completed.calls.iter().all(|c| !c.logs.is_empty()));
        let summary = completed.summary();
        assert!(
            summary.calls_completed.unwrap() > 0
                && summary.calls_completed.unwrap() < summary.total_calls.unwrap()
        );
        let transcripts: Vec<_> = completed
            .calls
            .iter()
            .flat_map(|c| &c.logs)
            .filter_map(|l| l.transcript.as_ref())
            .collect();
        assert!(transcripts.iter().any(|t| t.is_string()));
        assert!(transcripts.iter().any(|t| t.is_array()));
        let active = batches[2].summary();
        assert!(
            active.calls_picked.unwrap() > 0
                && active.calls_picked.unwrap() < active.total_calls.unwrap()
        );
        assert!(batches[3].calls.iter().all(|c| c.logs.is_empty()));
        // The client is handed each one's schedule, by its full name,
        // from the same table.
        let handed = example_schedules();
        assert_eq!(handed.len(), batches.len());
        for b in &batches {
            let schedule = handed.iter().find(|(name, _)| *name == b.name);
            assert_eq!(
                schedule.map(|(_, s)| s.clone()),
                CallingSchedule::from_body(&b.body),
                "{}",
                b.name
            );
            assert!(schedule.is_some(), "{}", b.name);
        }
        // Nothing is left on the line in a stopped example.
        assert!(
            batches[1]
                .calls
                .iter()
                .all(|c| !matches!(c.next, CallStep::OnCall { .. }))
        );
    }
}
