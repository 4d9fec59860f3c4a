//! Runs [`Cmd`]s: each network call is a tokio task that answers with a
//! [`Msg`] on the app's channel, so the UI loop never waits on the network.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::{Cmd, Msg};
use crate::api::{BatchQuery, WeyaClient};
use crate::store::journal;

/// Spawns the work of commands and remembers what can be cancelled.
#[derive(Debug)]
pub struct Effects {
    client: WeyaClient,
    replies: mpsc::Sender<Msg>,
    in_flight: HashMap<u64, AbortHandle>,
    journal: Option<PathBuf>,
    /// Text for the terminal's clipboard: the run loop, which owns the
    /// terminal, writes it.
    clipboard: Vec<String>,
}

impl Effects {
    /// `journal` is where submissions are recorded (none in most tests).
    pub fn new(client: WeyaClient, replies: mpsc::Sender<Msg>, journal: Option<PathBuf>) -> Self {
        Self {
            client,
            replies,
            in_flight: HashMap::new(),
            journal,
            clipboard: Vec::new(),
        }
    }

    /// Text the run loop should put on the clipboard.
    pub fn take_clipboard(&mut self) -> Vec<String> {
        std::mem::take(&mut self.clipboard)
    }

    /// Starts the work of `cmd` and returns at once.
    pub fn run(&mut self, cmd: Cmd) {
        self.in_flight.retain(|_, task| !task.is_finished());
        match cmd {
            Cmd::FetchPhones { generation } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let result = client.list_phones().await;
                    // The receiver is gone only when the app is closing.
                    let _ = replies.send(Msg::PhonesLoaded { generation, result }).await;
                });
            }
            Cmd::Submit { request_id, body } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                let task = tokio::spawn(async move {
                    let result = client.create_batch_raw(body).await;
                    match &result {
                        Ok(created) => {
                            tracing::info!(batch_id = %created.batch_id, "batch created")
                        }
                        Err(e) => tracing::warn!(error = %e, "create batch failed"),
                    }
                    let _ = replies
                        .send(Msg::SubmitFinished { request_id, result })
                        .await;
                });
                self.in_flight.insert(request_id, task.abort_handle());
            }
            Cmd::CancelSubmit { request_id } => {
                if let Some(task) = self.in_flight.remove(&request_id) {
                    task.abort();
                }
            }
            Cmd::FindBatch { request_id, name } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let query = BatchQuery {
                        page: 1,
                        limit: 20,
                        search: Some(name),
                    };
                    let result = client.list_batches(&query).await.map(|page| page.batches);
                    let _ = replies.send(Msg::BatchesFound { request_id, result }).await;
                });
            }
            Cmd::Journal(entry) => {
                let Some(path) = self.journal.clone() else {
                    return;
                };
                // A blocking thread: the UI loop never waits on the disk.
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = journal::append(&path, &entry) {
                        tracing::error!(error = %e, path = %path.display(), "cannot write the journal");
                    }
                });
            }
            Cmd::Copy(text) => self.clipboard.push(text),
        }
    }
}
