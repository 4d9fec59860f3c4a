//! The views of the app, and the one contract every view keeps.
//!
//! The shell ([`crate::tui::shell`]) owns what is global and a stack of
//! views; the view on top is on screen. The create view is the root of
//! the stack and lives as long as the app (it holds the form and its
//! draft); views opened over it are [`View`]s, pushed and popped.
//!
//! # The contract
//!
//! Every view, the create view too, is a model that implements
//! [`ViewModel`] and a drawing, and nothing else:
//!
//! - `update(&mut self, msg, now) -> Vec<Cmd>`: pure (no I/O, no drawing,
//!   no clock). Its work for the outside world, and for the shell
//!   (`Cmd::Open`, `Cmd::OpenBatch`, `Cmd::OpenImport`, `Cmd::Close`), is a
//!   [`Cmd`]: the shell translates nothing.
//! - `scopes` (its keys now), `breadcrumb` (given the one under it),
//!   `subscriptions` (what it polls while on screen: nothing polls off
//!   screen), `is_animating` (the loop ticks only then), `wants_mouse`,
//!   `shown` (the message it is sent when it comes back on screen, to
//!   refresh) and `closed` (what it leaves to do when it goes).
//! - Its message is `<Name>Msg`, with one variant `Input(Input)` for the
//!   operator's input ([`Input`], declared
//!   once: an action, a typed key, a paste, a click, the wheel) and the
//!   replies of its commands.
//! - Its drawing, in `ui.rs` (or `ui/`), is `impl DrawView for
//!   <Name>View` ([`crate::tui::widgets::DrawView`]: `fn draw(&self,
//!   theme, frame, area, now)`), reading the model only. What
//!   `update` needs of the layout (scroll limits, where a click lands) the
//!   drawing records in the model through a `Cell` ([`Scroll`], the create
//!   view's `FieldAreas`), so the model never imports the drawing or
//!   [`crate::tui::widgets`]; `tests::the_model_never_imports_drawing`
//!   holds that.
//!
//! # Adding a view: the recipe
//!
//! The phones view ([`phones`]) is the example to copy. A new folder,
//! `views/<name>/`:
//!
//! 1. `msg.rs`, a leaf: `pub enum <Name>Msg { Input(Input), ... }` and
//!    `impl From<Input> for <Name>Msg`. It imports no model, no shell, no
//!    effects and not [`crate::tui::msg`] (which names it).
//! 2. `mod.rs`: the state, `impl ViewModel for <Name>View`. A job's answer
//!    comes back through a [`Reply`](crate::tui::msg::Reply) the view
//!    gives with the command (`Reply::new("<name>.job", |answer|
//!    Msg::<Name>(...))`): the effects need no change to serve an existing
//!    command to a new view.
//! 3. `ui.rs`: `impl DrawView for <Name>View` (the trait is
//!    [`crate::tui::widgets::DrawView`]). `tests.rs`: an update test and the
//!    screens at 120x40 and 80x24 (insta, `TestBackend`).
//!
//! Then three shared files:
//!
//! - here: `pub mod <name>;`, a variant of [`View`], its arm in `each!`,
//!   in [`View::open`] and [`View::is`] for its route, and in
//!   [`View::receive`] for its messages;
//! - `msg.rs` of the app ([`crate::tui::msg`]): `Msg::<Name>(<Name>Msg)`;
//! - [`crate::tui::keymap`]: a [`Route`] variant, a [`Scope`] (with its
//!   title) and the view's rows of [`BINDINGS`](crate::tui::keymap::BINDINGS),
//!   with one `Scope::Global` row `Action::Show(Route::<Name>)` that puts it
//!   in the palette (keys `&[]`: the palette only). Then `cargo test
//!   readme` says to regenerate `docs/keys.md`.
//!
//! The drawing is not touched either: it draws the view on top through
//! `each!` and [`DrawView`](crate::tui::widgets::DrawView).
//!
//! The shell is not touched: it resolves a key to an
//! [`Action`](crate::tui::keymap::Action), keeps its own (quit, help, the
//! palette, `Action::Show`, Esc back when the view does not bind Esc) and
//! hands the view the rest as `Input`; every `Msg` it does not know is a
//! view's, handed to the view it is addressed to. A job that should not
//! outlive a newer one is keyed by the effects (latest wins).
//!
//! # No import circles
//!
//! The words the shell, the views and the effects share are leaves that
//! import none of them: [`crate::tui::msg`] (`Msg`, `Cmd`, `Subscription`,
//! `Reply`), [`crate::tui::keymap`] (`Input`, `Route`, `Action`, `Scope`),
//! [`crate::tui::context`] (what the app starts with) and each view's
//! `msg.rs`. A view's model imports those, never the shell or the
//! effects; the effects import them, never the shell; only the shell
//! imports everything. `tests::the_vocabulary_imports_no_behaviour` holds
//! that.

pub mod batches;
pub mod create;
pub mod import;
pub mod phones;

use std::cell::Cell;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::tui::keymap::{Input, Route, Scope};
use crate::tui::msg::{Cmd, Msg, Subscription};
use batches::ViewContext;
use batches::details::BatchDetailsView;
use batches::list::BatchList;
use import::ImportView;
use phones::PhonesView;

/// The model half of a view: the one contract every view keeps (the
/// create view too), and all the shell knows of a view.
pub trait ViewModel {
    /// Everything that can happen to the view: the operator's [`Input`]
    /// (`<Name>Msg::Input`) and the replies of its commands.
    type Msg: From<Input>;

    /// The one place the view changes: pure (no I/O, no drawing, no
    /// clock: the time is handed in), returning the work for the effects
    /// and the shell ([`Cmd::Open`], [`Cmd::Close`], ...).
    fn update(&mut self, msg: Self::Msg, now: DateTime<Utc>) -> Vec<Cmd>;

    /// The key scopes of the view that apply now, most important first
    /// (the shell puts its own around them).
    fn scopes(&self) -> Vec<Scope>;

    /// Where the operator is, for the header, given the breadcrumb of the
    /// view under this one (most views ignore it; a batch's details add
    /// to it, so they say where Esc leads).
    fn breadcrumb(&self, under: Vec<String>) -> Vec<String>;

    /// What the view polls while it is on screen (and the terminal has
    /// focus): "refresh every 5 s", the clock of a time that moves.
    fn subscriptions(&self) -> Vec<Subscription> {
        Vec::new()
    }

    /// Whether something on it moves (the loop ticks only then).
    fn is_animating(&self) -> bool {
        false
    }

    /// Whether it takes the mouse (clicks, the wheel); else the terminal
    /// keeps its own selection.
    fn wants_mouse(&self) -> bool {
        true
    }

    /// What it is sent when it comes (back) on screen, so it is never
    /// shown stale.
    fn shown(&self) -> Option<Msg> {
        None
    }

    /// The work to do when it leaves the stack, however it leaves.
    fn closed(&self) -> Vec<Cmd> {
        Vec::new()
    }
}

/// The beat that redraws a time that moves on screen ("updated 3 s ago").
pub fn clock() -> Subscription {
    Subscription {
        name: "clock",
        every: Duration::from_secs(1),
        msg: Msg::Second,
    }
}

/// A view opened over the create view.
// A view is made once and lives in the stack until closed: boxing it would
// only add an indirection to every key.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum View {
    /// The account's batches (Ctrl-B).
    BatchList(BatchList),
    /// One batch and its calls.
    BatchDetails(BatchDetailsView),
    /// Contacts into one batch.
    Import(ImportView),
    /// The workspace's numbers and the phone book.
    Phones(PhonesView),
}

/// `$body` with `$v` bound to the view's model, whichever it is.
macro_rules! each {
    ($view:expr, $v:ident => $body:expr) => {
        match $view {
            $crate::tui::views::View::BatchList($v) => $body,
            $crate::tui::views::View::BatchDetails($v) => $body,
            $crate::tui::views::View::Import($v) => $body,
            $crate::tui::views::View::Phones($v) => $body,
        }
    };
}
pub(crate) use each;

impl View {
    /// The view a route opens anew, to be drawn `height` rows high (0:
    /// not known yet).
    pub fn open(route: Route, context: &ViewContext, height: u16) -> Option<Self> {
        match route {
            Route::Create => None,
            Route::Batches => Some(Self::BatchList(
                BatchList::new(context.clone()).in_height(height),
            )),
            Route::Phones => Some(Self::Phones(PhonesView::new())),
        }
    }

    /// Whether this view is the one `route` shows.
    pub fn is(&self, route: Route) -> bool {
        match self {
            Self::BatchList(_) => route == Route::Batches,
            Self::Phones(_) => route == Route::Phones,
            // Reached from a batch, not by a route of its own.
            Self::BatchDetails(_) | Self::Import(_) => false,
        }
    }

    /// Hands `msg` to this view if it is addressed to it; else gives it
    /// back.
    // Given back whole, as `Msg` is passed everywhere (see its note on
    // size): boxing it here would allocate for every reply.
    #[allow(clippy::result_large_err)]
    pub fn receive(&mut self, msg: Msg, now: DateTime<Utc>) -> Result<Vec<Cmd>, Msg> {
        match (self, msg) {
            (Self::BatchList(view), Msg::BatchList(msg)) => Ok(view.update(msg, now)),
            (Self::BatchDetails(view), Msg::BatchDetails { batch_id, msg })
                if view.batch_id() == batch_id =>
            {
                Ok(view.update(msg, now))
            }
            (Self::Import(view), Msg::Import { session, msg }) if view.session() == session => {
                Ok(ViewModel::update(view, msg, now))
            }
            (Self::Phones(view), Msg::Phones(msg)) => Ok(view.update(msg, now)),
            (_, msg) => Err(msg),
        }
    }

    /// Hands the operator's input to this view.
    pub fn input(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Cmd> {
        each!(self, v => ViewModel::update(v, input.into(), now))
    }

    pub fn breadcrumb(&self, under: Vec<String>) -> Vec<String> {
        each!(self, v => ViewModel::breadcrumb(v, under))
    }

    pub fn scopes(&self) -> Vec<Scope> {
        each!(self, v => ViewModel::scopes(v))
    }

    pub fn is_animating(&self) -> bool {
        each!(self, v => ViewModel::is_animating(v))
    }

    pub fn wants_mouse(&self) -> bool {
        each!(self, v => ViewModel::wants_mouse(v))
    }

    pub fn subscriptions(&self) -> Vec<Subscription> {
        each!(self, v => ViewModel::subscriptions(v))
    }

    pub fn shown(&self) -> Option<Msg> {
        each!(self, v => ViewModel::shown(v))
    }

    pub fn closed(&self) -> Vec<Cmd> {
        each!(self, v => ViewModel::closed(v))
    }
}

/// A scroll position and the most it may be, which the drawing records
/// (it alone knows how tall the content is on this screen). Before the
/// first drawing nothing scrolls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: u16,
    max: Cell<u16>,
    /// The lines on show at once, as the last drawing had them (a page).
    page: Cell<u16>,
}

impl Scroll {
    /// The first line on show, within what the last drawing allowed.
    pub fn offset(&self) -> u16 {
        self.offset.min(self.max.get())
    }

    pub fn up(&mut self) {
        self.offset = self.offset().saturating_sub(1);
    }

    pub fn down(&mut self) {
        self.offset = (self.offset + 1).min(self.max.get());
    }

    /// A page up: the line that was at the top ends up at the bottom
    /// (one line stays on show, to read on from).
    pub fn page_up(&mut self) {
        let step = self.page.get().saturating_sub(1).max(1);
        self.offset = self.offset().saturating_sub(step);
    }

    /// A page down: the line that was at the bottom ends up at the top.
    pub fn page_down(&mut self) {
        let step = self.page.get().saturating_sub(1).max(1);
        self.offset = self.offset().saturating_add(step).min(self.max.get());
    }

    /// The first line.
    pub fn top(&mut self) {
        self.offset = 0;
    }

    /// The last page.
    pub fn bottom(&mut self) {
        self.offset = self.max.get();
    }

    /// Called by the drawing: how far the content can scroll now.
    pub fn record_max(&self, max: u16) {
        self.max.set(max);
    }

    /// Called by the drawing: how many lines are on show at once.
    pub fn record_page(&self, lines: u16) {
        self.page.set(lines);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn tui() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui")
    }

    /// The views' models: every `.rs` file under `views/` but the drawing
    /// (`ui`, `ui.rs`) and the tests.
    fn view_models() -> Vec<PathBuf> {
        let mut model = Vec::new();
        let mut dirs = vec![tui().join("views")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if name == "ui" || name == "ui.rs" {
                    continue;
                }
                if path.is_dir() {
                    dirs.push(path);
                } else if name.ends_with(".rs") && name != "tests.rs" {
                    model.push(path);
                }
            }
        }
        model
    }

    /// The lines of a file's code: its tests may draw (to see what the
    /// operator sees) and doc comments may name anything; code may not.
    fn code_lines(path: &Path) -> Vec<String> {
        without_tests(&std::fs::read_to_string(path).unwrap())
    }

    /// `source` without its comment lines and without each item gated by
    /// `#[cfg(test)]` (a `mod tests;` line, or a braced block to its
    /// closing brace); the code after such an item is kept and checked.
    fn without_tests(source: &str) -> Vec<String> {
        let mut code = Vec::new();
        let mut lines = source.lines();
        while let Some(line) = lines.next() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if !trimmed.starts_with("#[cfg(test)]") {
                code.push(line.to_owned());
                continue;
            }
            // Skip the gated item: further attributes, then one line ending
            // in `;`, or a block counted brace by brace.
            let mut depth = 0i32;
            let mut opened = false;
            for item in lines.by_ref() {
                let t = item.trim();
                if !opened && (t.starts_with("#[") || t.is_empty()) {
                    continue;
                }
                depth += i32::try_from(item.matches('{').count()).unwrap();
                depth -= i32::try_from(item.matches('}').count()).unwrap();
                opened |= item.contains('{');
                if (!opened && t.ends_with(';')) || (opened && depth <= 0) {
                    break;
                }
            }
        }
        code
    }

    /// The check reads a whole file: an early `#[cfg(test)] mod tests;`
    /// (as in `import/mod.rs`) or a test block hides nothing after it.
    #[test]
    fn the_source_checks_read_past_test_items() {
        let source = "use a;\n#[cfg(test)]\nmod tests;\nuse widgets;\n\
                      #[cfg(test)]\nmod inline {\n    use Frame;\n    fn f() { }\n}\n\
                      // widgets in a comment\nfn draw_later() {}\n";
        assert_eq!(
            without_tests(source),
            ["use a;", "use widgets;", "fn draw_later() {}"]
        );
        let import = code_lines(&tui().join("views/import/mod.rs"));
        assert!(import.len() > 500, "{} lines read", import.len());
    }

    /// The model of the app (the shell, the views' models, the keymap, the
    /// effects, the vocabulary) never reaches into drawing code: what it
    /// needs of the layout, the drawing records in it. Checked on the
    /// source, so a `use` added later fails here and not in review.
    #[test]
    fn the_model_never_imports_drawing() {
        let root = tui();
        let mut model = vec![
            root.join("shell.rs"),
            root.join("keymap.rs"),
            root.join("effects.rs"),
            root.join("palette.rs"),
            root.join("msg.rs"),
            root.join("context.rs"),
        ];
        model.extend(view_models());
        let forbidden = ["widgets", "::ui", "draw::", "ratatui::widgets", "Frame"];
        for path in &model {
            for line in code_lines(path) {
                for word in forbidden {
                    assert!(
                        !line.contains(word) || line.trim_start().starts_with("pub mod ui"),
                        "{} uses drawing code ({word}): {line}",
                        path.display()
                    );
                }
            }
        }
        assert!(model.len() > 6, "the model's files were found: {model:?}");
        for file in ["import/mod.rs", "import/executor.rs", "create/mod.rs"] {
            assert!(
                model.contains(&root.join("views").join(file)),
                "{file} is checked: {model:?}"
            );
        }
    }

    /// The client knows of the sandbox only that the connection is one
    /// (`TargetLabel::Sandbox`) and what the connection hands over (its
    /// examples' schedules): no file of the TUI, drawing included, reaches
    /// into `crate::sandbox`. Checked on the source, tests left out.
    #[test]
    fn the_tui_never_imports_the_sandbox() {
        let mut files = Vec::new();
        let mut dirs = vec![tui()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs")
                {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 20, "the TUI's files were found: {files:?}");
        for path in &files {
            for line in code_lines(path) {
                assert!(
                    !line.contains("sandbox::"),
                    "{} reaches into the sandbox: {line}",
                    path.display()
                );
            }
        }
    }

    /// The vocabulary (`msg.rs`: `Msg`, `Cmd`, `Subscription`; `context.rs`;
    /// the keymap's `Input` and `Route`; each view's own `msg.rs`) is
    /// spoken by the shell, the views and the effects, and imports none of
    /// them: it names a view only by its `msg.rs`. So `src/tui` has no
    /// import circle: effects → vocabulary, views → vocabulary, shell →
    /// all, nothing back.
    #[test]
    fn the_vocabulary_imports_no_behaviour() {
        let root = tui();
        let models = view_models();
        let leaves: Vec<_> = models.iter().filter(|p| p.ends_with("msg.rs")).collect();
        for view in ["create", "batches", "import"] {
            let leaf = root.join("views").join(view).join("msg.rs");
            assert!(leaves.contains(&&leaf), "{leaves:?}");
        }
        let vocabulary = [root.join("msg.rs"), root.join("context.rs")];
        for path in vocabulary.iter().chain(leaves.iter().copied()) {
            for line in code_lines(path) {
                for word in ["shell", "effects", "draw", "palette"] {
                    assert!(
                        !line.contains(word),
                        "{} names behaviour ({word}): {line}",
                        path.display()
                    );
                }
                if let Some(at) = line.find("views::") {
                    assert!(
                        line[at..].contains("::msg::"),
                        "{} names a view's model: {line}",
                        path.display()
                    );
                }
            }
        }
        for path in &leaves {
            for line in code_lines(path) {
                assert!(
                    !line.contains("tui::msg") && !line.contains("tui::context"),
                    "{} is named by the vocabulary and names it back: {line}",
                    path.display()
                );
            }
        }
        for line in code_lines(&root.join("keymap.rs")) {
            assert!(
                !line.contains("tui::") && !line.contains("super::"),
                "the keymap names none of the app: {line}"
            );
        }
        for line in code_lines(&root.join("context.rs")) {
            assert!(
                !line.contains("tui::") && !line.contains("super::"),
                "what the app starts with names none of it: {line}"
            );
        }
        for path in &models {
            for line in code_lines(path) {
                for word in ["shell::", "::shell", "effects::", "::effects"] {
                    assert!(
                        !line.contains(word),
                        "{} names the shell or the effects ({word}): {line}",
                        path.display()
                    );
                }
            }
        }
        for line in code_lines(&root.join("effects.rs")) {
            assert!(
                !line.contains("shell::") && !line.contains("::shell"),
                "the effects name the shell: {line}"
            );
        }
    }
}
