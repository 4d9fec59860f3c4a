//! Drawing the import view. Reads the state, never changes it, except to
//! record what `update` needs from the layout (the column list's height and
//! offset, how far the preview scrolls) in the view's cells. The shell draws
//! the header and the footer around it.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr as _;

mod split_screen;

use super::{Comparing, Geometry, ImportView, MapEdit, SendPhase, Sending, Step};
use crate::import::engine::DoubtFigures;
use crate::import::source::{Delimiter, TextEncoding};
use crate::import::{CheckReport, JournalRequest, RequestState, Stage};
use crate::text::{fit, visible};
use crate::tui::widgets::DrawView;
use crate::tui::widgets::fit_line;
use crate::tui::widgets::theme::Theme;

/// How many invalid rows the preview lists.
const SHOWN_REJECTED: usize = 10;
/// How many failed requests the send step lists before "and N more".
const SHOWN_FAILED: usize = 8;

/// Draws the view's body in `area`; the shell draws the header and the
/// footer (the keys of [`ImportView::scopes`]).
impl DrawView for ImportView {
    fn draw(&self, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
        let view = self;
        let [title, body, message] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Fill(1),
            Constraint::Length(2),
        ])
        .areas(area);
        let step = match view.step {
            Step::Pick | Step::Opening | Step::Sheet => "1 of 4 · the file",
            Step::Resume | Step::Map => "2 of 4 · the columns",
            Step::Checking | Step::Preview => "3 of 4 · the check",
            Step::Send => "4 of 4 · sending",
        };
        // A long batch name is cut, with an ellipsis, before the step is.
        let lead = "Import contacts into ";
        let step = format!("  step {step}");
        let room = usize::from(title.width).saturating_sub(lead.width() + step.width());
        let name = fit(&visible(&view.batch_name), room.max(1));
        let header = Line::from(vec![
            Span::styled(lead, theme.title()),
            Span::styled(name, theme.title()),
            Span::styled(step, theme.dim()),
        ]);
        frame.render_widget(Paragraph::new(fit_line(header, title.width)), title);
        match view.step {
            _ if view.split.is_some() => {
                if let Some(split) = &view.split {
                    split_screen::draw(split, frame, body, theme);
                }
            }
            Step::Pick => draw_pick(view, frame, body, theme),
            Step::Opening | Step::Checking => draw_working(view, frame, body, theme),
            Step::Sheet => draw_sheet(view, frame, body, theme),
            Step::Resume => draw_resume(view, frame, body, theme),
            Step::Map => draw_map(view, frame, body, theme),
            Step::Preview => draw_preview(view, frame, body, theme),
            Step::Send => {
                if let Some(sending) = &view.sending {
                    let counts = view.report.as_ref().map(|r| r.counts);
                    let gone = view.batch_gone().is_some();
                    draw_send(sending, counts.as_ref(), gone, frame, body, theme, now);
                }
            }
        }
        let line = match (&view.error, &view.notice) {
            (Some(e), _) => Line::styled(format!("✗ {}", visible(e)), theme.error()),
            (None, Some(n)) => Line::styled(visible(n).into_owned(), theme.ok()),
            (None, None) => Line::default(),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), message);
    }
}

fn draw_pick(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [label, input, help, _, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled("Contacts file", theme.focused_label())),
        label,
    );
    frame.render_widget(view.path.textarea(), input);
    frame.render_widget(
        Paragraph::new(Line::styled(
            ".csv .tsv .xlsx .xls .ods · Tab completes · ~ is your home folder",
            theme.dim(),
        )),
        help,
    );
    let rows = usize::from(list.height);
    let mut lines: Vec<Line> = view
        .candidates
        .iter()
        .take(rows.saturating_sub(1).max(1))
        .map(|c| Line::raw(format!("  {}", visible(c))))
        .collect();
    if view.candidates.len() > lines.len() {
        lines.push(Line::styled(
            format!("  … and {} more", view.candidates.len() - lines.len()),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), list);
}

fn draw_working(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [what, gauge, _, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let name = view
        .file
        .as_ref()
        .and_then(|f| f.path().file_name())
        .map_or_else(
            || view.path.value().to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
    let doing = if view.step == Step::Opening {
        "Reading"
    } else {
        "Checking every row of"
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(format!("{doing} ")),
            Span::styled(visible(&name).into_owned(), theme.title()),
            Span::raw("…"),
        ])),
        what,
    );
    let (ratio, label) = match view.progress {
        Some(p) if p.total > 0 => {
            #[allow(clippy::cast_precision_loss)] // a ratio for a bar
            let ratio = (p.done as f64 / p.total as f64).clamp(0.0, 1.0);
            let unit = match (p.stage, view.file.as_ref().and_then(|f| f.rows_hint())) {
                (Stage::Checking, Some(_)) => {
                    format!("{} of {}", thousands(p.done), counted(p.total, "row"))
                }
                _ => format!("{} of {}", bytes(p.done), bytes(p.total)),
            };
            (ratio, format!("{:.0}% · {unit}", ratio * 100.0))
        }
        _ => (0.0, "starting".to_owned()),
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(theme.ok()),
        gauge,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            "This runs beside the app: Esc stops it; nothing has been sent.",
            theme.dim(),
        )),
        hint,
    );
}

/// The sheets of a workbook of several, the highlighted one to read.
fn draw_sheet(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(file) = &view.file else {
        return;
    };
    let [what, _, list, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let name = file
        .path()
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(visible(&name).into_owned(), theme.title()),
            Span::raw(format!(
                " has {} sheets: which holds the contacts?",
                file.sheets().len()
            )),
        ])),
        what,
    );
    let rows = usize::from(list.height).max(1);
    let offset = keep_visible(0, view.sheet_cursor, rows);
    let lines: Vec<Line> = file
        .sheets()
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, sheet)| {
            let (pointer, style) = if i == view.sheet_cursor {
                ("▶ ", theme.focused_label())
            } else {
                ("  ", theme.label())
            };
            let mut spans = vec![Span::styled(format!("{pointer}{}", visible(sheet)), style)];
            if file.sheet() == Some(sheet.as_str()) {
                let header = file.header().join(" · ");
                spans.push(Span::styled(
                    format!("   columns {}", visible(&header)),
                    theme.dim(),
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "The first sheet is read unless you choose another; nothing has been sent.",
            theme.dim(),
        )),
        hint,
    );
}

/// The file's name and how it was read, one line.
fn file_line(view: &ImportView, theme: &Theme) -> Line<'static> {
    let Some(file) = &view.file else {
        return Line::default();
    };
    let mut how = Vec::new();
    match file.delimiter() {
        Some(Delimiter::Comma) | None => {}
        Some(d) => how.push(format!("separated by {d}")),
    }
    if file.encoding() == Some(TextEncoding::Windows1252) {
        how.push("read as Windows-1252".to_owned());
    }
    if let Some(sheet) = file.sheet()
        && file.sheets().len() > 1
    {
        let nth = file.sheets().iter().position(|s| s == sheet).unwrap_or(0) + 1;
        how.push(format!(
            "sheet “{}”, {nth} of {}",
            visible(sheet),
            file.sheets().len()
        ));
    }
    let mut spans = vec![
        Span::styled("File     ", theme.dim()),
        Span::raw(visible(file.shown_path()).into_owned()),
    ];
    if !how.is_empty() {
        spans.push(Span::styled(
            format!("  ({})", how.join(", ")),
            theme.warn(),
        ));
    }
    Line::from(spans)
}

fn region_line(view: &ImportView, theme: &Theme) -> Line<'static> {
    let value = match &view.edit {
        Some(MapEdit::Region(input)) => {
            return Line::from(vec![
                Span::styled("Region   ", theme.focused_label()),
                Span::styled(format!("{:<2}", input.value()), theme.cursor()),
                Span::styled(
                    "  two letters (US, GB, IN); empty: numbers carry their country code",
                    theme.dim(),
                ),
            ]);
        }
        _ => view.region.map_or_else(
            || "none: every number must start with its country code".to_owned(),
            |r| format!("{r}: numbers without a country code are read as {r} numbers"),
        ),
    };
    Line::from(vec![
        Span::styled("Region   ", theme.dim()),
        Span::raw(value),
    ])
}

fn draw_map(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    // Column choices kept from before, restored or not: their line (or
    // two, on a narrow screen) under the file's.
    let choices = view.choices_note.as_deref().map(visible);
    let choices_rows = choices.as_ref().map_or(0, |text| {
        let width = usize::from(area.width.max(1));
        u16::try_from(text.chars().count().div_ceil(width)).unwrap_or(2)
    });
    let [file, region, _, head, list] = Layout::vertical([
        Constraint::Length(2 + choices_rows),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let mut top = vec![file_line(view, theme)];
    if let Some(note) = &view.rejected_note {
        top.push(Line::styled(
            visible(&note.short()).into_owned(),
            theme.warn(),
        ));
    }
    if let Some(text) = choices {
        let style = if view.choices_restored {
            theme.ok()
        } else {
            theme.warn()
        };
        top.push(Line::styled(text.into_owned(), style));
    }
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), file);
    frame.render_widget(Paragraph::new(region_line(view, theme)), region);
    let sample = view.file.as_ref().and_then(|f| f.sample().first());
    let width = usize::from(area.width);
    let column_w = (width / 4).clamp(10, 28);
    let name_w = (width / 4).clamp(10, 24);
    let cell = |text: &str, w: usize| -> String {
        let shown = visible(text);
        let mut out: String = shown.chars().take(w.saturating_sub(1)).collect();
        if shown.chars().count() >= w {
            out.pop();
            out.push('…');
        }
        format!("{out:<w$}")
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "  send  {}{}{}",
                cell("column", column_w),
                cell("sent as", name_w),
                format_args!("sample (line {})", sample.map_or(2, |s| s.line))
            ),
            theme.dim(),
        )),
        head,
    );
    let rows = usize::from(list.height).max(1);
    let offset = keep_visible(view.map_offset.get(), view.cursor, rows);
    view.map_offset.set(offset);
    record(view, |g| g.map_rows = list.height);
    let lines: Vec<Line> = view
        .mapping
        .columns
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, choice)| {
            let is_phone = view.mapping.phone == Some(i);
            let mark = if is_phone {
                "☎  "
            } else if choice.send {
                "[x]"
            } else {
                "[ ]"
            };
            let name = match &view.edit {
                Some(MapEdit::Rename { column, input }) if *column == i => {
                    format!("{:<name_w$}", input.value())
                }
                _ if is_phone => cell("phoneNumber", name_w),
                _ if choice.send => cell(&choice.name, name_w),
                _ => cell("—", name_w),
            };
            let value = sample
                .and_then(|s| s.cells.get(i))
                .map_or("", String::as_str);
            let pointer = if i == view.cursor { "▶ " } else { "  " };
            let style = if i == view.cursor {
                theme.focused_label()
            } else if choice.send || is_phone {
                theme.label()
            } else {
                theme.dim()
            };
            Line::from(vec![
                Span::styled(format!("{pointer}{mark}   "), style),
                Span::styled(cell(&choice.header, column_w), style),
                Span::styled(
                    name,
                    if matches!(&view.edit, Some(MapEdit::Rename { column, .. }) if *column == i) {
                        theme.cursor()
                    } else {
                        style
                    },
                ),
                Span::styled(visible(value).into_owned(), theme.dim()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

fn draw_resume(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(journal) = &view.journal else {
        return;
    };
    let summary = journal.summary();
    let created = view.clock.minute_zoned_of(journal.created());
    let mut lines = vec![
        file_line(view, theme),
        Line::default(),
        Line::styled(
            if journal.is_complete() {
                format!("This file's rows were imported into this batch (started {created}).")
            } else {
                format!("This file was being imported into this batch (started {created}).")
            },
            theme.warn(),
        ),
        Line::raw(format!(
            "{}: {} confirmed ({} of {}), {} failed, {} in doubt, {} not sent.",
            counted(journal.requests().len() as u64, "request"),
            summary.confirmed,
            thousands(summary.rows_confirmed),
            counted(summary.rows_total, "row"),
            summary.failed,
            summary.unknown,
            summary.planned
        )),
        Line::default(),
    ];
    match journal.first_unconfirmed() {
        Some(first) => {
            lines.push(Line::raw(format!(
                "Enter resumes from request {} ({}): the file is checked again \
                 with the columns and region chosen then.",
                first.index + 1,
                rows_of(first)
            )));
            if summary.unknown > 0 {
                lines.push(Line::styled(
                    "A request whose answer never came is not sent again without \
                     asking you: you will see the batch's totalCalls first.",
                    theme.warn(),
                ));
            }
        }
        None => {
            let on = view.clock.minute_zoned_of(journal.updated());
            lines.push(Line::styled(
                format!(
                    "Already imported on {on} ({}): nothing is left to send.",
                    counted(summary.rows_confirmed, "row")
                ),
                theme.ok(),
            ));
            let from = journal.file().path.display().to_string();
            if view
                .file
                .as_ref()
                .is_some_and(|f| f.identity().path != journal.file().path)
            {
                lines.push(Line::raw(format!(
                    "The same rows were imported from {} then.",
                    visible(&from)
                )));
            }
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "d starts over (imports it again): the record is forgotten; numbers the batch holds \
         are left out on the check unless you press x there.",
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The most characters of a row from the file on the check (invalid rows,
/// the first rows as sent): the rest is in the file.
const MAX_ROW_CHARS: usize = 300;

fn draw_preview(view: &ImportView, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(report) = &view.report else {
        return;
    };
    let counts = report.counts;
    let requests = report.plan.requests().len();
    let left_out = match &view.comparing {
        Some(Comparing::Done(comparison)) => comparison.left_out,
        _ => 0,
    };
    let to_send = view
        .left_to_send()
        .map_or(report.plan.rows(), |left| left.rows)
        .saturating_sub(left_out);
    let mut lines = vec![file_line(view, theme), region_line(view, theme)];
    if let Some(note) = &view.rejected_note {
        lines.push(Line::styled(
            visible(&note.short()).into_owned(),
            theme.warn(),
        ));
    }
    lines.push(Line::default());
    let no_region = report.without_country_code();
    if view.region.is_none() && no_region > 0 {
        lines.push(Line::styled(
            format!(
                "⚠ No region: {} number{} without a country code {} invalid (g sets one)",
                thousands(no_region as u64),
                if no_region == 1 { "" } else { "s" },
                if no_region == 1 { "is" } else { "are" },
            ),
            theme.warn(),
        ));
    }
    lines.extend([
        Line::from(vec![
            Span::styled(format!("✓ {} valid", thousands(counts.valid)), theme.ok()),
            Span::raw("  "),
            Span::styled(
                format!("✗ {} invalid", thousands(counts.invalid)),
                if counts.invalid > 0 {
                    theme.error()
                } else {
                    theme.dim()
                },
            ),
            Span::raw(format!(
                "  {} duplicate  {} skipped (empty)",
                thousands(counts.duplicate),
                thousands(counts.skipped)
            )),
        ]),
        Line::raw(match view.left_to_send() {
            _ if left_out > 0 && to_send == 0 => {
                "Sends nothing: the batch holds every one of these numbers already.".to_owned()
            }
            // Resuming: what is left, never what was planned at first.
            Some(left) => format!(
                "Sends {} in {}; {} already confirmed.",
                counted(left.rows.saturating_sub(left_out), "contact"),
                counted(left.requests as u64, "request"),
                thousands(left.confirmed_rows)
            ),
            None => format!(
                "Sends {} in {} of at most 1,000 rows.",
                counted(report.plan.rows().saturating_sub(left_out), "contact"),
                counted(requests as u64, "request"),
            ),
        }),
    ]);
    lines.extend(number_lines(report, theme));
    lines.extend(crate::tui::widgets::local_time::lines(
        view.local_times.as_ref(),
        theme,
    ));
    // The remedy, where it exists, said where the flag is (the footer may
    // have no room for its key).
    if view.can_split() {
        lines.push(Line::from(vec![
            Span::raw("   "),
            Span::styled("z", theme.key()),
            Span::raw(" one batch per flagged zone, its window in its own time (reviewed first)"),
        ]));
    }
    if let Some(line) = comparing_line(view, theme) {
        lines.push(line);
    }
    if !report.rejected.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!(
                "Invalid rows{} (w writes them all to NAME.rejected.csv)",
                if report.rejected.len() > SHOWN_REJECTED {
                    format!(", the first {SHOWN_REJECTED}")
                } else {
                    String::new()
                }
            ),
            theme.title(),
        ));
        for row in report.rejected.iter().take(SHOWN_REJECTED) {
            // A line's worth of the row: a cell may hold 64 KiB.
            let cells = fit(&visible(&row.cells.join(" · ")), MAX_ROW_CHARS);
            lines.push(Line::from(vec![
                Span::styled(format!("  line {:<6}", row.line), theme.dim()),
                Span::styled(format!("{:<22} ", row.reason.to_string()), theme.error()),
                Span::raw(cells),
            ]));
        }
    }
    if let Some(first) = report.duplicates.first() {
        lines.push(Line::styled(
            format!(
                "Duplicates are left out, the first kept: line {} repeats line {} ({}){}.",
                first.line,
                first.first_line,
                // No-break spaces: the line wraps, and not inside the number.
                crate::domain::phone::format_number(&first.phone.to_string())
                    .replace(' ', "\u{a0}"),
                match report.duplicates.len() - 1 {
                    0 => String::new(),
                    more => format!(", and {} more", thousands(more as u64)),
                }
            ),
            theme.dim(),
        ));
    }
    if !report.samples.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "The first rows exactly as they are sent (call_data)",
            theme.title(),
        ));
        for sample in &report.samples {
            lines.push(Line::raw(format!(
                "  {}",
                fit(&visible(sample), MAX_ROW_CHARS)
            )));
        }
    }
    let max = max_scroll(&lines, area);
    record(view, |g| g.preview_max_scroll = max);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.preview_scroll.min(max), 0)),
        area,
    );
}

/// How the rows to send compare with the numbers the batch holds.
fn comparing_line(view: &ImportView, theme: &Theme) -> Option<Line<'static>> {
    Some(match view.comparing.as_ref()? {
        Comparing::Reading { pages, .. } => {
            let mut text = match pages {
                Some(p) => format!(
                    "Looking for these numbers in the batch: page {} of {}…",
                    thousands(p.pages),
                    thousands(p.of)
                ),
                None => "Looking for these numbers in the batch…".to_owned(),
            };
            if view.send_when_compared {
                text.push_str(" Sending starts once that is done.");
            }
            Line::styled(text, theme.dim())
        }
        Comparing::Done(comparison) if comparison.numbers.not_whole().is_some() => Line::styled(
            format!(
                "⚠ {} left out; {}.",
                counted(comparison.left_out, "number"),
                visible(&comparison.numbers.not_whole().unwrap_or_default())
            ),
            theme.warn(),
        ),
        Comparing::Done(comparison) if comparison.left_out > 0 => Line::styled(
            format!(
                "{} number{} already in the batch {} left out (b sends {} too).",
                thousands(comparison.left_out),
                if comparison.left_out == 1 { "" } else { "s" },
                if comparison.left_out == 1 {
                    "is"
                } else {
                    "are"
                },
                if comparison.left_out == 1 {
                    "it"
                } else {
                    "them"
                },
            ),
            theme.warn(),
        ),
        Comparing::Done(comparison) if comparison.numbers.calls() == 0 => {
            Line::styled("The batch holds no calls yet.", theme.dim())
        }
        Comparing::Done(comparison) => Line::styled(
            format!(
                "None of these numbers is in the batch yet (it holds {}).",
                counted(comparison.numbers.calls(), "call")
            ),
            theme.dim(),
        ),
        Comparing::Failed(e) => Line::styled(format!("⚠ {}", visible(e)), theme.warn()),
        Comparing::Off => Line::styled(
            "Numbers the batch holds already are sent again too (b leaves them out).",
            theme.warn(),
        ),
    })
}

/// What the check says about the numbers beyond the counts, each with
/// the key that changes it: those outside the region by country (`o`),
/// the decimals read as whole numbers, the extensions (`x`).
fn number_lines(report: &CheckReport, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    if let Some(summary) = report.outside_summary() {
        let held = report.counts.outside_region;
        lines.push(if held == 0 {
            Line::styled(
                format!("✓ {summary}: sent, as you allowed (o holds them back)"),
                theme.ok(),
            )
        } else {
            Line::styled(
                format!(
                    "⚠ {summary}: {} not sent (o sends them too)",
                    thousands(held)
                ),
                theme.warn(),
            )
        });
    }
    let decimals = report.read_from_decimal;
    if decimals > 0 {
        lines.push(Line::raw(format!(
            "{} number{} written as decimals (17796726653.0, 1.7796726653E10) read as whole numbers",
            thousands(decimals),
            plural(decimals)
        )));
    }
    let dropped = report.extensions_dropped;
    if dropped > 0 {
        lines.push(Line::raw(format!(
            "{} number{} with an extension dialled without it (x refuses them)",
            thousands(dropped),
            plural(dropped)
        )));
    }
    let refused = report.with_extension() as u64;
    if refused > 0 {
        lines.push(Line::styled(
            format!(
                "⚠ {} number{} an extension: invalid (x dials {} without it)",
                thousands(refused),
                if refused == 1 { " has" } else { "s have" },
                if refused == 1 { "it" } else { "them" }
            ),
            theme.warn(),
        ));
    }
    // Values sent with spaces at an end or characters no one sees.
    for odd in &report.odd_values {
        lines.push(Line::styled(format!("⚠ {}", odd.describe()), theme.warn()));
    }
    lines
}

/// The sending step; once done, with every row of the file accounted
/// for when the check's `counts` are known.
fn draw_send(
    sending: &Sending,
    counts: Option<&crate::import::check::Counts>,
    gone: bool,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let [status, gauge, _, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let summary = sending.summary();
    let total = summary.rows_total.max(sending.plan.rows());
    let done = summary.rows_confirmed;
    let requests = sending.plan.requests().len();
    let status_line = match sending.phase {
        SendPhase::Starting => Line::raw("Writing the import journal…"),
        SendPhase::Running | SendPhase::Pausing => match sending.in_flight {
            Some(i) => Line::raw(format!(
                "Request {} of {requests} on its way ({}){}",
                i + 1,
                sending.requests().get(i).map(rows_of).unwrap_or_default(),
                if sending.phase == SendPhase::Pausing {
                    ": pausing once it is answered"
                } else {
                    ""
                }
            )),
            None => Line::raw("Sending…"),
        },
        // The engine stopped on Weya's 404: nothing more goes.
        SendPhase::Paused if gone => Line::styled(
            "Stopped: the batch no longer exists; nothing more is sent. Esc leaves.",
            theme.warn(),
        ),
        SendPhase::Paused => Line::styled(
            "Paused. Enter sends the requests not sent yet.",
            theme.warn(),
        ),
        SendPhase::Doubt => Line::styled(
            match sending.in_doubt().map(|r| &r.state) {
                Some(RequestState::Partial { .. }) => {
                    "Weya added fewer rows than it was sent: are the others in the batch?"
                }
                _ => "A request's answer never came, or contradicts itself: is it in the batch?",
            },
            theme.warn(),
        ),
        SendPhase::Done if sending.failed().next().is_some() => Line::styled(
            "Done, except the requests below: r sends their rows again.",
            theme.warn(),
        ),
        // Only when the journal says every request is confirmed: anything
        // short of that is never "all".
        SendPhase::Done
            if sending
                .journal
                .as_ref()
                .is_some_and(crate::import::ImportJournal::is_complete) =>
        {
            let mut text = if done == 1 {
                "Done: the 1 contact is in the batch".to_owned()
            } else {
                format!("Done: all {} contacts are in the batch", thousands(done))
            };
            if summary.rows_left_out > 0 {
                text.push_str(&if summary.rows_left_out == 1 {
                    " (1 of them was there already and was not sent)".to_owned()
                } else {
                    format!(
                        " ({} of them were there already and were not sent)",
                        thousands(summary.rows_left_out)
                    )
                });
            }
            text.push('.');
            Line::styled(text, theme.ok())
        }
        SendPhase::Done => Line::styled(
            format!(
                "Done, but not all: {} of {} confirmed in the batch.",
                thousands(done),
                counted(summary.rows_total, "contact")
            ),
            theme.warn(),
        ),
    };
    frame.render_widget(Paragraph::new(status_line), status);
    #[allow(clippy::cast_precision_loss)] // a ratio for a bar
    let ratio = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    let mut label = format!("{} / {}", thousands(done), counted(total, "row"));
    if let Some((rate, left)) = sending.rate(now) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // shown whole
        let rate = rate.round() as u64;
        label.push_str(&format!(" · {}/s", counted(rate, "row")));
        if matches!(sending.phase, SendPhase::Running | SendPhase::Pausing) && left > 0 {
            label.push_str(&format!(" · about {} left", duration(left)));
        }
    }
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(theme.ok()),
        gauge,
    );
    let mut lines = Vec::new();
    if sending.phase == SendPhase::Done
        && let (Some(counts), Some(journal)) = (counts, &sending.journal)
    {
        let account = crate::import::account::RowAccount::of(counts, journal);
        lines.push(Line::raw(format!("{}.", account.line())));
        lines.push(Line::default());
    }
    if let Some(error) = &sending.error {
        lines.push(Line::styled(format!("✗ {}", visible(error)), theme.error()));
    }
    if sending.phase == SendPhase::Doubt
        && let Some(request) = sending.in_doubt()
    {
        lines.extend(doubt_lines(sending, request, theme));
        lines.push(Line::default());
    }
    let failed: Vec<_> = sending.failed().collect();
    if !failed.is_empty() {
        let rows: u64 = failed.iter().map(|(r, _)| u64::from(r.rows)).sum();
        lines.push(Line::styled(
            format!(
                "{} failed ({}, {} added):",
                counted(failed.len() as u64, "request"),
                counted(rows, "row"),
                if rows == 1 { "not" } else { "none of them" }
            ),
            theme.error(),
        ));
        for (request, reason) in failed.iter().take(SHOWN_FAILED) {
            lines.push(Line::raw(format!(
                "  request {}, {}: {}",
                request.index + 1,
                rows_of(request),
                visible(reason)
            )));
        }
        if failed.len() > SHOWN_FAILED {
            lines.push(Line::styled(
                format!("  … and {} more", failed.len() - SHOWN_FAILED),
                theme.dim(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
}

/// Lets `draw` write what it measured.
fn record(view: &ImportView, change: impl FnOnce(&mut Geometry)) {
    let mut geometry = view.geometry.get();
    change(&mut geometry);
    view.geometry.set(geometry);
}

/// What the operator needs to decide about a request in doubt: the
/// batch's totalCalls when the import started and now, and what each
/// answer would make of it (the engine's [`DoubtFigures`]).
fn doubt_lines(sending: &Sending, request: &JournalRequest, theme: &Theme) -> Vec<Line<'static>> {
    let reason = match &request.state {
        RequestState::Unknown { reason } | RequestState::Partial { reason, .. } => reason.clone(),
        _ => "no answer".to_owned(),
    };
    let mut lines = vec![Line::raw(format!(
        "Request {}, {}: {}.",
        request.index + 1,
        rows_of(request),
        visible(&reason)
    ))];
    let now = match &sending.totals_now {
        None => "asking Weya…".to_owned(),
        Some(Ok(n)) => thousands(*n),
        Some(Err(e)) => format!("cannot tell ({})", visible(e)),
    };
    let figures = sending.journal.as_ref().map(|journal| {
        let now = sending
            .totals_now
            .as_ref()
            .and_then(|t| t.as_ref().ok().copied());
        DoubtFigures::of(journal, request, now)
    });
    let before = sending
        .totals_before()
        .map_or_else(|| "not known".to_owned(), thousands);
    lines.push(Line::from(vec![
        Span::raw("The batch's totalCalls: before this import "),
        Span::styled(before, theme.title()),
        Span::raw(", now "),
        Span::styled(now, theme.title()),
        Span::raw("."),
    ]));
    if let Some((figures, (without, with))) = figures.and_then(|f| f.expected().map(|e| (f, e))) {
        lines.push(Line::raw(format!(
            "With its {} added it would be {}; without {} {} \
             (if nothing else added calls meanwhile).",
            counted(figures.in_question, "row"),
            thousands(with),
            if figures.in_question == 1 {
                "it"
            } else {
                "them"
            },
            thousands(without)
        )));
    }
    lines.push(Line::styled(
        "a: they are there (count them as sent) · s: send again those whose number the batch \
         does not hold · t: ask again",
        theme.dim(),
    ));
    lines
}

/// "rows 1,001–2,000".
fn rows_of(request: &JournalRequest) -> String {
    format!(
        "rows {}–{}",
        thousands(request.first_row),
        thousands(request.first_row + u64::from(request.rows).saturating_sub(1))
    )
}

/// The offset that keeps `cursor` among `rows` visible rows, moving as
/// little as possible from `offset`.
fn keep_visible(offset: usize, cursor: usize, rows: usize) -> usize {
    if cursor < offset {
        cursor
    } else if cursor >= offset + rows {
        cursor + 1 - rows
    } else {
        offset
    }
}

/// How far `lines`, wrapped to `area`'s width, can scroll.
fn max_scroll(lines: &[Line], area: Rect) -> u16 {
    let width = usize::from(area.width.max(1));
    let height: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    u16::try_from(height.saturating_sub(usize::from(area.height))).unwrap_or(u16::MAX)
}

/// The views' counts read as the commands' do.
pub(crate) use crate::num::{counted, thousands};

/// 4718592 → "4.5 MiB".
fn bytes(n: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // shown to one decimal
    let mib = n as f64 / (1024.0 * 1024.0);
    if mib >= 1.0 {
        format!("{mib:.1} MiB")
    } else {
        format!("{} KiB", n.div_ceil(1024))
    }
}

/// 75 → "1 min 15 s".
fn duration(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(duration(75), "1 min 15 s");
        assert_eq!(bytes(4_718_592), "4.5 MiB");
    }

    #[test]
    fn the_column_list_scrolls_as_little_as_it_must() {
        assert_eq!(keep_visible(0, 3, 5), 0);
        assert_eq!(keep_visible(0, 7, 5), 3);
        assert_eq!(keep_visible(3, 1, 5), 1);
    }
}
