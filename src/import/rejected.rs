//! The invalid rows written next to the file, as `NAME.rejected.csv`: the
//! same columns plus `reason`, so the operator can fix them in a
//! spreadsheet and import that file. Duplicates are not in it: their number
//! is sent once already, and importing them again would call it twice.

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

/// Writes the report's invalid rows beside `file` (atomically: a reader
/// sees the old file or the new one) and returns where; `None`, writing
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
) -> Result<Option<PathBuf>, ImportError> {
    write_rejected_to(file, report, rejected_path(file.path()))
}

/// [`write_rejected`] to a path the operator chose.
pub fn write_rejected_to(
    file: &ContactsFile,
    report: &CheckReport,
    path: PathBuf,
) -> Result<Option<PathBuf>, ImportError> {
    if report.rejected.is_empty() {
        return Ok(None);
    }
    let io_error = |source| ImportError::Io {
        path: path.clone(),
        source,
    };
    let csv_error = |e: csv::Error| io_error(std::io::Error::other(e));
    let delimiter = file.delimiter().map_or(b',', |d| d.byte());
    let width = file.header().len();
    let reason_column = if file.header().iter().any(|h| h.trim() == "reason") {
        "rejected_reason"
    } else {
        "reason"
    };
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(&mut bytes);
        let header = file
            .header()
            .iter()
            .map(String::as_str)
            .chain([reason_column]);
        writer.write_record(header).map_err(csv_error)?;
        for row in &report.rejected {
            let reason = row.reason.to_string();
            let cells = (0..width).map(|i| row.cells.get(i).map_or("", String::as_str));
            let extra = row.cells.iter().skip(width).map(String::as_str);
            writer
                .write_record(cells.chain([reason.as_str()]).chain(extra))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(io_error)?;
    }
    atomic_write(&path, &bytes).map_err(io_error)?;
    Ok(Some(path))
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
}
