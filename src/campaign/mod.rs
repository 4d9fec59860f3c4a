//! A running campaign apart from any screen: what the CLI and the TUI
//! both say of a batch as it runs: how it progresses ([`progress`]), and
//! what its calls add up to: every
//! call of a batch read page by page ([`walk`]), folded into its
//! [`outcomes::Outcomes`] or written out row by row
//! ([`export`]), or kept and sorted by any column ([`sorted`]). Nothing here draws or prints: the front-ends present.
//!
//! # Why every page
//!
//! Weya's batch-details takes a status filter and answers a `total`, so
//! counts by status could come from one request a status; but attempts
//! and talk time are in the calls' `phoneLogs` only, and which statuses
//! exist is not documented (only `completed` is). So the one honest way
//! to the whole batch is to read all of its calls: once, [`WALK_PAGE`] at
//! a time (the most a page holds in the sandbox; Weya documents no
//! limit), oldest first (`sortOrder=asc`: a call added meanwhile lands on
//! a later page instead of pushing the pages read so far one row down),
//! streaming, so memory does not grow with the batch.

pub mod export;
pub mod outcomes;
pub mod progress;
pub mod sorted;
pub mod status;

use crate::api::{ApiError, BatchDetails, CallQuery, SortOrder, WeyaClient};

/// Calls asked for a page when every page is read: the sandbox's most
/// (it answers at most 100, whatever is asked).
pub const WALK_PAGE: u32 = 100;

/// What a whole walk saw of the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walked {
    pub batch_id: String,
    pub batch_name: String,
    /// As the last page said it.
    pub batch_status: String,
    /// The calls read.
    pub calls: u64,
    /// The pages asked for.
    pub pages: u32,
    /// `total` as the first page said it, and as the last did: different
    /// when calls were added (or removed) while the walk went on.
    pub total_first: u64,
    pub total_last: u64,
    /// Calls skipped because even a page of that one call was larger than
    /// the client reads (a transcript over 1 MiB): not in `calls`, and
    /// said by whoever shows the walk.
    pub unreadable: u64,
    /// The positions (1-based, oldest first) of the first
    /// [`UNREADABLE_NAMED`] of them.
    pub unreadable_at: Vec<u64>,
}

/// How many skipped calls a walk names by position.
pub const UNREADABLE_NAMED: usize = 10;

/// Unreadable calls in a row after which a walk gives up (the server
/// answers every call too large, or lies).
const UNREADABLE_IN_A_ROW: u32 = 20;

impl Walked {
    /// Whether the batch's number of calls changed under the walk, or the
    /// pages held another number of calls than their `total` says: then
    /// the rows are what each page said when it was read, and the caller
    /// says so.
    pub fn moved(&self) -> bool {
        self.total_first != self.total_last || self.calls + self.unreadable != self.total_last
    }

    /// "call 57" or "calls 57, 90 and 3 more": the skipped calls named by
    /// position, for the sentence that says them.
    pub fn unreadable_named(&self) -> String {
        let at: Vec<String> = self.unreadable_at.iter().map(u64::to_string).collect();
        let more = self.unreadable.saturating_sub(at.len() as u64);
        let mut named = format!(
            "{} {}",
            if self.unreadable == 1 {
                "call"
            } else {
                "calls"
            },
            at.join(", ")
        );
        if more > 0 {
            named.push_str(&format!(" and {more} more"));
        }
        named
    }
}

/// The most calls a walk reads: a batch that says it holds more is not
/// walked (a total of 10^12 would be read until the disk or the patience
/// ran out).
pub const MAX_WALK_CALLS: u64 = 5_000_000;

/// The page sizes a walk falls back to when a page is larger than the
/// client reads ([`crate::api::client::MAX_BODY_BYTES`]: long
/// transcripts): each divides the one before, so the calls read so far
/// are always a whole number of the smaller pages.
const FALLBACK_PAGES: [u32; 5] = [WALK_PAGE, 50, 25, 5, 1];

/// How a walk ended early.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The batch says it holds more calls than a walk reads.
    #[error(
        "the batch says it holds {total} calls, more than weya-tui reads ({max}); \
         nothing was counted"
    )]
    TooMany { total: u64, max: u64 },
    /// Weya answered a page with calls an earlier page held (it ignored
    /// the page asked for): counting on would count calls twice.
    #[error(
        "page {page} repeats the calls of an earlier page (Weya did not page the calls); \
         the count stopped after {read} calls rather than count calls twice"
    )]
    Repeated { page: u32, read: u64 },
    /// The pages ended (an empty or short page) before the `total` they
    /// said, while that total did not change: calls were left unread, so
    /// what was read is not the batch.
    #[error(
        "the pages ended after {read} of the {total} calls the batch says it holds (at page \
         {page}, while the total did not change): {missing} calls were not read, \
         so the calls read are not the whole batch"
    )]
    Incomplete {
        page: u32,
        read: u64,
        total: u64,
        missing: u64,
    },
    /// Weya failed on page `page`; the calls of the pages before it were
    /// handed over.
    #[error("page {page} of the calls failed after {read} calls were read: {error}")]
    Api {
        page: u32,
        read: u64,
        #[source]
        error: ApiError,
    },
    /// What the pages were handed to failed (a full disk, a closed file).
    #[error("{0}")]
    Sink(#[from] std::io::Error),
}

impl WalkError {
    /// The API's error, when it was the API's.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api { error, .. } => Some(error),
            Self::Sink(_)
            | Self::TooMany { .. }
            | Self::Repeated { .. }
            | Self::Incomplete { .. } => None,
        }
    }
}

/// Reads every call of batch `batch_id`, a page at a time, handing each
/// page to `on_page` as it comes (nothing is kept between pages). Ends at
/// the first empty or short page, once the calls read reach the `total`
/// the newest page says, or after its `totalPages`, whichever comes
/// first: a server that lies about its pages cannot keep it going. Pages
/// that end before the unchanged `total` are [`WalkError::Incomplete`]. A
/// batch claiming more than [`MAX_WALK_CALLS`] is not walked, and a page
/// that repeats an earlier one stops it ([`WalkError::Repeated`]). A page
/// too large to read is asked again in smaller pages (100, 50, 25, 5, 1
/// calls); a call too large to read alone is skipped and counted in
/// [`Walked::unreadable`] (20 in a row end the walk with the error).
pub async fn walk(
    client: &WeyaClient,
    batch_id: &str,
    on_page: impl FnMut(&BatchDetails) -> std::io::Result<()>,
) -> Result<Walked, WalkError> {
    walk_at_most(client, batch_id, MAX_WALK_CALLS, on_page).await
}

/// [`walk`] of a batch whose first page says it holds at most `max`
/// calls (and at most [`MAX_WALK_CALLS`]): a larger one is
/// [`WalkError::TooMany`] after that first page, nothing more read.
pub async fn walk_at_most(
    client: &WeyaClient,
    batch_id: &str,
    max: u64,
    mut on_page: impl FnMut(&BatchDetails) -> std::io::Result<()>,
) -> Result<Walked, WalkError> {
    let max = max.min(MAX_WALK_CALLS);
    let mut walked = Walked {
        batch_id: batch_id.to_owned(),
        ..Walked::default()
    };
    let mut query = CallQuery {
        page: 1,
        limit: WALK_PAGE,
        filter: None,
        sort_order: SortOrder::Asc,
        search: None,
    };
    let mut sizes = FALLBACK_PAGES.iter().copied().skip(1);
    // The first call of every page read: a page that starts with one of
    // them is a page read before.
    let mut firsts = std::collections::HashSet::new();
    let mut asked = 0u32;
    let mut read_any = false;
    let mut unreadable_in_a_row = 0u32;
    loop {
        let details = match client.batch_details(batch_id, &query).await {
            Ok(details) => details,
            // One call larger than is read: skipped, counted and named by
            // its position (a page of 1 is the call at that position).
            Err(ApiError::TooLarge { .. })
                if query.limit == 1 && unreadable_in_a_row < UNREADABLE_IN_A_ROW =>
            {
                unreadable_in_a_row += 1;
                asked += 1;
                walked.pages = asked;
                walked.unreadable += 1;
                if walked.unreadable_at.len() < UNREADABLE_NAMED {
                    walked.unreadable_at.push(u64::from(query.page));
                }
                if read_any && u64::from(query.page) >= walked.total_last {
                    break;
                }
                query.page += 1;
                continue;
            }
            Err(ApiError::TooLarge { .. }) if query.limit > 1 => {
                // The same calls again, in smaller pages.
                let smaller = sizes.next().unwrap_or(1);
                let offset = u64::from(query.page - 1) * u64::from(query.limit);
                query.limit = smaller;
                query.page = u32::try_from(offset / u64::from(smaller) + 1).unwrap_or(u32::MAX);
                continue;
            }
            Err(error) => {
                return Err(WalkError::Api {
                    page: query.page,
                    read: walked.calls,
                    error,
                });
            }
        };
        asked += 1;
        walked.pages = asked;
        unreadable_in_a_row = 0;
        if !std::mem::replace(&mut read_any, true) {
            if details.total > max {
                return Err(WalkError::TooMany {
                    total: details.total,
                    max,
                });
            }
            walked.total_first = details.total;
            walked.batch_name.clone_from(&details.batch_name);
        }
        walked.total_last = details.total;
        walked.batch_status.clone_from(&details.batch_status);
        let Some(first) = details.calls.first() else {
            break;
        };
        if !first.id.is_empty() && !firsts.insert(first.id.clone()) {
            return Err(WalkError::Repeated {
                page: query.page,
                read: walked.calls,
            });
        }
        walked.calls += details.calls.len() as u64;
        on_page(&details)?;
        let short = details.calls.len() < query.limit as usize;
        if short
            || walked.calls + walked.unreadable >= details.total.max(walked.total_first)
            || u64::from(query.page) >= details.total_pages
            || walked.calls >= MAX_WALK_CALLS
        {
            break;
        }
        query.page += 1;
    }
    incomplete(&walked, query.page)?;
    Ok(walked)
}

/// A walk whose pages ended (page `page` empty, short or the last
/// `totalPages` allows) with fewer calls
/// read than the `total` every page said: calls were skipped, not removed
/// (a total that changed is a batch that moved, [`Walked::moved`]).
fn incomplete(walked: &Walked, page: u32) -> Result<(), WalkError> {
    let accounted = walked.calls + walked.unreadable;
    if walked.total_first == walked.total_last && accounted < walked.total_last {
        return Err(WalkError::Incomplete {
            page,
            read: walked.calls,
            total: walked.total_last,
            missing: walked.total_last - accounted,
        });
    }
    Ok(())
}
