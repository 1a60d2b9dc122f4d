//! What people do with the mailbox's work: read a message as it came (an access to personal
//! data), turn an unreadable message into a saisine or dismiss it, say a « courriel reçu » was
//! seen, and link partners' addresses (administrators).

use chrono::{NaiveDate, NaiveDateTime};

use crate::app::saisines::create;
use crate::app::{write, Actor, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::inbound::{self as store, InboundOutcome};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{audit, saisines, DbConn};
use crate::domain::contact::Email;
use crate::domain::inbound::{bounded, read, split_quoted};
use crate::domain::paris::paris_date;
use crate::domain::{DomainError, Reference, SaisineDraft};

/// What the timeline says of a saisine typed from an unreadable message.
pub const CONVERTED_ORIGIN: &str = "saisie à partir d'un courriel non traité";

/// A message's bytes, exactly as they came, for a mediator; recorded in the audit log.
pub fn raw(conn: &mut DbConn, id: i32, actor: &Actor, at: NaiveDateTime) -> AppResult<Vec<u8>> {
    write(conn, |conn| {
        let raw = store::raw(conn, id)?;
        audit::record(conn, actor, AuditAction::MailRawViewed, &format!("courriel {id}"), "", at)?;
        Ok(raw)
    })
}

/// A message of a saisine (never one of another), for a mediator; recorded in the audit log.
pub fn raw_of_saisine(
    conn: &mut DbConn,
    reference: Reference,
    id: i32,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<Vec<u8>> {
    write(conn, |conn| {
        let saisine = saisines::id_of(conn, reference)?;
        if store::info(conn, id)?.saisine_id != Some(saisine.0) {
            return Err(crate::app::AppError::NotFound);
        }
        let raw = store::raw(conn, id)?;
        audit::record(conn, actor, AuditAction::MailRawViewed, &reference.to_string(), &format!("courriel {id}"), at)?;
        Ok(raw)
    })
}

/// The new-saisine form filled in from what could be read of a message.
pub fn prefill(raw: &[u8], today: NaiveDate) -> SaisineDraft {
    let mut draft = SaisineDraft { received_on: today.to_string(), channel: "courriel".into(), ..Default::default() };
    draft.requester_type = "assure".into();
    if let Some(mail) = read(raw) {
        if let Some(date) = mail.date.map(|d| paris_date(d.naive_utc())).filter(|d| *d <= today) {
            draft.received_on = date.to_string();
        }
        draft.requester_name = mail.from_name.clone().map(|n| bounded(&n, 200)).unwrap_or_default();
        draft.email = mail.from_address.clone().filter(|a| a.parse::<Email>().is_ok()).unwrap_or_default();
        let (text, _) = split_quoted(&mail.text);
        draft.summary = bounded(if text.is_empty() { &mail.subject } else { &text }, 2_000);
    }
    draft
}

fn already_handled() -> DomainError {
    DomainError::refused("mail_handled", "ce courriel a déjà été traité")
}

/// Records the saisine a mediator typed from an unreadable message, and links it.
pub fn convert(
    conn: &mut DbConn,
    id: i32,
    draft: &SaisineDraft,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let facts = draft.validate(&lists.allowed(&[], None), today)?;
    write(conn, |conn| {
        if store::info(conn, id)?.outcome != InboundOutcome::Unparsed.code() {
            return Err(already_handled().into());
        }
        let (reference, saisine) = create(conn, &facts, Some(CONVERTED_ORIGIN), stamp)?;
        if !store::handle(conn, id, InboundOutcome::Converted, Some(saisine), &stamp.actor.name, stamp.at)? {
            return Err(already_handled().into());
        }
        let target = format!("courriel {id}");
        audit::record(conn, stamp.actor, AuditAction::MailConverted, &target, &reference.to_string(), stamp.at)?;
        Ok(reference)
    })
}

/// Sets an unreadable message aside for good (it stays, with its bytes, for the record).
pub fn dismiss(conn: &mut DbConn, id: i32, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        if !store::handle(conn, id, InboundOutcome::Dismissed, None, &stamp.actor.name, stamp.at)? {
            store::info(conn, id)?;
            return Err(already_handled().into());
        }
        Ok(audit::record(conn, stamp.actor, AuditAction::MailDismissed, &format!("courriel {id}"), "", stamp.at)?)
    })
}

/// A mediator saw the message that came while documents were awaited.
pub fn mark_seen(conn: &mut DbConn, reference: Reference, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        let id = saisines::id_of(conn, reference)?;
        store::set_mail_received(conn, id, false)?;
        Ok(audit::record(conn, stamp.actor, AuditAction::MailSeen, &reference.to_string(), "", stamp.at)?)
    })
}

/// `accueil@asso.fr` or `asso.fr`, in lower case; refused otherwise.
pub fn check_pattern(input: &str) -> Result<String, DomainError> {
    let pattern = input.trim().trim_start_matches('@').to_lowercase();
    let domain_like = |d: &str| {
        d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && d.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    };
    let valid = if pattern.contains('@') { pattern.parse::<Email>().is_ok() } else { domain_like(&pattern) };
    if valid && pattern.len() <= 200 {
        Ok(pattern)
    } else {
        Err(DomainError::invalid(
            "pattern",
            "invalid_pattern",
            "indiquez une adresse (accueil@association.fr) ou un domaine (association.fr)",
        ))
    }
}

/// Links an address or a domain to a partner of the list (an administrator).
pub fn link_partner(conn: &mut DbConn, input: &str, partner: &str, stamp: &Stamp) -> AppResult<String> {
    let pattern = check_pattern(input)?;
    let lists = ReferenceLists::load(conn)?;
    if !lists.allowed(&[], None).partners.iter().any(|p| p == partner) {
        return Err(DomainError::invalid("partner", "unknown_code", "choisissez un partenaire de la liste").into());
    }
    write(conn, |conn| {
        store::link_partner(conn, &pattern, partner, &stamp.actor.name, stamp.at)?;
        let details = format!("{pattern} → {partner}");
        audit::record(
            conn,
            stamp.actor,
            AuditAction::PartnerAddressChanged,
            "adresses des partenaires",
            &details,
            stamp.at,
        )?;
        Ok(pattern.clone())
    })
}

pub fn unlink_partner(conn: &mut DbConn, pattern: &str, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        if !store::unlink_partner(conn, pattern)? {
            return Err(crate::app::AppError::NotFound);
        }
        let details = format!("{pattern} retiré");
        Ok(audit::record(
            conn,
            stamp.actor,
            AuditAction::PartnerAddressChanged,
            "adresses des partenaires",
            &details,
            stamp.at,
        )?)
    })
}
