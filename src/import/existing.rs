//! The numbers a batch holds already, read from Weya's batch-details pages
//! before an import sends, so that rows whose number is in the batch are
//! left out (and counted) instead of being added a second time.
//!
//! Weya documents no way to ask "which of these numbers does the batch
//! hold"; the only way is to page through its calls. That costs one
//! request per [`PAGE_SIZE`] calls, so it is bounded: a batch of more than
//! [`MAX_CALLS`] calls is not read (the caller says the comparison was not
//! made, and why), and every page read is reported as progress.
//!
//! Only the numbers are kept, as E.164 digits in a `u64` each (what the
//! check keeps per row too): never the calls' other fields.

use std::collections::HashSet;

use crate::api::{ApiError, WeyaClient};

/// Calls asked for per page: the most the CLI's `batch calls --limit`
/// takes, and what the sandbox serves at most (Weya documents no limit).
pub const PAGE_SIZE: u32 = 100;

/// The most calls a batch may hold for its numbers to be read: 500 pages.
pub const MAX_CALLS: u64 = 50_000;

/// How far reading the batch's numbers has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagesRead {
    pub pages: u64,
    /// The pages there are, as the first page said.
    pub of: u64,
}

/// The numbers of a batch's calls when they were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchNumbers {
    numbers: HashSet<u64>,
    /// The batch's calls, as its first page counted them.
    calls: u64,
    /// Calls read: fewer than `calls` when the pages did not give them all
    /// (calls added or removed while paging, a server that ignores `page`).
    read: u64,
    /// Why the pages stopped before the whole batch, when the walk said
    /// (a page that repeats an earlier one, pages that end short).
    not_whole: Option<String>,
}

impl BatchNumbers {
    /// Numbers from a list (tests, and the caller that knows them).
    pub fn from_numbers(numbers: impl IntoIterator<Item = u64>) -> Self {
        let numbers: HashSet<u64> = numbers.into_iter().collect();
        let calls = numbers.len() as u64;
        Self {
            numbers,
            calls,
            read: calls,
            not_whole: None,
        }
    }

    /// Whether the batch holds `number` (E.164 digits).
    pub fn contains(&self, number: u64) -> bool {
        self.numbers.contains(&number)
    }

    /// The batch's calls when they were read.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// The distinct numbers among them.
    pub fn distinct(&self) -> usize {
        self.numbers.len()
    }

    /// Calls the pages gave: when fewer than [`calls`](Self::calls), rows
    /// whose number is among the others are not left out.
    pub fn read(&self) -> u64 {
        self.read
    }

    /// When the pages did not give the whole batch, the sentence that
    /// says so and what it means for the rows (the CLI's warning and the
    /// TUI check's line): `None` when every call was read.
    pub fn not_whole(&self) -> Option<String> {
        if self.read >= self.calls && self.not_whole.is_none() {
            return None;
        }
        let mut said = format!(
            "the batch's pages gave {} of its {} calls",
            crate::num::thousands(self.read),
            crate::num::thousands(self.calls)
        );
        if let Some(why) = &self.not_whole {
            said.push_str(&format!(" ({why})"));
        }
        said.push_str(": rows whose number is among the others are not left out");
        Some(said)
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The distinct numbers counted by the time zone they belong to (the
    /// contacts' local time, see [`crate::domain::local_time`]).
    pub fn zone_counts(&self) -> crate::domain::phone::zones::ZoneCounts {
        let mut counts = crate::domain::phone::zones::ZoneCounts::default();
        for &number in &self.numbers {
            counts.add(number);
        }
        counts
    }
}

/// Why the batch's numbers were not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExistingError {
    #[error(
        "the batch holds {} calls, more than weya-tui reads to compare ({}): rows already in \
         it are not left out",
        crate::num::thousands(*calls),
        crate::num::thousands(MAX_CALLS)
    )]
    TooMany { calls: u64 },
    #[error("the batch's calls could not be read ({0}): rows already in it are not left out")]
    Api(ApiError),
}

impl ExistingError {
    /// The API's refusal, if that is why (for the credential's advice).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::TooMany { .. } => None,
        }
    }
}

/// Reads every page of `batch_id`'s calls with the walk every other
/// reader uses ([`crate::campaign::walk_at_most`]: oldest first, pages too
/// large read again smaller, a page that repeats an earlier one or pages
/// that end short of the total stop it), telling `progress` after each
/// page. A walk that fails on a page is [`ExistingError::Api`]; a walk
/// that stops before the whole batch (a repeated page, missing pages, an
/// unreadable call) keeps the numbers read and says why in
/// [`BatchNumbers::not_whole`]. A batch of more than [`MAX_CALLS`] is
/// refused at its first page.
pub async fn read_batch_numbers(
    client: &WeyaClient,
    batch_id: &str,
    mut progress: impl FnMut(PagesRead),
) -> Result<BatchNumbers, ExistingError> {
    use crate::campaign::{WalkError, walk_at_most};
    let mut found = BatchNumbers::default();
    let mut pages_read = 0u64;
    let walked = walk_at_most(client, batch_id, MAX_CALLS, |details| {
        if pages_read == 0 {
            found.calls = details.total;
        }
        pages_read += 1;
        for call in &details.calls {
            found.read += 1;
            if let Some(number) = digits(&call.phone_number) {
                found.numbers.insert(number);
            }
        }
        // The server's own page size decides the count of pages (it may
        // serve fewer than asked for).
        let per_page = details.limit.max(details.calls.len() as u64).max(1);
        let of = details
            .total_pages
            .max(details.total.div_ceil(per_page))
            .max(pages_read);
        progress(PagesRead {
            pages: pages_read,
            of,
        });
        Ok(())
    })
    .await;
    match walked {
        Ok(walked) => {
            found.calls = walked.total_first;
            if walked.unreadable > 0 {
                found.not_whole = Some(format!(
                    "{} could not be read (larger than weya-tui reads)",
                    walked.unreadable_named()
                ));
            }
        }
        Err(WalkError::TooMany { total, .. }) => {
            return Err(ExistingError::TooMany { calls: total });
        }
        Err(WalkError::Api { error, .. }) => return Err(ExistingError::Api(error)),
        Err(e @ (WalkError::Repeated { .. } | WalkError::Incomplete { .. })) => {
            found.not_whole = Some(e.to_string());
        }
        Err(e @ WalkError::Sink(_)) => found.not_whole = Some(e.to_string()),
    }
    Ok(found)
}

/// A call's `phoneNumber` as E.164 digits: `12125551234` or
/// `+1 212 555 1234` alike; `None` for anything that is no such number.
pub(crate) fn digits(phone: &str) -> Option<u64> {
    let phone = phone.trim();
    let phone = phone.strip_prefix('+').unwrap_or(phone);
    let mut value = 0u64;
    let mut count = 0;
    for b in phone.bytes() {
        match b {
            b'0'..=b'9' => {
                if count == 0 && b == b'0' {
                    return None;
                }
                value = value * 10 + u64::from(b - b'0');
                count += 1;
                if count > 15 {
                    return None;
                }
            }
            b' ' | b'-' | b'.' | b'(' | b')' => {}
            _ => return None,
        }
    }
    (count > 0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_the_check_keeps_them() {
        assert_eq!(digits("12125551234"), Some(12_125_551_234));
        assert_eq!(digits("+1 212-555-1234"), Some(12_125_551_234));
        assert_eq!(digits("0212"), None);
        assert_eq!(digits("1234567890123456"), None);
        assert_eq!(digits("abc"), None);
        assert_eq!(digits(""), None);
    }
}
