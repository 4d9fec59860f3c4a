//! The import view alone, driven as the shell drives it: keys into
//! `update`, its commands run by the executor against the embedded
//! sandbox, the replies back into `update`. And every step drawn: insta
//! snapshots at 80x24 and 120x40. (`flow.rs` drives it inside the app.)

use crate::common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tempfile::TempDir;

use common::screen_text;
use weya_tui::api::WeyaClient;
use weya_tui::import::existing::BatchNumbers;
use weya_tui::import::path::Entry;
use weya_tui::import::{ImportJournal, Progress, Stage};
use weya_tui::sandbox::Fault;
use weya_tui::sandbox::Sandbox;
use weya_tui::tui::keymap;
use weya_tui::tui::views::import::executor::{ImportExecutor, ProgressSink};
use weya_tui::tui::views::import::{Comparison, ImportCmd, ImportMsg, ImportView, SendPhase, Step};
use weya_tui::tui::widgets::DrawView;
use weya_tui::tui::widgets::theme::Theme;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const BATCH: &str = "64e5f12345abcdef98765432";

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 14, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn messy_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messy-semicolon-1252.csv")
}

/// `rows` distinct valid US numbers.
fn contacts(rows: usize) -> String {
    let mut text = String::from("First Name,Phone,Note\n");
    for i in 0..rows {
        let _ = writeln!(
            text,
            "Ann {i},(212) 5{:02}-{:04},n{i}",
            50 + i / 10_000,
            i % 10_000
        );
    }
    text
}

/// The view and an executor, with a clock that moves a second per reply.
struct Drive {
    view: ImportView,
    executor: ImportExecutor,
    clock: i64,
}

impl Drive {
    fn new(client: WeyaClient, batch: &str, journals: &Path) -> Self {
        Self {
            view: ImportView::new(batch, "June renewals", Some("America/New_York")),
            executor: ImportExecutor::new(client, batch, Some(journals.to_owned()), None),
            clock: 0,
        }
    }

    fn key(&mut self, code: KeyCode) -> Vec<ImportCmd> {
        let msg = self.view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
        self.view.work(msg, t(self.clock))
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Runs `cmds` and every command their replies bring, one at a time;
    /// `around` is told of each before it runs (`true`) and after (`false`).
    async fn run(&mut self, cmds: Vec<ImportCmd>, around: &mut dyn FnMut(&ImportCmd, bool)) {
        let mut queue = std::collections::VecDeque::from(cmds);
        while let Some(cmd) = queue.pop_front() {
            let seen: Arc<Mutex<Vec<ImportMsg>>> = Arc::default();
            let sink: ProgressSink = {
                let seen = Arc::clone(&seen);
                Arc::new(move |msg| seen.lock().unwrap().push(msg))
            };
            around(&cmd, true);
            let reply =
                tokio::time::timeout(common::PATIENCE, self.executor.run(cmd.clone(), sink))
                    .await
                    .expect("the command ends");
            around(&cmd, false);
            let mut replies: Vec<ImportMsg> = seen.lock().unwrap().drain(..).collect();
            replies.extend(reply);
            for reply in replies {
                self.clock += 1;
                queue.extend(self.view.work(reply, t(self.clock)));
            }
        }
    }

    /// Runs one command and returns the commands its replies bring.
    async fn run_one(&mut self, cmds: Vec<ImportCmd>) -> Vec<ImportCmd> {
        let mut next = Vec::new();
        for cmd in cmds {
            let sink: ProgressSink = Arc::new(|_| {});
            let reply = tokio::time::timeout(common::PATIENCE, self.executor.run(cmd, sink))
                .await
                .expect("the command ends");
            self.clock += 1;
            if let Some(reply) = reply {
                next.extend(self.view.work(reply, t(self.clock)));
            }
        }
        next
    }

    async fn press(&mut self, code: KeyCode) {
        let cmds = self.key(code);
        self.run(cmds, &mut |_, _| {}).await;
    }
}

async fn sandbox_batch() -> (Sandbox, String, WeyaClient) {
    let sandbox = Sandbox::start(0).await.unwrap();
    let batch = sandbox.store().insert(
        "June renewals".into(),
        serde_json::json!({"batchName": "June renewals", "timezone": "America/New_York"}),
    );
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    (sandbox, batch, client)
}

fn numbers_in(sandbox: &Sandbox, batch: &str) -> Vec<String> {
    let mut numbers: Vec<String> = sandbox
        .store()
        .batch(batch)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.phone_number.clone())
        .collect();
    numbers.sort();
    numbers
}

#[tokio::test]
async fn the_messy_csv_imports_exactly_the_good_rows() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let mut drive = Drive::new(client, &batch, &dir.path().join("imports"));
    drive.type_text(&messy_fixture().display().to_string());
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Map);
    // First Name is "Name" here: renamed as the agent expects it.
    drive.key(KeyCode::Up);
    drive.key(KeyCode::Char('e'));
    drive.type_text("name");
    drive.key(KeyCode::Enter);
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview);
    let counted = |view: &ImportView| {
        let c = view.report().unwrap().counts;
        (c.valid, c.invalid, c.duplicate, c.skipped, c.outside_region)
    };
    // Gus's number is British: held back until `o` says yes to GB.
    assert_eq!(counted(&drive.view), (4, 3, 1, 1, 1));
    drive.press(KeyCode::Char('o')).await;
    assert_eq!(drive.view.step(), Step::Preview);
    assert_eq!(counted(&drive.view), (5, 3, 1, 1, 0));
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(
        numbers_in(&sandbox, &batch),
        [
            "12125550111",
            "12125550143",
            "12125550188",
            "12125550199",
            "442079460958"
        ]
    );
    let stored = sandbox.store().batch(&batch).unwrap();
    let renee = stored
        .calls
        .iter()
        .find(|c| c.phone_number == "12125550199")
        .unwrap();
    assert_eq!(
        renee.fields["name"], "Renée Façon",
        "Windows-1252 read right"
    );
    assert_eq!(renee.fields["Note"], "says \"hi\"");
}

#[tokio::test]
async fn after_a_207_r_resends_only_the_failed_rows_and_each_number_is_in_once() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, contacts(2500)).unwrap();
    let mut drive = Drive::new(client, &batch, &dir.path().join("imports"));
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview);
    // The second of three requests meets a 207 for its chunk.
    let store = sandbox.store();
    let cmds = drive.key(KeyCode::Enter);
    drive
        .run(cmds, &mut |cmd, before| {
            if let ImportCmd::SendRequest { index: 1, .. } = cmd {
                store.set_fault(before.then_some(Fault::Partial207));
            }
        })
        .await;
    let sending = drive.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Done);
    let failed: Vec<(usize, String)> = sending
        .failed()
        .map(|(r, why)| (r.index, why.to_owned()))
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, 1);
    assert!(failed[0].1.contains("207"), "{}", failed[0].1);
    assert_eq!(
        numbers_in(&sandbox, &batch).len(),
        1500,
        "the others went on"
    );

    drive.press(KeyCode::Char('r')).await;
    let sending = drive.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Done);
    assert_eq!(sending.failed().count(), 0);
    let numbers = numbers_in(&sandbox, &batch);
    let mut distinct = numbers.clone();
    distinct.dedup();
    assert_eq!(numbers.len(), 2500, "every valid number is in the batch");
    assert_eq!(distinct.len(), 2500, "and none twice");
}

#[tokio::test]
async fn an_import_stopped_midway_is_resumed_from_the_first_unconfirmed_request() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("imports");
    let path = dir.path().join("big.csv");
    std::fs::write(&path, contacts(2500)).unwrap();
    // The first session: Esc while the first request is on its way,
    // then the app is closed.
    let mut first = Drive::new(client.clone(), &batch, &journals);
    first.type_text(&path.display().to_string());
    first.press(KeyCode::Enter).await;
    first.press(KeyCode::Enter).await;
    let begin = first.key(KeyCode::Enter);
    let request = first.run_one(begin).await;
    assert!(matches!(
        request.as_slice(),
        [ImportCmd::SendRequest { index: 0, .. }]
    ));
    assert!(first.key(KeyCode::Esc).is_empty());
    assert!(first.run_one(request).await.is_empty(), "paused after it");
    assert_eq!(first.view.sending().unwrap().phase, SendPhase::Paused);
    drop(first);
    assert_eq!(numbers_in(&sandbox, &batch).len(), 1000);

    // The next session opens the same file and is offered to resume.
    let mut second = Drive::new(client, &batch, &journals);
    second.type_text(&path.display().to_string());
    second.press(KeyCode::Enter).await;
    assert_eq!(second.view.step(), Step::Resume);
    second.press(KeyCode::Enter).await;
    assert_eq!(second.view.step(), Step::Preview);
    let begin = second.key(KeyCode::Enter);
    let request = second.run_one(begin).await;
    assert!(
        matches!(
            request.as_slice(),
            [ImportCmd::SendRequest { index: 1, .. }]
        ),
        "from the first unconfirmed request: {request:?}"
    );
    second.run(request, &mut |_, _| {}).await;
    assert_eq!(second.view.sending().unwrap().phase, SendPhase::Done);
    let mut numbers = numbers_in(&sandbox, &batch);
    assert_eq!(numbers.len(), 2500);
    numbers.dedup();
    assert_eq!(numbers.len(), 2500, "none twice");
}

#[tokio::test]
async fn while_another_run_sends_the_same_import_enter_is_refused_on_the_check_losing_nothing() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("imports");
    let path = dir.path().join("big.csv");
    std::fs::write(&path, contacts(1500)).unwrap();
    // Another run (a `batch import` of the same file) holds the import.
    let file = weya_tui::import::open(
        &path,
        &weya_tui::import::OpenOptions::default(),
        &mut weya_tui::import::Control::default(),
    )
    .unwrap();
    let other = ImportJournal::lock(&journals, &batch, file.identity()).unwrap();

    let mut drive = Drive::new(client, &batch, &journals);
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview);
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview, "still on the check");
    let text = screen(&drive.view, 120, 40, t(drive.clock), dir.path());
    let expected = format!(
        "✗ another import of this file into this batch is running (process {})",
        std::process::id()
    );
    assert!(text.contains(&expected), "{text}");
    assert!(
        text.contains("✓ 1,500 valid"),
        "the check is still there: {text}"
    );
    assert!(numbers_in(&sandbox, &batch).is_empty(), "nothing was sent");

    // Once it has ended, Enter sends.
    drop(other);
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(numbers_in(&sandbox, &batch).len(), 1500);
}

#[tokio::test]
async fn the_second_sheet_picked_is_the_one_imported_and_named_on_the_check() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheets.xlsx");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets.xlsx"),
        &path,
    )
    .unwrap();
    let mut drive = Drive::new(client, &batch, &dir.path().join("imports"));
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Sheet);
    drive.press(KeyCode::Down).await;
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Map);
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview);
    let text = screen(&drive.view, 120, 40, t(drive.clock), dir.path());
    assert!(text.contains("(sheet “July”, 2 of 3)"), "{text}");
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.sending().unwrap().phase, SendPhase::Done);
    assert_eq!(
        numbers_in(&sandbox, &batch),
        ["12125550111", "12125550122", "12125550133"],
        "July's rows, not June's"
    );
    // The journal is July's: June's import is still to be made.
    let june = weya_tui::import::open(
        &path,
        &weya_tui::import::OpenOptions::default(),
        &mut weya_tui::import::Control::default(),
    )
    .unwrap();
    let journals = dir.path().join("imports");
    assert!(
        ImportJournal::find(&journals, &batch, june.identity())
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_request_in_doubt_shows_the_totals_and_is_sent_again_only_when_chosen() {
    let (sandbox, batch, client) = sandbox_batch().await;
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("imports");
    let path = dir.path().join("big.csv");
    std::fs::write(&path, contacts(2500)).unwrap();
    let mut drive = Drive::new(client.clone(), &batch, &journals);
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    drive.press(KeyCode::Enter).await;
    // The journal a crash leaves: the first request confirmed, the second
    // marked sending when the process died (its rows did not arrive).
    let plan = drive.view.report().unwrap().plan.clone();
    let mut journal = ImportJournal::start(&journals, &batch, &plan, None).unwrap();
    let first = plan.body(&batch, 0).unwrap();
    client.add_calls_raw(first).await.unwrap();
    journal.mark_sending(0).unwrap();
    journal.mark_confirmed(0, Some(1000)).unwrap();
    journal.mark_sending(1).unwrap();
    drop(journal);

    let mut drive = Drive::new(client, &batch, &journals);
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Resume);
    drive.press(KeyCode::Enter).await;
    assert_eq!(drive.view.step(), Step::Preview);
    drive.press(KeyCode::Enter).await;
    let sending = drive.view.sending().unwrap();
    assert_eq!(
        sending.phase,
        SendPhase::Doubt,
        "request 2 waits for a choice"
    );
    assert_eq!(sending.in_doubt().unwrap().index, 1);
    assert!(
        matches!(sending.totals_now, Some(Ok(1500))),
        "{:?}",
        sending.totals_now
    );
    assert_eq!(
        numbers_in(&sandbox, &batch).len(),
        1500,
        "1 and 3 sent, 2 not"
    );
    drive.press(KeyCode::Char('s')).await;
    assert_eq!(drive.view.sending().unwrap().phase, SendPhase::Done);
    let mut numbers = numbers_in(&sandbox, &batch);
    numbers.dedup();
    assert_eq!(numbers.len(), 2500);
}

#[tokio::test]
async fn the_check_of_100_000_rows_runs_beside_the_loop_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, contacts(100_000)).unwrap();
    let client = WeyaClient::new(weya_tui::api::ClientConfig::new(
        "http://127.0.0.1:9",
        weya_tui::api::Auth::ApiKey(secrecy::SecretString::from("k".to_owned())),
    ))
    .unwrap();
    let mut drive = Drive::new(client, BATCH, &dir.path().join("imports"));
    drive.type_text(&path.display().to_string());
    drive.press(KeyCode::Enter).await;
    let cmds = drive.key(KeyCode::Enter);
    let [ImportCmd::Check { .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    // The executor runs in its own task; this task, the UI loop, keeps
    // answering keys and sees the progress as it comes.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sink: ProgressSink = {
        let tx = tx.clone();
        Arc::new(move |msg| {
            let _ = tx.send(msg);
        })
    };
    let executor = drive.executor.clone();
    let cmd = cmds.into_iter().next().unwrap();
    let started = std::time::Instant::now();
    tokio::spawn(async move {
        if let Some(reply) = executor.run(cmd, sink).await {
            let _ = tx.send(reply);
        }
    });
    let mut progress = 0;
    let mut keys_while_checking = 0;
    loop {
        let msg = tokio::time::timeout(common::PATIENCE * 6, rx.recv())
            .await
            .unwrap()
            .unwrap();
        let last = matches!(msg, ImportMsg::Checked { .. });
        if matches!(msg, ImportMsg::Progress { .. }) {
            progress += 1;
            // A key between two progress reports is handled at once.
            drive.key(KeyCode::Down);
            keys_while_checking += 1;
        }
        drive.view.work(msg, t(0));
        if last {
            break;
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "100,000-row check through the view's executor: {elapsed:?}, {progress} progress messages"
    );
    assert!(progress > 10, "{progress}");
    assert!(keys_while_checking > 0);
    assert_eq!(drive.view.step(), Step::Preview);
    assert_eq!(drive.view.report().unwrap().counts.valid, 100_000);
}

// ---- snapshots ----

/// The view drawn at `width`x`height`, its footer on the last row, the
/// temporary directory shown as `~/data`.
fn screen(view: &ImportView, width: u16, height: u16, now: DateTime<Utc>, dir: &Path) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let theme = Theme::new(false);
    terminal
        .draw(|frame| {
            let body = Rect::new(1, 1, width - 2, height - 3);
            DrawView::draw(view, &theme, frame, body, now);
            // The keys of the step, as the shell's footer shows them.
            let footer: Vec<Span> = keymap::hints(&view.scopes())
                .into_iter()
                .flat_map(|(keys, what)| [Span::raw(keys), Span::raw(format!(" {what}  "))])
                .collect();
            let area = Rect::new(1, height - 1, width - 2, 1);
            frame.render_widget(Paragraph::new(Line::from(footer)), area);
        })
        .unwrap();
    let canonical = std::fs::canonicalize(dir).unwrap();
    screen_text(terminal.backend()).replace(&canonical.display().to_string(), "~/data")
}

fn snapshot(name: &str, view: &ImportView, now: DateTime<Utc>, dir: &Path) {
    for (w, h) in SIZES {
        let text = screen(view, w, h, now, dir);
        common::sizes::check_screen(name, w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

fn press(view: &mut ImportView, code: KeyCode) -> Vec<ImportCmd> {
    let msg = view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
    view.work(msg, t(0))
}

/// The file commands run at once (no sandbox); the rest returned.
fn serve(view: &mut ImportView, dir: &Path, cmds: Vec<ImportCmd>) -> Vec<ImportCmd> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = WeyaClient::new(weya_tui::api::ClientConfig::new(
        "http://127.0.0.1:9",
        weya_tui::api::Auth::ApiKey(secrecy::SecretString::from("k".to_owned())),
    ))
    .unwrap();
    let executor = ImportExecutor::new(client, BATCH, Some(dir.join("imports")), None);
    let mut left = Vec::new();
    let mut queue = std::collections::VecDeque::from(cmds);
    while let Some(cmd) = queue.pop_front() {
        if let ImportCmd::Compare { job, .. } = cmd {
            // A batch that holds no calls yet.
            let reply = ImportMsg::Compared {
                job,
                result: Ok(Arc::new(Comparison {
                    numbers: Arc::new(BatchNumbers::default()),
                    left_out: 0,
                })),
            };
            queue.extend(view.work(reply, t(0)));
            continue;
        }
        if !matches!(
            cmd,
            ImportCmd::Open { .. }
                | ImportCmd::Check { .. }
                | ImportCmd::FindJournal { .. }
                | ImportCmd::FindChoices { .. }
                | ImportCmd::SaveChoices { .. }
        ) {
            left.push(cmd);
            continue;
        }
        let sink: ProgressSink = Arc::new(|_| {});
        if let Some(reply) = rt.block_on(executor.run(cmd, sink)) {
            queue.extend(view.work(reply, t(0)));
        }
    }
    left
}

fn type_path(view: &mut ImportView, path: &Path) {
    for c in path.display().to_string().chars() {
        press(view, KeyCode::Char(c));
    }
}

/// The messy fixture, copied into `dir`, on the columns step.
fn messy_mapped(dir: &TempDir) -> ImportView {
    let path = dir.path().join("june.csv");
    std::fs::copy(messy_fixture(), &path).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    view
}

/// 2,500 contacts on the send step, the journal started.
fn big_sending(dir: &TempDir) -> (ImportView, ImportJournal) {
    let path = dir.path().join("june.csv");
    std::fs::write(&path, contacts(2500)).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::BeginSend { plan, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let journal =
        ImportJournal::start(&dir.path().join("imports"), BATCH, plan, Some(120)).unwrap();
    view.work(ImportMsg::SendReady(Ok(journal.clone())), t(0));
    (view, journal)
}

/// What the engine made of a request's answer, as the journal records it.
enum Answer {
    Confirmed,
    Failed(&'static str),
    Unknown(&'static str),
    Partial(u64, &'static str),
}

/// Request `index` answered as `answer`: the journal the executor would
/// hand back, into the view.
fn done(view: &mut ImportView, journal: &mut ImportJournal, index: usize, answer: Answer, at: i64) {
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
    );
}

#[test]
fn snapshot_pick_with_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", None);
    for c in "~/data/con".chars() {
        press(&mut view, KeyCode::Char(c));
    }
    press(&mut view, KeyCode::Tab);
    view.work(
        ImportMsg::DirListed {
            typed: "~/data/con".into(),
            result: Ok(vec![
                Entry::file("contacts-june.csv"),
                Entry::file("contacts-july.xlsx"),
                Entry::dir("contacts-old"),
            ]),
        },
        t(0),
    );
    snapshot("import_pick", &view, t(0), dir.path());
}

#[test]
fn snapshot_checking_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = messy_mapped(&dir);
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::Check { job, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    view.work(
        ImportMsg::Progress {
            job: *job,
            progress: Progress {
                stage: Stage::Checking,
                done: 2_400_000,
                total: 5_300_000,
            },
        },
        t(0),
    );
    snapshot("import_checking", &view, t(0), dir.path());
}

/// The three-sheet workbook, copied into `dir`, opened: on the sheet step.
fn workbook_opened(dir: &TempDir) -> ImportView {
    let path = dir.path().join("sheets.xlsx");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets.xlsx"),
        &path,
    )
    .unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    view
}

#[test]
fn snapshot_sheet_picker() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = workbook_opened(&dir);
    assert_eq!(view.step(), Step::Sheet);
    press(&mut view, KeyCode::Down);
    snapshot("import_sheet", &view, t(0), dir.path());
}

#[test]
fn the_first_sheet_is_the_default_and_esc_on_the_columns_goes_back_to_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = workbook_opened(&dir);
    // Enter on the sheet already read: its columns, nothing read again.
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::FindJournal { file }, ImportCmd::FindChoices { .. }] if file.sheet.as_deref() == Some("June")),
        "{cmds:?}"
    );
    assert_eq!(view.step(), Step::Map);
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.step(), Step::Sheet);
    press(&mut view, KeyCode::Esc);
    assert_eq!(view.step(), Step::Pick);
}

#[test]
fn without_a_region_the_check_leads_with_the_invalid_numbers_and_g_sets_one_and_checks_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.csv");
    std::fs::write(
        &path,
        "Name,Phone\nAnn,(212) 555-0143\nBob,212 555 0188\nGus,+44 20 7946 0958\n",
    )
    .unwrap();
    // A batch in UTC: no country, so no region.
    let mut view = ImportView::new(BATCH, "June renewals", Some("Etc/UTC"));
    assert_eq!(view.region(), None);
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    let text = screen(&view, 80, 24, t(0), dir.path());
    let lines: Vec<&str> = text.lines().collect();
    let warning = lines
        .iter()
        .position(|l| {
            l.contains("⚠ No region: 2 numbers without a country code are invalid (g sets one)")
        })
        .unwrap_or_else(|| panic!("{text}"));
    let counts = lines
        .iter()
        .position(|l| l.contains("✓ 1 valid"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        warning + 1,
        counts,
        "one line, just above the counts: {text}"
    );

    // g: the region typed on the check itself, as its key says ("Set the
    // region …, then check again"); US, Enter, and the check runs again.
    let hint = keymap::hints(&view.scopes());
    assert!(hint.iter().any(|(k, _)| k == "g"), "{hint:?}");
    press(&mut view, KeyCode::Char('g'));
    assert_eq!(view.step(), Step::Preview, "not sent back to the columns");
    for c in "US".chars() {
        press(&mut view, KeyCode::Char(c));
    }
    snapshot("import_preview_typing_the_region", &view, t(0), dir.path());
    let cmds = press(&mut view, KeyCode::Enter);
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::Check { settings, .. }] if settings.region.is_some()),
        "{cmds:?}"
    );
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    // Gus's British number is outside the region now: held, and said so.
    let counts = view.report().unwrap().counts;
    assert_eq!((counts.valid, counts.outside_region), (2, 1));
    let text = screen(&view, 80, 24, t(0), dir.path());
    assert!(!text.contains("No region"), "{text}");
    assert!(text.contains("1 outside US: 1 GB"), "{text}");
}

/// The file: a US typo that once became Dutch, numbers of three
/// other countries, a spreadsheet's decimals and numbers with extensions.
const NUMBERS_CSV: &str = "Name,Phone\n\
Typo,(312) 555-01999\n\
Ann,(212) 555-0143\n\
Nl,31255501999\n\
Mx,+52 55 1234 5678\n\
Gb,+44 20 7946 0958\n\
Dec,12125550101.0\n\
Exp,1.2125550102E10\n\
Lost,1.21E+10\n\
Ext,212 555 0104 x12\n\
Ext2,(212) 555-0105 ext. 5\n";

#[test]
fn the_check_counts_other_countries_and_o_sends_them_x_dials_without_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbers.csv");
    std::fs::write(&path, NUMBERS_CSV).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    let report = view.report().unwrap();
    let c = report.counts;
    // The typo and the lost digits invalid, two extensions refused.
    assert_eq!((c.valid, c.invalid, c.outside_region), (3, 4, 3));
    assert_eq!(report.read_from_decimal, 2);
    let text = screen(&view, 120, 40, t(0), dir.path());
    for line in [
        "⚠ 3 outside US: 1 NL, 1 MX, 1 GB: 3 not sent (o sends them too)",
        "2 numbers written as decimals (17796726653.0, 1.7796726653E10) read as whole numbers",
        "⚠ 2 numbers have an extension: invalid (x dials them without it)",
        "too long for US",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    snapshot("import_preview_numbers", &view, t(0), dir.path());
    let hint = keymap::hints(&view.scopes());
    assert!(hint.iter().any(|(k, _)| k == "o"), "{hint:?}");
    assert!(hint.iter().any(|(k, _)| k == "x"), "{hint:?}");

    // o: the three countries allowed, checked again; they are sent.
    let cmds = press(&mut view, KeyCode::Char('o'));
    assert!(
        matches!(cmds.as_slice(), [ImportCmd::Check { settings, .. }]
            if settings.allowed_countries.len() == 3),
        "{cmds:?}"
    );
    serve(&mut view, dir.path(), cmds);
    let c = view.report().unwrap().counts;
    assert_eq!((c.valid, c.outside_region), (6, 0));
    let text = screen(&view, 120, 40, t(0), dir.path());
    assert!(
        text.contains("✓ 3 outside US: 1 NL, 1 MX, 1 GB: sent, as you allowed (o holds them back)"),
        "{text}"
    );

    // x: the extensions dialled without them.
    let cmds = press(&mut view, KeyCode::Char('x'));
    serve(&mut view, dir.path(), cmds);
    let report = view.report().unwrap();
    assert_eq!((report.counts.valid, report.counts.invalid), (8, 2));
    assert_eq!(report.extensions_dropped, 2);
    let text = screen(&view, 120, 40, t(0), dir.path());
    assert!(
        text.contains("2 numbers with an extension dialled without it (x refuses them)"),
        "{text}"
    );
    let body = report.plan.body(BATCH, 0).unwrap();
    for number in [
        "12125550104",
        "12125550105",
        "12125550101",
        "12125550102",
        "31255501999",
    ] {
        assert!(body.contains(number), "{number}: {body}");
    }

    // o again holds them back.
    let cmds = press(&mut view, KeyCode::Char('o'));
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.report().unwrap().counts.outside_region, 3);
}

#[test]
fn a_file_past_a_bound_is_refused_on_screen_with_a_line_s_worth_of_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.csv");
    let mut bytes = b"phone,".to_vec();
    bytes.resize(8 * 1024 * 1024, b'a');
    std::fs::write(&path, bytes).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Pick, "nothing to map");
    let text = screen(&view, 120, 40, t(0), dir.path());
    assert!(
        text.contains("line 1 is longer than 1 MiB"),
        "the bound is said:\n{text}"
    );
    assert!(
        !text.contains("aaaaaaaaaa"),
        "the file is not echoed:\n{text}"
    );
}

#[test]
fn snapshot_map_and_renaming() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = messy_mapped(&dir);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Down);
    press(&mut view, KeyCode::Char(' '));
    snapshot("import_map", &view, t(0), dir.path());
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('e'));
    for c in "name".chars() {
        press(&mut view, KeyCode::Char(c));
    }
    snapshot("import_map_renaming", &view, t(0), dir.path());
}

#[test]
fn snapshot_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut view = messy_mapped(&dir);
    press(&mut view, KeyCode::Up);
    press(&mut view, KeyCode::Char('e'));
    for c in "name".chars() {
        press(&mut view, KeyCode::Char(c));
    }
    press(&mut view, KeyCode::Enter);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    snapshot("import_preview", &view, t(0), dir.path());
}

/// QA: values with spaces at an end or characters no one sees were sent
/// with no word. The preview names the column, the count and the first
/// lines, and says they are sent as they are.
#[test]
fn snapshot_preview_odd_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.csv");
    std::fs::write(
        &path,
        "Name,Phone,Note\n Ann ,(212) 555-0143,ok\nBob,(212) 555-0144,\"two\nlines\"\n\
         Cy\u{200B},(212) 555-0145,plain\nDee,(212) 555-0146,trail \n",
    )
    .unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    let text = screen(&view, 120, 40, t(0), dir.path());
    assert!(
        text.contains(
            "⚠ Column “Name”: 1 value begins or ends with spaces (line 2): sent as they are"
        ),
        "{text}"
    );
    snapshot("import_preview_odd_values", &view, t(0), dir.path());
}

/// Issue 19: the check shows the batch's window on the contacts' clocks.
/// For a 09:00–17:00 New York batch on Monday 2 June 2025, London
/// (14:00–22:00) and Los Angeles (06:00–14:00) are flagged, New York is not.
#[test]
fn the_check_flags_london_and_los_angeles_for_a_new_york_9_to_5() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cities.csv");
    std::fs::write(&path, crate::import_cli::THREE_CITIES_CSV).unwrap();
    let schedule = weya_tui::domain::schedule::CallingSchedule::from_body(&serde_json::json!({
        "timezone": "America/New_York",
        "callingHour": {"start": "09:00", "end": "17:00"},
        "allowedDays": [1, 2, 3, 4, 5],
    }));
    assert!(schedule.is_some());
    let mut view = ImportView::new(BATCH, "New York 9-5", Some("America/New_York"))
        .with_local_time(
            schedule,
            weya_tui::domain::local_time::ContactHours::default(),
        );
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    // London's numbers are outside the region (US): `o` sends them too.
    let cmds = press(&mut view, KeyCode::Char('o'));
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);

    let text = screen(&view, 120, 40, t(0), dir.path());
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} on\n{text}"))
            .to_owned()
    };
    assert!(line("in Europe/London").contains("⚠ 2 contacts in Europe/London: 09:00–17:00 New York is 14:00–22:00 for them (1 h after 21:00)"), "{text}");
    assert!(
        line("in America/Los_Angeles").contains("⚠ 1 contact in America/Los_Angeles"),
        "{text}"
    );
    assert!(
        line("in America/Los_Angeles").contains("(2 h before 08:00)"),
        "{text}"
    );
    let new_york = line("in America/New_York");
    assert!(!new_york.contains('⚠'), "{new_york}");
    assert!(
        new_york.contains("is 09:00–17:00 for them, inside 08:00–21:00"),
        "{new_york}"
    );
    snapshot("import_preview_local_time", &view, t(0), dir.path());
}

#[test]
fn snapshot_resume_offer() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut journal) = big_sending(&dir);
    journal.mark_sending(0).unwrap();
    journal.mark_confirmed(0, Some(1000)).unwrap();
    journal.mark_sending(1).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", None);
    type_path(&mut view, &dir.path().join("june.csv"));
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Resume);
    // The journal's times are the wall clock's: shown as a fixed one.
    let screen80 = screen(&view, 80, 24, t(0), dir.path());
    assert!(screen80.contains("started 20"), "{screen80}");
    for (w, h) in SIZES {
        let text = screen(&view, w, h, t(0), dir.path());
        let created = journal.created().replace('T', " ");
        let created: String = created.chars().take(16).collect();
        let text = text.replace(&created, "2025-06-02 13:40");
        common::sizes::check_screen("import_resume", w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
    // Resumed, the check says what is left, not what was planned at first.
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    assert_eq!(view.step(), Step::Preview);
    let text = screen(&view, 120, 40, t(0), dir.path());
    assert!(
        text.contains("Sends 1,500 contacts in 2 requests; 1,000 already confirmed."),
        "{text}"
    );
    assert!(!text.contains("2,500 contacts"), "{text}");
}

#[test]
fn snapshot_sending_paused_done_and_doubt() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = big_sending(&dir);
    done(&mut view, &mut journal, 0, Answer::Confirmed, 2);
    snapshot("import_sending", &view, t(3), dir.path());

    press(&mut view, KeyCode::Esc);
    done(
        &mut view,
        &mut journal,
        1,
        Answer::Failed("HTTP 207, chunk 1: The sandbox failed this chunk (request ID 7f3a)"),
        4,
    );
    snapshot("import_paused", &view, t(5), dir.path());

    press(&mut view, KeyCode::Enter);
    done(&mut view, &mut journal, 2, Answer::Confirmed, 6);
    snapshot("import_done_with_failures", &view, t(7), dir.path());

    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = big_sending(&dir);
    done(&mut view, &mut journal, 0, Answer::Confirmed, 2);
    done(
        &mut view,
        &mut journal,
        1,
        Answer::Unknown("no answer within 30 s (api.weya.ai)"),
        32,
    );
    done(&mut view, &mut journal, 2, Answer::Confirmed, 33);
    view.work(ImportMsg::Totals(Ok(1620)), t(34));
    snapshot("import_doubt", &view, t(34), dir.path());
}

#[test]
fn snapshot_partly_added_is_in_doubt_and_never_done() {
    let dir = tempfile::tempdir().unwrap();
    let (mut view, mut journal) = big_sending(&dir);
    done(&mut view, &mut journal, 0, Answer::Confirmed, 2);
    done(
        &mut view,
        &mut journal,
        1,
        Answer::Partial(
            500,
            "Weya added 500 of the 1,000 rows sent: 500 not added (request ID 7f3a)",
        ),
        3,
    );
    done(&mut view, &mut journal, 2, Answer::Confirmed, 4);
    assert_eq!(view.sending().unwrap().phase, SendPhase::Doubt);
    view.work(ImportMsg::Totals(Ok(2120)), t(5));
    let text = screen(&view, 120, 40, t(5), dir.path());
    assert!(!text.contains("Done"), "{text}");
    assert!(
        text.contains("With its 500 rows added it would be 2,620; without them 2,120"),
        "{text}"
    );
    snapshot("import_partial", &view, t(5), dir.path());
}

#[test]
fn a_long_batch_name_in_the_header_is_cut_and_the_step_kept() {
    let dir = tempfile::tempdir().unwrap();
    let name = "Quarterly renewals campaign of customers in Northern Ireland and Scotland";
    let view = ImportView::new(BATCH, name, None);
    let text = screen(&view, 80, 24, t(0), dir.path());
    let header = text.lines().nth(1).unwrap();
    assert!(header.ends_with("…  step 1 of 4 · the file"), "{header}");
    assert!(
        header.contains("Import contacts into Quarterly renewals"),
        "{header}"
    );
    insta::assert_snapshot!("import_long_name_80x24", text);
}

/// Issue 16: a contacts file that is a FIFO (or a device, or a directory)
/// is refused at once, in the config file's words; the view used to wait
/// for ever for the FIFO's writer.
#[test]
fn a_contacts_file_that_is_no_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("contacts.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let zero = dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    for (path, kind) in [
        (fifo, "a named pipe (FIFO)"),
        (zero, "a device"),
        (folder, "a directory"),
    ] {
        let (tx, rx) = std::sync::mpsc::channel();
        let dir_path = dir.path().to_owned();
        std::thread::spawn(move || {
            let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
            type_path(&mut view, &path);
            let cmds = press(&mut view, KeyCode::Enter);
            serve(&mut view, &dir_path, cmds);
            let _ = tx.send((view.step(), screen(&view, 120, 40, t(0), &dir_path)));
        });
        let (step, text) = rx
            .recv_timeout(common::PATIENCE)
            .unwrap_or_else(|_| panic!("{kind}: the view hangs"));
        assert_eq!(step, Step::Pick, "{kind}: nothing to map");
        assert!(
            text.contains(&format!("is {kind}, not a regular file")),
            "{kind}:\n{text}"
        );
    }
}

/// The QA's finished import of one contact: "Done: all 1 contacts", a
/// footer offering "Enter continue" (which did nothing) and "r resend
/// failed" (nothing failed). Now: the singular, Enter closes, no r.
#[test]
fn one_contact_done_is_said_in_the_singular_and_enter_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    std::fs::write(&path, contacts(1)).unwrap();
    let mut view = ImportView::new(BATCH, "June renewals", Some("America/New_York"));
    type_path(&mut view, &path);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let cmds = press(&mut view, KeyCode::Enter);
    serve(&mut view, dir.path(), cmds);
    let check = screen(&view, 80, 24, t(0), dir.path());
    assert!(check.contains("Sends 1 contact in 1 request "), "{check}");
    let cmds = press(&mut view, KeyCode::Enter);
    let [ImportCmd::BeginSend { plan, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let mut journal =
        ImportJournal::start(&dir.path().join("imports"), BATCH, plan, Some(0)).unwrap();
    view.work(ImportMsg::SendReady(Ok(journal.clone())), t(0));
    done(&mut view, &mut journal, 0, Answer::Confirmed, 1);
    assert_eq!(view.sending().unwrap().phase, SendPhase::Done);
    let text = screen(&view, 80, 24, t(2), dir.path());
    assert!(
        text.contains("Done: the 1 contact is in the batch."),
        "{text}"
    );
    assert!(text.contains("1 / 1 row"), "{text}");
    assert!(
        !text.contains("1 contacts") && !text.contains("1 rows"),
        "{text}"
    );
    assert!(text.contains("Enter/Esc close"), "{text}");
    assert!(!text.contains("resend"), "nothing failed: {text}");
    assert!(press(&mut view, KeyCode::Char('r')).is_empty());
    assert!(
        matches!(
            press(&mut view, KeyCode::Enter).as_slice(),
            [ImportCmd::Close]
        ),
        "Enter does what the footer says"
    );
}
