//! Reading the API's answers: a batch-details page of 1,000 calls, each
//! with contact fields and phone logs with transcripts, as the calls view
//! would receive it. Figures: BENCHMARKS.md.
// A test or bench that cannot set up should stop loudly; its screen
// positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

use weya_tui::api::{BatchDetails, Envelope};

/// A batch-details answer with `n` calls: a third not called yet, the rest
/// with one to three attempts, the answered ones with a recording and a
/// five-turn transcript (alternately a list of turns and plain text).
const PLANS: [&str; 4] = ["Basic", "Plus", "Premium", "Family"];

fn answer(n: usize) -> Vec<u8> {
    let statuses = ["no-answer", "busy", "failed"];
    let calls: Vec<Value> = (0..n)
        .map(|i| {
            let attempts = i % 4;
            let logs: Vec<Value> = (0..attempts)
                .map(|a| {
                    let last = a + 1 == attempts;
                    if last && i % 3 != 0 {
                        let turns = json!([
                            {"role": "assistant", "content": format!("Hello, am I speaking with Contact {i}?")},
                            {"role": "user", "content": "Yes, speaking."},
                            {"role": "assistant", "content": "I'm calling about your Premium plan, which renews on 2026-02-01."},
                            {"role": "user", "content": "Please send me the details by email."},
                            {"role": "assistant", "content": "Thanks for your time. Goodbye!"}
                        ]);
                        let transcript = if i % 2 == 0 {
                            turns
                        } else {
                            Value::String(weya_tui::api::types::transcript_text(&turns))
                        };
                        json!({"callStatus": "completed", "callDuration": 30 + i % 200,
                            "recordingUrl": format!("https://sandbox.invalid/rec/{i:024x}.mp3"),
                            "transcript": transcript,
                            "createdAt": "2026-01-15T14:03:21.000Z"})
                    } else {
                        json!({"callStatus": statuses[(i + a) % 3], "callDuration": 0,
                            "createdAt": "2026-01-15T14:01:07.000Z"})
                    }
                })
                .collect();
            json!({
                "_id": format!("{:024x}", 0x6789_0000_0000_0000_u64 + i as u64),
                "phoneNumber": format!("1212555{:04}", i % 10_000),
                "name": format!("Contact {i}"),
                "plan": PLANS[i % 4],
                "due_date": "2026-02-01",
                "amount": 49.5,
                "phoneLogs": logs,
                "createdAt": "2026-01-15T14:00:00.000Z"
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "message": "Batch details fetched successfully", "status": true, "code": 200,
        "errorMessage": "",
        "data": {"batchId": "6789abcdef0123456789abcd", "batchName": "June renewals",
            "batchStatus": "active", "page": 1, "limit": n, "total": n, "totalPages": 1,
            "data": calls}
    }))
    .unwrap_or_default()
}

fn parse_batch_details(c: &mut Criterion) {
    let body = answer(1_000);
    let parsed: Envelope<BatchDetails> = serde_json::from_slice(&body).unwrap();
    assert_eq!(parsed.data.map(|d| d.calls.len()), Some(1_000));
    let mut group = c.benchmark_group(format!(
        "batch-details answer, 1,000 calls ({} KB)",
        body.len() / 1024
    ));
    group.bench_function("parse into BatchDetails", |b| {
        b.iter(|| {
            let e: Envelope<BatchDetails> = serde_json::from_slice(black_box(&body)).unwrap();
            black_box(e.data.map(|d| d.calls.len()))
        });
    });
    group.bench_function("parse as a serde_json::Value (reference)", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&body)).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, parse_batch_details);
criterion_main!(benches);
