//! The operator's column choices (the phone column, columns left out,
//! renames) kept with an import before anything is sent, so quitting on
//! the columns step loses nothing: written atomically beside the import
//! journals (`config::Paths::imports()`), one file per batch and file (and
//! sheet), and restored when that file is opened for that batch again,
//! but never onto a header that changed since (the choices name columns by
//! place and by header: on another header they would send the wrong
//! column under a name).
//!
//! Once sending starts, the import's journal holds the choices it was
//! sent with ([`super::ImportSettings`]).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::mapping::ColumnMapping;
use super::source::{FileIdentity, Fnv};

/// The file name ending of saved choices (the journals end in `.json`).
const ENDING: &str = ".columns";

/// The choices for the columns of one file, into one batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedChoices {
    pub batch_id: String,
    /// The file (canonical path) and sheet they are for.
    pub file: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The file's header when they were made.
    pub header: Vec<String>,
    pub mapping: ColumnMapping,
    pub saved_at: DateTime<Utc>,
}

/// What becomes of saved choices for a file opened again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restore {
    /// The header is the same: the choices apply as they were.
    Restored {
        mapping: ColumnMapping,
        saved_at: DateTime<Utc>,
    },
    /// The header changed: the guess for the new header stands, and why.
    Stale {
        saved_at: DateTime<Utc>,
        why: String,
    },
}

impl SavedChoices {
    pub fn new(
        batch_id: &str,
        file: &FileIdentity,
        header: &[String],
        mapping: ColumnMapping,
        saved_at: DateTime<Utc>,
    ) -> Self {
        Self {
            batch_id: batch_id.to_owned(),
            file: file.path.clone(),
            sheet: file.sheet.clone(),
            header: header.to_vec(),
            mapping,
            saved_at,
        }
    }

    /// Whether they are for `file` (its path and sheet) into `batch_id`.
    pub fn is_for(&self, batch_id: &str, file: &FileIdentity) -> bool {
        self.batch_id == batch_id && self.file == file.path && self.sheet == file.sheet
    }

    /// The choices for a file whose header is now `header`.
    pub fn restore(self, header: &[String]) -> Restore {
        if self.header == header && self.mapping.columns.len() == header.len() {
            return Restore::Restored {
                mapping: self.mapping,
                saved_at: self.saved_at,
            };
        }
        let gone: Vec<&str> = self
            .header
            .iter()
            .filter(|h| !header.contains(h))
            .map(String::as_str)
            .collect();
        let new: Vec<&str> = header
            .iter()
            .filter(|h| !self.header.contains(h))
            .map(String::as_str)
            .collect();
        let quoted = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("“{}”", crate::text::visible(n)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let why = match (gone.is_empty(), new.is_empty()) {
            (true, true) => "the file's columns are in another order now".to_owned(),
            (false, true) => format!("the file no longer has {}", quoted(&gone)),
            (true, false) => format!("the file has new columns: {}", quoted(&new)),
            (false, false) => format!(
                "the file's header changed ({} gone, {} new)",
                quoted(&gone),
                quoted(&new)
            ),
        };
        Restore::Stale {
            saved_at: self.saved_at,
            why,
        }
    }
}

/// Where the choices for the file at `path` (its `sheet`) into `batch_id`
/// are kept in `dir`.
pub fn path_in(dir: &Path, batch_id: &str, path: &Path, sheet: Option<&str>) -> PathBuf {
    let mut hash = Fnv::default();
    hash.write(batch_id.as_bytes());
    hash.write(&[0]);
    hash.write(path.as_os_str().as_encoded_bytes());
    if let Some(sheet) = sheet {
        hash.write(&[0]);
        hash.write(sheet.as_bytes());
    }
    dir.join(format!("choices-{:016x}{ENDING}", hash.0))
}

/// Writes `choices` atomically (a crash leaves the old file or the new).
pub fn save(dir: &Path, choices: &SavedChoices) -> Result<(), String> {
    let text = serde_json::to_string_pretty(choices).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = path_in(
        dir,
        &choices.batch_id,
        &choices.file,
        choices.sheet.as_deref(),
    );
    crate::store::atomic_write(&path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The choices kept for `file` into `batch_id`, if any. A file that cannot
/// be read or parsed is said (the guess stands then).
pub fn load(
    dir: &Path,
    batch_id: &str,
    file: &FileIdentity,
) -> Result<Option<SavedChoices>, String> {
    let path = path_in(dir, batch_id, &file.path, file.sheet.as_deref());
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let choices: SavedChoices =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    // A hash shared by two files: not theirs.
    Ok(Some(choices).filter(|c| c.is_for(batch_id, file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(path: &str) -> FileIdentity {
        FileIdentity {
            path: PathBuf::from(path),
            size: 10,
            modified_secs: 0,
            modified_nanos: 0,
            content_hash: 1,
            sheet: None,
        }
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn mapping(names: &[&str]) -> ColumnMapping {
        ColumnMapping {
            phone: Some(1),
            columns: names
                .iter()
                .map(|n| super::super::mapping::ColumnChoice {
                    header: (*n).to_owned(),
                    send: true,
                    name: format!("{n}!"),
                })
                .collect(),
            rejected_file: false,
        }
    }

    #[test]
    fn choices_come_back_for_the_same_file_and_batch_and_header_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = identity("/data/contacts.csv");
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, 15, 14, 2, 0).unwrap();
        let names = ["First Name", "Phone", "Notes"];
        let saved = SavedChoices::new("b1", &file, &header(&names), mapping(&names), at);
        save(dir.path(), &saved).unwrap();
        assert_eq!(
            load(dir.path(), "b2", &file).unwrap(),
            None,
            "another batch"
        );
        assert_eq!(
            load(dir.path(), "b1", &identity("/data/other.csv")).unwrap(),
            None,
            "another file"
        );
        let found = load(dir.path(), "b1", &file).unwrap().expect("kept");
        assert_eq!(found, saved);
        assert_eq!(
            found.clone().restore(&header(&names)),
            Restore::Restored {
                mapping: mapping(&names),
                saved_at: at
            }
        );
        // The journals' reader does not take it for a journal.
        assert!(
            crate::import::ImportJournal::all(dir.path())
                .unwrap()
                .is_empty()
        );
        match found.restore(&header(&["First Name", "Mobile", "Notes"])) {
            Restore::Stale { why, saved_at } => {
                assert_eq!(saved_at, at);
                assert_eq!(
                    why,
                    "the file's header changed (“Phone” gone, “Mobile” new)"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_reordered_header_is_stale_too() {
        let file = identity("/data/contacts.csv");
        let names = ["A", "Phone"];
        let saved = SavedChoices::new("b1", &file, &header(&names), mapping(&names), Utc::now());
        assert!(matches!(
            saved.restore(&header(&["Phone", "A"])),
            Restore::Stale { why, .. } if why == "the file's columns are in another order now"
        ));
    }
}
