//! Runs [`Cmd`]s: each network call is a tokio task that answers with a
//! [`Msg`] on the app's channel, so the UI loop never waits on the network.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::{Cmd, Msg};
use crate::api::{BatchQuery, WeyaClient};
use crate::store::draft::{Draft, DraftWriter};
use crate::store::template::Templates;
use crate::store::{StorePaths, journal};

/// The longest a change waits before the draft is written: a `kill -9`
/// loses at most this much typing.
pub const DRAFT_DELAY: Duration = Duration::from_millis(300);

/// The store, as effects use it.
#[derive(Debug, Clone)]
struct Store {
    paths: StorePaths,
    drafts: Arc<DraftWriter>,
    /// The newest draft not yet written; a timer is running while it is set.
    pending: Arc<Mutex<Option<PendingDraft>>>,
}

/// A draft and the sequence number of the change it saves.
type PendingDraft = (u64, Box<Draft>);

/// What only the owner of the terminal (the run loop) can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalRequest {
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Give the terminal back to the shell and stop until continued.
    Suspend,
}

/// Spawns the work of commands and remembers what can be cancelled.
#[derive(Debug)]
pub struct Effects {
    client: WeyaClient,
    replies: mpsc::Sender<Msg>,
    in_flight: HashMap<u64, AbortHandle>,
    store: Option<Store>,
    /// Requests for the run loop, which owns the terminal.
    terminal: Vec<TerminalRequest>,
}

impl Effects {
    /// `store` is where the journal, the draft and templates live (none in
    /// most tests: nothing is written).
    pub fn new(client: WeyaClient, replies: mpsc::Sender<Msg>, store: Option<StorePaths>) -> Self {
        let store = store.map(|paths| Store {
            drafts: Arc::new(DraftWriter::new(paths.draft.clone())),
            paths,
            pending: Arc::new(Mutex::new(None)),
        });
        Self {
            client,
            replies,
            in_flight: HashMap::new(),
            store,
            terminal: Vec::new(),
        }
    }

    /// Writes the draft now, on this thread: for the way out, when no timer
    /// will fire any more. An older write still on its way is skipped.
    pub fn write_draft_now(&self, seq: u64, draft: &Draft) -> Option<std::path::PathBuf> {
        let store = self.store.as_ref()?;
        if let Err(e) = store.drafts.write(seq, Some(draft)) {
            tracing::error!(error = %e, "cannot write the draft");
            return None;
        }
        Some(store.paths.draft.clone())
    }

    /// Where the draft is kept, if anywhere.
    pub fn draft_path(&self) -> Option<&std::path::Path> {
        self.store.as_ref().map(|s| s.paths.draft.as_path())
    }

    /// Runs `work` on the templates folder on a blocking thread and replies
    /// with its result (an error when there is no folder to keep them in).
    fn with_templates<T: Send + 'static>(
        &self,
        work: impl FnOnce(Templates) -> Result<T, String> + Send + 'static,
        reply: impl FnOnce(Result<T, String>) -> Msg + Send + 'static,
    ) {
        let templates = self.store.as_ref().map(|s| Templates {
            dir: s.paths.templates.clone(),
        });
        let replies = self.replies.clone();
        tokio::spawn(async move {
            let result = match templates {
                Some(t) => tokio::task::spawn_blocking(move || work(t))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string())),
                None => Err("no home directory: templates cannot be kept".to_owned()),
            };
            let _ = replies.send(reply(result)).await;
        });
    }

    /// What the run loop should do with the terminal, in order.
    pub fn take_terminal_requests(&mut self) -> Vec<TerminalRequest> {
        std::mem::take(&mut self.terminal)
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
                let Some(path) = self.store.as_ref().map(|s| s.paths.journal.clone()) else {
                    return;
                };
                // A blocking thread: the UI loop never waits on the disk.
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = journal::append(&path, &entry) {
                        tracing::error!(error = %e, path = %path.display(), "cannot write the journal");
                    }
                });
            }
            Cmd::Copy(text) => self.terminal.push(TerminalRequest::Copy(text)),
            Cmd::Suspend => self.terminal.push(TerminalRequest::Suspend),
            Cmd::SaveDraft { seq, draft } => {
                let Some(store) = &self.store else { return };
                let mut pending = store.pending.lock().unwrap_or_else(|e| e.into_inner());
                let timer_running = pending.is_some();
                *pending = Some((seq, draft));
                if !timer_running {
                    // The first change since the last write starts the clock;
                    // later ones only replace what will be written.
                    let store = store.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(DRAFT_DELAY).await;
                        tokio::task::spawn_blocking(move || {
                            let next = store
                                .pending
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .take();
                            if let Some((seq, draft)) = next
                                && let Err(e) = store.drafts.write(seq, Some(&draft))
                            {
                                tracing::error!(error = %e, "cannot write the draft");
                            }
                        });
                    });
                }
            }
            Cmd::DeleteDraft { seq } => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = store.drafts.write(seq, None) {
                        tracing::error!(error = %e, "cannot remove the draft");
                    }
                });
            }
            Cmd::SaveTemplate { name, file } => self.with_templates(
                move |t| t.save(&name, &file).map(|p| p.display().to_string()),
                Msg::TemplateSaved,
            ),
            Cmd::ListTemplates => self.with_templates(|t| t.list(), Msg::TemplatesListed),
            Cmd::LoadTemplate { name } => {
                let key = name.clone();
                self.with_templates(
                    move |t| t.load(&key),
                    move |result| Msg::TemplateLoaded { name, result },
                );
            }
        }
    }
}
