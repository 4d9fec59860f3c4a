//! The operator's clock: every time shown to the operator (on screen, in
//! the CLI's text) reads in their own zone, through this one helper. UTC
//! stays where a time is data (JSON, the journal, the bodies sent).
//!
//! The zone is named where a time stands alone ("19:32:11 (Asia/Kolkata)")
//! and once in a heading where many stand together (a table's column).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The zone the operator reads times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalClock {
    zone: Tz,
}

impl Default for LocalClock {
    /// UTC: what a clock whose zone is unknown reads (and says so).
    fn default() -> Self {
        Self { zone: Tz::UTC }
    }
}

impl LocalClock {
    pub fn new(zone: Tz) -> Self {
        Self { zone }
    }

    /// The clock of the zone named `name` ("Asia/Kolkata"); UTC when the
    /// name is not a zone (then the times say "UTC").
    pub fn named(name: &str) -> Self {
        Self::new(Tz::from_str(name.trim_start_matches(':')).unwrap_or(Tz::UTC))
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The zone's name, as the times say it: "Asia/Kolkata", "UTC".
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    /// "19:32:11": the time of day, in this zone.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%H:%M:%S").to_string()
    }

    /// "19:32 IST": the hour and minute, in this zone, with its
    /// abbreviation (an offset where the zone has none): for a short line.
    pub fn minute_of_day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%H:%M %Z").to_string()
    }

    /// "2026-01-15 19:30": the date and minute, in this zone.
    pub fn minute(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// "2026-01-15 19:32:11": the date and second, in this zone.
    pub fn second(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// A column's heading naming the zone: "TIME (Asia/Kolkata)", or with
    /// the zone's abbreviation at `at` ("TIME (IST)") when the name would
    /// not fit in `width`.
    pub fn heading(&self, label: &str, width: usize, at: DateTime<Utc>) -> String {
        let long = format!("{label} ({})", self.zone_name());
        if long.chars().count() <= width {
            return long;
        }
        format!("{label} ({})", at.with_timezone(&self.zone).format("%Z"))
    }

    /// "19:32:11 (Asia/Kolkata)": a time that stands alone.
    pub fn time_zoned(&self, at: DateTime<Utc>) -> String {
        format!("{} ({})", self.time(at), self.zone_name())
    }

    /// "2026-01-15 19:30 (Asia/Kolkata)": a date that stands alone.
    pub fn minute_zoned(&self, at: DateTime<Utc>) -> String {
        format!("{} ({})", self.minute(at), self.zone_name())
    }

    /// An RFC 3339 time as [`Self::minute`] reads it; `None` when it does
    /// not read as one.
    pub fn minute_of(&self, text: &str) -> Option<String> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| self.minute(t.with_timezone(&Utc)))
    }

    /// An RFC 3339 time as [`Self::minute_zoned`] reads it; the text as
    /// it is when it does not read as one (never dropped silently).
    pub fn minute_zoned_of(&self, text: &str) -> String {
        DateTime::parse_from_rfc3339(text).map_or_else(
            |_| text.to_owned(),
            |t| self.minute_zoned(t.with_timezone(&Utc)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 14, 2, 11).unwrap()
    }

    #[test]
    fn times_read_on_the_operators_clock_with_the_zone_named() {
        let kolkata = LocalClock::named("Asia/Kolkata");
        assert_eq!(kolkata.time(at()), "19:32:11");
        assert_eq!(kolkata.time_zoned(at()), "19:32:11 (Asia/Kolkata)");
        assert_eq!(kolkata.minute_of_day(at()), "19:32 IST");
        assert_eq!(LocalClock::default().minute_of_day(at()), "14:02 UTC");
        assert_eq!(
            kolkata.minute_zoned(at()),
            "2026-01-15 19:32 (Asia/Kolkata)"
        );
        // Across midnight the date is the operator's too.
        let la = LocalClock::named("America/Los_Angeles");
        let late = Utc.with_ymd_and_hms(2026, 1, 15, 3, 0, 0).unwrap();
        assert_eq!(la.minute(late), "2026-01-14 19:00");
    }

    #[test]
    fn a_heading_names_the_zone_or_its_abbreviation_when_narrow() {
        let kolkata = LocalClock::named("Asia/Kolkata");
        assert_eq!(kolkata.heading("SENT", 24, at()), "SENT (Asia/Kolkata)");
        assert_eq!(kolkata.heading("TIME", 16, at()), "TIME (IST)");
        assert_eq!(kolkata.second(at()), "2026-01-15 19:32:11");
    }

    #[test]
    fn an_unknown_zone_reads_utc_and_says_so() {
        let clock = LocalClock::named("Mars/Olympus");
        assert_eq!(clock.time_zoned(at()), "14:02:11 (UTC)");
        assert_eq!(LocalClock::named(":Europe/Berlin").time(at()), "15:02:11");
    }

    #[test]
    fn a_journal_time_reads_local_and_a_bad_one_stays_as_written() {
        let berlin = LocalClock::named("Europe/Berlin");
        assert_eq!(
            berlin.minute_zoned_of("2026-01-15T13:58:02Z"),
            "2026-01-15 14:58 (Europe/Berlin)"
        );
        assert_eq!(berlin.minute_zoned_of("yesterday"), "yesterday");
        assert_eq!(berlin.minute_of("yesterday"), None);
    }
}
