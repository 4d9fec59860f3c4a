//! The sandbox's campaign endpoints, its simulated dialer and its saved
//! state: each documented error answer over loopback HTTP, the dialer on a
//! controlled clock, persistence across runs, and `weya-tui sandbox --reset`.

use crate::common;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};

use weya_tui::api::{BatchSummary, Call, CallQuery};
use weya_tui::sandbox::persist::STATE_FILE;
use weya_tui::sandbox::{
    CallStep, Clock, DialerConfig, EXAMPLE_PREFIX, IN_PROGRESS, MAX_CATCH_UP, SANDBOX_USER_ID,
    Sandbox, SandboxOptions,
};

/// Thursday 15 Jan 2026, 10:00 in New York.
fn thursday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap()
}

async fn sandbox_at(start: DateTime<Utc>, dialer: DialerConfig) -> Sandbox {
    Sandbox::start_with(
        0,
        SandboxOptions {
            clock: Clock::Manual { start },
            dialer,
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap()
}

/// A batch dialled Mon–Fri 09:00–17:00 in New York with `n` contacts.
fn batch_with_calls(sandbox: &Sandbox, n: usize, retry: u32, delay: u32) -> String {
    let store = sandbox.store();
    let id = store.insert(
        "Dialer test".into(),
        json!({"batchName": "Dialer test", "callingNumbers": ["64e5f12345abcdef87654321"],
            "retry": retry, "delay": delay, "timezone": "America/New_York",
            "callingHour": {"start": "09:00", "end": "17:00"}, "allowedDays": [1, 2, 3, 4, 5]}),
    );
    let rows = (0..n)
        .map(|i| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415555{i:04}")));
            row.insert("name".into(), json!(format!("Contact {i}")));
            row
        })
        .collect();
    store.add_calls(&id, rows, None).unwrap();
    id
}

fn summary(sandbox: &Sandbox, id: &str) -> BatchSummary {
    sandbox.store().batch(id).unwrap().summary()
}

fn calls(sandbox: &Sandbox, id: &str) -> Vec<Call> {
    let batch = sandbox.store().batch(id).unwrap();
    batch.calls.iter().map(|c| c.to_call()).collect()
}

/// How many calls the dialer has tried (picked up or not).
fn dialled(sandbox: &Sandbox, id: &str) -> usize {
    calls(sandbox, id)
        .iter()
        .filter(|c| !c.phone_logs.is_empty())
        .count()
}

/// How many calls someone answered, as batch-details shows them: an
/// attempt completed, or the one on the line is (the dialer knows).
fn answered(sandbox: &Sandbox, id: &str) -> u64 {
    let batch = sandbox.store().batch(id).unwrap();
    batch.calls.iter().filter(|c| c.answered()).count() as u64
}

// ---- the dialer, on a clock the test moves ----

#[tokio::test]
async fn after_30_seconds_of_dialing_60_calls_were_picked_and_then_all_finish() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 100, 0, 60);
    sandbox.advance(Duration::from_secs(30));
    assert_eq!(dialled(&sandbox, &id), 0, "not started yet");

    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(30));
    let after_30 = summary(&sandbox, &id);
    assert_eq!(after_30.queue_status, "active");
    assert_eq!(dialled(&sandbox, &id), 60, "2 calls a second for 30 s");
    assert!(after_30.calls_completed.unwrap() > 0, "{after_30:?}");
    // callsPicked is what Weya's page says: picked up, answered.
    assert_eq!(after_30.calls_picked, Some(answered(&sandbox, &id)));
    assert!(after_30.calls_picked.unwrap() < 60, "{after_30:?}");

    sandbox.advance(Duration::from_secs(60));
    let done = summary(&sandbox, &id);
    assert_eq!(done.queue_status, "completed", "nothing left");
    assert_eq!(dialled(&sandbox, &id), 100);
    assert_eq!(done.calls_picked, done.calls_completed, "none on the line");
    let calls = calls(&sandbox, &id);
    assert!(calls.iter().all(|c| c.phone_logs.len() == 1), "no retries");
    let statuses: std::collections::BTreeSet<_> = calls.iter().filter_map(Call::status).collect();
    assert!(statuses.is_subset(&["busy", "completed", "failed", "no-answer"].into()));
    assert!(statuses.len() >= 3, "a plausible mix: {statuses:?}");
    let answered = calls
        .iter()
        .filter(|c| c.status() == Some("completed"))
        .count();
    assert_eq!(answered as u64, done.calls_completed.unwrap());
    assert!((30..=80).contains(&answered), "{answered} of 100 answered");
}

#[tokio::test]
async fn the_same_seed_dials_the_same_way_however_time_is_sliced() {
    let outcomes = |sandbox: &Sandbox, id: &str| -> Vec<(String, Option<f64>, Option<String>)> {
        calls(sandbox, id)
            .iter()
            .flat_map(|c| c.phone_logs.clone())
            .map(|l| {
                let text = l.transcript_text();
                (l.call_status, l.call_duration, text)
            })
            .collect()
    };
    let one = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let a = batch_with_calls(&one, 30, 2, 20);
    one.store().switch(&a, true);
    one.advance(Duration::from_secs(120));

    let other = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let b = batch_with_calls(&other, 30, 2, 20);
    other.store().switch(&b, true);
    for _ in 0..480 {
        other.advance(Duration::from_millis(250));
    }
    assert_eq!(outcomes(&one, &a), outcomes(&other, &b));

    let reseeded = sandbox_at(
        thursday_morning(),
        DialerConfig {
            seed: 99,
            ..DialerConfig::default()
        },
    )
    .await;
    let c = batch_with_calls(&reseeded, 30, 2, 20);
    reseeded.store().switch(&c, true);
    reseeded.advance(Duration::from_secs(120));
    assert_ne!(outcomes(&one, &a), outcomes(&reseeded, &c));
}

#[tokio::test]
async fn a_failed_call_is_retried_after_the_delay_and_no_more_than_retry_times() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 20, 2, 60);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(600));
    assert_eq!(summary(&sandbox, &id).queue_status, "completed");
    let calls = calls(&sandbox, &id);
    assert!(
        calls.iter().any(|c| c.phone_logs.len() > 1),
        "some call was retried"
    );
    for call in &calls {
        let logs = &call.phone_logs;
        assert!((1..=3).contains(&logs.len()), "{logs:?}");
        let answered_at = logs.iter().position(|l| l.call_status == "completed");
        match answered_at {
            Some(i) => assert_eq!(i, logs.len() - 1, "nothing after an answer"),
            None => assert_eq!(logs.len(), 3, "every retry was used"),
        }
        for pair in logs.windows(2) {
            let at =
                |l: &weya_tui::api::PhoneLog| DateTime::parse_from_rfc3339(&l.created_at).unwrap();
            let gap = at(&pair[1]) - at(&pair[0]);
            assert!(gap.num_seconds() >= 60, "retried after {gap}");
        }
    }
}

#[tokio::test]
async fn stop_halts_new_calls_and_lets_calls_on_the_line_finish() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 50, 0, 60);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(5));
    let on_line = |s: &Sandbox| {
        s.store()
            .batch(&id)
            .unwrap()
            .calls
            .iter()
            .filter(|c| matches!(c.next, CallStep::OnCall { .. }))
            .count()
    };
    assert!(on_line(&sandbox) > 0, "some calls are in progress");
    sandbox.store().switch(&id, false);
    let picked = dialled(&sandbox, &id);
    sandbox.advance(Duration::from_secs(60));
    let after = summary(&sandbox, &id);
    assert_eq!(dialled(&sandbox, &id), picked, "nothing new was dialled");
    assert_eq!(after.queue_status, "stopped");
    assert_eq!(on_line(&sandbox), 0, "the calls in progress finished");
    assert!(
        calls(&sandbox, &id)
            .iter()
            .all(|c| c.status() != Some(IN_PROGRESS))
    );
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(5));
    assert!(dialled(&sandbox, &id) > picked, "start resumes");
}

#[tokio::test]
async fn the_dialer_keeps_to_the_window_unless_told_to_ignore_it() {
    // Friday 16 Jan 2026, 16:59:30 in New York: 30 s of window left.
    let friday_late = Utc.with_ymd_and_hms(2026, 1, 16, 21, 59, 30).unwrap();
    let sandbox = sandbox_at(friday_late, DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 200, 0, 60);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(120));
    // A call every half second from 16:59:30.5 to 16:59:59.5; 17:00 is
    // outside the window.
    assert_eq!(
        dialled(&sandbox, &id),
        59,
        "dialled until 17:00 and no longer"
    );

    // Saturday noon: not an allowed day.
    let saturday = Utc.with_ymd_and_hms(2026, 1, 17, 17, 0, 0).unwrap();
    let closed = sandbox_at(saturday, DialerConfig::default()).await;
    let id = batch_with_calls(&closed, 10, 0, 60);
    closed.store().switch(&id, true);
    closed.advance(Duration::from_secs(60));
    let waiting = summary(&closed, &id);
    assert_eq!(
        (dialled(&closed, &id), waiting.queue_status.as_str()),
        (0, "active")
    );

    let demo = sandbox_at(
        saturday,
        DialerConfig {
            ignore_window: true,
            ..DialerConfig::default()
        },
    )
    .await;
    let id = batch_with_calls(&demo, 10, 0, 60);
    demo.store().switch(&id, true);
    demo.advance(Duration::from_secs(60));
    assert_eq!(summary(&demo, &id).queue_status, "completed");
}

#[tokio::test(start_paused = true)]
async fn the_running_server_dials_on_tokio_time() {
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions {
            clock: Clock::Tokio {
                start: thursday_morning(),
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let id = batch_with_calls(&sandbox, 100, 0, 60);
    sandbox.store().switch(&id, true);
    tokio::time::sleep(Duration::from_millis(30_100)).await;
    assert_eq!(dialled(&sandbox, &id), 60);
    assert_eq!(
        sandbox.now(),
        thursday_morning() + chrono::Duration::milliseconds(30_100)
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(summary(&sandbox, &id).queue_status, "completed");
}

// ---- the endpoints' answers, over HTTP ----

struct Raw {
    http: reqwest::Client,
    base: String,
    key: String,
    token: String,
}

impl Raw {
    fn new(sandbox: &Sandbox) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sandbox.base_url(),
            key: sandbox.key().expose_secret().to_owned(),
            token: sandbox.token().expose_secret().to_owned(),
        }
    }

    /// Authed: both headers, so each endpoint finds the one its page
    /// documents (which one each takes is `sandbox::auth`'s test).
    async fn send(&self, request: reqwest::RequestBuilder, authed: bool) -> (u16, Value) {
        let request = if authed {
            request
                .header("x-api-key", &self.key)
                .bearer_auth(&self.token)
        } else {
            request
        };
        let response = request.send().await.unwrap();
        assert!(
            response.headers().contains_key("x-request-id"),
            "every answer has a request ID"
        );
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)), true)
            .await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.http.post(format!("{}{path}", self.base)).json(&body),
            true,
        )
        .await
    }
}

/// Asserts an error envelope: status, `status:false`, `code`, a message.
fn assert_error(answer: (u16, Value), status: u16, says: &str) {
    let (got, body) = answer;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["status"], false, "{body}");
    assert_eq!(body["code"], status, "{body}");
    let message = body["errorMessage"].as_str().unwrap();
    assert!(message.contains(says), "{message:?} should say {says:?}");
}

#[tokio::test]
async fn batch_details_answers_each_bad_query_with_the_envelope() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 3, 0, 60);
    let raw = Raw::new(&sandbox);
    let path = format!("/api/call/batch-details/{id}");
    let (status, ok) = raw.get(&format!("{path}?page=1&limit=2")).await;
    assert_eq!(status, 200);
    assert_eq!(ok["data"]["total"], 3);
    assert_eq!(ok["data"]["batchStatus"], "paused");
    assert_eq!(ok["data"]["data"].as_array().unwrap().len(), 2);

    for (query, says) in [
        ("page=0", "page"),
        ("limit=ten", "limit"),
        ("filter=completed", "filter must be JSON"),
        ("filter=%7B%22status%22%3A%22x%22%7D", "callStatus only"),
        ("filter=%7B%22callStatus%22%3A3%7D", "filter.callStatus"),
        ("sortBy=name", "sortBy"),
        ("sortOrder=up", "sortOrder"),
    ] {
        assert_error(raw.get(&format!("{path}?{query}")).await, 400, says);
    }
    assert_error(
        raw.get("/api/call/batch-details/not-an-id").await,
        400,
        "Invalid batch ID",
    );
    assert_error(
        raw.get("/api/call/batch-details/64e5f12345abcdef00000000")
            .await,
        404,
        "Batch not found",
    );
    let bare = raw
        .send(raw.http.get(format!("{}{path}", raw.base)), false)
        .await;
    // batch-details is a Bearer page: 401, as Weya documents a missing token.
    assert_error(bare, 401, "Token missing");
}

#[tokio::test]
async fn start_and_stop_answer_each_documented_error() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 3, 0, 60);
    let raw = Raw::new(&sandbox);
    for path in ["/api/call/start-calling", "/api/call/stop-calling"] {
        let body = |batch: &str, user: &str| json!({"batchId": batch, "userId": user});
        assert_error(
            raw.post(path, json!({"userId": SANDBOX_USER_ID})).await,
            400,
            "batchId is required",
        );
        assert_error(
            raw.post(path, body("x", SANDBOX_USER_ID)).await,
            400,
            "batchId must be an ID",
        );
        assert_error(
            raw.post(path, json!({"batchId": id})).await,
            400,
            "userId is required",
        );
        assert_error(
            raw.post(path, body(&id, "64e5f12345abcdef00000000")).await,
            404,
            "User not found",
        );
        assert_error(
            raw.post(path, body("64e5f12345abcdef00000000", SANDBOX_USER_ID))
                .await,
            404,
            "Batch not found",
        );
        let unauthenticated = raw
            .send(
                raw.http
                    .post(format!("{}{path}", raw.base))
                    .json(&body(&id, SANDBOX_USER_ID)),
                false,
            )
            .await;
        assert_error(unauthenticated, 401, "Token missing");
    }
    let (status, started) = raw
        .post(
            "/api/call/start-calling",
            json!({"batchId": id, "userId": SANDBOX_USER_ID, "uuid": "ignored"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(started["data"], json!({"batchId": id, "status": "started"}));
    assert_eq!(
        sandbox.store().batch(&id).unwrap().summary().queue_status,
        "active"
    );
}

#[tokio::test]
async fn delete_answers_in_its_own_envelope() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 3, 0, 60);
    let raw = Raw::new(&sandbox);
    let delete = |path: String, authed: bool| {
        raw.send(raw.http.delete(format!("{}{path}", raw.base)), authed)
    };
    let path = format!("/api/call/delete-batch/{id}");
    assert_eq!(
        delete(path.clone(), false).await,
        (
            401,
            json!({"success": false, "message": "Token missing: this endpoint requires Authorization: Bearer"})
        )
    );
    assert_eq!(
        delete("/api/call/delete-batch/xyz".into(), true).await.0,
        400
    );
    assert_eq!(
        delete(path.clone(), true).await,
        (200, json!({"success": true, "message": "Batch deleted"}))
    );
    assert_eq!(
        delete(path, true).await,
        (404, json!({"success": false, "message": "Batch not found"}))
    );
    assert!(sandbox.store().batch(&id).is_none());
}

#[tokio::test]
async fn add_calls_answers_each_bad_body_with_a_400_naming_it() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 1, 0, 60);
    let raw = Raw::new(&sandbox);
    let path = "/api/call/addCallsToBatch";
    let with = |rows: Value| json!({"batchId": id, "call_data": rows});
    for (body, says) in [
        (
            json!({"call_data": [{"phoneNumber": "12125550100"}]}),
            "batchId is required",
        ),
        (with(json!({})), "call_data must be an array"),
        (with(json!([])), "at least one call"),
        (json!({"batchId": id}), "call_data is required"),
        (
            with(json!(["12125550100"])),
            "call_data[0] must be an object",
        ),
        (
            with(json!([{"phoneNumber": "12125550100"}, {"name": "x"}])),
            "call_data[1].phoneNumber is required",
        ),
        (
            with(json!([{"phoneNumber": "call me"}])),
            "call_data[0].phoneNumber must be digits",
        ),
        (
            with(json!([{"phoneNumber": "12125550100", "_id": "x"}])),
            "call_data[0]._id is set by the server",
        ),
    ] {
        assert_error(raw.post(path, body).await, 400, says);
    }
    let huge = "x".repeat(33 * 1024 * 1024);
    assert_error(
        raw.post(
            path,
            with(json!([{"phoneNumber": "12125550100", "note": huge}])),
        )
        .await,
        413,
        "too large",
    );
    let (status, ok) = raw
        .post(
            path,
            with(json!([{"phoneNumber": "+442079460958", "name": "Ada", "plan": "Plus"}])),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ok["data"]["added"], 1);
    let stored = sandbox.store().batch(&id).unwrap();
    let added = stored.calls.last().unwrap();
    assert_eq!(added.phone_number, "+442079460958");
    assert_eq!(
        added.fields.keys().collect::<Vec<_>>(),
        ["name", "plan"],
        "phoneNumber becomes its own field; the rest keep their order"
    );
}

// ---- state kept between runs ----

async fn start_in(dir: &Path) -> Sandbox {
    Sandbox::start_with(0, SandboxOptions::app(Some(dir.to_owned())))
        .await
        .unwrap()
}

#[tokio::test]
async fn batches_and_calls_survive_a_restart_and_the_key_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_in(dir.path()).await;
    let examples = first.store().batches();
    assert_eq!(examples.len(), 4, "a first start has the examples");
    assert!(examples.iter().all(|b| b.name.starts_with(EXAMPLE_PREFIX)));
    assert!(first.store().is_example(&examples[0].id));
    let id = batch_with_calls(&first, 5, 1, 60);
    first.store().switch(&id, true);
    let key = first.key().expose_secret().to_owned();
    let file = first.state_file().unwrap();
    assert_eq!(file, dir.path().join(STATE_FILE));

    // Saved off the request path, a moment after the change.
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains(&id)) {
        assert!(tokio::time::Instant::now() < deadline, "never saved");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(first);

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(&key), "the key is never saved");
    let second = start_in(dir.path()).await;
    assert_ne!(second.key().expose_secret(), key, "a fresh key each run");
    let batches = second.store().batches();
    assert_eq!(batches.len(), 5, "the examples are not seeded twice");
    let restored = second.store().batch(&id).unwrap();
    assert_eq!(restored.calls.len(), 5);
    assert_eq!(restored.summary().queue_status, "active");
    assert_eq!(
        restored.calls[0].fields.keys().collect::<Vec<_>>(),
        ["name"]
    );
    assert!(second.store().is_example(&examples[0].id));
    let details = second.store().details(&id, &CallQuery::default()).unwrap();
    assert_eq!(details.total, 5);
}

#[tokio::test]
async fn the_last_change_is_saved_when_the_sandbox_stops() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_in(dir.path()).await;
    let id = sandbox
        .store()
        .insert("Just before the end".into(), json!({}));
    drop(sandbox);
    let text = std::fs::read_to_string(dir.path().join(STATE_FILE)).unwrap();
    assert!(text.contains(&id) && text.contains("Just before the end"));
}

#[tokio::test]
async fn reset_clears_the_saved_state_and_an_unreadable_one_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_in(dir.path()).await;
    let old: Vec<String> = sandbox
        .store()
        .batches()
        .into_iter()
        .map(|b| b.id)
        .collect();
    drop(sandbox);
    assert!(weya_tui::sandbox::persist::reset(dir.path()).unwrap());
    assert!(
        !weya_tui::sandbox::persist::reset(dir.path()).unwrap(),
        "nothing left"
    );
    let fresh = start_in(dir.path()).await;
    let ids: Vec<String> = fresh.store().batches().into_iter().map(|b| b.id).collect();
    assert_eq!(ids.len(), 4, "the examples again");
    assert!(ids.iter().all(|id| !old.contains(id)), "new ones");
    drop(fresh);

    std::fs::write(dir.path().join(STATE_FILE), "{\"version\":1,\"batc").unwrap();
    let recovered = start_in(dir.path()).await;
    let note = recovered.note().unwrap();
    assert!(note.contains("started afresh"), "{note}");
    assert_eq!(recovered.store().batches().len(), 4);
    let aside = dir.path().join(format!("{STATE_FILE}.unreadable"));
    assert_eq!(
        std::fs::read_to_string(aside).unwrap(),
        "{\"version\":1,\"batc",
        "kept, not destroyed"
    );
}

#[test]
fn the_sandbox_command_resets_the_state_the_app_keeps() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state/weya-tui/sandbox");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join(STATE_FILE), r#"{"version":1,"batches":[]}"#).unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_weya-tui"))
            .args(["sandbox", "--reset"])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Removed the sandbox's batches and calls"),
        "{text}"
    );
    assert!(!state.join(STATE_FILE).exists());
    let again = String::from_utf8_lossy(&run().stdout).into_owned();
    assert!(
        again.starts_with("The sandbox had nothing saved"),
        "{again}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_given_ignore_window_says_when_the_running_sandbox_keeps_the_windows() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state/weya-tui/sandbox");
    // This process owns the sandbox, its dialer keeping the windows.
    let owner = start_in(&state).await;
    let run_as = |flags: &[&str], command: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_weya-tui"))
            .args(flags)
            .args(command)
            .env_remove("WEYA_API_KEY")
            .env_remove("WEYA_TOKEN")
            .env_remove("WEYA_BASE_URL")
            .env_remove("WEYA_USER_ID")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let run = |flags: &[&str]| run_as(flags, &["batch", "view", "Example: June renewals"]);
    let out = run(&["--ignore-window"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "weya-tui: warning: the sandbox is run by another weya-tui (PID {}) without \
             --ignore-window: the dialer keeps calling windows",
            std::process::id()
        )),
        "{err}"
    );
    assert_eq!(
        err.matches("warning: the sandbox is run by another")
            .count(),
        1,
        "said once: {err}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Example: "),
        "the command still did its work"
    );
    // A command the calling window does not matter to says nothing of it.
    let listed = run_as(&["--ignore-window"], &["batches"]);
    assert_eq!(listed.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&listed.stderr).contains("--ignore-window"),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let agreeing = run(&[]);
    assert!(
        !String::from_utf8_lossy(&agreeing.stderr).contains("--ignore-window"),
        "no word when the settings agree"
    );
    drop(owner);
}

// ---- a confirmed request is stored, even if the process dies next ----

/// Row `i`'s number: unique across 100,000 rows.
fn number_of_row(i: usize) -> String {
    format!("1212{:03}{:04}", 200 + i / 10_000, i % 10_000)
}

/// The import journal's confirmed requests: how many rows they hold
/// (they are confirmed in order, so these are the file's first rows).
fn confirmed_rows(imports: &Path) -> Option<(usize, u64)> {
    let journal = std::fs::read_dir(imports)
        .ok()?
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))?;
    let journal: Value = serde_json::from_slice(&std::fs::read(journal).ok()?).ok()?;
    let confirmed: Vec<&Value> = journal["requests"]
        .as_array()?
        .iter()
        .filter(|r| r["state"] == "confirmed")
        .collect();
    let rows = confirmed.iter().map(|r| r["rows"].as_u64().unwrap()).sum();
    Some((confirmed.len(), rows))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_confirmed_row_is_in_the_sandbox_after_the_importing_process_is_killed_9() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state/weya-tui/sandbox");
    let imports = home.path().join("state/weya-tui/imports");
    let sandbox = start_in(&state).await;
    let batch = sandbox.store().insert(
        "Kill test".into(),
        json!({"batchName": "Kill test", "callingNumbers": ["64e5f12345abcdef87654321"]}),
    );
    drop(sandbox);
    let mut csv = String::from("name,phone\n");
    for i in 1..=30_000 {
        csv.push_str(&format!("Contact {i},{}\n", number_of_row(i)));
    }
    let file = home.path().join("contacts.csv");
    std::fs::write(&file, csv).unwrap();

    // The importing process runs the sandbox itself: no credentials.
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_weya-tui"))
        .args(["batch", "import", &batch])
        .arg(&file)
        .args(["--region", "US", "--yes"])
        .env_remove("WEYA_API_KEY")
        .env_remove("WEYA_TOKEN")
        .env_remove("WEYA_BASE_URL")
        .env_remove("WEYA_USER_ID")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Checking 30,000 rows in a debug build before the first request takes
    // over 30 s on two loaded cores; a passing run waits only that long.
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    while confirmed_rows(&imports).is_none_or(|(requests, _)| requests < 3) {
        assert!(std::time::Instant::now() < deadline, "no request confirmed");
        assert!(import.try_wait().unwrap().is_none(), "the import ended");
        std::thread::sleep(Duration::from_millis(2));
    }
    import.kill().unwrap(); // SIGKILL: no way out, no last save
    import.wait().unwrap();
    let (requests, rows) = confirmed_rows(&imports).unwrap();
    assert!(requests < 30, "killed before the end");

    let after = start_in(&state).await;
    let numbers: std::collections::HashSet<String> = after
        .store()
        .batch(&batch)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.phone_number.clone())
        .collect();
    let missing = (1..=rows as usize)
        .filter(|i| !numbers.contains(&number_of_row(*i)))
        .count();
    assert_eq!(
        missing,
        0,
        "{requests} requests ({rows} rows) were confirmed; the sandbox holds {}",
        numbers.len()
    );
}

// ---- the examples ----

#[tokio::test]
async fn an_example_started_at_any_hour_of_any_day_dials_at_once() {
    // Sunday 18 Jan 2026 from 00:00 UTC, every 5 hours for a week: nights,
    // weekends and weekdays, in every timezone's sense.
    for step in 0..34 {
        let start =
            Utc.with_ymd_and_hms(2026, 1, 18, 0, 0, 0).unwrap() + chrono::Duration::hours(5 * step);
        let sandbox = Sandbox::start_with(
            0,
            SandboxOptions {
                examples: true,
                clock: Clock::Manual { start },
                ..SandboxOptions::default()
            },
        )
        .await
        .unwrap();
        let paused: Vec<_> = sandbox
            .store()
            .batches()
            .into_iter()
            .filter(|b| b.summary().queue_status == "paused")
            .collect();
        let dialled = paused.iter().any(|b| {
            sandbox.store().switch(&b.id, true);
            sandbox.advance(Duration::from_secs(5));
            summary(&sandbox, &b.id).calls_picked.unwrap() > 0
        });
        assert!(dialled, "no example to start dials at {start}");
    }
}

#[test]
fn ignore_window_is_a_global_option_for_the_embedded_sandbox_and_refused_for_a_real_api() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], remote: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_weya-tui"));
        cmd.args(args)
            .env_remove("WEYA_API_KEY")
            .env_remove("WEYA_TOKEN")
            .env_remove("WEYA_BASE_URL")
            .env_remove("WEYA_USER_ID")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .stdin(std::process::Stdio::null());
        if remote {
            cmd.env("WEYA_BASE_URL", "http://127.0.0.1:9")
                .env("WEYA_API_KEY", "sk_test_0123456789abcdef");
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["--ignore-window", "batches"], false);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("Example: "), "{out}");
    let (code, _, err) = run(&["batches", "--ignore-window"], true);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--ignore-window applies to the embedded sandbox only"),
        "{err}"
    );
    let (code, _, _) = run(&["batches", "--ignore-window", "--sandbox"], true);
    assert_eq!(code, Some(0));
    let (_, help, _) = run(&["--help"], false);
    assert!(help.contains("--ignore-window"), "{help}");
}

// ---- as strict as Weya's pages ----

#[tokio::test]
async fn calls_picked_counts_the_calls_answered_not_every_call_dialled() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 40, 2, 5);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(60));
    let raw = Raw::new(&sandbox);
    let (status, list) = raw
        .get(&format!("/api/call/batches/{SANDBOX_USER_ID}"))
        .await;
    assert_eq!(status, 200, "{list}");
    let item = &list["data"]["batches"][0];
    // What batch-details shows: calls with an attempt that completed.
    let (_, details) = raw
        .get(&format!("/api/call/batch-details/{id}?limit=100"))
        .await;
    let calls = details["data"]["data"].as_array().unwrap();
    let answered = calls
        .iter()
        .filter(|c| {
            c["phoneLogs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["callStatus"] == "completed")
        })
        .count();
    let attempts: usize = calls
        .iter()
        .map(|c| c["phoneLogs"].as_array().unwrap().len())
        .sum();
    assert_eq!(item["queue_status"], "completed", "{item}");
    assert_eq!(item["callsPicked"], answered, "{item}");
    assert_eq!(item["callsCompleted"], answered, "{item}");
    assert!(
        answered < 40 && attempts > 40,
        "{answered} answered of {attempts} attempts"
    );
}

#[tokio::test]
async fn search_finds_batches_by_name_or_by_queue_status() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let started = batch_with_calls(&sandbox, 3, 0, 60);
    sandbox.store().switch(&started, true);
    let store = sandbox.store();
    let body = json!({"batchName": "x", "callingNumbers": ["64e5f12345abcdef87654321"]});
    let paused = store.insert("Pausing thoughts".into(), body.clone());
    let other = store.insert("Renewals".into(), body);
    let raw = Raw::new(&sandbox);
    let found = |search: &str| {
        let raw = &raw;
        let path = format!("/api/call/batches/{SANDBOX_USER_ID}?search={search}");
        async move {
            let (status, body) = raw.get(&path).await;
            if status == 404 {
                return Vec::new();
            }
            assert_eq!(status, 200, "{body}");
            body["data"]["batches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("paused").await, [other.clone(), paused.clone()]);
    assert_eq!(found("PAUS").await, [other.clone(), paused.clone()]);
    assert_eq!(found("active").await, [started]);
    assert_eq!(found("renew").await, [other]);
    assert_eq!(found("stopped").await, Vec::<String>::new());
}

#[tokio::test]
async fn a_malformed_user_id_is_a_400_invalid_user_id_format() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 3, 0, 60);
    let raw = Raw::new(&sandbox);
    for path in ["/api/call/batches/not-a-user", "/api/call/phones/5f0c0ffee"] {
        assert_error(raw.get(path).await, 400, "Invalid userId format");
    }
    for path in ["/api/call/start-calling", "/api/call/stop-calling"] {
        let body = json!({"batchId": id, "userId": "nobody"});
        assert_error(raw.post(path, body).await, 400, "Invalid userId format");
    }
    let phone = json!({"userId": "x", "phoneNumber": "14155550100", "integration": "twilio",
        "authToken": "t", "accSId": "s"});
    assert_error(
        raw.post("/api/call/add-phone", phone).await,
        400,
        "Invalid userId format",
    );
    // A well-formed ID of nobody is still "No batches found".
    assert_error(
        raw.get("/api/call/batches/64e5f12345abcdef00000000").await,
        404,
        "No batches found",
    );
}

#[tokio::test]
async fn start_calling_dials_its_call_data_instead_of_the_batch_calls() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let id = batch_with_calls(&sandbox, 10, 0, 60);
    let raw = Raw::new(&sandbox);
    let start = |extra: Value| {
        let mut body = json!({"batchId": id, "userId": SANDBOX_USER_ID});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        raw.post("/api/call/start-calling", body)
    };
    // Each bad part is named, and nothing starts.
    let owned = "64e5f12345abcdef87654322";
    let foreign = "64e5f12345abcdef00000009";
    for (extra, says) in [
        (
            json!({"callData": []}),
            "callData must contain at least one call",
        ),
        (json!({"callData": {}}), "callData must be an array"),
        (
            json!({"callData": [{"phoneNumber": "14155550100"}, {"name": "x"}]}),
            "callData[1].phoneNumber is required",
        ),
        (
            json!({"callData": [{"phoneNumber": "1-415"}]}),
            "callData[0].phoneNumber must be digits",
        ),
        (json!({"callingNumbers": []}), "callingNumbers must contain"),
        (
            json!({"callingNumbers": ["nope"]}),
            "callingNumbers[0] is not a valid phone ID",
        ),
        (
            json!({"callingNumbers": [owned, foreign]}),
            &format!("callingNumbers: {foreign} is not a phone number of this workspace"),
        ),
    ] {
        assert_error(start(extra).await, 400, says);
    }
    assert_eq!(summary(&sandbox, &id).queue_status, "paused");

    // callData: these three calls are dialled, the ten waiting are not.
    let (status, body) = start(json!({"callingNumbers": [owned], "callData": [
        {"phoneNumber": "14155550901", "name": "Ada"},
        {"phoneNumber": "+14155550902"},
        {"phoneNumber": "14155550903", "plan": "Gold"},
    ]}))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "started");
    sandbox.advance(Duration::from_secs(30));
    let calls = calls(&sandbox, &id);
    assert_eq!(calls.len(), 13, "the calls are the batch's now");
    let called: Vec<&str> = calls
        .iter()
        .filter(|c| !c.phone_logs.is_empty())
        .map(|c| c.phone_number.as_str())
        .collect();
    assert_eq!(called, ["14155550901", "+14155550902", "14155550903"]);
    assert_eq!(calls[10].fields["name"], "Ada");
    assert_eq!(summary(&sandbox, &id).queue_status, "completed");

    // A start without callData dials the batch's own calls again.
    let (status, _) = start(json!({})).await;
    assert_eq!(status, 200);
    sandbox.advance(Duration::from_secs(30));
    assert_eq!(dialled(&sandbox, &id), 13);
}

#[tokio::test]
async fn create_batch_refuses_phone_ids_the_workspace_does_not_own_and_names_them() {
    let sandbox = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let raw = Raw::new(&sandbox);
    let (a, b) = ("64e5f12345abcdef0000000a", "64e5f12345abcdef0000000b");
    let body = |ids: &[&str]| json!({"batchName": "Foreign", "callingNumbers": ids});
    assert_error(
        raw.post(
            "/api/call/createBatch",
            body(&["64e5f12345abcdef87654321", a, b]),
        )
        .await,
        400,
        &format!("callingNumbers: {a}, {b} are not phone numbers of this workspace"),
    );
    assert!(sandbox.store().batches().is_empty(), "nothing was created");

    // A number added with add-phone is the workspace's.
    let (status, added) = raw
        .post(
            "/api/call/add-phone",
            json!({"userId": SANDBOX_USER_ID, "phoneNumber": "14155550100",
                "integration": "telnyx", "authToken": "t", "accSId": "s"}),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let new = added["data"]["_id"].as_str().unwrap();
    let (status, created) = raw.post("/api/call/createBatch", body(&[new])).await;
    assert_eq!(status, 201, "{created}");
}

#[tokio::test]
async fn add_phone_registers_a_number_that_the_phone_list_shows_and_a_restart_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_in(dir.path()).await;
    let raw = Raw::new(&sandbox);
    let (token, sid) = ("tok-0f1e2d3c4b5a", "AC-9a8b7c6d5e4f");
    let valid = || {
        json!({"userId": SANDBOX_USER_ID, "phoneNumber": "+14155550100",
            "integration": "plivo", "authToken": token, "accSId": sid})
    };
    let without = |key: &str, value: Value| {
        let mut body = valid();
        body[key] = value;
        body
    };
    for (body, says) in [
        (json!([1]), "must be a JSON object"),
        (
            without("phoneNumber", Value::Null),
            "phoneNumber is required",
        ),
        (
            without("phoneNumber", json!("415-555")),
            "phoneNumber must be digits",
        ),
        (
            without("integration", json!("skype")),
            "integration must be one of plivo, twilio, telnyx",
        ),
        (
            without("integration", json!(7)),
            "integration must be a string",
        ),
        (without("authToken", json!(" ")), "authToken is required"),
        (without("accSId", Value::Null), "accSId is required"),
    ] {
        let answer = raw.post("/api/call/add-phone", body).await;
        let text = answer.1.to_string();
        assert!(!text.contains(token) && !text.contains(sid), "{text}");
        assert_error(answer, 400, says);
    }
    assert_error(
        raw.post(
            "/api/call/add-phone",
            without("userId", json!("64e5f12345abcdef00000000")),
        )
        .await,
        404,
        "User not found",
    );
    let bare = raw
        .send(
            raw.http
                .post(format!("{}/api/call/add-phone", raw.base))
                .json(&valid()),
            false,
        )
        .await;
    assert_error(bare, 401, "Token missing");
    assert_eq!(sandbox.store().phones().len(), 12, "nothing was added");

    let (status, added) = raw.post("/api/call/add-phone", valid()).await;
    assert_eq!(status, 201, "{added}");
    let data = &added["data"];
    let id = data["_id"].as_str().unwrap().to_owned();
    assert!(weya_tui::api::types::is_object_id(&id), "{data}");
    assert_eq!(data["userId"], SANDBOX_USER_ID);
    assert_eq!(data["phoneNumber"], "+14155550100");
    assert_eq!(data["integration"], "plivo");
    assert!(data["createdAt"].as_str().unwrap().ends_with('Z'), "{data}");
    let path = format!("/api/call/phones/{SANDBOX_USER_ID}");
    let phones = raw.get(&path).await.1["data"].as_array().unwrap().clone();
    assert_eq!(phones.len(), 13);
    assert_eq!(phones[12]["_id"], id.as_str());

    // Kept between runs, without the provider's secrets.
    drop(sandbox);
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(token) && !text.contains(sid), "{text}");
    }
    let again = start_in(dir.path()).await;
    let phones = Raw::new(&again).get(&path).await.1["data"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(phones[12]["_id"], id.as_str());
}

// ---- the dialer, a function of time ----

/// A sandbox kept in `dir` on a clock that starts at `start`.
async fn kept_at(dir: &Path, start: DateTime<Utc>) -> Sandbox {
    Sandbox::start_with(
        0,
        SandboxOptions {
            state_dir: Some(dir.to_owned()),
            clock: Clock::Manual { start },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_start_dials_the_time_no_process_ran_as_one_process_would_have() {
    let outcomes = |sandbox: &Sandbox, id: &str| -> Vec<(String, Option<f64>, String)> {
        calls(sandbox, id)
            .iter()
            .flat_map(|c| c.phone_logs.clone())
            .map(|l| (l.call_status, l.call_duration, l.created_at))
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let first = kept_at(dir.path(), thursday_morning()).await;
    let id = batch_with_calls(&first, 200, 2, 30);
    first.store().switch(&id, true);
    first.advance(Duration::from_secs(10));
    assert!(summary(&first, &id).queue_status == "active");
    drop(first); // the command that started it ends

    // An hour later, the next command starts the sandbox again.
    let later = thursday_morning() + chrono::Duration::hours(1);
    let second = kept_at(dir.path(), later).await;
    assert_eq!(summary(&second, &id).queue_status, "completed");
    assert_eq!(dialled(&second, &id), 200);
    let caught = second.caught_up();
    assert_eq!(caught.dialed, Duration::from_secs(3590));
    assert_eq!(caught.skipped, Duration::ZERO);
    assert_eq!(second.now(), later);

    // The same as a sandbox that ran the whole hour.
    let along = sandbox_at(thursday_morning(), DialerConfig::default()).await;
    let same = batch_with_calls(&along, 200, 2, 30);
    along.store().switch(&same, true);
    along.advance(Duration::from_secs(10));
    along.advance(Duration::from_secs(3590));
    assert_eq!(outcomes(&second, &id), outcomes(&along, &same));
}

#[tokio::test]
async fn a_long_absence_is_dialled_for_its_first_24_hours_and_the_rest_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // Friday 16:00 in New York; the window shuts at 17:00 and opens again
    // on Monday.
    let friday = Utc.with_ymd_and_hms(2026, 1, 16, 21, 0, 0).unwrap();
    let first = kept_at(dir.path(), friday).await;
    let id = batch_with_calls(&first, 10_000, 0, 60);
    first.store().switch(&id, true);
    drop(first);

    let started = std::time::Instant::now();
    let three_days_on = friday + chrono::Duration::days(3);
    let second = kept_at(dir.path(), three_days_on).await;
    let caught = second.caught_up();
    assert_eq!(caught.dialed, MAX_CATCH_UP);
    assert_eq!(caught.skipped, Duration::from_secs(2 * 24 * 3600));
    // The hour left of Friday's window at two calls a second (the last
    // would be at 17:00, which is outside it); Monday's window opens after
    // the first 24 hours. The closed hours cost nothing.
    assert_eq!(dialled(&second, &id), 7199);
    assert_eq!(summary(&second, &id).queue_status, "active");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "catching up took {:?}",
        started.elapsed()
    );
}
