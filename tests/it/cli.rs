//! The built binary, run as an operator or a script would: the commands
//! without the TUI against the sandbox, each exit code and each flag.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use weya_tui::sandbox::{Fault, SANDBOX_USER_ID, Sandbox};

use crate::common::cli::{Env, text};

const VALID: &str = r#"{"batchName":"CLI batch","callingNumbers":["64e5f12345abcdef87654321"],
 "retry":3,"delay":60,"timezone":"America/New_York",
 "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]}"#;

fn create(cmd: &mut Command, file: &Path, flags: &[&str]) -> Output {
    cmd.arg("create")
        .arg("--file")
        .arg(file)
        .args(flags)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_yes_sends_once_prints_the_id_and_journals_it() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let batches = sandbox.store().batches();
    assert_eq!(stdout.trim(), format!("Created batch {}", batches[0].id));
    assert_eq!(batches[0].body["callingHour"]["end"], "17:00");

    let out = create(&mut env.against(&sandbox), &file, &["--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["batchId"], sandbox.store().batches()[0].id);
    assert_eq!(sandbox.store().create_requests(), 2);

    let history = env.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&history.stdout).lines().count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn toml_files_work_the_same() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file(
        "batch.toml",
        "batchName = \"TOML batch\"\ncallingNumbers = [\"64e5f12345abcdef87654321\"]\ntimezone = \"Asia/Kolkata\"\n",
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        sandbox.store().batches()[0].body["timezone"],
        "Asia/Kolkata"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_and_without_a_terminal_nothing_is_sent() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    let out = create(&mut env.against(&sandbox), &file, &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("not sending without --yes"), "{stderr}");
    assert_eq!(sandbox.store().create_requests(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_body_and_a_masked_curl_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    let out = create(&mut env.against(&sandbox), &file, &["--dry-run"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("\"batchName\": \"CLI batch\""), "{stdout}");
    // Byte for byte: one field per line, as sent.
    assert!(
        stdout.contains("byte for byte:\n{\n  \"batchName\": \"CLI batch\",\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "curl -sS -X POST '{}/api/call/createBatch'",
            sandbox.base_url()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("x-api-key: ••••"), "{stdout}");
    assert!(
        !stdout.contains(sandbox.key().expose_secret()),
        "the key is masked"
    );
    assert_eq!(sandbox.store().create_requests(), 0);

    let out = create(&mut env.against(&sandbox), &file, &["--dry-run", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["dryRun"], true);
    assert_eq!(json["body"]["retry"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_is_refused_with_each_field_named() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file(
        "bad.json",
        r#"{"batchName":"  ","callingHour":{"start":"18:00","end":"06:00"}}"#,
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("batchName: missing or blank"), "{stderr}");
    assert!(
        stderr.contains("callingNumbers: missing or empty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("callingHour.end: End 06:00 must be after start 18:00"),
        "{stderr}"
    );

    let out = create(&mut env.against(&sandbox), &file, &["--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["fields"][0]["field"], "batchName");
    assert_eq!(sandbox.store().create_requests(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_file_names_the_line_and_the_field() {
    let env = Env::new();
    let file = env.file("bad.toml", "batchName = \"x\"\nretry = \"three\"\n");
    let out = create(&mut env.cmd(), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("bad.toml, line 2, field retry"), "{stderr}");

    // The TUI does not start half-filled from it either.
    let out = env.cmd().arg("--from").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2, field retry"));
}

#[tokio::test(flavor = "multi_thread")]
async fn api_and_network_failures_exit_1() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    sandbox.store().set_fault(Some(Fault::ServerError));
    let file = env.file("batch.json", VALID);
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("HTTP 500") && stderr.contains("(request ID sbx-"),
        "{stderr}"
    );

    // Without a user ID the list cannot be looked at: the outcome stays
    // unknown.
    sandbox.store().set_fault(Some(Fault::DropAfterStore));
    let out = create(
        env.against(&sandbox).env_remove("WEYA_USER_ID"),
        &file,
        &["--yes", "--json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json["outcomeUnknown"], true);

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = create(
        env.against(&sandbox)
            .env("WEYA_BASE_URL", format!("http://{closed}")),
        &file,
        &["--yes"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("the connection was refused"));
}

#[tokio::test(flavor = "multi_thread")]
async fn phones_and_batches_print_tables_or_json() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let out = env.against(&sandbox).arg("phones").output().unwrap();
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("64e5f12345abcdef87654321  +1 212-555-0143"),
        "{stdout}"
    );
    assert!(stdout.contains("12 phone numbers"));
    let out = env
        .against(&sandbox)
        .args(["phones", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 12);

    let out = env.against(&sandbox).arg("batches").output().unwrap();
    assert_eq!(text(&out).0.trim(), "No batches.");
    let file = env.file("batch.json", VALID);
    create(&mut env.against(&sandbox), &file, &["--yes"]);
    let out = env
        .against(&sandbox)
        .args(["batches", "--search", "cli"])
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("CLI batch") && stdout.contains("page 1 of 1 (1 batch)"),
        "{stdout}"
    );

    let out = env
        .against(&sandbox)
        .env_remove("WEYA_USER_ID")
        .arg("batches")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no user ID is a configuration problem"
    );
    assert!(text(&out).1.contains("WEYA_USER_ID"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_can_come_from_standard_input() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let mut child = env
        .against(&sandbox)
        .env_remove("WEYA_API_KEY")
        .args(["phones", "--api-key-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", sandbox.key().expose_secret()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("12 phone numbers"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_file_with_a_key_that_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let config = env.file(
        "weya.toml",
        &format!(
            "base_url = \"{}\"\napi_key = \"{}\"\nuser_id = \"{SANDBOX_USER_ID}\"\n",
            sandbox.base_url(),
            sandbox.key().expose_secret()
        ),
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env
        .cmd()
        .arg("--config")
        .arg(&config)
        .arg("phones")
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(&format!("chmod 600 '{}'", config.display())),
        "{stderr}"
    );
    assert!(!stderr.contains(sandbox.key().expose_secret()));

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env
        .cmd()
        .arg("--config")
        .arg(&config)
        .arg("phones")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

/// Kills the child when the test ends, pass or fail.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sandbox_command_prints_what_a_client_needs_and_serves_it() {
    let env = Env::new();
    let mut child = env
        .cmd()
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _reaper = Reaper(child);
    let mut url = None;
    let mut key = None;
    let mut token = None;
    let mut user = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("base"), Some("URL"), Some(v)) => url = Some(v.to_owned()),
            (Some("API"), Some("key"), Some(v)) => key = Some(v.to_owned()),
            (Some("token"), Some(v), _) => token = Some(v.to_owned()),
            (Some("user"), Some("ID"), Some(v)) => user = Some(v.to_owned()),
            _ => {}
        }
        if line.starts_with("Ctrl-C") {
            break;
        }
    }
    let (url, key, user) = (url.unwrap(), key.unwrap(), user.unwrap());
    let token = token.unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{url}/api/call/createBatch"))
        .header("x-api-key", &key)
        .header("content-type", "application/json")
        .body(r#"{"batchName":"curl test","callingNumbers":["64e5f12345abcdef87654321"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let body: serde_json::Value = created.json().await.unwrap();
    assert_eq!(body["status"], true);
    assert!(weya_tui::api::types::is_object_id(
        body["data"].as_str().unwrap()
    ));
    let listed = http
        .get(format!("{url}/api/call/batches/{user}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    // The list is a Bearer page: the key is refused there, as Weya's is.
    let with_the_key = http
        .get(format!("{url}/api/call/batches/{user}"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(with_the_key.status(), 401);
}

#[test]
fn a_key_without_a_base_url_is_refused_without_echoing_the_key() {
    let out = Env::new()
        .cmd()
        .env("WEYA_API_KEY", "sk_live_do_not_print_me_123456")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WEYA_BASE_URL"), "{stderr}");
    let everything = format!("{stderr}{}", String::from_utf8_lossy(&out.stdout));
    assert!(!everything.contains("do_not_print_me"), "{everything}");
}

#[test]
fn a_broken_config_file_is_named() {
    let env = Env::new();
    let path = env.file("weya.toml", "base_url = [\n");
    let out = env.cmd().arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("weya.toml"), "{stderr}");
}

#[test]
fn a_refresh_interval_of_0_is_refused_at_start_with_its_setting_named() {
    let out = Env::new()
        .cmd()
        .env("WEYA_REFRESH_SECS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WEYA_REFRESH_SECS (environment variable) is \"0\""),
        "{stderr}"
    );
}

#[test]
fn no_flag_takes_a_secret() {
    let out = Env::new().cmd().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(out.status.success());
    assert!(
        help.contains("--sandbox") && help.contains("--config"),
        "{help}"
    );
    for secret in ["--api-key", "--key", "--token", "--password"] {
        assert!(
            !help.contains(secret),
            "{secret} must not be a flag:\n{help}"
        );
    }
}

#[test]
fn history_prints_the_journal() {
    let env = Env::new();
    let journal = env.path("state/weya-tui/journal.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(
        &journal,
        concat!(
            r#"{"time":"2026-01-15T14:00:00.000Z","target":"sandbox","outcome":"created","batch_name":"May renewals","batch_id":"64e5f12345abcdef98765432","request_id":"sbx-1","body":{"batchName":"May renewals"}}"#,
            "\n",
            r#"{"time":"2026-01-15T14:05:00.000Z","target":"api.weya.example","outcome":"unknown","batch_name":"June","error":"the server did not answer within 30 s","body":{"batchName":"June"}}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = env.cmd().arg("history").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("created  May renewals"), "{text}");
    assert!(text.contains("64e5f12345abcdef98765432"), "{text}");
    assert!(text.contains("UNKNOWN  June"), "{text}");
    assert!(text.contains("did not answer within 30 s"), "{text}");

    let out = env.cmd().args(["history", "--json"]).output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["outcome"], "unknown");
}

/// A 201 whose `data` is no batch ID is never reported as created on its
/// own word: without a list to look at, the outcome is unknown (exit 1);
/// with one, the batch is looked for there, and found.
#[tokio::test(flavor = "multi_thread")]
async fn a_201_without_a_batch_id_is_unknown_until_the_list_shows_the_batch() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    sandbox.store().set_fault(Some(Fault::NotAnId));
    let file = env.file("batch.json", VALID);
    let out = create(
        env.against(&sandbox).env_remove("WEYA_USER_ID"),
        &file,
        &["--yes"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("Created batch"), "{stdout}");
    assert!(
        stderr.contains("gave no batch ID")
            && stderr.contains("may have been created")
            && stderr.contains("no user ID"),
        "{stderr}"
    );

    let out = create(&mut env.against(&sandbox), &file, &["--yes", "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["foundInList"], true, "{json}");
    assert_eq!(json["batchId"], sandbox.store().batches()[0].id.as_str());
    assert!(
        stderr.contains("Weya's batch list shows the batch"),
        "{stderr}"
    );

    let history = env.cmd().args(["history", "--json"]).output().unwrap();
    let outcomes: Vec<String> = String::from_utf8_lossy(&history.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].to_string())
        .collect();
    assert_eq!(outcomes, [r#""unknown""#, r#""unknown""#, r#""created""#]);
}

/// A 201 whose `data` is an ID with a space before it is quoted exactly:
/// trimmed, it would read as the valid ID it is not.
#[tokio::test(flavor = "multi_thread")]
async fn a_201_whose_data_only_looks_like_an_id_is_quoted_exactly() {
    use axum::http::StatusCode;
    let env = Env::new();
    let router = axum::Router::new().route(
        "/api/call/createBatch",
        axum::routing::post(|| async {
            (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "status": true, "code": 201, "data": " 64e5f12345abcdef98765432"
                })),
            )
        }),
    );
    let url = stand_in(router).await;
    let file = env.file("batch.json", VALID);
    let out = create(&mut env.against_stand_in(&url), &file, &["--yes"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "data was \" 64e5f12345abcdef98765432\", 25 characters; a batch ID is 24 hex characters"
        ),
        "{stderr}"
    );
}

/// What a hostile server puts in every string: a title change, a screen
/// clear, C1 controls, a bidi override and a zero-width space.
const HOSTILE: &str =
    "\u{1b}]2;PWNED-TITLE\u{7}\u{1b}[2J\u{9b}31m\u{9d}0;x\u{7f} \u{202E}gnp.exe\u{200B}";

/// Fails unless `bytes` are UTF-8 holding nothing a terminal would act on
/// or hide (line breaks aside).
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{what} is not UTF-8 ({e}): {bytes:?}"));
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| c != '\n' && weya_tui::text::hidden(c).is_some())
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
}

/// A stand-in for Weya on loopback: `router` serves it.
async fn stand_in(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

impl Env {
    /// The binary pointed at a stand-in server.
    fn against_stand_in(&self, url: &str) -> Command {
        self.against_url(url, "sk_test_standin_0000000000")
    }
}

/// Every string Weya could send holds escape sequences and invisible
/// characters.
fn hostile_weya() -> axum::Router {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    use serde_json::json;
    axum::Router::new()
        .route(
            "/api/call/phones/{user}",
            get(|| async {
                Json(json!({"status": true, "data": [{
                    "_id": format!("64e5f1{HOSTILE}"), "phoneNumber": format!("1212{HOSTILE}"),
                    "integration": HOSTILE, "label": HOSTILE,
                }]}))
            }),
        )
        .route(
            "/api/call/batches/{user}",
            get(|| async {
                Json(json!({"status": true, "data": {"batches": [{
                    "_id": HOSTILE, "batchName": HOSTILE, "queue_status": HOSTILE,
                    "createdAt": HOSTILE, "totalCalls": 1,
                }], "pagination": {"total": 1, "page": 1, "limit": 10, "totalPages": 1}}}))
            }),
        )
        .route(
            "/api/call/createBatch",
            post(|| async {
                (
                    StatusCode::CREATED,
                    Json(json!({"status": true, "code": 201, "data": HOSTILE})),
                )
            }),
        )
}

#[tokio::test(flavor = "multi_thread")]
async fn server_text_never_reaches_the_terminal_raw() {
    let env = Env::new();
    let url = stand_in(hostile_weya()).await;
    let file = env.file("batch.json", VALID);
    // A 2xx whose data is no batch ID is an unknown outcome (exit 1): the
    // hostile text is quoted in the error, made safe.
    for (args, code, shows) in [
        (
            &["phones"][..],
            0,
            "⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩⟨U+001B⟩[2J⟨U+009B⟩31m",
        ),
        (&["batches"], 0, "⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩"),
        (
            &["create", "--yes", "--file"],
            1,
            "gave no batch ID (data was \"⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩",
        ),
        (&["history"], 0, "⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩"),
    ] {
        let mut cmd = env.against_stand_in(&url);
        cmd.args(args);
        if args[0] == "create" {
            cmd.arg(&file);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {:?}", text(&out));
        assert_terminal_safe(&format!("{args:?} stdout"), &out.stdout);
        assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
        let (stdout, stderr) = text(&out);
        let shown = format!("{stdout}{stderr}");
        assert!(shown.contains(shows), "{args:?}: {shown}");
        assert!(shown.contains("⟨U+202E⟩gnp.exe⟨U+200B⟩"), "{args:?}");

        // JSON: the exact value to a parser, escaped for the terminal.
        let mut cmd = env.against_stand_in(&url);
        cmd.args(args);
        if args[0] == "create" {
            cmd.arg(&file);
        }
        let out = cmd.arg("--json").output().unwrap();
        assert_terminal_safe(&format!("{args:?} --json"), &out.stdout);
        let first = text(&out).0.lines().next().unwrap_or_default().to_owned();
        let value: serde_json::Value = serde_json::from_str(&first).unwrap();
        match args[0] {
            // The hostile list holds no batch of this name at the look
            // made once the request could no longer land.
            "create" => {
                assert_eq!(value["safeToResend"], true, "{first}");
                continue;
            }
            // The journal keeps the error as it was shown.
            "history" => {
                assert_eq!(value["outcome"], "unknown", "{first}");
                continue;
            }
            _ => {}
        }
        assert!(
            first.contains(r"\u001b]2;PWNED-TITLE\u0007"),
            "{args:?}: {first}"
        );
        let pick = match args[0] {
            "phones" => &value[0]["label"],
            _ => &value["batches"][0]["batchName"],
        };
        assert_eq!(pick, HOSTILE, "{args:?}: {first}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_and_bytes_that_are_not_utf8_are_shown_safely() {
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    let env = Env::new();
    let url = stand_in(
        axum::Router::new()
            // Not UTF-8, with an escape sequence: a proxy's page, say.
            .route(
                "/api/call/phones/{user}",
                get(|| async {
                    (
                        StatusCode::BAD_GATEWAY,
                        b"\xff\xfe\x1b]2;PWNED\x07 \xc2\x9b2J gateway".to_vec(),
                    )
                }),
            )
            .route(
                "/api/call/batches/{user}",
                get(|| async { (StatusCode::OK, b"{\"data\": \"\xff\x1b[2J\"}".to_vec()) }),
            )
            .route(
                "/api/call/createBatch",
                post(|| async {
                    axum::Json(
                        serde_json::json!({"status": false, "code": 200, "message": HOSTILE}),
                    )
                }),
            ),
    )
    .await;
    let file = env.file("batch.json", VALID);
    for args in [
        &["phones"][..],
        &["batches"],
        &["create", "--yes", "--file"],
        &["history"],
    ] {
        let mut cmd = env.against_stand_in(&url);
        cmd.args(args);
        if args[0] == "create" {
            cmd.arg(&file);
        }
        let out = cmd.output().unwrap();
        assert_terminal_safe(&format!("{args:?} stdout"), &out.stdout);
        assert_terminal_safe(&format!("{args:?} stderr"), &out.stderr);
        let (stdout, stderr) = text(&out);
        let all = format!("{stdout}{stderr}");
        match args[0] {
            "phones" => assert!(
                all.contains("\u{FFFD}\u{FFFD}⟨U+001B⟩]2;PWNED⟨U+0007⟩ ⟨U+009B⟩2J gateway"),
                "{all}"
            ),
            "batches" => assert!(all.contains("\u{FFFD}⟨U+001B⟩[2J"), "{all}"),
            _ => assert!(
                all.contains("⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩"),
                "{args:?}: {all}"
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_refuses_what_it_would_have_to_change_to_send() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = "64e5f12345abcdef87654321";
    let long = "n".repeat(122);
    for (json, expect) in [
        (
            format!(r#"{{"batchName": "{long}", "callingNumbers": ["{id}"]}}"#),
            "batchName: 122 characters; at most 120",
        ),
        (
            format!(r#"{{"batchName": "x", "callingNumbers": ["{id}"], "allowedDays": [1, 7]}}"#),
            "allowedDays[1]: 7 is not a day; Weya counts 0 = Sunday … 6 = Saturday",
        ),
        (
            format!(r#"{{"batchName": "May\u001b[2J\n", "callingNumbers": ["{id}"]}}"#),
            "batchName: holds U+001B ESCAPE at character 4 and 1 more after it: a name may not hold control characters",
        ),
        (
            format!(r#"{{"batchName": "evil\u202Etxt.exe", "callingNumbers": ["{id}"]}}"#),
            "batchName: holds U+202E RIGHT-TO-LEFT OVERRIDE at character 5",
        ),
        (
            r#"{"batchName": "x", "callingNumbers": ["12125550143"]}"#.to_owned(),
            "callingNumbers[0]: 12125550143 looks like a phone number; callingNumbers takes 24-hex phone IDs — `weya-tui phones` lists them",
        ),
        (
            format!(
                r#"{{"batchName": "x", "callingNumbers": ["{id}", "not-an-id", "../../x", "\u001b]2;T\u0007"]}}"#
            ),
            "callingNumbers[1]: “not-an-id” is not a phone ID",
        ),
        (
            format!(
                r#"{{"batchName": "x", "callingNumbers": ["{id}", "not-an-id", "../../x", "\u001b]2;T\u0007"]}}"#
            ),
            "callingNumbers[3]: “⟨U+001B⟩]2;T⟨U+0007⟩” is not a phone ID",
        ),
        (
            format!(r#"{{"batchName": "x", "callingNumbers": ["{id}", "../../x"]}}"#),
            "callingNumbers[1]: “../../x” is not a phone ID",
        ),
        (
            format!(r#"{{"batchName": "x", "callingNumbers": ["{id}"], "retries": 3}}"#),
            "unknown field `retries`; did you mean `retry`?",
        ),
        (
            format!(r#"{{"batchName": "x", "callingNumbers": ["{id}", "{id}"]}}"#),
            "field callingNumbers[1]: 64e5f12345abcdef87654321 is listed again (first as callingNumbers[0])",
        ),
        (
            format!(r#"{{"batchName": "x", "callingNumbers": ["{id}"], "retry": 1000}}"#),
            "retry: 1000 is more than 10",
        ),
    ] {
        let file = env.file("bad.json", &json);
        let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{json}: {stderr}");
        assert!(stderr.contains(expect), "{json}\nwants {expect}\n{stderr}");
        assert_terminal_safe(&json, &out.stderr);
    }
    assert_eq!(sandbox.store().create_requests(), 0, "nothing was sent");

    // The file's order is the order sent.
    let other = "64e5f12345abcdef87654325";
    let file = env.file(
        "order.json",
        &format!(r#"{{"batchName": "x", "callingNumbers": ["{other}", "{id}"]}}"#),
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        sandbox.store().batches()[0].body["callingNumbers"],
        serde_json::json!([other, id])
    );
}

#[test]
fn history_skips_lines_that_are_not_utf8_and_shows_the_rest() {
    let env = Env::new();
    let journal = env.path("state/weya-tui/journal.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(br#"{"time":"2026-01-15T14:00:00.000Z","target":"sandbox","outcome":"created","batch_name":"May renewals","batch_id":"64e5f12345abcdef98765432","body":{"batchName":"May renewals"}}"#);
    bytes.extend_from_slice(b"\n{\"time\":\"\xff\xfe\"}\n\xc3\x28\n");
    bytes.extend_from_slice(br#"{"time":"2026-01-15T14:05:00.000Z","target":"sandbox","outcome":"failed","batch_name":"June","body":{"batchName":"June"}}"#);
    bytes.push(b'\n');
    std::fs::write(&journal, bytes).unwrap();

    let out = env.cmd().arg("history").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("created  May renewals"), "{text}");
    assert!(text.contains("failed   June"), "{text}");
    assert!(text.contains("(2 unreadable lines skipped)"), "{text}");

    let out = env.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 unreadable lines skipped"), "{err}");
}

#[test]
fn a_batch_file_over_10_mb_is_refused_unread() {
    let env = Env::new();
    let path = env.path("huge.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(100 * 1000 * 1000)
        .unwrap();
    for args in [&["create", "--dry-run", "--file"][..], &["--from"]] {
        let out = env.cmd().args(args).arg(&path).output().unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the file is 100.0 MB; a batch file may be at most 10 MB"),
            "{args:?}: {stderr}"
        );
    }
}

/// Each command connects once: against the embedded sandbox, one sandbox
/// starts per run (each start logs "sandbox listening"), and a dry run,
/// which sends nothing, starts none.
#[test]
fn each_run_starts_the_embedded_sandbox_at_most_once() {
    let env = Env::new();
    let log = env.path("state/weya-tui/weya-tui.log");
    let starts = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("sandbox listening")
            .count()
    };
    let file = env.file("batch.json", VALID);
    let runs: [(&[&str], usize); 4] = [
        (&["phones"], 1),
        (&["batches"], 1),
        (&["create", "--yes", "--file"], 1),
        (&["create", "--dry-run", "--file"], 0),
    ];
    for (args, expected) in runs {
        let before = starts();
        let mut cmd = env.cmd();
        cmd.args(args);
        if args[0] == "create" {
            cmd.arg(&file);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {:?}", text(&out));
        assert_eq!(starts() - before, expected, "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn field_errors_speak_of_the_file_not_of_the_form() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file(
        "bad.json",
        r#"{"batchName": "x", "callingNumbers": [], "allowedDays": [], "delay": 90000,
            "callingHour": {"start": "9am", "end": "17:00"}}"#,
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for wanted in [
        "callingNumbers: missing or empty: give an array of phone IDs, each a string of 24 hex \
         characters (`weya-tui phones` lists them)",
        "allowedDays: an empty array: give at least one day as a number, 0 = Sunday … 6 = Saturday",
        "delay: 90000 seconds is more than 86400 (24 h), the longest delay: delay takes a whole \
         number of seconds",
        r#"callingHour.start: “9am” is not a time: give a string in 24-hour "HH:MM", e.g. "09:00""#,
    ] {
        assert!(stderr.contains(wanted), "wants {wanted}\n{stderr}");
    }
    // Nothing a file cannot do: no keys to press, no units to type.
    for form_words in ["Space", "toggles", "15m", "1h", "press"] {
        assert!(!stderr.contains(form_words), "{form_words}:\n{stderr}");
    }

    let out = create(&mut env.against(&sandbox), &file, &["--yes", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = json["fields"].to_string();
    assert!(!messages.contains("Space"), "{messages}");
    assert!(messages.contains("missing or empty"), "{messages}");
    assert_eq!(sandbox.store().create_requests(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_says_what_it_sends_with_its_warnings_on_stderr_with_yes_too() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file(
        "batch.json",
        r#"{"batchName": "Weekend push", "callingNumbers": ["64e5f12345abcdef87654321"],
            "retry": 2, "delay": 900, "timezone": "Asia/Kolkata",
            "callingHour": {"start": "10:00", "end": "18:30"}, "allowedDays": [0, 6]}"#,
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let first = stdout
        .strip_prefix("Created batch ")
        .unwrap_or_else(|| panic!("the summary is not on stdout: {stdout}"))
        .trim()
        .to_owned();
    for wanted in [
        "Batch name   Weekend push",
        // Named as the TUI's review names it: the sandbox lists the phone.
        "Calls from   1 number: +1 212-555-0143 (New York sales)\n",
        // In the batch's timezone; the next window in the operator's too
        // (the CLI tests run with TZ=Etc/UTC).
        "Schedule     Sun, Sat 10:00–18:30 Asia/Kolkata (8 h 30 min a day)\n",
        "Next window  ",
        "04:30–13:00 your time (Etc/UTC)",
        "Retries      2 retries, 900 s = 15 min apart",
        "Target       ",
        "weya-tui: warning: Calls on Saturday and Sunday",
    ] {
        assert!(stderr.contains(wanted), "wants {wanted}\n{stderr}");
    }
    assert!(!stderr.contains("already created"), "{stderr}");

    // The second time, the journal knows the name.
    let out = create(&mut env.against(&sandbox), &file, &["--yes", "--json"]);
    let (stdout, stderr) = text(&out);
    let duplicate = "weya-tui: warning: A batch named \"Weekend push\" was already created \
                     from this machine (";
    assert!(
        stderr.contains(duplicate) && stderr.contains(&first),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        json["warnings"].to_string().contains("already created"),
        "{json}"
    );

    // Without --yes and without a terminal the same is said, then refused.
    let out = create(&mut env.against(&sandbox), &file, &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("Schedule     Sun, Sat 10:00–18:30") && stderr.contains("already created"),
        "{stderr}"
    );
    assert_eq!(sandbox.store().create_requests(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_and_limits_out_of_range_are_refused_not_changed() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = "64e5f12345abcdef87654321";
    for (args, wanted) in [
        (
            vec!["batches", "--limit", "500"],
            "500 rows per page: give 1 to 100",
        ),
        (
            vec!["batches", "--limit", "0"],
            "0 rows per page: give 1 to 100",
        ),
        (vec!["batches", "--page", "0"], "pages are numbered from 1"),
        (
            vec!["batch", "calls", id, "--limit", "101"],
            "101 rows per page",
        ),
        (
            vec!["batch", "calls", id, "--page", "0"],
            "pages are numbered from 1",
        ),
    ] {
        let out = env.against(&sandbox).args(&args).output().unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(wanted), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
    let out = env
        .against(&sandbox)
        .args(["batches", "--json", "--limit", "100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

/// A Weya that refuses every credential with the server's own words.
fn refusing_weya(status: u16) -> axum::Router {
    use axum::Json;
    use axum::http::StatusCode;
    use serde_json::json;
    let status = StatusCode::from_u16(status).unwrap();
    axum::Router::new().fallback(move || async move {
        (
            status,
            Json(json!({"status": false, "errorMessage": "Invalid API key"})),
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_credential_is_named_with_where_it_came_from() {
    let env = Env::new();
    let key = "sk_test_standin_0000000000";
    let file = env.file("batch.json", VALID);
    let contacts = env.file("contacts.csv", "phone\n+12125550143\n");
    for status in [401, 403] {
        let url = stand_in(refusing_weya(status)).await;
        let runs: [(&str, Vec<std::ffi::OsString>); 4] = [
            ("phones", vec!["phones".into()]),
            ("batches", vec!["batches".into()]),
            (
                "create",
                vec![
                    "create".into(),
                    "--yes".into(),
                    "--file".into(),
                    file.clone().into(),
                ],
            ),
            (
                "import",
                vec![
                    "batch".into(),
                    "import".into(),
                    "64e5f12345abcdef87654321".into(),
                    contacts.clone().into(),
                    "--region".into(),
                    "US".into(),
                    "--yes".into(),
                ],
            ),
        ];
        for (what, args) in &runs {
            let out = env.against_stand_in(&url).args(args).output().unwrap();
            let (stdout, stderr) = text(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{what} {status}: {stdout}{stderr}"
            );
            assert!(
                stderr.contains("x-api-key from environment variable WEYA_API_KEY"),
                "{what} {status}: {stderr}"
            );
            assert!(
                !stderr.contains(key) && !stdout.contains(key),
                "{what}: the key leaked"
            );
        }
        // A Bearer token from a config file, said as such.
        let config = env.file(
            "token.toml",
            &format!(
                "base_url = \"{url}\"\ntoken = \"tok_standin_0000000000\"\nuser_id = \"u1\"\n"
            ),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let out = env
            .cmd()
            .arg("--config")
            .arg(&config)
            .args(["phones", "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let advice = json["advice"].as_str().unwrap_or_default();
        assert!(
            advice.contains("Bearer token from config file") && advice.contains("token.toml"),
            "{json}"
        );
        assert!(
            !out.stdout.windows(8).any(|w| w == b"tok_stan"),
            "the token leaked"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn phones_lists_the_phone_book_marked_local() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    std::fs::create_dir_all(env.path("config/weya-tui")).unwrap();
    std::fs::write(
        env.path("config/weya-tui/phonebook.toml"),
        "[\"64e5f12345abcdef0000beef\"]\nnumber = \"+4930901820\"\nlabel = \"Berlin desk\"\n\n\
         [\"64e5f12345abcdef87654321\"]\nnumber = \"+12125550143\"\nlabel = \"mine\"\n",
    )
    .unwrap();
    let out = env.against(&sandbox).arg("phones").output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let berlin = stdout
        .lines()
        .find(|l| l.starts_with("64e5f12345abcdef0000beef"))
        .unwrap_or_else(|| panic!("the local number is listed: {stdout}"));
    assert!(
        berlin.contains("+49") && berlin.contains("local") && berlin.contains("Berlin desk"),
        "{berlin}"
    );
    let known = stdout
        .lines()
        .find(|l| l.starts_with("64e5f12345abcdef87654321"))
        .unwrap();
    assert!(
        known.contains("workspace") && !known.contains("local"),
        "{known}"
    );
    assert!(stdout.contains("13 phone numbers (1 local"), "{stdout}");

    let out = env
        .against(&sandbox)
        .args(["phones", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 13);
    let local: Vec<_> = rows.iter().filter(|r| r["source"] == "local").collect();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0]["_id"], "64e5f12345abcdef0000beef");
    assert!(
        rows[..12].iter().all(|r| r["source"] == "workspace"),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tui_without_a_terminal_says_so_on_stderr_and_writes_nothing_to_stdout() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    // Standard input from /dev/null and output to a pipe, with and without
    // a sandbox to start.
    for mut cmd in [env.against(&sandbox), {
        let mut c = env.cmd();
        c.arg("--sandbox");
        c
    }] {
        let out = cmd.output().unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stdout, "", "nothing at all on stdout");
        assert_eq!(
            stderr,
            "weya-tui needs a terminal; the commands (weya-tui --help) work without one\n"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_past_the_last_is_refused_and_never_reads_as_no_batches() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    for _ in 0..6 {
        create(&mut env.against(&sandbox), &file, &["--yes"]);
    }
    for args in [
        vec!["batches", "--page", "99"],
        vec!["batches", "--page", "5"],
        vec!["batches", "--page", "4", "--limit", "2"],
    ] {
        let out = env.against(&sandbox).args(&args).output().unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        let pages = if args.contains(&"--limit") {
            "3 pages"
        } else {
            "1 page"
        };
        assert_eq!(
            stderr,
            format!(
                "weya-tui: page {} is past the last page ({pages}, 6 batches)\n",
                args[2]
            ),
            "{args:?}"
        );
    }
    // JSON: an error object instead of an empty page, the same exit code.
    let out = env
        .against(&sandbox)
        .args(["batches", "--json", "--page", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["error"],
        "page 2 is past the last page (1 page, 6 batches)"
    );
    assert_eq!(json["totalPages"], 1);
    // The last page itself, and page 1 of an empty search, are answers.
    let out = env
        .against(&sandbox)
        .args(["batches", "--page", "3", "--limit", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.ends_with("page 3 of 3 (6 batches)\n"));
    let out = env
        .against(&sandbox)
        .args(["batches", "--search", "nothing like it"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out).0, "No batches.\n");
}

#[test]
fn a_config_file_that_cannot_be_read_is_named_with_the_reason_said_once() {
    let env = Env::new();
    for args in [
        vec!["--config", "/nonexistent"],
        vec!["--config", "/nonexistent", "batches"],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert_eq!(
            stderr.lines().next().unwrap(),
            "weya-tui: cannot read the config file /nonexistent: No such file or directory",
            "{args:?}"
        );
    }
}

/// The binary's stdout, a pipe whose reader has already gone, as in
/// `weya-tui phones | head -1` once `head` has its line.
fn into_a_closed_pipe(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_stops_reading_ends_the_output_quietly() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    create(&mut env.against(&sandbox), &file, &["--yes"]);
    for args in [
        &["phones"][..],
        &["phones", "--json"],
        &["batches"],
        &["batches", "--json"],
        &["history"],
    ] {
        let out = into_a_closed_pipe(env.against(&sandbox).args(args));
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
    // Not a listing: the batch is still made, and the exit code says so.
    let out = into_a_closed_pipe(
        env.against(&sandbox)
            .args(["create", "--yes", "--file"])
            .arg(&file),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = env
        .against(&sandbox)
        .args(["batches", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["batches"].as_array().unwrap().len(), 2, "{json}");
}

impl Env {
    /// `cmd` with a config file that makes requests time out after 1 s,
    /// and a request whose answer is lost watched for `landing_secs`.
    fn impatient(&self, mut cmd: Command, landing_secs: u64) -> Command {
        use std::os::unix::fs::PermissionsExt;
        let config = self.file("impatient.toml", "timeout_secs = 1\n");
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        cmd.arg("--config")
            .arg(config)
            .env("WEYA_LOST_ANSWER_SECS", landing_secs.to_string());
        cmd
    }
}

/// Issue 16: a createBatch that answers after the timeout and stores the
/// batch late. The command does not stop at "may have been created": it
/// watches Weya's list until the request can no longer land, finds the
/// batch, says it was created (exit 0), journals it, and sends nothing
/// again.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_stored_after_the_timeout_is_found_and_reported_created() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    sandbox
        .store()
        .set_fault(Some(Fault::SlowStore(std::time::Duration::from_secs(3))));
    let file = env.file("batch.json", VALID);
    let out = create(
        &mut env.impatient(env.against(&sandbox), 30),
        &file,
        &["--yes", "--json"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let batches = sandbox.store().batches();
    assert_eq!(batches.len(), 1, "one batch");
    assert_eq!(sandbox.store().create_requests(), 1, "one POST");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["batchId"], batches[0].id.as_str());
    assert_eq!(json["foundInList"], true);
    assert!(
        stderr.contains("the answer was lost (")
            && stderr.contains("Weya may still store the batch until")
            && stderr.contains("Nothing is sent again"),
        "says what it waits for: {stderr}"
    );
    let (entries, _) =
        weya_tui::store::journal::read(&env.path("state/weya-tui/journal.jsonl")).unwrap();
    let outcomes: Vec<_> = entries.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [
            weya_tui::store::journal::JournalOutcome::Unknown,
            weya_tui::store::journal::JournalOutcome::Created
        ]
    );
    assert_eq!(entries[1].batch_id.as_deref(), Some(batches[0].id.as_str()));
}

/// A request that never answers and stores nothing: once a look made
/// after it could no longer land finds no such batch, the command says it
/// was not created and that sending it again is safe.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_with_no_batch_after_the_deadline_is_safe_to_send_again() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    sandbox.store().set_fault(Some(Fault::Hang));
    let file = env.file("batch.json", VALID);
    let out = create(
        &mut env.impatient(env.against(&sandbox), 2),
        &file,
        &["--yes", "--json"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["outcomeUnknown"], false, "{json}");
    assert_eq!(json["safeToResend"], true, "{json}");
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("the batch was not created"),
        "{json}"
    );
    assert_eq!(sandbox.store().create_requests(), 1);
}

/// A stand-in whose createBatch never answers, and whose list holds a
/// batch of the name sent with a creation date that cannot be compared.
fn listing_a_batch_created(created_at: fn() -> serde_json::Value) -> axum::Router {
    use axum::Json;
    use axum::routing::{get, post};
    use serde_json::json;
    axum::Router::new()
        .route(
            "/api/call/batches/{user}",
            get(move || async move {
                let mut batch = json!({"_id": "6650c0ffee0ddba11ab1e0aa", "batchName": "CLI batch",
                    "queue_status": "paused", "totalCalls": 0});
                if let Some(obj) = batch.as_object_mut()
                    && !created_at().is_null()
                {
                    obj.insert("createdAt".into(), created_at());
                }
                Json(json!({"status": true, "data": {"batches": [batch],
                    "pagination": {"total": 1, "page": 1, "limit": 50, "totalPages": 1}}}))
            }),
        )
        .route(
            "/api/call/createBatch",
            post(std::future::pending::<Json<serde_json::Value>>),
        )
}

/// Issue 16: a batch of the same name whose date is missing, not ISO 8601
/// or ten minutes behind (a server clock behind) is shown as a candidate,
/// never taken for "no such batch".
#[tokio::test(flavor = "multi_thread")]
async fn a_same_named_batch_with_an_odd_date_is_a_candidate_never_an_absence() {
    let env = Env::new();
    let dates: [fn() -> serde_json::Value; 3] = [
        || serde_json::Value::Null,
        || serde_json::json!("2026-12-05 21:12:57"),
        || {
            serde_json::json!(
                (chrono::Utc::now() - chrono::Duration::minutes(10))
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            )
        },
    ];
    for created_at in dates {
        let url = stand_in(listing_a_batch_created(created_at)).await;
        let file = env.file("batch.json", VALID);
        let out = create(
            &mut env.impatient(env.against_stand_in(&url), 2),
            &file,
            &["--yes", "--json"],
        );
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["outcomeUnknown"], true, "{json}");
        assert_eq!(json["safeToResend"], false, "{json}");
        assert_eq!(json["candidates"][0]["batchId"], "6650c0ffee0ddba11ab1e0aa");
        let error = json["error"].as_str().unwrap();
        assert!(
            error.contains("A batch named “CLI batch” exists (6650c0ffee0ddba11ab1e0aa)")
                && error.contains(": yours?"),
            "{error}"
        );
    }
}

/// A stand-in behind a gateway: its createBatch answers `status` with the
/// gateway's HTML page, having stored the batch (`stores`) or not; its
/// list shows what was stored. The count of POSTs comes with it.
fn behind_a_gateway(
    status: axum::http::StatusCode,
    stores: bool,
) -> (axum::Router, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::header;
    use axum::response::IntoResponse;
    storing_stand_in(stores, move || {
        (
            status,
            [(header::CONTENT_TYPE, "text/html")],
            format!("<html><head><title>{status}</title></head></html>"),
        )
            .into_response()
    })
}

/// A stand-in whose createBatch answers `answer()`, having stored the
/// batch (`stores`) or not; its list shows what was stored. The count of
/// POSTs comes with it.
fn storing_stand_in(
    stores: bool,
    answer: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (axum::Router, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::{get, post};
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let posts = Arc::new(AtomicUsize::new(0));
    let stored: Arc<Mutex<Option<String>>> = Arc::default();
    let (counted, storing, listing) = (posts.clone(), stored.clone(), stored);
    let router = axum::Router::new()
        .route(
            "/api/call/batches/{user}",
            get(move || {
                let listing = listing.clone();
                async move {
                    match listing.lock().unwrap().clone() {
                        Some(at) => Json(json!({"status": true, "data": {"batches": [{
                            "_id": "6650c0ffee0ddba11ab1e0bb", "batchName": "CLI batch",
                            "createdAt": at, "queue_status": "paused", "totalCalls": 0}],
                            "pagination": {"total": 1, "page": 1, "limit": 50,
                            "totalPages": 1}}}))
                        .into_response(),
                        None => (
                            StatusCode::NOT_FOUND,
                            Json(json!({"status": false, "message": "No batches found"})),
                        )
                            .into_response(),
                    }
                }
            }),
        )
        .route(
            "/api/call/createBatch",
            post(move || {
                let (counted, storing, answer) = (counted.clone(), storing.clone(), answer.clone());
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    if stores {
                        *storing.lock().unwrap() = Some(
                            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        );
                    }
                    answer()
                }
            }),
        );
    (router, posts)
}

/// QA: a createBatch answered 201 (or 200) with `"status": false` was
/// read as "not created", inviting a second batch though Weya may have
/// made the first. It is in doubt: said as a contradiction with Weya's
/// message and request ID, and Weya's list is watched for the batch, as
/// after a lost answer. One POST each time.
#[tokio::test(flavor = "multi_thread")]
async fn a_create_answered_201_with_status_false_is_watched_for_not_taken_as_refused() {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use std::sync::atomic::Ordering;
    use weya_tui::store::journal::{self, JournalOutcome};
    for (code, stores) in [(201u16, true), (200, true), (201, false)] {
        let env = Env::new();
        let (router, posts) = storing_stand_in(stores, move || {
            (
                StatusCode::from_u16(code).unwrap(),
                [("x-request-id", "req-false")],
                axum::Json(serde_json::json!({"status": false, "code": code,
                    "message": "Batch could not be created"})),
            )
                .into_response()
        });
        let url = stand_in(router).await;
        let file = env.file("batch.json", VALID);
        let out = create(
            &mut env.impatient(env.against_stand_in(&url), 2),
            &file,
            &["--yes", "--json"],
        );
        let (stdout, stderr) = text(&out);
        assert!(
            stderr.contains(&format!(
                "HTTP {code} with \"status\": false: the answer contradicts itself"
            )) && stderr.contains("Weya's message: Batch could not be created")
                && stderr.contains("the batch may have been created; watching Weya's list"),
            "{code}: {stderr}"
        );
        assert_eq!(posts.load(Ordering::SeqCst), 1, "{code}: one POST");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let (entries, _) = journal::read(&env.journal()).unwrap();
        let outcomes: Vec<_> = entries.iter().map(|e| e.outcome).collect();
        if stores {
            assert_eq!(out.status.code(), Some(0), "{code}: {stdout}\n{stderr}");
            assert_eq!(json["batchId"], "6650c0ffee0ddba11ab1e0bb", "{json}");
            assert_eq!(json["foundInList"], true, "{json}");
            assert_eq!(
                outcomes,
                [JournalOutcome::Unknown, JournalOutcome::Created],
                "{code}"
            );
        } else {
            assert_eq!(out.status.code(), Some(1), "{code}: {stdout}\n{stderr}");
            assert_eq!(outcomes, [JournalOutcome::Unknown], "{code}");
            let error = json["error"].as_str().unwrap();
            assert!(error.contains("the batch was not created"), "{error}");
        }
    }
}

/// A gateway's 502, 503 or 504 may come after Weya stored the batch: the
/// command never reports it as "not created" (which invites a second
/// batch). It says the batch may have been created and watches Weya's
/// list: the batch found there is reported created (exit 0); none there
/// once the request could no longer land is "not created", safe to send
/// again (exit 1). One POST each time.
#[tokio::test(flavor = "multi_thread")]
async fn a_gateways_502_503_or_504_is_watched_for_never_taken_as_not_created() {
    use axum::http::StatusCode;
    use std::sync::atomic::Ordering;
    use weya_tui::store::journal::{self, JournalOutcome};
    for (status, stores) in [
        (StatusCode::BAD_GATEWAY, true),
        (StatusCode::GATEWAY_TIMEOUT, true),
        (StatusCode::SERVICE_UNAVAILABLE, true),
        (StatusCode::BAD_GATEWAY, false),
    ] {
        let env = Env::new();
        let (router, posts) = behind_a_gateway(status, stores);
        let url = stand_in(router).await;
        let file = env.file("batch.json", VALID);
        let out = create(
            &mut env.impatient(env.against_stand_in(&url), 2),
            &file,
            &["--yes", "--json"],
        );
        let (stdout, stderr) = text(&out);
        let code = status.as_u16();
        assert!(
            stderr.contains(&format!("a gateway answered for Weya (HTTP {code}"))
                && stderr.contains("the batch may have been created; watching Weya's list"),
            "{code}: {stderr}"
        );
        assert_eq!(posts.load(Ordering::SeqCst), 1, "{code}: one POST");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let (entries, _) = journal::read(&env.journal()).unwrap();
        let outcomes: Vec<_> = entries.iter().map(|e| e.outcome).collect();
        if stores {
            assert_eq!(out.status.code(), Some(0), "{code}: {stdout}\n{stderr}");
            assert_eq!(json["batchId"], "6650c0ffee0ddba11ab1e0bb", "{json}");
            assert_eq!(json["foundInList"], true, "{json}");
            assert_eq!(
                outcomes,
                [JournalOutcome::Unknown, JournalOutcome::Created],
                "{code}"
            );
        } else {
            assert_eq!(out.status.code(), Some(1), "{code}: {stdout}\n{stderr}");
            assert_eq!(json["safeToResend"], true, "{json}");
            let error = json["error"].as_str().unwrap();
            assert!(error.contains("the batch was not created"), "{error}");
            assert!(error.contains("at a look after"), "{error}");
            assert_eq!(outcomes, [JournalOutcome::Unknown], "{code}");
        }
    }
}

/// The credentials of `a_credential_the_server_echoes_is_masked_everywhere`:
/// the key with characters a URL encodes.
const ECHOED_KEY: &str = "sk_live/echo+0123456789=wxyz";
const ECHOED_KEY_IN_URL: &str = "sk_live%2Fecho%2B0123456789%3Dwxyz";
const ECHOED_TOKEN: &str = "tok_echo_0123456789_5678";

/// A server that echoes the credentials: in a 401's message and request
/// ID, in a proxy page's title (URL-encoded), in a 201's `data`.
fn echoing(answer: usize) -> axum::Router {
    use axum::Json;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use axum::routing::{get, post};
    use serde_json::json;
    axum::Router::new()
        .route(
            "/api/call/batches/{user}",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    Json(json!({"status": false, "message": "No batches found"})),
                )
            }),
        )
        .route(
            "/api/call/createBatch",
            post(move || async move {
                match answer {
                    0 => (
                        StatusCode::UNAUTHORIZED,
                        [("x-request-id", format!("req-{ECHOED_TOKEN}"))],
                        Json(json!({"status": false, "message":
                            format!("invalid key {ECHOED_KEY} (token {ECHOED_TOKEN})")})),
                    )
                        .into_response(),
                    3 => (
                        // The tester's server: the credentials echoed in
                        // encodings a simple replace misses.
                        StatusCode::UNAUTHORIZED,
                        [(header::CONTENT_TYPE, "application/json")],
                        format!(
                            r#"{{"status":false,"message":"lower={} plus={} needless={} json={}"}}"#,
                            ECHOED_KEY_IN_URL.to_ascii_lowercase(),
                            format!("Bearer {ECHOED_TOKEN}").replace(' ', "+"),
                            ECHOED_TOKEN.replace('_', "%5F"),
                            ECHOED_KEY.replace('/', r"\/").replace('+', r"\u002B"),
                        ),
                    )
                        .into_response(),
                    1 => (
                        StatusCode::BAD_REQUEST,
                        [(header::CONTENT_TYPE, "text/html")],
                        format!(
                            "<html><head><title>Blocked: /createBatch?key={ECHOED_KEY_IN_URL}\
                             </title></head></html>"
                        ),
                    )
                        .into_response(),
                    _ => (
                        StatusCode::CREATED,
                        Json(json!({"status": true, "data": ECHOED_KEY})),
                    )
                        .into_response(),
                }
            }),
        )
}

/// Issue 16: a server that echoes the credential it was sent does not get
/// it printed: not on stderr, not in `--json`, not in the journal or the
/// log. The text around it is still shown, the credential masked.
#[tokio::test(flavor = "multi_thread")]
async fn a_credential_the_server_echoes_is_masked_everywhere() {
    let env = Env::new();
    let file = env.file("batch.json", VALID);
    for (answer, shows) in [
        (0, "invalid key ••••wxyz (token ••••5678)"),
        (1, "Blocked: /createBatch?key=••••wxyz"),
        (2, "data was \"••••wxyz\""),
        (
            3,
            "lower=••••wxyz plus=Bearer+••••5678 needless=••••5678 json=••••wxyz",
        ),
    ] {
        let url = stand_in(echoing(answer)).await;
        for json in [false, true] {
            let mut cmd = env.against_url(&url, ECHOED_KEY);
            cmd.env("WEYA_TOKEN", ECHOED_TOKEN);
            let flags: &[&str] = if json {
                &["--yes", "--json"]
            } else {
                &["--yes"]
            };
            let out = create(&mut cmd, &file, flags);
            let (stdout, stderr) = text(&out);
            assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
            let shown = format!("{stdout}{stderr}");
            assert!(shown.contains(shows), "{answer}, json {json}: {shown}");
            for secret in [ECHOED_KEY, ECHOED_KEY_IN_URL, ECHOED_TOKEN, "0123456789"] {
                assert!(!shown.contains(secret), "{secret} shown: {shown}");
                for decoded in decodings(&shown) {
                    assert!(!decoded.contains(secret), "{secret} decodable: {shown}");
                }
            }
        }
    }
    let files = files_under(env.home.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("weya-tui.log"))
            && files.iter().any(|(p, _)| p.ends_with("journal.jsonl")),
        "{:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, bytes) in &files {
        for secret in [ECHOED_KEY, ECHOED_KEY_IN_URL, ECHOED_TOKEN, "0123456789"] {
            assert!(!holds(bytes, secret), "{} holds {secret}", path.display());
        }
    }
}

/// `text` percent-decoded (the key holds a `+`: once with `+` as it is,
/// once as a space) and with JSON's `\/` and `\u00XX` undone.
fn decodings(text: &str) -> [String; 2] {
    let decode = |plus: bool| {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let hex = |at: usize| {
                std::str::from_utf8(b.get(at..at + 2)?)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            };
            match b[i] {
                b'%' if hex(i + 1).is_some() => {
                    out.push(hex(i + 1).unwrap());
                    i += 3;
                }
                b'\\' if b.get(i + 1) == Some(&b'/') => {
                    out.push(b'/');
                    i += 2;
                }
                b'\\' if b.get(i + 1..i + 4) == Some(b"u00") && hex(i + 4).is_some() => {
                    out.push(hex(i + 4).unwrap());
                    i += 6;
                }
                b'+' if plus => {
                    out.push(b' ');
                    i += 1;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    [decode(false), decode(true)]
}

// ---- phones add (add-phone) ----

/// Runs `cmd` with `input` on its standard input.
fn with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses before reading may be gone already.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Every file under `dir`, as bytes, with its path.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                found.push((path, bytes));
            }
        }
    }
    found
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

const TOKEN: &str = "tok-7f3a9c0e5b1d";
const SID: &str = "AC-2b8e4d6f0a1c";

#[test]
fn phones_add_registers_keeps_and_selects_the_number_and_no_secret_is_written_anywhere() {
    let env = Env::new();
    // The app's own sandbox: nothing configured.
    let out = with_stdin(
        env.cmd().args([
            "phones",
            "add",
            "--number",
            "14155550100",
            "--integration",
            "telnyx",
            "--label",
            "SF desk",
        ]),
        &format!("{TOKEN}\n{SID}\n"),
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let id = stdout
        .split_whitespace()
        .find(|w| weya_tui::api::types::is_object_id(w))
        .unwrap_or_else(|| panic!("no phone ID in {stdout}"))
        .to_owned();
    assert!(
        stdout.starts_with(&format!(
            "Registered +1 415-555-0100 (telnyx) as phone ID {id}\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("phonebook.toml as \"SF desk\""), "{stdout}");
    let book = weya_tui::config::load_phone_book(&env.path("config/weya-tui/phonebook.toml"));
    let book = book.unwrap();
    assert_eq!(book.len(), 1);
    assert_eq!(
        (book[0].id.as_str(), book[0].phone_number.as_str()),
        (id.as_str(), "14155550100")
    );
    assert_eq!(
        (book[0].label.as_str(), book[0].integration.as_str()),
        ("SF desk", "telnyx")
    );

    // The workspace lists it, named by the book; a batch may call from it.
    let out = env.cmd().args(["phones", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["_id"] == id.as_str())
        .unwrap_or_else(|| panic!("not listed: {listed}"));
    assert_eq!(row["source"], "workspace");
    assert_eq!(row["label"], "SF desk");
    let file = env.file(
        "batch.json",
        &format!(r#"{{"batchName": "From SF", "callingNumbers": ["{id}"]}}"#),
    );
    let out = create(&mut env.cmd(), &file, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    // --json, for scripts.
    let out = with_stdin(
        env.cmd().args([
            "phones",
            "add",
            "--json",
            "--number",
            "+442079460001",
            "--integration",
            "plivo",
        ]),
        &format!("{TOKEN}\n{SID}\n"),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json}");
    assert_eq!(json["phoneNumber"], "+442079460001");
    assert_eq!(json["integration"], "plivo");
    assert_eq!(json["userId"], SANDBOX_USER_ID);
    assert!(
        json["phoneBook"]
            .as_str()
            .unwrap()
            .ends_with("phonebook.toml")
    );

    // The secrets are in no file: not the book, the sandbox's state and
    // log, the app's log, the journal; and in no output.
    for (path, bytes) in files_under(env.home.path()) {
        for secret in [TOKEN, SID] {
            assert!(!holds(&bytes, secret), "{} holds a secret", path.display());
        }
    }
    for secret in [TOKEN, SID] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn phones_add_refuses_what_is_wrong_before_anything_is_sent() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let add = |args: &[&str], input: &str| {
        let mut cmd = env.against(&sandbox);
        cmd.args(["phones", "add"]).args(args);
        with_stdin(&mut cmd, input)
    };
    let secrets = format!("{TOKEN}\n{SID}\n");
    for (args, input, says) in [
        (
            &["--number", "+1 415 555 0100", "--integration", "twilio"][..],
            secrets.as_str(),
            "Number: Write the number as digits with the country code",
        ),
        (
            &["--number", "1415", "--integration", "twilio"],
            secrets.as_str(),
            "Number: A number with its country code has 8 to 15 digits; this has 4",
        ),
        (
            &["--number", "14155550100", "--integration", "twilio"],
            "",
            "Auth token: The provider's auth token is required",
        ),
        (
            &["--number", "14155550100", "--integration", "twilio"],
            &format!("{TOKEN}\n"),
            "Account SID: The provider's account SID is required",
        ),
    ] {
        let out = add(args, input);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(stderr.contains("nothing was sent"), "{stderr}");
        assert!(!stderr.contains(TOKEN), "{stderr}");
    }
    let out = add(
        &["--number", "14155550100", "--integration", "skype"],
        &secrets,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("plivo, twilio or telnyx"),
        "{:?}",
        text(&out)
    );
    // No user ID: nothing can be sent.
    let out = with_stdin(
        env.against(&sandbox).env_remove("WEYA_USER_ID").args([
            "phones",
            "add",
            "--number",
            "14155550100",
            "--integration",
            "twilio",
        ]),
        &secrets,
    );
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(text(&out).1.contains("WEYA_USER_ID"), "{:?}", text(&out));
    assert_eq!(sandbox.store().phones().len(), 12, "nothing was registered");
    assert!(
        !env.path("config/weya-tui/phonebook.toml").exists(),
        "nothing was kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn phones_add_never_shows_a_secret_even_when_the_server_quotes_it() {
    use axum::http::StatusCode;
    let echoing = axum::Router::new().fallback(|body: String| async move {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({
                "status": false, "code": 400,
                "errorMessage": format!("Provider rejected the credentials in {body}")
            })),
        )
    });
    let env = Env::new();
    let url = stand_in(echoing).await;
    let out = with_stdin(
        env.against_stand_in(&url).args([
            "phones",
            "add",
            "--number",
            "14155550100",
            "--integration",
            "twilio",
        ]),
        &format!("{TOKEN}\n{SID}\n"),
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("HTTP 400"), "{stderr}");
    assert!(
        stderr.contains("Provider rejected the credentials"),
        "{stderr}"
    );
    for secret in [TOKEN, SID] {
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{stderr}"
        );
    }
    assert!(!env.path("config/weya-tui/phonebook.toml").exists());
}

#[test]
fn the_provider_secrets_are_no_flags_of_phones_add() {
    let out = Env::new()
        .cmd()
        .args(["phones", "add", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(out.status.success(), "{help}");
    assert!(
        help.contains("--number") && help.contains("--label"),
        "{help}"
    );
    // (--token-stdin, a global flag, reads the Bearer token from stdin.)
    for secret in [
        "--token ",
        "--auth-token",
        "--sid",
        "--acc-sid",
        "--account-sid",
    ] {
        assert!(
            !help.contains(secret),
            "{secret} must not be a flag:\n{help}"
        );
    }
}

/// Issue 16, item 8: a batch file is sent as it is written. Nothing is
/// trimmed or rewritten, and what the file leaves out stays out of the
/// body (Weya's defaults apply), which the summary says.
#[tokio::test(flavor = "multi_thread")]
async fn create_sends_the_file_as_written_and_leaves_out_what_it_leaves_out() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = "64e5f12345abcdef87654321";
    let file = env.file(
        "batch.json",
        &format!(
            r#"{{"batchName": " June renewals ", "callingNumbers": ["{id}"],
                "callingHour": {{"start": "09:00", "end": "17:00"}}, "timezone": null}}"#
        ),
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        sandbox.store().batches()[0].body,
        serde_json::json!({"batchName": " June renewals ", "callingNumbers": [id],
            "callingHour": {"start": "09:00", "end": "17:00"}}),
        "exactly the file: no trimming, no timezone, retry, delay or days filled in"
    );
    for wanted in [
        "Batch name   “ June renewals ”",
        "Schedule     09:00–17:00 (8 h a day); days and timezone not set: Weya's default",
        "Retries      not set: Weya's default",
        "starts or ends with a space: it is sent as written",
    ] {
        assert!(stderr.contains(wanted), "wants {wanted}\n{stderr}");
    }

    // A time that only reads as one is refused, not rewritten.
    let file = env.file(
        "nine.json",
        &format!(
            r#"{{"batchName": "Nine", "callingNumbers": ["{id}"],
                "callingHour": {{"start": "9:00", "end": "17:00"}}}}"#
        ),
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            r#"callingHour.start: “9:00” is not written as "HH:MM": write "09:00" (or pass --form-defaults to have it written so)"#
        ),
        "{stderr}"
    );
    assert_eq!(sandbox.store().create_requests(), 1, "nothing sent");

    // With --form-defaults, as the form would make it: every change said,
    // on stderr and in --json.
    let out = create(
        &mut env.against(&sandbox),
        &file,
        &["--yes", "--form-defaults", "--json"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let changes = json["changes"].to_string();
    for wanted in [
        "callingHour.start “9:00” sent as “09:00”",
        "retry filled with 3 (the form's default)",
        "allowedDays filled with [1, 2, 3, 4, 5]",
        "timezone filled with ",
    ] {
        assert!(changes.contains(wanted), "wants {wanted}\n{changes}");
        assert!(stderr.contains(wanted), "wants {wanted}\n{stderr}");
    }
    assert!(stderr.contains("Changed      "), "{stderr}");
    let body = &sandbox.store().batches()[0].body;
    assert_eq!(body["callingHour"]["start"], "09:00");
    assert_eq!(body["retry"], 3);
    assert!(body["timezone"].is_string(), "{body}");
    assert_eq!(json["notSet"], serde_json::json!([]));

    // A dry run lists what is left to Weya too.
    let out = create(
        &mut env.cmd(),
        &env.file(
            "bare.json",
            &format!(r#"{{"batchName": "Bare", "callingNumbers": ["{id}"]}}"#),
        ),
        &["--dry-run", "--json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["notSet"],
        serde_json::json!(["retry", "delay", "timezone", "callingHour", "allowedDays"])
    );
}

/// Issue 16, item 7: what follows the batch's object is not ignored.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_file_with_content_after_its_object_is_refused() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = "64e5f12345abcdef87654321";
    let object = format!(r#"{{"batchName": "One", "callingNumbers": ["{id}"]}}"#);
    for text_after in [" xyz", "\n{\"batchName\": \"Two\"}"] {
        let file = env.file("batch.json", &format!("{object}{text_after}"));
        let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("line ")
                && stderr.contains("the file goes on after the batch's object ends"),
            "{stderr}"
        );
        // The TUI does not start from it either.
        let out = env.cmd().arg("--from").arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
    assert_eq!(sandbox.store().create_requests(), 0);
}

/// Issue 16, item 12: `create --file` on a FIFO, a device or a directory
/// is refused at once; it used to wait for ever on a FIFO with no writer.
#[test]
fn create_refuses_anything_but_a_regular_file_at_once() {
    let env = Env::new();
    let fifo = env.path("batch.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo"
    );
    for (path, kind) in [
        (fifo, "a named pipe (FIFO)"),
        (PathBuf::from("/dev/zero"), "a device"),
        (env.path(""), "a directory"),
    ] {
        let mut child = Reaper(
            env.cmd()
                .args(["create", "--yes", "--file"])
                .arg(&path)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} hangs",
                path.display()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("is {kind}: a batch file must be a regular file")),
            "{stderr}"
        );
    }
}

// ---- the sandbox, as strict as Weya's pages ----

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_calling_from_a_phone_id_the_workspace_does_not_own_is_refused_naming_it() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let foreign = "64e5f12345abcdef000000ff";
    let file = env.file(
        "batch.json",
        &format!(
            r#"{{"batchName": "Foreign", "callingNumbers": ["64e5f12345abcdef87654321", "{foreign}"]}}"#
        ),
    );
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "callingNumbers: {foreign} is not a phone number of this workspace"
        )),
        "{stderr}"
    );
    assert!(sandbox.store().batches().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_user_id_fails_the_batch_list_and_never_reads_as_no_batches() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let out = env
        .against(&sandbox)
        .env("WEYA_USER_ID", "my-user")
        .arg("batches")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("No batches"), "{stdout}");
    assert!(
        stderr.contains("HTTP 400") && stderr.contains("Invalid userId format"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn batches_search_finds_a_status_as_weya_documents() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let body =
        serde_json::json!({"batchName": "Spring", "callingNumbers": ["64e5f12345abcdef87654321"]});
    let spring = sandbox.store().insert("Spring".into(), body.clone());
    let summer = sandbox.store().insert("Summer".into(), body);
    sandbox.store().switch(&summer, true);
    let out = env
        .against(&sandbox)
        .args(["batches", "--json", "--search", "paused"])
        .output()
        .unwrap();
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = page["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["batchId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [spring.as_str()], "{page}");
}

/// Issue 20: a batch is named by its name as well as its ID; two of the
/// same name are not guessed between (exit 2, both listed with their IDs);
/// `batch list` is `batches`; `--from` is `--file`; `--if-absent` creates
/// nothing when a batch of the name exists and prints its ID.
#[tokio::test(flavor = "multi_thread")]
async fn batches_are_named_by_name_and_create_if_absent_sends_nothing_twice() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", VALID);
    let out = env
        .against(&sandbox)
        .args(["create", "--yes", "--if-absent", "--from"])
        .arg(&file)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let id = sandbox.store().batches()[0].id.clone();
    assert_eq!(stdout.trim(), format!("Created batch {id}"));

    // Again: the batch exists, nothing is sent.
    let out = create(
        &mut env.against(&sandbox),
        &file,
        &["--yes", "--if-absent", "--json"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        (json["batchId"].as_str(), json["existing"].as_bool()),
        (Some(id.as_str()), Some(true))
    );
    assert_eq!(sandbox.store().create_requests(), 1, "nothing sent twice");

    // By name.
    let out = env
        .against(&sandbox)
        .args(["batch", "view", "CLI batch", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["batchId"], id.as_str());

    // `batch list` is `batches`.
    let list = env
        .against(&sandbox)
        .args(["batch", "list"])
        .output()
        .unwrap();
    let batches = env.against(&sandbox).args(["batches"]).output().unwrap();
    assert_eq!(list.status.code(), Some(0));
    assert_eq!(text(&list).0, text(&batches).0);
    assert!(text(&list).0.contains("CLI batch"));

    // A second of the same name (without --if-absent): the name no longer
    // says which, so nothing is guessed.
    let out = create(&mut env.against(&sandbox), &file, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let second = sandbox.store().batches()[1].id.clone();
    for args in [
        &["batch", "stop", "CLI batch"][..],
        &["create", "--yes", "--if-absent", "--file"],
    ] {
        let mut cmd = env.against(&sandbox);
        cmd.args(args);
        if args[0] == "create" {
            cmd.arg(&file);
        }
        let out = cmd.output().unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("2 batches are named \"CLI batch\""),
            "{stderr}"
        );
        assert!(stderr.contains(&id) && stderr.contains(&second), "{stderr}");
        // QA: the matches came out as one line; one per line now, each
        // with its own ID.
        let rows: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("  ") && l.contains("  CLI batch  paused  created "))
            .collect();
        assert_eq!(rows.len(), 2, "{stderr}");
        for batch in sandbox.store().batches() {
            assert!(
                rows.iter()
                    .any(|r| r.starts_with(&format!("  {}", batch.id))),
                "{stderr}"
            );
        }
    }
    assert_eq!(
        sandbox.store().create_requests(),
        2,
        "the refused one sent nothing"
    );

    // Not a name at all; a mistyped ID is said to be one.
    let out = env
        .against(&sandbox)
        .args(["batch", "view", "No such batch", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["error"],
        "no batch is named \"No such batch\" (give its name exactly as listed, or its ID)"
    );
    let out = env
        .against(&sandbox)
        .args(["batch", "view", &id[..23]])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("is not a batch ID"),
        "{:?}",
        text(&out)
    );
}

/// Issue 20: `--dry-run` says the review's warnings, as a real run does
/// before sending (on stderr; `--json`: `warnings`), and sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_says_the_reviews_warnings() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file(
        "late.json",
        &VALID.replace(r#""end":"17:00""#, r#""end":"22:00""#),
    );
    let out = create(&mut env.against(&sandbox), &file, &["--dry-run"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "weya-tui: warning: The window 09:00–22:00 runs outside 08:00–21:00 America/New_York"
        ),
        "{stderr}"
    );
    let out = create(&mut env.against(&sandbox), &file, &["--dry-run", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = json["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("The window 09:00–22:00")),
        "{json}"
    );
    assert_eq!(
        sandbox.store().create_requests(),
        0,
        "a dry run sends nothing"
    );
}

/// QA: "dup" took the batch named "dup " (a trailing space). A name is
/// taken only when it is the batch's exactly; one differing in spaces or
/// case is offered.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_is_taken_only_exactly_and_a_near_one_is_offered() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let spaced = sandbox
        .store()
        .insert("dup ".into(), serde_json::json!({"batchName": "dup "}));
    let out = env
        .against(&sandbox)
        .args(["batch", "view", "dup"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("differ only in case or spaces"), "{stderr}");
    assert!(stderr.contains(&spaced), "{stderr}");
}

/// QA: when the batch list failed (a proxy's 502 page, or a 200 saying
/// `status: false`), `create --if-absent` and `batch view "NAME"` exited 2,
/// the operator's mistake, and `--if-absent` advised giving an ID. It is
/// Weya's failure: exit 1, and `--if-absent` says that whether the batch
/// exists could not be found out, nothing sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_list_that_fails_is_exit_1_for_a_name_and_for_if_absent() {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use axum::routing::{get, post};
    let env = Env::new();
    let file = env.file("batch.json", VALID);
    for html in [true, false] {
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&sent);
        let router = axum::Router::new()
            .route(
                "/api/call/batches/{user}",
                get(move || async move {
                    if html {
                        (
                            StatusCode::BAD_GATEWAY,
                            [(header::CONTENT_TYPE, "text/html")],
                            "<html><title>502 Bad Gateway</title></html>".to_owned(),
                        )
                            .into_response()
                    } else {
                        axum::Json(serde_json::json!({"status": false, "message": "Database busy"}))
                            .into_response()
                    }
                }),
            )
            .route(
                "/api/call/createBatch",
                post(move || async move {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    StatusCode::INTERNAL_SERVER_ERROR
                }),
            );
        let url = stand_in(router).await;
        let out = env
            .against_stand_in(&url)
            .args(["batch", "view", "December renewals"])
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "html {html}: {stderr}");
        assert!(stderr.contains("could not be read"), "{stderr}");

        let out = create(
            &mut env.against_stand_in(&url),
            &file,
            &["--yes", "--if-absent"],
        );
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "html {html}: {stderr}");
        assert!(
            stderr.contains("whether a batch named \"CLI batch\" exists could not be found out"),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was sent"), "{stderr}");
        assert!(!stderr.contains("ID instead"), "{stderr}");
        assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}
