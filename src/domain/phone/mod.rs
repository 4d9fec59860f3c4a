//! Phone numbers as people read them: the international format of
//! libphonenumber's data (the `phonenumber` crate), `+353 85 123 4567`,
//! wherever a number is shown (the TUI's tables and details, the form's
//! list, the review, the commands' tables).

mod grouping;
pub mod metadata;
pub mod zones;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock, PoisonError, mpsc};

use crate::text::visible;

/// `number` (Weya's digits with the country code, a leading `+` allowed)
/// in international format: `+1 212-555-0143`, `+44 20 7946 0958`. A
/// number libphonenumber cannot read or knows to be invalid comes back as
/// its digits after a `+`, ungrouped rather than grouped wrongly; anything
/// that is not digits, as it was, made [`visible`].
///
/// In the live terminal (see [`format_in_background`]) this never waits: a
/// number not formatted before is shown as its digits after a `+` and
/// drawn again grouped a moment later.
pub fn format_number(number: &str) -> String {
    format_number_final(number).unwrap_or_else(|| ungrouped(number))
}

/// [`format_number`], or `None` while the number is being formatted in
/// the background: what a row may keep for good.
pub fn format_number_final(number: &str) -> Option<String> {
    let Some(background) = BACKGROUND.get() else {
        return Some(format_now(number));
    };
    let mut state = background
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(shown) = state.shown.get(number) {
        return Some(shown.clone());
    }
    if state.queued.insert(number.to_owned()) {
        let _ = background.queue.send(number.to_owned());
    }
    None
}

/// The formatting of the live terminal: numbers are formatted on a thread
/// of their own, so that no frame pays for reading a calling code's
/// metadata and compiling its patterns the first time one of its numbers
/// is shown (with the `phonenumber` crate's database, the frame that first
/// showed the sandbox's twelve numbers took 161 ms).
struct Background {
    queue: mpsc::Sender<String>,
    state: Mutex<Formatted>,
}

/// How many formatted numbers are kept before the store starts again (a
/// few MiB): a long session of changing call lists must not grow without
/// end.
const MAX_KEPT: usize = 20_000;

#[derive(Default)]
struct Formatted {
    /// The numbers formatted so far, up to [`MAX_KEPT`].
    shown: HashMap<String, String>,
    queued: HashSet<String>,
}

static BACKGROUND: OnceLock<Background> = OnceLock::new();

/// From now on [`format_number`] never waits: numbers are formatted on a
/// thread of their own, and `when_ready` is called (on that thread) each
/// time it has caught up with what was asked. For the live terminal;
/// tests and commands, which never call this, format in place. A second
/// call changes nothing.
pub fn format_in_background(when_ready: impl Fn() + Send + 'static) {
    let (queue, asked) = mpsc::channel::<String>();
    let background = Background {
        queue,
        state: Mutex::new(Formatted::default()),
    };
    if BACKGROUND.set(background).is_err() {
        return;
    }
    let started = std::thread::Builder::new()
        .name("phone numbers".to_owned())
        .spawn(move || {
            while let Ok(number) = asked.recv() {
                let mut done = vec![number];
                done.extend(asked.try_iter());
                let shown: Vec<(String, String)> = done
                    .into_iter()
                    .map(|number| {
                        let shown = format_now(&number);
                        (number, shown)
                    })
                    .collect();
                if let Some(background) = BACKGROUND.get() {
                    let mut state = background
                        .state
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    if state.shown.len() > MAX_KEPT {
                        // Rows keep their own; what is dropped is formatted again.
                        state.shown.clear();
                    }
                    for (number, shown) in shown {
                        state.queued.remove(&number);
                        state.shown.insert(number, shown);
                    }
                }
                when_ready();
            }
        });
    if let Err(e) = started {
        // Numbers stay ungrouped; nothing else is lost.
        tracing::warn!(error = %e, "no thread to format phone numbers on");
    }
}

/// [`format_number`], paying whatever the number's metadata costs now.
fn format_now(number: &str) -> String {
    let trimmed = number.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return visible(number).into_owned();
    }
    let international = format!("+{digits}");
    if digits.starts_with('0') {
        // No calling code starts with 0 (`01…` is not `+1`).
        return international;
    }
    let Some(code) = metadata::calling_code(digits) else {
        return international;
    };
    let national = &digits[code.to_string().len()..];
    metadata::plan(code)
        .and_then(|plan| plan.format(code, national))
        .unwrap_or(international)
}

/// A number as [`format_number`] shows it before it is formatted.
fn ungrouped(number: &str) -> String {
    let trimmed = number.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return visible(number).into_owned();
    }
    format!("+{digits}")
}

/// A calling number as a review names it: `+1 212-555-0143 (New York
/// sales)`, or the number alone when it has no label. The label is made
/// [`visible`]: it comes from the server or the phone book.
pub fn describe(phone: &crate::api::Phone) -> String {
    let number = format_number(&phone.phone_number);
    let label = phone.label.trim();
    if label.is_empty() {
        number
    } else {
        format!("{number} ({})", visible(label))
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_read_as_their_country_writes_them() {
        for (digits, shown) in [
            ("353851234567", "+353 85 123 4567"),
            ("447911123456", "+44 7911 123456"),
            ("442079460958", "+44 20 7946 0958"),
            ("12125550143", "+1 212-555-0143"),
            ("+12015550123", "+1 201-555-0123"),
            ("919876543210", "+91 98765 43210"),
            ("4930901820", "+49 30 901820"),
        ] {
            assert_eq!(format_number(digits), shown, "{digits}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_shown_as_it_came() {
        assert_eq!(format_number("12345"), "+12345", "too short");
        assert_eq!(
            format_number("999123456789"),
            "+999123456789",
            "no such country"
        );
        assert_eq!(format_number(""), "");
        assert_eq!(format_number("call\u{1b}me"), "call⟨U+001B⟩me");
        // Grouping that would hide or add a digit is not done.
        assert_eq!(
            format_number("4402079460958"),
            "+4402079460958",
            "a trunk 0 kept"
        );
        assert_eq!(format_number("8100603272353"), "+8100603272353");
    }
}
