//! Text from elsewhere (Weya's answers, batch files, the journal, the phone
//! book) on its way to a terminal or a reader.
//!
//! A terminal acts on control characters: ESC starts sequences that set the
//! window title, clear the screen or write to the clipboard, and some
//! terminals read the C1 controls U+0080–U+009F the same way. Format
//! characters (bidi overrides, zero-width spaces, the byte-order mark) draw
//! nothing, so text can read differently from what it holds. [`visible`] is
//! the one function such text passes through on its way to a screen: the
//! TUI, the commands' output and error messages alike. [`json`] is its
//! counterpart for machine-readable output: the same characters escaped per
//! JSON, so a script gets the exact value and a terminal showing it is safe.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// Why a character is not shown as itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A C0 or C1 control, or DEL: a terminal may act on it.
    Control,
    /// A format character or filler that draws nothing.
    Invisible,
}

/// Whether `c` is shown as itself, and why not.
pub fn hidden(c: char) -> Option<Hidden> {
    if c.is_control() {
        return Some(Hidden::Control);
    }
    if c.is_ascii() {
        // The common case, decided without the table below.
        return None;
    }
    let invisible = matches!(
        c,
        '\u{00AD}'                      // soft hyphen
            | '\u{034F}'                // combining grapheme joiner
            | '\u{061C}'                // Arabic letter mark
            | '\u{115F}' | '\u{1160}'   // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'   // Khmer inherent vowels
            | '\u{180B}'..='\u{180F}'   // Mongolian selectors and separator
            | '\u{200B}'..='\u{200F}'   // zero-width space, (non-)joiner, LRM, RLM
            | '\u{2028}' | '\u{2029}'   // line and paragraph separators
            | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, isolates
            | '\u{3164}'                // Hangul filler
            | '\u{FEFF}'                // zero-width no-break space (byte-order mark)
            | '\u{FFA0}'                // halfwidth Hangul filler
            | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
            | '\u{1D173}'..='\u{1D17A}' // musical formatting
            | '\u{E0000}'..='\u{E007F}' // tags
    );
    invisible.then_some(Hidden::Invisible)
}

/// The characters that change the direction text is drawn in until they are
/// closed: embeddings, overrides and isolates. A name holding one can read
/// as something else entirely, so names refuse them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` as it is safe and honest to show: tabs and line breaks as spaces
/// (one line stays one line), every other control and invisible character
/// as its code point, `⟨U+202E⟩`. Plain text comes back borrowed.
pub fn visible(text: &str) -> Cow<'_, str> {
    let needs = |c: char| hidden(c).is_some();
    let Some(first) = text.find(needs) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match (c, hidden(c)) {
            ('\t' | '\n' | '\r', _) => out.push(' '),
            (c, _) => push_shown(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// What a character of text from elsewhere is on a terminal: itself, or
/// (a control or an invisible character, the bidi overrides among them)
/// its code point `⟨U+202E⟩`. Tabs and line ends are the caller's to
/// decide: [`visible`] makes them spaces, [`ShownOnTerminal`] keeps them.
fn push_shown(out: &mut String, c: char) {
    if hidden(c).is_some() {
        let _ = write!(out, "⟨U+{:04X}⟩", u32::from(c));
    } else {
        out.push(c);
    }
}

/// A writer for text of many lines on its way to a terminal (an export
/// printed with `--output -`): every character as [`visible`] shows it
/// (an escape sequence or a bidi override becomes its code point, even
/// split across writes) but tabs and line ends, which pass. Bytes that
/// are not UTF-8 are shown as U+FFFD. Off (a pipe or a file), bytes pass
/// exactly as they are.
pub struct ShownOnTerminal<W: std::io::Write> {
    inner: W,
    on: bool,
    /// The start of a character the last write ended inside.
    pending: Vec<u8>,
}

impl<W: std::io::Write> ShownOnTerminal<W> {
    pub fn new(inner: W, on: bool) -> Self {
        Self {
            inner,
            on,
            pending: Vec::new(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for ShownOnTerminal<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut out = String::with_capacity(bytes.len() + 16);
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let (good, bad) = match std::str::from_utf8(rest) {
                Ok(text) => (text, None),
                Err(e) => {
                    let (good, _) = rest.split_at(e.valid_up_to());
                    (
                        std::str::from_utf8(good).unwrap_or_default(),
                        Some((e.valid_up_to(), e.error_len())),
                    )
                }
            };
            for c in good.chars() {
                match c {
                    '\t' | '\n' | '\r' => out.push(c),
                    c => push_shown(&mut out, c),
                }
            }
            match bad {
                None => rest = &[],
                // A character cut by the end of this write: its start
                // waits for the next.
                Some((at, None)) => {
                    self.pending = rest[at..].to_vec();
                    rest = &[];
                }
                Some((at, Some(len))) => {
                    out.push('\u{FFFD}');
                    rest = &rest[at + len..];
                }
            }
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for ShownOnTerminal<W> {
    fn drop(&mut self) {
        // The text ended inside a character.
        if !self.pending.is_empty() {
            let _ = self.inner.write_all("\u{FFFD}".as_bytes());
            let _ = self.inner.flush();
        }
    }
}

/// `text` in double quotes exactly as it is, nothing trimmed or folded,
/// every character visible: a quote and a backslash escaped, a tab and a
/// line break as `\t`, `\n`, `\r`, every other control, invisible or
/// unusual space as its code point (`⟨U+00A0⟩`). Past `max` characters it
/// is cut with "…" inside the quotes. For a value that must not be
/// mistaken for another (`" 64e5…"` is no batch ID).
pub fn quoted_exactly(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4) + 2);
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push_str("…\"");
            return out;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if hidden(c).is_some() || (c.is_whitespace() && c != ' ') => {
                let _ = write!(out, "⟨U+{:04X}⟩", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text of several lines (a request body, a curl command) as [`visible`]
/// makes each line: the line breaks stay, so what is printed has the
/// shape of what is sent.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return visible(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(visible).collect();
    Cow::Owned(lines.join("\n"))
}

/// Bytes from outside as text to show: what is not UTF-8 becomes U+FFFD,
/// the rest as [`visible`] makes it.
pub fn visible_bytes(bytes: &[u8]) -> String {
    visible(&String::from_utf8_lossy(bytes)).into_owned()
}

/// A character for a message: `U+202E RIGHT-TO-LEFT OVERRIDE`, the name
/// when it is one people meet, else what kind of character it is.
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\t' => "TAB",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1B}' => "ESCAPE",
        '\u{7F}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{9B}' => "CONTROL SEQUENCE INTRODUCER",
        '\u{9D}' => "OPERATING SYSTEM COMMAND",
        '\u{AD}' => "SOFT HYPHEN",
        '\u{61C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
        c => match hidden(c) {
            Some(Hidden::Control) => "a control character",
            Some(Hidden::Invisible) => "an invisible character",
            None => "",
        },
    };
    let code = format!("U+{:04X}", u32::from(c));
    if name.is_empty() {
        code
    } else {
        format!("{code} {name}")
    }
}

/// A character for a message, as it reads: “t”, “–”; one that draws
/// nothing or that a terminal acts on by its name, as [`describe`] gives it.
pub fn quoted(c: char) -> String {
    match hidden(c) {
        Some(_) => describe(c),
        None => format!("“{c}”"),
    }
}

/// `value` as one line of JSON in which every control and invisible
/// character is a `\uXXXX` escape: the same value to a parser, nothing a
/// terminal acts on, nothing hidden from a reader.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, EscapeHidden);
    // Serializing into a Vec fails only for a value that cannot be JSON
    // (a map with non-string keys); none of ours is.
    if value.serialize(&mut serializer).is_err() {
        return "null".to_owned();
    }
    // The formatter writes only what serde_json gives it and ASCII escapes.
    String::from_utf8(out).unwrap_or_default()
}

/// `text` cut to `width` terminal columns, with an ellipsis “…” when cut:
/// at a character boundary, never through a wide character (a CJK
/// character or an emoji takes two columns).
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = take_columns(text.chars(), width.saturating_sub(1));
    if width > 0 {
        out.push('…');
    }
    out
}

/// As [`fit`], keeping the end: “…” and the last characters that fit (a
/// search box keeps its cursor, at the end, in view).
pub fn fit_end(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let kept: String = take_columns(text.chars().rev(), width.saturating_sub(1));
    let mut out = String::with_capacity(kept.len() + 3);
    if width > 0 {
        out.push('…');
    }
    out.extend(kept.chars().rev());
    out
}

/// `text` with spaces after it to fill `width` terminal columns, counted as
/// [`fit`] counts them (a CJK character takes two): what a table's column
/// needs where `format!`'s `{:<w}` counts characters.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + width);
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.width())));
    out
}

/// The characters of `chars`, in order, while they fit in `columns`.
fn take_columns(chars: impl Iterator<Item = char>, columns: usize) -> String {
    let mut used = 0;
    chars
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= columns
        })
        .collect()
}

/// serde_json escapes C0 controls itself; this escapes the rest.
struct EscapeHidden;

impl serde_json::ser::Formatter for EscapeHidden {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if hidden(c).is_some() {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fit_cuts_to_columns_with_an_ellipsis() {
        use super::{fit, fit_end};
        assert_eq!(fit("June renewals", 13), "June renewals");
        assert_eq!(fit("June renewals", 8), "June re…");
        assert_eq!(fit_end("June renewals", 8), "…enewals");
        // Wide characters take two columns and are never halved.
        assert_eq!(fit("日本語のバッチ", 6), "日本…");
        assert_eq!(fit("日本語のバッチ", 7), "日本語…");
        assert_eq!(fit_end("日本語のバッチ", 6), "…ッチ");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("abc", 1), "…");
    }

    #[test]
    fn pad_fills_columns_not_characters() {
        use super::pad;
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("toolong", 3), "toolong", "never cuts");
    }

    #[test]
    fn lines_keep_their_breaks_and_nothing_else_raw() {
        assert_eq!(visible_lines("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
        assert_eq!(visible_lines("x\u{1b}[2J\ny\tz"), "x⟨U+001B⟩[2J\ny z");
    }

    use super::*;

    #[test]
    fn a_value_is_quoted_exactly_with_nothing_hidden_or_trimmed() {
        assert_eq!(
            quoted_exactly(" 64e5f12345abcdef98765432", 64),
            "\" 64e5f12345abcdef98765432\""
        );
        assert_eq!(
            quoted_exactly("a\tb\n\"c\"\\\u{a0}\u{1b}", 64),
            "\"a\\tb\\n\\\"c\\\"\\\\⟨U+00A0⟩⟨U+001B⟩\""
        );
        assert_eq!(quoted_exactly("abcdef", 3), "\"abc…\"");
    }

    const HOSTILE: &str = "\u{1b}]2;PWNED-TITLE\u{7}\u{1b}[2J";

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            visible(HOSTILE),
            "⟨U+001B⟩]2;PWNED-TITLE⟨U+0007⟩⟨U+001B⟩[2J"
        );
        // C1: CSI and OSC as single code points, and DEL.
        assert_eq!(
            visible("a\u{9b}31mb\u{9d}0;x\u{7f}"),
            "a⟨U+009B⟩31mb⟨U+009D⟩0;x⟨U+007F⟩"
        );
        assert_eq!(visible("two\nlines\tand\r"), "two lines and ");
    }

    #[test]
    fn invisible_characters_are_shown_by_code_point() {
        assert_eq!(
            visible("abc\u{202E}fed\u{200B}x\u{200D}y\u{FEFF}"),
            "abc⟨U+202E⟩fed⟨U+200B⟩x⟨U+200D⟩y⟨U+FEFF⟩"
        );
        assert_eq!(visible("tag\u{E0041}"), "tag⟨U+E0041⟩");
    }

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        for s in [
            "New York sales",
            "Müller & Söhne",
            "東京 👍🏽 🇮🇳",
            "e\u{301}",
            "",
        ] {
            assert!(matches!(visible(s), Cow::Borrowed(b) if b == s), "{s}");
        }
        // What visible() writes is itself plain.
        let once = visible(HOSTILE).into_owned();
        assert_eq!(visible(&once), once);
    }

    #[test]
    fn bytes_that_are_not_utf8_become_the_replacement_character() {
        let shown = visible_bytes(b"ok \xff\xfe \x1b[2J \xc2\x9b \xe2\x80");
        assert_eq!(shown, "ok \u{FFFD}\u{FFFD} ⟨U+001B⟩[2J ⟨U+009B⟩ \u{FFFD}");
        assert!(!shown.chars().any(|c| hidden(c).is_some()));
    }

    #[test]
    fn bidi_controls_are_the_embeddings_overrides_and_isolates() {
        let bidi: Vec<char> = ('\u{2000}'..='\u{2070}')
            .filter(|&c| is_bidi_control(c))
            .collect();
        assert_eq!(
            bidi,
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}"
                .chars()
                .collect::<Vec<_>>()
        );
        assert!(!is_bidi_control('\u{200F}'), "a mark is not an override");
    }

    #[test]
    fn characters_are_described_by_code_point_and_name() {
        assert_eq!(describe('\u{202E}'), "U+202E RIGHT-TO-LEFT OVERRIDE");
        assert_eq!(describe('\u{1b}'), "U+001B ESCAPE");
        assert_eq!(describe('\u{2069}'), "U+2069 POP DIRECTIONAL ISOLATE");
        assert_eq!(describe('\u{E0041}'), "U+E0041 an invisible character");
        assert_eq!(describe('\u{84}'), "U+0084 a control character");
    }

    #[test]
    fn json_escapes_what_a_terminal_would_obey_or_hide() {
        let value = serde_json::json!({
            "label": format!("{HOSTILE}\u{9b}\u{7f} \u{202E}\u{200B}\u{E0041} ok é"),
        });
        let line = json(&value);
        assert_eq!(
            line,
            r#"{"label":"\u001b]2;PWNED-TITLE\u0007\u001b[2J\u009b\u007f \u202e\u200b\udb40\udc41 ok é"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, value, "the same value to a parser");
        assert!(!line.chars().any(|c| hidden(c).is_some()));
    }
}
