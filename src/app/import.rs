//! The two passes of an import: the first checks every line and counts what would change,
//! the second writes, in one transaction. Lines are handled in batches; the file is streamed.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::auth::audit::AuditAction;
use crate::db::audit::{self, Actor};
use crate::db::events;
use crate::db::import as store;
use crate::db::pool::write_transaction;
use crate::db::saisines::Stamp;
use crate::db::{deadline_settings, DbConn, DbError};
use crate::domain::changes::FieldChange;
use crate::domain::clock::paris_date;
use crate::domain::dates::french;
use crate::domain::deadlines::{DeadlineSettings, FollowUp, Wait};
use crate::domain::interchange::{
    is_masked_marker, read_line, ImportKey, ImportVocabulary, ImportedSaisine, Line, MASKED_COLUMN,
};
use crate::domain::paris::paris_datetime;
use crate::domain::{EventDetails, EventKind, Lifecycle, Saisine, Stage};
use crate::import::reader::{self, Columns, Layout, Opener};

const BATCH: usize = 500;
/// Errors (and lines the sweep would close) kept for the report; past that, only counted.
const ERRORS_KEPT: usize = 1_000;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file_name: String,
    /// Write the valid lines even when others are invalid.
    pub skip_invalid: bool,
    /// Only check and count (the preview).
    pub dry_run: bool,
}

/// One wrong cell: its row in the spreadsheet (the header is row 1, the first record row 2,
/// one row per record whatever line breaks its cells hold), its column, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// A line the next sweep would close as `abandon` once imported: its documents were due long
/// enough ago.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SweepLine {
    pub line: u64,
    /// The reference the line gives (its own or another system's), or none.
    pub reference: String,
    pub due_on: String,
    pub abandon_on: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub lines: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub errors: Vec<LineError>,
    pub error_count: u64,
    /// Created or updated lines that the next sweep would close as `abandon`.
    pub sweep_abandons: Vec<SweepLine>,
    pub sweep_abandon_count: u64,
    /// When a file with the same content was imported before (Paris time, as read).
    pub already_imported: Option<String>,
    /// Whether anything was written.
    pub written: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("lecture du fichier : {0}")]
    Io(#[from] std::io::Error),
    #[error("fichier illisible : {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Header(String),
    #[error(
        "ce fichier est un export masqué (colonne « masque » à « oui », ligne {0}) : ses noms, NIR, courriels et \
         téléphones sont masqués et remplaceraient les vrais. Il ne peut pas être importé : importez l'export \
         complet (réservé aux administrateurs)."
    )]
    Masked(u64),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The check pass, or the write pass, which collects the ids of the saisines it creates.
enum Pass<'a> {
    Check,
    Write(&'a mut Vec<i32>),
}

struct Context<'a> {
    columns: Columns,
    vocabulary: ImportVocabulary,
    settings: DeadlineSettings,
    options: &'a ImportOptions,
    stamp: Stamp<'a>,
}

/// Imports a file. Without `skip_invalid`, one invalid line means nothing is written.
pub fn run(
    conn: &mut DbConn,
    open: Opener,
    options: &ImportOptions,
    actor: &Actor,
    at: NaiveDateTime,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport, ImportError> {
    run_checked(conn, open, options, actor, at, progress, &mut |_| {})
}

/// Imports a file; `checked` is shown the check pass's report before anything is written.
pub fn run_checked(
    conn: &mut DbConn,
    open: Opener,
    options: &ImportOptions,
    actor: &Actor,
    at: NaiveDateTime,
    progress: &mut dyn FnMut(u64),
    checked: &mut dyn FnMut(&ImportReport),
) -> Result<ImportReport, ImportError> {
    let layout = reader::detect(open)?;
    let digest = reader::digest(open)?;
    let mut headers = reader::records(open, layout)?;
    let columns = Columns::from_header(headers.headers()?).map_err(ImportError::Header)?;
    let (vocabulary, settings) = (store::vocabulary(conn)?, deadline_settings::load(conn)?);
    let context = Context { columns, vocabulary, settings, options, stamp: Stamp { actor, at } };
    let mut report = pass(conn, open, layout, &context, Pass::Check, &mut |_| {})?;
    report.already_imported = store::imported_at(conn, &digest)?.map(paris_datetime);
    checked(&report);
    let blocked = report.error_count > 0 && !options.skip_invalid;
    if options.dry_run || blocked || report.created + report.updated == 0 {
        return Ok(report);
    }
    let written = write_transaction(conn, |conn| {
        store::prefer_indexes(conn)?;
        let mut new_ids = Vec::new();
        let report = pass(conn, open, layout, &context, Pass::Write(&mut new_ids), progress).map_err(|e| match e {
            ImportError::Db(e) => e,
            other => DbError::Config(other.to_string()),
        })?;
        let summary =
            format!("{} créée(s), {} modifiée(s), {} rejetée(s)", report.created, report.updated, report.rejected);
        audit::record(conn, actor, AuditAction::FileImported, &options.file_name, &summary, at)?;
        store::remember_file(conn, &digest, &options.file_name, at)?;
        // New lines were inserted in bulk with the deadlines of a saisine without duplicate:
        // the possible duplicates they make are found now, all lines being in, before the
        // transaction ends (and rows left stale by older rules, if any, computed).
        store::know_new_rows(conn, report.created)?;
        let stale = crate::db::schedule::stale_open_ids(conn)?;
        super::schedule::after_bulk_insert(conn, &stale, &new_ids).map_err(db_error)?;
        Ok(report)
    })?;
    if written.created + written.updated >= store::STATISTICS_AFTER {
        // After the commit: the statistics then see the new rows. The import is written
        // whatever happens here: a failure only leaves the statistics to autovacuum.
        if let Err(e) = store::refresh_statistics(conn) {
            tracing::warn!(error = %e, "statistiques non rafraîchies après l'import");
        }
    }
    Ok(ImportReport { written: true, ..written })
}

/// One pass over the file, by batches of lines.
fn pass(
    conn: &mut DbConn,
    open: Opener,
    layout: Layout,
    context: &Context,
    mut pass: Pass,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    let mut batch: Vec<(u64, ImportedSaisine)> = Vec::with_capacity(BATCH);
    let mut records = reader::records(open, layout)?;
    let today = paris_date(context.stamp.at);
    let masked = context.columns.has(MASKED_COLUMN);
    for (index, record) in records.records().enumerate() {
        let record = record?;
        // The spreadsheet's row: the header is row 1, and each record is one row.
        let line = index as u64 + 2;
        let cells = context.columns.cells(&record);
        if cells.values().all(|c| c.trim().is_empty()) {
            continue;
        }
        if masked && cells.get(MASKED_COLUMN).is_some_and(|c| is_masked_marker(c)) {
            return Err(ImportError::Masked(line));
        }
        report.lines += 1;
        match read_line(&Line::new(cells), &context.vocabulary, &context.settings, today) {
            Ok(imported) => {
                let keys = keys_of(&imported);
                if keys.iter().any(|k| seen.contains(k)) {
                    reject(&mut report, line, "reference", "référence en double dans le fichier".into());
                } else {
                    seen.extend(keys);
                    batch.push((line, imported));
                }
            }
            Err(errors) => {
                report.rejected += 1;
                for e in errors {
                    reject_cell(&mut report, line, &e.field, e.message);
                }
            }
        }
        if batch.len() == BATCH {
            apply(conn, &mut batch, context, &mut pass, &mut report)?;
            progress(BATCH as u64);
        }
    }
    let rest = batch.len() as u64;
    apply(conn, &mut batch, context, &mut pass, &mut report)?;
    progress(rest);
    Ok(report)
}

/// Every key a line can be found by: a file naming the same saisine twice is refused.
fn keys_of(imported: &ImportedSaisine) -> Vec<ImportKey> {
    let own = imported.reference.map(ImportKey::Own);
    let foreign = imported.external_reference.clone().map(ImportKey::Foreign);
    own.into_iter().chain(foreign).collect()
}

fn reject(report: &mut ImportReport, line: u64, column: &str, message: String) {
    report.rejected += 1;
    reject_cell(report, line, column, message);
}

fn reject_cell(report: &mut ImportReport, line: u64, column: &str, message: String) {
    report.error_count += 1;
    if report.errors.len() < ERRORS_KEPT {
        report.errors.push(LineError { line, column: column.to_string(), message });
    }
}

/// What the file leaves out keeps its stored value: the address (not in the format), any
/// optional column the file does not have, and a running wait whose dates the file does not
/// give.
fn aligned(mut imported: ImportedSaisine, existing: &Saisine, columns: &Columns) -> ImportedSaisine {
    let (new, old) = (&mut imported.facts, &existing.facts);
    new.requester.address = old.requester.address.clone();
    if !columns.has("requester_name") {
        new.requester.name = old.requester.name.clone();
    }
    if !columns.has("nir") {
        new.requester.nir = old.requester.nir.clone();
    }
    if !columns.has("email") {
        new.requester.email = old.requester.email.clone();
    }
    if !columns.has("phone") {
        new.requester.phone = old.requester.phone.clone();
    }
    if !columns.has("summary") {
        new.summary = old.summary.clone();
    }
    if !columns.has("partner") {
        new.partner = old.partner.clone();
    }
    let same_take_up = imported.lifecycle.taken_on == existing.lifecycle.taken_on;
    if let (false, true, Some(Wait { since, due_on })) =
        (imported.documents_dates_given, same_take_up, Wait::of(&existing.lifecycle))
    {
        if Wait::of(&imported.lifecycle).is_some() {
            imported.lifecycle.stage = Stage::AwaitingDocuments { since, due_on };
        }
    }
    imported
}

/// Notes a line the next sweep would close as `abandon` (the domain's rule, as of today).
fn note_sweep(report: &mut ImportReport, line: u64, imported: &ImportedSaisine, context: &Context) {
    let Some(wait) = Wait::of(&imported.lifecycle) else { return };
    let today = paris_date(context.stamp.at);
    let Some(FollowUp::Abandon { on }) = context.settings.follow_up(wait, today, false) else { return };
    report.sweep_abandon_count += 1;
    if report.sweep_abandons.len() < ERRORS_KEPT {
        let reference = match imported.key() {
            Some(ImportKey::Own(reference)) => reference.to_string(),
            Some(ImportKey::Foreign(text)) => text,
            None => "sans référence".to_string(),
        };
        report.sweep_abandons.push(SweepLine { line, reference, due_on: french(wait.due_on), abandon_on: french(on) });
    }
}

/// Classifies (and in the write pass, writes) a batch of valid lines.
fn apply(
    conn: &mut DbConn,
    batch: &mut Vec<(u64, ImportedSaisine)>,
    context: &Context,
    pass: &mut Pass,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let keys: Vec<ImportKey> = batch.iter().filter_map(|(_, s)| s.key()).collect();
    let existing = store::existing(conn, &keys)?;
    let file_name = &context.options.file_name;
    let mut new = Vec::new();
    for (line, imported) in batch.drain(..) {
        match imported.key().and_then(|key| existing.get(&key)) {
            None => {
                report.created += 1;
                note_sweep(report, line, &imported, context);
                new.push(imported);
            }
            Some(current) => {
                let imported = aligned(imported, current, &context.columns);
                let changes = store::changes(current, &imported);
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    note_sweep(report, line, &imported, context);
                    if let Pass::Write(_) = pass {
                        update(conn, current, &imported, changes, file_name, &context.stamp)?;
                    }
                }
            }
        }
    }
    if let (Pass::Write(created), false) = (pass, new.is_empty()) {
        let stamp = &context.stamp;
        let (references, ids) = store::insert_many(conn, &new, &context.settings, file_name, stamp)?;
        created.extend(ids);
        audit::record_many(conn, stamp.actor, AuditAction::SaisineImported, &references, file_name, stamp.at)?;
    }
    Ok(())
}

/// The import's passes speak the storage's error: a use case's is turned back into it.
fn db_error(error: super::AppError) -> DbError {
    match error {
        super::AppError::Domain(e) => DbError::Domain(e),
        super::AppError::NotFound => DbError::NotFound,
        super::AppError::Db(e) => e,
    }
}

/// Applies a line to the saisine it names: its timeline records each changed field, and a new
/// wait for documents its request, as a mediator's would.
fn update(
    conn: &mut DbConn,
    existing: &Saisine,
    imported: &ImportedSaisine,
    changes: Vec<FieldChange>,
    file_name: &str,
    stamp: &Stamp,
) -> Result<(), DbError> {
    let moves = ["status", "taken_on", "outcome", "closed_on", "documents_requested_on", "documents_due_on"];
    let lifecycle = if changes.iter().any(|c| moves.contains(&c.field.as_str())) {
        Lifecycle { days_waiting: existing.lifecycle.days_waiting, ..imported.lifecycle }
    } else {
        existing.lifecycle
    };
    let before = super::schedule::matches(conn, existing.id).map_err(db_error)?;
    store::overwrite(conn, existing, imported, &lifecycle, stamp.at)?;
    let fields: Vec<String> = changes.iter().map(|c| c.field.clone()).collect();
    let details = EventDetails { text: Some(format!("import de {file_name}")), changes, ..Default::default() };
    events::append(conn, existing.id, EventKind::Modifiee, &details, stamp)?;
    let new_wait = Wait::of(&lifecycle).filter(|wait| Wait::of(&existing.lifecycle) != Some(*wait));
    if let (Some(_), Some(request)) = (new_wait, &imported.documents_request) {
        let (kind, details) = EventDetails::for_action(request);
        events::append(conn, existing.id, kind, &details, stamp)?;
    }
    // After the entries: a new documents request is the wait the deadlines follow.
    super::schedule::after_identity_change(conn, existing.id, &before).map_err(db_error)?;
    let target = existing.reference.to_string();
    audit::record(conn, stamp.actor, AuditAction::SaisineEdited, &target, &fields.join(","), stamp.at)
}
