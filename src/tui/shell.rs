//! The shell: what is global to the app (the target, the terminal's size,
//! the time, the help overlay, the command palette, quitting) and the
//! route, a stack of views. It resolves each key through the keymap,
//! keeps the actions that are its own and hands the rest, and every other
//! message, to the view it belongs to. See [`crate::tui::views`] for the
//! view pattern.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::context::AppContext;
use super::keymap::{self, Action, Input, Pick, Scope};
use super::msg::{Cmd, Msg, Route, Subscription};
use super::palette::{Palette, PaletteKey};
use super::views::batches::details::DetailsMsg;
use super::views::batches::details::{BatchDetailsView, CallsKept};
use super::views::batches::list::{BatchList, ListMsg};
use super::views::batches::{KnownSchedules, ViewContext};
use super::views::create::{self, CreateMsg, CreateView};
use super::views::import::{ImportTarget, ImportView};
use super::views::{Scroll, View, ViewModel};
use crate::api::{ApiError, BatchSummary};
use crate::campaign::progress::{Plan, Tracker, Transition};
use crate::connection::TargetLabel;
use crate::form::FieldId;
use crate::import::recovery;
use crate::store::home::Home;
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
    /// The key scopes of the screen it was opened on, most important
    /// first: their sections come first, then the keys of anywhere, then
    /// the rest.
    pub scopes: Vec<Scope>,
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
    /// What the shell says in the header until the next key: Esc on a
    /// home screen (nothing under it) says how to quit.
    pub note: Option<String>,
    /// The batches of the last list page read, whoever asked: the palette
    /// finds them by name and picks among them.
    seen: Vec<BatchSummary>,
}

/// What Esc on a home screen says: nothing is under it, so Esc does
/// nothing, and how to leave.
pub const NOTHING_UNDER: &str =
    "Nothing under this screen: Ctrl-C quits, Ctrl-P lists every command";

impl Shell {
    /// A new app on its home screen, and the commands to start it. The
    /// home is the batch list when the workspace is known to have
    /// batches (the journal records one made here, on this target) and
    /// the form has nothing to show (no draft, no `--from` file); else the
    /// form. Either way Esc never leaves a home screen (see
    /// [`Shell::pop`]), so a key meant for the list never lands in the
    /// form's text.
    pub fn new(context: AppContext) -> (Self, Vec<Cmd>) {
        let starts_on_list = starts_on_list(&context);
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
            clock: crate::domain::clock::LocalClock::named(&context.local_timezone),
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
            note: None,
            seen: Vec::new(),
        };
        let mut cmds = cmds;
        let mut shell = shell;
        if starts_on_list {
            cmds.extend(shell.open(Route::Batches));
        }
        (shell, cmds)
    }

    /// Where the app is now, kept at the end for the next start: the form,
    /// or the campaign views (any view over it).
    pub fn home_now(&self) -> Home {
        if self.stack.is_empty() {
            Home::Form
        } else {
            Home::Batches
        }
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
        let mut subs = match self.top() {
            _ if !self.focused => Vec::new(),
            Some(view) => view.subscriptions(),
            None => self.create.subscriptions(),
        };
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
    /// The create view is always shown on its form, where typed letters
    /// are text ([`CreateView::new_batch`]): never on a result, whose
    /// letters are commands.
    pub fn open(&mut self, route: Route) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if route == Route::Create {
            cmds.extend(self.create.new_batch());
        }
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

    /// The batches the palette offers: the open list's page, else the last
    /// page read.
    fn known_batches(&self) -> Vec<BatchSummary> {
        let list = self.stack.iter().find_map(|v| match v {
            View::BatchList(list) => Some(list),
            _ => None,
        });
        match list.map(BatchList::rows) {
            Some(rows) if !rows.is_empty() => rows.into_iter().cloned().collect(),
            _ => self.seen.clone(),
        }
    }

    /// The palette asks which batch `pick` is for: among those known, or
    /// those of a first page asked for now (unless an open list is
    /// reading its own, whose answer fills the picker as well).
    fn pick_batch(&mut self, pick: Pick) -> Vec<Cmd> {
        let batches = self.known_batches();
        let reading = batches.is_empty();
        self.palette = Some(Palette::picker(pick, &batches, reading));
        let list_open = self.stack.iter().any(|v| matches!(v, View::BatchList(_)));
        if reading && !list_open {
            return vec![Cmd::FetchBatches {
                generation: 0,
                query: crate::api::BatchQuery {
                    limit: 50,
                    ..Default::default()
                },
                after: std::time::Duration::ZERO,
            }];
        }
        Vec::new()
    }

    /// Does `pick` to `batch`, chosen in the palette: its details or its
    /// import opened (over the list, from the form); a start, stop,
    /// delete or export on the batch list, which asks first as its own
    /// keys do.
    pub fn run_on(&mut self, pick: Pick, batch: BatchSummary) -> Vec<Cmd> {
        match pick {
            Pick::Open => self.open_batch(batch),
            Pick::Import => self.open_import(ImportTarget {
                batch_id: batch.id,
                batch_name: batch.batch_name,
                timezone: None,
            }),
            Pick::Start | Pick::Stop | Pick::Delete | Pick::Export => {
                let mut cmds = self.open(Route::Batches);
                if let Some(View::BatchList(list)) = self.stack.last_mut() {
                    cmds.extend(list.act_on(pick.action(), batch));
                }
                cmds
            }
        }
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
        // From the create view's result (`i`, or the palette there), Esc
        // leads back to that result, where it was opened (see
        // `bottom_over_result`); from the form, to the list.
        if !self.on_result() {
            self.list_under();
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
        .with_clock(self.views.clock)
        .in_session(session);
        self.stack.push(View::Import(view));
        cmds.push(Cmd::StartImport {
            session,
            batch_id: target.batch_id,
        });
        cmds
    }

    /// Puts the batch list (not fetched until it is shown) under a batch's
    /// view opened from the create view, so that Esc leads to the list and
    /// not back into the form.
    fn list_under(&mut self) {
        if self.stack.is_empty()
            && let Some(list) = View::open(Route::Batches, &self.view_context(), self.body_height())
        {
            self.stack.push(list);
        }
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
        // Its batch is gone: resuming would meet the same 404. Set aside
        // (the journal kept, marked), as the notice offered.
        if last.gone.is_some() {
            return vec![Cmd::SetImportAside {
                batch_id: last.batch_id,
            }];
        }
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
        let made_here = || {
            context
                .known_batches
                .iter()
                .chain(&self.create.known_batches)
                .filter(|k| k.target == target)
        };
        ViewContext {
            schedules: KnownSchedules::new(
                made_here().filter_map(|k| Some((k.id.clone(), k.schedule.clone()?))),
                self.views.examples.iter().cloned(),
                context.dialer_ignores_window,
            )
            .with_retries(made_here().filter_map(|k| Some((k.id.clone(), k.retry?)))),
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
        // A start or stop the operator sent here (answered, or whose
        // answer leaves it open): the change it makes is not news.
        let own = match msg {
            Msg::BatchList(ListMsg::DialerChanged { id, action, result }) => {
                Some((id, *action, result))
            }
            Msg::BatchDetails {
                batch_id,
                msg: DetailsMsg::DialerChanged { action, result },
            } => Some((batch_id, *action, result)),
            _ => None,
        };
        if let Some((id, action, result)) = own {
            if result.as_ref().is_ok() || result.as_ref().is_err_and(ApiError::outcome_unknown) {
                self.progress.acted(id, action.optimistic_status());
            }
            return Vec::new();
        }
        let batches: Vec<&BatchSummary> = match msg {
            Msg::BatchList(ListMsg::PageLoaded {
                result: Ok(page), ..
            }) => {
                self.seen.clone_from(&page.batches);
                if let Some(palette) = &mut self.palette {
                    palette.batches_read(&page.batches);
                }
                page.batches.iter().collect()
            }
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

    /// A batch whose details answer 404 is gone: the list under its view
    /// (and the palette's batches) drop it at once.
    fn forget_gone(&mut self, msg: &Msg) {
        let Msg::BatchDetails {
            batch_id,
            msg: DetailsMsg::CallsLoaded { result: Err(e), .. },
        } = msg
        else {
            return;
        };
        if e.status() != Some(404) {
            return;
        }
        self.seen.retain(|b| &b.id != batch_id);
        for view in &mut self.stack {
            if let View::BatchList(list) = view {
                list.forget(batch_id);
            }
        }
    }

    /// What the app read of batches that the create view's result may be
    /// about: its batch's totals now (from the list's page or a batch's
    /// header, read anyway: no request of its own), or that it is gone
    /// (deleted here, or batch-details answers 404 for it).
    fn tell_result(&mut self, msg: &Msg) -> Vec<Cmd> {
        let news: Vec<CreateMsg> = match msg {
            Msg::BatchList(ListMsg::PageLoaded {
                result: Ok(page), ..
            }) => page
                .batches
                .iter()
                .cloned()
                .map(CreateMsg::BatchSeen)
                .collect(),
            Msg::BatchDetails {
                batch_id,
                msg:
                    DetailsMsg::TotalsLoaded {
                        result: Ok(found), ..
                    },
            } => found
                .iter()
                .filter(|b| &b.id == batch_id)
                .cloned()
                .map(CreateMsg::BatchSeen)
                .collect(),
            Msg::BatchList(ListMsg::Deleted { id, result: Ok(_) }) => vec![CreateMsg::BatchGone {
                batch_id: id.clone(),
                why: format!(
                    "deleted in this app at {}",
                    self.views.clock.time_zoned(self.now)
                ),
            }],
            Msg::BatchDetails {
                batch_id,
                msg: DetailsMsg::CallsLoaded { result: Err(e), .. },
            } if e.status() == Some(404) => vec![CreateMsg::BatchGone {
                batch_id: batch_id.clone(),
                why: format!(
                    "deleted: Weya answers 404 (not found) for its details, at {}",
                    self.views.clock.time_zoned(self.now)
                ),
            }],
            _ => return Vec::new(),
        };
        let now = self.now;
        let mut cmds = Vec::new();
        for news in news {
            if let CreateMsg::BatchGone { batch_id, why } = &news {
                // Its unfinished imports cannot be resumed: said so from
                // now on (Ctrl-G sets them aside), and at the next start.
                for unfinished in &mut self.create.context.unfinished_imports {
                    if &unfinished.batch_id == batch_id && unfinished.gone.is_none() {
                        unfinished.gone = Some(why.clone());
                    }
                }
                cmds.push(Cmd::MarkImportsGone {
                    batch_id: batch_id.clone(),
                    why: why.clone(),
                });
            }
            cmds.extend(self.create.update(news, now));
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
    /// Enter; from the create view (the result's `o`) over the batch list,
    /// where Esc leads, as the breadcrumb says (navigation is a stack
    /// whose bottom is a home screen, never the form).
    pub fn open_batch(&mut self, summary: BatchSummary) -> Vec<Cmd> {
        self.list_under();
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

    /// Closes the view on show, unless it is a home screen: the bottom of
    /// the stack (the batch list or the phones, opened from the form by
    /// Ctrl-B or the palette) stays, and says how to quit. Esc never
    /// leads back to the form: only Ctrl-N (or the palette's "New batch")
    /// does, so a list key after one Esc too many is never typed into it.
    pub fn pop(&mut self) -> Vec<Cmd> {
        if self.stack.len() <= 1 && !self.bottom_over_result() {
            self.note = Some(NOTHING_UNDER.to_owned());
            return Vec::new();
        }
        let len = self.stack.len().saturating_sub(1);
        let mut cmds = self.truncate(len);
        cmds.extend(self.shown());
        cmds
    }

    /// Whether the create view shows a batch's result (not the form):
    /// a view opened from there goes back to it.
    fn on_result(&self) -> bool {
        matches!(self.create.screen, create::Screen::Result(_))
    }

    /// Whether the bottom of the stack is an import opened over the create
    /// view's result: it is no home screen, and Esc from it shows that
    /// result again (a screen of keys, not the form's text fields).
    fn bottom_over_result(&self) -> bool {
        matches!(self.stack.first(), Some(View::Import(_))) && self.on_result()
    }

    /// A view just came (back) on screen: a live one refreshes at once,
    /// unless the terminal is not looking.
    fn shown(&mut self) -> Vec<Cmd> {
        let msg = match self.top() {
            Some(view) => view.shown(),
            None => ViewModel::shown(&self.create),
        };
        match msg {
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
        // A count of a batch whose view has closed meanwhile: kept for
        // when it opens again.
        if let Msg::BatchDetails {
            batch_id,
            msg: DetailsMsg::OutcomesCounted(result),
        } = msg
            && let Some(kept) = self.calls_kept.get_mut(&batch_id)
        {
            kept.outcomes.ended(result, now);
        }
        Vec::new()
    }

    /// The commands of the view at `at`, its [`Cmd::Close`] done: it is
    /// closed (with any view over it) and the one under it is shown.
    fn closing(&mut self, at: usize, cmds: Vec<Cmd>) -> Vec<Cmd> {
        let mut out = Vec::with_capacity(cmds.len());
        for cmd in cmds {
            match cmd {
                // A home screen is never closed by Esc (see `pop`).
                Cmd::Close if at == 0 && !self.bottom_over_result() => {
                    self.note = Some(NOTHING_UNDER.to_owned());
                }
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

/// Whether the app opens on the batch list: the account's batches can be
/// read, the form has nothing to show (a draft, a `--from` file, a notice
/// at start: the form's notice line is where it is said), and either the
/// journal records a batch made here on this target or, when it records
/// none, the last session ended on the campaign views.
fn starts_on_list(context: &AppContext) -> bool {
    let target = create::submit::target_name(&context.target);
    let has_batches = context.known_batches.iter().any(|k| k.target == target);
    context.can_list_batches
        && context.initial.is_none()
        && context.notice.is_none()
        && (has_batches || context.last_home == Some(Home::Batches))
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
        Msg::ImportSetAside { batch_id, result } => {
            shell.note = Some(match result {
                Ok(_) => {
                    let said = shell.create.context.unfinished_notice();
                    let unfinished = &mut shell.create.context.unfinished_imports;
                    let file = unfinished
                        .iter()
                        .find(|u| u.batch_id == batch_id)
                        .map(recovery::Unfinished::file_name)
                        .unwrap_or_default();
                    unfinished.retain(|u| u.batch_id != batch_id);
                    // The start-up line that offered it gives way to the
                    // one for the imports left (if any).
                    let next = shell.create.context.unfinished_notice();
                    if let (Some(said), Some(shown)) = (said, shell.create.notice.as_mut())
                        && shown.contains(&said)
                    {
                        *shown = shown
                            .replace(&said, next.as_deref().unwrap_or_default())
                            .trim()
                            .to_owned();
                        if shown.is_empty() {
                            shell.create.notice = None;
                        }
                    }
                    format!(
                        "Set aside: the import of {file} into a batch that no longer exists \
                         (its journal is kept, marked)"
                    )
                }
                Err(e) => format!("The import could not be set aside: {}", visible(&e)),
            });
            Vec::new()
        }
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
            let mut alerts = shell.observe(&msg);
            alerts.extend(shell.tell_result(&msg));
            shell.forget_gone(&msg);
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
    shell.note = None;
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
            PaletteKey::RunOn(pick, batch) => {
                shell.palette = None;
                shell.run_on(pick, *batch)
            }
        };
    }
    match keymap::lookup(&key, &shell.scopes()) {
        Some(Action::Quit) => {
            shell.interrupted = true;
            act(shell, Action::Quit)
        }
        Some(action) => act(shell, action),
        // Esc that nothing binds on the form: it is a home screen too.
        None if shell.help.is_none() && key.code == KeyCode::Esc && shell.top().is_none() => {
            shell.note = Some(NOTHING_UNDER.to_owned());
            Vec::new()
        }
        // `?` is the help on every screen but where text is typed (F1
        // always is).
        None if shell.help.is_none()
            && key.code == KeyCode::Char('?')
            && !keymap::types_text(&shell.scopes()) =>
        {
            act(shell, Action::Help)
        }
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
                scopes: shell.scopes(),
            });
        }
        Action::CloseHelp => shell.help = None,
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Home
        | Action::End
            if shell.help.is_some() =>
        {
            if let Some(help) = &mut shell.help {
                match action {
                    Action::Up => help.scroll.up(),
                    Action::Down => help.scroll.down(),
                    Action::PageUp => help.scroll.page_up(),
                    Action::PageDown => help.scroll.page_down(),
                    Action::Home => help.scroll.top(),
                    _ => help.scroll.bottom(),
                }
            }
        }
        Action::Palette => {
            shell.help = None;
            let scopes = shell.scopes();
            shell.palette = Some(Palette::new(&scopes, &shell.known_batches()));
        }
        Action::Pick(pick) => return shell.pick_batch(pick),
        Action::Show(route) => return shell.open(route),
        Action::ResumeImport => return shell.resume_import(),
        Action::LastResult => {
            let mut cmds = shell.truncate(0);
            shell.create.show_last_result();
            cmds.extend(shell.shown());
            return cmds;
        }
        Action::Pop => return shell.pop(),
        action => return shell.deliver(Input::Action(action)),
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::DialerState;
    use crate::tui::context::KnownBatch;
    use crate::tui::views::batches::list::ListMsg;
    use crate::tui::views::batches::msg::DialerAction;
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
    fn the_palette_finds_the_batch_list_and_ctrl_n_comes_back_to_the_form_as_it_was() {
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
        // Issue 20: Esc on the list, a home screen, stays there and says
        // how to quit; the next list key is the list's.
        key(&mut shell, KeyCode::Esc);
        assert!(on_batches(&shell), "Esc never leads back into the form");
        assert_eq!(shell.note.as_deref(), Some(NOTHING_UNDER));
        key(&mut shell, KeyCode::Char('x'));
        assert_eq!(shell.note, None, "said until the next key");
        assert_eq!(shell.create.form.name.value(), "June renewals");
        ctrl(&mut shell, 'n');
        assert!(shell.top().is_none(), "Ctrl-N: the form");
        assert_eq!(shell.breadcrumb(), ["New batch"]);
        assert_eq!(shell.create.form.focus, FieldId::Name);
        typed(&mut shell, "!");
        assert_eq!(shell.create.form.name.value(), "June renewals!");
    }

    #[test]
    fn esc_on_the_form_types_nothing_and_says_how_to_quit() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        typed(&mut shell, "Kept");
        assert!(key(&mut shell, KeyCode::Esc).is_empty());
        assert_eq!(shell.note.as_deref(), Some(NOTHING_UNDER));
        assert!(!shell.quit);
        assert_eq!(shell.create.form.name.value(), "Kept");
    }

    fn known_here() -> AppContext {
        let mut context = AppContext::for_tests();
        context.can_list_batches = true;
        context.known_batches = vec![KnownBatch {
            name: "June renewals".into(),
            id: june().batch_id,
            time: "2025-06-02T14:00:00Z".into(),
            target: "sandbox".into(),
            timezone: None,
            schedule: None,
            retry: None,
        }];
        context
    }

    /// Issue 20: the app opens on the batch list when the workspace is
    /// known to have batches (the journal records one made here), on the
    /// form otherwise, or when the form has the operator's values.
    #[test]
    fn the_app_opens_on_the_list_when_the_journal_knows_a_batch_made_here() {
        let (shell, cmds) = Shell::new(known_here());
        assert!(on_batches(&shell));
        assert_eq!(shell.stack.len(), 1);
        assert_eq!(fetches(&cmds), 1, "its first page is asked for at once");
        assert!(
            cmds.iter().any(|c| matches!(c, Cmd::FetchPhones { .. })),
            "the form's phones load all the same: {cmds:?}"
        );

        let (shell, _) = Shell::new(AppContext::for_tests());
        assert!(shell.top().is_none(), "nothing known: the form");
        assert_eq!(shell.home_now(), Home::Form);

        // None made here: where the last session ended.
        let mut last = AppContext::for_tests();
        last.can_list_batches = true;
        last.last_home = Some(Home::Batches);
        let (shell, _) = Shell::new(last.clone());
        assert!(on_batches(&shell), "ended on the list: the list");
        assert_eq!(shell.home_now(), Home::Batches);
        last.last_home = Some(Home::Form);
        let (shell, _) = Shell::new(last);
        assert!(shell.top().is_none(), "ended on the form: the form");

        let mut elsewhere = known_here();
        elsewhere.known_batches[0].target = "api.weya.ai".into();
        let (shell, _) = Shell::new(elsewhere);
        assert!(shell.top().is_none(), "made on another target: the form");

        let mut unreadable = known_here();
        unreadable.can_list_batches = false;
        let (shell, _) = Shell::new(unreadable);
        assert!(shell.top().is_none(), "no list to read: the form");

        let mut noticed = known_here();
        noticed.notice = Some("Phone book not used: …".into());
        let (shell, _) = Shell::new(noticed);
        assert!(
            shell.top().is_none(),
            "a notice at start: the form, which says it"
        );

        let mut from_file = known_here();
        from_file.initial = Some(crate::tui::context::Initial::File(Default::default()));
        let (shell, _) = Shell::new(from_file);
        assert!(shell.top().is_none(), "--from: the form it fills");
    }

    #[test]
    fn esc_on_the_home_list_and_under_a_batch_never_reaches_the_form() {
        let (mut shell, _) = Shell::new(known_here());
        page_loaded(&mut shell, 1);
        key(&mut shell, KeyCode::Enter);
        assert_eq!(shell.breadcrumb(), ["Batches", "June renewals"]);
        for _ in 0..3 {
            key(&mut shell, KeyCode::Esc);
        }
        assert!(on_batches(&shell) && shell.stack.len() == 1);
        assert_eq!(shell.note.as_deref(), Some(NOTHING_UNDER));
        let cmds = key(&mut shell, KeyCode::Char('x'));
        assert!(cmds.is_empty(), "x asks first: {cmds:?}");
        let Some(View::BatchList(list)) = shell.top() else {
            panic!("the list");
        };
        assert!(
            list.dialog().is_some(),
            "x is the list's stop, asking first"
        );
        assert_eq!(shell.create.form.name.value(), "");
    }

    /// Issue 20: `?` is the help on every screen, but a character where
    /// text is typed (F1 is the help there).
    #[test]
    fn question_mark_opens_the_help_everywhere_but_in_typed_text() {
        let (mut shell, _) = Shell::new(known_here());
        page_loaded(&mut shell, 1);
        key(&mut shell, KeyCode::Char('?'));
        assert!(shell.help.is_some(), "on the list");
        key(&mut shell, KeyCode::Esc);
        key(&mut shell, KeyCode::Enter);
        key(&mut shell, KeyCode::Char('?'));
        assert!(shell.help.is_some(), "on a batch's calls");
        key(&mut shell, KeyCode::Esc);
        key(&mut shell, KeyCode::Char('/'));
        key(&mut shell, KeyCode::Char('?'));
        assert!(shell.help.is_none(), "typed into the search");
        update(&mut shell, Msg::Key(KeyEvent::from(KeyCode::F(1))));
        assert!(shell.help.is_some(), "F1 always");
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        key(&mut shell, KeyCode::Char('?'));
        assert!(shell.help.is_none());
        assert_eq!(
            shell.create.form.name.value(),
            "?",
            "the batch name takes it"
        );
    }

    /// Issue 20: an action on a batch from the form: the palette asks
    /// which (reading the first page when none is known), finds it by
    /// name and does it where its keys do it, asking first.
    #[test]
    fn the_palette_stops_a_batch_picked_by_name_from_the_form() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        typed(&mut shell, "Kept");
        ctrl(&mut shell, 'p');
        typed(&mut shell, "stop");
        let cmds = key(&mut shell, KeyCode::Enter);
        assert_eq!(fetches(&cmds), 1, "nothing known: a first page is read");
        assert_eq!(shell.palette.as_ref().unwrap().picking(), Some(Pick::Stop));
        page_loaded(&mut shell, 0);
        typed(&mut shell, "june");
        assert_eq!(
            shell.palette.as_ref().unwrap().shown().next().unwrap().0,
            "June renewals"
        );
        key(&mut shell, KeyCode::Enter);
        assert!(shell.palette.is_none());
        let Some(View::BatchList(list)) = shell.top() else {
            panic!("on the list");
        };
        assert!(
            matches!(list.dialog(), Some(crate::tui::views::batches::dialogs::Dialog::Confirm { name, .. }) if name == "June renewals"),
            "it asks first: {:?}",
            list.dialog()
        );
        assert_eq!(shell.create.form.name.value(), "Kept");

        // Known now: "open june" finds it by name, no picker needed.
        ctrl(&mut shell, 'n');
        ctrl(&mut shell, 'p');
        typed(&mut shell, "open june");
        key(&mut shell, KeyCode::Enter);
        assert_eq!(shell.breadcrumb(), ["Batches", "June renewals"]);
    }

    /// The random operator of issue 20: whatever the keys, from a
    /// campaign view only Ctrl-N leads to the form, and no key pressed
    /// while a campaign view is on show changes the form's values (a list
    /// key after any number of Esc presses is never typed into it).
    mod any_keys {
        use super::*;
        use crate::store::draft::Draft;
        use proptest::prelude::*;

        fn press() -> impl Strategy<Value = KeyEvent> {
            let plain = prop::sample::select(vec![
                KeyCode::Esc,
                KeyCode::Esc,
                KeyCode::Esc,
                KeyCode::Enter,
                KeyCode::Tab,
                KeyCode::Down,
                KeyCode::Char('x'),
                KeyCode::Char('s'),
                KeyCode::Char('D'),
                KeyCode::Char('e'),
                KeyCode::Char('i'),
                KeyCode::Char('n'),
                KeyCode::Char('y'),
                KeyCode::Char('/'),
                KeyCode::Char('?'),
                KeyCode::Char('J'),
            ])
            .prop_map(|code| KeyEvent::new(code, KeyModifiers::NONE));
            let chords = prop::sample::select(vec!['b', 'n', 'p'])
                .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
            prop_oneof![6 => plain, 1 => chords]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn no_key_on_a_campaign_view_types_into_the_form(
                home_list in any::<bool>(),
                keys in prop::collection::vec(press(), 1..60),
            ) {
                let context = if home_list { known_here() } else { AppContext::for_tests() };
                let (mut shell, _) = Shell::new(context);
                update(&mut shell, Msg::Resize(80, 24));
                let mut generation = 0;
                for key in keys {
                    let campaign = shell.top().is_some();
                    let before = Draft::of(&shell.create.form);
                    let palette = shell.palette.is_some();
                    let cmds = update(&mut shell, Msg::Key(key));
                    // Each fetch of the list is answered with one batch.
                    if cmds.iter().any(|c| matches!(c, Cmd::FetchBatches { .. })) {
                        generation += 1;
                        page_loaded(&mut shell, generation);
                    }
                    let chose_form = key.code == KeyCode::Char('n')
                        && key.modifiers == KeyModifiers::CONTROL;
                    if campaign && !chose_form && !palette {
                        prop_assert!(
                            shell.top().is_some(),
                            "{key:?} led from a campaign view to the form"
                        );
                        prop_assert_eq!(&Draft::of(&shell.create.form), &before);
                    }
                }
            }
        }
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

    /// A batch deleted elsewhere while its calls are on show: its details
    /// answer 404, and the list under it drops its row at once (it does
    /// not wait for its next refresh to stop offering it).
    #[test]
    fn a_batch_whose_details_answer_404_leaves_the_list_under_it() {
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_loaded(&mut shell, 1);
        let id = "64e5f12345abcdef98760000";
        let cmds = key(&mut shell, KeyCode::Enter);
        let generation = cmds
            .iter()
            .find_map(|c| match c {
                Cmd::FetchCalls { generation, .. } => Some(*generation),
                _ => None,
            })
            .expect("opening the batch fetches its calls");
        update(
            &mut shell,
            Msg::BatchDetails {
                batch_id: id.into(),
                msg: DetailsMsg::CallsLoaded {
                    generation,
                    result: Err(crate::api::ApiError::Status {
                        status: 404,
                        message: None,
                        request_id: None,
                        excerpt: None,
                        retry_after: None,
                    }),
                },
            },
        );
        match shell.top() {
            Some(View::BatchDetails(d)) => assert!(d.gone().is_some()),
            _ => panic!("the batch's view stays, saying it is gone"),
        }
        key(&mut shell, KeyCode::Esc);
        match shell.top() {
            Some(View::BatchList(list)) => assert!(
                list.rows().iter().all(|b| b.id != id),
                "the list drops the gone batch"
            ),
            _ => panic!("Esc goes back to the list"),
        }
        assert!(shell.known_batches().iter().all(|b| b.id != id));
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

    /// QA: the operator's own stop raised "was stopped" and the bell. A
    /// stop sent here (from the list or a batch's view, answered or in
    /// doubt) is not news; a stop made elsewhere afterwards still is.
    #[test]
    fn a_stop_the_operator_made_here_is_not_news_and_one_made_elsewhere_is() {
        let id = "64e5f12345abcdef98760000";
        let stopped = |action| DialerState {
            batch_id: id.into(),
            status: match action {
                DialerAction::Start => "started".into(),
                DialerAction::Stop => "stopped".into(),
            },
        };
        let by_list = |action| {
            Msg::BatchList(ListMsg::DialerChanged {
                id: id.into(),
                action,
                result: Ok(stopped(action)),
            })
        };
        let by_details = |action| Msg::BatchDetails {
            batch_id: id.into(),
            msg: DetailsMsg::DialerChanged {
                action,
                result: Ok(stopped(action)),
            },
        };
        let in_doubt = Msg::BatchList(ListMsg::DialerChanged {
            id: id.into(),
            action: DialerAction::Stop,
            result: Err(ApiError::Network {
                kind: crate::api::NetworkFailure::Dropped,
                host: "x".into(),
            }),
        });
        for own in [
            by_list(DialerAction::Stop),
            by_details(DialerAction::Stop),
            in_doubt,
        ] {
            let (mut shell, _) = Shell::new(AppContext::for_tests());
            ctrl(&mut shell, 'b');
            page_with(&mut shell, 1, "active", 4);
            let start = shell.now;
            let at = |m| Msg::Clock(start + chrono::Duration::seconds(m));
            update(&mut shell, own);
            update(&mut shell, at(5));
            let cmds = page_with(&mut shell, 2, "stopped", 4);
            assert!(alerts(&cmds).is_empty(), "{:?}", alerts(&cmds));
            assert_eq!(shell.alert, None);

            // Started here again, then stopped elsewhere: news.
            update(&mut shell, by_list(DialerAction::Start));
            update(&mut shell, at(10));
            assert!(alerts(&page_with(&mut shell, 3, "active", 5)).is_empty());
            update(&mut shell, at(15));
            let cmds = page_with(&mut shell, 4, "stopped", 6);
            assert_eq!(alerts(&cmds), ["“June renewals” was stopped."]);
        }

        // A stop Weya refused leaves nothing of the operator's to expect.
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_with(&mut shell, 1, "active", 4);
        let start = shell.now;
        update(
            &mut shell,
            Msg::BatchList(ListMsg::DialerChanged {
                id: id.into(),
                action: DialerAction::Stop,
                result: Err(ApiError::Status {
                    status: 400,
                    message: None,
                    request_id: None,
                    excerpt: None,
                    retry_after: None,
                }),
            }),
        );
        update(&mut shell, Msg::Clock(start + chrono::Duration::seconds(5)));
        let cmds = page_with(&mut shell, 2, "stopped", 4);
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

    /// Issue 19: the last count of a batch's calls outlives its view:
    /// opened again, the batch shows it at once (and counts again only
    /// when due); a count that ends after the view closed is kept too.
    #[test]
    fn a_batchs_count_is_kept_when_it_is_closed_and_shown_when_opened_again() {
        use crate::campaign::Walked;
        use crate::campaign::outcomes::Fold;
        const ID: &str = "64e5f12345abcdef98760000";
        let (mut shell, _) = Shell::new(AppContext::for_tests());
        ctrl(&mut shell, 'b');
        page_loaded(&mut shell, 1);
        // The calls' first page, as batch-details answers it: the count
        // of every page is asked for (one walk).
        let open = |shell: &mut Shell| -> Vec<Cmd> {
            let cmds = key(shell, KeyCode::Enter);
            let [Cmd::FetchCalls { generation, .. }] = cmds.as_slice() else {
                panic!("{cmds:?}");
            };
            let details = crate::api::BatchDetails {
                batch_id: ID.into(),
                batch_name: "June renewals".into(),
                batch_status: "paused".into(),
                total: 0,
                ..crate::api::BatchDetails::default()
            };
            update(
                shell,
                Msg::BatchDetails {
                    batch_id: ID.into(),
                    msg: DetailsMsg::CallsLoaded {
                        generation: *generation,
                        result: Ok(details),
                    },
                },
            )
        };
        let counts = |cmds: &[Cmd]| {
            cmds.iter()
                .filter(|c| matches!(c, Cmd::CountOutcomes { .. }))
                .count()
        };
        let counted = |shell: &Shell| match shell.top() {
            Some(View::BatchDetails(d)) => d.outcomes().counted.clone(),
            _ => panic!("the details are on show"),
        };
        let walked = Walked {
            batch_status: "paused".into(),
            ..Walked::default()
        };
        let reply = |at| Msg::BatchDetails {
            batch_id: ID.into(),
            msg: DetailsMsg::OutcomesCounted(Ok(Box::new(
                Fold::new(None).finish(walked.clone(), at),
            ))),
        };
        assert_eq!(counts(&open(&mut shell)), 1);
        // The view closes while it counts; the count ends meanwhile.
        key(&mut shell, KeyCode::Esc);
        let at = shell.now;
        update(&mut shell, reply(at));
        // Opened again: the count is on show at once, not asked again
        // (a paused batch whose calls did not change).
        assert_eq!(counts(&open(&mut shell)), 0);
        assert_eq!(counted(&shell).map(|c| c.at), Some(at));
        // Closed and opened again: still there.
        key(&mut shell, KeyCode::Esc);
        assert_eq!(counts(&open(&mut shell)), 0);
        assert_eq!(counted(&shell).map(|c| c.at), Some(at));
        // Another batch has none of it.
        key(&mut shell, KeyCode::Esc);
        shell.open_batch(BatchSummary {
            id: "64e5f12345abcdef98760001".into(),
            batch_name: "July renewals".into(),
            ..BatchSummary::default()
        });
        assert_eq!(counted(&shell), None);
    }

    #[test]
    fn details_opened_from_the_form_have_the_list_under_them() {
        // As `o` on the create result does: the details over the batch
        // list (fetched once shown), so Esc leads there and never back
        // into the form; Ctrl-N shows the form as it was left.
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
        let cmds = shell.open_batch(summary);
        assert_eq!(fetches(&cmds), 0, "the list under it is not fetched yet");
        assert_eq!(shell.breadcrumb(), ["Batches", "June renewals"]);
        assert_eq!(shell.stack.len(), 2);
        assert_eq!(fetches(&key(&mut shell, KeyCode::Esc)), 1);
        assert!(on_batches(&shell), "back on the list, fetched as shown");
        key(&mut shell, KeyCode::Esc);
        assert!(on_batches(&shell));
        ctrl(&mut shell, 'n');
        assert!(shell.top().is_none());
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

        // Opened from the form, it has the batch list under it: Ctrl-B
        // brings the list back and closes it (its journal keeps where it
        // stands), as Ctrl-N does.
        assert_eq!(shell.stack.len(), 2);
        assert_eq!(closed(&ctrl(&mut shell, 'b')), [1]);
        assert!(shell.stack.len() == 1 && on_batches(&shell));
        ctrl(&mut shell, 'n');
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
        assert!(
            on_batches(&shell),
            "back on the list under it, not the form"
        );
    }

    #[test]
    fn a_batch_made_here_presets_the_region_from_its_timezone() {
        let mut known = AppContext::for_tests();
        known.known_batches = vec![KnownBatch {
            name: "June renewals".into(),
            id: june().batch_id,
            time: "2025-06-02T14:00:00Z".into(),
            target: "sandbox".into(),
            timezone: Some("America/New_York".into()),
            schedule: None,
            retry: None,
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
