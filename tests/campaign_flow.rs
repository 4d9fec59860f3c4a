//! The campaign views against the embedded sandbox, on a clock the test
//! moves: list → details → start → the rows progress → stop → delete with
//! the typed name (a wrong name deletes nothing). The test runs the views'
//! commands with the real client, as the shell's adapter will.

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::screen_text;
use weya_tui::api::WeyaClient;
use weya_tui::campaign::ViewContext;
use weya_tui::campaign::details::{BatchDetailsView, DetailsCmd, DetailsMsg};
use weya_tui::campaign::dialogs::DialerAction;
use weya_tui::campaign::list::{BatchList, ListCmd, ListMsg};
use weya_tui::sandbox::{Clock, DialerConfig, Sandbox, SandboxOptions};
use weya_tui::tui::widgets::theme::Theme;

/// Thursday 15 Jan 2026, 09:00 in Chicago (the window of "Welcome calls").
fn thursday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap()
}

/// The shell's side: runs list commands with the client and returns the
/// replies. `copied` and `opened` collect what the shell would act on.
#[derive(Default)]
struct Adapter {
    copied: Vec<String>,
    opened: Vec<weya_tui::api::BatchSummary>,
    sent: Vec<String>,
}

impl Adapter {
    async fn run_list(&mut self, client: &WeyaClient, cmds: Vec<ListCmd>) -> Vec<ListMsg> {
        let mut replies = Vec::new();
        for cmd in cmds {
            match cmd {
                ListCmd::FetchPage {
                    generation, query, ..
                } => replies.push(ListMsg::PageLoaded {
                    generation,
                    result: client.list_batches(&query).await,
                }),
                ListCmd::Start { id } => {
                    self.sent.push(format!("start {id}"));
                    replies.push(ListMsg::DialerChanged {
                        result: client.start_calling(&id).await,
                        id,
                        action: DialerAction::Start,
                    });
                }
                ListCmd::Stop { id } => {
                    self.sent.push(format!("stop {id}"));
                    replies.push(ListMsg::DialerChanged {
                        result: client.stop_calling(&id).await,
                        id,
                        action: DialerAction::Stop,
                    });
                }
                ListCmd::Delete { id, .. } => {
                    self.sent.push(format!("delete {id}"));
                    replies.push(ListMsg::Deleted {
                        result: client.delete_batch(&id).await,
                        id,
                    });
                }
                ListCmd::Copy(text) => self.copied.push(text),
                ListCmd::OpenDetails { summary } => self.opened.push(*summary),
                ListCmd::NewBatch => {}
            }
        }
        replies
    }

    async fn run_details(&mut self, client: &WeyaClient, cmds: Vec<DetailsCmd>) -> Vec<DetailsMsg> {
        let mut replies = Vec::new();
        for cmd in cmds {
            match cmd {
                DetailsCmd::FetchCalls {
                    generation,
                    batch_id,
                    query,
                    ..
                } => replies.push(DetailsMsg::CallsLoaded {
                    generation,
                    result: client.batch_details(&batch_id, &query).await,
                }),
                DetailsCmd::Copy(text) => self.copied.push(text),
                DetailsCmd::Close => {}
            }
        }
        replies
    }
}

struct Rig {
    sandbox: Sandbox,
    client: WeyaClient,
    adapter: Adapter,
    list: BatchList,
    terminal: Terminal<TestBackend>,
}

impl Rig {
    fn now(&self) -> DateTime<Utc> {
        self.sandbox.now()
    }

    /// Sends `msg` to the list and feeds every reply back until none is left.
    async fn list(&mut self, msg: ListMsg) {
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            let now = self.now();
            let cmds = self.list.update(msg, now);
            queue.extend(self.adapter.run_list(&self.client, cmds).await);
        }
    }

    async fn key(&mut self, code: KeyCode) {
        self.list(ListMsg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    fn screen(&mut self) -> String {
        let now = self.now();
        let list = &self.list;
        self.terminal
            .draw(|f| list.draw(f, f.area(), &Theme::new(false), now))
            .unwrap();
        screen_text(self.terminal.backend())
    }

    async fn details(&mut self, view: &mut BatchDetailsView, msg: DetailsMsg) -> String {
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            let cmds = view.update(msg, self.now());
            queue.extend(self.adapter.run_details(&self.client, cmds).await);
        }
        let now = self.now();
        self.terminal
            .draw(|f| view.draw(f, f.area(), &Theme::new(false), now))
            .unwrap();
        screen_text(self.terminal.backend())
    }

    /// The row of the batch named `name` on screen.
    fn row(&mut self, name: &str) -> String {
        let screen = self.screen();
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no row {name:?} in\n{screen}"))
            .to_owned()
    }
}

async fn rig() -> Rig {
    let sandbox = Sandbox::start_with(
        0,
        SandboxOptions {
            examples: true,
            clock: Clock::Manual {
                start: thursday_morning(),
            },
            dialer: DialerConfig {
                ignore_window: true,
                ..DialerConfig::default()
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let context = ViewContext {
        sandbox: true,
        ..ViewContext::default()
    };
    let mut rig = Rig {
        sandbox,
        client,
        adapter: Adapter::default(),
        list: BatchList::new(context),
        terminal: Terminal::new(TestBackend::new(120, 40)).unwrap(),
    };
    rig.screen();
    rig
}

const WELCOME: &str = "Example: Welcome calls";

#[tokio::test]
async fn list_details_start_progress_stop_and_delete_against_the_sandbox() {
    let mut rig = rig().await;
    rig.list(ListMsg::Tick).await;
    let screen = rig.screen();
    assert!(screen.contains("sandbox's examples"), "{screen}");
    assert!(screen.contains("page 1/1 · 4 batches"), "{screen}");
    let first = rig.row("Example:");
    assert!(first.contains(WELCOME), "newest first: {first}");
    assert!(
        first.contains("‖ paused") && first.contains("0/24"),
        "{first}"
    );

    // Details: 24 contacts, none called yet.
    rig.key(KeyCode::Enter).await;
    let summary = rig.adapter.opened.pop().expect("Enter opens the details");
    let id = summary.id.clone();
    let mut view = BatchDetailsView::new(ViewContext::default(), summary);
    rig.details(&mut view, DetailsMsg::Tick).await;
    let screen = rig.details(&mut view, DetailsMsg::Tick).await;
    assert!(screen.contains("24 calls"), "{screen}");
    assert!(
        view.calls().iter().all(|c| c.phone_logs.is_empty()),
        "{screen}"
    );

    // Start: shown at once, confirmed by the server.
    rig.key(KeyCode::Char('s')).await;
    assert!(
        rig.screen()
            .contains("Start calling “Example: Welcome calls”?")
    );
    rig.key(KeyCode::Enter).await;
    assert_eq!(rig.adapter.sent, [format!("start {id}")]);
    assert!(rig.row(WELCOME).contains("▶ active"));
    assert!(rig.screen().contains("Started calling"));

    // Ten seconds of dialing: the row and the calls move on.
    rig.sandbox.advance(Duration::from_secs(10));
    rig.list(ListMsg::Tick).await;
    let row = rig.row(WELCOME);
    let picked = rig.list.selected().unwrap().calls_picked;
    assert_eq!(rig.list.selected().unwrap().id, id, "the cursor stayed");
    assert!(picked >= 10, "2 calls a second: {row}");
    let screen = rig.details(&mut view, DetailsMsg::Tick).await;
    let called = view
        .calls()
        .iter()
        .filter(|c| !c.phone_logs.is_empty())
        .count();
    assert_eq!(called as u64, picked, "{screen}");

    // The call detail of a call with an attempt.
    let with_log = view
        .calls()
        .iter()
        .position(|c| c.status().is_some_and(|s| s != "in-progress"))
        .expect("a finished call");
    for _ in 0..with_log {
        rig.details(&mut view, key(KeyCode::Down)).await;
    }
    let screen = rig.details(&mut view, key(KeyCode::Enter)).await;
    assert!(screen.contains("Attempts (1)"), "{screen}");

    // Stop: nothing new is picked up afterwards.
    rig.key(KeyCode::Char('x')).await;
    assert!(
        rig.screen()
            .contains("Calls in progress finish; no new calls start.")
    );
    rig.key(KeyCode::Enter).await;
    assert!(rig.row(WELCOME).contains("■ stopped"));
    rig.sandbox.advance(Duration::from_secs(30));
    rig.list(ListMsg::Tick).await;
    let after_stop = rig.list.selected().unwrap().calls_picked;
    rig.sandbox.advance(Duration::from_secs(30));
    rig.list(ListMsg::Tick).await;
    assert_eq!(rig.list.selected().unwrap().calls_picked, after_stop);
    assert!(rig.row(WELCOME).contains("■ stopped"));

    // Delete: a wrong name sends nothing; the right one deletes.
    rig.key(KeyCode::Char('D')).await;
    rig.type_text("Welcome calls").await;
    rig.key(KeyCode::Enter).await;
    assert!(rig.screen().contains("nothing was deleted"));
    assert_eq!(rig.adapter.sent.len(), 2, "no delete was sent");
    assert!(rig.sandbox.store().batch(&id).is_some());
    for _ in 0.."Welcome calls".len() {
        rig.key(KeyCode::Backspace).await;
    }
    rig.type_text(WELCOME).await;
    rig.key(KeyCode::Enter).await;
    assert_eq!(rig.adapter.sent.last(), Some(&format!("delete {id}")));
    assert!(rig.sandbox.store().batch(&id).is_none());
    let screen = rig.screen();
    assert!(rig.list.rows().iter().all(|b| b.id != id), "{screen}");
    assert!(
        screen.contains("Deleted “Example: Welcome calls”."),
        "{screen}"
    );
    assert!(screen.contains("page 1/1 · 3 batches"), "{screen}");
}

fn key(code: KeyCode) -> DetailsMsg {
    DetailsMsg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[tokio::test]
async fn a_refused_start_comes_back_with_what_the_action_needs() {
    let mut rig = rig().await;
    rig.list(ListMsg::Tick).await;
    // A credential the sandbox refuses, from here on.
    let mut config = rig.sandbox.client_config();
    config.auth = weya_tui::api::Auth::ApiKey("not-the-sandbox-key-0000".to_owned().into());
    rig.client = WeyaClient::new(config).unwrap();
    rig.key(KeyCode::Char('s')).await;
    rig.key(KeyCode::Enter).await;
    let row = rig.row(WELCOME);
    assert!(row.contains("‖ paused"), "reverted: {row}");
    let screen = rig.screen();
    assert!(
        screen.contains("start-calling needs WEYA_TOKEN"),
        "{screen}"
    );
}
