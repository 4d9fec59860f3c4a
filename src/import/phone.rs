//! Phone numbers as a contacts file writes them (`(212) 555-1234`,
//! `+44 20 7946 0958`, `0091 98765 43210`) turned into the form Weya
//! documents: digits with the country code, no `+` (`12125551234`). Parsing
//! and validation are libphonenumber's (the `phonenumber` crate and its
//! metadata); this module only decides what to tell the operator.

use std::fmt;

use phonenumber::country::Source;
use phonenumber::metadata::DATABASE;
use phonenumber::{ParseError, PhoneNumber};

use super::region::Region;

/// Longer than any phone number however it is decorated
/// (`+1 (212) 555-1234 ext. 12345` is 29): past this a cell is prose, and
/// it is refused before the parser spends time on it.
const MAX_INPUT_CHARS: usize = 64;
/// The most digits an international number has, country code included.
const MAX_E164_DIGITS: usize = 15;

/// A valid number in E.164 digits. No E.164 number starts with 0 and none
/// has more than 15 digits, so a `u64` holds it exactly: that is also what
/// the duplicate check keeps per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneDigits(u64);

impl PhoneDigits {
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for PhoneDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a row's phone cell is not a number Weya can dial. The `Display` text
/// is what the operator reads next to the line number and in the `reason`
/// column of the rejected file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// The phone cell is empty.
    MissingPhone,
    NotAPhoneNumber,
    UnknownCountryCode,
    /// No `+` and no country code, and no default region to read it in.
    NoCountryCode,
    /// Fewer digits than any number of the region has.
    TooShort(Option<Region>),
    TooLong(Option<Region>),
    /// A possible length, but no number of the region looks like it.
    NotValidIn(Option<Region>),
    /// `212 555 1234 ext. 5`: a dialer cannot dial the extension.
    HasExtension,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingPhone => f.write_str("missing phone"),
            Self::NotAPhoneNumber => f.write_str("not a phone number"),
            Self::UnknownCountryCode => f.write_str("unknown country code"),
            Self::NoCountryCode => f.write_str("no country code (choose a default region)"),
            Self::TooShort(Some(region)) => write!(f, "too short for {region}"),
            Self::TooShort(None) => f.write_str("too short"),
            Self::TooLong(Some(region)) => write!(f, "too long for {region}"),
            Self::TooLong(None) => f.write_str("too long"),
            Self::NotValidIn(Some(region)) => write!(f, "not a valid {region} number"),
            Self::NotValidIn(None) => f.write_str("not a valid number"),
            Self::HasExtension => f.write_str("has an extension (a dialer cannot dial it)"),
        }
    }
}

/// `raw` as Weya's digits, reading a number without a country code as one
/// of `region`. A number already in Weya's form (country code, no `+`) is
/// accepted whatever the region, when reading it as a national number fails.
pub fn normalize(raw: &str, region: Option<Region>) -> Result<PhoneDigits, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::MissingPhone);
    }
    if raw.chars().count() > MAX_INPUT_CHARS {
        return Err(Invalid::NotAPhoneNumber);
    }
    let first = parse_valid(raw, region);
    if first.is_ok() || !could_be_international_digits(raw) {
        return first;
    }
    // `12125551234` read in, say, India is not Indian: try it as the
    // international digits Weya itself writes, and keep the first reason if
    // that fails too.
    let mut international = String::with_capacity(raw.len() + 1);
    international.push('+');
    international.push_str(raw);
    parse_valid(&international, None).or(first)
}

/// Digits and the separators people type between them, not starting with
/// 0 (a trunk or international prefix) nor with `+`.
fn could_be_international_digits(raw: &str) -> bool {
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    !raw.starts_with(['0', '+'])
        && (8..=15).contains(&digits)
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')'))
}

fn parse_valid(raw: &str, region: Option<Region>) -> Result<PhoneDigits, Invalid> {
    let number = match phonenumber::parse(region.map(Region::id), raw) {
        Ok(number) => number,
        Err(e) => return Err(parse_failure(&e, raw, region)),
    };
    if number.extension().is_some() {
        return Err(Invalid::HasExtension);
    }
    if !number.is_valid() {
        return Err(why_invalid(&number, region));
    }
    let digits = format!("{}{}", number.code().value(), number.national());
    // E.164 allows at most 15 digits with the country code; some national
    // plans' patterns (Germany's) accept longer strings than any real
    // number, e.g. letters read as keypad digits.
    if digits.len() > MAX_E164_DIGITS {
        return Err(Invalid::TooLong(region_of(&number, region)));
    }
    digits
        .parse()
        .map(PhoneDigits)
        .map_err(|_| Invalid::TooLong(region_of(&number, region)))
}

fn parse_failure(error: &ParseError, raw: &str, region: Option<Region>) -> Invalid {
    // After a parse failure the number's own country is unknown; name the
    // default region only when the number did not bring its own code.
    let international = raw.starts_with('+') || raw.starts_with("00");
    let place = if international { None } else { region };
    match error {
        ParseError::NoNumber | ParseError::MalformedInteger(_) => Invalid::NotAPhoneNumber,
        ParseError::InvalidCountryCode if region.is_none() && !international => {
            Invalid::NoCountryCode
        }
        ParseError::InvalidCountryCode => Invalid::UnknownCountryCode,
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => Invalid::TooShort(place),
        ParseError::TooLong => Invalid::TooLong(place),
    }
}

/// The region the operator will recognise for a number: its own when it
/// carried a country code, else the default.
fn region_of(number: &PhoneNumber, default: Option<Region>) -> Option<Region> {
    if number.code().source() == Source::Default {
        return default;
    }
    if let Some(id) = number.country().id() {
        return Some(Region::from_id(id));
    }
    // An invalid number has no metadata of its own; the code's main
    // region (44 → GB, 1 → US) is what people call it.
    DATABASE
        .region(&number.code().value())?
        .first()?
        .parse()
        .ok()
}

fn why_invalid(number: &PhoneNumber, default: Option<Region>) -> Invalid {
    let region = region_of(number, default);
    let national = number.national();
    let digits = usize::from(national.zeros()) + decimal_digits(national.value());
    match region.and_then(length_range) {
        Some((min, _)) if digits < min => Invalid::TooShort(region),
        Some((_, max)) if digits > max => Invalid::TooLong(region),
        _ => Invalid::NotValidIn(region),
    }
}

/// The shortest and longest national numbers of `region`, over every kind
/// of number it has (the crate's metadata leaves the general description's
/// lengths empty, so they are gathered from the kinds).
fn length_range(region: Region) -> Option<(usize, usize)> {
    let d = DATABASE.by_id(region.code())?.descriptors();
    let kinds = [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ];
    let lengths = kinds
        .into_iter()
        .flatten()
        .flat_map(|kind| kind.possible_length().iter().copied())
        .chain(d.general().possible_length().iter().copied())
        .map(usize::from);
    lengths.fold(None, |range, n| match range {
        None => Some((n, n)),
        Some((min, max)) => Some((min.min(n), max.max(n))),
    })
}

fn decimal_digits(value: u64) -> usize {
    value.checked_ilog10().map_or(1, |log| log as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Option<Region> {
        "US".parse().ok()
    }

    fn ok(raw: &str, region: Option<Region>) -> String {
        normalize(raw, region)
            .unwrap_or_else(|e| panic!("{raw}: {e}"))
            .to_string()
    }

    fn why(raw: &str, region: Option<Region>) -> String {
        normalize(raw, region).unwrap_err().to_string()
    }

    #[test]
    fn numbers_as_people_write_them_become_weya_digits() {
        assert_eq!(ok("(212) 555-1234", us()), "12125551234");
        assert_eq!(ok("212.555.1234", us()), "12125551234");
        assert_eq!(ok("+1 212 555 1234", us()), "12125551234");
        assert_eq!(ok("1-212-555-1234", us()), "12125551234");
        assert_eq!(ok("12125551234", us()), "12125551234");
        assert_eq!(ok("  +44 20 7946 0958 ", us()), "442079460958");
        assert_eq!(ok("020 7946 0958", "GB".parse().ok()), "442079460958");
        assert_eq!(ok("098765 43210", "IN".parse().ok()), "919876543210");
        assert_eq!(ok("+91 98765 43210", None), "919876543210");
        // Italian fixed lines keep their leading zero after the code.
        assert_eq!(ok("+39 06 6982 1234", None), "390669821234");
    }

    #[test]
    fn weya_form_is_accepted_whatever_the_default_region() {
        assert_eq!(ok("12125551234", "IN".parse().ok()), "12125551234");
        assert_eq!(ok("919876543210", us()), "919876543210");
        assert_eq!(ok("442079460958", None), "442079460958");
    }

    #[test]
    fn reasons_say_what_is_wrong() {
        assert_eq!(why("", us()), "missing phone");
        assert_eq!(why("   ", us()), "missing phone");
        assert_eq!(why("n/a", us()), "not a phone number");
        assert_eq!(why("call me", us()), "not a phone number");
        assert_eq!(why("555-12", us()), "too short for US");
        assert_eq!(why("212 555 12345 6", us()), "too long for US");
        assert_eq!(why("(012) 555-1234", us()), "not a valid US number");
        assert_eq!(why("+44 20 79", us()), "too short for GB");
        assert_eq!(
            why("212 555 1234 ext. 5", us()),
            "has an extension (a dialer cannot dial it)"
        );
        assert_eq!(
            why("2125551234", None),
            "no country code (choose a default region)"
        );
        assert_eq!(why(&"1".repeat(200), us()), "not a phone number");
    }

    #[test]
    fn nothing_longer_than_e164_allows_is_accepted() {
        // Germany's plan takes this (letters read as keypad digits) as 16
        // digits with the code: no dialer can call it. Found by proptest.
        assert_eq!(why("6xxx0xx0000x0-0", "DE".parse().ok()), "too long for DE");
    }
}
