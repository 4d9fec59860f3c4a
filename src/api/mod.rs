//! Weya's call API: wire types, the client, and its errors.

pub mod auth;
pub mod client;
pub mod error;
mod lenient;
pub mod types;

pub use auth::{Auth, AuthMode, Credential, Credentials};
pub use client::{Answered, ClientConfig, Created, DEFAULT_PHONES_PATH, Deleted, WeyaClient};
pub use error::{Action, ApiError, DocumentedAuth, NetworkFailure};
pub use types::{
    AddCallsOutcome, AddedPhone, BatchDetails, BatchPage, BatchQuery, BatchRequest, BatchSummary,
    Call, CallQuery, CallingHour, CallsAdded, DialerState, Envelope, FailedChunk, Integration,
    PartialAdd, Phone, PhoneLog, PhoneRegistration, SortOrder,
};
