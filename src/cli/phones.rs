//! `weya-tui phones`: the workspace's phone numbers.

use std::io;

use super::output::{Io, listing, visible};
use crate::api::WeyaClient;

/// `phones`: the workspace's phone list.
pub async fn phones(client: &WeyaClient, io: &mut Io<'_>) -> io::Result<u8> {
    listing(client.list_phones().await, io, |phones, out| {
        writeln!(
            out,
            "{:<24}  {:<20}  {:<11}  LABEL",
            "PHONE ID", "NUMBER", "INTEGRATION"
        )?;
        for p in phones {
            let number = crate::form::phones::format_number(&p.phone_number);
            writeln!(
                out,
                "{:<24}  {:<20}  {:<11}  {}",
                visible(&p.id),
                visible(&number),
                visible(&p.integration),
                visible(&p.label)
            )?;
        }
        writeln!(out, "{} phone numbers", phones.len())
    })
}
