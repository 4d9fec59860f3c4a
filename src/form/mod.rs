//! The create-batch form: raw operator input, and the one `validate` that
//! turns it into a [`BatchRequest`] or a list of field errors.

pub mod days;
pub mod line;
pub mod number;
pub mod phones;
pub mod time;
pub mod timezone;

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::api::{BatchRequest, CallingHour};
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
                 days are read. Type a city, region or abbreviation (new york, kolkata, IST); \
                 Enter or Tab takes the highlighted match."
            }
            Self::WindowStart | Self::WindowEnd => {
                "Sent as callingHour {start, end}: the daily window, 24-hour HH:MM in the batch \
                 timezone, in which the dialer places calls. Type 9, 930, 0900 or 09:00; Up and \
                 Down step 15 minutes. It must end after it starts: Weya does not document \
                 windows that cross midnight."
            }
            Self::Days => {
                "Sent as allowedDays: the weekdays calls may be placed, as numbers with \
                 0 = Sunday, 1 = Monday … 6 = Saturday (Weya's numbering). Space toggles the \
                 highlighted day; w picks weekdays, a every day, s weekends."
            }
            Self::Retries => {
                "Sent as retry: how many more times a failed call is attempted. Weya documents \
                 no limit; we allow 0 to 10. + and - step."
            }
            Self::Delay => {
                "Sent as delay, in seconds: how long after a failed call its retry comes. Type \
                 90, 90s, 15m or 1h. Weya documents no limit; we allow up to 24 h. + and - step."
            }
        }
    }

    /// Whether the field takes typed text (so printable keys are input, not
    /// commands).
    pub fn is_text(self) -> bool {
        !matches!(self, Self::Numbers | Self::Days)
    }

    /// The field a server message is about, from the JSON field it names.
    pub fn from_server_message(message: &str) -> Option<Self> {
        // Longest names first: "callingHour.end" before "callingHour".
        const NAMES: [(&str, FieldId); 9] = [
            ("callingHour.start", FieldId::WindowStart),
            ("callingHour.end", FieldId::WindowEnd),
            ("callingNumbers", FieldId::Numbers),
            ("callingHour", FieldId::WindowStart),
            ("allowedDays", FieldId::Days),
            ("batchName", FieldId::Name),
            ("timezone", FieldId::Timezone),
            ("retry", FieldId::Retries),
            ("delay", FieldId::Delay),
        ];
        let lower = message.to_ascii_lowercase();
        NAMES
            .iter()
            .find(|(name, _)| lower.contains(&name.to_ascii_lowercase()))
            .map(|(_, field)| *field)
    }
}

/// A problem with one field, in words that say how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: FieldId,
    pub message: String,
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
            delay: LineInput::new("60", 8),
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
        self.recheck(left);
        if let Some(line) = self.line_mut(field) {
            line.select_all();
        }
    }

    /// Re-validates one field and updates its error. The window's two ends are
    /// checked together, since each can make the other invalid.
    pub fn recheck(&mut self, field: FieldId) {
        let errors = match validate(self) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        let related: &[FieldId] = match field {
            FieldId::WindowStart | FieldId::WindowEnd => {
                &[FieldId::WindowStart, FieldId::WindowEnd]
            }
            _ => std::slice::from_ref(&field),
        };
        for f in related {
            match errors.iter().find(|e| e.field == *f) {
                Some(e) => self.errors.insert(*f, e.message.clone()),
                None => self.errors.remove(f),
            };
        }
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
        match validate(self) {
            Ok(request) => {
                self.errors.clear();
                Ok(request)
            }
            Err(errors) => {
                self.errors = errors
                    .iter()
                    .map(|e| (e.field, e.message.clone()))
                    .collect();
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
    let mut fail = |field, message: String| errors.push(FieldError { field, message });

    let name = form.name.value().trim();
    if name.is_empty() {
        fail(
            FieldId::Name,
            "Enter a batch name (shown in Weya's dashboard)".into(),
        );
    }

    let numbers = form.numbers.selected_ids();
    if numbers.is_empty() {
        let hint = if form.numbers.phones.error().is_some() {
            "Select at least one calling number: the list failed to load, press r on the list to retry"
        } else {
            "Select at least one calling number (Space toggles the highlighted one)"
        };
        fail(FieldId::Numbers, hint.into());
    }

    let tz = form.timezone.value().trim();
    let timezone = match chrono_tz::Tz::from_str(tz) {
        Ok(tz) => Some(tz.name().to_owned()),
        Err(_) => {
            fail(
                FieldId::Timezone,
                format!("\"{tz}\" is not a timezone: use an IANA name such as America/New_York"),
            );
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

    let days = form.days.numbers();
    if days.is_empty() {
        fail(
            FieldId::Days,
            "Allow at least one day (Space toggles the highlighted day)".into(),
        );
    }

    let retry = number::parse_retries(form.retries.value())
        .map_err(|e| fail(FieldId::Retries, e))
        .ok();
    let delay = number::parse_delay(form.delay.value())
        .map_err(|e| fail(FieldId::Delay, e))
        .ok();

    if !errors.is_empty() {
        errors.sort_by_key(|e| e.field);
        return Err(errors);
    }
    Ok(BatchRequest {
        batch_name: name.to_owned(),
        calling_numbers: numbers,
        retry,
        delay,
        timezone,
        calling_hour: start.zip(end).map(|(s, e)| CallingHour {
            start: s.to_hh_mm(),
            end: e.to_hh_mm(),
        }),
        allowed_days: Some(days),
    })
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
    fn tab_order_wraps_both_ways() {
        assert_eq!(FieldId::Delay.next(), FieldId::Name);
        assert_eq!(FieldId::Name.prev(), FieldId::Delay);
        assert_eq!(FieldId::Name.next(), FieldId::Numbers);
    }
}
