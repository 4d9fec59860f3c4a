//! An independent stand-in for Weya's batch-details (not the sandbox): one
//! batch of a fixed, generated dataset whose every call's statuses,
//! attempts and durations a test can compute on its own
//! ([`MockCall::of`]), served a page at a time as Weya documents the
//! endpoint (`page`, `limit` at most 100, `sortOrder`, `total`,
//! `totalPages`), with the batch list's one row for `batch view`. It can
//! fail one page with a 500, to see an export stop half-way.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

pub const MOCK_BATCH: &str = "5f0c0ffee0ddba11c0ffee01";
pub const MOCK_NAME: &str = "Mock: known outcomes";
/// The page size the mock allows at most (as the sandbox, 100).
pub const MOCK_MAX_PAGE: u64 = 100;
/// Calls from this index on carry a contact field the first page has not
/// (`vip`, on every 500th call): the CSV header cannot know it.
pub const LATE_FIELD_FROM: usize = 1000;

/// The statuses a call's attempts end in, by `i % 7`.
const LAST: [&str; 7] = [
    "completed",
    "no-answer",
    "busy",
    "failed",
    "completed",
    "voicemail",
    "completed",
];

/// One call of the dataset, as the test knows it.
#[derive(Debug, Clone)]
pub struct MockCall {
    pub index: usize,
    pub phone: String,
    /// Each attempt's status and duration, oldest first.
    pub attempts: Vec<(&'static str, f64)>,
    pub fields: Map<String, Value>,
}

impl MockCall {
    /// Call `i`: 0 to 3 attempts (`i % 4`), the last ending in
    /// `LAST[i % 7]` and the earlier ones in `no-answer`; durations
    /// `(i % 13) * 7.5 + j` seconds for a completed attempt, 0 otherwise.
    pub fn of(i: usize) -> Self {
        let n = i % 4;
        let attempts = (0..n)
            .map(|j| {
                let status = if j + 1 == n { LAST[i % 7] } else { "no-answer" };
                let duration = if status == "completed" {
                    (i % 13) as f64 * 7.5 + j as f64
                } else {
                    0.0
                };
                (status, duration)
            })
            .collect();
        let mut fields = Map::new();
        // Some names are formulas, some have commas, quotes and line breaks.
        let name = match i % 11 {
            3 => format!("=HYPERLINK(\"http://evil.invalid\",\"Contact {i}\")"),
            5 => format!("Doe, \"Jo\" {i}"),
            7 => format!("Line\nbreak {i}"),
            _ => format!("Contact {i}"),
        };
        fields.insert("name".into(), json!(name));
        fields.insert("plan".into(), json!(["Basic", "Gold", "Silver"][i % 3]));
        fields.insert("balance".into(), json!(format!("-{}.50", i % 100)));
        if i >= LATE_FIELD_FROM && i % 500 == 7 {
            fields.insert("vip".into(), json!(true));
        }
        Self {
            index: i,
            phone: format!("+1{}", 2_125_550_000 + i),
            attempts,
            fields,
        }
    }

    pub fn id(&self) -> String {
        format!("{:024x}", 0xca11_0000_0000_usize + self.index)
    }

    fn json(&self) -> Value {
        let logs: Vec<Value> = self
            .attempts
            .iter()
            .enumerate()
            .map(|(j, (status, duration))| {
                json!({
                    "callStatus": status,
                    "callDuration": duration,
                    "recordingUrl": (*status == "completed")
                        .then(|| format!("https://rec.invalid/{}-{j}.mp3", self.index)),
                    "transcript": (*status == "completed").then(|| format!("hello {}", self.index)),
                    "createdAt": format!("2026-01-15T14:{:02}:{:02}.000Z", j, self.index % 60),
                })
            })
            .collect();
        let mut call = Map::new();
        call.insert("_id".into(), json!(self.id()));
        call.insert("phoneNumber".into(), json!(self.phone));
        for (k, v) in &self.fields {
            call.insert(k.clone(), v.clone());
        }
        call.insert("phoneLogs".into(), Value::Array(logs));
        call.insert("createdAt".into(), json!("2026-01-15T13:00:00.000Z"));
        Value::Object(call)
    }
}

#[derive(Debug)]
struct Mock {
    calls: usize,
    /// The answers to `limit=100&sortOrder=asc`, made before serving, so a
    /// measurement of the client is not one of this (unoptimised) server.
    prerendered: Option<Vec<String>>,
    /// A page that answers 500.
    fail_page: Option<u64>,
    requests: AtomicUsize,
    /// The batch list's requests.
    list_requests: AtomicUsize,
    /// The batch's status, in batch-details and the list.
    status: &'static str,
    /// The largest `limit` asked for.
    largest_limit: AtomicUsize,
}

/// The mock's address and how many batch-details requests it answered.
pub struct MockServer {
    pub url: String,
    mock: Arc<Mock>,
}

impl MockServer {
    pub fn detail_requests(&self) -> usize {
        self.mock.requests.load(Ordering::SeqCst)
    }

    /// The batch list's requests (`batch view` finds the batch's
    /// progress there).
    pub fn list_requests(&self) -> usize {
        self.mock.list_requests.load(Ordering::SeqCst)
    }

    pub fn largest_limit(&self) -> usize {
        self.mock.largest_limit.load(Ordering::SeqCst)
    }
}

/// Serves a batch of `calls` calls on loopback; `fail_page` answers 500.
pub async fn serve(calls: usize, fail_page: Option<u64>) -> MockServer {
    serve_with(calls, fail_page, false, "completed").await
}

/// [`serve`], the batch `active` (so `batch view` says why it is not
/// moving and when it ends, from its calls' attempts).
pub async fn serve_active(calls: usize) -> MockServer {
    serve_with(calls, None, false, "active").await
}

/// [`serve`], every page of 100 oldest first rendered beforehand (for the
/// export's measurement in BENCHMARKS.md).
pub async fn serve_prerendered(calls: usize) -> MockServer {
    serve_with(calls, None, true, "completed").await
}

async fn serve_with(
    calls: usize,
    fail_page: Option<u64>,
    prerender: bool,
    status: &'static str,
) -> MockServer {
    let prerendered = prerender.then(|| {
        let total = calls as u64;
        (1..=total.div_ceil(MOCK_MAX_PAGE))
            .map(|page| page_json(calls, page, MOCK_MAX_PAGE, false, status).to_string())
            .collect()
    });
    let mock = Arc::new(Mock {
        calls,
        prerendered,
        fail_page,
        requests: AtomicUsize::new(0),
        list_requests: AtomicUsize::new(0),
        status,
        largest_limit: AtomicUsize::new(0),
    });
    let router = axum::Router::new()
        .route("/api/call/batch-details/{id}", get(details))
        .route("/api/call/batches/{user}", get(list))
        .with_state(Arc::clone(&mock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    MockServer { url, mock }
}

fn envelope(data: Value) -> Value {
    json!({"message": "ok", "status": true, "code": 200, "errorMessage": "", "data": data})
}

async fn details(
    State(mock): State<Arc<Mock>>,
    Path(id): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    mock.requests.fetch_add(1, Ordering::SeqCst);
    if id != MOCK_BATCH {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"status": false, "message": "Batch not found"})),
        )
            .into_response();
    }
    let page: u64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let asked: u64 = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10)
        .max(1);
    mock.largest_limit
        .fetch_max(usize::try_from(asked).unwrap(), Ordering::SeqCst);
    if mock.fail_page == Some(page) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({"status": false, "code": 500, "message": "storage failure"})),
        )
            .into_response();
    }
    let limit = asked.min(MOCK_MAX_PAGE);
    let desc = q.get("sortOrder").is_none_or(|o| o == "desc");
    if let Some(pages) = &mock.prerendered
        && limit == MOCK_MAX_PAGE
        && !desc
        && let Some(body) = pages.get(usize::try_from(page - 1).unwrap())
    {
        return ([("content-type", "application/json")], body.clone()).into_response();
    }
    axum::Json(page_json(mock.calls, page, limit, desc, mock.status)).into_response()
}

/// The enveloped answer for page `page` of `limit` calls.
fn page_json(calls: usize, page: u64, limit: u64, desc: bool, status: &str) -> Value {
    let total = calls as u64;
    let start = (page - 1) * limit;
    let rows: Vec<Value> = (start..(start + limit).min(total))
        .map(|k| {
            let i = if desc { total - 1 - k } else { k };
            MockCall::of(usize::try_from(i).unwrap()).json()
        })
        .collect();
    let data = json!({
        "batchId": MOCK_BATCH,
        "batchName": MOCK_NAME,
        "batchStatus": status,
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": total.div_ceil(limit),
        "data": rows,
    });
    envelope(data)
}

async fn list(State(mock): State<Arc<Mock>>) -> Response {
    mock.list_requests.fetch_add(1, Ordering::SeqCst);
    let data = json!({
        "batches": [{
            "_id": MOCK_BATCH,
            "batchName": MOCK_NAME,
            "totalCalls": mock.calls,
            "callsPicked": 0,
            "callsCompleted": 0,
            "queue_status": mock.status,
            "createdAt": "2026-01-15T13:00:00.000Z",
            "updatedAt": "2026-01-15T15:00:00.000Z",
        }],
        "pagination": {"total": 1, "page": 1, "limit": 100, "totalPages": 1},
    });
    axum::Json(envelope(data)).into_response()
}
