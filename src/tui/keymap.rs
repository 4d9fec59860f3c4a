//! Every key binding, in one table. Dispatch, the footer, the help overlay and
//! the keyboard table of `docs/keys.md` are all read from [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::form::line::LineEdit;

/// What a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Back to the shell until `fg` (Ctrl-Z).
    Suspend,
    /// Every binding.
    Help,
    /// What the focused field does, then every binding.
    FieldHelp,
    NextField,
    PrevField,
    Review,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Toggle,
    RetryLoad,
    /// Start filtering the list (`/`).
    Filter,
    SelectVisible,
    ClearAll,
    /// Type a phone ID by hand.
    ManualId,
    /// Register a new number with add-phone (the picker's dialog).
    AddPhone,
    /// Take what is being typed (a filter, an ID, a timezone match).
    Accept,
    /// Drop what is being typed.
    Cancel,
    Increase,
    Decrease,
    PresetWeekdays,
    PresetEveryDay,
    PresetWeekends,
    Submit,
    /// Send the same body again, when that is safe.
    Resend,
    /// Copy the new batch ID to the clipboard.
    Copy,
    /// Copy the highlighted call's number.
    CopyNumber,
    /// Copy the highlighted call as one tab-separated line.
    CopyRow,
    /// The next item without going back to the list (the next call).
    NextItem,
    /// The previous item without going back to the list.
    PrevItem,
    /// Back to the form for a new batch from the same values.
    NewBatch,
    /// The result of the last batch sent from the form, on show again.
    LastResult,
    Back,
    CloseHelp,
    /// Save the form as a named template.
    SaveTemplate,
    /// Load a template into the form.
    OpenTemplate,
    /// The command palette.
    Palette,
    /// Show a view: the one open for the route if there is one, else a
    /// new one (the create view as it was left).
    Show(Route),
    /// Back to the view this one was opened over.
    Pop,
    /// Import contacts into the batch on show.
    Import,
    /// Take up the import a run left unfinished (the start-up notice
    /// names it).
    ResumeImport,
    /// Write every call of the batch to a CSV file.
    Export,
    /// Complete the typed path.
    Complete,
    /// The highlighted column holds the phone numbers.
    PhoneColumn,
    /// Rename what the highlighted column is sent as.
    Rename,
    /// Type the default region of phone numbers.
    Region,
    /// Send the numbers of the countries outside the region too (or hold
    /// them back again).
    AllowCountries,
    /// Dial numbers with an extension without it (or refuse them again).
    WithoutExtensions,
    /// One batch per time zone group (`batch import --split-by-zone`).
    SplitByZone,
    /// Check every row of the file; nothing is sent.
    Check,
    /// Write the invalid rows to `NAME.rejected.csv`.
    WriteRejected,
    /// Take up a recorded import, or sending that was paused.
    Resume,
    /// Forget a recorded import and start again.
    StartOver,
    /// A request whose outcome is unknown: its rows are in the batch.
    MarkAdded,
    /// A request whose outcome is unknown: its rows are not there.
    SendAgain,
    /// Ask for the batch's totalCalls again.
    Recount,
    /// Open the highlighted batch, or call, in full.
    Open,
    /// Start the dialer on a batch (asks first).
    Start,
    /// Stop the dialer on a batch (asks first).
    Stop,
    /// Delete a batch (asks for its name).
    Delete,
    ShowActive,
    ShowPaused,
    ShowCompleted,
    /// Every status again.
    ShowAll,
    /// Choose a call status to filter by.
    ChooseStatus,
    /// Cycle the calls' order (createdAt newest or oldest first).
    Sort,
    /// Sort the calls by the next column or contact field (over the whole
    /// batch).
    SortColumn,
    /// Open the details of the batch just created.
    OpenBatch,
    /// A blank form; the draft on it is kept on disk (Ctrl-R).
    BlankForm,
    /// Delete the highlighted template (after asking).
    DeleteTemplate,
    /// A readline edit of the text being typed.
    Edit(LineEdit),
    /// An action on a batch chosen in the palette (from anywhere: the
    /// palette asks which batch).
    Pick(Pick),
}

/// What the palette does to a batch it asks for (issue 20: every action
/// from anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Its details: its calls, live.
    Open,
    Import,
    Start,
    Stop,
    Export,
    Delete,
}

impl Pick {
    /// The action of a view that does the same to the batch it shows.
    pub fn action(self) -> Action {
        match self {
            Self::Open => Action::Open,
            Self::Import => Action::Import,
            Self::Start => Action::Start,
            Self::Stop => Action::Stop,
            Self::Export => Action::Export,
            Self::Delete => Action::Delete,
        }
    }

    /// What the palette's batch picker says it will do.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Import => "Import into",
            Self::Start => "Start",
            Self::Stop => "Stop",
            Self::Export => "Export",
            Self::Delete => "Delete",
        }
    }
}

/// Whether the keys in `scopes` are typing text (a field, a search, a
/// name being typed): then `?` is a character, not the help.
pub fn types_text(scopes: &[Scope]) -> bool {
    scopes.iter().any(|s| {
        matches!(
            s,
            Scope::Editing
                | Scope::FormText
                | Scope::ImportPick
                | Scope::ImportMapEdit
                | Scope::BatchSearch
                | Scope::DeleteConfirm
                | Scope::NumbersFilter
                | Scope::NumbersManual
                | Scope::NumbersAdd
        )
    })
}

/// A view to show, asked for by a key, the palette or a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The create view, as it was left.
    Create,
    Batches,
    /// The workspace's numbers and the phone book.
    Phones,
}

/// What the shell hands the view on show of the operator's input: the
/// action of a key bound in one of the view's scopes (or chosen in the
/// palette), or the key itself when nothing binds it (typing), a paste, a
/// click or the wheel. Declared once: every view's message wraps it
/// (`<Name>Msg::Input`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Action(Action),
    /// A key no binding takes: it edits the text being typed, if any.
    Typed(KeyEvent),
    Paste(String),
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    /// A notch of the mouse wheel, down or up, over a screen cell.
    Wheel {
        column: u16,
        row: u16,
        down: bool,
    },
}

impl Input {
    /// The input a key makes on a view whose scopes are `scopes`: its
    /// action when one of them binds it, else typed text. (The shell
    /// resolves the global keys first; for driving a view alone, tests.)
    pub fn key(key: KeyEvent, scopes: &[Scope]) -> Self {
        match lookup(&key, scopes) {
            Some(action) => Self::Action(action),
            None => Self::Typed(key),
        }
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, before any field sees the key.
    Global,
    /// Everywhere, while an import a run left unfinished is there to
    /// resume.
    Unfinished,
    /// The form, whatever field has focus.
    Form,
    /// The form when the focused field takes typed text.
    FormText,
    /// The form when the focused field is a list or toggles.
    FormList,
    /// The calling-numbers list.
    Numbers,
    /// Typing a filter of the calling numbers.
    NumbersFilter,
    /// Typing a phone ID by hand.
    NumbersManual,
    /// The dialog that registers a new number.
    NumbersAdd,
    /// That dialog, on its choice of provider.
    NumbersAddChoice,
    /// The timezone field, which filters the IANA list as you type.
    Timezone,
    /// The calling window's start and end.
    Time,
    /// The allowed-days toggles.
    Days,
    /// Retries and the retry delay.
    Number,
    Review,
    Sending,
    Result,
    /// A dialog over the form (templates).
    Modal,
    /// The result of a batch that was created (or found in Weya's list
    /// after its answer was lost).
    Created,
    /// The result of a batch that was deleted since.
    Deleted,
    /// A result after which sending the same body again may help.
    Retryable,
    Help,
    /// A view opened over another, when it has no use of its own for Esc.
    Navigation,
    /// Typing the path of the contacts file.
    ImportPick,
    /// Opening or checking the file.
    ImportWorking,
    /// Choosing the sheet of a workbook of several.
    ImportSheet,
    /// The file's columns and the default region.
    ImportMap,
    /// Typing a column's name or the region.
    ImportMapEdit,
    /// The check's counts and sample rows.
    ImportPreview,
    /// An earlier import of this file into this batch was found.
    ImportResume,
    /// Requests on their way.
    ImportSending,
    /// Sending paused.
    ImportSent,
    /// Sending finished: nothing left to send.
    ImportDone,
    /// Paused or finished after a request failed: its rows can go again.
    ImportFailed,
    /// A request whose outcome is unknown waits for the operator.
    ImportDoubt,
    /// Weya does not find the batch: nothing is opened, checked or sent.
    ImportGone,
    /// The check, when its local-time lines flag someone and the batch's
    /// window is known: the split by time zone is offered.
    ImportSplitOffer,
    /// The split's review or its creates and imports being made.
    ImportSplitWorking,
    /// The split's review.
    ImportSplitReview,
    /// What the split did.
    ImportSplitDone,
    /// The batch list.
    Batches,
    /// The batch list narrowed by a search kept with Enter: Esc clears it
    /// before it goes back.
    BatchesSearched,
    /// Typing a search of the batch list or of the calls.
    BatchSearch,
    /// One batch's calls.
    Calls,
    /// The choice of call statuses to filter by.
    StatusChoice,
    /// One call: its attempts, transcript and recording.
    Call,
    /// Confirming start or stop.
    Confirm,
    /// Typing a batch's name to delete it.
    DeleteConfirm,
    /// Any text input: a field, a filter, a name being typed.
    Editing,
    /// The template dialog, picking one to load.
    TemplateList,
    /// The workspace's numbers and the phone book.
    Phones,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Anywhere",
            Self::Unfinished => "Anywhere, after an import stopped part-way",
            Self::Form => "Form",
            Self::FormText => "Form, in a text field",
            Self::FormList => "Form, outside text fields",
            Self::Numbers => "Calling numbers",
            Self::NumbersFilter => "Calling numbers, filtering",
            Self::NumbersManual => "Calling numbers, typing an ID",
            Self::NumbersAdd => "Calling numbers, adding a number",
            Self::NumbersAddChoice => "Adding a number, its provider",
            Self::Timezone => "Timezone",
            Self::Time => "Window start and end",
            Self::Days => "Allowed days",
            Self::Number => "Retries and retry delay",
            Self::Review => "Review",
            Self::Sending => "While sending",
            Self::Result => "Result",
            Self::Modal => "Template dialog",
            Self::Created => "Result, created",
            Self::Deleted => "Result, batch deleted since",
            Self::Retryable => "Result, not created",
            Self::Help => "Help",
            Self::Navigation => "A view opened over another",
            Self::ImportPick => "Import, choosing the file",
            Self::ImportWorking => "Import, reading or checking",
            Self::ImportSheet => "Import, choosing the sheet",
            Self::ImportMap => "Import, columns",
            Self::ImportMapEdit => "Import, typing a name or region",
            Self::ImportPreview => "Import, check results",
            Self::ImportResume => "Import, earlier import found",
            Self::ImportSending => "Import, sending",
            Self::ImportSent => "Import, paused",
            Self::ImportDone => "Import, done",
            Self::ImportFailed => "Import, paused or done after a request failed",
            Self::ImportDoubt => "Import, outcome unknown",
            Self::ImportGone => "Import, batch no longer exists",
            Self::ImportSplitOffer => "Import, check flags contacts' local time",
            Self::ImportSplitWorking => "Import, split by time zone running",
            Self::ImportSplitReview => "Import, split by time zone: review",
            Self::ImportSplitDone => "Import, split by time zone: result",
            Self::Batches => "Batch list",
            Self::BatchesSearched => "Batch list, narrowed by a kept search",
            Self::BatchSearch => "Batch list or calls, searching",
            Self::Calls => "Batch details",
            Self::StatusChoice => "Batch details, choosing a status",
            Self::Call => "One call",
            Self::Confirm => "Start or stop dialog",
            Self::DeleteConfirm => "Delete dialog",
            Self::Editing => "Any text input",
            Self::TemplateList => "Template dialog, loading",
            Self::Phones => "Phones",
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

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
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
            // Terminals send Ctrl-_ (and Ctrl-/) as the byte 0x1F, which
            // crossterm reports as Ctrl-7.
            KeyCode::Char('7' | '/') if ctrl => KeyCode::Char('_'),
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
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
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
    /// A word or two for the footer; empty leaves the binding out of the
    /// footer (the help and the README still list it).
    pub short: &'static str,
    /// A sentence for the help overlay and the README.
    pub help: &'static str,
}

const fn bind(
    scope: Scope,
    keys: &'static [Key],
    action: Action,
    short: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        action,
        scope,
        short,
        help,
    }
}

const UP: Key = key(KeyCode::Up);
const DOWN: Key = key(KeyCode::Down);
const ENTER: Key = key(KeyCode::Enter);
const ESC: Key = key(KeyCode::Esc);

/// The default bindings. Order is the order of the help overlay, the footer
/// and the README.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(Scope::Global, &[ctrl('c')], Action::Quit, "quit", "Quit at once, from anywhere"),
    // Not in the footer: every terminal user knows it, and the footer's room
    // is for the keys of the screen on show.
    bind(Scope::Global, &[ctrl('z')], Action::Suspend, "", "Suspend to the shell (fg brings the app back as it was)"),
    bind(Scope::Global, &[key(KeyCode::F(1))], Action::FieldHelp, "help", "Explain the focused field and list every key"),
    // Not in the footer either: the help, the README and the palette list
    // them, and the footer keeps its room for the screen on show.
    // In the footer at every size (issue 20): the way to every action and
    // the batch list.
    bind(Scope::Global, &[ctrl('p')], Action::Palette, "commands", "Commands: find any action, view or batch by typing a few letters of it (from anywhere; it asks for the batch when one is needed)"),
    bind(Scope::Global, &[ctrl('n')], Action::Show(Route::Create), "", "New batch: the form, ready to type in (after a send, from the same values)"),
    bind(Scope::Global, &[], Action::LastResult, "", "Last result: the batch sent last, with its keys (c, i, o)"),
    bind(Scope::Global, &[ctrl('b')], Action::Show(Route::Batches), "batches", "Batches: the list of the account's batches"),
    // In the palette only: no chord is spared for them.
    bind(Scope::Global, &[], Action::Show(Route::Phones), "", "Phones: the workspace's numbers, and which the phone book keeps"),
    bind(Scope::Global, &[], Action::Help, "", "Help: every key of this screen and what it does (? outside text fields)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Open), "", "Watch a batch: its calls, live (asks which batch)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Import), "", "Import contacts into a batch from a CSV or spreadsheet (asks which batch)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Start), "", "Start calling a batch (asks which batch, then asks first)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Stop), "", "Stop calling a batch (asks which batch, then asks first)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Export), "", "Export a batch's calls to a CSV file in the app's data folder (asks which batch)"),
    bind(Scope::Global, &[], Action::Pick(Pick::Delete), "", "Delete a batch (asks which batch, then for its name)"),
    bind(Scope::Unfinished, &[ctrl('g')], Action::ResumeImport, "", "Resume (or set aside, when its batch is gone) the import that stopped part-way (named at start)"),
    bind(Scope::Form, &[key(KeyCode::Tab)], Action::NextField, "next", "Next field (wraps around); a text field's value is selected, so typing replaces it"),
    bind(Scope::Form, &[key(KeyCode::BackTab)], Action::PrevField, "prev", "Previous field"),
    bind(Scope::Form, &[ctrl('s')], Action::Review, "review", "Check the form and open the review"),
    bind(Scope::Form, &[ctrl('t')], Action::SaveTemplate, "save template", "Save the form as a named template"),
    bind(Scope::Form, &[ctrl('o')], Action::OpenTemplate, "open template", "Fill the form from a saved template"),
    bind(Scope::Form, &[ctrl('r')], Action::BlankForm, "blank form", "Start a blank form; the draft on the form stays on disk and is offered at the next start"),
    bind(Scope::FormText, &[ENTER], Action::NextField, "next", "Next field"),
    // Readline's keys, out of the footer: the help and the README list them.
    bind(Scope::Editing, &[ctrl('u')], Action::Edit(LineEdit::ClearToStart), "", "Delete from the start of the line to the cursor"),
    bind(Scope::Editing, &[ctrl('k')], Action::Edit(LineEdit::ClearToEnd), "", "Delete from the cursor to the end of the line"),
    bind(Scope::Editing, &[ctrl('w')], Action::Edit(LineEdit::DeleteWordBack), "", "Delete the word before the cursor"),
    bind(Scope::Editing, &[ctrl('y')], Action::Edit(LineEdit::Yank), "", "Put back what Ctrl-U, Ctrl-K or Ctrl-W deleted"),
    // Ctrl-Z, the usual undo, suspends: undo is readline's Ctrl-_.
    bind(Scope::Editing, &[ctrl('_')], Action::Edit(LineEdit::Undo), "", "Undo the last edit (Ctrl-/ in most terminals too)"),
    bind(Scope::FormList, &[key(KeyCode::Char('?'))], Action::Help, "keys", "List every key (on every screen; in a text field, ? is typed)"),
    bind(Scope::Numbers, &[UP, key(KeyCode::Char('k'))], Action::Up, "move", "Highlight the previous number"),
    bind(Scope::Numbers, &[DOWN, key(KeyCode::Char('j'))], Action::Down, "move", "Highlight the next number"),
    bind(Scope::Numbers, &[key(KeyCode::PageUp)], Action::PageUp, "page", "A page up"),
    bind(Scope::Numbers, &[key(KeyCode::PageDown)], Action::PageDown, "page", "A page down"),
    bind(Scope::Numbers, &[key(KeyCode::Home), key(KeyCode::Char('g'))], Action::Home, "first", "First number"),
    bind(Scope::Numbers, &[key(KeyCode::End), key(KeyCode::Char('G'))], Action::End, "last", "Last number"),
    bind(Scope::Numbers, &[key(KeyCode::Char(' '))], Action::Toggle, "select", "Select or unselect the highlighted number"),
    bind(Scope::Numbers, &[key(KeyCode::Char('/'))], Action::Filter, "filter", "Filter by number, label, integration or ID"),
    bind(Scope::Numbers, &[key(KeyCode::Char('a'))], Action::SelectVisible, "all", "Select every number shown (the filter decides which)"),
    bind(Scope::Numbers, &[key(KeyCode::Char('x'))], Action::ClearAll, "none", "Unselect every number"),
    bind(Scope::Numbers, &[key(KeyCode::Char('i'))], Action::ManualId, "type ID", "Type a phone ID that is not in the list"),
    bind(Scope::Numbers, &[key(KeyCode::Char('n'))], Action::AddPhone, "add number", "Register a new number with Weya (add-phone), keep its phone ID in phonebook.toml and select it"),
    bind(Scope::Numbers, &[key(KeyCode::Char('r'))], Action::RetryLoad, "reload", "Fetch the phone list again"),
    bind(Scope::NumbersFilter, &[UP], Action::Up, "move", "Highlight the previous match"),
    bind(Scope::NumbersFilter, &[DOWN], Action::Down, "move", "Highlight the next match"),
    bind(Scope::NumbersFilter, &[ENTER], Action::Accept, "keep filter", "Keep the filter and go back to the list"),
    bind(Scope::NumbersFilter, &[ESC], Action::Cancel, "clear filter", "Clear the filter"),
    bind(Scope::NumbersManual, &[ENTER], Action::Accept, "add", "Add and select the typed ID (24 hex characters)"),
    bind(Scope::NumbersManual, &[ESC], Action::Cancel, "cancel", "Stop typing an ID"),
    bind(Scope::NumbersAdd, &[ENTER], Action::Accept, "register", "Send add-phone with the number and the provider's credentials (shown masked, never kept)"),
    bind(Scope::NumbersAdd, &[key(KeyCode::Tab)], Action::NextField, "next", "Next field of the dialog"),
    bind(Scope::NumbersAdd, &[key(KeyCode::BackTab)], Action::PrevField, "prev", "Previous field of the dialog"),
    bind(Scope::NumbersAdd, &[ESC], Action::Cancel, "cancel", "Close the dialog; nothing is sent (while sending: stop waiting)"),
    bind(Scope::NumbersAddChoice, &[key(KeyCode::Right), key(KeyCode::Char(' '))], Action::Right, "provider", "The next provider: plivo, twilio, telnyx"),
    bind(Scope::NumbersAddChoice, &[key(KeyCode::Left)], Action::Left, "", "The previous provider"),
    bind(Scope::Timezone, &[UP], Action::Up, "move", "Highlight the previous match"),
    bind(Scope::Timezone, &[DOWN], Action::Down, "move", "Highlight the next match"),
    bind(Scope::Timezone, &[ENTER], Action::Accept, "take", "Take the highlighted timezone (Tab takes it too)"),
    bind(Scope::Timezone, &[ESC], Action::Cancel, "undo", "Put back the timezone you had"),
    bind(Scope::Time, &[UP], Action::Increase, "+15 min", "15 minutes later"),
    bind(Scope::Time, &[DOWN], Action::Decrease, "−15 min", "15 minutes earlier"),
    bind(Scope::Days, &[key(KeyCode::Left), key(KeyCode::Char('h'))], Action::Left, "move", "Highlight the previous day"),
    bind(Scope::Days, &[key(KeyCode::Right), key(KeyCode::Char('l'))], Action::Right, "move", "Highlight the next day"),
    bind(Scope::Days, &[key(KeyCode::Char(' '))], Action::Toggle, "toggle", "Allow or disallow the highlighted day"),
    bind(Scope::Days, &[key(KeyCode::Char('w'))], Action::PresetWeekdays, "weekdays", "Monday to Friday"),
    bind(Scope::Days, &[key(KeyCode::Char('a'))], Action::PresetEveryDay, "every day", "Every day of the week"),
    bind(Scope::Days, &[key(KeyCode::Char('s'))], Action::PresetWeekends, "weekends", "Saturday and Sunday"),
    bind(Scope::Number, &[key(KeyCode::Char('+')), UP], Action::Increase, "more", "Step up"),
    bind(Scope::Number, &[key(KeyCode::Char('-')), DOWN], Action::Decrease, "less", "Step down"),
    bind(Scope::Review, &[ENTER], Action::Submit, "send", "Send the batch (once)"),
    bind(Scope::Review, &[ESC], Action::Back, "back to form", "Back to the form, nothing sent"),
    bind(Scope::Review, &[UP, key(KeyCode::Char('k'))], Action::Up, "scroll", "Scroll up"),
    bind(Scope::Review, &[DOWN, key(KeyCode::Char('j'))], Action::Down, "scroll", "Scroll down"),
    bind(Scope::Sending, &[ESC], Action::Back, "stop waiting", "Stop waiting for the answer (the batch may still have been created)"),
    bind(Scope::Created, &[key(KeyCode::Char('c'))], Action::Copy, "copy ID", "Copy the new batch ID to the clipboard (OSC 52, works over SSH)"),
    bind(Scope::Created, &[key(KeyCode::Char('n'))], Action::NewBatch, "new batch", "Start a new batch from the same values"),
    bind(Scope::Created, &[ch('i')], Action::Import, "import", "Import contacts into the new batch from a CSV or spreadsheet"),
    bind(Scope::Created, &[ch('o')], Action::OpenBatch, "open batch", "Open the new batch's details: its calls, live"),
    bind(Scope::Deleted, &[key(KeyCode::Char('n'))], Action::NewBatch, "new batch", "Start a new batch from the same values (the one made is deleted)"),
    bind(Scope::Retryable, &[key(KeyCode::Char('r'))], Action::Resend, "send again", "Send the same body again; when the outcome is unknown, only once the batch list shows no such batch (or on a second r)"),
    bind(Scope::Result, &[ESC], Action::Back, "back to form", "Back to the form, with everything as you left it"),
    bind(Scope::Modal, &[UP], Action::Up, "move", "Highlight the previous template"),
    bind(Scope::Modal, &[DOWN], Action::Down, "move", "Highlight the next template"),
    bind(Scope::Modal, &[ENTER], Action::Accept, "ok", "Save under the typed name, or load the highlighted template"),
    bind(Scope::Modal, &[ESC], Action::Cancel, "cancel", "Close the dialog"),
    bind(Scope::ImportPick, &[key(KeyCode::Tab)], Action::Complete, "complete", "Complete the path (~ is your home); twice lists the matches"),
    bind(Scope::ImportPick, &[ENTER], Action::Accept, "open", "Open the file (.csv, .tsv, .xlsx, .xls, .ods)"),
    bind(Scope::ImportPick, &[ESC], Action::Back, "close", "Leave the import; nothing was sent"),
    bind(Scope::ImportWorking, &[ESC], Action::Back, "stop", "Stop reading or checking the file"),
    bind(Scope::ImportSheet, &[ENTER], Action::Accept, "read", "Read the highlighted sheet of the workbook"),
    bind(Scope::ImportSheet, &[UP, ch('k')], Action::Up, "move", "Highlight the previous sheet"),
    bind(Scope::ImportSheet, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next sheet"),
    bind(Scope::ImportSheet, &[ESC], Action::Back, "other file", "Back to choosing the file"),
    // First: at 80 columns the footer has room for the way on, not for all.
    // The footer shows Enter first, then these in this order as room
    // allows: at 80 columns, Space and e.
    bind(Scope::ImportMap, &[ENTER], Action::Check, "check", "Check every row; nothing is sent yet"),
    bind(Scope::ImportMap, &[ch(' ')], Action::Toggle, "skip", "Leave the highlighted column out (it is not sent as an agent variable), or send it again"),
    bind(Scope::ImportMap, &[ch('e')], Action::Rename, "rename", "Rename the variable the column is sent as (First Name → name)"),
    bind(Scope::ImportMap, &[ch('p')], Action::PhoneColumn, "phone", "The highlighted column holds the phone numbers"),
    bind(Scope::ImportMap, &[ch('g')], Action::Region, "region", "The region of numbers written without a country code (US, GB, IN…)"),
    bind(Scope::ImportMap, &[ESC], Action::Back, "other file", "Back to choosing the file (or the sheet, in a workbook of several)"),
    bind(Scope::ImportMap, &[UP, ch('k')], Action::Up, "move", "Highlight the previous column"),
    bind(Scope::ImportMap, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next column"),
    bind(Scope::ImportMapEdit, &[ENTER], Action::Accept, "ok", "Take the typed name or region"),
    bind(Scope::ImportMapEdit, &[ESC], Action::Cancel, "cancel", "Keep the name or region as it was"),
    // Before the check's keys: at 80 columns the footer shows it.
    bind(Scope::ImportSplitOffer, &[ch('z')], Action::SplitByZone, "split by zone", "One batch per time zone group called outside its hours, the window in its own zone (batch import --split-by-zone): its review first, nothing sent"),
    // The footer shows Enter first, then these in this order as room
    // allows: at 80 columns g and o (z before them when offered).
    bind(Scope::ImportPreview, &[ENTER], Action::Submit, "send", "Send the valid rows, 1,000 per request"),
    bind(Scope::ImportPreview, &[ch('g')], Action::Region, "region", "Set the region of numbers without a country code, then check again"),
    bind(Scope::ImportPreview, &[ch('o')], Action::AllowCountries, "countries", "Send the numbers of the countries outside the region too, or hold them back again; checks again"),
    bind(Scope::ImportPreview, &[ESC], Action::Back, "columns", "Back to the columns"),
    bind(Scope::ImportPreview, &[ch('b')], Action::Toggle, "in batch", "Leave out the rows whose number the batch holds already (the default), or send them too"),
    bind(Scope::ImportPreview, &[ch('x')], Action::WithoutExtensions, "extensions", "Dial numbers with an extension without it, or refuse them again; checks again"),
    bind(Scope::ImportPreview, &[ch('w')], Action::WriteRejected, "write rejected", "Write the invalid rows, with why, to NAME.rejected.csv beside the file (a file there that holds other rows: asks first)"),
    bind(Scope::ImportPreview, &[UP, ch('k')], Action::Up, "scroll", "Scroll up"),
    bind(Scope::ImportPreview, &[DOWN, ch('j')], Action::Down, "scroll", "Scroll down"),
    bind(Scope::ImportSplitWorking, &[ESC], Action::Back, "cancel", "Drop the review being made (nothing is sent); the creates and imports, once started, run to their end"),
    bind(Scope::ImportSplitReview, &[ENTER], Action::Submit, "create and import", "Create every batch reviewed, then import each group's contacts into its batch and the rest into this one"),
    bind(Scope::ImportSplitReview, &[ESC], Action::Back, "cancel", "Back to the check; nothing is sent"),
    bind(Scope::ImportSplitReview, &[UP, ch('k')], Action::Up, "scroll", "Scroll up"),
    bind(Scope::ImportSplitReview, &[DOWN, ch('j')], Action::Down, "scroll", "Scroll down"),
    bind(Scope::ImportSplitDone, &[ESC], Action::Back, "close", "Leave the import when the split is done; else back to the check, where z resumes it"),
    bind(Scope::ImportSplitDone, &[UP, ch('k')], Action::Up, "scroll", "Scroll up"),
    bind(Scope::ImportSplitDone, &[DOWN, ch('j')], Action::Down, "scroll", "Scroll down"),
    bind(Scope::ImportResume, &[ENTER], Action::Resume, "resume", "Check the file again with the recorded columns and send from the first unconfirmed request"),
    bind(Scope::ImportResume, &[ch('d')], Action::StartOver, "start over", "Forget the recorded import and map the columns anew, to import the file again (numbers the batch holds are still left out unless x on the check)"),
    bind(Scope::ImportResume, &[ESC], Action::Back, "other file", "Back to choosing the file"),
    bind(Scope::ImportSending, &[ESC], Action::Back, "pause", "Pause once the request on its way has been answered"),
    bind(Scope::ImportSent, &[ENTER], Action::Resume, "continue", "Send the requests not sent yet"),
    bind(Scope::ImportSent, &[ESC], Action::Back, "close", "Leave the import (the journal keeps where it stands)"),
    bind(Scope::ImportGone, &[ESC], Action::Back, "close", "Leave the import: the batch no longer exists, nothing can be sent to it"),
    bind(Scope::ImportDone, &[ENTER], Action::Back, "close", "Leave the finished import: back to the view it was opened from"),
    bind(Scope::ImportDone, &[ESC], Action::Back, "close", "Leave the finished import: back to the view it was opened from"),
    bind(Scope::ImportFailed, &[ch('r')], Action::Resend, "resend failed", "Send again only the rows of the requests that failed (offered only when one failed)"),
    bind(Scope::ImportDoubt, &[ch('a')], Action::MarkAdded, "were added", "The batch has these rows: count them as sent"),
    bind(Scope::ImportDoubt, &[ch('s')], Action::SendAgain, "send again", "The batch does not have these rows: send again those whose number it does not hold"),
    bind(Scope::ImportDoubt, &[ch('t')], Action::Recount, "recount", "Fetch the batch's totalCalls again"),
    bind(Scope::ImportDoubt, &[ESC], Action::Back, "close", "Leave the import; the request stays in doubt"),
    // `c` copies everywhere (the new batch ID, a batch's ID, a recording's
    // URL), so the "completed" filter is `C`; `i` on the batch details is
    // kept for importing contacts.
    bind(Scope::Batches, &[ENTER], Action::Open, "details", "Open the batch's calls"),
    bind(Scope::Batches, &[ch('s')], Action::Start, "start", "Start calling (asks first)"),
    bind(Scope::Batches, &[ch('x')], Action::Stop, "stop", "Stop calling (asks first; calls in progress finish)"),
    bind(Scope::Batches, &[ch('D')], Action::Delete, "delete", "Delete the batch (type its name to confirm; irreversible)"),
    bind(Scope::Batches, &[ch('c')], Action::Copy, "copy ID", "Copy the batch ID to the clipboard (OSC 52)"),
    bind(Scope::Batches, &[ch('/')], Action::Filter, "search", "Search the batches (sent to Weya as you type)"),
    bind(Scope::Batches, &[ch('r')], Action::RetryLoad, "refresh", "Refresh now (the list refreshes itself while on screen, every 5 s unless WEYA_REFRESH_SECS says otherwise)"),
    bind(Scope::Batches, &[UP, ch('k')], Action::Up, "move", "Highlight the previous batch"),
    bind(Scope::Batches, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next batch"),
    bind(Scope::Batches, &[key(KeyCode::PageUp)], Action::PageUp, "page", "First row; on the first row, the previous page"),
    bind(Scope::Batches, &[key(KeyCode::PageDown)], Action::PageDown, "page", "Last row; on the last row, the next page"),
    bind(Scope::Batches, &[ch('a')], Action::ShowActive, "", "Show active batches (of the page shown: Weya's list has no status filter)"),
    bind(Scope::Batches, &[ch('p')], Action::ShowPaused, "", "Show paused batches (of the page shown)"),
    bind(Scope::Batches, &[ch('C')], Action::ShowCompleted, "", "Show completed batches (of the page shown; c copies)"),
    bind(Scope::Batches, &[ch('*')], Action::ShowAll, "all", "Show every status (a, p, C filter)"),
    bind(Scope::Batches, &[ch('e')], Action::Export, "export", "Write every call of the batch to a CSV file in the app's data folder (exports/)"),
    bind(Scope::BatchesSearched, &[ESC], Action::Cancel, "clear search", "Clear the search kept with Enter and show every batch again (Esc once more goes back)"),
    bind(Scope::BatchSearch, &[ENTER], Action::Accept, "keep", "Keep the search and go back to the rows"),
    bind(Scope::BatchSearch, &[ESC], Action::Cancel, "clear", "Clear the search"),
    bind(Scope::Calls, &[ENTER], Action::Open, "call", "Open the call: attempts, transcript, recording"),
    bind(Scope::Calls, &[ch('f')], Action::ChooseStatus, "filter", "Show only calls of one status (one seen, or not called yet once counted)"),
    bind(Scope::Calls, &[ch('o')], Action::SortColumn, "sort", "Sort by the next column, ascending first (S flips it), from the first row: number, status, duration, attempts, time, each contact field (over every call of the batch, read page by page), then created (Weya's order, newest first)"),
    bind(Scope::Calls, &[ch('S')], Action::Sort, "order", "Flip the order: newest or oldest first, or largest or smallest first"),
    bind(Scope::Calls, &[ch('/')], Action::Filter, "search", "Search the calls (sent to Weya as you type; in a table sorted over the whole batch, the numbers and contact fields read)"),
    bind(Scope::Calls, &[ch('r')], Action::RetryLoad, "refresh", "Refresh now (the calls refresh themselves while on screen, as the list does)"),
    bind(Scope::Calls, &[ch('c')], Action::Copy, "copy ID", "Copy the batch ID to the clipboard (OSC 52)"),
    bind(Scope::Calls, &[UP, ch('k')], Action::Up, "move", "Highlight the previous call"),
    bind(Scope::Calls, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next call"),
    bind(Scope::Calls, &[key(KeyCode::Left), ch('h')], Action::Left, "columns", "Scroll the contact's fields left"),
    bind(Scope::Calls, &[key(KeyCode::Right), ch('l')], Action::Right, "columns", "Scroll the contact's fields right"),
    bind(Scope::Calls, &[key(KeyCode::PageUp)], Action::PageUp, "page", "First row; on the first row, the previous page"),
    bind(Scope::Calls, &[key(KeyCode::PageDown)], Action::PageDown, "page", "Last row; on the last row, the next page"),
    bind(Scope::Calls, &[ESC], Action::Back, "back", "Back to the view it was opened from (the batch list)"),
    bind(Scope::StatusChoice, &[UP, ch('k')], Action::Up, "move", "Highlight the previous status"),
    bind(Scope::StatusChoice, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next status"),
    bind(Scope::StatusChoice, &[ENTER], Action::Accept, "show", "Show calls of the highlighted status"),
    bind(Scope::StatusChoice, &[ESC], Action::Cancel, "cancel", "Keep the filter as it was"),
    bind(Scope::Call, &[UP, ch('k')], Action::Up, "scroll", "Scroll up"),
    bind(Scope::Call, &[DOWN, ch('j')], Action::Down, "scroll", "Scroll down"),
    bind(Scope::Call, &[key(KeyCode::PageUp)], Action::PageUp, "page", "A page up"),
    bind(Scope::Call, &[key(KeyCode::PageDown)], Action::PageDown, "page", "A page down"),
    bind(Scope::Call, &[ch('c')], Action::Copy, "copy URL", "Copy the latest recording's URL (OSC 52)"),
    bind(Scope::Call, &[ESC], Action::Back, "back", "Back to the calls"),
    bind(Scope::Call, &[ch('n'), ch(']')], Action::NextItem, "next call", "The next call (past the page's last, the next page's first)"),
    bind(Scope::Call, &[ch('p'), ch('[')], Action::PrevItem, "prev call", "The previous call (before the page's first, the previous page's last)"),
    bind(Scope::Call, &[ch('y')], Action::CopyNumber, "copy number", "Copy the call's number (OSC 52)"),
    bind(Scope::Confirm, &[ENTER, ch('y')], Action::Accept, "yes", "Do it"),
    bind(Scope::Confirm, &[ESC, ch('n')], Action::Cancel, "no", "Do nothing"),
    bind(Scope::DeleteConfirm, &[ENTER], Action::Accept, "delete", "Delete, if the typed name is the batch's name"),
    bind(Scope::DeleteConfirm, &[ESC], Action::Cancel, "cancel", "Keep the batch"),
    bind(Scope::DeleteConfirm, &[ctrl('s')], Action::Export, "export first", "Write the batch's calls to a CSV file before deleting it (Weya's delete page says to export first)"),
    bind(Scope::TemplateList, &[key(KeyCode::Char('D'))], Action::DeleteTemplate, "delete", "Delete the highlighted template (asks first)"),
    bind(Scope::Calls, &[ch('i')], Action::Import, "import", "Import contacts into this batch from a CSV or spreadsheet"),
    bind(Scope::Calls, &[ch('e')], Action::Export, "export", "Write every call of the batch to a CSV file in the app's data folder (exports/)"),
    bind(Scope::Calls, &[key(KeyCode::Home), ch('g')], Action::Home, "", "The first call of the batch (its first page)"),
    bind(Scope::Calls, &[key(KeyCode::End), ch('G')], Action::End, "", "The last call of the batch (its last page)"),
    bind(Scope::Calls, &[ch('y')], Action::CopyNumber, "", "Copy the highlighted call's number (OSC 52)"),
    bind(Scope::Calls, &[ch('Y')], Action::CopyRow, "", "Copy the highlighted call as one tab-separated line: number, status, attempts, last attempt, duration, the contact's fields"),
    bind(Scope::Calls, &[ch('s')], Action::Start, "start/stop", "Start calling this batch (asks first)"),
    bind(Scope::Calls, &[ch('x')], Action::Stop, "start/stop", "Stop calling this batch (asks first; calls in progress finish)"),
    bind(Scope::Help, &[UP, key(KeyCode::Char('k'))], Action::Up, "scroll", "Scroll the help up"),
    bind(Scope::Help, &[DOWN, key(KeyCode::Char('j'))], Action::Down, "scroll", "Scroll the help down"),
    bind(Scope::Help, &[key(KeyCode::PageUp)], Action::PageUp, "page", "A page up"),
    bind(Scope::Help, &[key(KeyCode::PageDown), key(KeyCode::Char(' '))], Action::PageDown, "page", "A page down"),
    bind(Scope::Help, &[key(KeyCode::Home), key(KeyCode::Char('g'))], Action::Home, "top", "The first line of the help"),
    bind(Scope::Help, &[key(KeyCode::End), key(KeyCode::Char('G'))], Action::End, "bottom", "The last line of the help"),
    bind(Scope::Help, &[ESC, key(KeyCode::Char('?')), key(KeyCode::F(1))], Action::CloseHelp, "close", "Close the help"),
    bind(Scope::Phones, &[UP, ch('k')], Action::Up, "move", "Highlight the previous number"),
    bind(Scope::Phones, &[DOWN, ch('j')], Action::Down, "move", "Highlight the next number"),
    bind(Scope::Phones, &[ch('r')], Action::RetryLoad, "refresh", "Fetch the phone list and read phonebook.toml again"),
    bind(Scope::Phones, &[ch('c')], Action::Copy, "copy ID", "Copy the highlighted number's phone ID (OSC 52)"),
    bind(Scope::Phones, &[ch('n')], Action::AddPhone, "add number", "Register a new number with Weya (add-phone) and keep its phone ID in phonebook.toml"),
    bind(Scope::Navigation, &[ESC], Action::Pop, "back", "Back to the view this one was opened from; on the first screen (the list, the phones opened from the form) Esc stays and says how to quit"),
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

/// The keys of a binding as one label, e.g. "↑/k"; "palette" for one
/// reached only from the command palette.
pub fn keys_label(binding: &Binding) -> String {
    if binding.keys.is_empty() {
        return "palette".to_owned();
    }
    binding
        .keys
        .iter()
        .map(Key::label)
        .collect::<Vec<_>>()
        .join("/")
}

/// Footer hints for the active scopes: "Tab next · Ctrl-S review · …".
/// Bindings with the same short text in a row are merged ("↑/k/↓/j move").
/// A binding hidden by a scope of higher priority is left out.
pub fn hints(scopes: &[Scope]) -> Vec<(String, &'static str)> {
    hint_entries(scopes)
        .into_iter()
        .map(|h| (h.keys, h.short))
        .collect()
}

/// How much a footer hint matters when room is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rank {
    /// Enter on a screen of its own: the step's way on. First, and never
    /// dropped for another of the screen's keys.
    Primary,
    /// The keys of the focused field or of the screen: what it alone does.
    Own,
    /// Ctrl-S: the way forward from anywhere in the form.
    Forward,
    /// Keys of the whole form or of every view (Tab, Enter next, Esc back).
    General,
    /// Arrows, pages, first and last: anyone tries them.
    Moves,
}

const RANKS: [Rank; 5] = [
    Rank::Primary,
    Rank::Own,
    Rank::Forward,
    Rank::General,
    Rank::Moves,
];

struct Hint {
    keys: String,
    short: &'static str,
    rank: Rank,
}

impl Hint {
    /// Cells it takes in the footer: "keys short" and two spaces.
    fn width(&self) -> usize {
        self.keys.chars().count() + self.short.chars().count() + 3
    }
}

fn rank_of(binding: &Binding) -> Rank {
    match (binding.action, binding.scope) {
        (Action::Review, _) => Rank::Forward,
        (
            Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End,
            _,
        ) => Rank::Moves,
        (
            _,
            Scope::Global
            | Scope::Unfinished
            | Scope::Form
            | Scope::FormText
            | Scope::FormList
            | Scope::Navigation
            | Scope::Editing,
        ) => Rank::General,
        _ if binding.keys.contains(&ENTER) => Rank::Primary,
        _ => Rank::Own,
    }
}

fn hint_entries(scopes: &[Scope]) -> Vec<Hint> {
    let mut out: Vec<Hint> = Vec::new();
    let shadowed = |b: &Binding, position: usize| {
        BINDINGS.iter().any(|other| {
            scopes[..position].contains(&other.scope)
                && other.keys.iter().any(|k| b.keys.contains(k))
        })
    };
    for (position, scope) in scopes.iter().enumerate().rev() {
        for b in BINDINGS
            .iter()
            .filter(|b| b.scope == *scope && !b.short.is_empty() && !shadowed(b, position))
        {
            let label = b.keys.first().map(Key::label).unwrap_or_default();
            match out.last_mut() {
                Some(last) if last.short == b.short => {
                    last.keys.push('/');
                    last.keys.push_str(&label);
                }
                _ => out.push(Hint {
                    keys: label,
                    short: b.short,
                    rank: rank_of(b),
                }),
            }
        }
    }
    out
}

/// The footer's hints for the active scopes within `room` cells, global
/// keys left out (the footer shows them apart). When not all fit, the
/// screen's Enter comes first (so no longer hint crowds it out), then its
/// other keys in the table's order (room for Ctrl-S is kept), then
/// Ctrl-S, then the form's keys, then movement; they are shown in that
/// order.
pub fn footer(scopes: &[Scope], room: usize) -> Vec<(String, &'static str)> {
    let global = hint_entries(&[Scope::Global]);
    let hints: Vec<Hint> = hint_entries(scopes)
        .into_iter()
        .filter(|h| global.iter().all(|g| g.keys != h.keys))
        .collect();
    let forward: usize = hints
        .iter()
        .filter(|h| matches!(h.rank, Rank::Forward))
        .map(Hint::width)
        .sum();
    let mut used = 0;
    let mut shown = Vec::new();
    for rank in RANKS {
        let budget = if rank == Rank::Own {
            room.saturating_sub(forward)
        } else {
            room
        };
        for hint in hints.iter().filter(|h| h.rank == rank) {
            if used + hint.width() <= budget {
                used += hint.width();
                shown.push((hint.keys.clone(), hint.short));
            }
        }
    }
    shown
}

/// The keyboard table of `docs/keys.md`, in Markdown.
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
    fn the_footer_leaves_out_bindings_that_a_closer_scope_hides() {
        let hints = hints(&[Scope::Global, Scope::Form, Scope::Timezone, Scope::FormText]);
        let enter: Vec<_> = hints.iter().filter(|(k, _)| k.contains("Enter")).collect();
        assert_eq!(enter, [&("Enter".to_owned(), "take")]);
    }

    #[test]
    fn ctrl_z_suspends_from_anywhere_but_leaves_the_footer_to_the_screen() {
        let e = ev(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(&e, &[Scope::Global, Scope::Form, Scope::FormText]),
            Some(Action::Suspend)
        );
        let footer = hints(&[Scope::Global]);
        assert!(
            footer.iter().all(|(keys, _)| keys != "Ctrl-Z"),
            "{footer:?}"
        );
        assert!(markdown_table().contains("| Anywhere | Ctrl-Z | Suspend"));
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

    #[test]
    fn every_import_step_is_left_with_esc_and_binds_each_key_once() {
        let steps = [
            Scope::ImportPick,
            Scope::ImportWorking,
            Scope::ImportSheet,
            Scope::ImportMap,
            Scope::ImportMapEdit,
            Scope::ImportPreview,
            Scope::ImportResume,
            Scope::ImportSending,
            Scope::ImportSent,
            Scope::ImportDone,
            Scope::ImportDoubt,
            Scope::ImportGone,
            Scope::ImportSplitWorking,
            Scope::ImportSplitReview,
            Scope::ImportSplitDone,
        ];
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        for scope in steps {
            assert!(
                matches!(lookup(&esc, &[scope]), Some(Action::Back | Action::Cancel)),
                "{scope:?}"
            );
            let keys: Vec<Key> = BINDINGS
                .iter()
                .filter(|b| b.scope == scope)
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[i + 1..].contains(k), "{scope:?} binds {k:?} twice");
            }
        }
    }

    /// The QA's 80x24 check step: "w write rejected  b in batch" and no
    /// Enter. The room is what the shell leaves at 80 columns beside F1,
    /// Ctrl-P and Ctrl-B.
    #[test]
    fn at_80_columns_every_screen_s_enter_is_in_the_footer_and_first() {
        const ROOM_AT_80: usize = 80 - "F1 help  Ctrl-P commands  Ctrl-B batches".len() - 1;
        for b in BINDINGS.iter().filter(|b| {
            b.keys.first() == Some(&ENTER) && !b.short.is_empty() && rank_of(b) == Rank::Primary
        }) {
            let shown = footer(&[Scope::Global, b.scope, Scope::Navigation], ROOM_AT_80);
            assert!(
                shown
                    .first()
                    .is_some_and(|(keys, what)| keys.starts_with("Enter") && *what == b.short),
                "{:?}: {shown:?}",
                b.scope
            );
        }
        let map = footer(
            &[Scope::Global, Scope::ImportMap, Scope::Navigation],
            ROOM_AT_80,
        );
        let keys: Vec<&str> = map.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["Enter", "Space", "e"], "{map:?}");
        let check = footer(
            &[
                Scope::Global,
                Scope::ImportPreview,
                Scope::ImportSplitOffer,
                Scope::Navigation,
            ],
            ROOM_AT_80,
        );
        let keys: Vec<&str> = check.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["Enter", "z", "g"],
            "the offer to split first: {check:?}"
        );
    }

    #[test]
    fn c_copies_and_capital_c_filters_completed() {
        let c = ev(KeyCode::Char('c'), KeyModifiers::NONE);
        let big_c = ev(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&c, &[Scope::Batches]), Some(Action::Copy));
        assert_eq!(
            lookup(&big_c, &[Scope::Batches]),
            Some(Action::ShowCompleted)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.scope == b.scope {
                    assert!(
                        !a.keys.iter().any(|k| b.keys.contains(k)),
                        "{:?} and {:?} share a key in {:?}",
                        a.action,
                        b.action,
                        a.scope
                    );
                }
            }
        }
    }

    #[test]
    fn typed_text_scopes_bind_no_printable_key() {
        for b in BINDINGS.iter().filter(|b| {
            matches!(
                b.scope,
                Scope::BatchSearch
                    | Scope::DeleteConfirm
                    | Scope::ImportPick
                    | Scope::ImportMapEdit
            )
        }) {
            assert!(
                b.keys
                    .iter()
                    .all(|k| k.ctrl || !matches!(k.code, KeyCode::Char(_))),
                "{:?} would swallow a typed character",
                b.action
            );
        }
    }

    /// `WEYA_UPDATE_README=1 cargo test readme` rewrites the table.
    #[test]
    fn readme_keyboard_table_is_generated_from_this_table() {
        const START: &str = "<!-- keymap:start -->\n";
        const END: &str = "<!-- keymap:end -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/keys.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (head, rest) = readme
            .split_once(START)
            .expect("docs/keys.md has the keymap:start marker");
        let (table, tail) = rest
            .split_once(END)
            .expect("docs/keys.md has the keymap:end marker");
        let want = markdown_table();
        if table != want && std::env::var_os("WEYA_UPDATE_README").is_some() {
            std::fs::write(path, format!("{head}{START}{want}{END}{tail}")).unwrap();
            return;
        }
        assert!(
            table == want,
            "docs/keys.md's keyboard table is stale: run WEYA_UPDATE_README=1 cargo test readme"
        );
    }
}
