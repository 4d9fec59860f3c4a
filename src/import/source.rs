//! Reading a contacts file: what it is (its identity, format, encoding,
//! delimiter), its header and first rows, and then its rows one at a time
//! for the check and for each request's body.
//!
//! Delimited text is streamed through the `csv` crate as raw bytes (the
//! delimiters and quotes are ASCII in UTF-8 and Windows-1252 alike) and each
//! cell is decoded on its own, so a row's position in the file is its byte
//! offset and a request can start reading where its first row is.
//! Spreadsheets are read whole by calamine and kept in memory.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use calamine::{Data, DataRef, Reader};
use serde::{Deserialize, Serialize};

use super::limits::{Limit, MAX_CELL_BYTES, MAX_COLUMNS, MAX_HEADER_BYTES, MAX_ROW_BYTES};
use super::sheet::{self, Sheet, TextCells};
use super::workbook::{self, Refused, ZipKind};
use super::{Control, ImportError, Progress, Stage};

/// How many rows after the header [`open`] keeps for the mapping view.
pub const SAMPLE_ROWS: usize = 10;

/// How much of a text file the delimiter is guessed from.
const SNIFF_BYTES: usize = 64 * 1024;

/// Read size of the identity pass.
const CHUNK: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Which file this is, exactly: the journal keys an import by it, and a
/// request's body is built only while the file still matches it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileIdentity {
    /// Canonical (absolute, links resolved).
    pub path: PathBuf,
    pub size: u64,
    /// Modification time, seconds and nanoseconds since 1970.
    pub modified_secs: i64,
    pub modified_nanos: u32,
    /// FNV-1a (64-bit) of the whole content.
    pub content_hash: u64,
    /// The sheet read, for a workbook: an import of another sheet of the
    /// same file is another import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl FileIdentity {
    fn of(path: PathBuf, meta: &std::fs::Metadata, content_hash: u64) -> Self {
        let (modified_secs, modified_nanos) = modified(meta);
        Self {
            path,
            size: meta.len(),
            modified_secs,
            modified_nanos,
            content_hash,
            sheet: None,
        }
    }

    /// The file's size and mtime are still what they were (its content is
    /// not read again: a changed file almost always changes these).
    pub(crate) fn still_matches(&self) -> Result<(), ImportError> {
        let meta = std::fs::metadata(&self.path).map_err(|source| ImportError::Io {
            path: self.path.clone(),
            source,
        })?;
        if meta.len() == self.size && modified(&meta) == (self.modified_secs, self.modified_nanos) {
            Ok(())
        } else {
            Err(ImportError::Changed {
                path: self.path.clone(),
            })
        }
    }
}

fn modified(meta: &std::fs::Metadata) -> (i64, u32) {
    match meta.modified().map(|t| t.duration_since(UNIX_EPOCH)) {
        Ok(Ok(since)) => (
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            since.subsec_nanos(),
        ),
        // Before 1970, or no mtime on this platform: the hash still tells.
        _ => (0, 0),
    }
}

/// A separator of delimited text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
    Pipe,
}

impl Delimiter {
    const ALL: [Self; 4] = [Self::Comma, Self::Semicolon, Self::Tab, Self::Pipe];

    pub fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
            Self::Pipe => b'|',
        }
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Comma => "commas",
            Self::Semicolon => "semicolons",
            Self::Tab => "tabs",
            Self::Pipe => "pipes (|)",
        })
    }
}

/// The character encoding of delimited text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// Not valid UTF-8: read as Windows-1252, what Excel on Windows writes
    /// for "CSV" in western locales, and which maps every byte to a
    /// character (so nothing is lost, at worst a letter is wrong).
    Windows1252,
}

/// Something the operator should know about how the file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The columns are separated by this (said when it is not a comma).
    Delimiter(Delimiter),
    /// The file is not UTF-8; it was read as Windows-1252.
    Windows1252 { first_line: u64 },
    /// Read from this sheet of several.
    Sheet { name: String, of: usize },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Delimiter(d) => write!(f, "Columns separated by {d}."),
            Self::Windows1252 { first_line } => write!(
                f,
                "The file is not UTF-8 (line {first_line} is the first that is not): \
                 read as Windows-1252. Check that names with accents look right."
            ),
            Self::Sheet { name, of } => write!(f, "Read the sheet “{name}” (of {of})."),
        }
    }
}

/// How to open a file.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The sheet of a workbook to read; the first when `None`.
    pub sheet: Option<String>,
}

/// One row as the file has it, with its line (text) or row (sheet)
/// number as the operator would find it: the header is line 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// An opened contacts file: what the mapping view shows and what the
/// check reads.
#[derive(Debug, Clone)]
pub struct ContactsFile {
    identity: FileIdentity,
    pub(crate) layout: Layout,
    header: Vec<String>,
    header_line: u64,
    sample: Vec<SampleRow>,
    notices: Vec<Notice>,
    sheets: Vec<String>,
    /// Where the first row after the header starts.
    pub(crate) data_start: RowStart,
    /// The path as shown (see [`super::path::shown`]), worked out where
    /// the file is read, not while drawing.
    shown_path: String,
}

impl ContactsFile {
    pub fn identity(&self) -> &FileIdentity {
        &self.identity
    }

    /// The canonical path.
    pub fn path(&self) -> &Path {
        &self.identity.path
    }

    /// The path as an operator reads it best: relative to the current
    /// directory, or under `~`.
    pub fn shown_path(&self) -> &str {
        &self.shown_path
    }

    /// The header's cells, as the file has them.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The first rows after the header (up to [`SAMPLE_ROWS`]).
    pub fn sample(&self) -> &[SampleRow] {
        &self.sample
    }

    /// The sample's cells alone, for [`ColumnMapping::guess`](super::ColumnMapping::guess).
    pub fn sample_cells(&self) -> Vec<Vec<String>> {
        self.sample.iter().map(|row| row.cells.clone()).collect()
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The workbook's sheet names (empty for delimited text).
    pub fn sheets(&self) -> &[String] {
        &self.sheets
    }

    /// The sheet read, for a workbook.
    pub fn sheet(&self) -> Option<&str> {
        self.identity.sheet.as_deref()
    }

    /// The delimiter of delimited text.
    pub fn delimiter(&self) -> Option<Delimiter> {
        match &self.layout {
            Layout::Text(text) => Some(text.delimiter),
            Layout::Sheet(_) => None,
        }
    }

    pub fn encoding(&self) -> Option<TextEncoding> {
        match &self.layout {
            Layout::Text(text) => Some(text.encoding),
            Layout::Sheet(_) => None,
        }
    }

    /// The number of rows after the header, when known without reading the
    /// file (a sheet, which is in memory).
    pub fn rows_hint(&self) -> Option<u64> {
        match &self.layout {
            Layout::Sheet(sheet) => {
                Some(sheet.height().saturating_sub(sheet.header_row + 1) as u64)
            }
            Layout::Text(_) => None,
        }
    }
}

/// How the rows are to be read again.
#[derive(Debug, Clone)]
pub(crate) enum Layout {
    Text(TextLayout),
    Sheet(Arc<Sheet>),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TextLayout {
    delimiter: Delimiter,
    encoding: TextEncoding,
    /// Bytes before the first record (a UTF-8 BOM): csv positions count
    /// from after them.
    skip: u64,
    /// What ends a line: `\n` (with or without `\r` before it), or `\r`
    /// alone (classic Mac files).
    newline: u8,
    /// The file's last byte is the newline: its last row is terminated.
    ends_with_newline: bool,
}

/// Where a row starts, to read again from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowStart {
    /// A csv position: byte offset (after any BOM), line, record number.
    Text { byte: u64, line: u64, record: u64 },
    /// An index into the sheet's rows.
    Sheet { row: usize },
}

/// Reads `path`'s identity, format, header and first rows.
pub fn open(
    path: &Path,
    options: &OpenOptions,
    control: &mut Control<'_>,
) -> Result<ContactsFile, ImportError> {
    let io_error = |source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let format = Format::of(path).ok_or_else(|| ImportError::UnsupportedType {
        path: path.to_owned(),
    })?;
    let canonical = std::fs::canonicalize(path).map_err(io_error)?;
    let before = std::fs::metadata(&canonical).map_err(io_error)?;
    if let Some(kind) = crate::config::not_a_file(before.file_type()) {
        return Err(ImportError::NotAFile {
            path: canonical,
            kind,
        });
    }
    let scan = scan(&canonical, before.len(), format == Format::Text, control)
        .map_err(|e| e.with_path(&canonical))?;
    let after = std::fs::metadata(&canonical).map_err(io_error)?;
    if after.len() != before.len() || modified(&after) != modified(&before) {
        return Err(ImportError::Changed { path: canonical });
    }
    let shown_path = super::path::shown(
        &canonical,
        std::env::current_dir().ok().as_deref(),
        super::path::home_dir().as_deref(),
    );
    let identity = FileIdentity::of(canonical, &after, scan.hash);
    let mut file = match format {
        Format::Text => open_text(identity, &scan),
        Format::Workbook(kind) => open_sheet(identity, kind, options),
    }?;
    file.shown_path = shown_path;
    Ok(file)
}

/// What a file is, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Workbook(Workbook),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Workbook {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "tab" | "txt" => Self::Text,
            "xlsx" | "xlsm" => Self::Workbook(Workbook::Xlsx),
            "xlsb" => Self::Workbook(Workbook::Xlsb),
            "xls" => Self::Workbook(Workbook::Xls),
            "ods" => Self::Workbook(Workbook::Ods),
            _ => return None,
        })
    }
}

/// Extensions [`open`] reads, for a file picker.
pub fn is_supported(path: &Path) -> bool {
    Format::of(path).is_some()
}

/// What one pass over the bytes learns.
struct Scan {
    hash: u64,
    /// The start of the file, for the delimiter guess and the BOM.
    head: Vec<u8>,
    /// The line of the first byte sequence that is not UTF-8, if any.
    first_non_utf8_line: Option<u64>,
    last_byte: Option<u8>,
}

/// Errors of the scan before the path is attached.
enum ScanError {
    Io(io::Error),
    NotAFile(&'static str),
    Utf16,
    NotText,
    Cancelled,
    TooBig(Limit),
}

impl ScanError {
    fn with_path(self, path: &Path) -> ImportError {
        let path = path.to_owned();
        match self {
            Self::Io(source) => ImportError::Io { path, source },
            Self::NotAFile(kind) => ImportError::NotAFile { path, kind },
            Self::Utf16 => ImportError::Utf16 { path },
            Self::NotText => ImportError::NotText { path },
            Self::Cancelled => ImportError::Cancelled,
            Self::TooBig(limit) => ImportError::TooBig { path, limit },
        }
    }
}

/// FNV-1a, 64 bits: a fixed function, unlike std's `DefaultHasher` (which
/// may change between Rust releases), so what one build stored the next
/// one recomputes.
pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Opens a contacts file that is a regular file, and at once whatever it
/// is (the path may have been swapped for a FIFO since it was looked at).
fn open_regular(path: &Path) -> Result<File, crate::config::OpenError> {
    crate::config::open_regular_file(path)
}

/// One read of the whole file: its hash, and for text, whether it is
/// UTF-8 (and where it first is not).
fn scan(path: &Path, size: u64, text: bool, control: &mut Control<'_>) -> Result<Scan, ScanError> {
    let mut file = open_regular(path).map_err(|e| match e {
        crate::config::OpenError::Io(e) => ScanError::Io(e),
        crate::config::OpenError::NotAFile(kind) => ScanError::NotAFile(kind),
    })?;
    let mut hash = Fnv::default();
    let mut head = Vec::new();
    let mut last_byte = None;
    let mut first_non_utf8_line = None;
    let mut line = 1u64;
    // Bytes of a UTF-8 sequence cut by the end of the previous chunk.
    let mut carry: Vec<u8> = Vec::with_capacity(4);
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    // The bytes since the last line break, and the breaks so far (LF, and
    // CR for a file of CR line ends): a line longer than a row may be is
    // refused a MiB in, not read whole into one record.
    let (mut run, mut lf, mut cr) = (0usize, 0u64, 0u64);
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ScanError::Io(e)),
        };
        let chunk = &buf[..n];
        hash.write(chunk);
        last_byte = chunk.last().copied();
        if text {
            let mut rest = chunk;
            while let Some(at) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                if run + at > MAX_ROW_BYTES {
                    break;
                }
                if rest[at] == b'\n' {
                    lf += 1;
                } else {
                    cr += 1;
                }
                run = 0;
                rest = &rest[at + 1..];
            }
            run += rest.len();
            if run > MAX_ROW_BYTES {
                let line = if lf > 0 { lf } else { cr } + 1;
                return Err(ScanError::TooBig(Limit::Line { line }));
            }
        }
        if text {
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(n);
                head.extend_from_slice(&chunk[..take]);
                if done == 0 {
                    if chunk.starts_with(b"\xFF\xFE") || chunk.starts_with(b"\xFE\xFF") {
                        return Err(ScanError::Utf16);
                    }
                    if chunk[..take].contains(&0) {
                        return Err(ScanError::NotText);
                    }
                }
            }
            if first_non_utf8_line.is_none() {
                if let Some(at) = first_invalid_utf8(&mut carry, chunk) {
                    let before = at.min(chunk.len());
                    first_non_utf8_line =
                        Some(line + chunk[..before].iter().filter(|&&b| b == b'\n').count() as u64);
                }
                line += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            }
        }
        let previous = done;
        done += n as u64;
        // About every MiB.
        if previous >> 20 != done >> 20 {
            control
                .tick(Progress {
                    stage: Stage::Reading,
                    done,
                    total: size,
                })
                .map_err(|_| ScanError::Cancelled)?;
        }
    }
    control
        .tick(Progress {
            stage: Stage::Reading,
            done,
            total: size,
        })
        .map_err(|_| ScanError::Cancelled)?;
    if text && first_non_utf8_line.is_none() && !carry.is_empty() {
        // The file ends inside a UTF-8 sequence.
        first_non_utf8_line = Some(line);
    }
    Ok(Scan {
        hash: hash.0,
        head,
        first_non_utf8_line,
        last_byte,
    })
}

/// Validates `chunk` as the continuation of `carry`. Returns the offset in
/// `chunk` of the first invalid byte; keeps an incomplete sequence at the
/// end in `carry` for the next chunk.
fn first_invalid_utf8(carry: &mut Vec<u8>, chunk: &[u8]) -> Option<usize> {
    let mut rest = chunk;
    if let Some(&lead) = carry.first() {
        // Complete the sequence cut at the end of the previous chunk.
        let want = utf8_sequence_len(lead);
        let take = want.saturating_sub(carry.len()).min(rest.len());
        carry.extend_from_slice(&rest[..take]);
        rest = &rest[take..];
        match std::str::from_utf8(carry) {
            Ok(_) => carry.clear(),
            // Still cut short: this chunk was tinier than the sequence.
            Err(e) if e.error_len().is_none() => return None,
            Err(_) => return Some(0),
        }
    }
    let offset = chunk.len() - rest.len();
    match std::str::from_utf8(rest) {
        Ok(_) => None,
        Err(e) if e.error_len().is_none() => {
            carry.extend_from_slice(&rest[e.valid_up_to()..]);
            None
        }
        Err(e) => Some(offset + e.valid_up_to()),
    }
}

/// The length of the UTF-8 sequence that `lead` starts (a valid lead byte:
/// `from_utf8` only leaves those at a cut).
fn utf8_sequence_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The delimiter that splits the first lines into the same number of
/// fields most often (more than one), preferring, on a tie, more fields,
/// then a comma, semicolon, tab, pipe.
fn sniff_delimiter(head: &[u8]) -> Delimiter {
    // Only whole lines: the last one may be cut.
    let sample = match head.iter().rposition(|&b| b == b'\n') {
        Some(end) if head.len() == SNIFF_BYTES => &head[..=end],
        _ => head,
    };
    let mut best = (Delimiter::Comma, 0usize, 0usize);
    for delimiter in Delimiter::ALL {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let mut record = csv::ByteRecord::new();
        let mut widths = Vec::new();
        while widths.len() < 50 && reader.read_byte_record(&mut record).unwrap_or(false) {
            widths.push(record.len());
        }
        let Some(&width) = widths.first() else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let agreeing = widths.iter().filter(|&&w| w == width).count();
        if (agreeing, width) > (best.1, best.2) {
            best = (delimiter, agreeing, width);
        }
    }
    best.0
}

fn open_text(identity: FileIdentity, scan: &Scan) -> Result<ContactsFile, ImportError> {
    let skip = if scan.head.starts_with(UTF8_BOM) {
        3
    } else {
        0
    };
    let encoding = if scan.first_non_utf8_line.is_some() {
        TextEncoding::Windows1252
    } else {
        TextEncoding::Utf8
    };
    let head = &scan.head[crate::num::usize_sat(skip).min(scan.head.len())..];
    let newline = if head.contains(&b'\r') && !head.contains(&b'\n') {
        b'\r'
    } else {
        b'\n'
    };
    let delimiter = sniff_delimiter(head);
    let layout = TextLayout {
        delimiter,
        encoding,
        skip,
        newline,
        ends_with_newline: scan.last_byte == Some(newline),
    };
    let mut notices = Vec::new();
    if delimiter != Delimiter::Comma {
        notices.push(Notice::Delimiter(delimiter));
    }
    if let Some(first_line) = scan.first_non_utf8_line {
        notices.push(Notice::Windows1252 { first_line });
    }
    let first = RowStart::Text {
        byte: 0,
        line: 1,
        record: 0,
    };
    let mut rows = RowReader::text(&identity.path, layout, first)?;
    let (header, header_line) = loop {
        if !rows.next_row()? {
            return Err(ImportError::Empty {
                path: identity.path,
            });
        }
        // Rows of empty cells above the header (`,,,`) are not it.
        if rows.cells().iter().any(|c| !c.trim().is_empty()) {
            break (rows.cells().to_vec(), rows.line());
        }
    };
    check_header(&identity.path, &header)?;
    let data_start = rows.next_start();
    let sample = read_sample(&mut rows)?;
    Ok(ContactsFile {
        shown_path: String::new(),
        identity,
        layout: Layout::Text(layout),
        header,
        header_line,
        sample,
        notices,
        sheets: Vec::new(),
        data_start,
    })
}

fn read_sample(rows: &mut RowReader) -> Result<Vec<SampleRow>, ImportError> {
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS && rows.next_row()? {
        sample.push(SampleRow {
            line: rows.line(),
            cells: rows.cells().to_vec(),
        });
    }
    Ok(sample)
}

/// The header's cells together are no longer than [`MAX_HEADER_BYTES`].
fn check_header(path: &Path, header: &[String]) -> Result<(), ImportError> {
    if header.iter().map(String::len).sum::<usize>() > MAX_HEADER_BYTES {
        return Err(ImportError::TooBig {
            path: path.to_owned(),
            limit: Limit::Header,
        });
    }
    Ok(())
}

fn open_sheet(
    mut identity: FileIdentity,
    kind: Workbook,
    options: &OpenOptions,
) -> Result<ContactsFile, ImportError> {
    let path = identity.path.clone();
    let spreadsheet = |e: calamine::Error| ImportError::Spreadsheet {
        path: path.clone(),
        message: e.to_string(),
    };
    // Looked over first, so that calamine never holds more than the
    // bounds allow (see `workbook`).
    let checked = match kind {
        Workbook::Xlsx => workbook::check_zip(&path, ZipKind::Xlsx),
        Workbook::Xlsb => workbook::check_zip(&path, ZipKind::Xlsb),
        Workbook::Ods => workbook::check_zip(&path, ZipKind::Ods),
        Workbook::Xls => workbook::check_xls(&path),
    };
    checked.map_err(|refused| match refused {
        Refused::Io(source) => ImportError::Io {
            path: path.clone(),
            source,
        },
        Refused::Limit(limit) => ImportError::TooBig {
            path: path.clone(),
            limit,
        },
        Refused::Malformed(message) => ImportError::Spreadsheet {
            path: path.clone(),
            message,
        },
    })?;
    // By the extension, not calamine's `open_workbook_auto`, which matches
    // extensions case-sensitively (`CONTACTS.XLSX` would be tried as each
    // format in turn). `.xlsx` and `.xlsb` sheets are read cell by cell,
    // keeping their text; calamine lays out `.ods` and `.xls` itself.
    let (sheets, name, mut sheet) = match kind {
        Workbook::Xlsx => {
            let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path)
                .map_err(|e| spreadsheet(calamine::Error::Xlsx(e)))?;
            let sheets = book.sheet_names();
            let name = choose_sheet(&path, &sheets, options)?;
            let mut cells = book
                .worksheet_cells_reader(&name)
                .map_err(|e| spreadsheet(calamine::Error::Xlsx(e)))?;
            let text = read_cells(&path, || {
                cells
                    .next_cell()
                    .map_err(|e| spreadsheet(calamine::Error::Xlsx(e)))
            })?;
            (sheets, name, Sheet::from_text(text))
        }
        Workbook::Xlsb => {
            let mut book: calamine::Xlsb<_> = calamine::open_workbook(&path)
                .map_err(|e| spreadsheet(calamine::Error::Xlsb(e)))?;
            let sheets = book.sheet_names();
            let name = choose_sheet(&path, &sheets, options)?;
            let mut cells = book
                .worksheet_cells_reader(&name)
                .map_err(|e| spreadsheet(calamine::Error::Xlsb(e)))?;
            let text = read_cells(&path, || {
                cells
                    .next_cell()
                    .map_err(|e| spreadsheet(calamine::Error::Xlsb(e)))
            })?;
            (sheets, name, Sheet::from_text(text))
        }
        Workbook::Xls | Workbook::Ods => {
            let opened = if kind == Workbook::Xls {
                calamine::open_workbook(&path)
                    .map(calamine::Sheets::Xls)
                    .map_err(calamine::Error::Xls)
            } else {
                calamine::open_workbook(&path)
                    .map(calamine::Sheets::Ods)
                    .map_err(calamine::Error::Ods)
            };
            let mut book = opened.map_err(spreadsheet)?;
            let sheets = book.sheet_names();
            let name = choose_sheet(&path, &sheets, options)?;
            let range = book.worksheet_range(&name).map_err(spreadsheet)?;
            (sheets, name, Sheet::from_grid(range))
        }
    };
    identity.sheet = Some(name.clone());
    sheet.header_row = sheet
        .first_filled_row()
        .ok_or_else(|| ImportError::Empty { path: path.clone() })?;
    let header_row = sheet.header_row;
    let sheet = Arc::new(sheet);
    let mut notices = Vec::new();
    if sheets.len() > 1 {
        notices.push(Notice::Sheet {
            name: name.clone(),
            of: sheets.len(),
        });
    }
    let mut rows = RowReader::sheet(
        Arc::clone(&sheet),
        &path,
        RowStart::Sheet { row: header_row },
    );
    rows.next_row()?;
    let header = rows.cells().to_vec();
    check_header(&path, &header)?;
    let header_line = rows.line();
    let data_start = rows.next_start();
    let sample = read_sample(&mut rows)?;
    Ok(ContactsFile {
        shown_path: String::new(),
        identity,
        layout: Layout::Sheet(sheet),
        header,
        header_line,
        sample,
        notices,
        sheets,
        data_start,
    })
}

/// The sheet `options` names, or the first.
fn choose_sheet(
    path: &Path,
    sheets: &[String],
    options: &OpenOptions,
) -> Result<String, ImportError> {
    match &options.sheet {
        Some(wanted) => sheets
            .iter()
            .find(|s| *s == wanted)
            .cloned()
            .ok_or_else(|| ImportError::NoSuchSheet {
                path: path.to_owned(),
                sheet: wanted.clone(),
                available: sheets.to_vec(),
            }),
        None => sheets.first().cloned().ok_or_else(|| ImportError::Empty {
            path: path.to_owned(),
        }),
    }
}

/// Every cell `next` gives, kept as text within the bounds.
fn read_cells<'a>(
    path: &Path,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, ImportError>,
) -> Result<TextCells, ImportError> {
    let mut cells = TextCells::default();
    while let Some(cell) = next()? {
        let (row, column) = cell.get_position();
        cells
            .push(row, column, cell.get_value())
            .map_err(|refusal| match refusal {
                sheet::Refusal::Limit(limit) => ImportError::TooBig {
                    path: path.to_owned(),
                    limit,
                },
                sheet::Refusal::OutOfOrder { row } => ImportError::Spreadsheet {
                    path: path.to_owned(),
                    message: format!(
                        "the cells of row {row} come after later ones (not the order a \
                         spreadsheet program writes): open the file in one and save it again"
                    ),
                },
            })?;
    }
    Ok(cells)
}

/// A spreadsheet cell as text: strings as they are, integers without a
/// trailing `.0`, dates in ISO 8601 (`2025-06-30`, `2025-06-30T14:05:00`).
pub(crate) fn render_cell(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => render_float(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            let total = (dt.as_f64() * 86_400.0).round();
            // Non-finite or absurd durations: the raw number says more.
            if !(0.0..1e12).contains(&total) {
                return dt.as_f64().to_string();
            }
            let total = crate::num::round_u64(total);
            format!("PT{}H{}M{}S", total / 3600, total / 60 % 60, total % 60)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
            }
        }
        Data::Error(e) => e.to_string(),
    }
}

/// A number cell as text. `Display` for f64 prints 12.0 as "12" and never
/// uses an exponent, so a phone number typed as a number comes out as its
/// digits; a whole number stored with a float's last-digit noise
/// (`17796726652.999998`, what a formula can leave) is that whole number.
fn render_float(f: f64) -> String {
    let whole = f.round();
    // A few units in the last place of a number below 2^53, where every
    // whole number is exact.
    if f.abs() >= 1.0 && f.abs() < 9.0e15 && (f - whole).abs() <= f.abs() * 8.0 * f64::EPSILON {
        return whole.to_string();
    }
    f.to_string()
}

/// Rows one at a time, from a [`RowStart`], with each row's cells decoded
/// into buffers reused from row to row.
pub(crate) struct RowReader {
    source: RowSource,
    cells: Vec<String>,
    line: u64,
    start: RowStart,
}

enum RowSource {
    Text {
        reader: csv::Reader<Metered>,
        record: csv::ByteRecord,
        layout: TextLayout,
        path: PathBuf,
        /// The file's size, for progress.
        size: u64,
    },
    Sheet {
        sheet: Arc<Sheet>,
        next: usize,
        /// For a refusal's words.
        path: PathBuf,
    },
}

/// The file under the csv reader, counting the bytes read since the row
/// began: a row past [`MAX_ROW_BYTES`] (a quote left open over a million
/// lines) is refused as it grows, not once it is whole in memory. The
/// reader reads ahead by a buffer, so the count is a buffer short at most.
pub(crate) struct Metered {
    file: File,
    since_row: u64,
}

/// What [`Metered`] fails a read with.
#[derive(Debug, thiserror::Error)]
#[error("a row longer than {MAX_ROW_BYTES} bytes")]
struct RowTooLong;

impl Read for Metered {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.since_row += n as u64;
        if self.since_row > (MAX_ROW_BYTES + 2 * CHUNK) as u64 {
            return Err(io::Error::other(RowTooLong));
        }
        Ok(n)
    }
}

impl std::io::Seek for Metered {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.since_row = 0;
        self.file.seek(pos)
    }
}

impl RowReader {
    pub(crate) fn open(
        file_path: &Path,
        layout: &Layout,
        from: RowStart,
    ) -> Result<Self, ImportError> {
        match layout {
            Layout::Text(text) => Self::text(file_path, *text, from),
            Layout::Sheet(sheet) => Ok(Self::sheet(Arc::clone(sheet), file_path, from)),
        }
    }

    fn text(path: &Path, layout: TextLayout, from: RowStart) -> Result<Self, ImportError> {
        let io_error = |source| ImportError::Io {
            path: path.to_owned(),
            source,
        };
        let RowStart::Text { byte, line, record } = from else {
            return Err(ImportError::Changed {
                path: path.to_owned(),
            });
        };
        let file = open_regular(path).map_err(|e| match e {
            crate::config::OpenError::Io(source) => io_error(source),
            crate::config::OpenError::NotAFile(kind) => ImportError::NotAFile {
                path: path.to_owned(),
                kind,
            },
        })?;
        let size = file.metadata().map_err(io_error)?.len();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(layout.delimiter.byte())
            .has_headers(false)
            .flexible(true)
            // Not csv's default (any of CR, LF, CRLF), which leaves the LF
            // of a CRLF for the next record and so numbers every record
            // after the first one line too early. With LF alone a record
            // ends on its own LF, and the CR before it is taken off the
            // last cell.
            .terminator(csv::Terminator::Any(layout.newline))
            .buffer_capacity(CHUNK)
            .from_reader(Metered { file, since_row: 0 });
        let mut position = csv::Position::new();
        position.set_byte(byte).set_line(line).set_record(record);
        reader
            .seek_raw(SeekFrom::Start(layout.skip + byte), position)
            .map_err(|e| csv_error(path, line, e))?;
        Ok(Self {
            source: RowSource::Text {
                reader,
                record: csv::ByteRecord::new(),
                layout,
                path: path.to_owned(),
                size,
            },
            cells: Vec::new(),
            line,
            start: from,
        })
    }

    fn sheet(sheet: Arc<Sheet>, path: &Path, from: RowStart) -> Self {
        let next = match from {
            RowStart::Sheet { row } => row,
            // A text position in a sheet: read nothing.
            RowStart::Text { .. } => usize::MAX,
        };
        Self {
            source: RowSource::Sheet {
                sheet,
                next,
                path: path.to_owned(),
            },
            cells: Vec::new(),
            line: 0,
            start: from,
        }
    }

    /// Moves to the next row; `false` at the end.
    pub(crate) fn next_row(&mut self) -> Result<bool, ImportError> {
        match &mut self.source {
            RowSource::Text {
                reader,
                record,
                layout,
                path,
                size,
            } => {
                let position = reader.position().clone();
                let more = reader
                    .read_byte_record(record)
                    .map_err(|e| csv_error(path, position.line(), e))?;
                reader.get_mut().since_row = 0;
                if !more {
                    return Ok(false);
                }
                let at = record.position().unwrap_or(&position);
                self.start = RowStart::Text {
                    byte: at.byte(),
                    line: at.line(),
                    record: at.record(),
                };
                self.line = record_line(record, at, reader.position(), *layout, *size);
                let encoding = layout.encoding;
                let last = record.len().saturating_sub(1);
                let fields = record.iter().enumerate().map(|(i, field)| match field {
                    [rest @ .., b'\r'] if i == last && layout.newline == b'\n' => rest,
                    field => field,
                });
                let too_big = |limit| ImportError::TooBig {
                    path: path.clone(),
                    limit,
                };
                let line = self.line;
                if record.len() > MAX_COLUMNS {
                    return Err(too_big(Limit::Columns { line }));
                }
                if record.iter().any(|field| field.len() > MAX_CELL_BYTES) {
                    return Err(too_big(Limit::Cell { line }));
                }
                fill(&mut self.cells, fields, |out, field| {
                    decode_field(out, field, encoding)
                })
                .map_err(|()| ImportError::Changed { path: path.clone() })?;
                Ok(true)
            }
            RowSource::Sheet { sheet, next, path } => {
                if *next >= sheet.height() {
                    return Ok(false);
                }
                self.start = RowStart::Sheet { row: *next };
                self.line = sheet.row_number(*next);
                sheet.fill_row(*next, &mut self.cells);
                *next += 1;
                // Cells read one by one were bounded as they were read;
                // a workbook calamine laid out is bounded here.
                let line = self.line;
                let limit = if self.cells.len() > MAX_COLUMNS {
                    Some(Limit::Columns { line })
                } else if self.cells.iter().any(|cell| cell.len() > MAX_CELL_BYTES) {
                    Some(Limit::Cell { line })
                } else {
                    None
                };
                match limit {
                    Some(limit) => Err(ImportError::TooBig {
                        path: path.clone(),
                        limit,
                    }),
                    None => Ok(true),
                }
            }
        }
    }

    pub(crate) fn cells(&self) -> &[String] {
        &self.cells
    }

    /// The current row's line (text) or row number (sheet).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Where the current row starts.
    pub(crate) fn start(&self) -> RowStart {
        self.start
    }

    /// Where the row after the current one starts.
    pub(crate) fn next_start(&self) -> RowStart {
        match &self.source {
            RowSource::Text { reader, .. } => {
                let p = reader.position();
                RowStart::Text {
                    byte: p.byte(),
                    line: p.line(),
                    record: p.record(),
                }
            }
            RowSource::Sheet { next, .. } => RowStart::Sheet { row: *next },
        }
    }

    /// How far through the file: (done, total) in bytes or rows.
    pub(crate) fn progress(&self) -> (u64, u64) {
        match &self.source {
            RowSource::Text {
                reader,
                layout,
                size,
                ..
            } => (layout.skip + reader.position().byte(), *size),
            RowSource::Sheet { sheet, next, .. } => (*next as u64, sheet.height() as u64),
        }
    }
}

/// The line a record starts on, as an editor numbers it. csv's own
/// position for a record is where reading it began, before any blank lines
/// it skipped; the position after it is exact, so count back from there
/// over the line breaks inside its quoted cells and its own newline.
fn record_line(
    record: &csv::ByteRecord,
    start: &csv::Position,
    end: &csv::Position,
    layout: TextLayout,
    size: u64,
) -> u64 {
    if layout.newline != b'\n' {
        // csv counts lines by LF only: with CR line ends, a record is a
        // line (exact unless the file has blank lines or multi-line cells).
        return start.record() + 1;
    }
    let at_end = layout.skip + end.byte() >= size;
    let terminated = u64::from(!at_end || layout.ends_with_newline);
    let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    end.line().saturating_sub(terminated + inside).max(1)
}

/// Fills `cells` with one string per item, reusing their buffers.
fn fill<I, T, E>(
    cells: &mut Vec<String>,
    items: I,
    mut write: impl FnMut(&mut String, T) -> Result<(), E>,
) -> Result<(), E>
where
    I: Iterator<Item = T>,
{
    let mut n = 0;
    for item in items {
        if n == cells.len() {
            cells.push(String::new());
        }
        let cell = &mut cells[n];
        cell.clear();
        write(cell, item)?;
        n += 1;
    }
    cells.truncate(n);
    Ok(())
}

fn decode_field(out: &mut String, field: &[u8], encoding: TextEncoding) -> Result<(), ()> {
    match encoding {
        // The scan found the whole file UTF-8; if a field is not, the file
        // changed since.
        TextEncoding::Utf8 => out.push_str(std::str::from_utf8(field).map_err(|_| ())?),
        TextEncoding::Windows1252 => out.push_str(
            &encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(field)
                .0,
        ),
    }
    Ok(())
}

fn csv_error(path: &Path, line: u64, error: csv::Error) -> ImportError {
    let line = error.position().map_or(line, csv::Position::line);
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) if source.get_ref().is_some_and(|e| e.is::<RowTooLong>()) => {
            ImportError::TooBig {
                path: path.to_owned(),
                limit: Limit::Row { line },
            }
        }
        csv::ErrorKind::Io(source) => ImportError::Io {
            path: path.to_owned(),
            source,
        },
        // Reading bytes, with rows of any length, the csv crate fails only
        // on I/O; anything else is reported as it says it.
        _ => ImportError::Malformed {
            path: path.to_owned(),
            line,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_across_chunk_boundaries() {
        // "é" is C3 A9: cut between two chunks it is still valid.
        let mut carry = Vec::new();
        assert_eq!(first_invalid_utf8(&mut carry, b"abc\xC3"), None);
        assert_eq!(carry, b"\xC3");
        assert_eq!(first_invalid_utf8(&mut carry, b"\xA9def"), None);
        assert!(carry.is_empty());
        // A four-byte sequence cut after one byte, then one byte at a time.
        let mut carry = Vec::new();
        assert_eq!(first_invalid_utf8(&mut carry, b"x\xF0"), None);
        assert_eq!(first_invalid_utf8(&mut carry, b"\x9F"), None);
        assert_eq!(first_invalid_utf8(&mut carry, b"\x98"), None);
        assert_eq!(first_invalid_utf8(&mut carry, b"\x80ok"), None);
        assert!(carry.is_empty());
        // Windows-1252 "é" (E9) followed by ASCII is not UTF-8.
        let mut carry = Vec::new();
        assert_eq!(first_invalid_utf8(&mut carry, b"Ren\xE9e,1"), Some(3));
        let mut carry = Vec::new();
        assert_eq!(first_invalid_utf8(&mut carry, b"ab\xE9"), None);
        assert_eq!(first_invalid_utf8(&mut carry, b"e,1"), Some(0));
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_lines_alike() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), Delimiter::Comma);
        assert_eq!(
            sniff_delimiter(b"a;b;c\n1;\"2,5\";3\n"),
            Delimiter::Semicolon
        );
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2,5\n"), Delimiter::Tab);
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), Delimiter::Pipe);
        // A semicolon file with commas inside values.
        assert_eq!(
            sniff_delimiter(b"name;phone;note\nAnn;212;a, b\nBob;213;c, d\n"),
            Delimiter::Semicolon
        );
        assert_eq!(sniff_delimiter(b"phone\n212\n"), Delimiter::Comma);
        assert_eq!(sniff_delimiter(b""), Delimiter::Comma);
    }

    #[test]
    fn spreadsheet_cells_render_as_an_operator_reads_them() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        assert_eq!(render_cell(&Data::Float(12125551234.0)), "12125551234");
        assert_eq!(render_cell(&Data::Float(49.5)), "49.5");
        assert_eq!(render_cell(&Data::Int(7)), "7");
        assert_eq!(render_cell(&Data::Bool(true)), "true");
        assert_eq!(render_cell(&Data::Empty), "");
        let date = ExcelDateTime::new(45838.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(render_cell(&Data::DateTime(date)), "2025-06-30");
        let time = ExcelDateTime::new(45838.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(render_cell(&Data::DateTime(time)), "2025-06-30T12:00:00");
        let span = ExcelDateTime::new(1.0 / 24.0 * 1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(render_cell(&Data::DateTime(span)), "PT1H30M0S");
    }
}
