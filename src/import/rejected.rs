//! The invalid rows written next to the file, as `NAME.rejected.csv`: the
//! same columns plus `reason`, so the operator can fix them in a
//! spreadsheet and import that file. Duplicates are not in it: their number
//! is sent once already, and importing them again would call it twice.
//!
//! Three promises:
//! - **Nothing is overwritten without asking.** A file already at the
//!   path that holds exactly these rows is left as it is; any other file
//!   (the operator's fixes, a file of their own) is replaced only when the
//!   caller says the operator agreed ([`Overwrite::Yes`]), else
//!   [`ImportError::RejectedExists`]. Anything but a regular file there is
//!   never replaced.
//! - **No cell runs as a formula.** A cell that starts with `=`, `+`, `-`,
//!   `@`, a tab or a carriage return is one a spreadsheet may run as a
//!   formula (the OWASP "CSV injection" rule): it is written with a `'`
//!   before it, and [`Written::guarded`] counts them so the operator is
//!   told.
//! - **It imports back as it was.** A file recognised as one of these
//!   ([`super::ColumnMapping::for_file`]) is read without its `reason`
//!   column and with those `'` taken off ([`unguarded`]).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::ImportError;
use super::check::CheckReport;
use super::source::ContactsFile;
use crate::store::atomic_write;

/// `dir/contacts.csv` → `dir/contacts.rejected.csv` (also for a
/// spreadsheet: `contacts.xlsx` → `contacts.rejected.csv`).
pub fn rejected_path(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map_or_else(|| "contacts".into(), |s| s.to_string_lossy());
    source.with_file_name(format!("{stem}.rejected.csv"))
}

/// Whether an existing file other than this one may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Only a file holding exactly these rows is there: left as it is.
    No,
    /// The operator agreed to replace whatever regular file is there.
    Yes,
}

/// Where the rejected rows are, and what was done to write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// Rows written.
    pub rows: usize,
    /// Cells written with a `'` before them: a spreadsheet would have run
    /// them as formulas.
    pub guarded: usize,
    /// The file there held exactly these rows already: not written again.
    pub unchanged: bool,
}

impl Written {
    /// "Invalid rows written to PATH" and, when some were, how many cells
    /// were guarded, for the operator.
    pub fn guard_note(&self) -> Option<String> {
        (self.guarded > 0).then(|| {
            format!(
                "{} cell{} that a spreadsheet would run as a formula (starting with =, +, -, @, \
                 a tab or a line break) {} written with a ' before {}; weya-tui takes it off \
                 when the file is imported",
                crate::num::thousands(self.guarded as u64),
                if self.guarded == 1 { "" } else { "s" },
                if self.guarded == 1 { "is" } else { "are" },
                if self.guarded == 1 { "it" } else { "them" },
            )
        })
    }
}

impl Written {
    /// [`guard_note`](Self::guard_note) in a few words, for a screen's
    /// message line.
    pub fn short_guard_note(&self) -> Option<String> {
        (self.guarded > 0).then(|| {
            format!(
                "{} cell{} a spreadsheet would run as a formula now begin{} with '",
                crate::num::thousands(self.guarded as u64),
                if self.guarded == 1 { "" } else { "s" },
                if self.guarded == 1 { "s" } else { "" },
            )
        })
    }
}

/// Writes the report's invalid rows beside `file` (atomically: a reader
/// sees the old file or the new one) and says where; `None`, writing
/// nothing, when no row was invalid.
///
/// Delimited text keeps its delimiter (a semicolon file stays one, as
/// Excel in that locale expects); a sheet's rows are written with commas.
/// The file starts with a UTF-8 BOM so that Excel reads accented names
/// right; weya-tui reads it either way. Rows with cells past the header
/// keep them, after the `reason` column.
pub fn write_rejected(
    file: &ContactsFile,
    report: &CheckReport,
    overwrite: Overwrite,
) -> Result<Option<Written>, ImportError> {
    write_rejected_to(file, report, rejected_path(file.path()), overwrite)
}

/// [`write_rejected`] to a path the operator chose.
pub fn write_rejected_to(
    file: &ContactsFile,
    report: &CheckReport,
    path: PathBuf,
    overwrite: Overwrite,
) -> Result<Option<Written>, ImportError> {
    if report.rejected.is_empty() {
        return Ok(None);
    }
    let io_error = |source| ImportError::Io {
        path: path.clone(),
        source,
    };
    let (bytes, guarded) = rejected_bytes(file, report).map_err(io_error)?;
    let written = Written {
        path: path.clone(),
        rows: report.rejected.len(),
        guarded,
        unchanged: false,
    };
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
        Ok(meta) if !meta.is_file() => {
            return Err(ImportError::RejectedExists {
                path,
                regular: false,
            });
        }
        Ok(_) => {
            if holds(&path, &bytes).map_err(io_error)? {
                return Ok(Some(Written {
                    unchanged: true,
                    ..written
                }));
            }
            if overwrite == Overwrite::No {
                return Err(ImportError::RejectedExists {
                    path,
                    regular: true,
                });
            }
        }
    }
    atomic_write(&path, &bytes).map_err(io_error)?;
    Ok(Some(written))
}

/// The file's bytes, and how many cells were guarded.
fn rejected_bytes(file: &ContactsFile, report: &CheckReport) -> std::io::Result<(Vec<u8>, usize)> {
    let csv_error = std::io::Error::other;
    let delimiter = file.delimiter().map_or(b',', |d| d.byte());
    let width = file.header().len();
    let reason_column = if file.header().iter().any(|h| h.trim() == "reason") {
        "rejected_reason"
    } else {
        "reason"
    };
    let mut guarded = 0usize;
    let mut guard = |cell: &str| -> String {
        if needs_guard(cell) {
            guarded += 1;
            format!("'{cell}")
        } else {
            cell.to_owned()
        }
    };
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(&mut bytes);
        let mut header: Vec<String> = file.header().iter().map(|h| guard(h)).collect();
        header.push(reason_column.to_owned());
        writer.write_record(&header).map_err(csv_error)?;
        for row in &report.rejected {
            let mut record: Vec<String> = (0..width)
                .map(|i| guard(row.cells.get(i).map_or("", String::as_str)))
                .collect();
            record.push(guard(&row.reason.to_string()));
            record.extend(row.cells.iter().skip(width).map(|c| guard(c)));
            writer.write_record(&record).map_err(csv_error)?;
        }
        writer.flush()?;
    }
    Ok((bytes, guarded))
}

/// Whether the file at `path` holds exactly `bytes` (read no further than
/// one byte past them: a large file of the operator's is not read whole).
fn holds(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let limit = u64::try_from(bytes.len())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut there = Vec::with_capacity(bytes.len() + 1);
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut there)?;
    Ok(there == bytes)
}

/// The characters that make a spreadsheet read a cell as a formula when
/// they start it (OWASP, "CSV Injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_guard(cell: &str) -> bool {
    cell.starts_with(FORMULA_STARTS)
}

/// A cell of a rejected-rows file as it was before it was written: the
/// `'` that guards a would-be formula taken off (any other cell as it is).
pub fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rejected_file_sits_beside_the_source() {
        assert_eq!(
            rejected_path(Path::new("/data/june contacts.csv")),
            Path::new("/data/june contacts.rejected.csv")
        );
        assert_eq!(
            rejected_path(Path::new("/data/list.XLSX")),
            Path::new("/data/list.rejected.csv")
        );
    }

    #[test]
    fn would_be_formulas_are_guarded_and_unguarded_back() {
        for cell in [
            "=cmd|' /C calc'!A0",
            "+1 212",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(needs_guard(cell), "{cell:?}");
            assert_eq!(unguarded(&format!("'{cell}")), cell);
        }
        for cell in ["Ann", "'quoted", "12125550143", " =x", ""] {
            assert!(!needs_guard(cell), "{cell:?}");
            assert_eq!(unguarded(cell), cell);
        }
    }
}
