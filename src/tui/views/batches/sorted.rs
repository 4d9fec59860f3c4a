//! The calls table sorted by any column, or filtered "not called yet",
//! over the whole batch: what a batch's view keeps of it and how a page
//! of it is made from the rows the outcomes count kept (the engine is
//! [`crate::campaign::sorted`]; the view asks the count to keep rows
//! while it sorts, so nothing reads the pages twice).
//!
//! Sorting by `createdAt` stays Weya's, a page at a time, as before. Any
//! other column, or the status "not called yet" (Weya's filter takes a
//! status, and those calls have none), switches the table to the rows of
//! the last count: the page on screen is made here, the search is applied
//! to the rows here (the number and the contact's fields), and the line
//! under the table says over what and as read when.

use chrono::{DateTime, Utc};

use crate::api::{BatchDetails, CallQuery, SortOrder};
use crate::campaign::outcomes::{Counted, NOT_CALLED};
use crate::campaign::sorted::{Arrangement, MAX_SORTED_CALLS, SortKey};

/// What the view keeps of the sort (and, per batch, in `CallsKept`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sorting {
    /// A column or a contact field.
    pub column: SortKey,
    /// The count under way has read this many of so many pages.
    pub reading: Option<(u32, u64)>,
    /// The call opened from the sorted table, read again in full.
    pub full_call: Option<Box<crate::api::Call>>,
}

impl Sorting {
    /// Whether the table is made from the walked rows: a column Weya does
    /// not sort by, or the calls not called yet.
    pub fn by_walk(&self, query: &CallQuery) -> bool {
        !self.column.by_server() || query.filter.as_deref() == Some(NOT_CALLED)
    }
}

/// What the rows of the last count give for this query.
pub enum Arranged {
    /// The page to show.
    Page(BatchDetails),
    /// No rows yet (the count under way keeps them).
    NotRead,
    /// More calls than are sorted: how many.
    TooMany(u64),
}

/// Page `query.page` of the batch's calls sorted by `column`, from the
/// rows of `counted`; `server` is the page Weya answered (its batch's
/// name and status are kept).
pub fn arrange(
    counted: Option<&Counted>,
    column: &SortKey,
    query: &CallQuery,
    search: Option<&str>,
    server: &BatchDetails,
) -> Arranged {
    let Some(rows) = counted.and_then(|c| c.rows.as_deref()) else {
        return Arranged::NotRead;
    };
    if let Some(over) = rows.over {
        return Arranged::TooMany(over);
    }
    let how = Arrangement {
        key: column.clone(),
        order: query.sort_order,
        status: query.filter.clone(),
        search: search.map(str::to_owned),
    };
    let arranged = rows.arrange(&how);
    let (calls, pages) = rows.page(&arranged, query.page, query.limit);
    Arranged::Page(BatchDetails {
        page: u64::from(query.page),
        limit: u64::from(query.limit),
        total: arranged.len() as u64,
        total_pages: pages,
        calls: calls.into_iter().cloned().collect(),
        ..BatchDetails {
            calls: Vec::new(),
            ..server.clone()
        }
    })
}

/// The query sent to Weya while the table is made from the rows: the
/// same page, less the status Weya cannot filter by.
pub fn sent(query: &CallQuery) -> CallQuery {
    let mut sent = query.clone();
    if sent.filter.as_deref() == Some(NOT_CALLED) {
        sent.filter = None;
    }
    sent
}

/// "by duration descending ↓ over all 2,345 calls as read 12:01 UTC (r
/// reads again)"; while the rows are read, "reading 12 of 24 pages to sort
/// by duration descending ↓ (shown: newest first)"; past the cap, why
/// not. `short`: the
/// same in fewer words, for a narrow line ("by duration ↓ · read 12:01 ·
/// r again"). `failed`: why the last read failed and when it is tried
/// again, when it did and none is under way. `at` formats the time of the
/// count, on the operator's clock and with its zone ("12:01 IST").
pub fn describe(
    sorting: &Sorting,
    order: SortOrder,
    counted: Option<&Counted>,
    failed: Option<&str>,
    short: bool,
    at: impl Fn(DateTime<Utc>) -> String,
) -> String {
    let weyas = match order {
        SortOrder::Desc => "newest first",
        SortOrder::Asc => "oldest first",
    };
    let what = if sorting.column.by_server() {
        // Not called yet, in Weya's order: still over every call read.
        weyas.to_owned()
    } else {
        // The order in words where there is room, its arrow where not.
        let words = crate::campaign::sorted::order_words(order);
        let how = if short {
            words.rsplit(' ').next().unwrap_or(words)
        } else {
            words
        };
        format!("by {} {how}", sorting.column.name())
    };
    let rows = counted.and_then(|c| c.rows.as_deref().map(|r| (c, r)));
    let thousands = crate::num::thousands;
    match (rows, sorting.reading) {
        (Some((_, rows)), _) if rows.over.is_some() => format!(
            "not sorted: {} calls, more than {} are sorted here",
            thousands(rows.over.unwrap_or(0)),
            thousands(MAX_SORTED_CALLS as u64)
        ),
        (Some((c, _)), reading) if short => {
            let again = match reading {
                Some((n, of)) => format!("reading {n}/{}", of.max(1)),
                None => "r again".to_owned(),
            };
            // The time alone, on the operator's clock (the zone only
            // where there is room).
            let read = at(c.at);
            let read = read.split_once(' ').map_or(read.as_str(), |(hm, _)| hm);
            format!("{what} · read {read} · {again}")
        }
        (Some((c, _)), reading) => {
            let again = match reading {
                Some((n, of)) => format!(" (reading again: {n} of {} pages)", of.max(1)),
                None => " (r reads again)".to_owned(),
            };
            format!(
                "{what} over all {} calls as read {}{again}",
                thousands(c.walked.calls),
                at(c.at)
            )
        }
        // The read for the sort failed (and no other is under way): said,
        // with when it is tried again, rather than "reading…" forever.
        (None, None) if failed.is_some() => {
            let why = failed.unwrap_or_default();
            if short {
                format!("not sorted: calls not read; {why}")
            } else {
                format!("not sorted {what}: the calls could not be read; {why} (shown: {weyas})")
            }
        }
        (None, reading) => {
            let pages = match reading {
                Some((n, of)) => format!("reading {n} of {} pages", thousands(of.max(1))),
                None => "reading every page".to_owned(),
            };
            // By Weya's column, the walk is for "not called yet".
            match (short, sorting.column.by_server()) {
                (true, true) => format!("{pages} to filter…"),
                (true, false) => format!("{pages} to sort…"),
                (false, true) => format!("{pages} to find the calls not called yet…"),
                (false, false) => format!("{pages} to sort {what}… (shown: {weyas})"),
            }
        }
    }
}
