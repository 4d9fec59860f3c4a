//! The campaign views drawn from known states: insta snapshots of the
//! batch list (empty, loading, failing with backoff, populated), a batch's
//! calls, one call, and each dialog, at 80x24 and 120x40.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use common::screen_text;
use weya_tui::api::types::Pagination;
use weya_tui::api::{ApiError, BatchDetails, BatchPage, BatchSummary, Call, NetworkFailure};
use weya_tui::campaign::progress::Tracker;
use weya_tui::domain::schedule::CallingSchedule;
use weya_tui::tui::keymap::Input;
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::batches::details::{BatchDetailsView, DetailsMsg};
use weya_tui::tui::views::batches::list::{BatchList, ListMsg};
use weya_tui::tui::views::batches::{KnownSchedules, ViewContext};

/// The views' context with the operator in Kolkata: every time on these
/// screens reads on their clock, the zone named.
fn kolkata() -> ViewContext {
    ViewContext {
        clock: weya_tui::domain::clock::LocalClock::named("Asia/Kolkata"),
        ..ViewContext::default()
    }
}
use weya_tui::tui::widgets::DrawView;
use weya_tui::tui::widgets::theme::Theme;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap()
}

fn summary(n: u64, name: &str, status: &str, total: u64, picked: u64, done: u64) -> BatchSummary {
    BatchSummary {
        id: format!("64e5f12345abcdef9876{n:04x}"),
        batch_name: name.to_owned(),
        total_calls: Some(total),
        calls_picked: Some(picked),
        calls_completed: Some(done),
        queue_status: status.to_owned(),
        created_at: format!("2026-01-{:02}T{:02}:30:00.000Z", 15 - n / 3, 13 - n % 3 * 4),
        updated_at: format!("2026-01-15T13:{:02}:12.000Z", 59 - n * 7),
    }
}

fn batches() -> Vec<BatchSummary> {
    vec![
        summary(0, "June renewals", "active", 120, 64, 41),
        summary(1, "Appointment confirmations", "paused", 30, 0, 0),
        summary(2, "Payment reminders", "stopped", 48, 20, 9),
        summary(3, "Welcome calls", "completed", 24, 24, 17),
        summary(4, "Winback \u{1b}[31mQ1", "queued", 10, 0, 0),
    ]
}

fn page_of(batches: Vec<BatchSummary>, total: u64) -> BatchPage {
    let limit = 5;
    BatchPage {
        pagination: Pagination {
            total,
            page: 1,
            limit,
            total_pages: total.div_ceil(limit),
        },
        batches,
    }
}

/// Draws `draw` on a `w`x`h` TestBackend and returns the screen's text.
fn screen(w: u16, h: u16, draw: impl Fn(&mut ratatui::Frame)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f)).unwrap();
    screen_text(terminal.backend())
}

fn list_screen(list: &BatchList, w: u16, h: u16) -> String {
    screen(w, h, |f| {
        DrawView::draw(list, &Theme::new(false), f, f.area(), now())
    })
}

/// A list at `w`x`h` after its first fetch got `result`.
fn list_with(
    context: ViewContext,
    w: u16,
    h: u16,
    result: Result<BatchPage, ApiError>,
) -> BatchList {
    let mut list = BatchList::new(context);
    list_screen(&list, w, h);
    let cmds = list.update(ListMsg::Tick, now());
    let [Cmd::FetchBatches { generation, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    list.update(
        ListMsg::PageLoaded {
            generation: *generation,
            result,
        },
        now(),
    );
    list
}

fn key(list: &mut BatchList, code: KeyCode) {
    list.update(
        ListMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
        now(),
    );
}

/// A snapshot where one is kept at this size (see `common::sizes`).
fn snap(name: &str, w: u16, h: u16, text: String) {
    common::sizes::check_screen(name, w, h, text, |file, text| {
        insta::assert_snapshot!(file, text);
    });
}

#[test]
fn list_loading() {
    for (w, h) in SIZES {
        let mut list = BatchList::new(kolkata());
        list.update(ListMsg::Tick, now());
        snap("list_loading", w, h, list_screen(&list, w, h));
    }
}

#[test]
fn list_empty() {
    for (w, h) in SIZES {
        let list = list_with(kolkata(), w, h, Ok(BatchPage::default()));
        snap("list_empty", w, h, list_screen(&list, w, h));
    }
}

#[test]
fn list_error_with_backoff() {
    for (w, h) in SIZES {
        let mut list = list_with(kolkata(), w, h, Ok(page_of(batches(), 63)));
        for _ in 0..3 {
            let cmds = list.update(ListMsg::Tick, now());
            let [Cmd::FetchBatches { generation, .. }] = cmds.as_slice() else {
                panic!("{cmds:?}")
            };
            list.update(
                ListMsg::PageLoaded {
                    generation: *generation,
                    result: Err(ApiError::Network {
                        kind: NetworkFailure::Refused,
                        host: "api.weya.example".into(),
                    }),
                },
                now(),
            );
        }
        snap("list_error_backoff", w, h, list_screen(&list, w, h));
    }
}

#[test]
fn list_populated() {
    for (w, h) in SIZES {
        let mut list = list_with(kolkata(), w, h, Ok(page_of(batches(), 63)));
        key(&mut list, KeyCode::Down);
        snap("list_populated", w, h, list_screen(&list, w, h));
    }
}

#[test]
fn list_of_sandbox_examples() {
    let examples: Vec<_> = batches()
        .into_iter()
        .take(4)
        .map(|mut b| {
            b.batch_name = format!("Example: {}", b.batch_name);
            b
        })
        .collect();
    let context = ViewContext {
        sandbox: true,
        examples: as_examples(&examples),
        ..kolkata()
    };
    let (w, h) = (120, 40);
    let list = list_with(context, w, h, Ok(page_of(examples, 4)));
    snap("list_examples", w, h, list_screen(&list, w, h));
}

/// `batches` as the connection hands over the sandbox's examples: by
/// name, with a schedule (any hour, every day).
fn as_examples(batches: &[BatchSummary]) -> Vec<(String, CallingSchedule)> {
    let always = CallingSchedule::from_body(&json!({
        "timezone": "UTC",
        "callingHour": {"start": "00:00", "end": "23:59"},
        "allowedDays": [0, 1, 2, 3, 4, 5, 6]
    }))
    .unwrap();
    batches
        .iter()
        .map(|b| (b.batch_name.clone(), always.clone()))
        .collect()
}

/// The sandbox's examples, as the app starts with them.
fn examples_list(w: u16, h: u16) -> BatchList {
    let examples: Vec<_> = batches()
        .into_iter()
        .take(4)
        .map(|mut b| {
            b.batch_name = format!("Example: {}", b.batch_name);
            b
        })
        .collect();
    let context = ViewContext {
        sandbox: true,
        examples: as_examples(&examples),
        ..kolkata()
    };
    list_with(context, w, h, Ok(page_of(examples, 4)))
}

/// A search being typed takes the title line: the note on the examples
/// goes (it was cut mid-word at 80 columns), and a search longer than the
/// line keeps its end, where the cursor is, in view.
#[test]
fn list_searching() {
    for (w, h) in SIZES {
        let mut list = examples_list(w, h);
        key(&mut list, KeyCode::Char('/'));
        for c in "ne".chars() {
            key(&mut list, KeyCode::Char(c));
        }
        snap("list_searching", w, h, list_screen(&list, w, h));
        let long =
            "renewals for the customers of the northern region, second quarter, plus the late ones";
        for c in long.chars() {
            key(&mut list, KeyCode::Char(c));
        }
        snap("list_searching_long", w, h, list_screen(&list, w, h));
    }
}

/// QA: starting a batch whose calling window is closed said nothing of
/// it. The dialog says when the window opens (08:00 in Chicago: it opens
/// at 09:00).
#[test]
fn dialog_start_window_closed() {
    let chicago = CallingSchedule::from_body(&json!({
        "timezone": "America/Chicago",
        "callingHour": {"start": "09:00", "end": "17:00"},
        "allowedDays": [1, 2, 3, 4, 5]
    }))
    .unwrap();
    for (w, h) in SIZES {
        let context = ViewContext {
            schedules: KnownSchedules::new([(batches()[1].id.clone(), chicago.clone())], [], false),
            ..ViewContext::default()
        };
        let mut list = list_with(context, w, h, Ok(page_of(batches(), 63)));
        key(&mut list, KeyCode::Down);
        key(&mut list, KeyCode::Char('s'));
        let text = list_screen(&list, w, h);
        assert!(text.contains("window closed: opens Thu 09:00"), "{text}");
        snap("dialog_start_window_closed", w, h, text);
        // Stopping it says nothing of the window.
        key(&mut list, KeyCode::Esc);
        key(&mut list, KeyCode::Char('x'));
        assert!(!list_screen(&list, w, h).contains("window closed"));
    }
}

#[test]
fn dialogs() {
    for (w, h) in SIZES {
        let mut list = list_with(kolkata(), w, h, Ok(page_of(batches(), 63)));
        key(&mut list, KeyCode::Down);
        key(&mut list, KeyCode::Char('s'));
        snap("dialog_start", w, h, list_screen(&list, w, h));
        key(&mut list, KeyCode::Esc);
        key(&mut list, KeyCode::Up);
        key(&mut list, KeyCode::Char('x'));
        snap("dialog_stop", w, h, list_screen(&list, w, h));
        key(&mut list, KeyCode::Esc);
        key(&mut list, KeyCode::Char('D'));
        for c in "june renewals".chars() {
            key(&mut list, KeyCode::Char(c));
        }
        key(&mut list, KeyCode::Enter);
        snap("dialog_delete_wrong_name", w, h, list_screen(&list, w, h));
        // Issue 19: the dialog offers the export first (Ctrl-S), and says
        // where it went.
        let cmds = list.update(
            ListMsg::Input(Input::Typed(KeyEvent::new(
                KeyCode::Char('s'),
                KeyModifiers::CONTROL,
            ))),
            now(),
        );
        let [Cmd::ExportBatch { batch_id, .. }] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        assert_eq!(batch_id, &batches()[0].id);
        assert!(list_screen(&list, w, h).contains("Exporting its calls: every page…"));
        list.update(
            ListMsg::Exported {
                id: batches()[0].id.clone(),
                result: Ok(saved(120)),
            },
            now(),
        );
        let text = list_screen(&list, w, h);
        assert!(text.contains("✓ Exported 120 calls to"), "{text}");
        snap("dialog_delete_exported", w, h, text);
    }
}

/// What an export of batch 0 wrote, as the effects answer it.
fn saved(rows: u64) -> weya_tui::campaign::export::Saved {
    weya_tui::campaign::export::Saved {
        path: "/home/op/.local/share/weya-tui/exports/june-renewals-64e5f12345abcdef98760000-20260115-140000.csv".into(),
        exported: weya_tui::campaign::export::Exported {
            walked: weya_tui::campaign::Walked::default(),
            rows,
            late_fields: Vec::new(),
            rows_with_late_fields: 0,
        },
    }
}

const PLANS: [&str; 4] = ["Basic", "Plus", "Premium", "Family"];

fn call(n: usize) -> Call {
    let statuses = ["completed", "no-answer", "busy", "failed"];
    let logs: Vec<_> = (0..n % 3)
        .map(|a| {
            let status = statuses[(n + a) % 4];
            json!({"callStatus": status, "callDuration": if status == "completed" { 95 + n } else { 0 },
                "recordingUrl": format!("https://sandbox.invalid/rec/{n:04}.mp3"),
                "transcript": [
                    {"role": "assistant", "content": "Hello, this is Weya calling about your June renewal. Is now a good time to talk about the options for your plan?"},
                    {"role": "user", "content": "Yes, go ahead."},
                    {"role": "assistant", "content": "Your Premium plan renews on 1 February at 49.50 a month."},
                    {"role": "user", "content": "Please email me the details."}
                ],
                "createdAt": format!("2026-01-15T13:{:02}:00.000Z", 10 + a * 20)})
        })
        .collect();
    serde_json::from_value(json!({
        "_id": format!("6789abcdef0123456789{n:04x}"),
        "phoneNumber": format!("1212555{n:04}"),
        "name": format!("Contact {n}"),
        "plan": PLANS[n % 4],
        "due_date": "2026-02-01",
        "amount": 49.5,
        "phoneLogs": logs,
        "createdAt": "2026-01-15T11:05:00.000Z"
    }))
    .unwrap()
}

fn details_view(w: u16, h: u16) -> BatchDetailsView {
    details_view_named(w, h, "June renewals")
}

/// The details of batch 0, named `name`, with its first page of calls.
fn details_view_named(w: u16, h: u16, name: &str) -> BatchDetailsView {
    details_view_in(kolkata(), w, h, name)
}

/// [`details_view_named`], the view told `context`.
fn details_view_in(context: ViewContext, w: u16, h: u16, name: &str) -> BatchDetailsView {
    let mut summary = batches().remove(0);
    summary.batch_name = name.to_owned();
    let mut view = BatchDetailsView::new(context, summary);
    screen(w, h, |f| {
        DrawView::draw(&view, &Theme::new(false), f, f.area(), now())
    });
    let cmds = view.update(DetailsMsg::Tick, now());
    let [
        Cmd::FetchCalls {
            generation, query, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    let limit = u64::from(query.limit);
    view.update(
        DetailsMsg::CallsLoaded {
            generation: *generation,
            result: Ok(BatchDetails {
                batch_id: "64e5f12345abcdef98760000".into(),
                batch_name: name.into(),
                batch_status: "active".into(),
                page: 1,
                limit,
                total: 120,
                total_pages: 120u64.div_ceil(limit),
                calls: (0..usize::try_from(limit).unwrap()).map(call).collect(),
            }),
        },
        now(),
    );
    // The whole batch's outcomes, counted over its 120 calls.
    let counted = counted_of((0..120).map(call), now() - chrono::TimeDelta::seconds(40));
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now());
    view
}

/// The one walk of `calls`, as the count's job folds it (no retries
/// known), ended at `at`.
fn counted_of(
    calls: impl Iterator<Item = Call>,
    at: DateTime<Utc>,
) -> weya_tui::campaign::outcomes::Counted {
    let mut fold = weya_tui::campaign::outcomes::Fold::new(None);
    let mut n = 0;
    for c in calls {
        fold.add(&c);
        n += 1;
    }
    fold.finish(
        weya_tui::campaign::Walked {
            calls: n,
            pages: n.div_ceil(100) as u32,
            total_first: n,
            total_last: n,
            batch_status: "active".into(),
            ..Default::default()
        },
        at,
    )
}

fn details_screen(view: &BatchDetailsView, w: u16, h: u16) -> String {
    screen(w, h, |f| {
        DrawView::draw(view, &Theme::new(false), f, f.area(), now())
    })
}

/// A name longer than the line is cut with an ellipsis; the status and the
/// ID stay in view, and so does the search at the foot.
#[test]
fn details_with_a_long_name() {
    let name = "June renewals for the customers of the northern region who signed up in the second quarter";
    for (w, h) in SIZES {
        let mut view = details_view_named(w, h, name);
        let press = |view: &mut BatchDetailsView, code| {
            view.update(
                DetailsMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
                now(),
            )
        };
        press(&mut view, KeyCode::Char('/'));
        for c in "someone with a rather long name, 40 chars".chars() {
            press(&mut view, KeyCode::Char(c));
        }
        snap("details_long_name", w, h, details_screen(&view, w, h));
    }
}

#[test]
fn details_and_call() {
    for (w, h) in SIZES {
        let mut view = details_view(w, h);
        let press = |view: &mut BatchDetailsView, code| {
            view.update(
                DetailsMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
                now(),
            )
        };
        press(&mut view, KeyCode::Down);
        press(&mut view, KeyCode::Down);
        snap("details", w, h, details_screen(&view, w, h));
        press(&mut view, KeyCode::Char('f'));
        snap("details_status_choice", w, h, details_screen(&view, w, h));
        press(&mut view, KeyCode::Esc);
        press(&mut view, KeyCode::Up);
        press(&mut view, KeyCode::Enter);
        snap("call", w, h, details_screen(&view, w, h));
    }
}

/// Issue 19: `e` on a batch's details exports its calls and says where.
#[test]
fn details_export_says_where_the_file_is() {
    for (w, h) in SIZES {
        let mut view = details_view(w, h);
        let e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE);
        let cmds = view.update(DetailsMsg::Input(Input::Typed(e)), now());
        assert!(
            matches!(cmds.as_slice(), [Cmd::ExportBatch { name, .. }] if name == "June renewals"),
            "{cmds:?}"
        );
        assert!(details_screen(&view, w, h).contains("Exporting “June renewals”: every page"));
        view.update(DetailsMsg::Exported(Ok(saved(120))), now());
        let text = details_screen(&view, w, h);
        assert!(
            text.contains("Exported 120 calls of “June renewals” to"),
            "{text}"
        );
        assert!(
            text.contains("/home/op/.local/share/weya-tui/exports/"),
            "{text}"
        );
        snap("details_exported", w, h, text);
    }
}

/// A batch deleted elsewhere while on show: batch-details answers 404,
/// and the view says it is gone and that it stops asking, with the time
/// on the operator's clock.
#[test]
fn details_of_a_batch_deleted_elsewhere_say_it_is_gone() {
    for (w, h) in SIZES {
        let mut view = details_view(w, h);
        let cmds = view.update(DetailsMsg::Tick, now());
        let [Cmd::FetchCalls { generation, .. }] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        view.update(
            DetailsMsg::CallsLoaded {
                generation: *generation,
                result: Err(ApiError::Status {
                    status: 404,
                    message: Some("Batch not found".into()),
                    request_id: None,
                    excerpt: None,
                    retry_after: None,
                }),
            },
            now(),
        );
        let text = details_screen(&view, w, h);
        assert!(
            text.contains("This batch is gone: Weya answers 404 (not found) for it since"),
            "{text}"
        );
        assert!(view.refresh_timer().is_none(), "it stops asking");
        snap("details_gone", w, h, text);
    }
}

// ---- an active batch outside its calling window ----

/// Thursday 15 Jan 2026, 18:00 in New York: "June renewals" (active,
/// weekdays 09:00–17:00 there) waits for Friday morning.
fn evening() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 23, 0, 0).unwrap()
}

/// The view context of a client that created "June renewals" (batch 0)
/// on the sandbox, its dialer keeping the windows unless `ignoring`.
fn june_made_here(ignoring: bool) -> ViewContext {
    let june = CallingSchedule::from_body(&json!({
        "timezone": "America/New_York",
        "callingHour": {"start": "09:00", "end": "17:00"},
        "allowedDays": [1, 2, 3, 4, 5]
    }))
    .unwrap();
    ViewContext {
        sandbox: true,
        schedules: KnownSchedules::new([(batches()[0].id.clone(), june)], [], ignoring),
        ..kolkata()
    }
}

const WAITS: &str = "outside its calling window: opens Fri 09:00 America/New_York (in 15 h)";

#[test]
fn an_active_batch_outside_its_window_says_when_it_opens() {
    for (w, h) in SIZES {
        let mut list = list_with(june_made_here(false), w, h, Ok(page_of(batches(), 63)));
        let at = |list: &BatchList, when| {
            screen(w, h, |f| {
                DrawView::draw(list, &Theme::new(false), f, f.area(), when)
            })
        };
        let text = at(&list, evening());
        snap("list_outside_window", w, h, text.clone());
        assert!(text.contains(WAITS), "{text}");
        // Inside the window, nothing to say.
        assert!(!at(&list, now()).contains("outside its calling window"));
        // Another batch highlighted: its schedule is unknown, so no word.
        key(&mut list, KeyCode::Down);
        assert!(!at(&list, evening()).contains("outside its calling window"));

        let view = details_view_in(june_made_here(false), w, h, "June renewals");
        let text = screen(w, h, |f| {
            DrawView::draw(&view, &Theme::new(false), f, f.area(), evening())
        });
        snap("details_outside_window", w, h, text.clone());
        assert!(text.contains(WAITS), "{text}");
    }
}

/// The details of batch 0 named `name` told `context`, and what the view
/// asked for when its first page came.
fn first_page(context: ViewContext, name: &str) -> (BatchDetailsView, Vec<Cmd>) {
    let mut summary = batches().remove(0);
    summary.batch_name = name.into();
    let mut view = BatchDetailsView::new(context, summary);
    let cmds = view.update(DetailsMsg::Tick, now());
    let [Cmd::FetchCalls { generation, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: *generation,
            result: Ok(BatchDetails {
                batch_id: batches()[0].id.clone(),
                batch_name: name.into(),
                batch_status: "active".into(),
                page: 1,
                limit: 20,
                total: 6,
                total_pages: 1,
                calls: (0..6).map(call).collect(),
            }),
        },
        now(),
    );
    (view, cmds)
}

/// Issue 19: a batch's details say where its window leaves its contacts'
/// hours. "June renewals" calls 09:00–17:00 New York: those in London and
/// Los Angeles are flagged, those in New York are not.
#[test]
fn details_flag_contacts_in_london_and_los_angeles_not_new_york() {
    // Its window is known here: the one walk of its calls (the outcomes'
    // count) has their numbers; nothing else reads the pages.
    let (_, cmds) = first_page(june_made_here(false), "June renewals");
    let walks: Vec<_> = cmds
        .iter()
        .filter(
            |c| matches!(c, Cmd::CountOutcomes { batch_id, .. } if *batch_id == batches()[0].id),
        )
        .collect();
    assert_eq!(walks.len(), 1, "{cmds:?}");
    for (w, h) in SIZES {
        let mut view = details_view_in(june_made_here(false), w, h, "June renewals");
        let numbers = [
            "+12125550100",
            "+12125550101",
            "+12125550102",
            "+13105550100",
            "+442071838750",
            "+442079460958",
        ];
        let calls = numbers.iter().enumerate().map(|(i, number)| Call {
            phone_number: (*number).into(),
            ..call(i)
        });
        view.update(
            DetailsMsg::OutcomesCounted(Ok(Box::new(counted_of(calls, now())))),
            now(),
        );
        let text = details_screen(&view, w, h);
        snap("details_local_time", w, h, text.clone());
        let times = view.local_times().unwrap().as_ref().unwrap();
        let line = times.compact();
        assert_eq!(
            line,
            "Local time outside 08:00–21:00 (09:00–17:00 New York on Thu 15 Jan): 2 in \
             Europe/London 14:00–22:00 (1 h after 21:00) · 1 in America/Los_Angeles \
             06:00–14:00 (2 h before 08:00) · 3 inside 08:00–21:00",
        );
        assert!(text.contains("⚠ Local time outside 08:00–21:00"), "{text}");
        let new_york = times
            .groups
            .iter()
            .find(|g| g.zone_name() == "America/New_York")
            .unwrap();
        assert!(!new_york.is_flagged(), "{new_york:?}");
    }
    // A batch whose window is not known here: its calls are walked for
    // the outcomes all the same, and no local time is said.
    let (mut view, cmds) = first_page(kolkata(), "Made elsewhere");
    assert_eq!(
        cmds.iter()
            .filter(|c| matches!(c, Cmd::CountOutcomes { .. }))
            .count(),
        1,
        "{cmds:?}"
    );
    view.update(
        DetailsMsg::OutcomesCounted(Ok(Box::new(counted_of((0..6).map(call), now())))),
        now(),
    );
    assert!(view.local_times().is_none());
}

/// Issue 19: the details header says why an active batch in its window
/// is not moving when its calls wait out their retry delay (its retries
/// known here), from the one walk of its calls; and a call's view says
/// when its next try is, and which.
#[test]
fn details_say_calls_wait_out_the_retry_delay_and_a_calls_next_try() {
    use weya_tui::campaign::progress::RetryPolicy;
    let retry = RetryPolicy {
        retries: 2,
        delay_secs: 2 * 3600,
    };
    let mut context = june_made_here(false);
    context.schedules = context
        .schedules
        .with_retries([(batches()[0].id.clone(), retry)]);
    for (w, h) in SIZES {
        let mut view = details_view_in(context.clone(), w, h, "June renewals");
        // Every call tried once at 13:50 UTC (08:50 in New York), and
        // failed: the next tries are due at 10:50 New York.
        let failed: Vec<Call> = (0..20)
            .map(|n| {
                serde_json::from_value(json!({
                    "_id": format!("6789abcdef0123456789{n:04x}"),
                    "phoneNumber": format!("1212555{n:04}"),
                    "phoneLogs": [{"callStatus": "no-answer", "callDuration": 0,
                                   "createdAt": "2026-01-15T13:50:00.000Z"}],
                }))
                .unwrap()
            })
            .collect();
        let mut fold = weya_tui::campaign::outcomes::Fold::new(Some(retry));
        failed.iter().for_each(|c| fold.add(c));
        let counted = fold.finish(
            weya_tui::campaign::Walked {
                calls: 20,
                pages: 1,
                total_first: 20,
                total_last: 20,
                batch_status: "active".into(),
                ..Default::default()
            },
            now(),
        );
        view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now());
        let text = details_screen(&view, w, h);
        snap("details_retry_delay", w, h, text.clone());
        assert!(
            text.contains("20 calls wait out the retry delay: next at 10:50"),
            "{text}"
        );

        // The second call of the page: tried once at 13:10 UTC, so its
        // second try of three is due at 10:10 New York.
        key_details(&mut view, KeyCode::Down);
        key_details(&mut view, KeyCode::Enter);
        let text = details_screen(&view, w, h);
        snap("call_next_try", w, h, text.clone());
        assert!(
            text.contains("Next try    10:10 (attempt 2 of 3)"),
            "{text}"
        );
    }
}

fn key_details(view: &mut BatchDetailsView, code: KeyCode) -> Vec<Cmd> {
    view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
        now(),
    )
}

#[test]
fn nothing_is_said_of_a_window_the_dialer_ignores_or_of_an_unknown_schedule() {
    let (w, h) = (120, 40);
    for context in [june_made_here(true), kolkata()] {
        let list = list_with(context, w, h, Ok(page_of(batches(), 63)));
        let text = screen(w, h, |f| {
            DrawView::draw(&list, &Theme::new(false), f, f.area(), evening())
        });
        assert!(!text.contains("outside its calling window"), "{text}");
    }
}

/// QA: under the sandbox's `--ignore-window` the details lost the
/// contacts' local time (the windows were dropped with the reasoning). The
/// window is not reasoned from (no "outside its calling window" in the
/// evening), and the local time stays, first saying that calls may come
/// at any hour.
#[test]
fn details_under_ignore_window_keep_the_local_time_and_say_any_hour() {
    for (w, h) in SIZES {
        let mut view = details_view_in(june_made_here(true), w, h, "June renewals");
        let numbers = ["+12125550100", "+13105550100", "+442079460958"];
        let calls = numbers.iter().enumerate().map(|(i, number)| Call {
            phone_number: (*number).into(),
            ..call(i)
        });
        view.update(
            DetailsMsg::OutcomesCounted(Ok(Box::new(counted_of(calls, now())))),
            now(),
        );
        let text = screen(w, h, |f| {
            DrawView::draw(&view, &Theme::new(false), f, f.area(), evening())
        });
        snap("details_ignore_window", w, h, text.clone());
        assert!(!text.contains("outside its calling window"), "{text}");
        assert!(
            text.contains("Local time: calls may come at any hour"),
            "{text}"
        );
        assert!(view.local_times().is_some_and(|t| t.is_ok()), "{text}");
    }
}

#[test]
fn the_sandbox_examples_schedules_are_known_by_name() {
    // "Example: Payment reminders" is active, every day 09:00–20:00 in
    // Kolkata: 04:30 there at 23:00 UTC.
    let mut reminders = batches().remove(2);
    reminders.batch_name = "Example: Payment reminders".into();
    reminders.queue_status = "active".into();
    let context = ViewContext {
        sandbox: true,
        schedules: KnownSchedules::new([], weya_tui::sandbox::example_schedules(), false),
        ..kolkata()
    };
    let (w, h) = (120, 40);
    let list = list_with(context, w, h, Ok(page_of(vec![reminders.clone()], 1)));
    let text = screen(w, h, |f| {
        DrawView::draw(&list, &Theme::new(false), f, f.area(), evening())
    });
    assert!(
        text.contains("outside its calling window: opens Fri 09:00 Asia/Kolkata (in 4 h)"),
        "{text}"
    );
    // A real API's batch of that name is not the example.
    let remote = ViewContext {
        schedules: KnownSchedules::new([], [], false),
        ..kolkata()
    };
    let list = list_with(remote, w, h, Ok(page_of(vec![reminders], 1)));
    let text = screen(w, h, |f| {
        DrawView::draw(&list, &Theme::new(false), f, f.area(), evening())
    });
    assert!(!text.contains("outside its calling window"), "{text}");
}

/// 11:00 in New York on Thursday 15 Jan 2026: "June renewals" (made
/// here, 09:00–17:00 weekdays) is in its window.
fn late_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 16, 0, 0).unwrap()
}

/// [`june_made_here`], with "June renewals" seen at `seen` minutes
/// before [`late_morning`] with `done` calls completed each time.
fn june_seen(seen: &[(i64, u64)]) -> ViewContext {
    let mut progress = Tracker::default();
    for &(ago, done) in seen {
        let mut june = batches().remove(0);
        june.calls_completed = Some(done);
        progress.record(&june, None, late_morning() - chrono::Duration::minutes(ago));
    }
    ViewContext {
        progress,
        ..june_made_here(false)
    }
}

#[test]
fn a_moving_batch_says_when_it_ends_in_its_window_and_on_what_assumptions() {
    // 21 completed ten minutes ago, 41 now: 2 a minute, 79 left.
    let context = june_seen(&[(10, 21), (0, 41)]);
    let ends = "at 2.0 calls/min this batch ends Thu 11:39 America/New_York (1 calling day)";
    let assumes = "assumes: the rate of the last 10 min holds, in its window only; all 79 left \
                   complete (failures end it sooner)";
    for (w, h) in SIZES {
        let list = list_with(context.clone(), w, h, Ok(page_of(batches(), 63)));
        let text = screen(w, h, |f| {
            DrawView::draw(&list, &Theme::new(false), f, f.area(), late_morning())
        });
        snap("list_forecast", w, h, text.clone());
        assert!(text.contains(ends), "{text}");

        let view = details_view_in(context.clone(), w, h, "June renewals");
        let text = screen(w, h, |f| {
            DrawView::draw(&view, &Theme::new(false), f, f.area(), late_morning())
        });
        snap("details_forecast", w, h, text.clone());
        assert!(text.contains(ends), "{text}");
        if w >= 120 {
            assert!(text.contains(assumes), "{text}");
        } else {
            assert!(
                text.contains("assumes: the rate of the last 10 min"),
                "{text}"
            );
        }
    }
    // Another batch highlighted: nothing seen of it, nothing said.
    let mut list = list_with(context, 120, 40, Ok(page_of(batches(), 63)));
    key(&mut list, KeyCode::Down);
    let text = screen(120, 40, |f| {
        DrawView::draw(&list, &Theme::new(false), f, f.area(), late_morning())
    });
    assert!(!text.contains("calls/min"), "{text}");
}

#[test]
fn a_batch_that_has_not_moved_for_ten_minutes_in_its_window_says_so() {
    let context = june_seen(&[(15, 41), (5, 41)]);
    let stalled = "no progress for 15 min, no known reason";
    let (w, h) = (120, 40);
    let list = list_with(context.clone(), w, h, Ok(page_of(batches(), 63)));
    let text = screen(w, h, |f| {
        DrawView::draw(&list, &Theme::new(false), f, f.area(), late_morning())
    });
    snap("list_stalled", w, h, text.clone());
    assert!(text.contains(stalled), "{text}");
    assert!(
        !text.contains("calls/min"),
        "no forecast beside a stall: {text}"
    );

    let view = details_view_in(context, w, h, "June renewals");
    let text = screen(w, h, |f| {
        DrawView::draw(&view, &Theme::new(false), f, f.area(), late_morning())
    });
    snap("details_stalled", w, h, text.clone());
    assert!(text.contains(stalled), "{text}");
}

/// Issue 19 item 7: `o` sorts the calls by duration over the whole batch.
/// While the count that keeps the rows reads the pages, the line under
/// the table says how far it is (and the page on screen stays Weya's);
/// then the table is the shortest calls of the batch (a new column sorts
/// ascending first, as the CLI's --sort), and the line says over what and
/// as read when.
#[test]
fn details_sorted_by_duration_over_the_whole_batch() {
    for (w, h) in SIZES {
        let mut view = details_view(w, h);
        // number, status, duration
        let first = key_details(&mut view, KeyCode::Char('o'));
        assert!(
            first.iter().any(|c| matches!(
                c,
                Cmd::CountOutcomes {
                    keep_rows: true,
                    ..
                }
            )),
            "{first:?}"
        );
        key_details(&mut view, KeyCode::Char('o'));
        let cmds = key_details(&mut view, KeyCode::Char('o'));
        let [
            Cmd::FetchCalls {
                generation, query, ..
            },
        ] = cmds.as_slice()
        else {
            panic!("{cmds:?}")
        };
        let (generation, limit) = (*generation, u64::from(query.limit));
        let server_page = BatchDetails {
            batch_id: "64e5f12345abcdef98760000".into(),
            batch_name: "June renewals".into(),
            batch_status: "active".into(),
            page: 1,
            limit,
            total: 120,
            total_pages: 120u64.div_ceil(limit),
            calls: (0..usize::try_from(limit).unwrap()).map(call).collect(),
        };
        view.update(
            DetailsMsg::CallsLoaded {
                generation,
                result: Ok(server_page),
            },
            now(),
        );
        view.update(DetailsMsg::CountProgress { pages: 1, of: 2 }, now());
        snap("details_sorting_reading", w, h, details_screen(&view, w, h));
        let mut fold = weya_tui::campaign::outcomes::Fold::new(None).keeping(1000);
        (0..120).map(call).for_each(|c| fold.add(&c));
        let counted = fold.finish(
            weya_tui::campaign::Walked {
                calls: 120,
                pages: 2,
                total_first: 120,
                total_last: 120,
                batch_status: "active".into(),
                ..Default::default()
            },
            now() - chrono::TimeDelta::seconds(5),
        );
        view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now());
        let text = details_screen(&view, w, h);
        assert!(
            text.contains("by duration ascending ↑ over all 120 calls")
                || (w < 100 && text.contains("by duration ↑ · read")),
            "{text}"
        );
        snap("details_sorted_by_duration", w, h, text);
    }
}

/// QA: a read for the sort that failed left "reading every page to
/// sort…" on screen for good. The line under the table says the calls
/// could not be read, why, and when they are asked again.
#[test]
fn details_sort_failed_says_why_and_when_again() {
    for (w, h) in SIZES {
        let mut view = details_view(w, h);
        key_details(&mut view, KeyCode::Char('o'));
        key_details(&mut view, KeyCode::Char('o'));
        let cmds = key_details(&mut view, KeyCode::Char('o'));
        let [
            Cmd::FetchCalls {
                generation, query, ..
            },
        ] = cmds.as_slice()
        else {
            panic!("{cmds:?}")
        };
        let (generation, limit) = (*generation, u64::from(query.limit));
        let server_page = BatchDetails {
            batch_id: "64e5f12345abcdef98760000".into(),
            batch_name: "June renewals".into(),
            batch_status: "active".into(),
            page: 1,
            limit,
            total: 120,
            total_pages: 120u64.div_ceil(limit),
            calls: (0..usize::try_from(limit).unwrap()).map(call).collect(),
        };
        view.update(
            DetailsMsg::CallsLoaded {
                generation,
                result: Ok(server_page),
            },
            now(),
        );
        view.update(
            DetailsMsg::OutcomesCounted(Err(
                "page 2 of the calls failed after 100 calls were read: HTTP 502".into(),
            )),
            now(),
        );
        let text = details_screen(&view, w, h);
        // The wait first, the reason after (cut first); at 80 columns
        // only that it failed fits.
        let said = if w >= 120 {
            "not sorted: calls not read; next try in 5 s (1 failed): page 2 of"
        } else {
            "not sorted: calls not read"
        };
        assert!(text.contains(said), "{text}");
        assert!(!text.contains("reading every page"), "{text}");
        snap("details_sort_failed", w, h, text);
    }
}

/// Issue 19 item 7, by a contact field: after the fixed columns `o` goes
/// on to each contact field in the table's order (name, then plan), and
/// the table is the whole batch by that field (text without case, ties
/// oldest first), the line under it naming the field.
#[test]
fn details_sorted_by_a_contact_field_over_the_whole_batch() {
    let (w, h) = (120, 40);
    let mut view = details_view(w, h);
    // number, status, duration, attempts, time, name, plan
    let mut cmds = Vec::new();
    for _ in 0..7 {
        cmds = key_details(&mut view, KeyCode::Char('o'));
    }
    assert_eq!(view.sorting().column.name(), "plan");
    let [
        Cmd::FetchCalls {
            generation, query, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    let (generation, limit) = (*generation, u64::from(query.limit));
    view.update(
        DetailsMsg::CallsLoaded {
            generation,
            result: Ok(BatchDetails {
                batch_id: "64e5f12345abcdef98760000".into(),
                batch_name: "June renewals".into(),
                batch_status: "active".into(),
                page: 1,
                limit,
                total: 120,
                total_pages: 120u64.div_ceil(limit),
                calls: (0..usize::try_from(limit).unwrap()).map(call).collect(),
            }),
        },
        now(),
    );
    let mut fold = weya_tui::campaign::outcomes::Fold::new(None).keeping(1000);
    (0..120).map(call).for_each(|c| fold.add(&c));
    let counted = fold.finish(
        weya_tui::campaign::Walked {
            calls: 120,
            pages: 2,
            total_first: 120,
            total_last: 120,
            batch_status: "active".into(),
            ..Default::default()
        },
        now() - chrono::TimeDelta::seconds(5),
    );
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now());
    let text = details_screen(&view, w, h);
    assert!(
        text.contains("by plan ascending ↑ over all 120 calls"),
        "{text}"
    );
    // The page is the first rows of every plan sorted (Basic's 30 calls,
    // then Family's), each plan's calls oldest first (as added: 0, 4, …).
    let mut want: Vec<(String, usize)> = (0..120)
        .map(|n| (call(n).field_text("plan").unwrap(), n))
        .collect();
    want.sort_by_key(|(p, n)| (p.to_lowercase(), *n));
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("+1 212")).collect();
    assert!(rows.len() > 30, "{text}");
    for (row, (plan, n)) in rows.iter().zip(&want) {
        assert!(
            row.contains(&format!("Contact {n} ")) && row.contains(plan.as_str()),
            "{row} is not call {n} ({plan}): {text}"
        );
    }
    snap("details_sorted_by_a_field", w, h, text);
    // The other fields in the table's order, then created (Weya's order).
    let mut next = Vec::new();
    for _ in 0..3 {
        key_details(&mut view, KeyCode::Char('o'));
        next.push(view.sorting().column.name().to_owned());
    }
    assert_eq!(next, ["due_date", "amount", "created"]);
}
