//! Sending a batch once, and making sense of the answer: the journal entry,
//! the check against the batch list, and when sending again is safe.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use super::{App, Cmd, Outcome, Review, Screen, TargetLabel};
use crate::api::{ApiError, BatchSummary, Created};
use crate::form::FieldId;
use crate::remote::Remote;
use crate::store::journal::{JournalEntry, JournalOutcome};

/// How far back a batch of the same name counts as "the one we sent" when
/// the outcome is unknown: clocks differ, and the request may have waited.
const LOOKUP_SLACK_SECS: i64 = 120;

/// The result screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub review: Review,
    pub outcome: Outcome,
    /// When the body was sent.
    pub sent_at: DateTime<Utc>,
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

impl Answer {
    fn new(review: Review, outcome: Outcome, sent_at: DateTime<Utc>) -> Self {
        Self {
            review,
            outcome,
            sent_at,
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

    /// Whether `r` can ever send again from here: not after a success, an
    /// answer that sending again would only repeat, or once the list shows
    /// the batch exists.
    pub fn may_resend(&self) -> bool {
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
        match &self.outcome {
            Outcome::Created(_) => Err("This batch was created; n starts a new one.".into()),
            Outcome::Failed(e) if e.is_permanent() => Err(
                "Sending the same body again would get the same answer: Esc, fix, resend.".into(),
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

/// Enter on the review: send once.
pub(super) fn submit(app: &mut App) -> Vec<Cmd> {
    // Only the review submits; on the sending screen Enter is unbound, so a
    // second Enter or a key repeat sends nothing more.
    let Screen::Review(review) = &app.screen else {
        return Vec::new();
    };
    let review = review.clone();
    send(app, review)
}

fn send(app: &mut App, review: Review) -> Vec<Cmd> {
    app.next_request_id += 1;
    let request_id = app.next_request_id;
    let body = review.body.clone();
    app.screen = Screen::Sending {
        review,
        request_id,
        started: Instant::now(),
        sent_at: app.now,
    };
    vec![Cmd::Submit { request_id, body }]
}

/// `r` on the result: the same body again, when that is safe.
pub(super) fn resend(app: &mut App) -> Vec<Cmd> {
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
            if answer.is_unknown() && !answer.resend_armed {
                answer.resend_armed = true;
            }
            app.notice = Some(why);
            Vec::new()
        }
    }
}

/// Esc while sending: stop waiting. The body may have arrived.
pub(super) fn abandon(app: &mut App) -> Vec<Cmd> {
    let Screen::Sending {
        review,
        request_id,
        started,
        sent_at,
    } = std::mem::replace(&mut app.screen, Screen::Form)
    else {
        return Vec::new();
    };
    let outcome = Outcome::Abandoned {
        after: started.elapsed(),
    };
    let mut cmds = vec![Cmd::CancelSubmit { request_id }];
    cmds.extend(finish(app, Answer::new(review, outcome, sent_at)));
    cmds
}

/// The answer to a submit, if it is the one being waited for.
pub(super) fn finished(
    app: &mut App,
    request_id: u64,
    result: Result<Created, ApiError>,
) -> Vec<Cmd> {
    let Screen::Sending {
        request_id: current,
        ..
    } = &app.screen
    else {
        return Vec::new();
    };
    if *current != request_id {
        return Vec::new();
    }
    let Screen::Sending {
        review, sent_at, ..
    } = std::mem::replace(&mut app.screen, Screen::Form)
    else {
        return Vec::new();
    };
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
            app.known_batches.push(super::KnownBatch {
                name: review.request.batch_name.clone(),
                id: created.batch_id.clone(),
                time: sent_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                target: target_name(&app.context.target),
            });
            Outcome::Created(created)
        }
        Err(e) => Outcome::Failed(e),
    };
    let mut answer = Answer::new(review, outcome, sent_at);
    answer.not_before = not_before;
    let mut cmds = finish(app, answer);
    if forget {
        cmds.push(super::files::forget_draft(app));
    }
    cmds
}

/// Shows the answer, journals it, and asks the batch list about it.
fn finish(app: &mut App, mut answer: Answer) -> Vec<Cmd> {
    let mut cmds = vec![Cmd::Journal(Box::new(journal_entry(app, &answer)))];
    let check = matches!(answer.outcome, Outcome::Created(_)) || answer.is_unknown();
    if check && app.context.can_list_batches {
        app.next_request_id += 1;
        answer.lookup.start_loading();
        cmds.push(Cmd::FindBatch {
            request_id: app.next_request_id,
            name: answer.review.request.batch_name.clone(),
        });
        app.lookup_id = app.next_request_id;
    }
    app.screen = Screen::Result(Box::new(answer));
    cmds
}

/// The batch list's answer, if it is for the answer on screen.
pub(super) fn batches_found(
    app: &mut App,
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

pub(super) fn target_name(target: &TargetLabel) -> String {
    match target {
        TargetLabel::Sandbox => "sandbox".to_owned(),
        TargetLabel::Remote { host, .. } => host.clone(),
    }
}

fn journal_entry(app: &App, answer: &Answer) -> JournalEntry {
    let (outcome, batch_id, request_id, status, error) = match &answer.outcome {
        Outcome::Created(c) => (
            JournalOutcome::Created,
            Some(c.batch_id.clone()),
            c.request_id.clone(),
            None,
            None,
        ),
        Outcome::Failed(e) => (
            if e.outcome_unknown() {
                JournalOutcome::Unknown
            } else {
                JournalOutcome::Failed
            },
            None,
            e.request_id().map(str::to_owned),
            e.status(),
            Some(e.to_string()),
        ),
        Outcome::Abandoned { after } => (
            JournalOutcome::Unknown,
            None,
            None,
            None,
            Some(format!(
                "the operator stopped waiting after {:.1} s",
                after.as_secs_f32()
            )),
        ),
    };
    JournalEntry {
        time: answer
            .sent_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        target: target_name(&app.context.target),
        outcome,
        batch_name: answer.review.request.batch_name.clone(),
        batch_id,
        request_id,
        status,
        error,
        body: serde_json::from_str(&answer.review.body).unwrap_or_default(),
    }
}
