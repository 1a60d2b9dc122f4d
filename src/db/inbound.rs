//! Messages read from the mediation's mailbox, the addresses linked to partners, and the two
//! flags an e-mail leaves on a saisine (« à qualifier », « courriel reçu »).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{inbound_messages, outbox, partner_addresses, saisines};
use super::{DbConn, DbError, DbResult};
use crate::domain::SaisineId;

/// What became of a message. Stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InboundOutcome {
    /// It made a new saisine.
    New,
    /// It joined a saisine's conversation.
    Joined,
    /// Automatic, a bounce, or the application's own.
    Ignored,
    /// Unreadable, waiting for a mediator.
    Unparsed,
    /// Unreadable, turned into a saisine by hand.
    Converted,
    /// Unreadable, dismissed by a mediator.
    Dismissed,
}

impl InboundOutcome {
    pub fn code(self) -> &'static str {
        match self {
            InboundOutcome::New => "nouvelle",
            InboundOutcome::Joined => "rattachee",
            InboundOutcome::Ignored => "ignoree",
            InboundOutcome::Unparsed => "non_traitee",
            InboundOutcome::Converted => "transformee",
            InboundOutcome::Dismissed => "ecartee",
        }
    }
}

/// A message to record.
#[derive(Debug, Clone)]
pub struct NewInbound<'a> {
    pub key: &'a str,
    pub mailbox: &'a str,
    pub outcome: InboundOutcome,
    pub reason: Option<&'a str>,
    pub sender: &'a str,
    pub subject: &'a str,
    pub raw: &'a [u8],
}

/// Records a message under its key, in a savepoint of the caller's transaction; `None` when
/// the key is already there (another reader was first: nothing else must be written).
pub fn claim(conn: &mut DbConn, m: &NewInbound, at: NaiveDateTime) -> DbResult<Option<i32>> {
    if exists(conn, m.key)? {
        return Ok(None);
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(inbound_messages::table)
            .values((
                inbound_messages::message_key.eq(m.key),
                inbound_messages::mailbox.eq(m.mailbox),
                inbound_messages::received_at.eq(at),
                inbound_messages::outcome.eq(m.outcome.code()),
                inbound_messages::reason.eq(m.reason),
                inbound_messages::sender.eq(m.sender),
                inbound_messages::subject.eq(m.subject),
                inbound_messages::raw.eq(m.raw),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => {}
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            return Ok(None)
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Some(
        inbound_messages::table
            .filter(inbound_messages::message_key.eq(m.key))
            .select(inbound_messages::id)
            .get_result(conn)?,
    ))
}

pub fn exists(conn: &mut DbConn, key: &str) -> DbResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(inbound_messages::table.filter(inbound_messages::message_key.eq(key))))
        .get_result(conn)?)
}

/// Links a recorded message to its saisine, and says what it became.
pub fn settle(
    conn: &mut DbConn,
    id: i32,
    outcome: InboundOutcome,
    saisine: Option<SaisineId>,
    refused: &str,
) -> DbResult<()> {
    diesel::update(inbound_messages::table.find(id))
        .set((
            inbound_messages::outcome.eq(outcome.code()),
            inbound_messages::saisine_id.eq(saisine.map(|s| s.0)),
            inbound_messages::refused_files.eq(refused),
        ))
        .execute(conn)?;
    Ok(())
}

/// A mediator's decision on an unreadable message; false when it was no longer waiting.
pub fn handle(
    conn: &mut DbConn,
    id: i32,
    outcome: InboundOutcome,
    saisine: Option<SaisineId>,
    by: &str,
    at: NaiveDateTime,
) -> DbResult<bool> {
    let changed = diesel::update(
        inbound_messages::table.find(id).filter(inbound_messages::outcome.eq(InboundOutcome::Unparsed.code())),
    )
    .set((
        inbound_messages::outcome.eq(outcome.code()),
        inbound_messages::saisine_id.eq(saisine.map(|s| s.0)),
        inbound_messages::handled_at.eq(at),
        inbound_messages::handled_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A recorded message as the lists show it (without its bytes).
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct InboundInfo {
    pub id: i32,
    pub received_at: NaiveDateTime,
    pub outcome: String,
    pub reason: Option<String>,
    pub sender: String,
    pub subject: String,
    pub refused_files: String,
    pub saisine_id: Option<i32>,
}

macro_rules! info_columns {
    () => {
        (
            inbound_messages::id,
            inbound_messages::received_at,
            inbound_messages::outcome,
            inbound_messages::reason,
            inbound_messages::sender,
            inbound_messages::subject,
            inbound_messages::refused_files,
            inbound_messages::saisine_id,
        )
    };
}

/// Messages with one outcome, newest first, at most `limit`, older than the message `before`
/// when given (keyset paging on the `inbound_by_outcome` index).
pub fn with_outcome(
    conn: &mut DbConn,
    outcome: InboundOutcome,
    before: Option<i32>,
    limit: i64,
) -> DbResult<Vec<InboundInfo>> {
    let mut query = inbound_messages::table.filter(inbound_messages::outcome.eq(outcome.code())).into_boxed();
    if let Some(before) = before {
        query = query.filter(inbound_messages::id.lt(before));
    }
    Ok(query.order(inbound_messages::id.desc()).limit(limit).select(info_columns!()).load(conn)?)
}

/// The messages that came into one saisine, oldest first.
pub fn of_saisine(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<InboundInfo>> {
    Ok(inbound_messages::table
        .filter(inbound_messages::saisine_id.eq(saisine.0))
        .order(inbound_messages::id.asc())
        .select(info_columns!())
        .load(conn)?)
}

pub fn info(conn: &mut DbConn, id: i32) -> DbResult<InboundInfo> {
    inbound_messages::table.find(id).select(info_columns!()).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

/// A message's bytes, exactly as they came.
pub fn raw(conn: &mut DbConn, id: i32) -> DbResult<Vec<u8>> {
    inbound_messages::table.find(id).select(inbound_messages::raw).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

/// Empties the messages of a saisine whose personal data are removed; their keys stay, so
/// that none is read again.
pub(crate) fn scrub_saisine(conn: &mut DbConn, saisine: SaisineId, blank: &str) -> DbResult<()> {
    diesel::update(inbound_messages::table.filter(inbound_messages::saisine_id.eq(saisine.0)))
        .set((
            inbound_messages::sender.eq(blank),
            inbound_messages::subject.eq(blank),
            inbound_messages::refused_files.eq(""),
            inbound_messages::raw.eq(Vec::<u8>::new()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The saisine one of these Message-IDs (normalised) was sent about, if any.
pub fn sent_about(conn: &mut DbConn, ids: &[String]) -> DbResult<Option<SaisineId>> {
    if ids.is_empty() {
        return Ok(None);
    }
    // The outbox keeps the header's form, `<…>`.
    let bracketed: Vec<String> = ids.iter().map(|id| format!("<{id}>")).collect();
    let found: Option<Option<i32>> = outbox::table
        .filter(outbox::message_id.eq_any(&bracketed))
        .filter(outbox::saisine_id.is_not_null())
        .order(outbox::id.desc())
        .select(outbox::saisine_id)
        .first(conn)
        .optional()?;
    Ok(found.flatten().map(SaisineId))
}

/// Whether the application sent a message with this Message-ID (normalised).
pub fn is_own(conn: &mut DbConn, id: &str) -> DbResult<bool> {
    let bracketed = format!("<{id}>");
    Ok(diesel::select(diesel::dsl::exists(outbox::table.filter(outbox::message_id.eq(bracketed)))).get_result(conn)?)
}

/// The partner linked to an address or, failing that, to its domain.
pub fn partner_for(conn: &mut DbConn, address: &str) -> DbResult<Option<String>> {
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    let found: Vec<(String, String)> = partner_addresses::table
        .filter(partner_addresses::pattern.eq_any([address, domain]))
        .select((partner_addresses::pattern, partner_addresses::partner))
        .load(conn)?;
    let exact = found.iter().find(|(p, _)| p == address).or_else(|| found.first());
    Ok(exact.map(|(_, partner)| partner.clone()))
}

/// An address or domain linked to a partner, for the administrators' page.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PartnerAddress {
    pub pattern: String,
    pub partner: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

pub fn partner_addresses(conn: &mut DbConn) -> DbResult<Vec<PartnerAddress>> {
    Ok(partner_addresses::table
        .order((partner_addresses::partner, partner_addresses::pattern))
        .select((
            partner_addresses::pattern,
            partner_addresses::partner,
            partner_addresses::created_at,
            partner_addresses::created_by,
        ))
        .load(conn)?)
}

/// Links (or links again, to another partner) an address or a domain.
pub fn link_partner(conn: &mut DbConn, pattern: &str, partner: &str, by: &str, at: NaiveDateTime) -> DbResult<()> {
    unlink_partner(conn, pattern)?;
    diesel::insert_into(partner_addresses::table)
        .values((
            partner_addresses::pattern.eq(pattern),
            partner_addresses::partner.eq(partner),
            partner_addresses::created_at.eq(at),
            partner_addresses::created_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn unlink_partner(conn: &mut DbConn, pattern: &str) -> DbResult<bool> {
    Ok(diesel::delete(partner_addresses::table.filter(partner_addresses::pattern.eq(pattern))).execute(conn)? == 1)
}

/// The two flags of a saisine: « à qualifier », « courriel reçu ».
pub fn flags(conn: &mut DbConn, saisine: SaisineId) -> DbResult<(bool, bool)> {
    Ok(saisines::table.find(saisine.0).select((saisines::to_qualify, saisines::mail_received)).get_result(conn)?)
}

pub fn set_to_qualify(conn: &mut DbConn, saisine: SaisineId, on: bool) -> DbResult<()> {
    diesel::update(saisines::table.find(saisine.0)).set(saisines::to_qualify.eq(on)).execute(conn)?;
    Ok(())
}

/// Sets or clears « courriel reçu », and the stored deadlines with it (the flag puts the
/// saisine on the queue).
pub fn set_mail_received(conn: &mut DbConn, saisine: SaisineId, on: bool) -> DbResult<()> {
    let changed = diesel::update(saisines::table.find(saisine.0).filter(saisines::mail_received.ne(on)))
        .set(saisines::mail_received.eq(on))
        .execute(conn)?;
    if changed == 1 {
        let settings = super::deadline_settings::load(conn)?;
        super::schedule::refresh(conn, saisine, &settings)?;
    }
    Ok(())
}

/// A saisine's reference and status code, locking its row for the rest of the transaction.
pub fn lock_by_id(conn: &mut DbConn, saisine: SaisineId) -> DbResult<(crate::domain::Reference, String)> {
    diesel::update(saisines::table.find(saisine.0)).set(saisines::updated_at.eq(saisines::updated_at)).execute(conn)?;
    let (reference, status): (String, String) =
        saisines::table.find(saisine.0).select((saisines::reference, saisines::status)).get_result(conn)?;
    let reference = reference.parse().map_err(|_| DbError::Corrupt(format!("référence {reference}")))?;
    Ok((reference, status))
}

/// The partner's contact on a saisine a partner wrote by e-mail (no consent was given through
/// a form: the mediator checks it).
pub fn set_partner_contact(
    conn: &mut DbConn,
    saisine: SaisineId,
    organisation: &str,
    name: &str,
    email: &str,
) -> DbResult<()> {
    diesel::update(saisines::table.find(saisine.0))
        .set((
            saisines::partner_organisation.eq(organisation),
            saisines::partner_contact_name.eq(name),
            saisines::partner_contact_email.eq(email),
        ))
        .execute(conn)?;
    Ok(())
}
