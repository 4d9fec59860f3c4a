//! One sandbox per state directory, shared by every process that wants it.
//!
//! Two processes each running their own sandbox over the same
//! `sandbox.json` would overwrite each other's batches. So the first one
//! to start claims the directory (an advisory lock, [`LOCK_FILE`], that
//! the system releases however the process ends) and writes its address
//! and key to [`ENDPOINT_FILE`] (mode 0600, like any credential file,
//! though the key is a local test key); a second process that finds the
//! claim taken talks to that sandbox over loopback instead of starting
//! its own ([`start_or_join`]), and stands by ([`Standby`]) to take over
//! on the same address and key should the first one end before it does.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use super::{Sandbox, SandboxOptions, StartError};
use crate::api::ClientConfig;

/// The claim on the state directory.
pub const LOCK_FILE: &str = "sandbox.lock";
/// The running sandbox's address and key, beside `sandbox.json`.
pub const ENDPOINT_FILE: &str = "sandbox-endpoint.json";

/// How long a newcomer waits for a sandbox that has claimed the directory
/// to say where it listens (it writes the file just after binding).
const JOIN_PATIENCE: Duration = Duration::from_secs(5);
/// How often a newcomer looks again, and a guest checks whether the owner
/// is gone.
const POLL: Duration = Duration::from_millis(50);
const STANDBY_POLL: Duration = Duration::from_millis(250);
/// How many times in a row a guest that got the claim tries the owner's
/// port before it gives up (10 s).
const PORT_TRIES: u32 = 40;

/// Where a running sandbox listens, and its key and token. `Debug` leaves
/// them out.
#[derive(Clone)]
pub struct Endpoint {
    pub addr: SocketAddr,
    key: SecretString,
    token: SecretString,
    /// The process that runs it.
    pub pid: u32,
    /// Whether its dialer ignores the batches' calling windows.
    pub ignore_window: bool,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("addr", &self.addr)
            .field("pid", &self.pid)
            .field("ignore_window", &self.ignore_window)
            .finish_non_exhaustive()
    }
}

/// The file's shape.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    pid: u32,
    addr: SocketAddr,
    key: String,
    /// Absent from the file of a weya-tui whose sandbox had no token: that
    /// one took its key on every endpoint, as a Bearer token too.
    #[serde(default)]
    token: Option<String>,
    ignore_window: bool,
}

impl Endpoint {
    pub(super) fn new(
        addr: SocketAddr,
        key: SecretString,
        token: SecretString,
        ignore_window: bool,
    ) -> Self {
        Self {
            addr,
            key,
            token,
            pid: std::process::id(),
            ignore_window,
        }
    }

    /// Writes the file in `dir` (replaced atomically, so a reader never
    /// sees half of it; the temporary file it is renamed from is created
    /// 0600). Returns its path.
    pub(super) fn write(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let saved = Saved {
            pid: self.pid,
            addr: self.addr,
            key: self.key.expose_secret().to_owned(),
            token: Some(self.token.expose_secret().to_owned()),
            ignore_window: self.ignore_window,
        };
        let bytes = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        let path = dir.join(ENDPOINT_FILE);
        // Meaningless after a crash (the sandbox died with it): atomic, not
        // waited onto the disk.
        crate::store::atomic_replace_volatile(&path, &bytes)?;
        Ok(path)
    }

    /// The file in `dir`; `None` when there is none or it is unreadable
    /// (a writer that died before the rename leaves no file, not a bad one).
    pub fn read(dir: &Path) -> Option<Self> {
        let bytes = std::fs::read(dir.join(ENDPOINT_FILE)).ok()?;
        let saved: Saved = serde_json::from_slice(&bytes).ok()?;
        Some(Self {
            addr: saved.addr,
            token: SecretString::from(saved.token.unwrap_or_else(|| saved.key.clone())),
            key: SecretString::from(saved.key),
            pid: saved.pid,
            ignore_window: saved.ignore_window,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client configuration that reaches this sandbox with its key and
    /// its token.
    pub fn client_config(&self) -> ClientConfig {
        super::client_config(self.base_url(), &self.key, &self.token)
    }
}

/// The sandbox a process talks to.
#[derive(Debug)]
pub enum Running {
    /// Started here: this process owns the state directory.
    Own(Sandbox),
    /// Started by another process, reached over loopback.
    Other(Endpoint),
}

/// Starts the sandbox kept in `options.state_dir`, or joins the one another
/// process runs there. Without a state directory, always starts one.
pub async fn start_or_join(options: SandboxOptions) -> Result<Running, StartError> {
    let Some(dir) = options.state_dir.clone() else {
        return Ok(Running::Own(Sandbox::start_with(0, options).await?));
    };
    let deadline = tokio::time::Instant::now() + JOIN_PATIENCE;
    loop {
        match Sandbox::start_with(0, options.clone()).await {
            Ok(sandbox) => return Ok(Running::Own(sandbox)),
            Err(StartError::Busy { pid, .. }) => {
                if let Some(endpoint) = Endpoint::read(&dir)
                    && pid.is_none_or(|pid| pid == endpoint.pid)
                    && tokio::net::TcpStream::connect(endpoint.addr).await.is_ok()
                {
                    tracing::info!(addr = %endpoint.addr, pid = endpoint.pid, "joining the running sandbox");
                    return Ok(Running::Other(endpoint));
                }
                // Claimed but not yet listening, or the file is an old
                // owner's: the new owner writes its own in a moment.
                if tokio::time::Instant::now() >= deadline {
                    return Err(StartError::Busy { dir, pid });
                }
                tokio::time::sleep(POLL).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A guest's watch on the owner: when the owner's claim goes (it ended,
/// however), starts a sandbox on the owner's address with the owner's
/// key, from the state the owner left, so this process's client carries
/// on. Dropping it stops the watch, and the sandbox it started if any
/// (saving its state).
#[derive(Debug)]
pub struct Standby {
    task: JoinHandle<()>,
    taken: Arc<Mutex<Option<Sandbox>>>,
}

impl Standby {
    /// Watches the sandbox at `endpoint`, to take over with `options`.
    pub fn watch(endpoint: &Endpoint, options: SandboxOptions) -> Self {
        let taken = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&taken);
        let port = endpoint.addr.port();
        let options = SandboxOptions {
            key: Some(endpoint.key.clone()),
            token: Some(endpoint.token.clone()),
            ..options
        };
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(STANDBY_POLL);
            let mut port_busy = 0;
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match Sandbox::start_with(port, options.clone()).await {
                    Ok(sandbox) => {
                        tracing::info!(addr = %sandbox.addr(), "took over the sandbox");
                        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(sandbox);
                        return;
                    }
                    Err(StartError::Busy { .. }) => {}
                    // The owner's listener may outlive its claim briefly
                    // (its server winds down after the last save).
                    Err(StartError::Io(e))
                        if e.kind() == std::io::ErrorKind::AddrInUse && port_busy < PORT_TRIES =>
                    {
                        port_busy += 1;
                    }
                    Err(e) => {
                        // The port was taken meanwhile: this process's
                        // requests fail from now on, and say so.
                        tracing::warn!(error = %e, "cannot take over the sandbox");
                        return;
                    }
                }
            }
        });
        Self { task, taken }
    }

    /// Whether this process now runs the sandbox.
    pub fn took_over(&self) -> bool {
        self.taken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }
}

impl Drop for Standby {
    fn drop(&mut self) {
        self.task.abort();
        // Dropped here, not whenever the aborted task is: saved now.
        let taken = self.taken.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(taken);
    }
}
