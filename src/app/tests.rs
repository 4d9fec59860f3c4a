//! `update` on its own: keys and replies in, model and commands out.
use super::*;
use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};

fn context() -> AppContext {
    AppContext {
        target: TargetLabel::Sandbox,
        default_timezone: "Europe/Berlin".into(),
        local_timezone: "Europe/Berlin".into(),
        started_at: DateTime::UNIX_EPOCH,
        phone_book: Vec::new(),
        notice: None,
        known_batches: Vec::new(),
        can_list_batches: false,
        initial: None,
        color: false,
    }
}

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
    let (mut app, _) = App::new(context());
    update(
        &mut app,
        Msg::PhonesLoaded {
            generation: 1,
            result: Ok(vec![phone("64e5f12345abcdef87654329")]),
        },
    );
    for c in "Q3".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    assert!(matches!(app.screen, Screen::Review(_)));
    app
}

#[test]
fn starting_fetches_the_phone_list_and_focuses_the_name() {
    let (app, cmds) = App::new(context());
    assert_eq!(cmds, vec![Cmd::FetchPhones { generation: 1 }]);
    assert_eq!(app.form.focus, FieldId::Name);
    assert!(app.is_animating(), "spinner while loading");
}

#[test]
fn a_stale_phone_reply_is_dropped() {
    let (mut app, _) = App::new(context());
    app.form.focus = FieldId::Numbers;
    assert_eq!(
        key(&mut app, KeyCode::Char('r')),
        vec![Cmd::FetchPhones { generation: 2 }]
    );
    update(
        &mut app,
        Msg::PhonesLoaded {
            generation: 1,
            result: Ok(vec![phone("a")]),
        },
    );
    assert!(
        app.form.numbers.phones.is_loading(),
        "generation 1 is stale"
    );
    update(
        &mut app,
        Msg::PhonesLoaded {
            generation: 2,
            result: Ok(vec![phone("b")]),
        },
    );
    assert_eq!(app.form.numbers.visible().next().unwrap().phone.id, "b");
}

#[test]
fn the_review_body_is_what_submit_sends_and_a_second_enter_sends_nothing() {
    let mut app = on_review();
    let Screen::Review(review) = &app.screen else {
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

#[test]
fn esc_while_sending_cancels_and_a_late_reply_is_ignored() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(cmds[0], Cmd::CancelSubmit { request_id: 1 });
    let Cmd::Journal(entry) = &cmds[1] else {
        panic!("the abandoned submit is journaled: {cmds:?}");
    };
    assert_eq!(
        entry.outcome,
        crate::store::journal::JournalOutcome::Unknown
    );
    assert!(
        matches!(&app.screen, Screen::Result(a) if matches!(a.outcome, Outcome::Abandoned { .. }))
    );
    update(
        &mut app,
        Msg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "x".into(),
                request_id: None,
            }),
        },
    );
    assert!(
        matches!(&app.screen, Screen::Result(a) if matches!(a.outcome, Outcome::Abandoned { .. })),
        "a reply after the operator stopped waiting does not rewrite the screen"
    );
}

#[test]
fn a_400_naming_a_field_marks_it_and_keeps_everything() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Msg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Status {
                status: 400,
                message: Some("batchName already exists".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        },
    );
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(app.form.focus, FieldId::Name);
    assert_eq!(
        app.form.errors.get(&FieldId::Name).map(String::as_str),
        Some("Weya: batchName already exists")
    );
    assert_eq!(app.form.name.value(), "Q3");
    assert_eq!(app.form.numbers.selected_count(), 1);
}

#[test]
fn ctrl_c_quits_from_a_text_field_and_question_mark_is_typed_there() {
    let (mut app, _) = App::new(context());
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.form.name.value(), "?");
    assert!(!app.help);
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn ctrl_z_asks_the_terminal_owner_to_suspend_from_anywhere_and_types_nothing() {
    let (mut app, _) = App::new(context());
    typed(&mut app, "Q3");
    assert_eq!(ctrl(&mut app, 'z'), vec![Cmd::Suspend]);
    assert_eq!(app.form.name.value(), "Q3");
    let mut app = on_review();
    assert_eq!(ctrl(&mut app, 'z'), vec![Cmd::Suspend]);
    assert!(matches!(app.screen, Screen::Review(_)), "the screen stays");
}

#[test]
fn a_refused_suspend_says_why() {
    let (mut app, _) = App::new(context());
    let cmds = update(&mut app, Msg::NotSuspended("no shell to go back to".into()));
    assert!(cmds.is_empty());
    assert_eq!(
        app.notice.as_deref(),
        Some("Ctrl-Z does nothing here: no shell to go back to.")
    );
}

#[test]
fn question_mark_and_f1_open_help_outside_text_fields_and_esc_closes() {
    let (mut app, _) = App::new(context());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.form.numbers.selected_count(),
        0,
        "keys go to help, not the form"
    );
    key(&mut app, KeyCode::Esc);
    assert!(!app.help);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::F(1));
    assert!(app.help, "F1 works in a text field");
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
    let (mut app, _) = App::new(context());
    for expected in FieldId::ALL.iter().rev() {
        key(&mut app, KeyCode::BackTab);
        assert_eq!(app.form.focus, *expected);
    }
}

#[test]
fn a_huge_paste_is_cut_with_a_notice() {
    let (mut app, _) = App::new(context());
    update(&mut app, Msg::Paste("x".repeat(1 << 20)));
    assert_eq!(app.form.name.value().len(), crate::form::MAX_NAME_CHARS);
    assert!(
        app.notice
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
    let (mut app, _) = App::new(context());
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
        Msg::PhonesLoaded {
            generation: 1,
            result: Ok(phones),
        },
    );
    app
}

#[test]
fn filter_then_select_shown_then_clear_by_keys() {
    let mut app = with_phones(6);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "plivo");
    assert_eq!(app.form.numbers.visible_len(), 3);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.form.numbers.selected_count(), 3);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.form.numbers.visible_len(), 6, "Esc clears the filter");
    assert_eq!(
        app.form.numbers.selected_count(),
        3,
        "and keeps the selection"
    );
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.form.numbers.selected_count(), 0);
}

#[test]
fn a_phone_id_typed_by_hand_is_checked_then_selected() {
    let mut app = with_phones(1);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.form.numbers.mode, Mode::Manual(_)),
        "still typing"
    );
    assert_eq!(app.scopes().last(), Some(&Scope::NumbersManual));
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "64e5f12345abcdefffffffff");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.form.numbers.selected_ids(),
        vec!["64e5f12345abcdefffffffff"]
    );
}

#[test]
fn timezone_typing_filters_and_tab_takes_the_match() {
    let (mut app, _) = App::new(context());
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "kolkata");
    assert!(app.form.timezone.open);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.form.timezone.value(), "Asia/Kolkata");
    assert_eq!(app.form.focus, FieldId::WindowStart);
    key(&mut app, KeyCode::BackTab);
    typed(&mut app, "IST");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.timezone.value(), "Asia/Kolkata");
    assert_eq!(
        app.form.focus,
        FieldId::Timezone,
        "Enter takes the match and stays"
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.form.focus,
        FieldId::WindowStart,
        "a second Enter moves on"
    );
}

#[test]
fn arrows_step_times_and_plus_minus_step_numbers() {
    let (mut app, _) = App::new(context());
    app.form.focus_to(FieldId::WindowStart);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.form.window_start.value(), "09:15");
    app.form.window_start.set("9:07");
    key(&mut app, KeyCode::Down);
    assert_eq!(
        app.form.window_start.value(),
        "09:00",
        "to the quarter below"
    );
    app.form.focus_to(FieldId::Retries);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.form.retries.value(), "4");
    app.form.retries.set("10");
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.form.retries.value(), "10", "bounded");
    app.form.focus_to(FieldId::Delay);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.form.delay.value(), "2m");
    app.form.delay.set("1h");
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(app.form.delay.value(), "55m");
}

#[test]
fn day_presets_replace_the_selection() {
    let (mut app, _) = App::new(context());
    app.form.focus_to(FieldId::Days);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.form.days.numbers(), vec![0, 6]);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.form.days.numbers().len(), 7);
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(app.form.days.numbers(), vec![1, 2, 3, 4, 5]);
}

#[test]
fn f1_explains_the_focused_field_and_question_mark_only_lists_keys() {
    let (mut app, _) = App::new(context());
    app.form.focus_to(FieldId::Days);
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.help_field, Some(FieldId::Days));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    assert_eq!(app.help_field, None);
}

#[test]
fn a_click_focuses_the_field_under_it() {
    let (mut app, _) = App::new(context());
    update(&mut app, Msg::Resize(120, 40));
    let body = crate::ui::body_area(ratatui::layout::Rect::new(0, 0, 120, 40));
    let layout = crate::ui::form::FormLayout::new(&app.form, body);
    update(
        &mut app,
        Msg::Click {
            column: layout.days.x + 25,
            row: layout.days.y,
        },
    );
    assert_eq!(app.form.focus, FieldId::Days);
    // Leaving the name showed its error, so the rows below moved down:
    // what is drawn now is what is hit.
    let layout = crate::ui::form::FormLayout::new(&app.form, body);
    update(
        &mut app,
        Msg::Click {
            column: layout.window.x + 30,
            row: layout.window.y,
        },
    );
    assert_eq!(app.form.focus, FieldId::WindowEnd);
    update(&mut app, Msg::Click { column: 3, row: 0 });
    assert_eq!(app.form.focus, FieldId::WindowEnd, "the header is no field");
}

#[test]
fn every_change_of_the_form_saves_the_draft_and_nothing_else_does() {
    let (mut app, _) = App::new(context());
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
    assert_eq!(app.draft_state, DraftState::Changed);
}

#[test]
fn a_confirmed_batch_removes_the_draft() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: "64e5f12345abcdef98765432".into(),
                request_id: None,
            }),
        },
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })),
        "{cmds:?}"
    );
    assert_eq!(app.draft_state, DraftState::Saved);
}

#[test]
fn a_failed_batch_keeps_the_draft() {
    let mut app = on_review();
    key(&mut app, KeyCode::Enter);
    let cmds = update(
        &mut app,
        Msg::SubmitFinished {
            request_id: 1,
            result: Err(ApiError::Config("x".into())),
        },
    );
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::DeleteDraft { .. })));
}

#[test]
fn a_restored_draft_fills_the_form() {
    let mut ctx = context();
    let mut form = Form::new("Asia/Kolkata");
    form.name.set("Restored");
    form.retries.set("9x");
    ctx.initial = Some(Draft::of(&form));
    let (app, _) = App::new(ctx);
    assert_eq!(app.form.name.value(), "Restored");
    assert_eq!(app.form.retries.value(), "9x");
    assert_eq!(app.form.timezone.value(), "Asia/Kolkata");
}

#[test]
fn templates_are_named_saved_listed_and_loaded_by_keys() {
    let mut app = with_phones(2);
    typed(&mut app, "Base");
    ctrl(&mut app, 't');
    assert!(matches!(app.modal, Some(Modal::SaveTemplate(..))));
    assert_eq!(app.scopes(), vec![Scope::Global, Scope::Modal]);
    typed(&mut app, "a/b");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "a bad name is refused"
    );
    assert!(matches!(&app.modal, Some(Modal::SaveTemplate(_, Some(_)))));
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "Mornings");
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::SaveTemplate { name, file }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(name, "Mornings");
    assert_eq!(file.batch_name.as_deref(), Some("Base"));
    assert!(app.modal.is_none());
    assert_eq!(
        app.form.name.value(),
        "Base",
        "typing in the dialog left the form alone"
    );

    assert_eq!(ctrl(&mut app, 'o'), vec![Cmd::ListTemplates]);
    update(
        &mut app,
        Msg::TemplatesListed(Ok(vec!["A".into(), "Mornings".into()])),
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
        Msg::TemplateLoaded {
            name: "Mornings".into(),
            result: Ok(file),
        },
    );
    assert_eq!(app.form.name.value(), "From template");
    assert_eq!(app.form.retries.value(), "7");
    assert!(
        matches!(cmds.as_slice(), [Cmd::SaveDraft { .. }]),
        "the loaded values are a change"
    );
}

#[test]
fn the_review_scrolls_to_its_end_and_no_further() {
    let mut app = on_review();
    update(&mut app, Msg::Resize(80, 24));
    for _ in 0..100 {
        key(&mut app, KeyCode::Down);
    }
    let screen = ratatui::layout::Rect::new(0, 0, 80, 24);
    let Screen::Review(review) = &app.screen else {
        panic!("on the review");
    };
    let max = crate::ui::review::max_scroll(&app, review, screen);
    assert!(max > 0, "at 80x24 the review is taller than the screen");
    assert_eq!(review.scroll, max);
    key(&mut app, KeyCode::Up);
    let Screen::Review(review) = &app.screen else {
        panic!("on the review");
    };
    assert_eq!(review.scroll, max - 1, "one ↑ moves back at once");
}

#[test]
fn the_help_scrolls_to_its_end_and_no_further() {
    let (mut app, _) = App::new(context());
    update(&mut app, Msg::Resize(80, 24));
    key(&mut app, KeyCode::F(1));
    for _ in 0..500 {
        key(&mut app, KeyCode::Down);
    }
    let max = crate::ui::help::max_scroll(app.help_field, ratatui::layout::Rect::new(0, 0, 80, 24));
    assert!(max > 0);
    assert_eq!(app.help_scroll, max);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.help_scroll, max - 1);
}
