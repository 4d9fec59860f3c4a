//! The sandbox's state: seed phone numbers, the batches with their calls,
//! the simulated clock and dialer.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::{Map, Value};
use tokio::sync::Notify;

use super::Fault;
use super::auth::SandboxAuth;
use super::dialer::{self, DialerConfig, Rng};
use super::model::{CallStep, QueueCache, QueueStatus, StoredBatch, StoredCall, StoredPhone};
use super::persist::{self, Loaded, Mutation, MutationLog, SavedStateRef};
use crate::api::types::{ADD_CALLS_CHUNK, FIRST_CHUNK_NUM, FailedChunk};
use crate::api::{BatchDetails, BatchSummary, CallQuery, Phone, SortOrder};

const SEED_PHONES: &str = include_str!("../../assets/sandbox-phones.json");

/// The most calls one batch-details page holds in the sandbox (Weya does
/// not document a limit).
pub const MAX_PAGE: u64 = 100;

/// The most simulated time the dialer catches up at once: at a start, from
/// where the saved state had got to, and after a laptop wakes. Of a longer
/// absence the first 24 hours are dialled and the rest skipped (nothing is
/// picked up in it; calls on the line end at once). It bounds the work a
/// start may do: 24 hours are at most about 170,000 calls a batch at the
/// dialer's two a second, and stretches with nothing to dial cost nothing.
pub const MAX_CATCH_UP: Duration = Duration::from_secs(24 * 3600);

/// How the sandbox tells the time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock: the running server dials in real time.
    #[default]
    Wall,
    /// Starts at `start` and moves only with [`super::Sandbox::advance`]:
    /// tests say exactly how much time passes.
    Manual { start: DateTime<Utc> },
    /// Starts at `start` and runs with tokio's clock, so a test on a paused
    /// clock moves it with `tokio::time::advance` or a sleep.
    Tokio { start: DateTime<Utc> },
}

/// What start-calling or stop-calling found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switched {
    Started,
    Stopped,
    NoBatch,
}

/// What an addCallsToBatch request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub call_ids: Vec<String>,
    pub failed_chunks: Vec<FailedChunk>,
}

/// A change the sandbox could not record in its log: it was not made, and
/// the request that asked for it is answered with a 500.
#[derive(Debug, thiserror::Error)]
#[error("the sandbox could not store the change: {0}")]
pub struct NotStored(#[from] std::io::Error);

/// The mutable part, behind one lock.
struct State {
    batches: Vec<StoredBatch>,
    /// Numbers registered with add-phone, after the seed ones.
    phones: Vec<StoredPhone>,
    /// Simulated up to here.
    now: DateTime<Utc>,
    rng: Rng,
}

/// What a start made of the time since the saved state: dialled, and
/// skipped beyond [`MAX_CATCH_UP`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaughtUp {
    pub dialed: Duration,
    pub skipped: Duration,
    /// Whether the dialer changed anything meanwhile.
    pub changed: bool,
}

/// Everything the sandbox knows.
pub struct SandboxStore {
    /// The seed numbers, from `assets/`.
    phones: Vec<Phone>,
    state: Mutex<State>,
    auth: SandboxAuth,
    ids: IdSource,
    fault: Mutex<Option<Fault>>,
    create_requests: AtomicUsize,
    clock: Clock,
    /// Where tokio's clock stood at `Clock::Tokio`'s start.
    tokio_anchor: tokio::time::Instant,
    dialer: DialerConfig,
    /// Bumped by every change worth saving.
    generation: AtomicU64,
    /// Wakes the task that saves the state.
    pub(super) changed: Notify,
    /// Wakes the dialer's task when there is something to dial.
    pub(super) dialer_wake: Notify,
    /// Where each change is recorded before it is made, when the state is
    /// kept on disk. Taken inside the state's lock, so the log's order is
    /// the order of the changes.
    log: Mutex<Option<MutationLog>>,
}

impl SandboxStore {
    /// A store with the seed phone numbers from `assets/` and no batches,
    /// on the wall clock.
    pub fn seeded() -> Self {
        Self::with(
            Clock::Wall,
            DialerConfig::default(),
            SandboxAuth::new(None, None),
            Vec::new(),
        )
    }

    pub(super) fn with(
        clock: Clock,
        dialer: DialerConfig,
        auth: SandboxAuth,
        batches: Vec<StoredBatch>,
    ) -> Self {
        let ids = IdSource::new();
        // The seed is compiled in and covered by a test; an empty list is the
        // only sane fallback if it were ever broken.
        let phones = serde_json::from_str(SEED_PHONES).unwrap_or_default();
        let now = match clock {
            Clock::Wall => Utc::now(),
            Clock::Manual { start } | Clock::Tokio { start } => start,
        };
        Self {
            phones,
            state: Mutex::new(State {
                batches,
                phones: Vec::new(),
                now,
                rng: Rng::new(dialer.seed),
            }),
            auth,
            ids,
            fault: Mutex::new(None),
            create_requests: AtomicUsize::new(0),
            clock,
            tokio_anchor: tokio::time::Instant::now(),
            dialer,
            generation: AtomicU64::new(0),
            changed: Notify::new(),
            dialer_wake: Notify::new(),
            log: Mutex::new(None),
        }
    }

    /// Records every change from now on in `log` before making it.
    pub(super) fn keep_log(&self, log: MutationLog) {
        *self.log.lock().unwrap_or_else(|e| e.into_inner()) = Some(log);
    }

    /// Records `mutation` (when a log is kept), then makes it in `state`.
    /// Nothing changes if it cannot be recorded.
    fn commit(&self, state: &mut State, mutation: Mutation) -> Result<(), NotStored> {
        if let Some(log) = self.log.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            log.append(&mutation)?;
        }
        mutation.apply(&mut state.batches, &mut state.phones);
        Ok(())
    }

    /// Turns a fault on (or off with `None`) for the following requests.
    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    pub(super) fn fault(&self) -> Option<Fault> {
        self.fault.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many createBatch requests arrived (valid or not).
    pub fn create_requests(&self) -> usize {
        self.create_requests.load(Ordering::SeqCst)
    }

    pub(super) fn count_create_request(&self) {
        self.create_requests.fetch_add(1, Ordering::SeqCst);
    }

    /// The workspace key it takes (x-api-key).
    pub fn key(&self) -> &SecretString {
        self.auth.key()
    }

    /// The Bearer token it takes.
    pub fn token(&self) -> &SecretString {
        self.auth.token()
    }

    /// Which credential each endpoint takes.
    pub(super) fn auth(&self) -> &SandboxAuth {
        &self.auth
    }

    /// The workspace's numbers: the seed ones, then those added.
    pub fn phones(&self) -> Vec<Phone> {
        let state = self.lock();
        let mut all = self.phones.clone();
        all.extend(state.phones.iter().map(StoredPhone::to_phone));
        all
    }

    /// Of `ids`, those that are not phone IDs of the workspace, in order.
    pub fn foreign_phones<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let state = self.lock();
        ids.into_iter()
            .filter(|id| {
                !self.phones.iter().any(|p| p.id == *id)
                    && !state.phones.iter().any(|p| p.id == *id)
            })
            .collect()
    }

    /// Registers a number (add-phone): a new phone ID. Weya documents no
    /// rule on a number added twice; each add is a new phone. Recorded
    /// before it is made. The provider's credentials are not kept.
    pub fn try_add_phone(
        &self,
        phone_number: String,
        integration: String,
    ) -> Result<StoredPhone, NotStored> {
        let mut state = self.lock();
        let phone = StoredPhone {
            id: self.ids.object_id(),
            phone_number,
            integration,
            created_at: self.clock_now(state.now),
        };
        let added = phone.clone();
        self.commit(&mut state, Mutation::AddPhone { phone })?;
        drop(state);
        self.touch();
        Ok(added)
    }

    pub fn dialer_config(&self) -> &DialerConfig {
        &self.dialer
    }

    /// The sandbox's time: what new batches and calls are stamped with.
    pub fn now(&self) -> DateTime<Utc> {
        let simulated = self.lock().now;
        self.clock_now(simulated)
    }

    fn clock_now(&self, simulated: DateTime<Utc>) -> DateTime<Utc> {
        match self.clock {
            Clock::Wall => Utc::now().max(simulated),
            Clock::Manual { .. } => simulated,
            Clock::Tokio { start } => {
                let run = tokio::time::Instant::now() - self.tokio_anchor;
                (start + chrono::Duration::from_std(run).unwrap_or_default()).max(simulated)
            }
        }
    }

    /// Stores a validated batch and returns its new ID. It starts paused,
    /// with no calls. Recorded before it is made, when the state is kept.
    pub fn try_insert(&self, name: String, body: Value) -> Result<String, NotStored> {
        let id = self.ids.object_id();
        let mut state = self.lock();
        let now = self.clock_now(state.now);
        let batch = StoredBatch {
            id: id.clone(),
            name,
            body,
            created_at: now,
            updated_at: now,
            status: QueueStatus::Paused,
            calls: Vec::new(),
            example: false,
            run_from: 0,
            credit: 0.0,
            queue: QueueCache::default(),
        };
        self.commit(&mut state, Mutation::Create { batch })?;
        drop(state);
        self.touch();
        Ok(id)
    }

    /// [`Self::try_insert`] for tests and set-ups, where a change that
    /// cannot be recorded is made all the same (and said in the log).
    pub fn insert(&self, name: String, body: Value) -> String {
        self.best_effort(|| self.try_insert(name.clone(), body.clone()))
    }

    /// Makes a change even when the log cannot record it: the log is
    /// given up (the state file, saved a moment later, keeps the change)
    /// and the change made without it, which cannot fail.
    fn best_effort<T>(&self, mut change: impl FnMut() -> Result<T, NotStored>) -> T {
        loop {
            match change() {
                Ok(done) => return done,
                Err(e) => {
                    tracing::warn!(error = %e, "the sandbox no longer logs its changes");
                    *self.log.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
            }
        }
    }

    /// All batches, newest first.
    pub fn batches(&self) -> Vec<StoredBatch> {
        let mut all = self.lock().batches.clone();
        all.reverse();
        all
    }

    /// One batch.
    pub fn batch(&self, id: &str) -> Option<StoredBatch> {
        self.lock().batches.iter().find(|b| b.id == id).cloned()
    }

    /// Whether `id` is one of the examples the sandbox started with.
    pub fn is_example(&self, id: &str) -> bool {
        self.lock().batches.iter().any(|b| b.id == id && b.example)
    }

    /// The batch list's items whose name or `queue_status` contains
    /// `needle` (lower case), newest first: Weya's `search` filters "by
    /// batchName or queue_status".
    pub fn summaries(&self, needle: &str) -> Vec<BatchSummary> {
        self.lock()
            .batches
            .iter()
            .rev()
            .filter(|b| {
                b.name.to_lowercase().contains(needle) || b.status.as_str().contains(needle)
            })
            .map(StoredBatch::summary)
            .collect()
    }

    /// One page of a batch's calls. `query.filter` matches a call's latest
    /// status; `query.search` looks in the phone number and the contact
    /// fields, case-insensitively. `None` when there is no such batch.
    pub fn details(&self, id: &str, query: &CallQuery) -> Option<BatchDetails> {
        let state = self.lock();
        let batch = state.batches.iter().find(|b| b.id == id)?;
        let needle = query
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let digits: String = needle
            .as_deref()
            .filter(|n| {
                n.chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            })
            .map(|n| n.chars().filter(char::is_ascii_digit).collect())
            .unwrap_or_default();
        let mut matching: Vec<(usize, &StoredCall)> = batch
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                query
                    .filter
                    .as_deref()
                    .is_none_or(|status| c.status() == Some(status))
            })
            .filter(|(_, c)| needle.as_deref().is_none_or(|n| c.matches(n, &digits)))
            .collect();
        // Calls added together share a time: their order of arrival decides.
        matching.sort_by_key(|(i, c)| (c.created_at, *i));
        if query.sort_order == SortOrder::Desc {
            matching.reverse();
        }
        let page = u64::from(query.page.max(1));
        let limit = u64::from(query.limit).clamp(1, MAX_PAGE);
        let total = matching.len() as u64;
        let calls = matching
            .iter()
            .skip(crate::num::usize_sat((page - 1) * limit))
            .take(limit as usize)
            .map(|(_, c)| c.to_call())
            .collect();
        Some(BatchDetails {
            batch_id: batch.id.clone(),
            batch_name: batch.name.clone(),
            batch_status: batch.status.as_str().to_owned(),
            page,
            limit,
            total,
            total_pages: total.div_ceil(limit),
            calls,
        })
    }

    /// start-calling (`start`) or stop-calling. Starting any batch makes
    /// it active (Weya does not say whether start resumes a stopped batch;
    /// the sandbox resumes it). Stopping keeps a completed batch completed;
    /// calls on the line finish either way. Recorded before it is made.
    pub fn try_switch(&self, id: &str, start: bool) -> Result<Switched, NotStored> {
        let mut state = self.lock();
        let now = self.clock_now(state.now);
        let Some(batch) = state.batches.iter().find(|b| b.id == id) else {
            return Ok(Switched::NoBatch);
        };
        let status = match (start, batch.status) {
            (true, _) => QueueStatus::Active,
            (false, QueueStatus::Completed) => QueueStatus::Completed,
            (false, _) => QueueStatus::Stopped,
        };
        // A start also ends a run of callData calls: every call is dialled.
        if batch.status != status || (start && batch.run_from != 0) {
            let batch = id.to_owned();
            self.commit(
                &mut state,
                Mutation::Switch {
                    batch,
                    status,
                    at: now,
                },
            )?;
        }
        drop(state);
        self.touch();
        self.dialer_wake.notify_one();
        Ok(if start {
            Switched::Started
        } else {
            Switched::Stopped
        })
    }

    /// start-calling with `callData`: `rows` (validated, each with a
    /// `phoneNumber` string) become calls of the batch, and the dialer
    /// works through them "instead of existing batch calls", as Weya's
    /// page says; the others wait for a start without `callData`.
    /// `None` when there is no such batch. Recorded before it is made.
    pub fn try_start_with(
        &self,
        id: &str,
        rows: Vec<Map<String, Value>>,
    ) -> Result<Option<Vec<String>>, NotStored> {
        let mut state = self.lock();
        let now = self.clock_now(state.now);
        if !state.batches.iter().any(|b| b.id == id) {
            return Ok(None);
        }
        let calls: Vec<StoredCall> = rows
            .into_iter()
            .filter_map(|mut fields| {
                let phone_number = match fields.shift_remove("phoneNumber") {
                    Some(Value::String(s)) => s,
                    _ => return None,
                };
                Some(StoredCall {
                    id: self.ids.object_id(),
                    phone_number,
                    fields,
                    created_at: now,
                    logs: Vec::new(),
                    next: CallStep::Waiting { not_before: None },
                })
            })
            .collect();
        let ids = calls.iter().map(|c| c.id.clone()).collect();
        let batch = id.to_owned();
        self.commit(
            &mut state,
            Mutation::StartWith {
                batch,
                calls,
                at: now,
            },
        )?;
        drop(state);
        self.touch();
        self.dialer_wake.notify_one();
        Ok(Some(ids))
    }

    /// [`Self::try_switch`], made even if it cannot be recorded.
    pub fn switch(&self, id: &str, start: bool) -> Switched {
        self.best_effort(|| self.try_switch(id, start))
    }

    /// Deletes a batch and its calls; `false` when there is no such batch.
    /// Recorded before it is made.
    pub fn try_delete(&self, id: &str) -> Result<bool, NotStored> {
        let mut state = self.lock();
        if !state.batches.iter().any(|b| b.id == id) {
            return Ok(false);
        }
        let batch = id.to_owned();
        let at = Some(self.clock_now(state.now));
        self.commit(&mut state, Mutation::Delete { batch, at })?;
        drop(state);
        self.touch();
        Ok(true)
    }

    /// [`Self::try_delete`], made even if it cannot be recorded.
    pub fn delete(&self, id: &str) -> bool {
        self.best_effort(|| self.try_delete(id))
    }

    /// Adds validated rows (each has a `phoneNumber` string) to a batch in
    /// chunks of [`ADD_CALLS_CHUNK`], as Weya does. `fail_chunk` (a
    /// 0-based index) is a chunk to fail on purpose. `None` when there is
    /// no such batch. A completed batch becomes active again: it was
    /// started, and there is work again. Recorded before it is made.
    pub fn try_add_calls(
        &self,
        id: &str,
        rows: Vec<Map<String, Value>>,
        fail_chunk: Option<usize>,
    ) -> Result<Option<Added>, NotStored> {
        let mut state = self.lock();
        let now = self.clock_now(state.now);
        let Some(batch) = state.batches.iter().find(|b| b.id == id) else {
            return Ok(None);
        };
        let status = batch.status;
        let mut added = Added {
            call_ids: Vec::with_capacity(rows.len()),
            failed_chunks: Vec::new(),
        };
        let mut calls = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter().peekable();
        let mut chunk = 0;
        while rows.peek().is_some() {
            let rows_of_chunk = rows.by_ref().take(ADD_CALLS_CHUNK);
            if fail_chunk == Some(chunk) {
                rows_of_chunk.for_each(drop);
                added.failed_chunks.push(FailedChunk {
                    chunk_num: chunk as u64 + FIRST_CHUNK_NUM,
                    error: "The sandbox failed this chunk on purpose (fault partial-207): \
                            send its rows again"
                        .to_owned(),
                });
            } else {
                for mut fields in rows_of_chunk {
                    let phone_number = match fields.shift_remove("phoneNumber") {
                        Some(Value::String(s)) => s,
                        _ => continue,
                    };
                    let call_id = self.ids.object_id();
                    added.call_ids.push(call_id.clone());
                    calls.push(StoredCall {
                        id: call_id,
                        phone_number,
                        fields,
                        created_at: now,
                        logs: Vec::new(),
                        next: CallStep::Waiting { not_before: None },
                    });
                }
            }
            chunk += 1;
        }
        if !calls.is_empty() {
            let status = match status {
                QueueStatus::Completed => QueueStatus::Active,
                other => other,
            };
            let batch = id.to_owned();
            self.commit(
                &mut state,
                Mutation::AddCalls {
                    batch,
                    calls,
                    status,
                    at: now,
                },
            )?;
        }
        drop(state);
        self.touch();
        self.dialer_wake.notify_one();
        Ok(Some(added))
    }

    /// [`Self::try_add_calls`], made even if it cannot be recorded.
    pub fn add_calls(
        &self,
        id: &str,
        rows: Vec<Map<String, Value>>,
        fail_chunk: Option<usize>,
    ) -> Option<Added> {
        self.best_effort(|| self.try_add_calls(id, rows.clone(), fail_chunk))
    }

    /// Moves the simulated time on by `by`, dialing as it goes.
    pub fn advance(&self, by: Duration) {
        let changed = simulate(&mut self.lock(), by, &self.dialer);
        if changed {
            self.touch();
        }
    }

    /// The dialer's task: catch the simulation up with the clock. `elapsed`
    /// is how long tokio's clock ran since the last tick.
    pub(super) fn tick(&self, elapsed: Duration) {
        let mut state = self.lock();
        let target = match self.clock {
            Clock::Manual { .. } => return,
            Clock::Tokio { .. } => {
                state.now + chrono::Duration::from_std(elapsed).unwrap_or_default()
            }
            Clock::Wall => Utc::now().max(state.now),
        };
        // After a suspended laptop wakes, as after a start.
        let mut budget = MAX_CATCH_UP;
        let changed = dial_to(&mut state, target, &mut budget, &self.dialer);
        drop(state);
        if changed {
            self.touch();
        }
    }

    /// Takes up the saved state at start: the batches and phones as saved,
    /// then each logged change that the file does not hold yet, at its
    /// time, the dialer moving on between them from where it had got; then
    /// on to the clock's time. So a batch started by a command that ended
    /// at once has dialled, when the next command looks, what it would
    /// have dialled had a process kept running (at most [`MAX_CATCH_UP`]
    /// of it). Returns how much time was dialled and how much skipped.
    pub(super) fn restore(&self, loaded: Loaded) -> CaughtUp {
        let Loaded {
            state: saved,
            pending,
            ..
        } = loaded;
        let mut guard = self.lock();
        let state = &mut *guard;
        let clock = self.clock_now(state.now);
        state.batches = saved.batches;
        state.phones = saved.phones;
        if let Some(rng) = saved.rng {
            state.rng = Rng::new(rng);
        }
        // Where the dialer had got to: as saved, or (a log without a state
        // file) when the first change was made.
        if let Some(from) = saved
            .dialed_until
            .or_else(|| pending.first().and_then(Mutation::at))
        {
            state.now = from;
        }
        let target = clock.max(state.now);
        let mut budget = MAX_CATCH_UP;
        let mut caught = CaughtUp::default();
        let mut catch_up = |state: &mut State, to: DateTime<Utc>, budget: &mut Duration| {
            let before = *budget;
            let gap = (to - state.now).to_std().unwrap_or_default();
            caught.changed |= dial_to(state, to, budget, &self.dialer);
            caught.dialed += before - *budget;
            caught.skipped += gap - (before - *budget);
        };
        for mutation in pending {
            if let Some(at) = mutation.at() {
                catch_up(state, at, &mut budget);
            }
            mutation.apply(&mut state.batches, &mut state.phones);
        }
        catch_up(state, target, &mut budget);
        drop(guard);
        self.touch();
        self.dialer_wake.notify_one();
        caught
    }

    /// Brings the simulated time up to the clock without dialing, after a
    /// spell with nothing to dial.
    pub(super) fn skip_idle_time(&self) {
        let mut state = self.lock();
        state.now = self.clock_now(state.now);
    }

    /// Whether the dialer has anything to do: a batch is active or a call
    /// is on the line.
    pub(super) fn dialer_busy(&self) -> bool {
        self.lock().batches.iter_mut().any(dialer::is_busy)
    }

    /// Replaces every batch (the saved state at start, or the examples).
    pub(super) fn replace_batches(&self, batches: Vec<StoredBatch>) {
        self.lock().batches = batches;
        self.touch();
        self.dialer_wake.notify_one();
    }

    /// The change count, the state file's bytes for the state now and the
    /// last line of the log they include, for saving: encoded under the
    /// lock, so no batch is copied.
    pub(super) fn snapshot(&self) -> std::io::Result<Snapshot> {
        let state = self.lock();
        let log_seq = self
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map_or(0, MutationLog::seq);
        let bytes = persist::encode(
            SavedStateRef {
                batches: &state.batches,
                phones: &state.phones,
                dialed_until: Some(state.now),
                rng: Some(state.rng.state()),
            },
            log_seq,
        )?;
        Ok(Snapshot {
            generation: self.generation.load(Ordering::SeqCst),
            bytes,
            log_seq,
        })
    }

    /// Empties the log when the state file holds all of it (`saved_seq`).
    pub(super) fn compact_log(&self, saved_seq: u64) -> std::io::Result<()> {
        match self.log.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            Some(log) => log.compact(saved_seq),
            None => Ok(()),
        }
    }

    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(super) fn new_id(&self) -> String {
        self.ids.object_id()
    }

    /// A fresh request ID for the `x-request-id` header.
    pub fn request_id(&self) -> String {
        format!("sbx-{:016x}", self.ids.random())
    }

    /// Notes a change worth saving.
    fn touch(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change leaves the state whole before the next statement
        // can panic, so a poisoned lock still guards consistent data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The state as of one moment, for saving.
pub(super) struct Snapshot {
    pub generation: u64,
    pub bytes: Vec<u8>,
    pub log_seq: u64,
}

/// Dials from the simulated time to `target`, at most `budget` of it
/// (taken from it); the rest of the way the time moves on with nothing
/// dialled. Nothing when `target` is not later.
fn dial_to(
    state: &mut State,
    target: DateTime<Utc>,
    budget: &mut Duration,
    dialer: &DialerConfig,
) -> bool {
    let gap = (target - state.now).to_std().unwrap_or_default();
    let dialed = gap.min(*budget);
    *budget -= dialed;
    let changed = simulate(state, dialed, dialer);
    state.now = state.now.max(target);
    changed
}

/// Dials for `by` from the simulated time, and moves it on.
fn simulate(state: &mut State, by: Duration, dialer: &DialerConfig) -> bool {
    let State {
        batches, now, rng, ..
    } = state;
    let changed = dialer::run(batches, *now, by, dialer, rng);
    *now += chrono::Duration::from_std(by).unwrap_or_default();
    changed
}

/// IDs that look like MongoDB ObjectIds: 4 bytes of seconds, then 8 random bytes.
struct IdSource {
    state: RandomState,
    counter: AtomicU64,
}

impl IdSource {
    fn new() -> Self {
        Self {
            state: RandomState::new(),
            counter: AtomicU64::new(0),
        }
    }

    fn random(&self) -> u64 {
        self.state
            .hash_one(self.counter.fetch_add(1, Ordering::Relaxed))
    }

    fn object_id(&self) -> String {
        // An ObjectId's first four bytes: the seconds, wrapping in 2106 as
        // MongoDB's do.
        let secs = Utc::now().timestamp().rem_euclid(1 << 32);
        format!("{secs:08x}{:016x}", self.random())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::is_object_id;

    #[test]
    fn seed_has_a_dozen_valid_phones() {
        let store = SandboxStore::seeded();
        assert_eq!(store.phones().len(), 12);
        assert!(store.phones().iter().all(|p| is_object_id(&p.id)));
    }

    #[test]
    fn ids_are_object_ids_and_unique() {
        let store = SandboxStore::seeded();
        let a = store.insert("a".into(), serde_json::Value::Null);
        let b = store.insert("b".into(), serde_json::Value::Null);
        assert!(is_object_id(&a) && is_object_id(&b));
        assert_ne!(a, b);
        assert_eq!(store.batches()[0].name, "b", "newest first");
    }
}
