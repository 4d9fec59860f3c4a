//! The binary: parses the command line, sets up logging and the async
//! runtime, and hands over to the library ([`weya_tui::cli::run`]).
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use weya_tui::cli::{self, Cli};
use weya_tui::config::Paths;
use weya_tui::{logging, text};

/// How long the way out waits for the log's last lines to reach the disk:
/// a hung disk must not hold the exit.
const LOG_FLUSH_PATIENCE: Duration = Duration::from_millis(500);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::discover();
    let log = paths.as_ref().and_then(logging::init);
    // Two workers whatever the machine: the app's work is a few requests
    // at a time (and the sandbox's answers), and each worker is a thread
    // with its stack and allocator arena (0.2-0.3 MiB more peak memory
    // with eight; BENCHMARKS.md, run G).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("weya-tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(cli::run(&cli, paths.as_ref())) {
        Ok(code) => code,
        Err(e) => {
            let said = cli::output::error_text(&e);
            tracing::error!(error = said, "exit with error");
            // Made safe: the error may quote a file or the server. Not
            // `eprintln!`: it panics when the terminal has gone (EIO).
            let mut err = io::stderr();
            let _ = writeln!(err, "weya-tui: {}", text::visible(&said));
            if let Some(log) = &log {
                let _ = writeln!(err, "(log: {})", log.path.display());
            }
            cli::REFUSED
        }
    };
    if let Some(log) = &log {
        // The last lines (an exit error) reach the file, unless the disk
        // hangs: then they are lost, not the exit.
        log.writer.flush_within(LOG_FLUSH_PATIENCE);
    }
    ExitCode::from(code)
}
