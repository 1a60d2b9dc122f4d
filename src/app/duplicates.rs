//! Possible duplicates a mediator looked at: a pair dismissed is never flagged again.

use super::{schedule, write, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::{audit, duplicates, events, saisines as store, DbConn};
use crate::domain::{DomainError, EventDetails, EventKind, Reference};

/// Records that `other` is not the same request as `reference` (both ways), with a timeline
/// entry on each and an audit record; both lose the flag if nothing else matches them.
pub fn dismiss(conn: &mut DbConn, reference: Reference, other: Reference, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        let (id, other_id) = (store::id_of(conn, reference)?, store::id_of(conn, other)?);
        let flagged = schedule::matches(conn, id)?;
        if !flagged.contains(&other_id.0) {
            return Err(DomainError::refused(
                "not_a_duplicate",
                format!("la saisine {other} n'est pas signalée comme doublon possible de celle-ci"),
            )
            .into());
        }
        duplicates::dismiss(conn, id, other_id, &stamp.actor.name, stamp.at)?;
        for (on, about) in [(id, other), (other_id, reference)] {
            let text = format!("La saisine {about} n'est pas la même demande.");
            let details = EventDetails { text: Some(text), ..Default::default() };
            events::append(conn, on, EventKind::DoublonEcarte, &details, stamp)?;
            store::touch(conn, on, stamp.at)?;
        }
        schedule::after_identity_change(conn, id, &flagged)?;
        let target = reference.to_string();
        Ok(audit::record(conn, stamp.actor, AuditAction::DuplicateDismissed, &target, &other.to_string(), stamp.at)?)
    })
}
