//! `weya-tui batch import ID FILE`: the contacts import without the TUI.
//!
//! The same steps as the import view (see [`crate::import`]): read the
//! file, map its columns, check every row before anything is sent, then
//! send the valid rows in requests of at most 1,000, each recorded in the
//! import journal before and after it leaves. Running the same command
//! again resumes where a run stopped (a crash, `kill -9`, a lost
//! connection): confirmed requests are not sent again, refused ones are,
//! and one whose outcome is unknown waits for the operator's word. Only
//! one run sends an import at a time: a second is refused before it sends.
//! Ctrl-C while sending stops once the request in flight is answered and
//! recorded (exit 130); a second Ctrl-C stops at once, and so does one
//! while the summary prints.
//!
//! Exit codes as the other commands: 0 every request confirmed, 1 some
//! request failed or its outcome is unknown (each is listed), 2 invalid
//! input or refused (nothing was sent; another run of the same import is
//! a refusal too: nothing of this run was sent, and running it again once
//! the other has ended is safe).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use serde_json::{Value, json};

use super::ApiOptions;
use super::output::{CredentialUsed, FAILED, INTERRUPTED, Io, OK, REFUSED};
use crate::api::types::is_object_id;
use crate::api::{AddCallsOutcome, ApiError, CallQuery, WeyaClient};
use crate::import::{
    CheckReport, ColumnMapping, ContactsFile, Control, Country, ImportJournal, ImportSettings,
    JournalRequest, MappingError, OpenOptions, Progress, Region, RequestState, Resolution,
    SendPlan, Stage, check, rejected_path, write_rejected_to,
};
use crate::num::thousands;
use crate::text::{json as json_line, visible};

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
/// The most column names a message lists.
const LISTED_COLUMNS: usize = 12;

/// A value from the file as a message shows it: visible, and cut.
fn excerpt(value: &str, max: usize) -> String {
    crate::text::fit(&visible(value), max)
}

/// `batch import`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The batch to add the contacts to (24 hex characters).
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
    #[arg(long, value_name = "NAME")]
    pub skip_column: Vec<String>,
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
    let _lock = match &ctx.journal_dir {
        Some(dir) if !args.dry_run => {
            Some(ImportJournal::lock(dir, &args.batch_id, file.identity()).map_err(nothing_sent)?)
        }
        _ => None,
    };

    // An earlier run of this import, if any: it decides the settings.
    let existing = match &ctx.journal_dir {
        Some(dir) => {
            ImportJournal::find(dir, &args.batch_id, file.identity()).map_err(nothing_sent)?
        }
        None => None,
    };
    let (region, region_note) = match (given_region, &existing) {
        (Some(region), _) => (region, None),
        (None, Some(journal)) => (journal.settings().region, None),
        (None, None) => match region_of_batch(ctx, &args.batch_id) {
            Some((region, zone)) => (Some(region), Some(zone)),
            None => {
                return Err(Refusal::new(format!(
                    "which country are numbers without a country code in? Pass --region \
                     (e.g. --region US), or --region none if every number starts with its \
                     country code. (The batch's timezone is known only for batches created \
                     from this machine; Weya's batch details do not give it.) Nothing was sent. \
                     File: {}",
                    file.path().display()
                ))
                .into());
            }
        },
    };
    let flags_map = args.phone_column.is_some() || !args.skip_column.is_empty();
    let mapping = match &existing {
        Some(journal) if !flags_map => journal.settings().mapping.clone(),
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
    if let Some(journal) = &existing
        && journal.settings() != &settings
    {
        return Err(Refusal::new(format!(
            "this file's import into batch {} was started on {} with other settings ({}); \
             run it without --region, --phone-column, --skip-column, --allow-countries and \
             --without-extensions to resume it, or \
             delete {} to start afresh (its sent rows stay in the batch). Nothing was sent",
            args.batch_id,
            journal.created(),
            describe_settings(journal.settings(), file.header()),
            journal.path().display()
        ))
        .into());
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

    // The invalid rows, beside the file or where the operator said.
    let rejected_file = if report.rejected.is_empty() {
        None
    } else {
        let target = args
            .rejected
            .clone()
            .unwrap_or_else(|| rejected_path(file.path()));
        match write_rejected_to(&file, &report, target.clone()) {
            Ok(written) => written,
            Err(e) if args.rejected.is_some() => {
                return Err(nothing_sent(e).into());
            }
            Err(e) => {
                writeln!(
                    io.err,
                    "weya-tui: warning: the invalid rows were not written: {}",
                    visible(&e.to_string())
                )?;
                None
            }
        }
    };
    set(facts, "rejectedFile", json!(rejected_file));
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
    if !io.json {
        print_summary(io, &file, &settings, region_note.as_deref(), &report)?;
        if let Some(written) = &rejected_file {
            let shown = written.display().to_string();
            writeln!(
                io.out,
                "The invalid rows are in {} (with a reason column: fix them there and import that file).",
                visible(&shown)
            )?;
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
    if args.dry_run {
        dry_run_output(io, &args.batch_id, &report, existing.as_ref(), facts)?;
        return Ok(OK);
    }
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

    let plan = Arc::new(report.plan);
    let resumed = existing.is_some();
    set(facts, "resumed", json!(resumed));
    let mut journal = match existing {
        Some(journal) => {
            if journal.check_plan(&plan).is_err() {
                return Err(Refusal::new(format!(
                    "the import journal {} does not match this file's rows any more; delete it \
                     to start afresh (its sent rows stay in the batch). Nothing was sent",
                    journal.path().display()
                ))
                .into());
            }
            journal
        }
        None => {
            warn_about_other_imports(io, dir, &args.batch_id, file.path())?;
            let question = plan_question(ctx, &args.batch_id, plan.requests().len(), plan.rows());
            if !confirm(io, args, &question)? {
                return Err(Refusal::new("not sent").into());
            }
            ImportJournal::start(dir, &args.batch_id, &plan, total_now).map_err(nothing_sent)?
        }
    };
    set(facts, "journal", json!(journal.path()));

    if resumed {
        resume(io, args, ctx, &mut journal, total_now)?;
    }

    let outcome = send_all(io, ctx, &args.batch_id, &plan, &mut journal).await?;
    report_end(io, &args.batch_id, &journal, &outcome, facts)?;
    Ok(if outcome.interrupted {
        INTERRUPTED
    } else if journal.is_complete() {
        OK
    } else {
        FAILED
    })
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

/// The region of the batch's timezone, when this machine created the
/// batch (the submit journal holds the body it sent).
fn region_of_batch(ctx: &ImportContext<'_>, batch_id: &str) -> Option<(Region, String)> {
    crate::import::region::of_batch(ctx.submit_journal.as_deref()?, batch_id, ctx.target)
}

/// The guessed mapping with the operator's `--phone-column` and
/// `--skip-column`, refused with what to pass when it cannot be sent.
fn mapping_from_flags(
    file: &ContactsFile,
    args: &ImportArgs,
    region: Option<Region>,
) -> Result<ColumnMapping, Refusal> {
    let header = file.header();
    let mut mapping = ColumnMapping::guess(header, &file.sample_cells(), region);
    if let Some(name) = &args.phone_column {
        mapping.set_phone(column_named(header, name, "--phone-column")?);
    }
    for name in &args.skip_column {
        mapping.set_send(column_named(header, name, "--skip-column")?, false);
    }
    let errors = match mapping.validate() {
        Ok(_) => return Ok(mapping),
        Err(errors) => errors,
    };
    let why: Vec<String> = errors
        .iter()
        .map(|e| match e {
            MappingError::NoPhoneColumn => format!(
                "no column looks like phone numbers: pass --phone-column NAME (the columns are {})",
                column_list(header)
            ),
            MappingError::DuplicateName { name, .. } => format!(
                "several columns are named “{name}”: pass --skip-column for all but one, \
                 or rename them in the file"
            ),
            MappingError::ReservedName { column } => format!(
                "column “{}” would be sent as phoneNumber, the phone column's name: pass \
                 --skip-column or --phone-column",
                header.get(*column).map_or("", String::as_str)
            ),
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
        "{}: {} rows after the header.",
        visible(&shown),
        thousands(report.counts.rows())
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
                d.line, d.phone, d.first_line
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
        "\nDry run: nothing was sent. {} contacts would go in {} request{} of at most 1,000 rows. \
         The first body begins:\n{{\"batchId\":\"{batch_id}\",\"call_data\":[\n  {}{more}\n]}}",
        thousands(report.counts.valid),
        thousands(requests as u64),
        if requests == 1 { "" } else { "s" },
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
            "An import of this file into this batch is recorded: {} of {} requests confirmed \
             ({} rows). Running without --dry-run resumes it.",
            s.confirmed,
            requests,
            thousands(s.rows_confirmed)
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

/// Other imports of the same file (an earlier version of it) into this
/// batch: their rows may be in the batch already.
fn warn_about_other_imports(
    io: &mut Io<'_>,
    dir: &Path,
    batch_id: &str,
    path: &Path,
) -> io::Result<()> {
    let Ok(others) = ImportJournal::for_batch(dir, batch_id) else {
        return Ok(());
    };
    for other in others.iter().filter(|j| j.file().path == path) {
        let s = other.summary();
        writeln!(
            io.err,
            "weya-tui: warning: this file was imported into this batch before, as it was on {} \
             ({} rows confirmed); it has changed since, so this import starts afresh and rows \
             sent then may be sent again (journal: {})",
            visible(other.created()),
            thousands(s.rows_confirmed),
            other.path().display()
        )?;
    }
    Ok(())
}

/// "Send 5,000 contacts in 5 requests to batch … on sandbox? [y/N]"
fn plan_question(ctx: &ImportContext<'_>, batch_id: &str, requests: usize, rows: u64) -> String {
    format!(
        "Send {} contacts in {} request{} to batch {batch_id} on {}? [y/N] ",
        thousands(rows),
        requests,
        if requests == 1 { "" } else { "s" },
        visible(ctx.target)
    )
}

/// The requests still to send and their rows.
fn pending(journal: &ImportJournal) -> (usize, u64) {
    journal
        .requests()
        .iter()
        .filter(|r| r.state == RequestState::Planned)
        .fold((0, 0), |(n, rows), r| (n + 1, rows + u64::from(r.rows)))
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

/// A resumed import: says where it stands, settles the requests whose
/// outcome is unknown, plans the refused ones again and asks to go on.
fn resume(
    io: &mut Io<'_>,
    args: &ImportArgs,
    ctx: &ImportContext<'_>,
    journal: &mut ImportJournal,
    total_now: Option<u64>,
) -> Result<(), Stop> {
    let s = journal.summary();
    let total = journal.requests().len();
    let message = match journal.first_unconfirmed() {
        None => format!(
            "Already imported: all {} requests ({} contacts) of this file were confirmed in \
             this batch (journal: {}).",
            total,
            thousands(s.rows_total),
            journal.path().display()
        ),
        Some(first) => format!(
            "Resuming the import started {}: {} of {} requests confirmed ({} of {} contacts); \
             resuming at request {} (rows {}–{}).",
            journal.created(),
            s.confirmed,
            total,
            thousands(s.rows_confirmed),
            thousands(s.rows_total),
            first.index + 1,
            first.first_row,
            first.first_row + u64::from(first.rows) - 1
        ),
    };
    writeln!(io.err, "{}", visible(&message))?;

    let unknown: Vec<JournalRequest> = journal.unknown().into_iter().cloned().collect();
    for request in &unknown {
        let reason = match &request.state {
            RequestState::Unknown { reason } => reason.as_str(),
            _ => "no answer came",
        };
        writeln!(
            io.err,
            "{}: its outcome is unknown ({}): its rows may be in the batch already.\n  {}",
            request,
            visible(reason),
            totals_hint(journal, request, total_now)
        )?;
        let resolution = if args.resend_unknown {
            Some(Resolution::SendAgain)
        } else if args.unknown_added {
            Some(Resolution::WasAdded)
        } else if let Some(ask) = io.confirm.as_mut() {
            let question = format!(
                "Send request {}'s {} rows again? [y/N] ",
                request.index + 1,
                thousands(u64::from(request.rows))
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
    let (requests, rows) = pending(journal);
    if requests > 0 {
        let question = plan_question(ctx, journal.batch_id(), requests, rows);
        if !confirm(io, args, &question)? {
            return Err(Refusal::new("not sent").into());
        }
    }
    Ok(())
}

/// "The batch held 0 calls before this import and holds 2,000 now; the
/// confirmed requests added 2,000; with request 3's 1,000 rows it would
/// hold 3,000."
fn totals_hint(
    journal: &ImportJournal,
    request: &JournalRequest,
    total_now: Option<u64>,
) -> String {
    let added: u64 = journal
        .requests()
        .iter()
        .map(|r| match r.state {
            RequestState::Confirmed { added } => added.unwrap_or(u64::from(r.rows)),
            _ => 0,
        })
        .sum();
    let now = total_now.map_or_else(|| "could not be read".to_owned(), thousands);
    match journal.batch_total_before() {
        Some(before) => format!(
            "The batch's totalCalls: {} before this import, {now} now. The confirmed requests \
             added {}: without request {}'s rows it would hold {}, with them {}.",
            thousands(before),
            thousands(added),
            request.index + 1,
            thousands(before + added),
            thousands(before + added + u64::from(request.rows))
        ),
        None => format!(
            "The batch's totalCalls now: {now} (its total before this import was not recorded); \
             the confirmed requests added {}.",
            thousands(added)
        ),
    }
}

/// What became of the requests this run sent.
#[derive(Default)]
struct SendOutcome {
    /// Requests sent and rows Weya confirmed in this run.
    sent: usize,
    rows_added: u64,
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

/// Sends every planned request in order, each marked in the journal
/// before it leaves and after its answer. A refused request does not stop
/// the others, unless every other would be refused the same way.
async fn send_all(
    io: &mut Io<'_>,
    ctx: &ImportContext<'_>,
    batch_id: &str,
    plan: &Arc<SendPlan>,
    journal: &mut ImportJournal,
) -> io::Result<SendOutcome> {
    let mut outcome = SendOutcome::default();
    let requests = journal.requests().len();
    let rows_total = journal.summary().rows_total;
    let mut rows_done = journal.summary().rows_confirmed;
    let started = (Instant::now(), rows_done);
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
            let line = progress_line(request.index + 1, requests, rows_done, rows_total, started);
            write!(io.err, "\r\x1b[2K{line}")?;
            io.err.flush()?;
        }
        let body = {
            let (plan, batch_id, index) = (Arc::clone(plan), batch_id.to_owned(), request.index);
            tokio::task::spawn_blocking(move || plan.body(&batch_id, index))
                .await
                .map_err(io::Error::other)?
        };
        let body = match body {
            Ok(body) => body,
            Err(e) => {
                outcome.stopped = Some(format!("{request} was not sent: {e}"));
                break;
            }
        };
        if let Err(e) = journal.mark_sending(request.index) {
            outcome.stopped = Some(format!("{request} was not sent: {e}"));
            break;
        }
        let answer = {
            let sending = ctx.client.add_calls_raw(body);
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
        let Some(answer) = answer else {
            // The second Ctrl-C: the request is dropped unanswered, so
            // its rows may or may not be in the batch.
            outcome.interrupted = true;
            let why = "stopped by a second Ctrl-C before its answer came";
            if let Err(e) = journal.mark_unknown(request.index, why) {
                tracing::error!(error = %e, "cannot record a request left in doubt");
            }
            outcome.stopped = Some(format!(
                "stopped at once by a second Ctrl-C while {request} was on its way; run the same \
                 command again to resume (that request's outcome is unknown)"
            ));
            break;
        };
        outcome.sent += 1;
        rows_done += u64::from(request.rows);
        let (recorded, stop_all) = match answer {
            Ok(AddCallsOutcome::Added(added)) => {
                outcome.rows_added += added.added;
                (
                    journal.mark_confirmed(request.index, Some(added.added)),
                    false,
                )
            }
            Ok(AddCallsOutcome::Partial(partial)) => {
                let failed = partial.failed_rows(request.rows as usize);
                let chunks: Vec<String> = partial
                    .failed_chunks
                    .iter()
                    .map(|c| format!("chunk {}: {}", c.chunk_num, c.error))
                    .collect();
                let why = format!("HTTP 207, {}", chunks.join("; "));
                if failed.len() == 1 && failed[0] == (0..request.rows as usize) {
                    (journal.mark_failed(request.index, &why), false)
                } else {
                    // A request is one server chunk of 1,000 rows; a server
                    // that chunks otherwise stored part of it, and the
                    // journal cannot say which part: the operator decides.
                    let why = format!("{why} (Weya stored part of this request)");
                    (journal.mark_unknown(request.index, &why), false)
                }
            }
            Err(e) if e.outcome_unknown() => {
                (journal.mark_unknown(request.index, &e.to_string()), false)
            }
            Err(e) => {
                // Said once, at the end, not in the journal: where the
                // credential came from may differ on the next run.
                if outcome.advice.is_none() {
                    outcome.advice = ctx.credential.advice(&e);
                }
                // The same credential, batch or configuration would refuse
                // every other request too.
                let stop = e.is_permanent()
                    || e.is_auth_failure()
                    || e.status() == Some(404)
                    || e.is_config_problem();
                (journal.mark_failed(request.index, &failed_reason(&e)), stop)
            }
        };
        if let Err(e) = recorded {
            outcome.stopped = Some(format!(
                "{request} was sent, but its answer could not be recorded ({e}); stopped: the next \
                 run treats its outcome as unknown"
            ));
            break;
        }
        if stop_all {
            outcome.stopped = Some(
                "the remaining requests were not sent: Weya would refuse them the same way"
                    .to_owned(),
            );
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
    Ok(outcome)
}

/// A refusal's words with its request ID, which support asks for.
fn failed_reason(e: &ApiError) -> String {
    match e.request_id() {
        Some(id) => format!("{e} (request ID {id})"),
        None => e.to_string(),
    }
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
        "Sending request {request} of {requests}: {} of {} rows",
        thousands(rows_done),
        thousands(rows_total)
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
/// its rows, lines and why.
fn report_end(
    io: &mut Io<'_>,
    batch_id: &str,
    journal: &ImportJournal,
    outcome: &SendOutcome,
    facts: &mut Value,
) -> io::Result<()> {
    let s = journal.summary();
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
                    json!({
                        "request": r.index + 1,
                        "firstRow": r.first_row,
                        "lastRow": r.first_row + u64::from(r.rows) - 1,
                        "firstLine": r.first_line,
                        "lastLine": r.last_line,
                        "why": why,
                    })
                })
                .collect()
        };
        set(facts, "sent", json!(outcome.sent));
        set(facts, "rowsAdded", json!(outcome.rows_added));
        set(
            facts,
            "confirmed",
            json!({"requests": s.confirmed, "rows": s.rows_confirmed, "of": s.rows_total}),
        );
        set(facts, "failed", as_json(&failed));
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
            "\nSent {} request{} this run: Weya added {} contacts to batch {batch_id}.",
            outcome.sent,
            if outcome.sent == 1 { "" } else { "s" },
            thousands(outcome.rows_added)
        )?;
    }
    writeln!(
        io.out,
        "{} of {} requests confirmed ({} of {} contacts).",
        s.confirmed,
        journal.requests().len(),
        thousands(s.rows_confirmed),
        thousands(s.rows_total)
    )?;
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
