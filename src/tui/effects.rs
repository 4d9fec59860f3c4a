//! Runs [`Cmd`]s: each network call is a tokio task that answers with a
//! [`Msg`] on the app's channel, so the UI loop never waits on the network.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::views::create::{Cmd, Msg};
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

/// Spawns the work of commands.
#[derive(Debug)]
pub struct Effects {
    client: WeyaClient,
    replies: mpsc::Sender<Msg>,
    store: Option<Store>,
    /// Requests for the run loop, which owns the terminal.
    terminal: Vec<TerminalRequest>,
}

impl Effects {
    /// `store` is where the journal and templates live, with the writer of
    /// this session's draft (none in most tests: nothing is written).
    pub fn new(
        client: WeyaClient,
        replies: mpsc::Sender<Msg>,
        store: Option<(StorePaths, DraftWriter)>,
    ) -> Self {
        let store = store.map(|(paths, drafts)| Store {
            drafts: Arc::new(drafts),
            paths,
            pending: Arc::new(Mutex::new(None)),
        });
        Self {
            client,
            replies,
            store,
            terminal: Vec::new(),
        }
    }

    /// The writer of this session's draft, when there is a store: on the
    /// way out, [`Runtime::finish`](crate::Runtime::finish) writes through
    /// it on its own thread, when no timer will fire any more.
    pub fn drafts(&self) -> Option<&DraftWriter> {
        self.store.as_ref().map(|s| s.drafts.as_ref())
    }

    /// Runs `work` on the templates folder on a blocking thread and replies
    /// with its result (an error when there is no folder to keep them in).
    fn with_templates<T: Send + 'static, E: From<String> + Send + 'static>(
        &self,
        work: impl FnOnce(Templates) -> Result<T, E> + Send + 'static,
        reply: impl FnOnce(Result<T, E>) -> Msg + Send + 'static,
    ) {
        let templates = self.store.as_ref().map(|s| Templates {
            dir: s.paths.templates.clone(),
        });
        let replies = self.replies.clone();
        tokio::spawn(async move {
            let result = match templates {
                Some(t) => tokio::task::spawn_blocking(move || work(t))
                    .await
                    .unwrap_or_else(|e| Err(E::from(e.to_string()))),
                None => Err(E::from(
                    "no home directory: templates cannot be kept".to_owned(),
                )),
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
                // Never aborted, even when the operator stops waiting: its
                // answer is the only word on whether the batch was made.
                tokio::spawn(async move {
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
            }
            Cmd::FindBatch {
                request_id,
                name,
                after,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
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
                    let replies = self.replies.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(DRAFT_DELAY).await;
                        let written = tokio::task::spawn_blocking(move || {
                            let next = store
                                .pending
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .take();
                            next.map(|(seq, draft)| (seq, store.drafts.write(seq, Some(&draft))))
                        })
                        .await;
                        if let Ok(Some((seq, result))) = written {
                            if let Err(e) = &result {
                                tracing::error!(error = %e, "cannot write the draft");
                            }
                            let result = result.map_err(|e| e.to_string());
                            let _ = replies.send(Msg::DraftWritten { seq, result }).await;
                        }
                    });
                }
            }
            Cmd::DeleteDraft { seq } => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let removed =
                        tokio::task::spawn_blocking(move || store.drafts.write(seq, None)).await;
                    let result = match removed {
                        Ok(Ok(())) => Ok(()),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    if let Err(e) = &result {
                        tracing::error!(error = %e, "cannot remove the draft");
                    }
                    let _ = replies.send(Msg::DraftRemoved(result)).await;
                });
            }
            Cmd::AdoptDraft { path } => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let key = path.clone();
                    let adopted =
                        tokio::task::spawn_blocking(move || store.drafts.adopt(&key)).await;
                    let result = match adopted {
                        Ok(result) => result.map_err(|e| e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = replies.send(Msg::DraftAdopted { path, result }).await;
                });
            }
            Cmd::SaveTemplate {
                name,
                file,
                replace,
            } => self.with_templates(
                move |t| {
                    t.save(&name, &file, replace)
                        .map(|p| p.display().to_string())
                },
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
