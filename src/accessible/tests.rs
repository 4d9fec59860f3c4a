//! The prompt flow with scripted input: what an operator types, line by
//! line, and what they read back.

use std::io::Cursor;

use super::flow::{self, Decision};
use super::prompt::{Halt, Prompter};
use super::{Why, chosen};
use crate::api::Phone;
use crate::create::review::Summary;
use crate::form::{FieldId, Form};

const NY: &str = "64e5f12345abcdef87654321";
const LDN: &str = "64e5f12345abcdef87654322";

fn form() -> Form {
    let mut form = Form::new("America/New_York");
    form.numbers.finish_loading(Ok(vec![
        Phone {
            id: NY.into(),
            phone_number: "12125550143".into(),
            integration: "twilio".into(),
            label: "NY office".into(),
        },
        Phone {
            id: LDN.into(),
            phone_number: "442071838750".into(),
            integration: "plivo".into(),
            label: "London".into(),
        },
    ]));
    form
}

/// Runs `fill` then `review` on `typed`; what was decided (or how it
/// stopped), the form, the text written and the drafts saved.
fn run(typed: &str) -> (Result<Decision, Halt>, Form, String, usize) {
    let mut form = form();
    let mut p = Prompter::new(Cursor::new(typed.as_bytes().to_vec()), Vec::new());
    let mut saves = 0;
    let mut saved = |_: &Form| saves += 1;
    let mut summarize = |request: &crate::api::BatchRequest, _: &Form| Summary {
        lines: vec![("Name", request.batch_name.clone())],
        warnings: vec!["a warning the review gives".to_owned()],
    };
    let result = flow::fill(&mut p, &mut form, &mut saved)
        .and_then(|()| flow::review(&mut p, &mut form, &mut saved, &mut summarize));
    let text = String::from_utf8(p.out).unwrap();
    (result, form, text, saves)
}

#[test]
fn a_batch_is_made_from_typed_answers_and_numbered_choices() {
    // Name, numbers 2 and 1, timezone kept, 10 to 16, weekdays, 2 retries,
    // 15 minutes apart, then "1. Send this batch".
    let (result, _, text, saves) = run("June renewals\n2,1\n\n10\n16\nweekdays\n2\n15m\n1\n");
    let Ok(Decision::Send(request)) = result else {
        panic!("not sent: {result:?}\n{text}");
    };
    assert_eq!(request.batch_name, "June renewals");
    assert_eq!(request.calling_numbers, [LDN, NY], "in the order typed");
    assert_eq!(request.timezone.as_deref(), Some("America/New_York"));
    let hour = request.calling_hour.unwrap();
    assert_eq!((hour.start.as_str(), hour.end.as_str()), ("10:00", "16:00"));
    assert_eq!(request.allowed_days, Some(vec![1, 2, 3, 4, 5]));
    assert_eq!((request.retry, request.delay), (Some(2), Some(900)));
    // Every choice numbered, the review as plain text with its warnings.
    assert!(
        text.contains("1. +1 212-555-0143, NY office, twilio, ID 64e5f12345abcdef87654321"),
        "{text}"
    );
    assert!(
        text.contains("2. +44 20 7183 8750, London, plivo"),
        "{text}"
    );
    assert!(
        text.contains("Review. Nothing has been sent yet.\nName: June renewals\n"),
        "{text}"
    );
    assert!(
        text.contains("Warning: a warning the review gives"),
        "{text}"
    );
    assert!(
        text.contains("1. Send this batch\n2. Change an answer\n3. Leave"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no escape codes: {text:?}");
    assert_eq!(saves, 8, "a draft after each answer");
}

#[test]
fn wrong_answers_get_the_forms_messages_and_are_asked_again() {
    // Start 18 and end 6, then end 20; days 8, then 1,2.
    let typed = "\nMay\n7\n1\nBombay\n1\n18\n6\n20\n8\n1,2\n\n\n1\n";
    let (result, _, text, _) = run(typed);
    assert!(
        matches!(result, Ok(Decision::Send(_))),
        "{result:?}\n{text}"
    );
    // The form's own words (crate::form::validate).
    assert!(
        text.contains("Enter a batch name (shown in Weya's dashboard)"),
        "{text}"
    );
    assert!(
        text.contains("7 is not in the list: type numbers from 1 to 2"),
        "{text}"
    );
    assert!(
        text.contains("\"Bombay\" is not a timezone: did you mean Asia/Kolkata?"),
        "{text}"
    );
    assert!(
        text.contains("Matching timezones:\n1. Asia/Kolkata"),
        "{text}"
    );
    assert!(
        text.contains("End 06:00 must be after start 18:00: Weya does not document windows that cross midnight"),
        "{text}"
    );
    assert!(
        text.contains("8 is not a day; Weya counts 0 = Sunday … 6 = Saturday"),
        "{text}"
    );
}

#[test]
fn a_phone_number_typed_for_an_id_is_refused_in_the_forms_words() {
    let (result, form, text, _) = run("Test\n+12125550143\n");
    assert!(matches!(result, Err(Halt::Ended)));
    assert!(
        text.contains(
            "+12125550143 looks like a phone number; callingNumbers takes 24-hex phone IDs"
        ),
        "{text}"
    );
    assert_eq!(form.name.value(), "Test", "what was typed stays");
}

#[test]
fn the_end_of_input_stops_the_flow_with_what_was_typed_kept() {
    let (result, form, _, saves) = run("Half done\n1\n");
    assert!(matches!(result, Err(Halt::Ended)));
    assert_eq!(form.name.value(), "Half done");
    assert_eq!(form.numbers.selected_ids(), [NY]);
    assert_eq!(saves, 2, "each answer reached the draft before the end");
}

#[test]
fn leaving_at_the_review_sends_nothing() {
    let (result, _, _, _) = run("X\n1\n\n\n\n\n\n\n3\n");
    assert!(matches!(result, Ok(Decision::Leave)), "{result:?}");
}

#[test]
fn an_answer_is_changed_at_the_review_by_its_number() {
    // 2. Change an answer → 1. Batch name → "Better name" → 1. Send.
    let (result, _, text, _) = run("X\n1\n\n\n\n\n\n\n2\n1\nBetter name\n1\n");
    let Ok(Decision::Send(request)) = result else {
        panic!("{result:?}\n{text}");
    };
    assert_eq!(request.batch_name, "Better name");
    assert!(
        text.contains("1. Batch name: X\n2. Calling numbers: 1 chosen\n"),
        "{text}"
    );
    assert!(text.contains("Choose 1 to 8: "), "{text}");
}

#[test]
fn a_choice_out_of_range_is_asked_again() {
    let (result, _, text, _) = run("X\n1\n\n\n\n\n\n\n9\n3\n");
    assert!(matches!(result, Ok(Decision::Leave)));
    assert!(
        text.contains("“9” is not one of the choices: type a number from 1 to 3."),
        "{text}"
    );
}

#[test]
fn days_read_as_numbers_or_words() {
    assert_eq!(flow::days_of("1,2,3,4,5"), Ok(vec![1, 2, 3, 4, 5]));
    assert_eq!(flow::days_of("0 6"), Ok(vec![0, 6]));
    assert_eq!(flow::days_of("Weekends"), Ok(vec![0, 6]));
    assert_eq!(flow::days_of("every day").map(|d| d.len()), Ok(7));
    assert!(
        flow::days_of("Mon")
            .unwrap_err()
            .contains("is not a day's number")
    );
}

#[test]
fn the_mode_is_chosen_by_the_flag_the_variable_or_a_dumb_terminal() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(chosen(true, &env(&[])), Some(Why::Flag));
    assert_eq!(
        chosen(false, &env(&[("WEYA_ACCESSIBLE", "1")])),
        Some(Why::Env)
    );
    assert_eq!(
        chosen(false, &env(&[("TERM", "dumb")])),
        Some(Why::DumbTerminal)
    );
    assert_eq!(
        chosen(false, &env(&[("TERM", "dumb"), ("WEYA_ACCESSIBLE", "0")])),
        None,
        "turned off on purpose"
    );
    assert_eq!(chosen(false, &env(&[("TERM", "xterm-256color")])), None);
}

#[test]
fn the_delay_is_not_asked_with_no_retries() {
    let (result, _, text, _) = run("X\n1\n\n\n\n\n0\n1\n");
    let Ok(Decision::Send(request)) = result else {
        panic!("{result:?}\n{text}");
    };
    assert_eq!((request.retry, request.delay), (Some(0), None));
    assert!(!text.contains("Retry delay"), "{text}");
    let _ = FieldId::Delay;
}
