//! Every row of a file at the end of an import, accounted for once: the
//! rows the import journal sent (confirmed, not added, in doubt, refused,
//! not sent yet, or left out because the batch held their number) and
//! those the check kept back (invalid, duplicate, held back, empty, or
//! another part's of a split). The figures sum to the file's rows; the
//! import view's done screen and `batch import` both say them.

use serde_json::{Value, json};

use super::check::Counts;
use super::journal::{ImportJournal, RequestState};
use crate::num::thousands;

/// The rows of a file, each in exactly one place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowAccount {
    /// Sent and confirmed in the batch.
    pub confirmed: u64,
    /// Not sent: the batch held their number already.
    pub in_batch_already: u64,
    /// Sent, and Weya said it did not add them (partly added requests).
    pub not_added: u64,
    /// Sent, with no answer or one that contradicts itself.
    pub in_doubt: u64,
    /// Sent, and Weya refused them.
    pub failed: u64,
    /// Valid, and not sent yet.
    pub not_sent: u64,
    pub invalid: u64,
    pub duplicate: u64,
    /// Valid numbers of a country not allowed.
    pub held_back: u64,
    /// Rows of nothing but empty cells.
    pub empty: u64,
    /// Another part's rows, in a split by time zone.
    pub elsewhere: u64,
}

impl RowAccount {
    /// The check's `counts` of a file and what `journal` says of its
    /// valid rows.
    pub fn of(counts: &Counts, journal: &ImportJournal) -> Self {
        let mut account = Self {
            invalid: counts.invalid,
            duplicate: counts.duplicate,
            held_back: counts.outside_region,
            empty: counts.skipped,
            elsewhere: counts.elsewhere,
            ..Self::default()
        };
        for request in journal.requests() {
            let sent = u64::from(request.sent());
            let left_out = u64::from(request.left_out);
            match request.state {
                RequestState::Planned => {
                    account.not_sent += u64::from(request.rows);
                    continue;
                }
                RequestState::Confirmed { .. } => account.confirmed += sent,
                RequestState::Partial { added, .. } => {
                    let added = added.min(sent);
                    account.confirmed += added;
                    account.not_added += sent - added;
                }
                RequestState::Sending { .. } | RequestState::Unknown { .. } => {
                    account.in_doubt += sent;
                }
                RequestState::Failed { .. } => account.failed += sent,
            }
            account.in_batch_already += left_out;
        }
        account
    }

    /// The rows accounted for: the file's rows after its header.
    pub fn rows(&self) -> u64 {
        self.parts().iter().map(|(n, _, _)| n).sum()
    }

    /// Each place with its count, its name in `--json` and its words.
    fn parts(&self) -> [(u64, &'static str, &'static str); 11] {
        [
            (self.confirmed, "confirmed", "confirmed in the batch"),
            (
                self.in_batch_already,
                "inBatchAlready",
                "in the batch already (not sent)",
            ),
            (self.not_added, "notAdded", "sent and not added by Weya"),
            (self.in_doubt, "inDoubt", "in doubt (sent, no clear answer)"),
            (self.failed, "failed", "refused by Weya"),
            (self.not_sent, "notSent", "not sent yet"),
            (self.invalid, "invalid", "invalid (each with its reason)"),
            (
                self.duplicate,
                "duplicate",
                if self.duplicate == 1 {
                    "duplicate (a number's first row is kept)"
                } else {
                    "duplicates (a number's first row is kept)"
                },
            ),
            (
                self.held_back,
                "heldBack",
                "held back (numbers of countries not allowed)",
            ),
            (self.empty, "empty", "empty (skipped)"),
            (self.elsewhere, "otherPart", "for another part of the split"),
        ]
    }

    /// "The file's 2,512 rows: 2,000 confirmed in the batch · 5 invalid
    /// (each with its reason) · 1 empty (skipped)": the places that hold
    /// any row.
    pub fn line(&self) -> String {
        let parts: Vec<String> = self
            .parts()
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, _, words)| format!("{} {words}", thousands(*n)))
            .collect();
        let rows = self.rows();
        format!(
            "The file's {} row{}: {}",
            thousands(rows),
            if rows == 1 { "" } else { "s" },
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(" · ")
            }
        )
    }

    /// `{"rows": N, "confirmed": …, …}`: every place, zero or not.
    pub fn to_json(&self) -> Value {
        let mut value = json!({"rows": self.rows()});
        if let Some(obj) = value.as_object_mut() {
            for (n, key, _) in self.parts() {
                obj.insert(key.into(), json!(n));
            }
        }
        value
    }
}
