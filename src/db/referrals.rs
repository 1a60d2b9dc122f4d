//! Queries about partner submissions.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConn, DbResult};
use crate::auth::audit::AuditAction;

/// Submissions from one address in the last hour: the rate limit's measure.
pub fn recent_from(conn: &mut DbConn, ip: &str, now: NaiveDateTime) -> DbResult<i64> {
    Ok(audit_log::table
        .filter(audit_log::ip.eq(ip))
        .filter(audit_log::action.eq(AuditAction::PartnerSubmission.code()))
        .filter(audit_log::at.ge(now - Duration::hours(1)))
        .count()
        .get_result(conn)?)
}
