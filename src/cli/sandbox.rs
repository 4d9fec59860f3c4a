//! `weya-tui sandbox`: the embedded sandbox on its own, or its saved state
//! cleared.

use std::io::{self, Write};

use anyhow::Context;
use secrecy::ExposeSecret;

use super::output::ReaderMayLeave;
use crate::config::Paths;
use crate::sandbox::{
    Endpoint, Fault, SANDBOX_USER_ID, Sandbox, SandboxOptions, StartError, persist,
};

/// `sandbox --reset`: deletes the saved batches and calls.
pub fn reset(paths: Option<&Paths>) -> anyhow::Result<()> {
    let dir = paths
        .map(Paths::sandbox_state)
        .context("no home directory: the sandbox keeps no state")?;
    let file = dir.join(persist::STATE_FILE);
    // A running sandbox would write its batches back: it must stop first.
    let _claim = crate::sandbox::claim(&dir).map_err(|e| match e {
        busy @ StartError::Busy { .. } => anyhow::anyhow!("{busy}: stop it first"),
        StartError::Io(e) => {
            anyhow::Error::new(e).context(format!("cannot reset {}", dir.display()))
        }
    })?;
    // Not `println!`: it panics when nobody reads the output.
    let mut out = ReaderMayLeave::new(io::stdout());
    if persist::reset(&dir).with_context(|| format!("cannot remove {}", file.display()))? {
        writeln!(
            out,
            "Removed the sandbox's batches and calls ({}).",
            file.display()
        )?;
    } else {
        writeln!(out, "The sandbox had nothing saved ({}).", file.display())?;
    }
    Ok(())
}

/// `sandbox`: the embedded sandbox alone, until Ctrl-C, for curl or
/// another client; prints what they need to reach it.
pub async fn serve(
    port: u16,
    fault: Option<Fault>,
    ignore_window: bool,
    paths: Option<&Paths>,
) -> anyhow::Result<()> {
    let mut options = SandboxOptions::app(paths.map(Paths::sandbox_state));
    options.dialer.ignore_window = ignore_window;
    let sandbox = match Sandbox::start_with(port, options).await {
        Ok(sandbox) => sandbox,
        Err(busy @ StartError::Busy { .. }) => {
            let at = match paths
                .map(Paths::sandbox_state)
                .and_then(|d| Endpoint::read(&d))
            {
                Some(endpoint) => format!(" at {}", endpoint.base_url()),
                None => String::new(),
            };
            anyhow::bail!("{busy}{at}: stop it first, or point your client at it");
        }
        Err(StartError::Io(e)) => {
            return Err(anyhow::Error::new(e).context(format!("cannot listen on 127.0.0.1:{port}")));
        }
    };
    if let Some(fault) = &fault {
        sandbox.store().set_fault(Some(fault.clone()));
    }
    let url = sandbox.base_url();
    let key = sandbox.key().expose_secret();
    let token = sandbox.token().expose_secret();
    let mut out = ReaderMayLeave::new(io::stdout().lock());
    writeln!(
        out,
        "weya-tui sandbox: Weya's documented call API on a local test server"
    )?;
    writeln!(out, "  base URL  {url}")?;
    writeln!(out, "  user ID   {SANDBOX_USER_ID}")?;
    writeln!(
        out,
        "  API key   {key}   (x-api-key: createBatch, addCallsToBatch)"
    )?;
    writeln!(
        out,
        "  token     {token}   (Authorization: Bearer: createBatch, the batch list, \
         batch-details, start, stop, delete, add-phone)"
    )?;
    writeln!(
        out,
        "            each endpoint takes what its page in Weya's reference documents; \
         both are valid for this run only"
    )?;
    writeln!(
        out,
        "  phones    GET {url}/api/call/phones/{SANDBOX_USER_ID}   (our assumed path)"
    )?;
    match sandbox.state_file() {
        Some(file) => writeln!(
            out,
            "  state     {} (kept between runs; --reset clears it)",
            file.display()
        )?,
        None => writeln!(out, "  state     in memory only (no home directory)")?,
    }
    if let Some(note) = sandbox.note() {
        writeln!(out, "  note      {note}")?;
    }
    if ignore_window {
        writeln!(
            out,
            "  dialer    calls at any hour (--ignore-window), not only in each batch's window"
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Point weya-tui at it from another terminal:")?;
    writeln!(
        out,
        "  WEYA_BASE_URL={url} WEYA_API_KEY={key} WEYA_TOKEN={token} \
         WEYA_USER_ID={SANDBOX_USER_ID} weya-tui"
    )?;
    match fault {
        Some(Fault::Partial207) => writeln!(
            out,
            "Fault switch on: addCallsToBatch fails the last chunk of its rows and answers 207."
        )?,
        Some(fault) => writeln!(out, "Fault switch on: createBatch answers with {fault:?}.")?,
        None => {}
    }
    writeln!(out, "Ctrl-C stops it.")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
