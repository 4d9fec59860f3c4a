//! The draft and templates through the real effects, on disk in a temporary
//! folder.

mod common;

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;

use common::{Harness, store_in};
use weya_tui::app::Modal;
use weya_tui::sandbox::Sandbox;
use weya_tui::store::draft;

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
    let draft_path = store.draft.clone();
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::with_store(sandbox.client_config(), 120, 40, Some(store));
    h.wait_for_phones().await;
    h.type_text("Kept safe");
    let typed_at = Instant::now();
    let saved = eventually("the draft", || {
        draft::read(&draft_path)
            .ok()
            .flatten()
            .filter(|d| d.name == "Kept safe")
    })
    .await;
    // The write waits for DRAFT_DELAY (0.3 s) to gather keystrokes; this only
    // catches a draft that is not written until much later (e.g. on exit).
    assert!(
        typed_at.elapsed() < Duration::from_secs(3),
        "{:?}",
        typed_at.elapsed()
    );
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
    let template_dir = store.templates.clone();
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
        app.notice
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
        matches!(&app.modal, Some(Modal::LoadTemplate { names, .. }) if names.value().is_some())
    })
    .await;
    assert!(h.screen().contains("Weekday base v2"));
    h.key(KeyCode::Enter);
    h.wait_for("the template loaded", |app| {
        app.form.name.value() == "Weekday base"
    })
    .await;
    assert_eq!(
        h.app().form.numbers.selected_ids(),
        vec!["64e5f12345abcdef87654321"]
    );
}
