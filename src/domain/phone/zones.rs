//! The time zone a phone number belongs to, from libphonenumber's
//! prefix → zone map (`resources/timezones/map_data.txt`): a country for
//! most calling codes; within the North American plan, Mexico, Russia,
//! Australia and the like, the area code or a longer prefix.
//!
//! The map is `assets/phone-zones.bin` (23 KiB, 3,240 prefixes, 191
//! zones), written by `assets/tzdata/phone_zones.py` (the command is at
//! its top) with every zone under its current tz database name, so that
//! `+44`'s Guernsey, Jersey and Isle of Man (links to `Europe/London`) are
//! one zone. It is embedded and read the first time a number is looked
//! up: nothing at start-up. The lookups run where the numbers are read (the
//! import check and the job that reads a batch's calls), never on a frame.
//!
//! A prefix that stands for several zones (`+1` alone, `+1 208` for Idaho,
//! `+7`) gives them all: which one a number is in is not known, and the
//! caller says so rather than picking one.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono_tz::Tz;

static FILE: &[u8] = include_bytes!("../../../assets/phone-zones.bin");

const MAGIC: &[u8; 4] = b"WPZ1";

/// The map read from [`FILE`].
struct Map {
    /// Each set of zones a prefix can stand for, by index.
    sets: Vec<Box<[Tz]>>,
    /// Sorted by prefix (the digits as a number: no prefix starts with
    /// 0, so the number says which digits), with its set.
    prefixes: Vec<(u32, u16)>,
}

/// The longest prefix in the map has 9 digits.
const LONGEST_PREFIX: u32 = 9;

fn map() -> &'static Map {
    static MAP: OnceLock<Map> = OnceLock::new();
    MAP.get_or_init(|| {
        read(FILE).unwrap_or(Map {
            sets: Vec::new(),
            prefixes: Vec::new(),
        })
    })
}

/// A cursor over the file's little-endian fields.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

/// The map in `bytes`, `None` when they are not one (a test holds that
/// the embedded file is). A zone chrono-tz does not know is left out of
/// its sets (a test holds that there is none).
fn read(bytes: &[u8]) -> Option<Map> {
    let mut r = Reader(bytes.strip_prefix(MAGIC.as_slice())?);
    let zones: Vec<Option<Tz>> = (0..r.u16()?)
        .map(|_| {
            let len = usize::from(r.u8()?);
            let name = std::str::from_utf8(r.take(len)?).ok()?;
            Some(name.parse::<Tz>().ok())
        })
        .collect::<Option<_>>()?;
    let sets = (0..r.u16()?)
        .map(|_| {
            let n = r.u8()?;
            let mut set = Vec::with_capacity(usize::from(n));
            for _ in 0..n {
                if let Some(zone) = zones.get(usize::from(r.u16()?))?.as_ref() {
                    set.push(*zone);
                }
            }
            Some(set.into_boxed_slice())
        })
        .collect::<Option<Vec<_>>>()?;
    let prefixes = (0..r.u32()?)
        .map(|_| Some((r.u32()?, r.u16()?)))
        .collect::<Option<Vec<_>>>()?;
    r.0.is_empty().then_some(Map { sets, prefixes })
}

/// Which of the map's sets of zones a number belongs to: what
/// [`ZoneCounts`] counts by. `None` when no prefix of it is in the map.
fn set_of(digits: u64) -> Option<u16> {
    let map = map();
    // No allocation: the check looks up every row of a million-row file.
    let len = digits.checked_ilog10()? + 1;
    let longest = len.min(LONGEST_PREFIX);
    (1..=longest).rev().find_map(|n| {
        let prefix = u32::try_from(digits / 10u64.pow(len - n)).ok()?;
        let at = map.prefixes.binary_search_by_key(&prefix, |p| p.0).ok()?;
        map.prefixes.get(at).map(|p| p.1)
    })
}

/// The zones a number (E.164 digits, `12125550143`) may be in: one for
/// most, several where its prefix does not tell (`+1 208…`: Boise or Los
/// Angeles), none when no prefix of it is in libphonenumber's map.
pub fn zones_of(digits: u64) -> &'static [Tz] {
    set_of(digits)
        .and_then(|set| map().sets.get(usize::from(set)))
        .map_or(&[], |zones| zones)
}

/// How many numbers each set of zones has: what a check or a batch's
/// calls add their numbers to, one at a time, keeping no number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneCounts {
    by_set: HashMap<u16, u64>,
    /// Numbers with no prefix in the map.
    unknown: u64,
}

impl ZoneCounts {
    pub fn add(&mut self, digits: u64) {
        match set_of(digits) {
            Some(set) => *self.by_set.entry(set).or_default() += 1,
            None => self.unknown += 1,
        }
    }

    /// Each set of zones with its numbers, most first (a tie by the first
    /// zone's name, so the order is the same each time).
    pub fn groups(&self) -> Vec<(&'static [Tz], u64)> {
        let mut groups: Vec<(&'static [Tz], u64)> = self
            .by_set
            .iter()
            .filter_map(|(&set, &n)| {
                let zones: &'static [Tz] = map().sets.get(usize::from(set))?;
                Some((zones, n))
            })
            .collect();
        groups.sort_by(|a, b| {
            b.1.cmp(&a.1).then_with(|| {
                a.0.first()
                    .map(|z| z.name())
                    .cmp(&b.0.first().map(|z| z.name()))
            })
        });
        groups
    }

    /// Numbers whose zone is not known (no prefix of theirs is in the map).
    pub fn unknown(&self) -> u64 {
        self.unknown
    }

    /// Every number counted.
    pub fn total(&self) -> u64 {
        self.by_set.values().sum::<u64>() + self.unknown
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(digits: u64) -> Vec<&'static str> {
        zones_of(digits).iter().map(|z| z.name()).collect()
    }

    #[test]
    fn the_embedded_map_is_whole_and_every_zone_is_known() {
        let map = read(FILE).expect("assets/phone-zones.bin reads");
        assert!(map.prefixes.len() > 3000, "{}", map.prefixes.len());
        assert!(map.prefixes.is_sorted_by_key(|p| p.0));
        // A zone chrono-tz does not know would be dropped from its set:
        // the file's zones, counted from its header, are all in the sets.
        let mut r = Reader(FILE.strip_prefix(MAGIC.as_slice()).unwrap_or_default());
        let zones = r.u16().unwrap_or(0);
        let mut known: Vec<&str> = map.sets.iter().flatten().map(|z| z.name()).collect();
        known.sort_unstable();
        known.dedup();
        assert_eq!(known.len(), usize::from(zones), "a zone chrono-tz lacks");
        assert!(map.sets.iter().all(|set| !set.is_empty()));
    }

    #[test]
    fn known_numbers_find_their_zone() {
        assert_eq!(names(12125550143), ["America/New_York"]);
        assert_eq!(names(12135550143), ["America/Los_Angeles"]);
        assert_eq!(names(13125550143), ["America/Chicago"]);
        assert_eq!(names(447911123456), ["Europe/London"], "links folded");
        assert_eq!(names(442079460958), ["Europe/London"]);
        assert_eq!(names(919876543210), ["Asia/Kolkata"], "current name");
        assert_eq!(names(4930901820), ["Europe/Berlin"]);
        assert_eq!(names(14165550143), ["America/Toronto"]);
    }

    #[test]
    fn a_prefix_of_several_zones_gives_them_all() {
        // Idaho's 208 is split between Mountain and Pacific time.
        assert_eq!(names(12085550143), ["America/Boise", "America/Los_Angeles"]);
        // A +1 number of no known area code could be anywhere on the plan.
        assert!(zones_of(15555550143).len() > 10);
        assert_eq!(zones_of(999123456789), &[] as &[Tz], "no such code");
    }

    #[test]
    fn counts_group_by_zone_most_first() {
        let mut counts = ZoneCounts::default();
        for n in [
            12125550143,
            12125550144,
            13105550143,
            12135550143,
            12135550144,
        ] {
            counts.add(n);
        }
        counts.add(12135550145);
        counts.add(999123456789);
        let groups: Vec<(Vec<&str>, u64)> = counts
            .groups()
            .into_iter()
            .map(|(zones, n)| (zones.iter().map(|z| z.name()).collect(), n))
            .collect();
        assert_eq!(
            groups,
            [
                (vec!["America/Los_Angeles"], 4),
                (vec!["America/New_York"], 2)
            ]
        );
        assert_eq!(counts.unknown(), 1);
        assert_eq!(counts.total(), 7);
    }
}
