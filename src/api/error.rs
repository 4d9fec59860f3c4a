//! What can go wrong talking to Weya, in terms an operator can act on.
//!
//! Errors are plain data (`Clone`, no boxed sources) so they can travel in a
//! `Msg` and be shown again later. None of them ever holds a credential: the
//! key travels in a header and headers are never copied into an error.

use std::fmt;
use std::time::Duration;

use super::auth::AuthMode;
pub use super::auth::{Action, DocumentedAuth};

/// A failure of one API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a non-success status.
    #[error("{}", describe_status(*status, message.as_deref(), excerpt.as_deref()))]
    Status {
        status: u16,
        /// The server's own words (`errorMessage` or `message`), when the body
        /// was the JSON envelope.
        message: Option<String>,
        /// From the `x-request-id` response header: support asks for it.
        request_id: Option<String>,
        /// A short, single-line, markup-free excerpt of a body that was not the
        /// JSON envelope (an HTML page from a proxy, an empty body).
        excerpt: Option<String>,
        /// `Retry-After` in seconds, when the server sent one.
        retry_after: Option<u64>,
    },
    /// A success status with a body that is not what Weya documents.
    #[error("HTTP {status}: the answer was not the expected JSON ({excerpt})")]
    Unexpected {
        status: u16,
        excerpt: String,
        request_id: Option<String>,
    },
    /// A success status (200, 201, …) whose envelope says `status: false`:
    /// the HTTP status says it was done, the body says it was not. Weya
    /// documents `status: false` on a success status only for
    /// addCallsToBatch's 207 with `failedChunks`; any other such answer
    /// contradicts itself, so whether the request was carried out is not
    /// known ([`ApiError::outcome_unknown`]): never read as a refusal, so
    /// never sent again blindly.
    #[error(
        "HTTP {status} with \"status\": false: the answer contradicts itself (its HTTP status \
         says done, its body says not), so whether it was done is not known{}",
        said(message.as_deref())
    )]
    Contradicted {
        status: u16,
        /// Weya's own words (`errorMessage` or `message`), when it gave any.
        message: Option<String>,
        request_id: Option<String>,
    },
    /// A success status whose `data` is not a batch ID: the server said yes
    /// without saying to what.
    #[error("HTTP {status}: the answer gave no batch ID (data was {data})")]
    NoBatchId {
        status: u16,
        /// What `data` held, as a short markup-free excerpt.
        data: String,
        request_id: Option<String>,
    },
    /// A batch-details answer whose `batchId` is not the batch asked for:
    /// another batch's calls, never read as this one's.
    #[error("Weya answered for batch {answered} when asked for {asked}; its answer was not used")]
    OtherBatch {
        asked: String,
        /// The `batchId` the answer gave (a short, markup-free excerpt).
        answered: String,
    },
    /// The request did not get an HTTP answer.
    #[error("{kind} ({host})")]
    Network { kind: NetworkFailure, host: String },
    /// The answer was larger than we are willing to read.
    #[error("HTTP {status}: the answer was larger than {limit} bytes and was not read")]
    TooLarge { status: u16, limit: usize },
    /// The server redirected to another origin (scheme, host or port). It
    /// is not followed: the credential and the body would go with it.
    #[error(
        "HTTP {status}: the server redirected to {location}; a redirect away from the \
         configured host is not followed, so neither the key nor the body went there"
    )]
    Redirected {
        status: u16,
        /// Where it pointed, without any credentials the URL carried.
        location: String,
    },
    /// The request could not be made from the configuration.
    #[error("{0}")]
    Config(String),
    /// The server refused the credential (401 or 403). Holds what the
    /// screen needs to say so: the action (its page documents which
    /// credential it takes), the credential the request carried and where
    /// that one was configured ([`ApiError::auth_advice`]).
    #[error(
        "{}; {}",
        describe_status(*status, message.as_deref(), excerpt.as_deref()),
        auth_hint(*action, *used)
    )]
    AuthRefused {
        status: u16,
        action: Action,
        /// The credential the request carried.
        used: AuthMode,
        /// Where that credential was configured ("environment variable
        /// WEYA_API_KEY").
        used_from: String,
        message: Option<String>,
        excerpt: Option<String>,
        request_id: Option<String>,
    },
    /// A 404 that is not Weya's own "No batches found": a wrong path
    /// prefix in the base URL, a wrong user ID, a proxy's page. Names the
    /// path that was tried, never reads as an empty list.
    #[error(
        "{} for {path}: only Weya's own \"No batches found\" means an empty list; \
         check the base URL's path prefix (WEYA_BASE_URL) and the user ID (WEYA_USER_ID)",
        describe_status(404, message.as_deref(), excerpt.as_deref())
    )]
    ListNotFound {
        /// The URL path requested, without the query.
        path: String,
        message: Option<String>,
        excerpt: Option<String>,
        request_id: Option<String>,
    },
    /// A setting the request needs is not configured; nothing was sent.
    #[error("no {what} is configured (set {setting} or {key} in the config file)")]
    MissingSetting {
        what: &'static str,
        /// The environment variable.
        setting: &'static str,
        /// The config file key.
        key: &'static str,
    },
    /// An ID that is not Weya's 24 hex characters; nothing was sent. IDs
    /// become path segments, so this is checked before any request.
    #[error("{value:?} is not a {what} (24 hex characters); nothing was sent")]
    InvalidId { what: &'static str, value: String },
}

fn said(message: Option<&str>) -> String {
    match message {
        Some(m) => format!("; Weya's message: {m}"),
        None => "; Weya gave no message".to_owned(),
    }
}

fn auth_hint(action: Action, used: AuthMode) -> String {
    let documented = action.documented_auth();
    if documented.accepts(used) {
        format!(
            "Weya documents {} for {}",
            documented.describe(),
            action.label()
        )
    } else {
        format!(
            "Weya documents {} ({}) for {}, and this request used {used}",
            documented.describe(),
            documented.setting(),
            action.label()
        )
    }
}

impl ApiError {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. }
            | Self::Unexpected { status, .. }
            | Self::Contradicted { status, .. }
            | Self::NoBatchId { status, .. }
            | Self::TooLarge { status, .. }
            | Self::Redirected { status, .. }
            | Self::AuthRefused { status, .. } => Some(*status),
            Self::ListNotFound { .. } => Some(404),
            _ => None,
        }
    }

    /// The request ID the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Status { request_id, .. }
            | Self::Unexpected { request_id, .. }
            | Self::Contradicted { request_id, .. }
            | Self::NoBatchId { request_id, .. }
            | Self::AuthRefused { request_id, .. }
            | Self::ListNotFound { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The server's message, if it sent one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Status { message, .. }
            | Self::Contradicted { message, .. }
            | Self::AuthRefused { message, .. }
            | Self::ListNotFound { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether the server refused the credential (HTTP 401 or 403).
    pub fn is_auth_failure(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    /// Whether nothing was sent because the configuration or the input
    /// cannot make a request (the commands exit 2 for these).
    pub fn is_config_problem(&self) -> bool {
        matches!(
            self,
            Self::Config(_) | Self::MissingSetting { .. } | Self::InvalidId { .. }
        )
    }

    /// For a refused credential, what to tell the operator: which
    /// credential the request carried and from where, and, when the
    /// action's page documents the other one, that it needs that one and
    /// where to set it. `None` for any other error.
    ///
    /// "start-calling needs a Bearer token: set WEYA_TOKEN, or token in the
    /// config file (the request carried the x-api-key from environment
    /// variable WEYA_API_KEY, the only credential configured)."
    pub fn auth_advice(&self) -> Option<String> {
        let Self::AuthRefused {
            action,
            used,
            used_from,
            ..
        } = self
        else {
            return None;
        };
        let documented = action.documented_auth();
        let label = action.label();
        Some(match documented {
            DocumentedAuth::Undocumented => format!(
                "The {used} from {used_from} was refused for {label}, whose path is our \
                 assumption (Weya documents no phone list): check WEYA_PHONES_PATH, or keep \
                 the numbers in the phone book. `weya-tui doctor` checks each credential."
            ),
            _ if documented.accepts(*used) => format!(
                "The {used} from {used_from} was refused for {label}: check that it is this \
                 workspace's and has not expired or been revoked (Weya documents {} for it). \
                 `weya-tui doctor` checks each credential.",
                documented.describe()
            ),
            _ => format!(
                "{label} needs {}: set {} (the request carried the {used} from {used_from}, \
                 the only credential configured). `weya-tui doctor` shows which action takes \
                 which.",
                documented.describe(),
                documented.preferred().where_to_set()
            ),
        })
    }

    /// Whether the request may have reached the server and been acted on
    /// even though no answer arrived (a timeout or a dropped connection).
    /// A success status whose body could not be read, or did not name a
    /// batch, counts too: the server said yes, but not what it made. So
    /// does a 302 or 303 that was not followed: servers answer a POST they
    /// carried out with one, pointing at the result. So does a 502, 503 or
    /// 504 ([`ApiError::from_gateway`]): a gateway or proxy says it with its
    /// own page when the server behind it answered too late or went away,
    /// which may be after the server stored what was sent. So does a
    /// success status whose body says `status: false`
    /// ([`ApiError::Contradicted`]).
    pub fn outcome_unknown(&self) -> bool {
        self.from_gateway()
            || matches!(
                self,
                Self::Network {
                    kind: NetworkFailure::Timeout { .. } | NetworkFailure::Dropped,
                    ..
                } | Self::Unexpected {
                    status: 200..=299,
                    ..
                } | Self::NoBatchId { .. }
                    | Self::Contradicted { .. }
                    | Self::TooLarge {
                        status: 200..=299,
                        ..
                    }
                    | Self::Redirected {
                        status: 302 | 303,
                        ..
                    }
            )
    }

    /// Whether this is a 502, 503 or 504: the answer of a gateway or proxy
    /// that lost the server's (or of a server that was going away), which
    /// says nothing about what the server did with the request.
    pub fn from_gateway(&self) -> bool {
        matches!(
            self,
            Self::Status {
                status: 502..=504,
                ..
            } | Self::TooLarge {
                status: 502..=504,
                ..
            }
        )
    }

    /// The error as said for a read (a batch's details, the list, an
    /// export's pages): nothing was asked to change, so the wording for a
    /// write ("whether it was done is not known") does not fit. A
    /// contradicting answer, a timeout, a dropped connection, a gateway's
    /// 502–504, a 500 or a 429 say that nothing was changed and to run it
    /// again.
    pub fn read_text(&self) -> String {
        match self {
            Self::Contradicted {
                status, message, ..
            } => format!(
                "HTTP {status} with \"status\": false: Weya's answer contradicts itself (its \
                 HTTP status says done, its body says not){}; nothing was changed (this was a \
                 read): run it again",
                said(message.as_deref())
            ),
            _ if self.passing() => {
                format!("{self}; nothing was changed (this was a read): run it again")
            }
            _ => self.to_string(),
        }
    }

    /// Whether the same request may well get an answer a moment later: a
    /// timeout, a dropped connection, a gateway's 502–504, a 500, a 429.
    fn passing(&self) -> bool {
        self.from_gateway()
            || matches!(
                self,
                Self::Network {
                    kind: NetworkFailure::Timeout { .. }
                        | NetworkFailure::ConnectTimeout { .. }
                        | NetworkFailure::Dropped,
                    ..
                } | Self::Status {
                    status: 429 | 500,
                    ..
                }
            )
    }

    /// Whether sending the same request again would only get the same
    /// answer: the input or the credential was refused, or the base URL
    /// points at a server that sends everything elsewhere.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Status {
                status: 400 | 401 | 403,
                ..
            } => true,
            // Sent again, the same credential or the same wrong path would
            // get the same answer.
            Self::AuthRefused { .. } | Self::ListNotFound { .. } => true,
            Self::Redirected { .. } => !self.outcome_unknown(),
            _ => false,
        }
    }
}

fn describe_status(status: u16, message: Option<&str>, excerpt: Option<&str>) -> String {
    let reason = match status {
        400 => "the server rejected the request",
        401 => "not authenticated",
        403 => "the credential was refused",
        404 => "not found",
        429 => "too many requests",
        500..=599 => "the server failed",
        _ => "unexpected answer",
    };
    match (message, excerpt) {
        (Some(m), _) => format!("HTTP {status} ({reason}): {m}"),
        (None, Some(e)) => format!("HTTP {status} ({reason}): {e}"),
        (None, None) => format!("HTTP {status} ({reason})"),
    }
}

/// Why a request got no HTTP answer, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkFailure {
    Timeout {
        after: Duration,
    },
    ConnectTimeout {
        after: Duration,
    },
    Refused,
    Dns,
    Tls,
    /// The connection closed before a whole answer arrived.
    Dropped,
    Other(String),
}

impl fmt::Display for NetworkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout { after } => {
                write!(f, "the server did not answer within {} s", after.as_secs())
            }
            Self::ConnectTimeout { after } => {
                write!(f, "could not connect within {} s", after.as_secs())
            }
            Self::Refused => f.write_str("the connection was refused"),
            Self::Dns => f.write_str("the host name could not be resolved"),
            Self::Tls => f.write_str("the TLS handshake failed"),
            Self::Dropped => f.write_str("the connection dropped before an answer arrived"),
            Self::Other(detail) => write!(f, "network error: {detail}"),
        }
    }
}

/// A short, single-line, markup-free excerpt of a body for an operator.
///
/// An HTML page is reduced to its `<title>` when it has one, else to its text.
/// Whitespace is folded, the result is cut to `max` terminal columns (a CJK
/// character takes two) with an ellipsis, and what a terminal would act on
/// or not show is made visible ([`crate::text::visible`]).
pub fn safe_excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let source: String = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(a), Some(b)) if b > a + 7 => text[a + 7..b].to_owned(),
        _ => strip_tags(&text),
    };
    let folded = source.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return "(empty body)".to_owned();
    }
    crate::text::visible(&crate::text::fit(&folded, max)).into_owned()
}

/// The text of markup: tags dropped, and what is inside `<script>` and
/// `<style>` too (code, not words for a person).
fn strip_tags(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    while at < s.len() {
        let Some(open) = s[at..].find('<').map(|i| at + i) else {
            out.push_str(&s[at..]);
            break;
        };
        out.push_str(&s[at..open]);
        let Some(close) = s[open..].find('>').map(|i| open + i) else {
            break;
        };
        out.push(' ');
        at = close + 1;
        let name: String = lower[open + 1..close]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name == "script" || name == "style" {
            // Up to the end of its closing tag (or of the page).
            let end = format!("</{name}");
            at = match lower[at..].find(&end) {
                Some(i) => lower[at + i..]
                    .find('>')
                    .map_or(s.len(), |j| at + i + j + 1),
                None => s.len(),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_page_becomes_its_title() {
        let page =
            b"<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502</h1></body></html>";
        assert_eq!(safe_excerpt(page, 80), "502 Bad Gateway");
    }

    #[test]
    fn html_without_title_is_stripped_and_folded() {
        let page = b"<html><body>\n<h1>Service\r\n Unavailable</h1>\x1b[31m</body></html>";
        assert_eq!(safe_excerpt(page, 80), "Service Unavailable ⟨U+001B⟩[31m");
    }

    /// QA: a proxy page without a title read "502 Bad Gateway x", the
    /// `x` its script's code.
    #[test]
    fn scripts_and_styles_are_not_text() {
        let page =
            b"<html><head><style>h1 { color: red }</style><SCRIPT type=x>var x = '<b>';</script>\
                     </head><body><h1>502 Bad Gateway</h1><script>x</script></body></html>";
        assert_eq!(safe_excerpt(page, 80), "502 Bad Gateway");
        assert_eq!(safe_excerpt(b"a <script>never closed", 80), "a");
    }

    /// QA: a read answered 200 with `"status": false` said "whether it
    /// was done is not known", the wording for a write; reads say nothing
    /// changed and to run them again, as a timeout or a 502 on a read does.
    #[test]
    fn a_failed_read_says_nothing_changed_and_to_run_it_again() {
        let contradicted = ApiError::Contradicted {
            status: 200,
            message: Some("oops".into()),
            request_id: None,
        };
        let text = contradicted.read_text();
        assert!(text.contains("Weya's answer contradicts itself"), "{text}");
        assert!(
            text.ends_with("nothing was changed (this was a read): run it again"),
            "{text}"
        );
        assert!(!text.contains("not known"), "{text}");
        let timeout = ApiError::Network {
            kind: NetworkFailure::Timeout {
                after: Duration::from_secs(30),
            },
            host: "api.weya.ai".into(),
        };
        assert!(timeout.read_text().ends_with("run it again"));
        let gateway = ApiError::Status {
            status: 502,
            message: None,
            request_id: None,
            excerpt: Some("Bad Gateway".into()),
            retry_after: None,
        };
        assert!(gateway.read_text().ends_with("run it again"));
        let refused = ApiError::Status {
            status: 400,
            message: Some("bad".into()),
            request_id: None,
            excerpt: None,
            retry_after: None,
        };
        assert_eq!(refused.read_text(), refused.to_string());
    }

    #[test]
    fn long_and_empty_bodies() {
        assert_eq!(safe_excerpt(b"", 10), "(empty body)");
        assert_eq!(safe_excerpt(b"   \n ", 10), "(empty body)");
        assert_eq!(safe_excerpt("ééééééééééééé".as_bytes(), 5), "éééé…");
        // Cut by columns: a CJK character takes two.
        assert_eq!(
            safe_excerpt("サーバーエラーです".as_bytes(), 9),
            "サーバー…"
        );
    }

    #[test]
    fn a_gateways_502_503_or_504_leaves_the_outcome_unknown_and_is_not_permanent() {
        let status = |status| ApiError::Status {
            status,
            message: None,
            request_id: None,
            excerpt: Some("Bad Gateway".into()),
            retry_after: None,
        };
        for code in [502, 503, 504] {
            assert!(status(code).outcome_unknown(), "{code}");
            assert!(status(code).from_gateway(), "{code}");
            assert!(!status(code).is_permanent(), "{code}");
        }
        for code in [400, 404, 429, 500, 501, 505] {
            assert!(!status(code).outcome_unknown(), "{code}");
        }
    }

    #[test]
    fn status_error_reads_as_a_sentence() {
        let e = ApiError::Status {
            status: 400,
            message: Some("batchName is required".into()),
            request_id: Some("r1".into()),
            excerpt: None,
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 400 (the server rejected the request): batchName is required"
        );
        assert_eq!(e.request_id(), Some("r1"));
    }
}
