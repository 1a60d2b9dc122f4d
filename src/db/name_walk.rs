//! A name search in the list's order of reception: the name index holds each saisine's place
//! in that order (migration `names_in_list_order`): on SQLite as the FTS5 rowid, on PostgreSQL
//! beside each word of the name. The walk takes the matches' places past the cursor from the
//! index, newest first (or oldest first), a chunk at a time, and reads only the rows of the
//! page, however common the name. Reading every match's row to sort them cost a common name
//! (thousands of saisines at a million) 30 to 50 ms a page.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::list::{self, ListFilter, Names, Row, Run};
use super::list_sort::{self, Cursor, KeyValue, SortKey};
use super::{DbConn, DbResult};
use crate::domain::search::SearchTerm;

/// The Julian day number of 0001-01-01 (chrono counts days from it as day 1).
const JULIAN_DAY_OF_CE: i64 = 1_721_425;
const ID_BITS: i64 = 1 << 32;
/// The largest chunk of matches read at once (the first is twice the page).
const MAX_CHUNK: i64 = 4_096;

/// A saisine's place in the order of reception: the name index's rowid for it. The same
/// expression as the triggers': `CAST(julianday(received_on) + 0.5 AS INTEGER) * 2³² + id`.
pub fn list_key(received_on: NaiveDate, id: i32) -> i64 {
    (i64::from(received_on.num_days_from_ce()) + JULIAN_DAY_OF_CE) * ID_BITS + i64::from(id)
}

fn id_of(key: i64) -> i32 {
    // Ids are positive i32: the low 32 bits hold them whole.
    (key & (ID_BITS - 1)) as i32
}

/// The FTS5 query of the words typed: each the beginning of a word of the name.
pub fn match_query(words: &[String]) -> String {
    words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ")
}

/// The PostgreSQL query of the places (past `bound`, in the walk's direction) of the saisines
/// whose name has a word beginning with each word typed: one range of the primary key
/// `(word, place)` per word. The words are inlined: they hold letters and digits only
/// (`text_search::searched_words`), and are quoted all the same.
pub fn places_sql(words: &[String], bound: Option<(i64, bool)>) -> String {
    let past = match bound {
        None => String::new(),
        Some((place, true)) => format!(" AND place < {place}"),
        Some((place, false)) => format!(" AND place > {place}"),
    };
    words
        .iter()
        .map(|w| {
            let pattern = w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_").replace('\'', "''");
            format!("SELECT place FROM saisine_names WHERE word LIKE '{pattern}%'{past}")
        })
        .collect::<Vec<_>>()
        .join(" INTERSECT ")
}

/// Matches beyond which a PostgreSQL name condition scans rather than looks up (`pg_condition`).
const FEW_PLACES: i64 = 2 * list::COUNT_BOUND;

/// The PostgreSQL condition that a saisine's name has the words typed, for the count and the
/// sorts this walk does not serve. A few thousand matches are looked up by id: an array taken
/// from the words' index once, which the primary key serves (beside the other conditions of an
/// `OR`, each through its own index). As an `IN (…)` PostgreSQL read the whole table and
/// checked each row against the matches (400 ms to count a name at 1,000,000, 30 ms now).
/// Beyond `FEW_PLACES`, that scan is the faster: it stops at the count's bound, soon met when
/// one saisine in ten matches, where the lookups would visit every match (the word "ma":
/// 87 ms against 1.3 s).
pub(super) fn pg_condition(conn: &mut DbConn, words: &[String]) -> DbResult<String> {
    let places = places_sql(words, None);
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let counted: Counted = diesel::sql_query(format!("SELECT count(*) AS n FROM ({places} LIMIT {FEW_PLACES}) AS few"))
        .get_result(conn)?;
    let ids = format!("SELECT (place & 4294967295)::integer FROM ({places}) AS found");
    Ok(if counted.n < FEW_PLACES {
        format!("saisines.id = ANY(ARRAY({ids}))")
    } else {
        format!("saisines.id IN ({ids})")
    })
}

/// The words to look for when this walk can read the name index in the list's order: a text
/// search with words, sorted by reception.
pub(super) fn served(filter: &ListFilter, key: SortKey) -> Option<Vec<String>> {
    let Some(SearchTerm::Text(text)) = &filter.search else { return None };
    if key != SortKey::Received {
        return None;
    }
    let words = super::text_search::searched_words(text);
    (!words.is_empty()).then_some(words)
}

/// Up to `want` saisines of the filter past `from`: those found by name, read from the index in
/// order a chunk at a time until the page is full, merged with those the text finds otherwise
/// (a reference, another system's reference: index lookups).
pub(super) fn walk(
    conn: &mut DbConn,
    filter: &ListFilter,
    words: &[String],
    descending: bool,
    from: Option<Cursor>,
    want: i64,
) -> DbResult<Vec<Row>> {
    let run = Run { key: SortKey::Received, keyed: true, descending, from };
    let mut bound = match from {
        None => None,
        Some(Cursor { key: Some(KeyValue::Date(day)), id }) => Some(list_key(day, id)),
        Some(_) => return Err(list_sort::wrong_cursor()),
    };
    let mut by_name: Vec<Row> = Vec::new();
    let mut size = want * 2;
    loop {
        let keys = keys_past(conn, words, bound, descending, size)?;
        let ids: Vec<i32> = keys.iter().copied().map(id_of).collect();
        if !ids.is_empty() {
            let limit = want - by_name.len() as i64;
            by_name.extend(list::load_run(conn, filter, Names::Among(&ids), run, limit)?);
        }
        if by_name.len() as i64 >= want || (keys.len() as i64) < size {
            break;
        }
        bound = keys.last().copied();
        size = (size * 4).min(MAX_CHUNK);
    }
    let others = list::load_run(conn, filter, Names::Skip, run, want)?;
    Ok(merged(by_name, others, descending, want))
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
}

/// Up to `size` places of the name's matches strictly past `bound`, in the walk's direction.
fn keys_past(
    conn: &mut DbConn,
    words: &[String],
    bound: Option<i64>,
    descending: bool,
    size: i64,
) -> DbResult<Vec<i64>> {
    let order = if descending { "DESC" } else { "ASC" };
    let conn = match conn {
        DbConn::Sqlite(conn) => conn,
        DbConn::Postgresql(conn) => {
            let places = places_sql(words, bound.map(|b| (b, descending)));
            let sql =
                format!("SELECT DISTINCT place AS rowid FROM ({places}) AS found ORDER BY place {order} LIMIT {size}");
            let keys: Vec<Key> = diesel::sql_query(sql).load(conn)?;
            return Ok(keys.into_iter().map(|k| k.rowid).collect());
        }
    };
    let past = if descending { "<" } else { ">" };
    let sql = format!(
        "SELECT rowid FROM saisine_names WHERE saisine_names MATCH ? AND rowid {past} ? ORDER BY rowid {order} LIMIT ?"
    );
    let start = bound.unwrap_or(if descending { i64::MAX } else { i64::MIN });
    let keys: Vec<Key> = diesel::sql_query(sql)
        .bind::<Text, _>(match_query(words))
        .bind::<BigInt, _>(start)
        .bind::<BigInt, _>(size)
        .load(conn)?;
    Ok(keys.into_iter().map(|k| k.rowid).collect())
}

/// Two lists in the walk's order merged into one, each saisine once, `want` at most.
fn merged(by_name: Vec<Row>, others: Vec<Row>, descending: bool, want: i64) -> Vec<Row> {
    if others.is_empty() {
        return by_name;
    }
    let place = |row: &Row| list_key(row.0.received_on, row.0.id);
    let mut all: Vec<Row> = by_name.into_iter().chain(others).collect();
    all.sort_by_key(|row| if descending { -place(row) } else { place(row) });
    all.dedup_by_key(|row| row.0.id);
    all.truncate(usize::try_from(want).unwrap_or(0));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_in_the_list_follows_the_day_then_the_id() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day");
        // SQLite: CAST(julianday('2000-01-01') + 0.5 AS INTEGER) = 2451545.
        assert_eq!(list_key(day(2000, 1, 1), 0), 2_451_545 * ID_BITS);
        assert!(list_key(day(2026, 3, 28), i32::MAX) < list_key(day(2026, 3, 29), 1));
        assert!(list_key(day(2026, 3, 29), 1) < list_key(day(2026, 3, 29), 2));
        assert_eq!(id_of(list_key(day(2026, 12, 5), i32::MAX)), i32::MAX);
        assert_eq!(id_of(list_key(day(1900, 1, 1), 7)), 7);
    }
}
