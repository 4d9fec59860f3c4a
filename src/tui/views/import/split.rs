//! The check's `z`: one batch per time zone group, through the very
//! engine of `weya-tui batch import ID FILE --split-by-zone` (run by the
//! executor, its output kept in memory): first its review (`--dry-run`),
//! shown on a screen of its own, then on Enter the creates and imports
//! (`--yes`) and what the command printed. Esc on the review sends
//! nothing. The view only asks and shows: what is split and how, what is
//! recorded and resumed, is the command's.

use super::msg::SplitRequest;
use super::{ImportCmd, ImportView, Step};
use crate::tui::keymap::{Action, Scope};

/// Where the split stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitPhase {
    /// The review (a dry run) is being made.
    Reviewing,
    /// The review is on screen: Enter creates and imports, Esc cancels.
    Review,
    /// The creates and imports are running: they run to their end.
    Running,
    /// What the run printed.
    Done,
}

/// The split's screen over the check.
#[derive(Debug, Clone)]
pub struct SplitScreen {
    pub phase: SplitPhase,
    /// What the command printed (its output, then its errors).
    pub text: String,
    /// Its exit code (0: done; 1: some import failed; 2: refused,
    /// nothing sent; 130: interrupted).
    pub code: Option<u8>,
    pub scroll: u16,
    /// How far the text can scroll, as last drawn.
    pub max_scroll: std::cell::Cell<u16>,
    request: SplitRequest,
}

impl SplitScreen {
    pub fn title(&self) -> &'static str {
        match self.phase {
            SplitPhase::Reviewing | SplitPhase::Review => "Split by time zone: review",
            SplitPhase::Running | SplitPhase::Done => "Split by time zone: result",
        }
    }
}

impl ImportView {
    /// Whether the check offers the split: its local-time lines flag
    /// someone and the batch's schedule is known.
    pub fn can_split(&self) -> bool {
        self.step == Step::Preview
            && self.edit.is_none()
            && self.schedule.is_some()
            && matches!(&self.local_times, Some(Ok(t)) if t.flagged().next().is_some())
    }

    pub fn split(&self) -> Option<&SplitScreen> {
        self.split.as_ref()
    }

    /// The scope of the split's screen, when it is open.
    pub(super) fn split_scope(&self) -> Option<Scope> {
        self.split.as_ref().map(|s| match s.phase {
            SplitPhase::Reviewing | SplitPhase::Running => Scope::ImportSplitWorking,
            SplitPhase::Review => Scope::ImportSplitReview,
            SplitPhase::Done => Scope::ImportSplitDone,
        })
    }

    /// The command's flags from the view's file and choices.
    fn split_request(&self, dry_run: bool) -> Option<SplitRequest> {
        let file = self.file.as_ref()?;
        let header = file.header();
        let phone = self.mapping.phone;
        let mut rename = Vec::new();
        let mut skip_column = Vec::new();
        for (i, column) in self.mapping.columns.iter().enumerate() {
            if Some(i) == phone {
                continue;
            }
            if column.send {
                rename.push((column.header.clone(), column.name.clone()));
            } else {
                skip_column.push(column.header.clone());
            }
        }
        Some(SplitRequest {
            file: file.path().to_path_buf(),
            sheet: file.sheet().map(str::to_owned),
            region: self
                .region
                .map_or_else(|| "none".to_owned(), |r| r.code().to_owned()),
            allow_countries: self
                .allowed_countries
                .iter()
                .map(ToString::to_string)
                .collect(),
            without_extensions: self.without_extensions,
            phone_column: phone.and_then(|i| header.get(i)).cloned(),
            rename,
            skip_column,
            dry_run,
            hours: self.contact_hours,
        })
    }

    /// `z` on the check: the review.
    pub(super) fn start_split(&mut self) -> Vec<ImportCmd> {
        if !self.can_split() {
            self.error = Some(
                "Nobody is called outside their hours, or the batch's window is not known \
                 here: nothing to split."
                    .into(),
            );
            return Vec::new();
        }
        let Some(request) = self.split_request(true) else {
            return Vec::new();
        };
        self.error = None;
        self.split = Some(SplitScreen {
            phase: SplitPhase::Reviewing,
            text: String::new(),
            code: None,
            scroll: 0,
            max_scroll: std::cell::Cell::new(0),
            request: request.clone(),
        });
        vec![ImportCmd::SplitByZone(request)]
    }

    /// A key while the split's screen is open.
    pub(super) fn on_split_key(&mut self, action: Action) -> Vec<ImportCmd> {
        let Some(split) = &mut self.split else {
            return Vec::new();
        };
        match (split.phase, action) {
            (_, Action::Up) => {
                split.scroll = split.scroll.min(split.max_scroll.get()).saturating_sub(1);
            }
            (_, Action::Down) => split.scroll = (split.scroll + 1).min(split.max_scroll.get()),
            (SplitPhase::Review, Action::Submit) => {
                if split.code != Some(0) {
                    self.error = Some("The split cannot be made: nothing to send.".into());
                    return Vec::new();
                }
                split.phase = SplitPhase::Running;
                split.text.clear();
                split.code = None;
                split.scroll = 0;
                let mut request = split.request.clone();
                request.dry_run = false;
                return vec![ImportCmd::SplitByZone(request)];
            }
            // Esc before sending: nothing was sent (a review still being
            // made is dropped when it comes).
            (SplitPhase::Reviewing | SplitPhase::Review, Action::Back) => {
                self.split = None;
                self.notice = Some("Not split: nothing was sent.".into());
            }
            (SplitPhase::Running, Action::Back) => {
                self.notice =
                    Some("The batches and imports run to their end: each is recorded.".into());
            }
            (SplitPhase::Done, Action::Back) => {
                // Done: the file is imported, split; the check of the
                // whole file would send its rows to this batch again.
                if split.code == Some(0) {
                    return vec![ImportCmd::Close];
                }
                self.split = None;
                self.notice =
                    Some("z runs the split again: what is done is not sent again.".into());
            }
            _ => {}
        }
        Vec::new()
    }

    /// The command's answer.
    pub(super) fn on_split_ran(
        &mut self,
        dry_run: bool,
        result: Result<(u8, String), String>,
    ) -> Vec<ImportCmd> {
        let Some(split) = &mut self.split else {
            return Vec::new();
        };
        let awaited = if dry_run {
            SplitPhase::Reviewing
        } else {
            SplitPhase::Running
        };
        if split.phase != awaited {
            return Vec::new();
        }
        let (code, text) = match result {
            Ok((code, text)) => (code, text),
            Err(e) => (crate::exit::FAILED, format!("weya-tui: {e}")),
        };
        split.code = Some(code);
        // The command prints the check first: the operator has just read
        // it on the check screen. The split's part is shown, the result
        // from its end (where it says what became of each group).
        split.text = match text.find("\nSplit by time zone (") {
            Some(at) => text[at + 1..].to_owned(),
            None => text,
        };
        split.scroll = if dry_run { 0 } else { u16::MAX };
        split.phase = if dry_run {
            SplitPhase::Review
        } else {
            SplitPhase::Done
        };
        Vec::new()
    }
}
