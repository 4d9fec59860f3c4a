//! Runs [`Cmd`]s: each network call is a tokio task that answers with a
//! [`Msg`] on the app's channel, so the UI loop never waits on the network.
//!
//! A job started with a [`JobKey`] is the only one of its key: starting
//! another aborts the task of the one before (latest wins, as gitui's
//! `AsyncSingleJob`), so a fast sequence of requests never leaves stale
//! ones running. What must never be cut short (createBatch) has no key.

use crate::config::Notify;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::msg::{Cmd, Msg};
use super::views::batches::msg::{DetailsMsg, ListMsg};
use super::views::create::msg::{CreateMsg, TemplateEntry};
use super::views::import::ImportCmd;
use super::views::import::executor::{ImportExecutor, ProgressSink, SplitContext};
use crate::api::{BatchQuery, WeyaClient};
use crate::config::Paths;
use crate::store::draft::{Draft, DraftWriter};
use crate::store::journal;
use crate::store::template::Templates;

/// What a keyed job is: one task at most runs per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKey {
    /// The phone list, for the view that named the job (the form's
    /// picker, the phones view).
    Phones(&'static str),
    /// The watch of the batch list that confirms or looks for a sent
    /// batch.
    BatchLookup,
    /// The import's file being opened or checked: a newer one (or the end
    /// of the import) aborts it, and its cancel flag stops the work.
    ImportRead,
    /// The folder listing of the import's Tab completion.
    ImportListing,
    /// Reading the batch's numbers for the import's check: a newer
    /// comparison (or the end of the import) stops the paging.
    ImportCompare,
    /// "batches.page": the page of the batch list on show.
    BatchPage,
    /// "batch.calls": the page of calls of the batch on show.
    BatchCalls,
    /// "batch.totals": the list row of the batch on show, for its header.
    BatchTotals,
    /// "batch.outcomes": the one walk of every page of the batch on show
    /// (its outcomes, its contacts' zones, its retries).
    BatchOutcomes,
}

/// The longest a change waits before the draft is written: a `kill -9`
/// loses at most this much typing.
pub const DRAFT_DELAY: Duration = Duration::from_millis(300);

/// The store, as effects use it.
#[derive(Debug, Clone)]
struct Store {
    paths: Paths,
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
    /// Ring the bell and raise a desktop notification saying this, as
    /// configured (see [`crate::tui::alert_bytes`]).
    Alert(String, Notify),
}

/// Spawns the work of commands.
#[derive(Debug)]
pub struct Effects {
    client: WeyaClient,
    replies: mpsc::Sender<Msg>,
    store: Option<Store>,
    /// Requests for the run loop, which owns the terminal.
    terminal: Vec<TerminalRequest>,
    /// The task running for each key.
    jobs: HashMap<JobKey, AbortHandle>,
    /// `sandbox` or the host, as the journal names the target.
    target: String,
    /// Where requests go, as a split by time zone's review says it.
    target_label: crate::connection::TargetLabel,
    /// The operator's `phonebook.toml`, read again on request.
    phone_book: Option<PathBuf>,
    /// The import open, if any: its session and executor.
    import: Option<(u64, ImportExecutor)>,
    /// The operator's home folder, for `~` in an import's path.
    home: Option<PathBuf>,
    /// Whether a batch's news rings the bell and raises a desktop
    /// notification.
    notify: Notify,
}

/// Sets a cancel flag when dropped: when a keyed job is aborted its future
/// is dropped, and the blocking work it waits on stops at the flag. Once
/// the job has ended, no one reads the flag any more.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Effects {
    /// `store` is where the journal and templates live, with the writer of
    /// this session's draft (none in most tests: nothing is written).
    pub fn new(
        client: WeyaClient,
        replies: mpsc::Sender<Msg>,
        store: Option<(Paths, DraftWriter)>,
    ) -> Self {
        Self::with_target(client, replies, store, "sandbox".to_owned())
    }

    /// [`Effects::new`], journaling actions as sent to `target` (`sandbox`
    /// or the host).
    pub fn with_target(
        client: WeyaClient,
        replies: mpsc::Sender<Msg>,
        store: Option<(Paths, DraftWriter)>,
        target: String,
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
            jobs: HashMap::new(),
            import: None,
            home: directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()),
            target,
            target_label: crate::connection::TargetLabel::Sandbox,
            phone_book: None,
            notify: Notify::default(),
        }
    }

    /// What a batch's news does besides the header (the config's
    /// `notify_bell` and `notify_desktop`).
    pub fn set_notify(&mut self, notify: Notify) {
        self.notify = notify;
    }

    /// Where starts, stops and deletes are journaled (see
    /// [`crate::actions`]).
    fn action_journal(&self) -> crate::actions::Journal {
        crate::actions::Journal {
            path: self.store.as_ref().map(|s| s.paths.journal()),
            target: self.target.clone(),
        }
    }

    /// Where requests go, as the import's split by time zone says it.
    pub fn set_target_label(&mut self, label: crate::connection::TargetLabel) {
        self.target_label = label;
    }

    /// Where `phonebook.toml` is, for [`Cmd::ReadPhoneBook`].
    pub fn set_phone_book(&mut self, path: PathBuf) {
        self.phone_book = Some(path);
    }

    /// Runs `job` as the one task of `key`, aborting the one before: its
    /// reply never arrives.
    pub fn spawn_keyed(&mut self, key: JobKey, job: impl Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(job).abort_handle();
        if let Some(earlier) = self.jobs.insert(key, handle) {
            earlier.abort();
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
            dir: s.paths.templates(),
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

    /// Runs an import command in a task of its own: the file work on the
    /// blocking pool (the executor sees to it), the requests on the
    /// runtime. Progress comes back on the reply channel as it is made.
    fn run_import(&mut self, session: u64, cmd: ImportCmd) {
        let Some((current, executor)) = &self.import else {
            return;
        };
        if *current != session {
            // The work of an import closed since: nothing is left to do it.
            return;
        }
        let executor = executor.clone();
        let cancel = match &cmd {
            ImportCmd::Close => {
                self.import = None;
                for key in [JobKey::ImportRead, JobKey::ImportCompare] {
                    if let Some(job) = self.jobs.remove(&key) {
                        job.abort();
                    }
                }
                return;
            }
            ImportCmd::Open { cancel, .. } | ImportCmd::Check { cancel, .. } => {
                Some(CancelOnDrop(Arc::clone(cancel)))
            }
            _ => None,
        };
        let key = match &cmd {
            ImportCmd::Open { .. } | ImportCmd::Check { .. } => Some(JobKey::ImportRead),
            ImportCmd::ListDir { .. } => Some(JobKey::ImportListing),
            ImportCmd::Compare { .. } => Some(JobKey::ImportCompare),
            // Sending and the journal are never cut short: the journal
            // must hear how each request ended.
            _ => None,
        };
        let replies = self.replies.clone();
        let progress: ProgressSink = {
            let replies = replies.clone();
            // Called on a blocking thread: never waits. A progress report
            // lost to a full channel is made good by the next one.
            Arc::new(move |msg| {
                let _ = replies.try_send(Msg::Import { session, msg });
            })
        };
        let job = async move {
            let _cancel = cancel;
            if let Some(msg) = executor.run(cmd, progress).await {
                let _ = replies.send(Msg::Import { session, msg }).await;
            }
        };
        match key {
            Some(key) => self.spawn_keyed(key, job),
            None => {
                tokio::spawn(job);
            }
        }
    }

    /// Starts the work of `cmd` and returns at once.
    pub fn run(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::FetchPhones { generation, reply } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::Phones(reply.job), async move {
                    let result = client.list_phones().await;
                    // The receiver is gone only when the app is closing.
                    let _ = replies.send(reply.make((generation, result))).await;
                });
            }
            Cmd::Submit { request_id, body } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                // Never aborted, even when the operator stops waiting: its
                // answer is the only word on whether the batch was made.
                tokio::spawn(async move {
                    let result = crate::create::send(&client, body).await;
                    let msg = CreateMsg::SubmitFinished { request_id, result };
                    let _ = replies.send(Msg::Create(msg)).await;
                });
            }
            Cmd::WatchForBatch {
                request_id,
                sought,
                wait,
                every,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::BatchLookup, async move {
                    let mut watch = crate::create::Watch::new(&client, &sought, wait, every);
                    while let Some(look) = watch.next().await {
                        let msg = CreateMsg::BatchesFound { request_id, look };
                        if replies.send(Msg::Create(msg)).await.is_err() {
                            // The app is closing.
                            return;
                        }
                    }
                });
            }
            Cmd::StopBatchLookup => {
                if let Some(job) = self.jobs.remove(&JobKey::BatchLookup) {
                    job.abort();
                }
            }
            Cmd::Journal(entry) => {
                let Some(path) = self.store.as_ref().map(|s| s.paths.journal()) else {
                    return;
                };
                // A blocking thread: the UI loop never waits on the disk.
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = journal::append(&path, &entry) {
                        tracing::error!(error = %e, path = %path.display(), "cannot write the journal");
                    }
                });
            }
            Cmd::Close => {
                tracing::debug!("a view to close reached the effects: the shell closes views");
            }
            Cmd::Open(route) => {
                tracing::debug!(
                    ?route,
                    "a view to open reached the effects: the shell opens views"
                );
            }
            Cmd::OpenImport(target) => {
                tracing::debug!(
                    batch_id = %target.batch_id,
                    "an import to open reached the effects: the shell opens views"
                );
            }
            Cmd::StartImport { session, batch_id } => {
                let journals = self.store.as_ref().map(|s| s.paths.imports());
                let submit_journal = self.store.as_ref().map(|s| s.paths.journal());
                let look_up_region = submit_journal.is_some();
                let executor = ImportExecutor::new(
                    self.client.clone(),
                    &batch_id,
                    journals,
                    self.home.clone(),
                )
                .with_submit_journal(submit_journal, &self.target)
                .with_split(SplitContext {
                    target_label: self.target_label.clone(),
                    split_dir: self.store.as_ref().map(|s| s.paths.splits()),
                    phone_book: self.phone_book.clone(),
                });
                self.import = Some((session, executor));
                // Said gone before any column is mapped (a stale result,
                // a batch deleted elsewhere).
                self.run_import(session, ImportCmd::CheckBatch);
                if look_up_region {
                    self.run_import(session, ImportCmd::FindBatchRegion);
                }
            }
            Cmd::Import { session, cmd } => self.run_import(session, cmd),
            Cmd::OpenBatch(summary) => {
                tracing::debug!(
                    id = %summary.id,
                    "a batch to open reached the effects: the shell opens views"
                );
            }
            Cmd::FetchBatches {
                generation,
                query,
                after,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::BatchPage, async move {
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
                    let result = client.list_batches(&query).await;
                    let msg = ListMsg::PageLoaded { generation, result };
                    let _ = replies.send(Msg::BatchList(msg)).await;
                });
            }
            Cmd::FetchCalls {
                generation,
                batch_id,
                query,
                after,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::BatchCalls, async move {
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
                    let result = client.batch_details(&batch_id, &query).await;
                    let msg = DetailsMsg::CallsLoaded { generation, result };
                    let _ = replies.send(Msg::BatchDetails { batch_id, msg }).await;
                });
            }
            Cmd::FetchCallPage {
                batch_id,
                query,
                reply,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let result = client.batch_details(&batch_id, &query).await;
                    let _ = replies.send(reply.make((batch_id, result))).await;
                });
            }
            Cmd::FetchBatchTotals {
                generation,
                batch_id,
                name,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::BatchTotals, async move {
                    let query = BatchQuery {
                        page: 1,
                        limit: 10,
                        search: Some(name),
                    };
                    let result = client.list_batches(&query).await.map(|page| page.batches);
                    let msg = DetailsMsg::TotalsLoaded { generation, result };
                    let _ = replies.send(Msg::BatchDetails { batch_id, msg }).await;
                });
            }
            Cmd::Dialer {
                id,
                name,
                action,
                reply,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                let journal = self.action_journal();
                tokio::spawn(async move {
                    let sent =
                        crate::actions::switch(&client, &journal, &id, Some(name), action.switch())
                            .await;
                    let _ = replies.send(reply.make((id, action, sent.result))).await;
                });
            }
            Cmd::DeleteBatch { id, name } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                let journal = self.action_journal();
                tokio::spawn(async move {
                    let sent = crate::actions::delete(&client, &journal, &id, Some(name)).await;
                    let msg = ListMsg::Deleted {
                        id,
                        result: sent.result,
                    };
                    let _ = replies.send(Msg::BatchList(msg)).await;
                });
            }
            Cmd::CountOutcomes {
                batch_id,
                retry,
                keep_rows,
                progress,
                reply,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                self.spawn_keyed(JobKey::BatchOutcomes, async move {
                    use crate::campaign::outcomes::{Fold, count_with};
                    let mut fold = Fold::new(retry);
                    if keep_rows {
                        fold = fold.keeping(crate::campaign::sorted::MAX_SORTED_CALLS);
                    }
                    let mut read = 0u32;
                    let told = replies.clone();
                    let id = batch_id.clone();
                    // The zone map is read here, off the UI thread, the
                    // first time a number is looked up.
                    let result = count_with(&client, &batch_id, fold, |page| {
                        read += 1;
                        if let Some(progress) = &progress {
                            // Progress may be dropped when the queue is
                            // full: the next page says it again.
                            let _ = told
                                .try_send(progress.make((id.clone(), (read, page.total_pages))));
                        }
                    })
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                    let _ = replies.send(reply.make((batch_id, result))).await;
                });
            }
            Cmd::ExportBatch {
                batch_id,
                name,
                reply,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                let dir = self.store.as_ref().map(|s| s.paths.exports());
                tokio::spawn(async move {
                    let result = match dir {
                        Some(dir) => {
                            crate::campaign::export::export_to_folder(
                                &client,
                                &dir,
                                &batch_id,
                                &name,
                                chrono::Utc::now(),
                            )
                            .await
                        }
                        None => Err("no home directory to write the export in".to_owned()),
                    };
                    let _ = replies.send(reply.make((batch_id, result))).await;
                });
            }
            Cmd::Copy(text) => self.terminal.push(TerminalRequest::Copy(text)),
            Cmd::Suspend => self.terminal.push(TerminalRequest::Suspend),
            Cmd::Alert(text) => {
                if self.notify.is_on() {
                    self.terminal
                        .push(TerminalRequest::Alert(text, self.notify));
                }
            }
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
                            let msg = CreateMsg::DraftWritten { seq, result };
                            let _ = replies.send(Msg::Create(msg)).await;
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
                    let _ = replies
                        .send(Msg::Create(CreateMsg::DraftRemoved(result)))
                        .await;
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
                    let msg = CreateMsg::DraftAdopted { path, result };
                    let _ = replies.send(Msg::Create(msg)).await;
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
                |result| Msg::Create(CreateMsg::TemplateSaved(result)),
            ),
            Cmd::ListTemplates => self.with_templates(
                |t| {
                    let names = t.list()?;
                    Ok(names
                        .into_iter()
                        .map(|name| TemplateEntry {
                            file: t.load(&name),
                            name,
                        })
                        .collect())
                },
                |result| Msg::Create(CreateMsg::TemplatesListed(result)),
            ),
            Cmd::DeleteTemplate { name } => {
                let key = name.clone();
                self.with_templates(
                    move |t| {
                        let path = t.path(&key);
                        std::fs::remove_file(&path)
                            .map_err(|e| format!("cannot remove {}: {e}", path.display()))
                    },
                    move |result| Msg::Create(CreateMsg::TemplateDeleted { name, result }),
                );
            }
            Cmd::MarkImportsGone { batch_id, why } => {
                let Some(dir) = self.store.as_ref().map(|s| s.paths.imports()) else {
                    return;
                };
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = crate::import::recovery::mark_gone(&dir, &batch_id, &why) {
                        tracing::warn!(error = %e, batch_id, "cannot mark its imports' batch gone");
                    }
                });
            }
            Cmd::SetImportAside { batch_id } => {
                let replies = self.replies.clone();
                let dir = self.store.as_ref().map(|s| s.paths.imports());
                tokio::spawn(async move {
                    let id = batch_id.clone();
                    let result = match dir {
                        Some(dir) => tokio::task::spawn_blocking(move || {
                            crate::import::recovery::set_aside(&dir, &id).map_err(|e| e.to_string())
                        })
                        .await
                        .unwrap_or_else(|e| Err(e.to_string())),
                        None => Err("no home directory holds the import journals".to_owned()),
                    };
                    let _ = replies.send(Msg::ImportSetAside { batch_id, result }).await;
                });
            }
            Cmd::SetDraftAside { seq, draft } => {
                let replies = self.replies.clone();
                let store = self.store.clone();
                tokio::spawn(async move {
                    let result = match store {
                        Some(store) => tokio::task::spawn_blocking(move || {
                            store
                                .drafts
                                .set_aside(seq, &draft)
                                .map_err(|e| e.to_string())
                        })
                        .await
                        .unwrap_or_else(|e| Err(e.to_string())),
                        None => Err("no home directory to keep drafts in".to_owned()),
                    };
                    let _ = replies
                        .send(Msg::Create(CreateMsg::DraftSetAside(result)))
                        .await;
                });
            }
            Cmd::ReadPhoneBook { reply } => {
                let Some(path) = self.phone_book.clone() else {
                    return;
                };
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    let result =
                        tokio::task::spawn_blocking(move || crate::config::load_phone_book(&path))
                            .await
                            .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = replies.send(reply.make(result)).await;
                });
            }
            Cmd::AddPhone {
                request_id,
                new,
                reply,
            } => {
                let client = self.client.clone();
                let replies = self.replies.clone();
                let book = self.phone_book.clone();
                // Never aborted: whether the number was registered is
                // known only from its answer, and the book keeps it even
                // when the operator stopped waiting.
                tokio::spawn(async move {
                    let result =
                        crate::store::phonebook::add_phone(&client, &new, book.as_deref()).await;
                    match &result {
                        Ok(done) => tracing::info!(phone_id = %done.phone.id, "phone registered"),
                        // The error's text never quotes the secrets.
                        Err(e) => tracing::warn!(error = %e, "add-phone failed"),
                    }
                    let _ = replies.send(reply.make((request_id, result))).await;
                });
            }
            Cmd::LoadTemplate { name } => {
                let key = name.clone();
                self.with_templates(
                    move |t| t.load(&key),
                    move |result| Msg::Create(CreateMsg::TemplateLoaded { name, result }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Auth, ClientConfig};
    use std::sync::atomic::{AtomicBool, Ordering};

    fn effects() -> (Effects, mpsc::Receiver<Msg>) {
        let config = ClientConfig::new("http://127.0.0.1:9", Auth::ApiKey("key".into()));
        let client = WeyaClient::new(config).unwrap();
        let (tx, rx) = mpsc::channel(8);
        (Effects::new(client, tx, None), rx)
    }

    /// Sets its flag when dropped: an aborted task drops what it holds.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_keyed_job_aborts_the_one_before_and_its_reply_never_comes() {
        let (mut effects, mut replies) = effects();
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = Dropped(dropped.clone());
        let first = effects.replies.clone();
        effects.spawn_keyed(JobKey::Phones("phones"), async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let _ = first.send(Msg::NotSuspended("first".into())).await;
        });
        tokio::task::yield_now().await;
        let second = effects.replies.clone();
        effects.spawn_keyed(JobKey::Phones("phones"), async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let _ = second.send(Msg::NotSuspended("second".into())).await;
        });
        // Another key is left alone.
        let other = effects.replies.clone();
        effects.spawn_keyed(JobKey::BatchLookup, async move {
            let _ = other.send(Msg::NotSuspended("other".into())).await;
        });
        let mut got = Vec::new();
        while got.len() < 2 {
            match replies.recv().await {
                Some(Msg::NotSuspended(which)) => got.push(which),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(got, ["other", "second"]);
        assert!(dropped.load(Ordering::SeqCst), "the first task was aborted");
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(replies.try_recv().is_err(), "the first never answers");
    }

    /// The draft timer, on the paused clock: a change is on disk once
    /// [`DRAFT_DELAY`] has passed since the first change, not before (and
    /// not only at exit), and changes within it are one write of the newest.
    #[tokio::test(start_paused = true)]
    async fn a_change_is_written_as_a_draft_once_its_delay_has_passed() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_file: dir.path().join("config.toml"),
            state_dir: dir.path().to_path_buf(),
            data_dir: dir.path().to_path_buf(),
        };
        let claim = crate::store::draft::claim(&paths.draft(), false);
        let slot = claim.slot.as_ref().unwrap().path().to_path_buf();
        let writer = DraftWriter::new(claim.slot, Box::new(crate::store::draft::Disk));
        let config = ClientConfig::new("http://127.0.0.1:9", Auth::ApiKey("key".into()));
        let (tx, mut replies) = mpsc::channel(8);
        let mut effects = Effects::new(WeyaClient::new(config).unwrap(), tx, Some((paths, writer)));
        let draft = |name: &str| {
            Box::new(Draft {
                saved_at: String::new(),
                name: name.to_owned(),
                calling_numbers: Arc::from(Vec::new()),
                timezone: "UTC".into(),
                window_start: "09:00".into(),
                window_end: "17:00".into(),
                days: vec![1, 2, 3, 4, 5],
                retries: "3".into(),
                delay: "60".into(),
            })
        };
        let read = || crate::store::draft::read(&slot).unwrap().map(|d| d.name);
        let started = tokio::time::Instant::now();
        effects.run(Cmd::SaveDraft {
            seq: 1,
            draft: draft("K"),
        });
        tokio::time::sleep(DRAFT_DELAY / 2).await;
        effects.run(Cmd::SaveDraft {
            seq: 2,
            draft: draft("Kept"),
        });
        tokio::time::sleep(DRAFT_DELAY / 2 - Duration::from_millis(10)).await;
        assert_eq!(read(), None, "nothing is written before the delay");
        match replies.recv().await {
            Some(Msg::Create(CreateMsg::DraftWritten { seq: 2, result })) => result.unwrap(),
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() >= DRAFT_DELAY, "{:?}", started.elapsed());
        assert_eq!(read().as_deref(), Some("Kept"), "the newest change");
        tokio::time::sleep(DRAFT_DELAY * 10).await;
        assert!(replies.try_recv().is_err(), "one write for both changes");
    }

    /// Work of an import is run for its session only, and the end of the
    /// session stops the file job: its cancel flag is set, so the blocking
    /// read stops too, and its reply never comes.
    #[tokio::test]
    async fn closing_an_import_stops_its_file_job() {
        let (mut effects, mut replies) = effects();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("june.csv");
        std::fs::write(&path, "Name,Phone\nAnn,2125550143\n").unwrap();
        effects.run(Cmd::StartImport {
            session: 1,
            batch_id: "64e5f12345abcdef98765432".into(),
        });
        let open = |cancel: &Arc<AtomicBool>| ImportCmd::Open {
            job: 1,
            path: path.display().to_string(),
            sheet: None,
            cancel: Arc::clone(cancel),
        };
        // A command of another session does nothing.
        let stale = Arc::new(AtomicBool::new(false));
        effects.run(Cmd::Import {
            session: 7,
            cmd: open(&stale),
        });
        let cancel = Arc::new(AtomicBool::new(false));
        effects.run(Cmd::Import {
            session: 1,
            cmd: open(&cancel),
        });
        effects.run(Cmd::Import {
            session: 1,
            cmd: ImportCmd::Close,
        });
        tokio::time::timeout(Duration::from_secs(10), async {
            while !cancel.load(Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the job's cancel flag is set");
        assert!(!stale.load(Ordering::SeqCst));
        assert!(replies.try_recv().is_err(), "no reply from either");
        assert!(effects.import.is_none(), "the executor is gone");
    }

    #[tokio::test]
    async fn the_phone_book_is_read_again_off_the_ui_loop() {
        let (mut effects, mut replies) = effects();
        effects.run(crate::tui::views::create::READ_PHONE_BOOK);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phonebook.toml");
        std::fs::write(
            &path,
            "[\"64e5f12345abcdef00000001\"]\nnumber = \"+4930901820\"\nlabel = \"Added\"\n",
        )
        .unwrap();
        effects.set_phone_book(path);
        effects.run(crate::tui::views::create::READ_PHONE_BOOK);
        match replies.recv().await {
            Some(Msg::Create(CreateMsg::PhoneBookRead(Ok(book)))) => {
                assert_eq!(book.len(), 1);
                assert_eq!(book[0].label, "Added");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            replies.try_recv().is_err(),
            "without a path, nothing is read"
        );
    }
}
