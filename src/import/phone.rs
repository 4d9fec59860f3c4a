//! Phone numbers as a contacts file writes them (`(212) 555-1234`,
//! `+44 20 7946 0958`, `0091 98765 43210`, a spreadsheet's `17796726653.0`)
//! turned into the form Weya documents: digits with the country code, no
//! `+` (`12125551234`), with the country the number belongs to. Parsing
//! and validation are libphonenumber's (the `phonenumber` crate and its
//! metadata); this module only decides what to tell the operator, and
//! never reads a number written in national form as an international one.

use std::fmt;
use std::str::FromStr;

use crate::domain::phone::metadata::whole;
use phonenumber::country::Source;
use phonenumber::{ParseError, PhoneNumber};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::region::Region;

/// Longer than any phone number however it is decorated
/// (`+1 (212) 555-1234 ext. 12345` is 29): past this a cell is prose, and
/// it is refused before the parser spends time on it.
const MAX_INPUT_CHARS: usize = 64;
/// The most digits an international number has, country code included.
const MAX_E164_DIGITS: usize = 15;
/// The fewest digits before the point of a decimal read as a whole
/// number (`2125550143.0`): a spreadsheet writes a number cell so, while
/// `555.00` could be a short local number written with a dot.
const MIN_DECIMAL_DIGITS: usize = 6;

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

/// The country a valid number belongs to: a region (`US`, `NL`), or, for
/// the few numbers of no country (`+800` freephone, `+882` networks), its
/// calling code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    Region(Region),
    /// A non-geographic calling code (libphonenumber's region `001`).
    Global(u16),
}

/// `US`, or `+800` for a number of no country.
impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Region(region) => region.fmt(f),
            Self::Global(code) => write!(f, "+{code}"),
        }
    }
}

/// What [`Country`] reads from a flag or a journal: `NL`, `nl`, `+882`.
impl FromStr for Country {
    type Err = super::region::UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Some(code) = text.strip_prefix('+') {
            return code
                .parse::<u16>()
                .ok()
                .filter(|code| {
                    whole()
                        .region(code)
                        .is_some_and(|regions| regions.contains(&"001"))
                })
                .map(Self::Global)
                .ok_or_else(|| super::region::UnknownRegion(text.to_owned()));
        }
        text.parse().map(Self::Region)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// A valid phone cell as read: the digits sent, the number's country, and
/// what was changed to read it (each counted in the check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub digits: PhoneDigits,
    pub country: Country,
    /// The cell held a spreadsheet's decimal (`17796726653.0`) or exponent
    /// form (`1.7796726653E10`) of the whole number.
    pub from_decimal: bool,
    /// The number had an extension (`x123`, `ext. 12`, `;ext=5`), which is
    /// not sent: the main number is dialled.
    pub extension_dropped: bool,
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
    /// `212 555 1234 ext. 5`: a dialer cannot dial the extension (unless
    /// the operator asks to dial the number without it).
    HasExtension,
    /// `1.78E+10`: a spreadsheet wrote the number in exponent form with
    /// fewer digits than the number has; the rest are lost.
    DigitsLost,
    /// `1-800-FLOWERS`: letters, which a dialer library reads as keypad
    /// digits. Never turned into digits without a word: the operator
    /// writes the digits.
    HasLetters,
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
            Self::DigitsLost => {
                f.write_str("digits lost in exponent form (export the column as text)")
            }
            Self::HasLetters => f.write_str("has letters (write a vanity number's digits)"),
        }
    }
}

/// `raw` as Weya's digits, reading a number without a country code as one
/// of `region`. A number already in Weya's form (country code, no `+`) is
/// accepted whatever the region, when reading it as a national number fails.
pub fn normalize(raw: &str, region: Option<Region>) -> Result<PhoneDigits, Invalid> {
    read(raw, region, false).map(|reading| reading.digits)
}

/// `raw` read as [`normalize`] reads it, with the number's country and
/// what reading it took; `without_extension`: a number with an extension
/// is read without it (else it is refused).
///
/// Only digits written as Weya writes them (`31255501999`, or grouped from
/// the country code on: `44 20 7946 0958`) are tried as international when
/// the national reading fails: a number written in national form
/// (parentheses, a trunk `0`, groups that do not start with the country
/// code) never is, so `(312) 555-01999` in the US is a US number too long,
/// not a Dutch one.
pub fn read(
    raw: &str,
    region: Option<Region>,
    without_extension: bool,
) -> Result<Reading, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::MissingPhone);
    }
    if raw.chars().count() > MAX_INPUT_CHARS {
        return Err(Invalid::NotAPhoneNumber);
    }
    // RFC 3966's `;ext=`, which libphonenumber reads only after `tel:`.
    let (raw, rfc_extension) = match raw.to_ascii_lowercase().find(";ext=") {
        Some(_) if !without_extension => return Err(Invalid::HasExtension),
        Some(at) => (raw[..at].trim_end(), true),
        None => (raw, false),
    };
    let whole = whole_number(raw).transpose()?;
    let text = whole.as_deref().unwrap_or(raw);
    let mark = |mut reading: Reading| {
        reading.from_decimal = whole.is_some();
        reading.extension_dropped |= rfc_extension;
        reading
    };
    let first = parse_valid(text, region, without_extension);
    if let Ok(reading) = &first
        && !reading.extension_dropped
        && has_letters(text)
    {
        // Letters the parser took as keypad digits, not an extension's
        // marker: the number dialled would be a guess.
        return Err(Invalid::HasLetters);
    }
    if first.is_ok() || !could_be_international_digits(text) {
        return first.map(mark);
    }
    // `12125551234` read in, say, India is not Indian: try it as the
    // international digits Weya itself writes, and keep the first reason if
    // that fails too, or if the groups show a national form.
    let mut international = String::with_capacity(text.len() + 1);
    international.push('+');
    international.push_str(text);
    match parse_valid(&international, None, without_extension) {
        Ok(reading) if grouped_from_country_code(text, reading.digits) => Ok(mark(reading)),
        _ => first,
    }
}

/// Whether `raw` holds a letter, a `tel:` scheme aside.
fn has_letters(raw: &str) -> bool {
    let raw = raw
        .get(..4)
        .filter(|scheme| scheme.eq_ignore_ascii_case("tel:"))
        .map_or(raw, |_| &raw[4..]);
    raw.chars().any(char::is_alphabetic)
}

/// A spreadsheet's decimal form of a whole number as its digits:
/// `17796726653.0` and `17796726653,00` (a zero fraction) and
/// `1.7796726653E10`, `1,7796726653e+10` (an exponent that the digits
/// fill exactly). `None` when `raw` is not in such a form; an error when it
/// is an exponent form with fewer digits than the exponent says
/// (`1.78E+10`): the number's other digits are lost.
fn whole_number(raw: &str) -> Option<Result<String, Invalid>> {
    if let Some((mantissa, exponent)) = raw.split_once(['e', 'E']) {
        let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
        let shift: usize = exponent
            .parse()
            .ok()
            .filter(|_| exponent.bytes().all(|b| b.is_ascii_digit()))?;
        let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
        if int.is_empty()
            || shift > MAX_E164_DIGITS
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        if frac.len() < shift {
            return Some(Err(Invalid::DigitsLost));
        }
        let (kept, rest) = frac.split_at(shift);
        if !rest.bytes().all(|b| b == b'0') {
            // Not a whole number: no phone number.
            return Some(Err(Invalid::NotAPhoneNumber));
        }
        return Some(Ok(format!("{int}{kept}")));
    }
    let (int, frac) = raw.split_once(['.', ','])?;
    let zeros = !frac.is_empty() && frac.bytes().all(|b| b == b'0');
    // A comma is also a thousands separator (`212,000`): only one or two
    // zeros after it are a decimal fraction.
    let comma = raw.as_bytes().get(int.len()) == Some(&b',');
    let digits = int.len() >= MIN_DECIMAL_DIGITS && int.bytes().all(|b| b.is_ascii_digit());
    (digits && zeros && (!comma || frac.len() <= 2)).then(|| Ok(int.to_owned()))
}

/// Digits and the separators people type between them, not starting with
/// 0 (a trunk or international prefix) nor with `+`, and without the
/// parentheses of a national area code.
fn could_be_international_digits(raw: &str) -> bool {
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    !raw.starts_with(['0', '+'])
        && (8..=15).contains(&digits)
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.'))
}

/// Whether `raw`, read as international `digits`, is written as one: all
/// digits (Weya's form), or its first group is exactly the country code
/// (`44 20 7946 0958`, `1-212-555-1234`). `312 555 01999` is grouped as a
/// US number (area code 312), so it is no Dutch `+31` one.
fn grouped_from_country_code(raw: &str, digits: PhoneDigits) -> bool {
    let Some(first_group) = raw.split([' ', '-', '.']).next() else {
        return false;
    };
    if first_group.len() == raw.len() {
        return true;
    }
    // Calling codes are prefix-free: the group that is one is the code.
    first_group.len() <= 3
        && digits.to_string().starts_with(first_group)
        && first_group
            .parse::<u16>()
            .is_ok_and(|code| whole().region(&code).is_some())
}

fn parse_valid(
    raw: &str,
    region: Option<Region>,
    without_extension: bool,
) -> Result<Reading, Invalid> {
    // The default region is for numbers written without a country code:
    // given one that brings its own, the parser takes the region's trunk
    // prefix off it (`+49 1512…` read in the US lost its `1`).
    let parse_region = if raw.trim_start().starts_with('+') {
        None
    } else {
        region
    };
    let number = match phonenumber::parse_with(whole(), parse_region.map(Region::id), raw) {
        Ok(number) => number,
        Err(e) => return Err(parse_failure(&e, raw, region)),
    };
    let extension_dropped = number.extension().is_some();
    if extension_dropped && !without_extension {
        return Err(Invalid::HasExtension);
    }
    if !number.is_valid_with(whole()) {
        return Err(why_invalid(&number, region));
    }
    let digits = format!("{}{}", number.code().value(), number.national());
    // E.164 allows at most 15 digits with the country code; some national
    // plans' patterns (Germany's) accept longer strings than any real
    // number, e.g. letters read as keypad digits.
    if digits.len() > MAX_E164_DIGITS {
        return Err(Invalid::TooLong(region_of(&number, region)));
    }
    let digits = digits
        .parse()
        .map(PhoneDigits)
        .map_err(|_| Invalid::TooLong(region_of(&number, region)))?;
    let country = match region_id(&number) {
        Some(id) => Country::Region(Region::from_id(id)),
        None => Country::Global(number.code().value()),
    };
    Ok(Reading {
        digits,
        country,
        from_decimal: false,
        extension_dropped,
    })
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
    if let Some(id) = region_id(number) {
        return Some(Region::from_id(id));
    }
    // An invalid number has no metadata of its own; the code's main
    // region (44 → GB, 1 → US) is what people call it.
    whole()
        .region(&number.code().value())?
        .first()?
        .parse()
        .ok()
}

/// The region `number` belongs to, as `number.country().id()` tells it
/// but from [`whole`] (the crate's method builds its own database).
fn region_id(number: &PhoneNumber) -> Option<phonenumber::country::Id> {
    number.metadata(whole())?.id().parse().ok()
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
    let d = whole().by_id(region.code())?.descriptors();
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

    /// The default region's trunk prefix is never taken off a number that
    /// brings its own country code: `+49 1512…` in a US file lost its `1`
    /// (the US trunk prefix) and became another German number.
    #[test]
    fn a_number_with_its_own_country_code_keeps_every_digit_whatever_the_region() {
        for (raw, digits) in [
            ("+49 1512 3456789", "4915123456789"),
            ("+61 1300 975 707", "611300975707"),
            ("+44 161 496 0734", "441614960734"),
            ("+55 11 98765-4321", "5511987654321"),
            ("+91 11 2345 6789", "911123456789"),
        ] {
            for region in [
                us(),
                "GB".parse().ok(),
                "IN".parse().ok(),
                "RU".parse().ok(),
                None,
            ] {
                assert_eq!(ok(raw, region), digits, "{raw} with {region:?}");
            }
        }
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

    fn country(raw: &str, region: Option<Region>) -> String {
        read(raw, region, false)
            .unwrap_or_else(|e| panic!("{raw}: {e}"))
            .country
            .to_string()
    }

    #[test]
    fn a_number_written_in_national_form_is_never_read_as_international() {
        // The typo: a US number with a digit too many is not +31.
        assert_eq!(why("(312) 555-01999", us()), "too long for US");
        assert_eq!(why("312 555 01999", us()), "too long for US");
        assert_eq!(why("312-555-01999", us()), "too long for US");
        assert_eq!(why("312.555.01999", us()), "too long for US");
        // Written as Weya writes numbers, or grouped from the country code
        // on, it is international, and its country says so.
        assert_eq!(country("31255501999", us()), "NL");
        assert_eq!(country("44 20 7946 0958", us()), "GB");
        assert_eq!(country("1-212-555-1234", "IN".parse().ok()), "US");
        assert_eq!(country("(212) 555-1234", us()), "US");
        assert_eq!(country("+52 55 1234 5678", us()), "MX");
        assert_eq!(country("+1 416 555 0199", us()), "CA");
    }

    #[test]
    fn a_number_of_no_country_is_known_by_its_code() {
        assert_eq!(Country::Global(800).to_string(), "+800");
        assert_eq!("+800".parse::<Country>().unwrap(), Country::Global(800));
        assert_eq!(" nl ".parse::<Country>().unwrap().to_string(), "NL");
        assert!(
            "+44".parse::<Country>().is_err(),
            "a country's code is no global one"
        );
        assert!("XX".parse::<Country>().is_err());
    }

    #[test]
    fn a_spreadsheets_decimals_are_read_as_the_whole_numbers_they_are() {
        for raw in [
            "17796726653.0",
            "17796726653.00",
            "17796726653,0",
            "1.7796726653E10",
            "1.7796726653e+10",
            "1,7796726653E+10",
            "1.77967266530E+10",
        ] {
            let reading = read(raw, us(), false).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(reading.digits.to_string(), "17796726653", "{raw}");
            assert!(reading.from_decimal, "{raw}");
        }
        assert!(!read("17796726653", us(), false).unwrap().from_decimal);
        // An exponent form that lost digits is refused, and says why.
        assert_eq!(
            why("1.78E+10", us()),
            "digits lost in exponent form (export the column as text)"
        );
        assert_eq!(
            why("1.7796726653E12", us()),
            "digits lost in exponent form (export the column as text)"
        );
        // Not a spreadsheet's decimal: as before.
        assert_eq!(ok("212.555.1234", us()), "12125551234");
        assert!(!read("212.555.1234", us(), false).unwrap().from_decimal);
        assert_eq!(why("17796726653.5", us()), "too long for US");
        assert_eq!(why("555.00", us()), "too short for US");
    }

    #[test]
    fn an_extension_is_refused_unless_the_number_is_dialled_without_it() {
        for raw in [
            "212 555 1234 ext. 5",
            "(212) 555-1234 x123",
            "+1 212 555 1234;ext=12",
            "212-555-1234 extension 7",
        ] {
            assert_eq!(
                why(raw, us()),
                "has an extension (a dialer cannot dial it)",
                "{raw}"
            );
            let reading = read(raw, us(), true).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(reading.digits.to_string(), "12125551234", "{raw}");
            assert!(reading.extension_dropped, "{raw}");
        }
        assert!(!read("212 555 1234", us(), true).unwrap().extension_dropped);
    }

    /// A vanity number is a valid number to the parser (letters read as
    /// keypad digits), and a guess to send: refused with its reason, while
    /// an extension's marker and a `tel:` scheme are no such letters.
    #[test]
    fn a_number_with_letters_is_refused_not_read_as_keypad_digits() {
        for raw in [
            "1-800-FLOWERS",
            "+1 800 FLOWERS",
            "(212) 555-CALL",
            "800-GOT-JUNK",
        ] {
            assert_eq!(
                why(raw, us()),
                "has letters (write a vanity number's digits)",
                "{raw}"
            );
            assert_eq!(
                read(raw, us(), true).unwrap_err(),
                Invalid::HasLetters,
                "{raw}"
            );
        }
        assert_eq!(
            read("1-800-356-9377", us(), false)
                .unwrap()
                .digits
                .to_string(),
            "18003569377"
        );
        assert_eq!(
            read("tel:+1-212-555-1234", us(), false)
                .unwrap()
                .digits
                .to_string(),
            "12125551234"
        );
        assert!(read("212 555 1234 x5", us(), true).is_ok());
    }

    #[test]
    fn nothing_longer_than_e164_allows_is_accepted() {
        // Germany's plan takes this (letters read as keypad digits) as 16
        // digits with the code: no dialer can call it. Found by proptest.
        assert_eq!(why("6xxx0xx0000x0-0", "DE".parse().ok()), "too long for DE");
    }
}
