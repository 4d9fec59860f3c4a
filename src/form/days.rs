//! The allowed weekdays, Weya-numbered: 0 = Sunday … 6 = Saturday.

pub const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Seven toggles and the highlighted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySet {
    on: [bool; 7],
    cursor: usize,
    /// Numbers from a file that are not days (7 and up), kept so that the
    /// form can say so instead of dropping them. The operator's first change
    /// of the days lets them go.
    not_days: Vec<u8>,
}

impl Default for DaySet {
    /// Monday to Friday, the most common calling week.
    fn default() -> Self {
        Self {
            on: [false, true, true, true, true, true, false],
            cursor: 1,
            not_days: Vec::new(),
        }
    }
}

impl DaySet {
    /// The days numbered in `days`; a number that is no day is kept aside
    /// for [`Self::not_days`].
    pub fn from_days(days: &[u8]) -> Self {
        let mut set = Self {
            on: [false; 7],
            cursor: 1,
            not_days: Vec::new(),
        };
        for &d in days {
            match set.on.get_mut(usize::from(d)) {
                Some(slot) => *slot = true,
                None => set.not_days.push(d),
            }
        }
        set
    }

    /// Turns on exactly `days` (Weya numbers), e.g. a preset.
    pub fn set(&mut self, days: &[u8]) {
        let cursor = self.cursor;
        *self = Self::from_days(days);
        self.cursor = cursor;
    }

    /// The numbers given that are not days, in the order given.
    pub fn not_days(&self) -> &[u8] {
        &self.not_days
    }

    pub fn is_on(&self, day: usize) -> bool {
        self.on.get(day).copied().unwrap_or(false)
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Highlights `day` (a click on it); a number that is no day is ignored.
    pub fn highlight(&mut self, day: usize) {
        if day < 7 {
            self.cursor = day;
        }
    }

    pub fn left(&mut self) {
        self.cursor = (self.cursor + 6) % 7;
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1) % 7;
    }

    pub fn toggle(&mut self) {
        self.not_days.clear();
        self.on[self.cursor] = !self.on[self.cursor];
    }

    /// Weya's numbers of the days that are on, ascending.
    pub fn numbers(&self) -> Vec<u8> {
        (0u8..7).filter(|&d| self.on[usize::from(d)]).collect()
    }

    /// "Mon–Fri", "Sat, Sun", "every day", "no day".
    pub fn describe(&self) -> String {
        let days = self.numbers();
        match days.as_slice() {
            [] => "no day".into(),
            [0, 1, 2, 3, 4, 5, 6] => "every day".into(),
            _ => {
                let contiguous = days.windows(2).all(|w| w[1] == w[0] + 1);
                let name = |d: u8| DAY_NAMES[usize::from(d)];
                if contiguous && days.len() > 2 {
                    format!("{}–{}", name(days[0]), name(days[days.len() - 1]))
                } else {
                    days.iter().map(|&d| name(d)).collect::<Vec<_>>().join(", ")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_weekdays_numbered_from_sunday() {
        assert_eq!(DaySet::default().numbers(), vec![1, 2, 3, 4, 5]);
        assert_eq!(DaySet::default().describe(), "Mon–Fri");
    }

    #[test]
    fn moving_wraps_and_space_toggles_the_highlighted_day() {
        let mut d = DaySet::default();
        d.left();
        d.toggle();
        assert_eq!(d.numbers(), vec![0, 1, 2, 3, 4, 5]);
        d.left();
        assert_eq!(d.cursor(), 6);
        d.toggle();
        assert_eq!(d.describe(), "every day");
        assert_eq!(DaySet::from_days(&[0, 6]).describe(), "Sun, Sat");
        assert_eq!(DaySet::from_days(&[]).describe(), "no day");
    }

    #[test]
    fn numbers_that_are_no_day_are_kept_until_the_days_are_changed() {
        let mut d = DaySet::from_days(&[1, 7, 9]);
        assert_eq!((d.numbers(), d.not_days()), (vec![1], &[7, 9][..]));
        d.toggle();
        assert_eq!(d.not_days(), &[] as &[u8]);
        let mut d = DaySet::from_days(&[8]);
        d.set(&[1, 2]);
        assert_eq!(d.not_days(), &[] as &[u8]);
    }
}
