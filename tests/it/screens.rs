//! Every screen, drawn from a known state: insta snapshots at 80x24 and
//! 120x40, and cell-by-cell checks of the styles that carry meaning.

use crate::common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use common::screen_text;
use weya_tui::api::types::Pagination;
use weya_tui::api::{
    Action, ApiError, AuthMode, BatchDetails, BatchPage, BatchSummary, Created, Phone,
};
use weya_tui::connection::CredentialLabel;
use weya_tui::draw;
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::batches::details::DetailsMsg;
use weya_tui::tui::views::batches::list::ListMsg;
use weya_tui::tui::views::create::CreateMsg;
use weya_tui::tui::{AppContext, Msg, Shell as App, TargetLabel, update};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn seed_phones() -> Vec<Phone> {
    serde_json::from_str(include_str!("../../assets/sandbox-phones.json")).unwrap()
}

fn app_with(context: AppContext) -> App {
    let (mut app, _) = App::new(context);
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(seed_phones()),
        }),
    );
    app
}

fn app() -> App {
    app_with(common::context())
}

fn press(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Cmd> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Name typed, two numbers picked, focus back on the name.
fn filled() -> App {
    let mut app = app();
    type_text(&mut app, "May renewals");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    app
}

fn submitted(result: Result<Created, ApiError>) -> App {
    submitted_with_cmds(result).0
}

/// The app after the answer, and the commands the answer started.
fn submitted_with_cmds(result: Result<Created, ApiError>) -> (App, Vec<Cmd>) {
    let mut app = filled();
    ctrl(&mut app, 's');
    let cmds = press(&mut app, KeyCode::Enter);
    let [Cmd::Submit { request_id, .. }] = cmds.as_slice() else {
        panic!("expected one submit, got {cmds:?}");
    };
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: *request_id,
            result,
        }),
    );
    (app, cmds)
}

fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    draw(&mut terminal, app).unwrap();
    terminal
}

fn snapshot(name: &str, app: &App) {
    for (w, h) in SIZES {
        let terminal = render(app, w, h);
        let text = screen_text(terminal.backend());
        common::sizes::check_screen(name, w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

#[test]
fn form_empty() {
    snapshot("form_empty", &app());
}

#[test]
fn form_loading_and_failed_phone_list() {
    let (loading, _) = App::new(common::context());
    snapshot("form_loading", &loading);
    let mut failed = loading.clone();
    update(
        &mut failed,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Err(ApiError::Status {
                status: 404,
                message: Some("Route not found".into()),
                request_id: None,
                excerpt: None,
                retry_after: None,
            }),
        }),
    );
    snapshot("form_phones_failed", &failed);
}

#[test]
fn form_filled() {
    snapshot("form_filled", &filled());
}

#[test]
fn form_with_errors() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Mars/Base");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "18");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "6");
    ctrl(&mut app, 's');
    snapshot("form_errors", &app);
}

#[test]
fn review() {
    let mut app = filled();
    ctrl(&mut app, 's');
    snapshot("review", &app);
}

#[test]
fn result_created() {
    let app = submitted(Ok(Created {
        batch_id: "6650c0ffee0ddba11ab1e001".into(),
        request_id: Some("sbx-00000000000000aa".into()),
    }));
    snapshot("result_created", &app);
}

#[test]
fn result_refused_credential() {
    let mut context = common::context();
    context.target = TargetLabel::Remote {
        host: "api.weya.example".into(),
        base_url: "https://api.weya.example".into(),
        credentials: vec![
            CredentialLabel {
                mode: AuthMode::ApiKey,
                masked: "••••cdef".into(),
                source: "environment variable WEYA_API_KEY".into(),
            },
            CredentialLabel {
                mode: AuthMode::Bearer,
                masked: "••••9876".into(),
                source: "environment variable WEYA_TOKEN".into(),
            },
        ],
    };
    let mut app = app_with(context);
    type_text(&mut app, "May renewals");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    let cmds = press(&mut app, KeyCode::Enter);
    let [Cmd::Submit { request_id, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: *request_id,
            result: Err(ApiError::AuthRefused {
                status: 403,
                action: Action::CreateBatch,
                used: AuthMode::ApiKey,
                used_from: "environment variable WEYA_API_KEY".into(),
                message: Some("Invalid API key".into()),
                request_id: Some("req-9f2".into()),
                excerpt: None,
            }),
        }),
    );
    snapshot("result_403", &app);
}

#[test]
fn result_html_gateway_error() {
    let app = submitted(Err(ApiError::Status {
        status: 502,
        message: None,
        request_id: None,
        excerpt: Some("502 Bad Gateway".into()),
        retry_after: None,
    }));
    snapshot("result_502_html", &app);
}

#[test]
fn help_overlay() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    snapshot("help", &app);
}

#[test]
fn too_small() {
    let terminal = render(&app(), 50, 15);
    insta::assert_snapshot!("too_small_50x15", screen_text(terminal.backend()));
}

#[test]
fn focus_errors_and_cursor_are_styled_not_only_coloured() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    ctrl(&mut app, 's'); // focuses the name, with an error
    press(&mut app, KeyCode::Tab); // focus the numbers list
    let terminal = render(&app, 120, 40);
    let buffer = terminal.backend().buffer();
    let text = screen_text(terminal.backend());
    let row_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not on screen:\n{text}")) as u16
    };
    // Focus: the ▶ marker and a bold label.
    let focus_row = row_of("▶ Calling numbers");
    assert!(buffer[(3, focus_row)].modifier.contains(Modifier::BOLD));
    // Errors: bold, so NO_COLOR still tells them apart.
    let error_row = row_of("✗ Enter a batch name");
    let x = text
        .lines()
        .nth(error_row as usize)
        .unwrap()
        .find('✗')
        .unwrap() as u16;
    assert!(buffer[(x + 3, error_row)].modifier.contains(Modifier::BOLD));
    assert_eq!(
        buffer[(x + 3, error_row)].fg,
        Color::Reset,
        "no colour with color=false"
    );
    // The highlighted row of the focused list is reversed.
    let cursor_row = row_of("+1 212-555-0143");
    assert!(
        buffer[(25, cursor_row)]
            .modifier
            .contains(Modifier::REVERSED)
    );

    let mut colored = common::context();
    colored.color = true;
    let mut app = app_with(colored);
    ctrl(&mut app, 's');
    let terminal = render(&app, 120, 40);
    let text = screen_text(terminal.backend());
    let error_row = text
        .lines()
        .position(|l| l.contains("✗ Enter a batch name"))
        .unwrap() as u16;
    let x = text
        .lines()
        .nth(error_row as usize)
        .unwrap()
        .find('✗')
        .unwrap() as u16;
    assert_eq!(
        terminal.backend().buffer()[(x + 3, error_row)].fg,
        Color::Red
    );
}

#[test]
fn the_sandbox_badge_is_on_every_screen() {
    let mut review = filled();
    ctrl(&mut review, 's');
    let created = submitted(Ok(Created {
        batch_id: "6650c0ffee0ddba11ab1e001".into(),
        request_id: None,
    }));
    for app in [app(), filled(), review, created] {
        for (w, h) in SIZES {
            let text = screen_text(render(&app, w, h).backend());
            assert!(text.lines().next().unwrap().contains("SANDBOX"), "{text}");
        }
    }
}

#[test]
fn numbers_filter_being_typed() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "+44");
    snapshot("numbers_filtering", &app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('a'));
    snapshot("numbers_filter_kept", &app);
}

#[test]
fn numbers_id_typed_by_hand_with_an_error() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "64e5f1");
    press(&mut app, KeyCode::Enter);
    snapshot("numbers_manual_error", &app);
}

#[test]
fn numbers_with_a_phone_book_entry() {
    let mut context = common::context();
    context.phone_book = vec![Phone {
        id: "64e5f12345abcdef000000aa".into(),
        phone_number: "4940123456".into(),
        integration: String::new(),
        label: "Hamburg (my book)".into(),
    }];
    let mut app = app_with(context);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "hamburg");
    press(&mut app, KeyCode::Enter);
    snapshot("numbers_local", &app);
}

#[test]
fn timezone_matches_open() {
    let mut app = app();
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "ist");
    press(&mut app, KeyCode::Down);
    snapshot("timezone_matches", &app);
}

#[test]
fn timezone_found_by_the_name_people_use() {
    let mut app = app();
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "bombay");
    snapshot("timezone_by_city_alias", &app);
}

/// Retries 0: the delay is greyed and says it is not used or sent; a
/// letter typed in Retries is refused with a message under it.
#[test]
fn no_retries_grey_the_delay_and_a_letter_in_retries_is_refused() {
    let mut app = filled();
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.create.form.focus, weya_tui::form::FieldId::Retries);
    type_text(&mut app, "0x");
    snapshot("retries_zero_delay_unused", &app);

    let mut colored = common::context();
    colored.color = true;
    let mut app = app_with(colored);
    app.create.form.retries.set("0");
    let terminal = render(&app, 120, 40);
    let text = screen_text(terminal.backend());
    let row = text
        .lines()
        .position(|l| l.contains("Retry delay"))
        .unwrap();
    let x = text.lines().nth(row).unwrap().find("60").unwrap() as u16;
    assert_eq!(
        terminal.backend().buffer()[(x, row as u16)].fg,
        Color::DarkGray,
        "the unused delay is greyed"
    );
}

#[test]
fn field_help_on_f1() {
    let mut app = app();
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::F(1));
    snapshot("field_help_days", &app);
}

#[test]
fn result_unknown_outcome_found_in_the_list() {
    use weya_tui::api::{BatchSummary, NetworkFailure};
    let (mut app, cmds) = submitted_with_cmds(Err(ApiError::Network {
        kind: NetworkFailure::Dropped,
        host: "127.0.0.1:8080".into(),
    }));
    let found = BatchSummary {
        id: "6650c0ffee0ddba11ab1e002".into(),
        batch_name: "May renewals".into(),
        total_calls: Some(0),
        calls_picked: Some(0),
        calls_completed: Some(0),
        queue_status: "paused".into(),
        created_at: "2026-01-15T14:00:01.000Z".into(),
        updated_at: "2026-01-15T14:00:01.000Z".into(),
    };
    let lookup = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::WatchForBatch { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("an unknown outcome asks the batch list");
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: look(Ok(vec![found]), false),
        }),
    );
    snapshot("result_unknown_found", &app);
}

/// A look at the batch list as a watch answers it.
fn look(
    result: Result<Vec<weya_tui::api::BatchSummary>, ApiError>,
    conclusive: bool,
) -> weya_tui::create::Look {
    weya_tui::create::Look {
        result,
        conclusive,
        next_in: (!conclusive).then_some(std::time::Duration::from_secs(15)),
    }
}

/// A timeout: the list has no such batch yet, and is watched until the
/// request can no longer land; then a batch of the name whose date cannot
/// be compared; then, after the deadline, no such batch at all.
#[test]
fn result_unknown_watched_until_it_can_no_longer_land() {
    use weya_tui::api::{BatchSummary, NetworkFailure};
    let (mut app, cmds) = submitted_with_cmds(Err(ApiError::Network {
        kind: NetworkFailure::Timeout {
            after: std::time::Duration::from_secs(30),
        },
        host: "api.weya.example".into(),
    }));
    let lookup = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::WatchForBatch { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("an unknown outcome asks the batch list");
    let found = |batches| {
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: batches,
        })
    };
    update(&mut app, found(look(Ok(Vec::new()), false)));
    press(&mut app, KeyCode::Char('r'));
    snapshot("result_unknown_waiting", &app);
    let odd = BatchSummary {
        id: "6650c0ffee0ddba11ab1e002".into(),
        batch_name: "May renewals".into(),
        total_calls: Some(0),
        calls_picked: Some(0),
        calls_completed: Some(0),
        queue_status: "paused".into(),
        created_at: "2026-01-15 14:00:31".into(),
        updated_at: String::new(),
    };
    update(&mut app, found(look(Ok(vec![odd]), true)));
    snapshot("result_unknown_candidate", &app);
    let (mut app, _) = submitted_with_cmds(Err(ApiError::Network {
        kind: NetworkFailure::Dropped,
        host: "api.weya.example".into(),
    }));
    update(&mut app, found(look(Ok(Vec::new()), true)));
    snapshot("result_unknown_absent_after_the_deadline", &app);
}

#[test]
fn review_with_warnings() {
    let mut app = filled();
    press(&mut app, KeyCode::Tab); // timezone
    press(&mut app, KeyCode::Tab); // start
    type_text(&mut app, "7");
    press(&mut app, KeyCode::Tab); // end
    type_text(&mut app, "22");
    press(&mut app, KeyCode::Tab); // days
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Tab); // retries
    type_text(&mut app, "0");
    ctrl(&mut app, 's');
    snapshot("review_warnings", &app);
}

#[test]
fn result_rate_limited_and_refused() {
    let limited = submitted(Err(ApiError::Status {
        status: 429,
        message: Some("Too many requests".into()),
        request_id: Some("req-429".into()),
        excerpt: None,
        retry_after: Some(30),
    }));
    snapshot("result_429", &limited);
    let refused = submitted(Err(ApiError::Network {
        kind: weya_tui::api::NetworkFailure::Refused,
        host: "api.weya.example".into(),
    }));
    snapshot("result_refused", &refused);
}

#[test]
fn result_abandoned_while_the_first_send_runs() {
    let mut app = filled();
    app.create.request_timeout = std::time::Duration::from_secs(30);
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let cmds = press(&mut app, KeyCode::Esc);
    let lookup = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::WatchForBatch { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("the list is asked at once");
    update(
        &mut app,
        Msg::Create(CreateMsg::BatchesFound {
            request_id: lookup,
            look: look(Ok(Vec::new()), false),
        }),
    );
    press(&mut app, KeyCode::Char('r'));
    snapshot("result_abandoned_running", &app);
    // Back on the review, Enter waits for it too, and says so.
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 's');
    snapshot("review_first_send_running", &app);
}

#[test]
fn result_redirected_and_unreadable_success() {
    let redirected = submitted(Err(ApiError::Redirected {
        status: 307,
        location: "http://127.0.0.2:8080/api/call/createBatch".into(),
    }));
    snapshot("result_redirected", &redirected);
    let no_id = submitted(Err(ApiError::NoBatchId {
        status: 201,
        data: r#""abc""#.into(),
        request_id: Some("req-7".into()),
    }));
    snapshot("result_no_batch_id", &no_id);
}

#[test]
fn drafts_left_by_earlier_sessions_offered() {
    use weya_tui::store::draft::{Draft, LeftDraft};
    let left = |name: &str, file: &str, at: &str| {
        let mut form = weya_tui::form::Form::new("America/New_York");
        form.name.set(name);
        let mut draft = Draft::of(&form);
        draft.saved_at = at.into();
        LeftDraft {
            path: format!("/home/op/.local/state/weya-tui/{file}").into(),
            draft,
        }
    };
    let restored = left("June renewals", "draft-2.json", "2026-01-15T13:58:02Z");
    let mut context = common::context();
    context.initial = Some(weya_tui::tui::Initial::Draft(restored.draft.clone()));
    context.notice =
        Some("This session keeps its draft in /home/op/.local/state/weya-tui/draft-2.json.".into());
    let mut app = app_with(context);
    weya_tui::tui::views::create::files::offer_drafts(
        &mut app.create,
        restored,
        vec![
            left("Long careful work", "draft.json", "2026-01-15T11:20:45Z"),
            left("", "draft-3.json", "2026-01-14T09:00:00Z"),
        ],
    );
    press(&mut app, KeyCode::Down);
    snapshot("drafts_offered", &app);
}

#[test]
fn template_of_the_same_name_asks_before_replacing() {
    let mut app = filled();
    ctrl(&mut app, 't');
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplateSaved(Err(
            weya_tui::store::template::SaveError::Exists("May renewals".into()),
        ))),
    );
    snapshot("template_replace_asked", &app);
}

#[test]
fn draft_not_being_saved() {
    let mut app = filled();
    let seq = app.create.draft_seq;
    update(
        &mut app,
        Msg::Create(CreateMsg::DraftWritten {
            seq,
            result: Err("cannot write /home/op/.local/state/weya-tui/draft.json: No space left on device (os error 28)".into()),
        }),
    );
    snapshot("draft_not_saved", &app);
}

/// A batch file with a problem in nearly every field it gives.
const BAD_FILE: &str = r#"{
  "batchName": "May\u001b]2;PWNED-TITLE\u0007 renewals",
  "callingNumbers": ["64e5f12345abcdef87654321", "12125550143", "not-an-id"],
  "allowedDays": [1, 7],
  "retry": 12
}"#;

#[test]
fn form_from_a_file_opens_with_its_values_and_errors_beside_them() {
    let file = weya_tui::store::template::parse(
        BAD_FILE,
        weya_tui::store::template::Format::Json,
        "bad.json",
    )
    .unwrap();
    let mut context = common::context();
    context.initial = Some(weya_tui::tui::Initial::File(file));
    context.notice = Some("Filled from bad.json.".into());
    let app = app_with(context);
    // Nothing was changed to make a value valid.
    assert_eq!(
        app.create.form.name.value(),
        "May\u{1b}]2;PWNED-TITLE\u{7} renewals"
    );
    assert_eq!(
        app.create.form.numbers.selected_ids(),
        vec!["64e5f12345abcdef87654321", "12125550143", "not-an-id"]
    );
    assert_eq!(app.create.form.days.not_days(), &[7]);
    assert_eq!(app.create.form.retries.value(), "12");
    let fields: Vec<_> = app.create.form.errors.keys().copied().collect();
    use weya_tui::form::FieldId;
    assert_eq!(
        fields,
        [
            FieldId::Name,
            FieldId::Numbers,
            FieldId::Days,
            FieldId::Retries
        ]
    );
    assert_eq!(
        app.create.form.focus,
        FieldId::Name,
        "the first invalid field"
    );
    snapshot("form_from_bad_file", &app);
}

#[test]
fn invisible_characters_in_the_name_read_clearly_on_the_review_and_the_result() {
    let mut app = app();
    type_text(&mut app, "May\u{200B}renewals\u{FEFF}");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    snapshot("review_invisible_name", &app);
    let text = screen_text(render(&app, 120, 40).backend());
    assert!(text.contains("May⟨U+200B⟩renewals⟨U+FEFF⟩"), "{text}");
    assert!(
        text.contains(r#""batchName": "May\u200brenewals\ufeff""#),
        "{text}"
    );
    assert!(text.contains("U+FEFF ZERO WIDTH NO-BREAK SPACE"), "{text}");

    let cmds = press(&mut app, KeyCode::Enter);
    let [Cmd::Submit { request_id, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    update(
        &mut app,
        Msg::Create(CreateMsg::SubmitFinished {
            request_id: *request_id,
            result: Ok(Created {
                // The server's word, whatever it holds.
                batch_id: "\u{1b}]2;PWNED\u{7}".into(),
                request_id: None,
            }),
        }),
    );
    let text = screen_text(render(&app, 80, 24).backend());
    assert!(text.contains("May⟨U+200B⟩renewals⟨U+FEFF⟩"), "{text}");
    assert!(text.contains("⟨U+001B⟩]2;PWNED⟨U+0007⟩"), "{text}");
}

#[test]
fn a_bidi_override_in_the_name_is_a_field_error_naming_it() {
    let mut app = app();
    type_text(&mut app, "evil\u{202E}txt.exe");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 's');
    assert!(
        matches!(
            app.create.screen,
            weya_tui::tui::views::create::Screen::Form
        ),
        "not sent"
    );
    let error = &app.create.form.errors[&weya_tui::form::FieldId::Name];
    assert!(
        error.contains("U+202E RIGHT-TO-LEFT OVERRIDE at character 5"),
        "{error}"
    );
    let text = screen_text(render(&app, 120, 40).backend());
    assert!(text.contains("evil⟨U+202E⟩txt.exe"), "{text}");
}

#[test]
fn hostile_phone_labels_are_shown_not_obeyed() {
    let mut context = common::context();
    context.phone_book = vec![Phone {
        id: "64e5f12345abcdef8765432f".into(),
        phone_number: "12125550100".into(),
        integration: "twilio".into(),
        label: "\u{1b}]2;PWNED-TITLE\u{7}\u{1b}[2J\u{9b}1m".into(),
    }];
    let mut app = app_with(context);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    let text = screen_text(render(&app, 120, 40).backend());
    assert!(text.contains("⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩"), "{text}");
}

#[test]
fn a_hostile_error_message_is_shown_not_obeyed() {
    let app = submitted(Err(ApiError::Status {
        status: 400,
        message: Some("bad \u{1b}]2;PWNED\u{7}\u{1b}[2J name".into()),
        request_id: Some("req-\u{9b}1m".into()),
        excerpt: None,
        retry_after: None,
    }));
    let text = screen_text(render(&app, 80, 24).backend());
    assert!(
        text.contains("⟨U+001B⟩]2;PWNED⟨U+0007⟩⟨U+001B⟩[2J name"),
        "{text}"
    );
    assert!(text.contains("req-⟨U+009B⟩1m"), "{text}");
}

#[test]
fn sending_counts_the_seconds_from_the_time_handed_in() {
    let mut app = filled();
    ctrl(&mut app, 's');
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [Cmd::Submit { .. }]), "{cmds:?}");
    let sent = common::context().started_at;
    update(
        &mut app,
        Msg::Clock(sent + chrono::Duration::milliseconds(2_400)),
    );
    snapshot("sending", &app);
}

#[test]
fn the_command_palette_over_the_form() {
    let mut app = filled();
    ctrl(&mut app, 'p');
    type_text(&mut app, "batch");
    snapshot("palette_batch", &app);
}

#[test]
fn a_paste_into_the_palette_is_its_query_first_line_only() {
    let mut typed = filled();
    ctrl(&mut typed, 'p');
    type_text(&mut typed, "batch");
    let mut pasted = filled();
    ctrl(&mut pasted, 'p');
    let everything = pasted.palette.as_ref().unwrap().matches.len();
    update(&mut pasted, Msg::Paste("batch\nlist".into()));
    let palette = pasted.palette.as_ref().unwrap();
    assert_eq!(palette.query(), "batch");
    assert!(palette.matches.len() < everything, "the paste refilters");
    assert_eq!(palette.matches, typed.palette.as_ref().unwrap().matches);
    assert_eq!(
        screen_text(render(&pasted, 80, 24).backend()),
        screen_text(render(&typed, 80, 24).backend()),
        "pasting the word shows what typing it shows"
    );
    assert_eq!(
        pasted.create.form.name.value(),
        "May renewals",
        "the paste went to the palette, not to the field under it"
    );
}

#[test]
fn a_paste_into_the_palette_loses_its_control_characters() {
    let mut app = filled();
    ctrl(&mut app, 'p');
    update(
        &mut app,
        Msg::Paste("\u{1b}[2Jbat\u{1b}]2;PWNED\u{7}ch\u{9b}\tx\rmore".into()),
    );
    let query = app.palette.as_ref().unwrap().query();
    // Whole sequences go (a clear-screen, a window title, a C1 CSI), not
    // just their ESC: nothing of them is left in the query.
    assert_eq!(query, "batch x");
    let text = screen_text(render(&app, 80, 24).backend());
    assert!(text.contains("› batch x"), "{text}");
    // What went is said under the query, in the form's words.
    assert!(
        text.contains("Removed 3 terminal escape sequences from the paste"),
        "{text}"
    );
}

fn campaign_batch(n: u64, name: &str, status: &str, done: u64) -> BatchSummary {
    BatchSummary {
        id: format!("64e5f12345abcdef9876{n:04x}"),
        batch_name: name.to_owned(),
        total_calls: Some(40),
        calls_picked: Some(done + 3),
        calls_completed: Some(done),
        queue_status: status.to_owned(),
        created_at: format!("2026-01-1{n}T09:30:00.000Z"),
        updated_at: "2026-01-15T13:58:00.000Z".to_owned(),
    }
}

/// The app on the batch list (Ctrl-B) at `w`x`h`, its first page
/// answered, drawn once before so the page fits the screen as it would.
fn on_the_batch_list(w: u16, h: u16) -> App {
    let mut app = filled();
    render(&app, w, h);
    let cmds = ctrl(&mut app, 'b');
    let [Cmd::FetchBatches { generation, .. }] = cmds.as_slice() else {
        panic!("Ctrl-B fetches the list: {cmds:?}")
    };
    let page = BatchPage {
        batches: vec![
            campaign_batch(5, "June renewals", "active", 17),
            campaign_batch(4, "Appointment confirmations", "paused", 0),
            campaign_batch(3, "Payment reminders", "stopped", 9),
            campaign_batch(2, "Welcome calls", "completed", 40),
        ],
        pagination: Pagination {
            total: 4,
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

#[test]
fn the_batch_list_in_the_app() {
    for (w, h) in SIZES {
        let app = on_the_batch_list(w, h);
        let terminal = render(&app, w, h);
        let text = screen_text(terminal.backend());
        common::sizes::check_screen("batch_list", w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

#[test]
fn the_batch_details_in_the_app() {
    for (w, h) in SIZES {
        let mut app = on_the_batch_list(w, h);
        let cmds = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        let [
            Cmd::FetchCalls {
                generation,
                batch_id,
                ..
            },
        ] = cmds.as_slice()
        else {
            panic!("Enter opens the details: {cmds:?}")
        };
        let calls: Vec<serde_json::Value> = (0..6)
            .map(|i| {
                let logs = if i < 3 {
                    serde_json::json!([{"callStatus": (["completed", "no-answer", "busy"][i]),
                        "callDuration": 40 + i * 7, "createdAt": "2026-01-15T13:50:00.000Z"}])
                } else {
                    serde_json::json!([])
                };
                serde_json::json!({
                    "_id": format!("6789000000000000000000{i:02}"),
                    "phoneNumber": format!("1212555{:04}", 120 + i),
                    "name": (["Mei Chen", "Luis Ortega", "Kate O'Neill", "Jonas Berg", "Isha Rao", "Ana Silva"][i]),
                    "plan": "Premium",
                    "phoneLogs": logs,
                    "createdAt": "2026-01-15T09:30:00.000Z",
                })
            })
            .collect();
        let details: BatchDetails = serde_json::from_value(serde_json::json!({
            "batchName": "June renewals",
            "batchStatus": "active",
            "batchId": batch_id,
            "data": calls,
            "limit": 20,
            // As many as the list said (40): the header now follows it.
            "total": 40,
            "page": 1,
            "totalPages": 2,
        }))
        .unwrap();
        update(
            &mut app,
            Msg::BatchDetails {
                batch_id: batch_id.clone(),
                msg: DetailsMsg::CallsLoaded {
                    generation: *generation,
                    result: Ok(details),
                },
            },
        );
        assert_eq!(app.breadcrumb(), ["Batches", "June renewals"]);
        let terminal = render(&app, w, h);
        let text = screen_text(terminal.backend());
        common::sizes::check_screen("batch_details", w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

#[test]
fn a_long_batch_name_in_the_header_is_cut_before_the_target() {
    for (w, h) in SIZES {
        let mut app = app();
        let name = "Quarterly renewals for the northern region ".repeat(3);
        // Opened from the list, under it in the breadcrumb.
        app.open(weya_tui::tui::msg::Route::Batches);
        app.open_batch(campaign_batch(1, &name, "paused", 0));
        let terminal = render(&app, w, h);
        let screen = screen_text(terminal.backend());
        let header = screen.lines().next().unwrap();
        assert!(
            header.contains("Batches › Quarterly") && header.ends_with("… SANDBOX"),
            "{header}"
        );
    }
}

#[test]
fn a_batch_id_longer_than_a_screen_is_cut_not_an_overflow() {
    let (app, _) = submitted_with_cmds(Ok(Created {
        batch_id: "7".repeat(usize::from(u16::MAX) - 1),
        request_id: None,
    }));
    let text = screen_text(render(&app, 80, 24).backend());
    assert!(text.contains("✓ Batch created"), "{text}");
    assert!(text.contains("7777777777"), "{text}");
}

/// What the footer says at 80 columns with `field` focused.
fn footer_at_80(app: &App) -> String {
    let terminal = render(app, 80, 24);
    screen_text(terminal.backend())
        .lines()
        .last()
        .unwrap()
        .to_owned()
}

#[test]
fn at_80_columns_the_footer_keeps_the_fields_own_keys_then_ctrl_s() {
    let mut app = app();
    // Each field in Tab order, with the keys of its own that must show.
    let fields: [(&str, &[&str]); 8] = [
        ("Batch name", &[]),
        // Issue 20: Ctrl-P and Ctrl-B took the room of `a all` and `x
        // none` here (the palette lists the field's keys first).
        ("Calling numbers", &["Space select", "/ filter"]),
        ("Timezone", &["Enter take", "Esc undo"]),
        ("Calling window start", &["↑ +15 min", "↓ −15 min"]),
        ("Calling window end", &["↑ +15 min", "↓ −15 min"]),
        ("Allowed days", &["Space toggle"]),
        ("Retries", &["+ more", "- less"]),
        ("Retry delay", &["+ more", "- less"]),
    ];
    for (field, own) in fields {
        let footer = footer_at_80(&app);
        let review = footer
            .find("Ctrl-S review")
            .unwrap_or_else(|| panic!("{field}: no Ctrl-S in {footer:?}"));
        for keys in own {
            let at = footer
                .find(keys)
                .unwrap_or_else(|| panic!("{field}: no {keys:?} in {footer:?}"));
            assert!(at < review, "{field}: {keys:?} before Ctrl-S in {footer:?}");
        }
        // Issue 20: the way to every command and to the batch list stay
        // at every size.
        assert!(
            footer.ends_with("F1 help  Ctrl-P commands  Ctrl-B batches"),
            "{field}: {footer:?}"
        );
        press(&mut app, KeyCode::Tab);
    }
}

#[test]
fn template_dialog_previews_and_asks_before_deleting() {
    use weya_tui::store::template::BatchFile;
    use weya_tui::tui::views::create::TemplateEntry;
    let mut app = filled();
    ctrl(&mut app, 'o');
    let file = |name: &str, numbers: usize| {
        Ok(BatchFile {
            batch_name: Some(name.into()),
            calling_numbers: Some(vec!["64e5f12345abcdef87654321".into(); numbers]),
            retry: Some(2),
            delay: Some(1800),
            timezone: Some("Europe/London".into()),
            calling_hour: Some(weya_tui::api::CallingHour {
                start: "10:00".into(),
                end: "19:30".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5, 6]),
        })
    };
    update(
        &mut app,
        Msg::Create(CreateMsg::TemplatesListed(Ok(vec![
            TemplateEntry {
                name: "UK evenings".into(),
                file: file("UK evenings – December", 12),
            },
            TemplateEntry {
                name: "Broken".into(),
                file: Err("not a batch file: expected value at line 1 column 1".into()),
            },
        ]))),
    );
    snapshot("template_preview", &app);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT)),
    );
    snapshot("template_delete_asked", &app);
}

#[test]
fn numbers_reload_failed_with_rows_on_show() {
    let mut app = filled();
    while app.create.form.focus != weya_tui::form::FieldId::Numbers {
        press(&mut app, KeyCode::Tab);
    }
    let cmds = press(&mut app, KeyCode::Char('r'));
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
    snapshot("numbers_reload_failed", &app);
}

/// The line of the screen that starts (after borders) with `prefix`.
fn line_with<'a>(screen: &'a str, prefix: &str) -> &'a str {
    screen
        .lines()
        .map(|l| {
            l.trim_start_matches([' ', '│'])
                .trim_end_matches([' ', '│'])
        })
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?} in\n{screen}"))
}

#[test]
fn readline_keys_edit_the_name_typed_in_the_delete_dialog() {
    let mut app = on_the_batch_list(80, 24);
    type_text(&mut app, "D");
    type_text(&mut app, "example: welcome calls");
    let typed = |app: &App| {
        let screen = screen_text(render(app, 80, 24).backend());
        line_with(&screen, "> ").to_owned()
    };
    assert_eq!(typed(&app), "> example: welcome calls▏");
    ctrl(&mut app, 'w');
    assert_eq!(typed(&app), "> example: welcome ▏", "Ctrl-W takes a word");
    ctrl(&mut app, 'u');
    assert_eq!(typed(&app), "> ▏", "Ctrl-U clears to the start");
    type_text(&mut app, "une renewal");
    press(&mut app, KeyCode::Home);
    type_text(&mut app, "J");
    assert_eq!(
        typed(&app),
        "> J▏une renewal",
        "the cursor is drawn where it is"
    );
    press(&mut app, KeyCode::End);
    type_text(&mut app, "x");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Right);
    assert_eq!(typed(&app), "> June renewax▏");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "ls");
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::DeleteBatch { .. })),
        "the name as edited deletes: {cmds:?}"
    );
}

#[test]
fn readline_keys_edit_the_palette_query_and_its_cursor_is_drawn_where_it_is() {
    let mut app = filled();
    ctrl(&mut app, 'p');
    let query = |app: &App| app.palette.as_ref().unwrap().query().to_owned();
    type_text(&mut app, "start");
    ctrl(&mut app, 'u');
    type_text(&mut app, "suspend");
    assert_eq!(query(&app), "suspend", "Ctrl-U cleared what was typed");
    press(&mut app, KeyCode::Home);
    type_text(&mut app, "to ");
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    assert_eq!(query(&app), "to suspend");
    let terminal = render(&app, 80, 24);
    let screen = screen_text(terminal.backend());
    let row = screen
        .lines()
        .position(|l| l.contains("› to suspend"))
        .unwrap();
    let line = screen.lines().nth(row).unwrap();
    let column = line[..line.find("nd").unwrap()].chars().count();
    let cell = &terminal.backend().buffer()[(column as u16, row as u16)];
    assert_eq!(cell.symbol(), "n");
    assert!(
        cell.modifier.contains(Modifier::REVERSED),
        "the cursor is on the n, two from the end"
    );
    ctrl(&mut app, 'w');
    assert_eq!(
        query(&app),
        "to nd",
        "Ctrl-W takes the word before the cursor"
    );
    press(&mut app, KeyCode::Right);
    type_text(&mut app, "!");
    assert_eq!(query(&app), "to n!d");
}

/// The app on the calls of "June renewals" at `w`x`h`, showing `numbers`.
fn on_the_calls(w: u16, h: u16, numbers: &[&str]) -> App {
    let mut app = on_the_batch_list(w, h);
    let cmds = press(&mut app, KeyCode::Enter);
    let [
        Cmd::FetchCalls {
            generation,
            batch_id,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("Enter opens the details: {cmds:?}")
    };
    let calls: Vec<serde_json::Value> = numbers
        .iter()
        .enumerate()
        .map(|(i, number)| {
            serde_json::json!({
                "_id": format!("6789000000000000000000{i:02}"),
                "phoneNumber": number,
                "phoneLogs": [{"callStatus": "in-progress", "callDuration": 3725,
                    "createdAt": "2026-01-15T13:50:00.000Z"}],
                "createdAt": "2026-01-15T09:30:00.000Z",
            })
        })
        .collect();
    let details: BatchDetails = serde_json::from_value(serde_json::json!({
        "batchName": "June renewals",
        "batchStatus": "active",
        "batchId": batch_id,
        "data": calls,
        "limit": 20,
        "total": numbers.len(),
        "page": 1,
        "totalPages": 1,
    }))
    .unwrap();
    update(
        &mut app,
        Msg::BatchDetails {
            batch_id: batch_id.clone(),
            msg: DetailsMsg::CallsLoaded {
                generation: *generation,
                result: Ok(details),
            },
        },
    );
    app
}

#[test]
fn numbers_in_the_calls_table_are_whole_in_international_format_at_60_columns() {
    let numbers = [
        "353851234567",
        "12125550123",
        "447911123456",
        "919876543210",
    ];
    let shown = [
        "+353 85 123 4567",
        "+1 212-555-0123",
        "+44 7911 123456",
        "+91 98765 43210",
    ];
    for (w, h) in [(60, 20), (80, 24), (120, 40)] {
        let app = on_the_calls(w, h, &numbers);
        let screen = screen_text(render(&app, w, h).backend());
        for number in shown {
            assert!(
                screen.lines().any(|l| l.trim_start().starts_with(number)),
                "{number} whole at {w}x{h}:\n{screen}"
            );
        }
        assert!(screen.contains("in-progress"), "{screen}");
        // A narrowed column takes a short header, not a cut word.
        let heads = screen.lines().find(|l| l.contains("Phone")).unwrap();
        for word in heads.split_whitespace() {
            let cut = ["Status", "Duration", "Attempts"].iter().any(|long| {
                long.starts_with(word) && *long != word && !["St", "Dur"].contains(&word)
            });
            assert!(!cut, "{w}x{h}: {word:?} in {heads}");
        }
    }
}

#[test]
fn no_line_of_the_form_is_cut_without_an_ellipsis_at_60_columns() {
    let app = app();
    let screen = screen_text(render(&app, 60, 20).backend());
    // The footer's last hint (Ctrl-B batches) ends at the edge, whole.
    let lines: Vec<&str> = screen.lines().collect();
    let (footer, body) = lines.split_last().unwrap();
    assert!(footer.ends_with("Ctrl-B batches"), "{footer}");
    for line in body.iter().filter(|l| l.chars().count() >= 59) {
        assert!(
            line.trim_end().ends_with('…') || line.chars().count() < 60,
            "cut at the edge without an ellipsis: {line:?}\n{screen}"
        );
    }
    assert!(
        screen.contains("UTC · …") || !screen.contains("UTC · 1"),
        "{screen}"
    );
}

#[test]
fn a_number_too_long_for_the_screen_is_cut_with_an_ellipsis() {
    let long = "9".repeat(40);
    let app = on_the_calls(60, 20, &[&long]);
    let screen = screen_text(render(&app, 60, 20).backend());
    assert!(
        screen
            .lines()
            .any(|l| l.trim_start().starts_with("+999") && l.contains("9…")),
        "{screen}"
    );
}

#[test]
fn the_palette_over_the_batch_list_cuts_long_rows_with_an_ellipsis() {
    let mut app = on_the_batch_list(80, 24);
    ctrl(&mut app, 'p');
    let terminal = render(&app, 80, 24);
    let screen = screen_text(terminal.backend());
    let refresh = line_with(&screen, "Refresh now");
    assert!(refresh.ends_with("…  r"), "{refresh}");
    insta::assert_snapshot!("palette_batches_80x24", screen);
}

#[test]
fn a_paste_that_loses_control_characters_says_so() {
    let mut app = app();
    update(&mut app, Msg::Paste("Line two\u{1b}[31m red".into()));
    assert_eq!(app.create.form.name.value(), "Line two red");
    let screen = screen_text(render(&app, 80, 24).backend());
    assert!(
        screen.contains("Removed 1 terminal escape sequence from the paste"),
        "{screen}"
    );
    // A clean paste says nothing.
    let mut clean = self::app();
    update(&mut clean, Msg::Paste("Line two red".into()));
    assert_eq!(clean.create.notice, None);
}

#[test]
fn numbers_add_dialog_masks_the_secrets_and_says_what_is_wrong_in_place() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('n'));
    snapshot("numbers_add_empty", &app);
    type_text(&mut app, "415 555");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Night line");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "tok-secret-1234");
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty(), "nothing is sent: {cmds:?}");
    snapshot("numbers_add_errors", &app);
    for (w, h) in SIZES {
        let screen = screen_text(render(&app, w, h).backend());
        assert!(!screen.contains("tok-secret"), "{screen}");
        assert!(screen.contains("•••••••••••••••"), "{screen}");
    }

    // Fixed (the focus went to the first wrong field): Enter sends the
    // request off the UI loop, once.
    ctrl(&mut app, 'u');
    type_text(&mut app, "14155550199");
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "AC-secret-5678");
    let cmds = press(&mut app, KeyCode::Enter);
    let [
        Cmd::AddPhone {
            request_id, new, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("expected one add-phone, got {cmds:?}");
    };
    assert_eq!(new.registration.phone_number, "14155550199");
    assert_eq!(new.label, "Night line");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "sent once");
    snapshot("numbers_add_sending", &app);

    let phone = Phone {
        id: "64e5f12345abcdef000000ee".into(),
        phone_number: "14155550199".into(),
        integration: "twilio".into(),
        label: "Night line".into(),
    };
    let registered = weya_tui::store::phonebook::Registered {
        phone: phone.clone(),
        answer: weya_tui::api::AddedPhone {
            id: phone.id.clone(),
            user_id: String::new(),
            phone_number: phone.phone_number.clone(),
            integration: phone.integration.clone(),
            created_at: String::new(),
        },
        book: None,
    };
    let cmds = update(
        &mut app,
        Msg::Create(CreateMsg::PhoneAdded {
            request_id: *request_id,
            result: Ok(registered),
        }),
    );
    assert!(
        matches!(cmds.as_slice(), [Cmd::FetchPhones { .. }, ..]),
        "{cmds:?}"
    );
    assert_eq!(
        app.create.form.numbers.selected_ids(),
        vec![phone.id.clone()]
    );
    snapshot("numbers_added", &app);
}

/// Issue 20: at 60x20 every sandbox example read "Example: …" on the list
/// and the days were cut at "Th…", hiding a checked Saturday. Narrow
/// screens give the names the room (the bar and the times go) and show
/// every day's state in a compact form.
#[test]
fn at_60x20_names_come_first_and_every_days_state_shows() {
    let mut app = filled();
    render(&app, 60, 20);
    let cmds = ctrl(&mut app, 'b');
    let [Cmd::FetchBatches { generation, .. }] = cmds.as_slice() else {
        panic!("Ctrl-B fetches the list: {cmds:?}")
    };
    let names = [
        "Example: Welcome calls (every day, any hour)",
        "Example: Payment reminders",
        "Example: Appointment confirmations",
        "Example: June renewals",
    ];
    let page = BatchPage {
        batches: names
            .iter()
            .zip([
                ("paused", 0),
                ("active", 12),
                ("stopped", 10),
                ("completed", 33),
            ])
            .enumerate()
            .map(|(n, (name, (status, done)))| {
                campaign_batch(u64::try_from(n).unwrap(), name, status, done)
            })
            .collect(),
        pagination: Pagination {
            total: 4,
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
    let list = screen_text(render(&app, 60, 20).backend());
    for name in &names[1..] {
        assert!(list.contains(name), "{name} whole in:\n{list}");
    }
    assert!(
        list.contains("Example: Welcome calls (every day…"),
        "{list}"
    );
    insta::assert_snapshot!("batch_list_60x20", list);

    // The form, Saturday allowed besides the weekdays.
    ctrl(&mut app, 'n');
    app.create.form.days.set(&[1, 2, 3, 4, 5, 6]);
    let form = screen_text(render(&app, 60, 20).backend());
    let days = line_with(&form, "Allowed days");
    assert!(
        days.contains("[Fr] [Sa]"),
        "a checked Saturday shows: {days}"
    );
    assert!(
        days.contains(" Su "),
        "an unchecked Sunday shows too: {days}"
    );
    insta::assert_snapshot!("form_60x20", form);
    // A click on a compact day toggles that day, as on a wide screen.
    let (row, line) = form
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Allowed days"))
        .unwrap();
    let column = line
        .find(" Su ")
        .map(|at| line[..at + 1].chars().count())
        .unwrap();
    update(
        &mut app,
        Msg::Click {
            column: u16::try_from(column).unwrap(),
            row: u16::try_from(row).unwrap(),
        },
    );
    assert!(app.create.form.days.is_on(0), "a click on Su allows Sunday");
}

/// The help's section titles, in order, as drawn on `screen`.
fn help_sections(app: &App) -> Vec<String> {
    let order = weya_tui::tui::widgets::help::sections(&app.help.as_ref().unwrap().scopes);
    order.iter().map(|s| s.title().to_owned()).collect()
}

/// Issue 19: `?` on the batch list or a batch's calls opened the keys of
/// anywhere, then the form's; the screen's own section was far below. It
/// opens on the screen's own keys, then those of anywhere.
#[test]
fn help_opens_on_the_keys_of_the_screen_it_is_opened_on() {
    for (w, h) in SIZES {
        let mut app = on_the_batch_list(w, h);
        press(&mut app, KeyCode::Char('?'));
        let sections = help_sections(&app);
        assert_eq!(sections[0], "Batch list", "{sections:?}");
        let text = screen_text(render(&app, w, h).backend());
        let first = text
            .lines()
            .find(|l| l.contains("Batch list") || l.contains("Anywhere") || l.contains("Form"))
            .unwrap();
        assert!(first.contains("Batch list"), "{first}\n{text}");
        common::sizes::check_screen("help_batches", w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });

        press(&mut app, KeyCode::Esc);
        let cmds = press(&mut app, KeyCode::Enter);
        let [Cmd::FetchCalls { batch_id, .. }] = cmds.as_slice() else {
            panic!("Enter opens the details: {cmds:?}")
        };
        assert_eq!(app.breadcrumb(), ["Batches", "June renewals"], "{batch_id}");
        press(&mut app, KeyCode::Char('?'));
        let sections = help_sections(&app);
        assert_eq!(
            sections[..3],
            ["Batch details", "A view opened over another", "Anywhere"],
            "{sections:?}"
        );
        let text = screen_text(render(&app, w, h).backend());
        common::sizes::check_screen("help_calls", w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}
