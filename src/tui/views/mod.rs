//! The views of the app, and the pattern every view follows.
//!
//! The shell ([`crate::tui::shell`]) owns what is global and a stack of
//! views; the view on top is on screen. The create view is the root of
//! the stack and lives as long as the app (it holds the form and its
//! draft); views opened over it are [`View`]s, pushed and popped.
//!
//! # Adding a view
//!
//! A view is a folder, `views/<name>/`, with two halves that never mix:
//!
//! - the model, `mod.rs` (and whatever it splits into): a `struct
//!   <Name>View` with its state, a `<Name>Msg` enum of everything that can
//!   happen to it, and `update(&mut self, msg) -> Vec<Cmd>`, pure (no I/O,
//!   no drawing; time arrives as a message). It also says which key
//!   [`Scope`]s apply now (`scopes`), where it is for the header
//!   (`breadcrumb`), whether it animates (`is_animating`: the loop ticks
//!   only then) and what periodic work it wants while on screen
//!   (`subscriptions`, e.g. "refresh every 5 s"; nothing polls off screen).
//! - the drawing, `ui.rs` or `ui/`: `draw(&view, &Theme, &mut Frame, Rect)`,
//!   reading the model only. What `update` needs to know of the layout
//!   (scroll limits, the rectangles a click maps to) the drawing records in
//!   the model through a `Cell` ([`Scroll`], the create view's
//!   `FieldAreas`), so the model never imports the drawing or
//!   [`crate::tui::widgets`]; `tests::the_model_never_imports_drawing`
//!   holds that.
//!
//! Then wire it in four places: a variant of [`View`] and of
//! [`crate::tui::shell::Msg`] (`Msg::<Name>(<Name>Msg)`, so a view never
//! sees another's messages), the arms of [`View`]'s methods below, and its
//! `ui::draw` in [`crate::tui::draw`]. Keys go in the one table,
//! [`crate::tui::keymap::BINDINGS`], under a [`Scope`] of the view: the
//! shell resolves a key to an [`Action`](crate::tui::keymap::Action),
//! keeps its own (quit, help, palette, switching views, Esc back when the
//! view does not bind Esc) and hands the view the rest as
//! `<Name>Msg::Action`, or the key itself when nothing binds it (typing).
//! Replies of its effects come back wrapped in its `Msg` variant; a job
//! that should not outlive a newer one takes a
//! [`JobKey`](crate::tui::effects::JobKey). To open another view, the
//! view's `update` returns [`Cmd::Open`](crate::tui::effects::Cmd::Open).

pub mod batches;
pub mod create;
pub mod import;

use std::cell::Cell;

use crate::tui::effects::Subscription;
use crate::tui::keymap::Scope;
use crate::tui::shell::Msg;
use batches::ViewContext;
use batches::details::{BatchDetailsView, DetailsMsg};
use batches::list::{BatchList, ListMsg};
use import::ImportView;

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
    /// Contacts into one batch. `session` tells its replies from those of
    /// an import closed before (one executor, one journal per session).
    Import { session: u64, view: Box<ImportView> },
}

/// A view to show, asked for by a key, the palette or a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The create view, as it was left.
    Create,
    Batches,
}

impl View {
    /// The view a route opens anew.
    pub fn open(route: Route, context: &ViewContext) -> Option<Self> {
        match route {
            Route::Create => None,
            Route::Batches => Some(Self::BatchList(BatchList::new(context.clone()))),
        }
    }

    /// Whether this view is the one `route` shows.
    pub fn is(&self, route: Route) -> bool {
        match self {
            Self::BatchList(_) => route == Route::Batches,
            // Reached from a batch, not by a route of its own.
            Self::BatchDetails(_) => false,
            // Opened for a batch, not by a route of its own.
            Self::Import { .. } => false,
        }
    }

    pub fn breadcrumb(&self) -> Vec<String> {
        match self {
            Self::BatchList(_) => vec!["Batches".to_owned()],
            Self::BatchDetails(view) => vec!["Batches".to_owned(), view.title()],
            Self::Import { view, .. } => view.breadcrumb(),
        }
    }

    pub fn scopes(&self) -> Vec<Scope> {
        match self {
            Self::BatchList(view) => view.scopes(),
            Self::BatchDetails(view) => view.scopes(),
            Self::Import { view, .. } => view.scopes(),
        }
    }

    pub fn is_animating(&self) -> bool {
        match self {
            Self::BatchList(_) | Self::BatchDetails(_) => false,
            Self::Import { view, .. } => view.is_animating(),
        }
    }

    /// The live refresh of the view, while it is on screen (the shell
    /// asks only then, and only while the terminal has focus).
    pub fn subscriptions(&self) -> Vec<Subscription> {
        match self {
            Self::BatchList(view) => view
                .poll_every()
                .map(|every| Subscription {
                    name: "batches.refresh",
                    every,
                    msg: Msg::BatchList(ListMsg::Tick),
                })
                .into_iter()
                .collect(),
            Self::BatchDetails(view) => view
                .poll_every()
                .map(|every| Subscription {
                    name: "batch.calls.refresh",
                    every,
                    msg: Msg::BatchDetails {
                        batch_id: view.batch_id().to_owned(),
                        msg: DetailsMsg::Tick,
                    },
                })
                .into_iter()
                .collect(),
            // It animates while it works (the tick); nothing to poll.
            Self::Import { .. } => Vec::new(),
        }
    }

    /// Whether the view refreshes itself: what it is sent when it comes
    /// (back) on screen, so it is never shown stale.
    pub fn refresh_msg(&self) -> Option<Msg> {
        match self {
            Self::BatchList(_) => Some(Msg::BatchList(ListMsg::Tick)),
            Self::BatchDetails(view) => Some(Msg::BatchDetails {
                batch_id: view.batch_id().to_owned(),
                msg: DetailsMsg::Tick,
            }),
            Self::Import { .. } => None,
        }
    }

    /// The session of the import this view is, if it is one.
    pub fn import_session(&self) -> Option<u64> {
        match self {
            Self::Import { session, .. } => Some(*session),
            Self::BatchList(_) | Self::BatchDetails(_) => None,
        }
    }
}

/// A scroll position and the most it may be, which the drawing records
/// (it alone knows how tall the content is on this screen). Before the
/// first drawing nothing scrolls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: u16,
    max: Cell<u16>,
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

    /// Called by the drawing: how far the content can scroll now.
    pub fn record_max(&self, max: u16) {
        self.max.set(max);
    }
}

#[cfg(test)]
mod tests {
    /// The model of the app (the shell, the views' models, the keymap, the
    /// effects) never reaches into drawing code: what it needs of the
    /// layout, the drawing records in it. Checked on the source, so a
    /// `use` added later fails here and not in review.
    #[test]
    fn the_model_never_imports_drawing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
        let mut model = vec![
            root.join("shell.rs"),
            root.join("keymap.rs"),
            root.join("effects.rs"),
            root.join("palette.rs"),
        ];
        let mut dirs = vec![root.join("views")];
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
        let forbidden = ["widgets", "::ui", "draw::", "ratatui::widgets", "Frame"];
        for path in &model {
            let source = std::fs::read_to_string(path).unwrap();
            // Its tests may draw (to see what the operator sees).
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            // Doc comments may name the drawing; code may not.
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
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
}
