//! The answer: the new batch ID, or what went wrong and what to do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::api::ApiError;
use crate::create::Candidate;
use crate::remote::Remote;
use crate::text::visible;
use crate::tui::views::create::{Answer, CreateView, Outcome, Verdict};
use crate::tui::widgets::theme::Theme;
use crate::tui::widgets::{labeled, spinner};

pub fn draw(app: &CreateView, answer: &Answer, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width;
    let row = |name: &str, value: String| labeled(name, &value, Style::new(), width, theme);
    let name = answer.review.request.batch_name.clone();
    let mut lines = Vec::new();
    let mut id_box = None;
    match &answer.outcome {
        Outcome::Created(created) => {
            lines.push(match &answer.gone {
                Some(_) => Line::styled("✗ Batch created, and deleted since", theme.warn()),
                None => Line::styled("✓ Batch created", theme.ok()),
            });
            lines.push(Line::raw(""));
            // The ID in a box of its own: the thing the operator came for.
            // It is the server's word: shown made visible.
            let id = visible(&created.batch_id).into_owned();
            // A server may answer with anything: a long ID is cut by the
            // screen, never an overflow.
            let id_width = u16::try_from(id.chars().count())
                .unwrap_or(u16::MAX)
                .saturating_add(4);
            id_box = Some((
                Rect::new(area.x, area.y + 2, id_width.min(area.width), 3),
                id,
            ));
            lines.extend([Line::raw(""), Line::raw(""), Line::raw("")]);
            lines.extend(row("Batch name", name));
            if let Some(id) = &created.request_id {
                lines.extend(row("Request ID", id.clone()));
            }
            lines.extend(row("In Weya's list", verdict_text(app, answer)));
            if answer.copied {
                lines.extend(row("Clipboard", "copied (OSC 52)".into()));
            }
            lines.push(Line::raw(""));
            if answer.gone.is_some() {
                lines.push(Line::raw(GONE_ADVICE));
            }
            lines.push(Line::raw("Esc returns to the form, with its values kept."));
        }
        Outcome::Failed(error) => {
            let headline = match error {
                // Found in Weya's list after the answer was lost, and gone
                // since: its headline says what became of it, as the lines
                // below do.
                _ if answer.gone.is_some() => Line::styled(GONE_HEADLINE, theme.warn()),
                ApiError::Network { .. } if error.outcome_unknown() => {
                    Line::styled("? Outcome unknown: no answer arrived", theme.warn())
                }
                _ if error.from_gateway() => Line::styled(
                    format!(
                        "? Outcome unknown: a gateway answered HTTP {}, and the batch may have \
                         been created{}",
                        error.status().unwrap_or_default(),
                        if answer.waiting_until().is_some() {
                            "; watching Weya's list"
                        } else {
                            ""
                        }
                    ),
                    theme.warn(),
                ),
                ApiError::Contradicted { status, .. } => Line::styled(
                    format!(
                        "? Outcome unknown: HTTP {status} with \"status\": false, an answer \
                         that contradicts itself"
                    ),
                    theme.warn(),
                ),
                ApiError::Redirected { .. } if error.outcome_unknown() => Line::styled(
                    "? Outcome unknown: the server redirected the request elsewhere",
                    theme.warn(),
                ),
                _ if error.outcome_unknown() => Line::styled(
                    "? Outcome unknown: a success status came, but no batch ID could be read",
                    theme.warn(),
                ),
                _ => Line::styled("✗ The batch was not created", theme.error()),
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
            if error.outcome_unknown() {
                lines.extend(row("In Weya's list", verdict_text(app, answer)));
                lines.extend(
                    waiting_row(app, answer)
                        .into_iter()
                        .flat_map(|v| row("Waiting until", v)),
                );
            }
            if let Some(at) = answer.not_before.filter(|t| *t > app.now) {
                lines.extend(row(
                    "Retry after",
                    format!(
                        "{} s (the server asked)",
                        (at - app.now).num_seconds().max(1)
                    ),
                ));
            }
            lines.push(Line::raw(""));
            lines.push(Line::raw(advice(app, answer, error)));
            lines.push(Line::raw(
                "Esc returns to the form: everything you typed is still there.",
            ));
        }
        Outcome::Abandoned { after } => {
            lines.push(Line::styled(
                if answer.gone.is_some() {
                    GONE_HEADLINE
                } else {
                    "? Outcome unknown: you stopped waiting"
                },
                theme.warn(),
            ));
            lines.push(Line::raw(""));
            lines.extend(row("Waited", format!("{:.1} s", after.as_secs_f32())));
            if let Some(timeout) = answer.running {
                lines.extend(row(
                    "First send",
                    format!(
                        "{} still running: it may yet create the batch (up to {} s after sending)",
                        spinner(app.frame),
                        timeout.as_secs()
                    ),
                ));
            }
            lines.extend(row("Batch name", name));
            lines.extend(row("In Weya's list", verdict_text(app, answer)));
            lines.extend(
                waiting_row(app, answer)
                    .into_iter()
                    .flat_map(|v| row("Waiting until", v)),
            );
            lines.push(Line::raw(""));
            lines.push(Line::raw(unknown_advice(app, answer)));
            lines.push(Line::raw(
                "Esc returns to the form: everything you typed is still there.",
            ));
        }
    }
    if let Some(notice) = &app.notice {
        lines.push(Line::raw(""));
        lines.push(Line::styled(visible(notice).into_owned(), theme.warn()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    if let Some((rect, id)) = id_box {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {id}"), theme.ok()))
                .block(Block::default().borders(Borders::ALL).title(" Batch ID ")),
            rect,
        );
    }
}

/// The headline of a batch whose answer was lost, found in Weya's list
/// since, and deleted after that.
const GONE_HEADLINE: &str =
    "✓ Created (found in Weya's list after the answer was lost), and deleted since";

/// What is left to do with a batch deleted since it was made.
const GONE_ADVICE: &str = "It is not asked about any more. n starts a new batch from the same values; Ctrl-B lists \
     the batches.";

/// What the batch list said, in words.
fn verdict_text(app: &CreateView, answer: &Answer) -> String {
    if let Some(gone) = &answer.gone {
        return visible(&gone.why).into_owned();
    }
    if matches!(answer.lookup, Remote::Loading { .. }) {
        return format!("{} checking the batch list…", spinner(app.frame));
    }
    let clock = app.clock();
    let then = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|t| format!("; next look at {}", clock.time_zoned(t)))
            .unwrap_or_default()
    };
    match (answer.verdict(), &answer.outcome) {
        (Verdict::Unchecked, _) if !answer.can_look => {
            "not checked: no user ID is configured (WEYA_USER_ID)".to_owned()
        }
        (Verdict::Unchecked, _) => "not checked yet".to_owned(),
        (Verdict::Listed(b), Outcome::Created(_)) => format!(
            "listed, status {}, {}",
            if b.queue_status.is_empty() {
                "unknown"
            } else {
                &b.queue_status
            },
            calls_of(b.total_calls)
        ),
        (Verdict::Listed(b), _) => format!(
            "FOUND: batch {} with this name, created {}: it was created (status {}, {})",
            visible(&b.id),
            chrono::DateTime::parse_from_rfc3339(&b.created_at).map_or_else(
                |_| visible(&b.created_at).into_owned(),
                |at| clock.minute_zoned(at.with_timezone(&chrono::Utc))
            ),
            if b.queue_status.is_empty() {
                "unknown"
            } else {
                &b.queue_status
            },
            calls_of(b.total_calls)
        ),
        (Verdict::Candidates(c), _) => {
            let more = match c.len() {
                1 => String::new(),
                n => format!(" ({} more of this name)", n - 1),
            };
            format!(
                "{}{more}{}",
                c.first().map(Candidate::describe).unwrap_or_default(),
                then(answer.next_look)
            )
        }
        (Verdict::Absent, Outcome::Created(_)) => {
            "not listed yet (the list may lag; check again later)".to_owned()
        }
        (Verdict::Absent, _) if answer.conclusive => format!(
            "no batch with this name, at a look after {}, when the send could no longer land",
            clock.time_zoned(answer.lands_by)
        ),
        (Verdict::Absent, _) => format!(
            "not there yet: no batch with this name created since you sent it{}",
            then(answer.next_look)
        ),
        (Verdict::Unreadable(e), _) => {
            format!("could not read the list: {e}{}", then(answer.next_look))
        }
    }
}

/// Until when the list is watched, and how long that is from now.
fn waiting_row(app: &CreateView, answer: &Answer) -> Option<String> {
    let until = answer.waiting_until()?;
    let left = (until - app.now).to_std().unwrap_or_default().as_secs();
    let left = match left {
        0 => "the last look is due".to_owned(),
        s @ ..120 => format!("in {s} s"),
        s => format!("in {} min {} s", s / 60, s % 60),
    };
    let clock = app.clock();
    Some(format!(
        "{} ({}, {left}): Weya may store the batch until then; its list is watched",
        clock.time(until),
        clock.zone_name()
    ))
}

/// What to do when the outcome is unknown, from the batch list's verdict.
fn unknown_advice(app: &CreateView, answer: &Answer) -> String {
    if let Some(timeout) = answer
        .running
        .filter(|_| !matches!(answer.verdict(), Verdict::Listed(_)))
    {
        return format!(
            "The first send may still arrive (up to {} s after it was sent): its answer will \
             show here. r is offered only once it has ended and a look at Weya's list, made \
             after it could no longer land, has no such batch.",
            timeout.as_secs()
        );
    }
    if answer.lookup.is_loading() {
        return "The request had been sent, so the batch may exist: Weya's batch list is being \
                checked for it before anything is sent again."
            .to_owned();
    }
    if answer.gone.is_some() {
        return format!("It was created, and is deleted since. {GONE_ADVICE}");
    }
    let verdict = answer.verdict();
    if let (Some(until), false) = (
        answer.waiting_until(),
        matches!(verdict, Verdict::Candidates(_)),
    ) {
        return format!(
            "No answer said whether the batch was made, and a server may store it after the \
             client gave up: nothing is sent again before a look at Weya's list after {} finds \
             no such batch.",
            app.clock().time_zoned(until)
        );
    }
    match verdict {
        Verdict::Listed(_) => "It was created: do not send it again. o opens it, i imports \
                               contacts into it, c copies its ID."
            .to_owned(),
        Verdict::Absent => "The first send can no longer land and Weya's list has no such \
                            batch: r sends the same body again."
            .to_owned(),
        Verdict::Candidates(_) => format!(
            "It may be yours: check it (Ctrl-B lists the batches) before sending again.{}",
            if answer.waiting_until().is_some() {
                " The list is still watched."
            } else {
                " r twice sends anyway."
            }
        ),
        Verdict::Unchecked if answer.waiting_until().is_none() && !answer.can_look => format!(
            "The request had been sent, so the batch may exist. Check Weya's batch list for \
             this name before sending again ({}).",
            if app.now >= answer.lands_by {
                "r twice sends anyway".to_owned()
            } else {
                format!(
                    "r is offered after {}, when it can no longer land",
                    app.clock().time_zoned(answer.lands_by)
                )
            }
        ),
        Verdict::Unchecked | Verdict::Unreadable(_) => {
            "The request had been sent, so the batch may exist. Check Weya's batch list for \
             this name before sending again (r twice sends anyway)."
                .to_owned()
        }
    }
}

/// What the operator can do about an error.
fn advice(app: &CreateView, answer: &Answer, error: &ApiError) -> String {
    let source = app.context.target.credentials_text();
    match error {
        ApiError::Status { status: 400, .. } => {
            "Weya rejected the input: the field it names is marked on the form.".to_owned()
        }
        // Says which credential went, from where, and what createBatch takes.
        ApiError::AuthRefused { used, .. } => {
            let mut text = error.auth_advice().unwrap_or_default();
            if *used == crate::api::AuthMode::ApiKey {
                text.push_str(" The workspace key is in Weya's dashboard: Settings → API access.");
            }
            text
        }
        ApiError::Status {
            status: 401 | 403, ..
        } => format!(
            "The credentials ({source}) were refused: check that they are this workspace's \
             (Weya dashboard: Settings → API access) and have not been revoked \
             (`weya-tui doctor` checks each)."
        ),
        ApiError::Status { status: 404, .. } => {
            "Not found: check WEYA_BASE_URL (the API's paths start with /api/call/). r sends again."
                .to_owned()
        }
        // Before the 5xx advice: sent again blindly, it may make a second
        // batch.
        e if e.from_gateway() => format!(
            "A gateway or proxy answers so when the server behind it was slow or went away, \
             which may be after it stored the batch. {}",
            unknown_advice(app, answer)
        ),
        ApiError::Status { status: 429, .. } => {
            "Too many requests: r sends again once the wait is over.".to_owned()
        }
        ApiError::Status { status, .. } if *status >= 500 => match error.request_id() {
            Some(id) => format!(
                "The server failed. Weya's documentation says to retry (r); if it persists, \
                 give support the request ID {id}."
            ),
            None => "The server (or a proxy in front of it) failed. Weya's documentation says \
                     to retry (r); if it persists, contact Weya support."
                .to_owned(),
        },
        ApiError::Redirected { .. } => format!(
            "WEYA_BASE_URL leads to a server that sends requests to another host: set it to \
             the API's own address. {}",
            if error.outcome_unknown() {
                unknown_advice(app, answer)
            } else {
                "Sending again would be redirected again.".to_owned()
            }
        ),
        e if e.outcome_unknown() => unknown_advice(app, answer),
        ApiError::Unexpected { .. } => {
            "The answer was not Weya's JSON: is the base URL right? A proxy may have answered."
                .to_owned()
        }
        ApiError::Network { .. } => {
            "Nothing reached Weya. Check the network and the base URL, then r sends again."
                .to_owned()
        }
        _ => "Check the configuration, then send again.".to_owned(),
    }
}

/// A batch's totalCalls as said: "1 call", "2,000 calls", "? calls" when
/// Weya does not say.
fn calls_of(total: Option<u64>) -> String {
    total.map_or_else(|| "? calls".to_owned(), |n| crate::num::counted(n, "call"))
}

#[cfg(test)]
mod calls_tests {
    /// QA: "listed, status paused, 1 calls".
    #[test]
    fn one_call_is_said_in_the_singular() {
        assert_eq!(super::calls_of(Some(1)), "1 call");
        assert_eq!(super::calls_of(Some(2_000)), "2,000 calls");
        assert_eq!(super::calls_of(None), "? calls");
    }
}
