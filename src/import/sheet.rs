//! A sheet of a workbook held in memory for the import, within the bounds
//! of [`super::limits`].
//!
//! An `.xlsx` or `.xlsb` sheet is read cell by cell (calamine's cell
//! readers) and only the text of its filled cells is kept: one string for
//! all of them and two numbers per cell, so a sheet costs about its text,
//! however far apart its cells are. An `.ods` or `.xls` workbook comes as
//! calamine lays it out (a rectangle of every sheet, read whole when the
//! workbook is opened); [`super::workbook`] has bounded that rectangle
//! before.

use calamine::{Data, DataRef, Range};

use super::limits::{Limit, MAX_CELL_BYTES, MAX_COLUMNS, MAX_SHEET_CELLS, MAX_SHEET_TEXT_BYTES};
use super::source::render_cell;

/// The rows of the sheet read.
#[derive(Debug)]
pub(crate) struct Sheet {
    cells: Cells,
    /// Index of the header row.
    pub(crate) header_row: usize,
}

#[derive(Debug)]
enum Cells {
    /// As calamine lays it out (`.ods`, `.xls`).
    Grid(Range<Data>),
    /// Read cell by cell (`.xlsx`, `.xlsb`).
    Text(TextCells),
}

impl Sheet {
    pub(crate) fn from_grid(range: Range<Data>) -> Self {
        Self {
            cells: Cells::Grid(range),
            header_row: 0,
        }
    }

    pub(crate) fn from_text(cells: TextCells) -> Self {
        Self {
            cells: Cells::Text(cells),
            header_row: 0,
        }
    }

    /// The rows, from the first that has a cell to the last, empty ones
    /// between included.
    pub(crate) fn height(&self) -> usize {
        match &self.cells {
            Cells::Grid(range) => range.height(),
            Cells::Text(text) => text.height(),
        }
    }

    /// The row number a spreadsheet program shows for row `index`.
    pub(crate) fn row_number(&self, index: usize) -> u64 {
        let first = match &self.cells {
            Cells::Grid(range) => range.start().map_or(0, |(row, _)| row),
            Cells::Text(text) => text.first_row,
        };
        u64::from(first) + index as u64 + 1
    }

    /// Row `index`'s cells as text into `out` (its buffers reused), each
    /// under its column (the first column of the sheet's cells first).
    /// Rows read cell by cell end at their last filled cell, but the
    /// header, which names every column that has a cell.
    pub(crate) fn fill_row(&self, index: usize, out: &mut Vec<String>) {
        match &self.cells {
            Cells::Grid(range) => {
                if index >= range.height() {
                    out.clear();
                    return;
                }
                let row = &range[index];
                out.truncate(row.len());
                for (i, cell) in row.iter().enumerate() {
                    match out.get_mut(i) {
                        Some(text) => {
                            text.clear();
                            text.push_str(&render_cell(cell));
                        }
                        None => out.push(render_cell(cell)),
                    }
                }
            }
            Cells::Text(text) => {
                let pad = if index == self.header_row {
                    text.width()
                } else {
                    0
                };
                text.fill_row(index, pad, out);
            }
        }
    }

    /// The index of the first row with a cell that is not blank.
    pub(crate) fn first_filled_row(&self) -> Option<usize> {
        let mut cells = Vec::new();
        (0..self.height()).find(|&index| {
            self.fill_row(index, &mut cells);
            cells.iter().any(|cell| !cell.trim().is_empty())
        })
    }
}

/// The filled cells of a sheet read cell by cell: their text in one
/// string, and for each its column and where its text ends.
#[derive(Debug, Default)]
pub(crate) struct TextCells {
    first_row: u32,
    first_column: u32,
    last_row: u32,
    last_column: u32,
    /// Each row that has a cell: its row and the index of its first cell.
    rows: Vec<(u32, u32)>,
    /// Each cell: its column and the end of its text in `text`.
    cells: Vec<(u32, u32)>,
    text: String,
}

/// Why a sheet read cell by cell was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    Limit(Limit),
    /// A cell before one already read: the sheet's XML is not in the order
    /// every spreadsheet program writes.
    OutOfOrder {
        row: u64,
    },
}

impl TextCells {
    /// Adds the cell at (`row`, `column`) holding `value`: in order (rows
    /// down, columns across), within the bounds.
    pub(crate) fn push(
        &mut self,
        row: u32,
        column: u32,
        value: &DataRef<'_>,
    ) -> Result<(), Refusal> {
        if matches!(value, DataRef::Empty) {
            return Ok(());
        }
        let line = u64::from(row) + 1;
        if let (Some(&(last_row, _)), Some(&(last_column, _))) =
            (self.rows.last(), self.cells.last())
            && (row < last_row || (row == last_row && column <= last_column))
        {
            return Err(Refusal::OutOfOrder { row: line });
        }
        if usize::try_from(column).map_or(true, |c| c >= MAX_COLUMNS) {
            return Err(Refusal::Limit(Limit::Columns { line }));
        }
        if self.cells.len() as u64 >= MAX_SHEET_CELLS {
            return Err(Refusal::Limit(Limit::Cells {
                max: MAX_SHEET_CELLS,
            }));
        }
        let start = self.text.len();
        match value {
            DataRef::SharedString(s) => self.text.push_str(s),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                self.text.push_str(s);
            }
            other => self.text.push_str(&render_cell(&Data::from(other.clone()))),
        }
        if self.text.len() - start > MAX_CELL_BYTES {
            return Err(Refusal::Limit(Limit::Cell { line }));
        }
        if self.text.len() > MAX_SHEET_TEXT_BYTES {
            return Err(Refusal::Limit(Limit::SheetText));
        }
        let end = u32::try_from(self.text.len()).map_err(|_| Refusal::Limit(Limit::SheetText))?;
        if self.rows.last().is_none_or(|&(r, _)| r != row) {
            let first = u32::try_from(self.cells.len()).map_err(|_| {
                Refusal::Limit(Limit::Cells {
                    max: MAX_SHEET_CELLS,
                })
            })?;
            if self.rows.is_empty() {
                self.first_row = row;
                self.first_column = column;
            }
            self.rows.push((row, first));
        }
        self.first_column = self.first_column.min(column);
        self.last_column = self.last_column.max(column);
        self.last_row = row;
        self.cells.push((column, end));
        Ok(())
    }

    fn height(&self) -> usize {
        if self.rows.is_empty() {
            return 0;
        }
        usize::try_from(self.last_row - self.first_row).map_or(usize::MAX, |h| h + 1)
    }

    /// Columns from the first that has a cell to the last.
    fn width(&self) -> usize {
        if self.rows.is_empty() {
            return 0;
        }
        usize::try_from(self.last_column - self.first_column).map_or(0, |w| w + 1)
    }

    fn fill_row(&self, index: usize, pad: usize, out: &mut Vec<String>) {
        let mut n = 0;
        let put = |out: &mut Vec<String>, n: &mut usize, text: &str| {
            if *n == out.len() {
                out.push(String::new());
            }
            out[*n].clear();
            out[*n].push_str(text);
            *n += 1;
        };
        let row = u32::try_from(index)
            .ok()
            .and_then(|i| self.first_row.checked_add(i));
        let found = row.and_then(|row| self.rows.binary_search_by_key(&row, |&(r, _)| r).ok());
        if let Some(at) = found {
            let first = usize::try_from(self.rows[at].1).unwrap_or(usize::MAX);
            let last = self
                .rows
                .get(at + 1)
                .map_or(self.cells.len(), |&(_, next)| {
                    usize::try_from(next).unwrap_or(usize::MAX)
                });
            for cell in first..last.min(self.cells.len()) {
                let (column, end) = self.cells[cell];
                let start = if cell == 0 { 0 } else { self.cells[cell - 1].1 };
                let column = usize::try_from(column - self.first_column).unwrap_or(0);
                while n < column {
                    put(out, &mut n, "");
                }
                let text = self
                    .text
                    .get(start as usize..end as usize)
                    .unwrap_or_default();
                put(out, &mut n, text);
            }
        }
        while n < pad {
            put(out, &mut n, "");
        }
        out.truncate(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sheet: &Sheet, index: usize) -> Vec<String> {
        let mut out = Vec::new();
        sheet.fill_row(index, &mut out);
        out
    }

    #[test]
    fn cells_read_one_by_one_come_back_under_their_columns() {
        let mut cells = TextCells::default();
        cells.push(2, 1, &DataRef::SharedString("Name")).unwrap();
        cells.push(2, 3, &DataRef::String("Phone".into())).unwrap();
        cells.push(3, 1, &DataRef::String("Ann".into())).unwrap();
        cells.push(3, 3, &DataRef::Float(12125550143.0)).unwrap();
        cells.push(5, 2, &DataRef::Int(7)).unwrap();
        cells.push(5, 4, &DataRef::Empty).unwrap();
        let mut sheet = Sheet::from_text(cells);
        sheet.header_row = 0;
        assert_eq!(sheet.height(), 4);
        assert_eq!(sheet.row_number(0), 3);
        assert_eq!(row(&sheet, 0), ["Name", "", "Phone"]);
        assert_eq!(row(&sheet, 1), ["Ann", "", "12125550143"]);
        assert!(row(&sheet, 2).is_empty(), "an empty row between");
        assert_eq!(row(&sheet, 3), ["", "7"]);
        assert_eq!(sheet.first_filled_row(), Some(0));
    }

    #[test]
    fn cells_out_of_order_or_past_a_bound_are_refused() {
        let mut cells = TextCells::default();
        cells.push(4, 0, &DataRef::Int(1)).unwrap();
        assert!(matches!(
            cells.push(3, 0, &DataRef::Int(1)),
            Err(Refusal::OutOfOrder { row: 4 })
        ));
        assert!(matches!(
            cells.push(4, 0, &DataRef::Int(1)),
            Err(Refusal::OutOfOrder { .. })
        ));
        let long = "x".repeat(MAX_CELL_BYTES + 1);
        assert!(matches!(
            cells.push(5, 0, &DataRef::SharedString(&long)),
            Err(Refusal::Limit(Limit::Cell { line: 6 }))
        ));
        assert!(matches!(
            cells.push(6, 20_000, &DataRef::Int(1)),
            Err(Refusal::Limit(Limit::Columns { line: 7 }))
        ));
    }
}
