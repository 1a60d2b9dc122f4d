//! The indicators' queries: which saisines to measure. The arithmetic is the domain's
//! (`domain::figures` for the national figures and "en retard", `domain::indicators` for the
//! caisse's own delays).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::models::ClockRow;
use super::schema::saisines;
use super::{deadline_settings, figures};
use super::{DbConn, DbResult};
use crate::domain::figures::DelayFigures;
use crate::domain::indicators::{self, Indicators};
use crate::domain::Lifecycle;

fn lifecycles(rows: Vec<ClockRow>) -> DbResult<Vec<Lifecycle>> {
    rows.iter().map(ClockRow::lifecycle).collect()
}

/// The indicators over the saisines received from `from` to `to` (both included), as of `today`.
pub fn for_period(conn: &mut DbConn, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> DbResult<Indicators> {
    let settings = deadline_settings::load(conn)?;
    let rows = saisines::table
        .filter(saisines::received_on.between(from, to))
        .filter(figures::counted())
        .select(ClockRow::as_select())
        .load(conn)?;
    let delays = DelayFigures::compute(&figures::delays(conn, from, to)?, today);
    Ok(indicators::compute(&settings, &lifecycles(rows)?, delays, today))
}

/// The indicators over the saisines received in `year`, as of `today`.
pub fn for_year(conn: &mut DbConn, year: i32, today: NaiveDate) -> DbResult<Indicators> {
    let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Err(crate::domain::DomainError::invalid("year", "invalid_year", "année invalide").into());
    };
    for_period(conn, from, to, today)
}

/// Open saisines, of any year and any mediator, past their take-up or handling deadline today
/// (`figures::is_overdue`, read from the stored deadlines: one indexed count).
pub fn overdue_now(conn: &mut DbConn, today: NaiveDate) -> DbResult<i64> {
    super::schedule::late_count(conn, today)
}
