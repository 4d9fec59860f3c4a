//! The create-batch form: raw operator input, and the one `validate` that
//! turns it into a [`BatchRequest`] or a list of field errors.

pub mod days;
pub mod file;
pub mod line;
pub mod number;
pub mod phones;
pub mod time;
pub mod timezone;

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::api::types::is_object_id;
use crate::api::{BatchRequest, CallingHour};
use crate::text;
use days::DaySet;
use line::LineInput;
use phones::PhonePicker;
use timezone::TimezonePicker;

/// The longest batch name we accept. Weya documents no limit; this keeps the
/// name readable in its dashboard.
pub const MAX_NAME_CHARS: usize = 120;

/// The form's fields, in focus order (Tab moves down this list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldId {
    Name,
    Numbers,
    Timezone,
    WindowStart,
    WindowEnd,
    Days,
    Retries,
    Delay,
}

impl FieldId {
    pub const ALL: [Self; 8] = [
        Self::Name,
        Self::Numbers,
        Self::Timezone,
        Self::WindowStart,
        Self::WindowEnd,
        Self::Days,
        Self::Retries,
        Self::Delay,
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Batch name",
            Self::Numbers => "Calling numbers",
            Self::Timezone => "Timezone",
            Self::WindowStart => "Window start",
            Self::WindowEnd => "Window end",
            Self::Days => "Allowed days",
            Self::Retries => "Retries",
            Self::Delay => "Retry delay",
        }
    }

    /// What Weya does with the field, for F1.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Name => {
                "Sent as batchName: the campaign's name in Weya's dashboard. Required. Spaces \
                 around it are trimmed. Up to 120 characters: our limit, Weya documents none."
            }
            Self::Numbers => {
                "Sent as callingNumbers: the IDs (24 hex characters) of the caller phone numbers \
                 the dialer rotates through. At least one. The list is fetched from a path Weya \
                 does not document (WEYA_PHONES_PATH) and merged with your phonebook.toml; i \
                 takes an ID by hand, / filters, a selects every row shown."
            }
            Self::Timezone => {
                "Sent as timezone: the IANA zone in which the calling window and the allowed \
                 days are read. Type a city, country, region or abbreviation (new york, \
                 bombay, india, UK, IST); Enter or Tab takes the highlighted match."
            }
            Self::WindowStart | Self::WindowEnd => {
                "Sent as callingHour {start, end}: the daily window, 24-hour HH:MM in the batch \
                 timezone, in which the dialer places calls. Type 9, 930, 0900 or 09:00 (shown \
                 as 09:30 once you leave the field); Up and Down step 15 minutes. It must end after it starts: Weya does not document \
                 windows that cross midnight."
            }
            Self::Days => {
                "Sent as allowedDays: the weekdays calls may be placed, as numbers with \
                 0 = Sunday, 1 = Monday … 6 = Saturday (Weya's numbering). Space toggles the \
                 highlighted day; w picks weekdays, a every day, s weekends."
            }
            Self::Retries => {
                "Sent as retry: how many more times a failed call is attempted. Weya documents \
                 no limit; we allow 0 to 10, typed as digits. + and - step."
            }
            Self::Delay => {
                "Sent as delay, in seconds: how long after a failed call its retry comes. Type \
                 90, 90s, 15m, 1h30m, 90 min or 1d. Weya documents no limit; we allow up to \
                 24 h. Not sent with 0 retries. + and - step."
            }
        }
    }

    /// The field's name in Weya's body (and in batch files).
    pub fn api_key(self) -> &'static str {
        match self {
            Self::Name => "batchName",
            Self::Numbers => "callingNumbers",
            Self::Timezone => "timezone",
            Self::WindowStart => "callingHour.start",
            Self::WindowEnd => "callingHour.end",
            Self::Days => "allowedDays",
            Self::Retries => "retry",
            Self::Delay => "delay",
        }
    }

    /// The field a server message is about, from the JSON field it names
    /// (as [`FieldId::api_key`] spells it).
    pub fn from_server_message(message: &str) -> Option<Self> {
        let lower = message.to_ascii_lowercase();
        let names = |name: &str| lower.contains(&name.to_ascii_lowercase());
        Self::ALL
            .into_iter()
            // Of names as long, the first in form order wins (max takes
            // the last).
            .rev()
            .filter(|field| names(field.api_key()))
            // "callingHour.end" holds "callingHour": the longest name wins.
            .max_by_key(|field| field.api_key().len())
            // The window as a whole: its start is where to fix it.
            .or_else(|| names("callingHour").then_some(Self::WindowStart))
    }
}

/// A problem with one field, in words that say how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: FieldId,
    /// Which element of a list field (`callingNumbers[3]`), when it is one.
    pub item: Option<usize>,
    pub problem: Problem,
    /// In the form's words: what to type or press.
    pub message: String,
}

/// What kind of problem a [`FieldError`] is, so that a front end whose
/// input is not the form (a batch file) can word it for that input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was given where something is needed: a blank name, no
    /// calling number, no day.
    Missing,
    /// A value was given, and the message says what is wrong with it.
    Invalid,
}

impl FieldError {
    /// Where the problem is, as the body names it: `batchName`,
    /// `callingNumbers[3]`.
    pub fn key(&self) -> String {
        match self.item {
            Some(i) => format!("{}[{i}]", self.field.api_key()),
            None => self.field.api_key().to_owned(),
        }
    }
}

/// One message per field for the form: the first problem, and how many
/// more there are (a file may hold thousands of bad IDs).
fn by_field(errors: &[FieldError]) -> BTreeMap<FieldId, String> {
    let mut shown: BTreeMap<FieldId, (&FieldError, usize)> = BTreeMap::new();
    for e in errors {
        shown.entry(e.field).or_insert((e, 0)).1 += 1;
    }
    shown
        .into_iter()
        .map(|(field, (first, n))| {
            // The count goes first: a narrow screen may cut the end.
            let more = match n {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            let message = match first.item {
                Some(_) => format!("{}{more}: {}", first.key(), first.message),
                None => format!("{}{more}", first.message),
            };
            (field, message)
        })
        .collect()
}

/// The form's raw state: exactly what the operator typed and picked.
#[derive(Debug, Clone)]
pub struct Form {
    pub name: LineInput,
    pub numbers: PhonePicker,
    pub timezone: TimezonePicker,
    pub window_start: LineInput,
    pub window_end: LineInput,
    pub days: DaySet,
    pub retries: LineInput,
    pub delay: LineInput,
    pub focus: FieldId,
    /// The errors shown beside their fields.
    pub errors: BTreeMap<FieldId, String>,
}

impl Form {
    /// An empty form with sensible defaults: 09:00–17:00 on weekdays in
    /// `timezone`, 3 retries a minute apart.
    pub fn new(timezone: &str) -> Self {
        Self {
            name: LineInput::new("", MAX_NAME_CHARS),
            numbers: PhonePicker::default(),
            timezone: TimezonePicker::new(timezone),
            window_start: LineInput::new("09:00", 5),
            window_end: LineInput::new("17:00", 5),
            days: DaySet::default(),
            retries: LineInput::new("3", 3),
            delay: LineInput::new("60", 12),
            focus: FieldId::Name,
            errors: BTreeMap::new(),
        }
    }

    /// The text input behind a text field.
    pub fn line_mut(&mut self, field: FieldId) -> Option<&mut LineInput> {
        match field {
            FieldId::Name => Some(&mut self.name),
            FieldId::Timezone => Some(&mut self.timezone.input),
            FieldId::WindowStart => Some(&mut self.window_start),
            FieldId::WindowEnd => Some(&mut self.window_end),
            FieldId::Retries => Some(&mut self.retries),
            FieldId::Delay => Some(&mut self.delay),
            FieldId::Numbers | FieldId::Days => None,
        }
    }

    pub fn line(&self, field: FieldId) -> Option<&LineInput> {
        match field {
            FieldId::Name => Some(&self.name),
            FieldId::Timezone => Some(&self.timezone.input),
            FieldId::WindowStart => Some(&self.window_start),
            FieldId::WindowEnd => Some(&self.window_end),
            FieldId::Retries => Some(&self.retries),
            FieldId::Delay => Some(&self.delay),
            FieldId::Numbers | FieldId::Days => None,
        }
    }

    /// Moves focus, re-checking the field that is left so its error (or the
    /// lack of one) is up to date.
    pub fn focus_to(&mut self, field: FieldId) {
        let left = self.focus;
        match left {
            FieldId::Timezone => self.timezone.leave(),
            FieldId::Numbers => self.numbers.leave(),
            _ => {}
        }
        self.focus = field;
        self.canonical_time(left);
        self.recheck(left);
        if let Some(line) = self.line_mut(field) {
            line.select_all();
        }
    }

    /// A window time that reads as a time is shown as Weya takes it (`1930`
    /// becomes `19:30`); one that does not is left as typed, for its error.
    fn canonical_time(&mut self, field: FieldId) {
        if !matches!(field, FieldId::WindowStart | FieldId::WindowEnd) {
            return;
        }
        if let Some(line) = self.line_mut(field)
            && let Ok(time) = time::parse_time(line.value())
            && time.to_hh_mm() != line.value()
        {
            line.set(&time.to_hh_mm());
        }
    }

    /// Why text typed or pasted into the focused field is refused, if it
    /// is: retries are a whole number, so a letter is said to be wrong
    /// rather than dropped or kept for a later error.
    pub fn refuses(&self, typed: &str) -> Option<String> {
        if self.focus != FieldId::Retries {
            return None;
        }
        let wrong = typed.trim().chars().find(|c| !c.is_ascii_digit())?;
        Some(format!(
            "{} is not a digit: type the number of retries, 0 to {}",
            text::quoted(wrong),
            number::MAX_RETRIES
        ))
    }

    /// Whether the retry delay has no use: with 0 retries nothing is
    /// retried, and the delay is not sent.
    pub fn delay_unused(&self) -> bool {
        number::parse_retries(self.retries.value()) == Ok(0)
    }

    /// Re-validates one field and updates its error. The window's two ends are
    /// checked together, since each can make the other invalid.
    pub fn recheck(&mut self, field: FieldId) {
        let related: &[FieldId] = match field {
            FieldId::WindowStart | FieldId::WindowEnd => {
                &[FieldId::WindowStart, FieldId::WindowEnd]
            }
            _ => std::slice::from_ref(&field),
        };
        self.recheck_all(related);
    }

    /// Re-validates `fields` and updates their errors.
    fn recheck_all(&mut self, fields: &[FieldId]) {
        let errors = by_field(&validate(self).err().unwrap_or_default());
        for f in fields {
            match errors.get(f) {
                Some(message) => self.errors.insert(*f, message.clone()),
                None => self.errors.remove(f),
            };
        }
    }

    /// Values just came from a file: each of `fields` that is invalid shows
    /// its error at once, and focus goes to the first of them. Returns how
    /// many there are. Nothing is changed to make a value valid.
    pub fn check_given(&mut self, fields: &[FieldId]) -> usize {
        self.errors.clear();
        self.recheck_all(fields);
        if let Some(first) = self.errors.keys().next() {
            self.focus = *first;
        }
        self.errors.len()
    }

    /// A cheap summary of every value, to tell whether an update changed
    /// any: the text fields and days as they are, the selection by its
    /// version (it may hold thousands of IDs).
    pub fn fingerprint(&self) -> impl PartialEq + use<> {
        (
            [
                self.name.value().to_owned(),
                self.timezone.value().to_owned(),
                self.window_start.value().to_owned(),
                self.window_end.value().to_owned(),
                self.retries.value().to_owned(),
                self.delay.value().to_owned(),
            ],
            self.days.numbers(),
            self.days.not_days().len(),
            self.numbers.version(),
        )
    }

    /// After an edit: an error the edit fixed goes at once; a new one waits
    /// until the field is left, so typing is not nagged.
    pub fn edited(&mut self, field: FieldId) {
        if field == FieldId::Timezone {
            self.timezone.edited();
        }
        if self.errors.contains_key(&field) {
            self.recheck(field);
        }
    }

    /// Up/Down on a window time: 15 minutes later or earlier, on the quarter
    /// hour, within the day. An unreadable value starts from 09:00.
    pub fn step_time(&mut self, field: FieldId, later: bool) {
        let Some(line) = self.line_mut(field) else {
            return;
        };
        let minutes = time::parse_time(line.value()).map_or(9 * 60, time::TimeOfDay::minutes);
        let quarter = if later {
            (minutes / 15 + 1) * 15
        } else {
            minutes.div_ceil(15).saturating_sub(1) * 15
        };
        let stepped = quarter.min(23 * 60 + 45);
        if let Some(t) = time::TimeOfDay::new(stepped / 60, stepped % 60) {
            line.set(&t.to_hh_mm());
        }
        self.edited(field);
    }

    /// +/- on retries (by one) or the delay (by a step that grows with it),
    /// within the bounds. An unreadable value starts from the default.
    pub fn step_number(&mut self, field: FieldId, up: bool) {
        match field {
            FieldId::Retries => {
                let n = number::parse_retries(self.retries.value()).unwrap_or(3);
                let n = if up {
                    (n + 1).min(number::MAX_RETRIES)
                } else {
                    n.saturating_sub(1)
                };
                self.retries.set(&n.to_string());
            }
            FieldId::Delay => {
                let secs = number::parse_delay(self.delay.value()).unwrap_or(60);
                let step = match (secs, up) {
                    (0..60, true) | (0..=60, false) => 15,
                    (60..600, true) | (61..=600, false) => 60,
                    (600..3600, true) | (601..=3600, false) => 300,
                    _ => 900,
                };
                let secs = if up {
                    (secs + step).min(number::MAX_DELAY_SECS)
                } else {
                    secs.saturating_sub(step)
                };
                self.delay.set(&number::compact_delay(secs));
            }
            _ => return,
        }
        self.edited(field);
    }

    /// Validates everything; on errors shows each beside its field and focuses
    /// the first. Nothing typed is changed either way.
    pub fn submit(&mut self) -> Result<BatchRequest, usize> {
        self.canonical_time(FieldId::WindowStart);
        self.canonical_time(FieldId::WindowEnd);
        match validate(self) {
            Ok(request) => {
                self.errors.clear();
                Ok(request)
            }
            Err(errors) => {
                self.errors = by_field(&errors);
                if let Some(first) = errors.first() {
                    self.focus = first.field;
                }
                Err(errors.len())
            }
        }
    }
}

/// Parse, don't validate: the only way from the form to a [`BatchRequest`].
/// Errors come in field order.
pub fn validate(form: &Form) -> Result<BatchRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field, message: String| {
        errors.push(FieldError {
            field,
            item: None,
            problem: Problem::Invalid,
            message,
        })
    };
    let mut missing = Vec::new();
    let mut lack = |field, message: &str| {
        missing.push(FieldError {
            field,
            item: None,
            problem: Problem::Missing,
            message: message.to_owned(),
        })
    };

    let name = form.name.value().trim();
    if name.is_empty() {
        lack(
            FieldId::Name,
            "Enter a batch name (shown in Weya's dashboard)",
        );
    }
    for problem in name_problems(form.name.value()) {
        fail(FieldId::Name, problem);
    }

    let numbers = form.numbers.selected_ids();
    if numbers.is_empty() {
        let hint = if form.numbers.phones.error().is_some() {
            "Select at least one calling number: the list failed to load, press r on the list to retry"
        } else {
            "Select at least one calling number (Space toggles the highlighted one)"
        };
        lack(FieldId::Numbers, hint);
    }

    let tz = form.timezone.value().trim();
    let timezone = match chrono_tz::Tz::from_str(tz) {
        Ok(tz) => Some(tz.name().to_owned()),
        Err(_) => {
            let message = match timezone::did_you_mean(tz) {
                Some(meant) => format!(
                    "\"{tz}\" is not a timezone: did you mean {meant}? Type a city or country \
                     and take a match, or an IANA name"
                ),
                None => format!(
                    "\"{tz}\" is not a timezone: type a city or country and take a match, or \
                     an IANA name such as America/New_York"
                ),
            };
            fail(FieldId::Timezone, message);
            None
        }
    };

    let start = time::parse_time(form.window_start.value())
        .map_err(|e| fail(FieldId::WindowStart, e))
        .ok();
    let end = time::parse_time(form.window_end.value())
        .map_err(|e| fail(FieldId::WindowEnd, e))
        .ok();
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        fail(
            FieldId::WindowEnd,
            format!(
                "End {} must be after start {}: Weya does not document windows that cross midnight",
                e.to_hh_mm(),
                s.to_hh_mm()
            ),
        );
    }

    for d in form.days.not_days() {
        fail(
            FieldId::Days,
            format!("{d} is not a day; Weya counts 0 = Sunday … 6 = Saturday"),
        );
    }
    let days = form.days.numbers();
    if days.is_empty() && form.days.not_days().is_empty() {
        lack(
            FieldId::Days,
            "Allow at least one day (Space toggles the highlighted day)",
        );
    }

    let retry = number::parse_retries(form.retries.value())
        .map_err(|e| fail(FieldId::Retries, e))
        .ok();
    let delay = number::parse_delay(form.delay.value())
        .map_err(|e| fail(FieldId::Delay, e))
        .ok();

    errors.extend(
        numbers
            .iter()
            .enumerate()
            .filter(|(_, id)| !is_object_id(id))
            .map(|(i, id)| FieldError {
                field: FieldId::Numbers,
                item: Some(i),
                problem: Problem::Invalid,
                message: phone_id_problem(id),
            }),
    );
    // What is missing comes first among its field's problems.
    let mut errors: Vec<FieldError> = missing.into_iter().chain(errors).collect();

    if !errors.is_empty() {
        // Stable: a field's problems stay in the order found.
        errors.sort_by_key(|e| e.field);
        return Err(errors);
    }
    Ok(BatchRequest {
        batch_name: name.to_owned(),
        calling_numbers: numbers,
        retry,
        // Without retries there is nothing to delay: sending one would only
        // suggest that it does something.
        delay: delay.filter(|_| retry != Some(0)),
        timezone,
        calling_hour: start.zip(end).map(|(s, e)| CallingHour {
            start: s.to_hh_mm(),
            end: e.to_hh_mm(),
        }),
        allowed_days: Some(days),
    })
}

/// What is wrong with a batch name besides being empty: characters a
/// terminal acts on or that turn the text around, and length. The first
/// offending character is named, so it can be found.
fn name_problems(raw: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let at = |wanted: &dyn Fn(char) -> bool| {
        raw.chars()
            .enumerate()
            .filter(|(_, c)| wanted(*c))
            .fold((None, 0), |(first, n), (i, c)| {
                (first.or(Some((i + 1, c))), n + 1)
            })
    };
    let more = |n: usize| match n {
        0 | 1 => String::new(),
        n => format!(" and {} more after it", n - 1),
    };
    if let (Some((pos, c)), n) = at(&|c| c.is_control()) {
        problems.push(format!(
            "holds {} at character {pos}{}: a name may not hold control characters",
            text::describe(c),
            more(n)
        ));
    }
    if let (Some((pos, c)), n) = at(&text::is_bidi_control) {
        problems.push(format!(
            "holds {} at character {pos}{}: it turns the text after it around, so the \
             name would read differently from what it is",
            text::describe(c),
            more(n)
        ));
    }
    let length = raw.trim().chars().count();
    if length > MAX_NAME_CHARS {
        problems.push(format!(
            "{length} characters; at most {MAX_NAME_CHARS} (our limit: Weya documents none)"
        ));
    }
    problems
}

/// A warning for a valid name that holds characters which draw nothing
/// (zero-width spaces and joiners, the byte-order mark): they are sent, so
/// the review shows them as `⟨U+200B⟩` and says what they are.
pub fn invisible_in_name(name: &str) -> Option<String> {
    let mut found: Vec<char> = Vec::new();
    for c in name.chars() {
        if text::hidden(c).is_some() && !found.contains(&c) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return None;
    }
    let what: Vec<String> = found.into_iter().map(text::describe).collect();
    Some(format!(
        "The batch name holds characters that draw nothing (shown as ⟨U+…⟩ here and as \\u \
         escapes in the body): {}. They are sent; remove them unless you mean them.",
        what.join(", ")
    ))
}

/// Why `id` is not a phone ID, in words that say where to find one.
fn phone_id_problem(id: &str) -> String {
    const TAKES: &str = "callingNumbers takes 24-hex phone IDs — `weya-tui phones` lists them";
    let shown = text::visible(id);
    let digits = id.strip_prefix('+').unwrap_or(id);
    if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{shown} looks like a phone number; {TAKES}")
    } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{shown} has {} hex characters, not 24; {TAKES}", id.len())
    } else {
        format!("“{shown}” is not a phone ID; {TAKES}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Phone;

    fn filled() -> Form {
        let mut form = Form::new("America/New_York");
        form.name.set("  May outreach ");
        form.numbers.finish_loading(Ok(vec![Phone {
            id: "64e5f12345abcdef87654321".into(),
            phone_number: "12125550143".into(),
            integration: "twilio".into(),
            label: "NY".into(),
        }]));
        form.numbers.toggle();
        form
    }

    #[test]
    fn a_filled_form_becomes_the_documented_body() {
        let req = validate(&filled()).unwrap();
        let body: serde_json::Value = serde_json::from_str(&req.to_body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"batchName":"May outreach","callingNumbers":["64e5f12345abcdef87654321"],
                "retry":3,"delay":60,"timezone":"America/New_York",
                "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]})
        );
    }

    #[test]
    fn every_invalid_field_is_reported_in_order_and_nothing_is_lost() {
        let mut form = Form::new("Nowhere/Land");
        form.window_start.set("25");
        form.window_end.set("9:5");
        form.days = DaySet::from_days(&[]);
        form.retries.set("x");
        form.delay.set("2d");
        form.focus = FieldId::Delay;
        assert_eq!(form.submit(), Err(8));
        let fields: Vec<_> = form.errors.keys().copied().collect();
        assert_eq!(fields, FieldId::ALL.to_vec());
        assert_eq!(form.focus, FieldId::Name, "first invalid field focused");
        assert_eq!(form.window_start.value(), "25");
        assert_eq!(form.timezone.value(), "Nowhere/Land");
    }

    #[test]
    fn end_before_start_explains_midnight() {
        let mut form = filled();
        form.window_start.set("18:00");
        form.window_end.set("06:00");
        let errors = validate(&form).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, FieldId::WindowEnd);
        assert!(errors[0].message.contains("cross midnight"));
    }

    #[test]
    fn leaving_a_field_updates_only_its_error() {
        let mut form = Form::new("UTC");
        form.focus_to(FieldId::Numbers);
        assert!(form.errors.contains_key(&FieldId::Name));
        assert!(
            !form.errors.contains_key(&FieldId::Numbers),
            "not visited yet"
        );
        form.focus_to(FieldId::Name);
        form.name.set("x");
        form.focus_to(FieldId::Numbers);
        assert!(!form.errors.contains_key(&FieldId::Name));
    }

    #[test]
    fn an_edit_clears_a_fixed_error_but_never_adds_one() {
        let mut form = Form::new("UTC");
        form.submit().unwrap_err();
        form.name.set("x");
        form.edited(FieldId::Name);
        assert!(!form.errors.contains_key(&FieldId::Name));
        form.name.set("");
        form.edited(FieldId::Name);
        assert!(
            !form.errors.contains_key(&FieldId::Name),
            "no error while typing"
        );
    }

    #[test]
    fn server_messages_map_to_fields() {
        assert_eq!(
            FieldId::from_server_message("batchName is required"),
            Some(FieldId::Name)
        );
        assert_eq!(
            FieldId::from_server_message("callingHour.end must be HH:MM"),
            Some(FieldId::WindowEnd)
        );
        assert_eq!(
            FieldId::from_server_message("callingNumbers[0] is not valid"),
            Some(FieldId::Numbers)
        );
        assert_eq!(FieldId::from_server_message("Internal error"), None);
    }

    #[test]
    fn a_time_is_shown_as_weya_takes_it_once_the_field_is_left() {
        let mut form = filled();
        form.focus_to(FieldId::WindowStart);
        form.window_start.set("10");
        form.focus_to(FieldId::WindowEnd);
        assert_eq!(form.window_start.value(), "10:00");
        form.window_end.set("1930");
        form.focus_to(FieldId::Days);
        assert_eq!(form.window_end.value(), "19:30");
        // Only the spelling changes: what does not read as a time stays.
        form.focus_to(FieldId::WindowStart);
        form.window_start.set("2500");
        form.focus_to(FieldId::WindowEnd);
        assert_eq!(form.window_start.value(), "2500");
        assert!(form.errors.contains_key(&FieldId::WindowStart));
        // Ctrl-S without leaving the field shows it the same way.
        form.window_start.set(" 930");
        form.submit().unwrap();
        assert_eq!(form.window_start.value(), "09:30");
    }

    #[test]
    fn with_no_retries_the_delay_is_not_sent() {
        let mut form = filled();
        form.retries.set("0");
        form.delay.set("1h30m");
        let req = validate(&form).unwrap();
        assert_eq!((req.retry, req.delay), (Some(0), None));
        assert!(!req.to_body().contains("delay"), "{}", req.to_body());
        form.retries.set("2");
        assert_eq!(validate(&form).unwrap().delay, Some(5400));
    }

    #[test]
    fn a_name_people_use_is_answered_with_the_zone_meant() {
        let mut form = filled();
        form.timezone.input.set("Bombay");
        let errors = validate(&form).unwrap_err();
        assert_eq!(
            errors[0].message,
            "\"Bombay\" is not a timezone: did you mean Asia/Kolkata? Type a city or country \
             and take a match, or an IANA name"
        );
    }

    #[test]
    fn retries_refuse_what_is_not_a_digit_and_say_so() {
        let mut form = filled();
        assert_eq!(form.refuses("t"), None, "the name takes any letter");
        form.focus_to(FieldId::Retries);
        assert_eq!(
            form.refuses("t").as_deref(),
            Some("“t” is not a digit: type the number of retries, 0 to 10")
        );
        assert_eq!(form.refuses("7"), None);
        assert_eq!(
            form.refuses(" 3\n"),
            None,
            "a pasted number with its line break"
        );
        assert!(form.refuses("three").is_some());
    }

    #[test]
    fn tab_order_wraps_both_ways() {
        assert_eq!(FieldId::Delay.next(), FieldId::Name);
        assert_eq!(FieldId::Name.prev(), FieldId::Delay);
        assert_eq!(FieldId::Name.next(), FieldId::Numbers);
    }
}
