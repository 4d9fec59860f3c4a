//! What can go wrong talking to Weya, in terms an operator can act on.
//!
//! Errors are plain data (`Clone`, no boxed sources) so they can travel in a
//! `Msg` and be shown again later. None of them ever holds a credential: the
//! key travels in a header and headers are never copied into an error.

use std::fmt;
use std::time::Duration;

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
    /// A success status whose `data` is not a batch ID: the server said yes
    /// without saying to what.
    #[error("HTTP {status}: the answer gave no batch ID (data was {data})")]
    NoBatchId {
        status: u16,
        /// What `data` held, as a short markup-free excerpt.
        data: String,
        request_id: Option<String>,
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
}

impl ApiError {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. }
            | Self::Unexpected { status, .. }
            | Self::NoBatchId { status, .. }
            | Self::TooLarge { status, .. }
            | Self::Redirected { status, .. } => Some(*status),
            Self::Network { .. } | Self::Config(_) => None,
        }
    }

    /// The request ID the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Status { request_id, .. }
            | Self::Unexpected { request_id, .. }
            | Self::NoBatchId { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The server's message, if it sent one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Status { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether the request may have reached the server and been acted on
    /// even though no answer arrived (a timeout or a dropped connection).
    /// A success status whose body could not be read, or did not name a
    /// batch, counts too: the server said yes, but not what it made. So
    /// does a 302 or 303 that was not followed: servers answer a POST they
    /// carried out with one, pointing at the result.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Self::Network {
                kind: NetworkFailure::Timeout { .. } | NetworkFailure::Dropped,
                ..
            } | Self::Unexpected {
                status: 200..=299,
                ..
            } | Self::NoBatchId { .. }
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

    /// Whether sending the same request again would only get the same
    /// answer: the input or the credential was refused, or the base URL
    /// points at a server that sends everything elsewhere.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Status {
                status: 400 | 401 | 403,
                ..
            } => true,
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
/// Whitespace is folded, the result is cut to `max` characters, and what a
/// terminal would act on or not show is made visible ([`crate::text::visible`]).
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
    let cut = if folded.chars().count() > max {
        let mut cut: String = folded.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        folded
    };
    crate::text::visible(&cut).into_owned()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
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

    #[test]
    fn long_and_empty_bodies() {
        assert_eq!(safe_excerpt(b"", 10), "(empty body)");
        assert_eq!(safe_excerpt(b"   \n ", 10), "(empty body)");
        assert_eq!(safe_excerpt("ééééééééééééé".as_bytes(), 5), "éééé…");
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
