//! `weya-tui batches`: one page of the batch list.

use std::io;

use super::output::{CredentialUsed, Io, cell, counted, listing, past_the_last_page, visible};
use crate::api::{BatchQuery, WeyaClient};

/// `batches`: one page of the batch list, newest first.
pub async fn batches(
    client: &WeyaClient,
    query: &BatchQuery,
    credential: &CredentialUsed,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let result = client.list_batches(query).await;
    if let Ok(page) = &result {
        let p = &page.pagination;
        let things = counted(p.total, "batch", "batches");
        let empty = page.batches.is_empty();
        if let Some(code) = past_the_last_page(io, query.page, empty, p.total_pages, &things)? {
            return Ok(code);
        }
    }
    listing(result, credential, io, |page, out| {
        if page.batches.is_empty() {
            return writeln!(out, "No batches.");
        }
        writeln!(
            out,
            "{:<24}  {:<30}  {:<10}  {:>7}  {:>9}  {:>5}  CREATED",
            "BATCH ID", "NAME", "STATUS", "PICKED", "COMPLETED", "TOTAL"
        )?;
        for b in &page.batches {
            writeln!(
                out,
                "{:<24}  {:<30}  {:<10}  {:>7}  {:>9}  {:>5}  {}",
                visible(&b.id),
                cell(&b.batch_name, 30),
                visible(&b.queue_status),
                b.calls_picked,
                b.calls_completed,
                b.total_calls,
                visible(&b.created_at)
            )?;
        }
        let p = &page.pagination;
        writeln!(
            out,
            "page {} of {} ({})",
            p.page,
            p.total_pages.max(1),
            counted(p.total, "batch", "batches")
        )
    })
}
