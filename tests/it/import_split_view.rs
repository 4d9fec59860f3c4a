//! The import view's `z` on the check (issue 19, item 6): the split by
//! time zone through the very engine of `batch import --split-by-zone`,
//! its review and its result on screens of the view, against the sandbox.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::common;
use crate::common::screen_text;
use weya_tui::api::WeyaClient;
use weya_tui::domain::local_time::ContactHours;
use weya_tui::domain::schedule::CallingSchedule;
use weya_tui::sandbox::Sandbox;
use weya_tui::store::journal::{self, Answered, JournalEntry};
use weya_tui::tui::keymap::{self, Scope};
use weya_tui::tui::views::import::executor::{ImportExecutor, ProgressSink, SplitContext};
use weya_tui::tui::views::import::split::SplitPhase;
use weya_tui::tui::views::import::{ImportCmd, ImportMsg, ImportView, Step};
use weya_tui::tui::widgets::DrawView;
use weya_tui::tui::widgets::theme::Theme;

/// 09:00–18:00 New York: Los Angeles and London are flagged all year.
const BATCH_BODY: &str = r#"{"batchName":"June renewals","callingNumbers":["64e5f12345abcdef87654321"],"retry":2,"delay":600,"timezone":"America/New_York","callingHour":{"start":"09:00","end":"18:00"},"allowedDays":[1,2,3,4,5]}"#;
const LONDON: &str = "June renewals · Europe/London";
const LOS_ANGELES: &str = "June renewals · America/Los_Angeles";

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 14, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
}

fn key(view: &mut ImportView, code: KeyCode) -> Vec<ImportCmd> {
    let msg = view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
    view.work(msg, t(0))
}

/// Runs `cmds` and every command their replies bring, but a split (returned).
async fn serve(
    view: &mut ImportView,
    executor: &ImportExecutor,
    cmds: Vec<ImportCmd>,
) -> Vec<ImportCmd> {
    let mut queue = std::collections::VecDeque::from(cmds);
    let mut left = Vec::new();
    while let Some(cmd) = queue.pop_front() {
        if matches!(cmd, ImportCmd::SplitByZone(_) | ImportCmd::Close) {
            left.push(cmd);
            continue;
        }
        let sink: ProgressSink = Arc::new(|_| {});
        let reply = tokio::time::timeout(common::PATIENCE, executor.run(cmd, sink))
            .await
            .expect("the command ends");
        if let Some(reply) = reply {
            queue.extend(view.work(reply, t(0)));
        }
    }
    left
}

/// The sandbox, a batch in it made "from this machine" (the submit
/// journal holds its body), the contacts file, and the view on its check
/// with London's numbers allowed (`o`).
struct Setup {
    sandbox: Sandbox,
    dir: tempfile::TempDir,
    batch: String,
    executor: ImportExecutor,
}

async fn setup() -> Setup {
    let sandbox = Sandbox::start(0).await.unwrap();
    let body: serde_json::Value = serde_json::from_str(BATCH_BODY).unwrap();
    let batch = sandbox.store().insert("June renewals".into(), body);
    let dir = tempfile::tempdir().unwrap();
    let created = weya_tui::api::Created {
        batch_id: batch.clone(),
        request_id: None,
    };
    let entry = JournalEntry::new(
        t(0),
        "sandbox".into(),
        "June renewals".into(),
        BATCH_BODY,
        Answered::Created(&created),
    );
    journal::append(&dir.path().join("journal.jsonl"), &entry).unwrap();
    std::fs::write(
        dir.path().join("contacts.csv"),
        crate::import_cli::THREE_CITIES_CSV,
    )
    .unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let executor = ImportExecutor::new(client, &batch, Some(dir.path().join("imports")), None)
        .with_submit_journal(Some(dir.path().join("journal.jsonl")), "sandbox")
        .with_split(SplitContext {
            target_label: weya_tui::connection::TargetLabel::Sandbox,
            split_dir: Some(dir.path().join("splits")),
            phone_book: None,
        });
    Setup {
        sandbox,
        dir,
        batch,
        executor,
    }
}

async fn checked(setup: &Setup) -> ImportView {
    let body: serde_json::Value = serde_json::from_str(BATCH_BODY).unwrap();
    let mut view = ImportView::new(&setup.batch, "June renewals", Some("America/New_York"))
        .with_local_time(CallingSchedule::from_body(&body), ContactHours::default());
    let path = setup.dir.path().join("contacts.csv");
    for c in path.display().to_string().chars() {
        key(&mut view, KeyCode::Char(c));
    }
    for code in [KeyCode::Enter, KeyCode::Enter, KeyCode::Char('o')] {
        let cmds = key(&mut view, code);
        assert_eq!(serve(&mut view, &setup.executor, cmds).await, []);
    }
    assert_eq!(view.step(), Step::Preview);
    view
}

/// Runs the split's commands and returns the view as it would be with
/// the reply's text made steady for a snapshot (see [`redact`]).
async fn run_split_shown(
    view: &mut ImportView,
    executor: &ImportExecutor,
    cmds: Vec<ImportCmd>,
) -> ImportView {
    let mut shown = view.clone();
    for cmd in cmds {
        let sink: ProgressSink = Arc::new(|_| {});
        let reply = tokio::time::timeout(common::PATIENCE, executor.run(cmd, sink))
            .await
            .expect("the split ends")
            .unwrap();
        if let ImportMsg::SplitRan {
            dry_run,
            result: Ok((code, text)),
        } = &reply
        {
            shown.work(
                ImportMsg::SplitRan {
                    dry_run: *dry_run,
                    result: Ok((*code, redact(text))),
                },
                t(0),
            );
        }
        view.work(reply, t(0));
    }
    shown
}

/// The batches named `name`, with their numbers, sorted.
fn named(sandbox: &Sandbox, name: &str) -> Vec<Vec<String>> {
    sandbox
        .store()
        .batches()
        .into_iter()
        .filter(|b| b.name == name)
        .map(|b| {
            let mut numbers: Vec<String> = b.calls.iter().map(|c| c.phone_number.clone()).collect();
            numbers.sort();
            numbers
        })
        .collect()
}

/// The view drawn at `width`x`height` with its footer; the temporary
/// folder shown as `~/data`, the sandbox's batch IDs as `<id>` and the
/// day the window is shown for as `<day>` (the engine takes the next
/// calling day from now).
fn screen(view: &ImportView, width: u16, height: u16, dir: &Path) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let theme = Theme::new(false);
    terminal
        .draw(|frame| {
            let body = Rect::new(1, 1, width - 2, height - 3);
            DrawView::draw(view, &theme, frame, body, t(0));
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

/// What changes from run to run made steady: a batch's ID (after
/// "batch ") as `<id>`, a date ("Mon 7 Dec", "2026-12-06 23:57 UTC") as
/// `<day>`, the temporary folder as `~/data`.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("batch ") {
        let after = &rest[at + 6..];
        out.push_str(&rest[..at + 6]);
        if after.len() >= 24 && after[..24].chars().all(|c| c.is_ascii_hexdigit()) {
            out.push_str("<id>");
            rest = &after[24..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    let words: Vec<&str> = out.split(' ').collect();
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut steady: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if days.contains(&word)
            && words.get(i + 1).is_some_and(|d| d.parse::<u8>().is_ok())
            && words
                .get(i + 2)
                .is_some_and(|m| months.iter().any(|month| m.starts_with(month)))
        {
            let month = words[i + 2];
            steady.push(format!("<day>{}", &month[3..]));
            i += 3;
            continue;
        }
        if word.len() == 10 && word.as_bytes()[4] == b'-' && word.as_bytes()[7] == b'-' {
            steady.push("<date>".into());
            i += 1;
            continue;
        }
        steady.push(word.to_owned());
        i += 1;
    }
    let tmp = std::env::temp_dir();
    let mut text = steady.join(" ");
    // The temporary folder, whatever its name.
    while let Some(at) = text.find(&format!("{}/.tmp", tmp.display())) {
        let end = text[at..]
            .find("/contacts.csv")
            .map_or(text.len(), |e| at + e);
        text.replace_range(at..end, "~/data");
    }
    text
}

fn snapshot(name: &str, view: &ImportView, dir: &Path) {
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(view, w, h, dir);
        common::sizes::check_screen(name, w, h, text, |file, text| {
            insta::assert_snapshot!(file, text);
        });
    }
}

/// The operator's path: `z` on the check shows the engine's review and
/// sends nothing; Enter creates the two batches and imports each group,
/// as `batch import --split-by-zone` does; a second `z` from a new view
/// creates nothing again.
#[tokio::test(flavor = "multi_thread")]
async fn z_reviews_the_split_then_enter_creates_each_batch_once_and_imports() {
    let setup = setup().await;
    let mut view = checked(&setup).await;
    assert_eq!(
        view.scopes(),
        [Scope::ImportPreview, Scope::ImportSplitOffer]
    );
    let batches_before = setup.sandbox.store().batches().len();

    let cmds = key(&mut view, KeyCode::Char('z'));
    let [ImportCmd::SplitByZone(request)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert!(request.dry_run);
    assert_eq!(
        (request.region.as_str(), request.allow_countries.as_slice()),
        ("US", ["GB".to_owned()].as_slice())
    );
    assert_eq!(request.phone_column.as_deref(), Some("phone"));
    assert_eq!(request.rename, [("name".to_owned(), "name".to_owned())]);
    let shown = run_split_shown(&mut view, &setup.executor, cmds).await;
    let split = view.split().unwrap();
    assert_eq!(
        (split.phase, split.code),
        (SplitPhase::Review, Some(0)),
        "{}",
        split.text
    );
    for line in [
        "2 new batches for 3 contacts; 2 stay in batch",
        "Batch 1 of 2: 2 contacts in Europe/London, called 09:00–18:00 Europe/London",
        "  \"timezone\": \"Europe/London\",",
        "Dry run: nothing was sent.",
    ] {
        assert!(
            split.text.contains(line),
            "{line:?} not in:\n{}",
            split.text
        );
    }
    assert_eq!(
        setup.sandbox.store().batches().len(),
        batches_before,
        "a review sends nothing"
    );
    assert_eq!(view.scopes(), [Scope::ImportSplitReview]);
    snapshot("import_split_review", &shown, setup.dir.path());

    let cmds = key(&mut view, KeyCode::Enter);
    let [ImportCmd::SplitByZone(request)] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert!(!request.dry_run);
    let run_request = cmds[0].clone();
    let shown = run_split_shown(&mut view, &setup.executor, cmds).await;
    let split = view.split().unwrap();
    assert_eq!(
        (split.phase, split.code),
        (SplitPhase::Done, Some(0)),
        "{}",
        split.text
    );
    assert_eq!(
        named(&setup.sandbox, LONDON),
        [vec!["442071838750".to_owned(), "442079460958".to_owned()]]
    );
    assert_eq!(
        named(&setup.sandbox, LOS_ANGELES),
        [vec!["13105550100".to_owned()]]
    );
    assert_eq!(
        named(&setup.sandbox, "June renewals"),
        [vec!["12125550100".to_owned(), "12125550101".to_owned()]],
        "the New York contacts stay in the original batch"
    );
    snapshot("import_split_result", &shown, setup.dir.path());

    // The same run again (z and Enter after a stop send this request):
    // the split is recorded, nothing is created or sent twice.
    let sink: ProgressSink = Arc::new(|_| {});
    let reply = tokio::time::timeout(common::PATIENCE, setup.executor.run(run_request, sink))
        .await
        .expect("the split ends");
    let Some(ImportMsg::SplitRan {
        dry_run: false,
        result: Ok((code, text)),
    }) = reply
    else {
        panic!("{reply:?}");
    };
    assert_eq!(code, 0, "{text}");
    for said in [
        "Recorded     created by an earlier run: batch",
        "── Europe/London → batch",
        "Nothing was sent; --again imports it again.",
    ] {
        assert!(text.contains(said), "{said:?} not in:\n{text}");
    }
    assert!(!text.contains("Weya added"), "{text}");
    assert_eq!(named(&setup.sandbox, LONDON).len(), 1, "{text}");
    assert_eq!(named(&setup.sandbox, LOS_ANGELES).len(), 1, "{text}");
    assert_eq!(named(&setup.sandbox, LONDON)[0].len(), 2, "{text}");
    assert_eq!(setup.sandbox.store().batches().len(), batches_before + 2);
    assert_eq!(named(&setup.sandbox, "June renewals")[0].len(), 2, "{text}");
    // Done: Esc leaves the import (its check would send every row here).
    assert_eq!(key(&mut view, KeyCode::Esc), [ImportCmd::Close]);
}

/// The view alone: `z` is offered only when someone is flagged and the
/// window is known; Esc on the review sends nothing and a review that
/// comes after it is dropped; a refused review offers no Enter; a stopped
/// run goes back to the check, where `z` resumes.
#[test]
fn z_is_offered_only_for_a_flagged_check_and_esc_cancels_before_sending() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (setup, mut view) = rt.block_on(async {
        let setup = setup().await;
        let view = checked(&setup).await;
        (setup, view)
    });
    // Without the batch's window: no `z`.
    let mut unknown = ImportView::new(&setup.batch, "June renewals", Some("America/New_York"));
    assert!(!unknown.can_split());
    assert!(key(&mut unknown, KeyCode::Char('z')).is_empty());

    let cmds = key(&mut view, KeyCode::Char('z'));
    assert!(matches!(cmds.as_slice(), [ImportCmd::SplitByZone(r)] if r.dry_run));
    assert_eq!(view.scopes(), [Scope::ImportSplitWorking]);
    // Esc while the review is made: nothing was sent; its reply is dropped.
    assert!(key(&mut view, KeyCode::Esc).is_empty());
    assert!(view.split().is_none());
    assert_eq!(view.step(), Step::Preview);
    view.work(
        ImportMsg::SplitRan {
            dry_run: true,
            result: Ok((0, "late review".into())),
        },
        t(0),
    );
    assert!(view.split().is_none(), "a cancelled review stays cancelled");

    // A refused review: Enter sends nothing.
    key(&mut view, KeyCode::Char('z'));
    view.work(
        ImportMsg::SplitRan {
            dry_run: true,
            result: Ok((
                2,
                "weya-tui: cannot split by time zone: …; nothing was sent\n".into(),
            )),
        },
        t(0),
    );
    assert!(key(&mut view, KeyCode::Enter).is_empty());
    assert!(key(&mut view, KeyCode::Esc).is_empty());
    assert!(view.split().is_none());

    // A run that stopped: Esc goes back to the check, where z resumes.
    key(&mut view, KeyCode::Char('z'));
    view.work(
        ImportMsg::SplitRan {
            dry_run: true,
            result: Ok((0, "review".into())),
        },
        t(0),
    );
    let cmds = key(&mut view, KeyCode::Enter);
    assert!(matches!(cmds.as_slice(), [ImportCmd::SplitByZone(r)] if !r.dry_run));
    assert!(
        key(&mut view, KeyCode::Esc).is_empty(),
        "the run goes on to its end"
    );
    assert_eq!(view.split().unwrap().phase, SplitPhase::Running);
    view.work(
        ImportMsg::SplitRan {
            dry_run: false,
            result: Ok((1, "stopped: running the same command again resumes".into())),
        },
        t(0),
    );
    assert_eq!(view.split().unwrap().phase, SplitPhase::Done);
    assert!(key(&mut view, KeyCode::Esc).is_empty());
    assert!(view.split().is_none());
    assert_eq!(
        view.scopes(),
        [Scope::ImportPreview, Scope::ImportSplitOffer]
    );
    drop(setup);
}
