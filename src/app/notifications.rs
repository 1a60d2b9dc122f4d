//! E-mails the application writes by itself: the partner's acknowledgement and the team's
//! notice of a new partner saisine (written to the outbox with the submission, in its
//! transaction), and each mediator's daily digest of overdue items.

use chrono::NaiveDateTime;

use super::letters::{subject_line, values, write_letter, LetterOrder, MailSettings};
use super::outbox::enqueue;
use super::{write, Actor, AppError, AppResult, Stamp};
use crate::db::attachments::NewAttachment;
use crate::db::letters as store;
use crate::db::{saisines, DbConn};
use crate::domain::clock::paris_date;
use crate::domain::dates::french;
use crate::domain::letters::{Delivery, LetterDraft, LetterKind, TemplateText};
use crate::domain::referral::ReferralDraft;
use crate::domain::{Reference, Saisine};
use crate::mail::{self, Outgoing};

/// What a partner's submission sends besides being recorded.
pub struct PartnerNotice<'a> {
    pub settings: &'a MailSettings,
    /// The team's address (`team_address`), told of each new partner saisine.
    pub team: Option<&'a str>,
    /// The signed link to the acknowledgement PDF, for a reference.
    pub link: &'a (dyn Fn(Reference) -> String + Send + Sync),
}

/// Records a partner's submission and, in the same transaction, queues the partner's
/// acknowledgement and the team's notice (when e-mail is configured).
pub fn partner_submission(
    conn: &mut DbConn,
    draft: &ReferralDraft,
    files: &[NewAttachment],
    ip: &str,
    at: NaiveDateTime,
    notice: &PartnerNotice,
) -> AppResult<Reference> {
    write(conn, |conn| {
        let reference = super::referrals::submit(conn, draft, files, ip, at)?;
        if notice.settings.from.is_none() {
            return Ok(reference);
        }
        let saisine = saisines::find(conn, reference)?;
        let actor = Actor::system("Envoi des courriels");
        let stamp = Stamp { actor: &actor, at };
        // In a savepoint: an acknowledgement that cannot be written never loses the submission.
        match write(conn, |conn| acknowledge(conn, &saisine, notice, &stamp)) {
            Err(AppError::Domain(e)) => tracing::error!(error = %e, "accusé de réception au partenaire impossible"),
            other => other?,
        }
        if let Some(team) = notice.team.filter(|t| !t.trim().is_empty()) {
            tell_team(conn, &saisine, team, notice.settings, at)?;
        }
        Ok(reference)
    })
}

/// The partner's acknowledgement, from its template, kept with the saisine like any letter.
fn acknowledge(conn: &mut DbConn, saisine: &Saisine, notice: &PartnerNotice, stamp: &Stamp) -> AppResult<()> {
    let kind = LetterKind::PartnerAcknowledgement;
    let head = store::letterhead(conn, &notice.settings.mediation)?;
    let signer = head.signature.lines().next().unwrap_or_default().to_string();
    let mut values = values(conn, saisine, None, &head, &signer, paris_date(stamp.at))?;
    values.insert("lien_accuse", (notice.link)(saisine.reference));
    let template = store::template(conn, kind)?;
    let (_, subject, body) = TemplateText::check(&template.text.subject, &template.text.body)?;
    let letter = LetterDraft::check(&subject.render(&values), &body.render(&values))?;
    let order = LetterOrder {
        kind: kind.code(),
        recipient: kind.recipient(),
        delivery: Delivery::Email,
        letter,
        attachments: Vec::new(),
    };
    write_letter(conn, saisine, &order, notice.settings, stamp)?;
    Ok(())
}

/// The team's notice: the reference, the partner and a link, nothing about the person.
fn tell_team(
    conn: &mut DbConn,
    saisine: &Saisine,
    team: &str,
    settings: &MailSettings,
    at: NaiveDateTime,
) -> AppResult<()> {
    let Some(from) = &settings.from else { return Ok(()) };
    let organisation = saisine.referral.as_ref().map(|r| r.organisation.as_str()).unwrap_or("un partenaire");
    let base = settings.public_url.as_deref().unwrap_or("").trim_end_matches('/');
    let subject = subject_line(saisine, "Nouvelle saisine d'un partenaire");
    let body = format!(
        "Une saisine a été déposée par {organisation} le {} par le formulaire des partenaires.\n\n\
         Elle est enregistrée sous la référence {} et attend sa prise en charge :\n{base}/saisines/{}\n",
        french(paris_date(at)),
        saisine.reference,
        saisine.reference
    );
    let message_id = mail::new_message_id(from);
    let outgoing = Outgoing { to: team, subject: &subject, body: &body, attachments: &[], message_id: &message_id, at };
    // A wrong team address in the settings must not lose the partner's submission.
    match mail::compose(from, &outgoing) {
        Ok(raw) => enqueue(conn, &message_id, Some(saisine.id), None, "notification_equipe", team, &subject, &raw, at),
        Err(e) => {
            tracing::error!(error = %e, "notification de l'équipe impossible (team_address)");
            Ok(())
        }
    }
}
