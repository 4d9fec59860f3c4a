//! The sandbox's batches and calls as it keeps (and saves) them: plain
//! data that the store holds and the dialer moves on, so it depends on
//! neither.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{BatchSummary, Call};

/// A timestamp as Weya writes them: ISO 8601 UTC with milliseconds.
pub fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Where a batch stands, as `queue_status` and `batchStatus` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueStatus {
    /// Created and not started (Weya's examples use "paused").
    Paused,
    /// Started: the dialer picks up its calls within its window.
    Active,
    /// Stopped with stop-calling ("should show stopped", say Weya's docs).
    Stopped,
    /// Started, and nothing is left to dial.
    Completed,
}

impl QueueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paused => "paused",
            Self::Active => "active",
            Self::Stopped => "stopped",
            Self::Completed => "completed",
        }
    }
}

/// A batch as the sandbox keeps it (and saves it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredBatch {
    pub id: String,
    pub name: String,
    /// The createBatch body as it was accepted.
    pub body: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub status: QueueStatus,
    pub calls: Vec<StoredCall>,
    /// One of the examples the sandbox starts with (their names begin
    /// with [`super::EXAMPLE_PREFIX`]).
    #[serde(default)]
    pub example: bool,
    /// The calls before this one are left alone by the run under way:
    /// start-calling with `callData` dials those calls "instead of
    /// existing batch calls" (Weya's words). A start without it is 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub run_from: usize,
    /// Calls the dialer may pick up now (a fraction of a call saved up
    /// between slices).
    #[serde(skip)]
    pub(super) credit: f64,
    /// Which calls wait, and which are on the line, kept beside the calls
    /// so that a slice of dialing costs what happens in it, not what the
    /// batch holds (a start catches up hours of it). Never saved: built
    /// from the calls when missing.
    #[serde(skip)]
    pub(super) queue: QueueCache,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl StoredBatch {
    /// The batch list's item. `callsPicked` is what Weya's page defines:
    /// calls "picked up/answered", counted once however many attempts
    /// they took (an answered call still on the line counts: it was
    /// picked up), not every call dialled.
    pub fn summary(&self) -> BatchSummary {
        let picked = self.calls.iter().filter(|c| c.answered()).count();
        let completed = self
            .calls
            .iter()
            .filter(|c| c.logs.last().is_some_and(|l| l.call_status == "completed"))
            .count();
        BatchSummary {
            id: self.id.clone(),
            batch_name: self.name.clone(),
            total_calls: Some(self.calls.len() as u64),
            calls_picked: Some(picked as u64),
            calls_completed: Some(completed as u64),
            queue_status: self.status.as_str().to_owned(),
            created_at: iso(self.created_at),
            updated_at: iso(self.updated_at),
        }
    }
}

/// A number registered with add-phone. The provider's auth token and
/// account SID it came with are checked and forgotten: never kept, saved
/// or logged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredPhone {
    pub id: String,
    pub phone_number: String,
    pub integration: String,
    pub created_at: DateTime<Utc>,
}

impl StoredPhone {
    /// As the (assumed) phone list shows it: add-phone takes no label.
    pub fn to_phone(&self) -> crate::api::Phone {
        crate::api::Phone {
            id: self.id.clone(),
            phone_number: self.phone_number.clone(),
            integration: self.integration.clone(),
            label: String::new(),
        }
    }
}

/// A contact of a batch and its attempts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCall {
    pub id: String,
    pub phone_number: String,
    /// The row's other fields, in the order they were sent.
    pub fields: Map<String, Value>,
    pub created_at: DateTime<Utc>,
    pub logs: Vec<crate::api::PhoneLog>,
    pub next: CallStep,
}

impl StoredCall {
    /// The call as batch-details shows it.
    pub fn to_call(&self) -> Call {
        Call {
            id: self.id.clone(),
            phone_number: self.phone_number.clone(),
            fields: self.fields.clone(),
            phone_logs: self.logs.clone(),
            created_at: iso(self.created_at),
        }
    }

    /// Whether someone picked up: an attempt completed, or the one on the
    /// line is being answered.
    pub fn answered(&self) -> bool {
        self.logs.iter().any(|l| l.call_status == "completed")
            || matches!(&self.next, CallStep::OnCall { result, .. } if result.call_status == "completed")
    }

    pub(super) fn status(&self) -> Option<&str> {
        self.logs.last().map(|l| l.call_status.as_str())
    }

    /// Whether `needle` (lower case) is in the phone number (digits alone
    /// count: "212 555" finds 12125550143) or in a contact field's value.
    pub(super) fn matches(&self, needle: &str, digits: &str) -> bool {
        if self.phone_number.contains(needle)
            || (!digits.is_empty() && self.phone_number.contains(digits))
        {
            return true;
        }
        self.fields.values().any(|v| match v {
            Value::String(s) => s.to_lowercase().contains(needle),
            Value::Null | Value::Array(_) | Value::Object(_) => false,
            other => other.to_string().contains(needle),
        })
    }
}

/// What happens next to a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum CallStep {
    /// Waiting to be dialled; after a failed attempt, not before the
    /// retry delay has passed.
    #[serde(rename_all = "camelCase")]
    Waiting { not_before: Option<DateTime<Utc>> },
    /// On the line until `ends_at`, then ends as `result` says.
    #[serde(rename_all = "camelCase")]
    OnCall {
        ends_at: DateTime<Utc>,
        result: Box<crate::api::PhoneLog>,
    },
    /// Answered, or out of retries.
    Done,
}

/// A batch's calls as the dialer sees them, by their place in the batch.
#[derive(Debug, Default)]
pub(super) struct DialQueue {
    /// Waiting calls with no retry delay left, lowest place first: the
    /// order in which they were added is the order they are dialled.
    pub ready: BTreeSet<usize>,
    /// Waiting calls with a retry delay to wait out: (not before, place).
    pub later: BTreeSet<(DateTime<Utc>, usize)>,
    /// Calls on the line.
    pub on_line: Vec<usize>,
}

impl DialQueue {
    /// From the calls: those from `run_from` on may be dialled; any call
    /// on the line is on it, whatever the run.
    pub fn of(calls: &[StoredCall], run_from: usize) -> Self {
        let mut queue = Self::default();
        for (i, call) in calls.iter().enumerate() {
            match call.next {
                CallStep::Waiting { not_before } if i >= run_from => match not_before {
                    None => {
                        queue.ready.insert(i);
                    }
                    Some(at) => {
                        queue.later.insert((at, i));
                    }
                },
                CallStep::OnCall { .. } => queue.on_line.push(i),
                CallStep::Waiting { .. } | CallStep::Done => {}
            }
        }
        queue
    }

    /// Whether every call of the run has ended for good.
    pub fn finished(&self) -> bool {
        self.ready.is_empty() && self.later.is_empty() && self.on_line.is_empty()
    }
}

/// A [`DialQueue`] or nothing yet. A copy of a batch (a snapshot to save,
/// an answer) has none: it is rebuilt when the dialer next needs it.
#[derive(Default)]
pub(super) struct QueueCache(pub Option<Box<DialQueue>>);

impl Clone for QueueCache {
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl std::fmt::Debug for QueueCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "QueueCache(built)"
        } else {
            "QueueCache(none)"
        })
    }
}
