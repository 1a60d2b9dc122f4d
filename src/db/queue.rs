//! The "à traiter" queue: open saisines needing a mediator now, most urgent first. Reads only
//! the narrow lifecycle columns, so that the navigation can count it on every page.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::deadline_settings;
use super::followups::{self, FollowUpKind};
use super::models::{ClockRow, SaisineRow};
use super::saisines::with_motifs;
use super::schema::saisines;
use super::{DbConn, DbError, DbResult};
use crate::auth::UserId;
use crate::domain::deadlines::DeadlineSettings;
use crate::domain::queue::{self, Attention, Signals};
use crate::domain::{Lifecycle, Reference, Saisine, Stage};

/// Whose saisines: a mediator's own and those nobody has yet, or the whole team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Mine(UserId),
    Team,
}

#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub saisine_id: i32,
    pub reference: Reference,
    pub lifecycle: Lifecycle,
    pub attentions: Vec<Attention>,
    /// A reminder was recorded for the current documents request.
    pub reminded: bool,
    /// References of the possible duplicates, when there are some.
    pub duplicates: Vec<String>,
}

/// What the navigation shows: saisines on the queue, and how many of them are late.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueCount {
    pub total: usize,
    pub late: usize,
}

/// The saisines among `waiting` whose current documents request was already followed by a reminder.
fn reminded(conn: &mut DbConn, waiting: &[i32]) -> DbResult<HashSet<i32>> {
    let requests = followups::current_requests(conn, waiting)?;
    let waits: Vec<(i32, i32)> = waiting.iter().map(|id| (*id, requests.get(id).copied().unwrap_or(0))).collect();
    let done = followups::done(conn, &waits, FollowUpKind::Reminder)?;
    Ok(done.into_iter().map(|(saisine, _)| saisine).collect())
}

/// Every open saisine of `rows` with what it needs today (possibly nothing).
fn assess(
    conn: &mut DbConn,
    rows: Vec<ClockRow>,
    settings: &DeadlineSettings,
    today: NaiveDate,
) -> DbResult<Vec<QueueEntry>> {
    let lifecycles: Vec<(ClockRow, Lifecycle)> =
        rows.into_iter().map(|row| row.lifecycle().map(|l| (row, l))).collect::<DbResult<_>>()?;
    let ids_where = |wanted: fn(&Stage) -> bool| -> Vec<i32> {
        lifecycles.iter().filter(|(_, l)| wanted(&l.stage)).map(|(r, _)| r.id).collect()
    };
    let waiting = ids_where(|s| matches!(s, Stage::AwaitingDocuments { .. }));
    // Only the saisines flagged when recorded (`db::schedule`) are looked up, for the others'
    // references: two indexed queries each, not two for every received saisine.
    let flagged: Vec<i32> = lifecycles
        .iter()
        .filter(|(row, l)| row.possible_duplicate && l.stage == Stage::Received)
        .map(|(row, _)| row.id)
        .collect();
    let reminded = reminded(conn, &waiting)?;
    let mut duplicates = std::collections::HashMap::new();
    for id in flagged {
        let found = super::schedule::duplicates_of(conn, crate::domain::SaisineId(id))?;
        if !found.is_empty() {
            duplicates.insert(id, found.into_iter().map(|(_, reference)| reference).collect::<Vec<_>>());
        }
    }
    let mut entries = Vec::new();
    for (row, lifecycle) in lifecycles {
        let signals = Signals {
            reminded: reminded.contains(&row.id),
            possible_duplicate: duplicates.contains_key(&row.id),
            mail_received: row.mail_received,
        };
        let reference =
            row.reference.parse().map_err(|_| DbError::Corrupt(format!("référence illisible : {}", row.reference)))?;
        entries.push(QueueEntry {
            saisine_id: row.id,
            reference,
            attentions: queue::assess(settings, &lifecycle, signals, today),
            reminded: signals.reminded,
            duplicates: duplicates.remove(&row.id).unwrap_or_default(),
            lifecycle,
        });
    }
    Ok(entries)
}

/// One page of the queue of `scope` today, most urgent first (the order and the membership
/// come from the stored deadlines, through indexes; each row of the page is then assessed).
pub fn entries(
    conn: &mut DbConn,
    scope: Scope,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> DbResult<(DeadlineSettings, Vec<QueueEntry>)> {
    let settings = deadline_settings::load(conn)?;
    let rows = super::schedule::page(conn, scope, today, offset, limit)?;
    Ok((settings, assess(conn, rows, &settings, today)?))
}

/// How many saisines are on the queue of `scope`, and how many of them are "en retard"
/// (`figures::is_overdue`, the definition `/indicateurs` counts too): indexed counts.
pub fn count(conn: &mut DbConn, scope: Scope, today: NaiveDate) -> DbResult<QueueCount> {
    super::schedule::count(conn, scope, today)
}

/// What one saisine needs today (empty once closed), for its own page.
pub fn entry_of(conn: &mut DbConn, saisine: &Saisine, today: NaiveDate) -> DbResult<(DeadlineSettings, QueueEntry)> {
    let settings = deadline_settings::load(conn)?;
    let rows = saisines::table.find(saisine.id.0).select(ClockRow::as_select()).load(conn)?;
    let entry = assess(conn, rows, &settings, today)?.pop().ok_or(DbError::NotFound)?;
    Ok((settings, entry))
}

/// The saisines of the queue, whole, in the order of `ids`.
pub fn saisines_by_id(conn: &mut DbConn, ids: &[i32]) -> DbResult<Vec<Saisine>> {
    let rows: Vec<SaisineRow> =
        saisines::table.filter(saisines::id.eq_any(ids)).select(SaisineRow::as_select()).load(conn)?;
    let mut found = with_motifs(conn, rows)?;
    found.sort_by_key(|s| ids.iter().position(|id| *id == s.id.0));
    Ok(found)
}
