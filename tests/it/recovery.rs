//! Recovery in plain sight (issue 20 item 6), through the app as an
//! operator meets it: an import stopped part-way is named at the next
//! start with the key that resumes it, and quitting during one says what
//! was sent and what was not.

use crate::common;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{Harness, object_id_in, screen_text};
use weya_tui::import::choices::SavedChoices;
use weya_tui::sandbox::Sandbox;
use weya_tui::store::journal;
use weya_tui::tui::views::View;
use weya_tui::tui::views::import::{Comparing, ImportView, SendPhase, Step};
use weya_tui::tui::{KnownBatch, Shell};

fn import_of(app: &Shell) -> Option<&ImportView> {
    match app.top() {
        Some(View::Import(view)) => Some(view),
        _ => None,
    }
}

fn step(app: &Shell) -> Option<Step> {
    import_of(app).map(ImportView::step)
}

fn phase(app: &Shell) -> Option<SendPhase> {
    import_of(app).and_then(|v| v.sending()).map(|s| s.phase)
}

fn contacts(rows: usize) -> String {
    let mut text = String::from("First Name,Phone,Note\n");
    for i in 0..rows {
        text.push_str(&format!("Ann {i},(212) 550-{i:04},n{i}\n"));
    }
    text
}

/// The batch's numbers, each once.
fn numbers_in(sandbox: &Sandbox, batch: &str) -> (usize, usize) {
    let mut numbers: Vec<String> = sandbox
        .store()
        .batch(batch)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.phone_number.clone())
        .collect();
    let all = numbers.len();
    numbers.sort();
    numbers.dedup();
    (all, numbers.len())
}

#[tokio::test]
async fn an_import_stopped_part_way_is_named_at_the_next_start_and_ctrl_g_resumes_it() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, contacts(2500)).unwrap();

    // The first run: a batch made on the form, `i`, the file, the check,
    // Enter sends and Esc pauses after the first request of three.
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    h.fill_and_review("December renewals").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let screen = h.screen();
    let id = object_id_in(&screen.replace("64e5f12345abcdef", "")).expect("an ID on screen");
    h.key(KeyCode::Char('i'));
    h.type_text(&csv.display().to_string());
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for("the check, compared with the batch", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app).is_some_and(|v| matches!(v.comparing(), Some(Comparing::Done(_))))
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the first request on its way", |app| {
        import_of(app)
            .and_then(|v| v.sending())
            .is_some_and(|s| s.in_flight == Some(0))
    })
    .await;
    h.key(KeyCode::Esc);
    h.wait_for("sending paused", |app| {
        phase(app) == Some(SendPhase::Paused)
    })
    .await;
    assert_eq!(numbers_in(&sandbox, &id), (1000, 1000));
    // What the app prints on the terminal once it is the shell's again.
    let said = h.runtime.import_on_exit().expect("an import was under way");
    assert!(
        said.contains("1,000 of 2,500 rows sent and confirmed, 1,500 not sent yet"),
        "{said}"
    );
    assert!(
        said.contains("It resumes at the next start (Ctrl-G)"),
        "{said}"
    );
    assert!(
        said.contains(&format!("weya-tui batch import {id} ")),
        "{said}"
    );
    drop(h);
    // The next start is another process: it finds what this one left on
    // disk and no lock of a live one (this process still holds the first
    // app's draft slot while its tasks wind down). So it starts on a copy
    // of the folders, locks left out.
    let next = tempfile::tempdir().unwrap();
    copy_without_locks(dir.path(), next.path());
    let store = common::store_in(next.path());

    // The next start reads what the launcher reads: the journal of
    // batches made here and the imports' journals.
    let deadline = std::time::Instant::now() + common::PATIENCE;
    let known = loop {
        let (entries, _) = journal::read_at_start(&store.journal());
        let known = KnownBatch::from_journal(&entries);
        if known.iter().any(|k| k.id == id) || std::time::Instant::now() > deadline {
            break known;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut context = common::context();
    context.known_batches = known;
    context.take_up_unfinished_imports(&store.imports());
    let mut h = Harness::with_context(sandbox.client_config(), 120, 40, Some(store), context);
    h.wait_for_phones().await;
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("An import stopped part-way: contacts.csv into “December renewals”"),
        "{screen}"
    );
    assert!(flat.contains("Ctrl-G resumes it"), "{screen}");
    for (w, h_) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h_)).unwrap();
        weya_tui::draw(&mut terminal, h.app()).unwrap();
        let text = screen_text(terminal.backend());
        common::sizes::check_screen("recovery_start_notice", w, h_, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }

    // Ctrl-G: the import of that file into that batch, its record found.
    h.ctrl('g');
    h.wait_for("the recorded import offered", |app| {
        step(app) == Some(Step::Resume)
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the check of what is left", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app).is_some_and(|v| matches!(v.comparing(), Some(Comparing::Done(_))))
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the rest sent", |app| phase(app) == Some(SendPhase::Done))
        .await;
    assert_eq!(
        numbers_in(&sandbox, &id),
        (2500, 2500),
        "the rest, none twice"
    );
    assert_eq!(h.runtime.import_on_exit(), None, "nothing left to say");
}

/// The QA's nag: an unfinished import into a batch deleted since was
/// named at every start with "Ctrl-G resumes it". The send that met
/// Weya's 404 marks the journal; the next start says the batch no longer
/// exists and Ctrl-G sets the import aside (the journal kept, marked), so
/// the start after that names nothing.
#[tokio::test]
async fn an_import_into_a_batch_gone_is_said_so_at_the_next_start_and_ctrl_g_sets_it_aside() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, contacts(2500)).unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    h.fill_and_review("Gone renewals").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    let id = object_id_in(&h.screen().replace("64e5f12345abcdef", "")).expect("an ID");
    h.key(KeyCode::Char('i'));
    h.type_text(&csv.display().to_string());
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for("the check, compared with the batch", |app| {
        step(app) == Some(Step::Preview)
            && import_of(app).is_some_and(|v| matches!(v.comparing(), Some(Comparing::Done(_))))
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the first request on its way", |app| {
        import_of(app)
            .and_then(|v| v.sending())
            .is_some_and(|s| s.in_flight == Some(0))
    })
    .await;
    h.key(KeyCode::Esc);
    h.wait_for("sending paused", |app| {
        phase(app) == Some(SendPhase::Paused)
    })
    .await;
    // Deleted elsewhere; Enter sends the next request, which meets a 404.
    assert!(sandbox.store().delete(&id));
    h.key(KeyCode::Enter);
    h.wait_for("the 404 stops sending", |app| {
        phase(app) == Some(SendPhase::Paused)
            && import_of(app)
                .and_then(|v| v.sending())
                .is_some_and(|s| s.error.is_some())
    })
    .await;
    // The view knows the batch gone: Enter sends no more (QA: each Enter
    // sent one more request that met the 404).
    assert!(import_of(h.app()).unwrap().batch_gone().is_some());
    let screen = h.screen();
    assert!(
        screen.contains("Stopped: the batch no longer exists; nothing more is sent. Esc leaves."),
        "{screen}"
    );
    assert!(!screen.contains("Enter continue"), "{screen}");
    let sent = |h: &Harness| {
        import_of(h.app())
            .and_then(|v| v.sending())
            .map(|s| s.summary())
    };
    let before = sent(&h);
    h.key(KeyCode::Enter);
    assert!(
        import_of(h.app())
            .and_then(|v| v.sending())
            .is_some_and(|s| s.in_flight.is_none() && s.phase == SendPhase::Paused),
        "nothing sent"
    );
    assert_eq!(sent(&h), before);
    drop(h);
    let next = tempfile::tempdir().unwrap();
    copy_without_locks(dir.path(), next.path());
    let store = common::store_in(next.path());
    let (entries, _) = journal::read_at_start(&store.journal());
    let mut context = common::context();
    context.known_batches = KnownBatch::from_journal(&entries);
    context.take_up_unfinished_imports(&store.imports());
    assert!(
        context.unfinished_imports[0].gone.is_some(),
        "the journal says the batch is gone"
    );
    let mut h = Harness::with_context(
        sandbox.client_config(),
        120,
        40,
        Some(store.clone()),
        context,
    );
    h.wait_for_phones().await;
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "Ctrl-G sets aside (its journal kept) an import stopped part-way into a batch that \
             no longer exists: contacts.csv"
        ),
        "{screen}"
    );
    assert!(flat.contains("Weya does not find the batch"), "{screen}");
    assert!(!flat.contains("resumes it"), "{screen}");
    // At 80x24 too the key comes first, before the line is cut.
    snapshot_steady("import_gone_start_notice", &h, next.path());

    h.ctrl('g');
    h.wait_for("set aside", |app| {
        app.create.context.unfinished_imports.is_empty()
    })
    .await;
    assert!(
        import_of(h.app()).is_none(),
        "no import opened on a gone batch"
    );
    let note = h.app().note.clone().unwrap_or_default();
    assert!(
        note.starts_with("Set aside: the import of contacts.csv"),
        "{note}"
    );
    // The form's start-up line no longer offers Ctrl-G for it.
    let screen = h.screen();
    assert!(!screen.contains("Ctrl-G sets aside"), "{screen}");
    snapshot_steady("import_gone_set_aside", &h, next.path());
    // Kept, marked, and named at no later start.
    let kept = weya_tui::import::ImportJournal::all(&store.imports()).unwrap();
    assert_eq!(kept.len(), 1, "the journal is kept");
    assert!(kept[0].is_set_aside());
    assert!(weya_tui::import::recovery::unfinished(&store.imports()).is_empty());
}

/// `from` copied into `to`, every file but the lock files a live process
/// holds.
fn copy_without_locks(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_without_locks(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().ends_with(".lock") {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The import into `name` from the palette, on the file at `csv`: its
/// columns on show, and the choices kept from before looked for.
async fn columns_of(h: &mut Harness, csv: &std::path::Path) {
    h.ctrl('p');
    h.type_text("import");
    h.key(KeyCode::Enter);
    h.wait_for("the batches", |app| {
        app.palette.as_ref().is_some_and(|p| p.shown().count() == 1)
    })
    .await;
    h.key(KeyCode::Enter);
    // The region the batch was made with, read from the submit journal,
    // presets the columns' guess: before the file is opened.
    h.wait_for("the batch's region", |app| {
        import_of(app).is_some_and(|v| v.region().is_some())
    })
    .await;
    h.type_text(&csv.display().to_string());
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
}

/// The column choices kept in `dir`.
fn choices_kept(dir: &std::path::Path) -> Vec<SavedChoices> {
    std::fs::read_dir(dir).map_or(Vec::new(), |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".columns"))
            .filter_map(|e| serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok())
            .collect()
    })
}

/// Issue 20 item 6: column choices made on the columns step (a rename, a
/// column left out) survive quitting before anything is sent: the next
/// run restores them for the same file into the same batch and says
/// from when, and does not when the file's header changed since (saying
/// why).
#[tokio::test]
async fn column_choices_are_kept_when_quitting_before_sending_and_never_put_on_a_new_header() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::store_in(dir.path());
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, contacts(3)).unwrap();

    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    h.fill_and_review("December renewals").await;
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    h.key(KeyCode::Char('i'));
    h.type_text(&csv.display().to_string());
    h.key(KeyCode::Enter);
    h.wait_for("the columns", |app| step(app) == Some(Step::Map))
        .await;
    let guessed = import_of(h.app()).unwrap().mapping().clone();
    // First Name sent as "name"; Note left out.
    h.key(KeyCode::Up);
    h.key(KeyCode::Char('e'));
    h.type_text("name");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    let chosen = import_of(h.app()).unwrap().mapping().clone();
    assert_ne!(chosen, guessed);
    assert_eq!(chosen.columns[0].name, "name");
    assert!(!chosen.columns[2].send);
    let imports = store.imports();
    h.wait_for(
        "the last choice kept on disk",
        |_| matches!(choices_kept(&imports).as_slice(), [kept] if kept.mapping == chosen),
    )
    .await;
    // Quit before sending: nothing was sent, nothing to say on exit.
    assert_eq!(h.runtime.import_on_exit(), None);
    drop(h);
    // The batch's entry in the submit journal (written off the loop): the
    // next run presets the region from it.
    let deadline = std::time::Instant::now() + common::PATIENCE;
    while journal::read_at_start(&store.journal()).0.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the submit journal");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // The next run: the same file into the same batch.
    let next = tempfile::tempdir().unwrap();
    copy_without_locks(dir.path(), next.path());
    let store = common::store_in(next.path());
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    h.wait_for_phones().await;
    columns_of(&mut h, &csv).await;
    h.wait_for("the choices restored, and the batch's region", |app| {
        import_of(app).is_some_and(|v| v.mapping() == &chosen && v.region().is_some())
    })
    .await;
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Your column choices from ") && flat.contains(" were restored."),
        "{screen}"
    );
    snapshot_steady("import_choices_restored", &h, dir.path());

    // The file's header changes (Note → Notes): the choices are not put
    // on it, and the screen says why.
    std::fs::write(
        &csv,
        contacts(3).replacen("First Name,Phone,Note", "First Name,Phone,Notes", 1),
    )
    .unwrap();
    h.key(KeyCode::Esc);
    assert_eq!(step(h.app()), Some(Step::Pick));
    h.key(KeyCode::Enter);
    h.wait_for("the columns of the changed file", |app| {
        step(app) == Some(Step::Map)
            && import_of(app).is_some_and(|v| v.mapping().columns[2].header == "Notes")
    })
    .await;
    h.wait_for("the choices refused", |app| {
        import_of(app)
            .and_then(|v| v.choices_note())
            .is_some_and(|n| n.contains("were not restored"))
    })
    .await;
    let view = import_of(h.app()).unwrap();
    assert_eq!(
        view.mapping().columns[0].name,
        "First Name",
        "the guess stands"
    );
    assert!(view.mapping().columns[2].send);
    let screen = h.screen();
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("were not restored: the file's header changed (“Note” gone, “Notes” new)"),
        "{screen}"
    );
    snapshot_steady("import_choices_stale", &h, dir.path());
}

/// The screen at 80x24 and 120x40, the date and time of the choices and
/// the temporary folder made steady.
fn snapshot_steady(name: &str, h: &Harness, folder: &std::path::Path) {
    let canonical = std::fs::canonicalize(folder).unwrap();
    for (w, h_) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h_)).unwrap();
        weya_tui::draw(&mut terminal, h.app()).unwrap();
        let mut text = screen_text(terminal.backend())
            .replace(&canonical.display().to_string(), "~/data")
            .replace(&folder.display().to_string(), "~/data");
        // The sandbox's request IDs differ at each run.
        let mut from = 0;
        while let Some(at) = text[from..].find("request ID sbx-").map(|i| from + i) {
            let start = at + "request ID sbx-".len();
            let end = text[start..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(text.len(), |i| start + i);
            text.replace_range(start..end, "ID");
            from = start;
        }
        if let Some(at) = text.find("choices from ") {
            let start = at + "choices from ".len();
            let stamp = "YYYY-MM-DD hh:mm";
            text.replace_range(start..start + stamp.len(), stamp);
        }
        common::sizes::check_screen(name, w, h_, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}
