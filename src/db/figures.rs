//! The counts behind the delay figures (`domain::figures`): saisines received in a range of
//! dates, grouped by what each figure reads (reception date, days to the answer, closed or
//! not). The annual report and `/indicateurs` both call `delays`, so that they count the same
//! saisines the same way; the domain decides what is on time.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::saisines;
use super::{DbConn, DbResult};
use crate::domain::figures::{Delay, DelayCounts, Delays};
use crate::domain::Status;

type Grouped = Vec<(NaiveDate, Option<i32>, String, i64)>;

/// The saisines the figures count (`domain::figures::counts_in_figures`): every one but a
/// duplicate merged into another. Every query behind a figure or a list filters with it.
pub fn counted() -> diesel::dsl::IsNull<saisines::merged_into> {
    saisines::merged_into.is_null()
}

fn counts(rows: Grouped) -> DelayCounts {
    let mut counts = DelayCounts::new();
    for (received_on, days, status, n) in rows {
        let closed = status == Status::Cloturee.code();
        *counts.entry(Delay { received_on, days, closed }).or_default() += n;
    }
    counts
}

/// The delays of the saisines received from `first` to `last`, both included. The durations
/// are the stored columns (`take_up_days`, `processing_days`) written with the lifecycle.
pub fn delays(conn: &mut DbConn, first: NaiveDate, last: NaiveDate) -> DbResult<Delays> {
    let in_range = saisines::received_on.between(first, last);
    let take_up: Grouped = saisines::table
        .filter(in_range)
        .filter(counted())
        .group_by((saisines::received_on, saisines::take_up_days, saisines::status))
        .select((saisines::received_on, saisines::take_up_days, saisines::status, count_star()))
        .load(conn)?;
    let closing: Grouped = saisines::table
        .filter(saisines::received_on.between(first, last))
        .filter(counted())
        .group_by((saisines::received_on, saisines::processing_days, saisines::status))
        .select((saisines::received_on, saisines::processing_days, saisines::status, count_star()))
        .load(conn)?;
    Ok(Delays { take_up: counts(take_up), closing: counts(closing) })
}
