//! Saisines submitted by partners through the public form.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::attachments::{self, NewAttachment};
use super::audit::{self, Actor};
use super::pool::write_transaction;
use super::reference_lists::ReferenceLists;
use super::saisines::{self, Stamp};
use super::schema::{audit_log, saisines as saisine_table};
use super::{DbConn, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::referral::ReferralDraft;
use crate::domain::Reference;

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

/// Validates and records a partner's submission with its files, all in one transaction.
pub fn submit(
    conn: &mut DbConn,
    draft: &ReferralDraft,
    files: &[NewAttachment],
    ip: &str,
    at: NaiveDateTime,
) -> DbResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let (facts, referral) = draft.validate(&lists.allowed(&[], None), crate::domain::clock::paris_date(at))?;
    let actor =
        Actor { id: None, name: format!("{} ({})", referral.contact_name, referral.organisation), ip: ip.to_string() };
    let stamp = Stamp { actor: &actor, at };
    write_transaction(conn, |conn| {
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
