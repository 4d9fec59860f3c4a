//! Who may call what on the sandbox: Weya's auth rules, page by page.
//!
//! The sandbox holds a workspace key and a Bearer token, and each endpoint
//! takes only the header its page documents, with the status its page
//! gives: createBatch either one (403 otherwise); addCallsToBatch the key
//! (403); the batch list, batch-details, start-calling, stop-calling,
//! delete-batch and add-phone the token (401). A client that sends one
//! credential everywhere is refused here as Weya would refuse it.
//!
//! The rules are written out here on their own, from the pages, rather
//! than taken from the client's table (`api::auth`): a mistake there would
//! otherwise be repeated here and go unseen.

use std::hash::BuildHasher;

use axum::http::{HeaderMap, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};

/// An endpoint of the sandbox, by the page that documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    CreateBatch,
    AddCalls,
    ListBatches,
    BatchDetails,
    StartCalling,
    StopCalling,
    DeleteBatch,
    AddPhone,
    /// Not a page of Weya's: our assumed phone list takes either.
    ListPhones,
}

/// What a page takes, and the status it refuses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// `x-api-key` or `Authorization: Bearer`.
    Either(StatusCode),
    ApiKey(StatusCode),
    Bearer(StatusCode),
}

impl Page {
    fn takes(self) -> Takes {
        match self {
            // "Either x-api-key or Authorization header is required"; 403.
            Self::CreateBatch => Takes::Either(StatusCode::FORBIDDEN),
            // x-api-key "required"; its errors are 403.
            Self::AddCalls => Takes::ApiKey(StatusCode::FORBIDDEN),
            // Bearer "required"; 401 "token missing or expired" (delete
            // lists 401 among its errors, not 403).
            Self::ListBatches
            | Self::BatchDetails
            | Self::StartCalling
            | Self::StopCalling
            | Self::DeleteBatch
            | Self::AddPhone => Takes::Bearer(StatusCode::UNAUTHORIZED),
            Self::ListPhones => Takes::Either(StatusCode::UNAUTHORIZED),
        }
    }
}

/// A refused request: its status and the message for the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: &'static str,
}

/// The sandbox's credentials. `Debug` shows neither.
#[derive(Clone)]
pub struct SandboxAuth {
    key: SecretString,
    token: SecretString,
}

impl std::fmt::Debug for SandboxAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SandboxAuth(..)")
    }
}

impl SandboxAuth {
    /// `key` and `token`, each made fresh and random when not given (they
    /// are given when a process takes over a sandbox whose clients know
    /// them).
    pub fn new(key: Option<SecretString>, token: Option<SecretString>) -> Self {
        Self {
            key: key.unwrap_or_else(|| fresh("sbx")),
            token: token.unwrap_or_else(|| fresh("sbxt")),
        }
    }

    pub fn key(&self) -> &SecretString {
        &self.key
    }

    pub fn token(&self) -> &SecretString {
        &self.token
    }

    /// Whether `headers` carry what `page` takes.
    pub fn check(&self, page: Page, headers: &HeaderMap) -> Result<(), Refusal> {
        let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let key_ok = key.map(|k| k == self.key.expose_secret());
        let token_ok = bearer.map(|t| t == self.token.expose_secret());
        let refuse = |status, message| Err(Refusal { status, message });
        match page.takes() {
            Takes::Either(status) => match (key_ok, token_ok) {
                (Some(true), _) | (_, Some(true)) => Ok(()),
                (None, None) => refuse(
                    status,
                    "Missing credential: send x-api-key or Authorization: Bearer",
                ),
                (Some(false), _) => refuse(status, "Invalid API key"),
                (None, Some(false)) => refuse(status, "Invalid token"),
            },
            Takes::ApiKey(status) => match key_ok {
                Some(true) => Ok(()),
                Some(false) => refuse(status, "Invalid API key"),
                None => refuse(status, "This endpoint requires the x-api-key header"),
            },
            Takes::Bearer(status) => match token_ok {
                Some(true) => Ok(()),
                Some(false) => refuse(status, "Invalid or expired token"),
                None => refuse(
                    status,
                    "Token missing: this endpoint requires Authorization: Bearer",
                ),
            },
        }
    }
}

/// A fresh random credential, `prefix_` and 32 hex digits.
fn fresh(prefix: &str) -> SecretString {
    let state = std::collections::hash_map::RandomState::new();
    let (a, b) = (state.hash_one(1_u8), state.hash_one(2_u8));
    SecretString::from(format!("{prefix}_{a:016x}{b:016x}"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn auth() -> SandboxAuth {
        SandboxAuth::new(Some("the-key".into()), Some("the-token".into()))
    }

    fn headers(key: Option<&str>, token: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(k) = key {
            h.insert("x-api-key", HeaderValue::from_str(k).unwrap());
        }
        if let Some(t) = token {
            h.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {t}")).unwrap(),
            );
        }
        h
    }

    fn status(page: Page, key: Option<&str>, token: Option<&str>) -> Option<u16> {
        auth()
            .check(page, &headers(key, token))
            .err()
            .map(|r| r.status.as_u16())
    }

    #[test]
    fn each_page_takes_only_what_it_documents() {
        let (k, t) = (Some("the-key"), Some("the-token"));
        assert_eq!(status(Page::CreateBatch, k, None), None);
        assert_eq!(status(Page::CreateBatch, None, t), None);
        assert_eq!(status(Page::CreateBatch, None, None), Some(403));
        assert_eq!(status(Page::CreateBatch, Some("wrong"), None), Some(403));
        assert_eq!(status(Page::AddCalls, k, None), None);
        assert_eq!(status(Page::AddCalls, None, t), Some(403));
        for page in [
            Page::ListBatches,
            Page::BatchDetails,
            Page::StartCalling,
            Page::StopCalling,
            Page::DeleteBatch,
            Page::AddPhone,
        ] {
            assert_eq!(status(page, None, t), None, "{page:?}");
            assert_eq!(status(page, k, None), Some(401), "{page:?}");
            assert_eq!(status(page, k, Some("old")), Some(401), "{page:?}");
        }
        assert_eq!(status(Page::ListPhones, k, None), None);
        assert_eq!(status(Page::ListPhones, None, t), None);
    }

    #[test]
    fn fresh_credentials_differ_and_debug_hides_them() {
        let a = SandboxAuth::new(None, None);
        assert_ne!(a.key().expose_secret(), a.token().expose_secret());
        assert!(!format!("{a:?}").contains(a.key().expose_secret()));
    }
}
