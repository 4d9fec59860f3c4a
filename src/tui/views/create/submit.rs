//! Sending a batch once, and making sense of the answer, by driving the
//! library's create engine ([`crate::create`]): the journal entry, the
//! watch of the batch list when the answer was lost, and when sending
//! again is safe. The rules are the engine's; this is their screen.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};

use super::{Cmd, CreateView, Review, Screen};
use crate::api::{ApiError, BatchSummary, Created};
use crate::connection::TargetLabel;
use crate::create::{Attempt, Hold, Look, Outcome, Sought, Verdict};
use crate::domain::schedule::CallingSchedule;
use crate::form::FieldId;
use crate::remote::Remote;
use crate::store::journal::{Answered, JournalEntry};

/// The result screen's state: the engine's [`Attempt`] (which it derefs
/// to), with the review that was sent and what only the screen needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub review: Review,
    /// The submit this answers.
    pub request_id: u64,
    pub attempt: Attempt,
    /// The batch ID was copied with OSC 52.
    pub copied: bool,
    /// The batch-list request whose looks this answer takes.
    lookup_id: u64,
    /// A watch of the list runs for it: more looks are coming.
    watching: bool,
    /// The look on the way is a refresh of a batch already known (the
    /// screen back on show): its totals, or that it is gone.
    refreshing: bool,
    /// The batch made is gone since: deleted here, or Weya no longer has
    /// it. Nothing more is asked about it.
    pub gone: Option<Gone>,
    /// Refreshes in a row whose look failed: the next waits longer.
    failures: u32,
}

/// What became of a batch made here: it is gone, and why the app says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    pub batch_id: String,
    /// "deleted in this app at 19:32:11 (Asia/Kolkata)", "deleted: Weya answers 404
    /// (not found) for its details, at …", in words for the screen.
    pub why: String,
}

impl Deref for Answer {
    type Target = Attempt;

    fn deref(&self) -> &Attempt {
        &self.attempt
    }
}

impl DerefMut for Answer {
    fn deref_mut(&mut self) -> &mut Attempt {
        &mut self.attempt
    }
}

impl Answer {
    fn new(review: Review, request_id: u64, attempt: Attempt) -> Self {
        Self {
            review,
            request_id,
            attempt,
            copied: false,
            lookup_id: 0,
            watching: false,
            refreshing: false,
            gone: None,
            failures: 0,
        }
    }

    /// The ID of the batch this send made, as far as is known: the one its
    /// answer named, or the one found in Weya's list after the answer was
    /// lost. `None` once it is gone.
    pub fn made_id(&self) -> Option<String> {
        if self.gone.is_some() {
            return None;
        }
        match &self.outcome {
            Outcome::Created(created) => Some(created.batch_id.clone()),
            _ => match self.verdict() {
                Verdict::Listed(b) => Some(b.id),
                _ => None,
            },
        }
    }

    /// The batch made, as the list last showed it (its totals), or as
    /// little as is known of it.
    pub fn made_batch(&self) -> Option<BatchSummary> {
        let id = self.made_id()?;
        Some(match self.verdict() {
            Verdict::Listed(b) if b.id == id => b,
            _ => BatchSummary {
                id,
                batch_name: self.review.request.batch_name.clone(),
                ..BatchSummary::default()
            },
        })
    }

    /// Newer totals of the batch made, read elsewhere in the app.
    fn seen(&mut self, fresh: BatchSummary) {
        if self.made_id().as_deref() != Some(fresh.id.as_str()) {
            return;
        }
        match &mut self.attempt.lookup {
            Remote::Loaded(batches) => match batches.iter_mut().find(|b| b.id == fresh.id) {
                Some(kept) => *kept = fresh,
                None => batches.insert(0, fresh),
            },
            other => *other = Remote::Loaded(vec![fresh]),
        }
    }

    /// When it was sent.
    pub fn sent_at(&self) -> DateTime<Utc> {
        self.attempt.sought.sent_at
    }

    /// Whether it must stay in mind once its screen is left: its fate is
    /// not known yet, or sending its name again is the operator's call.
    fn outlives_its_screen(&self, now: DateTime<Utc>) -> bool {
        !self.is_settled(now) || matches!(self.resend(now), Err(Hold::Doubt { .. }))
    }
}

/// What the operator is told while a send's fate is being settled, or
/// `None` when nothing is being waited for.
pub fn waiting_for(app: &CreateView) -> Option<String> {
    let answer = app.unsettled.as_deref()?;
    let name = crate::text::visible(&answer.review.request.batch_name);
    if let Some(timeout) = answer.running {
        return Some(format!(
            "Enter waits until your send of “{name}” has ended (up to {} s).",
            timeout.as_secs()
        ));
    }
    let until = answer.waiting_until()?;
    Some(format!(
        "Enter waits until {}: your send of “{name}” had no clear answer, and Weya's list \
         is watched for it.",
        app.clock().time_zoned(until)
    ))
}

/// A warning for the review of a batch named `name`, when the last send
/// of that name had no clear answer and the list shows a batch that may
/// be it.
pub fn doubt_about(app: &CreateView, name: &str) -> Option<String> {
    let earlier = app.unsettled.as_deref()?;
    if !crate::create::sighting::same_name(&earlier.review.request.batch_name, name) {
        return None;
    }
    match earlier.verdict() {
        Verdict::Candidates(c) => Some(format!(
            "Your last send of this name had no clear answer. {}",
            c.first().map(crate::create::Candidate::describe)?
        )),
        _ => None,
    }
}

/// Enter on the review: send once, unless an earlier send's fate stands
/// in the way.
pub(super) fn submit(app: &mut CreateView) -> Vec<Cmd> {
    // Only the review submits; on the sending screen Enter is unbound, so a
    // second Enter or a key repeat sends nothing more.
    let Screen::Review(review) = &app.screen else {
        return Vec::new();
    };
    let review = review.clone();
    if let Some(earlier) = app.unsettled.as_deref_mut() {
        let same_name = crate::create::sighting::same_name(
            &earlier.review.request.batch_name,
            &review.request.batch_name,
        );
        match earlier.resend(app.now) {
            Err(
                hold
                @ (Hold::FirstStillRunning { .. } | Hold::MayStillLand { .. } | Hold::Checking),
            ) => {
                // Whatever the name: one send whose fate is open at a time.
                app.notice = Some(hold.to_string());
                return Vec::new();
            }
            Err(hold @ Hold::Doubt { .. }) if same_name => {
                earlier.insist(&hold);
                if let Hold::Doubt { why } = hold {
                    app.notice = Some(format!("{why} Press Enter again to send anyway."));
                }
                return Vec::new();
            }
            _ => app.unsettled = None,
        }
    }
    send(app, review)
}

fn send(app: &mut CreateView, review: Review) -> Vec<Cmd> {
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

/// `r` on the result: the same body again, when the engine says it may go.
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
        Err(hold) => {
            answer.insist(&hold);
            app.notice = Some(hold.to_string());
            Vec::new()
        }
    }
}

/// Esc while sending: stop waiting, but let the request run. The body may
/// have arrived; aborting would only stop us hearing whether it made the
/// batch, so its answer is still taken when it comes, and the list is
/// watched for the batch meanwhile.
pub(super) fn abandon(app: &mut CreateView) -> Vec<Cmd> {
    let Screen::Sending {
        review,
        request_id,
        sent_at,
    } = std::mem::replace(&mut app.screen, Screen::Form)
    else {
        return Vec::new();
    };
    let outcome = Outcome::Abandoned {
        // The clock the loop hands in; a clock set back counts as no time.
        after: (app.now - sent_at).to_std().unwrap_or_default(),
    };
    let mut answer = Answer::new(
        review.clone(),
        request_id,
        attempt(app, &review, sent_at, outcome),
    );
    answer.runs_on(app.request_timeout);
    finish(app, answer)
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
        _ => return finished_late(app, request_id, result),
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
    let answer = Answer::new(
        review.clone(),
        request_id,
        attempt(app, &review, sent_at, Outcome::of(result)),
    );
    let mut cmds = created(app, &answer);
    cmds.extend(finish(app, answer));
    cmds
}

/// The engine's attempt for a body sent at `sent_at`, answered so now.
fn attempt(app: &CreateView, review: &Review, sent_at: DateTime<Utc>, outcome: Outcome) -> Attempt {
    let name = &review.request.batch_name;
    let target = target_name(&app.context.target);
    // Batches of this name made before from here are not the one sent.
    let known_ids = app
        .context
        .known_batches
        .iter()
        .chain(&app.known_batches)
        .filter(|k| k.target == target && k.name.trim() == name.trim())
        .map(|k| k.id.clone())
        .collect();
    let sought = Sought {
        name: name.clone(),
        sent_at,
        known_ids,
    };
    Attempt::new(
        sought,
        outcome,
        app.landing,
        app.context.can_list_batches,
        app.now,
    )
}

/// What a new batch changes beyond the screen: it is known to this
/// session, and the draft that made it is no longer needed.
fn created(app: &mut CreateView, answer: &Answer) -> Vec<Cmd> {
    let Outcome::Created(created) = &answer.outcome else {
        return Vec::new();
    };
    let known = known_batch(app, &answer.review, answer.sent_at(), &created.batch_id);
    app.known_batches.push(known);
    vec![super::files::forget_draft(app)]
}

/// The answer of a submit the operator stopped waiting for, on its result
/// screen or kept while the operator is elsewhere. On the review (whose
/// Enter was waiting for it) its result is shown; on the form, where the
/// operator may be typing, it is told in a notice.
fn finished_late(
    app: &mut CreateView,
    request_id: u64,
    result: Result<Created, ApiError>,
) -> Vec<Cmd> {
    let on_screen = matches!(&app.screen, Screen::Result(a) if a.request_id == request_id && a.running.is_some());
    let kept = app
        .unsettled
        .as_ref()
        .is_some_and(|a| a.request_id == request_id && a.running.is_some());
    if !on_screen && !kept {
        return Vec::new();
    }
    if kept && matches!(app.screen, Screen::Review(_)) {
        // The Enter it was holding back would have made a second batch.
        if let Some(answer) = app.unsettled.take() {
            app.screen = Screen::Result(answer);
            app.notice = None;
        }
    }
    let now = app.now;
    let Some(answer) = answer_mut(app, request_id) else {
        return Vec::new();
    };
    answer.answered(result, now);
    let answer = answer.clone();
    let mut cmds = vec![journal(app, &answer)];
    let shown = matches!(&app.screen, Screen::Result(a) if a.request_id == request_id);
    if shown {
        cmds.extend(created(app, &answer));
        cmds.extend(look_again(app, request_id));
        return cmds;
    }
    // On the form the operator may be typing: the draft is theirs now.
    let name = crate::text::visible(&answer.review.request.batch_name).into_owned();
    app.notice = Some(match &answer.outcome {
        Outcome::Created(created) => {
            let known = known_batch(app, &answer.review, answer.sent_at(), &created.batch_id);
            app.known_batches.push(known);
            format!(
                "The batch you stopped waiting for, “{name}”, was created after all: {}.",
                created.batch_id
            )
        }
        Outcome::Failed(e) if e.outcome_unknown() => format!(
            "The send of “{name}” you stopped waiting for ended without a clear answer ({e}): \
             Weya's list is watched for it before anything is sent again."
        ),
        Outcome::Failed(e) => format!("The send of “{name}” you stopped waiting for failed: {e}."),
        Outcome::Abandoned { .. } => String::new(),
    });
    if answer.outlives_its_screen(now) {
        cmds.extend(look_again(app, request_id));
    } else {
        // Settled by its own answer: nothing stays in mind off screen.
        if answer.watching {
            cmds.push(Cmd::StopBatchLookup);
        }
        app.last_result = app.unsettled.take();
    }
    cmds
}

/// After a late answer: a new batch is confirmed in the list at once; a
/// definite failure needs no more looks; a lost answer is looked for until
/// the request can no longer land (again, if the watch already ended: its
/// looks were made while the request ran).
fn look_again(app: &mut CreateView, request_id: u64) -> Vec<Cmd> {
    let Some(answer) = answer_mut(app, request_id) else {
        return Vec::new();
    };
    if answer.wants_lookup() {
        if answer.is_unknown() && answer.watching {
            return Vec::new();
        }
        let mut answer = answer.clone();
        let cmds = watch(app, &mut answer);
        if let Some(slot) = answer_mut(app, request_id) {
            *slot = answer;
        }
        return cmds;
    }
    let stop = answer.watching;
    answer.watching = false;
    if stop {
        vec![Cmd::StopBatchLookup]
    } else {
        Vec::new()
    }
}

/// The answer of submit `request_id`, on screen or kept off it.
fn answer_mut(app: &mut CreateView, request_id: u64) -> Option<&mut Answer> {
    match &mut app.screen {
        Screen::Result(a) if a.request_id == request_id => Some(a),
        _ => app
            .unsettled
            .as_deref_mut()
            .filter(|a| a.request_id == request_id),
    }
}

/// The answer that takes looks of batch-list request `lookup_id`.
fn answer_of_lookup(app: &mut CreateView, lookup_id: u64) -> Option<&mut Answer> {
    match &mut app.screen {
        Screen::Result(a) if a.lookup_id == lookup_id => Some(a),
        _ => app
            .unsettled
            .as_deref_mut()
            .filter(|a| a.lookup_id == lookup_id),
    }
}

/// Starts watching the list for `answer`'s batch.
fn watch(app: &mut CreateView, answer: &mut Answer) -> Vec<Cmd> {
    app.next_request_id += 1;
    answer.lookup_id = app.next_request_id;
    answer.watching = true;
    answer.start_looking();
    vec![Cmd::WatchForBatch {
        request_id: answer.lookup_id,
        sought: Box::new(answer.sought.clone()),
        wait: answer.watch_for(app.now),
        every: app.landing.every,
    }]
}

/// Leaving the result screen: an answer whose fate is still open stays in
/// mind (its watch goes on, and nothing else is sent until it settles).
pub(super) fn leave_result(app: &mut CreateView) {
    if let Screen::Result(answer) = std::mem::replace(&mut app.screen, Screen::Form) {
        if answer.outlives_its_screen(app.now) {
            app.unsettled = Some(answer);
        } else {
            app.last_result = Some(answer);
        }
    }
}

fn known_batch(
    app: &CreateView,
    review: &Review,
    sent_at: DateTime<Utc>,
    batch_id: &str,
) -> super::KnownBatch {
    let body: Option<serde_json::Value> = serde_json::from_str(&review.body).ok();
    super::KnownBatch {
        name: review.request.batch_name.clone(),
        id: batch_id.to_owned(),
        time: sent_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        target: target_name(&app.context.target),
        timezone: review.request.timezone.clone(),
        schedule: body.as_ref().and_then(CallingSchedule::from_body),
        retry: body
            .as_ref()
            .and_then(crate::campaign::progress::RetryPolicy::from_body),
    }
}

/// Shows the answer, journals it, and watches the batch list for it.
fn finish(app: &mut CreateView, mut answer: Answer) -> Vec<Cmd> {
    let mut cmds = vec![journal(app, &answer)];
    if answer.wants_lookup() {
        cmds.extend(watch(app, &mut answer));
    }
    app.screen = Screen::Result(Box::new(answer));
    cmds
}

/// A look at the batch list, for the answer on screen or the one kept off
/// it. When it settles a kept answer, the operator is told.
pub(super) fn batches_found(app: &mut CreateView, request_id: u64, look: Look) -> Vec<Cmd> {
    let now = app.now;
    let clock = app.clock();
    let Some(answer) = answer_of_lookup(app, request_id) else {
        return Vec::new();
    };
    if answer.refreshing {
        refreshed(answer, look, now, clock);
        return Vec::new();
    }
    if look.next_in.is_none() {
        answer.watching = false;
    }
    let was_listed = matches!(answer.verdict(), Verdict::Listed(_));
    answer.looked(look, now);
    let mut cmds = Vec::new();
    let answer = answer.clone();
    if let (false, true, Verdict::Listed(b)) = (was_listed, answer.is_unknown(), answer.verdict()) {
        // Found after its answer was lost: it was made. The journal and
        // this session know it from now on.
        cmds.push(Cmd::Journal(Box::new(found_entry(app, &answer, &b))));
        let known = known_batch(app, &answer.review, answer.sent_at(), &b.id);
        app.known_batches.push(known);
    }
    let kept = app
        .unsettled
        .as_ref()
        .is_some_and(|a| a.lookup_id == request_id);
    if kept && answer.is_settled(now) {
        if matches!(app.screen, Screen::Review(_)) {
            // The review's Enter was waiting for this: what became of the
            // first send is what to read before sending anything.
            if let Some(answer) = app.unsettled.take() {
                app.screen = Screen::Result(answer);
                app.notice = None;
            }
        } else {
            app.notice = Some(settled_notice(&answer));
            if !answer.outlives_its_screen(now) {
                app.last_result = app.unsettled.take();
            }
        }
    }
    cmds
}

/// What became of a send whose answer was lost, told on the form.
fn settled_notice(answer: &Answer) -> String {
    let name = crate::text::visible(&answer.review.request.batch_name).into_owned();
    match answer.verdict() {
        Verdict::Listed(b) => format!(
            "Your send of “{name}”, whose answer was lost, is in Weya's list: batch {}. It is \
             not sent again.",
            crate::text::visible(&b.id)
        ),
        Verdict::Absent => format!(
            "Your send of “{name}”, whose answer was lost, is not in Weya's list after it could \
             no longer land: sending it again is safe."
        ),
        Verdict::Candidates(c) => format!(
            "Your send of “{name}” had no clear answer. {} Check before sending it again.",
            c.first()
                .map(crate::create::Candidate::describe)
                .unwrap_or_default()
        ),
        Verdict::Unreadable(e) => format!(
            "Your send of “{name}” had no clear answer, and Weya's list could not be read ({e}): \
             check Weya's dashboard before sending it again."
        ),
        Verdict::Unchecked => format!(
            "Your send of “{name}” had no clear answer: check Weya's dashboard before sending \
             it again."
        ),
    }
}

pub(crate) fn target_name(target: &TargetLabel) -> String {
    match target {
        TargetLabel::Sandbox => "sandbox".to_owned(),
        TargetLabel::Remote { host, .. } => host.clone(),
    }
}

fn journal(app: &CreateView, answer: &Answer) -> Cmd {
    let answered = match &answer.outcome {
        Outcome::Created(created) => Answered::Created(created),
        Outcome::Failed(e) => Answered::Failed(e),
        Outcome::Abandoned { after } => Answered::Abandoned { after: *after },
    };
    Cmd::Journal(Box::new(JournalEntry::new(
        answer.sent_at(),
        target_name(&app.context.target),
        answer.review.request.batch_name.clone(),
        &answer.review.body,
        answered,
    )))
}

/// The journal's entry of a batch found in the list after its answer was
/// lost.
fn found_entry(app: &CreateView, answer: &Answer, batch: &BatchSummary) -> JournalEntry {
    JournalEntry::new(
        answer.sent_at(),
        target_name(&app.context.target),
        answer.review.request.batch_name.clone(),
        &answer.review.body,
        Answered::Found {
            batch_id: &batch.id,
        },
    )
}

/// The result back on screen, or its refresh due ([`refresh_every`]):
/// one look at Weya's list for the batch it made, for its totals now
/// (contacts imported since) or to learn it is gone. One request at a
/// time; none once the batch is gone, or when the list cannot be asked.
pub(super) fn refresh(app: &mut CreateView) -> Vec<Cmd> {
    let Screen::Result(answer) = &mut app.screen else {
        return Vec::new();
    };
    if answer.made_id().is_none() || !answer.can_look || answer.watching {
        return Vec::new();
    }
    app.next_request_id += 1;
    answer.lookup_id = app.next_request_id;
    answer.watching = true;
    answer.refreshing = true;
    vec![Cmd::WatchForBatch {
        request_id: answer.lookup_id,
        sought: Box::new(answer.sought.clone()),
        wait: std::time::Duration::ZERO,
        every: app.landing.every,
    }]
}

/// How long after the last look the result on show looks at its batch
/// again: the list's refresh (`WEYA_REFRESH_SECS`), after failed looks
/// the list's backoff (never shorter than the refresh). `None` while a
/// look is on its way (the wait counts from its answer), once the batch
/// is gone, before one is known made, or when the list cannot be asked.
pub(super) fn refresh_every(app: &CreateView) -> Option<std::time::Duration> {
    use crate::tui::views::batches::live::BACKOFF;
    let Screen::Result(answer) = &app.screen else {
        return None;
    };
    if answer.made_id().is_none() || !answer.can_look || answer.watching {
        return None;
    }
    let refresh = app.context.refresh;
    Some(match answer.failures {
        0 => refresh,
        n => BACKOFF[usize::try_from(n - 1)
            .unwrap_or(usize::MAX)
            .min(BACKOFF.len() - 1)]
        .max(refresh),
    })
}

/// A refresh's look: the batch's totals now, or, when the list (searched
/// for its name) no longer has it, that it is gone. A look that failed
/// changes nothing: what was shown stays.
fn refreshed(
    answer: &mut Answer,
    look: Look,
    now: DateTime<Utc>,
    clock: crate::domain::clock::LocalClock,
) {
    answer.refreshing = false;
    answer.watching = false;
    answer.failures = if look.result.is_ok() {
        0
    } else {
        answer.failures.saturating_add(1)
    };
    let (Ok(batches), Some(id)) = (look.result, answer.made_id()) else {
        return;
    };
    match batches.into_iter().find(|b| b.id == id) {
        Some(fresh) => answer.seen(fresh),
        None => {
            answer.gone = Some(Gone {
                batch_id: id,
                why: format!(
                    "deleted: no longer in Weya's list, looked at {}",
                    clock.time_zoned(now)
                ),
            });
        }
    }
}

/// The app read batch `fresh` elsewhere (the list, a batch's header):
/// the result of the batch made here shows its totals now.
pub(super) fn batch_seen(app: &mut CreateView, fresh: BatchSummary) {
    if let Screen::Result(answer) = &mut app.screen {
        answer.seen(fresh);
    }
}

/// The app learnt batch `batch_id` is gone: its result says so and asks
/// nothing more about it.
pub(super) fn batch_gone(app: &mut CreateView, batch_id: &str, why: String) -> Vec<Cmd> {
    let Screen::Result(answer) = &mut app.screen else {
        return Vec::new();
    };
    if answer.made_id().as_deref() != Some(batch_id) {
        return Vec::new();
    }
    answer.gone = Some(Gone {
        batch_id: batch_id.to_owned(),
        why,
    });
    answer.refreshing = false;
    if std::mem::take(&mut answer.watching) {
        return vec![Cmd::StopBatchLookup];
    }
    Vec::new()
}
