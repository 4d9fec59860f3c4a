//! The terminal app: the run loop that owns the terminal, the shell and its
//! views, the keymap, the effects that run commands, and the words they
//! share ([`msg`], [`context`]), which import none of them.

pub mod context;
pub mod draw;
pub mod effects;
pub mod keymap;
pub mod msg;
pub mod palette;
pub mod shell;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testing;
pub mod views;
pub mod widgets;

pub use crate::connection::TargetLabel;
pub use context::{AppContext, Initial, KnownBatch};
pub use msg::Msg;
pub use shell::{Shell, update};

use std::io::{self, Write};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use tokio::sync::mpsc;

use crate::api::WeyaClient;
use crate::config::Paths;
use crate::store::draft::{self, DraftFiles, DraftWriter};
use effects::{Effects, TerminalRequest};
use msg::Subscription;
use terminal::{ExitSignal, Signal, SuspendError};
use tokio::time::Instant;
use views::create::{self as app, DraftState};

/// The model, the effects that serve it, and the channel their replies come
/// back on.
pub struct Runtime {
    pub app: Shell,
    effects: Effects,
    replies: mpsc::Receiver<Msg>,
    /// Where a redraw is asked for when something ready in the background
    /// changes what the screen shows.
    redraw: mpsc::Sender<Msg>,
}

impl Runtime {
    /// A new app talking to `client`; the first commands (the phone list
    /// fetch) start at once. Must be called inside a tokio runtime.
    ///
    /// The journal, the draft and templates are kept in `store` when it is
    /// given: this session takes a draft slot of its own there (see
    /// [`crate::store::draft::claim`]) and, unless `context` brings values of its
    /// own, restores the draft an ended session left, offering any others.
    pub fn new(context: AppContext, client: WeyaClient, store: Option<Paths>) -> Self {
        Self::with_draft_files(context, client, store, Box::new(draft::Disk))
    }

    /// [`Runtime::new`], writing drafts through `files` (a test makes them
    /// fail as a full disk does).
    pub fn with_draft_files(
        mut context: AppContext,
        client: WeyaClient,
        store: Option<Paths>,
        files: Box<dyn DraftFiles>,
    ) -> Self {
        let (tx, replies) = mpsc::channel(64);
        let mut offer = None;
        let store = store.map(|paths| {
            // Before the UI starts: the UI loop never touches the disk.
            let claim = draft::claim(&paths.draft(), context.initial.is_none());
            // The draft's news first: if the rows run out, the rest is cut.
            let mut notes = claim.notes;
            notes.extend(context.notice.take());
            match (claim.restored, &claim.slot) {
                (Some(restored), Ok(slot)) => {
                    offer = Some((
                        draft::LeftDraft {
                            path: slot.path().to_path_buf(),
                            draft: restored.clone(),
                        },
                        claim.others,
                    ));
                    context.initial = Some(Initial::Draft(restored));
                }
                _ => notes.extend(draft::others_note(&claim.others)),
            }
            context.notice = (!notes.is_empty()).then(|| notes.join(" "));
            (paths, DraftWriter::new(claim.slot, files))
        });
        let (mut app, cmds) = Shell::new(context);
        // What the client will actually allow, not what the app assumes.
        app.create.request_timeout = client.config().timeout;
        if let Some((restored, others)) = offer {
            app::files::offer_drafts(&mut app.create, restored, others);
        }
        let target = app.target.name().to_owned();
        let redraw = tx.clone();
        let mut effects = Effects::with_target(client, tx, store, target);
        effects.set_target_label(app.target.clone());
        for cmd in cmds {
            effects.run(cmd);
        }
        Self {
            app,
            effects,
            replies,
            redraw,
        }
    }

    /// From now on no frame waits for phone-number metadata (161 ms for
    /// the sandbox's first twelve numbers): a number not formatted before
    /// is drawn as its digits after a `+`, formatted on a thread of its
    /// own, and the screen is drawn again when it is ready (see
    /// [`crate::domain::phone::format_in_background`]). For the live
    /// terminal; tests draw every number grouped at once.
    pub fn format_numbers_in_background(&self) {
        let redraw = self.redraw.clone();
        crate::domain::phone::format_in_background(move || {
            // Full: a redraw is on its way anyway.
            let _ = redraw.try_send(Msg::Second);
        });
    }

    /// How long a send whose answer was lost may still make its batch
    /// ([`crate::create::LANDING_ENV`]).
    pub fn set_landing(&mut self, within: std::time::Duration) {
        self.app.create.landing = crate::create::Landing::new(within);
    }

    /// What a batch's news does besides the header: the bell and a
    /// desktop notification, as configured.
    pub fn set_notify(&mut self, notify: crate::config::Notify) {
        self.effects.set_notify(notify);
    }

    /// Where the operator's `phonebook.toml` is: `r` on the phone list
    /// reads it again.
    pub fn set_phone_book(&mut self, path: std::path::PathBuf) {
        self.effects.set_phone_book(path);
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

    /// On the way out: writes the draft if the form is not on disk as it
    /// is, and says what became of it. Blocking.
    pub fn finish(&self) -> DraftOnExit {
        let Some(drafts) = self.effects.drafts() else {
            return DraftOnExit::Nothing;
        };
        let path = drafts.path();
        let create = &self.app.create;
        if create.draft_state != DraftState::Saved {
            let draft = draft::Draft::of(&create.form);
            // An older write still on its way is skipped.
            if let Err(e) = drafts.write(create.draft_seq, Some(&draft)) {
                tracing::error!(error = %e, "cannot write the draft");
                return DraftOnExit::Lost {
                    why: e.to_string(),
                    earlier: path.filter(|p| p.exists()),
                };
            }
        }
        match path {
            Some(path) if path.exists() => DraftOnExit::Kept(path),
            _ => DraftOnExit::Nothing,
        }
    }

    /// On the way out: what an import under way had sent and had not (as
    /// its journal on disk has it), and how to take it up; `None` when no
    /// import was sending, or the one that was is complete. Blocking.
    pub fn import_on_exit(&self) -> Option<String> {
        self.app.stack.iter().rev().find_map(|view| {
            let views::View::Import(import) = view else {
                return None;
            };
            let shown = import.sending()?.journal.as_ref()?;
            // As on disk: a request the executor marked as on its way
            // after the view last heard of it reads as in doubt there.
            let on_disk = shown.path().parent().and_then(|dir| {
                crate::import::ImportJournal::find(dir, shown.batch_id(), shown.file())
                    .ok()
                    .flatten()
            });
            let journal = on_disk.as_ref().unwrap_or(shown);
            (!journal.is_complete()).then(|| {
                crate::import::recovery::on_quit(
                    import.batch_name(),
                    journal.batch_id(),
                    &journal.file().path,
                    &journal.summary(),
                    context::RESUME_IMPORT_KEY,
                )
            })
        })
    }

    /// A reply that is already waiting, if any.
    pub fn ready_reply(&mut self) -> Option<Msg> {
        self.replies.try_recv().ok()
    }
}

/// What became of the draft when the app closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftOnExit {
    /// There is none to keep (nothing typed, or Weya confirmed the batch).
    Nothing,
    /// The form as it was is in this file and comes back next time.
    Kept(std::path::PathBuf),
    /// The form could not be written: what was on screen is not on disk.
    Lost {
        why: String,
        /// A file holding an earlier state of the form, if there is one.
        earlier: Option<std::path::PathBuf>,
    },
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
    /// Gives the terminal back to the shell and stops the job (Ctrl-Z);
    /// returns once it runs again, and the run loop then calls
    /// [`FrameBackend::resume`]. An error means nothing changed.
    fn suspend(&mut self) -> Result<(), SuspendError> {
        Err(SuspendError::Unsupported)
    }
    /// Takes the terminal again after a stop (ours or anyone's): its modes,
    /// whatever the shell did to them meanwhile.
    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Writes a bell and notification sequence (see [`alert_bytes`]),
    /// between frames.
    fn alert(&mut self, _bytes: &str) {}
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

/// What a batch's news writes to the terminal: the bell (BEL), and a
/// desktop notification as OSC 9 (iTerm2, WezTerm, Windows Terminal,
/// kitty, ghostty) or OSC 777 (`notify;TITLE;BODY`: urxvt, foot,
/// WezTerm, ghostty), as `notify` says. The text is made visible (no
/// control character can end the sequence early) and OSC 777's title
/// holds no `;`.
pub fn alert_bytes(text: &str, notify: crate::config::Notify) -> String {
    use crate::config::DesktopNotice;
    let text = crate::text::visible(text);
    let mut out = String::new();
    match notify.desktop {
        DesktopNotice::Off => {}
        DesktopNotice::Osc9 => out.push_str(&format!("\x1b]9;weya-tui: {text}\x07")),
        DesktopNotice::Osc777 => out.push_str(&format!("\x1b]777;notify;weya-tui;{text}\x07")),
    }
    if notify.bell {
        out.push('\x07');
    }
    out
}

impl<W: io::Write> FrameBackend for CrosstermBackend<W> {
    fn alert(&mut self, bytes: &str) {
        let _ = self.write_all(bytes.as_bytes());
        let _ = io::Write::flush(self);
    }

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

    fn suspend(&mut self) -> Result<(), SuspendError> {
        terminal::suspend(self)
    }

    fn resume(&mut self) -> io::Result<()> {
        terminal::enter(self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("reading the terminal failed")]
    Input(#[from] io::Error),
    #[error("taking the terminal back after a stop failed: {0}")]
    Resume(io::Error),
}

/// Why the run loop returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The operator quit.
    Quit,
    /// The input stream ended.
    InputEnded,
    /// A signal asked the app to end.
    Signal(ExitSignal),
}

impl Ended {
    /// The process's exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Quit | Self::InputEnded => 0,
            Self::Signal(signal) => signal.exit_code(),
        }
    }
}

/// Draws the current state once, inside a synchronized update.
pub fn draw<B: FrameBackend>(terminal: &mut Terminal<B>, app: &Shell) -> Result<(), RunError> {
    terminal.backend_mut().begin_frame();
    let drawn = terminal
        .draw(|frame| draw::view(app, frame))
        .map(|_| ())
        .map_err(|e| RunError::Draw(e.to_string()));
    terminal.backend_mut().end_frame();
    drawn
}

/// The run loop: wait for input, a reply or the timer of a subscription
/// (only while the view on show animates or polls), and draw once when
/// nothing else is ready. Because the select is
/// biased, a burst (a paste, a resize storm, several replies) is applied
/// whole before one draw. Idle costs nothing.
///
/// Returns when the operator quits or the input ends; the final model is
/// `runtime.app`.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    input: S,
    runtime: &mut Runtime,
) -> Result<Ended, RunError>
where
    B: FrameBackend,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    run_with_signals(terminal, input, futures::stream::pending(), runtime).await
}

/// [`run`], also answering `signals`: one that ends the app returns at once
/// (the caller saves the draft and restores the terminal), SIGTSTP suspends
/// the app as Ctrl-Z does, SIGCONT takes the terminal back and draws it
/// whole.
pub async fn run_with_signals<B, S, G>(
    terminal: &mut Terminal<B>,
    mut input: S,
    mut signals: G,
    runtime: &mut Runtime,
) -> Result<Ended, RunError>
where
    B: FrameBackend,
    S: Stream<Item = io::Result<Event>> + Unpin,
    G: Stream<Item = Signal> + Unpin,
{
    let mut timers = Timers::default();
    let size = terminal.size().map_err(|e| RunError::Draw(e.to_string()))?;
    runtime.dispatch(Msg::Resize(size.width, size.height));
    let mut mouse = runtime.app.wants_mouse();
    terminal.backend_mut().capture_mouse(mouse);
    draw(terminal, &runtime.app)?;
    let mut dirty = false;
    loop {
        let due = timers.next(&runtime.app.subscriptions(), Instant::now());
        let wake = tokio::time::sleep_until(due.as_ref().map_or_else(Instant::now, |d| d.0));
        let msg = tokio::select! {
            biased;
            // Signals before input: on a closed terminal crossterm's reader
            // spins on EOF holding its lock (crossterm issue #793), and
            // SIGHUP must still be seen.
            Some(signal) = signals.next() => {
                match signal {
                    Signal::Exit(which) => return Ok(Ended::Signal(which)),
                    Signal::Suspend => {
                        // As the kernel ignores SIGTSTP without job control.
                        if let Some(e) = suspend(terminal, runtime, mouse)? {
                            tracing::info!(error = %e, "SIGTSTP ignored");
                        }
                    }
                    Signal::Continue => resume(terminal, runtime, mouse)?,
                }
                dirty = true;
                None
            }
            event = input.next() => match event {
                Some(event) => Msg::from_event(event?),
                None => return Ok(Ended::InputEnded),
            },
            Some(reply) = runtime.replies.recv() => Some(reply),
            () = wake, if due.is_some() => due.map(|(_, name, msg)| {
                timers.fired(name);
                msg
            }),
            () = std::future::ready(()), if dirty => {
                runtime.dispatch(Msg::Clock(chrono::Utc::now()));
                for request in runtime.effects.take_terminal_requests() {
                    match request {
                        TerminalRequest::Copy(text) => {
                            terminal.backend_mut().copy_to_clipboard(&text);
                        }
                        TerminalRequest::Alert(text, notify) => {
                            terminal.backend_mut().alert(&alert_bytes(&text, notify));
                        }
                        TerminalRequest::Suspend => {
                            if let Some(e) = suspend(terminal, runtime, mouse)? {
                                runtime.dispatch(Msg::NotSuspended(e.to_string()));
                            }
                        }
                    }
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
            // Each message is handled at the time it came, not at the last
            // draw's: a reply counts its next refresh from it ("next try in
            // 5 s"), and an Enter pressed after minutes on the review is
            // sent now, so the time a lost answer may still land is counted
            // from the send, not from the last redraw.
            runtime.dispatch(Msg::Clock(chrono::Utc::now()));
            runtime.dispatch(msg);
            dirty = true;
        }
        if runtime.app.quit {
            // Ctrl-C ends the app as SIGINT does (130); the palette's quit
            // is a quit (0).
            return Ok(if runtime.app.interrupted {
                Ended::Signal(ExitSignal::Interrupt)
            } else {
                Ended::Quit
            });
        }
    }
}

/// When each subscription in force fires next: one timer per name, started
/// when a view first asks for it and dropped when none does. With no
/// subscription there is no timer, and the loop sleeps until input.
#[derive(Debug, Default)]
struct Timers {
    due: Vec<(&'static str, Instant)>,
}

impl Timers {
    /// Brings the timers in line with `subs` and says which fires first:
    /// when, its name and its message.
    fn next(
        &mut self,
        subs: &[Subscription],
        now: Instant,
    ) -> Option<(Instant, &'static str, Msg)> {
        self.due
            .retain(|(name, _)| subs.iter().any(|s| s.name == *name));
        for sub in subs {
            if self.due.iter().all(|(name, _)| *name != sub.name) {
                self.due.push((sub.name, now + sub.every));
            }
        }
        let (name, at) = *self.due.iter().min_by_key(|(_, at)| *at)?;
        let sub = subs.iter().find(|s| s.name == name)?;
        Some((at, name, sub.msg.clone()))
    }

    /// `name` fired: `next` starts it again a period from then, so a late
    /// one is not made up with a burst.
    fn fired(&mut self, name: &'static str) {
        self.due.retain(|(n, _)| *n != name);
    }
}

/// Ctrl-Z or SIGTSTP: the draft is written, the terminal goes back to the
/// shell until the app is continued, and is then taken again (the caller
/// draws). Returns why not when the app did not stop.
fn suspend<B: FrameBackend>(
    terminal: &mut Terminal<B>,
    runtime: &mut Runtime,
    mouse: bool,
) -> Result<Option<SuspendError>, RunError> {
    // As on the way out, and before the stop: a stopped job may never run
    // again (`kill -9`, its terminal closed), and the timer that writes the
    // draft does not run while it is stopped.
    runtime.finish();
    if let Err(e) = terminal.backend_mut().suspend() {
        return Ok(Some(e));
    }
    resume(terminal, runtime, mouse)?;
    Ok(None)
}

/// After a stop: the terminal's modes again, and every cell drawn anew on
/// the next draw (the shell drew over the screen, and its size may have
/// changed meanwhile). `resize` resets what ratatui believes is on screen,
/// as `clear` would, without `clear`'s question to the terminal about the
/// cursor (a round trip that waits two seconds for a terminal that does not
/// answer).
fn resume<B: FrameBackend>(
    terminal: &mut Terminal<B>,
    runtime: &mut Runtime,
    mouse: bool,
) -> Result<(), RunError> {
    terminal.backend_mut().resume().map_err(RunError::Resume)?;
    terminal.backend_mut().capture_mouse(mouse);
    let size = terminal.size().map_err(|e| RunError::Draw(e.to_string()))?;
    terminal
        .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
        .map_err(|e| RunError::Draw(e.to_string()))?;
    runtime.dispatch(Msg::Resize(size.width, size.height));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Poll;
    use std::time::Duration;

    use super::*;
    use crate::api::{Auth, ClientConfig};

    /// How many times the run loop woke in two seconds: it polls its
    /// input once each time it wakes, and the input never has anything.
    async fn wake_ups_in_two_seconds(runtime: &mut Runtime) -> usize {
        let polls = Arc::new(AtomicUsize::new(0));
        let counter = polls.clone();
        let input = futures::stream::poll_fn(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            Poll::<Option<io::Result<Event>>>::Pending
        });
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let ran =
            tokio::time::timeout(Duration::from_secs(2), run(&mut terminal, input, runtime)).await;
        assert!(ran.is_err(), "the loop runs until stopped");
        polls.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn with_nothing_moving_or_polling_the_loop_never_wakes() {
        // A closed port: the phone list fails at once.
        let config = ClientConfig::new("http://127.0.0.1:9", Auth::ApiKey("key".into()));
        let client = WeyaClient::new(config).unwrap();
        let mut runtime = Runtime::new(AppContext::for_tests(), client, None);
        let reply = runtime.next_reply().await.unwrap();
        runtime.dispatch(reply);
        assert!(runtime.app.subscriptions().is_empty());
        // The loop's first poll, and the one `timeout` makes of it as it
        // ends: no wake-up in between.
        assert_eq!(wake_ups_in_two_seconds(&mut runtime).await, 2);

        // The same loop with a spinner on show ticks 10 times a second.
        runtime.app.create.form.numbers.phones.start_loading();
        assert!(wake_ups_in_two_seconds(&mut runtime).await >= 15);
    }

    #[tokio::test(start_paused = true)]
    async fn a_countdown_on_screen_is_redrawn_each_second_but_not_without_focus() {
        use crate::tui::views::View;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        // A closed port: the batch list fails at once, and says "next try
        // in 5 s", a time that must count down on screen.
        let mut config = ClientConfig::new("http://127.0.0.1:9", Auth::ApiKey("key".into()));
        config.user_id = Some("64e5f12345abcdef98765432".into());
        let client = WeyaClient::new(config).unwrap();
        let mut runtime = Runtime::new(AppContext::for_tests(), client, None);
        let ctrl_b = KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL);
        runtime.dispatch(Msg::Key(ctrl_b));
        let failed =
            |app: &Shell| matches!(app.top(), Some(View::BatchList(list)) if list.shows_time());
        while !failed(&runtime.app) {
            let reply = runtime.next_reply().await.unwrap();
            runtime.dispatch(reply);
        }
        // The refresh is 5 s away; each second between, the loop wakes to
        // draw the countdown (and polls its input as it does).
        assert!(wake_ups_in_two_seconds(&mut runtime).await >= 3);

        // Without focus nothing is looked at: no beat, no wake-up.
        runtime.dispatch(Msg::FocusLost);
        assert_eq!(wake_ups_in_two_seconds(&mut runtime).await, 2);
    }

    /// The list on screen, on a paused clock: when the run loop's timers
    /// fire its refresh, each fetch answered at once. The times, in
    /// seconds from opening, at which the first three refreshes ask.
    async fn list_refreshes(refresh: Duration) -> Vec<u64> {
        use crate::api::BatchPage;
        use crate::tui::msg::Cmd;
        use crate::tui::views::batches::list::ListMsg;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        let (mut app, _) = Shell::new(AppContext {
            refresh,
            ..AppContext::for_tests()
        });
        let start = Instant::now();
        let mut timers = Timers::default();
        let mut asked = Vec::new();
        let mut msg = Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL));
        while asked.len() < 4 {
            for cmd in update(&mut app, msg) {
                if let Cmd::FetchBatches { generation, .. } = cmd {
                    asked.push(start.elapsed().as_secs());
                    let result = Ok(BatchPage::default());
                    update(
                        &mut app,
                        Msg::BatchList(ListMsg::PageLoaded { generation, result }),
                    );
                }
            }
            let (at, name, next) = timers
                .next(&app.subscriptions(), Instant::now())
                .expect("the list polls");
            tokio::time::sleep_until(at).await;
            timers.fired(name);
            msg = next;
        }
        assert_eq!(asked[0], 0, "opening the list fetches at once");
        asked.split_off(1)
    }

    /// The batch list with a 2 s refresh (`WEYA_REFRESH_SECS=2`) whose
    /// every page fails after a second on the wire, driven as the run loop
    /// drives it: the "next try in N s" each failure shows, and how long
    /// after that failure the next request really went.
    async fn shown_and_real_retries(failures: usize) -> Vec<(u64, u64)> {
        use crate::api::{ApiError, NetworkFailure};
        use crate::tui::msg::Cmd;
        use crate::tui::views::batches::list::ListMsg;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        use ratatui::backend::TestBackend;

        let (mut app, _) = Shell::new(AppContext {
            refresh: Duration::from_secs(2),
            ..AppContext::for_tests()
        });
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let start = Instant::now();
        let wall = |at: Instant| {
            chrono::DateTime::UNIX_EPOCH + chrono::Duration::from_std(at - start).unwrap()
        };
        let mut timers = Timers::default();
        let mut retries = Vec::new();
        let mut answered: Option<(Instant, u64)> = None;
        let mut msg = Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL));
        while retries.len() < failures {
            update(&mut app, Msg::Clock(wall(Instant::now())));
            for cmd in update(&mut app, msg) {
                let Cmd::FetchBatches { generation, .. } = cmd else {
                    continue;
                };
                if let Some((at, shown)) = answered.take() {
                    retries.push((shown, (Instant::now() - at).as_secs()));
                }
                // The loop goes round while the request is on the wire
                // (its timers brought in line), a second passes, then the
                // error comes; the loop reads the clock as a reply arrives.
                timers.next(&app.subscriptions(), Instant::now());
                tokio::time::sleep(Duration::from_secs(1)).await;
                update(&mut app, Msg::Clock(wall(Instant::now())));
                let result = Err(ApiError::Network {
                    kind: NetworkFailure::Refused,
                    host: "h".into(),
                });
                update(
                    &mut app,
                    Msg::BatchList(ListMsg::PageLoaded { generation, result }),
                );
                draw(&mut terminal, &app).unwrap();
                let buffer = terminal.backend().buffer();
                let text: String = buffer
                    .content
                    .iter()
                    .map(ratatui::buffer::Cell::symbol)
                    .collect();
                let shown = text
                    .split("next try in ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("no countdown on screen: {text}"));
                answered = Some((Instant::now(), shown));
            }
            let (at, name, next) = timers
                .next(&app.subscriptions(), Instant::now())
                .expect("the list polls");
            tokio::time::sleep_until(at).await;
            timers.fired(name);
            msg = next;
        }
        retries
    }

    #[tokio::test(start_paused = true)]
    async fn the_countdown_on_screen_is_when_the_next_try_goes() {
        // (shown, real) after each failure: 5, 10, 20 s as the backoff says.
        assert_eq!(
            shown_and_real_retries(3).await,
            [(5, 5), (10, 10), (20, 20)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_list_refreshes_at_the_configured_interval() {
        assert_eq!(list_refreshes(Duration::from_secs(7)).await, [7, 14, 21]);
        assert_eq!(
            list_refreshes(Duration::from_secs(60)).await,
            [60, 120, 180]
        );
    }

    #[tokio::test]
    async fn enter_on_the_review_is_sent_at_the_time_it_is_pressed_not_at_the_last_draw() {
        use crate::api::Phone;
        use crate::tui::views::create::{CreateMsg, Screen};
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        use std::sync::Mutex;

        // A closed port: the phone list fails at once; a list is given.
        let config = ClientConfig::new("http://127.0.0.1:9", Auth::ApiKey("key".into()));
        let client = WeyaClient::new(config).unwrap();
        let mut runtime = Runtime::new(AppContext::for_tests(), client, None);
        let failed = runtime.next_reply().await.unwrap();
        runtime.dispatch(failed);
        runtime.dispatch(Msg::Create(CreateMsg::PhonesLoaded {
            generation: 1,
            result: Ok(vec![Phone {
                id: "64e5f12345abcdef87654329".into(),
                phone_number: "4930901820".into(),
                integration: "twilio".into(),
                label: "Berlin".into(),
            }]),
        }));
        let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        for c in "Q3".chars() {
            runtime.dispatch(key(KeyCode::Char(c)));
        }
        runtime.dispatch(key(KeyCode::Tab));
        runtime.dispatch(key(KeyCode::Char(' ')));
        runtime.dispatch(Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        assert!(matches!(runtime.app.create.screen, Screen::Review(_)));
        // The last redraw read the clock ten minutes ago; the operator has
        // been reading the review since.
        let drawn = chrono::Utc::now() - chrono::Duration::minutes(10);
        runtime.dispatch(Msg::Clock(drawn));

        let fed = Arc::new(Mutex::new(None));
        let at = fed.clone();
        let input = futures::stream::once(async move {
            *at.lock().unwrap() = Some(chrono::Utc::now());
            Ok(Event::Key(KeyEvent::new(
                KeyCode::Enter,
                KeyModifiers::NONE,
            )))
        });
        let mut terminal = Terminal::new(TestBackend::new(100, 40)).unwrap();
        let ended = run(&mut terminal, Box::pin(input), &mut runtime).await;
        assert_eq!(ended.unwrap(), Ended::InputEnded);
        let fed = fed.lock().unwrap().expect("Enter was fed");
        let Screen::Sending { sent_at, .. } = &runtime.app.create.screen else {
            panic!("Enter sends: {:?}", runtime.app.create.screen);
        };
        assert!(
            *sent_at >= fed,
            "sent at {sent_at}, before the Enter fed at {fed} (the last draw's {drawn})"
        );
    }

    /// Issue 19: the result screen sat stale while the CLI imported 12
    /// rows and deleted the batch. On a paused clock, driven as the run
    /// loop drives it: while the result is on show it looks at its batch
    /// at the list's refresh (5 s), after failed looks at the list's
    /// backoff (5, 10 s), and stops once the batch is gone; not on show,
    /// or without focus, it does not look.
    #[tokio::test(start_paused = true)]
    async fn the_result_on_show_looks_at_its_batch_at_the_lists_cadence_until_it_is_gone() {
        use crate::api::{ApiError, BatchSummary, Created, NetworkFailure, Phone};
        use crate::create::Look;
        use crate::tui::msg::Cmd;
        use crate::tui::views::create::{CreateMsg, Screen, Verdict};
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        const ID: &str = "64e5f12345abcdef98765432";
        let (mut app, _) = Shell::new(AppContext {
            refresh: Duration::from_secs(5),
            ..AppContext::for_tests()
        });
        app.create.context.can_list_batches = true;
        update(
            &mut app,
            Msg::Create(CreateMsg::PhonesLoaded {
                generation: 1,
                result: Ok(vec![Phone {
                    id: "64e5f12345abcdef87654329".into(),
                    phone_number: "4930901820".into(),
                    integration: "twilio".into(),
                    label: "Berlin".into(),
                }]),
            }),
        );
        let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let ctrl = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        for c in "Q3".chars() {
            update(&mut app, key(KeyCode::Char(c)));
        }
        update(&mut app, key(KeyCode::Tab));
        update(&mut app, key(KeyCode::Char(' ')));
        update(&mut app, ctrl('s'));
        update(&mut app, key(KeyCode::Enter));
        let batch = |calls| BatchSummary {
            id: ID.into(),
            batch_name: "Q3".into(),
            total_calls: Some(calls),
            queue_status: "paused".into(),
            ..BatchSummary::default()
        };
        let found = |request_id, result| {
            Msg::Create(CreateMsg::BatchesFound {
                request_id,
                look: Look {
                    result,
                    conclusive: true,
                    next_in: None,
                },
            })
        };
        let lookup = |cmds: Vec<Cmd>| {
            cmds.into_iter().find_map(|c| match c {
                Cmd::WatchForBatch { request_id, .. } => Some(request_id),
                _ => None,
            })
        };
        let created = Msg::Create(CreateMsg::SubmitFinished {
            request_id: 1,
            result: Ok(Created {
                batch_id: ID.into(),
                request_id: None,
            }),
        });
        let first = lookup(update(&mut app, created)).expect("the list is checked");
        update(&mut app, found(first, Ok(vec![batch(0)])));
        let calls = |app: &Shell| match &app.create.screen {
            Screen::Result(a) => match a.verdict() {
                Verdict::Listed(b) => b.total_calls,
                _ => None,
            },
            _ => None,
        };
        assert_eq!(calls(&app), Some(0));

        // Not on show, or without focus: no look.
        let looks = |app: &Shell| {
            app.subscriptions()
                .iter()
                .filter(|s| s.name == "result.refresh")
                .count()
        };
        assert_eq!(looks(&app), 1);
        update(&mut app, ctrl('b'));
        assert_eq!(looks(&app), 0, "the list on show");
        update(&mut app, Msg::FocusGained);
        update(&mut app, ctrl('p'));
        for c in "last result".chars() {
            update(&mut app, key(KeyCode::Char(c)));
        }
        let back = lookup(update(&mut app, key(KeyCode::Enter))).expect("a look as it shows");
        update(&mut app, found(back, Ok(vec![batch(0)])));
        update(&mut app, Msg::FocusLost);
        assert_eq!(looks(&app), 0, "no focus");
        let again = lookup(update(&mut app, Msg::FocusGained)).expect("a look as focus comes back");
        update(&mut app, found(again, Ok(vec![batch(0)])));

        // Imported into (12 calls), two failed looks, then deleted.
        let failed = || {
            Err(ApiError::Network {
                kind: NetworkFailure::Dropped,
                host: "h".into(),
            })
        };
        let mut answers = vec![
            Ok(vec![batch(12)]),
            failed(),
            failed(),
            Ok(vec![batch(12)]),
            Ok(Vec::new()),
        ]
        .into_iter();
        let start = Instant::now();
        let mut timers = Timers::default();
        let mut asked = Vec::new();
        while let Some((at, name, msg)) = timers.next(&app.subscriptions(), Instant::now()) {
            tokio::time::sleep_until(at).await;
            timers.fired(name);
            for cmd in update(&mut app, msg) {
                if let Cmd::WatchForBatch { request_id, .. } = cmd {
                    asked.push((Instant::now() - start).as_secs());
                    let answer = answers.next().expect("no more looks than answers");
                    update(&mut app, found(request_id, answer));
                    if asked.len() == 1 {
                        assert_eq!(calls(&app), Some(12), "the count imported elsewhere");
                    }
                }
            }
        }
        assert_eq!(asked, [5, 10, 15, 25, 30]);
        let Screen::Result(answer) = &app.create.screen else {
            panic!("the result stays on show");
        };
        assert!(answer.gone.is_some(), "the delete is said");
        assert!(app.subscriptions().is_empty(), "and nothing more is asked");
    }

    #[test]
    fn a_batchs_news_rings_the_bell_and_notifies_as_configured() {
        use crate::config::{DesktopNotice, Notify};
        let text = "“June renewals” completed.";
        let on = Notify::default();
        assert_eq!(
            alert_bytes(text, on),
            "\x1b]9;weya-tui: “June renewals” completed.\x07\x07"
        );
        let urxvt = Notify {
            desktop: DesktopNotice::Osc777,
            bell: false,
        };
        assert_eq!(
            alert_bytes(text, urxvt),
            "\x1b]777;notify;weya-tui;“June renewals” completed.\x07"
        );
        let bell_only = Notify {
            desktop: DesktopNotice::Off,
            bell: true,
        };
        assert_eq!(alert_bytes(text, bell_only), "\x07");
        // A name cannot end the sequence and write to the terminal.
        let evil = alert_bytes("“x\x07\x1b]52;c;AAAA\x07” completed.", on);
        assert_eq!(evil.matches('\x07').count(), 2, "{evil:?}");
        assert!(!evil.contains("\x1b]52"), "{evil:?}");

        // Through the terminal's backend, as the run loop writes it.
        #[derive(Clone, Default)]
        struct Capture(Arc<std::sync::Mutex<Vec<u8>>>);
        impl io::Write for Capture {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let written = Capture::default();
        let mut backend = CrosstermBackend::new(written.clone());
        FrameBackend::alert(&mut backend, &alert_bytes(text, urxvt));
        assert_eq!(
            written.0.lock().unwrap().as_slice(),
            "\x1b]777;notify;weya-tui;“June renewals” completed.\x07".as_bytes()
        );
    }

    #[test]
    fn osc52_carries_base64() {
        assert_eq!(super::osc52("64e5f1"), "\x1b]52;c;NjRlNWYx\x07");
        assert_eq!(super::osc52("ab"), "\x1b]52;c;YWI=\x07");
        assert_eq!(super::osc52("a"), "\x1b]52;c;YQ==\x07");
    }
}
