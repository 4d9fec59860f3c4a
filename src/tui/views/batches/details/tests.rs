use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use super::*;
use crate::api::ApiError;
use crate::tui::widgets::DrawView;
use crate::tui::widgets::theme::Theme;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap()
}

const BATCH: &str = "64e5f12345abcdef98765432";

fn summary() -> BatchSummary {
    BatchSummary {
        id: BATCH.into(),
        batch_name: "June renewals".into(),
        total_calls: Some(30),
        calls_picked: Some(12),
        calls_completed: Some(7),
        queue_status: "active".into(),
        created_at: "2026-01-15T11:00:00.000Z".into(),
        updated_at: "2026-01-15T13:59:00.000Z".into(),
    }
}

fn call(n: usize) -> Call {
    serde_json::from_value(json!({
        "_id": format!("{:024x}", 0x6789_0000_u64 + n as u64),
        "phoneNumber": format!("1212555{n:04}"),
        "name": format!("Contact {n}"),
        "plan": "Premium",
        "due_date": "2026-02-01",
        "city": "Austin",
        "language": "en",
        "phoneLogs": [
            {"callStatus": "no-answer", "callDuration": 0, "createdAt": "2026-01-15T13:50:00.000Z"},
            {"callStatus": if n.is_multiple_of(2) { "completed" } else { "busy" }, "callDuration": 65,
             "recordingUrl": format!("https://sandbox.invalid/rec/{n}.mp3"),
             "transcript": [{"role": "assistant", "content": "Hello, this is a long opening line about the renewal of your plan that wraps."},
                            {"role": "user", "content": "Yes."}],
             "createdAt": "2026-01-15T13:58:00.000Z"}
        ],
        "createdAt": "2026-01-15T11:00:00.000Z"
    }))
    .unwrap()
}

fn details(range: std::ops::Range<usize>, page: u64, limit: u64, total: u64) -> BatchDetails {
    BatchDetails {
        batch_id: BATCH.into(),
        batch_name: "June renewals".into(),
        batch_status: "active".into(),
        page,
        limit,
        total,
        total_pages: total.div_ceil(limit),
        calls: range.map(call).collect(),
    }
}

fn key(view: &mut BatchDetailsView, code: KeyCode) -> Vec<Cmd> {
    view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
        now(),
    )
}

fn draw(view: &BatchDetailsView, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| DrawView::draw(view, &Theme::new(false), f, f.area(), now()))
        .unwrap();
    crate::tui::testing::text_of(terminal.backend().buffer())
}

fn fetch_of(cmds: Vec<Cmd>) -> (u64, CallQuery, Duration) {
    match cmds.as_slice() {
        [
            Cmd::FetchCalls {
                generation,
                query,
                after,
                batch_id,
            },
        ] => {
            assert_eq!(batch_id, BATCH);
            (*generation, query.clone(), *after)
        }
        other => panic!("expected one fetch, got {other:?}"),
    }
}

fn load(view: &mut BatchDetailsView, generation: u64, result: BatchDetails) {
    view.update(
        DetailsMsg::CallsLoaded {
            generation,
            result: Ok(result),
        },
        now(),
    );
}

/// Drawn at 80x17 (10 rows fit), page 1 of 3 loaded.
fn loaded() -> BatchDetailsView {
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    draw(&view, 80, 17);
    let (g, query, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    assert_eq!(query.limit, 10);
    load(&mut view, g, details(0..10, 1, 10, 30));
    view
}

#[test]
fn a_paste_into_the_search_says_which_control_characters_it_lost() {
    let mut view = loaded();
    key(&mut view, KeyCode::Char('/'));
    let (_, query, _) =
        fetch_of(view.update(DetailsMsg::Input(Input::Paste("212\u{7}".into())), now()));
    assert_eq!(query.search.as_deref(), Some("212"));
    assert_eq!(
        view.notice.as_ref().map(|n| n.text.as_str()),
        Some("Removed 1 control character from the paste (U+0007 BELL)")
    );
}

#[test]
fn pages_come_from_the_server() {
    let mut view = loaded();
    assert!(draw(&view, 80, 17).contains("page 1/3 · 30 calls"));
    key(&mut view, KeyCode::PageDown);
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::PageDown));
    assert_eq!(query.page, 2);
    load(&mut view, g, details(10..20, 2, 10, 30));
    assert_eq!(view.selected().unwrap().phone_number, "12125550010");
}

#[test]
fn f_chooses_a_status_sent_as_the_filter_and_s_cycles_the_order() {
    let mut view = loaded();
    key(&mut view, KeyCode::Char('f'));
    assert_eq!(view.scope(), Scope::StatusChoice);
    let choices = view.status_choices();
    assert_eq!(
        choices,
        [
            None,
            Some("completed".into()),
            Some("busy".into()),
            Some("no-answer".into())
        ],
        "every status, the documented one, then those seen"
    );
    key(&mut view, KeyCode::Down);
    key(&mut view, KeyCode::Down);
    let (_, query, _) = fetch_of(key(&mut view, KeyCode::Enter));
    assert_eq!(query.filter.as_deref(), Some("busy"));
    assert_eq!(
        query
            .params()
            .iter()
            .find(|(k, _)| *k == "filter")
            .unwrap()
            .1,
        r#"{"callStatus":"busy"}"#
    );
    let (_, query, _) = fetch_of(view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(
            KeyCode::Char('S'),
            KeyModifiers::SHIFT,
        ))),
        now(),
    ));
    assert_eq!((query.sort_order, query.page), (SortOrder::Asc, 1));
}

#[test]
fn search_waits_for_a_pause() {
    let mut view = loaded();
    key(&mut view, KeyCode::Char('/'));
    let (_, query, after) = fetch_of(key(&mut view, KeyCode::Char('A')));
    assert_eq!(
        (query.search.as_deref(), after),
        (Some("A"), SEARCH_DEBOUNCE)
    );
}

#[test]
fn fields_scroll_sideways() {
    let mut view = loaded();
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("name"), "{screen}");
    assert!(screen.contains("→"), "says there is more: {screen}");
    key(&mut view, KeyCode::Right);
    let screen = draw(&view, 80, 17);
    assert!(!screen.contains("Contact 0"), "{screen}");
    assert!(screen.contains("←plan"), "{screen}");
    key(&mut view, KeyCode::Left);
    assert!(draw(&view, 80, 17).contains("Contact 0"));
}

#[test]
fn enter_opens_the_call_and_c_copies_its_recording() {
    let mut view = loaded();
    key(&mut view, KeyCode::Enter);
    assert_eq!(view.scope(), Scope::Call);
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("Attempts (2)"), "{screen}");
    assert_eq!(
        key(&mut view, KeyCode::Char('c')),
        [Cmd::Copy("https://sandbox.invalid/rec/0.mp3".into())]
    );
    // The transcript is below the fold at this size: it scrolls to it.
    for _ in 0..20 {
        key(&mut view, KeyCode::Down);
    }
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("user: Yes."), "{screen}");
    key(&mut view, KeyCode::Esc);
    assert_eq!(view.scope(), Scope::Calls);
    assert_eq!(key(&mut view, KeyCode::Esc), [Cmd::Close]);
}

#[test]
fn c_on_a_call_without_a_recording_says_so_neutrally_and_esc_clears_it() {
    let mut view = loaded();
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let mut page = details(0..10, 1, 10, 30);
    for log in &mut page.calls[0].phone_logs {
        log.recording_url = None;
    }
    load(&mut view, g, page);
    key(&mut view, KeyCode::Enter);
    assert!(key(&mut view, KeyCode::Char('c')).is_empty());
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("· This call has no recording."), "{screen}");
    assert!(
        !screen.contains("✓ This call"),
        "nothing was done: {screen}"
    );
    key(&mut view, KeyCode::Esc);
    let screen = draw(&view, 80, 17);
    assert!(!screen.contains("no recording"), "{screen}");
}

#[test]
fn counts_have_thousands_separators_and_one_is_singular() {
    let mut big = summary();
    big.total_calls = Some(38_000);
    big.calls_picked = Some(12_345);
    big.calls_completed = Some(5_000);
    let view = BatchDetailsView::new(ViewContext::default(), big);
    let screen = draw(&view, 120, 16);
    assert!(
        screen.contains("5,000 completed · 12,345 picked up · 38,000 calls"),
        "{screen}"
    );
    let mut one = summary();
    one.total_calls = Some(1);
    let view = BatchDetailsView::new(ViewContext::default(), one);
    assert!(draw(&view, 120, 16).contains("picked up · 1 call"));
}

#[test]
fn a_refresh_keeps_the_cursor_on_its_call() {
    let mut view = loaded();
    key(&mut view, KeyCode::Down);
    key(&mut view, KeyCode::Down);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let mut fresh = details(1..10, 1, 10, 30);
    fresh.calls.push(call(50));
    load(&mut view, g, fresh);
    assert_eq!(view.selected().unwrap().phone_number, "12125550002");
}

#[test]
fn the_search_takes_typing_at_its_cursor() {
    let mut view = loaded();
    key(&mut view, KeyCode::Char('/'));
    for c in "mchen".chars() {
        key(&mut view, KeyCode::Char(c));
    }
    for _ in 0..4 {
        assert!(key(&mut view, KeyCode::Left).is_empty());
    }
    let (_, query, after) = fetch_of(key(&mut view, KeyCode::Char('e')));
    assert_eq!(
        (query.search.as_deref(), after),
        (Some("mechen"), SEARCH_DEBOUNCE)
    );
    assert!(draw(&view, 120, 20).contains("search “me▏chen”"));
    key(&mut view, KeyCode::Enter);
    assert!(
        draw(&view, 120, 20).contains("search “mechen”"),
        "kept, closed"
    );
}

#[test]
fn the_header_totals_are_asked_after_each_page_of_calls_and_never_stacked() {
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    draw(&view, 80, 17);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let mut stopped = details(0..10, 1, 10, 31);
    stopped.batch_status = "stopped".into();
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(stopped),
        },
        now(),
    );
    // The outcomes are counted once the first page is in (their own test).
    let (outcomes, cmds): (Vec<_>, Vec<_>) = cmds
        .into_iter()
        .partition(|c| matches!(c, Cmd::CountOutcomes { .. }));
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    // batch-details' own status and number of calls show at once.
    let header = draw(&view, 80, 17);
    assert!(header.contains("■ stopped"), "{header}");
    assert!(
        header.contains("7 completed · 12 picked up · 31 calls"),
        "{header}"
    );
    let [
        Cmd::FetchBatchTotals {
            generation,
            batch_id,
            name,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((batch_id.as_str(), name.as_str()), (BATCH, "June renewals"));
    let totals = *generation;

    // A second page of calls while the totals are out asks nothing more.
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(details(0..10, 1, 10, 31)),
        },
        now(),
    );
    assert!(cmds.is_empty(), "{cmds:?}");

    // The list's row of this batch (found among others of that name).
    let mut other = summary();
    other.id = "64e5f12345abcdef00000000".into();
    other.batch_name = "June renewals 2".into();
    let mut fresh = summary();
    fresh.calls_picked = Some(20);
    fresh.calls_completed = Some(15);
    fresh.total_calls = Some(31);
    view.update(
        DetailsMsg::TotalsLoaded {
            generation: totals,
            result: Ok(vec![other, fresh]),
        },
        now(),
    );
    assert!(draw(&view, 80, 17).contains("15 completed · 20 picked up · 31 calls"));
    assert_eq!(view.summary().map(|s| s.calls_picked.unwrap()), Some(20));
}

#[test]
fn without_a_user_id_the_totals_are_not_asked_again_and_a_filter_keeps_the_total() {
    let mut view = loaded();
    let cmds = view.update(DetailsMsg::Tick, now());
    let (g, _, _) = fetch_of(cmds);
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(details(0..10, 1, 10, 30)),
        },
        now(),
    );
    // `loaded` left one totals request out: this page asks for none.
    assert!(cmds.is_empty(), "{cmds:?}");
    let missing = ApiError::MissingSetting {
        what: "user ID",
        setting: "WEYA_USER_ID",
        key: "user_id",
    };
    view.update(
        DetailsMsg::TotalsLoaded {
            generation: 1,
            result: Err(missing),
        },
        now(),
    );
    // A filter narrows the calls: their number is not the batch's.
    key(&mut view, KeyCode::Char('f'));
    key(&mut view, KeyCode::Down);
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Enter));
    assert_eq!(query.filter.as_deref(), Some("completed"));
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(details(0..4, 1, 10, 4)),
        },
        now(),
    );
    assert!(cmds.is_empty(), "no user ID: not asked again: {cmds:?}");
    assert!(draw(&view, 80, 17).contains("7 completed · 12 picked up · 30 calls"));
}

/// Opened with Enter and PgDn at once: the first page is the size the
/// drawing will give it (13 calls in the 20 rows of an 80x24 screen, 29
/// in the 36 of 120x40), and the PgDns that came before it are applied
/// when it arrives, not lost.
#[test]
fn the_first_page_fits_the_height_and_keys_sent_before_it_are_kept() {
    for (width, height, rows) in [(80, 20, 13_u16), (120, 36, 29)] {
        let mut view = BatchDetailsView::new(ViewContext::default(), summary()).in_height(height);
        let (g, query, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
        assert_eq!(query.limit, u32::from(rows), "{width}x{height}");
        assert!(key(&mut view, KeyCode::PageDown).is_empty(), "kept");
        assert!(key(&mut view, KeyCode::PageDown).is_empty(), "kept");
        let limit = u64::from(rows);
        let cmds = view.update(
            DetailsMsg::CallsLoaded {
                generation: g,
                result: Ok(details(0..usize::from(rows), 1, limit, 3 * limit)),
            },
            now(),
        );
        // The first PgDn went to the last call, the second to the next page.
        let next = cmds.iter().find_map(|c| match c {
            Cmd::FetchCalls { query, .. } => Some(query.clone()),
            _ => None,
        });
        assert_eq!(next.map(|q| (q.page, q.limit)), Some((2, u32::from(rows))));
        // Drawn in that height, the page holds what was asked for.
        draw(&view, width, height);
        assert_eq!(view.geometry.get().page_rows, rows, "{width}x{height}");
        assert_eq!(view.geometry.get().rows.height, rows, "{width}x{height}");
    }
}

#[test]
fn numbers_are_formatted_once_a_page_and_a_new_page_shows_its_own() {
    let mut view = loaded();
    assert!(draw(&view, 80, 17).contains("+1 212-555-0000"));
    // The next page's first row is another call: its number, not the
    // first page's one kept from the last frame.
    key(&mut view, KeyCode::PageDown);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    load(&mut view, g, details(10..20, 2, 10, 30));
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("+1 212-555-0010"), "{screen}");
    assert!(!screen.contains("+1 212-555-0000"), "{screen}");
    assert_eq!(view.number_shown(0), "+1 212-555-0010");
}

fn shifted(view: &mut BatchDetailsView, c: char) -> Vec<Cmd> {
    view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::SHIFT,
        ))),
        now(),
    )
}

/// Issue 19: `s` and `x` did nothing in a batch's own view. They ask
/// first, as on the list; the answer comes back here and the header says
/// the new status.
#[test]
fn s_and_x_start_and_stop_from_the_batch_itself_after_asking() {
    let mut view = loaded();
    assert!(key(&mut view, KeyCode::Char('x')).is_empty(), "asks first");
    assert_eq!(view.scope(), Scope::Confirm);
    let screen = draw(&view, 80, 16);
    assert!(screen.contains("Stop calling “June renewals”?"), "{screen}");
    assert!(key(&mut view, KeyCode::Esc).is_empty(), "Esc sends nothing");
    assert_eq!(view.scope(), Scope::Calls);

    key(&mut view, KeyCode::Char('x'));
    let cmds = key(&mut view, KeyCode::Enter);
    let [
        Cmd::Dialer {
            id, action, reply, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!((id.as_str(), *action), (BATCH, DialerAction::Stop));
    assert!(
        key(&mut view, KeyCode::Char('s')).is_empty(),
        "one switch at a time"
    );
    assert!(view.dialog.is_none());
    let answer = reply.make((
        BATCH.into(),
        DialerAction::Stop,
        Ok(crate::api::DialerState {
            batch_id: BATCH.into(),
            status: "stopped".into(),
        }),
    ));
    let Msg::BatchDetails { batch_id, msg } = answer else {
        panic!("{answer:?}");
    };
    assert_eq!(batch_id, BATCH, "addressed to this view");
    let cmds = view.update(msg, now());
    assert!(
        matches!(cmds.as_slice(), [Cmd::FetchCalls { .. }]),
        "{cmds:?}"
    );
    assert_eq!(view.summary().unwrap().queue_status, "stopped");
    assert_eq!(
        view.notice.as_ref().map(|n| n.text.as_str()),
        Some("Stopped calling “June renewals”.")
    );

    // A refusal says why, and the status stays as it was.
    key(&mut view, KeyCode::Char('s'));
    key(&mut view, KeyCode::Enter);
    view.update(
        DetailsMsg::DialerChanged {
            action: DialerAction::Start,
            result: Err(ApiError::Status {
                status: 401,
                message: Some("Token expired".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        },
        now(),
    );
    assert_eq!(view.summary().unwrap().queue_status, "stopped");
    let notice = view.notice.as_ref().unwrap().text.clone();
    assert!(
        notice.starts_with("Not started: “June renewals”: HTTP 401"),
        "{notice}"
    );
}

/// G (End) goes to the last call of the batch, on its last page; g (Home)
/// back to the first.
#[test]
fn capital_g_goes_to_the_last_call_of_the_batch_and_g_to_the_first() {
    let mut view = loaded();
    let (g, query, _) = fetch_of(shifted(&mut view, 'G'));
    assert_eq!(query.page, 3);
    load(&mut view, g, details(20..30, 3, 10, 30));
    assert_eq!(view.selected().unwrap().phone_number, "12125550029");
    assert!(shifted(&mut view, 'G').is_empty(), "already there");
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Char('g')));
    assert_eq!(query.page, 1);
    load(&mut view, g, details(0..10, 1, 10, 30));
    assert_eq!(view.selected().unwrap().phone_number, "12125550000");
    key(&mut view, KeyCode::Down);
    assert!(
        key(&mut view, KeyCode::Home).is_empty(),
        "on the first page"
    );
    assert_eq!(view.selected, 0);
}

/// Inside a call's view, n and p go to the next and previous call, across
/// pages, without going back to the table.
#[test]
fn n_and_p_step_through_the_calls_inside_a_calls_view_across_pages() {
    let mut view = loaded();
    for _ in 0..9 {
        key(&mut view, KeyCode::Down);
    }
    key(&mut view, KeyCode::Enter);
    assert_eq!(view.open_call().unwrap().phone_number, "12125550009");
    key(&mut view, KeyCode::Char('p'));
    assert_eq!(view.open_call().unwrap().phone_number, "12125550008");
    key(&mut view, KeyCode::Char('n'));
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Char('n')));
    assert_eq!(query.page, 2, "past the page's last call");
    load(&mut view, g, details(10..20, 2, 10, 30));
    assert_eq!(view.scope(), Scope::Call, "still in a call's view");
    assert_eq!(view.open_call().unwrap().phone_number, "12125550010");
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Char('[')));
    assert_eq!(query.page, 1);
    load(&mut view, g, details(0..10, 1, 10, 30));
    assert_eq!(view.open_call().unwrap().phone_number, "12125550009");
    for _ in 0..9 {
        key(&mut view, KeyCode::Char('p'));
    }
    assert!(key(&mut view, KeyCode::Char('p')).is_empty());
    assert_eq!(view.open_call().unwrap().phone_number, "12125550000");
    assert_eq!(
        view.notice.as_ref().map(|n| n.text.as_str()),
        Some("The first call of the batch (with this filter).")
    );
}

/// y copies the number as Weya holds it; Y the whole row, one line.
#[test]
fn y_copies_the_number_and_capital_y_the_row() {
    let mut view = loaded();
    key(&mut view, KeyCode::Down);
    assert_eq!(
        key(&mut view, KeyCode::Char('y')),
        [Cmd::Copy("12125550001".into())]
    );
    let cmds = shifted(&mut view, 'Y');
    let [Cmd::Copy(row)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(
        row,
        "12125550001\tbusy\t2\t2026-01-15T13:58:00.000Z\t65\tname=Contact 1\tplan=Premium\tdue_date=2026-02-01\tcity=Austin\tlanguage=en"
    );
    let mut odd = call(3);
    odd.fields
        .insert("notes".into(), json!("line one\nline\ttwo"));
    odd.phone_logs.clear();
    let line = call_line(&odd);
    assert!(line.contains("\tnot called yet\t0\t\t\t"), "{line}");
    assert!(line.ends_with("notes=line one line two"), "one row: {line}");
}

/// How many counts of the batch's outcomes `cmds` ask for.
fn counts(cmds: &[Cmd]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Cmd::CountOutcomes { batch_id, .. } if batch_id == BATCH))
        .count()
}

/// A batch whose number of calls changed since its last count (contacts
/// imported, here or from another terminal) is counted again at the next
/// refresh, not a minute later: its header never says "0 of 0 called"
/// over calls on screen, and "not called yet" is offered at once.
#[test]
fn a_batch_given_calls_since_its_count_is_counted_again_at_the_next_refresh() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let page = |g: u64, total: u64| {
        let shown = usize::try_from(total.min(10)).unwrap_or(10);
        let mut d = details(0..shown, 1, 10, total);
        d.batch_status = "paused".into();
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(d),
        }
    };
    assert_eq!(counts(&view.update(page(g, 0), now())), 1);
    let empty = Fold::new(None).finish(
        Walked {
            batch_status: "paused".into(),
            ..Walked::default()
        },
        now(),
    );
    let ended = now() + chrono::TimeDelta::milliseconds(50);
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(empty))), ended);
    let header = draw(&view, 120, 20);
    assert!(header.contains("nothing called yet"), "{header}");
    assert!(!header.contains("0 of 0 called"), "{header}");
    let at = |s| ended + chrono::TimeDelta::seconds(s);
    // Nothing changed: a paused batch is not counted again on its own.
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(5)));
    assert_eq!(counts(&view.update(page(g, 0), at(5))), 0);
    // 17 calls imported: the next refresh counts them.
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(10)));
    assert_eq!(counts(&view.update(page(g, 17), at(10))), 1);
}

/// Issue 19: the header's outcomes are counted over every page once the
/// first page of calls is in; never two counts at once; an active batch
/// again no sooner than a minute (or ten times the last count's length)
/// later, on the view's own refresh; a batch that is not active not again
/// until `r`. The header says what was counted, when, and what
/// "answered" means.
#[test]
fn outcomes_are_counted_once_at_a_time_and_again_only_when_due() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    draw(&view, 120, 20);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let status_page = |g, status: &str| {
        let mut d = details(0..10, 1, 10, 30);
        d.batch_status = status.into();
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(d),
        }
    };
    let page = |g| status_page(g, "active");
    assert_eq!(counts(&view.update(page(g), now())), 1);
    assert!(draw(&view, 120, 20).contains("Outcomes: counting every page…"));
    // Refreshes while it counts ask nothing more.
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    assert_eq!(counts(&view.update(page(g), now())), 0);

    let mut fold = Fold::new(None);
    for (i, call) in details(0..30, 1, 30, 30).calls.iter().enumerate() {
        let mut call = call.clone();
        call.phone_logs.truncate(usize::from(i % 3 != 0));
        fold.add(&call);
    }
    let counted = fold.finish(
        Walked {
            calls: 30,
            pages: 1,
            total_first: 30,
            total_last: 30,
            batch_status: "active".into(),
            ..Walked::default()
        },
        now(),
    );
    let ended = now() + chrono::TimeDelta::seconds(2);
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), ended);
    // The totals first; the statuses as far as the width goes.
    let header = draw(&view, 200, 20);
    assert!(
        header.contains("Outcomes just now: 0% answered (0 of 20 called)"),
        "{header}"
    );
    assert!(header.contains("not called yet 10"), "{header}");

    // 59 s later: not yet; 61 s: again.
    let at = |s| ended + chrono::TimeDelta::seconds(s);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(59)));
    assert_eq!(counts(&view.update(page(g), at(59))), 0);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(61)));
    assert_eq!(counts(&view.update(page(g), at(61))), 1);
    view.update(
        DetailsMsg::OutcomesCounted(Err("page 3 failed".into())),
        at(62),
    );
    let header = draw(&view, 240, 20);
    assert!(
        header.contains("the last count failed: page 3 failed"),
        "{header}"
    );
    assert!(
        header.contains("0% answered"),
        "the last good count stays: {header}"
    );

    // A completed batch is not counted again on its own, only with r.
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(199)));
    assert_eq!(
        counts(&view.update(status_page(g, "completed"), at(199))),
        1
    );
    let walked = Walked {
        batch_status: "completed".into(),
        total_first: 30,
        total_last: 30,
        ..Walked::default()
    };
    let counted = Fold::new(None).finish(walked, at(200));
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), at(200));
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(900)));
    assert_eq!(
        counts(&view.update(status_page(g, "completed"), at(900))),
        0
    );
    let r = view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(
            KeyCode::Char('r'),
            KeyModifiers::NONE,
        ))),
        at(900),
    );
    assert_eq!(counts(&r), 1);
    let (g, _, _) = fetch_of(
        r.into_iter()
            .filter(|c| matches!(c, Cmd::FetchCalls { .. }))
            .collect(),
    );
    view.update(status_page(g, "completed"), at(900));
    view.update(
        DetailsMsg::OutcomesCounted(Ok(Box::new(Fold::new(None).finish(
            Walked {
                batch_status: "completed".into(),
                total_last: 30,
                ..Walked::default()
            },
            at(901),
        )))),
        at(901),
    );
    // Calls added to it (an import): its count is out of date, so it is
    // counted again on the usual cadence.
    let grown = |g| {
        let mut d = details(0..10, 1, 10, 45);
        d.batch_status = "completed".into();
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(d),
        }
    };
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, at(1000)));
    assert_eq!(counts(&view.update(grown(g), at(1000))), 1);
}

/// Issue 19 item 7: the status filter offers every status the whole
/// batch's count found (not only those on the pages shown), each with its
/// calls, and "not called yet", which Weya's filter cannot select (it
/// takes a status, and those calls have none): choosing it reads every
/// page (a count that keeps the rows) and shows exactly those calls.
#[test]
fn the_filter_offers_every_status_counted_and_not_called_yet_by_the_walk() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::{Fold, NOT_CALLED};
    let mut view = loaded();
    let before = view.status_choices();
    let mut voicemail = call(0);
    voicemail.phone_logs.truncate(1);
    voicemail.phone_logs[0].call_status = "voicemail".into();
    let mut untried = call(1);
    untried.phone_logs.clear();
    let mut untried_too = call(2);
    untried_too.phone_logs.clear();
    let batch = [voicemail, untried, untried_too];
    let counted = |keep: bool| {
        let mut fold = Fold::new(None);
        if keep {
            fold = fold.keeping(100);
        }
        batch.iter().for_each(|c| fold.add(c));
        Box::new(fold.finish(Walked::default(), now()))
    };
    view.update(DetailsMsg::OutcomesCounted(Ok(counted(false))), now());
    let choices = view.status_choices();
    assert!(!before.contains(&Some("voicemail".into())), "{before:?}");
    assert!(choices.contains(&Some("voicemail".into())), "{choices:?}");
    assert_eq!(choices.last(), Some(&Some(NOT_CALLED.to_owned())));
    assert_eq!(view.status_count("voicemail"), Some(1));
    assert_eq!(view.status_count(NOT_CALLED), Some(2));

    key(&mut view, KeyCode::Char('f'));
    let screen = draw(&view, 80, 24);
    assert!(
        screen.contains("not called yet (reads every page)"),
        "{screen}"
    );
    assert!(screen.contains("voicemail"), "{screen}");
    for _ in 0..choices.len() {
        key(&mut view, KeyCode::Down);
    }
    let cmds = key(&mut view, KeyCode::Enter);
    // Weya is asked for the page without the filter it cannot take, and
    // a count that keeps the rows starts at once.
    let [
        Cmd::FetchCalls {
            generation, query, ..
        },
        Cmd::CountOutcomes {
            keep_rows: true, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(query.filter, None);
    assert_eq!(view.query().filter.as_deref(), Some(NOT_CALLED));
    let generation = *generation;
    let screen = draw(&view, 120, 24);
    assert!(
        screen.contains("reading every page to find the calls not called yet…"),
        "{screen}"
    );
    view.update(DetailsMsg::CountProgress { pages: 1, of: 3 }, now());
    assert!(
        draw(&view, 120, 24).contains("reading 1 of 3 pages to find the calls not called yet…")
    );
    load(&mut view, generation, details(0..10, 1, 10, 30));
    view.update(DetailsMsg::OutcomesCounted(Ok(counted(true))), now());
    let numbers: Vec<_> = view
        .calls()
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    assert_eq!(
        numbers,
        ["12125550002", "12125550001"],
        "the same createdAt, newest first: the last read first"
    );
    let screen = draw(&view, 120, 24);
    assert!(
        screen.contains("page 1/1 · 2 calls · status not called yet"),
        "{screen}"
    );
}

/// QA: after `o` the table seemed to keep its place, its top rows
/// missing, and the first `o` sorted descending while the CLI's --sort is
/// ascending. A new column lands on its first row, ascending, and the
/// line under the table says so in words.
#[test]
fn a_new_sort_column_lands_on_the_first_row_ascending() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    let mut view = loaded();
    let batch: Vec<Call> = (0..30).map(call).collect();
    let mut fold = Fold::new(None).keeping(100);
    batch.iter().for_each(|c| fold.add(c));
    let walked = Walked {
        calls: 30,
        pages: 3,
        total_first: 30,
        total_last: 30,
        ..Walked::default()
    };
    let counted = Box::new(fold.finish(walked, now()));
    for _ in 0..7 {
        key(&mut view, KeyCode::Down);
    }
    assert_eq!(
        view.selected().unwrap().phone_number,
        view.calls()[7].phone_number
    );
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Char('o')));
    assert_eq!((query.page, query.sort_order), (1, SortOrder::Asc));
    load(&mut view, g, details(0..10, 1, 10, 30));
    view.update(DetailsMsg::OutcomesCounted(Ok(counted)), now());
    let numbers: Vec<_> = view
        .calls()
        .iter()
        .map(|c| c.phone_number.clone())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(numbers, sorted, "ascending");
    assert_eq!(numbers[0], "12125550000");
    assert_eq!(view.selected().unwrap().phone_number, "12125550000");
    let screen = draw(&view, 80, 17);
    assert!(screen.contains("by number ↑ · read"), "{screen}");
    let wide = draw(&view, 120, 17);
    assert!(
        wide.contains("by number ascending ↑ over all 30 calls"),
        "{wide}"
    );
    assert!(
        screen.contains("212-555-0000"),
        "the first row is on screen: {screen}"
    );
}

/// Issue 19 item 7: `o` sorts by the next column over the whole batch
/// (the rows the count kept), never one page; `S` flips it; Weya's page
/// keeps coming for the header, and the choice is kept per batch.
#[test]
fn o_sorts_the_whole_batch_by_a_column_from_the_rows_the_count_kept() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    use crate::campaign::sorted::Column;
    let mut view = loaded();
    // Three pages of ten on the server; the durations rise with n.
    let batch: Vec<Call> = (0..30)
        .map(|n| {
            let mut c = call(n);
            if let Some(l) = c.phone_logs.last_mut() {
                l.call_duration = Some(n as f64);
            }
            c
        })
        .collect();
    let mut fold = Fold::new(None).keeping(100);
    batch.iter().for_each(|c| fold.add(c));
    let walked = Walked {
        calls: 30,
        pages: 3,
        total_first: 30,
        total_last: 30,
        ..Walked::default()
    };
    let counted = Box::new(fold.finish(walked, now()));
    // o: number. The first count (asked when the page came, without
    // rows) is under way: when it ends without rows, one that keeps them
    // starts.
    fetch_of(key(&mut view, KeyCode::Char('o')));
    let without = Box::new(Fold::new(None).finish(Walked::default(), now()));
    let cmds = view.update(DetailsMsg::OutcomesCounted(Ok(without)), now());
    assert!(
        matches!(
            cmds.as_slice(),
            [Cmd::CountOutcomes {
                keep_rows: true,
                ..
            }]
        ),
        "{cmds:?}"
    );
    // Status, duration: one count at a time, none more.
    key(&mut view, KeyCode::Char('o'));
    let (g, _, _) = fetch_of(key(&mut view, KeyCode::Char('o')));
    assert_eq!(view.sorting().column, Column::Duration.into());
    load(&mut view, g, details(0..10, 1, 10, 30));
    view.update(DetailsMsg::OutcomesCounted(Ok(counted)), now());
    let top = |view: &BatchDetailsView| {
        view.calls()
            .iter()
            .map(|c| c.phone_number.clone())
            .take(3)
            .collect::<Vec<_>>()
    };
    // A new column sorts ascending first, as the CLI's --sort does: the
    // shortest calls of the batch.
    assert_eq!(top(&view), ["12125550000", "12125550001", "12125550002"]);
    let screen = draw(&view, 120, 24);
    assert!(
        screen.contains(
            "by duration ascending ↑ over all 30 calls as read 14:00 UTC (r reads again)"
        ),
        "{screen}"
    );
    // S: the longest first (from page 3 of Weya's), asked from page 1.
    let (g, query, _) = fetch_of(key(&mut view, KeyCode::Char('S')));
    assert_eq!(query.page, 1);
    load(&mut view, g, details(0..10, 1, 10, 30));
    assert_eq!(top(&view), ["12125550029", "12125550028", "12125550027"]);
    let (g, _, _) = fetch_of(key(&mut view, KeyCode::Char('S')));
    load(&mut view, g, details(0..10, 1, 10, 30));
    // Enter reads the call in full from the page it was read on.
    let cmds = key(&mut view, KeyCode::Enter);
    let [Cmd::FetchCallPage { query, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(
        (query.page, query.limit, query.sort_order),
        (1, 100, SortOrder::Asc)
    );
    assert!(view.open_call().unwrap().phone_logs[1].transcript.is_none());
    view.update(DetailsMsg::CallRead(Ok(details(0..30, 1, 100, 30))), now());
    assert!(view.open_call().unwrap().phone_logs[1].transcript.is_some());
    // n: the next call of the sorted table, read in full too.
    let cmds = key(&mut view, KeyCode::Char('n'));
    assert!(
        matches!(cmds.as_slice(), [Cmd::FetchCallPage { .. }]),
        "{cmds:?}"
    );
    view.update(DetailsMsg::CallRead(Ok(details(0..30, 1, 100, 30))), now());
    assert_eq!(view.open_call().unwrap().phone_number, "12125550001");
    assert!(view.open_call().unwrap().phone_logs[1].transcript.is_some());
    // / in a sorted table searches the rows read (Weya is asked too, for
    // the header, but its page is not what is shown).
    key(&mut view, KeyCode::Esc);
    key(&mut view, KeyCode::Char('/'));
    let mut last = Vec::new();
    for c in "contact 2".chars() {
        last = key(&mut view, KeyCode::Char(c));
    }
    let (g, query, _) = fetch_of(last);
    assert_eq!(query.search.as_deref(), Some("contact 2"));
    load(&mut view, g, details(0..10, 1, 10, 30));
    let found: Vec<_> = view
        .calls()
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    // Contact 2 and 20 to 29, shortest first, on one page.
    let want: Vec<String> = [2]
        .into_iter()
        .chain(20..30)
        .map(|n| format!("1212555{n:04}"))
        .collect();
    assert_eq!(found, want);
    assert!(draw(&view, 120, 24).contains("page 1/1 · 11 calls"));
    // Kept per batch.
    let kept = view.kept();
    assert_eq!(kept.sort_column, Column::Duration.into());
    let again = BatchDetailsView::new(ViewContext::default(), summary()).with_kept(kept);
    assert_eq!(again.sorting().column, Column::Duration.into());
}

/// QA: `Y` put a field's ESC and BEL on the clipboard as they were.
#[test]
fn a_copied_row_carries_no_control_character() {
    let mut odd = call(4);
    odd.fields
        .insert("name".into(), json!("N\u{1b}]0;PWNED\u{7}"));
    let line = call_line(&odd);
    assert!(
        !line.contains('\u{1b}') && !line.contains('\u{7}'),
        "{line:?}"
    );
    assert!(line.contains("name=N⟨U+001B⟩]0;PWNED⟨U+0007⟩"), "{line}");
}

fn not_found() -> ApiError {
    ApiError::Status {
        status: 404,
        message: Some("Batch not found".into()),
        request_id: None,
        excerpt: None,
        retry_after: None,
    }
}

/// A batch deleted elsewhere: batch-details answers 404. The view says it
/// is gone, stops asking on its beat (a 404 retried forever was a request
/// a minute for nothing), and leaves Esc; `r` asks once more.
#[test]
fn a_batch_deleted_elsewhere_is_said_gone_and_no_longer_asked_for() {
    let mut view = loaded();
    assert!(view.refresh_timer().is_some(), "a live batch refreshes");
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let later = now() + chrono::TimeDelta::seconds(5);
    view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Err(not_found()),
        },
        later,
    );
    assert_eq!(view.gone(), Some(later));
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = draw(&view, w, h);
        assert!(screen.contains("This batch is gone"), "{screen}");
        assert!(screen.contains("Not asking again"), "{screen}");
    }
    // Nothing asks again on its own: no refresh timer (only the clock
    // that ages "updated 3 min ago"), and a tick that comes anyway sends
    // nothing.
    assert_eq!(view.refresh_timer(), None);
    assert_eq!(view.poll_every(), None);
    let names: Vec<_> = ViewModel::subscriptions(&view)
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["clock"]);
    let at = |s| later + chrono::TimeDelta::seconds(s);
    assert!(view.update(DetailsMsg::Tick, at(60)).is_empty());
    assert!(view.update(DetailsMsg::Tick, at(600)).is_empty());
    // Esc still goes back.
    assert!(matches!(
        key(&mut view, KeyCode::Esc).as_slice(),
        [Cmd::Close]
    ));
    // r asks once; an answer with its calls brings the view back to life.
    let r: Vec<Cmd> = key(&mut view, KeyCode::Char('r'))
        .into_iter()
        .filter(|c| matches!(c, Cmd::FetchCalls { .. }))
        .collect();
    let (g, _, _) = fetch_of(r);
    load(&mut view, g, details(0..10, 1, 10, 30));
    assert_eq!(view.gone(), None);
    assert!(view.refresh_timer().is_some());
    assert!(!draw(&view, 80, 24).contains("This batch is gone"));
}

/// Any other failure is retried as before (with its backoff): only a 404
/// says the batch is gone.
#[test]
fn a_server_error_is_retried_not_taken_for_a_deleted_batch() {
    let mut view = loaded();
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Err(ApiError::Status {
                status: 503,
                message: None,
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        },
        now(),
    );
    assert_eq!(view.gone(), None);
    assert!(view.refresh_timer().is_some());
    assert!(!draw(&view, 80, 24).contains("gone"));
}

/// The outcomes are counted at a pace (a minute at least): when the
/// batch's totals move past what the last count saw, the header says the
/// count's age plainly and by how many calls it trails, and asks nothing
/// more for it.
#[test]
fn outcomes_behind_the_totals_say_their_age_and_how_many_completed_since() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    draw(&view, 200, 20);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let cmds = view.update(
        DetailsMsg::CallsLoaded {
            generation: g,
            result: Ok(details(0..10, 1, 10, 30)),
        },
        now(),
    );
    let totals = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchBatchTotals { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("the totals are asked");
    assert!(cmds.iter().any(|c| matches!(c, Cmd::CountOutcomes { .. })));
    let counted = Fold::new(None).finish(
        Walked {
            calls: 30,
            pages: 1,
            total_first: 30,
            total_last: 30,
            batch_status: "active".into(),
            ..Walked::default()
        },
        now() - chrono::TimeDelta::seconds(40),
    );
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now());
    // The totals as the count started (7 completed): nothing trails.
    let header = draw(&view, 200, 20);
    assert!(header.contains("Outcomes 40 s ago: "), "{header}");
    assert!(!header.contains("completed since"), "{header}");

    // 12 more calls complete by the totals since.
    let mut fresh = summary();
    fresh.calls_completed = Some(19);
    let cmds = view.update(
        DetailsMsg::TotalsLoaded {
            generation: totals,
            result: Ok(vec![fresh]),
        },
        now(),
    );
    assert!(cmds.is_empty(), "no request of its own: {cmds:?}");
    let header = draw(&view, 200, 20);
    assert!(
        header.contains("Outcomes as of 40 s ago; 12 calls completed since: "),
        "{header}"
    );
}

/// Issue 19: a batch's calls say what the list says of a start or stop
/// that would change nothing: no dialog, nothing sent, the words of
/// `weya-tui batch start/stop`. The status is the one its header shows
/// (a page's batchStatus).
#[test]
fn s_or_x_on_a_completed_batch_is_said_and_not_asked() {
    let mut view = BatchDetailsView::new(ViewContext::default(), summary());
    draw(&view, 120, 17);
    let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, now()));
    let mut page = details(0..10, 1, 10, 30);
    page.batch_status = "completed".into();
    load(&mut view, g, page);
    for (c, what) in [('s', "start"), ('x', "stop")] {
        assert!(key(&mut view, KeyCode::Char(c)).is_empty(), "{c}");
        assert!(view.dialog.is_none(), "{c}: nothing to ask");
        assert_eq!(view.scope(), Scope::Calls);
        let screen = draw(&view, 120, 17);
        assert!(
            screen.contains(&format!(
                "the batch is completed: nothing to {what} (“June renewals”); nothing was sent."
            )),
            "{screen}"
        );
    }
}

/// QA: a failed read for the sort showed "reading every page to sort…"
/// forever and was asked again every 5 s. The sort line says it failed,
/// why, and when it is tried again; the next reads wait 5, 10, 20, then
/// 60 s, as a failed refresh does.
#[test]
fn a_failed_read_for_the_sort_is_said_on_the_sort_line_and_backs_off() {
    use crate::campaign::Walked;
    use crate::campaign::outcomes::Fold;
    let counts = |cmds: &[Cmd]| {
        cmds.iter()
            .filter(|c| {
                matches!(
                    c,
                    Cmd::CountOutcomes {
                        keep_rows: true,
                        ..
                    }
                )
            })
            .count()
    };
    let mut view = loaded();
    // The first count (without rows) ends; o asks for one that keeps them.
    let without = Box::new(Fold::new(None).finish(Walked::default(), now()));
    view.update(DetailsMsg::OutcomesCounted(Ok(without)), now());
    let cmds = key(&mut view, KeyCode::Char('o'));
    assert_eq!(counts(&cmds), 1, "{cmds:?}");
    let g = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchCalls { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{cmds:?}"));
    load(&mut view, g, details(0..10, 1, 10, 30));
    let mut failed_at = now();
    for (n, wait) in [(1, 5), (2, 10), (3, 20), (4, 60), (5, 60)] {
        view.update(
            DetailsMsg::OutcomesCounted(Err("page 2 failed: HTTP 502".into())),
            failed_at,
        );
        let draw_at = |w: u16| {
            let mut terminal = Terminal::new(TestBackend::new(w, 24)).unwrap();
            terminal
                .draw(|f| DrawView::draw(&view, &Theme::new(false), f, f.area(), failed_at))
                .unwrap();
            crate::tui::testing::text_of(terminal.backend().buffer())
        };
        let screen = draw_at(240);
        assert!(
            screen.contains(&format!(
                "not sorted by number ascending ↑: the calls could not be read; next try in {wait} s \
                 ({n} failed): page 2 failed: HTTP 502 (shown: oldest first)"
            )),
            "{n}: {screen}"
        );
        // Narrow, in fewer words, the reason still there.
        let screen = draw_at(160);
        assert!(
            screen.contains(&format!(
                "not sorted: calls not read; next try in {wait} s ({n} failed): page 2 failed: \
                 HTTP 502"
            )),
            "{n}: {screen}"
        );
        assert!(!screen.contains("reading every page"), "{screen}");
        // Refreshes before the wait is out ask nothing.
        let early = failed_at + chrono::TimeDelta::seconds(wait - 1);
        let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, early));
        let cmds = view.update(
            DetailsMsg::CallsLoaded {
                generation: g,
                result: Ok(details(0..10, 1, 10, 30)),
            },
            early,
        );
        assert_eq!(counts(&cmds), 0, "{n}: asked after {} s", wait - 1);
        // Once it is out, one.
        let due = failed_at + chrono::TimeDelta::seconds(wait);
        let (g, _, _) = fetch_of(view.update(DetailsMsg::Tick, due));
        let cmds = view.update(
            DetailsMsg::CallsLoaded {
                generation: g,
                result: Ok(details(0..10, 1, 10, 30)),
            },
            due,
        );
        assert_eq!(counts(&cmds), 1, "{n}: not asked after {wait} s");
        failed_at = due;
    }
}
