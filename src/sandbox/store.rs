//! The sandbox's state: seed phone numbers and the batches created so far.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use super::Fault;
use crate::api::{BatchSummary, Phone};

const SEED_PHONES: &str = include_str!("../../assets/sandbox-phones.json");

/// A batch as the sandbox keeps it.
#[derive(Debug, Clone)]
pub struct StoredBatch {
    pub id: String,
    pub name: String,
    pub body: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl StoredBatch {
    pub fn summary(&self) -> BatchSummary {
        let at = self.created_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        BatchSummary {
            id: self.id.clone(),
            batch_name: self.name.clone(),
            total_calls: 0,
            calls_picked: 0,
            calls_completed: 0,
            queue_status: "paused".into(),
            created_at: at.clone(),
            updated_at: at,
        }
    }
}

/// Everything the sandbox knows.
pub struct SandboxStore {
    phones: Vec<Phone>,
    batches: Mutex<Vec<StoredBatch>>,
    key: SecretString,
    ids: IdSource,
    fault: Mutex<Option<Fault>>,
    create_requests: AtomicUsize,
}

impl SandboxStore {
    /// A store with the seed phone numbers from `assets/` and no batches.
    pub fn seeded() -> Self {
        let ids = IdSource::new();
        // The seed is compiled in and covered by a test; an empty list is the
        // only sane fallback if it were ever broken.
        let phones = serde_json::from_str(SEED_PHONES).unwrap_or_default();
        let key = SecretString::from(format!("sbx_{:016x}{:016x}", ids.random(), ids.random()));
        Self {
            phones,
            batches: Mutex::new(Vec::new()),
            key,
            ids,
            fault: Mutex::new(None),
            create_requests: AtomicUsize::new(0),
        }
    }

    /// Turns a fault on (or off with `None`) for the following createBatch
    /// requests.
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

    pub fn key(&self) -> &SecretString {
        &self.key
    }

    pub fn phones(&self) -> &[Phone] {
        &self.phones
    }

    /// Stores a validated batch and returns its new ID.
    pub fn insert(&self, name: String, body: serde_json::Value) -> String {
        let id = self.ids.object_id();
        let batch = StoredBatch {
            id: id.clone(),
            name,
            body,
            created_at: Utc::now(),
        };
        self.lock().push(batch);
        id
    }

    /// All batches, newest first.
    pub fn batches(&self) -> Vec<StoredBatch> {
        let mut all = self.lock().clone();
        all.reverse();
        all
    }

    /// A fresh request ID for the `x-request-id` header.
    pub fn request_id(&self) -> String {
        format!("sbx-{:016x}", self.ids.random())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<StoredBatch>> {
        // A panic while holding the lock cannot leave the Vec half-written.
        self.batches.lock().unwrap_or_else(|e| e.into_inner())
    }
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
        let secs = Utc::now().timestamp() as u32;
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
