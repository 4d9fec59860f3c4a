//! The answer: the new batch ID, or what went wrong and what to do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::labeled;
use super::theme::Theme;
use crate::api::ApiError;
use crate::app::{App, Outcome, Review, TargetLabel};

pub fn draw(
    app: &App,
    review: &Review,
    outcome: &Outcome,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let row = |name: &str, value: String| labeled(name, &value, Style::new(), area.width, theme);
    let name = review.request.batch_name.clone();
    let mut lines = Vec::new();
    match outcome {
        Outcome::Created(created) => {
            lines.push(Line::styled("✓ Batch created", theme.ok()));
            lines.push(Line::raw(""));
            lines.extend(labeled(
                "Batch ID",
                &created.batch_id,
                theme.ok(),
                area.width,
                theme,
            ));
            lines.extend(row("Batch name", name));
            if let Some(id) = &created.request_id {
                lines.extend(row("Request ID", id.clone()));
            }
            lines.push(Line::raw(""));
            lines.push(Line::raw("Esc returns to the form, with its values kept."));
        }
        Outcome::Failed(error) => {
            let headline = if error.outcome_unknown() {
                Line::styled("? Outcome unknown: no answer arrived", theme.warn())
            } else {
                Line::styled("✗ The batch was not created", theme.error())
            };
            lines.push(headline);
            lines.push(Line::raw(""));
            lines.extend(row("Error", error.to_string()));
            if let Some(status) = error.status() {
                lines.extend(row("HTTP status", status.to_string()));
            }
            if let Some(id) = error.request_id() {
                lines.extend(row("Request ID", format!("{id} (support asks for it)")));
            }
            lines.extend(row("Batch name", name));
            lines.push(Line::raw(""));
            lines.push(Line::raw(advice(app, error)));
            lines.push(Line::raw(
                "Esc returns to the form: everything you typed is still there.",
            ));
        }
        Outcome::Abandoned { after } => {
            lines.push(Line::styled(
                "? Outcome unknown: you stopped waiting",
                theme.warn(),
            ));
            lines.push(Line::raw(""));
            lines.extend(row("Waited", format!("{:.1} s", after.as_secs_f32())));
            lines.extend(row("Batch name", name));
            lines.push(Line::raw(""));
            lines.push(Line::raw(
                "The request had been sent, so the batch may exist. Check Weya's batch list \
                 for this name before sending it again.",
            ));
            lines.push(Line::raw(
                "Esc returns to the form: everything you typed is still there.",
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// What the operator can do about an error.
fn advice(app: &App, error: &ApiError) -> String {
    let source = match &app.context.target {
        TargetLabel::Sandbox => "the sandbox's own key".to_owned(),
        TargetLabel::Remote {
            credential_source, ..
        } => credential_source.clone(),
    };
    match error {
        ApiError::Status { status: 400, .. } => {
            "Weya rejected the input: the field it names is marked on the form.".to_owned()
        }
        ApiError::Status {
            status: 401 | 403, ..
        } => format!(
            "The credential from {source} was refused: check that it is this workspace's key \
             (Weya dashboard: Settings → API access) and has not been revoked."
        ),
        ApiError::Status {
            status: 429,
            retry_after,
            ..
        } => match retry_after {
            Some(secs) => format!("Too many requests: wait {secs} s before sending again."),
            None => "Too many requests: wait a minute before sending again.".to_owned(),
        },
        ApiError::Status { status, .. } if *status >= 500 => match error.request_id() {
            Some(id) => format!(
                "The server failed. Weya's documentation says to retry; if it persists, give \
                 support the request ID {id}."
            ),
            None => "The server (or a proxy in front of it) failed. Weya's documentation says \
                     to retry; if it persists, contact Weya support."
                .to_owned(),
        },
        ApiError::Unexpected { .. } => {
            "The answer was not Weya's JSON: is the base URL right? A proxy may have answered."
                .to_owned()
        }
        e if e.outcome_unknown() => {
            "The request may have reached Weya: check its batch list for this name before \
             sending it again."
                .to_owned()
        }
        ApiError::Network { .. } => {
            "Nothing reached Weya. Check the network and the base URL, then send again.".to_owned()
        }
        _ => "Check the configuration, then send again.".to_owned(),
    }
}
