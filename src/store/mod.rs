//! What weya-tui keeps on disk, under the XDG directories. Nothing here is
//! called from the UI loop: effects run it on blocking threads (or, for
//! [`phonebook::add_phone`], in a task that writes on one), and `main`
//! reads what the app starts with before the UI starts. Where the files are
//! is [`crate::config::Paths`].

pub mod draft;
pub mod home;
pub mod journal;
pub mod jsonl;
pub mod lock;
pub mod phonebook;
pub mod template;

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes` so that a reader (or a crash) sees the old
/// file or the new one, never a mix: write a temporary file beside it, fsync,
/// rename over, fsync the folder.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_via_temp(path, bytes, true, true)
}

/// [`atomic_write`] without the two fsyncs: for a file that means nothing
/// after a crash or a power cut (the address of a sandbox that died with
/// it), so the start of the app does not wait on the disk for it.
pub fn atomic_replace_volatile(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_via_temp(path, bytes, true, false)
}

/// [`atomic_write`], but only where no file is: an existing one is left
/// alone and the error's kind is `AlreadyExists`. The check and the rename
/// are one step, so a file created meanwhile by another process is safe too.
pub fn atomic_create(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_via_temp(path, bytes, false, true)
}

fn write_via_temp(path: &Path, bytes: &[u8], replace: bool, durable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    if !durable {
        return Ok(());
    }
    std::fs::File::open(dir)?.sync_all()
}
