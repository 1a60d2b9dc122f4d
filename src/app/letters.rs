//! The letters of a saisine: templates and letterhead (administrators), the letter each step
//! proposes filled in with the saisine's values, and the letter as sent: a PDF kept with
//! the saisine, or an e-mail written to the outbox, in the same transaction as the step.

use chrono::NaiveDate;
use lettre::message::Mailbox;

use super::letter_output::{email, post, refused};
pub use super::letter_output::{signed_body, subject_line};
use super::saisines::apply_to;
use super::{outbox, write, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::config::MediationInfo;
use crate::db::letters::{self as store, NewLetter};
use crate::db::{audit, events, saisines, DbConn};
use crate::domain::dates::french;
use crate::domain::letters::{Delivery, LetterDraft, LetterKind, Letterhead, Recipient, TemplateText};
use crate::domain::placeholders::Values;
use crate::domain::{Action, EventDetails, EventKind, Reference, Saisine, Stage};
use crate::mail;

/// What writing letters needs from the settings: the sender (none: e-mail is off) and the
/// mediation's details, the letterhead until an administrator sets one.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub from: Option<Mailbox>,
    pub mediation: MediationInfo,
    /// The public address links are built on.
    pub public_url: Option<String>,
}

impl MailSettings {
    pub fn from_config(config: &crate::config::AppConfig) -> MailSettings {
        let sends = config.smtp_url.as_deref().is_some_and(|u| !u.trim().is_empty());
        MailSettings {
            from: if sends { mail::sender(config).ok() } else { None },
            mediation: config.mediation.clone(),
            public_url: config.public_url.clone(),
        }
    }
}

/// Saves an administrator's version of a template, after checking its placeholders.
pub fn save_template(conn: &mut DbConn, kind: LetterKind, subject: &str, body: &str, stamp: &Stamp) -> AppResult<()> {
    let (text, _, _) = TemplateText::check(subject, body)?;
    write(conn, |conn| {
        store::save_template(conn, kind, &text, &stamp.actor.name, stamp.at)?;
        Ok(audit::record(conn, stamp.actor, AuditAction::LetterTemplateChanged, &kind.code(), "", stamp.at)?)
    })
}

/// Brings back the shipped text of a template.
pub fn reset_template(conn: &mut DbConn, kind: LetterKind, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        if store::reset_template(conn, kind)? {
            audit::record(conn, stamp.actor, AuditAction::LetterTemplateChanged, &kind.code(), "rétabli", stamp.at)?;
        }
        Ok(())
    })
}

/// Replaces the letterhead; a new logo replaces the old one, `remove_logo` drops it.
pub fn save_letterhead(conn: &mut DbConn, head: &Letterhead, remove_logo: bool, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        store::save_letterhead(conn, head, !remove_logo, &stamp.actor.name, stamp.at)?;
        Ok(audit::record(conn, stamp.actor, AuditAction::LetterheadChanged, "entete", "", stamp.at)?)
    })
}

/// The placeholders' values for a saisine as it stands (or will stand after `action`).
pub fn values(
    conn: &mut DbConn,
    saisine: &Saisine,
    action: Option<&Action>,
    head: &Letterhead,
    writer: &str,
    today: NaiveDate,
) -> AppResult<Values> {
    let timeline = events::for_saisine(conn, saisine.id)?;
    let last = |kind: EventKind| timeline.iter().rev().find(|e| e.kind == kind).map(|e| e.details.clone());
    let request = last(EventKind::PiecesDemandees);
    let closing = last(EventKind::Cloturee);
    let facts = &saisine.facts;
    let mut v = Values::new();
    let date = |d: Option<NaiveDate>| d.map(french).unwrap_or_default();
    v.insert("reference", saisine.reference.to_string());
    v.insert("date_du_jour", french(today));
    v.insert("personne.nom", facts.requester.name.clone().unwrap_or_default());
    v.insert("personne.adresse", facts.requester.address.clone().unwrap_or_default());
    v.insert("personne.courriel", facts.requester.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default());
    v.insert("date_reception", french(facts.received_on));
    v.insert("date_prise_en_charge", date(saisine.lifecycle.taken_on));
    v.insert("pieces_demandees", request.as_ref().and_then(|r| r.description.clone()).unwrap_or_default());
    v.insert("date_demande", date(request.as_ref().and_then(|r| r.date)));
    v.insert("date_limite", date(request.as_ref().and_then(|r| r.due_on)));
    if let Stage::AwaitingDocuments { since, due_on } = saisine.lifecycle.stage {
        v.insert("date_demande", french(since));
        v.insert("date_limite", french(due_on));
    }
    v.insert("suite", saisine.lifecycle.outcome().map(|o| o.label().to_string()).unwrap_or_default());
    v.insert("synthese", closing.as_ref().and_then(|c| c.text.clone()).unwrap_or_default());
    v.insert("date_cloture", date(saisine.lifecycle.closed_on()));
    v.insert("mediateur.nom", writer.to_string());
    v.insert("caisse.nom", head.name.clone());
    v.insert("caisse.adresse", head.address.lines().map(str::trim).collect::<Vec<_>>().join(", "));
    v.insert("caisse.telephone", head.phone.clone());
    v.insert("caisse.courriel", head.email.clone());
    if let Some(referral) = &saisine.referral {
        v.insert("partenaire.organisation", referral.organisation.clone());
        v.insert("partenaire.contact", referral.contact_name.clone());
    }
    if let Some(action) = action {
        action_values(&mut v, action);
    }
    Ok(v)
}

/// What a step about to be recorded changes in the letter.
fn action_values(v: &mut Values, action: &Action) {
    match action {
        Action::TakeUp { on } => {
            v.insert("date_prise_en_charge", french(*on));
        }
        Action::RequestDocuments { on, due_on, description } => {
            v.insert("pieces_demandees", description.trim().to_string());
            v.insert("date_demande", french(*on));
            v.insert("date_limite", french(*due_on));
        }
        Action::Close { on, outcome, summary } => {
            v.insert("suite", outcome.map(|o| o.label().to_string()).unwrap_or_default());
            v.insert("synthese", summary.trim().to_string());
            v.insert("date_cloture", french(*on));
        }
        Action::ReceiveDocuments { .. } | Action::Reopen { .. } => {}
    }
}

/// A letter filled in, for the mediator to read and edit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proposal {
    pub kind: String,
    pub label: String,
    pub recipient: Recipient,
    pub subject: String,
    pub body: String,
}

/// The template `kind` rendered on the saisine (after `action`, for a step about to be done).
pub fn propose(
    conn: &mut DbConn,
    reference: Reference,
    kind: LetterKind,
    action: Option<&Action>,
    settings: &MailSettings,
    writer: &str,
    today: NaiveDate,
) -> AppResult<Proposal> {
    let saisine = saisines::find(conn, reference)?;
    if let Some(action) = action {
        // A step the rules refuse says so now, not after the letter was written.
        saisine.lifecycle.apply(action, today)?;
    }
    let head = store::letterhead(conn, &settings.mediation)?;
    let template = store::template(conn, kind)?;
    let values = values(conn, &saisine, action, &head, writer, today)?;
    // A template saved before a placeholder was withdrawn is still refused here, never guessed.
    let (_, subject, body) = TemplateText::check(&template.text.subject, &template.text.body)?;
    Ok(Proposal {
        kind: kind.code(),
        label: kind.label(),
        recipient: kind.recipient(),
        subject: subject.render(&values),
        body: body.render(&values),
    })
}

/// Renders any template text on a saisine: the administrator's preview.
pub fn preview(
    conn: &mut DbConn,
    reference: Reference,
    subject: &str,
    body: &str,
    settings: &MailSettings,
    writer: &str,
    today: NaiveDate,
) -> AppResult<(String, String)> {
    let (_, subject, body) = TemplateText::check(subject, body)?;
    let saisine = saisines::find(conn, reference)?;
    let head = store::letterhead(conn, &settings.mediation)?;
    let values = values(conn, &saisine, None, &head, writer, today)?;
    Ok((subject.render(&values), body.render(&values)))
}

/// A letter as the mediator sends it: already filled in and edited, plain text.
#[derive(Debug, Clone)]
pub struct LetterOrder {
    /// The template's code, or `libre`.
    pub kind: String,
    pub recipient: Recipient,
    pub delivery: Delivery,
    pub letter: LetterDraft,
    /// Documents of the saisine to join to an e-mail.
    pub attachments: Vec<i32>,
    /// A closing answer by e-mail carries a link to the satisfaction form.
    pub satisfaction: bool,
}

/// A letter on its own (a free message, a reminder, a letter written after its step).
pub fn send(
    conn: &mut DbConn,
    reference: Reference,
    order: &LetterOrder,
    settings: &MailSettings,
    stamp: &Stamp,
) -> AppResult<i32> {
    write(conn, |conn| {
        saisines::lock(conn, reference)?;
        let saisine = saisines::find(conn, reference)?;
        let id = write_letter(conn, &saisine, order, settings, stamp)?;
        // The reminder letter is the reminder: the "relance à envoyer" is done for this request.
        let waiting = matches!(saisine.lifecycle.stage, Stage::AwaitingDocuments { .. });
        if waiting && order.kind == LetterKind::Reminder.code() {
            let today = crate::domain::clock::paris_date(stamp.at);
            super::followups::remind(
                conn,
                reference,
                today,
                &format!("courrier « {} »", order.letter.subject),
                today,
                stamp,
            )?;
        }
        Ok(id)
    })
}

/// A lifecycle move and its letter, in one transaction: both are kept, or neither.
pub fn step_with_letter(
    conn: &mut DbConn,
    reference: Reference,
    action: &Action,
    order: Option<&LetterOrder>,
    settings: &MailSettings,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<()> {
    write(conn, |conn| {
        saisines::lock(conn, reference)?;
        let current = saisines::find(conn, reference)?;
        let next = apply_to(conn, &current, action, today, stamp, AuditAction::SaisineStep)?;
        if let Some(order) = order {
            write_letter(conn, &next, order, settings, stamp)?;
        }
        Ok(())
    })
}

/// Inside the caller's transaction: the PDF or the queued e-mail, the letter kept with the
/// saisine, its timeline entry and its audit record. Returns the letter's id.
pub(crate) fn write_letter(
    conn: &mut DbConn,
    saisine: &Saisine,
    order: &LetterOrder,
    settings: &MailSettings,
    stamp: &Stamp,
) -> AppResult<i32> {
    let head = store::letterhead(conn, &settings.mediation)?;
    let to_whom = match (order.recipient, &saisine.referral) {
        (Recipient::Partner, Some(r)) => format!("au partenaire ({})", r.organisation),
        (Recipient::Partner, None) => {
            return Err(refused("no_partner", "cette saisine n'a pas été adressée par un partenaire").into())
        }
        (Recipient::Person, _) => "à la personne".to_string(),
    };
    let (address, document, queued) = match order.delivery {
        Delivery::Post => {
            let (address, pdf) = post(saisine, order, &head, stamp)?;
            (address, pdf, None)
        }
        Delivery::Email => {
            let (address, raw, message_id) = email(conn, saisine, order, &head, settings, stamp)?;
            (address, raw, Some(message_id))
        }
    };
    let letter = NewLetter {
        saisine: saisine.id,
        kind: &order.kind,
        recipient: order.recipient,
        delivery: order.delivery,
        address: &address,
        subject: &order.letter.subject,
        body: &order.letter.body,
        document: &document,
    };
    let id = store::insert(conn, &letter, &stamp.actor.name, stamp.at)?;
    let kind = match &queued {
        Some(message_id) => {
            let subject = subject_line(saisine, &order.letter.subject);
            outbox::enqueue(
                conn,
                message_id,
                Some(saisine.id),
                Some(id),
                "courrier",
                &address,
                &subject,
                &document,
                stamp.at,
            )?;
            EventKind::CourrielEnvoye
        }
        None => EventKind::CourrierEnvoye,
    };
    let details =
        EventDetails { text: Some(format!("« {} » {to_whom}", order.letter.subject)), ..Default::default() };
    events::append(conn, saisine.id, kind, &details, stamp)?;
    saisines::touch(conn, saisine.id, stamp.at)?;
    let target = saisine.reference.to_string();
    audit::record(conn, stamp.actor, AuditAction::LetterWritten, &target, kind.code(), stamp.at)?;
    Ok(id)
}
