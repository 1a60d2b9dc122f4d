//! Dismissed possible duplicates.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::duplicate_dismissals as d;
use super::{DbConn, DbResult};
use crate::domain::SaisineId;

/// Records the pair both ways (once: a second dismissal changes nothing).
pub fn dismiss(conn: &mut DbConn, a: SaisineId, b: SaisineId, by: &str, at: NaiveDateTime) -> DbResult<()> {
    for (one, other) in [(a, b), (b, a)] {
        let known: i64 =
            d::table.filter(d::saisine_id.eq(one.0)).filter(d::other_id.eq(other.0)).count().get_result(conn)?;
        if known == 0 {
            diesel::insert_into(d::table)
                .values((
                    d::saisine_id.eq(one.0),
                    d::other_id.eq(other.0),
                    d::dismissed_by.eq(by),
                    d::dismissed_at.eq(at),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
