//! The built binary as an operator runs it: a home of its own, nothing
//! configured but what a test gives, no terminal. One `Env` for every
//! command test; an area adds what only it needs in an `impl Env` of its
//! own module.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use weya_tui::sandbox::{SANDBOX_USER_ID, Sandbox};

/// A temporary home for one test's runs of the binary.
pub struct Env {
    pub home: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// Writes `bytes` to `name` in the home; its path.
    pub fn file(&self, name: &str, bytes: &(impl AsRef<[u8]> + ?Sized)) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes.as_ref()).unwrap();
        path
    }

    /// The journal of creates, starts, stops and deletes.
    pub fn journal(&self) -> PathBuf {
        self.path("state/weya-tui/journal.jsonl")
    }

    /// The binary with this home, nothing configured and no terminal. A
    /// lost answer is looked for in the batch list for 1 s, not 5 min.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_weya-tui"));
        for var in [
            "WEYA_BASE_URL",
            "WEYA_API_KEY",
            "WEYA_TOKEN",
            "WEYA_USER_ID",
            "WEYA_PHONES_PATH",
            "WEYA_TIMEZONE",
            "WEYA_REFRESH_SECS",
            "WEYA_LOG",
            "COLUMNS",
        ] {
            cmd.env_remove(var);
        }
        // The operator's clock is fixed: the times printed read in it.
        cmd.env("HOME", self.home.path())
            .env("TZ", "Etc/UTC")
            .env("WEYA_LOST_ANSWER_SECS", "1")
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_DATA_HOME", self.path("data"))
            .stdin(Stdio::null());
        cmd
    }

    /// The binary pointed at `url` with `key` (no token) and the sandbox's
    /// user ID.
    pub fn against_url(&self, url: &str, key: &str) -> Command {
        let mut cmd = self.cmd();
        cmd.env("WEYA_BASE_URL", url)
            .env("WEYA_API_KEY", key)
            .env("WEYA_USER_ID", SANDBOX_USER_ID);
        cmd
    }

    /// The binary pointed at `sandbox` with its key and its token, as an
    /// operator is configured against Weya.
    pub fn against(&self, sandbox: &Sandbox) -> Command {
        let mut cmd = self.against_url(&sandbox.base_url(), sandbox.key().expose_secret());
        cmd.env("WEYA_TOKEN", sandbox.token().expose_secret());
        cmd
    }
}

/// Runs `cmd`: its exit code, stdout and stderr.
pub fn run(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

/// An output's stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
