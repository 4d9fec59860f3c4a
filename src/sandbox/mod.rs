//! The embedded sandbox: an HTTP server on 127.0.0.1 that implements Weya's
//! documented call API (validation, envelopes, errors) over a store in memory.
//!
//! The app talks to it over real loopback HTTP when no credentials are
//! configured, so a fresh machine can create a batch with no account; the
//! tests use it the same way. It accepts only its own credential.

mod fault;
mod handlers;
mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::api::{Auth, ClientConfig};
pub use fault::Fault;
pub use store::{SandboxStore, StoredBatch};

/// The sandbox workspace's user ID (needed by the batch and phone lists).
pub const SANDBOX_USER_ID: &str = "5f0c0ffee0ddba11ab1e5eed";

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    key: SecretString,
    store: Arc<SandboxStore>,
    shutdown: Option<oneshot::Sender<()>>,
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
    /// fresh random credential and the seed phone numbers.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let store = Arc::new(SandboxStore::seeded());
        let key = store.key().clone();
        let router = handlers::router(Arc::clone(&store));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(%addr, "sandbox listening");
        Ok(Self {
            addr,
            key,
            store,
            shutdown: Some(tx),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The sandbox's own credential. It guards nothing of value, but it is
    /// handled like any other key so that the sandbox exercises the same paths.
    pub fn key(&self) -> &SecretString {
        &self.key
    }

    /// The store behind the server, for tests and the standalone command.
    pub fn store(&self) -> &SandboxStore {
        &self.store
    }

    /// A client configuration that reaches this sandbox with its credential.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(
            self.base_url(),
            Auth::ApiKey(SecretString::from(self.key.expose_secret().to_owned())),
        );
        config.user_id = Some(SANDBOX_USER_ID.to_owned());
        config
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
