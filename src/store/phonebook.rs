//! The operator's phone book (`phonebook.toml`: phone ID → number, label,
//! integration) as weya-tui writes to it, and the one engine that
//! registers a number with Weya's add-phone and keeps the new phone ID
//! there: `weya-tui phones add` and the phone picker's dialog both call
//! [`add_phone`].
//!
//! Reading the book is [`crate::config::load_phone_book`]'s. Writing adds
//! one table at the end and leaves the rest of the file as the operator
//! wrote it (comments, order), so a hand-kept book survives. The
//! provider's auth token and account SID pass through [`add_phone`] to the
//! request's body and nowhere else: not the book, not a log, not an
//! error's text.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::api::types::is_object_id;
use crate::api::{AddedPhone, ApiError, Integration, Phone, PhoneRegistration, WeyaClient};

/// The longest label the book takes (a label names a number in a list).
pub const MAX_LABEL: usize = 60;

/// A field of an add-phone request, to say which one is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneField {
    Number,
    Integration,
    Label,
    AuthToken,
    AccountSid,
}

impl PhoneField {
    pub fn label(self) -> &'static str {
        match self {
            Self::Number => "Number",
            Self::Integration => "Integration",
            Self::Label => "Label",
            Self::AuthToken => "Auth token",
            Self::AccountSid => "Account SID",
        }
    }
}

/// A number to register and the label to keep it under. `Debug` hides
/// the secrets (see [`PhoneRegistration`]).
#[derive(Debug, Clone)]
pub struct NewPhone {
    pub registration: PhoneRegistration,
    pub label: String,
}

impl PartialEq for NewPhone {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.registration, &other.registration);
        self.label == other.label
            && a.phone_number == b.phone_number
            && a.integration == b.integration
            && a.auth_token.expose_secret() == b.auth_token.expose_secret()
            && a.account_sid.expose_secret() == b.account_sid.expose_secret()
    }
}

/// What the operator gave, checked: a [`NewPhone`], or every field that is
/// wrong with why. Nothing is changed without a word: a number is taken as
/// digits with its country code (`+` optional) or refused, never rewritten.
pub fn check(
    number: &str,
    integration: &str,
    label: &str,
    auth_token: SecretString,
    account_sid: SecretString,
) -> Result<NewPhone, Vec<(PhoneField, String)>> {
    let mut wrong = Vec::new();
    let number = number.trim();
    if let Err(why) = check_number(number) {
        wrong.push((PhoneField::Number, why));
    }
    let integration = integration
        .parse::<Integration>()
        .map_err(|why| wrong.push((PhoneField::Integration, why)))
        .ok();
    let label = label.trim();
    if label.chars().count() > MAX_LABEL {
        wrong.push((
            PhoneField::Label,
            format!(
                "A label is at most {MAX_LABEL} characters; this has {}",
                label.chars().count()
            ),
        ));
    } else if label.chars().any(char::is_control) {
        wrong.push((
            PhoneField::Label,
            "A label is one line of text, without control characters".to_owned(),
        ));
    }
    for (field, secret, name) in [
        (PhoneField::AuthToken, &auth_token, "auth token"),
        (PhoneField::AccountSid, &account_sid, "account SID"),
    ] {
        let secret = secret.expose_secret();
        if secret.trim().is_empty() {
            wrong.push((field, format!("The provider's {name} is required")));
        } else if secret.chars().any(char::is_control) {
            // Said without quoting it.
            wrong.push((field, format!("The {name} holds a control character")));
        }
    }
    match integration {
        Some(integration) if wrong.is_empty() => Ok(NewPhone {
            registration: PhoneRegistration {
                phone_number: number.to_owned(),
                integration,
                auth_token,
                account_sid,
            },
            label: label.to_owned(),
        }),
        _ => Err(wrong),
    }
}

/// Digits with the country code, `+` optional (`14155550100`), as Weya
/// writes numbers; 8 to 15 digits (E.164's most).
fn check_number(number: &str) -> Result<(), String> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if number.is_empty() {
        return Err("A number is required: digits with the country code".to_owned());
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Write the number as digits with the country code, + optional \
             (14155550100), not {}",
            crate::text::visible(number)
        ));
    }
    if !(8..=15).contains(&digits.len()) {
        return Err(format!(
            "A number with its country code has 8 to 15 digits; this has {}",
            digits.len()
        ));
    }
    Ok(())
}

/// A number registered and kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// As the picker and `phones` list it: the new ID, the number, the
    /// integration and the label.
    pub phone: Phone,
    /// add-phone's answer as it came.
    pub answer: AddedPhone,
    /// The phone book it was written to (`None` without a home to keep
    /// one in: the ID is shown, and must be kept by hand).
    pub book: Option<PathBuf>,
}

/// Why a number is not registered, or not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddPhoneError {
    /// Weya refused it, or could not be reached: nothing was registered,
    /// or (a timeout, a dropped answer) nobody knows. The error never
    /// quotes the token or the SID, even when the server's answer did.
    #[error(transparent)]
    Api(ApiError),
    /// A success whose `data` holds no phone ID: the number may have been
    /// registered.
    #[error(
        "add-phone answered without a phone ID (data._id was {0}): the number may have \
         been registered; look in Weya's dashboard before adding it again"
    )]
    NoPhoneId(String),
    /// Registered, but the phone book could not keep it: the ID is said
    /// here so it can be kept by hand.
    #[error(
        "{} was registered as phone ID {}, but the phone book could not keep it: {why}; \
         add it to phonebook.toml by hand (or give it as an ID)",
        crate::domain::phone::format_number(&phone.phone_number),
        phone.id
    )]
    NotKept { phone: Phone, why: String },
}

impl AddPhoneError {
    /// The API's error, for what a refused credential needs said.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::NoPhoneId(_) | Self::NotKept { .. } => None,
        }
    }
}

/// Registers `new` with add-phone, then keeps the new phone ID with its
/// number and label in the phone book at `book` (when there is one). The
/// one engine of `weya-tui phones add` and the picker's dialog.
pub async fn add_phone(
    client: &WeyaClient,
    new: &NewPhone,
    book: Option<&Path>,
) -> Result<Registered, AddPhoneError> {
    let secrets = [
        new.registration.auth_token.expose_secret(),
        new.registration.account_sid.expose_secret(),
    ];
    let answer = client
        .add_phone(&new.registration)
        .await
        .map_err(|e| AddPhoneError::Api(scrub(e, &secrets)))?;
    if !is_object_id(&answer.id) {
        let shown = scrub_text(&crate::text::visible(&answer.id), &secrets);
        return Err(AddPhoneError::NoPhoneId(format!("{shown:?}")));
    }
    let or_sent = |got: &str, sent: &str| {
        if got.is_empty() {
            sent.to_owned()
        } else {
            got.to_owned()
        }
    };
    let phone = Phone {
        id: answer.id.clone(),
        phone_number: or_sent(&answer.phone_number, &new.registration.phone_number),
        integration: or_sent(&answer.integration, new.registration.integration.as_str()),
        label: new.label.clone(),
    };
    let Some(book) = book else {
        return Ok(Registered {
            phone,
            answer,
            book: None,
        });
    };
    let (path, entry) = (book.to_owned(), phone.clone());
    let kept = tokio::task::spawn_blocking(move || add_entry(&path, &entry)).await;
    match kept {
        Ok(Ok(())) => Ok(Registered {
            phone,
            answer,
            book: Some(book.to_owned()),
        }),
        Ok(Err(e)) => Err(AddPhoneError::NotKept {
            phone,
            why: e.to_string(),
        }),
        Err(e) => Err(AddPhoneError::NotKept {
            phone,
            why: e.to_string(),
        }),
    }
}

/// Why the phone book was not written.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file as it is cannot be read: appending to it would bury the
    /// new entry in a file nothing reads.
    #[error("{0}")]
    Unreadable(String),
    #[error("{} already has phone ID {id}", path.display())]
    AlreadyThere { path: PathBuf, id: String },
}

/// One table of the book, as written.
#[derive(Serialize)]
struct BookEntry<'a> {
    number: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    label: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    integration: &'a str,
}

/// Adds `phone` to the book at `path` (created with its folder if
/// missing) as one more table at the end; the rest of the file is kept
/// byte for byte. Refused when the file cannot be read as a phone book or
/// already holds the ID. Blocking; a second writer waits its turn.
pub fn add_entry(path: &Path, phone: &Phone) -> Result<(), BookError> {
    let io = |source| BookError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    // Another weya-tui adding at the same moment must not lose this one
    // (the file is read, then replaced): one writer at a time.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".phonebook.lock"))
        .map_err(io)?;
    lock.lock().map_err(io)?;
    let existing = crate::config::load_phone_book(path).map_err(BookError::Unreadable)?;
    if existing.iter().any(|p| p.id == phone.id) {
        return Err(BookError::AlreadyThere {
            path: path.to_owned(),
            id: phone.id.clone(),
        });
    }
    let mut text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(e)),
    };
    let entry = BTreeMap::from([(
        phone.id.as_str(),
        BookEntry {
            number: &phone.phone_number,
            label: &phone.label,
            integration: &phone.integration,
        },
    )]);
    let table = toml::to_string(&entry)
        .map_err(|e| BookError::Unreadable(format!("cannot write the entry: {e}")))?;
    if !text.is_empty() {
        if !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        text.push(b'\n');
    }
    let _ = writeln!(
        text,
        "# Added by weya-tui (add-phone) on {}",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    text.extend_from_slice(table.as_bytes());
    crate::store::atomic_write(path, &text).map_err(io)
}

/// `e` with every occurrence of a secret taken out of the text it holds:
/// a server (or a proxy) may quote the body it refused.
fn scrub(e: ApiError, secrets: &[&str]) -> ApiError {
    let text = |s: String| scrub_text(&s, secrets);
    let opt = |s: Option<String>| s.map(text);
    match e {
        ApiError::Status {
            status,
            message,
            request_id,
            excerpt,
            retry_after,
        } => ApiError::Status {
            status,
            message: opt(message),
            request_id,
            excerpt: opt(excerpt),
            retry_after,
        },
        ApiError::Unexpected {
            status,
            excerpt,
            request_id,
        } => ApiError::Unexpected {
            status,
            excerpt: text(excerpt),
            request_id,
        },
        ApiError::Contradicted {
            status,
            message,
            request_id,
        } => ApiError::Contradicted {
            status,
            message: opt(message),
            request_id,
        },
        ApiError::NoBatchId {
            status,
            data,
            request_id,
        } => ApiError::NoBatchId {
            status,
            data: text(data),
            request_id,
        },
        ApiError::AuthRefused {
            status,
            action,
            used,
            used_from,
            message,
            excerpt,
            request_id,
        } => ApiError::AuthRefused {
            status,
            action,
            used,
            used_from,
            message: opt(message),
            excerpt: opt(excerpt),
            request_id,
        },
        ApiError::ListNotFound {
            path,
            message,
            excerpt,
            request_id,
        } => ApiError::ListNotFound {
            path,
            message: opt(message),
            excerpt: opt(excerpt),
            request_id,
        },
        ApiError::Config(message) => ApiError::Config(text(message)),
        ApiError::InvalidId { what, value } => ApiError::InvalidId {
            what,
            value: text(value),
        },
        ApiError::OtherBatch { asked, answered } => ApiError::OtherBatch {
            asked,
            answered: text(answered),
        },
        other @ (ApiError::Network { .. }
        | ApiError::TooLarge { .. }
        | ApiError::Redirected { .. }
        | ApiError::MissingSetting { .. }) => other,
    }
}

fn scrub_text(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_owned(), |text, secret| {
            text.replace(secret, "[secret]")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn each_wrong_field_is_named_and_nothing_is_rewritten() {
        let wrong = check(
            "+1 415 555 0100",
            "skype",
            &"x".repeat(61),
            secret(" "),
            secret("AC1"),
        )
        .unwrap_err();
        let fields: Vec<_> = wrong.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                PhoneField::Number,
                PhoneField::Integration,
                PhoneField::Label,
                PhoneField::AuthToken
            ]
        );
        let ok = check(
            " +14155550100 ",
            "Twilio",
            " Desk ",
            secret("tok"),
            secret("AC1"),
        )
        .unwrap();
        assert_eq!(ok.registration.phone_number, "+14155550100");
        assert_eq!(ok.registration.integration, Integration::Twilio);
        assert_eq!(ok.label, "Desk");
        let shown = format!("{ok:?}");
        assert!(!shown.contains("tok") && !shown.contains("AC1"), "{shown}");
    }

    #[test]
    fn an_entry_is_added_at_the_end_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/phonebook.toml");
        let phone = |id: &str, label: &str| Phone {
            id: id.into(),
            phone_number: "+14155550100".into(),
            integration: "twilio".into(),
            label: label.into(),
        };
        add_entry(&path, &phone("64e5f12345abcdef00000001", "SF \"desk\"")).unwrap();
        let hand = std::fs::read_to_string(&path).unwrap() + "# kept by hand\n";
        std::fs::write(&path, &hand).unwrap();
        add_entry(&path, &phone("64e5f12345abcdef00000002", "")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&hand), "{text}");
        let book = crate::config::load_phone_book(&path).unwrap();
        assert_eq!(book.len(), 2);
        assert_eq!(book[0].label, "SF \"desk\"");
        assert_eq!(book[1].phone_number, "14155550100");
        let again = add_entry(&path, &phone("64e5f12345abcdef00000002", "x")).unwrap_err();
        assert!(matches!(again, BookError::AlreadyThere { .. }), "{again}");
        std::fs::write(&path, "not toml [").unwrap();
        let bad = add_entry(&path, &phone("64e5f12345abcdef00000003", "x")).unwrap_err();
        assert!(matches!(bad, BookError::Unreadable(_)), "{bad}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not toml [");
    }

    #[test]
    fn a_refusal_that_quotes_the_body_loses_the_secrets() {
        let e = ApiError::Status {
            status: 400,
            message: Some(r#"bad body {"authToken":"tok-123","accSId":"AC9"}"#.into()),
            request_id: None,
            excerpt: None,
            retry_after: None,
        };
        let shown = scrub(e, &["tok-123", "AC9"]).to_string();
        assert!(
            !shown.contains("tok-123") && !shown.contains("AC9"),
            "{shown}"
        );
        assert!(shown.contains("[secret]"), "{shown}");
    }
}
