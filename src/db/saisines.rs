//! Writing and reading one saisine. Each write is one transaction: the saisine, its motifs
//! and its timeline entry are saved together or not at all.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use diesel::Connection;

use super::audit::{self, Actor};
use super::events;
use super::models::{FactsColumns, LifecycleColumns, SaisineRow};
use super::pool::write_transaction;
use super::schema::{reference_counters, saisine_motifs, saisines};
use super::{DbConn, DbError, DbResult};
use crate::auth::audit::AuditAction;
use crate::auth::UserId;
use crate::domain::changes::{diff, FieldChange};
use crate::domain::lifecycle::check_text;
use crate::domain::{Action, EventDetails, EventKind, Lifecycle, Reference, Saisine, SaisineFacts, SaisineId};

/// Who did it and when: every write records both.
#[derive(Debug, Clone)]
pub struct Stamp<'a> {
    pub actor: &'a Actor,
    pub at: NaiveDateTime,
}

fn bump_counter(conn: &mut DbConn, year: i32) -> DbResult<usize> {
    Ok(diesel::update(reference_counters::table.find(year))
        .set(reference_counters::last_sequence.eq(reference_counters::last_sequence + 1))
        .execute(conn)?)
}

/// Takes the next number of the year's sequence, inside the caller's write transaction. The
/// counter's row lock (PostgreSQL) or the write lock (SQLite) serialises writers, so two
/// saisines never get the same number, even from two instances.
pub(crate) fn next_reference(conn: &mut DbConn, year: i32) -> DbResult<Reference> {
    if bump_counter(conn, year)? == 0 {
        // First saisine of the year. Another instance may create the row at the same moment:
        // the insert runs in a savepoint, and on a conflict the row now exists to bump.
        let created = conn.transaction(|conn| {
            diesel::insert_into(reference_counters::table)
                .values((reference_counters::year.eq(year), reference_counters::last_sequence.eq(1)))
                .execute(conn)
        });
        match created {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                bump_counter(conn, year)?;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let sequence: i32 = reference_counters::table.find(year).select(reference_counters::last_sequence).first(conn)?;
    Reference::new(year, sequence).map_err(|_| DbError::Corrupt(format!("séquence {year} invalide")))
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

/// Records a new saisine, status `recue`, and returns its reference.
pub fn create(conn: &mut DbConn, facts: &SaisineFacts, stamp: &Stamp) -> DbResult<Reference> {
    create_with_note(conn, facts, None, stamp)
}

/// Records a new saisine whose creation entry says where it came from.
pub fn create_with_note(
    conn: &mut DbConn,
    facts: &SaisineFacts,
    origin: Option<&str>,
    stamp: &Stamp,
) -> DbResult<Reference> {
    write_transaction(conn, |conn| {
        let reference = next_reference(conn, facts.received_on.year())?;
        let lifecycle = Lifecycle::new(facts.received_on);
        diesel::insert_into(saisines::table)
            .values((
                saisines::reference.eq(reference.to_string()),
                FactsColumns::from(facts),
                LifecycleColumns::from(&lifecycle),
                saisines::created_at.eq(stamp.at),
                saisines::updated_at.eq(stamp.at),
            ))
            .execute(conn)?;
        let id = id_of(conn, reference)?;
        replace_motifs(conn, id, facts)?;
        let details = EventDetails { text: origin.map(str::to_string), ..Default::default() };
        events::append(conn, id, EventKind::Creee, &details, stamp)?;
        audit::record(conn, stamp.actor, AuditAction::SaisineCreated, &reference.to_string(), "", stamp.at)?;
        Ok(reference)
    })
}

pub fn id_of(conn: &mut DbConn, reference: Reference) -> DbResult<SaisineId> {
    saisines::table
        .filter(saisines::reference.eq(reference.to_string()))
        .select(saisines::id)
        .first(conn)
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
        .first(conn)
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

fn touch(conn: &mut DbConn, id: SaisineId, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(saisines::table.find(id.0)).set(saisines::updated_at.eq(at)).execute(conn)?;
    Ok(())
}

/// Replaces the facts; returns what changed (nothing written when nothing changed).
pub fn update_facts(
    conn: &mut DbConn,
    reference: Reference,
    facts: &SaisineFacts,
    stamp: &Stamp,
) -> DbResult<Vec<FieldChange>> {
    write_transaction(conn, |conn| {
        lock(conn, reference)?;
        let current = find(conn, reference)?;
        check_reception_still_first(&current.lifecycle, facts)?;
        let changes = diff(&current.facts, facts);
        if changes.is_empty() {
            return Ok(changes);
        }
        diesel::update(saisines::table.find(current.id.0)).set(FactsColumns::from(facts)).execute(conn)?;
        if facts.received_on != current.facts.received_on {
            // The stored durations count from the reception date.
            let moved = Lifecycle { received_on: facts.received_on, ..current.lifecycle };
            diesel::update(saisines::table.find(current.id.0)).set(LifecycleColumns::from(&moved)).execute(conn)?;
        }
        replace_motifs(conn, current.id, facts)?;
        touch(conn, current.id, stamp.at)?;
        let details = EventDetails { changes: changes.clone(), ..Default::default() };
        events::append(conn, current.id, EventKind::Modifiee, &details, stamp)?;
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        audit::record(
            conn,
            stamp.actor,
            AuditAction::SaisineEdited,
            &reference.to_string(),
            &fields.join(","),
            stamp.at,
        )?;
        Ok(changes)
    })
}

/// A new reception date may not come after a step already taken.
fn check_reception_still_first(lifecycle: &Lifecycle, facts: &SaisineFacts) -> DbResult<()> {
    let first_step = [lifecycle.taken_on, lifecycle.closed_on()].into_iter().flatten().min();
    match first_step {
        Some(step) if facts.received_on > step => Err(crate::domain::DomainError::invalid(
            "received_on",
            "received_after_step",
            format!(
                "la date de réception ne peut pas être postérieure à la prise en charge ou à la clôture ({})",
                step.format("%d/%m/%Y")
            ),
        )
        .into()),
        _ => Ok(()),
    }
}

/// Applies a lifecycle move checked by the domain, and records it in the timeline.
pub fn apply(
    conn: &mut DbConn,
    reference: Reference,
    action: &Action,
    today: chrono::NaiveDate,
    stamp: &Stamp,
) -> DbResult<Saisine> {
    write_transaction(conn, |conn| {
        lock(conn, reference)?;
        let current = find(conn, reference)?;
        let next = current.lifecycle.apply(action, today)?;
        diesel::update(saisines::table.find(current.id.0)).set(LifecycleColumns::from(&next)).execute(conn)?;
        touch(conn, current.id, stamp.at)?;
        let (kind, details) = EventDetails::for_action(action);
        events::append(conn, current.id, kind, &details, stamp)?;
        audit::record(conn, stamp.actor, AuditAction::SaisineStep, &reference.to_string(), kind.code(), stamp.at)?;
        Ok(Saisine { lifecycle: next, updated_at: stamp.at, ..current })
    })
}

/// A note in the timeline; allowed at every stage, closed included.
pub fn add_note(conn: &mut DbConn, reference: Reference, text: &str, stamp: &Stamp) -> DbResult<()> {
    check_text("text", text, "écrivez la note")?;
    write_transaction(conn, |conn| {
        let id = id_of(conn, reference)?;
        let details = EventDetails { text: Some(text.trim().to_string()), ..Default::default() };
        events::append(conn, id, EventKind::Note, &details, stamp)?;
        audit::record(
            conn,
            stamp.actor,
            AuditAction::SaisineStep,
            &reference.to_string(),
            EventKind::Note.code(),
            stamp.at,
        )?;
        touch(conn, id, stamp.at)
    })
}

/// Gives the saisine to a mediator (or to nobody); `name` is the assignee's, for the timeline.
pub fn assign(
    conn: &mut DbConn,
    reference: Reference,
    assignee: Option<(UserId, &str)>,
    stamp: &Stamp,
) -> DbResult<()> {
    write_transaction(conn, |conn| {
        lock(conn, reference)?;
        let current = find(conn, reference)?;
        let new = assignee.map(|(id, _)| id);
        if current.assigned_to == new {
            return Ok(());
        }
        diesel::update(saisines::table.find(current.id.0))
            .set(saisines::assigned_to.eq(new.map(|u| u.0)))
            .execute(conn)?;
        touch(conn, current.id, stamp.at)?;
        let text =
            assignee.map(|(_, name)| name.to_string()).unwrap_or_else(|| "personne (attribution retirée)".into());
        let details = EventDetails { text: Some(text.clone()), ..Default::default() };
        events::append(conn, current.id, EventKind::Attribuee, &details, stamp)?;
        audit::record(conn, stamp.actor, AuditAction::SaisineAssigned, &reference.to_string(), &text, stamp.at)
    })
}
