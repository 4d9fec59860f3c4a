//! The command line. No flag carries a secret: credentials come from the
//! environment, the config file, or standard input (`--api-key-stdin`,
//! `--token-stdin`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "weya-tui",
    version,
    about = "Stage Weya outbound calling campaigns from the terminal",
    after_help = "With no credentials configured, weya-tui runs against its embedded sandbox.\n\
                  Environment: WEYA_BASE_URL, WEYA_API_KEY and WEYA_TOKEN, WEYA_USER_ID, WEYA_PHONES_PATH.\n\
                  `weya-tui doctor` shows the settings in force and checks them.\n\
                  Exit codes: 0 done, 1 the API or the network failed, 2 invalid input or refused."
)]
pub struct Cli {
    /// Read this config file instead of the default one.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use the embedded sandbox even when credentials are configured.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Let the embedded sandbox's simulated dialer call at any hour and on
    /// any day, whatever each batch's calling window says (for demos at
    /// night). Applies to the sandbox this command starts; refused when a
    /// real API is the target.
    #[arg(long, global = true)]
    pub ignore_window: bool,
    /// Open the form filled from a batch file (JSON in the API body's shape,
    /// or TOML with the same keys).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Run the app as plain questions, one line each, for a screen reader
    /// or a dumb terminal: no screen drawing, every choice numbered (also
    /// WEYA_ACCESSIBLE=1; chosen by TERM=dumb).
    #[arg(long)]
    pub accessible: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the commands that talk to the API without the TUI.
#[derive(Debug, Clone, Copy, Args)]
pub struct ApiOptions {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Read the API key (x-api-key) from the first line of standard input.
    #[arg(long)]
    pub api_key_stdin: bool,
    /// Read the Bearer token from standard input: its first line, or its
    /// second with --api-key-stdin.
    #[arg(long)]
    pub token_stdin: bool,
}

impl ApiOptions {
    /// Whether a credential is read from standard input, which then is
    /// no terminal to ask questions on.
    pub fn reads_stdin(&self) -> bool {
        self.api_key_stdin || self.token_stdin
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a batch from a file, with the form's validation.
    Create {
        /// The batch: JSON in the API body's shape, or TOML with the same keys.
        /// It is sent exactly as written; the fields it leaves out are not
        /// sent (Weya's defaults apply). Also `--from`, as the app takes it.
        #[arg(long, value_name = "FILE", visible_alias = "from")]
        file: PathBuf,
        /// Fill the fields the file leaves out with the form's defaults
        /// (09:00–17:00 Mon–Fri in your timezone, 3 retries 60 s apart) and
        /// write values as the form does (name trimmed, 9:00 as 09:00);
        /// every change is listed.
        #[arg(long)]
        form_defaults: bool,
        /// Print the exact body and an equivalent curl command; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send without asking for confirmation.
        #[arg(long)]
        yes: bool,
        /// When a batch of this name exists already, print its ID and exit
        /// 0 without creating another (several of that name: exit 2,
        /// listing them). Asks Weya's batch list, so it needs the user ID.
        /// Not checked by --dry-run, which asks nothing.
        #[arg(long)]
        if_absent: bool,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// List the workspace's phone numbers (and the phone book's), or
    /// register one with `phones add`.
    #[command(args_conflicts_with_subcommands = true)]
    Phones {
        #[command(subcommand)]
        command: Option<PhonesCommand>,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// List batches, newest first (also `batch list`).
    Batches(ListArgs),
    /// One batch: view it, list its calls, start or stop its dialer, delete
    /// it, import contacts into it.
    Batch {
        #[command(subcommand)]
        command: BatchCommand,
    },
    /// Print the journal: every batch created, started, stopped or deleted
    /// from this machine.
    History {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show the settings in force and where each came from, which actions
    /// each credential covers per Weya's pages, and check what can be
    /// checked without changing anything. Exit 0 when all that is
    /// configured works, 1 otherwise.
    Doctor {
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Run the embedded sandbox alone, for curl or another client.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Make createBatch misbehave, to try the error screens: 500, 403,
        /// 400, html-502, 429, slow, slow-store, hang, malformed, bad-id or
        /// drop; or partial-207 (addCallsToBatch fails one chunk).
        #[arg(long, value_name = "FAULT")]
        fault: Option<crate::sandbox::Fault>,
        /// Delete the sandbox's saved batches and calls, then exit: the
        /// next start begins afresh, with the example batches.
        #[arg(long, conflicts_with_all = ["port", "fault", "ignore_window"])]
        reset: bool,
    },
}

/// `batches` and `batch list`: one page of the batch list.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only batches whose name or status contains this (Weya's search
    /// looks at both).
    #[arg(long)]
    pub search: Option<String>,
    /// Which page, from 1.
    #[arg(long, default_value_t = 1, value_parser = page_number)]
    pub page: u32,
    /// Batches per page, 1 to 100.
    #[arg(long, default_value_t = 20, value_parser = page_size)]
    pub limit: u32,
    #[command(flatten)]
    pub api: ApiOptions,
}

/// `phones …`.
#[derive(Debug, Subcommand)]
pub enum PhonesCommand {
    /// Register a number of your provider account with Weya (add-phone)
    /// and keep its new phone ID, with the number and label, in
    /// phonebook.toml. The provider's auth token and account SID are
    /// secrets: they are asked for without echo on a terminal, or read from
    /// standard input (the token on the first line, the SID on the second;
    /// after the lines --api-key-stdin and --token-stdin read), never taken
    /// as flags.
    Add {
        /// The number: digits with the country code, + optional
        /// (14155550100).
        #[arg(long)]
        number: String,
        /// The provider: plivo, twilio or telnyx.
        #[arg(long, value_parser = integration)]
        integration: crate::api::Integration,
        /// What the phone book and the form's phone list call it.
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        api: ApiOptions,
    },
}

fn integration(text: &str) -> Result<crate::api::Integration, String> {
    text.parse()
}

/// `batch …`: commands on one batch.
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// List batches, newest first (as `weya-tui batches`).
    List(ListArgs),
    #[command(flatten)]
    Manage(BatchAction),
    /// Add contacts from a CSV/TSV file or a spreadsheet: every row checked
    /// first, sent in requests of at most 1,000, resumable.
    Import(Box<super::import::ImportArgs>),
}

/// `--page`: refused out of range rather than moved into it, so the page
/// shown is the page asked for.
pub(super) fn page_number(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("pages are numbered from 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a page number (1, 2, 3 …)")),
    }
}

/// `batch watch --every`: refused out of range rather than moved into it.
pub(super) fn watch_interval(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n @ 1..=3600) => Ok(n),
        Ok(n) => Err(format!("every {n} s: give 1 to 3600 seconds")),
        Err(_) => Err(format!("{text:?} is not a number of seconds (1 to 3600)")),
    }
}

/// The call statuses `--status` takes: Weya documents only `completed`;
/// the others are those the sandbox writes (our assumption of Weya's).
pub const CALL_STATUSES: [&str; 5] = ["completed", "in-progress", "no-answer", "busy", "failed"];

/// `batch calls --status`: one of [`CALL_STATUSES`], or exit 2 naming
/// them (a typo would otherwise list no calls, as if there were none).
pub(super) fn call_status(text: &str) -> Result<String, String> {
    let status = text.trim();
    if CALL_STATUSES.contains(&status) {
        return Ok(status.to_owned());
    }
    // Not a status Weya filters by: the calls with no attempt, found by
    // reading every page (see `batch calls --sort`).
    if ["not-called-yet", crate::campaign::outcomes::NOT_CALLED].contains(&status) {
        return Ok(crate::campaign::outcomes::NOT_CALLED.to_owned());
    }
    Err(format!(
        "{text:?} is not a call status known here: give one of {}, or not-called-yet (Weya \
         documents only completed; the others are what the sandbox writes)",
        CALL_STATUSES.join(", ")
    ))
}

/// The most rows a page may hold: the commands ask for no more than this.
pub const MAX_PAGE_SIZE: u32 = 100;

/// `--limit`: refused out of range rather than moved into it, so a script
/// never gets fewer rows per page than it asked for without a word.
pub(super) fn page_size(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n @ 1..=MAX_PAGE_SIZE) => Ok(n),
        Ok(n) => Err(format!("{n} rows per page: give 1 to {MAX_PAGE_SIZE}")),
        Err(_) => Err(format!(
            "{text:?} is not a number of rows per page (1 to {MAX_PAGE_SIZE})"
        )),
    }
}

/// `batch view|calls|start|stop|delete` (run by [`super::batch`]).
#[derive(Debug, Subcommand)]
pub enum BatchAction {
    /// Name, status, progress, dates and calling window of a batch.
    View {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// One page of a batch's calls.
    Calls {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// Only calls whose last attempt has this status: completed (the
        /// one Weya documents), in-progress, no-answer, busy or failed;
        /// or not-called-yet (no attempt: Weya cannot filter by it, so
        /// every page is read, as for --sort).
        #[arg(long, value_name = "STATUS", value_parser = call_status)]
        status: Option<String>,
        /// Sort by this column: created (Weya's own order, sorted by the
        /// server), or number, status, duration, attempts, time (sorted
        /// here over every call of the batch: every page is read, up to
        /// 50,000 calls), or a contact field by its exact name (numbers
        /// as numbers, text without case, the calls without it last).
        /// Without it: newest first.
        #[arg(long, value_name = "COLUMN|FIELD", value_parser = crate::campaign::sorted::SortKey::parse)]
        sort: Option<crate::campaign::sorted::SortKey>,
        /// With --sort: largest (or newest, or last) first.
        #[arg(long, requires = "sort")]
        desc: bool,
        /// Which page, from 1.
        #[arg(long, default_value_t = 1, value_parser = super::args::page_number)]
        page: u32,
        /// Calls per page, 1 to 100.
        #[arg(long, default_value_t = 20, value_parser = super::args::page_size)]
        limit: u32,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Start the dialer on a batch (start-calling). A completed batch, or
    /// one with no calls, is said so and nothing is sent (exit 2).
    Start {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// Accepted, as by create, import and delete: start asks nothing.
        #[arg(long, hide = true)]
        yes: bool,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Stop the dialer on a batch (stop-calling). A completed batch is said
    /// so and nothing is sent (exit 0).
    Stop {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// Accepted, as by create, import and delete: stop asks nothing.
        #[arg(long, hide = true)]
        yes: bool,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Follow a batch until it ends: a line each time its status or
    /// progress changes. Exits 0 when it completes, 1 when it is stopped
    /// or deleted, or when Weya cannot be asked five times in a row (a
    /// failed look is asked again, each wait twice the last), 2 at once
    /// when the batch has no calls.
    Watch {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// Seconds between looks, 1 to 3600.
        #[arg(long, default_value_t = 5, value_parser = super::args::watch_interval)]
        every: u64,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Every call of a batch, one row per call: the number, last status,
    /// attempts, last attempt's time and duration, talk time, recording,
    /// transcript, then the contact's own fields. Read page by page and
    /// written as it comes (flat memory); a file appears only when whole
    /// (unless --allow-unreadable).
    /// CSV cells that a spreadsheet would run as a formula get a leading '
    /// (plain numbers such as +12125551234 are left as they are).
    Export {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// csv (RFC 4180, a header row, contact fields seen only after
        /// the first page in the last column as JSON) or jsonl (one JSON
        /// object per call).
        #[arg(long, value_enum, default_value_t)]
        format: crate::campaign::export::Format,
        /// Where to write: a file (written beside it, then renamed: an
        /// export that fails leaves no file), or - for standard output
        /// (the default).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// With --output: put the file in place even when calls too
        /// large to read (over 1 MiB alone) were skipped; it then holds
        /// every other call. The export still exits 1 and names them.
        #[arg(long)]
        allow_unreadable: bool,
        #[command(flatten)]
        api: ApiOptions,
    },
    /// Delete a batch and its calls, irreversibly. Asks for the batch's
    /// name to be typed, unless --yes.
    Delete {
        /// The batch: its ID (24 hex characters) or its exact name.
        id: String,
        /// Delete without asking. Without it and without a terminal to ask
        /// on, nothing is deleted.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        api: ApiOptions,
    },
}
