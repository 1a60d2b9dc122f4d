//! The timeline of a saisine: appended to, never changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::NewEventRow;
use super::saisines::Stamp;
use super::schema::events;
use super::{DbConn, DbError, DbResult};
use crate::domain::{EventDetails, EventKind, SaisineId};

/// One timeline entry as read back.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub details: EventDetails,
}

pub fn append(
    conn: &mut DbConn,
    saisine: SaisineId,
    kind: EventKind,
    details: &EventDetails,
    stamp: &Stamp,
) -> DbResult<()> {
    let details = serde_json::to_string(details).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let row = NewEventRow {
        saisine_id: saisine.0,
        kind: kind.code().to_string(),
        occurred_at: stamp.at,
        actor: stamp.actor.name.clone(),
        actor_id: stamp.actor.id.map(|u| u.0),
        details,
    };
    diesel::insert_into(events::table).values(&row).execute(conn)?;
    Ok(())
}

/// Oldest first, in the order they were written.
pub fn for_saisine(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<Event>> {
    Ok(for_saisines(conn, &[saisine.0])?.into_iter().map(|(_, event)| event).collect())
}

/// The entries of several saisines (one kept and the duplicates merged into it), each with
/// its saisine's id, in the order they were written: each entry once.
pub fn for_saisines(conn: &mut DbConn, ids: &[i32]) -> DbResult<Vec<(i32, Event)>> {
    let rows: Vec<(i32, String, NaiveDateTime, String, String)> = events::table
        .filter(events::saisine_id.eq_any(ids))
        .order(events::id.asc())
        .select((events::saisine_id, events::kind, events::occurred_at, events::actor, events::details))
        .load(conn)?;
    rows.into_iter()
        .map(|(saisine, kind, occurred_at, actor, details)| {
            let event = Event {
                kind: EventKind::from_code(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("type d'événement inconnu : {kind}")))?,
                occurred_at,
                actor,
                details: serde_json::from_str(&details).map_err(|e| DbError::Corrupt(e.to_string()))?,
            };
            Ok((saisine, event))
        })
        .collect()
}
