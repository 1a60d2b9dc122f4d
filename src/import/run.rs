//! The two passes of an import: the first checks every line and counts what would change,
//! the second writes, in one transaction. Lines are handled in batches; the file is streamed.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use super::reader::{self, Columns, Layout, Opener};
use crate::auth::audit::AuditAction;
use crate::db::audit::{self, Actor};
use crate::db::import as store;
use crate::db::pool::write_transaction;
use crate::db::saisines::Stamp;
use crate::db::{DbConn, DbError};
use crate::domain::clock::paris_date;
use crate::domain::interchange::{read_line, ImportVocabulary, ImportedSaisine, Line};
use crate::domain::Saisine;

const BATCH: usize = 500;
/// Errors kept for the report; past that, only counted.
const ERRORS_KEPT: usize = 1_000;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file_name: String,
    /// Write the valid lines even when others are invalid.
    pub skip_invalid: bool,
    /// Only check and count (the preview).
    pub dry_run: bool,
}

/// One wrong cell: its line in the file (the header is line 1), its column, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    pub line: u64,
    pub column: String,
    pub message: String,
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
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Check,
    Write,
}

struct Context<'a> {
    columns: Columns,
    vocabulary: ImportVocabulary,
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
    let layout = reader::detect(open)?;
    let mut headers = reader::records(open, layout)?;
    let columns = Columns::from_header(headers.headers()?).map_err(ImportError::Header)?;
    let context = Context { columns, vocabulary: store::vocabulary(conn)?, options, stamp: Stamp { actor, at } };
    let checked = pass(conn, open, layout, &context, Pass::Check, &mut |_| {})?;
    let blocked = checked.error_count > 0 && !options.skip_invalid;
    if options.dry_run || blocked || checked.created + checked.updated == 0 {
        return Ok(checked);
    }
    let written = write_transaction(conn, |conn| {
        let report = pass(conn, open, layout, &context, Pass::Write, progress).map_err(|e| match e {
            ImportError::Db(e) => e,
            other => DbError::Config(other.to_string()),
        })?;
        let summary =
            format!("{} créée(s), {} modifiée(s), {} rejetée(s)", report.created, report.updated, report.rejected);
        audit::record(conn, actor, AuditAction::FileImported, &options.file_name, &summary, at)?;
        Ok(report)
    })?;
    Ok(ImportReport { written: true, ..written })
}

/// One pass over the file, by batches of lines.
fn pass(
    conn: &mut DbConn,
    open: Opener,
    layout: Layout,
    context: &Context,
    pass: Pass,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    let mut batch: Vec<(u64, ImportedSaisine)> = Vec::with_capacity(BATCH);
    let mut records = reader::records(open, layout)?;
    let today = paris_date(context.stamp.at);
    for record in records.records() {
        let record = record?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        report.lines += 1;
        match read_line(&Line::new(context.columns.cells(&record)), &context.vocabulary, today) {
            Ok(imported) => match imported.reference.map(|r| seen.insert(r)) {
                Some(false) => reject(&mut report, line, "reference", "référence en double dans le fichier".into()),
                _ => batch.push((line, imported)),
            },
            Err(errors) => {
                report.rejected += 1;
                for e in errors {
                    reject_cell(&mut report, line, &e.field, e.message);
                }
            }
        }
        if batch.len() == BATCH {
            apply(conn, &mut batch, context, pass, &mut report)?;
            progress(BATCH as u64);
        }
    }
    let rest = batch.len() as u64;
    apply(conn, &mut batch, context, pass, &mut report)?;
    progress(rest);
    Ok(report)
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

/// What the file leaves out keeps its stored value: the address (not in the format), and
/// any optional column the file does not have.
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
    imported
}

/// Classifies (and in the write pass, writes) a batch of valid lines.
fn apply(
    conn: &mut DbConn,
    batch: &mut Vec<(u64, ImportedSaisine)>,
    context: &Context,
    pass: Pass,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let references: Vec<String> = batch.iter().filter_map(|(_, s)| s.reference.map(|r| r.to_string())).collect();
    let existing = store::existing(conn, &references)?;
    let file_name = &context.options.file_name;
    let mut new = Vec::new();
    for (_, imported) in batch.drain(..) {
        match imported.reference.and_then(|r| existing.get(&r.to_string())) {
            None => {
                report.created += 1;
                new.push(imported);
            }
            Some(current) => {
                let imported = aligned(imported, current, &context.columns);
                let changes = store::changes(current, &imported);
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    if pass == Pass::Write {
                        store::update(conn, current, &imported, changes, file_name, &context.stamp)?;
                    }
                }
            }
        }
    }
    if pass == Pass::Write {
        store::insert_many(conn, &new, file_name, &context.stamp)?;
    }
    Ok(())
}
