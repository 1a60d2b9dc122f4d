//! A received e-mail on a saisine: the one it opens (« à qualifier »), or the conversation it
//! joins, with its « courriel reçu » timeline entry and its files.

use chrono::Datelike;

use super::files;
use crate::app::saisines::create;
use crate::app::{AppResult, Stamp};
use crate::db::inbound::{self as store, InboundOutcome};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{events, saisines, DbConn};
use crate::domain::contact::{has_masking_characters, Email};
use crate::domain::inbound::{bounded, split_quoted, InboundMail};
use crate::domain::paris::paris_date;
use crate::domain::{
    Channel, EventDetails, EventKind, PartnerCode, Process, Reference, Requester, RequesterType, SaisineFacts,
    SaisineId, Status,
};

/// What the timeline says of a saisine that came by e-mail.
pub const ORIGIN: &str = "reçue par courriel";

/// The most of a message's own text a timeline entry keeps (the raw message keeps it all).
const MAX_TEXT: usize = 20_000;
/// The summary of a new saisine: the beginning of the message.
const MAX_SUMMARY: usize = 2_000;

/// Opens a saisine « à qualifier » from a message (the inbound row `inbound`).
pub(super) fn open(
    conn: &mut DbConn,
    inbound: i32,
    mail: &InboundMail,
    partner: Option<String>,
    stamp: &Stamp,
) -> AppResult<Reference> {
    let today = paris_date(stamp.at);
    let received_on =
        mail.date.map(|d| paris_date(d.naive_utc())).filter(|d| *d <= today && d.year() >= 2000).unwrap_or(today);
    let email: Option<Email> = mail.from_address.as_deref().and_then(|a| a.parse().ok());
    let name = mail.from_name.as_deref().filter(|n| !has_masking_characters(n)).map(|n| bounded(n, 200));
    let (own_text, _) = split_quoted(&mail.text);
    let summary = if own_text.is_empty() { mail.subject.clone() } else { own_text };
    let requester = match partner {
        // The partner writes on someone's behalf: that person is not the sender.
        Some(_) => Requester::default(),
        None => Requester { name: name.clone(), email: email.clone(), ..Default::default() },
    };
    let facts = SaisineFacts {
        received_on,
        channel: if partner.is_some() { Channel::BoiteGenerique } else { Channel::Courriel },
        requester_type: RequesterType::Assure,
        requester,
        partner: partner.clone().map(PartnerCode),
        // Provisional until a mediator qualifies it (`to_qualify`): no motif yet.
        process: Process::Autre,
        motifs: Vec::new(),
        summary: Some(bounded(&summary, MAX_SUMMARY)).filter(|s| !s.is_empty()),
    };
    let (reference, id) = create(conn, &facts, Some(ORIGIN), stamp)?;
    store::set_to_qualify(conn, id, true)?;
    if let (Some(code), Some(email)) = (&partner, &email) {
        let organisation = ReferenceLists::load(conn)?.partner_label(code);
        store::set_partner_contact(conn, id, &organisation, name.as_deref().unwrap_or(""), email.as_str())?;
    }
    record_message(conn, inbound, id, reference, mail, InboundOutcome::New, stamp)?;
    Ok(reference)
}

/// Adds a reply to the saisine's conversation; a saisine waiting for documents shows that
/// something came (the documents are not marked received: a mediator checks them).
pub(super) fn join(
    conn: &mut DbConn,
    inbound: i32,
    saisine: SaisineId,
    mail: &InboundMail,
    stamp: &Stamp,
) -> AppResult<Reference> {
    let (reference, status) = store::lock_by_id(conn, saisine)?;
    record_message(conn, inbound, saisine, reference, mail, InboundOutcome::Joined, stamp)?;
    if status == Status::AttentePieces.code() {
        store::set_mail_received(conn, saisine, true)?;
    }
    saisines::touch(conn, saisine, stamp.at)?;
    Ok(reference)
}

/// The « courriel reçu » entry (sender, subject, own text, quoted history apart), the files,
/// and the inbound row linked to the saisine with the refused files.
fn record_message(
    conn: &mut DbConn,
    inbound: i32,
    saisine: SaisineId,
    reference: Reference,
    mail: &InboundMail,
    outcome: InboundOutcome,
    stamp: &Stamp,
) -> AppResult<()> {
    let refused = files::add_all(conn, reference, &mail.files, stamp)?;
    let (own_text, quoted) = split_quoted(&mail.text);
    let mut text = format!("De : {}\nObjet : {}", super::describe_sender(mail), bounded(&mail.subject, 300));
    if !own_text.is_empty() {
        text.push_str("\n\n");
        text.push_str(&bounded(&own_text, MAX_TEXT));
    }
    if !refused.is_empty() {
        text.push_str("\n\nPièces jointes refusées : ");
        text.push_str(&refused.join(" ; "));
    }
    let details =
        EventDetails { text: Some(text), quoted: quoted.map(|q| bounded(&q, MAX_TEXT)), ..Default::default() };
    events::append(conn, saisine, EventKind::CourrielRecu, &details, stamp)?;
    store::settle(conn, inbound, outcome, Some(saisine), &refused.join("\n"))?;
    Ok(())
}
