//! Creating a batch once: the engine that the TUI and `weya-tui create`
//! both drive, so that they send, classify, look up and decide alike.
//!
//! [`send`] sends the body; [`Outcome`] says what its answer means for the
//! batch. When no answer says whether the batch was made (a timeout, a
//! dropped connection, a success that could not be read, the operator
//! stopped waiting), the batch may exist, and may even be stored *after*
//! the client gave up: a [`Watch`] looks for it in Weya's batch list until
//! the request can no longer land ([`Landing`]), and [`Attempt`] holds what
//! is known and decides whether the same body may be sent again. A batch
//! of the same name whose date cannot be compared is a candidate shown to
//! the operator, never proof that the batch was not made ([`sighting`]).
//! The review text both front ends show is [`review`].

pub mod review;
pub mod sighting;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::api::{ApiError, BatchQuery, BatchSummary, Created, WeyaClient};
use crate::remote::Remote;
pub use sighting::{Candidate, Doubt, Sighting, Sought};

/// How long a request whose answer was lost may still create its batch,
/// unless configured ([`LANDING_ENV`]). Weya documents nothing; a server
/// commonly stops work on a request within a few minutes (proxies give up
/// after 60–100 s, Node's default request timeout is 300 s).
pub const DEFAULT_LANDING: Duration = Duration::from_secs(300);

/// The environment variable that sets [`Landing::within`], in seconds.
pub const LANDING_ENV: &str = "WEYA_LOST_ANSWER_SECS";

/// The longest wait the setting accepts: an hour.
const MAX_LANDING_SECS: u64 = 3600;

/// How often the list is looked at while a request may still land, at
/// most; a short wait looks more often (a tenth of it, from 1 s).
const LOOK_EVERY: Duration = Duration::from_secs(15);

/// The batch list page a look reads: newest first, so the batch sent is
/// near the top whatever else shares its name.
const LOOK_LIMIT: u32 = 50;

/// When a request whose answer was lost can no longer create its batch,
/// and how often Weya's list is looked at until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landing {
    /// From the moment the body was sent (and never before a request the
    /// operator stopped waiting for has ended: see [`Attempt::runs_on`]).
    pub within: Duration,
    pub every: Duration,
}

impl Landing {
    /// `within` after sending, looked at every tenth of that (from 1 s to
    /// 15 s).
    pub fn new(within: Duration) -> Self {
        let every = (within / 10).clamp(Duration::from_secs(1), LOOK_EVERY);
        Self { within, every }
    }

    /// The default, or [`LANDING_ENV`] when it is set (`get` reads the
    /// environment); a value that is not a whole number of seconds from 1
    /// to 3600 is refused with the setting named.
    pub fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        Ok(Self::new(within_from_env(get)?))
    }
}

/// [`Landing::within`] as configured: [`LANDING_ENV`], or the default.
pub fn within_from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Duration, String> {
    let Some(raw) = get(LANDING_ENV) else {
        return Ok(DEFAULT_LANDING);
    };
    match raw.trim().parse::<u64>() {
        Ok(secs) if (1..=MAX_LANDING_SECS).contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "{LANDING_ENV}={}: give the seconds a request whose answer was lost may still \
             create its batch, a whole number from 1 to {MAX_LANDING_SECS}",
            crate::text::visible(&raw)
        )),
    }
}

/// How a createBatch ended, as far as the batch is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created(Created),
    Failed(ApiError),
    /// The operator stopped waiting after this long; the request runs on.
    Abandoned {
        after: Duration,
    },
}

impl Outcome {
    pub fn of(result: Result<Created, ApiError>) -> Self {
        match result {
            Ok(created) => Self::Created(created),
            Err(e) => Self::Failed(e),
        }
    }

    /// Whether the batch may exist although no answer said so.
    pub fn is_unknown(&self) -> bool {
        match self {
            Self::Abandoned { .. } => true,
            Self::Failed(e) => e.outcome_unknown(),
            Self::Created(_) => false,
        }
    }
}

/// Sends `body`, exactly, to createBatch: once, never retried by itself.
pub async fn send(client: &WeyaClient, body: String) -> Result<Created, ApiError> {
    let result = client.create_batch_raw(body).await;
    match &result {
        Ok(created) => tracing::info!(batch_id = %created.batch_id, "batch created"),
        Err(e) => tracing::warn!(error = %e, unknown = e.outcome_unknown(), "create batch failed"),
    }
    result
}

/// One look at the batch list for a batch named `name`.
pub async fn look(client: &WeyaClient, name: &str) -> Result<Vec<BatchSummary>, ApiError> {
    let query = BatchQuery {
        page: 1,
        limit: LOOK_LIMIT,
        // A server that trims names stores " May " as "May": searched for
        // with its spaces it would not be found.
        search: Some(name.trim().to_owned()).filter(|s| !s.is_empty()),
    };
    client.list_batches(&query).await.map(|page| page.batches)
}

/// What one look at the list saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Look {
    pub result: Result<Vec<BatchSummary>, ApiError>,
    /// The look was made once the request could no longer land.
    pub conclusive: bool,
    /// When the next look comes, if one does.
    pub next_in: Option<Duration>,
}

/// Looks at the batch list for a batch until the request that may make it
/// can no longer land: at once, then every so often, and once more after
/// the deadline. It stops early when the list shows the batch, or when the
/// list cannot be asked at all (a missing setting).
pub struct Watch<'a> {
    client: &'a WeyaClient,
    sought: &'a Sought,
    deadline: tokio::time::Instant,
    every: Duration,
    next: Option<tokio::time::Instant>,
}

impl<'a> Watch<'a> {
    /// Looks until `wait` has passed (a last look after it); `wait` zero
    /// is one look.
    pub fn new(
        client: &'a WeyaClient,
        sought: &'a Sought,
        wait: Duration,
        every: Duration,
    ) -> Self {
        let now = tokio::time::Instant::now();
        Self {
            client,
            sought,
            deadline: now + wait,
            every: every.max(Duration::from_millis(10)),
            next: Some(now),
        }
    }

    /// The next look, once it is due; `None` when the watch is over.
    pub async fn next(&mut self) -> Option<Look> {
        let due = self.next.take()?;
        tokio::time::sleep_until(due).await;
        let started = tokio::time::Instant::now();
        let result = look(self.client, &self.sought.name).await;
        let conclusive = started >= self.deadline;
        let over = conclusive
            || match &result {
                Ok(batches) => matches!(sighting::sight(self.sought, batches), Sighting::Found(_)),
                Err(e) => e.is_config_problem(),
            };
        if !over {
            let now = tokio::time::Instant::now();
            // The last look is made once the deadline has passed, not
            // before it: only that one can say the batch was not made.
            let next = (now + self.every).min(self.deadline.max(now));
            self.next = Some(next);
        }
        let next_in = self
            .next
            .map(|at| at.saturating_duration_since(tokio::time::Instant::now()));
        Some(Look {
            result,
            conclusive,
            next_in,
        })
    }
}

/// What the batch list says about the batch sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not looked at (no user ID to ask the list with), or no look back yet.
    Unchecked,
    /// The list has it: by its ID when the answer gave one, else by its
    /// name and a creation time from shortly before it was sent on.
    Listed(BatchSummary),
    /// Batches that may be it: the same name (or the same once spaces are
    /// trimmed), with a date that cannot be compared or from before it was
    /// sent. The operator decides.
    Candidates(Vec<Candidate>),
    /// The list does not have it.
    Absent,
    /// The list could not be read.
    Unreadable(ApiError),
}

/// Why the same body may not be sent again now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hold {
    #[error("The server asked to wait: {secs} s left before sending again.")]
    ServerAskedToWait { secs: i64 },
    #[error(
        "The first send may still arrive (it runs until its {} s are up): nothing is sent again \
         until it has ended.",
        timeout.as_secs()
    )]
    FirstStillRunning { timeout: Duration },
    #[error("This batch was created; n starts a new one.")]
    Created,
    #[error("Sending the same body again would get the same answer: Esc, fix, resend.")]
    SameAnswer,
    #[error(
        "Weya lists batch {id} with this name, created after you sent it: it was created, so it \
         is not sent again."
    )]
    Found { id: String },
    #[error("Weya's batch list is being checked for this batch: wait for its answer.")]
    Checking,
    #[error(
        "Weya may still store the first send until {} (it is watched for in Weya's list until \
         then): nothing is sent again before a look after that time finds no such batch.",
        until.format("%H:%M:%S UTC")
    )]
    MayStillLand { until: DateTime<Utc> },
    /// Sending again is the operator's call: a second `r` sends.
    #[error("{why} Press r again to send anyway.")]
    Doubt { why: String },
}

/// One body sent to createBatch and what is known of its fate: the answer,
/// whether the request still runs, and what Weya's list has shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub sought: Sought,
    pub outcome: Outcome,
    /// The operator stopped waiting but the request runs on, for at most
    /// this long after it was sent (the request timeout).
    pub running: Option<Duration>,
    /// When the request can no longer make the batch.
    pub lands_by: DateTime<Utc>,
    /// How long after sending it may land, and how often to look.
    pub landing: Landing,
    /// The latest look at the list. `Idle` when it cannot be looked at.
    pub lookup: Remote<Vec<BatchSummary>>,
    /// The latest look was made once the request could no longer land.
    pub conclusive: bool,
    /// When the next look comes, while the list is watched.
    pub next_look: Option<DateTime<Utc>>,
    /// The list can be asked (a user ID is configured).
    pub can_look: bool,
    /// The operator asked to send again despite a doubt the list could not
    /// clear: the next `r` sends.
    pub insisted: bool,
    /// The server asked not to be sent anything before this (Retry-After).
    pub not_before: Option<DateTime<Utc>>,
}

impl Attempt {
    /// The attempt of a body sent at `sought.sent_at`, answered so at
    /// `now`; `can_look` when the batch list can be asked.
    pub fn new(
        sought: Sought,
        outcome: Outcome,
        landing: Landing,
        can_look: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let lands_by = sought.sent_at
            + chrono::Duration::from_std(landing.within).unwrap_or(chrono::Duration::MAX / 2);
        let not_before = retry_after(&outcome, now);
        Self {
            sought,
            outcome,
            running: None,
            lands_by,
            landing,
            lookup: Remote::Idle,
            conclusive: false,
            next_look: None,
            can_look,
            insisted: false,
            not_before,
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.outcome.is_unknown()
    }

    /// Whether the list should be looked at: to confirm a new batch, or to
    /// look for one whose fate is unknown.
    pub fn wants_lookup(&self) -> bool {
        self.can_look && (matches!(self.outcome, Outcome::Created(_)) || self.is_unknown())
    }

    /// How long to watch the list from `now`: until the request can no
    /// longer land (zero for a batch that was created: one look confirms).
    pub fn watch_for(&self, now: DateTime<Utc>) -> Duration {
        match self.outcome {
            Outcome::Created(_) => Duration::ZERO,
            _ => (self.lands_by - now).to_std().unwrap_or_default(),
        }
    }

    /// The operator stopped waiting, and the request runs on for at most
    /// `timeout` after it was sent: it may land until then at least.
    pub fn runs_on(&mut self, timeout: Duration) {
        self.running = Some(timeout);
        let ends = self.sought.sent_at
            + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::MAX / 2);
        self.lands_by = self.lands_by.max(ends);
    }

    /// A look is on its way.
    pub fn start_looking(&mut self) {
        self.lookup.start_loading();
    }

    /// What a look saw, taken at `now`. A look made while the request was
    /// still running proves nothing about its absence; a list that cannot
    /// be asked at all (a missing setting) is not asked again.
    pub fn looked(&mut self, look: Look, now: DateTime<Utc>) {
        self.conclusive = look.conclusive && self.running.is_none();
        if look.result.as_ref().is_err_and(ApiError::is_config_problem) {
            self.can_look = false;
        }
        self.next_look = look
            .next_in
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| now + d);
        self.lookup.finish(look.result);
    }

    /// The answer of a request the operator stopped waiting for.
    /// The answer, at `now`, of a request the operator stopped waiting
    /// for. A look made while it ran was not conclusive; a watch goes on.
    pub fn answered(&mut self, result: Result<Created, ApiError>, now: DateTime<Utc>) {
        self.running = None;
        self.outcome = Outcome::of(result);
        self.not_before = retry_after(&self.outcome, now);
        self.insisted = false;
    }

    /// The list's word on the batch.
    pub fn verdict(&self) -> Verdict {
        match &self.lookup {
            Remote::Loaded(batches) => match &self.outcome {
                Outcome::Created(created) => batches
                    .iter()
                    .find(|b| b.id == created.batch_id)
                    .map_or(Verdict::Absent, |b| Verdict::Listed(b.clone())),
                _ => match sighting::sight(&self.sought, batches) {
                    Sighting::Found(b) => Verdict::Listed(b),
                    Sighting::Candidates(c) => Verdict::Candidates(c),
                    Sighting::Nothing => Verdict::Absent,
                },
            },
            Remote::Failed { error, .. } => Verdict::Unreadable(error.clone()),
            Remote::Idle | Remote::Loading { .. } => Verdict::Unchecked,
        }
    }

    /// Until when the operator waits for the list to settle the fate of
    /// a batch whose answer was lost: `Some` until a conclusive look.
    pub fn waiting_until(&self) -> Option<DateTime<Utc>> {
        let open = self.is_unknown()
            && self.can_look
            && !self.conclusive
            && !matches!(self.verdict(), Verdict::Listed(_));
        open.then_some(self.lands_by)
    }

    /// Whether nothing more is to be learnt: the answer said, the list
    /// found it, or a look after the deadline was made (or none can be).
    pub fn is_settled(&self, now: DateTime<Utc>) -> bool {
        if self.running.is_some() {
            return false;
        }
        if !self.is_unknown() {
            return true;
        }
        match self.verdict() {
            Verdict::Listed(_) => true,
            _ if !self.can_look => now >= self.lands_by,
            _ => self.conclusive,
        }
    }

    /// Whether the same body may be sent again now, and if not, why.
    pub fn resend(&self, now: DateTime<Utc>) -> Result<(), Hold> {
        if let Some(at) = self.not_before
            && at > now
        {
            return Err(Hold::ServerAskedToWait {
                secs: (at - now).num_seconds().max(1),
            });
        }
        if let Some(timeout) = self.running {
            return Err(Hold::FirstStillRunning { timeout });
        }
        match &self.outcome {
            Outcome::Created(_) => return Err(Hold::Created),
            Outcome::Failed(e) if e.is_permanent() => return Err(Hold::SameAnswer),
            _ if !self.is_unknown() => return Ok(()),
            _ => {}
        }
        if let Verdict::Listed(b) = self.verdict() {
            return Err(Hold::Found { id: b.id });
        }
        if self.lookup.is_loading() {
            return Err(Hold::Checking);
        }
        if !self.can_look {
            if now < self.lands_by {
                return Err(Hold::MayStillLand {
                    until: self.lands_by,
                });
            }
            return self.insisted_or(
                "The batch may exist and Weya's list cannot be checked (no user ID is \
                 configured): look for it in Weya's dashboard first.",
            );
        }
        if !self.conclusive {
            return Err(Hold::MayStillLand {
                until: self.lands_by,
            });
        }
        match self.verdict() {
            Verdict::Absent => Ok(()),
            Verdict::Candidates(c) => {
                let why = c.first().map(Candidate::describe).unwrap_or_default();
                self.insisted_or(&why)
            }
            Verdict::Unreadable(e) => self.insisted_or(&format!(
                "The batch may exist and Weya's list could not be read ({e})."
            )),
            Verdict::Unchecked | Verdict::Listed(_) => {
                self.insisted_or("The batch may exist and could not be checked.")
            }
        }
    }

    fn insisted_or(&self, why: &str) -> Result<(), Hold> {
        if self.insisted {
            Ok(())
        } else {
            Err(Hold::Doubt {
                why: why.to_owned(),
            })
        }
    }

    /// `r` was refused for `hold`: when only a doubt stood in the way, the
    /// next `r` sends.
    pub fn insist(&mut self, hold: &Hold) {
        if matches!(hold, Hold::Doubt { .. }) {
            self.insisted = true;
        }
    }

    /// Whether `r` is offered: it sends, or it is the operator's call.
    pub fn may_resend(&self, now: DateTime<Utc>) -> bool {
        match self.resend(now) {
            Ok(()) | Err(Hold::Doubt { .. } | Hold::ServerAskedToWait { .. }) => true,
            Err(_) => false,
        }
    }
}

/// When the server's Retry-After, counted from `from`, lets a request go.
fn retry_after(outcome: &Outcome, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match outcome {
        Outcome::Failed(ApiError::Status {
            retry_after: Some(secs),
            ..
        }) => Some(from + chrono::Duration::seconds(i64::try_from(*secs).unwrap_or(0).min(86_400))),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
