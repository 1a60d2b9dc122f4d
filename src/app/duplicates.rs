//! Possible duplicates a mediator looked at: a pair dismissed is never flagged again; a pair
//! merged becomes one saisine, the other closed and pointing to it.

use chrono::NaiveDate;

use super::{schedule, write, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::{audit, deadline_settings, duplicates, events, merges, saisines as store, DbConn};
use crate::domain::merge::{check_merge, MergeSide};
use crate::domain::{Action, DomainError, EventDetails, EventKind, Outcome, Reference};

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

/// Merges the duplicate `other` into `kept`, in one transaction: `other` is closed (as an
/// orientation towards the saisine kept, when still open) and points to `kept`, whose page
/// then shows its timeline, documents and letters with its own; one entry on each timeline,
/// one audit record. From then on `other` counts in no figure and leaves the lists.
pub fn merge(conn: &mut DbConn, kept: Reference, other: Reference, today: NaiveDate, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        // Locked in a fixed order, so that two merges of the same pair never wait on each other.
        let (first, second) = if kept < other { (kept, other) } else { (other, kept) };
        store::lock(conn, first)?;
        store::lock(conn, second)?;
        let (kept_saisine, other_saisine) = (store::find(conn, kept)?, store::find(conn, other)?);
        check_merge(&side(conn, &kept_saisine)?, &side(conn, &other_saisine)?)?;
        let (kept_id, other_id) = (kept_saisine.id, other_saisine.id);
        let matched = schedule::matches(conn, other_id)?;
        if other_saisine.lifecycle.status().is_open() {
            let summary = format!("Doublon de la saisine {kept} : la demande y est traitée.");
            let close = Action::Close { on: today, outcome: Some(Outcome::Orientation), summary };
            store::set_lifecycle(conn, other_id, &other_saisine.lifecycle.apply(&close, today)?)?;
        }
        merges::link(conn, other_id, kept_id)?;
        let entries = [
            (kept_id, EventKind::Fusion, format!("La saisine {other}, doublon de celle-ci, y est fusionnée : son historique, ses pièces jointes et ses courriers sont joints à cette page.")),
            (other_id, EventKind::FusionneeDans, format!("Doublon de la saisine {kept} : fusionnée dans celle-ci et clôturée.")),
        ];
        for (on, kind, text) in entries {
            let details = EventDetails { date: Some(today), text: Some(text), ..Default::default() };
            events::append(conn, on, kind, &details, stamp)?;
            store::touch(conn, on, stamp.at)?;
        }
        // Both lose the flag, and so may the saisines `other` matched.
        let mut ids = matched;
        ids.extend([kept_id.0, other_id.0]);
        ids.sort_unstable();
        ids.dedup();
        let settings = deadline_settings::load(conn)?;
        crate::db::schedule::refresh_many(conn, &ids, &settings)?;
        let target = kept.to_string();
        Ok(audit::record(conn, stamp.actor, AuditAction::DuplicateMerged, &target, &other.to_string(), stamp.at)?)
    })
}

/// What the merge rules read of a saisine.
fn side(conn: &mut DbConn, saisine: &crate::domain::Saisine) -> AppResult<MergeSide> {
    let merged_into = merges::merged_into(conn, saisine.id)?.and_then(|(_, r)| r.parse().ok());
    let anonymised = crate::db::retention::anonymised_at(conn, saisine.id)?.is_some();
    Ok(MergeSide { reference: saisine.reference, anonymised, merged_into })
}
