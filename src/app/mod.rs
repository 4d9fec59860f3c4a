//! The application model and its one `update` function (the Elm
//! architecture): everything that happens arrives as a [`Msg`], `update`
//! changes the [`App`] without any I/O and returns the [`Cmd`]s to run.

pub mod effects;
pub mod files;
pub mod keymap;
pub mod submit;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::api::{ApiError, BatchRequest, BatchSummary, Created, Phone};
use crate::schedule::Warning;
use crate::store::draft::Draft;
use crate::store::journal::JournalEntry;
use crate::store::template::{BatchFile, SaveError};
use chrono::{DateTime, Utc};
pub use files::{DraftState, Modal, SaveStep, TemplateDialog};
pub use submit::{Answer, Verdict};

use crate::form::line::LineInput;
use crate::form::phones::Mode;
use crate::form::{FieldId, Form};
use keymap::{Action, Scope};

/// Everything that can happen.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    /// Animation tick; only sent while something animates.
    Tick,
    /// The time now, given by the run loop before it draws.
    Clock(DateTime<Utc>),
    PhonesLoaded {
        generation: u64,
        result: Result<Vec<Phone>, ApiError>,
    },
    SubmitFinished {
        request_id: u64,
        result: Result<Created, ApiError>,
    },
    /// The batch list, fetched to confirm or look for a batch.
    BatchesFound {
        request_id: u64,
        result: Result<Vec<BatchSummary>, ApiError>,
    },
    /// A template was written (its path) or not (why, or that one of that
    /// name exists).
    TemplateSaved(Result<String, SaveError>),
    TemplatesListed(Result<Vec<String>, String>),
    TemplateLoaded {
        name: String,
        result: Result<BatchFile, String>,
    },
    /// The draft of change `seq` was written, or not (why).
    DraftWritten {
        seq: u64,
        result: Result<(), String>,
    },
    /// The draft of a confirmed batch was removed, or not (why).
    DraftRemoved(Result<(), String>),
    /// A draft left by an earlier session was taken over (to fill the
    /// form), or not (why).
    DraftAdopted {
        path: PathBuf,
        result: Result<Draft, String>,
    },
    /// Ctrl-Z did not stop the app, and why.
    NotSuspended(String),
}

impl Msg {
    /// The message of a terminal event; key releases are dropped (some
    /// terminals report them, and a key must act once).
    pub fn from_event(event: Event) -> Option<Self> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => Some(Self::Key(key)),
            Event::Paste(text) => Some(Self::Paste(text)),
            Event::Resize(w, h) => Some(Self::Resize(w, h)),
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                ..
            }) => Some(Self::Click { column, row }),
            _ => None,
        }
    }
}

/// Work for the outside world.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    FetchPhones {
        generation: u64,
    },
    /// Send `body` (exactly the bytes the review showed) to createBatch.
    Submit {
        request_id: u64,
        body: String,
    },
    /// Search the batch list for batches named `name`, once `after` has
    /// passed (a batch may be stored until its request has timed out).
    FindBatch {
        request_id: u64,
        name: String,
        after: Duration,
    },
    /// Append to the submit journal.
    Journal(Box<JournalEntry>),
    /// Put text on the terminal's clipboard (OSC 52): the terminal owner
    /// does this, not an effect.
    Copy(String),
    /// Give the terminal back to the shell and stop (Ctrl-Z): the terminal
    /// owner does this too.
    Suspend,
    /// Save the draft (soon: writes are gathered, at most half a second late).
    SaveDraft {
        seq: u64,
        draft: Box<Draft>,
    },
    /// Remove the draft (Weya confirmed the batch).
    DeleteDraft {
        seq: u64,
    },
    /// Make the draft at `path`, left by an ended session, this session's.
    AdoptDraft {
        path: PathBuf,
    },
    /// Save a template; one of the same name is replaced only with `replace`.
    SaveTemplate {
        name: String,
        file: Box<BatchFile>,
        replace: bool,
    },
    ListTemplates,
    LoadTemplate {
        name: String,
    },
}

/// A batch created from this machine, from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownBatch {
    pub name: String,
    pub id: String,
    pub time: String,
    /// `sandbox` or the host: a sandbox batch does not clash with a real one.
    pub target: String,
}

impl KnownBatch {
    /// The batches the journal records as created.
    pub fn from_journal(entries: &[JournalEntry]) -> Vec<Self> {
        entries
            .iter()
            .filter(|e| e.outcome == crate::store::journal::JournalOutcome::Created)
            .filter_map(|e| {
                Some(Self {
                    id: e.batch_id.clone()?,
                    name: e.batch_name.clone(),
                    time: e
                        .time
                        .replace('T', " ")
                        .chars()
                        .take(16)
                        .collect::<String>()
                        + " UTC",
                    target: e.target.clone(),
                })
            })
            .collect()
    }
}

/// What the header says about the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetLabel {
    Sandbox,
    Remote {
        host: String,
        /// Scheme, host and any path prefix, as requests are sent to it.
        base_url: String,
        auth_mode: &'static str,
        masked_key: String,
        /// Where the credential came from, to say when it is refused.
        credential_source: String,
    },
}

/// What the app is started with.
#[derive(Debug, Clone)]
pub struct AppContext {
    pub target: TargetLabel,
    pub default_timezone: String,
    /// The operator's own timezone, to show the window in their time.
    pub local_timezone: String,
    /// The time at start.
    pub started_at: DateTime<Utc>,
    /// The operator's phone book, merged into the phone list.
    pub phone_book: Vec<Phone>,
    /// Something to tell the operator at start (e.g. a phone-book problem).
    pub notice: Option<String>,
    /// Batches this machine created before, from the journal.
    pub known_batches: Vec<KnownBatch>,
    /// Whether the batch list can be read (a user ID is configured), to
    /// confirm a new batch or look for one whose creation is unknown.
    pub can_list_batches: bool,
    /// Values to start the form with: a restored draft or a `--from` file.
    pub initial: Option<Initial>,
    /// Whether colour may be used (`NO_COLOR` unset).
    pub color: bool,
}

/// What the form starts with, besides its defaults.
#[derive(Debug, Clone)]
pub enum Initial {
    /// The draft the last session left, as it was (errors wait until the
    /// operator moves on, as when typing).
    Draft(Draft),
    /// A batch file (`--from`): its values exactly as it has them, and an
    /// error beside each field it gave that is invalid.
    File(BatchFile),
}

/// A valid request and the exact body that will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub request: BatchRequest,
    pub body: String,
    /// What the operator should see before sending.
    pub warnings: Vec<Warning>,
    pub scroll: u16,
}

impl Review {
    pub fn new(request: BatchRequest, warnings: Vec<Warning>) -> Self {
        let body = request.to_body();
        Self {
            request,
            body,
            warnings,
            scroll: 0,
        }
    }
}

/// How a submission ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created(Created),
    Failed(ApiError),
    /// The operator stopped waiting: the batch may or may not exist.
    Abandoned {
        after: Duration,
    },
}

/// The screen on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Form,
    Review(Review),
    Sending {
        review: Review,
        request_id: u64,
        started: Instant,
        sent_at: DateTime<Utc>,
    },
    Result(Box<Answer>),
}

/// The whole model.
#[derive(Debug, Clone)]
pub struct App {
    pub context: AppContext,
    pub form: Form,
    pub screen: Screen,
    pub help: bool,
    /// The field whose explanation heads the help (F1), if any.
    pub help_field: Option<FieldId>,
    /// First line of the help overlay on show.
    pub help_scroll: u16,
    /// A one-line notice under the form (e.g. a cut paste).
    pub notice: Option<String>,
    /// Animation frame counter.
    pub frame: u64,
    /// The time shown (timezone clocks, the window elsewhere). Given by the
    /// run loop, so `update` stays pure and tests fix it.
    pub now: DateTime<Utc>,
    pub quit: bool,
    /// The terminal's size, for mouse hits.
    pub size: (u16, u16),
    /// Batches created from this machine in this session.
    pub known_batches: Vec<KnownBatch>,
    /// A dialog over the form (templates).
    pub modal: Option<Modal>,
    pub draft_state: DraftState,
    /// Counts changes of the form, to order draft writes.
    pub draft_seq: u64,
    /// The longest a request runs (the client's timeout): how long a
    /// submit the operator stopped waiting for may still create the batch.
    pub request_timeout: Duration,
    /// That submit, while it runs: nothing else is sent until it ends.
    abandoned: Option<submit::Abandoned>,
    phones_generation: u64,
    /// The batch-list request whose answer the result screen waits for.
    lookup_id: u64,
    next_request_id: u64,
}

impl App {
    /// A new app and the commands to start it (fetch the phone list).
    pub fn new(mut context: AppContext) -> (Self, Vec<Cmd>) {
        let mut form = Form::new(&context.default_timezone);
        form.numbers.set_phone_book(context.phone_book.clone());
        let mut notice = context.notice.clone();
        // Once in the form, the values are not kept twice (a file may hold
        // hundreds of thousands of IDs).
        match context.initial.take() {
            Some(Initial::Draft(draft)) => draft.apply(&mut form),
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
            help: false,
            help_field: None,
            help_scroll: 0,
            frame: 0,
            quit: false,
            size: (0, 0),
            known_batches: Vec::new(),
            modal: None,
            draft_state: DraftState::Saved,
            draft_seq: 0,
            request_timeout: crate::api::client::DEFAULT_TIMEOUT,
            abandoned: None,
            lookup_id: 0,
            phones_generation: 0,
            next_request_id: 0,
        };
        let cmd = app.reload_phones();
        (app, vec![cmd])
    }

    /// Whether something on screen moves (so the run loop ticks).
    pub fn is_animating(&self) -> bool {
        self.form.numbers.phones.is_loading()
            || match &self.screen {
                Screen::Sending { .. } => true,
                Screen::Result(answer) => {
                    answer.lookup.is_loading()
                        || answer.still_sending.is_some()
                        || answer.not_before.is_some_and(|t| t > self.now)
                }
                Screen::Form | Screen::Review(_) => false,
            }
    }

    /// Whether a submit the operator stopped waiting for is still running,
    /// so that nothing may be sent now.
    pub fn first_send_running(&self) -> bool {
        self.abandoned.is_some()
    }

    /// Whether the mouse is captured: on the form, for clicks. Elsewhere the
    /// terminal keeps its own selection, so a batch ID can be selected.
    pub fn wants_mouse(&self) -> bool {
        matches!(self.screen, Screen::Form) && !self.help
    }

    /// The key scopes that apply now, most important first.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = vec![Scope::Global];
        if self.help {
            scopes.push(Scope::Help);
            return scopes;
        }
        if self.modal.is_some() {
            scopes.push(Scope::Modal);
            return scopes;
        }
        match &self.screen {
            Screen::Form => {
                scopes.push(Scope::Form);
                scopes.extend_from_slice(match self.form.focus {
                    FieldId::Numbers => match self.form.numbers.mode {
                        Mode::Browse => &[Scope::FormList, Scope::Numbers][..],
                        Mode::Filter => &[Scope::NumbersFilter],
                        Mode::Manual(_) => &[Scope::NumbersManual],
                    },
                    FieldId::Days => &[Scope::FormList, Scope::Days],
                    FieldId::Timezone => &[Scope::Timezone, Scope::FormText],
                    FieldId::WindowStart | FieldId::WindowEnd => &[Scope::Time, Scope::FormText],
                    FieldId::Retries | FieldId::Delay => &[Scope::Number, Scope::FormText],
                    FieldId::Name => &[Scope::FormText],
                });
            }
            Screen::Review(_) => scopes.push(Scope::Review),
            Screen::Sending { .. } => scopes.push(Scope::Sending),
            Screen::Result(answer) => {
                scopes.push(Scope::Result);
                if matches!(answer.outcome, Outcome::Created(_)) {
                    scopes.push(Scope::Created);
                } else if answer.may_resend() {
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
        if !matches!(self.screen, Screen::Form) || self.help || self.modal.is_some() {
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
        let on_form = matches!(self.screen, Screen::Form) && !self.help && self.modal.is_none();
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

/// Rows that PgUp and PgDn move the phone list by.
const PAGE: isize = 10;

/// The one place the model changes. No I/O: effects come back as [`Cmd`]s.
pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    // Only these can change what the operator typed or picked; the clock,
    // ticks and most replies cannot, and need no comparison of drafts.
    let may_edit = matches!(
        msg,
        Msg::Key(_) | Msg::Paste(_) | Msg::Click { .. } | Msg::TemplateLoaded { .. }
    );
    if !may_edit {
        return step(app, msg);
    }
    let before = app.form.fingerprint();
    let mut cmds = step(app, msg);
    if app.form.fingerprint() != before {
        cmds.push(files::save_draft(app));
    }
    cmds
}

fn step(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            Vec::new()
        }
        Msg::Click { column, row } => {
            on_click(app, column, row);
            Vec::new()
        }
        Msg::Tick => {
            app.frame = app.frame.wrapping_add(1);
            Vec::new()
        }
        Msg::Clock(now) => {
            app.now = now;
            Vec::new()
        }
        Msg::PhonesLoaded { generation, result } => {
            // A reply to an older fetch would overwrite a newer one.
            if generation == app.phones_generation {
                app.form.numbers.finish_loading(result);
            }
            Vec::new()
        }
        Msg::SubmitFinished { request_id, result } => submit::finished(app, request_id, result),
        Msg::BatchesFound { request_id, result } => {
            submit::batches_found(app, request_id, result);
            Vec::new()
        }
        Msg::TemplateSaved(result) => {
            files::template_saved(app, result);
            Vec::new()
        }
        Msg::TemplatesListed(result) => {
            files::templates_listed(app, result);
            Vec::new()
        }
        Msg::TemplateLoaded { name, result } => {
            files::template_loaded(app, &name, result);
            Vec::new()
        }
        Msg::DraftWritten { seq, result } => {
            files::draft_written(app, seq, result);
            Vec::new()
        }
        Msg::DraftRemoved(result) => {
            files::draft_removed(app, result);
            Vec::new()
        }
        Msg::DraftAdopted { path, result } => {
            files::draft_adopted(app, &path, result);
            Vec::new()
        }
        Msg::NotSuspended(why) => {
            app.notice = Some(format!("Ctrl-Z does nothing here: {why}."));
            Vec::new()
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    let Some(action) = keymap::lookup(&key, &app.scopes()) else {
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
        return Vec::new();
    };
    let form = &mut app.form;
    match action {
        Action::Quit => app.quit = true,
        Action::Suspend => return vec![Cmd::Suspend],
        Action::Help | Action::FieldHelp => {
            app.help = true;
            app.help_scroll = 0;
            app.help_field = (action == Action::FieldHelp && matches!(app.screen, Screen::Form))
                .then_some(form.focus);
        }
        Action::CloseHelp => app.help = false,
        Action::NextField => form.focus_to(form.focus.next()),
        Action::PrevField => form.focus_to(form.focus.prev()),
        Action::Review => match form.submit() {
            Ok(request) => {
                app.notice = None;
                let warnings = review_warnings(app, &request);
                app.screen = Screen::Review(Review::new(request, warnings));
            }
            Err(n) => {
                let s = if n == 1 { "" } else { "s" };
                app.notice = Some(format!("{n} field{s} to fix: see the messages marked ✗"));
            }
        },
        Action::RetryLoad => return vec![app.reload_phones()],
        Action::SaveTemplate => files::ask_template_name(app),
        Action::OpenTemplate => return vec![files::ask_template(app)],
        Action::Submit => return submit::submit(app),
        Action::Resend => return submit::resend(app),
        Action::Copy => {
            if let Screen::Result(answer) = &mut app.screen
                && let Outcome::Created(created) = &answer.outcome
            {
                answer.copied = true;
                return vec![Cmd::Copy(created.batch_id.clone())];
            }
        }
        Action::NewBatch => {
            app.screen = Screen::Form;
            app.notice = Some("A new batch from the same values: give it a name.".into());
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
        Action::Accept if app.modal.is_some() => return files::accept(app).into_iter().collect(),
        Action::Cancel if app.modal.is_some() => files::cancel(app),
        Action::Accept => match form.focus {
            FieldId::Numbers => match form.numbers.mode {
                Mode::Filter => form.numbers.keep_filter(),
                Mode::Manual(_) => {
                    form.numbers.commit_manual();
                    form.edited(FieldId::Numbers);
                }
                Mode::Browse => {}
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
    }
    Vec::new()
}

fn on_move(app: &mut App, action: Action) {
    if app.modal.is_some() {
        files::move_cursor(app, action == Action::Down);
        return;
    }
    if app.help {
        let screen = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
        let max = crate::ui::help::max_scroll(app.help_field, screen);
        app.help_scroll = match action {
            Action::Up => app.help_scroll.min(max).saturating_sub(1),
            Action::Down => (app.help_scroll + 1).min(max),
            _ => app.help_scroll,
        };
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

fn on_back(app: &mut App) -> Vec<Cmd> {
    match &app.screen {
        Screen::Sending { .. } => submit::abandon(app),
        Screen::Review(_) | Screen::Result(_) => {
            app.screen = Screen::Form;
            app.notice = None;
            Vec::new()
        }
        Screen::Form => Vec::new(),
    }
}

/// ↑/↓ on the review, stopping at its end as drawn on this screen.
fn scroll_review(app: &mut App, action: Action) {
    let Screen::Review(review) = &app.screen else {
        return;
    };
    let screen = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let max = crate::ui::review::max_scroll(app, review, screen);
    if let Screen::Review(review) = &mut app.screen {
        review.scroll = match action {
            Action::Up => review.scroll.min(max).saturating_sub(1),
            Action::Down => (review.scroll + 1).min(max),
            _ => review.scroll,
        };
    }
}

/// The warnings of the review, about a request that is valid.
fn review_warnings(app: &App, request: &BatchRequest) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = crate::form::invisible_in_name(&request.batch_name)
        .map(Warning)
        .into_iter()
        .collect();
    warnings.extend(schedule_warnings(app, request));
    warnings
}

/// The warnings about when and how often the batch calls.
fn schedule_warnings(app: &App, request: &BatchRequest) -> Vec<Warning> {
    use std::str::FromStr;
    let parse = |s: Option<&str>| s.and_then(|s| crate::form::time::parse_time(s).ok());
    let hour = request.calling_hour.as_ref();
    let (Some(tz), Some(start), Some(end)) = (
        request
            .timezone
            .as_deref()
            .and_then(|t| chrono_tz::Tz::from_str(t).ok()),
        parse(hour.map(|h| h.start.as_str())),
        parse(hour.map(|h| h.end.as_str())),
    ) else {
        return Vec::new();
    };
    let target = submit::target_name(&app.context.target);
    let earlier = app
        .context
        .known_batches
        .iter()
        .chain(&app.known_batches)
        .rev()
        .find(|k| k.name == request.batch_name && k.target == target)
        .map(|k| (k.time.as_str(), k.id.as_str()));
    crate::schedule::warnings(
        tz,
        start,
        end,
        request.allowed_days.as_deref().unwrap_or_default(),
        request.retry.unwrap_or(0),
        request.delay.unwrap_or(0),
        &request.batch_name,
        earlier,
    )
}

/// A click on the form focuses the field under it (as Tab would).
fn on_click(app: &mut App, column: u16, row: u16) {
    if !matches!(app.screen, Screen::Form) || app.help {
        return;
    }
    let screen = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let layout = crate::ui::form::FormLayout::new(app, crate::ui::body_area(screen));
    if let Some(field) = layout.field_at(column, row)
        && field != app.form.focus
    {
        app.form.focus_to(field);
    }
}

fn on_paste(app: &mut App, text: &str) {
    let field = app.form.focus;
    if matches!(app.screen, Screen::Form)
        && !app.help
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
    app.notice = (dropped > 0).then(|| {
        format!(
            "Paste cut to {max} characters: {dropped} characters did not fit in {}",
            field.label()
        )
    });
}

#[cfg(test)]
mod tests;
