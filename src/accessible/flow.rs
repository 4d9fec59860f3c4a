//! The create flow as plain questions: each field of the form asked in
//! the form's order, checked by the form's own validation (the same
//! messages as the TUI), the review as plain text, and a numbered choice to
//! send, change a field or leave. Nothing here sends: [`review`] returns
//! the request to send, and the caller sends it once, through the same
//! path as `weya-tui create`.

use std::io::{BufRead, Write};

use super::prompt::{Halt, Prompter};
use crate::api::BatchRequest;
use crate::create::review::Summary;
use crate::form::days::DaySet;
use crate::form::{FieldId, Form, timezone};

/// How many timezone matches are offered by number.
const ZONE_MATCHES: usize = 9;

/// Asks every field in the form's order. `saved` is called after each
/// answer, with the form as it is then (the draft is kept from it).
pub fn fill<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    saved: &mut dyn FnMut(&Form),
) -> Result<(), Halt> {
    for field in FieldId::ALL {
        if field == FieldId::Delay && form.delay_unused() {
            continue;
        }
        ask_field(p, form, field, saved)?;
    }
    Ok(())
}

/// What the operator decided at the review.
#[derive(Debug)]
pub enum Decision {
    Send(BatchRequest),
    /// Leave without sending (the draft stays).
    Leave,
}

/// Checks the whole form (asking again each field that is wrong), shows
/// the review and asks what to do, until the operator sends or leaves.
pub fn review<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    saved: &mut dyn FnMut(&Form),
    summarize: &mut dyn FnMut(&BatchRequest, &Form) -> Summary,
) -> Result<Decision, Halt> {
    loop {
        let request = match form.submit() {
            Ok(request) => request,
            Err(_) => {
                let wrong: Vec<FieldId> = form.errors.keys().copied().collect();
                p.say("Some answers need changing before anything can be sent:")?;
                for field in wrong {
                    if let Some(message) = form.errors.get(&field).cloned() {
                        p.say(&format!("{}: {message}", field.label()))?;
                    }
                    ask_field(p, form, field, saved)?;
                }
                continue;
            }
        };
        let summary = summarize(&request, form);
        p.say("")?;
        p.say("Review. Nothing has been sent yet.")?;
        for (label, value) in &summary.lines {
            p.say(&format!("{label}: {value}"))?;
        }
        for warning in &summary.warnings {
            p.say(&format!("Warning: {warning}"))?;
        }
        p.say("")?;
        let choices = [
            "Send this batch".to_owned(),
            "Change an answer".to_owned(),
            "Leave without sending (your answers are kept as a draft)".to_owned(),
        ];
        match p.choose("What now?", &choices)? {
            0 => return Ok(Decision::Send(request)),
            1 => {
                let fields: Vec<String> = FieldId::ALL
                    .iter()
                    .map(|f| format!("{}: {}", f.label(), shown(form, *f)))
                    .collect();
                let i = p.choose("Which answer?", &fields)?;
                ask_field(p, form, FieldId::ALL[i], saved)?;
                if FieldId::ALL[i] == FieldId::Retries
                    && !form.delay_unused()
                    && form.errors.contains_key(&FieldId::Delay)
                {
                    ask_field(p, form, FieldId::Delay, saved)?;
                }
            }
            _ => return Ok(Decision::Leave),
        }
    }
}

/// A field's value as the questions show it.
fn shown(form: &Form, field: FieldId) -> String {
    match field {
        FieldId::Numbers => match form.numbers.selected_count() {
            0 => "none chosen".to_owned(),
            1 => "1 chosen".to_owned(),
            n => format!("{n} chosen"),
        },
        FieldId::Days => {
            let days = form.days.numbers();
            if days.is_empty() {
                "none".to_owned()
            } else {
                let numbers: Vec<String> = days.iter().map(u8::to_string).collect();
                format!("{} ({})", numbers.join(","), form.days.describe())
            }
        }
        _ => form
            .line(field)
            .map(|l| l.value().to_owned())
            .unwrap_or_default(),
    }
}

/// The form's message for `field`, if its value is wrong.
fn problem(form: &mut Form, field: FieldId) -> Option<String> {
    form.recheck(field);
    form.errors.get(&field).cloned()
}

/// Asks one field until its answer passes the form's check. An empty
/// answer keeps the value shown in brackets.
pub fn ask_field<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    field: FieldId,
    saved: &mut dyn FnMut(&Form),
) -> Result<(), Halt> {
    match field {
        FieldId::Numbers => return ask_numbers(p, form, saved),
        FieldId::Days => return ask_days(p, form, saved),
        FieldId::Timezone => return ask_timezone(p, form, saved),
        _ => {}
    }
    let hint = match field {
        FieldId::Name => " (shown in Weya's dashboard)",
        FieldId::WindowStart | FieldId::WindowEnd => " (24-hour, such as 9, 0930 or 17:30)",
        FieldId::Retries => " (0 to 10)",
        FieldId::Delay => " between tries (such as 90, 15m or 1h30m)",
        _ => "",
    };
    loop {
        let current = shown(form, field);
        let keep = if current.is_empty() {
            String::new()
        } else {
            format!(" [{current}]")
        };
        let answer = p.ask(&format!("{}{hint}{keep}: ", field.label()))?;
        if !answer.is_empty()
            && let Some(line) = form.line_mut(field)
        {
            line.set(&answer);
        }
        saved(form);
        match problem(form, field) {
            Some(message) => p.say(&message)?,
            None => return Ok(()),
        }
    }
}

/// The calling numbers: the fetched list and the phone book, numbered;
/// the answer is their numbers (`1,3`), and a phone ID may be typed too.
fn ask_numbers<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    saved: &mut dyn FnMut(&Form),
) -> Result<(), Halt> {
    let rows: Vec<(String, String)> = form
        .numbers
        .visible()
        .map(|e| {
            let mut text = e.number_shown().into_owned();
            if text.is_empty() {
                text = "number unknown".to_owned();
            }
            if !e.phone.label.is_empty() {
                text.push_str(&format!(", {}", e.phone.label));
            }
            if !e.phone.integration.is_empty() {
                text.push_str(&format!(", {}", e.phone.integration));
            }
            text.push_str(&format!(", ID {}", e.phone.id));
            (e.phone.id.clone(), text)
        })
        .collect();
    if let Some(e) = form.numbers.phones.error() {
        p.say(&format!(
            "The workspace's phone list could not be fetched: {e}. Type phone IDs (24 hex \
             characters, `weya-tui phones` lists them)."
        ))?;
    }
    if rows.is_empty() {
        p.say("No calling numbers are known: type their phone IDs, separated by commas.")?;
    } else {
        p.say("Calling numbers:")?;
        for (i, (id, text)) in rows.iter().enumerate() {
            let chosen = if form.numbers.is_selected(id) {
                ", chosen"
            } else {
                ""
            };
            p.say(&format!("{}. {text}{chosen}", i + 1))?;
        }
    }
    loop {
        let keep = match form.numbers.selected_count() {
            0 => String::new(),
            n => format!(" [keep the {n} chosen]"),
        };
        let question = if rows.is_empty() {
            format!("Calling numbers, phone IDs separated by commas{keep}: ")
        } else {
            format!("Calling numbers, by number such as 1,3 (or phone IDs){keep}: ")
        };
        let answer = p.ask(&question)?;
        if !answer.is_empty() {
            let mut ids = Vec::new();
            let mut wrong = None;
            for token in answer.split([',', ' ']).filter(|t| !t.is_empty()) {
                match token.parse::<usize>() {
                    Ok(n) if token.len() <= 4 => match rows.get(n.wrapping_sub(1)) {
                        Some((id, _)) => ids.push(id.clone()),
                        None => {
                            wrong = Some(match rows.len() {
                                0 => format!(
                                    "{n} is not a phone ID: no list is shown, so type phone IDs"
                                ),
                                len => {
                                    format!("{n} is not in the list: type numbers from 1 to {len}")
                                }
                            });
                            break;
                        }
                    },
                    _ => ids.push(token.to_owned()),
                }
            }
            if let Some(message) = wrong {
                p.say(&message)?;
                continue;
            }
            ids.dedup();
            form.numbers.replace_selection(ids);
        }
        saved(form);
        match problem(form, FieldId::Numbers) {
            Some(message) => p.say(&message)?,
            None => return Ok(()),
        }
    }
}

/// The days, by Weya's numbers (0 = Sunday … 6 = Saturday), or a word.
fn ask_days<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    saved: &mut dyn FnMut(&Form),
) -> Result<(), Halt> {
    p.say(
        "Allowed days, by number: 0 Sunday, 1 Monday, 2 Tuesday, 3 Wednesday, 4 Thursday, \
         5 Friday, 6 Saturday. Or type weekdays, weekends or every day.",
    )?;
    loop {
        let answer = p.ask(&format!("Allowed days [{}]: ", shown(form, FieldId::Days)))?;
        if !answer.is_empty() {
            match days_of(&answer) {
                Ok(days) => form.days = DaySet::from_days(&days),
                Err(message) => {
                    p.say(&message)?;
                    continue;
                }
            }
        }
        saved(form);
        match problem(form, FieldId::Days) {
            Some(message) => p.say(&message)?,
            None => return Ok(()),
        }
    }
}

/// "1,2,3" or "1 2 3", or weekdays, weekends, every day. A number that is
/// no day is kept, for the form to say so.
pub fn days_of(answer: &str) -> Result<Vec<u8>, String> {
    let words = answer.trim().to_lowercase();
    match words.as_str() {
        "weekdays" => return Ok(vec![1, 2, 3, 4, 5]),
        "weekends" | "weekend" => return Ok(vec![0, 6]),
        "every day" | "everyday" | "all" => return Ok((0..7).collect()),
        _ => {}
    }
    let mut days = Vec::new();
    for token in words.split([',', ' ']).filter(|t| !t.is_empty()) {
        match token.parse::<u8>() {
            Ok(day) => {
                if !days.contains(&day) {
                    days.push(day);
                }
            }
            Err(_) => {
                return Err(format!(
                    "“{token}” is not a day's number: type numbers 0 to 6 separated by commas \
                     (1,2,3,4,5 is Monday to Friday), or weekdays, weekends or every day"
                ));
            }
        }
    }
    Ok(days)
}

/// The timezone, typed; a name that is not one is answered with the
/// form's message and, when the name matches places, those zones by number.
fn ask_timezone<R: BufRead, W: Write>(
    p: &mut Prompter<R, W>,
    form: &mut Form,
    saved: &mut dyn FnMut(&Form),
) -> Result<(), Halt> {
    let mut offered: Vec<&'static str> = Vec::new();
    loop {
        let current = shown(form, FieldId::Timezone);
        let question = if offered.is_empty() {
            format!("Timezone (an IANA name, or a city or country) [{current}]: ")
        } else {
            format!(
                "Timezone: a number from 1 to {}, or another name [{current}]: ",
                offered.len()
            )
        };
        let answer = p.ask(&question)?;
        if !answer.is_empty() {
            let chosen = answer
                .parse::<usize>()
                .ok()
                .and_then(|n| offered.get(n.wrapping_sub(1)).copied());
            form.timezone.input.set(chosen.unwrap_or(&answer));
        }
        saved(form);
        let Some(message) = problem(form, FieldId::Timezone) else {
            return Ok(());
        };
        p.say(&message)?;
        let zones = timezone::zones();
        offered = timezone::search(form.timezone.value())
            .into_iter()
            .take(ZONE_MATCHES)
            .map(|i| zones[i].tz.name())
            .collect();
        if !offered.is_empty() {
            p.say("Matching timezones:")?;
            for (i, name) in offered.iter().enumerate() {
                p.say(&format!("{}. {name}", i + 1))?;
            }
        }
    }
}
