//! The simulated dialer: how the sandbox's batches make progress once
//! started.
//!
//! Its core, [`run`], is a pure function of the batches, a start time, a
//! span of time, the settings and a seeded random source: the running
//! server drives it from a tokio interval, and tests drive it with
//! [`super::Sandbox::advance`] (or a paused tokio clock) and get the same
//! calls, outcomes and transcripts every time.
//!
//! The sandbox compresses time where waiting would only bore: a call is on
//! the line for 1 to 4 seconds, while its logged `callDuration` is what a
//! real call would last. The batch's retry delay is honoured as given.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::model::{CallStep, DialQueue, QueueStatus, StoredBatch, StoredCall, iso};
use crate::api::PhoneLog;
use crate::domain::schedule;
use crate::form::time::{TimeOfDay, parse_time};

/// The dialer's granularity: [`run`] moves in slices this long, so a long
/// span gives the same result as many short ones.
pub const SLICE: Duration = Duration::from_millis(250);

/// How many days ahead [`BatchSettings::next_open`] looks: a week and a
/// day covers any set of allowed days.
const OPENING_HORIZON: u32 = 8;

/// The call status of an attempt still on the line (our assumption: Weya
/// documents only "completed").
pub const IN_PROGRESS: &str = "in-progress";

/// How the simulated dialer behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct DialerConfig {
    /// How many calls each active batch picks up per second, at most.
    pub calls_per_second: f64,
    /// Dial at any hour and on any day, whatever the batch's calling
    /// window and allowed days say (for demos at night).
    pub ignore_window: bool,
    /// Seeds the outcomes, durations and transcripts.
    pub seed: u64,
}

impl Default for DialerConfig {
    fn default() -> Self {
        Self {
            calls_per_second: 2.0,
            ignore_window: false,
            seed: 0x5eed_ca11,
        }
    }
}

/// SplitMix64: tiny, fast, and good enough to pick outcomes; seeded, so a
/// run can be repeated exactly.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Where the sequence stands: [`Rng::new`] of it goes on from here.
    pub fn state(&self) -> u64 {
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[crate::num::usize_sat(self.below(items.len() as u64))]
    }
}

/// What a batch's body says about dialing. Weya documents no defaults;
/// the sandbox's are: no retries, 60 s between retries, UTC, all day,
/// every day.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSettings {
    pub retry: u32,
    pub delay: Duration,
    pub timezone: Tz,
    pub window: Option<(TimeOfDay, TimeOfDay)>,
    pub days: Vec<u8>,
}

impl BatchSettings {
    /// From a createBatch body the sandbox accepted.
    pub fn of(body: &Value) -> Self {
        let number = |key: &str| body.get(key).and_then(Value::as_u64);
        let time = |part: &str| {
            body.get("callingHour")
                .and_then(|h| h.get(part))
                .and_then(Value::as_str)
                .and_then(|s| parse_time(s).ok())
        };
        Self {
            retry: number("retry").map_or(0, |n| n.min(100) as u32),
            delay: Duration::from_secs(number("delay").unwrap_or(60)),
            timezone: body
                .get("timezone")
                .and_then(Value::as_str)
                .and_then(|s| Tz::from_str(s).ok())
                .unwrap_or(Tz::UTC),
            window: time("start").zip(time("end")),
            days: body
                .get("allowedDays")
                .and_then(Value::as_array)
                .map(|days| {
                    days.iter()
                        .filter_map(Value::as_u64)
                        .filter(|d| *d <= 6)
                        .filter_map(|d| u8::try_from(d).ok())
                        .collect()
                })
                .unwrap_or_else(|| (0..=6).collect()),
        }
    }

    /// The earliest time from `now` at which the batch may pick up calls
    /// (`now` itself when it may now), looking a week and a day ahead;
    /// `None` when it never may in that time. Never later than the true
    /// opening: when unsure, `now`.
    pub fn next_open(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.window {
            Some((start, end)) => {
                let next = schedule::next_windows(
                    self.timezone,
                    start,
                    end,
                    &self.days,
                    now,
                    1,
                    OPENING_HORIZON,
                );
                next.first().map(|w| w.start.max(now))
            }
            None => {
                let today = schedule::today_in(self.timezone, now);
                for day in today.iter_days().take(OPENING_HORIZON as usize) {
                    let weekday =
                        crate::num::u8_sat(chrono::Datelike::weekday(&day).num_days_from_sunday());
                    if !self.days.contains(&weekday) {
                        continue;
                    }
                    if day == today {
                        return Some(now);
                    }
                    // A midnight that does not exist (a daylight-saving
                    // gap): no guess, dial slice by slice from here.
                    let Some(midnight) = day.and_hms_opt(0, 0, 0) else {
                        return Some(now);
                    };
                    return Some(
                        chrono::TimeZone::from_local_datetime(&self.timezone, &midnight)
                            .earliest()
                            .map_or(now, |t| t.with_timezone(&Utc)),
                    );
                }
                None
            }
        }
    }

    /// Whether the batch may pick up calls at `now`.
    pub fn may_dial(&self, now: DateTime<Utc>) -> bool {
        match self.window {
            Some((start, end)) => schedule::window_open(self.timezone, start, end, &self.days, now),
            None => {
                let weekday = chrono::Datelike::weekday(&now.with_timezone(&self.timezone))
                    .num_days_from_sunday();
                let weekday = crate::num::u8_sat(weekday);
                self.days.contains(&weekday)
            }
        }
    }
}

/// Moves every batch on by `span` from `from`, in [`SLICE`]s. Returns
/// whether anything changed.
///
/// Stretches in which nothing can happen are passed over rather than
/// sliced, with the same result: when no batch is active and no call is
/// on the line (nothing moves until a request comes), and while every
/// active batch's window is closed with no call on the line (nothing is
/// dialled before the earliest opening). So a start that catches up a
/// night costs the calls made, not the hours.
pub fn run(
    batches: &mut [StoredBatch],
    from: DateTime<Utc>,
    span: Duration,
    config: &DialerConfig,
    rng: &mut Rng,
) -> bool {
    // A body does not change once accepted: read once a run, not a slice.
    let settings: Vec<BatchSettings> = batches.iter().map(|b| BatchSettings::of(&b.body)).collect();
    let mut changed = false;
    let mut done = Duration::ZERO;
    while done < span {
        let at = from + chrono::Duration::from_std(done).unwrap_or_default();
        match quiet(batches, &settings, at, config) {
            Quiet::Forever => break,
            Quiet::Until(opens) => {
                let whole_slices_left = (span - done).as_nanos() / SLICE.as_nanos();
                let closed = match opens {
                    // Every slice that ends before the opening.
                    Some(opens) => {
                        let gap = (opens - at).to_std().unwrap_or_default().as_nanos();
                        gap.div_ceil(SLICE.as_nanos()).saturating_sub(1)
                    }
                    None => whole_slices_left,
                }
                .min(whole_slices_left);
                if closed > 0 {
                    // As each closed slice would leave them.
                    for batch in batches.iter_mut() {
                        if batch.status == QueueStatus::Active {
                            batch.credit = 0.0;
                        }
                    }
                    done += SLICE * u32::try_from(closed).unwrap_or(u32::MAX);
                    continue;
                }
            }
            Quiet::No => {}
        }
        let slice = SLICE.min(span - done);
        done += slice;
        let now = from + chrono::Duration::from_std(done).unwrap_or_default();
        for (batch, settings) in batches.iter_mut().zip(&settings) {
            changed |= step(batch, settings, now, slice, config, rng);
        }
    }
    changed
}

/// Whether the slices from `at` on can change anything.
enum Quiet {
    /// They may.
    No,
    /// Nothing is active and nothing on the line: nothing changes until a
    /// request comes.
    Forever,
    /// Every active batch is outside its window, none can complete, and no
    /// call is on the line: nothing changes before the earliest opening
    /// (`None`: none within a week).
    Until(Option<DateTime<Utc>>),
}

fn quiet(
    batches: &mut [StoredBatch],
    settings: &[BatchSettings],
    at: DateTime<Utc>,
    config: &DialerConfig,
) -> Quiet {
    let mut active = false;
    let mut opens: Option<DateTime<Utc>> = None;
    for (batch, settings) in batches.iter_mut().zip(settings) {
        let status = batch.status;
        let queue = queue_of(batch);
        if !queue.on_line.is_empty() {
            return Quiet::No;
        }
        if status != QueueStatus::Active {
            continue;
        }
        active = true;
        if config.ignore_window || queue.finished() {
            return Quiet::No;
        }
        match settings.next_open(at) {
            Some(t) if t <= at => return Quiet::No,
            Some(t) => opens = Some(opens.map_or(t, |o| o.min(t))),
            None => {}
        }
    }
    if active {
        Quiet::Until(opens)
    } else {
        Quiet::Forever
    }
}

/// Whether the dialer has anything to do in `batch`: it is active or a
/// call is on the line.
pub(super) fn is_busy(batch: &mut StoredBatch) -> bool {
    batch.status == QueueStatus::Active || !queue_of(batch).on_line.is_empty()
}

/// The batch's queue, built from its calls if it has none yet.
fn queue_of(batch: &mut StoredBatch) -> &mut DialQueue {
    let StoredBatch {
        queue,
        calls,
        run_from,
        ..
    } = batch;
    queue
        .0
        .get_or_insert_with(|| Box::new(DialQueue::of(calls, *run_from)))
}

/// One slice of one batch ending at `now`: calls whose time is up end
/// (whatever the batch's status: a call in progress finishes), then an
/// active batch within its window picks up what its rate allows, lowest
/// place first, then a batch whose run has nothing left is completed.
fn step(
    batch: &mut StoredBatch,
    settings: &BatchSettings,
    now: DateTime<Utc>,
    slice: Duration,
    config: &DialerConfig,
    rng: &mut Rng,
) -> bool {
    let mut queue = match batch.queue.0.take() {
        Some(queue) => queue,
        None => Box::new(DialQueue::of(&batch.calls, batch.run_from)),
    };
    let changed = step_with(batch, &mut queue, settings, now, slice, config, rng);
    batch.queue.0 = Some(queue);
    changed
}

fn step_with(
    batch: &mut StoredBatch,
    queue: &mut DialQueue,
    settings: &BatchSettings,
    now: DateTime<Utc>,
    slice: Duration,
    config: &DialerConfig,
    rng: &mut Rng,
) -> bool {
    if batch.status != QueueStatus::Active && queue.on_line.is_empty() {
        return false;
    }
    let mut changed = false;
    let run_from = batch.run_from;
    let calls = &mut batch.calls;
    queue.on_line.retain(|&i| {
        let call = &mut calls[i];
        if !matches!(&call.next, CallStep::OnCall { ends_at, .. } if *ends_at <= now) {
            return true;
        }
        finish(call, settings);
        if let CallStep::Waiting { not_before } = call.next
            && i >= run_from
        {
            match not_before {
                Some(at) => queue.later.insert((at, i)),
                None => queue.ready.insert(i),
            };
        }
        changed = true;
        false
    });
    if batch.status == QueueStatus::Active {
        if config.ignore_window || settings.may_dial(now) {
            let rate = config.calls_per_second.max(0.0);
            // At most a second's worth saved up, so a batch does not burst
            // after a quiet spell.
            batch.credit = (batch.credit + rate * slice.as_secs_f64()).min(rate.max(1.0));
            if batch.credit >= 1.0 {
                // Retries whose delay is over queue up by their place.
                while let Some(&(at, i)) = queue.later.first()
                    && at <= now
                {
                    queue.later.pop_first();
                    queue.ready.insert(i);
                }
            }
            while batch.credit >= 1.0 {
                let Some(i) = queue.ready.pop_first() else {
                    break;
                };
                pick(&mut batch.calls[i], now, rng);
                queue.on_line.push(i);
                batch.credit -= 1.0;
                changed = true;
            }
        } else {
            batch.credit = 0.0;
        }
        if queue.finished() {
            batch.status = QueueStatus::Completed;
            changed = true;
        }
    }
    if changed {
        batch.updated_at = now;
    }
    changed
}

/// Dials `call` at `now`: decides the attempt's outcome at once and puts
/// it on the line for a few seconds.
fn pick(call: &mut StoredCall, now: DateTime<Utc>, rng: &mut Rng) {
    // Plausible weights: most calls are answered, many are not.
    let outcome = match rng.below(100) {
        0..55 => "completed",
        55..80 => "no-answer",
        80..90 => "busy",
        _ => "failed",
    };
    let on_line = Duration::from_secs(1 + rng.below(4));
    let answered = outcome == "completed";
    let result = PhoneLog {
        call_status: outcome.to_owned(),
        call_duration: Some(if answered {
            (25 + rng.below(215)) as f64
        } else {
            0.0
        }),
        recording_url: answered.then(|| format!("https://sandbox.invalid/rec/{}.mp3", call.id)),
        transcript: answered.then(|| transcript(call, rng)),
        created_at: iso(now),
    };
    call.logs.push(PhoneLog {
        call_status: IN_PROGRESS.to_owned(),
        created_at: iso(now),
        ..PhoneLog::default()
    });
    call.next = CallStep::OnCall {
        ends_at: now + chrono::Duration::from_std(on_line).unwrap_or_default(),
        result: Box::new(result),
    };
}

/// Ends the attempt on the line: its log gets the outcome, and the call is
/// done, or waits the retry delay when it failed with retries left.
fn finish(call: &mut StoredCall, settings: &BatchSettings) {
    let CallStep::OnCall { ends_at, result } = std::mem::replace(&mut call.next, CallStep::Done)
    else {
        return;
    };
    let answered = result.call_status == "completed";
    match call.logs.last_mut() {
        Some(last) if last.call_status == IN_PROGRESS => *last = *result,
        _ => call.logs.push(*result),
    }
    let attempts = call.logs.len();
    if !answered && attempts <= settings.retry as usize {
        call.next = CallStep::Waiting {
            not_before: Some(
                ends_at + chrono::Duration::from_std(settings.delay).unwrap_or_default(),
            ),
        };
    }
}

/// A short conversation, in the shape of a list of turns, that uses the
/// contact's fields when it has them.
fn transcript(call: &StoredCall, rng: &mut Rng) -> Value {
    let field = |key: &str| {
        call.fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let hello = match field("name") {
        Some(name) => format!("Hello, am I speaking with {name}?"),
        None => "Hello, is this a good time to talk?".to_owned(),
    };
    let topic = match (field("plan"), field("due_date")) {
        (Some(plan), Some(due)) => {
            format!("I'm calling about your {plan} plan, which renews on {due}.")
        }
        (Some(plan), None) => format!("I'm calling about your {plan} plan."),
        (None, Some(due)) => format!("I'm calling about the payment due on {due}."),
        (None, None) => "I'm calling with a quick update about your account.".to_owned(),
    };
    let reply = rng.pick(&[
        "Yes, please go ahead and renew it.",
        "Can you call me back next week?",
        "I already paid this morning, thanks.",
        "Please send me the details by email.",
        "I'd like to change my plan, actually.",
    ]);
    let close = rng.pick(&[
        "Thank you, I've noted that. Have a good day!",
        "Understood. You'll get a confirmation shortly. Goodbye!",
        "Thanks for your time. Goodbye!",
    ]);
    json!([
        {"role": "assistant", "content": hello},
        {"role": "user", "content": "Yes, speaking."},
        {"role": "assistant", "content": topic},
        {"role": "user", "content": reply},
        {"role": "assistant", "content": close},
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_random_source_repeats_with_its_seed() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert_ne!(a[0], Rng::new(8).next_u64());
    }

    #[test]
    fn settings_default_to_all_day_every_day_without_retries() {
        let s = BatchSettings::of(&json!({"batchName": "x"}));
        assert_eq!(
            (s.retry, s.delay, s.timezone),
            (0, Duration::from_secs(60), Tz::UTC)
        );
        assert!(s.window.is_none() && s.days.len() == 7);
        assert!(s.may_dial(Utc.with_ymd_and_hms(2026, 1, 18, 3, 0, 0).unwrap()));
        let s = BatchSettings::of(&json!({"retry": 2, "delay": 5, "timezone": "Asia/Kolkata",
            "callingHour": {"start": "09:00", "end": "17:00"}, "allowedDays": [1]}));
        assert_eq!((s.retry, s.delay.as_secs()), (2, 5));
        // Monday 19 Jan 2026, 10:00 in Kolkata (04:30 UTC).
        assert!(s.may_dial(Utc.with_ymd_and_hms(2026, 1, 19, 4, 30, 0).unwrap()));
        assert!(!s.may_dial(Utc.with_ymd_and_hms(2026, 1, 20, 4, 30, 0).unwrap()));
    }
}
