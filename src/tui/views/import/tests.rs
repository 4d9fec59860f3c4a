//! `update` alone: each reply a command would bring is made here (the
//! file ones with the import core, the network ones by hand).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyModifiers};
use tempfile::TempDir;

use super::*;
use crate::import::{Control, OpenOptions, check, open};

const BATCH: &str = "64e5f12345abcdef98765432";

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 14, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn press(view: &mut ImportView, code: KeyCode) -> Vec<ImportCmd> {
    let msg = view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
    view.update(msg, t(0))
}

fn type_text(view: &mut ImportView, text: &str) {
    for c in text.chars() {
        press(view, KeyCode::Char(c));
    }
}

/// Runs the file commands as the executor would, synchronously, and
/// feeds their replies; returns the commands left (network, journal).
fn serve(view: &mut ImportView, cmds: Vec<ImportCmd>) -> Vec<ImportCmd> {
    let mut left = Vec::new();
    for cmd in cmds {
        let reply = match cmd {
            ImportCmd::Open { job, path, .. } => ImportMsg::Opened {
                job,
                result: open(
                    Path::new(&path),
                    &OpenOptions::default(),
                    &mut Control::default(),
                )
                .map(Arc::new)
                .map_err(|e| e.to_string()),
            },
            ImportCmd::Check {
                job,
                file,
                settings,
                ..
            } => ImportMsg::Checked {
                job,
                result: check(&file, &settings, &mut Control::default())
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
            },
            ImportCmd::FindJournal { .. } => ImportMsg::JournalFound(Ok(None)),
            other => {
                left.push(other);
                continue;
            }
        };
        let more = view.update(reply, t(0));
        left.extend(serve(view, more));
    }
    left
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `rows` valid US numbers, distinct.
fn contacts(rows: usize) -> String {
    let mut text = String::from("First Name,Phone,Note\n");
    for i in 0..rows {
        let _ = writeln!(
            text,
            "Ann {i},(212) 55{:01}-{:04},n{i}",
            i / 10_000,
            i % 10_000
        );
    }
    text
}

/// A view on the columns step of `text`.
fn mapped(dir: &TempDir, text: &str) -> ImportView {
    let path = write(dir, "june.csv", text);
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_text(&mut view, &path.display().to_string());
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::Open { .. }]),
        "{cmds:?}"
    );
    assert_eq!(view.step(), Step::Opening);
    assert!(serve(&mut view, cmds).is_empty());
    assert_eq!(view.step(), Step::Map);
    view
}

/// A view on the preview of `text`, guessed columns.
fn previewed(dir: &TempDir, text: &str) -> ImportView {
    let mut view = mapped(dir, text);
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(serve(&mut view, cmds).is_empty());
    assert_eq!(view.step(), Step::Preview);
    view
}

/// A view sending `rows` contacts, its journal started in `dir`; returns
/// the first SendRequest's index.
fn sending(dir: &TempDir, rows: usize) -> (ImportView, ImportJournal) {
    let mut view = previewed(dir, &contacts(rows));
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::BeginSend { plan }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    let journal =
        ImportJournal::start(&dir.path().join("imports"), BATCH, plan, Some(120)).unwrap();
    let cmds = view.update(ImportMsg::SendReady(Ok(journal.clone())), t(0));
    assert_eq!(sent(&cmds), [0]);
    (view, journal)
}

/// The indices of the requests `cmds` send.
fn sent(cmds: &[ImportCmd]) -> Vec<usize> {
    cmds.iter()
        .filter_map(|c| match c {
            ImportCmd::SendRequest { index, .. } => Some(*index),
            _ => None,
        })
        .collect()
}

fn done(view: &mut ImportView, index: usize, outcome: RequestOutcome, at: i64) -> Vec<ImportCmd> {
    view.update(ImportMsg::RequestDone { index, outcome }, t(at))
}

fn confirmed() -> RequestOutcome {
    RequestOutcome::Confirmed { added: Some(1000) }
}

#[test]
fn the_steps_follow_one_another_and_esc_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(3));
    assert_eq!(view.mapping().phone, Some(1), "the phone column is guessed");
    assert_eq!(view.region().map(|r| r.to_string()).as_deref(), Some("US"));
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [ImportCmd::Check { .. }]));
    assert_eq!(view.step(), Step::Checking);
    // Esc stops the check: its flag is set and its late reply dropped.
    let ImportCmd::Check { cancel, job, .. } = &cmds[0] else {
        unreachable!()
    };
    press(&mut view, KeyCode::Esc);
    assert!(cancel.load(Ordering::Relaxed));
    assert_eq!(view.step(), Step::Map);
    view.update(
        ImportMsg::Checked {
            job: *job,
            result: Err("stopped before the end".into()),
        },
        t(0),
    );
    assert_eq!(view.step(), Step::Map);
    assert_eq!(view.error, None, "a stale reply says nothing");
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(serve(&mut view, cmds).is_empty());
    assert_eq!(view.step(), Step::Preview);
    assert_eq!(view.report().unwrap().counts.valid, 3);
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.step(), Step::Map);
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.step(), Step::Pick);
    assert!(matches!(
        press(&mut view, KeyCode::Esc).as_slice(),
        [ImportCmd::Close]
    ));
}

#[test]
fn tab_lists_the_directory_by_command_and_completes() {
    let mut view = ImportView::new(BATCH, "June", None);
    type_text(&mut view, "~/data/con");
    let cmds = press(&mut view, KeyCode::Tab);
    let [ImportCmd::ListDir { typed }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(typed, "~/data/con");
    view.update(
        ImportMsg::DirListed {
            typed: typed.clone(),
            result: Ok(vec![
                Entry::file("contacts-june.csv"),
                Entry::file("contacts-july.xlsx"),
                Entry::dir("archive"),
            ]),
        },
        t(0),
    );
    assert_eq!(view.path.value(), "~/data/contacts-ju");
    assert_eq!(view.candidates.len(), 2);
    // The same directory: no second listing.
    type_text(&mut view, "n");
    assert!(press(&mut view, KeyCode::Tab).is_empty());
    assert_eq!(view.path.value(), "~/data/contacts-june.csv");
    // "j" was typed, not taken as a key of another step.
    let mut view = ImportView::new(BATCH, "June", None);
    type_text(&mut view, "jk p");
    assert_eq!(view.path.value(), "jk p");
}

#[test]
fn columns_can_be_unticked_and_renamed_and_the_check_sends_what_was_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(2));
    // The cursor starts on the phone column; the name is above it.
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('e'));
    type_text(&mut view, "name");
    press(&mut view, KeyCode::Enter);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Char(' '));
    assert!(!view.mapping().columns[2].send, "Note unticked");
    assert_eq!(view.mapping().columns[0].name, "name");
    // Esc while renaming keeps the name.
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('e'));
    type_text(&mut view, "x");
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.mapping().columns[0].name, "name");
    assert_eq!(view.step(), Step::Map, "Esc left the name, not the step");

    let cmds = press(&mut view, KeyCode::Enter);
    let ImportCmd::Check { settings, .. } = &cmds[0] else {
        panic!("{cmds:?}");
    };
    assert_eq!(settings.mapping, *view.mapping());
    serve(&mut view, cmds);
    assert_eq!(
        view.report().unwrap().samples[0],
        r#"{"phoneNumber":"12125500000","name":"Ann 0"}"#
    );
}

#[test]
fn a_mapping_that_cannot_be_sent_says_why_and_checks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(2));
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('e'));
    type_text(&mut view, "Note");
    press(&mut view, KeyCode::Enter);
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert_eq!(view.step(), Step::Map);
    assert!(
        view.error
            .as_deref()
            .unwrap()
            .contains("would all be sent as “Note”")
    );
}

#[test]
fn the_region_is_typed_and_a_wrong_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(1));
    press(&mut view, KeyCode::Char('g'));
    type_text(&mut view, "zz");
    press(&mut view, KeyCode::Enter);
    assert!(view.error.is_some());
    assert!(view.edit.is_some(), "still typing");
    press(&mut view, KeyCode::Backspace);
    press(&mut view, KeyCode::Backspace);
    type_text(&mut view, "gb");
    press(&mut view, KeyCode::Enter);
    assert_eq!(view.region().map(|r| r.to_string()).as_deref(), Some("GB"));
}

#[test]
fn esc_pauses_after_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, _) = sending(&dir, 2500);
    assert!(
        press(&mut view, KeyCode::Esc).is_empty(),
        "nothing is cut off"
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Pausing);
    assert!(sent(&done(&mut view, 0, confirmed(), 2)).is_empty());
    assert_eq!(view.sending().unwrap().phase, SendPhase::Paused);
    assert_eq!(view.sending().unwrap().rows_confirmed(), 1000);
    assert_eq!(sent(&press(&mut view, KeyCode::Enter)), [1]);
    assert_eq!(sent(&done(&mut view, 1, confirmed(), 4)), [2]);
}

#[test]
fn the_rate_and_time_left_come_from_the_times_handed_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, _) = sending(&dir, 2500);
    done(&mut view, 0, confirmed(), 2);
    let (rate, left) = view.sending().unwrap().rate(t(2)).unwrap();
    assert!((rate - 500.0).abs() < 1e-9, "{rate}");
    // 1,500 rows at 500 a second.
    assert_eq!(left, 3);
}

#[test]
fn a_failed_request_does_not_stop_the_others_and_r_resends_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    let failed = RequestOutcome::Failed {
        reason: "HTTP 207, none of its rows stored: chunk 1 failed".into(),
    };
    assert_eq!(sent(&done(&mut view, 0, confirmed(), 1)), [1]);
    assert_eq!(sent(&done(&mut view, 1, failed, 2)), [2]);
    assert!(sent(&done(&mut view, 2, confirmed(), 3)).is_empty());
    let sending = view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Done);
    let listed: Vec<usize> = sending.failed().map(|(r, _)| r.index).collect();
    assert_eq!(listed, [1]);

    assert!(matches!(
        press(&mut view, KeyCode::Char('r')).as_slice(),
        [ImportCmd::RetryFailed]
    ));
    // The executor's journal, as it would be by now.
    for (index, outcome) in [(0, None), (1, Some("chunk 1 failed")), (2, None)] {
        journal.mark_sending(index).unwrap();
        match outcome {
            None => journal.mark_confirmed(index, None).unwrap(),
            Some(why) => journal.mark_failed(index, why).unwrap(),
        }
    }
    journal.retry_failed().unwrap();
    let cmds = view.update(ImportMsg::JournalUpdated(Ok(journal)), t(5));
    assert_eq!(sent(&cmds), [1], "only the failed request again");
    done(&mut view, 1, confirmed(), 6);
    assert_eq!(view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(view.sending().unwrap().failed().count(), 0);
    assert_eq!(view.sending().unwrap().rows_confirmed(), 2500);
}

#[test]
fn an_unknown_outcome_waits_for_the_operator_with_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    let unknown = RequestOutcome::Unknown {
        reason: "no answer within 30 s".into(),
    };
    done(&mut view, 0, confirmed(), 1);
    assert_eq!(
        sent(&done(&mut view, 1, unknown, 31)),
        [2],
        "the others go on"
    );
    let cmds = done(&mut view, 2, confirmed(), 32);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::FetchTotals]),
        "{cmds:?}"
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Doubt);
    view.update(ImportMsg::Totals(Ok(2620)), t(33));
    assert_eq!(view.sending().unwrap().totals_before, Some(120));
    // Nothing sends it silently: not Enter, not r.
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert!(press(&mut view, KeyCode::Char('r')).is_empty());
    let cmds = press(&mut view, KeyCode::Char('s'));
    assert!(
        matches!(
            cmds.as_slice(),
            [ImportCmd::ResolveUnknown {
                index: 1,
                resolution: Resolution::SendAgain
            }]
        ),
        "{cmds:?}"
    );
    for (index, unknown) in [(0, false), (1, true), (2, false)] {
        journal.mark_sending(index).unwrap();
        if unknown {
            journal.mark_unknown(index, "no answer").unwrap();
        } else {
            journal.mark_confirmed(index, None).unwrap();
        }
    }
    journal.resolve_unknown(1, Resolution::SendAgain).unwrap();
    let cmds = view.update(ImportMsg::JournalUpdated(Ok(journal)), t(40));
    assert_eq!(sent(&cmds), [1]);
}

#[test]
fn a_recorded_import_of_the_same_file_is_offered_for_resuming() {
    let dir = tempfile::tempdir().unwrap();
    // The first run: guessed columns, two requests sent of three.
    let (first, mut journal) = sending(&dir, 2500);
    for index in 0..2 {
        journal.mark_sending(index).unwrap();
        journal.mark_confirmed(index, None).unwrap();
    }
    drop(first);
    // The same file again; the operator unticks a column before the
    // journal is found.
    let path = dir.path().join("june.csv");
    let mut view = ImportView::new(BATCH, "June renewals", None);
    type_text(&mut view, &path.display().to_string());
    let cmds = press(&mut view, KeyCode::Enter);
    let ImportCmd::Open { job, path, .. } = &cmds[0] else {
        panic!()
    };
    let file = open(
        Path::new(path),
        &OpenOptions::default(),
        &mut Control::default(),
    )
    .unwrap();
    let cmds = view.update(
        ImportMsg::Opened {
            job: *job,
            result: Ok(Arc::new(file)),
        },
        t(0),
    );
    assert!(matches!(cmds.as_slice(), [ImportCmd::FindJournal { .. }]));
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Char(' '));
    view.update(ImportMsg::JournalFound(Ok(Some(journal.clone()))), t(0));
    assert_eq!(view.step(), Step::Resume);
    let cmds = press(&mut view, KeyCode::Enter);
    let ImportCmd::Check { settings, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!(settings, journal.settings(), "checked as recorded");
    serve(&mut view, cmds);
    assert_eq!(view.step(), Step::Preview);
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [ImportCmd::BeginSend { .. }]));
    let cmds = view.update(ImportMsg::SendReady(Ok(journal)), t(0));
    assert_eq!(sent(&cmds), [2], "from the first unconfirmed request");
    assert_eq!(view.sending().unwrap().rows_confirmed(), 2000);
}

#[test]
fn the_rejected_rows_are_written_by_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = previewed(&dir, "phone\n2125550143\nn/a\n");
    assert_eq!(view.report().unwrap().counts.invalid, 1);
    let cmds = press(&mut view, KeyCode::Char('w'));
    assert!(matches!(cmds.as_slice(), [ImportCmd::WriteRejected { .. }]));
    view.update(
        ImportMsg::RejectedWritten(Ok(Some(dir.path().join("june.rejected.csv")))),
        t(0),
    );
    assert!(
        view.notice
            .as_deref()
            .unwrap()
            .contains("june.rejected.csv")
    );
}

#[test]
fn the_rate_counts_only_time_spent_sending_and_stands_still_once_done() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, _) = sending(&dir, 2500);
    done(&mut view, 0, confirmed(), 2);
    view.update(ImportMsg::Action(Action::Back), t(3));
    done(&mut view, 1, confirmed(), 4);
    assert_eq!(view.sending().unwrap().phase, SendPhase::Paused);
    let rate = |view: &ImportView, at| view.sending().unwrap().rate(t(at)).unwrap().0;
    // 2,000 rows in 4 s, however long the pause lasts.
    assert!((rate(&view, 4) - 500.0).abs() < 1e-9);
    assert!(
        (rate(&view, 100) - 500.0).abs() < 1e-9,
        "{}",
        rate(&view, 100)
    );
    // Resumed at 50 s: the 46 s paused are not sending time.
    let cmds = view.update(ImportMsg::Action(Action::Resume), t(50));
    assert_eq!(sent(&cmds), [2]);
    done(
        &mut view,
        2,
        RequestOutcome::Confirmed { added: Some(500) },
        51,
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Done);
    // 2,500 rows in 5 s of sending, and still so long after Done.
    assert!(
        (rate(&view, 51) - 500.0).abs() < 1e-9,
        "{}",
        rate(&view, 51)
    );
    assert!(
        (rate(&view, 5000) - 500.0).abs() < 1e-9,
        "{}",
        rate(&view, 5000)
    );
}

#[test]
fn a_refusal_from_another_import_is_gone_once_this_one_sends() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = previewed(&dir, &contacts(1500));
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [ImportCmd::BeginSend { .. }]));
    let refusal = "another import of this file into this batch is running (process 42)";
    view.update(ImportMsg::SendReady(Err(refusal.into())), t(0));
    assert_eq!(view.step(), Step::Preview);
    assert_eq!(view.error.as_deref(), Some(refusal));
    // The other run ended; Enter again takes the import.
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::BeginSend { plan }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(view.error, None, "the refusal is the past");
    let journal = ImportJournal::start(&dir.path().join("imports"), BATCH, plan, None).unwrap();
    let cmds = view.update(ImportMsg::SendReady(Ok(journal)), t(0));
    assert_eq!(sent(&cmds), [0]);
    done(&mut view, 0, confirmed(), 1);
    done(
        &mut view,
        1,
        RequestOutcome::Confirmed { added: Some(500) },
        2,
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(view.error, None);
}

/// The submit journal as `weya-tui create` leaves it after making `BATCH`
/// in Asia/Tokyo on the sandbox.
fn journal_of_a_batch_made_by_create(dir: &TempDir) -> PathBuf {
    use crate::store::journal::{self, Answered, JournalEntry};
    let path = dir.path().join("journal.jsonl");
    let created = crate::api::Created {
        batch_id: BATCH.into(),
        request_id: None,
    };
    let body = r#"{"batchName":"Tokyo","callingNumbers":["64e5f12345abcdef87654321"],"timezone":"Asia/Tokyo"}"#;
    let entry = JournalEntry::new(
        t(0),
        "sandbox".into(),
        "Tokyo".into(),
        body,
        Answered::Created(&created),
    );
    journal::append(&path, &entry).unwrap();
    path
}

#[tokio::test]
async fn a_batch_made_by_create_presets_its_region_as_batch_import_does() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_of_a_batch_made_by_create(&dir);
    let client = crate::api::WeyaClient::new(crate::api::ClientConfig::new(
        "http://127.0.0.1:9",
        crate::api::Auth::ApiKey("key".into()),
    ))
    .unwrap();
    let executor = super::executor::ImportExecutor::new(client, BATCH, None, None)
        .with_submit_journal(Some(journal.clone()), "sandbox");
    let reply = executor
        .run(ImportCmd::FindBatchRegion, Arc::new(|_| {}))
        .await
        .unwrap();
    // The shell knew no timezone for it: created after the TUI started.
    let mut view = ImportView::new(BATCH, "Tokyo", None);
    assert_eq!(view.region(), None);
    view.update(reply, t(0));
    assert_eq!(view.region().map(|r| r.to_string()), Some("JP".into()));
    // `batch import` reads it through the same function.
    let (region, zone) = crate::import::region::of_batch(&journal, BATCH, "sandbox").unwrap();
    assert_eq!(
        (region.to_string(), zone.as_str()),
        ("JP".into(), "Asia/Tokyo")
    );
    // Another target's batch of that ID is not this one.
    assert!(crate::import::region::of_batch(&journal, BATCH, "api.example.com").is_none());
}

#[test]
fn the_batch_region_does_not_overwrite_the_operators_once_a_file_is_open() {
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    let jp = Region::for_timezone("Asia/Tokyo");
    view.update(ImportMsg::BatchRegion(jp), t(0));
    assert_eq!(view.region().map(|r| r.to_string()), Some("US".into()));
}
