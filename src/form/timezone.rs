//! The timezone field: a searchable picker over the whole IANA database.
//!
//! Typing filters by name, city, region or abbreviation ("new york",
//! "kolkata", "IST"), and by the names people use for a place: a city in the
//! zone ("Bombay", "Bengaluru"), a country ("India", "UK") or CLDR's name for
//! the zone's city ("Kyiv"), from `assets/tzdata/places.tsv` (generated from
//! GeoNames and CLDR, see `assets/tzdata/README.md`). Enter or Tab takes the
//! highlighted match.

use std::cmp::Reverse;
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

/// `name<TAB>Zone/Name<TAB>people`, sorted by name; names are folded as
/// [`normalize`] folds a query, with and without their accents.
const PLACES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/tzdata/places.tsv"
));

/// A name people use for a place in a zone.
#[derive(Debug)]
struct Place {
    /// "bombay", "united kingdom", "são paulo"
    name: &'static str,
    /// Index into [`zones`].
    zone: usize,
    /// How many people the name stands for: ranks London, England before
    /// London, Ontario, and a country's zones.
    people: u64,
}

/// The place names, sorted by name, built once.
fn places() -> &'static [Place] {
    static PLACES_BY_NAME: OnceLock<Vec<Place>> = OnceLock::new();
    PLACES_BY_NAME.get_or_init(|| {
        let index: std::collections::HashMap<&str, usize> = zones()
            .iter()
            .enumerate()
            .map(|(i, z)| (z.tz.name(), i))
            .collect();
        PLACES
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?;
                // A zone chrono-tz does not know is skipped; a test checks
                // that there is none.
                let zone = *index.get(fields.next()?)?;
                let people = fields.next()?.parse().ok()?;
                Some(Place { name, zone, people })
            })
            .collect()
    })
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

/// Lower case, `_ / - . , ( )` as spaces, apostrophes dropped ("St. John’s"
/// is "st johns"). `assets/tzdata/places.py` folds the place names alike.
fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace(['\'', '’'], "")
        .replace(['_', '/', '-', '.', ',', '(', ')'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How well a zone matches a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// The zone's own name, typed in full.
    Name,
    /// The zone's own city ("kolkata", "new york").
    City,
    /// A name people use for a place in it: a city, a country, CLDR's
    /// name for its city ("bombay", "india", "uk").
    Place,
    /// An abbreviation of one of the zones people mean by it ("IST").
    PreferredAbbreviation,
    /// An abbreviation, or a legacy zone's name.
    Abbreviation,
    /// The start of the zone's city.
    CityStart,
    /// The start of a place's name ("bomb").
    PlaceStart,
    /// Every word typed is in the zone's name.
    Words,
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
    // Per zone: its best rank, and the most people a matching place name
    // stands for (the tie-break between zones of equal rank).
    let mut best: Vec<Option<(Rank, Reverse<u64>)>> = vec![None; zones.len()];
    let terms: Vec<&str> = q.split(' ').collect();
    for (i, z) in zones.iter().enumerate() {
        let exact = z.tz.name().to_lowercase() == raw;
        // A legacy zone named like an abbreviation ("EST") must not hide
        // the zone people mean by it (America/New_York).
        let rank = if exact && z.regional {
            Rank::Name
        } else if z.city == q && z.regional {
            Rank::City
        } else if z.abbreviations.contains(&raw) && z.preferred {
            Rank::PreferredAbbreviation
        } else if exact || z.abbreviations.contains(&raw) {
            Rank::Abbreviation
        } else if z.city.starts_with(&q) {
            Rank::CityStart
        } else if terms.iter().all(|t| z.words.contains(t)) {
            Rank::Words
        } else {
            continue;
        };
        best[i] = Some((rank, Reverse(0)));
    }
    // The names that begin with the query are one run of the sorted table.
    let places = places();
    let from = places.partition_point(|p| p.name < q.as_str());
    for place in places[from..]
        .iter()
        .take_while(|p| p.name.starts_with(q.as_str()))
    {
        let rank = if place.name == q {
            Rank::Place
        } else {
            Rank::PlaceStart
        };
        let found = (rank, Reverse(place.people));
        let slot = &mut best[place.zone];
        match slot {
            Some((r, people)) if *r == rank => *people = (*people).min(found.1),
            Some(old) if *old <= found => {}
            _ => *slot = Some(found),
        }
    }
    let mut scored: Vec<(Rank, Reverse<u64>, usize)> = best
        .into_iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|(rank, people)| (rank, people, i)))
        .collect();
    scored.sort_by_key(|&(rank, people, i)| {
        (
            rank,
            people,
            !zones[i].preferred,
            !zones[i].regional,
            zones[i].tz.name(),
        )
    });
    scored.into_iter().map(|(_, _, i)| i).collect()
}

/// The zone a name that is not one most likely means, for an error: the
/// best match of the search, or else the zone name closest in spelling
/// ("Asia/Kolkatta").
pub fn did_you_mean(typed: &str) -> Option<&'static str> {
    let zones = zones();
    if let Some(&i) = search(typed).first() {
        return Some(zones[i].tz.name());
    }
    let q = normalize(typed);
    zones
        .iter()
        .filter(|z| z.regional)
        .map(|z| {
            let score = strsim::jaro_winkler(&q, &z.words).max(strsim::jaro_winkler(&q, &z.city));
            (z.tz.name(), score)
        })
        .filter(|&(_, score)| score >= 0.9)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, _)| name)
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
    fn the_names_people_use_find_the_zone_first() {
        for (query, zone) in [
            ("Mumbai", "Asia/Kolkata"),
            ("Bombay", "Asia/Kolkata"),
            ("Delhi", "Asia/Kolkata"),
            ("New Delhi", "Asia/Kolkata"),
            ("Bengaluru", "Asia/Kolkata"),
            ("bangalore", "Asia/Kolkata"),
            ("india", "Asia/Kolkata"),
            ("UK", "Europe/London"),
            ("London", "Europe/London"),
            ("united kingdom", "Europe/London"),
            ("Sao Paulo", "America/Sao_Paulo"),
            ("São Paulo", "America/Sao_Paulo"),
            ("US", "America/New_York"),
            ("Kyiv", "Europe/Kyiv"),
            ("Ho Chi Minh City", "Asia/Ho_Chi_Minh"),
            ("St. John’s", "America/St_Johns"),
            ("bomb", "Asia/Kolkata"),
        ] {
            assert_eq!(first(query), zone, "{query}");
        }
        let names =
            |q: &str| -> Vec<&str> { search(q).iter().map(|&i| zones()[i].tz.name()).collect() };
        let india = names("india");
        let pos = |z: &str| india.iter().position(|n| *n == z).unwrap();
        assert!(
            pos("Asia/Kolkata") < pos("America/Indiana/Indianapolis"),
            "{india:?}"
        );
        assert_eq!(
            names("london")[..2],
            ["Europe/London", "America/Toronto"],
            "London, Ontario comes after London"
        );
    }

    #[test]
    fn every_place_names_a_zone_chrono_tz_knows() {
        let lines = PLACES.lines().count();
        assert!(lines > 10_000, "{lines}");
        assert_eq!(places().len(), lines, "a line was skipped");
        assert!(
            places().windows(2).all(|w| w[0].name <= w[1].name),
            "sorted by name, as the search assumes"
        );
        assert!(places().iter().all(|p| normalize(p.name) == p.name));
    }

    #[test]
    fn an_unknown_name_gets_the_zone_it_likely_means() {
        assert_eq!(did_you_mean("Bombay"), Some("Asia/Kolkata"));
        assert_eq!(did_you_mean("Asia/Kolkatta"), Some("Asia/Kolkata"));
        assert_eq!(did_you_mean("Mars/Olympus"), None);
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
