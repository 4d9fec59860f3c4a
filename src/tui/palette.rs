//! The command palette (Ctrl-P): every view and action that applies now,
//! read from the keymap table, found by typing a few letters of it.

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{self, Action, BINDINGS, Binding, Scope};
use crate::form::line::{LineInput, paste_notice};

/// Longest query kept: the palette is for a few letters.
const MAX_QUERY: usize = 64;

/// The palette's state.
#[derive(Debug, Clone)]
pub struct Palette {
    /// The form's line input: the cursor moves and readline's keys edit,
    /// as in every text input.
    query: LineInput,
    /// The commands it offers, in the order of the keymap table.
    entries: Vec<&'static Binding>,
    /// Those that match the query, best first (indexes into `entries`).
    pub matches: Vec<usize>,
    /// The highlighted match.
    pub cursor: usize,
    /// What the last paste lost (its control characters), until the next key.
    pasted: Option<String>,
}

/// What a key in the palette asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteKey {
    /// The palette stays open.
    Stay,
    Close,
    /// Close and do this.
    Run(Action),
}

/// Movement and editing keys: a palette entry that only moves a cursor
/// is no command.
fn is_command(action: Action) -> bool {
    !matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
            | Action::Accept
            | Action::Cancel
            | Action::CloseHelp
            | Action::Palette
            | Action::Complete
            | Action::Edit(_)
    )
}

impl Palette {
    /// The palette over a screen whose keys are `scopes`: what those keys
    /// do, once each.
    pub fn new(scopes: &[Scope]) -> Self {
        let mut entries: Vec<&'static Binding> = Vec::new();
        for scope in scopes {
            for binding in BINDINGS.iter().filter(|b| b.scope == *scope) {
                if is_command(binding.action) && entries.iter().all(|e| e.action != binding.action)
                {
                    entries.push(binding);
                }
            }
        }
        let mut palette = Self {
            query: LineInput::new("", MAX_QUERY),
            matches: Vec::new(),
            entries,
            cursor: 0,
            pasted: None,
        };
        palette.refilter();
        palette
    }

    pub fn query(&self) -> &str {
        self.query.value()
    }

    /// The query's input, to draw with its cursor.
    pub fn input(&self) -> &LineInput {
        &self.query
    }

    /// What the last paste lost, said under the query until the next key.
    pub fn paste_notice(&self) -> Option<&str> {
        self.pasted.as_deref()
    }

    /// The entries that match, best first, with their key labels.
    pub fn shown(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        self.matches
            .iter()
            .map(|&i| (self.entries[i].help, keymap::keys_label(self.entries[i])))
    }

    /// A key: Esc, Enter and the arrows up and down work the list; every
    /// other key edits the query as any text input does.
    pub fn on_key(&mut self, key: KeyEvent) -> PaletteKey {
        self.pasted = None;
        match key.code {
            KeyCode::Esc => return PaletteKey::Close,
            KeyCode::Enter => {
                return self
                    .matches
                    .get(self.cursor)
                    .map_or(PaletteKey::Stay, |&i| {
                        PaletteKey::Run(self.entries[i].action)
                    });
            }
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => {
                self.cursor = (self.cursor + 1).min(self.matches.len().saturating_sub(1));
            }
            _ if self.query.handle_key(key) => self.refilter(),
            _ => {}
        }
        PaletteKey::Stay
    }

    /// Pasted text joins the query at the cursor: its first line
    /// (terminals send a line break in a paste as CR or LF), as the form's
    /// one-line inputs take a paste, cut at the query's limit, and saying
    /// which control characters it dropped, as they do.
    pub fn on_paste(&mut self, text: &str) {
        let first = text.split(['\r', '\n']).next().unwrap_or_default();
        self.pasted = paste_notice(first);
        let before = self.query.value().len();
        self.query.paste(first);
        if self.query.value().len() != before {
            self.refilter();
        }
    }

    fn refilter(&mut self) {
        let mut scored: Vec<(usize, i64)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, b)| fuzzy_score(self.query.value(), b.help).map(|s| (i, s)))
            .collect();
        // Stable: equal scores keep the table's order.
        scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
        self.matches = scored.into_iter().map(|(i, _)| i).collect();
        self.cursor = 0;
    }
}

/// How well `query` matches `text`, VS Code style: every letter of the
/// query in order (case ignored, spaces in the query ignored), scoring
/// letters at the start and at word starts, and letters in a row, above
/// scattered ones. `None` when some letter is missing.
pub fn fuzzy_score(query: &str, text: &str) -> Option<i64> {
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let query: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let Some(&first) = query.first() else {
        return Some(0);
    };
    // Each place the first letter occurs may begin the best match: the
    // "temp" of "template" beats the one spread over "the form … template".
    (0..text.len())
        .filter(|&start| text[start] == first)
        .filter_map(|start| score_from(&query, &text, start))
        .max()
}

/// The score of the match of `query` that begins at `start`, each later
/// letter taken as soon as it comes.
fn score_from(query: &[char], text: &[char], start: usize) -> Option<i64> {
    let mut score = -i64::try_from(start / 8).unwrap_or(i64::MAX);
    let mut previous: Option<usize> = None;
    let mut at = start;
    for &wanted in query {
        let found = (at..text.len()).find(|&i| text[i] == wanted)?;
        score += 1;
        if found == 0 {
            score += 8;
        } else if !text[found - 1].is_alphanumeric() {
            score += 4;
        }
        if previous.is_some_and(|p| p + 1 == found) {
            score += 5;
        }
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_match_and_word_starts_rank_first() {
        assert!(fuzzy_score("btc", "Batches: the list").is_some());
        assert!(fuzzy_score("xyz", "Batches: the list").is_none());
        let start = fuzzy_score("batch", "Batches: the list of batches").unwrap();
        let inside = fuzzy_score("batch", "New batch: the form").unwrap();
        assert!(start > inside, "{start} > {inside}");
        let together = fuzzy_score("temp", "Save the form as a named template").unwrap();
        let scattered = fuzzy_score("temp", "The empty plan").unwrap();
        assert!(together > scattered, "{together} > {scattered}");
    }

    #[test]
    fn the_palette_lists_each_action_of_the_screen_once_and_no_movement() {
        let palette = Palette::new(&[Scope::Global, Scope::Form, Scope::FormText]);
        let actions: Vec<Action> = palette
            .matches
            .iter()
            .map(|&i| palette.entries[i].action)
            .collect();
        assert!(actions.contains(&Action::Review));
        assert!(actions.contains(&Action::Show(crate::tui::keymap::Route::Batches)));
        assert_eq!(
            actions.iter().filter(|a| **a == Action::NextField).count(),
            1
        );
        assert!(!actions.contains(&Action::Palette));
    }

    #[test]
    fn a_paste_fills_the_query_up_to_its_limit_and_no_further() {
        let mut palette = Palette::new(&[Scope::Global]);
        palette.on_paste("b");
        palette.on_paste(&"a".repeat(MAX_QUERY * 2));
        assert_eq!(palette.query().chars().count(), MAX_QUERY);
        assert!(palette.query().starts_with("ba"));
        assert!(palette.matches.is_empty(), "nothing has that many a's");
    }

    #[test]
    fn a_paste_that_loses_control_characters_says_so_until_the_next_key() {
        let mut palette = Palette::new(&[Scope::Global]);
        palette.on_paste("he\u{1b}[1mlp");
        assert_eq!(palette.query(), "help", "the whole colour code went");
        assert_eq!(
            palette.paste_notice(),
            Some(
                "Removed 1 terminal escape sequence from the paste (a colour or title copied with the text)"
            )
        );
        palette.on_key(KeyEvent::from(KeyCode::Backspace));
        assert_eq!(palette.paste_notice(), None);
        palette.on_paste("help");
        assert_eq!(palette.paste_notice(), None, "nothing lost, nothing said");
    }
}
