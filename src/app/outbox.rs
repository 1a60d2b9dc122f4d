//! Delivering the outbox: each due message is claimed, handed to the SMTP server, then
//! marked sent; a temporary failure is tried again later (backoff), a permanent one is
//! marked failed and shown on the saisine. The application never sends from a request.
//!
//! A crash after the server took a message but before it was marked sent leaves it claimed:
//! once the claim lapses it is sent again, byte for byte, with the same Message-ID, so the
//! receiving side can recognise the duplicate.

use chrono::{Duration, NaiveDateTime};

use super::{write, Actor, AppError, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::outbox::{self as store, NewMessage, Queued};
use crate::db::{audit, events, DbConn};
use crate::domain::clock::Clock;
use crate::domain::outbox::{after_failure, AfterFailure, OutboxStatus, CLAIM_MINUTES};
use crate::domain::{DomainError, EventDetails, EventKind, SaisineId};
use crate::mail::Mailer;

/// Inside the caller's transaction: a message to send once the transaction commits.
#[allow(clippy::too_many_arguments)]
pub(crate) fn enqueue(
    conn: &mut DbConn,
    message_id: &str,
    saisine: Option<SaisineId>,
    letter: Option<i32>,
    purpose: &str,
    recipient: &str,
    subject: &str,
    message: &[u8],
    at: NaiveDateTime,
) -> AppResult<()> {
    let row = NewMessage { message_id, saisine, letter, purpose, recipient, subject, message };
    Ok(store::insert(conn, &row, at)?)
}

/// What one delivery run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl DeliveryReport {
    pub fn summary(&self) -> String {
        format!("{} envoyé(s), {} à réessayer, {} en échec", self.sent, self.retried, self.failed)
    }
}

/// Messages handed to the server per run, so that one run stays short.
const BATCH: i64 = 100;

/// Sends every due message once.
pub fn deliver_due(conn: &mut DbConn, mailer: &Mailer, clock: &dyn Clock) -> AppResult<DeliveryReport> {
    let mut report = DeliveryReport::default();
    let now = clock.now().naive_utc();
    for message in store::due(conn, now, BATCH)? {
        let Some(raw) = claim(conn, &message, now)? else { continue };
        match mailer.send(&message.recipient, &raw) {
            Ok(()) => {
                write(conn, |conn| Ok(store::mark_sent(conn, message.id, clock.now().naive_utc())?))?;
                tracing::info!(envoi = message.id, "courriel remis au serveur SMTP");
                report.sent += 1;
            }
            Err(error) => {
                // The server's answer may quote the address: it is kept in the outbox, not logged.
                tracing::warn!(envoi = message.id, definitif = error.permanent, "courriel non remis");
                let attempts = message.attempts + 1;
                match after_failure(attempts, error.permanent, clock.now().naive_utc()) {
                    AfterFailure::RetryAt(at) => {
                        write(conn, |conn| Ok(store::mark_retry(conn, message.id, at, &error.reason)?))?;
                        report.retried += 1;
                    }
                    AfterFailure::GiveUp => {
                        give_up(conn, &message, &error.reason, attempts, clock.now().naive_utc())?;
                        report.failed += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// Takes the message for this try and reads its bytes; `None` if another worker has it.
fn claim(conn: &mut DbConn, message: &Queued, now: NaiveDateTime) -> AppResult<Option<Vec<u8>>> {
    let until = now + Duration::minutes(CLAIM_MINUTES);
    write(conn, |conn| {
        if !store::claim(conn, message.id, now, until)? {
            return Ok(None);
        }
        Ok(Some(store::message(conn, message.id)?))
    })
}

/// Marks the message failed and says so in its saisine's timeline.
fn give_up(conn: &mut DbConn, message: &Queued, reason: &str, attempts: i32, at: NaiveDateTime) -> AppResult<()> {
    let actor = Actor::system("Envoi des courriels");
    let stamp = Stamp { actor: &actor, at };
    write(conn, |conn| {
        store::mark_failed(conn, message.id, reason)?;
        if let Some(reference) = &message.saisine {
            let id = crate::db::saisines::id_of(conn, reference.parse().map_err(|_| AppError::NotFound)?)?;
            // The server's answer may quote the address: it stays on the outbox line, which
            // readers see masked; the timeline only says that it failed.
            let text = format!("« {} » : non distribué après {attempts} essai(s)", message.subject);
            let details = EventDetails { text: Some(text), ..Default::default() };
            events::append(conn, id, EventKind::CourrielEchec, &details, &stamp)?;
        }
        Ok(())
    })
}

/// An administrator sends a failed or cancelled message again, as it was written.
pub fn resend(conn: &mut DbConn, id: i32, stamp: &Stamp) -> AppResult<()> {
    change(
        conn,
        id,
        &[OutboxStatus::Failed, OutboxStatus::Cancelled],
        OutboxStatus::Pending,
        AuditAction::OutboxResent,
        stamp,
    )
}

/// An administrator withdraws a message that has not left.
pub fn cancel(conn: &mut DbConn, id: i32, stamp: &Stamp) -> AppResult<()> {
    change(
        conn,
        id,
        &[OutboxStatus::Pending, OutboxStatus::Failed],
        OutboxStatus::Cancelled,
        AuditAction::OutboxCancelled,
        stamp,
    )
}

fn change(
    conn: &mut DbConn,
    id: i32,
    from: &[OutboxStatus],
    to: OutboxStatus,
    action: AuditAction,
    stamp: &Stamp,
) -> AppResult<()> {
    write(conn, |conn| {
        let message = store::find(conn, id)?;
        if !store::set_status(conn, id, from, to, stamp.at)? {
            return Err(DomainError::refused(
                "outbox_state",
                format!("ce courriel est {} : action impossible", message.status.label()),
            )
            .into());
        }
        let target = message.saisine.clone().unwrap_or_else(|| format!("envoi {id}"));
        Ok(audit::record(conn, stamp.actor, action, &target, &id.to_string(), stamp.at)?)
    })
}
