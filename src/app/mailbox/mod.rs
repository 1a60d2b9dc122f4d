//! What an e-mail received in the mediation's mailbox becomes: a new saisine « à qualifier »,
//! a message joined to a saisine's conversation, an ignored automatic message, or an
//! unreadable one kept for a mediator. Each message is recorded exactly once (its key: the
//! Message-ID, or the digest of its bytes), in one transaction with everything it leads to;
//! the IMAP transport (another module) calls [`ingest`] for each raw message it fetches.

mod files;
pub mod manage;
mod saisine;

use chrono::{DateTime, Utc};

use super::{write, Actor, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::inbound::{self as store, InboundOutcome, NewInbound};
use crate::db::{audit, DbConn};
use crate::domain::contact::Email;
pub use crate::domain::inbound::IgnoredReason;
use crate::domain::inbound::{message_key, read, subject_reference, InboundMail};
use crate::domain::SaisineId;

/// The name the mailbox's work goes under in timelines and the audit log.
pub const ACTOR: &str = "Boîte aux lettres de la médiation";

/// What one message became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    NewSaisine {
        reference: String,
    },
    JoinedSaisine {
        reference: String,
    },
    Ignored {
        reason: IgnoredReason,
    },
    /// Unreadable, or no usable sender: kept in « Courriels non traités ».
    Unparsed,
    /// Recorded before (by this reader or another): nothing written.
    AlreadyRecorded,
}

/// Where a message was read, and the application's own sender address (its messages coming
/// back are not requests).
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub mailbox: String,
    pub own_address: Option<String>,
}

impl Source {
    /// The mailbox's name (e.g. `INBOX`), the sender from the settings (`mail_from`).
    pub fn from_config(config: &crate::config::AppConfig, mailbox: &str) -> Source {
        let own_address = crate::mail::sender(config).ok().map(|m| m.email.to_string().to_lowercase());
        Source { mailbox: mailbox.to_string(), own_address }
    }
}

/// What a readable message is, once compared with what the application knows.
enum Verdict {
    Ignored(IgnoredReason),
    Unparsed,
    Reply(SaisineId),
    New { partner: Option<String> },
}

/// Records one raw message and what it leads to, in one transaction; a message already
/// recorded (even by another process at the same moment) leaves everything as it was.
pub fn ingest(conn: &mut DbConn, source: &Source, raw: &[u8], now: DateTime<Utc>) -> AppResult<Ingested> {
    let mail = read(raw);
    let key = message_key(mail.as_ref(), raw);
    let at = now.naive_utc();
    let actor = Actor::system(ACTOR);
    let stamp = Stamp { actor: &actor, at };
    write(conn, |conn| {
        if store::exists(conn, &key)? {
            return Ok(Ingested::AlreadyRecorded);
        }
        let verdict = match &mail {
            None => Verdict::Unparsed,
            Some(mail) => judge(conn, source, mail)?,
        };
        let (outcome, reason) = match &verdict {
            Verdict::Ignored(reason) => (InboundOutcome::Ignored, Some(reason.code())),
            Verdict::Unparsed => (InboundOutcome::Unparsed, None),
            Verdict::Reply(_) => (InboundOutcome::Joined, None),
            Verdict::New { .. } => (InboundOutcome::New, None),
        };
        let sender = mail.as_ref().map(describe_sender).unwrap_or_default();
        let subject = mail.as_ref().map(|m| crate::domain::inbound::bounded(&m.subject, 300)).unwrap_or_default();
        let row = NewInbound {
            key: &key,
            mailbox: &source.mailbox,
            outcome,
            reason,
            sender: &sender,
            subject: &subject,
            raw,
        };
        let Some(id) = store::claim(conn, &row, at)? else {
            return Ok(Ingested::AlreadyRecorded);
        };
        let target = format!("courriel {id}");
        audit::record(conn, &actor, AuditAction::MailReceived, &target, outcome.code(), at)?;
        match (verdict, mail) {
            (Verdict::Ignored(reason), _) => Ok(Ingested::Ignored { reason }),
            (Verdict::Reply(saisine), Some(mail)) => {
                let reference = saisine::join(conn, id, saisine, &mail, &stamp)?;
                Ok(Ingested::JoinedSaisine { reference: reference.to_string() })
            }
            (Verdict::New { partner }, Some(mail)) => {
                let reference = saisine::open(conn, id, &mail, partner, &stamp)?;
                Ok(Ingested::NewSaisine { reference: reference.to_string() })
            }
            _ => Ok(Ingested::Unparsed),
        }
    })
}

/// `Nom <adresse>` as the lists show the sender.
fn describe_sender(mail: &InboundMail) -> String {
    match (&mail.from_name, &mail.from_address) {
        (Some(name), Some(address)) => format!("{} <{address}>", crate::domain::inbound::bounded(name, 100)),
        (None, Some(address)) => address.clone(),
        (Some(name), None) => crate::domain::inbound::bounded(name, 100),
        (None, None) => String::new(),
    }
}

/// Robots first, then the application's own messages, then an unusable sender, then the
/// conversation it continues, if any.
fn judge(conn: &mut DbConn, source: &Source, mail: &InboundMail) -> AppResult<Verdict> {
    if let Some(reason) = mail.automatic {
        return Ok(Verdict::Ignored(reason));
    }
    if is_own(conn, source, mail)? {
        return Ok(Verdict::Ignored(IgnoredReason::OwnMessage));
    }
    let Some(address) = mail.from_address.as_deref().filter(|a| a.parse::<Email>().is_ok()) else {
        return Ok(Verdict::Unparsed);
    };
    if let Some(saisine) = conversation(conn, mail)? {
        return Ok(Verdict::Reply(saisine));
    }
    Ok(Verdict::New { partner: store::partner_for(conn, address)? })
}

/// Sent by the application: one of its Message-IDs, its Message-ID form on its own domain,
/// or its sender address.
fn is_own(conn: &mut DbConn, source: &Source, mail: &InboundMail) -> AppResult<bool> {
    let own = source.own_address.as_deref();
    if own.is_some() && mail.from_address.as_deref() == own {
        return Ok(true);
    }
    let Some(id) = mail.message_id.as_deref() else { return Ok(false) };
    let own_domain = own.and_then(|a| a.rsplit_once('@')).map(|(_, d)| d);
    if own_domain.is_some_and(|d| id.ends_with(&format!(".mediation@{d}"))) {
        return Ok(true);
    }
    Ok(store::is_own(conn, id)?)
}

/// The saisine a reply belongs to: a sent message it answers, or the reference in its subject;
/// never an anonymised one (its conversation is over).
fn conversation(conn: &mut DbConn, mail: &InboundMail) -> AppResult<Option<SaisineId>> {
    let mut found = store::sent_about(conn, &mail.thread)?;
    if found.is_none() {
        if let Some(reference) = subject_reference(&mail.subject) {
            found = match crate::db::saisines::id_of(conn, reference) {
                Ok(id) => Some(id),
                Err(crate::db::DbError::NotFound) => None,
                Err(other) => return Err(other.into()),
            };
        }
    }
    match found {
        Some(id) if crate::db::retention::anonymised_at(conn, id)?.is_none() => Ok(Some(id)),
        _ => Ok(None),
    }
}
