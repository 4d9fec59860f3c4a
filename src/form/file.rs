//! A batch file into a [`BatchRequest`], the second way in besides the
//! form. [`as_written`] sends exactly what the file says: nothing trimmed,
//! no time rewritten, no field the file leaves out filled in (Weya's
//! defaults apply to those). What cannot be sent as written is refused,
//! with the field it is in. [`with_form_defaults`] is the form's way, on
//! request: the fields left out take the form's defaults and values are
//! written as the form writes them, and every such change is listed.

use std::str::FromStr;

use super::{FieldError, FieldId, Form, Problem, number, time, validate};
use crate::api::BatchRequest;
#[cfg(test)]
use crate::api::CallingHour;
use crate::store::draft::Draft;
use crate::store::template::BatchFile;
use crate::text::visible;

/// The request `file` says, as written, or every reason it cannot be sent
/// so, each with the field it is in. The messages speak of the file: its
/// keys and JSON types.
pub fn as_written(file: &BatchFile) -> Result<BatchRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field, item, problem, message: String| {
        errors.push(FieldError {
            field,
            item,
            problem,
            message,
        });
    };
    let name = file.batch_name.clone().unwrap_or_default();
    if name.trim().is_empty() {
        fail(
            FieldId::Name,
            None,
            Problem::Missing,
            "missing or blank: give the batch's name as a string (Weya's dashboard shows it)"
                .to_owned(),
        );
    }
    for problem in super::name_problems(&name) {
        fail(FieldId::Name, None, Problem::Invalid, problem);
    }

    let numbers = file.calling_numbers.clone().unwrap_or_default();
    if numbers.is_empty() {
        fail(
            FieldId::Numbers,
            None,
            Problem::Missing,
            "missing or empty: give an array of phone IDs, each a string of 24 hex characters \
             (`weya-tui phones` lists them)"
                .to_owned(),
        );
    }
    for (i, id) in numbers.iter().enumerate() {
        if !crate::api::types::is_object_id(id) {
            fail(
                FieldId::Numbers,
                Some(i),
                Problem::Invalid,
                super::phone_id_problem(id),
            );
        }
    }

    if let Some(zone) = &file.timezone
        && chrono_tz::Tz::from_str(zone).is_err()
    {
        let trimmed = zone.trim();
        let meant = chrono_tz::Tz::from_str(trimmed)
            .map(|tz| tz.name())
            .ok()
            .or_else(|| super::timezone::did_you_mean(trimmed));
        fail(
            FieldId::Timezone,
            None,
            Problem::Invalid,
            match meant {
                Some(meant) => format!(
                    "“{}” is not an IANA timezone name as written: did you mean \"{meant}\"?",
                    visible(zone)
                ),
                None => format!(
                    "“{}” is not an IANA timezone name, such as \"America/New_York\" (leave \
                     timezone out for Weya's default)",
                    visible(zone)
                ),
            },
        );
    }

    if let Some(hour) = &file.calling_hour {
        let start = exact_time(&hour.start)
            .map_err(|e| fail(FieldId::WindowStart, None, Problem::Invalid, e));
        let end =
            exact_time(&hour.end).map_err(|e| fail(FieldId::WindowEnd, None, Problem::Invalid, e));
        if let (Ok(s), Ok(e)) = (start, end)
            && e <= s
        {
            fail(
                FieldId::WindowEnd,
                None,
                Problem::Invalid,
                format!(
                    "End {} must be after start {}: Weya does not document windows that cross \
                     midnight",
                    e.to_hh_mm(),
                    s.to_hh_mm()
                ),
            );
        }
    }

    if let Some(days) = &file.allowed_days {
        if days.is_empty() {
            fail(
                FieldId::Days,
                None,
                Problem::Missing,
                "an empty array: give at least one day as a number, 0 = Sunday … 6 = Saturday \
                 (leave allowedDays out for Weya's default)"
                    .to_owned(),
            );
        }
        for (i, d) in days.iter().enumerate() {
            if *d > 6 {
                fail(
                    FieldId::Days,
                    Some(i),
                    Problem::Invalid,
                    format!("{d} is not a day; Weya counts 0 = Sunday … 6 = Saturday"),
                );
            }
        }
    }

    if let Some(n) = file.retry
        && n > number::MAX_RETRIES
    {
        fail(
            FieldId::Retries,
            None,
            Problem::Invalid,
            format!(
                "{n} is more than {max}: retry takes a whole number from 0 to {max} (our limit; \
                 Weya documents none)",
                max = number::MAX_RETRIES
            ),
        );
    }
    if let Some(n) = file.delay
        && n > number::MAX_DELAY_SECS
    {
        let max = number::MAX_DELAY_SECS;
        fail(
            FieldId::Delay,
            None,
            Problem::Invalid,
            format!(
                "{n} seconds is more than {max} (24 h), the longest delay: delay takes a whole \
                 number of seconds from 0 to {max} (our limit; Weya documents none)"
            ),
        );
    }

    if !errors.is_empty() {
        errors.sort_by_key(|e| e.field);
        return Err(errors);
    }
    Ok(BatchRequest {
        batch_name: name,
        calling_numbers: numbers,
        retry: file.retry,
        delay: file.delay,
        timezone: file.timezone.clone(),
        calling_hour: file.calling_hour.clone(),
        allowed_days: file.allowed_days.clone(),
    })
}

/// A window time exactly as Weya takes it, `HH:MM`: one that only reads as
/// a time (`9:00`, `0900`) is refused with how to write it, not rewritten.
fn exact_time(given: &str) -> Result<time::TimeOfDay, String> {
    match time::parse_time(given) {
        Ok(t) if t.to_hh_mm() == given => Ok(t),
        Ok(t) => Err(format!(
            "“{}” is not written as \"HH:MM\": write \"{}\" (or pass --form-defaults to have \
             it written so)",
            visible(given),
            t.to_hh_mm()
        )),
        Err(_) => Err(format!(
            "“{}” is not a time: give a string in 24-hour \"HH:MM\", e.g. \"09:00\"",
            visible(given)
        )),
    }
}

/// The request the form makes of `file`: the fields it leaves out take
/// the form's defaults (the window 09:00–17:00 on weekdays, 3 retries a
/// minute apart, `default_timezone`), and values are written as the form
/// writes them. With it, each change in words, for the operator to read.
/// The errors speak of the file, as [`as_written`]'s do.
pub fn with_form_defaults(
    file: &BatchFile,
    default_timezone: &str,
) -> Result<(BatchRequest, Vec<String>), Vec<FieldError>> {
    let mut form = Form::new(default_timezone);
    Draft::from_file(file, &Draft::of(&form)).apply(&mut form);
    match validate(&form) {
        Ok(request) => {
            let changes = changes(file, &request, default_timezone);
            Ok((request, changes))
        }
        Err(errors) => Err(errors
            .into_iter()
            .map(|e| FieldError {
                message: in_file_terms(&e, &form),
                ..e
            })
            .collect()),
    }
}

/// A field error in a batch file's terms: the key, the JSON type it takes,
/// seconds for the delay. The form's own words speak of keys to press and
/// units to type, which a file does not have.
fn in_file_terms(e: &FieldError, form: &Form) -> String {
    let given = form.line(e.field).map_or("", |line| line.value().trim());
    let over = |max: u32| given.parse::<u64>().ok().filter(|&n| n > u64::from(max));
    match (e.field, e.problem) {
        (FieldId::Name, Problem::Missing) => {
            "missing or blank: give the batch's name as a string (Weya's dashboard shows it)"
                .to_owned()
        }
        (FieldId::Numbers, Problem::Missing) => {
            "missing or empty: give an array of phone IDs, each a string of 24 hex characters \
             (`weya-tui phones` lists them)"
                .to_owned()
        }
        (FieldId::Days, Problem::Missing) => {
            "an empty array: give at least one day as a number, 0 = Sunday … 6 = Saturday \
             (leave allowedDays out for Monday to Friday)"
                .to_owned()
        }
        // The window's ends also fail together (end before start): that
        // message is about the values, not how to write them.
        (FieldId::WindowStart | FieldId::WindowEnd, _) if time::parse_time(given).is_err() => {
            format!(
                "“{}” is not a time: give a string in 24-hour \"HH:MM\", e.g. \"09:00\"",
                visible(given)
            )
        }
        (FieldId::Retries, _) => match over(number::MAX_RETRIES) {
            Some(n) => format!(
                "{n} is more than {max}: retry takes a whole number from 0 to {max} (our limit; \
                 Weya documents none)",
                max = number::MAX_RETRIES
            ),
            None => format!(
                "retry takes a whole number from 0 to {}",
                number::MAX_RETRIES
            ),
        },
        (FieldId::Delay, _) => {
            let max = number::MAX_DELAY_SECS;
            match over(max) {
                Some(n) => format!(
                    "{n} seconds is more than {max} (24 h), the longest delay: delay takes a \
                     whole number of seconds from 0 to {max} (our limit; Weya documents none)"
                ),
                None => format!("delay takes a whole number of seconds from 0 to {max} (24 h)"),
            }
        }
        _ => e.message.clone(),
    }
}

/// What the form changed of `file` to make `request`, in words.
fn changes(file: &BatchFile, request: &BatchRequest, default_timezone: &str) -> Vec<String> {
    let mut out = Vec::new();
    let quoted = |s: &str| format!("“{}”", visible(s));
    if let Some(name) = &file.batch_name
        && *name != request.batch_name
    {
        out.push(format!(
            "batchName {} sent as {} (spaces trimmed)",
            quoted(name),
            quoted(&request.batch_name)
        ));
    }
    match (&file.timezone, &request.timezone) {
        (None, Some(zone)) => out.push(format!(
            "timezone filled with {zone} ({})",
            if zone == default_timezone {
                "your default timezone"
            } else {
                "the form's"
            }
        )),
        (Some(given), Some(zone)) if given != zone => {
            out.push(format!("timezone {} sent as {zone}", quoted(given)));
        }
        _ => {}
    }
    match (&file.calling_hour, &request.calling_hour) {
        (None, Some(h)) => out.push(format!(
            "callingHour filled with {}–{} (the form's default)",
            h.start, h.end
        )),
        (Some(given), Some(h)) => {
            for (part, given, sent) in [
                ("start", &given.start, &h.start),
                ("end", &given.end, &h.end),
            ] {
                if given != sent {
                    out.push(format!(
                        "callingHour.{part} {} sent as {}",
                        quoted(given),
                        quoted(sent)
                    ));
                }
            }
        }
        _ => {}
    }
    match (&file.allowed_days, &request.allowed_days) {
        (None, Some(days)) => out.push(format!(
            "allowedDays filled with {days:?} (the form's default: {})",
            super::days::DaySet::from_days(days).describe()
        )),
        (Some(given), Some(days)) if given != days => {
            out.push(format!("allowedDays {given:?} sent as {days:?} (in order)"));
        }
        _ => {}
    }
    if file.retry.is_none()
        && let Some(n) = request.retry
    {
        out.push(format!("retry filled with {n} (the form's default)"));
    }
    match (file.delay, request.delay) {
        (None, Some(d)) => out.push(format!("delay filled with {d} (the form's default)")),
        (Some(d), None) => out.push(format!(
            "delay {d} left out: with 0 retries nothing is retried"
        )),
        _ => {}
    }
    out
}

/// The body's optional fields that `request` leaves out: Weya's defaults
/// apply to them.
pub fn not_set(request: &BatchRequest) -> Vec<&'static str> {
    [
        ("retry", request.retry.is_none()),
        ("delay", request.delay.is_none()),
        ("timezone", request.timezone.is_none()),
        ("callingHour", request.calling_hour.is_none()),
        ("allowedDays", request.allowed_days.is_none()),
    ]
    .into_iter()
    .filter_map(|(key, absent)| absent.then_some(key))
    .collect()
}

/// `CallingHour` for tests.
#[cfg(test)]
fn hour(start: &str, end: &str) -> CallingHour {
    CallingHour {
        start: start.into(),
        end: end.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "64e5f12345abcdef87654321";

    fn file(name: &str) -> BatchFile {
        BatchFile {
            batch_name: Some(name.into()),
            calling_numbers: Some(vec![ID.into()]),
            ..BatchFile::default()
        }
    }

    #[test]
    fn a_file_is_sent_as_written_and_what_it_leaves_out_stays_out() {
        let request = as_written(&file(" \u{a0}June renewals ")).unwrap();
        assert_eq!(request.batch_name, " \u{a0}June renewals ");
        assert_eq!(
            request.to_body(),
            format!(
                "{{\n  \"batchName\": \" \u{a0}June renewals \",\n  \"callingNumbers\": [\"{ID}\"]\n}}"
            )
        );
        assert_eq!(
            not_set(&request),
            ["retry", "delay", "timezone", "callingHour", "allowedDays"]
        );
        let full = BatchFile {
            retry: Some(0),
            delay: Some(90),
            timezone: Some("Asia/Kolkata".into()),
            calling_hour: Some(hour("09:30", "17:00")),
            allowed_days: Some(vec![5, 1]),
            ..file("x")
        };
        let request = as_written(&full).unwrap();
        assert_eq!((request.retry, request.delay), (Some(0), Some(90)));
        assert_eq!(
            request.allowed_days,
            Some(vec![5, 1]),
            "in the file's order"
        );
    }

    #[test]
    fn what_could_only_be_sent_changed_is_refused_with_its_field() {
        let errors = |f: BatchFile| {
            as_written(&f)
                .unwrap_err()
                .into_iter()
                .map(|e| format!("{}: {}", e.key(), e.message))
                .collect::<Vec<_>>()
        };
        let e = errors(BatchFile {
            calling_hour: Some(hour("9:00", "17:00")),
            ..file("x")
        });
        assert_eq!(
            e,
            [
                "callingHour.start: “9:00” is not written as \"HH:MM\": write \"09:00\" (or pass \
              --form-defaults to have it written so)"
            ]
        );
        let e = errors(BatchFile {
            timezone: Some(" America/New_York".into()),
            allowed_days: Some(vec![1, 9]),
            retry: Some(11),
            delay: Some(86_401),
            ..file("  ")
        });
        assert_eq!(e.len(), 5, "{e:#?}");
        assert!(e[0].starts_with("batchName: missing or blank"), "{e:#?}");
        assert_eq!(
            e[1],
            "timezone: “ America/New_York” is not an IANA timezone name as written: did you mean \
             \"America/New_York\"?"
        );
        assert_eq!(
            e[2],
            "allowedDays[1]: 9 is not a day; Weya counts 0 = Sunday … 6 = Saturday"
        );
        assert!(e[3].starts_with("retry: 11 is more than 10"), "{e:#?}");
        assert!(
            e[4].starts_with("delay: 86401 seconds is more than 86400"),
            "{e:#?}"
        );
    }

    #[test]
    fn the_forms_defaults_are_applied_only_on_request_and_each_change_is_listed() {
        let given = BatchFile {
            calling_hour: Some(hour("9:00", "17:00")),
            retry: Some(0),
            delay: Some(60),
            ..file(" June ")
        };
        let (request, changes) = with_form_defaults(&given, "Europe/Berlin").unwrap();
        assert_eq!(request.batch_name, "June");
        assert_eq!(request.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(
            changes,
            [
                "batchName “ June ” sent as “June” (spaces trimmed)",
                "timezone filled with Europe/Berlin (your default timezone)",
                "callingHour.start “9:00” sent as “09:00”",
                "allowedDays filled with [1, 2, 3, 4, 5] (the form's default: Mon–Fri)",
                "delay 60 left out: with 0 retries nothing is retried",
            ]
        );
    }
}
