//! The draft and templates through the real effects, on disk in a temporary
//! folder.

use crate::common;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use common::{Harness, store_in};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use weya_tui::api::WeyaClient;
use weya_tui::sandbox::Sandbox;
use weya_tui::store::draft;
use weya_tui::tui::views::create::{DraftState, Modal, SaveStep};
use weya_tui::{DraftOnExit, Runtime};

/// Polls until `read` gives a value, failing after the harness's patience.
async fn eventually<T>(what: &str, mut read: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + common::PATIENCE;
    loop {
        if let Some(v) = read() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn typing_is_saved_as_a_draft_within_moments_and_removed_once_created() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let draft_path = store.draft();
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.wait_for_phones().await;
    h.type_text("Kept safe");
    // Written while the app runs, not at exit; how soon (DRAFT_DELAY) is
    // held on the paused clock by the effects' own test.
    let saved = eventually("the draft", || {
        draft::read(&draft_path)
            .ok()
            .flatten()
            .filter(|d| d.name == "Kept safe")
    })
    .await;
    assert_eq!(saved.timezone, "America/New_York");
    assert!(!saved.saved_at.is_empty());

    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.ctrl('s');
    h.key(KeyCode::Enter);
    h.wait_for_result().await;
    eventually("the draft to go", || {
        draft::read(&draft_path).ok().filter(Option::is_none)
    })
    .await;
}

#[tokio::test]
async fn a_template_is_saved_listed_and_loaded_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let template_dir = store.templates();
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.wait_for_phones().await;
    h.type_text("Weekday base");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char(' '));
    h.ctrl('t');
    // The form's name is offered, selected: End keeps it and appends.
    h.key(KeyCode::End);
    h.type_text(" v2");
    h.key(KeyCode::Enter);
    h.wait_for("the template saved", |app| {
        app.create
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Template saved"))
    })
    .await;
    let file = template_dir.join("Weekday base v2.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["batchName"], "Weekday base");
    assert_eq!(saved["callingNumbers"][0], "64e5f12345abcdef87654321");

    // Change the form, then load the template back over it.
    h.key(KeyCode::BackTab);
    h.type_text("something else");
    h.ctrl('o');
    h.wait_for("the template list", |app| {
        matches!(&app.create.modal, Some(Modal::LoadTemplate { templates, .. }) if templates.value().is_some())
    })
    .await;
    assert!(h.screen().contains("Weekday base v2"));
    h.key(KeyCode::Enter);
    h.wait_for("the template loaded", |app| {
        app.create.form.name.value() == "Weekday base"
    })
    .await;
    assert_eq!(
        h.app().create.form.numbers.selected_ids(),
        vec!["64e5f12345abcdef87654321"]
    );

    // D deletes it from disk, after Enter confirms.
    h.ctrl('o');
    h.wait_for("the template list", |app| {
        matches!(&app.create.modal, Some(Modal::LoadTemplate { templates, .. }) if templates.value().is_some())
    })
    .await;
    assert!(h.screen().contains("1 number"), "the preview");
    h.send(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT));
    assert!(file.exists(), "nothing deleted before Enter");
    h.key(KeyCode::Enter);
    h.wait_for("the list without it", |app| {
        matches!(&app.create.modal, Some(Modal::LoadTemplate { templates, .. }) if templates.value().is_some_and(Vec::is_empty))
    })
    .await;
    assert!(!file.exists());
}

/// Ctrl-R: a blank form, and the draft that was on it offered at the next
/// start.
#[tokio::test]
async fn ctrl_r_starts_a_blank_form_and_keeps_the_draft_for_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    h.wait_for_phones().await;
    h.type_text("Kept for later");
    h.ctrl('r');
    h.wait_for("a blank form", |app| {
        app.create.form.name.value().is_empty()
    })
    .await;
    assert!(h.screen().contains("Kept for later"), "the notice names it");
    h.type_text("Fresh");
    drop(h);
    let next = draft::claim(&store.draft(), true);
    let mut names: Vec<_> = next
        .restored
        .iter()
        .chain(next.others.iter().map(|o| &o.draft))
        .map(|d| d.name.clone())
        .collect();
    names.sort();
    assert!(names.contains(&"Kept for later".to_owned()), "{names:?}");
}

/// Two sessions on one home: each keeps its own draft, and one's confirmed
/// batch removes only its own.
#[tokio::test]
async fn two_sessions_on_one_home_keep_separate_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let first_draft = store.draft();
    let second_draft = first_draft.with_file_name("draft-2.json");
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut careful = Harness::with_store(sandbox.client_config(), 120, 40, Some(store.clone()));
    careful.wait_for_phones().await;
    careful.type_text("Long careful work");
    eventually("the first session's draft", || {
        draft::read(&first_draft)
            .ok()
            .flatten()
            .filter(|d| d.name == "Long careful work")
    })
    .await;

    let mut quick = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    let screen = quick
        .screen()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        screen.contains(&format!(
            "Another weya-tui (PID {}) is running with the draft {}: this one keeps its draft in {}.",
            std::process::id(),
            first_draft.display(),
            second_draft.display()
        )),
        "{screen}"
    );
    assert_eq!(
        quick.app().create.form.name.value(),
        "",
        "nothing of the other's"
    );
    quick.fill_and_review("Quick test").await;
    eventually("the quick test's own draft", || {
        draft::read(&second_draft)
            .ok()
            .flatten()
            .filter(|d| d.name == "Quick test")
    })
    .await;
    quick.key(KeyCode::Enter);
    quick.wait_for_result().await;
    eventually("the quick test's draft to go", || {
        (!second_draft.exists()).then_some(())
    })
    .await;
    let kept = draft::read(&first_draft).unwrap().unwrap();
    assert_eq!(
        kept.name, "Long careful work",
        "the other draft is untouched"
    );
    assert_eq!(careful.runtime.finish(), DraftOnExit::Kept(first_draft));
}

#[tokio::test]
async fn an_unreadable_draft_is_moved_aside_and_the_screen_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let draft_path = store.draft();
    std::fs::create_dir_all(draft_path.parent().unwrap()).unwrap();
    std::fs::write(&draft_path, b"{\"name\": \"weeks of").unwrap();
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    let moved = std::fs::read_dir(draft_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("draft.json.corrupt-"))
        .expect("moved aside");
    let screen = h.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        screen.contains(&format!("it was moved to {}", moved.display())),
        "{screen}"
    );
    h.wait_for_phones().await;
    h.type_text("Fresh");
    eventually("the new draft", || {
        draft::read(&draft_path)
            .ok()
            .flatten()
            .filter(|d| d.name == "Fresh")
    })
    .await;
    assert_eq!(std::fs::read(&moved).unwrap(), b"{\"name\": \"weeks of");
}

/// Every draft write fails as on a full disk.
#[derive(Debug)]
struct FullDisk;

impl draft::DraftFiles for FullDisk {
    fn replace(&self, _: &std::path::Path, _: &[u8]) -> std::io::Result<()> {
        Err(std::io::Error::from_raw_os_error(28))
    }
    fn remove(&self, _: &std::path::Path) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_full_disk_is_said_on_screen_and_no_draft_is_claimed_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let sandbox = Sandbox::start(0).await.unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let runtime =
        Runtime::with_draft_files(common::context(), client, Some(store), Box::new(FullDisk));
    let terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut h = Harness { runtime, terminal };
    h.wait_for_phones().await;
    h.type_text("Cannot keep");
    h.wait_for("the failed write", |app| {
        matches!(app.create.draft_state, DraftState::Failed(_))
    })
    .await;
    let screen = h.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        screen.contains("Your draft is not being saved (cannot write")
            && screen.contains(
                "No space left on device (os error 28)): what you type is only on this screen."
            ),
        "{screen}"
    );
    let DraftOnExit::Lost { why, earlier } = h.runtime.finish() else {
        panic!("the draft was not kept");
    };
    assert!(why.contains("No space left on device"), "{why}");
    assert_eq!(earlier, None);
}

#[tokio::test]
async fn nowhere_to_write_is_said_at_start_and_on_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    // The state folder's parent is a file: not even root can write there.
    std::fs::write(dir.path().join("state"), "a file").unwrap();
    let mut store = store_in(dir.path());
    store.state_dir = dir.path().join("state/weya-tui");
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    let screen = h.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        screen.contains(&format!(
            "Drafts cannot be saved: cannot create the folder {}/state/weya-tui:",
            dir.path().display()
        )),
        "{screen}"
    );
    h.type_text("x");
    let DraftOnExit::Lost { why, earlier: None } = h.runtime.finish() else {
        panic!("no draft can be kept");
    };
    assert!(why.contains("cannot create the folder"), "{why}");
}

#[tokio::test]
async fn a_template_of_the_same_name_is_replaced_only_after_asking() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let file = store.templates().join("Mornings.json");
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 80, 24, Some(store));
    h.wait_for_phones().await;
    let save_as = |h: &mut Harness, name: &str| {
        h.ctrl('t');
        h.type_text(name);
        h.key(KeyCode::Enter);
    };
    h.type_text("First");
    save_as(&mut h, "Mornings");
    h.wait_for("the template saved", |app| app.create.modal.is_none())
        .await;
    let batch_name = || -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&file).unwrap()).unwrap()
            ["batchName"]
            .clone()
    };
    assert_eq!(batch_name(), "First");

    h.key(KeyCode::End);
    h.type_text(" changed");
    save_as(&mut h, "Mornings");
    h.wait_for("the question", |app| {
        matches!(&app.create.modal, Some(Modal::SaveTemplate(d)) if matches!(d.step, SaveStep::ConfirmReplace(_)))
    })
    .await;
    assert!(h.screen().contains("A template named “Mornings” exists."));
    assert_eq!(batch_name(), "First", "not replaced before the answer");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    assert!(h.app().create.modal.is_none());
    assert_eq!(batch_name(), "First", "Esc kept it");

    save_as(&mut h, "Mornings");
    h.wait_for("the question", |app| {
        matches!(&app.create.modal, Some(Modal::SaveTemplate(d)) if matches!(d.step, SaveStep::ConfirmReplace(_)))
    })
    .await;
    h.key(KeyCode::Enter);
    h.wait_for("the template replaced", |app| {
        app.create
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Template saved"))
    })
    .await;
    assert_eq!(batch_name(), "First changed");
}
