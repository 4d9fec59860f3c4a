//! Calling-window arithmetic with real timezones.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::form::time::TimeOfDay;

/// The window `start`–`end` of `day` in `batch_tz`, as wall-clock times in
/// `other`: "15:00–23:00", or with "+1" when it ends on the next day there.
/// `None` when a time does not exist that day (a daylight-saving gap).
pub fn window_elsewhere(
    batch_tz: Tz,
    day: NaiveDate,
    start: TimeOfDay,
    end: TimeOfDay,
    other: Tz,
) -> Option<String> {
    Some(Window::on(batch_tz, day, start, end)?.describe_in(other))
}

/// Today's date in `tz` at `now`.
pub fn today_in(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// One calling window, as absolute times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// The window `start`–`end` of `day` in `tz`; `None` when a time does
    /// not exist that day (a daylight-saving gap).
    pub fn on(tz: Tz, day: NaiveDate, start: TimeOfDay, end: TimeOfDay) -> Option<Self> {
        let at = |t: TimeOfDay| {
            let naive =
                day.and_hms_opt(u32::from(t.minutes() / 60), u32::from(t.minutes() % 60), 0)?;
            tz.from_local_datetime(&naive)
                .earliest()
                .map(|dt| dt.with_timezone(&Utc))
        };
        Some(Self {
            start: at(start)?,
            end: at(end)?,
        })
    }

    /// "09:00–17:00" on the clocks of `tz`, with "+1" when it ends on the
    /// next day there.
    pub fn describe_in(&self, tz: Tz) -> String {
        let (s, e) = (self.start.with_timezone(&tz), self.end.with_timezone(&tz));
        let days = (e.date_naive() - s.date_naive()).num_days();
        let shift = if days > 0 {
            format!(" +{days}")
        } else {
            String::new()
        };
        format!("{}–{}{shift}", s.format("%H:%M"), e.format("%H:%M"))
    }
}

/// The next `count` windows that have not ended at `now`, looking at most
/// `horizon` days ahead. A day whose start or end falls in a
/// daylight-saving gap is skipped (the time does not exist that day).
pub fn next_windows(
    tz: Tz,
    start: TimeOfDay,
    end: TimeOfDay,
    days: &[u8],
    now: DateTime<Utc>,
    count: usize,
    horizon: u32,
) -> Vec<Window> {
    today_in(tz, now)
        .iter_days()
        .take(horizon as usize)
        .filter(|day| {
            let weekday = crate::num::u8_sat(day.weekday().num_days_from_sunday());
            days.contains(&weekday)
        })
        .filter_map(|day| Window::on(tz, day, start, end))
        .filter(|w| w.end > now)
        .take(count)
        .collect()
}

/// Whether the window `start`–`end` on `days` (0 = Sunday) in `tz` is open
/// at `now`. A window that ends before it starts is never open, as the form
/// does not make one and Weya does not document one across midnight; a day
/// whose start or end falls in a daylight-saving gap has no window.
pub fn window_open(
    tz: Tz,
    start: TimeOfDay,
    end: TimeOfDay,
    days: &[u8],
    now: DateTime<Utc>,
) -> bool {
    next_windows(tz, start, end, days, now, 1, 1)
        .first()
        .is_some_and(|w| w.start <= now && now < w.end)
}

/// A batch's calling schedule as it was sent in its createBatch body:
/// Weya's list and batch-details answers do not echo it, so the client
/// knows it only for the batches whose body it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallingSchedule {
    pub timezone: Tz,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
    /// 0 = Sunday … 6 = Saturday.
    pub days: Vec<u8>,
}

/// How far ahead [`CallingSchedule::closed_note`] looks for the next
/// window: a week and a day covers any set of allowed days.
const NEXT_WINDOW_HORIZON: u32 = 8;

impl CallingSchedule {
    /// The schedule of a createBatch `body`, when it gives the timezone,
    /// the calling hours and the allowed days. Weya documents no defaults
    /// for any of them, so a body without one has no known schedule.
    pub fn from_body(body: &serde_json::Value) -> Option<Self> {
        let time = |part: &str| {
            crate::form::time::parse_time(body.get("callingHour")?.get(part)?.as_str()?).ok()
        };
        let days = body
            .get("allowedDays")?
            .as_array()?
            .iter()
            .map(|d| {
                d.as_u64()
                    .filter(|d| *d <= 6)
                    .and_then(|d| u8::try_from(d).ok())
            })
            .collect::<Option<Vec<u8>>>()?;
        Some(Self {
            timezone: body.get("timezone")?.as_str()?.parse().ok()?,
            start: time("start")?,
            end: time("end")?,
            days,
        })
    }

    /// When a batch on this schedule, not calling at `now`, may next
    /// call: "outside its calling window: opens Mon 09:00
    /// America/New_York (in 14 h)". `None` when the window is open, and
    /// when there is nothing true to say: a window that ends before it
    /// starts (Weya does not document one across midnight) or no day.
    pub fn closed_note(&self, now: DateTime<Utc>) -> Option<String> {
        self.opens_note(now)
            .map(|opens| format!("outside its calling window: {opens}"))
    }

    /// When the window next opens, said as [`Self::closed_note`] says it
    /// ("opens Mon 09:00 America/New_York (in 14 h)"), when it is closed
    /// at `now`.
    pub fn opens_note(&self, now: DateTime<Utc>) -> Option<String> {
        if self.end <= self.start {
            return None;
        }
        let next = next_windows(
            self.timezone,
            self.start,
            self.end,
            &self.days,
            now,
            1,
            NEXT_WINDOW_HORIZON,
        );
        let opens = next.first()?.start;
        if opens <= now {
            return None;
        }
        Some(format!(
            "opens {} {} (in {})",
            opens.with_timezone(&self.timezone).format("%a %H:%M"),
            self.timezone.name(),
            until(opens - now)
        ))
    }
}

/// A wait as the note says it: "25 min", "14 h", "3 d" (rounded down,
/// but never "0 min").
fn until(wait: chrono::Duration) -> String {
    let minutes = wait.num_minutes().max(1);
    match minutes {
        ..60 => format!("{minutes} min"),
        60..2880 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// A change of `tz`'s UTC offset within `days` days of `now`: the first
/// local date with the new offset, and the offsets before and after.
/// Offsets are compared at local noon, clear of the night-time changes.
pub fn offset_change(tz: Tz, now: DateTime<Utc>, days: i64) -> Option<(NaiveDate, String, String)> {
    let offset_on = |day: NaiveDate| {
        let noon = day.and_hms_opt(12, 0, 0)?;
        let at = tz.from_local_datetime(&noon).earliest()?;
        Some(crate::form::timezone::utc_offset(
            tz,
            at.with_timezone(&Utc),
        ))
    };
    let today = today_in(tz, now);
    let mut before = offset_on(today)?;
    for day in today
        .iter_days()
        .skip(1)
        .take(usize::try_from(days).unwrap_or(0))
    {
        let after = offset_on(day)?;
        if after != before {
            return Some((day, before, after));
        }
        before = after;
    }
    None
}

/// Something the operator should see before sending (not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);

/// US TCPA calling hours: 8 am to 9 pm at the called party's location.
const TCPA_START: u16 = 8 * 60;
const TCPA_END: u16 = 21 * 60;

/// The warnings about a schedule. `earlier_batch` is a batch of the same
/// name created from this machine: (when, ID).
#[allow(clippy::too_many_arguments)]
pub fn warnings(
    tz: Tz,
    start: TimeOfDay,
    end: TimeOfDay,
    days: &[u8],
    retries: u32,
    delay_secs: u32,
    name: &str,
    earlier_batch: Option<(&str, &str)>,
) -> Vec<Warning> {
    let mut out: Vec<Warning> = hours_warning(tz.name(), start, end)
        .into_iter()
        .chain(days_warning(days))
        .collect();
    // The form sends no delay with 0 retries.
    let delay = Some(delay_secs).filter(|_| retries > 0);
    out.extend(retry_warnings(retries, delay, Some((start, end))));
    out.extend(earlier_batch.map(|earlier| earlier_warning(name, earlier)));
    out
}

/// A window outside the US TCPA calling hours, in the zone named `zone`.
pub fn hours_warning(zone: &str, start: TimeOfDay, end: TimeOfDay) -> Option<Warning> {
    (start.minutes() < TCPA_START || end.minutes() > TCPA_END).then(|| {
        Warning(format!(
            "The window {}–{} runs outside 08:00–21:00 {zone}. In the US the TCPA allows \
             telemarketing calls only from 8 am to 9 pm at the called person's location; \
             check the rules that apply to your contacts.",
            start.to_hh_mm(),
            end.to_hh_mm(),
        ))
    })
}

/// Calls on a weekend day.
pub fn days_warning(days: &[u8]) -> Option<Warning> {
    let weekend: Vec<&str> = [(6, "Saturday"), (0, "Sunday")]
        .into_iter()
        .filter(|(d, _)| days.contains(d))
        .map(|(_, n)| n)
        .collect();
    (!weekend.is_empty()).then(|| {
        Warning(format!(
            "Calls on {}: make sure your contacts expect weekend calls.",
            weekend.join(" and ")
        ))
    })
}

/// Retries that do nothing, come too close together, or cannot fall in
/// the window. A delay that is not set (Weya's default) is not judged.
pub fn retry_warnings(
    retries: u32,
    delay_secs: Option<u32>,
    window: Option<(TimeOfDay, TimeOfDay)>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if retries == 0 {
        out.push(Warning(
            match delay_secs {
                None => {
                    "No retries: a call that fails is not attempted again (so the retry \
                         delay is not sent)."
                }
                Some(_) => {
                    "No retries: a call that fails is not attempted again (the delay \
                            sent with it has no use)."
                }
            }
            .to_owned(),
        ));
    }
    let Some(delay_secs) = delay_secs else {
        return out;
    };
    // Retries that all land within a minute of the failed call reach the
    // same busy line or the same person who just did not answer.
    let all_retries_within = retries.saturating_mul(delay_secs);
    if retries > 0 && all_retries_within < 60 {
        let times = if retries == 1 { "once" } else { "times" };
        let count = if retries == 1 {
            String::new()
        } else {
            format!("{retries} ")
        };
        out.push(Warning(if delay_secs == 0 {
            format!(
                "{retries} {} 0 s apart: a call that fails is dialled again at once, {count}{times} \
                 in a row. Set a retry delay unless that is what you mean.",
                if retries == 1 { "retry" } else { "retries" }
            )
        } else {
            format!(
                "{retries} {} {delay_secs} s apart: every retry of a failed call comes within \
                 {all_retries_within} s of it.",
                if retries == 1 { "retry" } else { "retries" }
            )
        }));
    }
    if let Some((start, end)) = window {
        let window_secs = u32::from(end.minutes().saturating_sub(start.minutes())) * 60;
        if retries > 0 && delay_secs > window_secs {
            out.push(Warning(format!(
                "The retry delay ({}) is longer than the daily window ({}): a retry can never \
                 fall in the same window as the call it repeats.",
                crate::form::number::describe_delay(delay_secs),
                crate::form::time::describe_minutes(end.minutes().saturating_sub(start.minutes()))
            )));
        }
    }
    out
}

/// A batch of the same name was created from this machine: (when, ID).
pub fn earlier_warning(name: &str, (when, id): (&str, &str)) -> Warning {
    Warning(format!(
        "A batch named \"{name}\" was already created from this machine ({when}, ID {id})."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{America, Asia, Europe};

    fn t(h: u16, m: u16) -> TimeOfDay {
        TimeOfDay::new(h, m).unwrap()
    }

    #[test]
    fn retries_without_a_delay_are_warned_of() {
        let warned = |retries, delay| {
            warnings(
                Europe::London,
                t(9, 0),
                t(17, 0),
                &[1],
                retries,
                delay,
                "x",
                None,
            )
            .into_iter()
            .map(|w| w.0)
            .filter(|w| w.contains("apart"))
            .collect::<Vec<_>>()
        };
        assert_eq!(
            warned(10, 0),
            [
                "10 retries 0 s apart: a call that fails is dialled again at once, 10 times in a \
              row. Set a retry delay unless that is what you mean."
            ]
        );
        assert_eq!(
            warned(3, 15),
            ["3 retries 15 s apart: every retry of a failed call comes within 45 s of it."]
        );
        assert!(warned(3, 60).is_empty());
        assert!(warned(0, 0).is_empty(), "no retries, nothing to space");
    }

    #[test]
    fn new_york_office_hours_seen_from_kolkata_cross_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        assert_eq!(
            window_elsewhere(America::New_York, day, t(9, 0), t(17, 0), Asia::Kolkata).as_deref(),
            Some("19:30–03:30 +1")
        );
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        assert_eq!(
            window_elsewhere(America::New_York, summer, t(9, 0), t(17, 0), Asia::Kolkata)
                .as_deref(),
            Some("18:30–02:30 +1"),
            "daylight saving moves it an hour"
        );
    }

    #[test]
    fn a_time_in_a_daylight_saving_gap_has_no_answer() {
        let spring_forward = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        assert_eq!(
            window_elsewhere(
                Europe::Berlin,
                spring_forward,
                t(2, 30),
                t(17, 0),
                Asia::Kolkata
            ),
            None
        );
    }

    #[test]
    fn the_next_windows_skip_disallowed_days_and_ended_windows() {
        // Thursday 15 Jan 2026, 18:00 in New York: today's window has ended.
        let now = Utc.with_ymd_and_hms(2026, 1, 15, 23, 0, 0).unwrap();
        let ws = next_windows(
            America::New_York,
            t(9, 0),
            t(17, 0),
            &[1, 2, 3, 4, 5],
            now,
            5,
            14,
        );
        let starts: Vec<String> = ws
            .iter()
            .map(|w| {
                w.start
                    .with_timezone(&America::New_York)
                    .format("%a %d %H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(
            starts,
            [
                "Fri 16 09:00",
                "Mon 19 09:00",
                "Tue 20 09:00",
                "Wed 21 09:00",
                "Thu 22 09:00"
            ]
        );
        assert_eq!(ws[0].start.format("%H:%M").to_string(), "14:00", "UTC");
    }

    #[test]
    fn a_window_open_now_is_the_first() {
        let now = Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap(); // 10:00 NY
        let ws = next_windows(America::New_York, t(9, 0), t(17, 0), &[4], now, 1, 14);
        assert!(ws[0].start < now && now < ws[0].end);
    }

    #[test]
    fn a_window_is_open_on_its_days_between_its_times() {
        let weekdays = [1, 2, 3, 4, 5];
        let open = |h: u32, m: u32| {
            // Thursday 15 Jan 2026 in New York (UTC−5).
            let now = Utc.with_ymd_and_hms(2026, 1, 15, h + 5, m, 0).unwrap();
            window_open(America::New_York, t(9, 0), t(17, 0), &weekdays, now)
        };
        assert!(!open(8, 59));
        assert!(open(9, 0));
        assert!(open(16, 59));
        assert!(!open(17, 0), "the end is not in the window");
        let saturday_noon = Utc.with_ymd_and_hms(2026, 1, 17, 17, 0, 0).unwrap();
        assert!(!window_open(
            America::New_York,
            t(9, 0),
            t(17, 0),
            &weekdays,
            saturday_noon
        ));
        let night = Utc.with_ymd_and_hms(2026, 1, 15, 4, 0, 0).unwrap(); // 23:00 NY
        assert!(!window_open(
            America::New_York,
            t(22, 0),
            t(6, 0),
            &weekdays,
            night
        ));
    }

    fn new_york_weekdays() -> CallingSchedule {
        CallingSchedule::from_body(&serde_json::json!({
            "batchName": "May", "callingNumbers": ["64e5f12345abcdef87654321"],
            "timezone": "America/New_York",
            "callingHour": {"start": "09:00", "end": "17:00"},
            "allowedDays": [1, 2, 3, 4, 5]
        }))
        .unwrap()
    }

    #[test]
    fn a_closed_window_says_when_it_opens_in_the_batchs_timezone() {
        let schedule = new_york_weekdays();
        // Saturday 17 Jan 2026, 14:00 in New York (UTC−5).
        let saturday = Utc.with_ymd_and_hms(2026, 1, 17, 19, 0, 0).unwrap();
        assert_eq!(
            schedule.closed_note(saturday).as_deref(),
            Some("outside its calling window: opens Mon 09:00 America/New_York (in 43 h)")
        );
        // Thursday 15 Jan, 18:00 in New York.
        let evening = Utc.with_ymd_and_hms(2026, 1, 15, 23, 0, 0).unwrap();
        assert_eq!(
            schedule.closed_note(evening).as_deref(),
            Some("outside its calling window: opens Fri 09:00 America/New_York (in 15 h)")
        );
        // Sunday 18 Jan, 23:30 in New York: 9 h 30 min to go, said in hours.
        let sunday_night = Utc.with_ymd_and_hms(2026, 1, 19, 4, 30, 0).unwrap();
        assert_eq!(
            schedule.closed_note(sunday_night).as_deref(),
            Some("outside its calling window: opens Mon 09:00 America/New_York (in 9 h)")
        );
        let early = Utc.with_ymd_and_hms(2026, 1, 15, 13, 35, 0).unwrap(); // 08:35
        assert!(
            schedule
                .closed_note(early)
                .is_some_and(|n| n.ends_with("opens Thu 09:00 America/New_York (in 25 min)"))
        );
        // Friday 16 Jan, 17:00 in New York, a Thursday-only batch: days.
        let long_before = Utc.with_ymd_and_hms(2026, 1, 16, 22, 0, 0).unwrap(); // Fri 17:00
        assert!(
            CallingSchedule {
                days: vec![4],
                ..new_york_weekdays()
            }
            .closed_note(long_before)
            .is_some_and(|n| n.ends_with("opens Thu 09:00 America/New_York (in 5 d)"))
        );
        // Thursday 10:00 in New York: open, nothing to say.
        let inside = Utc.with_ymd_and_hms(2026, 1, 15, 15, 0, 0).unwrap();
        assert_eq!(schedule.closed_note(inside), None);
    }

    #[test]
    fn a_schedule_is_known_only_from_a_body_that_gives_all_of_it() {
        use serde_json::json;
        let full = json!({"timezone": "Asia/Kolkata",
            "callingHour": {"start": "09:00", "end": "20:00"}, "allowedDays": [0, 6]});
        assert_eq!(
            CallingSchedule::from_body(&full),
            Some(CallingSchedule {
                timezone: Asia::Kolkata,
                start: t(9, 0),
                end: t(20, 0),
                days: vec![0, 6],
            })
        );
        for missing in ["timezone", "callingHour", "allowedDays"] {
            let mut body = full.clone();
            body.as_object_mut().unwrap().remove(missing);
            assert_eq!(CallingSchedule::from_body(&body), None, "no {missing}");
        }
        let mut odd_day = full.clone();
        odd_day["allowedDays"] = json!([1, 9]);
        assert_eq!(CallingSchedule::from_body(&odd_day), None);
        // Across midnight: Weya documents no such window, so no word.
        let mut night = full;
        night["callingHour"] = json!({"start": "22:00", "end": "06:00"});
        let night = CallingSchedule::from_body(&night).unwrap();
        let noon = Utc.with_ymd_and_hms(2026, 1, 15, 6, 30, 0).unwrap();
        assert_eq!(night.closed_note(noon), None);
    }

    #[test]
    fn a_daylight_saving_change_ahead_is_found() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let (day, before, after) = offset_change(America::New_York, now, 14).unwrap();
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
        assert_eq!(
            (before.as_str(), after.as_str()),
            ("UTC−05:00", "UTC−04:00")
        );
        assert_eq!(offset_change(Asia::Kolkata, now, 14), None);
    }

    #[test]
    fn warnings_name_what_is_unusual() {
        let w = |start, end, days: &[u8], retries, delay, earlier| {
            warnings(
                America::New_York,
                start,
                end,
                days,
                retries,
                delay,
                "May",
                earlier,
            )
            .into_iter()
            .map(|w| w.0)
            .collect::<Vec<_>>()
        };
        assert!(w(t(9, 0), t(17, 0), &[1, 2, 3, 4, 5], 3, 60, None).is_empty());
        let all = w(
            t(7, 0),
            t(22, 0),
            &[0, 6],
            0,
            60,
            Some(("2026-01-15 10:00", "64e5")),
        );
        assert_eq!(all.len(), 4, "{all:#?}");
        assert!(all[0].contains("TCPA"));
        assert!(all[1].contains("Saturday and Sunday"));
        assert!(all[2].contains("No retries"));
        assert!(all[3].contains("already created"));
        let long_delay = w(t(9, 0), t(10, 0), &[1], 2, 7200, None);
        assert!(
            long_delay[0].contains("longer than the daily window"),
            "{long_delay:?}"
        );
    }
}
