//! Saisines submitted by partners through the public form.

use chrono::NaiveDateTime;

use super::saisines::create;
use super::{write, Actor, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::attachments::{self, NewAttachment};
use crate::db::reference_lists::ReferenceLists;
use crate::db::referrals::{self, FormToken};
use crate::db::{audit, saisines as store, DbConn};
use crate::domain::clock::paris_date;
use crate::domain::referral::{ReferralDraft, ORIGIN};
use crate::domain::Reference;

/// Validates and records a partner's submission with its files, all in one transaction,
/// which also spends the form's token.
pub fn submit(
    conn: &mut DbConn,
    draft: &ReferralDraft,
    files: &[NewAttachment],
    token: &FormToken<'_>,
    ip: &str,
    at: NaiveDateTime,
) -> AppResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let (facts, referral) = draft.validate(&lists.allowed(&[], None), paris_date(at))?;
    let actor =
        Actor { id: None, name: format!("{} ({})", referral.contact_name, referral.organisation), ip: ip.to_string() };
    let stamp = Stamp { actor: &actor, at };
    write(conn, |conn| {
        referrals::use_token(conn, token, at)?;
        let (reference, id) = create(conn, &facts, Some(ORIGIN), &stamp)?;
        store::set_referral(conn, id, &referral)?;
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
