//! Phone numbers as people read them: the international format of
//! libphonenumber's data (the `phonenumber` crate), `+353 85 123 4567`,
//! wherever a number is shown (the TUI's tables and details, the form's
//! list, the review, the commands' tables).

use phonenumber::Mode;

use crate::text::visible;

/// `number` (Weya's digits with the country code, a leading `+` allowed)
/// in international format: `+1 212-555-0143`, `+44 20 7946 0958`. A
/// number libphonenumber cannot read or knows to be invalid comes back as
/// its digits after a `+`, ungrouped rather than grouped wrongly; anything
/// that is not digits, as it was, made [`visible`].
pub fn format_number(number: &str) -> String {
    let trimmed = number.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return visible(number).into_owned();
    }
    let international = format!("+{digits}");
    match phonenumber::parse(None, &international) {
        Ok(parsed) if parsed.is_valid() => parsed.format().mode(Mode::International).to_string(),
        _ => international,
    }
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
    }
}
