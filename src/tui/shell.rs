//! The shell: what is global to the app (the target, the terminal's size,
//! the time, the help overlay, the command palette, quitting) and the
//! route, a stack of views. It resolves each key through the keymap,
//! keeps the actions that are its own and hands the rest, and every other
//! message, to the view it belongs to. See [`crate::tui::views`] for the
//! view pattern.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

use super::effects::{Cmd, Subscription};
use super::keymap::{self, Action, Scope};
use super::palette::{Palette, PaletteKey};
use super::views::batches::BatchesMsg;
use super::views::create::{self, CreateMsg, CreateView, Initial, KnownBatch};
use super::views::import::{ImportCmd, ImportMsg, ImportTarget, ImportView};
use super::views::{Route, Scroll, View};
use crate::api::Phone;
pub use crate::connection::TargetLabel;
use crate::form::FieldId;

/// How often animations (spinners, elapsed time) advance while one is on show.
pub const TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// Everything that can happen.
// A view's replies are the big variants; a message is moved once, from the
// channel to `update`, so boxing would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
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
    /// Animation tick; only sent while the view on show animates.
    Tick,
    /// The time now, handed in by the run loop before it draws.
    Clock(DateTime<Utc>),
    /// Ctrl-Z did not stop the app, and why.
    NotSuspended(String),
    /// For the create view.
    Create(CreateMsg),
    /// For the batch list.
    Batches(BatchesMsg),
    /// For import `session` (a reply for an import closed since is
    /// dropped).
    Import {
        session: u64,
        msg: ImportMsg,
    },
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

/// The help overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    /// The field whose explanation heads the help (F1), if any.
    pub field: Option<FieldId>,
    pub scroll: Scroll,
}

/// The whole model: the shell's own state and its views.
#[derive(Debug, Clone)]
pub struct Shell {
    pub target: TargetLabel,
    /// Whether colour may be used (`NO_COLOR` unset).
    pub color: bool,
    /// The terminal's size.
    pub size: (u16, u16),
    /// The time, handed in by the run loop; passed on to every view.
    pub now: DateTime<Utc>,
    pub help: Option<Help>,
    pub palette: Option<Palette>,
    pub quit: bool,
    /// The root of the route: the create view, which lives as long as the
    /// app (it holds the form and its draft).
    pub create: CreateView,
    /// The views opened over it; the last is on show.
    pub stack: Vec<View>,
    /// The session of the last import opened.
    import_sessions: u64,
}

/// Input for the view on show, in the shell's words.
enum Input {
    Action(Action),
    /// A key no binding takes: typed text.
    Typed(KeyEvent),
    Paste(String),
    Click {
        column: u16,
        row: u16,
    },
}

impl Shell {
    /// A new app on the create view, and the commands to start it.
    pub fn new(context: AppContext) -> (Self, Vec<Cmd>) {
        let (target, color, now) = (context.target.clone(), context.color, context.started_at);
        let (create, cmds) = CreateView::new(context);
        let shell = Self {
            target,
            color,
            size: (0, 0),
            now,
            help: None,
            palette: None,
            quit: false,
            create,
            stack: Vec::new(),
            import_sessions: 0,
        };
        (shell, cmds)
    }

    /// The view on show, when it is not the create view.
    pub fn top(&self) -> Option<&View> {
        self.stack.last()
    }

    /// Where the operator is, for the header: `Batches › June renewals`.
    pub fn breadcrumb(&self) -> Vec<String> {
        self.top()
            .map_or_else(|| self.create.breadcrumb(), View::breadcrumb)
    }

    /// Whether something on screen moves (so the run loop ticks).
    pub fn is_animating(&self) -> bool {
        self.top()
            .map_or_else(|| self.create.is_animating(), View::is_animating)
    }

    /// The periodic work of the view on show: the animation tick while it
    /// animates, and what it polls. Empty, the loop sleeps until input.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        let mut subs = self.top().map(View::subscriptions).unwrap_or_default();
        if self.is_animating() {
            subs.push(Subscription {
                name: "animation",
                every: TICK,
                msg: Msg::Tick,
            });
        }
        subs
    }

    /// Whether the mouse is captured: on the form, for clicks. Elsewhere the
    /// terminal keeps its own selection, so a batch ID can be selected.
    pub fn wants_mouse(&self) -> bool {
        self.help.is_none()
            && self.palette.is_none()
            && self.top().is_none()
            && self.create.wants_mouse()
    }

    /// The key scopes that apply now, most important first.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = vec![Scope::Global];
        if self.help.is_some() {
            scopes.push(Scope::Help);
            return scopes;
        }
        match self.top() {
            None => scopes.extend(self.create.scopes()),
            Some(view) => {
                scopes.extend(view.scopes());
                scopes.push(Scope::Navigation);
            }
        }
        scopes
    }

    /// Shows `route`: the create view by closing what is over it, another
    /// view by bringing it back if it is open, else by opening it.
    pub fn open(&mut self, route: Route) {
        if let Some(at) = self.stack.iter().position(|v| v.is(route)) {
            self.stack.truncate(at + 1);
        } else if let Some(view) = View::open(route) {
            self.stack.push(view);
        } else {
            self.stack.clear();
        }
    }

    /// Shows the import into `target`'s batch: the one open for it if
    /// there is one, else a new one. There is one import at a time: one
    /// open for another batch is closed (its journal keeps where it
    /// stands). A timezone not given is the journal's, if the batch was
    /// created here.
    pub fn open_import(&mut self, mut target: ImportTarget) -> Vec<Cmd> {
        if let Some(at) = self.stack.iter().position(|v| v.import_session().is_some()) {
            if let Some(View::Import { view, .. }) = self.stack.get(at)
                && view.batch_id() == target.batch_id
            {
                self.stack.truncate(at + 1);
                return Vec::new();
            }
            self.stack.truncate(at);
        }
        if target.timezone.is_none() {
            target.timezone = self.known_timezone(&target.batch_id);
        }
        self.import_sessions += 1;
        let session = self.import_sessions;
        let view = ImportView::new(
            &target.batch_id,
            &target.batch_name,
            target.timezone.as_deref(),
        );
        self.stack.push(View::Import {
            session,
            view: Box::new(view),
        });
        vec![Cmd::StartImport {
            session,
            batch_id: target.batch_id,
        }]
    }

    /// The timezone a batch made here, on this target, was created with.
    fn known_timezone(&self, batch_id: &str) -> Option<String> {
        let target = create::submit::target_name(&self.target);
        let context = &self.create.context.known_batches;
        context
            .iter()
            .chain(&self.create.known_batches)
            .rev()
            .find(|k| k.id == batch_id && k.target == target)
            .and_then(|k| k.timezone.clone())
    }

    /// The session of the import in the stack, if one is.
    fn import_session(&self) -> Option<u64> {
        self.stack.iter().find_map(View::import_session)
    }

    /// Hands input to the view on show.
    fn deliver(&mut self, input: Input) -> Vec<Cmd> {
        let now = self.now;
        match self.stack.last_mut() {
            None => {
                let msg = match input {
                    Input::Action(action) => CreateMsg::Action(action),
                    Input::Typed(key) => CreateMsg::Typed(key),
                    Input::Paste(text) => CreateMsg::Paste(text),
                    Input::Click { column, row } => CreateMsg::Click { column, row },
                };
                create::update(&mut self.create, msg)
            }
            // No other view takes input yet.
            Some(View::Batches(_)) => Vec::new(),
            Some(View::Import { session, view }) => {
                let session = *session;
                let msg = match input {
                    Input::Action(action) => ImportMsg::Action(action),
                    Input::Typed(key) => ImportMsg::Typed(key),
                    Input::Paste(text) => ImportMsg::Paste(text),
                    // The import view is all keys.
                    Input::Click { .. } => return Vec::new(),
                };
                let cmds = view.update(msg, now);
                self.import_cmds(session, cmds)
            }
        }
    }

    /// An import's commands as the effects run them; `Close` is the
    /// shell's: the view is closed.
    fn import_cmds(&mut self, session: u64, cmds: Vec<ImportCmd>) -> Vec<Cmd> {
        let mut out = Vec::with_capacity(cmds.len());
        for cmd in cmds {
            match cmd {
                ImportCmd::Close => self.stack.retain(|v| v.import_session() != Some(session)),
                cmd => out.push(Cmd::Import { session, cmd }),
            }
        }
        out
    }
}

/// The one place the model changes. No I/O: effects come back as [`Cmd`]s.
pub fn update(shell: &mut Shell, msg: Msg) -> Vec<Cmd> {
    let import = shell.import_session();
    let cmds = match msg {
        Msg::Key(key) => on_key(shell, key),
        Msg::Paste(text) if shell.help.is_none() && shell.palette.is_none() => {
            shell.deliver(Input::Paste(text))
        }
        Msg::Paste(_) => Vec::new(),
        Msg::Resize(w, h) => {
            shell.size = (w, h);
            Vec::new()
        }
        Msg::Click { column, row } if shell.help.is_none() && shell.palette.is_none() => {
            shell.deliver(Input::Click { column, row })
        }
        Msg::Click { .. } => Vec::new(),
        Msg::Tick if shell.top().is_none() => create::update(&mut shell.create, CreateMsg::Tick),
        // The other views draw what moves from the time, which the run
        // loop hands in before it draws.
        Msg::Tick => Vec::new(),
        Msg::Clock(now) => {
            shell.now = now;
            // Every view keeps the time, on show or not: a view shown again
            // is drawn at once, before the next clock.
            create::update(&mut shell.create, CreateMsg::Clock(now))
        }
        // The create view says it: it is the one with a notice line.
        Msg::NotSuspended(why) => create::update(
            &mut shell.create,
            CreateMsg::Notice(format!("Ctrl-Z does nothing here: {why}.")),
        ),
        // The create view is always there: its replies always arrive.
        Msg::Create(msg) => create::update(&mut shell.create, msg),
        Msg::Batches(msg) => match shell.stack.iter_mut().find(|v| v.is(Route::Batches)) {
            Some(view) => view.update_batches(msg),
            // Closed meanwhile: the reply is of no use.
            None => Vec::new(),
        },
        Msg::Import { session, msg } => {
            let now = shell.now;
            let view = shell.stack.iter_mut().find_map(|v| match v {
                View::Import { session: s, view } if *s == session => Some(view),
                _ => None,
            });
            match view {
                Some(view) => {
                    let cmds = view.update(msg, now);
                    shell.import_cmds(session, cmds)
                }
                // Closed meanwhile: its journal has what the reply said.
                None => Vec::new(),
            }
        }
    };
    let mut out = Vec::with_capacity(cmds.len());
    for cmd in cmds {
        match cmd {
            Cmd::Open(route) => shell.open(route),
            Cmd::OpenImport(target) => out.extend(shell.open_import(target)),
            cmd => out.push(cmd),
        }
    }
    // However the import left the stack (Esc, another view, another
    // import), its executor goes with it.
    if let Some(session) = import
        && shell.import_session() != Some(session)
    {
        out.push(Cmd::Import {
            session,
            cmd: ImportCmd::Close,
        });
    }
    out
}

fn on_key(shell: &mut Shell, key: KeyEvent) -> Vec<Cmd> {
    if let Some(palette) = &mut shell.palette {
        // Ctrl-C quits from the palette too; every other key is its own.
        if keymap::lookup(&key, &[Scope::Global]) == Some(Action::Quit) {
            shell.quit = true;
            return Vec::new();
        }
        return match palette.on_key(key) {
            PaletteKey::Stay => Vec::new(),
            PaletteKey::Close => {
                shell.palette = None;
                Vec::new()
            }
            PaletteKey::Run(action) => {
                shell.palette = None;
                act(shell, action)
            }
        };
    }
    match keymap::lookup(&key, &shell.scopes()) {
        Some(action) => act(shell, action),
        // Unbound keys edit the text being typed, and nothing else.
        None if shell.help.is_none() => shell.deliver(Input::Typed(key)),
        None => Vec::new(),
    }
}

/// Does `action`: the shell's own here, the rest by the view on show.
fn act(shell: &mut Shell, action: Action) -> Vec<Cmd> {
    match action {
        Action::Quit => shell.quit = true,
        Action::Suspend => return vec![Cmd::Suspend],
        Action::Help | Action::FieldHelp => {
            let field = (action == Action::FieldHelp && shell.top().is_none())
                .then(|| shell.create.help_field())
                .flatten();
            shell.help = Some(Help {
                field,
                scroll: Scroll::default(),
            });
        }
        Action::CloseHelp => shell.help = None,
        Action::Up | Action::Down if shell.help.is_some() => {
            if let Some(help) = &mut shell.help {
                if action == Action::Up {
                    help.scroll.up();
                } else {
                    help.scroll.down();
                }
            }
        }
        Action::Palette => {
            shell.help = None;
            let scopes = shell.scopes();
            shell.palette = Some(Palette::new(&scopes));
        }
        Action::OpenCreate => shell.open(Route::Create),
        Action::OpenBatches => shell.open(Route::Batches),
        Action::Pop => {
            shell.stack.pop();
        }
        action => return shell.deliver(Input::Action(action)),
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn context() -> AppContext {
        AppContext {
            target: TargetLabel::Sandbox,
            default_timezone: "Europe/Berlin".into(),
            local_timezone: "Europe/Berlin".into(),
            started_at: DateTime::UNIX_EPOCH,
            phone_book: Vec::new(),
            notice: None,
            known_batches: Vec::new(),
            can_list_batches: false,
            initial: None,
            color: false,
        }
    }

    fn key(shell: &mut Shell, code: KeyCode) -> Vec<Cmd> {
        update(shell, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn ctrl(shell: &mut Shell, c: char) -> Vec<Cmd> {
        update(
            shell,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        )
    }

    fn typed(shell: &mut Shell, text: &str) {
        for c in text.chars() {
            key(shell, KeyCode::Char(c));
        }
    }

    fn on_batches(shell: &Shell) -> bool {
        matches!(shell.top(), Some(View::Batches(_)))
    }

    #[test]
    fn the_palette_finds_the_batch_list_and_esc_comes_back_to_the_form_as_it_was() {
        let (mut shell, _) = Shell::new(context());
        typed(&mut shell, "June renewals");
        ctrl(&mut shell, 'p');
        typed(&mut shell, "batch");
        assert_eq!(
            shell.create.form.name.value(),
            "June renewals",
            "the palette's query is its own"
        );
        key(&mut shell, KeyCode::Enter);
        assert!(shell.palette.is_none());
        assert!(on_batches(&shell), "Enter opens the batch list");
        assert_eq!(shell.breadcrumb(), ["Batches"]);
        key(&mut shell, KeyCode::Esc);
        assert!(shell.top().is_none(), "Esc goes back");
        assert_eq!(shell.breadcrumb(), ["New batch"]);
        assert_eq!(shell.create.form.name.value(), "June renewals");
        assert_eq!(shell.create.form.focus, FieldId::Name);
        typed(&mut shell, "!");
        assert_eq!(shell.create.form.name.value(), "June renewals!");
    }

    #[test]
    fn esc_closes_the_palette_and_leaves_everything_as_it_was() {
        let (mut shell, _) = Shell::new(context());
        typed(&mut shell, "Kept");
        ctrl(&mut shell, 'p');
        typed(&mut shell, "q");
        key(&mut shell, KeyCode::Esc);
        assert!(shell.palette.is_none() && !shell.quit && shell.top().is_none());
        assert_eq!(shell.create.form.name.value(), "Kept");
    }

    #[test]
    fn view_keys_in_a_text_field_switch_views_and_type_nothing() {
        let (mut shell, _) = Shell::new(context());
        typed(&mut shell, "Q3");
        let cmds = ctrl(&mut shell, 'b');
        assert!(on_batches(&shell));
        assert!(cmds.is_empty(), "nothing typed, so no draft: {cmds:?}");
        assert_eq!(shell.create.form.name.value(), "Q3");
        ctrl(&mut shell, 'n');
        assert!(shell.top().is_none(), "Ctrl-N from the list: the form");
        assert_eq!(shell.create.form.name.value(), "Q3", "with its content");
        ctrl(&mut shell, 'n');
        assert!(shell.top().is_none());
        assert_eq!(
            shell.create.form.name.value(),
            "Q3",
            "Ctrl-N on the form types nothing"
        );
        ctrl(&mut shell, 'b');
        ctrl(&mut shell, 'b');
        assert_eq!(
            shell.stack.len(),
            1,
            "the open list is brought back, not stacked"
        );
    }

    #[test]
    fn replies_reach_the_create_view_while_another_view_is_on_show() {
        let (mut shell, _) = Shell::new(context());
        ctrl(&mut shell, 'b');
        update(
            &mut shell,
            Msg::Create(CreateMsg::PhonesLoaded {
                generation: 1,
                result: Ok(Vec::new()),
            }),
        );
        assert!(!shell.create.form.numbers.phones.is_loading());
        assert!(!shell.is_animating(), "nothing moves on the placeholder");
        assert!(shell.subscriptions().is_empty());
    }

    fn june() -> ImportTarget {
        ImportTarget {
            batch_id: "64e5f12345abcdef98765432".into(),
            batch_name: "June renewals".into(),
            timezone: None,
        }
    }

    fn on_import(shell: &Shell) -> Option<&ImportView> {
        match shell.top() {
            Some(View::Import { view, .. }) => Some(view),
            _ => None,
        }
    }

    /// The sessions `cmds` close.
    fn closed(cmds: &[Cmd]) -> Vec<u64> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Import {
                    session,
                    cmd: ImportCmd::Close,
                } => Some(*session),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_import_takes_typing_and_its_executor_goes_however_it_is_left() {
        let (mut shell, _) = Shell::new(context());
        let cmds = shell.open_import(june());
        assert!(
            matches!(cmds.as_slice(), [Cmd::StartImport { session: 1, batch_id }] if batch_id == "64e5f12345abcdef98765432"),
            "{cmds:?}"
        );
        assert_eq!(shell.breadcrumb(), ["Import into “June renewals”"]);
        typed(&mut shell, "~/c");
        assert_eq!(on_import(&shell).unwrap().path.value(), "~/c");
        let cmds = key(&mut shell, KeyCode::Tab);
        assert!(
            matches!(cmds.as_slice(), [Cmd::Import { session: 1, cmd: ImportCmd::ListDir { typed } }] if typed == "~/c"),
            "Tab lists the folder through the effects: {cmds:?}"
        );

        // Another view over it keeps it; the form (Ctrl-N) closes it.
        assert!(closed(&ctrl(&mut shell, 'b')).is_empty());
        assert!(shell.stack.len() == 2 && on_batches(&shell));
        assert_eq!(closed(&ctrl(&mut shell, 'n')), [1]);
        assert!(shell.stack.is_empty());

        // A reply of the closed import finds no view and does nothing.
        let late = Msg::Import {
            session: 1,
            msg: ImportMsg::DirListed {
                typed: "~/c".into(),
                result: Ok(Vec::new()),
            },
        };
        assert!(update(&mut shell, late).is_empty());

        // A new import is a new session; Esc closes it.
        assert!(matches!(
            shell.open_import(june()).as_slice(),
            [Cmd::StartImport { session: 2, .. }]
        ));
        assert!(on_import(&shell).unwrap().path.value().is_empty());
        assert_eq!(closed(&key(&mut shell, KeyCode::Esc)), [2]);
        assert!(shell.top().is_none(), "back on the form");
    }

    #[test]
    fn a_batch_made_here_presets_the_region_from_its_timezone() {
        let mut known = context();
        known.known_batches = vec![KnownBatch {
            name: "June renewals".into(),
            id: june().batch_id,
            time: "2025-06-02 14:00 UTC".into(),
            target: "sandbox".into(),
            timezone: Some("America/New_York".into()),
        }];
        let (mut shell, _) = Shell::new(known);
        shell.open_import(june());
        let region = on_import(&shell).unwrap().region();
        assert_eq!(region.map(|r| r.to_string()).as_deref(), Some("US"));

        let (mut shell, _) = Shell::new(context());
        shell.open_import(june());
        assert_eq!(
            on_import(&shell).unwrap().region(),
            None,
            "unknown: the operator chooses"
        );
    }
}
