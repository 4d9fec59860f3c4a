//! How the contacts import scales: generates a contacts CSV of N rows (if
//! it is not there yet), then opens it, checks every row and builds every
//! request's body as sending would, printing the time of each step and the
//! peak memory of the process.
//!
//! ```sh
//! cargo build --release --example import_scale
//! /usr/bin/time -v target/release/examples/import_scale 100000 /tmp/contacts-100k.csv
//! /usr/bin/time -v target/release/examples/import_scale 1000000 /tmp/contacts-1m.csv
//! ```
// A test or bench that cannot set up should stop loudly; its screen
// positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use weya_tui::import::{ColumnMapping, Control, ImportSettings, OpenOptions, check, open};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().map_or(Ok(100_000), |n| n.parse())?;
    let path = args.next().map_or_else(
        || std::env::temp_dir().join(format!("contacts-{rows}.csv")),
        PathBuf::from,
    );
    if !path.exists() {
        let started = Instant::now();
        generate(&path, rows)?;
        println!("generated {} in {:.2?}", path.display(), started.elapsed());
    }
    println!(
        "file: {} ({} bytes)",
        path.display(),
        std::fs::metadata(&path)?.len()
    );

    let started = Instant::now();
    let file = open(&path, &OpenOptions::default(), &mut Control::default())?;
    let opened = started.elapsed();
    let region = "US".parse().ok();
    let mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), region);
    let settings = ImportSettings::new(mapping, region);
    let report = check(&file, &settings, &mut Control::default())?;
    let checked = started.elapsed();
    println!(
        "open {opened:.2?}, open + map + check {checked:.2?}: {} valid, {} invalid, {} duplicate, {} skipped, {} requests",
        report.counts.valid,
        report.counts.invalid,
        report.counts.duplicate,
        report.counts.skipped,
        report.plan.requests().len()
    );
    println!("peak RSS after the check: {}", peak_rss());

    let started = Instant::now();
    let mut bytes = 0;
    for index in 0..report.plan.requests().len() {
        bytes += report.plan.body("64e5f12345abcdef98765432", index)?.len();
    }
    println!(
        "every body built again from the file: {:.2?} ({bytes} bytes of JSON)",
        started.elapsed()
    );
    println!("peak RSS at the end: {}", peak_rss());
    Ok(())
}

/// Contacts as a CRM export has them: a few phone formats, 1% duplicates,
/// 0.5% bad numbers, one empty row in a thousand.
fn generate(path: &Path, rows: usize) -> std::io::Result<()> {
    const PLANS: [&str; 3] = ["Gold", "Silver", "Basic"];
    const AREAS: [u32; 8] = [212, 312, 415, 617, 646, 305, 206, 512];
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "First Name,Last Name,Phone Number,plan,due_date,amount_due"
    )?;
    for i in 0..rows {
        if i % 1000 == 999 {
            writeln!(out, ",,,,,")?;
            continue;
        }
        // Distinct numbers: area code and exchange from i, 555-01xx is
        // reserved for fiction and libphonenumber may call it valid or
        // not, so use real-looking exchanges.
        let n = if i % 100 == 50 { i - 1 } else { i };
        let area = AREAS[n % AREAS.len()];
        let exchange = 200 + (n / AREAS.len()) / 10_000 % 700;
        let line = (n / AREAS.len()) % 10_000;
        let phone = match i % 200 {
            7 => "n/a".to_owned(),
            8 => format!("{area}-{exchange}"),
            _ => match n % 3 {
                0 => format!("({area}) {exchange}-{line:04}"),
                1 => format!("+1 {area} {exchange} {line:04}"),
                _ => format!("1{area}{exchange}{line:04}"),
            },
        };
        writeln!(
            out,
            "Contact{i},\"Family, {i}\",{phone},{},2025-{:02}-{:02},{}.{:02}",
            PLANS[i % 3],
            1 + i % 12,
            1 + i % 28,
            i % 500,
            i % 100
        )?;
    }
    out.flush()
}

/// VmHWM from /proc/self/status: the most resident memory the process has
/// had.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".to_owned())
}
