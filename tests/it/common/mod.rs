//! The test harness: the real app (update, effects, view) on a TestBackend,
//! talking over loopback HTTP to the embedded sandbox or to a stand-in server.
#![allow(dead_code)]

pub mod cli;
pub mod mock;
pub mod sizes;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use weya_tui::api::{ClientConfig, WeyaClient};
use weya_tui::config::Paths;
use weya_tui::sandbox::Sandbox;
use weya_tui::tui::{AppContext, Msg, Shell as App, TargetLabel};

/// The store's files in `dir`.
pub fn store_in(dir: &std::path::Path) -> Paths {
    Paths {
        config_file: dir.join("config/config.toml"),
        state_dir: dir.join("state"),
        data_dir: dir.join("data"),
    }
}
use weya_tui::{Runtime, draw};

/// How long a condition may take before the test fails. Generous: CI shares
/// two cores; a passing test never waits this long.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn context() -> AppContext {
    AppContext {
        target: TargetLabel::Sandbox,
        default_timezone: "America/New_York".into(),
        local_timezone: "Asia/Kolkata".into(),
        started_at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 15, 14, 0, 0)
            .unwrap(),
        phone_book: Vec::new(),
        notice: None,
        known_batches: Vec::new(),
        can_list_batches: true,
        initial: None,
        color: false,
        refresh: weya_tui::tui::views::batches::DEFAULT_REFRESH,
        dialer_ignores_window: false,
        examples: weya_tui::sandbox::example_schedules(),
        contact_hours: weya_tui::domain::local_time::ContactHours::default(),
        last_home: None,
        unfinished_imports: Vec::new(),
    }
}

pub struct Harness {
    pub runtime: Runtime,
    pub terminal: Terminal<TestBackend>,
}

impl Harness {
    /// The app against `config`, on a `width`x`height` TestBackend.
    pub fn new(config: ClientConfig, width: u16, height: u16) -> Self {
        Self::with_store(config, width, height, None)
    }

    /// The app, keeping its journal, draft and templates in `store`.
    pub fn with_store(config: ClientConfig, width: u16, height: u16, store: Option<Paths>) -> Self {
        Self::with_context(config, width, height, store, context())
    }

    /// The app started with `context` (what the launcher read at start).
    pub fn with_context(
        config: ClientConfig,
        width: u16,
        height: u16,
        store: Option<Paths>,
        context: AppContext,
    ) -> Self {
        let client = WeyaClient::new(config).expect("client");
        let runtime = Runtime::new(context, client, store);
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Self { runtime, terminal }
    }

    pub fn on_sandbox(sandbox: &Sandbox) -> Self {
        Self::new(sandbox.client_config(), 120, 40)
    }

    pub fn app(&self) -> &App {
        &self.runtime.app
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(KeyEvent::new(code, KeyModifiers::NONE));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    pub fn send(&mut self, key: KeyEvent) {
        self.runtime.dispatch(Msg::Key(key));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Applies replies as they arrive until `done` holds; fails after
    /// [`PATIENCE`] with `what` and the screen.
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(self.app()) {
            match tokio::time::timeout_at(deadline, self.runtime.next_reply()).await {
                Ok(Some(msg)) => self.runtime.dispatch(msg),
                Ok(None) => panic!("reply channel closed while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.screen()),
            }
        }
    }

    /// Fills a valid form (name, first number) and opens the review.
    pub async fn fill_and_review(&mut self, name: &str) {
        self.wait_for_phones().await;
        self.type_text(name);
        self.key(KeyCode::Tab);
        self.key(KeyCode::Char(' '));
        self.ctrl('s');
        assert!(
            matches!(
                self.app().create.screen,
                weya_tui::tui::views::create::Screen::Review(_)
            ),
            "the review opens:\n{}",
            self.screen()
        );
    }

    /// Waits for the result screen and, when the batch list is being
    /// checked, for that check too.
    pub async fn wait_for_result(&mut self) {
        self.wait_for("the result and its batch-list check", |app| {
            match &app.create.screen {
                weya_tui::tui::views::create::Screen::Result(answer) => !answer.lookup.is_loading(),
                _ => false,
            }
        })
        .await;
    }

    pub async fn wait_for_phones(&mut self) {
        self.wait_for("the phone list", |app| {
            !app.create.form.numbers.phones.is_loading()
                && app.create.form.numbers.phones.value().is_some()
        })
        .await;
    }

    /// Draws and returns the screen as text, one line per row.
    pub fn screen(&mut self) -> String {
        draw(&mut self.terminal, &self.runtime.app).expect("draw");
        screen_text(self.terminal.backend())
    }
}

pub fn screen_text(backend: &TestBackend) -> String {
    let buffer = backend.buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Finds the first 24-hex word on the screen.
pub fn object_id_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| weya_tui::api::types::is_object_id(w))
        .map(str::to_owned)
}
