//! How much a contacts file may hold, and the words that refuse more.
//!
//! Every bound is far above what a genuine contacts file has (a cell of a
//! few hundred bytes, a few dozen columns, some hundred thousand rows) and
//! low enough that no file, however built, makes weya-tui hold more than
//! about 200 MiB: a file past one is refused at once with the bound it
//! passed, before the rest of it is read. `docs/cli.md` (Importing contacts)
//! lists them.

use std::fmt;

use crate::num::thousands;

/// The most bytes in one cell.
pub const MAX_CELL_BYTES: usize = 64 * 1024;
/// The most bytes of a line of delimited text, and of a row.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;
/// The most bytes of the header row, all its cells together.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// The most columns (Excel's own limit).
pub const MAX_COLUMNS: usize = 16_384;
/// The most rows after the header.
pub const MAX_ROWS: u64 = 1_000_000;
/// The most memory the check keeps for invalid rows (their cells, for the
/// rejected file), counted as the strings cost.
pub const MAX_REJECTED_BYTES: usize = 64 * 1024 * 1024;

/// The most bytes a worksheet's XML (or binary part) unpacks to. It is
/// read as a stream; what is kept of it is bounded below.
pub const MAX_SHEET_PART_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes any other part of a workbook unpacks to (shared strings,
/// styles, the workbook itself): calamine holds these whole.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// The most parts (files) in a workbook's zip.
pub const MAX_PARTS: u64 = 10_000;
/// The most bytes of one XML tag or text between tags: a cell of 64 KiB
/// written with entities (`&amp;` for `&`) is at most five times that.
pub const MAX_XML_TOKEN: usize = 512 * 1024;
/// The most different texts in a workbook's shared strings.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// The most cells kept of a sheet, and of an `.ods` or `.xls` workbook as
/// its reader lays them out (a rectangle from the first used cell to the
/// last, empty ones included).
pub const MAX_SHEET_CELLS: u64 = 4_000_000;
/// The most cells of an `.ods` or `.xls` workbook's sheets together as
/// calamine lays them out (each costs 56 bytes there, empty or not).
pub const MAX_GRID_CELLS: u64 = 2_000_000;
/// The most bytes of text kept of a sheet.
pub const MAX_SHEET_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// The biggest `.xls` file: the old format is read whole.
pub const MAX_XLS_BYTES: u64 = 32 * 1024 * 1024;

/// Which bound a file passed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// A line of delimited text longer than [`MAX_ROW_BYTES`].
    Line {
        line: u64,
    },
    /// A row (several lines, with line breaks in quoted cells) longer than
    /// [`MAX_ROW_BYTES`].
    Row {
        line: u64,
    },
    Cell {
        line: u64,
    },
    Columns {
        line: u64,
    },
    Header,
    Rows,
    /// The invalid rows' cells passed [`MAX_REJECTED_BYTES`].
    InvalidRows {
        rows: u64,
        first_line: u64,
    },
    /// A part of a workbook unpacks to more than `max`.
    Part {
        name: String,
        size: u64,
        max: u64,
    },
    Parts {
        count: u64,
    },
    /// A tag or a text in a workbook's XML longer than [`MAX_XML_TOKEN`].
    Token {
        name: String,
    },
    /// A record of a binary workbook longer than its part allows.
    Record {
        name: String,
    },
    SharedStrings,
    /// More cells than [`MAX_SHEET_CELLS`] (or, laid out by calamine,
    /// [`MAX_GRID_CELLS`]).
    Cells {
        max: u64,
    },
    SheetText,
    XlsSize {
        size: u64,
    },
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const AS_CSV: &str = "save the sheet as CSV UTF-8 and import that";
        match self {
            Self::Line { line } => write!(
                f,
                "line {line} is longer than {} (the most weya-tui reads of a line: is this a \
                 contacts file?)",
                bytes(MAX_ROW_BYTES as u64)
            ),
            Self::Row { line } => write!(
                f,
                "the row on line {line} is longer than {} (the most weya-tui reads of a row: a \
                 quote left open?)",
                bytes(MAX_ROW_BYTES as u64)
            ),
            Self::Cell { line } => write!(
                f,
                "line {line} has a cell longer than {} (the most weya-tui reads of a cell)",
                bytes(MAX_CELL_BYTES as u64)
            ),
            Self::Columns { line } => write!(
                f,
                "line {line} has more than {} columns (the most weya-tui reads)",
                thousands(MAX_COLUMNS as u64)
            ),
            Self::Header => write!(
                f,
                "the header row is longer than {} (the most weya-tui reads of a header)",
                bytes(MAX_HEADER_BYTES as u64)
            ),
            Self::Rows => write!(
                f,
                "more than {} rows after the header (the most weya-tui checks in one import): \
                 split the file",
                thousands(MAX_ROWS)
            ),
            Self::InvalidRows { rows, first_line } => write!(
                f,
                "{} invalid rows and more, over {} of cells (the first on line {first_line}): is \
                 the phone column right, and the region?",
                thousands(*rows),
                bytes(MAX_REJECTED_BYTES as u64)
            ),
            Self::Part { name, size, max } => write!(
                f,
                "its part “{}” unpacks to {}, more than the {} weya-tui reads of it: {AS_CSV}",
                shown_name(name),
                bytes(*size),
                bytes(*max)
            ),
            Self::Parts { count } => write!(
                f,
                "it holds {} parts, more than the {} of any workbook weya-tui reads",
                thousands(*count),
                thousands(MAX_PARTS)
            ),
            Self::Token { name } => write!(
                f,
                "its part “{}” holds a cell or tag longer than {} (the most weya-tui reads): \
                 {AS_CSV}",
                shown_name(name),
                bytes(MAX_XML_TOKEN as u64)
            ),
            Self::Record { name } => write!(
                f,
                "its part “{}” holds a record longer than the part or than {}: not a workbook \
                 weya-tui reads",
                shown_name(name),
                bytes(MAX_XML_TOKEN as u64)
            ),
            Self::SharedStrings => write!(
                f,
                "it holds more than {} different texts (the most weya-tui reads of a workbook): \
                 {AS_CSV}",
                thousands(MAX_SHARED_STRINGS)
            ),
            Self::Cells { max } => write!(
                f,
                "its sheets hold more than {} cells (the most weya-tui reads of a workbook of \
                 this kind): {AS_CSV}",
                thousands(*max)
            ),
            Self::SheetText => write!(
                f,
                "its cells hold more than {} of text (the most weya-tui keeps of a sheet): \
                 {AS_CSV}",
                bytes(MAX_SHEET_TEXT_BYTES as u64)
            ),
            Self::XlsSize { size } => write!(
                f,
                "an .xls file of {}, more than the {} weya-tui reads of the old Excel format: \
                 save it as .xlsx or CSV",
                bytes(*size),
                bytes(MAX_XLS_BYTES)
            ),
        }
    }
}

/// A part's name from the file, as a line's worth of visible text.
fn shown_name(name: &str) -> String {
    crate::text::fit(&crate::text::visible(name), 60)
}

/// `3.0 GB`, `256 MiB`, `64 KiB`, `512 bytes`: a size as an operator reads
/// it, in binary units.
pub fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * 1024;
    const GIB: u64 = MIB * 1024;
    #[allow(clippy::cast_precision_loss)] // one decimal of a size
    let tenths = |unit: u64| (n as f64 / unit as f64 * 10.0).round() / 10.0;
    match n {
        n if n >= GIB => format!("{:.1} GiB", tenths(GIB)),
        n if n >= MIB && n % MIB == 0 => format!("{} MiB", n / MIB),
        n if n >= MIB => format!("{:.1} MiB", tenths(MIB)),
        n if n >= KIB && n % KIB == 0 => format!("{} KiB", n / KIB),
        n if n >= KIB => format!("{:.1} KiB", tenths(KIB)),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(bytes(64 * 1024), "64 KiB");
        assert_eq!(bytes(256 * 1024 * 1024), "256 MiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12), "12 bytes");
    }

    #[test]
    fn a_name_from_the_file_is_cut_and_made_visible() {
        let name = format!("xl/\u{1b}[2J{}", "a".repeat(5000));
        let text = Limit::Token { name }.to_string();
        assert!(text.len() < 400, "{text}");
        assert!(text.contains("⟨U+001B⟩"), "{text}");
    }
}
