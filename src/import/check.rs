//! Every row checked before anything is sent: the phone number normalised
//! and validated, duplicates removed (the first kept), empty rows skipped.
//! One pass, keeping only what the operator is shown and what sending
//! needs (see the module docs of [`crate::import`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::domain::phone::zones::ZoneCounts;

use super::limits::{Limit, MAX_REJECTED_BYTES, MAX_ROWS};
use super::phone::{Country, PhoneDigits};
use super::plan::{PlanBuilder, SendPlan};
pub use super::row::{ImportSettings, RejectReason, ZonePart};
use super::row::{RowClass, classify, push_contact};
use super::source::{ContactsFile, RowReader};
use super::{Control, ImportError, Progress, Stage};

/// How many valid rows the report shows exactly as they will be sent.
pub const SAMPLE_CONTACTS: usize = 5;

/// Progress is reported (and the cancel flag read) every this many rows.
const TICK_ROWS: u64 = 4096;

/// The most rows the duplicate set is sized for in advance (a table of
/// 2^21 slots, 36 MB): past that an estimate from the first rows is not
/// worth trusting with memory.
const MAX_RESERVE: usize = 1_000_000;

/// Row counts. Every row after the header is exactly one of valid (sent),
/// invalid, duplicate, outside the region (held back), skipped, or
/// (in one part of a split by time zone) another part's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub valid: u64,
    pub invalid: u64,
    pub duplicate: u64,
    /// Rows whose cells are all empty.
    pub skipped: u64,
    /// Valid numbers of a country outside the region that the operator has
    /// not allowed: not sent (see [`CheckReport::outside`]).
    pub outside_region: u64,
    /// Valid rows of a time zone that another batch of a split takes
    /// ([`super::row::ZonePart`]): not sent to this one.
    pub elsewhere: u64,
}

impl Counts {
    pub fn rows(&self) -> u64 {
        self.valid
            + self.invalid
            + self.duplicate
            + self.skipped
            + self.outside_region
            + self.elsewhere
    }
}

/// A valid number of a country other than the default region (first
/// rows of each number only: a duplicate is counted as a duplicate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutsideRow {
    pub line: u64,
    pub phone: PhoneDigits,
    pub country: Country,
    /// The operator allowed its country: it is sent.
    pub sent: bool,
}

/// A row that will not be sent, as the file has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The line (text) or row (sheet) number; the header is line 1.
    pub line: u64,
    pub reason: RejectReason,
    pub cells: Vec<String>,
}

/// A row whose number an earlier row already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateRow {
    pub line: u64,
    /// The line of the row that is kept.
    pub first_line: u64,
    pub phone: PhoneDigits,
}

/// What is odd about a value sent: nothing the operator could see in a
/// spreadsheet, which Weya (and the agent reading it) gets all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OddKind {
    /// Spaces (or tabs, line breaks, no-break spaces) at its start or end.
    EdgeSpaces,
    /// A control character (a line break inside, an escape) or one that
    /// draws nothing (a zero-width space, a bidi override) anywhere in it.
    Hidden,
}

impl OddKind {
    fn of(value: &str) -> [bool; 2] {
        if value.is_empty() {
            return [false, false];
        }
        let edge = value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace);
        let hidden = if value.is_ascii() {
            value.bytes().any(|b| b < 0x20 || b == 0x7f)
        } else {
            value.chars().any(|c| crate::text::hidden(c).is_some())
        };
        [edge, hidden]
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdgeSpaces => "edgeSpaces",
            Self::Hidden => "hiddenCharacters",
        }
    }
}

/// How many lines [`OddValues`] names.
pub const ODD_LINES: usize = 5;

/// The values of one column sent with something odd about them
/// ([`OddKind`]), among the rows sent. They are sent as the file has them:
/// the check says so, and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OddValues {
    /// The column's header in the file.
    pub column: String,
    /// The variable it is sent as (its header, or the name it was given).
    pub variable: String,
    pub kind: OddKind,
    pub count: u64,
    /// The first lines (rows of a sheet) holding one, in file order.
    pub first_lines: Vec<u64>,
}

impl OddValues {
    /// "Column “Name”: 3 values begin or end with spaces (lines 3, 7, 9):
    /// sent as they are".
    pub fn describe(&self) -> String {
        let column = crate::text::visible(&self.column);
        let as_var = if self.variable == self.column {
            String::new()
        } else {
            format!(" (sent as {})", crate::text::visible(&self.variable))
        };
        let n = self.count;
        let what = match (self.kind, n == 1) {
            (OddKind::EdgeSpaces, true) => "value begins or ends with spaces",
            (OddKind::EdgeSpaces, false) => "values begin or end with spaces",
            (OddKind::Hidden, true) => "value holds control or invisible characters",
            (OddKind::Hidden, false) => "values hold control or invisible characters",
        };
        let lines: Vec<String> = self.first_lines.iter().map(u64::to_string).collect();
        let more = if n > self.first_lines.len() as u64 {
            ", …"
        } else {
            ""
        };
        format!(
            "Column “{column}”{as_var}: {} {what} (line{} {}{more}): sent as they are",
            crate::num::thousands(n),
            if lines.len() == 1 { "" } else { "s" },
            lines.join(", ")
        )
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "column": self.column,
            "variable": self.variable,
            "kind": self.kind.as_str(),
            "count": self.count,
            "firstLines": self.first_lines,
            "sentAsIs": true,
        })
    }
}

/// Counts [`OddValues`] per variable and kind, as rows are sent.
struct OddTally {
    by_variable: Vec<[OddValues; 2]>,
}

impl OddTally {
    fn new(header: &[String], mapping: &super::mapping::ValidMapping) -> Self {
        let by_variable = mapping
            .variables()
            .iter()
            .map(|(column, name)| {
                let make = |kind| OddValues {
                    column: header.get(*column).cloned().unwrap_or_default(),
                    variable: name.clone(),
                    kind,
                    count: 0,
                    first_lines: Vec::new(),
                };
                [make(OddKind::EdgeSpaces), make(OddKind::Hidden)]
            })
            .collect();
        Self { by_variable }
    }

    fn add(&mut self, line: u64, cells: &[String], mapping: &super::mapping::ValidMapping) {
        for ((column, _), tally) in mapping.variables().iter().zip(&mut self.by_variable) {
            let odd = OddKind::of(mapping.cell(cells, *column));
            for (is_odd, values) in odd.into_iter().zip(tally.iter_mut()) {
                if is_odd {
                    values.count += 1;
                    if values.first_lines.len() < ODD_LINES {
                        values.first_lines.push(line);
                    }
                }
            }
        }
    }

    fn finish(self) -> Vec<OddValues> {
        self.by_variable
            .into_iter()
            .flatten()
            .filter(|v| v.count > 0)
            .collect()
    }
}

/// What the check found, and the plan to send the valid rows.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub counts: Counts,
    /// In file order.
    pub rejected: Vec<RejectedRow>,
    /// In file order.
    pub duplicates: Vec<DuplicateRow>,
    /// The first valid rows as the JSON objects that will be sent.
    pub samples: Vec<String>,
    pub plan: SendPlan,
    /// Every valid number outside the default region, in file order.
    pub outside: Vec<OutsideRow>,
    /// Rows whose number a spreadsheet wrote as a decimal or exponent
    /// (`17796726653.0`, `1.7796726653E10`), read as the whole number.
    pub read_from_decimal: u64,
    /// Rows whose number is dialled without its extension.
    pub extensions_dropped: u64,
    /// The valid rows sent, counted by the time zone of their number (see
    /// [`crate::domain::local_time`]).
    pub zones: ZoneCounts,
    /// The columns whose values sent have spaces at an end or characters
    /// that cannot be seen, in column order: said, never changed.
    pub odd_values: Vec<OddValues>,
}

impl CheckReport {
    /// The countries of [`Self::outside`] with their numbers, most first
    /// (on a tie, the one the file has first).
    pub fn countries(&self) -> Vec<(Country, u64)> {
        let mut counted: Vec<(Country, u64)> = Vec::new();
        for row in &self.outside {
            match counted.iter_mut().find(|(c, _)| *c == row.country) {
                Some((_, n)) => *n += 1,
                None => counted.push((row.country, 1)),
            }
        }
        // Stable: a tie keeps the file's order.
        counted.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        counted
    }

    /// The countries whose numbers are held back (not allowed), in the
    /// order of [`Self::countries`]: what to allow to send them too.
    pub fn held_countries(&self) -> Vec<Country> {
        let held: Vec<Country> = self
            .outside
            .iter()
            .filter(|r| !r.sent)
            .map(|r| r.country)
            .collect();
        self.countries()
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| held.contains(c))
            .collect()
    }

    /// "3 outside US: 1 NL, 1 MX, 1 GB", when any number is.
    pub fn outside_summary(&self) -> Option<String> {
        let region = self.plan.settings().region?;
        if self.outside.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .countries()
            .iter()
            .map(|(country, n)| format!("{} {country}", crate::num::thousands(*n)))
            .collect();
        Some(format!(
            "{} outside {region}: {}",
            crate::num::thousands(self.outside.len() as u64),
            list.join(", ")
        ))
    }

    /// Rows refused only because their number has an extension: dialling
    /// without it would make them valid.
    pub fn with_extension(&self) -> usize {
        self.rejected
            .iter()
            .filter(|row| row.reason == RejectReason::Phone(super::Invalid::HasExtension))
            .count()
    }

    /// Rows refused only because their number has no country code and no
    /// default region was given: a region would make them readable.
    pub fn without_country_code(&self) -> usize {
        self.rejected
            .iter()
            .filter(|row| row.reason == RejectReason::Phone(super::Invalid::NoCountryCode))
            .count()
    }
}

/// What keeping a copy of `cells` costs: the row, each string's header,
/// and its bytes as the allocator rounds them.
fn kept_cost(cells: &[String]) -> usize {
    let strings: usize = cells
        .iter()
        .map(|c| 24 + c.len().next_multiple_of(16))
        .sum();
    64 + strings
}

/// Reads every row of `file` once with `settings`: counts, rejected rows,
/// duplicates, samples and the sending plan.
pub fn check(
    file: &ContactsFile,
    settings: &ImportSettings,
    control: &mut Control<'_>,
) -> Result<CheckReport, ImportError> {
    let mapping = settings.mapping.validate().map_err(ImportError::Mapping)?;
    file.identity().still_matches()?;
    let width = file.header().len();
    let mut rows = RowReader::open(file.path(), &file.layout, file.data_start)?;
    let mut counts = Counts::default();
    let mut rejected = Vec::new();
    let mut duplicates = Vec::new();
    let mut samples = Vec::new();
    // Number → line of the row kept. The numbers are E.164 digits, so the
    // key is exact: no two numbers share one.
    let mut kept: HashMap<u64, u64> = HashMap::new();
    let mut plan = PlanBuilder::default();
    let mut outside = Vec::new();
    let mut zones = ZoneCounts::default();
    let mut odd = OddTally::new(file.header(), &mapping);
    let (mut read_from_decimal, mut extensions_dropped) = (0u64, 0u64);
    let mut read = 0u64;
    // What the invalid rows' cells cost, kept for the rejected file.
    let mut rejected_bytes = 0usize;
    let too_big = |limit| ImportError::TooBig {
        path: file.path().to_owned(),
        limit,
    };
    while rows.next_row()? {
        read += 1;
        // Rows of nothing but empty cells are cheap; a file of nothing
        // else is refused too, past twice the bound.
        if read - counts.skipped > MAX_ROWS || read > 2 * MAX_ROWS {
            return Err(too_big(Limit::Rows));
        }
        if read.is_multiple_of(TICK_ROWS) {
            let (done, total) = rows.progress();
            if read == TICK_ROWS && done > 0 {
                // Size the set once for the whole file, from the bytes per
                // row so far: growing it by doubling would hold the old and
                // the new table at once, a third more memory at the peak.
                let expected = total.saturating_mul(read) / done;
                let more = crate::num::usize_sat(expected.saturating_sub(read));
                kept.reserve(more.min(MAX_RESERVE));
            }
            control.tick(Progress {
                stage: Stage::Checking,
                done,
                total,
            })?;
        }
        let line = rows.line();
        let (reading, sent) = match classify(rows.cells(), width, &mapping, settings) {
            RowClass::Empty => {
                counts.skipped += 1;
                continue;
            }
            RowClass::Elsewhere => {
                counts.elsewhere += 1;
                continue;
            }
            RowClass::Rejected(reason) => {
                counts.invalid += 1;
                rejected_bytes += kept_cost(rows.cells());
                if rejected_bytes > MAX_REJECTED_BYTES {
                    return Err(too_big(Limit::InvalidRows {
                        rows: counts.invalid,
                        first_line: rejected.first().map_or(line, |r: &RejectedRow| r.line),
                    }));
                }
                rejected.push(RejectedRow {
                    line,
                    reason,
                    cells: rows.cells().to_vec(),
                });
                continue;
            }
            RowClass::Valid(reading) => (reading, true),
            RowClass::Held(reading) => (reading, false),
        };
        read_from_decimal += u64::from(reading.from_decimal);
        extensions_dropped += u64::from(reading.extension_dropped);
        let phone = reading.digits;
        match kept.entry(phone.as_u64()) {
            Entry::Occupied(first) => {
                counts.duplicate += 1;
                duplicates.push(DuplicateRow {
                    line,
                    first_line: *first.get(),
                    phone,
                });
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
                if settings
                    .region
                    .is_some_and(|region| reading.country != Country::Region(region))
                {
                    outside.push(OutsideRow {
                        line,
                        phone,
                        country: reading.country,
                        sent,
                    });
                }
                if !sent {
                    counts.outside_region += 1;
                    continue;
                }
                counts.valid += 1;
                odd.add(line, rows.cells(), &mapping);
                zones.add(phone.as_u64());
                plan.push(line, rows.start());
                if samples.len() < SAMPLE_CONTACTS {
                    let mut json = String::new();
                    push_contact(&mut json, phone, rows.cells(), &mapping);
                    samples.push(json);
                }
            }
        }
    }
    let (_, total) = rows.progress();
    control.tick(Progress {
        stage: Stage::Checking,
        done: total,
        total,
    })?;
    let duplicate_lines = duplicates.iter().map(|d| d.line).collect();
    Ok(CheckReport {
        counts,
        rejected,
        duplicates,
        samples,
        plan: plan.finish(file, settings.clone(), mapping, duplicate_lines),
        outside,
        read_from_decimal,
        extensions_dropped,
        zones,
        odd_values: odd.finish(),
    })
}
