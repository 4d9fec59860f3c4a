//! A running campaign apart from any screen: what the CLI and the TUI
//! both say of a batch as it runs.

pub mod progress;
