//! What the app is started with: the [`AppContext`] that the launcher
//! reads from the configuration, the journal and the command line, and
//! that the shell and the create view keep. A leaf: it imports no view,
//! no shell and no effects.

use chrono::{DateTime, Utc};

use crate::api::Phone;
use crate::connection::TargetLabel;
use crate::domain::schedule::CallingSchedule;
use crate::import::recovery::{self, Unfinished};
use crate::store::draft::Draft;
use crate::store::journal::JournalEntry;
use crate::store::template::BatchFile;

/// What the app is started with.
#[derive(Debug, Clone)]
pub struct AppContext {
    pub target: TargetLabel,
    pub default_timezone: String,
    /// The operator's own timezone, to show the window in their time.
    pub local_timezone: String,
    /// The time at start.
    pub started_at: DateTime<Utc>,
    /// The operator's phone book, merged into the phone list.
    pub phone_book: Vec<Phone>,
    /// Something to tell the operator at start (e.g. a phone-book problem).
    pub notice: Option<String>,
    /// Batches this machine created before, from the journal.
    pub known_batches: Vec<KnownBatch>,
    /// Whether the batch list can be read (a user ID is configured), to
    /// confirm a new batch or look for one whose creation is unknown.
    pub can_list_batches: bool,
    /// Values to start the form with: a restored draft or a `--from` file.
    pub initial: Option<Initial>,
    /// Whether colour may be used (`NO_COLOR` unset).
    pub color: bool,
    /// How often a live view on screen refreshes (`WEYA_REFRESH_SECS`).
    pub refresh: std::time::Duration,
    /// The sandbox's dialer calls at any hour (`--ignore-window`, of this
    /// process or of the one that runs the sandbox): a batch outside its
    /// window still calls, so nothing says it waits.
    pub dialer_ignores_window: bool,
    /// Batches whose calling schedules the connection knows by name (the
    /// sandbox's examples; none against Weya, whose answers carry none).
    pub examples: Vec<(String, CallingSchedule)>,
    /// The hours contacts may be called in their own time (`contact_hours`).
    pub contact_hours: crate::domain::local_time::ContactHours,
    /// Where the last session ended (the form or the campaign views): the
    /// app opens there when the journal knows no batch made here.
    pub last_home: Option<crate::store::home::Home>,
    /// The imports a run left unfinished, the last changed first: the
    /// start-up notice names it, and [`RESUME_IMPORT_KEY`] takes it up.
    pub unfinished_imports: Vec<Unfinished>,
}

/// The key that takes up the import a run left unfinished, as the
/// start-up notice and the line on the way out name it.
pub const RESUME_IMPORT_KEY: &str = "Ctrl-G";

impl AppContext {
    /// Takes in the imports a run left unfinished, recorded in `dir`: the
    /// start-up notice names the last, first, with the key that resumes
    /// it. Reads the disk: before the UI starts.
    pub fn take_up_unfinished_imports(&mut self, dir: &std::path::Path) {
        self.unfinished_imports = recovery::unfinished(dir);
        let note = self.unfinished_notice();
        self.notice = match (note, self.notice.take()) {
            (Some(note), Some(rest)) => Some(format!("{note} {rest}")),
            (note, rest) => note.or(rest),
        };
    }
}

impl AppContext {
    /// The start-up line for [`Self::unfinished_imports`] (`None`: none).
    pub fn unfinished_notice(&self) -> Option<String> {
        let known = &self.known_batches;
        recovery::start_notice(
            &self.unfinished_imports,
            |id| {
                known
                    .iter()
                    .rev()
                    .find(|k| k.id == id)
                    .map(|k| k.name.clone())
            },
            RESUME_IMPORT_KEY,
        )
    }
}

#[cfg(test)]
impl AppContext {
    /// What the unit tests start the app with: the sandbox, Berlin as both
    /// timezones, the epoch, nothing known and no batch list.
    pub(crate) fn for_tests() -> Self {
        Self {
            target: TargetLabel::Sandbox,
            default_timezone: "Europe/Berlin".into(),
            local_timezone: "Europe/Berlin".into(),
            started_at: DateTime::UNIX_EPOCH,
            phone_book: Vec::new(),
            notice: None,
            known_batches: Vec::new(),
            can_list_batches: false,
            initial: None,
            color: false,
            refresh: crate::tui::views::batches::DEFAULT_REFRESH,
            dialer_ignores_window: false,
            examples: Vec::new(),
            contact_hours: crate::domain::local_time::ContactHours::default(),
            last_home: None,
            unfinished_imports: Vec::new(),
        }
    }
}

/// A batch created from this machine, from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownBatch {
    pub name: String,
    pub id: String,
    /// When it was sent, as the journal has it (RFC 3339, UTC: data; the
    /// screen reads it on the operator's clock).
    pub time: String,
    /// `sandbox` or the host: a sandbox batch does not clash with a real one.
    pub target: String,
    /// The timezone it was created with, when the body had one: it
    /// presets the region of an import into it.
    pub timezone: Option<String>,
    /// Its calling schedule, when the body gave all of it: says when an
    /// active batch outside its window will call.
    pub schedule: Option<CallingSchedule>,
    /// Its retry settings, when the body gave them: says who waits out a
    /// retry delay, and a call's next try.
    pub retry: Option<crate::campaign::progress::RetryPolicy>,
}

impl KnownBatch {
    /// The batches the journal records as created.
    pub fn from_journal(entries: &[JournalEntry]) -> Vec<Self> {
        entries
            .iter()
            .filter(|e| e.outcome == crate::store::journal::JournalOutcome::Created)
            .filter_map(|e| {
                Some(Self {
                    id: e.batch_id.clone()?,
                    name: e.batch_name.clone(),
                    time: e.time.clone(),
                    target: e.target.clone(),
                    timezone: e
                        .body
                        .get("timezone")
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned),
                    schedule: CallingSchedule::from_body(&e.body),
                    retry: crate::campaign::progress::RetryPolicy::from_body(&e.body),
                })
            })
            .collect()
    }
}

/// What the form starts with, besides its defaults.
#[derive(Debug, Clone)]
pub enum Initial {
    /// The draft the last session left, as it was (errors wait until the
    /// operator moves on, as when typing).
    Draft(Draft),
    /// A batch file (`--from`): its values exactly as it has them, and an
    /// error beside each field it gave that is invalid.
    File(BatchFile),
}
