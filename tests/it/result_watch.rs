//! The result screen of a batch made here, after it was made (issue 20
//! item 6): the count once contacts are imported, what it says once the
//! batch is deleted (and that it asks no more), and a batch found in the
//! list after its answer was lost, opened and imported into with the keys
//! of a batch created normally.

use crate::common;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Harness, object_id_in, screen_text};
use weya_tui::sandbox::{Fault, Sandbox};
use weya_tui::tui::Shell;
use weya_tui::tui::views::View;
use weya_tui::tui::views::create::{Answer, Screen, Verdict};
use weya_tui::tui::views::import::{Comparing, ImportView, SendPhase, Step};

fn import_of(app: &Shell) -> Option<&ImportView> {
    match app.top() {
        Some(View::Import(view)) => Some(view),
        _ => None,
    }
}

fn answer(app: &Shell) -> Option<&Answer> {
    match &app.create.screen {
        Screen::Result(answer) if app.top().is_none() => Some(answer),
        _ => None,
    }
}

fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn snapshot(name: &str, h: &Harness) {
    for (w, h_) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h_)).unwrap();
        weya_tui::draw(&mut terminal, h.app()).unwrap();
        let text = steady(&screen_text(terminal.backend()));
        common::sizes::check_screen(name, w, h_, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

/// What changes from run to run made steady, widths kept (so the layout
/// is the real one): a batch ID (24 hex digits) as `BATCH-ID-…`, a
/// request ID's 16 as `REQUEST-ID-…`, the sandbox's port and the digits of a
/// date or a time as `N`s.
fn steady(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if run == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let word: String = chars[i..i + run].iter().collect();
        let hex = word.chars().all(|c| c.is_ascii_hexdigit());
        let before: String = chars[i.saturating_sub(10)..i].iter().collect();
        let after: String = chars[i + run..(i + run + 4).min(chars.len())]
            .iter()
            .collect();
        let replaced = match run {
            24 if hex => "BATCH-ID-"
                .chars()
                .chain(std::iter::repeat('x'))
                .take(24)
                .collect(),
            16 if hex && before.ends_with("sbx-") => "REQUEST-ID"
                .chars()
                .chain(std::iter::repeat('x'))
                .take(16)
                .collect(),
            _ if before.ends_with("127.0.0.1:") => "N".repeat(run),
            // A date or a time (the sandbox stores a batch by the real
            // clock).
            _ if word.chars().all(|c| c.is_ascii_digit())
                && (after.starts_with(['-', ':']) || before.ends_with(['-', ':'])) =>
            {
                "N".repeat(run)
            }
            _ => word,
        };
        out.push_str(&replaced);
        i += run;
    }
    out
}

/// The result of the last batch sent, on show again from anywhere: the
/// palette's "Last result".
fn last_result(h: &mut Harness) {
    h.ctrl('p');
    h.type_text("last result");
    h.key(KeyCode::Enter);
}

fn contacts(rows: usize) -> String {
    let mut text = String::from("First Name,Phone\n");
    for i in 0..rows {
        text.push_str(&format!("Ann {i},(212) 550-{i:04}\n"));
    }
    text
}

/// From the import view on show: the file read, checked and sent.
async fn import_file(h: &mut Harness, csv: &std::path::Path) {
    h.type_text(&csv.display().to_string());
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| {
        import_of(app).map(ImportView::step) == Some(Step::Map)
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the check, compared with the batch", |app| {
        import_of(app).is_some_and(|v| {
            v.step() == Step::Preview && matches!(v.comparing(), Some(Comparing::Done(_)))
        })
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("every row sent", |app| {
        import_of(app)
            .and_then(|v| v.sending())
            .is_some_and(|s| s.phase == SendPhase::Done)
    })
    .await;
}

#[tokio::test]
async fn after_an_import_the_result_shows_the_new_count_and_after_a_delete_says_it_is_deleted() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, contacts(12)).unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.fill_and_review("December renewals").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    let id = object_id_in(&screen.replace("64e5f12345abcdef", "")).expect("an ID on screen");
    assert!(flat(&screen).contains(", 0 calls"), "{screen}");

    // i on the result, the file sent, then back to the result (the
    // palette's "Last result": Ctrl-N is a new form): it shows the count
    // the batch has now.
    h.key(KeyCode::Char('i'));
    import_file(&mut h, &csv).await;
    assert_eq!(sandbox.store().batch(&id).unwrap().calls.len(), 12);
    last_result(&mut h);
    h.wait_for("the result with the batch's count now", |app| {
        answer(app)
            .is_some_and(|a| matches!(a.verdict(), Verdict::Listed(b) if b.total_calls == Some(12)))
    })
    .await;
    let screen = h.screen();
    assert!(flat(&screen).contains(", 12 calls"), "{screen}");
    snapshot("result_after_import", &h);

    // Deleted elsewhere: the result's o opens its details, which Weya
    // answers with 404; back on the result, it says the batch is deleted
    // and offers only what still makes sense.
    assert!(sandbox.store().delete(&id));
    h.key(KeyCode::Char('o'));
    h.wait_for(
        "the 404 heard by the result",
        |app| matches!(&app.create.screen, Screen::Result(a) if a.gone.is_some()),
    )
    .await;
    last_result(&mut h);
    let screen = h.screen();
    let text = flat(&screen);
    assert!(
        text.contains("Batch created, and deleted since"),
        "{screen}"
    );
    assert!(
        text.contains("deleted: Weya answers 404 (not found) for its details"),
        "{screen}"
    );
    assert!(!text.contains("listed, status"), "{screen}");
    snapshot("result_deleted", &h);
    // Neither i nor o leads to the batch any more; n starts a new one.
    h.key(KeyCode::Char('i'));
    h.key(KeyCode::Char('o'));
    assert!(h.app().top().is_none(), "{}", h.screen());
    assert!(answer(h.app()).is_some_and(|a| a.made_id().is_none()));
    h.key(KeyCode::Char('n'));
    assert!(matches!(h.app().create.screen, Screen::Form));
}

#[tokio::test]
async fn a_batch_found_after_its_answer_was_lost_opens_and_takes_an_import_like_one_created() {
    let sandbox = Sandbox::start(0).await.unwrap();
    sandbox.store().set_fault(Some(Fault::DropAfterStore));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, contacts(5)).unwrap();
    let store = common::store_in(dir.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.fill_and_review("Dropped").await;
    h.key(KeyCode::Enter);
    h.wait_for("the batch found in the list", |app| {
        answer(app).is_some_and(|a| matches!(a.verdict(), Verdict::Listed(_)))
    })
    .await;
    sandbox.store().set_fault(None);
    let id = sandbox.store().batches()[0].id.clone();
    let screen = h.screen();
    assert!(screen.contains(&format!("FOUND: batch {id}")), "{screen}");
    assert!(
        flat(&screen).contains("o opens it, i imports contacts into it"),
        "{screen}"
    );
    snapshot("result_unknown_found_keys", &h);

    // o: its details, as for a batch created normally.
    h.key(KeyCode::Char('o'));
    match h.app().top() {
        Some(View::BatchDetails(details)) => assert_eq!(details.batch_id(), id),
        _ => panic!("o opens the details:\n{}", h.screen()),
    }
    // Back on the result, i: the import into it.
    last_result(&mut h);
    assert!(answer(h.app()).is_some(), "{}", h.screen());
    h.key(KeyCode::Char('i'));
    assert_eq!(
        import_of(h.app()).map(ImportView::batch_id),
        Some(id.as_str())
    );
    import_file(&mut h, &csv).await;
    assert_eq!(sandbox.store().batch(&id).unwrap().calls.len(), 5);
    last_result(&mut h);
    h.wait_for("the count on the result", |app| {
        answer(app)
            .is_some_and(|a| matches!(a.verdict(), Verdict::Listed(b) if b.total_calls == Some(5)))
    })
    .await;
    let screen = h.screen();
    assert!(
        flat(&screen).contains("it was created (status paused, 5 calls)"),
        "{screen}"
    );

    // Deleted elsewhere, and the result back on show: its one look no
    // longer finds it.
    assert!(sandbox.store().delete(&id));
    h.ctrl('b');
    last_result(&mut h);
    h.wait_for("the batch known to be gone", |app| {
        answer(app).is_some_and(|a| a.gone.is_some())
    })
    .await;
    let screen = h.screen();
    assert!(
        flat(&screen).contains("deleted: no longer in Weya's list"),
        "{screen}"
    );
    assert!(
        flat(&screen).contains("It was created, and is deleted since"),
        "{screen}"
    );
    // The headline says so too: not "outcome unknown" over lines that
    // know it was created and deleted.
    assert!(
        screen.contains(
            "✓ Created (found in Weya's list after the answer was lost), and deleted since"
        ),
        "{screen}"
    );
    assert!(!screen.contains("Outcome unknown"), "{screen}");
    snapshot("result_unknown_found_deleted", &h);
}
