//! The annual report's aggregate queries: counts grouped in the database, over a range of
//! reception dates, so that a year of 100,000 saisines comes back as a few hundred rows.
//! Only Diesel's query DSL and no date arithmetic (the durations are stored columns, see
//! `models::LifecycleColumns`): the same queries run on every backend.

use chrono::Datelike;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::reference_lists::ReferenceLists;
use super::schema::{saisine_motifs, saisines};
use super::{DbConn, DbResult};
use crate::report::figures::{Counts, Histogram};
use crate::report::{Aggregates, ListLabels, Period};

/// Saisines received in the period, grouped by one column: `(value, count)` rows.
macro_rules! count_by {
    ($conn:expr, $period:expr, $column:expr) => {
        saisines::table
            .filter(saisines::received_on.between($period.first, $period.last))
            .filter(super::figures::counted())
            .group_by($column)
            .select(($column, count_star()))
            .load($conn)
    };
}

/// Every count the report needs for `period`, read in one transaction.
pub fn aggregates(conn: &mut DbConn, period: Period) -> DbResult<Aggregates> {
    conn.transaction(|conn| {
        Ok(Aggregates {
            received: received(conn, period)?,
            previous_received: match period.previous() {
                Some(previous) => received(conn, previous)?,
                None => 0,
            },
            channels: counts(count_by!(conn, period, saisines::channel)?),
            requesters: counts(count_by!(conn, period, saisines::requester_type)?),
            partners: present(count_by!(conn, period, saisines::partner)?),
            processes: counts(count_by!(conn, period, saisines::process)?),
            motifs: counts(motifs(conn, period)?),
            outcomes: present(count_by!(conn, period, saisines::outcome)?),
            received_by_day: count_by!(conn, period, saisines::received_on)?.into_iter().collect(),
            take_up_days: histogram(count_by!(conn, period, saisines::take_up_days)?),
            processing_days: histogram(count_by!(conn, period, saisines::processing_days)?),
            net_processing_days: histogram(count_by!(conn, period, saisines::net_processing_days)?),
            delays: super::figures::delays(conn, period.first, period.last)?,
        })
    })
}

/// How many saisines were received in the period.
pub fn received(conn: &mut DbConn, period: Period) -> DbResult<i64> {
    Ok(saisines::table
        .filter(saisines::received_on.between(period.first, period.last))
        .filter(super::figures::counted())
        .count()
        .get_result(conn)?)
}

fn motifs(conn: &mut DbConn, period: Period) -> QueryResult<Vec<(String, i64)>> {
    saisine_motifs::table
        .inner_join(saisines::table)
        .filter(saisines::received_on.between(period.first, period.last))
        .filter(super::figures::counted())
        .group_by(saisine_motifs::motif)
        .select((saisine_motifs::motif, count_star()))
        .load(conn)
}

fn counts(rows: Vec<(String, i64)>) -> Counts {
    rows.into_iter().collect()
}

/// The rows of a nullable column that has a value (a partner, an outcome).
fn present(rows: Vec<(Option<String>, i64)>) -> Counts {
    rows.into_iter().filter_map(|(code, n)| code.map(|c| (c, n))).collect()
}

fn histogram(rows: Vec<(Option<i32>, i64)>) -> Histogram {
    rows.into_iter().filter_map(|(days, n)| days.map(|d| (d, n))).collect()
}

/// Years that have saisines, newest first, with how many each.
pub fn years(conn: &mut DbConn) -> DbResult<Vec<(i32, i64)>> {
    let (Some(first), Some(last)) = super::list::received_bounds(conn)? else { return Ok(Vec::new()) };
    let mut years = Vec::new();
    for year in (first.year()..=last.year()).rev() {
        let Ok(period) = Period::year(year) else { continue };
        let count = received(conn, period)?;
        if count > 0 {
            years.push((year, count));
        }
    }
    Ok(years)
}

/// The labels of motifs and partners, retired ones included (old saisines carry them).
pub fn list_labels(conn: &mut DbConn) -> DbResult<ListLabels> {
    let lists = ReferenceLists::load(conn)?;
    let pairs = |entries: &[super::reference_lists::Entry]| {
        entries.iter().map(|e| (e.code.clone(), e.label.clone())).collect::<Vec<_>>()
    };
    Ok(ListLabels { motifs: pairs(&lists.motifs), partners: pairs(&lists.partners) })
}
