//! What weya-tui keeps on disk, under the XDG directories. Nothing here is
//! called from the UI loop: effects run it on blocking threads, and `main`
//! reads what the app starts with before the UI starts.

pub mod draft;
pub mod journal;
pub mod template;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the store's files are.
#[derive(Debug, Clone)]
pub struct StorePaths {
    pub journal: PathBuf,
    pub draft: PathBuf,
    pub templates: PathBuf,
}

/// Replaces `path` with `bytes` so that a reader (or a crash) sees the old
/// file or the new one, never a mix: write a temporary file beside it, fsync,
/// rename over, fsync the folder.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    std::fs::File::open(dir)?.sync_all()
}
