//! The accessible mode (`weya-tui --accessible`, `WEYA_ACCESSIBLE=1`, or
//! chosen by `TERM=dumb`): the app as plain questions, one line each, for
//! a screen reader or a terminal that cannot draw a screen. No alternate
//! screen, no redraws, no box drawing; every choice numbered.
//!
//! It is a front end only. The form's fields and checks are the TUI's
//! ([`crate::form`]), the review's lines and warnings are
//! [`crate::create::review`]'s, and a batch is sent by
//! `crate::cli::create::send_once`, the path `weya-tui create` takes:
//! one request, journaled, and when its answer is lost Weya's list watched
//! until it can no longer land. The batch list and `batch view` are the
//! commands' own plain text.

pub mod flow;
pub mod prompt;
#[cfg(test)]
mod tests;

use std::io::{self, BufRead, Write};

use crate::api::{BatchQuery, BatchRequest};
use crate::cli::args::{ApiOptions, BatchAction, Cli};
use crate::cli::create::{self as create_cli, Destination, Options, Sending};
use crate::cli::output::{CredentialUsed, Io, OK, REFUSED};
use crate::config::{self, Paths};
use crate::connection::Connection;
use crate::form::Form;
use crate::form::file as batch_file;
use crate::store::draft::{self, Draft, DraftWriter};
use crate::store::journal;
use flow::Decision;
use prompt::{Halt, Prompter};

/// The variable that turns the accessible mode on (`1`) or, over
/// `TERM=dumb`, off (`0`).
pub const ACCESSIBLE_ENV: &str = "WEYA_ACCESSIBLE";

/// Why the accessible mode runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// `--accessible`.
    Flag,
    /// `WEYA_ACCESSIBLE=1`.
    Env,
    /// `TERM=dumb`: the terminal cannot draw the app's screens.
    DumbTerminal,
}

/// Whether the app runs in the accessible mode, and why. The flag wins;
/// then `WEYA_ACCESSIBLE` (`0`, `false`, `no` or empty say no, even on a
/// dumb terminal); then `TERM=dumb`.
pub fn chosen(flag: bool, env: &dyn Fn(&str) -> Option<String>) -> Option<Why> {
    if flag {
        return Some(Why::Flag);
    }
    if let Some(value) = env(ACCESSIBLE_ENV) {
        let off = matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no" | "off"
        );
        return (!off).then_some(Why::Env);
    }
    (env("TERM").as_deref() == Some("dumb")).then_some(Why::DumbTerminal)
}

/// The line said when `TERM=dumb` chose the mode.
pub const DUMB_TERMINAL_LINE: &str = "TERM is dumb, so weya-tui runs in its accessible mode: plain \
     questions, one per line (--accessible chooses it on any terminal; WEYA_ACCESSIBLE=0 turns it off).";

/// The main menu's choices.
const MENU: [&str; 4] = ["New batch", "Batches", "View a batch", "Quit"];

/// The accessible app on standard input and output; the exit code.
pub async fn run(cli: &Cli, paths: Option<&Paths>, why: Why) -> anyhow::Result<u8> {
    let env = |name: &str| std::env::var(name).ok();
    let mut config = config::load(
        cli.config.as_deref(),
        paths.map(|p| p.config_file.as_path()),
        cli.sandbox,
        &env,
    )?;
    config.ask_ignore_window(cli.ignore_window)?;
    let landing = crate::create::within_from_env(&env).map_err(anyhow::Error::msg)?;
    let journal_path = paths.map(Paths::journal);
    if !config.timezone_configured
        && let Some(path) = &journal_path
        && let Ok((entries, _)) = journal::read(path)
        && let Some(last) = journal::last_timezone(&entries)
    {
        config.default_timezone = last;
    }
    let mut p = Prompter::new(io::stdin().lock(), io::stdout());
    if why == Why::DumbTerminal {
        p.say(DUMB_TERMINAL_LINE)?;
    }
    p.say(
        "weya-tui, accessible mode. Each question is one line; type the answer and press \
         Enter. Ctrl-D at any question leaves, sending nothing.",
    )?;
    let connection = Connection::open(&config, paths).await?;
    p.say(&format!("Target: {}.", connection.target_name()))?;
    if let Some(text) = connection.window_mismatch() {
        p.say(&format!("Note: {text}."))?;
    }
    let phone_book = paths
        .and_then(|p| config::load_phone_book(&p.phone_book()).ok())
        .unwrap_or_default();
    let (writer, mut restored) = match paths {
        Some(paths) => {
            let claim = draft::claim(&paths.draft(), true);
            for note in &claim.notes {
                p.say(note)?;
            }
            let writer = DraftWriter::new(claim.slot, Box::new(draft::Disk));
            (Some(writer), claim.restored)
        }
        None => (None, None),
    };
    let session = Session {
        destination: Destination {
            connection,
            journal: journal_path.clone(),
            phone_book,
        },
        options: Options {
            form_defaults: false,
            default_timezone: &config.default_timezone,
            local_timezone: config::system_timezone(),
            dry_run: None,
            yes: true,
            if_absent: false,
            journal: journal_path,
            landing,
        },
        writer,
        contact_hours: config.contact_hours,
    };
    let mut seq = 0;
    loop {
        p.say("")?;
        let choices: Vec<String> = MENU.iter().map(|s| (*s).to_owned()).collect();
        let choice = match p.choose("Main menu:", &choices) {
            Ok(choice) => choice,
            Err(Halt::Ended) => return Ok(OK),
            Err(Halt::Io(e)) => return Err(e.into()),
        };
        match choice {
            0 => match session.new_batch(&mut p, restored.take(), &mut seq).await {
                Ok(()) => {}
                Err(Halt::Ended) => {
                    p.say(&format!("Nothing was sent. {}", session.kept()))?;
                    return Ok(REFUSED);
                }
                Err(Halt::Io(e)) => return Err(e.into()),
            },
            1 => session.list(&mut p).await?,
            2 => match session.view(&mut p).await {
                Ok(()) => {}
                Err(Halt::Ended) => return Ok(OK),
                Err(Halt::Io(e)) => return Err(e.into()),
            },
            _ => return Ok(OK),
        }
    }
}

/// What the menu's actions share.
struct Session<'a> {
    destination: Destination,
    options: Options<'a>,
    writer: Option<DraftWriter>,
    contact_hours: crate::domain::local_time::ContactHours,
}

impl Session<'_> {
    /// Where the draft is, in a sentence.
    fn kept(&self) -> String {
        match self.writer.as_ref().and_then(DraftWriter::path) {
            Some(path) => format!(
                "Your answers are kept as a draft in {} and come back next time.",
                path.display()
            ),
            None => "Your answers could not be kept: there is no place for drafts.".to_owned(),
        }
    }

    /// The create flow: questions, review, then one send.
    async fn new_batch<R: BufRead, W: Write>(
        &self,
        p: &mut Prompter<R, W>,
        restored: Option<Draft>,
        seq: &mut u64,
    ) -> Result<(), Halt> {
        let mut form = Form::new(self.options.default_timezone);
        p.say("Fetching the workspace's phone numbers…")?;
        form.numbers = create_cli::known_phones(&self.destination).await;
        if let Some(draft) = restored {
            draft.apply(&mut form);
            p.say(
                "Your draft from last time is filled in: press Enter at a question to keep the \
                 answer in brackets.",
            )?;
        }
        let mut unsaved: Option<String> = None;
        let mut saved = |form: &Form| {
            *seq += 1;
            if let Some(writer) = &self.writer
                && let Err(e) = writer.write(*seq, Some(&Draft::of(form)))
            {
                unsaved.get_or_insert_with(|| e.to_string());
            }
        };
        flow::fill(p, &mut form, &mut saved)?;
        let earlier = self
            .options
            .journal
            .as_deref()
            .and_then(|path| journal::read(path).ok())
            .map(|(entries, _)| entries)
            .unwrap_or_default();
        let mut summarize = |request: &BatchRequest, form: &Form| {
            create_cli::summary_of(
                request,
                &self.destination.connection.target,
                &form.numbers,
                &earlier,
                &self.options,
                &[],
            )
        };
        let decision = flow::review(p, &mut form, &mut saved, &mut summarize)?;
        if let Some(why) = unsaved.take() {
            p.say(&format!("Your draft could not be saved: {why}."))?;
        }
        let request = match decision {
            Decision::Send(request) => request,
            Decision::Leave => {
                p.say(&format!("Nothing was sent. {}", self.kept()))?;
                return Ok(());
            }
        };
        let summary = summarize(&request, &form);
        let not_set = batch_file::not_set(&request);
        let sending = Sending {
            request: &request,
            destination: &self.destination,
            earlier: &earlier,
            landing: self.options.landing,
            warnings: &summary.warnings,
            changes: &[],
            not_set: &not_set,
        };
        p.say(&format!(
            "Sending “{}” to {}…",
            request.batch_name,
            self.destination.connection.target_name()
        ))?;
        let (mut out, mut err) = (io::stdout(), io::stderr());
        let code = create_cli::send_once(&sending, &mut Io::new(&mut out, &mut err, false)).await?;
        if code == OK {
            *seq += 1;
            if let Some(writer) = &self.writer {
                // Sent: the draft has done its work.
                let _ = writer.write(*seq, None);
            }
        } else {
            p.say(&self.kept())?;
        }
        Ok(())
    }

    /// The batch list, as `weya-tui batches` prints it.
    async fn list<R: BufRead, W: Write>(&self, p: &mut Prompter<R, W>) -> io::Result<()> {
        p.say("Batches, newest first:")?;
        let credential = CredentialUsed::of(&self.destination.connection);
        let (mut out, mut err) = (io::stdout(), io::stderr());
        let mut io = Io::new(&mut out, &mut err, false);
        crate::cli::batches::batches(
            &self.destination.connection.client,
            &BatchQuery::default(),
            &credential,
            &mut io,
        )
        .await?;
        Ok(())
    }

    /// One batch, as `weya-tui batch view` prints it.
    async fn view<R: BufRead, W: Write>(&self, p: &mut Prompter<R, W>) -> Result<(), Halt> {
        let given = p.ask("Batch to view, its name or ID (Enter goes back): ")?;
        if given.is_empty() {
            return Ok(());
        }
        let connection = &self.destination.connection;
        let workspace = crate::cli::batch::Workspace {
            client: connection.client.clone(),
            target: connection.target_name().to_owned(),
            credential: connection.target.credentials_text(),
            journal: self.options.journal.clone(),
            width: None,
            sandbox_elsewhere: None,
            dialer_ignores_window: connection.dialer_ignores_window(),
            contact_hours: self.contact_hours,
        };
        let action = BatchAction::View {
            id: given,
            api: ApiOptions {
                json: false,
                api_key_stdin: false,
                token_stdin: false,
            },
        };
        let (mut out, mut err) = (io::stdout(), io::stderr());
        let mut io = Io::new(&mut out, &mut err, false);
        crate::cli::batch::run(&action, &workspace, None, &mut io).await?;
        Ok(())
    }
}
