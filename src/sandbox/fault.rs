//! Fault switches: make the sandbox's createBatch (and, for `partial-207`,
//! addCallsToBatch) answer the way a real deployment sometimes does, so
//! every error path can be tried and tested.

use std::str::FromStr;
use std::time::Duration;

/// How createBatch misbehaves while the switch is on (or addCallsToBatch,
/// for [`Fault::Partial207`]).
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
    /// addCallsToBatch fails one chunk of its rows (the last) and answers
    /// 207 with `failedChunks`; createBatch is unaffected.
    Partial207,
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
            "partial-207" => Self::Partial207,
            other => {
                return Err(format!(
                    "unknown fault {other:?}: use 500, 403, 400, html-502, 429, slow, slow-store, \
                     hang, malformed, bad-id, drop or partial-207"
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_name_parses_and_an_unknown_one_lists_them() {
        for name in [
            "500",
            "403",
            "400",
            "html-502",
            "429",
            "slow",
            "hang",
            "malformed",
            "drop",
            "partial-207",
        ] {
            assert!(name.parse::<Fault>().is_ok(), "{name}");
        }
        assert_eq!("partial-207".parse::<Fault>(), Ok(Fault::Partial207));
        let e = "207".parse::<Fault>().unwrap_err();
        assert!(e.contains("drop or partial-207"), "{e}");
    }
}
