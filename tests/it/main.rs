//! The integration tests: one binary, a module per area, the fixtures they
//! share in [`common`]. One binary links once (19 did, at 65–98 MB each),
//! so a clean `cargo test` spends its time running tests, not linking them.
//!
//! - the real app on a `TestBackend` against the embedded sandbox over
//!   loopback HTTP: `flow`, `faults`, `files`, `campaign_flow`,
//!   `campaign_mouse`, `import_flow`, `import_view`;
//! - insta snapshots of every screen: `screens`, `campaign_screens`;
//! - random key, paste, resize and click sequences: `properties`;
//! - the API client and the sandbox: `api_client`, `api_calls`, `sandbox`;
//! - the import core: `import`;
//! - the built binary as an operator or a script runs it: `cli`,
//!   `batch_cli`, `import_cli`; in a pseudo-terminal: `pty`;
//! - credentials and settings, the binary and the TUI: `credentials`.
// A test that cannot set up should stop loudly; screen positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

mod common;

mod accessible;
mod api_calls;
mod api_client;
mod batch_cli;
mod campaign_flow;
mod campaign_mouse;
mod campaign_screens;
mod cli;
mod credentials;
mod faults;
mod files;
mod flow;
mod import;
mod import_cli;
mod import_flow;
mod import_split_view;
mod import_view;
mod lying_server;
mod outcomes_export;
mod properties;
mod pty;
mod recovery;
mod result_watch;
mod sandbox;
mod screens;
mod sorted_calls;
mod zone_split_cli;
