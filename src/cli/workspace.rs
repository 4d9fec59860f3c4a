//! What the commands on a batch share: where they send ([`Workspace`]),
//! and how they say a failure or a note. A leaf of the commands: `batch`
//! and `export` both use it, and it uses neither.

use std::io;
use std::path::PathBuf;

use serde_json::json;

use super::output::{FAILED, Io, REFUSED};
use crate::api::{ApiError, WeyaClient};
use crate::text::visible;

/// Where the commands send to, and what they say about it.
pub struct Workspace {
    pub client: WeyaClient,
    /// `sandbox` or the host, as the journal records it.
    pub target: String,
    /// Where the credential came from ("environment variable WEYA_API_KEY"),
    /// for the advice on a refused one. Never the credential itself.
    pub credential: String,
    pub journal: Option<PathBuf>,
    /// How wide the calls table may be; `None` for as wide as it needs
    /// (the output is not a terminal).
    pub width: Option<usize>,
    /// With the sandbox as the target: whether another weya-tui runs it
    /// (its dialer goes on after this command), or only this command
    /// does (it dials only while a weya-tui runs; this one caught it up
    /// on starting). `None` for a real API.
    pub sandbox_elsewhere: Option<bool>,
    /// The connection is the sandbox with `--ignore-window` (its own or
    /// the running one's): its dialer calls at any hour, whatever the
    /// batches' windows. Known from the connection, not the sandbox.
    pub dialer_ignores_window: bool,
    /// The hours contacts may be called in their own time (`contact_hours`).
    pub contact_hours: crate::domain::local_time::ContactHours,
}

/// Says why a request failed (or was not sent), with the request ID
/// support asks for and, for a refused credential, which one the action
/// needs and which was used, from where.
pub fn failure(io: &mut Io<'_>, workspace: &Workspace, e: &ApiError) -> io::Result<u8> {
    failure_saying(io, workspace, e, e.to_string())
}

/// [`failure`] of a read (a batch's details, its calls, an export's
/// pages): nothing was changed, and where asking again may well work, it
/// says to run it again ([`ApiError::read_text`]).
pub fn read_failure(io: &mut Io<'_>, workspace: &Workspace, e: &ApiError) -> io::Result<u8> {
    failure_saying(io, workspace, e, e.read_text())
}

/// [`failure`] for a command on a batch that may have been deleted
/// meanwhile (`batch delete`, `batch watch`): a 404 says so. `read`: the
/// request only read.
pub fn batch_failure(
    io: &mut Io<'_>,
    workspace: &Workspace,
    e: &ApiError,
    read: bool,
) -> io::Result<u8> {
    let mut message = if read { e.read_text() } else { e.to_string() };
    if e.status() == Some(404) {
        message.push_str(
            " (the batch may have been deleted: `weya-tui batches` lists those there are)",
        );
    }
    failure_saying(io, workspace, e, message)
}

fn failure_saying(
    io: &mut Io<'_>,
    _workspace: &Workspace,
    e: &ApiError,
    mut message: String,
) -> io::Result<u8> {
    let code = if e.is_config_problem() {
        REFUSED
    } else {
        FAILED
    };
    if let Some(id) = e.request_id() {
        message.push_str(&format!(" (request ID {id})"));
    }
    let advice = e.auth_advice();
    if io.json {
        let extra = json!({"status": e.status(), "requestId": e.request_id(), "advice": advice});
        return io.fail(code, &message, extra);
    }
    io.fail(code, &message, json!({}))?;
    if let Some(advice) = advice {
        writeln!(io.err, "weya-tui: {}", visible(&advice))?;
    }
    Ok(code)
}

/// Something worth knowing that does not make the command fail.
pub fn note(io: &mut Io<'_>, text: &str) -> io::Result<()> {
    writeln!(io.err, "weya-tui: {}", visible(text))
}
