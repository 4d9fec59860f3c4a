//! A batch named on the command line by its ID or by its name
//! (`weya-tui batch view "December renewals"`). Weya's batch list has no
//! exact-name lookup, only `search` ("by batchName or queue_status", a
//! substring), so a name is looked up by searching for it and keeping the
//! batches whose whole name is the one given. More than one is not
//! guessed between: the command stops (exit 2) and lists them, with their
//! IDs to give instead.

use crate::api::types::is_object_id;
use crate::api::{ApiError, BatchQuery, BatchSummary, WeyaClient};

/// The most pages of search results read for a name (100 batches a page):
/// a name that matches more batches than this is said to, not half-read.
const MAX_PAGES: u32 = 20;

/// Why a name does not lead to one batch.
#[derive(Debug)]
pub enum NotOne {
    /// No batch has exactly this name; those whose name differs only in
    /// case or spaces are offered.
    None { near: Vec<BatchSummary> },
    /// Several batches have this name: which is meant is not guessed.
    Several(Vec<BatchSummary>),
    /// The search holds more batches than are read for a name.
    TooMany { total: u64 },
    /// The batch list could not be read (a name needs it: it also needs
    /// the user ID).
    List(ApiError),
    /// The list changed while it was read, each time it was read.
    Moving,
}

impl NotOne {
    /// The batches it lists (for `--json`).
    pub fn listed(&self) -> &[BatchSummary] {
        match self {
            Self::None { near } => near,
            Self::Several(found) => found,
            Self::TooMany { .. } | Self::List(_) | Self::Moving => &[],
        }
    }

    /// The exit code: the list could not be read is Weya's or the
    /// network's failure (1), unless a setting is missing (2); a name that
    /// leads to no one batch is the operator's to fix (2).
    pub fn code(&self) -> u8 {
        match self {
            Self::List(e) if !e.is_config_problem() => crate::exit::FAILED,
            _ => crate::exit::REFUSED,
        }
    }

    /// What to tell the operator, with the IDs to give instead: a
    /// headline, then the batches one per line (ID, name, status, when
    /// created), at most [`LISTED`] of them and how many more.
    pub fn message(&self, name: &str) -> String {
        self.message_then(name, "")
    }

    /// [`message`](Self::message) with `note` ("nothing was sent") said at
    /// the end of its headline, before the list.
    pub fn message_then(&self, name: &str, note: &str) -> String {
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("; {note}")
        };
        let (head, listed) = self.headline(name);
        if listed.is_empty() {
            return format!("{head}{note}");
        }
        format!("{head}{note}:{}", rows(listed))
    }

    fn headline(&self, name: &str) -> (String, &[BatchSummary]) {
        match self {
            Self::None { near } if near.is_empty() => (
                format!("no batch is named {name:?} (give its name exactly as listed, or its ID)"),
                &[],
            ),
            Self::None { near } => (
                format!(
                    "no batch is named exactly {name:?}; these differ only in case or spaces \
                     (give one's ID)"
                ),
                near,
            ),
            Self::Several(found) => (
                format!(
                    "{} batches are named {name:?}; give the ID of the one you mean",
                    found.len()
                ),
                found,
            ),
            Self::TooMany { total } => (
                format!(
                    "the batch list's search for {name:?} holds {total} batches, more than are \
                     read for a name ({}): give the batch's ID",
                    u64::from(MAX_PAGES) * 100
                ),
                &[],
            ),
            Self::Moving => (
                format!(
                    "the batch list changed each time it was read for {name:?} (batches made or \
                     deleted meanwhile): try again, or give the batch's ID"
                ),
                &[],
            ),
            Self::List(e) => (
                format!(
                    "a batch named by its name is looked up in the batch list, which could not \
                     be read ({e}); give the batch's ID instead"
                ),
                &[],
            ),
        }
    }
}

/// The most batches a message lists one per line; `--json` has them all.
pub const LISTED: usize = 20;

/// Batches one per line, in columns: ID, name, status, when created (on
/// the operator's clock), each made visible; past [`LISTED`], how many
/// more.
fn rows(batches: &[BatchSummary]) -> String {
    use std::fmt::Write as _;
    use unicode_width::UnicodeWidthStr as _;
    let shown = &batches[..batches.len().min(LISTED)];
    let names: Vec<_> = shown
        .iter()
        .map(|b| crate::text::visible(&b.batch_name))
        .collect();
    let statuses: Vec<_> = shown
        .iter()
        .map(|b| crate::text::visible(&b.queue_status))
        .collect();
    let name_width = names.iter().map(|n| n.width()).max().unwrap_or(0);
    let status_width = statuses.iter().map(|s| s.width()).max().unwrap_or(0);
    let clock = crate::config::local_clock();
    let mut out = String::new();
    for ((b, name), status) in shown.iter().zip(&names).zip(&statuses) {
        let created = clock
            .minute_of(&b.created_at)
            .unwrap_or_else(|| crate::text::visible(&b.created_at).into_owned());
        let _ = write!(
            out,
            "\n  {}  {}  {}  created {created}",
            crate::text::visible(&b.id),
            crate::text::pad(name, name_width),
            crate::text::pad(status, status_width),
        );
    }
    if batches.len() > shown.len() {
        let _ = write!(
            out,
            "\n  and {} more (--json lists them all)",
            batches.len() - shown.len()
        );
    }
    out
}

/// Whether `given` is meant as an ID, right or mistyped: hex digits only,
/// about as many as an ID has. Such a text is never looked up as a name
/// (a mistyped ID is said to be one).
pub fn means_an_id(given: &str) -> bool {
    is_object_id(given)
        || (given.len() >= 8 && given.bytes().all(|b| b.is_ascii_hexdigit()))
        || (given.len() == 24 && given.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The ID of the batch `given` names: itself when it is an ID (24 hex
/// characters), else the one batch whose name it is.
pub async fn batch_id(client: &WeyaClient, given: &str) -> Result<String, NotOne> {
    if is_object_id(given) {
        return Ok(given.to_owned());
    }
    by_name(client, given).await
}

/// How many times a lookup starts over when the list changes under it.
const ATTEMPTS: u32 = 3;

/// The ID of the one batch named exactly `name`. The list is read page by
/// page; when its total changes between pages (a batch made or deleted
/// meanwhile shifts every row), the lookup starts over rather than miss
/// the batch, and after `ATTEMPTS` (3) says so.
pub async fn by_name(client: &WeyaClient, name: &str) -> Result<String, NotOne> {
    for _ in 0..ATTEMPTS {
        match read_matches(client, name).await? {
            Some((mut exact, near)) => {
                return match exact.len() {
                    1 => Ok(exact.remove(0).id),
                    0 => Err(NotOne::None { near }),
                    _ => Err(NotOne::Several(exact)),
                };
            }
            None => continue,
        }
    }
    Err(NotOne::Moving)
}

/// The batches named exactly `name` and those named nearly so, or `None`
/// when the list changed while it was read.
async fn read_matches(
    client: &WeyaClient,
    name: &str,
) -> Result<Option<(Vec<BatchSummary>, Vec<BatchSummary>)>, NotOne> {
    let mut exact = Vec::new();
    let mut near = Vec::new();
    let mut page = 1;
    let mut total = None;
    loop {
        // Spaces as one: a name typed with two finds the one with one
        // (offered, not taken).
        let query = BatchQuery {
            page,
            limit: 100,
            search: Some(name.split_whitespace().collect::<Vec<_>>().join(" ")),
        };
        let found = match client.list_batches(&query).await {
            Ok(found) => found,
            // "No batches found" is an empty list, read as such by the
            // client; anything else is a failure.
            Err(e) => return Err(NotOne::List(e)),
        };
        if page == 1 && found.pagination.total_pages > u64::from(MAX_PAGES) {
            return Err(NotOne::TooMany {
                total: found.pagination.total,
            });
        }
        if *total.get_or_insert(found.pagination.total) != found.pagination.total {
            return Ok(None);
        }
        for batch in found.batches {
            // Exactly: "dup " is not "dup" (it is offered, not taken).
            if batch.batch_name == name {
                exact.push(batch);
            } else if squeeze(&batch.batch_name) == squeeze(name) {
                near.push(batch);
            }
        }
        if u64::from(page) >= found.pagination.total_pages {
            break;
        }
        page += 1;
    }
    Ok(Some((exact, near)))
}

/// A name as compared loosely: lower case, runs of spaces as one.
fn squeeze(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_id_is_an_id_and_a_name_is_a_name() {
        assert!(means_an_id("64e5f12345abcdef98760001"));
        assert!(means_an_id("64e5f12345abcdef9876000"), "one short");
        assert!(means_an_id("64E5F12345ABCDEF9876543Z"), "one not hex");
        assert!(!means_an_id("December renewals"));
        assert!(!means_an_id("2026"), "a name may be a year");
    }

    #[test]
    fn names_differing_only_in_case_or_spaces_are_near_not_the_same() {
        assert_eq!(squeeze("  December   Renewals "), "december renewals");
        assert_ne!(squeeze("December renewal"), squeeze("December renewals"));
    }

    #[test]
    fn several_are_listed_with_their_ids() {
        let batch = |id: &str| BatchSummary {
            id: id.into(),
            batch_name: "December renewals".into(),
            queue_status: "paused".into(),
            created_at: "2026-12-01T09:00:00.000Z".into(),
            ..BatchSummary::default()
        };
        let message = NotOne::Several(vec![
            batch("64e5f12345abcdef98760001"),
            batch("64e5f12345abcdef98760002"),
        ])
        .message("December renewals");
        assert!(message.starts_with("2 batches are named \"December renewals\""));
        assert!(message.contains(
            "\n  64e5f12345abcdef98760002  December renewals  paused  created 2026-12-01"
        ));
    }

    /// QA: 150 batches of one name came out as one line. One per line,
    /// in columns, the first 20 and how many more; a note ("nothing was
    /// sent") ends the headline, not the last row.
    #[test]
    fn many_are_listed_one_per_line_the_first_twenty_and_how_many_more() {
        let found: Vec<BatchSummary> = (0..150)
            .map(|i| BatchSummary {
                id: format!("64e5f12345abcdef9876{i:04}"),
                batch_name: if i == 1 {
                    "Dec\u{202E}".into()
                } else {
                    "Dec".into()
                },
                queue_status: if i == 0 { "completed" } else { "paused" }.into(),
                created_at: "2026-12-01T09:00:00.000Z".into(),
                ..BatchSummary::default()
            })
            .collect();
        let message = NotOne::Several(found).message_then("Dec", "nothing was sent");
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(
            lines[0],
            "150 batches are named \"Dec\"; give the ID of the one you mean; nothing was sent:"
        );
        assert_eq!(lines.len(), 1 + LISTED + 1, "{message}");
        assert_eq!(lines[21], "  and 130 more (--json lists them all)");
        assert!(
            lines[1].starts_with("  64e5f12345abcdef98760000  Dec          completed  created ")
        );
        assert!(
            lines[2].starts_with("  64e5f12345abcdef98760001  Dec⟨U+202E⟩  paused     created ")
        );
        assert!(
            lines[3].starts_with("  64e5f12345abcdef98760002  Dec          paused     created ")
        );
    }
}
