//! Where this run's requests go: one client, and the embedded sandbox it
//! talks to when that is the target. Built once per run, by every command
//! and by the TUI alike.

use crate::api::{ApiError, WeyaClient};
use crate::config::{Config, Paths, Target};
use crate::sandbox::{Sandbox, SandboxOptions};

/// Why there is no connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot start the embedded sandbox")]
    Sandbox(#[source] std::io::Error),
    #[error(transparent)]
    Client(#[from] ApiError),
}

/// What the operator is told they are talking to (the TUI's header, the
/// journal's target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetLabel {
    Sandbox,
    Remote {
        host: String,
        /// Scheme, host and any path prefix, as requests are sent to it.
        base_url: String,
        auth_mode: &'static str,
        masked_key: String,
        /// Where the credential came from, to say when it is refused.
        credential_source: String,
    },
}

impl TargetLabel {
    /// `sandbox` or the host: how messages and the journal name the target.
    pub fn name(&self) -> &str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Remote { host, .. } => host,
        }
    }
}

/// The client for the configured target. `Debug` shows the credential
/// masked, as [`crate::api::Auth`] does.
#[derive(Debug)]
pub struct Connection {
    pub client: WeyaClient,
    /// What the operator is told they are talking to.
    pub target: TargetLabel,
    /// Whether the batch list can be asked for: it needs a user ID, which
    /// the sandbox always has and a remote target only when configured.
    pub can_list_batches: bool,
    /// Serves `client` when the sandbox is the target; dropping the
    /// connection stops it (and saves its state).
    sandbox: Option<Sandbox>,
}

impl Connection {
    /// Connects to `config`'s target: for the sandbox, starts it, keeping
    /// its batches under `paths`' state dir (when there is a home) so every
    /// command sees the same ones. Must be called inside a tokio runtime.
    pub async fn open(config: &Config, paths: Option<&Paths>) -> Result<Self, ConnectError> {
        match &config.target {
            Target::Sandbox => {
                let options = SandboxOptions::app(paths.map(Paths::sandbox_state));
                let sandbox = Sandbox::start_with(0, options)
                    .await
                    .map_err(ConnectError::Sandbox)?;
                Ok(Self {
                    client: WeyaClient::new(sandbox.client_config())?,
                    target: TargetLabel::Sandbox,
                    can_list_batches: true,
                    sandbox: Some(sandbox),
                })
            }
            Target::Remote { client, credential } => {
                let client = WeyaClient::new(client.clone())?;
                let config = client.config();
                let target = TargetLabel::Remote {
                    host: client.host().to_owned(),
                    base_url: config.base_url.clone(),
                    auth_mode: config.auth.mode(),
                    masked_key: config.auth.masked(),
                    credential_source: credential.to_string(),
                };
                Ok(Self {
                    can_list_batches: config.user_id.is_some(),
                    client,
                    target,
                    sandbox: None,
                })
            }
        }
    }

    /// `sandbox` or the host: how messages and the journal name the target.
    pub fn target_name(&self) -> &str {
        self.target.name()
    }

    /// The embedded sandbox, when that is the target.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::api::{Auth, ClientConfig};
    use crate::config::CredentialSource;

    const KEY: &str = "sk_live_0123456789abcdef";

    fn config(target: Target) -> Config {
        let mut config = crate::config::load_with(None, None, true, &|_| None, None).unwrap();
        config.target = target;
        config
    }

    #[tokio::test]
    async fn the_sandbox_target_starts_one_sandbox_that_the_client_talks_to() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_file: home.path().join("config.toml"),
            state_dir: home.path().join("state"),
            data_dir: home.path().join("data"),
        };
        let connection = Connection::open(&config(Target::Sandbox), Some(&paths))
            .await
            .unwrap();
        let sandbox = connection.sandbox().expect("the sandbox runs");
        assert_eq!(connection.client.config().base_url, sandbox.base_url());
        assert_eq!(connection.target, TargetLabel::Sandbox);
        assert_eq!(connection.target_name(), "sandbox");
        assert!(connection.can_list_batches);
        // Its state lives where every command finds it.
        assert_eq!(
            sandbox.state_file().unwrap().parent(),
            Some(paths.sandbox_state().as_path())
        );
        let phones = connection.client.list_phones().await.unwrap();
        assert!(!phones.is_empty());
        let key = sandbox.key().expose_secret().to_owned();
        assert!(!format!("{connection:?}").contains(&key));
    }

    #[tokio::test]
    async fn a_remote_target_is_named_by_its_host_and_never_shows_its_key() {
        let mut client = ClientConfig::new(
            "https://api.example.com/",
            Auth::ApiKey(SecretString::from(KEY)),
        );
        let remote = |client: ClientConfig| {
            config(Target::Remote {
                client,
                credential: CredentialSource::Env("WEYA_API_KEY"),
            })
        };
        let connection = Connection::open(&remote(client.clone()), None)
            .await
            .unwrap();
        assert!(connection.sandbox().is_none());
        assert_eq!(connection.target_name(), "api.example.com");
        assert!(!connection.can_list_batches, "no user ID, no batch list");
        let TargetLabel::Remote {
            base_url,
            masked_key,
            ..
        } = &connection.target
        else {
            panic!("{:?}", connection.target);
        };
        assert_eq!(base_url, "https://api.example.com");
        assert_eq!(masked_key, "••••cdef");
        let debug = format!("{connection:?}");
        assert!(!debug.contains("0123456789"), "{debug}");

        client.user_id = Some("u1".to_owned());
        let connection = Connection::open(&remote(client), None).await.unwrap();
        assert!(connection.can_list_batches);
    }

    #[tokio::test]
    async fn a_base_url_that_is_not_a_url_is_a_client_error() {
        let client = ClientConfig::new("not a url", Auth::ApiKey(SecretString::from(KEY)));
        let config = config(Target::Remote {
            client,
            credential: CredentialSource::Env("WEYA_API_KEY"),
        });
        let e = Connection::open(&config, None).await.unwrap_err();
        assert!(
            matches!(e, ConnectError::Client(ApiError::Config(_))),
            "{e}"
        );
        assert!(!e.to_string().contains(KEY));
    }
}
