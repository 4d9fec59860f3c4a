//! The remedy for contacts called outside their hours (issue 19, item 6):
//! one batch per time zone group, each with the window in its own time.
//!
//! It exists when the batch's schedule is known (it was created from this
//! machine) and its contacts fall in more than one zone group, at least
//! one of which is called outside the contact hours. What is decided here,
//! and said in every review:
//!
//! - **Which groups move.** Each flagged group of one zone (other than the
//!   batch's own) gets a batch of its own. Groups inside the hours stay in
//!   the original: nothing is wrong with them. A group whose number stands
//!   for several zones (`+1 208`: Boise or Los Angeles) cannot be split
//!   safely (which clock is theirs is not known) and stays, said so; so
//!   do numbers of no known zone.
//! - **The window.** The original window's clock times in the group's own
//!   zone (09:00–17:00 New York becomes 09:00–17:00 London), clipped to
//!   the contact hours when the original window leaves them (07:00–22:00
//!   becomes 08:00–21:00): a batch made to call people at a decent hour
//!   never calls them outside it. A clip is named in the review.
//! - **Everything else** is the original's: calling numbers, days (0 =
//!   Sunday, on the group's own calendar), retries and delay. The name is
//!   the original's with the zone: "June renewals · Europe/London".
//!
//! The new batches are created by the one create engine
//! ([`crate::create`]) and filled by the one import engine
//! ([`crate::import::engine`]) with a [`ZonePart`] of the file each; the
//! original gets only the rows that stay. [`SplitJournal`] records each
//! create before it is sent and its answer after, so a run that stops
//! midway is resumed without sending a create twice.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::api::{BatchRequest, CallingHour};
use crate::domain::local_time::{LocalTimes, LocalWindow};
use crate::form::time::parse_time;
use crate::import::ZonePart;
use crate::num::thousands;

/// One group moved to a batch of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedGroup {
    pub zone: Tz,
    pub count: u64,
    /// The new batch's request, exactly as it is sent.
    pub request: BatchRequest,
    /// What the original window is for them: the check's line.
    pub was: String,
    /// Why the window is not the original's clock times, when it is not:
    /// "clipped to 08:00–21:00".
    pub clipped: Option<String>,
}

impl MovedGroup {
    /// The rows of the file this batch takes.
    pub fn part(&self) -> ZonePart {
        ZonePart::Only(vec![self.zone.name().to_owned()])
    }

    /// "09:00–17:00 Europe/London".
    pub fn window(&self) -> String {
        match &self.request.calling_hour {
            Some(h) => format!("{}–{} {}", h.start, h.end, self.zone.name()),
            None => self.zone.name().to_owned(),
        }
    }
}

/// A group that stays in the original batch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayingGroup {
    pub zone: String,
    pub count: u64,
    /// Still called outside the contact hours.
    pub flagged: bool,
    pub why: String,
}

/// The split of a batch's contacts by time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSplit {
    /// The body the original batch was created with.
    pub original: BatchRequest,
    pub moved: Vec<MovedGroup>,
    pub staying: Vec<StayingGroup>,
    /// "09:00–17:00 New York on Mon 15 Jun": the window the check
    /// converted.
    pub basis: String,
}

impl ZoneSplit {
    /// The rows of the file that stay in the original batch.
    pub fn staying_part(&self) -> ZonePart {
        ZonePart::Except(
            self.moved
                .iter()
                .map(|g| g.zone.name().to_owned())
                .collect(),
        )
    }

    /// Contacts that stay in the original batch.
    pub fn staying_contacts(&self) -> u64 {
        self.staying.iter().map(|g| g.count).sum()
    }

    /// Contacts that move to new batches.
    pub fn moved_contacts(&self) -> u64 {
        self.moved.iter().map(|g| g.count).sum()
    }

    /// Contacts that stay and are still called outside the hours.
    pub fn still_flagged(&self) -> u64 {
        self.staying
            .iter()
            .filter(|g| g.flagged)
            .map(|g| g.count)
            .sum()
    }
}

/// Why the contacts cannot be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSplit(pub String);

impl std::fmt::Display for NoSplit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a batch's name is made for a zone: within the form's limit, the
/// original name cut (never the zone) when it is too long.
pub fn name_for(original: &str, zone: Tz) -> String {
    let suffix = format!(" · {}", zone.name());
    let room = crate::form::MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let base: String = original.trim_end().chars().take(room).collect();
    format!("{}{suffix}", base.trim_end())
}

/// The split of `times`' groups for the batch created with `original`.
pub fn plan(original: &BatchRequest, times: &LocalTimes) -> Result<ZoneSplit, NoSplit> {
    let hours = times.hours;
    let home = times.schedule.timezone;
    let (start, end) = (times.schedule.start, times.schedule.end);
    if times.flagged().next().is_none() {
        return Err(NoSplit(format!(
            "every contact is called inside {} their time: there is nothing to split",
            hours.describe()
        )));
    }
    if times.groups.len() < 2 {
        let zone = times
            .groups
            .first()
            .map(LocalWindow::zone_name)
            .unwrap_or_default();
        return Err(NoSplit(format!(
            "every contact is in one group ({zone}): a split would move them all; create the \
             batch with its window in their time instead"
        )));
    }
    // One window for every moved group: the original's clock times,
    // clipped to the hours.
    let (new_start, new_end) = (start.max(hours.earliest), end.min(hours.latest));
    let clipped = (new_start != start || new_end != end).then(|| {
        format!(
            "clipped to {} ({}–{} would leave them)",
            hours.describe(),
            start.to_hh_mm(),
            end.to_hh_mm()
        )
    });
    let mut moved: Vec<MovedGroup> = Vec::new();
    let mut staying = Vec::new();
    for group in &times.groups {
        let stay = |why: String| StayingGroup {
            zone: group.zone_name_short(),
            count: group.count,
            flagged: group.is_flagged(),
            why,
        };
        match group.zones.as_slice() {
            _ if group.span.is_none() => {
                staying.push(stay("their zone is not known".to_owned()));
            }
            _ if !group.is_flagged() => {
                staying.push(stay(format!("inside {}", hours.describe())));
            }
            [zone] if *zone == home => staying.push(stay(format!(
                "the batch's own zone: its window leaves {} there, which a split cannot change",
                hours.describe()
            ))),
            [_] if new_end <= new_start => staying.push(stay(format!(
                "the window {}–{} has no time inside {}",
                start.to_hh_mm(),
                end.to_hh_mm(),
                hours.describe()
            ))),
            [zone] => {
                if let Some(same) = moved.iter_mut().find(|m| m.zone == *zone) {
                    same.count += group.count;
                    continue;
                }
                let mut request = original.clone();
                request.batch_name = name_for(&original.batch_name, *zone);
                request.timezone = Some(zone.name().to_owned());
                request.calling_hour = Some(CallingHour {
                    start: new_start.to_hh_mm(),
                    end: new_end.to_hh_mm(),
                });
                moved.push(MovedGroup {
                    zone: *zone,
                    count: group.count,
                    request,
                    was: times.line(group),
                    clipped: clipped.clone(),
                });
            }
            _ => staying.push(stay(format!(
                "cannot be split safely: {} (still called outside {} at the widest)",
                group.zone_name(),
                hours.describe()
            ))),
        }
    }
    if moved.is_empty() {
        let why: Vec<String> = staying
            .iter()
            .filter(|g| g.flagged)
            .map(|g| format!("{} contacts in {}: {}", thousands(g.count), g.zone, g.why))
            .collect();
        return Err(NoSplit(format!(
            "no group can be moved to a batch of its own ({})",
            why.join("; ")
        )));
    }
    Ok(ZoneSplit {
        original: original.clone(),
        moved,
        staying,
        basis: times.basis(),
    })
}

/// The body the batch was created with, as a request: what a split copies.
pub fn original_request(body: &serde_json::Value) -> Option<BatchRequest> {
    let request: BatchRequest = serde_json::from_value(body.clone()).ok()?;
    // A window that cannot be read cannot be moved either.
    let hour = request.calling_hour.as_ref()?;
    parse_time(&hour.start).ok()?;
    parse_time(&hour.end).ok()?;
    request.timezone.as_deref()?.parse::<Tz>().ok()?;
    Some(request)
}

/// What became of one group's create, as the split journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum CreateState {
    /// Not sent yet.
    Planned,
    /// Recorded before the body was sent; no answer recorded since: the
    /// batch may exist.
    Sending {
        sent_at: DateTime<Utc>,
    },
    Created {
        batch_id: String,
    },
    /// Refused: not created; sending again is safe.
    Failed {
        reason: String,
    },
    /// No answer said, and Weya's list did not settle it.
    Unknown {
        sent_at: DateTime<Utc>,
        reason: String,
    },
}

/// One group of a split as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitEntry {
    pub zone: String,
    pub count: u64,
    /// The exact body sent (or to send) to createBatch.
    pub body: String,
    pub batch_name: String,
    #[serde(flatten)]
    pub state: CreateState,
}

/// A split of one file's contacts for one batch, on disk: the batches it
/// creates, each recorded before its body is sent and after its answer,
/// so that no run sends a create twice and a stopped run says which
/// batches exist. Kept beside the import journals' folder, under
/// `splits/`, named by the batch and the file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitJournal {
    pub batch_id: String,
    pub target: String,
    pub created: String,
    pub groups: Vec<SplitEntry>,
    #[serde(skip)]
    path: PathBuf,
}

/// Why the split journal could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SplitJournalError {
    #[error("the split journal {path} could not be {doing}: {source}")]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: std::io::Error,
    },
    #[error("the split journal {path} is not readable: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("another weya-tui (PID {}) is splitting this file for this batch", pid.map_or("unknown".to_owned(), |p| p.to_string()))]
    Busy { pid: Option<u32> },
}

/// The lock a split holds while it runs.
pub struct SplitLock(#[allow(dead_code)] crate::store::lock::FileLock);

impl SplitJournal {
    /// Where the split of the content `key` for `batch_id` is recorded.
    pub fn path_in(dir: &Path, batch_id: &str, key: &str) -> PathBuf {
        let stem: String = batch_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(64)
            .collect();
        dir.join(format!("split-{stem}-{key}.json"))
    }

    /// Takes the lock of this split: one run at a time creates its batches.
    pub fn lock(path: &Path) -> Result<SplitLock, SplitJournalError> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        let lock = path.with_file_name(name);
        let io = |source| SplitJournalError::Io {
            path: lock.clone(),
            doing: "locked",
            source,
        };
        if let Some(dir) = lock.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        match crate::store::lock::try_lock(&lock).map_err(io)? {
            crate::store::lock::TryLock::Taken(l) => Ok(SplitLock(l)),
            crate::store::lock::TryLock::Busy(pid) => Err(SplitJournalError::Busy { pid }),
        }
    }

    /// The split recorded at `path`, if one was started.
    pub fn find(path: &Path) -> Result<Option<Self>, SplitJournalError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let mut journal: Self =
                    serde_json::from_slice(&bytes).map_err(|source| SplitJournalError::Parse {
                        path: path.to_owned(),
                        source,
                    })?;
                journal.path = path.to_owned();
                Ok(Some(journal))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SplitJournalError::Io {
                path: path.to_owned(),
                doing: "read",
                source,
            }),
        }
    }

    /// A new record of `split`, every create planned, written at once.
    pub fn start(
        path: &Path,
        batch_id: &str,
        target: &str,
        split: &ZoneSplit,
    ) -> Result<Self, SplitJournalError> {
        let journal = Self {
            batch_id: batch_id.to_owned(),
            target: target.to_owned(),
            created: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            groups: split
                .moved
                .iter()
                .map(|g| SplitEntry {
                    zone: g.zone.name().to_owned(),
                    count: g.count,
                    body: g.request.to_body(),
                    batch_name: g.request.batch_name.clone(),
                    state: CreateState::Planned,
                })
                .collect(),
            path: path.to_owned(),
        };
        journal.save()?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the recorded creates are those of `split` (the same zones,
    /// names and bodies): a resumed run creates what the first one showed.
    pub fn matches(&self, split: &ZoneSplit) -> bool {
        self.groups.len() == split.moved.len()
            && self.groups.iter().zip(&split.moved).all(|(entry, group)| {
                entry.zone == group.zone.name() && entry.body == group.request.to_body()
            })
    }

    /// Records group `index`'s new state, on disk before it returns.
    pub fn set(&mut self, index: usize, state: CreateState) -> Result<(), SplitJournalError> {
        if let Some(entry) = self.groups.get_mut(index) {
            entry.state = state;
        }
        self.save()
    }

    /// The batch of each group, when every one was created.
    pub fn all_created(&self) -> bool {
        self.groups
            .iter()
            .all(|g| matches!(g.state, CreateState::Created { .. }))
    }

    fn save(&self) -> Result<(), SplitJournalError> {
        let io = |doing, source| SplitJournalError::Io {
            path: self.path.clone(),
            doing,
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("written", e))?;
        }
        let mut bytes =
            serde_json::to_vec_pretty(self).map_err(|e| io("written", std::io::Error::other(e)))?;
        bytes.push(b'\n');
        crate::store::atomic_write(&self.path, &bytes).map_err(|e| io("written", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::local_time::{ContactHours, local_times};
    use crate::domain::phone::zones::ZoneCounts;
    use crate::domain::schedule::CallingSchedule;

    fn request() -> BatchRequest {
        serde_json::from_value(serde_json::json!({
            "batchName": "June renewals",
            "callingNumbers": ["64e5f12345abcdef87654321"],
            "retry": 2, "delay": 600,
            "timezone": "America/New_York",
            "callingHour": {"start": "09:00", "end": "17:00"},
            "allowedDays": [1, 2, 3, 4, 5]
        }))
        .unwrap()
    }

    fn times(request: &BatchRequest, numbers: &[u64]) -> LocalTimes {
        let body: serde_json::Value = serde_json::from_str(&request.to_body()).unwrap();
        let schedule = CallingSchedule::from_body(&body).unwrap();
        let mut counts = ZoneCounts::default();
        for n in numbers {
            counts.add(*n);
        }
        // A Monday in January: London is five hours ahead of New York.
        let now = "2026-01-12T06:00:00Z".parse().unwrap();
        local_times(&schedule, &counts, ContactHours::default(), now).unwrap()
    }

    const NEW_YORK: u64 = 12_125_550_100;
    const LOS_ANGELES: u64 = 13_105_550_100;
    const LONDON: u64 = 442_071_838_750;
    /// `+1 208`: Idaho, Boise or Los Angeles's zone.
    const IDAHO: u64 = 12_085_550_100;

    #[test]
    fn flagged_groups_of_one_zone_move_with_the_window_in_their_time() {
        let original = request();
        let split = plan(
            &original,
            &times(
                &original,
                &[NEW_YORK, NEW_YORK, LOS_ANGELES, LONDON, LONDON],
            ),
        )
        .unwrap();
        let zones: Vec<_> = split
            .moved
            .iter()
            .map(|g| (g.zone.name(), g.count))
            .collect();
        assert_eq!(zones, [("Europe/London", 2), ("America/Los_Angeles", 1)]);
        let london = &split.moved[0];
        assert_eq!(london.request.batch_name, "June renewals · Europe/London");
        assert_eq!(london.request.timezone.as_deref(), Some("Europe/London"));
        assert_eq!(
            london.request.calling_hour,
            Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into()
            })
        );
        // Everything else is the original's.
        assert_eq!(london.request.calling_numbers, original.calling_numbers);
        assert_eq!(
            (london.request.retry, london.request.delay),
            (Some(2), Some(600))
        );
        assert_eq!(london.request.allowed_days, original.allowed_days);
        assert_eq!(london.clipped, None);
        assert_eq!(split.staying_contacts(), 2);
        assert_eq!(split.still_flagged(), 0);
        assert_eq!(
            split.staying_part(),
            ZonePart::Except(vec!["Europe/London".into(), "America/Los_Angeles".into()])
        );
        assert!(split.staying_part().holds(NEW_YORK));
        assert!(!split.staying_part().holds(LONDON));
        assert!(london.part().holds(LONDON));
        assert!(!london.part().holds(LOS_ANGELES));
    }

    #[test]
    fn a_window_outside_the_hours_is_clipped_and_said() {
        let mut original = request();
        original.calling_hour = Some(CallingHour {
            start: "07:00".into(),
            end: "17:00".into(),
        });
        let split = plan(&original, &times(&original, &[NEW_YORK, LONDON])).unwrap();
        let london = &split.moved[0];
        assert_eq!(
            london
                .request
                .calling_hour
                .as_ref()
                .map(|h| h.start.as_str()),
            Some("08:00")
        );
        assert_eq!(
            london.clipped.as_deref(),
            Some("clipped to 08:00–21:00 (07:00–17:00 would leave them)")
        );
        // New York itself is called from 07:00: a split cannot change that.
        let home = &split.staying[0];
        assert!(
            home.flagged && home.why.contains("the batch's own zone"),
            "{home:?}"
        );
    }

    #[test]
    fn a_group_of_several_zones_stays_and_is_said_to_be_unsafe_to_split() {
        let original = request();
        let split = plan(&original, &times(&original, &[NEW_YORK, LONDON, IDAHO])).unwrap();
        let idaho = split
            .staying
            .iter()
            .find(|g| g.why.starts_with("cannot be split safely"));
        // Idaho's 07:00–15:00 for a 09:00–17:00 New York batch.
        assert!(idaho.is_some_and(|g| g.flagged), "{:?}", split.staying);
        assert!(!split.staying_part().holds(LONDON));
        assert!(split.staying_part().holds(IDAHO));
    }

    #[test]
    fn no_split_when_nothing_is_flagged_or_one_group_holds_everyone() {
        let original = request();
        let why = plan(&original, &times(&original, &[NEW_YORK])).unwrap_err();
        assert!(why.0.contains("nothing to split"), "{why}");
        let why = plan(&original, &times(&original, &[LONDON, LONDON])).unwrap_err();
        assert!(why.0.contains("one group"), "{why}");
        let why = plan(&original, &times(&original, &[NEW_YORK, IDAHO])).unwrap_err();
        assert!(why.0.contains("no group can be moved"), "{why}");
    }

    #[test]
    fn a_long_name_is_cut_before_the_zone() {
        let name = name_for(&"x".repeat(200), chrono_tz::Europe::London);
        assert_eq!(name.chars().count(), crate::form::MAX_NAME_CHARS);
        assert!(name.ends_with(" · Europe/London"));
    }
}
