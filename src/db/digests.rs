//! The daily digest: who chose it, and the day it last went to each of them.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{digest_subscriptions, users};
use super::{DbConn, DbResult};
use crate::auth::UserId;

pub fn is_subscribed(conn: &mut DbConn, user: UserId) -> DbResult<bool> {
    let found: i64 =
        digest_subscriptions::table.filter(digest_subscriptions::user_id.eq(user.0)).count().get_result(conn)?;
    Ok(found > 0)
}

/// Subscribes or unsubscribes; returns whether anything changed.
pub fn set(conn: &mut DbConn, user: UserId, on: bool) -> DbResult<bool> {
    let current = is_subscribed(conn, user)?;
    if current == on {
        return Ok(false);
    }
    if on {
        diesel::insert_into(digest_subscriptions::table)
            .values(digest_subscriptions::user_id.eq(user.0))
            .execute(conn)?;
    } else {
        diesel::delete(digest_subscriptions::table.filter(digest_subscriptions::user_id.eq(user.0))).execute(conn)?;
    }
    Ok(true)
}

/// Active subscribers whose digest has not gone today: id, address, name.
pub fn due(conn: &mut DbConn, today: NaiveDate) -> DbResult<Vec<(UserId, String, String)>> {
    let rows: Vec<(i32, String, String)> = digest_subscriptions::table
        .inner_join(users::table)
        .filter(users::active.eq(true))
        .filter(digest_subscriptions::last_sent_on.is_null().or(digest_subscriptions::last_sent_on.lt(today)))
        .order(users::id.asc())
        .select((users::id, users::email, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, email, name)| (UserId(id), email, name)).collect())
}

/// Marks today's digest done, unless another worker did it first (false then).
pub fn mark(conn: &mut DbConn, user: UserId, today: NaiveDate) -> DbResult<bool> {
    let updated = diesel::update(
        digest_subscriptions::table.filter(
            digest_subscriptions::user_id
                .eq(user.0)
                .and(digest_subscriptions::last_sent_on.is_null().or(digest_subscriptions::last_sent_on.lt(today))),
        ),
    )
    .set(digest_subscriptions::last_sent_on.eq(Some(today)))
    .execute(conn)?;
    Ok(updated == 1)
}
