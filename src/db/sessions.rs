//! Server-side sessions: the cookie carries a random token, the database its digest, so that
//! signing out (or an administrator's deactivation) ends the session everywhere.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::sessions;
use super::{DbConn, DbResult};
use crate::auth::UserId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub second_factor_done: bool,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn create(
    conn: &mut DbConn,
    token_hash: &str,
    user: UserId,
    csrf: &str,
    second_factor_done: bool,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user.0),
            sessions::csrf_token.eq(csrf),
            sessions::second_factor_done.eq(second_factor_done),
            sessions::created_at.eq(at),
            sessions::last_seen_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A session not yet ended (its age is the caller's to judge).
pub fn find_open(conn: &mut DbConn, token_hash: &str) -> DbResult<Option<SessionRow>> {
    Ok(sessions::table
        .find(token_hash)
        .filter(sessions::ended_at.is_null())
        .select(SessionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Through the in-process write queue (`write_gate`) like every write: a bare statement would
/// wait on SQLite's lock with growing sleeps instead.
pub fn touch(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> DbResult<()> {
    super::pool::write_transaction(conn, |conn| {
        diesel::update(sessions::table.find(token_hash)).set(sessions::last_seen_at.eq(at)).execute(conn)?;
        Ok(())
    })
}

pub fn complete_second_factor(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set((sessions::second_factor_done.eq(true), sessions::last_seen_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

pub fn end(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(sessions::table.find(token_hash).filter(sessions::ended_at.is_null()))
        .set(sessions::ended_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of an account (password changed, account deactivated).
pub fn end_all_for(conn: &mut DbConn, user: UserId, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user.0)).filter(sessions::ended_at.is_null()))
        .set(sessions::ended_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Ends every other session of an account (its password just changed).
pub fn end_all_except(conn: &mut DbConn, user: UserId, keep: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user.0))
            .filter(sessions::token_hash.ne(keep))
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::ended_at.eq(at))
    .execute(conn)?;
    Ok(())
}
