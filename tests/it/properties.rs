//! Random operators: sequences of keys, pastes, resizes and clicks fed to the
//! real `update` and drawn at every step. Nothing may panic, no field may
//! change unless it was the one being typed into, and Ctrl-S must always
//! end on the review or on visible errors.

use crate::common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use weya_tui::api::{ApiError, Phone};
use weya_tui::form::{FieldId, validate};
use weya_tui::store::draft::Draft;
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::create::{CreateMsg, Screen};
use weya_tui::tui::{Msg, Shell as App, update};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn msg() -> impl Strategy<Value = Msg> {
    let codes = prop_oneof![
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::PageDown),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::F(1)),
        prop::sample::select(vec![
            ' ', '/', 'a', 'x', 'i', 'r', 'w', 's', '+', '-', '?', 'j', 'k', '9', ':', 'é', '👍',
            '🇮', 'N'
        ])
        .prop_map(KeyCode::Char),
    ];
    prop_oneof![
        8 => codes.prop_map(key),
        1 => Just(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))),
        1 => "[a-zA-Z0-9 :/\\n\\t😀-😂é]{0,40}".prop_map(Msg::Paste),
        1 => (0usize..3000).prop_map(|n| Msg::Paste("x".repeat(n))),
        1 => (20u16..300, 5u16..100).prop_map(|(w, h)| Msg::Resize(w, h)),
        1 => (0u16..300, 0u16..100).prop_map(|(column, row)| Msg::Click { column, row }),
    ]
}

/// The values that belong to fields other than `field`: they must not
/// change while `field` has focus. The draft holds every value the
/// operator can set.
fn others(draft: &Draft, field: FieldId) -> Draft {
    let mut v = draft.clone();
    match field {
        FieldId::Name => v.name.clear(),
        FieldId::Numbers => v.calling_numbers = std::sync::Arc::from([]),
        FieldId::Timezone => v.timezone.clear(),
        FieldId::WindowStart => v.window_start.clear(),
        FieldId::WindowEnd => v.window_end.clear(),
        FieldId::Days => v.days.clear(),
        FieldId::Retries => v.retries.clear(),
        FieldId::Delay => v.delay.clear(),
    }
    v
}

fn seeded_app() -> App {
    let (mut app, _) = App::new(common::context());
    let phones: Vec<Phone> =
        serde_json::from_str(include_str!("../../assets/sandbox-phones.json")).unwrap();
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(phones),
        }),
    );
    app
}

/// A fixed seed, so CI runs the same cases every time (a failure is a
/// regression, not bad luck); `PROPTEST_RNG_SEED` and `PROPTEST_CASES`
/// explore further: `PROPTEST_CASES=5000 PROPTEST_RNG_SEED=$RANDOM cargo test --test properties`.
fn config() -> ProptestConfig {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: env("PROPTEST_CASES").map_or(128, |n: u64| n as u32),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            env("PROPTEST_RNG_SEED").unwrap_or(20_261_128),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_operators_lose_nothing_and_break_nothing(steps in prop::collection::vec(msg(), 1..80)) {
        let mut app = seeded_app();
        update(&mut app, Msg::Resize(120, 40));
        // One terminal, as the app keeps one: a new one only when the size
        // changes. Every step is still drawn whole (a frame renders every
        // widget; only the flush skips unchanged cells).
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        for step in steps {
            if let Msg::Resize(w, h) = step {
                terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            }
            let focus = app.create.form.focus;
            let on_form = matches!(app.create.screen, Screen::Form);
            let ctrl_s = matches!(&step, Msg::Key(k) if k.code == KeyCode::Char('s') && k.modifiers == KeyModifiers::CONTROL);
            let click = matches!(step, Msg::Click { .. });
            let valid_before = validate(&app.create.form).is_ok();
            let before = Draft::of(&app.create.form);

            for cmd in update(&mut app, step) {
                // The network answers every submit with a 400 naming a field:
                // the form must come back intact.
                if let Cmd::Submit { request_id, .. } = cmd {
                    update(&mut app, Msg::Create(CreateMsg::SubmitFinished {
                        request_id,
                        result: Err(ApiError::Status {
                            status: 400,
                            message: Some("retry must be a non-negative whole number".into()),
                            request_id: None,
                            excerpt: None,
                            retry_after: None,
                        }),
                    }));
                }
            }

            let after = Draft::of(&app.create.form);
            // A click focuses the field it hits, and may toggle a row or a
            // day of it: that field is the one that may change.
            let focus = if click { app.create.form.focus } else { focus };
            prop_assert_eq!(others(&before, focus), others(&after, focus), "a field that was not focused changed");
            if on_form && ctrl_s && app.help.is_none() {
                if valid_before {
                    prop_assert!(matches!(app.create.screen, Screen::Review(_)), "a valid form opens the review");
                } else {
                    prop_assert!(matches!(app.create.screen, Screen::Form) && !app.create.form.errors.is_empty(), "an invalid form shows its errors");
                }
            }
            weya_tui::draw(&mut terminal, &app).unwrap();
        }
    }
}
