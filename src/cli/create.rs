//! `weya-tui create --file FILE`: a batch from a file, with the form's
//! validation, sent once after confirmation (or shown as a dry run).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use serde_json::json;

use super::output::{
    CredentialUsed, FAILED, Io, OK, REFUSED, api_failure_with, json_line, visible,
};
use crate::api::{BatchRequest, Phone};
use crate::config::{Config, Target};
use crate::connection::{Connection, TargetLabel};
use crate::domain::{phone, schedule};
use crate::form::days::DaySet;
use crate::form::phones::PhonePicker;
use crate::form::{FieldError, FieldId, Form, Problem, number, time, validate};
use crate::store::draft::Draft;
use crate::store::journal::{self, Answered, JournalEntry, JournalOutcome};
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
            let worded: Vec<(String, String)> = errors
                .iter()
                .map(|e| (e.key(), in_file_terms(e, &form)))
                .collect();
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
    let body = request.to_body();
    if let Some(target) = dry_run {
        if let Some(warning) = crate::form::invisible_in_name(&request.batch_name) {
            writeln!(io.err, "weya-tui: warning: {warning}")?;
        }
        return dry_run_output(&body, &target, io);
    }
    // The sandbox, when that is the target, lives until the request is done.
    let destination = match destination.await {
        Ok(destination) => destination,
        Err(e) => return io.fail(REFUSED, &e, json!({})),
    };
    // What the review screen shows, said before anything is sent: with
    // --yes too, so a script's log says what it sent and what to look at.
    let earlier = destination
        .journal
        .as_deref()
        .and_then(|path| journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default();
    let phones = known_phones(&destination).await;
    let review = Review::of(
        &request,
        &destination.connection.target,
        &phones,
        &earlier,
        chrono::Utc::now(),
    );
    review.write(io.err)?;
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
    let credential = CredentialUsed::of(&destination.connection);
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
                    json_line(&json!({
                        "batchId": created.batch_id,
                        "requestId": created.request_id,
                        "target": target,
                        "warnings": review.warnings,
                    }))
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
            let extra = json!({"outcomeUnknown": e.outcome_unknown()});
            api_failure_with(io, FAILED, &message, e, &credential, extra)?
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
        Target::Remote { client } => DryRunTarget {
            base_url: client.base_url.trim_end_matches('/').to_owned(),
            // The credential createBatch would carry, by the client's rule.
            auth_header: client
                .credentials
                .header_line(crate::api::auth::Action::CreateBatch)
                .unwrap_or_default(),
        },
    }
}

/// A field error in a batch file's terms: the key, the JSON type it takes,
/// seconds for the delay. The form's own words speak of keys to press and
/// units to type, which a file does not have.
fn in_file_terms(e: &FieldError, form: &Form) -> String {
    let given = form.line(e.field).map_or("", |line| line.value().trim());
    let over = |max: u32| given.parse::<u64>().ok().filter(|&n| n > u64::from(max));
    match (e.field, e.problem) {
        (FieldId::Name, Problem::Missing) => {
            "missing or blank: give the batch's name as a string (Weya's dashboard shows it)"
                .to_owned()
        }
        (FieldId::Numbers, Problem::Missing) => {
            "missing or empty: give an array of phone IDs, each a string of 24 hex characters \
             (`weya-tui phones` lists them)"
                .to_owned()
        }
        (FieldId::Days, Problem::Missing) => {
            "an empty array: give at least one day as a number, 0 = Sunday … 6 = Saturday \
             (leave allowedDays out for Monday to Friday)"
                .to_owned()
        }
        // The window's ends also fail together (end before start): that
        // message is about the values, not how to write them.
        (FieldId::WindowStart | FieldId::WindowEnd, _) if time::parse_time(given).is_err() => {
            format!(
                "“{}” is not a time: give a string in 24-hour \"HH:MM\", e.g. \"09:00\"",
                visible(given)
            )
        }
        (FieldId::Retries, _) => match over(number::MAX_RETRIES) {
            Some(n) => format!(
                "{n} is more than {max}: retry takes a whole number from 0 to {max} (our limit; \
                 Weya documents none)",
                max = number::MAX_RETRIES
            ),
            None => format!(
                "retry takes a whole number from 0 to {}",
                number::MAX_RETRIES
            ),
        },
        (FieldId::Delay, _) => {
            let max = number::MAX_DELAY_SECS;
            match over(max) {
                Some(n) => format!(
                    "{n} seconds is more than {max} (24 h), the longest delay: delay takes a \
                     whole number of seconds from 0 to {max} (our limit; Weya documents none)"
                ),
                None => format!("delay takes a whole number of seconds from 0 to {max} (24 h)"),
            }
        }
        _ => e.message.clone(),
    }
}

/// How many calling numbers the summary names.
const NAMED_NUMBERS: usize = 5;
/// How far ahead the next window and a change of the clocks are looked for
/// (as on the review screen).
const HORIZON_DAYS: u32 = 60;
const DST_LOOKAHEAD_DAYS: i64 = 14;

/// The numbers the workspace's list and the phone book know, merged as
/// the form's picker merges them. Without the list (it failed, or the
/// target has no user ID), the phone book's alone: a number neither knows
/// is named by its ID.
async fn known_phones(destination: &Destination) -> PhonePicker {
    let fetched = destination.connection.client.list_phones().await;
    if let Err(e) = &fetched {
        tracing::info!(error = %e, "no phone list to name the calling numbers by");
    }
    let mut picker = PhonePicker::default();
    picker.finish_loading(fetched);
    picker.set_phone_book(destination.phone_book.clone());
    picker
}

/// What the review screen says about a valid request, as plain lines:
/// who calls, when (in the batch's timezone and UTC), the retries, the
/// target, and the warnings.
struct Review {
    lines: Vec<(&'static str, String)>,
    warnings: Vec<String>,
}

impl Review {
    /// `journal` holds the batches created from this machine, for the
    /// warning about one of the same name.
    fn of(
        request: &BatchRequest,
        target: &TargetLabel,
        phones: &PhonePicker,
        journal: &[JournalEntry],
        now: DateTime<Utc>,
    ) -> Self {
        let n = request.calling_numbers.len();
        let mut ids: Vec<String> = request
            .calling_numbers
            .iter()
            .take(NAMED_NUMBERS)
            .map(|id| match phones.phone(id) {
                Some(phone) => phone::describe(phone),
                None => visible(id).into_owned(),
            })
            .collect();
        if n > NAMED_NUMBERS {
            ids.push(format!("and {} more", n - NAMED_NUMBERS));
        }
        let calls_from = match n {
            1 => format!("1 number: {}", ids.join(", ")),
            n => format!("{n} numbers in rotation: {}", ids.join(", ")),
        };
        let days = request.allowed_days.as_deref().unwrap_or_default();
        let day_names = DaySet::from_days(days).describe();
        let window = window_of(request);
        let mut lines = vec![
            ("Batch name", visible(&request.batch_name).into_owned()),
            ("Calls from", calls_from),
        ];
        let mut warnings: Vec<String> = crate::form::invisible_in_name(&request.batch_name)
            .into_iter()
            .collect();
        match window {
            Some((tz, start, end)) => {
                let length = time::describe_minutes(end.minutes().saturating_sub(start.minutes()));
                let mut schedule = format!(
                    "{day_names} {}–{} {} ({length} a day)",
                    start.to_hh_mm(),
                    end.to_hh_mm(),
                    tz.name()
                );
                let next = schedule::next_windows(tz, start, end, days, now, 1, HORIZON_DAYS);
                // In UTC as on the next calling day, not today: today may
                // have no window (a Sunday for Mon–Fri), and the offset
                // may differ across a clock change.
                if tz != chrono_tz::UTC
                    && let Some(w) = next.first()
                {
                    schedule.push_str(&format!(", {} UTC", w.describe_in(chrono_tz::UTC)));
                }
                lines.push(("Schedule", schedule));
                match next.first() {
                    Some(w) => {
                        let open = if w.start <= now { " (open now)" } else { "" };
                        lines.push((
                            "Next window",
                            format!(
                                "{} {} {}, {} UTC{open}",
                                w.start.with_timezone(&tz).format("%a %-d %b"),
                                w.describe_in(tz),
                                tz.name(),
                                w.describe_in(chrono_tz::UTC)
                            ),
                        ));
                    }
                    None => warnings.push(format!(
                        "This schedule never opens in the next {HORIZON_DAYS} days."
                    )),
                }
                let target = target.name();
                let earlier = journal
                    .iter()
                    .rev()
                    .filter(|e| e.outcome == JournalOutcome::Created && e.target == target)
                    .filter(|e| e.batch_name == request.batch_name)
                    .find_map(|e| Some((when(&e.time), e.batch_id.as_deref()?)));
                warnings.extend(
                    schedule::warnings(
                        tz,
                        start,
                        end,
                        days,
                        request.retry.unwrap_or(0),
                        request.delay.unwrap_or(0),
                        &request.batch_name,
                        earlier.as_ref().map(|(time, id)| (time.as_str(), *id)),
                    )
                    .into_iter()
                    .map(|w| w.0),
                );
                if let Some((day, before, after)) =
                    schedule::offset_change(tz, now, DST_LOOKAHEAD_DAYS)
                {
                    warnings.push(format!(
                        "Clocks change in {} on {} ({before} → {after}): windows after that are \
                         an hour apart from before, as seen from other zones.",
                        tz.name(),
                        day.format("%a %-d %b")
                    ));
                }
            }
            None => lines.push(("Schedule", format!("{day_names}, hours left to the server"))),
        }
        let retries = match (request.retry, request.delay) {
            (Some(0), _) => "no retries".to_owned(),
            (Some(1), Some(d)) => format!(
                "1 retry, {} after the failed call",
                number::describe_delay(d)
            ),
            (Some(r), Some(d)) => format!("{r} retries, {} apart", number::describe_delay(d)),
            (r, _) => format!(
                "{} retries",
                r.map_or("server default".into(), |r| r.to_string())
            ),
        };
        lines.push(("Retries", retries));
        let target = target.describe_for(crate::api::auth::Action::CreateBatch);
        lines.push(("Target", target));
        Self { lines, warnings }
    }

    /// The lines, then each warning, for the operator (stderr).
    fn write(&self, err: &mut dyn Write) -> io::Result<()> {
        for (label, value) in &self.lines {
            writeln!(err, "{label:<12} {value}")?;
        }
        for warning in &self.warnings {
            writeln!(err, "weya-tui: warning: {}", visible(warning))?;
        }
        Ok(())
    }
}

/// The request's timezone and window, when it has them.
fn window_of(request: &BatchRequest) -> Option<(Tz, time::TimeOfDay, time::TimeOfDay)> {
    let hour = request.calling_hour.as_ref()?;
    Some((
        Tz::from_str(request.timezone.as_deref()?).ok()?,
        time::parse_time(&hour.start).ok()?,
        time::parse_time(&hour.end).ok()?,
    ))
}

/// A journal time as the review names it: "2026-01-15 14:00 UTC".
fn when(time: &str) -> String {
    let minutes: String = time.replace('T', " ").chars().take(16).collect();
    format!("{minutes} UTC")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::types::CallingHour;

    const NEW_YORK_SALES: &str = "64e5f12345abcdef87654321";

    fn mon_to_fri(numbers: &[&str]) -> BatchRequest {
        BatchRequest {
            batch_name: "June renewals".into(),
            calling_numbers: numbers.iter().map(|&id| id.to_owned()).collect(),
            retry: Some(0),
            delay: Some(60),
            timezone: Some("America/New_York".into()),
            calling_hour: Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5]),
        }
    }

    fn phones(phones: Vec<Phone>) -> PhonePicker {
        let mut picker = PhonePicker::default();
        picker.finish_loading(Ok(phones));
        picker
    }

    fn line(review: &Review, label: &str) -> String {
        let found = review.lines.iter().find(|(l, _)| *l == label);
        found.map(|(_, value)| value.clone()).unwrap_or_default()
    }

    /// Sunday 18 Jan 2026, 12:00 in New York.
    fn sunday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 18, 17, 0, 0).unwrap()
    }

    #[test]
    fn calling_numbers_are_named_as_the_review_names_them_when_known() {
        let known = phones(vec![Phone {
            id: NEW_YORK_SALES.into(),
            phone_number: "12125550143".into(),
            integration: "twilio".into(),
            label: "New York sales".into(),
        }]);
        let unknown = "64e5f12345abcdef00000000";
        let request = mon_to_fri(&[NEW_YORK_SALES, unknown]);
        let review = Review::of(&request, &TargetLabel::Sandbox, &known, &[], sunday());
        assert_eq!(
            line(&review, "Calls from"),
            format!("2 numbers in rotation: +1 212-555-0143 (New York sales), {unknown}")
        );
        let review = Review::of(
            &request,
            &TargetLabel::Sandbox,
            &PhonePicker::default(),
            &[],
            sunday(),
        );
        assert_eq!(
            line(&review, "Calls from"),
            format!("2 numbers in rotation: {NEW_YORK_SALES}, {unknown}")
        );
    }

    #[test]
    fn on_a_sunday_a_weekday_batch_is_said_to_open_on_monday_not_today() {
        let request = mon_to_fri(&[NEW_YORK_SALES]);
        let review = Review::of(
            &request,
            &TargetLabel::Sandbox,
            &phones(vec![]),
            &[],
            sunday(),
        );
        let schedule = line(&review, "Schedule");
        assert!(!schedule.contains("today"), "{schedule}");
        assert_eq!(
            schedule,
            "Mon–Fri 09:00–17:00 America/New_York (8 h a day), 14:00–22:00 UTC"
        );
        assert_eq!(
            line(&review, "Next window"),
            "Mon 19 Jan 09:00–17:00 America/New_York, 14:00–22:00 UTC"
        );
    }
}
