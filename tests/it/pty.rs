//! The real binary in a pseudo-terminal (util-linux `script`): what only a
//! real terminal shows. A draft survives `kill -9`, and no output channel
//! ever holds the API key. Signals, Ctrl-Z and a closed terminal leave a
//! terminal the shell can use and the draft on disk; those run the app as a
//! job of an interactive bash, as an operator would.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use weya_tui::sandbox::{Fault, SANDBOX_USER_ID, Sandbox};

const PATIENCE: Duration = Duration::from_secs(20);

/// The pty tests drive util-linux `script` and an interactive `bash`: where
/// either is missing they say so on stderr and are skipped (and fail when
/// `WEYA_REQUIRE_PTY` is set, so a CI that means to run them does).
fn skip_without_pty_tools() -> bool {
    static MISSING: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let missing = MISSING.get_or_init(|| {
        let runs = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let missing: Vec<&str> = [
            ("script", runs("script", &["-qec", "true", "/dev/null"])),
            ("bash", runs("bash", &["-c", "true"])),
        ]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| name)
        .collect();
        (!missing.is_empty()).then(|| missing.join(" and "))
    });
    let Some(missing) = missing else {
        return false;
    };
    assert!(
        std::env::var_os("WEYA_REQUIRE_PTY").is_none(),
        "WEYA_REQUIRE_PTY is set and {missing} cannot run"
    );
    eprintln!(
        "skipped: this test runs the app in a pseudo-terminal through util-linux `script` and \
         `bash`; {missing} cannot run here (Debian: apt install util-linux bash)"
    );
    true
}

/// weya-tui running in a 120x40 pseudo-terminal, its output collected.
struct Pty {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    pid: Option<u32>,
}

impl Pty {
    fn start(home: &Path, env: &[(&str, String)], args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_weya-tui");
        // `exec` makes the shell's PID the app's, printed first so the test
        // can kill the app itself.
        let script = format!("stty rows 40 cols 120; echo PID=$$; exec '{bin}' {args}");
        let mut pty = Self::spawn(home, env, &script);
        pty.pid = Some(pty.pid_after(0));
        pty
    }

    /// An interactive bash with job control, at its prompt; the app is
    /// started in it with [`Pty::launch`].
    fn shell(home: &Path) -> Self {
        let bash = format!("PS1='{PROMPT}' exec bash --norc --noprofile -i");
        let mut shell = Self::spawn(home, &[], &bash);
        shell.wait_for(PROMPT);
        shell.command("stty rows 40 cols 120");
        shell
    }

    /// Runs `line` at the shell's prompt and waits for the next prompt;
    /// returns what was printed in between.
    fn command(&mut self, line: &str) -> String {
        let mark = self.len();
        self.send(format!("{line}\r").as_bytes());
        let end = self.wait_for_after(PROMPT, mark);
        self.text_between(mark, end)
    }

    /// Starts the app as a job of the shell and waits for its form. When
    /// the app ends, the shell prints `EXIT=` and its exit code.
    fn launch(&mut self) {
        let bin = env!("CARGO_BIN_EXE_weya-tui");
        let mark = self.len();
        // `exec` gives the job's PID to the app. The markers are split in
        // the command, so its echo does not match them.
        self.send(
            format!(
                "sh -c 'printf \"P%sD=%s\\n\" I $$; exec \"$0\"' '{bin}'; echo \"EX\"\"IT=$?\"\r"
            )
            .as_bytes(),
        );
        self.pid = Some(self.pid_after(mark));
        self.wait_for_after("SANDBOX", mark);
    }

    fn spawn(home: &Path, env: &[(&str, String)], script: &str) -> Self {
        let mut cmd = Command::new("script");
        cmd.args(["-qfec", script, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for var in [
            "WEYA_BASE_URL",
            "WEYA_API_KEY",
            "WEYA_TOKEN",
            "WEYA_USER_ID",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TERM", "xterm-256color")
            .env("WEYA_LOG", "trace");
        for (k, v) in env {
            cmd.env(k, v);
        }
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
            pid: None,
        }
    }

    /// The PID printed as `PID=` after `from`.
    fn pid_after(&self, from: usize) -> u32 {
        let at = self.wait_for_after("PID=", from) + 4;
        let digits: String = self
            .text_between(at, self.len())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().expect("a PID")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The output between two marks (byte offsets: a mark may fall inside
    /// a character still on its way).
    fn text_between(&self, from: usize, to: usize) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()[from..to]).into_owned()
    }

    /// How much output there is so far (a mark for [`Pty::wait_for_after`]).
    fn len(&self) -> usize {
        self.output.lock().unwrap().len()
    }

    /// Waits until the output holds `needle`; returns where.
    fn wait_for(&self, needle: &str) -> usize {
        self.wait_for_after(needle, 0)
    }

    /// Waits until the output after `from` holds `needle`; returns where.
    fn wait_for_after(&self, needle: &str, from: usize) -> usize {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.output.lock().unwrap().get(from..).and_then(|after| {
                after
                    .windows(needle.len())
                    .position(|w| w == needle.as_bytes())
            });
            if let Some(at) = found {
                return from + at;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types bytes as a terminal would send them.
    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// One key at a time, as a person types (an Esc followed at once by
    /// another byte would read as Alt).
    fn keys(&mut self, keys: &[&[u8]]) {
        for key in keys {
            self.send(key);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn wait_exit(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "the app did not exit; output:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill_9(&mut self) {
        self.kill("-9");
        self.wait_exit();
    }

    /// Sends the app a signal from outside, as `kill` in another window.
    fn kill(&self, signal: &str) {
        let pid = self.pid.expect("the app's PID");
        let status = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Checks, at the shell's prompt, that the terminal is the shell's
    /// again: line editing and echo on.
    fn assert_cooked(&mut self) {
        let stty = self.command("stty -a");
        for mode in ["icanon", "echo"] {
            assert!(
                stty.contains(&format!(" {mode} ")) && !stty.contains(&format!("-{mode} ")),
                "{mode} is off after the app:\n{stty}"
            );
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The prompt of the shell that [`Pty::shell`] starts.
const PROMPT: &str = "weya-pty$ ";

const TAB: &[u8] = b"\t";
const ENTER: &[u8] = b"\r";
const CTRL_C: &[u8] = b"\x03";
const CTRL_S: &[u8] = b"\x13";
const CTRL_T: &[u8] = b"\x14";
const CTRL_Z: &[u8] = b"\x1a";

/// What the app writes to give the terminal back: the alternate screen
/// left, the cursor shown, mouse capture off.
const GIVEN_BACK: [&str; 3] = ["\x1b[?1049l", "\x1b[?25h", "\x1b[?1000l"];

fn assert_given_back(output: &str) {
    for sequence in GIVEN_BACK {
        assert!(
            output.contains(sequence),
            "{sequence:?} is missing: the terminal was not given back:\n{output:?}"
        );
    }
}

/// The draft's name on disk, once it is `name`.
fn draft_named(path: &Path, name: &str) -> weya_tui::store::draft::Draft {
    poll(&format!("the draft {name:?} on disk"), || {
        weya_tui::store::draft::read(path)
            .ok()
            .flatten()
            .filter(|d| d.name == name)
    })
}

/// Types `first` and waits until it is on disk, then types `last` and
/// waits until the app drew it: the app has `last`, the disk not yet (the
/// draft is written at most 0.3 s after a change).
fn type_with_unsaved_end(app: &mut Pty, draft: &Path, first: &str, last: &str) {
    app.send(first.as_bytes());
    draft_named(draft, first);
    let mark = app.len();
    app.send(last.as_bytes());
    app.wait_for_after(last.trim(), mark);
}

#[test]
fn kill_int_quit_and_term_save_the_draft_give_the_terminal_back_and_exit_128_plus_n() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut shell = Pty::shell(home.path());
    for (signal, code) in [("-INT", 130), ("-QUIT", 131), ("-TERM", 143)] {
        shell.launch();
        let name = format!("Signal{signal}");
        type_with_unsaved_end(&mut shell, &draft, &name, " last");
        let mark = shell.len();
        shell.kill(signal);
        let exit = shell.wait_for_after("EXIT=", mark);
        shell.wait_for_after(PROMPT, exit);
        let output = shell.text_between(mark, shell.len());
        assert!(output.contains(&format!("EXIT={code}")), "{output:?}");
        assert!(output.contains("Your draft is kept in"), "{output:?}");
        assert_given_back(&output);
        shell.assert_cooked();
        let kept = weya_tui::store::draft::read(&draft).unwrap().unwrap();
        assert_eq!(kept.name, format!("{name} last"), "after kill {signal}");
        std::fs::remove_file(&draft).unwrap();
    }
}

/// Ctrl-C typed in the app (a key in raw mode, not a signal) ends it as
/// SIGINT does: draft kept, terminal given back, exit 130 as the README
/// says.
#[test]
fn ctrl_c_typed_in_the_app_exits_130_and_keeps_the_draft() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut shell = Pty::shell(home.path());
    shell.launch();
    type_with_unsaved_end(&mut shell, &draft, "Interrupted", " last");
    let mark = shell.len();
    shell.send(CTRL_C);
    let exit = shell.wait_for_after("EXIT=", mark);
    shell.wait_for_after(PROMPT, exit);
    let output = shell.text_between(mark, shell.len());
    assert!(output.contains("EXIT=130"), "{output:?}");
    assert!(output.contains("Your draft is kept in"), "{output:?}");
    assert_given_back(&output);
    shell.assert_cooked();
    let kept = weya_tui::store::draft::read(&draft).unwrap().unwrap();
    assert_eq!(kept.name, "Interrupted last");
}

#[test]
fn ctrl_z_gives_the_shell_a_sane_terminal_and_fg_brings_the_form_back() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut shell = Pty::shell(home.path());
    shell.launch();
    shell.send(b"Suspended");
    draft_named(&draft, "Suspended");

    let mark = shell.len();
    shell.send(CTRL_Z);
    let stopped = shell.wait_for_after("Stopped", mark);
    shell.wait_for_after(PROMPT, stopped);
    assert_given_back(&shell.text_between(mark, stopped));
    shell.assert_cooked();

    let mark = shell.len();
    shell.send(b"fg\r");
    // Drawn whole: the name field is there again, without a resize.
    shell.wait_for_after("Suspended", mark + "fg".len());
    shell.wait_for_after("\x1b[?1049h", mark);
    shell.send(b" and back");
    draft_named(&draft, "Suspended and back");
    shell.send(CTRL_C);
    shell.wait_for_after("Your draft is kept in", mark);
    shell.wait_for_after(PROMPT, mark);
    shell.assert_cooked();
}

#[test]
fn ctrl_z_writes_the_draft_first_so_a_stopped_job_killed_keeps_the_last_typing() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut shell = Pty::shell(home.path());
    shell.launch();
    // Ctrl-Z at once: the last typing is not on disk yet when the job stops.
    type_with_unsaved_end(&mut shell, &draft, "Typed", " late");
    let mark = shell.len();
    shell.send(CTRL_Z);
    let stopped = shell.wait_for_after("Stopped", mark);
    shell.wait_for_after(PROMPT, stopped);

    // Killed while stopped (as when its terminal is closed): the app never
    // runs again, so only what it wrote before stopping is there.
    shell.kill("-9");
    // The shell tells of the job's end before a prompt, once it has seen it.
    poll("the shell to see the job killed", || {
        shell.command("jobs").contains("Killed").then_some(())
    });
    let kept = weya_tui::store::draft::read(&draft).unwrap().unwrap();
    assert_eq!(kept.name, "Typed late");
}

#[test]
fn sigtstp_from_outside_suspends_like_ctrl_z_and_the_app_comes_back_whole() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut shell = Pty::shell(home.path());
    shell.launch();
    shell.send(b"Outside");
    draft_named(&draft, "Outside");

    let mark = shell.len();
    shell.kill("-TSTP");
    let stopped = shell.wait_for_after("Stopped", mark);
    shell.wait_for_after(PROMPT, stopped);
    assert_given_back(&shell.text_between(mark, stopped));
    shell.assert_cooked();
    // Continued in the background, the app must not take the terminal from
    // the shell (it stops again, on SIGTTOU, until `fg`).
    shell.kill("-CONT");
    shell.assert_cooked();

    let mark = shell.len();
    shell.send(b"fg\r");
    shell.wait_for_after("Outside", mark + "fg".len());
    shell.send(b" typed after fg");
    draft_named(&draft, "Outside typed after fg");
    // The job's `echo EXIT` ran when it stopped; this says it ended.
    shell.send(CTRL_C);
    shell.wait_for_after("Your draft is kept in", mark);
    shell.wait_for_after(PROMPT, mark);
    shell.assert_cooked();
}

#[test]
fn ctrl_z_without_a_shell_to_come_back_to_says_so_and_keeps_running() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // Run straight by `script`, as by tmux or ssh: no job control.
    let mut app = Pty::start(home.path(), &[], "");
    app.wait_for("SANDBOX");
    app.send(CTRL_Z);
    app.wait_for("Ctrl-Z does nothing here");
    app.send(b"Still here");
    app.wait_for("Still");
    app.send(CTRL_C);
    app.wait_exit();
}

#[test]
fn closing_the_terminal_saves_the_draft_and_exits_quietly() {
    if skip_without_pty_tools() {
        return;
    }
    // The app outlives `script` (the terminal) by a moment: made our child
    // then, its exit status can be read.
    rustix::process::set_child_subreaper(Some(rustix::process::getpid())).unwrap();
    let home = tempfile::tempdir().unwrap();
    let draft = home.path().join("state/weya-tui/draft.json");
    let mut app = Pty::start(home.path(), &[], "");
    app.wait_for("SANDBOX");
    type_with_unsaved_end(&mut app, &draft, "Hangup", " last");
    let pid = rustix::process::Pid::from_raw(app.pid.unwrap() as i32).unwrap();
    // Killing `script` closes the pseudo-terminal's master: SIGHUP, then
    // EIO on every write.
    app.child.kill().unwrap();
    app.child.wait().unwrap();
    let status = poll("the app's exit", || {
        rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG)
            .ok()
            .flatten()
            .map(|(_, status)| status)
    });
    assert_eq!(status.terminating_signal(), None, "killed: {status:?}");
    assert_eq!(status.exit_status(), Some(129), "{status:?}");
    let kept = weya_tui::store::draft::read(&draft).unwrap().unwrap();
    assert_eq!(kept.name, "Hangup last");
    let log = std::fs::read_to_string(home.path().join("state/weya-tui/weya-tui.log")).unwrap();
    assert!(!log.contains("panic"), "{log}");
}

#[test]
fn a_draft_survives_kill_9_and_comes_back() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let draft_path = home.path().join("state/weya-tui/draft.json");

    let mut app = Pty::start(home.path(), &[], "");
    app.wait_for("SANDBOX");
    app.send("Crash test ü".as_bytes());
    let draft = poll("the draft on disk", || {
        weya_tui::store::draft::read(&draft_path)
            .ok()
            .flatten()
            .filter(|d| d.name == "Crash test ü")
    });
    assert_eq!(draft.window_start, "09:00");
    app.kill_9();

    let mut again = Pty::start(home.path(), &[], "");
    // The screen draws words apart (it skips blank cells), so look for one.
    again.wait_for("restored");
    again.wait_for("Crash");
    // The restored name is selected: typing replaces it.
    again.send("Second".as_bytes());
    poll("the retyped name on disk", || {
        weya_tui::store::draft::read(&draft_path)
            .ok()
            .flatten()
            .filter(|d| d.name == "Second")
    });
    again.send(CTRL_C);
    again.wait_exit();
    again.wait_for("Your draft is kept in");
    let kept = weya_tui::store::draft::read(&draft_path).unwrap().unwrap();
    assert_eq!(kept.name, "Second");
}

/// Every file under `dir`, with its text.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_key_appears_in_no_output_log_draft_template_or_journal() {
    if skip_without_pty_tools() {
        return;
    }
    let sandbox = Sandbox::start(0).await.unwrap();
    let key = sandbox.key().expose_secret().to_owned();
    let token = sandbox.token().expose_secret().to_owned();
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("WEYA_BASE_URL", sandbox.base_url()),
        ("WEYA_API_KEY", key.clone()),
        ("WEYA_TOKEN", token.clone()),
        ("WEYA_USER_ID", SANDBOX_USER_ID.to_owned()),
    ];
    let mut outputs = Vec::new();

    // The TUI: create a batch, save a template, leave a draft.
    let mut tui = Pty::start(home.path(), &env, "");
    tui.wait_for("x-api-key");
    tui.wait_for("…654321"); // the phone list is in
    tui.send(b"Leak check");
    tui.keys(&[TAB, b" ", CTRL_S]);
    tui.wait_for("Nothing has been sent yet");
    tui.keys(&[ENTER]);
    tui.wait_for("Batch created");
    tui.keys(&[b"\x1b", CTRL_T, b"leak", ENTER]);
    tui.wait_for("Template saved");
    tui.send(b" more");
    tui.keys(&[CTRL_C]);
    tui.wait_exit();
    tui.wait_for("Your draft is kept in");
    outputs.push(("the TUI's terminal".to_owned(), tui.text()));

    // The commands, with errors provoked on purpose.
    let batch = home.path().join("batch.json");
    std::fs::write(
        &batch,
        r#"{"batchName":"CLI leak","callingNumbers":["64e5f12345abcdef87654321"]}"#,
    )
    .unwrap();
    let run = |args: &[&str], fault: Option<Fault>| {
        sandbox.store().set_fault(fault);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_weya-tui"));
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("WEYA_LOG", "trace")
            // A create whose answer was lost (or a 5xx) watches the list
            // until it can no longer land: 2 s here, not the default 5 min
            // (the looks, and what they log, are the same).
            .env("WEYA_LOST_ANSWER_SECS", "2")
            .stdin(Stdio::null());
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).output().unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let file = batch.to_str().unwrap();
    for (args, fault) in [
        (vec!["create", "--file", file, "--yes"], None),
        (
            vec!["create", "--file", file, "--yes", "--json"],
            Some(Fault::Forbidden),
        ),
        (
            vec!["create", "--file", file, "--yes"],
            Some(Fault::ServerError),
        ),
        (
            vec!["create", "--file", file, "--yes"],
            Some(Fault::HtmlBadGateway),
        ),
        (
            vec!["create", "--file", file, "--yes"],
            Some(Fault::DropAfterStore),
        ),
        (vec!["create", "--file", file, "--dry-run"], None),
        (vec!["create", "--file", file, "--dry-run", "--json"], None),
        (vec!["phones"], None),
        (vec!["batches", "--json"], None),
        (vec!["doctor"], None),
        (vec!["doctor", "--json"], None),
        (vec!["history"], None),
    ] {
        outputs.push((args.join(" "), run(&args, fault)));
    }

    let files = files_under(home.path());
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    for wanted in ["weya-tui.log", "journal.jsonl", "draft.json", "leak.json"] {
        assert!(
            names.iter().any(|n| n.ends_with(wanted)),
            "{wanted} was written: {names:#?}"
        );
    }
    let log = files
        .iter()
        .find(|(p, _)| p.ends_with("weya-tui.log"))
        .map(|(_, t)| t.clone())
        .unwrap();
    assert!(
        log.contains("batch created"),
        "the log is real, at trace level"
    );
    for (path, text) in &files {
        assert!(!text.contains(&key), "the key is in {}", path.display());
        assert!(!text.contains(&token), "the token is in {}", path.display());
    }
    for (what, text) in &outputs {
        assert!(
            !text.contains(&key),
            "the key is in the output of {what}:\n{text}"
        );
        assert!(
            !text.contains(&token),
            "the token is in the output of {what}:\n{text}"
        );
    }
}

#[test]
fn two_instances_at_once_keep_their_own_drafts() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("state/weya-tui");
    let (first, second) = (dir.join("draft.json"), dir.join("draft-2.json"));

    let mut careful = Pty::start(home.path(), &[], "");
    careful.wait_for("SANDBOX");
    careful.send(b"Careful");
    poll("the first draft", || {
        weya_tui::store::draft::read(&first)
            .ok()
            .flatten()
            .filter(|d| d.name == "Careful")
    });

    let mut quick = Pty::start(home.path(), &[], "");
    quick.wait_for("Another");
    quick.wait_for(&format!("(PID {})", careful.pid.unwrap()));
    quick.wait_for("draft-2.json");
    quick.wait_for("…654321");
    quick.send(b"Quick");
    quick.keys(&[TAB, b" ", CTRL_S]);
    quick.wait_for("Nothing has been sent yet");
    quick.keys(&[ENTER]);
    quick.wait_for("Batch created");
    poll("the quick draft to go", || (!second.exists()).then_some(()));
    quick.keys(&[CTRL_C]);
    quick.wait_exit();
    assert!(!quick.text().contains("Your draft is kept"));

    careful.keys(&[CTRL_C]);
    careful.wait_exit();
    careful.wait_for("Your draft is kept in");
    let kept = weya_tui::store::draft::read(&first).unwrap().unwrap();
    assert_eq!(kept.name, "Careful", "the other's batch left it alone");
}

/// A state folder that cannot be made (its parent is a file, which stops
/// root too): the screen says so at once, and quitting claims nothing.
#[test]
fn nowhere_to_write_is_said_on_screen_and_on_the_way_out() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("blocked"), "a file").unwrap();
    let state = home.path().join("blocked/state");
    let mut app = Pty::start(
        home.path(),
        &[("XDG_STATE_HOME", state.display().to_string())],
        "",
    );
    app.wait_for("Drafts");
    app.wait_for("cannot");
    app.wait_for("saved:");
    app.send(b"Typed");
    app.wait_for("only on this screen");
    app.send(CTRL_C);
    app.wait_exit();
    app.wait_for("your draft could not be saved");
    assert!(!app.text().contains("Your draft is kept"), "{}", app.text());
}

/// The log on a full disk (/dev/full) and a folder where the draft would
/// be: logging drops lines instead of writing its complaints over the
/// screen or stopping the app, and Ctrl-C quits at once.
#[test]
fn a_full_disk_under_the_log_neither_hangs_nor_garbles_the_app() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("state/weya-tui");
    std::fs::create_dir_all(dir.join("draft.json")).unwrap();
    std::os::unix::fs::symlink("/dev/full", dir.join("weya-tui.log")).unwrap();
    let mut app = Pty::start(home.path(), &[], "");
    app.wait_for("…654321");
    app.send(b"Still here");
    poll("the draft, beside the folder in its way", || {
        weya_tui::store::draft::read(&dir.join("draft-2.json"))
            .ok()
            .flatten()
            .filter(|d| d.name == "Still here")
    });
    app.send(CTRL_C);
    app.wait_exit();
    app.wait_for("Your draft is kept in");
    app.wait_for("draft-2.json");
    assert!(!app.text().contains("tracing-subscriber"), "{}", app.text());
}

#[test]
fn a_journal_line_that_is_not_utf8_costs_only_itself() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("state/weya-tui");
    std::fs::create_dir_all(&dir).unwrap();
    let mut journal = Vec::new();
    journal.extend_from_slice(br#"{"time":"2026-01-15T14:00:00Z","target":"sandbox","outcome":"created","batch_name":"Renewals","batch_id":"64e5f12345abcdef98765432","body":{"batchName":"Renewals","timezone":"Pacific/Chatham"}}"#);
    journal.extend_from_slice(b"\n\xff\xfe garbage\n{\"time\":\"\xc3\x28\"}\n");
    std::fs::write(dir.join("journal.jsonl"), journal).unwrap();
    let mut app = Pty::start(home.path(), &[], "");
    app.wait_for("unreadable");
    app.wait_for("skipped");
    // The last timezone sent is still the form's.
    app.wait_for("Pacific/Chatham");
    app.send(CTRL_C);
    app.wait_exit();
}

#[test]
fn with_output_to_a_file_the_app_does_not_start_and_the_file_stays_empty() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    // Keys would come from the terminal, but frames would go to the file.
    let mut app = Pty::start(home.path(), &[], &format!("> '{}'", out.display()));
    app.wait_for("weya-tui needs a terminal; the commands (weya-tui --help) work without one");
    app.wait_exit();
    assert_eq!(std::fs::read(&out).unwrap(), b"");
    assert!(!app.text().contains("\x1b[?1049"), "{:?}", app.text());
}

#[test]
fn phones_add_asks_for_the_provider_secrets_without_echo_and_gives_the_terminal_back() {
    if skip_without_pty_tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut shell = Pty::shell(home.path());
    let bin = env!("CARGO_BIN_EXE_weya-tui");
    let (token, sid) = ("tok-echo-5e6f7a8b", "AC-echo-1c2d3e4f");
    let mark = shell.len();
    // The marker is split in the command, so its echo does not match it.
    shell.send(
        format!(
            "'{bin}' phones add --number 14155550100 --integration twilio --label Desk; \
             echo \"EX\"\"IT=$?\"\r"
        )
        .as_bytes(),
    );
    shell.wait_for_after("twilio auth token (not shown): ", mark);
    shell.send(format!("{token}\r").as_bytes());
    shell.wait_for_after("twilio account SID (not shown): ", mark);
    shell.send(format!("{sid}\r").as_bytes());
    shell.wait_for_after("EXIT=0", mark);
    let said = shell.text_between(mark, shell.len());
    assert!(
        said.contains("Registered +1 415-555-0100 (twilio)"),
        "{said}"
    );
    assert!(
        !said.contains(token) && !said.contains(sid),
        "echoed:\n{said}"
    );
    shell.wait_for_after(PROMPT, mark);
    shell.assert_cooked();

    // Ctrl-C at the prompt stops it, with the terminal as it was.
    let mark = shell.len();
    shell.send(
        format!(
            "'{bin}' phones add --number 14155550101 --integration plivo; \
             echo \"EX\"\"IT=$?\"\r"
        )
        .as_bytes(),
    );
    shell.wait_for_after("plivo auth token (not shown): ", mark);
    shell.send(b"half");
    shell.send(CTRL_C);
    shell.wait_for_after("EXIT=130", mark);
    shell.wait_for_after(PROMPT, mark);
    shell.assert_cooked();
    let book =
        weya_tui::config::load_phone_book(&home.path().join("config/weya-tui/phonebook.toml"))
            .unwrap();
    assert_eq!(book.len(), 1, "only the first was registered");
    for (path, text) in files_under(home.path()) {
        assert!(
            !text.contains(token) && !text.contains(sid),
            "{} holds a secret",
            path.display()
        );
    }
}
