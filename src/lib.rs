//! weya-tui: stage Weya outbound calling campaigns from the terminal.
//!
//! The library holds the whole application so that tests drive the real
//! thing: [`run`] is generic over the ratatui backend and takes its input as
//! a stream, and [`Runtime`] is the update-and-effects core it loops over.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod form;
pub mod import;
pub mod remote;
pub mod sandbox;
pub mod schedule;
pub mod store;
pub mod ui;

use std::io::{self, Write};
use std::time::Duration;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use tokio::sync::mpsc;

use crate::api::WeyaClient;
use crate::app::effects::Effects;
use crate::app::{App, AppContext, Msg, update};
use crate::store::StorePaths;

/// How often animations (spinners, elapsed time) advance while one is on show.
const TICK: Duration = Duration::from_millis(100);

/// The model, the effects that serve it, and the channel their replies come
/// back on.
pub struct Runtime {
    pub app: App,
    effects: Effects,
    replies: mpsc::Receiver<Msg>,
}

impl Runtime {
    /// A new app talking to `client`; the first commands (the phone list
    /// fetch) start at once. Must be called inside a tokio runtime.
    ///
    /// The journal, the draft and templates are kept in `store` when it is
    /// given.
    pub fn new(context: AppContext, client: WeyaClient, store: Option<StorePaths>) -> Self {
        let (tx, replies) = mpsc::channel(64);
        let (app, cmds) = App::new(context);
        let mut effects = Effects::new(client, tx, store);
        for cmd in cmds {
            effects.run(cmd);
        }
        Self {
            app,
            effects,
            replies,
        }
    }

    /// Updates the model with `msg` and starts the commands that result.
    pub fn dispatch(&mut self, msg: Msg) {
        for cmd in update(&mut self.app, msg) {
            self.effects.run(cmd);
        }
    }

    /// The next reply of a finished effect.
    pub async fn next_reply(&mut self) -> Option<Msg> {
        self.replies.recv().await
    }

    /// On the way out: writes the draft if the form changed since it was
    /// last saved, and says where the draft is kept (if there is one).
    pub fn finish(&self) -> Option<std::path::PathBuf> {
        let path = self.effects.draft_path()?.to_path_buf();
        if self.app.draft_state == app::DraftState::Changed {
            let draft = store::draft::Draft::of(&self.app.form);
            self.effects.write_draft_now(self.app.draft_seq, &draft);
        }
        path.exists().then_some(path)
    }

    /// A reply that is already waiting, if any.
    pub fn ready_reply(&mut self) -> Option<Msg> {
        self.replies.try_recv().ok()
    }
}

/// A backend that can bracket a frame so the terminal shows it whole.
/// Also what else the run loop asks of the terminal it owns.
pub trait FrameBackend: Backend {
    fn begin_frame(&mut self) {}
    fn end_frame(&mut self) {}
    /// Puts `text` on the clipboard.
    fn copy_to_clipboard(&mut self, _text: &str) {}
    /// Captures the mouse (clicks reach the app) or releases it (the
    /// terminal selects text).
    fn capture_mouse(&mut self, _on: bool) {}
}

impl FrameBackend for TestBackend {}

/// OSC 52: "set the clipboard to this base64 text". Terminals that allow it
/// (most, and through SSH) put it on the local clipboard.
pub fn osc52(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    format!("\x1b]52;c;{b64}\x07")
}

impl<W: io::Write> FrameBackend for CrosstermBackend<W> {
    fn begin_frame(&mut self) {
        let _ = crossterm::queue!(self, crossterm::terminal::BeginSynchronizedUpdate);
    }

    fn end_frame(&mut self) {
        let _ = crossterm::execute!(self, crossterm::terminal::EndSynchronizedUpdate);
    }

    fn copy_to_clipboard(&mut self, text: &str) {
        let _ = self.write_all(osc52(text).as_bytes());
        let _ = io::Write::flush(self);
    }

    fn capture_mouse(&mut self, on: bool) {
        let _ = if on {
            crossterm::execute!(self, crossterm::event::EnableMouseCapture)
        } else {
            crossterm::execute!(self, crossterm::event::DisableMouseCapture)
        };
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("reading the terminal failed: {0}")]
    Input(#[from] io::Error),
}

/// Draws the current state once, inside a synchronized update.
pub fn draw<B: FrameBackend>(terminal: &mut Terminal<B>, app: &App) -> Result<(), RunError> {
    terminal.backend_mut().begin_frame();
    let drawn = terminal
        .draw(|frame| ui::view(app, frame))
        .map(|_| ())
        .map_err(|e| RunError::Draw(e.to_string()));
    terminal.backend_mut().end_frame();
    drawn
}

/// The run loop: wait for input, a reply or (only while something animates) a
/// tick, and draw once when nothing else is ready. Because the select is
/// biased, a burst (a paste, a resize storm, several replies) is applied
/// whole before one draw. Idle costs nothing.
///
/// Returns when the operator quits or the input ends; the final model is
/// `runtime.app`.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    mut input: S,
    runtime: &mut Runtime,
) -> Result<(), RunError>
where
    B: FrameBackend,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size().map_err(|e| RunError::Draw(e.to_string()))?;
    runtime.dispatch(Msg::Resize(size.width, size.height));
    let mut mouse = runtime.app.wants_mouse();
    terminal.backend_mut().capture_mouse(mouse);
    draw(terminal, &runtime.app)?;
    let mut dirty = false;
    loop {
        let animating = runtime.app.is_animating();
        let msg = tokio::select! {
            biased;
            event = input.next() => match event {
                Some(event) => Msg::from_event(event?),
                None => return Ok(()),
            },
            Some(reply) = runtime.replies.recv() => Some(reply),
            _ = ticker.tick(), if animating => Some(Msg::Tick),
            () = std::future::ready(()), if dirty => {
                runtime.dispatch(Msg::Clock(chrono::Utc::now()));
                for text in runtime.effects.take_clipboard() {
                    terminal.backend_mut().copy_to_clipboard(&text);
                }
                if runtime.app.wants_mouse() != mouse {
                    mouse = runtime.app.wants_mouse();
                    terminal.backend_mut().capture_mouse(mouse);
                }
                draw(terminal, &runtime.app)?;
                dirty = false;
                None
            }
        };
        if let Some(msg) = msg {
            runtime.dispatch(msg);
            dirty = true;
        }
        if runtime.app.quit {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_base64() {
        assert_eq!(super::osc52("64e5f1"), "\x1b]52;c;NjRlNWYx\x07");
        assert_eq!(super::osc52("ab"), "\x1b]52;c;YWI=\x07");
        assert_eq!(super::osc52("a"), "\x1b]52;c;YQ==\x07");
    }
}
