//! `weya-tui create --file FILE`: a batch from a file, with the form's
//! validation, sent once after confirmation (or shown as a dry run).

use std::io;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::output::{FAILED, Io, OK, REFUSED, json_line, visible};
use crate::config::{Config, Target};
use crate::connection::Connection;
use crate::form::{Form, validate};
use crate::store::draft::Draft;
use crate::store::journal::{self, Answered, JournalEntry};
use crate::store::template;
use crate::text::visible_lines;

/// What `create` sends to, for messages and the journal.
pub struct Destination {
    pub connection: Connection,
    pub journal: Option<PathBuf>,
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
    destination: impl Future<Output = Result<Destination, String>>,
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
    let destination = match destination.await {
        Ok(destination) => destination,
        Err(e) => return io.fail(REFUSED, &e, json!({})),
    };
    if !yes {
        let question = format!(
            "Send batch “{}” to {}? [y/N] ",
            visible(&request.batch_name),
            visible(destination.connection.target_name())
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
    let target = destination.connection.target_name();
    let result = destination
        .connection
        .client
        .create_batch_raw(body.clone())
        .await;
    let answered = match &result {
        Ok(created) => Answered::Created(created),
        Err(e) => Answered::Failed(e),
    };
    let entry = JournalEntry::new(
        sent_at,
        target.to_owned(),
        request.batch_name.clone(),
        &body,
        answered,
    );
    let code = match &result {
        Ok(created) => {
            if io.json {
                writeln!(
                    io.out,
                    "{}",
                    json_line(
                        &json!({"batchId": created.batch_id, "requestId": created.request_id, "target": target})
                    )
                )?;
            } else {
                writeln!(io.out, "Created batch {}", visible(&created.batch_id))?;
            }
            OK
        }
        Err(e) => {
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
        let (body, curl) = (visible_lines(body), visible_lines(&curl));
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

/// Where a dry run says the request would go, with the credential masked.
pub fn dry_run_target(config: &Config) -> DryRunTarget {
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
