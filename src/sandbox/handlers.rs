//! The sandbox's routes, validation and envelopes.

use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::Value;

use super::store::SandboxStore;
use super::{Fault, SANDBOX_USER_ID};
use crate::api::types::{BatchPage, Envelope, Pagination, is_object_id};

type Shared = State<Arc<SandboxStore>>;

pub fn router(store: Arc<SandboxStore>) -> Router {
    Router::new()
        .route("/api/call/createBatch", post(create_batch))
        .route("/api/call/batches/{user_id}", get(list_batches))
        .route("/api/call/phones/{user_id}", get(list_phones))
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

fn error(store: &SandboxStore, status: StatusCode, message: &str) -> Response {
    reply(store, status, Envelope::error(status.as_u16(), message))
}

/// 403 for a missing or wrong credential, as Weya documents for createBatch.
fn deny(store: &SandboxStore, headers: &HeaderMap) -> Option<Response> {
    check_credential(store.key().expose_secret(), headers)
        .err()
        .map(|message| error(store, StatusCode::FORBIDDEN, message))
}

fn check_credential(key: &str, headers: &HeaderMap) -> Result<(), &'static str> {
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (api_key, bearer) {
        (None, None) => Err("Missing API key: send x-api-key or Authorization: Bearer"),
        (Some(k), _) | (None, Some(k)) if k == key => Ok(()),
        _ => Err("Invalid API key"),
    }
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
            | Fault::DropAfterStore,
        )
        | None => {}
    }
    if let Some(denied) = deny(&store, &headers) {
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
    match validate_batch(&value) {
        Ok(name) => {
            let id = match fault {
                Some(Fault::SlowStore(delay)) => {
                    // In a task of its own, so that it stores even when the
                    // client hangs up first.
                    let (tx, rx) = tokio::sync::oneshot::channel();
                    let later = Arc::clone(&store);
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = tx.send(later.insert(name, value));
                    });
                    match rx.await {
                        Ok(id) => id,
                        Err(_) => {
                            return error(
                                &store,
                                StatusCode::INTERNAL_SERVER_ERROR,
                                "the batch was not stored",
                            );
                        }
                    }
                }
                _ => store.insert(name, value),
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
    if let Some(denied) = deny(&store, &headers) {
        return denied;
    }
    let page = q.page.unwrap_or(1).max(1);
    let limit = q.limit.unwrap_or(10).clamp(1, 100);
    let needle = q.search.unwrap_or_default().to_lowercase();
    let matching: Vec<_> = if user_id == SANDBOX_USER_ID {
        store
            .batches()
            .into_iter()
            .filter(|b| b.name.to_lowercase().contains(&needle))
            .collect()
    } else {
        Vec::new()
    };
    // Documented quirk: no batches is a 404, not an empty list.
    if matching.is_empty() {
        return error(&store, StatusCode::NOT_FOUND, "No batches found");
    }
    let total = matching.len() as u64;
    let batches = matching
        .iter()
        .skip(((page - 1) * limit) as usize)
        .take(limit as usize)
        .map(|b| b.summary())
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
    if let Some(denied) = deny(&store, &headers) {
        return denied;
    }
    if user_id != SANDBOX_USER_ID {
        return error(&store, StatusCode::NOT_FOUND, "User not found");
    }
    reply(
        &store,
        StatusCode::OK,
        Envelope::ok(
            200,
            "Phone numbers fetched successfully",
            store.phones().to_vec(),
        ),
    )
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
