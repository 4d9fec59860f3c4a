//! Workbooks looked over before calamine reads them, so that none costs
//! more than [`super::limits`] allows.
//!
//! calamine holds what it reads: the shared strings, the styles, for
//! `.ods` and `.xls` every sheet laid out as a rectangle, and an XML text
//! or a binary record whole however long it is. A zip says how big each
//! part unpacks to before anything is unpacked (and the zip crate stops a
//! part that unpacks to more than it said), so a part too big is refused
//! from the zip's directory at once; the parts calamine reads are then
//! streamed once through a small scanner that refuses a tag, a text or a
//! record longer than a bound, counts the shared strings, and, for
//! `.ods`, works out the rectangle calamine will lay out. An `.xls` is a
//! compound file: its workbook stream is read (the file is small) and its
//! records give each sheet's rectangle the same way.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::limits::{
    Limit, MAX_GRID_CELLS, MAX_PART_BYTES, MAX_PARTS, MAX_SHARED_STRINGS, MAX_SHEET_PART_BYTES,
    MAX_XLS_BYTES, MAX_XML_TOKEN,
};

/// The zip-based workbook formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZipKind {
    Xlsx,
    Xlsb,
    Ods,
}

/// Why a workbook is refused before calamine reads it.
#[derive(Debug)]
pub(crate) enum Refused {
    Io(io::Error),
    Limit(Limit),
    /// Not what it says it is; the words are the reader's.
    Malformed(String),
}

impl From<io::Error> for Refused {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<Limit> for Refused {
    fn from(limit: Limit) -> Self {
        Self::Limit(limit)
    }
}

/// The most bytes of a zip's central directory (a genuine workbook's is
/// a few KiB; 10,000 parts with long names fit).
const MAX_DIRECTORY_BYTES: u64 = 4 * 1024 * 1024;
/// The end-of-central-directory record is within this many bytes of the
/// end (22 bytes and a comment of at most 65,535).
const EOCD_SEARCH: u64 = 22 + 65_535;
/// The most bytes of an `.xls` workbook's shared strings (each costs a
/// string in memory, and one can be three bytes).
const MAX_XLS_SST_BYTES: usize = 8 * 1024 * 1024;

/// Looks over the zip workbook at `path`: the number of parts, what each
/// unpacks to, and every part calamine may read, streamed once. A file
/// that is no zip at all passes, for calamine to say what it is.
pub(crate) fn check_zip(path: &Path, kind: ZipKind) -> Result<(), Refused> {
    let mut file = File::open(path)?;
    let Some((parts, directory)) = directory_size(&mut file)? else {
        return Ok(());
    };
    if parts > MAX_PARTS || directory > MAX_DIRECTORY_BYTES {
        return Err(Limit::Parts { count: parts }.into());
    }
    file.seek(SeekFrom::Start(0))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|e| Refused::Malformed(format!("not a zip: {e}")))?;
    let mut to_scan = Vec::new();
    for index in 0..zip.len() {
        let entry = zip
            .by_index_raw(index)
            .map_err(|e| Refused::Malformed(e.to_string()))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(part) = Part::of(&name, kind) else {
            continue;
        };
        let max = if part.sheet {
            MAX_SHEET_PART_BYTES
        } else {
            MAX_PART_BYTES
        };
        if entry.size() > max {
            return Err(Limit::Part {
                name,
                size: entry.size(),
                max,
            }
            .into());
        }
        to_scan.push((index, name, part, entry.size()));
    }
    let mut shared_strings = 0u64;
    for (index, name, part, size) in to_scan {
        let entry = zip
            .by_index(index)
            .map_err(|e| Refused::Malformed(e.to_string()))?;
        if part.binary {
            scan_records(entry, &name, size)?;
        } else if kind == ZipKind::Ods && part.sheet {
            let mut grid = OdsGrid::default();
            scan_xml(entry, &name, &mut |tag| grid.tag(tag))?;
        } else {
            scan_xml(entry, &name, &mut |tag| {
                if tag_name(tag) == b"si" || tag_name(tag).ends_with(b":si") {
                    shared_strings += 1;
                    if shared_strings > MAX_SHARED_STRINGS {
                        return Err(Limit::SharedStrings);
                    }
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// What a zip part is to calamine.
#[derive(Debug, Clone, Copy)]
struct Part {
    /// A worksheet (or `.ods` content): streamed, so a bigger bound.
    sheet: bool,
    /// An `.xlsb` record part rather than XML.
    binary: bool,
}

impl Part {
    /// The parts calamine may read of a workbook of `kind`; `None` for the
    /// rest (pictures, printer settings…), which it never opens.
    fn of(name: &str, kind: ZipKind) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        match kind {
            ZipKind::Xlsx => xml.then(|| Self {
                sheet: lower.contains("worksheets/"),
                binary: false,
            }),
            ZipKind::Xlsb if lower.ends_with(".bin") && !lower.contains("vbaproject") => {
                Some(Self {
                    sheet: lower.contains("worksheets/"),
                    binary: true,
                })
            }
            ZipKind::Xlsb => xml.then_some(Self {
                sheet: false,
                binary: false,
            }),
            ZipKind::Ods => xml.then(|| Self {
                sheet: lower == "content.xml",
                binary: false,
            }),
        }
    }
}

/// The number of parts and the size of the central directory, from the
/// end-of-central-directory record; `None` when there is none (not a
/// zip). A zip64 directory (more than 65,535 parts or 4 GiB) is reported
/// as too many parts: no workbook needs one.
fn directory_size(file: &mut File) -> io::Result<Option<(u64, u64)>> {
    let len = file.metadata()?.len();
    let tail = len.min(EOCD_SEARCH);
    file.seek(SeekFrom::Start(len - tail))?;
    let mut buf = Vec::with_capacity(crate::num::usize_sat(tail));
    file.take(tail).read_to_end(&mut buf)?;
    let Some(at) = buf
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .filter(|&at| at + 22 <= buf.len())
    else {
        return Ok(None);
    };
    let record = &buf[at..];
    let parts = u16::from_le_bytes([record[10], record[11]]);
    let directory = u32::from_le_bytes([record[12], record[13], record[14], record[15]]);
    if parts == u16::MAX || directory == u32::MAX {
        return Ok(Some((u64::MAX, u64::MAX)));
    }
    Ok(Some((u64::from(parts), u64::from(directory))))
}

/// The element name of a tag as [`scan_xml`] gives it (`c r="A1"` → `c`,
/// `/row` → `/row`).
fn tag_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/' && tag.first() != Some(&b'/'))
        .unwrap_or(tag.len());
    &tag[..end]
}

/// Where [`scan_xml`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Text,
    /// Inside `<…>`: an element tag, a comment, a CDATA section, a
    /// processing instruction or a declaration, told apart by how it
    /// starts.
    Markup,
}

/// Streams the XML of part `name`, refusing a text or a piece of markup
/// longer than [`MAX_XML_TOKEN`]; gives `visit` each element tag without
/// its angle brackets (`c r="A1" t="s"`, `/row`, `v/`).
fn scan_xml(
    mut part: impl Read,
    name: &str,
    visit: &mut dyn FnMut(&[u8]) -> Result<(), Limit>,
) -> Result<(), Refused> {
    let too_long = || Limit::Token {
        name: name.to_owned(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = At::Text;
    let mut text = 0usize;
    let mut markup: Vec<u8> = Vec::new();
    let mut quote: Option<u8> = None;
    loop {
        let n = match part.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Refused::Malformed(format!("{}: {e}", shown(name)))),
        };
        for &b in &buf[..n] {
            match at {
                At::Text if b == b'<' => {
                    at = At::Markup;
                    markup.clear();
                    quote = None;
                    text = 0;
                }
                At::Text => {
                    text += 1;
                    if text > MAX_XML_TOKEN {
                        return Err(too_long().into());
                    }
                }
                At::Markup => {
                    if markup.len() >= MAX_XML_TOKEN {
                        return Err(too_long().into());
                    }
                    markup.push(b);
                    if markup_ends(&markup, &mut quote) {
                        at = At::Text;
                        let inner = &markup[..markup.len() - 1];
                        if !matches!(inner.first(), Some(b'!' | b'?')) {
                            visit(inner)?;
                        }
                    }
                }
            }
        }
    }
}

/// Whether `markup` (after its `<`, its last byte just added) is whole.
fn markup_ends(markup: &[u8], quote: &mut Option<u8>) -> bool {
    let Some(&last) = markup.last() else {
        return false;
    };
    if markup.starts_with(b"!--") {
        return markup.len() >= 5 && markup.ends_with(b"-->");
    }
    if markup.starts_with(b"![CDATA[") {
        return markup.len() >= 10 && markup.ends_with(b"]]>");
    }
    if markup.len() < 8 && markup.first() == Some(&b'!') && b"![CDATA[".starts_with(markup) {
        // Not told apart yet from a CDATA section.
        return false;
    }
    if markup.starts_with(b"?") {
        return markup.len() >= 2 && markup.ends_with(b"?>");
    }
    match *quote {
        Some(q) if last == q => *quote = None,
        Some(_) => {}
        None if last == b'"' || last == b'\'' => *quote = Some(last),
        None => return last == b'>',
    }
    false
}

/// The numeric value of attribute `name` in `tag` (`name="12"`), if any.
fn attribute(tag: &[u8], name: &[u8]) -> Option<u64> {
    let at = tag
        .windows(name.len() + 2)
        .position(|w| w.starts_with(name) && &w[name.len()..] == b"=\"")?;
    let value = &tag[at + name.len() + 2..];
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    let text = std::str::from_utf8(&value[..digits]).ok()?;
    Some(text.parse().unwrap_or(u64::MAX))
}

/// The cells calamine lays out for an `.ods` workbook, worked out from its
/// `content.xml` tags: for each table, a rectangle from the first row and
/// column to the last non-empty cell, repeated rows and columns expanded
/// (calamine expands them, up to 1,048,576 rows and 16,384 columns).
#[derive(Debug, Default)]
struct OdsGrid {
    total: u64,
    /// Rows so far in the table, repeats counted.
    rows: u64,
    /// Rows up to the last that has a non-empty cell.
    used_rows: u64,
    /// The widest row, up to its last non-empty cell.
    width: u64,
    /// In the row: its repeat, columns so far, up to the last non-empty.
    repeat: u64,
    column: u64,
    used_columns: u64,
}

impl OdsGrid {
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLUMNS: u64 = 16_384;

    fn tag(&mut self, tag: &[u8]) -> Result<(), Limit> {
        let self_closing = tag.last() == Some(&b'/');
        match tag_name(tag) {
            b"table:table" => {
                self.rows = 0;
                self.used_rows = 0;
                self.width = 0;
            }
            b"/table:table" => {
                self.total = self
                    .total
                    .saturating_add(self.used_rows.saturating_mul(self.width));
                if self.total > MAX_GRID_CELLS {
                    return Err(Limit::Cells {
                        max: MAX_GRID_CELLS,
                    });
                }
            }
            b"table:table-row" => {
                let repeat = attribute(tag, b"table:number-rows-repeated").unwrap_or(1);
                self.repeat = repeat.min(Self::MAX_ROWS.saturating_sub(self.rows));
                self.column = 0;
                self.used_columns = 0;
                if self_closing {
                    self.end_row();
                }
            }
            b"/table:table-row" => self.end_row(),
            b"table:table-cell" | b"table:covered-table-cell" => {
                let repeat = attribute(tag, b"table:number-columns-repeated").unwrap_or(1);
                self.column = self.column.saturating_add(repeat).min(Self::MAX_COLUMNS);
                let filled = !self_closing
                    || attribute_present(tag, b"office:value-type")
                    || attribute_present(tag, b"table:formula");
                if filled {
                    self.used_columns = self.column;
                }
            }
            _ => {}
        }
        // Checked as it grows too, so a table never closed is caught.
        let open = self.used_rows.saturating_mul(self.width);
        if self.total.saturating_add(open) > MAX_GRID_CELLS {
            return Err(Limit::Cells {
                max: MAX_GRID_CELLS,
            });
        }
        Ok(())
    }

    fn end_row(&mut self) {
        self.rows = self.rows.saturating_add(self.repeat);
        if self.used_columns > 0 {
            self.used_rows = self.rows;
            self.width = self.width.max(self.used_columns);
        }
        self.repeat = 0;
    }
}

fn attribute_present(tag: &[u8], name: &[u8]) -> bool {
    tag.windows(name.len() + 1)
        .any(|w| w.starts_with(name) && w[name.len()] == b'=')
}

/// Streams the records of `.xlsb` part `name` (`size` bytes unpacked):
/// each record's length must fit the part and [`MAX_XML_TOKEN`], since
/// calamine makes room for a record before reading it.
fn scan_records(mut part: impl Read, name: &str, size: u64) -> Result<(), Refused> {
    let bad = || Limit::Record {
        name: name.to_owned(),
    };
    let mut reader = io::BufReader::with_capacity(64 * 1024, &mut part);
    let mut done = 0u64;
    let mut byte = [0u8; 1];
    loop {
        // The type: one or two bytes, each with a continuation bit.
        match reader.read(&mut byte)? {
            0 => return Ok(()),
            _ => done += 1,
        }
        if byte[0] & 0x80 != 0 {
            reader.read_exact(&mut byte)?;
            done += 1;
        }
        // The length: one to four bytes, seven bits each.
        let mut len = 0u64;
        for i in 0..4 {
            reader.read_exact(&mut byte)?;
            done += 1;
            len |= u64::from(byte[0] & 0x7F) << (7 * i);
            if byte[0] & 0x80 == 0 {
                break;
            }
        }
        if len > MAX_XML_TOKEN as u64 || done + len > size {
            return Err(bad().into());
        }
        io::copy(&mut (&mut reader).take(len), &mut io::sink())?;
        done += len;
    }
}

fn shown(name: &str) -> String {
    crate::text::fit(&crate::text::visible(name), 60)
}

/// Looks over the `.xls` workbook at `path`: its size, and, in its
/// workbook stream, the rectangle of each sheet's cells (and the one its
/// DIMENSIONS record declares, which calamine makes room for) and the
/// size of its shared strings. A file that is not a compound file passes,
/// for calamine to say what it is.
pub(crate) fn check_xls(path: &Path) -> Result<(), Refused> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_XLS_BYTES {
        return Err(Limit::XlsSize { size }.into());
    }
    let bytes = std::fs::read(path)?;
    let Some(stream) = cfb::workbook_stream(&bytes) else {
        return Ok(());
    };
    scan_biff(&stream)
}

/// The BIFF records of an `.xls` workbook stream, each sheet's cells.
fn scan_biff(stream: &[u8]) -> Result<(), Refused> {
    let record_error = || Limit::Record {
        name: "Workbook".to_owned(),
    };
    let too_many = || Limit::Cells {
        max: MAX_GRID_CELLS,
    };
    let u16_at = |data: &[u8], at: usize| {
        data.get(at..at + 2)
            .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |data: &[u8], at: usize| {
        data.get(at..at + 4).map_or(0, |b| {
            u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        })
    };
    let mut total = 0u64;
    let mut sheet: Option<(u64, u64, u64, u64)> = None;
    let mut sst_bytes = 0usize;
    let mut in_sst = false;
    let mut at = 0usize;
    let close = |sheet: &mut Option<(u64, u64, u64, u64)>, total: &mut u64| {
        if let Some((r0, r1, c0, c1)) = sheet.take() {
            *total = total.saturating_add((r1 - r0 + 1).saturating_mul(c1.max(c0) - c0 + 1));
        }
    };
    while at + 4 <= stream.len() {
        let typ = u16_at(stream, at);
        let len = crate::num::usize_sat(u16_at(stream, at + 2));
        let data = stream.get(at + 4..at + 4 + len).ok_or_else(record_error)?;
        at += 4 + len;
        in_sst = match typ {
            0x00FC => true,
            0x003C => in_sst,
            _ => false,
        };
        if in_sst {
            sst_bytes += len;
            if sst_bytes > MAX_XLS_SST_BYTES {
                return Err(Limit::SharedStrings.into());
            }
        }
        match typ {
            // BOF starts a sheet (or the globals); EOF ends it.
            0x0809 | 0x000A => close(&mut sheet, &mut total),
            // DIMENSIONS: calamine makes room for rows × columns of it.
            0x0200 => {
                let (first_row, last_row, first_col, last_col) = match len {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => return Err(record_error().into()),
                };
                let first_col = if first_col > 0xFF || last_col < first_col {
                    0
                } else {
                    first_col
                };
                let (end_row, end_col) = if last_row >= 1 && last_col >= 1 {
                    (last_row - 1, last_col - 1)
                } else {
                    (first_row, first_col)
                };
                if end_row < first_row || end_col < first_col {
                    return Err(record_error().into());
                }
                let declared = (end_row - first_row + 1).saturating_mul(end_col - first_col + 1);
                if declared > MAX_GRID_CELLS {
                    return Err(too_many().into());
                }
            }
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                let col = u16_at(data, 2);
                widen(&mut sheet, u16_at(data, 0), col, col);
            }
            // MULRK: a row, its first column, …, its last column.
            0x00BD if len >= 6 => {
                widen(
                    &mut sheet,
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, len - 2),
                );
            }
            _ => {}
        }
        let open = sheet.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1).saturating_mul(c1.max(c0) - c0 + 1)
        });
        if total.saturating_add(open) > MAX_GRID_CELLS {
            return Err(too_many().into());
        }
    }
    Ok(())
}

/// A sheet's rectangle (first and last row, first and last column) with
/// the cells of `row` from column `first` to `last` in it.
fn widen(sheet: &mut Option<(u64, u64, u64, u64)>, row: u64, first: u64, last: u64) {
    let (r0, r1, c0, c1) = sheet.get_or_insert((row, row, first, last));
    *r0 = (*r0).min(row);
    *r1 = (*r1).max(row);
    *c0 = (*c0).min(first);
    *c1 = (*c1).max(last);
}

/// Just enough of the compound file format (MS-CFB) to read one stream,
/// every chain bounded by the file's own number of sectors.
mod cfb {
    const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    /// Sector numbers from here on mark the end of a chain or a free one.
    const MAX_SECTOR: u32 = 0xFFFF_FFFA;

    fn u16_at(b: &[u8], at: usize) -> Option<usize> {
        Some(usize::from(u16::from_le_bytes(
            b.get(at..at + 2)?.try_into().ok()?,
        )))
    }

    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }

    /// The bytes of the chain of sectors from `start` (`size` of them at
    /// most): `read` gives a sector, `table` the next of each. Never more
    /// sectors than the table has, so a loop in it ends.
    fn chain<'a>(
        start: u32,
        size: usize,
        read: &dyn Fn(u32) -> Option<&'a [u8]>,
        table: &[u32],
    ) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut n = start;
        let mut steps = 0usize;
        while n < MAX_SECTOR && out.len() < size {
            steps += 1;
            if steps > table.len() {
                return None;
            }
            out.extend_from_slice(read(n)?);
            n = *table.get(usize::try_from(n).ok()?)?;
        }
        out.truncate(size);
        Some(out)
    }

    /// The `Workbook` (or BIFF5 `Book`) stream of compound file `file`.
    pub(super) fn workbook_stream(file: &[u8]) -> Option<Vec<u8>> {
        if !file.starts_with(SIGNATURE) {
            return None;
        }
        let shift = u16_at(file, 0x1E)?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let sector = 1usize << shift;
        let sectors = file.len() / sector;
        let sector_bytes = |n: u32| -> Option<&[u8]> {
            let start = (usize::try_from(n).ok()? + 1).checked_mul(sector)?;
            file.get(start..start.checked_add(sector)?)
        };
        // The FAT's sectors: 109 in the header, the rest in DIFAT sectors.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(file, 0x4C + 4 * i))
            .filter(|&n| n < MAX_SECTOR)
            .collect();
        let mut difat = u32_at(file, 0x44)?;
        let per_sector = sector / 4;
        let mut steps = 0;
        while difat < MAX_SECTOR {
            steps += 1;
            if steps > sectors {
                return None;
            }
            let bytes = sector_bytes(difat)?;
            fat_sectors.extend(
                (0..per_sector - 1)
                    .filter_map(|i| u32_at(bytes, 4 * i))
                    .filter(|&n| n < MAX_SECTOR),
            );
            difat = u32_at(bytes, sector - 4)?;
        }
        if fat_sectors.len() > sectors {
            return None;
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
        for n in fat_sectors {
            let bytes = sector_bytes(n)?;
            fat.extend((0..per_sector).filter_map(|i| u32_at(bytes, 4 * i)));
        }
        let directory = chain(u32_at(file, 0x30)?, file.len(), &sector_bytes, &fat)?;
        let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
        let root = entries.first()?;
        let found = entries.iter().find(|e| {
            let len = u16_at(e, 0x40).unwrap_or(0).min(64);
            let name: Vec<u16> = e[..len]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&c| c != 0)
                .collect();
            let name = String::from_utf16_lossy(&name);
            e[0x42] == 2
                && (name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book"))
        })?;
        let start = u32_at(found, 0x74)?;
        let size = usize::try_from(u32_at(found, 0x78)?).ok()?.min(file.len());
        let cutoff = usize::try_from(u32_at(file, 0x38)?).ok()?;
        if size >= cutoff {
            return chain(start, size, &sector_bytes, &fat);
        }
        // A small stream lives in the mini stream, in 64-byte sectors.
        let mini_stream = chain(
            u32_at(root, 0x74)?,
            usize::try_from(u32_at(root, 0x78)?).ok()?.min(file.len()),
            &sector_bytes,
            &fat,
        )?;
        let mini_fat_bytes = chain(u32_at(file, 0x3C)?, file.len(), &sector_bytes, &fat)?;
        let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
            .filter_map(|i| u32_at(&mini_fat_bytes, 4 * i))
            .collect();
        let mini = |n: u32| -> Option<&[u8]> {
            let at = usize::try_from(n).ok()?.checked_mul(64)?;
            mini_stream.get(at..at + 64)
        };
        chain(start, size, &mini, &mini_fat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(xml: &str) -> Result<Vec<String>, Refused> {
        let mut seen = Vec::new();
        scan_xml(xml.as_bytes(), "part.xml", &mut |tag| {
            seen.push(String::from_utf8_lossy(tag).into_owned());
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn the_scanner_gives_element_tags_and_skips_the_rest() {
        let xml =
            r#"<?xml version="1.0"?><!-- a > b --><a x="1>2"><![CDATA[<not a tag>]]><b/></a>"#;
        assert_eq!(tags(xml).unwrap(), ["a x=\"1>2\"", "b/", "/a"]);
    }

    #[test]
    fn a_text_or_markup_longer_than_the_bound_is_refused() {
        let long_text = format!("<v>{}</v>", "9".repeat(MAX_XML_TOKEN + 1));
        assert!(matches!(
            tags(&long_text),
            Err(Refused::Limit(Limit::Token { .. }))
        ));
        let long_cdata = format!("<v><![CDATA[{}]]></v>", "<a>".repeat(MAX_XML_TOKEN / 3 + 1));
        assert!(matches!(
            tags(&long_cdata),
            Err(Refused::Limit(Limit::Token { .. }))
        ));
        let long_attribute = format!("<c r=\"{}\"/>", "A".repeat(MAX_XML_TOKEN));
        assert!(matches!(
            tags(&long_attribute),
            Err(Refused::Limit(Limit::Token { .. }))
        ));
        let fine = format!("<v>{}</v>", "9".repeat(MAX_XML_TOKEN - 10));
        assert!(tags(&fine).is_ok());
    }

    /// A BIFF record.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn the_fixture_xls_is_found_in_its_compound_file_and_passes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.xls");
        let bytes = std::fs::read(path).unwrap();
        let stream = cfb::workbook_stream(&bytes).expect("the Workbook stream");
        assert!(stream.len() > 100);
        assert!(scan_biff(&stream).is_ok());
        assert!(check_xls(std::path::Path::new(path)).is_ok());
    }

    #[test]
    fn an_xls_sheet_whose_cells_or_dimensions_would_fill_gigabytes_is_refused() {
        let bof = record(0x0809, &[0; 16]);
        let eof = record(0x000A, &[]);
        // Two cells at opposite corners: calamine lays out every cell
        // between them.
        let corner = |row: u16, col: u16| {
            let mut data = row.to_le_bytes().to_vec();
            data.extend_from_slice(&col.to_le_bytes());
            data.extend_from_slice(&[0; 10]);
            record(0x0203, &data)
        };
        let far = [bof.clone(), corner(0, 0), corner(65_535, 255), eof.clone()].concat();
        assert!(matches!(
            scan_biff(&far),
            Err(Refused::Limit(Limit::Cells { .. }))
        ));
        // A DIMENSIONS record that says so, calamine makes room for.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend_from_slice(&4_000_000u32.to_le_bytes());
        dims.extend_from_slice(&0u16.to_le_bytes());
        dims.extend_from_slice(&256u16.to_le_bytes());
        dims.extend_from_slice(&[0, 0]);
        let declared = [bof.clone(), record(0x0200, &dims), eof.clone()].concat();
        assert!(matches!(
            scan_biff(&declared),
            Err(Refused::Limit(Limit::Cells { .. }))
        ));
        // Its first row after its last: calamine's arithmetic would wrap.
        let mut upside = 10u32.to_le_bytes().to_vec();
        upside.extend_from_slice(&2u32.to_le_bytes());
        upside.extend_from_slice(&[0, 0, 1, 0, 0, 0]);
        let wrapped = [bof.clone(), record(0x0200, &upside), eof.clone()].concat();
        assert!(matches!(
            scan_biff(&wrapped),
            Err(Refused::Limit(Limit::Record { .. }))
        ));
        let near = [bof, corner(1, 1), corner(100, 10), eof].concat();
        assert!(scan_biff(&near).is_ok());
    }

    #[test]
    fn an_ods_grid_counts_the_cells_calamine_lays_out() {
        let grid = |xml: &str| {
            let mut grid = OdsGrid::default();
            scan_xml(xml.as_bytes(), "content.xml", &mut |tag| grid.tag(tag)).map(|()| grid.total)
        };
        // LibreOffice's trailing filler (1,024 empty columns, a million
        // empty rows) costs nothing.
        let genuine = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
        assert_eq!(grid(genuine).unwrap(), 1);
        // A value repeated across a row repeated a thousand times is not.
        let hostile = r#"<table:table><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        assert!(matches!(
            grid(hostile),
            Err(Refused::Limit(Limit::Cells { .. }))
        ));
    }
}
