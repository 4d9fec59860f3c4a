//! `weya-tui history`: the journal of creates, starts, stops and deletes.

use std::io;
use std::path::Path;

use super::output::{Io, OK, cell, json_line, visible};
use crate::store::journal::{self, JournalOutcome};

/// `history`: the journal of creates, starts, stops and deletes. Lines
/// that cannot be read are skipped and counted; the rest is shown.
pub fn history(path: &Path, io: &mut Io<'_>) -> io::Result<u8> {
    let (entries, skipped) = journal::read(path)?;
    if io.json {
        for entry in &entries {
            writeln!(io.out, "{}", json_line(entry))?;
        }
        if skipped > 0 {
            let note = journal::skipped_lines(skipped);
            writeln!(io.err, "weya-tui: journal {}: {note}", path.display())?;
        }
        return Ok(OK);
    }
    let journal = path.display().to_string();
    let journal = visible(&journal);
    if entries.is_empty() {
        writeln!(io.out, "No submissions yet (journal: {journal}).")?;
        if skipped > 0 {
            writeln!(io.out, "({})", journal::skipped_lines(skipped))?;
        }
        return Ok(OK);
    }
    writeln!(
        io.out,
        "{:<24} {:<6} {:<8} {:<26} {:<24} {:<20} TARGET",
        "SENT (UTC)", "ACTION", "OUTCOME", "BATCH NAME", "BATCH ID", "REQUEST ID"
    )?;
    for e in &entries {
        let outcome = match e.outcome {
            JournalOutcome::Created => "created",
            JournalOutcome::Done => "done",
            JournalOutcome::Failed => "failed",
            JournalOutcome::Unknown => "UNKNOWN",
        };
        let name = if e.batch_name.is_empty() {
            "-".to_owned()
        } else {
            cell(&e.batch_name, 26)
        };
        writeln!(
            io.out,
            "{:<24} {:<6} {:<8} {:<26} {:<24} {:<20} {}",
            visible(&e.time),
            e.action.as_str(),
            outcome,
            name,
            visible(e.batch_id.as_deref().unwrap_or("-")),
            visible(e.request_id.as_deref().unwrap_or("-")),
            visible(&e.target)
        )?;
        if let Some(error) = &e.error {
            writeln!(io.out, "{:<24} {}", "", visible(error))?;
        }
    }
    if skipped > 0 {
        writeln!(io.out, "({})", journal::skipped_lines(skipped))?;
    }
    writeln!(io.out, "Journal: {journal}")?;
    Ok(OK)
}
