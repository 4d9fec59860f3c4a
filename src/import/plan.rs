//! The sending plan: the valid rows cut into requests of at most 1,000 (the
//! server works in chunks of 1,000, so one request is one chunk and a
//! chunk's failure is one request's), each known by its rows and lines, and
//! the exact JSON body of any request, built when it is about to be sent by
//! reading its rows again from where the check saw the first one.

use std::fmt;
use std::sync::Arc;

use super::ImportError;
use super::mapping::ValidMapping;
use super::row::{ImportSettings, RowClass, classify, push_contact, push_json_string};
use super::source::{ContactsFile, FileIdentity, Layout, RowReader, RowStart};

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
        let request = self
            .requests
            .get(index)
            .ok_or(ImportError::NoSuchRequest { index })?;
        self.identity.still_matches()?;
        let changed = || ImportError::Changed {
            path: self.identity.path.clone(),
        };
        let mut rows = RowReader::open(&self.identity.path, &self.layout, request.start)?;
        let mut body = String::with_capacity(64 + usize::try_from(request.rows).unwrap_or(0) * 96);
        body.push_str("{\"batchId\":");
        push_json_string(&mut body, batch_id);
        body.push_str(",\"call_data\":[");
        let mut added = 0u32;
        while added < request.rows {
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
                if added > 0 {
                    body.push(',');
                }
                push_contact(&mut body, reading.digits, rows.cells(), &self.mapping);
                added += 1;
                if added == request.rows && line != request.last_line {
                    return Err(changed());
                }
            }
        }
        body.push_str("]}");
        Ok(body)
    }
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
