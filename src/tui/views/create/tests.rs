//! The create view through the shell's `update`, as the operator drives
//! it: keys and replies in, model and commands out.
use super::{
    Answer, CreateMsg, DraftState, Initial, Modal, Outcome, SaveStep, Screen, Verdict, files,
    submit,
};
use crate::api::{ApiError, Created, Phone};
use crate::form::FieldId;
use crate::form::Form;
use crate::form::phones::Mode;
use crate::store::draft::Draft;
use crate::store::template::BatchFile;
use crate::store::template::SaveError;
use crate::tui::keymap::Scope;
use crate::tui::msg::Cmd;
use crate::tui::{AppContext, Msg, Shell as App, update};
use crossterm::event::{Event, KeyEvent, KeyEventKind};
use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};
use std::path::PathBuf;

fn phone(id: &str) -> Phone {
    Phone {
        id: id.into(),
        phone_number: "4930901820".into(),
        integration: "twilio".into(),
        label: "Berlin".into(),
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Cmd> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// An app with one phone loaded, a name, the phone picked, on the review.
fn on_review() -> App {
    let (mut app, _) = App::new(AppContext::for_tests());
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(vec![phone("64e5f12345abcdef87654329")]),
        }),
    );
    for c in "Q3".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    assert!(matches!(app.create.screen, Screen::Review(_)));
    app
}

#[test]
fn starting_fetches_the_phone_list_and_focuses_the_name() {
    let (app, cmds) = App::new(AppContext::for_tests());
    assert_eq!(
        cmds,
        vec![Cmd::FetchPhones {
            generation: 1,
            reply: crate::tui::views::create::PHONES_LOADED
        }]
    );
    assert_eq!(app.create.form.focus, FieldId::Name);
    assert!(app.is_animating(), "spinner while loading");
}

#[test]
fn a_stale_phone_reply_is_dropped() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus = FieldId::Numbers;
    assert_eq!(
        key(&mut app, KeyCode::Char('r')),
        vec![
            Cmd::FetchPhones {
                generation: 2,
                reply: crate::tui::views::create::PHONES_LOADED
            },
            crate::tui::views::create::READ_PHONE_BOOK
        ]
    );
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(vec![phone("a")]),
        }),
    );
    assert!(
        app.create.form.numbers.phones.is_loading(),
        "generation 1 is stale"
    );
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 2,
            result: Ok(vec![phone("b")]),
        }),
    );
    assert_eq!(
        app.create.form.numbers.visible().next().unwrap().phone.id,
        "b"
    );
}

#[test]
fn the_review_body_is_what_submit_sends_and_a_second_enter_sends_nothing() {
    let mut app = on_review();
    let Screen::Review(review) = &app.create.screen else {
        unreachable!()
    };
    let shown = review.body.clone();
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::Submit {
            request_id: 1,
            body: shown
        }]
    );
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "second Enter");
    let mut repeat = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    repeat.kind = crossterm::event::KeyEventKind::Repeat;
    assert!(update(&mut app, Msg::Key(repeat)).is_empty(), "key repeat");
}

/// Enter, then Esc: the result of an abandoned submit, and the commands.
fn abandoned() -> (App, Vec<Cmd>) {
    let mut app = on_review();
    app.create.context.can_list_batches = true;
    app.create.request_timeout = std::time::Duration::from_secs(7);
    key(&mut app, KeyCode::Enter);
    let cmds = key(&mut app, KeyCode::Esc);
    (app, cmds)
}

fn answer(app: &App) -> &Answer {
    match &app.create.screen {
        Screen::Result(answer) => answer,
        other => panic!("expected the result, got {other:?}"),
    }
}

/// The watch of the batch list among `cmds`: its request ID and how long
/// it looks.
fn lookup_of(cmds: &[Cmd]) -> (u64, std::time::Duration) {
    cmds.iter()
        .find_map(|c| match c {
            Cmd::WatchForBatch {
                request_id, wait, ..
            } => Some((*request_id, *wait)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a lookup of the batch list: {cmds:?}"))
}

/// A look of watch `lookup` finds no such batch; `conclusive` when it was
/// made once the request could no longer land.
fn none_found_at(app: &mut App, lookup: u64, conclusive: bool) {
    update(
        app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: crate::create::Look {
                result: Ok(Vec::new()),
                conclusive,
                next_in: (!conclusive).then_some(std::time::Duration::from_secs(15)),
            },
        }),
    );
}

fn none_found(app: &mut App, lookup: u64) {
    none_found_at(app, lookup, false);
}

#[test]
fn esc_while_sending_keeps_the_request_and_journals_an_unknown_outcome() {
    let (app, cmds) = abandoned();
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::Submit { .. })),
        "{cmds:?}"
    );
    let Cmd::Journal(entry) = &cmds[0] else {
        panic!("the abandoned submit is journaled: {cmds:?}");
    };
    assert_eq!(
        entry.outcome,
        crate::store::journal::JournalOutcome::Unknown
    );
    assert_eq!(
        lookup_of(&cmds).1,
        crate::create::DEFAULT_LANDING,
        "the list is watched until the request can no longer land"
    );
    let answer = answer(&app);
    assert!(matches!(answer.outcome, Outcome::Abandoned { .. }));
    assert_eq!(answer.running, Some(std::time::Duration::from_secs(7)));
    assert!(app.is_animating(), "the screen shows it still running");
}

#[test]
fn while_the_abandoned_request_runs_nothing_is_sent_again() {
    let (mut app, cmds) = abandoned();
    // The list has no such batch (yet): that alone no longer frees r.
    none_found(&mut app, lookup_of(&cmds).0);
    assert_eq!(answer(&app).verdict(), Verdict::Absent);
    assert!(
        !app.scopes().contains(&Scope::Retryable),
        "r is not offered"
    );
    for _ in 0..3 {
        assert!(submit::resend(&mut app.create).is_empty());
    }
    let notice = app.create.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("The first send may still arrive (it runs until its 7 s are up)"),
        "{notice}"
    );
    // Nor from the review: Esc, Ctrl-S, Enter.
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 's');
    assert!(matches!(app.create.screen, Screen::Review(_)));
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.create.screen, Screen::Review(_)));
}

#[test]
fn a_late_success_on_the_result_screen_is_a_normal_success() {
    let (mut app, _) = abandoned();
    app.create.now += chrono::Duration::seconds(3);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: Some("req-1".into()),
            }),
        }),
    );
    let answer = answer(&app);
    assert!(
        matches!(&answer.outcome, Outcome::Created(c) if c.batch_id == "64e5f12345abcdef98765432")
    );
    assert_eq!(answer.running, None);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Journal(e)
            if e.outcome == crate::store::journal::JournalOutcome::Created)),
        "{cmds:?}"
    );
    assert!(cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })));
    assert_eq!(
        lookup_of(&cmds).1,
        std::time::Duration::ZERO,
        "a success is confirmed at once"
    );
    assert_eq!(app.create.known_batches.len(), 1);
}

#[test]
fn a_late_definite_failure_allows_a_resend() {
    let (mut app, _) = abandoned();
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Status {
                status: 500,
                message: Some("storage failure".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        }),
    );
    assert!(matches!(answer(&app).outcome, Outcome::Failed(_)));
    assert!(app.scopes().contains(&Scope::Retryable));
    let cmds = key(&mut app, KeyCode::Char('r'));
    assert!(matches!(cmds.as_slice(), [Cmd::Submit { .. }]), "{cmds:?}");
}

#[test]
fn a_late_lost_answer_is_sent_again_only_after_a_look_past_the_deadline() {
    let (mut app, cmds) = abandoned();
    let (lookup, _) = lookup_of(&cmds);
    // Two seconds after sending the connection drops, with no answer.
    app.create.now += chrono::Duration::seconds(2);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Network {
                kind: crate::api::NetworkFailure::Dropped,
                host: "h".into(),
            }),
        }),
    );
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::WatchForBatch { .. })),
        "the watch started at Esc goes on: {cmds:?}"
    );
    assert!(
        submit::resend(&mut app.create).is_empty() && submit::resend(&mut app.create).is_empty(),
        "not even r twice while the list is being asked"
    );
    // The server may store it long after the timeout: nothing at the
    // looks before the deadline frees r.
    none_found(&mut app, lookup);
    assert!(
        !app.scopes().contains(&Scope::Retryable),
        "r is not offered"
    );
    assert!(key(&mut app, KeyCode::Char('r')).is_empty());
    assert!(submit::resend(&mut app.create).is_empty());
    let notice = app.create.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("Weya may still store the first send until"),
        "{notice}"
    );
    none_found_at(&mut app, lookup, true);
    assert!(app.scopes().contains(&Scope::Retryable));
    let cmds = key(&mut app, KeyCode::Char('r'));
    assert!(matches!(cmds.as_slice(), [Cmd::Submit { .. }]), "{cmds:?}");
}

#[test]
fn a_late_answer_after_leaving_the_result_is_journaled_and_told() {
    let (mut app, _) = abandoned();
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.create.screen, Screen::Form));
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: None,
            }),
        }),
    );
    assert!(matches!(app.create.screen, Screen::Form), "the form stays");
    assert!(
        matches!(cmds.as_slice(), [Cmd::Journal(e), Cmd::StopBatchLookup]
            if e.batch_id.as_deref() == Some("64e5f12345abcdef98765432")),
        "{cmds:?}"
    );
    let notice = app.create.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("was created after all: 64e5f12345abcdef98765432"),
        "{notice}"
    );
    assert_eq!(app.create.waiting_for(), None, "nothing is waited for");
    assert_eq!(
        app.create.known_batches.len(),
        1,
        "its name is flagged on review"
    );
}

#[test]
fn a_late_answer_while_on_the_review_replaces_it_with_the_result() {
    let (mut app, _) = abandoned();
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 's');
    assert!(matches!(app.create.screen, Screen::Review(_)));
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: None,
            }),
        }),
    );
    assert!(
        matches!(&answer(&app).outcome, Outcome::Created(c) if c.batch_id == "64e5f12345abcdef98765432"),
        "the Enter it was holding back would have made a second batch"
    );
}

#[test]
fn a_reply_to_an_older_submit_is_ignored() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let before = app.create.screen.clone();
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 9,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: None,
            }),
        }),
    );
    assert_eq!(app.create.screen, before);
}

#[test]
fn an_unreadable_success_is_unknown_and_is_not_sent_again_at_once() {
    for error in [
        ApiError::TooLarge {
            status: 201,
            limit: 1024,
        },
        ApiError::NoBatchId {
            status: 201,
            data: "\"abc\"".into(),
            request_id: None,
        },
        ApiError::Unexpected {
            status: 201,
            excerpt: "{\"status\":tr".into(),
            request_id: None,
        },
    ] {
        let mut app = on_review();
        key(&mut app, KeyCode::Enter);
        let cmds = update(
            &mut app,
            Msg::Create(CreateMsg::SubmitFinished {
                request_id: 1,
                result: Err(error.clone()),
            }),
        );
        assert!(answer(&app).is_unknown(), "{error:?}");
        assert!(!cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })));
        assert!(
            key(&mut app, KeyCode::Char('r')).is_empty(),
            "{error:?}: no list to check, so r once does not send"
        );
    }
}

#[test]
fn a_gateways_502_503_or_504_may_have_made_the_batch_so_the_list_is_watched_before_r() {
    for status in [502, 503, 504] {
        let mut app = on_review();
        app.create.context.can_list_batches = true;
        key(&mut app, KeyCode::Enter);
        let cmds = update(
            &mut app,
            Msg::Create(CreateMsg::SubmitFinished {
                request_id: 1,
                result: Err(ApiError::Status {
                    status,
                    message: None,
                    request_id: None,
                    excerpt: Some(format!("{status} Bad Gateway")),
                    retry_after: None,
                }),
            }),
        );
        assert!(answer(&app).is_unknown(), "{status}");
        let (lookup, wait) = lookup_of(&cmds);
        assert!(
            wait > std::time::Duration::ZERO,
            "{status}: watched until it can no longer land"
        );
        let screen = screen_at(&app, 120, 40);
        assert!(
            screen.contains(&format!(
                "? Outcome unknown: a gateway answered HTTP {status}, and the batch may have been \
                 created; watching Weya's list"
            )),
            "{screen}"
        );
        assert!(!screen.contains("was not created"), "{screen}");
        assert!(!screen.contains("retry (r)"), "{screen}");
        // A look before the deadline proves nothing: r sends nothing.
        none_found(&mut app, lookup);
        assert!(
            key(&mut app, KeyCode::Char('r')).is_empty(),
            "{status}: r resends blindly"
        );
        assert!(matches!(app.create.screen, Screen::Result(_)));
    }
}

#[test]
fn a_400_naming_a_field_marks_it_and_keeps_everything() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Status {
                status: 400,
                message: Some("batchName already exists".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        }),
    );
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.create.screen, Screen::Form));
    assert_eq!(app.create.form.focus, FieldId::Name);
    assert_eq!(
        app.create
            .form
            .errors
            .get(&FieldId::Name)
            .map(String::as_str),
        Some("Weya: batchName already exists")
    );
    assert_eq!(app.create.form.name.value(), "Q3");
    assert_eq!(app.create.form.numbers.selected_count(), 1);
}

#[test]
fn ctrl_c_quits_from_a_text_field_and_question_mark_is_typed_there() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.create.form.name.value(), "?");
    assert!(app.help.is_none());
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn ctrl_z_asks_the_terminal_owner_to_suspend_from_anywhere_and_types_nothing() {
    let (mut app, _) = App::new(AppContext::for_tests());
    typed(&mut app, "Q3");
    assert_eq!(ctrl(&mut app, 'z'), vec![Cmd::Suspend]);
    assert_eq!(app.create.form.name.value(), "Q3");
    let mut app = on_review();
    assert_eq!(ctrl(&mut app, 'z'), vec![Cmd::Suspend]);
    assert!(
        matches!(app.create.screen, Screen::Review(_)),
        "the screen stays"
    );
}

#[test]
fn a_refused_suspend_says_why() {
    let (mut app, _) = App::new(AppContext::for_tests());
    let cmds = update(&mut app, Msg::NotSuspended("no shell to go back to".into()));
    assert!(cmds.is_empty());
    assert_eq!(
        app.create.notice.as_deref(),
        Some("Ctrl-Z does nothing here: no shell to go back to.")
    );
}

#[test]
fn question_mark_and_f1_open_help_outside_text_fields_and_esc_closes() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help.is_some());
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.create.form.numbers.selected_count(),
        0,
        "keys go to help, not the form"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::F(1));
    assert!(app.help.is_some(), "F1 works in a text field");
}

#[test]
fn key_releases_are_dropped() {
    let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    release.state = KeyEventState::NONE;
    assert!(Msg::from_event(Event::Key(release)).is_none());
}

#[test]
fn shift_tab_goes_back_from_any_field() {
    let (mut app, _) = App::new(AppContext::for_tests());
    for expected in FieldId::ALL.iter().rev() {
        key(&mut app, KeyCode::BackTab);
        assert_eq!(app.create.form.focus, *expected);
    }
}

#[test]
fn a_huge_paste_is_cut_with_a_notice() {
    let (mut app, _) = App::new(AppContext::for_tests());
    update(&mut app, Msg::Paste("x".repeat(1 << 20)));
    assert_eq!(
        app.create.form.name.value().len(),
        crate::form::MAX_NAME_CHARS
    );
    assert!(
        app.create
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("Paste cut")
    );
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn with_phones(n: usize) -> App {
    let (mut app, _) = App::new(AppContext::for_tests());
    let phones = (0..n)
        .map(|i| Phone {
            id: format!("64e5f12345abcdef{i:08x}"),
            phone_number: format!("1212555{i:04}"),
            integration: if i % 2 == 0 { "twilio" } else { "plivo" }.into(),
            label: format!("Line {i}"),
        })
        .collect();
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(phones),
        }),
    );
    app
}

#[test]
fn filter_then_select_shown_then_clear_by_keys() {
    let mut app = with_phones(6);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "plivo");
    assert_eq!(app.create.form.numbers.visible_len(), 3);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.create.form.numbers.selected_count(), 3);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        app.create.form.numbers.visible_len(),
        6,
        "Esc clears the filter"
    );
    assert_eq!(
        app.create.form.numbers.selected_count(),
        3,
        "and keeps the selection"
    );
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.create.form.numbers.selected_count(), 0);
}

#[test]
fn a_phone_id_typed_by_hand_is_checked_then_selected() {
    let mut app = with_phones(1);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.create.form.numbers.mode, Mode::Manual(_)),
        "still typing"
    );
    assert!(app.scopes().contains(&Scope::NumbersManual));
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "64e5f12345abcdefffffffff");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.create.form.numbers.selected_ids(),
        vec!["64e5f12345abcdefffffffff"]
    );
}

#[test]
fn timezone_typing_filters_and_tab_takes_the_match() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "kolkata");
    assert!(app.create.form.timezone.open);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.create.form.timezone.value(), "Asia/Kolkata");
    assert_eq!(app.create.form.focus, FieldId::WindowStart);
    key(&mut app, KeyCode::BackTab);
    typed(&mut app, "IST");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.create.form.timezone.value(), "Asia/Kolkata");
    assert_eq!(
        app.create.form.focus,
        FieldId::Timezone,
        "Enter takes the match and stays"
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.create.form.focus,
        FieldId::WindowStart,
        "a second Enter moves on"
    );
}

#[test]
fn arrows_step_times_and_plus_minus_step_numbers() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::WindowStart);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.create.form.window_start.value(), "09:15");
    app.create.form.window_start.set("9:07");
    key(&mut app, KeyCode::Down);
    assert_eq!(
        app.create.form.window_start.value(),
        "09:00",
        "to the quarter below"
    );
    app.create.form.focus_to(FieldId::Retries);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.create.form.retries.value(), "4");
    app.create.form.retries.set("10");
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.create.form.retries.value(), "10", "bounded");
    app.create.form.focus_to(FieldId::Delay);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.create.form.delay.value(), "2m");
    app.create.form.delay.set("1h");
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(app.create.form.delay.value(), "55m");
}

#[test]
fn day_presets_replace_the_selection() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::Days);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.create.form.days.numbers(), vec![0, 6]);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.create.form.days.numbers().len(), 7);
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(app.create.form.days.numbers(), vec![1, 2, 3, 4, 5]);
}

#[test]
fn f1_explains_the_focused_field_and_question_mark_only_lists_keys() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::Days);
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.help.as_ref().and_then(|h| h.field), Some(FieldId::Days));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help.is_some());
    assert_eq!(app.help.as_ref().and_then(|h| h.field), None);
}

#[test]
fn a_click_focuses_the_field_under_it() {
    let (mut app, _) = App::new(AppContext::for_tests());
    drawn(&app, (120, 40));
    let body = crate::tui::draw::body_area(ratatui::layout::Rect::new(0, 0, 120, 40));
    let layout = crate::tui::views::create::ui::form::FormLayout::new(&app.create, body);
    update(
        &mut app,
        Msg::Click {
            column: layout.days.x + 25,
            row: layout.days.y,
        },
    );
    assert_eq!(app.create.form.focus, FieldId::Days);
    // Leaving the name showed its error, so the rows below moved down:
    // what is drawn now is what is hit.
    drawn(&app, (120, 40));
    let layout = crate::tui::views::create::ui::form::FormLayout::new(&app.create, body);
    update(
        &mut app,
        Msg::Click {
            column: layout.window.x + 30,
            row: layout.window.y,
        },
    );
    assert_eq!(app.create.form.focus, FieldId::WindowEnd);
    update(&mut app, Msg::Click { column: 3, row: 0 });
    assert_eq!(
        app.create.form.focus,
        FieldId::WindowEnd,
        "the header is no field"
    );
}

#[test]
fn every_change_of_the_form_saves_the_draft_and_nothing_else_does() {
    let (mut app, _) = App::new(AppContext::for_tests());
    let cmds = key(&mut app, KeyCode::Char('Q'));
    assert!(
        matches!(cmds.as_slice(), [Cmd::SaveDraft { seq: 1, draft }] if draft.name == "Q"),
        "{cmds:?}"
    );
    assert!(
        key(&mut app, KeyCode::Tab).is_empty(),
        "moving focus changes no value"
    );
    assert!(key(&mut app, KeyCode::F(1)).is_empty());
    assert_eq!(app.create.draft_state, DraftState::Changed);
}

#[test]
fn a_confirmed_batch_removes_the_draft() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: None,
            }),
        }),
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })),
        "{cmds:?}"
    );
    assert_eq!(app.create.draft_state, DraftState::Saved);
}

#[test]
fn a_failed_batch_keeps_the_draft() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Config("x".into())),
        }),
    );
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })));
}

#[test]
fn a_restored_draft_fills_the_form() {
    let mut ctx = AppContext::for_tests();
    let mut form = Form::new("Asia/Kolkata");
    form.name.set("Restored");
    form.retries.set("9x");
    ctx.initial = Some(super::Initial::Draft(Draft::of(&form)));
    let (app, _) = App::new(ctx);
    assert_eq!(app.create.form.name.value(), "Restored");
    assert_eq!(app.create.form.retries.value(), "9x");
    assert_eq!(app.create.form.timezone.value(), "Asia/Kolkata");
}

#[test]
fn templates_are_named_saved_listed_and_loaded_by_keys() {
    let mut app = with_phones(2);
    typed(&mut app, "Base");
    ctrl(&mut app, 't');
    assert!(matches!(app.create.modal, Some(Modal::SaveTemplate(..))));
    assert_eq!(
        app.scopes(),
        vec![Scope::Global, Scope::Modal, Scope::Editing]
    );
    typed(&mut app, "a/b");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "a bad name is refused"
    );
    assert!(matches!(&app.create.modal, Some(Modal::SaveTemplate(d)) if d.error.is_some()));
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "Mornings");
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        Cmd::SaveTemplate {
            name,
            file,
            replace: false,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(name, "Mornings");
    assert_eq!(file.batch_name.as_deref(), Some("Base"));
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateSaved(Ok("/t/Mornings.json".into()))),
    );
    assert!(app.create.modal.is_none());
    assert_eq!(
        app.create.form.name.value(),
        "Base",
        "typing in the dialog left the form alone"
    );

    assert_eq!(ctrl(&mut app, 'o'), vec![Cmd::ListTemplates]);
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplatesListed(Ok(["A", "Mornings"]
            .map(|name| super::TemplateEntry {
                name: name.into(),
                file: Ok(BatchFile::default()),
            })
            .to_vec()))),
    );
    key(&mut app, KeyCode::Down);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Cmd::LoadTemplate {
            name: "Mornings".into()
        }]
    );
    let file = BatchFile {
        batch_name: Some("From template".into()),
        retry: Some(7),
        ..BatchFile::default()
    };
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::TemplateLoaded {
            name: "Mornings".into(),
            result: Ok(file),
        }),
    );
    assert_eq!(app.create.form.name.value(), "From template");
    assert_eq!(app.create.form.retries.value(), "7");
    assert!(
        matches!(cmds.as_slice(), [Cmd::SaveDraft { .. }]),
        "the loaded values are a change"
    );
}

/// Presses `code` and draws the screen at `size`, as the run loop does
/// after each key: the drawing records how far things can scroll.
fn key_drawn(app: &mut App, code: KeyCode, size: (u16, u16)) {
    key(app, code);
    drawn(app, size);
}

/// Draws the screen at `size`, as the run loop does before the next input,
/// and returns the rows on it.
fn drawn(app: &App, size: (u16, u16)) -> Vec<String> {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|f| crate::tui::draw::view(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..size.1)
        .map(|y| (0..size.0).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn moving_up_the_phone_list_keeps_its_rows_where_they_are() {
    let mut app = with_phones(40);
    key(&mut app, KeyCode::Tab);
    let first_row = |rows: &[String]| {
        rows.iter()
            .find(|r| r.contains("[ ]") || r.contains("[x]"))
            .cloned()
            .unwrap()
    };
    for _ in 0..25 {
        key_drawn(&mut app, KeyCode::Down, (80, 24));
    }
    let top = first_row(&drawn(&app, (80, 24)));
    assert!(!top.contains("Line 0 "), "the list scrolled: {top}");
    key(&mut app, KeyCode::Up);
    let rows = drawn(&app, (80, 24));
    assert_eq!(first_row(&rows), top, "↑ moves the highlight, not the list");
    for _ in 0..3 {
        key_drawn(&mut app, KeyCode::Up, (80, 24));
    }
    assert_eq!(first_row(&drawn(&app, (80, 24))), top);
}

fn review_scroll(app: &App) -> u16 {
    let Screen::Review(review) = &app.create.screen else {
        panic!("on the review");
    };
    review.scroll.offset()
}

#[test]
fn the_review_scrolls_to_its_end_and_no_further() {
    let mut app = on_review();
    key_drawn(&mut app, KeyCode::Down, (80, 24));
    let mut last = 0;
    for _ in 0..100 {
        key_drawn(&mut app, KeyCode::Down, (80, 24));
        last = review_scroll(&app);
    }
    assert!(last > 1, "at 80x24 the review is taller than the screen");
    key_drawn(&mut app, KeyCode::Down, (80, 24));
    assert_eq!(review_scroll(&app), last, "the end stops it");
    key_drawn(&mut app, KeyCode::Up, (80, 24));
    assert_eq!(review_scroll(&app), last - 1, "one ↑ moves back at once");
}

#[test]
fn the_help_scrolls_to_its_end_and_no_further() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key_drawn(&mut app, KeyCode::F(1), (80, 24));
    for _ in 0..500 {
        key_drawn(&mut app, KeyCode::Down, (80, 24));
    }
    let offset = |app: &App| app.help.as_ref().unwrap().scroll.offset();
    let max = offset(&app);
    assert!(max > 0);
    key_drawn(&mut app, KeyCode::Down, (80, 24));
    assert_eq!(offset(&app), max);
    key_drawn(&mut app, KeyCode::Up, (80, 24));
    assert_eq!(offset(&app), max - 1);
}

#[test]
fn the_help_pages_with_pgdn_space_pgup_home_and_end() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key_drawn(&mut app, KeyCode::F(1), (80, 24));
    let offset = |app: &App| app.help.as_ref().unwrap().scroll.offset();
    let top = screen_at(&app, 80, 24);
    assert!(top.contains("PgUp/PgDn scroll"), "{top}");
    // The box's lines inside its borders, as the operator reads them.
    let inside = |app: &App| -> Vec<String> {
        let rows = drawn(app, (80, 24));
        let left = rows
            .iter()
            .find_map(|row| row.chars().position(|c| c == '┌'))
            .expect("the help's box");
        rows.into_iter()
            .filter(|row| row.chars().nth(left) == Some('│'))
            .map(|row| row.chars().skip(left + 1).collect())
            .collect()
    };
    let before = inside(&app);
    key_drawn(&mut app, KeyCode::PageDown, (80, 24));
    let page = offset(&app);
    let after = inside(&app);
    assert_eq!(
        usize::from(page),
        before.len() - 1,
        "a page down moves a box less one line"
    );
    assert_eq!(
        after.first(),
        before.last(),
        "the last line read is the first of the next page"
    );
    key_drawn(&mut app, KeyCode::Char(' '), (80, 24));
    assert_eq!(offset(&app), 2 * page, "Space pages down too");
    key_drawn(&mut app, KeyCode::PageUp, (80, 24));
    assert_eq!(offset(&app), page);
    key_drawn(&mut app, KeyCode::End, (80, 24));
    let end = offset(&app);
    assert!(end > 2 * page, "End goes to the last page");
    key_drawn(&mut app, KeyCode::PageDown, (80, 24));
    assert_eq!(offset(&app), end, "no further than the end");
    key_drawn(&mut app, KeyCode::Home, (80, 24));
    assert_eq!(offset(&app), 0);
    assert!(app.help.is_some(), "paging keeps the help open");
}

#[test]
fn saving_a_template_over_one_of_the_same_name_asks_first() {
    let mut app = with_phones(1);
    typed(&mut app, "Base");
    ctrl(&mut app, 't');
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [Cmd::SaveTemplate { replace: false, .. }]),
        "{cmds:?}"
    );
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateSaved(Err(SaveError::Exists(
            "Base".into(),
        )))),
    );
    update(&mut app, Msg::Resize(80, 24));
    let screen = screen_at(&app, 80, 24);
    assert!(
        screen.contains("A template named “Base” exists."),
        "{screen}"
    );
    assert!(
        screen.contains("Enter replaces it · Esc keeps it"),
        "{screen}"
    );
    assert!(
        app.create.notice.is_none(),
        "nothing was saved, nothing said saved"
    );

    // Esc keeps the old one and goes back to the name.
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(
        matches!(&app.create.modal, Some(Modal::SaveTemplate(d)) if d.step == SaveStep::Naming)
    );
    // Enter asks again; this time Enter replaces it.
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateSaved(Err(SaveError::Exists(
            "Base".into(),
        )))),
    );
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        Cmd::SaveTemplate {
            name,
            replace: true,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(name, "Base");
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateSaved(Ok("/t/Base.json".into()))),
    );
    assert!(app.create.modal.is_none());
    assert_eq!(
        app.create.notice.as_deref(),
        Some("Template saved: /t/Base.json")
    );
}

#[test]
fn a_failed_draft_write_is_on_screen_until_one_succeeds() {
    let (mut app, _) = App::new(AppContext::for_tests());
    key(&mut app, KeyCode::Char('Q'));
    assert_eq!(app.create.draft_state, DraftState::Changed);
    let why = "cannot write /s/draft.json: No space left on device (os error 28)";
    update(
        &mut app,
        Msg::Create(CreateMsg::DraftWritten {
            seq: 1,
            result: Err(why.into()),
        }),
    );
    assert_eq!(app.create.draft_state, DraftState::Failed(why.into()));
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = screen_at(&app, w, h);
        let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("Your draft is not being saved (cannot write /s/draft.json: No space left on device (os error 28)): what you type is only on this screen."),
            "{screen}"
        );
    }
    // Typing on does not hide it; a later write that succeeds does.
    key(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.create.draft_state, DraftState::Failed(_)));
    update(
        &mut app,
        Msg::Create(CreateMsg::DraftWritten {
            seq: 2,
            result: Ok(()),
        }),
    );
    assert_eq!(app.create.draft_state, DraftState::Saved);
    assert!(!screen_at(&app, 120, 40).contains("not being saved"));
}

#[test]
fn drafts_left_by_earlier_sessions_are_offered_and_one_can_be_taken() {
    use crate::store::draft::LeftDraft;
    let left = |name: &str, file: &str| {
        let mut form = Form::new("UTC");
        form.name.set(name);
        let mut draft = Draft::of(&form);
        draft.saved_at = "2026-01-15T09:30:00Z".into();
        LeftDraft {
            path: PathBuf::from(format!("/s/{file}")),
            draft,
        }
    };
    let mut ctx = AppContext::for_tests();
    ctx.initial = Some(Initial::Draft(left("Careful work", "draft.json").draft));
    let (mut app, _) = App::new(ctx);
    files::offer_drafts(
        &mut app.create,
        left("Careful work", "draft.json"),
        vec![left("Quick test", "draft-2.json")],
    );
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = screen_at(&app, w, h);
        assert!(
            screen.contains("Drafts left by earlier sessions"),
            "{screen}"
        );
        assert!(
            // On the operator's clock (Berlin in these tests), the zone
            // named once above the rows.
            screen.contains("“Quick test”  2026-01-15 10:30  draft-2.json"),
            "{screen}"
        );
        assert!(screen.contains("(times in Europe/Berlin)"), "{screen}");
        assert!(screen.contains("in /s"), "{screen}");
    }
    // Keys go to the dialog: the form cannot change under it.
    assert!(key(&mut app, KeyCode::Char('z')).is_empty());
    key(&mut app, KeyCode::Down);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Cmd::AdoptDraft {
            path: PathBuf::from("/s/draft-2.json")
        }]
    );
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.create.modal.is_some(), "it waits for the draft");
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::DraftAdopted {
            path: PathBuf::from("/s/draft-2.json"),
            result: Ok(left("Quick test", "draft-2.json").draft),
        }),
    );
    assert!(
        cmds.is_empty(),
        "the form is what is on disk: nothing to save"
    );
    assert!(app.create.modal.is_none());
    assert_eq!(app.create.form.name.value(), "Quick test");
    assert_eq!(app.create.draft_state, DraftState::Saved);
}

#[test]
fn a_template_with_invalid_values_loads_them_as_they_are_marked() {
    let (mut app, _) = App::new(AppContext::for_tests());
    let file = BatchFile {
        batch_name: Some("n".repeat(125)),
        allowed_days: Some(vec![1, 7]),
        ..BatchFile::default()
    };
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateLoaded {
            name: "Old".into(),
            result: Ok(file),
        }),
    );
    assert_eq!(app.create.form.name.value().len(), 125, "not cut");
    assert_eq!(app.create.form.days.not_days(), &[7]);
    assert_eq!(
        app.create.form.errors.keys().copied().collect::<Vec<_>>(),
        [FieldId::Name, FieldId::Days],
        "only the fields the template gave"
    );
    assert!(app.create.form.errors[&FieldId::Name].starts_with("125 characters; at most 120"));
    assert_eq!(
        app.create.notice.as_deref(),
        Some("Loaded the template “Old”. 2 fields to fix (marked ✗), shown as the file has them.")
    );
    // Changing the days lets the number that is no day go.
    app.create.form.focus_to(FieldId::Days);
    key(&mut app, KeyCode::Char('w'));
    assert!(!app.create.form.errors.contains_key(&FieldId::Days));
    assert_eq!(app.create.form.days.not_days(), &[] as &[u8]);
}

#[test]
fn a_city_people_say_is_taken_as_its_zone() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::Timezone);
    typed(&mut app, "Bombay");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.create.form.timezone.value(), "Asia/Kolkata");
    assert!(!app.create.form.errors.contains_key(&FieldId::Timezone));
}

#[test]
fn window_times_typed_short_read_as_hh_mm_once_left() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::WindowStart);
    typed(&mut app, "10");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "1930");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.create.form.window_start.value(), "10:00");
    assert_eq!(app.create.form.window_end.value(), "19:30");
}

#[test]
fn a_letter_in_retries_is_refused_with_a_message() {
    let (mut app, _) = App::new(AppContext::for_tests());
    app.create.form.focus_to(FieldId::Retries);
    typed(&mut app, "three");
    assert_eq!(
        app.create.form.retries.value(),
        "3",
        "the value stays as it was"
    );
    assert_eq!(
        app.create
            .form
            .errors
            .get(&FieldId::Retries)
            .map(String::as_str),
        Some("“e” is not a digit: type the number of retries, 0 to 10")
    );
    typed(&mut app, "2");
    assert_eq!(app.create.form.retries.value(), "2");
    assert!(
        !app.create.form.errors.contains_key(&FieldId::Retries),
        "a digit clears it"
    );
    update(&mut app, Msg::Paste("two".into()));
    assert_eq!(app.create.form.retries.value(), "2");
    assert!(app.create.form.errors[&FieldId::Retries].starts_with("“t” is not a digit"));
}

#[test]
fn a_compound_delay_is_taken_and_no_retries_leave_it_unsent() {
    let mut app = with_phones(1);
    typed(&mut app, "Q3");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    app.create.form.focus_to(FieldId::Delay);
    typed(&mut app, "1h30m");
    ctrl(&mut app, 's');
    let Screen::Review(review) = &app.create.screen else {
        panic!("{:?}", app.create.form.errors);
    };
    assert_eq!(review.request.delay, Some(5400));
    key(&mut app, KeyCode::Esc);
    app.create.form.focus_to(FieldId::Retries);
    typed(&mut app, "0");
    ctrl(&mut app, 's');
    let Screen::Review(review) = &app.create.screen else {
        panic!("{:?}", app.create.form.errors);
    };
    assert_eq!(review.request.delay, None);
    assert!(
        review
            .summary
            .warnings
            .iter()
            .any(|w| w.contains("the retry delay is not sent")),
        "{:?}",
        review.summary.warnings
    );
}

/// The app drawn at `width`x`height`, so that clicks find what was drawn.
fn screen_at(app: &App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| crate::tui::draw::view(app, frame))
        .unwrap();
    crate::tui::testing::text_of(terminal.backend().buffer())
}

/// Where `text` is drawn: (column, row) of its first character.
fn find(screen: &str, text: &str) -> (u16, u16) {
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            let at = line.find(text)?;
            Some((
                crate::num::u16_sat(line[..at].chars().count()),
                crate::num::u16_sat(row),
            ))
        })
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}"))
}

fn restored_app() -> App {
    let mut ctx = AppContext::for_tests();
    let mut form = Form::new("Europe/Berlin");
    form.name.set("Renewals – December");
    form.retries.set("5");
    let mut draft = Draft::of(&form);
    // 14:02 in Berlin, on the day the app starts.
    draft.saved_at = "1970-01-01T13:02:00Z".into();
    ctx.initial = Some(Initial::Draft(draft));
    App::new(ctx).0
}

#[test]
fn a_restored_name_is_replaced_by_typing_and_the_notice_says_from_when_and_ctrl_r() {
    let mut app = restored_app();
    assert_eq!(
        app.create.notice.as_deref(),
        Some("Draft from 14:02 restored — Ctrl-R starts a blank form.")
    );
    typed(&mut app, "Double enter test");
    assert_eq!(app.create.form.name.value(), "Double enter test");
}

#[test]
fn ctrl_r_keeps_the_draft_on_disk_before_the_form_goes_blank() {
    let mut app = restored_app();
    let cmds = ctrl(&mut app, 'r');
    let [Cmd::SetDraftAside { draft, .. }] = cmds.as_slice() else {
        panic!("expected the draft to be set aside first: {cmds:?}");
    };
    assert_eq!(draft.name, "Renewals – December");
    assert_eq!(
        app.create.form.name.value(),
        "Renewals – December",
        "nothing is cleared before the draft is safe"
    );

    // Could not be kept: the form stays as it is.
    update(
        &mut app,
        Msg::Create(CreateMsg::DraftSetAside(Err("disk full".into()))),
    );
    assert_eq!(app.create.form.name.value(), "Renewals – December");
    assert!(app.create.notice.as_deref().unwrap().contains("disk full"));

    ctrl(&mut app, 'r');
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::DraftSetAside(Ok("/s/draft.json".into()))),
    );
    assert!(cmds.is_empty(), "a blank form writes no draft: {cmds:?}");
    assert_eq!(app.create.form.name.value(), "");
    assert_eq!(app.create.form.retries.value(), "3");
    assert_eq!(app.create.form.focus, FieldId::Name);
    assert_eq!(
        app.create.notice.as_deref(),
        Some(
            "A blank form. The draft “Renewals – December” stays in /s/draft.json and is \
             offered at the next start."
        )
    );
    assert!(
        ctrl(&mut app, 'r').is_empty(),
        "a blank form is blank already"
    );
}

#[test]
fn ctrl_u_clears_to_the_start_ctrl_y_puts_it_back_and_ctrl_underscore_undoes() {
    let (mut app, _) = App::new(AppContext::for_tests());
    typed(&mut app, "June renewals");
    for _ in 0.."renewals".len() {
        key(&mut app, KeyCode::Left);
    }
    ctrl(&mut app, 'u');
    assert_eq!(app.create.form.name.value(), "renewals");
    key(&mut app, KeyCode::End);
    ctrl(&mut app, 'y');
    assert_eq!(app.create.form.name.value(), "renewalsJune ");
    // Legacy terminals: Ctrl-_ arrives as Ctrl-7.
    ctrl(&mut app, '7');
    assert_eq!(app.create.form.name.value(), "renewals");
    // In a filter too.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "ber");
    ctrl(&mut app, 'u');
    assert_eq!(app.create.form.numbers.filter.value(), "");
}

#[test]
fn the_template_dialog_previews_the_highlighted_template_and_d_deletes_after_asking() {
    let mut app = with_phones(1);
    assert_eq!(ctrl(&mut app, 'o'), vec![Cmd::ListTemplates]);
    let entry = |name: &str, retry| super::TemplateEntry {
        name: name.into(),
        file: Ok(BatchFile {
            batch_name: Some(format!("{name} batch")),
            calling_numbers: Some(vec!["64e5f12345abcdef87654321".into(); 3]),
            retry: Some(retry),
            delay: Some(900),
            timezone: Some("Asia/Kolkata".into()),
            calling_hour: Some(crate::api::CallingHour {
                start: "10:00".into(),
                end: "19:30".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5]),
        }),
    };
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplatesListed(Ok(vec![
            entry("Evenings", 2),
            entry("Mornings", 7),
        ]))),
    );
    key(&mut app, KeyCode::Down);
    let screen = screen_at(&app, 80, 24);
    for shown in [
        "Mornings batch",
        "3 numbers",
        "10:00–19:30  Asia/Kolkata",
        "Mon–Fri",
        "7 · delay 900 s = 15 min",
    ] {
        assert!(screen.contains(shown), "{shown:?} in\n{screen}");
    }
    assert!(!screen.contains("Evenings batch"), "{screen}");

    let shift_d = KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT);
    assert!(
        update(&mut app, Msg::Key(shift_d)).is_empty(),
        "it asks first"
    );
    assert!(screen_at(&app, 80, 24).contains("Delete the template “Mornings”?"));
    key(&mut app, KeyCode::Esc);
    assert!(
        app.create.modal.is_some(),
        "Esc keeps the template and the dialog"
    );
    update(&mut app, Msg::Key(shift_d));
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Cmd::DeleteTemplate {
            name: "Mornings".into()
        }]
    );
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::TemplateDeleted {
            name: "Mornings".into(),
            result: Ok(()),
        }),
    );
    assert_eq!(cmds, vec![Cmd::ListTemplates], "the list is read again");
    assert_eq!(
        app.create.notice.as_deref(),
        Some("Template “Mornings” deleted.")
    );
}

#[test]
fn the_review_warns_of_retries_with_no_delay() {
    let mut app = with_phones(1);
    typed(&mut app, "Q3");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    app.create.form.focus_to(FieldId::Retries);
    typed(&mut app, "10");
    app.create.form.focus_to(FieldId::Delay);
    typed(&mut app, "0");
    ctrl(&mut app, 's');
    let Screen::Review(review) = &app.create.screen else {
        panic!("{:?}", app.create.form.errors);
    };
    assert!(
        review
            .summary
            .warnings
            .iter()
            .any(|w| w.starts_with("10 retries 0 s apart")),
        "{:?}",
        review.summary.warnings
    );
}

#[test]
fn the_template_name_suggested_from_the_batch_name_is_saved_as_is() {
    let mut app = with_phones(1);
    typed(&mut app, "Renewals – December");
    ctrl(&mut app, 't');
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [Cmd::SaveTemplate { name, .. }] if name == "Renewals – December"),
        "{cmds:?} {:?}",
        app.create.modal
    );
}

#[test]
fn a_click_toggles_a_phone_row_or_a_day_and_the_wheel_scrolls_the_list() {
    let mut app = with_phones(30);
    let screen = screen_at(&app, 80, 24);
    let (x, y) = find(&screen, "Line 2 ");
    update(&mut app, Msg::Click { column: x, row: y });
    assert_eq!(app.create.form.focus, FieldId::Numbers);
    assert_eq!(
        app.create.form.numbers.selected_ids(),
        ["64e5f12345abcdef00000002"]
    );
    update(&mut app, Msg::Click { column: x, row: y });
    assert!(
        app.create.form.numbers.selected_ids().is_empty(),
        "again: off"
    );

    let screen = screen_at(&app, 80, 24);
    let (x, y) = find(&screen, "[ ] Sun");
    update(&mut app, Msg::Click { column: x, row: y });
    assert_eq!(app.create.form.focus, FieldId::Days);
    assert!(app.create.form.days.is_on(0), "Sunday toggled on");

    let (x, y) = find(&screen_at(&app, 80, 24), "Line 0 ");
    update(
        &mut app,
        Msg::Wheel {
            column: x,
            row: y,
            down: true,
        },
    );
    let screen = screen_at(&app, 80, 24);
    assert!(!screen.contains("Line 0 "), "scrolled:\n{screen}");
    assert!(screen.contains("Line 3 "), "{screen}");
}

#[test]
fn selected_rows_out_of_view_are_counted_where_the_operator_looks() {
    let mut app = with_phones(30);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    assert!(
        screen_at(&app, 80, 24).contains("1 selected · "),
        "all in view"
    );
    key(&mut app, KeyCode::End);
    let screen = screen_at(&app, 80, 24);
    assert!(screen.contains("1 selected (1 above) · "), "{screen}");
    assert!(screen.contains("of 30 ↑"), "{screen}");
    // Space acts on the highlighted row, on show; the hidden one stays.
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.create.form.numbers.selected_count(), 2);
    assert!(screen_at(&app, 80, 24).contains("2 selected (1 above)"));
}

#[test]
fn a_failed_reload_with_rows_on_show_says_why() {
    let mut app = with_phones(3);
    key(&mut app, KeyCode::Tab);
    let cmds = key(&mut app, KeyCode::Char('r'));
    let generation = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchPhones { generation, .. } => Some(*generation),
            _ => None,
        })
        .unwrap();
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation,
            result: Err(ApiError::Status {
                status: 403,
                message: Some("Invalid API key".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        }),
    );
    let screen = screen_at(&app, 120, 40);
    assert!(screen.contains("Line 2"), "the rows stay:\n{screen}");
    assert!(screen.contains("Not reloaded"), "{screen}");
    assert!(screen.contains("HTTP 403"), "{screen}");
    assert!(screen.contains("Invalid API"), "{screen}");
    assert!(!screen.contains("list not loaded"), "{screen}");

    // The phone book read again joins the list.
    let mut book = phone("64e5f12345abcdefaaaaaaaa");
    book.label = "Added while running".into();
    update(
        &mut app,
        Msg::Create(CreateMsg::PhoneBookRead(Ok(vec![book]))),
    );
    assert!(screen_at(&app, 120, 40).contains("Added while running"));
}

/// Issue 16: after a lost answer the operator leaves the result and opens
/// the review again: Enter sends nothing while the list is watched, and
/// when the batch turns up there, its result takes the review's place
/// (the review, opened before, said nothing had been sent) and the
/// journal records it.
#[test]
fn a_lost_send_found_while_its_review_waits_shows_its_result_instead() {
    let mut app = on_review();
    app.create.context.can_list_batches = true;
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Network {
                kind: crate::api::NetworkFailure::Dropped,
                host: "h".into(),
            }),
        }),
    );
    let (lookup, _) = lookup_of(&cmds);
    none_found(&mut app, lookup);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.create.screen, Screen::Form));
    assert!(app.create.waiting_for().is_some(), "the send stays in mind");
    ctrl(&mut app, 's');
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "Enter waits");
    assert!(matches!(app.create.screen, Screen::Review(_)));
    let found = crate::api::BatchSummary {
        id: "64e5f12345abcdef98765432".into(),
        batch_name: "Q3".into(),
        total_calls: Some(0),
        calls_picked: Some(0),
        calls_completed: Some(0),
        queue_status: "paused".into(),
        created_at: "1970-01-01T00:00:10.000Z".into(),
        updated_at: String::new(),
    };
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: crate::create::Look {
                result: Ok(vec![found]),
                conclusive: false,
                next_in: None,
            },
        }),
    );
    assert!(
        matches!(answer(&app).verdict(), Verdict::Listed(b) if b.id == "64e5f12345abcdef98765432")
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Journal(e)
            if e.outcome == crate::store::journal::JournalOutcome::Created
                && e.batch_id.as_deref() == Some("64e5f12345abcdef98765432"))),
        "{cmds:?}"
    );
    assert_eq!(app.create.waiting_for(), None);
    assert_eq!(
        app.create.known_batches.len(),
        1,
        "its name is flagged on review"
    );
}

/// The form says why the phone list failed as the campaign views do, with
/// the request ID support asks for (the CLI gave it; the form did not).
#[test]
fn a_failed_phone_list_names_its_request_id_on_the_form() {
    let (mut app, _) = App::new(AppContext::for_tests());
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Err(ApiError::Status {
                status: 500,
                message: Some("boom".into()),
                request_id: Some("req-8723".into()),
                excerpt: None,
                retry_after: None,
            }),
        }),
    );
    let shown = screen_at(&app, 120, 40);
    assert!(
        shown.contains("Could not load the phone list: HTTP 500 (the server failed): boom"),
        "{shown}"
    );
    assert!(shown.contains("(request ID req-8723)"), "{shown}");
}

/// A created batch's result, its first look at the list answered with
/// `listed`: the app and the ID.
fn created_and_listed(listed: Vec<crate::api::BatchSummary>) -> (App, String) {
    let id = "64e5f12345abcdef98765432".to_owned();
    let mut app = on_review();
    app.create.context.can_list_batches = true;
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: id.clone(),
                request_id: None,
            }),
        }),
    );
    let (lookup, _) = lookup_of(&cmds);
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: crate::create::Look {
                result: Ok(listed),
                conclusive: true,
                next_in: None,
            },
        }),
    );
    (app, id)
}

fn summary(id: &str, calls: u64) -> crate::api::BatchSummary {
    crate::api::BatchSummary {
        id: id.into(),
        batch_name: "Q3".into(),
        total_calls: Some(calls),
        queue_status: "paused".into(),
        created_at: "2026-01-15T14:00:01.000Z".into(),
        ..crate::api::BatchSummary::default()
    }
}

/// Issue 20 item 6: what the app reads of the batch elsewhere (the list's
/// page, a batch's header) is the result's count; back on show it looks
/// once, and not again while that look is on its way.
#[test]
fn the_result_takes_the_count_read_elsewhere_and_looks_once_when_shown_again() {
    let (mut app, id) = created_and_listed(vec![summary("64e5f12345abcdef98765432", 0)]);
    assert!(app.create.scopes().contains(&Scope::Created));
    // Another batch's news changes nothing.
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchSeen(summary("64e5f12345abcdef00000001", 9))),
    );
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchSeen(summary(&id, 40))),
    );
    assert!(
        matches!(answer(&app).verdict(), Verdict::Listed(b) if b.total_calls == Some(40)),
        "{:?}",
        answer(&app).verdict()
    );
    let cmds = update(&mut app, Msg::Create(CreateMsg::Shown));
    let (lookup, wait) = lookup_of(&cmds);
    assert_eq!(wait, std::time::Duration::ZERO, "one look, not a watch");
    assert!(
        update(&mut app, Msg::Create(CreateMsg::Shown)).is_empty(),
        "not a second while the first is on its way"
    );
    // A failed look keeps what was shown.
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: crate::create::Look {
                result: Err(ApiError::Network {
                    kind: crate::api::NetworkFailure::Dropped,
                    host: "127.0.0.1".into(),
                }),
                conclusive: true,
                next_in: None,
            },
        }),
    );
    assert!(matches!(answer(&app).verdict(), Verdict::Listed(b) if b.total_calls == Some(40)));
    assert!(answer(&app).gone.is_none());
}

/// Issue 20 item 6: a batch deleted in this app: its result says so,
/// stops its watch, never looks again, and offers only n (and Esc).
#[test]
fn a_batch_deleted_here_ends_its_results_looks_and_keys() {
    let (mut app, id) = created_and_listed(vec![summary("64e5f12345abcdef98765432", 3)]);
    let cmds = update(&mut app, Msg::Create(CreateMsg::Shown));
    lookup_of(&cmds);
    let cmds = update(
        &mut app,
        Msg::BatchList(crate::tui::views::batches::list::ListMsg::Deleted {
            id: id.clone(),
            result: Ok(crate::api::Deleted {
                message: Some("Batch deleted".into()),
                request_id: None,
            }),
        }),
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::StopBatchLookup)),
        "the look on its way is stopped: {cmds:?}"
    );
    let gone = answer(&app).gone.clone().expect("known to be gone");
    assert_eq!(gone.batch_id, id);
    assert!(
        gone.why.starts_with("deleted in this app at "),
        "{}",
        gone.why
    );
    assert_eq!(app.create.scopes(), vec![Scope::Result, Scope::Deleted]);
    assert!(update(&mut app, Msg::Create(CreateMsg::Shown)).is_empty());
    assert!(
        crate::tui::views::ViewModel::shown(&app.create).is_none(),
        "nothing asked when shown again"
    );
    for c in ['c', 'i', 'o'] {
        assert!(key(&mut app, KeyCode::Char(c)).is_empty(), "{c}");
    }
    key(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.create.screen, Screen::Form));
}

/// No command among `cmds` acts on a batch or leaves the form: a copy, an
/// import, a batch's details, a send.
fn acts(cmds: &[Cmd]) -> bool {
    cmds.iter().any(|c| {
        matches!(
            c,
            Cmd::Copy(_) | Cmd::OpenImport(_) | Cmd::OpenBatch(_) | Cmd::Submit { .. }
        )
    })
}

/// The QA's repro (issue 19): a batch made, Ctrl-B, Ctrl-N, a name typed.
/// Ctrl-N lands on the form, a new batch from the same values with its
/// name to type: the `c` of "Watch result" copies nothing, its `n`, `i`
/// and `o` open nothing. The result is still there, by the palette.
#[test]
fn ctrl_n_after_a_batch_was_made_lands_on_the_name_and_never_on_the_result() {
    let (mut app, id) = created_and_listed(vec![summary("64e5f12345abcdef98765432", 0)]);
    ctrl(&mut app, 'b');
    ctrl(&mut app, 'n');
    assert!(app.top().is_none());
    assert!(matches!(app.create.screen, Screen::Form));
    assert_eq!(app.create.form.focus, FieldId::Name);
    assert!(
        app.create
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("same values")),
        "{:?}",
        app.create.notice
    );
    let mut cmds = Vec::new();
    for c in "Watch result".chars() {
        cmds.extend(key(&mut app, KeyCode::Char(c)));
    }
    assert!(!acts(&cmds), "{cmds:?}");
    assert_eq!(app.create.form.name.value(), "Watch result");

    // Ctrl-N on the result itself does the same.
    let (mut app, _) = created_and_listed(vec![summary(&id, 0)]);
    ctrl(&mut app, 'n');
    typed(&mut app, "cino");
    assert!(matches!(app.create.screen, Screen::Form));
    assert_eq!(app.create.form.name.value(), "cino");

    // The last result is reachable from the palette, and looks at its
    // batch as it comes on show.
    ctrl(&mut app, 'p');
    typed(&mut app, "last result");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(answer(&app).made_id(), Some(made) if made == id),
        "the result is back"
    );
    lookup_of(&cmds);
    assert_eq!(app.create.form.name.value(), "cino", "the form kept");
    // With none, the palette's entry says so.
    let (mut fresh, _) = App::new(AppContext::for_tests());
    ctrl(&mut fresh, 'p');
    typed(&mut fresh, "last result");
    key(&mut fresh, KeyCode::Enter);
    assert!(matches!(fresh.create.screen, Screen::Form));
    assert!(
        fresh
            .create
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("No result")),
        "{:?}",
        fresh.create.notice
    );
}

/// Ctrl-N from the review, or while sending, lands on the form too; a
/// send left waiting runs on (as Esc leaves it) and nothing is sent twice.
#[test]
fn ctrl_n_from_the_review_or_while_sending_lands_on_the_form() {
    let mut app = on_review();
    ctrl(&mut app, 'b');
    ctrl(&mut app, 'n');
    assert!(matches!(app.create.screen, Screen::Form));
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.create.screen, Screen::Sending { .. }));
    let cmds = ctrl(&mut app, 'n');
    assert!(!acts(&cmds), "{cmds:?}");
    assert!(matches!(app.create.screen, Screen::Form));
    assert!(
        app.create.waiting_for().is_some(),
        "the send is still waited for"
    );
}

/// The property of issue 19: from anywhere the operator can get (the
/// result of a batch made, the list, the review, fields whose letters are
/// keys), after Ctrl-N typed letters go into a text field of the form and
/// act on nothing.
mod after_ctrl_n {
    use super::*;
    use proptest::prelude::*;

    fn press() -> impl Strategy<Value = KeyEvent> {
        let plain = prop::sample::select(vec![
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Down,
            KeyCode::Char(' '),
            KeyCode::Char('c'),
            KeyCode::Char('n'),
            KeyCode::Char('i'),
            KeyCode::Char('o'),
        ])
        .prop_map(|code| KeyEvent::new(code, KeyModifiers::NONE));
        let chords = prop::sample::select(vec!['b', 'n', 's'])
            .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        prop_oneof![4 => plain, 1 => chords]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn typed_letters_go_into_a_text_field(
            keys in prop::collection::vec(press(), 0..30),
        ) {
            let (mut app, _) = created_and_listed(vec![summary("64e5f12345abcdef98765432", 0)]);
            for key in keys {
                update(&mut app, Msg::Key(key));
            }
            ctrl(&mut app, 'n');
            prop_assert!(app.top().is_none());
            prop_assert!(matches!(app.create.screen, Screen::Form));
            let field = app.create.form.focus;
            prop_assert!(
                app.create.form.line_mut(field).is_some()
                    || matches!(app.create.form.numbers.mode, Mode::Filter | Mode::Manual(_) | Mode::Adding(_)),
                "{field:?} takes no text"
            );
            let mut cmds = Vec::new();
            for c in "cino".chars() {
                cmds.extend(key(&mut app, KeyCode::Char(c)));
            }
            prop_assert!(!acts(&cmds), "{cmds:?}");
            prop_assert!(matches!(app.create.screen, Screen::Form));
            prop_assert!(app.top().is_none());
        }
    }
}
