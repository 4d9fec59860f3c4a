//! The contacts import as a view or a command drives it: open a file, map
//! its columns, check every row, write the rejected rows, build each
//! request's exact body, and keep the journal that makes sending safe to
//! stop and resume.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use tempfile::TempDir;

use weya_tui::import::journal::JournalSummary;
use weya_tui::import::source::{Delimiter, TextEncoding};
use weya_tui::import::{
    CheckReport, ColumnMapping, ContactsFile, Control, ImportError, ImportJournal, ImportSettings,
    JournalError, Notice, OpenOptions, Overwrite, Progress, Region, RequestState, Resolution,
    Stage, check, normalize, open, write_rejected, write_rejected_to,
};

const BATCH: &str = "64e5f12345abcdef98765432";

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn open_file(path: &Path) -> ContactsFile {
    open(path, &OpenOptions::default(), &mut Control::default()).unwrap()
}

fn us() -> Option<Region> {
    Some("US".parse().unwrap())
}

/// The guessed mapping, checked.
fn check_guessed(file: &ContactsFile, region: Option<Region>) -> (ImportSettings, CheckReport) {
    let mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), region);
    let settings = ImportSettings::new(mapping, region);
    let report = check(file, &settings, &mut Control::default()).unwrap();
    (settings, report)
}

/// Every body of the plan, in order.
fn bodies(report: &CheckReport) -> Vec<String> {
    (0..report.plan.requests().len())
        .map(|i| report.plan.body(BATCH, i).unwrap())
        .collect()
}

/// A semicolon file with a UTF-8 BOM, a name in Windows-1252, quoted
/// values with the delimiter, a quote and a line break inside, a
/// duplicate, an empty row and three bad numbers.
fn messy_csv() -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        b"Name;Phone;Plan;Note\r\n\
Ann Lee;(212) 555-0143;Gold;\"late; twice\"\r\n\
Bob Roy;212.555.0188;Silver;\r\n\
Ren\xE9e Fa\xE7on;+1 212 555 0199;Gold;\"says \"\"hi\"\"\"\r\n\
Cy Dunn;555-12;Gold;\r\n\
Dee Ray;12125550143;Bronze;same as Ann\r\n\
;;;\r\n\
Eve Moss;n/a;Gold;\r\n\
Fay Cole;;Silver;\r\n\
Gus Hill;+44 20 7946 0958;Gold;\"two\r\nlines\"\r\n\
Hal Ford;(212) 555-0111;Silver;\r\n",
    );
    bytes
}

#[test]
fn a_messy_csv_yields_exactly_the_good_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "june.csv", &messy_csv());
    let file = open_file(&path);
    assert_eq!(file.delimiter(), Some(Delimiter::Semicolon));
    assert_eq!(file.encoding(), Some(TextEncoding::Windows1252));
    assert_eq!(
        file.notices(),
        &[
            Notice::Delimiter(Delimiter::Semicolon),
            Notice::Windows1252 { first_line: 4 }
        ]
    );
    // The BOM is not part of the first header.
    assert_eq!(file.header(), ["Name", "Phone", "Plan", "Note"]);
    assert_eq!(file.sample()[2].cells[0], "Renée Façon");

    let mut mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), us());
    assert_eq!(mapping.phone, Some(1));
    mapping.rename(0, "name");
    // Gus's number is British: held back until the operator allows GB.
    let held = check(
        &file,
        &ImportSettings::new(mapping.clone(), us()),
        &mut Control::default(),
    )
    .unwrap();
    assert_eq!((held.counts.valid, held.counts.outside_region), (4, 1));
    assert_eq!(
        held.outside_summary().as_deref(),
        Some("1 outside US: 1 GB")
    );
    assert_eq!(held.outside[0].line, 10);
    assert!(!held.outside[0].sent);
    let body = held.plan.body(BATCH, 0).unwrap();
    assert!(!body.contains("442079460958"), "{body}");

    let mut settings = ImportSettings::new(mapping, us());
    settings.allowed_countries = vec!["GB".parse().unwrap()];
    let report = check(&file, &settings, &mut Control::default()).unwrap();

    assert_eq!(report.counts.valid, 5);
    assert_eq!(report.counts.outside_region, 0);
    assert_eq!(
        report.outside_summary().as_deref(),
        Some("1 outside US: 1 GB")
    );
    assert!(report.outside[0].sent);
    assert_eq!(report.counts.invalid, 3);
    assert_eq!(report.counts.duplicate, 1);
    assert_eq!(report.counts.skipped, 1);
    let rejected: Vec<(u64, String)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.to_string()))
        .collect();
    assert_eq!(
        rejected,
        [
            (5, "too short for US".to_owned()),
            (8, "not a phone number".to_owned()),
            (9, "missing phone".to_owned()),
        ]
    );
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(report.duplicates[0].line, 6);
    assert_eq!(report.duplicates[0].first_line, 2);
    assert_eq!(report.duplicates[0].phone.to_string(), "12125550143");

    let ann =
        r#"{"phoneNumber":"12125550143","name":"Ann Lee","Plan":"Gold","Note":"late; twice"}"#;
    assert_eq!(report.samples[0], ann);
    assert_eq!(report.plan.requests().len(), 1);
    let request = &report.plan.requests()[0];
    // Gus's note spans lines 10 and 11: Hal is on line 12.
    assert_eq!((request.first_line, request.last_line), (2, 12));
    assert_eq!(request.to_string(), "rows 1–5 (lines 2–12)");
    assert_eq!(
        report.plan.body(BATCH, 0).unwrap(),
        concat!(
            r#"{"batchId":"64e5f12345abcdef98765432","call_data":["#,
            r#"{"phoneNumber":"12125550143","name":"Ann Lee","Plan":"Gold","Note":"late; twice"},"#,
            r#"{"phoneNumber":"12125550188","name":"Bob Roy","Plan":"Silver","Note":""},"#,
            r#"{"phoneNumber":"12125550199","name":"Renée Façon","Plan":"Gold","Note":"says \"hi\""},"#,
            r#"{"phoneNumber":"442079460958","name":"Gus Hill","Plan":"Gold","Note":"two\r\nlines"},"#,
            r#"{"phoneNumber":"12125550111","name":"Hal Ford","Plan":"Silver","Note":""}"#,
            "]}"
        )
    );
}

#[test]
fn the_rejected_rows_are_written_beside_the_file_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "june.csv", &messy_csv());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let written = write_rejected(&file, &report, Overwrite::No)
        .unwrap()
        .unwrap()
        .path;
    assert_eq!(
        written,
        dir.path().canonicalize().unwrap().join("june.rejected.csv")
    );
    let text = std::fs::read_to_string(&written).unwrap();
    assert_eq!(
        text,
        "\u{feff}Name;Phone;Plan;Note;reason\n\
         Cy Dunn;555-12;Gold;;too short for US\n\
         Eve Moss;n/a;Gold;;not a phone number\n\
         Fay Cole;;Silver;;missing phone\n"
    );
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // And it reads back as a contacts file with the same header.
    let again = open_file(&written);
    assert_eq!(again.header(), ["Name", "Phone", "Plan", "Note", "reason"]);
    assert_eq!(again.sample().len(), 3);
}

#[test]
fn would_be_formulas_are_guarded_and_the_file_imports_back_without_its_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "june.csv",
        b"name,phone,note\n=cmd|' /C calc'!A0,n/a,@SUM(A1)\nBob,+1 212 555 01,-5\nCy,2125550143,ok\n",
    );
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let written = write_rejected(&file, &report, Overwrite::No)
        .unwrap()
        .unwrap();
    assert_eq!(written.guarded, 4);
    let text = std::fs::read_to_string(&written.path).unwrap();
    assert_eq!(
        text,
        "\u{feff}name,phone,note,reason\n\
         '=cmd|' /C calc'!A0,n/a,'@SUM(A1),not a phone number\n\
         Bob,'+1 212 555 01,'-5,too short for US\n"
    );
    // Written again: the same rows, left as they are.
    let again = write_rejected(&file, &report, Overwrite::No)
        .unwrap()
        .unwrap();
    assert!(again.unchanged);

    // Read back: the reason is not sent, the guards are taken off.
    let back = open_file(&written.path);
    let (mapping, note) = ColumnMapping::for_file(&back, us());
    assert!(note.is_some());
    assert!(!mapping.columns[3].send, "the reason column is unticked");
    let settings = ImportSettings::new(mapping, us());
    let report = check(&back, &settings, &mut Control::default()).unwrap();
    // "+1 212 555 01" is still too short; the guard did not make it worse.
    assert_eq!(report.rejected[1].reason.to_string(), "too short for US");
    assert_eq!(report.rejected[0].cells[0], "'=cmd|' /C calc'!A0");

    // A file of the operator's under that name is not replaced without a yes.
    std::fs::write(&written.path, "my fixes\n").unwrap();
    let refused = write_rejected(&file, &report, Overwrite::No).unwrap_err();
    assert!(matches!(
        refused,
        ImportError::RejectedExists { regular: true, .. }
    ));
    assert_eq!(
        std::fs::read_to_string(&written.path).unwrap(),
        "my fixes\n"
    );
    let other = dir.path().join("mine.txt");
    std::fs::write(&other, "keep\n").unwrap();
    assert!(write_rejected_to(&file, &report, other.clone(), Overwrite::No).is_err());
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "keep\n");
    write_rejected_to(&file, &report, other.clone(), Overwrite::Yes).unwrap();
    assert_ne!(std::fs::read_to_string(&other).unwrap(), "keep\n");
}

#[test]
fn an_import_is_known_by_its_content_not_by_its_path_or_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(2_500).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    let journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();

    // Touched: its time changes, its rows do not.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
    // And copied elsewhere.
    let copy = write(&dir, "copy of big.csv", generated_csv(2_500).as_bytes());
    for path in [&path, &copy] {
        let file = open_file(path);
        let found = ImportJournal::find(&imports, BATCH, file.identity())
            .unwrap()
            .expect("the same import");
        assert_eq!(found.path(), journal.path());
        let (_, report) = check_guessed(&file, us());
        found.check_plan(&report.plan).unwrap();
        // And the same lock: a second run of either is refused.
        let _held = ImportJournal::lock(&imports, BATCH, file.identity()).unwrap();
        assert!(ImportJournal::lock(&imports, BATCH, open_file(&path.clone()).identity()).is_err());
    }
}

#[test]
fn a_file_with_no_invalid_row_writes_no_rejected_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "ok.csv", b"phone\n2125550143\n");
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    assert_eq!(write_rejected(&file, &report, Overwrite::No).unwrap(), None);
}

#[test]
fn a_utf8_tsv_with_a_bom_reads_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "list.TSV",
        "\u{feff}phone_number\tfirst name\tcity\n+91 98765 43210\tRenée\tPune, MH\n09876543211\tZoë\tMumbai\n"
            .as_bytes(),
    );
    let file = open_file(&path);
    assert_eq!(file.delimiter(), Some(Delimiter::Tab));
    assert_eq!(file.encoding(), Some(TextEncoding::Utf8));
    assert_eq!(file.header(), ["phone_number", "first name", "city"]);
    let region = Region::for_timezone("Asia/Kolkata");
    let (_, report) = check_guessed(&file, region);
    assert_eq!(report.counts.valid, 2);
    assert_eq!(
        report.samples,
        [
            r#"{"phoneNumber":"919876543210","first name":"Renée","city":"Pune, MH"}"#,
            r#"{"phoneNumber":"919876543211","first name":"Zoë","city":"Mumbai"}"#,
        ]
    );
}

#[test]
fn line_numbers_are_the_ones_an_editor_shows() {
    let dir = tempfile::tempdir().unwrap();
    // Blank lines, CRLF and LF mixed, a cell over two lines, no final newline.
    let text = "name,phone\r\n\r\nAnn,bad\n\nBob,\"2125550143\"\r\n\"Cy\r\nDunn\",x\r\nDee,555\nEve,2125550188";
    let (_, report) = check_guessed(&open_file(&write(&dir, "a.csv", text.as_bytes())), us());
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 6, 8]);
    assert_eq!(report.rejected[1].cells[0], "Cy\r\nDunn");
    let request = &report.plan.requests()[0];
    assert_eq!((request.first_line, request.last_line), (5, 9));
    assert_eq!(
        report.plan.body(BATCH, 0).unwrap(),
        r#"{"batchId":"64e5f12345abcdef98765432","call_data":[{"phoneNumber":"12125550143","name":"Bob"},{"phoneNumber":"12125550188","name":"Eve"}]}"#
    );
    // Classic Mac line ends (CR alone): one line per row.
    let text = "name,phone\rAnn,bad\rBob,2125550143\r";
    let (_, report) = check_guessed(&open_file(&write(&dir, "b.csv", text.as_bytes())), us());
    assert_eq!(report.rejected[0].line, 2);
    assert_eq!(
        report.samples,
        [r#"{"phoneNumber":"12125550143","name":"Bob"}"#]
    );
}

#[test]
fn pipes_and_commas_are_detected_too() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, delimiter) in [
        ("a.csv", "name|phone\nAnn|2125550143\n", Delimiter::Pipe),
        (
            "b.txt",
            "name,phone\n\"Lee, Ann\",2125550143\n",
            Delimiter::Comma,
        ),
    ] {
        let file = open_file(&write(&dir, name, text.as_bytes()));
        assert_eq!(file.delimiter(), Some(delimiter), "{name}");
        let (_, report) = check_guessed(&file, us());
        assert_eq!(report.counts.valid, 1, "{name}");
    }
}

/// The same five contacts in each spreadsheet format
/// (tests/fixtures/make_spreadsheets.py).
fn assert_fixture_contacts(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let file = open_file(&path);
    assert_eq!(
        file.header(),
        ["Name", "Phone", "Plan", "Due date", "Balance"],
        "{name}"
    );
    let (_, report) = check_guessed(&file, us());
    assert_eq!(report.counts.valid, 3, "{name}");
    assert_eq!(report.counts.invalid, 1, "{name}");
    assert_eq!(report.counts.duplicate, 1, "{name}");
    assert_eq!(report.counts.skipped, 1, "{name}");
    assert_eq!(report.rejected[0].line, 5, "{name}: the sheet's row number");
    assert_eq!(report.rejected[0].reason.to_string(), "too short for US");
    assert_eq!(
        (report.duplicates[0].line, report.duplicates[0].first_line),
        (6, 2)
    );
    assert_eq!(
        report.plan.body(BATCH, 0).unwrap(),
        concat!(
            r#"{"batchId":"64e5f12345abcdef98765432","call_data":["#,
            r#"{"phoneNumber":"12125550143","Name":"Ann Lee","Plan":"Gold","Due date":"2025-06-30","Balance":"49.5"},"#,
            r#"{"phoneNumber":"12125550188","Name":"Bob Roy","Plan":"Silver","Due date":"2025-07-15","Balance":"120"},"#,
            r#"{"phoneNumber":"12125550199","Name":"Éloïse Brun","Plan":"Gold","Due date":"2025-09-01","Balance":"7"}"#,
            "]}"
        ),
        "{name}"
    );
}

#[test]
fn an_xlsx_reads_numbers_without_a_trailing_zero_and_dates_as_iso() {
    assert_fixture_contacts("contacts.xlsx");
    let file =
        open_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contacts.xlsx"));
    assert_eq!(file.sheets(), ["Contacts", "Notes"]);
    assert_eq!(
        file.notices(),
        &[Notice::Sheet {
            name: "Contacts".into(),
            of: 2
        }]
    );
}

#[test]
fn an_ods_reads_the_same() {
    assert_fixture_contacts("contacts.ods");
}

#[test]
fn an_xls_reads_the_same() {
    assert_fixture_contacts("contacts.xls");
}

#[test]
fn another_sheet_can_be_chosen_and_a_missing_one_is_named() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contacts.xlsx");
    let notes = OpenOptions {
        sheet: Some("Notes".into()),
    };
    let file = open(&path, &notes, &mut Control::default()).unwrap();
    assert_eq!(file.header(), ["not contacts"]);
    let missing = OpenOptions {
        sheet: Some("June".into()),
    };
    let error = open(&path, &missing, &mut Control::default()).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("no sheet named “June” (the sheets are: Contacts, Notes)"),
        "{error}"
    );
}

#[test]
fn each_sheet_of_a_workbook_is_its_own_import_in_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets.xlsx");
    let path = write(&dir, "sheets.xlsx", &std::fs::read(fixture).unwrap());
    let june = open_file(&path);
    assert_eq!(june.sheets(), ["June", "July", "Notes"]);
    assert_eq!(june.sheet(), Some("June"));
    let july = open(
        &path,
        &OpenOptions {
            sheet: Some("July".into()),
        },
        &mut Control::default(),
    )
    .unwrap();
    assert_eq!(july.sheet(), Some("July"));
    assert_eq!(july.header(), ["Name", "Phone", "Plan"]);
    let (_, report) = check_guessed(&july, us());
    assert_eq!(report.counts.valid, 3);
    assert_eq!(
        bodies(&report)[0],
        concat!(
            r#"{"batchId":"64e5f12345abcdef98765432","call_data":["#,
            r#"{"phoneNumber":"12125550111","Name":"Cy Dunn","Plan":"Gold"},"#,
            r#"{"phoneNumber":"12125550122","Name":"Dee Ray","Plan":"Silver"},"#,
            r#"{"phoneNumber":"12125550133","Name":"Eve Moss","Plan":"Gold"}"#,
            "]}"
        )
    );

    // June's import is recorded; July's is another, not a resume of it.
    let imports = journal_dir(&dir);
    let (_, june_report) = check_guessed(&june, us());
    ImportJournal::start(&imports, BATCH, &june_report.plan, None).unwrap();
    assert!(
        ImportJournal::find(&imports, BATCH, july.identity())
            .unwrap()
            .is_none()
    );
    let found = ImportJournal::find(&imports, BATCH, june.identity())
        .unwrap()
        .unwrap();
    assert_eq!(found.file().sheet.as_deref(), Some("June"));
    ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
}

#[test]
fn files_that_cannot_be_read_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("a.pdf", b"%PDF", "not a contacts file weya-tui reads"),
        ("b.csv", b"", "the file is empty (no header row)"),
        (
            "c.csv",
            b"\xFF\xFEp\0h\0",
            "UTF-16 text; save it as CSV UTF-8",
        ),
        ("d.csv", b"PK\x03\x04\0\0", "not a text file"),
    ];
    for (name, bytes, message) in cases {
        let path = write(&dir, name, bytes);
        let error = open(&path, &OpenOptions::default(), &mut Control::default()).unwrap_err();
        assert!(error.to_string().contains(message), "{name}: {error}");
    }
    let error = open(
        &dir.path().join("missing.csv"),
        &OpenOptions::default(),
        &mut Control::default(),
    )
    .unwrap_err();
    assert!(matches!(error, ImportError::Io { .. }), "{error}");
}

#[test]
fn an_invalid_mapping_is_refused_before_any_row_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = open_file(&write(
        &dir,
        "a.csv",
        b"name,Name ,phone\nAnn,A,2125550143\n",
    ));
    let mut mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), us());
    mapping.rename(1, "name");
    let settings = ImportSettings::new(mapping, us());
    let error = check(&file, &settings, &mut Control::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the column mapping is not complete: columns 1, 2 would all be sent as “name”: \
         rename or untick all but one"
    );
}

/// `n` contacts with distinct US numbers, every 100th row a duplicate of
/// the row before it and every 250th a bad number.
fn generated_csv(n: usize) -> String {
    let mut text = String::from("name,phone,plan,due_date\n");
    for i in 0..n {
        let number = if i % 250 == 249 {
            "555-01".to_owned()
        } else if i % 100 == 99 {
            format!("(212) 555-{:04}", (i - 1) % 10_000)
        } else {
            format!("({}) 555-{:04}", 212 + i / 10_000, i % 10_000)
        };
        text.push_str(&format!("Contact {i},{number},Gold,2025-07-01\n"));
    }
    text
}

#[test]
fn requests_carry_at_most_a_thousand_rows_and_lose_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(4_600).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let counts = report.counts;
    assert_eq!(counts.rows(), 4_600);
    assert_eq!(counts.invalid, 18);
    // Every 100th row, but not those that are also every 250th (bad).
    assert_eq!(counts.duplicate, 37);
    assert_eq!(counts.valid, 4_545);
    let sizes: Vec<u32> = report.plan.requests().iter().map(|r| r.rows).collect();
    assert_eq!(sizes, [1000, 1000, 1000, 1000, 545]);
    assert_eq!(report.plan.requests()[1].first_row, 1001);
    // Every valid row is in exactly one body, in file order.
    let mut phones = Vec::new();
    for body in bodies(&report) {
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["batchId"], BATCH);
        for contact in json["call_data"].as_array().unwrap() {
            phones.push(contact["phoneNumber"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(phones.len(), 4_545);
    let mut unique = phones.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), phones.len());
}

#[test]
fn a_body_is_refused_once_the_file_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.csv", b"phone\n2125550143\n");
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    std::fs::write(&path, b"phone\n2125550188\n2125550199\n").unwrap();
    let error = report.plan.body(BATCH, 0).unwrap_err();
    assert!(matches!(error, ImportError::Changed { .. }), "{error}");
    assert!(matches!(
        report.plan.body(BATCH, 7),
        Err(ImportError::NoSuchRequest { index: 7 })
    ));
}

#[test]
fn the_check_reports_progress_and_stops_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(10_000).as_bytes());
    let file = open_file(&path);
    let mapping = ColumnMapping::guess(file.header(), &file.sample_cells(), us());
    let settings = ImportSettings::new(mapping, us());
    let mut seen: Vec<Progress> = Vec::new();
    let mut report = |p: Progress| seen.push(p);
    check(
        &file,
        &settings,
        &mut Control::default().report_to(&mut report),
    )
    .unwrap();
    let last = seen.last().unwrap();
    assert_eq!(last.stage, Stage::Checking);
    assert_eq!(last.done, last.total);
    assert_eq!(last.total, std::fs::metadata(&path).unwrap().len());
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));

    let cancel = AtomicBool::new(true);
    let error = check(&file, &settings, &mut Control::default().cancel_on(&cancel)).unwrap_err();
    assert!(matches!(error, ImportError::Cancelled));
}

/// QA: the end of an import counted only the rows sent. Whatever state
/// each request is in, every row of the file is in exactly one place:
/// the figures sum to the file's rows.
#[test]
fn every_row_of_the_file_is_accounted_for_at_the_end() {
    use weya_tui::import::account::RowAccount;
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(4_600).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let c = report.counts;
    assert!(c.invalid > 0 && c.valid < 4_600, "{c:?}");
    let mut journal = ImportJournal::start(&journal_dir(&dir), BATCH, &report.plan, None).unwrap();
    // Confirmed with 10 left out; partly added; in doubt; refused; one
    // still planned.
    journal.mark_sending_leaving_out(0, 10).unwrap();
    journal.mark_confirmed(0, Some(990)).unwrap();
    journal.mark_sending(1).unwrap();
    journal.mark_partial(1, 600, "short").unwrap();
    journal.mark_sending(2).unwrap();
    journal.mark_unknown(2, "no answer").unwrap();
    journal.mark_sending(3).unwrap();
    journal.mark_failed(3, "refused").unwrap();
    let account = RowAccount::of(&c, &journal);
    assert_eq!(account.rows(), 4_600);
    assert_eq!(account.rows(), c.rows());
    assert_eq!(
        (
            account.confirmed,
            account.in_batch_already,
            account.not_added
        ),
        (990 + 600, 10, 400)
    );
    assert_eq!(
        (account.in_doubt, account.failed, account.not_sent),
        (1000, 1000, 545)
    );
    assert_eq!(account.invalid, c.invalid);
    let line = account.line();
    assert!(line.starts_with("The file's 4,600 rows: 1,590 confirmed in the batch · 10 in the batch already (not sent) · 400 sent and not added by Weya · 1,000 in doubt (sent, no clear answer) · 1,000 refused by Weya · 545 not sent yet · "), "{line}");
    assert_eq!(account.to_json()["rows"], 4_600);
}

fn journal_dir(dir: &TempDir) -> PathBuf {
    dir.path().join("state/weya-tui/imports")
}

#[test]
fn the_journal_resumes_after_the_confirmed_requests() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(4_600).as_bytes());
    let file = open_file(&path);
    let (settings, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    let mut journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
    assert_eq!(journal.requests().len(), 5);
    for index in 0..2 {
        assert_eq!(journal.next_to_send().unwrap().index, index);
        journal.mark_sending(index).unwrap();
        journal.mark_confirmed(index, Some(1000)).unwrap();
    }
    // A second start for the same file and batch would forget what was sent.
    assert!(matches!(
        ImportJournal::start(&imports, BATCH, &report.plan, None),
        Err(JournalError::Exists { .. })
    ));
    drop(journal);

    // Later: the same file is opened and found in the journal.
    let file = open_file(&path);
    let journal = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    assert_eq!(journal.settings(), &settings);
    let report = check(&file, journal.settings(), &mut Control::default()).unwrap();
    journal.check_plan(&report.plan).unwrap();
    let resume = journal.first_unconfirmed().unwrap();
    assert_eq!(resume.index, 2);
    // Row i of the generator is on line i + 2; valid row 2001 is i = 2024.
    assert_eq!(
        resume.to_string(),
        "request 3: rows 2001–3000 (lines 2026–3037)"
    );
    assert_eq!(journal.next_to_send().unwrap().index, 2);
    assert_eq!(
        journal.summary(),
        JournalSummary {
            planned: 3,
            confirmed: 2,
            rows_total: 4_545,
            rows_confirmed: 2_000,
            rows_added: 2_000,
            rows_planned: 2_545,
            ..JournalSummary::default()
        }
    );
    let body = report.plan.body(BATCH, resume.index).unwrap();
    assert!(
        body.starts_with(r#"{"batchId":"64e5f12345abcdef98765432","call_data":[{"phoneNumber":"12125552024","name":"Contact 2024","#),
        "{}",
        &body[..200]
    );
    // Another batch, or another version of the file, has no journal.
    assert!(
        ImportJournal::find(&imports, "64e5f12345abcdef00000000", file.identity())
            .unwrap()
            .is_none()
    );
    std::fs::write(&path, generated_csv(4_601)).unwrap();
    let changed = open_file(&path);
    assert!(
        ImportJournal::find(&imports, BATCH, changed.identity())
            .unwrap()
            .is_none()
    );
    // But the batch's earlier import is still listed for it.
    assert_eq!(ImportJournal::for_batch(&imports, BATCH).unwrap().len(), 1);
}

#[test]
fn an_unknown_outcome_is_never_sent_again_without_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(2_500).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    let mut journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
    journal.mark_sending(0).unwrap();
    journal.mark_confirmed(0, None).unwrap();
    // Request 2 leaves, and weya-tui is killed before the answer.
    journal.mark_sending(1).unwrap();
    drop(journal);

    let mut journal = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    let unknown = journal.unknown();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].index, 1);
    assert!(
        matches!(&unknown[0].state, RequestState::Unknown { reason } if reason.starts_with("weya-tui stopped while it was being sent"))
    );
    assert_eq!(journal.first_unconfirmed().unwrap().index, 1);
    // The next request to send skips it, and it cannot be marked for sending.
    assert_eq!(journal.next_to_send().unwrap().index, 2);
    let refused = journal.mark_sending(1).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "request 2 is unknown: it cannot become sending"
    );

    // A timeout is unknown too.
    journal.mark_sending(2).unwrap();
    journal.mark_unknown(2, "no answer within 30 s").unwrap();
    assert_eq!(journal.next_to_send(), None);
    assert_eq!(journal.unknown().len(), 2);

    // The operator looked at the batch: request 2 arrived, request 3 did not.
    journal.resolve_unknown(1, Resolution::WasAdded).unwrap();
    journal.resolve_unknown(2, Resolution::SendAgain).unwrap();
    assert_eq!(journal.next_to_send().unwrap().index, 2);
    // What was decided is on disk.
    let again = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    assert_eq!(again.requests(), journal.requests());
}

#[test]
fn failed_requests_are_resent_on_request_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(2_500).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    let mut journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
    for index in 0..3 {
        journal.mark_sending(index).unwrap();
    }
    journal.mark_confirmed(0, Some(1000)).unwrap();
    journal
        .mark_failed(1, "HTTP 500: chunk 1 failed: storage error")
        .unwrap();
    journal.mark_confirmed(2, None).unwrap();
    let failed = journal.failed();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].first_line, failed[0].last_line),
        report
            .plan
            .requests()
            .get(1)
            .map(|r| (r.first_line, r.last_line))
            .unwrap()
    );
    assert_eq!(journal.next_to_send(), None);
    assert!(!journal.is_complete());
    assert_eq!(journal.retry_failed().unwrap(), 1);
    assert_eq!(journal.next_to_send().unwrap().index, 1);
    journal.mark_sending(1).unwrap();
    journal.mark_confirmed(1, Some(1000)).unwrap();
    assert!(journal.is_complete());
    // A confirmed request cannot be sent again.
    assert!(matches!(
        journal.mark_sending(0),
        Err(JournalError::Transition { .. })
    ));
}

#[test]
fn a_journal_for_other_settings_does_not_fit_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.csv", b"name,phone\nAnn,2125550143\n");
    let file = open_file(&path);
    let (settings, report) = check_guessed(&file, us());
    let journal = ImportJournal::start(&journal_dir(&dir), BATCH, &report.plan, None).unwrap();
    let mut renamed = settings.clone();
    renamed.mapping.rename(0, "first_name");
    let other = check(&file, &renamed, &mut Control::default()).unwrap();
    assert!(matches!(
        journal.check_plan(&other.plan),
        Err(JournalError::PlanMismatch)
    ));
    // The journal holds no contact data.
    let text = std::fs::read_to_string(journal.path()).unwrap();
    assert!(
        !text.contains("2125550143") && !text.contains("Ann"),
        "{text}"
    );
}

proptest! {
    #[test]
    fn normalising_never_panics(raw in any::<String>()) {
        let _ = normalize(&raw, us());
        let _ = normalize(&raw, None);
    }

    #[test]
    fn normalising_phone_like_text_never_panics_and_gives_digits(
        raw in "[+]?[0-9 ()./x-]{0,24}",
        region in prop::sample::select(vec!["US", "GB", "IN", "DE", "BR"]),
    ) {
        if let Ok(digits) = normalize(&raw, region.parse().ok()) {
            let text = digits.to_string();
            prop_assert!(text.len() <= 15 && !text.starts_with('0'), "{raw} → {text}");
        }
    }
}

#[test]
fn the_example_contacts_file_has_three_bad_rows_and_a_duplicate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/contacts-example.csv");
    let file = open_file(&path);
    let (settings, report) = check_guessed(&file, Region::for_timezone("America/New_York"));
    assert_eq!(settings.mapping.phone, Some(1));
    let counts = report.counts;
    assert_eq!(
        (
            counts.valid,
            counts.invalid,
            counts.duplicate,
            counts.skipped,
            counts.outside_region,
        ),
        (25, 3, 1, 1, 4)
    );
    assert_eq!(
        report.outside_summary().as_deref(),
        Some("4 outside US: 2 IN, 1 GB, 1 IE")
    );
    let rejected: Vec<String> = report
        .rejected
        .iter()
        .map(|r| format!("line {}: {}", r.line, r.reason))
        .collect();
    assert_eq!(
        rejected,
        [
            "line 22: not a phone number",
            "line 26: too short for US",
            "line 28: missing phone"
        ]
    );
    assert_eq!(
        (report.duplicates[0].line, report.duplicates[0].first_line),
        (25, 2)
    );
    assert_eq!(
        report.samples[0],
        r#"{"phoneNumber":"12125550143","name":"Ann Lee","plan":"Gold","due_date":"2025-07-01","amount_due":"49.00"}"#
    );
}

#[test]
fn a_request_is_not_marked_for_sending_unless_the_journal_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "a.csv", b"phone\n2125550143\n");
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    let mut journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
    // The journal's folder is gone and a file stands in its place: no
    // write can succeed there (this holds even for root, unlike
    // permissions).
    std::fs::remove_dir_all(&imports).unwrap();
    std::fs::write(&imports, b"").unwrap();
    let error = journal.mark_sending(0).unwrap_err();
    assert!(matches!(error, JournalError::Io { .. }), "{error}");
    // Memory agrees with the disk: still planned, so the caller does not send.
    assert_eq!(journal.requests()[0].state, RequestState::Planned);
    assert_eq!(journal.next_to_send().unwrap().index, 0);
}

#[test]
fn an_older_versions_before_file_is_read_once_into_the_journal_then_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "big.csv", generated_csv(2_500).as_bytes());
    let file = open_file(&path);
    let (_, report) = check_guessed(&file, us());
    let imports = journal_dir(&dir);
    // What the import view of an older version left: a journal without
    // the figure, and the figure in a `.before` file beside it.
    let mut journal = ImportJournal::start(&imports, BATCH, &report.plan, None).unwrap();
    journal.mark_sending(0).unwrap();
    let legacy = journal.path().with_extension("before");
    std::fs::write(&legacy, "120").unwrap();
    drop(journal);

    // Reading does not change the files (it may run without the lock).
    let mut journal = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    assert_eq!(journal.batch_total_before(), Some(120));
    assert!(legacy.exists());
    // The next write records it in the journal, and the file goes.
    journal.resolve_unknown(0, Resolution::WasAdded).unwrap();
    assert!(!legacy.exists());
    let again = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    assert_eq!(again.batch_total_before(), Some(120));

    // A journal that has its own figure keeps it; forgetting the import
    // removes a stray file too.
    std::fs::write(&legacy, "999").unwrap();
    let journal = ImportJournal::find(&imports, BATCH, file.identity())
        .unwrap()
        .unwrap();
    assert_eq!(journal.batch_total_before(), Some(120));
    journal.discard().unwrap();
    assert!(!legacy.exists());
    assert!(std::fs::read_dir(&imports).unwrap().all(|e| {
        let name = e.unwrap().file_name();
        name.to_string_lossy().ends_with(".lock")
    }));
}
