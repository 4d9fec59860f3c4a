//! Where this run's requests go: one client, and the embedded sandbox it
//! talks to when that is the target. Built once per run, by every command
//! and by the TUI alike.

use std::time::Duration;

use crate::api::auth::Action;
use crate::api::{ApiError, AuthMode, ClientConfig, Credentials, WeyaClient};
use crate::config::{Config, Paths, Target};
use crate::domain::schedule::CallingSchedule;
use crate::sandbox::{Running, Sandbox, SandboxOptions, Standby, StartError};

/// How long a guest of the shared sandbox tries a refused request again
/// while it waits for the sandbox to be taken over from an owner that
/// quit.
const TAKEOVER_PATIENCE: Duration = Duration::from_secs(5);

/// Why there is no connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot start the embedded sandbox")]
    Sandbox(#[source] StartError),
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
        /// The credentials configured, masked, the key first.
        credentials: Vec<CredentialLabel>,
    },
}

/// A configured credential as the screen shows it: never the credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialLabel {
    pub mode: AuthMode,
    /// All but its last four characters hidden.
    pub masked: String,
    /// Where it came from: "environment variable WEYA_TOKEN".
    pub source: String,
}

impl CredentialLabel {
    /// The labels of `credentials`, the key first.
    pub fn of(credentials: &Credentials) -> Vec<Self> {
        credentials
            .modes()
            .into_iter()
            .filter_map(|mode| {
                credentials.get(mode).map(|c| Self {
                    mode,
                    masked: c.masked(),
                    source: c.source().to_owned(),
                })
            })
            .collect()
    }
}

impl TargetLabel {
    /// `sandbox` or the host: how messages and the journal name the target.
    pub fn name(&self) -> &str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Remote { host, .. } => host,
        }
    }

    /// The credentials, masked: "x-api-key ••••cdef · Bearer ••••5678".
    pub fn credentials_text(&self) -> String {
        self.credentials_joined(|mode| match mode {
            AuthMode::ApiKey => "x-api-key",
            AuthMode::Bearer => "Bearer",
        })
    }

    /// [`TargetLabel::credentials_text`] for a narrow header:
    /// "key ••••cdef · token ••••5678".
    pub fn credentials_short(&self) -> String {
        self.credentials_joined(|mode| match mode {
            AuthMode::ApiKey => "key",
            AuthMode::Bearer => "token",
        })
    }

    fn credentials_joined(&self, name: impl Fn(AuthMode) -> &'static str) -> String {
        match self {
            Self::Sandbox => "the sandbox's own key and token".to_owned(),
            Self::Remote { credentials, .. } => credentials
                .iter()
                .map(|c| format!("{} {}", name(c.mode), c.masked))
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }

    /// The credential a request for `action` carries, by the same rule
    /// the client follows ([`Credentials::for_action`]).
    pub fn carries(&self, action: Action) -> Option<&CredentialLabel> {
        let Self::Remote { credentials, .. } = self else {
            return None;
        };
        let mode = action
            .documented_auth()
            .choose(|m| credentials.iter().any(|c| c.mode == m))?;
        credentials.iter().find(|c| c.mode == mode)
    }

    /// Where a request for `action` goes and what it carries, for a
    /// review: "api.example.com, with x-api-key ••••cdef", or the sandbox.
    pub fn describe_for(&self, action: Action) -> String {
        match self {
            Self::Sandbox => "SANDBOX: the local test server; nothing reaches Weya".to_owned(),
            Self::Remote { host, .. } => match self.carries(action) {
                Some(c) => format!(
                    "{}, with {} {}",
                    crate::text::visible(host),
                    c.mode,
                    c.masked
                ),
                None => crate::text::visible(host).into_owned(),
            },
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
    /// What serves `client` when the sandbox is the target.
    sandbox: Option<Serving>,
    /// The owner's dialer setting, when this process joined a sandbox
    /// whose `--ignore-window` differs from the one it was given.
    window_mismatch: Option<WindowMismatch>,
    /// Whether the sandbox's dialer (this process's or the owner's) calls
    /// at any hour; `false` for a real API.
    dialer_ignores_window: bool,
}

/// A joined sandbox's dialer runs with the owner's `--ignore-window`, not
/// the guest's: the guest's own flag does nothing, and the operator who
/// gave it should hear so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WindowMismatch {
    /// The process that runs the sandbox.
    owner_pid: u32,
    /// Whether the owner's dialer ignores the calling windows.
    owner_ignores: bool,
}

/// Who runs the sandbox this connection talks to.
#[derive(Debug)]
enum Serving {
    /// This process: dropping the connection stops it (and saves its
    /// state), and another process may then take over.
    Here(Sandbox),
    /// Another process sharing the state directory; this one takes over
    /// if that one ends first.
    Elsewhere(Standby),
}

impl Connection {
    /// Connects to `config`'s target: for the sandbox, starts it, keeping
    /// its batches under `paths`' state dir (when there is a home) so every
    /// command sees the same ones. Must be called inside a tokio runtime.
    pub async fn open(config: &Config, paths: Option<&Paths>) -> Result<Self, ConnectError> {
        match &config.target {
            Target::Sandbox => {
                let mut options = SandboxOptions::app(paths.map(Paths::sandbox_state));
                options.dialer.ignore_window = config.ignore_window;
                let running = crate::sandbox::start_or_join(options.clone())
                    .await
                    .map_err(ConnectError::Sandbox)?;
                // Labelled the same either way: it is the same local
                // sandbox, never a remote host.
                let (client, serving, window_mismatch) = match running {
                    Running::Own(sandbox) => {
                        (sandbox.client_config(), Serving::Here(sandbox), None)
                    }
                    Running::Other(endpoint) => {
                        let mismatch = (endpoint.ignore_window != config.ignore_window).then_some(
                            WindowMismatch {
                                owner_pid: endpoint.pid,
                                owner_ignores: endpoint.ignore_window,
                            },
                        );
                        (
                            ClientConfig {
                                // The owner may quit at any moment; this
                                // process's standby then starts the sandbox
                                // again on the same address, normally within
                                // a second. Meanwhile requests are refused
                                // (and so safe to send again).
                                refused_patience: TAKEOVER_PATIENCE,
                                ..endpoint.client_config()
                            },
                            Serving::Elsewhere(Standby::watch(&endpoint, options)),
                            mismatch,
                        )
                    }
                };
                Ok(Self {
                    client: WeyaClient::new(client)?,
                    target: TargetLabel::Sandbox,
                    can_list_batches: true,
                    sandbox: Some(serving),
                    dialer_ignores_window: window_mismatch
                        .map_or(config.ignore_window, |m| m.owner_ignores),
                    window_mismatch,
                })
            }
            Target::Remote { client } => {
                let client = WeyaClient::new(client.clone())?;
                let config = client.config();
                let target = TargetLabel::Remote {
                    host: client.host().to_owned(),
                    base_url: config.base_url.clone(),
                    credentials: CredentialLabel::of(&config.credentials),
                };
                Ok(Self {
                    can_list_batches: config.user_id.is_some(),
                    client,
                    target,
                    sandbox: None,
                    window_mismatch: None,
                    dialer_ignores_window: false,
                })
            }
        }
    }

    /// `sandbox` or the host: how messages and the journal name the target.
    pub fn target_name(&self) -> &str {
        self.target.name()
    }

    /// The embedded sandbox, when that is the target and this process
    /// started it (not when it joined another process's).
    pub fn sandbox(&self) -> Option<&Sandbox> {
        match &self.sandbox {
            Some(Serving::Here(sandbox)) => Some(sandbox),
            Some(Serving::Elsewhere(_)) | None => None,
        }
    }

    /// Whether the sandbox this connection talks to runs in another
    /// process (and this one has not taken it over).
    pub fn joined_another_sandbox(&self) -> bool {
        matches!(&self.sandbox, Some(Serving::Elsewhere(standby)) if !standby.took_over())
    }

    /// Whether the dialer behind this connection calls at any hour,
    /// whatever the batches' windows: the sandbox's with `--ignore-window`
    /// (the running one's setting, when this process joined it).
    pub fn dialer_ignores_window(&self) -> bool {
        self.dialer_ignores_window
    }

    /// The batches whose calling schedules this connection knows by name:
    /// the sandbox's examples on the sandbox, none elsewhere. The client
    /// is handed them here and knows nothing else of the sandbox.
    pub fn example_schedules(&self) -> Vec<(String, CallingSchedule)> {
        if matches!(self.target, TargetLabel::Sandbox) {
            crate::sandbox::example_schedules()
        } else {
            Vec::new()
        }
    }

    /// What to tell the operator when this process joined another's
    /// sandbox and was given the other `--ignore-window` setting: the
    /// owner's dialer decides, so the flag given here does nothing. `None`
    /// when the settings agree, or this process runs the sandbox (it may
    /// have taken over since, with its own setting).
    pub fn window_mismatch(&self) -> Option<String> {
        let m = self
            .window_mismatch
            .filter(|_| self.joined_another_sandbox())?;
        let (with, does) = if m.owner_ignores {
            ("with", "the dialer calls at any hour")
        } else {
            ("without", "the dialer keeps calling windows")
        };
        Some(format!(
            "the sandbox is run by another weya-tui (PID {}) {with} --ignore-window: {does}",
            m.owner_pid
        ))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;
    use crate::api::{Auth, ClientConfig};

    const KEY: &str = "sk_live_0123456789abcdef";

    fn config(target: Target) -> Config {
        let mut config =
            crate::config::load_with(None, None, true, &|_| None, Default::default()).unwrap();
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

    fn paths_in(home: &std::path::Path) -> Paths {
        Paths {
            config_file: home.join("config.toml"),
            state_dir: home.join("state"),
            data_dir: home.join("data"),
        }
    }

    const BODY: &str =
        r#"{"batchName":"Made by the second","callingNumbers":["64e5f12345abcdef87654321"]}"#;

    async fn names(connection: &Connection) -> Vec<String> {
        let page = connection
            .client
            .list_batches(&crate::api::BatchQuery::default())
            .await
            .unwrap();
        page.batches.into_iter().map(|b| b.batch_name).collect()
    }

    #[tokio::test]
    async fn a_second_connection_on_the_same_state_joins_the_first_ones_sandbox() {
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let sandbox = config(Target::Sandbox);
        let first = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        let second = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        assert_eq!(
            second.client.config().base_url,
            first.client.config().base_url,
            "one sandbox, not two"
        );
        assert_eq!(second.target, TargetLabel::Sandbox, "a sandbox, not a host");
        assert!(second.can_list_batches && second.joined_another_sandbox());
        assert!(!first.joined_another_sandbox());

        second
            .client
            .create_batch_raw(BODY.to_owned())
            .await
            .unwrap();
        assert!(
            names(&first)
                .await
                .contains(&"Made by the second".to_owned())
        );

        // The address file holds the key: for this user's eyes only, and
        // never in a debug print.
        let file = paths.sandbox_state().join(crate::sandbox::ENDPOINT_FILE);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&file).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        let key = first.sandbox().unwrap().key().expose_secret().to_owned();
        assert!(!format!("{second:?}").contains(&key));
    }

    #[tokio::test]
    async fn when_the_owner_ends_a_newcomer_starts_afresh_on_the_saved_state() {
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let sandbox = config(Target::Sandbox);
        let first = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        let created = first
            .client
            .create_batch_raw(BODY.to_owned())
            .await
            .unwrap();
        let old_url = first.client.config().base_url.clone();
        drop(first);

        let third = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        assert!(third.sandbox().is_some(), "it runs its own");
        let page = third
            .client
            .list_batches(&crate::api::BatchQuery::default())
            .await
            .unwrap();
        assert!(page.batches.iter().any(|b| b.id == created.batch_id));
        assert_ne!(third.client.config().base_url, old_url);
    }

    #[tokio::test]
    async fn a_guest_takes_over_when_the_owner_ends_first_and_its_client_carries_on() {
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let sandbox = config(Target::Sandbox);
        let owner = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        let guest = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        guest
            .client
            .create_batch_raw(BODY.to_owned())
            .await
            .unwrap();
        drop(owner);

        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while guest.joined_another_sandbox() {
            assert!(tokio::time::Instant::now() < deadline, "never took over");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // Same address, same key: the client it had still works.
        assert!(
            names(&guest)
                .await
                .contains(&"Made by the second".to_owned())
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_guest_loses_no_request_while_it_takes_over_from_an_owner_that_quits() {
        const BATCHES: usize = 40;
        const OWNER_QUITS_AFTER: usize = 5;
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let sandbox = config(Target::Sandbox);
        let owner = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        let guest = Connection::open(&sandbox, Some(&paths)).await.unwrap();
        assert!(guest.joined_another_sandbox());

        let (sent, sent_rx) = tokio::sync::oneshot::channel();
        let (gone, gone_rx) = tokio::sync::oneshot::channel();
        let client = guest.client.clone();
        let sender = tokio::spawn(async move {
            let (mut sent, mut gone_rx) = (Some(sent), Some(gone_rx));
            let mut failures = Vec::new();
            for n in 0..BATCHES {
                // The owner quits between two requests, not during one:
                // a request the owner's server drops as it stops is a
                // different matter (its outcome is unknown to a client).
                if n == OWNER_QUITS_AFTER
                    && let (Some(sent), Some(gone)) = (sent.take(), gone_rx.take())
                {
                    sent.send(()).unwrap();
                    gone.await.unwrap();
                }
                let body = format!(
                    r#"{{"batchName":"guest {n}","callingNumbers":["64e5f12345abcdef87654321"]}}"#
                );
                if let Err(e) = client.create_batch_raw(body).await {
                    failures.push(format!("batch {n}: {e}"));
                }
            }
            failures
        });
        sent_rx.await.unwrap();
        drop(owner);
        gone.send(()).unwrap();
        let failures = tokio::time::timeout(PATIENCE, sender)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(failures, Vec::<String>::new());
        assert!(!guest.joined_another_sandbox(), "the guest took over");

        let page = guest
            .client
            .list_batches(&crate::api::BatchQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        for n in 0..BATCHES {
            let name = format!("guest {n}");
            let stored = page.batches.iter().filter(|b| b.batch_name == name);
            assert_eq!(stored.count(), 1, "{name}");
        }
    }

    /// Longer than the guest's patience for a takeover, with room to spare.
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

    #[tokio::test]
    async fn ignore_window_reaches_the_sandbox_this_connection_starts() {
        let mut config = config(Target::Sandbox);
        config.ignore_window = true;
        let connection = Connection::open(&config, None).await.unwrap();
        let sandbox = connection.sandbox().unwrap();
        assert!(sandbox.store().dialer_config().ignore_window);
    }

    #[tokio::test]
    async fn a_guest_given_another_ignore_window_than_the_owner_is_told_whose_counts() {
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let keeps_windows = config(Target::Sandbox);
        let mut ignores = config(Target::Sandbox);
        ignores.ignore_window = true;

        let owner = Connection::open(&keeps_windows, Some(&paths))
            .await
            .unwrap();
        assert_eq!(
            owner.window_mismatch(),
            None,
            "the owner's flag is in force"
        );
        let guest = Connection::open(&ignores, Some(&paths)).await.unwrap();
        assert!(guest.joined_another_sandbox());
        assert_eq!(
            guest.window_mismatch().as_deref(),
            Some(
                format!(
                    "the sandbox is run by another weya-tui (PID {}) without --ignore-window: \
                     the dialer keeps calling windows",
                    std::process::id()
                )
                .as_str()
            )
        );
        let agreeing = Connection::open(&keeps_windows, Some(&paths))
            .await
            .unwrap();
        assert_eq!(agreeing.window_mismatch(), None);
        drop((guest, agreeing, owner));

        // The other way round.
        let home = tempfile::tempdir().unwrap();
        let paths = paths_in(home.path());
        let owner = Connection::open(&ignores, Some(&paths)).await.unwrap();
        let guest = Connection::open(&keeps_windows, Some(&paths))
            .await
            .unwrap();
        assert!(
            guest
                .window_mismatch()
                .is_some_and(|t| t.ends_with("with --ignore-window: the dialer calls at any hour")),
            "{:?}",
            guest.window_mismatch()
        );
        drop(owner);
    }

    #[tokio::test]
    async fn a_remote_target_is_named_by_its_host_and_never_shows_its_key() {
        let mut client = ClientConfig::new(
            "https://api.example.com/",
            Auth::ApiKey(SecretString::from(KEY)),
        );
        let remote = |client: ClientConfig| config(Target::Remote { client });
        let connection = Connection::open(&remote(client.clone()), None)
            .await
            .unwrap();
        assert!(connection.sandbox().is_none());
        assert_eq!(connection.target_name(), "api.example.com");
        assert!(!connection.can_list_batches, "no user ID, no batch list");
        let TargetLabel::Remote { base_url, .. } = &connection.target else {
            panic!("{:?}", connection.target);
        };
        assert_eq!(base_url, "https://api.example.com");
        assert_eq!(connection.target.credentials_text(), "x-api-key ••••cdef");
        let debug = format!("{connection:?}");
        assert!(!debug.contains("0123456789"), "{debug}");

        client.user_id = Some("u1".to_owned());
        let connection = Connection::open(&remote(client), None).await.unwrap();
        assert!(connection.can_list_batches);
    }

    #[test]
    fn the_label_says_what_each_action_carries_by_the_clients_rule() {
        use crate::api::{AuthMode, Credential, Credentials};
        let credentials = Credentials::default()
            .with(
                AuthMode::ApiKey,
                Credential::new(SecretString::from(KEY), "environment variable WEYA_API_KEY"),
            )
            .with(
                AuthMode::Bearer,
                Credential::new(
                    SecretString::from("tok_0123456789ab9876"),
                    "config file /c.toml",
                ),
            );
        let label = TargetLabel::Remote {
            host: "api.example.com".into(),
            base_url: "https://api.example.com".into(),
            credentials: CredentialLabel::of(&credentials),
        };
        assert_eq!(
            label.credentials_text(),
            "x-api-key ••••cdef · Bearer ••••9876"
        );
        assert_eq!(label.credentials_short(), "key ••••cdef · token ••••9876");
        for action in Action::ALL {
            assert_eq!(
                label.carries(action).map(|c| c.mode),
                credentials.for_action(action).map(|(m, _)| m),
                "{action:?}"
            );
        }
        assert_eq!(
            label.describe_for(Action::CreateBatch),
            "api.example.com, with x-api-key ••••cdef"
        );
        assert_eq!(
            label.describe_for(Action::DeleteBatch),
            "api.example.com, with Bearer token ••••9876"
        );
    }

    #[tokio::test]
    async fn a_base_url_that_is_not_a_url_is_a_client_error() {
        let client = ClientConfig::new("not a url", Auth::ApiKey(SecretString::from(KEY)));
        let config = config(Target::Remote { client });
        let e = Connection::open(&config, None).await.unwrap_err();
        assert!(
            matches!(e, ConnectError::Client(ApiError::Config(_))),
            "{e}"
        );
        assert!(!e.to_string().contains(KEY));
    }
}
