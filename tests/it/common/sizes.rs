//! Which screens are kept as snapshots at which size.
//!
//! Every screen is a snapshot at 120x40. At 80x24 a screen is one of three:
//!
//! - [`Narrow::Snapshot`]: its narrow layout shows something of its own
//!   that a person would notice (a column dropped, a label or a dialog cut
//!   with an ellipsis, rows that no longer fit), found by no other narrow
//!   snapshot;
//! - [`Narrow::SameWords`]: at 80x24 it shows exactly the words it shows
//!   at 120x40, header and footer aside (prose re-wrapped, nothing cut): a
//!   snapshot would only repeat the wide one, so the test checks that, and
//!   fails the day something is cut at 80 columns;
//! - [`Narrow::Drawn`] (every other one): what it cuts at 80x24 is what a
//!   kept narrow snapshot already shows (the form, the list or the
//!   details behind it, the footer's hints); it is still drawn at 80x24,
//!   and must not panic there.
//!
//! Chosen for issue 18 by comparing each pair of snapshots: 160 files
//! became 115 (33 screens keep their 80x24 snapshot, 28 are checked for
//! the same words, 17 are drawn only).

use std::collections::HashMap;
use std::sync::Mutex;

/// How a screen is checked at 80x24.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    Snapshot,
    SameWords,
    Drawn,
}

/// The screens whose 80x24 snapshot is kept.
const NARROW_SNAPSHOTS: &[&str] = &[
    // screens
    "batch_details",
    "batch_list",
    "draft_not_saved",
    "drafts_offered",
    "field_help_days",
    "form_empty",
    "form_errors",
    "form_from_bad_file",
    "form_phones_failed",
    "help",
    "help_batches",
    "numbers_add_empty",
    "numbers_add_errors",
    "numbers_add_sending",
    "numbers_added",
    "numbers_filtering",
    "numbers_manual_error",
    "palette_batch",
    "review_invisible_name",
    "review_warnings",
    "template_delete_asked",
    "template_replace_asked",
    "timezone_by_city_alias",
    "timezone_matches",
    // campaign_screens
    "details",
    "details_exported",
    "dialog_delete_exported",
    "details_long_name",
    "details_local_time",
    "details_outside_window",
    "details_status_choice",
    "details_sorted_by_duration",
    "details_sorting_reading",
    "details_forecast",
    "list_forecast",
    "list_outside_window",
    "list_populated",
    "list_searching_long",
    // import_view, import_flow
    "import_preview",
    "import_preview_numbers",
    "import_preview_local_time",
    "import_split_review",
    "import_split_result",
    "import_app_preview",
    // the footer's Enter and the step's keys at 80 columns (the QA's
    // 80x24 columns step and finished import)
    "import_app_map",
    "import_app_done",
    "recovery_start_notice",
    "import_gone_start_notice",
    "import_gone_set_aside",
    // recovery, result_watch
    "import_choices_restored",
    "import_choices_stale",
    "result_after_import",
    "result_deleted",
    "result_unknown_found_keys",
];

/// The screens that show the same words at both sizes.
const NARROW_SAME_WORDS: &[&str] = &[
    // screens
    "result_403",
    "result_429",
    "result_502_html",
    "result_abandoned_running",
    "result_created",
    "result_no_batch_id",
    "result_redirected",
    "result_refused",
    "result_unknown_absent_after_the_deadline",
    "result_unknown_candidate",
    "result_unknown_found",
    "result_unknown_waiting",
    // campaign_screens
    "call",
    // import_view, import_flow
    "import_app_done",
    "import_app_map",
    "import_app_pick",
    "import_checking",
    "import_done_with_failures",
    "import_doubt",
    "import_map",
    "import_map_renaming",
    "import_partial",
    "import_paused",
    "import_pick",
    "import_preview_typing_the_region",
    "import_resume",
    "import_sending",
    "import_sheet",
];

pub fn narrow(name: &str) -> Narrow {
    if NARROW_SNAPSHOTS.contains(&name) {
        Narrow::Snapshot
    } else if NARROW_SAME_WORDS.contains(&name) {
        Narrow::SameWords
    } else {
        Narrow::Drawn
    }
}

/// The 80x24 screens of [`Narrow::SameWords`], until their 120x40 one.
static NARROW_SEEN: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// Checks the screen `name` drawn at `w`x`h` as its size calls for:
/// `snapshot(name_WxH, text)` where a snapshot is kept. The 80x24 one
/// must come before the 120x40 one (as `SIZES` has them).
pub fn check_screen(name: &str, w: u16, h: u16, text: String, snapshot: impl Fn(String, String)) {
    let file = format!("{name}_{w}x{h}");
    if (w, h) != (80, 24) {
        if (w, h) == (120, 40) && narrow(name) == Narrow::SameWords {
            let seen = NARROW_SEEN
                .lock()
                .unwrap()
                .as_mut()
                .and_then(|m| m.remove(name));
            let narrow = seen.unwrap_or_else(|| panic!("{name}: draw it at 80x24 first"));
            assert_same_words(name, &narrow, &text);
        }
        snapshot(file, text);
        return;
    }
    match narrow(name) {
        Narrow::Snapshot => snapshot(file, text),
        Narrow::SameWords => {
            NARROW_SEEN
                .lock()
                .unwrap()
                .get_or_insert_with(HashMap::new)
                .insert(name.to_owned(), text);
        }
        Narrow::Drawn => {}
    }
}

/// The words of a screen between its header and its footer, boxes aside.
fn inner_words(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.trim_end_matches('\n').lines().collect();
    let inner = lines.get(1..lines.len().saturating_sub(1)).unwrap_or(&[]);
    inner
        .iter()
        .flat_map(|l| {
            l.split(|c: char| c.is_whitespace() || ('\u{2500}'..='\u{259f}').contains(&c))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_same_words(name: &str, narrow: &str, wide: &str) {
    assert_eq!(
        inner_words(narrow),
        inner_words(wide),
        "{name}: at 80x24 the screen no longer shows every word it shows at 120x40 \
         (give it an 80x24 snapshot if that is meant):\n{narrow}"
    );
}
