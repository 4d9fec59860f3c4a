//! Whether libphonenumber reads an international number as valid, and how
//! it groups it, from one calling code's metadata, without building the
//! `phonenumber` crate's `Database`.
//!
//! Building that database checks the syntax of every pattern of every
//! region of the code (`+1` has 25 regions), and its regex cache compiles
//! each with every engine the `regex` crate has: the first numbers on the
//! form (six calling codes) took 2.9 MiB of heap at peak, 1.6 MiB of it
//! kept, about a fifth of the process. Here a code's regions are plain
//! data, and a pattern is compiled with `regex-lite` the first time a
//! number needs it (numbers are at most 17 digits: its engines take
//! microseconds, in a fifth of the memory, and the `regex` crate's code is
//! not paged in at start). What is read is the same as the crate reads for a number
//! written `+<digits>` (`parse_with`, `is_valid_with`, its international
//! format), step by step: the test `formats_as_the_crate_does` holds the
//! two to the same answer for every example number of every region and for
//! random numbers of the codes operators call most.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use phonenumber::metadata::loader;
use regex_lite::{Regex, RegexBuilder};

/// libphonenumber's bounds on a national number, in digits.
const MIN_NATIONAL: usize = 2;
const MAX_NATIONAL: usize = 17;

/// A pattern from the metadata, compiled when first used. One that does
/// not compile matches nothing (the crate would refuse the whole code, and
/// a test holds that every pattern compiles). The same text is one
/// pattern throughout a calling code ([`Patterns`]): the United States'
/// fixed-line and mobile patterns are one 1.5 KB pattern, compiled once.
struct Pattern {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    fn new(source: String) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                RegexBuilder::new(&self.source)
                    // As the crate compiles them: the metadata spreads long
                    // patterns over lines.
                    .ignore_whitespace(true)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    /// Where the pattern's leftmost match in `text` is, if it has one.
    fn find(&self, text: &str) -> Option<(usize, usize)> {
        let found = self.regex()?.find(text)?;
        Some((found.start(), found.end()))
    }

    /// Whether the pattern matches at the start of `text` (the crate's
    /// test: its leftmost match starts there).
    fn starts(&self, text: &str) -> bool {
        self.find(text).is_some_and(|(start, _)| start == 0)
    }
}

/// The patterns of one calling code, each text once.
#[derive(Default)]
struct Patterns(HashMap<String, Arc<Pattern>>);

impl Patterns {
    fn get(&mut self, source: String) -> Arc<Pattern> {
        Arc::clone(
            self.0
                .entry(source)
                .or_insert_with_key(|source| Arc::new(Pattern::new(source.clone()))),
        )
    }
}

/// One kind of number (fixed line, mobile, …) of a region.
struct Desc {
    pattern: Arc<Pattern>,
    possible_length: Vec<u16>,
    possible_local_length: Vec<u16>,
}

impl Desc {
    fn new(desc: loader::Descriptor, patterns: &mut Patterns) -> Option<Self> {
        Some(Self {
            pattern: patterns.get(desc.national_number?),
            possible_length: desc.possible_length,
            possible_local_length: desc.possible_local_length,
        })
    }

    /// The crate's `Descriptor::is_match`: a possible length (when any
    /// are given) and the pattern matching from the first digit.
    fn is_match(&self, national: &str) -> bool {
        let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
        (self.possible_length.is_empty() || self.possible_length.contains(&length))
            && self.pattern.starts(national)
    }
}

/// One way a region groups its numbers.
struct Format {
    pattern: Arc<Pattern>,
    format: String,
    /// The last of the format's leading-digit patterns (the crate looks at
    /// that one only).
    leading: Option<Arc<Pattern>>,
}

impl Format {
    fn new(format: loader::Format, patterns: &mut Patterns) -> Option<Self> {
        Some(Self {
            pattern: patterns.get(format.pattern?),
            format: format.format?,
            leading: format
                .leading_digits
                .into_iter()
                .last()
                .map(|leading| patterns.get(leading)),
        })
    }

    /// Whether `national` is this format's: its leading digits and the
    /// pattern over all of it. A format without leading digits fits any
    /// number, as in the crate's formatter (its pattern then groups what
    /// it matches and leaves the rest).
    fn fits(&self, national: &str) -> bool {
        match &self.leading {
            None => true,
            Some(leading) => {
                leading.starts(national) && self.pattern.find(national) == Some((0, national.len()))
            }
        }
    }
}

/// One region (country or territory) of a calling code.
struct Region {
    leading_digits: Option<Arc<Pattern>>,
    national_prefix: Option<String>,
    prefix_for_parsing: Option<Arc<Pattern>>,
    prefix_transform: Option<String>,
    general: Desc,
    /// The kinds the crate's `number_type` looks at; a number of any of
    /// them (and of `general`) is valid.
    kinds: Vec<Desc>,
    /// International formats, else the national ones.
    formats: Vec<Format>,
}

impl Region {
    fn new(meta: loader::Metadata, patterns: &mut Patterns) -> Option<Self> {
        let kinds = [
            meta.premium_rate,
            meta.toll_free,
            meta.shared_cost,
            meta.voip,
            meta.personal_number,
            meta.pager,
            meta.uan,
            meta.voicemail,
            meta.fixed_line,
            meta.mobile,
        ];
        let formats = if meta.international_formats.is_empty() {
            meta.formats
        } else {
            meta.international_formats
        };
        Some(Self {
            leading_digits: meta.leading_digits.map(|p| patterns.get(p)),
            national_prefix: meta.national_prefix,
            prefix_for_parsing: meta.national_prefix_for_parsing.map(|p| patterns.get(p)),
            prefix_transform: meta.national_prefix_transform_rule,
            general: Desc::new(meta.general?, patterns)?,
            kinds: kinds
                .into_iter()
                .flatten()
                .map(|kind| Desc::new(kind, patterns))
                .collect::<Option<_>>()?,
            formats: formats
                .into_iter()
                .map(|format| Format::new(format, patterns))
                .collect::<Option<_>>()?,
        })
    }

    /// The crate's `number_type(..) != Unknown`.
    fn is_valid(&self, national: &str) -> bool {
        self.general.is_match(national) && self.kinds.iter().any(|kind| kind.is_match(national))
    }

    /// The crate's `validator::length(.., Type::Unknown) == TooShort`.
    fn too_short(&self, national: &str) -> bool {
        let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
        match self.general.possible_length.first() {
            None => false,
            Some(&minimum) => {
                !self.general.possible_local_length.contains(&length) && length < minimum
            }
        }
    }

    /// The crate's `helper::national_number`: the national prefix (and a
    /// carrier code) as parsing takes them off, or `national` as it was.
    fn without_prefix(&self, national: &str) -> String {
        let Some(parsing) = &self.prefix_for_parsing else {
            return match &self.national_prefix {
                Some(prefix) => national.strip_prefix(prefix.as_str()).unwrap_or(national),
                None => national,
            }
            .to_owned();
        };
        let Some(regex) = parsing.regex() else {
            return national.to_owned();
        };
        let Some(captures) = regex.captures(national) else {
            return national.to_owned();
        };
        let Some(whole) = captures.get(0).filter(|m| m.start() == 0) else {
            return national.to_owned();
        };
        let last_taken = captures.get(captures.len() - 1).is_some();
        match &self.prefix_transform {
            Some(transform) if last_taken => {
                let transformed = regex.replace(national, transform.as_str()).into_owned();
                if self.general.is_match(national) && !self.general.is_match(&transformed) {
                    national.to_owned()
                } else {
                    transformed
                }
            }
            // The crate checks here that taking the prefix off leaves a
            // number its country has; as written, it asks of the number as
            // it was, so the prefix always comes off.
            _ => national[whole.end()..].to_owned(),
        }
    }

    /// `national` in this region's international grouping, if one fits.
    fn group(&self, national: &str) -> Option<String> {
        let format = self.formats.iter().find(|format| format.fits(national))?;
        let regex = format.pattern.regex()?;
        Some(regex.replace(national, format.format.as_str()).into_owned())
    }
}

/// The regions of one calling code, its main country first.
pub(super) struct Plan {
    regions: Vec<Region>,
}

impl Plan {
    /// The plan of a code's regions as `assets/phone-metadata.bin` has
    /// them, or `None` when one of them lacks what the crate requires (it
    /// refuses the whole code then).
    pub(super) fn new(regions: Vec<loader::Metadata>) -> Option<Self> {
        let mut plan = Vec::with_capacity(regions.len());
        let mut patterns = Patterns::default();
        for meta in regions {
            let main = meta.main_country_for_code;
            let region = Region::new(meta, &mut patterns)?;
            if main {
                plan.insert(0, region);
            } else {
                plan.push(region);
            }
        }
        Some(Self { regions: plan })
    }

    /// The crate's `source_for`: the region whose leading digits start
    /// `national`, else the first whose kinds `national` is, in order.
    fn source(&self, national: &str) -> Option<&Region> {
        if let [only] = self.regions.as_slice() {
            return Some(only);
        }
        self.regions
            .iter()
            .find(|region| match &region.leading_digits {
                Some(leading) => leading.starts(national),
                None => region.is_valid(national),
            })
    }

    /// `+<code> <national>` grouped as libphonenumber's international
    /// format writes it, when libphonenumber reads `+<code><national>` as a
    /// valid number with every one of these digits in it; `None` for
    /// anything else (too short or long, invalid, or read with a trunk
    /// prefix taken off).
    pub(super) fn format(&self, code: u16, national: &str) -> Option<String> {
        let digits = code.to_string().len() + national.len();
        if digits <= MIN_NATIONAL || !national.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // What parsing keeps as the national number.
        let mut kept = national.to_owned();
        if let Some(region) = self.source(national.trim_start_matches('0')) {
            let mut potential = region.without_prefix(national);
            if let Some(prefix) = &region.national_prefix
                && potential.starts_with(prefix.as_str())
            {
                potential.drain(..prefix.len());
            }
            if !region.too_short(&potential) {
                kept = potential;
            }
        }
        if kept != national || !(MIN_NATIONAL..=MAX_NATIONAL).contains(&national.len()) {
            return None;
        }
        // The crate holds the number as a count of leading zeros and a
        // value under 2^56.
        let value = national.trim_start_matches('0').parse::<u64>().ok()?;
        if value >= 1 << 56 || !self.source(national)?.is_valid(national) {
            return None;
        }
        let main = self.regions.first()?;
        let grouped = main.group(national).unwrap_or_else(|| national.to_owned());
        Some(format!("+{code} {grouped}"))
    }

    /// Every pattern of every region, compiled: `None` when all compile,
    /// else the first that does not (for a test).
    #[cfg(test)]
    pub(super) fn first_broken_pattern(&self) -> Option<&str> {
        let mut patterns: Vec<&Arc<Pattern>> = Vec::new();
        for region in &self.regions {
            patterns.extend(region.leading_digits.iter());
            patterns.extend(region.prefix_for_parsing.iter());
            patterns.push(&region.general.pattern);
            patterns.extend(region.kinds.iter().map(|kind| &kind.pattern));
            for format in &region.formats {
                patterns.push(&format.pattern);
                patterns.extend(format.leading.iter());
            }
        }
        patterns
            .into_iter()
            .find(|pattern| pattern.regex().is_none())
            .map(|pattern| pattern.source.as_str())
    }
}

#[cfg(test)]
mod tests {
    use phonenumber::metadata::Database;
    use proptest::prelude::*;

    use super::super::{format_number, metadata};

    /// What `format_number` showed before this module: the crate's own
    /// parse, validation and formats over its database of the code's
    /// regions. `None`: shown ungrouped.
    fn crates_answer(digits: &str) -> Option<String> {
        if digits.starts_with('0') {
            return None;
        }
        let code = metadata::calling_code(digits)?;
        let database = metadata::database(code)?;
        let parsed = phonenumber::parse_with(database, None, format!("+{digits}")).ok()?;
        let national = parsed.national().to_string();
        if !parsed.is_valid_with(database) || format!("{code}{national}") != digits {
            return None;
        }
        Some(crates_grouping(database, code, &national))
    }

    fn crates_grouping(database: &Database, code: u16, national: &str) -> String {
        let Some(meta) = database.by_code(&code).and_then(|m| m.into_iter().next()) else {
            return format!("+{code} {national}");
        };
        let formats = if meta.international_formats().is_empty() {
            meta.formats()
        } else {
            meta.international_formats()
        };
        let fits = |format: &&phonenumber::metadata::Format| match format.leading_digits().last() {
            None => true,
            Some(leading) => {
                leading.find(national).is_some_and(|m| m.start() == 0)
                    && format
                        .pattern()
                        .find(national)
                        .is_some_and(|m| m.start() == 0 && m.end() == national.len())
            }
        };
        match formats.iter().find(fits) {
            Some(format) => format!(
                "+{code} {}",
                format.pattern().replace(national, format.format())
            ),
            None => format!("+{code} {national}"),
        }
    }

    fn agree(digits: &str) {
        let expected = crates_answer(digits).unwrap_or_else(|| format!("+{digits}"));
        assert_eq!(format_number(digits), expected, "{digits}");
    }

    /// Every calling code with its example numbers (libphonenumber's, one
    /// per kind of number of each region).
    fn examples() -> Vec<(u16, Vec<String>)> {
        (1..=999u16)
            .filter_map(|code| {
                let database = metadata::database(code)?;
                let examples = database
                    .by_code(&code)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|meta| {
                        let d = meta.descriptors();
                        [
                            d.fixed_line(),
                            d.mobile(),
                            d.toll_free(),
                            d.premium_rate(),
                            d.shared_cost(),
                            d.voip(),
                            d.personal_number(),
                            d.pager(),
                            d.uan(),
                            d.voicemail(),
                        ]
                        .into_iter()
                        .flatten()
                        .filter_map(|desc| desc.example().map(str::to_owned))
                        .collect::<Vec<_>>()
                    })
                    .collect();
                Some((code, examples))
            })
            .collect()
    }

    #[test]
    fn every_pattern_compiles() {
        for code in 1..=999u16 {
            if let Some(plan) = metadata::plan(code) {
                assert_eq!(plan.first_broken_pattern(), None, "+{code}");
            } else {
                assert!(metadata::database(code).is_none(), "+{code} has a plan");
            }
        }
    }

    /// Each example number of each region, and the numbers one slip away
    /// from it (a digit dropped, added, changed, a trunk `0` or `1` put in
    /// front), read as the crate reads them.
    #[test]
    fn formats_as_the_crate_does() {
        let mut checked = 0;
        for (code, examples) in examples() {
            for example in examples {
                let mut variants = vec![
                    example.clone(),
                    format!("0{example}"),
                    format!("1{example}"),
                    format!("{example}5"),
                    example[..example.len().saturating_sub(1)].to_owned(),
                    example[1.min(example.len())..].to_owned(),
                ];
                if let Some(first) = example.bytes().next() {
                    let other = if first == b'9' {
                        '2'
                    } else {
                        char::from(first + 1)
                    };
                    variants.push(format!("{other}{}", &example[1..]));
                }
                for national in variants {
                    agree(&format!("{code}{national}"));
                    checked += 1;
                }
            }
        }
        assert!(checked > 3_000, "only {checked} numbers");
    }

    /// Numbers written with what a country's parsing takes off as a trunk
    /// prefix or carrier code (drawn from its `nationalPrefixForParsing`
    /// pattern: Argentina's `0…15`, Brazil's carrier codes, Mexico's `1`),
    /// before each of its example numbers, read as the crate reads them:
    /// the path of the prefix rules and their transforms.
    #[test]
    fn numbers_with_trunk_and_carrier_prefixes_format_as_the_crate_does() {
        use proptest::strategy::{Strategy, ValueTree};
        use proptest::test_runner::{Config, TestRng, TestRunner};
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
        );
        let mut checked = 0;
        for (code, examples) in examples() {
            let database = metadata::database(code).expect("a database");
            for meta in database.by_code(&code).unwrap_or_default() {
                let Some(parsing) = meta.national_prefix_for_parsing() else {
                    continue;
                };
                let source: String = parsing.as_str().split_whitespace().collect();
                // Look-arounds are not for the generator: those are skipped.
                let Ok(prefixes) = proptest::string::string_regex(&source) else {
                    continue;
                };
                for _ in 0..16 {
                    let prefix = prefixes.new_tree(&mut runner).expect("a prefix").current();
                    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
                        continue;
                    }
                    for example in examples.iter().take(4) {
                        agree(&format!("{code}{prefix}{example}"));
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 800, "only {checked} numbers");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Any digits after the calling codes operators call most (and the
        /// long tail, by chance) read as the crate reads them.
        #[test]
        fn random_numbers_format_as_the_crate_does(
            code in prop_oneof![
                3 => prop::sample::select(vec![1u16, 44, 91, 353, 49, 61, 52, 55, 7, 33, 39, 81, 86, 34, 27, 234, 971]),
                1 => 1..=999u16,
            ],
            national in "[0-9]{0,17}",
        ) {
            agree(&format!("{code}{national}"));
        }
    }
}
