//! `weya-tui batch export ID [--format csv|jsonl] [--output FILE|-]`:
//! every call of a batch, through [`crate::campaign::export`] (the TUI's
//! `e` writes with the same engine). Its rows go to standard output or to
//! a file that appears only once it is whole; what happened is said on
//! stderr (or, for a file, on stdout; with `--json`, as one JSON line).

use std::io::{self, IsTerminal as _, Write};
use std::path::Path;

use serde_json::json;

use super::output::{FAILED, Io, OK, thousands};
use super::workspace::{Workspace, failure, note};
use crate::campaign::WalkError;
use crate::campaign::export::{self, AtomicFile, Exported, Format, Progress};
use crate::text::{json as json_line, visible};

/// Runs the export of batch `id` to `output` (`None` or `-`: stdout).
pub async fn export(
    workspace: &Workspace,
    id: &str,
    format: Format,
    output: Option<&Path>,
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
        let mut shown_out = Shown::new(&mut *io.out, on_terminal);
        let mut out = io::BufWriter::with_capacity(64 * 1024, &mut shown_out);
        let result = export::export(&workspace.client, id, format, &mut out, |p| {
            shown.show(p);
        })
        .await;
        drop(out);
        let _ = shown_out.flush();
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
            failure(io, workspace, error)
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

/// A writer that, when `on`, writes the control characters a terminal
/// would act on (C0 but tab and line ends, DEL, C1) as `⟨U+001B⟩`, as
/// every other output of the app shows them. Off, it passes bytes as they
/// are.
struct Shown<'a> {
    inner: &'a mut dyn Write,
    on: bool,
    /// A 0xC2 byte that ended the last write: the lead byte of a C1
    /// control, or of another character, decided by the next byte.
    lead: bool,
}

impl<'a> Shown<'a> {
    fn new(inner: &'a mut dyn Write, on: bool) -> Self {
        Self {
            inner,
            on,
            lead: false,
        }
    }
}

impl Write for Shown<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if std::mem::take(&mut self.lead) {
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(format!("⟨U+{b:04X}⟩").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match b {
                b'\t' | b'\n' | b'\r' => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("⟨U+{b:04X}⟩").as_bytes()),
                0xc2 => self.lead = true,
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.lead) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    /// QA: a CSV export to a terminal let a field's OSC sequence retitle
    /// it. Shown, the sequence is text; C1 controls too, even split
    /// across writes; other UTF-8 and line ends pass.
    #[test]
    fn a_terminal_sees_control_characters_as_text() {
        let mut sink = Vec::new();
        {
            let mut shown = Shown::new(&mut sink, true);
            shown.write_all(b"a\x1b]0;PWNED\x07b\r\n\xc2").unwrap();
            shown.write_all(b"\x9b31m \xc2\xa9 \xe6\x9d\xb1\n").unwrap();
            shown.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "a⟨U+001B⟩]0;PWNED⟨U+0007⟩b\r\n⟨U+009B⟩31m © 東\n"
        );
        let mut raw = Vec::new();
        Shown::new(&mut raw, false).write_all(b"\x1b[31m").unwrap();
        assert_eq!(raw, b"\x1b[31m", "a pipe gets the bytes exactly");
    }
}
