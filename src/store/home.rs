//! Where the operator was when the app last ended: the form or the
//! campaign views. It decides where the app opens when the journal does
//! not (see `tui::shell::Shell::new`). One word in `last-view` in the state
//! folder; a missing or unreadable file is no answer, never an error.

use std::path::Path;

/// The screen the app ended on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// The create view.
    Form,
    /// The batch list, or a view opened over it (a batch, an import, the
    /// phones).
    Batches,
}

impl Home {
    fn word(self) -> &'static str {
        match self {
            Self::Form => "form",
            Self::Batches => "batches",
        }
    }
}

/// What the last session left, if it left anything readable.
pub fn read(path: &Path) -> Option<Home> {
    let text = std::fs::read_to_string(path).ok()?;
    [Home::Form, Home::Batches]
        .into_iter()
        .find(|home| text.trim() == home.word())
}

/// Keeps `home` for the next start (nothing is lost if it cannot be
/// written: the app then opens as if it were the first time).
pub fn write(path: &Path, home: Home) -> std::io::Result<()> {
    super::atomic_replace_volatile(path, format!("{}\n", home.word()).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_is_read_back_and_anything_else_is_no_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("last-view");
        assert_eq!(read(&path), None);
        write(&path, Home::Batches).unwrap();
        assert_eq!(read(&path), Some(Home::Batches));
        write(&path, Home::Form).unwrap();
        assert_eq!(read(&path), Some(Home::Form));
        std::fs::write(&path, "elsewhere").unwrap();
        assert_eq!(read(&path), None);
    }
}
