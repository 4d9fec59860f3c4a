//! Retries and the retry delay. Weya documents no bounds; ours are in
//! `MAX_RETRIES` and `MAX_DELAY_SECS` and explained in the README.

/// More retries than this would redial a contact all day.
pub const MAX_RETRIES: u32 = 10;
/// A day: a longer delay means the retry lands in another calling window.
pub const MAX_DELAY_SECS: u32 = 24 * 60 * 60;

pub fn parse_retries(input: &str) -> Result<u32, String> {
    let s = input.trim();
    match s.parse::<u64>() {
        Ok(n) => u32::try_from(n)
            .ok()
            .filter(|&n| n <= MAX_RETRIES)
            .ok_or_else(|| {
                format!(
                    "{n} is more than {MAX_RETRIES}: retries go from 0 to {MAX_RETRIES} (our \
                 limit; Weya documents none)"
                )
            }),
        Err(_) => Err(format!(
            "Enter a whole number of retries from 0 to {MAX_RETRIES}"
        )),
    }
}

/// Reads `90` (seconds), `90s`, `15m`, `1h`, `1h30m`, `90 min`, `1d`, `1 h 30 min`.
/// What cannot be read and what is too long get different messages: the
/// first says how to write a delay, the second what the limit is.
pub fn parse_delay(input: &str) -> Result<u32, String> {
    let s = input.trim().to_lowercase();
    let secs = read_duration(&s).ok_or_else(|| {
        if s.is_empty() {
            "Enter the delay: seconds (90) or a duration such as 15m, 1h30m".to_owned()
        } else {
            format!(
                "\"{}\" is not a delay: write seconds (90) or a duration such as 90s, 15m, \
                 1h30m or 2 h",
                input.trim()
            )
        }
    })?;
    u32::try_from(secs)
        .ok()
        .filter(|&secs| secs <= MAX_DELAY_SECS)
        .ok_or_else(|| {
            let shown = if s.bytes().all(|b| b.is_ascii_digit()) {
                format!("{secs} s")
            } else {
                format!("{} = {secs} s", input.trim())
            };
            format!(
                "{shown} is longer than 24 h, the longest retry delay (our limit; Weya documents \
                 none)"
            )
        })
}

/// Seconds in `s`, a bare number or number-unit pairs ("1h30m", "90 min");
/// `None` when it is neither.
fn read_duration(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(s.parse().unwrap_or(u64::MAX));
    }
    let mut rest = s;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        // More digits than fit are a duration, just too long.
        let n: u64 = rest[..digits].parse().unwrap_or(u64::MAX);
        rest = rest[digits..].trim_start();
        let letters = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..letters] {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            _ => return None,
        };
        total = total.saturating_add(n.saturating_mul(factor));
        rest = rest[letters..].trim_start();
    }
    Some(total)
}

/// The shortest way to type `secs`: "1h", "15m", "90".
pub fn compact_delay(secs: u32) -> String {
    match secs {
        0 => "0".to_owned(),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => s.to_string(),
    }
}

/// "900 s = 15 min", "60 s = 1 min", "45 s".
pub fn describe_delay(secs: u32) -> String {
    if secs < 60 {
        return format!("{secs} s");
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 {
        parts.push(format!("{s} s"));
    }
    format!("{secs} s = {}", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_within_bounds() {
        assert_eq!(parse_retries("3"), Ok(3));
        assert_eq!(parse_retries("0"), Ok(0));
        assert_eq!(
            parse_retries("12"),
            Err(
                "12 is more than 10: retries go from 0 to 10 (our limit; Weya documents none)"
                    .into()
            )
        );
        assert!(parse_retries("-1").is_err());
        assert!(parse_retries("two").is_err());
    }

    #[test]
    fn delay_units() {
        assert_eq!(parse_delay("90"), Ok(90));
        assert_eq!(parse_delay("90s"), Ok(90));
        assert_eq!(parse_delay("15m"), Ok(900));
        assert_eq!(parse_delay("1h"), Ok(3600));
        assert_eq!(parse_delay("24h"), Ok(86400));
        for bad in ["", "25h", "m", "1.5h", "99999999999"] {
            assert!(parse_delay(bad).is_err(), "{bad}");
        }
        assert!(
            parse_delay("90000")
                .unwrap_err()
                .starts_with("90000 s is longer than 24 h")
        );
    }

    #[test]
    fn delays_read_the_way_people_write_them() {
        for (input, secs) in [
            ("1h30m", 5400),
            ("1h 30m", 5400),
            ("1 h 30 min", 5400),
            ("90 min", 5400),
            ("90 MIN", 5400),
            ("2 hours", 7200),
            ("1m30s", 90),
            // A day is the longest delay we take: 24 h, not more.
            ("1d", 86_400),
        ] {
            assert_eq!(parse_delay(input), Ok(secs), "{input}");
        }
    }

    #[test]
    fn not_understood_and_too_long_are_told_apart() {
        for input in ["2d", "25h", "1d1s", "99999999999", "1440m1s"] {
            let why = parse_delay(input).unwrap_err();
            assert!(
                why.contains("is longer than 24 h, the longest retry delay"),
                "{input}: {why}"
            );
        }
        assert_eq!(
            parse_delay("2d").unwrap_err(),
            "2d = 172800 s is longer than 24 h, the longest retry delay (our limit; Weya \
             documents none)"
        );
        for input in ["1.5h", "ten", "1w", "m", "h1", "1h-30m", "⏱1h"] {
            let why = parse_delay(input).unwrap_err();
            assert!(
                why.starts_with(&format!("\"{input}\" is not a delay")),
                "{input}: {why}"
            );
        }
    }

    #[test]
    fn delay_in_words() {
        assert_eq!(describe_delay(900), "900 s = 15 min");
        assert_eq!(describe_delay(45), "45 s");
        assert_eq!(describe_delay(3690), "3690 s = 1 h 1 min 30 s");
    }
}
