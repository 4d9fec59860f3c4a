//! The client's campaign methods (batch details, start/stop, delete, add
//! calls) against the embedded sandbox and against stand-in servers for the
//! answers the sandbox never gives, over real loopback HTTP.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use chrono::TimeZone;
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use weya_tui::api::types::{add_calls_body, is_object_id};
use weya_tui::api::{
    Action, AddCallsOutcome, ApiError, Auth, AuthMode, BatchQuery, BatchRequest, CallQuery,
    CallingHour, ClientConfig, Credential, Credentials, SortOrder, WeyaClient,
};
use weya_tui::sandbox::{Clock, DialerConfig, Fault, Sandbox, SandboxOptions};

fn batch(name: &str) -> BatchRequest {
    BatchRequest {
        batch_name: name.into(),
        calling_numbers: vec!["64e5f12345abcdef87654321".into()],
        retry: Some(1),
        delay: Some(30),
        timezone: Some("America/New_York".into()),
        calling_hour: Some(CallingHour {
            start: "09:00".into(),
            end: "17:00".into(),
        }),
        allowed_days: Some(vec![1, 2, 3, 4, 5]),
    }
}

/// `n` contacts with fields in the order an importer would send them.
fn rows(n: usize) -> Vec<Map<String, Value>> {
    (0..n)
        .map(|i| {
            let plan = if i % 2 == 0 { "Basic" } else { "Plus" };
            let Value::Object(row) = json!({
                "phoneNumber": format!("1212555{i:04}"),
                "name": format!("Contact {i}"),
                "plan": plan,
                "due_date": "2026-02-01",
            }) else {
                unreachable!()
            };
            row
        })
        .collect()
}

/// A sandbox whose time moves only when the test says (a Thursday
/// morning in New York), so the dialer is deterministic.
async fn manual_sandbox() -> (Sandbox, WeyaClient) {
    let start = chrono::Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap();
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions {
            clock: Clock::Manual { start },
            dialer: DialerConfig::default(),
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    (sandbox, client)
}

fn added(outcome: AddCallsOutcome) -> weya_tui::api::CallsAdded {
    match outcome {
        AddCallsOutcome::Added(added) => added,
        other => panic!("expected every row added, got {other:?}"),
    }
}

#[tokio::test]
async fn added_calls_page_sort_and_search_with_their_fields_in_order() {
    let (_sandbox, client) = manual_sandbox().await;
    let id = client
        .create_batch(&batch("Renewals"))
        .await
        .unwrap()
        .batch_id;
    let result = added(client.add_calls(&id, &rows(25)).await.unwrap());
    assert_eq!(result.added, 25);
    assert!(result.call_ids.iter().all(|c| is_object_id(c)));
    assert!(result.request_id.is_some());

    let first = client
        .batch_details(
            &id,
            &CallQuery {
                page: 1,
                limit: 10,
                sort_order: SortOrder::Asc,
                ..CallQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.batch_id.as_str(), first.batch_name.as_str()),
        (id.as_str(), "Renewals")
    );
    assert_eq!(first.batch_status, "paused", "created, not started");
    assert_eq!(
        (first.total, first.total_pages, first.calls.len()),
        (25, 3, 10)
    );
    let call = &first.calls[0];
    assert_eq!(call.phone_number, "12125550000");
    assert_eq!(call.id, result.call_ids[0]);
    let keys: Vec<&str> = call.fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["name", "plan", "due_date"],
        "the order they were sent"
    );
    assert_eq!(call.field_text("name").as_deref(), Some("Contact 0"));
    assert_eq!(call.status(), None, "not called yet");

    let last_page = client
        .batch_details(
            &id,
            &CallQuery {
                page: 3,
                limit: 10,
                sort_order: SortOrder::Desc,
                ..CallQuery::default()
            },
        )
        .await
        .unwrap();
    let phones: Vec<&str> = last_page
        .calls
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    assert_eq!(
        phones,
        [
            "12125550004",
            "12125550003",
            "12125550002",
            "12125550001",
            "12125550000"
        ],
        "newest first, so the first rows come last"
    );

    for (search, expect) in [("contact 17", 1), ("PLUS", 12), ("212 555 0011", 1)] {
        let found = client
            .batch_details(
                &id,
                &CallQuery {
                    search: Some(search.into()),
                    limit: 100,
                    ..CallQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.total, expect, "search {search:?}");
    }
}

#[tokio::test]
async fn started_calls_get_phone_logs_and_the_status_filter_finds_them() {
    let (sandbox, client) = manual_sandbox().await;
    let id = client
        .create_batch(&batch("Dialled"))
        .await
        .unwrap()
        .batch_id;
    added(client.add_calls(&id, &rows(40)).await.unwrap());

    let started = client.start_calling(&id).await.unwrap();
    assert_eq!(
        (started.batch_id.as_str(), started.status.as_str()),
        (id.as_str(), "started")
    );
    sandbox.advance(Duration::from_secs(30));

    let listed = client.list_batches(&BatchQuery::default()).await.unwrap();
    let summary = &listed.batches[0];
    assert_eq!(summary.queue_status, "active");
    assert_eq!(summary.total_calls.unwrap(), 40);
    assert!(
        summary.calls_picked.unwrap() > 0 && summary.calls_completed.unwrap() > 0,
        "{summary:?}"
    );

    let completed = client
        .batch_details(
            &id,
            &CallQuery {
                filter: Some("completed".into()),
                limit: 100,
                ..CallQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(completed.total, summary.calls_completed.unwrap());
    for call in &completed.calls {
        let log = call.latest_log().unwrap();
        assert_eq!(call.status(), Some("completed"));
        assert!(log.call_duration.is_some_and(|d| d > 0.0));
        let url = log.recording_url.as_deref().unwrap();
        assert!(url.starts_with("https://sandbox.invalid/rec/"), "{url}");
        let text = log.transcript_text().unwrap();
        assert!(text.contains(&call.field_text("name").unwrap()), "{text}");
    }

    let stopped = client.stop_calling(&id).await.unwrap();
    assert_eq!(stopped.status, "stopped");
    let details = client
        .batch_details(&id, &CallQuery::default())
        .await
        .unwrap();
    assert_eq!(details.batch_status, "stopped");
}

#[tokio::test]
async fn delete_removes_the_batch_and_reads_the_success_envelope() {
    let (_sandbox, client) = manual_sandbox().await;
    let id = client
        .create_batch(&batch("Doomed"))
        .await
        .unwrap()
        .batch_id;
    let deleted = client.delete_batch(&id).await.unwrap();
    assert_eq!(deleted.message.as_deref(), Some("Batch deleted"));
    assert!(deleted.request_id.is_some());
    let listed = client.list_batches(&BatchQuery::default()).await.unwrap();
    assert!(listed.batches.is_empty());

    let again = client.delete_batch(&id).await.unwrap_err();
    assert_eq!(again.status(), Some(404));
    assert_eq!(again.server_message(), Some("Batch not found"));
    let gone = client
        .batch_details(&id, &CallQuery::default())
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn add_calls_refuses_empty_rows_and_rows_without_a_number_and_unknown_batches() {
    let (sandbox, client) = manual_sandbox().await;
    let id = client
        .create_batch(&batch("Import"))
        .await
        .unwrap()
        .batch_id;
    let empty = client.add_calls(&id, &[]).await.unwrap_err();
    assert_eq!(empty.status(), Some(400));
    assert!(
        empty.server_message().unwrap().contains("call_data"),
        "{empty}"
    );
    let mut bad = rows(3);
    bad[1].remove("phoneNumber");
    let missing = client.add_calls(&id, &bad).await.unwrap_err();
    assert_eq!(missing.status(), Some(400));
    assert_eq!(
        missing.server_message(),
        Some("call_data[1].phoneNumber is required")
    );
    let unknown = client
        .add_calls("64e5f12345abcdef00000000", &rows(1))
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404));
    assert!(
        sandbox.store().batch(&id).unwrap().calls.is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn a_failed_chunk_comes_back_as_a_partial_result_whose_rows_can_be_resent() {
    let (sandbox, client) = manual_sandbox().await;
    let id = client
        .create_batch(&batch("Big import"))
        .await
        .unwrap()
        .batch_id;
    sandbox.store().set_fault(Some(Fault::Partial207));
    let all = rows(2_500);
    let AddCallsOutcome::Partial(partial) = client.add_calls(&id, &all).await.unwrap() else {
        panic!("expected a partial result");
    };
    assert_eq!(partial.added, Some(2_000));
    assert_eq!(partial.call_ids.len(), 2_000);
    assert_eq!(partial.failed_chunks.len(), 1);
    assert_eq!(partial.failed_chunks[0].chunk_num, 3);
    assert!(
        partial
            .message
            .as_deref()
            .unwrap()
            .contains("1 of 3 chunks")
    );
    let failed = partial.failed_rows(all.len());
    assert_eq!((failed.len(), &failed[0]), (1, &(2_000..2_500)));

    sandbox.store().set_fault(None);
    let resend: Vec<_> = failed.into_iter().flat_map(|r| all[r].to_vec()).collect();
    assert_eq!(
        added(client.add_calls(&id, &resend).await.unwrap()).added,
        500
    );
    let stored = sandbox.store().batch(&id).unwrap();
    assert_eq!(stored.calls.len(), 2_500);
    assert_eq!(stored.calls[2_499].phone_number, "12125552499");
}

/// A stand-in server on loopback, for answers the sandbox never gives.
async fn stand_in(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn client_for(url: &str, auth: Auth, user_id: Option<&str>) -> WeyaClient {
    let mut config = ClientConfig::new(url, auth);
    config.user_id = user_id.map(str::to_owned);
    config.timeout = Duration::from_secs(5);
    WeyaClient::new(config).unwrap()
}

fn key() -> Auth {
    Auth::ApiKey(SecretString::from("sk_test_0123456789abcdef"))
}

const BATCH: &str = "64e5f12345abcdef98765432";

#[tokio::test]
async fn a_207_naming_failed_chunks_is_parsed_into_the_typed_result() {
    let url = stand_in(Router::new().route(
        "/api/call/addCallsToBatch",
        post(|| async {
            (
                StatusCode::MULTI_STATUS,
                [("x-request-id", "req-207")],
                r#"{"message":"Partial success","status":false,"code":207,
                    "data":{"failedChunks":[{"chunkNum":2,"error":"write conflict"},
                                            {"chunkNum":"1","error":"timeout"}]}}"#,
            )
        }),
    ))
    .await;
    let outcome = client_for(&url, key(), None)
        .add_calls(BATCH, &rows(1_800))
        .await
        .unwrap();
    let AddCallsOutcome::Partial(partial) = outcome else {
        panic!("expected a partial result, got {outcome:?}");
    };
    assert_eq!(partial.added, None, "the server did not say");
    assert_eq!(partial.request_id.as_deref(), Some("req-207"));
    assert_eq!(partial.message.as_deref(), Some("Partial success"));
    assert_eq!(partial.failed_chunks[1].error, "timeout");
    assert_eq!(partial.failed_rows(1_800), [0..1_000, 1_000..1_800]);
}

#[tokio::test]
async fn a_207_that_names_no_chunk_leaves_the_outcome_unknown() {
    let url = stand_in(Router::new().route(
        "/api/call/addCallsToBatch",
        post(|| async {
            (
                StatusCode::MULTI_STATUS,
                r#"{"status":false,"code":207,"message":"Partial success"}"#,
            )
        }),
    ))
    .await;
    let err = client_for(&url, key(), None)
        .add_calls(BATCH, &rows(3))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Unexpected { status: 207, .. }),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn a_refused_token_says_what_the_action_documents_and_what_was_sent() {
    let url = stand_in(Router::new().route(
        "/api/call/start-calling",
        post(|| async {
            (
                StatusCode::UNAUTHORIZED,
                [("x-request-id", "req-401")],
                r#"{"message":"Unauthorized","status":false,"code":401,"errorMessage":"Token missing or expired"}"#,
            )
        }),
    ))
    .await;
    let err = client_for(&url, key(), Some("5f0c0ffee0ddba11ab1e5eed"))
        .start_calling(BATCH)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::AuthRefused {
                status: 401,
                action: Action::StartCalling,
                used: AuthMode::ApiKey,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_auth_failure());
    assert_eq!(err.request_id(), Some("req-401"));
    assert_eq!(
        err.to_string(),
        "HTTP 401 (not authenticated): Token missing or expired; Weya documents a Bearer token \
         (WEYA_TOKEN) for start-calling, and this request used x-api-key"
    );
    assert_eq!(
        err.auth_advice().as_deref(),
        Some(
            "start-calling needs a Bearer token: set WEYA_TOKEN, or token in the config file \
             (the request carried the x-api-key from the configuration, the only credential \
             configured). `weya-tui doctor` shows which action takes which."
        )
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("0123456789abcdef"), "no credential: {text}");

    // The sandbox gives the documented 401 too, for a wrong token.
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut config = sandbox.client_config();
    config.credentials = Credentials::default().with(
        AuthMode::Bearer,
        Credential::new(
            SecretString::from("expired-token-0000000000"),
            "config file /x/config.toml",
        ),
    );
    let client = WeyaClient::new(config).unwrap();
    let err = client.stop_calling(BATCH).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    let advice = err.auth_advice().unwrap();
    assert!(
        advice.contains("The Bearer token from config file /x/config.toml was refused"),
        "{advice}"
    );
}

/// A stand-in that counts requests and remembers the last query and body.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    query: Mutex<Option<String>>,
    body: Mutex<Vec<u8>>,
}

async fn recording_stand_in(answer: &'static str) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let record = Arc::clone(&seen);
    let router = Router::new().fallback(any(move |RawQuery(q): RawQuery, body: Bytes| {
        let seen = Arc::clone(&record);
        async move {
            seen.requests.fetch_add(1, Ordering::SeqCst);
            *seen.query.lock().unwrap() = q;
            *seen.body.lock().unwrap() = body.to_vec();
            answer
        }
    }));
    (stand_in(router).await, seen)
}

#[tokio::test]
async fn ids_that_could_change_the_path_and_a_missing_user_id_send_nothing() {
    let (url, seen) = recording_stand_in(r#"{"status":true,"data":{}}"#).await;
    let client = client_for(&url, key(), None);
    for bad in ["../createBatch", "64e5f12345abcdef9876543/", "a?b=c", ""] {
        let errors = [
            client
                .batch_details(bad, &CallQuery::default())
                .await
                .unwrap_err(),
            client.delete_batch(bad).await.unwrap_err(),
            client.add_calls(bad, &rows(1)).await.unwrap_err(),
        ];
        for e in errors {
            assert!(matches!(e, ApiError::InvalidId { .. }), "{bad:?}: {e:?}");
            assert!(e.is_config_problem());
            assert!(e.to_string().contains("not a batch ID"), "{e}");
        }
    }
    let no_user = client.start_calling(BATCH).await.unwrap_err();
    assert!(
        matches!(
            no_user,
            ApiError::MissingSetting {
                setting: "WEYA_USER_ID",
                ..
            }
        ),
        "{no_user:?}"
    );
    assert!(no_user.to_string().contains("WEYA_USER_ID"), "{no_user}");
    assert!(client.stop_calling(BATCH).await.is_err());
    assert_eq!(seen.requests.load(Ordering::SeqCst), 0, "nothing was sent");
}

#[tokio::test]
async fn batch_details_sends_the_documented_query() {
    let (url, seen) = recording_stand_in(r#"{"status":true,"data":{"data":[]}}"#).await;
    let query = CallQuery {
        page: 2,
        limit: 50,
        filter: Some("completed".into()),
        sort_order: SortOrder::Asc,
        search: Some("Ana B".into()),
    };
    let details = client_for(&url, key(), None)
        .batch_details(BATCH, &query)
        .await
        .unwrap();
    assert!(details.calls.is_empty());
    assert_eq!(
        seen.query.lock().unwrap().as_deref(),
        Some(
            "page=2&limit=50&filter=%7B%22callStatus%22%3A%22completed%22%7D\
             &sortBy=createdAt&sortOrder=asc&search=Ana+B"
        )
    );
}

#[tokio::test]
async fn add_calls_raw_sends_the_body_byte_for_byte() {
    let (url, seen) =
        recording_stand_in(r#"{"status":true,"code":200,"data":{"added":2,"callIds":["a","b"]}}"#)
            .await;
    let body = add_calls_body(BATCH, &rows(2));
    assert!(body.starts_with(&format!(
        r#"{{"batchId":"{BATCH}","call_data":[{{"phoneNumber""#
    )));
    let result = client_for(&url, key(), None)
        .add_calls_raw(body.clone())
        .await
        .unwrap();
    assert_eq!(added(result).call_ids, ["a", "b"]);
    assert_eq!(*seen.body.lock().unwrap(), body.into_bytes());
}

#[tokio::test]
async fn delete_reads_success_false_as_an_error_with_its_message() {
    let (url, _) =
        recording_stand_in(r#"{"success":false,"message":"Batch is running: stop it first"}"#)
            .await;
    let err = client_for(&url, key(), None)
        .delete_batch(BATCH)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(
        err.server_message(),
        Some("Batch is running: stop it first")
    );
    assert!(!err.outcome_unknown());

    let (url, _) = recording_stand_in("OK").await;
    let err = client_for(&url, key(), None)
        .delete_batch(BATCH)
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "a 200 we cannot read: {err:?}");
}

#[tokio::test]
async fn odd_batch_details_cost_only_the_odd_values() {
    let url = stand_in(Router::new().route(
        "/api/call/batch-details/{id}",
        get(|| async {
            r#"{"status":true,"code":200,"data":{"batchId":"64e5f12345abcdef98765432",
              "batchName":"Odd","batchStatus":"running-ish","page":"1","limit":10,"total":3,
              "totalPages":null,"data":[
                {"_id":"c1","phoneNumber":12125550143,"zeta":"last?","alpha":1,
                 "phoneLogs":[null,{"callStatus":"completed","callDuration":"1:05",
                   "transcript":[{"speaker":"Agent","text":"Hi"},{"role":"user","content":"Hello"}],
                   "createdAt":"2026-01-15T14:00:00.000Z"}],
                 "createdAt":"2026-01-15T13:00:00.000Z"},
                "not a call",
                {"_id":"c3","phoneNumber":"12125550144","phoneLogs":{"oops":true},
                 "extra":{"nested":[1,2]}},
                {"_id":"c4","phoneLogs":[{"callStatus":"voicemail","transcript":"Left a message.",
                   "callDuration":42.5,"recordingUrl":null}]}
              ]}}"#
        }),
    ))
    .await;
    let details = client_for(&url, key(), None)
        .batch_details(BATCH, &CallQuery::default())
        .await
        .unwrap();
    assert_eq!(details.batch_status, "running-ish", "shown as it comes");
    assert_eq!(
        (details.page, details.total, details.total_pages),
        (1, 3, 0)
    );
    assert_eq!(details.calls.len(), 3, "the string is skipped, not fatal");
    let c1 = &details.calls[0];
    assert_eq!(c1.phone_number, "12125550143");
    let keys: Vec<&str> = c1.fields.keys().map(String::as_str).collect();
    assert_eq!(keys, ["zeta", "alpha"], "the server's order");
    assert_eq!(c1.phone_logs.len(), 1);
    assert_eq!(c1.status(), Some("completed"));
    let log = c1.latest_log().unwrap();
    assert_eq!(log.call_duration, Some(65.0));
    assert_eq!(
        log.transcript_text().as_deref(),
        Some("Agent: Hi\nuser: Hello")
    );
    assert!(details.calls[1].phone_logs.is_empty());
    assert_eq!(
        details.calls[1].field_text("extra").as_deref(),
        Some(r#"{"nested":[1,2]}"#)
    );
    let c4 = &details.calls[2];
    assert_eq!(c4.status(), Some("voicemail"));
    assert_eq!(
        c4.latest_log().unwrap().transcript_text().as_deref(),
        Some("Left a message.")
    );
}
