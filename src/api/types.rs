//! Serde types for Weya's wire format, shared by the client and the sandbox.
//!
//! Field names follow Weya's documentation exactly (`batchName`,
//! `callingNumbers`, `callingHour` in the singular, `allowedDays` with
//! 0 = Sunday). See `shared/weya-api.md`.

use serde::{Deserialize, Serialize};

/// The body of `POST /api/call/createBatch`.
///
/// Only [`crate::form::validate`] builds one from operator input, so a value of
/// this type is always a request the operator has seen validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    pub batch_name: String,
    pub calling_numbers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calling_hour: Option<CallingHour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_days: Option<Vec<u8>>,
}

impl BatchRequest {
    /// The exact bytes that are sent and shown on the review screen.
    ///
    /// One field per line, each value compact, in Weya's documented order: as
    /// readable on screen as pretty JSON but a third of the height, and still
    /// byte-for-byte what goes over the wire. Control and invisible
    /// characters are `\uXXXX` escapes: the same string to Weya, and plain
    /// to see wherever the body is shown.
    pub fn to_body(&self) -> String {
        use crate::text::json;
        let mut fields = vec![
            ("batchName", json(&self.batch_name)),
            ("callingNumbers", json(&self.calling_numbers)),
        ];
        if let Some(v) = self.retry {
            fields.push(("retry", json(&v)));
        }
        if let Some(v) = self.delay {
            fields.push(("delay", json(&v)));
        }
        if let Some(v) = &self.timezone {
            fields.push(("timezone", json(v)));
        }
        if let Some(v) = &self.calling_hour {
            fields.push(("callingHour", json(v)));
        }
        if let Some(v) = &self.allowed_days {
            fields.push(("allowedDays", json(v)));
        }
        let lines: Vec<String> = fields
            .into_iter()
            .map(|(k, v)| format!("  \"{k}\": {v}"))
            .collect();
        format!("{{\n{}\n}}", lines.join(",\n"))
    }
}

/// `callingHour`: the daily window, 24-hour `HH:MM` in the batch timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingHour {
    pub start: String,
    pub end: String,
}

/// Weya's response envelope. Every field is optional because error bodies are
/// undocumented and must be parsed leniently.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// A success envelope as Weya sends it.
    pub fn ok(code: u16, message: &str, data: T) -> Self {
        Self {
            message: Some(message.to_owned()),
            status: Some(true),
            code: Some(code),
            error_message: Some(String::new()),
            data: Some(data),
        }
    }

    /// The most useful human text in the envelope: `errorMessage` when it is
    /// non-empty, else `message`.
    pub fn best_message(&self) -> Option<&str> {
        [self.error_message.as_deref(), self.message.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|m| !m.is_empty())
    }
}

impl Envelope<serde_json::Value> {
    /// An error envelope as we expect Weya to send it (undocumented).
    pub fn error(code: u16, message: &str) -> Self {
        Self {
            message: Some(message.to_owned()),
            status: Some(false),
            code: Some(code),
            error_message: Some(message.to_owned()),
            data: None,
        }
    }
}

/// A caller phone number of the workspace. Weya documents no list endpoint;
/// this is the shape of `add-phone`'s answer plus a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phone {
    #[serde(rename = "_id")]
    pub id: String,
    pub phone_number: String,
    #[serde(default)]
    pub integration: String,
    #[serde(default)]
    pub label: String,
}

/// One item of `GET /api/call/batches/{userId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    #[serde(rename = "_id")]
    pub id: String,
    pub batch_name: String,
    #[serde(default)]
    pub total_calls: u64,
    #[serde(default)]
    pub calls_picked: u64,
    #[serde(default)]
    pub calls_completed: u64,
    #[serde(default, rename = "queue_status")]
    pub queue_status: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub total: u64,
    pub page: u64,
    pub limit: u64,
    pub total_pages: u64,
}

/// `data` of the batch list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPage {
    pub batches: Vec<BatchSummary>,
    #[serde(default)]
    pub pagination: Pagination,
}

/// Query of the batch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuery {
    pub page: u32,
    pub limit: u32,
    pub search: Option<String>,
}

impl Default for BatchQuery {
    fn default() -> Self {
        Self {
            page: 1,
            limit: 10,
            search: None,
        }
    }
}

/// Whether `s` is a 24-hex-character ID (a MongoDB ObjectId), as Weya's IDs are.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_request_uses_weya_field_names_and_omits_unset_options() {
        let req = BatchRequest {
            batch_name: "May".into(),
            calling_numbers: vec!["64e5f12345abcdef87654321".into()],
            retry: Some(3),
            delay: None,
            timezone: None,
            calling_hour: Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5]),
        };
        let body = req.to_body();
        assert_eq!(serde_json::from_str::<BatchRequest>(&body).unwrap(), req);
        assert_eq!(body.lines().count(), 7, "one line per field:\n{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"batchName":"May","callingNumbers":["64e5f12345abcdef87654321"],
                "retry":3,"callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]})
        );
    }

    #[test]
    fn invisible_characters_in_the_body_are_escapes_that_decode_to_the_same_name() {
        let req = BatchRequest {
            batch_name: "May\u{200B}run\u{FEFF}".into(),
            calling_numbers: vec!["64e5f12345abcdef87654321".into()],
            retry: None,
            delay: None,
            timezone: None,
            calling_hour: None,
            allowed_days: None,
        };
        let body = req.to_body();
        assert!(
            body.contains(r#""batchName": "May\u200brun\ufeff""#),
            "{body}"
        );
        assert_eq!(serde_json::from_str::<BatchRequest>(&body).unwrap(), req);
    }

    #[test]
    fn envelope_parses_leniently_and_prefers_error_message() {
        let e: Envelope<serde_json::Value> =
            serde_json::from_str(r#"{"message":"Bad","errorMessage":"batchName is required"}"#)
                .unwrap();
        assert_eq!(e.best_message(), Some("batchName is required"));
        let e: Envelope<serde_json::Value> =
            serde_json::from_str(r#"{"message":"Nope","errorMessage":"  "}"#).unwrap();
        assert_eq!(e.best_message(), Some("Nope"));
        let e: Envelope<String> = serde_json::from_str("{}").unwrap();
        assert_eq!(e.best_message(), None);
    }

    #[test]
    fn object_id_check() {
        assert!(is_object_id("64e5f12345abcdef87654321"));
        assert!(!is_object_id("64e5f12345abcdef8765432"));
        assert!(!is_object_id("64e5f12345abcdef8765432g"));
    }
}
