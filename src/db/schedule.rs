//! Each saisine's stored deadlines (`domain::schedule`): computed again, in the writer's
//! transaction, whenever what they depend on changes; read by the queue, the navigation count
//! and the list filters through indexes.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::followups::{self, FollowUpKind};
use super::models::{ClockRow, ScheduleRow};
use super::queue::{QueueCount, Scope};
use super::schema::{duplicate_dismissals, saisines};
use super::{DbConn, DbError, DbResult};
use crate::domain::deadlines::{DeadlineSettings, Wait};
use crate::domain::queue::{Signals, DUPLICATE_WINDOW_DAYS};
use crate::domain::schedule::Schedule;
use crate::domain::{SaisineId, Status};

/// The other saisines that may be the same request as `id`: same NIR or same e-mail, received
/// within a week, not anonymised, not merged into another, and not dismissed by a mediator;
/// their ids and references, by reference.
pub fn duplicates_of(conn: &mut DbConn, id: SaisineId) -> DbResult<Vec<(i32, String)>> {
    let (received_on, nir, email): (NaiveDate, Option<String>, Option<String>) =
        saisines::table.find(id.0).select((saisines::received_on, saisines::nir, saisines::email_key)).first(conn)?;
    let window = Duration::days(DUPLICATE_WINDOW_DAYS);
    let (from, to) = (received_on - window, received_on + window);
    let dismissed = duplicate_dismissals::table
        .filter(duplicate_dismissals::saisine_id.eq(id.0))
        .select(duplicate_dismissals::other_id);
    let mut found: Vec<(i32, String)> = Vec::new();
    // Two indexed look-ups rather than one OR, which neither engine serves from two indexes.
    if let Some(nir) = nir {
        found.extend(
            saisines::table
                .filter(saisines::nir.eq(nir))
                .filter(saisines::received_on.between(from, to))
                .filter(saisines::id.ne(id.0))
                .filter(saisines::id.ne_all(dismissed))
                .filter(saisines::anonymised_at.is_null())
                .filter(saisines::merged_into.is_null())
                .select((saisines::id, saisines::reference))
                .load::<(i32, String)>(conn)?,
        );
    }
    if let Some(email) = email {
        found.extend(
            saisines::table
                .filter(saisines::email_key.eq(email))
                .filter(saisines::received_on.between(from, to))
                .filter(saisines::id.ne(id.0))
                .filter(saisines::id.ne_all(dismissed))
                .filter(saisines::anonymised_at.is_null())
                .filter(saisines::merged_into.is_null())
                .select((saisines::id, saisines::reference))
                .load::<(i32, String)>(conn)?,
        );
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found.dedup();
    Ok(found)
}

/// Whether the running wait of a saisine already had its reminder.
fn reminded(conn: &mut DbConn, id: i32) -> DbResult<bool> {
    let request = followups::current_requests(conn, &[id])?.get(&id).copied().unwrap_or(0);
    Ok(!followups::done(conn, &[(id, request)], FollowUpKind::Reminder)?.is_empty())
}

/// Computes and stores the deadlines of one saisine, inside the caller's transaction.
pub fn refresh(conn: &mut DbConn, id: SaisineId, settings: &DeadlineSettings) -> DbResult<Schedule> {
    let row: ClockRow = saisines::table.find(id.0).select(ClockRow::as_select()).first(conn)?;
    let lifecycle = row.lifecycle()?;
    let schedule = if row.status == Status::Cloturee.code() {
        Schedule::default()
    } else {
        let waiting = Wait::of(&lifecycle).is_some();
        let signals = Signals {
            reminded: waiting && reminded(conn, id.0)?,
            possible_duplicate: !waiting && !duplicates_of(conn, id)?.is_empty(),
            mail_received: row.mail_received,
        };
        Schedule::of(settings, &lifecycle, signals)
    };
    diesel::update(saisines::table.find(id.0)).set(ScheduleRow::new(&schedule)).execute(conn)?;
    Ok(schedule)
}

/// Computes again the deadlines of several saisines (a settings change, an import, start-up).
pub fn refresh_many(conn: &mut DbConn, ids: &[i32], settings: &DeadlineSettings) -> DbResult<()> {
    for id in ids {
        refresh(conn, SaisineId(*id), settings)?;
    }
    Ok(())
}

/// Among `ids`, the received saisines not yet flagged as possible duplicates: the only ones a
/// new match changes (one already flagged stays flagged).
pub fn unflagged_received(conn: &mut DbConn, ids: &[i32]) -> DbResult<Vec<i32>> {
    Ok(saisines::table
        .filter(saisines::id.eq_any(ids))
        .filter(saisines::status.eq(Status::Recue.code()))
        .filter(saisines::possible_duplicate.eq(false))
        .select(saisines::id)
        .load(conn)?)
}

/// The open saisines, for a settings change.
pub fn open_ids(conn: &mut DbConn) -> DbResult<Vec<i32>> {
    Ok(saisines::table.filter(saisines::status.ne(Status::Cloturee.code())).select(saisines::id).load(conn)?)
}

/// Saisines whose deadlines were computed by older rules (or never): open ones to compute,
/// closed ones only to mark (a closed saisine has no deadline).
pub fn stale_open_ids(conn: &mut DbConn) -> DbResult<Vec<i32>> {
    diesel::update(
        saisines::table
            .filter(saisines::schedule_version.lt(ScheduleRow::VERSION))
            .filter(saisines::status.eq(Status::Cloturee.code())),
    )
    .set(ScheduleRow::new(&Schedule::default()))
    .execute(conn)?;
    Ok(saisines::table.filter(saisines::schedule_version.lt(ScheduleRow::VERSION)).select(saisines::id).load(conn)?)
}

fn on_queue<'a>(scope: Scope, today: NaiveDate) -> saisines::BoxedQuery<'a, crate::db::DbBackend> {
    let query = saisines::table.filter(saisines::queue_from.le(today)).into_boxed();
    match scope {
        Scope::Mine(user) => query.filter(saisines::assigned_to.eq(user.0).or(saisines::assigned_to.is_null())),
        Scope::Team => query,
    }
}

/// How many saisines are on the queue of `scope` today, and how many of them are late: two
/// indexed counts, whatever the number of saisines.
pub fn count(conn: &mut DbConn, scope: Scope, today: NaiveDate) -> DbResult<QueueCount> {
    let total: i64 = on_queue(scope, today).count().get_result(conn)?;
    let late: i64 = on_queue(scope, today).filter(saisines::late_from.le(today)).count().get_result(conn)?;
    let size = |n: i64| usize::try_from(n).map_err(|_| DbError::Corrupt("compte négatif".into()));
    Ok(QueueCount { total: size(total)?, late: size(late)? })
}

/// Late saisines of the whole team today (any year): `/indicateurs`' "en retard".
pub fn late_count(conn: &mut DbConn, today: NaiveDate) -> DbResult<i64> {
    Ok(saisines::table.filter(saisines::late_from.le(today)).count().get_result(conn)?)
}

/// One page of the queue, most urgent first: the late ones, then by nearest due date (the
/// order `queue::compare_entries` gives, read from the stored dates).
pub fn page(conn: &mut DbConn, scope: Scope, today: NaiveDate, offset: i64, limit: i64) -> DbResult<Vec<ClockRow>> {
    // Never NULL (so both engines order it alike): late today, or not.
    let late = saisines::late_from.is_not_null().and(saisines::late_from.le(today));
    Ok(on_queue(scope, today)
        .order((late.desc(), saisines::next_due_on.asc(), saisines::reference.asc()))
        .offset(offset)
        .limit(limit)
        .select(ClockRow::as_select())
        .load(conn)?)
}

/// Computes the deadlines left stale (rows written before they were stored, or imported in
/// bulk), in one write transaction; returns how many were computed.
pub fn refresh_stale(conn: &mut DbConn) -> DbResult<usize> {
    super::pool::write_transaction(conn, |conn| {
        let ids = stale_open_ids(conn)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let settings = super::deadline_settings::load(conn)?;
        refresh_many(conn, &ids, &settings)?;
        Ok(ids.len())
    })
}
