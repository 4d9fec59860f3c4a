//! The binary: command line, logging to a file, terminal setup and restore.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    EventStream,
};
use tokio::signal::unix::{SignalKind, signal};

use weya_tui::api::WeyaClient;
use weya_tui::app::{AppContext, KnownBatch, TargetLabel};
use weya_tui::cli::{Cli, Command};
use weya_tui::config::{self, Paths, Target};
use weya_tui::sandbox::{Fault, SANDBOX_USER_ID, Sandbox};
use weya_tui::store::journal::JournalOutcome;
use weya_tui::{Runtime, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::discover();
    let log_file = paths.as_ref().and_then(init_logging);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("weya-tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Sandbox { port, fault }) => standalone_sandbox(port, fault).await,
            Some(Command::History { json }) => history(paths.as_ref(), json),
            None => tui(&cli, paths.as_ref()).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "exit with error");
            eprintln!("weya-tui: {e:#}");
            if let Some(log) = log_file {
                eprintln!("(log: {})", log.display());
            }
            ExitCode::from(2)
        }
    }
}

/// Logs go to a file in the state dir, never to the screen the TUI owns.
/// `WEYA_LOG` sets the level (error, warn, info, debug, trace).
fn init_logging(paths: &Paths) -> Option<std::path::PathBuf> {
    std::fs::create_dir_all(&paths.state_dir).ok()?;
    let path = paths.log_file();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let level = std::env::var("WEYA_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(level)
        .init();
    Some(path)
}

async fn tui(cli: &Cli, paths: Option<&Paths>) -> anyhow::Result<()> {
    let config = config::load(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &|name| std::env::var(name).ok(),
    )?;
    // Keep the sandbox alive for as long as the app runs.
    let (_sandbox, client, target, can_list_batches) = match config.target {
        Target::Sandbox => {
            let sandbox = Sandbox::start(0)
                .await
                .context("cannot start the embedded sandbox")?;
            let client = WeyaClient::new(sandbox.client_config())?;
            (Some(sandbox), client, TargetLabel::Sandbox, true)
        }
        Target::Remote { client, credential } => {
            let client = WeyaClient::new(client)?;
            let label = TargetLabel::Remote {
                host: client.host().to_owned(),
                base_url: client.config().base_url.clone(),
                auth_mode: client.config().auth.mode(),
                masked_key: client.config().auth.masked(),
                credential_source: credential.to_string(),
            };
            let can_list = client.config().user_id.is_some();
            (None, client, label, can_list)
        }
    };
    tracing::info!(target = ?target, "starting");
    // Read before the UI starts: the UI loop never touches the disk.
    let (phone_book, notice) = match paths.map(|p| config::load_phone_book(&p.phone_book())) {
        Some(Ok(book)) => (book, None),
        Some(Err(e)) => (Vec::new(), Some(format!("Phone book not used: {e}"))),
        None => (Vec::new(), None),
    };
    let journal = paths.map(Paths::journal);
    let known_batches = journal.as_deref().map(known_batches).unwrap_or_default();
    let context = AppContext {
        target,
        default_timezone: config.default_timezone,
        local_timezone: config::system_timezone().unwrap_or_else(|| "UTC".to_owned()),
        started_at: chrono::Utc::now(),
        phone_book,
        notice,
        known_batches,
        can_list_batches,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let runtime = Runtime::new(context, client, journal);

    // Our hook runs after ratatui's (which restores the terminal) because
    // ratatui::init() wraps whatever hook is installed before it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture);
        tracing::error!(panic = %info, "panic");
        default_hook(info);
    }));
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(io::stdout(), EnableBracketedPaste, EnableMouseCapture);

    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let outcome = tokio::select! {
        r = run(&mut terminal, EventStream::new(), runtime) => r.map(|_| ()).map_err(anyhow::Error::from),
        _ = term.recv() => Ok(()),
        _ = hup.recv() => Ok(()),
    };
    let _ = crossterm::execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
    outcome
}

/// Batches created from this machine, from the journal.
fn known_batches(journal: &std::path::Path) -> Vec<KnownBatch> {
    let entries = match weya_tui::store::journal::read(journal) {
        Ok((entries, _)) => entries,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the journal");
            return Vec::new();
        }
    };
    entries
        .into_iter()
        .filter(|e| e.outcome == JournalOutcome::Created)
        .filter_map(|e| {
            Some(KnownBatch {
                id: e.batch_id?,
                name: e.batch_name,
                time: e
                    .time
                    .replace('T', " ")
                    .chars()
                    .take(16)
                    .collect::<String>()
                    + " UTC",
                target: e.target,
            })
        })
        .collect()
}

/// `weya-tui history`: the journal as a table, or as JSON lines.
fn history(paths: Option<&Paths>, json: bool) -> anyhow::Result<()> {
    let path = paths
        .map(Paths::journal)
        .context("no home directory: there is no journal")?;
    let (entries, skipped) = weya_tui::store::journal::read(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = io::stdout().lock();
    if json {
        for entry in &entries {
            writeln!(out, "{}", serde_json::to_string(entry)?)?;
        }
        return Ok(());
    }
    if entries.is_empty() {
        writeln!(out, "No submissions yet (journal: {}).", path.display())?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:<8} {:<26} {:<24} {:<20} TARGET",
        "SENT (UTC)", "OUTCOME", "BATCH NAME", "BATCH ID", "REQUEST ID"
    )?;
    for e in &entries {
        let outcome = match e.outcome {
            JournalOutcome::Created => "created",
            JournalOutcome::Failed => "failed",
            JournalOutcome::Unknown => "UNKNOWN",
        };
        let name: String = e.batch_name.chars().take(26).collect();
        writeln!(
            out,
            "{:<24} {:<8} {:<26} {:<24} {:<20} {}",
            e.time,
            outcome,
            name,
            e.batch_id.as_deref().unwrap_or("-"),
            e.request_id.as_deref().unwrap_or("-"),
            e.target
        )?;
        if let Some(error) = &e.error {
            writeln!(out, "{:<24} {error}", "")?;
        }
    }
    if skipped > 0 {
        writeln!(out, "({skipped} unreadable lines skipped)")?;
    }
    writeln!(out, "Journal: {}", path.display())?;
    Ok(())
}

async fn standalone_sandbox(port: u16, fault: Option<Fault>) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    let sandbox = Sandbox::start(port)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    if let Some(fault) = &fault {
        sandbox.store().set_fault(Some(fault.clone()));
    }
    let url = sandbox.base_url();
    let key = sandbox.key().expose_secret();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "weya-tui sandbox: Weya's documented call API on a local test server"
    )?;
    writeln!(out, "  base URL  {url}")?;
    writeln!(out, "  user ID   {SANDBOX_USER_ID}")?;
    writeln!(
        out,
        "  API key   {key}   (x-api-key, or Authorization: Bearer; valid for this run only)"
    )?;
    writeln!(
        out,
        "  phones    GET {url}/api/call/phones/{SANDBOX_USER_ID}   (our assumed path)"
    )?;
    writeln!(out)?;
    writeln!(out, "Point weya-tui at it from another terminal:")?;
    writeln!(
        out,
        "  WEYA_BASE_URL={url} WEYA_API_KEY={key} WEYA_USER_ID={SANDBOX_USER_ID} weya-tui"
    )?;
    if let Some(fault) = fault {
        writeln!(out, "Fault switch on: createBatch answers with {fault:?}.")?;
    }
    writeln!(out, "Ctrl-C stops it.")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
