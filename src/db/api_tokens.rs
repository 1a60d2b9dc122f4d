//! Personal API tokens: shown once, stored as a digest, revocable, acting with the owner's role.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::api_tokens;
use super::{DbConn, DbError, DbResult};
use crate::auth::UserId;

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ApiToken {
    pub id: i32,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn create(conn: &mut DbConn, user: UserId, name: &str, digest: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user.0),
            api_tokens::name.eq(name.trim()),
            api_tokens::token_hash.eq(digest),
            api_tokens::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list_for(conn: &mut DbConn, user: UserId) -> DbResult<Vec<ApiToken>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .order(api_tokens::id.desc())
        .select((
            api_tokens::id,
            api_tokens::name,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::revoked_at,
        ))
        .load(conn)?)
}

/// Revokes one of the user's own tokens.
pub fn revoke(conn: &mut DbConn, user: UserId, id: i32, at: NaiveDateTime) -> DbResult<()> {
    let revoked = diesel::update(
        api_tokens::table.find(id).filter(api_tokens::user_id.eq(user.0)).filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)?;
    if revoked == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The owner of a live token, and notes its use. The use is written at most once a minute
/// (like a session's `last_seen_at`): an API read stays a read, and a script's burst of calls
/// does not queue a write per call behind the other writers.
pub fn owner(conn: &mut DbConn, digest: &str, at: NaiveDateTime) -> DbResult<Option<UserId>> {
    let found: Option<(i32, i32, Option<NaiveDateTime>)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(digest))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::user_id, api_tokens::last_used_at))
        .get_result(conn)
        .optional()?;
    let Some((id, user, last_used_at)) = found else { return Ok(None) };
    if last_used_at.is_none_or(|last| crate::auth::session_policy::needs_touch(last, at)) {
        super::pool::write_transaction(conn, |conn| {
            diesel::update(api_tokens::table.find(id)).set(api_tokens::last_used_at.eq(at)).execute(conn)?;
            Ok(())
        })?;
    }
    Ok(Some(UserId(user)))
}
