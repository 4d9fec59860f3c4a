//! The accessible mode through a pseudo-terminal (util-linux `script`), as
//! a person types: each answer after its question, Enter, Ctrl-D. Skipped
//! where `script` cannot run (and failing then with `WEYA_REQUIRE_PTY`).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(30);

fn skip_without_script() -> bool {
    let runs = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if runs {
        return false;
    }
    assert!(
        std::env::var_os("WEYA_REQUIRE_PTY").is_none(),
        "WEYA_REQUIRE_PTY is set and util-linux script cannot run"
    );
    eprintln!("skipped: util-linux `script` cannot run here (Debian: apt install util-linux)");
    true
}

/// The binary in an 80x24 pseudo-terminal, with its output collected.
struct Session {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    /// Where the next question is looked for.
    mark: usize,
}

impl Session {
    fn start(home: &Path, term: &str, args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_weya-tui");
        let line = format!("stty rows 24 cols 80; exec '{bin}' {args}");
        let mut cmd = Command::new("script");
        cmd.args(["-qfec", &line, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for var in [
            "WEYA_BASE_URL",
            "WEYA_API_KEY",
            "WEYA_TOKEN",
            "WEYA_USER_ID",
            "WEYA_ACCESSIBLE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TZ", "Asia/Kolkata")
            .env("TERM", term);
        let mut child = cmd.spawn().expect("util-linux script runs");
        let mut stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            output,
            mark: 0,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits for `needle` after the last question answered.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self
                .output
                .lock()
                .unwrap()
                .get(self.mark..)
                .and_then(|after| {
                    after
                        .windows(needle.len())
                        .position(|w| w == needle.as_bytes())
                });
            if let Some(at) = found {
                self.mark += at + needle.len();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the question, then types the answer and Enter.
    fn answer(&mut self, question: &str, typed: &str) {
        self.wait_for(question);
        self.type_bytes(format!("{typed}\r").as_bytes());
    }

    /// The exit code, once the app has ended.
    fn exit_code(&mut self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "the app did not exit; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn a_dumb_terminal_gets_plain_questions_and_a_batch_is_sent_once() {
    if skip_without_script() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut app = Session::start(home.path(), "dumb", "");
    app.wait_for("TERM is dumb, so weya-tui runs in its accessible mode");
    app.answer("Choose 1 to 4: ", "1");
    app.answer("Batch name (shown in Weya's dashboard): ", "June renewals");
    app.answer("(or phone IDs): ", "1,3");
    app.answer("[Asia/Kolkata]: ", "");
    app.answer("Window start", "10");
    app.answer("Window end", "16");
    app.answer("Allowed days [", "weekdays");
    app.answer("Retries (0 to 10) [3]: ", "2");
    app.answer("Retry delay", "15m");
    app.wait_for("Review. Nothing has been sent yet.");
    app.wait_for("Schedule: Mon–Fri 10:00–16:00 Asia/Kolkata");
    app.answer("Choose 1 to 3: ", "1");
    app.wait_for("Created batch ");
    // The list, as `batches` prints it, shows it once.
    app.answer("Choose 1 to 4: ", "2");
    app.wait_for("June renewals");
    app.answer("Choose 1 to 4: ", "4");
    assert_eq!(app.exit_code(), 0);
    let text = app.text();
    assert!(!text.contains('\x1b'), "no escape codes at all: {text:?}");
    assert_eq!(
        text.matches("Created batch ").count(),
        1,
        "sent once:\n{text}"
    );
    assert_eq!(
        text.matches("  June renewals ").count(),
        1,
        "listed once:\n{text}"
    );
    let journal =
        std::fs::read_to_string(home.path().join("state/weya-tui/journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "journaled once: {journal}");
    assert!(journal.contains("June renewals"), "{journal}");
}

#[test]
fn ctrl_d_at_a_question_ends_cleanly_sending_nothing_and_keeps_the_draft() {
    if skip_without_script() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut app = Session::start(home.path(), "xterm-256color", "--accessible");
    app.answer("Choose 1 to 4: ", "1");
    app.answer("Batch name (shown in Weya's dashboard): ", "Half typed");
    app.answer("(or phone IDs): ", "2");
    app.wait_for("Timezone");
    app.type_bytes(b"\x04");
    app.wait_for("Nothing was sent. Your answers are kept as a draft in ");
    assert_eq!(app.exit_code(), 2, "nothing sent, as `create` says it");
    let text = app.text();
    assert!(
        !text.contains("\x1b[?1049h"),
        "no alternate screen: {text:?}"
    );
    let draft = std::fs::read_to_string(home.path().join("state/weya-tui/draft.json")).unwrap();
    assert!(draft.contains("\"name\": \"Half typed\""), "{draft}");
    assert!(draft.contains("64e5f12345abcdef87654322"), "{draft}");
    assert!(
        !home.path().join("state/weya-tui/journal.jsonl").exists(),
        "nothing sent"
    );

    // The next start offers it back: Enter keeps each answer.
    let mut again = Session::start(home.path(), "xterm-256color", "--accessible");
    again.answer("Choose 1 to 4: ", "1");
    again.wait_for("Your draft from last time is filled in");
    again.answer("Batch name (shown in Weya's dashboard) [Half typed]: ", "");
    again.wait_for(
        "2. +1 310-555-0188, Los Angeles support, twilio, ID 64e5f12345abcdef87654322, chosen",
    );
    again.type_bytes(b"\x04");
    assert_eq!(again.exit_code(), 2);
}

/// The same one-send guarantee as `weya-tui create`: a createBatch that
/// answers after the timeout and stores the batch late is watched for in
/// Weya's list, found, said to be created and journaled, and never sent
/// again. Answers piped in, as a screen reader's user could script them.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_is_looked_for_and_the_batch_is_not_sent_twice() {
    use std::os::unix::fs::PermissionsExt;
    use weya_tui::sandbox::{Fault, Sandbox};

    let (env, sandbox) = (
        crate::common::cli::Env::new(),
        Sandbox::start(0).await.unwrap(),
    );
    sandbox
        .store()
        .set_fault(Some(Fault::SlowStore(Duration::from_secs(3))));
    let config = env.file("impatient.toml", "timeout_secs = 1\n");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = env.against(&sandbox);
    cmd.arg("--accessible")
        .arg("--config")
        .arg(config)
        .env("WEYA_LOST_ANSWER_SECS", "30")
        .env("TZ", "Asia/Kolkata")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // New batch, its answers, Send; then Quit.
    let typed = "1\nLate answer\n1\n\n\n\n\n\n\n1\n4\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the answer was lost (")
            && stderr.contains("Nothing is sent again")
            && stderr.contains("Weya's batch list shows the batch: it was created"),
        "{stderr}"
    );
    let batches = sandbox.store().batches();
    assert_eq!(batches.len(), 1, "one batch");
    assert_eq!(sandbox.store().create_requests(), 1, "one POST");
    assert!(
        stdout.contains(&format!("Created batch {}", batches[0].id)),
        "{stdout}"
    );
    let (entries, _) = weya_tui::store::journal::read(&env.journal()).unwrap();
    let outcomes: Vec<_> = entries.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [
            weya_tui::store::journal::JournalOutcome::Unknown,
            weya_tui::store::journal::JournalOutcome::Created
        ]
    );
    // Created: the draft has done its work.
    assert!(!env.path("state/weya-tui/draft.json").exists());
}
