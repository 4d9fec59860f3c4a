//! The command line: its definitions and the commands that run without the
//! TUI.

pub mod args;
pub mod commands;

pub use args::{ApiOptions, Cli, Command};
