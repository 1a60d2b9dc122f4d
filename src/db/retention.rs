//! The retention settings (one row, created with the defaults by the migration) and the
//! row-level writes of anonymisation: the use cases (`app::anonymise`) compose them in their
//! transactions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{attachments, audit_log, events, retention_settings, saisines};
use super::{DbConn, DbError, DbResult};
use crate::domain::codes::Status;
use crate::domain::retention::{anonymised_details, RetentionSettings, ANONYMISED_TEXT};
use crate::domain::{EventDetails, SaisineId};

const ROW: i32 = 1;

fn months(value: i32, what: &str) -> DbResult<u32> {
    u32::try_from(value).map_err(|_| DbError::Corrupt(format!("durée de conservation « {what} » négative")))
}

fn stored(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The settings in force; the defaults if the row is missing.
pub fn load(conn: &mut DbConn) -> DbResult<RetentionSettings> {
    let row: Option<(i32, i32)> = retention_settings::table
        .find(ROW)
        .select((retention_settings::closed_months, retention_settings::audit_months))
        .get_result(conn)
        .optional()?;
    match row {
        Some((closed, audit)) => Ok(RetentionSettings {
            closed_months: months(closed, "saisines clôturées")?,
            audit_months: months(audit, "journal d'audit")?,
        }),
        None => Ok(RetentionSettings::default()),
    }
}

/// How the audit log words a set of settings.
pub fn describe(s: &RetentionSettings) -> String {
    format!("saisines clôturées {} mois, journal d'audit {} mois", s.closed_months, s.audit_months)
}

/// Replaces the settings (`by`: who changed them).
pub fn store(conn: &mut DbConn, settings: &RetentionSettings, by: &str, at: NaiveDateTime) -> DbResult<()> {
    let values = (
        retention_settings::closed_months.eq(stored(settings.closed_months)),
        retention_settings::audit_months.eq(stored(settings.audit_months)),
        retention_settings::updated_at.eq(Some(at)),
        retention_settings::updated_by.eq(Some(by)),
    );
    let updated = diesel::update(retention_settings::table.find(ROW)).set(values).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(retention_settings::table)
            .values((retention_settings::id.eq(ROW), values))
            .execute(conn)?;
    }
    Ok(())
}

/// A closed saisine not yet anonymised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: SaisineId,
    pub reference: String,
    pub closed_on: NaiveDate,
}

/// The closed saisines, not yet anonymised, closed on or before `closed_by`, oldest first.
pub fn due(conn: &mut DbConn, closed_by: NaiveDate) -> DbResult<Vec<Candidate>> {
    let rows: Vec<(i32, String, Option<NaiveDate>)> = saisines::table
        .filter(saisines::status.eq(Status::Cloturee.code()))
        .filter(saisines::anonymised_at.is_null())
        .filter(saisines::closed_on.le(closed_by))
        .order((saisines::closed_on.asc(), saisines::id.asc()))
        .select((saisines::id, saisines::reference, saisines::closed_on))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, reference, closed_on)| {
            Some(Candidate { id: SaisineId(id), reference, closed_on: closed_on? })
        })
        .collect())
}

/// When the saisine was anonymised, if it was.
pub fn anonymised_at(conn: &mut DbConn, id: SaisineId) -> DbResult<Option<NaiveDateTime>> {
    saisines::table.find(id.0).select(saisines::anonymised_at).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

/// Locks the saisine's row for the rest of the transaction (PostgreSQL; SQLite's write lock is
/// already held): a second instance waits here, then reads the state the first one left.
pub(crate) fn lock(conn: &mut DbConn, id: SaisineId) -> DbResult<()> {
    let locked =
        diesel::update(saisines::table.find(id.0)).set(saisines::updated_at.eq(saisines::updated_at)).execute(conn)?;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Is the saisine closed and not yet anonymised? Read inside the caller's locked transaction.
pub fn state(conn: &mut DbConn, id: SaisineId) -> DbResult<(bool, bool)> {
    let (status, anonymised): (String, Option<NaiveDateTime>) = saisines::table
        .find(id.0)
        .select((saisines::status, saisines::anonymised_at))
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    Ok((status == Status::Cloturee.code(), anonymised.is_some()))
}

/// Removes the person, the texts and the files of one saisine, and marks it: its codes,
/// dates, outcome and durations stay. Inside the caller's transaction.
pub(crate) fn scrub(conn: &mut DbConn, id: SaisineId, at: NaiveDateTime) -> DbResult<()> {
    let summary: Option<String> = saisines::table.find(id.0).select(saisines::summary).get_result(conn)?;
    diesel::update(saisines::table.find(id.0))
        .set((
            saisines::requester_name.eq(None::<String>),
            saisines::name_key.eq(""),
            saisines::nir.eq(None::<String>),
            saisines::email.eq(None::<String>),
            saisines::email_key.eq(None::<String>),
            saisines::phone.eq(None::<String>),
            saisines::phone_key.eq(None::<String>),
            saisines::address.eq(None::<String>),
            saisines::summary.eq(summary.map(|_| ANONYMISED_TEXT.to_string())),
            saisines::partner_contact_name.eq(None::<String>),
            saisines::partner_contact_email.eq(None::<String>),
            saisines::partner_contact_phone.eq(None::<String>),
            saisines::anonymised_at.eq(Some(at)),
        ))
        .execute(conn)?;
    scrub_events(conn, id)?;
    // The files go whole: their names often carry the person's name.
    diesel::delete(attachments::table.filter(attachments::saisine_id.eq(id.0))).execute(conn)?;
    scrub_correspondence(conn, id)
}

/// Letters and e-mails keep their kind, their dates and their delivery state; their texts,
/// recipients and documents go. An e-mail not yet sent is cancelled: it would carry nothing.
/// A satisfaction answer keeps its answers, not its comment.
fn scrub_correspondence(conn: &mut DbConn, id: SaisineId) -> DbResult<()> {
    use super::schema::{letters, outbox, satisfaction_surveys};
    use crate::domain::outbox::OutboxStatus;
    diesel::update(letters::table.filter(letters::saisine_id.eq(id.0)))
        .set((
            // `recipient` is a code (the person or the partner); `address` is where it went.
            letters::address.eq(ANONYMISED_TEXT),
            letters::subject.eq(ANONYMISED_TEXT),
            letters::body.eq(ANONYMISED_TEXT),
            letters::document.eq(Vec::<u8>::new()),
        ))
        .execute(conn)?;
    diesel::update(
        outbox::table
            .filter(outbox::saisine_id.eq(id.0))
            .filter(outbox::status.eq_any([OutboxStatus::Pending.code(), OutboxStatus::Failed.code()])),
    )
    .set(outbox::status.eq(OutboxStatus::Cancelled.code()))
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::saisine_id.eq(id.0)))
        .set((
            outbox::recipient.eq(ANONYMISED_TEXT),
            outbox::subject.eq(ANONYMISED_TEXT),
            outbox::message.eq(Vec::<u8>::new()),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(satisfaction_surveys::table.filter(satisfaction_surveys::saisine_id.eq(id.0)))
        .set(satisfaction_surveys::comment.eq(None::<String>))
        .execute(conn)?;
    // A received e-mail keeps its key (it is never read twice), not its content.
    super::inbound::scrub_saisine(conn, id, ANONYMISED_TEXT)
}

fn scrub_events(conn: &mut DbConn, id: SaisineId) -> DbResult<()> {
    let rows: Vec<(i32, String)> =
        events::table.filter(events::saisine_id.eq(id.0)).select((events::id, events::details)).load(conn)?;
    for (event, details) in rows {
        let parsed: EventDetails = serde_json::from_str(&details).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let cleaned = anonymised_details(&parsed);
        if cleaned != parsed {
            let text = serde_json::to_string(&cleaned).map_err(|e| DbError::Corrupt(e.to_string()))?;
            diesel::update(events::table.find(event)).set(events::details.eq(text)).execute(conn)?;
        }
    }
    Ok(())
}

/// Deletes the audit records written before `before`; returns how many went.
pub(crate) fn purge_audit(conn: &mut DbConn, before: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::delete(audit_log::table.filter(audit_log::at.lt(before))).execute(conn)?)
}

/// How many audit records were written before `before`.
pub fn audit_older_than(conn: &mut DbConn, before: NaiveDateTime) -> DbResult<i64> {
    Ok(audit_log::table.filter(audit_log::at.lt(before)).count().get_result(conn)?)
}

/// One timeline entry of a saisine with its id, for a rectification.
pub fn event_details(conn: &mut DbConn, saisine: SaisineId, event: i32) -> DbResult<EventDetails> {
    let details: String = events::table
        .filter(events::saisine_id.eq(saisine.0))
        .filter(events::id.eq(event))
        .select(events::details)
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    serde_json::from_str(&details).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Rewrites one timeline entry's details (a rectification), inside the caller's transaction.
pub(crate) fn replace_event_details(conn: &mut DbConn, event: i32, details: &EventDetails) -> DbResult<()> {
    let text = serde_json::to_string(details).map_err(|e| DbError::Corrupt(e.to_string()))?;
    diesel::update(events::table.find(event)).set(events::details.eq(text)).execute(conn)?;
    Ok(())
}

/// Every edit entry of a saisine with its id, oldest first: what a rectification can change.
pub fn edits(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<(i32, NaiveDateTime, EventDetails)>> {
    let rows: Vec<(i32, NaiveDateTime, String)> = events::table
        .filter(events::saisine_id.eq(saisine.0))
        .filter(events::kind.eq(crate::domain::EventKind::Modifiee.code()))
        .order(events::id.asc())
        .select((events::id, events::occurred_at, events::details))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, at, details)| {
            let parsed = serde_json::from_str(&details).map_err(|e| DbError::Corrupt(e.to_string()))?;
            Ok((id, at, parsed))
        })
        .collect()
}
