//! `weya-tui batch export ID [--format csv|jsonl] [--output FILE|-]`:
//! every call of a batch, through [`crate::campaign::export`] (the TUI's
//! `e` writes with the same engine). Its rows go to standard output or to
//! a file that appears only once it is whole (or, with
//! `--allow-unreadable`, whole but for calls too large to read); what happened is said on
//! stderr (or, for a file, on stdout; with `--json`, as one JSON line).

use std::io::{self, IsTerminal as _, Write};
use std::path::Path;

use serde_json::json;

use super::output::{FAILED, Io, OK, thousands};
use super::workspace::{Workspace, note, read_failure};
use crate::campaign::WalkError;
use crate::campaign::export::{self, AtomicFile, Exported, Format, Progress};
use crate::text::{json as json_line, visible};

/// Runs the export of batch `id` to `output` (`None` or `-`: stdout). A
/// file whose export skipped calls too large to read is put in place only
/// when `allow_unreadable`.
pub async fn export(
    workspace: &Workspace,
    id: &str,
    format: Format,
    output: Option<&Path>,
    allow_unreadable: bool,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    // Progress only for a person watching: a log or a pipe gets the end.
    let mut shown = ProgressLine::new(io::stderr().is_terminal());
    let to_file = output.filter(|p| *p != Path::new("-"));
    let Some(path) = to_file else {
        // On a terminal what the server wrote is shown, not obeyed: an
        // escape sequence in a field would retitle or recolour it. A pipe
        // or a file gets the bytes exactly.
        let on_terminal = io::stdout().is_terminal();
        let mut shown_out = crate::text::ShownOnTerminal::new(&mut *io.out, on_terminal);
        let mut out = io::BufWriter::with_capacity(64 * 1024, &mut shown_out);
        let result = export::export(&workspace.client, id, format, &mut out, |p| {
            shown.show(p);
        })
        .await;
        drop(out);
        let _ = shown_out.flush();
        drop(shown_out);
        shown.clear();
        return match result {
            Ok(done) => {
                said_of(&done, io, None)?;
                unreadable_said(&done, io)
            }
            Err(e) => failed(
                workspace,
                io,
                &e,
                "the rows written above are not the whole batch",
            ),
        };
    };
    let mut file = match AtomicFile::create(path) {
        Ok(file) => file,
        Err(e) => {
            let message = format!("cannot write {}: {e}; nothing was exported", path.display());
            return io.fail(FAILED, &message, json!({}));
        }
    };
    let result = export::export(&workspace.client, id, format, &mut file, |p| shown.show(p)).await;
    shown.clear();
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            // Dropped uncommitted: the temporary file goes, nothing is
            // left under the name.
            drop(file);
            let nothing = format!("{} was not written", path.display());
            return failed(workspace, io, &e, &nothing);
        }
    };
    if done.walked.unreadable > 0 && !allow_unreadable {
        // Not the whole batch: like any export that stops short, no file
        // is put in place (an earlier one stays as it was).
        drop(file);
        let w = &done.walked;
        let message = format!(
            "NOT EXPORTED: {} (by position, oldest first), each alone larger than weya-tui reads \
             (1 MiB: a long transcript); {} was not written (--allow-unreadable writes the {} \
             other rows)",
            w.unreadable_named(),
            path.display(),
            thousands(done.rows)
        );
        return io.fail(
            FAILED,
            &message,
            json!({"unreadableCalls": w.unreadable, "unreadableAt": w.unreadable_at}),
        );
    }
    if let Err(e) = file.commit() {
        let message = format!("cannot write {}: {e}; it was not written", path.display());
        return io.fail(FAILED, &message, json!({}));
    }
    said_of(&done, io, Some((path, format)))?;
    unreadable_said(&done, io)
}

/// Calls too large to read even alone were skipped: said on stderr, and
/// the export exits 1 (the rows written are every other call; no earlier
/// export could hold them either, as the limit is weya-tui's).
fn unreadable_said(done: &Exported, io: &mut Io<'_>) -> io::Result<u8> {
    let w = &done.walked;
    if w.unreadable == 0 {
        return Ok(OK);
    }
    writeln!(
        io.err,
        "weya-tui: NOT EXPORTED: {} (by position, oldest first), each alone larger than \
         weya-tui reads (1 MiB: a long transcript); the {} rows written are every other call",
        w.unreadable_named(),
        thousands(done.rows)
    )?;
    Ok(FAILED)
}

/// Says what was written: for a file on stdout (JSON with `--json`), for
/// standard output on stderr; and, on stderr, what the reader should
/// know (fields that came late, a batch that moved).
fn said_of(done: &Exported, io: &mut Io<'_>, file: Option<(&Path, Format)>) -> io::Result<()> {
    let calls = if done.rows == 1 { "call" } else { "calls" };
    match file {
        Some((path, format)) if io.json => {
            let value = json!({
                "batchId": done.walked.batch_id,
                "batchName": done.walked.batch_name,
                "path": path.display().to_string(),
                "format": format.extension(),
                "rows": done.rows,
                "pages": done.walked.pages,
                "lateFields": done.late_fields,
                "rowsWithLateFields": done.rows_with_late_fields,
                "batchChangedWhileExported": done.walked.moved(),
                "unreadableCalls": done.walked.unreadable,
                "unreadableAt": done.walked.unreadable_at,
            });
            writeln!(io.out, "{}", json_line(&value))?;
        }
        Some((path, _)) => writeln!(
            io.out,
            "Exported {} {calls} of “{}” to {}.",
            thousands(done.rows),
            visible(&done.walked.batch_name),
            visible(&path.display().to_string())
        )?,
        None => note(
            io,
            &format!(
                "exported {} {calls} of “{}”",
                thousands(done.rows),
                done.walked.batch_name
            ),
        )?,
    }
    if !done.late_fields.is_empty() {
        note(
            io,
            &format!(
                "{} row{} had contact fields the first page did not ({}): they are in the \
                 last column, {}, as JSON",
                thousands(done.rows_with_late_fields),
                if done.rows_with_late_fields == 1 {
                    ""
                } else {
                    "s"
                },
                done.late_fields.join(", "),
                export::OTHER_FIELDS
            ),
        )?;
    }
    if done.walked.moved() {
        note(
            io,
            &format!(
                "the batch changed while it was read ({} calls at the start, {} at the end, \
                 {} read): each row is the call as its page said when it was read",
                thousands(done.walked.total_first),
                thousands(done.walked.total_last),
                thousands(done.walked.calls)
            ),
        )?;
    }
    Ok(())
}

/// Says why the export stopped, and what became of the output.
fn failed(workspace: &Workspace, io: &mut Io<'_>, e: &WalkError, output: &str) -> io::Result<u8> {
    match e {
        WalkError::Api { page, read, error } => {
            if !io.json {
                note(
                    io,
                    &format!(
                        "export stopped at page {page} after {} calls: {output}",
                        thousands(*read)
                    ),
                )?;
            }
            read_failure(io, workspace, error)
        }
        WalkError::Sink(e) => {
            let message = format!("cannot write the export: {e}; {output}");
            io.fail(FAILED, &message, json!({}))
        }
        WalkError::TooMany { .. } | WalkError::Repeated { .. } | WalkError::Incomplete { .. } => {
            io.fail(FAILED, &format!("{e}; {output}"), json!({}))
        }
    }
}

/// "Exporting… 1,200 of 2,000 calls", redrawn in place on a terminal.
struct ProgressLine {
    on: bool,
    drawn: bool,
}

impl ProgressLine {
    fn new(on: bool) -> Self {
        Self { on, drawn: false }
    }

    fn show(&mut self, p: Progress) {
        if !self.on {
            return;
        }
        let mut err = io::stderr();
        let _ = write!(
            err,
            "\r\x1b[2KExporting… {} of {} calls",
            thousands(p.rows),
            thousands(p.total)
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;
    use crate::text::ShownOnTerminal;

    /// QA: a CSV export to a terminal let a field's OSC sequence retitle
    /// it. Shown, the sequence is text; C1 controls too, even split
    /// across writes; other UTF-8 and line ends pass.
    #[test]
    fn a_terminal_sees_control_characters_as_text() {
        let mut sink = Vec::new();
        {
            let mut shown = ShownOnTerminal::new(&mut sink, true);
            shown.write_all(b"a\x1b]0;PWNED\x07b\r\n\xc2").unwrap();
            shown.write_all(b"\x9b31m \xc2\xa9 \xe6\x9d").unwrap();
            shown.write_all(b"\xb1\n").unwrap();
            shown.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "a⟨U+001B⟩]0;PWNED⟨U+0007⟩b\r\n⟨U+009B⟩31m © 東\n"
        );
        let mut raw = Vec::new();
        ShownOnTerminal::new(&mut raw, false)
            .write_all(b"\x1b[31m")
            .unwrap();
        assert_eq!(raw, b"\x1b[31m", "a pipe gets the bytes exactly");
    }

    /// QA: a bidi override in a status reached the terminal raw from
    /// `batch export --output -`, while `batch calls` showed it as
    /// ⟨U+202E⟩: the same rule now, split across writes or not; bytes
    /// that are not UTF-8 show as U+FFFD.
    #[test]
    fn a_terminal_sees_bidi_overrides_and_invisibles_as_code_points() {
        let override_ = "\u{202E}".as_bytes();
        let mut sink = Vec::new();
        {
            let mut shown = ShownOnTerminal::new(&mut sink, true);
            shown.write_all(b"+1555,busy").unwrap();
            shown.write_all(&override_[..1]).unwrap();
            shown.write_all(&override_[1..]).unwrap();
            shown.write_all("dne\u{200B}x".as_bytes()).unwrap();
            shown.write_all(b",\xff\tok\n").unwrap();
        }
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "+1555,busy⟨U+202E⟩dne⟨U+200B⟩x,\u{FFFD}\tok\n"
        );
        assert_eq!(
            crate::text::visible("busy\u{202E}dne"),
            "busy⟨U+202E⟩dne",
            "the same rule as every other output"
        );
    }
}
