//! The live page both campaign views keep: one server page on screen,
//! refreshed while the view is shown. It owns the bookkeeping around the
//! page, not the page: the numbering of requests (a late answer to an
//! older one is dropped), one request at a time (a refresh never stacks
//! on one in flight), the last error, the wait before the next refresh
//! (longer while requests fail) and when the page last arrived ("updated
//! 3 s ago").

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::relative;
use crate::api::ApiError;

/// The waits after 1, 2, 3 and 4 or more failed refreshes in a row; never
/// shorter than the configured refresh (see [`LivePage::poll_every`]).
pub const BACKOFF: [Duration; 4] = [
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(20),
    Duration::from_secs(60),
];

/// The refresh bookkeeping of one live page.
#[derive(Debug, Clone)]
pub struct LivePage {
    /// How often the page refreshes when all is well.
    refresh: Duration,
    /// The generation of the newest request asked for.
    generation: u64,
    /// The generation still awaited, if any.
    in_flight: Option<u64>,
    /// Failed requests in a row.
    failures: u32,
    /// Why the last request failed, until one succeeds.
    error: Option<ApiError>,
    /// When the last answer arrived, good or bad.
    last_answer: Option<DateTime<Utc>>,
    /// When the page last arrived.
    last_success: Option<DateTime<Utc>>,
}

impl LivePage {
    /// Nothing asked yet; refreshed every `refresh` once it has answered.
    pub fn new(refresh: Duration) -> Self {
        Self {
            refresh,
            generation: 0,
            in_flight: None,
            failures: 0,
            error: None,
            last_answer: None,
            last_success: None,
        }
    }

    /// A new request: its generation. Whatever was in flight is superseded
    /// (the shell's keyed job aborts it; its answer would be dropped
    /// anyway): a page flip or a search does not wait for a refresh.
    pub fn begin(&mut self) -> u64 {
        self.generation += 1;
        self.in_flight = Some(self.generation);
        self.generation
    }

    /// Whether the subscription's beat may ask again: not while a request
    /// is in flight, whose answer will do.
    pub fn may_refresh(&self) -> bool {
        self.in_flight.is_none()
    }

    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Whether `generation` is the request still awaited: its answer will
    /// count, not be dropped.
    pub fn awaits(&self, generation: u64) -> bool {
        self.in_flight == Some(generation)
    }

    /// Whether the view shows a time that moves on its own: "updated 3 s
    /// ago" once a page has come, or "next try in 20 s" while failing and
    /// retrying. Then the screen must be drawn again each second.
    pub fn shows_time(&self) -> bool {
        self.last_success.is_some() || (self.error.is_some() && self.poll_every().is_some())
    }

    /// Takes an answer: the page, when it is the one awaited and it came.
    /// A failure is kept (see [`Self::error`]) and counts towards the
    /// backoff; an answer to an older request is dropped whole.
    pub fn finish<T>(
        &mut self,
        generation: u64,
        result: Result<T, ApiError>,
        now: DateTime<Utc>,
    ) -> Option<T> {
        if self.in_flight != Some(generation) {
            return None;
        }
        self.in_flight = None;
        self.last_answer = Some(now);
        match result {
            Ok(page) => {
                self.failures = 0;
                self.error = None;
                self.last_success = Some(now);
                Some(page)
            }
            Err(e) => {
                self.failures = self.failures.saturating_add(1);
                self.error = Some(e);
                None
            }
        }
    }

    /// Why the last request failed, until one succeeds.
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
    }

    /// Failed requests in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// How long after the last answer the next refresh is due; `None`
    /// when asking again cannot help (a setting is missing, and stays
    /// missing until the configuration changes). After a failure, the step
    /// of [`BACKOFF`] or the refresh, whichever is longer: an error never
    /// makes a view ask more often than it does when all is well (with a
    /// 30 s refresh the waits are 30, 30, 30, 60 s).
    pub fn poll_every(&self) -> Option<Duration> {
        if matches!(
            self.error,
            Some(ApiError::MissingSetting { .. } | ApiError::Config(_))
        ) {
            return None;
        }
        Some(match self.failures {
            0 => self.refresh,
            n => BACKOFF[usize::try_from(n - 1)
                .unwrap_or(usize::MAX)
                .min(BACKOFF.len() - 1)]
            .max(self.refresh),
        })
    }

    /// The period of the shell's refresh timer: [`Self::poll_every`], but
    /// none while a request is out. So the timer starts when the answer
    /// comes, and fires exactly when [`Self::due_in`] (counted from that
    /// answer) says: a timer started with the request would fire the
    /// request's time early, with the wait of the step before (2, 5, 10 s
    /// while the screen said 5, 10, 20).
    pub fn timer_period(&self) -> Option<Duration> {
        if self.in_flight.is_some() {
            None
        } else {
            self.poll_every()
        }
    }

    /// Seconds until the next refresh is due, for "next try in 20 s":
    /// counted up, so it says 1 s until the moment it is due, and 0 from
    /// then until the answer (the views then say "retrying…").
    pub fn due_in(&self, now: DateTime<Utc>) -> Option<i64> {
        let every = self.poll_every()?;
        let last = self.last_answer?;
        let due = last + chrono::Duration::from_std(every).unwrap_or_default();
        let millis = (due - now).num_milliseconds().max(0);
        Some((millis + 999) / 1000)
    }

    /// How the wait for the next try reads after an error: " · next try
    /// in 20 s (2 failed)", " · retrying… (2 failed)" once it is due and
    /// until the answer, " · not retrying" when asking again cannot help.
    pub fn retry_text(&self, now: DateTime<Utc>) -> String {
        match self.due_in(now) {
            Some(0) => format!(" · retrying… ({} failed)", self.failures),
            Some(secs) => format!(" · next try in {secs} s ({} failed)", self.failures),
            None => " · not retrying".to_owned(),
        }
    }

    /// The status line's word on the page's age: "refreshing…" while a
    /// request is out, else "updated 3 s ago", else nothing.
    pub fn freshness(&self, now: DateTime<Utc>) -> String {
        match (self.is_loading(), self.last_success) {
            (true, _) => "refreshing…".to_owned(),
            (false, Some(t)) => format!("updated {}", relative(t, now)),
            (false, None) => String::new(),
        }
    }
}

/// The rows a page holds in a view `height` rows high whose own lines
/// (title, column heads, status…) take `chrome` rows. Both the drawing
/// (which records it) and the shell's first fetch (which knows the
/// terminal's size before anything is drawn) count with it, so the first
/// page asked for is the size of every later one.
pub fn page_rows(height: u16, chrome: u16) -> u16 {
    height.saturating_sub(chrome)
}

/// Fits a page query to `rows` on screen (at least 3; before the first
/// drawing, `rows` is 0 and the query stays): the new `limit`, and the
/// `page` that holds the first row of the page asked for before.
pub fn fit_to_rows(page: &mut u32, limit: &mut u32, rows: u16) {
    if rows == 0 {
        return;
    }
    let fit = u32::from(rows).max(3);
    if fit == *limit {
        return;
    }
    let first = u64::from(page.saturating_sub(1)) * u64::from(*limit);
    *page = u32::try_from(first / u64::from(fit) + 1).unwrap_or(1);
    *limit = fit;
}

/// The search as sent (`search=`): trimmed, and none when empty.
pub fn search_param(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    fn refused() -> Result<u32, ApiError> {
        Err(ApiError::Network {
            kind: crate::api::NetworkFailure::Refused,
            host: "h".into(),
        })
    }

    fn five() -> LivePage {
        LivePage::new(Duration::from_secs(5))
    }

    #[test]
    fn the_latest_request_wins_and_a_stale_answer_is_dropped() {
        let mut live = five();
        let old = live.begin();
        let new = live.begin();
        assert_eq!(live.finish(old, Ok(1), at(0)), None, "stale");
        assert!(live.is_loading(), "the newer one is still awaited");
        assert_eq!(live.freshness(at(0)), "refreshing…");
        assert_eq!(live.finish(new, Ok(2), at(1)), Some(2));
        assert_eq!(live.finish(new, Ok(3), at(2)), None, "answered already");
        assert_eq!(live.freshness(at(13)), "updated 12 s ago");
    }

    #[test]
    fn a_stale_failure_neither_shows_nor_counts() {
        let mut live = five();
        let old = live.begin();
        let new = live.begin();
        assert_eq!(live.finish(old, refused(), at(0)), None);
        assert!(live.error().is_none());
        assert_eq!(live.failures(), 0);
        assert_eq!(live.finish(new, Ok(1), at(0)), Some(1));
    }

    #[test]
    fn no_refresh_is_asked_while_one_is_in_flight() {
        let mut live = five();
        assert!(live.may_refresh());
        let first = live.begin();
        assert!(!live.may_refresh());
        // A page flip supersedes it; the late answer to the first does not
        // free the slot of the second.
        let second = live.begin();
        live.finish(first, Ok(1), at(0));
        assert!(!live.may_refresh());
        live.finish(second, Ok(2), at(0));
        assert!(live.may_refresh());
    }

    #[test]
    fn backoff_grows_5_10_20_60_and_resets_on_success() {
        let mut live = five();
        let mut waits = Vec::new();
        for i in 0..5 {
            let g = live.begin();
            assert_eq!(live.finish(g, refused(), at(i)), None);
            waits.push(live.poll_every().unwrap().as_secs());
        }
        assert_eq!(waits, [5, 10, 20, 60, 60]);
        assert_eq!(live.failures(), 5);
        assert!(live.error().is_some());
        assert_eq!(
            live.due_in(at(4 + 15)),
            Some(45),
            "60 s after the last answer"
        );
        let g = live.begin();
        live.finish(g, Ok(1), at(100));
        assert_eq!(live.poll_every(), Some(Duration::from_secs(5)));
        assert!(live.error().is_none() && live.failures() == 0);
    }

    #[test]
    fn the_refresh_timer_runs_only_between_an_answer_and_the_next_request() {
        let mut live = five();
        let g = live.begin();
        assert_eq!(live.timer_period(), None, "a request is out");
        live.finish(g, refused(), at(0));
        assert_eq!(live.timer_period(), Some(Duration::from_secs(5)));
        assert_eq!(live.due_in(at(0)), Some(5), "the same wait on screen");
    }

    #[test]
    fn backoff_is_never_shorter_than_the_configured_refresh() {
        let mut live = LivePage::new(Duration::from_secs(30));
        let mut waits = vec![live.poll_every().unwrap().as_secs()];
        for _ in 0..4 {
            let g = live.begin();
            live.finish(g, refused(), at(0));
            waits.push(live.poll_every().unwrap().as_secs());
        }
        assert_eq!(waits, [30, 30, 30, 30, 60]);
        let mut slow = LivePage::new(Duration::from_secs(120));
        let g = slow.begin();
        slow.finish(g, refused(), at(0));
        assert_eq!(slow.poll_every(), Some(Duration::from_secs(120)));
    }

    #[test]
    fn a_time_moves_on_screen_once_a_page_came_or_while_retrying() {
        let mut live = five();
        assert!(!live.shows_time(), "nothing asked: nothing to count");
        let g = live.begin();
        assert!(live.awaits(g));
        live.finish(g, refused(), at(0));
        assert!(!live.awaits(g));
        assert!(live.shows_time(), "next try in 5 s");
        let mut missing = five();
        let g = missing.begin();
        let e = ApiError::MissingSetting {
            what: "user ID",
            setting: "WEYA_USER_ID",
            key: "user_id",
        };
        missing.finish::<u32>(g, Err(e), at(0));
        assert!(!missing.shows_time(), "not retrying: nothing counts down");
        let g = live.begin();
        live.finish(g, Ok(1), at(1));
        assert!(live.shows_time(), "updated 3 s ago");
    }

    #[test]
    fn a_missing_setting_stops_polling_until_an_answer_comes() {
        let mut live = five();
        let g = live.begin();
        let missing: Result<u32, ApiError> = Err(ApiError::MissingSetting {
            what: "user ID",
            setting: "WEYA_USER_ID",
            key: "user_id",
        });
        live.finish(g, missing, at(0));
        assert_eq!(live.poll_every(), None);
        assert_eq!(live.due_in(at(1)), None);
        // `r` asks anyway; an answer puts polling back.
        let g = live.begin();
        live.finish(g, Ok(1), at(1));
        assert_eq!(live.poll_every(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn a_query_fits_the_rows_keeping_its_first_row() {
        let (mut page, mut limit) = (3, 20);
        fit_to_rows(&mut page, &mut limit, 0);
        assert_eq!((page, limit), (3, 20), "not drawn yet: as it was");
        // Rows 40..59 asked for; 15 rows a page: row 40 is on page 3.
        fit_to_rows(&mut page, &mut limit, 15);
        assert_eq!((page, limit), (3, 15));
        fit_to_rows(&mut page, &mut limit, 1);
        assert_eq!((page, limit), (11, 3), "at least 3 rows");
        assert_eq!(search_param("  june "), Some("june".to_owned()));
        assert_eq!(search_param("   "), None);
    }
}
