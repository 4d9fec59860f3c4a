//! Weya's call API: wire types, the client, and its errors.

pub mod client;
pub mod error;
pub mod types;

pub use client::{Auth, ClientConfig, Created, DEFAULT_PHONES_PATH, WeyaClient};
pub use error::{ApiError, NetworkFailure};
pub use types::{BatchPage, BatchQuery, BatchRequest, BatchSummary, CallingHour, Envelope, Phone};
