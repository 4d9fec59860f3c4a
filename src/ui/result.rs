//! The answer: the new batch ID, or what went wrong and what to do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::LABEL_WIDTH;
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
    let row = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(
                format!("{name:<w$}", w = usize::from(LABEL_WIDTH)),
                theme.title(),
            ),
            Span::raw(value),
        ])
    };
    let name = review.request.batch_name.clone();
    let mut lines = Vec::new();
    match outcome {
        Outcome::Created(created) => {
            lines.push(Line::styled("✓ Batch created", theme.ok()));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:<w$}", "Batch ID", w = usize::from(LABEL_WIDTH)),
                    theme.title(),
                ),
                Span::styled(created.batch_id.clone(), theme.ok()),
            ]));
            lines.push(row("Batch name", name));
            if let Some(id) = &created.request_id {
                lines.push(row("Request ID", id.clone()));
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
            lines.push(row("Error", error.to_string()));
            if let Some(status) = error.status() {
                lines.push(row("HTTP status", status.to_string()));
            }
            if let Some(id) = error.request_id() {
                lines.push(row("Request ID", format!("{id} (support asks for it)")));
            }
            lines.push(row("Batch name", name));
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
            lines.push(row("Waited", format!("{:.1} s", after.as_secs_f32())));
            lines.push(row("Batch name", name));
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
        ApiError::Status { status, .. } if *status >= 500 => {
            "The server failed. Sending again is usually safe for a 5xx; if it persists, give \
             support the request ID."
                .to_owned()
        }
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
