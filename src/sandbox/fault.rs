//! Fault switches: make the sandbox's createBatch answer the way a real
//! deployment sometimes does, so every error path can be tried and tested.

use std::str::FromStr;
use std::time::Duration;

/// How createBatch misbehaves while the switch is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 500 with the envelope and a request ID (Weya's "storage failure").
    ServerError,
    /// 403, as for a revoked key.
    Forbidden,
    /// 400 with this message (name a field: "timezone is not supported").
    BadRequest(String),
    /// 502 with an HTML page, as from a proxy.
    HtmlBadGateway,
    /// 429 with `Retry-After` in seconds.
    RateLimited(u64),
    /// Stores the batch, then answers only after this long.
    Slow(Duration),
    /// Waits this long, then stores the batch and answers. It stores even
    /// when the client has stopped waiting, as a real server carries on.
    SlowStore(Duration),
    /// Never answers and stores nothing (a server stuck before storing).
    Hang,
    /// Stores the batch and answers 201 with a cut-off JSON body.
    MalformedJson,
    /// Stores the batch and answers 201 with `data` that is not a batch ID.
    NotAnId,
    /// Stores the batch, then drops the connection mid-answer.
    DropAfterStore,
}

impl FromStr for Fault {
    type Err = String;

    /// The names `weya-tui sandbox --fault` takes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "500" => Self::ServerError,
            "403" => Self::Forbidden,
            "400" => Self::BadRequest("timezone is not supported in this workspace".into()),
            "html-502" => Self::HtmlBadGateway,
            "429" => Self::RateLimited(30),
            "slow" => Self::Slow(Duration::from_secs(40)),
            "slow-store" => Self::SlowStore(Duration::from_secs(20)),
            "hang" => Self::Hang,
            "malformed" => Self::MalformedJson,
            "bad-id" => Self::NotAnId,
            "drop" => Self::DropAfterStore,
            other => {
                return Err(format!(
                    "unknown fault {other:?}: use 500, 403, 400, html-502, 429, slow, slow-store, hang, malformed, bad-id or drop"
                ));
            }
        })
    }
}
