//! Each saisine's stored deadlines (`domain::schedule`): computed again, in the writer's
//! transaction, whenever what they depend on changes; read by the queue, the navigation count
//! and the list filters through indexes.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::connection::in_index_order;
use super::followups::{self, FollowUpKind};
use super::models::{ClockRow, ScheduleRow};
use super::queue::{QueueCount, Scope};
use super::schema::{duplicate_dismissals, saisines};
use super::{DbConn, DbError, DbResult};
use crate::domain::deadlines::{DeadlineSettings, Wait};
use crate::domain::queue::{is_possible_duplicate, Identity, Signals, DUPLICATE_WINDOW_DAYS};
use crate::domain::schedule::Schedule;
use crate::domain::{SaisineId, Status};

/// The other saisines that may be the same request as `id`: same NIR or same e-mail, received
/// within a week, not anonymised, not merged into another, and not dismissed by a mediator;
/// their ids and references, by reference.
pub fn duplicates_of(conn: &mut DbConn, id: SaisineId) -> DbResult<Vec<(i32, String)>> {
    let (received_on, nir, email): (NaiveDate, Option<String>, Option<String>) = saisines::table
        .find(id.0)
        .select((saisines::received_on, saisines::nir, saisines::email_key))
        .get_result(conn)?;
    let window = Duration::days(DUPLICATE_WINDOW_DAYS);
    let (from, to) = (received_on - window, received_on + window);
    // The saisines received in the window, other than this one and those it was told are not
    // its duplicates, still holding personal data and not merged.
    let candidates = || {
        let dismissed = duplicate_dismissals::table
            .filter(duplicate_dismissals::saisine_id.eq(id.0))
            .select(duplicate_dismissals::other_id);
        saisines::table
            .filter(saisines::received_on.between(from, to))
            .filter(saisines::id.ne(id.0))
            .filter(saisines::id.ne_all(dismissed))
            .filter(saisines::anonymised_at.is_null())
            .filter(saisines::merged_into.is_null())
            .select((saisines::id, saisines::reference))
            .into_boxed::<crate::db::DbBackend>()
    };
    let mut found: Vec<(i32, String)> = Vec::new();
    // Two indexed look-ups rather than one OR, which neither engine serves from two indexes.
    if let Some(nir) = nir {
        found.extend(candidates().filter(saisines::nir.eq(nir)).load::<(i32, String)>(conn)?);
    }
    if let Some(email) = email {
        found.extend(candidates().filter(saisines::email_key.eq(email)).load::<(i32, String)>(conn)?);
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
    let row: ClockRow = saisines::table.find(id.0).select(ClockRow::as_select()).get_result(conn)?;
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
    refresh_batch(conn, ids, settings).map(|_| ())
}

/// Saisines per round of `refresh_batch`: well under SQLite's limit of bound parameters.
const BATCH: usize = 500;

/// Computes and stores the deadlines of many saisines with the same rules as `refresh`
/// (`Schedule::of`, `is_possible_duplicate`), a few statements per 500 saisines rather than
/// six or more per saisine: on PostgreSQL each statement is a round trip, and an import of
/// 100,000 lines spent most of its time there. Saisines given the same deadlines are updated
/// together. Returns the saisines outside `ids` that these ones may duplicate (a possible
/// duplicate is flagged on both sides: the caller decides whether they change).
pub fn refresh_batch(conn: &mut DbConn, ids: &[i32], settings: &DeadlineSettings) -> DbResult<Vec<i32>> {
    let mut others = BTreeSet::new();
    let given: HashSet<i32> = ids.iter().copied().collect();
    for chunk in ids.chunks(BATCH) {
        let rows: Vec<(ClockRow, Option<String>, Option<String>)> = saisines::table
            .filter(saisines::id.eq_any(chunk))
            .select((ClockRow::as_select(), saisines::nir, saisines::email_key))
            .load(conn)?;
        let matches = matches_of(conn, &rows)?;
        let reminded = reminded_of(conn, &rows)?;
        let mut groups: HashMap<Schedule, Vec<i32>> = HashMap::new();
        for (row, _, _) in &rows {
            let found = matches.get(&row.id).map(Vec::as_slice).unwrap_or_default();
            others.extend(found.iter().filter(|other| !given.contains(other)));
            let lifecycle = row.lifecycle()?;
            let schedule = if row.status == Status::Cloturee.code() {
                Schedule::default()
            } else {
                let waiting = Wait::of(&lifecycle).is_some();
                let signals = Signals {
                    reminded: waiting && reminded.contains(&row.id),
                    possible_duplicate: !waiting && !found.is_empty(),
                    mail_received: row.mail_received,
                };
                Schedule::of(settings, &lifecycle, signals)
            };
            groups.entry(schedule).or_default().push(row.id);
        }
        for (schedule, group) in groups {
            diesel::update(saisines::table.filter(saisines::id.eq_any(&group)))
                .set(ScheduleRow::new(&schedule))
                .execute(conn)?;
        }
    }
    Ok(others.into_iter().collect())
}

/// Among `ids`, those that may be duplicates of another saisine; and the saisines outside
/// `ids` they may duplicate. Two look-ups per 500 saisines.
pub fn with_duplicates(conn: &mut DbConn, ids: &[i32]) -> DbResult<(Vec<i32>, Vec<i32>)> {
    let given: HashSet<i32> = ids.iter().copied().collect();
    let (mut matched, mut others) = (Vec::new(), BTreeSet::new());
    for chunk in ids.chunks(BATCH) {
        let rows: Vec<(ClockRow, Option<String>, Option<String>)> = saisines::table
            .filter(saisines::id.eq_any(chunk))
            .select((ClockRow::as_select(), saisines::nir, saisines::email_key))
            .load(conn)?;
        for (id, found) in matches_of(conn, &rows)? {
            matched.push(id);
            others.extend(found.into_iter().filter(|other| !given.contains(other)));
        }
    }
    matched.sort_unstable();
    Ok((matched, others.into_iter().collect()))
}

/// What `duplicates_of` finds for each of these saisines, in two look-ups for all of them
/// (by NIR, by e-mail, within the week around their dates), matched by the domain's rule.
fn matches_of(
    conn: &mut DbConn,
    rows: &[(ClockRow, Option<String>, Option<String>)],
) -> DbResult<HashMap<i32, Vec<i32>>> {
    let identity = |received_on, nir: &Option<String>, email: &Option<String>| Identity {
        received_on,
        nir: nir.clone(),
        email: email.clone(),
    };
    let window = Duration::days(DUPLICATE_WINDOW_DAYS);
    let (Some(first), Some(last)) =
        (rows.iter().map(|r| r.0.received_on).min(), rows.iter().map(|r| r.0.received_on).max())
    else {
        return Ok(HashMap::new());
    };
    let nirs: Vec<&str> = rows.iter().filter_map(|r| r.1.as_deref()).collect();
    let emails: Vec<&str> = rows.iter().filter_map(|r| r.2.as_deref()).collect();
    let candidates = || {
        saisines::table
            .filter(saisines::received_on.between(first - window, last + window))
            .filter(saisines::anonymised_at.is_null())
            .select((saisines::id, saisines::received_on, saisines::nir, saisines::email_key))
    };
    let mut found: Vec<(i32, NaiveDate, Option<String>, Option<String>)> = Vec::new();
    // Two indexed look-ups, as in `duplicates_of`.
    if !nirs.is_empty() {
        found.extend(candidates().filter(saisines::nir.eq_any(&nirs)).load::<(i32, NaiveDate, _, _)>(conn)?);
    }
    if !emails.is_empty() {
        found.extend(candidates().filter(saisines::email_key.eq_any(&emails)).load::<(i32, NaiveDate, _, _)>(conn)?);
    }
    let ids: Vec<i32> = rows.iter().map(|r| r.0.id).collect();
    let dismissed: HashSet<(i32, i32)> = duplicate_dismissals::table
        .filter(duplicate_dismissals::saisine_id.eq_any(&ids))
        .select((duplicate_dismissals::saisine_id, duplicate_dismissals::other_id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    // Each row meets only the candidates sharing its NIR or e-mail key (the look-ups' two
    // columns), not every candidate of the batch: 500 × 500 comparisons a batch made the
    // client's share of a 100,000-line import a quarter of its time.
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, _, nir, email)) in found.iter().enumerate() {
        for key in [nir, email].into_iter().flatten() {
            by_key.entry(key.as_str()).or_default().push(index);
        }
    }
    let candidates: Vec<Identity> =
        found.iter().map(|(_, received_on, nir, email)| identity(*received_on, nir, email)).collect();
    let mut matches: HashMap<i32, Vec<i32>> = HashMap::new();
    for (row, nir, email) in rows {
        let me = identity(row.received_on, nir, email);
        let near = [nir, email].into_iter().flatten().filter_map(|key| by_key.get(key.as_str())).flatten();
        let mut mine: Vec<i32> = near
            .map(|&index| (found[index].0, &candidates[index]))
            .filter(|(other, _)| *other != row.id && !dismissed.contains(&(row.id, *other)))
            .filter(|(_, them)| is_possible_duplicate(&me, them))
            .map(|(other, _)| other)
            .collect();
        mine.sort_unstable();
        mine.dedup();
        if !mine.is_empty() {
            matches.insert(row.id, mine);
        }
    }
    Ok(matches)
}

/// Among these saisines, those whose running wait already had its reminder (`reminded`).
fn reminded_of(conn: &mut DbConn, rows: &[(ClockRow, Option<String>, Option<String>)]) -> DbResult<HashSet<i32>> {
    let waiting: Vec<i32> = rows.iter().filter(|r| r.0.waiting_since.is_some()).map(|r| r.0.id).collect();
    if waiting.is_empty() {
        return Ok(HashSet::new());
    }
    let requests = followups::current_requests(conn, &waiting)?;
    let waits: Vec<(i32, i32)> = waiting.iter().map(|id| (*id, requests.get(id).copied().unwrap_or(0))).collect();
    Ok(followups::done(conn, &waits, FollowUpKind::Reminder)?.into_iter().map(|(id, _)| id).collect())
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

/// The same saisines as `on_queue`, written so that no index serves the assignee: the page
/// walks the order index (`saisines_queue_order`) and checks the assignee on each row, where an
/// `OR` of two index searches would read every saisine of the scope to sort them.
fn on_queue_in_order<'a>(scope: Scope, today: NaiveDate) -> saisines::BoxedQuery<'a, crate::db::DbBackend> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Integer};
    let query = saisines::table.filter(saisines::queue_from.le(today)).into_boxed();
    match scope {
        Scope::Mine(user) => query.filter(
            sql::<Bool>("COALESCE(saisines.assigned_to, ")
                .bind::<Integer, _>(user.0)
                .sql(") = ")
                .bind::<Integer, _>(user.0),
        ),
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
/// order `queue::compare_entries` gives, read from the stored dates). Two runs, each in the
/// order of the index `saisines_queue_order` (`in_index_order`): the late saisines, then the
/// others.
pub fn page(conn: &mut DbConn, scope: Scope, today: NaiveDate, offset: i64, limit: i64) -> DbResult<Vec<ClockRow>> {
    let late = saisines::late_from.le(today);
    let not_late = saisines::late_from.is_null().or(saisines::late_from.gt(today));
    let in_order = |query: saisines::BoxedQuery<'static, crate::db::DbBackend>| {
        query.order((saisines::next_due_on.asc(), saisines::reference.asc())).select(ClockRow::as_select())
    };
    let mut rows: Vec<ClockRow> = in_index_order(conn, |conn| {
        Ok(in_order(on_queue_in_order(scope, today).filter(late)).offset(offset).limit(limit).load(conn)?)
    })?;
    if rows.len() as i64 >= limit {
        return Ok(rows);
    }
    // Where the page starts among the others: right after the late ones this page ends, or
    // past all the late ones when the page starts after them.
    let late_total = if rows.is_empty() {
        on_queue(scope, today).filter(late).count().get_result::<i64>(conn)?
    } else {
        offset + rows.len() as i64
    };
    let rest_offset = (offset - late_total).max(0);
    let rest: Vec<ClockRow> = in_index_order(conn, |conn| {
        Ok(in_order(on_queue_in_order(scope, today).filter(not_late))
            .offset(rest_offset)
            .limit(limit - rows.len() as i64)
            .load(conn)?)
    })?;
    rows.extend(rest);
    Ok(rows)
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
