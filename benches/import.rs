//! The contacts import on a generated 100,000-row CSV: reading, mapping,
//! validating and de-duplicating every row (what the operator waits for
//! before the report), and building one request's body (what each send
//! waits for). Figures: BENCHMARKS.md.
// A test or bench that cannot set up should stop loudly; its screen
// positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use weya_tui::import::{ColumnMapping, Control, ImportSettings, OpenOptions, check, open};

/// `rows` contacts in a few phone formats, 1% duplicates, 0.5% bad numbers.
fn contacts_csv(rows: usize) -> String {
    const AREAS: [u32; 8] = [212, 312, 415, 617, 646, 305, 206, 512];
    let mut text = String::from("First Name,Last Name,Phone Number,plan,due_date,amount_due\n");
    for i in 0..rows {
        let n = if i % 100 == 50 { i - 1 } else { i };
        let (area, exchange, line) = (AREAS[n % 8], 200 + (n / 8) / 10_000 % 700, (n / 8) % 10_000);
        let phone = match (i % 200, n % 3) {
            (7, _) => "n/a".to_owned(),
            (8, _) => format!("{area}-{exchange}"),
            (_, 0) => format!("({area}) {exchange}-{line:04}"),
            (_, 1) => format!("+1 {area} {exchange} {line:04}"),
            _ => format!("1{area}{exchange}{line:04}"),
        };
        let _ = writeln!(
            text,
            "Contact{i},\"Family, {i}\",{phone},Gold,2025-07-{:02},{}.50",
            1 + i % 28,
            i % 500
        );
    }
    text
}

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("contacts.csv");
    std::fs::write(&path, contacts_csv(100_000)).expect("the CSV written");
    let region = "US".parse().ok();

    let mut group = c.benchmark_group("import 100,000-row CSV");
    group.sample_size(10);
    group.bench_function("open + guess + check (read, validate, de-duplicate)", |b| {
        b.iter(|| {
            let file =
                open(&path, &OpenOptions::default(), &mut Control::default()).expect("opened");
            let mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), region);
            let settings = ImportSettings::new(mapping, region);
            let report = check(&file, &settings, &mut Control::default()).expect("checked");
            black_box(report.counts)
        });
    });
    group.finish();

    let file = open(&path, &OpenOptions::default(), &mut Control::default()).expect("opened");
    let mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), region);
    let report = check(
        &file,
        &ImportSettings::new(mapping, region),
        &mut Control::default(),
    )
    .expect("checked");
    let middle = report.plan.requests().len() / 2;
    c.bench_function(
        "body of one 1,000-row request (re-read from the file)",
        |b| {
            b.iter(|| {
                black_box(
                    report
                        .plan
                        .body("64e5f12345abcdef98765432", black_box(middle))
                        .expect("a body"),
                )
            });
        },
    );
}

criterion_group!(benches, import);
criterion_main!(benches);
