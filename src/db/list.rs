//! The list of saisines: filters and keyset pagination on (sort key, id), never OFFSET,
//! so that page 1,000 costs what page 1 costs (the orders: `list_sort`).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::audit::{self, Actor};
pub use super::list_counts::{count, count_bounded, count_up_to, received_bounds, years, Total, COUNT_BOUND};
use super::list_sort::{self, Boxed, SortValues};
pub use super::list_sort::{Cursor, KeyValue, SortKey, SortOrder};
use super::models::SaisineRow;
use super::name_walk;
use super::saisines::with_motifs;
use super::schema::{saisine_motifs, saisines};
use super::text_search;
use super::{DbConn, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::search::{PersonalKind, SearchTerm};
use crate::domain::{Channel, Process, Saisine, Status};

/// What the list is narrowed to; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub channel: Option<Channel>,
    pub process: Option<Process>,
    pub motif: Option<String>,
    pub partner: Option<String>,
    pub year: Option<i32>,
    /// A reference (or its beginning), a reference number, part of the person's name, or a
    /// personal datum matched exactly (see `SearchTerm`).
    pub search: Option<SearchTerm>,
    pub assigned: Option<Assignee>,
    /// Saisines with something due on a day (the stored deadlines, see `db::schedule`).
    pub due: Option<(DueFilter, NaiveDate)>,
    /// Every status but `cloturee` (`status=ouvertes`).
    pub open_only: bool,
    /// Closed between these days, both included (`cloture=mois`: this month in France).
    pub closed_between: Option<(NaiveDate, NaiveDate)>,
    /// Only the saisines received by e-mail that wait to be qualified (a partial index).
    pub to_qualify: bool,
}

/// The deadline filters: late today, a reminder to send, a take-up to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    Late,
    Reminder,
    TakeUp,
}

impl DueFilter {
    pub fn code(self) -> &'static str {
        match self {
            DueFilter::Late => "en_retard",
            DueFilter::Reminder => "relance",
            DueFilter::TakeUp => "prise_en_charge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DueFilter::Late => "En retard",
            DueFilter::Reminder => "Relance à envoyer",
            DueFilter::TakeUp => "À prendre en charge",
        }
    }

    pub const ALL: [DueFilter; 3] = [DueFilter::Late, DueFilter::Reminder, DueFilter::TakeUp];

    pub fn from_code(code: &str) -> Option<DueFilter> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// Whose saisines: one mediator's, or nobody's yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    User(i32),
    Nobody,
}

pub struct Page {
    pub saisines: Vec<Saisine>,
    /// Each saisine's stored deadlines, in the same order.
    pub due: Vec<Due>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    /// The first row shown, when rows come before it: the previous page ends there.
    pub previous: Option<Cursor>,
}

/// A saisine's next due date, and the day it counts as late from (`domain::schedule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub next_due_on: Option<NaiveDate>,
    pub late_from: Option<NaiveDate>,
}

/// How a text search finds names (`name_walk` reads the name index in the list's order).
#[derive(Debug, Clone, Copy)]
pub(super) enum Names<'a> {
    /// Through the name index, or any other way a text finds a saisine.
    Index,
    /// Every other way: a reference or its beginning, a reference number, another system's.
    Skip,
    /// Among these saisines, already found by name.
    Among(&'a [i32]),
}

pub(super) fn filtered<'a>(conn: &mut DbConn, filter: &'a ListFilter) -> DbResult<Boxed<'a>> {
    filtered_with(conn, filter, Names::Index)
}

pub(super) fn filtered_with<'a>(conn: &mut DbConn, filter: &'a ListFilter, names: Names) -> DbResult<Boxed<'a>> {
    let postgres = is_postgres(conn);
    // A duplicate merged into another leaves the lists (and the exports): `domain::figures`.
    let mut query = saisines::table.filter(super::figures::counted()).into_boxed();
    // Each served by an index on the stored deadline (`saisines_late`, `saisines_queue`…).
    query = match filter.due {
        None => query,
        Some((DueFilter::Late, today)) => query.filter(saisines::late_from.le(today)),
        Some((DueFilter::Reminder, today)) => query.filter(saisines::reminder_on.le(today)),
        Some((DueFilter::TakeUp, _)) => query.filter(saisines::take_up_due_on.is_not_null()),
    };
    if filter.to_qualify {
        // Written as the partial index `saisines_to_qualify` is, so that SQLite uses it.
        query = query.filter(sql::<Bool>("saisines.to_qualify"));
    }
    if let Some(status) = filter.status {
        query = query.filter(saisines::status.eq(status.code()));
    }
    if filter.open_only {
        query = query.filter(saisines::status.ne(Status::Cloturee.code()));
    }
    if let Some((first, last)) = filter.closed_between {
        // A reopened saisine has no closing date (index `saisines_by_closed_on`).
        query = query.filter(saisines::closed_on.between(first, last));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(saisines::channel.eq(channel.code()));
    }
    if let Some(process) = filter.process {
        query = query.filter(saisines::process.eq(process.code()));
    }
    if let Some(partner) = &filter.partner {
        query = query.filter(saisines::partner.eq(partner));
    }
    if let Some(motif) = &filter.motif {
        let tagged = saisine_motifs::table.filter(saisine_motifs::motif.eq(motif)).select(saisine_motifs::saisine_id);
        query = query.filter(saisines::id.eq_any(tagged));
    }
    match filter.assigned {
        Some(Assignee::User(id)) => query = query.filter(saisines::assigned_to.eq(id)),
        Some(Assignee::Nobody) => query = query.filter(saisines::assigned_to.is_null()),
        None => {}
    }
    if let Some((first, last)) = filter.year.and_then(year_bounds) {
        query = query.filter(saisines::received_on.between(first, last));
    }
    if filter.search.is_some() {
        // A search looks for a person: an anonymised saisine has none left.
        query = query.filter(saisines::anonymised_at.is_null());
    }
    Ok(match &filter.search {
        None => query,
        Some(SearchTerm::Personal(personal)) => {
            let key = personal.key.clone();
            match personal.kind {
                PersonalKind::Nir => query.filter(saisines::nir.eq(key)),
                PersonalKind::Email => query.filter(saisines::email_key.eq(key)),
                PersonalKind::Phone => query.filter(saisines::phone_key.eq(key)),
            }
        }
        Some(SearchTerm::Text(_)) if matches!(names, Names::Among(_)) => {
            let Names::Among(ids) = names else { unreachable!("matched above") };
            query.filter(saisines::id.eq_any(ids.to_vec()))
        }
        Some(SearchTerm::Text(text)) => {
            query.filter(text_search::condition(conn, text, postgres, matches!(names, Names::Index))?)
        }
    })
}

/// A search by personal data is an access to personal data: the audit log records who
/// searched, by what kind of datum, and the value masked (never in clear). The record is
/// committed before the results are read, through the one path of every write (on SQLite the
/// writers' queue and group commit: a bare insert from a read waited on the file's lock, and
/// could be stopped with the read, `interrupt`).
pub fn record_search(conn: &mut DbConn, actor: &Actor, filter: &ListFilter, at: chrono::NaiveDateTime) -> DbResult<()> {
    match filter.search.as_ref().and_then(SearchTerm::personal_key) {
        Some(personal) => super::pool::write_transaction(conn, |conn| {
            audit::record(conn, actor, AuditAction::PersonalDataSearched, "recherche", &personal.audit_details(), at)
        }),
        None => Ok(()),
    }
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

fn is_postgres(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Postgresql(_))
}

pub(super) type Row = (SaisineRow, Option<NaiveDate>, Option<NaiveDate>);

pub(super) fn sort_values(row: &Row) -> SortValues {
    let (r, next_due_on, late_from) = row;
    SortValues {
        id: r.id,
        received_on: r.received_on,
        next_due_on: *next_due_on,
        late_from: *late_from,
        closed_on: r.closed_on,
        updated_at: r.updated_at,
    }
}

/// Up to `want` saisines of the filter strictly past `from` in `order` (or before it, in the
/// reverse order, when `backwards`): one indexed query per run crossed, two at most.
fn walk(
    conn: &mut DbConn,
    filter: &ListFilter,
    order: SortOrder,
    backwards: bool,
    from: Option<Cursor>,
    want: i64,
) -> DbResult<Vec<Row>> {
    let runs = list_sort::runs(order.key, backwards);
    let start = match from {
        None => 0,
        Some(c) => runs.iter().position(|keyed| *keyed == c.key.is_some()).unwrap_or(runs.len()),
    };
    let descending = order.descending != backwards;
    if let Some(words) = name_walk::served(filter, order.key) {
        return name_walk::walk(conn, filter, &words, descending, from, want);
    }
    let mut rows: Vec<Row> = Vec::new();
    for (n, keyed) in runs.into_iter().enumerate().skip(start) {
        let cursor = if n == start { from } else { None };
        let run = Run { key: order.key, keyed, descending, from: cursor };
        rows.extend(load_run(conn, filter, Names::Index, run, want - rows.len() as i64)?);
        if rows.len() as i64 >= want {
            break;
        }
    }
    Ok(rows)
}

/// One run of a walk: its sort column, which run, its direction and where it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub key: SortKey,
    pub keyed: bool,
    pub descending: bool,
    pub from: Option<Cursor>,
}

/// Up to `limit` rows of the filter in one run.
pub(super) fn load_run(
    conn: &mut DbConn,
    filter: &ListFilter,
    names: Names,
    run: Run,
    limit: i64,
) -> DbResult<Vec<Row>> {
    let query = list_sort::run(filtered_with(conn, filter, names)?, run.key, run.keyed, run.descending, run.from)?;
    if matches!(filter.search, Some(SearchTerm::Text(_))) && !matches!(names, Names::Among(_)) {
        // A text search gathers its matches through the indexes and sorts them: only their
        // ids go through the sort, then the page's rows are read by id (carrying whole rows
        // through the sort doubled the cost of a common name's search).
        let ids: Vec<i32> = query.select(saisines::id).limit(limit).load(conn)?;
        rows_in_order(conn, &ids)
    } else {
        Ok(query
            .select((SaisineRow::as_select(), saisines::next_due_on, saisines::late_from))
            .limit(limit)
            .load(conn)?)
    }
}

/// The rows of `ids`, in the order of `ids`.
fn rows_in_order(conn: &mut DbConn, ids: &[i32]) -> DbResult<Vec<Row>> {
    let mut found: std::collections::HashMap<i32, Row> = saisines::table
        .filter(saisines::id.eq_any(ids))
        .select((SaisineRow::as_select(), saisines::next_due_on, saisines::late_from))
        .load::<Row>(conn)?
        .into_iter()
        .map(|row| (row.0.id, row))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

fn into_page(conn: &mut DbConn, rows: Vec<Row>, next: Option<Cursor>, previous: Option<Cursor>) -> DbResult<Page> {
    let due = rows
        .iter()
        .map(|(_, next_due_on, late_from)| Due { next_due_on: *next_due_on, late_from: *late_from })
        .collect();
    let rows = rows.into_iter().map(|(row, _, _)| row).collect();
    Ok(Page { saisines: with_motifs(conn, rows)?, due, next, previous })
}

/// One page of the filtered list, `limit` saisines at most.
pub fn page(
    conn: &mut DbConn,
    filter: &ListFilter,
    order: SortOrder,
    after: Option<Cursor>,
    limit: i64,
) -> DbResult<Page> {
    let mut rows = walk(conn, filter, order, false, after, limit + 1)?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if has_more { rows.last().map(|r| sort_values(r).cursor(order.key)) } else { None };
    // Something lies before a page that starts after a cursor (the row of the cursor at least).
    let previous = after.and(rows.first().map(|r| sort_values(r).cursor(order.key)));
    into_page(conn, rows, next, previous)
}

/// The page that ends just before `before`: the same query walked backwards (the reversed
/// order, then the rows turned round), so that going back costs what going forward costs.
pub fn page_before(
    conn: &mut DbConn,
    filter: &ListFilter,
    order: SortOrder,
    before: Cursor,
    limit: i64,
) -> DbResult<Page> {
    let mut rows = walk(conn, filter, order, true, Some(before), limit + 1)?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    rows.reverse();
    let previous = if has_more { rows.first().map(|r| sort_values(r).cursor(order.key)) } else { None };
    // The row of the cursor follows this page.
    let next = rows.last().map(|r| sort_values(r).cursor(order.key));
    into_page(conn, rows, next, previous)
}

/// The saisines just before and just after `id` in the filtered, sorted list (whether or not
/// `id` itself matches the filter): one indexed query each way, whatever the list's length.
pub fn neighbours(
    conn: &mut DbConn,
    filter: &ListFilter,
    order: SortOrder,
    id: i32,
) -> DbResult<(Option<String>, Option<String>)> {
    let values: (NaiveDate, Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>, chrono::NaiveDateTime) =
        saisines::table
            .filter(saisines::id.eq(id))
            .select((
                saisines::received_on,
                saisines::next_due_on,
                saisines::late_from,
                saisines::closed_on,
                saisines::updated_at,
            ))
            .get_result(conn)?;
    let (received_on, next_due_on, late_from, closed_on, updated_at) = values;
    let here = SortValues { id, received_on, next_due_on, late_from, closed_on, updated_at }.cursor(order.key);
    let mut reference = |backwards: bool| -> DbResult<Option<String>> {
        Ok(walk(conn, filter, order, backwards, Some(here), 1)?.into_iter().next().map(|(r, _, _)| r.reference))
    };
    Ok((reference(true)?, reference(false)?))
}
