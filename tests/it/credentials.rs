//! Credentials and settings, through the built binary and the TUI, as an
//! operator meets them: the key and the token each sent where Weya's page
//! documents it, against a sandbox that enforces the pages (issue 17 items
//! 1 and 7); `doctor` (17.2); a batch list whose 404 or odd fields never
//! read as success or lose the page (17.3, 17.4); and the config file and
//! base URL that are refused (issue 16 items 12 to 14).
use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use common::Harness;
use common::cli::{Env, run};
use weya_tui::api::{Auth, AuthMode, Credential, Credentials};
use weya_tui::sandbox::{SANDBOX_USER_ID, Sandbox};
use weya_tui::tui::Msg;
use weya_tui::tui::Shell as App;
use weya_tui::tui::views::View;
use weya_tui::tui::views::batches::list::BatchList;

/// Which credentials the operator configured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Configured {
    Both,
    KeyAlone,
    TokenAlone,
}

impl Env {
    /// The binary pointed at `sandbox` with the credentials `configured`.
    fn configured(&self, sandbox: &Sandbox, configured: Configured) -> Command {
        let mut cmd = self.cmd();
        cmd.env("WEYA_BASE_URL", sandbox.base_url())
            .env("WEYA_USER_ID", SANDBOX_USER_ID);
        if configured != Configured::TokenAlone {
            cmd.env("WEYA_API_KEY", sandbox.key().expose_secret());
        }
        if configured != Configured::KeyAlone {
            cmd.env("WEYA_TOKEN", sandbox.token().expose_secret());
        }
        cmd
    }
}

const BATCH: &str =
    r#"{"batchName":"Both keys","callingNumbers":["64e5f12345abcdef87654321"],"timezone":"UTC"}"#;

const CONTACTS: &str = "name,phone\nAsha,+12125550101\nBen,+12125550102\n";

/// `create --yes` with `configured`; the new batch's ID.
fn create(env: &Env, sandbox: &Sandbox, configured: Configured) -> String {
    let file = env.file("batch.json", BATCH);
    let (code, stdout, stderr) = run(env
        .configured(sandbox, configured)
        .args(["create", "--yes", "--file"])
        .arg(&file));
    assert_eq!(code, Some(0), "{stderr}");
    stdout.trim().rsplit(' ').next().unwrap().to_owned()
}

fn import(env: &Env, sandbox: &Sandbox, configured: Configured, id: &str) -> Command {
    let file = env.file("contacts.csv", CONTACTS);
    let mut cmd = env.configured(sandbox, configured);
    cmd.args(["batch", "import", id])
        .arg(&file)
        .args(["--region", "US", "--yes"]);
    cmd
}

// ---- 17.1 and 17.7: each action carries what its page documents ----

/// Configured with both, an operator creates, imports, lists, views,
/// starts, stops and deletes against the sandbox that takes on each
/// endpoint only the header its page documents. (With one credential
/// sent everywhere, as before, the Bearer pages refuse the key.)
#[tokio::test(flavor = "multi_thread")]
async fn with_both_credentials_the_whole_campaign_runs_against_the_strict_sandbox() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = create(&env, &sandbox, Configured::Both);
    let (code, _, stderr) = run(&mut import(&env, &sandbox, Configured::Both, &id));
    assert_eq!(code, Some(0), "import: {stderr}");
    assert_eq!(sandbox.store().batch(&id).unwrap().calls.len(), 2);
    for args in [
        vec!["batches"],
        vec!["batch", "view", &id],
        vec!["batch", "calls", &id],
        vec!["batch", "start", &id],
        vec!["batch", "stop", &id],
        vec!["batch", "delete", &id, "--yes"],
    ] {
        let (code, stdout, stderr) = run(env.configured(&sandbox, Configured::Both).args(&args));
        assert_eq!(code, Some(0), "{args:?}: {stdout}{stderr}");
    }
    assert!(sandbox.store().batch(&id).is_none(), "deleted");
}

/// With the workspace key alone: creating and importing work (their pages
/// take the key); the Bearer pages are refused, and each says which
/// credential it takes and where to set it.
#[tokio::test(flavor = "multi_thread")]
async fn with_the_key_alone_the_bearer_actions_say_they_need_the_token_and_where_to_set_it() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = create(&env, &sandbox, Configured::KeyAlone);
    let (code, _, stderr) = run(&mut import(&env, &sandbox, Configured::KeyAlone, &id));
    assert_eq!(code, Some(0), "import: {stderr}");
    for (args, label) in [
        (vec!["batches"], "the batch list"),
        (vec!["batch", "start", id.as_str()], "start-calling"),
        (
            vec!["batch", "delete", id.as_str(), "--yes"],
            "delete-batch",
        ),
    ] {
        let (code, _, stderr) = run(env.configured(&sandbox, Configured::KeyAlone).args(&args));
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{label} needs a Bearer token: set WEYA_TOKEN, or token in the config file \
                 (the request carried the x-api-key from environment variable WEYA_API_KEY, \
                 the only credential configured)"
            )),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("HTTP 401"), "{stderr}");
        assert!(!stderr.contains(sandbox.key().expose_secret()), "{stderr}");
    }
    assert!(sandbox.store().batch(&id).is_some(), "nothing was deleted");
}

/// With the token alone: creating, listing and starting work; importing
/// (addCallsToBatch takes the key) is refused with a 403 that says so.
#[tokio::test(flavor = "multi_thread")]
async fn with_the_token_alone_importing_says_it_needs_the_key_and_where_to_set_it() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let id = create(&env, &sandbox, Configured::TokenAlone);
    let (code, stdout, stderr) = run(env
        .configured(&sandbox, Configured::TokenAlone)
        .arg("batches"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Both keys"), "{stdout}");
    let (code, _, stderr) = run(&mut import(&env, &sandbox, Configured::TokenAlone, &id));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "addCallsToBatch needs an x-api-key workspace key: set WEYA_API_KEY, or api_key in \
             the config file (the request carried the Bearer token from environment variable \
             WEYA_TOKEN, the only credential configured)"
        ),
        "{stderr}"
    );
    assert!(sandbox.store().batch(&id).unwrap().calls.is_empty());
}

/// The dry run's curl line and the review before sending show the header
/// createBatch carries, masked: the key when there is one, else the token.
#[tokio::test(flavor = "multi_thread")]
async fn the_dry_run_and_the_review_show_the_header_create_carries_masked() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let file = env.file("batch.json", BATCH);
    let last4 = |s: &str| s[s.len() - 4..].to_owned();
    let key4 = last4(sandbox.key().expose_secret());
    let token4 = last4(sandbox.token().expose_secret());
    let dry = |configured| {
        run(env
            .configured(&sandbox, configured)
            .args(["create", "--dry-run", "--file"])
            .arg(&file))
    };
    let (code, stdout, _) = dry(Configured::Both);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(&format!("-H 'x-api-key: ••••{key4}'")),
        "{stdout}"
    );
    assert!(!stdout.contains("Authorization"), "{stdout}");
    let (_, stdout, _) = dry(Configured::TokenAlone);
    assert!(
        stdout.contains(&format!("-H 'Authorization: Bearer ••••{token4}'")),
        "{stdout}"
    );
    assert!(
        !stdout.contains(sandbox.token().expose_secret()),
        "{stdout}"
    );

    // The review `create` prints before it sends says the same.
    let (code, _, stderr) = run(env
        .configured(&sandbox, Configured::Both)
        .args(["create", "--yes", "--file"])
        .arg(&file));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("with x-api-key ••••{key4}")),
        "{stderr}"
    );
    assert_eq!(sandbox.store().create_requests(), 1);
}

/// `--token-stdin` reads the token (after the key with `--api-key-stdin`),
/// so a script need put neither in the environment nor in a flag.
#[tokio::test(flavor = "multi_thread")]
async fn the_key_and_the_token_can_both_come_from_standard_input() {
    use std::io::Write as _;
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let mut child = env
        .cmd()
        .env("WEYA_BASE_URL", sandbox.base_url())
        .env("WEYA_USER_ID", SANDBOX_USER_ID)
        .args(["batches", "--api-key-stdin", "--token-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", sandbox.key().expose_secret()).unwrap();
    writeln!(stdin, "{}", sandbox.token().expose_secret()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No batches."));

    // One line only: the token is missing, and that is said.
    let mut child = env
        .cmd()
        .env("WEYA_BASE_URL", sandbox.base_url())
        .args(["batches", "--api-key-stdin", "--token-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", sandbox.key().expose_secret()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--token-stdin"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sandbox takes on each endpoint only what its page documents, with
/// the page's status: 401 on the Bearer pages (delete included), 403 on
/// addCallsToBatch, either on createBatch.
#[tokio::test]
async fn every_sandbox_endpoint_takes_only_the_header_its_page_documents() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let id = sandbox
        .store()
        .insert("Guarded".into(), json!({"batchName": "Guarded"}));
    let (key, token) = (
        sandbox.key().expose_secret().to_owned(),
        sandbox.token().expose_secret().to_owned(),
    );
    let http = reqwest::Client::new();
    let base = sandbox.base_url();
    let dialer = json!({"batchId": id, "userId": SANDBOX_USER_ID});
    let calls = json!({"batchId": id, "call_data": [{"phoneNumber": "12125550101"}]});
    let create = json!({"batchName": "x", "callingNumbers": ["64e5f12345abcdef87654321"]});
    // (what, request, status with the key alone, status with the token alone)
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, u16)> = vec![
        (
            "createBatch",
            http.post(format!("{base}/api/call/createBatch"))
                .json(&create),
            201,
            201,
        ),
        (
            "addCallsToBatch",
            http.post(format!("{base}/api/call/addCallsToBatch"))
                .json(&calls),
            200,
            403,
        ),
        (
            "the batch list",
            http.get(format!("{base}/api/call/batches/{SANDBOX_USER_ID}")),
            401,
            200,
        ),
        (
            "batch-details",
            http.get(format!("{base}/api/call/batch-details/{id}")),
            401,
            200,
        ),
        (
            "start-calling",
            http.post(format!("{base}/api/call/start-calling"))
                .json(&dialer),
            401,
            200,
        ),
        (
            "stop-calling",
            http.post(format!("{base}/api/call/stop-calling"))
                .json(&dialer),
            401,
            200,
        ),
        (
            "delete-batch",
            http.delete(format!("{base}/api/call/delete-batch/{id}")),
            401,
            200,
        ),
    ];
    for (what, request, with_key, with_token) in cases {
        let keyed = request.try_clone().unwrap().header("x-api-key", &key);
        let status = keyed.send().await.unwrap().status().as_u16();
        assert_eq!(status, with_key, "{what} with the key alone");
        let bearer = request.bearer_auth(&token);
        let status = bearer.send().await.unwrap().status().as_u16();
        assert_eq!(status, with_token, "{what} with the token alone");
    }
}

/// The TUI, configured with both against the strict sandbox: the batch
/// list loads, a start goes through (Bearer pages, with the token) and
/// creating works (with the key).
#[tokio::test]
async fn the_tui_configured_with_both_lists_starts_and_creates_against_the_strict_sandbox() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut h = Harness::on_sandbox(&sandbox);
    h.fill_and_review("From the TUI").await;
    h.key(crossterm::event::KeyCode::Enter);
    h.wait_for_result().await;
    assert!(h.screen().contains("Batch created"), "{}", h.screen());
    h.key(crossterm::event::KeyCode::Esc);
    h.runtime.dispatch(Msg::Resize(120, 40));
    h.ctrl('b');
    h.wait_for("the list", |app| {
        list(app).is_some_and(|l| !l.is_loading() && l.selected().is_some())
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("From the TUI"), "{screen}");
    assert!(!screen.contains("HTTP 401"), "{screen}");
}

fn list(app: &App) -> Option<&BatchList> {
    app.stack.iter().rev().find_map(|v| match v {
        View::BatchList(list) => Some(list),
        _ => None,
    })
}

// ---- 17.2: doctor ----

/// With nothing configured: the sandbox, every setting with where it came
/// from, both checks passed with their request IDs, exit 0.
#[test]
fn doctor_on_the_sandbox_passes_and_says_where_each_setting_came_from() {
    let env = Env::new();
    let (code, stdout, stderr) = run(env.cmd().env("WEYA_TIMEZONE", "Asia/Kolkata").arg("doctor"));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("Target       the embedded sandbox"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Asia/Kolkata") && stdout.contains("environment variable WEYA_TIMEZONE"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not set: WEYA_TOKEN, or token in the config file"),
        "{stdout}"
    );
    assert!(stdout.contains("✓ the batch list: HTTP 200"), "{stdout}");
    assert!(stdout.contains("request ID sbx-"), "{stdout}");
    assert!(stdout.contains("✓ the phone list: HTTP 200, 12 phone numbers"));
    assert!(stdout.contains("All that is configured works."), "{stdout}");
}

/// The key alone: the batch list check fails with the status, the request
/// ID and what to set; `doctor` exits 1. Both: it passes, says the key
/// cannot be checked read-only, and exits 0. The settings say where each
/// credential came from (a config file, the environment).
#[tokio::test(flavor = "multi_thread")]
async fn doctor_reports_one_credential_and_both_truthfully() {
    use std::os::unix::fs::PermissionsExt;
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let (code, stdout, _) = run(env.configured(&sandbox, Configured::KeyAlone).arg("doctor"));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("✗ the batch list: HTTP 401 (not authenticated)"),
        "{stdout}"
    );
    assert!(stdout.contains(", request ID sbx-"), "{stdout}");
    assert!(
        stdout.contains("✗ start-calling    page: Bearer                 sends x-api-key ••••"),
        "{stdout}"
    );
    assert!(
        stdout.contains("set WEYA_TOKEN, or token in the config file"),
        "{stdout}"
    );
    assert!(stdout.contains("Problem: the check of the batch list failed"));

    let (code, stdout, _) = run(env
        .configured(&sandbox, Configured::KeyAlone)
        .args(["doctor", "--json"]));
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], false);
    let check = &report["checks"][0];
    assert_eq!(
        (
            check["check"].as_str(),
            check["result"].as_str(),
            check["status"].as_u64()
        ),
        (Some("the batch list"), Some("failed"), Some(401))
    );
    assert!(check["requestId"].as_str().unwrap().starts_with("sbx-"));
    assert!(!stdout.contains(sandbox.key().expose_secret()));

    // The key in a config file, the token in the environment.
    let config = env.file(
        "weya.toml",
        &format!(
            "base_url = \"{}\"\napi_key = \"{}\"\nuser_id = \"{SANDBOX_USER_ID}\"\n",
            sandbox.base_url(),
            sandbox.key().expose_secret()
        ),
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, stdout, stderr) = run(env
        .cmd()
        .env("WEYA_TOKEN", sandbox.token().expose_secret())
        .arg("--config")
        .arg(&config)
        .args(["doctor", "--json"]));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], true, "{report:#}");
    let origin = |name: &str| {
        report["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["setting"] == name)
            .map(|s| s["origin"].as_str().unwrap_or_default().to_owned())
            .unwrap()
    };
    assert_eq!(
        origin("x-api-key"),
        format!("config file {}", config.display())
    );
    assert_eq!(origin("Bearer token"), "environment variable WEYA_TOKEN");
    assert_eq!(origin("refresh"), "default");
    let results: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["passed", "passed", "skipped"], "{report:#}");
    let add_calls = &report["actions"][1];
    assert_eq!(
        (add_calls["action"].as_str(), add_calls["carries"].as_str()),
        (Some("addCallsToBatch"), Some("x-api-key"))
    );
    assert_eq!(report["actions"][2]["carries"], "Bearer token");
    for secret in [
        sandbox.key().expose_secret(),
        sandbox.token().expose_secret(),
    ] {
        assert!(!stdout.contains(secret));
    }
}

// ---- 17.3: a 404 is "no batches" only in Weya's own words ----

/// A stand-in whose batch list answers 404 with `body`.
async fn list_answering_404(body: &'static str) -> String {
    common_stand_in(Router::new().route(
        "/api/call/batches/{user}",
        get(move || async move { (StatusCode::NOT_FOUND, body) }),
    ))
    .await
}

async fn common_stand_in(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn against_url(env: &Env, url: &str) -> Command {
    let mut cmd = env.cmd();
    cmd.env("WEYA_BASE_URL", url)
        .env("WEYA_API_KEY", "sk_test_standin_0000000000")
        .env("WEYA_TOKEN", "tok_test_standin_000000000")
        .env("WEYA_USER_ID", SANDBOX_USER_ID);
    cmd
}

/// A base URL with a wrong path prefix, or a proxy's 404 page, is an
/// error naming the path tried (exit 1), never "No batches.". Weya's own
/// "No batches found" still is an empty list.
#[tokio::test(flavor = "multi_thread")]
async fn a_404_that_is_not_no_batches_found_is_an_error_naming_the_path() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let (code, stdout, stderr) = run(env
        .configured(&sandbox, Configured::Both)
        .env("WEYA_BASE_URL", format!("{}/v2", sandbox.base_url()))
        .arg("batches"));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("No batches"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "HTTP 404 (not found): Route not found for /v2/api/call/batches/{SANDBOX_USER_ID}"
        )),
        "{stderr}"
    );

    let proxy = list_answering_404("<html><title>404 Not Found</title></html>").await;
    let (code, stdout, stderr) = run(against_url(&env, &proxy).args(["batches", "--json"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        json["error"].as_str().unwrap().contains(&format!(
            "404 Not Found for /api/call/batches/{SANDBOX_USER_ID}"
        )),
        "{json}"
    );

    let weya = list_answering_404(
        r#"{"message":"No batches found","status":false,"code":404,"errorMessage":""}"#,
    )
    .await;
    let (code, stdout, stderr) = run(against_url(&env, &weya).arg("batches"));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "No batches.");
}

/// The TUI shows the same error on its list, not an empty workspace.
#[tokio::test]
async fn the_tui_list_shows_a_wrong_path_prefix_as_an_error() {
    let sandbox = Sandbox::start(0).await.unwrap();
    let mut config = sandbox.client_config();
    config.base_url = format!("{}/v2", sandbox.base_url());
    let mut h = Harness::new(config, 120, 40);
    h.runtime.dispatch(Msg::Resize(120, 40));
    h.ctrl('b');
    h.wait_for("the list's answer", |app| {
        list(app).is_some_and(|l| !l.is_loading())
    })
    .await;
    let text = h.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Route not found for /v2/api/call/batches/"),
        "{text}"
    );
    assert!(text.contains("The batches could not be read."), "{text}");
    assert!(!text.contains("No batches yet"), "{text}");
}

// ---- 17.4: the batch list read as tolerantly as batch-details ----

const ODD_PAGE: &str = r#"{"message":"ok","status":true,"code":200,"data":{
 "batches":[
  {"_id":"64e5f12345abcdef00000001","batchName":"Null counts","totalCalls":null,
   "callsPicked":null,"callsCompleted":3,"queue_status":"active","createdAt":"2026-01-15T09:00:00.000Z"},
  {"_id":"64e5f12345abcdef00000002","totalCalls":7,"callsPicked":"2","callsCompleted":1,
   "queue_status":null},
  "not a batch"
 ],
 "pagination":{"total":2,"page":1,"limit":20}}}"#;

/// One null count, a batch without a name, a pagination without
/// `totalPages`: the page is shown, each missing field as unknown.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_list_with_odd_fields_is_shown_with_the_unknowns_marked() {
    let env = Env::new();
    let url = common_stand_in(Router::new().route(
        "/api/call/batches/{user}",
        get(|| async { ([("content-type", "application/json")], ODD_PAGE) }),
    ))
    .await;
    let (code, stdout, stderr) = run(against_url(&env, &url).arg("batches"));
    assert_eq!(code, Some(0), "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert!(
        rows[1].starts_with("64e5f12345abcdef00000001  Null counts"),
        "{stdout}"
    );
    // PICKED and TOTAL unknown, COMPLETED 3.
    assert!(rows[1].contains("?          3        ?"), "{stdout}");
    assert!(rows[2].contains("  ?  "), "the nameless batch: {stdout}");
    assert!(stdout.contains("page 1 of 1 (2 batches)"), "{stdout}");

    let (code, stdout, _) = run(against_url(&env, &url).args(["batches", "--json"]));
    assert_eq!(code, Some(0));
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["batches"][0]["totalCalls"], Value::Null);
    assert_eq!(json["batches"][1]["callsPicked"], 2);
    assert_eq!(json["pagination"]["totalPages"], 1);

    // The TUI's list shows both rows.
    let config = weya_tui::api::ClientConfig {
        user_id: Some(SANDBOX_USER_ID.to_owned()),
        ..weya_tui::api::ClientConfig::new(
            url,
            Auth::Bearer(secrecy::SecretString::from("tok_standin")),
        )
    };
    let mut h = Harness::new(config, 120, 40);
    h.runtime.dispatch(Msg::Resize(120, 40));
    h.ctrl('b');
    h.wait_for("the list", |app| list(app).is_some_and(|l| !l.is_loading()))
        .await;
    let screen = h.screen();
    assert!(screen.contains("Null counts"), "{screen}");
    assert!(screen.contains("3/?"), "{screen}");
    assert!(!screen.contains("expected JSON"), "{screen}");
}

// ---- 16.12 to 16.14: the config file and the base URL ----

/// `--config` names a character device, a FIFO or a directory: refused at
/// once with what it is, never read (a FIFO would wait for a writer,
/// `/dev/zero` would never end).
#[test]
fn a_config_that_is_no_regular_file_is_refused_at_once() {
    let env = Env::new();
    let fifo = env.path("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let dir = env.path("a-directory");
    std::fs::create_dir(&dir).unwrap();
    for (path, says) in [
        (Path::new("/dev/zero"), "is a device, not a regular file"),
        (fifo.as_path(), "is a named pipe (FIFO), not a regular file"),
        (dir.as_path(), "is a directory, not a regular file"),
    ] {
        let started = Instant::now();
        let mut child = env
            .cmd()
            .arg("--config")
            .arg(path)
            .arg("batches")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if started.elapsed() > common::PATIENCE {
                child.kill().unwrap();
                panic!("{} hangs", path.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code, Some(2), "{}: {stderr}", path.display());
        assert!(
            stderr.contains(&format!("the config file {} {says}", path.display())),
            "{stderr}"
        );
    }
}

/// A user name or password in the base URL is refused before anything is
/// sent or logged, and the message never shows the password.
#[test]
fn a_password_in_the_base_url_is_refused_and_never_shown() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let batch = env.file("batch.json", BATCH);
    let from_file = env.file(
        "weya.toml",
        "base_url = \"https://ops:hunter2-secret@api.example.com/\"\ntoken = \"t\"\n",
    );
    std::fs::set_permissions(&from_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let runs: Vec<(Command, &str)> = vec![
        (
            {
                let mut cmd = env.cmd();
                cmd.env("WEYA_BASE_URL", "http://ops:hunter2-secret@127.0.0.1:9")
                    .env("WEYA_API_KEY", "k")
                    .arg("batches");
                cmd
            },
            "WEYA_BASE_URL (environment variable) is \"http://127.0.0.1:9/\" with a user name \
             or password (not shown)",
        ),
        (
            {
                let mut cmd = env.cmd();
                cmd.env("WEYA_BASE_URL", "http://ops:hunter2-secret@127.0.0.1:9")
                    .env("WEYA_API_KEY", "k")
                    .args(["create", "--dry-run", "--file"])
                    .arg(&batch);
                cmd
            },
            "with a user name or password (not shown)",
        ),
        (
            {
                let mut cmd = env.cmd();
                cmd.arg("--config").arg(&from_file).arg("phones");
                cmd
            },
            "base_url (config file",
        ),
        (
            {
                // The TUI's start: refused before any terminal is needed.
                let mut cmd = env.cmd();
                cmd.env("WEYA_BASE_URL", "http://ops:hunter2-secret@127.0.0.1:9")
                    .env("WEYA_TOKEN", "t");
                cmd
            },
            "with a user name or password (not shown)",
        ),
    ];
    for (mut cmd, says) in runs {
        let (code, stdout, stderr) = run(&mut cmd);
        assert_eq!(code, Some(2), "{stdout}{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            !format!("{stdout}{stderr}").contains("hunter2"),
            "{stdout}{stderr}"
        );
    }
    // Nor is it in the log.
    let log = env.path("state/weya-tui/weya-tui.log");
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!logged.contains("hunter2"), "{logged}");
}

/// As ssh refuses its config: a config directory others can write, and a
/// config file another user owns (even holding no credential), are
/// refused with the command that fixes it.
#[tokio::test(flavor = "multi_thread")]
async fn a_config_others_can_change_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let dir = env.path("shared");
    std::fs::create_dir(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "base_url = \"{}\"\nuser_id = \"{SANDBOX_USER_ID}\"\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let phones = || {
        run(env
            .cmd()
            .env("WEYA_TOKEN", sandbox.token().expose_secret())
            .arg("--config")
            .arg(&config)
            .arg("phones"))
    };
    let (code, _, stderr) = phones();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "other users can change the directory {}, and so replace the config file {}; \
             fix it with: chmod go-w '{}'",
            dir.display(),
            config.display(),
            dir.display()
        )),
        "{stderr}"
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, _, stderr) = phones();
    assert_eq!(code, Some(0), "{stderr}");

    // Owned by another user: only root can arrange it; elsewhere this part
    // has nothing to try.
    if std::os::unix::fs::chown(&config, Some(4242), None).is_ok() {
        let (code, _, stderr) = phones();
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "the config file {} belongs to another user (uid 4242)",
                config.display()
            )) && stderr.contains("chown"),
            "{stderr}"
        );
    }
}

/// The client holds both credentials from a `Credentials` value and sends
/// each where its page says; a configuration made of one `Auth` still
/// works as before (for tests and the sandbox).
#[test]
fn credentials_are_built_from_either_form() {
    let both = Credentials::default()
        .with(
            AuthMode::ApiKey,
            Credential::new(secrecy::SecretString::from("k"), "here"),
        )
        .with(
            AuthMode::Bearer,
            Credential::new(secrecy::SecretString::from("t"), "there"),
        );
    assert_eq!(both.modes(), [AuthMode::ApiKey, AuthMode::Bearer]);
    let one: Credentials = Auth::Bearer(secrecy::SecretString::from("t")).into();
    assert_eq!(one.modes(), [AuthMode::Bearer]);
}
