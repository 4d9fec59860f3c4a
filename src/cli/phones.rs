//! `weya-tui phones`: the workspace's phone numbers, and the phone book's
//! local ones, as the form's picker lists them; and `phones add`, which
//! registers a number with add-phone and keeps its phone ID in the book
//! (the engine is [`crate::store::phonebook::add_phone`]).

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Serialize;
use serde_json::json;

use super::output::{
    CredentialUsed, FAILED, Io, OK, REFUSED, api_failure, json_line, listing, visible,
};
use crate::api::{Integration, Phone, WeyaClient};
use crate::form::phones::{PhonePicker, Source};
use crate::store::phonebook::{self, AddPhoneError, PhoneField};

/// One row: a phone and where it comes from.
#[derive(Debug, Serialize)]
struct Listed {
    #[serde(flatten)]
    phone: Phone,
    /// `workspace` (the API's list) or `local` (`phonebook.toml` only).
    source: &'static str,
}

/// `phones`: the workspace's phone list, then the entries of the phone
/// book (`book`) it lacks, marked `local`, merged as the form's picker
/// merges them.
pub async fn phones(
    client: &WeyaClient,
    book: Vec<Phone>,
    credential: &CredentialUsed,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let rows = client.list_phones().await.map(|fetched| {
        let mut picker = PhonePicker::default();
        picker.finish_loading(Ok(fetched));
        picker.set_phone_book(book);
        picker
            .visible()
            .filter_map(|entry| {
                let source = match entry.source {
                    Source::Workspace => "workspace",
                    Source::Local => "local",
                    // Nothing is selected: no row is only an ID.
                    Source::Manual => return None,
                };
                Some(Listed {
                    phone: entry.phone.clone(),
                    source,
                })
            })
            .collect::<Vec<_>>()
    });
    listing(rows, credential, io, |rows, out| {
        writeln!(
            out,
            "{:<24}  {:<20}  {:<11}  {:<9}  LABEL",
            "PHONE ID", "NUMBER", "INTEGRATION", "SOURCE"
        )?;
        for row in rows {
            let p = &row.phone;
            let number = crate::domain::phone::format_number(&p.phone_number);
            writeln!(
                out,
                "{:<24}  {:<20}  {:<11}  {:<9}  {}",
                visible(&p.id),
                visible(&number),
                visible(&p.integration),
                row.source,
                visible(&p.label)
            )?;
        }
        let local = rows.iter().filter(|r| r.source == "local").count();
        match local {
            0 => writeln!(out, "{} phone numbers", rows.len()),
            n => writeln!(
                out,
                "{} phone numbers ({n} local: from phonebook.toml, not in the workspace's list)",
                rows.len()
            ),
        }
    })
}

/// What `phones add` was given on its command line.
#[derive(Debug)]
pub struct AddRequest<'a> {
    pub number: &'a str,
    pub integration: Integration,
    pub label: &'a str,
    /// The phone book to keep the new ID in (`None` without a home).
    pub book: Option<PathBuf>,
}

/// The number and label checked before anything else (the secrets are
/// not asked for yet): `Some(2)` when one is wrong, said on stderr.
pub fn refuse_early(request: &AddRequest<'_>, io: &mut Io<'_>) -> io::Result<Option<u8>> {
    let placeholder = || SecretString::from("-".to_owned());
    match phonebook::check(
        request.number,
        request.integration.as_str(),
        request.label,
        placeholder(),
        placeholder(),
    ) {
        Ok(_) => Ok(None),
        Err(wrong) => refuse(&wrong, io).map(Some),
    }
}

fn refuse(wrong: &[(PhoneField, String)], io: &mut Io<'_>) -> io::Result<u8> {
    let message = wrong
        .iter()
        .map(|(field, why)| format!("{}: {why}", field.label()))
        .collect::<Vec<_>>()
        .join("; ");
    let fields: Vec<&str> = wrong.iter().map(|(f, _)| f.label()).collect();
    io.fail(
        REFUSED,
        &format!("{message}; nothing was sent"),
        json!({ "fields": fields }),
    )
}

/// The provider's auth token and account SID.
pub struct Secrets {
    pub auth_token: SecretString,
    pub account_sid: SecretString,
}

/// Why the secrets were not read.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("interrupted")]
    Interrupted,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Asks for the provider's auth token and account SID on the terminal,
/// without echo, or reads them from standard input (one line each).
/// Never from a flag, and never shown.
pub fn read_secrets(integration: Integration) -> Result<Secrets, SecretsError> {
    if io::stdin().is_terminal() {
        let auth_token = read_hidden(&format!("{integration} auth token (not shown): "))?;
        let account_sid = read_hidden(&format!("{integration} account SID (not shown): "))?;
        return Ok(Secrets {
            auth_token,
            account_sid,
        });
    }
    let line = || -> io::Result<SecretString> {
        let mut text = String::new();
        io::stdin().lock().read_line(&mut text)?;
        Ok(SecretString::from(
            text.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    };
    Ok(Secrets {
        auth_token: line()?,
        account_sid: line()?,
    })
}

/// One line typed on the terminal with nothing shown: the terminal is in
/// raw mode while it is typed, so no echo, and Ctrl-C is a key that
/// stops the command (with the terminal put back). Backspace and Ctrl-U
/// edit; a paste is taken whole.
fn read_hidden(prompt: &str) -> Result<SecretString, SecretsError> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    let mut err = io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let mut typed = String::new();
    let read = loop {
        let key = match event::read() {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => key,
            Ok(Event::Paste(text)) => {
                typed.push_str(text.trim_end_matches(['\r', '\n']));
                continue;
            }
            Ok(_) => continue,
            Err(e) => break Err(SecretsError::Io(e)),
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => break Ok(()),
            KeyCode::Char('c' | 'd') if ctrl => break Err(SecretsError::Interrupted),
            KeyCode::Char('u') if ctrl => typed.clear(),
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if !ctrl => typed.push(c),
            _ => {}
        }
    };
    let restored = crossterm::terminal::disable_raw_mode();
    writeln!(err)?;
    restored?;
    read.map(|()| SecretString::from(typed))
}

/// `phones add`: checks everything, registers the number, keeps its new
/// phone ID in the phone book and says so; 0 when both happened, 1 when
/// Weya refused or failed (or the book could not keep the ID, which is
/// then shown), 2 when nothing was sent.
pub async fn add(
    client: &WeyaClient,
    request: &AddRequest<'_>,
    secrets: Secrets,
    credential: &CredentialUsed,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let new = match phonebook::check(
        request.number,
        request.integration.as_str(),
        request.label,
        secrets.auth_token,
        secrets.account_sid,
    ) {
        Ok(new) => new,
        Err(wrong) => return refuse(&wrong, io),
    };
    let registered = match phonebook::add_phone(client, &new, request.book.as_deref()).await {
        Ok(registered) => registered,
        Err(AddPhoneError::Api(e)) => return api_failure(io, &e, credential, json!({})),
        Err(e) => {
            // Registered but not kept: the ID, for a script to keep.
            let id = match &e {
                AddPhoneError::NotKept { phone, .. } => Some(phone.id.clone()),
                AddPhoneError::Api(_) | AddPhoneError::NoPhoneId(_) => None,
            };
            return io.fail(FAILED, &e.to_string(), json!({ "_id": id }));
        }
    };
    let phone = &registered.phone;
    if io.json {
        let value = json!({
            "_id": phone.id,
            "userId": registered.answer.user_id,
            "phoneNumber": registered.answer.phone_number,
            "integration": registered.answer.integration,
            "createdAt": registered.answer.created_at,
            "label": phone.label,
            "phoneBook": registered.book,
        });
        writeln!(io.out, "{}", json_line(&value))?;
        return Ok(OK);
    }
    writeln!(
        io.out,
        "Registered {} ({}) as phone ID {}",
        visible(&crate::domain::phone::format_number(&phone.phone_number)),
        visible(&phone.integration),
        visible(&phone.id)
    )?;
    match &registered.book {
        Some(book) => {
            let label = if phone.label.is_empty() {
                String::new()
            } else {
                format!(" as \"{}\"", visible(&phone.label))
            };
            writeln!(
                io.out,
                "Kept in {}{label}: the form's phone list offers it, and callingNumbers takes the ID.",
                visible(&book.display().to_string())
            )?;
        }
        None => writeln!(
            io.out,
            "No phone book to keep it in (no home directory): note the ID."
        )?,
    }
    Ok(OK)
}
