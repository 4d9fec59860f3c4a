//! The mouse on the campaign views, through the shell's `update`, at the
//! places a real drawing (a `TestBackend`) put the rows: a layout change
//! that moves the rows away from where clicks land fails here.

use crate::common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use common::screen_text;
use weya_tui::api::types::Pagination;
use weya_tui::api::{BatchDetails, BatchPage, BatchSummary};
use weya_tui::draw;
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::View;
use weya_tui::tui::views::batches::details::DetailsMsg;
use weya_tui::tui::views::batches::list::ListMsg;
use weya_tui::tui::{Msg, Shell as App, update};

const W: u16 = 80;
const H: u16 = 24;

fn batch_id(n: usize) -> String {
    format!("64e5f12345abcdef9876{n:04x}")
}

fn batch(n: usize) -> BatchSummary {
    BatchSummary {
        id: batch_id(n),
        batch_name: format!("Batch {n}"),
        total_calls: Some(40),
        calls_picked: Some(3),
        calls_completed: Some(1),
        queue_status: "paused".to_owned(),
        created_at: "2026-01-15T09:30:00.000Z".to_owned(),
        updated_at: "2026-01-15T13:58:00.000Z".to_owned(),
    }
}

/// The whole app drawn as the run loop draws it: the views record where
/// their rows went.
fn draw_app(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    draw(&mut terminal, app).unwrap();
    screen_text(terminal.backend())
}

/// (column, row) of the first cell of `text` on `screen`.
fn find(screen: &str, text: &str) -> (u16, u16) {
    screen
        .lines()
        .enumerate()
        .find_map(|(y, line)| {
            line.find(text)
                .map(|at| (line[..at].chars().count() as u16, y as u16))
        })
        .unwrap_or_else(|| panic!("{text:?} is not on screen:\n{screen}"))
}

fn click(app: &mut App, (column, row): (u16, u16)) -> Vec<Cmd> {
    update(app, Msg::Click { column, row })
}

fn wheel(app: &mut App, (column, row): (u16, u16), down: bool) -> Vec<Cmd> {
    update(app, Msg::Wheel { column, row, down })
}

/// The app on the batch list (Ctrl-B) with batches 0 to 29, drawn.
fn on_the_list() -> App {
    let (mut app, _) = App::new(common::context());
    update(&mut app, Msg::Resize(W, H));
    draw_app(&app);
    let cmds = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('b'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    let [Cmd::FetchBatches { generation, .. }] = cmds.as_slice() else {
        panic!("Ctrl-B fetches the list: {cmds:?}")
    };
    let page = BatchPage {
        batches: (0..30).map(batch).collect(),
        pagination: Pagination {
            total: 30,
            page: 1,
            limit: 20,
            total_pages: 1,
        },
    };
    update(
        &mut app,
        Msg::BatchList(ListMsg::PageLoaded {
            generation: *generation,
            result: Ok(page),
        }),
    );
    app
}

fn selected_batch(app: &App) -> String {
    match app.top() {
        Some(View::BatchList(list)) => list.selected().unwrap().batch_name.clone(),
        other => panic!("not on the list: {other:?}"),
    }
}

#[test]
fn a_click_selects_a_batch_and_a_click_on_the_selected_one_opens_it() {
    let mut app = on_the_list();
    assert!(app.wants_mouse(), "the list takes the mouse");
    let screen = draw_app(&app);
    assert_eq!(selected_batch(&app), "Batch 0");

    // The column heads and the lines under the rows are not rows.
    let heads = find(&screen, "Status");
    assert!(click(&mut app, heads).is_empty());
    let detail = find(&screen, &batch_id(0));
    assert!(click(&mut app, detail).is_empty());
    assert_eq!(selected_batch(&app), "Batch 0", "nothing happened");

    let row = find(&screen, "Batch 3 ");
    assert!(click(&mut app, row).is_empty(), "a click only selects");
    assert_eq!(selected_batch(&app), "Batch 3");

    draw_app(&app);
    let cmds = click(&mut app, row);
    assert!(
        matches!(cmds.as_slice(), [Cmd::FetchCalls { batch_id: id, .. }] if *id == batch_id(3)),
        "again: its details open and fetch: {cmds:?}"
    );
    assert_eq!(app.breadcrumb(), ["Batches", "Batch 3"]);
}

#[test]
fn the_wheel_moves_the_selection_three_rows() {
    let mut app = on_the_list();
    let screen = draw_app(&app);
    let over = find(&screen, "Batch 5 ");
    wheel(&mut app, over, true);
    assert_eq!(selected_batch(&app), "Batch 3");
    wheel(&mut app, over, true);
    wheel(&mut app, over, false);
    assert_eq!(selected_batch(&app), "Batch 3");
    for _ in 0..10 {
        wheel(&mut app, over, true);
    }
    assert_eq!(selected_batch(&app), "Batch 29", "stops at the last row");
    // The rows scrolled with it: a click lands on the row drawn there.
    let screen = draw_app(&app);
    assert!(!screen.contains("Batch 0 "), "scrolled:\n{screen}");
    click(&mut app, find(&screen, "Batch 27 "));
    assert_eq!(selected_batch(&app), "Batch 27");
}

fn call(n: usize) -> serde_json::Value {
    let transcript: Vec<_> = (0..30)
        .map(|i| json!({"role": "user", "content": format!("Turn {i} of call {n}.")}))
        .collect();
    json!({
        "_id": format!("6789000000000000000000{n:02}"),
        "phoneNumber": format!("1212555{:04}", 120 + n),
        "name": format!("Contact {n}"),
        "phoneLogs": [{"callStatus": "completed", "callDuration": 42,
            "transcript": transcript, "createdAt": "2026-01-15T13:50:00.000Z"}],
        "createdAt": "2026-01-15T09:30:00.000Z",
    })
}

/// The details of batch 0 with calls 0 to 9, drawn.
fn on_the_details() -> App {
    let mut app = on_the_list();
    let row = find(&draw_app(&app), "Batch 0 ");
    let cmds = click(&mut app, row);
    let [Cmd::FetchCalls { generation, .. }] = cmds.as_slice() else {
        panic!("a click on the selected batch opens it: {cmds:?}")
    };
    let details: BatchDetails = serde_json::from_value(json!({
        "batchName": "Batch 0",
        "batchStatus": "paused",
        "batchId": batch_id(0),
        "data": (0..10).map(call).collect::<Vec<_>>(),
        "limit": 20,
        "total": 10,
        "page": 1,
        "totalPages": 1,
    }))
    .unwrap();
    update(
        &mut app,
        Msg::BatchDetails {
            batch_id: batch_id(0),
            msg: DetailsMsg::CallsLoaded {
                generation: *generation,
                result: Ok(details),
            },
        },
    );
    app
}

/// The selected call and the call open in full, by contact name.
fn calls_state(app: &App) -> (String, Option<String>) {
    let Some(View::BatchDetails(view)) = app.top() else {
        panic!("not on the details")
    };
    let name = |c: &weya_tui::api::Call| c.field_text("name").unwrap_or_default();
    (name(view.selected().unwrap()), view.open_call().map(name))
}

#[test]
fn calls_take_clicks_and_the_wheel_and_the_wheel_scrolls_a_transcript() {
    let mut app = on_the_details();
    assert!(app.wants_mouse(), "the details take the mouse");
    let screen = draw_app(&app);
    assert!(click(&mut app, find(&screen, "Phone")).is_empty(), "heads");
    assert_eq!(calls_state(&app), ("Contact 0".into(), None));

    let row = find(&screen, "+1 212-555-0124");
    click(&mut app, row);
    assert_eq!(calls_state(&app), ("Contact 4".into(), None));
    wheel(&mut app, row, true);
    assert_eq!(calls_state(&app), ("Contact 7".into(), None));
    wheel(&mut app, row, false);
    draw_app(&app);
    click(&mut app, row);
    assert_eq!(
        calls_state(&app),
        ("Contact 4".into(), Some("Contact 4".into())),
        "a click on the selected call opens it"
    );

    let screen = draw_app(&app);
    assert!(screen.contains("Turn 0 of call 4."), "{screen}");
    wheel(&mut app, row, true);
    let screen = draw_app(&app);
    assert!(screen.contains("line 4/"), "three lines down:\n{screen}");
    let before = screen.clone();
    click(&mut app, find(&screen, "Turn 9 of"));
    assert_eq!(draw_app(&app), before, "a click in the call does nothing");
    wheel(&mut app, row, false);
    assert!(draw_app(&app).contains("line 1/"));
}
