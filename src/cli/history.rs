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
    // The times on the operator's clock; the journal keeps UTC (data).
    let clock = crate::config::local_clock();
    writeln!(
        io.out,
        "{:<24} {:<6} {:<8} {:<26} {:<24} {:<20} TARGET",
        clock.heading("SENT", 24, chrono::Utc::now()),
        "ACTION",
        "OUTCOME",
        "BATCH NAME",
        "BATCH ID",
        "REQUEST ID"
    )?;
    for e in &entries {
        let outcome = match e.outcome {
            JournalOutcome::Created => "created",
            JournalOutcome::Done => "done",
            JournalOutcome::Failed => "failed",
            JournalOutcome::Unknown => "UNKNOWN",
        };
        let name = if e.batch_name.is_empty() {
            "-"
        } else {
            &e.batch_name
        };
        writeln!(
            io.out,
            "{:<24} {:<6} {:<8} {} {:<24} {:<20} {}",
            chrono::DateTime::parse_from_rfc3339(&e.time).map_or_else(
                |_| visible(&e.time).into_owned(),
                |t| clock.second(t.with_timezone(&chrono::Utc))
            ),
            e.action.as_str(),
            outcome,
            cell(name, 26),
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

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr as _;

    use super::*;
    use crate::store::journal::{JournalAction, JournalEntry};

    fn entry(name: &str) -> JournalEntry {
        JournalEntry {
            time: "2026-01-15T09:30:00.000Z".into(),
            target: "sandbox".into(),
            action: JournalAction::Create,
            outcome: JournalOutcome::Created,
            batch_name: name.into(),
            batch_id: Some("64e5f12345abcdef98765432".into()),
            request_id: None,
            status: Some(201),
            error: None,
            body: serde_json::Value::Null,
        }
    }

    #[test]
    fn long_names_end_in_an_ellipsis_and_wide_ones_keep_the_columns_in_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        for name in [
            "Example: Appointment confirmations",
            "東京の営業チーム",
            "東京の営業チームの予約確認のお電話です",
            "",
        ] {
            journal::append(&path, &entry(name)).unwrap();
        }
        let (mut out, mut err) = (Vec::new(), Vec::new());
        history(&path, &mut Io::new(&mut out, &mut err, false)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].contains(" Example: Appointment conf… 64e5"),
            "{text}"
        );
        assert!(
            lines[3].contains(" 東京の営業チームの予約確…  64e5"),
            "{text}"
        );
        // BATCH ID starts in the same terminal column on every line.
        let id_at = |line: &str| line[..line.find("64e5").unwrap()].width();
        let header = lines[0][..lines[0].find("BATCH ID").unwrap()].width();
        for line in &lines[1..5] {
            assert_eq!(id_at(line), header, "{text}");
        }
    }
}
