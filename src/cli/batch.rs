//! `weya-tui batch view|calls|start|stop|delete ID`: one batch without the
//! TUI, gh-style. Like the other commands (see [`crate::cli`]) each
//! writes to the streams it is given and returns its exit code: 0 done,
//! 1 the API or the network failed, 2 invalid input or refused (nothing
//! was sent). Every start, stop and delete that is sent is journaled.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr as _;

use super::args::{ApiOptions, BatchAction};
use super::output::{self, FAILED, Io, OK, REFUSED, cell, thousands, thousands_or_unknown};
use crate::actions;
use crate::api::error::safe_excerpt;
use crate::api::types::is_object_id;
use crate::api::{ApiError, BatchDetails, BatchQuery, BatchSummary, Call, CallQuery, WeyaClient};
use crate::campaign::outcomes::NOT_CALLED;
use crate::campaign::progress::{CallsSeen, Forecast, History, Plan, Situation, Stall};
use crate::campaign::sorted::SortKey;
use crate::domain::phone::format_number;
use crate::form::days::DaySet;
use crate::store::journal::{self, JournalAction, JournalEntry};
use crate::text::{json as json_line, visible};

impl BatchAction {
    pub fn api(&self) -> ApiOptions {
        match self {
            Self::View { api, .. }
            | Self::Calls { api, .. }
            | Self::Start { api, .. }
            | Self::Stop { api, .. }
            | Self::Watch { api, .. }
            | Self::Export { api, .. }
            | Self::Delete { api, .. } => *api,
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::View { id, .. }
            | Self::Calls { id, .. }
            | Self::Start { id, .. }
            | Self::Stop { id, .. }
            | Self::Watch { id, .. }
            | Self::Export { id, .. }
            | Self::Delete { id, .. } => id,
        }
    }
}

pub use super::workspace::{Workspace, batch_failure, failure, note, read_failure};

/// Asks a question on the terminal and returns the line typed.
pub type AskLine = dyn FnMut(&str) -> io::Result<String>;

/// Asks on stderr and reads one line from stdin.
pub fn ask_line_on_terminal(question: &str) -> io::Result<String> {
    let mut err = io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(answer)
}

/// How wide the calls table may be: on a terminal, `COLUMNS` when set,
/// else the terminal's width; into a pipe or a file, no limit (a script
/// gets every column).
pub fn output_width() -> Option<usize> {
    use std::io::IsTerminal;
    // Into a pipe or a file nothing is cut: a script gets every name and
    // field whole, whatever COLUMNS says.
    if !io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .or_else(|| {
            crossterm::terminal::size()
                .ok()
                .map(|(cols, _)| usize::from(cols))
        })
}

/// Runs `command`. `ask` is `None` when there is no terminal to ask on.
pub async fn run(
    command: &BatchAction,
    workspace: &Workspace,
    ask: Option<&mut AskLine>,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let given = command.id();
    // Before anything else: an ID that is not one is the first thing to
    // fix, whatever else is wrong. Anything else is a batch's name.
    let id = if super::resolve::means_an_id(given) {
        if !is_object_id(given) {
            let e = ApiError::InvalidId {
                what: "batch ID",
                value: safe_excerpt(given.as_bytes(), 40),
            };
            return failure(io, workspace, &e);
        }
        given.to_owned()
    } else {
        match super::resolve::batch_id(&workspace.client, given).await {
            Ok(id) => id,
            Err(not_one) => {
                let matches: Vec<_> = not_one
                    .listed()
                    .iter()
                    .map(|b| json!({"id": b.id, "name": b.batch_name}))
                    .collect();
                return io.fail_lines(
                    not_one.code(),
                    &not_one.message(given),
                    json!({"matches": matches}),
                );
            }
        }
    };
    let id = id.as_str();
    match command {
        BatchAction::View { .. } => view(workspace, id, io).await,
        BatchAction::Calls {
            status,
            page,
            limit,
            sort,
            desc,
            ..
        } => {
            let order = match (sort, desc) {
                (None, _) | (Some(_), true) => crate::api::SortOrder::Desc,
                (Some(_), false) => crate::api::SortOrder::Asc,
            };
            let query = CallQuery {
                page: *page,
                limit: *limit,
                filter: status.clone().filter(|s| !s.trim().is_empty()),
                sort_order: order,
                ..CallQuery::default()
            };
            let column = sort.clone().unwrap_or_default();
            let not_called = query.filter.as_deref() == Some(NOT_CALLED);
            if column.by_server() && !not_called {
                calls(workspace, id, &query, io).await
            } else {
                sorted_calls(workspace, id, column, &query, io).await
            }
        }
        BatchAction::Start { .. } => dialer(workspace, id, Switch::Start, io).await,
        BatchAction::Stop { .. } => dialer(workspace, id, Switch::Stop, io).await,
        BatchAction::Watch { every, .. } => {
            watch(workspace, id, std::time::Duration::from_secs(*every), io).await
        }
        BatchAction::Export {
            format,
            output,
            allow_unreadable,
            ..
        } => {
            super::export::export(
                workspace,
                id,
                *format,
                output.as_deref(),
                *allow_unreadable,
                io,
            )
            .await
        }
        BatchAction::Delete { yes, .. } => delete(workspace, id, *yes, ask, io).await,
    }
}

fn read_journal(workspace: &Workspace) -> Vec<JournalEntry> {
    workspace
        .journal
        .as_deref()
        .and_then(|path| journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default()
}

// ---- view ----

/// `batch view ID`. batch-details gives the name, status and number of
/// calls; the batch list adds progress and dates (it needs the user ID);
/// the calling window is in no answer of Weya's, so it comes from the
/// journal when the batch was created from this machine.
async fn view(workspace: &Workspace, id: &str, io: &mut Io<'_>) -> io::Result<u8> {
    let entries = read_journal(workspace);
    let body = journal::created_body(&entries, &workspace.target, id);
    let plan = body.map(Plan::from_body).unwrap_or_default();
    // The window as sent (for its line and the contacts' local time), and
    // as the dialer follows it (for why it is not moving and when it ends).
    let ignored = workspace.dialer_ignores_window;
    let dialed = plan.clone().as_dialed(ignored);
    // Every page, once (see `crate::campaign`): its first page is the
    // batch's header, and the one fold of its calls feeds the outcomes,
    // the contacts' local time and the outlook.
    let mut first: Option<BatchDetails> = None;
    let counted = crate::campaign::outcomes::count(&workspace.client, id, plan.retry, |page| {
        first = Some(BatchDetails {
            calls: Vec::new(),
            ..page.clone()
        });
    })
    .await;
    let details = match (first, &counted) {
        (Some(mut details), counted) => {
            if let Ok(c) = counted {
                // As the last page said it: the newest word.
                details.batch_status.clone_from(&c.walked.batch_status);
            }
            details
        }
        (None, Err(e)) => match e.api() {
            Some(e) => return read_failure(io, workspace, e),
            None => return io.fail(FAILED, &e.to_string(), json!({})),
        },
        // A batch without calls: its first page was empty, and the walk
        // kept what it said.
        (None, Ok(c)) => BatchDetails {
            batch_id: c.walked.batch_id.clone(),
            batch_name: c.walked.batch_name.clone(),
            batch_status: c.walked.batch_status.clone(),
            page: 1,
            limit: u64::from(crate::campaign::WALK_PAGE),
            total: c.walked.total_last,
            total_pages: 0,
            calls: Vec::new(),
        },
    };
    let (summary, summary_missing) = match find_in_list(&workspace.client, &details).await {
        Ok(Some(summary)) => (Some(summary), None),
        Ok(None) => (None, Some("the batch list did not include it".to_owned())),
        Err(e) => (None, Some(e.to_string())),
    };
    let window = body.map(CallingWindow::of);
    let now = Utc::now();
    let seen = counted.as_ref().ok().map(|c| &c.calls);
    let outlook = Outlook::of(&details, summary.as_ref(), &dialed, seen, now);
    let local_times = local_times_of(workspace, plan.schedule.as_ref(), &counted);

    // The list may leave a count out; batch-details' total counts the calls too.
    let total = summary
        .as_ref()
        .and_then(|s| s.total_calls)
        .unwrap_or(details.total);
    if io.json {
        let value = json!({
            "batchId": details.batch_id,
            "batchName": details.batch_name,
            "status": details.batch_status,
            "totalCalls": total,
            "callsPicked": summary.as_ref().map(|s| s.calls_picked),
            "callsCompleted": summary.as_ref().map(|s| s.calls_completed),
            "createdAt": summary.as_ref().map(|s| &s.created_at),
            "updatedAt": summary.as_ref().map(|s| &s.updated_at),
            "callingWindow": window.as_ref().map(CallingWindow::to_json),
            "windowIgnored": ignored,
            "progressUnknown": summary_missing,
            "stall": outlook.stall.as_ref().map(Stall::to_json),
            "forecast": outlook.forecast.as_ref().ok().map(Forecast::to_json),
            "noForecast": outlook.forecast.as_ref().err(),
            "outcomes": counted.as_ref().ok().map(|c| c.outcomes.to_json(c)),
            "outcomesUnknown": counted.as_ref().err().map(ToString::to_string),
        });
        let mut value = value;
        let (local, basis) = crate::domain::local_time::json_facts(&local_times);
        if let Some(obj) = value.as_object_mut() {
            obj.insert("localTime".into(), local);
            obj.insert("localTimeBasis".into(), basis);
        }
        if let (Some(elsewhere), Some(obj)) = (workspace.sandbox_elsewhere, value.as_object_mut()) {
            obj.insert("sandboxDialerRunning".into(), json!(elsewhere));
        }
        writeln!(io.out, "{}", json_line(&value))?;
        return Ok(OK);
    }

    let out = &mut *io.out;
    writeln!(out, "Batch     {}", visible(&details.batch_name))?;
    writeln!(out, "ID        {}", visible(&details.batch_id))?;
    writeln!(out, "Status    {}", visible(&details.batch_status))?;
    match &summary {
        Some(s) => {
            writeln!(
                out,
                "Calls     {} in all · {} picked up · {} completed",
                thousands(total),
                thousands_or_unknown(s.calls_picked),
                thousands_or_unknown(s.calls_completed)
            )?;
            writeln!(
                out,
                "Progress  {}",
                progress(
                    s.calls_completed.unwrap_or(0),
                    s.calls_picked.unwrap_or(0),
                    total
                )
            )?;
            writeln!(out, "Created   {}", when(&s.created_at, now))?;
            writeln!(out, "Updated   {}", when(&s.updated_at, now))?;
        }
        None => writeln!(out, "Calls     {} in all", thousands(total))?,
    }
    match &window {
        Some(w) if ignored => writeln!(
            out,
            "Window    {} (as sent from this machine); {}",
            w.describe(),
            crate::campaign::progress::WINDOW_IGNORED
        )?,
        Some(w) => writeln!(
            out,
            "Window    {} (as sent from this machine)",
            w.describe()
        )?,
        None if ignored => writeln!(
            out,
            "Window    not known here; {}",
            crate::campaign::progress::WINDOW_IGNORED
        )?,
        None => writeln!(
            out,
            "Window    not known: Weya's answers do not include it, and this batch \
             was not created from this machine"
        )?,
    }
    match &counted {
        Ok(c) => {
            let lines = crate::campaign::outcomes::describe(c, now);
            for (i, line) in lines.iter().enumerate() {
                let head = if i == 0 { "Outcomes" } else { "" };
                writeln!(out, "{head:<10}{line}")?;
            }
        }
        Err(e) => writeln!(out, "Outcomes  not counted: {}", visible(&e.to_string()))?,
    }
    outlook.write(out, now)?;
    if ignored {
        writeln!(out, "{}", crate::domain::local_time::ANY_HOUR)?;
    }
    match &local_times {
        Ok(times) => {
            for line in times.lines(LISTED_ZONES) {
                writeln!(out, "{}", visible(&line))?;
            }
        }
        // The window's absence is said just above.
        Err(why) if window.is_some() => {
            writeln!(
                out,
                "{}",
                visible(&crate::domain::local_time::not_known(why))
            )?;
        }
        Err(_) => {}
    }
    if let Some(why) = summary_missing {
        note(
            io,
            &format!("progress and dates are not shown: {why} (they come from the batch list)"),
        )?;
    }
    // Said where it matters: a batch the dialer should be working on.
    if workspace.sandbox_elsewhere == Some(false) && details.batch_status == "active" {
        note(
            io,
            &format!(
                "no weya-tui is running the sandbox, so its dialer moves only while a \
                 command like this one runs; each catches it up from where it stopped (at \
                 most {} h at a time). A TUI or `weya-tui sandbox` keeps it dialing.",
                crate::sandbox::MAX_CATCH_UP.as_secs() / 3600
            ),
        )?;
    }
    Ok(OK)
}

/// Why the batch is not moving and when it will end, as one look can
/// tell (see [`crate::campaign::progress`]): from its counts, the
/// schedule and retries it was created with here, and the attempts of
/// the calls on the pages read.
struct Outlook {
    stall: Option<Stall>,
    forecast: Result<Forecast, String>,
}

impl Outlook {
    fn of(
        details: &BatchDetails,
        summary: Option<&BatchSummary>,
        plan: &Plan,
        seen: Option<&CallsSeen>,
        now: DateTime<Utc>,
    ) -> Self {
        let status = details.batch_status.as_str();
        let seen = seen.filter(|s| s.read > 0);
        let total = summary.and_then(|s| s.total_calls).or(Some(details.total));
        let completed = summary.and_then(|s| s.calls_completed);
        // Weya moves `updatedAt` as calls are made: how long nothing has.
        let updated = summary
            .and_then(|s| DateTime::parse_from_rfc3339(&s.updated_at).ok())
            .map(|t| t.with_timezone(&Utc));
        let last_move = updated.max(seen.and_then(|s| s.last_attempt));
        let situation = Situation {
            status,
            total,
            completed,
            schedule: plan.schedule.as_ref(),
            calls: seen,
            quiet: last_move.map(|t| now - t),
            now,
        };
        let rate = seen.and_then(|s| s.rate(plan.schedule.as_ref()));
        let outlook = crate::campaign::progress::Outlook::of(&situation, rate.as_ref());
        let forecast = match situation.calls_left() {
            Some(_) => outlook.forecast.map_err(|e| e.as_str().to_owned()),
            None => Err("progress not known".to_owned()),
        };
        Self {
            stall: outlook.stall,
            forecast,
        }
    }

    fn write(&self, out: &mut dyn Write, now: DateTime<Utc>) -> io::Result<()> {
        if let Some(stall) = &self.stall {
            writeln!(out, "Not moving {}", visible(&stall.detail))?;
        }
        match &self.forecast {
            Ok(f) => {
                writeln!(out, "Forecast  {}", f.line(now))?;
                writeln!(out, "          {}", f.assumptions())?;
            }
            Err(why) => writeln!(out, "Forecast  none: {why}")?,
        }
        Ok(())
    }
}

/// The most time zones `batch view` lists (`--json` has them all).
const LISTED_ZONES: usize = 8;

/// The batch's window on its contacts' clocks, from the calls counted by
/// time zone in the one walk, when its window is known (there would be
/// nothing to convert otherwise).
fn local_times_of(
    workspace: &Workspace,
    schedule: Option<&crate::domain::schedule::CallingSchedule>,
    counted: &Result<crate::campaign::outcomes::Counted, crate::campaign::WalkError>,
) -> Result<crate::domain::local_time::LocalTimes, String> {
    use crate::domain::local_time;
    let Some(schedule) = schedule else {
        return Err(local_time::NO_SCHEDULE.to_owned());
    };
    let counted = counted
        .as_ref()
        .map_err(|e| format!("the batch's calls could not be read ({e})"))?;
    local_time::for_batch(
        Some(schedule),
        &counted.zones,
        workspace.contact_hours,
        Utc::now(),
    )
}

// ---- watch ----

/// `batch watch ID`: looks at the batch every `every`, and writes a line
/// (with `--json`, a JSON line) each time its status or progress changes,
/// until it ends: 0 when it completes, 1 when it is stopped, is deleted
/// (batch-details answers 404) or Weya cannot be asked. For scripts and
/// cron (gh's `run watch` is the model): nothing is drawn over, so a log
/// keeps every step.
/// How many failed looks in a row (the batch's details or the batch list
/// failing) end `batch watch` with exit 1; after each before, it waits
/// twice the last wait, from `--every`, at most a minute, and says so.
const WATCH_MISSES: u32 = 5;

async fn watch(
    workspace: &Workspace,
    id: &str,
    every: std::time::Duration,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let first = CallQuery {
        limit: 1,
        ..CallQuery::default()
    };
    let mut last: Option<serde_json::Value> = None;
    // The counts seen, for the rate, and what was last said of a stall.
    let mut history = History::default();
    let mut stall_said: Option<String> = None;
    let entries = read_journal(workspace);
    let plan = journal::created_body(&entries, &workspace.target, id)
        .map(Plan::from_body)
        .unwrap_or_default()
        .as_dialed(workspace.dialer_ignores_window);
    if workspace.dialer_ignores_window && !io.json {
        note(io, crate::campaign::progress::WINDOW_IGNORED)?;
    }
    // Failed looks in a row: one blip (a dropped connection, a 502) is
    // asked again, as the app's refresh does, rather than end a watch a
    // script or cron relies on. A look is the batch's details and the
    // batch list (its progress): either failing is a failed look.
    let mut misses = Misses::default();
    loop {
        let details = match workspace.client.batch_details(id, &first).await {
            Ok(details) => details,
            // Deleted, refused or misconfigured: asking again changes nothing.
            Err(e)
                if e.is_config_problem() || matches!(e.status(), Some(400 | 401 | 403 | 404)) =>
            {
                return batch_failure(io, workspace, &e, true);
            }
            Err(e) => {
                let Some(wait) = misses.failed(every) else {
                    note(io, &misses.gave_up())?;
                    return failure(io, workspace, &e);
                };
                note(
                    io,
                    &format!("could not ask Weya ({e}); {}", misses.again(wait)),
                )?;
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        // Progress comes from the batch list; without it the status and
        // the number of calls still say whether the batch has ended.
        let (summary, list_wait) = match find_in_list(&workspace.client, &details).await {
            Ok(summary) => {
                misses = Misses::default();
                (summary, None)
            }
            Err(e) => {
                let Some(wait) = misses.failed(every) else {
                    note(io, &misses.gave_up())?;
                    return failure(io, workspace, &e);
                };
                note(
                    io,
                    &format!(
                        "could not read the batch list for the batch's progress ({e}); {}",
                        misses.again(wait)
                    ),
                )?;
                (None, Some(wait))
            }
        };
        let total = summary
            .as_ref()
            .and_then(|s| s.total_calls)
            .unwrap_or(details.total);
        let picked = summary.as_ref().and_then(|s| s.calls_picked);
        let completed = summary.as_ref().and_then(|s| s.calls_completed);
        let seen = json!({
            "batchId": details.batch_id,
            "batchName": details.batch_name,
            "status": details.batch_status,
            "totalCalls": total,
            "callsPicked": picked,
            "callsCompleted": completed,
        });
        let now = Utc::now();
        history.record(
            now,
            &details.batch_status,
            Some(total),
            completed.unwrap_or(0),
            picked.unwrap_or(0),
        );
        let outlook = watch_outlook(&history, &plan, &details.batch_status, total, now);
        if last.as_ref() != Some(&seen) {
            if io.json {
                let mut line = seen.clone();
                if let Some(obj) = line.as_object_mut() {
                    let stall = outlook.0.as_ref().map_or(Value::Null, Stall::to_json);
                    obj.insert("stall".into(), stall);
                    let ends = outlook.1.as_ref().map_or(Value::Null, Forecast::to_json);
                    obj.insert("forecast".into(), ends);
                }
                writeln!(io.out, "{}", json_line(&line))?;
            } else {
                let ends = outlook
                    .1
                    .as_ref()
                    .map(|f| format!("  {}", f.line(now)))
                    .unwrap_or_default();
                writeln!(
                    io.out,
                    "{}  {}  {}  {}{ends}",
                    chrono::Local::now().format("%H:%M:%S"),
                    visible(&details.batch_name),
                    visible(&details.batch_status),
                    progress(completed.unwrap_or(0), picked.unwrap_or(0), total)
                )?;
            }
            io.out.flush()?;
            if last.is_none() && total == 0 {
                // Nothing will be called: an empty batch "completes" at
                // once when started, which is no news to wait for.
                note(
                    io,
                    &format!(
                        "batch {id} has no calls: nothing to watch (import contacts into it \
                         first: `weya-tui batch import {id} FILE`)"
                    ),
                )?;
                return Ok(REFUSED);
            }
            if last.is_none() && details.batch_status == "paused" {
                note(
                    io,
                    &format!(
                        "the batch is not started (`weya-tui batch start {id}`); \
                         watching until it ends"
                    ),
                )?;
            }
            last = Some(seen);
        }
        // A stall is said once as it begins (and again if its words
        // change); with --json each line carries it.
        let detail = outlook.0.map(|s| s.detail);
        if detail != stall_said && !io.json {
            if let Some(detail) = &detail {
                writeln!(
                    io.out,
                    "{}  not moving: {}",
                    chrono::Local::now().format("%H:%M:%S"),
                    visible(detail)
                )?;
                io.out.flush()?;
            }
            stall_said = detail;
        }
        match details.batch_status.as_str() {
            "completed" => return Ok(OK),
            "stopped" => {
                note(io, &format!("batch {id} was stopped before it completed"))?;
                return Ok(FAILED);
            }
            _ => {}
        }
        tokio::time::sleep(list_wait.unwrap_or(every)).await;
    }
}

/// `batch watch`'s failed looks in a row, and the waits after them: each
/// twice the last, from `--every`, at most a minute. The
/// [`WATCH_MISSES`]th in a row ends the watch: no request follows it.
#[derive(Debug, Default)]
struct Misses(u32);

impl Misses {
    /// Counts a failed look: the wait before the next look, or `None` when
    /// this one was the last allowed.
    fn failed(&mut self, every: std::time::Duration) -> Option<std::time::Duration> {
        self.0 += 1;
        (self.0 < WATCH_MISSES).then(|| {
            every
                .saturating_mul(1 << (self.0 - 1))
                .min(std::time::Duration::from_secs(60))
        })
    }

    /// "asking again in 2 s (2 of 5 failed looks in a row before giving up)"
    fn again(&self, wait: std::time::Duration) -> String {
        format!(
            "asking again in {} s ({} of {WATCH_MISSES} failed looks in a row before giving up)",
            wait.as_secs().max(1),
            self.0
        )
    }

    fn gave_up(&self) -> String {
        format!(
            "{} of {WATCH_MISSES} failed looks in a row: giving up",
            self.0
        )
    }
}

/// What `batch watch` says of a stall and the end, from the counts it
/// has seen (the same engine as the TUI's).
fn watch_outlook(
    history: &History,
    plan: &Plan,
    status: &str,
    total: u64,
    now: DateTime<Utc>,
) -> (Option<Stall>, Option<Forecast>) {
    let rate = history.rate(plan.schedule.as_ref());
    let situation = Situation {
        status,
        total: Some(total),
        completed: Some(history.latest().map_or(0, |s| s.completed)),
        ..history.situation(Some(plan), now)
    };
    let outlook = crate::campaign::progress::Outlook::of(&situation, rate.as_ref());
    (outlook.stall, outlook.forecast.ok())
}

/// The batch's item in the batch list, found by searching for its name.
async fn find_in_list(
    client: &WeyaClient,
    details: &BatchDetails,
) -> Result<Option<BatchSummary>, ApiError> {
    let query = BatchQuery {
        page: 1,
        limit: 100,
        search: Some(details.batch_name.clone()).filter(|n| !n.is_empty()),
    };
    let page = client.list_batches(&query).await?;
    Ok(page.batches.into_iter().find(|b| b.id == details.batch_id))
}

/// "[██████░░░░░░░░░░░░░░] 30% completed, 45% picked up": Weya's
/// `callsPicked` counts calls "picked up/answered", and is called so.
fn progress(completed: u64, picked: u64, total: u64) -> String {
    const WIDTH: u64 = 20;
    let share = |n: u64| (n.min(total) * 100).checked_div(total).unwrap_or(0);
    let cells = |n: u64| (n.min(total) * WIDTH).checked_div(total).unwrap_or(0);
    let (done, started) = (cells(completed), cells(picked.max(completed)));
    let bar: String = (0..WIDTH)
        .map(|i| match i {
            i if i < done => '█',
            i if i < started => '▒',
            _ => '░',
        })
        .collect();
    format!(
        "[{bar}] {}% completed, {}% picked up",
        share(completed),
        share(picked)
    )
}

/// "2026-01-15 19:30 (Asia/Kolkata), 3 h ago", on the operator's clock;
/// a time that does not read as one is shown as it came.
fn when(raw: &str, now: DateTime<Utc>) -> String {
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => {
            let at = at.with_timezone(&Utc);
            let clock = crate::config::local_clock();
            format!("{}, {}", clock.minute_zoned(at), ago(now - at))
        }
        Err(_) if raw.is_empty() => "-".to_owned(),
        Err(_) => visible(raw).into_owned(),
    }
}

/// "just now", "5 min ago", "3 h ago", "2 d ago"; "in the future" for a
/// server clock ahead of ours.
fn ago(elapsed: chrono::Duration) -> String {
    match elapsed.num_minutes() {
        ..-1 => "in the future".to_owned(),
        -1..1 => "just now".to_owned(),
        m @ 1..60 => format!("{m} min ago"),
        m @ 60..2880 => format!("{} h ago", m / 60),
        m => format!("{} d ago", m / 1440),
    }
}

/// The calling window a batch was created with, from its createBatch body.
struct CallingWindow {
    timezone: Option<String>,
    hours: Option<(String, String)>,
    days: Option<Vec<u8>>,
}

impl CallingWindow {
    fn of(body: &Value) -> Self {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        Self {
            timezone: body.get("timezone").and_then(text),
            hours: body
                .get("callingHour")
                .and_then(|h| Some((text(h.get("start")?)?, text(h.get("end")?)?))),
            days: body
                .get("allowedDays")
                .and_then(Value::as_array)
                .map(|days| {
                    days.iter()
                        .filter_map(|d| d.as_u64().and_then(|d| u8::try_from(d).ok()))
                        .collect()
                }),
        }
    }

    /// "09:00–17:00 America/New_York, Mon–Fri"; a part the body left out
    /// is Weya's default, which Weya does not document.
    fn describe(&self) -> String {
        let hours = self
            .hours
            .as_ref()
            .map_or("hours not set".to_owned(), |(start, end)| {
                format!("{}–{}", visible(start), visible(end))
            });
        let timezone = self
            .timezone
            .as_deref()
            .map_or("timezone not set".into(), visible);
        let days = self.days.as_deref().map_or("days not set".to_owned(), |d| {
            DaySet::from_days(d).describe()
        });
        format!("{hours} {timezone}, {days}")
    }

    fn to_json(&self) -> Value {
        json!({
            "timezone": self.timezone,
            "callingHour": self.hours.as_ref().map(|(start, end)| json!({"start": start, "end": end})),
            "allowedDays": self.days,
        })
    }
}

// ---- calls ----

/// Width of the columns every call has; the contact's fields follow. A
/// number in international format takes at most 20 (15 digits, a `+` and
/// the spaces and dashes between its groups).
const PHONE_WIDTH: usize = 20;
const STATUS_WIDTH: usize = 12;
const DURATION_WIDTH: usize = 8;
const ATTEMPTS_WIDTH: usize = 8;
const TIME_WIDTH: usize = 16;
/// The widest a contact field's column gets; longer values are cut.
const FIELD_WIDTH: usize = 24;
const GAP: usize = 2;

/// `batch calls ID`: one page of the batch's calls as a table, or the
/// batch-details answer as JSON.
async fn calls(
    workspace: &Workspace,
    id: &str,
    query: &CallQuery,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let details = match workspace.client.batch_details(id, query).await {
        Ok(details) => details,
        Err(e) => return read_failure(io, workspace, &e),
    };
    write_page(workspace, &details, query, None, io)
}

/// One page of calls as a table, or as JSON (with `sort` when sorted
/// here).
fn write_page(
    workspace: &Workspace,
    details: &BatchDetails,
    query: &CallQuery,
    sort: Option<Value>,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    // Raw here: `fail` makes the whole message visible.
    let status = query
        .filter
        .as_deref()
        .map(|s| format!(" with status {s}"))
        .unwrap_or_default();
    let things = format!(
        "{}{status}",
        output::counted(details.total, "call", "calls")
    );
    let empty = details.calls.is_empty();
    if let Some(code) =
        output::past_the_last_page(io, query.page, empty, details.total_pages, &things)?
    {
        return Ok(code);
    }
    if io.json {
        // The batch in the one vocabulary (docs/cli.md "JSON"); each call
        // as Weya sent it, its contact's fields free-form.
        let value = json!({
            "batchId": details.batch_id,
            "batchName": details.batch_name,
            "status": details.batch_status,
            "page": details.page,
            "limit": details.limit,
            "total": details.total,
            "totalPages": details.total_pages,
            "calls": details.calls,
        });
        let mut value = value;
        if let (Some(sort), Some(obj)) = (sort, value.as_object_mut()) {
            obj.insert("sort".to_owned(), sort);
        }
        writeln!(io.out, "{}", json_line(&value))?;
        return Ok(OK);
    }
    let out = &mut *io.out;
    writeln!(
        out,
        "{} · {} · {}",
        visible(&details.batch_name),
        visible(&details.batch_status),
        visible(&details.batch_id)
    )?;
    let status = visible(&status);
    if details.calls.is_empty() {
        writeln!(out, "No calls{status} on page {}.", query.page)?;
    } else {
        let fields = field_columns(&details.calls, workspace.width);
        let whole = workspace.width.is_none();
        write_calls_table(out, &details.calls, &fields.shown, whole)?;
        if !fields.hidden.is_empty() {
            let names: Vec<_> = fields.hidden.iter().map(|k| visible(k)).collect();
            writeln!(
                out,
                "({} more field{} not shown for want of width: {}; --json has them all)",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )?;
        }
    }
    writeln!(
        out,
        "page {}/{} · {}{status}",
        thousands(details.page.max(1)),
        thousands(details.total_pages.max(1)),
        output::counted(details.total, "call", "calls")
    )?;
    Ok(OK)
}

/// `batch calls ID --sort COLUMN` (any column but `created`) or
/// `--status not-called-yet`: every page read once, the calls kept and
/// sorted, filtered and paged by [`crate::campaign::sorted`]; the same
/// table and JSON as one page of Weya's, with a `sort` object saying what
/// was read, and a line on stderr saying so.
async fn sorted_calls(
    workspace: &Workspace,
    id: &str,
    column: SortKey,
    query: &CallQuery,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    use crate::campaign::sorted::{Arrangement, Column, MAX_SORTED_CALLS};
    // Past the cap at the first page: nothing more is read.
    let kept = crate::campaign::outcomes::keep_for_sort(&workspace.client, id, MAX_SORTED_CALLS);
    let counted = match kept.await {
        Ok(counted) => counted,
        Err(e) => {
            return match e.api() {
                Some(e) => read_failure(io, workspace, e),
                None => io.fail(FAILED, &e.to_string(), json!({})),
            };
        }
    };
    let walked = &counted.walked;
    let rows = counted.rows.clone().unwrap_or_default();
    if let Some(over) = rows.over {
        return io.fail(
            REFUSED,
            &format!(
                "the batch holds {} calls, more than weya-tui reads to {} ({}); nothing \
                 more was read: {}",
                thousands(over),
                if query.filter.as_deref() == Some(NOT_CALLED) {
                    "find the calls not called yet"
                } else {
                    "sort"
                },
                thousands(MAX_SORTED_CALLS as u64),
                crate::campaign::sorted::over_cap_advice(query.filter.as_deref())
            ),
            json!({"calls": over, "maxSorted": MAX_SORTED_CALLS}),
        );
    }
    // A field is known only once the calls are read: a name no call
    // holds (a typo, another case) is refused rather than sorting nothing.
    if let SortKey::Field(name) = &column
        && !rows.has_field(name)
    {
        let fields = rows.fields();
        return io.fail(
            REFUSED,
            &format!(
                "{name:?} is not a column or a field of this batch's calls: give a column ({}) \
                 or a field ({})",
                Column::ALL.map(Column::name).join(", "),
                if fields.is_empty() {
                    "its calls have none".to_owned()
                } else {
                    fields.join(", ")
                }
            ),
            json!({"columns": Column::ALL.map(Column::name), "fields": fields}),
        );
    }
    let how = Arrangement {
        key: column.clone(),
        order: query.sort_order,
        status: query.filter.clone(),
        search: None,
    };
    let arranged = rows.arrange(&how);
    let (page, pages) = rows.page(&arranged, query.page, query.limit);
    let calls: Vec<Call> = page.into_iter().cloned().collect();
    let direction = crate::campaign::sorted::order_words(query.sort_order);
    let read_at = counted
        .at
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // Said on stderr, so a script's stdout stays the table or the JSON.
    writeln!(
        io.err,
        "read every page of the batch ({} calls, {} page{}) to {} by {} {direction}; Weya \
         sorts by createdAt only{}",
        thousands(walked.calls),
        thousands(u64::from(walked.pages)),
        if walked.pages == 1 { "" } else { "s" },
        if query.filter.as_deref() == Some(NOT_CALLED) {
            "find the calls not called yet and sort them"
        } else {
            "sort"
        },
        column.name(),
        if walked.moved() {
            " (the batch changed while it was read)"
        } else {
            ""
        }
    )?;
    if walked.unreadable > 0 {
        note(
            io,
            &format!(
                "NOT SORTED: {} (by position, oldest first), each alone larger than weya-tui \
                 reads (1 MiB: a long transcript); they are not among the calls listed",
                walked.unreadable_named()
            ),
        )?;
    }
    let details = BatchDetails {
        batch_id: walked.batch_id.clone(),
        batch_name: walked.batch_name.clone(),
        batch_status: walked.batch_status.clone(),
        page: u64::from(query.page),
        limit: u64::from(query.limit),
        total: arranged.len() as u64,
        total_pages: pages,
        calls,
    };
    let sort = json!({
        "column": column.name(),
        "contactField": matches!(column, SortKey::Field(_)),
        "order": query.sort_order.as_str(),
        "over": "every call of the batch, as read",
        "calls": walked.calls,
        "pages": walked.pages,
        "readAt": read_at,
        "batchChangedWhileRead": walked.moved(),
        "omitted": ["transcript", "recordingUrl"],
    });
    write_page(workspace, &details, query, Some(sort), io)
}

/// The contact fields' columns: those that fit, in the order first seen.
struct FieldColumns {
    shown: Vec<(String, usize)>,
    hidden: Vec<String>,
}

/// With no `width` (into a pipe or a file) every column is as wide as
/// its widest value: nothing is cut.
fn field_columns(calls: &[Call], width: Option<usize>) -> FieldColumns {
    let cap = if width.is_some() {
        FIELD_WIDTH
    } else {
        usize::MAX
    };
    let mut columns: Vec<(String, usize)> = Vec::new();
    for call in calls {
        for key in call.fields.keys() {
            let len = shown_width(&call.field_text(key).unwrap_or_default()).min(cap);
            match columns.iter_mut().find(|(k, _)| k == key) {
                Some((_, w)) => *w = (*w).max(len),
                None => columns.push((key.clone(), shown_width(key).min(cap).max(len))),
            }
        }
    }
    let mut used =
        PHONE_WIDTH + STATUS_WIDTH + DURATION_WIDTH + ATTEMPTS_WIDTH + TIME_WIDTH + 4 * GAP;
    let mut fits = true;
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    for (key, w) in columns {
        // Once one does not fit, the rest go too: columns keep their order.
        fits = fits && width.is_none_or(|max| used + GAP + w <= max);
        if fits {
            used += GAP + w;
            shown.push((key, w));
        } else {
            hidden.push(key);
        }
    }
    FieldColumns { shown, hidden }
}

/// The calls as a table. `whole` (into a pipe or a file): the number,
/// status and time columns widen to their longest value instead of
/// cutting it, as the fields' columns do.
fn write_calls_table(
    out: &mut dyn Write,
    calls: &[Call],
    fields: &[(String, usize)],
    whole: bool,
) -> io::Result<()> {
    let widest = |min: usize, text: &dyn Fn(&Call) -> String| {
        if whole {
            calls
                .iter()
                .map(|c| shown_width(&text(c)))
                .fold(min, usize::max)
        } else {
            min
        }
    };
    let phone_width = widest(PHONE_WIDTH, &|c| format_number(&c.phone_number));
    let status_width = widest(STATUS_WIDTH, &|c| c.status().unwrap_or("-").to_owned());
    let time_width = widest(TIME_WIDTH, &|c| short_time(call_time(c), usize::MAX));
    let mut header = format!(
        "{:<phone_width$}  {:<status_width$}  {:>DURATION_WIDTH$}  {:>ATTEMPTS_WIDTH$}  {:<time_width$}",
        "PHONE",
        "STATUS",
        "DURATION",
        "ATTEMPTS",
        crate::config::local_clock().heading("TIME", TIME_WIDTH, Utc::now())
    );
    for (key, w) in fields {
        header.push_str(&format!("  {}", cell(key, *w)));
    }
    writeln!(out, "{}", header.trim_end())?;
    for call in calls {
        let log = call.latest_log();
        let mut line = format!(
            "{}  {}  {:>DURATION_WIDTH$}  {:>ATTEMPTS_WIDTH$}  {}",
            cell(&format_number(&call.phone_number), phone_width),
            cell(call.status().unwrap_or("-"), status_width),
            log.and_then(|l| l.call_duration)
                .map_or("-".to_owned(), duration),
            call.phone_logs.len(),
            cell(&short_time(call_time(call), time_width), time_width),
        );
        for (key, w) in fields {
            let value = call.field_text(key).unwrap_or_default();
            line.push_str(&format!("  {}", cell(&value, *w)));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Columns as the table counts them: made visible first, since that is
/// what is printed.
fn shown_width(text: &str) -> usize {
    visible(text).width()
}

/// "1:05", "1:02:03".
fn duration(seconds: f64) -> String {
    let total = crate::num::round_u64(seconds);
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// When the call was last tried (else created), as Weya wrote it.
fn call_time(call: &Call) -> &str {
    call.latest_log()
        .map(|l| l.created_at.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or(&call.created_at)
}

/// "2026-01-15 14:03"; a time that does not read as one, as it came (cut
/// to `width`).
fn short_time(raw: &str, width: usize) -> String {
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => crate::config::local_clock().minute(at.with_timezone(&Utc)),
        Err(_) if raw.is_empty() => "-".to_owned(),
        Err(_) if width == usize::MAX => visible(raw).into_owned(),
        Err(_) => cell(raw, width),
    }
}

// ---- start, stop, delete ----

/// What `batch start` and `batch stop` do to the dialer.
#[derive(Debug, Clone, Copy)]
enum Switch {
    Start,
    Stop,
}

/// Where the actions are journaled, as the engine takes it.
fn action_journal(workspace: &Workspace) -> actions::Journal {
    actions::Journal {
        path: workspace.journal.clone(),
        target: workspace.target.clone(),
    }
}

/// A journal that could not be written is said, not fatal: the request
/// was sent.
fn journal_note<T>(
    sent: &actions::Sent<T>,
    workspace: &Workspace,
    io: &mut Io<'_>,
) -> io::Result<()> {
    match (&sent.journal_error, &workspace.journal) {
        (Some(e), Some(path)) => note(io, &format!("{e} ({})", path.display())),
        (Some(e), None) => note(io, e),
        _ => Ok(()),
    }
}

/// `batch start ID` and `batch stop ID`.
async fn dialer(
    workspace: &Workspace,
    id: &str,
    switch: Switch,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let (engine_switch, action, done, expected) = match switch {
        Switch::Start => (
            actions::Switch::Start,
            JournalAction::Start,
            "Started calling",
            "started",
        ),
        Switch::Stop => (
            actions::Switch::Stop,
            JournalAction::Stop,
            "Stopped calling",
            "stopped",
        ),
    };
    // The batch looked at first: a start or stop that would change
    // nothing is said for what it is, and not sent (a failed look sends:
    // Weya decides). Without the user ID nothing can be sent, and nothing
    // is asked: the switch says what is missing.
    let first = CallQuery {
        limit: 1,
        ..CallQuery::default()
    };
    let can_send = workspace.client.config().user_id.is_some();
    let look = if can_send {
        Some(workspace.client.batch_details(id, &first).await)
    } else {
        None
    };
    match look {
        None => {}
        Some(Ok(details)) => {
            let calls = Some(details.total);
            if let Some(nothing) =
                actions::nothing_to_do(engine_switch, &details.batch_status, calls)
            {
                return nothing_sent(io, id, &details, action, &nothing);
            }
        }
        Some(Err(e)) => note(
            io,
            &format!(
                "could not look at the batch first ({e}); sending the {} anyway",
                action.as_str()
            ),
        )?,
    }
    let journal = action_journal(workspace);
    let sent = actions::switch(&workspace.client, &journal, id, None, engine_switch).await;
    journal_note(&sent, workspace, io)?;
    let state = match sent.result {
        Ok(state) => state,
        Err(e) if e.outcome_unknown() => {
            let code = failure(io, workspace, &e)?;
            note(
                io,
                &format!(
                    "{} (batch {id}): `weya-tui batch view {id}` shows its status now; \
                     nothing is sent again by itself",
                    engine_switch.not_done(&e)
                ),
            )?;
            return Ok(code);
        }
        Err(e) => return failure(io, workspace, &e),
    };
    // Started outside its calling window: said, as the TUI's dialog says
    // it, from the schedule it was created with here.
    if let Switch::Start = switch {
        let entries = read_journal(workspace);
        let schedule = journal::created_body(&entries, &workspace.target, id)
            .and_then(|body| Plan::from_body(body).schedule);
        if let Some(window) = schedule
            .as_ref()
            .and_then(|s| crate::campaign::progress::start_note(s, Utc::now()))
        {
            if workspace.dialer_ignores_window {
                let closed = window.split(':').next().unwrap_or("the window is closed");
                note(
                    io,
                    &format!(
                        "{closed}, but {}",
                        crate::campaign::progress::WINDOW_IGNORED
                    ),
                )?;
            } else {
                note(io, &window)?;
            }
        }
    }
    if io.json {
        let value = json!({"batchId": id, "action": action.as_str(), "status": state.status});
        writeln!(io.out, "{}", json_line(&value))?;
        return Ok(OK);
    }
    write!(io.out, "{done} batch {id}")?;
    if !state.status.is_empty() && state.status != expected {
        write!(io.out, " (the server says: {})", visible(&state.status))?;
    }
    writeln!(io.out, ".")?;
    Ok(OK)
}

/// A start or stop that would change nothing, said and not sent: exit 0
/// when what was asked holds already (a completed batch is not calling),
/// else 2 (a start that would call no one).
fn nothing_sent(
    io: &mut Io<'_>,
    id: &str,
    details: &BatchDetails,
    action: JournalAction,
    nothing: &actions::NothingToDo,
) -> io::Result<u8> {
    let name = visible(&details.batch_name);
    let message = nothing.said(&format!("batch {id}, “{name}”"));
    if !nothing.state_holds {
        return io.fail(
            REFUSED,
            &message,
            json!({"batchId": id, "action": action.as_str(), "status": details.batch_status,
                   "totalCalls": details.total, "sent": false}),
        );
    }
    if io.json {
        let value = json!({"batchId": id, "action": action.as_str(), "status": details.batch_status,
                           "totalCalls": details.total, "sent": false, "reason": nothing.why});
        writeln!(io.out, "{}", json_line(&value))?;
    } else {
        let mut said = message;
        if let Some(first) = said.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        writeln!(io.out, "{said}.")?;
    }
    Ok(OK)
}

/// `batch delete ID`: with `yes`, at once; otherwise only after the
/// operator types the batch's name (GitHub's repository-delete pattern),
/// or its ID when it has no name to type, and never without a terminal to
/// type it on. The TUI asks the same ([`actions::Confirmation`]).
async fn delete(
    workspace: &Workspace,
    id: &str,
    yes: bool,
    ask: Option<&mut AskLine>,
    io: &mut Io<'_>,
) -> io::Result<u8> {
    let mut name = None;
    if !yes {
        let Some(ask) = ask else {
            return io.fail(
                REFUSED,
                "not deleting without --yes: standard input is not a terminal to type the \
                 batch's name on; nothing was sent",
                json!({}),
            );
        };
        let first = CallQuery {
            limit: 1,
            ..CallQuery::default()
        };
        let details = match workspace.client.batch_details(id, &first).await {
            Ok(details) => details,
            Err(e) => return batch_failure(io, workspace, &e, true),
        };
        let confirmation = actions::Confirmation::for_batch(id, &details.batch_name);
        let what = confirmation.what;
        let question = format!(
            "This deletes batch “{}” ({}, {}, {}) and all its calls. It cannot be undone.\n\
             Type the batch's {what} to delete it: ",
            visible(&details.batch_name),
            id,
            visible(&details.batch_status),
            output::counted(details.total, "call", "calls"),
        );
        let answer = ask(&question)?;
        if !confirmation.accepts(&answer) {
            return io.fail(
                REFUSED,
                &format!("that is not the batch's {what}; nothing was deleted"),
                json!({}),
            );
        }
        name = Some(details.batch_name);
    }
    let journal = action_journal(workspace);
    let sent = actions::delete(&workspace.client, &journal, id, name).await;
    journal_note(&sent, workspace, io)?;
    match sent.result {
        Ok(deleted) => {
            // Its unfinished imports can never be resumed: their journals
            // say so, and the app's start offers to set them aside. The
            // import journals live beside the submit journal.
            if let Some(dir) = workspace
                .journal
                .as_deref()
                .and_then(std::path::Path::parent)
                .map(|state| state.join("imports"))
                && let Err(e) = crate::import::recovery::mark_gone(
                    &dir,
                    id,
                    &format!(
                        "deleted with weya-tui batch delete on {}",
                        crate::config::local_clock().minute_zoned(chrono::Utc::now())
                    ),
                )
            {
                tracing::warn!(error = %e, "cannot mark the deleted batch's imports");
            }
            if io.json {
                let value = json!({"batchId": id, "deleted": true, "message": deleted.message});
                writeln!(io.out, "{}", json_line(&value))?;
            } else if sent.name.trim().is_empty() {
                writeln!(io.out, "Deleted batch {id}.")?;
            } else {
                writeln!(io.out, "Deleted batch “{}” ({id}).", visible(&sent.name))?;
            }
            Ok(OK)
        }
        Err(e) => batch_failure(io, workspace, &e, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_completed_and_picked_up() {
        assert_eq!(
            progress(5, 10, 20),
            "[█████▒▒▒▒▒░░░░░░░░░░] 25% completed, 50% picked up"
        );
        assert_eq!(
            progress(0, 0, 0),
            "[░░░░░░░░░░░░░░░░░░░░] 0% completed, 0% picked up"
        );
        // A server that counts more than it has does not overflow the bar.
        assert!(progress(30, 30, 20).starts_with("[████████████████████]"));
    }

    #[test]
    fn durations_and_ages_read_as_an_operator_says_them() {
        assert_eq!(duration(65.4), "1:05");
        assert_eq!(duration(3723.0), "1:02:03");
        assert_eq!(ago(chrono::Duration::seconds(20)), "just now");
        assert_eq!(ago(chrono::Duration::minutes(5)), "5 min ago");
        assert_eq!(ago(chrono::Duration::hours(3)), "3 h ago");
        assert_eq!(ago(chrono::Duration::days(3)), "3 d ago");
        assert_eq!(ago(chrono::Duration::minutes(-5)), "in the future");
    }

    #[test]
    fn the_window_says_what_the_body_left_out() {
        let body = json!({"timezone": "America/New_York",
            "callingHour": {"start": "09:00", "end": "17:00"}, "allowedDays": [1, 2, 3, 4, 5]});
        assert_eq!(
            CallingWindow::of(&body).describe(),
            "09:00–17:00 America/New_York, Mon–Fri"
        );
        assert_eq!(
            CallingWindow::of(&json!({})).describe(),
            "hours not set timezone not set, days not set"
        );
    }

    #[test]
    fn fields_that_do_not_fit_are_named_not_cut_in() {
        let call = |name: &str| {
            let mut c = Call::default();
            c.fields.insert("name".into(), json!(name));
            c.fields.insert("plan".into(), json!("gold"));
            c
        };
        let calls = [call("Ada Lovelace"), call("Grace")];
        let all = field_columns(&calls, None);
        assert_eq!(all.shown, [("name".into(), 12), ("plan".into(), 4)]);
        let fixed = PHONE_WIDTH + STATUS_WIDTH + DURATION_WIDTH + ATTEMPTS_WIDTH + TIME_WIDTH;
        let narrow = field_columns(&calls, Some(fixed + 4 * GAP + GAP + 12 + 3));
        assert_eq!(narrow.shown, [("name".into(), 12)]);
        assert_eq!(narrow.hidden, ["plan"]);
    }
}
