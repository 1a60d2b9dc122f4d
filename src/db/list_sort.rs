//! The list's orders: a date column (or the last change) then the id, walked by keyset in
//! either direction, never OFFSET. Saisines without a value for the column (no due date,
//! never late, not closed) come after the others whatever the direction: a walk is two runs,
//! the keyed rows by (key, id), then the others by id, each read from the index on (key, id)
//! (migration `list_sorts`), so that every page costs what the first one costs.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::saisines;
use super::{DbBackend, DbError, DbResult};
use crate::domain::DomainError;

/// The column a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Received,
    NextDue,
    LateFrom,
    Closed,
    Updated,
}

impl SortKey {
    /// Whether some saisines have no value (they come last).
    pub fn nullable(self) -> bool {
        matches!(self, SortKey::NextDue | SortKey::LateFrom | SortKey::Closed)
    }
}

/// A column and a direction; the id breaks ties in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortOrder {
    pub key: SortKey,
    pub descending: bool,
}

impl SortOrder {
    pub const NEWEST_FIRST: SortOrder = SortOrder { key: SortKey::Received, descending: true };
    pub const OLDEST_FIRST: SortOrder = SortOrder { key: SortKey::Received, descending: false };
}

impl Default for SortOrder {
    fn default() -> Self {
        SortOrder::NEWEST_FIRST
    }
}

/// A row's value in the sorted column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyValue {
    Date(NaiveDate),
    Time(NaiveDateTime),
}

/// Where a page starts: just after this row (its value in the sorted column, none when it
/// has none, and its id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: Option<KeyValue>,
    pub id: i32,
}

/// A timestamp in a cursor: every digit kept, so that the stored value is found again exactly.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
/// A cursor's key when the row has no value in the column.
const NO_VALUE: &str = "~";

impl Cursor {
    /// `2026-03-01.123`, `~.123`, `2026-03-01T10:00:00.5.123`: opaque to users, readable in a URL.
    pub fn encode(&self) -> String {
        let key = match self.key {
            None => NO_VALUE.to_string(),
            Some(KeyValue::Date(date)) => date.to_string(),
            Some(KeyValue::Time(time)) => time.format(TIME_FORMAT).to_string(),
        };
        format!("{key}.{}", self.id)
    }

    /// Reads a cursor of a list sorted by `key`; `None` when it is not one.
    pub fn decode(text: &str, key: SortKey) -> Option<Cursor> {
        let (value, id) = text.rsplit_once('.')?;
        let id = id.parse().ok()?;
        let key = match (value, key) {
            (NO_VALUE, key) if key.nullable() => None,
            (_, SortKey::Updated) => Some(KeyValue::Time(NaiveDateTime::parse_from_str(value, TIME_FORMAT).ok()?)),
            _ => Some(KeyValue::Date(value.parse().ok()?)),
        };
        Some(Cursor { key, id })
    }
}

pub(super) type Boxed<'a> = saisines::BoxedQuery<'a, DbBackend>;

pub(super) fn wrong_cursor() -> DbError {
    DbError::Domain(DomainError::invalid("after", "invalid_cursor", "curseur de pagination invalide"))
}

/// The keyed run (`keyed`) or the run without values, past `from` when the cursor lies in it,
/// in the order of the walk (`descending`).
///
/// Past the cursor `(value, id)` is a row-value comparison, `(column, id) < (value, id)`:
/// PostgreSQL reads it as one range of the index `(column, id)`, where `column <= value AND
/// (column < value OR id < id)` bounded only the column and read then dropped every row of the
/// cursor's day before it (page 100 of a day of 5,000 saisines: 3.6 ms against 0.1). SQLite reads
/// the same rows either way.
macro_rules! run {
    ($query:expr, $column:ident, $sql_type:ident, $keyed:expr, $nullable:expr, $descending:expr, $from:expr) => {{
        use diesel::dsl::sql;
        use diesel::sql_types::{Bool, Integer};
        let mut query = $query;
        match ($keyed, $from) {
            (true, Some((value, id))) => {
                let past = if $descending { ") < (" } else { ") > (" };
                query = query.filter(
                    sql::<Bool>(concat!("(saisines.", stringify!($column), ", saisines.id"))
                        .sql(past)
                        .bind::<diesel::sql_types::$sql_type, _>(value)
                        .sql(", ")
                        .bind::<Integer, _>(id)
                        .sql(")"),
                )
            }
            (true, None) if $nullable => query = query.filter(saisines::$column.is_not_null()),
            (true, None) => {}
            (false, from) => {
                query = query.filter(saisines::$column.is_null());
                if let Some((_, id)) = from {
                    query =
                        if $descending { query.filter(saisines::id.lt(id)) } else { query.filter(saisines::id.gt(id)) };
                }
            }
        }
        // The same ORDER BY for both runs: the index's order, read forwards or backwards.
        if $descending {
            query.order((saisines::$column.desc(), saisines::id.desc()))
        } else {
            query.order((saisines::$column.asc(), saisines::id.asc()))
        }
    }};
}

fn date_of(from: Option<Cursor>) -> DbResult<Option<(NaiveDate, i32)>> {
    match from {
        None => Ok(None),
        Some(Cursor { key: Some(KeyValue::Date(date)), id }) => Ok(Some((date, id))),
        // The run without values: only the id counts.
        Some(Cursor { key: None, id }) => Ok(Some((NaiveDate::MIN, id))),
        Some(_) => Err(wrong_cursor()),
    }
}

/// One run of a walk: `keyed` says which; `from`, the cursor when it lies in this run.
pub(super) fn run<'a>(
    query: Boxed<'a>,
    key: SortKey,
    keyed: bool,
    descending: bool,
    from: Option<Cursor>,
) -> DbResult<Boxed<'a>> {
    let nullable = key.nullable();
    Ok(match key {
        SortKey::Received => run!(query, received_on, Date, keyed, nullable, descending, date_of(from)?),
        SortKey::NextDue => run!(query, next_due_on, Date, keyed, nullable, descending, date_of(from)?),
        SortKey::LateFrom => run!(query, late_from, Date, keyed, nullable, descending, date_of(from)?),
        SortKey::Closed => run!(query, closed_on, Date, keyed, nullable, descending, date_of(from)?),
        SortKey::Updated => {
            let from = match from {
                None => None,
                Some(Cursor { key: Some(KeyValue::Time(time)), id }) => Some((time, id)),
                Some(_) => return Err(wrong_cursor()),
            };
            run!(query, updated_at, Timestamp, keyed, nullable, descending, from)
        }
    })
}

/// The runs of a walk in the order they are read: keyed rows first, unless walking back.
pub(super) fn runs(key: SortKey, backwards: bool) -> Vec<bool> {
    match (key.nullable(), backwards) {
        (false, _) => vec![true],
        (true, false) => vec![true, false],
        (true, true) => vec![false, true],
    }
}

/// The values a row holds for every sort.
#[derive(Debug, Clone, Copy)]
pub struct SortValues {
    pub id: i32,
    pub received_on: NaiveDate,
    pub next_due_on: Option<NaiveDate>,
    pub late_from: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl SortValues {
    pub fn cursor(&self, key: SortKey) -> Cursor {
        let key = match key {
            SortKey::Received => Some(KeyValue::Date(self.received_on)),
            SortKey::NextDue => self.next_due_on.map(KeyValue::Date),
            SortKey::LateFrom => self.late_from.map(KeyValue::Date),
            SortKey::Closed => self.closed_on.map(KeyValue::Date),
            SortKey::Updated => Some(KeyValue::Time(self.updated_at)),
        };
        Cursor { key, id: self.id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_wrote() {
        let time = NaiveDate::from_ymd_opt(2026, 3, 29)
            .and_then(|d| d.and_hms_nano_opt(1, 30, 0, 123_456_789))
            .expect("a time");
        let whole = time.with_nanosecond_zero();
        for (cursor, key) in [
            (Cursor { key: Some(KeyValue::Date(time.date())), id: 12 }, SortKey::Received),
            (Cursor { key: None, id: 7 }, SortKey::NextDue),
            (Cursor { key: Some(KeyValue::Time(time)), id: 3 }, SortKey::Updated),
            (Cursor { key: Some(KeyValue::Time(whole)), id: 3 }, SortKey::Updated),
        ] {
            assert_eq!(Cursor::decode(&cursor.encode(), key), Some(cursor), "{}", cursor.encode());
        }
        assert_eq!(Cursor::decode("~.3", SortKey::Received), None, "the reception date is never missing");
        assert_eq!(Cursor::decode("2026-03-01.x", SortKey::Received), None);
        assert_eq!(Cursor::decode("2026-03-01.4", SortKey::Updated), None);
    }

    trait NoNanos {
        fn with_nanosecond_zero(self) -> Self;
    }

    impl NoNanos for NaiveDateTime {
        fn with_nanosecond_zero(self) -> Self {
            chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
        }
    }
}
