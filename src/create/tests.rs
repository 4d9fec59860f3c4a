// Tests stop loudly when they cannot set up.
#![allow(clippy::unwrap_used)]

use chrono::TimeZone;

use super::*;
use crate::api::NetworkFailure;

fn sent_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 21, 0, 0).unwrap()
}

fn sought() -> Sought {
    Sought {
        name: "June renewals".into(),
        sent_at: sent_at(),
        known_ids: Vec::new(),
    }
}

fn timed_out() -> Outcome {
    Outcome::Failed(ApiError::Network {
        kind: NetworkFailure::Timeout {
            after: Duration::from_secs(30),
        },
        host: "h".into(),
    })
}

fn landing() -> Landing {
    Landing::new(Duration::from_secs(300))
}

fn batch(id: &str, created_at: &str) -> BatchSummary {
    BatchSummary {
        id: id.into(),
        batch_name: "June renewals".into(),
        total_calls: Some(0),
        calls_picked: Some(0),
        calls_completed: Some(0),
        queue_status: "paused".into(),
        created_at: created_at.into(),
        updated_at: String::new(),
    }
}

fn look(batches: Vec<BatchSummary>, conclusive: bool) -> Look {
    Look {
        result: Ok(batches),
        conclusive,
        next_in: (!conclusive).then_some(Duration::from_secs(15)),
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    sent_at() + chrono::Duration::seconds(secs)
}

#[test]
fn a_lost_answer_is_not_sent_again_before_a_look_after_the_deadline_finds_nothing() {
    let mut attempt = Attempt::new(sought(), timed_out(), landing(), true, at(30));
    assert_eq!(attempt.lands_by, at(300));
    attempt.start_looking();
    assert_eq!(attempt.resend(at(30)), Err(Hold::Checking));
    // The look at the timeout finds nothing: the server may store it later.
    attempt.looked(look(Vec::new(), false), at(30));
    assert_eq!(attempt.verdict(), Verdict::Absent);
    assert_eq!(
        attempt.resend(at(31)),
        Err(Hold::MayStillLand { until: at(300) })
    );
    assert!(!attempt.may_resend(at(31)), "r is not offered");
    assert_eq!(attempt.waiting_until(), Some(at(300)));
    assert_eq!(attempt.next_look, Some(at(45)));
    assert!(!attempt.is_settled(at(200)));
    // The look made after the deadline finds nothing: now it may go.
    attempt.looked(look(Vec::new(), true), at(301));
    assert_eq!(attempt.resend(at(301)), Ok(()));
    assert!(attempt.is_settled(at(301)));
    assert_eq!(attempt.waiting_until(), None);
}

#[test]
fn a_batch_that_lands_after_the_timeout_is_found_and_never_sent_again() {
    let mut attempt = Attempt::new(sought(), timed_out(), landing(), true, at(30));
    attempt.looked(look(Vec::new(), false), at(30));
    // Stored at 120 s, seen at the next look.
    let stored = batch("b1", "2026-12-05T21:02:00.000Z");
    attempt.looked(look(vec![stored.clone()], false), at(135));
    assert_eq!(attempt.verdict(), Verdict::Listed(stored));
    assert_eq!(
        attempt.resend(at(190)),
        Err(Hold::Found { id: "b1".into() })
    );
    assert!(!attempt.may_resend(at(190)));
    assert!(attempt.is_settled(at(190)));
}

#[test]
fn odd_dates_are_candidates_for_the_operator_never_an_absence() {
    for created in ["", "2026-12-05 21:12:57", "2026-12-05T20:50:00Z"] {
        let mut attempt = Attempt::new(sought(), timed_out(), landing(), true, at(30));
        attempt.looked(look(vec![batch("b1", created)], true), at(301));
        let Verdict::Candidates(c) = attempt.verdict() else {
            panic!("{created:?}: {:?}", attempt.verdict());
        };
        assert_eq!(c[0].batch.id, "b1");
        let hold = attempt.resend(at(301)).unwrap_err();
        assert!(
            matches!(&hold, Hold::Doubt { why } if why.contains("yours?")),
            "{created:?}: {hold}"
        );
        // It is the operator's call: a second r sends.
        attempt.insist(&hold);
        assert_eq!(attempt.resend(at(301)), Ok(()));
    }
}

#[test]
fn a_look_made_while_the_request_runs_proves_nothing() {
    let mut attempt = Attempt::new(
        sought(),
        Outcome::Abandoned {
            after: Duration::from_secs(3),
        },
        Landing::new(Duration::from_secs(1)),
        true,
        at(3),
    );
    assert_eq!(attempt.lands_by, at(1));
    attempt.runs_on(Duration::from_secs(30));
    assert_eq!(attempt.lands_by, at(30), "never before the request ends");
    attempt.looked(look(Vec::new(), true), at(31));
    assert!(!attempt.conclusive);
    assert!(matches!(
        attempt.resend(at(31)),
        Err(Hold::FirstStillRunning { .. })
    ));
    attempt.answered(
        Err(ApiError::Network {
            kind: NetworkFailure::Dropped,
            host: "h".into(),
        }),
        at(31),
    );
    assert_eq!(
        attempt.resend(at(31)),
        Err(Hold::MayStillLand { until: at(30) }),
        "a look after the request ended is still needed"
    );
    attempt.looked(look(Vec::new(), true), at(32));
    assert_eq!(attempt.resend(at(32)), Ok(()));
}

#[test]
fn without_a_list_to_look_at_only_an_insistent_r_after_the_deadline_sends() {
    let mut attempt = Attempt::new(sought(), timed_out(), landing(), false, at(30));
    assert!(!attempt.wants_lookup());
    assert!(matches!(
        attempt.resend(at(60)),
        Err(Hold::MayStillLand { .. })
    ));
    let hold = attempt.resend(at(301)).unwrap_err();
    assert!(matches!(hold, Hold::Doubt { .. }), "{hold}");
    attempt.insist(&hold);
    assert_eq!(attempt.resend(at(301)), Ok(()));
}

#[test]
fn definite_answers_decide_at_once() {
    let refused = Outcome::Failed(ApiError::Status {
        status: 403,
        message: None,
        request_id: None,
        excerpt: None,
        retry_after: None,
    });
    let attempt = Attempt::new(sought(), refused, landing(), true, at(1));
    assert_eq!(attempt.resend(at(1)), Err(Hold::SameAnswer));
    let busy = Outcome::Failed(ApiError::Status {
        status: 429,
        message: None,
        request_id: None,
        excerpt: None,
        retry_after: Some(30),
    });
    let attempt = Attempt::new(sought(), busy, landing(), true, at(1));
    assert_eq!(
        attempt.resend(at(11)),
        Err(Hold::ServerAskedToWait { secs: 20 })
    );
    assert_eq!(attempt.resend(at(31)), Ok(()));
    assert!(!attempt.wants_lookup());
}

#[test]
fn the_wait_is_configured_in_whole_seconds_and_refused_otherwise() {
    let env =
        |value: &'static str| move |name: &str| (name == LANDING_ENV).then(|| value.to_owned());
    assert_eq!(
        Landing::from_env(&|_| None).unwrap().within,
        DEFAULT_LANDING
    );
    let landing = Landing::from_env(&env("120")).unwrap();
    assert_eq!(landing.within, Duration::from_secs(120));
    assert_eq!(landing.every, Duration::from_secs(12));
    for bad in ["0", "-5", "1.5", "3601", "soon"] {
        let e = Landing::from_env(&env(bad)).unwrap_err();
        assert!(e.starts_with(&format!("{LANDING_ENV}={bad}:")), "{e}");
    }
}

/// The sandbox's list, looked at on a paused clock: at once, every
/// `every`, and once after the deadline; stopped early once the batch is
/// there.
#[tokio::test(start_paused = true)]
async fn a_watch_looks_until_after_the_deadline_or_until_it_finds_the_batch() {
    let sandbox = crate::sandbox::Sandbox::start(0).await.unwrap();
    let client = WeyaClient::new(sandbox.client_config()).unwrap();
    let sought = Sought {
        sent_at: Utc::now(),
        ..sought()
    };
    let mut watch = Watch::new(
        &client,
        &sought,
        Duration::from_secs(60),
        Duration::from_secs(15),
    );
    let started = tokio::time::Instant::now();
    let mut looks = Vec::new();
    while let Some(look) = watch.next().await {
        looks.push((started.elapsed().as_secs(), look.conclusive, look.next_in));
    }
    let times: Vec<u64> = looks.iter().map(|l| l.0).collect();
    assert_eq!(times, [0, 15, 30, 45, 60]);
    assert!(looks[..4].iter().all(|l| !l.1 && l.2.is_some()));
    assert_eq!(
        (looks[4].1, looks[4].2),
        (true, None),
        "the last is conclusive"
    );

    let mut watch = Watch::new(
        &client,
        &sought,
        Duration::from_secs(60),
        Duration::from_secs(15),
    );
    assert!(watch.next().await.is_some());
    sandbox
        .store()
        .try_insert(
            "June renewals".into(),
            serde_json::json!({"batchName": "June renewals"}),
        )
        .unwrap();
    let look = watch.next().await.unwrap();
    assert!(!look.conclusive);
    assert_eq!(look.next_in, None, "found: no more looks");
    assert!(watch.next().await.is_none());
}
