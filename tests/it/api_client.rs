//! The API client against the embedded sandbox and stand-in servers, over
//! real loopback HTTP.

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use weya_tui::api::types::is_object_id;
use weya_tui::api::{
    ApiError, Auth, BatchQuery, BatchRequest, CallingHour, ClientConfig, NetworkFailure, WeyaClient,
};
use weya_tui::sandbox::Sandbox;

fn request(name: &str) -> BatchRequest {
    BatchRequest {
        batch_name: name.into(),
        calling_numbers: vec!["64e5f12345abcdef87654321".into()],
        retry: Some(3),
        delay: Some(60),
        timezone: Some("America/New_York".into()),
        calling_hour: Some(CallingHour {
            start: "09:00".into(),
            end: "17:00".into(),
        }),
        allowed_days: Some(vec![1, 2, 3, 4, 5]),
    }
}

async fn sandbox_client() -> (Sandbox, WeyaClient) {
    let sandbox = Sandbox::start(0).await.expect("sandbox");
    let client = WeyaClient::new(sandbox.client_config()).expect("client");
    (sandbox, client)
}

fn assert_400(result: Result<weya_tui::api::Created, ApiError>, names: &str) {
    match result {
        Err(ApiError::Status {
            status: 400,
            message: Some(m),
            request_id: Some(_),
            ..
        }) => assert!(m.contains(names), "message {m:?} should name {names}"),
        other => panic!("expected a 400 naming {names}, got {other:?}"),
    }
}

#[tokio::test]
async fn create_batch_returns_an_id_that_the_batch_list_then_shows() {
    let (sandbox, client) = sandbox_client().await;
    let created = client.create_batch(&request("May renewals")).await.unwrap();
    assert!(is_object_id(&created.batch_id), "{}", created.batch_id);
    assert!(created.request_id.is_some(), "x-request-id is read");

    let page = client.list_batches(&BatchQuery::default()).await.unwrap();
    assert_eq!(page.batches.len(), 1);
    assert_eq!(page.batches[0].id, created.batch_id);
    assert_eq!(page.batches[0].batch_name, "May renewals");
    assert_eq!(page.pagination.total, 1);
    // The sandbox stored exactly the documented body.
    let stored = &sandbox.store().batches()[0].body;
    assert_eq!(stored["callingHour"]["start"], "09:00");
    assert_eq!(stored["allowedDays"], serde_json::json!([1, 2, 3, 4, 5]));
}

#[tokio::test]
async fn create_batch_takes_the_token_alone_too_but_not_the_key_as_a_token() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut config = sandbox.client_config();
    config.credentials = Auth::Bearer(sandbox.token().clone()).into();
    let client = WeyaClient::new(config.clone()).unwrap();
    assert!(client.create_batch(&request("Bearer")).await.is_ok());
    // The key sent as a Bearer token is no token.
    config.credentials = Auth::Bearer(sandbox.key().clone()).into();
    let client = WeyaClient::new(config).unwrap();
    let err = client.create_batch(&request("x")).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn each_documented_400_rule_names_the_field() {
    let (sandbox, client) = sandbox_client().await;
    let cases = [
        (
            r#"{"callingNumbers":["64e5f12345abcdef87654321"]}"#,
            "batchName",
        ),
        (
            r#"{"batchName":"   ","callingNumbers":["64e5f12345abcdef87654321"]}"#,
            "batchName",
        ),
        (r#"{"batchName":"x"}"#, "callingNumbers"),
        (r#"{"batchName":"x","callingNumbers":[]}"#, "callingNumbers"),
        (
            r#"{"batchName":"x","callingNumbers":"64e5f12345abcdef87654321"}"#,
            "callingNumbers",
        ),
        (
            r#"{"batchName":"x","callingNumbers":["64e5f12345abcdef87654321"],"retry":"3"}"#,
            "retry",
        ),
        (
            r#"{"batchName":"x","callingNumbers":["64e5f12345abcdef87654321"],"allowedDays":[7]}"#,
            "allowedDays",
        ),
        (r#"{"batchName":"x","#, "Invalid JSON"),
    ];
    for (body, names) in cases {
        assert_400(client.create_batch_raw(body.into()).await, names);
    }
    assert!(sandbox.store().batches().is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_wrong_or_missing_credential_is_403_and_never_echoed() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut config = sandbox.client_config();
    config.credentials = Auth::ApiKey(SecretString::from("wrong-key-0123456789")).into();
    let client = WeyaClient::new(config).unwrap();
    let err = client.create_batch(&request("x")).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(!format!("{err} {err:?}").contains("wrong-key-0123456789"));

    let bare = reqwest::Client::new()
        .post(format!("{}/api/call/createBatch", sandbox.base_url()))
        .body(request("x").to_body())
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 403);
    let body: serde_json::Value = bare.json().await.unwrap();
    assert_eq!(body["status"], false);
    assert_eq!(body["code"], 403);
}

#[tokio::test]
async fn an_empty_batch_list_is_a_404_that_reads_as_empty() {
    let (sandbox, client) = sandbox_client().await;
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/api/call/batches/{}",
            sandbox.base_url(),
            weya_tui::sandbox::SANDBOX_USER_ID
        ))
        .bearer_auth(secrecy::ExposeSecret::expose_secret(sandbox.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 404, "the documented quirk");
    let page = client.list_batches(&BatchQuery::default()).await.unwrap();
    assert!(page.batches.is_empty());
}

#[tokio::test]
async fn batch_list_pages_and_searches_newest_first() {
    let (_sandbox, client) = sandbox_client().await;
    for name in ["alpha one", "beta", "alpha two"] {
        client.create_batch(&request(name)).await.unwrap();
    }
    let page = client
        .list_batches(&BatchQuery {
            page: 1,
            limit: 2,
            search: None,
        })
        .await
        .unwrap();
    let names: Vec<_> = page.batches.iter().map(|b| b.batch_name.as_str()).collect();
    assert_eq!(names, ["alpha two", "beta"]);
    assert_eq!((page.pagination.total, page.pagination.total_pages), (3, 2));
    let found = client
        .list_batches(&BatchQuery {
            page: 1,
            limit: 10,
            search: Some("ALPHA".into()),
        })
        .await
        .unwrap();
    assert_eq!(found.batches.len(), 2);
}

#[tokio::test]
async fn phone_list_comes_from_the_configurable_path() {
    let (sandbox, client) = sandbox_client().await;
    let phones = client.list_phones().await.unwrap();
    assert_eq!(phones.len(), 12);
    assert!(phones.iter().all(|p| is_object_id(&p.id)));

    let mut config = sandbox.client_config();
    config.phones_path = "/api/call/numbers/{userId}".into();
    let elsewhere = WeyaClient::new(config)
        .unwrap()
        .list_phones()
        .await
        .unwrap_err();
    assert_eq!(elsewhere.status(), Some(404));
}

/// A stand-in server on loopback, for answers the sandbox never gives.
async fn stand_in(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn client_for(url: &str, timeout: Duration) -> WeyaClient {
    let mut config = ClientConfig::new(url, Auth::ApiKey(SecretString::from("k")));
    config.user_id = Some("u".into());
    config.timeout = timeout;
    WeyaClient::new(config).unwrap()
}

#[tokio::test]
async fn an_html_error_page_becomes_status_request_id_and_a_clean_excerpt() {
    let url = stand_in(Router::new().route(
        "/api/call/createBatch",
        post(|| async {
            (
                StatusCode::BAD_GATEWAY,
                [("x-request-id", "req-42"), ("content-type", "text/html")],
                "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
            )
        }),
    ))
    .await;
    let err = client_for(&url, Duration::from_secs(5))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("req-42"));
    let text = err.to_string();
    assert!(
        text.contains("502 Bad Gateway") && !text.contains('<'),
        "{text}"
    );
}

#[tokio::test]
async fn a_success_status_with_a_non_json_body_is_unexpected() {
    let url = stand_in(Router::new().route("/api/call/createBatch", post(|| async { "OK" }))).await;
    let err = client_for(&url, Duration::from_secs(5))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Unexpected { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_server_times_out_with_an_unknown_outcome() {
    let url = stand_in(Router::new().route(
        "/api/call/createBatch",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        }),
    ))
    .await;
    let err = client_for(&url, Duration::from_millis(300))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::Network {
                kind: NetworkFailure::Timeout { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("did not answer"), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_said_in_words() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = client_for(&url, Duration::from_secs(5))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::Network {
                kind: NetworkFailure::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown(), "nothing was sent");
}

#[tokio::test]
async fn a_connection_dropped_after_the_request_is_an_unknown_outcome() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let _ = socket.shutdown().await;
    });
    let err = client_for(&url, Duration::from_secs(5))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::Network {
                kind: NetworkFailure::Dropped,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
}

/// Headers came, then the body dripped past the timeout: a timeout said
/// as one, not a dropped connection (from a hostile trial).
#[tokio::test]
async fn a_body_that_drips_past_the_timeout_is_a_timeout_not_a_drop() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{";
        let _ = socket.write_all(head.as_bytes()).await;
        // Holds the connection open, sending nothing more.
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let err = client_for(&url, Duration::from_millis(500))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::Network {
                kind: NetworkFailure::Timeout { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn an_oversized_answer_is_refused_unread() {
    let big = "x".repeat(weya_tui::api::client::MAX_BODY_BYTES + 1);
    let url = stand_in(Router::new().route(
        "/api/call/phones/u",
        get(move || {
            let big = big.clone();
            async move { big.into_response() }
        }),
    ))
    .await;
    let err = client_for(&url, Duration::from_secs(5))
        .list_phones()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_failed_tls_handshake_is_said_in_words() {
    // The sandbox speaks plain HTTP: asking it for TLS fails the handshake.
    let sandbox = Sandbox::start(0).await.unwrap();
    let url = format!("https://{}", sandbox.addr());
    let err = client_for(&url, Duration::from_secs(5))
        .create_batch(&request("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ApiError::Network {
                kind: NetworkFailure::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("TLS handshake failed"), "{err}");
    assert_eq!(sandbox.store().create_requests(), 0);
}

/// What a server was sent: method, path, the credential header, the body.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    api_key: Option<String>,
    body: String,
}

type Log = std::sync::Arc<std::sync::Mutex<Vec<Received>>>;

/// A server on `ip` that records every request and answers each as Weya's
/// createBatch would (201 and a fresh-looking ID): were a redirect followed
/// to it, the client would believe the batch was created.
async fn recorder(ip: &str) -> (String, Log) {
    let log = Log::default();
    let seen = log.clone();
    let router = Router::new().fallback(
        move |method: axum::http::Method,
              uri: axum::http::Uri,
              headers: axum::http::HeaderMap,
              body: String| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(Received {
                    method: method.to_string(),
                    path: uri.path().to_owned(),
                    api_key: headers
                        .get("x-api-key")
                        .map(|v| v.to_str().unwrap().to_owned()),
                    body,
                });
                (
                    StatusCode::CREATED,
                    r#"{"status":true,"code":201,"data":"64e5f12345abcdef98765432"}"#,
                )
            }
        },
    );
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, log)
}

/// A server on 127.0.0.1 that answers every request with `status` and a
/// `Location` of the same path under `to`.
async fn redirector(status: u16, to: String) -> String {
    let router = Router::new().fallback(move |uri: axum::http::Uri| {
        let to = to.clone();
        async move {
            (
                StatusCode::from_u16(status).unwrap(),
                [("location", format!("{to}{}", uri))],
            )
        }
    });
    stand_in(router).await
}

const KEY: &str = "sk_live_redirect_must_not_carry_me";

fn keyed_client(url: &str) -> WeyaClient {
    let mut config = ClientConfig::new(url, Auth::ApiKey(SecretString::from(KEY)));
    config.user_id = Some("u".into());
    WeyaClient::new(config).unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_the_key_never_leaves() {
    let (stranger, received) = recorder("127.0.0.2").await;
    let stranger_host = stranger.trim_start_matches("http://").to_owned();
    for status in [301, 302, 303, 307, 308] {
        let origin = redirector(status, stranger.clone()).await;
        let client = keyed_client(&origin);
        let results = [
            (
                "createBatch",
                client.create_batch(&request("Elsewhere")).await.map(|_| ()),
            ),
            ("the phone list", client.list_phones().await.map(|_| ())),
            (
                "the batch list",
                client
                    .list_batches(&BatchQuery::default())
                    .await
                    .map(|_| ()),
            ),
        ];
        for (what, result) in results {
            let err = result.expect_err(&format!("{status} on {what} is not followed"));
            assert_eq!(err.status(), Some(status), "{what}: {err:?}");
            let text = err.to_string();
            assert!(
                text.contains(&stranger_host) && text.contains("/api/call/"),
                "{status} on {what}: the error names the Location: {text}"
            );
            assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));
        }
    }
    let received = received.lock().unwrap();
    assert!(
        received.is_empty(),
        "the other host got nothing, so neither the key nor the body: {received:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_another_port_or_scheme_of_the_same_host_is_refused_too() {
    let (other_port, received) = recorder("127.0.0.1").await;
    let origin = redirector(307, other_port.clone()).await;
    assert!(keyed_client(&origin).list_phones().await.is_err());
    let https = other_port.replace("http://", "https://");
    let origin = redirector(308, https).await;
    assert!(keyed_client(&origin).list_phones().await.is_err());
    assert!(received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_is_followed_with_the_key_and_body() {
    let log = Log::default();
    let seen = log.clone();
    let router = Router::new()
        .route(
            "/api/call/createBatch",
            post(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [("location", "/v2/api/call/createBatch")],
                )
            }),
        )
        .route(
            "/v2/api/call/createBatch",
            post(move |headers: axum::http::HeaderMap, body: String| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(Received {
                        method: "POST".into(),
                        path: "/v2/api/call/createBatch".into(),
                        api_key: headers
                            .get("x-api-key")
                            .map(|v| v.to_str().unwrap().to_owned()),
                        body,
                    });
                    (
                        StatusCode::CREATED,
                        r#"{"status":true,"code":201,"data":"64e5f12345abcdef98765432"}"#,
                    )
                }
            }),
        );
    let url = stand_in(router).await;
    let created = keyed_client(&url)
        .create_batch(&request("Moved"))
        .await
        .unwrap();
    assert_eq!(created.batch_id, "64e5f12345abcdef98765432");
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].api_key.as_deref(), Some(KEY));
    assert_eq!(log[0].body, request("Moved").to_body());
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("POST", "/v2/api/call/createBatch")
    );
}

/// createBatch answering 201 with `data` as given (raw JSON).
async fn created_with_data(data: &'static str) -> String {
    let body = format!(
        r#"{{"message":"Batch created successfully","status":true,"code":201,"errorMessage":"","data":{data}}}"#
    );
    stand_in(Router::new().route(
        "/api/call/createBatch",
        post(move || {
            let body = body.clone();
            async move { (StatusCode::CREATED, [("x-request-id", "req-7")], body) }
        }),
    ))
    .await
}

#[tokio::test]
async fn a_201_without_a_24_hex_id_is_an_unknown_outcome() {
    for data in [
        r#""""#,
        r#""abc""#,
        r#""\u001b[2J\u001b]0;pwned\u0007""#,
        r#""64e5f12345abcdef9876543""#,
        r#""64e5f12345abcdef98765432 ""#,
    ] {
        let url = created_with_data(data).await;
        let err = client_for(&url, Duration::from_secs(5))
            .create_batch(&request("x"))
            .await
            .expect_err(&format!("data {data} is not a batch ID"));
        assert!(err.outcome_unknown(), "{data}: {err:?}");
        assert_eq!(err.status(), Some(201));
        assert_eq!(err.request_id(), Some("req-7"));
        let text = err.to_string();
        assert!(text.contains("batch ID"), "{text}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}

#[tokio::test]
async fn a_2xx_too_large_to_read_is_an_unknown_outcome_not_a_failure() {
    let big = "x".repeat(weya_tui::api::client::MAX_BODY_BYTES + 1);
    let declared = big.clone();
    let router = Router::new()
        // Content-Length says it is too large: refused before reading.
        .route(
            "/api/call/createBatch",
            post(move || {
                let big = declared.clone();
                async move { (StatusCode::CREATED, big) }
            }),
        )
        // No Content-Length: refused once the cap is crossed.
        .route(
            "/chunked/api/call/createBatch",
            post(move || {
                let big = big.clone();
                async move {
                    let chunks = futures::stream::iter(
                        big.into_bytes()
                            .chunks(64 * 1024)
                            .map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(c)))
                            .collect::<Vec<_>>(),
                    );
                    (StatusCode::CREATED, axum::body::Body::from_stream(chunks))
                }
            }),
        );
    let url = stand_in(router).await;
    for base in [url.clone(), format!("{url}/chunked")] {
        let err = client_for(&base, Duration::from_secs(5))
            .create_batch(&request("x"))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::TooLarge { .. }), "{base}: {err:?}");
        assert!(
            err.outcome_unknown(),
            "{base}: a 201 may have made it: {err:?}"
        );
        assert_eq!(err.status(), Some(201), "{base}");
    }
}
