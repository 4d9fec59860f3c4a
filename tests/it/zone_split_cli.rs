//! `weya-tui batch import ID FILE --split-by-zone` (issue 19, item 6's
//! remedy) as an operator runs it: the built binary against the sandbox,
//! directly or through a stand-in for Weya that refuses a create or
//! loses its answer, and the same command run again.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use weya_tui::sandbox::Sandbox;

use crate::common::cli::{Env, run};

/// Contacts in New York (2), Los Angeles (1) and London (2).
const CONTACTS: &[u8] = b"phone,name\n\
    +12125550100,Ann in New York\n+12125550101,Bob in New York\n\
    +13105550100,Cat in Los Angeles\n+442071838750,Dan in London\n+442079460958,Eve in London\n";

/// 09:00–18:00 New York: 06:00–15:00 in Los Angeles and 22:00 or 23:00
/// in London whatever the date, so both are flagged all year.
const BATCH: &[u8] =
    br#"{"batchName":"June renewals","callingNumbers":["64e5f12345abcdef87654321"],
    "retry":2,"delay":600,"timezone":"America/New_York",
    "callingHour":{"start":"09:00","end":"18:00"},"allowedDays":[1,2,3,4,5]}"#;

const LONDON: &str = "June renewals · Europe/London";
const LOS_ANGELES: &str = "June renewals · America/Los_Angeles";

fn import(env: &Env, url: &str, sandbox: &Sandbox, batch: &str, file: &Path) -> Command {
    let mut cmd = env.against_url(url, sandbox.key().expose_secret());
    cmd.env("WEYA_TOKEN", sandbox.token().expose_secret());
    cmd.args(["batch", "import", batch]).arg(file).args([
        "--allow-countries",
        "GB",
        "--split-by-zone",
    ]);
    cmd
}

/// The original batch, created from this machine (so its window is known).
fn original(env: &Env, url: &str, sandbox: &Sandbox) -> String {
    let file = env.file("batch.json", BATCH);
    let (code, stdout, stderr) = run(env
        .against_url(url, sandbox.key().expose_secret())
        .env("WEYA_TOKEN", sandbox.token().expose_secret())
        .args(["create", "--yes", "--file"])
        .arg(&file));
    assert_eq!(code, Some(0), "{stderr}");
    stdout.trim().rsplit(' ').next().unwrap().to_owned()
}

/// The batches named `name`, with their numbers, sorted.
fn named(sandbox: &Sandbox, name: &str) -> Vec<(Value, Vec<String>)> {
    sandbox
        .store()
        .batches()
        .into_iter()
        .filter(|b| b.name == name)
        .map(|b| {
            let mut numbers: Vec<String> = b.calls.iter().map(|c| c.phone_number.clone()).collect();
            numbers.sort();
            (b.body, numbers)
        })
        .collect()
}

fn numbers_in(sandbox: &Sandbox, id: &str) -> Vec<String> {
    let mut numbers: Vec<String> = sandbox
        .store()
        .batch(id)
        .unwrap()
        .calls
        .iter()
        .map(|c| c.phone_number.clone())
        .collect();
    numbers.sort();
    numbers
}

/// What an operator is shown and sent: the dry run's review of each new
/// batch sends nothing; the run creates them with the window in their own
/// time and imports each group into its batch, the rest into the
/// original; the same command again sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_split_shows_every_batch_then_creates_and_fills_them_once() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let url = sandbox.base_url();
    let batch = original(&env, &url, &sandbox);
    let file = env.file("contacts.csv", CONTACTS);
    let batches_before = sandbox.store().batches().len();

    let (code, stdout, stderr) = run(import(&env, &url, &sandbox, &batch, &file).arg("--dry-run"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    for line in [
        "Split by time zone (09:00–18:00 New York on ",
        "2 new batches for 3 contacts; 2 stay in batch",
        "Batch 1 of 2: 2 contacts in Europe/London, called 09:00–18:00 Europe/London",
        "Batch 2 of 2: 1 contact in America/Los_Angeles, called 09:00–18:00 America/Los_Angeles",
        "  Batch name   June renewals · Europe/London",
        "  \"timezone\": \"Europe/London\",",
        "  \"callingHour\": {\"start\":\"09:00\",\"end\":\"18:00\"},",
        "    2 in America/New_York: inside 08:00–21:00",
        "Dry run: nothing was sent.",
    ] {
        assert!(stdout.contains(line), "{line:?} not in:\n{stdout}");
    }
    let (code, stdout, stderr) =
        run(import(&env, &url, &sandbox, &batch, &file).args(["--dry-run", "--json"]));
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let moved = report["split"]["moved"].as_array().unwrap();
    assert_eq!(
        moved
            .iter()
            .map(|m| (m["zone"].clone(), m["count"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("Europe/London"), json!(2)),
            (json!("America/Los_Angeles"), json!(1))
        ]
    );
    assert_eq!(
        moved[0]["body"],
        json!({"batchName": LONDON, "callingNumbers": ["64e5f12345abcdef87654321"],
               "retry": 2, "delay": 600, "timezone": "Europe/London",
               "callingHour": {"start": "09:00", "end": "18:00"}, "allowedDays": [1,2,3,4,5]})
    );
    assert_eq!(report["split"]["stayingContacts"], 2);
    assert_eq!(
        sandbox.store().batches().len(),
        batches_before,
        "a dry run creates nothing"
    );
    assert!(
        numbers_in(&sandbox, &batch).is_empty(),
        "and imports nothing"
    );

    let (code, stdout, stderr) = run(import(&env, &url, &sandbox, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Split done: 2 batches created for 3 contacts; 2 stay"),
        "{stdout}"
    );
    let london = named(&sandbox, LONDON);
    assert_eq!(london.len(), 1);
    assert_eq!(london[0].0["timezone"], "Europe/London");
    assert_eq!(london[0].1, ["442071838750", "442079460958"]);
    let los_angeles = named(&sandbox, LOS_ANGELES);
    assert_eq!(los_angeles.len(), 1);
    assert_eq!(los_angeles[0].1, ["13105550100"]);
    assert_eq!(numbers_in(&sandbox, &batch), ["12125550100", "12125550101"]);

    // The new batches' windows are known here: their check flags nobody.
    let (code, stdout, _) = run(env.against(&sandbox).args(["batch", "view", "--json"]).arg(
        sandbox
            .store()
            .batches()
            .iter()
            .find(|b| b.name == LONDON)
            .map(|b| b.id.clone())
            .unwrap(),
    ));
    assert_eq!(code, Some(0));
    let view: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(view["localTime"][0]["outsideHours"], false, "{view}");

    // Again: nothing is created or sent twice.
    let creates = sandbox.store().create_requests();
    let (code, stdout, stderr) = run(import(&env, &url, &sandbox, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("created by an earlier run"), "{stdout}");
    assert_eq!(sandbox.store().create_requests(), creates);
    assert_eq!(named(&sandbox, LONDON)[0].1.len(), 2);
    assert_eq!(numbers_in(&sandbox, &batch).len(), 2);
}

/// When the contacts cannot be split, it says why and exits 2 before
/// anything is sent: a batch not created here (its window is not known),
/// and one whose contacts are all inside the hours.
#[tokio::test(flavor = "multi_thread")]
async fn a_split_that_cannot_be_made_exits_2_and_sends_nothing() {
    let (env, sandbox) = (Env::new(), Sandbox::start(0).await.unwrap());
    let url = sandbox.base_url();
    let file = env.file("contacts.csv", CONTACTS);
    let elsewhere = sandbox.store().insert(
        "Made elsewhere".into(),
        json!({"batchName": "Made elsewhere", "callingNumbers": ["64e5f12345abcdef87654321"],
               "timezone": "America/New_York"}),
    );
    let creates = sandbox.store().create_requests();
    let (code, _, stderr) =
        run(import(&env, &url, &sandbox, &elsewhere, &file).args(["--region", "US", "--yes"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot split by time zone: the batch's calling window is not known"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");

    let batch = original(&env, &url, &sandbox);
    let creates = creates + 1;
    let new_york = env.file("ny.csv", b"phone\n+12125550100\n+12125550101\n");
    let (code, _, stderr) = run(import(&env, &url, &sandbox, &batch, &new_york).arg("--yes"));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("there is nothing to split"), "{stderr}");
    assert_eq!(sandbox.store().create_requests(), creates);
    assert!(numbers_in(&sandbox, &batch).is_empty());
    assert!(numbers_in(&sandbox, &elsewhere).is_empty());
}

/// What the stand-in does with the `n`th createBatch (from 1).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Create {
    Forward,
    /// Not forwarded: a 400.
    Refuse,
    /// Forwarded (the batch is stored), then a proxy's 502 instead of
    /// the answer: whether it was made is unknown to the sender.
    LoseAnswer,
}

/// A stand-in for Weya in front of the sandbox that treats each
/// createBatch as `script` says, counting those it forwards.
struct Standin {
    url: String,
    forwarded: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct StandinState {
    sandbox: Arc<Sandbox>,
    http: reqwest::Client,
    creates: Arc<AtomicUsize>,
    forwarded: Arc<AtomicUsize>,
    script: Arc<dyn Fn(usize) -> Create + Send + Sync>,
}

impl Standin {
    async fn start(
        sandbox: Arc<Sandbox>,
        script: impl Fn(usize) -> Create + Send + Sync + 'static,
    ) -> Self {
        let forwarded = Arc::new(AtomicUsize::new(0));
        let state = StandinState {
            sandbox,
            http: reqwest::Client::new(),
            creates: Arc::new(AtomicUsize::new(0)),
            forwarded: Arc::clone(&forwarded),
            script: Arc::new(script),
        };
        let router = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, forwarded }
    }
}

async fn forward(
    axum::extract::State(state): axum::extract::State<StandinState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let mut step = Create::Forward;
    if parts.uri.path() == "/api/call/createBatch" {
        let n = state.creates.fetch_add(1, Ordering::SeqCst) + 1;
        step = (state.script)(n);
        if step != Create::Refuse {
            state.forwarded.fetch_add(1, Ordering::SeqCst);
        }
    }
    if step == Create::Refuse {
        let envelope = json!({"message": "Refused on purpose", "status": false, "code": 400,
            "errorMessage": "callingNumbers: refused on purpose"});
        return (
            axum::http::StatusCode::BAD_REQUEST,
            [
                ("x-request-id", "req-refused"),
                ("content-type", "application/json"),
            ],
            envelope.to_string(),
        )
            .into_response();
    }
    let url = format!("{}{}", state.sandbox.base_url(), parts.uri);
    let mut outgoing = state.http.request(parts.method.clone(), url).body(body);
    for name in ["x-api-key", "authorization", "content-type"] {
        if let Some(value) = parts.headers.get(name) {
            outgoing = outgoing.header(name, value.clone());
        }
    }
    let answer = outgoing.send().await.unwrap();
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let bytes = answer.bytes().await.unwrap();
    if step == Create::LoseAnswer {
        return (
            axum::http::StatusCode::BAD_GATEWAY,
            [("content-type", "text/html")],
            "<html><body>502 Bad Gateway</body></html>",
        )
            .into_response();
    }
    let mut response = (status, bytes).into_response();
    if let Some(value) = content_type {
        response.headers_mut().insert("content-type", value);
    }
    response
}

/// The second create is refused: the split stops before any contact
/// moves, says which batch exists and that nothing was imported; the same
/// command again creates only the missing batch and imports every group
/// once.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_create_midway_stops_the_split_and_a_retry_sends_nothing_twice() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let file = env.file("contacts.csv", CONTACTS);
    let refuse_second = Arc::new(AtomicUsize::new(1));
    let once = Arc::clone(&refuse_second);
    // The first create is the original batch's; the split's are the next.
    let standin = Standin::start(Arc::clone(&sandbox), move |n| {
        if n == 3 && once.swap(0, Ordering::SeqCst) == 1 {
            Create::Refuse
        } else {
            Create::Forward
        }
    })
    .await;
    let batch = original(&env, &standin.url, &sandbox);

    let (code, stdout, stderr) =
        run(import(&env, &standin.url, &sandbox, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the split stopped at batch 2 of 2 (America/Los_Angeles)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Created so far: Europe/London is batch "),
        "{stderr}"
    );
    assert!(
        stderr.contains("No contact of this file was imported yet"),
        "{stderr}"
    );
    assert!(stderr.contains("(request ID req-refused)"), "{stderr}");
    assert_eq!(named(&sandbox, LONDON).len(), 1);
    assert!(named(&sandbox, LONDON)[0].1.is_empty());
    assert!(named(&sandbox, LOS_ANGELES).is_empty());
    assert!(numbers_in(&sandbox, &batch).is_empty());

    let (code, stdout, stderr) =
        run(import(&env, &standin.url, &sandbox, &batch, &file).arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        standin.forwarded.load(Ordering::SeqCst),
        3,
        "the original, London once, Los Angeles once"
    );
    assert_eq!(
        named(&sandbox, LONDON).len(),
        1,
        "London is not created twice"
    );
    assert_eq!(
        named(&sandbox, LONDON)[0].1,
        ["442071838750", "442079460958"]
    );
    assert_eq!(named(&sandbox, LOS_ANGELES)[0].1, ["13105550100"]);
    assert_eq!(numbers_in(&sandbox, &batch), ["12125550100", "12125550101"]);
}

/// The second create's answer is lost after Weya stored the batch: the
/// split looks for it in Weya's list instead of sending it again, finds
/// it, and goes on.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_is_looked_for_in_the_list_not_sent_again() {
    let env = Env::new();
    let sandbox = Arc::new(Sandbox::start(0).await.unwrap());
    let file = env.file("contacts.csv", CONTACTS);
    let standin = Standin::start(Arc::clone(&sandbox), |n| {
        if n == 3 {
            Create::LoseAnswer
        } else {
            Create::Forward
        }
    })
    .await;
    let batch = original(&env, &standin.url, &sandbox);
    let (code, stdout, stderr) = run(import(&env, &standin.url, &sandbox, &batch, &file)
        .env("WEYA_LOST_ANSWER_SECS", "1")
        .arg("--yes"));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("Weya's batch list shows batch"), "{stderr}");
    assert_eq!(
        standin.forwarded.load(Ordering::SeqCst),
        3,
        "nothing sent twice"
    );
    assert_eq!(named(&sandbox, LOS_ANGELES).len(), 1);
    assert_eq!(named(&sandbox, LOS_ANGELES)[0].1, ["13105550100"]);
}
