//! The process's exit codes, one set for the commands and the app (README:
//! "Exit codes"). A leaf: the command line and the app's start both name
//! them, and neither needs the other for it.

/// Done.
pub const OK: u8 = 0;
/// The API or the network failed.
pub const FAILED: u8 = 1;
/// Invalid input or refused: nothing was sent.
pub const REFUSED: u8 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, as a shell reports a process it
/// interrupted).
pub const INTERRUPTED: u8 = 130;
