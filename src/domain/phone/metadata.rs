//! libphonenumber's metadata, built one calling code at a time.
//!
//! The `phonenumber` crate builds its whole database (250 regions, every
//! pattern checked) the first time any number is read: 70 ms and 8 MiB of
//! memory, which the first frame with a phone list on it used to pay. Here
//! the same data (`assets/phone-metadata.bin`, cut from the crate's
//! `PhoneNumberMetadata.xml` by `examples/phone_metadata.rs`) is kept as one
//! chunk per calling code, and a code's regions are read the first time a
//! number of that code is shown (`+1` reads the 25 regions of the North
//! American plan, `+44` four) into the plain data of `grouping.rs`, which
//! compiles a pattern when a number first needs it; only the contacts
//! import builds the crate's database ([`whole`]).
//! `tests::the_chunks_are_the_crates_database`
//! fails when the file and the crate disagree (after an upgrade: run the
//! example again).

use std::sync::OnceLock;

use phonenumber::metadata::{Database, loader};

use super::grouping::Plan;

/// The chunks: [`MAGIC`], the number of calling codes (`u16`,
/// little-endian), a table with for each code its number (`u16`), where its
/// chunk starts in the file (`u32`) and its length (`u32`), all
/// little-endian, then the chunks: each the code's regions,
/// `postcard`-encoded as the crate encodes its own database. The table
/// comes first so that finding a code reads its first two KiB, not the
/// whole file (a walk over headers spread through 540 KB paged all of it
/// in at the first number shown).
static FILE: &[u8] = include_bytes!("../../../assets/phone-metadata.bin");

const MAGIC: &[u8; 4] = b"WPM2";

/// One table entry: a code's number, its chunk's start and length.
const ENTRY: usize = 10;

/// One calling code: its encoded regions, and what was built of them.
struct Slot {
    code: u16,
    chunk: &'static [u8],
    plan: OnceLock<Option<Plan>>,
    #[cfg(test)]
    database: OnceLock<Option<Database>>,
}

/// `chunks` in the layout `assets/phone-metadata.bin` has: `WPM2`, the
/// number of codes, their table (code, start, length) and the chunks (for
/// `examples/phone_metadata.rs`).
pub fn encode(chunks: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let count = u16::try_from(chunks.len()).unwrap_or(u16::MAX);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&count.to_le_bytes());
    let mut start = out.len() + ENTRY * chunks.len();
    for (code, chunk) in chunks {
        out.extend_from_slice(&code.to_le_bytes());
        out.extend_from_slice(&u32::try_from(start).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&u32::try_from(chunk.len()).unwrap_or(u32::MAX).to_le_bytes());
        start += chunk.len();
    }
    for (_, chunk) in chunks {
        out.extend_from_slice(chunk);
    }
    out
}

/// The slots of [`FILE`], read once from its table (no chunk is read). An
/// entry that points outside the file is left out, and a test holds that
/// the file is whole.
fn slots() -> &'static [Slot] {
    static SLOTS: OnceLock<Vec<Slot>> = OnceLock::new();
    SLOTS.get_or_init(|| table(FILE).unwrap_or_default())
}

/// The slots `file`'s table names, or `None` when it has no table.
fn table(file: &'static [u8]) -> Option<Vec<Slot>> {
    let rest = file.strip_prefix(MAGIC.as_slice())?;
    let (count, mut rest) = rest.split_first_chunk::<2>()?;
    let mut slots = Vec::with_capacity(usize::from(u16::from_le_bytes(*count)));
    for _ in 0..u16::from_le_bytes(*count) {
        let (entry, after) = rest.split_first_chunk::<ENTRY>()?;
        rest = after;
        let code = u16::from_le_bytes([entry[0], entry[1]]);
        let start = u32::from_le_bytes([entry[2], entry[3], entry[4], entry[5]]);
        let len = u32::from_le_bytes([entry[6], entry[7], entry[8], entry[9]]);
        let (Ok(start), Ok(len)) = (usize::try_from(start), usize::try_from(len)) else {
            continue;
        };
        let Some(chunk) = start.checked_add(len).and_then(|end| file.get(start..end)) else {
            continue;
        };
        slots.push(Slot {
            code,
            chunk,
            plan: OnceLock::new(),
            #[cfg(test)]
            database: OnceLock::new(),
        });
    }
    Some(slots)
}

fn slot(code: u16) -> Option<&'static Slot> {
    slots().iter().find(|slot| slot.code == code)
}

/// The calling code an international number (digits after the `+`)
/// starts with. Calling codes are a prefix code: at most one of the first
/// one, two or three digits is one.
pub fn calling_code(digits: &str) -> Option<u16> {
    (1..=3.min(digits.len()))
        .filter_map(|len| digits.get(..len)?.parse::<u16>().ok())
        .find(|&code| slot(code).is_some())
}

/// What tells whether a number of calling code `code` is valid and how it
/// is grouped, built the first time a number of that code is shown (the
/// code's regions decoded; each pattern is compiled when first used).
/// `None` for a code no country has.
pub(super) fn plan(code: u16) -> Option<&'static Plan> {
    let slot = slot(code)?;
    slot.plan
        .get_or_init(|| Plan::new(postcard::from_bytes(slot.chunk).ok()?))
        .as_ref()
}

/// The `phonenumber` crate's database of `code`'s regions, for the tests
/// that hold [`plan`] to the crate's answers.
#[cfg(test)]
pub(super) fn database(code: u16) -> Option<&'static Database> {
    let slot = slot(code)?;
    slot.database
        .get_or_init(|| {
            let regions: Vec<loader::Metadata> = postcard::from_bytes(slot.chunk).ok()?;
            Database::from(regions).ok()
        })
        .as_ref()
}

/// Every region's metadata in one database, built the first time a
/// contacts file is read: reading a number written nationally needs the
/// default region's metadata and that of whatever code the number turns
/// out to have. The same data as the chunks (ASCII digit patterns), so the
/// `phonenumber` crate's own database is never built, nor carried in the
/// binary.
pub fn whole() -> &'static Database {
    static WHOLE: OnceLock<Database> = OnceLock::new();
    WHOLE.get_or_init(|| {
        let regions: Vec<loader::Metadata> = slots()
            .iter()
            .flat_map(|slot| {
                postcard::from_bytes::<Vec<loader::Metadata>>(slot.chunk).unwrap_or_default()
            })
            .collect();
        // `tests::the_chunks_are_the_crates_database` reads every chunk.
        Database::from(regions).expect("the phone metadata in the binary is whole")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::Mode;

    #[test]
    fn the_file_is_whole() {
        let slots = table(FILE).expect("a table");
        let rest = FILE.strip_prefix(MAGIC.as_slice()).expect("magic");
        let count = u16::from_le_bytes([rest[0], rest[1]]);
        assert_eq!(
            slots.len(),
            usize::from(count),
            "every entry points into the file"
        );
        assert!(count > 200, "{count} calling codes");
        // The chunks follow the table one after another, up to the end.
        let mut end = MAGIC.len() + 2 + ENTRY * slots.len();
        for slot in &slots {
            let start = slot.chunk.as_ptr() as usize - FILE.as_ptr() as usize;
            assert_eq!(start, end, "+{}", slot.code);
            end += slot.chunk.len();
        }
        assert_eq!(end, FILE.len());
    }

    #[test]
    fn a_table_that_points_outside_the_file_loses_only_that_code() {
        let mut bytes = encode(&[(1, vec![1, 2, 3]), (44, vec![4, 5])]);
        // The second entry's length, past the end.
        bytes[MAGIC.len() + 2 + ENTRY + 6] = 200;
        let file: &'static [u8] = Vec::leak(bytes);
        let slots = table(file).expect("a table");
        assert_eq!(slots.len(), 1);
        assert_eq!((slots[0].code, slots[0].chunk), (1, [1u8, 2, 3].as_slice()));
        assert!(table(b"WPM1").is_none());
    }

    /// Every region of the crate's database is in the chunk of its code,
    /// and every example number libphonenumber gives reads, validates and
    /// formats the same with the chunk as with the whole database.
    #[test]
    fn the_chunks_are_the_crates_database() {
        let whole = &*phonenumber::metadata::DATABASE;
        let mut checked = 0;
        for code in 1..=999u16 {
            let theirs = whole.region(&code).unwrap_or_default();
            let Some(ours) = database(code) else {
                assert!(theirs.is_empty(), "+{code}: {theirs:?} missing");
                continue;
            };
            assert_eq!(ours.region(&code).unwrap_or_default(), theirs, "+{code}");
            for meta in whole.by_code(&code).unwrap_or_default() {
                let d = meta.descriptors();
                let examples = [d.fixed_line(), d.mobile(), d.toll_free(), d.voip()]
                    .into_iter()
                    .flatten()
                    .filter_map(|desc| desc.example());
                for example in examples {
                    let number = format!("+{code}{example}");
                    let a = phonenumber::parse_with(whole, None, &number);
                    let b = phonenumber::parse_with(ours, None, &number);
                    let (Ok(a), Ok(b)) = (a, b) else {
                        panic!("{number}: read differently");
                    };
                    assert_eq!(a.is_valid_with(whole), b.is_valid_with(ours), "{number}");
                    let theirs = a.format().database(whole).mode(Mode::International);
                    let shown = if a.is_valid_with(whole) {
                        theirs.to_string()
                    } else {
                        format!("+{code}{example}")
                    };
                    assert_eq!(crate::domain::phone::format_number(&number), shown);
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "only {checked} examples");
    }

    #[test]
    fn calling_codes_are_read_from_the_front() {
        assert_eq!(calling_code("12125550143"), Some(1));
        assert_eq!(calling_code("442079460958"), Some(44));
        assert_eq!(calling_code("353851234567"), Some(353));
        assert_eq!(calling_code("999123"), None);
        assert_eq!(calling_code(""), None);
    }
}
