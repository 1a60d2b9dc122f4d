//! Reading one saisine, and the row-level writes the use cases (`app::saisines`) compose in
//! their transactions.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::Connection;

use super::audit::Actor;
use super::models::{FactsColumns, LifecycleColumns, SaisineRow};
use super::schema::{reference_counters, saisine_motifs, saisines};
use super::{DbConn, DbError, DbResult};
use crate::auth::UserId;
use crate::domain::{Lifecycle, Reference, Saisine, SaisineFacts, SaisineId};

/// Who did it and when: every write records both.
#[derive(Debug, Clone)]
pub struct Stamp<'a> {
    pub actor: &'a Actor,
    pub at: NaiveDateTime,
}

fn bump_counter(conn: &mut DbConn, year: i32, by: i32) -> DbResult<usize> {
    Ok(diesel::update(reference_counters::table.find(year))
        .set(reference_counters::last_sequence.eq(reference_counters::last_sequence + by))
        .execute(conn)?)
}

/// Takes the next number of the year's sequence, inside the caller's write transaction. The
/// counter's row lock (PostgreSQL) or the write lock (SQLite) serialises writers, so two
/// saisines never get the same number, even from two instances.
pub(crate) fn next_reference(conn: &mut DbConn, year: i32) -> DbResult<Reference> {
    let mut taken = next_references(conn, year, 1)?;
    taken.pop().ok_or_else(|| DbError::Corrupt(format!("séquence {year} vide")))
}

/// Takes the next `count` numbers of the year's sequence at once (an import's batch): one
/// update of the counter, not one per saisine. On PostgreSQL each update of a row leaves a
/// version the same transaction cannot clean up, so a counter bumped once per line made every
/// later bump and read walk all the earlier versions (an import of 100,000 lines spent two
/// minutes there).
pub(crate) fn next_references(conn: &mut DbConn, year: i32, count: usize) -> DbResult<Vec<Reference>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let by = i32::try_from(count).map_err(|_| DbError::Corrupt(format!("{count} numéros demandés")))?;
    if bump_counter(conn, year, by)? == 0 {
        // First saisine of the year. Another instance may create the row at the same moment:
        // the insert runs in a savepoint, and on a conflict the row now exists to bump.
        let created = conn.transaction(|conn| {
            diesel::insert_into(reference_counters::table)
                .values((reference_counters::year.eq(year), reference_counters::last_sequence.eq(by)))
                .execute(conn)
        });
        match created {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                bump_counter(conn, year, by)?;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let last: i32 = reference_counters::table.find(year).select(reference_counters::last_sequence).get_result(conn)?;
    (last - by + 1..=last)
        .map(|sequence| {
            Reference::new(year, sequence).map_err(|_| DbError::Corrupt(format!("séquence {year} invalide")))
        })
        .collect()
}

pub(crate) fn replace_motifs(conn: &mut DbConn, id: SaisineId, facts: &SaisineFacts) -> DbResult<()> {
    diesel::delete(saisine_motifs::table.filter(saisine_motifs::saisine_id.eq(id.0))).execute(conn)?;
    // One row at a time: batch inserts are not portable across the two backends.
    for motif in &facts.motifs {
        diesel::insert_into(saisine_motifs::table)
            .values((saisine_motifs::saisine_id.eq(id.0), saisine_motifs::motif.eq(motif.0.as_str())))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a new saisine's row with its motifs; returns its id.
pub(crate) fn insert(
    conn: &mut DbConn,
    reference: Reference,
    facts: &SaisineFacts,
    lifecycle: &Lifecycle,
    at: NaiveDateTime,
) -> DbResult<SaisineId> {
    diesel::insert_into(saisines::table)
        .values((
            saisines::reference.eq(reference.to_string()),
            FactsColumns::from(facts),
            LifecycleColumns::from(lifecycle),
            saisines::created_at.eq(at),
            saisines::updated_at.eq(at),
        ))
        .execute(conn)?;
    let id = id_of(conn, reference)?;
    replace_motifs(conn, id, facts)?;
    Ok(id)
}

pub fn id_of(conn: &mut DbConn, reference: Reference) -> DbResult<SaisineId> {
    saisines::table
        .filter(saisines::reference.eq(reference.to_string()))
        .select(saisines::id)
        .get_result(conn)
        .optional()?
        .map(SaisineId)
        .ok_or(DbError::NotFound)
}

pub fn motifs_of(conn: &mut DbConn, ids: &[i32]) -> DbResult<Vec<(i32, String)>> {
    Ok(saisine_motifs::table
        .filter(saisine_motifs::saisine_id.eq_any(ids))
        .order((saisine_motifs::saisine_id, saisine_motifs::motif))
        .select((saisine_motifs::saisine_id, saisine_motifs::motif))
        .load(conn)?)
}

/// Turns rows into saisines, fetching the motifs of all of them in one query.
pub fn with_motifs(conn: &mut DbConn, rows: Vec<SaisineRow>) -> DbResult<Vec<Saisine>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let motifs = motifs_of(conn, &ids)?;
    let mut external = super::import::external_references_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let own = motifs.iter().filter(|(id, _)| *id == row.id).map(|(_, m)| m.clone()).collect();
            let external_reference = external.remove(&row.id);
            row.into_saisine(own).map(|saisine| Saisine { external_reference, ..saisine })
        })
        .collect()
}

pub fn find(conn: &mut DbConn, reference: Reference) -> DbResult<Saisine> {
    let row: SaisineRow = saisines::table
        .filter(saisines::reference.eq(reference.to_string()))
        .select(SaisineRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    with_motifs(conn, vec![row])?.pop().ok_or(DbError::NotFound)
}

/// Locks the saisine's row for the rest of the transaction (PostgreSQL; SQLite's write lock
/// is already held), so that two moves on it never both pass the domain's checks.
pub(crate) fn lock(conn: &mut DbConn, reference: Reference) -> DbResult<()> {
    let locked = diesel::update(saisines::table.filter(saisines::reference.eq(reference.to_string())))
        .set(saisines::updated_at.eq(saisines::updated_at))
        .execute(conn)?;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Marks the saisine as changed at `at`.
pub(crate) fn touch(conn: &mut DbConn, id: SaisineId, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0)).set(saisines::updated_at.eq(at)).execute(conn)?;
    Ok(())
}

/// Replaces the facts and the motifs.
pub(crate) fn set_facts(conn: &mut DbConn, id: SaisineId, facts: &SaisineFacts) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0)).set(FactsColumns::from(facts)).execute(conn)?;
    replace_motifs(conn, id, facts)
}

/// Replaces the lifecycle columns (status, dates, stored durations).
pub(crate) fn set_lifecycle(conn: &mut DbConn, id: SaisineId, lifecycle: &Lifecycle) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0)).set(LifecycleColumns::from(lifecycle)).execute(conn)?;
    Ok(())
}

/// Gives the saisine to an account, or to nobody.
pub(crate) fn set_assignee(conn: &mut DbConn, id: SaisineId, assignee: Option<UserId>) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0)).set(saisines::assigned_to.eq(assignee.map(|u| u.0))).execute(conn)?;
    Ok(())
}

/// Records the partner who referred the saisine, and the person's consent they confirmed.
pub(crate) fn set_referral(
    conn: &mut DbConn,
    id: SaisineId,
    referral: &crate::domain::referral::Referral,
) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0))
        .set((
            saisines::partner_organisation.eq(&referral.organisation),
            saisines::partner_contact_name.eq(&referral.contact_name),
            saisines::partner_contact_email.eq(referral.contact_email.as_str()),
            saisines::partner_contact_phone.eq(referral.contact_phone.as_ref().map(|p| p.as_str().to_string())),
            saisines::consent_given.eq(true),
        ))
        .execute(conn)?;
    Ok(())
}
