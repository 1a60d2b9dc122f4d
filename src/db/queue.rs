//! The "à traiter" queue: open saisines needing a mediator now, most urgent first. Reads only
//! the narrow lifecycle columns, so that the navigation can count it on every page.

use std::collections::{HashMap, HashSet};

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
use crate::domain::figures::is_overdue;
use crate::domain::queue::{self, duplicate_windows, is_possible_duplicate, Attention, Identity, Signals};
use crate::domain::{Lifecycle, Reference, Saisine, Stage, Status};

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

fn open_clocks(conn: &mut DbConn, scope: Scope) -> DbResult<Vec<ClockRow>> {
    let mut query = saisines::table.filter(saisines::status.ne(Status::Cloturee.code())).into_boxed();
    if let Scope::Mine(user) = scope {
        query = query.filter(saisines::assigned_to.eq(user.0).or(saisines::assigned_to.is_null()));
    }
    Ok(query.order((saisines::received_on.asc(), saisines::id.asc())).select(ClockRow::as_select()).load(conn)?)
}

/// The saisines among `waiting` whose current documents request was already followed by a reminder.
fn reminded(conn: &mut DbConn, waiting: &[i32]) -> DbResult<HashSet<i32>> {
    let requests = followups::current_requests(conn, waiting)?;
    let waits: Vec<(i32, i32)> = waiting.iter().map(|id| (*id, requests.get(id).copied().unwrap_or(0))).collect();
    let done = followups::done(conn, &waits, FollowUpKind::Reminder)?;
    Ok(done.into_iter().map(|(saisine, _)| saisine).collect())
}

type IdentityColumns = (i32, String, NaiveDate, Option<String>, Option<String>);

fn identity((_, _, received_on, nir, email): &IdentityColumns) -> Identity {
    Identity { received_on: *received_on, nir: nir.clone(), email: email.clone() }
}

/// For each of `ids`, the references of the saisines that may be the same request: same NIR
/// or same e-mail, received within a week.
pub fn possible_duplicates(conn: &mut DbConn, ids: &[i32]) -> DbResult<HashMap<i32, Vec<String>>> {
    let columns = (saisines::id, saisines::reference, saisines::received_on, saisines::nir, saisines::email);
    // Anonymised saisines have no NIR nor e-mail left; the filter says so, whatever the data.
    let known = saisines::nir.is_not_null().or(saisines::email.is_not_null()).and(saisines::anonymised_at.is_null());
    let targets: Vec<IdentityColumns> =
        saisines::table.filter(saisines::id.eq_any(ids)).filter(known).select(columns).load(conn)?;
    let dates: Vec<NaiveDate> = targets.iter().map(|t| t.2).collect();
    let mut candidates: Vec<IdentityColumns> = Vec::new();
    for (from, to) in duplicate_windows(&dates) {
        let known =
            saisines::nir.is_not_null().or(saisines::email.is_not_null()).and(saisines::anonymised_at.is_null());
        candidates.extend(
            saisines::table
                .filter(saisines::received_on.between(from, to))
                .filter(known)
                .select(columns)
                .load::<IdentityColumns>(conn)?,
        );
    }
    let mut found = HashMap::new();
    for target in &targets {
        let mut others: Vec<String> = candidates
            .iter()
            .filter(|c| c.0 != target.0 && is_possible_duplicate(&identity(target), &identity(c)))
            .map(|c| c.1.clone())
            .collect();
        others.sort();
        others.dedup();
        if !others.is_empty() {
            found.insert(target.0, others);
        }
    }
    Ok(found)
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
    let received = ids_where(|s| *s == Stage::Received);
    let reminded = reminded(conn, &waiting)?;
    let mut duplicates = possible_duplicates(conn, &received)?;
    let mut entries = Vec::new();
    for (row, lifecycle) in lifecycles {
        let signals =
            Signals { reminded: reminded.contains(&row.id), possible_duplicate: duplicates.contains_key(&row.id) };
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

/// The queue of `scope` today, most urgent first.
pub fn entries(conn: &mut DbConn, scope: Scope, today: NaiveDate) -> DbResult<(DeadlineSettings, Vec<QueueEntry>)> {
    let settings = deadline_settings::load(conn)?;
    let rows = open_clocks(conn, scope)?;
    let mut entries: Vec<QueueEntry> =
        assess(conn, rows, &settings, today)?.into_iter().filter(|e| !e.attentions.is_empty()).collect();
    entries.sort_by(|a, b| {
        queue::compare_entries(&a.attentions, &b.attentions).then_with(|| a.reference.cmp(&b.reference))
    });
    Ok((settings, entries))
}

/// How many saisines are on the queue of `scope`, and how many of them are "en retard"
/// (`figures::is_overdue`, the definition `/indicateurs` counts too).
pub fn count(conn: &mut DbConn, scope: Scope, today: NaiveDate) -> DbResult<QueueCount> {
    let (settings, entries) = entries(conn, scope, today)?;
    let late = entries.iter().filter(|e| is_overdue(&settings, &e.lifecycle, today)).count();
    Ok(QueueCount { total: entries.len(), late })
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
