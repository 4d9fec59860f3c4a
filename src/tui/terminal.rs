//! The real terminal and the process signals that concern it: the modes the
//! app switches on, the one way back ([`restore`]) that every exit takes
//! (quit, error, panic, signal) and that Ctrl-Z takes before the process
//! stops, and the signals the run loop answers instead of dying mid-frame.

use std::io::{self, Stdout, Write};
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange,
};
use crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use futures::Stream;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};

/// Whether the app's modes are on. [`restore`] does nothing when they are
/// off, so every path may call it, in any order: the panic hook, the
/// guard's `Drop`, a suspend. A second restore would also move the cursor
/// of a screen the shell owns again (leaving the alternate screen restores
/// the cursor saved on entering it).
static ENTERED: AtomicBool = AtomicBool::new(false);

/// Switches the terminal to the app's modes: raw input, the alternate
/// screen, bracketed paste, focus reports (live views stop polling while
/// the terminal is in the background). Mouse capture is the run loop's: it depends on
/// the screen on show.
///
/// Also what the app does when it is continued after a stop: the shell may
/// have reset the modes meanwhile (bash does when a job stops), so
/// crossterm's own idea that raw mode is on is dropped first, or enabling
/// it would do nothing.
pub fn enter(out: &mut impl Write) -> io::Result<()> {
    let _ = disable_raw_mode();
    // Nothing has changed if this fails: `restore` must then write
    // nothing, or it would print the codes of modes never entered.
    enable_raw_mode()?;
    // Before the writes: a failure half way must still be undone.
    ENTERED.store(true, Ordering::SeqCst);
    crossterm::execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableFocusChange
    )
}

/// Gives the terminal back as the shell expects it: raw mode off, the
/// alternate screen left, mouse capture, bracketed paste and focus reports
/// off, a frame in
/// progress ended, the cursor shown.
///
/// Nothing is reported and nothing can panic: on a terminal that has gone
/// (EIO after a hangup) the writes fail, and nobody is left to read about
/// it.
pub fn restore_to(out: &mut impl Write) {
    if !ENTERED.swap(false, Ordering::SeqCst) {
        return;
    }
    // Raw mode first: it does not depend on the output working, and a shell
    // without echo is the worst state to be left in.
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        DisableFocusChange,
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        Show
    );
}

/// [`restore_to`] standard output.
pub fn restore() {
    restore_to(&mut io::stdout());
}

/// Restores the terminal before any other panic hook runs, so the panic
/// message lands on the shell's screen and not on the alternate one (a
/// `Drop` would run after the message, too late). Installed once.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let next = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            next(info);
        }));
    });
}

/// Standard output as the terminal backend writes it, with a terminal that
/// has gone (EIO once it hung up) taken as a sink: there is nobody left to
/// see a frame, and ratatui's `Terminal` reports a failure from its `Drop`
/// with `eprintln!`, which panics on that same EIO.
#[derive(Debug)]
pub struct TerminalOut(Stdout);

fn gone_is_fine<T>(result: io::Result<T>, instead: T) -> io::Result<T> {
    match result {
        Err(e) if rustix::io::Errno::from_io_error(&e) == Some(rustix::io::Errno::IO) => {
            Ok(instead)
        }
        other => other,
    }
}

impl Write for TerminalOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        gone_is_fine(self.0.write(buf), buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        gone_is_fine(self.0.flush(), ())
    }
}

/// The real terminal, in the app's modes for as long as this lives.
/// Dropping it restores the terminal, so every way out restores it: a
/// quit, an error returned with `?`, an unwinding panic (a panic hook
/// restores it before the message is printed).
pub struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<TerminalOut>>,
}

impl TerminalGuard {
    /// Takes the terminal on standard output.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        let mut out = TerminalOut(io::stdout());
        if let Err(e) = enter(&mut out) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Deref for TerminalGuard {
    type Target = Terminal<CrosstermBackend<TerminalOut>>;

    fn deref(&self) -> &Self::Target {
        &self.terminal
    }
}

impl DerefMut for TerminalGuard {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // Tells ratatui the cursor is shown, so its own `Drop` does not
        // show it a second time after the shell has its screen back.
        let _ = self.terminal.show_cursor();
    }
}

/// Why Ctrl-Z did not stop the app.
#[derive(Debug, thiserror::Error)]
pub enum SuspendError {
    /// Nothing could bring the app back (see `has_job_control`).
    #[error("no shell with job control to go back to")]
    NoJobControl,
    #[error("this terminal cannot be suspended")]
    Unsupported,
}

/// Whether a shell with job control could continue the app after a stop.
/// Such a shell puts each job in a process group of its own (not the
/// session leader's), and stays its parent in the same session; otherwise
/// the group is "orphaned", the kernel ignores Ctrl-Z for it, and a stopped
/// app would wait for an `fg` that never comes (run straight by tmux, ssh
/// or `script`, or after its shell exited).
fn has_job_control() -> bool {
    let Some(own) = ProcessIds::own() else {
        return false;
    };
    let parent = ProcessIds::of(own.parent);
    job_control(own, parent)
}

/// The IDs of a process that decide whether its group is orphaned. A
/// session ID of 0 is not an error: it is a session whose leader lives
/// outside this PID namespace (a container, CI), which rustix cannot hold
/// (its `Pid` is never 0), so these are plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ProcessIds {
    parent: i32,
    group: i32,
    session: i32,
}

/// The pure half of [`has_job_control`]. A session that is 0 for either
/// side cannot be compared: saying "no job control" there costs a notice,
/// the other mistake costs a process stopped for good.
fn job_control(own: ProcessIds, parent: Option<ProcessIds>) -> bool {
    let Some(parent) = parent else {
        return false;
    };
    own.session > 0 && own.group != own.session && parent.session == own.session
}

impl ProcessIds {
    fn own() -> Option<Self> {
        Self::read("self")
    }

    fn of(pid: i32) -> Option<Self> {
        (pid > 0).then(|| Self::read(&pid.to_string())).flatten()
    }

    /// Linux: from `/proc/<pid>/stat`, since `getsid` there may answer 0.
    #[cfg(target_os = "linux")]
    fn read(pid: &str) -> Option<Self> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        Self::parse_stat(&stat)
    }

    /// Elsewhere there are no PID namespaces, and every session ID is a
    /// process.
    #[cfg(not(target_os = "linux"))]
    fn read(pid: &str) -> Option<Self> {
        use rustix::process::{Pid, getpgid, getppid, getsid};
        let pid = match pid {
            "self" => None,
            n => Some(Pid::from_raw(n.parse().ok()?)?),
        };
        let parent = match pid {
            None => getppid().map_or(0, |p| p.as_raw_nonzero().get()),
            Some(_) => 0,
        };
        Some(Self {
            parent,
            group: getpgid(pid).ok()?.as_raw_nonzero().get(),
            session: getsid(pid).ok()?.as_raw_nonzero().get(),
        })
    }

    /// `pid (comm) state ppid pgrp session …`; the command name may hold
    /// spaces and parentheses, so the fields start after the last `)`.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn parse_stat(stat: &str) -> Option<Self> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let mut fields = rest.split_ascii_whitespace().skip(1);
        let mut next = || fields.next()?.parse::<i32>().ok();
        Some(Self {
            parent: next()?,
            group: next()?,
            session: next()?,
        })
    }
}

/// Ctrl-Z: gives the terminal back to the shell and stops the job. Returns
/// once the shell continued it (`fg`); the caller then takes the terminal
/// again ([`enter`]) and draws everything.
pub fn suspend(out: &mut impl Write) -> Result<(), SuspendError> {
    if !has_job_control() {
        return Err(SuspendError::NoJobControl);
    }
    restore_to(out);
    // SIGSTOP, not SIGTSTP: the app's own handler catches SIGTSTP (to get
    // here). To the whole process group: a wrapper in it (`cargo run`, a
    // script) must stop too, or the shell would not see its job stopped.
    // helix does the same.
    if let Err(e) = rustix::process::kill_current_process_group(rustix::process::Signal::STOP) {
        // Nothing stopped: the caller takes the terminal back at once.
        tracing::error!(error = %e, "cannot stop the process group");
    }
    Ok(())
}

/// A signal that ends the app. The exit code is 128 and its number, as a
/// shell reports a process that the signal killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitSignal {
    /// SIGHUP: the terminal was closed.
    Hangup,
    /// SIGINT from `kill` (Ctrl-C in raw mode is a key).
    Interrupt,
    /// SIGQUIT.
    Quit,
    /// SIGTERM.
    Terminate,
}

impl ExitSignal {
    const ALL: [Self; 4] = [Self::Hangup, Self::Interrupt, Self::Quit, Self::Terminate];

    /// The signal's number is the same on every Unix.
    pub fn exit_code(self) -> u8 {
        128 + match self {
            Self::Hangup => 1,
            Self::Interrupt => 2,
            Self::Quit => 3,
            Self::Terminate => 15,
        }
    }

    fn kind(self) -> SignalKind {
        match self {
            Self::Hangup => SignalKind::hangup(),
            Self::Interrupt => SignalKind::interrupt(),
            Self::Quit => SignalKind::quit(),
            Self::Terminate => SignalKind::terminate(),
        }
    }
}

/// What a signal asks of the run loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Save, restore the terminal and end.
    Exit(ExitSignal),
    /// SIGTSTP from outside (`kill -TSTP`): suspend as Ctrl-Z does.
    Suspend,
    /// SIGCONT: the app runs again after a stop, whoever stopped it; the
    /// terminal must be taken again and drawn whole.
    Continue,
}

/// The signals of [`Signal`], as a stream.
#[derive(Debug)]
pub struct Signals {
    exits: Vec<(tokio::signal::unix::Signal, ExitSignal)>,
    suspend: tokio::signal::unix::Signal,
    resume: tokio::signal::unix::Signal,
}

impl Signals {
    /// Starts listening; must be called inside a tokio runtime. From here
    /// on, for the rest of the process's life, these signals no longer end
    /// or stop the process by themselves: whoever reads the stream does.
    pub fn listen() -> io::Result<Self> {
        let exits = ExitSignal::ALL
            .into_iter()
            .map(|which| Ok((signal(which.kind())?, which)))
            .collect::<io::Result<_>>()?;
        let raw = |s: rustix::process::Signal| SignalKind::from_raw(s.as_raw());
        Ok(Self {
            exits,
            suspend: signal(raw(rustix::process::Signal::TSTP))?,
            resume: signal(raw(rustix::process::Signal::CONT))?,
        })
    }
}

impl Stream for Signals {
    type Item = Signal;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Signal>> {
        let this = self.get_mut();
        // Exits first: a closed terminal sends SIGHUP and SIGCONT together,
        // and taking a terminal that has gone is pointless. (`Ready(None)`
        // only comes when the runtime shuts down: never again ready.)
        for (listener, which) in &mut this.exits {
            if let Poll::Ready(Some(())) = listener.poll_recv(cx) {
                return Poll::Ready(Some(Signal::Exit(*which)));
            }
        }
        if let Poll::Ready(Some(())) = this.suspend.poll_recv(cx) {
            return Poll::Ready(Some(Signal::Suspend));
        }
        if let Poll::Ready(Some(())) = this.resume.poll_recv(cx) {
            return Poll::Ready(Some(Signal::Continue));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_gives_parent_group_and_session_whatever_the_command_name() {
        let stat = "4242 (we ya) (tui)) S 4200 4242 4100 34816 4242 4194560 0 0";
        let ids = ProcessIds::parse_stat(stat).unwrap();
        assert_eq!(
            ids,
            ProcessIds {
                parent: 4200,
                group: 4242,
                session: 4100
            }
        );
        assert_eq!(ProcessIds::parse_stat("4242 (tui"), None);
        assert_eq!(ProcessIds::parse_stat("4242 (tui) S 1 x 3"), None);
    }

    #[test]
    fn ctrl_z_stops_only_a_job_whose_shell_shares_its_session() {
        let ids = |parent, group, session| ProcessIds {
            parent,
            group,
            session,
        };
        // A shell (session 100) ran the app as job 200.
        assert!(job_control(ids(150, 200, 100), Some(ids(90, 150, 100))));
        // Run straight by `script` or tmux: the parent is in another session.
        assert!(!job_control(ids(150, 200, 200), Some(ids(1, 150, 150))));
        assert!(!job_control(ids(150, 200, 100), Some(ids(1, 150, 150))));
        // In a container, sessions whose leader is outside read as 0 (the
        // CI run that stopped on this): never a match.
        assert!(!job_control(ids(150, 200, 100), Some(ids(1, 0, 0))));
        assert!(!job_control(ids(150, 200, 0), Some(ids(1, 0, 0))));
        // The parent has gone.
        assert!(!job_control(ids(150, 200, 100), None));
    }

    #[test]
    fn this_process_can_read_its_own_ids() {
        let own = ProcessIds::own().unwrap();
        assert_eq!(
            own.parent,
            rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get())
        );
    }

    #[test]
    fn exit_codes_are_128_and_the_signal_number() {
        let codes: Vec<u8> = ExitSignal::ALL.iter().map(|s| s.exit_code()).collect();
        assert_eq!(codes, [129, 130, 131, 143]);
    }

    #[test]
    fn a_terminal_that_has_gone_takes_writes_but_other_failures_still_show() {
        let eio = io::Error::from_raw_os_error(rustix::io::Errno::IO.raw_os_error());
        assert_eq!(gone_is_fine(Err(eio), 7).unwrap(), 7);
        let other = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(gone_is_fine(Err(other), 7).is_err());
    }
}
