//! Number conversions that cannot wrap: a count too large for the narrower
//! type becomes its maximum (a screen is never 65,536 rows high; a slice is
//! never longer than `usize`), never a small wrong number. And how a count
//! reads to a person, the same on every screen and in every command.

/// `n` as a `u16`, at most `u16::MAX`: for rows and columns on screen.
pub fn u16_sat(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `n` as a `usize`, at most `usize::MAX` (only a 16- or 32-bit target
/// could cut it).
pub fn usize_sat(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `n` as a `u8`, at most `u8::MAX`: for weekday numbers (0 to 6).
pub fn u8_sat(n: u32) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// `x` rounded to the nearest whole number, as a `u64`: negative numbers
/// and NaN give 0, numbers past `u64::MAX` give `u64::MAX`.
pub fn round_u64(x: f64) -> u64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "float-to-integer `as` saturates (and maps NaN to 0), which is what this promises"
    )]
    let n = x.round() as u64;
    n
}

/// 1234567 → "1,234,567": every count a person reads (not `--json`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count the server may have left out: [`thousands`], or "?" when it
/// is unknown (never 0, which would be a claim).
pub fn thousands_or_unknown(n: Option<u64>) -> String {
    n.map_or_else(|| "?".to_owned(), thousands)
}

/// `n` and its noun, in the singular for one: "1 contact", "2,000
/// contacts". `noun` is the singular; the plural adds an s (see
/// [`counted_as`] for any other).
pub fn counted(n: u64, noun: &str) -> String {
    counted_as(n, noun, &format!("{noun}s"))
}

/// `n` and `one` or `many`: "1 batch", "3 batches".
pub fn counted_as(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_said_in_the_singular() {
        assert_eq!(counted(1, "contact"), "1 contact");
        assert_eq!(counted(0, "contact"), "0 contacts");
        assert_eq!(counted(2_000, "request"), "2,000 requests");
        assert_eq!(counted_as(1, "batch", "batches"), "1 batch");
        assert_eq!(counted_as(3, "batch", "batches"), "3 batches");
    }

    #[test]
    fn conversions_saturate_instead_of_wrapping() {
        assert_eq!(u16_sat(70_000), u16::MAX);
        assert_eq!(u16_sat(12), 12);
        assert_eq!(usize_sat(7), 7);
        assert_eq!(round_u64(2.5), 3);
        assert_eq!(round_u64(-4.0), 0);
        assert_eq!(round_u64(f64::NAN), 0);
        assert_eq!(round_u64(1e30), u64::MAX);
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
