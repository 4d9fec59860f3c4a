//! The campaign views in the whole app (shell, effects, client) against
//! the embedded sandbox, on a dialer clock the test moves: Ctrl-B → the
//! list → Enter → details → Esc → start → the rows progress → stop →
//! delete with the typed name (a wrong name deletes nothing), and every
//! start, stop and delete in the journal.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::KeyCode;

use common::{Harness, store_in};
use weya_tui::api::BatchSummary;
use weya_tui::sandbox::{Clock, DialerConfig, Sandbox, SandboxOptions};
use weya_tui::store::journal::{self, JournalAction, JournalOutcome};
use weya_tui::tui::Msg;
use weya_tui::tui::Shell as App;
use weya_tui::tui::views::View;
use weya_tui::tui::views::batches::details::BatchDetailsView;
use weya_tui::tui::views::batches::list::{BatchList, ListMsg};

/// Thursday 15 Jan 2026, 09:00 in Chicago (the window of "Welcome calls").
fn thursday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap()
}

const WELCOME: &str = "Example: Welcome calls (every day, any hour)";

async fn sandbox() -> Sandbox {
    Sandbox::start_with(
        0,
        SandboxOptions {
            examples: true,
            clock: Clock::Manual {
                start: thursday_morning(),
            },
            dialer: DialerConfig {
                ignore_window: true,
                ..DialerConfig::default()
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap()
}

fn list(app: &App) -> Option<&BatchList> {
    app.stack.iter().rev().find_map(|v| match v {
        View::BatchList(list) => Some(list),
        _ => None,
    })
}

fn details(app: &App) -> Option<&BatchDetailsView> {
    match app.top() {
        Some(View::BatchDetails(d)) => Some(d),
        _ => None,
    }
}

fn selected(app: &App) -> BatchSummary {
    list(app)
        .and_then(BatchList::selected)
        .cloned()
        .expect("a batch is highlighted")
}

/// The row of the batch named `name` on screen.
fn row(h: &mut Harness, name: &str) -> String {
    let screen = h.screen();
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name:?} in\n{screen}"))
        .to_owned()
}

/// What the list's subscription sends every few seconds.
fn refresh(h: &mut Harness) {
    h.runtime.dispatch(Msg::BatchList(ListMsg::Tick));
}

async fn wait_for_answer(h: &mut Harness, id: &str) {
    h.wait_for("the answer to the action", |app| {
        list(app).is_some_and(|l| !l.is_pending(id) && l.dialog().is_none())
    })
    .await;
}

#[tokio::test]
async fn list_details_start_progress_stop_and_delete_in_the_app() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let journal_path = store.journal();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));

    // Ctrl-B: the sandbox's examples, newest first.
    h.ctrl('b');
    h.wait_for("the batch list", |app| {
        list(app).is_some_and(|l| !l.rows().is_empty())
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("weya-tui │ Batches"), "{screen}");
    assert!(screen.contains("sandbox's examples"), "{screen}");
    assert!(screen.contains("page 1/1 · 4 batches"), "{screen}");
    let first = row(&mut h, "Example:");
    assert!(first.contains(WELCOME), "newest first: {first}");
    assert!(
        first.contains("‖ paused") && first.contains("0/24"),
        "{first}"
    );
    let id = selected(h.app()).id;

    // Enter: its calls, under a breadcrumb; Esc: the list again.
    h.key(KeyCode::Enter);
    assert_eq!(h.app().breadcrumb(), ["Batches", WELCOME]);
    h.wait_for("the calls", |app| {
        details(app).is_some_and(|d| !d.calls().is_empty())
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("weya-tui │ Batches › Example: Welcome calls (every day, any hour)"),
        "{screen}"
    );
    assert!(screen.contains("24 calls"), "{screen}");
    h.key(KeyCode::Esc);
    assert_eq!(h.app().breadcrumb(), ["Batches"]);
    h.wait_for("the list refreshed as it came back", |app| {
        list(app).is_some_and(|l| l.selected().is_some())
    })
    .await;
    assert_eq!(selected(h.app()).id, id, "the cursor stayed");

    // s: asked first, then started; shown at once, confirmed by Weya.
    h.key(KeyCode::Char('s'));
    assert!(
        h.screen()
            .contains("Start calling “Example: Welcome calls (every day, any hour)”?")
    );
    h.key(KeyCode::Enter);
    assert!(row(&mut h, WELCOME).contains("▶ active…"), "at once");
    wait_for_answer(&mut h, &id).await;
    assert!(row(&mut h, WELCOME).contains("▶ active"));
    assert!(h.screen().contains("Started calling"));

    // Ten seconds of dialing: the row moves on, the cursor stays.
    sandbox.advance(Duration::from_secs(10));
    refresh(&mut h);
    h.wait_for("calls answered", |app| {
        selected(app).calls_picked.unwrap() >= 5
    })
    .await;
    assert_eq!(selected(h.app()).id, id);

    // x: stopped; nothing new is picked up afterwards.
    h.key(KeyCode::Char('x'));
    assert!(
        h.screen()
            .contains("Calls in progress finish; no new calls start.")
    );
    h.key(KeyCode::Enter);
    wait_for_answer(&mut h, &id).await;
    assert!(row(&mut h, WELCOME).contains("■ stopped"));
    sandbox.advance(Duration::from_secs(30));
    refresh(&mut h);
    h.wait_for("a refresh", |app| {
        list(app).is_some_and(|l| l.selected().is_some())
    })
    .await;
    let stored_picked = |s: &Sandbox| {
        s.store()
            .batch(&id)
            .map(|b| b.calls.iter().filter(|c| !c.logs.is_empty()).count())
    };
    let after_stop = stored_picked(&sandbox);
    sandbox.advance(Duration::from_secs(30));
    assert_eq!(stored_picked(&sandbox), after_stop, "the dialer stopped");

    // D with a wrong name: nothing is deleted, and the dialog says so.
    h.key(KeyCode::Char('D'));
    h.type_text("Welcome calls");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("nothing was deleted"));
    assert!(sandbox.store().batch(&id).is_some());
    // The right name: gone, here and on the server.
    for _ in 0.."Welcome calls".len() {
        h.key(KeyCode::Backspace);
    }
    h.type_text(WELCOME);
    h.key(KeyCode::Enter);
    wait_for_answer(&mut h, &id).await;
    assert!(sandbox.store().batch(&id).is_none());
    h.wait_for("the page without it", |app| {
        list(app).is_some_and(|l| l.rows().len() == 3)
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.contains("Deleted “Example: Welcome calls (every day, any hour)”."),
        "{screen}"
    );
    assert!(screen.contains("page 1/1 · 3 batches"), "{screen}");

    // The journal has each of them, done, with the batch's name.
    let (entries, _) = journal::read(&journal_path).unwrap();
    let done: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.action,
                e.outcome,
                e.batch_name.as_str(),
                e.batch_id.as_deref(),
            )
        })
        .collect();
    let id = Some(id.as_str());
    assert_eq!(
        done,
        [
            (JournalAction::Start, JournalOutcome::Done, WELCOME, id),
            (JournalAction::Stop, JournalOutcome::Done, WELCOME, id),
            (JournalAction::Delete, JournalOutcome::Done, WELCOME, id),
        ]
    );
    assert!(entries.iter().all(|e| e.target == "sandbox"));
}

#[tokio::test]
async fn the_details_header_follows_the_dialer_without_the_list() {
    let sandbox = sandbox().await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.ctrl('b');
    h.wait_for("the batch list", |app| {
        list(app).is_some_and(|l| !l.rows().is_empty())
    })
    .await;
    let opened = selected(h.app());
    assert_eq!(opened.batch_name, WELCOME);
    assert_eq!(
        (
            opened.calls_picked.unwrap(),
            opened.calls_completed.unwrap()
        ),
        (0, 0)
    );
    h.key(KeyCode::Enter);
    h.wait_for("the calls", |app| {
        details(app).is_some_and(|d| !d.calls().is_empty())
    })
    .await;
    assert!(
        h.screen().contains("0 completed · 0 picked up · 24 calls"),
        "{}",
        h.screen()
    );

    // The dialer starts elsewhere (another operator, the dashboard).
    let client = weya_tui::api::WeyaClient::new(sandbox.client_config()).unwrap();
    client.start_calling(&opened.id).await.unwrap();
    sandbox.advance(Duration::from_secs(10));
    // What the details' subscription sends every few seconds.
    h.runtime.dispatch(Msg::BatchDetails {
        batch_id: opened.id.clone(),
        msg: weya_tui::tui::views::batches::details::DetailsMsg::Tick,
    });
    h.wait_for("the header's progress", |app| {
        details(app)
            .and_then(BatchDetailsView::summary)
            .is_some_and(|s| s.calls_picked.unwrap() >= 5)
    })
    .await;
    let screen = h.screen();
    let header = screen
        .lines()
        .find(|l| l.contains("picked up ·"))
        .unwrap_or_else(|| panic!("no totals in\n{screen}"));
    assert!(!header.contains(" 0 picked up"), "{header}");
    assert!(screen.contains("▶ active"), "{screen}");
    // The list under it was not asked: it still says what it said.
    let under = selected(h.app());
    assert_eq!(
        (under.calls_picked.unwrap(), under.queue_status.as_str()),
        (0, "paused")
    );
}

/// A sandbox holding 59 batches, "Bulk 01" to "Bulk 59" (the newest
/// first on the list).
async fn fifty_nine_batches() -> Sandbox {
    let sandbox = Sandbox::start_with(0, SandboxOptions::default())
        .await
        .unwrap();
    let client = weya_tui::api::WeyaClient::new(sandbox.client_config()).unwrap();
    for n in 1..=59 {
        let request = weya_tui::api::BatchRequest {
            batch_name: format!("Bulk {n:02}"),
            calling_numbers: vec!["64e5f12345abcdef87654321".into()],
            retry: None,
            delay: None,
            timezone: Some("America/New_York".into()),
            calling_hour: None,
            allowed_days: None,
        };
        client.create_batch(&request).await.unwrap();
    }
    sandbox
}

/// The footer's page line ("page 1/5 · 59 batches").
fn page_line(h: &mut Harness) -> String {
    let screen = h.screen();
    screen
        .lines()
        .find(|l| l.trim_start().starts_with("page "))
        .unwrap_or_else(|| panic!("no page line in\n{screen}"))
        .split_whitespace()
        .take(5)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn wait_for_page(h: &mut Harness) {
    h.wait_for("the batch list's page", |app| {
        list(app).is_some_and(|l| !l.is_loading() && !l.rows().is_empty())
    })
    .await;
}

/// Ctrl-B and PgDn at once, as a fast operator does: the PgDn is not lost
/// while the first page loads, and the first page is already the size of
/// every later one, so a refresh moves neither the highlight nor the
/// page count.
#[tokio::test]
async fn the_first_page_fits_the_screen_and_a_key_sent_with_ctrl_b_is_kept() {
    let sandbox = fifty_nine_batches().await;
    // 80x24: 14 rows a page, 5 pages; 120x40: 30 rows, 2 pages.
    for (width, height, rows, pages) in [(80, 24, 14, 5), (120, 40, 30, 2)] {
        let mut h = Harness::new(sandbox.client_config(), width, height);
        h.runtime.dispatch(Msg::Resize(width, height));
        h.ctrl('b');
        h.key(KeyCode::PageDown);
        wait_for_page(&mut h).await;
        let at = format!("{width}x{height}");
        assert_eq!(list(h.app()).unwrap().rows().len(), rows, "{at}");
        let shown = selected(h.app()).batch_name;
        assert_eq!(
            shown,
            format!("Bulk {:02}", 59 - (rows - 1)),
            "{at}: the PgDn went to the last row on screen:\n{}",
            h.screen()
        );
        let footer = page_line(&mut h);
        assert_eq!(footer, format!("page 1/{pages} · 59 batches"), "{at}");

        refresh(&mut h);
        wait_for_page(&mut h).await;
        assert_eq!(selected(h.app()).batch_name, shown, "{at}: no key, no move");
        assert_eq!(page_line(&mut h), footer, "{at}");
        assert!(
            row(&mut h, &shown).contains(&shown),
            "{at}: the highlighted batch is on screen"
        );
    }
}

/// A refused credential on the list says what the start and stop dialogs
/// and the CLI say: Weya's words, the request ID, what Weya documents for
/// the list and which credential was sent from where, and points to
/// `weya-tui doctor`. Configured with the workspace key alone, the list
/// (a Bearer page) is refused by the sandbox as Weya would refuse it.
#[tokio::test]
async fn a_refused_credential_on_the_list_says_which_was_sent_and_the_request_id() {
    use weya_tui::api::{AuthMode, Credential, Credentials};
    let sandbox = Sandbox::start_with(0, SandboxOptions::default())
        .await
        .unwrap();
    let mut config = sandbox.client_config();
    config.credentials = Credentials::default().with(
        AuthMode::ApiKey,
        Credential::new(sandbox.key().clone(), "environment variable WEYA_API_KEY"),
    );
    let mut h = Harness::new(config, 120, 40);
    h.runtime.dispatch(Msg::Resize(120, 40));
    h.ctrl('b');
    h.wait_for("the refusal", |app| {
        list(app).is_some_and(|l| !l.is_loading())
    })
    .await;
    let screen = h.screen();
    // The notice wraps: read it as one text.
    let text = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        "HTTP 401: Weya says “Token missing: this endpoint requires Authorization: Bearer” \
         (request ID ",
        "Weya documents a Bearer token for the batch list; this request sent x-api-key from \
         environment variable WEYA_API_KEY, the only credential configured: set WEYA_TOKEN, \
         or token in the config file. `weya-tui doctor` checks each credential.",
    ] {
        assert!(text.contains(said), "{said:?} not in\n{screen}");
    }
}

/// Issue 16: a batch whose name is blank was deleted by D and Enter with
/// nothing typed. The dialog asks for its ID instead, as the CLI does.
#[tokio::test]
async fn a_batch_without_a_name_is_deleted_only_once_its_id_is_typed() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let id = sandbox
        .store()
        .try_insert("   ".into(), serde_json::json!({"batchName": "   "}))
        .unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.ctrl('b');
    h.wait_for("the batch list", |app| {
        list(app).is_some_and(|l| !l.rows().is_empty())
    })
    .await;
    h.key(KeyCode::Char('D'));
    let screen = h.screen();
    assert!(
        screen.contains("It has no name to type: to confirm, type its ID")
            && screen.contains(&format!("“{id}” below")),
        "asks for the ID: {screen}"
    );
    h.key(KeyCode::Enter);
    assert!(
        h.screen()
            .contains("That is not the batch's ID; nothing was deleted"),
        "{}",
        h.screen()
    );
    h.type_text("   ");
    h.key(KeyCode::Enter);
    assert!(
        sandbox.store().batch(&id).is_some(),
        "nothing typed deletes nothing"
    );
    for _ in 0..3 {
        h.key(KeyCode::Backspace);
    }
    h.type_text(&id);
    h.key(KeyCode::Enter);
    wait_for_answer(&mut h, &id).await;
    assert!(sandbox.store().batch(&id).is_none());
}

/// Issue 20, the path an operator took: the list, a batch's calls, one
/// Esc too many, then `x` meant for the list. Esc never leads back into
/// the form, so `x` is the list's stop (asking first) and the form's
/// name is untouched; a workspace known to have batches opens on them.
#[tokio::test]
async fn one_esc_too_many_never_types_a_list_key_into_the_form() {
    let sandbox = sandbox().await;
    let mut h = Harness::on_sandbox(&sandbox);
    h.wait_for_phones().await;
    h.ctrl('b');
    h.wait_for("the batch list", |app| {
        list(app).is_some_and(|l| !l.rows().is_empty())
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the calls", |app| {
        details(app).is_some_and(|d| !d.calls().is_empty())
    })
    .await;
    for _ in 0..3 {
        h.key(KeyCode::Esc);
    }
    let screen = h.screen();
    assert!(
        screen.contains("Nothing under this screen: Ctrl-C quits"),
        "{screen}"
    );
    h.key(KeyCode::Char('x'));
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Stop calling “{WELCOME}”?")),
        "x is the list's stop, asking first:\n{screen}"
    );
    assert_eq!(h.app().create.form.name.value(), "");
    h.key(KeyCode::Esc);
    h.ctrl('n');
    assert_eq!(h.app().breadcrumb(), ["New batch"]);

    // Started again with the journal knowing a batch made here: the list.
    let mut context = common::context();
    context.known_batches = vec![weya_tui::tui::KnownBatch {
        name: "October renewals".into(),
        id: "64e5f12345abcdef98760000".into(),
        time: "2026-01-15 13:00 UTC".into(),
        target: "sandbox".into(),
        timezone: None,
        schedule: None,
        retry: None,
    }];
    let client = weya_tui::api::WeyaClient::new(sandbox.client_config()).unwrap();
    let mut h = Harness {
        runtime: weya_tui::tui::Runtime::new(context, client, None),
        terminal: ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap(),
    };
    h.wait_for("the batch list", |app| {
        list(app).is_some_and(|l| !l.rows().is_empty())
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("weya-tui │ Batches"), "{screen}");
    assert!(
        screen.ends_with("F1 help  Ctrl-P commands  Ctrl-B batches\n")
            || screen.trim_end().ends_with("Ctrl-B batches"),
        "{screen}"
    );
}
