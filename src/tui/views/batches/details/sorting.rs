//! The calls table's side of the sort ([`super::super::sorted`] holds
//! what it keeps and how a page is made): kept apart from `details.rs`,
//! which only calls in.

use std::cell::OnceCell;

use chrono::{DateTime, Utc};

use super::{BatchDetailsView, Mode};
use crate::api::{BatchDetails, CallQuery, SortOrder};
use crate::campaign::sorted::SortKey;
use crate::tui::msg::{Cmd, Msg, Reply};
use crate::tui::views::batches::Notice;
use crate::tui::views::batches::live::search_param;
use crate::tui::views::batches::msg::DetailsMsg;

impl BatchDetailsView {
    /// A count ended while the table is sorted by the walk: its page is
    /// made again from the new rows; a count without rows (asked before
    /// the sort was chosen) is followed by one that keeps them; a batch
    /// past the cap goes back to Weya's order, saying why.
    pub(super) fn sorted_counted(&mut self, now: DateTime<Utc>) -> Vec<Cmd> {
        use crate::tui::views::batches::sorted::Arranged;
        let Some(server) = self.details.clone() else {
            return Vec::new();
        };
        let search = search_param(self.search.text());
        match crate::tui::views::batches::sorted::arrange(
            self.outcomes.counted.as_deref(),
            &self.sorting.column,
            &self.query,
            search.as_deref(),
            &server,
        ) {
            Arranged::Page(page) => {
                self.show_page(page);
                Vec::new()
            }
            Arranged::NotRead => self.count_outcomes(now, true).into_iter().collect(),
            Arranged::TooMany(over) => {
                self.notice = Some(Notice::info(format!(
                    "Not sorted by {}: the batch holds {} calls, more than are sorted here ({}); \
                     the calls are in Weya's order.",
                    self.sorting.column.name(),
                    crate::num::thousands(over),
                    crate::num::thousands(crate::campaign::sorted::MAX_SORTED_CALLS as u64)
                )));
                self.sorting.column = SortKey::default();
                if self.query.filter.as_deref() == Some(crate::campaign::outcomes::NOT_CALLED) {
                    self.query.filter = None;
                }
                self.restart()
            }
        }
    }

    /// The sorted page in place of the one on screen, the highlighted
    /// call kept when it is still on it.
    pub(super) fn show_page(&mut self, page: BatchDetails) {
        let id = self.selected().map(|c| c.id.clone());
        let count = page.calls.len();
        self.numbers_shown = std::iter::repeat_with(OnceCell::new).take(count).collect();
        self.details = Some(page);
        if let Some(i) = id.and_then(|id| self.calls().iter().position(|c| c.id == id)) {
            self.selected = i;
        }
        self.selected = self.selected.min(count.saturating_sub(1));
    }

    /// While the table is sorted by the walk, the page Weya answered
    /// (which keeps the header live) gives way to the page of the sorted
    /// rows, when they are read.
    pub(super) fn arrange_sorted(&mut self) {
        if !self.sorting.by_walk(&self.query) {
            return;
        }
        let Some(server) = &self.details else {
            return;
        };
        let search = search_param(self.search.text());
        if let crate::tui::views::batches::sorted::Arranged::Page(page) =
            crate::tui::views::batches::sorted::arrange(
                self.outcomes.counted.as_deref(),
                &self.sorting.column,
                &self.query,
                search.as_deref(),
                server,
            )
        {
            self.details = Some(page);
        }
    }

    /// A call opened from the table sorted by the walk: its row left out
    /// its transcripts and recordings, so the page it was read on is
    /// asked again (the same request as the walk's).
    pub(super) fn read_in_full(&mut self, id: &str) -> Option<Cmd> {
        if !self.sorting.by_walk(&self.query) {
            return None;
        }
        let rows = self.outcomes.counted.as_ref()?.rows.as_deref()?;
        let at = rows.read_at(id)?;
        let limit = crate::campaign::WALK_PAGE;
        self.notice = Some(Notice::info(
            "Reading the call in full (its transcript and recording)…",
        ));
        Some(Cmd::FetchCallPage {
            batch_id: self.id.clone(),
            query: CallQuery {
                page: at / limit + 1,
                limit,
                filter: None,
                sort_order: SortOrder::Asc,
                search: None,
            },
            reply: Reply::new("batch.call", |(batch_id, result)| Msg::BatchDetails {
                batch_id,
                msg: DetailsMsg::CallRead(result),
            }),
        })
    }

    /// The call open, when it came from the sorted table and is not read
    /// in full yet (`n`/`p` in a call's view, a page turned under it).
    pub(super) fn open_in_full(&mut self) -> Option<Cmd> {
        let Mode::Call { id, .. } = &self.mode else {
            return None;
        };
        if self.sorting.full_call.as_ref().is_some_and(|c| &c.id == id) {
            return None;
        }
        let id = id.clone();
        self.read_in_full(&id)
    }

    /// The page asked for by [`Self::read_in_full`]: the open call from
    /// it, in full, or why not.
    pub(super) fn call_read(&mut self, result: Result<BatchDetails, crate::api::ApiError>) {
        let Mode::Call { id, .. } = &self.mode else {
            return;
        };
        let found = match result {
            Ok(page) => page.calls.into_iter().find(|c| &c.id == id),
            Err(e) => {
                self.notice = Some(Notice::failed(format!(
                    "The call could not be read in full: {} (its attempts are as read)",
                    crate::tui::views::batches::error_text(&e)
                )));
                return;
            }
        };
        let Some(full) = found else {
            self.notice = Some(Notice::info(
                "The call is no longer where it was read (the batch changed): its transcript \
                 and recording are not shown; r reads the batch again.",
            ));
            return;
        };
        self.sorting.full_call = Some(Box::new(full));
        self.notice = None;
    }

    /// The column sorted by and the walk reading the rows.
    pub fn sorting(&self) -> &crate::tui::views::batches::sorted::Sorting {
        &self.sorting
    }
}
