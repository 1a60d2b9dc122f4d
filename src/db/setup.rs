//! The one-time link that creates the first administrator while no account exists.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::setup_tokens;
use super::{DbConn, DbResult};

/// Keeps the new link's digest; earlier unused links stay valid until one is used.
pub fn add(conn: &mut DbConn, digest: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::insert_into(setup_tokens::table)
        .values((setup_tokens::token_hash.eq(digest), setup_tokens::created_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

pub fn is_valid(conn: &mut DbConn, digest: &str) -> DbResult<bool> {
    let found: i64 = setup_tokens::table
        .filter(setup_tokens::token_hash.eq(digest))
        .filter(setup_tokens::used_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(found == 1)
}

/// Uses the link; every other link dies with it. False when it was not valid.
pub fn consume(conn: &mut DbConn, digest: &str, at: NaiveDateTime) -> DbResult<bool> {
    let used = diesel::update(setup_tokens::table.find(digest).filter(setup_tokens::used_at.is_null()))
        .set(setup_tokens::used_at.eq(at))
        .execute(conn)?;
    if used == 1 {
        diesel::update(setup_tokens::table.filter(setup_tokens::used_at.is_null()))
            .set(setup_tokens::used_at.eq(at))
            .execute(conn)?;
    }
    Ok(used == 1)
}
