//! The binary: command line, logging to a file, terminal setup and restore.
#![forbid(unsafe_code)]

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use crossterm::event::EventStream;
use secrecy::SecretString;

use weya_tui::api::{BatchQuery, WeyaClient};
use weya_tui::cli::{ApiOptions, Cli, Command};
use weya_tui::commands::{self, Destination, DryRunTarget, Io};
use weya_tui::config::{self, Config, Paths, Target};
use weya_tui::logging::{LOG_BACKLOG, LossyWriter};
use weya_tui::sandbox::{Fault, SANDBOX_USER_ID, Sandbox, SandboxOptions};
use weya_tui::store::{journal, template};
use weya_tui::tui::terminal::{Signals, TerminalGuard};
use weya_tui::tui::{AppContext, Initial, KnownBatch, TargetLabel};
use weya_tui::{DraftOnExit, Runtime, run_with_signals};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::discover();
    let log = paths.as_ref().and_then(init_logging);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("weya-tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(dispatch(&cli, paths.as_ref()));
    let code = match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "exit with error");
            // Made safe: the error may quote a file or the server. Not
            // `eprintln!`: it panics when the terminal has gone (EIO).
            let mut err = io::stderr();
            let _ = writeln!(
                err,
                "weya-tui: {}",
                weya_tui::text::visible(&format!("{e:#}"))
            );
            if let Some((path, _)) = &log {
                let _ = writeln!(err, "(log: {})", path.display());
            }
            ExitCode::from(commands::REFUSED)
        }
    };
    if let Some((_, writer)) = &log {
        // The last lines (an exit error) reach the file, unless the disk
        // hangs: then they are lost, not the exit.
        writer.flush_within(std::time::Duration::from_millis(500));
    }
    code
}

async fn dispatch(cli: &Cli, paths: Option<&Paths>) -> anyhow::Result<u8> {
    // Not locked: a lock held for the whole run would stall any other
    // thread that writes (a panic message, a log library's complaint) and,
    // with it, whatever that thread holds. Each write takes the lock alone.
    let (mut out, mut err) = (io::stdout(), io::stderr());
    match &cli.command {
        None => tui(cli, paths).await,
        Some(Command::Sandbox { reset: true, .. }) => reset_sandbox(paths).map(|()| commands::OK),
        Some(Command::Sandbox {
            port,
            fault,
            ignore_window,
            ..
        }) => standalone_sandbox(*port, fault.clone(), *ignore_window, paths)
            .await
            .map(|()| commands::OK),
        Some(Command::History { json }) => {
            let path = paths
                .map(Paths::journal)
                .context("no home directory: there is no journal")?;
            Ok(commands::history(
                &path,
                &mut Io::new(&mut out, &mut err, *json),
            )?)
        }
        Some(Command::Phones { api }) => {
            let config = load_config(cli, paths, *api)?;
            let (client, _sandbox) = connect(&config, paths).await?;
            Ok(commands::phones(&client, &mut Io::new(&mut out, &mut err, api.json)).await?)
        }
        Some(Command::Batches {
            search,
            page,
            limit,
            api,
        }) => {
            let config = load_config(cli, paths, *api)?;
            let (client, _sandbox) = connect(&config, paths).await?;
            let query = BatchQuery {
                page: (*page).max(1),
                limit: (*limit).clamp(1, 100),
                search: search.clone(),
            };
            Ok(
                commands::batches(&client, &query, &mut Io::new(&mut out, &mut err, api.json))
                    .await?,
            )
        }
        Some(Command::Create {
            file,
            dry_run,
            yes,
            api,
        }) => {
            let config = load_config(cli, paths, *api)?;
            let dry_run = dry_run.then(|| dry_run_target(&config));
            let journal = paths.map(Paths::journal);
            let mut ask = ask_on_terminal;
            let terminal = io::stdin().is_terminal() && !api.api_key_stdin;
            let mut io = Io {
                out: &mut out,
                err: &mut err,
                confirm: terminal.then_some(&mut ask as &mut commands::Confirm),
                json: api.json,
            };
            let destination = async {
                let (client, sandbox, target) = connect_labelled(&config, paths)
                    .await
                    .map_err(|e| format!("{e:#}"))?;
                Ok((
                    Destination {
                        client,
                        target,
                        journal,
                    },
                    sandbox,
                ))
            };
            Ok(commands::create(
                file,
                &config.default_timezone,
                dry_run,
                *yes,
                destination,
                &mut io,
            )
            .await?)
        }
    }
}

/// Asks on the terminal; anything but y/yes is a no.
fn ask_on_terminal(question: &str) -> io::Result<bool> {
    let mut err = io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

fn load_config(cli: &Cli, paths: Option<&Paths>, api: ApiOptions) -> anyhow::Result<Config> {
    let given_key = if api.api_key_stdin {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the API key from standard input")?;
        let key = line.trim().to_owned();
        anyhow::ensure!(
            !key.is_empty(),
            "--api-key-stdin: standard input held no key"
        );
        Some(SecretString::from(key))
    } else {
        None
    };
    Ok(config::load_with(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &|name| std::env::var(name).ok(),
        given_key,
    )?)
}

fn dry_run_target(config: &Config) -> DryRunTarget {
    match &config.target {
        Target::Sandbox => DryRunTarget {
            base_url: "http://127.0.0.1:PORT".to_owned(),
            auth_header: "x-api-key: (the key `weya-tui sandbox` prints)".to_owned(),
        },
        Target::Remote { client, .. } => DryRunTarget {
            base_url: client.base_url.trim_end_matches('/').to_owned(),
            auth_header: match client.auth.mode() {
                "x-api-key" => format!("x-api-key: {}", client.auth.masked()),
                _ => format!("Authorization: Bearer {}", client.auth.masked()),
            },
        },
    }
}

/// A client for the configured target; for the sandbox, the sandbox too
/// (it stops when dropped).
async fn connect(
    config: &Config,
    paths: Option<&Paths>,
) -> anyhow::Result<(WeyaClient, Option<Sandbox>)> {
    let (client, sandbox, _) = connect_labelled(config, paths).await?;
    Ok((client, sandbox))
}

async fn connect_labelled(
    config: &Config,
    paths: Option<&Paths>,
) -> anyhow::Result<(WeyaClient, Option<Sandbox>, String)> {
    match &config.target {
        Target::Sandbox => {
            let sandbox = Sandbox::start_with(0, sandbox_options(paths))
                .await
                .context("cannot start the embedded sandbox")?;
            let client = WeyaClient::new(sandbox.client_config())?;
            Ok((client, Some(sandbox), "sandbox".to_owned()))
        }
        Target::Remote { client, .. } => {
            let client = WeyaClient::new(client.clone())?;
            let host = client.host().to_owned();
            Ok((client, None, host))
        }
    }
}

/// The embedded sandbox keeps its batches under the state dir (when there
/// is a home) and starts with examples, so every command sees the same ones.
fn sandbox_options(paths: Option<&Paths>) -> SandboxOptions {
    SandboxOptions::app(paths.map(Paths::sandbox_state))
}

/// Logs go to a file in the state dir, never to the screen the TUI owns.
/// `WEYA_LOG` sets the level (error, warn, info, debug, trace). The writer
/// drops lines rather than make anyone wait for the disk (see
/// [`LossyWriter`]); it is returned to be flushed on the way out.
fn init_logging(paths: &Paths) -> Option<(std::path::PathBuf, Arc<LossyWriter>)> {
    std::fs::create_dir_all(&paths.state_dir).ok()?;
    let path = paths.log_file();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let writer = Arc::new(LossyWriter::spawn(file, LOG_BACKLOG).ok()?);
    let level = std::env::var("WEYA_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_writer(Arc::clone(&writer))
        .with_ansi(false)
        .with_max_level(level)
        // Its complaints go to stderr, which is the TUI's screen.
        .log_internal_errors(false)
        .init();
    Some((path, writer))
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

/// The app on the terminal; the exit code.
async fn tui(cli: &Cli, paths: Option<&Paths>) -> anyhow::Result<u8> {
    let mut config = config::load(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &|name| std::env::var(name).ok(),
    )?;
    // Read before the UI starts: the UI loop never touches the disk.
    let (journal, journal_note) = paths
        .map(|p| journal::read_at_start(&p.journal()))
        .unwrap_or_default();
    if !config.timezone_configured
        && let Some(last) = weya_tui::store::journal::last_timezone(&journal)
    {
        config.default_timezone = last;
    }
    let (initial, initial_note) = initial_values(cli)?;
    // Keep the sandbox alive for as long as the app runs.
    let (_sandbox, client, target, can_list_batches) = match config.target {
        Target::Sandbox => {
            let sandbox = Sandbox::start_with(0, sandbox_options(paths))
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
    let (phone_book, book_note) = match paths.map(|p| config::load_phone_book(&p.phone_book())) {
        Some(Ok(book)) => (book, None),
        Some(Err(e)) => (Vec::new(), Some(format!("Phone book not used: {e}"))),
        None => (Vec::new(), None),
    };
    let known_batches = KnownBatch::from_journal(&journal);
    let notes: Vec<String> = [initial_note, book_note, journal_note]
        .into_iter()
        .flatten()
        .collect();
    let context = AppContext {
        target,
        default_timezone: config.default_timezone,
        local_timezone: config::system_timezone().unwrap_or_else(|| "UTC".to_owned()),
        started_at: chrono::Utc::now(),
        phone_book,
        notice: (!notes.is_empty()).then(|| notes.join(" ")),
        known_batches,
        can_list_batches,
        initial,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut runtime = Runtime::new(context, client, paths.map(Paths::store));

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
    // Not `println!`/`eprintln!`: they panic when the terminal has gone (EIO).
    let (mut out, mut err) = (io::stdout(), io::stderr());
    match runtime.finish() {
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
    let ended = ended?;
    tracing::info!(?ended, "the app ended");
    Ok(ended.exit_code())
}

fn reset_sandbox(paths: Option<&Paths>) -> anyhow::Result<()> {
    let dir = paths
        .map(Paths::sandbox_state)
        .context("no home directory: the sandbox keeps no state")?;
    let file = dir.join(weya_tui::sandbox::persist::STATE_FILE);
    if weya_tui::sandbox::persist::reset(&dir)
        .with_context(|| format!("cannot remove {}", file.display()))?
    {
        println!(
            "Removed the sandbox's batches and calls ({}).",
            file.display()
        );
    } else {
        println!("The sandbox had nothing saved ({}).", file.display());
    }
    Ok(())
}

async fn standalone_sandbox(
    port: u16,
    fault: Option<Fault>,
    ignore_window: bool,
    paths: Option<&Paths>,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    let mut options = sandbox_options(paths);
    options.dialer.ignore_window = ignore_window;
    let sandbox = Sandbox::start_with(port, options)
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
    match sandbox.state_file() {
        Some(file) => writeln!(
            out,
            "  state     {} (kept between runs; --reset clears it)",
            file.display()
        )?,
        None => writeln!(out, "  state     in memory only (no home directory)")?,
    }
    if let Some(note) = sandbox.note() {
        writeln!(out, "  note      {note}")?;
    }
    if ignore_window {
        writeln!(
            out,
            "  dialer    calls at any hour (--ignore-window), not only in each batch's window"
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Point weya-tui at it from another terminal:")?;
    writeln!(
        out,
        "  WEYA_BASE_URL={url} WEYA_API_KEY={key} WEYA_USER_ID={SANDBOX_USER_ID} weya-tui"
    )?;
    match fault {
        Some(Fault::Partial207) => writeln!(
            out,
            "Fault switch on: addCallsToBatch fails the last chunk of its rows and answers 207."
        )?,
        Some(fault) => writeln!(out, "Fault switch on: createBatch answers with {fault:?}.")?,
        None => {}
    }
    writeln!(out, "Ctrl-C stops it.")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
