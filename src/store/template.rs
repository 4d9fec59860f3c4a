//! Batch files: the create-batch body as a file, in JSON (exactly the API
//! body, so a body copied from Weya's documentation works) or TOML with the
//! same keys. Used by `--from`, `create --file` and the TUI's templates.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::api::CallingHour;

/// The largest batch file read. 10 MB holds over 350,000 phone IDs; a
/// larger file is a mistake, and reading it whole would take memory the
/// size of several copies of it.
pub const MAX_FILE_BYTES: u64 = 10 * 1000 * 1000;

/// A batch file. Every field is optional here: a template may hold only
/// some; what the request needs is checked by the form's validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calling_numbers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "strict_hour"
    )]
    pub calling_hour: Option<CallingHour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_days: Option<Vec<u8>>,
}

/// `callingHour` with nothing but `start` and `end`: the API type is lenient
/// (it also reads Weya's answers), a file is not.
fn strict_hour<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CallingHour>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        start: String,
        end: String,
    }
    let hour = Option::<Strict>::deserialize(d)?;
    Ok(hour.map(|h| CallingHour {
        start: h.start,
        end: h.end,
    }))
}

impl BatchFile {
    /// The form's fields this file gives a value for.
    pub fn given_fields(&self) -> Vec<crate::form::FieldId> {
        use crate::form::FieldId;
        let given = [
            (self.batch_name.is_some(), &[FieldId::Name][..]),
            (self.calling_numbers.is_some(), &[FieldId::Numbers]),
            (self.timezone.is_some(), &[FieldId::Timezone]),
            (
                self.calling_hour.is_some(),
                &[FieldId::WindowStart, FieldId::WindowEnd],
            ),
            (self.allowed_days.is_some(), &[FieldId::Days]),
            (self.retry.is_some(), &[FieldId::Retries]),
            (self.delay.is_some(), &[FieldId::Delay]),
        ];
        given
            .into_iter()
            .filter(|(is, _)| *is)
            .flat_map(|(_, fields)| fields.iter().copied())
            .collect()
    }

    /// A list that names the same phone ID or day twice is refused: which
    /// of the two was meant cannot be told, and sending it once would send
    /// something other than the file.
    fn check_repeats(&self) -> Result<(), (String, String)> {
        fn first_repeat<T: std::hash::Hash + Eq>(items: &[T]) -> Option<(usize, usize)> {
            let mut seen = HashMap::with_capacity(items.len());
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| seen.insert(item, i).map(|first| (first, i)))
        }
        if let Some(ids) = &self.calling_numbers
            && let Some((first, again)) = first_repeat(ids)
        {
            return Err((
                format!("callingNumbers[{again}]"),
                format!(
                    "{} is listed again (first as callingNumbers[{first}]); list each phone ID once",
                    crate::text::visible(&ids[again])
                ),
            ));
        }
        if let Some(days) = &self.allowed_days
            && let Some((first, again)) = first_repeat(days)
        {
            return Err((
                format!("allowedDays[{again}]"),
                format!(
                    "{} is listed again (first as allowedDays[{first}]); list each day once",
                    days[again]
                ),
            ));
        }
        Ok(())
    }
}

/// A file that could not be read as a batch, said so that it can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default(), field.as_deref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct FileError {
    pub path: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// Which syntax a batch file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
}

impl Format {
    /// By extension; anything but `.toml` is read as JSON.
    pub fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => Self::Toml,
            _ => Self::Json,
        }
    }
}

/// Reads and parses a batch file. Anything but a regular file (a FIFO, a
/// device, a directory) is refused before it is opened: opening a FIFO
/// waits for a writer, and a device may never end. A file over
/// [`MAX_FILE_BYTES`] is refused by its size before it is read.
pub fn read(path: &Path) -> Result<BatchFile, FileError> {
    let shown = path.display().to_string();
    let fail = |message: String| FileError {
        path: shown.clone(),
        line: None,
        field: None,
        message,
    };
    let too_large = |bytes: Option<u64>| {
        let size = bytes.map_or_else(
            || "more than 10 MB".to_owned(),
            |n| format!("{:.1} MB", n as f64 / 1e6),
        );
        fail(format!(
            "the file is {size}; a batch file may be at most 10 MB (over 350,000 phone IDs)"
        ))
    };
    let refuse = |kind: std::fs::FileType| {
        fail(format!(
            "{} is {}: a batch file must be a regular file",
            shown,
            crate::config::not_a_file(kind).unwrap_or("not a regular file")
        ))
    };
    let kind = std::fs::metadata(path)
        .map_err(|e| fail(e.to_string()))?
        .file_type();
    if !kind.is_file() {
        return Err(refuse(kind));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    // Once more on what was opened: the path may have changed in between.
    let metadata = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !metadata.is_file() {
        return Err(refuse(metadata.file_type()));
    }
    let size = metadata.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(Some(size)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or_default());
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(None));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "byte {} is not UTF-8: a batch file is UTF-8 text",
            e.utf8_error().valid_up_to() + 1
        ))
    })?;
    parse(&text, Format::of(path), &shown)
}

/// Parses `text`; errors name the line and, where it is known, the field.
pub fn parse(text: &str, format: Format, path: &str) -> Result<BatchFile, FileError> {
    let error = |line: Option<usize>, field: String, message: String| FileError {
        path: path.to_owned(),
        line,
        field: (!field.is_empty() && field != ".").then_some(field),
        message,
    };
    let file: BatchFile = match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let file = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let field = e.path().to_string();
                let inner = e.into_inner();
                let message = explain_unknown(&strip_position(&inner.to_string()));
                error(Some(inner.line()), field, message)
            })?;
            // What follows the object (a second one, a stray word) is not
            // ignored: which of them was meant cannot be told.
            de.end().map_err(|e| {
                error(
                    Some(e.line()),
                    String::new(),
                    "the file goes on after the batch's object ends: a batch file holds one \
                     JSON object and nothing after it"
                        .to_owned(),
                )
            })?;
            file
        }
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| {
                error(
                    line_of(text, e.span()),
                    String::new(),
                    e.message().to_owned(),
                )
            })?;
            serde_path_to_error::deserialize(de).map_err(|e| {
                let field = e.path().to_string();
                let inner = e.into_inner();
                error(
                    line_of(text, inner.span()),
                    field,
                    explain_unknown(inner.message()),
                )
            })?
        }
    };
    file.check_repeats()
        .map_err(|(field, message)| error(None, field, message))?;
    Ok(file)
}

/// serde says "unknown field `retries`, expected one of `batchName`, …";
/// this adds the likeliest meant key: "did you mean `retry`?".
fn explain_unknown(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let mut quoted = rest.split('`').step_by(2);
    let Some(unknown) = quoted.next() else {
        return message.to_owned();
    };
    let known: Vec<&str> = quoted.collect();
    match did_you_mean(unknown, &known) {
        Some(key) => format!("unknown field `{unknown}`; did you mean `{key}`?"),
        None => format!(
            "unknown field `{unknown}`; the fields are {}",
            known.join(", ")
        ),
    }
}

/// The known key closest to `unknown`, if any is close: case, `_` and `-`
/// are ignored (`allowed_days` is `allowedDays`), then spelling is compared.
fn did_you_mean<'k>(unknown: &str, known: &[&'k str]) -> Option<&'k str> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = fold(unknown);
    known
        .iter()
        .map(|&k| (k, strsim::jaro_winkler(&wanted, &fold(k))))
        .filter(|&(_, score)| score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// serde_json ends its messages with " at line L column C"; the line is
/// reported on its own.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    let before = text.get(..span?.start)?;
    Some(before.matches('\n').count() + 1)
}

/// Why a template was not saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// A template of this name exists, and replacing it was not asked for.
    #[error("a template named “{0}” exists")]
    Exists(String),
    #[error("{0}")]
    Failed(String),
}

impl From<String> for SaveError {
    fn from(why: String) -> Self {
        Self::Failed(why)
    }
}

/// The most characters a template name holds.
const MAX_NAME_CHARS: usize = 64;

/// Whether a template name may hold `c`: what people type in a name, and
/// nothing a path or a terminal gives a meaning to.
fn name_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            ' ' | '_' | '.' | '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '–' | '—' | '\u{2015}'
        )
}

/// The TUI's templates: `NAME.json` files in one folder.
#[derive(Debug, Clone)]
pub struct Templates {
    pub dir: PathBuf,
}

impl Templates {
    /// A name as people type it that is safe as a file name: letters and
    /// digits of any script, spaces, dashes (`-`, `–`, `—`), `_` and `.`,
    /// not starting with `.` (a hidden file, or `..`). The first character
    /// that is not allowed is named.
    pub fn check_name(name: &str) -> Result<String, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Give the template a name".into());
        }
        if let Some(c) = name.chars().find(|&c| !name_char(c)) {
            return Err(format!(
                "{} cannot be in a template name: use letters, digits, spaces, dashes, _ or .",
                crate::text::quoted(c)
            ));
        }
        if name.starts_with('.') {
            return Err("A template name cannot start with “.”: the file would be hidden".into());
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(format!(
                "{chars} characters; a template name holds at most {MAX_NAME_CHARS}"
            ));
        }
        // File systems count bytes: 255 for the name with its ".json".
        if name.len() > 250 {
            return Err("Too long for a file name: use fewer characters".into());
        }
        Ok(name.to_owned())
    }

    /// A name that passes [`Self::check_name`], from a batch's name: what
    /// the rule refuses becomes a space ("May: EU/UK" is "May EU UK").
    pub fn suggest_name(batch_name: &str) -> String {
        let kept: String = batch_name
            .chars()
            .map(|c| if name_char(c) { c } else { ' ' })
            .collect();
        let words = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        let name: String = words
            .trim_start_matches('.')
            .chars()
            .take(MAX_NAME_CHARS)
            .collect();
        let mut name = name.trim().to_owned();
        while name.len() > 250 {
            name.pop();
        }
        name
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// Writes a template atomically. One of the same name is replaced only
    /// with `replace`; otherwise it is left as it is and the answer is
    /// [`SaveError::Exists`].
    pub fn save(&self, name: &str, file: &BatchFile, replace: bool) -> Result<PathBuf, SaveError> {
        let name = Self::check_name(name)?;
        let text = serde_json::to_string_pretty(file).map_err(|e| e.to_string())?;
        let path = self.path(&name);
        let written = if replace {
            super::atomic_write(&path, text.as_bytes())
        } else {
            super::atomic_create(&path, text.as_bytes())
        };
        match written {
            Ok(()) => Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(SaveError::Exists(name)),
            Err(e) => Err(SaveError::Failed(format!(
                "cannot write {}: {e}",
                path.display()
            ))),
        }
    }

    /// The names of the saved templates, sorted.
    pub fn list(&self) -> Result<Vec<String>, String> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read {}: {e}", self.dir.display())),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let path = e.path();
                (path.extension()? == "json")
                    .then(|| path.file_stem()?.to_str().map(str::to_owned))?
            })
            .collect();
        names.sort();
        Ok(names)
    }

    pub fn load(&self, name: &str) -> Result<BatchFile, String> {
        read(&self.path(name)).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_of_the_same_name_is_replaced_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates {
            dir: dir.path().join("templates"),
        };
        templates.save("Mornings", &full(), false).unwrap();
        let other = BatchFile {
            batch_name: Some("other".into()),
            ..BatchFile::default()
        };
        assert_eq!(
            templates.save("Mornings", &other, false),
            Err(SaveError::Exists("Mornings".into()))
        );
        assert_eq!(templates.load("Mornings"), Ok(full()), "left as it was");
        templates.save("Mornings", &other, true).unwrap();
        assert_eq!(templates.load("Mornings"), Ok(other));
    }

    const DOC_EXAMPLE: &str = r#"{"batchName":"API Campaign May 2025","callingNumbers":["64e5f12345abcdef87654321"],
 "retry":3,"delay":60,"timezone":"America/New_York",
 "callingHour":{"start":"09:00","end":"17:00"},"allowedDays":[1,2,3,4,5]}"#;

    fn full() -> BatchFile {
        BatchFile {
            batch_name: Some("API Campaign May 2025".into()),
            calling_numbers: Some(vec!["64e5f12345abcdef87654321".into()]),
            retry: Some(3),
            delay: Some(60),
            timezone: Some("America/New_York".into()),
            calling_hour: Some(CallingHour {
                start: "09:00".into(),
                end: "17:00".into(),
            }),
            allowed_days: Some(vec![1, 2, 3, 4, 5]),
        }
    }

    #[test]
    fn the_documented_body_reads_as_a_batch_file() {
        assert_eq!(parse(DOC_EXAMPLE, Format::Json, "x.json"), Ok(full()));
    }

    #[test]
    fn toml_with_the_same_keys_reads_the_same() {
        let toml = "batchName = \"API Campaign May 2025\"\ncallingNumbers = [\"64e5f12345abcdef87654321\"]\n\
                    retry = 3\ndelay = 60\ntimezone = \"America/New_York\"\nallowedDays = [1, 2, 3, 4, 5]\n\
                    [callingHour]\nstart = \"09:00\"\nend = \"17:00\"\n";
        assert_eq!(parse(toml, Format::Toml, "x.toml"), Ok(full()));
    }

    #[test]
    fn both_formats_round_trip() {
        let json = serde_json::to_string_pretty(&full()).unwrap();
        assert_eq!(parse(&json, Format::Json, "t.json"), Ok(full()));
        let toml = toml::to_string(&full()).unwrap();
        assert_eq!(parse(&toml, Format::Toml, "t.toml"), Ok(full()));
        let sparse = BatchFile {
            batch_name: Some("only a name".into()),
            ..BatchFile::default()
        };
        let toml = toml::to_string(&sparse).unwrap();
        assert_eq!(parse(&toml, Format::Toml, "t.toml"), Ok(sparse));
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let e = parse(
            "{\n  \"batchName\": \"x\",\n  \"retry\": \"3\"\n}",
            Format::Json,
            "b.json",
        )
        .unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(3), Some("retry")),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "b.json, line 3, field retry: invalid type: string \"3\", expected u32"
        );

        let e = parse(
            "batchName = \"x\"\n\n[callingHour]\nstart = 9\n",
            Format::Toml,
            "b.toml",
        )
        .unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(4), Some("callingHour.start")),
            "{e}"
        );

        let e = parse(
            "batchName = \"x\"\nbatchname = \"y\"\n",
            Format::Toml,
            "b.toml",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("unknown field `batchname`"), "{e}");

        let e = parse("{\"batchName\": ", Format::Json, "b.json").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_key_meant() {
        for (text, format, unknown, meant) in [
            (r#"{"retries": 3}"#, Format::Json, "retries", "retry"),
            (
                r#"{"allowed_days": [1]}"#,
                Format::Json,
                "allowed_days",
                "allowedDays",
            ),
            (
                "callingHours = { start = \"09:00\", end = \"17:00\" }\n",
                Format::Toml,
                "callingHours",
                "callingHour",
            ),
            (
                "batchname = \"x\"\n",
                Format::Toml,
                "batchname",
                "batchName",
            ),
            (
                r#"{"callingHour": {"start": "09:00", "end": "17:00", "ends": "18:00"}}"#,
                Format::Json,
                "ends",
                "end",
            ),
        ] {
            let e = parse(text, format, "b").unwrap_err();
            assert!(
                e.message.contains(&format!(
                    "unknown field `{unknown}`; did you mean `{meant}`?"
                )),
                "{e}"
            );
        }
        let e = parse(r#"{"colour": "red"}"#, Format::Json, "b.json").unwrap_err();
        assert!(
            e.message.ends_with("the fields are batchName, callingNumbers, retry, delay, timezone, callingHour, allowedDays"),
            "nothing close: every key is listed: {e}"
        );
    }

    #[test]
    fn a_repeated_id_or_day_is_refused_with_both_places() {
        let e = parse(
            r#"{"callingNumbers": ["64e5f12345abcdef87654321", "64e5f12345abcdef87654322", "64e5f12345abcdef87654321"]}"#,
            Format::Json,
            "b.json",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.json, field callingNumbers[2]: 64e5f12345abcdef87654321 is listed again \
             (first as callingNumbers[0]); list each phone ID once"
        );
        let e = parse("allowedDays = [1, 2, 1]\n", Format::Toml, "b.toml").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("allowedDays[2]"), "{e}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_by_its_size_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.json");
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: the size says 100 MB, nothing is written (or read).
        file.set_len(100 * 1000 * 1000).unwrap();
        let e = read(&path).unwrap_err();
        assert!(
            e.message
                .contains("100.0 MB; a batch file may be at most 10 MB"),
            "{e}"
        );
    }

    #[test]
    fn anything_but_a_regular_file_is_refused_unopened() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            e.message,
            "/dev/zero is a device: a batch file must be a regular file"
        );
        let e = read(dir.path()).unwrap_err();
        assert!(
            e.message
                .ends_with("is a directory: a batch file must be a regular file")
        );
        // A FIFO with no writer: opening it would wait for ever.
        let fifo = dir.path().join("batch.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = read(&fifo).unwrap_err();
            assert!(
                e.message
                    .ends_with("is a named pipe (FIFO): a batch file must be a regular file"),
                "{e}"
            );
        }
    }

    #[test]
    fn content_after_the_object_is_refused_with_its_line() {
        for text in [
            "{\"batchName\": \"x\"} xyz",
            "{\"batchName\": \"x\"}\n{\"batchName\": \"y\"}\n",
            "{\"batchName\": \"x\"}\n\n]",
        ] {
            let e = parse(text, Format::Json, "b.json").unwrap_err();
            assert!(
                e.message
                    .starts_with("the file goes on after the batch's object ends"),
                "{text:?}: {e}"
            );
            assert!(e.line.is_some(), "{e}");
        }
        let spaces = "{\"batchName\": \"x\"}\n  \n";
        assert!(
            parse(spaces, Format::Json, "b.json").is_ok(),
            "white space ends a file"
        );
    }

    #[test]
    fn templates_round_trip_in_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates {
            dir: dir.path().join("templates"),
        };
        assert_eq!(templates.list(), Ok(Vec::new()));
        templates.save("Weekday mornings", &full(), false).unwrap();
        templates.save("b", &BatchFile::default(), false).unwrap();
        assert_eq!(templates.list().unwrap(), vec!["Weekday mornings", "b"]);
        assert_eq!(templates.load("Weekday mornings"), Ok(full()));
        assert!(templates.save("../escape", &full(), false).is_err());
    }

    #[test]
    fn a_name_as_people_type_it_is_a_template_name() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates {
            dir: dir.path().join("templates"),
        };
        for name in [
            "Renewals – December",
            "Q3 — EU",
            "v1.2 follow_up",
            "Relances été",
            "नवीनीकरण",
        ] {
            assert_eq!(Templates::check_name(name).as_deref(), Ok(name));
            templates.save(name, &full(), false).unwrap();
            assert_eq!(templates.load(name), Ok(full()), "{name}");
        }
        assert!(
            templates
                .list()
                .unwrap()
                .contains(&"Renewals – December".to_owned())
        );
    }

    #[test]
    fn a_refused_name_names_the_character() {
        for (name, why) in [
            (
                "EU/UK",
                "“/” cannot be in a template name: use letters, digits, spaces, dashes, _ or .",
            ),
            (
                "May: EU",
                "“:” cannot be in a template name: use letters, digits, spaces, dashes, _ or .",
            ),
            (
                "a\u{1b}b",
                "U+001B ESCAPE cannot be in a template name: use letters, digits, spaces, dashes, _ or .",
            ),
            (
                "..",
                "A template name cannot start with “.”: the file would be hidden",
            ),
            ("", "Give the template a name"),
        ] {
            assert_eq!(Templates::check_name(name), Err(why.to_owned()), "{name}");
        }
        assert!(Templates::check_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn the_name_suggested_from_a_batch_passes_the_rule() {
        for (batch, suggested) in [
            ("Renewals – December", "Renewals – December"),
            ("May: EU/UK (2nd try)", "May EU UK 2nd try"),
            ("...hidden", "hidden"),
            ("  ", ""),
        ] {
            assert_eq!(Templates::suggest_name(batch), suggested);
        }
        let long = "é".repeat(120);
        let name = Templates::suggest_name(&long);
        assert_eq!(Templates::check_name(&name), Ok(name.clone()));
        assert_eq!(name.chars().count(), 64);
    }
}
