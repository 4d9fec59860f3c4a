//! The TUI's start and end: what it needs read before the first frame (the
//! config, the journal, the phone book, a `--from` file), the connection,
//! the terminal taken and given back, and what the operator is told about
//! their draft on the way out.

use std::io::{self, IsTerminal, Write};

use anyhow::Context;
use crossterm::event::EventStream;

use crate::cli::args::Cli;
use crate::config::{self, Paths};
use crate::connection::Connection;
use crate::exit::REFUSED;
use crate::store::{home, journal, template};
use crate::tui::terminal::{Signals, TerminalGuard};
use crate::tui::{AppContext, Initial, KnownBatch};
use crate::{DraftOnExit, Runtime, run_with_signals};

/// What is said, on stderr alone, when there is no terminal to run on.
pub const NEEDS_A_TERMINAL: &str =
    "weya-tui needs a terminal; the commands (weya-tui --help) work without one";

/// The app on the terminal; the exit code.
pub async fn tui(cli: &Cli, paths: Option<&Paths>) -> anyhow::Result<u8> {
    let mut config = config::load(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &|name| std::env::var(name).ok(),
    )?;
    config.ask_ignore_window(cli.ignore_window)?;
    let landing = crate::create::within_from_env(&|name| std::env::var(name).ok())
        .map_err(anyhow::Error::msg)?;
    // Read before the UI starts: the UI loop never touches the disk.
    let (journal, journal_note) = paths
        .map(|p| journal::read_at_start(&p.journal()))
        .unwrap_or_default();
    if !config.timezone_configured
        && let Some(last) = journal::last_timezone(&journal)
    {
        config.default_timezone = last;
    }
    let (initial, initial_note) = initial_values(cli)?;
    // After the settings are checked (a mistake there is worth saying
    // anywhere), before anything starts: keys come from stdin and frames go
    // to stdout, so without a terminal on both the app cannot run, and
    // stdout (a file, a pipe) must not get a single escape code.
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        let _ = writeln!(io::stderr(), "{NEEDS_A_TERMINAL}");
        return Ok(REFUSED);
    }
    // Kept for as long as the app runs: it holds the sandbox, if any.
    let connection = Connection::open(&config, paths).await?;
    tracing::info!(target = ?connection.target, "starting");
    // Read before the UI starts: the UI loop never touches the disk.
    let (phone_book, book_note) = match paths.map(|p| config::load_phone_book(&p.phone_book())) {
        Some(Ok(book)) => (book, None),
        Some(Err(e)) => (Vec::new(), Some(format!("Phone book not used: {e}"))),
        None => (Vec::new(), None),
    };
    let known_batches = KnownBatch::from_journal(&journal);
    // The owner's dialer decides: a flag given here that differs does
    // nothing, which the operator should not have to find out by waiting.
    let window_note = connection.window_mismatch().map(|text| {
        let mut chars = text.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    });
    let notes: Vec<String> = [window_note, initial_note, book_note, journal_note]
        .into_iter()
        .flatten()
        .collect();
    let mut context = AppContext {
        target: connection.target.clone(),
        default_timezone: config.default_timezone,
        local_timezone: config::system_timezone().unwrap_or_else(|| "UTC".to_owned()),
        started_at: chrono::Utc::now(),
        phone_book,
        notice: (!notes.is_empty()).then(|| notes.join(" ")),
        known_batches,
        can_list_batches: connection.can_list_batches,
        initial,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        refresh: config.refresh,
        dialer_ignores_window: connection.dialer_ignores_window(),
        examples: connection.example_schedules(),
        contact_hours: config.contact_hours,
        last_home: paths.and_then(|p| home::read(&p.last_view())),
        unfinished_imports: Vec::new(),
    };
    // Read before the UI starts: the UI loop never touches the disk.
    if let Some(paths) = paths {
        context.take_up_unfinished_imports(&paths.imports());
    }
    let mut runtime = Runtime::new(context, connection.client.clone(), paths.cloned());
    runtime.set_landing(landing);
    runtime.set_notify(config.notify);
    runtime.format_numbers_in_background();
    if let Some(paths) = paths {
        runtime.set_phone_book(paths.phone_book());
    }

    // Our hook runs after the one that restores the terminal, which
    // TerminalGuard::enter wraps around whatever hook is installed before.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic");
        default_hook(info);
    }));
    // Before the terminal changes: from here on SIGINT, SIGQUIT, SIGTERM
    // and SIGHUP end the app the way a quit does, and SIGTSTP suspends it.
    let signals = Signals::listen()?;
    let mut terminal = TerminalGuard::enter().context("cannot set up the terminal")?;
    let ended = run_with_signals(&mut terminal, EventStream::new(), signals, &mut runtime).await;
    drop(terminal);
    if let Some(paths) = paths
        && let Err(e) = home::write(&paths.last_view(), runtime.app.home_now())
    {
        tracing::warn!(error = %e, "cannot keep where the app ended");
    }
    if let Some(line) = runtime.import_on_exit() {
        // Not `println!`: it panics when the terminal has gone (EIO).
        let _ = writeln!(io::stdout(), "{line}");
    }
    say_what_became_of_the_draft(runtime.finish());
    let ended = ended?;
    tracing::info!(?ended, "the app ended");
    Ok(ended.exit_code())
}

/// What the form starts with from a `--from` file, if one is given. A file
/// that cannot be read as a batch stops the start (the app never opens
/// half-filled); one that reads but holds invalid values opens with them,
/// marked. Without one, [`Runtime::new`] restores the draft a session left.
fn initial_values(cli: &Cli) -> anyhow::Result<(Option<Initial>, Option<String>)> {
    let Some(file) = &cli.from else {
        return Ok((None, None));
    };
    let batch = template::read(file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let note = format!("Filled from {}.", file.display());
    Ok((Some(Initial::File(batch)), Some(note)))
}

/// Once the terminal is the shell's again.
fn say_what_became_of_the_draft(draft: DraftOnExit) {
    // Not `println!`/`eprintln!`: they panic when the terminal has gone (EIO).
    let (mut out, mut err) = (io::stdout(), io::stderr());
    match draft {
        DraftOnExit::Nothing => {}
        DraftOnExit::Kept(path) => {
            let _ = writeln!(
                out,
                "Your draft is kept in {} and comes back next time.",
                path.display()
            );
        }
        DraftOnExit::Lost {
            why,
            earlier: Some(path),
        } => {
            let _ = writeln!(
                err,
                "weya-tui: your draft could not be saved ({why}); {} holds an earlier state of it.",
                path.display()
            );
        }
        DraftOnExit::Lost { why, earlier: None } => {
            let _ = writeln!(
                err,
                "weya-tui: your draft could not be saved ({why}); nothing of it was kept."
            );
        }
    }
}
