//! `weya-tui batch import ID FILE --split-by-zone`: the remedy for
//! contacts called outside their hours. What is split and how is
//! [`crate::domain::zone_split`]'s; this drives it: the review of every
//! new batch (as `weya-tui create` shows one), one confirmation, each
//! create through the create engine ([`crate::create`], recorded in the
//! split journal before it is sent and in the submit journal after), then
//! each group's rows imported into its batch by the import engine (an
//! ordinary `batch import` of one part of the file), the rest into the
//! original batch. A run that stops midway says which batches exist and
//! where the contacts are; running the same command again resumes it
//! without sending anything twice.

use std::io;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use super::{ImportArgs, ImportContext, Refusal, Stop, set};
use crate::api::ApiError;
use crate::cli::output::{FAILED, INTERRUPTED, Io, OK, REFUSED};
use crate::create::review::{self, Summary};
use crate::create::{Attempt, Landing, Outcome, Sought, Verdict, Watch};
use crate::domain::local_time::LocalTimes;
use crate::domain::zone_split::{self, CreateState, SplitJournal, ZoneSplit};
use crate::form::phones::PhonePicker;
use crate::import::{ContactsFile, ImportJournal, ImportSettings};
use crate::num::thousands;
use crate::store::journal::{self, Answered, JournalEntry};
use crate::text::{json as json_line, visible, visible_lines};

/// A refusal before anything is sent: exit 2.
fn cannot(why: impl std::fmt::Display) -> Stop {
    Stop::Refused(Refusal::new(format!(
        "cannot split by time zone: {why}; nothing was sent"
    )))
}

/// The split of the checked file's contacts for `args.batch_id`, its
/// review, and (unless a dry run) the creates and imports.
pub(super) async fn run(
    args: &ImportArgs,
    ctx: &ImportContext<'_>,
    io: &mut Io<'_>,
    facts: &mut Value,
    file: &ContactsFile,
    settings: &ImportSettings,
    local_times: &Result<LocalTimes, String>,
) -> Result<u8, Stop> {
    let times = local_times.as_ref().map_err(cannot)?;
    let entries = ctx
        .submit_journal
        .as_deref()
        .and_then(|path| journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default();
    let original = journal::created_body(&entries, ctx.target, &args.batch_id)
        .and_then(zone_split::original_request)
        .ok_or_else(|| cannot(crate::domain::local_time::NO_SCHEDULE))?;
    let split = zone_split::plan(&original, times).map_err(cannot)?;

    let key = crate::import::journal::content_key(file.identity());
    let path = ctx
        .split_dir
        .as_deref()
        .map(|dir| SplitJournal::path_in(dir, &args.batch_id, &key));
    let recorded = match &path {
        Some(path) => SplitJournal::find(path).map_err(cannot)?,
        None => None,
    };
    if let Some(recorded) = &recorded
        && !recorded.matches(&split)
    {
        return Err(cannot(format!(
            "a split of this file for this batch is recorded ({}) with other batches ({}) than \
             today's check gives; finish or set aside that one first",
            recorded.path().display(),
            recorded
                .groups
                .iter()
                .map(|g| g.zone.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // This file imported into the batch whole, or being imported: its
    // rows are there (or may be), and a split would send them twice.
    if let Some(dir) = &ctx.journal_dir
        && let Some(earlier) =
            ImportJournal::find(dir, &args.batch_id, file.identity()).map_err(cannot)?
        && earlier.settings().zones.as_ref() != Some(&split.staying_part())
    {
        let s = earlier.summary();
        return Err(cannot(format!(
            "this file was imported into batch {} without a split ({} of {} rows confirmed; \
             journal {}): those contacts are in it already",
            args.batch_id,
            thousands(s.rows_confirmed),
            thousands(s.rows_total),
            earlier.path().display()
        )));
    }

    let phones = known_phones(ctx).await;
    let summaries: Vec<Summary> = split
        .moved
        .iter()
        .map(|g| summary_of(&g.request, ctx, &phones))
        .collect();
    set(
        facts,
        "split",
        split_json(&split, &summaries, recorded.as_ref()),
    );
    if !io.json {
        write_review(io, args, &split, &summaries, recorded.as_ref())?;
    }
    if args.dry_run {
        if io.json {
            set(facts, "dryRun", json!(true));
            writeln!(io.out, "{}", json_line(facts))?;
        } else {
            writeln!(
                io.out,
                "\nDry run: nothing was sent. Without --dry-run, {} batch{} {} created, then each \
                 group's contacts imported into its batch and {} into batch {}.",
                split.moved.len(),
                if split.moved.len() == 1 { "" } else { "es" },
                if split.moved.len() == 1 { "is" } else { "are" },
                thousands(split.staying_contacts()),
                args.batch_id
            )?;
        }
        return Ok(OK);
    }
    let (Some(path), Some(_)) = (&path, &ctx.journal_dir) else {
        return Err(cannot(
            "there is no state directory (no home directory) to record the split in",
        ));
    };
    let question = format!(
        "Create {} batch{} on {} and import {} contacts into {}, {} into batch {}? [y/N] ",
        split.moved.len(),
        if split.moved.len() == 1 { "" } else { "es" },
        visible(ctx.target),
        thousands(split.moved_contacts()),
        if split.moved.len() == 1 { "it" } else { "them" },
        thousands(split.staying_contacts()),
        args.batch_id
    );
    let confirmed = if args.yes {
        true
    } else {
        match io.confirm.as_mut() {
            Some(ask) => ask(&question)?,
            None => {
                return Err(Refusal::new(
                    "not sending without --yes: standard input is not a terminal to confirm \
                     on; nothing was sent",
                )
                .into());
            }
        }
    };
    if !confirmed {
        return Err(Refusal::new("not sent").into());
    }
    let _lock = SplitJournal::lock(path).map_err(cannot)?;
    // Read again under the lock: another run may have recorded creates.
    let mut journal = match SplitJournal::find(path).map_err(cannot)? {
        Some(journal) if journal.matches(&split) => journal,
        Some(_) => return Err(cannot("another run recorded a different split meanwhile")),
        None => SplitJournal::start(path, &args.batch_id, ctx.target, &split).map_err(cannot)?,
    };
    set(facts, "splitJournal", json!(journal.path()));

    // Every batch first: no contact moves before each group has its batch.
    let landing = Landing::from_env(&|name| std::env::var(name).ok())
        .unwrap_or(Landing::new(crate::create::DEFAULT_LANDING));
    for index in 0..journal.groups.len() {
        if let Err(why) = create_one(ctx, io, &mut journal, index, landing).await? {
            let (text, value) = stopped_at(args, &journal, index, &why);
            set(facts, "split", with_state(facts, &journal));
            set(facts, "stopped", value);
            return Err(Refusal {
                code: FAILED,
                message: text,
            }
            .into());
        }
    }
    set(facts, "split", with_state(facts, &journal));

    // Then each part of the file into its batch, through the import
    // engine; the original batch last, with what stays.
    let mut parts: Vec<(String, String, ImportSettings)> = Vec::new();
    for (entry, group) in journal.groups.iter().zip(&split.moved) {
        if let CreateState::Created { batch_id } = &entry.state {
            let mut part = settings.clone();
            part.zones = Some(group.part());
            parts.push((entry.zone.clone(), batch_id.clone(), part));
        }
    }
    let mut staying = settings.clone();
    staying.zones = Some(split.staying_part());
    parts.push(("staying".to_owned(), args.batch_id.clone(), staying));
    let mut results = Vec::new();
    let mut worst = OK;
    for (zone, batch_id, part) in parts {
        if !io.json {
            writeln!(
                io.out,
                "\n── {} → batch {batch_id}",
                if zone == "staying" {
                    "the contacts that stay".to_owned()
                } else {
                    zone.clone()
                }
            )?;
        }
        let sub = ImportArgs {
            batch_id: batch_id.clone(),
            yes: true,
            dry_run: false,
            split_by_zone: false,
            fixed: Some(Box::new(part)),
            ..args.clone()
        };
        let mut buffer = Vec::new();
        let code = if io.json {
            let mut sub_io = Io::new(&mut buffer, io.err, true);
            Box::pin(super::run(&sub, ctx, &mut sub_io)).await?
        } else {
            let mut sub_io = Io::new(io.out, io.err, false);
            Box::pin(super::run(&sub, ctx, &mut sub_io)).await?
        };
        let reported: Value = String::from_utf8_lossy(&buffer)
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or_default();
        results.push(json!({"zone": zone, "batchId": batch_id, "exit": code, "import": reported}));
        worst = worse(worst, code);
        if code == INTERRUPTED {
            break;
        }
    }
    set(facts, "imports", json!(results));
    if io.json {
        writeln!(io.out, "{}", json_line(facts))?;
    } else if worst == OK {
        writeln!(
            io.out,
            "\nSplit done: {} batch{} created for {} contacts; {} stay in batch {}.",
            journal.groups.len(),
            if journal.groups.len() == 1 { "" } else { "es" },
            thousands(split.moved_contacts()),
            thousands(split.staying_contacts()),
            args.batch_id
        )?;
    } else {
        writeln!(
            io.err,
            "weya-tui: the split's batches exist ({}), but not every contact is in its batch \
             yet (see above): run the same command again to resume; nothing is sent twice \
             (journals: {} and the import journals)",
            journal
                .groups
                .iter()
                .filter_map(|g| match &g.state {
                    CreateState::Created { batch_id } => Some(format!("{} {batch_id}", g.zone)),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", "),
            journal.path().display()
        )?;
    }
    Ok(worst)
}

/// "1 contact", "1,200 contacts".
fn contacts(n: u64) -> String {
    format!("{} contact{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// The worse of two exit codes: interrupted, failed, refused, then OK.
fn worse(a: u8, b: u8) -> u8 {
    let rank = |c: u8| match c {
        OK => 0,
        REFUSED => 1,
        FAILED => 2,
        _ => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Group `index`'s batch: created already (recorded), or sent now
/// through the create engine. `Ok(Err(why))` when it is not known to
/// exist, and the split stops there.
async fn create_one(
    ctx: &ImportContext<'_>,
    io: &mut Io<'_>,
    journal: &mut SplitJournal,
    index: usize,
    landing: Landing,
) -> Result<Result<(), String>, Stop> {
    let Some(entry) = journal.groups.get(index).cloned() else {
        return Ok(Ok(()));
    };
    let entries = ctx
        .submit_journal
        .as_deref()
        .and_then(|path| journal::read(path).ok())
        .map(|(entries, _)| entries)
        .unwrap_or_default();
    let known_ids = crate::cli::create::created_here(&entries, ctx.target, &entry.batch_name);
    let can_look = ctx.client.config().user_id.is_some();
    match &entry.state {
        CreateState::Created { .. } => return Ok(Ok(())),
        CreateState::Sending { sent_at } | CreateState::Unknown { sent_at, .. } => {
            // An earlier run sent it and no answer said: Weya's list
            // decides, never a blind resend.
            writeln!(
                io.err,
                "weya-tui: batch “{}” was sent at {} by an earlier run with no answer recorded: \
                 looking for it in Weya's batch list",
                visible(&entry.batch_name),
                crate::config::local_clock().time_zoned(*sent_at)
            )?;
            let sought = Sought {
                name: entry.batch_name.clone(),
                sent_at: *sent_at,
                known_ids: known_ids.clone(),
            };
            let mut attempt = Attempt::new(
                sought.clone(),
                Outcome::Abandoned {
                    after: std::time::Duration::ZERO,
                },
                landing,
                can_look,
                Utc::now(),
            );
            if !can_look {
                return Ok(Err(format!(
                    "batch “{}” may exist, and with no user ID (WEYA_USER_ID) Weya's list cannot \
                     be looked at: check Weya's dashboard",
                    entry.batch_name
                )));
            }
            look_until_settled(ctx, &mut attempt).await;
            match attempt.verdict() {
                Verdict::Listed(batch) => {
                    record_found(ctx, io, &entry, *sent_at, &batch.id)?;
                    journal
                        .set(index, CreateState::Created { batch_id: batch.id })
                        .map_err(super::nothing_sent)?;
                    return Ok(Ok(()));
                }
                Verdict::Absent if attempt.conclusive => {
                    writeln!(
                        io.err,
                        "weya-tui: Weya's list has no batch “{}” at a look after the request \
                         could no longer land: it was not created, so it is sent now",
                        visible(&entry.batch_name)
                    )?;
                }
                verdict => {
                    let why = unsettled(&verdict, &attempt);
                    return left_in_doubt(journal, index, *sent_at, why);
                }
            }
        }
        CreateState::Planned | CreateState::Failed { .. } => {}
    }

    // Recorded as sending before it leaves: a run killed now is read as
    // "may exist" by the next, which looks before sending.
    let sent_at = Utc::now();
    journal
        .set(index, CreateState::Sending { sent_at })
        .map_err(super::nothing_sent)?;
    writeln!(
        io.err,
        "weya-tui: creating batch “{}” ({})",
        visible(&entry.batch_name),
        contacts(entry.count)
    )?;
    let result = crate::create::send(ctx.client, entry.body.clone()).await;
    let sought = Sought {
        name: entry.batch_name.clone(),
        sent_at,
        known_ids,
    };
    let mut attempt = Attempt::new(sought, Outcome::of(result), landing, can_look, Utc::now());
    let answered = match &attempt.outcome {
        Outcome::Created(created) => Answered::Created(created),
        Outcome::Failed(e) => Answered::Failed(e),
        Outcome::Abandoned { after } => Answered::Abandoned { after: *after },
    };
    append(
        ctx,
        io,
        &JournalEntry::new(
            sent_at,
            ctx.target.to_owned(),
            entry.batch_name.clone(),
            &entry.body,
            answered,
        ),
    )?;
    let e: ApiError = match &attempt.outcome {
        Outcome::Created(created) => {
            writeln!(
                io.err,
                "weya-tui: created batch {} (“{}”)",
                visible(&created.batch_id),
                visible(&entry.batch_name)
            )?;
            journal
                .set(
                    index,
                    CreateState::Created {
                        batch_id: created.batch_id.clone(),
                    },
                )
                .map_err(super::nothing_sent)?;
            return Ok(Ok(()));
        }
        Outcome::Failed(e) if !e.outcome_unknown() => {
            let mut reason = e.to_string();
            if let Some(advice) = ctx.credential.advice(e) {
                reason = advice;
            }
            if let Some(id) = e.request_id() {
                reason.push_str(&format!(" (request ID {id})"));
            }
            not_created(journal, index, &reason)?;
            return Ok(Err(format!(
                "Weya refused batch “{}”: {reason}; it was not created",
                entry.batch_name
            )));
        }
        Outcome::Failed(e) => e.clone(),
        Outcome::Abandoned { .. } => {
            let why = "the request was stopped before its answer: the batch may exist".to_owned();
            return left_in_doubt(journal, index, sent_at, why);
        }
    };
    if attempt.wants_lookup() {
        writeln!(
            io.err,
            "weya-tui: {}: batch “{}” may have been created; watching Weya's list for it until \
             {}. Nothing is sent again.",
            visible(&crate::cli::create::no_clear_answer(&e)),
            visible(&entry.batch_name),
            crate::config::local_clock().time_zoned(attempt.lands_by)
        )?;
        look_until_settled(ctx, &mut attempt).await;
    }
    match attempt.verdict() {
        Verdict::Listed(batch) => {
            record_found(ctx, io, &entry, sent_at, &batch.id)?;
            journal
                .set(index, CreateState::Created { batch_id: batch.id })
                .map_err(super::nothing_sent)?;
            Ok(Ok(()))
        }
        Verdict::Absent if attempt.conclusive => {
            let reason = format!(
                "{}; Weya's list has no such batch at a look after the request could no longer \
                 land: it was not created",
                crate::cli::create::no_clear_answer(&e)
            );
            not_created(journal, index, &reason)?;
            Ok(Err(reason))
        }
        verdict => {
            let why = format!(
                "{}; {}",
                crate::cli::create::no_clear_answer(&e),
                unsettled(&verdict, &attempt)
            );
            left_in_doubt(journal, index, sent_at, why)
        }
    }
}

/// Records that group `index`'s batch may exist (`why`, sent at
/// `sent_at`: the next run looks for it before sending), and gives `why`
/// back as the reason the split stops.
fn left_in_doubt(
    journal: &mut SplitJournal,
    index: usize,
    sent_at: DateTime<Utc>,
    why: String,
) -> Result<Result<(), String>, Stop> {
    journal
        .set(
            index,
            CreateState::Unknown {
                sent_at,
                reason: why.clone(),
            },
        )
        .map_err(super::nothing_sent)?;
    Ok(Err(why))
}

/// Records that group `index`'s batch was not created, and why.
fn not_created(journal: &mut SplitJournal, index: usize, reason: &str) -> Result<(), Stop> {
    journal
        .set(
            index,
            CreateState::Failed {
                reason: reason.to_owned(),
            },
        )
        .map_err(|e| super::nothing_sent(e).into())
}

/// Looks at Weya's list until the request can no longer land, or the
/// batch is seen.
async fn look_until_settled(ctx: &ImportContext<'_>, attempt: &mut Attempt) {
    let wait = attempt.watch_for(Utc::now());
    let sought = attempt.sought.clone();
    let mut watch = Watch::new(ctx.client, &sought, wait, attempt.landing.every);
    attempt.start_looking();
    while let Some(look) = watch.next().await {
        attempt.looked(look, Utc::now());
    }
}

/// Why a batch whose answer was lost is still not known to exist or not.
fn unsettled(verdict: &Verdict, attempt: &Attempt) -> String {
    match verdict {
        Verdict::Candidates(c) => format!(
            "the batch may have been created: {}",
            c.first()
                .map(crate::create::Candidate::describe)
                .unwrap_or_default()
        ),
        Verdict::Unreadable(e) => {
            format!("the batch may have been created, and Weya's list could not be read ({e})")
        }
        _ => format!(
            "the batch may have been created (Weya may store it until {}), and Weya's list has \
             not settled it",
            crate::config::local_clock().time_zoned(attempt.lands_by)
        ),
    }
}

/// Records in the submit journal that Weya's list showed a batch whose
/// answer was lost.
fn record_found(
    ctx: &ImportContext<'_>,
    io: &mut Io<'_>,
    entry: &zone_split::SplitEntry,
    sent_at: chrono::DateTime<Utc>,
    id: &str,
) -> io::Result<()> {
    writeln!(
        io.err,
        "weya-tui: Weya's batch list shows batch {} (“{}”): it was created",
        visible(id),
        visible(&entry.batch_name)
    )?;
    append(
        ctx,
        io,
        &JournalEntry::new(
            sent_at,
            ctx.target.to_owned(),
            entry.batch_name.clone(),
            &entry.body,
            Answered::Found { batch_id: id },
        ),
    )
}

/// Appends to the submit journal (which makes the new batch's window
/// known here); one that cannot be written is said, not fatal.
fn append(ctx: &ImportContext<'_>, io: &mut Io<'_>, entry: &JournalEntry) -> io::Result<()> {
    if let Some(path) = &ctx.submit_journal
        && let Err(e) = journal::append(path, entry)
    {
        let message = format!("the journal {} was not written: {e}", path.display());
        writeln!(io.err, "weya-tui: {}", visible(&message))?;
    }
    Ok(())
}

/// What is said when the creates stop at group `index`: which batches
/// exist, where the contacts are, how to go on.
fn stopped_at(
    args: &ImportArgs,
    journal: &SplitJournal,
    index: usize,
    why: &str,
) -> (String, Value) {
    let created: Vec<String> = journal
        .groups
        .iter()
        .filter_map(|g| match &g.state {
            CreateState::Created { batch_id } => Some(format!("{} is batch {batch_id}", g.zone)),
            _ => None,
        })
        .collect();
    let zone = journal.groups.get(index).map_or("", |g| g.zone.as_str());
    let text = format!(
        "the split stopped at batch {} of {} ({zone}): {why}. Created so far: {}. No contact of \
         this file was imported yet (batch {} has none of them either): running the same \
         command again creates only the batches not created and then imports every group \
         (recorded in {}; nothing is sent twice)",
        index + 1,
        journal.groups.len(),
        if created.is_empty() {
            "none".to_owned()
        } else {
            created.join(", ")
        },
        args.batch_id,
        journal.path().display()
    );
    let value = json!({
        "at": index + 1,
        "zone": zone,
        "why": why,
        "imported": 0,
    });
    (text, value)
}

/// The split's `--json` with each group's recorded state.
fn with_state(facts: &Value, journal: &SplitJournal) -> Value {
    let mut split = facts.get("split").cloned().unwrap_or_default();
    if let Some(moved) = split.get_mut("moved").and_then(Value::as_array_mut) {
        for (item, entry) in moved.iter_mut().zip(&journal.groups) {
            if let Some(obj) = item.as_object_mut() {
                obj.insert("state".into(), state_json(&entry.state));
            }
        }
    }
    split
}

fn state_json(state: &CreateState) -> Value {
    serde_json::to_value(state).unwrap_or_default()
}

/// `--json`'s `split`: each new batch's request and contacts, and the
/// groups that stay.
fn split_json(split: &ZoneSplit, summaries: &[Summary], recorded: Option<&SplitJournal>) -> Value {
    let moved: Vec<Value> = split
        .moved
        .iter()
        .zip(summaries)
        .enumerate()
        .map(|(i, (g, summary))| {
            let body: Value = serde_json::from_str(&g.request.to_body()).unwrap_or_default();
            let state = recorded
                .and_then(|r| r.groups.get(i))
                .map_or(json!({"state": "planned"}), |e| state_json(&e.state));
            json!({
                "zone": g.zone.name(),
                "count": g.count,
                "batchName": g.request.batch_name,
                "window": g.window(),
                "clipped": g.clipped,
                "was": g.was,
                "body": body,
                "warnings": summary.warnings,
                "state": state,
            })
        })
        .collect();
    let staying: Vec<Value> = split
        .staying
        .iter()
        .map(|g| json!({"zone": g.zone, "count": g.count, "outsideHours": g.flagged, "why": g.why}))
        .collect();
    json!({
        "basis": split.basis,
        "moved": moved,
        "staying": staying,
        "stayingContacts": split.staying_contacts(),
        "movedContacts": split.moved_contacts(),
        "stillOutsideHours": split.still_flagged(),
    })
}

/// Each new batch's review (as `weya-tui create` shows it, with its exact
/// body), then what stays in the original.
fn write_review(
    io: &mut Io<'_>,
    args: &ImportArgs,
    split: &ZoneSplit,
    summaries: &[Summary],
    recorded: Option<&SplitJournal>,
) -> io::Result<()> {
    let n = split.moved.len();
    writeln!(
        io.out,
        "\nSplit by time zone ({}): {} new batch{} for {} contacts; {} stay in batch {}.",
        visible(&split.basis),
        n,
        if n == 1 { "" } else { "es" },
        thousands(split.moved_contacts()),
        thousands(split.staying_contacts()),
        args.batch_id
    )?;
    writeln!(
        io.out,
        "Each new batch: the original's calling numbers, days, retries and delay, with the \
         original window's clock times in the group's own zone (clipped to the contact hours \
         when it leaves them)."
    )?;
    for (i, (group, summary)) in split.moved.iter().zip(summaries).enumerate() {
        writeln!(
            io.out,
            "\nBatch {} of {n}: {} in {}, called {}",
            i + 1,
            contacts(group.count),
            group.zone.name(),
            group.window()
        )?;
        writeln!(io.out, "  {:<12} {}", "Now", visible(&group.was))?;
        if let Some(clip) = &group.clipped {
            writeln!(io.out, "  {:<12} {}", "Window", visible(clip))?;
        }
        if let Some(state) = recorded.and_then(|r| r.groups.get(i)).map(|e| &e.state) {
            let said = match state {
                CreateState::Planned => None,
                CreateState::Created { batch_id } => {
                    Some(format!("created by an earlier run: batch {batch_id}"))
                }
                CreateState::Sending { .. } | CreateState::Unknown { .. } => Some(
                    "sent by an earlier run with no answer: Weya's list is looked at first"
                        .to_owned(),
                ),
                CreateState::Failed { reason } => {
                    Some(format!("refused in an earlier run ({reason}): sent again"))
                }
            };
            if let Some(said) = said {
                writeln!(io.out, "  {:<12} {}", "Recorded", visible(&said))?;
            }
        }
        for (label, value) in &summary.lines {
            writeln!(io.out, "  {label:<12} {}", visible(value))?;
        }
        for warning in &summary.warnings {
            writeln!(io.out, "  warning: {}", visible(warning))?;
        }
        writeln!(
            io.out,
            "  The body, byte for byte:\n{}",
            visible_lines(&group.request.to_body())
        )?;
    }
    writeln!(
        io.out,
        "\nStays in batch {} ({}):",
        args.batch_id,
        contacts(split.staying_contacts())
    )?;
    for g in &split.staying {
        writeln!(
            io.out,
            "  {} {} in {}: {}",
            if g.flagged { "!" } else { " " },
            thousands(g.count),
            visible(&g.zone),
            visible(&g.why)
        )?;
    }
    if split.still_flagged() > 0 {
        writeln!(
            io.out,
            "{} that stay {} still called outside the contact hours.",
            contacts(split.still_flagged()),
            if split.still_flagged() == 1 {
                "is"
            } else {
                "are"
            }
        )?;
    }
    Ok(())
}

/// The review's lines for a new batch, as `create` and the TUI show them.
fn summary_of(
    request: &crate::api::BatchRequest,
    ctx: &ImportContext<'_>,
    phones: &PhonePicker,
) -> Summary {
    review::summarize(
        request,
        &review::Context {
            target: ctx.target_label,
            now: Utc::now(),
            local: crate::config::system_timezone().and_then(|t| Tz::from_str(&t).ok()),
            phones,
            earlier: None,
            changes: &[],
        },
    )
}

/// The workspace's numbers and the phone book, to name calling numbers.
async fn known_phones(ctx: &ImportContext<'_>) -> PhonePicker {
    let fetched = ctx.client.list_phones().await;
    let mut picker = PhonePicker::default();
    picker.finish_loading(fetched);
    picker.set_phone_book(ctx.phone_book.clone());
    picker
}
