//! What the review says about a request, in plain lines: who calls, when
//! (in the batch's timezone and the operator's), how often it
//! retries, where it goes, what was left to Weya and what was changed on
//! request, and the warnings. The TUI's review screen and `weya-tui
//! create` both show these lines, so they never say different things.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::api::BatchRequest;
use crate::connection::TargetLabel;
use crate::domain::{phone, schedule};
use crate::form::days::DaySet;
use crate::form::phones::PhonePicker;
use crate::form::{number, time};
use crate::text::visible;

/// How many calling numbers the summary names; the body lists them all.
pub const NAMED_NUMBERS: usize = 5;
/// How far ahead the next window is looked for.
pub const HORIZON_DAYS: u32 = 60;
/// How far ahead a change of the clocks is warned of.
pub const DST_LOOKAHEAD_DAYS: i64 = 14;

/// What a field the body leaves out is said to be.
pub const NOT_SET: &str = "not set: Weya's default";

/// What the summary is written from, besides the request.
pub struct Context<'a> {
    pub target: &'a TargetLabel,
    pub now: DateTime<Utc>,
    /// The operator's own timezone, to say the next window in their time.
    pub local: Option<Tz>,
    /// The phone list and phone book, to name the calling numbers by.
    pub phones: &'a PhonePicker,
    /// A batch of the same name created from this machine: (when, ID).
    pub earlier: Option<(String, String)>,
    /// What the operator asked to have changed in a file's values
    /// (`--form-defaults`), each in words.
    pub changes: &'a [String],
}

/// The review as lines (a label and its value) and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: Vec<(&'static str, String)>,
    pub warnings: Vec<String>,
}

impl Summary {
    /// The value of the line labelled `label`, if there is one.
    pub fn line(&self, label: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.as_str())
    }
}

/// The window, in the batch's timezone when it has one.
struct Window {
    tz: Option<Tz>,
    start: time::TimeOfDay,
    end: time::TimeOfDay,
}

fn window_of(request: &BatchRequest) -> Option<Window> {
    let hour = request.calling_hour.as_ref()?;
    Some(Window {
        tz: request
            .timezone
            .as_deref()
            .and_then(|t| Tz::from_str(t).ok()),
        start: time::parse_time(&hour.start).ok()?,
        end: time::parse_time(&hour.end).ok()?,
    })
}

/// The summary of `request`: every value said in words, and what to look
/// at twice.
pub fn summarize(request: &BatchRequest, cx: &Context<'_>) -> Summary {
    let mut lines = vec![
        ("Batch name", name_line(&request.batch_name)),
        ("Calls from", calls_from(request, cx.phones)),
    ];
    let mut warnings: Vec<String> = crate::form::invisible_in_name(&request.batch_name)
        .into_iter()
        .collect();
    if request.batch_name.trim() != request.batch_name {
        warnings.push(
            "The batch name starts or ends with a space: it is sent as written (Weya may trim \
             it, and then it is listed without it)."
                .to_owned(),
        );
    }
    let days = request.allowed_days.as_deref();
    let window = window_of(request);
    lines.push(("Schedule", schedule_line(request, window.as_ref())));
    if let Some(w) = &window {
        let zone = w.tz.map_or("Weya's default timezone", |tz| tz.name());
        warnings.extend(schedule::hours_warning(zone, w.start, w.end).map(|w| w.0));
    }
    warnings.extend(days.and_then(schedule::days_warning).map(|w| w.0));
    if let (Some(w), Some(tz), Some(days)) = (&window, window.as_ref().and_then(|w| w.tz), days) {
        let next = schedule::next_windows(tz, w.start, w.end, days, cx.now, 1, HORIZON_DAYS);
        match next.first() {
            Some(first) => lines.push(("Next window", next_window(first, tz, cx))),
            None => warnings.push(format!(
                "This schedule never opens in the next {HORIZON_DAYS} days."
            )),
        }
    }
    lines.push(("Retries", retries_line(request.retry, request.delay)));
    if let Some(retries) = request.retry {
        let window = window.as_ref().map(|w| (w.start, w.end));
        warnings.extend(
            schedule::retry_warnings(retries, request.delay, window)
                .into_iter()
                .map(|w| w.0),
        );
    }
    if let Some((when, id)) = &cx.earlier {
        warnings.push(schedule::earlier_warning(&request.batch_name, (when, id)).0);
    }
    let mut zones: Vec<Tz> = window.as_ref().and_then(|w| w.tz).into_iter().collect();
    zones.extend(cx.local.filter(|l| !zones.contains(l)));
    for zone in zones {
        if let Some((day, before, after)) =
            schedule::offset_change(zone, cx.now, DST_LOOKAHEAD_DAYS)
        {
            warnings.push(format!(
                "Clocks change in {} on {} ({before} → {after}): windows after that are an hour \
                 apart from before, as seen from other zones.",
                zone.name(),
                day.format("%a %-d %b")
            ));
        }
    }
    lines.push(("Target", target_line(cx.target)));
    if !cx.changes.is_empty() {
        lines.push(("Changed", cx.changes.join("; ")));
    }
    Summary { lines, warnings }
}

/// "Mon–Fri 09:00–17:00 America/New_York (8 h a day)"; what the body
/// leaves out is named: "09:00–17:00 (8 h a day); days and timezone not
/// set: Weya's default".
fn schedule_line(request: &BatchRequest, window: Option<&Window>) -> String {
    let mut set = Vec::new();
    let mut unset = Vec::new();
    match request.allowed_days.as_deref() {
        Some(days) => set.push(DaySet::from_days(days).describe()),
        None => unset.push("days"),
    }
    match window {
        Some(w) => set.push(format!("{}–{}", w.start.to_hh_mm(), w.end.to_hh_mm())),
        None => unset.push("hours"),
    }
    match request.timezone.as_deref() {
        Some(zone) => set.push(visible(zone).into_owned()),
        None => unset.push("timezone"),
    }
    if let Some(w) = window {
        let length = time::describe_minutes(w.end.minutes().saturating_sub(w.start.minutes()));
        set.push(format!("({length} a day)"));
    }
    let unset = match unset.as_slice() {
        [] => String::new(),
        [one] => format!("{one} {NOT_SET}"),
        [init @ .., last] => format!("{} and {last} {NOT_SET}", init.join(", ")),
    };
    match (set.is_empty(), unset.is_empty()) {
        (_, true) => set.join(" "),
        (true, false) => unset,
        (false, false) => format!("{}; {unset}", set.join(" ")),
    }
}

/// The name as sent; quoted when outer spaces would not show.
fn name_line(name: &str) -> String {
    let shown = visible(name);
    if name.trim() == name {
        shown.into_owned()
    } else {
        format!("“{shown}”")
    }
}

fn calls_from(request: &BatchRequest, phones: &PhonePicker) -> String {
    let n = request.calling_numbers.len();
    let mut named: Vec<String> = request
        .calling_numbers
        .iter()
        .take(NAMED_NUMBERS)
        .map(|id| match phones.phone(id) {
            Some(p) => phone::describe(p),
            None => format!("ID {}", visible(id)),
        })
        .collect();
    if n > NAMED_NUMBERS {
        named.push(format!("and {} more", n - NAMED_NUMBERS));
    }
    match n {
        1 => format!("1 number: {}", named.join(", ")),
        n => format!("{n} numbers in rotation: {}", named.join(", ")),
    }
}

/// "Mon 19 Jan 09:00–17:00 America/New_York, 19:30–03:30 +1 your time
/// (Asia/Kolkata)", with "(open now)" while it is. UTC only when the
/// operator's zone is unknown: they read their own clock.
fn next_window(w: &schedule::Window, tz: Tz, cx: &Context<'_>) -> String {
    let mut text = format!(
        "{} {} {}",
        w.start.with_timezone(&tz).format("%a %-d %b"),
        w.describe_in(tz),
        tz.name()
    );
    // Another zone is named only where its clocks differ (Etc/UTC is UTC).
    let there = w.describe_in(tz);
    match cx.local {
        Some(local) => {
            let yours = w.describe_in(local);
            if yours != there {
                text.push_str(&format!(", {yours} your time ({})", local.name()));
            }
        }
        None => {
            let utc = w.describe_in(chrono_tz::UTC);
            if utc != there {
                text.push_str(&format!(", {utc} UTC"));
            }
        }
    }
    if w.start <= cx.now && cx.now < w.end {
        text.push_str(" (open now)");
    }
    text
}

fn retries_line(retry: Option<u32>, delay: Option<u32>) -> String {
    match (retry, delay) {
        (Some(0), None) => "no retries".to_owned(),
        (Some(0), Some(d)) => format!(
            "no retries (a delay of {} is sent, and has no use)",
            number::describe_delay(d)
        ),
        (Some(1), Some(d)) => format!(
            "1 retry, {} after the failed call",
            number::describe_delay(d)
        ),
        (Some(r), Some(d)) => format!("{r} retries, {} apart", number::describe_delay(d)),
        (Some(1), None) => format!("1 retry, delay {NOT_SET}"),
        (Some(r), None) => format!("{r} retries, delay {NOT_SET}"),
        (None, Some(d)) => format!("number {NOT_SET}, {} apart", number::describe_delay(d)),
        (None, None) => NOT_SET.to_owned(),
    }
}

/// Where it goes, with the credential createBatch would carry.
fn target_line(target: &TargetLabel) -> String {
    target.describe_for(crate::api::auth::Action::CreateBatch)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::Phone;
    use crate::api::types::CallingHour;

    const NEW_YORK_SALES: &str = "64e5f12345abcdef87654321";

    fn mon_to_fri(numbers: &[&str]) -> BatchRequest {
        BatchRequest {
            batch_name: "June renewals".into(),
            calling_numbers: numbers.iter().map(|&id| id.to_owned()).collect(),
            retry: Some(0),
            delay: None,
            timezone: Some("America/New_York".into()),
            calling_hour: Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5]),
        }
    }

    fn phones(phones: Vec<Phone>) -> PhonePicker {
        let mut picker = PhonePicker::default();
        picker.finish_loading(Ok(phones));
        picker
    }

    /// Sunday 18 Jan 2026, 12:00 in New York.
    fn sunday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 18, 17, 0, 0).unwrap()
    }

    fn summary(request: &BatchRequest, phones: &PhonePicker, local: Option<Tz>) -> Summary {
        summarize(
            request,
            &Context {
                target: &TargetLabel::Sandbox,
                now: sunday(),
                local,
                phones,
                earlier: None,
                changes: &[],
            },
        )
    }

    #[test]
    fn calling_numbers_are_named_when_known_and_by_id_when_not() {
        let known = phones(vec![Phone {
            id: NEW_YORK_SALES.into(),
            phone_number: "12125550143".into(),
            integration: "twilio".into(),
            label: "New York sales".into(),
        }]);
        let unknown = "64e5f12345abcdef00000000";
        let request = mon_to_fri(&[NEW_YORK_SALES, unknown]);
        assert_eq!(
            summary(&request, &known, None).line("Calls from"),
            Some(
                format!("2 numbers in rotation: +1 212-555-0143 (New York sales), ID {unknown}")
                    .as_str()
            )
        );
    }

    #[test]
    fn on_a_sunday_a_weekday_batch_is_said_to_open_on_monday_in_every_zone() {
        let request = mon_to_fri(&[NEW_YORK_SALES]);
        let s = summary(
            &request,
            &PhonePicker::default(),
            Some(chrono_tz::Asia::Kolkata),
        );
        assert_eq!(
            s.line("Schedule"),
            Some("Mon–Fri 09:00–17:00 America/New_York (8 h a day)")
        );
        assert_eq!(
            s.line("Next window"),
            Some(
                "Mon 19 Jan 09:00–17:00 America/New_York, 19:30–03:30 +1 your time \
                 (Asia/Kolkata)"
            )
        );
        assert_eq!(s.line("Retries"), Some("no retries"));
    }

    #[test]
    fn what_the_body_leaves_out_is_said_to_be_weyas_default() {
        let request = BatchRequest {
            batch_name: " June ".into(),
            calling_numbers: vec![NEW_YORK_SALES.into()],
            retry: Some(2),
            delay: None,
            timezone: None,
            calling_hour: Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            allowed_days: None,
        };
        let s = summary(&request, &PhonePicker::default(), None);
        assert_eq!(s.line("Batch name"), Some("“ June ”"));
        assert_eq!(
            s.line("Schedule"),
            Some("09:00–17:00 (8 h a day); days and timezone not set: Weya's default")
        );
        assert_eq!(s.line("Next window"), None, "not knowable");
        assert_eq!(
            s.line("Retries"),
            Some("2 retries, delay not set: Weya's default")
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("starts or ends with a space")),
            "{:?}",
            s.warnings
        );
        assert!(
            !s.warnings.iter().any(|w| w.contains("apart")),
            "a delay that is not set is not judged: {:?}",
            s.warnings
        );
        let bare = BatchRequest {
            retry: None,
            calling_hour: None,
            ..request
        };
        let s = summary(&bare, &PhonePicker::default(), None);
        assert_eq!(
            s.line("Schedule"),
            Some("days, hours and timezone not set: Weya's default")
        );
        assert_eq!(s.line("Retries"), Some("not set: Weya's default"));
        assert!(!s.warnings.iter().any(|w| w.contains("No retries")));
    }
}
