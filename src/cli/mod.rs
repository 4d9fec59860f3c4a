//! The command line: its definitions ([`args`]), one module per command
//! that runs without the TUI, the output helpers they share, and
//! [`run`], which picks the command (or the TUI) for a parsed command line.

pub mod args;
pub mod batch;
pub mod batches;
pub mod create;
pub mod doctor;
pub mod export;
pub mod history;
pub mod import;
pub mod output;
pub mod phones;
pub mod resolve;
pub mod sandbox;
pub mod workspace;

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::Context;
use secrecy::SecretString;

pub use args::{ApiOptions, BatchCommand, Cli, Command, ListArgs, PhonesCommand};
pub use output::{Confirm, FAILED, Io, OK, REFUSED};

use crate::api::BatchQuery;
use crate::config::{self, Config, Paths};
use crate::connection::Connection;

/// Runs what `cli` asks for; the exit code. `paths` is `None` without a
/// home directory. Must be called inside a tokio runtime.
pub async fn run(cli: &Cli, paths: Option<&Paths>) -> anyhow::Result<u8> {
    // Not locked: a lock held for the whole run would stall any other
    // thread that writes (a panic message, a log library's complaint) and,
    // with it, whatever that thread holds. Each write takes the lock alone.
    // A reader that stops reading (`| head -1`) stops the output, not the
    // command.
    let (mut out, mut err) = (
        output::ReaderMayLeave::new(io::stdout()),
        output::ReaderMayLeave::new(io::stderr()),
    );
    match &cli.command {
        None => {
            let env = |name: &str| std::env::var(name).ok();
            match crate::accessible::chosen(cli.accessible, &env) {
                Some(why) => crate::accessible::run(cli, paths, why).await,
                None => crate::launch::tui(cli, paths).await,
            }
        }
        Some(Command::Sandbox { reset: true, .. }) => sandbox::reset(paths).map(|()| OK),
        Some(Command::Sandbox { port, fault, .. }) => {
            sandbox::serve(*port, fault.clone(), cli.ignore_window, paths)
                .await
                .map(|()| OK)
        }
        Some(Command::History { json }) => {
            let path = paths
                .map(Paths::journal)
                .context("no home directory: there is no journal")?;
            Ok(history::history(
                &path,
                &mut Io::new(&mut out, &mut err, *json),
            )?)
        }
        Some(Command::Batch {
            command: BatchCommand::Import(args),
        }) => {
            let config = load_config(cli, paths, args.api)?;
            let connection = connect(&config, paths, true).await?;
            let mut ask = output::ask_on_terminal;
            let terminal = io::stdin().is_terminal() && !args.api.reads_stdin();
            let credential = output::CredentialUsed::of(&connection);
            let context = import::ImportContext {
                client: &connection.client,
                credential: &credential,
                target: connection.target_name(),
                journal_dir: paths.map(Paths::imports),
                submit_journal: paths.map(Paths::journal),
                progress: io::stderr().is_terminal(),
                contact_hours: config.contact_hours,
                split_dir: paths.map(Paths::splits),
                target_label: &connection.target,
                // Only to name a split's calling numbers by.
                phone_book: paths
                    .and_then(|p| config::load_phone_book(&p.phone_book()).ok())
                    .unwrap_or_default(),
            };
            let mut io = Io {
                out: &mut out,
                err: &mut err,
                confirm: terminal.then_some(&mut ask as &mut Confirm),
                json: args.api.json,
            };
            Ok(import::run(args, &context, &mut io).await?)
        }
        Some(Command::Batch {
            command: BatchCommand::Manage(command),
        }) => {
            let api = command.api();
            let config = load_config(cli, paths, api)?;
            let window_matters = matches!(
                command,
                args::BatchAction::View { .. }
                    | args::BatchAction::Watch { .. }
                    | args::BatchAction::Start { .. }
            );
            let connection = connect(&config, paths, window_matters).await?;
            let credential = connection.target.credentials_text();
            let sandbox_elsewhere = matches!(config.target, config::Target::Sandbox)
                .then(|| connection.joined_another_sandbox());
            let workspace = batch::Workspace {
                client: connection.client.clone(),
                target: connection.target_name().to_owned(),
                credential,
                journal: paths.map(Paths::journal),
                width: batch::output_width(),
                sandbox_elsewhere,
                dialer_ignores_window: connection.dialer_ignores_window(),
                contact_hours: config.contact_hours,
            };
            let mut ask = batch::ask_line_on_terminal;
            let terminal = io::stdin().is_terminal() && !api.reads_stdin();
            let ask = terminal.then_some(&mut ask as &mut batch::AskLine);
            let mut io = Io::new(&mut out, &mut err, api.json);
            Ok(batch::run(command, &workspace, ask, &mut io).await?)
        }
        Some(Command::Phones {
            command:
                Some(PhonesCommand::Add {
                    number,
                    integration,
                    label,
                    api,
                }),
            ..
        }) => {
            let request = phones::AddRequest {
                number,
                integration: *integration,
                label,
                book: paths.map(Paths::phone_book),
            };
            let mut io = Io::new(&mut out, &mut err, api.json);
            // Checked before the secrets are asked for, and before the
            // configuration is read: a typo costs nothing.
            if let Some(code) = phones::refuse_early(&request, &mut io)? {
                return Ok(code);
            }
            let config = load_config(cli, paths, *api)?;
            let secrets = match phones::read_secrets(*integration) {
                Ok(secrets) => secrets,
                Err(phones::SecretsError::Interrupted) => return Ok(output::INTERRUPTED),
                Err(phones::SecretsError::Io(e)) => {
                    let message = format!("cannot read the provider's credentials: {e}");
                    return Ok(io.fail(REFUSED, &message, serde_json::json!({}))?);
                }
            };
            let connection = connect(&config, paths, false).await?;
            let credential = output::CredentialUsed::of(&connection);
            Ok(phones::add(&connection.client, &request, secrets, &credential, &mut io).await?)
        }
        Some(Command::Doctor { api }) => {
            let config = load_config(cli, paths, *api)?;
            let mut io = Io::new(&mut out, &mut err, api.json);
            Ok(doctor::doctor(&config, paths, &mut io).await?)
        }
        Some(Command::Phones { api, .. }) => {
            let config = load_config(cli, paths, *api)?;
            let connection = connect(&config, paths, false).await?;
            let credential = output::CredentialUsed::of(&connection);
            let mut io = Io::new(&mut out, &mut err, api.json);
            let book = match paths.map(|p| config::load_phone_book(&p.phone_book())) {
                Some(Ok(book)) => book,
                None => Vec::new(),
                // The workspace's list is still worth printing.
                Some(Err(e)) => {
                    let note = format!("warning: the phone book is not listed: {e}");
                    writeln!(io.err, "weya-tui: {}", output::visible(&note))?;
                    Vec::new()
                }
            };
            Ok(phones::phones(&connection.client, book, &credential, &mut io).await?)
        }
        Some(
            Command::Batches(ListArgs {
                search,
                page,
                limit,
                api,
            })
            | Command::Batch {
                command:
                    BatchCommand::List(ListArgs {
                        search,
                        page,
                        limit,
                        api,
                    }),
            },
        ) => {
            let config = load_config(cli, paths, *api)?;
            let connection = connect(&config, paths, false).await?;
            let query = BatchQuery {
                page: *page,
                limit: *limit,
                search: search.clone(),
            };
            let credential = output::CredentialUsed::of(&connection);
            let mut io = Io::new(&mut out, &mut err, api.json);
            Ok(batches::batches(&connection.client, &query, &credential, &mut io).await?)
        }
        Some(Command::Create {
            file,
            form_defaults,
            dry_run,
            yes,
            if_absent,
            api,
        }) => {
            let config = load_config(cli, paths, *api)?;
            let landing = crate::create::within_from_env(&|name| std::env::var(name).ok())
                .map_err(anyhow::Error::msg)?;
            let dry_run = dry_run.then(|| create::dry_run_target(&config));
            let journal = paths.map(Paths::journal);
            let mut ask = output::ask_on_terminal;
            let terminal = io::stdin().is_terminal() && !api.reads_stdin();
            let mut io = Io {
                out: &mut out,
                err: &mut err,
                confirm: terminal.then_some(&mut ask as &mut Confirm),
                json: api.json,
            };
            let destination = async {
                let connection = connect(&config, paths, false)
                    .await
                    .map_err(|e| output::error_text(&e.into()))?;
                // Only to name the numbers by: one that cannot be read
                // leaves them named by ID (`phones` says why).
                let phone_book = paths
                    .and_then(|p| config::load_phone_book(&p.phone_book()).ok())
                    .unwrap_or_default();
                Ok(create::Destination {
                    connection,
                    journal,
                    phone_book,
                })
            };
            let options = create::Options {
                form_defaults: *form_defaults,
                default_timezone: &config.default_timezone,
                local_timezone: config::system_timezone(),
                dry_run,
                yes: *yes,
                if_absent: *if_absent,
                journal: paths.map(Paths::journal),
                landing,
            };
            Ok(create::create(file, options, destination, &mut io).await?)
        }
    }
}

/// The connection for a command, with a warning on stderr when it joined
/// another process's sandbox whose `--ignore-window` differs from this
/// command's: that flag then does nothing, and the operator hears so,
/// once, from the commands the calling window matters to
/// (`window_matters`: watch, view, start, import), not from every one.
async fn connect(
    config: &Config,
    paths: Option<&Paths>,
    window_matters: bool,
) -> Result<Connection, crate::connection::ConnectError> {
    let connection = Connection::open(config, paths).await?;
    if let Some(text) = connection.window_mismatch().filter(|_| window_matters) {
        // Not `eprintln!`: it panics when stderr has gone.
        let _ = writeln!(io::stderr(), "weya-tui: warning: {text}");
    }
    Ok(connection)
}

/// The configuration for a command that talks to the API, with the key
/// and the token read from standard input when `--api-key-stdin` and
/// `--token-stdin` say so (the key on the first line, then the token).
fn load_config(cli: &Cli, paths: Option<&Paths>, api: ApiOptions) -> anyhow::Result<Config> {
    let mut given = config::GivenCredentials::default();
    let mut stdin = io::stdin().lock();
    for (asked, flag, slot) in [
        (api.api_key_stdin, "--api-key-stdin", &mut given.key),
        (api.token_stdin, "--token-stdin", &mut given.token),
    ] {
        if !asked {
            continue;
        }
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .with_context(|| format!("{flag}: cannot read standard input"))?;
        let secret = line.trim().to_owned();
        anyhow::ensure!(
            !secret.is_empty(),
            "{flag}: standard input held no line with a credential"
        );
        *slot = Some(SecretString::from(secret));
    }
    drop(stdin);
    let mut config = config::load_with(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &|name| std::env::var(name).ok(),
        given,
    )?;
    config.ask_ignore_window(cli.ignore_window)?;
    Ok(config)
}
