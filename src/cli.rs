//! The command line. No flag carries a secret: credentials come from the
//! environment or the config file.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "weya-tui",
    version,
    about = "Stage Weya outbound calling campaigns from the terminal",
    after_help = "With no credentials configured, weya-tui runs against its embedded sandbox.\n\
                  Environment: WEYA_BASE_URL, WEYA_API_KEY or WEYA_TOKEN, WEYA_USER_ID, WEYA_PHONES_PATH."
)]
pub struct Cli {
    /// Read this config file instead of the default one.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use the embedded sandbox even when credentials are configured.
    #[arg(long)]
    pub sandbox: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the embedded sandbox alone, for curl or another client.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Make createBatch misbehave, to try the error screens: 500, 403,
        /// 400, html-502, 429, slow, hang, malformed or drop.
        #[arg(long, value_name = "FAULT")]
        fault: Option<crate::sandbox::Fault>,
    },
    /// Print the submit journal: every batch sent from this machine.
    History {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
}
