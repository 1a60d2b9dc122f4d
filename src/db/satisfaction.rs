//! Satisfaction forms: the link's digest, its answers, and the counts the report shows.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::satisfaction_surveys as surveys;
use super::{DbConn, DbResult};
use crate::domain::satisfaction::{Handling, SurveyAnswer};
use crate::domain::SaisineId;

pub fn create(
    conn: &mut DbConn,
    saisine: SaisineId,
    token_hash: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> DbResult<()> {
    diesel::insert_into(surveys::table)
        .values((
            surveys::saisine_id.eq(saisine.0),
            surveys::token_hash.eq(token_hash),
            surveys::created_at.eq(at),
            surveys::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a link can still be answered.
pub fn is_open(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> DbResult<bool> {
    let found: i64 = surveys::table
        .filter(surveys::token_hash.eq(token_hash))
        .filter(surveys::answered_at.is_null())
        .filter(surveys::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Records the answers once; false when the link was already used, expired or unknown.
pub fn answer(conn: &mut DbConn, token_hash: &str, answer: &SurveyAnswer, now: NaiveDateTime) -> DbResult<bool> {
    let updated = diesel::update(
        surveys::table
            .filter(surveys::token_hash.eq(token_hash))
            .filter(surveys::answered_at.is_null())
            .filter(surveys::expires_at.gt(now)),
    )
    .set((
        surveys::answered_at.eq(Some(now)),
        surveys::handling.eq(Some(answer.handling.code())),
        surveys::understood.eq(Some(answer.understood)),
        surveys::comment.eq(answer.comment.as_deref()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Answers received between two days (inclusive, UTC), and how many were satisfied.
pub fn counts(conn: &mut DbConn, first: NaiveDate, last: NaiveDate) -> DbResult<(i64, i64)> {
    let start = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = last.succ_opt().unwrap_or(last).and_hms_opt(0, 0, 0).unwrap_or_default();
    let handlings: Vec<Option<String>> = surveys::table
        .filter(surveys::answered_at.ge(start).and(surveys::answered_at.lt(end)))
        .select(surveys::handling)
        .load(conn)?;
    let satisfied =
        handlings.iter().flatten().filter(|h| Handling::from_code(h).is_some_and(Handling::satisfied)).count();
    Ok((handlings.len() as i64, satisfied as i64))
}
