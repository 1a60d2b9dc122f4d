//! Loading many saisines at once, as they stand (facts and lifecycle), in one transaction
//! and a few multi-row statements: for data sets (the report's benchmark and property
//! tests) and the import. References follow each year's sequence; each saisine
//! gets its `creee` timeline entry. Nothing is checked here that the domain did not check:
//! callers build the lifecycles with `Lifecycle::apply`.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use diesel::prelude::*;

use super::connection::insert_rows;

use super::models::{FactsColumns, LifecycleColumns, NewEventRow, ScheduleRow};
use super::pool::write_transaction;
use super::saisines::Stamp;
use super::schema::{events, reference_counters, saisine_motifs, saisines};
use super::{DbConn, DbError, DbResult};
use crate::domain::{EventDetails, EventKind, Lifecycle, Reference, SaisineFacts};

/// Rows per statement: well under SQLite's limit of bound parameters.
const CHUNK: usize = 500;

/// Inserts the saisines in order and returns their references.
pub fn insert_saisines(
    conn: &mut DbConn,
    saisines: &[(SaisineFacts, Lifecycle)],
    stamp: &Stamp,
) -> DbResult<Vec<Reference>> {
    write_transaction(conn, |conn| {
        let references = reserve_references(conn, saisines)?;
        for (chunk, refs) in saisines.chunks(CHUNK).zip(references.chunks(CHUNK)) {
            insert_chunk(conn, chunk, refs, stamp)?;
        }
        Ok(references)
    })
}

/// Takes the next numbers of each year's sequence, all at once.
fn reserve_references(conn: &mut DbConn, saisines: &[(SaisineFacts, Lifecycle)]) -> DbResult<Vec<Reference>> {
    let mut next: BTreeMap<i32, i32> = BTreeMap::new();
    let mut references = Vec::with_capacity(saisines.len());
    for (facts, _) in saisines {
        let year = facts.received_on.year();
        let sequence = match next.get(&year) {
            Some(last) => last + 1,
            None => last_sequence(conn, year)? + 1,
        };
        next.insert(year, sequence);
        references.push(Reference::new(year, sequence).map_err(|_| DbError::Corrupt(format!("séquence {year}"))))
    }
    for (year, last) in next {
        diesel::delete(reference_counters::table.find(year)).execute(conn)?;
        diesel::insert_into(reference_counters::table)
            .values((reference_counters::year.eq(year), reference_counters::last_sequence.eq(last)))
            .execute(conn)?;
    }
    references.into_iter().collect()
}

fn last_sequence(conn: &mut DbConn, year: i32) -> DbResult<i32> {
    Ok(reference_counters::table
        .find(year)
        .select(reference_counters::last_sequence)
        .get_result(conn)
        .optional()?
        .unwrap_or(0))
}

fn insert_chunk(
    conn: &mut DbConn,
    chunk: &[(SaisineFacts, Lifecycle)],
    references: &[Reference],
    stamp: &Stamp,
) -> DbResult<()> {
    let saisines: Vec<(&SaisineFacts, &Lifecycle)> = chunk.iter().map(|(f, l)| (f, l)).collect();
    insert_with_entry(conn, &saisines, references, None, EventKind::Creee, &EventDetails::default(), stamp)?;
    Ok(())
}

/// Inserts saisines under the given references (at most `CHUNK` of them), with their motifs
/// and one timeline entry each, in three multi-row statements, and their deadlines when given
/// (else they are left to compute, as stale). The caller's transaction holds the write lock and
/// has reserved the references. Returns their ids, in order.
pub fn insert_with_entry(
    conn: &mut DbConn,
    saisines: &[(&SaisineFacts, &Lifecycle)],
    references: &[Reference],
    schedules: Option<&[ScheduleRow]>,
    kind: EventKind,
    details: &EventDetails,
    stamp: &Stamp,
) -> DbResult<Vec<i32>> {
    if saisines.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<_> = saisines
        .iter()
        .zip(references)
        .map(|((facts, lifecycle), reference)| {
            (
                saisines::reference.eq(reference.to_string()),
                FactsColumns::from(*facts),
                LifecycleColumns::from(*lifecycle),
                saisines::created_at.eq(stamp.at),
                saisines::updated_at.eq(stamp.at),
            )
        })
        .collect();
    match schedules {
        // Written with the row: no second write of each new row (on PostgreSQL an update that
        // changes indexed columns writes a new version of the row into every index).
        Some(schedules) => {
            let rows: Vec<_> = rows.into_iter().zip(schedules.iter().cloned()).collect();
            insert_rows!(conn, saisines::table, rows)?
        }
        None => insert_rows!(conn, saisines::table, rows)?,
    };
    let texts: Vec<String> = references.iter().map(Reference::to_string).collect();
    let ids: HashMap<String, i32> = saisines::table
        .filter(saisines::reference.eq_any(&texts))
        .select((saisines::reference, saisines::id))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect();
    let id_of = |reference: &String| ids.get(reference).copied().ok_or(DbError::NotFound);
    let details = serde_json::to_string(details).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let mut motifs = Vec::new();
    let mut entries = Vec::with_capacity(saisines.len());
    let mut new_ids = Vec::with_capacity(saisines.len());
    for ((facts, _), reference) in saisines.iter().zip(&texts) {
        let id = id_of(reference)?;
        new_ids.push(id);
        motifs.extend(
            facts.motifs.iter().map(|m| (saisine_motifs::saisine_id.eq(id), saisine_motifs::motif.eq(m.0.clone()))),
        );
        entries.push(NewEventRow {
            saisine_id: id,
            kind: kind.code().to_string(),
            occurred_at: stamp.at,
            actor: stamp.actor.name.clone(),
            actor_id: stamp.actor.id.map(|u| u.0),
            details: details.clone(),
        });
    }
    for part in motifs.chunks(CHUNK) {
        insert_rows!(conn, saisine_motifs::table, part.to_vec())?;
    }
    insert_rows!(conn, events::table, &entries)?;
    Ok(new_ids)
}
