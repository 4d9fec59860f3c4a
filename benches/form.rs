//! What an operator would feel: filtering a large phone list, searching the
//! timezone database, drawing the whole form, and opening a batch file of
//! 20,000 phone IDs up to its review. Figures: BENCHMARKS.md.
// A test or bench that cannot set up should stop loudly; its screen
// positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::hint::black_box;

use chrono::TimeZone;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use weya_tui::api::Phone;
use weya_tui::form::phones::PhonePicker;
use weya_tui::form::timezone;
use weya_tui::tui::views::create::{CreateMsg, Screen};
use weya_tui::tui::{AppContext, Initial, Msg, Shell as App, TargetLabel, update};

fn phones(n: usize) -> Vec<Phone> {
    const INTEGRATIONS: [&str; 3] = ["twilio", "plivo", "telnyx"];
    const CITIES: [&str; 6] = [
        "New York", "London", "Mumbai", "Berlin", "Sydney", "Toronto",
    ];
    (0..n)
        .map(|i| Phone {
            id: format!("64e5f123{i:016x}"),
            phone_number: format!("{}{:010}", [1, 44, 91, 49][i % 4], 2_125_550_000 + i),
            integration: INTEGRATIONS[i % 3].to_owned(),
            label: format!("{} line {i}", CITIES[i % 6]),
        })
        .collect()
}

fn filter_phones(c: &mut Criterion) {
    let mut picker = PhonePicker::default();
    picker.finish_loading(Ok(phones(10_000)));
    let mut group = c.benchmark_group("filter 10,000 phones");
    for query in [
        "london",
        "+44 212",
        "telnyx mumbai",
        "64e5f1230000000000000fff",
        "",
    ] {
        group.bench_function(format!("{query:?}"), |b| {
            b.iter(|| {
                picker.filter.set(black_box(query));
                picker.apply_filter();
                black_box(picker.visible_len())
            });
        });
    }
    group.finish();
}

fn search_timezones(c: &mut Criterion) {
    // Built once at first use; measure the searches, not the build.
    black_box(timezone::zones());
    let mut group = c.benchmark_group("timezone search");
    for query in ["new york", "IST", "a", "europe/ber"] {
        group.bench_function(format!("{query:?}"), |b| {
            b.iter(|| black_box(timezone::search(black_box(query))).len());
        });
    }
    group.finish();
}

fn context() -> AppContext {
    AppContext {
        target: TargetLabel::Sandbox,
        default_timezone: "America/New_York".into(),
        local_timezone: "Asia/Kolkata".into(),
        started_at: chrono::Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap(),
        phone_book: Vec::new(),
        notice: None,
        known_batches: Vec::new(),
        can_list_batches: false,
        initial: None,
        color: true,
        refresh: weya_tui::tui::views::batches::DEFAULT_REFRESH,
        dialer_ignores_window: false,
        examples: Vec::new(),
        contact_hours: weya_tui::domain::local_time::ContactHours::default(),
        last_home: None,
        unfinished_imports: Vec::new(),
    }
}

fn app() -> App {
    let (mut app, _) = App::new(context());
    update(
        &mut app,
        Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(phones(10_000)),
        }),
    );
    app
}

/// The phone list arriving: every entry is built (its number formatted with
/// libphonenumber's data for the search text) on the UI loop, once a load.
fn phones_arrive(c: &mut Criterion) {
    let mut group = c.benchmark_group("the phone list arrives through update");
    for n in [100, 10_000] {
        let list = phones(n);
        group.bench_function(format!("{n} phones"), |b| {
            b.iter_batched(
                || (App::new(context()).0, list.clone()),
                |(mut app, list)| {
                    update(
                        &mut app,
                        Msg::Create(CreateMsg::PhonesLoaded {
                            generation: 1,
                            result: Ok(list),
                        }),
                    );
                    app
                },
                criterion::BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn redraw(c: &mut Criterion) {
    let app = app();
    let mut group = c.benchmark_group("full redraw of the form (10,000 phones)");
    for (w, h) in [(80, 24), (120, 40), (300, 100)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        group.bench_function(format!("{w}x{h}"), |b| {
            b.iter(|| {
                // A fresh buffer each time, so every cell is drawn and diffed.
                terminal.clear().unwrap();
                weya_tui::draw(&mut terminal, black_box(&app)).unwrap();
            });
        });
    }
    group.finish();
}

fn keystroke(c: &mut Criterion) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let mut group = c.benchmark_group("one keystroke through update (10,000 phones)");
    for (label, select_all) in [("none selected", false), ("all selected", true)] {
        let mut app = app();
        if select_all {
            update(&mut app, key(KeyCode::Tab));
            update(&mut app, key(KeyCode::Char('a')));
            update(&mut app, key(KeyCode::BackTab));
        }
        group.bench_function(label, |b| {
            b.iter(|| {
                // Type and erase a letter: the form changes, so the draft is
                // compared and a save is asked for each time.
                black_box(update(&mut app, key(KeyCode::Char('x'))));
                black_box(update(&mut app, key(KeyCode::Backspace)));
            });
        });
    }
    group.finish();
}

/// `--from` a file of 20,000 phone IDs: read and parse it, fill the form,
/// load a phone list of 1,000, check the form (Ctrl-S) and draw the review.
fn batch_file_to_review(c: &mut Criterion) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let ids: Vec<String> = (0..20_000).map(|i| format!("74e5f123{i:016x}")).collect();
    let file = serde_json::json!({
        "batchName": "Twenty thousand", "callingNumbers": ids, "retry": 2, "delay": 600,
        "timezone": "America/New_York", "callingHour": {"start": "09:00", "end": "17:00"},
        "allowedDays": [1, 2, 3, 4, 5],
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
    let list = phones(1_000);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function(
        "batch file of 20,000 IDs to the review, drawn at 120x40",
        |b| {
            b.iter(|| {
                let batch = weya_tui::store::template::read(&path).unwrap();
                let (mut app, _) = App::new(AppContext {
                    initial: Some(Initial::File(batch)),
                    ..context()
                });
                update(
                    &mut app,
                    Msg::Create(CreateMsg::PhonesLoaded {
                        generation: 1,
                        result: Ok(list.clone()),
                    }),
                );
                update(
                    &mut app,
                    Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
                );
                assert!(matches!(app.create.screen, Screen::Review(_)));
                weya_tui::draw(&mut terminal, &app).unwrap();
                black_box(app)
            });
        },
    );
}

criterion_group!(
    benches,
    filter_phones,
    search_timezones,
    phones_arrive,
    redraw,
    keystroke,
    batch_file_to_review
);
criterion_main!(benches);
