//! The region a phone number written without its country code belongs to,
//! and the default the operator is offered: the country of the batch's
//! timezone, from the tz database's own `zone.tab` (embedded, see
//! `assets/tzdata/README.md`), not a hand-kept list.

use std::fmt;
use std::str::FromStr;

use phonenumber::country::Id;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `zone.tab`: `CC<TAB>coordinates<TAB>Zone/Name[<TAB>comment]`, one zone per
/// line, each with exactly one ISO 3166 country code.
const ZONE_TAB: &str = include_str!("../../assets/tzdata/zone.tab");
/// `backward`: `Link<TAB>Target<TAB+>Old/Name`, the old names kept as links.
const BACKWARD: &str = include_str!("../../assets/tzdata/backward");

/// A country (or territory) whose national numbering plan applies to
/// numbers written without a country code: `US`, `IN`, `GB`…
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(Id);

impl Region {
    /// The ISO 3166 code, `US`.
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }

    pub(crate) fn id(self) -> Id {
        self.0
    }

    pub(crate) fn from_id(id: Id) -> Self {
        Self(id)
    }

    /// The region of a timezone: `America/New_York` → US, `Asia/Kolkata` →
    /// IN, `Europe/London` → GB, old names too (`Asia/Calcutta` → IN).
    /// `None` for zones of no country (`UTC`, `Etc/GMT+5`) and for
    /// countries without a numbering plan of their own (Antarctica).
    pub fn for_timezone(zone: &str) -> Option<Self> {
        let zone = zone.trim();
        let country = country_of_zone(zone).or_else(|| country_of_zone(link_target(zone)?))?;
        country.parse().ok()
    }
}

/// Accepts `us`, `US`, ` gb `.
impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Id::from_str(&upper)
            .map(Self)
            .map_err(|_| UnknownRegion(s.trim().to_owned()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// A region code that libphonenumber does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not a region with a phone numbering plan (two letters, e.g. US, GB, IN)")]
pub struct UnknownRegion(pub String);

/// The country code `zone.tab` gives `zone`.
fn country_of_zone(zone: &str) -> Option<&'static str> {
    ZONE_TAB
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let mut fields = line.split('\t');
            let country = fields.next()?;
            let name = fields.nth(1)?;
            (name == zone).then_some(country)
        })
}

/// The zone an old name links to in `backward`.
fn link_target(old: &str) -> Option<&'static str> {
    BACKWARD.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        if fields.next()? != "Link" {
            return None;
        }
        let target = fields.next()?;
        (fields.next()? == old).then_some(target)
    })
}

/// The timezone `batch_id` was created with, when the submit journal
/// (`entries`) records it as created on `target` (`sandbox` or the host)
/// from this machine, by the TUI or by `create` alike: the default region
/// of an import into it, in the TUI and in `batch import`.
pub fn batch_timezone<'a>(
    entries: &'a [crate::store::journal::JournalEntry],
    batch_id: &str,
    target: &str,
) -> Option<&'a str> {
    entries
        .iter()
        .rev()
        .filter(|e| e.outcome == crate::store::journal::JournalOutcome::Created)
        .filter(|e| e.batch_id.as_deref() == Some(batch_id) && e.target == target)
        .find_map(|e| e.body.get("timezone")?.as_str())
}

/// What this machine knows of a batch's timezone, for the region of an
/// import into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchZone {
    /// Created here with this timezone, in this country.
    Known(Region, String),
    /// Created here with a timezone of no one country (`UTC`).
    NoCountry(String),
    /// Created here without a timezone.
    NotSet,
    /// Not created from this machine (or its journal cannot be read):
    /// Weya's batch details do not give the timezone.
    NotHere,
}

/// [`BatchZone`] of `batch_id` on `target`, from the journal file at
/// `journal`.
pub fn zone_of_batch(journal: &std::path::Path, batch_id: &str, target: &str) -> BatchZone {
    let Ok((entries, _)) = crate::store::journal::read(journal) else {
        return BatchZone::NotHere;
    };
    let created = entries
        .iter()
        .rev()
        .filter(|e| e.outcome == crate::store::journal::JournalOutcome::Created)
        .find(|e| e.batch_id.as_deref() == Some(batch_id) && e.target == target);
    let Some(created) = created else {
        return BatchZone::NotHere;
    };
    match created.body.get("timezone").and_then(|z| z.as_str()) {
        Some(zone) if !zone.trim().is_empty() => match Region::for_timezone(zone) {
            Some(region) => BatchZone::Known(region, zone.to_owned()),
            None => BatchZone::NoCountry(zone.to_owned()),
        },
        _ => BatchZone::NotSet,
    }
}

/// [`batch_timezone`] read from the journal file at `journal`, with its
/// region; `None` when the journal cannot be read or has no region for it.
pub fn of_batch(
    journal: &std::path::Path,
    batch_id: &str,
    target: &str,
) -> Option<(Region, String)> {
    let (entries, _) = crate::store::journal::read(journal).ok()?;
    let zone = batch_timezone(&entries, batch_id, target)?;
    Some((Region::for_timezone(zone)?, zone.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_timezone_suggests_its_country() {
        let region = |zone| Region::for_timezone(zone).map(|r| r.to_string());
        assert_eq!(region("America/New_York").as_deref(), Some("US"));
        assert_eq!(region("Asia/Kolkata").as_deref(), Some("IN"));
        assert_eq!(region("Europe/London").as_deref(), Some("GB"));
        assert_eq!(region("America/Toronto").as_deref(), Some("CA"));
        assert_eq!(region("Australia/Sydney").as_deref(), Some("AU"));
        assert_eq!(region("America/Sao_Paulo").as_deref(), Some("BR"));
        // Old names, through `backward`.
        assert_eq!(region("Asia/Calcutta").as_deref(), Some("IN"));
        assert_eq!(region("US/Eastern").as_deref(), Some("US"));
        assert_eq!(region("Europe/Kiev").as_deref(), Some("UA"));
        // No country.
        assert_eq!(region("UTC"), None);
        assert_eq!(region("Etc/GMT+5"), None);
        assert_eq!(region("Not/AZone"), None);
    }

    #[test]
    fn every_zone_of_chrono_tz_with_a_country_in_zone_tab_maps() {
        // Every zone zone.tab lists resolves, and every chrono-tz name
        // that resolves gives a region libphonenumber knows, or none.
        let listed = ZONE_TAB.lines().filter(|l| !l.starts_with('#')).count();
        assert!(listed > 300, "{listed}");
        let mapped = chrono_tz::TZ_VARIANTS
            .iter()
            .filter(|tz| Region::for_timezone(tz.name()).is_some())
            .count();
        assert!(mapped > 400, "{mapped}");
    }

    #[test]
    fn regions_parse_in_any_case_and_round_trip_as_json() {
        let region: Region = " gb ".parse().unwrap();
        assert_eq!(region.to_string(), "GB");
        assert_eq!(serde_json::to_string(&region).unwrap(), "\"GB\"");
        assert_eq!(
            serde_json::from_str::<Region>("\"IN\"").unwrap().code(),
            "IN"
        );
        assert!("XX".parse::<Region>().is_err());
        assert!("".parse::<Region>().is_err());
    }
}
