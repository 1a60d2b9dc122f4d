//! The list of saisines: filters and keyset pagination on (received_on, id), never OFFSET,
//! so that page 1,000 costs what page 1 costs.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::SaisineRow;
use super::saisines::with_motifs;
use super::schema::{external_references, saisine_motifs, saisines};
use super::{DbBackend, DbConn, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::search::{sequence_suffix, PersonalKind, SearchTerm};
use crate::domain::text::normalize_key;
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// Where a page starts: just after this (date, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub received_on: NaiveDate,
    pub id: i32,
}

impl Cursor {
    /// `2026-03-01.123`: opaque to users, readable in a URL.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.received_on, self.id)
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (date, id) = text.split_once('.')?;
        Some(Cursor { received_on: date.parse().ok()?, id: id.parse().ok()? })
    }
}

pub struct Page {
    pub saisines: Vec<Saisine>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
}

type Boxed<'a> = saisines::BoxedQuery<'a, DbBackend>;

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn filtered(filter: &ListFilter) -> Boxed<'_> {
    let mut query = saisines::table.into_boxed();
    // Each served by an index on the stored deadline (`saisines_late`, `saisines_queue`…).
    query = match filter.due {
        None => query,
        Some((DueFilter::Late, today)) => query.filter(saisines::late_from.le(today)),
        Some((DueFilter::Reminder, today)) => query.filter(saisines::reminder_on.le(today)),
        Some((DueFilter::TakeUp, _)) => query.filter(saisines::take_up_due_on.is_not_null()),
    };
    if let Some(status) = filter.status {
        query = query.filter(saisines::status.eq(status.code()));
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
    match &filter.search {
        None => query,
        Some(SearchTerm::Personal(personal)) => {
            let key = personal.key.clone();
            match personal.kind {
                PersonalKind::Nir => query.filter(saisines::nir.eq(key)),
                PersonalKind::Email => query.filter(saisines::email_key.eq(key)),
                PersonalKind::Phone => query.filter(saisines::phone_key.eq(key)),
            }
        }
        Some(SearchTerm::Text(text)) => {
            let reference = format!("{}%", escape_like(text.trim()));
            let name = format!("%{}%", escape_like(&normalize_key(text)));
            // A reference another system gave: found when typed exactly.
            let external = external_references::table
                .filter(external_references::external_reference.eq(text.trim().to_string()))
                .select(external_references::saisine_id);
            let by_reference_or_name = saisines::reference
                .like(reference)
                .escape('\\')
                .or(saisines::name_key.like(name).escape('\\'))
                .or(saisines::id.eq_any(external));
            match sequence_suffix(text) {
                // A number without its year: that number in every year.
                Some(suffix) => query.filter(by_reference_or_name.or(saisines::reference.like(format!("%{suffix}")))),
                None => query.filter(by_reference_or_name),
            }
        }
    }
}

/// A search by personal data is an access to personal data: the audit log records who
/// searched, by what kind of datum, and the value masked (never in clear).
pub fn record_search(conn: &mut DbConn, actor: &Actor, filter: &ListFilter, at: chrono::NaiveDateTime) -> DbResult<()> {
    match filter.search.as_ref().and_then(SearchTerm::personal_key) {
        Some(personal) => {
            audit::record(conn, actor, AuditAction::PersonalDataSearched, "recherche", &personal.audit_details(), at)
        }
        None => Ok(()),
    }
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

/// One page of the filtered list, `limit` saisines at most.
pub fn page(
    conn: &mut DbConn,
    filter: &ListFilter,
    order: SortOrder,
    after: Option<Cursor>,
    limit: i64,
) -> DbResult<Page> {
    let mut query = filtered(filter);
    query = match (order, after) {
        (SortOrder::NewestFirst, Some(c)) => query.filter(
            saisines::received_on
                .lt(c.received_on)
                .or(saisines::received_on.eq(c.received_on).and(saisines::id.lt(c.id))),
        ),
        (SortOrder::OldestFirst, Some(c)) => query.filter(
            saisines::received_on
                .gt(c.received_on)
                .or(saisines::received_on.eq(c.received_on).and(saisines::id.gt(c.id))),
        ),
        (_, None) => query,
    };
    query = match order {
        SortOrder::NewestFirst => query.order((saisines::received_on.desc(), saisines::id.desc())),
        SortOrder::OldestFirst => query.order((saisines::received_on.asc(), saisines::id.asc())),
    };
    let mut rows: Vec<SaisineRow> = query.select(SaisineRow::as_select()).limit(limit + 1).load(conn)?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if has_more { rows.last().map(|r| Cursor { received_on: r.received_on, id: r.id }) } else { None };
    Ok(Page { saisines: with_motifs(conn, rows)?, next })
}

/// How many saisines the filter matches in all.
pub fn count(conn: &mut DbConn, filter: &ListFilter) -> DbResult<i64> {
    Ok(filtered(filter).count().get_result(conn)?)
}

/// Years that have saisines, newest first: the year filter offers them.
pub fn years(conn: &mut DbConn) -> DbResult<Vec<i32>> {
    let bounds: (Option<NaiveDate>, Option<NaiveDate>) = saisines::table
        .select((diesel::dsl::min(saisines::received_on), diesel::dsl::max(saisines::received_on)))
        .first(conn)?;
    use chrono::Datelike;
    Ok(match bounds {
        (Some(first), Some(last)) => (first.year()..=last.year()).rev().collect(),
        _ => Vec::new(),
    })
}
