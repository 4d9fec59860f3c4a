//! Links the release binary with packed relative relocations (`DT_RELR`)
//! where the C library can load them.
//!
//! A position-independent executable carries one 24-byte `R_X86_64_RELATIVE`
//! entry for each pointer in its read-only data (`&str` tables, vtables,
//! panic locations: about 52,000 here), and the loader reads all of them at
//! every start: 1.2 MB of the file, paged in before `main`. Packed, they take
//! a few KiB. glibc loads them from 2.36 (and GNU ld 2.38 or lld 15 write
//! them); the linker then makes the binary ask for `GLIBC_ABI_DT_RELR`, so a
//! binary built here and copied to an older system says so at start rather
//! than crash. A build on an older glibc, or on anything but glibc, links as
//! before. Figures: BENCHMARKS.md, run I.

use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let cross = std::env::var("HOST").ok() != std::env::var("TARGET").ok();
    if os == "linux" && env == "gnu" && !cross && glibc_loads_relr() {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this machine's glibc is 2.36 or later (`getconf
/// GNU_LIBC_VERSION` prints `glibc 2.36`). Anything unreadable is "no".
fn glibc_loads_relr() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 36),
        _ => false,
    }
}
