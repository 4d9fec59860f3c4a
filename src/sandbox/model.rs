//! The sandbox's batches and calls as it keeps (and saves) them: plain
//! data that the store holds and the dialer moves on, so it depends on
//! neither.

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
    /// Calls the dialer may pick up now (a fraction of a call saved up
    /// between slices).
    #[serde(skip)]
    pub(super) credit: f64,
}

impl StoredBatch {
    pub fn summary(&self) -> BatchSummary {
        let picked = self.calls.iter().filter(|c| !c.logs.is_empty()).count();
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
