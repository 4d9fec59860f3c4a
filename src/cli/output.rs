//! What every command writes with: the streams, the exit codes, and the
//! helpers that keep what the server or a file says from reaching the
//! terminal raw.

use std::io::{self, BufRead, Write};

use serde_json::json;

use crate::api::ApiError;
use crate::connection::Connection;
pub(crate) use crate::num::{thousands, thousands_or_unknown};
pub use crate::text::{json as json_line, visible};

pub use crate::exit::{FAILED, INTERRUPTED, OK, REFUSED};

/// A stream whose reader may stop reading (`weya-tui phones | head -1`):
/// once a write finds the pipe closed, it and every later write are
/// dropped as if written. A closed pipe is the reader's choice, not a
/// failure: the command ends quietly, as `ls | head` does, and its exit
/// code still says what became of its work. That is 0 for a listing
/// rather than the 141 a shell reports for a process SIGPIPE ended: a
/// `set -o pipefail` script that reads one line on purpose does not fail,
/// and an import whose reader left still runs to the end and exits 0 or 1
/// by what was confirmed, never half done because nobody watched.
pub struct ReaderMayLeave<W> {
    inner: W,
    gone: bool,
}

impl<W: Write> ReaderMayLeave<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, gone: false }
    }

    /// `Ok(done)` for a closed pipe, remembering it; other results as they are.
    fn unless_gone<T>(&mut self, result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ReaderMayLeave<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.unless_gone(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let result = self.inner.flush();
        self.unless_gone(result, ())
    }
}

/// Asks a yes/no question; `Ok(true)` for yes.
pub type Confirm = dyn FnMut(&str) -> io::Result<bool>;

/// Where output goes and how to ask the operator.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Asks a yes/no question on the terminal; `None` when there is no
    /// terminal to ask on.
    pub confirm: Option<&'a mut Confirm>,
    /// Machine-readable output.
    pub json: bool,
}

impl<'a> Io<'a> {
    /// Streams with nobody to ask.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, json: bool) -> Self {
        Self {
            out,
            err,
            confirm: None,
            json,
        }
    }

    /// Says why the command failed, on stderr or as JSON on stdout. The
    /// message may quote the server or a file: it is shown made safe.
    pub(crate) fn fail(
        &mut self,
        code: u8,
        message: &str,
        extra: serde_json::Value,
    ) -> io::Result<u8> {
        if self.json {
            let mut value = json!({ "error": message });
            if let (Some(obj), serde_json::Value::Object(more)) = (value.as_object_mut(), extra) {
                obj.extend(more);
            }
            writeln!(self.out, "{}", json_line(&value))?;
        } else {
            writeln!(self.err, "weya-tui: {}", visible(message))?;
        }
        Ok(code)
    }

    /// [`fail`](Self::fail) for a message of several lines (a headline
    /// and a list of batches): the lines kept, each shown made safe.
    pub(crate) fn fail_lines(
        &mut self,
        code: u8,
        message: &str,
        extra: serde_json::Value,
    ) -> io::Result<u8> {
        if self.json {
            return self.fail(code, message, extra);
        }
        writeln!(
            self.err,
            "weya-tui: {}",
            crate::text::visible_lines(message)
        )?;
        Ok(code)
    }
}

/// An error and its causes on one line, as `{:#}` joins them, less any
/// cause that the text before it already ends with. A message may quote
/// its source and still return it from `source()` (a thiserror field named
/// `source` is one whether or not the message says it); said twice, the
/// reason reads as two failures.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let said = cause.to_string();
        if text.ends_with(&said) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&said);
    }
    text
}

/// Asks on the terminal; anything but y/yes is a no.
pub fn ask_on_terminal(question: &str) -> io::Result<bool> {
    let mut err = io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Which credentials the requests carry (masked) and where they came from,
/// to say so when the server refuses one. Never a credential itself.
#[derive(Debug, Clone)]
pub struct CredentialUsed {
    /// "x-api-key ••••cdef · Bearer token ••••5678", or the sandbox's.
    pub summary: String,
}

impl CredentialUsed {
    pub fn of(connection: &Connection) -> Self {
        Self {
            summary: connection.target.credentials_text(),
        }
    }

    /// For a refused credential (HTTP 401 or 403), what to tell the
    /// operator: which credential was sent, from where, and, where Weya
    /// documents the other one for the action, which it takes and where
    /// to set it. `None` for any other error.
    pub fn advice(&self, e: &ApiError) -> Option<String> {
        e.auth_advice().or_else(|| {
            e.is_auth_failure().then(|| {
                format!(
                    "The credentials ({}) were refused: check that they are this workspace's \
                     and have not expired or been revoked (`weya-tui doctor` checks each).",
                    self.summary
                )
            })
        })
    }
}

/// Says why a request failed, with the request ID support asks for and,
/// for a refused credential, which one was sent and from where.
pub(super) fn api_failure(
    io: &mut Io<'_>,
    e: &ApiError,
    credential: &CredentialUsed,
    extra: serde_json::Value,
) -> io::Result<u8> {
    let code = if e.is_config_problem() {
        REFUSED
    } else {
        FAILED
    };
    api_failure_with(io, code, &e.to_string(), e, credential, extra)
}

/// [`api_failure`] with the caller's exit code and message (which may say
/// more than the error does).
pub(super) fn api_failure_with(
    io: &mut Io<'_>,
    code: u8,
    message: &str,
    e: &ApiError,
    credential: &CredentialUsed,
    extra: serde_json::Value,
) -> io::Result<u8> {
    let mut message = message.to_owned();
    if let Some(id) = e.request_id()
        && !message.contains(id)
    {
        message.push_str(&format!(" (request ID {id})"));
    }
    let advice = credential.advice(e);
    if io.json {
        let mut value =
            json!({"status": e.status(), "requestId": e.request_id(), "advice": advice});
        if let (Some(obj), serde_json::Value::Object(more)) = (value.as_object_mut(), extra) {
            obj.extend(more);
        }
        return io.fail(code, &message, value);
    }
    io.fail(code, &message, json!({}))?;
    if let Some(advice) = advice {
        writeln!(io.err, "weya-tui: {}", visible(&advice))?;
    }
    Ok(code)
}

/// An answer of the API as JSON, or as the table `table` writes.
pub(super) fn listing<T: serde::Serialize>(
    result: Result<T, ApiError>,
    credential: &CredentialUsed,
    io: &mut Io<'_>,
    table: impl FnOnce(&T, &mut dyn Write) -> io::Result<()>,
) -> io::Result<u8> {
    let value = match result {
        Ok(v) => v,
        Err(e) => return api_failure(io, &e, credential, json!({})),
    };
    if io.json {
        writeln!(io.out, "{}", json_line(&value))?;
    } else {
        table(&value, io.out)?;
    }
    Ok(OK)
}

/// `n` and the noun for that many: "1 batch", "30,000 calls".
pub(crate) fn counted(n: u64, one: &str, many: &str) -> String {
    crate::num::counted_as(n, one, many)
}

/// Refuses a page asked for past the last one, which the server answers
/// with an empty page: shown as such, it would read as an empty account
/// or batch. `things` counts what the pages hold ("6 batches"). Page 1 is
/// never past the last: an empty page 1 is the plain truth.
pub(super) fn past_the_last_page(
    io: &mut Io<'_>,
    asked: u32,
    empty: bool,
    total_pages: u64,
    things: &str,
) -> io::Result<Option<u8>> {
    if asked <= 1 || !(empty || u64::from(asked) > total_pages) {
        return Ok(None);
    }
    let pages = total_pages.max(1);
    let message = format!(
        "page {asked} is past the last page ({}, {things})",
        counted(pages, "page", "pages")
    );
    let extra = json!({ "page": asked, "totalPages": pages });
    io.fail(REFUSED, &message, extra).map(Some)
}

/// A table cell: `text` made [`visible`], cut to `width` terminal columns
/// with an ellipsis, and padded to fill them (a CJK character takes two
/// columns, so the next column still lines up).
pub(crate) fn cell(text: &str, width: usize) -> String {
    crate::text::pad(&crate::text::fit(&visible(text), width), width)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Says its source and returns it, as a thiserror variant with a field
    /// named `source` and `{source}` in its message does.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot read f: {source}")]
    struct QuotesItsSource {
        source: io::Error,
    }

    #[test]
    fn a_cause_is_said_once_even_when_the_message_already_quotes_it() {
        let source = io::Error::other("disk on fire");
        let e = anyhow::Error::from(QuotesItsSource { source });
        assert_eq!(error_text(&e), "cannot read f: disk on fire");
        // Context that does not quote its cause still gets it appended.
        let e = e.context("cannot start");
        assert_eq!(error_text(&e), "cannot start: cannot read f: disk on fire");
    }
}
