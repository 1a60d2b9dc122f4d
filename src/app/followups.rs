//! The follow-ups of a documents request: the reminder a mediator records, and the two acts
//! of the sweep (the overdue note, the automatic abandonment).
//!
//! Every act runs in a write transaction and starts with a conditional update of the saisine
//! (`… WHERE status = 'attente_pieces' AND waiting_since = ? AND documents_due_on = ?`): on
//! PostgreSQL it locks the row, so two sweeps on two servers take turns and the second finds
//! the work done; on SQLite the transaction holds the write lock from its start.

use chrono::NaiveDate;

use super::saisines::apply_to;
use super::{write, AppError, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::followups::{self, FollowUpKind, WaitingSaisine};
use crate::db::{audit, events, saisines as store, DbConn, DbError};
use crate::domain::deadlines::DeadlineSettings;
use crate::domain::followup::{abandonment_summary, check_reminder, not_waiting, overdue_note};
use crate::domain::text::non_blank;
use crate::domain::{Action, EventDetails, EventKind, Outcome, Reference};

/// Records that the person was reminded of the pending documents request: the reminder is
/// then no longer due for that request. A second reminder adds a timeline entry too.
pub fn remind(
    conn: &mut DbConn,
    reference: Reference,
    on: NaiveDate,
    note: &str,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<()> {
    write(conn, |conn| {
        store::lock(conn, reference)?;
        let current = store::find(conn, reference)?;
        let waiting = followups::current_wait(conn, &current)?.ok_or_else(not_waiting)?;
        check_reminder(waiting.wait, on, note, today)?;
        if !followups::hold_wait(conn, &waiting)? {
            return Err(AppError::Db(DbError::Corrupt(format!("attente de la saisine {reference} introuvable"))));
        }
        followups::mark(conn, &waiting, FollowUpKind::Reminder, stamp)?;
        super::schedule::after_change(conn, current.id)?;
        let details = EventDetails {
            date: Some(on),
            due_on: Some(waiting.wait.due_on),
            text: non_blank(note),
            ..Default::default()
        };
        events::append(conn, current.id, EventKind::Relance, &details, stamp)?;
        store::touch(conn, current.id, stamp.at)?;
        let kind = EventKind::Relance.code();
        Ok(audit::record(conn, stamp.actor, AuditAction::SaisineStep, &reference.to_string(), kind, stamp.at)?)
    })
}

/// Notes in the timeline, once per request, that the documents did not come by their due
/// date. Returns false when there was nothing to do (already noted, or the wait is over).
pub fn note_overdue(
    conn: &mut DbConn,
    saisine: &WaitingSaisine,
    settings: &DeadlineSettings,
    stamp: &Stamp,
) -> AppResult<bool> {
    write(conn, |conn| {
        if !followups::hold_wait(conn, saisine)? || !followups::mark(conn, saisine, FollowUpKind::OverdueNote, stamp)? {
            return Ok(false);
        }
        let text = overdue_note(saisine.wait, settings);
        let details = EventDetails { due_on: Some(saisine.wait.due_on), text: Some(text), ..Default::default() };
        events::append(conn, saisine.id, EventKind::EcheanceDepassee, &details, stamp)?;
        let (kind, target) = (EventKind::EcheanceDepassee.code(), saisine.reference.to_string());
        audit::record(conn, stamp.actor, AuditAction::SaisineStep, &target, kind, stamp.at)?;
        Ok(true)
    })
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
) -> AppResult<bool> {
    write(conn, |conn| {
        if !followups::hold_wait(conn, saisine)? {
            return Ok(false);
        }
        let current = store::find(conn, saisine.reference)?;
        let summary = abandonment_summary(saisine.wait, settings.grace_days);
        let action = Action::Close { on, outcome: Some(Outcome::Abandon), summary };
        apply_to(conn, &current, &action, today, stamp, AuditAction::AutomaticAbandon)?;
        followups::mark(conn, saisine, FollowUpKind::Abandonment, stamp)?;
        Ok(true)
    })
}
