use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::api::types::Pagination;
use crate::api::{Action as ApiAction, NetworkFailure};
use crate::api::{ApiError, Deleted, DialerState};
use crate::tui::widgets::DrawView;
use crate::tui::widgets::theme::Theme;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap()
}

fn id(n: usize) -> String {
    format!("{:024x}", 0x64e5_0000_0000_u64 + n as u64)
}

fn batch(n: usize, status: &str) -> BatchSummary {
    BatchSummary {
        id: id(n),
        batch_name: format!("Batch {n}"),
        total_calls: Some(40),
        calls_picked: Some(10),
        calls_completed: Some(5),
        queue_status: status.to_owned(),
        created_at: "2026-01-15T11:00:00.000Z".into(),
        updated_at: "2026-01-15T13:59:50.000Z".into(),
    }
}

fn page(range: std::ops::Range<usize>, page: u64, limit: u64, total: u64) -> BatchPage {
    let statuses = ["paused", "active", "completed", "stopped"];
    BatchPage {
        batches: range.map(|n| batch(n, statuses[n % 4])).collect(),
        pagination: Pagination {
            total,
            page,
            limit,
            total_pages: total.div_ceil(limit),
        },
    }
}

fn key(list: &mut BatchList, code: KeyCode) -> Vec<Cmd> {
    list.update(
        ListMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
        now(),
    )
}

fn type_text(list: &mut BatchList, text: &str) -> Vec<Cmd> {
    text.chars()
        .flat_map(|c| key(list, KeyCode::Char(c)))
        .collect()
}

/// Draws once (so the list knows how many rows fit) at `w`x`h`.
fn draw(list: &BatchList, w: u16, h: u16) -> String {
    draw_at(list, w, h, now())
}

/// [`draw`] at time `at`.
fn draw_at(list: &BatchList, w: u16, h: u16, at: DateTime<Utc>) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| DrawView::draw(list, &Theme::new(false), f, f.area(), at))
        .unwrap();
    crate::tui::testing::text_of(terminal.backend().buffer())
}

/// Sends a tick and returns the fetch it starts.
fn tick(list: &mut BatchList) -> (u64, BatchQuery, Duration) {
    fetch_of(list.update(ListMsg::Tick, now()))
}

fn fetch_of(cmds: Vec<Cmd>) -> (u64, BatchQuery, Duration) {
    match cmds.as_slice() {
        [
            Cmd::FetchBatches {
                generation,
                query,
                after,
            },
        ] => (*generation, query.clone(), *after),
        other => panic!("expected one fetch, got {other:?}"),
    }
}

fn load(list: &mut BatchList, generation: u64, result: Result<BatchPage, ApiError>) -> Vec<Cmd> {
    list.update(ListMsg::PageLoaded { generation, result }, now())
}

/// A list drawn at 80x24 with page 1 of 3 (10 rows a page) loaded.
fn loaded() -> BatchList {
    let mut list = BatchList::new(ViewContext::default());
    draw(&list, 80, 16);
    let (g, query, _) = tick(&mut list);
    assert_eq!(query.limit, 10, "the rows that fit");
    load(&mut list, g, Ok(page(0..10, 1, 10, 25)));
    list
}

fn refused() -> ApiError {
    ApiError::Network {
        kind: NetworkFailure::Refused,
        host: "127.0.0.1:1".into(),
    }
}

#[test]
fn the_limit_is_the_rows_that_fit_and_pgdn_at_the_last_row_fetches_the_next_page() {
    let mut list = loaded();
    assert!(draw(&list, 80, 16).contains("page 1/3 · 25 batches"));
    assert!(
        key(&mut list, KeyCode::PageDown).is_empty(),
        "to the last row first"
    );
    assert_eq!(list.selected().unwrap().id, id(9));
    let (g, query, after) = fetch_of(key(&mut list, KeyCode::PageDown));
    assert_eq!((query.page, query.limit, after), (2, 10, Duration::ZERO));
    load(&mut list, g, Ok(page(10..20, 2, 10, 25)));
    assert_eq!(
        list.selected().unwrap().id,
        id(10),
        "the new page's first row"
    );
    assert!(draw(&list, 80, 16).contains("page 2/3 · 25 batches"));

    let (g, query, _) = fetch_of(key(&mut list, KeyCode::PageUp));
    assert_eq!(query.page, 1);
    load(&mut list, g, Ok(page(0..10, 1, 10, 25)));
    assert_eq!(
        list.selected().unwrap().id,
        id(9),
        "PgUp lands on the last row"
    );
}

#[test]
fn pgdn_before_the_first_refit_keeps_the_cursor_on_the_next_row_not_the_top() {
    // Ctrl-B fetches before the first drawing: 20 rows a page, 2 pages.
    let mut list = BatchList::new(ViewContext::default());
    let (g, query, _) = tick(&mut list);
    assert_eq!((query.page, query.limit), (1, 20));
    load(&mut list, g, Ok(page(0..20, 1, 20, 25)));
    // Drawn at 120x40, 34 rows fit; PgDn twice: the last row, then the
    // next page, fitted to the screen: rows 21..25 are on page 1 now.
    draw(&list, 120, 40);
    key(&mut list, KeyCode::PageDown);
    assert_eq!(list.selected().unwrap().batch_name, "Batch 19");
    let (g, query, _) = fetch_of(key(&mut list, KeyCode::PageDown));
    assert_eq!((query.page, query.limit), (1, 34));
    load(&mut list, g, Ok(page(0..25, 1, 34, 25)));
    assert_eq!(
        list.selected().unwrap().batch_name,
        "Batch 20",
        "the row after the last one shown, not the top"
    );
    let screen = draw(&list, 120, 40);
    assert!(screen.contains("page 1/1 · 25 batches"), "{screen}");

    // PgUp over a refit the same way: the row before the first shown.
    let mut list = BatchList::new(ViewContext::default());
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..20, 1, 20, 45)));
    list.update(ListMsg::Input(Input::Action(Action::End)), now());
    let (g, query, _) = fetch_of(key(&mut list, KeyCode::PageDown));
    assert_eq!((query.page, query.limit), (2, 20), "not drawn yet");
    load(&mut list, g, Ok(page(20..40, 2, 20, 45)));
    draw(&list, 120, 40);
    let (g, query, _) = fetch_of(key(&mut list, KeyCode::PageUp));
    assert_eq!((query.page, query.limit), (1, 34));
    load(&mut list, g, Ok(page(0..34, 1, 34, 45)));
    assert_eq!(list.selected().unwrap().batch_name, "Batch 19");
}

#[test]
fn pgdn_on_the_last_page_fetches_nothing() {
    let mut list = BatchList::new(ViewContext::default());
    draw(&list, 80, 16);
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..4, 1, 10, 4)));
    key(&mut list, KeyCode::PageDown);
    assert!(key(&mut list, KeyCode::PageDown).is_empty());
}

#[test]
fn search_is_debounced_and_the_latest_wins() {
    let mut list = loaded();
    assert!(!list.is_typing());
    key(&mut list, KeyCode::Char('/'));
    assert!(list.is_typing());
    let fetches: Vec<_> = type_text(&mut list, "ju")
        .into_iter()
        .map(|c| fetch_of(vec![c]))
        .collect();
    assert_eq!(fetches.len(), 2);
    assert!(
        fetches
            .iter()
            .all(|(_, _, after)| *after == SEARCH_DEBOUNCE)
    );
    assert_eq!(fetches[0].1.search.as_deref(), Some("j"));
    assert_eq!(fetches[1].1.search.as_deref(), Some("ju"));
    assert!(fetches[0].0 < fetches[1].0);

    // The older answer is dropped even if it arrives last.
    load(&mut list, fetches[1].0, Ok(page(3..4, 1, 10, 1)));
    load(&mut list, fetches[0].0, Ok(page(0..10, 1, 10, 25)));
    assert_eq!(list.rows().len(), 1);
    // Letters that are keys elsewhere are typed.
    assert_eq!(type_text(&mut list, "s").len(), 1);
    assert!(list.dialog().is_none());

    key(&mut list, KeyCode::Enter);
    assert!(!list.is_typing());
    key(&mut list, KeyCode::Char('/'));
    let (_, query, after) = fetch_of(key(&mut list, KeyCode::Esc));
    assert_eq!(
        (query.search, after),
        (None, Duration::ZERO),
        "Esc clears at once"
    );
}

/// A search kept with Enter narrows the rows until Esc clears it: Esc on
/// the rows shows every batch again, and only the next Esc is the shell's
/// (back, or how to quit).
#[test]
fn esc_on_the_rows_clears_a_kept_search_first() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('/'));
    type_text(&mut list, "ju");
    key(&mut list, KeyCode::Enter);
    assert!(!list.is_typing());
    assert_eq!(list.scopes(), [Scope::BatchesSearched, Scope::Batches]);
    let (_, query, after) = fetch_of(key(&mut list, KeyCode::Esc));
    assert_eq!((query.search, query.page, after), (None, 1, Duration::ZERO));
    assert_eq!(list.search.text(), "");
    assert_eq!(list.scopes(), [Scope::Batches]);
    assert!(
        key(&mut list, KeyCode::Esc).is_empty(),
        "nothing kept: Esc is not the list's"
    );
}

#[test]
fn a_paste_into_the_search_says_which_control_characters_it_lost() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('/'));
    let (_, query, _) =
        fetch_of(list.update(ListMsg::Input(Input::Paste("ju\u{1b}[0mne".into())), now()));
    assert_eq!(
        query.search.as_deref(),
        Some("june"),
        "the whole colour code went"
    );
    assert!(
        draw(&list, 80, 24).contains("· Removed 1 terminal escape sequence from the paste"),
        "{}",
        draw(&list, 80, 24)
    );
    list.update(ListMsg::Input(Input::Paste(" more".into())), now());
    assert_eq!(list.notice, None, "a clean paste says nothing");
}

#[test]
fn status_keys_filter_the_page_and_c_copies() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('a'));
    assert!(list.rows().iter().all(|b| b.queue_status == "active"));
    assert_eq!(list.rows().len(), 3);
    list.update(
        ListMsg::Input(Input::Typed(KeyEvent::new(
            KeyCode::Char('C'),
            KeyModifiers::SHIFT,
        ))),
        now(),
    );
    assert!(list.rows().iter().all(|b| b.queue_status == "completed"));
    let screen = draw(&list, 80, 16);
    assert!(screen.contains("completed only (this page)"), "{screen}");
    key(&mut list, KeyCode::Char('*'));
    assert_eq!(list.rows().len(), 10);
    let cmds = key(&mut list, KeyCode::Char('c'));
    assert_eq!(cmds, [Cmd::Copy(id(2))], "the cursor stayed on its batch");
}

#[test]
fn errors_back_off_5_10_20_60_and_a_refresh_never_stacks() {
    let mut list = loaded();
    assert_eq!(list.poll_every(), Some(Duration::from_secs(5)));
    let mut waits = Vec::new();
    for _ in 0..5 {
        let (g, _, _) = tick(&mut list);
        assert!(
            list.update(ListMsg::Tick, now()).is_empty(),
            "one at a time"
        );
        load(&mut list, g, Err(refused()));
        waits.push(list.poll_every().unwrap().as_secs());
    }
    assert_eq!(waits, [5, 10, 20, 60, 60]);
    let screen = draw(&list, 80, 16);
    assert!(screen.contains("next try in 60 s (5 failed)"), "{screen}");
    assert_eq!(list.rows().len(), 10, "the rows stay on screen");
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..10, 1, 10, 25)));
    assert_eq!(list.poll_every(), Some(Duration::from_secs(5)));
}

#[test]
fn a_refused_start_is_shown_at_once_then_reverted_with_the_advice() {
    let mut list = loaded();
    assert_eq!(list.selected().unwrap().queue_status, "paused");
    key(&mut list, KeyCode::Char('s'));
    assert!(matches!(list.dialog(), Some(Dialog::Confirm { .. })));
    let cmds = key(&mut list, KeyCode::Enter);
    assert_eq!(
        cmds,
        [Cmd::Dialer {
            id: id(0),
            name: "Batch 0".into(),
            action: DialerAction::Start,
            reply: DIALER_CHANGED,
        }]
    );
    assert_eq!(
        list.selected().unwrap().queue_status,
        "active",
        "optimistic"
    );

    // A refresh that lands before the answer does not undo it.
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..10, 1, 10, 25)));
    assert_eq!(list.selected().unwrap().queue_status, "active");

    list.update(
        ListMsg::DialerChanged {
            id: id(0),
            action: DialerAction::Start,
            result: Err(ApiError::AuthRefused {
                status: 401,
                action: ApiAction::StartCalling,
                used: crate::api::AuthMode::ApiKey,
                used_from: "environment variable WEYA_API_KEY".into(),
                message: Some("token missing or expired".into()),
                excerpt: None,
                request_id: None,
            }),
        },
        now(),
    );
    assert_eq!(list.selected().unwrap().queue_status, "paused", "reverted");
    // Status, Weya's words and what the docs say, wrapped whole at 120
    // and at 80 columns: the credential part is never cut off.
    for width in [120, 80] {
        let screen = draw(&list, width, 16);
        let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(
                "✗ Not started: “Batch 0”: HTTP 401: Weya says “token missing or expired”. \
                 Weya documents a Bearer token for start-calling; this request sent x-api-key \
                 from environment variable WEYA_API_KEY, the only credential configured: set \
                 WEYA_TOKEN, or token in the config file. `weya-tui doctor` checks each \
                 credential."
            ),
            "{screen}"
        );
        assert!(!screen.contains('…'), "{screen}");
    }
}

/// Starts the selected batch and has the server say yes.
fn started(list: &mut BatchList) {
    key(list, KeyCode::Char('s'));
    let cmds = key(list, KeyCode::Enter);
    let [
        Cmd::Dialer {
            id,
            action: DialerAction::Start,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    let state = DialerState {
        batch_id: id.clone(),
        status: "started".into(),
    };
    list.update(
        ListMsg::DialerChanged {
            id: id.clone(),
            action: DialerAction::Start,
            result: Ok(state),
        },
        now(),
    );
}

/// QA: a start answered 200 with `"status": false` read "Not started",
/// though the dialer may have started: it says it is not known.
#[test]
fn a_start_whose_answer_contradicts_itself_is_not_known_not_refused() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('s'));
    let cmds = key(&mut list, KeyCode::Enter);
    let [Cmd::Dialer { id, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    let contradicted = ApiError::Contradicted {
        status: 200,
        message: Some("Dialer busy".into()),
        request_id: Some("req-false".into()),
    };
    list.update(
        ListMsg::DialerChanged {
            id: id.clone(),
            action: DialerAction::Start,
            result: Err(contradicted),
        },
        now(),
    );
    let screen = draw(&list, 160, 16);
    assert!(
        screen.contains("Not known whether it started: “Batch 0”: HTTP 200 with \"status\": false"),
        "{screen}"
    );
    assert!(!screen.contains("Not started"), "{screen}");
}

#[test]
fn a_failed_refresh_replaces_a_stale_success_at_once() {
    let mut list = loaded();
    started(&mut list);
    assert!(draw(&list, 120, 16).contains("✓ Started calling “Batch 0”."));

    // The server goes away: the next refresh's error is on screen at
    // once, with its backoff, and the success is gone.
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Err(refused()));
    let screen = draw(&list, 120, 16);
    assert!(!screen.contains("Started calling"), "{screen}");
    assert!(
        screen.contains("✗ the connection was refused") && screen.contains("next try in"),
        "{screen}"
    );
    assert!(screen.contains("(1 failed)"), "{screen}");
}

#[test]
fn a_success_notice_lasts_until_the_operator_moves_on() {
    let mut list = loaded();
    started(&mut list);
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..10, 1, 10, 25)));
    assert!(
        draw(&list, 120, 16).contains("✓ Started calling"),
        "a refresh that agrees is no news"
    );
    key(&mut list, KeyCode::Down);
    assert!(!draw(&list, 120, 16).contains("Started calling"));
}

#[test]
fn counts_have_thousands_separators_and_one_is_singular() {
    let mut list = BatchList::new(ViewContext::default());
    let (g, _, _) = tick(&mut list);
    let mut one = page(0..1, 1, 20, 1);
    one.batches[0].total_calls = Some(38_000);
    one.batches[0].calls_picked = Some(0);
    one.batches[0].calls_completed = Some(0);
    load(&mut list, g, Ok(one));
    let screen = draw(&list, 120, 16);
    assert!(screen.contains(" 0/38,000 "), "{screen}");
    assert!(screen.contains("0 picked up · 38,000 calls"), "{screen}");
    assert!(screen.contains("page 1/1 · 1 batch "), "{screen}");

    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..20, 1, 20, 5_000)));
    assert!(draw(&list, 120, 16).contains("page 1/250 · 5,000 batches"));
}

#[test]
fn a_confirmed_stop_stays_until_the_next_refresh_corrects_it() {
    let mut list = loaded();
    key(&mut list, KeyCode::Down);
    key(&mut list, KeyCode::Char('x'));
    assert_eq!(
        key(&mut list, KeyCode::Enter),
        [Cmd::Dialer {
            id: id(1),
            name: "Batch 1".into(),
            action: DialerAction::Stop,
            reply: DIALER_CHANGED,
        }]
    );
    list.update(
        ListMsg::DialerChanged {
            id: id(1),
            action: DialerAction::Stop,
            result: Ok(DialerState {
                batch_id: id(1),
                status: "stopped".into(),
            }),
        },
        now(),
    );
    assert_eq!(list.selected().unwrap().queue_status, "stopped");
    let mut corrected = page(0..10, 1, 10, 25);
    corrected.batches[1].queue_status = "completed".into();
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(corrected));
    assert_eq!(list.selected().unwrap().queue_status, "completed");
}

#[test]
fn delete_goes_only_with_the_exact_typed_name() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('D'));
    assert!(list.is_typing());
    assert!(type_text(&mut list, "batch 0").is_empty());
    assert!(
        key(&mut list, KeyCode::Enter).is_empty(),
        "a wrong name deletes nothing"
    );
    assert!(draw(&list, 80, 24).contains("That is not the batch's name"));
    for _ in 0..7 {
        key(&mut list, KeyCode::Backspace);
    }
    type_text(&mut list, "Batch 0");
    let cmds = key(&mut list, KeyCode::Enter);
    assert_eq!(
        cmds,
        [Cmd::DeleteBatch {
            id: id(0),
            name: "Batch 0".into()
        }]
    );
    assert_eq!(list.selected().unwrap().queue_status, "deleting");
    let cmds = list.update(
        ListMsg::Deleted {
            id: id(0),
            result: Ok(Deleted {
                message: Some("Batch deleted".into()),
                request_id: None,
            }),
        },
        now(),
    );
    assert!(matches!(cmds.as_slice(), [Cmd::FetchBatches { .. }]));
    assert!(list.rows().iter().all(|b| b.id != id(0)));
}

#[test]
fn the_selection_follows_its_batch_across_a_refresh() {
    let mut list = loaded();
    key(&mut list, KeyCode::Down);
    key(&mut list, KeyCode::Down);
    assert_eq!(list.selected().unwrap().id, id(2));
    // A new batch arrives on top: the rows shift down by one.
    let mut fresh = page(1..10, 1, 10, 26);
    fresh.batches.insert(0, batch(99, "paused"));
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(fresh));
    assert_eq!(list.selected().unwrap().id, id(2));
}

#[test]
fn moving_up_from_the_bottom_moves_the_cursor_not_the_window() {
    let mut list = BatchList::new(ViewContext::default());
    draw(&list, 80, 10); // 4 rows fit
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(page(0..10, 1, 10, 10)));
    for _ in 0..9 {
        key(&mut list, KeyCode::Down);
    }
    key(&mut list, KeyCode::Up);
    let screen = draw(&list, 80, 10);
    let rows: Vec<&str> = screen.lines().skip(2).take(4).collect();
    assert!(
        rows[0].contains("Batch 6") && rows[3].contains("Batch 9"),
        "{screen}"
    );
    assert_eq!(list.selected().unwrap().id, id(8));
}

#[test]
fn no_user_id_says_which_setting_and_stops_polling() {
    let mut list = BatchList::new(ViewContext::default());
    let (g, _, _) = tick(&mut list);
    load(
        &mut list,
        g,
        Err(ApiError::MissingSetting {
            what: "user ID",
            setting: "WEYA_USER_ID",
            key: "user_id",
        }),
    );
    assert_eq!(list.poll_every(), None);
    let screen = draw(&list, 120, 10);
    assert!(screen.contains("WEYA_USER_ID"), "{screen}");
    assert!(!screen.contains("retrying"), "{screen}");
}

#[test]
fn an_empty_list_says_how_to_make_a_batch() {
    let mut list = BatchList::new(ViewContext::default());
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Ok(BatchPage::default()));
    // Ctrl-N is the shell's, from anywhere (tested there).
    assert!(draw(&list, 80, 10).contains("No batches yet. Ctrl-N creates one."));
}

#[test]
fn a_click_selects_the_row_under_it() {
    let mut list = loaded();
    let rows = list.geometry.get().rows;
    list.update(
        ListMsg::Input(Input::Click {
            column: rows.x + 3,
            row: rows.y + 4,
        }),
        now(),
    );
    assert_eq!(list.selected().unwrap().id, id(4));
}

#[test]
fn the_search_is_a_line_input_with_a_cursor_and_readline_keys() {
    let ctrl = |list: &mut BatchList, c: char| {
        list.update(
            ListMsg::Input(Input::Typed(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
            ))),
            now(),
        )
    };
    let mut list = loaded();
    key(&mut list, KeyCode::Char('/'));
    type_text(&mut list, "jne");
    assert!(
        key(&mut list, KeyCode::Left).is_empty(),
        "moving the cursor sends nothing"
    );
    key(&mut list, KeyCode::Left);
    let (_, query, after) = fetch_of(type_text(&mut list, "u"));
    assert_eq!(
        (query.search.as_deref(), after),
        (Some("june"), SEARCH_DEBOUNCE),
        "the letter lands where the cursor is"
    );
    assert!(draw(&list, 80, 16).contains("search ju▏ne"));

    // Ctrl-U deletes up to the cursor, Ctrl-Y puts it back.
    let (_, query, _) = fetch_of(ctrl(&mut list, 'u'));
    assert_eq!(query.search.as_deref(), Some("ne"));
    let (_, query, _) = fetch_of(ctrl(&mut list, 'y'));
    assert_eq!(query.search.as_deref(), Some("june"));
    // From the end, Ctrl-U clears it: the whole list again, after the pause.
    key(&mut list, KeyCode::End);
    let (_, query, after) = fetch_of(ctrl(&mut list, 'u'));
    assert_eq!((query.search, after), (None, SEARCH_DEBOUNCE));
    assert!(ctrl(&mut list, 'u').is_empty(), "nothing left to clear");
}

/// The shell's height gives the first fetch the rows the drawing will
/// hold (14 in the 20 rows of an 80x24 screen, 30 in the 36 of 120x40),
/// and a key that came before the first page is applied when it arrives.
#[test]
fn the_first_page_fits_the_height_and_a_key_sent_before_it_is_kept() {
    for (width, height, rows) in [(80, 20, 14_usize), (120, 36, 30)] {
        let mut list = BatchList::new(ViewContext::default()).in_height(height);
        let (g, query, _) = tick(&mut list);
        assert_eq!(query.limit as usize, rows, "{width}x{height}");
        assert!(key(&mut list, KeyCode::Down).is_empty());
        assert!(key(&mut list, KeyCode::Down).is_empty());
        let total = 3 * rows as u64;
        load(&mut list, g, Ok(page(0..rows, 1, rows as u64, total)));
        assert_eq!(list.selected, 2, "{width}x{height}: both Downs applied");
        draw(&list, width, height);
        let geometry = list.geometry.get();
        assert_eq!(usize::from(geometry.page_rows), rows, "{width}x{height}");
        assert_eq!(usize::from(geometry.rows.height), rows, "{width}x{height}");
        let (_, query, _) = tick(&mut list);
        assert_eq!((query.page, query.limit as usize), (1, rows), "no refit");
    }
}

/// `/` again puts the cursor at the end of the search, wherever it was
/// left: what is typed goes after the text.
#[test]
fn reopening_the_search_puts_the_cursor_at_the_end() {
    let mut list = loaded();
    key(&mut list, KeyCode::Char('/'));
    type_text(&mut list, "Bulk 12");
    key(&mut list, KeyCode::Home);
    assert_eq!(list.search.cursor(), 0, "left at the start");
    key(&mut list, KeyCode::Enter);
    key(&mut list, KeyCode::Char('/'));
    type_text(&mut list, "3");
    assert_eq!(list.search.text(), "Bulk 123");
}

/// A name pasted with its line break (as `\n`, `\r\n`, or the `\r`
/// terminals send) is the name: it deletes.
#[test]
fn a_name_pasted_with_its_line_break_confirms_the_delete() {
    for pasted in ["Batch 0\n", "Batch 0\r", "Batch 0\r\n", "\nBatch 0\r\n"] {
        let mut list = loaded();
        list.update(ListMsg::Input(Input::Action(Action::Delete)), now());
        list.update(ListMsg::Input(Input::Paste(pasted.to_owned())), now());
        let cmds = key(&mut list, KeyCode::Enter);
        assert!(
            matches!(cmds.as_slice(), [Cmd::DeleteBatch { name, .. }] if name == "Batch 0"),
            "{pasted:?}: {cmds:?} {:?}",
            list.dialog
        );
    }
}

/// The wait before the next try never reads "0 s": from the moment it
/// is due until the answer, it says "retrying…".
#[test]
fn the_countdown_says_retrying_once_due_not_0_s() {
    let mut list = loaded();
    let (g, _, _) = tick(&mut list);
    load(&mut list, g, Err(refused()));
    let drawn_at = |list: &BatchList, ms: i64| {
        draw_at(list, 120, 24, now() + chrono::Duration::milliseconds(ms))
    };
    assert!(drawn_at(&list, 0).contains("next try in 5 s (1 failed)"));
    assert!(drawn_at(&list, 4_500).contains("next try in 1 s (1 failed)"));
    let due = drawn_at(&list, 5_000);
    assert!(due.contains("retrying… (1 failed)"), "{due}");
    assert!(!due.contains("0 s"), "{due}");
    // The beat asks again; until the answer it still says so.
    tick(&mut list);
    assert!(drawn_at(&list, 5_900).contains("retrying… (1 failed)"));
}

/// Issue 19: s or x on a completed batch, or s on one with no calls, asks
/// nothing and sends nothing: the notice says what it is, in the words of
/// `weya-tui batch start/stop`.
#[test]
fn a_start_or_stop_that_would_change_nothing_is_said_and_not_asked() {
    let mut list = loaded();
    key(&mut list, KeyCode::Down);
    key(&mut list, KeyCode::Down);
    assert_eq!(list.selected().unwrap().queue_status, "completed");
    for (c, what) in [('s', "start"), ('x', "stop")] {
        let cmds = key(&mut list, KeyCode::Char(c));
        assert!(cmds.is_empty(), "{cmds:?}");
        assert!(list.dialog().is_none(), "{c}: nothing to ask");
        let screen = draw(&list, 120, 16);
        assert!(
            screen.contains(&format!(
                "the batch is completed: nothing to {what} (“Batch 2”); nothing was sent."
            )),
            "{screen}"
        );
    }
    let mut list = BatchList::new(ViewContext::default());
    draw(&list, 120, 16);
    let (g, _, _) = tick(&mut list);
    let mut empty = page(0..1, 1, 10, 1);
    empty.batches[0].total_calls = Some(0);
    load(&mut list, g, Ok(empty));
    assert!(key(&mut list, KeyCode::Char('s')).is_empty());
    assert!(list.dialog().is_none());
    let screen = draw(&list, 120, 16);
    assert!(
        screen.contains("the batch has no calls: nothing to start"),
        "{screen}"
    );
    // A stop of it is asked, as ever: Weya decides.
    key(&mut list, KeyCode::Char('x'));
    assert!(matches!(list.dialog(), Some(Dialog::Confirm { .. })));
}
