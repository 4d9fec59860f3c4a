//! The built binary, run as an operator would.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn weya() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_weya-tui"));
    let home = tempfile::tempdir().unwrap().keep();
    for var in [
        "WEYA_BASE_URL",
        "WEYA_API_KEY",
        "WEYA_TOKEN",
        "WEYA_USER_ID",
        "WEYA_PHONES_PATH",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
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
    let mut child = weya()
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _reaper = Reaper(child);
    let mut url = None;
    let mut key = None;
    let mut user = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("base"), Some("URL"), Some(v)) => url = Some(v.to_owned()),
            (Some("API"), Some("key"), Some(v)) => key = Some(v.to_owned()),
            (Some("user"), Some("ID"), Some(v)) => user = Some(v.to_owned()),
            _ => {}
        }
        if line.starts_with("Ctrl-C") {
            break;
        }
    }
    let (url, key, user) = (url.unwrap(), key.unwrap(), user.unwrap());
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
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
}

#[test]
fn a_key_without_a_base_url_is_refused_without_echoing_the_key() {
    let out = weya()
        .env("WEYA_API_KEY", "sk_live_do_not_print_me_123456")
        .stdin(Stdio::null())
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
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weya.toml");
    std::fs::write(&path, "base_url = [\n").unwrap();
    let out = weya()
        .arg("--config")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("weya.toml"), "{stderr}");
}

#[test]
fn no_flag_takes_a_secret() {
    let out = weya().arg("--help").output().unwrap();
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
    let mut cmd = weya();
    let state = tempfile::tempdir().unwrap();
    let journal = state.path().join("weya-tui/journal.jsonl");
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
    let out = cmd
        .env("XDG_STATE_HOME", state.path())
        .arg("history")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("created  May renewals"), "{text}");
    assert!(text.contains("64e5f12345abcdef98765432"), "{text}");
    assert!(text.contains("UNKNOWN  June"), "{text}");
    assert!(text.contains("did not answer within 30 s"), "{text}");

    let out = weya()
        .env("XDG_STATE_HOME", state.path())
        .args(["history", "--json"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["outcome"], "unknown");
}
