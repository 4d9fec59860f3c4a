//! Writes `assets/phone-metadata.bin`: libphonenumber's metadata (the
//! `PhoneNumberMetadata.xml` the `phonenumber` crate ships) cut into one
//! chunk per calling code, so that showing a `+44` number builds the
//! regions of `+44` only, not all 250 (see `weya_tui::domain::phone`).
//!
//! Run it again whenever the `phonenumber` crate is upgraded:
//!
//! ```text
//! crate=$(cargo metadata --format-version 1 --filter-platform x86_64-unknown-linux-gnu \
//!   | python3 -c 'import json,sys; print(next(p["manifest_path"] for p in
//!     json.load(sys.stdin)["packages"] if p["name"] == "phonenumber"))')
//! cargo run --example phone_metadata -- \
//!   "$(dirname "$crate")/assets/PhoneNumberMetadata.xml" assets/phone-metadata.bin
//! ```
//!
//! `cargo test phone_metadata` fails while the file and the crate's own
//! database disagree.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::BufReader;

use phonenumber::metadata::loader;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(xml), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: phone_metadata <PhoneNumberMetadata.xml> <out.bin>");
        std::process::exit(2);
    };
    // `\d` is Unicode's digits to the regex crate: hundreds of ranges in
    // every pattern that names a digit, compiled into each automaton. The
    // numbers read here are ASCII digits (`format_number` checks), so the
    // patterns say so; the metadata is otherwise as Google writes it.
    let text = std::fs::read_to_string(&xml)
        .unwrap()
        .replace(r"\d", "[0-9]");
    let regions = loader::load(BufReader::new(text.as_bytes())).unwrap();
    let mut by_code: BTreeMap<u16, Vec<loader::Metadata>> = BTreeMap::new();
    for region in regions {
        let code = region
            .country_code
            .expect("every region has a calling code");
        by_code.entry(code).or_default().push(region);
    }
    let chunks: Vec<(u16, Vec<u8>)> = by_code
        .into_iter()
        .map(|(code, regions)| (code, postcard::to_stdvec(&regions).unwrap()))
        .collect();
    let bytes = weya_tui::domain::phone::metadata::encode(&chunks);
    std::fs::write(&out, &bytes).unwrap();
    println!(
        "{out}: {} calling codes, {} bytes",
        chunks.len(),
        bytes.len()
    );
}
