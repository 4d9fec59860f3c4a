//! Calling-window arithmetic with real timezones.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
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
    let at = |t: TimeOfDay| {
        let naive = day.and_hms_opt(u32::from(t.minutes() / 60), u32::from(t.minutes() % 60), 0)?;
        batch_tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|dt| dt.with_timezone(&other))
    };
    let (s, e) = (at(start)?, at(end)?);
    let shift = |dt: DateTime<Tz>| match (dt.date_naive() - s.date_naive()).num_days() {
        0 => String::new(),
        n if n > 0 => format!(" +{n}"),
        n => format!(" {n}"),
    };
    Some(format!(
        "{}–{}{}",
        s.format("%H:%M"),
        e.format("%H:%M"),
        shift(e)
    ))
}

/// Today's date in `tz` at `now`.
pub fn today_in(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe};

    fn t(h: u16, m: u16) -> TimeOfDay {
        TimeOfDay::new(h, m).unwrap()
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
}
