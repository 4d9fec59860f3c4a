//! `weya-tui batches`: one page of the batch list.

use std::io::{self, Write};

use super::output::{
    CredentialUsed, Io, cell, counted, listing, past_the_last_page, thousands,
    thousands_or_unknown, visible,
};
use crate::api::{BatchPage, BatchQuery, BatchSummary, WeyaClient};

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
    let whole = !std::io::IsTerminal::is_terminal(&io::stdout());
    listing(result.map(page_json), credential, io, |value, out| {
        write_page(value, whole, out)
    })
}

/// A batch in `--json`, in the one vocabulary every command uses for a
/// batch (`batch view` and `batch watch` too; docs/cli.md "JSON"): Weya's
/// list says `_id` and `queue_status`, its batch details `batchId` and
/// `batchStatus`; these say `batchId` and `status` for both.
pub fn batch_json(b: &BatchSummary) -> serde_json::Value {
    serde_json::json!({
        "batchId": b.id,
        "batchName": b.batch_name,
        "status": b.queue_status,
        "totalCalls": b.total_calls,
        "callsPicked": b.calls_picked,
        "callsCompleted": b.calls_completed,
        "createdAt": b.created_at,
        "updatedAt": b.updated_at,
    })
}

/// The page as `--json` prints it, the table read from it too.
#[derive(serde::Serialize)]
struct PageJson {
    batches: Vec<serde_json::Value>,
    pagination: crate::api::types::Pagination,
    #[serde(skip)]
    page: BatchPage,
}

fn page_json(page: BatchPage) -> PageJson {
    PageJson {
        batches: page.batches.iter().map(batch_json).collect(),
        pagination: page.pagination.clone(),
        page,
    }
}

/// One page as a table: on a terminal, names cut to their column with an
/// ellipsis and padded by terminal columns, so a CJK name keeps the
/// columns after it in line; into a pipe or a file (`whole`), names whole
/// and the column as wide as the longest, so the columns still line up.
fn write_page(page: &PageJson, whole: bool, out: &mut dyn Write) -> io::Result<()> {
    let page = &page.page;
    if page.batches.is_empty() {
        return writeln!(out, "No batches.");
    }
    // The dates on the operator's clock, the zone named in the heading
    // (`--json` keeps Weya's UTC).
    let clock = crate::config::local_clock();
    let name_width = if whole {
        use unicode_width::UnicodeWidthStr as _;
        page.batches
            .iter()
            .map(|b| visible(or_unknown(&b.batch_name)).width())
            .fold(NAME_WIDTH, usize::max)
    } else {
        NAME_WIDTH
    };
    writeln!(
        out,
        "{:<24}  {:<name_width$}  {:<10}  {:>9}  {:>9}  {:>7}  CREATED ({})",
        "BATCH ID",
        "NAME",
        "STATUS",
        "PICKED UP",
        "COMPLETED",
        "TOTAL",
        clock.zone_name()
    )?;
    for b in &page.batches {
        writeln!(
            out,
            "{:<24}  {}  {:<10}  {:>9}  {:>9}  {:>7}  {}",
            visible(or_unknown(&b.id)),
            cell(or_unknown(&b.batch_name), name_width),
            visible(or_unknown(&b.queue_status)),
            thousands_or_unknown(b.calls_picked),
            thousands_or_unknown(b.calls_completed),
            thousands_or_unknown(b.total_calls),
            clock
                .minute_of(&b.created_at)
                .unwrap_or_else(|| visible(or_unknown(&b.created_at)).into_owned())
        )?;
    }
    let p = &page.pagination;
    writeln!(
        out,
        "page {} of {} ({})",
        thousands(p.page),
        thousands(p.total_pages.max(1)),
        counted(p.total, "batch", "batches")
    )
}

/// The name column's width at a terminal (longer names are cut with "…").
const NAME_WIDTH: usize = 30;

/// A field the list left out (or sent empty) is shown as unknown.
fn or_unknown(text: &str) -> &str {
    if text.trim().is_empty() { "?" } else { text }
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr as _;

    use super::*;
    use crate::api::BatchSummary;
    use crate::api::types::Pagination;

    fn batch(name: &str) -> BatchSummary {
        BatchSummary {
            id: "64e5f12345abcdef98765432".into(),
            batch_name: name.into(),
            queue_status: "active".into(),
            total_calls: Some(40),
            calls_picked: Some(3),
            calls_completed: Some(1),
            created_at: "2026-01-15T09:30:00.000Z".into(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn long_names_end_in_an_ellipsis_and_wide_ones_keep_the_columns_in_line() {
        let page = BatchPage {
            batches: vec![
                batch("Example: Appointment confirmations"),
                batch("東京の営業チーム"),
                batch("東京の営業チームの予約確認のお電話です"),
                batch("June renewals"),
            ],
            pagination: Pagination {
                total: 4,
                page: 1,
                limit: 20,
                total_pages: 1,
            },
        };
        let page = page_json(page);
        let mut out = Vec::new();
        write_page(&page, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].contains("  Example: Appointment confirma…  active"),
            "{text}"
        );
        assert!(
            lines[3].contains("  東京の営業チームの予約確認の…   active"),
            "{text}"
        );
        // STATUS starts in the same terminal column on every line.
        let status_at = |line: &str| line[..line.find("active").unwrap()].width();
        let header = lines[0][..lines[0].find("STATUS").unwrap()].width();
        for line in &lines[1..5] {
            assert_eq!(status_at(line), header, "{text}");
        }

        // Into a pipe: every name whole.
        let mut out = Vec::new();
        write_page(&page, true, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("  Example: Appointment confirmations  "),
            "{text}"
        );
        assert!(
            text.contains("東京の営業チームの予約確認のお電話です"),
            "{text}"
        );
        // QA: a name past 30 columns pushed the rest of its line out of
        // line; into a pipe the column widens to the longest name.
        let lines: Vec<&str> = text.lines().collect();
        let header = lines[0][..lines[0].find("STATUS").unwrap()].width();
        for line in &lines[1..5] {
            assert_eq!(status_at(line), header, "{text}");
        }
    }

    /// One vocabulary: a batch is `batchId` and `status` here as in
    /// `batch view` and `batch watch`, not Weya's `_id`/`queue_status`.
    #[test]
    fn the_json_says_a_batch_as_every_command_does() {
        let value = batch_json(&batch("June renewals"));
        assert_eq!(value["batchId"], "64e5f12345abcdef98765432");
        assert_eq!(value["status"], "active");
        assert!(value.get("_id").is_none() && value.get("queue_status").is_none());
    }
}
