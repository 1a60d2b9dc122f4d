//! What a letter becomes: the PDF to post, or the e-mail (with its Message-ID, its
//! attachments and, for a closing answer, the satisfaction link) as it will be sent.

use super::letters::{LetterOrder, MailSettings};
use super::{AppResult, Stamp};
use crate::db::{attachments, DbConn};
use crate::domain::dates::french;
use crate::domain::letters::{LetterKind, Letterhead, Recipient};
use crate::domain::satisfaction::VALID_DAYS;
use crate::domain::{DomainError, Saisine};
use crate::mail::{self, MailAttachment, Outgoing};
use crate::report::pdf::letter::{self as pdf, LetterPdf};

pub(crate) fn refused(code: &'static str, message: &str) -> DomainError {
    DomainError::refused(code, message.to_string())
}

/// `[Médiation 2026-0042] Objet`: the reference replies are threaded on.
pub fn subject_line(saisine: &Saisine, subject: &str) -> String {
    format!("[Médiation {}] {}", saisine.reference, subject)
}

/// The letter to print: addressed to the person's (or partner's) postal address.
pub(crate) fn post(
    saisine: &Saisine,
    order: &LetterOrder,
    head: &Letterhead,
    stamp: &Stamp,
) -> AppResult<(String, Vec<u8>)> {
    let recipient: Vec<String> = match (order.recipient, &saisine.referral) {
        (Recipient::Partner, Some(r)) => vec![r.contact_name.clone(), r.organisation.clone()],
        _ => {
            let person = &saisine.facts.requester;
            std::iter::once(person.name.clone().unwrap_or_default())
                .chain(person.address.iter().flat_map(|a| a.lines().map(str::to_string).collect::<Vec<_>>()))
                .filter(|l| !l.trim().is_empty())
                .collect()
        }
    };
    let letter = LetterPdf {
        letterhead: head.clone(),
        recipient: recipient.clone(),
        reference: saisine.reference.to_string(),
        date: french(crate::domain::clock::paris_date(stamp.at)),
        subject: order.letter.subject.clone(),
        body: order.letter.body.clone(),
    };
    let bytes = pdf::render(&letter).map_err(|e| crate::db::DbError::Corrupt(e.to_string()))?;
    Ok((recipient.join(", "), bytes))
}

/// The e-mail as it will be sent, with its Message-ID; refused when e-mail is off or no
/// address is known.
pub(crate) fn email(
    conn: &mut DbConn,
    saisine: &Saisine,
    order: &LetterOrder,
    head: &Letterhead,
    settings: &MailSettings,
    stamp: &Stamp,
) -> AppResult<(String, Vec<u8>, String)> {
    let Some(from) = &settings.from else {
        return Err(refused(
            "mail_disabled",
            "l'envoi de courriels n'est pas configuré (smtp_url, mail_from) : produisez le courrier en PDF",
        )
        .into());
    };
    let address = match (order.recipient, &saisine.referral) {
        (Recipient::Partner, Some(r)) => Some(r.contact_email.as_str().to_string()),
        (Recipient::Person, _) => saisine.facts.requester.email.as_ref().map(|e| e.as_str().to_string()),
        (Recipient::Partner, None) => None,
    };
    let Some(address) = address else {
        return Err(refused(
            "no_email",
            "aucune adresse électronique n'est connue pour ce destinataire : produisez le courrier en PDF",
        )
        .into());
    };
    let mut files = Vec::new();
    for id in &order.attachments {
        let (file_name, content_type, data) = attachments::content(conn, saisine.id, *id)?;
        files.push(MailAttachment { file_name, content_type, data });
    }
    let mut body = signed_body(&order.letter.body, head);
    if order.satisfaction {
        body.push_str(&survey(conn, saisine, order, settings, stamp)?);
    }
    let message_id = mail::new_message_id(from);
    let subject = subject_line(saisine, &order.letter.subject);
    let outgoing = Outgoing {
        to: &address,
        subject: &subject,
        body: &body,
        attachments: &files,
        message_id: &message_id,
        at: stamp.at,
    };
    let raw = mail::compose(from, &outgoing)
        .map_err(|_| refused("invalid_address", "l'adresse électronique du destinataire n'est pas utilisable"))?;
    Ok((address, raw, message_id))
}

/// A single-use link to the satisfaction form, valid 30 days, as a closing paragraph.
fn survey(
    conn: &mut DbConn,
    saisine: &Saisine,
    order: &LetterOrder,
    settings: &MailSettings,
    stamp: &Stamp,
) -> AppResult<String> {
    let is_answer = matches!(LetterKind::from_code(&order.kind), Some(LetterKind::Answer(_)));
    if !is_answer || order.recipient != Recipient::Person || saisine.lifecycle.outcome().is_none() {
        return Err(refused(
            "no_survey",
            "le questionnaire de satisfaction accompagne la réponse de clôture adressée à la personne",
        )
        .into());
    }
    let token = crate::auth::tokens::new_token();
    let expires = stamp.at + chrono::Duration::days(VALID_DAYS);
    crate::db::satisfaction::create(conn, saisine.id, &crate::auth::tokens::digest(&token), stamp.at, expires)?;
    let base = settings.public_url.as_deref().unwrap_or("").trim_end_matches('/');
    Ok(format!(
        "\nVotre avis nous aide à améliorer la médiation : trois questions, sans compte, sur ce lien personnel \
         utilisable une fois jusqu'au {} :\n{base}/satisfaction/{token}\n",
        french(crate::domain::clock::paris_date(expires))
    ))
}

/// The letter's text, then the signature block and the mediation's details.
pub fn signed_body(body: &str, head: &Letterhead) -> String {
    let mut text = body.trim_end().to_string();
    if !head.signature.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(head.signature.trim());
    }
    text.push_str("\n\n--\n");
    text.push_str(&head.name);
    for line in head.contact_lines() {
        text.push('\n');
        text.push_str(&line);
    }
    text.push('\n');
    text
}
