//! Issue 19, items 1 and 2: `batch view --json`'s outcomes and `batch
//! export`'s rows against an independent stand-in (`common::mock`, not the
//! sandbox) whose 2,345 calls' statuses, attempts and durations the test
//! computes on its own; then the same commands against the sandbox.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common::cli::{Env, run};
use crate::common::mock::{self, LATE_FIELD_FROM, MOCK_BATCH, MockCall};

const CALLS: usize = 2_345;
const KEY: &str = "sk_test_mock_000000000000";

/// What the dataset adds up to, counted here from the dataset alone.
struct Truth {
    by_status: BTreeMap<String, u64>,
    attempted: u64,
    answered: u64,
    attempts: u64,
    talk: f64,
}

fn truth(n: usize) -> Truth {
    let mut t = Truth {
        by_status: BTreeMap::new(),
        attempted: 0,
        answered: 0,
        attempts: 0,
        talk: 0.0,
    };
    for i in 0..n {
        let call = MockCall::of(i);
        let last = match call.attempts.last() {
            None => "not called yet",
            Some((status, _)) => {
                t.attempted += 1;
                status
            }
        };
        *t.by_status.entry(last.to_owned()).or_default() += 1;
        t.answered += u64::from(last == "completed");
        t.attempts += call.attempts.len() as u64;
        t.talk += call.attempts.iter().map(|(_, d)| d).sum::<f64>();
    }
    t
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_view_json_counts_the_whole_batch_not_the_page() {
    let server = mock::serve(CALLS, None).await;
    let env = Env::new();
    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "view", MOCK_BATCH, "--json"]));
    assert_eq!(code, Some(0), "{stderr}");
    let view: Value = serde_json::from_str(&stdout).unwrap();
    let o = &view["outcomes"];
    let t = truth(CALLS);
    let by_status: BTreeMap<String, u64> = serde_json::from_value(o["byStatus"].clone()).unwrap();
    assert_eq!(by_status, t.by_status);
    assert_eq!(by_status.values().sum::<u64>(), CALLS as u64);
    assert!(by_status["not called yet"] > 500, "{by_status:?}");
    assert_eq!(o["calls"], json!(CALLS));
    assert_eq!(o["attempted"], json!(t.attempted));
    assert_eq!(o["answered"], json!(t.answered));
    assert_eq!(o["attempts"], json!(t.attempts));
    assert_eq!(o["talkTimeSeconds"], json!(t.talk.round() as u64));
    let rate = o["answeredRate"].as_f64().unwrap();
    assert!((rate - t.answered as f64 / t.attempted as f64).abs() < 1e-12);
    assert_eq!(o["answeredMeans"], "last status completed");
    assert_eq!(o["batchChangedWhileCounted"], false);
    // Across pages: 24 of 100, and never more than the allowed page size.
    assert_eq!(o["pages"], 24);
    assert_eq!(server.largest_limit(), 100);

    // The text says the same numbers, and what "answered" means.
    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "view", MOCK_BATCH]));
    assert_eq!(code, Some(0), "{stderr}");
    let completed = format!(
        "completed {}",
        weya_tui::num::thousands(t.by_status["completed"])
    );
    assert!(stdout.contains(&completed), "{stdout}");
    assert!(
        stdout.contains("answered = last status completed"),
        "{stdout}"
    );
    assert!(stdout.contains("all 2,345 calls, 24 pages"), "{stdout}");
}

/// Issue 19: `batch view` reads every page of the calls once. One walk
/// (oldest first, 100 a page) feeds the outcomes, the contacts' local
/// time and the outlook, and its first page is the batch's header: so a
/// 2,345-call active batch whose window and retries are known here takes
/// ceil(2345 / 100) = 24 batch-details requests and one of the batch
/// list (for its progress), 25 in all. (Before this, the same view read
/// the pages three times: 1 + 10 + 24 + 24 batch-details and the list,
/// 60 requests.)
#[tokio::test(flavor = "multi_thread")]
async fn batch_view_walks_the_pages_once_for_outcomes_local_time_and_outlook() {
    let server = mock::serve_active(CALLS).await;
    let env = Env::new();
    // The batch was created from this machine: its window and retries
    // are in the journal.
    let host = server.url.trim_start_matches("http://");
    let created = json!({
        "time": "2026-01-15T12:00:00.000Z",
        "target": host,
        "action": "create",
        "outcome": "created",
        "batch_name": mock::MOCK_NAME,
        "batch_id": MOCK_BATCH,
        "body": {
            "batchName": mock::MOCK_NAME,
            "timezone": "America/New_York",
            "callingHour": {"start": "09:00", "end": "17:00"},
            "allowedDays": [1, 2, 3, 4, 5],
            "retry": 2,
            "delay": 7200
        }
    });
    let journal = env.journal();
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(&journal, format!("{created}\n")).unwrap();

    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "view", MOCK_BATCH, "--json"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(server.detail_requests(), CALLS.div_ceil(100), "one walk");
    assert_eq!(server.list_requests(), 1);
    let view: Value = serde_json::from_str(&stdout).unwrap();
    // What the one walk fed: the outcomes (exact), the local time (every
    // call, all in New York), and the outlook.
    assert_eq!(view["outcomes"]["calls"], json!(CALLS));
    assert_eq!(view["status"], "active");
    assert_eq!(view["totalCalls"], json!(CALLS));
    let zones = view["localTime"].as_array().unwrap();
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones[0]["zone"], "America/New_York");
    assert_eq!(zones[0]["count"], json!(CALLS));
    assert!(
        view["forecast"].is_object() || view["noForecast"].is_string(),
        "{view}"
    );

    // The text says the same from the same single walk.
    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "view", MOCK_BATCH]));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(server.detail_requests(), 2 * CALLS.div_ceil(100));
    assert_eq!(server.list_requests(), 2);
    assert!(stdout.contains("all 2,345 calls, 24 pages"), "{stdout}");
    assert!(stdout.contains("Local time"), "{stdout}");
    assert!(stdout.contains("Forecast"), "{stdout}");
}

/// The CSV cell a spreadsheet gets for a contact's value.
fn neutral(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = value.strip_prefix(['+', '-']).is_some_and(|rest| {
        let mut parts = rest.splitn(2, '.');
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(parts.next().unwrap()) && parts.next().is_none_or(digits)
    });
    if risky && !number {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_export_writes_every_call_of_every_page_once() {
    let server = mock::serve(CALLS, None).await;
    let env = Env::new();
    let path = env.path("out/calls.csv");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let (code, stdout, stderr) = run(env.against_url(&server.url, KEY).args([
        "batch",
        "export",
        MOCK_BATCH,
        "--output",
        path.to_str().unwrap(),
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with("Exported 2,345 calls of “Mock: known outcomes” to "),
        "{stdout}"
    );
    // The late field is said, and where it went.
    assert!(
        stderr.contains("(vip): they are in the last column, otherFields"),
        "{stderr}"
    );

    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "phoneNumber",
            "lastStatus",
            "attempts",
            "lastAttemptAt",
            "lastDurationSeconds",
            "talkSeconds",
            "recordingUrl",
            "transcript",
            "callId",
            "createdAt",
            "name",
            "plan",
            "balance",
            "otherFields"
        ]
    );
    let mut rows = 0;
    let mut late = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let call = MockCall::of(i);
        let cell = |name: &str| {
            record
                .get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
        };
        assert_eq!(
            cell("callId"),
            call.id(),
            "row {i}: oldest first, none twice"
        );
        assert_eq!(
            cell("phoneNumber"),
            call.phone,
            "row {i}: the number stays dialable"
        );
        assert_eq!(cell("attempts"), call.attempts.len().to_string());
        let last = call.attempts.last();
        assert_eq!(cell("lastStatus"), last.map_or("", |(s, _)| *s), "row {i}");
        let talk: f64 = call.attempts.iter().map(|(_, d)| d).sum();
        assert_eq!(cell("talkSeconds").parse::<f64>().unwrap(), talk, "row {i}");
        match last {
            Some((_, d)) => assert_eq!(cell("lastDurationSeconds").parse::<f64>().unwrap(), *d),
            None => assert_eq!(cell("lastDurationSeconds"), ""),
        }
        let completed = call.attempts.iter().any(|(s, _)| *s == "completed");
        assert_eq!(cell("transcript").is_empty(), !completed, "row {i}");
        for field in ["name", "plan", "balance"] {
            let value = call.fields[field].as_str().unwrap();
            assert_eq!(cell(field), neutral(value), "row {i} {field}");
        }
        match call.fields.get("vip") {
            Some(_) => {
                assert_eq!(cell("otherFields"), r#"{"vip":true}"#, "row {i}");
                late += 1;
            }
            None => assert_eq!(cell("otherFields"), "", "row {i}"),
        }
        rows += 1;
    }
    assert_eq!(rows, CALLS);
    assert!(
        late > 0 && LATE_FIELD_FROM > 100,
        "a field the first page did not have"
    );
    // Formulas are text, a negative balance a number.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.invalid\"\""),
        "neutralised"
    );
    assert!(text.contains(",-3.50,"), "plain numbers are left alone");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    // Nothing else was left beside the file.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );

    // JSON Lines on stdout: the same calls, values as Weya sent them.
    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "export", MOCK_BATCH, "--format", "jsonl"]));
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), CALLS);
    for (i, line) in lines.iter().enumerate() {
        let call = MockCall::of(i);
        assert_eq!(line["callId"], call.id());
        assert_eq!(
            line["fields"],
            Value::Object(call.fields.clone()),
            "row {i}"
        );
        assert_eq!(line["attempts"], call.attempts.len());
    }
    assert!(stderr.contains("exported 2,345 calls"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_that_fails_half_way_leaves_no_file_and_exits_1() {
    let server = mock::serve(CALLS, Some(7)).await;
    let env = Env::new();
    let dir = env.path("exports");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("calls.csv");
    // An earlier export under the name is not replaced by half of one.
    std::fs::write(&path, "the earlier export\n").unwrap();
    let (code, stdout, stderr) = run(env.against_url(&server.url, KEY).args([
        "batch",
        "export",
        MOCK_BATCH,
        "-o",
        path.to_str().unwrap(),
    ]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("export stopped at page 7 after 600 calls"),
        "{stderr}"
    );
    assert!(stderr.contains("was not written"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the earlier export\n"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    assert_eq!(server.detail_requests(), 7, "it stopped at the failure");

    // To stdout: the rows before the failure, and a word that they are not all.
    let (code, stdout, stderr) = run(env
        .against_url(&server.url, KEY)
        .args(["batch", "export", MOCK_BATCH]));
    assert_eq!(code, Some(1));
    assert_eq!(stdout.matches("\r\n").count(), 601, "header and 6 pages");
    assert!(stderr.contains("are not the whole batch"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_path_counts_and_exports_its_example_batches() {
    let options = weya_tui::sandbox::SandboxOptions {
        examples: true,
        ..Default::default()
    };
    let sandbox = weya_tui::sandbox::Sandbox::start_with(0, options)
        .await
        .unwrap();
    let env = Env::new();
    let out = env
        .against(&sandbox)
        .args(["batches", "--json", "--limit", "100"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let batches = list["batches"].as_array().unwrap();
    assert!(!batches.is_empty());
    for batch in batches {
        let id = batch["batchId"].as_str().unwrap();
        let (code, stdout, stderr) =
            run(env.against(&sandbox).args(["batch", "view", id, "--json"]));
        assert_eq!(code, Some(0), "{stderr}");
        let view: Value = serde_json::from_str(&stdout).unwrap();
        let calls = view["outcomes"]["calls"].as_u64().unwrap();
        let by_status: u64 = view["outcomes"]["byStatus"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(by_status, calls, "{id}");
        let (code, stdout, stderr) = run(env
            .against(&sandbox)
            .args(["batch", "export", id, "--format", "jsonl"]));
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(stdout.lines().count() as u64, calls, "{id}: one row a call");
    }
}

/// BENCHMARKS.md's export figures, run by hand against a release build:
///
/// ```sh
/// cargo build --release --locked --bin weya-tui
/// WEYA_EXPORT_BIN=target/release/weya-tui cargo test --locked --test it \
///     export_measured -- --ignored --nocapture
/// ```
///
/// Each export runs under `/usr/bin/time -v` against the mock with every
/// page rendered beforehand; it prints the calls per second and the peak
/// RSS for 10,000 and 100,000 calls (flat memory: about the same).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement for BENCHMARKS.md, run by hand"]
async fn export_measured() {
    let bin =
        std::env::var("WEYA_EXPORT_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_weya-tui").into());
    let env = Env::new();
    for calls in [10_000, 100_000] {
        let server = mock::serve_prerendered(calls).await;
        for format in ["csv", "jsonl", "view"] {
            let path = env.path(&format!("export-{calls}.{format}"));
            let args: Vec<&str> = if format == "view" {
                vec!["batch", "view", MOCK_BATCH, "--json"]
            } else {
                vec![
                    "batch",
                    "export",
                    MOCK_BATCH,
                    "--format",
                    format,
                    "-o",
                    path.to_str().unwrap(),
                ]
            };
            let out = std::process::Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&bin)
                .args(&args)
                .env("HOME", env.home.path())
                .env("XDG_CONFIG_HOME", env.path("config"))
                .env("XDG_STATE_HOME", env.path("state"))
                .env("XDG_DATA_HOME", env.path("data"))
                .env("WEYA_BASE_URL", &server.url)
                .env("WEYA_API_KEY", KEY)
                .env("WEYA_USER_ID", weya_tui::sandbox::SANDBOX_USER_ID)
                .env_remove("WEYA_TOKEN")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{stderr}");
            let field = |name: &str| {
                stderr
                    .lines()
                    .find_map(|l| l.trim().strip_prefix(name))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default()
            };
            let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):");
            let seconds: f64 = wall
                .split(':')
                .fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap());
            let rss = field("Maximum resident set size (kbytes):");
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            println!(
                "{calls} calls {format}: {wall} wall, {:.0} calls/s, peak RSS {rss} KiB, \
                 user {} s, sys {} s, file {:.1} MB",
                calls as f64 / seconds,
                field("User time (seconds):"),
                field("System time (seconds):"),
                size as f64 / 1e6
            );
            let _ = std::fs::remove_file(&path);
        }
    }
}
