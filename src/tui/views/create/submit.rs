//! Sending a batch once, and making sense of the answer: the journal entry,
//! the check against the batch list, and when sending again is safe.

use chrono::{DateTime, Duration, Utc};

use super::{Cmd, CreateView, Outcome, Review, Screen};
use crate::api::{ApiError, BatchSummary, Created};
use crate::connection::TargetLabel;
use crate::domain::schedule::CallingSchedule;
use crate::form::FieldId;
use crate::remote::Remote;
use crate::store::journal::{Answered, JournalEntry};

/// How far back a batch of the same name counts as "the one we sent" when
/// the outcome is unknown: clocks differ, and the request may have waited.
const LOOKUP_SLACK_SECS: i64 = 120;

/// The result screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub review: Review,
    pub outcome: Outcome,
    /// The submit this answers.
    pub request_id: u64,
    /// When the body was sent.
    pub sent_at: DateTime<Utc>,
    /// The operator stopped waiting, but the request still runs and may yet
    /// create the batch, for at most this long after it was sent (the
    /// request timeout). Nothing is sent again until it has ended.
    pub still_sending: Option<std::time::Duration>,
    /// The batch list, fetched to confirm a new batch or to look for one
    /// whose creation is unknown. `Idle` when no user ID is configured.
    pub lookup: Remote<Vec<BatchSummary>>,
    /// `r` was pressed once without a lookup to go on: the next `r` sends.
    pub resend_armed: bool,
    /// The batch ID was copied with OSC 52.
    pub copied: bool,
    /// The server asked not to be sent anything before this (Retry-After).
    pub not_before: Option<DateTime<Utc>>,
}

/// What the batch list says about the batch sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No lookup (no user ID), or not finished.
    Unchecked,
    /// The list has it.
    Listed(BatchSummary),
    /// The list does not have it.
    Absent,
    /// The list could not be read.
    Unreadable(ApiError),
}

/// A submit the operator stopped waiting for, still running. It is not
/// aborted: the server may have the body already, and only its answer can
/// tell whether the batch was made.
#[derive(Debug, Clone)]
pub(super) struct Abandoned {
    request_id: u64,
    review: Review,
    sent_at: DateTime<Utc>,
}

impl Answer {
    fn new(review: Review, outcome: Outcome, request_id: u64, sent_at: DateTime<Utc>) -> Self {
        Self {
            review,
            outcome,
            request_id,
            sent_at,
            still_sending: None,
            lookup: Remote::Idle,
            resend_armed: false,
            copied: false,
            not_before: None,
        }
    }

    /// Whether the batch may exist although no success was seen.
    pub fn is_unknown(&self) -> bool {
        match &self.outcome {
            Outcome::Abandoned { .. } => true,
            Outcome::Failed(e) => e.outcome_unknown(),
            Outcome::Created(_) => false,
        }
    }

    /// The batch list's word on the batch: by ID when it was created, else
    /// by name among batches created since shortly before it was sent.
    pub fn verdict(&self) -> Verdict {
        match &self.lookup {
            Remote::Loaded(batches) => {
                let found = match &self.outcome {
                    Outcome::Created(created) => batches.iter().find(|b| b.id == created.batch_id),
                    _ => {
                        let since = self.sent_at - Duration::seconds(LOOKUP_SLACK_SECS);
                        batches.iter().find(|b| {
                            b.batch_name == self.review.request.batch_name
                                && DateTime::parse_from_rfc3339(&b.created_at)
                                    .is_ok_and(|at| at.with_timezone(&Utc) >= since)
                        })
                    }
                };
                found.map_or(Verdict::Absent, |b| Verdict::Listed(b.clone()))
            }
            Remote::Failed { error, .. } => Verdict::Unreadable(error.clone()),
            Remote::Idle | Remote::Loading { .. } => Verdict::Unchecked,
        }
    }

    /// Whether `r` is offered: not after a success or an answer that
    /// sending again would only repeat, not while the first send may still
    /// arrive or the list is being asked about it, and not once the list
    /// shows the batch exists.
    pub fn may_resend(&self) -> bool {
        if self.still_sending.is_some() || (self.is_unknown() && self.lookup.is_loading()) {
            return false;
        }
        match &self.outcome {
            Outcome::Created(_) => false,
            Outcome::Failed(e) if e.is_permanent() => false,
            _ => !(self.is_unknown() && matches!(self.verdict(), Verdict::Listed(_))),
        }
    }

    /// Whether `r` may send the same body again now, and if not, why.
    pub fn resend(&self, now: DateTime<Utc>) -> Result<(), String> {
        if let Some(at) = self.not_before
            && at > now
        {
            return Err(format!(
                "The server asked to wait: {} s left before sending again.",
                (at - now).num_seconds().max(1)
            ));
        }
        if let Some(timeout) = self.still_sending {
            return Err(first_send_may_arrive(timeout));
        }
        match &self.outcome {
            Outcome::Created(_) => Err("This batch was created; n starts a new one.".into()),
            Outcome::Failed(e) if e.is_permanent() => Err(
                "Sending the same body again would get the same answer: Esc, fix, resend.".into(),
            ),
            // "r twice" is for a list that cannot be read, not one that
            // has not answered yet.
            _ if self.is_unknown() && self.lookup.is_loading() => Err(
                "Weya's batch list is being checked for this batch: wait for its answer.".into(),
            ),
            _ if self.is_unknown() => match self.verdict() {
                Verdict::Listed(b) => Err(format!(
                    "Weya lists batch {} with this name, created after you sent it: it was \
                     created, so it is not sent again.",
                    b.id
                )),
                Verdict::Absent => Ok(()),
                Verdict::Unchecked | Verdict::Unreadable(_) if self.resend_armed => Ok(()),
                Verdict::Unchecked | Verdict::Unreadable(_) => Err(
                    "The batch may exist and could not be checked. Press r again to send anyway."
                        .into(),
                ),
            },
            _ => Ok(()),
        }
    }
}

/// What stops a second send while the first may still create the batch.
fn first_send_may_arrive(timeout: std::time::Duration) -> String {
    format!(
        "The first send may still arrive (up to {} s after it was sent): nothing is sent \
         again until it has ended.",
        timeout.as_secs()
    )
}

/// Enter on the review: send once.
pub(super) fn submit(app: &mut CreateView) -> Vec<Cmd> {
    // Only the review submits; on the sending screen Enter is unbound, so a
    // second Enter or a key repeat sends nothing more.
    let Screen::Review(review) = &app.screen else {
        return Vec::new();
    };
    let review = review.clone();
    send(app, review)
}

fn send(app: &mut CreateView, review: Review) -> Vec<Cmd> {
    if app.abandoned.is_some() {
        // One createBatch at a time: the review says why Enter waits.
        return Vec::new();
    }
    app.next_request_id += 1;
    let request_id = app.next_request_id;
    let body = review.body.clone();
    app.screen = Screen::Sending {
        review,
        request_id,
        sent_at: app.now,
    };
    vec![Cmd::Submit { request_id, body }]
}

/// `r` on the result: the same body again, when that is safe.
pub(super) fn resend(app: &mut CreateView) -> Vec<Cmd> {
    let Screen::Result(answer) = &mut app.screen else {
        return Vec::new();
    };
    match answer.resend(app.now) {
        Ok(()) => {
            let review = answer.review.clone();
            app.notice = None;
            send(app, review)
        }
        Err(why) => {
            // The next r sends anyway only when the list cannot tell; not
            // while the first send runs or the list is still being asked.
            if answer.is_unknown() && answer.still_sending.is_none() && !answer.lookup.is_loading()
            {
                answer.resend_armed = true;
            }
            app.notice = Some(why);
            Vec::new()
        }
    }
}

/// Esc while sending: stop waiting, but let the request run. The body may
/// have arrived; aborting would only stop us hearing whether it made the
/// batch, so its answer is still taken when it comes.
pub(super) fn abandon(app: &mut CreateView) -> Vec<Cmd> {
    let Screen::Sending {
        review,
        request_id,
        sent_at,
    } = std::mem::replace(&mut app.screen, Screen::Form)
    else {
        return Vec::new();
    };
    app.abandoned = Some(Abandoned {
        request_id,
        review: review.clone(),
        sent_at,
    });
    let outcome = Outcome::Abandoned {
        // The clock the loop hands in; a clock set back counts as no time.
        after: (app.now - sent_at).to_std().unwrap_or_default(),
    };
    let mut answer = Answer::new(review, outcome, request_id, sent_at);
    answer.still_sending = Some(app.request_timeout);
    finish(app, answer, std::time::Duration::ZERO)
}

/// The answer to a submit: the one being waited for, or one the operator
/// stopped waiting for.
pub(super) fn finished(
    app: &mut CreateView,
    request_id: u64,
    result: Result<Created, ApiError>,
) -> Vec<Cmd> {
    match &app.screen {
        Screen::Sending {
            request_id: current,
            ..
        } if *current == request_id => {}
        _ if app
            .abandoned
            .as_ref()
            .is_some_and(|a| a.request_id == request_id) =>
        {
            return finished_late(app, result);
        }
        _ => return Vec::new(),
    }
    let Screen::Sending {
        review, sent_at, ..
    } = std::mem::replace(&mut app.screen, Screen::Form)
    else {
        return Vec::new();
    };
    conclude(
        app,
        review,
        request_id,
        sent_at,
        result,
        std::time::Duration::ZERO,
    )
}

/// The answer of a submit the operator stopped waiting for. On its result
/// screen it takes the place of "unknown", and on the review (whose Enter
/// was waiting for it) it is shown the same way; on the form, where the
/// operator may be typing, it is journaled and told in a notice.
fn finished_late(app: &mut CreateView, result: Result<Created, ApiError>) -> Vec<Cmd> {
    let Some(Abandoned {
        request_id,
        review,
        sent_at,
    }) = app.abandoned.take()
    else {
        return Vec::new();
    };
    let shown = match &app.screen {
        Screen::Result(a) => a.request_id == request_id,
        Screen::Review(_) => true,
        Screen::Form | Screen::Sending { .. } => false,
    };
    if shown {
        // The server may store the batch until the request's time is up:
        // the check of an unknown outcome is made only after that.
        let wait = match &result {
            Err(e) if e.outcome_unknown() => {
                let elapsed = (app.now - sent_at).to_std().unwrap_or_default();
                app.request_timeout.saturating_sub(elapsed)
            }
            _ => std::time::Duration::ZERO,
        };
        app.notice = None;
        return conclude(app, review, request_id, sent_at, result, wait);
    }
    let name = review.request.batch_name.clone();
    app.notice = Some(match &result {
        Ok(created) => format!(
            "The batch you stopped waiting for, “{name}”, was created after all: {}.",
            created.batch_id
        ),
        Err(e) if e.outcome_unknown() => format!(
            "The send of “{name}” you stopped waiting for ended without a clear answer ({e}): \
             check Weya's batch list before sending it again."
        ),
        Err(e) => format!("The send of “{name}” you stopped waiting for failed: {e}."),
    });
    if let Ok(created) = &result {
        app.known_batches
            .push(known_batch(app, &review, sent_at, created));
    }
    let outcome = match result {
        Ok(created) => Outcome::Created(created),
        Err(e) => Outcome::Failed(e),
    };
    let answer = Answer::new(review, outcome, request_id, sent_at);
    vec![Cmd::Journal(Box::new(journal_entry(app, &answer)))]
}

/// Shows a submit's answer as the result: marks the field a 400 names,
/// honours Retry-After, and forgets the draft once Weya has the batch.
fn conclude(
    app: &mut CreateView,
    review: Review,
    request_id: u64,
    sent_at: DateTime<Utc>,
    result: Result<Created, ApiError>,
    lookup_after: std::time::Duration,
) -> Vec<Cmd> {
    if let Err(ApiError::Status {
        status: 400,
        message: Some(message),
        ..
    }) = &result
    {
        // Put the server's words beside the field they name.
        if let Some(field) = FieldId::from_server_message(message) {
            app.form.errors.insert(field, format!("Weya: {message}"));
            app.form.focus = field;
        }
    }
    let not_before = match &result {
        Err(ApiError::Status {
            retry_after: Some(secs),
            ..
        }) => Some(
            app.now + Duration::seconds(i64::try_from(*secs).unwrap_or(i64::MAX / 2).min(86_400)),
        ),
        _ => None,
    };
    let mut forget = false;
    let outcome = match result {
        Ok(created) => {
            forget = true;
            let known = known_batch(app, &review, sent_at, &created);
            app.known_batches.push(known);
            Outcome::Created(created)
        }
        Err(e) => Outcome::Failed(e),
    };
    let mut answer = Answer::new(review, outcome, request_id, sent_at);
    answer.not_before = not_before;
    let mut cmds = finish(app, answer, lookup_after);
    if forget {
        cmds.push(super::files::forget_draft(app));
    }
    cmds
}

fn known_batch(
    app: &CreateView,
    review: &Review,
    sent_at: DateTime<Utc>,
    created: &Created,
) -> super::KnownBatch {
    super::KnownBatch {
        name: review.request.batch_name.clone(),
        id: created.batch_id.clone(),
        time: sent_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        target: target_name(&app.context.target),
        timezone: review.request.timezone.clone(),
        schedule: serde_json::from_str(&review.body)
            .ok()
            .and_then(|body| CallingSchedule::from_body(&body)),
    }
}

/// Shows the answer, journals it, and asks the batch list about it (after
/// `lookup_after`).
fn finish(app: &mut CreateView, mut answer: Answer, lookup_after: std::time::Duration) -> Vec<Cmd> {
    let mut cmds = vec![Cmd::Journal(Box::new(journal_entry(app, &answer)))];
    let check = matches!(answer.outcome, Outcome::Created(_)) || answer.is_unknown();
    if check && app.context.can_list_batches {
        app.next_request_id += 1;
        answer.lookup.start_loading();
        cmds.push(Cmd::FindBatch {
            request_id: app.next_request_id,
            name: answer.review.request.batch_name.clone(),
            after: lookup_after,
        });
        app.lookup_id = app.next_request_id;
    }
    app.screen = Screen::Result(Box::new(answer));
    cmds
}

/// The batch list's answer, if it is for the answer on screen.
pub(super) fn batches_found(
    app: &mut CreateView,
    request_id: u64,
    result: Result<Vec<BatchSummary>, ApiError>,
) {
    if request_id != app.lookup_id {
        return;
    }
    if let Screen::Result(answer) = &mut app.screen {
        answer.lookup.finish(result);
    }
}

pub(crate) fn target_name(target: &TargetLabel) -> String {
    match target {
        TargetLabel::Sandbox => "sandbox".to_owned(),
        TargetLabel::Remote { host, .. } => host.clone(),
    }
}

fn journal_entry(app: &CreateView, answer: &Answer) -> JournalEntry {
    let answered = match &answer.outcome {
        Outcome::Created(created) => Answered::Created(created),
        Outcome::Failed(e) => Answered::Failed(e),
        Outcome::Abandoned { after } => Answered::Abandoned { after: *after },
    };
    JournalEntry::new(
        answer.sent_at,
        target_name(&app.context.target),
        answer.review.request.batch_name.clone(),
        &answer.review.body,
        answered,
    )
}
