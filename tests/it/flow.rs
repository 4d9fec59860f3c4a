//! Whole flows: the real app on a TestBackend with scripted keys, against the
//! embedded sandbox over loopback HTTP.

use crate::common;

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;
use tokio::net::TcpListener;

use common::{Harness, object_id_in, screen_text};
use weya_tui::api::{Auth, ClientConfig, WeyaClient};
use weya_tui::form::FieldId;
use weya_tui::sandbox::Sandbox;
use weya_tui::tui::views::create::{Outcome, Screen};
use weya_tui::{Runtime, run};

#[tokio::test]
async fn name_tab_space_ctrl_s_enter_creates_a_batch_and_shows_its_id() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.wait_for_phones().await;
    assert!(h.screen().contains("+1 212-555-0143"), "phone list shown");

    h.type_text("May renewals");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.ctrl('s');
    let review = h.screen();
    assert!(
        review.contains("\"batchName\": \"May renewals\""),
        "{review}"
    );
    assert!(review.contains("Nothing has been sent yet"), "{review}");
    assert!(sandbox.store().batches().is_empty(), "review sends nothing");

    h.key(KeyCode::Enter);
    h.wait_for("the result", |app| {
        matches!(app.create.screen, Screen::Result(_))
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("Batch created"), "{screen}");
    let id = object_id_in(&screen.replace("64e5f12345abcdef", "")).expect("an ID on screen");
    let stored = sandbox.store().batches();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, id, "the ID shown is the one the server made");
    assert_eq!(stored[0].name, "May renewals");
    assert_eq!(
        stored[0].body["callingNumbers"],
        serde_json::json!(["64e5f12345abcdef87654321"])
    );

    h.key(KeyCode::Esc);
    assert!(matches!(h.app().create.screen, Screen::Form));
    assert_eq!(
        h.app().create.form.name.value(),
        "May renewals",
        "form kept"
    );
}

#[tokio::test]
async fn ctrl_s_on_an_invalid_form_stays_and_focuses_the_first_error() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.wait_for_phones().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("25:00");
    h.ctrl('s');
    assert!(matches!(h.app().create.screen, Screen::Form));
    assert_eq!(h.app().create.form.focus, FieldId::Name);
    let screen = h.screen();
    assert!(screen.contains("✗ Enter a batch name"), "{screen}");
    assert!(screen.contains("is not a time"), "{screen}");
    assert!(screen.contains("2 fields to fix"), "{screen}");
    assert_eq!(
        h.app().create.form.window_start.value(),
        "25:00",
        "typing replaced the selected value and is kept"
    );
}

#[tokio::test]
async fn a_server_400_is_shown_with_its_field_and_the_form_is_intact() {
    // A stand-in that rejects the timezone, as a stricter Weya might.
    let reject = post(|| async {
        (
            axum::http::StatusCode::BAD_REQUEST,
            [("x-request-id", "req-7")],
            axum::Json(serde_json::json!({"status":false,"code":400,
                "message":"Bad request","errorMessage":"timezone is not supported"})),
        )
    });
    let mut h = stand_in(reject, "k", 120, 40).await;
    h.wait_for_phones().await;
    h.type_text("EU wave");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.ctrl('s');
    h.key(KeyCode::Enter);
    h.wait_for("the result", |app| {
        matches!(app.create.screen, Screen::Result(_))
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("The batch was not created"), "{screen}");
    assert!(screen.contains("timezone is not supported"), "{screen}");
    assert!(screen.contains("req-7"), "request ID shown: {screen}");
    h.key(KeyCode::Esc);
    let form = h.screen();
    assert!(form.contains("✗ Weya: timezone is not supported"), "{form}");
    assert_eq!(h.app().create.form.focus, FieldId::Timezone);
    assert_eq!(h.app().create.form.name.value(), "EU wave");
    assert_eq!(h.app().create.form.numbers.selected_count(), 1);
}

#[tokio::test]
async fn esc_while_sending_stops_waiting_and_says_the_outcome_is_unknown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen_tx, mut seen) = tokio::sync::mpsc::channel::<()>(1);
    let router = Router::new().route(
        "/api/call/createBatch",
        post(move || {
            let seen_tx = seen_tx.clone();
            async move {
                let _ = seen_tx.send(()).await;
                std::future::pending::<()>().await;
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let config = ClientConfig::new(url, Auth::ApiKey(SecretString::from("k")));
    let mut h = Harness::new(config, 120, 40);
    h.wait_for("the failed phone fetch", |app| {
        app.create.form.numbers.phones.error().is_some()
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("Could not load the phone list: no user ID"),
        "fetch error shown in the field: {screen}"
    );

    // Nothing to pick from: go straight to a review by filling the picker by ID.
    h.runtime.app.create.form.numbers =
        weya_tui::form::phones::PhonePicker::with_selected(vec!["64e5f12345abcdef87654321".into()]);
    h.type_text("Slow");
    h.ctrl('s');
    h.key(KeyCode::Enter);
    tokio::time::timeout(common::PATIENCE, seen.recv())
        .await
        .expect("request reached the server");
    assert!(h.screen().contains("Sending"));
    h.key(KeyCode::Esc);
    match &h.app().create.screen {
        Screen::Result(answer) if matches!(answer.outcome, Outcome::Abandoned { .. }) => {}
        other => panic!("expected an abandoned outcome, got {other:?}"),
    }
    assert!(h.screen().contains("Outcome unknown"));
}

#[tokio::test]
async fn run_draws_takes_scripted_keys_and_quits_on_ctrl_c() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let mut runtime = Runtime::new(common::context(), client, None);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let key = |code| Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let mut script: Vec<std::io::Result<Event>> =
        "Q3 push".chars().map(|c| key(KeyCode::Char(c))).collect();
    script.push(Ok(Event::Paste(" EU\nwave".into())));
    script.push(key(KeyCode::Tab));
    script.push(Ok(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    ))));
    script.push(key(KeyCode::Char('x'))); // after Ctrl-C: never applied
    tokio::time::timeout(
        Duration::from_secs(10),
        run(&mut terminal, futures::stream::iter(script), &mut runtime),
    )
    .await
    .expect("run returns")
    .expect("run ok");
    let app = &runtime.app;
    assert!(app.quit);
    assert_eq!(app.create.form.name.value(), "Q3 push EU wave");
    assert_eq!(app.create.form.focus, FieldId::Numbers);
    let screen = screen_text(terminal.backend());
    assert!(screen.contains("SANDBOX"), "{screen}");
}

#[tokio::test]
async fn ctrl_z_on_a_terminal_that_cannot_suspend_says_so_and_keeps_the_form() {
    use futures::StreamExt;
    let sandbox = Sandbox::start(0).await.unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let mut runtime = Runtime::new(common::context(), client, None);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let ctrl = |c| {
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )))
    };
    let typed = "Kept".chars().map(|c| {
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    });
    // The input waits once after Ctrl-Z, as a person would: the run loop
    // acts on the terminal when nothing else is ready.
    let input =
        futures::stream::iter(typed.chain([ctrl('z')])).chain(futures::stream::once(async move {
            tokio::task::yield_now().await;
            ctrl('c')
        }));
    tokio::time::timeout(
        Duration::from_secs(10),
        run(&mut terminal, Box::pin(input), &mut runtime),
    )
    .await
    .expect("run returns")
    .expect("run ok");
    assert_eq!(runtime.app.create.form.name.value(), "Kept");
    let screen = screen_text(terminal.backend());
    assert!(screen.contains("Ctrl-Z does nothing here"), "{screen}");
}

#[tokio::test]
async fn another_server_receives_exactly_the_documented_body_with_x_api_key() {
    type Seen = (axum::http::HeaderMap, axum::body::Bytes);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Seen>(4);
    let create = post(
        move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body)).await;
                (
                    axum::http::StatusCode::CREATED,
                    axum::Json(serde_json::json!({"message":"Batch created successfully",
                    "status":true,"code":201,"errorMessage":"","data":"64e5f12345abcdef98765432"})),
                )
            }
        },
    );
    let mut h = stand_in(create, "workspace-key-123", 80, 24).await;
    h.wait_for_phones().await;
    h.type_text("API Campaign May 2025");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.ctrl('s');
    let shown = match &h.app().create.screen {
        Screen::Review(review) => review.body.clone(),
        other => panic!("expected the review, got {other:?}"),
    };
    h.key(KeyCode::Enter);
    let (headers, body) = tokio::time::timeout(common::PATIENCE, rx.recv())
        .await
        .expect("the server got the request")
        .unwrap();
    assert_eq!(headers["x-api-key"], "workspace-key-123");
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers.get("authorization").is_none());
    assert_eq!(body, shown.as_bytes(), "the review showed the exact bytes");
    let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"batchName":"API Campaign May 2025","callingNumbers":["64e5f12345abcdef87654321"],
            "retry":3,"delay":60,"timezone":"America/New_York",
            "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]})
    );
    h.wait_for("the result", |app| {
        matches!(app.create.screen, Screen::Result(_))
    })
    .await;
    assert!(h.screen().contains("64e5f12345abcdef98765432"));
}

/// A stand-in Weya that answers createBatch with `create` and lists one
/// phone, and the app pointed at it with `key`.
async fn stand_in(
    create: axum::routing::MethodRouter,
    key: &str,
    width: u16,
    height: u16,
) -> Harness {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let one_phone = axum::routing::get(|| async {
        axum::Json(serde_json::json!({"status":true,"code":200,"data":[
            {"_id":"64e5f12345abcdef87654321","phoneNumber":"12125550143","integration":"twilio","label":"NY"}]}))
    });
    let router = Router::new()
        .route("/api/call/createBatch", create)
        .route("/api/call/phones/{user}", one_phone);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let mut config = ClientConfig::new(url, Auth::ApiKey(SecretString::from(key.to_owned())));
    config.user_id = Some("64e5f12345abcdef11111111".into());
    Harness::new(config, width, height)
}

/// Issue 16, item 5: one source for the review text. `weya-tui create`
/// prints the very lines the review screen shows for the same request
/// (today's time, the same timezone of the operator): the TUI and the CLI
/// call the same library code.
#[tokio::test(flavor = "multi_thread")]
async fn create_prints_the_lines_the_review_screen_shows() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::new(sandbox.client_config(), 220, 50);
    h.runtime
        .dispatch(weya_tui::tui::Msg::Clock(chrono::Utc::now()));
    h.fill_and_review("Same words").await;
    let review = h.screen();
    let Screen::Review(shown) = &h.app().create.screen else {
        unreachable!()
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("batch.json");
    std::fs::write(&file, &shown.body).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weya-tui"))
        .args(["create", "--yes", "--file"])
        .arg(&file)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        // The harness's operator is in Kolkata.
        .env("TZ", "Asia/Kolkata")
        .env("WEYA_BASE_URL", sandbox.base_url())
        .env(
            "WEYA_API_KEY",
            secrecy::ExposeSecret::expose_secret(sandbox.key()),
        )
        .env("WEYA_USER_ID", weya_tui::sandbox::SANDBOX_USER_ID)
        .env_remove("WEYA_TOKEN")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let printed: Vec<(&str, &str)> = stderr
        .lines()
        .take_while(|l| !l.starts_with("weya-tui:"))
        .map(|l| (l[..12].trim_end(), &l[13..]))
        .collect();
    assert!(printed.len() >= 5, "{stderr}");
    for (label, value) in printed {
        if label == "Target" {
            // The harness's app calls its sandbox a sandbox; the command
            // was given its URL and key as a remote.
            continue;
        }
        let line = review
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("the review has no {label:?} line:\n{review}"));
        // The body may stand beside, further right.
        assert!(
            line.trim_start()[label.len()..]
                .trim_start()
                .starts_with(&format!("{value}  ")),
            "{label}: {value}\n{review}\n{stderr}"
        );
    }
    // Warnings too (the same list, one source).
    for warning in stderr
        .lines()
        .filter_map(|l| l.strip_prefix("weya-tui: warning: "))
    {
        let start: String = warning.chars().take(30).collect();
        assert!(review.contains(&start), "{warning}\n{review}");
    }
}

#[tokio::test]
async fn n_on_the_phone_list_registers_a_number_keeps_its_id_and_selects_it() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("config/phonebook.toml");
    let mut h = Harness::on_sandbox(&sandbox);
    h.runtime.set_phone_book(book.clone());
    h.wait_for_phones().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char('n'));
    assert!(h.screen().contains("Add a number (add-phone)"));

    // A wrong number is said beside it, and nothing is sent.
    h.type_text("+1 415 555 0100");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Right); // telnyx
    h.key(KeyCode::Tab);
    h.type_text("SF desk");
    h.key(KeyCode::Tab);
    h.type_text("tok-7f3a9c0e5b1d");
    h.key(KeyCode::Tab);
    h.type_text("AC-2b8e4d6f0a1c");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("✗ Number: Write the number as digits"),
        "{screen}"
    );
    assert!(
        !screen.contains("tok-7f3a") && !screen.contains("AC-2b8e"),
        "{screen}"
    );
    assert_eq!(sandbox.store().phones().len(), 12, "nothing sent");

    // Fixed in place: the rest is as it was typed.
    h.ctrl('u');
    h.type_text("14155550100");
    h.key(KeyCode::Enter);
    h.wait_for("the number registered", |app| {
        !matches!(
            app.create.form.numbers.mode,
            weya_tui::form::phones::Mode::Adding(_)
        )
    })
    .await;
    let phones = sandbox.store().phones();
    let added = phones.last().unwrap();
    assert_eq!(phones.len(), 13);
    assert_eq!(
        (added.phone_number.as_str(), added.integration.as_str()),
        ("14155550100", "telnyx")
    );
    let numbers = &h.app().create.form.numbers;
    assert_eq!(numbers.selected_ids(), vec![added.id.clone()], "selected");
    let kept = weya_tui::config::load_phone_book(&book).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].id.as_str(), kept[0].label.as_str()),
        (added.id.as_str(), "SF desk")
    );
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "Registered +1 415-555-0100 (SF desk) as phone ID {}",
            added.id
        )),
        "{screen}"
    );
    // The new number calls a batch.
    h.key(KeyCode::BackTab);
    h.type_text("From SF");
    h.ctrl('s');
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    assert_eq!(
        sandbox.store().batches()[0].body["callingNumbers"],
        serde_json::json!([added.id])
    );
}

#[tokio::test]
async fn a_refused_add_phone_is_said_in_the_dialog_with_everything_typed_kept() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut config = sandbox.client_config();
    // A user the sandbox does not know: add-phone answers 404.
    config.user_id = Some("64e5f12345abcdef00000000".into());
    let mut h = Harness::new(config, 120, 40);
    h.wait_for("the phone list's answer", |app| {
        !app.create.form.numbers.phones.is_loading()
    })
    .await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char('n'));
    h.type_text("14155550100");
    for _ in 0..3 {
        h.key(KeyCode::Tab);
    }
    h.type_text("tok-7f3a9c0e5b1d");
    h.key(KeyCode::Tab);
    h.type_text("AC-2b8e4d6f0a1c");
    h.key(KeyCode::Enter);
    h.wait_for("the refusal", |app| match &app.create.form.numbers.mode {
        weya_tui::form::phones::Mode::Adding(d) => d.failure.is_some(),
        _ => false,
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("✗ HTTP 404 (not found): User not found"),
        "{screen}"
    );
    let weya_tui::form::phones::Mode::Adding(dialog) = &h.app().create.form.numbers.mode else {
        panic!("the dialog stays open");
    };
    assert_eq!(dialog.number.value(), "14155550100");
    assert_eq!(dialog.auth_token.value(), "tok-7f3a9c0e5b1d");
    assert!(dialog.sending.is_none(), "it may be sent again");
    let shown = format!("{:?}", h.app().create.form.numbers);
    assert!(
        !shown.contains("tok-7f3a") && !shown.contains("AC-2b8e"),
        "{shown}"
    );
    // Esc closes it; nothing was registered.
    h.key(KeyCode::Esc);
    assert!(!h.screen().contains("Add a number"));
    assert_eq!(sandbox.store().phones().len(), 12);
}
