//! The create-batch view: the form, its review, sending it once, and the
//! result; with the draft that follows the form and the template dialogs.
//! Everything that happens to it arrives as a [`CreateMsg`]; `update`
//! changes the [`CreateView`] without any I/O and returns the [`Cmd`]s to
//! run. Its drawing is in [`ui`], which this model never imports.

pub mod files;
pub mod msg;
pub mod submit;
pub mod ui;

use std::cell::RefCell;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use crate::api::BatchRequest;
use crate::create::review::Summary;
pub use crate::create::{Outcome, Verdict};
use chrono::{DateTime, Utc};
pub use files::{DraftState, Modal, SaveStep, TemplateDialog};
pub use msg::{CreateMsg, TemplateEntry};
pub use submit::Answer;

use crate::form::line::{LineInput, paste_notice};
use crate::form::phones::Mode;
use crate::form::{FieldId, Form};
use crate::store::phonebook::{AddPhoneError, PhoneField, Registered};
use crate::tui::context::{AppContext, Initial, KnownBatch};
use crate::tui::keymap::{Action, Input, Scope};
use crate::tui::msg::{Cmd, Msg, Reply};
use crate::tui::views::import::ImportTarget;
use crate::tui::views::{Scroll, ViewModel};

/// A valid request and the exact body that will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub request: BatchRequest,
    pub body: String,
    /// What the operator should read before sending: the request in
    /// words, and the warnings.
    pub summary: Summary,
    pub scroll: Scroll,
}

impl Review {
    pub fn new(request: BatchRequest, summary: Summary) -> Self {
        let body = request.to_body();
        Self {
            request,
            body,
            summary,
            scroll: Scroll::default(),
        }
    }
}

/// Where the form's fields were last drawn: the drawing records them, a
/// click is looked up in them. Without a drawing, a click hits nothing.
#[derive(Debug, Clone, Default)]
pub struct FieldAreas(
    RefCell<Vec<(Rect, FieldId)>>,
    RefCell<Vec<(Rect, ClickTarget)>>,
);

/// A part of a field that a click toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickTarget {
    /// A row of the phone list, by its place among the visible rows.
    PhoneRow(usize),
    /// A day toggle, Weya-numbered (0 = Sunday).
    Day(usize),
}

impl FieldAreas {
    /// What the drawing put where.
    pub fn record(&self, areas: Vec<(Rect, FieldId)>) {
        *self.0.borrow_mut() = areas;
    }

    /// The toggles the drawing put where.
    pub fn record_targets(&self, targets: Vec<(Rect, ClickTarget)>) {
        *self.1.borrow_mut() = targets;
    }

    /// The toggle drawn at a screen cell.
    pub fn target_at(&self, x: u16, y: u16) -> Option<ClickTarget> {
        self.1
            .borrow()
            .iter()
            .find(|(area, _)| area.contains(Position { x, y }))
            .map(|&(_, target)| target)
    }

    /// The field drawn at a screen cell.
    pub fn at(&self, x: u16, y: u16) -> Option<FieldId> {
        self.0
            .borrow()
            .iter()
            .find(|(area, _)| area.contains(Position { x, y }))
            .map(|&(_, field)| field)
    }
}

/// The screen on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Form,
    Review(Review),
    Sending {
        review: Review,
        request_id: u64,
        /// When the body was sent; the screen counts the seconds since.
        sent_at: DateTime<Utc>,
    },
    Result(Box<Answer>),
}

/// The create view's model.
#[derive(Debug, Clone)]
pub struct CreateView {
    pub context: AppContext,
    pub form: Form,
    pub screen: Screen,
    /// A one-line notice under the form (e.g. a cut paste).
    pub notice: Option<String>,
    /// Animation frame counter.
    pub frame: u64,
    /// The time shown (timezone clocks, the window elsewhere, the seconds
    /// spent sending). Handed in by the run loop, so `update` stays pure
    /// and tests fix it.
    pub now: DateTime<Utc>,
    /// Where the form's fields were drawn last, for clicks: written by
    /// the drawing, read by `update`.
    pub field_areas: FieldAreas,
    /// Batches created from this machine in this session.
    pub known_batches: Vec<KnownBatch>,
    /// A dialog over the form (templates).
    pub modal: Option<Modal>,
    pub draft_state: DraftState,
    /// Counts changes of the form, to order draft writes.
    pub draft_seq: u64,
    /// The longest a request runs (the client's timeout): how long a
    /// submit the operator stopped waiting for runs on.
    pub request_timeout: Duration,
    /// How long a send whose answer was lost may still make its batch, and
    /// how often the list is looked at meanwhile.
    pub landing: crate::create::Landing,
    /// A send whose fate is open (or whose name is in doubt) while its
    /// result is not on screen: nothing else is sent until it settles.
    unsettled: Option<Box<Answer>>,
    /// The last result left, settled: shown again by the palette's "Last
    /// result", never by Ctrl-N (its single-letter keys are no place to
    /// type a name).
    last_result: Option<Box<Answer>>,
    phones_generation: u64,
    next_request_id: u64,
}

impl CreateView {
    /// The operator's clock (their zone): the times on screen read in it.
    pub fn clock(&self) -> crate::domain::clock::LocalClock {
        crate::domain::clock::LocalClock::named(&self.context.local_timezone)
    }

    /// A new create view and the commands to start it (fetch the phone
    /// list).
    pub fn new(mut context: AppContext) -> (Self, Vec<Cmd>) {
        let mut form = Form::new(&context.default_timezone);
        form.numbers.set_phone_book(context.phone_book.clone());
        let mut notice = context.notice.clone();
        // Once in the form, the values are not kept twice (a file may hold
        // hundreds of thousands of IDs).
        match context.initial.take() {
            Some(Initial::Draft(draft)) => {
                draft.apply(&mut form);
                // As Tab would: typing replaces the restored name.
                form.name.select_all();
                let restored =
                    files::restored_notice(&draft, &context.local_timezone, context.started_at);
                notice =
                    Some(notice.map_or_else(|| restored.clone(), |n| format!("{restored} {n}")));
            }
            Some(Initial::File(file)) => {
                let invalid = files::fill_from_file(&mut form, &file, &context.default_timezone);
                if let Some(more) = files::to_fix(invalid) {
                    notice = Some(notice.map_or_else(|| more.clone(), |n| format!("{n} {more}")));
                }
            }
            None => {}
        }
        let mut app = Self {
            now: context.started_at,
            notice,
            context,
            form,
            screen: Screen::Form,
            frame: 0,
            field_areas: FieldAreas::default(),
            known_batches: Vec::new(),
            modal: None,
            draft_state: DraftState::Saved,
            draft_seq: 0,
            request_timeout: crate::api::client::DEFAULT_TIMEOUT,
            landing: crate::create::Landing::new(crate::create::DEFAULT_LANDING),
            unsettled: None,
            last_result: None,
            phones_generation: 0,
            next_request_id: 0,
        };
        let cmd = app.reload_phones();
        (app, vec![cmd])
    }

    /// Whether something on screen moves (so the run loop ticks while the
    /// view is on show).
    pub fn is_animating(&self) -> bool {
        self.form.numbers.phones.is_loading()
            || match &self.screen {
                Screen::Sending { .. } => true,
                Screen::Result(answer) => {
                    answer.lookup.is_loading()
                        || answer.running.is_some()
                        || answer.waiting_until().is_some()
                        || answer.not_before.is_some_and(|t| t > self.now)
                }
                Screen::Form | Screen::Review(_) => false,
            }
    }

    /// Ctrl-N (or the palette's "New batch"): the form, where typed letters
    /// go into a text field, whatever this view was left on. A result whose
    /// batch was made gives way to a new batch from the same values (as its
    /// `n`), any other result to the draft as it was; the review to the
    /// form; a send still waited for is left to run (as Esc does) and its
    /// result comes back by the palette's "Last result". On a field whose
    /// letters are keys (the phone list, the days), the name takes the
    /// focus.
    pub fn new_batch(&mut self) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if matches!(self.screen, Screen::Sending { .. }) {
            cmds.extend(submit::abandon(self));
        }
        match &self.screen {
            Screen::Form => {}
            Screen::Review(_) => {
                self.screen = Screen::Form;
                self.notice = None;
            }
            Screen::Result(answer) => {
                let made = answer.made_id().is_some() || answer.gone.is_some();
                submit::leave_result(self);
                if made {
                    self.notice = Some(NEW_FROM_SAME.into());
                    self.form.focus_to(FieldId::Name);
                } else {
                    self.notice = self.waiting_for();
                }
            }
            Screen::Sending { .. } => {}
        }
        let letters_are_keys = match self.form.focus {
            FieldId::Numbers => matches!(self.form.numbers.mode, Mode::Browse),
            FieldId::Days => true,
            _ => false,
        };
        if self.modal.is_none() && letters_are_keys {
            self.form.focus_to(FieldId::Name);
        }
        cmds
    }

    /// The palette's "Last result": the result of the last batch sent from
    /// the form on show again (one whose fate is still open first), from
    /// the form or the review. Without one, the notice line says so.
    pub fn show_last_result(&mut self) {
        if !matches!(self.screen, Screen::Form | Screen::Review(_)) {
            return;
        }
        match self.unsettled.take().or_else(|| self.last_result.take()) {
            Some(answer) => {
                self.screen = Screen::Result(answer);
                self.notice = None;
            }
            None => {
                self.notice = Some("No result to show: no batch was sent in this session.".into());
            }
        }
    }

    /// The result of a batch made here, on show, looks at its batch at
    /// the list's cadence (with its backoff), so a count changed or a
    /// delete made elsewhere shows up; nothing elsewhere, while a look is
    /// on its way, or once the batch is gone. The shell asks only while
    /// this view is on show and the terminal has focus.
    pub fn subscriptions(&self) -> Vec<crate::tui::msg::Subscription> {
        submit::refresh_every(self)
            .map(|every| crate::tui::msg::Subscription {
                name: "result.refresh",
                every,
                msg: Msg::Create(CreateMsg::Shown),
            })
            .into_iter()
            .collect()
    }

    /// Why Enter on the review sends nothing now: an earlier send's fate
    /// is still open. `None` when nothing is waited for.
    pub fn waiting_for(&self) -> Option<String> {
        submit::waiting_for(self)
    }

    /// Whether the mouse is captured: on the form, for clicks. Elsewhere the
    /// terminal keeps its own selection, so a batch ID can be selected.
    pub fn wants_mouse(&self) -> bool {
        matches!(self.screen, Screen::Form)
    }

    /// Where the operator is, for the header.
    pub fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec!["New batch".to_owned()];
        crumbs.extend(
            match &self.screen {
                Screen::Form => None,
                Screen::Review(_) => Some("Review"),
                Screen::Sending { .. } => Some("Sending"),
                Screen::Result(_) => Some("Result"),
            }
            .map(str::to_owned),
        );
        crumbs
    }

    /// The field F1 explains: the focused one, on the form.
    pub fn help_field(&self) -> Option<FieldId> {
        matches!(self.screen, Screen::Form).then_some(self.form.focus)
    }

    /// The key scopes of this view that apply now, most important first
    /// (the shell puts its own around them).
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = Vec::new();
        if let Some(modal) = &self.modal {
            scopes.push(Scope::Modal);
            match modal {
                Modal::SaveTemplate(dialog) if dialog.step == SaveStep::Naming => {
                    scopes.push(Scope::Editing);
                }
                Modal::LoadTemplate { deleting: None, .. } => scopes.push(Scope::TemplateList),
                _ => {}
            }
            return scopes;
        }
        match &self.screen {
            // The dialog takes every key but the shell's.
            Screen::Form
                if self.form.focus == FieldId::Numbers
                    && let Mode::Adding(dialog) = &self.form.numbers.mode =>
            {
                scopes.push(Scope::NumbersAdd);
                if dialog.focus == PhoneField::Integration {
                    scopes.push(Scope::NumbersAddChoice);
                } else {
                    scopes.push(Scope::Editing);
                }
            }
            Screen::Form => {
                scopes.push(Scope::Form);
                scopes.extend_from_slice(match self.form.focus {
                    FieldId::Numbers => match self.form.numbers.mode {
                        Mode::Browse => &[Scope::FormList, Scope::Numbers][..],
                        Mode::Filter => &[Scope::NumbersFilter, Scope::Editing],
                        Mode::Manual(_) => &[Scope::NumbersManual, Scope::Editing],
                        Mode::Adding(_) => &[Scope::NumbersAdd, Scope::Editing],
                    },
                    FieldId::Days => &[Scope::FormList, Scope::Days],
                    FieldId::Timezone => &[Scope::Timezone, Scope::FormText, Scope::Editing],
                    FieldId::WindowStart | FieldId::WindowEnd => {
                        &[Scope::Time, Scope::FormText, Scope::Editing]
                    }
                    FieldId::Retries | FieldId::Delay => {
                        &[Scope::Number, Scope::FormText, Scope::Editing]
                    }
                    FieldId::Name => &[Scope::FormText, Scope::Editing],
                });
            }
            Screen::Review(_) => scopes.push(Scope::Review),
            Screen::Sending { .. } => scopes.push(Scope::Sending),
            Screen::Result(answer) => {
                scopes.push(Scope::Result);
                if answer.gone.is_some() {
                    scopes.push(Scope::Deleted);
                } else if answer.made_id().is_some() {
                    scopes.push(Scope::Created);
                } else if answer.may_resend(self.now) {
                    scopes.push(Scope::Retryable);
                }
            }
        }
        scopes
    }

    fn reload_phones(&mut self) -> Cmd {
        self.phones_generation += 1;
        self.form.numbers.phones.start_loading();
        Cmd::FetchPhones {
            generation: self.phones_generation,
            reply: PHONES_LOADED,
        }
    }

    /// The text input that typed keys and pastes go to, if any: the focused
    /// text field, or the phone list's filter or ID entry.
    fn typing_target(&mut self) -> Option<&mut LineInput> {
        if matches!(self.modal, Some(Modal::SaveTemplate(..))) {
            return match &mut self.modal {
                Some(Modal::SaveTemplate(dialog)) if dialog.step == SaveStep::Naming => {
                    dialog.error = None;
                    Some(&mut dialog.input)
                }
                _ => None,
            };
        }
        if !matches!(self.screen, Screen::Form) || self.modal.is_some() {
            return None;
        }
        match self.form.focus {
            FieldId::Numbers => self.form.numbers.input_mut(),
            field => self.form.line_mut(field),
        }
    }

    /// Why the focused form field refuses a typed character, if it does.
    fn refuses(&self, key: &KeyEvent) -> Option<String> {
        let KeyCode::Char(c) = key.code else {
            return None;
        };
        let on_form = matches!(self.screen, Screen::Form) && self.modal.is_none();
        let typing = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        (on_form && typing)
            .then(|| self.form.refuses(c.encode_utf8(&mut [0; 4])))
            .flatten()
    }

    /// After typing changed the target's text.
    fn typed(&mut self) {
        if self.modal.is_some() {
            return;
        }
        match self.form.focus {
            FieldId::Numbers => {
                if matches!(self.form.numbers.mode, Mode::Filter) {
                    self.form.numbers.apply_filter();
                }
            }
            field => self.form.edited(field),
        }
    }
}

/// Where the form's phone list comes back.
pub const PHONES_LOADED: Reply<(u64, Result<Vec<crate::api::Phone>, crate::api::ApiError>)> =
    Reply::new("phones.form", |(generation, result)| {
        Msg::Create(CreateMsg::PhonesLoaded { generation, result })
    });

/// Where the picker dialog's add-phone answer comes back.
const PHONE_ADDED: Reply<(u64, crate::tui::msg::AddPhoneAnswer)> =
    Reply::new("create.add_phone", |(request_id, result)| {
        Msg::Create(CreateMsg::PhoneAdded { request_id, result })
    });

/// `phonebook.toml` read again for the form's phone list.
pub const READ_PHONE_BOOK: Cmd = Cmd::ReadPhoneBook {
    reply: Reply::new("phonebook.form", |result| {
        Msg::Create(CreateMsg::PhoneBookRead(result))
    }),
};

/// What the form says when it is a new batch from the values just sent.
const NEW_FROM_SAME: &str = "A new batch from the same values: give it a name.";

/// Rows that PgUp and PgDn move the phone list by.
const PAGE: isize = 10;

fn step(app: &mut CreateView, msg: CreateMsg) -> Vec<Cmd> {
    match msg {
        CreateMsg::Input(Input::Action(action)) => on_action(app, action),
        CreateMsg::Input(Input::Typed(key)) => {
            if let Some(why) = app.refuses(&key) {
                app.form.errors.insert(app.form.focus, why);
                return Vec::new();
            }
            // Unbound keys edit the text being typed, and nothing else.
            if let Some(line) = app.typing_target() {
                if line.handle_key(key) {
                    app.typed();
                }
                app.notice = None;
            }
            Vec::new()
        }
        CreateMsg::Input(Input::Paste(text)) => {
            on_paste(app, &text);
            Vec::new()
        }
        CreateMsg::Input(Input::Click { column, row }) => {
            on_click(app, column, row);
            Vec::new()
        }
        CreateMsg::Input(Input::Wheel { column, row, down }) => {
            on_wheel(app, column, row, down);
            Vec::new()
        }
        CreateMsg::Tick => {
            app.frame = app.frame.wrapping_add(1);
            Vec::new()
        }
        CreateMsg::Clock(now) => {
            app.now = now;
            Vec::new()
        }
        CreateMsg::Notice(text) => {
            app.notice = Some(text);
            Vec::new()
        }
        CreateMsg::PhonesLoaded { generation, result } => {
            // A reply to an older fetch would overwrite a newer one.
            if generation == app.phones_generation {
                app.form.numbers.finish_loading(result);
            }
            Vec::new()
        }
        CreateMsg::SubmitFinished { request_id, result } => {
            submit::finished(app, request_id, result)
        }
        CreateMsg::BatchesFound { request_id, look } => {
            submit::batches_found(app, request_id, look)
        }
        CreateMsg::Shown => submit::refresh(app),
        CreateMsg::BatchSeen(fresh) => {
            submit::batch_seen(app, fresh);
            Vec::new()
        }
        CreateMsg::BatchGone { batch_id, why } => submit::batch_gone(app, &batch_id, why),
        CreateMsg::TemplateSaved(result) => {
            files::template_saved(app, result);
            Vec::new()
        }
        CreateMsg::TemplatesListed(result) => {
            files::templates_listed(app, result);
            Vec::new()
        }
        CreateMsg::TemplateDeleted { name, result } => files::template_deleted(app, &name, result)
            .into_iter()
            .collect(),
        CreateMsg::DraftSetAside(result) => {
            files::draft_set_aside(app, result);
            Vec::new()
        }
        CreateMsg::PhoneBookRead(result) => {
            match result {
                Ok(book) => app.form.numbers.set_phone_book(book),
                Err(why) => app.notice = Some(format!("Phone book not read again: {why}")),
            }
            Vec::new()
        }
        CreateMsg::TemplateLoaded { name, result } => {
            files::template_loaded(app, &name, result);
            Vec::new()
        }
        CreateMsg::PhoneAdded { request_id, result } => phone_added(app, request_id, result),
        CreateMsg::DraftWritten { seq, result } => {
            files::draft_written(app, seq, result);
            Vec::new()
        }
        CreateMsg::DraftRemoved(result) => {
            files::draft_removed(app, result);
            Vec::new()
        }
        CreateMsg::DraftAdopted { path, result } => {
            files::draft_adopted(app, &path, result);
            Vec::new()
        }
    }
}

/// A key bound in one of this view's scopes. The shell keeps the actions
/// that are its own (quit, help, switching views) and hands the rest here.
fn on_action(app: &mut CreateView, action: Action) -> Vec<Cmd> {
    if let Some(cmds) = on_adding(app, action) {
        return cmds;
    }
    let form = &mut app.form;
    match action {
        Action::NextField => form.focus_to(form.focus.next()),
        Action::PrevField => form.focus_to(form.focus.prev()),
        Action::Review => match form.submit() {
            Ok(request) => {
                app.notice = None;
                let summary = review_summary(app, &request);
                app.screen = Screen::Review(Review::new(request, summary));
            }
            Err(n) => {
                let s = if n == 1 { "" } else { "s" };
                app.notice = Some(format!("{n} field{s} to fix: see the messages marked ✗"));
            }
        },
        // The phone book too: an entry added while the app runs shows up.
        Action::RetryLoad => return vec![app.reload_phones(), READ_PHONE_BOOK],
        Action::BlankForm => return files::blank_form(app).into_iter().collect(),
        Action::DeleteTemplate => files::ask_delete_template(app),
        Action::Edit(edit) => {
            if let Some(line) = app.typing_target()
                && line.edit(edit)
            {
                app.typed();
            }
        }
        Action::SaveTemplate => files::ask_template_name(app),
        Action::OpenTemplate => return vec![files::ask_template(app)],
        Action::Submit => return submit::submit(app),
        Action::Resend => return submit::resend(app),
        // The batch made: the one the answer named, or the one Weya's list
        // showed after the answer was lost (the same keys for both).
        Action::Copy => {
            if let Screen::Result(answer) = &mut app.screen
                && let Some(id) = answer.made_id()
            {
                answer.copied = true;
                return vec![Cmd::Copy(id)];
            }
        }
        Action::Import => {
            if let Screen::Result(answer) = &app.screen
                && let Some(id) = answer.made_id()
            {
                let request = &answer.review.request;
                return vec![Cmd::OpenImport(ImportTarget {
                    batch_id: id,
                    batch_name: request.batch_name.clone(),
                    timezone: request.timezone.clone(),
                })];
            }
        }
        Action::OpenBatch => {
            if let Screen::Result(answer) = &app.screen
                && let Some(summary) = answer.made_batch()
            {
                // What the list showed of it, if anything: the details
                // fetch the rest.
                return vec![Cmd::OpenBatch(Box::new(summary))];
            }
        }
        Action::NewBatch => {
            submit::leave_result(app);
            app.notice = Some(NEW_FROM_SAME.into());
            app.form.focus_to(FieldId::Name);
        }
        Action::Back => return on_back(app),
        Action::Up
        | Action::Down
        | Action::Left
        | Action::Right
        | Action::PageUp
        | Action::PageDown
        | Action::Home
        | Action::End
        | Action::Toggle => on_move(app, action),
        Action::Filter => form.numbers.start_filter(),
        Action::SelectVisible => {
            form.numbers.select_visible();
            form.edited(FieldId::Numbers);
        }
        Action::ClearAll => form.numbers.clear_selection(),
        Action::ManualId => form.numbers.start_manual(),
        Action::AddPhone => form.numbers.start_adding(),
        Action::Accept if app.modal.is_some() => return files::accept(app).into_iter().collect(),
        Action::Cancel if app.modal.is_some() => files::cancel(app),
        Action::Accept => match form.focus {
            FieldId::Numbers => match form.numbers.mode {
                Mode::Filter => form.numbers.keep_filter(),
                Mode::Manual(_) => {
                    form.numbers.commit_manual();
                    form.edited(FieldId::Numbers);
                }
                // The dialog's own (see `on_adding`).
                Mode::Adding(_) | Mode::Browse => {}
            },
            FieldId::Timezone if form.timezone.open => {
                form.timezone.accept();
                form.edited(FieldId::Timezone);
                form.timezone.open = false;
            }
            _ => form.focus_to(form.focus.next()),
        },
        Action::Cancel => match form.focus {
            FieldId::Numbers => match form.numbers.mode {
                Mode::Filter => form.numbers.clear_filter(),
                _ => form.numbers.cancel_manual(),
            },
            FieldId::Timezone => {
                form.timezone.cancel();
                form.recheck(FieldId::Timezone);
            }
            _ => {}
        },
        Action::Increase | Action::Decrease => {
            let up = action == Action::Increase;
            match form.focus {
                f @ (FieldId::WindowStart | FieldId::WindowEnd) => form.step_time(f, up),
                f => form.step_number(f, up),
            }
        }
        Action::PresetWeekdays | Action::PresetEveryDay | Action::PresetWeekends => {
            form.days.set(match action {
                Action::PresetWeekdays => &[1, 2, 3, 4, 5],
                Action::PresetEveryDay => &[0, 1, 2, 3, 4, 5, 6],
                _ => &[0, 6],
            });
            form.recheck(FieldId::Days);
        }
        // The shell's own: it never hands them to a view.
        Action::Quit
        | Action::Suspend
        | Action::Help
        | Action::FieldHelp
        | Action::CloseHelp
        | Action::Palette
        | Action::Show(_)
        | Action::LastResult
        | Action::ResumeImport
        | Action::Pop => {}
        // The batch views'.
        Action::Export => {}
        // The import view's.
        Action::Complete
        | Action::PhoneColumn
        | Action::Rename
        | Action::Region
        | Action::AllowCountries
        | Action::WithoutExtensions
        | Action::SplitByZone
        | Action::Check
        | Action::WriteRejected
        | Action::Resume
        | Action::StartOver
        | Action::MarkAdded
        | Action::SendAgain
        | Action::Recount => {}
        // The campaign views' own (a batch picked in the palette is the
        // shell's).
        Action::Pick(_)
        | Action::Open
        | Action::Start
        | Action::Stop
        | Action::Delete
        | Action::ShowActive
        | Action::ShowPaused
        | Action::ShowCompleted
        | Action::ShowAll
        | Action::ChooseStatus
        | Action::Sort
        | Action::SortColumn
        | Action::CopyNumber
        | Action::CopyRow
        | Action::NextItem
        | Action::PrevItem => {}
    }
    Vec::new()
}

/// A key while the add-a-number dialog is open: `None` for the keys it
/// leaves to the rest (the readline edits of its fields).
fn on_adding(app: &mut CreateView, action: Action) -> Option<Vec<Cmd>> {
    if !matches!(app.screen, Screen::Form)
        || app.modal.is_some()
        || app.form.focus != FieldId::Numbers
    {
        return None;
    }
    let dialog = app.form.numbers.adding_mut()?;
    match action {
        Action::NextField | Action::PrevField => dialog.move_focus(action == Action::NextField),
        Action::Left | Action::Right => dialog.cycle_integration(action == Action::Right),
        Action::Accept => {
            if let Some(new) = dialog.request() {
                app.next_request_id += 1;
                let request_id = app.next_request_id;
                if let Some(dialog) = app.form.numbers.adding_mut() {
                    dialog.sending = Some(request_id);
                }
                return Some(vec![Cmd::AddPhone {
                    request_id,
                    new: Box::new(new),
                    reply: PHONE_ADDED,
                }]);
            }
        }
        Action::Cancel => {
            if dialog.sending.is_some() {
                app.notice = Some(
                    "Stopped waiting for add-phone: if Weya registers the number, \
                     phonebook.toml keeps it and the list shows it."
                        .to_owned(),
                );
            }
            app.form.numbers.cancel_manual();
        }
        Action::Edit(_) => return None,
        // Nothing else while the dialog is open.
        _ => {}
    }
    Some(Vec::new())
}

/// add-phone answered the dialog's request `request_id`. Registered: the
/// number joins the list selected, the dialog closes. Refused: the dialog
/// says why, with everything typed still there.
fn phone_added(
    app: &mut CreateView,
    request_id: u64,
    result: Result<Registered, AddPhoneError>,
) -> Vec<Cmd> {
    let awaited = app
        .form
        .numbers
        .adding_mut()
        .is_some_and(|d| d.sending == Some(request_id));
    let kept = |phone: &crate::api::Phone| {
        format!(
            "Registered {} as phone ID {}",
            crate::domain::phone::describe(phone),
            phone.id
        )
    };
    match result {
        Ok(done) if awaited => {
            app.notice = Some(format!(
                "{}: selected, and kept in phonebook.toml.",
                kept(&done.phone)
            ));
            app.form.numbers.add_registered(done.phone);
            app.form.edited(FieldId::Numbers);
            vec![app.reload_phones()]
        }
        Err(AddPhoneError::NotKept { phone, why }) if awaited => {
            app.notice = Some(format!(
                "{}: selected, but phonebook.toml could not keep it ({why}): note the ID.",
                kept(&phone)
            ));
            app.form.numbers.add_registered(phone);
            app.form.edited(FieldId::Numbers);
            vec![app.reload_phones()]
        }
        Err(e) if awaited => {
            if let Some(dialog) = app.form.numbers.adding_mut() {
                dialog.sending = None;
                dialog.failure = Some(e.to_string());
            }
            Vec::new()
        }
        // The operator stopped waiting: say what became of it.
        Ok(done) => {
            app.notice = Some(format!(
                "{}: kept in phonebook.toml (Space selects it).",
                kept(&done.phone)
            ));
            vec![app.reload_phones(), READ_PHONE_BOOK]
        }
        Err(e) => {
            app.notice = Some(format!("add-phone did not register the number: {e}"));
            Vec::new()
        }
    }
}

fn on_move(app: &mut CreateView, action: Action) {
    if app.modal.is_some() {
        files::move_cursor(app, action == Action::Down);
        return;
    }
    match (&mut app.screen, app.form.focus) {
        (Screen::Review(_), _) => scroll_review(app, action),
        (Screen::Form, FieldId::Numbers) => {
            let picker = &mut app.form.numbers;
            match action {
                Action::Up => picker.up(),
                Action::Down => picker.down(),
                Action::PageUp => picker.move_by(-PAGE),
                Action::PageDown => picker.move_by(PAGE),
                Action::Home => picker.home(),
                Action::End => picker.end(),
                Action::Toggle => {
                    picker.toggle();
                    app.form.edited(FieldId::Numbers);
                }
                _ => {}
            }
        }
        (Screen::Form, FieldId::Timezone) => match action {
            Action::Up => app.form.timezone.up(),
            Action::Down => app.form.timezone.down(),
            _ => {}
        },
        (Screen::Form, FieldId::Days) => match action {
            Action::Left => app.form.days.left(),
            Action::Right => app.form.days.right(),
            Action::Toggle => {
                app.form.days.toggle();
                app.form.recheck(FieldId::Days);
            }
            _ => {}
        },
        _ => {}
    }
}

fn on_back(app: &mut CreateView) -> Vec<Cmd> {
    match &app.screen {
        Screen::Sending { .. } => submit::abandon(app),
        Screen::Result(_) => {
            submit::leave_result(app);
            app.notice = None;
            Vec::new()
        }
        Screen::Review(_) => {
            app.screen = Screen::Form;
            app.notice = None;
            Vec::new()
        }
        Screen::Form => Vec::new(),
    }
}

/// ↑/↓ on the review, stopping at its end as drawn on this screen.
fn scroll_review(app: &mut CreateView, action: Action) {
    if let Screen::Review(review) = &mut app.screen {
        match action {
            Action::Up => review.scroll.up(),
            Action::Down => review.scroll.down(),
            _ => {}
        }
    }
}

/// What the review says about a request that is valid: the library's
/// summary, the one `weya-tui create` prints too.
fn review_summary(app: &CreateView, request: &BatchRequest) -> crate::create::review::Summary {
    use std::str::FromStr;
    let target = submit::target_name(&app.context.target);
    let earlier = app
        .context
        .known_batches
        .iter()
        .chain(&app.known_batches)
        .rev()
        .find(|k| k.name == request.batch_name && k.target == target)
        .map(|k| (app.clock().minute_zoned_of(&k.time), k.id.clone()));
    let mut summary = crate::create::review::summarize(
        request,
        &crate::create::review::Context {
            target: &app.context.target,
            now: app.now,
            local: chrono_tz::Tz::from_str(&app.context.local_timezone).ok(),
            phones: &app.form.numbers,
            earlier,
            changes: &[],
        },
    );
    if let Some(doubt) = submit::doubt_about(app, &request.batch_name) {
        summary.warnings.push(doubt);
    }
    summary
}

/// A click on the form focuses the field under it (as Tab would); on a
/// phone row or a day it toggles it too.
fn on_click(app: &mut CreateView, column: u16, row: u16) {
    if !matches!(app.screen, Screen::Form)
        || app.modal.is_some()
        || matches!(app.form.numbers.mode, Mode::Adding(_))
    {
        return;
    }
    let form = &mut app.form;
    match app.field_areas.target_at(column, row) {
        Some(ClickTarget::PhoneRow(at)) => {
            if form.focus != FieldId::Numbers {
                form.focus_to(FieldId::Numbers);
            }
            if matches!(form.numbers.mode, Mode::Filter) {
                form.numbers.keep_filter();
            }
            form.numbers.highlight(at);
            form.numbers.toggle();
            form.edited(FieldId::Numbers);
            return;
        }
        Some(ClickTarget::Day(day)) => {
            if form.focus != FieldId::Days {
                form.focus_to(FieldId::Days);
            }
            form.days.highlight(day);
            form.days.toggle();
            form.recheck(FieldId::Days);
            return;
        }
        None => {}
    }
    if let Some(field) = app.field_areas.at(column, row)
        && field != app.form.focus
    {
        app.form.focus_to(field);
    }
}

/// Rows the wheel scrolls the phone list by, per notch.
const WHEEL_ROWS: isize = 3;

/// The wheel over the phone list scrolls it.
fn on_wheel(app: &mut CreateView, column: u16, row: u16, down: bool) {
    if !matches!(app.screen, Screen::Form)
        || app.modal.is_some()
        || matches!(app.form.numbers.mode, Mode::Adding(_))
    {
        return;
    }
    if app.field_areas.at(column, row) == Some(FieldId::Numbers) {
        let delta = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
        app.form.numbers.scroll_by(delta);
    }
}

fn on_paste(app: &mut CreateView, text: &str) {
    let field = app.form.focus;
    if matches!(app.screen, Screen::Form)
        && app.modal.is_none()
        && let Some(why) = app.form.refuses(text)
    {
        app.form.errors.insert(field, why);
        return;
    }
    let Some(line) = app.typing_target() else {
        return;
    };
    let dropped = line.paste(text);
    let max = line.max_chars();
    app.typed();
    // The paste is changed only with a word: what was cut, and what a
    // one-line input cannot hold.
    let mut said = Vec::new();
    said.extend(paste_notice(text));
    if dropped > 0 {
        said.push(format!(
            "Paste cut to {max} characters: {dropped} characters did not fit in {}",
            field.label()
        ));
    }
    app.notice = (!said.is_empty()).then(|| said.join("; "));
}

impl ViewModel for CreateView {
    type Msg = CreateMsg;

    /// The one place the view's model changes. No I/O: effects come back
    /// as [`Cmd`]s. The time comes as [`CreateMsg::Clock`], which the
    /// shell sends to this view on show or not, so `_now` is not read.
    fn update(&mut self, msg: CreateMsg, _now: DateTime<Utc>) -> Vec<Cmd> {
        // Only these can change what the operator typed or picked; the clock,
        // ticks and most replies cannot, and need no comparison of drafts.
        let may_edit = matches!(
            msg,
            CreateMsg::Input(
                Input::Action(_) | Input::Typed(_) | Input::Paste(_) | Input::Click { .. }
            ) | CreateMsg::TemplateLoaded { .. }
                | CreateMsg::PhoneAdded { .. }
        );
        if !may_edit {
            return step(self, msg);
        }
        let before = self.form.fingerprint();
        let mut cmds = step(self, msg);
        if self.form.fingerprint() != before {
            cmds.push(files::save_draft(self));
        }
        cmds
    }

    fn scopes(&self) -> Vec<Scope> {
        Self::scopes(self)
    }

    fn breadcrumb(&self, _under: Vec<String>) -> Vec<String> {
        Self::breadcrumb(self)
    }

    fn is_animating(&self) -> bool {
        Self::is_animating(self)
    }

    fn wants_mouse(&self) -> bool {
        Self::wants_mouse(self)
    }

    /// Back on screen, a result looks once more at the batch it made.
    fn shown(&self) -> Option<Msg> {
        match &self.screen {
            Screen::Result(answer) if answer.made_id().is_some() => {
                Some(Msg::Create(CreateMsg::Shown))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
