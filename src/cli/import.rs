//! `weya-tui batch import ID FILE`: the contacts import without the TUI.
//!
//! The same steps as the import view (see [`crate::import`]): read the
//! file, map its columns, check every row before anything is sent, read
//! the numbers the batch holds already (their rows are left out), then
//! send the valid rows in requests of at most 1,000 through the import
//! engine ([`crate::import::engine`]), which records each in the import
//! journal before and after it leaves and decides what comes next. Running
//! the same command again resumes where a run stopped (a crash, `kill -9`,
//! a lost connection): confirmed requests are not sent again, refused ones
//! are, and one partly added or whose outcome is unknown waits for the
//! operator's word. The same content imported into the same batch before
//! (wherever the file is now, touched or not) is "already imported": nothing
//! is sent without `--again`. Only one run sends an import at a time: a
//! second is refused before it sends.
//! Ctrl-C while sending stops once the request in flight is answered and
//! recorded (exit 130); a second Ctrl-C stops at once, and so does one
//! while the summary prints.
//!
//! Exit codes as the other commands: 0 every request confirmed (or the
//! content was imported already), 1 some request failed, was partly added
//! or its outcome is unknown (each is listed), 2 invalid
//! input or refused (nothing was sent; another run of the same import is
//! a refusal too: nothing of this run was sent, and running it again once
//! the other has ended is safe).

use crate::import::region::BatchZone;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use serde_json::{Value, json};

use super::ApiOptions;
use super::output::{CredentialUsed, FAILED, INTERRUPTED, Io, OK, REFUSED};
use crate::api::types::is_object_id;
use crate::api::{ApiError, CallQuery, WeyaClient};
use crate::domain::local_time;
use crate::domain::schedule::CallingSchedule;
use crate::import::account::RowAccount;
use crate::import::check::Counts;
use crate::import::engine::{self, DoubtFigures, ImportSender, Prepared};
use crate::import::existing::{BatchNumbers, PagesRead, read_batch_numbers};
use crate::import::{
    CheckReport, ColumnMapping, ContactsFile, Control, Country, FileIdentity, ImportError,
    ImportJournal, ImportSettings, JournalRequest, MappingError, OpenOptions, Overwrite, Progress,
    Region, RejectedFileNote, RequestState, Resolution, SendPlan, Stage, Written, check,
    rejected_path, write_rejected_to,
};
use crate::num::{counted, thousands};
use crate::text::{json as json_line, visible};

mod split;

/// How many invalid and duplicate rows the summary lists (the rejected
/// file has them all, `--json` the first 10,000).
const LISTED_ROWS: usize = 10;
/// The most characters of a refusal, and of a value from the file in a
/// message or the summary (a header, a phone cell, a row as it is sent):
/// what the file holds is shown, never echoed whole.
const MAX_MESSAGE_CHARS: usize = 1000;
const MAX_VALUE_CHARS: usize = 60;
const MAX_SAMPLE_CHARS: usize = 300;
/// The most invalid and duplicate rows `--json` lists.
const MAX_JSON_ROWS: usize = 10_000;
/// The most time zones the summary lists (`--json` has them all).
const LISTED_ZONES: usize = 8;
/// The most column names a message lists.
const LISTED_COLUMNS: usize = 12;

/// A value from the file as a message shows it: visible, and cut.
fn excerpt(value: &str, max: usize) -> String {
    crate::text::fit(&visible(value), max)
}

/// `batch import`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The batch to add the contacts to: its ID (24 hex characters) or its exact name.
    #[arg(value_name = "ID")]
    pub batch_id: String,
    /// The contacts: .csv, .tsv, .txt, .xlsx, .xlsm, .xls or .ods, with a
    /// header row.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The column that holds the phone numbers (its header); guessed when
    /// not given. Every other column is sent as an agent variable under
    /// its header.
    #[arg(long, value_name = "NAME")]
    pub phone_column: Option<String>,
    /// A column not to send (its header); may be given more than once.
    #[arg(long, value_name = "NAME", visible_alias = "skip")]
    pub skip_column: Vec<String>,
    /// Send column COLUMN as the contact field FIELD (the agent's variable
    /// name), as the app's mapping step renames it; `phone=COLUMN` is the
    /// phone column. May be given more than once.
    #[arg(long, value_name = "FIELD=COLUMN", value_parser = field_and_column)]
    pub map: Vec<(String, String)>,
    /// Send column OLD under the name NEW: `--rename OLD=NEW` is
    /// `--map NEW=OLD`. May be given more than once.
    #[arg(long, value_name = "OLD=NEW", value_parser = field_and_column)]
    pub rename: Vec<(String, String)>,
    /// The country of numbers written without a country code (US, GB,
    /// IN…), or `none` when every number carries its own. Default: the
    /// batch's timezone, for a batch created from this machine.
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
    /// Send the numbers of these countries too (NL,MX,GB), besides the
    /// region's: a valid number of any other country is held back, and
    /// the summary counts them by country.
    #[arg(long, value_name = "CC,CC", value_delimiter = ',')]
    pub allow_countries: Vec<String>,
    /// Dial a number with an extension (x123, ext. 12, ;ext=5) without
    /// it; without this flag such a row is invalid.
    #[arg(long)]
    pub without_extensions: bool,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Write the invalid rows here (default: NAME.rejected.csv next to the
    /// file, when there are any).
    #[arg(long, value_name = "FILE")]
    pub rejected: Option<PathBuf>,
    /// Check every row and print the summary and the first rows of the
    /// body; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Send again a request whose outcome a stopped run left unknown (its
    /// rows may be in the batch already).
    #[arg(long, conflicts_with = "unknown_added")]
    pub resend_unknown: bool,
    /// Record a request whose outcome a stopped run left unknown as added
    /// (you checked: its rows are in the batch).
    #[arg(long)]
    pub unknown_added: bool,
    /// Import the file even though the same content (same rows, sheet,
    /// columns and region) was imported into this batch before, or start
    /// its recorded import afresh. Rows whose number the batch holds are
    /// still left out, unless --include-existing.
    #[arg(long)]
    pub again: bool,
    /// Send rows whose number the batch holds already too (by default they
    /// are left out: the batch's numbers are read before sending).
    #[arg(long)]
    pub include_existing: bool,
    /// Replace the file the invalid rows are written to even when it holds
    /// other rows (by default it is never overwritten without asking).
    #[arg(long)]
    pub overwrite_rejected: bool,
    /// When the batch's window calls some contacts outside their hours
    /// (see "Local time"): create one batch per time zone group moved, each
    /// with the window in its own zone, and import each group's contacts
    /// into its batch, the rest into this one. Every new batch's request is
    /// shown first (all of them with --dry-run); exit 2, nothing sent,
    /// when the contacts cannot be split.
    #[arg(long, conflicts_with = "again")]
    pub split_by_zone: bool,
    /// The settings of one part of a split, exactly (the rows of its time
    /// zones): set by `--split-by-zone` for each import it runs.
    #[arg(skip)]
    pub fixed: Option<Box<ImportSettings>>,
    #[command(flatten)]
    pub api: ApiOptions,
}

/// What the command needs besides its arguments.
pub struct ImportContext<'a> {
    pub client: &'a WeyaClient,
    /// Which credential the requests carry, to say so when it is refused.
    pub credential: &'a CredentialUsed,
    /// `sandbox` or the host, for the question before sending.
    pub target: &'a str,
    /// Where import journals are kept (`$XDG_STATE_HOME/weya-tui/imports`);
    /// `None` without a home directory, and then nothing is sent.
    pub journal_dir: Option<PathBuf>,
    /// The submit journal: the timezone of a batch created from this
    /// machine gives the default region.
    pub submit_journal: Option<PathBuf>,
    /// Show progress on stderr (only when it is a terminal).
    pub progress: bool,
    /// The hours contacts may be called in their own time (`contact_hours`).
    pub contact_hours: crate::domain::local_time::ContactHours,
    /// Where splits by time zone are recorded (`--split-by-zone`); `None`
    /// without a home directory.
    pub split_dir: Option<PathBuf>,
    /// Where requests go, as a split's review of each new batch says it.
    pub target_label: &'a crate::connection::TargetLabel,
    /// The phone book, to name a split's calling numbers by.
    pub phone_book: Vec<crate::api::Phone>,
}

/// What the operator is told when the command stops, as text on stderr or
/// as JSON on stdout with what is known so far.
struct Refusal {
    code: u8,
    message: String,
}

impl Refusal {
    fn new(message: impl Into<String>) -> Self {
        Self {
            code: REFUSED,
            message: message.into(),
        }
    }
}

/// A failure before anything was sent, said as such.
fn nothing_sent(e: impl std::fmt::Display) -> Refusal {
    Refusal::new(format!("{e}; nothing was sent"))
}

/// Why the import ended early: refused (the operator is told why), or
/// the output could not be written.
enum Stop {
    Refused(Refusal),
    Io(io::Error),
}

impl From<Refusal> for Stop {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Runs the import and returns the exit code.
pub async fn run(args: &ImportArgs, ctx: &ImportContext<'_>, io: &mut Io<'_>) -> io::Result<u8> {
    // A batch given by its name: its ID, or stop before anything is read.
    let named;
    let args = if super::resolve::means_an_id(&args.batch_id) {
        args
    } else {
        match super::resolve::batch_id(ctx.client, &args.batch_id).await {
            Ok(batch_id) => {
                named = ImportArgs {
                    batch_id,
                    ..args.clone()
                };
                &named
            }
            Err(not_one) => {
                let matches: Vec<_> = not_one
                    .listed()
                    .iter()
                    .map(|b| json!({"id": b.id, "name": b.batch_name}))
                    .collect();
                let message = not_one.message_then(&args.batch_id, "nothing was sent");
                return io.fail_lines(not_one.code(), &message, json!({"matches": matches}));
            }
        }
    };
    let mut facts = json!({"batchId": args.batch_id});
    match import(args, ctx, io, &mut facts).await {
        Ok(code) => Ok(code),
        Err(Stop::Io(e)) => Err(e),
        Err(Stop::Refused(mut refusal)) => {
            // A line's worth: a message never carries a file's content
            // whole (a header of a GB once came back in one).
            refusal.message = crate::text::fit(&refusal.message, MAX_MESSAGE_CHARS);
            if io.json {
                let mut value = facts;
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("error".into(), Value::String(refusal.message));
                }
                writeln!(io.out, "{}", json_line(&value))?;
            } else {
                writeln!(io.err, "weya-tui: {}", visible(&refusal.message))?;
            }
            Ok(refusal.code)
        }
    }
}

/// The steps, each stopping with a [`Refusal`] before anything is sent.
/// `facts` gathers what `--json` reports.
async fn import(
    args: &ImportArgs,
    ctx: &ImportContext<'_>,
    io: &mut Io<'_>,
    facts: &mut Value,
) -> Result<u8, Stop> {
    if !is_object_id(&args.batch_id) {
        return Err(Refusal::new(format!(
            "{:?} is not a batch ID (24 hex characters); nothing was sent",
            args.batch_id
        ))
        .into());
    }
    let given_region = args.region.as_deref().map(parse_region).transpose()?;
    let given_countries = parse_countries(&args.allow_countries)?;

    // Read the file.
    let path = args.file.clone();
    let options = OpenOptions {
        sheet: args.sheet.clone(),
    };
    let opened = off_the_loop(io, ctx.progress, move |report| {
        crate::import::open(&path, &options, &mut Control::default().report_to(report))
    })
    .await?;
    let file = opened.map_err(nothing_sent)?;
    set(facts, "file", json!(file.path()));

    // One run at a time sends this import: two would send the same
    // requests. Taken before the journal is read, so what another run
    // recorded is on disk; held until this run ends. A dry run sends
    // nothing and needs none.
    // A split takes the lock of each import it runs, one after another.
    let _lock = match &ctx.journal_dir {
        Some(dir) if !args.dry_run && !args.split_by_zone => {
            Some(ImportJournal::lock(dir, &args.batch_id, file.identity()).map_err(nothing_sent)?)
        }
        _ => None,
    };

    // An earlier import of this content into this batch, if any, from
    // wherever the file was then: it decides the settings.
    let mut existing = match &ctx.journal_dir {
        Some(dir) => {
            ImportJournal::find(dir, &args.batch_id, file.identity()).map_err(nothing_sent)?
        }
        None => None,
    };
    if args.split_by_zone {
        // The split reads the journals of its parts itself.
        existing = None;
    }
    let (region, region_note) = match (given_region, &existing) {
        _ if args.fixed.is_some() => (args.fixed.as_ref().and_then(|f| f.region), None),
        (Some(region), _) => (region, None),
        (None, Some(journal)) => (journal.settings().region, None),
        (None, _) => match region_of_batch(ctx, &args.batch_id) {
            BatchZone::Known(region, zone) => (Some(region), Some(zone)),
            unknown => {
                let why = match unknown {
                    BatchZone::NotSet => "The batch was created from this machine without a \
                                          timezone, so it suggests no country."
                        .to_owned(),
                    BatchZone::NoCountry(zone) => format!(
                        "The batch's timezone, {}, is no one country's.",
                        crate::text::visible(&zone)
                    ),
                    _ => "The batch's timezone is known only for batches created from this \
                          machine; Weya's batch details do not give it."
                        .to_owned(),
                };
                return Err(Refusal::new(format!(
                    "which country are numbers without a country code in? Pass --region \
                     (e.g. --region US), or --region none if every number starts with its \
                     country code. ({why}) Nothing was sent. File: {}",
                    file.path().display()
                ))
                .into());
            }
        },
    };
    let flags_map = args.phone_column.is_some()
        || !args.skip_column.is_empty()
        || !args.map.is_empty()
        || !args.rename.is_empty();
    let (mapping, rejected_note) = match (&existing, &args.fixed) {
        (_, Some(fixed)) => (fixed.mapping.clone(), None),
        (Some(journal), _) if !flags_map => (journal.settings().mapping.clone(), None),
        _ => mapping_from_flags(&file, args, region)?,
    };
    let mut settings = ImportSettings::new(mapping, region);
    // As the region: a resumed import keeps what its first run allowed,
    // unless the flags say otherwise.
    let flags_numbers = !given_countries.is_empty() || args.without_extensions;
    match &existing {
        Some(journal) if !flags_numbers => {
            settings
                .allowed_countries
                .clone_from(&journal.settings().allowed_countries);
            settings.without_extensions = journal.settings().without_extensions;
        }
        _ => {
            settings.allowed_countries = given_countries;
            settings.without_extensions = args.without_extensions;
        }
    }
    if let Some(fixed) = &args.fixed {
        settings = (**fixed).clone();
    }
    if let Some(journal) = existing.take() {
        existing = earlier_import(io, args, journal, &settings, file.header(), facts)?;
        if existing.is_none() && !args.again {
            // Already imported: said, nothing to send.
            return Ok(OK);
        }
    }

    // Check every row.
    let (checked, file) = {
        let settings = settings.clone();
        off_the_loop(io, ctx.progress, move |report| {
            let result = check(&file, &settings, &mut Control::default().report_to(report));
            (result, file)
        })
        .await?
    };
    let report = checked.map_err(nothing_sent)?;
    add_report_facts(facts, &file, &settings, &report);
    let local_times = local_times_of(ctx, &args.batch_id, &report);
    let (local_json, basis) = local_time::json_facts(&local_times);
    set(facts, "localTime", local_json);
    set(facts, "localTimeBasis", basis);
    if let Some(note) = &rejected_note {
        set(facts, "rejectedFileRead", json!(note.to_string()));
    }

    if args.fixed.is_some() {
        // One part of a split: the whole file's check was shown, and its
        // invalid rows written, before the split began.
        return send_checked(args, ctx, io, facts, report, existing).await;
    }
    let rejected_file = write_rejected_rows(io, args, &file, &report, facts)?;
    let no_region = report.without_country_code();
    if settings.region.is_none() && no_region > 0 {
        writeln!(
            io.err,
            "weya-tui: warning: no region: {} number{} without a country code {} invalid; \
             --region US (or the country they are in) reads them",
            thousands(no_region as u64),
            if no_region == 1 { "" } else { "s" },
            if no_region == 1 { "is" } else { "are" },
        )?;
    }
    // Values sent with spaces at an end or characters no one sees: said
    // (as the import view says them), and sent as they are.
    for odd in &report.odd_values {
        writeln!(io.err, "weya-tui: warning: {}", visible(&odd.describe()))?;
    }
    if !io.json {
        print_summary(io, &file, &settings, region_note.as_deref(), &report)?;
        match &local_times {
            Ok(times) => {
                for line in times.lines(LISTED_ZONES) {
                    writeln!(io.out, "{}", visible(&line))?;
                }
            }
            Err(why) => writeln!(io.out, "{}", visible(&local_time::not_known(why)))?,
        }
        if let Some(note) = &rejected_note {
            writeln!(io.out, "This is {}.", visible(&note.to_string()))?;
        }
        if let Some(written) = &rejected_file {
            let shown = written.path.display().to_string();
            writeln!(
                io.out,
                "The invalid rows are in {}{} (with a reason column: fix them there and import \
                 that file).",
                visible(&shown),
                if written.unchanged {
                    ", as the last run wrote them"
                } else {
                    ""
                }
            )?;
            if let Some(note) = written.guard_note() {
                writeln!(io.out, "  {note}.")?;
            }
        }
    }
    if report.counts.valid == 0 {
        let held = if report.counts.outside_region > 0 {
            format!(
                " ({} valid number{} outside the region held back: see --allow-countries)",
                thousands(report.counts.outside_region),
                if report.counts.outside_region == 1 {
                    ""
                } else {
                    "s"
                }
            )
        } else {
            String::new()
        };
        return Err(Refusal::new(format!(
            "{} has no valid row to send{held}; nothing was sent",
            file.path().display()
        ))
        .into());
    }
    if args.split_by_zone {
        return Box::pin(split::run(
            args,
            ctx,
            io,
            facts,
            &file,
            &settings,
            &local_times,
        ))
        .await;
    }
    if args.dry_run {
        dry_run_output(io, &args.batch_id, &report, existing.as_ref(), facts)?;
        return Ok(OK);
    }
    send_checked(args, ctx, io, facts, report, existing).await
}

/// Sends a checked file's rows to `args.batch_id`: resuming the journal of
/// an earlier run if there is one, after confirmation.
async fn send_checked(
    args: &ImportArgs,
    ctx: &ImportContext<'_>,
    io: &mut Io<'_>,
    facts: &mut Value,
    report: CheckReport,
    existing: Option<ImportJournal>,
) -> Result<u8, Stop> {
    if !args.yes && io.confirm.is_none() {
        return Err(Refusal::new(
            "not sending without --yes: standard input is not a terminal to confirm on; \
             nothing was sent",
        )
        .into());
    }
    let Some(dir) = &ctx.journal_dir else {
        return Err(Refusal::new(
            "there is no state directory for the import journal (no home directory): a \
             stopped import could not be resumed without sending rows twice; nothing was sent",
        )
        .into());
    };

    // The batch as it is now: that it exists, and its total to compare
    // with if a request's outcome is ever unknown.
    let total_now = match batch_total(ctx.client, &args.batch_id).await {
        Ok(total) => Some(total),
        Err(e) if e.status() == Some(404) || e.is_config_problem() => {
            return Err(
                Refusal::new(format!("batch {}: {e}; nothing was sent", args.batch_id)).into(),
            );
        }
        Err(e) => {
            // addCallsToBatch may take a credential that batch details
            // does not (Weya documents a Bearer token for the latter).
            let why = ctx.credential.advice(&e).unwrap_or_else(|| e.to_string());
            writeln!(
                io.err,
                "weya-tui: warning: the batch's calls could not be counted ({}); \
                 the import goes on without that figure",
                visible(&why)
            )?;
            None
        }
    };

    let counts = report.counts;
    let plan = Arc::new(report.plan);
    let resumed = existing.is_some();
    set(facts, "resumed", json!(resumed));
    let mut journal = match existing {
        Some(mut journal) => {
            if journal.check_plan(&plan).is_err() {
                return Err(Refusal::new(format!(
                    "the import journal {} does not match this file's rows any more; run again \
                     with --again to start afresh (rows whose number is in the batch are left \
                     out). Nothing was sent",
                    journal.path().display()
                ))
                .into());
            }
            settle(io, args, &mut journal, total_now)?;
            Some(journal)
        }
        None => {
            warn_about_other_imports(io, dir, &args.batch_id, plan.identity())?;
            None
        }
    };

    // The numbers the batch holds already: their rows are left out.
    let to_send: Vec<usize> = match &journal {
        Some(journal) => journal
            .requests()
            .iter()
            .filter(|r| r.state == RequestState::Planned)
            .map(|r| r.index)
            .collect(),
        None => (0..plan.requests().len()).collect(),
    };
    let compared = compare_with_batch(io, args, ctx, &plan, total_now, &to_send, facts).await?;
    let (requests, rows) = to_send.iter().fold((0usize, 0u64), |(n, rows), &index| {
        let planned = plan.requests().get(index).map_or(0, |r| u64::from(r.rows));
        let left = compared.left_out_of(index);
        if u64::from(left) >= planned {
            (n, rows)
        } else {
            (n + 1, rows + planned - u64::from(left))
        }
    });
    if requests > 0 {
        let question = plan_question(ctx, &args.batch_id, requests, rows);
        if !confirm(io, args, &question)? {
            return Err(Refusal::new("not sent").into());
        }
    }
    let mut journal = match journal.take() {
        Some(journal) => journal,
        None => {
            ImportJournal::start(dir, &args.batch_id, &plan, total_now).map_err(nothing_sent)?
        }
    };
    set(facts, "journal", json!(journal.path()));

    let sender = ImportSender::new(ctx.client.clone(), &args.batch_id, Arc::clone(&plan))
        .leaving_out(compared.numbers);
    let outcome = send_all(io, ctx, &sender, &mut journal).await?;
    report_end(io, &args.batch_id, &journal, &counts, &outcome, facts)?;
    Ok(if outcome.interrupted {
        INTERRUPTED
    } else if journal.is_complete() {
        OK
    } else {
        FAILED
    })
}

/// An import of this content into this batch is recorded. Complete with
/// these settings: "already imported", nothing to send (`Ok(None)`). With
/// `--again`: set aside, a new import starts (`Ok(None)`). Otherwise it is
/// resumed (`Ok(Some)`), or refused when the settings differ.
fn earlier_import(
    io: &mut Io<'_>,
    args: &ImportArgs,
    journal: ImportJournal,
    settings: &ImportSettings,
    header: &[String],
    facts: &mut Value,
) -> Result<Option<ImportJournal>, Stop> {
    let s = journal.summary();
    if args.again {
        if !args.dry_run {
            writeln!(
                io.err,
                "weya-tui: --again: the record of this file's import into this batch ({} of {} \
                 rows confirmed, started {}) is set aside; this import starts afresh",
                thousands(s.rows_confirmed),
                thousands(s.rows_total),
                when(journal.created())
            )?;
            journal.discard().map_err(nothing_sent)?;
        }
        return Ok(None);
    }
    let same_settings = journal.settings() == settings;
    if journal.is_complete() && same_settings {
        let from = journal.file().path.display().to_string();
        set(
            facts,
            "alreadyImported",
            json!({
                "on": journal.updated(),
                "rows": s.rows_confirmed,
                "added": s.rows_added,
                "leftOut": s.rows_left_out,
                "from": from,
                "journal": journal.path(),
            }),
        );
        set(facts, "sent", json!(0));
        if io.json {
            writeln!(io.out, "{}", json_line(facts))?;
        } else {
            writeln!(
                io.out,
                "Already imported on {} ({}): this file's content went into batch {} then \
                 (from {}). Nothing was sent; --again imports it again.",
                when(journal.updated()),
                counted(s.rows_confirmed, "row"),
                args.batch_id,
                visible(&from)
            )?;
        }
        return Ok(None);
    }
    if !same_settings {
        let done = if journal.is_complete() {
            format!(
                "was imported into batch {} on {} ({})",
                args.batch_id,
                when(journal.updated()),
                counted(s.rows_confirmed, "row")
            )
        } else {
            format!(
                "was being imported into batch {} (started {}, {} of {} confirmed)",
                args.batch_id,
                when(journal.created()),
                thousands(s.rows_confirmed),
                counted(s.rows_total, "row")
            )
        };
        return Err(Refusal::new(format!(
            "this file's content {done} with other settings ({}); run it without --region, \
             --phone-column, --skip-column, --allow-countries and --without-extensions to resume \
             it, or with --again to import it afresh \
             with these (rows whose number is in the batch are left out). Nothing was sent",
            describe_settings(journal.settings(), header),
        ))
        .into());
    }
    Ok(Some(journal))
}

/// An RFC 3339 time on the operator's clock: "2025-06-02 19:33
/// (Asia/Kolkata)".
fn when(rfc3339: &str) -> String {
    crate::config::local_clock().minute_zoned_of(rfc3339)
}

/// The invalid rows, beside the file or where the operator said, never
/// over a file that holds other rows without asking: a dry run leaves
/// such a file as it is; a run asks on the terminal, else refuses
/// (`--rejected`) or leaves it and says so (the default path).
fn write_rejected_rows(
    io: &mut Io<'_>,
    args: &ImportArgs,
    file: &ContactsFile,
    report: &CheckReport,
    facts: &mut Value,
) -> Result<Option<Written>, Stop> {
    if report.rejected.is_empty() {
        set(facts, "rejectedFile", Value::Null);
        return Ok(None);
    }
    let chosen = args.rejected.is_some();
    let target = args
        .rejected
        .clone()
        .unwrap_or_else(|| rejected_path(file.path()));
    let overwrite = if args.overwrite_rejected && !args.dry_run {
        Overwrite::Yes
    } else {
        Overwrite::No
    };
    let mut result = write_rejected_to(file, report, target.clone(), overwrite);
    if let Err(ImportError::RejectedExists { regular: true, .. }) = &result
        && !args.dry_run
        && !args.yes
        && let Some(ask) = io.confirm.as_mut()
    {
        let question = format!(
            "{} exists and holds other rows (fixes of yours?). Overwrite it with the invalid \
             rows of this run? [y/N] ",
            visible(&target.display().to_string())
        );
        if ask(&question)? {
            result = write_rejected_to(file, report, target.clone(), Overwrite::Yes);
        }
    }
    let written = match result {
        Ok(written) => written,
        Err(e) => {
            let why = match &e {
                ImportError::RejectedExists { regular: true, .. } if args.dry_run => {
                    format!("{e} (a dry run never does)")
                }
                ImportError::RejectedExists { regular: true, .. } => format!(
                    "{e}: --overwrite-rejected replaces it, --rejected FILE writes the invalid \
                     rows elsewhere"
                ),
                _ => e.to_string(),
            };
            if chosen && !args.dry_run {
                return Err(Refusal::new(format!("{why}; nothing was sent")).into());
            }
            writeln!(
                io.err,
                "weya-tui: warning: the invalid rows were not written: {}",
                visible(&why)
            )?;
            set(facts, "rejectedNotWritten", json!(why));
            None
        }
    };
    set(
        facts,
        "rejectedFile",
        json!(written.as_ref().map(|w| &w.path)),
    );
    if let Some(written) = &written {
        set(facts, "rejectedGuarded", json!(written.guarded));
    }
    Ok(written)
}

/// `US`, `gb`, or `none` (`Some(None)`: no default region).
fn parse_region(text: &str) -> Result<Option<Region>, Refusal> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.parse::<Region>()
        .map(Some)
        .map_err(|e| Refusal::new(format!("--region: {e}, or none; nothing was sent")))
}

/// `--allow-countries NL,mx, GB`: the countries, each once, in a fixed
/// order (the journal compares settings).
fn parse_countries(given: &[String]) -> Result<Vec<Country>, Refusal> {
    let mut countries: Vec<Country> = Vec::new();
    for text in given.iter().filter(|t| !t.trim().is_empty()) {
        let country = text
            .parse::<Country>()
            .map_err(|e| Refusal::new(format!("--allow-countries: {e}; nothing was sent")))?;
        if !countries.contains(&country) {
            countries.push(country);
        }
    }
    countries.sort_by_key(ToString::to_string);
    Ok(countries)
}

/// The batch's window on its contacts' clocks, when this machine created
/// the batch (the submit journal holds its schedule), or why not.
fn local_times_of(
    ctx: &ImportContext<'_>,
    batch_id: &str,
    report: &CheckReport,
) -> Result<local_time::LocalTimes, String> {
    let entries = ctx
        .submit_journal
        .as_deref()
        .and_then(|path| crate::store::journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default();
    let schedule = crate::store::journal::created_body(&entries, ctx.target, batch_id)
        .and_then(CallingSchedule::from_body);
    local_time::for_batch(
        schedule.as_ref(),
        &report.zones,
        ctx.contact_hours,
        chrono::Utc::now(),
    )
}

/// The region of the batch's timezone, when this machine created the
/// batch (the submit journal holds the body it sent), or why not.
fn region_of_batch(ctx: &ImportContext<'_>, batch_id: &str) -> BatchZone {
    match ctx.submit_journal.as_deref() {
        Some(journal) => crate::import::region::zone_of_batch(journal, batch_id, ctx.target),
        None => BatchZone::NotHere,
    }
}

/// `A=B` as its two sides, each trimmed and neither empty.
fn field_and_column(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_owned(), b.trim().to_owned()))
        }
        _ => Err(format!("{text:?}: give NAME=NAME, both sides named")),
    }
}

/// The guessed mapping with the operator's `--phone-column`,
/// `--skip-column`, `--map` and `--rename`, refused with what to pass
/// when it cannot be sent.
fn mapping_from_flags(
    file: &ContactsFile,
    args: &ImportArgs,
    region: Option<Region>,
) -> Result<(ColumnMapping, Option<RejectedFileNote>), Refusal> {
    let header = file.header();
    let (mut mapping, note) = ColumnMapping::for_file(file, region);
    if let Some(name) = &args.phone_column {
        mapping.set_phone(column_named(header, name, "--phone-column")?);
    }
    for name in &args.skip_column {
        mapping.set_send(column_named(header, name, "--skip-column")?, false);
    }
    let renames = args
        .map
        .iter()
        .map(|(field, column)| (field, column, "--map"))
        .chain(args.rename.iter().map(|(old, new)| (new, old, "--rename")));
    // Which flag gave a column its name, to name it back when the name
    // is refused.
    let mut named_by: Vec<(usize, String)> = Vec::new();
    for (field, column, flag) in renames {
        let at = column_named(header, column, flag)?;
        if field.eq_ignore_ascii_case("phone") && flag == "--map" {
            mapping.set_phone(at);
        } else {
            mapping.rename(at, field);
            mapping.set_send(at, true);
            let given = if flag == "--map" {
                format!("--map \"{field}={column}\"")
            } else {
                format!("--rename \"{column}={field}\"")
            };
            named_by.retain(|(c, _)| *c != at);
            named_by.push((at, given));
        }
    }
    let by_flag = |column: usize| {
        named_by
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, given)| given.as_str())
    };
    let errors = match mapping.validate() {
        Ok(_) => return Ok((mapping, note)),
        Err(errors) => errors,
    };
    let why: Vec<String> = errors
        .iter()
        .map(|e| match e {
            MappingError::NoPhoneColumn => format!(
                "no column looks like phone numbers: pass --phone-column NAME (the columns are {})",
                column_list(header)
            ),
            MappingError::DuplicateName { name, columns } => {
                let given: Vec<&str> = columns.iter().filter_map(|&c| by_flag(c)).collect();
                let since = if given.is_empty() {
                    String::new()
                } else {
                    format!(" (after {})", given.join(", "))
                };
                format!(
                    "several columns would be sent as “{name}”{since}: leave all but one out \
                     (--skip COLUMN), or send them under other names (--rename OLD=NEW, or \
                     --map NEW=OLD)"
                )
            }
            MappingError::ReservedName { column } => {
                let name = header.get(*column).map_or("", String::as_str);
                match by_flag(*column) {
                    Some(given) => format!(
                        "{given} would send column “{name}” as phoneNumber, the phone column's \
                         name: give it another name, or make it the phone column \
                         (--phone-column \"{name}\" or --map phone=\"{name}\")"
                    ),
                    None => format!(
                        "column “{name}” would be sent as phoneNumber, the phone column's \
                         name: leave it out (--skip \"{name}\"), send it under another name \
                         (--rename \"{name}=NEW\"), or make it the phone column \
                         (--phone-column \"{name}\")"
                    ),
                }
            }
            other => other.to_string(),
        })
        .collect();
    Err(Refusal::new(format!(
        "{}: {}; nothing was sent",
        file.path().display(),
        why.join("; ")
    )))
}

/// The column whose header is `name`: exactly, else the one that matches
/// without regard to case and surrounding spaces. Never a near miss.
fn column_named(header: &[String], name: &str, flag: &str) -> Result<usize, Refusal> {
    if let Some(exact) = header.iter().position(|h| h == name) {
        return Ok(exact);
    }
    let loose: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim().to_lowercase() == name.trim().to_lowercase())
        .map(|(i, _)| i)
        .collect();
    match loose.as_slice() {
        [one] => Ok(*one),
        [] => Err(Refusal::new(format!(
            "{flag} {name:?}: the file has no such column (the columns are {}); nothing was sent",
            column_list(header)
        ))),
        _ => Err(Refusal::new(format!(
            "{flag} {name:?}: several columns match; give the header exactly as the file has it \
             (the columns are {}); nothing was sent",
            column_list(header)
        ))),
    }
}

fn column_list(header: &[String]) -> String {
    let mut list: Vec<String> = header
        .iter()
        .take(LISTED_COLUMNS)
        .map(|h| format!("“{}”", excerpt(h, MAX_VALUE_CHARS)))
        .collect();
    if header.len() > LISTED_COLUMNS {
        list.push(format!(
            "and {} more",
            thousands((header.len() - LISTED_COLUMNS) as u64)
        ));
    }
    list.join(", ")
}

/// "region US, phone column “Phone”, not sending “Notes”".
fn describe_settings(settings: &ImportSettings, header: &[String]) -> String {
    let region = settings
        .region
        .map_or_else(|| "no region".to_owned(), |r| format!("region {r}"));
    let phone = settings
        .mapping
        .phone
        .and_then(|i| header.get(i))
        .map_or_else(
            || "no phone column".to_owned(),
            |h| format!("phone column “{}”", excerpt(h, MAX_VALUE_CHARS)),
        );
    let skipped: Vec<String> = settings
        .mapping
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.send && Some(*i) != settings.mapping.phone)
        .map(|(_, c)| format!("“{}”", excerpt(&c.header, MAX_VALUE_CHARS)))
        .take(LISTED_COLUMNS)
        .collect();
    if skipped.is_empty() {
        format!("{region}, {phone}")
    } else {
        format!("{region}, {phone}, not sending {}", skipped.join(", "))
    }
}

/// Runs a step of the import core on a blocking thread, showing its
/// progress on stderr when asked.
async fn off_the_loop<T: Send + 'static>(
    io: &mut Io<'_>,
    show: bool,
    work: impl FnOnce(&mut dyn FnMut(Progress)) -> T + Send + 'static,
) -> io::Result<T> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut task = tokio::task::spawn_blocking(move || {
        let mut report = |progress: Progress| {
            let _ = tx.send(progress);
        };
        work(&mut report)
    });
    let result = loop {
        tokio::select! {
            Some(progress) = rx.recv() => {
                if show {
                    let stage = match progress.stage {
                        Stage::Reading => "Reading",
                        Stage::Checking => "Checking every row",
                        Stage::Comparing => "Looking for the numbers the batch holds",
                    };
                    let percent = (progress.done * 100).checked_div(progress.total).unwrap_or(100);
                    write!(io.err, "\r\x1b[2K{stage}… {percent}%")?;
                    io.err.flush()?;
                }
            }
            done = &mut task => break done.map_err(io::Error::other)?,
        }
    };
    if show {
        write!(io.err, "\r\x1b[2K")?;
        io.err.flush()?;
    }
    Ok(result)
}

fn set(facts: &mut Value, key: &str, value: Value) {
    if let Some(obj) = facts.as_object_mut() {
        obj.insert(key.to_owned(), value);
    }
}

/// The check's findings for `--json`: counts, and every rejected row with
/// its line, its phone cell and why.
fn add_report_facts(
    facts: &mut Value,
    file: &ContactsFile,
    settings: &ImportSettings,
    report: &CheckReport,
) {
    let phone = settings.mapping.phone;
    // The first rows of each list: a file of a million invalid rows would
    // make a JSON document of hundreds of MiB (the rejected file has them
    // all, and the counts say how many there are).
    let rejected: Vec<Value> = report
        .rejected
        .iter()
        .take(MAX_JSON_ROWS)
        .map(|row| {
            let value = phone
                .and_then(|i| row.cells.get(i))
                .map_or("", String::as_str);
            // The phone cell as it is, but a line's worth of it: the
            // rejected file has every cell whole.
            let value: String = match value.char_indices().nth(MAX_SAMPLE_CHARS) {
                Some((at, _)) => format!("{}…", &value[..at]),
                None => value.to_owned(),
            };
            json!({"line": row.line, "value": value, "why": row.reason.to_string()})
        })
        .collect();
    let duplicates: Vec<Value> = report
        .duplicates
        .iter()
        .take(MAX_JSON_ROWS)
        .map(|d| json!({"line": d.line, "firstLine": d.first_line, "phoneNumber": d.phone.to_string()}))
        .collect();
    let c = report.counts;
    set(
        facts,
        "counts",
        json!({"valid": c.valid, "invalid": c.invalid, "duplicate": c.duplicate,
               "skipped": c.skipped, "outsideRegion": c.outside_region}),
    );
    let countries: serde_json::Map<String, Value> = report
        .countries()
        .into_iter()
        .map(|(country, n)| (country.to_string(), json!(n)))
        .collect();
    set(facts, "countries", Value::Object(countries));
    let held = report.held_countries();
    let mut allow: Vec<String> = settings
        .allowed_countries
        .iter()
        .chain(&held)
        .map(ToString::to_string)
        .collect();
    allow.sort();
    allow.dedup();
    set(
        facts,
        "outsideRegion",
        json!({
            "region": settings.region.map(|r| r.to_string()),
            "allowed": settings.allowed_countries.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "notSent": c.outside_region,
            "heldCountries": held.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "toSendThem": (!held.is_empty()).then(|| format!("--allow-countries {}", allow.join(","))),
        }),
    );
    set(
        facts,
        "numbers",
        json!({
            "decimalsReadAsWhole": report.read_from_decimal,
            "extensionsDialledWithout": report.extensions_dropped,
            "extensionsRefused": report.with_extension(),
        }),
    );
    set(
        facts,
        "valueWarnings",
        Value::Array(report.odd_values.iter().map(|o| o.to_json()).collect()),
    );
    set(
        facts,
        "notices",
        json!(
            file.notices()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
    );
    set(facts, "rejected", Value::Array(rejected));
    set(facts, "duplicates", Value::Array(duplicates));
    set(facts, "requests", json!(report.plan.requests().len()));
}

/// What the check found, as the operator reads it before anything is sent.
fn print_summary(
    io: &mut Io<'_>,
    file: &ContactsFile,
    settings: &ImportSettings,
    region_note: Option<&str>,
    report: &CheckReport,
) -> io::Result<()> {
    let out = &mut *io.out;
    let shown = file.path().display().to_string();
    writeln!(
        out,
        "{}: {} after the header.",
        visible(&shown),
        counted(report.counts.rows(), "row")
    )?;
    for notice in file.notices() {
        writeln!(out, "  {}", visible(&notice.to_string()))?;
    }
    let header = file.header();
    let phone = settings.mapping.phone.and_then(|i| header.get(i));
    let region = match (settings.region, region_note) {
        (Some(r), Some(zone)) => format!("{r} (the batch's timezone is {zone})"),
        (Some(r), None) => r.to_string(),
        (None, _) => "nothing: each must start with its country code".to_owned(),
    };
    writeln!(
        out,
        "Phone numbers from column “{}”; a number without a country code is read as {}.",
        excerpt(phone.map_or("", String::as_str), MAX_VALUE_CHARS),
        visible(&region)
    )?;
    let variables: Vec<String> = settings
        .mapping
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| c.send && Some(*i) != settings.mapping.phone && !c.name.trim().is_empty())
        .map(|(_, c)| excerpt(c.name.trim(), MAX_VALUE_CHARS))
        .collect();
    if variables.is_empty() {
        writeln!(out, "No other column is sent.")?;
    } else {
        let more = variables.len().saturating_sub(LISTED_COLUMNS);
        let listed = variables[..variables.len() - more].join(", ");
        match more {
            0 => writeln!(out, "Sent as agent variables: {listed}")?,
            n => writeln!(
                out,
                "Sent as agent variables: {listed} and {} more",
                thousands(n as u64)
            )?,
        }
    }
    let c = report.counts;
    let outside = match (c.outside_region, settings.region) {
        (0, _) | (_, None) => String::new(),
        (n, Some(region)) => format!("   {} outside {region}, not sent", thousands(n)),
    };
    writeln!(
        out,
        "\n  {} valid   {} invalid   {} duplicate   {} skipped (empty){outside}\n",
        thousands(c.valid),
        thousands(c.invalid),
        thousands(c.duplicate),
        thousands(c.skipped)
    )?;
    for line in number_notes(settings, report) {
        writeln!(out, "{line}")?;
    }
    if !report.rejected.is_empty() {
        writeln!(
            out,
            "{}",
            listing_title("Invalid rows", report.rejected.len())
        )?;
        for row in report.rejected.iter().take(LISTED_ROWS) {
            let value = settings
                .mapping
                .phone
                .and_then(|i| row.cells.get(i))
                .map_or("", String::as_str);
            writeln!(
                out,
                "  line {}: “{}”: {}",
                row.line,
                excerpt(value, MAX_VALUE_CHARS),
                row.reason
            )?;
        }
    }
    if !report.duplicates.is_empty() {
        let title = listing_title(
            "Duplicates (the first row is kept)",
            report.duplicates.len(),
        );
        writeln!(out, "{title}")?;
        for d in report.duplicates.iter().take(LISTED_ROWS) {
            writeln!(
                out,
                "  line {}: {} is on line {} already",
                d.line,
                crate::domain::phone::format_number(&d.phone.to_string()),
                d.first_line
            )?;
        }
    }
    if !report.samples.is_empty() {
        writeln!(out, "The first rows as they will be sent:")?;
        for sample in &report.samples {
            writeln!(out, "  {}", excerpt(sample, MAX_SAMPLE_CHARS))?;
        }
    }
    Ok(())
}

/// What the check says about the numbers beyond the counts: those
/// outside the region by country and how to send them, the decimals read
/// as whole numbers, the extensions. Each with the flag that changes it.
fn number_notes(settings: &ImportSettings, report: &CheckReport) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(summary) = report.outside_summary() {
        let held = report.held_countries();
        if held.is_empty() {
            notes.push(format!("{summary}: sent, as --allow-countries says."));
        } else {
            let mut allow: Vec<String> = settings
                .allowed_countries
                .iter()
                .chain(&held)
                .map(ToString::to_string)
                .collect();
            allow.sort();
            allow.dedup();
            notes.push(format!(
                "{summary}. {} of them {} not sent (numbers of {}); to send them too, run \
                 again with --allow-countries {}",
                thousands(report.counts.outside_region),
                if report.counts.outside_region == 1 {
                    "is"
                } else {
                    "are"
                },
                held.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                allow.join(",")
            ));
        }
    }
    let decimals = report.read_from_decimal;
    if decimals > 0 {
        notes.push(format!(
            "{} number{} written as decimals (17796726653.0, 1.7796726653E10) read as whole numbers.",
            thousands(decimals),
            if decimals == 1 { "" } else { "s" }
        ));
    }
    if report.extensions_dropped > 0 {
        notes.push(format!(
            "{} number{} with an extension dialled without it (--without-extensions).",
            thousands(report.extensions_dropped),
            if report.extensions_dropped == 1 {
                ""
            } else {
                "s"
            }
        ));
    }
    let refused = report.with_extension();
    if refused > 0 {
        notes.push(format!(
            "{} number{} an extension and {} invalid; --without-extensions dials {} without it.",
            thousands(refused as u64),
            if refused == 1 { " has" } else { "s have" },
            if refused == 1 { "is" } else { "are" },
            if refused == 1 { "it" } else { "them" }
        ));
    }
    if !notes.is_empty() {
        notes.push(String::new());
    }
    notes
}

fn listing_title(what: &str, total: usize) -> String {
    if total > LISTED_ROWS {
        format!(
            "{what}, the first {LISTED_ROWS} of {}:",
            thousands(total as u64)
        )
    } else {
        format!("{what}:")
    }
}

/// `--dry-run`: how it would be sent and the start of the first body.
fn dry_run_output(
    io: &mut Io<'_>,
    batch_id: &str,
    report: &CheckReport,
    existing: Option<&ImportJournal>,
    facts: &mut Value,
) -> io::Result<()> {
    let requests = report.plan.requests().len();
    let samples: Vec<Value> = report
        .samples
        .iter()
        .filter_map(|s| serde_json::from_str(s).ok())
        .collect();
    let recorded = existing.map(|j| j.summary());
    if io.json {
        set(facts, "dryRun", json!(true));
        set(
            facts,
            "body",
            json!({"batchId": batch_id, "call_data": samples}),
        );
        if let Some(s) = recorded {
            set(
                facts,
                "recorded",
                json!({"requestsConfirmed": s.confirmed, "rowsConfirmed": s.rows_confirmed}),
            );
        }
        writeln!(io.out, "{}", json_line(facts))?;
        return Ok(());
    }
    let more = if report.counts.valid > report.samples.len() as u64 {
        ",\n  …"
    } else {
        ""
    };
    writeln!(
        io.out,
        "\nDry run: nothing was sent. {} would go in {} of at most 1,000 rows. \
         The first body begins:\n{{\"batchId\":\"{batch_id}\",\"call_data\":[\n  {}{more}\n]}}",
        counted(report.counts.valid, "contact"),
        counted(requests as u64, "request"),
        report
            .samples
            .iter()
            .map(|s| excerpt(s, MAX_SAMPLE_CHARS))
            .collect::<Vec<_>>()
            .join(",\n  "),
    )?;
    if let Some(s) = recorded {
        writeln!(
            io.out,
            "An import of this file into this batch is recorded: {} of {} confirmed \
             ({}). Running without --dry-run resumes it.",
            s.confirmed,
            counted(requests as u64, "request"),
            counted(s.rows_confirmed, "row")
        )?;
    }
    Ok(())
}

/// The batch's `totalCalls`: batch details' total with no filter.
async fn batch_total(client: &WeyaClient, batch_id: &str) -> Result<u64, ApiError> {
    let query = CallQuery {
        limit: 1,
        ..CallQuery::default()
    };
    Ok(client.batch_details(batch_id, &query).await?.total)
}

/// Other imports of the same file, as it was before it changed, into this
/// batch: their rows may be in the batch already.
fn warn_about_other_imports(
    io: &mut Io<'_>,
    dir: &Path,
    batch_id: &str,
    file: &FileIdentity,
) -> io::Result<()> {
    let Ok(others) = ImportJournal::for_batch(dir, batch_id) else {
        return Ok(());
    };
    for other in others
        .iter()
        .filter(|j| j.file().path == file.path && !j.is_of(file))
    {
        let s = other.summary();
        writeln!(
            io.err,
            "weya-tui: warning: this file was imported into this batch before, as it was on {} \
             ({} confirmed); it has changed since, so this import starts afresh (rows whose \
             number is in the batch are left out, unless --include-existing) (journal: {})",
            visible(&when(other.created())),
            counted(s.rows_confirmed, "row"),
            other.path().display()
        )?;
    }
    Ok(())
}

/// "Send 5,000 contacts in 5 requests to batch … on sandbox? [y/N]"
fn plan_question(ctx: &ImportContext<'_>, batch_id: &str, requests: usize, rows: u64) -> String {
    format!(
        "Send {} in {} to batch {batch_id} on {}? [y/N] ",
        counted(rows, "contact"),
        counted(requests as u64, "request"),
        visible(ctx.target)
    )
}

/// `--yes`, or the operator's yes on the terminal.
fn confirm(io: &mut Io<'_>, args: &ImportArgs, question: &str) -> io::Result<bool> {
    if args.yes {
        return Ok(true);
    }
    match io.confirm.as_mut() {
        Some(ask) => ask(question),
        None => Ok(false),
    }
}

/// A resumed import: says where it stands, settles the requests in doubt
/// (by the operator's flag or answer, after the batch's totals), and plans
/// the refused ones again.
fn settle(
    io: &mut Io<'_>,
    args: &ImportArgs,
    journal: &mut ImportJournal,
    total_now: Option<u64>,
) -> Result<(), Stop> {
    let s = journal.summary();
    let total = journal.requests().len();
    if let Some(first) = journal.first_unconfirmed() {
        let message = format!(
            "Resuming the import started {}: {} of {} confirmed ({} of {}); \
             resuming at request {} (rows {}–{}).",
            when(journal.created()),
            s.confirmed,
            counted(total as u64, "request"),
            thousands(s.rows_confirmed),
            counted(s.rows_total, "contact"),
            first.index + 1,
            first.first_row,
            first.first_row + u64::from(first.rows) - 1
        );
        writeln!(io.err, "{}", visible(&message))?;
    }

    let in_doubt: Vec<JournalRequest> = journal.unknown().into_iter().cloned().collect();
    for request in &in_doubt {
        let what = match &request.state {
            RequestState::Unknown { reason } => {
                format!("its outcome is unknown ({})", visible(reason))
            }
            RequestState::Partial { reason, .. } => {
                format!("it was partly added ({})", visible(reason))
            }
            _ => "its outcome is unknown (no answer came)".to_owned(),
        };
        let figures = DoubtFigures::of(journal, request, total_now);
        writeln!(
            io.err,
            "{request}: {what}: its rows may be in the batch already.\n  {figures}"
        )?;
        let resolution = if args.resend_unknown {
            Some(Resolution::SendAgain)
        } else if args.unknown_added {
            Some(Resolution::WasAdded)
        } else if let Some(ask) = io.confirm.as_mut() {
            let question = format!(
                "Send request {}'s {} again? [y/N] ",
                request.index + 1,
                counted(u64::from(request.sent()), "row")
            );
            ask(&question)?.then_some(Resolution::SendAgain)
        } else {
            None
        };
        if let Some(resolution) = resolution {
            journal
                .resolve_unknown(request.index, resolution)
                .map_err(nothing_sent)?;
        }
    }
    let failed: Vec<String> = journal.failed().iter().map(|r| r.to_string()).collect();
    if !failed.is_empty() {
        journal.retry_failed().map_err(nothing_sent)?;
        writeln!(
            io.err,
            "Sending again what Weya refused last time: {}",
            failed.join("; ")
        )?;
    }
    Ok(())
}

/// The batch's numbers, when they were read, and the rows of the
/// requests to send that carry one of them.
#[derive(Default)]
struct Compared {
    numbers: Option<Arc<BatchNumbers>>,
    left_out: Vec<(usize, u32)>,
}

impl Compared {
    fn left_out_of(&self, index: usize) -> u32 {
        self.left_out
            .iter()
            .find(|(i, _)| *i == index)
            .map_or(0, |(_, n)| *n)
    }
}

/// Reads the numbers the batch holds (unless `--include-existing`) and
/// counts the rows of `to_send` that carry one: those are left out.
/// Reading them is bounded ([`crate::import::existing::MAX_CALLS`]) and
/// shown page by page; when it cannot be done the import goes on, said.
async fn compare_with_batch(
    io: &mut Io<'_>,
    args: &ImportArgs,
    ctx: &ImportContext<'_>,
    plan: &Arc<SendPlan>,
    total_now: Option<u64>,
    to_send: &[usize],
    facts: &mut Value,
) -> Result<Compared, Stop> {
    if args.include_existing {
        set(
            facts,
            "existing",
            json!({"compared": false, "why": "--include-existing"}),
        );
        return Ok(Compared::default());
    }
    if to_send.is_empty() {
        return Ok(Compared::default());
    }
    let numbers = if total_now == Some(0) {
        BatchNumbers::default()
    } else {
        let progress = ctx.progress;
        let err = &mut *io.err;
        let read = read_batch_numbers(ctx.client, &args.batch_id, |p: PagesRead| {
            if progress {
                let _ = write!(
                    err,
                    "\r\x1b[2KReading the numbers in the batch: page {} of {}",
                    thousands(p.pages),
                    thousands(p.of)
                );
                let _ = err.flush();
            }
        })
        .await;
        if progress {
            write!(io.err, "\r\x1b[2K")?;
        }
        match read {
            Ok(numbers) => numbers,
            Err(e) => {
                let why = e
                    .api_error()
                    .and_then(|e| ctx.credential.advice(e))
                    .map_or_else(|| e.to_string(), |advice| format!("{e}. {advice}"));
                writeln!(io.err, "weya-tui: warning: {}", visible(&why))?;
                set(facts, "existing", json!({"compared": false, "why": why}));
                return Ok(Compared::default());
            }
        }
    };
    if let Some(short) = numbers.not_whole() {
        writeln!(io.err, "weya-tui: warning: {}", visible(&short))?;
    }
    let numbers = Arc::new(numbers);
    let left_out = {
        let (plan, numbers, to_send) = (Arc::clone(plan), Arc::clone(&numbers), to_send.to_vec());
        off_the_loop(io, ctx.progress, move |report| {
            plan.left_out(
                &numbers,
                &to_send,
                &mut Control::default().report_to(report),
            )
        })
        .await?
        .map_err(nothing_sent)?
    };
    let total: u64 = left_out.iter().map(|(_, n)| u64::from(*n)).sum();
    set(
        facts,
        "existing",
        json!({
            "compared": true,
            "calls": numbers.calls(),
            "numbers": numbers.distinct(),
            "leftOut": total,
            "notWhole": numbers.not_whole(),
        }),
    );
    if total > 0 && !io.json {
        writeln!(
            io.out,
            "{} number{} already in the batch {} left out (--include-existing sends {} too).",
            thousands(total),
            if total == 1 { "" } else { "s" },
            if total == 1 { "is" } else { "are" },
            if total == 1 { "it" } else { "them" },
        )?;
    }
    Ok(Compared {
        numbers: Some(numbers),
        left_out,
    })
}

/// What became of the requests this run sent.
#[derive(Default)]
struct SendOutcome {
    /// Requests sent this run.
    sent: usize,
    /// Rows Weya said it added this run.
    rows_added: u64,
    /// Rows left out this run: the batch held their number.
    rows_left_out: u64,
    /// Why sending stopped before the last request, if it did.
    stopped: Option<String>,
    /// Which credential was refused and from where, if one was.
    advice: Option<String>,
    /// Ctrl-C stopped it.
    interrupted: bool,
}

/// Ctrl-C while sending: the first stops the run once the request in
/// flight is answered and recorded (so its outcome is known, not left in
/// doubt); a second stops it at once. The count of presses, as they come,
/// for as long as the receiver lives; `None` when the signal cannot be
/// listened to (then Ctrl-C ends the process as it does outside sending).
///
/// Once sending is over (the receiver dropped), a Ctrl-C ends the process
/// at once with 130, as it would have without this listener: tokio keeps
/// its handler installed for the life of the process, so without this a
/// Ctrl-C while the summary prints (or while writing it blocks on a pipe
/// nobody reads) would be swallowed. Everything is recorded by then.
fn listen_for_ctrl_c() -> Option<tokio::sync::watch::Receiver<u32>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupts = signal(SignalKind::interrupt()).ok()?;
    let (presses, receiver) = tokio::sync::watch::channel(0);
    tokio::spawn(async move {
        while interrupts.recv().await.is_some() {
            if presses.is_closed() {
                std::process::exit(i32::from(INTERRUPTED));
            }
            presses.send_modify(|n| *n += 1);
        }
    });
    Some(receiver)
}

/// The next Ctrl-C's count of presses; never, without a listener.
async fn next_ctrl_c(presses: &mut Option<tokio::sync::watch::Receiver<u32>>) -> u32 {
    if let Some(receiver) = presses
        && receiver.changed().await.is_ok()
    {
        return *receiver.borrow_and_update();
    }
    std::future::pending().await
}

fn ctrl_c_presses(presses: &Option<tokio::sync::watch::Receiver<u32>>) -> u32 {
    presses.as_ref().map_or(0, |receiver| *receiver.borrow())
}

/// What the first Ctrl-C says, once.
fn say_stopping(io: &mut Io<'_>, progress: bool, said: &mut bool) -> io::Result<()> {
    if !*said {
        *said = true;
        let clear = if progress { "\r\x1b[2K" } else { "" };
        writeln!(
            io.err,
            "{clear}weya-tui: stopping after the request in flight (Ctrl-C again stops now)"
        )?;
        io.err.flush()?;
    }
    Ok(())
}

/// Sends every planned request in order through the import engine, which
/// records each before it leaves and after its answer and says when to
/// stop (see [`crate::import::engine`]).
async fn send_all(
    io: &mut Io<'_>,
    ctx: &ImportContext<'_>,
    sender: &ImportSender,
    journal: &mut ImportJournal,
) -> io::Result<SendOutcome> {
    let mut outcome = SendOutcome::default();
    let requests = journal.requests().len();
    let at_start = journal.summary();
    let started = (Instant::now(), at_start.rows_answered());
    let mut presses = listen_for_ctrl_c();
    let mut said_stopping = false;
    while let Some(request) = journal.next_to_send().cloned() {
        if ctrl_c_presses(&presses) > 0 {
            say_stopping(io, ctx.progress, &mut said_stopping)?;
            outcome.interrupted = true;
            outcome.stopped = Some(format!(
                "stopped by Ctrl-C before {request}; run the same command again to send the rest"
            ));
            break;
        }
        if ctx.progress {
            let s = journal.summary();
            let line = progress_line(
                request.index + 1,
                requests,
                s.rows_answered(),
                s.rows_total,
                started,
            );
            write!(io.err, "\r\x1b[2K{line}")?;
            io.err.flush()?;
        }
        let ready = match sender.prepare(journal, request.index) {
            Ok(Prepared::Ready(ready)) => ready,
            Ok(Prepared::AllLeftOut { .. }) => continue,
            Err(not_sent) => {
                outcome.stopped = Some(not_sent.to_string());
                break;
            }
        };
        let answer = {
            let sending = sender.post(&ready);
            tokio::pin!(sending);
            loop {
                tokio::select! {
                    answer = &mut sending => break Some(answer),
                    presses = next_ctrl_c(&mut presses) => {
                        if presses > 1 {
                            break None;
                        }
                        say_stopping(io, ctx.progress, &mut said_stopping)?;
                    }
                }
            }
        };
        outcome.sent += 1;
        let Some(answer) = answer else {
            // The second Ctrl-C: the request is dropped unanswered, so
            // its rows may or may not be in the batch.
            outcome.interrupted = true;
            engine::abandon(
                journal,
                request.index,
                "stopped by a second Ctrl-C before its answer came",
            );
            outcome.stopped = Some(format!(
                "stopped at once by a second Ctrl-C while {request} was on its way; run the same \
                 command again to resume (that request's outcome is unknown)"
            ));
            break;
        };
        let done = engine::finish(journal, request.index, ready.sent, &answer);
        // Said once, at the end, not in the journal: where the credential
        // came from may differ on the next run.
        if outcome.advice.is_none() {
            outcome.advice = done.error().and_then(|e| ctx.credential.advice(e));
        }
        if let Some(why) = done.stop() {
            outcome.stopped = Some(why);
            break;
        }
        if ctrl_c_presses(&presses) > 0 && journal.next_to_send().is_some() {
            outcome.interrupted = true;
            outcome.stopped = Some(format!(
                "stopped by Ctrl-C after {request} (its answer is recorded); run the same command \
                 again to send the rest"
            ));
            break;
        }
    }
    if ctx.progress {
        write!(io.err, "\r\x1b[2K")?;
        io.err.flush()?;
    }
    let at_end = journal.summary();
    outcome.rows_added = at_end.rows_added.saturating_sub(at_start.rows_added);
    outcome.rows_left_out = at_end.rows_left_out.saturating_sub(at_start.rows_left_out);
    Ok(outcome)
}

/// "Sending request 3 of 5: 2,000 of 5,000 rows, 1,850 rows/s, about 2 s
/// left", the rate over this run's rows (`started`: when, and how many
/// rows were confirmed already).
fn progress_line(
    request: usize,
    requests: usize,
    rows_done: u64,
    rows_total: u64,
    started: (Instant, u64),
) -> String {
    let mut line = format!(
        "Sending request {request} of {requests}: {} of {}",
        thousands(rows_done),
        counted(rows_total, "row")
    );
    let secs = started.0.elapsed().as_secs_f64();
    let this_run = rows_done.saturating_sub(started.1);
    if this_run > 0 && secs > 0.0 {
        let rate = this_run as f64 / secs;
        let left = rows_total.saturating_sub(rows_done) as f64 / rate;
        line.push_str(&format!(
            ", {} rows/s, about {} s left",
            thousands(crate::num::round_u64(rate)),
            left.ceil()
        ));
    }
    line
}

/// The end: what was sent, and each request that is not confirmed with
/// its rows, lines and why; the shortfall of partly added ones named.
fn report_end(
    io: &mut Io<'_>,
    batch_id: &str,
    journal: &ImportJournal,
    counts: &Counts,
    outcome: &SendOutcome,
    facts: &mut Value,
) -> io::Result<()> {
    let s = journal.summary();
    // Every row of the file, in one place each: they sum to its rows.
    let account = RowAccount::of(counts, journal);
    let listed = |wanted: fn(&RequestState) -> Option<&str>| -> Vec<(&JournalRequest, &str)> {
        journal
            .requests()
            .iter()
            .filter_map(|r| wanted(&r.state).map(|why| (r, why)))
            .collect()
    };
    let failed = listed(|state| match state {
        RequestState::Failed { reason } => Some(reason),
        _ => None,
    });
    let partial = listed(|state| match state {
        RequestState::Partial { reason, .. } => Some(reason),
        _ => None,
    });
    let unknown = listed(|state| match state {
        RequestState::Unknown { reason } => Some(reason),
        RequestState::Sending { .. } => Some("no answer came"),
        _ => None,
    });
    let not_sent = listed(|state| match state {
        RequestState::Planned => Some("not sent"),
        _ => None,
    });
    if io.json {
        let as_json = |list: &[(&JournalRequest, &str)]| -> Value {
            list.iter()
                .map(|(r, why)| {
                    let mut item = json!({
                        "request": r.index + 1,
                        "firstRow": r.first_row,
                        "lastRow": r.first_row + u64::from(r.rows) - 1,
                        "firstLine": r.first_line,
                        "lastLine": r.last_line,
                        "why": why,
                    });
                    if let RequestState::Partial { added, .. } = r.state
                        && let Some(obj) = item.as_object_mut()
                    {
                        obj.insert("sent".into(), json!(r.sent()));
                        obj.insert("added".into(), json!(added));
                        obj.insert(
                            "notAdded".into(),
                            json!(u64::from(r.sent()).saturating_sub(added)),
                        );
                    }
                    item
                })
                .collect()
        };
        set(facts, "sent", json!(outcome.sent));
        set(facts, "rowsAdded", json!(outcome.rows_added));
        set(facts, "rowsLeftOut", json!(outcome.rows_left_out));
        set(
            facts,
            "confirmed",
            json!({
                "requests": s.confirmed,
                "rows": s.rows_confirmed,
                "of": s.rows_total,
                "added": s.rows_added,
                "leftOut": s.rows_left_out,
            }),
        );
        set(facts, "rowsShort", json!(s.rows_short));
        set(facts, "fileRows", account.to_json());
        set(facts, "failed", as_json(&failed));
        set(facts, "partial", as_json(&partial));
        set(facts, "unknown", as_json(&unknown));
        set(facts, "notSent", as_json(&not_sent));
        set(facts, "stopped", json!(outcome.stopped));
        set(facts, "advice", json!(outcome.advice));
        writeln!(io.out, "{}", json_line(facts))?;
        return Ok(());
    }
    if outcome.sent > 0 {
        writeln!(
            io.out,
            "\nSent {} request{} this run: Weya added {} to batch {batch_id}.",
            outcome.sent,
            if outcome.sent == 1 { "" } else { "s" },
            super::output::counted(outcome.rows_added, "contact", "contacts")
        )?;
    }
    if outcome.rows_left_out > 0 {
        writeln!(
            io.out,
            "{} contact{} not sent: the batch held {} number already.",
            thousands(outcome.rows_left_out),
            if outcome.rows_left_out == 1 {
                " was"
            } else {
                "s were"
            },
            if outcome.rows_left_out == 1 {
                "its"
            } else {
                "their"
            },
        )?;
    }
    let short = if s.rows_short > 0 {
        format!(
            "; Weya did not add {} of the rows it was sent",
            thousands(s.rows_short)
        )
    } else {
        String::new()
    };
    writeln!(
        io.out,
        "{} of {} confirmed ({} of {}){short}.",
        s.confirmed,
        counted(journal.requests().len() as u64, "request"),
        thousands(s.rows_confirmed),
        counted(s.rows_total, "contact")
    )?;
    writeln!(io.out, "{}.", account.line())?;
    let mut list = |title: &str, items: &[(&JournalRequest, &str)]| -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        writeln!(io.out, "{title}")?;
        for (request, why) in items {
            writeln!(io.out, "  {request}: {}", visible(why))?;
        }
        Ok(())
    };
    list(
        "Failed (nothing of these was added; run the same command again to send only these):",
        &failed,
    )?;
    list(
        "Partly added (Weya added fewer rows than it was sent; run again with --resend-unknown \
         to send the rows whose number is not in the batch, or --unknown-added once you have \
         checked):",
        &partial,
    )?;
    list(
        "Outcome unknown (their rows may be in the batch; run again with --resend-unknown or \
         --unknown-added once you have checked):",
        &unknown,
    )?;
    list(
        "Not sent (run the same command again to send them):",
        &not_sent,
    )?;
    if let Some(why) = &outcome.stopped {
        writeln!(io.err, "weya-tui: {}", visible(why))?;
    }
    if let Some(advice) = &outcome.advice {
        writeln!(io.err, "weya-tui: {}", visible(advice))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_found_by_its_header_never_by_a_near_miss() {
        let header: Vec<String> = ["Name", "Phone", "phone "].map(String::from).to_vec();
        assert_eq!(
            column_named(&header, "Phone", "--phone-column").ok(),
            Some(1)
        );
        assert_eq!(column_named(&header, "Name", "x").ok(), Some(0));
        assert_eq!(column_named(&header, "name", "x").ok(), Some(0));
        // Two match loosely: refused, not guessed.
        assert!(column_named(&header, "PHONE", "x").is_err());
        let e = column_named(&header, "Mobile", "--phone-column")
            .err()
            .unwrap();
        assert!(e.message.contains("no such column"), "{}", e.message);
    }
}
