//! The audit log: who did what, when, from where. Appended to, never changed (the database
//! refuses updates and deletions with triggers).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::connection::insert_rows;
use super::schema::audit_log;
use super::{DbConn, DbResult};
use crate::auth::audit::AuditAction;
use crate::auth::UserId;

/// Who acts, for the audit log and the timeline.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<UserId>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Actor { id: None, name: name.to_string(), ip: String::new() }
    }
}

pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    details: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.id.map(|u| u.0)),
            audit_log::actor.eq(&actor.name),
            audit_log::action.eq(action.code()),
            audit_log::target.eq(target),
            audit_log::ip.eq(&actor.ip),
            audit_log::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}

/// The same action on many targets at once (an import), in one multi-row statement.
pub fn record_many(
    conn: &mut DbConn,
    actor: &Actor,
    action: AuditAction,
    targets: &[String],
    details: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    let rows: Vec<_> = targets
        .iter()
        .map(|target| {
            (
                audit_log::at.eq(at),
                audit_log::actor_id.eq(actor.id.map(|u| u.0)),
                audit_log::actor.eq(&actor.name),
                audit_log::action.eq(action.code()),
                audit_log::target.eq(target),
                audit_log::ip.eq(&actor.ip),
                audit_log::details.eq(details),
            )
        })
        .collect();
    if !rows.is_empty() {
        insert_rows!(conn, audit_log::table, &rows)?;
    }
    Ok(())
}

/// One audit record made ahead of its writing (the queue of views writes them in batches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub ip: String,
    pub details: String,
}

impl PendingEntry {
    pub fn new(actor: &Actor, action: AuditAction, target: &str, details: &str, at: NaiveDateTime) -> Self {
        PendingEntry {
            at,
            actor_id: actor.id.map(|u| u.0),
            actor: actor.name.clone(),
            action: action.code(),
            target: target.to_string(),
            ip: actor.ip.clone(),
            details: details.to_string(),
        }
    }
}

/// Records made ahead, in multi-row statements (in the caller's transaction).
pub fn record_pending(conn: &mut DbConn, entries: &[PendingEntry]) -> DbResult<()> {
    // 7 values a row: 500 rows stay far below SQLite's limit of bound parameters.
    for chunk in entries.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|e| {
                (
                    audit_log::at.eq(e.at),
                    audit_log::actor_id.eq(e.actor_id),
                    audit_log::actor.eq(&e.actor),
                    audit_log::action.eq(e.action),
                    audit_log::target.eq(&e.target),
                    audit_log::ip.eq(&e.ip),
                    audit_log::details.eq(&e.details),
                )
            })
            .collect();
        insert_rows!(conn, audit_log::table, &rows)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub details: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<i32>,
    pub target: Option<String>,
    /// UTC instants, `[from, to)`: the caller turns the days a person typed into these.
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Newest first, `limit` entries older than `before` (an entry id): keyset pagination.
pub fn search(conn: &mut DbConn, filter: &AuditFilter, before: Option<i32>, limit: i64) -> DbResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor));
    }
    if let Some(target) = &filter.target {
        query = query.filter(audit_log::target.eq(target));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    Ok(query
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor,
            audit_log::action,
            audit_log::target,
            audit_log::ip,
            audit_log::details,
        ))
        .load(conn)?)
}

/// Failed sign-ins from one address since a moment: the throttle's measure.
pub fn failures_from(conn: &mut DbConn, ip: &str, since: NaiveDateTime) -> DbResult<i64> {
    Ok(audit_log::table
        .filter(audit_log::ip.eq(ip))
        .filter(audit_log::action.eq(AuditAction::SignInFailed.code()))
        .filter(audit_log::at.ge(since))
        .count()
        .get_result(conn)?)
}
