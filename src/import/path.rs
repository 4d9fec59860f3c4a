//! A path typed by the operator: `~` expansion and Tab completion. The
//! completion itself is pure (typed text and directory entries in,
//! candidates and completed text out); [`list_dir`] is the I/O that feeds
//! it, to run off the UI loop.

use std::io;
use std::path::{Path, PathBuf};

/// A directory entry as completion sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

impl Entry {
    pub fn file(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            is_dir: false,
        }
    }

    pub fn dir(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            is_dir: true,
        }
    }
}

/// What Tab makes of the typed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The typed text extended as far as every candidate agrees: the whole
    /// name when one matches (with `/` after a directory).
    pub text: String,
    /// The matching entries as whole typed texts, directories ending in
    /// `/`, sorted without regard to case.
    pub candidates: Vec<String>,
}

/// The operator's home directory.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_owned())
}

/// `path` as an operator reads it best: relative to the directory the app
/// runs in when it is under it, else `~/…` under the home directory, else
/// whole. Only for showing: the journal keys an import by the whole path.
pub fn shown(path: &Path, cwd: Option<&Path>, home: Option<&Path>) -> String {
    if let Some(rest) = cwd.and_then(|cwd| path.strip_prefix(cwd).ok())
        && !rest.as_os_str().is_empty()
    {
        return rest.display().to_string();
    }
    if let Some(rest) = home.and_then(|home| path.strip_prefix(home).ok()) {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

/// `~` and `~/…` with `home` in front; anything else (including
/// `~user`, not supported) unchanged.
pub fn expand_tilde(typed: &str, home: Option<&Path>) -> PathBuf {
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home.to_owned(),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(typed),
    }
}

/// `~/data/con` → (`~/data/`, `con`): the directory part as typed, with its
/// trailing `/`, and the start of a name in it.
pub fn split(typed: &str) -> (&str, &str) {
    if typed == "~" {
        return ("~", "");
    }
    match typed.rfind('/') {
        Some(slash) => typed.split_at(slash + 1),
        None => ("", typed),
    }
}

/// Tab on `typed`, given the entries of its directory part. Hidden entries
/// are candidates only when the typed name starts with a dot. Names are
/// matched by their start, exactly, else without regard to case (`con`
/// finds `Contacts.csv` when nothing starts with `con`).
pub fn complete(typed: &str, entries: &[Entry]) -> Completion {
    if typed == "~" {
        return Completion {
            text: "~/".to_owned(),
            candidates: vec!["~/".to_owned()],
        };
    }
    let (dir, prefix) = split(typed);
    let visible = |e: &&Entry| prefix.starts_with('.') || !e.name.starts_with('.');
    let mut matches: Vec<&Entry> = entries
        .iter()
        .filter(visible)
        .filter(|e| e.name.starts_with(prefix))
        .collect();
    if matches.is_empty() {
        let lower = prefix.to_lowercase();
        matches = entries
            .iter()
            .filter(visible)
            .filter(|e| e.name.to_lowercase().starts_with(&lower))
            .collect();
    }
    matches.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.name.cmp(&b.name))
    });
    let shown = |e: &Entry| {
        let slash = if e.is_dir { "/" } else { "" };
        format!("{dir}{}{slash}", e.name)
    };
    let candidates: Vec<String> = matches.iter().map(|e| shown(e)).collect();
    let text = match matches.as_slice() {
        [] => typed.to_owned(),
        [only] => shown(only),
        [first, rest @ ..] => {
            let common = rest.iter().fold(first.name.as_str(), |common, e| {
                common_prefix(common, &e.name)
            });
            // A case-insensitive match may share less than was typed: keep
            // what the operator typed then.
            if common.len() >= prefix.len() {
                format!("{dir}{common}")
            } else {
                typed.to_owned()
            }
        }
    };
    Completion { text, candidates }
}

/// The longest common start of `a` and `b`, on character boundaries.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i);
    // `min` above may cut inside a character of `a` only if `b` is a
    // prefix of it, which ends on one of `a`'s boundaries too.
    &a[..end]
}

/// The entries of `typed`'s directory part (`~` expanded) that an import
/// can use: directories, and the files `readable` accepts (the types
/// [`open`](super::open) reads: [`super::source::is_supported`]). Passed in,
/// so that paths know nothing of file formats.
pub fn list_dir(
    typed: &str,
    home: Option<&Path>,
    readable: impl Fn(&Path) -> bool,
) -> io::Result<Vec<Entry>> {
    let (dir, _) = split(typed);
    let dir = match dir {
        "" => PathBuf::from("."),
        "~" => expand_tilde("~", home),
        dir => expand_tilde(dir, home),
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // `metadata` follows links: a link to a directory completes as one.
        let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
        if is_dir || readable(&path) {
            entries.push(Entry { name, is_dir });
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_shown_from_where_the_operator_stands() {
        let (cwd, home) = (Path::new("/home/op/work"), Path::new("/home/op"));
        let shown = |p: &str| shown(Path::new(p), Some(cwd), Some(home));
        assert_eq!(shown("/home/op/work/lists/june.csv"), "lists/june.csv");
        assert_eq!(shown("/home/op/Downloads/june.csv"), "~/Downloads/june.csv");
        assert_eq!(shown("/srv/crm/june.csv"), "/srv/crm/june.csv");
        // Not a prefix by characters: /home/op/workshop is not under work.
        assert_eq!(shown("/home/op/workshop/a.csv"), "~/workshop/a.csv");
        assert_eq!(shown("/home/op/work"), "~/work");
        assert_eq!(shown("/x.csv"), "/x.csv");
        assert_eq!(super::shown(Path::new("/x.csv"), None, None), "/x.csv");
    }

    #[test]
    fn tilde_expands_to_home() {
        let home = Path::new("/home/ann");
        assert_eq!(expand_tilde("~", Some(home)), Path::new("/home/ann"));
        assert_eq!(
            expand_tilde("~/data/c.csv", Some(home)),
            Path::new("/home/ann/data/c.csv")
        );
        assert_eq!(
            expand_tilde("~bob/c.csv", Some(home)),
            Path::new("~bob/c.csv")
        );
        assert_eq!(expand_tilde("/tmp/~/x", Some(home)), Path::new("/tmp/~/x"));
        assert_eq!(expand_tilde("~/x", None), Path::new("~/x"));
    }

    #[test]
    fn tab_completes_to_the_common_prefix() {
        let entries = [
            Entry::file("contacts-june.csv"),
            Entry::file("contacts-july.xlsx"),
            Entry::dir("archive"),
            Entry::file(".hidden.csv"),
        ];
        let c = complete("~/data/con", &entries);
        assert_eq!(c.text, "~/data/contacts-ju");
        assert_eq!(
            c.candidates,
            ["~/data/contacts-july.xlsx", "~/data/contacts-june.csv"]
        );
        let c = complete("~/data/contacts-jun", &entries);
        assert_eq!(c.text, "~/data/contacts-june.csv");
        let c = complete("~/data/ar", &entries);
        assert_eq!(c.text, "~/data/archive/");
        let c = complete("~/data/", &entries);
        assert_eq!(c.candidates.len(), 3, "hidden files stay hidden");
        assert_eq!(c.text, "~/data/");
        let c = complete("~/data/.h", &entries);
        assert_eq!(c.text, "~/data/.hidden.csv");
        let c = complete("~/data/zzz", &entries);
        assert_eq!(c.text, "~/data/zzz");
        assert!(c.candidates.is_empty());
        assert_eq!(complete("~", &entries).text, "~/");
    }

    #[test]
    fn case_is_ignored_only_when_nothing_matches_exactly() {
        let entries = [Entry::file("Contacts.csv"), Entry::file("calls.csv")];
        assert_eq!(complete("con", &entries).text, "Contacts.csv");
        assert_eq!(complete("c", &entries).text, "calls.csv");
        let entries = [Entry::file("Ünïcode-a.csv"), Entry::file("Ünïcode-b.csv")];
        assert_eq!(complete("Ü", &entries).text, "Ünïcode-");
    }

    #[test]
    fn listing_keeps_directories_and_importable_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["a.csv", "b.XLSX", "c.ods", "notes.pdf"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let typed = format!("{}/", dir.path().display());
        let mut names: Vec<String> = list_dir(&typed, None, crate::import::source::is_supported)
            .unwrap()
            .into_iter()
            .map(|e| e.name + if e.is_dir { "/" } else { "" })
            .collect();
        names.sort();
        assert_eq!(names, ["a.csv", "b.XLSX", "c.ods", "sub/"]);
    }
}
