//! `weya-tui batch import` as an operator or a script runs it: the built
//! binary against the sandbox on loopback (through a stand-in that can
//! fail or stall one request), each exit code, and a `kill -9` in a
//! pseudo-terminal followed by a run that resumes where it stopped.

use std::collections::{BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use weya_tui::api::WeyaClient;
use weya_tui::sandbox::{Fault, SANDBOX_USER_ID, Sandbox};
use weya_tui::tui::views::import::executor::{ImportExecutor, ProgressSink};
use weya_tui::tui::views::import::{ImportMsg, ImportView, SendPhase, Step as ViewStep};
use weya_tui::tui::widgets::DrawView;
use weya_tui::tui::widgets::theme::Theme;

use crate::common;

const PATIENCE: Duration = Duration::from_secs(20);

use crate::common::cli::{Env, run};

impl Env {
    fn import(&self, sandbox: &Sandbox, url: &str, batch: &str, file: &Path) -> Command {
        let mut cmd = self.against_url(url, sandbox.key().expose_secret());
        cmd.env("WEYA_TOKEN", sandbox.token().expose_secret());
        cmd.args(["batch", "import", batch]).arg(file);
        cmd
    }

    /// The import journals kept (not the locks beside them, which hold
    /// nothing but the PID of the run that last took them).
    fn journals(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.path("state/weya-tui/imports")) {
            Ok(entries) => entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_none_or(|ext| ext != "lock"))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// A new empty batch in the sandbox.
fn new_batch(sandbox: &Sandbox) -> String {
    sandbox.store().insert(
        "Import test".into(),
        json!({"batchName": "Import test", "callingNumbers": ["64e5f12345abcdef87654321"],
               "timezone": "America/New_York"}),
    )
}

/// The batch's numbers, in the order they were added.
fn numbers_in(sandbox: &Sandbox, batch: &str) -> Vec<String> {
    let batch = sandbox.store().batch(batch).unwrap();
    batch.calls.iter().map(|c| c.phone_number.clone()).collect()
}

/// The issue's file: a UTF-8 BOM, semicolons, quoted values holding the
/// delimiter, a quote and a line break, a duplicate, an empty row, three
/// bad numbers and a name in Windows-1252.
fn messy_csv() -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        b"Name;Phone;Plan;Note\r\n\
Ann Lee;(212) 555-0143;Gold;\"late; twice\"\r\n\
Bob Roy;212.555.0188;Silver;\r\n\
Ren\xE9e Fa\xE7on;+1 212 555 0199;Gold;\"says \"\"hi\"\"\"\r\n\
Cy Dunn;555-12;Gold;\r\n\
Dee Ray;12125550143;Bronze;same as Ann\r\n\
;;;\r\n\
Eve Moss;n/a;Gold;\r\n\
Fay Cole;;Silver;\r\n\
Gus Hill;+44 20 7946 0958;Gold;\"two\r\nlines\"\r\n\
Hal Ford;(212) 555-0111;Silver;\r\n",
    );
    bytes
}

/// `n` contacts with distinct valid US numbers, row `i` (from 1) holding
/// `1212555` and `i` in four digits (or `1646555…` past 9,999).
fn generated_csv(n: usize) -> Vec<u8> {
    let mut text = String::from("name,phone\n");
    for i in 1..=n {
        text.push_str(&format!("Contact {i},{}\n", number_of_row(i)));
    }
    text.into_bytes()
}

fn number_of_row(i: usize) -> String {
    let area = if i < 10_000 { 212 } else { 646 };
    format!("1{area}555{:04}", i % 10_000)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_messy_csv_imports_exactly_the_good_rows() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("june.csv", &messy_csv());
    // Gus's number is British: sent because the operator names GB.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--allow-countries", "GB", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 outside US: 1 GB: sent, as --allow-countries says."),
        "{stdout}"
    );

    let stored = sandbox.store().batch(&batch).unwrap();
    let numbers: Vec<&str> = stored
        .calls
        .iter()
        .map(|c| c.phone_number.as_str())
        .collect();
    assert_eq!(
        numbers,
        [
            "12125550143",
            "12125550188",
            "12125550199",
            "442079460958",
            "12125550111"
        ]
    );
    assert_eq!(stored.calls[2].fields["Name"], "Renée Façon");
    assert_eq!(stored.calls[0].fields["Note"], "late; twice");
    assert_eq!(stored.calls[3].fields["Note"], "two\r\nlines");
    // What the operator read before it was sent.
    assert!(
        stdout.contains("5 valid   3 invalid   1 duplicate   1 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 5: “555-12”: too short for US"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 6: +1 212-555-0143 is on line 2 already"),
        "{stdout}"
    );
    assert!(stdout.contains("read as Windows-1252"), "{stdout}");
    let rejected = env.path("june.rejected.csv");
    assert!(stdout.contains(&rejected.display().to_string()), "{stdout}");
    let rejected = std::fs::read_to_string(rejected).unwrap();
    assert_eq!(
        rejected.lines().count(),
        4,
        "a header and three rows:\n{rejected}"
    );
    assert!(
        stdout.contains("1 of 1 request confirmed (5 of 5 contacts)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "The file's 10 rows: 5 confirmed in the batch · 3 invalid (each with its reason) · 1 \
             duplicate (a number's first row is kept) · 1 empty (skipped)."
        ),
        "{stdout}"
    );

    // The same command again sends nothing more.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--allow-countries", "GB", "--yes"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Already imported"), "{stdout}");
    assert_eq!(numbers_in(&sandbox, &batch).len(), 5);
}

/// QA: values with spaces at an end, or characters no one sees, were
/// sent with no word. The check names the column, the count and the first
/// lines, says they are sent as they are (stderr and `--json`), and they
/// are: nothing changed silently.
#[tokio::test(flavor = "multi_thread")]
async fn values_with_edge_spaces_or_hidden_characters_are_warned_of_and_sent_as_they_are() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let csv = "Name,Phone,Note\n \
         Ann ,(212) 555-0143,ok\n\
         Bob,(212) 555-0144,\"two\nlines\"\n\
         Cy\u{200B},(212) 555-0145,plain\n\
         Dee,(212) 555-0146,trail \n\
         Eve ,555-12,not sent\n";
    let file = env.file("odd.csv", csv);
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let warning = |column: &str, kind: &str, count: u64, lines: &[u64]| {
        json!({"column": column, "variable": column, "kind": kind, "count": count,
               "firstLines": lines, "sentAsIs": true})
    };
    // Eve's row is invalid (its number): not sent, so not counted.
    assert_eq!(
        report["valueWarnings"],
        json!([
            warning("Name", "edgeSpaces", 1, &[2]),
            warning("Name", "hiddenCharacters", 1, &[5]),
            warning("Note", "edgeSpaces", 1, &[6]),
            warning("Note", "hiddenCharacters", 1, &[3]),
        ]),
        "{report}"
    );
    for said in [
        "weya-tui: warning: Column “Name”: 1 value begins or ends with spaces (line 2): sent as \
         they are",
        "weya-tui: warning: Column “Name”: 1 value holds control or invisible characters (line \
         5): sent as they are",
        "weya-tui: warning: Column “Note”: 1 value holds control or invisible characters (line \
         3): sent as they are",
    ] {
        assert!(stderr.contains(said), "{said}\n{stderr}");
    }

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("Column “Note”: 1 value begins or ends with spaces (line 6)"));
    let stored = sandbox.store().batch(&batch).unwrap();
    let fields: Vec<(&str, &str)> = stored
        .calls
        .iter()
        .map(|c| {
            (
                c.fields["Name"].as_str().unwrap(),
                c.fields["Note"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (" Ann ", "ok"),
            ("Bob", "two\nlines"),
            ("Cy\u{200B}", "plain"),
            ("Dee", "trail ")
        ]
    );
}

/// The issue's file: a US typo that once became Dutch (+31), numbers of
/// three other countries written with their codes, and a US number.
const COUNTRIES_CSV: &str = "Name,Phone\n\
Typo,(312) 555-01999\n\
Nl,31255501999\n\
Mx,+52 55 1234 5678\n\
Gb,+44 20 7946 0958\n\
Ann,(212) 555-0143\n";

#[tokio::test(flavor = "multi_thread")]
async fn numbers_of_other_countries_are_counted_and_sent_only_when_named() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("countries.csv", COUNTRIES_CSV.as_bytes());
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // The typo is a US number too long, never a Dutch one.
    assert!(
        stdout.contains("line 2: “(312) 555-01999”: too long for US"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "1 valid   1 invalid   0 duplicate   0 skipped (empty)   3 outside US, not sent"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "3 outside US: 1 NL, 1 MX, 1 GB. 3 of them are not sent (numbers of NL, MX, GB); \
             to send them too, run again with --allow-countries GB,MX,NL"
        ),
        "{stdout}"
    );
    assert_eq!(numbers_in(&sandbox, &batch), ["12125550143"]);
    // QA: the end said "1 of 1 contacts" and nothing of the other four
    // rows. Every row of the file is accounted for, with why.
    assert!(
        stdout.contains(
            "The file's 5 rows: 1 confirmed in the batch · 1 invalid (each with its reason) · 3 \
             held back (numbers of countries not allowed)."
        ),
        "{stdout}"
    );

    // --json says the same, by country.
    let other = new_batch(&sandbox);
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &other, &file)
        .args(["--region", "US", "--dry-run", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["countries"], json!({"NL": 1, "MX": 1, "GB": 1}));
    assert_eq!(report["counts"]["outsideRegion"], 3);
    assert_eq!(report["outsideRegion"]["notSent"], 3);
    assert_eq!(
        report["outsideRegion"]["toSendThem"],
        "--allow-countries GB,MX,NL"
    );
    assert_eq!(
        report["rejected"],
        json!([{"line": 2, "value": "(312) 555-01999", "why": "too long for US"}])
    );

    // Named, they go; a country not named stays back.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &other, &file)
        .args(["--region", "US", "--allow-countries", "nl,MX", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 of them is not sent (numbers of GB); to send them too, run again with --allow-countries GB,MX,NL"),
        "{stdout}"
    );
    let mut numbers = numbers_in(&sandbox, &other);
    numbers.sort();
    assert_eq!(numbers, ["12125550143", "31255501999", "525512345678"]);

    // A country that is no country is refused before anything is sent.
    let third = new_batch(&sandbox);
    let (code, _, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &third, &file)
        .args(["--region", "US", "--allow-countries", "Holland", "--yes"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--allow-countries: “Holland”"), "{stderr}");
    assert!(numbers_in(&sandbox, &third).is_empty());
}

/// Numbers as a spreadsheet's CSV export writes them: decimals, exponent
/// forms (one that lost digits), and numbers with extensions.
const SPREADSHEET_CSV: &str = "Name,Phone\n\
Dec,12125550101.0\n\
Exp,1.2125550102E10\n\
Comma,\"12125550103,00\"\n\
Lost,1.21E+10\n\
X,212 555 0104 x12\n\
Ext,(212) 555-0105 ext. 5\n\
Rfc,+1 212 555 0106;ext=3\n";

#[tokio::test(flavor = "multi_thread")]
async fn a_spreadsheets_decimals_are_whole_numbers_and_extensions_are_dialled_without_on_request() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("export.csv", SPREADSHEET_CSV.as_bytes());
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    for line in [
        "3 valid   4 invalid",
        "3 numbers written as decimals (17796726653.0, 1.7796726653E10) read as whole numbers.",
        "3 numbers have an extension and are invalid; --without-extensions dials them without it.",
        "line 5: “1.21E+10”: digits lost in exponent form (export the column as text)",
    ] {
        assert!(stdout.contains(line), "{line}:\n{stdout}");
    }
    let mut numbers = numbers_in(&sandbox, &batch);
    numbers.sort();
    assert_eq!(numbers, ["12125550101", "12125550102", "12125550103"]);

    let other = new_batch(&sandbox);
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &other, &file)
        .args(["--region", "US", "--without-extensions", "--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["numbers"],
        json!({"decimalsReadAsWhole": 3, "extensionsDialledWithout": 3, "extensionsRefused": 0})
    );
    assert_eq!(report["counts"]["valid"], 6);
    let mut numbers = numbers_in(&sandbox, &other);
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "12125550101",
            "12125550102",
            "12125550103",
            "12125550104",
            "12125550105",
            "12125550106"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_xlsx_imports_with_json_output() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contacts.xlsx");
    // A copy: the rejected rows are written beside the file.
    let file = env.file("contacts.xlsx", &std::fs::read(fixture).unwrap());
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["counts"],
        json!({"valid": 3, "invalid": 1, "duplicate": 1, "skipped": 1, "outsideRegion": 0})
    );
    assert_eq!(
        report["rejected"],
        json!([{"line": 5, "value": "555-12", "why": "too short for US"}])
    );
    assert_eq!(report["confirmed"]["rows"], 3);
    assert_eq!(report["failed"], json!([]));
    let stored = sandbox.store().batch(&batch).unwrap();
    assert_eq!(stored.calls.len(), 3);
    assert_eq!(stored.calls[2].fields["Name"], "Éloïse Brun");
    assert_eq!(stored.calls[0].fields["Due date"], "2025-06-30");
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_checks_everything_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/contacts-example.csv");
    let file = env.file("contacts.csv", &std::fs::read(example).unwrap());
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Dry run: nothing was sent."), "{stdout}");
    assert!(
        stdout.contains(&format!(r#"{{"batchId":"{batch}","call_data":["#)),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"{"phoneNumber":"12125550143","name":"Ann Lee","plan":"Gold""#),
        "{stdout}"
    );
    let (code, stdout, _) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run", "--json"]));
    assert_eq!(code, Some(0));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["body"]["call_data"].as_array().unwrap().len(), 5);
    // Four numbers are of other countries: held back, and counted.
    assert_eq!(report["counts"]["valid"], 25);
    assert_eq!(report["counts"]["outsideRegion"], 4);
    assert_eq!(report["countries"], json!({"IN": 2, "GB": 1, "IE": 1}));

    // The invalid rows go where the operator says.
    let elsewhere = env.path("fix-these.csv");
    let (code, stdout, _) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run", "--rejected"])
        .arg(&elsewhere));
    assert_eq!(code, Some(0));
    assert!(stdout.contains("fix-these.csv"), "{stdout}");
    let rejected = std::fs::read_to_string(&elsewhere).unwrap();
    assert!(rejected.contains("call after 6pm"), "{rejected}");

    assert!(numbers_in(&sandbox, &batch).is_empty(), "nothing was sent");
    assert!(env.journals().is_empty(), "no import was recorded");
}

/// Issue 16: `batch import ID FIFO` waited for ever for a writer, and a
/// link to `/dev/zero` read until a bound. Anything but a regular file is
/// refused at once, in the words the config file uses; nothing is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_contacts_file_that_is_no_regular_file_is_refused_at_once() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let fifo = env.path("contacts.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    let zero = env.path("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let folder = env.path("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    for (path, kind) in [
        (fifo, "a named pipe (FIFO)"),
        (zero, "a device"),
        (folder, "a directory"),
    ] {
        let mut child = env
            .import(&sandbox, &sandbox.base_url(), &batch, &path)
            .args(["--region", "US", "--yes"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + PATIENCE;
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                child.kill().unwrap();
                let _ = child.wait();
                panic!("{kind}: batch import hangs");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{kind}: {stderr}");
        assert!(
            stderr.contains(&format!("is {kind}, not a regular file")),
            "{kind}: {stderr}"
        );
    }
    assert!(numbers_in(&sandbox, &batch).is_empty());
    assert!(env.journals().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_region_numbers_without_a_country_code_are_said_to_be_invalid() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file(
        "mixed.csv",
        b"Name,Phone\nAnn,(212) 555-0143\nBob,212 555 0188\nGus,+44 20 7946 0958\n",
    );
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "none", "--dry-run"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "weya-tui: warning: no region: 2 numbers without a country code are invalid; \
             --region US (or the country they are in) reads them"
        ),
        "{stderr}"
    );
    // With a region, no such word.
    let (_, _, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run"]));
    assert!(!stderr.contains("no region"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_and_without_a_terminal_nothing_is_sent() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("june.csv", &messy_csv());
    let (code, _, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not sending without --yes"), "{stderr}");
    assert!(numbers_in(&sandbox, &batch).is_empty());
    assert!(env.journals().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_exits_2_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let good = env.file("june.csv", &messy_csv());
    let no_phone = env.file("names.csv", b"name,plan\nAnn,Gold\nBob,Silver\n");
    let all_bad = env.file("bad.csv", b"name,phone\nAnn,555-12\nBob,n/a\n");
    let cases: Vec<(&str, PathBuf, Vec<&str>, &str)> = vec![
        (
            "a file that is not there",
            env.path("missing.csv"),
            vec!["--region", "US"],
            "missing.csv",
        ),
        (
            "no phone column",
            no_phone,
            vec!["--region", "US"],
            "pass --phone-column",
        ),
        (
            "no valid row",
            all_bad,
            vec!["--region", "US"],
            "no valid row",
        ),
        (
            "an unknown region",
            good.clone(),
            vec!["--region", "XX"],
            "“XX” is not a region",
        ),
        ("no region to be had", good.clone(), vec![], "Pass --region"),
        (
            "a column that is not there",
            good.clone(),
            vec!["--region", "US", "--phone-column", "Mobile"],
            "no such column",
        ),
    ];
    for (what, file, flags, says) in cases {
        let mut cmd = env.import(&sandbox, &sandbox.base_url(), &batch, &file);
        let (code, _, stderr) = run(cmd.args(&flags).arg("--yes"));
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(stderr.contains(says), "{what}: {stderr}");
        assert!(
            stderr.contains("nothing was sent") || stderr.contains("Nothing was sent"),
            "{what}: {stderr}"
        );
    }
    // A batch ID that is not one, and a batch that does not exist.
    for (id, says) in [
        ("64e5f123", "is not a batch ID"),
        ("not-a-batch", "no batch is named \"not-a-batch\""),
        ("64e5f12345abcdef00000000", "not found"),
    ] {
        let mut cmd = env.import(&sandbox, &sandbox.base_url(), id, &good);
        let (code, stdout, stderr) = run(cmd.args(["--region", "US", "--yes"]));
        assert_eq!(code, Some(2), "{id}: {stdout}{stderr}");
        assert!(stderr.contains(says), "{id}: {stderr}");
    }
    // As JSON: the error with what the check found.
    let mut cmd = env.import(&sandbox, &sandbox.base_url(), &batch, &good);
    let (code, stdout, _) = run(cmd.args(["--region", "US", "--json"]));
    assert_eq!(code, Some(2));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(report["error"].as_str().unwrap().contains("--yes"));
    assert_eq!(report["rejected"].as_array().unwrap().len(), 3);
    assert!(numbers_in(&sandbox, &batch).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_region_comes_from_the_timezone_of_a_batch_created_here() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let key = sandbox.key().expose_secret().to_owned();
    let batch_file = env.file(
        "batch.json",
        br#"{"batchName":"Delhi","callingNumbers":["64e5f12345abcdef87654321"],"timezone":"Asia/Kolkata"}"#,
    );
    let (code, stdout, stderr) = run(env
        .against_url(&sandbox.base_url(), &key)
        .env("WEYA_TOKEN", sandbox.token().expose_secret())
        .args(["create", "--yes", "--file"])
        .arg(&batch_file));
    assert_eq!(code, Some(0), "{stderr}");
    let batch = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    let file = env.file("delhi.csv", b"name,mobile\nAsha,98765 43210\n");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("read as IN (the batch's timezone is Asia/Kolkata)"),
        "{stdout}"
    );
    assert_eq!(numbers_in(&sandbox, &batch), ["919876543210"]);
}

/// A file of contacts in New York, Los Angeles and London, for a batch
/// calling 09:00–17:00 New York time (issue 19, item 6).
pub(crate) const THREE_CITIES_CSV: &[u8] = b"phone,name\n\
    +12125550100,Ann in New York\n+12125550101,Bob in New York\n\
    +13105550100,Cat in Los Angeles\n+442071838750,Dan in London\n+442079460958,Eve in London\n";

/// London's clocks for 09:00–17:00 New York on `day` (YYYY-MM-DD): worked
/// out here with chrono-tz, not by the code under test. Five hours ahead
/// most of the year, four in the weeks when only one side has changed
/// its clocks.
pub(crate) fn london_for_new_york_9_to_5(day: &str) -> (String, String) {
    use chrono::TimeZone as _;
    let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let at = |h| {
        chrono_tz::America::New_York
            .from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .single()
            .unwrap()
            .with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string()
    };
    (at(9), at(17))
}

/// Issue 19: at the import check, contacts in London and Los Angeles are
/// flagged for a 09:00–17:00 New York batch, those in New York are not.
#[tokio::test(flavor = "multi_thread")]
async fn the_check_flags_contacts_called_outside_their_hours() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let key = sandbox.key().expose_secret().to_owned();
    let batch_file = env.file(
        "batch.json",
        br#"{"batchName":"New York 9-5","callingNumbers":["64e5f12345abcdef87654321"],
            "timezone":"America/New_York","callingHour":{"start":"09:00","end":"17:00"},
            "allowedDays":[1,2,3,4,5]}"#,
    );
    let (code, stdout, stderr) = run(env
        .against_url(&sandbox.base_url(), &key)
        .env("WEYA_TOKEN", sandbox.token().expose_secret())
        .args(["create", "--yes", "--file"])
        .arg(&batch_file));
    assert_eq!(code, Some(0), "{stderr}");
    let batch = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    let file = env.file("contacts.csv", THREE_CITIES_CSV);

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--allow-countries", "GB", "--dry-run", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let groups = report["localTime"].as_array().unwrap();
    let group = |zone: &str| {
        groups
            .iter()
            .find(|g| g["zone"] == zone)
            .unwrap_or_else(|| panic!("no {zone} in {groups:?}"))
    };
    let day = report["localTimeBasis"]["day"].as_str().unwrap();
    let la = group("America/Los_Angeles");
    assert_eq!(
        (la["count"].clone(), la["outsideHours"].clone()),
        (json!(1), json!(true))
    );
    assert_eq!(
        (la["localStart"].as_str(), la["localEnd"].as_str()),
        (Some("06:00"), Some("14:00"))
    );
    let london = group("Europe/London");
    let (start, end) = london_for_new_york_9_to_5(day);
    assert_eq!(london["count"], 2);
    assert_eq!(london["localStart"], start.as_str());
    assert_eq!(london["localEnd"], end.as_str());
    // 22:00 most of the year: flagged. 21:00 in the weeks between the
    // two countries' clock changes: inside, and not flagged.
    assert_eq!(
        london["outsideHours"],
        json!(end.as_str() > "21:00"),
        "{london}"
    );
    let new_york = group("America/New_York");
    assert_eq!(new_york["count"], 2);
    assert_eq!(new_york["outsideHours"], false);
    assert_eq!(new_york["localStart"], "09:00");

    // The same, as the operator reads it before sending.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--allow-countries", "GB", "--dry-run"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "  ! 1 contact in America/Los_Angeles: 09:00–17:00 New York is 06:00–14:00 for \
             them (2 h before 08:00)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    2 contacts in America/New_York: 09:00–17:00 New York is 09:00–17:00 for them, \
             inside 08:00–21:00"
        ),
        "{stdout}"
    );

    // The hours are the config file's when it says so.
    std::fs::create_dir_all(env.path("cfg/weya-tui")).unwrap();
    let config = env.path("cfg/weya-tui/config.toml");
    std::fs::write(&config, "contact_hours = \"10:00-20:00\"\n").unwrap();
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--allow-countries", "GB", "--dry-run", "--json", "--config"])
        .arg(&config));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let new_york = report["localTime"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["zone"] == "America/New_York")
        .unwrap()
        .clone();
    assert_eq!(new_york["outsideHours"], true, "09:00 is before 10:00");
    assert_eq!(new_york["minutesBefore"], 60);
    assert!(
        numbers_in(&sandbox, &batch).is_empty(),
        "a dry run sends nothing"
    );
}

/// A batch this machine did not create has no known window: said, not
/// guessed.
#[tokio::test(flavor = "multi_thread")]
async fn without_the_batchs_window_the_check_says_local_times_are_not_known() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("contacts.csv", THREE_CITIES_CSV);
    let (code, stdout, _) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--allow-countries", "GB", "--dry-run"]));
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("Local time: not shown: the batch's calling window is not known"),
        "{stdout}"
    );
    let (_, stdout, _) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args([
            "--region",
            "US",
            "--allow-countries",
            "GB",
            "--dry-run",
            "--json",
        ]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["localTime"], Value::Null);
    assert!(report["localTimeBasis"]["notKnown"].is_string(), "{report}");
}

/// What the stand-in does with the `n`th addCallsToBatch (from 1).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Forward,
    /// Forwarded with the sandbox's `partial-207` fault on.
    Partial207,
    /// Never answered.
    Stall,
    /// Forwarded once the test lets it through ([`Proxy::release`]).
    Hold,
    /// Forwarded (Weya stores the rows), then the connection drops before
    /// the answer is whole: its outcome is unknown to the sender.
    DropAfterForward,
    /// Forwarded (Weya stores the rows), then never answered.
    StallAfterForward,
    /// Only the first `n` rows are forwarded (Weya stores those), and its
    /// answer comes back as it is: a 200 whose `added` is `n`.
    StoreOnly(usize),
    /// Forwarded (Weya stores every row), then answered with a 207 whose
    /// `added` is every row sent and that lists chunk 1 as failed.
    Contradicting207,
    /// Not forwarded: answered with this status and request ID `req-refused`.
    Refuse(u16),
    /// Forwarded (Weya stores every row), then answered with this success
    /// status and an envelope that says `status: false`, no failed chunks,
    /// request ID `req-false`: an answer that contradicts itself.
    SaysFalse(u16),
}

/// A stand-in for Weya in front of the sandbox: every request is
/// forwarded, and each addCallsToBatch's numbers are recorded and the
/// request treated as `script` says.
struct Proxy {
    url: String,
    /// The numbers of each addCallsToBatch received, in order.
    bodies: Arc<Mutex<Vec<Vec<String>>>>,
    gate: Arc<tokio::sync::Semaphore>,
}

#[derive(Clone)]
struct ProxyState {
    sandbox: Arc<Sandbox>,
    http: reqwest::Client,
    bodies: Arc<Mutex<Vec<Vec<String>>>>,
    calls: Arc<AtomicUsize>,
    script: Arc<dyn Fn(usize) -> Step + Send + Sync>,
    gate: Arc<tokio::sync::Semaphore>,
}

impl Proxy {
    async fn start(
        sandbox: Arc<Sandbox>,
        script: impl Fn(usize) -> Step + Send + Sync + 'static,
    ) -> Self {
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let state = ProxyState {
            sandbox,
            http: reqwest::Client::new(),
            bodies: Arc::clone(&bodies),
            calls: Arc::new(AtomicUsize::new(0)),
            script: Arc::new(script),
            gate: Arc::clone(&gate),
        };
        let router = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, bodies, gate }
    }

    /// Lets one held request through.
    fn release(&self) {
        self.gate.add_permits(1);
    }

    fn bodies(&self) -> Vec<Vec<String>> {
        self.bodies.lock().unwrap().clone()
    }
}

async fn forward(
    axum::extract::State(state): axum::extract::State<ProxyState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let mut body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let mut step = Step::Forward;
    if parts.uri.path() == "/api/call/addCallsToBatch" {
        let n = state.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let mut value: Value = serde_json::from_slice(&body).unwrap();
        let numbers = value["call_data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["phoneNumber"].as_str().unwrap().to_owned())
            .collect();
        state.bodies.lock().unwrap().push(numbers);
        step = (state.script)(n);
        if let Step::StoreOnly(kept) = step {
            value["call_data"].as_array_mut().unwrap().truncate(kept);
            body = axum::body::Bytes::from(value.to_string());
        }
    }
    if let Step::Refuse(status) = step {
        let status = axum::http::StatusCode::from_u16(status).unwrap();
        let envelope = json!({"message": "Refused on purpose", "status": false,
            "code": status.as_u16(), "errorMessage": "Refused on purpose"});
        return (
            status,
            [
                ("x-request-id", "req-refused"),
                ("content-type", "application/json"),
            ],
            envelope.to_string(),
        )
            .into_response();
    }
    if step == Step::Stall {
        std::future::pending::<()>().await;
    }
    if step == Step::Hold {
        state.gate.acquire().await.unwrap().forget();
    }
    let url = format!("{}{}", state.sandbox.base_url(), parts.uri);
    let mut outgoing = state.http.request(parts.method.clone(), url).body(body);
    for name in ["x-api-key", "authorization", "content-type"] {
        if let Some(value) = parts.headers.get(name) {
            outgoing = outgoing.header(name, value.clone());
        }
    }
    if step == Step::Partial207 {
        state.sandbox.store().set_fault(Some(Fault::Partial207));
    }
    let answer = outgoing.send().await.unwrap();
    state.sandbox.store().set_fault(None);
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let request_id = answer.headers().get("x-request-id").cloned();
    let bytes = answer.bytes().await.unwrap();
    if step == Step::StallAfterForward {
        std::future::pending::<()>().await;
    }
    if step == Step::Contradicting207 {
        let stored: Value = serde_json::from_slice(&bytes).unwrap();
        let added = stored["data"]["added"].clone();
        let envelope = json!({"message": "Some calls could not be added", "status": false,
            "code": 207, "errorMessage": "1 of 1 chunks failed",
            "data": {"added": added, "callIds": [],
                     "failedChunks": [{"chunkNum": 1, "error": "storage timeout"}]}});
        return (
            axum::http::StatusCode::MULTI_STATUS,
            [
                ("x-request-id", "req-207"),
                ("content-type", "application/json"),
            ],
            envelope.to_string(),
        )
            .into_response();
    }
    if let Step::SaysFalse(code) = step {
        let envelope = json!({"message": "Calls could not be added", "status": false,
            "code": code, "errorMessage": "Calls could not be added"});
        return (
            axum::http::StatusCode::from_u16(code).unwrap(),
            [
                ("x-request-id", "req-false"),
                ("content-type", "application/json"),
            ],
            envelope.to_string(),
        )
            .into_response();
    }
    if step == Step::DropAfterForward {
        // Headers go out, then the body fails: hyper drops the connection.
        let failing = futures::stream::once(async {
            Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("dropped on purpose"))
        });
        return (status, axum::body::Body::from_stream(failing)).into_response();
    }
    let mut response = (status, bytes).into_response();
    if let Some(value) = content_type {
        response.headers_mut().insert("content-type", value);
    }
    if let Some(value) = request_id {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

#[tokio::test(flavor = "multi_thread")]
async fn a_207_fails_one_request_and_the_next_run_resends_only_its_rows() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::Partial207
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("big.csv", &generated_csv(2500));

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("request 2: rows 1001–2000 (lines 1002–2001): HTTP 207, chunk 1: The sandbox failed this chunk on purpose"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 of 3 requests confirmed (1,500 of 2,500 contacts)"),
        "{stdout}"
    );
    assert_eq!(numbers_in(&sandbox, &batch).len(), 1500);

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["resumed"], true);
    assert_eq!(report["sent"], 1);
    assert_eq!(report["rowsAdded"], 1000);
    assert_eq!(
        report["fileRows"],
        json!({"rows": 2500, "confirmed": 2500, "inBatchAlready": 0, "notAdded": 0,
               "inDoubt": 0, "failed": 0, "notSent": 0, "invalid": 0, "duplicate": 0,
               "heldBack": 0, "empty": 0, "otherPart": 0})
    );

    // The second run sent request 2's rows, and only those.
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 4);
    let expected: Vec<String> = (1001..=2000).map(number_of_row).collect();
    assert_eq!(bodies[3], expected);
    // Each valid number exactly once.
    let numbers = numbers_in(&sandbox, &batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (2500, 2500));
}

/// QA: a 200 (or 201) whose envelope says `status: false` was read as a
/// refusal and sent again on the next run, though Weya had stored its
/// rows. It is in doubt: named as a contradiction with Weya's message and
/// request ID, and a second run does not send it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_success_status_that_says_false_is_in_doubt_and_not_sent_again() {
    for code in [200u16, 201] {
        let env = Env::new();
        let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
        let batch = new_batch(&sandbox);
        let proxy = Proxy::start(Arc::clone(&sandbox), move |n| {
            if n == 2 {
                Step::SaysFalse(code)
            } else {
                Step::Forward
            }
        })
        .await;
        let file = env.file("big.csv", &generated_csv(2500));

        let (exit, stdout, stderr) = run(env
            .import(&sandbox, &proxy.url, &batch, &file)
            .args(["--region", "US", "--yes"]));
        assert_eq!(exit, Some(1), "{stdout}\n{stderr}");
        assert!(stdout.contains("Outcome unknown"), "{stdout}");
        assert!(!stdout.contains("Failed"), "not a refusal: {stdout}");
        assert!(
            stdout.contains(
                "The file's 2,500 rows: 1,500 confirmed in the batch · 1,000 in doubt (sent, no \
                 clear answer)."
            ),
            "{stdout}"
        );
        assert_eq!(request_states(&env), ["confirmed", "unknown", "confirmed"]);
        let journal: Value =
            serde_json::from_slice(&std::fs::read(&env.journals()[0]).unwrap()).unwrap();
        let reason = journal["requests"][1]["reason"].as_str().unwrap();
        for needle in [
            format!("HTTP {code} with \"status\": false: the answer contradicts itself"),
            "Weya's message: Calls could not be added".to_owned(),
            "(request ID req-false)".to_owned(),
        ] {
            assert!(reason.contains(&needle), "{needle}: {reason}");
        }
        // Weya stored them: all 2,500 are in the batch.
        assert_eq!(numbers_in(&sandbox, &batch).len(), 2500);

        // The next run, without a terminal and without --resend-unknown,
        // sends nothing: the request waits for the operator.
        let (exit, stdout, stderr) =
            run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
        assert_eq!(exit, Some(1), "{stdout}\n{stderr}");
        assert!(
            stderr.contains("request 2: rows 1001–2000 (lines 1002–2001): its outcome is unknown"),
            "{stderr}"
        );
        assert_eq!(proxy.bodies().len(), 3, "request 2 was not sent again");
        assert_eq!(numbers_in(&sandbox, &batch).len(), 2500);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_outcome_is_resent_only_when_the_operator_says_so() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // The second request of the first run never gets an answer.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut first = env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });
    first.kill().unwrap();
    first.wait().unwrap();

    // Without a terminal and without --resend-unknown, the other request
    // goes and the unknown one waits.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("request 2: rows 1001–2000 (lines 1002–2001): its outcome is unknown"),
        "{stderr}"
    );
    assert!(
        stderr.contains("The batch's totalCalls: 0 before this import, 1,000 now."),
        "{stderr}"
    );
    assert!(stdout.contains("Outcome unknown"), "{stdout}");
    assert!(
        stdout.contains("2 of 3 requests confirmed (2,000 of 3,000 contacts)"),
        "{stdout}"
    );
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 3, "request 2 was not sent again");
    assert_eq!(bodies[2][0], number_of_row(2001));

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--resend-unknown"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(proxy.bodies()[3][0], number_of_row(1001));
    let numbers = numbers_in(&sandbox, &batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (3000, 3000));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_of_the_same_import_is_refused_while_the_first_sends() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // The first run's second request gets no answer: that run is still
    // sending when the second starts.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(2500));
    let mut first = env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });

    // A second run, even one told to send again what is in doubt, is
    // refused before it sends anything.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--resend-unknown"]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    let expected = format!(
        "weya-tui: another import of this file into this batch is running (process {}): wait \
         for it to end, or stop it; nothing was sent",
        first.id()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(proxy.bodies().len(), 2, "the second run sent nothing");
    assert_eq!(numbers_in(&sandbox, &batch).len(), 1000);

    // kill -9: the system lets go of the lock, and a rerun takes it and
    // resumes at the request in doubt.
    first.kill().unwrap();
    first.wait().unwrap();
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--resend-unknown"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("resuming at request 2"), "{stderr}");
    // When it started, on the operator's clock (the tests' TZ), not as
    // the journal's RFC 3339.
    let resuming = stderr
        .lines()
        .find(|l| l.starts_with("Resuming the import started "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(resuming.contains(" (Etc/UTC): "), "{resuming}");
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 4);
    assert_eq!(bodies[2][0], number_of_row(1001));
    assert_eq!(bodies[3][0], number_of_row(2001));
    let numbers = numbers_in(&sandbox, &batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (2500, 2500));
}

/// A run of `cmd` whose standard error is kept in a file, to read while
/// it runs.
fn spawn_watched(cmd: &mut Command, stderr: &Path) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(std::fs::File::create(stderr).unwrap())
        .spawn()
        .unwrap()
}

fn interrupt(child: &Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

fn wait_exit(child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + PATIENCE;
    let mut child = child;
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the run to end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The states of the import's requests, from its journal.
fn request_states(env: &Env) -> Vec<String> {
    let journals = env.journals();
    assert_eq!(journals.len(), 1, "{journals:?}");
    let journal: Value = serde_json::from_slice(&std::fs::read(&journals[0]).unwrap()).unwrap();
    journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_after_the_request_in_flight_and_a_rerun_sends_the_rest_once() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Hold } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let stderr_path = env.path("stderr.txt");
    let first = spawn_watched(
        env.import(&sandbox, &proxy.url, &batch, &file)
            .args(["--region", "US", "--yes"]),
        &stderr_path,
    );
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });
    interrupt(&first);
    poll("the word that it stops", || {
        std::fs::read_to_string(&stderr_path)
            .unwrap()
            .contains("weya-tui: stopping after the request in flight (Ctrl-C again stops now)")
            .then_some(())
    });
    // The request in flight is answered: it is recorded, not left in doubt.
    proxy.release();
    let (code, stdout) = wait_exit(first);
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert_eq!(code, Some(130), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("2 of 3 requests confirmed (2,000 of 3,000 contacts)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "Not sent (run the same command again to send them):\n  request 3: rows 2001–3000"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("stopped by Ctrl-C after request 2: rows 1001–2000"),
        "{stderr}"
    );
    assert_eq!(request_states(&env), ["confirmed", "confirmed", "planned"]);
    assert_eq!(proxy.bodies().len(), 2, "the third was not sent");

    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("resuming at request 3"), "{stderr}");
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[2][0], number_of_row(2001));
    let numbers = numbers_in(&sandbox, &batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (3000, 3000));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_stops_at_once_leaving_the_request_in_flight_in_doubt() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let stderr_path = env.path("stderr.txt");
    let first = spawn_watched(
        env.import(&sandbox, &proxy.url, &batch, &file)
            .args(["--region", "US", "--yes"]),
        &stderr_path,
    );
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });
    interrupt(&first);
    poll("the word that it stops", || {
        std::fs::read_to_string(&stderr_path)
            .unwrap()
            .contains("Ctrl-C again stops now")
            .then_some(())
    });
    interrupt(&first);
    let (code, stdout) = wait_exit(first);
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert_eq!(code, Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("stopped at once by a second Ctrl-C while request 2"),
        "{stderr}"
    );
    assert_eq!(request_states(&env), ["confirmed", "unknown", "planned"]);
}

/// weya-tui in a pseudo-terminal (util-linux `script`), its output kept.
struct Pty {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// `command` (a shell line) in a 120x40 terminal.
    fn start(env: &[(&str, String)], command: &str) -> Self {
        let script = format!("stty rows 40 cols 120; echo PID=$$; exec {command}");
        let mut cmd = Command::new("script");
        cmd.args(["-qfec", &script, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env_remove("WEYA_TOKEN")
            .env("TERM", "xterm-256color");
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
        Self { child, output }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    fn wait_for(&self, needle: &str) {
        poll(
            &format!("{needle:?} on the terminal:\n{}", self.text()),
            || self.text().contains(needle).then_some(()),
        );
    }

    fn pid(&self) -> u32 {
        self.wait_for("PID=");
        poll("the PID", || {
            let text = self.text();
            let after = &text[text.find("PID=")? + 4..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            after[digits.len()..]
                .starts_with(['\r', '\n'])
                .then(|| digits.parse().ok())?
        })
    }

    fn type_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(format!("{line}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    fn wait_exit(&mut self) {
        poll(&format!("the app to exit:\n{}", self.text()), || {
            self.child.try_wait().unwrap().map(|_| ())
        });
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

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_during_the_third_of_five_requests_a_rerun_resumes_at_the_third() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // The third request of the first run never gets an answer.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 3 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("five.csv", &generated_csv(5000));
    let vars: Vec<(&str, String)> = vec![
        ("HOME", env.path("").display().to_string()),
        ("XDG_CONFIG_HOME", env.path("config").display().to_string()),
        ("XDG_STATE_HOME", env.path("state").display().to_string()),
        ("XDG_DATA_HOME", env.path("data").display().to_string()),
        ("WEYA_BASE_URL", proxy.url.clone()),
        ("WEYA_API_KEY", sandbox.key().expose_secret().to_owned()),
        ("WEYA_TOKEN", sandbox.token().expose_secret().to_owned()),
        ("WEYA_USER_ID", SANDBOX_USER_ID.to_owned()),
    ];
    let command = format!(
        "'{}' batch import {batch} '{}' --region US",
        env!("CARGO_BIN_EXE_weya-tui"),
        file.display()
    );

    let mut first = Pty::start(&vars, &command);
    let pid = first.pid();
    first.wait_for("Send 5,000 contacts in 5 requests");
    first.type_line("y");
    poll("the third request", || {
        (proxy.bodies().len() == 3).then_some(())
    });
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    first.wait_exit();
    assert_eq!(
        numbers_in(&sandbox, &batch).len(),
        2000,
        "two requests went through"
    );

    let mut second = Pty::start(&vars, &command);
    second.wait_for("resuming at request 3 (rows 2001–3000)");
    second.wait_for("its outcome is unknown");
    second.wait_for("2,000 now");
    second.wait_for("without request 3's rows it would hold 2,000, with them 3,000");
    second.wait_for("Send request 3's 1,000 rows again? [y/N]");
    second.type_line("y");
    second.wait_for("Send 3,000 contacts in 3 requests");
    second.type_line("y");
    second.wait_for("5 of 5 requests confirmed (5,000 of 5,000 contacts)");
    second.wait_exit();

    // The rerun began with request 3's rows.
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 6);
    let third: Vec<String> = (2001..=3000).map(number_of_row).collect();
    assert_eq!(bodies[3], third);
    let numbers = numbers_in(&sandbox, &batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (5000, 5000));
}

/// `n` calls in the batch before the import, added straight to the
/// sandbox: the "before" figure is then not 0, so a test sees it is the
/// recorded one.
async fn add_earlier_calls(sandbox: &Sandbox, batch: &str, n: usize) {
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let rows: Vec<Value> = (0..n)
        .map(|i| json!({"phoneNumber": format!("1312555{i:04}")}))
        .collect();
    let body = json!({"batchId": batch, "call_data": rows}).to_string();
    client.add_calls_raw(body).await.unwrap();
}

/// The import view and its executor, driven as the shell drives them,
/// keeping its journals where `batch import` run in `env` keeps them.
struct ViewRun {
    view: ImportView,
    executor: ImportExecutor,
}

impl ViewRun {
    fn new(env: &Env, sandbox: &Sandbox, url: &str, batch: &str) -> Self {
        let mut config = sandbox.client_config();
        config.base_url = url.to_owned();
        let client = WeyaClient::new(config).unwrap();
        let journals = env.path("state/weya-tui/imports");
        Self {
            view: ImportView::new(batch, "Import test", Some("America/New_York")),
            executor: ImportExecutor::new(client, batch, Some(journals), None),
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let msg = self
                .view
                .key_msg(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            assert!(self.view.work(msg, view_time()).is_empty());
        }
    }

    /// Presses `code` and runs the commands that follow, and theirs, to
    /// the end.
    async fn press(&mut self, code: KeyCode) {
        let msg = self.view.key_msg(KeyEvent::new(code, KeyModifiers::NONE));
        let mut queue = VecDeque::from(self.view.work(msg, view_time()));
        while let Some(cmd) = queue.pop_front() {
            let seen: Arc<Mutex<Vec<ImportMsg>>> = Arc::default();
            let sink: ProgressSink = {
                let seen = Arc::clone(&seen);
                Arc::new(move |msg| seen.lock().unwrap().push(msg))
            };
            let reply = tokio::time::timeout(PATIENCE, self.executor.run(cmd, sink))
                .await
                .expect("the command ends");
            let mut replies: Vec<ImportMsg> = seen.lock().unwrap().drain(..).collect();
            replies.extend(reply);
            for reply in replies {
                queue.extend(self.view.work(reply, view_time()));
            }
        }
    }

    /// The view as drawn at 120x40.
    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|frame| {
                let area = frame.area();
                DrawView::draw(&self.view, &Theme::new(false), frame, area, view_time());
            })
            .unwrap();
        common::screen_text(terminal.backend())
    }
}

fn view_time() -> chrono::DateTime<chrono::Utc> {
    chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 6, 2, 14, 0, 0).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_the_view_left_in_doubt_shows_the_same_before_figure_in_batch_import() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    add_earlier_calls(&sandbox, &batch, 7).await;
    // The view's second request is stored, but its answer is lost.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::DropAfterForward
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    let sending = view.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Doubt, "{sending:?}");
    assert_eq!(sending.in_doubt().unwrap().index, 1);
    let screen = view.screen();
    assert!(
        screen.contains("The batch's totalCalls: before this import 7, now 3,007."),
        "{screen}"
    );
    // The operator leaves the view and goes on with `batch import`.
    drop(view);

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "The batch's totalCalls: 7 before this import, 3,007 now. The confirmed requests \
             added 2,000: without request 2's rows it would hold 2,007, with them 3,007."
        ),
        "{stderr}"
    );
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent twice");
    assert_eq!(numbers_in(&sandbox, &batch).len(), 3007);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_batch_import_left_in_doubt_shows_the_same_before_figure_in_the_view() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    add_earlier_calls(&sandbox, &batch, 7).await;
    // The second request of `batch import` never gets an answer, and the
    // run is killed.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut first = env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });
    first.kill().unwrap();
    first.wait().unwrap();

    // The operator opens the same file in the view: it resumes, sends the
    // third request and asks about the second.
    let mut view = ViewRun::new(&env, &sandbox, &sandbox.base_url(), &batch);
    view.type_text(&file.display().to_string());
    view.press(KeyCode::Enter).await;
    assert_eq!(view.view.step(), ViewStep::Resume);
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    let sending = view.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Doubt, "{sending:?}");
    assert_eq!(sending.in_doubt().unwrap().index, 1);
    let screen = view.screen();
    assert!(
        screen.contains("The batch's totalCalls: before this import 7, now 2,007."),
        "{screen}"
    );
    assert!(
        screen.contains("With its 1,000 rows added it would be 3,007; without them 2,007"),
        "{screen}"
    );
    assert_eq!(
        numbers_in(&sandbox, &batch).len(),
        2007,
        "request 2 not resent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_while_the_summary_is_written_ends_the_run_at_once_with_130() {
    let env = Env::new();
    let sandbox = Sandbox::start(0).await.unwrap();
    let batch = new_batch(&sandbox);
    // Thousands of long invalid values: `--json` lists them all, far more
    // than a pipe holds, so writing the summary waits on a reader.
    let mut text = String::from("name,phone\nAnn,(212) 555-0143\n");
    let long = "x".repeat(300);
    for i in 0..5000 {
        text.push_str(&format!("Bad {i},{long}\n"));
    }
    let file = env.file("long.csv", text.as_bytes());
    let mut child = env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first byte of the summary: sending is over, and the rest of the
    // summary waits for a reader that does not come.
    let mut stdout = child.stdout.take().unwrap();
    let (first_byte, got) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut byte = [0u8; 1];
        let _ = first_byte.send(stdout.read_exact(&mut byte).map(|()| stdout));
    });
    let _stdout = got.recv_timeout(PATIENCE).unwrap().unwrap();
    assert_eq!(request_states(&env), ["confirmed"]);
    assert_eq!(numbers_in(&sandbox, &batch), ["12125550143"]);

    interrupt(&child);
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let status = status.expect("Ctrl-C ends the run while the summary is written");
    assert_eq!(status.code(), Some(130));
}

/// Puts a plain file where the journal folder was (its journals moved
/// aside): no journal write can succeed, as on a full disk, and unlike
/// permissions this holds for root too.
fn break_journal_dir(dir: &Path) {
    std::fs::rename(dir, dir.with_extension("away")).unwrap();
    std::fs::write(dir, b"").unwrap();
}

/// The journal folder back as it was.
fn mend_journal_dir(dir: &Path) {
    std::fs::remove_file(dir).unwrap();
    std::fs::rename(dir.with_extension("away"), dir).unwrap();
}

/// Each number of the batch once, and `n` of them.
fn assert_each_once(sandbox: &Sandbox, batch: &str, n: usize) {
    let numbers = numbers_in(sandbox, batch);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!((numbers.len(), distinct.len()), (n, n));
}

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_with_the_rows_stored_but_unanswered_a_rerun_asks_and_sends_them_once() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // Weya stores request 2's rows; its answer never comes, and the run
    // is killed while it waits.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::StallAfterForward
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut first = env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll("request 2's rows stored", || {
        (numbers_in(&sandbox, &batch).len() == 2000).then_some(())
    });
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(request_states(&env), ["confirmed", "sending", "planned"]);

    // The rerun does not send request 2 by itself, and its figures show
    // the rows are there.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "The batch's totalCalls: 0 before this import, 2,000 now. The confirmed requests \
             added 1,000: without request 2's rows it would hold 1,000, with them 2,000."
        ),
        "{stderr}"
    );
    assert_eq!(proxy.bodies().len(), 3, "request 3 only");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--unknown-added"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(proxy.bodies().len(), 3, "nothing sent again");
    assert_each_once(&sandbox, &batch, 3000);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_batch_import_cannot_record_stops_the_run_and_is_never_resent_silently() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let journals = env.path("state/weya-tui/imports");
    // While request 2 is on its way, the journal's disk fills up.
    let broken = journals.clone();
    let proxy = Proxy::start(Arc::clone(&sandbox), move |n| {
        if n == 2 {
            break_journal_dir(&broken);
        }
        Step::Forward
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "weya-tui: request 2: rows 1001–2000 (lines 1002–2001) was sent, but its answer \
             could not be recorded"
        ),
        "{stderr}"
    );
    assert_eq!(proxy.bodies().len(), 2, "it stopped there");

    // Room again: the rerun asks about request 2 and sends request 3.
    mend_journal_dir(&journals);
    assert_eq!(request_states(&env), ["confirmed", "sending", "planned"]);
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("its outcome is unknown"), "{stderr}");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--unknown-added"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(proxy.bodies().len(), 3, "request 2 was not sent again");
    assert_each_once(&sandbox, &batch, 3000);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_the_view_cannot_record_is_shown_in_doubt_and_sending_pauses() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let journals = env.path("state/weya-tui/imports");
    // While request 1 is on its way, the journal's disk fills up.
    let broken = journals.clone();
    let proxy = Proxy::start(Arc::clone(&sandbox), move |n| {
        if n == 1 {
            break_journal_dir(&broken);
        }
        Step::Forward
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    let sending = view.view.sending().unwrap();
    // Request 1 is not shown as confirmed: the journal does not say so
    // (it still says sending, which reads as in doubt), and the next
    // session will ask about it.
    assert!(
        matches!(
            sending.requests()[0].state,
            weya_tui::import::RequestState::Sending { .. }
        ),
        "{:?}",
        sending.requests()[0]
    );
    assert_eq!(sending.summary().rows_confirmed, 0);
    // The engine stops there: request 2 is not sent, and sending pauses,
    // saying what Weya answered and that it could not be recorded.
    assert_eq!(sending.phase, SendPhase::Paused);
    let error = sending.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("was sent, but its answer could not be recorded (Weya added 1,000 rows;"),
        "{error}"
    );
    assert_eq!(proxy.bodies().len(), 1);
    drop(view);

    // Room again: `batch import` asks about request 1 and sends the rest.
    mend_journal_dir(&journals);
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--unknown-added"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("request 1: rows 1–1000 (lines 2–1001): its outcome is unknown"),
        "{stderr}"
    );
    assert_eq!(proxy.bodies().len(), 3, "request 1 was not sent again");
    assert_each_once(&sandbox, &batch, 3000);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_cut_off_mid_line_sends_nothing_from_the_view_or_batch_import() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 { Step::Stall } else { Step::Forward }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let mut first = env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    poll("the second request", || {
        (proxy.bodies().len() == 2).then_some(())
    });
    first.kill().unwrap();
    first.wait().unwrap();
    // The journal is cut off in the middle of a line (a disk that lost
    // the end of it, an editor).
    let journal = env.journals().pop().unwrap();
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut = text.find("\"state\": \"sending\"").unwrap() + 5;
    std::fs::write(&journal, &text[..cut]).unwrap();

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--resend-unknown"]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    let expected = format!(
        "weya-tui: import journal {}: not readable",
        journal.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");

    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    view.press(KeyCode::Enter).await;
    assert!(
        view.screen().contains("The import journal cannot be read"),
        "{}",
        view.screen()
    );
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    assert!(view.view.sending().is_none(), "nothing is sending");
    assert!(view.screen().contains("not readable"), "{}", view.screen());
    assert_eq!(proxy.bodies().len(), 2, "nothing was sent");
    assert_eq!(numbers_in(&sandbox, &batch).len(), 1000);
    // The cut-off journal is left as it was, for the operator to look at.
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), text[..cut]);
}

// ---- Never twice, never wrong (issue 16): partial and contradicting
// answers, one engine for the CLI and the view, the identity of an
// import, numbers already in the batch, the rejected-rows file. ----

/// The batch's calls as stored: each number with its fields.
fn calls_in(sandbox: &Sandbox, batch: &str) -> Vec<(String, serde_json::Map<String, Value>)> {
    let batch = sandbox.store().batch(batch).unwrap();
    batch
        .calls
        .iter()
        .map(|c| (c.phone_number.clone(), c.fields.clone()))
        .collect()
}

/// Sets `path`'s modification time an hour ahead, as `touch` would.
fn touch(path: &Path) {
    let later = std::time::SystemTime::now() + Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(later)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_200_that_adds_half_the_rows_is_partial_and_only_the_missing_rows_go_again() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // Weya stores 500 of request 2's 1,000 rows and says so: added 500.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::StoreOnly(500)
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("big.csv", &generated_csv(2500));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "request 2: rows 1001–2000 (lines 1002–2001): Weya added 500 of the 1,000 rows sent: \
             500 not added (request ID "
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "2 of 3 requests confirmed (1,500 of 2,500 contacts); Weya did not add 500 of the \
             rows it was sent."
        ),
        "{stdout}"
    );
    assert_eq!(numbers_in(&sandbox, &batch).len(), 2000);

    // Not sent again without a word.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("it was partly added"), "{stderr}");
    assert_eq!(proxy.bodies().len(), 3);

    // Sent again: only the 500 rows whose number the batch does not hold.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).args([
        "--yes",
        "--resend-unknown",
        "--json",
    ]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["existing"]["leftOut"], 500, "{report}");
    assert_eq!(report["rowsAdded"], 500, "{report}");
    assert_eq!(report["confirmed"]["rows"], 2500, "{report}");
    let expected: Vec<String> = (1501..=2000).map(number_of_row).collect();
    assert_eq!(proxy.bodies()[3], expected);
    assert_each_once(&sandbox, &batch, 2500);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_207_that_says_every_row_was_added_is_in_doubt_and_never_resent_blindly() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // Request 2 is stored whole, and the answer is a 207 saying 1,000
    // were added and that chunk 1 failed.
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::Contradicting207
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("three.csv", &generated_csv(3000));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "request 2: rows 1001–2000 (lines 1002–2001): HTTP 207 that contradicts itself: 1,000 \
             rows added of 1,000 sent, and chunk 1: storage timeout (request ID req-207)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("Outcome unknown"), "{stdout}");
    assert_eq!(numbers_in(&sandbox, &batch).len(), 3000);

    // The next run shows the totals and does not send it by itself.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "The batch's totalCalls: 0 before this import, 3,000 now. The confirmed requests \
             added 2,000: without request 2's rows it would hold 2,000, with them 3,000."
        ),
        "{stderr}"
    );
    assert_eq!(proxy.bodies().len(), 3);
    // Told to send it again, the engine finds its numbers in the batch:
    // nothing goes, and every row counts as in.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--yes", "--resend-unknown"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1,000 numbers already in the batch are left out"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 of 3 requests confirmed (3,000 of 3,000 contacts)."),
        "{stdout}"
    );
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent again");
    assert_each_once(&sandbox, &batch, 3000);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_view_reads_partial_and_contradicting_answers_as_batch_import_does() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    // A 200 that adds half the rows: never "Done: all".
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::StoreOnly(500)
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("short.csv", &generated_csv(2500));
    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    for _ in 0..3 {
        view.press(KeyCode::Enter).await;
    }
    let sending = view.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Doubt, "{sending:?}");
    assert_eq!(sending.summary().rows_short, 500);
    let screen = view.screen();
    assert!(!screen.contains("Done"), "{screen}");
    assert!(
        screen.contains("Weya added 500 of the 1,000 rows sent: 500 not added"),
        "{screen}"
    );
    // s: only the rows the batch does not hold go again.
    view.press(KeyCode::Char('s')).await;
    let sending = view.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Done, "{sending:?}");
    assert!(
        view.screen()
            .contains("Done: all 2,500 contacts are in the batch"),
        "{}",
        view.screen()
    );
    let expected: Vec<String> = (1501..=2000).map(number_of_row).collect();
    assert_eq!(proxy.bodies()[3], expected);
    assert_each_once(&sandbox, &batch, 2500);

    // A contradicting 207: in doubt, with its request ID, as batch import
    // reads it.
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |n| {
        if n == 2 {
            Step::Contradicting207
        } else {
            Step::Forward
        }
    })
    .await;
    let file = env.file("contradicting.csv", &generated_csv(3000));
    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    for _ in 0..3 {
        view.press(KeyCode::Enter).await;
    }
    let sending = view.view.sending().unwrap();
    assert_eq!(sending.phase, SendPhase::Doubt, "{sending:?}");
    let doubt = sending.in_doubt().unwrap();
    assert_eq!(doubt.index, 1);
    match &doubt.state {
        weya_tui::import::RequestState::Unknown { reason } => assert_eq!(
            reason,
            "HTTP 207 that contradicts itself: 1,000 rows added of 1,000 sent, and chunk 1: \
             storage timeout (request ID req-207)"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(proxy.bodies().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_403_or_a_404_the_view_stops_as_batch_import_does_keeping_the_request_id() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    for status in [403, 404] {
        let batch = new_batch(&sandbox);
        let proxy = Proxy::start(Arc::clone(&sandbox), move |_| Step::Refuse(status)).await;
        let file = env.file(&format!("refused-{status}.csv"), &generated_csv(3000));

        let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
        view.type_text(&file.display().to_string());
        for _ in 0..3 {
            view.press(KeyCode::Enter).await;
        }
        let sending = view.view.sending().unwrap();
        assert_eq!(sending.phase, SendPhase::Paused, "{status}: {sending:?}");
        assert_eq!(proxy.bodies().len(), 1, "{status}: one request, not three");
        let error = sending.error.as_deref().unwrap();
        assert!(
            error.starts_with("the remaining requests were not sent"),
            "{error}"
        );
        let (_, reason) = sending.failed().next().unwrap();
        assert!(reason.ends_with("(request ID req-refused)"), "{reason}");
        assert!(
            view.screen().contains("(request ID req-refused)"),
            "{}",
            view.screen()
        );
        drop(view);

        // batch import: the same, from the journal the view left.
        let (code, stdout, stderr) =
            run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
        assert_eq!(code, Some(1), "{stdout}\n{stderr}");
        assert!(
            stderr.contains("the remaining requests were not sent"),
            "{stderr}"
        );
        assert!(stdout.contains("(request ID req-refused)"), "{stdout}");
        assert_eq!(
            proxy.bodies().len(),
            2,
            "{status}: one more, then it stopped"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_rows_touched_or_copied_are_already_imported_and_nothing_is_sent() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |_| Step::Forward).await;
    let file = env.file("big.csv", &generated_csv(2500));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(proxy.bodies().len(), 3);

    // Touched: the same content, so the same import, complete.
    touch(&file);
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Already imported on "), "{stdout}");
    assert!(
        stdout.contains("(2,500 rows): this file's content went into batch"),
        "{stdout}"
    );
    assert!(stdout.contains("Nothing was sent; --again"), "{stdout}");
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent");

    // Copied elsewhere: the same.
    std::fs::create_dir_all(env.path("elsewhere")).unwrap();
    let copy = env.file("elsewhere/copy.csv", &generated_csv(2500));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &copy)
        .args(["--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["alreadyImported"]["rows"], 2500, "{report}");
    assert_eq!(report["sent"], 0, "{report}");
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent");

    // --again: a new import, but the batch holds every number: left out.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &copy)
        .args(["--yes", "--again"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("2,500 numbers already in the batch are left out"),
        "{stdout}"
    );
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent");
    assert_each_once(&sandbox, &batch, 2500);

    // --again --include-existing: sent again, as asked.
    let (code, stdout, stderr) = run(env.import(&sandbox, &proxy.url, &batch, &copy).args([
        "--yes",
        "--again",
        "--include-existing",
    ]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(proxy.bodies().len(), 6);
    assert_eq!(numbers_in(&sandbox, &batch).len(), 5000);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_view_says_already_imported_for_the_same_rows_touched_or_copied() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let proxy = Proxy::start(Arc::clone(&sandbox), |_| Step::Forward).await;
    let file = env.file("big.csv", &generated_csv(2500));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    touch(&file);
    let copy = env.file("copy.csv", &generated_csv(2500));
    for path in [&file, &copy] {
        let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
        view.type_text(&path.display().to_string());
        view.press(KeyCode::Enter).await;
        assert_eq!(view.view.step(), ViewStep::Resume, "{}", view.screen());
        let screen = view.screen();
        assert!(screen.contains("Already imported on "), "{screen}");
        assert!(
            screen.contains("(2,500 rows): nothing is left to send"),
            "{screen}"
        );
        view.press(KeyCode::Enter).await;
        assert!(view.view.sending().is_none());
    }
    assert_eq!(proxy.bodies().len(), 3, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn numbers_the_batch_holds_already_are_left_out_and_counted_in_both() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let proxy = Proxy::start(Arc::clone(&sandbox), |_| Step::Forward).await;
    // The batch holds 312 of the file's numbers (rows 101–412), added
    // some other way.
    let holding = |batch: &str| {
        let rows: Vec<Value> = (101..=412)
            .map(|i| json!({"phoneNumber": number_of_row(i)}))
            .collect();
        json!({"batchId": batch, "call_data": rows}).to_string()
    };
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let file = env.file("big.csv", &generated_csv(2500));

    let batch = new_batch(&sandbox);
    client.add_calls_raw(holding(&batch)).await.unwrap();
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "312 numbers already in the batch are left out (--include-existing sends them too)."
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("312 contacts were not sent: the batch held their number already."),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 of 3 requests confirmed (2,500 of 2,500 contacts)."),
        "{stdout}"
    );
    assert_each_once(&sandbox, &batch, 2500);
    let sent: usize = proxy.bodies().iter().map(Vec::len).sum();
    assert_eq!(sent, 2188);

    // --json says so too.
    let batch = new_batch(&sandbox);
    client.add_calls_raw(holding(&batch)).await.unwrap();
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &proxy.url, &batch, &file)
        .args(["--region", "US", "--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["existing"]["compared"], true, "{report}");
    assert_eq!(report["existing"]["calls"], 312, "{report}");
    assert_eq!(report["existing"]["leftOut"], 312, "{report}");
    assert_eq!(report["rowsLeftOut"], 312, "{report}");
    assert_eq!(report["rowsAdded"], 2188, "{report}");
    assert_each_once(&sandbox, &batch, 2500);

    // The view: said on the check, left out when sent.
    let batch = new_batch(&sandbox);
    client.add_calls_raw(holding(&batch)).await.unwrap();
    let mut view = ViewRun::new(&env, &sandbox, &proxy.url, &batch);
    view.type_text(&file.display().to_string());
    view.press(KeyCode::Enter).await;
    view.press(KeyCode::Enter).await;
    let screen = view.screen();
    assert!(
        screen.contains("312 numbers already in the batch are left out (b sends them too)."),
        "{screen}"
    );
    assert!(screen.contains("Sends 2,188 contacts"), "{screen}");
    view.press(KeyCode::Enter).await;
    let screen = view.screen();
    assert!(
        screen.contains(
            "Done: all 2,500 contacts are in the batch (312 of them were there already and were \
             not sent)."
        ),
        "{screen}"
    );
    assert_each_once(&sandbox, &batch, 2500);
}

#[tokio::test(flavor = "multi_thread")]
async fn reading_the_batch_s_numbers_is_bounded_and_reported_page_by_page() {
    use weya_tui::import::existing::{ExistingError, MAX_CALLS, read_batch_numbers};
    let sandbox = Sandbox::start(0).await.unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let batch = new_batch(&sandbox);
    add_earlier_calls(&sandbox, &batch, 250).await;
    let mut pages = Vec::new();
    let numbers = read_batch_numbers(&client, &batch, |p| pages.push((p.pages, p.of)))
        .await
        .unwrap();
    assert_eq!(pages, [(1, 3), (2, 3), (3, 3)]);
    assert_eq!((numbers.calls(), numbers.distinct()), (250, 250));

    // Past the bound: one page read, and refused with the count.
    let big = new_batch(&sandbox);
    let rows: Vec<Value> = (0..=MAX_CALLS)
        .map(|i| json!({"phoneNumber": format!("1646{:07}", i)}))
        .collect();
    for chunk in rows.chunks(10_000) {
        let body = json!({"batchId": big, "call_data": chunk}).to_string();
        client.add_calls_raw(body).await.unwrap();
    }
    let mut pages = 0;
    let refused = read_batch_numbers(&client, &big, |_| pages += 1)
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        ExistingError::TooMany {
            calls: MAX_CALLS + 1
        }
    );
    assert_eq!(pages, 0, "refused on the first page");
    assert!(refused.to_string().contains("50,001 calls"), "{refused}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rejected_rows_never_overwrite_a_file_are_guarded_and_import_back_without_reasons() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file(
        "june.csv",
        b"name,phone,note\n\
          =cmd|' /C calc'!A0,n/a,@SUM(A1)\n\
          Bob,(212) 555-0143,ok\n\
          Cy,555-12,-5\n",
    );
    // The operator's fixes are in june.rejected.csv: a dry run keeps them.
    let fixes = env.file("june.rejected.csv", b"name,phone,note,reason\nmy fixes\n");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        std::fs::read_to_string(&fixes).unwrap(),
        "name,phone,note,reason\nmy fixes\n"
    );
    assert!(stderr.contains("it is not overwritten"), "{stderr}");
    assert!(stderr.contains("a dry run never does"), "{stderr}");

    // --rejected naming an existing file: refused, nothing sent.
    let other = env.file("other.txt", b"keep me\n");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes", "--rejected"])
        .arg(&other));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("--overwrite-rejected replaces it"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "keep me\n");
    assert!(numbers_in(&sandbox, &batch).is_empty());

    // With --overwrite-rejected: written, each would-be formula guarded,
    // and said.
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args([
            "--region",
            "US",
            "--yes",
            "--overwrite-rejected",
            "--rejected",
        ])
        .arg(&other));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "\u{feff}name,phone,note,reason\n\
         '=cmd|' /C calc'!A0,n/a,'@SUM(A1),not a phone number\n\
         Cy,555-12,'-5,too short for US\n"
    );
    assert!(
        stdout.contains(
            "3 cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab \
             or a line break) are written with a ' before them"
        ),
        "{stdout}"
    );

    // Fixed in a spreadsheet and imported back: the reason column is not
    // sent, nor the ' the file was written with.
    std::fs::remove_file(&fixes).unwrap();
    let july = env.file(
        "july.csv",
        b"name,phone,note\n=cmd|' /C calc'!A0,n/a,@SUM(A1)\n",
    );
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &july)
        .args(["--region", "US", "--dry-run"]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    let rejected = env.path("july.rejected.csv");
    let text = std::fs::read_to_string(&rejected).unwrap();
    std::fs::write(&rejected, text.replace(",n/a,", ",(212) 555-0188,")).unwrap();
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &rejected)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "This is a rejected-rows file weya-tui wrote: its “reason” column is not sent"
        ),
        "{stdout}"
    );
    let calls = calls_in(&sandbox, &batch);
    let (number, fields) = calls.iter().find(|(n, _)| n == "12125550188").unwrap();
    assert_eq!(number, "12125550188");
    assert!(!fields.contains_key("reason"), "{fields:?}");
    assert_eq!(fields["name"], "=cmd|' /C calc'!A0");
    assert_eq!(fields["note"], "@SUM(A1)");
}

// ---- files that would cost too much: refused at once, never echoed ----

/// A zip written by hand, so a part can say it unpacks to gigabytes while
/// its deflate data is a few MiB (deflate segments repeated).
mod zipped {
    use std::io::Write;

    /// One part: its name, its data as stored (method 0) or deflated
    /// (method 8), its CRC-32 and unpacked size.
    pub struct Part {
        pub name: String,
        pub method: u16,
        pub data: Vec<u8>,
        pub crc: u32,
        pub size: u64,
    }

    /// `bytes` stored as they are.
    pub fn stored(name: &str, bytes: &[u8]) -> Part {
        Part {
            name: name.to_owned(),
            method: 0,
            data: bytes.to_vec(),
            crc: crc32fast::hash(bytes),
            size: bytes.len() as u64,
        }
    }

    /// Each `(bytes, times)` piece deflated once and repeated `times`
    /// (a full flush makes every segment stand alone), then a final empty
    /// block: the deflate data of the pieces one after the other.
    pub fn deflated(name: &str, pieces: &[(&[u8], u64)]) -> Part {
        let mut data = Vec::new();
        let mut crc = crc32fast::Hasher::new();
        let mut size = 0u64;
        for (bytes, times) in pieces {
            let segment = deflate(bytes, flate2::FlushCompress::Full);
            let mut one = crc32fast::Hasher::new();
            one.update(bytes);
            for _ in 0..*times {
                data.extend_from_slice(&segment);
                crc.combine(&one);
            }
            size += bytes.len() as u64 * times;
        }
        data.extend_from_slice(&deflate(b"", flate2::FlushCompress::Finish));
        Part {
            name: name.to_owned(),
            method: 8,
            data,
            crc: crc.finalize(),
            size,
        }
    }

    fn deflate(bytes: &[u8], flush: flate2::FlushCompress) -> Vec<u8> {
        let mut compress = flate2::Compress::new(flate2::Compression::best(), false);
        let mut out = Vec::with_capacity(bytes.len() / 100 + 1024);
        loop {
            let read = usize::try_from(compress.total_in()).unwrap();
            compress
                .compress_vec(&bytes[read..], &mut out, flush)
                .unwrap();
            if usize::try_from(compress.total_in()).unwrap() == bytes.len()
                && out.len() < out.capacity()
            {
                return out;
            }
            out.reserve(64 * 1024);
        }
    }

    /// The zip of `parts` (sizes below 4 GiB: no zip64).
    pub fn zip(parts: &[Part]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for part in parts {
            let offset = out.len() as u32;
            let size = u32::try_from(part.size).unwrap();
            let name = part.name.as_bytes();
            let header = |sig: u32, central: bool, out: &mut Vec<u8>| {
                out.write_all(&sig.to_le_bytes()).unwrap();
                if central {
                    out.write_all(&20u16.to_le_bytes()).unwrap();
                }
                for v in [20u16, 0, part.method, 0, 0] {
                    out.write_all(&v.to_le_bytes()).unwrap();
                }
                out.write_all(&part.crc.to_le_bytes()).unwrap();
                out.write_all(&(part.data.len() as u32).to_le_bytes())
                    .unwrap();
                out.write_all(&size.to_le_bytes()).unwrap();
                out.write_all(&(name.len() as u16).to_le_bytes()).unwrap();
                out.write_all(&0u16.to_le_bytes()).unwrap();
                if central {
                    for v in [0u16, 0, 0] {
                        out.write_all(&v.to_le_bytes()).unwrap();
                    }
                    out.write_all(&0u32.to_le_bytes()).unwrap();
                    out.write_all(&offset.to_le_bytes()).unwrap();
                }
                out.write_all(name).unwrap();
            };
            header(0x0403_4b50, false, &mut out);
            out.extend_from_slice(&part.data);
            header(0x0201_4b50, true, &mut directory);
        }
        let at = out.len() as u32;
        out.extend_from_slice(&directory);
        out.write_all(&0x0605_4b50u32.to_le_bytes()).unwrap();
        let count = u16::try_from(parts.len()).unwrap_or(u16::MAX - 1);
        for v in [0u16, 0, count, count] {
            out.write_all(&v.to_le_bytes()).unwrap();
        }
        out.write_all(&(directory.len() as u32).to_le_bytes())
            .unwrap();
        out.write_all(&at.to_le_bytes()).unwrap();
        out.write_all(&0u16.to_le_bytes()).unwrap();
        out
    }

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

    /// An `.xlsx` of one sheet whose XML is `sheet` (its rows).
    pub fn xlsx(sheet: Part) -> Vec<u8> {
        let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let package = "http://schemas.openxmlformats.org/package/2006/relationships";
        zip(&[
            stored(
                "[Content_Types].xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            stored(
                "_rels/.rels",
                format!(r#"<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).as_bytes(),
            ),
            stored(
                "xl/workbook.xml",
                format!(r#"<workbook {NS} xmlns:r="{rels}"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>"#).as_bytes(),
            ),
            stored(
                "xl/_rels/workbook.xml.rels",
                format!(r#"<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#).as_bytes(),
            ),
            sheet,
        ])
    }

    /// The sheet part of `rows` (`<row>…</row>` each), stored.
    pub fn sheet(rows: &str) -> Part {
        stored(
            "xl/worksheets/sheet1.xml",
            format!("<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>").as_bytes(),
        )
    }

    pub const SHEET_START: &str = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    pub const SHEET_END: &str = "</sheetData></worksheet>";
}

/// What a refusal of a hostile file must be: exit 2, nothing sent, the
/// bound named, and no more than a line's worth said (on stderr; stdout
/// empty, or one short JSON line).
fn assert_refused_briefly(env: &Env, sandbox: &Sandbox, batch: &str, file: &Path, says: &str) {
    let started = Instant::now();
    let (code, stdout, stderr) = run(env
        .import(sandbox, &sandbox.base_url(), batch, file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains(says), "{says}:\n{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stdout.is_empty(), "{} bytes on stdout", stdout.len());
    assert!(
        stderr.len() < 1200,
        "{} bytes on stderr:\n{stderr}",
        stderr.len()
    );
    let (code, stdout, _) = run(env
        .import(sandbox, &sandbox.base_url(), batch, file)
        .args(["--region", "US", "--yes", "--json"]));
    assert_eq!(code, Some(2));
    assert!(stdout.len() < 1500, "{} bytes of JSON", stdout.len());
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["error"].as_str().unwrap().contains(says), "{json}");
    // Refused at once: no GiB was unpacked or read (generous, for a
    // loaded machine and a debug build).
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(numbers_in(sandbox, batch).is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_xlsx_reads_number_cells_as_the_whole_numbers_they_are() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // Numbers typed as numbers, one with a float's last-digit noise (what
    // a formula leaves), and a CSV's decimals pasted in as text.
    let rows = [
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Phone</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>Num</t></is></c><c r="B2"><v>17796726653</v></c></row>"#,
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>Noise</t></is></c><c r="B3"><v>12125550104.000002</v></c></row>"#,
        r#"<row r="4"><c r="A4" t="inlineStr"><is><t>Text</t></is></c><c r="B4" t="inlineStr"><is><t>12125550101.0</t></is></c></row>"#,
        r#"<row r="5"><c r="A5" t="inlineStr"><is><t>Exp</t></is></c><c r="B5" t="inlineStr"><is><t>1.2125550102E10</t></is></c></row>"#,
    ]
    .concat();
    let file = env.file("numbers.xlsx", &zipped::xlsx(zipped::sheet(&rows)));
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes", "--json"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["counts"]["valid"], 4, "{report}");
    assert_eq!(report["numbers"]["decimalsReadAsWhole"], 2, "{report}");
    let mut numbers = numbers_in(&sandbox, &batch);
    numbers.sort();
    assert_eq!(
        numbers,
        ["12125550101", "12125550102", "12125550104", "17796726653"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_3_mib_xlsx_whose_one_cell_unpacks_to_3_gib_is_refused_at_once() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let mib = vec![b'7'; 1024 * 1024];
    let head = format!(
        r#"{}<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>"#,
        zipped::SHEET_START
    );
    let tail = format!("</t></is></c></row>{}", zipped::SHEET_END);
    let sheet = zipped::deflated(
        "xl/worksheets/sheet1.xml",
        &[(head.as_bytes(), 1), (&mib, 3 * 1024), (tail.as_bytes(), 1)],
    );
    let bytes = zipped::xlsx(sheet);
    assert!(bytes.len() < 8 * 1024 * 1024, "{} bytes", bytes.len());
    let file = env.file("bomb.xlsx", &bytes);
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "its part “xl/worksheets/sheet1.xml” unpacks to 3.0 GiB, more than the 256 MiB \
         weya-tui reads of it: save the sheet as CSV UTF-8 and import that",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_xlsx_of_20_million_rows_is_refused_at_once() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let row = br#"<row><c t="inlineStr"><is><t>12125550143</t></is></c></row>"#.repeat(1000);
    let sheet = zipped::deflated(
        "xl/worksheets/sheet1.xml",
        &[
            (zipped::SHEET_START.as_bytes(), 1),
            (&row, 20_000),
            (zipped::SHEET_END.as_bytes(), 1),
        ],
    );
    let file = env.file("rows.xlsx", &zipped::xlsx(sheet));
    assert_refused_briefly(&env, &sandbox, &batch, &file, "unpacks to 1.1 GiB");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_xlsx_cell_longer_than_64_kib_is_refused_with_its_row() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let long = "x".repeat(100 * 1024);
    let rows = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Phone</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>{long}</t></is></c></row>"#
    );
    let file = env.file("long.xlsx", &zipped::xlsx(zipped::sheet(&rows)));
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "line 2 has a cell longer than 64 KiB (the most weya-tui reads of a cell)",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ods_whose_repeated_cells_would_fill_gigabytes_is_refused() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    // One filled cell repeated across 16,384 columns and a million rows:
    // a few hundred bytes that calamine would lay out as 16 billion cells.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>Phone</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="12125550143"><text:p>12125550143</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let bytes = zipped::zip(&[
        zipped::stored(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        zipped::stored("content.xml", content.as_bytes()),
    ]);
    let file = env.file("repeat.ods", &bytes);
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "its sheets hold more than 2,000,000 cells",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zip_of_more_than_ten_thousand_parts_is_refused() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let parts: Vec<zipped::Part> = (0..10_001)
        .map(|i| zipped::stored(&format!("x/{i}.bin"), b""))
        .collect();
    let file = env.file("parts.xlsx", &zipped::zip(&parts));
    assert_refused_briefly(&env, &sandbox, &batch, &file, "it holds 10,001 parts");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_line_csv_of_16_mib_is_refused_a_mib_in_and_never_echoed() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let mut bytes = b"phone,".to_vec();
    bytes.resize(16 * 1024 * 1024, b'a');
    let file = env.file("line.csv", &bytes);
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "line 1 is longer than 1 MiB (the most weya-tui reads of a line",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quote_left_open_over_many_lines_is_refused_as_it_grows() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let mut text = String::from("phone,note\n12125550143,\"opened\n");
    text.push_str(&"a short line\n".repeat(200_000));
    let file = env.file("open.csv", text.as_bytes());
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "the row on line 2 is longer than 1 MiB",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cell_a_header_or_a_row_count_past_its_bound_is_refused() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let cell = format!("phone,note\n12125550143,{}\n", "n".repeat(70 * 1024));
    let file = env.file("cell.csv", cell.as_bytes());
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "line 2 has a cell longer than 64 KiB",
    );

    let header: Vec<String> = (0..5000).map(|i| format!("column number {i:06}")).collect();
    let text = format!("phone,{}\n12125550143\n", header.join(","));
    let file = env.file("header.csv", text.as_bytes());
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "the header row is longer than 64 KiB",
    );

    // Rows of nothing cost the least to check (a row of numbers costs the
    // phone parser, too slow for a debug build a million times over): past
    // twice the bound even they are refused.
    let mut text = String::from("phone,note\n");
    text.push_str(&",\n".repeat(2_000_001));
    let file = env.file("rows.csv", text.as_bytes());
    assert_refused_briefly(
        &env,
        &sandbox,
        &batch,
        &file,
        "more than 1,000,000 rows after the header",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_lists_a_line_s_worth_of_a_wide_header() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let header: Vec<String> = (0..2000)
        .map(|i| format!("col{i:04}{}", "x".repeat(20)))
        .collect();
    let text = format!("{}\n1,2\n", header.join(","));
    let file = env.file("wide.csv", text.as_bytes());
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--phone-column", "Mobile", "--yes"]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("no such column"), "{stderr}");
    assert!(stderr.contains("and 1,988 more"), "{stderr}");
    assert!(stderr.len() < 1200, "{} bytes:\n{stderr}", stderr.len());
}

/// Issue 20: a scripted import maps as the app's mapping step does:
/// `--map phone=COLUMN` picks the phone column, `--map FIELD=COLUMN` and
/// `--rename OLD=NEW` send a column under the agent's name, `--skip`
/// leaves one out; a rename onto the phone column's name is refused with
/// nothing sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_scripted_import_renames_and_skips_columns_as_the_app_does() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file(
        "people.csv",
        b"First Name,Mobile,Office,Notes,Plan\nAnn,(212) 555-0143,(212) 555-0100,call late,Gold\n",
    );
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args([
            "--region",
            "US",
            "--yes",
            "--map",
            "phone=Mobile",
            "--map",
            "firstName=First Name",
            "--rename",
            "Plan=plan",
            "--skip",
            "Notes",
            "--skip",
            "Office",
        ]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let stored = sandbox.store().batch(&batch).unwrap();
    let call = &stored.calls[0];
    assert_eq!(
        call.phone_number, "12125550143",
        "the Mobile column, as Weya takes it"
    );
    let fields: Vec<(&str, &str)> = call
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    assert_eq!(fields, [("firstName", "Ann"), ("plan", "Gold")]);

    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &new_batch(&sandbox), &file)
        .args([
            "--region",
            "US",
            "--yes",
            "--map",
            "phone=Mobile",
            "--rename",
            "Office=phoneNumber",
        ]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    // QA: the refusal named only --skip-column/--phone-column; it names
    // the flag that made the name, and what to pass instead.
    assert!(
        stderr.contains(
            "--rename \"Office=phoneNumber\" would send column “Office” as phoneNumber, the \
             phone column's name: give it another name"
        ),
        "{stderr}"
    );
    // QA: two columns under one name said "rename them in the file".
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &new_batch(&sandbox), &file)
        .args([
            "--region",
            "US",
            "--yes",
            "--map",
            "phone=Mobile",
            "--rename",
            "Office=Notes",
        ]));
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    for needle in [
        "several columns would be sent as “Notes” (after --rename \"Office=Notes\")",
        "(--skip COLUMN)",
        "(--rename OLD=NEW, or --map NEW=OLD)",
        "nothing was sent",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert!(!stderr.contains("in the file"), "{stderr}");
    let (code, _, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--map", "phone"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("give NAME=NAME"), "{stderr}");
}

/// QA: a batch created here without a timezone, then `batch import`
/// without `--region`, said the timezone "is known only for batches
/// created from this machine" though it was created here. It says the
/// batch was created without one, and what to pass.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_created_here_without_a_timezone_says_so_when_no_region_is_given() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let body = env.file(
        "dup.json",
        br#"{"batchName":"No zone","callingNumbers":["64e5f12345abcdef87654321"],
            "retry":3,"delay":60,"callingHour":{"start":"09:00","end":"17:00"},
            "allowedDays":[1,2,3,4,5]}"#,
    );
    let (code, _, stderr) = run(env
        .against(&sandbox)
        .args(["create", "--yes", "--file"])
        .arg(&body));
    assert_eq!(code, Some(0), "{stderr}");
    let batch = sandbox.store().batches()[0].id.clone();
    let file = env.file("people.csv", b"name,phone\nAnn,(212) 555-0143\n");
    let (code, _, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .arg("--yes"));
    assert_eq!(code, Some(2), "{stderr}");
    for needle in [
        "Pass --region (e.g. --region US), or --region none",
        "The batch was created from this machine without a timezone",
        "Nothing was sent",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert!(
        !stderr.contains("known only for batches created"),
        "{stderr}"
    );
    assert!(sandbox.store().batch(&batch).unwrap().calls.is_empty());
}

/// The QA's "all 1 contacts", "1 requests: 1 confirmed": one contact is
/// said in the singular, by `batch import` and its dry run alike.
#[tokio::test(flavor = "multi_thread")]
async fn one_contact_is_said_in_the_singular() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let batch = new_batch(&sandbox);
    let file = env.file("one.csv", b"phone,name\n+12125550143,Ann\n");
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--dry-run"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(": 1 row after the header."), "{stdout}");
    assert!(
        stdout.contains("1 contact would go in 1 request of at most 1,000 rows"),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(env
        .import(&sandbox, &sandbox.base_url(), &batch, &file)
        .args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 of 1 request confirmed (1 of 1 contact)."),
        "{stdout}"
    );
    assert!(
        !stdout.contains("1 requests") && !stdout.contains("1 contacts"),
        "{stdout}"
    );
}
