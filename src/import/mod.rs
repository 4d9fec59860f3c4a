//! Contacts import: a CSV/TSV or spreadsheet of contacts becomes
//! `addCallsToBatch` requests, every row checked before anything is sent,
//! and a journal so that nothing is sent twice and nothing is lost.
//!
//! The steps, each a plain blocking function that a view or a CLI command
//! runs off the UI loop (`tokio::task::spawn_blocking`), with progress and
//! cancellation through a [`Control`]:
//!
//! 1. [`open`] reads the file's identity (path, size, mtime, content hash),
//!    its encoding and delimiter, the header and a few rows
//!    ([`ContactsFile`]).
//! 2. [`ColumnMapping::guess`] proposes the phone column and the variables;
//!    the operator edits it; [`ColumnMapping::validate`] accepts it.
//! 3. [`check()`] reads every row once: counts, invalid rows with their
//!    reasons, duplicates, the first rows as they will be sent, and the
//!    [`SendPlan`]. Only what is needed is kept: counts, one `u64` per
//!    distinct number, the rejected rows, the samples, one position per
//!    1,000 rows. [`write_rejected`] saves the invalid rows beside the file.
//! 4. [`existing::read_batch_numbers`] reads the numbers the batch holds
//!    already (bounded, with progress) and [`SendPlan::left_out`] counts the
//!    rows that carry one: they are left out unless the operator says
//!    otherwise.
//! 5. [`engine`] sends: [`SendPlan::body_leaving_out`] builds one request's
//!    exact JSON body by re-reading its rows from the file, the engine
//!    classifies Weya's answer and decides what comes next, and
//!    [`ImportJournal`] records each request's state before and after it is
//!    sent. `batch import` and the import view both drive the engine.
//!
//! Spreadsheets are the exception to streaming: a sheet is held in memory
//! from [`open`] to the end of sending (an `.xlsx` sheet as the text of its
//! cells, see `sheet`). Every file is bounded ([`limits`]): a workbook is
//! looked over before calamine reads it (`workbook`), delimited text as it
//! is read, and what the check keeps of it as it grows, so that no file
//! costs more than about 200 MiB.

pub mod account;
pub mod check;
pub mod choices;
pub mod engine;
pub mod existing;
pub mod journal;
pub mod limits;
pub mod mapping;
pub mod path;
pub mod phone;
pub mod plan;
pub mod recovery;
pub mod region;
pub mod rejected;
mod row;
mod sheet;
pub mod source;
mod workbook;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

pub use check::{
    CheckReport, Counts, DuplicateRow, ImportSettings, OutsideRow, RejectReason, RejectedRow,
    ZonePart, check,
};
pub use journal::{
    ImportJournal, ImportLock, JournalError, JournalRequest, RequestState, Resolution,
};
pub use mapping::{
    ColumnChoice, ColumnMapping, MappingError, PHONE_KEY, RejectedFileNote, ValidMapping,
};
pub use phone::{Country, Invalid, PhoneDigits, Reading, normalize};
pub use plan::{MAX_ROWS_PER_REQUEST, PlannedRequest, RequestBody, SendPlan};
pub use region::Region;
pub use rejected::{Overwrite, Written, rejected_path, write_rejected, write_rejected_to};
pub use source::{ContactsFile, FileIdentity, Notice, OpenOptions, SampleRow, open};

/// What a long step has done so far, in bytes of the file (delimited
/// text) or rows (a sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// [`open`]: hashing the file, finding its encoding and header.
    Reading,
    /// [`check()`]: checking every row.
    Checking,
    /// [`SendPlan::left_out`]: finding the rows whose number the batch
    /// holds already (progress in requests).
    Comparing,
}

/// How a caller watches and stops a long step: a flag it sets to cancel
/// (checked every few thousand rows), and a function told the progress.
/// Both optional: `Control::default()` runs to the end silently.
#[derive(Default)]
pub struct Control<'a> {
    cancel: Option<&'a AtomicBool>,
    report: Option<&'a mut dyn FnMut(Progress)>,
}

impl<'a> Control<'a> {
    /// Stops the step with [`ImportError::Cancelled`] once `flag` is set.
    pub fn cancel_on(mut self, flag: &'a AtomicBool) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Tells `report` how far the step has come: every 4,096 rows checked
    /// (some fifty times a second in a release build) and every MiB read,
    /// and once at the end with `done == total`.
    pub fn report_to(mut self, report: &'a mut dyn FnMut(Progress)) -> Self {
        self.report = Some(report);
        self
    }

    /// Reports `progress`, then fails if the caller asked to stop.
    fn tick(&mut self, progress: Progress) -> Result<(), ImportError> {
        if let Some(report) = self.report.as_mut() {
            report(progress);
        }
        if self.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed)) {
            return Err(ImportError::Cancelled);
        }
        Ok(())
    }
}

/// Why a file could not be read, checked or turned into a request. Each
/// says which file, and where in it when that is known.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}: not a contacts file weya-tui reads (.csv, .tsv, .txt, .xlsx, .xlsm, .xls, .ods)",
        path.display()
    )]
    UnsupportedType { path: PathBuf },
    /// A FIFO would wait for a writer, `/dev/zero` would never end, a
    /// directory is no file: only a regular file is read, and at once.
    #[error("the contacts file {} is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{}: the file is UTF-16 text; save it as CSV UTF-8", path.display())]
    Utf16 { path: PathBuf },
    #[error("{}: this is not a text file (a spreadsheet saved under another name?)", path.display())]
    NotText { path: PathBuf },
    #[error("{}: {message}", path.display())]
    Spreadsheet { path: PathBuf, message: String },
    #[error("{}: no sheet named “{sheet}” (the sheets are: {})", path.display(), available.join(", "))]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: Vec<String>,
    },
    #[error("{}, line {line}: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// Past one of the bounds of [`limits`]: refused at once, the rest of
    /// the file not read.
    #[error("{}: {limit}; nothing was read further", path.display())]
    TooBig { path: PathBuf, limit: limits::Limit },
    #[error("{}: the file is empty (no header row)", path.display())]
    Empty { path: PathBuf },
    #[error("{}: the file changed since it was read; open it again", path.display())]
    Changed { path: PathBuf },
    #[error("the column mapping is not complete: {}", list(.0))]
    Mapping(Vec<MappingError>),
    #[error("there is no request {index} in the plan")]
    NoSuchRequest { index: usize },
    /// The rejected rows' file is there already and holds other rows
    /// (`regular`), or is no regular file at all: it is not replaced
    /// without the operator's word.
    #[error(
        "{}: {}",
        path.display(),
        if *regular {
            "the file exists and holds other rows (fixes of yours?); it is not overwritten without asking"
        } else {
            "not a regular file; the invalid rows are not written there"
        }
    )]
    RejectedExists { path: PathBuf, regular: bool },
    #[error("stopped before the end")]
    Cancelled,
}

fn list(errors: &[MappingError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
