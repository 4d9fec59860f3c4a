//! The sandbox's routes, validation and envelopes.

use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::auth::Page;
use super::store::{MAX_PAGE, NotStored, SandboxStore, Switched};
use super::{Fault, SANDBOX_USER_ID};
use crate::api::types::{
    AddCallsData, AddedPhone, BatchPage, CallQuery, DialerState, Envelope, Pagination, SortOrder,
    SuccessEnvelope, is_object_id,
};

type Shared = State<Arc<SandboxStore>>;

/// The largest addCallsToBatch body the sandbox reads (Weya documents no
/// limit; axum's default of 2 MB is too small for a large import).
const MAX_ADD_CALLS_BODY: usize = 32 * 1024 * 1024;

pub fn router(store: Arc<SandboxStore>) -> Router {
    Router::new()
        .route("/api/call/createBatch", post(create_batch))
        .route("/api/call/batches/{user_id}", get(list_batches))
        .route("/api/call/phones/{user_id}", get(list_phones))
        .route("/api/call/batch-details/{batch_id}", get(batch_details))
        .route("/api/call/start-calling", post(start_calling))
        .route("/api/call/stop-calling", post(stop_calling))
        .route("/api/call/delete-batch/{batch_id}", delete(delete_batch))
        .route("/api/call/add-phone", post(add_phone))
        .route(
            "/api/call/addCallsToBatch",
            post(add_calls).layer(DefaultBodyLimit::max(MAX_ADD_CALLS_BODY)),
        )
        .fallback(not_found)
        .with_state(store)
}

/// Every answer is the envelope, with `code` repeating the status and an
/// `x-request-id` header as a real deployment would give.
fn reply<T: serde::Serialize>(
    store: &SandboxStore,
    status: StatusCode,
    envelope: Envelope<T>,
) -> Response {
    let mut response = (status, axum::Json(envelope)).into_response();
    if let Ok(v) = store.request_id().parse() {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// A 500 for a change the sandbox could not record: nothing was changed,
/// and the request may be sent again.
fn not_stored(store: &SandboxStore, e: &NotStored) -> Response {
    tracing::error!(error = %e, "request not stored");
    error(store, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())
}

fn error(store: &SandboxStore, status: StatusCode, message: &str) -> Response {
    reply(store, status, Envelope::error(status.as_u16(), message))
}

/// The refusal, in the envelope, when `headers` do not carry what `page`
/// takes (see [`super::auth`]).
fn deny(store: &SandboxStore, page: Page, headers: &HeaderMap) -> Option<Response> {
    store
        .auth()
        .check(page, headers)
        .err()
        .map(|refusal| error(store, refusal.status, refusal.message))
}

async fn create_batch(State(store): Shared, headers: HeaderMap, body: Bytes) -> Response {
    store.count_create_request();
    let fault = store.fault();
    match &fault {
        Some(Fault::ServerError) => {
            return error(
                &store,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not store the batch: retry, or contact support with the request ID",
            );
        }
        Some(Fault::Forbidden) => return error(&store, StatusCode::FORBIDDEN, "Invalid API key"),
        Some(Fault::BadRequest(message)) => return error(&store, StatusCode::BAD_REQUEST, message),
        Some(Fault::HtmlBadGateway) => {
            return (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                 <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n",
            )
                .into_response();
        }
        Some(Fault::RateLimited(secs)) => {
            let mut response = error(&store, StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            if let Ok(v) = secs.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return response;
        }
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(
            Fault::Slow(_)
            | Fault::SlowStore(_)
            | Fault::MalformedJson
            | Fault::NotAnId
            | Fault::DropAfterStore
            | Fault::Partial207,
        )
        | None => {}
    }
    if let Some(denied) = deny(&store, Page::CreateBatch, &headers) {
        return denied;
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                &store,
                StatusCode::BAD_REQUEST,
                &format!("Invalid JSON body: {e}"),
            );
        }
    };
    match validate_batch(&value).and_then(|name| owned_numbers(&store, &value).map(|()| name)) {
        Ok(name) => {
            let id = match fault {
                Some(Fault::SlowStore(delay)) => {
                    // In a task of its own, so that it stores even when the
                    // client hangs up first.
                    let (tx, rx) = tokio::sync::oneshot::channel();
                    let later = Arc::clone(&store);
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = tx.send(later.try_insert(name, value));
                    });
                    match rx.await {
                        Ok(Ok(id)) => id,
                        Ok(Err(e)) => return not_stored(&store, &e),
                        Err(_) => {
                            return error(
                                &store,
                                StatusCode::INTERNAL_SERVER_ERROR,
                                "the batch was not stored",
                            );
                        }
                    }
                }
                _ => match store.try_insert(name, value) {
                    Ok(id) => id,
                    Err(e) => return not_stored(&store, &e),
                },
            };
            match fault {
                Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
                Some(Fault::NotAnId) => {
                    return reply(
                        &store,
                        StatusCode::CREATED,
                        Envelope::ok(201, "Batch created successfully", "abc"),
                    );
                }
                Some(Fault::MalformedJson) => {
                    return (
                        StatusCode::CREATED,
                        r#"{"message":"Batch created successfully","status":tr"#,
                    )
                        .into_response();
                }
                Some(Fault::DropAfterStore) => {
                    // Headers go out, then the body fails: hyper drops the
                    // connection before the answer is whole.
                    let failing = futures::stream::once(async {
                        Err::<Bytes, std::io::Error>(std::io::Error::other("dropped on purpose"))
                    });
                    return (StatusCode::CREATED, axum::body::Body::from_stream(failing))
                        .into_response();
                }
                _ => {}
            }
            reply(
                &store,
                StatusCode::CREATED,
                Envelope::ok(201, "Batch created successfully", id),
            )
        }
        Err(message) => error(&store, StatusCode::BAD_REQUEST, &message),
    }
}

/// The documented createBatch rules plus type checks of the optional fields.
/// Returns the trimmed batch name.
pub fn validate_batch(value: &Value) -> Result<String, String> {
    let Some(obj) = value.as_object() else {
        return Err("Request body must be a JSON object".into());
    };
    let name = match obj.get("batchName") {
        None | Some(Value::Null) => return Err("batchName is required".into()),
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err("batchName is required and must not be blank".into());
        }
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(_) => return Err("batchName must be a string".into()),
    };
    match obj.get("callingNumbers") {
        None | Some(Value::Null) => return Err("callingNumbers is required".into()),
        Some(Value::Array(a)) if a.is_empty() => {
            return Err("callingNumbers must contain at least one phone ID".into());
        }
        Some(Value::Array(a)) => {
            for (i, n) in a.iter().enumerate() {
                if !n.as_str().is_some_and(is_object_id) {
                    return Err(format!(
                        "callingNumbers[{i}] is not a valid phone ID (24 hex characters)"
                    ));
                }
            }
        }
        Some(_) => return Err("callingNumbers must be an array of phone IDs".into()),
    }
    for field in ["retry", "delay"] {
        if let Some(v) = obj.get(field)
            && !v.is_u64()
        {
            return Err(format!("{field} must be a non-negative whole number"));
        }
    }
    if let Some(tz) = obj.get("timezone")
        && tz
            .as_str()
            .is_none_or(|s| chrono_tz::Tz::from_str(s).is_err())
    {
        return Err("timezone must be an IANA time zone name such as America/New_York".into());
    }
    if let Some(hour) = obj.get("callingHour") {
        let Some(hour) = hour.as_object() else {
            return Err(r#"callingHour must be an object {"start":"HH:MM","end":"HH:MM"}"#.into());
        };
        for part in ["start", "end"] {
            if !hour.get(part).and_then(Value::as_str).is_some_and(is_hh_mm) {
                return Err(format!("callingHour.{part} must be a time HH:MM"));
            }
        }
    }
    if let Some(days) = obj.get("allowedDays") {
        let ok = days
            .as_array()
            .is_some_and(|a| a.iter().all(|d| d.as_u64().is_some_and(|d| d <= 6)));
        if !ok {
            return Err("allowedDays must be numbers from 0 (Sunday) to 6 (Saturday)".into());
        }
    }
    Ok(name)
}

/// createBatch's `callingNumbers` (already checked to be phone IDs) must
/// be the workspace's own, as Weya's page says: the 400 names the others.
fn owned_numbers(store: &SandboxStore, body: &Value) -> Result<(), String> {
    let ids = body
        .get("callingNumbers")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    foreign_numbers(store, "callingNumbers", ids)
}

/// A 400's message when some of `ids` (from the body's `field`) are not
/// phone IDs of the workspace.
fn foreign_numbers(store: &SandboxStore, field: &str, ids: Vec<&str>) -> Result<(), String> {
    let foreign = store.foreign_phones(ids);
    match foreign.as_slice() {
        [] => Ok(()),
        [one] => Err(format!(
            "{field}: {one} is not a phone number of this workspace (add it with add-phone)"
        )),
        many => Err(format!(
            "{field}: {} are not phone numbers of this workspace (add them with add-phone)",
            many.join(", ")
        )),
    }
}

/// Weya's answer to a userId that is not an ID ("400 – Invalid userId
/// format", on the batch list's page).
const BAD_USER_ID: &str = "Invalid userId format";

fn is_hh_mm(s: &str) -> bool {
    let b = s.as_bytes();
    s.is_ascii()
        && b.len() == 5
        && b[2] == b':'
        && s[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && s[3..].parse::<u8>().is_ok_and(|m| m < 60)
        && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    page: Option<u64>,
    limit: Option<u64>,
    search: Option<String>,
}

async fn list_batches(
    State(store): Shared,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Some(denied) = deny(&store, Page::ListBatches, &headers) {
        return denied;
    }
    if !is_object_id(&user_id) {
        return error(&store, StatusCode::BAD_REQUEST, BAD_USER_ID);
    }
    let page = q.page.unwrap_or(1).max(1);
    let limit = q.limit.unwrap_or(10).clamp(1, 100);
    let needle = q.search.unwrap_or_default().to_lowercase();
    let matching = if user_id == SANDBOX_USER_ID {
        store.summaries(&needle)
    } else {
        Vec::new()
    };
    // Documented quirk: no batches is a 404, not an empty list.
    if matching.is_empty() {
        return error(&store, StatusCode::NOT_FOUND, "No batches found");
    }
    let total = matching.len() as u64;
    let batches = matching
        .into_iter()
        .skip(crate::num::usize_sat((page - 1) * limit))
        .take(limit as usize)
        .collect();
    let data = BatchPage {
        batches,
        pagination: Pagination {
            total,
            page,
            limit,
            total_pages: total.div_ceil(limit),
        },
    };
    reply(
        &store,
        StatusCode::OK,
        Envelope::ok(200, "Batches fetched successfully", data),
    )
}

/// Not a documented Weya endpoint: our assumption, configurable in the client.
async fn list_phones(
    State(store): Shared,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Response {
    if let Some(denied) = deny(&store, Page::ListPhones, &headers) {
        return denied;
    }
    if !is_object_id(&user_id) {
        return error(&store, StatusCode::BAD_REQUEST, BAD_USER_ID);
    }
    if user_id != SANDBOX_USER_ID {
        return error(&store, StatusCode::NOT_FOUND, "User not found");
    }
    reply(
        &store,
        StatusCode::OK,
        Envelope::ok(200, "Phone numbers fetched successfully", store.phones()),
    )
}

/// The query of batch-details, read as text so that a bad value gets the
/// envelope and a message rather than axum's plain-text rejection.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetailsQuery {
    page: Option<String>,
    limit: Option<String>,
    filter: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    search: Option<String>,
}

impl DetailsQuery {
    /// Checks each parameter; Weya documents their names only, so the
    /// sandbox is strict where a client bug would otherwise go unseen.
    fn parse(self) -> Result<CallQuery, String> {
        let number = |value: Option<String>, name: &str, default: u32| match value {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{name} must be a whole number from 1")),
        };
        let filter = match self.filter.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let bad = || r#"filter must be JSON such as {"callStatus":"completed"}"#.to_owned();
                let value: Value = serde_json::from_str(text).map_err(|_| bad())?;
                let object = value.as_object().ok_or_else(bad)?;
                if let Some(key) = object.keys().find(|k| *k != "callStatus") {
                    return Err(format!("filter supports callStatus only, not {key:?}"));
                }
                match object.get("callStatus") {
                    None => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(_) => return Err("filter.callStatus must be a string".into()),
                }
            }
        };
        if let Some(by) = self.sort_by.as_deref()
            && by != "createdAt"
        {
            return Err(format!("sortBy supports createdAt only, not {by:?}"));
        }
        let sort_order = match self.sort_order.as_deref() {
            None => SortOrder::Desc,
            Some(o) if o.eq_ignore_ascii_case("asc") => SortOrder::Asc,
            Some(o) if o.eq_ignore_ascii_case("desc") => SortOrder::Desc,
            Some(o) => return Err(format!("sortOrder must be asc or desc, not {o:?}")),
        };
        Ok(CallQuery {
            page: number(self.page, "page", 1)?,
            limit: number(self.limit, "limit", 10)?
                .min(u32::try_from(MAX_PAGE).unwrap_or(u32::MAX)),
            filter,
            sort_order,
            search: self.search,
        })
    }
}

async fn batch_details(
    State(store): Shared,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
    Query(q): Query<DetailsQuery>,
) -> Response {
    if let Some(denied) = deny(&store, Page::BatchDetails, &headers) {
        return denied;
    }
    if !is_object_id(&batch_id) {
        return error(
            &store,
            StatusCode::BAD_REQUEST,
            "Invalid batch ID: expected 24 hex characters",
        );
    }
    let query = match q.parse() {
        Ok(query) => query,
        Err(message) => return error(&store, StatusCode::BAD_REQUEST, &message),
    };
    match store.details(&batch_id, &query) {
        Some(details) => reply(
            &store,
            StatusCode::OK,
            Envelope::ok(200, "Batch details fetched successfully", details),
        ),
        None => error(&store, StatusCode::NOT_FOUND, "Batch not found"),
    }
}

/// What start-calling or stop-calling asks for.
struct DialerTarget {
    batch_id: String,
    /// start-calling's `callData`: the calls to dial instead of the
    /// batch's others.
    call_data: Option<Vec<Map<String, Value>>>,
}

/// Reads `{"batchId", "userId"}`; the batch must exist and belong to the
/// sandbox's user. Start also takes `callData` (calls "processed instead
/// of existing batch calls", checked as addCallsToBatch's rows are),
/// `callingNumbers` (the workspace's phone IDs; which number dials a call
/// shows in no answer Weya documents, so the sandbox checks them and keeps
/// nothing of them) and `uuid` (undocumented beyond its name: ignored).
fn dialer_target(
    store: &SandboxStore,
    body: &[u8],
    start: bool,
) -> Result<DialerTarget, (StatusCode, String)> {
    let bad = |m: &str| (StatusCode::BAD_REQUEST, m.to_owned());
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("Invalid JSON body: {e}")))?;
    let batch_id = match value.get("batchId") {
        None | Some(Value::Null) => return Err(bad("batchId is required")),
        Some(Value::String(s)) if is_object_id(s) => s.clone(),
        Some(_) => return Err(bad("batchId must be an ID of 24 hex characters")),
    };
    match value.get("userId") {
        None | Some(Value::Null) => return Err(bad("userId is required")),
        Some(Value::String(s)) if is_object_id(s) => {
            if s != SANDBOX_USER_ID {
                return Err((StatusCode::NOT_FOUND, "User not found".into()));
            }
        }
        Some(_) => return Err(bad(BAD_USER_ID)),
    }
    let call_data = if start {
        if let Some(numbers) = value.get("callingNumbers") {
            let ids = phone_ids("callingNumbers", numbers).map_err(|m| bad(&m))?;
            foreign_numbers(store, "callingNumbers", ids).map_err(|m| bad(&m))?;
        }
        match value
            .as_object_mut()
            .and_then(|o| o.shift_remove("callData"))
        {
            None | Some(Value::Null) => None,
            Some(Value::Array(rows)) if rows.is_empty() => {
                return Err(bad("callData must contain at least one call"));
            }
            Some(Value::Array(rows)) => Some(validate_rows("callData", rows).map_err(|m| bad(&m))?),
            Some(_) => return Err(bad("callData must be an array of calls")),
        }
    } else {
        None
    };
    if store.batch(&batch_id).is_none() {
        return Err((StatusCode::NOT_FOUND, "Batch not found".into()));
    }
    Ok(DialerTarget {
        batch_id,
        call_data,
    })
}

/// A non-empty array of phone IDs in the body's `field`.
fn phone_ids<'a>(field: &str, value: &'a Value) -> Result<Vec<&'a str>, String> {
    let Some(ids) = value.as_array() else {
        return Err(format!("{field} must be an array of phone IDs"));
    };
    if ids.is_empty() {
        return Err(format!("{field} must contain at least one phone ID"));
    }
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            id.as_str()
                .filter(|s| is_object_id(s))
                .ok_or_else(|| format!("{field}[{i}] is not a valid phone ID (24 hex characters)"))
        })
        .collect()
}

async fn start_calling(State(store): Shared, headers: HeaderMap, body: Bytes) -> Response {
    switch_dialer(&store, &headers, &body, true)
}

async fn stop_calling(State(store): Shared, headers: HeaderMap, body: Bytes) -> Response {
    switch_dialer(&store, &headers, &body, false)
}

fn switch_dialer(store: &SandboxStore, headers: &HeaderMap, body: &[u8], start: bool) -> Response {
    if let Some(denied) = deny(
        store,
        if start {
            Page::StartCalling
        } else {
            Page::StopCalling
        },
        headers,
    ) {
        return denied;
    }
    let target = match dialer_target(store, body, start) {
        Ok(target) => target,
        Err((status, message)) => return error(store, status, &message),
    };
    let batch_id = target.batch_id;
    let switched = match target.call_data {
        Some(rows) => store
            .try_start_with(&batch_id, rows)
            .map(|found| found.map_or(Switched::NoBatch, |_| Switched::Started)),
        None => store.try_switch(&batch_id, start),
    };
    let (status, message) = match switched {
        Ok(Switched::Started) => ("started", "Calling started"),
        Ok(Switched::Stopped) => ("stopped", "Calling stopped"),
        Ok(Switched::NoBatch) => return error(store, StatusCode::NOT_FOUND, "Batch not found"),
        Err(e) => return not_stored(store, &e),
    };
    reply(
        store,
        StatusCode::OK,
        Envelope::ok(
            200,
            message,
            DialerState {
                batch_id,
                status: status.to_owned(),
            },
        ),
    )
}

/// The integrations add-phone takes, as Weya's page lists them.
pub const INTEGRATIONS: [&str; 3] = ["plivo", "twilio", "telnyx"];

/// `POST /api/call/add-phone`: registers a number of the operator's
/// provider account. The sandbox cannot ask the provider whether the
/// token and SID are right: it requires them, checks nothing more, and
/// keeps neither (no message of it ever quotes them).
async fn add_phone(State(store): Shared, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(denied) = deny(&store, Page::AddPhone, &headers) {
        return denied;
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        // serde's message may quote the body, secrets and all.
        Err(_) => return error(&store, StatusCode::BAD_REQUEST, "Invalid JSON body"),
    };
    let (phone_number, integration) = match validate_phone(&value) {
        Ok(valid) => valid,
        Err((status, message)) => return error(&store, status, &message),
    };
    let phone = match store.try_add_phone(phone_number, integration) {
        Ok(phone) => phone,
        Err(e) => return not_stored(&store, &e),
    };
    let data = AddedPhone {
        id: phone.id,
        user_id: SANDBOX_USER_ID.to_owned(),
        phone_number: phone.phone_number,
        integration: phone.integration,
        created_at: super::model::iso(phone.created_at),
    };
    reply(
        &store,
        StatusCode::CREATED,
        Envelope::ok(201, "Phone number added successfully", data),
    )
}

/// Checks an add-phone body; the number and integration to keep, or the
/// answer's status and message (which never quote a credential).
fn validate_phone(value: &Value) -> Result<(String, String), (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let Some(obj) = value.as_object() else {
        return Err(bad("Request body must be a JSON object".into()));
    };
    let text = |key: &str| match obj.get(key) {
        None | Some(Value::Null) => Err(bad(format!("{key} is required"))),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(bad(format!("{key} is required and must not be blank")))
        }
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(bad(format!("{key} must be a string"))),
    };
    let user_id = text("userId")?;
    if !is_object_id(user_id) {
        return Err(bad(BAD_USER_ID.into()));
    }
    let phone_number = text("phoneNumber")?;
    if !is_phone_number(phone_number) {
        return Err(bad(
            "phoneNumber must be digits with the country code, + optional".into(),
        ));
    }
    let integration = text("integration")?;
    if !INTEGRATIONS.contains(&integration) {
        return Err(bad(format!(
            "integration must be one of {}",
            INTEGRATIONS.join(", ")
        )));
    }
    text("authToken")?;
    text("accSId")?;
    if user_id != SANDBOX_USER_ID {
        return Err((StatusCode::NOT_FOUND, "User not found".into()));
    }
    Ok((phone_number.to_owned(), integration.to_owned()))
}

/// delete-batch answers in its own envelope, `{"success": …, "message": …}`,
/// errors included.
fn success_reply(store: &SandboxStore, status: StatusCode, message: &str) -> Response {
    let body = SuccessEnvelope {
        success: Some(status.is_success()),
        message: Some(message.to_owned()),
        ..SuccessEnvelope::default()
    };
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(v) = store.request_id().parse() {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

async fn delete_batch(
    State(store): Shared,
    headers: HeaderMap,
    Path(batch_id): Path<String>,
) -> Response {
    // delete-batch documents 401 for a missing token, not 403.
    if let Err(refusal) = store.auth().check(Page::DeleteBatch, &headers) {
        return success_reply(&store, refusal.status, refusal.message);
    }
    if !is_object_id(&batch_id) {
        return success_reply(
            &store,
            StatusCode::BAD_REQUEST,
            "Invalid batch ID: expected 24 hex characters",
        );
    }
    match store.try_delete(&batch_id) {
        Ok(true) => success_reply(&store, StatusCode::OK, "Batch deleted"),
        Ok(false) => success_reply(&store, StatusCode::NOT_FOUND, "Batch not found"),
        Err(e) => {
            tracing::error!(error = %e, "delete-batch not stored");
            success_reply(&store, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())
        }
    }
}

/// Field names a row may not set: the server sets them.
const RESERVED: [&str; 3] = ["_id", "phoneLogs", "createdAt"];

/// Checks an addCallsToBatch body: the batch ID and the rows. Returns
/// them, or the 400's message.
fn validate_calls(value: Value) -> Result<(String, Vec<Map<String, Value>>), String> {
    let Value::Object(mut obj) = value else {
        return Err("Request body must be a JSON object".into());
    };
    let batch_id = match obj.get("batchId") {
        None | Some(Value::Null) => return Err("batchId is required".into()),
        Some(Value::String(s)) if is_object_id(s) => s.clone(),
        Some(_) => return Err("batchId must be a batch ID of 24 hex characters".into()),
    };
    let rows = match obj.shift_remove("call_data") {
        None | Some(Value::Null) => return Err("call_data is required".into()),
        Some(Value::Array(rows)) if rows.is_empty() => {
            return Err("call_data must contain at least one call".into());
        }
        Some(Value::Array(rows)) => rows,
        Some(_) => return Err("call_data must be an array of calls".into()),
    };
    validate_rows("call_data", rows).map(|rows| (batch_id, rows))
}

/// Checks calls sent as `field` (addCallsToBatch's `call_data`,
/// start-calling's `callData`): objects, each with a valid `phoneNumber`,
/// none setting what the server sets.
fn validate_rows(field: &str, rows: Vec<Value>) -> Result<Vec<Map<String, Value>>, String> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let Value::Object(row) = row else {
                return Err(format!("{field}[{i}] must be an object"));
            };
            match row.get("phoneNumber") {
                None | Some(Value::Null) => {
                    return Err(format!("{field}[{i}].phoneNumber is required"));
                }
                Some(Value::String(s)) if is_phone_number(s) => {}
                Some(_) => {
                    return Err(format!(
                        "{field}[{i}].phoneNumber must be digits with the country code, + optional"
                    ));
                }
            }
            if let Some(key) = RESERVED.iter().find(|k| row.contains_key(**k)) {
                return Err(format!("{field}[{i}].{key} is set by the server"));
            }
            Ok(row)
        })
        .collect()
}

/// Digits with the country code, `+` optional (`12125551234`), as Weya
/// documents phone numbers; 8 to 15 digits (E.164's most).
fn is_phone_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

async fn add_calls(
    State(store): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(denied) = deny(&store, Page::AddCalls, &headers) {
        return denied;
    }
    // An import can be large: a body over the limit gets the envelope too.
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let message = format!(
                "Request body too large: the sandbox reads at most {} MB",
                MAX_ADD_CALLS_BODY / (1024 * 1024)
            );
            return error(&store, StatusCode::PAYLOAD_TOO_LARGE, &message);
        }
        Err(rejection) => return error(&store, rejection.status(), &rejection.body_text()),
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                &store,
                StatusCode::BAD_REQUEST,
                &format!("Invalid JSON body: {e}"),
            );
        }
    };
    let (batch_id, rows) = match validate_calls(value) {
        Ok(valid) => valid,
        Err(message) => return error(&store, StatusCode::BAD_REQUEST, &message),
    };
    let chunks = rows.len().div_ceil(crate::api::types::ADD_CALLS_CHUNK);
    // partial-207 fails the last chunk: with more than one, the others
    // are stored, as a real partial failure would leave them.
    let fail_chunk = (store.fault() == Some(Fault::Partial207)).then(|| chunks - 1);
    let added = match store.try_add_calls(&batch_id, rows, fail_chunk) {
        Ok(Some(added)) => added,
        Ok(None) => return error(&store, StatusCode::NOT_FOUND, "Batch not found"),
        Err(e) => return not_stored(&store, &e),
    };
    let data = AddCallsData {
        added: Some(added.call_ids.len() as u64),
        call_ids: added.call_ids,
        failed_chunks: added.failed_chunks,
    };
    if data.failed_chunks.is_empty() {
        return reply(
            &store,
            StatusCode::OK,
            Envelope::ok(200, "Calls added successfully", data),
        );
    }
    let message = format!(
        "{} of {chunks} chunks failed: send their rows again",
        data.failed_chunks.len()
    );
    let envelope = Envelope {
        message: Some("Some calls could not be added".into()),
        status: Some(false),
        code: Some(207),
        error_message: Some(message),
        data: Some(data),
    };
    reply(&store, StatusCode::MULTI_STATUS, envelope)
}

async fn not_found(State(store): Shared) -> Response {
    reply(
        &store,
        StatusCode::NOT_FOUND,
        Envelope::error(404, "Route not found"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({"batchName":" May ","callingNumbers":["64e5f12345abcdef87654321"],
            "retry":3,"delay":60,"timezone":"America/New_York",
            "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]})
    }

    fn with(field: &str, v: Value) -> Value {
        let mut body = valid();
        body[field] = v;
        body
    }

    #[test]
    fn documented_example_is_valid_and_name_is_trimmed() {
        assert_eq!(validate_batch(&valid()), Ok("May".into()));
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (with("batchName", Value::Null), "batchName"),
            (with("batchName", json!("  ")), "batchName"),
            (with("batchName", json!(7)), "batchName"),
            (with("callingNumbers", json!([])), "callingNumbers"),
            (
                with("callingNumbers", json!("64e5f12345abcdef87654321")),
                "callingNumbers",
            ),
            (with("callingNumbers", json!(["nope"])), "callingNumbers[0]"),
            (with("retry", json!("3")), "retry"),
            (with("delay", json!(-1)), "delay"),
            (with("timezone", json!("Mars/Olympus")), "timezone"),
            (
                with("callingHour", json!({"start":"9","end":"17:00"})),
                "callingHour.start",
            ),
            (
                with("callingHour", json!({"start":"09:00","end":"24:00"})),
                "callingHour.end",
            ),
            (with("allowedDays", json!([7])), "allowedDays"),
        ];
        for (body, field) in cases {
            let err = validate_batch(&body).unwrap_err();
            assert!(err.starts_with(field), "{field}: {err}");
        }
        let mut missing = valid();
        missing.as_object_mut().unwrap().remove("callingNumbers");
        assert_eq!(
            validate_batch(&missing).unwrap_err(),
            "callingNumbers is required"
        );
    }
}
