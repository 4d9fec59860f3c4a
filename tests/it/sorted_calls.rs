//! Issue 19 item 7: a batch's calls sorted by a column over the whole
//! batch, through the TUI's view: the independent mock's 2,345 calls
//! (24 pages of 100), counted by the same walk the view's count runs
//! (keeping the rows), then paged through in the view; the order equals
//! the one computed here from the dataset alone.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;

use crate::common::mock::{self, MOCK_BATCH, MockCall};
use weya_tui::api::{Auth, BatchDetails, BatchSummary, ClientConfig, WeyaClient};
use weya_tui::campaign::outcomes::{Fold, count_with};
use weya_tui::campaign::sorted::MAX_SORTED_CALLS;
use weya_tui::tui::keymap::Input;
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::batches::ViewContext;
use weya_tui::tui::views::batches::details::{BatchDetailsView, DetailsMsg};

const CALLS: usize = 2_345;

fn press(view: &mut BatchDetailsView, code: KeyCode) -> Vec<Cmd> {
    let now = Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap();
    view.update(
        DetailsMsg::Input(Input::Typed(KeyEvent::new(code, KeyModifiers::NONE))),
        now,
    )
}

/// Answers the view's fetch with an (empty) page of Weya's: in sorted
/// mode the view shows the page of its rows in its place.
fn answer(view: &mut BatchDetailsView, cmds: &[Cmd]) {
    let now = Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap();
    for cmd in cmds {
        if let Cmd::FetchCalls { generation, .. } = cmd {
            let page = BatchDetails {
                batch_id: MOCK_BATCH.into(),
                batch_name: "Mock".into(),
                batch_status: "active".into(),
                total: CALLS as u64,
                ..BatchDetails::default()
            };
            view.update(
                DetailsMsg::CallsLoaded {
                    generation: *generation,
                    result: Ok(page),
                },
                now,
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sorting_by_duration_in_the_view_orders_the_whole_batch_across_24_pages() {
    let server = mock::serve(CALLS, None).await;
    let config = ClientConfig::new(
        &server.url,
        Auth::ApiKey(SecretString::from("sk_test_mock_000000000000")),
    );
    let client = WeyaClient::new(config).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap();

    let summary = BatchSummary {
        id: MOCK_BATCH.into(),
        batch_name: "Mock".into(),
        queue_status: "active".into(),
        ..BatchSummary::default()
    };
    let mut view = BatchDetailsView::new(ViewContext::default(), summary).in_height(40);
    let cmds = view.update(DetailsMsg::Tick, now);
    answer(&mut view, &cmds);
    // o, o, o: by duration, shortest first (ascending, as the CLI's
    // --sort); S below: longest first.
    let mut keep = false;
    for _ in 0..3 {
        let cmds = press(&mut view, KeyCode::Char('o'));
        keep |= cmds.iter().any(|c| {
            matches!(
                c,
                Cmd::CountOutcomes {
                    keep_rows: true,
                    ..
                }
            )
        });
        answer(&mut view, &cmds);
    }
    // The first page's count (without rows) was under way; it ends, and
    // the view asks for one that keeps the rows: the effects run that as
    // below (count_with, the fold keeping the rows).
    let plain = count_with(&client, MOCK_BATCH, Fold::new(None), |_| {})
        .await
        .unwrap();
    let cmds = view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(plain))), now);
    keep |= cmds.iter().any(|c| {
        matches!(
            c,
            Cmd::CountOutcomes {
                keep_rows: true,
                ..
            }
        )
    });
    assert!(keep, "a count that keeps the rows was asked");
    let mut pages_read = 0;
    let counted = count_with(
        &client,
        MOCK_BATCH,
        Fold::new(None).keeping(MAX_SORTED_CALLS),
        |_| pages_read += 1,
    )
    .await
    .unwrap();
    assert_eq!(pages_read, 24);
    view.update(DetailsMsg::OutcomesCounted(Ok(Box::new(counted))), now);
    assert!(!view.calls().is_empty());
    let cmds = press(&mut view, KeyCode::Char('S'));
    answer(&mut view, &cmds);

    // Page through the view: every call once, in the order of the truth.
    let mut shown: Vec<String> = view.calls().iter().map(|c| c.id.clone()).collect();
    loop {
        let last = view.calls().len();
        for _ in 0..last {
            press(&mut view, KeyCode::Down);
        }
        let cmds = press(&mut view, KeyCode::PageDown);
        if cmds.is_empty() {
            break;
        }
        answer(&mut view, &cmds);
        shown.extend(view.calls().iter().map(|c| c.id.clone()));
    }
    // The truth, from the dataset: the last attempt's duration, longest
    // first; calls never attempted last; equal ones as added (the mock's
    // calls share one createdAt, so in the order read).
    let mut truth: Vec<MockCall> = (0..CALLS).map(MockCall::of).collect();
    let last = |c: &MockCall| c.attempts.last().map(|(_, d)| *d);
    truth.sort_by(|a, b| match (last(a), last(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let want: Vec<String> = truth.iter().map(MockCall::id).collect();
    assert_eq!(shown.len(), CALLS);
    assert_eq!(shown, want);
    // Not Weya's order: the calls of its later pages come first.
    assert!(truth[..30].iter().any(|c| c.index >= 100));
}
