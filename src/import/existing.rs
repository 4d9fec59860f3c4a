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

use crate::api::{ApiError, CallQuery, SortOrder, WeyaClient};

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

/// Reads every page of `batch_id`'s calls, oldest first (so calls added
/// meanwhile come at the end, not in the middle), telling `progress` after
/// each page. Stops at the first page that fails; refuses a batch of more
/// than [`MAX_CALLS`] before reading past its first page.
pub async fn read_batch_numbers(
    client: &WeyaClient,
    batch_id: &str,
    mut progress: impl FnMut(PagesRead),
) -> Result<BatchNumbers, ExistingError> {
    let mut found = BatchNumbers::default();
    let mut page = 1u32;
    let mut pages = 1u64;
    loop {
        let query = CallQuery {
            page,
            limit: PAGE_SIZE,
            sort_order: SortOrder::Asc,
            ..CallQuery::default()
        };
        let details = client
            .batch_details(batch_id, &query)
            .await
            .map_err(ExistingError::Api)?;
        if page == 1 {
            found.calls = details.total;
            if details.total > MAX_CALLS {
                return Err(ExistingError::TooMany {
                    calls: details.total,
                });
            }
            // The server's own page size decides the count of pages (it
            // may serve fewer than asked for).
            let per_page = u64::try_from(details.calls.len())
                .unwrap_or(u64::MAX)
                .max(1);
            pages = details
                .total_pages
                .max(details.total.div_ceil(per_page))
                .max(1);
        }
        let empty = details.calls.is_empty();
        for call in &details.calls {
            found.read += 1;
            if let Some(number) = digits(&call.phone_number) {
                found.numbers.insert(number);
            }
        }
        progress(PagesRead {
            pages: u64::from(page),
            of: pages,
        });
        // Bounded however the server counts: never more pages than the
        // first one announced, and never past MAX_CALLS / PAGE_SIZE + 1.
        let max_pages = MAX_CALLS.div_ceil(u64::from(PAGE_SIZE)) + 1;
        if empty || u64::from(page) >= pages || u64::from(page) >= max_pages {
            break;
        }
        page += 1;
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
