//! The list's sorts as the query string names them (`sort=`): the codes scripts and saved
//! views use, the column headers that offer them, and the order each one reads.

use crate::db::list::{SortKey, SortOrder};

/// A column the list can be sorted by. The age (days since reception) is the reception date
/// read the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Received,
    Age,
    NextDue,
    LateFrom,
    Closed,
    Updated,
}

/// A column and a direction, as chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sorting {
    pub column: Column,
    pub descending: bool,
}

/// Every sort: its code, then the older codes that still mean it.
const CODES: [(Column, bool, &str, &[&str]); 12] = [
    (Column::Received, true, "desc", &["recentes", "reception_desc"]),
    (Column::Received, false, "asc", &["anciennes", "reception_asc"]),
    (Column::Age, true, "age_desc", &[]),
    (Column::Age, false, "age_asc", &[]),
    (Column::NextDue, false, "echeance_asc", &["echeance"]),
    (Column::NextDue, true, "echeance_desc", &[]),
    (Column::LateFrom, false, "retard_asc", &["retard"]),
    (Column::LateFrom, true, "retard_desc", &[]),
    (Column::Closed, true, "cloture_desc", &["cloture"]),
    (Column::Closed, false, "cloture_asc", &[]),
    (Column::Updated, true, "modification_desc", &["modification"]),
    (Column::Updated, false, "modification_asc", &[]),
];

impl Default for Sorting {
    fn default() -> Self {
        Sorting { column: Column::Received, descending: true }
    }
}

impl Sorting {
    /// The codes `sort=` accepts, for error messages.
    pub fn known_codes() -> String {
        CODES.iter().map(|(_, _, code, _)| *code).collect::<Vec<_>>().join(", ")
    }

    pub fn from_code(code: &str) -> Option<Sorting> {
        CODES
            .iter()
            .find(|(_, _, main, older)| *main == code || older.contains(&code))
            .map(|(column, descending, _, _)| Sorting { column: *column, descending: *descending })
    }

    pub fn code(self) -> &'static str {
        CODES
            .iter()
            .find(|(column, descending, _, _)| *column == self.column && *descending == self.descending)
            .map(|(_, _, code, _)| *code)
            .unwrap_or("desc")
    }

    /// The order the database reads.
    pub fn order(self) -> SortOrder {
        let key = match self.column {
            Column::Received | Column::Age => SortKey::Received,
            Column::NextDue => SortKey::NextDue,
            Column::LateFrom => SortKey::LateFrom,
            Column::Closed => SortKey::Closed,
            Column::Updated => SortKey::Updated,
        };
        // The oldest saisine is the one with the greatest age.
        let descending = if self.column == Column::Age { !self.descending } else { self.descending };
        SortOrder { key, descending }
    }

    /// The sort a click on `column`'s header asks for: the other direction when the list is
    /// already sorted by it, else the column's natural one (the nearest due date first…).
    pub fn toggled(self, column: Column) -> Sorting {
        if self.column == column {
            return Sorting { column, descending: !self.descending };
        }
        let descending = matches!(column, Column::Received | Column::Age | Column::Closed | Column::Updated);
        Sorting { column, descending }
    }

    /// How the list is sorted, in words (the table's caption, the sort menu).
    pub fn label(self) -> String {
        let (what, asc, desc) = match self.column {
            Column::Received => ("date de réception", "plus anciennes d'abord", "plus récentes d'abord"),
            Column::Age => ("âge", "plus récentes d'abord", "plus anciennes d'abord"),
            Column::NextDue => ("échéance", "la plus proche d'abord", "la plus lointaine d'abord"),
            Column::LateFrom => {
                ("retard", "en retard depuis le plus longtemps d'abord", "retard le plus récent d'abord")
            }
            Column::Closed => ("date de clôture", "plus anciennes d'abord", "plus récentes d'abord"),
            Column::Updated => ("dernière modification", "plus anciennes d'abord", "plus récentes d'abord"),
        };
        format!("par {what}, {}", if self.descending { desc } else { asc })
    }

    /// Every sort, in the order the sort menu offers them.
    pub fn all() -> impl Iterator<Item = Sorting> {
        CODES.iter().map(|(column, descending, _, _)| Sorting { column: *column, descending: *descending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_older_codes_still_work() {
        for sorting in Sorting::all() {
            assert_eq!(Sorting::from_code(sorting.code()), Some(sorting));
        }
        assert_eq!(Sorting::from_code("recentes").map(Sorting::order), Some(SortOrder::NEWEST_FIRST));
        assert_eq!(Sorting::from_code("anciennes").map(Sorting::order), Some(SortOrder::OLDEST_FIRST));
        assert_eq!(Sorting::from_code("age_desc").map(Sorting::order), Some(SortOrder::OLDEST_FIRST));
        assert_eq!(Sorting::from_code("n'importe"), None);
    }
}
