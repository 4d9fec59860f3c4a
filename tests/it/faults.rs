//! Every error path of a submit, driven through the sandbox's fault
//! switches: what the screen says, that the form is intact afterwards, that
//! an unknown outcome is checked before anything is sent again, and that
//! the journal records it all.

use crate::common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use common::Harness;
use weya_tui::form::FieldId;
use weya_tui::sandbox::{Fault, Sandbox};
use weya_tui::store::journal::{self, JournalOutcome};
use weya_tui::tui::views::create::{Screen, Verdict};

async fn sandbox_with(fault: Fault) -> Sandbox {
    let sandbox = Sandbox::start(0).await.unwrap();
    sandbox.store().set_fault(Some(fault));
    sandbox
}

fn assert_form_intact(h: &mut Harness, name: &str) {
    h.key(KeyCode::Esc);
    assert!(
        matches!(h.app().create.screen, Screen::Form),
        "Esc returns to the form"
    );
    assert_eq!(h.app().create.form.name.value(), name);
    assert_eq!(h.app().create.form.numbers.selected_count(), 1);
    assert_eq!(h.app().create.form.timezone.value(), "America/New_York");
}

#[tokio::test]
async fn a_500_shows_the_request_id_and_r_sends_again() {
    let sandbox = sandbox_with(Fault::ServerError).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Storage hiccup").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("HTTP 500 (the server failed)"), "{screen}");
    assert!(screen.contains("Request ID         sbx-"), "{screen}");
    assert!(screen.contains("retry (r)"), "{screen}");
    assert!(sandbox.store().batches().is_empty());

    sandbox.store().set_fault(None);
    h.key(KeyCode::Char('r'));
    h.wait_for_result().await;
    assert!(h.screen().contains("Batch created"));
    assert_eq!(sandbox.store().create_requests(), 2);
    assert_eq!(sandbox.store().batches().len(), 1);
}

#[tokio::test]
async fn a_403_says_which_credential_and_how_to_fix_it() {
    let sandbox = sandbox_with(Fault::Forbidden).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Revoked").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("HTTP 403"), "{screen}");
    assert!(
        screen.contains("The x-api-key from the sandbox's own key was refused for createBatch"),
        "{screen}"
    );
    assert!(screen.contains("Weya's dashboard: Settings"), "{screen}");
    assert!(screen.contains("weya-tui doctor"), "{screen}");
    h.key(KeyCode::Char('r'));
    assert_eq!(
        sandbox.store().create_requests(),
        1,
        "r does not resend a 403"
    );
    assert_form_intact(&mut h, "Revoked");
}

#[tokio::test]
async fn a_400_naming_a_field_is_shown_at_that_field() {
    let sandbox = sandbox_with(Fault::BadRequest("timezone is not supported".into())).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Strict").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    assert!(h.screen().contains("timezone is not supported"));
    assert_form_intact(&mut h, "Strict");
    assert_eq!(h.app().create.form.focus, FieldId::Timezone);
    assert!(h.screen().contains("✗ Weya: timezone is not supported"));
}

#[tokio::test]
async fn an_html_502_is_one_clean_line() {
    let sandbox = sandbox_with(Fault::HtmlBadGateway).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Proxy").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(
        screen.contains("HTTP 502 (the server failed): 502 Bad Gateway"),
        "{screen}"
    );
    assert!(
        !screen.contains('<') && !screen.contains("nginx"),
        "no markup: {screen}"
    );
    assert_form_intact(&mut h, "Proxy");
}

#[tokio::test]
async fn a_429_waits_for_retry_after_before_sending_again() {
    let sandbox = sandbox_with(Fault::RateLimited(30)).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Busy").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    assert!(
        h.screen()
            .contains("Retry after        30 s (the server asked)"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Char('r'));
    assert_eq!(
        sandbox.store().create_requests(),
        1,
        "not before the wait is over"
    );
    assert!(h.screen().contains("The server asked to wait"));
}

#[tokio::test]
async fn a_dropped_connection_after_storing_is_found_in_the_list_and_not_resent() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let journal_path = store.journal();
    let sandbox = sandbox_with(Fault::DropAfterStore).await;
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.fill_and_review("Dropped").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("Outcome unknown"), "{screen}");
    assert!(
        screen.contains("dropped before an answer arrived"),
        "{screen}"
    );
    let stored = sandbox.store().batches();
    assert!(
        screen.contains(&format!("FOUND: batch {}", stored[0].id)),
        "{screen}"
    );
    assert!(screen.contains("do not send it again"), "{screen}");

    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('r'));
    assert_eq!(
        sandbox.store().create_requests(),
        1,
        "found: r never resends"
    );
    assert!(
        !h.screen().contains("r send again"),
        "the footer does not offer it"
    );

    let entries = wait_for_journal(&journal_path, 1).await;
    assert_eq!(entries[0].outcome, JournalOutcome::Unknown);
    assert_eq!(entries[0].batch_name, "Dropped");
    assert_eq!(entries[0].body["batchName"], "Dropped");
}

#[tokio::test]
async fn a_slow_answer_times_out_then_the_list_shows_the_batch() {
    let sandbox = sandbox_with(Fault::Slow(Duration::from_secs(30))).await;
    let mut config = sandbox.client_config();
    config.timeout = Duration::from_millis(400);
    let mut h = Harness::new(config, 120, 40);
    h.fill_and_review("Slow").await;
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("Sending…"));
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("did not answer within"), "{screen}");
    let Screen::Result(answer) = &h.app().create.screen else {
        unreachable!()
    };
    assert!(
        matches!(answer.verdict(), Verdict::Listed(_)),
        "{:?}",
        answer.verdict()
    );
}

#[tokio::test]
async fn malformed_json_on_a_201_is_an_unknown_outcome_that_gets_checked() {
    let sandbox = sandbox_with(Fault::MalformedJson).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Garbled").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("not the expected JSON"), "{screen}");
    assert!(screen.contains("Outcome unknown"), "{screen}");
    assert!(screen.contains("FOUND"), "{screen}");
}

/// The answer of a request whose answer was lost, on screen.
fn answer(h: &Harness) -> &weya_tui::tui::views::create::Answer {
    match &h.app().create.screen {
        Screen::Result(answer) => answer,
        other => panic!("expected the result, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn when_the_list_has_no_such_batch_after_the_deadline_r_sends_again() {
    let sandbox = sandbox_with(Fault::Hang).await;
    let mut config = sandbox.client_config();
    config.timeout = Duration::from_millis(300);
    let mut h = Harness::new(config, 120, 40);
    h.runtime.set_landing(Duration::from_secs(3));
    h.fill_and_review("Stuck").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    assert!(answer(&h).is_unknown());
    assert_eq!(answer(&h).verdict(), Verdict::Absent);
    let screen = h.screen();
    assert!(
        screen.contains("not there yet: no batch with this name created since you sent it"),
        "{screen}"
    );
    assert!(screen.contains("Waiting until"), "{screen}");
    assert!(
        !screen.contains("r send again"),
        "r is not offered: {screen}"
    );
    h.key(KeyCode::Char('r'));
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)),
        "r sends nothing yet: {}",
        h.screen()
    );

    h.wait_for(
        "a look after the deadline",
        |app| matches!(&app.create.screen, Screen::Result(a) if a.conclusive),
    )
    .await;
    let screen = h.screen();
    assert!(screen.contains("r sends the same body again"), "{screen}");
    sandbox.store().set_fault(None);
    h.key(KeyCode::Char('r'));
    h.wait_for_result().await;
    assert!(h.screen().contains("Batch created"));
    assert_eq!(sandbox.store().create_requests(), 2);
    assert_eq!(sandbox.store().batches().len(), 1);
}

/// Issue 16: a createBatch that answers after the timeout and stores the
/// batch late. The look at the timeout finds nothing; `r` must not send a
/// second one then, and the list, watched until the request can no longer
/// land, shows the batch once it is stored.
#[tokio::test(start_paused = true)]
async fn a_batch_stored_after_the_timeout_is_found_and_r_never_sends_a_second() {
    let sandbox = sandbox_with(Fault::SlowStore(Duration::from_secs(8))).await;
    let mut config = sandbox.client_config();
    config.timeout = Duration::from_secs(2);
    let mut h = Harness::new(config, 120, 40);
    h.runtime.set_landing(Duration::from_secs(20));
    h.fill_and_review("Late").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("did not answer within 2 s"), "{screen}");
    assert!(
        screen.contains("Waiting until") && screen.contains("its list is watched"),
        "says what it waits for, and until when: {screen}"
    );
    // Where the old screen offered r at once.
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('r'));
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)),
        "r sends nothing: {}",
        h.screen()
    );
    assert_eq!(sandbox.store().create_requests(), 1, "no second POST");

    h.wait_for("the batch in the list", |app| {
        matches!(&app.create.screen, Screen::Result(a) if matches!(a.verdict(), Verdict::Listed(_)))
    })
    .await;
    let id = sandbox.store().batches()[0].id.clone();
    let screen = h.screen();
    assert!(screen.contains(&format!("FOUND: batch {id}")), "{screen}");
    assert!(screen.contains("do not send it again"), "{screen}");
    // Long after: still one batch, still not offered.
    tokio::time::sleep(Duration::from_secs(60)).await;
    while let Some(msg) = h.runtime.ready_reply() {
        h.runtime.dispatch(msg);
    }
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('r'));
    assert_eq!(sandbox.store().create_requests(), 1, "one POST");
    assert_eq!(sandbox.store().batches().len(), 1, "one batch");
    assert!(!h.screen().contains("r send again"), "{}", h.screen());
}

/// A stand-in for Weya on loopback whose createBatch never answers, and
/// whose list holds a batch of the name "Odd" created at `created_at`
/// (`None`: no date at all).
async fn odd_weya(created_at: Option<&'static str>) -> String {
    use axum::Json;
    use axum::routing::{get, post};
    use serde_json::json;
    let router = axum::Router::new()
        .route(
            "/api/call/phones/{user}",
            get(|| async {
                Json(
                    json!({"status": true, "data": [{"_id": "64e5f12345abcdef87654321",
                    "phoneNumber": "12125550143", "label": "NY"}]}),
                )
            }),
        )
        .route(
            "/api/call/batches/{user}",
            get(move || async move {
                let mut batch = json!({"_id": "6650c0ffee0ddba11ab1e0aa", "batchName": "Odd",
                    "queue_status": "paused", "totalCalls": 0});
                if let (Some(obj), Some(at)) = (batch.as_object_mut(), created_at) {
                    obj.insert("createdAt".into(), json!(at));
                }
                Json(json!({"status": true, "data": {"batches": [batch],
                    "pagination": {"total": 1, "page": 1, "limit": 50, "totalPages": 1}}}))
            }),
        )
        .route(
            "/api/call/createBatch",
            post(std::future::pending::<Json<serde_json::Value>>),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// Issue 16: the list's batch of the same name has a date that is
/// missing, not ISO 8601, or ten minutes before the send (the harness's
/// clock is 2026-01-15 14:00 UTC): a candidate shown to the operator,
/// never "no such batch". Sending again is the operator's call, and only
/// once the request can no longer land: a second r.
#[tokio::test(start_paused = true)]
async fn a_same_named_batch_with_an_odd_date_is_a_candidate_never_an_absence() {
    for created_at in [
        None,
        Some("2026-12-05 21:12:57"),
        Some("2026-01-15T13:50:00.000Z"),
    ] {
        let url = odd_weya(created_at).await;
        let mut config = weya_tui::api::ClientConfig::new(
            url,
            weya_tui::api::Auth::ApiKey("sk_test_odd".into()),
        );
        config.user_id = Some(weya_tui::sandbox::SANDBOX_USER_ID.into());
        config.timeout = Duration::from_secs(1);
        let mut h = Harness::new(config, 120, 40);
        h.runtime.set_landing(Duration::from_secs(4));
        h.fill_and_review("Odd").await;
        h.key(KeyCode::Enter);
        h.wait_for_result().await;
        let screen = h.screen();
        assert!(
            screen.contains("A batch named “Odd” exists (6650c0ffee0ddba11ab1e0aa)")
                && screen.contains("yours?"),
            "{created_at:?}: {screen}"
        );
        assert!(!screen.contains("r send again"), "{created_at:?}: {screen}");
        assert!(
            matches!(answer(&h).verdict(), Verdict::Candidates(_)),
            "{created_at:?}"
        );
        h.wait_for(
            "a look after the deadline",
            |app| matches!(&app.create.screen, Screen::Result(a) if a.conclusive),
        )
        .await;
        let sending = |h: &Harness| matches!(h.app().create.screen, Screen::Sending { .. });
        h.key(KeyCode::Char('r'));
        assert!(!sending(&h), "{created_at:?}: one r does not send");
        let notice = h.app().create.notice.clone().unwrap_or_default();
        assert!(
            notice.contains("yours?") && notice.contains("Press r again"),
            "{notice}"
        );
        h.key(KeyCode::Char('r'));
        assert!(
            sending(&h),
            "{created_at:?}: the second r is the operator's call"
        );
    }
}

#[tokio::test]
async fn esc_while_sending_journals_an_unknown_outcome_and_checks_the_list() {
    let sandbox = sandbox_with(Fault::Slow(Duration::from_secs(30))).await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Impatient").await;
    h.key(KeyCode::Enter);
    // Esc only once the sandbox has stored it, so the check must find it.
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    while sandbox.store().batches().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sandbox never got the request"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    h.key(KeyCode::Esc);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("you stopped waiting"), "{screen}");
    assert!(screen.contains("FOUND"), "{screen}");
    h.key(KeyCode::Char('r'));
    assert_eq!(sandbox.store().create_requests(), 1);
}

#[tokio::test]
async fn a_double_enter_and_key_repeats_send_once() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("Once").await;
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    let mut repeat = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    repeat.kind = KeyEventKind::Repeat;
    h.send(repeat);
    h.send(repeat);
    h.wait_for_result().await;
    assert_eq!(sandbox.store().create_requests(), 1);
    assert_eq!(sandbox.store().batches().len(), 1);
}

#[tokio::test]
async fn success_is_verified_in_the_list_copied_and_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let journal_path = store.journal();
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    h.fill_and_review("Verified").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(
        screen.contains("In Weya's list     listed, status paused"),
        "{screen}"
    );
    h.key(KeyCode::Char('c'));
    assert!(h.screen().contains("copied (OSC 52)"));
    let id = sandbox.store().batches()[0].id.clone();

    let entries = wait_for_journal(&journal_path, 1).await;
    assert_eq!(entries[0].outcome, JournalOutcome::Created);
    assert_eq!(entries[0].batch_id.as_deref(), Some(id.as_str()));
    assert_eq!(entries[0].target, "sandbox");

    // n: a new batch from the same values; the same name is flagged.
    h.key(KeyCode::Char('n'));
    assert_eq!(h.app().create.form.focus, FieldId::Name);
    h.ctrl('s');
    let review = h.screen();
    assert!(
        review.contains("already created from this machine"),
        "{review}"
    );
}

/// Polls the journal (written on a blocking thread) until it has `n` entries.
async fn wait_for_journal(path: &std::path::Path, n: usize) -> Vec<journal::JournalEntry> {
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    loop {
        let (entries, _) = journal::read(path).unwrap();
        if entries.len() >= n {
            return entries;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "journal has {} entries",
            entries.len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls (on the test's clock) until the sandbox has had `n` createBatch
/// requests.
async fn wait_for_requests(sandbox: &Sandbox, n: usize) {
    let deadline = tokio::time::Instant::now() + common::PATIENCE;
    while sandbox.store().create_requests() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sandbox never got request {n}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Polls, in real time, until `path` exists or not as `present` says: the
/// draft is written on a blocking thread, which a paused clock does not
/// wait for.
async fn wait_for_file(path: &std::path::Path, present: bool) {
    let deadline = std::time::Instant::now() + common::PATIENCE;
    while path.exists() != present {
        assert!(
            std::time::Instant::now() < deadline,
            "{} exists: {}",
            path.display(),
            path.exists()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A sandbox that takes 4 s to store a batch, and a client that waits 6 s.
async fn storing_late() -> (Sandbox, weya_tui::api::ClientConfig) {
    let sandbox = sandbox_with(Fault::SlowStore(Duration::from_secs(4))).await;
    let mut config = sandbox.client_config();
    config.timeout = Duration::from_secs(6);
    (sandbox, config)
}

#[tokio::test(start_paused = true)]
async fn esc_and_r_twice_against_a_server_that_stores_late_send_once() {
    let (sandbox, config) = storing_late().await;
    let mut h = Harness::new(config, 120, 40);
    h.fill_and_review("Late").await;
    h.key(KeyCode::Enter);
    wait_for_requests(&sandbox, 1).await;
    // Enter, Esc, r, Esc, r: the lookup after each Esc finds nothing,
    // because the server has not stored the batch yet.
    for _ in 0..2 {
        h.key(KeyCode::Esc);
        if matches!(h.app().create.screen, Screen::Result(_)) {
            h.wait_for_result().await;
            assert!(
                !h.screen().contains("should not make a second one"),
                "{}",
                h.screen()
            );
        }
        h.key(KeyCode::Char('r'));
    }
    // Long after every request's time is up.
    tokio::time::sleep(Duration::from_secs(60)).await;
    while let Some(msg) = h.runtime.ready_reply() {
        h.runtime.dispatch(msg);
    }
    assert_eq!(sandbox.store().create_requests(), 1, "one POST");
    assert_eq!(sandbox.store().batches().len(), 1, "one batch");
    let id = sandbox.store().batches()[0].id.clone();
    let notice = h.app().create.notice.clone().unwrap_or_default();
    assert!(
        notice.contains(&format!("was created after all: {id}")),
        "the form says what became of it: {notice}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_abandoned_send_that_lands_shows_its_batch_and_forgets_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let (journal_path, draft_path) = (store.journal(), store.draft());
    let (sandbox, config) = storing_late().await;
    let mut h = Harness::with_store(config, 120, 40, Some(store));
    h.fill_and_review("Landed").await;
    wait_for_file(&draft_path, true).await;
    h.key(KeyCode::Enter);
    wait_for_requests(&sandbox, 1).await;
    h.key(KeyCode::Esc);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("you stopped waiting"), "{screen}");
    assert!(screen.contains("still running"), "{screen}");
    assert!(
        screen.contains("The first send may still arrive (up to 6 s"),
        "the configured timeout: {screen}"
    );
    assert!(
        !screen.contains("r send again"),
        "r is not offered: {screen}"
    );
    h.key(KeyCode::Char('r'));
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)),
        "r sends nothing"
    );

    h.wait_for("the first send's own answer", |app| {
        matches!(&app.create.screen, Screen::Result(a)
            if matches!(a.outcome, weya_tui::tui::views::create::Outcome::Created(_)))
    })
    .await;
    h.wait_for_result().await;
    let id = sandbox.store().batches()[0].id.clone();
    let screen = h.screen();
    assert!(screen.contains("Batch created"), "{screen}");
    assert!(screen.contains(&id), "{screen}");
    assert!(screen.contains("listed, status paused"), "{screen}");
    assert!(
        !screen.contains("may still arrive"),
        "no stale notice: {screen}"
    );

    let entries = wait_for_journal(&journal_path, 2).await;
    assert_eq!(entries[0].outcome, JournalOutcome::Unknown);
    assert_eq!(entries[1].outcome, JournalOutcome::Created);
    assert_eq!(entries[1].batch_id.as_deref(), Some(id.as_str()));
    wait_for_file(&draft_path, false).await;
    assert_eq!(sandbox.store().create_requests(), 1);
}

#[tokio::test(start_paused = true)]
async fn after_an_abandoned_send_times_out_r_waits_for_a_look_past_the_deadline() {
    let sandbox = sandbox_with(Fault::Hang).await;
    let mut config = sandbox.client_config();
    config.timeout = Duration::from_secs(2);
    let mut h = Harness::new(config, 120, 40);
    h.runtime.set_landing(Duration::from_secs(5));
    h.fill_and_review("Lost").await;
    h.key(KeyCode::Enter);
    wait_for_requests(&sandbox, 1).await;
    h.key(KeyCode::Esc);
    h.wait_for_result().await;
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('r'));
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)),
        "not sent while it may still arrive, not even on a second r"
    );
    h.wait_for("the timeout", |app| {
        matches!(&app.create.screen, Screen::Result(a)
            if matches!(a.outcome, weya_tui::tui::views::create::Outcome::Failed(_)))
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("did not answer within 2 s"), "{screen}");
    h.key(KeyCode::Char('r'));
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)),
        "{}",
        h.screen()
    );
    h.wait_for(
        "a look after the deadline",
        |app| matches!(&app.create.screen, Screen::Result(a) if a.conclusive),
    )
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("no batch with this name, at a look after"),
        "{screen}"
    );
    assert!(screen.contains("r sends the same body again"), "{screen}");
    sandbox.store().set_fault(None);
    h.key(KeyCode::Char('r'));
    h.wait_for_result().await;
    assert!(h.screen().contains("Batch created"), "{}", h.screen());
    assert_eq!(sandbox.store().create_requests(), 2);
    assert_eq!(sandbox.store().batches().len(), 1);
}

#[tokio::test]
async fn a_201_whose_data_is_not_an_id_is_unknown_keeps_the_draft_and_is_looked_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let draft_path = store.draft();
    let sandbox = sandbox_with(Fault::NotAnId).await;
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.fill_and_review("No ID").await;
    wait_for_file(&draft_path, true).await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(!screen.contains("Batch created"), "{screen}");
    assert!(screen.contains("Outcome unknown"), "{screen}");
    assert!(
        screen.contains(r#"the answer gave no batch ID (data was "abc", 3 characters"#),
        "{screen}"
    );
    let id = sandbox.store().batches()[0].id.clone();
    assert!(screen.contains(&format!("FOUND: batch {id}")), "{screen}");
    h.key(KeyCode::Char('r'));
    h.key(KeyCode::Char('r'));
    assert_eq!(sandbox.store().create_requests(), 1);
    assert!(draft_path.exists(), "the draft is kept");
}
