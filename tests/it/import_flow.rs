//! The import inside the app: the real shell on a TestBackend with scripted
//! keys, against the embedded sandbox over loopback HTTP. A batch is
//! created, `i` on its result opens the import, and the contacts land in
//! the batch. Its steps drawn inside the shell: insta snapshots at 80x24
//! and 120x40.

use crate::common;

use std::path::Path;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Harness, object_id_in, screen_text};
use weya_tui::api::{CallQuery, WeyaClient};
use weya_tui::sandbox::Sandbox;
use weya_tui::tui::Shell;
use weya_tui::tui::views::View;
use weya_tui::tui::views::create::Screen;
use weya_tui::tui::views::import::{Comparing, ImportView, SendPhase, Step};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn fixtures() -> String {
    // Relative to the checkout (where cargo runs the tests): the screen
    // then shows the same path wherever the checkout is.
    "tests/fixtures/".to_owned()
}

fn import_of(app: &Shell) -> Option<&ImportView> {
    match app.top() {
        Some(View::Import(view)) => Some(view),
        _ => None,
    }
}

fn step(app: &Shell) -> Option<Step> {
    import_of(app).map(ImportView::step)
}

/// The app drawn at each size. The file is shown relative to the directory
/// the tests run in (the checkout), so the screens are the same wherever it
/// is.
fn snapshot(name: &str, app: &Shell) {
    for (w, h) in SIZES {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        weya_tui::draw(&mut terminal, app).unwrap();
        let text = screen_text(terminal.backend());
        assert!(!text.contains(env!("CARGO_MANIFEST_DIR")), "{text}");
        common::sizes::check_screen(name, w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

/// A batch created on the form, its result on screen; its ID.
async fn created(h: &mut Harness, name: &str) -> String {
    h.fill_and_review(name).await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    assert!(screen.contains("Batch created"), "{screen}");
    object_id_in(&screen.replace("64e5f12345abcdef", "")).expect("an ID on screen")
}

#[tokio::test]
async fn i_on_the_result_imports_the_messy_csv_and_the_batch_has_exactly_the_good_rows() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    let id = created(&mut h, "June renewals").await;

    h.key(KeyCode::Char('i'));
    assert_eq!(h.app().breadcrumb(), ["Import into “June renewals”"]);
    assert_eq!(
        import_of(h.app()).unwrap().region().map(|r| r.to_string()),
        Some("US".to_owned()),
        "the batch's timezone (America/New_York) gives the region"
    );
    // Tab completes the path as far as it is one, then lists the matches.
    h.type_text(&format!("{}contacts.", fixtures()));
    h.key(KeyCode::Tab);
    h.wait_for("the three spreadsheets listed", |app| {
        import_of(app).is_some_and(|v| v.candidates().len() == 3)
    })
    .await;
    snapshot("import_app_pick", h.app());
    for _ in "contacts.".chars() {
        h.key(KeyCode::Backspace);
    }
    h.type_text("mes");
    h.key(KeyCode::Tab);
    h.wait_for("the file name completed", |app| {
        import_of(app).is_some_and(|v| v.path_typed().ends_with("/messy-semicolon-1252.csv"))
    })
    .await;

    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    let screen = h.screen();
    assert!(screen.contains("Windows-1252"), "{screen}");
    snapshot("import_app_map", h.app());

    h.key(KeyCode::Enter);
    h.wait_for("the check, compared with the batch", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app).is_some_and(|v| matches!(v.comparing(), Some(Comparing::Done(_))))
    })
    .await;
    let counts = import_of(h.app()).unwrap().report().unwrap().counts;
    assert_eq!(
        (
            counts.valid,
            counts.invalid,
            counts.duplicate,
            counts.skipped,
            counts.outside_region,
        ),
        (4, 3, 1, 1, 1)
    );
    snapshot("import_app_preview", h.app());
    assert!(
        sandbox.store().batch(&id).unwrap().calls.is_empty(),
        "nothing sent before Enter on the check"
    );
    // Gus's British number is held back until `o` says yes to GB.
    h.key(KeyCode::Char('o'));
    h.wait_for("the check again, GB allowed", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app)
                .and_then(ImportView::report)
                .is_some_and(|r| r.counts.valid == 5)
    })
    .await;

    h.key(KeyCode::Enter);
    h.wait_for("every request answered", |app| {
        import_of(app)
            .and_then(ImportView::sending)
            .is_some_and(|s| s.phase == SendPhase::Done)
    })
    .await;
    snapshot("import_app_done", h.app());

    // What Weya's batch details say: exactly the five good rows.
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let query = CallQuery {
        limit: 50,
        ..CallQuery::default()
    };
    let details = client.batch_details(&id, &query).await.unwrap();
    let mut numbers: Vec<&str> = details
        .calls
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        [
            "12125550111",
            "12125550143",
            "12125550188",
            "12125550199",
            "442079460958"
        ]
    );
    assert_eq!(details.total, 5);
    let renee = details
        .calls
        .iter()
        .find(|c| c.phone_number == "12125550199")
        .unwrap();
    assert_eq!(renee.fields["Name"], "Renée Façon");
    assert!(
        Path::new(&dir.path().join("state/imports")).is_dir(),
        "the import journal is kept beside the submit journal"
    );

    // Done, nothing failed: the footer offers no resend, and Enter does
    // what it says (the QA's "Enter continue" did nothing): the import
    // closes, back on the result it was opened from (not the batch list:
    // Esc goes where it came from).
    let footer = h.screen().lines().last().unwrap_or_default().to_owned();
    assert!(footer.contains("Enter/Esc close"), "{footer}");
    assert!(!footer.contains("resend"), "{footer}");
    h.key(KeyCode::Enter);
    assert!(h.app().top().is_none(), "the import closed");
    assert!(matches!(h.app().create.screen, Screen::Result(_)));
    assert!(h.screen().contains("Batch created"));
}

/// The QA's third finding: Esc from an import opened with `i` on the
/// result went to the Batches list. It goes back to the result, whatever
/// step the import is at; Esc there leads to the form as ever.
#[tokio::test]
async fn esc_from_an_import_opened_on_the_result_goes_back_to_the_result() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    created(&mut h, "June renewals").await;
    h.key(KeyCode::Char('i'));
    assert_eq!(h.app().breadcrumb(), ["Import into “June renewals”"]);
    h.key(KeyCode::Esc);
    assert!(h.app().top().is_none(), "{:?}", h.app().breadcrumb());
    assert!(matches!(h.app().create.screen, Screen::Result(_)));
    assert!(h.screen().contains("Batch created"));

    // Again, from the columns step: Esc goes back a step, then out.
    h.key(KeyCode::Char('i'));
    h.type_text(&format!("{}messy-semicolon-1252.csv", fixtures()));
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    h.key(KeyCode::Esc);
    assert_eq!(step(h.app()), Some(Step::Pick));
    h.key(KeyCode::Esc);
    assert!(h.app().top().is_none());
    assert!(h.screen().contains("Batch created"));
    // Ctrl-B over the import and Esc: back to the import, then the result.
    h.key(KeyCode::Char('i'));
    h.ctrl('b');
    assert_eq!(h.app().breadcrumb(), ["Batches"]);
    h.key(KeyCode::Esc);
    assert_eq!(h.app().breadcrumb(), ["Import into “June renewals”"]);
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Batch created"));
}

#[tokio::test]
async fn the_palette_offers_the_import_anywhere_and_into_the_new_batch_on_the_result() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.wait_for_phones().await;
    // No batch yet: the palette asks which, and says there is none.
    h.ctrl('p');
    h.type_text("import");
    assert!(h.screen().contains("Import contacts into a batch"));
    h.key(KeyCode::Enter);
    h.wait_for("the empty list", |app| {
        app.palette
            .as_ref()
            .is_some_and(|p| p.empty_text().starts_with("No batches yet"))
    })
    .await;
    h.key(KeyCode::Esc);

    created(&mut h, "July renewals").await;
    h.ctrl('p');
    h.type_text("import");
    let screen = h.screen();
    assert!(
        screen.contains("Import contacts into the new batch"),
        "{screen}"
    );
    h.key(KeyCode::Enter);
    assert_eq!(h.app().breadcrumb(), ["Import into “July renewals”"]);
    h.key(KeyCode::Esc);
    assert!(
        matches!(h.app().create.screen, Screen::Result(_)) && h.app().top().is_none(),
        "back on the result it was opened from: {:?}",
        h.app().breadcrumb()
    );

    // Issue 20: from the form too, "import" finds the import into a
    // batch, and the palette asks which, found by name.
    h.ctrl('n');
    h.key(KeyCode::Esc);
    assert_eq!(h.app().breadcrumb(), ["New batch"]);
    h.ctrl('p');
    h.type_text("import");
    h.key(KeyCode::Enter);
    h.wait_for("the batches", |app| {
        app.palette.as_ref().is_some_and(|p| p.shown().count() == 1)
    })
    .await;
    h.type_text("jul");
    let screen = h.screen();
    assert!(screen.contains("Import into which batch?"), "{screen}");
    assert!(screen.contains("July renewals"), "{screen}");
    h.key(KeyCode::Enter);
    assert_eq!(h.app().breadcrumb(), ["Import into “July renewals”"]);
}

/// The QA's stale result: `i` on the result of a batch deleted elsewhere
/// went through every step and failed only at sending. The view reads one
/// page of the batch's details as it opens and says it is gone before any
/// column is mapped; Enter opens nothing.
#[tokio::test]
async fn a_batch_deleted_after_the_import_opened_is_found_gone_by_the_check_and_sent_nothing() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    let id = created(&mut h, "June renewals").await;
    h.key(KeyCode::Char('i'));
    h.type_text(&format!("{}messy-semicolon-1252.csv", fixtures()));
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    // Deleted from the CLI while the operator maps the columns.
    assert!(sandbox.store().delete(&id), "deleted elsewhere");
    h.key(KeyCode::Enter);
    // (The opening's own look at the batch may be answered after the
    // delete too: either way the check ends, finding it gone.)
    h.wait_for("the check finds the batch gone", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app).is_some_and(|v| {
                v.batch_gone().is_some() && matches!(v.comparing(), Some(Comparing::Failed(_)))
            })
    })
    .await;
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("“June renewals” no longer exists: Weya answers HTTP 404"),
        "{screen}"
    );
    assert!(!flat.contains("Enter send"), "{screen}");
    snapshot("import_app_check_batch_gone", h.app());
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert_eq!(step(h.app()), Some(Step::Preview), "nothing sent");
    assert!(import_of(h.app()).unwrap().sending().is_none());
    h.key(KeyCode::Esc);
    assert!(import_of(h.app()).is_none(), "Esc leaves");
}

#[tokio::test]
async fn an_import_into_a_batch_deleted_elsewhere_says_so_before_the_columns() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    let id = created(&mut h, "June renewals").await;
    assert!(sandbox.store().delete(&id), "deleted elsewhere");
    h.key(KeyCode::Char('i'));
    h.wait_for("the batch found gone", |app| {
        import_of(app).is_some_and(|v| v.batch_gone().is_some())
    })
    .await;
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("“June renewals” no longer exists: Weya answers HTTP 404"),
        "{screen}"
    );
    snapshot("import_app_batch_gone", h.app());
    h.type_text(&format!("{}messy-semicolon-1252.csv", fixtures()));
    h.key(KeyCode::Enter);
    assert_eq!(step(h.app()), Some(Step::Pick), "nothing opened");
    h.key(KeyCode::Esc);
    assert!(h.screen().contains("Batch created") || h.app().top().is_none());
}
