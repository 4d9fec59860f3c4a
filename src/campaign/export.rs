//! A batch's calls as a file: one row per call, every call of every page
//! (see [`super::walk`]), written as each page arrives, so 100,000 calls
//! take the memory of one page. `weya-tui batch export` and the TUI's `e`
//! both write with [`export`].
//!
//! # The row
//!
//! [`FIXED_COLUMNS`]: the number as Weya stores it, the last status, the
//! attempts, the last attempt's time and duration, the talk time of all
//! attempts, the latest recording's URL and transcript (the latest
//! attempt that has one), the call's ID and when it was added; then the
//! contact's own fields (the free-form fields of the call object).
//!
//! # A stable CSV header while streaming
//!
//! The contact fields are free-form and a call may carry a field no
//! earlier call had. The header is written before the first row, so it is
//! the fixed columns, then the fields of the calls of the first page in
//! the order first seen, then one last column, [`OTHER_FIELDS`]: a JSON
//! object of the fields of that row the header has no column for (empty
//! when there are none). No field is dropped, the header never changes
//! mid-file, and [`Exported::late_fields`] names the fields that went
//! there so the front-ends can say so. JSON Lines has no header: each
//! row's contact fields are its `fields` object.
//!
//! # Spreadsheet formulas
//!
//! A CSV cell that a spreadsheet would read as a formula (it starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
//! as OWASP advises, so `=HYPERLINK(…)` in a contact's name stays text.
//! Except a cell that is only a number: `+` or `-` and digits (with one
//! decimal point), such as `+12125551234` or `-42.5`. Such a cell holds no
//! function, no reference and no operator but its sign, so a spreadsheet
//! can only read it as the number it is; with a `'` the phone numbers an
//! operator dials from the file would need cleaning first. (A spreadsheet
//! may still drop the `+` of `+1212…` when it reads the cell as a number:
//! import the column as text to keep it.) JSON Lines is not neutralised:
//! no spreadsheet opens it, and its values are exactly Weya's.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{WalkError, Walked, walk};
use crate::api::{Call, WeyaClient};

/// The columns every row has, before the contact's fields.
pub const FIXED_COLUMNS: [&str; 10] = [
    "phoneNumber",
    "lastStatus",
    "attempts",
    "lastAttemptAt",
    "lastDurationSeconds",
    "talkSeconds",
    "recordingUrl",
    "transcript",
    "callId",
    "createdAt",
];

/// The last CSV column: the fields of a row the header has no column for.
pub const OTHER_FIELDS: &str = "otherFields";

/// The most late field names remembered for the report (their values are
/// all in the file, whatever their number).
const LATE_NAMES: usize = 32;

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated, RFC 4180 (CRLF line ends, quotes where needed), a
    /// header row first.
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
        }
    }
}

/// How far an export has got, after each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub rows: u64,
    /// The batch's calls, as the latest page says.
    pub total: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub walked: Walked,
    pub rows: u64,
    /// Contact fields first seen after the header was written (CSV only):
    /// their values are in [`OTHER_FIELDS`]. At most `LATE_NAMES` names.
    pub late_fields: Vec<String>,
    /// Rows with something in [`OTHER_FIELDS`].
    pub rows_with_late_fields: u64,
}

/// Writes every call of batch `batch_id` to `out` in `format`, a page at
/// a time, telling `progress` after each page. On an error the rows of
/// the pages before it are written (and `out` flushed as far as it
/// went); the caller says the file is incomplete (a file:
/// [`AtomicFile`] leaves none).
pub async fn export<W: Write>(
    client: &WeyaClient,
    batch_id: &str,
    format: Format,
    out: &mut W,
    mut progress: impl FnMut(Progress),
) -> Result<Exported, WalkError> {
    let mut rows = Rows::new(format, out);
    let walked = walk(client, batch_id, |page| {
        for call in &page.calls {
            rows.write(call, &page.calls)?;
        }
        rows.flush()?;
        progress(Progress {
            rows: rows.written,
            total: page.total,
        });
        Ok(())
    })
    .await;
    let walked = match walked {
        Ok(walked) => walked,
        Err(e) => {
            // What was written is kept as far as it goes: a pipe's reader
            // sees the rows before the failure.
            let _ = rows.flush();
            return Err(e);
        }
    };
    // A batch without calls still gets its header.
    rows.finish()?;
    Ok(Exported {
        walked,
        rows: rows.written,
        late_fields: rows.late_names,
        rows_with_late_fields: rows.late_rows,
    })
}

/// Where rows go: the csv crate's writer (RFC 4180: quotes where
/// needed, CRLF line ends) or lines of JSON.
enum Sink<'a, W: Write> {
    // Boxed: one per export, and the enum stays small.
    Csv(Box<csv::Writer<&'a mut W>>),
    Jsonl(&'a mut W),
}

/// The writer of rows, whichever the format.
struct Rows<'a, W: Write> {
    format: Format,
    out: Sink<'a, W>,
    /// The CSV header's contact fields, once written.
    header: Option<Vec<String>>,
    header_set: HashSet<String>,
    written: u64,
    late_names: Vec<String>,
    late_rows: u64,
    /// One CSV record's cells, reused.
    record: Vec<String>,
}

impl<'a, W: Write> Rows<'a, W> {
    fn new(format: Format, out: &'a mut W) -> Self {
        let out = match format {
            Format::Csv => Sink::Csv(Box::new(
                csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .flexible(false)
                    .from_writer(out),
            )),
            Format::Jsonl => Sink::Jsonl(out),
        };
        Self {
            format,
            out,
            header: None,
            header_set: HashSet::new(),
            written: 0,
            late_names: Vec::new(),
            late_rows: 0,
            record: Vec::new(),
        }
    }

    /// Writes `call`; `page` (the first page, for the CSV header) is the
    /// calls it came with.
    fn write(&mut self, call: &Call, page: &[Call]) -> io::Result<()> {
        match &mut self.out {
            Sink::Jsonl(out) => {
                let line = crate::text::json(&json_row(call));
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(_) => {
                if self.header.is_none() {
                    self.write_header(page)?;
                }
                self.csv_row(call)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    fn write_header(&mut self, first_page: &[Call]) -> io::Result<()> {
        let mut fields: Vec<String> = Vec::new();
        for call in first_page {
            for key in call.fields.keys() {
                if self.header_set.insert(key.clone()) {
                    fields.push(key.clone());
                }
            }
        }
        let mut cells: Vec<String> = FIXED_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        cells.extend(fields.iter().map(|f| column_name(f)));
        cells.push(OTHER_FIELDS.to_owned());
        self.write_record(&cells)?;
        self.header = Some(fields);
        Ok(())
    }

    fn csv_row(&mut self, call: &Call) -> io::Result<()> {
        let mut record = std::mem::take(&mut self.record);
        record.clear();
        record.extend(fixed_cells(call));
        let header = self.header.as_deref().unwrap_or_default();
        for key in header {
            record.push(call.fields.get(key).map(cell_text).unwrap_or_default());
        }
        let mut late = Map::new();
        for (key, value) in &call.fields {
            if !self.header_set.contains(key) {
                if self.late_names.len() < LATE_NAMES && !self.late_names.contains(key) {
                    self.late_names.push(key.clone());
                }
                late.insert(key.clone(), value.clone());
            }
        }
        if late.is_empty() {
            record.push(String::new());
        } else {
            self.late_rows += 1;
            record.push(Value::Object(late).to_string());
        }
        let result = self.write_record(&record);
        self.record = record;
        result
    }

    /// One CSV record, each cell neutralised first.
    fn write_record(&mut self, cells: &[String]) -> io::Result<()> {
        if let Sink::Csv(csv) = &mut self.out {
            csv.write_record(cells.iter().map(|c| neutralised(c).into_owned()))?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Sink::Csv(csv) => csv.flush(),
            Sink::Jsonl(out) => out.flush(),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.format == Format::Csv && self.header.is_none() {
            self.write_header(&[])?;
        }
        self.flush()
    }
}

/// A contact field's column: its name, unless a fixed column has it.
fn column_name(field: &str) -> String {
    if FIXED_COLUMNS.contains(&field) || field == OTHER_FIELDS {
        format!("contact.{field}")
    } else {
        field.to_owned()
    }
}

/// A contact field's value in a cell: a string as it is, null as
/// nothing, anything else as JSON.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What a row says of the call before its contact's fields.
struct CallFacts<'a> {
    last_status: Option<&'a str>,
    attempts: usize,
    last_attempt_at: Option<&'a str>,
    last_duration: Option<f64>,
    talk_seconds: f64,
    recording_url: Option<&'a str>,
    transcript: Option<String>,
}

fn facts(call: &Call) -> CallFacts<'_> {
    let last = call.latest_log();
    CallFacts {
        last_status: call.status(),
        attempts: call.phone_logs.len(),
        last_attempt_at: last
            .map(|l| l.created_at.as_str())
            .filter(|t| !t.is_empty()),
        last_duration: last.and_then(|l| l.call_duration).filter(|d| d.is_finite()),
        talk_seconds: call
            .phone_logs
            .iter()
            .filter_map(|l| l.call_duration)
            .filter(|d| d.is_finite() && *d > 0.0)
            // Not `sum`: a float sum of nothing is -0.
            .fold(0.0, |total, d| total + d),
        recording_url: call
            .phone_logs
            .iter()
            .rev()
            .find_map(|l| l.recording_url.as_deref().filter(|u| !u.is_empty())),
        transcript: call
            .phone_logs
            .iter()
            .rev()
            .find_map(|l| l.transcript_text()),
    }
}

fn fixed_cells(call: &Call) -> [String; FIXED_COLUMNS.len()] {
    let f = facts(call);
    [
        call.phone_number.clone(),
        f.last_status.unwrap_or_default().to_owned(),
        f.attempts.to_string(),
        f.last_attempt_at.unwrap_or_default().to_owned(),
        f.last_duration.map(number).unwrap_or_default(),
        number(f.talk_seconds),
        f.recording_url.unwrap_or_default().to_owned(),
        f.transcript.unwrap_or_default(),
        call.id.clone(),
        call.created_at.clone(),
    ]
}

/// A JSON Lines row.
fn json_row(call: &Call) -> Value {
    let f = facts(call);
    json!({
        "phoneNumber": call.phone_number,
        "lastStatus": f.last_status,
        "attempts": f.attempts,
        "lastAttemptAt": f.last_attempt_at,
        "lastDurationSeconds": f.last_duration,
        "talkSeconds": f.talk_seconds,
        "recordingUrl": f.recording_url,
        "transcript": f.transcript,
        "callId": call.id,
        "createdAt": call.created_at,
        "fields": call.fields,
    })
}

/// Seconds as written in a cell: `65`, `65.4`.
fn number(seconds: f64) -> String {
    let rounded = (seconds * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

/// `cell` as a spreadsheet cannot run it: see the module's note.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `+12125551234`, `-42`, `-42.5`: a sign, digits, at most one decimal
/// point between digits, nothing else.
fn is_plain_number(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix(['+', '-']) else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && parts.next().is_none_or(digits)
}

/// A file that appears under its name only when it is complete: written
/// to a temporary file beside it, which [`AtomicFile::commit`] flushes,
/// syncs and renames over `path`. Dropped without `commit` (an error, an
/// interrupt), the temporary file is removed and nothing claims to be the
/// export.
pub struct AtomicFile {
    path: PathBuf,
    tmp: io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<Self> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".weya-export-")
            .suffix(".part")
            .tempfile_in(dir)?;
        Ok(Self {
            path: path.to_owned(),
            tmp: io::BufWriter::with_capacity(64 * 1024, tmp),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the complete file over `path` (replacing what was there).
    pub fn commit(self) -> io::Result<PathBuf> {
        let tmp = self
            .tmp
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

/// An export written to a folder: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    pub exported: Exported,
}

/// Exports batch `batch_id` (named `name`) as CSV into `dir` (made if
/// missing) under [`file_name`], atomically: the TUI's `e`. The error is
/// the sentence to show.
pub async fn export_to_folder(
    client: &WeyaClient,
    dir: &Path,
    batch_id: &str,
    name: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Saved, String> {
    let path = dir.join(file_name(name, batch_id, at, Format::Csv));
    let cannot = |e: io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::create_dir_all(dir).map_err(cannot)?;
    let mut file = AtomicFile::create(&path).map_err(cannot)?;
    let exported = match export(client, batch_id, Format::Csv, &mut file, |_| {}).await {
        Ok(exported) => exported,
        Err(WalkError::Api { page, read, error }) => {
            let mut why =
                format!("stopped at page {page} after {read} calls, nothing written: {error}");
            if let Some(id) = error.request_id() {
                why.push_str(&format!(" (request ID {id})"));
            }
            return Err(why);
        }
        Err(WalkError::Sink(e)) => return Err(cannot(e)),
        Err(
            e @ (WalkError::TooMany { .. }
            | WalkError::Repeated { .. }
            | WalkError::Incomplete { .. }),
        ) => {
            return Err(format!("nothing written: {e}"));
        }
    };
    let path = file.commit().map_err(cannot)?;
    Ok(Saved { path, exported })
}

/// A file name for batch `name` (`id`) exported at `at`:
/// `june-renewals-64e5f123…-20260115-1403.csv`, safe on any filesystem.
pub fn file_name(
    name: &str,
    id: &str,
    at: chrono::DateTime<chrono::Utc>,
    format: Format,
) -> String {
    let mut slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    let slug = if slug.is_empty() {
        "batch".to_owned()
    } else {
        slug
    };
    format!(
        "{slug}-{id}-{}.{}",
        at.format("%Y%m%d-%H%M%S"),
        format.extension()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PhoneLog;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "+",
            "-",
            "+1.2.3",
            "+12 125",
        ] {
            assert_eq!(neutralised(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in [
            "+12125551234",
            "-42",
            "-42.5",
            "12125551234",
            "Ada",
            "a=b",
            "",
        ] {
            assert_eq!(neutralised(plain), plain, "{plain:?}");
        }
    }

    fn record(cells: &[&str]) -> String {
        let mut out = Vec::new();
        let cells: Vec<String> = cells.iter().map(|c| (*c).to_owned()).collect();
        let mut rows = Rows::new(Format::Csv, &mut out);
        rows.write_record(&cells).unwrap();
        rows.flush().unwrap();
        drop(rows);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn records_are_rfc_4180() {
        assert_eq!(record(&["a", "b c", ""]), "a,b c,\r\n");
        assert_eq!(
            record(&["a,b", "say \"hi\""]),
            "\"a,b\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(
            record(&["line1\nline2", "x\r\ny"]),
            "\"line1\nline2\",\"x\r\ny\"\r\n"
        );
        // Neutralised first, then quoted: the quote wraps the apostrophe.
        assert_eq!(record(&["=1,2"]), "\"'=1,2\"\r\n");
        // What the csv crate reads back is the cells (neutralised).
        let text = record(&["a,b", "say \"hi\"", "l1\nl2", "=x", "+12125551234"]);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        let cells: Vec<&str> = row.iter().collect();
        assert_eq!(
            cells,
            ["a,b", "say \"hi\"", "l1\nl2", "'=x", "+12125551234"]
        );
    }

    fn call(id: &str, fields: &[(&str, Value)], logs: &[(&str, f64)]) -> Call {
        let mut c = Call {
            id: id.into(),
            phone_number: "+12125550100".into(),
            created_at: "2026-01-15T14:00:00.000Z".into(),
            ..Call::default()
        };
        for (k, v) in fields {
            c.fields.insert((*k).to_owned(), v.clone());
        }
        c.phone_logs = logs
            .iter()
            .enumerate()
            .map(|(i, (s, d))| PhoneLog {
                call_status: (*s).to_owned(),
                call_duration: Some(*d),
                recording_url: (i == 0).then(|| "https://rec/1".to_owned()),
                transcript: (i == 0).then(|| json!("hello")),
                created_at: format!("2026-01-15T14:0{i}:00.000Z"),
            })
            .collect();
        c
    }

    #[test]
    fn fields_seen_after_the_header_go_to_the_last_column_not_away() {
        let first = vec![
            call("a", &[("name", json!("Ada")), ("attempts", json!(9))], &[]),
            call(
                "b",
                &[("plan", json!("gold"))],
                &[("no-answer", 0.0), ("completed", 61.5)],
            ),
        ];
        let later = call(
            "c",
            &[("name", json!("=evil()")), ("vip", json!(true))],
            &[],
        );
        let mut out = Vec::new();
        let mut rows = Rows::new(Format::Csv, &mut out);
        for c in &first {
            rows.write(c, &first).unwrap();
        }
        rows.write(&later, &[]).unwrap();
        rows.flush().unwrap();
        let (late, late_rows) = (rows.late_names.clone(), rows.late_rows);
        drop(rows);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "phoneNumber,lastStatus,attempts,lastAttemptAt,lastDurationSeconds,talkSeconds,\
             recordingUrl,transcript,callId,createdAt,name,contact.attempts,plan,otherFields"
        );
        assert_eq!(
            lines[1],
            "+12125550100,,0,,,0,,,a,2026-01-15T14:00:00.000Z,Ada,9,,"
        );
        assert_eq!(
            lines[2],
            "+12125550100,completed,2,2026-01-15T14:01:00.000Z,61.5,61.5,https://rec/1,hello,b,\
             2026-01-15T14:00:00.000Z,,,gold,"
        );
        assert_eq!(
            lines[3],
            "+12125550100,,0,,,0,,,c,2026-01-15T14:00:00.000Z,'=evil(),,,\"{\"\"vip\"\":true}\""
        );
        assert_eq!(late, ["vip"]);
        assert_eq!(late_rows, 1);
    }

    #[test]
    fn jsonl_rows_keep_the_values_as_weya_sent_them() {
        let c = call(
            "a",
            &[("name", json!("=x")), ("n", json!(3))],
            &[("busy", 0.0)],
        );
        let mut out = Vec::new();
        let mut rows = Rows::new(Format::Jsonl, &mut out);
        rows.write(&c, std::slice::from_ref(&c)).unwrap();
        drop(rows);
        let text = String::from_utf8(out).unwrap();
        let value: Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(value["fields"], json!({"name": "=x", "n": 3}));
        assert_eq!(value["lastStatus"], "busy");
        assert_eq!(value["attempts"], 1);
        assert!(text.ends_with('\n') && text.lines().count() == 1);
    }

    #[test]
    fn an_abandoned_file_leaves_nothing_and_a_committed_one_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"whole\r\n").unwrap();
        assert_eq!(file.commit().unwrap(), path);
        assert_eq!(std::fs::read(&path).unwrap(), b"whole\r\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn file_names_are_safe_and_say_what_they_hold() {
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 15, 14, 3, 9).unwrap();
        assert_eq!(
            file_name(
                "June renewals / ../etc",
                "64e5f12345abcdef98765432",
                at,
                Format::Csv
            ),
            "june-renewals-etc-64e5f12345abcdef98765432-20260115-140309.csv"
        );
        assert_eq!(
            file_name("", "64e5f12345abcdef98765432", at, Format::Jsonl),
            "batch-64e5f12345abcdef98765432-20260115-140309.jsonl"
        );
    }
}
