//! Runs the import view's [`ImportCmd`]s against the import core and Weya
//! and answers with [`ImportMsg`]s: what the shell's effects call, one
//! task per command. File reading, checking and journal writes run on
//! tokio's blocking pool, so the UI loop never waits on the disk.
//!
//! The executor owns the import journal (one per view) and sends through
//! the import engine ([`crate::import::engine`]), as `batch import` does:
//! the engine records each request as `sending` before it leaves and what
//! its answer means once answered, and says whether sending goes on; the
//! executor hands the view the journal as it then is. The journal also
//! keeps the batch's totalCalls from when the import started, so a
//! request in doubt can be judged after a crash too, here or by `batch
//! import`.
//!
//! Sending takes the import's lock first ([`ImportJournal::lock`]), so a
//! `batch import` of the same file into the same batch cannot send at the
//! same time; the executor keeps it until the view is left and its last
//! request is recorded.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::msg::SplitRequest;
use super::{Comparison, ImportCmd, ImportMsg};
use crate::api::{CallQuery, WeyaClient};
use crate::cli::args::ApiOptions;
use crate::cli::import::{ImportArgs, ImportContext};
use crate::cli::output::{CredentialUsed, Io};
use crate::import::engine::{self, ImportSender, Prepared};
use crate::import::existing::{BatchNumbers, read_batch_numbers};
use crate::import::path::{expand_tilde, list_dir};
use crate::import::{
    Control, FileIdentity, ImportError, ImportJournal, ImportLock, OpenOptions, Overwrite,
    Resolution, SendPlan, check, open, write_rejected,
};

/// Where replies that come before the end of a command (progress) go.
pub type ProgressSink = Arc<dyn Fn(ImportMsg) + Send + Sync>;

/// Runs one import view's commands.
#[derive(Debug, Clone)]
pub struct ImportExecutor {
    client: WeyaClient,
    batch_id: String,
    /// `None` without a state folder: nothing can be sent then.
    journal_dir: Option<PathBuf>,
    home: Option<PathBuf>,
    journal: Arc<Mutex<Option<ImportJournal>>>,
    /// The submit journal and the target's name in it (`sandbox` or the
    /// host), for the timezone the batch was created with.
    submit_journal: Option<(PathBuf, String)>,
    /// The lock of the import being sent, and the file it is for.
    lock: Arc<Mutex<Option<(FileIdentity, ImportLock)>>>,
    /// The engine sending the plan, once sending began.
    sender: Arc<Mutex<Option<ImportSender>>>,
    /// The latest save of the column choices written (its `seq`).
    choices_written: Arc<Mutex<u64>>,
    /// What `batch import --split-by-zone` needs besides the above.
    split: Option<SplitContext>,
}

/// What the split by time zone runs with besides the executor's own:
/// where requests go (as its review says it), where splits are recorded
/// and the phone book (to name calling numbers by).
#[derive(Debug, Clone)]
pub struct SplitContext {
    pub target_label: crate::connection::TargetLabel,
    pub split_dir: Option<PathBuf>,
    pub phone_book: Option<PathBuf>,
}

impl ImportExecutor {
    /// An executor for an import into `batch_id`, keeping journals in
    /// `journal_dir` (the app's `$XDG_STATE_HOME/weya-tui/imports/`; without
    /// one, files can be checked but nothing is sent) and expanding `~` to
    /// `home`.
    pub fn new(
        client: WeyaClient,
        batch_id: &str,
        journal_dir: Option<PathBuf>,
        home: Option<PathBuf>,
    ) -> Self {
        Self {
            client,
            batch_id: batch_id.to_owned(),
            journal_dir,
            home,
            journal: Arc::new(Mutex::new(None)),
            submit_journal: None,
            lock: Arc::new(Mutex::new(None)),
            sender: Arc::new(Mutex::new(None)),
            split: None,
            choices_written: Arc::new(Mutex::new(0)),
        }
    }

    /// Lets `z` on the check run `batch import --split-by-zone`.
    #[must_use]
    pub fn with_split(mut self, split: SplitContext) -> Self {
        self.split = Some(split);
        self
    }

    /// Looks up the batch's timezone in the submit journal at `path`, as
    /// sent to `target` (`sandbox` or the host).
    #[must_use]
    pub fn with_submit_journal(mut self, path: Option<PathBuf>, target: &str) -> Self {
        self.submit_journal = path.map(|p| (p, target.to_owned()));
        self
    }

    /// Runs `cmd` to its end and returns its reply (`None` for
    /// [`ImportCmd::Close`], which is the shell's). Progress along the way
    /// goes to `progress`.
    pub async fn run(&self, cmd: ImportCmd, progress: ProgressSink) -> Option<ImportMsg> {
        let reply = match cmd {
            ImportCmd::ListDir { typed } => {
                let home = self.home.clone();
                let listed = typed.clone();
                let result = blocking(move || {
                    list_dir(
                        &listed,
                        home.as_deref(),
                        crate::import::source::is_supported,
                    )
                    .map_err(|e| format!("{}: {e}", crate::import::path::split(&listed).0))
                })
                .await;
                ImportMsg::DirListed { typed, result }
            }
            ImportCmd::Open {
                job,
                path,
                sheet,
                cancel,
            } => {
                let path = expand_tilde(&path, self.home.as_deref());
                let result = blocking(move || {
                    let mut report = |p| progress(ImportMsg::Progress { job, progress: p });
                    let mut control = Control::default().cancel_on(&cancel).report_to(&mut report);
                    open(&path, &OpenOptions { sheet }, &mut control)
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                })
                .await;
                ImportMsg::Opened { job, result }
            }
            ImportCmd::CheckBatch => {
                let query = crate::api::CallQuery {
                    limit: 1,
                    ..crate::api::CallQuery::default()
                };
                match self.client.batch_details(&self.batch_id, &query).await {
                    Err(e) if e.status() == Some(404) => {
                        ImportMsg::BatchChecked(Some(self.gone(&e).await))
                    }
                    _ => ImportMsg::BatchChecked(None),
                }
            }
            ImportCmd::FindBatchRegion => {
                let (batch_id, journal) = (self.batch_id.clone(), self.submit_journal.clone());
                let region = blocking(move || {
                    Ok::<_, String>(journal.and_then(|(path, target)| {
                        crate::import::region::of_batch(&path, &batch_id, &target)
                    }))
                })
                .await;
                // A journal that cannot be read presets no region.
                ImportMsg::BatchRegion(region.ok().flatten().map(|(region, _)| region))
            }
            ImportCmd::FindJournal { file } => {
                let this = self.clone();
                let result = blocking(move || {
                    let Some(dir) = &this.journal_dir else {
                        return Ok(None);
                    };
                    let found = ImportJournal::find(dir, &this.batch_id, &file)
                        .map_err(|e| e.to_string())?;
                    *this.slot() = found.clone();
                    Ok(found)
                })
                .await;
                ImportMsg::JournalFound(result)
            }
            ImportCmd::FindChoices { file } => {
                let this = self.clone();
                let result = blocking(move || match &this.journal_dir {
                    Some(dir) => crate::import::choices::load(dir, &this.batch_id, &file),
                    None => Ok(None),
                })
                .await;
                ImportMsg::ChoicesFound(result)
            }
            ImportCmd::SaveChoices { seq, choices } => {
                let dir = self.journal_dir.clone();
                let written = Arc::clone(&self.choices_written);
                let result = blocking(move || {
                    // Nowhere to keep them: nothing is sent either.
                    let Some(dir) = &dir else {
                        return Ok(());
                    };
                    let mut last = written.lock().unwrap_or_else(PoisonError::into_inner);
                    if *last > seq {
                        return Ok(());
                    }
                    crate::import::choices::save(dir, &choices)?;
                    *last = seq;
                    Ok(())
                })
                .await;
                ImportMsg::ChoicesSaved(result)
            }
            ImportCmd::Check {
                job,
                file,
                settings,
                cancel,
            } => {
                let result = blocking(move || {
                    let mut report = |p| progress(ImportMsg::Progress { job, progress: p });
                    let mut control = Control::default().cancel_on(&cancel).report_to(&mut report);
                    check(&file, &settings, &mut control)
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                })
                .await;
                ImportMsg::Checked { job, result }
            }
            ImportCmd::WriteRejected {
                file,
                report,
                overwrite,
            } => {
                let overwrite = if overwrite {
                    Overwrite::Yes
                } else {
                    Overwrite::No
                };
                let result =
                    blocking(move || Ok::<_, String>(write_rejected(&file, &report, overwrite)))
                        .await;
                match result {
                    Ok(Err(ImportError::RejectedExists {
                        path,
                        regular: true,
                    })) => ImportMsg::RejectedExists(path),
                    Ok(written) => ImportMsg::RejectedWritten(written.map_err(|e| e.to_string())),
                    Err(e) => ImportMsg::RejectedWritten(Err(e)),
                }
            }
            ImportCmd::Compare {
                job,
                plan,
                requests,
            } => match self.compare(job, plan, requests, &progress).await {
                // Weya does not find the batch: said as when the view opens,
                // and nothing is sent to it.
                Err(Compare::Gone(e)) => ImportMsg::CompareGone {
                    job,
                    why: self.gone(&e).await,
                },
                Err(Compare::Failed(e)) => ImportMsg::Compared {
                    job,
                    result: Err(e),
                },
                Ok(comparison) => ImportMsg::Compared {
                    job,
                    result: Ok(comparison),
                },
            },
            ImportCmd::BeginSend { plan, existing } => {
                ImportMsg::SendReady(self.begin_send(plan, existing).await)
            }
            ImportCmd::SendRequest { index } => self.send_request(index).await,
            ImportCmd::FetchTotals => ImportMsg::Totals(self.total_calls().await),
            ImportCmd::SplitByZone(request) => ImportMsg::SplitRan {
                dry_run: request.dry_run,
                result: self.split_by_zone(request).await,
            },
            ImportCmd::ResolveUnknown { index, resolution } => {
                if resolution == Resolution::SendAgain {
                    // The rows may have landed since the batch's numbers
                    // were read: read them again, so that sending again
                    // leaves out those there now.
                    self.refresh_existing().await;
                }
                ImportMsg::JournalUpdated(
                    self.with_journal(move |j| {
                        j.resolve_unknown(index, resolution)
                            .map_err(|e| e.to_string())
                    })
                    .await,
                )
            }
            ImportCmd::RetryFailed => ImportMsg::JournalUpdated(
                self.with_journal(|j| j.retry_failed().map(drop).map_err(|e| e.to_string()))
                    .await,
            ),
            ImportCmd::DiscardJournal => {
                let this = self.clone();
                let result = blocking(move || {
                    let Some(journal) = this.slot().take() else {
                        return Ok(());
                    };
                    // Not while another run sends from it.
                    if let Err(e) = this.claim(journal.file()) {
                        *this.slot() = Some(journal);
                        return Err(e);
                    }
                    journal.discard().map_err(|e| e.to_string())
                })
                .await;
                ImportMsg::JournalDiscarded(result)
            }
            ImportCmd::Close => return None,
        };
        Some(reply)
    }

    fn slot(&self) -> MutexGuard<'_, Option<ImportJournal>> {
        // A panic while holding the lock leaves a journal that matches its
        // file (every change is written before memory keeps it).
        self.journal.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Holds the import lock of `file` into this batch, taking it unless
    /// it is held already; another file's is let go. Blocking.
    fn claim(&self, file: &FileIdentity) -> Result<(), String> {
        let Some(dir) = &self.journal_dir else {
            return Err(NO_STATE_FOLDER.to_owned());
        };
        let mut held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if held.as_ref().is_some_and(|(of, _)| of == file) {
            return Ok(());
        }
        *held = None;
        let lock = ImportJournal::lock(dir, &self.batch_id, file)
            .map_err(|e| format!("{e}; nothing was sent"))?;
        *held = Some((file.clone(), lock));
        Ok(())
    }

    /// Applies `change` to the journal in use and returns it as it is now.
    async fn with_journal(
        &self,
        change: impl FnOnce(&mut ImportJournal) -> Result<(), String> + Send + 'static,
    ) -> Result<ImportJournal, String> {
        let this = self.clone();
        blocking(move || {
            let mut slot = this.slot();
            let journal = slot
                .as_mut()
                .ok_or_else(|| "no import is under way".to_owned())?;
            change(journal)?;
            Ok(journal.clone())
        })
        .await
    }

    /// The journal for `plan`, under the import's lock: the recorded one
    /// when its plan is this one (resuming), else a new one, with the
    /// batch's totalCalls now.
    async fn begin_send(
        &self,
        plan: Arc<SendPlan>,
        existing: Option<Arc<BatchNumbers>>,
    ) -> Result<ImportJournal, String> {
        *self.sender_slot() = Some(
            ImportSender::new(self.client.clone(), &self.batch_id, Arc::clone(&plan))
                .leaving_out(existing),
        );
        let Some(dir) = self.journal_dir.clone() else {
            return Err(NO_STATE_FOLDER.to_owned());
        };
        let this = self.clone();
        let found = {
            let (plan, dir) = (Arc::clone(&plan), dir.clone());
            blocking(move || {
                this.claim(plan.identity())?;
                // Read again under the lock: another run may have sent
                // since the view looked.
                let recorded = ImportJournal::find(&dir, &this.batch_id, plan.identity())
                    .map_err(|e| e.to_string())?;
                let mut slot = this.slot();
                let Some(journal) = recorded else {
                    *slot = None;
                    return Ok(None);
                };
                if let Err(e) = journal.check_plan(&plan) {
                    *slot = Some(journal);
                    return Err(format!(
                        "{e}: an import of this file into this batch is recorded with other \
                         columns; resume it or start over"
                    ));
                }
                *slot = Some(journal.clone());
                Ok(Some(journal))
            })
            .await?
        };
        if let Some(journal) = found {
            return Ok(journal);
        }
        // The count before anything is sent: what a request in doubt is
        // judged against. Not knowing it does not stop the import.
        let before = self.total_calls().await.ok();
        let this = self.clone();
        blocking(move || {
            let journal = ImportJournal::start(&dir, &this.batch_id, &plan, before)
                .map_err(|e| e.to_string())?;
            *this.slot() = Some(journal.clone());
            Ok(journal)
        })
        .await
    }

    fn sender_slot(&self) -> MutexGuard<'_, Option<ImportSender>> {
        self.sender.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One request through the engine: recorded as sending (or not sent at
    /// all), sent, and its answer recorded; the journal as it then is, and
    /// why sending stops, if it does.
    async fn send_request(&self, index: usize) -> ImportMsg {
        let Some(sender) = self.sender_slot().clone() else {
            return ImportMsg::RequestDone {
                index,
                journal: None,
                stop: Some("no import is under way: nothing was sent".to_owned()),
            };
        };
        let this = self.clone();
        let prepare = sender.clone();
        let prepared = blocking(move || {
            let mut slot = this.slot();
            let Some(journal) = slot.as_mut() else {
                return Err("no import journal: nothing was sent".to_owned());
            };
            let prepared = prepare.prepare(journal, index);
            Ok((prepared, journal.clone()))
        })
        .await;
        let ready = match prepared {
            Err(reason) => {
                return ImportMsg::RequestDone {
                    index,
                    journal: None,
                    stop: Some(reason),
                };
            }
            Ok((Err(not_sent), journal)) => {
                return ImportMsg::RequestDone {
                    index,
                    journal: Some(journal),
                    stop: Some(not_sent.to_string()),
                };
            }
            Ok((Ok(Prepared::AllLeftOut { .. }), journal)) => {
                return ImportMsg::RequestDone {
                    index,
                    journal: Some(journal),
                    stop: None,
                };
            }
            Ok((Ok(Prepared::Ready(ready)), _)) => ready,
        };
        let answer = sender.post(&ready).await;
        let this = self.clone();
        let recorded = blocking(move || {
            let mut slot = this.slot();
            let Some(journal) = slot.as_mut() else {
                return Err("the import journal is gone".to_owned());
            };
            let outcome = engine::finish(journal, index, ready.sent, &answer);
            Ok((outcome.stop(), journal.clone()))
        })
        .await;
        match recorded {
            Ok((stop, journal)) => ImportMsg::RequestDone {
                index,
                journal: Some(journal),
                stop,
            },
            // The request left: whatever stopped the recording, the
            // journal on disk says `sending`, which reads as unknown.
            Err(reason) => ImportMsg::RequestDone {
                index,
                journal: None,
                stop: Some(format!(
                    "request {} was sent, but its answer could not be recorded: {reason}",
                    index + 1
                )),
            },
        }
    }

    /// Reads the batch's numbers, page by page (told to `progress`), and
    /// counts the rows of `requests` that carry one.
    /// Weya answered 404 for the batch (`answer`): why the view says it
    /// is gone; the journals of its imports say so too.
    async fn gone(&self, answer: &(dyn std::fmt::Display + Sync)) -> String {
        let why = format!("Weya answers {answer}");
        if let Some(dir) = self.journal_dir.clone() {
            let (id, said) = (self.batch_id.clone(), why.clone());
            let _ = blocking(move || {
                crate::import::recovery::mark_gone(&dir, &id, &said).map_err(|e| e.to_string())
            })
            .await;
        }
        why
    }

    async fn compare(
        &self,
        job: u64,
        plan: Arc<SendPlan>,
        requests: Vec<usize>,
        progress: &ProgressSink,
    ) -> Result<Arc<Comparison>, Compare> {
        let numbers = read_batch_numbers(&self.client, &self.batch_id, |pages| {
            progress(ImportMsg::CompareProgress { job, pages });
        })
        .await
        .map_err(|e| match e.api_error() {
            Some(api) if api.status() == Some(404) => Compare::Gone(api.to_string()),
            _ => Compare::Failed(e.to_string()),
        })?;
        let numbers = Arc::new(numbers);
        let counted = Arc::clone(&numbers);
        let left_out = blocking(move || {
            plan.left_out(&counted, &requests, &mut Control::default())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(Compare::Failed)?;
        Ok(Arc::new(Comparison {
            numbers,
            left_out: left_out.iter().map(|(_, n)| u64::from(*n)).sum(),
        }))
    }

    /// Reads the batch's numbers again for the engine, when it compares
    /// with them; if they cannot be read, the last ones stay.
    async fn refresh_existing(&self) {
        let Some(sender) = self.sender_slot().clone() else {
            return;
        };
        if sender.existing().is_none() {
            return;
        }
        match read_batch_numbers(&self.client, &self.batch_id, |_| {}).await {
            Ok(numbers) => {
                *self.sender_slot() = Some(sender.leaving_out(Some(Arc::new(numbers))));
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the batch's numbers again"),
        }
    }

    /// The batch's totalCalls, from batch details (one call per page is
    /// enough: the total counts them all).
    async fn total_calls(&self) -> Result<u64, String> {
        let query = CallQuery {
            limit: 1,
            ..CallQuery::default()
        };
        self.client
            .batch_details(&self.batch_id, &query)
            .await
            .map(|details| details.total)
            .map_err(|e| e.to_string())
    }
}

const NO_STATE_FOLDER: &str = "there is no state folder for the import journal (no home \
                               directory): nothing was sent";

/// Runs `work` on the blocking pool. A panic there is the one way it
/// cannot answer; it becomes an error the screen shows.
async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: Send + 'static + From<String>,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) => Err(E::from(format!("the import task stopped: {e}"))),
    }
}

/// What a command run here printed, its two streams in one buffer.
#[derive(Clone, Default)]
struct Printed(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `batch import ID FILE --split-by-zone` as the view's choices give it.
fn split_args(batch_id: &str, request: SplitRequest) -> ImportArgs {
    ImportArgs {
        batch_id: batch_id.to_owned(),
        file: request.file,
        phone_column: request.phone_column,
        skip_column: request.skip_column,
        map: Vec::new(),
        rename: request.rename,
        region: Some(request.region),
        allow_countries: request.allow_countries,
        without_extensions: request.without_extensions,
        sheet: request.sheet,
        rejected: None,
        dry_run: request.dry_run,
        yes: !request.dry_run,
        resend_unknown: false,
        unknown_added: false,
        again: false,
        include_existing: false,
        overwrite_rejected: false,
        split_by_zone: true,
        fixed: None,
        api: ApiOptions {
            json: false,
            api_key_stdin: false,
            token_stdin: false,
        },
    }
}

impl ImportExecutor {
    /// Runs the CLI's split (its review with `request.dry_run`) to its
    /// end on a blocking thread (its output streams are not `Send`),
    /// keeping what it prints: its exit code and its text.
    async fn split_by_zone(&self, request: SplitRequest) -> Result<(u8, String), String> {
        let this = self.clone();
        let handle = tokio::runtime::Handle::current();
        blocking(move || {
            let Some(split) = &this.split else {
                return Err("the split by time zone is not available here".to_owned());
            };
            let hours = request.hours;
            let args = split_args(&this.batch_id, request);
            let label = &split.target_label;
            let credential = CredentialUsed {
                summary: label.credentials_text(),
            };
            let (submit_journal, target) = match &this.submit_journal {
                Some((path, target)) => (Some(path.clone()), target.clone()),
                None => (None, label.name().to_owned()),
            };
            let ctx = ImportContext {
                client: &this.client,
                credential: &credential,
                target: &target,
                journal_dir: this.journal_dir.clone(),
                submit_journal,
                progress: false,
                contact_hours: hours,
                split_dir: split.split_dir.clone(),
                target_label: label,
                phone_book: split
                    .phone_book
                    .as_deref()
                    .and_then(|p| crate::config::load_phone_book(p).ok())
                    .unwrap_or_default(),
            };
            // Its output and its errors in one text, in the order written.
            let printed = Printed::default();
            let (mut out, mut err) = (printed.clone(), printed.clone());
            let code = {
                let mut io = Io::new(&mut out, &mut err, false);
                handle
                    .block_on(crate::cli::import::run(&args, &ctx, &mut io))
                    .map_err(|e| e.to_string())?
            };
            let text = String::from_utf8_lossy(&printed.0.borrow()).into_owned();
            Ok((code, text))
        })
        .await
    }
}

/// Why the batch's numbers were not compared.
enum Compare {
    /// Weya does not find the batch (its answer).
    Gone(String),
    Failed(String),
}
