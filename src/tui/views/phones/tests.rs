use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::api::NetworkFailure;
use crate::store::phonebook::PhoneField;
use crate::tui::context::AppContext;
use crate::tui::shell::{Shell, update};
use crate::tui::widgets::DrawView;
use crate::tui::widgets::theme::Theme;

fn phone(id: u8, number: &str, label: &str) -> Phone {
    Phone {
        id: format!("64e5f12345abcdef000000{id:02}"),
        phone_number: number.into(),
        integration: "twilio".into(),
        label: label.into(),
    }
}

fn workspace() -> Vec<Phone> {
    vec![
        phone(1, "+14155550101", "Sales line"),
        phone(2, "+442071838750", "London desk"),
        phone(3, "+919876543210", ""),
    ]
}

fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

fn act(view: &mut PhonesView, action: Action) -> Vec<Cmd> {
    ViewModel::update(view, PhonesMsg::Input(Input::Action(action)), now())
}

/// The view as it is once both answers came: the workspace's three
/// numbers, the first and a number not in the workspace in the book.
fn loaded() -> PhonesView {
    let mut view = PhonesView::new();
    let msg = view.shown().unwrap();
    let Msg::Phones(msg) = msg else {
        panic!("{msg:?}")
    };
    let cmds = ViewModel::update(&mut view, msg, now());
    let [
        Cmd::FetchPhones { generation, .. },
        Cmd::ReadPhoneBook { .. },
        Cmd::ReadPhoneBook { .. },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    let generation = *generation;
    ViewModel::update(
        &mut view,
        PhonesMsg::Loaded {
            generation,
            result: Ok(workspace()),
        },
        now(),
    );
    ViewModel::update(
        &mut view,
        PhonesMsg::BookRead(Ok(vec![
            phone(1, "+14155550101", "Sales line"),
            phone(9, "+4930901820", "Berlin, kept by hand"),
        ])),
        now(),
    );
    view
}

#[test]
fn shown_it_fetches_both_and_answers_land_in_its_rows() {
    let view = loaded();
    let rows = view.rows();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].in_book && !rows[1].in_book && !rows[2].in_book);
    assert_eq!(view.only_in_book(), 1);
    assert!(!view.is_loading());
}

#[test]
fn a_stale_answer_is_dropped_and_r_fetches_again() {
    let mut view = loaded();
    let cmds = act(&mut view, Action::RetryLoad);
    let [
        Cmd::FetchPhones { generation, reply },
        Cmd::ReadPhoneBook { .. },
        Cmd::ReadPhoneBook { reply: form },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}");
    };
    // The form's picker reads the book again with this view: a number
    // added by `phones add` in another terminal is offered there too.
    assert_eq!(form.job, "phonebook.form");
    assert_eq!(
        reply.job, "phones.view",
        "its own job: the form's is not cut short"
    );
    assert!(view.is_loading());
    ViewModel::update(
        &mut view,
        PhonesMsg::Loaded {
            generation: generation - 1,
            result: Ok(Vec::new()),
        },
        now(),
    );
    assert_eq!(view.rows().len(), 3, "an older answer changes nothing");
    ViewModel::update(
        &mut view,
        PhonesMsg::Loaded {
            generation: *generation,
            result: Err(ApiError::Network {
                kind: NetworkFailure::Refused,
                host: "127.0.0.1".into(),
            }),
        },
        now(),
    );
    assert!(view.error().is_some());
    assert_eq!(view.rows().len(), 3, "a failed refresh keeps the list");
}

#[test]
fn the_arrows_move_within_the_rows_and_c_copies_the_phone_id() {
    let mut view = loaded();
    for _ in 0..5 {
        act(&mut view, Action::Down);
    }
    assert_eq!(view.selected(), 2, "stops at the last row");
    act(&mut view, Action::Up);
    assert_eq!(
        act(&mut view, Action::Copy),
        [Cmd::Copy("64e5f12345abcdef00000002".into())]
    );
    assert_eq!(
        view.notice(),
        Some("Copied the phone ID of +44 20 7183 8750.")
    );
}

/// Reached from the palette over the form: a home screen, where Esc
/// stays (issue 20: never back into the form's text); Ctrl-N leads back.
#[test]
fn the_palette_opens_it_and_ctrl_n_comes_back() {
    let (mut shell, _) = Shell::new(AppContext::for_tests());
    let key = |shell: &mut Shell, code, modifiers| {
        update(shell, Msg::Key(KeyEvent::new(code, modifiers)))
    };
    key(&mut shell, KeyCode::Char('p'), KeyModifiers::CONTROL);
    for c in "phones".chars() {
        key(&mut shell, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let cmds = key(&mut shell, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(shell.breadcrumb(), ["Phones"]);
    assert!(
        matches!(
            cmds.as_slice(),
            [
                Cmd::FetchPhones { .. },
                Cmd::ReadPhoneBook { .. },
                Cmd::ReadPhoneBook { .. }
            ]
        ),
        "{cmds:?}"
    );
    assert_eq!(
        shell.scopes(),
        [Scope::Global, Scope::Phones, Scope::Navigation]
    );
    key(&mut shell, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(shell.breadcrumb(), ["Phones"], "Esc stays");
    assert!(shell.note.is_some(), "and says how to quit");
    key(&mut shell, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert!(shell.top().is_none());
    assert_eq!(shell.breadcrumb(), ["New batch"]);
}

fn screen(view: &PhonesView, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| DrawView::draw(view, &Theme::new(false), f, f.area(), now()))
        .unwrap();
    crate::tui::testing::text_of(terminal.backend().buffer())
}

#[test]
fn phones_screens() {
    let view = loaded();
    insta::assert_snapshot!("phones_120x40", screen(&view, 120, 40));
    insta::assert_snapshot!("phones_80x24", screen(&view, 80, 24));
    insta::assert_snapshot!("phones_loading_80x24", screen(&PhonesView::new(), 80, 24));
}

/// A number registered here has its label only in the phone book; a long
/// number or label is cut with an ellipsis, never silently; a narrow
/// screen still shows the end of each phone ID (what `c` copies).
#[test]
fn the_books_label_fills_a_blank_one_and_nothing_is_cut_unmarked() {
    let mut view = loaded();
    ViewModel::update(
        &mut view,
        PhonesMsg::BookRead(Ok(vec![phone(
            3,
            "+919876543210",
            "Bengaluru, registered here",
        )])),
        now(),
    );
    assert_eq!(view.rows()[2].label, "Bengaluru, registered here");
    let generation = match view.shown() {
        Some(Msg::Phones(msg)) => match ViewModel::update(&mut view, msg, now()).as_slice() {
            [Cmd::FetchPhones { generation, .. }, ..] => *generation,
            cmds => panic!("{cmds:?}"),
        },
        other => panic!("{other:?}"),
    };
    let mut phones = workspace();
    phones.push(phone(
        4,
        &format!("+{}", "9".repeat(30)),
        &"long label ".repeat(12),
    ));
    ViewModel::update(
        &mut view,
        PhonesMsg::Loaded {
            generation,
            result: Ok(phones),
        },
        now(),
    );
    let narrow = screen(&view, 80, 24);
    assert!(narrow.contains("Bengaluru, registered here"), "{narrow}");
    assert!(
        narrow.contains(&format!("+{}… ", "9".repeat(18))),
        "{narrow}"
    );
    assert!(narrow.contains("long label long…"), "{narrow}");
    assert!(narrow.contains("…000004"), "{narrow}");
}

/// A refresh that fails keeps the list on screen and says why beside it,
/// with the request ID support asks for, as the campaign views do.
#[test]
fn a_failed_refresh_keeps_the_list_and_says_why_with_the_request_id() {
    let mut view = loaded();
    let generation = match view.shown() {
        Some(Msg::Phones(msg)) => match ViewModel::update(&mut view, msg, now()).as_slice() {
            [Cmd::FetchPhones { generation, .. }, ..] => *generation,
            cmds => panic!("{cmds:?}"),
        },
        other => panic!("{other:?}"),
    };
    ViewModel::update(
        &mut view,
        PhonesMsg::Loaded {
            generation,
            result: Err(ApiError::Status {
                status: 500,
                message: Some("boom".into()),
                request_id: Some("req-8723".into()),
                excerpt: None,
                retry_after: None,
            }),
        },
        now(),
    );
    assert_eq!(view.rows().len(), 3, "the list fetched before stays");
    let shown = screen(&view, 120, 40);
    assert!(shown.contains("+1 415-555-0101"), "{shown}");
    assert!(
        shown.contains("Not fetched again, the list is as before: HTTP 500 (the server failed): boom (request ID req-8723)"),
        "{shown}"
    );
}

/// A key as the shell hands it to the view: its action in the view's
/// scopes now, else typed text.
fn press(view: &mut PhonesView, code: KeyCode) -> Vec<Cmd> {
    let input = Input::key(KeyEvent::new(code, KeyModifiers::NONE), &view.scopes());
    ViewModel::update(view, PhonesMsg::Input(input), now())
}

fn type_text(view: &mut PhonesView, text: &str) {
    for c in text.chars() {
        press(view, KeyCode::Char(c));
    }
}

/// `n`, then the number, a label and the provider's two secrets, as an
/// operator fills the dialog: Enter sends add-phone once.
fn fill_and_send(view: &mut PhonesView) -> (u64, Box<crate::store::phonebook::NewPhone>) {
    press(view, KeyCode::Char('n'));
    assert!(view.adding().is_some(), "n opens the dialog");
    assert_eq!(view.scopes(), [Scope::NumbersAdd, Scope::Editing]);
    type_text(view, "+14155550199");
    press(view, KeyCode::Tab);
    assert_eq!(view.scopes(), [Scope::NumbersAdd, Scope::NumbersAddChoice]);
    press(view, KeyCode::Tab);
    type_text(view, "Night line");
    assert!(
        press(view, KeyCode::Enter).is_empty(),
        "nothing is sent without the provider's credentials"
    );
    assert!(view.adding().is_some_and(|d| !d.errors.is_empty()));
    assert_eq!(view.adding().unwrap().number.value(), "+14155550199");
    while view.adding().unwrap().focus != PhoneField::AuthToken {
        press(view, KeyCode::Tab);
    }
    type_text(view, "tok-secret-1234");
    press(view, KeyCode::Tab);
    type_text(view, "AC-secret-5678");
    let cmds = press(view, KeyCode::Enter);
    let [
        Cmd::AddPhone {
            request_id,
            new,
            reply,
        },
    ] = cmds.as_slice()
    else {
        panic!("expected one add-phone, got {cmds:?}");
    };
    assert_eq!(reply.job, "phones.add_phone");
    assert!(press(view, KeyCode::Enter).is_empty(), "sent once");
    (*request_id, new.clone())
}

fn registered(number: &str) -> Registered {
    let phone = phone(7, number, "Night line");
    Registered {
        answer: crate::api::AddedPhone {
            id: phone.id.clone(),
            user_id: String::new(),
            phone_number: number.into(),
            integration: "twilio".into(),
            created_at: String::new(),
        },
        phone,
        book: None,
    }
}

/// The add-phone of the form's picker, from the phones view: registered,
/// the dialog closes, the view says what the new phone ID is and fetches
/// the list again to show it.
#[test]
fn n_registers_a_number_and_the_list_is_fetched_to_show_it() {
    let mut view = loaded();
    let (request_id, new) = fill_and_send(&mut view);
    assert_eq!(new.registration.phone_number, "+14155550199");
    assert_eq!(new.label, "Night line");
    let shown = screen(&view, 120, 40);
    assert!(
        !shown.contains("tok-secret") && !shown.contains("AC-secret"),
        "the secrets are drawn masked:\n{shown}"
    );
    insta::assert_snapshot!("phones_add_sending_80x24", screen(&view, 80, 24));

    let cmds = ViewModel::update(
        &mut view,
        PhonesMsg::PhoneAdded {
            request_id,
            result: Ok(registered("+14155550199")),
        },
        now(),
    );
    assert!(
        view.adding().is_none(),
        "the dialog closes, its secrets with it"
    );
    // This view's list and book, and the form's book: the form offers the
    // number at once, not after a restart.
    let book_reads: Vec<&str> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::ReadPhoneBook { reply } => Some(reply.job),
            _ => None,
        })
        .collect();
    assert!(
        matches!(cmds.first(), Some(Cmd::FetchPhones { .. })),
        "{cmds:?}"
    );
    assert_eq!(book_reads, ["phonebook.view", "phonebook.form"], "{cmds:?}");
    assert_eq!(
        view.notice(),
        Some(
            "Registered +1 415-555-0199 (Night line) as phone ID 64e5f12345abcdef00000007: kept in phonebook.toml."
        )
    );
    assert_eq!(view.scopes(), [Scope::Phones], "the list's keys again");
}

/// Weya refuses: the dialog stays with everything typed and says why; Esc
/// closes it and nothing more is sent.
#[test]
fn a_refusal_keeps_the_dialog_as_typed_and_says_why() {
    let mut view = loaded();
    let (request_id, _) = fill_and_send(&mut view);
    let refused = AddPhoneError::Api(ApiError::Status {
        status: 400,
        message: Some("Invalid phone number format".into()),
        request_id: Some("req-41".into()),
        excerpt: None,
        retry_after: None,
    });
    let cmds = ViewModel::update(
        &mut view,
        PhonesMsg::PhoneAdded {
            request_id,
            result: Err(refused),
        },
        now(),
    );
    assert!(cmds.is_empty());
    let dialog = view.adding().expect("the dialog stays");
    assert_eq!(dialog.number.value(), "+14155550199");
    assert_eq!(dialog.label.value(), "Night line");
    assert!(dialog.sending.is_none(), "it can be sent again");
    let shown = screen(&view, 120, 40);
    assert!(
        shown.contains("✗ HTTP 400 (the server rejected the request): Invalid phone"),
        "{shown}"
    );
    insta::assert_snapshot!("phones_add_refused_120x40", shown);
    assert!(press(&mut view, KeyCode::Esc).is_empty());
    assert!(view.adding().is_none());
}

/// Esc while add-phone is on its way stops waiting, and says so; the
/// answer that comes later is still said, and the list fetched.
#[test]
fn an_answer_after_esc_is_still_said() {
    let mut view = loaded();
    let (request_id, _) = fill_and_send(&mut view);
    press(&mut view, KeyCode::Esc);
    assert!(view.adding().is_none());
    assert!(
        view.notice()
            .unwrap()
            .starts_with("Stopped waiting for add-phone")
    );
    let cmds = ViewModel::update(
        &mut view,
        PhonesMsg::PhoneAdded {
            request_id,
            result: Ok(registered("+14155550199")),
        },
        now(),
    );
    assert!(matches!(cmds.as_slice(), [Cmd::FetchPhones { .. }, ..]));
    assert!(
        view.notice()
            .unwrap()
            .starts_with("Registered +1 415-555-0199")
    );
}
