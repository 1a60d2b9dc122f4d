//! Personal API tokens: created (shown once, stored as a digest) and revoked by their owner.

use chrono::NaiveDateTime;

use super::{write, Actor, AppResult};
use crate::auth::audit::AuditAction;
use crate::auth::UserId;
use crate::db::{api_tokens, audit, DbConn};

pub fn create(
    conn: &mut DbConn,
    owner: UserId,
    name: &str,
    digest: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    write(conn, |conn| {
        api_tokens::create(conn, owner, name, digest, at)?;
        Ok(audit::record(conn, actor, AuditAction::TokenCreated, name, "", at)?)
    })
}

pub fn revoke(conn: &mut DbConn, owner: UserId, token: i32, actor: &Actor, at: NaiveDateTime) -> AppResult<()> {
    write(conn, |conn| {
        api_tokens::revoke(conn, owner, token, at)?;
        Ok(audit::record(conn, actor, AuditAction::TokenRevoked, &token.to_string(), "", at)?)
    })
}
