//! The commands that run without the TUI: `create`, `phones`, `batches`,
//! `history`. Each writes to the streams it is given and returns its exit
//! code, so tests can run them and scripts can rely on them:
//! 0 done, 1 the API or the network failed, 2 invalid input or refused
//! (nothing was sent).

use std::io::{self, Write};
use std::path::Path;

use serde_json::json;

use crate::api::{ApiError, BatchQuery, WeyaClient};
use crate::form::{Form, validate};
use crate::store::draft::Draft;
use crate::store::journal::{self, JournalEntry, JournalOutcome};
use crate::store::template;
use crate::text::{json as json_line, visible};

/// Exit codes.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const REFUSED: u8 = 2;

/// Asks a yes/no question; `Ok(true)` for yes.
pub type Confirm = dyn FnMut(&str) -> io::Result<bool>;

/// Where output goes and how to ask the operator.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Asks a yes/no question on the terminal; `None` when there is no
    /// terminal to ask on.
    pub confirm: Option<&'a mut Confirm>,
    /// Machine-readable output.
    pub json: bool,
}

impl<'a> Io<'a> {
    /// Streams with nobody to ask.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, json: bool) -> Self {
        Self {
            out,
            err,
            confirm: None,
            json,
        }
    }

    /// Says why the command failed, on stderr or as JSON on stdout. The
    /// message may quote the server or a file: it is shown made safe.
    fn fail(&mut self, code: u8, message: &str, extra: serde_json::Value) -> io::Result<u8> {
        if self.json {
            let mut value = json!({ "error": message });
            if let (Some(obj), serde_json::Value::Object(more)) = (value.as_object_mut(), extra) {
                obj.extend(more);
            }
            writeln!(self.out, "{}", json_line(&value))?;
        } else {
            writeln!(self.err, "weya-tui: {}", visible(message))?;
        }
        Ok(code)
    }
}

/// What `create` sends to, for messages and the journal.
pub struct Destination {
    pub client: WeyaClient,
    /// `sandbox` or the host.
    pub target: String,
    pub journal: Option<std::path::PathBuf>,
}

/// How a dry run shows where the request would go: the base URL and the
/// auth header with the credential masked.
pub struct DryRunTarget {
    pub base_url: String,
    pub auth_header: String,
}

/// `create --file FILE`: the same validation as the form, then (unless
/// `dry_run`) one request, after confirmation unless `yes`.
pub async fn create(
    file: &Path,
    default_timezone: &str,
    dry_run: Option<DryRunTarget>,
    yes: bool,
    // A future is lazy: the sandbox (if that is the target) starts only
    // when there is something to send.
    destination: impl Future<Output = Result<(Destination, Option<crate::sandbox::Sandbox>), String>>,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let batch_file = match template::read(file) {
        Ok(f) => f,
        Err(e) => {
            let extra = json!({"line": e.line, "field": e.field});
            return io.fail(REFUSED, &e.to_string(), extra);
        }
    };
    let mut form = Form::new(default_timezone);
    Draft::from_file(&batch_file, &Draft::of(&form)).apply(&mut form);
    let request = match validate(&form) {
        Ok(r) => r,
        Err(errors) => {
            let fields: Vec<_> = errors
                .iter()
                .map(|e| json!({"field": e.key(), "message": e.message}))
                .collect();
            if !io.json {
                for e in &errors {
                    writeln!(io.err, "  {}: {}", e.key(), visible(&e.message))?;
                }
            }
            let message = format!("{} is not a valid batch; nothing was sent", file.display());
            return io.fail(REFUSED, &message, json!({"fields": fields}));
        }
    };
    let body = request.to_body();
    if let Some(warning) = crate::form::invisible_in_name(&request.batch_name) {
        writeln!(io.err, "weya-tui: warning: {warning}")?;
    }
    if let Some(target) = dry_run {
        return dry_run_output(&body, &target, io);
    }
    // The sandbox, when that is the target, lives until the request is done.
    let (destination, _sandbox) = match destination.await {
        Ok(pair) => pair,
        Err(e) => return io.fail(REFUSED, &e, json!({})),
    };
    if !yes {
        let question = format!(
            "Send batch “{}” to {}? [y/N] ",
            visible(&request.batch_name),
            visible(&destination.target)
        );
        let confirmed = match io.confirm.as_mut() {
            Some(ask) => ask(&question)?,
            None => {
                return io.fail(
                    REFUSED,
                    "not sending without --yes: standard input is not a terminal to confirm on",
                    json!({}),
                );
            }
        };
        if !confirmed {
            return io.fail(REFUSED, "not sent", json!({}));
        }
    }
    let sent_at = chrono::Utc::now();
    let result = destination.client.create_batch_raw(body.clone()).await;
    let mut entry = JournalEntry {
        time: sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        target: destination.target.clone(),
        outcome: JournalOutcome::Created,
        batch_name: request.batch_name.clone(),
        batch_id: None,
        request_id: None,
        status: None,
        error: None,
        body: serde_json::from_str(&body).unwrap_or_default(),
    };
    let code = match &result {
        Ok(created) => {
            entry.batch_id = Some(created.batch_id.clone());
            entry.request_id.clone_from(&created.request_id);
            if io.json {
                writeln!(
                    io.out,
                    "{}",
                    json_line(
                        &json!({"batchId": created.batch_id, "requestId": created.request_id, "target": destination.target})
                    )
                )?;
            } else {
                writeln!(io.out, "Created batch {}", visible(&created.batch_id))?;
            }
            OK
        }
        Err(e) => {
            entry.outcome = if e.outcome_unknown() {
                JournalOutcome::Unknown
            } else {
                JournalOutcome::Failed
            };
            entry.request_id = e.request_id().map(str::to_owned);
            entry.status = e.status();
            entry.error = Some(e.to_string());
            let mut message = e.to_string();
            if let Some(id) = e.request_id() {
                message.push_str(&format!(" (request ID {id})"));
            }
            if e.outcome_unknown() {
                message.push_str(
                    "; the batch may have been created: check `weya-tui batches --search` before sending again",
                );
            }
            let extra = json!({"status": e.status(), "requestId": e.request_id(), "outcomeUnknown": e.outcome_unknown()});
            io.fail(FAILED, &message, extra)?
        }
    };
    if let Some(path) = &destination.journal
        && let Err(e) = journal::append(path, &entry)
    {
        let message = format!("the journal {} was not written: {e}", path.display());
        writeln!(io.err, "weya-tui: {}", visible(&message))?;
    }
    Ok(code)
}

fn dry_run_output(body: &str, target: &DryRunTarget, io: &mut Io<'_>) -> io::Result<u8> {
    // The credential is masked: put yours in place of the dots to run it.
    let curl = format!(
        "curl -sS -X POST '{}/api/call/createBatch' \\\n  -H 'content-type: application/json' \\\n  -H '{}' \\\n  --data-binary @- <<'JSON'\n{body}\nJSON",
        target.base_url, target.auth_header
    );
    if io.json {
        let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        writeln!(
            io.out,
            "{}",
            json_line(&json!({"dryRun": true, "body": value, "curl": curl}))
        )?;
    } else {
        // The body escapes what a terminal would act on (`to_body`); the
        // base URL is configuration and goes through `visible` like the rest.
        let (body, curl) = (visible(body), visible(&curl));
        writeln!(
            io.out,
            "Dry run: nothing was sent. The body, byte for byte:\n{body}\n"
        )?;
        writeln!(
            io.out,
            "The same request with curl (the credential masked):\n{curl}"
        )?;
    }
    Ok(OK)
}

fn api_failure(io: &mut Io<'_>, e: &ApiError) -> io::Result<u8> {
    let code = if e.is_config_problem() {
        REFUSED
    } else {
        FAILED
    };
    let extra = json!({"status": e.status(), "requestId": e.request_id()});
    io.fail(code, &e.to_string(), extra)
}

/// An answer of the API as JSON, or as the table `table` writes.
fn listing<T: serde::Serialize>(
    result: Result<T, ApiError>,
    io: &mut Io<'_>,
    table: impl FnOnce(&T, &mut dyn Write) -> io::Result<()>,
) -> io::Result<u8> {
    let value = match result {
        Ok(v) => v,
        Err(e) => return api_failure(io, &e),
    };
    if io.json {
        writeln!(io.out, "{}", json_line(&value))?;
    } else {
        table(&value, io.out)?;
    }
    Ok(OK)
}

/// `phones`: the workspace's phone list.
pub async fn phones(client: &WeyaClient, io: &mut Io<'_>) -> io::Result<u8> {
    listing(client.list_phones().await, io, |phones, out| {
        writeln!(
            out,
            "{:<24}  {:<20}  {:<11}  LABEL",
            "PHONE ID", "NUMBER", "INTEGRATION"
        )?;
        for p in phones {
            let number = crate::form::phones::format_number(&p.phone_number);
            writeln!(
                out,
                "{:<24}  {:<20}  {:<11}  {}",
                visible(&p.id),
                visible(&number),
                visible(&p.integration),
                visible(&p.label)
            )?;
        }
        writeln!(out, "{} phone numbers", phones.len())
    })
}

/// `batches`: one page of the batch list, newest first.
pub async fn batches(client: &WeyaClient, query: &BatchQuery, io: &mut Io<'_>) -> io::Result<u8> {
    listing(client.list_batches(query).await, io, |page, out| {
        if page.batches.is_empty() {
            return writeln!(out, "No batches.");
        }
        writeln!(
            out,
            "{:<24}  {:<30}  {:<10}  {:>7}  {:>9}  {:>5}  CREATED",
            "BATCH ID", "NAME", "STATUS", "PICKED", "COMPLETED", "TOTAL"
        )?;
        for b in &page.batches {
            writeln!(
                out,
                "{:<24}  {:<30}  {:<10}  {:>7}  {:>9}  {:>5}  {}",
                visible(&b.id),
                cell(&b.batch_name, 30),
                visible(&b.queue_status),
                b.calls_picked,
                b.calls_completed,
                b.total_calls,
                visible(&b.created_at)
            )?;
        }
        let p = &page.pagination;
        writeln!(
            out,
            "page {} of {} ({} batches)",
            p.page,
            p.total_pages.max(1),
            p.total
        )
    })
}

/// `history`: the submit journal. Lines that cannot be read are skipped and
/// counted; the rest is shown.
pub fn history(path: &Path, io: &mut Io<'_>) -> io::Result<u8> {
    let (entries, skipped) = journal::read(path)?;
    if io.json {
        for entry in &entries {
            writeln!(io.out, "{}", json_line(entry))?;
        }
        if skipped > 0 {
            let note = journal::skipped_lines(skipped);
            writeln!(io.err, "weya-tui: journal {}: {note}", path.display())?;
        }
        return Ok(OK);
    }
    let journal = path.display().to_string();
    let journal = visible(&journal);
    if entries.is_empty() {
        writeln!(io.out, "No submissions yet (journal: {journal}).")?;
        if skipped > 0 {
            writeln!(io.out, "({})", journal::skipped_lines(skipped))?;
        }
        return Ok(OK);
    }
    writeln!(
        io.out,
        "{:<24} {:<8} {:<26} {:<24} {:<20} TARGET",
        "SENT (UTC)", "OUTCOME", "BATCH NAME", "BATCH ID", "REQUEST ID"
    )?;
    for e in &entries {
        let outcome = match e.outcome {
            JournalOutcome::Created => "created",
            JournalOutcome::Failed => "failed",
            JournalOutcome::Unknown => "UNKNOWN",
        };
        writeln!(
            io.out,
            "{:<24} {:<8} {:<26} {:<24} {:<20} {}",
            visible(&e.time),
            outcome,
            cell(&e.batch_name, 26),
            visible(e.batch_id.as_deref().unwrap_or("-")),
            visible(e.request_id.as_deref().unwrap_or("-")),
            visible(&e.target)
        )?;
        if let Some(error) = &e.error {
            writeln!(io.out, "{:<24} {}", "", visible(error))?;
        }
    }
    if skipped > 0 {
        writeln!(io.out, "({})", journal::skipped_lines(skipped))?;
    }
    writeln!(io.out, "Journal: {journal}")?;
    Ok(OK)
}

/// A table cell: `text` made [`visible`] and cut to `width` characters.
fn cell(text: &str, width: usize) -> String {
    visible(text).chars().take(width).collect()
}
