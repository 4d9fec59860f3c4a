//! A single-line text field on top of `ratatui-textarea`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea};
use unicode_segmentation::UnicodeSegmentation;

/// The readline edits every text input takes, bound in the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEdit {
    /// Ctrl-U: delete from the start of the line to the cursor.
    ClearToStart,
    /// Ctrl-K: delete from the cursor to the end of the line.
    ClearToEnd,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWordBack,
    /// Ctrl-Y: put back what the last of those deleted (readline's yank).
    Yank,
    /// Ctrl-_: undo the last edit.
    Undo,
}

/// One line of editable text with a length limit (in characters).
#[derive(Debug, Clone)]
pub struct LineInput {
    area: TextArea<'static>,
    max_chars: usize,
}

impl LineInput {
    pub fn new(value: &str, max_chars: usize) -> Self {
        let mut input = Self {
            area: TextArea::default(),
            max_chars,
        };
        input.area.set_cursor_line_style(Style::default());
        input.set(value);
        input
    }

    pub fn value(&self) -> &str {
        self.area
            .lines()
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Replaces the content, cursor at the end. The value is kept exactly,
    /// even past the limit or with characters typing cannot make: a draft or
    /// a batch file is shown as it is, and validation says what is wrong
    /// with it, rather than the form changing it unseen.
    pub fn set(&mut self, value: &str) {
        let mut area = TextArea::new(vec![value.to_owned()]);
        area.set_cursor_line_style(self.area.cursor_line_style());
        area.set_cursor_style(self.area.cursor_style());
        area.move_cursor(CursorMove::End);
        self.area = area;
    }

    /// The cursor's position, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.area.cursor().1
    }

    /// The value before the cursor and from it on.
    pub fn split_at_cursor(&self) -> (&str, &str) {
        let value = self.value();
        let at = value
            .char_indices()
            .nth(self.cursor())
            .map_or(value.len(), |(i, _)| i);
        value.split_at(at)
    }

    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// The widget to draw when the field has focus.
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }

    /// Edits with a key. Keys that would make a second line are refused, and
    /// nothing is inserted past the length limit. Returns whether the value
    /// changed.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let newline = matches!(key.code, KeyCode::Enter)
            || (key.modifiers.contains(KeyModifiers::CONTROL)
                && matches!(key.code, KeyCode::Char('m' | 'j')));
        if newline {
            return false;
        }
        let inserts = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if inserts && self.room() == 0 {
            return false;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && let KeyCode::Char(c) = key.code
        {
            return self.control(c);
        }
        let bare = key.modifiers.is_empty();
        let selecting = self.area.selection_range().is_some();
        // The text area steps by `char`; a flag, a skin-toned emoji or an
        // accent typed as a combining mark is one grapheme and must move and
        // delete as one.
        match key.code {
            KeyCode::Left | KeyCode::Right if bare => {
                let col = self.grapheme_step(key.code == KeyCode::Right);
                self.area.cancel_selection();
                self.area
                    .move_cursor(CursorMove::Jump(0, crate::num::u16_sat(col)));
                false
            }
            KeyCode::Backspace if bare && !selecting => {
                let col = self.area.cursor().1;
                let start = self.grapheme_step(false);
                if start == col {
                    return false;
                }
                self.area
                    .move_cursor(CursorMove::Jump(0, crate::num::u16_sat(start)));
                self.area.delete_str(col - start)
            }
            KeyCode::Delete if bare && !selecting => {
                let col = self.area.cursor().1;
                let end = self.grapheme_step(true);
                end > col && self.area.delete_str(end - col)
            }
            _ => self.area.input(key),
        }
    }

    /// A control chord that no binding took. Only readline's movements
    /// and deletions edit; the text area's other chords (its undo on
    /// Ctrl-U, redo on Ctrl-R, paging on Ctrl-V) would act unseen.
    fn control(&mut self, c: char) -> bool {
        let edit = match c.to_ascii_lowercase() {
            'u' => LineEdit::ClearToStart,
            'k' => LineEdit::ClearToEnd,
            'w' => LineEdit::DeleteWordBack,
            'y' => LineEdit::Yank,
            '_' | '7' | '/' => LineEdit::Undo,
            'a' | 'e' | 'b' | 'f' | 'h' | 'd' => {
                let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
                return self.area.input(key);
            }
            _ => return false,
        };
        self.edit(edit)
    }

    /// Does a readline edit; returns whether the value changed. What the
    /// deletions take is kept for [`LineEdit::Yank`], within the limit.
    pub fn edit(&mut self, edit: LineEdit) -> bool {
        match edit {
            LineEdit::ClearToStart => self.area.delete_line_by_head(),
            LineEdit::ClearToEnd => self.area.delete_line_by_end(),
            LineEdit::DeleteWordBack => self.area.delete_word(),
            LineEdit::Yank => {
                let text = self.area.yank_text();
                !text.is_empty() && self.paste(&text) < text.chars().count()
            }
            LineEdit::Undo => self.area.undo(),
        }
    }

    /// The char index of the grapheme boundary before (or after) the cursor.
    fn grapheme_step(&self, forward: bool) -> usize {
        let col = self.area.cursor().1;
        let mut boundaries = self
            .value()
            .grapheme_indices(true)
            .map(|(byte, _)| byte)
            .chain(std::iter::once(self.value().len()))
            .map(|byte| self.value()[..byte].chars().count());
        if forward {
            boundaries.find(|&b| b > col).unwrap_or(col)
        } else {
            boundaries.take_while(|&b| b < col).last().unwrap_or(0)
        }
    }

    /// Selects the whole value, so that typing replaces it (as a web form
    /// does when Tab enters a field). Any cursor movement drops the selection.
    pub fn select_all(&mut self) {
        if !self.value().is_empty() {
            self.area.select_all();
        }
    }

    /// Characters that can still be typed: the limit less what stays after
    /// the selection (if any) is replaced.
    fn room(&self) -> usize {
        let selected = self
            .area
            .selection_range()
            .map_or(0, |((_, a), (_, b))| b.saturating_sub(a));
        (self.max_chars + selected).saturating_sub(self.value().chars().count())
    }

    /// Inserts pasted text at the cursor as one edit: line breaks become
    /// spaces and the text is cut at the limit. Returns how many characters
    /// were dropped.
    pub fn paste(&mut self, text: &str) -> usize {
        let room = self.room();
        let flat = flatten(text);
        let total = flat.chars().count();
        let kept: String = flat.chars().take(room).collect();
        self.area.insert_str(kept);
        total.saturating_sub(room)
    }
}

/// Line breaks and tabs to spaces; terminal escape sequences (a colour or
/// a title copied with the text) and other control characters dropped: how
/// pasted text goes into a one-line input. What is dropped is told by
/// [`paste_notice`], for the input's owner to show the operator.
pub fn flatten(s: &str) -> String {
    clean(s).text
}

/// A paste taken apart: what a one-line input keeps and what it lost.
struct Cleaned {
    text: String,
    /// Whole escape sequences removed (`ESC[31m`, `ESC]2;title BEL`).
    sequences: usize,
    /// Other control characters removed, in order.
    controls: Vec<char>,
}

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// The one-character CSI of C1.
const CSI: char = '\u{9b}';

fn clean(s: &str) -> Cleaned {
    let mut cleaned = Cleaned {
        text: String::with_capacity(s.len()),
        sequences: 0,
        controls: Vec::new(),
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => match chars.peek() {
                Some(_) => {
                    skip_sequence(&mut chars);
                    cleaned.sequences += 1;
                }
                None => cleaned.controls.push(c),
            },
            CSI => {
                skip_csi(&mut chars);
                cleaned.sequences += 1;
            }
            '\r' => {
                chars.next_if_eq(&'\n');
                cleaned.text.push(' ');
            }
            '\n' | '\t' => cleaned.text.push(' '),
            c if is_dropped(c) => cleaned.controls.push(c),
            c => cleaned.text.push(c),
        }
    }
    cleaned
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After an ESC: the rest of its sequence (ECMA-48). CSI (`[`) runs to its
/// final byte; OSC (`]`) and the string commands (`P`, `X`, `^`, `_`) to
/// BEL or ST (`ESC \`); any other escape is intermediates and one final
/// character. A sequence cut short ends where the text does not fit it.
fn skip_sequence(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == BEL || (c == ESC && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next_if(|c| ('\u{30}'..='\u{7e}').contains(c));
        }
        _ => {}
    }
}

/// Parameters and intermediates, then the final byte (`@` to `~`).
fn skip_csi(chars: &mut Chars<'_>) {
    while chars
        .next_if(|c| ('\u{20}'..='\u{3f}').contains(c))
        .is_some()
    {}
    chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
}

/// The control characters of `text` that [`flatten`] (so a paste) drops
/// outside escape sequences, in order: a BEL, a NUL, a lone ESC.
pub fn dropped_by_paste(text: &str) -> Vec<char> {
    clean(text).controls
}

/// What a one-line input tells the operator when a paste of `text` lost
/// something: "Removed 1 terminal escape sequence (a colour or title copied
/// with the text) from the paste", "Removed 1 control character from the
/// paste (U+0007 BELL)", naming the first few kinds. `None` when nothing
/// was removed. Every input that takes a paste says it in these words.
pub fn paste_notice(text: &str) -> Option<String> {
    let Cleaned {
        sequences,
        controls,
        ..
    } = clean(text);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let escapes = (sequences > 0)
        .then(|| format!("{sequences} terminal escape sequence{}", plural(sequences)));
    let others = (!controls.is_empty()).then(|| {
        let mut kinds: Vec<char> = Vec::new();
        for &c in &controls {
            if !kinds.contains(&c) {
                kinds.push(c);
            }
        }
        let mut named: Vec<String> = kinds
            .iter()
            .take(3)
            .map(|&c| crate::text::describe(c))
            .collect();
        if kinds.len() > 3 {
            named.push("…".to_owned());
        }
        let n = controls.len();
        (
            format!("{n} control character{}", plural(n)),
            named.join(", "),
        )
    });
    match (escapes, others) {
        (None, None) => None,
        (Some(escapes), None) => Some(format!(
            "Removed {escapes} from the paste (a colour or title copied with the text)"
        )),
        (None, Some((others, named))) => Some(format!("Removed {others} from the paste ({named})")),
        (Some(escapes), Some((others, named))) => Some(format!(
            "Removed {escapes} and {others} from the paste ({named})"
        )),
    }
}

fn is_dropped(c: char) -> bool {
    c.is_control() && !matches!(c, '\r' | '\n' | '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_paste_loses_whole_escape_sequences_not_just_their_esc() {
        for (pasted, kept) in [
            ("Line two\u{1b}[31m red\u{1b}[0m", "Line two red"),
            ("\u{1b}[1;38;5;196mbold\u{1b}[m", "bold"),
            ("a\u{1b}]2;PWNED\u{7}b", "ab"),
            (
                "a\u{1b}]8;;https://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b",
                "alinkb",
            ),
            ("a\u{9b}2Jb", "ab"),
            ("a\u{1b}(Bb", "ab"),
            ("a\u{1b}cb", "ab"),
            ("x\r\ny\tz", "x y z"),
            ("plain [31m text", "plain [31m text"),
        ] {
            assert_eq!(flatten(pasted), kept, "{pasted:?}");
        }
        // A lone ESC at the end, a BEL and a NUL are control characters.
        assert_eq!(flatten("a\u{7}b\u{0}c\u{1b}"), "abc");
        assert_eq!(
            dropped_by_paste("a\u{7}b\u{0}c\u{1b}"),
            ['\u{7}', '\u{0}', '\u{1b}']
        );
    }

    #[test]
    fn the_notice_counts_sequences_and_names_other_controls() {
        assert_eq!(paste_notice("plain"), None);
        assert_eq!(
            paste_notice("a\u{1b}[31mb\u{1b}[0m").as_deref(),
            Some(
                "Removed 2 terminal escape sequences from the paste (a colour or title copied with the text)"
            )
        );
        assert_eq!(
            paste_notice("a\u{7}").as_deref(),
            Some("Removed 1 control character from the paste (U+0007 BELL)")
        );
        assert_eq!(
            paste_notice("\u{1b}[1ma\u{0}").as_deref(),
            Some(
                "Removed 1 terminal escape sequence and 1 control character from the paste (U+0000 NULL)"
            )
        );
    }

    #[test]
    fn typing_and_enter_stay_on_one_line() {
        let mut l = LineInput::new("", 10);
        for c in "héllo".chars() {
            l.handle_key(key(KeyCode::Char(c)));
        }
        assert!(!l.handle_key(key(KeyCode::Enter)));
        l.handle_key(key(KeyCode::Backspace));
        assert_eq!(l.value(), "héll");
    }

    #[test]
    fn limit_holds_for_typing_and_paste() {
        let mut l = LineInput::new("abc", 5);
        assert_eq!(l.paste("de\nfgh"), 4);
        assert_eq!(l.value(), "abcde");
        assert!(!l.handle_key(key(KeyCode::Char('x'))));
        assert_eq!(l.value(), "abcde");
    }

    #[test]
    fn typing_over_a_selection_replaces_it_even_at_the_limit() {
        let mut l = LineInput::new("09:00", 5);
        l.select_all();
        for c in "17:30".chars() {
            l.handle_key(key(KeyCode::Char(c)));
        }
        assert_eq!(l.value(), "17:30");
        l.select_all();
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Char('x')));
        assert_eq!(
            l.value(),
            "17:30",
            "an arrow drops the selection; full field refuses"
        );
        l.select_all();
        assert_eq!(l.paste("8"), 0);
        assert_eq!(l.value(), "8");
    }

    #[test]
    fn graphemes_move_and_delete_whole() {
        // A flag (two regional indicators), a thumbs-up with a skin tone, and
        // an e with a combining acute accent.
        let mut l = LineInput::new("a🇮🇳👍🏽e\u{301}z", 50);
        l.handle_key(key(KeyCode::Backspace));
        assert_eq!(l.value(), "a🇮🇳👍🏽e\u{301}");
        l.handle_key(key(KeyCode::Backspace));
        assert_eq!(l.value(), "a🇮🇳👍🏽");
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Char('x')));
        assert_eq!(l.value(), "a🇮🇳x👍🏽");
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Left));
        l.handle_key(key(KeyCode::Delete));
        assert_eq!(l.value(), "ax👍🏽");
        l.handle_key(key(KeyCode::Right));
        l.handle_key(key(KeyCode::Right));
        l.handle_key(key(KeyCode::Char('!')));
        assert_eq!(l.value(), "ax👍🏽!");
    }

    #[test]
    fn a_value_set_from_a_file_is_kept_exactly() {
        let long = "x".repeat(7);
        let l = LineInput::new(&format!("{long}\u{1b}\n"), 5);
        assert_eq!(l.value(), "xxxxxxx\u{1b}\n", "not cut, not cleaned");
    }

    #[test]
    fn the_control_characters_a_paste_loses_are_named() {
        let mut l = LineInput::new("", 50);
        let pasted = "Line two\u{1b}[31m red\u{7}\r\n";
        l.paste(pasted);
        assert_eq!(l.value(), "Line two red ");
        assert_eq!(
            dropped_by_paste(pasted),
            ['\u{7}'],
            "the ESC went with its sequence"
        );
        assert!(dropped_by_paste("tab\tand\nbreak").is_empty());
    }

    #[test]
    fn paste_flattens_line_breaks() {
        let mut l = LineInput::new("", 50);
        l.paste("May\r\ncampaign\tEU");
        assert_eq!(l.value(), "May campaign EU");
    }
}
