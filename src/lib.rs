//! weya-tui: stage Weya outbound calling campaigns from the terminal.
//!
//! The library holds the whole application so that tests drive the real
//! thing: [`run`] is generic over the ratatui backend and takes its input as
//! a stream, and [`Runtime`] is the update-and-effects core it loops over.
//! The terminal app lives in [`tui`]; the rest is shared with the commands.
#![forbid(unsafe_code)]

pub mod accessible;
pub mod actions;
pub mod api;
pub mod campaign;
pub mod cli;
pub mod config;
pub mod connection;
pub mod create;
pub mod domain;
pub mod exit;
pub mod form;
pub mod import;
pub mod launch;
pub mod logging;
pub mod num;
pub mod remote;
pub mod sandbox;
pub mod store;
pub mod text;
pub mod tui;

pub use tui::{DraftOnExit, Ended, Runtime, draw, run, run_with_signals};
