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
use crate::api::{Auth, ClientConfig, DEFAULT_PHONES_PATH, Phone};

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
}

/// How often, in seconds, a live view on screen refreshes, unless
/// configured (`WEYA_REFRESH_SECS`, `refresh_secs`).
pub const DEFAULT_REFRESH_SECS: u64 = 5;

/// The refresh intervals accepted. 0 would poll without pause, and more
/// than an hour is no longer live; either is refused rather than changed.
pub const REFRESH_SECS: RangeInclusive<u64> = 1..=3600;

/// Where the credential in use came from: the operator is told this when the
/// server refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Env(&'static str),
    ConfigFile(PathBuf),
    /// `--api-key-stdin`.
    Stdin,
    Sandbox,
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::ConfigFile(path) => write!(f, "config file {}", path.display()),
            Self::Stdin => f.write_str("standard input (--api-key-stdin)"),
            Self::Sandbox => f.write_str("the sandbox's own key"),
        }
    }
}

/// What the app talks to.
#[derive(Debug, Clone)]
pub enum Target {
    /// Start the embedded sandbox and talk to it over loopback HTTP.
    Sandbox,
    Remote {
        client: ClientConfig,
        credential: CredentialSource,
    },
}

/// Where weya-tui keeps its files.
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

    /// Everything the store keeps.
    pub fn store(&self) -> crate::store::StorePaths {
        crate::store::StorePaths {
            journal: self.journal(),
            draft: self.draft(),
            templates: self.templates(),
        }
    }

    /// The submit journal (JSON Lines).
    /// The embedded sandbox's saved batches and calls.
    pub fn sandbox_state(&self) -> PathBuf {
        self.state_dir.join("sandbox")
    }

    pub fn journal(&self) -> PathBuf {
        self.state_dir.join("journal.jsonl")
    }

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
    load_with(explicit_file, default_file, force_sandbox, env, None)
}

/// [`load`], with a credential given another way (`--api-key-stdin`) that
/// wins over the environment and the file.
pub fn load_with(
    explicit_file: Option<&Path>,
    default_file: Option<&Path>,
    force_sandbox: bool,
    env: &dyn Fn(&str) -> Option<String>,
    given_key: Option<SecretString>,
) -> Result<Config, ConfigError> {
    let (file, file_path) = match (explicit_file, default_file) {
        (Some(path), _) => (read_file(path)?, Some(path.to_path_buf())),
        (None, Some(path)) if path.exists() => (read_file(path)?, Some(path.to_path_buf())),
        _ => (FileConfig::default(), None),
    };
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let from_file = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());

    let configured_timezone = env("WEYA_TIMEZONE").or_else(|| from_file(&file.timezone));
    let timezone_configured = configured_timezone.is_some();
    let default_timezone = configured_timezone
        .or_else(system_timezone)
        .unwrap_or_else(|| "UTC".to_owned());

    let refresh = refresh_interval(
        env("WEYA_REFRESH_SECS"),
        file.refresh_secs,
        file_path.as_deref(),
    )?;

    let file_source = || CredentialSource::ConfigFile(file_path.clone().unwrap_or_default());
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
    let credential = if let Some(key) = given_key {
        Some((Auth::ApiKey(key), CredentialSource::Stdin))
    } else if let Some(key) = env("WEYA_API_KEY") {
        Some((
            Auth::ApiKey(SecretString::from(key)),
            CredentialSource::Env("WEYA_API_KEY"),
        ))
    } else if let Some(token) = env("WEYA_TOKEN") {
        Some((
            Auth::Bearer(SecretString::from(token)),
            CredentialSource::Env("WEYA_TOKEN"),
        ))
    } else if let Some(key) = from_file(&file.api_key) {
        Some((Auth::ApiKey(SecretString::from(key)), file_source()))
    } else {
        from_file(&file.token).map(|t| (Auth::Bearer(SecretString::from(t)), file_source()))
    };
    let base_url = env("WEYA_BASE_URL").or_else(|| from_file(&file.base_url));

    let target = match (force_sandbox, base_url, credential) {
        (true, _, _) | (false, None, None) => Target::Sandbox,
        (false, None, Some((_, source))) => {
            return Err(ConfigError::Incomplete(format!(
                "a credential is set ({source}) but no base URL: set WEYA_BASE_URL \
                 (Weya does not document its production host), or run with --sandbox"
            )));
        }
        (false, Some(url), None) => {
            return Err(ConfigError::Incomplete(format!(
                "WEYA_BASE_URL is {url} but no credential is set: set WEYA_API_KEY or \
                 WEYA_TOKEN, or api_key in the config file"
            )));
        }
        (false, Some(url), Some((auth, credential))) => {
            let mut client = ClientConfig::new(url, auth);
            client.user_id = env("WEYA_USER_ID").or_else(|| from_file(&file.user_id));
            client.phones_path = env("WEYA_PHONES_PATH")
                .or_else(|| from_file(&file.phones_path))
                .unwrap_or_else(|| DEFAULT_PHONES_PATH.to_owned());
            if !client.phones_path.starts_with('/') {
                client.phones_path.insert(0, '/');
            }
            if let Some(secs) = file.timeout_secs {
                client.timeout = Duration::from_secs(secs.max(1));
            }
            Target::Remote { client, credential }
        }
    };
    Ok(Config {
        target,
        default_timezone,
        timezone_configured,
        config_file: file_path,
        refresh,
        ignore_window: false,
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

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|why| ConfigError::Read {
        path: path.to_path_buf(),
        why,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
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
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {}", path.display(), io_reason(&e))),
    };
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
        let Target::Remote { client, credential } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(client.base_url, "https://weya.example");
        assert_eq!(client.auth.mode(), "x-api-key");
        assert_eq!(client.user_id.as_deref(), Some("u1"));
        assert_eq!(client.phones_path, "/api/x/{userId}");
        assert_eq!(credential, CredentialSource::Env("WEYA_API_KEY"));
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
    fn a_key_from_stdin_wins() {
        let env = env_of(&[("WEYA_BASE_URL", "https://x"), ("WEYA_API_KEY", "from-env")]);
        let c = load_with(
            None,
            None,
            false,
            &env,
            Some(SecretString::from("from-stdin")),
        )
        .unwrap();
        let Target::Remote { credential, .. } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(credential, CredentialSource::Stdin);
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
        let Target::Remote { client, credential } = c.target else {
            panic!("expected remote");
        };
        assert_eq!(client.auth.mode(), "Bearer token");
        assert_eq!(credential, CredentialSource::ConfigFile(path.clone()));
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
