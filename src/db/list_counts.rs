//! How many saisines a list's filter matches (counted up to a bound), and the years the list
//! offers: the figures around the list, apart from its rows.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::list::{filtered, ListFilter};
use super::schema::saisines;
use super::{DbConn, DbResult};

/// Beyond this many, the list says « plus de 10 000 » rather than counting on.
pub const COUNT_BOUND: i64 = 10_000;

/// How many saisines match, counted up to a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    /// The number, or the bound when there are more.
    pub count: i64,
    /// False when there are more than `count`.
    pub exact: bool,
}

/// How many saisines the filter matches, counting no further than `COUNT_BOUND` + 1: the cost
/// stays that of 10,001 index entries whatever the table holds.
pub fn count_up_to(conn: &mut DbConn, filter: &ListFilter) -> DbResult<Total> {
    count_bounded(conn, filter, COUNT_BOUND)
}

/// How many saisines the filter matches, counting no further than `bound` + 1 (a saved view's
/// count in the navigation stops sooner than the list's).
pub fn count_bounded(conn: &mut DbConn, filter: &ListFilter, bound: i64) -> DbResult<Total> {
    let rows = filtered(conn, filter)?.select(saisines::id).limit(bound + 1);
    let found: i64 = super::bounded_count::CountOf(rows).get_result(conn)?;
    Ok(if found > bound { Total { count: bound, exact: false } } else { Total { count: found, exact: true } })
}

/// How many saisines the filter matches in all (an export's audit record).
pub fn count(conn: &mut DbConn, filter: &ListFilter) -> DbResult<i64> {
    Ok(filtered(conn, filter)?.count().get_result(conn)?)
}

/// The first and last reception dates. Asked as two queries: each of `min` and `max` alone
/// reads one end of the index on `received_on`, while both in one query read the whole table
/// (a quarter of a second at 1,000,000 saisines, on every list page whose memo had expired).
pub fn received_bounds(conn: &mut DbConn) -> DbResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let first = saisines::table.select(diesel::dsl::min(saisines::received_on)).get_result(conn)?;
    let last = saisines::table.select(diesel::dsl::max(saisines::received_on)).get_result(conn)?;
    Ok((first, last))
}

/// Years that have saisines, newest first: the year filter offers them.
pub fn years(conn: &mut DbConn) -> DbResult<Vec<i32>> {
    let bounds = received_bounds(conn)?;
    use chrono::Datelike;
    Ok(match bounds {
        (Some(first), Some(last)) => (first.year()..=last.year()).rev().collect(),
        _ => Vec::new(),
    })
}
