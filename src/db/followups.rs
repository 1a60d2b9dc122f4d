//! The follow-ups of documents requests as stored: which waits exist, which follow-ups were
//! done. The use cases that write them are in `app::followups`. A wait is identified by its
//! saisine and the timeline entry of its request; each follow-up is written at most once per
//! wait (`followups` table, unique on saisine, request and kind).
//!
//! Every automatic act runs in a write transaction and starts with a conditional update of the
//! saisine (`… WHERE status = 'attente_pieces' AND waiting_since = ? AND documents_due_on = ?`):
//! on PostgreSQL it locks the row, so two sweeps on two servers take turns, and the second
//! finds the work done; on SQLite the transaction holds the write lock from its start.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::models::ClockRow;
use super::saisines::Stamp;
use super::schema::{events as events_table, followups, saisines as saisines_table};
use super::{DbConn, DbError, DbResult};
use crate::domain::deadlines::Wait;
use crate::domain::{EventKind, Reference, SaisineId, Status};

/// The follow-ups of one request, stored as their code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpKind {
    Reminder,
    OverdueNote,
    Abandonment,
}

impl FollowUpKind {
    pub fn code(self) -> &'static str {
        match self {
            FollowUpKind::Reminder => "relance",
            FollowUpKind::OverdueNote => "echeance_depassee",
            FollowUpKind::Abandonment => "abandon",
        }
    }
}

/// A saisine waiting for documents, with the request that opened the wait.
#[derive(Debug, Clone)]
pub struct WaitingSaisine {
    pub id: SaisineId,
    pub reference: Reference,
    pub wait: Wait,
    /// The timeline entry of the request (0 if the wait has none, which the application never does).
    pub request: i32,
}

/// The latest documents request of each saisine: the one its current wait answers to.
pub fn current_requests(conn: &mut DbConn, ids: &[i32]) -> DbResult<HashMap<i32, i32>> {
    let rows: Vec<(i32, Option<i32>)> = events_table::table
        .filter(events_table::saisine_id.eq_any(ids))
        .filter(events_table::kind.eq(EventKind::PiecesDemandees.code()))
        .group_by(events_table::saisine_id)
        .select((events_table::saisine_id, diesel::dsl::max(events_table::id)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(saisine, request)| request.map(|r| (saisine, r))).collect())
}

/// Which of these waits (saisine, request entry) already have a follow-up of `kind`. A wait is
/// keyed by its saisine as well as its request, so that a wait without a request entry (0)
/// never borrows another saisine's follow-ups.
pub fn done(conn: &mut DbConn, waits: &[(i32, i32)], kind: FollowUpKind) -> DbResult<HashSet<(i32, i32)>> {
    let saisine_ids: Vec<i32> = waits.iter().map(|(saisine, _)| *saisine).collect();
    let rows: Vec<(i32, i32)> = followups::table
        .filter(followups::saisine_id.eq_any(&saisine_ids))
        .filter(followups::kind.eq(kind.code()))
        .select((followups::saisine_id, followups::request_event_id))
        .load(conn)?;
    let wanted: HashSet<(i32, i32)> = waits.iter().copied().collect();
    Ok(rows.into_iter().filter(|pair| wanted.contains(pair)).collect())
}

fn waiting(conn: &mut DbConn, rows: Vec<ClockRow>) -> DbResult<Vec<WaitingSaisine>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let requests = current_requests(conn, &ids)?;
    let mut found = Vec::new();
    for row in rows {
        let Some(wait) = Wait::of(&row.lifecycle()?) else { continue };
        let reference = row.reference.parse().map_err(|_| DbError::Corrupt(format!("référence {}", row.reference)))?;
        let request = requests.get(&row.id).copied().unwrap_or(0);
        found.push(WaitingSaisine { id: SaisineId(row.id), reference, wait, request });
    }
    Ok(found)
}

/// Saisines whose documents were due before `today` and never came.
pub fn overdue_waits(conn: &mut DbConn, today: NaiveDate) -> DbResult<Vec<WaitingSaisine>> {
    let rows = saisines_table::table
        .filter(saisines_table::status.eq(Status::AttentePieces.code()))
        .filter(saisines_table::documents_due_on.lt(today))
        .order(saisines_table::id.asc())
        .select(ClockRow::as_select())
        .load(conn)?;
    waiting(conn, rows)
}

/// The conditional update every follow-up starts with: true if the saisine still waits on the
/// same request (and, on PostgreSQL, its row is now locked until the transaction ends).
pub fn hold_wait(conn: &mut DbConn, saisine: &WaitingSaisine) -> DbResult<bool> {
    let held = diesel::update(
        saisines_table::table
            .find(saisine.id.0)
            .filter(saisines_table::status.eq(Status::AttentePieces.code()))
            .filter(saisines_table::waiting_since.eq(saisine.wait.since))
            .filter(saisines_table::documents_due_on.eq(saisine.wait.due_on)),
    )
    .set(saisines_table::updated_at.eq(saisines_table::updated_at))
    .execute(conn)?;
    Ok(held == 1)
}

/// Records that `kind` was done for the request; false if it already was.
pub fn mark(conn: &mut DbConn, saisine: &WaitingSaisine, kind: FollowUpKind, stamp: &Stamp) -> DbResult<bool> {
    if !done(conn, &[(saisine.id.0, saisine.request)], kind)?.is_empty() {
        return Ok(false);
    }
    diesel::insert_into(followups::table)
        .values((
            followups::saisine_id.eq(saisine.id.0),
            followups::request_event_id.eq(saisine.request),
            followups::kind.eq(kind.code()),
            followups::done_at.eq(stamp.at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The wait a saisine is in now, with the request entry that opened it.
pub fn current_wait(conn: &mut DbConn, saisine: &crate::domain::Saisine) -> DbResult<Option<WaitingSaisine>> {
    let Some(wait) = Wait::of(&saisine.lifecycle) else { return Ok(None) };
    let request = current_requests(conn, &[saisine.id.0])?.get(&saisine.id.0).copied().unwrap_or(0);
    Ok(Some(WaitingSaisine { id: saisine.id, reference: saisine.reference, wait, request }))
}
