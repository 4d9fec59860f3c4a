//! The timezone field: a searchable picker over the whole IANA database.
//!
//! Typing filters by name, city, region or abbreviation ("new york",
//! "kolkata", "IST"); Enter or Tab takes the highlighted match.

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, TZ_VARIANTS, Tz};

use super::line::LineInput;

/// Zones that win a tie for an ambiguous query such as "IST" or "CST": the
/// ones operators mean most often.
const PREFERRED: [&str; 14] = [
    "Asia/Kolkata",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Dubai",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// One zone and what a query is matched against.
#[derive(Debug)]
pub struct Zone {
    pub tz: Tz,
    /// "america new york"
    words: String,
    /// "new york"
    city: String,
    /// Lowercase abbreviations in January and July ("est", "edt").
    abbreviations: Vec<String>,
    /// Under a continent or ocean (not `Etc/`, `US/` or a bare legacy name).
    regional: bool,
    preferred: bool,
}

/// Every zone chrono-tz knows, built once.
pub fn zones() -> &'static [Zone] {
    static ZONES: OnceLock<Vec<Zone>> = OnceLock::new();
    ZONES.get_or_init(|| {
        // Two fixed dates give the standard and the summer abbreviation
        // without reading the clock.
        let dates = [(2026, 1, 15), (2026, 7, 15)];
        TZ_VARIANTS
            .iter()
            .map(|&tz| {
                let name = tz.name();
                let words = normalize(name);
                let city = normalize(name.rsplit('/').next().unwrap_or(name));
                let mut abbreviations: Vec<String> = dates
                    .iter()
                    .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
                    .filter_map(|day| day.and_hms_opt(12, 0, 0))
                    .filter_map(|at| {
                        tz.offset_from_utc_datetime(&at)
                            .abbreviation()
                            .map(str::to_lowercase)
                    })
                    // Numeric "abbreviations" such as "+0530" are not names.
                    .filter(|a| a.chars().all(|c| c.is_ascii_alphabetic()))
                    .collect();
                abbreviations.dedup();
                let region = name.split('/').next().unwrap_or_default();
                let regional = name.contains('/')
                    && matches!(
                        region,
                        "Africa"
                            | "America"
                            | "Antarctica"
                            | "Asia"
                            | "Atlantic"
                            | "Australia"
                            | "Europe"
                            | "Indian"
                            | "Pacific"
                    );
                Zone {
                    tz,
                    words,
                    city,
                    abbreviations,
                    regional,
                    preferred: PREFERRED.contains(&name),
                }
            })
            .collect()
    })
}

fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace(['_', '/', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Indices of the zones matching `query`, best first.
pub fn search(query: &str) -> Vec<usize> {
    let raw = query.trim().to_lowercase();
    let q = normalize(query);
    let zones = zones();
    if q.is_empty() {
        let mut all: Vec<usize> = (0..zones.len()).collect();
        all.sort_by_key(|&i| (!zones[i].regional, zones[i].tz.name()));
        return all;
    }
    let terms: Vec<&str> = q.split(' ').collect();
    let mut scored: Vec<(u8, usize)> = zones
        .iter()
        .enumerate()
        .filter_map(|(i, z)| {
            let exact = z.tz.name().to_lowercase() == raw;
            // A legacy zone named like an abbreviation ("EST") must not hide
            // the zone people mean by it (America/New_York).
            let score = if exact && z.regional {
                0
            } else if z.city == q && z.regional {
                1
            } else if z.abbreviations.contains(&raw) && z.preferred {
                2
            } else if exact || z.abbreviations.contains(&raw) {
                3
            } else if z.city.starts_with(&q) {
                4
            } else if terms.iter().all(|t| z.words.contains(t)) {
                5
            } else {
                return None;
            };
            Some((score, i))
        })
        .collect();
    scored.sort_by_key(|&(score, i)| {
        (
            score,
            !zones[i].preferred,
            !zones[i].regional,
            zones[i].tz.name(),
        )
    });
    scored.into_iter().map(|(_, i)| i).collect()
}

/// "UTC+05:30", "UTC−05:00", "UTC" at `now`.
pub fn utc_offset(tz: Tz, now: DateTime<Utc>) -> String {
    let secs = now.with_timezone(&tz).offset().fix().local_minus_utc();
    if secs == 0 {
        return "UTC".to_owned();
    }
    let sign = if secs < 0 { '−' } else { '+' };
    let secs = secs.abs();
    format!("UTC{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// The field's state.
#[derive(Debug, Clone)]
pub struct TimezonePicker {
    /// What is typed, or the taken name.
    pub input: LineInput,
    /// The last taken name, put back by Esc.
    taken: String,
    matches: Vec<usize>,
    cursor: usize,
    /// Whether the match list is open (the operator is typing).
    pub open: bool,
}

impl TimezonePicker {
    pub fn new(name: &str) -> Self {
        Self {
            input: LineInput::new(name, 64),
            taken: name.to_owned(),
            matches: Vec::new(),
            cursor: 0,
            open: false,
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// After the text changed: filter again and open the list.
    pub fn edited(&mut self) {
        self.matches = search(self.input.value());
        self.cursor = 0;
        self.open = true;
    }

    pub fn matches(&self) -> impl ExactSizeIterator<Item = &'static Zone> + '_ {
        let zones = zones();
        self.matches.iter().map(move |&i| &zones[i])
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.cursor + 1 < self.matches.len() {
            self.cursor += 1;
        }
    }

    /// Takes the highlighted match, if the list is open and has one.
    pub fn accept(&mut self) {
        if !self.open {
            return;
        }
        if let Some(&i) = self.matches.get(self.cursor) {
            let name = zones()[i].tz.name();
            self.input.set(name);
            self.taken = name.to_owned();
        }
        self.open = false;
    }

    /// When focus leaves: take the highlighted match unless what is typed is
    /// already a valid name. A query with no match stays as typed, so the
    /// operator sees the error and loses nothing.
    pub fn leave(&mut self) {
        let typed_is_valid = self.input.value().trim().parse::<Tz>().is_ok();
        if self.open && !typed_is_valid && !self.matches.is_empty() {
            self.accept();
        }
        self.open = false;
    }

    /// Esc: back to the last taken name.
    pub fn cancel(&mut self) {
        let taken = self.taken.clone();
        self.input.set(&taken);
        self.open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(query: &str) -> &'static str {
        search(query)
            .first()
            .map(|&i| zones()[i].tz.name())
            .unwrap_or("")
    }

    #[test]
    fn cities_regions_and_abbreviations_find_the_zone_meant() {
        assert_eq!(first("new york"), "America/New_York");
        assert_eq!(first("kolkata"), "Asia/Kolkata");
        assert_eq!(first("IST"), "Asia/Kolkata");
        assert_eq!(first("EST"), "America/New_York");
        assert_eq!(first("america/new_york"), "America/New_York");
        assert_eq!(first("sao"), "America/Sao_Paulo");
        assert_eq!(first("berl"), "Europe/Berlin");
        assert!(search("europe").len() > 40);
        assert!(search("qqqq").is_empty());
    }

    #[test]
    fn offsets_read_as_utc_plus_or_minus() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(utc_offset(chrono_tz::Asia::Kolkata, winter), "UTC+05:30");
        assert_eq!(
            utc_offset(chrono_tz::America::New_York, winter),
            "UTC−05:00"
        );
        assert_eq!(
            utc_offset(chrono_tz::America::New_York, summer),
            "UTC−04:00"
        );
        assert_eq!(utc_offset(chrono_tz::UTC, summer), "UTC");
    }

    #[test]
    fn typing_then_leaving_takes_the_highlighted_match() {
        let mut p = TimezonePicker::new("UTC");
        p.input.set("kolkata");
        p.edited();
        p.leave();
        assert_eq!(p.value(), "Asia/Kolkata");
        p.input.set("new york");
        p.edited();
        p.down();
        p.cancel();
        assert_eq!(
            p.value(),
            "Asia/Kolkata",
            "Esc puts back the last taken zone"
        );
    }

    #[test]
    fn a_query_without_match_is_kept_as_typed() {
        let mut p = TimezonePicker::new("UTC");
        p.input.set("Mars/Olympus");
        p.edited();
        p.leave();
        assert_eq!(p.value(), "Mars/Olympus");
    }

    #[test]
    fn a_valid_name_typed_in_full_is_not_replaced() {
        let mut p = TimezonePicker::new("UTC");
        p.input.set("Asia/Calcutta");
        p.edited();
        p.leave();
        assert_eq!(p.value(), "Asia/Calcutta");
    }
}
