//! A running campaign apart from any screen: what the CLI and the TUI
//! both say of a batch as it runs: how it progresses ([`progress`]), and
//! what its calls add up to: every
//! call of a batch read page by page ([`walk`]), folded into its
//! [`outcomes::Outcomes`] or written out row by row
//! ([`export`]). Nothing here draws or prints: the front-ends present.
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
}

impl Walked {
    /// Whether the batch's number of calls changed under the walk, or the
    /// pages held another number of calls than their `total` says: then
    /// the rows are what each page said when it was read, and the caller
    /// says so.
    pub fn moved(&self) -> bool {
        self.total_first != self.total_last || self.calls != self.total_last
    }
}

/// How a walk ended early.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
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
            Self::Sink(_) => None,
        }
    }
}

/// Reads every call of batch `batch_id`, a page at a time, handing each
/// page to `on_page` as it comes (nothing is kept between pages). Ends
/// after the last page (`totalPages`, as the newest page says it) or at
/// the first empty one.
pub async fn walk(
    client: &WeyaClient,
    batch_id: &str,
    mut on_page: impl FnMut(&BatchDetails) -> std::io::Result<()>,
) -> Result<Walked, WalkError> {
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
    loop {
        let details = client
            .batch_details(batch_id, &query)
            .await
            .map_err(|error| WalkError::Api {
                page: query.page,
                read: walked.calls,
                error,
            })?;
        walked.pages = query.page;
        if query.page == 1 {
            walked.total_first = details.total;
            walked.batch_name.clone_from(&details.batch_name);
        }
        walked.total_last = details.total;
        walked.batch_status.clone_from(&details.batch_status);
        if details.calls.is_empty() {
            break;
        }
        walked.calls += details.calls.len() as u64;
        on_page(&details)?;
        if u64::from(query.page) >= details.total_pages {
            break;
        }
        query.page += 1;
    }
    Ok(walked)
}
