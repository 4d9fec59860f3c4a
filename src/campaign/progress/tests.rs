use super::*;
use crate::api::PhoneLog;
use crate::form::time::TimeOfDay;
use chrono::{Datelike, TimeZone};
use chrono_tz::America;

fn t(h: u16, m: u16) -> TimeOfDay {
    TimeOfDay::new(h, m).unwrap()
}

/// 09:00–17:00 Monday to Friday in Chicago.
fn chicago() -> CallingSchedule {
    CallingSchedule {
        timezone: America::Chicago,
        start: t(9, 0),
        end: t(17, 0),
        days: vec![1, 2, 3, 4, 5],
    }
}

/// A wall-clock time in Chicago (UTC−6 in January).
fn chicago_at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    America::Chicago
        .with_ymd_and_hms(2026, 1, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn situation<'a>(status: &'a str, now: DateTime<Utc>) -> Situation<'a> {
    Situation {
        status,
        total: Some(500),
        completed: Some(239),
        schedule: None,
        calls: None,
        quiet: None,
        now,
    }
}

fn reason(s: &Situation<'_>) -> Option<StallReason> {
    stall(s).map(|s| s.reason)
}

#[test]
fn a_paused_or_stopped_batch_says_so() {
    let now = chicago_at(13, 10, 0);
    let paused = stall(&situation("paused", now)).unwrap();
    assert_eq!(paused.reason, StallReason::Paused);
    assert_eq!(paused.detail, "paused: it calls once started");
    let stopped = stall(&situation("stopped", now)).unwrap();
    assert_eq!(stopped.reason, StallReason::Stopped);
    assert_eq!(
        stall(&situation("completed", now)),
        None,
        "an ended batch is not stalled"
    );
    assert_eq!(stall(&situation("weird", now)), None, "unknown: no word");
}

#[test]
fn a_closed_window_says_when_it_opens() {
    let schedule = chicago();
    // Saturday 17 Jan, 16:00 in Chicago: Monday 09:00 is 41 h away.
    let now = chicago_at(17, 16, 0);
    let s = Situation {
        schedule: Some(&schedule),
        ..situation("active", now)
    };
    let stalled = stall(&s).unwrap();
    assert_eq!(stalled.reason, StallReason::WindowClosed);
    assert_eq!(
        stalled.detail,
        "outside its calling window: opens Mon 09:00 America/Chicago (in 41 h)"
    );
    assert_eq!(stalled.until, Some(chicago_at(19, 9, 0)));
    // Inside the window, and moving: nothing to say.
    let inside = Situation {
        schedule: Some(&schedule),
        quiet: Some(Duration::minutes(1)),
        ..situation("active", chicago_at(19, 10, 0))
    };
    assert_eq!(stall(&inside), None);
}

fn call(logs: &[(&str, DateTime<Utc>)]) -> Call {
    Call {
        phone_logs: logs
            .iter()
            .map(|(status, at)| PhoneLog {
                call_status: (*status).to_owned(),
                created_at: at.to_rfc3339(),
                ..PhoneLog::default()
            })
            .collect(),
        ..Call::default()
    }
}

#[test]
fn calls_waiting_out_a_retry_delay_past_the_window_wait_for_the_next_opening() {
    let schedule = chicago();
    let retry = RetryPolicy {
        retries: 2,
        delay_secs: 2 * 3600,
    };
    // Friday 16 Jan: the last tries failed at 15:11 and 15:30; the first
    // retry is due at 17:11, after the window closes, so Monday 09:00.
    let calls = [
        call(&[("no-answer", chicago_at(16, 15, 11))]),
        call(&[("busy", chicago_at(16, 15, 30))]),
        call(&[("completed", chicago_at(16, 14, 0))]),
        // Out of retries: waits for nothing.
        call(&[
            ("busy", chicago_at(16, 9, 0)),
            ("busy", chicago_at(16, 11, 0)),
            ("failed", chicago_at(16, 13, 0)),
        ]),
    ];
    let seen = CallsSeen::of(&calls, Some(retry));
    assert_eq!((seen.waiting, seen.untried, seen.on_line), (2, 0, 0));
    let now = chicago_at(16, 16, 0);
    let s = Situation {
        schedule: Some(&schedule),
        calls: Some(&seen),
        total: Some(4),
        completed: Some(1),
        ..situation("active", now)
    };
    let stalled = stall(&s).unwrap();
    assert_eq!(stalled.reason, StallReason::RetryDelay);
    assert_eq!(
        stalled.detail,
        "2 calls wait out the retry delay: next at 17:11 — outside the window, so Mon 09:00"
    );
    assert_eq!(stalled.until, Some(chicago_at(19, 9, 0)));

    // The same inside the window: the retry's own time.
    let early = CallsSeen::of(
        &calls[..1],
        Some(RetryPolicy {
            delay_secs: 600,
            ..retry
        }),
    );
    let s = Situation {
        schedule: Some(&schedule),
        calls: Some(&early),
        ..situation("active", chicago_at(16, 15, 15))
    };
    let stalled = stall(&s).unwrap();
    assert_eq!(
        stalled.detail,
        "1 call waits out the retry delay: next at 15:21"
    );
    assert_eq!(stalled.until, Some(chicago_at(16, 15, 21)));

    // Without the retry settings nothing is said of retries.
    let unknown = CallsSeen::of(&calls[..2], None);
    assert_eq!(unknown.failed_unknown, 2);
    let s = Situation {
        calls: Some(&unknown),
        ..situation("active", chicago_at(16, 15, 15))
    };
    assert_eq!(stall(&s), None);
}

#[test]
fn nothing_left_to_call_is_said_from_the_counts_or_from_the_calls() {
    let now = chicago_at(13, 10, 0);
    let s = Situation {
        total: Some(500),
        completed: Some(500),
        ..situation("active", now)
    };
    assert_eq!(reason(&s), Some(StallReason::NothingLeft));
    let retry = RetryPolicy {
        retries: 0,
        delay_secs: 0,
    };
    let calls = [call(&[("completed", now)]), call(&[("no-answer", now)])];
    let seen = CallsSeen::of(&calls, Some(retry));
    let s = Situation {
        total: Some(2),
        completed: Some(1),
        calls: Some(&seen),
        ..situation("active", now)
    };
    assert_eq!(reason(&s), Some(StallReason::NothingLeft));
    // A page that is not all of them says nothing of the rest.
    let s = Situation {
        total: Some(200),
        ..s
    };
    assert_eq!(reason(&s), None);
}

#[test]
fn ten_quiet_minutes_with_no_known_reason_are_said() {
    let now = chicago_at(13, 10, 0);
    let quiet = |minutes| Situation {
        quiet: Some(Duration::minutes(minutes)),
        ..situation("active", now)
    };
    assert_eq!(reason(&quiet(9)), None);
    let stalled = stall(&quiet(12)).unwrap();
    assert_eq!(stalled.reason, StallReason::NoProgress);
    assert_eq!(stalled.detail, "no progress for 12 min, no known reason");
    assert_eq!(
        stall(&situation("active", now)),
        None,
        "not watched: no word"
    );
}

#[test]
fn the_rate_counts_only_minutes_inside_the_window() {
    let schedule = chicago();
    let mut h = History::default();
    // 16:50 to 17:00 Friday, then Monday 09:00 to 09:05: 15 minutes of
    // calling, 30 completed, though 64 hours passed.
    h.record(chicago_at(16, 16, 50), "active", Some(100), 10, 12);
    h.record(chicago_at(19, 9, 5), "active", Some(100), 40, 45);
    let rate = h.rate(Some(&schedule)).unwrap();
    assert!((rate.per_minute - 2.0).abs() < 1e-9, "{rate:?}");
    assert_eq!(rate.basis, "the rate of the last 15 min");
    let mut h = History::default();
    h.record(chicago_at(16, 16, 50), "active", Some(100), 10, 12);
    h.record(chicago_at(16, 16, 55), "active", Some(100), 20, 22);
    h.record(chicago_at(16, 17, 0), "active", Some(100), 30, 33);
    let rate = h.rate(Some(&schedule)).unwrap();
    assert!((rate.per_minute - 2.0).abs() < 1e-9, "{rate:?}");
    assert_eq!(rate.basis, "the rate of the last 10 min");
    assert_eq!(
        calling_time(
            Some(&schedule),
            chicago_at(16, 16, 50),
            chicago_at(19, 9, 5)
        ),
        Duration::minutes(15)
    );
    assert_eq!(
        calling_time(None, chicago_at(16, 16, 50), chicago_at(16, 17, 5)),
        Duration::minutes(15)
    );
}

#[test]
fn the_forecast_lands_in_the_window_and_counts_the_calling_days() {
    let schedule = chicago();
    // Tuesday 13 Jan, 15:00: 2 h today, 8 h Wednesday, 5 h 20 min
    // Thursday: 920 minutes, 1,932 calls at 2.1 a minute.
    let now = chicago_at(13, 15, 0);
    let rate = Rate {
        per_minute: 2.1,
        basis: "x".into(),
    };
    let f = forecast("active", 1932, Some(&rate), Some(&schedule), now).unwrap();
    assert_eq!(
        f.line(now),
        "at 2.1 calls/min this batch ends Thu 14:20 America/Chicago (3 calling days)"
    );
    assert_eq!(f.calling_days, Some(3));
    let json = f.to_json();
    assert_eq!(json["finishAt"], "2026-01-15T20:20:00Z");
    assert_eq!(json["callsPerMinute"], 2.1);
    // Said from Saturday: it waits for Monday.
    let saturday = chicago_at(17, 12, 0);
    let f = forecast("active", 60, Some(&rate), Some(&schedule), saturday).unwrap();
    assert!(
        f.line(saturday)
            .contains("ends Mon 09:28 America/Chicago (1 calling day)"),
        "{}",
        f.line(saturday)
    );
    // Without the window: only the calling time.
    let f = forecast("active", 252, Some(&rate), None, now).unwrap();
    assert_eq!(
        f.line(now),
        "at 2.1 calls/min this batch needs 2 h more of calling (its calling window is not known here)"
    );
    assert_eq!(f.to_json()["finishAt"], Value::Null);
}

#[test]
fn no_forecast_says_why() {
    let now = chicago_at(13, 15, 0);
    let rate = Rate {
        per_minute: 2.0,
        basis: "x".into(),
    };
    assert_eq!(
        forecast("active", 10, None, None, now),
        Err(NoForecast::NoRate)
    );
    assert_eq!(
        forecast("stopped", 10, Some(&rate), None, now),
        Err(NoForecast::Stopped)
    );
    assert_eq!(
        forecast("paused", 10, Some(&rate), None, now),
        Err(NoForecast::Paused)
    );
    assert_eq!(
        forecast("active", 0, Some(&rate), None, now),
        Err(NoForecast::Ended)
    );
    let never = CallingSchedule {
        days: vec![],
        ..chicago()
    };
    assert_eq!(
        forecast("active", 10, Some(&rate), Some(&never), now),
        Err(NoForecast::NoWindowAhead)
    );
}

/// QA: an active batch whose every call had been tried (answered or out
/// of retries) kept a forecast, computed from the calls not completed,
/// that moved out at every look. It says there is nothing left to call.
#[test]
fn an_active_batch_with_nothing_left_to_call_has_no_forecast_at_any_look() {
    let retry = RetryPolicy {
        retries: 1,
        delay_secs: 600,
    };
    let t0 = chicago_at(13, 11, 0);
    let ago = |m| t0 - Duration::minutes(m);
    // Three answered a minute apart (a rate), two out of retries.
    let mut calls = vec![
        call(&[("completed", ago(40))]),
        call(&[("completed", ago(30))]),
        call(&[("completed", ago(20))]),
        call(&[("no-answer", ago(50)), ("busy", ago(35))]),
        call(&[("no-answer", ago(45)), ("no-answer", ago(25))]),
    ];
    let seen = CallsSeen::of(&calls, Some(retry));
    let rate = seen.rate(None).expect("three completions make a rate");
    for minutes in [0, 5, 60, 24 * 60] {
        let s = Situation {
            total: Some(5),
            completed: Some(3),
            calls: Some(&seen),
            schedule: None,
            ..situation("active", t0 + Duration::minutes(minutes))
        };
        assert_eq!(s.calls_left(), Some(2), "by Weya's counts");
        let outlook = Outlook::of(&s, Some(&rate));
        assert_eq!(outlook.forecast, Err(NoForecast::NothingLeft), "{minutes}");
        assert_eq!(
            outlook.stall.map(|s| s.reason),
            Some(StallReason::NothingLeft)
        );
    }
    assert_eq!(NoForecast::NothingLeft.as_str(), "finishing: no calls left");

    // One more call not yet tried: a forecast.
    calls.push(call(&[]));
    let seen = CallsSeen::of(&calls, Some(retry));
    let s = Situation {
        total: Some(6),
        completed: Some(3),
        calls: Some(&seen),
        ..situation("active", t0)
    };
    let forecast = Outlook::of(&s, Some(&rate)).forecast.unwrap();
    assert_eq!(forecast.calls_left, 3);
}

/// QA: a start whose window is closed, or on a day it does not call,
/// says when it opens; an open window says nothing.
#[test]
fn starting_outside_the_window_says_when_it_opens() {
    let schedule = chicago();
    // Tuesday 18:00: closed until Wednesday 09:00.
    assert_eq!(
        start_note(&schedule, chicago_at(13, 18, 0)).as_deref(),
        Some(
            "window closed: opens Wed 09:00 America/Chicago (in 15 h); no one is called before then"
        )
    );
    // Saturday 16:00: not a calling day, opens Monday 09:00.
    assert_eq!(
        start_note(&schedule, chicago_at(17, 16, 0)).as_deref(),
        Some(
            "Saturday is not a calling day: opens Mon 09:00 America/Chicago (in 41 h); no one \
             is called before then"
        )
    );
    assert_eq!(start_note(&schedule, chicago_at(13, 10, 0)), None);
}

fn summary(status: &str, completed: u64) -> BatchSummary {
    BatchSummary {
        id: "64e5f12345abcdef98760000".into(),
        batch_name: "June renewals".into(),
        total_calls: Some(100),
        calls_picked: Some(completed),
        calls_completed: Some(completed),
        queue_status: status.into(),
        created_at: String::new(),
        updated_at: String::new(),
    }
}

#[test]
fn only_changes_seen_while_running_are_transitions() {
    let now = chicago_at(13, 10, 0);
    let mut tracker = Tracker::default();
    // First seen completed: not news.
    assert_eq!(tracker.record(&summary("completed", 100), None, now), None);
    let mut tracker = Tracker::default();
    assert_eq!(tracker.record(&summary("active", 10), None, now), None);
    assert_eq!(
        tracker.record(&summary("active", 20), None, now + Duration::minutes(1)),
        None
    );
    assert_eq!(
        tracker.record(&summary("completed", 100), None, now + Duration::minutes(2)),
        Some(Transition::Completed)
    );
    assert_eq!(
        tracker.record(&summary("completed", 100), None, now + Duration::minutes(3)),
        None,
        "said once"
    );
    let mut tracker = Tracker::default();
    tracker.record(&summary("active", 10), None, now);
    assert_eq!(
        tracker.record(&summary("stopped", 10), None, now + Duration::minutes(1)),
        Some(Transition::Stopped)
    );
}

#[test]
fn a_batch_that_stops_moving_is_news_once() {
    let now = chicago_at(13, 10, 0);
    let mut tracker = Tracker::default();
    tracker.record(&summary("active", 10), None, now);
    assert_eq!(
        tracker.record(&summary("active", 10), None, now + Duration::minutes(9)),
        None
    );
    let Some(Transition::Stalled(stall)) =
        tracker.record(&summary("active", 10), None, now + Duration::minutes(11))
    else {
        panic!("ten quiet minutes are news");
    };
    assert_eq!(stall.detail, "no progress for 11 min, no known reason");
    assert_eq!(
        tracker.record(&summary("active", 10), None, now + Duration::minutes(12)),
        None,
        "said once"
    );
    // A closed window is the plan, not news.
    let plan = Plan {
        schedule: Some(chicago()),
        retry: None,
    };
    let mut tracker = Tracker::default();
    let friday = chicago_at(16, 16, 50);
    tracker.record(&summary("active", 10), Some(&plan), friday);
    assert_eq!(
        tracker.record(
            &summary("active", 10),
            Some(&plan),
            friday + Duration::minutes(30)
        ),
        None
    );
}

#[test]
fn retry_settings_come_from_the_body_only_when_given() {
    assert_eq!(
        RetryPolicy::from_body(&json!({"retry": 3, "delay": 60})),
        Some(RetryPolicy {
            retries: 3,
            delay_secs: 60
        })
    );
    assert_eq!(RetryPolicy::from_body(&json!({"retry": 3})), None);
    assert_eq!(
        RetryPolicy::from_body(&json!({"retry": 0})),
        Some(RetryPolicy {
            retries: 0,
            delay_secs: 0
        })
    );
    assert_eq!(RetryPolicy::from_body(&json!({})), None);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ZONES: [Tz; 6] = [
        chrono_tz::America::Chicago,
        chrono_tz::America::New_York,
        chrono_tz::Europe::London,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Chatham,
    ];

    proptest! {
        /// "A batch's forecast lands inside its window on an allowed day."
        #[test]
        fn the_forecast_lands_inside_a_window_on_an_allowed_day(
            zone in 0..ZONES.len(),
            start in 0u16..(24 * 60 - 1),
            length in 1u16..(24 * 60),
            days in proptest::collection::btree_set(0u8..7, 1..=7),
            per_minute in 0.01f64..500.0,
            left in 1u64..2_000_000,
            // Any minute of 2026 (clock changes included).
            minute in 0i64..(365 * 24 * 60),
        ) {
            let end = (start + length).min(24 * 60 - 1);
            prop_assume!(end > start);
            let schedule = CallingSchedule {
                timezone: ZONES[zone],
                start: TimeOfDay::new(start / 60, start % 60).unwrap(),
                end: TimeOfDay::new(end / 60, end % 60).unwrap(),
                days: days.into_iter().collect(),
            };
            let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minute);
            let rate = Rate { per_minute, basis: String::new() };
            match forecast("active", left, Some(&rate), Some(&schedule), now) {
                Ok(f) => {
                    let at = f.finish_at.expect("the window is known");
                    prop_assert!(at >= now);
                    let local = at.with_timezone(&schedule.timezone);
                    let minutes = u16::try_from(local.hour() * 60 + local.minute()).unwrap();
                    let weekday = u8::try_from(local.weekday().num_days_from_sunday()).unwrap();
                    // Inside: from the start to the end, both included.
                    let window = crate::domain::schedule::Window::on(
                        schedule.timezone,
                        local.date_naive(),
                        schedule.start,
                        schedule.end,
                    );
                    prop_assert!(
                        window.is_some_and(|w| w.start <= at && at <= w.end),
                        "{at} ({local}, {minutes} min) outside {:?}", window
                    );
                    prop_assert!(schedule.days.contains(&weekday), "{local} on day {weekday}");
                }
                Err(NoForecast::NoWindowAhead) => {
                    // Only when a year of windows cannot hold the calling.
                    let year = calling_time(Some(&schedule), now, now + Duration::days(360));
                    let needed = Duration::seconds(i64::try_from(crate::num::round_u64(left as f64 / per_minute * 60.0)).unwrap());
                    prop_assert!(needed >= year, "{needed} fits in {year}");
                }
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }

    proptest! {
        /// Whatever the counts, the rate and the time of the look, an
        /// active batch whose every call read is answered or out of
        /// retries says there is nothing left, never a time.
        #[test]
        fn nothing_left_to_call_never_has_a_forecast(
            answered in 0usize..40,
            exhausted in 1usize..40,
            retries in 0u32..4,
            per_minute in 0.01f64..500.0,
            later in 0i64..(30 * 24 * 60),
            total_said in proptest::option::of(0u64..100),
            completed_said in proptest::option::of(0u64..100),
        ) {
            let t0 = chicago_at(13, 9, 0);
            let retry = RetryPolicy { retries, delay_secs: 60 };
            let mut calls: Vec<Call> = (0..answered)
                .map(|i| call(&[("completed", t0 + Duration::minutes(i as i64))]))
                .collect();
            let failed: Vec<(&str, DateTime<Utc>)> =
                (0..=retries).map(|_| ("no-answer", t0)).collect();
            calls.extend((0..exhausted).map(|_| call(&failed)));
            let seen = CallsSeen::of(&calls, Some(retry));
            let read = seen.read;
            let s = Situation {
                status: "active",
                // Weya's own counts may lag or lead: the calls decide.
                total: total_said.map(|t| t.min(read)),
                completed: completed_said,
                schedule: None,
                calls: Some(&seen),
                quiet: None,
                now: t0 + Duration::minutes(later),
            };
            let rate = Rate { per_minute, basis: String::new() };
            let outlook = Outlook::of(&s, Some(&rate));
            prop_assert_eq!(outlook.forecast, Err(NoForecast::NothingLeft));
        }
    }

    use chrono::Timelike;
}

/// Issue 19 item 7: a call's view says when its next try is, which
/// attempt of how many, moved to the window's next opening when it falls
/// outside, or that there are no more.
#[test]
fn a_calls_next_try_is_its_last_attempt_plus_the_delay_inside_the_window() {
    let schedule = chicago();
    let retry = RetryPolicy {
        retries: 3,
        delay_secs: 2 * 3600,
    };
    let now = chicago_at(16, 12, 0);
    let say = |c: &Call, r| next_try(c, r).describe(Some(&schedule), now);
    // Tried twice, the last at 11:11: the third of four at 13:11.
    let twice = call(&[
        ("busy", chicago_at(16, 9, 0)),
        ("no-answer", chicago_at(16, 11, 11)),
    ]);
    assert_eq!(say(&twice, Some(retry)), "next try 13:11 (attempt 3 of 4)");
    // At 15:30, the delay ends past 17:00: Monday's opening.
    let late = call(&[("failed", chicago_at(16, 15, 30))]);
    assert_eq!(
        say(&late, Some(retry)),
        "next try 17:30 — outside the window, so Mon 09:00 (attempt 2 of 4)"
    );
    // Due already (the dialer has not come back to it yet).
    let early = call(&[("busy", chicago_at(16, 9, 0))]);
    assert_eq!(
        say(&early, Some(retry)),
        "next try 11:00, due now (attempt 2 of 4)"
    );
    let spent = call(&[
        ("busy", chicago_at(16, 9, 0)),
        ("busy", chicago_at(16, 10, 0)),
        ("busy", chicago_at(16, 11, 0)),
        ("busy", chicago_at(16, 11, 30)),
    ]);
    assert_eq!(say(&spent, Some(retry)), "no more tries (4 of 4 made)");
    assert_eq!(
        say(&call(&[("completed", now)]), Some(retry)),
        "answered: no more tries"
    );
    assert_eq!(
        say(&call(&[("in-progress", now)]), Some(retry)),
        "on the line now"
    );
    assert!(say(&call(&[]), Some(retry)).starts_with("not called yet"));
    // The retries not known: said so, no time made up.
    assert_eq!(
        say(&twice, None),
        "next try not known: retries are known only for batches made here"
    );
    // No window known: the time in UTC, said so.
    assert_eq!(
        next_try(&twice, Some(retry)).describe(None, now),
        "next try 19:11 UTC (attempt 3 of 4)"
    );
}

/// The fold of a whole batch keeps the completions the rate reads (the
/// last RATE_SPAN of them), not one a call, and says the same rate as
/// reading them all.
#[test]
fn a_whole_batchs_completions_take_bounded_memory_and_the_same_rate() {
    let start = chicago_at(13, 9, 0);
    // 20,000 completions a minute apart... and then 100 in the last 10 min.
    let mut calls: Vec<Call> = (0..20_000)
        .map(|i| call(&[("completed", start - Duration::minutes(20_000 - i))]))
        .collect();
    calls.extend((0..100).map(|i| call(&[("completed", start + Duration::seconds(6 * i))])));
    let mut folded = CallsSeen::default();
    for c in &calls {
        folded.add(c, None);
        assert!(folded.completed_at.len() <= 2 * COMPLETIONS_KEPT + 2);
    }
    folded.finish();
    let last = *folded.completed_at.last().unwrap();
    assert!(folded.completed_at.iter().all(|t| last - *t <= RATE_SPAN));
    assert_eq!(folded.read, 20_100);
    // The same rate as the completions kept by a fold that never sifts.
    let recent: Vec<Call> = calls
        .iter()
        .filter(|c| {
            let at = log_time(&c.phone_logs[0].created_at).unwrap();
            last - at <= RATE_SPAN
        })
        .cloned()
        .collect();
    let all = CallsSeen::of(&recent, None);
    assert_eq!(
        folded.rate(None).map(|r| r.per_minute),
        all.rate(None).map(|r| r.per_minute)
    );
}
