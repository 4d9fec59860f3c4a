//! Recovery in plain sight: the imports a run left unfinished, and what
//! an import sent and did not, in the words the app's start, its end and
//! `batch import` share.
//!
//! Reads the journals ([`super::journal`]) and decides nothing about them:
//! resuming is the import engine's, through the view or `batch import`.

use std::path::{Path, PathBuf};

use super::journal::{ImportJournal, JournalError, JournalSummary};
use crate::num::thousands;
use crate::text::visible;

/// An import recorded in the journals and not complete: rows not sent
/// yet, sent with no answer, or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    pub batch_id: String,
    /// The file as it was when the import started (its path then).
    pub file: PathBuf,
    pub summary: JournalSummary,
    /// When the journal last changed (RFC 3339).
    pub updated: String,
    /// How its batch was found gone (a 404, or deleted here): then it
    /// cannot be resumed, only set aside ([`set_aside`]).
    pub gone: Option<String>,
}

impl Unfinished {
    fn of(journal: &ImportJournal) -> Self {
        Self {
            batch_id: journal.batch_id().to_owned(),
            file: journal.file().path.clone(),
            summary: journal.summary(),
            updated: journal.updated().to_owned(),
            gone: journal.batch_gone().map(|g| g.why.clone()),
        }
    }

    /// The file's name, as the operator knows it.
    pub fn file_name(&self) -> String {
        let name = self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        visible(&name).into_owned()
    }
}

/// Every unfinished import recorded in `dir`, the one that changed last
/// first. A directory that cannot be read, or an unreadable journal, holds
/// none (the import view says what is wrong with a journal it opens).
pub fn unfinished(dir: &Path) -> Vec<Unfinished> {
    let mut found: Vec<Unfinished> = ImportJournal::all(dir)
        .unwrap_or_default()
        .iter()
        .filter(|journal| !journal.is_complete() && !journal.is_set_aside())
        .map(Unfinished::of)
        .collect();
    found.sort_by(|a, b| b.updated.cmp(&a.updated));
    found
}

/// Records in every journal of `batch_id` in `dir` that the batch is gone
/// (`why`): a 404 for it, or this app deleted it. How many were marked.
pub fn mark_gone(dir: &Path, batch_id: &str, why: &str) -> Result<usize, JournalError> {
    let mut marked = 0;
    for mut journal in ImportJournal::for_batch(dir, batch_id)? {
        if journal.batch_gone().is_none() {
            journal.mark_batch_gone(why)?;
            marked += 1;
        }
    }
    Ok(marked)
}

/// Sets aside the unfinished imports into `batch_id`, a batch known gone:
/// their journals are kept, marked, and no longer named at start-up. How
/// many were set aside.
pub fn set_aside(dir: &Path, batch_id: &str) -> Result<usize, JournalError> {
    let mut count = 0;
    for mut journal in ImportJournal::for_batch(dir, batch_id)? {
        if journal.batch_gone().is_some() && !journal.is_set_aside() && !journal.is_complete() {
            journal.set_aside()?;
            count += 1;
        }
    }
    Ok(count)
}

/// Where an import stands, rows by what became of them: "2,000 of 11,000
/// rows sent and confirmed, 9,000 not sent yet" (and those in doubt,
/// refused, or short of what was sent, when there are).
pub fn where_it_stands(s: &JournalSummary) -> String {
    let mut parts = vec![format!(
        "{} of {} sent and confirmed",
        thousands(s.rows_confirmed),
        crate::num::counted(s.rows_total, "row")
    )];
    if s.rows_in_doubt > 0 {
        parts.push(format!(
            "{} sent with no answer (they may be in the batch)",
            thousands(s.rows_in_doubt)
        ));
    }
    if s.rows_short > 0 {
        parts.push(format!(
            "{} sent that Weya did not add",
            thousands(s.rows_short)
        ));
    }
    if s.rows_failed > 0 {
        parts.push(format!(
            "{} not added (their request failed)",
            thousands(s.rows_failed)
        ));
    }
    if s.rows_planned > 0 {
        parts.push(format!("{} not sent yet", thousands(s.rows_planned)));
    }
    parts.join(", ")
}

/// The start-up line for the unfinished imports, naming the one that
/// changed last (`batch_name` gives a batch's name when it is known) and
/// the key that resumes it; `None` when there is none.
pub fn start_notice(
    found: &[Unfinished],
    batch_name: impl Fn(&str) -> Option<String>,
    key: &str,
) -> Option<String> {
    let last = found.first()?;
    let batch = batch_name(&last.batch_id)
        .map_or_else(|| last.batch_id.clone(), |name| format!("“{name}”"));
    let what = format!(
        "{} into {batch}: {}",
        last.file_name(),
        where_it_stands(&last.summary)
    );
    if let Some(why) = &last.gone {
        // Resuming would only meet the same 404: say so, and offer to set
        // it aside instead of nagging at every start.
        let others = match found.len() {
            1 => String::new(),
            n => format!(" ({n} stopped part-way in all)"),
        };
        // The key first: a narrow terminal cuts the end of the line.
        return Some(format!(
            "{key} sets aside (its journal kept) an import stopped part-way into a batch that \
             no longer exists: {what} ({}).{others}",
            visible(why)
        ));
    }
    Some(match found.len() {
        1 => format!("An import stopped part-way: {what}. {key} resumes it."),
        n => format!(
            "{n} imports stopped part-way; the last: {what}. {key} resumes it (the others: \
             weya-tui batch import)."
        ),
    })
}

/// What is said on the way out of the app when an import was under way:
/// what was sent and what was not, and how to take it up.
pub fn on_quit(
    batch_name: &str,
    batch_id: &str,
    file: &Path,
    s: &JournalSummary,
    key: &str,
) -> String {
    let file = visible(&file.display().to_string()).into_owned();
    let batch = if batch_name.is_empty() || batch_name == batch_id {
        batch_id.to_owned()
    } else {
        format!("“{}” ({batch_id})", visible(batch_name))
    };
    format!(
        "The import of {file} into {batch} stopped: {}. It resumes at the next start \
         ({key}), or with: weya-tui batch import {batch_id} {}",
        where_it_stands(s),
        shell_word(&file),
    )
}

/// `word` as one shell word: as it is when it needs no quoting.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(total: u64, confirmed: u64, doubt: u64) -> JournalSummary {
        JournalSummary {
            rows_total: total,
            rows_confirmed: confirmed,
            rows_in_doubt: doubt,
            rows_planned: total - confirmed - doubt,
            ..JournalSummary::default()
        }
    }

    #[test]
    fn the_rows_are_said_by_what_became_of_them() {
        assert_eq!(
            where_it_stands(&summary(11_000, 2_000, 1_000)),
            "2,000 of 11,000 rows sent and confirmed, 1,000 sent with no answer (they may be in \
             the batch), 8,000 not sent yet"
        );
    }

    #[test]
    fn the_notice_names_the_file_the_batch_and_the_key() {
        let found = vec![Unfinished {
            batch_id: "b1".into(),
            file: "/home/op/contacts.csv".into(),
            summary: summary(11_000, 2_000, 0),
            updated: "2026-12-06T10:00:00Z".into(),
            gone: None,
        }];
        let notice = start_notice(&found, |_| Some("December".into()), "Ctrl-G").unwrap();
        assert_eq!(
            notice,
            "An import stopped part-way: contacts.csv into “December”: 2,000 of 11,000 rows \
             sent and confirmed, 9,000 not sent yet. Ctrl-G resumes it."
        );
        assert_eq!(start_notice(&[], |_| None, "Ctrl-G"), None);
    }

    /// The QA's nag: "3 imports stopped part-way; the last: contacts.csv
    /// into “X” … Ctrl-G resumes it" though X was deleted.
    #[test]
    fn an_import_into_a_batch_known_gone_is_offered_to_be_set_aside_not_resumed() {
        let found = vec![Unfinished {
            batch_id: "b1".into(),
            file: "/home/op/contacts.csv".into(),
            summary: summary(3_000, 1_000, 0),
            updated: "2026-12-06T10:00:00Z".into(),
            gone: Some("Weya does not find the batch (HTTP 404)".into()),
        }];
        let notice = start_notice(&found, |_| Some("X".into()), "Ctrl-G").unwrap();
        assert!(notice.contains("a batch that no longer exists"), "{notice}");
        assert!(
            notice.contains("Weya does not find the batch (HTTP 404)"),
            "{notice}"
        );
        // The key first: at 80 columns the end of the line is cut.
        assert!(
            notice.starts_with("Ctrl-G sets aside (its journal kept) an import"),
            "{notice}"
        );
        assert!(!notice.contains("resumes"), "{notice}");
    }

    #[test]
    fn the_quit_line_gives_a_command_that_resumes() {
        let line = on_quit(
            "December",
            "b1",
            Path::new("/tmp/my contacts.csv"),
            &summary(3_000, 1_000, 0),
            "Ctrl-G",
        );
        assert!(
            line.ends_with("weya-tui batch import b1 '/tmp/my contacts.csv'"),
            "{line}"
        );
        assert!(line.contains("1,000 of 3,000 rows sent and confirmed, 2,000 not sent yet"));
        assert!(line.contains("into “December” (b1) stopped"), "{line}");
    }
}
