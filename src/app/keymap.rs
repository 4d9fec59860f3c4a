//! Every key binding, in one table. Dispatch, the footer, the help overlay and
//! the README's keyboard table are all read from [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextField,
    PrevField,
    Review,
    Up,
    Down,
    Left,
    Right,
    Toggle,
    RetryLoad,
    Submit,
    Back,
    CloseHelp,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, before any field sees the key.
    Global,
    /// The form, whatever field has focus.
    Form,
    /// The form when the focused field is a text field.
    FormText,
    /// The form when the focused field is not a text field.
    FormList,
    /// The calling-numbers list.
    Numbers,
    /// The allowed-days toggles.
    Days,
    Review,
    Sending,
    Result,
    Help,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Anywhere",
            Self::Form => "Form",
            Self::FormText => "Form, in a text field",
            Self::FormList => "Form, outside text fields",
            Self::Numbers => "Calling numbers",
            Self::Days => "Allowed days",
            Self::Review => "Review",
            Self::Sending => "While sending",
            Self::Result => "Result",
            Self::Help => "Help",
        }
    }
}

/// One key chord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    /// Whether a key event is this chord. Shift is ignored: terminals differ
    /// in whether `?` or Shift-Tab report it.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl && !alt
    }

    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{name}")
        } else {
            name
        }
    }
}

/// A binding: keys, what they do, where, and how to say it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub scope: Scope,
    /// A word or two for the footer.
    pub short: &'static str,
    /// A sentence for the help overlay and the README.
    pub help: &'static str,
}

/// The default bindings. Order is the order of the help overlay.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ctrl('c')],
        action: Action::Quit,
        scope: Scope::Global,
        short: "quit",
        help: "Quit at once, from anywhere",
    },
    Binding {
        keys: &[key(KeyCode::F(1))],
        action: Action::Help,
        scope: Scope::Global,
        short: "help",
        help: "Show this help",
    },
    Binding {
        keys: &[key(KeyCode::Tab)],
        action: Action::NextField,
        scope: Scope::Form,
        short: "next",
        help: "Next field (wraps around)",
    },
    Binding {
        keys: &[key(KeyCode::BackTab)],
        action: Action::PrevField,
        scope: Scope::Form,
        short: "prev",
        help: "Previous field",
    },
    Binding {
        keys: &[ctrl('s')],
        action: Action::Review,
        scope: Scope::Form,
        short: "review",
        help: "Check the form and open the review",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::NextField,
        scope: Scope::FormText,
        short: "next",
        help: "Next field",
    },
    Binding {
        keys: &[key(KeyCode::Char('?'))],
        action: Action::Help,
        scope: Scope::FormList,
        short: "help",
        help: "Show this help (in a text field, ? is typed)",
    },
    Binding {
        keys: &[key(KeyCode::Up), key(KeyCode::Char('k'))],
        action: Action::Up,
        scope: Scope::Numbers,
        short: "move",
        help: "Highlight the previous number",
    },
    Binding {
        keys: &[key(KeyCode::Down), key(KeyCode::Char('j'))],
        action: Action::Down,
        scope: Scope::Numbers,
        short: "move",
        help: "Highlight the next number",
    },
    Binding {
        keys: &[key(KeyCode::Char(' '))],
        action: Action::Toggle,
        scope: Scope::Numbers,
        short: "select",
        help: "Select or unselect the highlighted number",
    },
    Binding {
        keys: &[key(KeyCode::Char('r'))],
        action: Action::RetryLoad,
        scope: Scope::Numbers,
        short: "reload",
        help: "Fetch the phone list again",
    },
    Binding {
        keys: &[key(KeyCode::Left), key(KeyCode::Char('h'))],
        action: Action::Left,
        scope: Scope::Days,
        short: "move",
        help: "Highlight the previous day",
    },
    Binding {
        keys: &[key(KeyCode::Right), key(KeyCode::Char('l'))],
        action: Action::Right,
        scope: Scope::Days,
        short: "move",
        help: "Highlight the next day",
    },
    Binding {
        keys: &[key(KeyCode::Char(' '))],
        action: Action::Toggle,
        scope: Scope::Days,
        short: "toggle",
        help: "Allow or disallow the highlighted day",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Submit,
        scope: Scope::Review,
        short: "send",
        help: "Send the batch (once)",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::Back,
        scope: Scope::Review,
        short: "back to form",
        help: "Back to the form, nothing sent",
    },
    Binding {
        keys: &[key(KeyCode::Up), key(KeyCode::Char('k'))],
        action: Action::Up,
        scope: Scope::Review,
        short: "scroll",
        help: "Scroll the body up",
    },
    Binding {
        keys: &[key(KeyCode::Down), key(KeyCode::Char('j'))],
        action: Action::Down,
        scope: Scope::Review,
        short: "scroll",
        help: "Scroll the body down",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::Back,
        scope: Scope::Sending,
        short: "stop waiting",
        help: "Stop waiting for the answer (the batch may still have been created)",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::Back,
        scope: Scope::Result,
        short: "back to form",
        help: "Back to the form, with everything as you left it",
    },
    Binding {
        keys: &[key(KeyCode::Up), key(KeyCode::Char('k'))],
        action: Action::Up,
        scope: Scope::Help,
        short: "scroll",
        help: "Scroll the help up",
    },
    Binding {
        keys: &[key(KeyCode::Down), key(KeyCode::Char('j'))],
        action: Action::Down,
        scope: Scope::Help,
        short: "scroll",
        help: "Scroll the help down",
    },
    Binding {
        keys: &[
            key(KeyCode::Esc),
            key(KeyCode::Char('?')),
            key(KeyCode::F(1)),
        ],
        action: Action::CloseHelp,
        scope: Scope::Help,
        short: "close",
        help: "Close the help",
    },
];

/// The action of `event` in the first of `scopes` (in priority order) that
/// binds it.
pub fn lookup(event: &KeyEvent, scopes: &[Scope]) -> Option<Action> {
    scopes.iter().find_map(|scope| {
        BINDINGS
            .iter()
            .find(|b| b.scope == *scope && b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.action)
    })
}

/// The keys of a binding as one label, e.g. "↑/k".
pub fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(Key::label)
        .collect::<Vec<_>>()
        .join("/")
}

/// Footer hints for the active scopes: "Tab next · Ctrl-S review · …".
/// Bindings with the same short text in a row are merged ("↑/k/↓/j move").
pub fn hints(scopes: &[Scope]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for scope in scopes.iter().rev() {
        for b in BINDINGS.iter().filter(|b| b.scope == *scope) {
            let label = b.keys.first().map(Key::label).unwrap_or_default();
            match out.last_mut() {
                Some((keys, short)) if *short == b.short => {
                    keys.push('/');
                    keys.push_str(&label);
                }
                _ => out.push((label, b.short)),
            }
        }
    }
    out
}

/// The keyboard table of the README, in Markdown.
pub fn markdown_table() -> String {
    let mut out = String::from("| where | keys | what it does |\n|---|---|---|\n");
    for b in BINDINGS {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            b.scope.title(),
            keys_label(b).replace('|', "\\|"),
            b.help
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn ctrl_c_wins_before_any_field() {
        let e = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(&e, &[Scope::Global, Scope::FormText]),
            Some(Action::Quit)
        );
        let plain_c = ev(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(
            lookup(&plain_c, &[Scope::Global, Scope::Form, Scope::FormText]),
            None
        );
    }

    #[test]
    fn question_mark_is_help_only_outside_text_fields() {
        let q = ev(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            lookup(&q, &[Scope::Global, Scope::Form, Scope::FormText]),
            None
        );
        assert_eq!(
            lookup(
                &q,
                &[Scope::Global, Scope::Form, Scope::FormList, Scope::Numbers]
            ),
            Some(Action::Help)
        );
    }

    #[test]
    fn shift_tab_matches_with_or_without_shift_reported() {
        for m in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
            assert_eq!(
                lookup(&ev(KeyCode::BackTab, m), &[Scope::Form]),
                Some(Action::PrevField)
            );
        }
    }

    /// `WEYA_UPDATE_README=1 cargo test readme` rewrites the table.
    #[test]
    fn readme_keyboard_table_is_generated_from_this_table() {
        const START: &str = "<!-- keymap:start -->\n";
        const END: &str = "<!-- keymap:end -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (head, rest) = readme
            .split_once(START)
            .expect("README has the keymap:start marker");
        let (table, tail) = rest
            .split_once(END)
            .expect("README has the keymap:end marker");
        let want = markdown_table();
        if table != want && std::env::var_os("WEYA_UPDATE_README").is_some() {
            std::fs::write(path, format!("{head}{START}{want}{END}{tail}")).unwrap();
            return;
        }
        assert_eq!(
            table, want,
            "README.md's keyboard table is stale: run WEYA_UPDATE_README=1 cargo test readme"
        );
    }
}
