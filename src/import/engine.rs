//! The import engine: sending one request of a checked file, reading
//! Weya's answer, recording it, and deciding what comes next. `weya-tui
//! batch import` ([`crate::cli::import`]) and the import view
//! ([`crate::tui::views::import`]) both drive it and only present what it
//! decided: neither carries a rule of its own.
//!
//! Each request goes through three calls: [`ImportSender::prepare`]
//! (blocking: reads the request's rows from the file and records it as
//! `sending` in the journal before anything leaves), [`ImportSender::post`]
//! (the request itself) and [`finish`] (blocking: classifies the answer,
//! records it, and says whether to go on). A driver may drop a request on
//! its way (a second Ctrl-C) and record that with [`abandon`].
//!
//! # The rules
//!
//! **What is sent.** A request is one server chunk (at most 1,000 rows).
//! When the batch's numbers were read before sending
//! ([`super::existing`]), a row whose number the batch holds is left out
//! (and counted, in the journal as `left_out`); a request whose rows are all
//! left out is confirmed without being sent. Nothing is sent before the
//! journal says `sending`: if that cannot be written, the request is not
//! sent and sending stops.
//!
//! **What an answer means**, for a request that carried `S` rows
//! ([`classify`]):
//!
//! | answer | verdict | journal |
//! |---|---|---|
//! | 2xx, `added` = `S` (or no `added` and `S` call IDs) | added | confirmed |
//! | 2xx, `added` < `S` | partial, the shortfall named | partial |
//! | 2xx, `added` > `S`, or a count of call IDs that is not `added`, or no count at all | in doubt | unknown |
//! | 207 whose failed chunk holds every row sent, nothing added | refused | failed |
//! | any other 207 (rows added and a chunk failed, a chunk that was not sent, no failed chunk) | in doubt | unknown |
//! | 200, 201 or any 2xx but 207 whose envelope says `status: false` (failed chunks or not): a success status and a refusal at once ([`ApiError::Contradicted`]) | in doubt, the contradiction, Weya's message and request ID named | unknown |
//! | no answer (timeout, dropped connection), an unreadable 2xx, a 302/303, a 502/503/504 from a proxy, any other network failure once connected | in doubt | unknown |
//! | 401, 403, 404 | refused, and sending stops | failed |
//! | 429 | refused, and sending stops until later | failed |
//! | no connection (refused, DNS, TLS, connect timeout), a configuration problem | refused, and sending stops | failed |
//! | any other 4xx or 5xx | refused | failed |
//!
//! Anything short of "every row sent was added" is never confirmed: a
//! partial answer is partial (its shortfall is named), and an answer that
//! contradicts itself is in doubt, exactly as one that never came.
//!
//! **Going on or stopping.** After a refusal that every other request
//! would meet too (the credential, the batch, the connection, a rate
//! limit), sending stops and the rest stay planned. After any other
//! refusal, a partial answer or an answer in doubt, the next request goes:
//! its rows are others. An answer the journal cannot record stops sending
//! (the journal still says `sending`, which the next run reads as unknown).
//!
//! **Failure reasons** carry Weya's request ID whenever it gave one, in
//! the journal and therefore on every screen and in `--json`.
//!
//! **Doubt** (a partial answer or one in doubt) is never resolved by a
//! blind resend: the request waits for the operator
//! ([`super::ImportJournal::resolve_unknown`]), who is shown the batch's
//! totals ([`DoubtFigures`]): its `totalCalls` before the import (in the
//! journal) and now, what the requests answered added, and what the total
//! would be with and without the request's rows. A request sent again
//! leaves out the numbers the batch holds by then.
//!
//! **Counting** is the journal's ([`super::journal::JournalSummary`]): rows
//! confirmed (in the batch, sent or left out), added, left out, short, in
//! doubt, failed and planned, the same figures for every screen.

use std::sync::Arc;

use super::existing::BatchNumbers;
use super::journal::{ImportJournal, JournalRequest};
use super::plan::SendPlan;
use crate::api::{AddCallsOutcome, ApiError, NetworkFailure, WeyaClient};
use crate::num::thousands;

/// What Weya's answer to one request means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every row sent was added.
    Added { added: u64 },
    /// Weya said it added fewer rows than were sent.
    Partial {
        added: u64,
        sent: u32,
        reason: String,
    },
    /// Weya refused the request: none of its rows were added. `stop` says
    /// why no other request is sent after it, when that is so; `error` is
    /// the refusal, for the credential's advice.
    Refused {
        reason: String,
        stop: Option<String>,
        error: Option<ApiError>,
    },
    /// No answer, or one that contradicts itself: its rows may or may not
    /// be in the batch.
    InDoubt { reason: String },
}

/// Reads Weya's answer to a request that carried `sent` rows. See the
/// module's table.
pub fn classify(answer: &Result<AddCallsOutcome, ApiError>, sent: u32) -> Verdict {
    let sent_rows = u64::from(sent);
    match answer {
        Ok(AddCallsOutcome::Added(added)) => {
            let id = added.request_id.as_deref();
            let ids = added.call_ids.len() as u64;
            let said = added.said.or((ids > 0).then_some(ids));
            match said {
                None => Verdict::InDoubt {
                    reason: with_id(
                        "Weya answered yes without saying how many rows it added".to_owned(),
                        id,
                    ),
                },
                Some(n) if ids > 0 && ids != n => Verdict::InDoubt {
                    reason: with_id(
                        format!(
                            "Weya's answer contradicts itself: it says {} rows were added and \
                             gives {} call IDs, for {} rows sent",
                            thousands(n),
                            thousands(ids),
                            thousands(sent_rows)
                        ),
                        id,
                    ),
                },
                Some(n) if n == sent_rows => Verdict::Added { added: n },
                Some(n) if n < sent_rows => Verdict::Partial {
                    added: n,
                    sent,
                    reason: with_id(shortfall(n, sent), id),
                },
                Some(n) => Verdict::InDoubt {
                    reason: with_id(
                        format!(
                            "Weya's answer contradicts itself: it says {} rows were added, of {} \
                             sent",
                            thousands(n),
                            thousands(sent_rows)
                        ),
                        id,
                    ),
                },
            }
        }
        Ok(AddCallsOutcome::Partial(partial)) => {
            let id = partial.request_id.as_deref();
            let failed = partial.failed_rows(usize::try_from(sent).unwrap_or(usize::MAX));
            let chunks: Vec<String> = partial
                .failed_chunks
                .iter()
                .map(|c| format!("chunk {}: {}", c.chunk_num, c.error))
                .collect();
            let chunks = chunks.join("; ");
            let all_failed = failed.len() == 1
                && failed[0] == (0..usize::try_from(sent).unwrap_or(usize::MAX))
                && partial.failed_chunks.len() == 1;
            let nothing_added = partial.added.unwrap_or(0) == 0 && partial.call_ids.is_empty();
            if all_failed && nothing_added {
                Verdict::Refused {
                    reason: with_id(format!("HTTP 207, {chunks}"), id),
                    stop: None,
                    error: None,
                }
            } else {
                // One request is one chunk: a 207 that says rows were
                // added while that chunk failed, or names a chunk that was
                // not sent, cannot be taken at its word either way.
                let added = partial.added.map_or_else(
                    || "no count of rows added".to_owned(),
                    |n| format!("{} rows added", thousands(n)),
                );
                Verdict::InDoubt {
                    reason: with_id(
                        format!(
                            "HTTP 207 that contradicts itself: {added} of {} sent, and {chunks}",
                            thousands(sent_rows)
                        ),
                        id,
                    ),
                }
            }
        }
        Err(e) => classify_error(e),
    }
}

fn classify_error(e: &ApiError) -> Verdict {
    let reason = failed_reason(e);
    if answer_lost(e) {
        return Verdict::InDoubt { reason };
    }
    let stop = match e {
        _ if e.is_auth_failure() => Some(format!(
            "the remaining requests were not sent: Weya would refuse them the same way ({reason})"
        )),
        _ if e.status() == Some(404) => Some(format!(
            "the remaining requests were not sent: Weya does not find the batch ({reason})"
        )),
        _ if e.status() == Some(429) => Some(format!(
            "the remaining requests were not sent: Weya asks to wait before sending more \
             ({reason}); run the same command again later"
        )),
        ApiError::Network { .. } | ApiError::Redirected { .. } => Some(format!(
            "the remaining requests were not sent: Weya could not be reached ({reason})"
        )),
        _ if e.is_config_problem() => {
            Some(format!("the remaining requests were not sent: {reason}"))
        }
        _ => None,
    };
    Verdict::Refused {
        reason,
        stop,
        error: Some(e.clone()),
    }
}

/// Whether the request may have reached Weya and been acted on though
/// its answer was lost or cannot be read.
fn answer_lost(e: &ApiError) -> bool {
    // Among them a proxy's 502, 503 or 504: the server may have stored
    // the rows before its answer was lost.
    if e.outcome_unknown() {
        return true;
    }
    match e {
        // Failed after the connection was made: the request may have gone.
        ApiError::Network {
            kind: NetworkFailure::Other(_),
            ..
        } => true,
        _ => false,
    }
}

/// "Weya added 500 of the 1,000 rows sent: 500 not added".
fn shortfall(added: u64, sent: u32) -> String {
    let sent = u64::from(sent);
    format!(
        "Weya added {} of the {} rows sent: {} not added",
        thousands(added),
        thousands(sent),
        thousands(sent.saturating_sub(added))
    )
}

/// A refusal's words with its request ID, which support asks for.
pub fn failed_reason(e: &ApiError) -> String {
    with_id(e.to_string(), e.request_id())
}

fn with_id(text: String, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{text} (request ID {id})"),
        None => text,
    }
}

/// Why a request was not sent: nothing left the machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{request} was not sent: {reason}")]
pub struct NotSent {
    pub index: usize,
    /// "request 3: rows 2001–3000 (lines …)".
    pub request: String,
    pub reason: String,
}

/// A request ready to leave, recorded as `sending`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    pub index: usize,
    body: String,
    /// Rows it carries.
    pub sent: u32,
    /// Rows of the request left out: the batch holds their number.
    pub left_out: u32,
}

/// What [`ImportSender::prepare`] made of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// To be posted.
    Ready(Ready),
    /// Every row's number is in the batch already: confirmed, not sent.
    AllLeftOut { index: usize, rows: u32 },
}

/// What became of one request, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub index: usize,
    pub verdict: Verdict,
    /// Why the journal could not record the verdict, if it could not: the
    /// journal still says `sending`, which reads as unknown.
    pub unrecorded: Option<String>,
}

impl Outcome {
    /// Why no other request is to be sent after this one, if so.
    pub fn stop(&self) -> Option<String> {
        if let Some(why) = &self.unrecorded {
            return Some(why.clone());
        }
        match &self.verdict {
            Verdict::Refused { stop, .. } => stop.clone(),
            _ => None,
        }
    }

    /// The refusal, if Weya refused (for the credential's advice).
    pub fn error(&self) -> Option<&ApiError> {
        match &self.verdict {
            Verdict::Refused { error, .. } => error.as_ref(),
            _ => None,
        }
    }
}

/// Sends a plan's requests into one batch.
#[derive(Debug, Clone)]
pub struct ImportSender {
    client: WeyaClient,
    batch_id: String,
    plan: Arc<SendPlan>,
    existing: Option<Arc<BatchNumbers>>,
}

impl ImportSender {
    pub fn new(client: WeyaClient, batch_id: &str, plan: Arc<SendPlan>) -> Self {
        Self {
            client,
            batch_id: batch_id.to_owned(),
            plan,
            existing: None,
        }
    }

    /// Leaves out rows whose number is in `existing` (the batch's numbers,
    /// read before sending); `None` sends every row.
    #[must_use]
    pub fn leaving_out(mut self, existing: Option<Arc<BatchNumbers>>) -> Self {
        self.existing = existing;
        self
    }

    pub fn plan(&self) -> &Arc<SendPlan> {
        &self.plan
    }

    /// The batch's numbers rows are compared with, if any.
    pub fn existing(&self) -> Option<&Arc<BatchNumbers>> {
        self.existing.as_ref()
    }

    /// Blocking: reads request `index`'s rows from the file and records it
    /// in `journal` as `sending` (or, when the batch holds every one of
    /// its numbers, as confirmed without sending). Nothing is sent when
    /// this fails: the file changed, or the journal cannot be written.
    pub fn prepare(&self, journal: &mut ImportJournal, index: usize) -> Result<Prepared, NotSent> {
        let described = describe(journal, index);
        let not_sent = |reason: String| NotSent {
            index,
            request: described.clone(),
            reason,
        };
        let body = self
            .plan
            .body_leaving_out(&self.batch_id, index, self.existing.as_deref())
            .map_err(|e| not_sent(e.to_string()))?;
        if body.sent == 0 {
            journal
                .mark_all_left_out(index)
                .map_err(|e| not_sent(e.to_string()))?;
            return Ok(Prepared::AllLeftOut {
                index,
                rows: body.left_out,
            });
        }
        journal
            .mark_sending_leaving_out(index, body.left_out)
            .map_err(|e| not_sent(e.to_string()))?;
        Ok(Prepared::Ready(Ready {
            index,
            body: body.json,
            sent: body.sent,
            left_out: body.left_out,
        }))
    }

    /// Posts a prepared request and returns Weya's answer as it came.
    pub async fn post(&self, ready: &Ready) -> Result<AddCallsOutcome, ApiError> {
        self.client.add_calls_raw(ready.body.clone()).await
    }
}

/// Blocking: classifies the answer to request `index` (which carried
/// `sent` rows), records it in `journal`, and says what it was.
pub fn finish(
    journal: &mut ImportJournal,
    index: usize,
    sent: u32,
    answer: &Result<AddCallsOutcome, ApiError>,
) -> Outcome {
    record(journal, index, classify(answer, sent))
}

/// Blocking: records that request `index` was dropped on its way, its
/// answer never awaited (`why`): it is in doubt.
pub fn abandon(journal: &mut ImportJournal, index: usize, why: &str) -> Outcome {
    record(
        journal,
        index,
        Verdict::InDoubt {
            reason: why.to_owned(),
        },
    )
}

fn record(journal: &mut ImportJournal, index: usize, verdict: Verdict) -> Outcome {
    let written = match &verdict {
        Verdict::Added { added } => journal.mark_confirmed(index, Some(*added)),
        Verdict::Partial { added, reason, .. } => journal.mark_partial(index, *added, reason),
        Verdict::Refused { reason, .. } => journal.mark_failed(index, reason),
        Verdict::InDoubt { reason } => journal.mark_unknown(index, reason),
    };
    // A 404 to addCallsToBatch: Weya does not find the batch. The journal
    // says so, so the start-up notice offers to set the import aside
    // rather than resume it against the same 404.
    let written = written.and_then(|()| match &verdict {
        Verdict::Refused {
            error: Some(e),
            reason,
            ..
        } if e.status() == Some(404) => {
            journal.mark_batch_gone(&format!("Weya does not find the batch: {reason}"))
        }
        _ => Ok(()),
    });
    let unrecorded = written.err().map(|e| {
        tracing::error!(error = %e, index, "cannot record a request's answer");
        let answer = match &verdict {
            Verdict::Added { added } => format!("Weya added {} rows", thousands(*added)),
            Verdict::Partial { reason, .. } | Verdict::InDoubt { reason } => reason.clone(),
            Verdict::Refused { reason, .. } => format!("Weya refused it ({reason})"),
        };
        format!(
            "{} was sent, but its answer could not be recorded ({answer}; {e}); stopped: \
             its outcome counts as unknown until you settle it",
            describe(journal, index)
        )
    });
    Outcome {
        index,
        verdict,
        unrecorded,
    }
}

/// "request 3: rows 2001–3000 (lines 2002–3001)".
fn describe(journal: &ImportJournal, index: usize) -> String {
    journal
        .requests()
        .get(index)
        .map_or_else(|| format!("request {}", index + 1), ToString::to_string)
}

/// What the operator weighs to settle a request in doubt: the batch's
/// `totalCalls` before the import and now, what the answered requests
/// added, and what the total would be without and with the request's
/// rows (if nothing else changed the batch meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoubtFigures {
    /// The request (0-based).
    pub index: usize,
    pub before: Option<u64>,
    pub now: Option<u64>,
    /// Rows Weya said it added, over every request answered.
    pub added: u64,
    /// Rows of this request that may be in the batch (sent and not
    /// counted in `added`).
    pub in_question: u64,
}

impl DoubtFigures {
    /// The figures for `request` of `journal`, with the batch's total
    /// `now` when it could be read.
    pub fn of(journal: &ImportJournal, request: &JournalRequest, now: Option<u64>) -> Self {
        let added = journal.summary().rows_added;
        Self {
            index: request.index,
            before: journal.batch_total_before(),
            now,
            added,
            in_question: u64::from(request.sent()).saturating_sub(request.added()),
        }
    }

    /// The total without the request's rows in question, and with them.
    pub fn expected(&self) -> Option<(u64, u64)> {
        let without = self.before? + self.added;
        Some((without, without + self.in_question))
    }
}

impl std::fmt::Display for DoubtFigures {
    /// "The batch's totalCalls: 0 before this import, 2,000 now. The
    /// confirmed requests added 1,000: without request 2's rows it would
    /// hold 1,000, with them 2,000."
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let now = self
            .now
            .map_or_else(|| "could not be read".to_owned(), thousands);
        match (self.before, self.expected()) {
            (Some(before), Some((without, with))) => write!(
                f,
                "The batch's totalCalls: {} before this import, {now} now. The confirmed \
                 requests added {}: without request {}'s rows it would hold {}, with them {}.",
                thousands(before),
                thousands(self.added),
                self.index + 1,
                thousands(without),
                thousands(with)
            ),
            _ => write!(
                f,
                "The batch's totalCalls now: {now} (its total before this import was not \
                 recorded); the confirmed requests added {}.",
                thousands(self.added)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{CallsAdded, FailedChunk, PartialAdd};

    fn added(said: Option<u64>, ids: usize) -> Result<AddCallsOutcome, ApiError> {
        Ok(AddCallsOutcome::Added(CallsAdded {
            added: said.unwrap_or(ids as u64),
            said,
            call_ids: (0..ids).map(|i| format!("id{i}")).collect(),
            request_id: Some("r-1".into()),
        }))
    }

    fn partial(added: Option<u64>, chunks: &[u64]) -> Result<AddCallsOutcome, ApiError> {
        Ok(AddCallsOutcome::Partial(PartialAdd {
            added,
            call_ids: Vec::new(),
            failed_chunks: chunks
                .iter()
                .map(|&chunk_num| FailedChunk {
                    chunk_num,
                    error: "storage".into(),
                })
                .collect(),
            message: None,
            request_id: Some("r-2".into()),
        }))
    }

    fn status(status: u16) -> Result<AddCallsOutcome, ApiError> {
        Err(ApiError::Status {
            status,
            message: Some("no".into()),
            request_id: Some("r-3".into()),
            excerpt: None,
            retry_after: None,
        })
    }

    #[test]
    fn only_every_row_added_is_added() {
        assert_eq!(
            classify(&added(Some(1000), 0), 1000),
            Verdict::Added { added: 1000 }
        );
        assert_eq!(classify(&added(None, 7), 7), Verdict::Added { added: 7 });
        match classify(&added(Some(500), 0), 1000) {
            Verdict::Partial {
                added: 500,
                sent: 1000,
                reason,
            } => assert_eq!(
                reason,
                "Weya added 500 of the 1,000 rows sent: 500 not added (request ID r-1)"
            ),
            other => panic!("{other:?}"),
        }
        // More than was sent, call IDs that disagree, or no count: in doubt.
        for answer in [added(Some(1001), 0), added(Some(1000), 3), added(None, 0)] {
            assert!(
                matches!(classify(&answer, 1000), Verdict::InDoubt { .. }),
                "{answer:?}"
            );
        }
    }

    #[test]
    fn a_success_status_that_says_false_is_in_doubt_never_a_refusal() {
        let answer = Err(ApiError::Contradicted {
            status: 200,
            message: Some("Calls could not be added".into()),
            request_id: Some("r-4".into()),
        });
        match classify(&answer, 10) {
            Verdict::InDoubt { reason } => assert!(
                reason.contains("contradicts itself")
                    && reason.contains("Weya's message: Calls could not be added")
                    && reason.ends_with("(request ID r-4)"),
                "{reason}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_207_is_a_refusal_only_when_it_says_so_consistently() {
        assert!(matches!(
            classify(&partial(Some(0), &[1]), 1000),
            Verdict::Refused { stop: None, .. }
        ));
        assert!(matches!(
            classify(&partial(None, &[1]), 1000),
            Verdict::Refused { stop: None, .. }
        ));
        // `added` equal to the rows sent, with a failed chunk: in doubt.
        match classify(&partial(Some(1000), &[1]), 1000) {
            Verdict::InDoubt { reason } => {
                assert!(reason.contains("contradicts itself"), "{reason}");
                assert!(reason.ends_with("(request ID r-2)"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // A chunk that was not sent.
        assert!(matches!(
            classify(&partial(Some(0), &[2]), 1000),
            Verdict::InDoubt { .. }
        ));
    }

    #[test]
    fn refusals_stop_sending_when_every_request_would_meet_them() {
        for code in [401, 403, 404, 429] {
            match classify(&status(code), 10) {
                Verdict::Refused {
                    stop: Some(_),
                    reason,
                    ..
                } => assert!(reason.ends_with("(request ID r-3)"), "{reason}"),
                other => panic!("{code}: {other:?}"),
            }
        }
        for code in [400, 500] {
            assert!(
                matches!(
                    classify(&status(code), 10),
                    Verdict::Refused { stop: None, .. }
                ),
                "{code}"
            );
        }
        for code in [502, 503, 504] {
            assert!(
                matches!(classify(&status(code), 10), Verdict::InDoubt { .. }),
                "{code}"
            );
        }
        let refused = Err(ApiError::Network {
            kind: NetworkFailure::Refused,
            host: "h".into(),
        });
        assert!(matches!(
            classify(&refused, 10),
            Verdict::Refused { stop: Some(_), .. }
        ));
        let timeout = Err(ApiError::Network {
            kind: NetworkFailure::Timeout {
                after: std::time::Duration::from_secs(30),
            },
            host: "h".into(),
        });
        assert!(matches!(classify(&timeout, 10), Verdict::InDoubt { .. }));
    }
}
