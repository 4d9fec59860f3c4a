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

    fn fail(&mut self, code: u8, message: &str, extra: serde_json::Value) -> io::Result<u8> {
        if self.json {
            let mut value = json!({ "error": message });
            if let (Some(obj), serde_json::Value::Object(more)) = (value.as_object_mut(), extra) {
                obj.extend(more);
            }
            writeln!(self.out, "{value}")?;
        } else {
            writeln!(self.err, "weya-tui: {message}")?;
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
                .map(|e| json!({"field": field_key(e.field), "message": e.message}))
                .collect();
            if !io.json {
                for e in &errors {
                    writeln!(io.err, "  {}: {}", field_key(e.field), e.message)?;
                }
            }
            let message = format!("{} is not a valid batch; nothing was sent", file.display());
            return io.fail(REFUSED, &message, json!({"fields": fields}));
        }
    };
    let body = request.to_body();
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
            request.batch_name, destination.target
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
                    json!({"batchId": created.batch_id, "requestId": created.request_id, "target": destination.target})
                )?;
            } else {
                writeln!(io.out, "Created batch {}", created.batch_id)?;
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
        writeln!(
            io.err,
            "weya-tui: the journal {} was not written: {e}",
            path.display()
        )?;
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
            json!({"dryRun": true, "body": value, "curl": curl})
        )?;
    } else {
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

/// The API's name of a form field.
fn field_key(field: crate::form::FieldId) -> &'static str {
    use crate::form::FieldId;
    match field {
        FieldId::Name => "batchName",
        FieldId::Numbers => "callingNumbers",
        FieldId::Timezone => "timezone",
        FieldId::WindowStart => "callingHour.start",
        FieldId::WindowEnd => "callingHour.end",
        FieldId::Days => "allowedDays",
        FieldId::Retries => "retry",
        FieldId::Delay => "delay",
    }
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
        writeln!(
            io.out,
            "{}",
            serde_json::to_string(&value).unwrap_or_default()
        )?;
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
                "{:<24}  {number:<20}  {:<11}  {}",
                p.id, p.integration, p.label
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
            let name: String = b.batch_name.chars().take(30).collect();
            writeln!(
                out,
                "{:<24}  {name:<30}  {:<10}  {:>7}  {:>9}  {:>5}  {}",
                b.id,
                b.queue_status,
                b.calls_picked,
                b.calls_completed,
                b.total_calls,
                b.created_at
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

/// `history`: the submit journal.
pub fn history(path: &Path, io: &mut Io<'_>) -> io::Result<u8> {
    let (entries, skipped) = journal::read(path)?;
    if io.json {
        for entry in &entries {
            writeln!(
                io.out,
                "{}",
                serde_json::to_string(entry).unwrap_or_default()
            )?;
        }
        return Ok(OK);
    }
    if entries.is_empty() {
        writeln!(io.out, "No submissions yet (journal: {}).", path.display())?;
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
        let name: String = e.batch_name.chars().take(26).collect();
        writeln!(
            io.out,
            "{:<24} {:<8} {:<26} {:<24} {:<20} {}",
            e.time,
            outcome,
            name,
            e.batch_id.as_deref().unwrap_or("-"),
            e.request_id.as_deref().unwrap_or("-"),
            e.target
        )?;
        if let Some(error) = &e.error {
            writeln!(io.out, "{:<24} {error}", "")?;
        }
    }
    if skipped > 0 {
        writeln!(io.out, "({skipped} unreadable lines skipped)")?;
    }
    writeln!(io.out, "Journal: {}", path.display())?;
    Ok(OK)
}
