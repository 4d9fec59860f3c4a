//! The calling-numbers picker: a filterable multi-select over the fetched
//! phone list, the operator's local phone book, and IDs typed by hand; and
//! its dialog that registers a new number with add-phone.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexSet;

use secrecy::SecretString;

use crate::api::types::is_object_id;
use crate::api::{Integration, Phone};
use crate::remote::Remote;
use crate::store::phonebook::{self, NewPhone, PhoneField};

use super::line::LineInput;
use crate::domain::phone::{format_number, format_number_final};

/// Where a row of the picker comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The workspace's phone list, fetched from the API.
    Workspace,
    /// The operator's phone book (`phonebook.toml`), not in the fetched list.
    Local,
    /// An ID no list knows: typed by hand, or from a file or a draft.
    Manual,
}

/// One row: a phone and what the filter searches.
#[derive(Debug, Clone)]
pub struct Entry {
    pub phone: Phone,
    pub source: Source,
    /// Lowercase number (its digits: a query with digits is matched on
    /// them), label, integration and ID.
    haystack: String,
    /// The number as shown, formatted the first time its row is drawn:
    /// libphonenumber's formatting takes microseconds a number, too long
    /// to spend on every row of a 10,000-phone list as it arrives.
    shown: OnceCell<String>,
}

impl Entry {
    fn new(phone: Phone, source: Source) -> Self {
        // Built by hand, not with `format!`: a file may bring tens of
        // thousands of rows, and this runs for each on every reload. The
        // number with a `+` in front, so a word query such as "+44 london"
        // finds it.
        let rest = [&phone.label, &phone.integration, &phone.id];
        let mut haystack = String::with_capacity(
            2 + phone.phone_number.len() + rest.iter().map(|p| p.len() + 1).sum::<usize>(),
        );
        if !phone.phone_number.starts_with('+') {
            haystack.push('+');
        }
        haystack.push_str(&phone.phone_number);
        for part in rest {
            haystack.push(' ');
            haystack.push_str(part);
        }
        if haystack.is_ascii() {
            haystack.make_ascii_lowercase();
        } else {
            haystack = haystack.to_lowercase();
        }
        Self {
            phone,
            source,
            haystack,
            shown: OnceCell::new(),
        }
    }

    /// The number in international format (see [`format_number`]), kept
    /// once its country's metadata is ready.
    pub fn number_shown(&self) -> Cow<'_, str> {
        if let Some(shown) = self.shown.get() {
            return Cow::Borrowed(shown);
        }
        match format_number_final(&self.phone.phone_number) {
            Some(shown) => Cow::Borrowed(self.shown.get_or_init(|| shown)),
            None => Cow::Owned(format_number(&self.phone.phone_number)),
        }
    }
}

/// What keys typed into the picker do.
#[derive(Debug, Clone)]
pub enum Mode {
    Browse,
    /// Typing a filter (`/`).
    Filter,
    /// Typing a phone ID by hand (`i`).
    Manual(Box<ManualEntry>),
    /// Registering a new number with add-phone (`n`).
    Adding(Box<AddPhoneDialog>),
}

/// The add-a-number dialog: the number, its provider, a label, and the
/// provider's auth token and account SID, which are secrets: drawn
/// masked, left out of `Debug`, in no draft, and gone when the dialog
/// closes.
#[derive(Clone)]
pub struct AddPhoneDialog {
    pub number: LineInput,
    pub integration: Integration,
    pub label: LineInput,
    pub auth_token: LineInput,
    pub account_sid: LineInput,
    pub focus: PhoneField,
    /// What is wrong with each field, from the last Enter.
    pub errors: Vec<(PhoneField, String)>,
    /// Why Weya refused (or could not be reached), from the last send.
    pub failure: Option<String>,
    /// The request on its way, if any: nothing is typed meanwhile.
    pub sending: Option<u64>,
}

impl std::fmt::Debug for AddPhoneDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddPhoneDialog")
            .field("number", &self.number.value())
            .field("integration", &self.integration)
            .field("label", &self.label.value())
            .field("focus", &self.focus)
            .field("errors", &self.errors)
            .field("failure", &self.failure)
            .field("sending", &self.sending)
            .finish_non_exhaustive()
    }
}

/// The dialog's fields in Tab order.
const ADD_FIELDS: [PhoneField; 5] = [
    PhoneField::Number,
    PhoneField::Integration,
    PhoneField::Label,
    PhoneField::AuthToken,
    PhoneField::AccountSid,
];

impl Default for AddPhoneDialog {
    fn default() -> Self {
        Self::new()
    }
}

impl AddPhoneDialog {
    pub fn new() -> Self {
        Self {
            number: LineInput::new("", 16),
            integration: Integration::Twilio,
            label: LineInput::new("", phonebook::MAX_LABEL),
            // Providers' tokens and SIDs are a few dozen characters.
            auth_token: LineInput::new("", 200),
            account_sid: LineInput::new("", 200),
            focus: PhoneField::Number,
            errors: Vec::new(),
            failure: None,
            sending: None,
        }
    }

    /// The error of `field`, if it has one.
    pub fn error(&self, field: PhoneField) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, why)| why.as_str())
    }

    /// The text input of `field` (none for the integration, a choice).
    pub fn input(&self, field: PhoneField) -> Option<&LineInput> {
        match field {
            PhoneField::Number => Some(&self.number),
            PhoneField::Label => Some(&self.label),
            PhoneField::AuthToken => Some(&self.auth_token),
            PhoneField::AccountSid => Some(&self.account_sid),
            PhoneField::Integration => None,
        }
    }

    /// Whether `field` is drawn masked.
    pub fn is_secret(field: PhoneField) -> bool {
        matches!(field, PhoneField::AuthToken | PhoneField::AccountSid)
    }

    /// The fields in the order Tab visits them.
    pub fn fields() -> &'static [PhoneField] {
        &ADD_FIELDS
    }

    /// Where typed keys go: the focused text field; nothing while the
    /// request is on its way. Typing in a field takes its error away.
    pub fn input_mut(&mut self) -> Option<&mut LineInput> {
        if self.sending.is_some() {
            return None;
        }
        let focus = self.focus;
        self.errors.retain(|(f, _)| *f != focus);
        match focus {
            PhoneField::Number => Some(&mut self.number),
            PhoneField::Label => Some(&mut self.label),
            PhoneField::AuthToken => Some(&mut self.auth_token),
            PhoneField::AccountSid => Some(&mut self.account_sid),
            PhoneField::Integration => None,
        }
    }

    /// Tab (`forward`) or Shift-Tab: the next field, round.
    pub fn move_focus(&mut self, forward: bool) {
        let at = ADD_FIELDS
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0);
        let n = ADD_FIELDS.len();
        self.focus = ADD_FIELDS[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
    }

    /// ←/→ on the integration: the previous or next provider, round.
    pub fn cycle_integration(&mut self, forward: bool) {
        if self.focus != PhoneField::Integration || self.sending.is_some() {
            return;
        }
        let all = Integration::ALL;
        let at = all.iter().position(|i| *i == self.integration).unwrap_or(0);
        let n = all.len();
        self.integration = all[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
        self.errors.retain(|(f, _)| *f != PhoneField::Integration);
    }

    /// Enter: the request to send, or every wrong field marked (the
    /// focus on the first) and nothing sent. What was typed stays.
    pub fn request(&mut self) -> Option<NewPhone> {
        if self.sending.is_some() {
            return None;
        }
        let secret = |input: &LineInput| SecretString::from(input.value().to_owned());
        match phonebook::check(
            self.number.value(),
            self.integration.as_str(),
            self.label.value(),
            secret(&self.auth_token),
            secret(&self.account_sid),
        ) {
            Ok(new) => {
                self.errors.clear();
                self.failure = None;
                Some(new)
            }
            Err(wrong) => {
                if let Some((first, _)) = wrong.first() {
                    self.focus = *first;
                }
                self.errors = wrong;
                None
            }
        }
    }
}

/// A phone ID being typed, with the last complaint about it.
#[derive(Debug, Clone)]
pub struct ManualEntry {
    pub input: LineInput,
    pub error: Option<String>,
}

/// Selected rows the operator cannot see now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HiddenSelection {
    pub above: usize,
    pub below: usize,
    /// Hidden by the filter.
    pub filtered_out: usize,
}

/// The picker's state. Selection is kept by ID, so a reload that reorders or
/// shortens the list, or a filter that hides a row, loses nothing picked.
#[derive(Debug, Clone)]
pub struct PhonePicker {
    pub phones: Remote<Vec<Phone>>,
    phone_book: Vec<Phone>,
    entries: Vec<Entry>,
    /// Where each ID's row is in `entries`: the review looks up thousands.
    row_of: HashMap<String, usize>,
    /// Indices into `entries` that pass the filter, in list order.
    visible: Vec<usize>,
    pub filter: LineInput,
    pub mode: Mode,
    cursor: usize,
    /// By ID, in the order selected (a file's order is the order sent).
    /// Membership is checked per row, so it must be cheap with thousands
    /// selected.
    selected: IndexSet<String>,
    /// Counts changes of `selected`, so a change is seen without comparing
    /// thousands of IDs.
    version: u64,
    /// `selected` as a list, made once per change of the selection: every
    /// keystroke saves a draft, which then shares it instead of copying
    /// thousands of IDs.
    shared: Arc<[String]>,
    /// The first row on show, kept from one drawing to the next (as
    /// ratatui's `ListState` keeps it): the list scrolls only when the
    /// highlight would leave it. The drawing moves it, hence the cell.
    offset: Cell<usize>,
}

impl Default for PhonePicker {
    fn default() -> Self {
        Self {
            phones: Remote::Idle,
            phone_book: Vec::new(),
            entries: Vec::new(),
            row_of: HashMap::new(),
            visible: Vec::new(),
            filter: LineInput::new("", 40),
            mode: Mode::Browse,
            cursor: 0,
            offset: Cell::new(0),
            selected: IndexSet::new(),
            version: 0,
            shared: Arc::from([]),
        }
    }
}

impl PhonePicker {
    pub fn with_selected(selected: Vec<String>) -> Self {
        let mut picker = Self {
            selected: selected.into_iter().collect(),
            ..Self::default()
        };
        picker.selection_changed();
        picker.rebuild();
        picker
    }

    /// Takes the answer of a phone-list fetch.
    pub fn finish_loading(&mut self, result: Result<Vec<Phone>, crate::api::ApiError>) {
        self.phones.finish(result);
        self.rebuild();
    }

    /// Merges the operator's phone book in (marked local).
    pub fn set_phone_book(&mut self, phones: Vec<Phone>) {
        self.phone_book = phones;
        self.rebuild();
    }

    /// Recomputes the rows after the sources changed: the workspace list
    /// first, then phone-book entries it lacks, then selected IDs nobody
    /// knows, in the order selected. The filter is applied again. Linear in
    /// the rows: a file may select tens of thousands of IDs.
    fn rebuild(&mut self) {
        let workspace = self.phones.value().map(Vec::as_slice).unwrap_or_default();
        let book: HashMap<&str, &Phone> =
            self.phone_book.iter().map(|p| (p.id.as_str(), p)).collect();
        let mut entries: Vec<Entry> = workspace
            .iter()
            .map(|p| {
                let mut phone = p.clone();
                if phone.label.is_empty()
                    && let Some(local) = book.get(p.id.as_str())
                {
                    phone.label.clone_from(&local.label);
                }
                Entry::new(phone, Source::Workspace)
            })
            .collect();
        let mut row_of: HashMap<String, usize> = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            row_of.entry(e.phone.id.clone()).or_insert(i);
        }
        for phone in &self.phone_book {
            if !row_of.contains_key(&phone.id) {
                row_of.insert(phone.id.clone(), entries.len());
                entries.push(Entry::new(phone.clone(), Source::Local));
            }
        }
        for id in &self.selected {
            if !row_of.contains_key(id) {
                row_of.insert(id.clone(), entries.len());
                // Nothing but the ID: no list knows more, and a file may
                // bring hundreds of thousands of these.
                let phone = Phone {
                    id: id.clone(),
                    phone_number: String::new(),
                    integration: String::new(),
                    label: String::new(),
                };
                entries.push(Entry::new(phone, Source::Manual));
            }
        }
        self.entries = entries;
        self.row_of = row_of;
        self.apply_filter();
    }

    /// Recomputes the visible rows from the filter text. Called on each
    /// change of the filter, never per frame.
    pub fn apply_filter(&mut self) {
        let query = self.filter.value().trim().to_lowercase();
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        let numeric = !digits.is_empty()
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
        let terms: Vec<&str> = query.split_whitespace().collect();
        self.visible = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                if numeric {
                    e.phone.phone_number.contains(&digits) || e.haystack.contains(&query)
                } else {
                    terms.iter().all(|t| e.haystack.contains(t))
                }
            })
            .map(|(i, _)| i)
            .collect();
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// The rows that pass the filter.
    pub fn visible(&self) -> impl ExactSizeIterator<Item = &Entry> {
        self.visible.iter().map(|&i| &self.entries[i])
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// All rows, filtered or not.
    pub fn total(&self) -> usize {
        self.entries.len()
    }

    pub fn cursor(&self) -> usize {
        self.cursor.min(self.visible.len().saturating_sub(1))
    }

    /// The first row to show in a list `height` rows tall: the one shown
    /// last time, moved only as far as the highlight needs to stay in view
    /// (and no further down than the end allows). Called by the drawing.
    pub fn offset_for(&self, height: usize) -> usize {
        let cursor = self.cursor();
        let mut offset = self.offset.get();
        if cursor < offset {
            offset = cursor;
        } else if cursor >= offset + height {
            offset = cursor + 1 - height;
        }
        offset = offset.min(self.visible.len().saturating_sub(height));
        self.offset.set(offset);
        offset
    }

    /// Moves the highlight by `delta` rows, stopping at the ends.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.cursor = self.cursor().saturating_add_signed(delta).min(last);
    }

    pub fn up(&mut self) {
        self.move_by(-1);
    }

    /// Highlights the `row`th visible row (a click on it), within the list.
    pub fn highlight(&mut self, row: usize) {
        self.cursor = row.min(self.visible.len().saturating_sub(1));
    }

    /// The wheel: the rows on show move by `delta` and the highlight with
    /// them, so it stays on the same line of the screen (the drawing keeps
    /// the offset within the list).
    pub fn scroll_by(&mut self, delta: isize) {
        let offset = self.offset.get().saturating_add_signed(delta);
        self.offset
            .set(offset.min(self.visible.len().saturating_sub(1)));
        self.move_by(delta);
    }

    /// Of the selected rows, how many the filter hides and how many are
    /// above and below the `shown` rows of the visible list. Linear in the
    /// selected rows, not in the list: the drawing asks on every frame.
    pub fn selected_out_of_view(&self, shown: std::ops::Range<usize>) -> HiddenSelection {
        let mut hidden = HiddenSelection::default();
        for id in &self.selected {
            let Some(&row) = self.row_of.get(id) else {
                continue;
            };
            // `visible` is in list order: a binary search finds the row.
            match self.visible.binary_search(&row) {
                Ok(at) if at < shown.start => hidden.above += 1,
                Ok(at) if at >= shown.end => hidden.below += 1,
                Ok(_) => {}
                Err(_) => hidden.filtered_out += 1,
            }
        }
        hidden
    }

    pub fn down(&mut self) {
        self.move_by(1);
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.visible.len().saturating_sub(1);
    }

    fn highlighted(&self) -> Option<&Entry> {
        self.visible.get(self.cursor()).map(|&i| &self.entries[i])
    }

    /// Toggles the highlighted number; nothing when no row is visible.
    pub fn toggle(&mut self) {
        let Some(id) = self.highlighted().map(|e| e.phone.id.clone()) else {
            return;
        };
        // `shift_remove` keeps the order of the others; O(selected), once
        // per key.
        if !self.selected.shift_remove(&id) {
            self.selected.insert(id);
        }
        self.selection_changed();
    }

    /// Selects every visible row (the filter decides which).
    pub fn select_visible(&mut self) {
        for &i in &self.visible {
            let id = &self.entries[i].phone.id;
            self.selected.insert(id.clone());
        }
        self.selection_changed();
    }

    /// Unselects everything, visible or not. Hand-typed IDs leave the list.
    pub fn clear_selection(&mut self) {
        self.selected.clear();
        self.selection_changed();
        self.rebuild();
    }

    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.contains(id)
    }

    /// The selected IDs in the order they were selected: a file's or a
    /// template's order is the order sent.
    pub fn selected_ids(&self) -> Vec<String> {
        self.shared.to_vec()
    }

    /// The same, shared: cheap to take on every keystroke.
    pub fn selected_shared(&self) -> Arc<[String]> {
        Arc::clone(&self.shared)
    }

    /// Every change of `selected` comes here.
    fn selection_changed(&mut self) {
        self.version += 1;
        self.shared = self.selected.iter().cloned().collect();
    }

    /// Selects exactly `ids` (a draft or a template being applied).
    pub fn replace_selection(&mut self, ids: Vec<String>) {
        self.selected = ids.into_iter().collect();
        self.selection_changed();
        self.mode = Mode::Browse;
        self.rebuild();
    }

    /// Changes whenever the selection does.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn selected_count(&self) -> usize {
        self.selected.len()
    }

    /// The phone record of an ID, when any source knows its number.
    pub fn phone(&self, id: &str) -> Option<&Phone> {
        let entry = self.entries.get(*self.row_of.get(id)?)?;
        (entry.source != Source::Manual).then_some(&entry.phone)
    }

    /// Starts typing a filter; the current one is selected so typing
    /// replaces it.
    pub fn start_filter(&mut self) {
        self.filter.select_all();
        self.mode = Mode::Filter;
    }

    /// Enter while filtering: keep the filter, back to the list.
    pub fn keep_filter(&mut self) {
        self.mode = Mode::Browse;
    }

    /// Esc while filtering: drop the filter.
    pub fn clear_filter(&mut self) {
        self.filter.set("");
        self.apply_filter();
        self.mode = Mode::Browse;
    }

    /// Esc while typing an ID, or in the add-a-number dialog: forget it.
    pub fn cancel_manual(&mut self) {
        self.mode = Mode::Browse;
    }

    /// Focus leaves the field: a filter being typed is kept; an ID being
    /// typed stays, to be finished on return.
    pub fn leave(&mut self) {
        if matches!(self.mode, Mode::Filter) {
            self.mode = Mode::Browse;
        }
    }

    /// The text input that typed keys go to, in the filter and ID modes.
    pub fn input_mut(&mut self) -> Option<&mut LineInput> {
        match &mut self.mode {
            Mode::Browse => None,
            Mode::Filter => Some(&mut self.filter),
            Mode::Manual(entry) => {
                entry.error = None;
                Some(&mut entry.input)
            }
            Mode::Adding(dialog) => dialog.input_mut(),
        }
    }

    /// Opens the dialog that registers a new number (`n`).
    pub fn start_adding(&mut self) {
        self.mode = Mode::Adding(Box::default());
    }

    /// The add-a-number dialog, when it is open.
    pub fn adding_mut(&mut self) -> Option<&mut AddPhoneDialog> {
        match &mut self.mode {
            Mode::Adding(dialog) => Some(dialog),
            Mode::Browse | Mode::Filter | Mode::Manual(_) => None,
        }
    }

    /// A number registered from the dialog: it joins the list (as the
    /// phone book now has it), is selected and highlighted, and the
    /// dialog closes, its secrets with it.
    pub fn add_registered(&mut self, phone: Phone) {
        let id = phone.id.clone();
        if !self.phone_book.iter().any(|p| p.id == id) {
            self.phone_book.push(phone);
        }
        self.mode = Mode::Browse;
        self.selected.insert(id.clone());
        self.selection_changed();
        self.rebuild();
        self.highlight_id(&id);
    }

    /// Puts the highlight on the row of `id`, if it is on show.
    fn highlight_id(&mut self, id: &str) {
        if let Some(pos) = self
            .visible
            .iter()
            .position(|&i| self.entries[i].phone.id == id)
        {
            self.cursor = pos;
        }
    }

    /// Starts typing an ID by hand.
    pub fn start_manual(&mut self) {
        self.mode = Mode::Manual(Box::new(ManualEntry {
            input: LineInput::new("", 24),
            error: None,
        }));
    }

    /// Adds the typed ID (selected) if it is 24 hex characters; otherwise
    /// says why and keeps what was typed.
    pub fn commit_manual(&mut self) {
        let Mode::Manual(entry) = &mut self.mode else {
            return;
        };
        let id = entry.input.value().trim().to_ascii_lowercase();
        if !is_object_id(&id) {
            entry.error = Some(format!(
                "A phone ID is 24 hex characters (0-9, a-f); this has {}",
                id.chars().count()
            ));
            return;
        }
        self.mode = Mode::Browse;
        self.selected.insert(id.clone());
        self.selection_changed();
        self.rebuild();
        self.highlight_id(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(id: &str, number: &str, label: &str) -> Phone {
        Phone {
            id: id.into(),
            phone_number: number.into(),
            integration: "twilio".into(),
            label: label.into(),
        }
    }

    fn loaded(phones: Vec<Phone>) -> PhonePicker {
        let mut p = PhonePicker::default();
        p.finish_loading(Ok(phones));
        p
    }

    fn three() -> PhonePicker {
        loaded(vec![
            phone("a", "12125550143", "New York sales"),
            phone("b", "442079460958", "London"),
            phone("c", "919876543210", "Bengaluru"),
        ])
    }

    #[test]
    fn numbers_are_found_by_digits_as_written_or_with_a_plus_beside_words() {
        let mut p = three();
        let shown =
            |p: &PhonePicker| -> Vec<String> { p.visible().map(|e| e.phone.id.clone()).collect() };
        for (query, ids) in [
            ("212-555", vec!["a"]),
            ("+44 20 7946", vec!["b"]),
            ("(212) 555 0143", vec!["a"]),
            ("+44 london", vec!["b"]),
            ("+91 beng", vec!["c"]),
            ("+1 london", vec![]),
        ] {
            p.filter.set(query);
            p.apply_filter();
            assert_eq!(shown(&p), ids, "{query}");
        }
        assert_eq!(p.entries[1].number_shown(), "+44 20 7946 0958");
    }

    #[test]
    fn selection_survives_a_reload_that_drops_a_row() {
        let mut p = three();
        p.end();
        p.toggle();
        p.home();
        p.toggle();
        assert_eq!(p.selected_ids(), vec!["c", "a"], "in the order selected");
        p.finish_loading(Ok(vec![phone("a", "1", ""), phone("b", "2", "")]));
        assert_eq!(p.selected_ids(), vec!["c", "a"], "c kept, as a typed ID");
        assert_eq!(p.visible().last().unwrap().source, Source::Manual);
    }

    #[test]
    fn a_files_ids_keep_their_order_and_are_found_by_id() {
        let mut p = three();
        p.replace_selection(vec!["zz".into(), "c".into(), "a".into()]);
        assert_eq!(p.selected_ids(), vec!["zz", "c", "a"]);
        assert_eq!(p.phone("c").map(|ph| ph.label.as_str()), Some("Bengaluru"));
        assert_eq!(p.phone("zz"), None, "nobody knows its number");
        assert_eq!(p.total(), 4);
    }

    #[test]
    fn the_filter_matches_number_label_integration_and_id() {
        let mut p = three();
        for (query, want) in [
            ("london", vec!["b"]),
            ("+1 212", vec!["a"]),
            ("2125550143", vec!["a"]),
            ("TWILIO", vec!["a", "b", "c"]),
            ("new sales", vec!["a"]),
            ("c", vec!["c"]), // the ID; no label contains a c
            ("zzz", vec![]),
        ] {
            p.filter.set(query);
            p.apply_filter();
            let ids: Vec<_> = p.visible().map(|e| e.phone.id.as_str()).collect();
            assert_eq!(ids, want, "{query}");
        }
    }

    #[test]
    fn select_visible_respects_the_filter_and_clear_takes_all() {
        let mut p = three();
        p.filter.set("london");
        p.apply_filter();
        p.select_visible();
        assert_eq!(p.selected_ids(), vec!["b"]);
        p.filter.set("");
        p.apply_filter();
        p.select_visible();
        assert_eq!(p.selected_count(), 3);
        p.clear_selection();
        assert_eq!(p.selected_count(), 0);
    }

    #[test]
    fn the_cursor_stays_on_visible_rows() {
        let mut p = three();
        p.end();
        p.filter.set("london");
        p.apply_filter();
        assert_eq!(p.cursor(), 0);
        p.move_by(5);
        assert_eq!(p.cursor(), 0);
        p.toggle();
        assert_eq!(p.selected_ids(), vec!["b"]);
    }

    #[test]
    fn manual_ids_are_validated_selected_and_listed() {
        let mut p = three();
        p.start_manual();
        if let Mode::Manual(entry) = &mut p.mode {
            entry.input.set("64e5f1234");
        }
        p.commit_manual();
        let Mode::Manual(entry) = &p.mode else {
            panic!("should stay in manual mode with an error");
        };
        let e = entry.error.as_deref().unwrap_or_default();
        assert!(e.contains("24 hex"), "{e}");
        assert_eq!(entry.input.value(), "64e5f1234", "what was typed is kept");
        if let Mode::Manual(entry) = &mut p.mode {
            entry.input.set("64E5F12345ABCDEF00000001");
        }
        p.commit_manual();
        assert!(matches!(p.mode, Mode::Browse));
        assert_eq!(p.selected_ids(), vec!["64e5f12345abcdef00000001"]);
        let row = p.visible().nth(p.cursor()).unwrap();
        assert_eq!(row.source, Source::Manual);
    }

    #[test]
    fn the_phone_book_is_merged_and_marked_local() {
        let mut p = three();
        p.set_phone_book(vec![
            phone("a", "12125550143", "dup of a"),
            phone("z", "4930901820", "Berlin desk"),
        ]);
        let rows: Vec<_> = p
            .visible()
            .map(|e| (e.phone.id.as_str(), e.source))
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3], ("z", Source::Local));
        assert_eq!(
            p.visible().next().unwrap().phone.label,
            "New York sales",
            "workspace wins"
        );
    }
}
