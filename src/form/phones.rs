//! The calling-numbers picker: a multi-select over the fetched phone list.

use crate::api::Phone;
use crate::remote::Remote;

/// The phone list, the highlighted row and the selected phone IDs.
///
/// Selection is kept by ID, so a reload that reorders or shortens the list
/// loses nothing the operator picked.
#[derive(Debug, Clone, Default)]
pub struct PhonePicker {
    pub phones: Remote<Vec<Phone>>,
    cursor: usize,
    selected: Vec<String>,
}

impl PhonePicker {
    pub fn with_selected(selected: Vec<String>) -> Self {
        Self {
            selected,
            ..Self::default()
        }
    }

    pub fn rows(&self) -> &[Phone] {
        self.phones.value().map(Vec::as_slice).unwrap_or_default()
    }

    pub fn cursor(&self) -> usize {
        self.cursor.min(self.rows().len().saturating_sub(1))
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor().saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.cursor() + 1 < self.rows().len() {
            self.cursor = self.cursor() + 1;
        }
    }

    /// Toggles the highlighted number; nothing when the list is empty.
    pub fn toggle(&mut self) {
        let Some(id) = self.rows().get(self.cursor()).map(|p| p.id.clone()) else {
            return;
        };
        if let Some(i) = self.selected.iter().position(|s| *s == id) {
            self.selected.remove(i);
        } else {
            self.selected.push(id);
        }
    }

    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    /// The selected IDs in list order, then any selected ID the list does not
    /// (or no longer) hold, in the order they were picked.
    pub fn selected_ids(&self) -> Vec<String> {
        let rows = self.rows();
        let mut ids: Vec<String> = rows
            .iter()
            .filter(|p| self.is_selected(&p.id))
            .map(|p| p.id.clone())
            .collect();
        ids.extend(
            self.selected
                .iter()
                .filter(|id| !rows.iter().any(|p| &p.id == *id))
                .cloned(),
        );
        ids
    }

    pub fn selected_count(&self) -> usize {
        self.selected.len()
    }

    /// The phone record of an ID, when the list has it.
    pub fn phone(&self, id: &str) -> Option<&Phone> {
        self.rows().iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(id: &str) -> Phone {
        Phone {
            id: id.into(),
            phone_number: "1".into(),
            integration: "twilio".into(),
            label: String::new(),
        }
    }

    #[test]
    fn selection_survives_a_reload_that_drops_a_row() {
        let mut p = PhonePicker::default();
        p.phones
            .finish(Ok(vec![phone("a"), phone("b"), phone("c")]));
        p.down();
        p.down();
        p.toggle();
        p.up();
        p.up();
        p.toggle();
        assert_eq!(p.selected_ids(), vec!["a", "c"]);
        p.phones.finish(Ok(vec![phone("a"), phone("b")]));
        assert_eq!(p.selected_ids(), vec!["a", "c"], "c kept though not listed");
        p.down();
        p.down();
        p.down();
        assert_eq!(p.cursor(), 1, "cursor stays inside the list");
        p.up();
        p.toggle();
        assert_eq!(p.selected_ids(), vec!["c"]);
    }

    #[test]
    fn toggle_on_an_empty_list_does_nothing() {
        let mut p = PhonePicker::default();
        p.toggle();
        assert_eq!(p.selected_count(), 0);
    }
}
