//! The shell: what is global to the app (the target, the terminal's size,
//! the time, the help overlay, the command palette, quitting) and the
//! route, a stack of views. It resolves each key through the keymap,
//! keeps the actions that are its own and hands the rest, and every other
//! message, to the view it belongs to. See [`crate::tui::views`] for the
//! view pattern.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::context::AppContext;
use super::keymap::{self, Action, Input, Scope};
use super::msg::{Cmd, Msg, Route, Subscription};
use super::palette::{Palette, PaletteKey};
use super::views::batches::details::DetailsMsg;
use super::views::batches::details::{BatchDetailsView, CallsKept};
use super::views::batches::list::ListMsg;
use super::views::batches::{KnownSchedules, ViewContext};
use super::views::create::{self, CreateMsg, CreateView};
use super::views::import::{ImportTarget, ImportView};
use super::views::{Scroll, View, ViewModel};
use crate::api::BatchSummary;
use crate::campaign::progress::{Plan, Tracker, Transition};
use crate::connection::TargetLabel;
use crate::form::FieldId;
use crate::text::visible;

/// How often animations (spinners, elapsed time) advance while one is on show.
pub const TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// The screen's rows around a view's: the header, the footer, and the
/// blank margin row under and over them.
const BODY_CHROME: u16 = 4;

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
    /// The quit came from Ctrl-C, the terminal's interrupt key: the app
    /// exits 130, as SIGINT makes it (a quit chosen in the palette is 0).
    pub interrupted: bool,
    /// The root of the route: the create view, which lives as long as the
    /// app (it holds the form and its draft).
    pub create: CreateView,
    /// The views opened over it; the last is on show.
    pub stack: Vec<View>,
    /// The session of the last import opened.
    import_sessions: u64,
    /// Whether the terminal has focus (until it says otherwise, it has):
    /// live views poll only then.
    pub focused: bool,
    /// What the campaign views are told of where they are.
    pub views: ViewContext,
    /// Each batch's filter and order as its view was left, while the app
    /// runs: opened again, it shows the calls as the operator left them.
    calls_kept: HashMap<String, CallsKept>,
    /// The counts seen of each batch while the app runs, from every
    /// refresh of the list or a batch's totals: the campaign views start
    /// from them, and a change in them is news ([`Shell::alert`]).
    pub progress: Tracker,
    /// The last batch that completed, stopped or stalled while the app
    /// ran, shown in the header until the next key.
    pub alert: Option<String>,
}

impl Shell {
    /// A new app on the create view, and the commands to start it.
    pub fn new(context: AppContext) -> (Self, Vec<Cmd>) {
        let (target, color, now) = (context.target.clone(), context.color, context.started_at);
        let refresh = context.refresh;
        let views = ViewContext {
            sandbox: matches!(target, TargetLabel::Sandbox),
            examples: context.examples.clone(),
            refresh,
            // Filled in as each view opens (see `view_context`): batches
            // are made as the app runs.
            schedules: KnownSchedules::default(),
            progress: Tracker::default(),
            contact_hours: context.contact_hours,
        };
        let (create, cmds) = CreateView::new(context);
        let shell = Self {
            target,
            color,
            size: (0, 0),
            now,
            help: None,
            palette: None,
            quit: false,
            interrupted: false,
            create,
            stack: Vec::new(),
            import_sessions: 0,
            focused: true,
            views,
            calls_kept: HashMap::new(),
            progress: Tracker::default(),
            alert: None,
        };
        (shell, cmds)
    }

    /// The view on show, when it is not the create view.
    pub fn top(&self) -> Option<&View> {
        self.stack.last()
    }

    /// Where the operator is, for the header: `Batches › June renewals`.
    /// Each view is told the breadcrumb of the one under it: a batch's
    /// details name the view where Esc leads (the list, or the create
    /// view's result: `New batch › Result › June renewals`).
    pub fn breadcrumb(&self) -> Vec<String> {
        let root = ViewModel::breadcrumb(&self.create, Vec::new());
        self.stack
            .iter()
            .fold(root, |under, view| view.breadcrumb(under))
    }

    /// Whether something on screen moves (so the run loop ticks).
    pub fn is_animating(&self) -> bool {
        self.top()
            .map_or_else(|| self.create.is_animating(), View::is_animating)
    }

    /// The periodic work of the view on show: the animation tick while it
    /// animates, and what it polls. Empty, the loop sleeps until input.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        let mut subs = self
            .top()
            .filter(|_| self.focused)
            .map(View::subscriptions)
            .unwrap_or_default();
        if self.is_animating() {
            subs.push(Subscription {
                name: "animation",
                every: TICK,
                msg: Msg::Tick,
            });
        }
        subs
    }

    /// Whether the mouse is captured: when the view on show takes it (the
    /// form and the campaign views, for clicks and the wheel) and no
    /// overlay is open. The import view is all keys, so there the
    /// terminal keeps its own selection (elsewhere Shift-drag selects in
    /// most terminals, and `y` copies a batch's ID).
    pub fn wants_mouse(&self) -> bool {
        self.help.is_none()
            && self.palette.is_none()
            && self
                .top()
                .map_or_else(|| self.create.wants_mouse(), View::wants_mouse)
    }

    /// The key scopes that apply now, most important first.
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = vec![Scope::Global];
        if !self.create.context.unfinished_imports.is_empty() {
            scopes.push(Scope::Unfinished);
        }
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
    pub fn open(&mut self, route: Route) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if let Some(at) = self.stack.iter().position(|v| v.is(route)) {
            cmds.extend(self.truncate(at + 1));
        } else if let Some(view) = View::open(route, &self.view_context(), self.body_height()) {
            self.stack.push(view);
        } else {
            cmds.extend(self.truncate(0));
        }
        cmds.extend(self.shown());
        cmds
    }

    /// Closes the views from `len` up; what they leave to do (an import's
    /// executor to drop) is returned.
    fn truncate(&mut self, len: usize) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        while self.stack.len() > len {
            if let Some(view) = self.stack.pop() {
                if let View::BatchDetails(details) = &view {
                    self.calls_kept
                        .insert(details.batch_id().to_owned(), details.kept());
                }
                cmds.extend(view.closed());
            }
        }
        cmds
    }

    /// Shows the import into `target`'s batch: the one open for it if
    /// there is one, else a new one. There is one import at a time: one
    /// open for another batch is closed (its journal keeps where it
    /// stands). A timezone not given is the journal's, if the batch was
    /// created here.
    pub fn open_import(&mut self, mut target: ImportTarget) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if let Some(at) = self.stack.iter().position(|v| matches!(v, View::Import(_))) {
            if let Some(View::Import(view)) = self.stack.get(at)
                && view.batch_id() == target.batch_id
            {
                return self.truncate(at + 1);
            }
            cmds.extend(self.truncate(at));
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
        )
        .with_local_time(
            self.known_schedule(&target.batch_id).or_else(|| {
                // The sandbox's examples, known by name.
                self.views
                    .examples
                    .iter()
                    .find(|(name, _)| *name == target.batch_name)
                    .map(|(_, schedule)| schedule.clone())
            }),
            self.views.contact_hours,
        )
        .in_session(session);
        self.stack.push(View::Import(view));
        cmds.push(Cmd::StartImport {
            session,
            batch_id: target.batch_id,
        });
        cmds
    }

    /// The import a run left unfinished, opened on its file: the import
    /// view finds its journal there and offers to resume it. Without one,
    /// the notice line says so.
    pub fn resume_import(&mut self) -> Vec<Cmd> {
        let Some(last) = self.create.context.unfinished_imports.first().cloned() else {
            return self.create.update(
                CreateMsg::Notice("No import stopped part-way: there is none to resume.".into()),
                self.now,
            );
        };
        let batch_name = self
            .create
            .context
            .known_batches
            .iter()
            .chain(&self.create.known_batches)
            .rev()
            .find(|k| k.id == last.batch_id)
            .map_or_else(|| last.batch_id.clone(), |k| k.name.clone());
        let mut cmds = self.open_import(ImportTarget {
            batch_id: last.batch_id.clone(),
            batch_name,
            timezone: None,
        });
        if let Some(View::Import(view)) = self.stack.last_mut()
            && view.batch_id() == last.batch_id
        {
            cmds.extend(view.open_recorded(&last.file, self.now));
        }
        cmds
    }

    /// What a view opened now is told: the shell's environment, and the
    /// schedules of the batches made here so far (this session's too).
    fn view_context(&self) -> ViewContext {
        let context = &self.create.context;
        let target = create::submit::target_name(&self.target);
        let made_here = context
            .known_batches
            .iter()
            .chain(&self.create.known_batches)
            .filter(|k| k.target == target)
            .filter_map(|k| Some((k.id.clone(), k.schedule.clone()?)));
        ViewContext {
            schedules: KnownSchedules::new(
                made_here,
                self.views.examples.iter().cloned(),
                context.dialer_ignores_window,
            ),
            progress: self.progress.clone(),
            ..self.views.clone()
        }
    }

    /// Records what a refresh of the list or of a batch's totals says of
    /// each batch, before its view takes it, and raises a notice for a
    /// batch that completed, stopped or stalled since the last look (one
    /// seen for the first time is not news: it was so before the app
    /// looked).
    fn observe(&mut self, msg: &Msg) -> Vec<Cmd> {
        let batches: Vec<&BatchSummary> = match msg {
            Msg::BatchList(ListMsg::PageLoaded {
                result: Ok(page), ..
            }) => page.batches.iter().collect(),
            Msg::BatchDetails {
                batch_id,
                msg:
                    DetailsMsg::TotalsLoaded {
                        result: Ok(found), ..
                    },
            } => found.iter().filter(|b| &b.id == batch_id).collect(),
            _ => return Vec::new(),
        };
        let schedules = self.view_context().schedules;
        let mut cmds = Vec::new();
        for batch in batches {
            let plan = Plan {
                schedule: schedules.schedule(&batch.id, &batch.batch_name).cloned(),
                retry: None,
            };
            let Some(change) = self.progress.record(batch, Some(&plan), self.now) else {
                continue;
            };
            let name = visible(&batch.batch_name);
            let text = match change {
                Transition::Completed => format!("“{name}” completed."),
                Transition::Stopped => format!("“{name}” was stopped."),
                Transition::Stalled(stall) => format!("“{name}” is not moving: {}.", stall.detail),
            };
            self.alert = Some(text.clone());
            cmds.push(Cmd::Alert(text));
        }
        cmds
    }

    /// The calling schedule a batch made here, on this target, was
    /// created with (whatever the sandbox's dialer does with it).
    fn known_schedule(&self, batch_id: &str) -> Option<crate::domain::schedule::CallingSchedule> {
        let target = create::submit::target_name(&self.target);
        let context = &self.create.context.known_batches;
        context
            .iter()
            .chain(&self.create.known_batches)
            .rev()
            .find(|k| k.id == batch_id && k.target == target)
            .and_then(|k| k.schedule.clone())
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

    /// Shows the details of a batch over the view on show, the list's
    /// Enter or the create result's `o`: Esc leads back there, as the
    /// breadcrumb says (navigation is a stack).
    pub fn open_batch(&mut self, summary: BatchSummary) -> Vec<Cmd> {
        let kept = self
            .calls_kept
            .get(&summary.id)
            .cloned()
            .unwrap_or_default();
        let details = BatchDetailsView::new(self.view_context(), summary)
            .with_kept(kept)
            .in_height(self.body_height());
        self.stack.push(View::BatchDetails(details));
        self.shown()
    }

    /// How many rows a view has under the header and over the footer, in
    /// their margin (as the drawing lays them out): known from the
    /// terminal's size before a view is first drawn, so a view's first
    /// page can be the size of the next. 0 before the size is known.
    fn body_height(&self) -> u16 {
        match self.size.1 {
            0 => 0,
            height => height.saturating_sub(BODY_CHROME),
        }
    }

    /// Closes the view on show.
    pub fn pop(&mut self) -> Vec<Cmd> {
        let len = self.stack.len().saturating_sub(1);
        let mut cmds = self.truncate(len);
        cmds.extend(self.shown());
        cmds
    }

    /// A view just came (back) on screen: a live one refreshes at once,
    /// unless the terminal is not looking.
    fn shown(&mut self) -> Vec<Cmd> {
        match self.top().and_then(View::shown) {
            Some(msg) if self.focused => update(self, msg),
            _ => Vec::new(),
        }
    }

    /// Hands input to the view on show.
    fn deliver(&mut self, input: Input) -> Vec<Cmd> {
        let now = self.now;
        match self.stack.last_mut() {
            None => ViewModel::update(&mut self.create, input.into(), now),
            Some(view) => {
                let cmds = view.input(input, now);
                let at = self.stack.len() - 1;
                self.closing(at, cmds)
            }
        }
    }

    /// Hands a reply to the view it is addressed to, if it is still open
    /// (one closed meanwhile has no use for it: a start, stop or delete
    /// was journaled all the same, and an import's journal has what the
    /// reply said).
    fn reply(&mut self, mut msg: Msg) -> Vec<Cmd> {
        let now = self.now;
        for at in (0..self.stack.len()).rev() {
            match self.stack[at].receive(msg, now) {
                Ok(cmds) => return self.closing(at, cmds),
                Err(back) => msg = back,
            }
        }
        Vec::new()
    }

    /// The commands of the view at `at`, its [`Cmd::Close`] done: it is
    /// closed (with any view over it) and the one under it is shown.
    fn closing(&mut self, at: usize, cmds: Vec<Cmd>) -> Vec<Cmd> {
        let mut out = Vec::with_capacity(cmds.len());
        for cmd in cmds {
            match cmd {
                Cmd::Close if at < self.stack.len() => {
                    out.extend(self.truncate(at));
                    out.extend(self.shown());
                }
                Cmd::Close => {}
                cmd => out.push(cmd),
            }
        }
        out
    }
}

/// The one place the model changes. No I/O: effects come back as [`Cmd`]s.
pub fn update(shell: &mut Shell, msg: Msg) -> Vec<Cmd> {
    let cmds = match msg {
        Msg::Key(key) => on_key(shell, key),
        // The open palette takes the paste, as it takes the keys.
        Msg::Paste(text) if shell.help.is_none() => match &mut shell.palette {
            Some(palette) => {
                palette.on_paste(&text);
                Vec::new()
            }
            None => shell.deliver(Input::Paste(text)),
        },
        Msg::Paste(_) => Vec::new(),
        Msg::Resize(w, h) => {
            shell.size = (w, h);
            Vec::new()
        }
        Msg::Click { column, row } if shell.help.is_none() && shell.palette.is_none() => {
            shell.deliver(Input::Click { column, row })
        }
        Msg::Click { .. } => Vec::new(),
        Msg::Wheel { column, row, down } if shell.help.is_none() && shell.palette.is_none() => {
            shell.deliver(Input::Wheel { column, row, down })
        }
        Msg::Wheel { .. } => Vec::new(),
        // The animation tick; the campaign views do not animate.
        Msg::Tick if shell.top().is_none() => shell.create.update(CreateMsg::Tick, shell.now),
        Msg::Tick | Msg::Second => Vec::new(),
        Msg::Clock(now) => {
            shell.now = now;
            // Every view keeps the time, on show or not: a view shown again
            // is drawn at once, before the next clock.
            shell.create.update(CreateMsg::Clock(now), now)
        }
        // The create view says it: it is the one with a notice line.
        Msg::NotSuspended(why) => shell.create.update(
            CreateMsg::Notice(format!("Ctrl-Z does nothing here: {why}.")),
            shell.now,
        ),
        // The create view is always there: its replies always arrive.
        Msg::Create(msg) => shell.create.update(msg, shell.now),
        Msg::FocusGained => {
            shell.focused = true;
            shell.shown()
        }
        Msg::FocusLost => {
            shell.focused = false;
            Vec::new()
        }
        // The rest is a view's own (`Msg::<Name>`): the view it is
        // addressed to takes it.
        msg => {
            let alerts = shell.observe(&msg);
            let mut cmds = shell.reply(msg);
            cmds.extend(alerts);
            cmds
        }
    };
    let mut out = Vec::with_capacity(cmds.len());
    for cmd in cmds {
        match cmd {
            Cmd::Open(route) => out.extend(shell.open(route)),
            Cmd::OpenBatch(summary) => out.extend(shell.open_batch(*summary)),
            Cmd::OpenImport(target) => out.extend(shell.open_import(target)),
            // The create view's Esc: nothing is under it.
            Cmd::Close => {}
            cmd => out.push(cmd),
        }
    }
    out
}

fn on_key(shell: &mut Shell, key: KeyEvent) -> Vec<Cmd> {
    // The news lasts until the operator moves on.
    shell.alert = None;
    if let Some(palette) = &mut shell.palette {
        // Ctrl-C quits from the palette too; every other key is its own.
        if keymap::lookup(&key, &[Scope::Global]) == Some(Action::Quit) {
            shell.quit = true;
            shell.interrupted = true;
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
        Some(Action::Quit) => {
            shell.interrupted = true;
            act(shell, Action::Quit)
        }
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
        Action::Show(route) => return shell.open(route),
        Action::ResumeImport => return shell.resume_import(),
        Action::Pop => return shell.pop(),
        action => return shell.deliver(Input::Action(action)),
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::context::KnownBatch;
    use crate::tui::views::batches::list::ListMsg;
    use crate::tui::views::import::{ImportCmd, ImportMsg};
    use crossterm::event::{KeyCode, KeyModifiers};

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
        matches!(shell.top(), Some(View::BatchList(_)))
    }

    /// The height a view is opened with is the one it is drawn in: its
    /// first page is sized by it.
    #[test]
    fn a_view_is_opened_with_the_height_it_is_drawn_in() {
        for (w, h) in [(60, 20), (80, 24), (120, 40)] {
            let (mut shell, _) = Shell::new(AppContext::for_tests());
            assert_eq!(shell.body_height(), 0, "no size yet");
            update(&mut shell, Msg::Resize(w, h));
            let body = crate::tui::draw::body_area(ratatui::layout::Rect::new(0, 0, w, h));
            assert_eq!(shell.body_height(), body.height, "{w}x{h}");
        }
    }

    #[test]
    fn the_palette_finds_the_batch_list_and_esc_comes_back_to_the_form_as_it_was() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
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
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        typed(&mut shell, "Kept");
        ctrl(&mut shell, 'p');
        typed(&mut shell, "q");
        key(&mut shell, KeyCode::Esc);
        assert!(shell.palette.is_none() && !shell.quit && shell.top().is_none());
        assert_eq!(shell.create.form.name.value(), "Kept");
    }

    #[test]
    fn view_keys_in_a_text_field_switch_views_and_type_nothing() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        typed(&mut shell, "Q3");
        let cmds = ctrl(&mut shell, 'b');
        assert!(on_batches(&shell));
        assert!(
            matches!(cmds.as_slice(), [Cmd::FetchBatches { .. }]),
            "the list fetches; nothing typed, so no draft: {cmds:?}"
        );
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
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        update(
            &mut shell,
            Msg::Create(CreateMsg::PhonesLoaded {
                generation: 1,
                result: Ok(Vec::new()),
            }),
        );
        assert!(!shell.create.form.numbers.phones.is_loading());
        assert!(!shell.is_animating(), "nothing moves on the list");
        // No refresh timer while the first page is asked for: its answer
        // starts it, so the wait counts from the answer.
        assert!(shell.subscriptions().is_empty());
        page_loaded(&mut shell, 1);
        let names: Vec<_> = shell.subscriptions().iter().map(|s| s.name).collect();
        // And the clock: "updated 3 s ago" moves.
        assert_eq!(
            names,
            ["batches.refresh", "clock"],
            "the list polls, and only it"
        );
    }

    fn fetches(cmds: &[Cmd]) -> usize {
        cmds.iter()
            .filter(|c| matches!(c, Cmd::FetchBatches { .. }))
            .count()
    }

    fn page_loaded(shell: &mut Shell, generation: u64) -> Vec<Cmd> {
        let page = crate::api::BatchPage {
            batches: vec![BatchSummary {
                id: "64e5f12345abcdef98760000".into(),
                batch_name: "June renewals".into(),
                total_calls: Some(10),
                calls_picked: Some(0),
                calls_completed: Some(0),
                queue_status: "paused".into(),
                created_at: String::new(),
                updated_at: String::new(),
            }],
            ..Default::default()
        };
        update(
            shell,
            Msg::BatchList(ListMsg::PageLoaded {
                generation,
                result: Ok(page),
            }),
        )
    }

    fn page_with(shell: &mut Shell, generation: u64, status: &str, completed: u64) -> Vec<Cmd> {
        let page = crate::api::BatchPage {
            batches: vec![BatchSummary {
                id: "64e5f12345abcdef98760000".into(),
                batch_name: "June renewals".into(),
                total_calls: Some(10),
                calls_picked: Some(completed),
                calls_completed: Some(completed),
                queue_status: status.into(),
                created_at: String::new(),
                updated_at: String::new(),
            }],
            ..Default::default()
        };
        update(
            shell,
            Msg::BatchList(ListMsg::PageLoaded {
                generation,
                result: Ok(page),
            }),
        )
    }

    fn alerts(cmds: &[Cmd]) -> Vec<&str> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Alert(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_batch_that_completes_while_the_app_runs_is_news_once_and_not_at_first_sight() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        // Completed before the app looked: not news.
        assert!(alerts(&page_with(&mut shell, 1, "completed", 10)).is_empty());
        assert_eq!(shell.alert, None);

        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        assert!(alerts(&page_with(&mut shell, 1, "active", 4)).is_empty());
        let start = shell.now;
        update(&mut shell, Msg::Clock(start + chrono::Duration::seconds(5)));
        let cmds = page_with(&mut shell, 2, "completed", 10);
        assert_eq!(alerts(&cmds), ["“June renewals” completed."]);
        assert_eq!(shell.alert.as_deref(), Some("“June renewals” completed."));
        update(
            &mut shell,
            Msg::Clock(start + chrono::Duration::seconds(10)),
        );
        assert!(
            alerts(&page_with(&mut shell, 3, "completed", 10)).is_empty(),
            "once"
        );
        key(&mut shell, KeyCode::Down);
        assert_eq!(shell.alert, None, "a key moves on");
    }

    #[test]
    fn a_batch_stopped_or_stalled_while_the_app_runs_is_news() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_with(&mut shell, 1, "active", 4);
        let start = shell.now;
        update(
            &mut shell,
            Msg::Clock(start + chrono::Duration::minutes(11)),
        );
        let cmds = page_with(&mut shell, 2, "active", 4);
        assert_eq!(
            alerts(&cmds),
            ["“June renewals” is not moving: no progress for 11 min, no known reason."]
        );
        update(
            &mut shell,
            Msg::Clock(start + chrono::Duration::minutes(12)),
        );
        let cmds = page_with(&mut shell, 3, "stopped", 4);
        assert_eq!(alerts(&cmds), ["“June renewals” was stopped."]);
    }

    #[test]
    fn the_list_polls_only_on_screen_with_focus_and_refreshes_when_shown_again() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        assert_eq!(fetches(&ctrl(&mut shell, 'b')), 1, "opening fetches");
        page_loaded(&mut shell, 1);
        let polls = |shell: &Shell| {
            shell
                .subscriptions()
                .iter()
                .any(|s| s.name == "batches.refresh")
        };
        assert!(polls(&shell));

        update(&mut shell, Msg::FocusLost);
        assert!(!polls(&shell), "no focus, no polling");
        assert_eq!(
            fetches(&update(&mut shell, Msg::FocusGained)),
            1,
            "back: at once"
        );
        page_loaded(&mut shell, 2);
        assert!(polls(&shell));

        ctrl(&mut shell, 'n');
        assert!(!polls(&shell), "the form on screen: the list does not poll");
        assert_eq!(
            fetches(&update(&mut shell, Msg::FocusGained)),
            0,
            "not on screen"
        );
        // Ctrl-B brings the same list back, fetched again at once.
        assert_eq!(fetches(&ctrl(&mut shell, 'b')), 1);
        assert_eq!(shell.stack.len(), 1);
    }

    #[test]
    fn enter_opens_the_details_with_a_breadcrumb_and_esc_comes_back_to_the_list() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_loaded(&mut shell, 1);
        let cmds = key(&mut shell, KeyCode::Enter);
        assert_eq!(shell.breadcrumb(), ["Batches", "June renewals"]);
        assert!(
            matches!(cmds.as_slice(), [Cmd::FetchCalls { batch_id, .. }] if batch_id == "64e5f12345abcdef98760000"),
            "{cmds:?}"
        );
        // The calls are asked for: their answer starts the refresh timer.
        assert!(shell.subscriptions().is_empty());
        let cmds = key(&mut shell, KeyCode::Esc);
        assert_eq!(shell.breadcrumb(), ["Batches"]);
        assert_eq!(fetches(&cmds), 1, "the list is refreshed as it comes back");
    }

    /// Issue 19: a batch's status filter and order are kept while the app
    /// runs: opened again, its calls are asked for as the operator left
    /// them; another batch starts afresh.
    #[test]
    fn a_batchs_filter_and_order_are_kept_when_it_is_opened_again() {
        use crate::api::SortOrder;
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_loaded(&mut shell, 1);
        key(&mut shell, KeyCode::Enter);
        update(
            &mut shell,
            Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
        );
        let Some(View::BatchDetails(details)) = shell.stack.pop() else {
            panic!("the details are on show");
        };
        assert_eq!(details.query().sort_order, SortOrder::Asc);
        let mut kept = details.kept();
        kept.filter = Some("busy".into());
        let details = details.with_kept(kept);
        shell.stack.push(View::BatchDetails(details));
        key(&mut shell, KeyCode::Esc);
        let query_of = |cmds: &[Cmd]| match cmds {
            [Cmd::FetchCalls { query, .. }] => query.clone(),
            other => panic!("{other:?}"),
        };
        let query = query_of(&key(&mut shell, KeyCode::Enter));
        assert_eq!(query.filter.as_deref(), Some("busy"));
        assert_eq!(query.sort_order, SortOrder::Asc);
        key(&mut shell, KeyCode::Esc);
        let other = BatchSummary {
            id: "64e5f12345abcdef98760001".into(),
            batch_name: "July renewals".into(),
            ..BatchSummary::default()
        };
        let query = query_of(&shell.open_batch(other));
        assert_eq!(
            (query.filter, query.sort_order),
            (None, SortOrder::Desc),
            "another batch starts afresh"
        );
    }

    #[test]
    fn details_opened_over_the_form_go_back_to_it_with_esc() {
        // As `o` on the create result does: the details over the create
        // view, and Esc back there, not to a list never shown.
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        typed(&mut shell, "Kept");
        let summary = BatchSummary {
            id: "64e5f12345abcdef98760000".into(),
            batch_name: "June renewals".into(),
            total_calls: Some(0),
            calls_picked: Some(0),
            calls_completed: Some(0),
            queue_status: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
        };
        shell.open_batch(summary);
        assert_eq!(shell.breadcrumb(), ["New batch", "June renewals"]);
        assert_eq!(shell.stack.len(), 1, "no list is slipped under it");
        key(&mut shell, KeyCode::Esc);
        assert!(shell.top().is_none(), "back where the operator came from");
        assert_eq!(shell.create.form.name.value(), "Kept");
    }

    #[test]
    fn i_on_the_details_opens_the_import_into_that_batch() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_loaded(&mut shell, 1);
        key(&mut shell, KeyCode::Enter);
        let cmds = key(&mut shell, KeyCode::Char('i'));
        assert!(
            matches!(cmds.as_slice(), [Cmd::StartImport { batch_id, .. }] if batch_id == "64e5f12345abcdef98760000"),
            "{cmds:?}"
        );
        assert_eq!(shell.breadcrumb(), ["Import into “June renewals”"]);
        assert!(on_import(&shell).is_some());
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
            Some(View::Import(view)) => Some(view),
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
        let (mut shell, _) = Shell::new(AppContext::for_tests());
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
        let mut known = AppContext::for_tests();
        known.known_batches = vec![KnownBatch {
            name: "June renewals".into(),
            id: june().batch_id,
            time: "2025-06-02 14:00 UTC".into(),
            target: "sandbox".into(),
            timezone: Some("America/New_York".into()),
            schedule: None,
        }];
        let (mut shell, _) = Shell::new(known);
        shell.open_import(june());
        let region = on_import(&shell).unwrap().region();
        assert_eq!(region.map(|r| r.to_string()).as_deref(), Some("US"));

        let (mut shell, _) = Shell::new(AppContext::for_tests());
        shell.open_import(june());
        assert_eq!(
            on_import(&shell).unwrap().region(),
            None,
            "unknown: the operator chooses"
        );
    }
}
