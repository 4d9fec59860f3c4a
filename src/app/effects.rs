//! Runs [`Cmd`]s: each network call is a tokio task that answers with a
//! [`Msg`] on the app's channel, so the UI loop never waits on the network.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::{Cmd, Msg};
use crate::api::WeyaClient;

/// Spawns the work of commands and remembers what can be cancelled.
#[derive(Debug)]
pub struct Effects {
    client: WeyaClient,
    replies: mpsc::Sender<Msg>,
    in_flight: HashMap<u64, AbortHandle>,
}

impl Effects {
    pub fn new(client: WeyaClient, replies: mpsc::Sender<Msg>) -> Self {
        Self {
            client,
            replies,
            in_flight: HashMap::new(),
        }
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
        }
    }
}
