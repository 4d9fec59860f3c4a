//! Times of day for the calling window.

/// A time of day, minutes since midnight (0..1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self(hour * 60 + minute))
    }

    /// A time written in the code (checked when it is compiled, in a
    /// `const`).
    pub const fn fixed(hour: u16, minute: u16) -> Self {
        assert!(hour < 24 && minute < 60, "not a time of day");
        Self(hour * 60 + minute)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// `HH:MM`, as Weya takes it.
    pub fn to_hh_mm(self) -> String {
        format!("{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Reads `9`, `09`, `9:00`, `09:00`, `930`, `0900` (24-hour).
pub fn parse_time(input: &str) -> Result<TimeOfDay, String> {
    let s = input.trim();
    let bad = || format!("\"{s}\" is not a time: write 24-hour HH:MM, e.g. 09:00 or 17:30");
    if s.is_empty() {
        return Err("Enter a time, e.g. 09:00".into());
    }
    // Only ASCII digits and a colon make a time; checking first also keeps
    // the byte slicing below on character boundaries.
    if !s.is_ascii() {
        return Err(bad());
    }
    let (h, m) = match s.split_once(':') {
        Some((h, m)) if !h.is_empty() && h.len() <= 2 && m.len() == 2 => (h, m),
        Some(_) => return Err(bad()),
        None => match s.len() {
            1 | 2 => (s, "00"),
            3 => s.split_at(1),
            4 => s.split_at(2),
            _ => return Err(bad()),
        },
    };
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    TimeOfDay::new(h, m).ok_or_else(bad)
}

/// "8 h", "7 h 30 min", "45 min".
pub fn describe_minutes(total: u16) -> String {
    match (total / 60, total % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_common_spellings() {
        for (input, want) in [
            ("9", "09:00"),
            ("09", "09:00"),
            ("9:00", "09:00"),
            ("09:00", "09:00"),
            ("930", "09:30"),
            ("0900", "09:00"),
            (" 17:30 ", "17:30"),
            ("23:59", "23:59"),
            ("0", "00:00"),
        ] {
            assert_eq!(
                parse_time(input).map(TimeOfDay::to_hh_mm),
                Ok(want.into()),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for input in [
            "", "24", "24:00", "9:5", "12:60", "noon", "9am", "12345", ":30", "-1",
            // Found by the property test: a byte split inside a character.
            "👍", "9👍", "é:00",
        ] {
            assert!(parse_time(input).is_err(), "{input}");
        }
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(describe_minutes(480), "8 h");
        assert_eq!(describe_minutes(450), "7 h 30 min");
        assert_eq!(describe_minutes(45), "45 min");
    }
}
