//! Writing imported lines: a new saisine with its given (or a new) reference, or the update
//! of an existing one, each with its timeline entry and audit record.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::Connection;

use super::bulk;
use super::connection::insert_rows;
use super::models::{FactsColumns, LifecycleColumns, NewEventRow, SaisineRow, ScheduleRow};
use super::reference_lists::ReferenceLists;
use super::saisines::{self, with_motifs, Stamp};
use super::schema::{
    events as events_table, external_references, imported_files, reference_counters, saisines as table,
};
use super::{DbConn, DbError, DbResult};
use crate::domain::changes::{diff, FieldChange};
use crate::domain::deadlines::{DeadlineSettings, Wait};
use crate::domain::interchange::{ImportKey, ImportVocabulary, ImportedSaisine, Vocabulary};
use crate::domain::queue::Signals;
use crate::domain::schedule::Schedule;
use crate::domain::{EventDetails, EventKind, Lifecycle, Reference, Saisine, SaisineId};

/// Every motif and partner, retired ones included: old files name them.
pub fn vocabulary(conn: &mut DbConn) -> DbResult<ImportVocabulary> {
    let lists = ReferenceLists::load(conn)?;
    let words = |entries: &[super::reference_lists::Entry]| {
        Vocabulary::new(entries.iter().map(|e| (e.code.as_str(), e.label.as_str())).collect::<Vec<_>>())
    };
    Ok(ImportVocabulary { motifs: words(&lists.motifs), partners: words(&lists.partners) })
}

/// The references other systems gave these saisines, by saisine id.
pub fn external_references_of(conn: &mut DbConn, ids: &[i32]) -> DbResult<HashMap<i32, String>> {
    Ok(external_references::table
        .filter(external_references::saisine_id.eq_any(ids))
        .select((external_references::saisine_id, external_references::external_reference))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

/// Inside an import's write transaction on PostgreSQL: the table grows by thousands of rows that
/// no statistics know of yet, and the planner took each batch's lookup by reference
/// (`reference = ANY(…)`, 500 values) for a scan of the whole table: the import grew with the
/// square of its size (100,000 lines: 2 minutes). Index scans only, until the transaction ends.
/// The checking pass before this transaction runs the same lookup on the connection's prepared
/// statement, and once PostgreSQL had settled on a generic plan for it (a scan of the then
/// empty table) it kept that plan whatever `enable_seqscan` said (100,000 lines: 100 s, each
/// lookup 100 ms and growing): the cached plans are dropped, to be made again under this
/// setting. Not `plan_cache_mode = force_custom_plan` for the transaction, which did the same:
/// it also planned again each foreign-key check of every inserted row (the checks' own cached
/// statements), which made the inserts of motifs and timeline entries four times slower.
pub fn prefer_indexes(conn: &mut DbConn) -> DbResult<()> {
    if let DbConn::Postgresql(pg) = conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute("SET LOCAL enable_seqscan = off; DISCARD PLANS")?;
    }
    Ok(())
}

/// Inside an import's write transaction on PostgreSQL, once its lines are in and before their
/// possible duplicates are looked for: without statistics the planner takes each batch's
/// look-up by NIR or e-mail (500 values) to match every row, and reads instead the whole range
/// of reception dates (100,000 lines into an empty base: 200 look-ups of 26 ms on average,
/// growing with the table). `ANALYZE` counts the transaction's own rows; it runs in it.
pub fn know_new_rows(conn: &mut DbConn, written: u64) -> DbResult<()> {
    if let (DbConn::Postgresql(pg), true) = (conn, written >= STATISTICS_AFTER) {
        use diesel::connection::SimpleConnection;
        pg.batch_execute("ANALYZE saisines")?;
    }
    Ok(())
}

/// Lines written from which an import refreshes the planner's statistics (PostgreSQL).
pub const STATISTICS_AFTER: u64 = 10_000;

/// After a large import on PostgreSQL: the planner's statistics still describe the tables
/// before it until autovacuum gets to them, and until then it misjudges the queue's filters
/// (1,000,000 saisines imported: the queue page sorted every late saisine in parallel
/// workers, 22 ms a query, against 2.5 ms once analysed). About a second at 1,000,000.
/// SQLite plans without statistics (none are gathered): nothing to do there. The words of the
/// names are vacuumed too: the name search reads only their index once its pages are marked
/// all-visible (else one visit of the table per match, 15 ms for a common name instead of 1.5).
/// VACUUM runs outside any transaction: its own statement.
pub fn refresh_statistics(conn: &mut DbConn) -> DbResult<()> {
    if let DbConn::Postgresql(pg) = conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute("ANALYZE saisines, saisine_motifs, events, external_references")?;
        pg.batch_execute("VACUUM (ANALYZE) saisine_names")?;
    }
    Ok(())
}

/// The saisines a batch of lines names, by their key: own reference or another system's.
pub fn existing(conn: &mut DbConn, keys: &[ImportKey]) -> DbResult<HashMap<ImportKey, Saisine>> {
    let own: Vec<String> =
        keys.iter().filter_map(|k| if let ImportKey::Own(r) = k { Some(r.to_string()) } else { None }).collect();
    let foreign: Vec<&str> =
        keys.iter().filter_map(|k| if let ImportKey::Foreign(f) = k { Some(f.as_str()) } else { None }).collect();
    let mut rows: Vec<SaisineRow> =
        table::table.filter(table::reference.eq_any(&own)).select(SaisineRow::as_select()).load(conn)?;
    if !foreign.is_empty() {
        let named = external_references::table
            .filter(external_references::external_reference.eq_any(&foreign))
            .select(external_references::saisine_id);
        rows.extend(table::table.filter(table::id.eq_any(named)).select(SaisineRow::as_select()).load(conn)?);
    }
    let mut found = HashMap::new();
    for saisine in with_motifs(conn, rows)? {
        if let Some(external) = &saisine.external_reference {
            found.insert(ImportKey::Foreign(external.clone()), saisine.clone());
        }
        found.insert(ImportKey::Own(saisine.reference), saisine);
    }
    Ok(found)
}

/// The lifecycle's parts a file carries.
fn status_line(lifecycle: &Lifecycle) -> (String, Option<NaiveDate>, Option<String>, Option<NaiveDate>) {
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
    let text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let (old_wait, new_wait) = (Wait::of(&existing.lifecycle), Wait::of(&imported.lifecycle));
    let mut push = |field: &str, old: String, new: String| {
        if old != new {
            changes.push(FieldChange { field: field.into(), old, new });
        }
    };
    push("status", old.0, new.0);
    push("taken_on", text(old.1), text(new.1));
    push("outcome", old.2.unwrap_or_default(), new.2.unwrap_or_default());
    push("closed_on", text(old.3), text(new.3));
    push("documents_requested_on", text(old_wait.map(|w| w.since)), text(new_wait.map(|w| w.since)));
    push("documents_due_on", text(old_wait.map(|w| w.due_on)), text(new_wait.map(|w| w.due_on)));
    if imported.external_reference.is_some() {
        let old = existing.external_reference.clone().unwrap_or_default();
        push("external_reference", old, imported.external_reference.clone().unwrap_or_default());
    }
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
    // The lines without a reference take their year's next numbers, in the order of the file.
    let mut wanted: BTreeMap<i32, usize> = BTreeMap::new();
    for line in lines.iter().filter(|l| l.reference.is_none()) {
        *wanted.entry(chrono::Datelike::year(&line.facts.received_on)).or_default() += 1;
    }
    let mut numbers: BTreeMap<i32, std::vec::IntoIter<Reference>> = BTreeMap::new();
    for (year, count) in wanted {
        numbers.insert(year, saisines::next_references(conn, year, count)?.into_iter());
    }
    lines
        .iter()
        .map(|line| match line.reference {
            Some(reference) => Ok(reference),
            None => {
                let year = chrono::Datelike::year(&line.facts.received_on);
                numbers
                    .get_mut(&year)
                    .and_then(Iterator::next)
                    .ok_or_else(|| DbError::Corrupt(format!("séquence {year}")))
            }
        })
        .collect()
}

/// Inserts new lines as saisines, a batch at a time in a few multi-row statements (the
/// caller's transaction holds the write lock), each with its « importée » entry; a
/// waiting line also gets the documents request its wait answers to, as a mediator's would.
/// Each line is written with its deadlines as the domain computes them for a new saisine (no
/// reminder yet; a possible duplicate is the caller's next step, once every line is in).
/// Returns the new references and ids.
pub fn insert_many(
    conn: &mut DbConn,
    lines: &[ImportedSaisine],
    settings: &DeadlineSettings,
    file_name: &str,
    stamp: &Stamp,
) -> DbResult<(Vec<String>, Vec<i32>)> {
    if lines.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let references = references_for(conn, lines)?;
    let saisines: Vec<_> = lines.iter().map(|line| (&line.facts, &line.lifecycle)).collect();
    let schedules: Vec<ScheduleRow> = lines
        .iter()
        .map(|line| ScheduleRow::new(&Schedule::of(settings, &line.lifecycle, Signals::default())))
        .collect();
    let details = EventDetails { text: Some(file_name.to_string()), ..Default::default() };
    let ids =
        bulk::insert_with_entry(conn, &saisines, &references, Some(&schedules), EventKind::Importee, &details, stamp)?;
    let texts: Vec<String> = references.iter().map(Reference::to_string).collect();
    let mut external = Vec::new();
    let mut requests = Vec::new();
    for ((line, _), id) in lines.iter().zip(&texts).zip(ids.iter().copied()) {
        if let Some(text) = &line.external_reference {
            external.push((
                external_references::saisine_id.eq(id),
                external_references::external_reference.eq(text.clone()),
            ));
        }
        if let Some(request) = &line.documents_request {
            requests.push(request_entry(SaisineId(id), request, stamp)?);
        }
    }
    if !external.is_empty() {
        insert_rows!(conn, external_references::table, external)?;
    }
    if !requests.is_empty() {
        insert_rows!(conn, events_table::table, &requests)?;
    }
    Ok((texts, ids))
}

/// The timeline entry of a replayed documents request: the one `EventDetails::for_action` gives
/// a mediator's request, which follow-ups and the sweep key on.
fn request_entry(id: SaisineId, request: &crate::domain::Action, stamp: &Stamp) -> DbResult<NewEventRow> {
    let (kind, details) = EventDetails::for_action(request);
    Ok(NewEventRow {
        saisine_id: id.0,
        kind: kind.code().to_string(),
        occurred_at: stamp.at,
        actor: stamp.actor.name.clone(),
        actor_id: stamp.actor.id.map(|u| u.0),
        details: serde_json::to_string(&details).map_err(|e| DbError::Corrupt(e.to_string()))?,
    })
}

/// Keeps (or replaces) the reference another system gave a saisine.
fn set_external_reference(conn: &mut DbConn, id: SaisineId, text: &str) -> DbResult<()> {
    diesel::delete(external_references::table.find(id.0)).execute(conn)?;
    diesel::insert_into(external_references::table)
        .values((external_references::saisine_id.eq(id.0), external_references::external_reference.eq(text)))
        .execute(conn)?;
    Ok(())
}

/// Writes an imported line's facts and state over an existing saisine (the address, which the
/// format does not carry, is kept), and its foreign reference when it is new.
pub fn overwrite(
    conn: &mut DbConn,
    existing: &Saisine,
    imported: &ImportedSaisine,
    lifecycle: &Lifecycle,
    at: NaiveDateTime,
) -> DbResult<()> {
    let mut facts = imported.facts.clone();
    facts.requester.address = existing.facts.requester.address.clone();
    diesel::update(table::table.find(existing.id.0))
        .set((FactsColumns::from(&facts), LifecycleColumns::from(lifecycle), table::updated_at.eq(at)))
        .execute(conn)?;
    saisines::replace_motifs(conn, existing.id, &facts)?;
    if let Some(text) =
        imported.external_reference.as_deref().filter(|t| existing.external_reference.as_deref() != Some(*t))
    {
        set_external_reference(conn, existing.id, text)?;
    }
    Ok(())
}

/// When a file with this content digest was last imported, if ever.
pub fn imported_at(conn: &mut DbConn, digest: &str) -> DbResult<Option<NaiveDateTime>> {
    Ok(imported_files::table.find(digest).select(imported_files::imported_at).get_result(conn).optional()?)
}

/// Remembers that a file with this content digest was imported now.
pub fn remember_file(conn: &mut DbConn, digest: &str, file_name: &str, at: NaiveDateTime) -> DbResult<()> {
    diesel::delete(imported_files::table.find(digest)).execute(conn)?;
    diesel::insert_into(imported_files::table)
        .values((
            imported_files::digest.eq(digest),
            imported_files::file_name.eq(file_name),
            imported_files::imported_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
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
    at: NaiveDateTime,
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
        .get_result(conn)
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
