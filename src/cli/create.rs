//! `weya-tui create --file FILE`: a batch from a file, sent exactly as the
//! file says (or, with `--form-defaults`, as the form would make it, every
//! change listed), once, after confirmation (or shown as a dry run). It
//! drives the same create engine as the TUI ([`crate::create`]): when the
//! answer is lost it watches Weya's batch list until the request can no
//! longer land, and says whether the batch was made.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;

use serde_json::json;

use super::output::{
    CredentialUsed, FAILED, Io, OK, REFUSED, api_failure_with, json_line, visible,
};
use crate::api::{ApiError, BatchRequest, BatchSummary, Phone};
use crate::config::{Config, Target};
use crate::connection::{Connection, CredentialLabel, TargetLabel};
use crate::create::review::{self, Summary};
use crate::create::{Attempt, Landing, Outcome, Sought, Verdict, Watch};
use crate::form::file as batch_file;
use crate::form::phones::PhonePicker;
use crate::store::journal::{self, Answered, JournalAction, JournalEntry, JournalOutcome};
use crate::store::template;
use crate::text::visible_lines;

/// What `create` sends to, for messages and the journal.
pub struct Destination {
    pub connection: Connection,
    pub journal: Option<PathBuf>,
    /// The phone book's numbers, to name the calling numbers by.
    pub phone_book: Vec<Phone>,
}

/// How a dry run shows where the request would go: the base URL and the
/// auth header with the credential masked.
pub struct DryRunTarget {
    pub base_url: String,
    pub auth_header: String,
    /// The target as the review says it, and its name in the journal.
    pub label: TargetLabel,
}

/// How `create` makes its request and what it asks first.
pub struct Options<'a> {
    /// Fill the fields the file leaves out with the form's defaults and
    /// write values as the form does (`--form-defaults`); without it the
    /// file is sent as written.
    pub form_defaults: bool,
    /// The form's timezone, for `--form-defaults`.
    pub default_timezone: &'a str,
    /// The operator's timezone, to say the next window in their time.
    pub local_timezone: Option<String>,
    /// Print the body and a curl command; send nothing.
    pub dry_run: Option<DryRunTarget>,
    /// Send without asking.
    pub yes: bool,
    /// Create nothing when a batch of the name exists (`--if-absent`).
    pub if_absent: bool,
    /// The journal, for a dry run's review (a batch of the same name made
    /// here before); a real run reads it from its destination.
    pub journal: Option<PathBuf>,
    /// How long a request whose answer was lost may still create the
    /// batch ([`crate::create::LANDING_ENV`]).
    pub landing: Duration,
}

/// `create --file FILE`: the file as a request (exactly as written unless
/// the form's defaults are asked for), then (unless a dry run) one
/// request, after confirmation unless `yes`.
pub async fn create(
    file: &Path,
    options: Options<'_>,
    // A future is lazy: the sandbox (if that is the target) starts only
    // when there is something to send.
    destination: impl Future<Output = Result<Destination, String>>,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let given = match template::read(file) {
        Ok(f) => f,
        Err(e) => {
            let extra = json!({"line": e.line, "field": e.field});
            return io.fail(REFUSED, &e.to_string(), extra);
        }
    };
    let built = if options.form_defaults {
        batch_file::with_form_defaults(&given, options.default_timezone)
    } else {
        batch_file::as_written(&given).map(|request| (request, Vec::new()))
    };
    let built = built.map_err(|errors| {
        errors
            .iter()
            .map(|e| (e.key(), e.message.clone()))
            .collect::<Vec<_>>()
    });
    let (request, changes) = match built {
        Ok(built) => built,
        Err(worded) => {
            let fields: Vec<_> = worded
                .iter()
                .map(|(field, message)| json!({"field": field, "message": message}))
                .collect();
            if !io.json {
                for (field, message) in &worded {
                    writeln!(io.err, "  {field}: {}", visible(message))?;
                }
            }
            let message = format!("{} is not a valid batch; nothing was sent", file.display());
            return io.fail(REFUSED, &message, json!({"fields": fields}));
        }
    };
    let not_set = batch_file::not_set(&request);
    let body = request.to_body();
    if let Some(target) = &options.dry_run {
        // The review's warnings, as a real run says them before sending.
        let earlier = options
            .journal
            .as_deref()
            .and_then(|path| journal::read(path).ok())
            .map(|(entries, _)| entries)
            .unwrap_or_default();
        let summary = summary_of(
            &request,
            &target.label,
            &PhonePicker::default(),
            &earlier,
            &options,
            &changes,
        );
        if !io.json {
            for warning in &summary.warnings {
                writeln!(io.err, "weya-tui: warning: {}", visible(warning))?;
            }
            write_as_asked(io.err, &changes, &not_set)?;
        }
        return dry_run_output(&body, target, &changes, &not_set, &summary.warnings, io);
    }
    // The sandbox, when that is the target, lives until the request is done.
    let destination = match destination.await {
        Ok(destination) => destination,
        Err(e) => return io.fail(REFUSED, &e, json!({})),
    };
    if options.if_absent {
        let client = &destination.connection.client;
        match super::resolve::by_name(client, &request.batch_name).await {
            Ok(id) => {
                if io.json {
                    let value = json!({"batchId": id, "existing": true});
                    writeln!(io.out, "{}", json_line(&value))?;
                } else {
                    writeln!(
                        io.err,
                        "weya-tui: a batch named {:?} exists already: nothing was sent (--if-absent)",
                        visible(&request.batch_name)
                    )?;
                    writeln!(io.out, "Existing batch {}", visible(&id))?;
                }
                return Ok(OK);
            }
            Err(super::resolve::NotOne::None { .. }) => {}
            Err(super::resolve::NotOne::List(e)) => {
                // Giving an ID does not apply: whether the batch exists
                // is what could not be found out.
                let message = format!(
                    "--if-absent: whether a batch named {:?} exists could not be found out: the \
                     batch list could not be read ({e}); nothing was sent. Try again when the \
                     list answers; without --if-absent the batch is created whatever exists",
                    visible(&request.batch_name)
                );
                let code = super::resolve::NotOne::List(e).code();
                return io.fail(code, &message, json!({}));
            }
            Err(not_one) => {
                let message = format!(
                    "--if-absent: {}",
                    not_one.message_then(&request.batch_name, "nothing was sent")
                );
                return io.fail_lines(not_one.code(), &message, json!({}));
            }
        }
    }
    // What the review screen shows, said before anything is sent: with
    // --yes too, so a script's log says what it sent and what to look at.
    let earlier = destination
        .journal
        .as_deref()
        .and_then(|path| journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default();
    let phones = known_phones(&destination).await;
    let summary = summary_of(
        &request,
        &destination.connection.target,
        &phones,
        &earlier,
        &options,
        &changes,
    );
    write_summary(&summary, io.err)?;
    if !yes_or_confirmed(&request, &destination, options.yes, io)? {
        return Ok(REFUSED);
    }
    let sending = Sending {
        request: &request,
        destination: &destination,
        earlier: &earlier,
        landing: options.landing,
        warnings: &summary.warnings,
        changes: &changes,
        not_set: &not_set,
    };
    send_once(&sending, io).await
}

/// A reviewed and confirmed request, with what its answer needs.
pub(crate) struct Sending<'a> {
    pub request: &'a BatchRequest,
    pub destination: &'a Destination,
    /// The journal's entries, to tell this batch from earlier ones of its name.
    pub earlier: &'a [JournalEntry],
    pub landing: Duration,
    pub warnings: &'a [String],
    pub changes: &'a [String],
    pub not_set: &'a [&'static str],
}

/// Sends a confirmed request once, journals it and, when the answer is
/// lost, watches Weya's list until the request can no longer land, saying
/// what became of it: the one sending path of `create` and of the
/// accessible mode ([`crate::accessible`]). Never sends twice.
pub(crate) async fn send_once(sending: &Sending<'_>, io: &mut Io<'_>) -> io::Result<u8> {
    let Sending {
        request,
        destination,
        earlier,
        landing,
        warnings,
        changes,
        not_set,
    } = *sending;
    let body = request.to_body();
    let target = destination.connection.target_name().to_owned();
    let credential = CredentialUsed::of(&destination.connection);
    let client = &destination.connection.client;
    let sought = Sought {
        name: request.batch_name.clone(),
        sent_at: Utc::now(),
        known_ids: created_here(earlier, &target, &request.batch_name),
    };
    let result = crate::create::send(client, body.clone()).await;
    let landing = Landing::new(landing);
    let can_look = client.config().user_id.is_some();
    let mut attempt = Attempt::new(sought, Outcome::of(result), landing, can_look, Utc::now());
    let answered = match &attempt.outcome {
        Outcome::Created(created) => Answered::Created(created),
        Outcome::Failed(e) => Answered::Failed(e),
        Outcome::Abandoned { after } => Answered::Abandoned { after: *after },
    };
    let entry = JournalEntry::new(
        attempt.sought.sent_at,
        target.clone(),
        request.batch_name.clone(),
        &body,
        answered,
    );
    journal_append(destination, &entry, io)?;
    let answer = Answer {
        target: &target,
        warnings,
        changes,
        not_set,
        credential: &credential,
    };
    let e = match &attempt.outcome {
        Outcome::Created(created) => {
            let (id, request_id) = (created.batch_id.clone(), created.request_id.clone());
            return answer.created(&id, request_id.as_deref(), false, io);
        }
        Outcome::Failed(e) if !e.outcome_unknown() => {
            let mut message = e.to_string();
            if let Some(id) = e.request_id() {
                message.push_str(&format!(" (request ID {id})"));
            }
            let extra = json!({"outcomeUnknown": false});
            return api_failure_with(io, FAILED, &message, e, &credential, extra);
        }
        Outcome::Failed(e) => e.clone(),
        Outcome::Abandoned { .. } => return Ok(FAILED),
    };
    if attempt.wants_lookup() {
        watch(client, &mut attempt, &e, io).await?;
    }
    match attempt.verdict() {
        Verdict::Listed(batch) => {
            let found = JournalEntry::new(
                attempt.sought.sent_at,
                target.clone(),
                request.batch_name.clone(),
                &body,
                Answered::Found {
                    batch_id: &batch.id,
                },
            );
            journal_append(destination, &found, io)?;
            writeln!(
                io.err,
                "weya-tui: {}, but Weya's batch list shows the batch: it was created",
                visible(&no_clear_answer(&e))
            )?;
            answer.created(&batch.id, None, true, io)
        }
        verdict => answer.lost(&e, &attempt, &verdict, io),
    }
}

/// Watches Weya's list for the batch whose answer was lost, saying so on
/// stderr, until the request can no longer land (or the batch is seen).
async fn watch(
    client: &crate::api::WeyaClient,
    attempt: &mut Attempt,
    e: &ApiError,
    io: &mut Io<'_>,
) -> io::Result<()> {
    let wait = attempt.watch_for(Utc::now());
    let every = attempt.landing.every;
    writeln!(
        io.err,
        "weya-tui: {}: the batch may have been created; watching Weya's list for it. Weya may \
         still store the batch until {}: looking for it in Weya's batch list every {} s until \
         then. Nothing is sent again.",
        visible(&no_clear_answer(e)),
        crate::config::local_clock().time_zoned(attempt.lands_by),
        every.as_secs().max(1)
    )?;
    let sought = attempt.sought.clone();
    let mut watch = Watch::new(client, &sought, wait, every);
    let mut said = None;
    attempt.start_looking();
    while let Some(look) = watch.next().await {
        attempt.looked(look, Utc::now());
        // Each new thing seen once, not every look.
        let seen = match attempt.verdict() {
            Verdict::Candidates(c) => c.first().map(crate::create::Candidate::describe),
            Verdict::Unreadable(e) => Some(format!("Weya's batch list could not be read: {e}")),
            _ => None,
        };
        if seen.is_some() && seen != said {
            if let Some(text) = &seen {
                writeln!(io.err, "weya-tui: {}", visible(text))?;
            }
            said = seen;
        }
    }
    Ok(())
}

/// Why no answer says whether the batch was made: it was lost, a
/// gateway's 502, 503 or 504 stood in for it, or it contradicts itself.
pub(crate) fn no_clear_answer(e: &ApiError) -> String {
    if e.from_gateway() {
        format!("a gateway answered for Weya ({e}), which may come after Weya stored the batch")
    } else if let ApiError::Contradicted { .. } = e {
        e.to_string()
    } else {
        format!("the answer was lost ({e})")
    }
}

/// What the command says of its answer.
struct Answer<'a> {
    target: &'a str,
    warnings: &'a [String],
    changes: &'a [String],
    not_set: &'a [&'static str],
    credential: &'a CredentialUsed,
}

impl Answer<'_> {
    /// The batch exists: its ID on stdout.
    fn created(
        &self,
        id: &str,
        request_id: Option<&str>,
        found_in_list: bool,
        io: &mut Io<'_>,
    ) -> io::Result<u8> {
        if io.json {
            let mut value = json!({
                "batchId": id,
                "requestId": request_id,
                "target": self.target,
                "warnings": self.warnings,
                "changes": self.changes,
                "notSet": self.not_set,
            });
            if found_in_list && let Some(obj) = value.as_object_mut() {
                obj.insert("foundInList".into(), json!(true));
            }
            writeln!(io.out, "{}", json_line(&value))?;
        } else {
            writeln!(io.out, "Created batch {}", visible(id))?;
        }
        Ok(OK)
    }

    /// No answer said, and the list did not show the batch: whether it is
    /// safe to send again, or what may be it.
    fn lost(
        &self,
        e: &ApiError,
        attempt: &Attempt,
        verdict: &Verdict,
        io: &mut Io<'_>,
    ) -> io::Result<u8> {
        let mut message = e.to_string();
        if let Some(id) = e.request_id() {
            message.push_str(&format!(" (request ID {id})"));
        }
        let (outcome_unknown, said) = match verdict {
            Verdict::Absent if attempt.conclusive => (
                false,
                format!(
                    "; the batch was not created: Weya's list has no batch of this name at a look \
                     after {}, when the request could no longer land. Sending it again is safe",
                    crate::config::local_clock().time_zoned(attempt.lands_by)
                ),
            ),
            Verdict::Candidates(c) => (
                true,
                match c.first() {
                    Some(first) => format!(
                        "; the batch may have been created. {} Check it (`weya-tui batch view \
                         {}`) before sending again",
                        first.describe(),
                        visible(&first.batch.id)
                    ),
                    None => "; the batch may have been created".to_owned(),
                },
            ),
            Verdict::Unreadable(list) => (
                true,
                format!(
                    "; the batch may have been created, and Weya's list could not be read \
                     ({list}): check `weya-tui batches --search` before sending again"
                ),
            ),
            _ if !attempt.can_look => (
                true,
                "; the batch may have been created, and with no user ID (WEYA_USER_ID) Weya's \
                 list cannot be looked at: check Weya's dashboard before sending again"
                    .to_owned(),
            ),
            _ => (
                true,
                "; the batch may have been created: check `weya-tui batches --search` before \
                 sending again"
                    .to_owned(),
            ),
        };
        message.push_str(&said);
        let candidates: Vec<_> = match verdict {
            Verdict::Candidates(c) => c
                .iter()
                .map(|c| candidate_json(&c.batch, &c.describe()))
                .collect(),
            _ => Vec::new(),
        };
        let extra = json!({
            "outcomeUnknown": outcome_unknown,
            "safeToResend": !outcome_unknown,
            "candidates": candidates,
        });
        api_failure_with(io, FAILED, &message, e, self.credential, extra)
    }
}

fn candidate_json(batch: &BatchSummary, said: &str) -> serde_json::Value {
    json!({
        "batchId": batch.id,
        "batchName": batch.batch_name,
        "createdAt": batch.created_at,
        "doubt": said,
    })
}

/// The IDs of batches of this name the journal records as created on
/// `target`: they are not the one sent.
pub(crate) fn created_here(entries: &[JournalEntry], target: &str, name: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|e| {
            e.action == JournalAction::Create
                && e.outcome == JournalOutcome::Created
                && e.target == target
                && e.batch_name.trim() == name.trim()
        })
        .filter_map(|e| e.batch_id.clone())
        .collect()
}

/// Appends to the journal; one that cannot be written is said, not fatal:
/// the request was sent.
fn journal_append(
    destination: &Destination,
    entry: &JournalEntry,
    io: &mut Io<'_>,
) -> io::Result<()> {
    if let Some(path) = &destination.journal
        && let Err(e) = journal::append(path, entry)
    {
        let message = format!("the journal {} was not written: {e}", path.display());
        writeln!(io.err, "weya-tui: {}", visible(&message))?;
    }
    Ok(())
}

/// With `yes`, at once; otherwise the operator's answer on the terminal.
/// `Ok(false)` when it is not sent (and the refusal is said).
fn yes_or_confirmed(
    request: &BatchRequest,
    destination: &Destination,
    yes: bool,
    io: &mut Io<'_>,
) -> io::Result<bool> {
    if yes {
        return Ok(true);
    }
    let question = format!(
        "Send batch “{}” to {}? [y/N] ",
        visible(&request.batch_name),
        visible(destination.connection.target_name())
    );
    let confirmed = match io.confirm.as_mut() {
        Some(ask) => ask(&question)?,
        None => {
            io.fail(
                REFUSED,
                "not sending without --yes: standard input is not a terminal to confirm on",
                json!({}),
            )?;
            return Ok(false);
        }
    };
    if !confirmed {
        io.fail(REFUSED, "not sent", json!({}))?;
    }
    Ok(confirmed)
}

/// The review's lines for this request, as the TUI shows them.
pub(crate) fn summary_of(
    request: &BatchRequest,
    target_label: &TargetLabel,
    phones: &PhonePicker,
    journal: &[JournalEntry],
    options: &Options<'_>,
    changes: &[String],
) -> Summary {
    let target = target_label.name();
    let earlier = journal
        .iter()
        .rev()
        .filter(|e| e.outcome == JournalOutcome::Created && e.target == target)
        .filter(|e| e.batch_name == request.batch_name)
        .find_map(|e| Some((when(&e.time), e.batch_id.clone()?)));
    review::summarize(
        request,
        &review::Context {
            target: target_label,
            now: Utc::now(),
            local: options
                .local_timezone
                .as_deref()
                .and_then(|t| Tz::from_str(t).ok()),
            phones,
            earlier,
            changes,
        },
    )
}

/// The lines, then each warning, for the operator (stderr).
fn write_summary(summary: &Summary, err: &mut dyn Write) -> io::Result<()> {
    for (label, value) in &summary.lines {
        writeln!(err, "{label:<12} {}", visible(value))?;
    }
    for warning in &summary.warnings {
        writeln!(err, "weya-tui: warning: {}", visible(warning))?;
    }
    Ok(())
}

/// In a dry run: what `--form-defaults` changed and what is left to Weya.
fn write_as_asked(err: &mut dyn Write, changes: &[String], not_set: &[&str]) -> io::Result<()> {
    if !changes.is_empty() {
        writeln!(err, "{:<12} {}", "Changed", visible(&changes.join("; ")))?;
    }
    if !not_set.is_empty() {
        writeln!(
            err,
            "{:<12} {}: {}",
            "Not set",
            not_set.join(", "),
            review::NOT_SET
        )?;
    }
    Ok(())
}

fn dry_run_output(
    body: &str,
    target: &DryRunTarget,
    changes: &[String],
    not_set: &[&str],
    warnings: &[String],
    io: &mut Io<'_>,
) -> io::Result<u8> {
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
            json_line(&json!({
                "dryRun": true,
                "body": value,
                "curl": curl,
                "changes": changes,
                "notSet": not_set,
                "warnings": warnings,
            }))
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
            label: TargetLabel::Sandbox,
        },
        Target::Remote { client } => DryRunTarget {
            base_url: client.base_url.trim_end_matches('/').to_owned(),
            // The credential createBatch would carry, by the client's rule.
            auth_header: client
                .credentials
                .header_line(crate::api::auth::Action::CreateBatch)
                .unwrap_or_default(),
            label: TargetLabel::Remote {
                host: reqwest::Url::parse(&client.base_url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_default(),
                base_url: client.base_url.clone(),
                credentials: CredentialLabel::of(&client.credentials),
            },
        },
    }
}

/// The numbers the workspace's list and the phone book know, merged as
/// the form's picker merges them. Without the list (it failed, or the
/// target has no user ID), the phone book's alone: a number neither knows
/// is named by its ID.
pub(crate) async fn known_phones(destination: &Destination) -> PhonePicker {
    let fetched = destination.connection.client.list_phones().await;
    if let Err(e) = &fetched {
        tracing::info!(error = %e, "no phone list to name the calling numbers by");
    }
    let mut picker = PhonePicker::default();
    picker.finish_loading(fetched);
    picker.set_phone_book(destination.phone_book.clone());
    picker
}

/// A journal time as the review names it, on the operator's clock:
/// "2026-01-15 19:30 (Asia/Kolkata)".
fn when(time: &str) -> String {
    crate::config::local_clock().minute_zoned_of(time)
}
