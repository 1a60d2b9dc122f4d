//! Keeping each saisine's stored deadlines true: every use case that changes what they depend
//! on (the lifecycle, a reminder, the identity that finds duplicates, the settings) calls one
//! of these in its own transaction.

use super::AppResult;
use crate::db::{deadline_settings, schedule, DbConn};
use crate::domain::SaisineId;

/// After a move or a reminder: this saisine's deadlines.
pub(crate) fn after_change(conn: &mut DbConn, id: SaisineId) -> AppResult<()> {
    let settings = deadline_settings::load(conn)?;
    schedule::refresh(conn, id, &settings)?;
    Ok(())
}

/// The saisines that may be duplicates of `id` now: to pass to `after_identity_change` once
/// its identity or reception date has changed.
pub(crate) fn matches(conn: &mut DbConn, id: SaisineId) -> AppResult<Vec<i32>> {
    Ok(schedule::duplicates_of(conn, id)?.into_iter().map(|(other, _)| other).collect())
}

/// After a creation or an edit: this saisine, the ones it matched before (`before`: they may
/// have lost their only match) and the ones it matches now that were not flagged yet, since a
/// possible duplicate is flagged on both sides. A person with many saisines in one week thus
/// costs each new one a single indexed query, not a pass over all of them.
pub(crate) fn after_identity_change(conn: &mut DbConn, id: SaisineId, before: &[i32]) -> AppResult<()> {
    let settings = deadline_settings::load(conn)?;
    let now = matches(conn, id)?;
    let mut ids = schedule::unflagged_received(conn, &now)?;
    ids.extend(before.iter().filter(|other| !now.contains(other)));
    ids.push(id.0);
    ids.sort_unstable();
    ids.dedup();
    schedule::refresh_many(conn, &ids, &settings)?;
    Ok(())
}

/// After an import: the `stale` saisines' deadlines computed in batches; among the `created`
/// ones (written with the deadlines of a saisine without duplicate), those that may be
/// duplicates computed again; then the saisines they may duplicate that were not flagged yet,
/// as `after_identity_change` does for one.
pub(crate) fn after_bulk_insert(conn: &mut DbConn, stale: &[i32], created: &[i32]) -> AppResult<()> {
    let settings = deadline_settings::load(conn)?;
    let mut others = schedule::refresh_batch(conn, stale, &settings)?;
    let (matched, matched_others) = schedule::with_duplicates(conn, created)?;
    schedule::refresh_many(conn, &matched, &settings)?;
    others.extend(matched_others);
    others.sort_unstable();
    others.dedup();
    for part in others.chunks(500) {
        let unflagged = schedule::unflagged_received(conn, part)?;
        schedule::refresh_many(conn, &unflagged, &settings)?;
    }
    Ok(())
}

/// After a settings change: every open saisine, with the new settings.
pub(crate) fn after_settings_change(conn: &mut DbConn) -> AppResult<()> {
    let settings = deadline_settings::load(conn)?;
    let ids = schedule::open_ids(conn)?;
    schedule::refresh_many(conn, &ids, &settings)?;
    Ok(())
}
