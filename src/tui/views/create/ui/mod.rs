//! Drawing the create-batch view: the form, the review (and sending), the
//! result, the template and draft dialogs, and the phone picker's
//! add-a-number dialog.

pub mod form;
pub mod modal;
pub mod result;
pub mod review;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{CreateView, Screen};
use crate::tui::widgets::DrawView;
use crate::tui::widgets::theme::Theme;

/// Draws the view's screen in `body`, and a dialog of it over the whole
/// screen. (Its time is its own, from [`super::CreateMsg::Clock`].)
impl DrawView for CreateView {
    fn draw(&self, theme: &Theme, frame: &mut Frame, body: Rect, _now: DateTime<Utc>) {
        let view = self;
        let screen = frame.area();
        match &view.screen {
            Screen::Form => form::draw(view, theme, frame, body),
            Screen::Review(r) => review::draw(view, r, None, theme, frame, body),
            Screen::Sending {
                review: r, sent_at, ..
            } => review::draw(view, r, Some(*sent_at), theme, frame, body),
            Screen::Result(answer) => result::draw(view, answer, theme, frame, body),
        }
        if let Some(m) = &view.modal {
            modal::draw(m, view.clock(), theme, frame, screen);
        } else if matches!(view.screen, Screen::Form)
            && let crate::form::phones::Mode::Adding(dialog) = &view.form.numbers.mode
        {
            crate::tui::widgets::add_phone::draw(dialog, theme, frame, screen);
        }
    }
}
