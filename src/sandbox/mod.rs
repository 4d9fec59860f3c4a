//! The embedded sandbox: an HTTP server on 127.0.0.1 that implements Weya's
//! documented call API (validation, envelopes, errors) over a store in
//! memory, with a simulated dialer that works through started batches.
//!
//! The app talks to it over real loopback HTTP when no credentials are
//! configured, so a fresh machine can create a batch with no account; the
//! tests use it the same way. It holds a workspace key and a Bearer token
//! and, as Weya's pages say, each endpoint takes only the one its page
//! documents ([`auth`]).
//!
//! [`Sandbox::start`] is what tests want: in memory, empty, on the wall
//! clock. [`Sandbox::start_with`] takes [`SandboxOptions`]: a state
//! directory (batches, calls and added phones kept between runs, see
//! [`persist`]), example batches on a first run, the dialer's settings and
//! a clock.
//!
//! The dialer's progress is a function of time, not of whether a process
//! ran: the state records how far the dialer had got, and a start (a TUI,
//! or any command that runs the sandbox itself) dials on from there to
//! now, at most [`MAX_CATCH_UP`] of it, with the saved random source, so
//! the outcome is what one process running all along would have dialled.

pub mod auth;
mod dialer;
mod examples;
mod fault;
mod handlers;
mod model;
pub mod persist;
mod shared;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{AuthMode, ClientConfig, Credential, Credentials};
use crate::store::lock::{self, FileLock, TryLock};
pub use dialer::{BatchSettings, DialerConfig, IN_PROGRESS};
pub use examples::example_schedules;
pub use fault::Fault;
pub use model::{CallStep, QueueStatus, StoredBatch, StoredCall, StoredPhone};
use persist::Persister;
pub use shared::{ENDPOINT_FILE, Endpoint, LOCK_FILE, Running, Standby, start_or_join};
pub use store::{CaughtUp, Clock, MAX_CATCH_UP, SandboxStore};

/// The sandbox workspace's user ID (needed by the batch and phone lists).
pub const SANDBOX_USER_ID: &str = "5f0c0ffee0ddba11ab1e5eed";

/// How the names of the example batches begin. The UI can say a batch is
/// an example when the target is the sandbox and its name begins so (the
/// batch list's items carry no other mark; the store also flags them, see
/// [`SandboxStore::is_example`]).
pub const EXAMPLE_PREFIX: &str = "Example: ";

/// How long the state waits after a change before it is saved, so a burst
/// of changes (a dialer at work) costs one write.
const SAVE_DEBOUNCE: Duration = Duration::from_secs(1);

/// How a sandbox starts.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Keep batches and calls in this directory between runs; `None` keeps
    /// them in memory only.
    pub state_dir: Option<PathBuf>,
    /// Start with the example batches when there is no saved state.
    pub examples: bool,
    pub dialer: DialerConfig,
    pub clock: Clock,
    /// The workspace key to accept; `None` makes a fresh random one. Given
    /// when a process takes over a sandbox whose clients know its key.
    pub key: Option<SecretString>,
    /// The Bearer token to accept, likewise.
    pub token: Option<SecretString>,
}

impl SandboxOptions {
    /// What the app runs: state kept in `state_dir` (when there is a home
    /// to keep it in) and examples on a first run.
    pub fn app(state_dir: Option<PathBuf>) -> Self {
        Self {
            state_dir,
            examples: true,
            ..Self::default()
        }
    }
}

/// Why a sandbox did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Another process runs the sandbox kept in this state directory.
    #[error("{} holds the sandbox kept in {}", holder(*.pid), dir.display())]
    Busy { dir: PathBuf, pid: Option<u32> },
}

fn holder(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!("another weya-tui (pid {pid})"),
        None => "another weya-tui".to_owned(),
    }
}

/// A running sandbox. Dropping it stops the server and saves its state.
pub struct Sandbox {
    addr: SocketAddr,
    key: SecretString,
    token: SecretString,
    store: Arc<SandboxStore>,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
    persister: Option<Arc<Persister>>,
    note: Option<String>,
    /// What the start made of the time since the saved state.
    caught_up: CaughtUp,
    /// Where other processes find this sandbox (removed when it stops).
    endpoint_file: Option<PathBuf>,
    /// Its state directory is this sandbox's alone while it runs: the
    /// claim goes when the value does (after the last save, as fields
    /// drop after [`Drop::drop`]), or when the process dies.
    _claim: Option<FileLock>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts the sandbox on `127.0.0.1:port` (0 picks a free port) with a
    /// fresh random credential, the seed phone numbers and no batches, in
    /// memory, dialing on the wall clock.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        // With no state directory there is nothing to claim: only the
        // socket can fail.
        Self::start_with(port, SandboxOptions::default())
            .await
            .map_err(|e| match e {
                StartError::Io(e) => e,
                busy @ StartError::Busy { .. } => std::io::Error::other(busy),
            })
    }

    /// Starts the sandbox with `options`. A saved state that cannot be read
    /// is moved aside (and said in [`Sandbox::note`]), not lost. With a
    /// state directory, the sandbox claims it first: [`StartError::Busy`]
    /// when another one runs there ([`start_or_join`] then joins that one).
    pub async fn start_with(port: u16, mut options: SandboxOptions) -> Result<Self, StartError> {
        // A directory that cannot be used (a file in its way) leaves the
        // sandbox in memory, as it was before it kept a state at all.
        let mut unusable = None;
        let claim = match &options.state_dir {
            Some(dir) => match claim(dir) {
                Ok(claim) => Some(claim),
                Err(StartError::Io(e)) => {
                    tracing::warn!(error = %e, "the sandbox keeps its state in memory only");
                    unusable = Some(format!(
                        "The sandbox keeps its batches in memory only: {}: {e}.",
                        dir.display()
                    ));
                    options.state_dir = None;
                    None
                }
                Err(busy) => return Err(busy),
            },
            None => None,
        };
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let clock = options.clock;
        let ignore_window = options.dialer.ignore_window;
        let store = Arc::new(SandboxStore::with(
            clock,
            options.dialer,
            auth::SandboxAuth::new(options.key, options.token),
            Vec::new(),
        ));

        let (saved, note) = match &options.state_dir {
            Some(dir) => load_state(dir).await,
            None => (None, unusable),
        };
        // The state file holds the log up to here; a replayed log is
        // written into it at the first save, which empties the log.
        let (log_seq, mut up_to_date) = saved
            .as_ref()
            .map_or((0, false), |s| (s.log_seq, s.pending.is_empty()));
        let mut caught_up = CaughtUp::default();
        match saved {
            Some(saved) => {
                // Hours of dialing may be caught up: off the async threads.
                let restoring = Arc::clone(&store);
                let caught = tokio::task::spawn_blocking(move || restoring.restore(saved))
                    .await
                    .map_err(std::io::Error::other)?;
                if caught.dialed > Duration::ZERO || caught.skipped > Duration::ZERO {
                    tracing::info!(dialed = ?caught.dialed, skipped = ?caught.skipped, "the sandbox's dialer caught up");
                }
                up_to_date &= !caught.changed;
                caught_up = caught;
            }
            None if options.examples => {
                store.replace_batches(examples::examples(&store, store.now()))
            }
            None => {}
        }
        let endpoint_file = match &options.state_dir {
            Some(dir) => {
                let endpoint = Endpoint::new(
                    addr,
                    store.key().clone(),
                    store.token().clone(),
                    ignore_window,
                );
                Some(endpoint.write(dir)?)
            }
            None => None,
        };
        let persister = match options.state_dir {
            Some(dir) => {
                // What was just read needs no write; examples, a replayed
                // log and a dialer that caught up do.
                let written = if up_to_date { store.generation() } else { 0 };
                let persister = Persister::new(dir, written, log_seq);
                store.keep_log(persister.open_log(log_seq)?);
                Some(Arc::new(persister))
            }
            None => None,
        };

        let (key, token) = (store.key().clone(), store.token().clone());
        let router = handlers::router(Arc::clone(&store));
        let (tx, rx) = oneshot::channel::<()>();
        let mut tasks = vec![tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        })];
        if !matches!(clock, Clock::Manual { .. }) {
            tasks.push(tokio::spawn(drive_dialer(Arc::clone(&store))));
        }
        if let Some(persister) = &persister {
            tasks.push(tokio::spawn(save_changes(
                Arc::clone(&store),
                Arc::clone(persister),
            )));
        }
        tracing::info!(%addr, "sandbox listening");
        Ok(Self {
            addr,
            key,
            token,
            store,
            shutdown: Some(tx),
            tasks,
            persister,
            note,
            caught_up,
            endpoint_file,
            _claim: claim,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The sandbox's own workspace key (x-api-key). It guards nothing of
    /// value, but it is handled like any other key so that the sandbox
    /// exercises the same paths.
    pub fn key(&self) -> &SecretString {
        &self.key
    }

    /// The sandbox's own Bearer token, handled like the key.
    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// The store behind the server, for tests and the standalone command.
    pub fn store(&self) -> &SandboxStore {
        &self.store
    }

    /// Something to tell the operator about the start: a saved state that
    /// could not be read and was moved aside.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// How much time since the saved state this start dialled, and how
    /// much it skipped (beyond [`MAX_CATCH_UP`]).
    pub fn caught_up(&self) -> CaughtUp {
        self.caught_up
    }

    /// The file the state is kept in, when it is kept.
    pub fn state_file(&self) -> Option<PathBuf> {
        self.persister.as_ref().map(|p| p.path())
    }

    /// Moves the sandbox's time on by `by`, dialing as it goes: a test says
    /// "after 30 s of dialing" without waiting 30 s. With [`Clock::Manual`]
    /// this is the only way time passes.
    pub fn advance(&self, by: Duration) {
        self.store.advance(by);
    }

    /// The sandbox's time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.store.now()
    }

    /// Saves the state now if it changed since the last save (blocking:
    /// called on the way out, and by tests).
    pub fn save_now(&self) -> std::io::Result<()> {
        match &self.persister {
            Some(persister) => save(&self.store, persister),
            None => Ok(()),
        }
    }

    /// A client configuration that reaches this sandbox with both its
    /// credentials, as the app is configured against Weya.
    pub fn client_config(&self) -> ClientConfig {
        client_config(self.base_url(), &self.key, &self.token)
    }
}

/// A client configuration for the sandbox at `base_url`, with its key
/// and its token (each action carries the one its page documents).
fn client_config(base_url: String, key: &SecretString, token: &SecretString) -> ClientConfig {
    let copy = |s: &SecretString| SecretString::from(s.expose_secret().to_owned());
    let credentials = Credentials::default()
        .with(
            AuthMode::ApiKey,
            Credential::new(copy(key), "the sandbox's own key"),
        )
        .with(
            AuthMode::Bearer,
            Credential::new(copy(token), "the sandbox's own token"),
        );
    let mut config = ClientConfig::new(base_url, credentials);
    config.user_id = Some(SANDBOX_USER_ID.to_owned());
    config
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for task in &self.tasks[1..] {
            task.abort();
        }
        // The last changes, written here rather than lost with the process.
        // It blocks the thread briefly, once, on the way out.
        if let Err(e) = self.save_now() {
            tracing::warn!(error = %e, "cannot save the sandbox's state");
        }
        // Before the claim goes: a newcomer that takes it over writes its
        // own file, which this must not remove.
        if let Some(file) = &self.endpoint_file
            && let Err(e) = std::fs::remove_file(file)
        {
            tracing::warn!(error = %e, "cannot remove the sandbox's address file");
        }
    }
}

/// The claim on `dir` (created if missing) for a sandbox of this process,
/// or for clearing its state while none runs.
pub fn claim(dir: &std::path::Path) -> Result<FileLock, StartError> {
    std::fs::create_dir_all(dir)?;
    match lock::try_lock(&dir.join(shared::LOCK_FILE))? {
        TryLock::Taken(claim) => Ok(claim),
        TryLock::Busy(pid) => Err(StartError::Busy {
            dir: dir.to_owned(),
            pid,
        }),
    }
}

/// The saved batches, or `None` to start afresh; and a note when the saved
/// state was unreadable and moved aside.
async fn load_state(dir: &std::path::Path) -> (Option<persist::Loaded>, Option<String>) {
    let dir = dir.to_owned();
    let loaded = tokio::task::spawn_blocking(move || {
        persist::load(&dir).map_err(|e| {
            let moved = persist::set_aside(&dir);
            (e, moved)
        })
    })
    .await;
    match loaded {
        Ok(Ok(batches)) => (batches, None),
        Ok(Err((e, moved))) => {
            tracing::warn!(error = %e, "sandbox state not loaded");
            let kept = match moved {
                Ok(to) => format!("kept as {}", to.display()),
                Err(why) => format!("could not be moved aside: {why}"),
            };
            (
                None,
                Some(format!("The sandbox started afresh: {e} ({kept}).")),
            )
        }
        Err(e) => (None, Some(format!("The sandbox started afresh: {e}."))),
    }
}

/// Runs the dialer while it has work, on tokio's clock: idle, it sleeps
/// until a batch is started or calls are added.
async fn drive_dialer(store: Arc<SandboxStore>) {
    loop {
        if !store.dialer_busy() {
            store.dialer_wake.notified().await;
            store.skip_idle_time();
        }
        let mut last = tokio::time::Instant::now();
        let mut interval = tokio::time::interval_at(last + dialer::SLICE, dialer::SLICE);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while store.dialer_busy() {
            interval.tick().await;
            let now = tokio::time::Instant::now();
            store.tick(now - last);
            last = now;
        }
    }
}

/// Saves the state a moment after it changes, on a blocking thread.
async fn save_changes(store: Arc<SandboxStore>, persister: Arc<Persister>) {
    loop {
        store.changed.notified().await;
        tokio::time::sleep(SAVE_DEBOUNCE).await;
        let (store, persister) = (Arc::clone(&store), Arc::clone(&persister));
        let saved = tokio::task::spawn_blocking(move || save(&store, &persister)).await;
        match saved {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot save the sandbox's state"),
            Err(e) => tracing::warn!(error = %e, "the sandbox's save task failed"),
        }
    }
}

/// Writes the state file if the state changed since the last write, then
/// empties the log if the file now holds all of it (blocking).
fn save(store: &SandboxStore, persister: &Persister) -> std::io::Result<()> {
    let snapshot = store.snapshot()?;
    let saved_seq = persister.write(snapshot.generation, &snapshot.bytes, snapshot.log_seq)?;
    store.compact_log(saved_seq)
}
