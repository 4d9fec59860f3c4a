//! `update` alone: each reply a command would bring is made here (the
//! file ones with the import core, the network ones by hand).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyModifiers};
use tempfile::TempDir;

use super::*;
use crate::import::existing::BatchNumbers;
use crate::import::{Control, OpenOptions, check, open};

const BATCH: &str = "64e5f12345abcdef98765432";

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 14, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn press(view: &mut ImportView, code: KeyCode) -> Vec<ImportCmd> {
    let msg = view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
    view.work(msg, t(0))
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
            // No choices kept from before; the ones made are kept.
            ImportCmd::FindChoices { .. } => ImportMsg::ChoicesFound(Ok(None)),
            ImportCmd::SaveChoices { .. } => ImportMsg::ChoicesSaved(Ok(())),
            // A batch that holds no calls yet.
            ImportCmd::Compare { job, .. } => ImportMsg::Compared {
                job,
                result: Ok(Arc::new(Comparison {
                    numbers: Arc::new(BatchNumbers::default()),
                    left_out: 0,
                })),
            },
            other => {
                left.push(other);
                continue;
            }
        };
        let more = view.work(reply, t(0));
        left.extend(serve(view, more));
    }
    left
}

/// Runs the check of `cmds` and returns what its reply brings (the
/// comparison with the batch, unanswered).
fn serve_check_only(view: &mut ImportView, cmds: Vec<ImportCmd>) -> Vec<ImportCmd> {
    let [
        ImportCmd::Check {
            job,
            file,
            settings,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    let report = check(file, settings, &mut Control::default()).unwrap();
    view.work(
        ImportMsg::Checked {
            job: *job,
            result: Ok(Arc::new(report)),
        },
        t(0),
    )
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
    let [ImportCmd::BeginSend { plan, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    let journal =
        ImportJournal::start(&dir.path().join("imports"), BATCH, plan, Some(120)).unwrap();
    let cmds = view.work(ImportMsg::SendReady(Ok(journal.clone())), t(0));
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

/// What the engine made of a request's answer, as the executor's
/// journal records it.
enum Answer {
    Confirmed,
    Failed(&'static str),
    Unknown(&'static str),
    Partial(u64, &'static str),
}

/// Request `index` answered as `answer`: the journal the executor would
/// hand back, into the view.
fn done(
    view: &mut ImportView,
    journal: &mut ImportJournal,
    index: usize,
    answer: Answer,
    at: i64,
) -> Vec<ImportCmd> {
    journal.mark_sending(index).unwrap();
    match answer {
        Answer::Confirmed => journal.mark_confirmed(index, None).unwrap(),
        Answer::Failed(why) => journal.mark_failed(index, why).unwrap(),
        Answer::Unknown(why) => journal.mark_unknown(index, why).unwrap(),
        Answer::Partial(added, why) => journal.mark_partial(index, added, why).unwrap(),
    }
    view.work(
        ImportMsg::RequestDone {
            index,
            journal: Some(journal.clone()),
            stop: None,
        },
        t(at),
    )
}

fn confirmed() -> Answer {
    Answer::Confirmed
}

fn rows_confirmed(view: &ImportView) -> u64 {
    view.sending().unwrap().summary().rows_confirmed
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
    view.work(
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
    view.work(
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
    let (mut view, mut journal) = sending(&dir, 2500);
    assert!(
        press(&mut view, KeyCode::Esc).is_empty(),
        "nothing is cut off"
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Pausing);
    assert!(sent(&done(&mut view, &mut journal, 0, confirmed(), 2)).is_empty());
    assert_eq!(view.sending().unwrap().phase, SendPhase::Paused);
    assert_eq!(rows_confirmed(&view), 1000);
    assert_eq!(sent(&press(&mut view, KeyCode::Enter)), [1]);
    assert_eq!(sent(&done(&mut view, &mut journal, 1, confirmed(), 4)), [2]);
}

#[test]
fn the_rate_and_time_left_come_from_the_times_handed_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    done(&mut view, &mut journal, 0, confirmed(), 2);
    let (rate, left) = view.sending().unwrap().rate(t(2)).unwrap();
    assert!((rate - 500.0).abs() < 1e-9, "{rate}");
    // 1,500 rows at 500 a second.
    assert_eq!(left, 3);
}

#[test]
fn a_failed_request_does_not_stop_the_others_and_r_resends_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    let failed = Answer::Failed("HTTP 207, chunk 1: failed");
    assert_eq!(sent(&done(&mut view, &mut journal, 0, confirmed(), 1)), [1]);
    assert_eq!(sent(&done(&mut view, &mut journal, 1, failed, 2)), [2]);
    assert!(sent(&done(&mut view, &mut journal, 2, confirmed(), 3)).is_empty());
    let sending = view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Done);
    let listed: Vec<usize> = sending.failed().map(|(r, _)| r.index).collect();
    assert_eq!(listed, [1]);

    assert!(matches!(
        press(&mut view, KeyCode::Char('r')).as_slice(),
        [ImportCmd::RetryFailed]
    ));
    // The executor's journal, as it would be by now.
    journal.retry_failed().unwrap();
    let cmds = view.work(ImportMsg::JournalUpdated(Ok(journal.clone())), t(5));
    assert_eq!(sent(&cmds), [1], "only the failed request again");
    done(&mut view, &mut journal, 1, confirmed(), 6);
    assert_eq!(view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(view.sending().unwrap().failed().count(), 0);
    assert_eq!(rows_confirmed(&view), 2500);
}

#[test]
fn an_unknown_outcome_waits_for_the_operator_with_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    let unknown = Answer::Unknown("no answer within 30 s");
    done(&mut view, &mut journal, 0, confirmed(), 1);
    assert_eq!(
        sent(&done(&mut view, &mut journal, 1, unknown, 31)),
        [2],
        "the others go on"
    );
    let cmds = done(&mut view, &mut journal, 2, confirmed(), 32);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::FetchTotals]),
        "{cmds:?}"
    );
    assert_eq!(view.sending().unwrap().phase, SendPhase::Doubt);
    view.work(ImportMsg::Totals(Ok(2620)), t(33));
    assert_eq!(view.sending().unwrap().totals_before(), Some(120));
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
    journal.resolve_unknown(1, Resolution::SendAgain).unwrap();
    let cmds = view.work(ImportMsg::JournalUpdated(Ok(journal)), t(40));
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
    let cmds = view.work(
        ImportMsg::Opened {
            job: *job,
            result: Ok(Arc::new(file)),
        },
        t(0),
    );
    assert!(matches!(
        cmds.as_slice(),
        [ImportCmd::FindJournal { .. }, ImportCmd::FindChoices { .. }]
    ));
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Char(' '));
    view.work(ImportMsg::JournalFound(Ok(Some(journal.clone()))), t(0));
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
    let cmds = view.work(ImportMsg::SendReady(Ok(journal)), t(0));
    assert_eq!(sent(&cmds), [2], "from the first unconfirmed request");
    assert_eq!(rows_confirmed(&view), 2000);
}

#[test]
fn the_rejected_rows_are_written_by_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = previewed(&dir, "phone\n2125550143\nn/a\n");
    assert_eq!(view.report().unwrap().counts.invalid, 1);
    let cmds = press(&mut view, KeyCode::Char('w'));
    assert!(matches!(cmds.as_slice(), [ImportCmd::WriteRejected { .. }]));
    let written = crate::import::Written {
        path: dir.path().join("june.rejected.csv"),
        rows: 1,
        guarded: 0,
        unchanged: false,
    };
    view.work(ImportMsg::RejectedWritten(Ok(Some(written))), t(0));
    assert!(
        view.notice
            .as_deref()
            .unwrap()
            .contains("june.rejected.csv")
    );
}

#[test]
fn a_rejected_file_holding_other_rows_is_overwritten_only_on_a_second_w() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = previewed(&dir, "phone\n2125550143\nn/a\n");
    let cmds = press(&mut view, KeyCode::Char('w'));
    assert!(matches!(
        cmds.as_slice(),
        [ImportCmd::WriteRejected {
            overwrite: false,
            ..
        }]
    ));
    let there = dir.path().join("june.rejected.csv");
    view.work(ImportMsg::RejectedExists(there.clone()), t(0));
    let asked = view.error.clone().unwrap();
    assert!(asked.contains("w again overwrites it"), "{asked}");
    // Any other key keeps the file.
    assert!(press(&mut view, KeyCode::Down).is_empty());
    assert_eq!(view.error, None);
    let cmds = press(&mut view, KeyCode::Char('w'));
    assert!(matches!(
        cmds.as_slice(),
        [ImportCmd::WriteRejected {
            overwrite: false,
            ..
        }]
    ));
    view.work(ImportMsg::RejectedExists(there), t(0));
    let cmds = press(&mut view, KeyCode::Char('w'));
    assert!(
        matches!(
            cmds.as_slice(),
            [ImportCmd::WriteRejected {
                overwrite: true,
                ..
            }]
        ),
        "{cmds:?}"
    );
}

#[test]
fn the_rows_to_send_are_compared_with_the_batch_and_x_sends_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(1500));
    let cmds = press(&mut view, KeyCode::Enter);
    let [
        ImportCmd::Check {
            job,
            file,
            settings,
            ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    let report = check(file, settings, &mut Control::default()).unwrap();
    let cmds = view.work(
        ImportMsg::Checked {
            job: *job,
            result: Ok(Arc::new(report)),
        },
        t(0),
    );
    let [ImportCmd::Compare { job, requests, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(requests, &[0, 1]);
    let job = *job;
    // Enter waits for the comparison: nothing is sent before it, and
    // sending starts once it is done.
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert!(view.send_when_compared);
    assert_eq!(view.step(), Step::Preview);
    let numbers = Arc::new(BatchNumbers::from_numbers([12_125_500_000, 12_125_500_001]));
    let cmds = view.work(
        ImportMsg::Compared {
            job,
            result: Ok(Arc::new(Comparison {
                numbers: Arc::clone(&numbers),
                left_out: 2,
            })),
        },
        t(0),
    );
    let [ImportCmd::BeginSend { existing, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        existing.as_ref(),
        Some(&numbers),
        "the engine leaves them out"
    );

    // Numbers that cannot be read: an Enter given meanwhile sends nothing.
    let mut view = mapped(&dir, &contacts(1500));
    let cmds = press(&mut view, KeyCode::Enter);
    let cmds = serve_check_only(&mut view, cmds);
    let [ImportCmd::Compare { job, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let job = *job;
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    let cmds = view.work(
        ImportMsg::Compared {
            job,
            result: Err("HTTP 401 (not authenticated)".into()),
        },
        t(0),
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(view.error.as_deref().unwrap().starts_with("Not sent"));
    assert!(matches!(view.comparing(), Some(Comparing::Failed(_))));
    // Enter now knowingly sends every row.
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(
        matches!(
            cmds.as_slice(),
            [ImportCmd::BeginSend { existing: None, .. }]
        ),
        "{cmds:?}"
    );

    // b: sent too, nothing compared.
    let mut view = previewed(&dir, &contacts(1500));
    assert!(press(&mut view, KeyCode::Char('b')).is_empty());
    assert_eq!(view.comparing(), Some(&Comparing::Off));
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(
        matches!(
            cmds.as_slice(),
            [ImportCmd::BeginSend { existing: None, .. }]
        ),
        "{cmds:?}"
    );
}

#[test]
fn a_request_the_engine_stops_after_pauses_sending_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    journal.mark_sending(0).unwrap();
    journal
        .mark_failed(0, "HTTP 403 (the credential was refused) (request ID r-9)")
        .unwrap();
    let cmds = view.work(
        ImportMsg::RequestDone {
            index: 0,
            journal: Some(journal.clone()),
            stop: Some("the remaining requests were not sent: Weya would refuse them".into()),
        },
        t(1),
    );
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    let sending = view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Paused);
    assert!(sending.error.as_deref().unwrap().contains("not sent"));
    let (_, reason) = sending.failed().next().unwrap();
    assert!(reason.contains("request ID r-9"), "{reason}");
}

#[test]
fn a_partly_added_request_is_in_doubt_never_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    done(&mut view, &mut journal, 0, confirmed(), 1);
    done(
        &mut view,
        &mut journal,
        1,
        Answer::Partial(500, "Weya added 500 of the 1,000 rows sent: 500 not added"),
        2,
    );
    let cmds = done(&mut view, &mut journal, 2, confirmed(), 3);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::FetchTotals]),
        "{cmds:?}"
    );
    let sending = view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Doubt);
    assert_eq!(sending.in_doubt().unwrap().index, 1);
    assert_eq!(sending.summary().rows_confirmed, 1500);
    assert_eq!(sending.summary().rows_short, 500);
}

#[test]
fn the_rate_counts_only_time_spent_sending_and_stands_still_once_done() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    done(&mut view, &mut journal, 0, confirmed(), 2);
    view.work(ImportMsg::Input(Input::Action(Action::Back)), t(3));
    done(&mut view, &mut journal, 1, confirmed(), 4);
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
    let cmds = view.work(ImportMsg::Input(Input::Action(Action::Resume)), t(50));
    assert_eq!(sent(&cmds), [2]);
    done(&mut view, &mut journal, 2, confirmed(), 51);
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
    view.work(ImportMsg::SendReady(Err(refusal.into())), t(0));
    assert_eq!(view.step(), Step::Preview);
    assert_eq!(view.error.as_deref(), Some(refusal));
    // The other run ended; Enter again takes the import.
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::BeginSend { plan, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(view.error, None, "the refusal is the past");
    let journal = ImportJournal::start(&dir.path().join("imports"), BATCH, plan, None).unwrap();
    let mut journal = journal;
    let cmds = view.work(ImportMsg::SendReady(Ok(journal.clone())), t(0));
    assert_eq!(sent(&cmds), [0]);
    done(&mut view, &mut journal, 0, confirmed(), 1);
    done(&mut view, &mut journal, 1, confirmed(), 2);
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
    view.work(reply, t(0));
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
    view.work(ImportMsg::BatchRegion(jp), t(0));
    assert_eq!(view.region().map(|r| r.to_string()), Some("US".into()));
}

/// Esc on a batch known gone closes the view (the footer's only key).
fn esc_closes(view: &mut ImportView) {
    assert_eq!(view.scopes(), [Scope::ImportGone]);
    let cmds = press(view, KeyCode::Esc);
    assert!(matches!(cmds.as_slice(), [ImportCmd::Close]), "{cmds:?}");
}

#[test]
fn a_404_reading_the_batchs_numbers_says_the_batch_is_gone_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = mapped(&dir, &contacts(1500));
    let cmds = press(&mut view, KeyCode::Enter);
    let cmds = serve_check_only(&mut view, cmds);
    let [ImportCmd::Compare { job, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let job = *job;
    // Enter while the numbers are read: it waits for them.
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    let cmds = view.work(
        ImportMsg::CompareGone {
            job,
            why: "Weya answers HTTP 404 (not found): Batch not found".into(),
        },
        t(0),
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(
        view.batch_gone(),
        Some("Weya answers HTTP 404 (not found): Batch not found")
    );
    let error = view.error.as_deref().unwrap();
    assert!(error.contains("no longer exists"), "{error}");
    // Enter sends nothing, now or later; not offered in the footer.
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    assert!(view.sending().is_none());
    esc_closes(&mut view);
}

#[test]
fn a_404_while_sending_stops_it_and_enter_sends_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = sending(&dir, 2500);
    journal.mark_sending(0).unwrap();
    journal
        .mark_failed(0, "HTTP 404 (not found): Batch not found")
        .unwrap();
    journal
        .mark_batch_gone("Weya does not find the batch: HTTP 404 (not found)")
        .unwrap();
    let cmds = view.work(
        ImportMsg::RequestDone {
            index: 0,
            journal: Some(journal.clone()),
            stop: Some("the remaining requests were not sent: Weya would refuse them".into()),
        },
        t(1),
    );
    assert!(sent(&cmds).is_empty(), "{cmds:?}");
    assert_eq!(view.sending().unwrap().phase, SendPhase::Paused);
    assert!(view.batch_gone().is_some());
    // Enter (resume) and r (resend) send nothing after the engine's stop.
    for key in [KeyCode::Enter, KeyCode::Enter, KeyCode::Char('r')] {
        let cmds = press(&mut view, key);
        assert!(sent(&cmds).is_empty(), "{key:?}: {cmds:?}");
        assert!(
            !cmds.iter().any(|c| matches!(c, ImportCmd::RetryFailed)),
            "{cmds:?}"
        );
    }
    esc_closes(&mut view);
}

#[test]
fn a_journal_that_knows_the_batch_gone_is_not_offered_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut journal) = sending(&dir, 2500);
    journal.mark_sending(0).unwrap();
    journal.mark_failed(0, "HTTP 404 (not found)").unwrap();
    journal
        .mark_batch_gone("Weya does not find the batch: HTTP 404 (not found)")
        .unwrap();
    let mut view = mapped(&dir, &contacts(2500));
    view.work(ImportMsg::JournalFound(Ok(Some(journal))), t(0));
    assert_eq!(view.step(), Step::Map, "no resume offered");
    assert!(view.batch_gone().is_some());
    assert!(
        press(&mut view, KeyCode::Enter).is_empty(),
        "Enter checks nothing"
    );
    esc_closes(&mut view);
}

#[test]
fn the_gone_first_step_offers_only_esc() {
    let mut view = ImportView::new(BATCH, "June renewals", None);
    assert_eq!(view.scopes(), [Scope::ImportPick]);
    view.work(
        ImportMsg::BatchChecked(Some("Weya answers HTTP 404 (not found)".into())),
        t(0),
    );
    type_text(&mut view, "/tmp/x.csv");
    assert!(press(&mut view, KeyCode::Enter).is_empty());
    esc_closes(&mut view);
}
