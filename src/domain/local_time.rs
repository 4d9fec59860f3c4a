//! The contacts' own local time: a batch's calling window on the clocks of
//! the people it calls. Contacts are grouped by the time zone of their
//! number ([`crate::domain::phone::zones`]); for each group the window of
//! the batch's next calling day is converted (daylight saving included)
//! and checked against the hours people may be called (08:00–21:00, the
//! TCPA's, unless the config file says otherwise):
//!
//! "312 contacts in America/Los_Angeles: 09:00–17:00 New York is
//! 06:00–14:00 for them (3 h before 08:00)".
//!
//! A group whose prefix stands for several zones is shown as such, with
//! the zones, and judged by its worst case: the earliest start and the
//! latest end among them. Used by the import check (CLI and TUI), a
//! batch's details and `batch view`: one engine for all of them.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::domain::phone::zones::ZoneCounts;
use crate::domain::schedule::{CallingSchedule, Window, next_windows};
use crate::form::time::{TimeOfDay, describe_minutes, parse_time};
use crate::num::thousands;

/// The hours contacts may be called in their own time: from `earliest`
/// to `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactHours {
    pub earliest: TimeOfDay,
    pub latest: TimeOfDay,
}

impl Default for ContactHours {
    /// 08:00–21:00: the TCPA's (47 CFR § 64.1200(c)(1)).
    fn default() -> Self {
        const TCPA: ContactHours = ContactHours {
            earliest: TimeOfDay::fixed(8, 0),
            latest: TimeOfDay::fixed(21, 0),
        };
        TCPA
    }
}

impl ContactHours {
    /// `08:00-21:00` (a hyphen, an en dash or "to" between the times), as
    /// the config file's `contact_hours` takes it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{text:?} is not a span of hours: write it as \"08:00-21:00\" (24-hour, the \
                 earlier first)"
            )
        };
        let (from, to) = text
            .split_once('-')
            .or_else(|| text.split_once('–'))
            .or_else(|| text.split_once(" to "))
            .ok_or_else(bad)?;
        let hours = Self {
            earliest: parse_time(from).map_err(|_| bad())?,
            latest: parse_time(to).map_err(|_| bad())?,
        };
        if hours.latest <= hours.earliest {
            return Err(bad());
        }
        Ok(hours)
    }

    /// "08:00–21:00".
    pub fn describe(&self) -> String {
        format!("{}–{}", self.earliest.to_hh_mm(), self.latest.to_hh_mm())
    }
}

/// One group of contacts and the batch's window on their clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalWindow {
    /// The zone; several when the numbers' prefix does not tell which
    /// (the window is then their worst case); none when no prefix of the
    /// numbers is in libphonenumber's map (nothing more is known).
    pub zones: Vec<Tz>,
    pub count: u64,
    /// The window there: its start and end as wall-clock minutes from the
    /// midnight that begins the batch's calling day there (so 1,500 is
    /// 01:00 the next day, -60 23:00 the day before). `None` for zones
    /// not known.
    pub span: Option<(i64, i64)>,
    /// Minutes of the window before `earliest` and after `latest`.
    pub before: u32,
    pub after: u32,
}

/// The local windows of every group, for one calling day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTimes {
    pub schedule: CallingSchedule,
    /// The batch's next calling day (in its timezone) the windows are of.
    pub day: NaiveDate,
    pub hours: ContactHours,
    /// Flagged groups first, then the others; most contacts first in each.
    pub groups: Vec<LocalWindow>,
}

/// Why there are no local windows to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoLocalTimes {
    /// The window ends before it starts: Weya does not document one
    /// across midnight, and the form does not make one.
    WindowAcrossMidnight,
    /// No allowed day in the next week has a window (no day allowed, or
    /// each one's start or end falls in a daylight-saving gap).
    NoCallingDay,
}

impl std::fmt::Display for NoLocalTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::WindowAcrossMidnight => "the calling window ends before it starts",
            Self::NoCallingDay => "no calling day in the next week",
        })
    }
}

/// How far ahead the next calling day is looked for: a week and a day
/// covers any set of allowed days.
const HORIZON_DAYS: u32 = 8;

/// The batch's window of its next calling day after `now`, on the clocks
/// of each group of `counts`.
pub fn local_times(
    schedule: &CallingSchedule,
    counts: &ZoneCounts,
    hours: ContactHours,
    now: DateTime<Utc>,
) -> Result<LocalTimes, NoLocalTimes> {
    if schedule.end <= schedule.start {
        return Err(NoLocalTimes::WindowAcrossMidnight);
    }
    let window = next_windows(
        schedule.timezone,
        schedule.start,
        schedule.end,
        &schedule.days,
        now,
        1,
        HORIZON_DAYS,
    )
    .into_iter()
    .next()
    .ok_or(NoLocalTimes::NoCallingDay)?;
    let day = window.start.with_timezone(&schedule.timezone).date_naive();
    let mut groups: Vec<LocalWindow> = counts
        .groups()
        .into_iter()
        .map(|(zones, count)| group(&window, day, zones, count, hours))
        .collect();
    if counts.unknown() > 0 {
        groups.push(LocalWindow {
            zones: Vec::new(),
            count: counts.unknown(),
            span: None,
            before: 0,
            after: 0,
        });
    }
    // Stable: the counts' order (most first) within each kind.
    groups.sort_by_key(|g| (!g.is_flagged(), g.span.is_none()));
    Ok(LocalTimes {
        schedule: schedule.clone(),
        day,
        hours,
        groups,
    })
}

/// The window `window` (of the batch's `day`) in `zones`, their worst case.
fn group(
    window: &Window,
    day: NaiveDate,
    zones: &[Tz],
    count: u64,
    hours: ContactHours,
) -> LocalWindow {
    let spans: Vec<(i64, i64)> = zones.iter().map(|&tz| span_in(window, day, tz)).collect();
    let start = spans.iter().map(|s| s.0).min();
    let end = spans.iter().map(|s| s.1).max();
    let (before, after) = spans
        .iter()
        .map(|&span| outside(span, hours))
        .fold((0, 0), |(b, a), (nb, na)| (b.max(nb), a.max(na)));
    LocalWindow {
        zones: zones.to_vec(),
        count,
        span: start.zip(end),
        before,
        after,
    }
}

/// `window` on the wall clocks of `tz`, in minutes from the midnight that
/// begins `day` there.
fn span_in(window: &Window, day: NaiveDate, tz: Tz) -> (i64, i64) {
    let minutes = |at: DateTime<Utc>| {
        let local = at.with_timezone(&tz).naive_local();
        let days = (local.date() - day).num_days();
        let since_midnight = local.time() - chrono::NaiveTime::MIN;
        days * 1440 + since_midnight.num_minutes()
    };
    (minutes(window.start), minutes(window.end))
}

/// Minutes of `span` (wall-clock minutes from a midnight) before
/// `hours.earliest` and after `hours.latest`. Each night (from `latest`
/// to the next day's `earliest`) the span reaches is one stretch: the
/// part the window runs on into from the evening is "after `latest`",
/// the part it runs in from towards the morning is "before `earliest`"
/// (a window of 01:00–00:59 the next day is 7 h before 08:00 and 3 h 59
/// min after 21:00, not 7 h 59 min and 3 h); a night it runs through from
/// evening to morning, or lies inside, is cut at midnight.
fn outside((start, end): (i64, i64), hours: ContactHours) -> (u32, u32) {
    let (earliest, latest) = (
        i64::from(hours.earliest.minutes()),
        i64::from(hours.latest.minutes()),
    );
    let (mut before, mut after) = (0i64, 0i64);
    // The night that ends on the morning of `day`, for every day the span
    // touches, and the night after its last day.
    for day in start.div_euclid(1440)..=end.div_euclid(1440) + 1 {
        let midnight = day * 1440;
        let night = (midnight - 1440 + latest, midnight + earliest);
        let (from, to) = (start.max(night.0), end.min(night.1));
        if from >= to {
            continue;
        }
        let from_evening = from == night.0;
        let to_morning = to == night.1;
        if from_evening && !to_morning {
            after += to - from;
        } else if to_morning && !from_evening {
            before += to - from;
        } else {
            after += (midnight.min(to) - from).max(0);
            before += (to - midnight.max(from)).max(0);
        }
    }
    let minutes = |m: i64| u32::try_from(m).unwrap_or(u32::MAX);
    (minutes(before), minutes(after))
}

impl LocalWindow {
    /// Whether the window leaves the hours contacts may be called in.
    pub fn is_flagged(&self) -> bool {
        self.before > 0 || self.after > 0
    }

    /// "America/Los_Angeles", "several zones (America/Boise,
    /// America/Los_Angeles)" (the first few of a long list), "an unknown zone".
    pub fn zone_name(&self) -> String {
        const LISTED: usize = 3;
        match self.zones.as_slice() {
            [] => "an unknown zone".to_owned(),
            [zone] => zone.name().to_owned(),
            zones => {
                let mut names: Vec<&str> = zones.iter().take(LISTED).map(|z| z.name()).collect();
                let more = zones.len().saturating_sub(LISTED);
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                names.sort_unstable();
                format!(
                    "several zones ({}{more}: the number does not tell which)",
                    names.join(", ")
                )
            }
        }
    }

    /// The zone, or "2 zones" (their list is too long for a header).
    pub fn zone_name_short(&self) -> String {
        match self.zones.as_slice() {
            [zone] => zone.name().to_owned(),
            [] => "an unknown zone".to_owned(),
            zones => format!("{} zones", zones.len()),
        }
    }

    /// "06:00–14:00", "23:00–07:00 next day", "00:00–08:00 the next day".
    pub fn local_window(&self) -> Option<String> {
        let (start, end) = self.span?;
        let (start_day, end_day) = (start.div_euclid(1440), end.div_euclid(1440));
        let day_word = |d: i64| match d {
            0 => String::new(),
            1 => " next day".to_owned(),
            -1 => " the day before".to_owned(),
            d if d > 0 => format!(" {d} days later"),
            d => format!(" {} days before", -d),
        };
        Some(if start_day == end_day {
            let mut when = day_word(start_day);
            if start_day == 1 {
                when = " the next day".to_owned();
            }
            format!("{}–{}{when}", clock(start), clock(end))
        } else {
            format!(
                "{}{}–{}{}",
                clock(start),
                day_word(start_day),
                clock(end),
                day_word(end_day)
            )
        })
    }

    /// "3 h before 08:00", "1 h after 21:00 and 30 min before 08:00", or
    /// `None` inside the hours.
    pub fn flag(&self, hours: ContactHours) -> Option<String> {
        let mut parts = Vec::new();
        if self.before > 0 {
            parts.push(format!(
                "{} before {}",
                describe_minutes(u16::try_from(self.before).unwrap_or(u16::MAX)),
                hours.earliest.to_hh_mm()
            ));
        }
        if self.after > 0 {
            parts.push(format!(
                "{} after {}",
                describe_minutes(u16::try_from(self.after).unwrap_or(u16::MAX)),
                hours.latest.to_hh_mm()
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// "06:00" for a wall-clock minute of any day.
fn clock(minutes: i64) -> String {
    let m = minutes.rem_euclid(1440);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// "New York" for `America/New_York`: how a window is named in a line.
fn city(tz: Tz) -> String {
    let name = tz.name();
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

impl LocalTimes {
    /// Groups whose window leaves the hours.
    pub fn flagged(&self) -> impl Iterator<Item = &LocalWindow> {
        self.groups.iter().filter(|g| g.is_flagged())
    }

    /// Contacts in flagged groups.
    pub fn flagged_contacts(&self) -> u64 {
        self.flagged().map(|g| g.count).sum()
    }

    /// "09:00–17:00 New York on Mon 15 Jun": the window the lines convert.
    pub fn basis(&self) -> String {
        format!(
            "{}–{} {} on {}",
            self.schedule.start.to_hh_mm(),
            self.schedule.end.to_hh_mm(),
            city(self.schedule.timezone),
            self.day.format("%a %-d %b")
        )
    }

    /// One line per group: "312 contacts in America/Los_Angeles: 09:00–17:00
    /// New York is 06:00–14:00 for them (3 h before 08:00)".
    pub fn line(&self, group: &LocalWindow) -> String {
        let who = format!(
            "{} contact{} in {}",
            thousands(group.count),
            if group.count == 1 { "" } else { "s" },
            group.zone_name()
        );
        let Some(there) = group.local_window() else {
            return format!("{who}: their local time is not known");
        };
        let worst = if group.zones.len() > 1 {
            " at the widest"
        } else {
            ""
        };
        let ours = format!(
            "{}–{} {}",
            self.schedule.start.to_hh_mm(),
            self.schedule.end.to_hh_mm(),
            city(self.schedule.timezone)
        );
        match group.flag(self.hours) {
            Some(flag) => format!("{who}: {ours} is {there} for them{worst} ({flag})"),
            None => format!(
                "{who}: {ours} is {there} for them{worst}, inside {}",
                self.hours.describe()
            ),
        }
    }

    /// A one-line summary: "2 of 5 zones (150 contacts) are called outside
    /// 08:00–21:00 their time", or that none is.
    pub fn summary(&self) -> String {
        let zones = self.groups.iter().filter(|g| g.span.is_some()).count();
        let flagged = self.flagged().count();
        if self.groups.is_empty() {
            return "no contacts to check yet".to_owned();
        }
        if flagged == 0 {
            return format!(
                "every contact is called inside {} their time ({})",
                self.hours.describe(),
                plural(zones as u64, "zone"),
            );
        }
        format!(
            "{} of {} ({}) are called outside {} their time",
            flagged,
            plural(zones as u64, "zone"),
            plural(self.flagged_contacts(), "contact"),
            self.hours.describe()
        )
    }

    /// One line for a header: the flagged groups, most contacts first, and
    /// how many are inside the hours. "Local time outside 08:00–21:00
    /// (09:00–17:00 New York on Mon 2 Jun): 2 in Europe/London 14:00–22:00
    /// (1 h after 21:00) · 3 inside 08:00–21:00".
    pub fn compact(&self) -> String {
        if self.flagged().next().is_none() {
            return format!("Local time ({}): {}", self.basis(), self.summary());
        }
        let mut parts: Vec<String> = self
            .flagged()
            .map(|g| {
                format!(
                    "{} in {} {} ({})",
                    thousands(g.count),
                    g.zone_name_short(),
                    g.local_window().unwrap_or_default(),
                    g.flag(self.hours).unwrap_or_default()
                )
            })
            .collect();
        let inside: u64 = self
            .groups
            .iter()
            .filter(|g| !g.is_flagged() && g.span.is_some())
            .map(|g| g.count)
            .sum();
        if inside > 0 {
            parts.push(format!(
                "{} inside {}",
                thousands(inside),
                self.hours.describe()
            ));
        }
        let unknown: u64 = self
            .groups
            .iter()
            .filter(|g| g.span.is_none())
            .map(|g| g.count)
            .sum();
        if unknown > 0 {
            parts.push(format!("{} in an unknown zone", thousands(unknown)));
        }
        format!(
            "Local time outside {} ({}): {}",
            self.hours.describe(),
            self.basis(),
            parts.join(" · ")
        )
    }

    /// `localTime`: one object per group, `{zone, count, localStart,
    /// localEnd, outsideHours}`, with the zones of a group of several, the
    /// days the times fall on (0 the batch's calling day, 1 the next) and
    /// the minutes outside.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.groups
                .iter()
                .map(|g| {
                    let zone = match g.zones.as_slice() {
                        [] => Value::Null,
                        [zone] => json!(zone.name()),
                        _ => json!("several zones"),
                    };
                    json!({
                        "zone": zone,
                        "zones": g.zones.iter().map(|z| z.name()).collect::<Vec<_>>(),
                        "count": g.count,
                        "localStart": g.span.map(|s| clock(s.0)),
                        "localEnd": g.span.map(|s| clock(s.1)),
                        "startDay": g.span.map(|s| s.0.div_euclid(1440)),
                        "endDay": g.span.map(|s| s.1.div_euclid(1440)),
                        "outsideHours": g.span.map(|_| g.is_flagged()),
                        "minutesBefore": g.span.map(|_| g.before),
                        "minutesAfter": g.span.map(|_| g.after),
                        "text": self.line(g),
                    })
                })
                .collect(),
        )
    }

    /// What the lines are of, for `--json`: the day, the window and the
    /// hours checked.
    pub fn basis_json(&self) -> Value {
        json!({
            "day": self.day.to_string(),
            "timezone": self.schedule.timezone.name(),
            "start": self.schedule.start.to_hh_mm(),
            "end": self.schedule.end.to_hh_mm(),
            "contactHours": {
                "earliest": self.hours.earliest.to_hh_mm(),
                "latest": self.hours.latest.to_hh_mm(),
            },
        })
    }
}

impl LocalTimes {
    /// The lines a check or a batch's details show: the summary with the
    /// window it is of, then a line per group (flagged ones marked `!`),
    /// at most `max` of them and a line for the rest.
    pub fn lines(&self, max: usize) -> Vec<String> {
        let mut lines = vec![format!("Local time ({}): {}", self.basis(), self.summary())];
        for group in self.groups.iter().take(max) {
            let mark = if group.is_flagged() { "!" } else { " " };
            lines.push(format!("  {mark} {}", self.line(group)));
        }
        let rest = &self.groups[self.groups.len().min(max)..];
        if !rest.is_empty() {
            let contacts: u64 = rest.iter().map(|g| g.count).sum();
            let flagged = rest.iter().filter(|g| g.is_flagged()).count();
            lines.push(format!(
                "    and {} more ({}{})",
                plural(rest.len() as u64, "zone"),
                plural(contacts, "contact"),
                if flagged > 0 {
                    format!(", {flagged} of the zones flagged")
                } else {
                    String::new()
                }
            ));
        }
        lines
    }
}

/// The local-time line when the dialer calls at any hour (the sandbox's
/// `--ignore-window`): the window's hours below are not what holds calls
/// to; calls may come at any hour of the contacts' day.
pub const ANY_HOUR: &str =
    "Local time: calls may come at any hour of the contacts' day (the sandbox ignores the window)";

/// What is said where a batch's local times cannot be shown: why.
pub fn not_known(why: &str) -> String {
    format!("Local time: not shown: {why}")
}

/// Why a batch has no known schedule: Weya's answers do not include it.
pub const NO_SCHEDULE: &str = "the batch's calling window is not known (Weya's answers do not \
     include it, and this batch was not created from this machine)";

/// The local times of a batch whose schedule may not be known, or why
/// there are none: what every screen and command shows.
pub fn for_batch(
    schedule: Option<&CallingSchedule>,
    counts: &ZoneCounts,
    hours: ContactHours,
    now: DateTime<Utc>,
) -> Result<LocalTimes, String> {
    let schedule = schedule.ok_or_else(|| NO_SCHEDULE.to_owned())?;
    local_times(schedule, counts, hours, now).map_err(|e| e.to_string())
}

/// `--json`'s `localTime` (the groups, or `null`) and `localTimeBasis`
/// (the day, window and hours they are of, or why there are none).
pub fn json_facts(result: &Result<LocalTimes, String>) -> (Value, Value) {
    match result {
        Ok(times) => (times.to_json(), times.basis_json()),
        Err(why) => (Value::Null, json!({ "notKnown": why })),
    }
}

fn plural(n: u64, word: &str) -> String {
    format!("{} {word}{}", thousands(n), if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// The stretch a window runs into from the evening is "after 21:00",
    /// the one it runs in from towards the morning "before 08:00"; a night
    /// crossed whole, or one the window lies inside, is cut at midnight.
    #[test]
    fn minutes_outside_are_told_by_the_end_of_the_night_they_touch() {
        let hours = ContactHours::default();
        let at = |h: i64, m: i64| h * 60 + m;
        // 00:00–23:59 Chicago in New York: 01:00–00:59 the next day.
        assert_eq!(outside((at(1, 0), at(24, 59)), hours), (420, 239));
        assert_eq!(outside((at(9, 0), at(17, 0)), hours), (0, 0));
        assert_eq!(outside((at(6, 0), at(14, 0)), hours), (120, 0));
        assert_eq!(outside((at(18, 0), at(23, 0)), hours), (0, 120));
        assert_eq!(outside((at(22, 0), at(23, 0)), hours), (0, 60));
        assert_eq!(outside((at(2, 0), at(5, 0)), hours), (180, 0));
        assert_eq!(outside((at(22, 0), at(26, 0)), hours), (120, 120));
        // Evening to morning: the night cut at midnight.
        assert_eq!(outside((at(20, 0), at(33, 0)), hours), (480, 180));
        // The day before: 23:00–01:00 is two hours, one each side.
        assert_eq!(outside((at(-1, 0), at(1, 0)), hours), (60, 60));
    }

    fn new_york_9_to_5() -> CallingSchedule {
        CallingSchedule {
            timezone: chrono_tz::America::New_York,
            start: parse_time("09:00").expect("time"),
            end: parse_time("17:00").expect("time"),
            days: vec![1, 2, 3, 4, 5],
        }
    }

    fn counts(numbers: &[(u64, u64)]) -> ZoneCounts {
        let mut counts = ZoneCounts::default();
        for &(number, times) in numbers {
            for i in 0..times {
                counts.add(number + i);
            }
        }
        counts
    }

    /// A Saturday in June (summer time on both sides of the Atlantic).
    fn june_saturday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 13, 12, 0, 0)
            .single()
            .expect("time")
    }

    fn by_zone<'a>(times: &'a LocalTimes, zone: &str) -> &'a LocalWindow {
        times
            .groups
            .iter()
            .find(|g| g.zones.len() == 1 && g.zones[0].name() == zone)
            .unwrap_or_else(|| panic!("no group for {zone}: {times:?}"))
    }

    #[test]
    fn london_and_los_angeles_are_flagged_for_a_new_york_9_to_5_new_york_is_not() {
        let numbers = counts(&[
            (12125550100, 3),  // New York
            (13105550100, 2),  // Los Angeles
            (447911123400, 4), // London
        ]);
        let times = local_times(
            &new_york_9_to_5(),
            &numbers,
            ContactHours::default(),
            june_saturday(),
        )
        .expect("a calling day");
        assert_eq!(times.day.to_string(), "2026-06-15", "the next Monday");

        let la = by_zone(&times, "America/Los_Angeles");
        assert_eq!(la.local_window().as_deref(), Some("06:00–14:00"));
        assert_eq!((la.before, la.after), (120, 0));
        assert_eq!(
            times.line(la),
            "2 contacts in America/Los_Angeles: 09:00–17:00 New York is 06:00–14:00 for \
             them (2 h before 08:00)"
        );
        let london = by_zone(&times, "Europe/London");
        assert_eq!(london.local_window().as_deref(), Some("14:00–22:00"));
        assert_eq!(london.flag(times.hours).as_deref(), Some("1 h after 21:00"));
        let new_york = by_zone(&times, "America/New_York");
        assert!(!new_york.is_flagged(), "{new_york:?}");
        assert_eq!(new_york.local_window().as_deref(), Some("09:00–17:00"));

        // Flagged first, most contacts first.
        let order: Vec<String> = times.groups.iter().map(LocalWindow::zone_name).collect();
        assert_eq!(
            order,
            ["Europe/London", "America/Los_Angeles", "America/New_York"]
        );
        assert_eq!(times.flagged_contacts(), 6);
        assert_eq!(
            times.summary(),
            "2 of 3 zones (6 contacts) are called outside 08:00–21:00 their time"
        );
        let json = times.to_json();
        assert_eq!(json[0]["zone"], "Europe/London");
        assert_eq!(json[0]["localStart"], "14:00");
        assert_eq!(json[0]["localEnd"], "22:00");
        assert_eq!(json[0]["outsideHours"], true);
        assert_eq!(json[2]["zone"], "America/New_York");
        assert_eq!(json[2]["outsideHours"], false);
    }

    #[test]
    fn daylight_saving_is_that_of_the_day() {
        // 9 Mar 2026: New York has moved its clocks (8 Mar), London not
        // yet (29 Mar): the gap is 4 h, not 5, that week.
        let monday = Utc
            .with_ymd_and_hms(2026, 3, 9, 6, 0, 0)
            .single()
            .expect("time");
        let times = local_times(
            &new_york_9_to_5(),
            &counts(&[(447911123400, 1)]),
            ContactHours::default(),
            monday,
        )
        .expect("a calling day");
        assert_eq!(
            times.groups[0].local_window().as_deref(),
            Some("13:00–21:00")
        );
        assert!(!times.groups[0].is_flagged(), "ends at 21:00 sharp");
    }

    #[test]
    fn a_window_across_midnight_there_says_so_and_counts_both_ends() {
        let times = local_times(
            &new_york_9_to_5(),
            &counts(&[(81312345678, 1), (61212345678, 1)]), // Tokyo, Sydney
            ContactHours::default(),
            june_saturday(),
        )
        .expect("a calling day");
        let tokyo = by_zone(&times, "Asia/Tokyo");
        assert_eq!(
            tokyo.local_window().as_deref(),
            Some("22:00–06:00 next day")
        );
        assert_eq!((tokyo.before, tokyo.after), (360, 120));
        assert_eq!(
            tokyo.flag(times.hours).as_deref(),
            Some("6 h before 08:00 and 2 h after 21:00")
        );
        let sydney = by_zone(&times, "Australia/Sydney");
        assert_eq!(
            sydney.local_window().as_deref(),
            Some("23:00–07:00 next day")
        );
    }

    #[test]
    fn several_zones_are_named_and_judged_by_the_worst() {
        // Idaho's 208: Boise (Mountain) or Los Angeles (Pacific).
        let times = local_times(
            &new_york_9_to_5(),
            &counts(&[(12085550100, 2)]),
            ContactHours::default(),
            june_saturday(),
        )
        .expect("a calling day");
        let idaho = &times.groups[0];
        assert_eq!(idaho.zones.len(), 2);
        assert_eq!(idaho.local_window().as_deref(), Some("06:00–15:00"));
        assert_eq!(idaho.before, 120, "Los Angeles' start");
        assert!(
            times
                .line(idaho)
                .contains("several zones (America/Boise, America/Los_Angeles")
        );
        assert!(times.line(idaho).contains("at the widest"));
        assert_eq!(times.to_json()[0]["zone"], "several zones");
    }

    #[test]
    fn unknown_zones_are_counted_not_guessed() {
        let times = local_times(
            &new_york_9_to_5(),
            &counts(&[(999123456789, 2), (12125550100, 1)]),
            ContactHours::default(),
            june_saturday(),
        )
        .expect("a calling day");
        let unknown = times.groups.last().expect("a group");
        assert!(unknown.zones.is_empty());
        assert_eq!(
            times.line(unknown),
            "2 contacts in an unknown zone: their local time is not known"
        );
        assert_eq!(times.to_json()[1]["zone"], Value::Null);
        assert_eq!(times.to_json()[1]["outsideHours"], Value::Null);
    }

    #[test]
    fn the_hours_are_configurable() {
        let hours = ContactHours::parse("09:00-20:00").expect("hours");
        let times = local_times(
            &new_york_9_to_5(),
            &counts(&[(13125550100, 1)]), // Chicago: 08:00–16:00
            hours,
            june_saturday(),
        )
        .expect("a calling day");
        assert_eq!(
            times.groups[0].flag(hours).as_deref(),
            Some("1 h before 09:00")
        );
        assert!(ContactHours::parse("21:00-08:00").is_err());
        assert!(ContactHours::parse("8").is_err());
        assert_eq!(
            ContactHours::parse("8–21").map(|h| h.describe()),
            Ok("08:00–21:00".into())
        );
    }

    #[test]
    fn a_window_that_cannot_be_converted_says_why() {
        let mut schedule = new_york_9_to_5();
        schedule.days.clear();
        let none = local_times(
            &schedule,
            &ZoneCounts::default(),
            ContactHours::default(),
            june_saturday(),
        );
        assert_eq!(none, Err(NoLocalTimes::NoCallingDay));
        let mut schedule = new_york_9_to_5();
        std::mem::swap(&mut schedule.start, &mut schedule.end);
        let none = local_times(
            &schedule,
            &ZoneCounts::default(),
            ContactHours::default(),
            june_saturday(),
        );
        assert_eq!(none, Err(NoLocalTimes::WindowAcrossMidnight));
    }
}
