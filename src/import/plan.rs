//! The sending plan: the valid rows cut into requests of at most 1,000 (the
//! server works in chunks of 1,000, so one request is one chunk and a
//! chunk's failure is one request's), each known by its rows and lines, and
//! the exact JSON body of any request, built when it is about to be sent by
//! reading its rows again from where the check saw the first one.

use std::fmt;
use std::sync::Arc;

use super::existing::BatchNumbers;
use super::mapping::ValidMapping;
use super::phone::PhoneDigits;
use super::row::{ImportSettings, RowClass, classify, push_contact, push_json_string};
use super::source::{ContactsFile, FileIdentity, Layout, RowReader, RowStart};
use super::{Control, ImportError, Progress, Stage};

/// Rows per request: one server chunk.
pub const MAX_ROWS_PER_REQUEST: usize = 1000;

/// One request of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    /// 0-based position in the plan.
    pub index: usize,
    /// The valid rows it carries, counted from 1 over the whole file:
    /// `first_row..first_row + rows`.
    pub first_row: u64,
    pub rows: u32,
    /// The file lines (rows of a sheet) of its first and last contact.
    pub first_line: u64,
    pub last_line: u64,
    pub(crate) start: RowStart,
}

impl fmt::Display for PlannedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rows {}–{} (lines {}–{})",
            self.first_row,
            self.first_row + u64::from(self.rows) - 1,
            self.first_line,
            self.last_line
        )
    }
}

/// The requests that send a checked file's valid rows. It keeps no row: a
/// body is built from the file when asked for, and only while the file is
/// unchanged (same size and modification time).
#[derive(Debug, Clone)]
pub struct SendPlan {
    identity: FileIdentity,
    layout: Layout,
    width: usize,
    settings: ImportSettings,
    mapping: ValidMapping,
    requests: Vec<PlannedRequest>,
    /// Lines of the duplicate rows, ascending: skipped when a body is built.
    duplicate_lines: Arc<[u64]>,
}

impl SendPlan {
    pub fn requests(&self) -> &[PlannedRequest] {
        &self.requests
    }

    /// The number of contacts the plan sends.
    pub fn rows(&self) -> u64 {
        self.requests.iter().map(|r| u64::from(r.rows)).sum()
    }

    pub fn identity(&self) -> &FileIdentity {
        &self.identity
    }

    pub fn settings(&self) -> &ImportSettings {
        &self.settings
    }

    /// The exact body of request `index` for `POST /api/call/addCallsToBatch`:
    /// `{"batchId":"…","call_data":[{"phoneNumber":"…",…},…]}`.
    ///
    /// Fails with [`ImportError::Changed`] when the file is no longer the
    /// one checked (its size or mtime changed, or its rows no longer give
    /// this request's contacts).
    pub fn body(&self, batch_id: &str, index: usize) -> Result<String, ImportError> {
        Ok(self.body_leaving_out(batch_id, index, None)?.json)
    }

    /// [`body`](Self::body) without the rows whose number `existing` holds
    /// (the batch has them already), and how many rows it carries and how
    /// many it leaves out. With every row left out, the body is not to be
    /// sent (`sent` is 0).
    pub fn body_leaving_out(
        &self,
        batch_id: &str,
        index: usize,
        existing: Option<&BatchNumbers>,
    ) -> Result<RequestBody, ImportError> {
        let rows = self
            .requests
            .get(index)
            .map_or(0, |r| usize::try_from(r.rows).unwrap_or(0));
        let mut json = String::with_capacity(64 + rows * 96);
        json.push_str("{\"batchId\":");
        push_json_string(&mut json, batch_id);
        json.push_str(",\"call_data\":[");
        let (mut sent, mut left_out) = (0u32, 0u32);
        self.walk(index, |phone, cells| {
            if existing.is_some_and(|numbers| numbers.contains(phone.as_u64())) {
                left_out += 1;
                return;
            }
            if sent > 0 {
                json.push(',');
            }
            push_contact(&mut json, phone, cells, &self.mapping);
            sent += 1;
        })?;
        json.push_str("]}");
        Ok(RequestBody {
            json,
            sent,
            left_out,
        })
    }

    /// How many rows of each of `requests` carry a number `existing` holds,
    /// as `(index, rows)` for those with any; reads their rows from the
    /// file once, reporting progress in requests.
    pub fn left_out(
        &self,
        existing: &BatchNumbers,
        requests: &[usize],
        control: &mut Control<'_>,
    ) -> Result<Vec<(usize, u32)>, ImportError> {
        let mut found = Vec::new();
        let total = requests.len() as u64;
        for (done, &index) in requests.iter().enumerate() {
            control.tick(Progress {
                stage: Stage::Comparing,
                done: done as u64,
                total,
            })?;
            if existing.is_empty() {
                continue;
            }
            let mut count = 0u32;
            self.walk(index, |phone, _| {
                if existing.contains(phone.as_u64()) {
                    count += 1;
                }
            })?;
            if count > 0 {
                found.push((index, count));
            }
        }
        control.tick(Progress {
            stage: Stage::Comparing,
            done: total,
            total,
        })?;
        Ok(found)
    }

    /// Reads request `index`'s contacts from the file, in order, giving
    /// each one's number and cells to `each`. Fails with
    /// [`ImportError::Changed`] when the file no longer gives them.
    fn walk(
        &self,
        index: usize,
        mut each: impl FnMut(PhoneDigits, &[String]),
    ) -> Result<(), ImportError> {
        let request = self
            .requests
            .get(index)
            .ok_or(ImportError::NoSuchRequest { index })?;
        self.identity.still_matches()?;
        let changed = || ImportError::Changed {
            path: self.identity.path.clone(),
        };
        let mut rows = RowReader::open(&self.identity.path, &self.layout, request.start)?;
        let mut walked = 0u32;
        while walked < request.rows {
            if !rows.next_row()? {
                return Err(changed());
            }
            let line = rows.line();
            if self.duplicate_lines.binary_search(&line).is_ok() {
                continue;
            }
            if let RowClass::Valid(reading) =
                classify(rows.cells(), self.width, &self.mapping, &self.settings)
            {
                each(reading.digits, rows.cells());
                walked += 1;
                if walked == request.rows && line != request.last_line {
                    return Err(changed());
                }
            }
        }
        Ok(())
    }
}

/// One request's body as it is to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    pub json: String,
    /// Contacts in it.
    pub sent: u32,
    /// Contacts of the request left out: the batch holds their number.
    pub left_out: u32,
}

/// Collects request boundaries while the check reads the rows.
#[derive(Debug, Default)]
pub(crate) struct PlanBuilder {
    requests: Vec<PlannedRequest>,
    rows: u64,
}

impl PlanBuilder {
    /// A valid, first-seen row at `line`, starting at `start`.
    pub(crate) fn push(&mut self, line: u64, start: RowStart) {
        self.rows += 1;
        match self.requests.last_mut() {
            Some(last) if (last.rows as usize) < MAX_ROWS_PER_REQUEST => {
                last.rows += 1;
                last.last_line = line;
            }
            _ => self.requests.push(PlannedRequest {
                index: self.requests.len(),
                first_row: self.rows,
                rows: 1,
                first_line: line,
                last_line: line,
                start,
            }),
        }
    }

    pub(crate) fn finish(
        self,
        file: &ContactsFile,
        settings: ImportSettings,
        mapping: ValidMapping,
        duplicate_lines: Arc<[u64]>,
    ) -> SendPlan {
        SendPlan {
            identity: file.identity().clone(),
            layout: file.layout.clone(),
            width: file.header().len(),
            settings,
            mapping,
            requests: self.requests,
            duplicate_lines,
        }
    }
}
