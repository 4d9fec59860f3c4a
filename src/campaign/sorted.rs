//! A batch's calls sorted by any column the calls table shows, over the
//! whole batch: the rows one walk of the pages kept ([`Keeper`], fed by
//! the same walk as the outcomes count, see
//! [`super::outcomes::Fold::keeping`]), sorted, filtered by last status
//! ("not called yet" included, which Weya's filter cannot do) and paged
//! here. The CLI's `batch calls --sort` and the TUI's calls table both use
//! it.
//!
//! # Why not one page
//!
//! Weya's batch-details documents one order, `createdAt`; sorting one page
//! by another column would show "the longest calls" of twenty calls and
//! look like the batch's. So any other order is over every call as read,
//! and says when it was read. Sorting by `createdAt` stays Weya's.
//!
//! # What a row keeps
//!
//! The call as Weya sent it, less what only a call's own view shows (each
//! attempt's transcript and recording URL, by far its largest parts), and
//! its sort keys, computed once. A batch of more than [`MAX_SORTED_CALLS`]
//! calls is not kept: [`Rows::over`] says how many it held, and the
//! front-ends say why they do not sort.

use std::cmp::Ordering;

use chrono::DateTime;

use super::status::{NO_STATUS, NOT_CALLED};
use crate::api::{Call, SortOrder};

/// The most calls kept for a sort: past this, sorting is not offered (a
/// row is a few hundred bytes: 50,000 of them are tens of megabytes).
pub const MAX_SORTED_CALLS: usize = 50_000;

/// A column of the calls table to sort by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Column {
    /// When the call was added: Weya's own order, sorted by the server.
    #[default]
    Created,
    Number,
    /// The last attempt's status ("not called yet" sorts as itself).
    Status,
    /// The last attempt's duration.
    Duration,
    Attempts,
    /// The last attempt's time (the call's `createdAt` before any).
    Time,
}

impl Column {
    /// Every column, in the order `o` cycles through them.
    pub const ALL: [Self; 6] = [
        Self::Created,
        Self::Number,
        Self::Status,
        Self::Duration,
        Self::Attempts,
        Self::Time,
    ];

    /// The word the CLI takes and the screen says.
    pub fn name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Number => "number",
            Self::Status => "status",
            Self::Duration => "duration",
            Self::Attempts => "attempts",
            Self::Time => "time",
        }
    }

    /// `--sort`: the names above, and a few the operator may type.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        let found = match t.as_str() {
            "created" | "createdat" | "created-at" => Self::Created,
            "number" | "phone" | "phonenumber" => Self::Number,
            "status" => Self::Status,
            "duration" => Self::Duration,
            "attempts" => Self::Attempts,
            "time" | "last-attempt" => Self::Time,
            _ => {
                return Err(format!(
                    "{text:?} is not a column: give one of {}",
                    Self::ALL.map(Self::name).join(", ")
                ));
            }
        };
        Ok(found)
    }

    /// Whether Weya sorts by it (only `createdAt`): every other column is
    /// sorted here, over the whole batch.
    pub fn by_server(self) -> bool {
        self == Self::Created
    }

    /// The order a column is first sorted in, by the CLI's `--sort`
    /// (without `--desc`) and by the TUI's `o` alike: ascending (smallest,
    /// earliest, A first); created keeps Weya's newest first, the order
    /// the table opens in.
    pub fn first_order(self) -> SortOrder {
        if self.by_server() {
            SortOrder::Desc
        } else {
            SortOrder::Asc
        }
    }

    /// The next column (`o`).
    pub fn next(self) -> Self {
        let at = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }
}

/// What the calls are sorted by: a fixed column, or a contact field by
/// its exact name (the table's scrolled columns).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortKey {
    Column(Column),
    Field(String),
}

impl Default for SortKey {
    fn default() -> Self {
        Self::Column(Column::default())
    }
}

impl From<Column> for SortKey {
    fn from(column: Column) -> Self {
        Self::Column(column)
    }
}

impl SortKey {
    /// The word the screen says: a column's name, or the field's.
    pub fn name(&self) -> &str {
        match self {
            Self::Column(c) => c.name(),
            Self::Field(f) => f,
        }
    }

    /// `--sort`: a column (as [`Column::parse`] reads it), else a contact
    /// field by its exact name (whether the batch has it is known only
    /// once its calls are read: see [`Rows::has_field`]).
    pub fn parse(text: &str) -> Result<Self, String> {
        match Column::parse(text) {
            Ok(c) => Ok(Self::Column(c)),
            Err(_) if !text.trim().is_empty() => Ok(Self::Field(text.to_owned())),
            Err(e) => Err(e),
        }
    }

    /// Whether Weya sorts by it (only `createdAt`).
    pub fn by_server(&self) -> bool {
        matches!(self, Self::Column(c) if c.by_server())
    }

    /// The order it is first sorted in: ascending, but created.
    pub fn first_order(&self) -> SortOrder {
        match self {
            Self::Column(c) => c.first_order(),
            Self::Field(_) => SortOrder::Asc,
        }
    }

    /// The next key (`o`): number, status, duration, attempts, time, each
    /// contact field of `fields` (in the table's order), created.
    pub fn next(&self, fields: &[String]) -> Self {
        let first_field = || fields.first().map(|f| Self::Field(f.clone()));
        match self {
            Self::Column(Column::Time) => first_field().unwrap_or(Self::Column(Column::Created)),
            Self::Column(c) => Self::Column(c.next()),
            Self::Field(f) => match fields.iter().position(|x| x == f) {
                Some(i) if i + 1 < fields.len() => Self::Field(fields[i + 1].clone()),
                Some(_) => Self::Column(Column::Created),
                // A field no longer shown: on to the first one, else created.
                None => first_field().unwrap_or(Self::Column(Column::Created)),
            },
        }
    }
}

/// A contact field's value as sorted: numbers (when it parses as one)
/// before text (lower-cased), so that the order is total in a column
/// mixing both; an empty or absent value has none (last either way).
#[derive(Debug, Clone, PartialEq)]
enum FieldValue {
    Number(f64),
    Text(String),
}

impl FieldValue {
    fn of(call: &Call, field: &str) -> Option<Self> {
        let text = call.field_text(field)?;
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        Some(match t.parse::<f64>() {
            Ok(n) if n.is_finite() => Self::Number(n),
            _ => Self::Text(t.to_lowercase()),
        })
    }

    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Number(_), Self::Text(_)) => Ordering::Less,
            (Self::Text(_), Self::Number(_)) => Ordering::Greater,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
        }
    }
}

/// The order in words, as the CLI and the TUI say it: "ascending ↑",
/// "descending ↓".
pub fn order_words(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Asc => "ascending ↑",
        SortOrder::Desc => "descending ↓",
    }
}

/// The status filter over kept rows: a call's last status as the outcomes
/// count it ([`NOT_CALLED`], [`NO_STATUS`] or the status Weya wrote).
pub fn status_key(call: &Call) -> &str {
    match (call.phone_logs.is_empty(), call.status()) {
        (true, _) => NOT_CALLED,
        (false, None) => NO_STATUS,
        (false, Some(status)) => status,
    }
}

/// One call kept for sorting.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The call, less its attempts' transcripts and recording URLs.
    pub call: Call,
    /// Its place in the walk (oldest first): the last tie-break.
    pub read_at: u32,
    created: Option<i64>,
    time: Option<i64>,
    duration: Option<f64>,
}

impl Row {
    fn new(call: &Call, read_at: u32) -> Self {
        let millis = |t: &str| {
            DateTime::parse_from_rfc3339(t)
                .ok()
                .map(|d| d.timestamp_millis())
        };
        let last = call.latest_log();
        let created = millis(&call.created_at);
        let time = last.and_then(|l| millis(&l.created_at)).or(created);
        let duration = last.and_then(|l| l.call_duration).filter(|d| d.is_finite());
        let mut call = call.clone();
        for log in &mut call.phone_logs {
            log.transcript = None;
            log.recording_url = None;
        }
        Self {
            call,
            read_at,
            created,
            time,
            duration,
        }
    }

    /// This column's order between two rows, before ties; a row without a
    /// value (no duration yet) comes after every row with one, either way.
    fn cmp_by(&self, other: &Self, column: Column, order: SortOrder) -> Ordering {
        fn opt<T>(
            a: Option<T>,
            b: Option<T>,
            order: SortOrder,
            f: impl Fn(&T, &T) -> Ordering,
        ) -> Ordering {
            match (a, b) {
                (Some(a), Some(b)) => directed(f(&a, &b), order),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        match column {
            Column::Created => opt(self.created, other.created, order, Ord::cmp),
            Column::Number => directed(self.call.phone_number.cmp(&other.call.phone_number), order),
            Column::Status => directed(status_key(&self.call).cmp(status_key(&other.call)), order),
            Column::Duration => opt(self.duration, other.duration, order, f64::total_cmp),
            Column::Attempts => directed(
                self.call.phone_logs.len().cmp(&other.call.phone_logs.len()),
                order,
            ),
            Column::Time => opt(self.time, other.time, order, Ord::cmp),
        }
    }

    /// Whether the search (lower case) is in its number or a contact
    /// field's value: the search in sorted mode runs here, on the rows.
    fn matches(&self, needle: &str) -> bool {
        // A number as typed ("+1 (415) 555-01") is its digits; text with
        // letters in it is not a number.
        let number_like = needle
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits: String = needle.chars().filter(char::is_ascii_digit).collect();
        (number_like && !digits.is_empty() && self.call.phone_number.contains(&digits))
            || self.call.phone_number.to_lowercase().contains(needle)
            || self.call.fields.keys().any(|k| {
                self.call
                    .field_text(k)
                    .is_some_and(|v| v.to_lowercase().contains(needle))
            })
    }
}

fn directed(ord: Ordering, order: SortOrder) -> Ordering {
    match order {
        SortOrder::Asc => ord,
        SortOrder::Desc => ord.reverse(),
    }
}

/// What to do instead when a batch holds more calls than are kept for a
/// sort (or to find the calls not called yet, `status`
/// [`NOT_CALLED`]): what fits the filter.
pub fn over_cap_advice(status: Option<&str>) -> &'static str {
    match status {
        // Weya's filter cannot ask for them, and sorting by created does
        // not find them: the export has every call's attempts.
        Some(NOT_CALLED) => {
            "use batch export, whose rows with attempts 0 are the calls not called yet"
        }
        Some(_) => "sort by created (Weya's own order, with its status filter) or use batch export",
        None => "sort by created (Weya's own order) or use batch export",
    }
}

/// Keeps rows as a walk reads calls, up to a cap.
#[derive(Debug, Clone)]
pub struct Keeper {
    cap: usize,
    rows: Vec<Row>,
    seen: u64,
}

impl Keeper {
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            rows: Vec::new(),
            seen: 0,
        }
    }

    pub fn add(&mut self, call: &Call) {
        self.seen += 1;
        if self.rows.len() < self.cap {
            let at = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
            self.rows.push(Row::new(call, at));
        } else {
            // Past the cap nothing is kept: a part of a batch sorted
            // would mislead as a page does.
            self.rows = Vec::new();
            self.cap = 0;
        }
    }

    pub fn finish(self) -> Rows {
        let over = (self.seen > self.rows.len() as u64).then_some(self.seen);
        Rows {
            rows: if over.is_some() {
                Vec::new()
            } else {
                self.rows
            },
            over,
        }
    }
}

/// What a walk kept for sorting: every call of the batch, or none and
/// how many there were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub rows: Vec<Row>,
    /// The calls read when they were more than [`MAX_SORTED_CALLS`] (then
    /// `rows` is empty and nothing is sorted).
    pub over: Option<u64>,
}

/// How the kept rows are shown: a column and its order, a status (the
/// outcomes' keys, [`NOT_CALLED`] included) and a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrangement {
    pub key: SortKey,
    pub order: SortOrder,
    pub status: Option<String>,
    pub search: Option<String>,
}

impl Rows {
    /// The rows matching `how`, sorted by its column (stable; ties by
    /// `createdAt`, oldest first, then as read; by `createdAt` itself,
    /// ties as read in the order asked): indices into `rows`.
    pub fn arrange(&self, how: &Arrangement) -> Vec<usize> {
        let needle = how
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let mut out: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                let row = &self.rows[i];
                how.status
                    .as_deref()
                    .is_none_or(|s| status_key(&row.call) == s)
                    && needle.as_deref().is_none_or(|n| row.matches(n))
            })
            .collect();
        let column = match &how.key {
            SortKey::Column(c) => *c,
            SortKey::Field(field) => {
                // Each value read once, not at every comparison.
                let values: Vec<Option<FieldValue>> = self
                    .rows
                    .iter()
                    .map(|r| FieldValue::of(&r.call, field))
                    .collect();
                out.sort_by(|&x, &y| {
                    let by_field = match (&values[x], &values[y]) {
                        (Some(a), Some(b)) => directed(a.cmp(b), how.order),
                        (Some(_), None) => Ordering::Less,
                        (None, Some(_)) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    };
                    let (a, b) = (&self.rows[x], &self.rows[y]);
                    by_field
                        .then_with(|| a.cmp_by(b, Column::Created, SortOrder::Asc))
                        .then(a.read_at.cmp(&b.read_at))
                });
                return out;
            }
        };
        out.sort_by(|&a, &b| {
            let (a, b) = (&self.rows[a], &self.rows[b]);
            if column == Column::Created {
                // Calls added at the same instant: as added, in the order
                // asked (Weya's newest first lists the last added first).
                return a
                    .cmp_by(b, Column::Created, how.order)
                    .then(directed(a.read_at.cmp(&b.read_at), how.order));
            }
            a.cmp_by(b, column, how.order)
                .then_with(|| a.cmp_by(b, Column::Created, SortOrder::Asc))
                .then(a.read_at.cmp(&b.read_at))
        });
        out
    }

    /// The contact fields the kept calls hold, in the order first seen.
    pub fn fields(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for row in &self.rows {
            for key in row.call.fields.keys() {
                if !seen.contains(key) {
                    seen.push(key.clone());
                }
            }
        }
        seen
    }

    /// Whether a kept call holds the contact field `name` (exactly).
    pub fn has_field(&self, name: &str) -> bool {
        self.rows.iter().any(|r| r.call.fields.contains_key(name))
    }

    /// Where call `id` was read in the walk (0 for the first call of
    /// the oldest-first pages): its page of
    /// [`super::WALK_PAGE`] calls holds it in full.
    pub fn read_at(&self, id: &str) -> Option<u32> {
        self.rows
            .iter()
            .find(|r| r.call.id == id)
            .map(|r| r.read_at)
    }

    /// Page `page` (from 1) of `limit` rows of an arrangement: the calls,
    /// and the number of pages (at least 1).
    pub fn page<'a>(&'a self, arranged: &[usize], page: u32, limit: u32) -> (Vec<&'a Call>, u64) {
        let limit = limit.max(1) as usize;
        let pages = arranged.len().div_ceil(limit).max(1) as u64;
        let from = (page.max(1) as usize - 1).saturating_mul(limit);
        let calls = arranged
            .iter()
            .skip(from)
            .take(limit)
            .map(|&i| &self.rows[i].call)
            .collect();
        (calls, pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PhoneLog;
    use proptest::prelude::*;

    fn call(n: u32, logs: &[(&str, Option<f64>)]) -> Call {
        Call {
            id: format!("{n:024x}"),
            phone_number: format!("1212555{:04}", n % 10_000),
            created_at: format!("2025-05-01T12:{:02}:{:02}.000Z", n / 60 % 60, n % 60),
            phone_logs: logs
                .iter()
                .map(|(s, d)| PhoneLog {
                    call_status: (*s).to_owned(),
                    call_duration: *d,
                    transcript: Some("a long transcript".into()),
                    recording_url: Some("https://rec.example/1".into()),
                    created_at: format!("2025-05-02T09:{:02}:00.000Z", n % 60),
                })
                .collect(),
            ..Call::default()
        }
    }

    fn rows(calls: &[Call], cap: usize) -> Rows {
        let mut k = Keeper::new(cap);
        calls.iter().for_each(|c| k.add(c));
        k.finish()
    }

    #[test]
    fn by_duration_longest_first_the_uncalled_last_and_ties_oldest_first() {
        let calls = vec![
            call(0, &[("completed", Some(30.0))]),
            call(1, &[]),
            call(2, &[("no-answer", Some(0.0)), ("completed", Some(95.0))]),
            call(3, &[("completed", Some(30.0))]),
        ];
        let r = rows(&calls, 10);
        let how = Arrangement {
            key: Column::Duration.into(),
            order: SortOrder::Desc,
            ..Arrangement::default()
        };
        assert_eq!(r.arrange(&how), vec![2, 0, 3, 1]);
        // Kept without what only the call's own view shows.
        assert!(
            r.rows[2]
                .call
                .phone_logs
                .iter()
                .all(|l| l.transcript.is_none())
        );
        assert_eq!(r.rows[2].call.phone_logs.len(), 2);
    }

    #[test]
    fn not_called_yet_is_a_status_here_and_the_search_reads_the_fields() {
        let mut calls = vec![call(0, &[("busy", None)]), call(1, &[]), call(2, &[])];
        calls[2]
            .fields
            .insert("name".into(), serde_json::json!("Asha Rao"));
        let r = rows(&calls, 10);
        let only = |status: &str, search: Option<&str>| {
            r.arrange(&Arrangement {
                status: Some(status.into()),
                search: search.map(Into::into),
                order: SortOrder::Asc,
                ..Arrangement::default()
            })
        };
        assert_eq!(only(NOT_CALLED, None), vec![1, 2]);
        assert_eq!(only(NOT_CALLED, Some("asha")), vec![2]);
        // A number as typed finds its call; digits inside words are words.
        assert_eq!(only(NOT_CALLED, Some("+1 (212) 555-0002")), vec![2]);
        assert_eq!(only(NOT_CALLED, Some("rao 1")), Vec::<usize>::new());
        assert_eq!(only("busy", None), vec![0]);
    }

    #[test]
    fn a_batch_past_the_cap_is_not_sorted_and_says_how_many() {
        let calls: Vec<_> = (0..5).map(|n| call(n, &[])).collect();
        let r = rows(&calls, 4);
        assert!(r.rows.is_empty());
        assert_eq!(r.over, Some(5));
        assert_eq!(rows(&calls, 5).over, None);
    }

    #[test]
    fn columns_read_as_typed() {
        assert_eq!(Column::parse("createdAt"), Ok(Column::Created));
        assert_eq!(Column::parse(" Duration "), Ok(Column::Duration));
        assert!(Column::parse("name").unwrap_err().contains("duration"));
        assert_eq!(Column::Time.next(), Column::Created);
    }

    fn with_field(mut c: Call, name: &str, value: serde_json::Value) -> Call {
        c.fields.insert(name.into(), value);
        c
    }

    #[test]
    fn by_a_field_numbers_as_numbers_text_without_case_and_the_empty_last_either_way() {
        let calls = vec![
            with_field(call(0, &[]), "age", serde_json::json!("10")),
            with_field(call(1, &[]), "age", serde_json::json!(9)),
            with_field(call(2, &[]), "age", serde_json::json!("")),
            call(3, &[]),
            with_field(call(4, &[]), "age", serde_json::json!("2.5")),
            with_field(call(5, &[]), "age", serde_json::json!(9)),
        ];
        let r = rows(&calls, 10);
        let by = |order| {
            r.arrange(&Arrangement {
                key: SortKey::Field("age".into()),
                order,
                ..Arrangement::default()
            })
        };
        // 2.5 < 9 < 10 as numbers (as text "10" < "2.5" < "9"); equal
        // nines oldest first; empty and missing last, oldest first.
        assert_eq!(by(SortOrder::Asc), vec![4, 1, 5, 0, 2, 3]);
        assert_eq!(by(SortOrder::Desc), vec![0, 1, 5, 4, 2, 3]);
        let names = vec![
            with_field(call(0, &[]), "firstName", serde_json::json!("bela")),
            with_field(call(1, &[]), "firstName", serde_json::json!("Asha")),
            with_field(call(2, &[]), "firstName", serde_json::json!("Chen")),
        ];
        let r = rows(&names, 10);
        let how = Arrangement {
            key: SortKey::Field("firstName".into()),
            order: SortOrder::Asc,
            ..Arrangement::default()
        };
        assert_eq!(r.arrange(&how), vec![1, 0, 2]);
        assert_eq!(r.fields(), vec!["firstName".to_owned()]);
        assert!(r.has_field("firstName") && !r.has_field("firstname"));
    }

    #[test]
    fn o_cycles_the_columns_then_the_fields_shown_then_created() {
        let fields = vec!["firstName".to_owned(), "city".to_owned()];
        let mut key = SortKey::from(Column::Created);
        let mut seen = Vec::new();
        for _ in 0..8 {
            key = key.next(&fields);
            seen.push(key.name().to_owned());
        }
        assert_eq!(
            seen,
            [
                "number",
                "status",
                "duration",
                "attempts",
                "time",
                "firstName",
                "city",
                "created"
            ]
        );
        assert_eq!(
            SortKey::from(Column::Time).next(&[]),
            SortKey::from(Column::Created)
        );
        // --sort: a column's words first, else a field by its exact name.
        assert_eq!(SortKey::parse("Duration"), Ok(Column::Duration.into()));
        assert_eq!(
            SortKey::parse("firstName"),
            Ok(SortKey::Field("firstName".into()))
        );
        assert!(SortKey::parse(" ").is_err());
    }

    fn any_call() -> impl Strategy<Value = Call> {
        let status = prop_oneof![Just("completed"), Just("busy"), Just("no-answer"), Just("")];
        (
            0u32..500,
            prop::collection::vec((status, prop::option::of(0.0f64..300.0)), 0..4),
        )
            .prop_map(|(n, logs)| {
                let logs: Vec<_> = logs.iter().map(|(s, d)| (*s, *d)).collect();
                call(n, &logs)
            })
    }

    /// The column's value as the table shows it, independent of the
    /// sorter: a number, or a word for the status.
    fn shown(call: &Call, column: Column) -> Option<String> {
        let last = call.latest_log();
        match column {
            Column::Duration => last
                .and_then(|l| l.call_duration)
                .map(|d| format!("{:020.6}", d)),
            Column::Attempts => Some(format!("{:05}", call.phone_logs.len())),
            Column::Status => Some(status_key(call).to_owned()),
            Column::Number => Some(call.phone_number.clone()),
            Column::Time => Some(last.map_or(&call.created_at, |l| &l.created_at).clone()),
            Column::Created => Some(call.created_at.clone()),
        }
    }

    fn any_value() -> impl Strategy<Value = Option<serde_json::Value>> {
        prop::option::of(prop_oneof![
            (-50i64..50).prop_map(|n| serde_json::json!(n)),
            (-50.0f64..50.0).prop_map(|n| serde_json::json!(n.to_string())),
            "[a-cA-C]{0,3}".prop_map(|t| serde_json::json!(t)),
        ])
    }

    proptest! {
        #[test]
        fn a_field_sort_is_a_permutation_ordered_by_the_value_with_the_empty_last(
            values in prop::collection::vec(any_value(), 0..60),
            desc in any::<bool>(),
        ) {
            let calls: Vec<Call> = (0u32..)
                .zip(&values)
                .map(|(n, v)| {
                    let c = call(n, &[]);
                    match v {
                        Some(v) => with_field(c, "f", v.clone()),
                        None => c,
                    }
                })
                .collect();
            let r = rows(&calls, 100);
            let order = if desc { SortOrder::Desc } else { SortOrder::Asc };
            let got = r.arrange(&Arrangement { key: SortKey::Field("f".into()), order, ..Arrangement::default() });
            let mut sorted = got.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..calls.len()).collect::<Vec<_>>());
            // Independent of the sorter: numbers, then text without case.
            let value = |i: usize| -> Option<(u8, f64, String)> {
                let t = calls[i].field_text("f")?.trim().to_owned();
                if t.is_empty() { return None; }
                Some(match t.parse::<f64>() {
                    Ok(n) => (0, n, String::new()),
                    Err(_) => (1, 0.0, t.to_lowercase()),
                })
            };
            for w in got.windows(2) {
                match (value(w[0]), value(w[1])) {
                    (Some(a), Some(b)) => {
                        let ord = a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2));
                        if ord == Ordering::Equal {
                            prop_assert!(w[0] < w[1], "ties oldest first");
                        } else {
                            prop_assert_eq!(ord == Ordering::Less, !desc);
                        }
                    }
                    (None, Some(_)) => prop_assert!(false, "an empty value before one with"),
                    (Some(_), None) => {}
                    (None, None) => prop_assert!(w[0] < w[1]),
                }
            }
        }
    }

    proptest! {
        #[test]
        fn a_sort_is_a_permutation_ordered_by_its_key_and_a_filter_keeps_exactly_the_matching(
            calls in prop::collection::vec(any_call(), 0..60),
            column in prop::sample::select(Column::ALL.to_vec()),
            desc in any::<bool>(),
            status in prop::option::of(prop_oneof![
                Just(NOT_CALLED.to_owned()), Just(NO_STATUS.to_owned()),
                Just("completed".to_owned()), Just("busy".to_owned())]),
            cap in 0usize..80,
        ) {
            let r = rows(&calls, cap);
            if calls.len() > cap {
                prop_assert!(r.rows.is_empty());
                prop_assert_eq!(r.over, Some(calls.len() as u64));
                return Ok(());
            }
            let order = if desc { SortOrder::Desc } else { SortOrder::Asc };
            let how = Arrangement { key: column.into(), order, status: status.clone(), search: None };
            let got = r.arrange(&how);
            // Exactly the matching calls, each once.
            let mut sorted = got.clone();
            sorted.sort_unstable();
            let want: Vec<usize> = (0..calls.len())
                .filter(|&i| status.as_deref().is_none_or(|s| status_key(&calls[i]) == s))
                .collect();
            prop_assert_eq!(sorted, want);
            // Ordered by the value shown (those without one last); equal
            // values oldest first, then as read.
            for w in got.windows(2) {
                let (a, b) = (&calls[w[0]], &calls[w[1]]);
                match (shown(a, column), shown(b, column)) {
                    (Some(x), Some(y)) if x == y && column == Column::Created => {
                        prop_assert_eq!(w[0] < w[1], !desc);
                    }
                    (Some(x), Some(y)) if x == y => {
                        prop_assert!((&a.created_at, w[0]) < (&b.created_at, w[1]));
                    }
                    (Some(x), Some(y)) => prop_assert_eq!(x < y, !desc),
                    (None, Some(_)) => prop_assert!(false, "a call with no value before one with"),
                    (Some(_), None) => {}
                    (None, None) => prop_assert!((&a.created_at, w[0]) < (&b.created_at, w[1])),
                }
            }
            // The pages hold every row once.
            let (first, pages) = r.page(&got, 1, 7);
            prop_assert_eq!(pages, got.len().div_ceil(7).max(1) as u64);
            prop_assert_eq!(first.len(), got.len().min(7));
            let all: usize = (1..=u32::try_from(pages).unwrap_or(u32::MAX)).map(|p| r.page(&got, p, 7).0.len()).sum();
            prop_assert_eq!(all, got.len());
        }
    }
}
