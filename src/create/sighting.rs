//! Which batches in Weya's list may be the one sent, when no answer said.
//!
//! The list's items carry a name and a creation date, nothing of the body.
//! A batch of the sent name created since shortly before it was sent is
//! it. One whose date is missing, does not read as ISO 8601, or lies before
//! the send (a server clock behind ours), or whose name matches only once
//! spaces are trimmed (servers trim names), may be it: a candidate the
//! operator is shown, never taken as proof that the batch was not made.

use chrono::{DateTime, Utc};

use crate::api::BatchSummary;
use crate::text::visible;

/// How far before the send a creation date still counts as the batch sent:
/// clocks differ a little, and a request may wait before it is stored.
const SLACK_SECS: i64 = 120;

/// The batch looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sought {
    /// The name exactly as sent.
    pub name: String,
    pub sent_at: DateTime<Utc>,
    /// Batches of this name known to have been made before (the journal's
    /// creates): they are not the one sent.
    pub known_ids: Vec<String>,
}

/// What a page of the list says about the batch sought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sighting {
    Found(BatchSummary),
    Candidates(Vec<Candidate>),
    Nothing,
}

/// A batch that may be the one sent, and why that cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub batch: BatchSummary,
    pub doubt: Doubt,
}

/// Why a candidate cannot be told apart from the batch sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// The list gives no creation date.
    NoDate,
    /// The date does not read as ISO 8601 (`2026-12-05 21:12:57`).
    OddDate,
    /// Created this long before the send: an older batch, or a server
    /// whose clock is behind.
    Before(chrono::Duration),
    /// The name matches only with spaces trimmed or folded.
    NameDiffers,
}

impl Candidate {
    /// "A batch named “June” exists (64e5…), created 2026-12-05 21:12:57,
    /// a date that cannot be compared: yours?"
    pub fn describe(&self) -> String {
        let b = &self.batch;
        let created = match &self.doubt {
            Doubt::NoDate => "with no creation date in Weya's list".to_owned(),
            Doubt::OddDate => format!(
                "created “{}”, a date that cannot be compared with when you sent it",
                visible(&b.created_at)
            ),
            Doubt::Before(by) => format!(
                "created {} UTC, {} before you sent it (an older batch, or a server clock behind)",
                created_at(&b.created_at).map_or_else(
                    || visible(&b.created_at).into_owned(),
                    |at| at.format("%Y-%m-%d %H:%M:%S").to_string()
                ),
                ago(*by)
            ),
            Doubt::NameDiffers => format!(
                "created {}, named with different spaces",
                match created_at(&b.created_at) {
                    Some(at) => at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    None if b.created_at.trim().is_empty() => "(no date)".to_owned(),
                    None => format!("“{}”", visible(&b.created_at)),
                }
            ),
        };
        format!(
            "A batch named “{}” exists ({}), {created}: yours?",
            visible(&b.batch_name),
            visible(&b.id)
        )
    }
}

/// "10 min", "3 h", "12 days".
fn ago(by: chrono::Duration) -> String {
    match by.num_minutes().max(1) {
        m @ ..120 => format!("{m} min"),
        m @ ..2880 => format!("{} h", m / 60),
        m => format!("{} days", m / 1440),
    }
}

/// The creation date as the documentation writes it (ISO 8601 with its
/// offset), or `None`.
fn created_at(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// A name with its outer spaces trimmed and inner runs of spaces (no-break
/// ones too) folded to one.
fn folded(name: &str) -> String {
    name.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two names are the same once outer spaces are trimmed and
/// inner runs of spaces folded: a server may store either.
pub fn same_name(a: &str, b: &str) -> bool {
    folded(a) == folded(b)
}

/// What `batches` (a page of the list) says about `sought`.
pub fn sight(sought: &Sought, batches: &[BatchSummary]) -> Sighting {
    let since = sought.sent_at - chrono::Duration::seconds(SLACK_SECS);
    let wanted = folded(&sought.name);
    let mut candidates = Vec::new();
    for b in batches {
        if sought.known_ids.contains(&b.id) {
            continue;
        }
        let exact = b.batch_name == sought.name;
        if !exact && folded(&b.batch_name) != wanted {
            continue;
        }
        let doubt = match created_at(&b.created_at) {
            _ if !exact => Doubt::NameDiffers,
            Some(at) if at >= since => return Sighting::Found(b.clone()),
            Some(at) => Doubt::Before(sought.sent_at - at),
            None if b.created_at.trim().is_empty() => Doubt::NoDate,
            None => Doubt::OddDate,
        };
        candidates.push(Candidate {
            batch: b.clone(),
            doubt,
        });
    }
    if candidates.is_empty() {
        Sighting::Nothing
    } else {
        Sighting::Candidates(candidates)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn batch(id: &str, name: &str, created_at: &str) -> BatchSummary {
        BatchSummary {
            id: id.into(),
            batch_name: name.into(),
            total_calls: Some(0),
            calls_picked: Some(0),
            calls_completed: Some(0),
            queue_status: "paused".into(),
            created_at: created_at.into(),
            updated_at: String::new(),
        }
    }

    fn june() -> Sought {
        Sought {
            name: "June renewals".into(),
            sent_at: Utc.with_ymd_and_hms(2026, 12, 5, 21, 12, 0).unwrap(),
            known_ids: vec!["known".into()],
        }
    }

    #[test]
    fn a_batch_of_the_name_created_since_the_send_is_found() {
        let b = batch("a", "June renewals", "2026-12-05T21:12:57.000Z");
        assert_eq!(sight(&june(), std::slice::from_ref(&b)), Sighting::Found(b));
        // A minute early is a clock a little ahead: still it.
        let b = batch("a", "June renewals", "2026-12-05T21:11:00Z");
        assert_eq!(sight(&june(), std::slice::from_ref(&b)), Sighting::Found(b));
    }

    #[test]
    fn a_date_that_cannot_be_compared_makes_a_candidate_never_an_absence() {
        for (created, doubt) in [
            ("", Doubt::NoDate),
            ("2026-12-05 21:12:57", Doubt::OddDate),
            ("yesterday", Doubt::OddDate),
            (
                "2026-12-05T21:02:00Z",
                Doubt::Before(chrono::Duration::minutes(10)),
            ),
        ] {
            let b = batch("a", "June renewals", created);
            let Sighting::Candidates(c) = sight(&june(), &[b]) else {
                panic!("{created:?} is a candidate");
            };
            assert_eq!(c[0].doubt, doubt, "{created:?}");
            assert!(c[0].describe().ends_with(": yours?"), "{}", c[0].describe());
        }
        let b = batch("a", "June renewals", "2026-12-05 21:12:57");
        let Sighting::Candidates(c) = sight(&june(), &[b]) else {
            unreachable!()
        };
        assert_eq!(
            c[0].describe(),
            "A batch named “June renewals” exists (a), created “2026-12-05 21:12:57”, a date \
             that cannot be compared with when you sent it: yours?"
        );
    }

    #[test]
    fn a_name_a_server_trimmed_is_a_candidate_and_known_batches_are_not() {
        let sought = Sought {
            name: " June\u{a0} renewals ".into(),
            ..june()
        };
        let b = batch("a", "June renewals", "2026-12-05T21:12:57Z");
        assert!(matches!(
            sight(&sought, &[b]).clone(),
            Sighting::Candidates(c) if c[0].doubt == Doubt::NameDiffers
        ));
        let known = batch("known", "June renewals", "");
        let other = batch("b", "July renewals", "2026-12-05T21:12:57Z");
        assert_eq!(sight(&june(), &[known, other]), Sighting::Nothing);
    }
}
