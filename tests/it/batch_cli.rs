//! `weya-tui batch view|calls|start|stop|watch|delete`, run as the built binary
//! against the embedded sandbox (or a stand-in) on loopback: output, exit
//! codes, what is sent and what is not, and the journal.

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};

use weya_tui::api::CallQuery;
use weya_tui::sandbox::{Clock, SANDBOX_USER_ID, Sandbox, SandboxOptions};

use crate::common;
use crate::common::cli::{Env, text};

impl Env {
    /// `weya-tui batch ARGS…` against `sandbox`.
    fn batch(&self, sandbox: &Sandbox, args: &[&str]) -> Output {
        self.against(sandbox)
            .arg("batch")
            .args(args)
            .output()
            .unwrap()
    }

    fn history_json(&self) -> Vec<Value> {
        let out = self.cmd().args(["history", "--json"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", text(out)))
}

/// Thursday 15 Jan 2026, 10:00 in New York: inside the batches' window.
async fn sandbox_on_manual_clock() -> Sandbox {
    Sandbox::start_with(
        0,
        SandboxOptions {
            clock: Clock::Manual {
                start: Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap(),
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap()
}

const BODY: &str = r#"{"batchName":"June renewals","callingNumbers":["64e5f12345abcdef87654321"],
 "retry":0,"delay":60,"timezone":"America/New_York",
 "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]}"#;

/// Creates "June renewals" through the binary (so the journal knows it)
/// and gives it `n` contacts with a name and a plan.
fn june_renewals(env: &Env, sandbox: &Sandbox, n: usize) -> String {
    let file = env.path("batch.json");
    std::fs::write(&file, BODY).unwrap();
    let out = env
        .against(sandbox)
        .args(["create", "--yes", "--json", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    let id = json_of(&out)["batchId"].as_str().unwrap().to_owned();
    let rows = (0..n)
        .map(|i| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415555{i:04}")));
            row.insert("name".into(), json!(format!("Contact {i}")));
            row.insert("plan".into(), json!("Family"));
            row
        })
        .collect();
    sandbox.store().add_calls(&id, rows, None).unwrap();
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn view_shows_name_status_progress_dates_and_the_window_it_was_created_with() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 40);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(10));
    let batch = sandbox.store().batch(&id).unwrap();
    let summary = batch.summary();
    let dialled = batch.calls.iter().filter(|c| !c.logs.is_empty()).count() as u64;
    // Weya's callsPicked: calls "picked up/answered", not every call dialled.
    assert!(
        summary.calls_picked.unwrap() > 0,
        "some calls were answered"
    );
    assert!(
        summary.calls_picked.unwrap() < dialled,
        "{summary:?} of {dialled} dialled"
    );

    // An operator in Kolkata reads the dates on their own clock.
    let out = env
        .against(&sandbox)
        .env("TZ", "Asia/Kolkata")
        .args(["batch", "view", &id])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Batch     June renewals\n"), "{stdout}");
    assert!(stdout.contains(&format!("ID        {id}\n")), "{stdout}");
    assert!(stdout.contains("Status    active\n"), "{stdout}");
    let calls = format!(
        "Calls     40 in all · {} picked up · {} completed",
        summary.calls_picked.unwrap(),
        summary.calls_completed.unwrap()
    );
    assert!(stdout.contains(&calls), "{stdout}");
    assert!(stdout.contains("Progress  ["), "{stdout}");
    assert!(
        // 15:00 UTC, on the operator's clock with its zone named.
        stdout.contains("Created   2026-01-15 20:30 (Asia/Kolkata), "),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "Window    09:00–17:00 America/New_York, Mon–Fri (as sent from this machine)"
        ),
        "{stdout}"
    );

    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    assert_eq!(json["batchName"], "June renewals");
    assert_eq!(json["status"], "active");
    assert_eq!(json["totalCalls"], 40);
    assert_eq!(json["callsPicked"], summary.calls_picked.unwrap());
    assert_eq!(json["callingWindow"]["callingHour"]["end"], "17:00");
    assert_eq!(json["callingWindow"]["allowedDays"], json!([1, 2, 3, 4, 5]));

    // A batch made elsewhere: its window is not known, and that is said.
    let other = sandbox.store().insert(
        "Made elsewhere".into(),
        json!({"batchName": "Made elsewhere"}),
    );
    let (stdout, _) = text(&env.batch(&sandbox, &["view", &other]));
    assert!(stdout.contains("Window    not known"), "{stdout}");
    let json = json_of(&env.batch(&sandbox, &["view", &other, "--json"]));
    assert_eq!(json["callingWindow"], Value::Null);
}

/// Issue 19: `batch view --json` groups the batch's contacts by their
/// time zone; for a 09:00–17:00 New York batch those in London and Los
/// Angeles are flagged, those in New York are not.
#[tokio::test(flavor = "multi_thread")]
async fn view_shows_the_window_on_the_contacts_own_clocks() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 0);
    let rows = [
        "12125550100",
        "12125550101",
        "13105550100",
        "442071838750",
        "442079460958",
    ]
    .iter()
    .map(|number| {
        let mut row = Map::new();
        row.insert("phoneNumber".into(), json!(number));
        row
    })
    .collect();
    sandbox.store().add_calls(&id, rows, None).unwrap();

    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    let groups = json["localTime"].as_array().unwrap();
    let group = |zone: &str| {
        groups
            .iter()
            .find(|g| g["zone"] == zone)
            .unwrap_or_else(|| panic!("no {zone} in {groups:?}"))
    };
    let la = group("America/Los_Angeles");
    assert_eq!(la["count"], 1);
    assert_eq!(la["outsideHours"], true);
    assert_eq!(la["localStart"], "06:00");
    assert_eq!(la["localEnd"], "14:00");
    let london = group("Europe/London");
    let day = json["localTimeBasis"]["day"].as_str().unwrap();
    let (start, end) = crate::import_cli::london_for_new_york_9_to_5(day);
    assert_eq!(london["count"], 2);
    assert_eq!(
        (london["localStart"].as_str(), london["localEnd"].as_str()),
        (Some(start.as_str()), Some(end.as_str()))
    );
    assert_eq!(
        london["outsideHours"],
        json!(end.as_str() > "21:00"),
        "{london}"
    );
    let new_york = group("America/New_York");
    assert_eq!(new_york["count"], 2);
    assert_eq!(new_york["outsideHours"], false);

    let (stdout, stderr) = text(&env.batch(&sandbox, &["view", &id]));
    assert!(
        stdout.contains(
            "  ! 1 contact in America/Los_Angeles: 09:00–17:00 New York is 06:00–14:00 for \
             them (2 h before 08:00)\n"
        ),
        "{stdout}\n{stderr}"
    );

    // A batch made elsewhere: no window, so no local times, and nothing read.
    let other = sandbox.store().insert(
        "Made elsewhere".into(),
        json!({"batchName": "Made elsewhere"}),
    );
    let json = json_of(&env.batch(&sandbox, &["view", &other, "--json"]));
    assert_eq!(json["localTime"], Value::Null);
    assert!(
        json["localTimeBasis"]["notKnown"]
            .as_str()
            .unwrap()
            .contains("not known")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn view_without_a_user_id_shows_what_batch_details_gives_and_says_what_is_missing() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    let out = env
        .against(&sandbox)
        .env_remove("WEYA_USER_ID")
        .args(["batch", "view", &id])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Calls     3 in all\n"), "{stdout}");
    assert!(!stdout.contains("Progress"), "{stdout}");
    assert!(stderr.contains("WEYA_USER_ID"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_lists_a_page_with_international_numbers_attempts_and_the_contact_fields() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 30);
    sandbox.store().switch(&id, true);
    // Part of the way: some calls done, some on the line, some waiting.
    sandbox.advance(Duration::from_secs(10));
    let store = sandbox.store();
    let details = |query: CallQuery| store.details(&id, &query).unwrap();

    let out = env.batch(&sandbox, &["calls", &id, "--limit", "5"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("June renewals · active · {id}"));
    assert!(
        lines[1].starts_with("PHONE") && lines[1].contains("ATTEMPTS") && lines[1].contains("name"),
        "{stdout}"
    );
    let expected = details(CallQuery {
        limit: 5,
        ..CallQuery::default()
    });
    for (line, call) in lines[2..7].iter().zip(&expected.calls) {
        let digits = &call.phone_number[1..];
        let grouped = format!("+1 {}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]);
        assert!(line.starts_with(&grouped), "{line}");
        assert!(line.contains(call.status().unwrap_or("-")), "{line}");
        assert!(line.contains(&call.field_text("name").unwrap()), "{line}");
        let attempts = format!(" {} ", call.phone_logs.len());
        assert!(line.contains(&attempts), "{line}");
    }
    assert_eq!(lines[7], "page 1/6 · 30 calls");

    // --status: only calls whose last attempt has it, counted in the footer.
    let completed = details(CallQuery {
        filter: Some("completed".into()),
        limit: 100,
        ..CallQuery::default()
    });
    assert!(
        completed.total > 0 && completed.total < 30,
        "a mix of outcomes"
    );
    let out = env.batch(
        &sandbox,
        &["calls", &id, "--status", "completed", "--limit", "100"],
    );
    let (stdout, _) = text(&out);
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("+1")).collect();
    assert_eq!(rows.len() as u64, completed.total, "{stdout}");
    assert!(rows.iter().all(|r| r.contains("completed")), "{stdout}");
    assert!(
        stdout.ends_with(&format!(
            "page 1/1 · {} calls with status completed\n",
            completed.total
        )),
        "{stdout}"
    );

    // --page: the second page is the server's second page.
    let second = details(CallQuery {
        page: 2,
        limit: 4,
        ..CallQuery::default()
    });
    let out = env.batch(&sandbox, &["calls", &id, "--page", "2", "--limit", "4"]);
    let (stdout, _) = text(&out);
    let shown: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("+1"))
        .map(|l| l.split("  ").next().unwrap().replace([' ', '+', '-'], ""))
        .collect();
    let expected: Vec<&str> = second
        .calls
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    assert_eq!(shown, expected);
    assert!(stdout.ends_with("page 2/8 · 30 calls\n"), "{stdout}");

    // --json: the batch in the one vocabulary, every field of every call.
    let json = json_of(&env.batch(
        &sandbox,
        &["calls", &id, "--page", "2", "--limit", "4", "--json"],
    ));
    assert_eq!(json["page"], 2);
    assert_eq!(json["total"], 30);
    assert_eq!(json["calls"].as_array().unwrap().len(), 4);
    assert_eq!(
        json["calls"][0]["phoneNumber"],
        second.calls[0].phone_number
    );
    assert_eq!(json["calls"][0]["plan"], "Family");

    // Into a pipe nothing is cut, whatever COLUMNS says (issue 20: a
    // script gets every field; a terminal's width is for a terminal, see
    // `fields_that_do_not_fit_are_named_not_cut_in`).
    let out = env
        .against(&sandbox)
        .env("COLUMNS", "80")
        .args(["batch", "calls", &id, "--limit", "2"])
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    let head = stdout.lines().find(|l| l.starts_with("PHONE")).unwrap();
    assert!(head.contains("name") && head.contains("plan"), "{stdout}");
    assert!(!stdout.contains("not shown for want of width"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn start_then_stop_changes_the_status_view_shows_and_history_lists_them() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    let status =
        |env: &Env| json_of(&env.batch(&sandbox, &["view", &id, "--json"]))["status"].clone();
    assert_eq!(status(&env), "paused");

    let out = env.batch(&sandbox, &["start", &id]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout, format!("Started calling batch {id}.\n"));
    assert_eq!(status(&env), "active");

    let out = env.batch(&sandbox, &["stop", &id, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out),
        json!({"batchId": id, "action": "stop", "status": "stopped"})
    );
    assert_eq!(status(&env), "stopped");

    let out = env.batch(&sandbox, &["delete", &id, "--yes"]);
    let (stdout, _) = text(&out);
    assert_eq!(stdout, format!("Deleted batch “June renewals” ({id}).\n"));

    let entries = env.history_json();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("create", "created"),
            ("start", "done"),
            ("stop", "done"),
            ("delete", "done")
        ]
    );
    assert!(entries.iter().all(|e| e["batch_id"] == id.as_str()));
    assert!(entries.iter().all(|e| e["batch_name"] == "June renewals"));
    assert_eq!(
        entries[1]["body"],
        json!({"batchId": id, "userId": SANDBOX_USER_ID})
    );

    let out = env.cmd().arg("history").output().unwrap();
    let (stdout, _) = text(&out);
    for (action, outcome) in actions {
        let row = format!("{action:<6} {outcome:<8} June renewals");
        assert!(stdout.contains(&row), "{row}:\n{stdout}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_with_yes_removes_the_batch_and_view_then_says_not_found() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    let out = env.batch(&sandbox, &["delete", &id, "--yes", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(json_of(&out)["deleted"], true);
    assert!(sandbox.store().batch(&id).is_none());

    let out = env.batch(&sandbox, &["view", &id]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("HTTP 404 (not found): Batch not found"),
        "{stderr}"
    );

    // Deleting it again fails, and the failure is journaled too.
    let out = env.batch(&sandbox, &["delete", &id, "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let last = env.history_json().pop().unwrap();
    assert_eq!(
        (last["action"].clone(), last["outcome"].clone()),
        (json!("delete"), json!("failed"))
    );
    assert_eq!(last["status"], 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_without_yes_and_without_a_terminal_refuses_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    for flags in [&[][..], &["--json"][..]] {
        let out = env
            .against(&sandbox)
            .args(["batch", "delete", &id])
            .args(flags)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
        assert!(
            format!("{stdout}{stderr}").contains("not deleting without --yes"),
            "{stdout}{stderr}"
        );
    }
    assert!(
        sandbox.store().batch(&id).is_some(),
        "the batch is still there"
    );
    assert_eq!(env.history_json().len(), 1, "only the create is journaled");

    // Nothing at all reaches a server: not even a look at the batch.
    let (url, requests) = counting_stand_in().await;
    let out = env
        .against_url(&url, "sk_test_standin_0000000000")
        .args(["batch", "delete", &id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(requests.load(Ordering::SeqCst), 0);
}

/// QA: start or stop answered 200 with `"status": false` was said as
/// "not started" and journaled as failed, though the dialer may have
/// started. It is said as not known, with the contradiction, Weya's
/// message and request ID, and where to look; the journal says unknown.
/// (delete-batch's `success: false` stays a refusal: its page shows no
/// status code to contradict, and a delete sent again is harmless.)
#[tokio::test(flavor = "multi_thread")]
async fn a_start_stop_or_delete_answered_200_with_status_false_is_not_known_not_refused() {
    use axum::routing::{delete, post};
    let said_false = || async {
        (
            [("x-request-id", "req-false")],
            axum::Json(json!({"status": false, "success": false, "code": 200,
                "message": "Dialer busy"})),
        )
    };
    let router = axum::Router::new()
        .route("/api/call/start-calling", post(said_false))
        .route("/api/call/stop-calling", post(said_false))
        .route("/api/call/delete-batch/{id}", delete(said_false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let env = Env::new();
    let batch = "64e5f12345abcdef98765432";
    for (args, said) in [
        (&["start", batch][..], "Not known whether it started"),
        (&["stop", batch], "Not known whether it stopped"),
    ] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .env("WEYA_TOKEN", "tok_standin_0000000000")
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stdout}{stderr}");
        for needle in [
            "HTTP 200 with \"status\": false: the answer contradicts itself",
            "so whether it was done is not known; Weya's message: Dialer busy (request ID req-false)",
            said,
            &format!("`weya-tui batch view {batch}` shows its status now"),
        ] {
            assert!(stderr.contains(needle), "{args:?}: {needle}: {stderr}");
        }
        assert!(!stderr.contains("Not started"), "{stderr}");
    }
    let out = env
        .against_url(&url, "sk_test_standin_0000000000")
        .env("WEYA_TOKEN", "tok_standin_0000000000")
        .args(["batch", "delete", batch, "--yes"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("HTTP 200 (unexpected answer): Dialer busy"),
        "{stderr}"
    );
    let outcomes: Vec<Value> = env
        .history_json()
        .iter()
        .map(|e| json!([e["action"], e["outcome"]]))
        .collect();
    assert_eq!(
        outcomes,
        [
            json!(["start", "unknown"]),
            json!(["stop", "unknown"]),
            json!(["delete", "failed"])
        ]
    );
}

/// A server on loopback that counts the requests it gets and answers 500.
async fn counting_stand_in() -> (String, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&requests);
    let router = axum::Router::new().fallback(move || {
        let seen = Arc::clone(&seen);
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, requests)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_id_or_a_missing_user_id_exits_2_with_nothing_sent() {
    let env = Env::new();
    let (url, requests) = counting_stand_in().await;
    for args in [
        &["view", "64e5f123"][..],
        &["calls", "64e5f12345abcdef987654321"],
        &["stop", "64E5F12345ABCDEF9876543Z"],
        &["delete", "64e5f12345abcdef9876543", "--yes"],
    ] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is not a batch ID (24 hex characters); nothing was sent"),
            "{args:?}: {stderr}"
        );
    }
    let batch = "64e5f12345abcdef98765432";
    for action in ["start", "stop"] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .env_remove("WEYA_USER_ID")
            .args(["batch", action, batch])
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("no user ID is configured (set WEYA_USER_ID or user_id"),
            "{stderr}"
        );
    }
    assert_eq!(requests.load(Ordering::SeqCst), 0);
    // Anything else is a batch's name, looked up in the list (which this
    // stand-in fails: Weya's failure, exit 1), nothing sent to the batch.
    for args in [
        &["calls", "../../etc"][..],
        &["start", "not-an-id"],
        &["delete", "x", "--yes"],
    ] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("is looked up in the batch list, which could not be read"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!env.journal().exists(), "nothing sent, nothing journaled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_credential_names_weya_token_and_where_the_credential_came_from() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = sandbox
        .store()
        .insert("Kept".into(), json!({"batchName": "Kept"}));
    // The workspace key alone, and the right one: the Bearer pages refuse
    // it as Weya's would, and say which credential they take and where
    // to set it.
    let key_alone = sandbox.key().expose_secret();
    let wrong_token = "tok_expired_abcdefghijk_9999";
    let mut everything = String::new();

    for (action, args) in [
        ("start-calling", &["start", id.as_str()][..]),
        ("stop-calling", &["stop", id.as_str()]),
        ("delete-batch", &["delete", id.as_str(), "--yes"]),
    ] {
        let out = env
            .against_url(&sandbox.base_url(), key_alone)
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let advice = format!(
            "weya-tui: {action} needs a Bearer token: set WEYA_TOKEN, or token in the config \
             file (the request carried the x-api-key from environment variable WEYA_API_KEY, \
             the only credential configured). `weya-tui doctor` shows which action takes which."
        );
        assert!(stderr.contains(&advice), "{stderr}");
        everything.push_str(&stdout);
        everything.push_str(&stderr);

        let out = env
            .against_url(&sandbox.base_url(), key_alone)
            .arg("batch")
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        let json = json_of(&out);
        assert!(
            json["advice"]
                .as_str()
                .unwrap()
                .contains("needs a Bearer token: set WEYA_TOKEN"),
            "{json}"
        );
        everything.push_str(&String::from_utf8_lossy(&out.stdout));
    }

    // A token that is refused: it is the right kind, so check it.
    let out = env
        .cmd()
        .env("WEYA_BASE_URL", sandbox.base_url())
        .env("WEYA_TOKEN", wrong_token)
        .env("WEYA_USER_ID", SANDBOX_USER_ID)
        .args(["batch", "start", &id])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "The Bearer token from environment variable WEYA_TOKEN was refused for start-calling"
        ),
        "{stderr}"
    );
    everything.push_str(&stdout);
    everything.push_str(&stderr);

    everything.push_str(&std::fs::read_to_string(env.journal()).unwrap());
    for secret in [wrong_token, key_alone] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
    assert!(sandbox.store().batch(&id).is_some());
    let outcomes: Vec<Value> = env
        .history_json()
        .iter()
        .map(|e| e["outcome"].clone())
        .collect();
    assert!(outcomes.iter().all(|o| o == "failed"), "{outcomes:?}");
}

#[test]
fn history_reads_a_journal_line_written_before_actions_were_journaled() {
    let env = Env::new();
    std::fs::create_dir_all(env.journal().parent().unwrap()).unwrap();
    std::fs::write(
        env.journal(),
        concat!(
            r#"{"time":"2026-01-15T14:00:00.000Z","target":"sandbox","outcome":"created","batch_name":"May renewals","batch_id":"64e5f12345abcdef98765432","body":{"batchName":"May renewals"}}"#,
            "\n",
            r#"{"time":"2026-01-15T15:00:00.000Z","target":"sandbox","action":"start","outcome":"done","batch_name":"May renewals","batch_id":"64e5f12345abcdef98765432","body":{"batchId":"64e5f12345abcdef98765432","userId":"5f0c0ffee0ddba11ab1e5eed"}}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = env.cmd().arg("history").output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("create created  May renewals"), "{stdout}");
    assert!(stdout.contains("start  done     May renewals"), "{stdout}");
    assert!(!stdout.contains("unreadable"), "{stdout}");
    let entries = env.history_json();
    assert_eq!(entries[0]["action"], "create");
    assert_eq!(entries[1]["action"], "start");
}

/// What a hostile server puts in every string.
const HOSTILE: &str = "\u{1b}]2;PWNED\u{7}\u{1b}[2J\u{9b}31m\u{202E}gnp.exe\u{200B}";

#[tokio::test(flavor = "multi_thread")]
async fn server_text_never_reaches_the_terminal_raw() {
    use axum::Json;
    use axum::routing::get;
    let details = json!({"status": true, "code": 200, "data": {
        "batchId": "64e5f12345abcdef98765432", "batchName": format!("June{HOSTILE}"),
        "batchStatus": format!("active{HOSTILE}"), "page": 1, "limit": 20, "total": 1,
        "totalPages": 1, "data": [{"_id": "c1", "phoneNumber": format!("1415{HOSTILE}"),
            format!("field{HOSTILE}"): format!("value{HOSTILE}"),
            "phoneLogs": [{"callStatus": format!("busy{HOSTILE}"), "createdAt": HOSTILE}],
            "createdAt": HOSTILE}]}});
    let list = json!({"status": true, "data": {"batches": [{"_id": "64e5f12345abcdef98765432",
        "batchName": "June", "queue_status": HOSTILE, "createdAt": HOSTILE, "updatedAt": HOSTILE}],
        "pagination": {"total": 1, "page": 1, "limit": 100, "totalPages": 1}}});
    let router = axum::Router::new()
        .route(
            "/api/call/batch-details/{id}",
            get(move || async move { Json(details) }),
        )
        .route(
            "/api/call/batches/{user}",
            get(move || async move { Json(list) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let env = Env::new();
    for args in [
        &["view", "64e5f12345abcdef98765432"][..],
        &["calls", "64e5f12345abcdef98765432"],
    ] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        for (what, output) in [("stdout", &stdout), ("stderr", &stderr)] {
            let bad: Vec<char> = output
                .chars()
                .filter(|&c| c != '\n' && weya_tui::text::hidden(c).is_some())
                .collect();
            assert!(bad.is_empty(), "{args:?} {what} holds {bad:?}:\n{output}");
        }
        assert!(stdout.contains("June⟨U+001B⟩]2;PWNED"), "{stdout}");
    }
}

/// QA: under the sandbox's `--ignore-window`, `batch view` said "not
/// moving: outside its calling window" while it called, and the local
/// time lines said only the window's hours. The connection knows its
/// dialer ignores the window: the window line says so, no stall is put
/// down to the window, the local time says calls may come at any hour,
/// and `batch start` says the window is closed but ignored.
#[tokio::test(flavor = "multi_thread")]
async fn under_ignore_window_the_window_is_said_ignored_not_closed() {
    use chrono::Datelike as _;
    let env = Env::new();
    // A window closed today: its one calling day is three days away.
    let day = (Utc::now().weekday().num_days_from_sunday() + 3) % 7;
    let body = env.file(
        "closed.json",
        format!(
            r#"{{"batchName":"Closed today","callingNumbers":["64e5f12345abcdef87654321"],
            "retry":1,"delay":60,"timezone":"UTC",
            "callingHour":{{"start":"09:00","end":"10:00"}},"allowedDays":[{day}]}}"#
        )
        .as_bytes(),
    );
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .arg("--ignore-window")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}{stderr}");
        (stdout, stderr)
    };
    let (stdout, _) = run(&["create", "--yes", "--file", body.to_str().unwrap()]);
    let id = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    let people = env.file(
        "people.csv",
        "phone\n+12125550143\n+442079460958\n+13105550188\n",
    );
    run(&[
        "batch",
        "import",
        &id,
        people.to_str().unwrap(),
        "--region",
        "US",
        "--yes",
    ]);
    let (_, stderr) = run(&["batch", "start", &id]);
    assert!(
        stderr.contains("but the sandbox ignores the calling window (--ignore-window)"),
        "{stderr}"
    );
    assert!(!stderr.contains("no one is called before then"), "{stderr}");
    let (stdout, _) = run(&["batch", "view", &id]);
    assert!(
        stdout.contains(
            "(as sent from this machine); the sandbox ignores the calling window \
             (--ignore-window): it calls at any hour, on any day"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("outside its calling window"), "{stdout}");
    assert!(!stdout.contains("window closed"), "{stdout}");
    assert!(
        stdout.contains("Local time: calls may come at any hour of the contacts' day"),
        "{stdout}"
    );
    let (stdout, _) = run(&["batch", "view", &id, "--json"]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["windowIgnored"], true, "{json}");
    assert_ne!(json["stall"]["reason"], "windowClosed", "{json}");
}

/// QA: `batch calls … | cat` cut a long status to "a-very-long…" and
/// contact fields at 24 characters, though docs/cli.md says output into
/// a pipe or a file is never cut. Into a pipe every cell is whole and the
/// columns still line up.
#[tokio::test(flavor = "multi_thread")]
async fn the_calls_table_into_a_pipe_cuts_nothing_and_stays_in_line() {
    use axum::Json;
    use axum::routing::get;
    let status = "a-very-long-status-that-weya-might-write";
    let note = "please call after the school run, not before ten";
    let details = json!({"status": true, "code": 200, "data": {
        "batchId": "64e5f12345abcdef98765432", "batchName": "June",
        "batchStatus": "active", "page": 1, "limit": 20, "total": 2,
        "totalPages": 1, "data": [
            {"_id": "c1", "phoneNumber": "14155550100", "note": note,
             "phoneLogs": [{"callStatus": status, "createdAt": "2026-01-15T09:30:00.000Z"}],
             "createdAt": "2026-01-15T09:00:00.000Z"},
            {"_id": "c2", "phoneNumber": "14155550101", "note": "short",
             "phoneLogs": [{"callStatus": "busy", "createdAt": "2026-01-15T09:31:00.000Z"}],
             "createdAt": "2026-01-15T09:00:00.000Z"}]}});
    let router = axum::Router::new().route(
        "/api/call/batch-details/{id}",
        get(move || async move { Json(details) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let env = Env::new();
    let out = env
        .against_url(&url, "sk_test_standin_0000000000")
        .env("COLUMNS", "80")
        .args(["batch", "calls", "64e5f12345abcdef98765432"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains(status), "{stdout}");
    assert!(stdout.contains(note), "{stdout}");
    assert!(!stdout.contains('…'), "{stdout}");
    assert!(!stdout.contains("not shown for want of width"), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let column = |line: &str, of: &str| line.find(of).unwrap_or_else(|| panic!("{of}: {stdout}"));
    let header = lines.iter().position(|l| l.starts_with("PHONE")).unwrap();
    let (first, second) = (lines[header + 1], lines[header + 2]);
    assert_eq!(
        column(first, status),
        column(lines[header], "STATUS"),
        "{stdout}"
    );
    assert_eq!(column(first, "2026-"), column(second, "2026-"), "{stdout}");
    assert_eq!(column(first, note), column(second, "short"), "{stdout}");
}

/// QA: a read answered 200 with `"status": false` said "so whether it
/// was done is not known", the wording for a write. A read says nothing
/// was changed and to run it again; a 404 on `batch watch` or `batch
/// delete` says the batch may have been deleted.
#[tokio::test(flavor = "multi_thread")]
async fn a_read_that_contradicts_itself_says_to_run_it_again_and_a_404_says_deleted() {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::routing::get;
    let router = axum::Router::new()
        .route(
            "/api/call/batch-details/64e5f12345abcdef98765432",
            get(|| async { Json(json!({"status": false, "code": 200, "message": "Try later"})) }),
        )
        .route(
            "/api/call/batch-details/64e5f12345abcdef98760000",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    Json(json!({"status": false, "message": "Batch not found"})),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let env = Env::new();
    for command in ["view", "calls"] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .args(["batch", command, "64e5f12345abcdef98765432"])
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {stdout}{stderr}");
        assert!(
            stderr.contains("Weya's answer contradicts itself"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("nothing was changed (this was a read): run it again"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("not known"), "{command}: {stderr}");
    }
    for args in [
        &["watch", "64e5f12345abcdef98760000"][..],
        &["delete", "64e5f12345abcdef98760000", "--yes"],
    ] {
        let out = env
            .against_url(&url, "sk_test_standin_0000000000")
            .env("WEYA_TOKEN", "tok_standin_0000000000")
            .arg("batch")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("HTTP 404") && stderr.contains("the batch may have been deleted"),
            "{args:?}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_past_the_last_page_are_refused_not_shown_as_no_calls() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 30);
    for (args, wanted) in [
        (
            vec!["calls", &id, "--page", "9", "--limit", "4"],
            "page 9 is past the last page (8 pages, 30 calls)",
        ),
        (
            vec!["calls", &id, "--page", "3"],
            "page 3 is past the last page (2 pages, 30 calls)",
        ),
        (
            vec!["calls", &id, "--page", "2", "--status", "completed"],
            "page 2 is past the last page (1 page, 0 calls with status completed)",
        ),
    ] {
        let out = env.batch(&sandbox, &args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, format!("weya-tui: {wanted}\n"), "{args:?}");
    }
    let out = env.batch(&sandbox, &["calls", &id, "--page", "3", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json_of(&out)["error"],
        "page 3 is past the last page (2 pages, 30 calls)"
    );
    // The last page is shown as it is.
    let out = env.batch(&sandbox, &["calls", &id, "--page", "8", "--limit", "4"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.ends_with("page 8/8 · 30 calls\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_read_with_thousands_separators_except_in_json() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 30_000);

    let (stdout, _) = text(&env.batch(&sandbox, &["view", &id]));
    assert!(
        stdout.contains("Calls     30,000 in all · 0 picked up · 0 completed"),
        "{stdout}"
    );
    let (stdout, _) = text(&env.batch(&sandbox, &["calls", &id, "--limit", "20"]));
    assert!(
        stdout.ends_with("page 1/1,500 · 30,000 calls\n"),
        "{stdout}"
    );
    let out = env.against(&sandbox).arg("batches").output().unwrap();
    let (stdout, _) = text(&out);
    let header = stdout.lines().next().unwrap();
    let row = stdout.lines().nth(1).unwrap();
    assert!(row.contains("        0          0   30,000  "), "{stdout}");
    // TOTAL still ends where its heading does.
    let end = |line: &str, what: &str| line.find(what).unwrap() + what.len();
    assert_eq!(end(row, "30,000"), end(header, "TOTAL"), "{stdout}");

    // Scripts get plain numbers.
    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    assert_eq!(json["totalCalls"], 30_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_started_by_a_command_that_ended_has_dialled_when_the_next_one_looks() {
    let env = Env::new();
    // The app's sandbox as `batch start` left it an hour ago: started,
    // and no weya-tui running since.
    let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions {
            state_dir: Some(env.path("state/weya-tui/sandbox")),
            clock: Clock::Manual { start: an_hour_ago },
            dialer: weya_tui::sandbox::DialerConfig {
                ignore_window: true,
                ..Default::default()
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let store = sandbox.store();
    let id = store.insert(
        "Left running".into(),
        json!({"batchName": "Left running", "callingNumbers": ["64e5f12345abcdef87654321"]}),
    );
    let rows = (0..20)
        .map(|i| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415555{i:04}")));
            row
        })
        .collect();
    store.add_calls(&id, rows, None).unwrap();
    store.switch(&id, true);
    drop(sandbox);

    let view = |json: bool| {
        let mut cmd = env.cmd();
        cmd.args(["--ignore-window", "batch", "view", &id]);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let out = view(true);
    let json = json_of(&out);
    assert_eq!(json["status"], "completed", "{json}");
    let picked = json["callsPicked"].as_u64().unwrap();
    assert!(picked > 0, "{json}");
    assert_eq!(json["sandboxDialerRunning"], false, "{json}");

    // A batch still dialling says who dials it.
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions::app(Some(env.path("state/weya-tui/sandbox"))),
    )
    .await
    .unwrap();
    let more = (0..5000)
        .map(|i| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415666{i:04}")));
            row
        })
        .collect();
    sandbox.store().add_calls(&id, more, None).unwrap();
    drop(sandbox);
    let out = view(false);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Status    active"), "{stdout}");
    assert!(
        stderr.contains("no weya-tui is running the sandbox, so its dialer moves only while"),
        "{stderr}"
    );
}

/// Runs `batch watch` on `id` (looking every second) while the sandbox's
/// clock moves `step` at a time; the exit and what it wrote. Fails after
/// [`common::PATIENCE`] of real time.
async fn watched(env: &Env, sandbox: &Sandbox, id: &str, json: bool, step: Duration) -> Output {
    let mut cmd = env.against(sandbox);
    cmd.args(["batch", "watch", id, "--every", "1"]);
    if json {
        cmd.arg("--json");
    }
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let waited = tokio::task::spawn_blocking(move || child.wait_with_output());
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    tokio::pin!(waited);
    loop {
        tokio::select! {
            out = &mut waited => return out.unwrap().unwrap(),
            () = tokio::time::sleep(Duration::from_millis(300)) => {
                assert!(tokio::time::Instant::now() < deadline, "batch watch (pid {pid}) never ended");
                sandbox.advance(step);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_follows_a_batch_to_completion_and_exits_0() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    assert_eq!(env.batch(&sandbox, &["start", &id]).status.code(), Some(0));
    let out = watched(&env, &sandbox, &id, true, Duration::from_secs(600)).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    assert_eq!(last["status"], "completed", "{stdout}");
    assert_eq!(last["totalCalls"], 3);
    assert_eq!(last["callsCompleted"], 3, "{stdout}");
    assert_eq!(lines[0]["status"], "active", "{stdout}");
    // One line per change, none repeated.
    assert!(lines.windows(2).all(|w| w[0] != w[1]), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_exits_1_when_the_batch_is_stopped_or_deleted() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 3);
    assert_eq!(env.batch(&sandbox, &["stop", &id]).status.code(), Some(0));
    let out = watched(&env, &sandbox, &id, false, Duration::ZERO).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("June renewals  stopped"), "{stdout}");
    assert!(
        stderr.contains("was stopped before it completed"),
        "{stderr}"
    );

    assert_eq!(
        env.batch(&sandbox, &["delete", &id, "--yes"]).status.code(),
        Some(0)
    );
    let out = watched(&env, &sandbox, &id, false, Duration::ZERO).await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("404") || stderr.to_lowercase().contains("not found"),
        "{stderr}"
    );
}

#[test]
fn watch_refuses_an_interval_out_of_range_before_asking_anything() {
    let env = Env::new();
    for every in ["0", "3601", "soon"] {
        let out = env
            .cmd()
            .args([
                "batch",
                "watch",
                "64e5f12345abcdef87654321",
                "--every",
                every,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--every {every}");
    }
}

/// A zone where it is about noon now (the CLI reads the real clock,
/// the sandbox its manual one: these tests keep the two close).
fn zone_at_noon() -> String {
    let hour = i32::try_from(chrono::Timelike::hour(&Utc::now())).unwrap();
    match 12 - hour {
        n if n > 0 => format!("Etc/GMT-{n}"),
        0 => "Etc/GMT".to_owned(),
        n => format!("Etc/GMT+{}", -n),
    }
}

/// Creates a batch with `window` in `zone` every day, through the binary,
/// with `n` contacts, on a sandbox whose clock starts `ago` before now.
async fn every_day(env: &Env, window: (&str, &str), n: usize, ago: Duration) -> (Sandbox, String) {
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions {
            clock: Clock::Manual {
                start: Utc::now() - chrono::Duration::from_std(ago).unwrap(),
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let body = json!({"batchName": "Every day", "callingNumbers": ["64e5f12345abcdef87654321"],
        "retry": 0, "delay": 60, "timezone": zone_at_noon(),
        "callingHour": {"start": window.0, "end": window.1}, "allowedDays": [0, 1, 2, 3, 4, 5, 6]});
    let file = env.path("every-day.json");
    std::fs::write(&file, body.to_string()).unwrap();
    let out = env
        .against(&sandbox)
        .args(["create", "--yes", "--json", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    let id = json_of(&out)["batchId"].as_str().unwrap().to_owned();
    let rows = (0..n)
        .map(|i| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415555{i:04}")));
            row
        })
        .collect();
    sandbox.store().add_calls(&id, rows, None).unwrap();
    (sandbox, id)
}

#[tokio::test(flavor = "multi_thread")]
async fn view_says_why_a_batch_outside_its_window_is_not_moving() {
    let env = Env::new();
    // 20:00–22:00 where it is noon: shut for eight hours.
    let (sandbox, id) = every_day(&env, ("20:00", "22:00"), 5, Duration::ZERO).await;
    // QA: `batch start` said nothing of the closed window. It says when
    // it opens, on stderr, as the TUI's start dialog does.
    let out = env.batch(&sandbox, &["start", &id]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("Started calling batch"), "{stdout}");
    assert!(
        stderr.contains("weya-tui: window closed: opens ")
            && stderr.contains(" 20:00 Etc/GMT")
            && stderr.contains("; no one is called before then"),
        "{stderr}"
    );
    let out = env.batch(&sandbox, &["view", &id]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("Not moving outside its calling window: opens ")
            && stdout.contains(" 20:00 Etc/GMT"),
        "{stdout}"
    );
    assert!(stdout.contains("Forecast  none: no rate yet"), "{stdout}");
    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    assert_eq!(json["stall"]["reason"], "windowClosed", "{json}");
    let until =
        chrono::DateTime::parse_from_rfc3339(json["stall"]["until"].as_str().unwrap()).unwrap();
    let wait = until.with_timezone(&Utc) - Utc::now();
    assert!(
        (7..=9).contains(&wait.num_hours()),
        "opens in about 8 h: {json}"
    );
    assert_eq!(json["forecast"], Value::Null);
    assert_eq!(json["noForecast"], "no rate yet");

    // Stopped: said so, and no forecast, with the reason.
    assert_eq!(env.batch(&sandbox, &["stop", &id]).status.code(), Some(0));
    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    assert_eq!(json["stall"]["reason"], "stopped", "{json}");
    assert_eq!(json["noForecast"], "stopped", "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn view_forecasts_the_end_from_the_calls_attempt_times_inside_the_window() {
    let env = Env::new();
    // 09:00–17:00 where it is noon; 90 s of dialing, ending about now.
    let (sandbox, id) = every_day(&env, ("09:00", "17:00"), 600, Duration::from_secs(90)).await;
    sandbox.store().switch(&id, true);
    // The sandbox dials 2 calls a second.
    for _ in 0..9 {
        sandbox.advance(Duration::from_secs(10));
    }
    let json = json_of(&env.batch(&sandbox, &["view", &id, "--json"]));
    assert_eq!(json["stall"], Value::Null, "{json}");
    let forecast = &json["forecast"];
    let per_minute = forecast["callsPerMinute"].as_f64().unwrap();
    // About 55% of 120 calls a minute are answered in the sandbox.
    assert!((40.0..90.0).contains(&per_minute), "{json}");
    let left = forecast["callsLeft"].as_u64().unwrap();
    assert_eq!(left, 600 - json["callsCompleted"].as_u64().unwrap());
    // At that rate the rest takes minutes: today, inside the window.
    let at = chrono::DateTime::parse_from_rfc3339(forecast["finishAt"].as_str().unwrap()).unwrap();
    let offset = at.with_timezone(&Utc) - Utc::now();
    assert!((1..=20).contains(&offset.num_minutes()), "{at}: {json}");
    assert!(
        forecast["basis"]
            .as_str()
            .unwrap()
            .contains("among 600 calls read"),
        "{json}"
    );
    let (stdout, _) = text(&env.batch(&sandbox, &["view", &id]));
    assert!(stdout.contains("Forecast  at "), "{stdout}");
    assert!(
        stdout.contains("this batch ends ") && stdout.contains("(1 calling day)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("          assumes: the rate of "),
        "{stdout}"
    );
}

/// Every call of the batch as the sandbox holds it, oldest first.
fn every_call(sandbox: &Sandbox, id: &str) -> Vec<weya_tui::api::Call> {
    let mut out = Vec::new();
    for page in 1.. {
        let details = sandbox
            .store()
            .details(
                id,
                &CallQuery {
                    page,
                    limit: 100,
                    sort_order: weya_tui::api::SortOrder::Asc,
                    ..CallQuery::default()
                },
            )
            .unwrap();
        if details.calls.is_empty() {
            break;
        }
        out.extend(details.calls);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_sorted_by_duration_are_the_whole_batch_in_order_across_three_pages() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 250);
    sandbox.store().switch(&id, true);
    sandbox.advance(Duration::from_secs(120));
    sandbox.store().switch(&id, false);
    let all = every_call(&sandbox, &id);
    assert_eq!(all.len(), 250);
    // The truth: longest last attempt first, calls without a duration
    // last, equal ones oldest first (a stable sort of the oldest-first list).
    let duration = |c: &weya_tui::api::Call| c.latest_log().and_then(|l| l.call_duration);
    let mut truth = all.clone();
    truth.sort_by(|a, b| match (duration(a), duration(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let with_duration = truth.iter().filter(|c| duration(c).is_some()).count();
    assert!(
        with_duration > 3 && with_duration < 250,
        "some calls were made, some not: {with_duration}"
    );
    let mut shown = Vec::new();
    for page in ["1", "2", "3"] {
        let out = env.batch(
            &sandbox,
            &[
                "calls", &id, "--sort", "duration", "--desc", "--limit", "100", "--page", page,
                "--json",
            ],
        );
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains(
                "read every page of the batch (250 calls, 3 pages) to sort by duration descending"
            ),
            "{stderr}"
        );
        let json = json_of(&out);
        assert_eq!(json["total"], 250);
        assert_eq!(json["totalPages"], 3);
        assert_eq!(json["sort"]["column"], "duration");
        assert_eq!(json["sort"]["order"], "desc");
        for call in json["calls"].as_array().unwrap() {
            shown.push(call["_id"].as_str().unwrap().to_owned());
        }
    }
    let want: Vec<_> = truth.iter().map(|c| c.id.clone()).collect();
    assert_eq!(shown, want);

    // Not called yet: a filter Weya's cannot do, counted exactly.
    let not_called = all.iter().filter(|c| c.phone_logs.is_empty()).count();
    let out = env.batch(
        &sandbox,
        &[
            "calls",
            &id,
            "--status",
            "not-called-yet",
            "--limit",
            "100",
            "--json",
        ],
    );
    let json = json_of(&out);
    assert_eq!(json["total"], not_called as u64);
    assert!(
        json["calls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["phoneLogs"].as_array().is_none_or(Vec::is_empty)),
        "{json}"
    );
    // As a table, the footer says the filter.
    let out = env.batch(&sandbox, &["calls", &id, "--status", "not-called-yet"]);
    assert!(
        text(&out)
            .0
            .contains(&format!("{not_called} calls with status not called yet")),
        "{}",
        text(&out).0
    );
}

/// Issue 19: `batch stop` and `batch start` of a completed batch, and
/// `batch start` of one with no calls, printed "Stopped/Started calling"
/// and exited 0 though nothing changed; `watch` of an empty batch said
/// "completed" and exited 0. The batch is looked at first: these say what
/// they are and send nothing (a stop of a completed batch exits 0: it is
/// not calling; a start that calls no one exits 2), and `watch` of a batch
/// with no calls says so and exits 2.
#[tokio::test(flavor = "multi_thread")]
async fn start_or_stop_that_would_change_nothing_says_so_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let status = |env: &Env, id: &str| {
        json_of(&env.batch(&sandbox, &["view", id, "--json"]))["status"].clone()
    };
    let empty = june_renewals(&env, &sandbox, 0);
    let out = env.batch(&sandbox, &["start", &empty]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "weya-tui: the batch has no calls: nothing to start; import contacts into it first \
             (batch {empty}, “June renewals”); nothing was sent\n"
        )
    );
    assert_eq!(status(&env, &empty), "paused", "not started");
    let out = env.batch(&sandbox, &["watch", &empty, "--every", "1"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("batch {empty} has no calls: nothing to watch")),
        "{stderr}"
    );

    let id = june_renewals(&env, &sandbox, 3);
    assert_eq!(env.batch(&sandbox, &["start", &id]).status.code(), Some(0));
    let out = watched(&env, &sandbox, &id, false, Duration::from_secs(600)).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(status(&env, &id), "completed");
    let out = env.batch(&sandbox, &["stop", &id]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "The batch is completed: nothing to stop (batch {id}, “June renewals”); nothing was \
             sent.\n"
        )
    );
    let out = env.batch(&sandbox, &["stop", &id, "--json"]);
    assert_eq!(
        json_of(&out),
        json!({"batchId": id, "action": "stop", "status": "completed", "totalCalls": 3,
               "sent": false, "reason": "the batch is completed: nothing to stop"})
    );
    let out = env.batch(&sandbox, &["start", &id]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the batch is completed: nothing to start"),
        "{stderr}"
    );
    assert_eq!(status(&env, &id), "completed");
    // Only what was sent is journaled: the two creates and one start.
    let actions: Vec<String> = env
        .history_json()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["create", "create", "start"]);
}

/// Issue 19 item 7: `--sort FIELD` sorts by a contact field over the
/// whole batch (numbers as numbers, the calls without it last), and a
/// name no call holds is refused with the columns and the fields seen.
#[tokio::test(flavor = "multi_thread")]
async fn calls_sorted_by_a_contact_field_and_an_unknown_field_refused() {
    let (env, sandbox) = (Env::new(), sandbox_on_manual_clock().await);
    let id = june_renewals(&env, &sandbox, 0);
    // Ages as an import gives them: text, numbers, one missing.
    let ages = [
        json!("10"),
        json!(9),
        Value::Null,
        json!("100"),
        json!("2.5"),
    ];
    let rows = ages
        .iter()
        .enumerate()
        .map(|(i, age)| {
            let mut row = Map::new();
            row.insert("phoneNumber".into(), json!(format!("1415556{i:04}")));
            row.insert("name".into(), json!(format!("Contact {i}")));
            if !age.is_null() {
                row.insert("age".into(), age.clone());
            }
            row
        })
        .collect();
    sandbox.store().add_calls(&id, rows, None).unwrap();

    let out = env.batch(&sandbox, &["calls", &id, "--sort", "age", "--json"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("to sort by age ascending"), "{stderr}");
    let json = json_of(&out);
    assert_eq!(json["sort"]["column"], "age");
    assert_eq!(json["sort"]["contactField"], true);
    let names: Vec<&str> = json["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // 2.5, 9, 10, 100 (as text "10" < "100" < "2.5" < "9"), none last.
    assert_eq!(
        names,
        [
            "Contact 4",
            "Contact 1",
            "Contact 0",
            "Contact 3",
            "Contact 2"
        ]
    );
    let out = env.batch(
        &sandbox,
        &["calls", &id, "--sort", "age", "--desc", "--json"],
    );
    let names: Vec<String> = json_of(&out)["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "Contact 3",
            "Contact 0",
            "Contact 1",
            "Contact 4",
            "Contact 2"
        ]
    );

    // Exact names: another case is not the field.
    let out = env.batch(&sandbox, &["calls", &id, "--sort", "Age"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("\"Age\" is not a column or a field of this batch's calls")
            && stderr.contains("created, number, status, duration, attempts, time")
            && stderr.contains("name, age"),
        "{stderr}"
    );
}
