//! The draft: the form's raw state, saved atomically within half a second
//! of any change and restored on start, so a crash or `kill -9` loses at most
//! the last half second of typing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::form::Form;
use crate::form::days::DaySet;
use crate::form::timezone::TimezonePicker;
use crate::store::template::BatchFile;

/// Exactly what the operator typed and picked, valid or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// When it was saved, RFC 3339 UTC (empty until saved).
    #[serde(default)]
    pub saved_at: String,
    pub name: String,
    pub calling_numbers: Vec<String>,
    pub timezone: String,
    pub window_start: String,
    pub window_end: String,
    pub days: Vec<u8>,
    pub retries: String,
    pub delay: String,
}

impl Draft {
    pub fn of(form: &Form) -> Self {
        Self {
            saved_at: String::new(),
            name: form.name.value().to_owned(),
            calling_numbers: form.numbers.selected_ids(),
            timezone: form.timezone.value().to_owned(),
            window_start: form.window_start.value().to_owned(),
            window_end: form.window_end.value().to_owned(),
            days: [form.days.numbers().as_slice(), form.days.not_days()].concat(),
            retries: form.retries.value().to_owned(),
            delay: form.delay.value().to_owned(),
        }
    }

    /// Puts the draft's values into `form`, keeping what only the session
    /// knows (the fetched phone list, focus).
    pub fn apply(&self, form: &mut Form) {
        form.name.set(&self.name);
        form.numbers.replace_selection(self.calling_numbers.clone());
        form.timezone = TimezonePicker::new(&self.timezone);
        form.window_start.set(&self.window_start);
        form.window_end.set(&self.window_end);
        form.days = DaySet::from_days(&self.days);
        form.retries.set(&self.retries);
        form.delay.set(&self.delay);
        form.errors.clear();
    }
}

impl Draft {
    /// The values of a batch file over `base` (the fields it leaves out keep
    /// their value in `base`).
    pub fn from_file(file: &BatchFile, base: &Draft) -> Self {
        let mut draft = base.clone();
        if let Some(v) = &file.batch_name {
            draft.name.clone_from(v);
        }
        if let Some(v) = &file.calling_numbers {
            draft.calling_numbers.clone_from(v);
        }
        if let Some(v) = &file.timezone {
            draft.timezone.clone_from(v);
        }
        if let Some(h) = &file.calling_hour {
            draft.window_start.clone_from(&h.start);
            draft.window_end.clone_from(&h.end);
        }
        if let Some(v) = &file.allowed_days {
            draft.days.clone_from(v);
        }
        if let Some(v) = file.retry {
            draft.retries = v.to_string();
        }
        if let Some(v) = file.delay {
            draft.delay = v.to_string();
        }
        draft
    }
}

/// The form as a batch file, keeping what reads as a value and leaving out
/// what does not (a template may be saved half done).
pub fn batch_file_of(form: &Form) -> BatchFile {
    use crate::form::{number, time};
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let ids = form.numbers.selected_ids();
    BatchFile {
        batch_name: non_empty(form.name.value()),
        calling_numbers: (!ids.is_empty()).then_some(ids),
        retry: number::parse_retries(form.retries.value()).ok(),
        delay: number::parse_delay(form.delay.value()).ok(),
        timezone: non_empty(form.timezone.value()),
        calling_hour: match (
            time::parse_time(form.window_start.value()),
            time::parse_time(form.window_end.value()),
        ) {
            (Ok(s), Ok(e)) => Some(crate::api::CallingHour {
                start: s.to_hh_mm(),
                end: e.to_hh_mm(),
            }),
            _ => None,
        },
        allowed_days: Some(form.days.numbers()),
    }
}

/// Reads the draft, if there is one. A draft that cannot be read is
/// reported, not deleted: the operator may want it.
pub fn read(path: &Path) -> Result<Option<Draft>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            format!(
                "the draft {} cannot be read ({e}); it was left as it is",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read the draft {}: {e}", path.display())),
    }
}

/// Writes drafts in order: each write carries the sequence number of the
/// change it saves, and an older one arriving late is skipped.
#[derive(Debug)]
pub struct DraftWriter {
    pub path: PathBuf,
    last: Mutex<u64>,
}

impl DraftWriter {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            last: Mutex::new(0),
        }
    }

    /// Saves `draft` (or removes the file, for `None`) unless a newer change
    /// was already written. Blocking: call it off the UI loop.
    pub fn write(&self, seq: u64, draft: Option<&Draft>) -> std::io::Result<()> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if seq <= *last {
            return Ok(());
        }
        match draft {
            Some(draft) => {
                let mut draft = draft.clone();
                draft.saved_at =
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let bytes = serde_json::to_vec_pretty(&draft).map_err(std::io::Error::other)?;
                super::atomic_write(&self.path, &bytes)?;
            }
            None => match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            },
        }
        *last = seq;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::phones::PhonePicker;

    #[test]
    fn a_draft_keeps_invalid_values_and_restores_them() {
        let mut form = Form::new("UTC");
        form.name.set("Half done 👍");
        form.retries.set("x");
        form.window_start.set("25:00");
        form.numbers = PhonePicker::with_selected(vec!["64e5f12345abcdef87654321".into()]);
        form.days = DaySet::from_days(&[0, 6]);
        let draft = Draft::of(&form);

        let mut restored = Form::new("Asia/Kolkata");
        draft.apply(&mut restored);
        assert_eq!(Draft::of(&restored), draft);
        assert_eq!(restored.retries.value(), "x");
    }

    #[test]
    fn a_batch_file_fills_what_it_has_and_a_form_gives_back_the_same() {
        let base = Draft::of(&Form::new("UTC"));
        let file = crate::store::template::parse(
            r#"{"batchName":"T","callingNumbers":["64e5f12345abcdef87654321"],"retry":0,"callingHour":{"start":"08:30","end":"12:00"}}"#,
            crate::store::template::Format::Json,
            "t.json",
        )
        .unwrap();
        let draft = Draft::from_file(&file, &base);
        assert_eq!((draft.name.as_str(), draft.retries.as_str()), ("T", "0"));
        assert_eq!(draft.delay, base.delay, "left out: the base's value");
        let mut form = Form::new("UTC");
        draft.apply(&mut form);
        let back = batch_file_of(&form);
        assert_eq!(back.batch_name.as_deref(), Some("T"));
        assert_eq!(back.calling_hour, file.calling_hour);
        assert_eq!(back.retry, Some(0));
    }

    #[test]
    fn writes_are_atomic_ordered_and_deletable() {
        let dir = tempfile::tempdir().unwrap();
        let writer = DraftWriter::new(dir.path().join("state/draft.json"));
        let mut a = Draft::of(&Form::new("UTC"));
        a.name = "new".into();
        let mut old = a.clone();
        old.name = "old".into();
        writer.write(2, Some(&a)).unwrap();
        writer.write(1, Some(&old)).unwrap();
        let read_back = read(&writer.path).unwrap().unwrap();
        assert_eq!(read_back.name, "new", "the late, older write was skipped");
        assert!(!read_back.saved_at.is_empty());
        writer.write(3, None).unwrap();
        assert_eq!(read(&writer.path), Ok(None));
        std::fs::write(&writer.path, "{not json").unwrap();
        assert!(read(&writer.path).unwrap_err().contains("left as it is"));
    }
}
