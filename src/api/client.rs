//! The HTTP client for Weya's call API.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;

use super::auth::{Action, AuthMode, Credentials};
use super::error::{ApiError, NetworkFailure, safe_excerpt};
use super::types::{
    AddCallsData, AddCallsOutcome, AddedPhone, BatchDetails, BatchPage, BatchQuery, BatchRequest,
    CallQuery, CallsAdded, DialerRequest, DialerState, Envelope, PartialAdd, Phone,
    PhoneRegistration, SuccessEnvelope, add_calls_body, is_object_id,
};

/// The most we read of any answer. Weya's documented answers are small; a
/// larger one is a misconfigured base URL or a proxy, not data.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How much of an unexpected body is shown to the operator.
const EXCERPT_CHARS: usize = 120;
/// How many redirects within the base URL's origin are followed, as
/// reqwest's default policy does, so a loop ends.
const MAX_REDIRECTS: usize = 10;
/// How long one request may take in all, unless configured (`timeout_secs`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The first and the longest pause before a refused request is tried
/// again (the pause doubles in between).
const REFUSED_FIRST_PAUSE: Duration = Duration::from_millis(20);
const REFUSED_MAX_PAUSE: Duration = Duration::from_millis(500);
/// Where we assume the workspace's phone list lives. Weya documents no such
/// endpoint; `WEYA_PHONES_PATH` overrides it.
pub const DEFAULT_PHONES_PATH: &str = "/api/call/phones/{userId}";

/// Everything the client needs to reach one Weya workspace.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme, host and optional port (and path prefix), e.g. `https://api.example.com`.
    pub base_url: String,
    /// The workspace key, a Bearer token, or both: each request carries
    /// the one its action's page documents ([`Credentials::for_action`]).
    pub credentials: Credentials,
    pub user_id: Option<String>,
    /// Path of the phone list; `{userId}` is replaced by the user id.
    pub phones_path: String,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// How long a request whose connection is refused is tried again
    /// (zero: never). For a server known to come back on the same address
    /// shortly, as the shared sandbox does when a guest takes it over from
    /// an owner that quit. Such a client keeps no idle connections.
    pub refused_patience: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, credentials: impl Into<Credentials>) -> Self {
        Self {
            base_url: base_url.into(),
            credentials: credentials.into(),
            user_id: None,
            phones_path: DEFAULT_PHONES_PATH.to_owned(),
            connect_timeout: Duration::from_secs(5),
            timeout: DEFAULT_TIMEOUT,
            refused_patience: Duration::ZERO,
        }
    }
}

/// A created batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub batch_id: String,
    pub request_id: Option<String>,
}

/// A deleted batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// The server's words ("Batch deleted").
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// A value read from an answer, with the answer's status and request ID
/// (what `doctor` reports of each check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered<T> {
    pub value: T,
    pub status: u16,
    pub request_id: Option<String>,
}

/// A client for one workspace. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WeyaClient {
    http: reqwest::Client,
    config: ClientConfig,
    host: String,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    request_id: Option<String>,
    retry_after: Option<u64>,
}

impl WeyaClient {
    pub fn new(mut config: ClientConfig) -> Result<Self, ApiError> {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&config.base_url).map_err(|e| {
            let shown = without_userinfo(&config.base_url).unwrap_or(config.base_url.clone());
            ApiError::Config(format!("the base URL {shown:?} is not a URL: {e}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ApiError::Config(format!(
                "the base URL must start with https:// or http://, not {}://",
                url.scheme()
            )));
        }
        // A password in the URL would travel in every request and appear
        // wherever the URL is shown; Weya's credentials go in headers.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ApiError::Config(format!(
                "the base URL {} carries a user name or password: remove it (the credentials \
                 go in WEYA_API_KEY and WEYA_TOKEN)",
                shown_url(&url)
            )));
        }
        config.credentials.check()?;
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let mut http = reqwest::Client::builder();
        if !config.refused_patience.is_zero() {
            // A server that may quit and come back keeps no idle connection
            // from us: one it closes as it quits, while a request is being
            // written on it, leaves that request's outcome unknown, where a
            // new connection to it is refused cleanly (and tried again).
            http = http.pool_max_idle_per_host(0);
        }
        let http = http
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(same_origin_redirects(config.credentials.clone()))
            .user_agent(concat!("weya-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Config(format!("could not build the HTTP client: {e}")))?;
        Ok(Self { http, config, host })
    }

    /// `host[:port]` of the target, for the screen.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `POST /api/call/createBatch` with exactly `request.to_body()`.
    pub async fn create_batch(&self, request: &BatchRequest) -> Result<Created, ApiError> {
        self.create_batch_raw(request.to_body()).await
    }

    /// Sends `body` as the createBatch body, byte for byte.
    pub async fn create_batch_raw(&self, body: String) -> Result<Created, ApiError> {
        let url = format!("{}/api/call/createBatch", self.config.base_url);
        let builder = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let reply = self
            .send(self.authed(Action::CreateBatch, builder)?)
            .await?;
        let (status, request_id) = (reply.status, reply.request_id.clone());
        let batch_id: String = self.for_action(Action::CreateBatch, decode(reply))?;
        if !is_object_id(&batch_id) {
            // The server said yes without saying to what: the batch may
            // exist, so this is an unknown outcome, never a success.
            // Quoted exactly, never trimmed: `" 64e5…"` with its space must
            // not read as the ID it is not.
            let data = if batch_id.is_empty() {
                "empty".to_owned()
            } else {
                format!(
                    "{}, {} characters; a batch ID is 24 hex characters",
                    crate::text::quoted_exactly(&batch_id, 64),
                    batch_id.chars().count()
                )
            };
            return Err(ApiError::NoBatchId {
                status,
                data,
                request_id,
            });
        }
        Ok(Created {
            batch_id,
            request_id,
        })
    }

    /// The workspace's phone numbers, from the configured (assumed) path.
    pub async fn list_phones(&self) -> Result<Vec<Phone>, ApiError> {
        self.list_phones_answered().await.map(|a| a.value)
    }

    /// [`WeyaClient::list_phones`], with the answer's status and request ID.
    pub async fn list_phones_answered(&self) -> Result<Answered<Vec<Phone>>, ApiError> {
        let path = &self.config.phones_path;
        let path = if path.contains("{userId}") {
            path.replace("{userId}", &encode_segment(self.require_user_id()?))
        } else {
            path.clone()
        };
        let url = format!("{}{}", self.config.base_url, path);
        let reply = self
            .send(self.authed(Action::ListPhones, self.http.get(url))?)
            .await;
        self.for_action(Action::ListPhones, reply.and_then(answered(decode)))
    }

    /// `GET /api/call/batches/{userId}`. Weya's own 404 "No batches found"
    /// means an empty list (documented); any other 404 is an error that
    /// names the path tried ([`ApiError::ListNotFound`]). The page is read
    /// leniently: an odd field costs only itself.
    pub async fn list_batches(&self, query: &BatchQuery) -> Result<BatchPage, ApiError> {
        self.list_batches_answered(query).await.map(|a| a.value)
    }

    /// [`WeyaClient::list_batches`], with the answer's status and request ID.
    pub async fn list_batches_answered(
        &self,
        query: &BatchQuery,
    ) -> Result<Answered<BatchPage>, ApiError> {
        let url = format!(
            "{}/api/call/batches/{}",
            self.config.base_url,
            encode_segment(self.require_user_id()?)
        );
        let path = reqwest::Url::parse(&url)
            .map(|u| safe_excerpt(u.path().as_bytes(), 160))
            .unwrap_or_default();
        let mut params = vec![
            ("page", query.page.to_string()),
            ("limit", query.limit.to_string()),
        ];
        if let Some(s) = &query.search {
            params.push(("search", s.clone()));
        }
        let builder = self.http.get(url).query(&params);
        let reply = self.send(self.authed(Action::ListBatches, builder)?).await;
        let page = match reply {
            Ok(reply) if reply.status == 404 && says_no_batches(&reply.body) => Ok(Answered {
                value: BatchPage::default(),
                status: reply.status,
                request_id: reply.request_id,
            }),
            Ok(reply) if reply.status == 404 => Err(list_not_found(reply, path)),
            Ok(reply) => answered(decode::<BatchPage>)(reply).map(|mut a| {
                a.value = a.value.with_pages();
                a
            }),
            Err(e) => Err(e),
        };
        self.for_action(Action::ListBatches, page)
    }

    /// `GET /api/call/batch-details/{batchId}`: one page of a batch's calls.
    pub async fn batch_details(
        &self,
        batch_id: &str,
        query: &CallQuery,
    ) -> Result<BatchDetails, ApiError> {
        let batch_id = require_object_id("batch ID", batch_id)?;
        let url = format!("{}/api/call/batch-details/{batch_id}", self.config.base_url);
        let builder = self.http.get(url).query(&query.params());
        let reply = self.send(self.authed(Action::BatchDetails, builder)?).await;
        let details: BatchDetails =
            self.for_action(Action::BatchDetails, reply.and_then(decode))?;
        // An answer for another batch is not this one's: its calls would
        // be shown, counted or exported as the batch asked for.
        if !details.batch_id.is_empty() && !details.batch_id.eq_ignore_ascii_case(batch_id) {
            return Err(ApiError::OtherBatch {
                asked: batch_id.to_owned(),
                answered: safe_excerpt(details.batch_id.as_bytes(), 40),
            });
        }
        Ok(details)
    }

    /// `POST /api/call/start-calling`: the dialer starts on the batch.
    /// Needs the configured user ID; without one nothing is sent.
    pub async fn start_calling(&self, batch_id: &str) -> Result<DialerState, ApiError> {
        self.dialer(Action::StartCalling, "start-calling", batch_id)
            .await
    }

    /// `POST /api/call/stop-calling`: the dialer stops picking up the
    /// batch's calls. Needs the configured user ID; without one nothing is
    /// sent.
    pub async fn stop_calling(&self, batch_id: &str) -> Result<DialerState, ApiError> {
        self.dialer(Action::StopCalling, "stop-calling", batch_id)
            .await
    }

    async fn dialer(
        &self,
        action: Action,
        path: &str,
        batch_id: &str,
    ) -> Result<DialerState, ApiError> {
        let body = DialerRequest {
            batch_id: require_object_id("batch ID", batch_id)?.to_owned(),
            user_id: self.require_user_id()?.to_owned(),
        };
        let url = format!("{}/api/call/{path}", self.config.base_url);
        let reply = self
            .send(self.authed(action, self.http.post(url).json(&body))?)
            .await;
        self.for_action(action, reply.and_then(decode))
    }

    /// `DELETE /api/call/delete-batch/{batchId}`. Irreversible. The answer
    /// is the other envelope (`{"success": true, "message": …}`); a
    /// `success: false` is an error with its message.
    pub async fn delete_batch(&self, batch_id: &str) -> Result<Deleted, ApiError> {
        let batch_id = require_object_id("batch ID", batch_id)?;
        let url = format!("{}/api/call/delete-batch/{batch_id}", self.config.base_url);
        let reply = self
            .send(self.authed(Action::DeleteBatch, self.http.delete(url))?)
            .await;
        self.for_action(Action::DeleteBatch, reply.and_then(decode_success))
    }

    /// `POST /api/call/addCallsToBatch` with `rows` as `call_data`. Each
    /// row needs `phoneNumber`; its other fields are the agent's variables.
    pub async fn add_calls(
        &self,
        batch_id: &str,
        rows: &[serde_json::Map<String, serde_json::Value>],
    ) -> Result<AddCallsOutcome, ApiError> {
        let batch_id = require_object_id("batch ID", batch_id)?;
        self.add_calls_raw(add_calls_body(batch_id, rows)).await
    }

    /// Sends `body` as the addCallsToBatch body, byte for byte (an importer
    /// serialises its chunks itself: [`add_calls_body`] makes one). A 207
    /// is a [`AddCallsOutcome::Partial`], not an error, so the rows of the
    /// failed chunks can be sent again.
    pub async fn add_calls_raw(&self, body: String) -> Result<AddCallsOutcome, ApiError> {
        let url = format!("{}/api/call/addCallsToBatch", self.config.base_url);
        let builder = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let reply = self.send(self.authed(Action::AddCalls, builder)?).await;
        self.for_action(Action::AddCalls, reply.and_then(decode_add_calls))
    }

    /// `POST /api/call/add-phone`: registers a number of the operator's
    /// provider account; the answer's `_id` is a phone ID `callingNumbers`
    /// takes. Weya's page documents a Bearer token for it. Needs the
    /// configured user ID; without one nothing is sent. The body holds
    /// the provider's secrets: it is never logged, and no error quotes it.
    pub async fn add_phone(
        &self,
        registration: &PhoneRegistration,
    ) -> Result<AddedPhone, ApiError> {
        let body = registration.to_body(self.require_user_id()?);
        let url = format!("{}/api/call/add-phone", self.config.base_url);
        let builder = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let reply = self.send(self.authed(Action::AddPhone, builder)?).await;
        self.for_action(Action::AddPhone, reply.and_then(decode))
    }

    /// `builder` with the credential `action`'s page documents (or the
    /// one there is). Every request goes through here: a new action needs
    /// its [`Action`] (and its page's credential in
    /// [`Action::documented_auth`]), nothing else.
    fn authed(
        &self,
        action: Action,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, ApiError> {
        Ok(builder.headers(self.config.credentials.headers(action)?))
    }

    /// The mode a request for `action` carries, and where that credential
    /// came from.
    fn used_for(&self, action: Action) -> Option<(AuthMode, String)> {
        self.config
            .credentials
            .for_action(action)
            .map(|(mode, credential)| (mode, credential.source().to_owned()))
    }

    /// A refused credential on `action` becomes [`ApiError::AuthRefused`],
    /// which says what Weya documents for it, what was sent, and from where.
    fn for_action<T>(&self, action: Action, result: Result<T, ApiError>) -> Result<T, ApiError> {
        result.map_err(|e| match (e, self.used_for(action)) {
            (
                ApiError::Status {
                    status: status @ (401 | 403),
                    message,
                    request_id,
                    excerpt,
                    ..
                },
                Some((used, used_from)),
            ) => ApiError::AuthRefused {
                status,
                action,
                used,
                used_from,
                message,
                excerpt,
                request_id,
            },
            (other, _) => other,
        })
    }

    fn require_user_id(&self) -> Result<&str, ApiError> {
        self.config
            .user_id
            .as_deref()
            .ok_or(ApiError::MissingSetting {
                what: "user ID",
                setting: "WEYA_USER_ID",
                key: "user_id",
            })
    }

    /// Sends the request and reads its answer. Every error and every
    /// answer of every action comes through here, so this is where what a
    /// server says has the configured credentials masked
    /// ([`Credentials::hide_in`]): the body (so its message, its page's
    /// excerpt and its `data` alike), the request ID, and where a refused
    /// redirect pointed. No front end can forget it.
    async fn send(&self, builder: reqwest::RequestBuilder) -> Result<Reply, ApiError> {
        let mut response = self
            .connect(builder)
            .await
            .map_err(|e| self.hide_in_error(e))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(|s| safe_excerpt(&self.hide(s.as_bytes().to_vec()), 64));
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse().ok());
        let too_large = ApiError::TooLarge {
            status,
            limit: MAX_BODY_BYTES,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Err(too_large);
        }
        let mut body = Vec::new();
        // Headers arrived, so the server got the request: a failure now is
        // an answer cut off, its outcome unknown. Said as what it was: the
        // whole answer not in within the timeout, or the connection lost.
        let dropped = |e: reqwest::Error| {
            tracing::warn!(error = %self.hide_text(&chain(&e)), "answer cut off");
            let kind = if e.is_timeout() {
                NetworkFailure::Timeout {
                    after: self.config.timeout,
                }
            } else {
                NetworkFailure::Dropped
            };
            ApiError::Network {
                kind,
                host: self.host.clone(),
            }
        };
        while let Some(chunk) = response.chunk().await.map_err(dropped)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        let body = self.hide(body);
        tracing::debug!(status, request_id = ?request_id, bytes = body.len(), "answer");
        Ok(Reply {
            status,
            body,
            request_id,
            retry_after,
        })
    }

    /// Sends the request, trying again while its connection is refused
    /// for up to [`ClientConfig::refused_patience`]. A refused connection
    /// means no byte of the request reached any server, so sending it
    /// again cannot do anything twice, even for a POST. A timeout, or a
    /// connection dropped after the request went out, is never retried: the
    /// server may have acted on it, and the caller reports it as unknown.
    async fn connect(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        let patience = self.config.refused_patience;
        let deadline = tokio::time::Instant::now() + patience;
        let mut pause = REFUSED_FIRST_PAUSE;
        loop {
            // Bodies here are strings or JSON, so a copy is always possible;
            // without one there is nothing to send again.
            let attempt = match builder.try_clone() {
                Some(copy) if !patience.is_zero() => copy,
                _ => return builder.send().await.map_err(|e| self.network_error(&e)),
            };
            match attempt.send().await {
                Ok(response) => return Ok(response),
                Err(e)
                    if classify(&e, &self.config) == NetworkFailure::Refused
                        && tokio::time::Instant::now() + pause < deadline =>
                {
                    tracing::debug!(?pause, "connection refused; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(REFUSED_MAX_PAUSE);
                }
                Err(e) => return Err(self.network_error(&e)),
            }
        }
    }

    /// `text` from a server with the configured credentials masked.
    fn hide(&self, text: Vec<u8>) -> Vec<u8> {
        self.config.credentials.hide_in(text)
    }

    fn hide_text(&self, text: &str) -> String {
        self.config.credentials.hide_in_text(text)
    }

    /// The server's words an error without an answer can carry (where a
    /// redirect pointed, a failure's own text), credentials masked.
    fn hide_in_error(&self, e: ApiError) -> ApiError {
        match e {
            ApiError::Redirected { status, location } => ApiError::Redirected {
                status,
                location: self.hide_text(&location),
            },
            ApiError::Network {
                kind: NetworkFailure::Other(detail),
                host,
            } => ApiError::Network {
                kind: NetworkFailure::Other(self.hide_text(&detail)),
                host,
            },
            other => other,
        }
    }

    fn network_error(&self, e: &reqwest::Error) -> ApiError {
        tracing::warn!(error = %self.hide_text(&chain(e)), "request failed");
        if let Some(refused) = find_source::<CrossOriginRedirect>(e) {
            return ApiError::Redirected {
                status: refused.status,
                location: refused.location.clone(),
            };
        }
        ApiError::Network {
            kind: classify(e, &self.config),
            host: self.host.clone(),
        }
    }
}

/// The redirect policy: follow redirects that stay on the base URL's origin
/// (scheme, host and port), refuse any other. reqwest's default policy
/// strips `Authorization` on a cross-host redirect but not `x-api-key`, and
/// repeats the body on 307/308: following one would hand the workspace key
/// (and the batch) to whatever host the answer names.
fn same_origin_redirects(credentials: Credentials) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let origin = attempt.previous().first().map(reqwest::Url::origin);
        if origin.is_some_and(|o| o != attempt.url().origin()) {
            let refused = CrossOriginRedirect {
                status: attempt.status().as_u16(),
                // Masked before it is cut short: a cut would leave part
                // of a credential the URL carried.
                location: shown_url_hiding(attempt.url(), &credentials),
            };
            attempt.error(refused)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}

/// A redirect the policy refused to follow.
#[derive(Debug)]
struct CrossOriginRedirect {
    status: u16,
    location: String,
}

impl std::fmt::Display for CrossOriginRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "redirect {} to another origin: {}",
            self.status, self.location
        )
    }
}

impl std::error::Error for CrossOriginRedirect {}

/// A URL from a server, fit to show: without any user name or password it
/// carries, markup-free and cut short.
fn shown_url(url: &reqwest::Url) -> String {
    shown_url_hiding(url, &Credentials::default())
}

/// [`shown_url`], with `credentials` masked in it.
fn shown_url_hiding(url: &reqwest::Url, credentials: &Credentials) -> String {
    let mut url = url.clone();
    // Both fail only for URLs that cannot carry credentials at all.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    safe_excerpt(&credentials.hide_in(url.as_str().as_bytes().to_vec()), 160)
}

/// `url` without its user name and password, when it carries any; `None`
/// when it carries none. Text that is no URL is cut by hand (what lies
/// between `://` and the last `@` before the path), so that a malformed
/// URL cannot leak a password either.
pub(crate) fn without_userinfo(url: &str) -> Option<String> {
    if let Ok(parsed) = reqwest::Url::parse(url) {
        return (!parsed.username().is_empty() || parsed.password().is_some())
            .then(|| shown_url(&parsed));
    }
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some(format!("{scheme}://{}", &rest[at + 1..]))
}

/// The first error of type `T` in `e`'s chain of sources.
fn find_source<T: std::error::Error + 'static>(e: &dyn std::error::Error) -> Option<&T> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(found) = s.downcast_ref::<T>() {
            return Some(found);
        }
        source = s.source();
    }
    None
}

/// Turns an answer into `data` of the envelope, or into an error.
fn decode<T: DeserializeOwned>(reply: Reply) -> Result<T, ApiError> {
    let Reply {
        status,
        body,
        request_id,
        retry_after,
    } = reply;
    if !(200..300).contains(&status) {
        let envelope = serde_json::from_slice::<Envelope<serde_json::Value>>(&body).ok();
        let message = envelope
            .as_ref()
            .and_then(|e| e.best_message())
            .map(|m| safe_excerpt(m.as_bytes(), 300));
        let excerpt = match &message {
            Some(_) => None,
            None => Some(safe_excerpt(&body, EXCERPT_CHARS)),
        };
        return Err(ApiError::Status {
            status,
            message,
            request_id,
            excerpt,
            retry_after,
        });
    }
    let unexpected = |request_id| ApiError::Unexpected {
        status,
        excerpt: safe_excerpt(&body, EXCERPT_CHARS),
        request_id,
    };
    let envelope: Envelope<T> = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(_) => return Err(unexpected(request_id)),
    };
    if envelope.status == Some(false) {
        // A success status that says it failed: see `ApiError::Contradicted`.
        let message = envelope
            .best_message()
            .map(|m| safe_excerpt(m.as_bytes(), 300));
        return Err(ApiError::Contradicted {
            status,
            message,
            request_id,
        });
    }
    match envelope.data {
        Some(data) => Ok(data),
        None => Err(unexpected(request_id)),
    }
}

/// `decode`, keeping the answer's status and request ID beside the value.
fn answered<T>(
    decode: impl Fn(Reply) -> Result<T, ApiError>,
) -> impl Fn(Reply) -> Result<Answered<T>, ApiError> {
    move |reply| {
        let (status, request_id) = (reply.status, reply.request_id.clone());
        decode(reply).map(|value| Answered {
            value,
            status,
            request_id,
        })
    }
}

/// Whether a 404 on the batch list is Weya's own "No batches found" (the
/// envelope with that message), which its page documents as an empty list.
/// Anything else (a proxy's page, a framework's "Cannot GET", another
/// message) is not.
fn says_no_batches(body: &[u8]) -> bool {
    serde_json::from_slice::<Envelope<serde::de::IgnoredAny>>(body).is_ok_and(|envelope| {
        [
            envelope.message.as_deref(),
            envelope.error_message.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|m| m.to_ascii_lowercase().contains("no batches found"))
    })
}

/// A 404 on the batch list that is not "No batches found".
fn list_not_found(reply: Reply, path: String) -> ApiError {
    match status_error(reply) {
        ApiError::Status {
            message,
            excerpt,
            request_id,
            ..
        } => ApiError::ListNotFound {
            path,
            message,
            excerpt,
            request_id,
        },
        other => other,
    }
}

/// The error for a non-success answer, as [`decode`] makes it.
fn status_error(reply: Reply) -> ApiError {
    let status = reply.status;
    match decode::<serde::de::IgnoredAny>(reply) {
        Err(e) => e,
        // Only called for non-success statuses, which `decode` refuses.
        Ok(_) => ApiError::Unexpected {
            status,
            excerpt: String::new(),
            request_id: None,
        },
    }
}

/// Reads the `{"success": …}` envelope of delete-batch.
fn decode_success(reply: Reply) -> Result<Deleted, ApiError> {
    if !(200..300).contains(&reply.status) {
        return Err(status_error(reply));
    }
    let Reply {
        status,
        body,
        request_id,
        retry_after,
    } = reply;
    let unexpected = |request_id| ApiError::Unexpected {
        status,
        excerpt: safe_excerpt(&body, EXCERPT_CHARS),
        request_id,
    };
    let Ok(envelope) = serde_json::from_slice::<SuccessEnvelope>(&body) else {
        return Err(unexpected(request_id));
    };
    let message = [
        envelope.error_message.as_deref(),
        envelope.message.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|m| !m.is_empty())
    .map(|m| safe_excerpt(m.as_bytes(), 300));
    match envelope.success.or(envelope.status) {
        Some(true) => Ok(Deleted {
            message: envelope.message,
            request_id,
        }),
        // delete-batch's page shows no status code in its envelope, so a
        // 200 with `success: false` does not contradict it: a refusal, as
        // before (sending a delete again is harmless).
        Some(false) => Err(ApiError::Status {
            status,
            message,
            request_id,
            excerpt: None,
            retry_after,
        }),
        None => Err(unexpected(request_id)),
    }
}

/// Reads addCallsToBatch's answer: a 207 (or a success naming failed
/// chunks) is a partial result, anything else goes through [`decode`].
fn decode_add_calls(reply: Reply) -> Result<AddCallsOutcome, ApiError> {
    if (200..300).contains(&reply.status)
        && let Ok(envelope) = serde_json::from_slice::<Envelope<AddCallsData>>(&reply.body)
    {
        if reply.status != 207 && envelope.status == Some(false) {
            // Weya documents `status: false` on a success status only
            // with a 207: a 200 or 201 that says false contradicts itself,
            // failed chunks or not.
            return Err(ApiError::Contradicted {
                status: reply.status,
                message: envelope
                    .best_message()
                    .map(|m| safe_excerpt(m.as_bytes(), 300)),
                request_id: reply.request_id,
            });
        }
        let data = envelope.data.clone().unwrap_or_default();
        if !data.failed_chunks.is_empty() {
            return Ok(AddCallsOutcome::Partial(PartialAdd {
                added: data.added,
                call_ids: data.call_ids,
                failed_chunks: data.failed_chunks,
                message: envelope
                    .best_message()
                    .map(|m| safe_excerpt(m.as_bytes(), 300)),
                request_id: reply.request_id,
            }));
        }
        if reply.status == 207 {
            // Partly stored, and nothing says which rows: the outcome of
            // every row is unknown.
            return Err(ApiError::Unexpected {
                status: 207,
                excerpt: safe_excerpt(&reply.body, EXCERPT_CHARS),
                request_id: reply.request_id,
            });
        }
    }
    let request_id = reply.request_id.clone();
    let data: AddCallsData = decode(reply)?;
    Ok(AddCallsOutcome::Added(CallsAdded {
        added: data.added.unwrap_or(data.call_ids.len() as u64),
        said: data.added,
        call_ids: data.call_ids,
        request_id,
    }))
}

/// `id` when it is a 24-hex ID. IDs become path segments: one that is
/// not (`../x`, `a?b`) is refused before any request rather than encoded,
/// since it cannot name anything on Weya.
fn require_object_id<'a>(what: &'static str, id: &'a str) -> Result<&'a str, ApiError> {
    if is_object_id(id) {
        Ok(id)
    } else {
        let value = if id.trim().is_empty() {
            id.to_owned()
        } else {
            safe_excerpt(id.as_bytes(), 40)
        };
        Err(ApiError::InvalidId { what, value })
    }
}

fn classify(e: &reqwest::Error, config: &ClientConfig) -> NetworkFailure {
    let text = chain(e).to_ascii_lowercase();
    if e.is_timeout() {
        if e.is_connect() {
            NetworkFailure::ConnectTimeout {
                after: config.connect_timeout,
            }
        } else {
            NetworkFailure::Timeout {
                after: config.timeout,
            }
        }
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        NetworkFailure::Dns
    } else if text.contains("connection refused") {
        NetworkFailure::Refused
    } else if [
        "certificate",
        "tls",
        "handshake",
        // rustls, when the other end does not speak TLS at all.
        "corrupt message",
        "alert",
    ]
    .iter()
    .any(|needle| text.contains(needle))
    {
        NetworkFailure::Tls
    } else if text.contains("connection closed")
        || text.contains("connection reset")
        || text.contains("incomplete message")
        || text.contains("unexpected eof")
        || text.contains("broken pipe")
    {
        NetworkFailure::Dropped
    } else {
        // Masked before it is cut short: the text may quote a URL a server
        // chose.
        NetworkFailure::Other(safe_excerpt(
            &config.credentials.hide_in(chain(e).into_bytes()),
            160,
        ))
    }
}

/// The error and all its sources, joined. Never holds a credential: reqwest
/// errors carry the URL, and credentials travel only in headers.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Percent-encodes a path segment (user IDs are configuration, not
/// trusted): all but the unreserved characters, upper-case hex, as a URL
/// carries them (also how an echoed credential is looked for).
pub(super) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;
    use crate::api::Auth;

    #[test]
    fn a_404_is_an_empty_list_only_in_weyas_own_words() {
        assert!(says_no_batches(
            br#"{"message":"No batches found","status":false,"code":404}"#
        ));
        assert!(says_no_batches(br#"{"errorMessage":"no batches found."}"#));
        assert!(!says_no_batches(br#"{"message":"Route not found"}"#));
        assert!(!says_no_batches(
            b"<html><title>404 Not Found</title></html>"
        ));
        assert!(!says_no_batches(b"No batches found"), "not the envelope");
        assert!(!says_no_batches(b""));
    }

    #[test]
    fn a_password_in_the_base_url_is_refused_without_being_echoed() {
        for url in [
            "http://user:hunter2pw@host",
            "https://hunter2pw@host/prefix",
        ] {
            let e = WeyaClient::new(ClientConfig::new(
                url,
                Auth::ApiKey(SecretString::from("k")),
            ))
            .unwrap_err()
            .to_string();
            assert!(e.contains("user name or password"), "{e}");
            assert!(!e.contains("hunter2pw"), "{e}");
        }
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("64e5f1"), "64e5f1");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn non_http_base_url_is_refused() {
        let e = WeyaClient::new(ClientConfig::new(
            "ftp://x",
            Auth::ApiKey(SecretString::from("k")),
        ))
        .unwrap_err();
        assert!(e.to_string().contains("https://"), "{e}");
    }
}
