//! `weya-tui phones`: the workspace's phone numbers, and the phone book's
//! local ones, as the form's picker lists them.

use std::io;

use serde::Serialize;

use super::output::{CredentialUsed, Io, listing, visible};
use crate::api::{Phone, WeyaClient};
use crate::form::phones::{PhonePicker, Source};

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
