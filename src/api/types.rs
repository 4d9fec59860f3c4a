//! Serde types for Weya's wire format, shared by the client and the sandbox.
//!
//! Field names follow Weya's documentation exactly (`batchName`,
//! `callingNumbers`, `callingHour` in the singular, `allowedDays` with
//! 0 = Sunday). See `shared/weya-api.md`.

use serde::{Deserialize, Serialize};

use super::lenient;

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
///
/// Read as leniently as batch-details (see `api/lenient.rs`): a field that
/// is missing, `null` or of another type costs only itself, never the
/// page. Text reads as empty then (Weya refuses a blank `batchName`, so an
/// empty name means it was not given) and a count as `None`, which the
/// screens show as unknown rather than as 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchSummary {
    #[serde(rename = "_id", deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub batch_name: String,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub total_calls: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub calls_picked: Option<u64>,
    #[serde(deserialize_with = "lenient::opt_count")]
    pub calls_completed: Option<u64>,
    #[serde(rename = "queue_status", deserialize_with = "lenient::string")]
    pub queue_status: String,
    #[serde(deserialize_with = "lenient::string")]
    pub created_at: String,
    #[serde(deserialize_with = "lenient::string")]
    pub updated_at: String,
}

/// The batch list's `pagination`, read leniently: a missing or odd number
/// reads as 0 (see [`BatchPage::with_pages`] for `totalPages`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pagination {
    #[serde(deserialize_with = "lenient::count")]
    pub total: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub page: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub limit: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub total_pages: u64,
}

/// `data` of the batch list. The `batches` list must be there: an answer
/// without it (or with `null`) is no batch list, never an empty one. An
/// element of it that is not an object is skipped; a `pagination` that is
/// not an object reads as zeros.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPage {
    #[serde(deserialize_with = "lenient::required_objects")]
    pub batches: Vec<BatchSummary>,
    #[serde(default, deserialize_with = "lenient::object_or_default")]
    pub pagination: Pagination,
}

impl BatchPage {
    /// The page with `totalPages` worked out from `total` and `limit` when
    /// the answer left it out (or gave 0 with batches to show): the same
    /// answer's numbers, so paging on works.
    pub fn with_pages(mut self) -> Self {
        let p = &mut self.pagination;
        if p.total_pages == 0 && p.limit > 0 && p.total > 0 {
            p.total_pages = p.total.div_ceil(p.limit);
        }
        self
    }
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

/// How a batch's calls are ordered by `createdAt`.
///
/// Weya documents `sortBy` and `sortOrder` without their values or
/// defaults; we always send `sortBy=createdAt` with `asc` or `desc`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Oldest first.
    Asc,
    /// Newest first: our default (the batch list is newest first too).
    #[default]
    Desc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// Query of one batch's calls (`GET /api/call/batch-details/{batchId}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallQuery {
    /// 1-based.
    pub page: u32,
    pub limit: u32,
    /// Only calls with this call status, sent as
    /// `filter={"callStatus":"…"}` (Weya's one documented example).
    pub filter: Option<String>,
    pub sort_order: SortOrder,
    /// Text to look for; Weya does not document which fields it searches.
    pub search: Option<String>,
}

impl Default for CallQuery {
    fn default() -> Self {
        Self {
            page: 1,
            limit: 20,
            filter: None,
            sort_order: SortOrder::Desc,
            search: None,
        }
    }
}

impl CallQuery {
    /// The query string's pairs, in the order they are sent. An empty
    /// filter or search is left out rather than sent empty.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("page", self.page.to_string()),
            ("limit", self.limit.to_string()),
        ];
        if let Some(status) = self.filter.as_deref().filter(|s| !s.is_empty()) {
            params.push((
                "filter",
                serde_json::json!({ "callStatus": status }).to_string(),
            ));
        }
        params.push(("sortBy", "createdAt".to_owned()));
        params.push(("sortOrder", self.sort_order.as_str().to_owned()));
        if let Some(search) = self.search.as_deref().filter(|s| !s.trim().is_empty()) {
            params.push(("search", search.to_owned()));
        }
        params
    }
}

/// `data` of `GET /api/call/batch-details/{batchId}`: one page of a batch's
/// calls. Every field is lenient (see `api/lenient.rs`): a missing or odd
/// value reads as empty or 0, and one odd call costs only itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BatchDetails {
    #[serde(deserialize_with = "lenient::string")]
    pub batch_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub batch_name: String,
    /// Shown as it comes: "active", "paused", "completed" in Weya's
    /// examples, "stopped" after stop-calling.
    #[serde(deserialize_with = "lenient::string")]
    pub batch_status: String,
    #[serde(deserialize_with = "lenient::count")]
    pub page: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub limit: u64,
    /// Calls matching the query, over all pages.
    #[serde(deserialize_with = "lenient::count")]
    pub total: u64,
    #[serde(deserialize_with = "lenient::count")]
    pub total_pages: u64,
    #[serde(rename = "data", deserialize_with = "lenient::objects")]
    pub calls: Vec<Call>,
}

/// One contact of a batch and what happened when it was called.
///
/// Besides the documented fields a call carries the free-form contact
/// fields it was added with (`name`, `plan`, `due_date`, …: the agent's
/// variables). They are kept in [`Call::fields`] in the order the server
/// sent them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    #[serde(rename = "_id")]
    pub id: String,
    pub phone_number: String,
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub phone_logs: Vec<PhoneLog>,
    pub created_at: String,
}

impl Call {
    /// The latest attempt: Weya's examples show one log per attempt, and we
    /// assume they are listed oldest first.
    pub fn latest_log(&self) -> Option<&PhoneLog> {
        self.phone_logs.last()
    }

    /// The call's status: its latest attempt's `callStatus`; `None` before
    /// the first attempt.
    pub fn status(&self) -> Option<&str> {
        self.latest_log()
            .map(|l| l.call_status.as_str())
            .filter(|s| !s.is_empty())
    }

    /// A contact field as text: a string as it is, anything else as JSON.
    pub fn field_text(&self, key: &str) -> Option<String> {
        self.fields.get(key).map(value_text)
    }
}

impl<'de> Deserialize<'de> for Call {
    /// By hand rather than with `#[serde(flatten)]`: flatten buffers every
    /// call before reading it, and a page holds a thousand of them.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, Visitor};

        enum Key {
            Id,
            PhoneNumber,
            PhoneLogs,
            CreatedAt,
            Field(String),
        }

        impl<'de> Deserialize<'de> for Key {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct KeyVisitor;
                impl Visitor<'_> for KeyVisitor {
                    type Value = Key;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                        Ok(match v {
                            "_id" => Key::Id,
                            "phoneNumber" => Key::PhoneNumber,
                            "phoneLogs" => Key::PhoneLogs,
                            "createdAt" => Key::CreatedAt,
                            other => Key::Field(other.to_owned()),
                        })
                    }
                }
                d.deserialize_identifier(KeyVisitor)
            }
        }

        struct CallVisitor;
        impl<'de> Visitor<'de> for CallVisitor {
            type Value = Call;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a call object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Call, A::Error> {
                let mut call = Call::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Id => {
                            call.id = map.next_value::<lenient::Text>()?.0.unwrap_or_default()
                        }
                        Key::PhoneNumber => {
                            call.phone_number =
                                map.next_value::<lenient::Text>()?.0.unwrap_or_default();
                        }
                        Key::PhoneLogs => {
                            call.phone_logs = map.next_value::<lenient::Objects<PhoneLog>>()?.0;
                        }
                        Key::CreatedAt => {
                            call.created_at =
                                map.next_value::<lenient::Text>()?.0.unwrap_or_default();
                        }
                        Key::Field(name) => {
                            let value = map.next_value()?;
                            call.fields.insert(name, value);
                        }
                    }
                }
                Ok(call)
            }
        }

        d.deserialize_map(CallVisitor)
    }
}

/// One attempt to reach a contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PhoneLog {
    /// Shown as it comes: Weya's examples show only "completed"; others
    /// ("no-answer", "busy", "failed", "in-progress") are what the sandbox
    /// sends and our assumption.
    #[serde(deserialize_with = "lenient::string")]
    pub call_status: String,
    /// Seconds (an assumption: Weya gives no unit). Read from a number, a
    /// number in a string, or `m:ss`/`h:mm:ss`.
    #[serde(
        deserialize_with = "lenient::seconds",
        serialize_with = "lenient::ser_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub call_duration: Option<f64>,
    #[serde(
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub recording_url: Option<String>,
    /// Kept as sent: a string, or a list of turns. [`PhoneLog::transcript_text`]
    /// renders either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<serde_json::Value>,
    #[serde(deserialize_with = "lenient::string")]
    pub created_at: String,
}

impl PhoneLog {
    /// The transcript as text, one turn per line; `None` when there is none.
    pub fn transcript_text(&self) -> Option<String> {
        self.transcript
            .as_ref()
            .map(transcript_text)
            .filter(|t| !t.trim().is_empty())
    }
}

/// A transcript as text. A string is itself; a list of turns becomes one
/// line per turn, `speaker: words` when a turn names its speaker (`role`,
/// `speaker`, `from` or `name`) and its words (`text`, `content`,
/// `message`, `utterance` or `transcript`); an object holding such a list
/// (`turns`, `messages`, `transcript`, `conversation`) is that list. Any
/// other shape is shown as compact JSON rather than lost.
pub fn transcript_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    const SPEAKER: [&str; 4] = ["role", "speaker", "from", "name"];
    const WORDS: [&str; 5] = ["text", "content", "message", "utterance", "transcript"];
    const LISTS: [&str; 4] = ["turns", "messages", "transcript", "conversation"];
    let first = |obj: &serde_json::Map<String, Value>, keys: &[&str]| {
        keys.iter()
            .find_map(|k| obj.get(*k).filter(|v| !v.is_null()))
            .cloned()
    };
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(turns) => turns
            .iter()
            .map(|turn| match turn {
                Value::Object(obj) => match (first(obj, &SPEAKER), first(obj, &WORDS)) {
                    (Some(who), Some(words)) => {
                        format!("{}: {}", value_text(&who), transcript_text(&words))
                    }
                    (None, Some(words)) => transcript_text(&words),
                    _ => turn.to_string(),
                },
                other => transcript_text(other),
            })
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(obj) => match first(obj, &LISTS).or_else(|| first(obj, &WORDS)) {
            Some(inner) => transcript_text(&inner),
            None => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// A JSON value as text: a string as it is, anything else as JSON.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The body of `start-calling` and `stop-calling`. Start's optional
/// `callingNumbers`, `callData` and `uuid` are not sent: Weya does not say
/// what they change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DialerRequest {
    pub batch_id: String,
    pub user_id: String,
}

/// `data` of `start-calling` and `stop-calling`: `status` is "started" or
/// "stopped" in Weya's examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DialerState {
    #[serde(deserialize_with = "lenient::string")]
    pub batch_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub status: String,
}

/// The other envelope, of `delete-batch` (and `upload`):
/// `{"success": true, "message": "Batch deleted"}`. `status` and
/// `errorMessage` are read too, in case an error comes in the usual envelope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessEnvelope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// How many rows Weya stores per chunk in `addCallsToBatch`.
pub const ADD_CALLS_CHUNK: usize = 1000;
/// The number of the first chunk in `failedChunks[].chunkNum`. Weya does
/// not say whether it counts from 0 or 1; we assume 1 (a count for people),
/// and the sandbox does the same. Everything that maps a chunk to rows goes
/// through [`PartialAdd::failed_rows`], so this is the one place to change.
pub const FIRST_CHUNK_NUM: u64 = 1;

/// `data` of `addCallsToBatch`, for a whole or a partial success.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AddCallsData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    #[serde(deserialize_with = "lenient::strings")]
    pub call_ids: Vec<String>,
    #[serde(
        deserialize_with = "lenient::objects",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub failed_chunks: Vec<FailedChunk>,
}

/// A chunk of rows the server could not store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FailedChunk {
    #[serde(deserialize_with = "lenient::count")]
    pub chunk_num: u64,
    #[serde(deserialize_with = "lenient::string")]
    pub error: String,
}

/// What `addCallsToBatch` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddCallsOutcome {
    /// Every row was stored.
    Added(CallsAdded),
    /// HTTP 207: some chunks were stored and some were not. The rows of the
    /// failed chunks can be sent again ([`PartialAdd::failed_rows`]).
    Partial(PartialAdd),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallsAdded {
    /// `added`, or the count of call IDs when it was not given.
    pub added: u64,
    /// `added` exactly as the answer gave it (`None`: it did not): an
    /// importer tells "Weya added none" from "Weya did not say".
    pub said: Option<u64>,
    pub call_ids: Vec<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialAdd {
    /// How many were stored, when the server said.
    pub added: Option<u64>,
    pub call_ids: Vec<String>,
    /// Never empty: a 207 that names no failed chunk is an
    /// [`super::ApiError::Unexpected`] answer instead (nothing tells which rows to resend).
    pub failed_chunks: Vec<FailedChunk>,
    /// The server's words (`errorMessage` or `message`).
    pub message: Option<String>,
    pub request_id: Option<String>,
}

impl PartialAdd {
    /// The indices, in the `call_data` that was sent (`rows_sent` long), of
    /// the rows in failed chunks: the rows to send again. A chunk number
    /// outside what was sent is ignored.
    pub fn failed_rows(&self, rows_sent: usize) -> Vec<std::ops::Range<usize>> {
        let mut ranges: Vec<_> = self
            .failed_chunks
            .iter()
            .filter_map(|c| {
                let index = usize::try_from(c.chunk_num.checked_sub(FIRST_CHUNK_NUM)?).ok()?;
                let start = index.checked_mul(ADD_CALLS_CHUNK)?;
                (start < rows_sent).then(|| start..(start + ADD_CALLS_CHUNK).min(rows_sent))
            })
            .collect();
        ranges.sort_by_key(|r| r.start);
        ranges.dedup();
        ranges
    }
}

/// The body of `addCallsToBatch`: `{"batchId": …, "call_data": [rows]}`
/// (snake_case `call_data`, as Weya documents), rows as given.
pub fn add_calls_body(
    batch_id: &str,
    rows: &[serde_json::Map<String, serde_json::Value>],
) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        #[serde(rename = "batchId")]
        batch_id: &'a str,
        call_data: &'a [serde_json::Map<String, serde_json::Value>],
    }
    // Strings and JSON maps with string keys always serialize.
    serde_json::to_string(&Body {
        batch_id,
        call_data: rows,
    })
    .unwrap_or_default()
}

/// Whether `s` is a 24-hex-character ID (a MongoDB ObjectId), as Weya's IDs are.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The provider a number is registered through (add-phone's
/// `integration`: the three Weya's page lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Integration {
    Plivo,
    Twilio,
    Telnyx,
}

impl Integration {
    pub const ALL: [Self; 3] = [Self::Plivo, Self::Twilio, Self::Telnyx];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plivo => "plivo",
            Self::Twilio => "twilio",
            Self::Telnyx => "telnyx",
        }
    }
}

impl std::fmt::Display for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Integration {
    type Err = String;

    /// As Weya writes them, in lower case; any case is taken.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("{s:?} is not an integration: give plivo, twilio or telnyx"))
    }
}

/// What `POST /api/call/add-phone` registers: a number of the operator's
/// provider account, with that account's auth token and SID. Those two are
/// secrets: `Debug` hides them and they leave the process only in the
/// request's body ([`Self::to_body`]).
#[derive(Clone)]
pub struct PhoneRegistration {
    /// Digits with the country code, `+` optional, as Weya writes numbers.
    pub phone_number: String,
    pub integration: Integration,
    pub auth_token: secrecy::SecretString,
    pub account_sid: secrecy::SecretString,
}

impl std::fmt::Debug for PhoneRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneRegistration")
            .field("phone_number", &self.phone_number)
            .field("integration", &self.integration)
            .finish_non_exhaustive()
    }
}

impl PhoneRegistration {
    /// The request's body, `{userId, phoneNumber, integration, authToken,
    /// accSId}`: the one place the secrets are exposed.
    pub fn to_body(&self, user_id: &str) -> String {
        use secrecy::ExposeSecret;
        serde_json::json!({
            "userId": user_id,
            "phoneNumber": self.phone_number,
            "integration": self.integration.as_str(),
            "authToken": self.auth_token.expose_secret(),
            "accSId": self.account_sid.expose_secret(),
        })
        .to_string()
    }
}

/// `data` of add-phone: the new phone. Its `_id` is the phone ID that
/// `callingNumbers` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedPhone {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub user_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub phone_number: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub integration: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer without the batch list is no empty workspace: it fails
    /// (the CLI exits 1, the list shows the error), while an element that
    /// is not a batch costs only itself.
    #[test]
    fn a_batch_page_without_its_list_is_refused_not_read_as_empty() {
        for data in [
            serde_json::json!({}),
            serde_json::json!({"batches": null}),
            serde_json::json!({"batches": {}, "pagination": {"page": 1}}),
        ] {
            assert!(
                serde_json::from_value::<BatchPage>(data.clone()).is_err(),
                "{data}"
            );
        }
        let page: BatchPage = serde_json::from_value(serde_json::json!({
            "batches": [7, {"_id": "64e5f12345abcdef98765432", "batchName": "June"}]
        }))
        .unwrap();
        assert_eq!(page.batches.len(), 1);
        assert_eq!(page.batches[0].batch_name, "June");
        let empty: BatchPage = serde_json::from_value(serde_json::json!({"batches": []})).unwrap();
        assert!(empty.batches.is_empty());
    }

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
    fn call_query_sends_the_documented_pairs_and_leaves_out_empty_ones() {
        let blank = CallQuery {
            filter: Some(String::new()),
            search: Some("  ".into()),
            ..CallQuery::default()
        };
        let keys: Vec<_> = blank.params().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["page", "limit", "sortBy", "sortOrder"]);
        let full = CallQuery {
            filter: Some("no-answer".into()),
            search: Some("Ana".into()),
            ..CallQuery::default()
        };
        assert_eq!(
            full.params(),
            [
                ("page", "1".to_owned()),
                ("limit", "20".to_owned()),
                ("filter", r#"{"callStatus":"no-answer"}"#.to_owned()),
                ("sortBy", "createdAt".to_owned()),
                ("sortOrder", "desc".to_owned()),
                ("search", "Ana".to_owned()),
            ]
        );
    }

    #[test]
    fn transcripts_of_any_shape_read_as_text() {
        let text = |v: serde_json::Value| transcript_text(&v);
        assert_eq!(text(serde_json::json!("Hi there")), "Hi there");
        assert_eq!(
            text(serde_json::json!({"turns": [{"from": "bot", "message": "Hi"}, "…", 7]})),
            "bot: Hi\n…\n7"
        );
        assert_eq!(
            text(serde_json::json!([{"role": "user", "audio": "x.wav"}])),
            r#"{"role":"user","audio":"x.wav"}"#,
            "an unknown shape is shown, not lost"
        );
        assert_eq!(text(serde_json::Value::Null), "");
    }

    #[test]
    fn object_id_check() {
        assert!(is_object_id("64e5f12345abcdef87654321"));
        assert!(!is_object_id("64e5f12345abcdef8765432"));
        assert!(!is_object_id("64e5f12345abcdef8765432g"));
    }
}
