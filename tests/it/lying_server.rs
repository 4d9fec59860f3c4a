//! A batch-details that lies: a total no batch has, pages that repeat,
//! pages too large to read. A walk of the calls (`batch export`, `batch
//! view`, the details' count) must end, say why, and count nothing twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Query, State};
use axum::routing::get;
use serde_json::{Value, json};

use crate::common::cli::{Env, run};

const KEY: &str = "sk_test_liar_000000000000";
const BATCH: &str = "5f0c0ffee0ddba11c0ffee07";
const OTHER: &str = "5f0c0ffee0ddba11c0ffee99";

#[derive(Clone, Copy)]
enum Lie {
    /// `total` 10^12 and as many pages, the same calls on each.
    Endless,
    /// Every page answers the first page's calls.
    Repeats,
    /// 120 calls whose transcripts make a page of 100 larger than the
    /// client reads (1 MiB); a page of 50 is not.
    Fat,
    /// The first look fails with a proxy's 502 page; then the batch is
    /// completed.
    Blip,
    /// 250 calls in 3 pages, but page 2 answers calls 200–249 and page 3
    /// none: 100 calls are never handed out, the total never changes.
    Skips,
    /// A running batch whose details answer, while the batch list always
    /// fails with a proxy's 502 page.
    ListDown,
    /// 60,000 calls, every page full: more than a sort keeps.
    Huge,
    /// Answers for another batch ([`OTHER`]) whatever batch is asked for.
    OtherBatch,
    /// 12 calls; the 7th's transcript alone is larger than the client
    /// reads (1 MiB).
    OneFat,
}

struct Liar {
    lie: Lie,
    requests: AtomicUsize,
    list_requests: AtomicUsize,
    /// The numbers addCallsToBatch was sent.
    added: std::sync::Mutex<Vec<String>>,
}

fn call(i: u64, transcript: usize) -> Value {
    json!({
        "_id": format!("{:024x}", 0xa000 + i),
        "phoneNumber": format!("1212555{:04}", i),
        "phoneLogs": [{"callStatus": "completed", "callDuration": 30,
                       "transcript": "x".repeat(transcript),
                       "createdAt": "2026-01-15T14:00:00.000Z"}],
        "createdAt": "2026-01-15T13:00:00.000Z"
    })
}

async fn details(
    State(liar): State<Arc<Liar>>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let n = liar.requests.fetch_add(1, Ordering::SeqCst);
    if matches!(liar.lie, Lie::Blip) && n == 0 {
        return (
            axum::http::StatusCode::BAD_GATEWAY,
            axum::response::Html("<html><body>502 Bad Gateway</body></html>"),
        )
            .into_response();
    }
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let limit: u64 = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(10);
    let (total, calls): (u64, Vec<Value>) =
        match liar.lie {
            Lie::Endless => (1_000_000_000_000, (0..limit).map(|i| call(i, 10)).collect()),
            Lie::Repeats => (250, (0..limit).map(|i| call(i, 10)).collect()),
            Lie::Fat => {
                let from = (page - 1) * limit;
                (
                    120,
                    (from..(from + limit).min(120))
                        .map(|i| call(i, 15_000))
                        .collect(),
                )
            }
            Lie::Blip => (1, vec![call(0, 10)]),
            Lie::OtherBatch => {
                return axum::Json(json!({"message": "ok", "status": true, "code": 200, "data": {
                "batchId": OTHER, "batchName": "Someone else's", "batchStatus": "completed",
                "page": 1, "limit": limit, "total": 1, "totalPages": 1, "data": [call(0, 10)]
            }}))
                .into_response();
            }
            Lie::OneFat => {
                let from = (page - 1) * limit;
                (
                    12,
                    (from..(from + limit).min(12))
                        .map(|i| call(i, if i == 6 { 1_100_000 } else { 10 }))
                        .collect(),
                )
            }
            Lie::Huge => {
                let from = (page - 1) * limit;
                (
                    60_000,
                    (from..(from + limit).min(60_000))
                        .map(|i| call(i, 10))
                        .collect(),
                )
            }
            Lie::ListDown => {
                return axum::Json(json!({"message": "ok", "status": true, "code": 200, "data": {
                "batchId": BATCH, "batchName": "Liar", "batchStatus": "running",
                "page": 1, "limit": limit, "total": 1, "totalPages": 1, "data": [call(0, 10)]
            }}))
            .into_response();
            }
            Lie::Skips => {
                let from = match page {
                    1 => 0,
                    2 => 200,
                    _ => 250,
                };
                (
                    250,
                    (from..(from + limit).min(250))
                        .map(|i| call(i, 10))
                        .collect(),
                )
            }
        };
    axum::Json(
        json!({"message": "ok", "status": true, "code": 200, "data": {
            "batchId": BATCH, "batchName": "Liar", "batchStatus": "completed",
            "page": page, "limit": limit, "total": total,
            "totalPages": total.div_ceil(limit), "data": calls
        }}),
    )
    .into_response()
}

/// The batch list: down for [`Lie::ListDown`], counted in `list_requests`;
/// else no batches.
async fn list(State(liar): State<Arc<Liar>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if matches!(liar.lie, Lie::ListDown) {
        liar.list_requests.fetch_add(1, Ordering::SeqCst);
        return (
            axum::http::StatusCode::BAD_GATEWAY,
            axum::response::Html("<html><body>502 Bad Gateway</body></html>"),
        )
            .into_response();
    }
    (
        axum::http::StatusCode::NOT_FOUND,
        axum::Json(json!({"status": false, "message": "No batches found"})),
    )
        .into_response()
}

/// addCallsToBatch: every row added, its number kept in `added`.
async fn add(
    State(liar): State<Arc<Liar>>,
    axum::Json(body): axum::Json<Value>,
) -> axum::Json<Value> {
    let rows = body["call_data"].as_array().cloned().unwrap_or_default();
    let mut added = liar.added.lock().unwrap();
    let ids: Vec<String> = rows
        .iter()
        .map(|row| {
            added.push(row["phoneNumber"].as_str().unwrap_or_default().to_owned());
            format!("{:024x}", 0xb000 + added.len())
        })
        .collect();
    axum::Json(json!({"message": "ok", "status": true, "code": 200,
                      "data": {"added": rows.len(), "callIds": ids}}))
}

async fn serve(lie: Lie) -> (String, Arc<Liar>) {
    let liar = Arc::new(Liar {
        lie,
        requests: AtomicUsize::new(0),
        list_requests: AtomicUsize::new(0),
        added: std::sync::Mutex::new(Vec::new()),
    });
    let router = axum::Router::new()
        .route("/api/call/batch-details/{id}", get(details))
        .route("/api/call/batches/{user}", get(list))
        .route("/api/call/addCallsToBatch", axum::routing::post(add))
        .with_state(Arc::clone(&liar));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, liar)
}

/// QA: a total of 10^12 made the walk run until killed. It is refused at
/// the first page, nothing written.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_claiming_a_trillion_calls_is_not_walked() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Endless).await;
    let out = env.path("out.csv");
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--output"])
        .arg(&out));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("says it holds 1000000000000 calls, more than weya-tui reads"),
        "{stderr}"
    );
    assert_eq!(liar.requests.load(Ordering::SeqCst), 1);
    assert!(!out.exists(), "no file claims to be the batch");
}

/// QA: pages that repeat were counted as more calls. The walk stops at the
/// first repeated page and says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_repeats_an_earlier_one_stops_the_count() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Repeats).await;
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--output"])
        .arg(env.path("out.csv")));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("page 2 repeats the calls of an earlier page"),
        "{stderr}"
    );
    assert_eq!(liar.requests.load(Ordering::SeqCst), 2);
}

/// QA: long transcripts made a page of 100 calls larger than the client
/// reads, and the export failed. The same calls are read in smaller
/// pages, every one once.
#[tokio::test(flavor = "multi_thread")]
async fn pages_too_large_to_read_are_read_again_smaller() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Fat).await;
    let (code, stdout, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--format", "jsonl"]));
    assert_eq!(code, Some(0), "{stderr}");
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["callId"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 120, "{stderr}");
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 120, "every call once");
    // Page 1 of 100 refused, then pages of 50: 50 + 50 + 20.
    assert_eq!(liar.requests.load(Ordering::SeqCst), 4);
}

/// QA: `batch watch` gave up on one failed look, so a proxy's blip read
/// as a failed campaign in cron. It asks again, says so, and exits 0 when
/// the batch has completed.
#[tokio::test(flavor = "multi_thread")]
async fn watch_asks_again_after_a_blip_and_exits_0_when_completed() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Blip).await;
    let (code, stdout, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "watch", BATCH, "--every", "1"]));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("could not ask Weya (HTTP 502"), "{stderr}");
    assert!(
        stderr.contains("asking again in 1 s (1 of 5 failed looks in a row before giving up)"),
        "{stderr}"
    );
    assert!(liar.requests.load(Ordering::SeqCst) >= 2);
}

/// QA: pages that ended short of the total the batch kept saying (250
/// calls; page 2 answered calls 200–249, page 3 none) were an export
/// that exited 0 with 150 rows, and outcomes counted over 150 calls. The
/// walk failed: the export exits 1 without putting the file in place,
/// and `batch view` says the outcomes were not counted, and why.
#[tokio::test(flavor = "multi_thread")]
async fn pages_that_end_short_of_an_unchanged_total_are_an_incomplete_walk() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Skips).await;
    let out = env.path("out.csv");
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--output"])
        .arg(&out));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the pages ended after 150 of the 250 calls the batch says it holds"),
        "{stderr}"
    );
    assert!(stderr.contains("100 calls were not read"), "{stderr}");
    assert!(!stderr.contains("changed while it was read"), "{stderr}");
    assert!(!out.exists(), "no file claims to be the batch");
    assert_eq!(liar.requests.load(Ordering::SeqCst), 2);

    let (code, stdout, stderr) = run(env.against_url(&url, KEY).args(["batch", "view", BATCH]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("Outcomes  not counted: the pages ended after 150 of the 250 calls"),
        "{stdout}"
    );
    let (_, stdout, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "view", BATCH, "--json"]));
    let view: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(view["outcomes"], Value::Null, "{stdout}");
    assert!(
        view["outcomesUnknown"]
            .as_str()
            .is_some_and(|s| s.contains("100 calls were not read")),
        "{stdout}"
    );
}

/// QA: with the batch's details answering and the batch list always
/// failing, `batch watch` asked the list 87 times in 90 s, said nothing
/// and never ended. A failed list is a failed look: said on stderr, the
/// wait doubling (1, 2, 4, 8 s), and the fifth in a row ends the watch
/// with exit 1, no sixth request after "5 of 5".
#[tokio::test(flavor = "multi_thread")]
async fn watch_counts_a_failing_batch_list_and_gives_up_after_five() {
    let env = Env::new();
    let (url, liar) = serve(Lie::ListDown).await;
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "watch", BATCH, "--every", "1"]));
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    for (n, wait) in [(1, 1), (2, 2), (3, 4), (4, 8)] {
        assert!(
            stderr.contains("could not read the batch list for the batch's progress (HTTP 502")
                && stderr.contains(&format!(
                    "asking again in {wait} s ({n} of 5 failed looks in a row before giving up)"
                )),
            "{n}: {stderr}"
        );
    }
    assert!(
        stderr.contains("5 of 5 failed looks in a row: giving up"),
        "{stderr}"
    );
    assert_eq!(liar.list_requests.load(Ordering::SeqCst), 5, "{stderr}");
    assert_eq!(liar.requests.load(Ordering::SeqCst), 5, "{stderr}");
    // The waits were taken: 1 + 2 + 4 + 8 s.
    assert!(started.elapsed() >= std::time::Duration::from_secs(15));
}

/// QA: the 50,000-call cap of a sort was applied after reading every page
/// (600 requests, 79 MB, 28 s, then exit 2). The first page's total is
/// checked against it: one request, exit 2, and advice that fits the
/// filter (sorting by created does not find the calls not called yet).
#[tokio::test(flavor = "multi_thread")]
async fn a_sort_past_the_cap_is_refused_at_the_first_page() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Huge).await;
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "calls", BATCH, "--sort", "duration"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the batch holds 60,000 calls, more than weya-tui reads to sort (50,000)"),
        "{stderr}"
    );
    assert!(stderr.contains("sort by created"), "{stderr}");
    assert_eq!(liar.requests.load(Ordering::SeqCst), 1);

    let (code, _, stderr) = run(env.against_url(&url, KEY).args([
        "batch",
        "calls",
        BATCH,
        "--status",
        "not-called-yet",
    ]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("more than weya-tui reads to find the calls not called yet (50,000)"),
        "{stderr}"
    );
    assert!(stderr.contains("rows with attempts 0"), "{stderr}");
    assert!(!stderr.contains("sort by created"), "{stderr}");
    assert_eq!(liar.requests.load(Ordering::SeqCst), 2);
}

/// QA: one call with a transcript over 1 MiB made the batch unviewable and
/// unexportable ("the answer was larger than 1048576 bytes"). Pages fall
/// back to smaller ones down to a page of 1; the call that is too large
/// even alone is skipped, named by its position, and said loudly: the
/// export exits 1 and puts no file in place (it is not the batch) unless
/// --allow-unreadable asks for every other call; the view counts the
/// others and says which one it did not.
#[tokio::test(flavor = "multi_thread")]
async fn a_call_too_large_to_read_alone_is_skipped_named_and_said() {
    let env = Env::new();
    let (url, _liar) = serve(Lie::OneFat).await;
    let out = env.path("out.jsonl");
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--format", "jsonl", "--output"])
        .arg(&out));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("NOT EXPORTED: call 7 (by position, oldest first)"),
        "{stderr}"
    );
    // Not the whole batch: no file, as for any export that stops short.
    assert!(
        stderr.contains("was not written (--allow-unreadable writes the 11 other rows)"),
        "{stderr}"
    );
    assert!(!out.exists(), "no file claims to be the batch");

    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args([
            "batch",
            "export",
            BATCH,
            "--format",
            "jsonl",
            "--allow-unreadable",
            "--output",
        ])
        .arg(&out));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("NOT EXPORTED: call 7 (by position, oldest first)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the 11 rows written are every other call"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    let ids: Vec<String> = written
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["callId"].to_string())
        .collect();
    assert_eq!(ids.len(), 11, "{written}");
    assert!(
        !ids.iter()
            .any(|id| id.contains(&format!("{:024x}", 0xa000 + 6)))
    );

    let (code, stdout, stderr) = run(env.against_url(&url, KEY).args(["batch", "view", BATCH]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("(11 of 12 calls,"), "{stdout}");
    assert!(
        stdout.contains("NOT COUNTED: call 7 (by position"),
        "{stdout}"
    );
    assert!(!stdout.contains("changed while"), "{stdout}");
}

/// QA: the import's look for numbers already in the batch read pages 1–3
/// of a server whose every page answers calls 0–99 (total 250): 300 rows,
/// so the count looked whole, and call 150's number was sent again with
/// no warning. It reads with the walk's guards: the repeated page stops
/// it, and the import says the comparison was not whole.
#[tokio::test(flavor = "multi_thread")]
async fn the_import_says_its_look_at_repeated_pages_was_not_whole() {
    let env = Env::new();
    let (url, liar) = serve(Lie::Repeats).await;
    let file = env.path("more.csv");
    // Call 5 (on the first page) and call 150 (never read).
    std::fs::write(&file, "phone\n+12125550005\n+12125550150\n+12125559999\n").unwrap();
    let (code, stdout, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "import", BATCH, "--yes", "--region", "US"])
        .arg(&file));
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the batch's pages gave 100 of its 250 calls (page 2 repeats the calls of an earlier page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rows whose number is among the others are not left out"),
        "{stderr}"
    );
    assert!(
        stdout.contains("1 number already in the batch is left out"),
        "{stdout}"
    );
    let added = liar.added.lock().unwrap().clone();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(!added.iter().any(|n| n.ends_with("5550005")), "{added:?}");
}

/// QA: `batch view ID2` answered with `batchId: ID1` printed ID1's calls as
/// ID2's, and `batch export ID2` wrote them. The client refuses an answer
/// for another batch: the view fails, the export writes no file.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_for_another_batch_is_refused() {
    let env = Env::new();
    let (url, _liar) = serve(Lie::OtherBatch).await;
    let said = format!("Weya answered for batch {OTHER} when asked for {BATCH}");
    let (code, stdout, stderr) = run(env.against_url(&url, KEY).args(["batch", "view", BATCH]));
    assert_ne!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains(&said), "{stderr}");
    assert!(!stdout.contains("Someone else's"), "{stdout}");

    let out = env.path("out.csv");
    let (code, _, stderr) = run(env
        .against_url(&url, KEY)
        .args(["batch", "export", BATCH, "--output"])
        .arg(&out));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&said), "{stderr}");
    assert!(!out.exists(), "no file holds another batch's calls");
}
