//! Queries about partner submissions.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{audit_log, used_form_tokens};
use super::{DbConn, DbError, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::DomainError;

/// Whether one address has sent `limit` submissions in the last hour: the rate limit. Counts
/// no further than the limit, so a busy address (a partner's proxy) costs the same as a quiet
/// one.
pub fn limit_reached(conn: &mut DbConn, ip: &str, now: NaiveDateTime, limit: i64) -> DbResult<bool> {
    let recent = audit_log::table
        .filter(audit_log::ip.eq(ip))
        .filter(audit_log::action.eq(AuditAction::PartnerSubmission.code()))
        .filter(audit_log::at.ge(now - Duration::hours(1)))
        .select(audit_log::id)
        .limit(limit.max(0));
    let found: i64 = super::bounded_count::CountOf(recent).get_result(conn)?;
    Ok(found >= limit)
}

/// The form token a submission came with: its nonce, and when the token expires.
pub struct FormToken<'a> {
    pub nonce: &'a str,
    pub expires_at: NaiveDateTime,
}

/// Marks a form token used. A token seen before, on this instance or another, is refused;
/// nonces are kept until their token expires, then forgotten.
pub fn use_token(conn: &mut DbConn, token: &FormToken<'_>, now: NaiveDateTime) -> DbResult<()> {
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
