//! The command palette (Ctrl-P): every view and action that applies now,
//! read from the keymap table, and every action on a batch from anywhere
//! (asking which batch), found by typing a few letters of it; the batches
//! the app has seen are found by name too ("open june").

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{self, Action, BINDINGS, Binding, Pick, Scope};
use crate::api::BatchSummary;
use crate::form::line::{LineInput, paste_notice};
use crate::text::visible;

/// Longest query kept: the palette is for a few letters.
const MAX_QUERY: usize = 64;

/// One line of the palette.
#[derive(Debug, Clone)]
enum Entry {
    /// A binding of the keymap table.
    Command(&'static Binding),
    /// A batch: opened (the commands' list), or the one `Pick` acts on
    /// (the batch picker).
    Batch(Pick, BatchSummary),
}

/// The palette's state.
#[derive(Debug, Clone)]
pub struct Palette {
    /// The form's line input: the cursor moves and readline's keys edit,
    /// as in every text input.
    query: LineInput,
    /// What it offers, in the order of the keymap table, then the batches.
    entries: Vec<Entry>,
    /// Those that match the query, best first (indexes into `entries`).
    pub matches: Vec<usize>,
    /// The highlighted match.
    pub cursor: usize,
    /// What the last paste lost (its control characters), until the next key.
    pasted: Option<String>,
    /// Asking which batch an action is for, and whether the batches are
    /// still being read.
    picking: Option<(Pick, bool)>,
}

/// What a key in the palette asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteKey {
    /// The palette stays open.
    Stay,
    Close,
    /// Close and do this.
    Run(Action),
    /// Close and do this to that batch.
    RunOn(Pick, Box<BatchSummary>),
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

/// Whether the screen's own keys (`scopes` but the global ones) already
/// do `pick` to the batch on show: then the palette offers the screen's
/// command, not one that asks which batch.
fn done_here(pick: Pick, scopes: &[Scope]) -> bool {
    BINDINGS.iter().any(|b| {
        b.scope != Scope::Global
            && scopes.contains(&b.scope)
            && b.action == pick.action()
            // The calls' Enter opens a call, not a batch.
            && (pick != Pick::Open || b.scope == Scope::Batches)
    })
}

impl Palette {
    /// The palette over a screen whose keys are `scopes`: what those keys
    /// do, once each, the actions on a batch, and `batches` (those the app
    /// has seen) to open by name.
    pub fn new(scopes: &[Scope], batches: &[BatchSummary]) -> Self {
        let mut entries: Vec<Entry> = Vec::new();
        // The screen's own commands first, then those of anywhere.
        let own = scopes.iter().filter(|s| **s != Scope::Global);
        for scope in own.chain(scopes.iter().filter(|s| **s == Scope::Global)) {
            for binding in BINDINGS.iter().filter(|b| b.scope == *scope) {
                let kept = match binding.action {
                    Action::Pick(pick) => !done_here(pick, scopes),
                    action => is_command(action),
                };
                let seen = entries
                    .iter()
                    .any(|e| matches!(e, Entry::Command(c) if c.action == binding.action));
                if kept && !seen {
                    entries.push(Entry::Command(binding));
                }
            }
        }
        entries.extend(batches.iter().map(|b| Entry::Batch(Pick::Open, b.clone())));
        Self::with(entries, None)
    }

    /// The palette asking which batch `pick` is for, among `batches`;
    /// `loading` while they are being read.
    pub fn picker(pick: Pick, batches: &[BatchSummary], loading: bool) -> Self {
        let entries = batches
            .iter()
            .map(|b| Entry::Batch(pick, b.clone()))
            .collect();
        Self::with(entries, Some((pick, loading)))
    }

    fn with(entries: Vec<Entry>, picking: Option<(Pick, bool)>) -> Self {
        let mut palette = Self {
            query: LineInput::new("", MAX_QUERY),
            matches: Vec::new(),
            entries,
            cursor: 0,
            pasted: None,
            picking,
        };
        palette.refilter();
        palette
    }

    /// The action whose batch the palette asks for, if it does.
    pub fn picking(&self) -> Option<Pick> {
        self.picking.map(|(pick, _)| pick)
    }

    /// The batches have been read: the picker offers them, the query kept.
    pub fn batches_read(&mut self, batches: &[BatchSummary]) {
        if let Some((pick, loading)) = &mut self.picking {
            *loading = false;
            let pick = *pick;
            self.entries = batches
                .iter()
                .map(|b| Entry::Batch(pick, b.clone()))
                .collect();
            self.refilter();
        }
    }

    /// The title of its box.
    pub fn title(&self) -> String {
        match self.picking {
            Some((pick, _)) => {
                format!(" {} which batch? (type its name; Esc closes) ", pick.verb())
            }
            None => " Commands (Enter runs, Esc closes) ".to_owned(),
        }
    }

    /// What it says when nothing is listed.
    pub fn empty_text(&self) -> &'static str {
        match self.picking {
            Some((_, true)) => "Reading the batches…",
            Some((_, false)) if self.entries.is_empty() => "No batches yet. Ctrl-N creates one.",
            _ => "Nothing matches.",
        }
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

    /// The entries that match, best first, with their key labels (a
    /// batch: its status).
    pub fn shown(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.matches.iter().map(|&i| match &self.entries[i] {
            Entry::Command(b) => (b.help.to_owned(), keymap::keys_label(b)),
            Entry::Batch(pick, b) => {
                let name = visible(&b.batch_name);
                let what = if self.picking.is_some() {
                    name.into_owned()
                } else {
                    format!("{} “{name}”", pick.verb())
                };
                (what, visible(&b.queue_status).into_owned())
            }
        })
    }

    /// What an entry is matched by: a command's sentence, a batch's name
    /// (with the verb, outside the picker: "open june").
    fn text_of(&self, entry: &Entry) -> String {
        match entry {
            Entry::Command(b) => b.help.to_owned(),
            Entry::Batch(_, b) if self.picking.is_some() => b.batch_name.clone(),
            Entry::Batch(pick, b) => format!("{} {}", pick.verb(), b.batch_name),
        }
    }

    /// How well `query` matches `entry`: a command by its sentence, its
    /// footer label ("filter", "copy ID") or its keys' names ("Ctrl-B"),
    /// whichever matches best (a label matched whole ranks first); a batch
    /// by its name.
    fn score(&self, query: &str, entry: &Entry) -> Option<i64> {
        let Entry::Command(b) = entry else {
            return fuzzy_score(query, &self.text_of(entry));
        };
        let label = |text: &str| {
            let whole = squeezed(query) == squeezed(text);
            fuzzy_score(query, text).map(|s| if whole { s + 10 } else { s })
        };
        [
            fuzzy_score(query, b.help),
            (!b.short.is_empty()).then(|| label(b.short)).flatten(),
            (!b.keys.is_empty())
                .then(|| label(&keymap::keys_label(b)))
                .flatten(),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// A key: Esc, Enter and the arrows up and down work the list; every
    /// other key edits the query as any text input does.
    pub fn on_key(&mut self, key: KeyEvent) -> PaletteKey {
        self.pasted = None;
        match key.code {
            KeyCode::Esc => return PaletteKey::Close,
            KeyCode::Enter => {
                return match self.matches.get(self.cursor).map(|&i| &self.entries[i]) {
                    None => PaletteKey::Stay,
                    Some(Entry::Command(b)) => PaletteKey::Run(b.action),
                    Some(Entry::Batch(pick, b)) => PaletteKey::RunOn(*pick, Box::new(b.clone())),
                };
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
        let query = self.query.value();
        // The batches are for a name typed: with no query, the commands
        // alone are listed (the picker lists its batches).
        let batches = self.picking.is_some() || !query.trim().is_empty();
        let mut scored: Vec<(usize, i64)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| batches || matches!(e, Entry::Command(_)))
            .filter_map(|(i, e)| self.score(query, e).map(|s| (i, s)))
            .collect();
        // Stable: equal scores keep the table's order.
        scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
        self.matches = scored.into_iter().map(|(i, _)| i).collect();
        self.cursor = 0;
    }
}

/// `text` lowercased without its spaces and dashes: "copy ID" is typed
/// "copy id", "Ctrl-B" "ctrl b".
fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
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
/// letter taken as soon as it comes. A letter more than two past the one
/// before must begin a word: letters strewn over a sentence are no match
/// (`export` is none for "Next field (wraps around)…, typing replaces
/// it", `jul` none for "June renewals"; `open ren` is one for "Open June
/// renewals"). Nor are letters picked in bits: past one bit per two
/// letters typed, or one from the middle of a word per three, the match is
/// cut ("doctor" is none for "Sort by the next column: … duration, …
/// over every call of the batch … order", "temp" none for "The empty
/// plan").
fn score_from(query: &[char], text: &[char], start: usize) -> Option<i64> {
    let mut score = -i64::try_from(start / 8).unwrap_or(i64::MAX);
    let mut previous: Option<usize> = None;
    let mut at = start;
    let (mut bits, mut mid_word_bits) = (1, 0);
    for &wanted in query {
        let word_start = |i: usize| i == 0 || !text[i - 1].is_alphanumeric();
        let found = (at..text.len()).find(|&i| {
            text[i] == wanted && (previous.is_none_or(|p| i - p <= 3) || word_start(i))
        })?;
        if previous.is_some_and(|p| p + 1 != found) {
            bits += 1;
            mid_word_bits += usize::from(!word_start(found));
            if mid_word_bits > (query.len() / 3).max(1) || bits > (query.len() / 2).max(2) {
                return None;
            }
        }
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
        assert!(fuzzy_score("temp", "Save the form as a named template").is_some());
        assert_eq!(fuzzy_score("temp", "The empty plan"), None, "scattered");
    }

    /// Issue 19: the footer says "f filter", and the palette found nothing
    /// for "filter"; "doctor" found "Sort by the next column…" (its
    /// letters picked from the middle of words).
    #[test]
    fn the_palette_finds_actions_by_the_footers_words_and_keys_and_cuts_scattered_letters() {
        let calls = [Scope::Global, Scope::Calls, Scope::Navigation];
        let mut palette = Palette::new(&calls, &[]);
        typed(&mut palette, "filter");
        assert_eq!(actions(&palette).first(), Some(&Action::ChooseStatus));
        let mut palette = Palette::new(&calls, &[]);
        typed(&mut palette, "not called");
        assert_eq!(actions(&palette).first(), Some(&Action::ChooseStatus));
        let mut palette = Palette::new(&calls, &[]);
        typed(&mut palette, "doctor");
        assert_eq!(actions(&palette), [], "nothing is a doctor here");
        assert_eq!(
            fuzzy_score(
                "doctor",
                "Sort by the next column: number, status, duration, attempts, time (over every \
                 call of the batch, read page by page), then created (Weya's order)"
            ),
            None
        );
        // A key's name finds its action.
        let mut palette = Palette::new(&[Scope::Global, Scope::Batches, Scope::Navigation], &[]);
        typed(&mut palette, "ctrl b");
        assert_eq!(
            actions(&palette).first(),
            Some(&Action::Show(crate::tui::keymap::Route::Batches))
        );
        // The footer's word on the result screen.
        let mut palette = Palette::new(&[Scope::Global, Scope::Result, Scope::Created], &[]);
        typed(&mut palette, "copy id");
        assert_eq!(actions(&palette).first(), Some(&Action::Copy));
    }

    #[test]
    fn the_palette_lists_each_action_of_the_screen_once_and_no_movement() {
        let palette = Palette::new(&[Scope::Global, Scope::Form, Scope::FormText], &[]);
        let actions = actions(&palette);
        assert!(actions.contains(&Action::Review));
        assert!(actions.contains(&Action::Show(crate::tui::keymap::Route::Batches)));
        assert_eq!(
            actions.iter().filter(|a| **a == Action::NextField).count(),
            1
        );
        assert!(!actions.contains(&Action::Palette));
    }

    fn actions(palette: &Palette) -> Vec<Action> {
        palette
            .matches
            .iter()
            .filter_map(|&i| match &palette.entries[i] {
                Entry::Command(b) => Some(b.action),
                Entry::Batch(..) => None,
            })
            .collect()
    }

    fn typed(palette: &mut Palette, text: &str) {
        for c in text.chars() {
            palette.on_key(KeyEvent::from(KeyCode::Char(c)));
        }
    }

    /// Issue 20: "export" found "Next field" (its letters spread over a
    /// long sentence); on the form it finds the export of a batch.
    #[test]
    fn export_on_the_form_finds_the_export_and_not_next_field() {
        assert!(fuzzy_score("open ren", "Open June renewals").is_some());
        assert!(fuzzy_score("jul", "June renewals").is_none());
        assert_eq!(
            fuzzy_score(
                "export",
                "Next field (wraps around); a text field's value is selected, so typing replaces it"
            ),
            None
        );
        let mut palette = Palette::new(&[Scope::Global, Scope::Form, Scope::FormText], &[]);
        typed(&mut palette, "export");
        assert_eq!(actions(&palette), [Action::Pick(Pick::Export)]);
        let mut palette = Palette::new(&[Scope::Global, Scope::Form, Scope::FormText], &[]);
        typed(&mut palette, "import");
        assert_eq!(actions(&palette)[0], Action::Pick(Pick::Import));
    }

    /// QA: "aside" found nothing, though Ctrl-G sets aside an import
    /// whose batch is gone.
    #[test]
    fn set_aside_finds_the_key_that_takes_up_an_unfinished_import() {
        let scopes = [
            Scope::Global,
            Scope::Unfinished,
            Scope::Form,
            Scope::FormText,
        ];
        let mut palette = Palette::new(&scopes, &[]);
        typed(&mut palette, "set aside");
        assert_eq!(actions(&palette).first(), Some(&Action::ResumeImport));
    }

    #[test]
    fn every_action_on_a_batch_is_offered_wherever_you_are() {
        let scopes = [Scope::Global, Scope::Form, Scope::FormText];
        let everywhere = actions(&Palette::new(&scopes, &[]));
        for pick in [
            Pick::Open,
            Pick::Import,
            Pick::Start,
            Pick::Stop,
            Pick::Export,
            Pick::Delete,
        ] {
            assert!(everywhere.contains(&Action::Pick(pick)), "{pick:?}");
        }
        for action in [
            Action::Show(crate::tui::keymap::Route::Create),
            Action::Show(crate::tui::keymap::Route::Batches),
            Action::Show(crate::tui::keymap::Route::Phones),
            Action::Help,
        ] {
            assert!(everywhere.contains(&action), "{action:?}");
        }
        // On the list, its own keys act on the highlighted batch: offered
        // instead of the ones that ask which.
        let list = actions(&Palette::new(
            &[Scope::Global, Scope::Batches, Scope::Navigation],
            &[],
        ));
        assert!(list.contains(&Action::Start) && !list.contains(&Action::Pick(Pick::Start)));
        assert!(list.contains(&Action::Open) && !list.contains(&Action::Pick(Pick::Open)));
        // A batch's calls: Enter opens a call, so watching another batch
        // is still offered.
        let calls = actions(&Palette::new(
            &[Scope::Global, Scope::Calls, Scope::Navigation],
            &[],
        ));
        assert!(calls.contains(&Action::Pick(Pick::Open)));
        assert!(!calls.contains(&Action::Pick(Pick::Stop)));
    }

    fn batch(name: &str) -> BatchSummary {
        BatchSummary {
            id: format!("{:0>24}", name.len()),
            batch_name: name.into(),
            queue_status: "paused".into(),
            ..BatchSummary::default()
        }
    }

    #[test]
    fn batches_are_found_by_name_and_the_picker_asks_which() {
        let known = [batch("June renewals"), batch("July renewals")];
        let mut palette = Palette::new(&[Scope::Global], &known);
        assert!(
            palette.shown().all(|(what, _)| !what.contains('“')),
            "no query: the commands alone"
        );
        typed(&mut palette, "open june");
        let (what, status) = palette.shown().next().unwrap();
        assert_eq!(
            (what.as_str(), status.as_str()),
            ("Open “June renewals”", "paused")
        );
        assert_eq!(
            palette.on_key(KeyEvent::from(KeyCode::Enter)),
            PaletteKey::RunOn(Pick::Open, Box::new(known[0].clone()))
        );

        let mut picker = Palette::picker(Pick::Stop, &[], true);
        assert_eq!(picker.empty_text(), "Reading the batches…");
        typed(&mut picker, "jul");
        picker.batches_read(&known);
        assert_eq!(picker.query(), "jul", "the query is kept");
        assert_eq!(
            picker.shown().map(|(w, _)| w).collect::<Vec<_>>(),
            ["July renewals"]
        );
        assert_eq!(
            picker.on_key(KeyEvent::from(KeyCode::Enter)),
            PaletteKey::RunOn(Pick::Stop, Box::new(known[1].clone()))
        );
        assert!(picker.title().contains("Stop which batch?"));
    }

    #[test]
    fn a_paste_fills_the_query_up_to_its_limit_and_no_further() {
        let mut palette = Palette::new(&[Scope::Global], &[]);
        palette.on_paste("b");
        palette.on_paste(&"a".repeat(MAX_QUERY * 2));
        assert_eq!(palette.query().chars().count(), MAX_QUERY);
        assert!(palette.query().starts_with("ba"));
        assert!(palette.matches.is_empty(), "nothing has that many a's");
    }

    #[test]
    fn a_paste_that_loses_control_characters_says_so_until_the_next_key() {
        let mut palette = Palette::new(&[Scope::Global], &[]);
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
