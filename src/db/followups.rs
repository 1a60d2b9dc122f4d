//! What is done about a documents request: the reminder a mediator sends, the overdue note and
//! the automatic abandonment the sweep records. A wait is identified by the timeline entry of
//! its request, and each follow-up is written at most once per request (`followups` table).
//!
//! Every automatic act runs in a write transaction and starts with a conditional update of the
//! saisine (`… WHERE status = 'attente_pieces' AND waiting_since = ? AND documents_due_on = ?`):
//! on PostgreSQL it locks the row, so two sweeps on two servers take turns, and the second
//! finds the work done; on SQLite the transaction holds the write lock from its start.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::audit;
use super::events;
use super::models::{ClockRow, LifecycleColumns};
use super::pool::write_transaction;
use super::saisines::{self, Stamp};
use super::schema::{events as events_table, followups, saisines as saisines_table};
use super::{DbConn, DbError, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::dates::french;
use crate::domain::deadlines::{DeadlineSettings, Wait};
use crate::domain::{Action, DomainError, EventDetails, EventKind, Outcome, Reference, SaisineId, Status};

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

/// Which of these requests already have a follow-up of `kind`.
pub fn done(conn: &mut DbConn, requests: &[i32], kind: FollowUpKind) -> DbResult<HashSet<i32>> {
    let rows: Vec<i32> = followups::table
        .filter(followups::request_event_id.eq_any(requests))
        .filter(followups::kind.eq(kind.code()))
        .select(followups::request_event_id)
        .load(conn)?;
    Ok(rows.into_iter().collect())
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
fn hold_wait(conn: &mut DbConn, saisine: &WaitingSaisine) -> DbResult<bool> {
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
fn mark(conn: &mut DbConn, saisine: &WaitingSaisine, kind: FollowUpKind, stamp: &Stamp) -> DbResult<bool> {
    if !done(conn, &[saisine.request], kind)?.is_empty() {
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

fn touch(conn: &mut DbConn, id: SaisineId, stamp: &Stamp) -> DbResult<()> {
    diesel::update(saisines_table::table.find(id.0)).set(saisines_table::updated_at.eq(stamp.at)).execute(conn)?;
    Ok(())
}

/// Notes in the timeline, once per request, that the documents did not come by their due date.
/// Returns false when there was nothing to do (already noted, or the wait is over).
pub fn note_overdue(
    conn: &mut DbConn,
    saisine: &WaitingSaisine,
    settings: &DeadlineSettings,
    stamp: &Stamp,
) -> DbResult<bool> {
    write_transaction(conn, |conn| {
        if !hold_wait(conn, saisine)? || !mark(conn, saisine, FollowUpKind::OverdueNote, stamp)? {
            return Ok(false);
        }
        let Wait { since, due_on } = saisine.wait;
        let text = format!(
            "Les pièces demandées le {} n'ont pas été reçues à l'échéance du {}. Sans réponse, la saisine sera \
             clôturée pour abandon le {}.",
            french(since),
            french(due_on),
            french(settings.abandonment_on(due_on))
        );
        let details = EventDetails { due_on: Some(due_on), text: Some(text), ..Default::default() };
        events::append(conn, saisine.id, EventKind::EcheanceDepassee, &details, stamp)?;
        let kind = EventKind::EcheanceDepassee.code();
        audit::record(conn, stamp.actor, AuditAction::SaisineStep, &saisine.reference.to_string(), kind, stamp.at)?;
        Ok(true)
    })
}

/// The closing summary of an automatic abandonment: it says why.
pub fn abandonment_summary(wait: Wait, grace_days: u32) -> String {
    format!(
        "Clôture automatique pour abandon : les pièces demandées le {} n'ont pas été reçues à l'échéance du {}, \
         ni dans les {grace_days} jours de grâce qui ont suivi. La saisine peut être rouverte si la personne se \
         manifeste.",
        french(wait.since),
        french(wait.due_on)
    )
}

/// Closes the saisine as `abandon` on `on`, through the lifecycle's checks, if it still waits
/// on the same request. Returns false when another sweep (or a mediator) got there first.
pub fn abandon(
    conn: &mut DbConn,
    saisine: &WaitingSaisine,
    on: NaiveDate,
    settings: &DeadlineSettings,
    today: NaiveDate,
    stamp: &Stamp,
) -> DbResult<bool> {
    write_transaction(conn, |conn| {
        if !hold_wait(conn, saisine)? {
            return Ok(false);
        }
        let current = saisines::find(conn, saisine.reference)?;
        let summary = abandonment_summary(saisine.wait, settings.grace_days);
        let action = Action::Close { on, outcome: Some(Outcome::Abandon), summary: summary.clone() };
        let next = current.lifecycle.apply(&action, today)?;
        diesel::update(saisines_table::table.find(saisine.id.0)).set(LifecycleColumns::from(&next)).execute(conn)?;
        touch(conn, saisine.id, stamp)?;
        mark(conn, saisine, FollowUpKind::Abandonment, stamp)?;
        let (kind, details) = EventDetails::for_action(&action);
        events::append(conn, saisine.id, kind, &details, stamp)?;
        let reference = saisine.reference.to_string();
        audit::record(conn, stamp.actor, AuditAction::AutomaticAbandon, &reference, &summary, stamp.at)?;
        Ok(true)
    })
}

fn check_reminder_date(on: NaiveDate, wait: Wait, today: NaiveDate) -> Result<(), DomainError> {
    if on > today {
        return Err(DomainError::invalid("date", "date_future", "la date ne peut pas être dans le futur"));
    }
    if on < wait.since {
        return Err(DomainError::invalid(
            "date",
            "date_before_request",
            format!("la relance ne peut pas précéder la demande de pièces du {}", french(wait.since)),
        ));
    }
    Ok(())
}

/// Records that the person was reminded of the documents request; the reminder is then no
/// longer due. A second reminder adds a timeline entry too.
pub fn record_reminder(
    conn: &mut DbConn,
    reference: Reference,
    on: NaiveDate,
    note: &str,
    today: NaiveDate,
    stamp: &Stamp,
) -> DbResult<()> {
    write_transaction(conn, |conn| {
        let current = saisines::find(conn, reference)?;
        let Some(wait) = Wait::of(&current.lifecycle) else {
            return Err(DomainError::refused(
                "not_waiting",
                "aucune demande de pièces n'est en attente sur cette saisine",
            )
            .into());
        };
        check_reminder_date(on, wait, today)?;
        if !note.trim().is_empty() {
            crate::domain::lifecycle::check_text("text", note, "")?;
        }
        let request = current_requests(conn, &[current.id.0])?.get(&current.id.0).copied().unwrap_or(0);
        let saisine = WaitingSaisine { id: current.id, reference, wait, request };
        if !hold_wait(conn, &saisine)? {
            return Err(DbError::Corrupt(format!("attente de la saisine {reference} introuvable")));
        }
        mark(conn, &saisine, FollowUpKind::Reminder, stamp)?;
        let text = crate::domain::text::non_blank(note);
        let details = EventDetails { date: Some(on), due_on: Some(wait.due_on), text, ..Default::default() };
        events::append(conn, current.id, EventKind::Relance, &details, stamp)?;
        touch(conn, current.id, stamp)?;
        let kind = EventKind::Relance.code();
        audit::record(conn, stamp.actor, AuditAction::SaisineStep, &reference.to_string(), kind, stamp.at)
    })
}
