//! Whether a batch is moving, why not, and when it will end.
//!
//! Weya's answers say a batch's status and counts, never why it is not
//! calling nor its schedule. What this module knows it is told: the
//! counts seen over time (a [`History`] per batch, kept by whoever
//! refreshes: the TUI's views, `batch watch`), the schedule and retry
//! settings of a batch created from this machine (its createBatch body),
//! and the calls' attempts on the pages read. From that it says why a
//! batch is not moving ([`stall`]) and when it will end ([`forecast`]).
//! Pure: every function takes the time it is asked at.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::api::{BatchSummary, Call};
use crate::domain::schedule::{CallingSchedule, next_windows};

/// How long an active batch in its window may go without progress before
/// that is said.
pub const STALL_AFTER: Duration = Duration::minutes(10);

/// The span of calling the rate is measured over: the most recent this
/// long of it.
const RATE_SPAN: Duration = Duration::minutes(15);

/// The least calling time a rate is measured over: less says too little.
const MIN_RATE_SPAN: Duration = Duration::seconds(60);

/// The most samples a batch's history keeps (a refresh every second for
/// the rate's span would be 900: one in four is plenty).
const MAX_SAMPLES: usize = 240;

/// How far ahead a forecast walks the windows: past a year it says so.
const FORECAST_HORIZON_DAYS: u32 = 370;

/// The retry settings a batch was created with: Weya documents no
/// default for either, so they are known only from a body that gives
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub retries: u32,
    pub delay_secs: u64,
}

impl RetryPolicy {
    /// The wait between two tries.
    pub fn delay(self) -> Duration {
        Duration::seconds(i64::try_from(self.delay_secs).unwrap_or(i64::MAX / 2_000))
    }

    /// From a createBatch body: `retry` and `delay` both given, or `retry`
    /// 0 (no retries, so no delay to wait).
    pub fn from_body(body: &Value) -> Option<Self> {
        let retries = u32::try_from(body.get("retry")?.as_u64()?).ok()?;
        let delay_secs = match body.get("delay").and_then(Value::as_u64) {
            Some(d) => d,
            None if retries == 0 => 0,
            None => return None,
        };
        Some(Self {
            retries,
            delay_secs,
        })
    }
}

/// What is known of a batch's plan: its schedule and retries, each when
/// its createBatch body gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub schedule: Option<CallingSchedule>,
    pub retry: Option<RetryPolicy>,
}

/// What replaces a batch's window reasoning when the dialer behind the
/// connection calls at any hour (the sandbox's `--ignore-window`): no
/// "outside its calling window", since it calls all the same.
pub const WINDOW_IGNORED: &str =
    "the sandbox ignores the calling window (--ignore-window): it calls at any hour, on any day";

impl Plan {
    /// The plan as the dialer follows it: with `ignores_window` (the
    /// sandbox's `--ignore-window`), no window holds the calls back, so
    /// none is reasoned from (stalls, forecasts).
    #[must_use]
    pub fn as_dialed(mut self, ignores_window: bool) -> Self {
        if ignores_window {
            self.schedule = None;
        }
        self
    }

    pub fn from_body(body: &Value) -> Self {
        Self {
            schedule: CallingSchedule::from_body(body),
            retry: RetryPolicy::from_body(body),
        }
    }
}

/// One look at a batch's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub completed: u64,
    pub picked: u64,
}

/// What refreshes have seen of one batch: recent samples of its counts,
/// its status, and since when nothing has moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    samples: VecDeque<Sample>,
    status: String,
    total: Option<u64>,
    /// When the counts or the status last changed (or were first seen).
    last_change: Option<DateTime<Utc>>,
}

/// What changed between two looks at a batch, seen while running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Completed,
    Stopped,
    /// It was moving, and now is not, for a reason worth a word.
    Stalled(Stall),
}

impl History {
    /// Records a look at `at`. Counts that went down (the batch was
    /// restarted with other calls, or another server answered) start the
    /// history again.
    pub fn record(
        &mut self,
        at: DateTime<Utc>,
        status: &str,
        total: Option<u64>,
        completed: u64,
        picked: u64,
    ) {
        let sample = Sample {
            at,
            completed,
            picked,
        };
        match self.samples.back() {
            Some(last) if at < last.at => return,
            Some(last) if completed < last.completed || picked < last.picked => {
                self.samples.clear();
                self.last_change = Some(at);
            }
            Some(last) if (last.completed, last.picked) != (completed, picked) => {
                self.last_change = Some(at);
            }
            Some(_) if self.status != status => self.last_change = Some(at),
            Some(_) => {}
            None => self.last_change = Some(at),
        }
        status.clone_into(&mut self.status);
        self.total = total;
        self.samples.push_back(sample);
        // The oldest go once the rest still span the rate's span.
        while self.samples.len() > MAX_SAMPLES
            || self.samples.get(1).is_some_and(|s| at - s.at >= RATE_SPAN)
        {
            self.samples.pop_front();
        }
    }

    pub fn latest(&self) -> Option<Sample> {
        self.samples.back().copied()
    }

    /// How long nothing has moved, when this history has watched that
    /// long (a batch first seen a minute ago has not been quiet for ten).
    pub fn quiet_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.last_change.map(|t| now - t)
    }

    /// Calls completed per minute of calling over the recent samples
    /// (minutes outside the window do not count, when it is known). `None`
    /// until they span a minute of calling with some progress.
    pub fn rate(&self, schedule: Option<&CallingSchedule>) -> Option<Rate> {
        let (first, last) = (self.samples.front()?, self.samples.back()?);
        let done = last.completed.checked_sub(first.completed)?;
        let minutes = calling_time(schedule, first.at, last.at);
        if done == 0 || minutes < MIN_RATE_SPAN {
            return None;
        }
        Some(Rate {
            per_minute: done as f64 / (minutes.num_seconds() as f64 / 60.0),
            basis: format!("the rate of the last {}", span_text(minutes)),
        })
    }
}

/// Every batch's [`History`], by ID.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    by_id: HashMap<String, History>,
    /// The status a start or stop this app's operator sent leads to, by
    /// batch ID, until a look shows a change of status: that change is
    /// theirs, not news ([`Tracker::acted`]).
    own: HashMap<String, String>,
}

impl Tracker {
    pub fn get(&self, id: &str) -> Option<&History> {
        self.by_id.get(id)
    }

    /// This app's operator sent a start or stop to batch `id`, which
    /// leads to `status` ("active", "stopped"). The next change of status
    /// a look shows is theirs: when it is to `status` it is not news (the
    /// operator knows; the bell is for what happens elsewhere). A later
    /// change, or one to another status, still is.
    pub fn acted(&mut self, id: &str, status: &str) {
        self.own.insert(id.to_owned(), status.to_owned());
    }

    /// Records a look at `batch` and says what changed since the last
    /// one. A batch seen for the first time has changed nothing: only a
    /// change seen while running is news.
    pub fn record(
        &mut self,
        batch: &BatchSummary,
        plan: Option<&Plan>,
        now: DateTime<Utc>,
    ) -> Option<Transition> {
        let history = self.by_id.entry(batch.id.clone()).or_default();
        // What it was as of the last look, at that look's time.
        let before = history.latest().map(|last| {
            let situation = history.situation(plan, last.at);
            (history.status.clone(), stall(&situation))
        });
        history.record(
            now,
            &batch.queue_status,
            batch.total_calls,
            batch.calls_completed.unwrap_or(0),
            batch.calls_picked.unwrap_or(0),
        );
        let (status_before, stall_before) = before?;
        let status = batch.queue_status.as_str();
        if let Some(expected) = self.own.get(&batch.id) {
            let ours = status == expected;
            if ours || status != status_before {
                self.own.remove(&batch.id);
            }
            if ours && status != status_before {
                return None;
            }
        }
        if status != status_before {
            return match status {
                "completed" => Some(Transition::Completed),
                "stopped" => Some(Transition::Stopped),
                _ => None,
            };
        }
        let stall_now = stall(&history.situation(plan, now))?;
        let was = stall_before.map(|s| s.reason);
        (stall_now.reason.is_news() && was != Some(stall_now.reason))
            .then_some(Transition::Stalled(stall_now))
    }
}

impl History {
    /// What this history says of its batch at `now`, for [`stall`].
    pub fn situation<'a>(&'a self, plan: Option<&'a Plan>, now: DateTime<Utc>) -> Situation<'a> {
        let latest = self.latest();
        Situation {
            status: &self.status,
            total: self.total,
            completed: latest.map(|s| s.completed),
            schedule: plan.and_then(|p| p.schedule.as_ref()),
            calls: None,
            quiet: self.quiet_for(now),
            now,
        }
    }
}

/// A rate of progress, and what it was measured on.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// Calls completed per minute of calling.
    pub per_minute: f64,
    /// "84 completed in the last 12 min of calling seen".
    pub basis: String,
}

/// The time within `from`..`to` that the schedule allows calling in (all
/// of it when the schedule is not known).
pub fn calling_time(
    schedule: Option<&CallingSchedule>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Duration {
    if to <= from {
        return Duration::zero();
    }
    let Some(s) = schedule else {
        return to - from;
    };
    let days = u32::try_from((to - from).num_days() + 2).unwrap_or(u32::MAX);
    next_windows(s.timezone, s.start, s.end, &s.days, from, usize::MAX, days)
        .into_iter()
        .take_while(|w| w.start < to)
        .map(|w| w.end.min(to) - w.start.max(from))
        .filter(|d| *d > Duration::zero())
        .fold(Duration::zero(), |a, b| a + b)
}

/// "12 min", "3 h 20 min", "2 d 4 h".
pub fn span_text(d: Duration) -> String {
    let minutes = d.num_minutes().max(1);
    match minutes {
        ..60 => format!("{minutes} min"),
        60..1440 if minutes % 60 == 0 => format!("{} h", minutes / 60),
        60..1440 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ if minutes % 1440 / 60 == 0 => format!("{} d", minutes / 1440),
        _ => format!("{} d {} h", minutes / 1440, minutes % 1440 / 60),
    }
}

/// What a screen says of a batch from its latest counts and what was
/// seen of it before: why it is not moving, and when it will end.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    pub stall: Option<Stall>,
    pub forecast: Result<Forecast, NoForecast>,
}

impl Outlook {
    /// Of `batch` as the list shows it, with its `history` (when it has
    /// been watched), `schedule` (when known) and what the last walk of
    /// its `calls` said (when it was walked: who waits out a retry delay,
    /// and the rate of completions when the history has none yet), at
    /// `now`.
    pub fn of_summary(
        batch: &BatchSummary,
        history: Option<&History>,
        schedule: Option<&CallingSchedule>,
        calls: Option<&CallsSeen>,
        now: DateTime<Utc>,
    ) -> Self {
        let status = batch.queue_status.as_str();
        let calls = calls.filter(|c| c.read > 0);
        let situation = Situation {
            status,
            total: batch.total_calls,
            completed: batch.calls_completed,
            schedule,
            calls,
            quiet: history.and_then(|h| h.quiet_for(now)),
            now,
        };
        let rate = history
            .and_then(|h| h.rate(schedule))
            .or_else(|| calls.and_then(|c| c.rate(schedule)));
        Self::of(&situation, rate.as_ref())
    }

    /// What one look at a batch (`s`) says, calling at `rate`: why it is
    /// not moving, and when it will end. A batch with nothing left to
    /// call has no forecast ([`NoForecast::NothingLeft`]): it is
    /// finishing, and a time computed from the calls not completed would
    /// only move out at every look. The one engine behind the list, a
    /// batch's details, `batch view` and `batch watch`.
    pub fn of(s: &Situation<'_>, rate: Option<&Rate>) -> Self {
        let stall = stall(s);
        let forecast = if stall
            .as_ref()
            .is_some_and(|st| st.reason == StallReason::NothingLeft)
        {
            Err(NoForecast::NothingLeft)
        } else {
            match s.calls_left() {
                Some(left) => forecast(s.status, left, rate, s.schedule, s.now),
                None => Err(NoForecast::NoRate),
            }
        };
        Self { stall, forecast }
    }
}

// ---- the calls' attempts ----

/// What the calls on the pages read say: how many wait for a first try,
/// are on the line, wait out a retry delay (and the first of those
/// retries), and when calls were completed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallsSeen {
    pub read: u64,
    pub untried: u64,
    pub on_line: u64,
    pub waiting: u64,
    /// The earliest retry due among those waiting.
    pub next_retry: Option<DateTime<Utc>>,
    /// Calls that failed on their last try whose retries are not known.
    pub failed_unknown: u64,
    /// When the calls read were completed (their last attempt's time).
    pub completed_at: Vec<DateTime<Utc>>,
    /// The latest attempt of any call read.
    pub last_attempt: Option<DateTime<Utc>>,
    /// The completions kept past which the old ones are let go (it
    /// doubles when they are all recent, so a fast batch is not sifted
    /// at every call).
    sift_at: usize,
}

/// An attempt's `createdAt`, when it reads as a time.
fn log_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The call status of an attempt still on the line (the sandbox's word;
/// Weya documents only "completed").
const IN_PROGRESS: &str = "in-progress";

/// Completions kept before the ones too old for the rate are let go: a
/// whole batch's fold keeps about a [`RATE_SPAN`] of them, not one a call.
const COMPLETIONS_KEPT: usize = 4096;

impl CallsSeen {
    /// Reads `calls`, with the batch's retry settings when known.
    pub fn of(calls: &[Call], retry: Option<RetryPolicy>) -> Self {
        let mut seen = Self::default();
        for call in calls {
            seen.add(call, retry);
        }
        seen.finish();
        seen
    }

    /// Reads one more call (a fold over every page: [`Self::finish`]
    /// once the last is read).
    pub fn add(&mut self, call: &Call, retry: Option<RetryPolicy>) {
        self.read += 1;
        let Some(last) = call.latest_log() else {
            self.untried += 1;
            return;
        };
        let at = log_time(&last.created_at);
        self.last_attempt = self.last_attempt.max(at);
        match last.call_status.as_str() {
            IN_PROGRESS => self.on_line += 1,
            "completed" => {
                self.completed_at.extend(at);
                if self.completed_at.len() > self.sift_at.max(COMPLETIONS_KEPT) {
                    self.forget_old_completions();
                    self.sift_at = self.completed_at.len() * 2;
                }
            }
            _ => match retry {
                Some(r) if call.phone_logs.len() <= r.retries as usize => {
                    self.waiting += 1;
                    let due = at.map(|at| at + r.delay());
                    self.next_retry = match (self.next_retry, due) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Some(_) => {}
                None => self.failed_unknown += 1,
            },
        }
    }

    /// Puts the completions in order, once every call is read.
    pub fn finish(&mut self) {
        self.forget_old_completions();
        self.completed_at.sort_unstable();
    }

    /// Lets go of the completions more than [`RATE_SPAN`] before the
    /// latest one: the rate never reads them.
    fn forget_old_completions(&mut self) {
        if let Some(&latest) = self.completed_at.iter().max() {
            self.completed_at.retain(|t| latest - *t <= RATE_SPAN);
        }
    }

    /// Calls completed per minute of calling between the first and the
    /// last completion read (the most recent `RATE_SPAN` of it).
    pub fn rate(&self, schedule: Option<&CallingSchedule>) -> Option<Rate> {
        let last = *self.completed_at.last()?;
        let recent: Vec<_> = self
            .completed_at
            .iter()
            .filter(|t| last - **t <= RATE_SPAN)
            .collect();
        let first = **recent.first()?;
        let minutes = calling_time(schedule, first, last);
        let done = recent.len().saturating_sub(1);
        if done == 0 || minutes < MIN_RATE_SPAN {
            return None;
        }
        Some(Rate {
            per_minute: done as f64 / (minutes.num_seconds() as f64 / 60.0),
            basis: format!(
                "the rate of {} completions in {} of calling, among {} calls read",
                recent.len(),
                span_text(minutes),
                self.read
            ),
        })
    }
}

// ---- one call's next try ----

/// What comes next for one call, from its attempts and the batch's
/// retry settings (see [`next_try`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextTry {
    /// Not called yet: its first try comes when the dialer reaches it.
    FirstTry,
    /// Its last attempt is still on the line.
    OnLine,
    /// Answered (last status `completed`): nothing more.
    Answered,
    /// Attempt `attempt` of `of` is due at `at` (the last attempt's time
    /// plus the delay).
    At {
        at: Option<DateTime<Utc>>,
        attempt: u32,
        of: u32,
    },
    /// Every try was made.
    NoMore { made: u32 },
    /// It failed, and the batch's retries are not known here.
    Unknown,
}

/// What comes next for `call` when its batch retries as `retry`.
pub fn next_try(call: &Call, retry: Option<RetryPolicy>) -> NextTry {
    let Some(last) = call.latest_log() else {
        return NextTry::FirstTry;
    };
    match last.call_status.as_str() {
        IN_PROGRESS => return NextTry::OnLine,
        "completed" => return NextTry::Answered,
        _ => {}
    }
    let Some(r) = retry else {
        return NextTry::Unknown;
    };
    let made = u32::try_from(call.phone_logs.len()).unwrap_or(u32::MAX);
    let of = r.retries.saturating_add(1);
    if made >= of {
        return NextTry::NoMore { made };
    }
    NextTry::At {
        at: log_time(&last.created_at).map(|t| t + r.delay()),
        attempt: made + 1,
        of,
    }
}

impl NextTry {
    /// "next try 17:11 (attempt 3 of 4)", "no more tries (4 of 4
    /// made)": times on the batch's clock when its window is known (and
    /// moved to its next opening when they fall outside it), else UTC.
    pub fn describe(&self, schedule: Option<&CallingSchedule>, now: DateTime<Utc>) -> String {
        match *self {
            Self::FirstTry => {
                "not called yet: its first try comes when the dialer reaches it".to_owned()
            }
            Self::OnLine => "on the line now".to_owned(),
            Self::Answered => "answered: no more tries".to_owned(),
            Self::NoMore { made } => format!("no more tries ({made} of {made} made)"),
            Self::Unknown => {
                "next try not known: retries are known only for batches made here".to_owned()
            }
            Self::At { at, attempt, of } => {
                let Some(at) = at else {
                    return format!("next try: attempt {attempt} of {of}, its time not known");
                };
                let mut when = clock_text(at, schedule, now);
                if let Some(sc) = schedule
                    && let Some(opens) = next_opening(sc, at.max(now))
                    && opens > at.max(now)
                {
                    when.push_str(&format!(
                        " — outside the window, so {}",
                        clock_text(opens, schedule, now)
                    ));
                } else if at <= now {
                    when.push_str(", due now");
                }
                format!("next try {when} (attempt {attempt} of {of})")
            }
        }
    }
}

/// "17:11" today, "Mon 09:00" another day: on the schedule's clock, else
/// UTC (said so).
fn clock_text(t: DateTime<Utc>, schedule: Option<&CallingSchedule>, now: DateTime<Utc>) -> String {
    let zone = schedule.map_or(Tz::UTC, |s| s.timezone);
    let local = t.with_timezone(&zone);
    let mut text = if local.date_naive() == now.with_timezone(&zone).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %H:%M").to_string()
    };
    if schedule.is_none() {
        text.push_str(" UTC");
    }
    text
}

// ---- why it is not moving ----

/// Why a batch is not moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StallReason {
    WindowClosed,
    RetryDelay,
    Paused,
    Stopped,
    NothingLeft,
    NoProgress,
}

impl StallReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WindowClosed => "windowClosed",
            Self::RetryDelay => "retryDelay",
            Self::Paused => "paused",
            Self::Stopped => "stopped",
            Self::NothingLeft => "nothingLeft",
            Self::NoProgress => "noProgress",
        }
    }

    /// Whether the operator should be told when it begins: a window that
    /// closes or a retry delay is the plan working; a batch that has
    /// nothing left yet is not completed, or that no longer moves for no
    /// known reason, is not.
    fn is_news(self) -> bool {
        matches!(self, Self::NothingLeft | Self::NoProgress)
    }
}

/// Why a batch is not moving, in words, and until when when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    pub reason: StallReason,
    pub detail: String,
    pub until: Option<DateTime<Utc>>,
}

impl Stall {
    pub fn to_json(&self) -> Value {
        json!({
            "reason": self.reason.as_str(),
            "detail": self.detail,
            "until": self.until.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        })
    }
}

/// What is known of a batch at a moment, to say why it is not moving.
#[derive(Debug, Clone)]
pub struct Situation<'a> {
    pub status: &'a str,
    pub total: Option<u64>,
    pub completed: Option<u64>,
    pub schedule: Option<&'a CallingSchedule>,
    /// The calls read, when pages were read.
    pub calls: Option<&'a CallsSeen>,
    /// How long nothing has moved, as watched (`None`: not watched).
    pub quiet: Option<Duration>,
    pub now: DateTime<Utc>,
}

impl Situation<'_> {
    /// The calls not completed, by Weya's counts; `None` when they are
    /// not known. (When every call is answered or out of retries, the
    /// stall says so and [`Outlook::of`] forecasts nothing.)
    pub fn calls_left(&self) -> Option<u64> {
        self.total
            .zip(self.completed)
            .map(|(t, c)| t.saturating_sub(c))
    }
}

/// Why the batch is not moving, from what is known; `None` when it is
/// moving, has ended, or nothing is known that would say.
pub fn stall(s: &Situation<'_>) -> Option<Stall> {
    let plain = |reason, detail: &str| Stall {
        reason,
        detail: detail.to_owned(),
        until: None,
    };
    match s.status {
        "paused" => return Some(plain(StallReason::Paused, "paused: it calls once started")),
        "stopped" => {
            return Some(plain(
                StallReason::Stopped,
                "stopped: it calls again only if started",
            ));
        }
        "active" => {}
        _ => return None,
    }
    let all_completed = matches!((s.total, s.completed), (Some(t), Some(c)) if t > 0 && c >= t);
    let nothing_in_calls = s.calls.is_some_and(|c| {
        c.read > 0
            && c.untried == 0
            && c.on_line == 0
            && c.waiting == 0
            && c.failed_unknown == 0
            && s.total.is_none_or(|t| c.read >= t)
    });
    if all_completed || nothing_in_calls {
        return Some(plain(
            StallReason::NothingLeft,
            "nothing left to call: every call is answered or out of retries, \
             yet Weya has not marked it completed",
        ));
    }
    if let Some(schedule) = s.schedule
        && let Some(note) = schedule.closed_note(s.now)
    {
        return Some(Stall {
            reason: StallReason::WindowClosed,
            detail: note,
            until: next_opening(schedule, s.now),
        });
    }
    if let Some(calls) = s.calls
        && calls.waiting > 0
        && calls.untried == 0
        && calls.on_line == 0
        && let Some(next) = calls.next_retry
        && next > s.now
    {
        let (zone, clock) = match s.schedule {
            Some(sc) => (sc.timezone, true),
            None => (Tz::UTC, false),
        };
        let at = |t: DateTime<Utc>| {
            let local = t.with_timezone(&zone);
            if local.date_naive() == s.now.with_timezone(&zone).date_naive() {
                local.format("%H:%M").to_string()
            } else {
                local.format("%a %H:%M").to_string()
            }
        };
        let calls_word = if calls.waiting == 1 {
            "call waits"
        } else {
            "calls wait"
        };
        let mut detail = format!(
            "{} {calls_word} out the retry delay: next at {}",
            crate::num::thousands(calls.waiting),
            at(next)
        );
        if !clock {
            detail.push_str(" UTC");
        }
        let mut until = next;
        if let Some(sc) = s.schedule
            && let Some(opens) = next_opening(sc, next)
            && opens > next
        {
            detail.push_str(&format!(" — outside the window, so {}", at(opens)));
            until = opens;
        }
        return Some(Stall {
            reason: StallReason::RetryDelay,
            detail,
            until: Some(until),
        });
    }
    match s.quiet {
        Some(quiet) if quiet >= STALL_AFTER => Some(plain(
            StallReason::NoProgress,
            &format!("no progress for {}, no known reason", span_text(quiet)),
        )),
        _ => None,
    }
}

/// What starting a batch on `schedule` at `now` means for its calls, when
/// its window is closed: "window closed: opens Mon 09:00 America/Chicago
/// (in 41 h); no one is called before then", or, on a day it does not
/// call, "Saturday is not a calling day: opens …". `None` when the window
/// is open (or nothing true can be said: see
/// [`CallingSchedule::closed_note`]). The start dialog and `batch start`
/// both say it.
pub fn start_note(schedule: &CallingSchedule, now: DateTime<Utc>) -> Option<String> {
    let opens = schedule.opens_note(now)?;
    let local = now.with_timezone(&schedule.timezone);
    let weekday = u8::try_from(local.weekday().num_days_from_sunday()).unwrap_or(0);
    let why = if schedule.days.contains(&weekday) {
        "window closed".to_owned()
    } else {
        format!("{} is not a calling day", local.format("%A"))
    };
    Some(format!("{why}: {opens}; no one is called before then"))
}

/// When the schedule next lets the batch call at or after `at` (`at`
/// itself when its window is open then).
fn next_opening(s: &CallingSchedule, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    next_windows(s.timezone, s.start, s.end, &s.days, at, 1, 8)
        .first()
        .map(|w| w.start.max(at))
}

// ---- when it ends ----

/// When a batch will end, at the rate seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// `None` when the window is not known: only the calling time left is.
    pub finish_at: Option<DateTime<Utc>>,
    pub calls_per_minute: f64,
    pub calls_left: u64,
    /// The calling time the calls left take.
    pub calling_left: Duration,
    /// The windows (so the days) that calling spans, when known.
    pub calling_days: Option<u32>,
    /// What the rate was measured on.
    pub basis: String,
    timezone: Option<Tz>,
}

/// Why there is no forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoForecast {
    NoRate,
    Paused,
    Stopped,
    Ended,
    /// The window leaves no time to call within a year (no day allowed,
    /// or a window that ends before it starts).
    NoWindowAhead,
    /// Active, and every call is answered or out of retries: Weya has yet
    /// to mark it completed.
    NothingLeft,
}

impl NoForecast {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoRate => "no rate yet",
            Self::Paused => "paused",
            Self::Stopped => "stopped",
            Self::Ended => "ended",
            Self::NoWindowAhead => "no calling window within a year",
            Self::NothingLeft => "finishing: no calls left",
        }
    }
}

/// When batch in `status` with `calls_left` calls not yet completed ends,
/// calling at `rate` only inside `schedule`'s windows (around the clock
/// when it is not known), from `now`.
pub fn forecast(
    status: &str,
    calls_left: u64,
    rate: Option<&Rate>,
    schedule: Option<&CallingSchedule>,
    now: DateTime<Utc>,
) -> Result<Forecast, NoForecast> {
    match status {
        "paused" => return Err(NoForecast::Paused),
        "stopped" => return Err(NoForecast::Stopped),
        "completed" => return Err(NoForecast::Ended),
        _ => {}
    }
    if calls_left == 0 {
        return Err(NoForecast::Ended);
    }
    let rate = rate
        .filter(|r| r.per_minute > 0.0)
        .ok_or(NoForecast::NoRate)?;
    let seconds = crate::num::round_u64((calls_left as f64 / rate.per_minute * 60.0).ceil());
    // Past a century of calling nothing is worth saying.
    let calling_left = Duration::seconds(i64::try_from(seconds.min(3_200_000_000)).unwrap_or(0));
    let (finish_at, calling_days) = match schedule {
        Some(s) => {
            let (at, days) =
                finish_in_windows(s, now, calling_left).ok_or(NoForecast::NoWindowAhead)?;
            (Some(at), Some(days))
        }
        None => (None, None),
    };
    Ok(Forecast {
        finish_at,
        calls_per_minute: rate.per_minute,
        calls_left,
        calling_left,
        calling_days,
        basis: rate.basis.clone(),
        timezone: schedule.map(|s| s.timezone),
    })
}

/// Walks the windows from `now`, spending `calling` in them: where it
/// ends, and in how many windows. Always inside a window (its end
/// included) on an allowed day; `None` when a year of windows is not
/// enough.
pub fn finish_in_windows(
    s: &CallingSchedule,
    now: DateTime<Utc>,
    calling: Duration,
) -> Option<(DateTime<Utc>, u32)> {
    let mut left = calling;
    let mut used = 0;
    for w in next_windows(
        s.timezone,
        s.start,
        s.end,
        &s.days,
        now,
        usize::MAX,
        FORECAST_HORIZON_DAYS,
    ) {
        let from = w.start.max(now);
        let room = w.end - from;
        if room <= Duration::zero() {
            continue;
        }
        used += 1;
        if left <= room {
            return Some((from + left, used));
        }
        left -= room;
    }
    None
}

impl Forecast {
    /// "at 2.1 calls/min this batch ends Thu 14:20 America/Chicago (3
    /// calling days)".
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let rate = format!("at {:.1} calls/min", self.calls_per_minute);
        match (self.finish_at, self.timezone) {
            (Some(at), Some(tz)) => {
                let local = at.with_timezone(&tz);
                let when = if at - now < Duration::days(6) {
                    local.format("%a %H:%M")
                } else {
                    local.format("%a %-d %b %H:%M")
                };
                let days = self.calling_days.unwrap_or(1);
                let days = if days == 1 {
                    "1 calling day".to_owned()
                } else {
                    format!("{days} calling days")
                };
                format!("{rate} this batch ends {when} {} ({days})", tz.name())
            }
            _ => format!(
                "{rate} this batch needs {} more of calling (its calling window is not known here)",
                span_text(self.calling_left)
            ),
        }
    }

    /// The assumptions, in one line: "assumes: the rate of the last 10
    /// min holds, in its window only; all 79 left complete (failures end
    /// it sooner)".
    pub fn assumptions(&self) -> String {
        let window = if self.timezone.is_some() {
            "in its window only"
        } else {
            "without pause"
        };
        format!(
            "assumes: {} holds, {window}; all {} left complete (failures end it sooner)",
            self.basis,
            crate::num::thousands(self.calls_left)
        )
    }

    pub fn to_json(&self) -> Value {
        json!({
            "finishAt": self.finish_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "callsPerMinute": (self.calls_per_minute * 100.0).round() / 100.0,
            "callsLeft": self.calls_left,
            "callingMinutesLeft": self.calling_left.num_minutes(),
            "callingDays": self.calling_days,
            "basis": self.basis,
        })
    }
}

#[cfg(test)]
mod tests;
