//! Drawing the campaign views with a 1,000-row page loaded, at 120x40:
//! the batch list and a batch's calls table. Only the rows on screen are
//! built, so the page size should not show. Figures: BENCHMARKS.md.
// A test or bench that cannot set up should stop loudly; its screen
// positions are small.
#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use weya_tui::api::types::Pagination;
use weya_tui::api::{BatchDetails, BatchPage, BatchSummary, Call};
use weya_tui::tui::msg::Cmd;
use weya_tui::tui::views::batches::ViewContext;
use weya_tui::tui::views::batches::details::{BatchDetailsView, DetailsMsg};
use weya_tui::tui::views::batches::list::{BatchList, ListMsg};
use weya_tui::tui::widgets::DrawView;
use weya_tui::tui::widgets::theme::Theme;

const ROWS: usize = 1_000;
const STATUSES: [&str; 4] = ["active", "paused", "stopped", "completed"];

fn summary(i: usize) -> BatchSummary {
    BatchSummary {
        id: format!("{:024x}", 0x64e5_0000_0000_u64 + i as u64),
        batch_name: format!("Campaign {i} renewals"),
        total_calls: Some(500),
        calls_picked: Some((i % 500) as u64),
        calls_completed: Some((i % 300) as u64),
        queue_status: STATUSES[i % 4].to_owned(),
        created_at: "2026-01-14T10:00:00.000Z".into(),
        updated_at: "2026-01-15T13:59:00.000Z".into(),
    }
}

fn call(i: usize) -> Call {
    serde_json::from_value(json!({
        "_id": format!("{:024x}", 0x6789_0000_u64 + i as u64),
        "phoneNumber": format!("1212555{:04}", i % 10_000),
        "name": format!("Contact {i}"),
        "plan": "Premium",
        "due_date": "2026-02-01",
        "phoneLogs": [{"callStatus": "completed", "callDuration": 65,
            "recordingUrl": "https://sandbox.invalid/rec/1.mp3",
            "transcript": "Hello.", "createdAt": "2026-01-15T13:58:00.000Z"}],
        "createdAt": "2026-01-15T11:00:00.000Z"
    }))
    .unwrap_or_default()
}

fn render(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 1, 15, 14, 0, 0).unwrap();
    let theme = Theme::new(true);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    let mut list = BatchList::new(ViewContext::default());
    if let [Cmd::FetchBatches { generation, .. }] = list.update(ListMsg::Tick, now).as_slice() {
        let page = BatchPage {
            batches: (0..ROWS).map(summary).collect(),
            pagination: Pagination {
                total: 63_000,
                page: 1,
                limit: ROWS as u64,
                total_pages: 63,
            },
        };
        list.update(
            ListMsg::PageLoaded {
                generation: *generation,
                result: Ok(page),
            },
            now,
        );
    }
    assert_eq!(list.rows().len(), ROWS);
    c.bench_function("campaign/list 1000-row page 120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|f| DrawView::draw(&list, &theme, f, f.area(), now))
                .unwrap();
            black_box(terminal.backend().buffer().area);
        })
    });

    let mut view = BatchDetailsView::new(ViewContext::default(), summary(0));
    if let [Cmd::FetchCalls { generation, .. }] = view.update(DetailsMsg::Tick, now).as_slice() {
        let details = BatchDetails {
            batch_id: summary(0).id,
            batch_name: "Campaign 0 renewals".into(),
            batch_status: "active".into(),
            page: 1,
            limit: ROWS as u64,
            total: 5_000,
            total_pages: 5,
            calls: (0..ROWS).map(call).collect(),
        };
        view.update(
            DetailsMsg::CallsLoaded {
                generation: *generation,
                result: Ok(details),
            },
            now,
        );
    }
    assert_eq!(view.calls().len(), ROWS);
    c.bench_function("campaign/calls 1000-row page 120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|f| DrawView::draw(&view, &theme, f, f.area(), now))
                .unwrap();
            black_box(terminal.backend().buffer().area);
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
