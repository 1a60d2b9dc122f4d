//! Duplicates merged into the saisine kept (`app::duplicates::merge`): the stored link from
//! each merged saisine to the one kept, and the reads that join their files.

use diesel::prelude::*;

use super::schema::saisines;
use super::{DbConn, DbResult};
use crate::domain::SaisineId;

/// The saisine `id` was merged into, with its reference, if it was.
pub fn merged_into(conn: &mut DbConn, id: SaisineId) -> DbResult<Option<(i32, String)>> {
    let kept: Option<i32> = saisines::table.find(id.0).select(saisines::merged_into).get_result(conn)?;
    let Some(kept) = kept else { return Ok(None) };
    Ok(saisines::table.find(kept).select((saisines::id, saisines::reference)).get_result(conn).optional()?)
}

/// The saisines merged into `id`, by reference: their timelines, documents and letters are
/// shown with its own.
pub fn merged_here(conn: &mut DbConn, id: SaisineId) -> DbResult<Vec<(i32, String)>> {
    Ok(saisines::table
        .filter(saisines::merged_into.eq(id.0))
        .order(saisines::reference.asc())
        .select((saisines::id, saisines::reference))
        .load(conn)?)
}

/// Links `other` to `kept`, with the saisines already merged into `other`: every merged
/// saisine points to the one kept, never to another merged one.
pub(crate) fn link(conn: &mut DbConn, other: SaisineId, kept: SaisineId) -> DbResult<()> {
    diesel::update(saisines::table.filter(saisines::merged_into.eq(other.0)))
        .set(saisines::merged_into.eq(kept.0))
        .execute(conn)?;
    diesel::update(saisines::table.find(other.0)).set(saisines::merged_into.eq(kept.0)).execute(conn)?;
    Ok(())
}
