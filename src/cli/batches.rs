//! `weya-tui batches`: one page of the batch list.

use std::io;

use super::output::{CredentialUsed, Io, cell, listing, visible};
use crate::api::{BatchQuery, WeyaClient};

/// `batches`: one page of the batch list, newest first.
pub async fn batches(
    client: &WeyaClient,
    query: &BatchQuery,
    credential: &CredentialUsed,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    listing(
        client.list_batches(query).await,
        credential,
        io,
        |page, out| {
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
                "page {} of {} ({} batches)",
                p.page,
                p.total_pages.max(1),
                p.total
            )
        },
    )
}
