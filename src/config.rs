//! Configuration: the config file, the environment, the XDG paths, and the
//! choice between a real Weya workspace and the embedded sandbox.
//!
//! Secrets come from the environment or the config file only, never from a
//! command-line flag, and are held as [`secrecy::SecretString`].

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use crate::api::types::is_object_id;
use crate::api::{AuthMode, ClientConfig, Credential, Credentials, DEFAULT_PHONES_PATH, Phone};

/// The config file's keys. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    base_url: Option<String>,
    user_id: Option<String>,
    phones_path: Option<String>,
    api_key: Option<String>,
    token: Option<String>,
    timezone: Option<String>,
    timeout_secs: Option<u64>,
    refresh_secs: Option<u64>,
    notify_bell: Option<bool>,
    notify_desktop: Option<DesktopNotice>,
    contact_hours: Option<String>,
}

/// What the TUI does, besides the line in its header, when a batch
/// completes, stops or stalls while it runs (the config file's
/// `notify_bell` and `notify_desktop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notify {
    /// Ring the terminal's bell.
    pub bell: bool,
    pub desktop: DesktopNotice,
}

impl Default for Notify {
    fn default() -> Self {
        Self {
            bell: true,
            desktop: DesktopNotice::Osc9,
        }
    }
}

impl Notify {
    /// Whether it writes anything at all.
    pub fn is_on(self) -> bool {
        self.bell || self.desktop != DesktopNotice::Off
    }
}

/// Which escape sequence asks the terminal for a desktop notification:
/// terminals understand one or the other, and some both (which would
/// show it twice), so one is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DesktopNotice {
    Off,
    Osc9,
    Osc777,
}

/// How often, in seconds, a live view on screen refreshes, unless
/// configured (`WEYA_REFRESH_SECS`, `refresh_secs`).
pub const DEFAULT_REFRESH_SECS: u64 = 5;

/// The refresh intervals accepted. 0 would poll without pause, and more
/// than an hour is no longer live; either is refused rather than changed.
pub const REFRESH_SECS: RangeInclusive<u64> = 1..=3600;

/// Where a setting in force came from: the operator is told this when a
/// credential is refused, and `doctor` lists it for every setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Env(&'static str),
    ConfigFile(PathBuf),
    /// Standard input, by the flag that says so (`--api-key-stdin`).
    Stdin(&'static str),
    /// Nothing set it: weya-tui's default.
    Default,
    /// Read from the system (the timezone).
    System,
    /// The embedded sandbox's own credentials.
    Sandbox,
}

/// The name this type had when there was one credential.
pub type CredentialSource = Origin;

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::ConfigFile(path) => write!(f, "config file {}", path.display()),
            Self::Stdin(flag) => write!(f, "standard input ({flag})"),
            Self::Default => f.write_str("default"),
            Self::System => f.write_str("the system"),
            Self::Sandbox => f.write_str("the sandbox's own credentials"),
        }
    }
}

/// One setting as it is in force, for `doctor`: what it is, where it can
/// be set, its value (a credential masked) and where that came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// In words: "base URL", "x-api-key".
    pub name: &'static str,
    pub env: Option<&'static str>,
    pub key: Option<&'static str>,
    /// As shown: a credential masked; `None` when not set.
    pub value: Option<String>,
    /// `None` when not set.
    pub origin: Option<Origin>,
}

/// What the app talks to.
#[derive(Debug, Clone)]
pub enum Target {
    /// Start the embedded sandbox and talk to it over loopback HTTP.
    Sandbox,
    /// A Weya workspace: where each credential came from is in
    /// [`ClientConfig::credentials`].
    Remote { client: ClientConfig },
}

/// Credentials given on standard input (`--api-key-stdin`,
/// `--token-stdin`): they win over the environment and the file.
#[derive(Default)]
pub struct GivenCredentials {
    pub key: Option<SecretString>,
    pub token: Option<SecretString>,
}

/// Where weya-tui keeps its files: the one place every path is built
/// from, for the app, the CLI and the store alike.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub state_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The XDG locations (`XDG_CONFIG_HOME`, `XDG_STATE_HOME`, `XDG_DATA_HOME`
    /// are honoured), or `None` when no home directory can be found.
    pub fn discover() -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", "weya-tui")?;
        let state_dir = dirs
            .state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf();
        Some(Self {
            config_file: dirs.config_dir().join("config.toml"),
            state_dir,
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }

    /// The operator's phone book: phone ID → number and label.
    pub fn phone_book(&self) -> PathBuf {
        self.config_file.with_file_name("phonebook.toml")
    }

    /// The form's draft.
    pub fn draft(&self) -> PathBuf {
        self.state_dir.join("draft.json")
    }

    /// Saved templates.
    pub fn templates(&self) -> PathBuf {
        self.data_dir.join("templates")
    }

    /// Where the app last ended (the form or the campaign views).
    pub fn last_view(&self) -> PathBuf {
        self.state_dir.join("last-view")
    }

    /// The submit journal (JSON Lines).
    pub fn journal(&self) -> PathBuf {
        self.state_dir.join("journal.jsonl")
    }

    /// Where import journals are kept: `imports/` in the state folder,
    /// beside the submit journal, for the import view and `batch import`
    /// alike.
    pub fn imports(&self) -> PathBuf {
        self.state_dir.join("imports")
    }

    /// Where splits of a batch by time zone are recorded: `splits/` in
    /// the state folder ([`crate::domain::zone_split::SplitJournal`]).
    pub fn splits(&self) -> PathBuf {
        self.state_dir.join("splits")
    }

    /// Where the TUI writes exports of batches' calls (`e`): `exports/`
    /// in the data folder, beside the templates.
    pub fn exports(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    /// The embedded sandbox's saved batches and calls.
    pub fn sandbox_state(&self) -> PathBuf {
        self.state_dir.join("sandbox")
    }

    /// The log (and, beside it, the one before it: see [`crate::logging`]).
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("weya-tui.log")
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub target: Target,
    /// The timezone the form starts with.
    pub default_timezone: String,
    /// Whether that timezone was configured (`WEYA_TIMEZONE`, `timezone`)
    /// rather than taken from the system.
    pub timezone_configured: bool,
    /// The config file that was read, if one was.
    pub config_file: Option<PathBuf>,
    /// How often a live view on screen refreshes when all is well.
    pub refresh: Duration,
    /// The embedded sandbox, if this process starts it, dials whatever
    /// the batches' calling windows say (`--ignore-window`).
    pub ignore_window: bool,
    /// What a batch's news does in the TUI besides its header.
    pub notify: Notify,
    /// The hours contacts may be called in their own time (`contact_hours`,
    /// 08:00–21:00 by default): a batch's window leaving them is flagged.
    pub contact_hours: crate::domain::local_time::ContactHours,
    /// Every setting, with its value and where it came from (`doctor`).
    pub settings: Vec<Setting>,
}

impl Config {
    /// `--ignore-window` tells the embedded sandbox's dialer what to do:
    /// with a real API as the target it would do nothing, so it is refused.
    pub fn ask_ignore_window(&mut self, asked: bool) -> Result<(), ConfigError> {
        if asked && !matches!(self.target, Target::Sandbox) {
            return Err(ConfigError::IgnoreWindowWithRealApi);
        }
        self.ignore_window = asked;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "--ignore-window applies to the embedded sandbox only, and a real API is configured \
         (add --sandbox to use the sandbox)"
    )]
    IgnoreWindowWithRealApi,
    /// The reason is said here and is no `source()`: printers that walk
    /// the chain would say it twice.
    #[error("cannot read the config file {path}: {}", io_reason(why))]
    Read { path: PathBuf, why: std::io::Error },
    #[error("the config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Incomplete(String),
    /// A setting's value is not one it takes: refused, never changed.
    #[error("{setting} ({origin}) is {value}: {expected}")]
    Invalid {
        setting: &'static str,
        /// Where the value came from: "environment variable" or "config
        /// file PATH".
        origin: String,
        /// The value as given, quoted when it is text.
        value: String,
        expected: String,
    },
    #[error(
        "the config file {path} holds a credential and other users can {access} it; \
         fix it with: chmod 600 '{path}'"
    )]
    Exposed { path: PathBuf, access: Access },
    /// Whoever can change the file can point the app, and the key from the
    /// environment, at a server of their own.
    #[error(
        "other users can change the config file {path}, and with it where your key is sent; \
         fix it with: chmod 600 '{path}'"
    )]
    Writable { path: PathBuf },
    /// Reading a FIFO would wait for a writer, `/dev/zero` would never end,
    /// a directory is no file: only a regular file is read, and at once.
    #[error("the config file {path} is {kind}, not a regular file")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("the config file {path} is larger than {limit} bytes: not a config file")]
    TooLarge { path: PathBuf, limit: u64 },
    /// As ssh refuses its config: a file another user owns can be changed
    /// by them, to point the app (and the key) at any host.
    #[error(
        "the config file {path} belongs to another user (uid {owner}), who could change where \
         your credentials are sent; fix it with: chown \"$(id -un)\" '{path}' (as root), or \
         use a file of your own"
    )]
    NotOwned { path: PathBuf, owner: u32 },
    /// Whoever can change a directory on the way to the file can replace
    /// the file.
    #[error(
        "other users can change the directory {dir}, and so replace the config file {path}; \
         fix it with: chmod go-w '{dir}'"
    )]
    DirectoryWritable { dir: PathBuf, path: PathBuf },
    #[error(
        "the directory {dir} of the config file {path} belongs to another user (uid {owner}), \
         who could replace the file; use a config file in a directory of your own"
    )]
    DirectoryNotOwned {
        dir: PathBuf,
        path: PathBuf,
        owner: u32,
    },
}

/// Resolves the configuration from an optional config file and the
/// environment (`env` is injected so tests need not touch the process's).
///
/// `explicit_file` must exist; the default file may be absent.
pub fn load(
    explicit_file: Option<&Path>,
    default_file: Option<&Path>,
    force_sandbox: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    load_with(
        explicit_file,
        default_file,
        force_sandbox,
        env,
        GivenCredentials::default(),
    )
}

/// [`load`], with credentials given another way (`--api-key-stdin`,
/// `--token-stdin`) that win over the environment and the file.
pub fn load_with(
    explicit_file: Option<&Path>,
    default_file: Option<&Path>,
    force_sandbox: bool,
    env: &dyn Fn(&str) -> Option<String>,
    given: GivenCredentials,
) -> Result<Config, ConfigError> {
    let (file, file_path) = match (explicit_file, default_file) {
        (Some(path), _) => (read_file(path)?, Some(path.to_path_buf())),
        (None, Some(path)) if path.symlink_metadata().is_ok() => {
            (read_file(path)?, Some(path.to_path_buf()))
        }
        _ => (FileConfig::default(), None),
    };
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let from_file = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let file_origin = || Origin::ConfigFile(file_path.clone().unwrap_or_default());
    // The environment, else the file: the value and where it came from.
    let pick = |var: &'static str, value: &Option<String>| match env(var) {
        Some(v) => Some((v, Origin::Env(var))),
        None => from_file(value).map(|v| (v, file_origin())),
    };

    let configured_timezone = pick("WEYA_TIMEZONE", &file.timezone);
    let timezone_configured = configured_timezone.is_some();
    let (default_timezone, timezone_origin) = match configured_timezone {
        Some(found) => found,
        None => match system_timezone() {
            Some(tz) => (tz, Origin::System),
            None => ("UTC".to_owned(), Origin::Default),
        },
    };

    let refresh = refresh_interval(
        env("WEYA_REFRESH_SECS"),
        file.refresh_secs,
        file_path.as_deref(),
    )?;

    let contact_hours = match from_file(&file.contact_hours) {
        None => crate::domain::local_time::ContactHours::default(),
        Some(text) => {
            crate::domain::local_time::ContactHours::parse(&text).map_err(|expected| {
                ConfigError::Invalid {
                    setting: "contact_hours",
                    origin: file_origin().to_string(),
                    value: format!("{text:?}"),
                    expected,
                }
            })?
        }
    };

    if let Some(path) = &file_path {
        let access = access_by_others(path);
        if file.api_key.is_some() || file.token.is_some() {
            if let Some(access) = access {
                return Err(ConfigError::Exposed {
                    path: path.clone(),
                    access,
                });
            }
        } else if matches!(access, Some(Access::Write | Access::ReadWrite)) {
            return Err(ConfigError::Writable { path: path.clone() });
        }
    }
    let credential =
        |mode: AuthMode, given: Option<SecretString>, in_file: &Option<String>| match given {
            Some(secret) => Some((secret, Origin::Stdin(mode.stdin_flag()))),
            None => pick(mode.env_var(), in_file).map(|(v, o)| (SecretString::from(v), o)),
        };
    let key = credential(AuthMode::ApiKey, given.key, &file.api_key);
    let token = credential(AuthMode::Bearer, given.token, &file.token);
    let base_url = pick("WEYA_BASE_URL", &file.base_url);
    if let Some((url, origin)) = &base_url {
        refuse_userinfo(url, origin)?;
    }
    let user_id = pick("WEYA_USER_ID", &file.user_id);
    let phones_path = pick("WEYA_PHONES_PATH", &file.phones_path).map(|(mut path, origin)| {
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        (path, origin)
    });
    let timeout = file
        .timeout_secs
        .map(|secs| (Duration::from_secs(secs.max(1)), file_origin()));

    let mut credentials = Credentials::default();
    let mut settings = vec![Setting {
        name: "base URL",
        env: Some("WEYA_BASE_URL"),
        key: Some("base_url"),
        value: base_url.as_ref().map(|(url, _)| url.clone()),
        origin: base_url.as_ref().map(|(_, origin)| origin.clone()),
    }];
    for (mode, found) in [(AuthMode::ApiKey, key), (AuthMode::Bearer, token)] {
        let origin = found.as_ref().map(|(_, origin)| origin.clone());
        let found = found.map(|(secret, origin)| Credential::new(secret, origin.to_string()));
        settings.push(Setting {
            name: mode.label(),
            env: Some(mode.env_var()),
            key: Some(mode.config_key()),
            value: found.as_ref().map(Credential::masked),
            origin,
        });
        if let Some(found) = found {
            credentials = credentials.with(mode, found);
        }
    }
    settings.extend([
        Setting {
            name: "user ID",
            env: Some("WEYA_USER_ID"),
            key: Some("user_id"),
            value: user_id.as_ref().map(|(v, _)| v.clone()),
            origin: user_id.as_ref().map(|(_, o)| o.clone()),
        },
        Setting {
            name: "phones path",
            env: Some("WEYA_PHONES_PATH"),
            key: Some("phones_path"),
            value: Some(
                phones_path
                    .as_ref()
                    .map_or(DEFAULT_PHONES_PATH, |(v, _)| v.as_str())
                    .to_owned(),
            ),
            origin: Some(
                phones_path
                    .as_ref()
                    .map_or(Origin::Default, |(_, o)| o.clone()),
            ),
        },
        Setting {
            name: "timezone",
            env: Some("WEYA_TIMEZONE"),
            key: Some("timezone"),
            value: Some(default_timezone.clone()),
            origin: Some(timezone_origin),
        },
        Setting {
            name: "refresh",
            env: Some("WEYA_REFRESH_SECS"),
            key: Some("refresh_secs"),
            value: Some(format!("{} s", refresh.as_secs())),
            origin: Some(if env("WEYA_REFRESH_SECS").is_some() {
                Origin::Env("WEYA_REFRESH_SECS")
            } else if file.refresh_secs.is_some() {
                file_origin()
            } else {
                Origin::Default
            }),
        },
        Setting {
            name: "contact hours",
            env: None,
            key: Some("contact_hours"),
            value: Some(contact_hours.describe()),
            origin: Some(if file.contact_hours.is_some() {
                file_origin()
            } else {
                Origin::Default
            }),
        },
        Setting {
            name: "timeout",
            env: None,
            key: Some("timeout_secs"),
            value: Some(format!(
                "{} s",
                timeout
                    .as_ref()
                    .map_or(crate::api::client::DEFAULT_TIMEOUT, |(t, _)| *t)
                    .as_secs()
            )),
            origin: Some(timeout.as_ref().map_or(Origin::Default, |(_, o)| o.clone())),
        },
    ]);

    let target = match (force_sandbox, base_url, credentials.is_empty()) {
        (true, _, _) | (false, None, true) => Target::Sandbox,
        (false, None, false) => {
            let sources: Vec<&str> = credentials
                .modes()
                .into_iter()
                .filter_map(|m| credentials.get(m).map(Credential::source))
                .collect();
            return Err(ConfigError::Incomplete(format!(
                "a credential is set ({}) but no base URL: set WEYA_BASE_URL \
                 (Weya does not document its production host), or run with --sandbox",
                sources.join(", ")
            )));
        }
        (false, Some((url, _)), true) => {
            return Err(ConfigError::Incomplete(format!(
                "WEYA_BASE_URL is {url} but no credential is set: set WEYA_API_KEY (the \
                 workspace key, for importing contacts) and WEYA_TOKEN (a Bearer token, for \
                 the batch list, starting, stopping and deleting), or api_key and token in the \
                 config file"
            )));
        }
        (false, Some((url, _)), false) => {
            let mut client = ClientConfig::new(url, credentials);
            client.user_id = user_id.map(|(v, _)| v);
            if let Some((path, _)) = phones_path {
                client.phones_path = path;
            }
            if let Some((timeout, _)) = timeout {
                client.timeout = timeout;
            }
            Target::Remote { client }
        }
    };
    Ok(Config {
        target,
        default_timezone,
        timezone_configured,
        config_file: file_path,
        refresh,
        ignore_window: false,
        notify: Notify {
            bell: file.notify_bell.unwrap_or(true),
            desktop: file.notify_desktop.unwrap_or(DesktopNotice::Osc9),
        },
        contact_hours,
        settings,
    })
}

/// A base URL with a user name or password is refused: Weya's
/// credentials travel in headers, and a password in the URL would be
/// shown wherever the URL is (the log, a dry run's curl line). The
/// message shows the URL without them.
fn refuse_userinfo(url: &str, origin: &Origin) -> Result<(), ConfigError> {
    let Some(shown) = crate::api::client::without_userinfo(url) else {
        return Ok(());
    };
    let setting = match origin {
        Origin::Env(var) => var,
        _ => "base_url",
    };
    Err(ConfigError::Invalid {
        setting,
        origin: match origin {
            Origin::Env(_) => "environment variable".to_owned(),
            other => other.to_string(),
        },
        value: format!("{shown:?} with a user name or password (not shown)"),
        expected: "remove them from the URL: Weya's credentials go in WEYA_API_KEY and \
                   WEYA_TOKEN (or api_key and token in the config file), never in the URL"
            .to_owned(),
    })
}

/// The refresh interval: `WEYA_REFRESH_SECS`, else the file's
/// `refresh_secs`, else [`DEFAULT_REFRESH_SECS`]. A value that is not a
/// whole number of seconds within [`REFRESH_SECS`] is refused, naming the
/// setting and where it came from.
fn refresh_interval(
    from_env: Option<String>,
    from_file: Option<u64>,
    file: Option<&Path>,
) -> Result<Duration, ConfigError> {
    let (secs, setting, origin, value) = match (from_env, from_file) {
        (Some(text), _) => (
            text.trim().parse::<u64>().ok(),
            "WEYA_REFRESH_SECS",
            "environment variable".to_owned(),
            format!("{text:?}"),
        ),
        (None, Some(secs)) => (
            Some(secs),
            "refresh_secs",
            format!("config file {}", file.unwrap_or(Path::new("")).display()),
            secs.to_string(),
        ),
        (None, None) => return Ok(Duration::from_secs(DEFAULT_REFRESH_SECS)),
    };
    match secs {
        Some(secs) if REFRESH_SECS.contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(ConfigError::Invalid {
            setting,
            origin,
            value,
            expected: format!(
                "the refresh interval takes whole seconds from {} to {}",
                REFRESH_SECS.start(),
                REFRESH_SECS.end()
            ),
        }),
    }
}

/// What the group or others may do to a file, by its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::Write => "change",
            Self::ReadWrite => "read and change",
        })
    }
}

/// Whether the file's mode lets the group or others read or write it.
fn access_by_others(path: &Path) -> Option<Access> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    match (mode & 0o044 != 0, mode & 0o022 != 0) {
        (true, true) => Some(Access::ReadWrite),
        (true, false) => Some(Access::Read),
        (false, true) => Some(Access::Write),
        (false, false) => None,
    }
}

/// What went wrong, in the system's words without its number: "No such
/// file or directory", not "… (os error 2)".
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => text[..at].to_owned(),
        _ => text,
    }
}

/// The most a config file (or the phone book) may hold. Either is a few
/// lines; anything larger is some other file.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let read = |why| ConfigError::Read {
        path: path.to_path_buf(),
        why,
    };
    let file = open_regular_file(path).map_err(|e| match e {
        OpenError::Io(why) => read(why),
        OpenError::NotAFile(kind) => ConfigError::NotAFile {
            path: path.to_path_buf(),
            kind,
        },
    })?;
    check_owner(path, &file)?;
    let text = read_bounded(file, MAX_CONFIG_BYTES)
        .map_err(read)?
        .ok_or_else(|| ConfigError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_CONFIG_BYTES,
        })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Why a file was not opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    Io(std::io::Error),
    /// What it is instead of a regular file, from [`not_a_file`].
    NotAFile(&'static str),
}

/// Opens `path` for reading if it is a regular file, and at once whatever
/// it is: the open does not wait for a FIFO's writer (`O_NONBLOCK`), and
/// what was opened is checked, not what the name pointed at a moment before.
pub(crate) fn open_regular_file(path: &Path) -> Result<std::fs::File, OpenError> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| OpenError::Io(e.into()))?;
    let file = std::fs::File::from(fd);
    let kind = file.metadata().map_err(OpenError::Io)?.file_type();
    match not_a_file(kind) {
        None => Ok(file),
        Some(what) => Err(OpenError::NotAFile(what)),
    }
}

/// What `kind` is when it is not a regular file, in the words every
/// refusal uses (the config file, `create --file`, a contacts file):
/// "a named pipe (FIFO)", "a device", "a directory", "a socket"; `None`
/// for a regular file.
pub fn not_a_file(kind: std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some(if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    })
}

/// The file's text, or `None` when it holds more than `limit` bytes.
fn read_bounded(file: std::fs::File, limit: u64) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    Ok((text.len() as u64 <= limit).then_some(text))
}

/// As ssh checks its config: the file must be this user's (or root's),
/// and every directory on the way to it (as named, and where its links
/// lead) must be this user's or root's and not changeable by other users,
/// unless it is sticky (`/tmp`: others cannot replace what is yours in it).
fn check_owner(path: &Path, file: &std::fs::File) -> Result<(), ConfigError> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let trusted = |uid: u32| uid == me || uid == 0;
    let owner = file
        .metadata()
        .map_err(|why| ConfigError::Read {
            path: path.to_path_buf(),
            why,
        })?
        .uid();
    if !trusted(owner) {
        return Err(ConfigError::NotOwned {
            path: path.to_path_buf(),
            owner,
        });
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| absolute.clone());
    let mut dirs: Vec<&Path> = absolute.ancestors().skip(1).collect();
    for dir in real.ancestors().skip(1) {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    for dir in dirs {
        // A directory that cannot be read about is one the open above
        // went through: the file was read, and nothing here says more.
        let Ok(meta) = std::fs::metadata(dir) else {
            continue;
        };
        const STICKY: u32 = 0o1000;
        if !trusted(meta.uid()) {
            return Err(ConfigError::DirectoryNotOwned {
                dir: dir.to_path_buf(),
                path: path.to_path_buf(),
                owner: meta.uid(),
            });
        }
        if meta.mode() & 0o022 != 0 && meta.mode() & STICKY == 0 {
            return Err(ConfigError::DirectoryWritable {
                dir: dir.to_path_buf(),
                path: path.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// One entry of the phone book.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookEntry {
    number: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    integration: String,
}

/// Reads the phone book: a TOML file whose tables are phone IDs, e.g.
///
/// ```toml
/// ["64e5f12345abcdef87654321"]
/// number = "12125550143"
/// label = "New York sales"
/// ```
///
/// A missing file is an empty book. Errors name the file and what is wrong.
pub fn load_phone_book(path: &Path) -> Result<Vec<Phone>, String> {
    let cannot = |e: &std::io::Error| format!("cannot read {}: {}", path.display(), io_reason(e));
    let file = match open_regular_file(path) {
        Ok(file) => file,
        Err(OpenError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new());
        }
        Err(OpenError::Io(e)) => return Err(cannot(&e)),
        Err(OpenError::NotAFile(kind)) => {
            return Err(format!("{} is {kind}, not a regular file", path.display()));
        }
    };
    let text = read_bounded(file, MAX_CONFIG_BYTES)
        .map_err(|e| cannot(&e))?
        .ok_or_else(|| format!("{} is larger than {MAX_CONFIG_BYTES} bytes", path.display()))?;
    let book: std::collections::BTreeMap<String, BookEntry> =
        toml::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display()))?;
    book.into_iter()
        .map(|(id, entry)| {
            let id = id.to_ascii_lowercase();
            if !is_object_id(&id) {
                return Err(format!(
                    "{}: \"{id}\" is not a phone ID (24 hex characters)",
                    path.display()
                ));
            }
            Ok(Phone {
                id,
                phone_number: entry.number.trim_start_matches('+').to_owned(),
                integration: entry.integration,
                label: entry.label,
            })
        })
        .collect()
}

/// The operator's clock, from [`system_timezone`] (UTC when none is
/// found), read once: the CLI's times read on it.
pub fn local_clock() -> crate::domain::clock::LocalClock {
    static CLOCK: std::sync::OnceLock<crate::domain::clock::LocalClock> =
        std::sync::OnceLock::new();
    *CLOCK.get_or_init(|| {
        crate::domain::clock::LocalClock::named(&system_timezone().unwrap_or_default())
    })
}

/// The operator's IANA timezone: `TZ`, else `/etc/timezone`, else the target
/// of the `/etc/localtime` link.
pub fn system_timezone() -> Option<String> {
    let valid = |name: &str| name.parse::<chrono_tz::Tz>().is_ok();
    if let Ok(tz) = std::env::var("TZ") {
        let tz = tz.trim_start_matches(':');
        if valid(tz) {
            return Some(tz.to_owned());
        }
    }
    if let Ok(text) = std::fs::read_to_string("/etc/timezone") {
        let tz = text.trim();
        if valid(tz) {
            return Some(tz.to_owned());
        }
    }
    let link = std::fs::read_link("/etc/localtime").ok()?;
    let link = link.to_string_lossy();
    let (_, name) = link.split_once("zoneinfo/")?;
    valid(name).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn a_config_file_that_cannot_be_read_says_why_once_without_the_error_number() {
        let missing = Path::new("/nonexistent/weya.toml");
        let e = load(Some(missing), None, false, &env_of(&[])).unwrap_err();
        let wanted =
            "cannot read the config file /nonexistent/weya.toml: No such file or directory";
        assert_eq!(e.to_string(), wanted);
        // Whatever walks the chain of causes finds nothing more to say.
        assert_eq!(format!("{:#}", anyhow::Error::from(e)), wanted);
    }

    #[test]
    fn nothing_configured_means_sandbox() {
        let c = load(None, None, false, &env_of(&[])).unwrap();
        assert!(matches!(c.target, Target::Sandbox));
    }

    #[test]
    fn env_configures_a_remote_target_with_api_key() {
        let c = load(
            None,
            None,
            false,
            &env_of(&[
                ("WEYA_BASE_URL", "https://weya.example"),
                ("WEYA_API_KEY", "k-123"),
                ("WEYA_USER_ID", "u1"),
                ("WEYA_PHONES_PATH", "api/x/{userId}"),
            ]),
        )
        .unwrap();
        let Target::Remote { client } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(client.base_url, "https://weya.example");
        assert_eq!(client.credentials.modes(), [AuthMode::ApiKey]);
        assert_eq!(client.user_id.as_deref(), Some("u1"));
        assert_eq!(client.phones_path, "/api/x/{userId}");
        assert_eq!(
            source_of(&client, AuthMode::ApiKey),
            "environment variable WEYA_API_KEY"
        );
    }

    fn source_of(client: &ClientConfig, mode: AuthMode) -> String {
        client
            .credentials
            .get(mode)
            .map(|c| c.source().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn both_credentials_are_held_each_from_where_it_was_set() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "base_url = \"https://x\"\napi_key = \"k-file-0123456789\"\ntoken = \"t-file\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        // The environment's token wins over the file's; the file's key stays.
        let env = env_of(&[("WEYA_TOKEN", "t-env")]);
        let c = load(Some(&path), None, false, &env).unwrap();
        let Target::Remote { client } = &c.target else {
            panic!("expected remote");
        };
        assert_eq!(
            client.credentials.modes(),
            [AuthMode::ApiKey, AuthMode::Bearer]
        );
        assert_eq!(
            source_of(client, AuthMode::ApiKey),
            format!("config file {}", path.display())
        );
        assert_eq!(
            source_of(client, AuthMode::Bearer),
            "environment variable WEYA_TOKEN"
        );
        let shown: Vec<(&str, Option<String>, Option<Origin>)> = c
            .settings
            .iter()
            .map(|s| (s.name, s.value.clone(), s.origin.clone()))
            .collect();
        assert!(shown.contains(&(
            "x-api-key",
            Some("••••6789".to_owned()),
            Some(Origin::ConfigFile(path.clone()))
        )));
        assert!(shown.contains(&(
            "Bearer token",
            Some("••••".to_owned()),
            Some(Origin::Env("WEYA_TOKEN"))
        )));
        assert!(
            !format!("{c:?}").contains("k-file-0123456789"),
            "no credential in a debug print"
        );
    }

    #[test]
    fn sandbox_flag_wins_and_half_configurations_are_refused() {
        let env = env_of(&[
            ("WEYA_BASE_URL", "https://weya.example"),
            ("WEYA_API_KEY", "k"),
        ]);
        assert!(matches!(
            load(None, None, true, &env).unwrap().target,
            Target::Sandbox
        ));
        let e = load(None, None, false, &env_of(&[("WEYA_API_KEY", "k")])).unwrap_err();
        assert!(e.to_string().contains("WEYA_BASE_URL"), "{e}");
        assert!(!e.to_string().contains("k\""), "{e}");
        let e = load(
            None,
            None,
            false,
            &env_of(&[("WEYA_BASE_URL", "https://x")]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("WEYA_API_KEY"), "{e}");
    }

    #[test]
    fn a_config_file_with_a_credential_that_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "base_url = \"https://x\"\napi_key = \"k-secret\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load(Some(&path), None, false, &env_of(&[])).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        assert!(!e.to_string().contains("k-secret"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&path), None, false, &env_of(&[])).is_ok());
        // No credential in it: who may read it does not matter.
        std::fs::write(&path, "base_url = \"https://x\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(
            load(Some(&path), None, false, &env_of(&[]))
                .is_err_and(|e| e.to_string().contains("no credential"))
        );
    }

    #[test]
    fn a_config_file_with_a_credential_that_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "base_url = \"https://x\"\napi_key = \"k-secret\"\n").unwrap();
        for (mode, says) in [
            (0o622, "other users can change it"),
            (0o602, "other users can change it"),
            (0o666, "other users can read and change it"),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = load(Some(&path), None, false, &env_of(&[])).unwrap_err();
            let e = e.to_string();
            assert!(e.contains(says), "{mode:o}: {e}");
            assert!(
                e.contains(&format!("chmod 600 '{}'", path.display())),
                "{e}"
            );
            assert!(!e.contains("k-secret"));
        }
        // No credential in it, but a base URL others could change to send
        // the environment's key elsewhere: refused too.
        std::fs::write(&path, "base_url = \"https://x\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o622)).unwrap();
        let env = env_of(&[("WEYA_API_KEY", "k-env")]);
        let e = load(Some(&path), None, false, &env)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("where your key is sent") && e.contains("chmod 600"),
            "{e}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(Some(&path), None, false, &env).is_ok());
    }

    #[test]
    fn a_key_or_a_token_from_stdin_wins() {
        let env = env_of(&[
            ("WEYA_BASE_URL", "https://x"),
            ("WEYA_API_KEY", "from-env"),
            ("WEYA_TOKEN", "from-env"),
        ]);
        let c = load_with(
            None,
            None,
            false,
            &env,
            GivenCredentials {
                key: None,
                token: Some(SecretString::from("from-stdin")),
            },
        )
        .unwrap();
        let Target::Remote { client } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(
            source_of(&client, AuthMode::Bearer),
            "standard input (--token-stdin)"
        );
        assert_eq!(
            source_of(&client, AuthMode::ApiKey),
            "environment variable WEYA_API_KEY"
        );
    }

    #[test]
    fn config_file_supplies_values_and_env_overrides_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "base_url = \"https://file.example\"\ntoken = \"t-file\"\nuser_id = \"u-file\"\ntimezone = \"Asia/Kolkata\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let c = load(Some(&path), None, false, &env_of(&[])).unwrap();
        assert_eq!(c.default_timezone, "Asia/Kolkata");
        let Target::Remote { client } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(client.credentials.modes(), [AuthMode::Bearer]);
        assert_eq!(
            source_of(&client, AuthMode::Bearer),
            format!("config file {}", path.display())
        );
        let c = load(
            Some(&path),
            None,
            false,
            &env_of(&[("WEYA_USER_ID", "u-env")]),
        )
        .unwrap();
        let Target::Remote { client, .. } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(client.user_id.as_deref(), Some("u-env"));
    }

    #[test]
    fn the_bell_and_the_desktop_notification_are_on_unless_the_file_turns_them_off() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let notify = |text: &str| {
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            load(Some(&path), None, false, &env_of(&[])).map(|c| c.notify)
        };
        assert_eq!(notify("").unwrap(), Notify::default());
        assert!(Notify::default().bell && Notify::default().desktop == DesktopNotice::Osc9);
        let off = notify("notify_bell = false\nnotify_desktop = \"off\"\n").unwrap();
        assert!(!off.is_on());
        let urxvt = notify("notify_desktop = \"osc777\"\n").unwrap();
        assert_eq!(urxvt.desktop, DesktopNotice::Osc777);
        assert!(urxvt.bell);
        assert!(
            notify("notify_desktop = \"loud\"\n").is_err(),
            "refused, not guessed"
        );
    }

    #[test]
    fn the_refresh_interval_comes_from_the_environment_else_the_file_else_5_s() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let refresh = |file: Option<&str>, env: &[(&str, &str)]| {
            if let Some(text) = file {
                std::fs::write(&path, text).unwrap();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let file = file.map(|_| path.as_path());
            load(file, None, false, &env_of(env)).map(|c| c.refresh.as_secs())
        };
        assert_eq!(refresh(None, &[]).unwrap(), 5, "the default");
        assert_eq!(refresh(Some("refresh_secs = 12\n"), &[]).unwrap(), 12);
        assert_eq!(refresh(None, &[("WEYA_REFRESH_SECS", " 30 ")]).unwrap(), 30);
        assert_eq!(
            refresh(
                Some("refresh_secs = 12\n"),
                &[("WEYA_REFRESH_SECS", "3600")]
            )
            .unwrap(),
            3600,
            "the environment beats the file"
        );
        assert_eq!(
            refresh(Some("refresh_secs = 1\n"), &[]).unwrap(),
            1,
            "the range's ends are taken"
        );
    }

    #[test]
    fn the_contact_hours_are_the_tcpas_unless_the_file_says_otherwise() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let hours = |file: Option<&str>| {
            if let Some(text) = file {
                std::fs::write(&path, text).unwrap();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let file = file.map(|_| path.as_path());
            load(file, None, false, &env_of(&[])).map(|c| c.contact_hours.describe())
        };
        assert_eq!(hours(None).unwrap(), "08:00–21:00");
        assert_eq!(
            hours(Some("contact_hours = \"09:00-20:00\"\n")).unwrap(),
            "09:00–20:00"
        );
        let refused = hours(Some("contact_hours = \"21:00-08:00\"\n"))
            .unwrap_err()
            .to_string();
        assert!(refused.contains("contact_hours"), "{refused}");
        assert!(
            refused.contains("08:00-21:00"),
            "says how to write it: {refused}"
        );
    }

    #[test]
    fn a_refresh_interval_out_of_range_or_not_a_number_is_refused_not_clamped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for (value, shown) in [
            ("0", "\"0\""),
            ("abc", "\"abc\""),
            ("3601", "\"3601\""),
            ("-5", "\"-5\""),
        ] {
            let e = load(None, None, false, &env_of(&[("WEYA_REFRESH_SECS", value)]))
                .unwrap_err()
                .to_string();
            assert_eq!(
                e,
                format!(
                    "WEYA_REFRESH_SECS (environment variable) is {shown}: \
                     the refresh interval takes whole seconds from 1 to 3600"
                )
            );
        }
        for value in ["0", "86400"] {
            std::fs::write(&path, format!("refresh_secs = {value}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            let e = load(Some(&path), None, false, &env_of(&[]))
                .unwrap_err()
                .to_string();
            assert_eq!(
                e,
                format!(
                    "refresh_secs (config file {}) is {value}: \
                     the refresh interval takes whole seconds from 1 to 3600",
                    path.display()
                )
            );
        }
        // Not a number in the file: TOML's own error names the key and the file.
        std::fs::write(&path, "refresh_secs = \"abc\"\n").unwrap();
        let e = load(Some(&path), None, false, &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("refresh_secs") && e.contains(&path.display().to_string()),
            "{e}"
        );
        // A bad environment value is refused even when the file's is good:
        // the environment is what is in force.
        std::fs::write(&path, "refresh_secs = 10\n").unwrap();
        assert!(
            load(
                Some(&path),
                None,
                false,
                &env_of(&[("WEYA_REFRESH_SECS", "0")])
            )
            .is_err()
        );
    }

    #[test]
    fn the_phone_book_maps_ids_to_numbers_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phonebook.toml");
        assert_eq!(load_phone_book(&path), Ok(Vec::new()), "no file, no book");
        std::fs::write(
            &path,
            "[\"64E5F12345ABCDEF00000001\"]\nnumber = \"+4930901820\"\nlabel = \"Berlin desk\"\n",
        )
        .unwrap();
        let book = load_phone_book(&path).unwrap();
        assert_eq!(book[0].id, "64e5f12345abcdef00000001");
        assert_eq!(book[0].phone_number, "4930901820");
        assert_eq!(book[0].label, "Berlin desk");
        std::fs::write(&path, "[nope]\nnumber = \"1\"\n").unwrap();
        let e = load_phone_book(&path).unwrap_err();
        assert!(e.contains("\"nope\" is not a phone ID"), "{e}");
        std::fs::write(&path, "[\"64e5f12345abcdef00000001\"]\nnumbr = \"1\"\n").unwrap();
        let e = load_phone_book(&path).unwrap_err();
        assert!(e.contains("numbr"), "{e}");
    }

    #[test]
    fn bad_config_file_names_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "base_ur = \"x\"\n").unwrap();
        let e = load(Some(&path), None, false, &env_of(&[])).unwrap_err();
        assert!(e.to_string().contains("base_ur"), "{e}");
        let missing = dir.path().join("absent.toml");
        assert!(load(Some(&missing), None, false, &env_of(&[])).is_err());
        assert!(load(None, Some(&missing), false, &env_of(&[])).is_ok());
    }
}
