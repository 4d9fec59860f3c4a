//! Drawing the phones view: a title, the numbers as a table (number,
//! label, integration, whether the phone book has it, phone ID), and a
//! status line. Reads the model only.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use super::PhonesView;
use crate::domain::phone::format_number;
use crate::text::{fit, fit_end, visible};
use crate::tui::widgets::fit_line;
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{DrawView, add_phone};

/// Draws the view into `area`.
impl DrawView for PhonesView {
    fn draw(&self, theme: &Theme, frame: &mut Frame, area: Rect, _now: DateTime<Utc>) {
        let view = self;
        let [title, heads, table, notice, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let heading = Line::from(vec![
            Span::styled("Phones", theme.title()),
            Span::styled(
                "  the workspace's numbers, and which phonebook.toml keeps",
                theme.dim(),
            ),
        ]);
        frame.render_widget(Paragraph::new(fit_line(heading, title.width)), title);

        // The whole ID on a wide screen; its last six characters (as the
        // form's list shows them) on a narrow one.
        let id_width: u16 = if area.width >= 100 { 24 } else { 7 };
        const NUMBER: u16 = 20;
        const INTEGRATION: u16 = 12;
        const BOOK: u16 = 10;
        // Four gaps of one column between the five.
        let label_width = area
            .width
            .saturating_sub(NUMBER + INTEGRATION + BOOK + id_width + 4);
        let widths = [
            Constraint::Length(NUMBER),
            Constraint::Length(label_width),
            Constraint::Length(INTEGRATION),
            Constraint::Length(BOOK),
            Constraint::Length(id_width),
        ];
        let id_head = if id_width >= 24 { "Phone ID" } else { "ID" };
        let head = Row::new(["Number", "Label", "Integration", "Phone book", id_head])
            .style(theme.title());
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths)
                .header(head)
                .column_spacing(1),
            heads,
        );

        let rows = view.rows();
        if rows.is_empty() {
            let (text, style) = match view.error() {
                Some(why) => (
                    format!("The phone list could not be fetched: {why}"),
                    theme.error(),
                ),
                None if !view.is_loaded() => ("Fetching the phone list…".to_owned(), theme.dim()),
                None => (
                    "The workspace has no phone numbers.".to_owned(),
                    theme.dim(),
                ),
            };
            let line = fit_line(
                Line::styled(visible(&text).into_owned(), style),
                table.width,
            );
            frame.render_widget(Paragraph::new(line), table);
        } else {
            let height = usize::from(table.height.max(1));
            let first = view.selected().saturating_sub(height - 1);
            let shown: Vec<Row> = rows
                .iter()
                .skip(first)
                .take(height)
                .map(|row| {
                    let id = visible(&row.phone.id);
                    let id = if usize::from(id_width) >= id.chars().count() {
                        id.into_owned()
                    } else {
                        fit_end(&id, usize::from(id_width))
                    };
                    // Nothing is cut without an ellipsis saying so.
                    Row::new([
                        fit(&format_number(&row.phone.phone_number), usize::from(NUMBER)),
                        fit(&visible(row.label), usize::from(label_width)),
                        fit(&visible(&row.phone.integration), usize::from(INTEGRATION)),
                        if row.in_book { "yes" } else { "no" }.to_owned(),
                        id,
                    ])
                })
                .collect();
            let mut state = TableState::default().with_selected(Some(view.selected() - first));
            frame.render_stateful_widget(
                Table::new(shown, widths)
                    .column_spacing(1)
                    .row_highlight_style(theme.cursor()),
                table,
                &mut state,
            );
        }

        // A failed refresh over a list already shown: the list stays, the
        // error is said beside it.
        let failed_again = view
            .error()
            .filter(|_| !rows.is_empty())
            .map(|why| format!("Not fetched again, the list is as before: {why}"));
        if let Some(text) = failed_again {
            let line = fit_line(
                Line::styled(visible(&text).into_owned(), theme.error()),
                notice.width,
            );
            frame.render_widget(Paragraph::new(line), notice);
        } else if let Some(text) = view.notice() {
            let line = fit_line(Line::styled(text.to_owned(), theme.ok()), notice.width);
            frame.render_widget(Paragraph::new(line), notice);
        }

        let count = rows.len();
        let kept = rows.iter().filter(|r| r.in_book).count();
        let mut parts = vec![match count {
            _ if !view.is_loaded() => "fetching the phone list".to_owned(),
            1 => "1 number".to_owned(),
            n => format!("{n} numbers"),
        }];
        parts.push(match view.book() {
            Some(Ok(_)) => format!("{kept} in phonebook.toml"),
            Some(Err(why)) => format!("phonebook.toml not read: {why}"),
            None => "phonebook.toml not read".to_owned(),
        });
        match view.only_in_book() {
            0 => {}
            n => parts.push(format!("{n} only in phonebook.toml")),
        }
        if view.is_loading() && view.is_loaded() {
            parts.push("refreshing…".to_owned());
        }
        let line = fit_line(
            Line::styled(visible(&parts.join(" · ")).into_owned(), theme.dim()),
            status.width,
        );
        frame.render_widget(Paragraph::new(line), status);
        if let Some(dialog) = view.adding() {
            add_phone::draw(dialog, theme, frame, frame.area());
        }
    }
}
