//! A batch's outcomes: its calls counted by their last status, how many
//! were answered, the attempts made and the talk time, folded one call at
//! a time ([`Outcomes::add`]) so a whole batch takes the memory of its
//! statuses, not of its calls. `weya-tui batch view` and the TUI's batch
//! header both count with [`count`]: one walk of the pages, folded at once
//! into the outcomes, the calls by time zone (the contacts' local time)
//! and what [`CallsSeen`] says of the attempts (retries waiting, the rate
//! of completions), so nothing reads the pages twice.
//!
//! # What the words mean
//!
//! - **Last status**: the `callStatus` of a call's latest entry in
//!   `phoneLogs`, as Weya writes it. A call with no entry is
//!   [`NOT_CALLED`]; one whose latest entry has no status is
//!   [`NO_STATUS`].
//! - **Answered**: last status `completed`, the only status Weya
//!   documents. Its rate is over the calls attempted (those with at least
//!   one entry), not over all calls: calls not made yet are neither
//!   answered nor not.
//! - **Attempts**: entries in `phoneLogs`, over all calls.
//! - **Talk time**: the sum of every entry's `callDuration` (seconds: an
//!   assumption, Weya gives no unit).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::progress::{CallsSeen, RetryPolicy};
use super::{WalkError, Walked, walk, walk_at_most};
use crate::api::{Call, WeyaClient};
use crate::domain::phone::zones::ZoneCounts;

pub use super::status::{NO_STATUS, NOT_CALLED};
/// The status that counts as answered: the only one Weya documents.
pub const ANSWERED: &str = "completed";
/// The most distinct statuses counted by name; a server that sends more
/// has the rest counted under [`OTHER`], so memory stays bounded.
pub const MAX_STATUSES: usize = 64;
/// Where statuses past [`MAX_STATUSES`] are counted.
pub const OTHER: &str = "(other statuses)";

/// What a batch's calls add up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcomes {
    /// Calls by last status, [`NOT_CALLED`] included.
    pub by_status: BTreeMap<String, u64>,
    pub calls: u64,
    /// Calls with at least one attempt.
    pub attempted: u64,
    /// Calls whose last status is [`ANSWERED`].
    pub answered: u64,
    pub attempts: u64,
    pub talk_seconds: f64,
}

impl Outcomes {
    /// Counts one call.
    pub fn add(&mut self, call: &Call) {
        self.calls += 1;
        self.attempts += call.phone_logs.len() as u64;
        self.talk_seconds += call
            .phone_logs
            .iter()
            .filter_map(|l| l.call_duration)
            .filter(|d| d.is_finite() && *d > 0.0)
            .sum::<f64>();
        let key = match (call.phone_logs.is_empty(), call.status()) {
            (true, _) => NOT_CALLED,
            (false, None) => NO_STATUS,
            (false, Some(status)) => status,
        };
        if !call.phone_logs.is_empty() {
            self.attempted += 1;
        }
        if key == ANSWERED {
            self.answered += 1;
        }
        if let Some(n) = self.by_status.get_mut(key) {
            *n += 1;
        } else if self.by_status.len() < MAX_STATUSES {
            self.by_status.insert(key.to_owned(), 1);
        } else {
            *self.by_status.entry(OTHER.to_owned()).or_default() += 1;
        }
    }

    /// Answered over attempted, 0 to 1; `None` before any attempt.
    pub fn answered_rate(&self) -> Option<f64> {
        (self.attempted > 0).then(|| self.answered as f64 / self.attempted as f64)
    }

    /// The statuses, most calls first (then by name), [`NOT_CALLED`] last.
    pub fn ranked(&self) -> Vec<(&str, u64)> {
        let mut out: Vec<_> = self
            .by_status
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        out.sort_by(|a, b| {
            (a.0 == NOT_CALLED)
                .cmp(&(b.0 == NOT_CALLED))
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(b.0))
        });
        out
    }

    /// "completed 1,204 · no-answer 388 · busy 52 · not called yet 356":
    /// every status, most first.
    pub fn describe_statuses(&self) -> String {
        if self.calls == 0 {
            return "no calls".to_owned();
        }
        self.ranked()
            .iter()
            .map(|(status, n)| {
                format!(
                    "{} {}",
                    crate::text::visible(status),
                    crate::num::thousands(*n)
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// "answered 1,204 of 1,644 called (73%) · 2,310 attempts · talk
    /// 41:20:05", or "nothing called yet".
    pub fn describe_totals(&self) -> String {
        if self.attempted == 0 {
            return "nothing called yet".to_owned();
        }
        let rate = self
            .answered_rate()
            .map_or(String::new(), |r| format!(" ({})", percent(r)));
        format!(
            "answered {} of {} called{rate} · {} attempt{} · talk {}",
            crate::num::thousands(self.answered),
            crate::num::thousands(self.attempted),
            crate::num::thousands(self.attempts),
            if self.attempts == 1 { "" } else { "s" },
            talk_time(self.talk_seconds),
        )
    }

    /// The `outcomes` object of `batch view --json`.
    pub fn to_json(&self, counted: &Counted) -> Value {
        json!({
            "byStatus": self.by_status,
            "calls": self.calls,
            "attempted": self.attempted,
            "answered": self.answered,
            "answeredRate": self.answered_rate(),
            "answeredMeans": format!("last status {ANSWERED}"),
            "attempts": self.attempts,
            "talkTimeSeconds": crate::num::round_u64(self.talk_seconds),
            "pages": counted.walked.pages,
            "countedAt": counted.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "batchChangedWhileCounted": counted.walked.moved(),
            "unreadableCalls": counted.walked.unreadable,
            "unreadableAt": counted.walked.unreadable_at,
        })
    }
}

/// The count in three lines, as `batch view` prints it: the statuses,
/// the totals, and what was counted when.
pub fn describe(counted: &Counted, now: DateTime<Utc>) -> Vec<String> {
    let o = &counted.outcomes;
    let w = &counted.walked;
    let calls = if w.unreadable > 0 {
        format!(
            "{} of {}",
            crate::num::thousands(o.calls),
            crate::num::counted(o.calls + w.unreadable, "call")
        )
    } else if o.calls == 1 {
        "the 1 call".to_owned()
    } else {
        format!("all {}", crate::num::counted(o.calls, "call"))
    };
    let mut how = format!(
        "({calls}, {} page{}, counted {}; answered = last status {ANSWERED})",
        crate::num::thousands(u64::from(w.pages)),
        if w.pages == 1 { "" } else { "s" },
        ago(now, counted.at),
    );
    if w.moved() {
        how.push_str(&format!(
            "; the batch changed while counted ({} at the start, {} at the end)",
            crate::num::counted(w.total_first, "call"),
            crate::num::thousands(w.total_last)
        ));
    }
    let mut lines = vec![o.describe_statuses(), o.describe_totals(), how];
    if w.unreadable > 0 {
        lines.push(format!(
            "NOT COUNTED: {} (by position, oldest first), each alone larger than weya-tui \
             reads (1 MiB: a long transcript); the counts above are of the other calls",
            w.unreadable_named(),
        ));
    }
    lines
}

/// "just now", "40 s ago", "3 min ago".
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    match (now - at).num_seconds() {
        ..5 => "just now".to_owned(),
        s @ 5..120 => format!("{s} s ago"),
        s @ 120..7200 => format!("{} min ago", s / 60),
        s => format!("{} h ago", s / 3600),
    }
}

/// A count of a whole batch, and how it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub outcomes: Outcomes,
    /// Its calls by the time zone of their number (a call each: a number
    /// twice in the batch is called twice), for the contacts' local time.
    pub zones: ZoneCounts,
    /// Its calls' attempts: who waits out a retry delay and until when,
    /// the recent completions (with the retries it was counted with).
    pub calls: CallsSeen,
    pub walked: Walked,
    /// When the count ended.
    pub at: DateTime<Utc>,
    /// The calls kept for a sort by any column, when the count was asked
    /// to keep them ([`Fold::keeping`]): shared, as a count is cloned
    /// into the view's kept state.
    pub rows: Option<std::sync::Arc<super::sorted::Rows>>,
}

/// One call into every fold of [`Counted`].
#[derive(Debug, Default)]
pub struct Fold {
    outcomes: Outcomes,
    zones: ZoneCounts,
    calls: CallsSeen,
    retry: Option<RetryPolicy>,
    rows: Option<super::sorted::Keeper>,
}

impl Fold {
    /// A fold for a batch that retries as `retry` (when known).
    pub fn new(retry: Option<RetryPolicy>) -> Self {
        Self {
            retry,
            ..Self::default()
        }
    }

    /// The same fold, keeping each call's row for a sort too (up to
    /// `cap` calls; see [`super::sorted`]).
    #[must_use]
    pub fn keeping(mut self, cap: usize) -> Self {
        self.rows = Some(super::sorted::Keeper::new(cap));
        self
    }

    pub fn add(&mut self, call: &Call) {
        self.outcomes.add(call);
        if let Some(rows) = &mut self.rows {
            rows.add(call);
        }
        self.calls.add(call, self.retry);
        match crate::import::existing::digits(&call.phone_number) {
            Some(number) => self.zones.add(number),
            // No number: no zone (counted as not known).
            None => self.zones.add(0),
        }
    }

    pub fn finish(mut self, walked: Walked, at: DateTime<Utc>) -> Counted {
        self.calls.finish();
        Counted {
            outcomes: self.outcomes,
            zones: self.zones,
            calls: self.calls,
            walked,
            at,
            rows: self.rows.map(|k| std::sync::Arc::new(k.finish())),
        }
    }
}

/// Counts every call of batch `batch_id` (one walk of its pages, see
/// [`super::walk`]), with its retry settings when known (for
/// [`Counted::calls`]). `first_page` sees the first page as it comes (the
/// batch's name, status and total, for a caller that would otherwise ask
/// for them).
pub async fn count(
    client: &WeyaClient,
    batch_id: &str,
    retry: Option<RetryPolicy>,
    mut first_page: impl FnMut(&crate::api::BatchDetails),
) -> Result<Counted, WalkError> {
    let mut first = true;
    count_with(client, batch_id, Fold::new(retry), |page| {
        if std::mem::take(&mut first) {
            first_page(page);
        }
    })
    .await
}

/// [`count`] with the fold given (e.g. [`Fold::keeping`] rows for a
/// sort), and `on_page` seeing every page as it comes (for "reading 12 of
/// 24 pages").
pub async fn count_with(
    client: &WeyaClient,
    batch_id: &str,
    mut fold: Fold,
    mut on_page: impl FnMut(&crate::api::BatchDetails),
) -> Result<Counted, WalkError> {
    let walked = walk(client, batch_id, |page| {
        on_page(page);
        page.calls.iter().for_each(|c| fold.add(c));
        Ok(())
    })
    .await?;
    Ok(fold.finish(walked, Utc::now()))
}

/// Every call of the batch kept for a sort ([`Fold::keeping`] `cap`),
/// with the count: a batch whose first page says it holds more than
/// `cap` calls is not read on (the rows' [`super::sorted::Rows::over`]
/// says its total, the count is of nothing and `walked.pages` is 1).
pub async fn keep_for_sort(
    client: &WeyaClient,
    batch_id: &str,
    cap: usize,
) -> Result<Counted, WalkError> {
    let mut fold = Fold::new(None).keeping(cap);
    let walked = walk_at_most(client, batch_id, cap as u64, |page| {
        page.calls.iter().for_each(|c| fold.add(c));
        Ok(())
    })
    .await;
    match walked {
        Ok(walked) => Ok(fold.finish(walked, Utc::now())),
        Err(WalkError::TooMany { total, max }) if max == cap as u64 => {
            let walked = Walked {
                batch_id: batch_id.to_owned(),
                pages: 1,
                total_first: total,
                total_last: total,
                ..Walked::default()
            };
            let mut counted = Fold::new(None).finish(walked, Utc::now());
            counted.rows = Some(std::sync::Arc::new(super::sorted::Rows {
                rows: Vec::new(),
                over: Some(total),
            }));
            Ok(counted)
        }
        Err(e) => Err(e),
    }
}

/// "73%"; under 1% but not none, "<1%".
pub fn percent(rate: f64) -> String {
    let p = (rate * 100.0).round();
    if p == 0.0 && rate > 0.0 {
        "<1%".to_owned()
    } else {
        format!("{p:.0}%")
    }
}

/// "0:00", "12:05", "41:20:05" (hours past a day stay hours).
pub fn talk_time(seconds: f64) -> String {
    let total = crate::num::round_u64(seconds.max(0.0));
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PhoneLog;

    fn call(statuses: &[(&str, f64)]) -> Call {
        Call {
            phone_logs: statuses
                .iter()
                .map(|(s, d)| PhoneLog {
                    call_status: (*s).to_owned(),
                    call_duration: Some(*d),
                    ..PhoneLog::default()
                })
                .collect(),
            ..Call::default()
        }
    }

    #[test]
    fn calls_are_counted_by_their_last_status_and_answered_is_completed() {
        let mut o = Outcomes::default();
        o.add(&call(&[("no-answer", 0.0), ("completed", 65.0)]));
        o.add(&call(&[("completed", 30.5)]));
        o.add(&call(&[("completed", 10.0), ("busy", 0.0)]));
        o.add(&call(&[]));
        o.add(&call(&[("", 0.0)]));
        assert_eq!(o.calls, 5);
        assert_eq!(o.attempted, 4);
        assert_eq!(o.answered, 2);
        assert_eq!(o.attempts, 6);
        assert!((o.talk_seconds - 105.5).abs() < 1e-9);
        assert_eq!(o.by_status["completed"], 2);
        assert_eq!(o.by_status["busy"], 1);
        assert_eq!(o.by_status[NOT_CALLED], 1);
        assert_eq!(o.by_status[NO_STATUS], 1);
        assert_eq!(o.answered_rate(), Some(0.5));
        assert_eq!(
            o.describe_statuses(),
            "completed 2 · (no status) 1 · busy 1 · not called yet 1"
        );
        assert_eq!(
            o.describe_totals(),
            "answered 2 of 4 called (50%) · 6 attempts · talk 1:46"
        );
    }

    /// QA: `batch view` said "(all 1 calls, 1 page, …)".
    #[test]
    fn one_call_is_said_in_the_singular() {
        let mut fold = Fold::new(None);
        fold.add(&call(&[("completed", 65.0)]));
        let walked = crate::campaign::Walked {
            calls: 1,
            pages: 1,
            total_first: 1,
            total_last: 1,
            ..crate::campaign::Walked::default()
        };
        let at = DateTime::UNIX_EPOCH;
        let how = describe(&fold.finish(walked, at), at)[2].clone();
        assert!(how.starts_with("(the 1 call, 1 page, counted"), "{how}");
    }

    #[test]
    fn a_batch_not_called_yet_has_no_rate_and_odd_durations_add_nothing() {
        let mut o = Outcomes::default();
        o.add(&call(&[]));
        o.add(&call(&[("failed", f64::NAN), ("failed", -3.0)]));
        assert_eq!(o.talk_seconds, 0.0);
        let mut fresh = Outcomes::default();
        fresh.add(&call(&[]));
        assert_eq!(fresh.answered_rate(), None);
        assert_eq!(fresh.describe_totals(), "nothing called yet");
    }

    #[test]
    fn a_server_that_invents_statuses_without_end_costs_bounded_memory() {
        let mut o = Outcomes::default();
        for i in 0..1000 {
            o.add(&call(&[(&format!("status-{i}"), 1.0)]));
        }
        assert_eq!(o.by_status.len(), MAX_STATUSES + 1);
        assert_eq!(o.by_status[OTHER], 1000 - MAX_STATUSES as u64);
        assert_eq!(o.by_status.values().sum::<u64>(), 1000);
    }

    #[test]
    fn rates_and_talk_time_read_as_said() {
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.7349), "73%");
        assert_eq!(talk_time(148_805.0), "41:20:05");
        assert_eq!(talk_time(59.6), "1:00");
    }
}
