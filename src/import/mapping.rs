//! Which column holds the phone number and what the others are sent as.
//! The operator sees the header with a few rows, changes the guess, unticks
//! columns and renames them; [`ColumnMapping::validate`] is the one way to a
//! [`ValidMapping`], which is what the check and the sending plan take.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::phone;
use super::region::Region;
use super::source::ContactsFile;

/// The key Weya reads the number from; no other column may be sent under it.
pub const PHONE_KEY: &str = "phoneNumber";

/// Headers that name a phone column, compared without case, spaces,
/// underscores, hyphens or dots, best first.
const PHONE_HEADERS: &[&str] = &[
    "phonenumber",
    "phone",
    "mobile",
    "mobilenumber",
    "mobilephone",
    "cell",
    "cellphone",
    "cellnumber",
    "telephone",
    "telephonenumber",
    "tel",
    "msisdn",
    "number",
    "phoneno",
    "mobileno",
    "contactnumber",
    "whatsapp",
    "whatsappnumber",
];

/// Words that, inside a longer header (`Home Phone`, `Mobile #`), still say
/// "phone".
const PHONE_WORDS: &[&str] = &["phone", "mobile", "msisdn", "cell", "tel"];

/// One column of the file and what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnChoice {
    /// The header as the file has it.
    pub header: String,
    /// Sent as an agent variable (ignored for the phone column, which is
    /// always sent, as `phoneNumber`).
    pub send: bool,
    /// The variable's name, the header unless renamed.
    pub name: String,
}

/// The operator's choices for every column of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// Index of the phone column, `None` until one is chosen.
    pub phone: Option<usize>,
    pub columns: Vec<ColumnChoice>,
    /// The file is a rejected-rows file weya-tui wrote
    /// ([`super::rejected`]): the `'` it put before cells a spreadsheet
    /// would run as formulas is taken off what is read and sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rejected_file: bool,
}

/// The column names weya-tui gives the reason in a rejected-rows file.
pub const REJECTED_REASON_COLUMNS: [&str; 2] = ["reason", "rejected_reason"];

/// What [`ColumnMapping::for_file`] found about a file that is a
/// rejected-rows file weya-tui wrote: which columns hold its reasons (not
/// sent), said to the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedFileNote {
    /// The reason columns' headers, unticked.
    pub columns: Vec<String>,
}

impl RejectedFileNote {
    /// The note in a line of a narrow screen.
    pub fn short(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| format!("“{c}”")).collect();
        format!(
            "weya-tui's rejected rows: {} not sent, ' before formulas taken off.",
            names.join(", ")
        )
    }
}

impl fmt::Display for RejectedFileNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.columns.iter().map(|c| format!("“{c}”")).collect();
        write!(
            f,
            "a rejected-rows file weya-tui wrote: its {} column{} not sent, and the ' it put \
             before cells a spreadsheet would run as formulas is taken off",
            names.join(" and "),
            if names.len() == 1 { " is" } else { "s are" }
        )
    }
}

/// A mapping that can be sent: one phone column, and the other columns'
/// names unique, non-empty and not `phoneNumber`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMapping {
    phone: usize,
    /// Index and name of each column sent as a variable, in file order.
    variables: Vec<(usize, String)>,
    /// See [`ColumnMapping::rejected_file`].
    rejected_file: bool,
}

impl ValidMapping {
    pub fn phone_column(&self) -> usize {
        self.phone
    }

    /// Cell `column` of `cells` as it is read and sent: empty when the row
    /// has none; in a rejected-rows file, without the `'` weya-tui put
    /// before a cell a spreadsheet would run as a formula.
    pub fn cell<'a>(&self, cells: &'a [String], column: usize) -> &'a str {
        let cell = cells.get(column).map_or("", String::as_str);
        if self.rejected_file {
            super::rejected::unguarded(cell)
        } else {
            cell
        }
    }

    /// The variables sent, as (column index, name), in the file's order.
    pub fn variables(&self) -> &[(usize, String)] {
        &self.variables
    }
}

/// What stops a mapping from being used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingError {
    NoPhoneColumn,
    /// A column to send has no name (the header was blank, or was cleared).
    EmptyName {
        column: usize,
    },
    /// `phoneNumber` is the phone column's key.
    ReservedName {
        column: usize,
    },
    /// Two or more columns would be sent under one name.
    DuplicateName {
        name: String,
        columns: Vec<usize>,
    },
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoPhoneColumn => f.write_str("choose the column that holds the phone numbers"),
            Self::EmptyName { column } => {
                write!(f, "column {} has no name: name it or untick it", column + 1)
            }
            Self::ReservedName { column } => write!(
                f,
                "column {} cannot be sent as “{PHONE_KEY}”: that is the phone column's name",
                column + 1
            ),
            Self::DuplicateName { name, columns } => {
                let list: Vec<String> = columns.iter().map(|c| (c + 1).to_string()).collect();
                write!(
                    f,
                    "columns {} would all be sent as “{name}”: rename or untick all but one",
                    list.join(", ")
                )
            }
        }
    }
}

impl ColumnMapping {
    /// Every column sent under its header, and the phone column guessed:
    /// from the header (`phoneNumber`, `Phone`, `mobile`, `MSISDN`…), else
    /// the column whose sample values are most often phone numbers.
    /// Columns with a blank header start unticked (they have no name).
    pub fn guess(header: &[String], sample: &[Vec<String>], region: Option<Region>) -> Self {
        let columns = header
            .iter()
            .map(|h| {
                let name = h.trim().to_owned();
                ColumnChoice {
                    header: h.clone(),
                    send: !name.is_empty(),
                    name,
                }
            })
            .collect();
        Self {
            phone: guess_phone_column(header, sample, region),
            columns,
            rejected_file: false,
        }
    }

    /// [`guess`](Self::guess) for `file`; and when it is a rejected-rows
    /// file weya-tui wrote (`NAME.rejected.csv` with a `reason` column),
    /// its reason columns unticked and its formula guards taken off, with
    /// a note to tell the operator so.
    pub fn for_file(
        file: &ContactsFile,
        region: Option<Region>,
    ) -> (Self, Option<RejectedFileNote>) {
        let mut mapping = Self::guess(file.header(), &file.sample_cells(), region);
        let named_rejected = file
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.to_lowercase().ends_with(".rejected.csv"));
        if !named_rejected {
            return (mapping, None);
        }
        let reasons: Vec<usize> = file
            .header()
            .iter()
            .enumerate()
            .filter(|(_, h)| REJECTED_REASON_COLUMNS.contains(&h.trim()))
            .map(|(i, _)| i)
            .collect();
        if reasons.is_empty() {
            return (mapping, None);
        }
        for &column in &reasons {
            mapping.set_send(column, false);
        }
        mapping.rejected_file = true;
        let columns = reasons
            .iter()
            .map(|&i| file.header()[i].trim().to_owned())
            .collect();
        (mapping, Some(RejectedFileNote { columns }))
    }

    /// Chooses the phone column (out of range: ignored).
    pub fn set_phone(&mut self, column: usize) {
        if column < self.columns.len() {
            self.phone = Some(column);
        }
    }

    pub fn set_send(&mut self, column: usize, send: bool) {
        if let Some(choice) = self.columns.get_mut(column) {
            choice.send = send;
        }
    }

    pub fn rename(&mut self, column: usize, name: &str) {
        if let Some(choice) = self.columns.get_mut(column) {
            choice.name = name.to_owned();
        }
    }

    /// The mapping checked, or every problem with it.
    pub fn validate(&self) -> Result<ValidMapping, Vec<MappingError>> {
        let mut errors = Vec::new();
        let phone = self.phone.filter(|&p| p < self.columns.len());
        if phone.is_none() {
            errors.push(MappingError::NoPhoneColumn);
        }
        let mut variables = Vec::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, choice) in self.columns.iter().enumerate() {
            if Some(index) == phone || !choice.send {
                continue;
            }
            let name = choice.name.trim();
            if name.is_empty() {
                errors.push(MappingError::EmptyName { column: index });
            } else if name.eq_ignore_ascii_case(PHONE_KEY) {
                errors.push(MappingError::ReservedName { column: index });
            } else {
                by_name.entry(name).or_default().push(index);
                variables.push((index, name.to_owned()));
            }
        }
        let mut duplicates: Vec<MappingError> = by_name
            .into_iter()
            .filter(|(_, columns)| columns.len() > 1)
            .map(|(name, columns)| MappingError::DuplicateName {
                name: name.to_owned(),
                columns,
            })
            .collect();
        duplicates.sort_by_key(|e| match e {
            MappingError::DuplicateName { columns, .. } => columns.first().copied(),
            _ => None,
        });
        errors.extend(duplicates);
        match phone {
            Some(phone) if errors.is_empty() => Ok(ValidMapping {
                phone,
                variables,
                rejected_file: self.rejected_file,
            }),
            _ => Err(errors),
        }
    }
}

/// `Phone Number`, `phone_number`, `PHONE-NUMBER` → `phonenumber`.
fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '#'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn guess_phone_column(
    header: &[String],
    sample: &[Vec<String>],
    region: Option<Region>,
) -> Option<usize> {
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    let exact = PHONE_HEADERS
        .iter()
        .find_map(|name| keys.iter().position(|k| k == name));
    let contains = || {
        PHONE_WORDS
            .iter()
            .find_map(|word| keys.iter().position(|k| k.contains(word)))
    };
    exact.or_else(contains).or_else(|| {
        // No header says "phone": the column most of whose sample cells
        // are numbers, if any are.
        (0..header.len())
            .map(|column| {
                let valid = sample
                    .iter()
                    .filter_map(|row| row.get(column))
                    .filter(|cell| phone::normalize(cell, region).is_ok())
                    .count();
                (valid, column)
            })
            .filter(|&(valid, _)| valid > 0)
            .max_by_key(|&(valid, column)| (valid, std::cmp::Reverse(column)))
            .map(|(_, column)| column)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn guessed(header: &[&str]) -> Option<usize> {
        ColumnMapping::guess(&strings(header), &[], None).phone
    }

    #[test]
    fn the_phone_column_is_guessed_from_its_header() {
        assert_eq!(guessed(&["name", "phoneNumber", "plan"]), Some(1));
        assert_eq!(guessed(&["Name", "Phone Number"]), Some(1));
        assert_eq!(guessed(&["name", "PHONE_NUMBER"]), Some(1));
        assert_eq!(guessed(&["name", "Mobile"]), Some(1));
        assert_eq!(guessed(&["MSISDN", "name"]), Some(0));
        assert_eq!(guessed(&["name", "cell"]), Some(1));
        assert_eq!(guessed(&["name", "Telephone"]), Some(1));
        assert_eq!(guessed(&["name", "number"]), Some(1));
        assert_eq!(guessed(&["name", "Home Phone #"]), Some(1));
        // The better name wins over the earlier column.
        assert_eq!(guessed(&["number", "phone"]), Some(1));
        assert_eq!(guessed(&["name", "plan"]), None);
    }

    #[test]
    fn without_a_phone_header_the_column_of_numbers_is_chosen() {
        let header = strings(&["who", "contact", "notes"]);
        let sample = vec![
            strings(&["Ann", "(212) 555-0143", "12"]),
            strings(&["Bob", "212 555 0188", "x"]),
        ];
        let mapping = ColumnMapping::guess(&header, &sample, "US".parse().ok());
        assert_eq!(mapping.phone, Some(1));
    }

    #[test]
    fn columns_can_be_renamed_unticked_and_the_phone_changed() {
        let header = strings(&["First Name", "Phone", "Plan", "Notes"]);
        let mut mapping = ColumnMapping::guess(&header, &[], None);
        mapping.rename(0, " name ");
        mapping.set_send(3, false);
        let valid = mapping.validate().unwrap();
        assert_eq!(valid.phone_column(), 1);
        assert_eq!(
            valid.variables(),
            &[(0, "name".to_owned()), (2, "Plan".to_owned())]
        );
        // The phone column moved: the old one is sent as a variable.
        mapping.set_phone(2);
        let valid = mapping.validate().unwrap();
        assert_eq!(
            valid.variables(),
            &[(0, "name".to_owned()), (1, "Phone".to_owned())]
        );
    }

    #[test]
    fn names_must_be_unique_non_empty_and_not_the_phone_key() {
        let header = strings(&["phone", "name", "Name ", "", "phoneNumber", "name"]);
        let mut mapping = ColumnMapping::guess(&header, &[], None);
        assert_eq!(mapping.phone, Some(4), "phoneNumber beats phone");
        assert!(!mapping.columns[3].send, "a blank header starts unticked");
        mapping.set_phone(0);
        mapping.set_send(3, true);
        mapping.rename(2, "name");
        let errors = mapping.validate().unwrap_err();
        assert_eq!(
            errors,
            vec![
                MappingError::EmptyName { column: 3 },
                MappingError::ReservedName { column: 4 },
                MappingError::DuplicateName {
                    name: "name".into(),
                    columns: vec![1, 2, 5]
                },
            ]
        );
        assert_eq!(
            errors[2].to_string(),
            "columns 2, 3, 6 would all be sent as “name”: rename or untick all but one"
        );
        let mut none = mapping.clone();
        none.phone = None;
        assert_eq!(none.validate().unwrap_err()[0], MappingError::NoPhoneColumn);
    }
}
