//! Writing imported lines: a new saisine with its given (or a new) reference, or the update
//! of an existing one, each with its timeline entry and audit record.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::Connection;

use super::audit;
use super::bulk;
use super::events;
use super::models::{FactsColumns, LifecycleColumns, SaisineRow};
use super::reference_lists::ReferenceLists;
use super::saisines::{self, with_motifs, Stamp};
use super::schema::{reference_counters, saisines as table};
use super::{DbConn, DbResult};
use crate::auth::audit::AuditAction;
use crate::domain::changes::{diff, FieldChange};
use crate::domain::interchange::{ImportVocabulary, ImportedSaisine, Vocabulary};
use crate::domain::{EventDetails, EventKind, Lifecycle, Reference, Saisine};

/// Every motif and partner, retired ones included: old files name them.
pub fn vocabulary(conn: &mut DbConn) -> DbResult<ImportVocabulary> {
    let lists = ReferenceLists::load(conn)?;
    let words = |entries: &[super::reference_lists::Entry]| {
        Vocabulary::new(entries.iter().map(|e| (e.code.as_str(), e.label.as_str())).collect::<Vec<_>>())
    };
    Ok(ImportVocabulary { motifs: words(&lists.motifs), partners: words(&lists.partners) })
}

/// The saisines a batch of lines names, by reference.
pub fn existing(conn: &mut DbConn, references: &[String]) -> DbResult<HashMap<String, Saisine>> {
    let rows: Vec<SaisineRow> =
        table::table.filter(table::reference.eq_any(references)).select(SaisineRow::as_select()).load(conn)?;
    Ok(with_motifs(conn, rows)?.into_iter().map(|s| (s.reference.to_string(), s)).collect())
}

/// The lifecycle's parts a file carries.
fn status_line(
    lifecycle: &Lifecycle,
) -> (String, Option<chrono::NaiveDate>, Option<String>, Option<chrono::NaiveDate>) {
    (
        lifecycle.status().code().to_string(),
        lifecycle.taken_on,
        lifecycle.outcome().map(|o| o.code().to_string()),
        lifecycle.closed_on(),
    )
}

/// What an imported line would change on an existing saisine (nothing: an unchanged line).
pub fn changes(existing: &Saisine, imported: &ImportedSaisine) -> Vec<FieldChange> {
    let mut changes = diff(&existing.facts, &imported.facts);
    let (old, new) = (status_line(&existing.lifecycle), status_line(&imported.lifecycle));
    let text = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut push = |field: &str, old: String, new: String| {
        if old != new {
            changes.push(FieldChange { field: field.into(), old, new });
        }
    };
    push("status", old.0, new.0);
    push("taken_on", text(old.1), text(new.1));
    push("outcome", old.2.unwrap_or_default(), new.2.unwrap_or_default());
    push("closed_on", text(old.3), text(new.3));
    changes
}

/// Makes the year's sequence go on after an imported reference.
fn keep_counter_ahead(conn: &mut DbConn, reference: Reference) -> DbResult<()> {
    let (year, sequence) = (reference.year(), reference.sequence());
    let raised =
        diesel::update(reference_counters::table.find(year).filter(reference_counters::last_sequence.lt(sequence)))
            .set(reference_counters::last_sequence.eq(sequence))
            .execute(conn)?;
    let present: i64 = reference_counters::table.find(year).count().get_result(conn)?;
    if raised == 0 && present == 0 {
        let created = conn.transaction(|conn| {
            diesel::insert_into(reference_counters::table)
                .values((reference_counters::year.eq(year), reference_counters::last_sequence.eq(sequence)))
                .execute(conn)
        });
        if let Err(e) = created {
            // Another writer created the row meanwhile: raise it instead.
            tracing::debug!(error = %e, "compteur créé entre-temps");
            diesel::update(reference_counters::table.find(year).filter(reference_counters::last_sequence.lt(sequence)))
                .set(reference_counters::last_sequence.eq(sequence))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The references of new lines: those given (the year's sequence raised past them, once per
/// year), or the next numbers of their year.
fn references_for(conn: &mut DbConn, lines: &[ImportedSaisine]) -> DbResult<Vec<Reference>> {
    let mut highest: BTreeMap<i32, Reference> = BTreeMap::new();
    for reference in lines.iter().filter_map(|l| l.reference) {
        let entry = highest.entry(reference.year()).or_insert(reference);
        if reference.sequence() > entry.sequence() {
            *entry = reference;
        }
    }
    for reference in highest.into_values() {
        keep_counter_ahead(conn, reference)?;
    }
    lines
        .iter()
        .map(|line| match line.reference {
            Some(reference) => Ok(reference),
            None => saisines::next_reference(conn, chrono::Datelike::year(&line.facts.received_on)),
        })
        .collect()
}

/// Inserts new lines as saisines, a batch at a time in a few multi-row statements (the
/// caller's transaction holds the write lock), each with its « importée » entry and audit.
pub fn insert_many(conn: &mut DbConn, lines: &[ImportedSaisine], file_name: &str, stamp: &Stamp) -> DbResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let references = references_for(conn, lines)?;
    let saisines: Vec<_> = lines.iter().map(|line| (&line.facts, &line.lifecycle)).collect();
    let details = EventDetails { text: Some(file_name.to_string()), ..Default::default() };
    bulk::insert_with_entry(conn, &saisines, &references, EventKind::Importee, &details, stamp)?;
    let texts: Vec<String> = references.iter().map(Reference::to_string).collect();
    audit::record_many(conn, stamp.actor, AuditAction::SaisineImported, &texts, file_name, stamp.at)
}

/// Applies a line to the saisine it names; its timeline records each changed field.
pub fn update(
    conn: &mut DbConn,
    existing: &Saisine,
    imported: &ImportedSaisine,
    changes: Vec<FieldChange>,
    file_name: &str,
    stamp: &Stamp,
) -> DbResult<()> {
    let mut facts = imported.facts.clone();
    facts.requester.address = existing.facts.requester.address.clone();
    let status_changed =
        changes.iter().any(|c| matches!(c.field.as_str(), "status" | "taken_on" | "outcome" | "closed_on"));
    let lifecycle = if status_changed {
        Lifecycle { days_waiting: existing.lifecycle.days_waiting, ..imported.lifecycle }
    } else {
        existing.lifecycle
    };
    diesel::update(table::table.find(existing.id.0))
        .set((FactsColumns::from(&facts), LifecycleColumns::from(&lifecycle), table::updated_at.eq(stamp.at)))
        .execute(conn)?;
    saisines::replace_motifs(conn, existing.id, &facts)?;
    let fields: Vec<String> = changes.iter().map(|c| c.field.clone()).collect();
    let details = EventDetails { text: Some(format!("import de {file_name}")), changes, ..Default::default() };
    events::append(conn, existing.id, EventKind::Modifiee, &details, stamp)?;
    audit::record(
        conn,
        stamp.actor,
        AuditAction::SaisineEdited,
        &existing.reference.to_string(),
        &fields.join(","),
        stamp.at,
    )
}

/// A file waiting for its confirmation.
pub struct PendingImport {
    pub file_name: String,
    pub content: Vec<u8>,
    pub skip_invalid: bool,
}

/// Keeps an uploaded file until it is confirmed; files older than a day are forgotten.
pub fn keep_pending(
    conn: &mut DbConn,
    digest: &str,
    file: &PendingImport,
    by: crate::auth::UserId,
    at: chrono::NaiveDateTime,
) -> DbResult<()> {
    use super::schema::pending_imports as p;
    diesel::delete(p::table.filter(p::created_at.lt(at - chrono::Duration::days(1)))).execute(conn)?;
    diesel::insert_into(p::table)
        .values((
            p::token_hash.eq(digest),
            p::file_name.eq(&file.file_name),
            p::content.eq(&file.content),
            p::skip_invalid.eq(file.skip_invalid),
            p::created_by.eq(by.0),
            p::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The file an administrator uploaded, still waiting.
pub fn pending(conn: &mut DbConn, digest: &str, by: crate::auth::UserId) -> DbResult<PendingImport> {
    use super::schema::pending_imports as p;
    let found: (String, Vec<u8>, bool) = p::table
        .find(digest)
        .filter(p::created_by.eq(by.0))
        .select((p::file_name, p::content, p::skip_invalid))
        .first(conn)
        .optional()?
        .ok_or(super::DbError::NotFound)?;
    Ok(PendingImport { file_name: found.0, content: found.1, skip_invalid: found.2 })
}

/// Drops a waiting file once it is imported.
pub fn forget_pending(conn: &mut DbConn, digest: &str) -> DbResult<()> {
    use super::schema::pending_imports as p;
    diesel::delete(p::table.find(digest)).execute(conn)?;
    Ok(())
}
