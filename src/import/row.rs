//! One row of a contacts file: what becomes of it and how it is sent. The
//! check ([`super::check`]) and each request's body ([`super::plan`]) decide
//! a row the same way, through these.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::mapping::{ColumnMapping, PHONE_KEY, ValidMapping};
use super::phone::{self, Country, Invalid, PhoneDigits, Reading};
use super::region::Region;

/// Everything the operator chose that decides what is sent: the journal
/// keeps it, so a resumed import sends what the first run planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSettings {
    pub mapping: ColumnMapping,
    /// The region of numbers written without a country code; `None`: every
    /// number must carry its own.
    pub region: Option<Region>,
    /// The countries other than `region` whose numbers are sent: the
    /// operator said yes to each. A valid number of any other country is
    /// held back (counted, never sent). Without a region, every country is
    /// the operator's: nothing is held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_countries: Vec<Country>,
    /// A number with an extension is dialled without it (counted); else
    /// such a row is invalid.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_extensions: bool,
    /// Only the rows of these time zones (a batch split by zone sends each
    /// group to its own batch, [`crate::domain::zone_split`]); `None`:
    /// every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<ZonePart>,
}

/// Which rows of a file go to one batch of a split by time zone: by the
/// zones of each row's number ([`crate::domain::phone::zones::zones_of`]),
/// written by their tz database names so that a journal reads the same
/// whatever the map's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ZonePart {
    /// Numbers of exactly one of these zones (a group moved to its own
    /// batch).
    Only(Vec<String>),
    /// Every number but those of exactly one of these zones (what stays
    /// in the original batch).
    Except(Vec<String>),
}

impl ZonePart {
    /// Whether the number `digits` (E.164) belongs to this part.
    pub fn holds(&self, digits: u64) -> bool {
        let named = |names: &[String]| match crate::domain::phone::zones::zones_of(digits) {
            [zone] => names.iter().any(|n| n == zone.name()),
            _ => false,
        };
        match self {
            Self::Only(names) => named(names),
            Self::Except(names) => !named(names),
        }
    }
}

// serde's `skip_serializing_if` takes a reference: absent is false, so a
// journal written before these settings existed reads the same.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(value: &bool) -> bool {
    !*value
}

impl ImportSettings {
    /// `mapping` and `region`, numbers of other countries held back and
    /// extensions refused: what the operator has not said yes to.
    pub fn new(mapping: ColumnMapping, region: Option<Region>) -> Self {
        Self {
            mapping,
            region,
            allowed_countries: Vec::new(),
            without_extensions: false,
            zones: None,
        }
    }

    /// Whether a valid number of `country` is sent: its region's, or one
    /// the operator allowed, or any when there is no default region.
    pub fn sends(&self, country: Country) -> bool {
        match self.region {
            None => true,
            Some(region) => {
                country == Country::Region(region) || self.allowed_countries.contains(&country)
            }
        }
    }
}

/// Why a row is not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    Phone(Invalid),
    /// Non-empty cells past the header's last column: the row is shifted
    /// (an unquoted delimiter inside a value, usually), so its values would
    /// go under the wrong names.
    ExtraCells {
        cells: usize,
        header: usize,
    },
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Phone(why) => why.fmt(f),
            Self::ExtraCells { cells, header } => write!(
                f,
                "{cells} cells where the header has {header} (a separator inside an unquoted value?)"
            ),
        }
    }
}

/// What becomes of one row.
pub(crate) enum RowClass {
    Empty,
    Rejected(RejectReason),
    /// A valid number, sent unless it repeats an earlier row.
    Valid(Reading),
    /// A valid number of a country outside the region that the operator
    /// has not allowed: held back.
    Held(Reading),
    /// A valid number of a time zone another batch of a split takes.
    Elsewhere,
}

/// The one decision about a row, made the same way by the check and by
/// each request's body.
pub(crate) fn classify(
    cells: &[String],
    width: usize,
    mapping: &ValidMapping,
    settings: &ImportSettings,
) -> RowClass {
    if cells.iter().all(|cell| cell.trim().is_empty()) {
        return RowClass::Empty;
    }
    if let Some(last) = cells.iter().rposition(|cell| !cell.trim().is_empty())
        && last >= width
    {
        return RowClass::Rejected(RejectReason::ExtraCells {
            cells: last + 1,
            header: width,
        });
    }
    let raw = mapping.cell(cells, mapping.phone_column());
    match phone::read(raw, settings.region, settings.without_extensions) {
        Ok(reading)
            if settings
                .zones
                .as_ref()
                .is_some_and(|part| !part.holds(reading.digits.as_u64())) =>
        {
            RowClass::Elsewhere
        }
        Ok(reading) if settings.sends(reading.country) => RowClass::Valid(reading),
        Ok(reading) => RowClass::Held(reading),
        Err(why) => RowClass::Rejected(RejectReason::Phone(why)),
    }
}

/// Appends one contact as it is sent: `{"phoneNumber":"…","<name>":"…"}`,
/// the variables in the file's column order, each value the cell's text
/// (an empty string for a missing cell).
pub(crate) fn push_contact(
    out: &mut String,
    phone: PhoneDigits,
    cells: &[String],
    mapping: &ValidMapping,
) {
    out.push_str("{\"");
    out.push_str(PHONE_KEY);
    out.push_str("\":\"");
    out.push_str(&phone.to_string());
    out.push('"');
    for (column, name) in mapping.variables() {
        out.push(',');
        push_json_string(out, name);
        out.push(':');
        push_json_string(out, mapping.cell(cells, *column));
    }
    out.push('}');
}

/// `s` as a JSON string (RFC 8259: quote, backslash and control characters
/// escaped, everything else as is).
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_match_serde_json() {
        for s in [
            "",
            "plain",
            "quote \" and \\ back",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}",
            "é ✓ 😀",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}
