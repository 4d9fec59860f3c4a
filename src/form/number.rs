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

/// Reads `90`, `90s`, `15m`, `1h` (seconds when no unit is given).
pub fn parse_delay(input: &str) -> Result<u32, String> {
    let s = input.trim().to_ascii_lowercase();
    let bad =
        || "Enter the delay in seconds (90) or with a unit (90s, 15m, 1h), at most 24h".to_owned();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s.as_str(), "s"),
    };
    let factor = match unit.trim() {
        "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hr" | "hrs" => 3600,
        _ => return Err(bad()),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let secs = n.saturating_mul(factor);
    u32::try_from(secs)
        .ok()
        .filter(|&secs| secs <= MAX_DELAY_SECS)
        .ok_or_else(|| {
            format!(
                "{secs} s is longer than 24 h, the longest retry delay (our limit; Weya \
                 documents none)"
            )
        })
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
        for bad in ["", "25h", "1d", "m", "1.5h", "99999999999"] {
            assert!(parse_delay(bad).is_err(), "{bad}");
        }
        assert!(
            parse_delay("90000")
                .unwrap_err()
                .starts_with("90000 s is longer than 24 h")
        );
    }

    #[test]
    fn delay_in_words() {
        assert_eq!(describe_delay(900), "900 s = 15 min");
        assert_eq!(describe_delay(45), "45 s");
        assert_eq!(describe_delay(3690), "3690 s = 1 h 1 min 30 s");
    }
}
