//! E-mails the application writes by itself: the partner's acknowledgement and the team's
//! notice of a new partner saisine (written to the outbox with the submission, in its
//! transaction), and each mediator's daily digest of overdue items (written by the delivery
//! worker, or `mediation mail send`, from 7 a.m.).

use chrono::{NaiveDateTime, Timelike};

use super::letters::{subject_line, values, write_letter, LetterOrder, MailSettings};
use super::outbox::enqueue;
use super::{write, Actor, AppError, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::auth::UserId;
use crate::db::attachments::NewAttachment;
use crate::db::letters as store;
use crate::db::queue::{self, Scope};
use crate::db::{audit, digests};
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
    token: &crate::db::referrals::FormToken<'_>,
    ip: &str,
    at: NaiveDateTime,
    notice: &PartnerNotice,
) -> AppResult<Reference> {
    write(conn, |conn| {
        let reference = super::referrals::submit(conn, draft, files, token, ip, at)?;
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
        satisfaction: false,
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

/// A mediator chooses (or stops) the daily digest of their overdue items.
pub fn set_digest(conn: &mut DbConn, user: UserId, on: bool, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        if digests::set(conn, user, on)? {
            let details = if on { "synthèse quotidienne demandée" } else { "synthèse quotidienne arrêtée" };
            audit::record(conn, stamp.actor, AuditAction::AccountChanged, &user.0.to_string(), details, stamp.at)?;
        }
        Ok(())
    })
}

/// The hour (Paris time) from which the day's digests are written.
const DIGEST_HOUR: u32 = 7;

/// Writes to the outbox, once a day from 7 a.m., each subscriber's digest of their overdue
/// items (nothing when none is late). Returns how many were written.
pub fn queue_digests(conn: &mut DbConn, settings: &MailSettings, now: NaiveDateTime) -> AppResult<usize> {
    let Some(from) = &settings.from else { return Ok(0) };
    let local = now.and_utc().with_timezone(&chrono_tz::Europe::Paris);
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let today = local.date_naive();
    let mut written = 0;
    for (user, address, name) in digests::due(conn, today)? {
        let wrote = write(conn, |conn| {
            if !digests::mark(conn, user, today)? {
                return Ok(false);
            }
            // Late ones come first on the queue: its first 500 entries hold them all (or the 500 oldest).
            let (_, entries) = queue::entries(conn, Scope::Mine(user), today, 0, 500)?;
            let late: Vec<String> = entries
                .iter()
                .flat_map(|e| e.attentions.iter().filter(|a| a.late).map(move |a| (e.reference, a)))
                .map(|(reference, a)| format!("- {reference} : {} (échéance du {})", a.kind.label(), french(a.due)))
                .collect();
            if late.is_empty() {
                return Ok(false);
            }
            let base = settings.public_url.as_deref().unwrap_or("").trim_end_matches('/');
            let subject = format!("[Médiation] Vos saisines en retard au {}", french(today));
            let body = format!(
                "Bonjour {name},\n\nVoici vos saisines en retard au {} :\n\n{}\n\nVotre file « à traiter » : {base}/a-traiter\n\n\
                 Vous recevez ce message parce que vous avez demandé la synthèse quotidienne ; elle s'arrête depuis \
                 votre compte : {base}/compte/synthese\n",
                french(today),
                late.join("\n")
            );
            let message_id = mail::new_message_id(from);
            let outgoing = Outgoing {
                to: &address,
                subject: &subject,
                body: &body,
                attachments: &[],
                message_id: &message_id,
                at: now,
            };
            match mail::compose(from, &outgoing) {
                Ok(raw) => enqueue(conn, &message_id, None, None, "synthese", &address, &subject, &raw, now)?,
                Err(e) => tracing::error!(error = %e, "synthèse quotidienne impossible à composer"),
            }
            Ok(true)
        })?;
        written += usize::from(wrote);
    }
    Ok(written)
}
