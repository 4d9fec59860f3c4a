//! What every command writes with: the streams, the exit codes, and the
//! helpers that keep what the server or a file says from reaching the
//! terminal raw.

use std::io::{self, BufRead, Write};

use serde_json::json;

use crate::api::ApiError;
pub use crate::text::{json as json_line, visible};

/// Exit codes.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const REFUSED: u8 = 2;

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

fn api_failure(io: &mut Io<'_>, e: &ApiError) -> io::Result<u8> {
    let code = if e.is_config_problem() {
        REFUSED
    } else {
        FAILED
    };
    let extra = json!({"status": e.status(), "requestId": e.request_id()});
    io.fail(code, &e.to_string(), extra)
}

/// An answer of the API as JSON, or as the table `table` writes.
pub(super) fn listing<T: serde::Serialize>(
    result: Result<T, ApiError>,
    io: &mut Io<'_>,
    table: impl FnOnce(&T, &mut dyn Write) -> io::Result<()>,
) -> io::Result<u8> {
    let value = match result {
        Ok(v) => v,
        Err(e) => return api_failure(io, &e),
    };
    if io.json {
        writeln!(io.out, "{}", json_line(&value))?;
    } else {
        table(&value, io.out)?;
    }
    Ok(OK)
}

/// A table cell: `text` made [`visible`] and cut to `width` characters.
pub(crate) fn cell(text: &str, width: usize) -> String {
    visible(text).chars().take(width).collect()
}
