//! Batch files: the create-batch body as a file, in JSON (exactly the API
//! body, so a body copied from Weya's documentation works) or TOML with the
//! same keys. Used by `--from`, `create --file` and the TUI's templates.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::CallingHour;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calling_hour: Option<CallingHour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_days: Option<Vec<u8>>,
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

/// Reads and parses a batch file.
pub fn read(path: &Path) -> Result<BatchFile, FileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError {
        path: path.display().to_string(),
        line: None,
        field: None,
        message: e.to_string(),
    })?;
    parse(&text, Format::of(path), &path.display().to_string())
}

/// Parses `text`; errors name the line and, where it is known, the field.
pub fn parse(text: &str, format: Format, path: &str) -> Result<BatchFile, FileError> {
    let error = |line: Option<usize>, field: String, message: String| FileError {
        path: path.to_owned(),
        line,
        field: (!field.is_empty() && field != ".").then_some(field),
        message,
    };
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let field = e.path().to_string();
                let inner = e.into_inner();
                let message = strip_position(&inner.to_string());
                error(Some(inner.line()), field, message)
            })
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
                    inner.message().to_owned(),
                )
            })
        }
    }
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

/// The TUI's templates: `NAME.json` files in one folder.
#[derive(Debug, Clone)]
pub struct Templates {
    pub dir: PathBuf,
}

impl Templates {
    /// A name that is safe as a file name: letters, digits, space, `-`, `_`.
    pub fn check_name(name: &str) -> Result<String, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Give the template a name".into());
        }
        if name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        {
            return Err("Use up to 64 letters, digits, spaces, - or _".into());
        }
        Ok(name.to_owned())
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
}
