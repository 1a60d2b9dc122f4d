//! Saisines submitted by partners through the public form.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::attachments::{self, NewAttachment};
use super::audit::{self, Actor};
use super::pool::write_transaction;
use super::reference_lists::ReferenceLists;
use super::saisines::{self, Stamp};
use super::schema::{audit_log, saisines as saisine_table, used_form_tokens};
use super::{DbConn, DbError, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::referral::ReferralDraft;
use crate::domain::{DomainError, Reference};

/// What the timeline says of a saisine that came through the partner form.
pub const ORIGIN: &str = "déposée par le formulaire partenaire";

/// Submissions from one address in the last hour: the rate limit's measure.
pub fn recent_from(conn: &mut DbConn, ip: &str, now: NaiveDateTime) -> DbResult<i64> {
    Ok(audit_log::table
        .filter(audit_log::ip.eq(ip))
        .filter(audit_log::action.eq(AuditAction::PartnerSubmission.code()))
        .filter(audit_log::at.ge(now - Duration::hours(1)))
        .count()
        .get_result(conn)?)
}

/// The form token a submission came with: its nonce, and when the token expires.
pub struct FormToken<'a> {
    pub nonce: &'a str,
    pub expires_at: NaiveDateTime,
}

/// Marks a form token used. A token seen before, on this instance or another, is refused;
/// nonces are kept until their token expires, then forgotten.
fn use_token(conn: &mut DbConn, token: &FormToken<'_>, now: NaiveDateTime) -> DbResult<()> {
    diesel::delete(used_form_tokens::table.filter(used_form_tokens::expires_at.lt(now))).execute(conn)?;
    let inserted = diesel::insert_into(used_form_tokens::table)
        .values((used_form_tokens::nonce.eq(token.nonce), used_form_tokens::expires_at.eq(token.expires_at)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(DbError::Domain(DomainError::invalid(
                "form_token",
                "form_token_used",
                "Ce formulaire a déjà été envoyé : la saisine est enregistrée. Pour en déposer une autre, \
                 vérifiez vos informations puis renvoyez-le.",
            )))
        }
        Err(other) => Err(other.into()),
    }
}

/// Validates and records a partner's submission with its files, all in one transaction,
/// which also spends the form's token.
pub fn submit(
    conn: &mut DbConn,
    draft: &ReferralDraft,
    files: &[NewAttachment],
    token: &FormToken<'_>,
    ip: &str,
    at: NaiveDateTime,
) -> DbResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let (facts, referral) = draft.validate(&lists.allowed(&[], None), crate::domain::clock::paris_date(at))?;
    let actor =
        Actor { id: None, name: format!("{} ({})", referral.contact_name, referral.organisation), ip: ip.to_string() };
    let stamp = Stamp { actor: &actor, at };
    write_transaction(conn, |conn| {
        use_token(conn, token, at)?;
        let reference = saisines::create_with_note(conn, &facts, Some(ORIGIN), &stamp)?;
        diesel::update(saisine_table::table.filter(saisine_table::reference.eq(reference.to_string())))
            .set((
                saisine_table::partner_organisation.eq(&referral.organisation),
                saisine_table::partner_contact_name.eq(&referral.contact_name),
                saisine_table::partner_contact_email.eq(referral.contact_email.as_str()),
                saisine_table::partner_contact_phone
                    .eq(referral.contact_phone.as_ref().map(|p| p.as_str().to_string())),
                saisine_table::consent_given.eq(true),
            ))
            .execute(conn)?;
        let id = saisines::id_of(conn, reference)?;
        for file in files {
            attachments::add(conn, id, file, &actor.name, at)?;
        }
        audit::record(
            conn,
            &actor,
            AuditAction::PartnerSubmission,
            &reference.to_string(),
            &files.len().to_string(),
            at,
        )?;
        Ok(reference)
    })
}
