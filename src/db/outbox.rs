//! The outbox: e-mails written with the act that sends them, waiting for delivery.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConn, DbError, DbResult};
use crate::domain::outbox::OutboxStatus;
use crate::domain::SaisineId;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub message_id: &'a str,
    pub saisine: Option<SaisineId>,
    pub letter: Option<i32>,
    /// What it is for: `courrier`, `accuse_partenaire`, `notification_equipe`, `synthese`.
    pub purpose: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    /// The whole message, headers included, exactly as it will be sent.
    pub message: &'a [u8],
}

pub fn insert(conn: &mut DbConn, m: &NewMessage, at: NaiveDateTime) -> DbResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(m.message_id),
            outbox::saisine_id.eq(m.saisine.map(|s| s.0)),
            outbox::letter_id.eq(m.letter),
            outbox::purpose.eq(m.purpose),
            outbox::recipient.eq(m.recipient),
            outbox::subject.eq(m.subject),
            outbox::message.eq(m.message),
            outbox::status.eq(OutboxStatus::Pending.code()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A queued message as the worker and the pages read it.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: i32,
    pub message_id: String,
    pub saisine: Option<String>,
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

type Row = (
    i32,
    String,
    Option<i32>,
    String,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The columns of [`Row`].
macro_rules! columns {
    () => {
        (
            outbox::id,
            outbox::message_id,
            outbox::saisine_id,
            outbox::purpose,
            outbox::recipient,
            outbox::subject,
            outbox::status,
            outbox::attempts,
            outbox::next_attempt_at,
            outbox::last_error,
            outbox::created_at,
            outbox::sent_at,
        )
    };
}

fn read(conn: &mut DbConn, rows: Vec<Row>) -> DbResult<Vec<Queued>> {
    use super::schema::saisines;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.2).collect();
    let references: std::collections::HashMap<i32, String> = saisines::table
        .filter(saisines::id.eq_any(&ids))
        .select((saisines::id, saisines::reference))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|(id, message_id, saisine, purpose, recipient, subject, status, attempts, next, error, created, sent)| {
            Ok(Queued {
                id,
                message_id,
                saisine: saisine.and_then(|s| references.get(&s).cloned()),
                purpose,
                recipient,
                subject,
                status: OutboxStatus::from_code(&status)
                    .ok_or_else(|| DbError::Corrupt(format!("état d'envoi inconnu : {status}")))?,
                attempts,
                next_attempt_at: next,
                last_error: error,
                created_at: created,
                sent_at: sent,
            })
        })
        .collect()
}

/// Messages whose next try is due, oldest first.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> DbResult<Vec<Queued>> {
    let rows: Vec<Row> = outbox::table
        .filter(outbox::status.eq(OutboxStatus::Pending.code()).and(outbox::next_attempt_at.le(now)))
        .order(outbox::next_attempt_at.asc())
        .then_order_by(outbox::id.asc())
        .limit(limit)
        .select(columns!())
        .load(conn)?;
    read(conn, rows)
}

/// The newest messages, optionally of one status (the administrator's page).
pub fn recent(conn: &mut DbConn, status: Option<OutboxStatus>, limit: i64) -> DbResult<Vec<Queued>> {
    let mut query = outbox::table.order(outbox::id.desc()).limit(limit).select(columns!()).into_boxed();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.code()));
    }
    let rows: Vec<Row> = query.load(conn)?;
    read(conn, rows)
}

pub fn for_saisine(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<Queued>> {
    let rows: Vec<Row> =
        outbox::table.filter(outbox::saisine_id.eq(saisine.0)).order(outbox::id.asc()).select(columns!()).load(conn)?;
    read(conn, rows)
}

pub fn find(conn: &mut DbConn, id: i32) -> DbResult<Queued> {
    let rows: Vec<Row> = outbox::table.filter(outbox::id.eq(id)).select(columns!()).load(conn)?;
    read(conn, rows)?.pop().ok_or(DbError::NotFound)
}

/// The message's bytes and its envelope recipient.
pub fn message(conn: &mut DbConn, id: i32) -> DbResult<Vec<u8>> {
    outbox::table.find(id).select(outbox::message).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

/// Takes a due message for one try: counts the try and holds it until `until`, so that
/// another worker leaves it alone meanwhile. False when someone else took it first.
pub fn claim(conn: &mut DbConn, id: i32, now: NaiveDateTime, until: NaiveDateTime) -> DbResult<bool> {
    let claimed = diesel::update(outbox::table.filter(
        outbox::id.eq(id).and(outbox::status.eq(OutboxStatus::Pending.code())).and(outbox::next_attempt_at.le(now)),
    ))
    .set((outbox::attempts.eq(outbox::attempts + 1), outbox::next_attempt_at.eq(until)))
    .execute(conn)?;
    Ok(claimed == 1)
}

pub fn mark_sent(conn: &mut DbConn, id: i32, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Sent.code()),
            outbox::sent_at.eq(Some(at)),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_retry(conn: &mut DbConn, id: i32, at: NaiveDateTime, error: &str) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::next_attempt_at.eq(at), outbox::last_error.eq(Some(error))))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(conn: &mut DbConn, id: i32, error: &str) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::status.eq(OutboxStatus::Failed.code()), outbox::last_error.eq(Some(error))))
        .execute(conn)?;
    Ok(())
}

/// Changes the status from one of `from`; false when the message was in none of them.
pub fn set_status(
    conn: &mut DbConn,
    id: i32,
    from: &[OutboxStatus],
    to: OutboxStatus,
    now: NaiveDateTime,
) -> DbResult<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.code()).collect();
    let changed = diesel::update(outbox::table.filter(outbox::id.eq(id).and(outbox::status.eq_any(from))))
        .set((outbox::status.eq(to.code()), outbox::attempts.eq(0), outbox::next_attempt_at.eq(now)))
        .execute(conn)?;
    Ok(changed == 1)
}
