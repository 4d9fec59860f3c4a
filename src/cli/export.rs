//! `weya-tui batch export ID [--format csv|jsonl] [--output FILE|-]`:
//! every call of a batch, through [`crate::campaign::export`] (the TUI's
//! `e` writes with the same engine). Its rows go to standard output or to
//! a file that appears only once it is whole; what happened is said on
//! stderr (or, for a file, on stdout; with `--json`, as one JSON line).

use std::io::{self, IsTerminal as _, Write};
use std::path::Path;

use serde_json::json;

use super::batch::{Workspace, failure, note};
use super::output::{FAILED, Io, OK, thousands};
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
        let mut out = io::BufWriter::with_capacity(64 * 1024, &mut *io.out);
        let result = export::export(&workspace.client, id, format, &mut out, |p| {
            shown.show(p);
        })
        .await;
        drop(out);
        shown.clear();
        return match result {
            Ok(done) => {
                said_of(&done, io, None)?;
                Ok(OK)
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
    Ok(OK)
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
