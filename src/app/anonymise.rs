//! Anonymisation: the daily job that removes the personal data of the closed saisines past
//! their retention (run by the server's sweep and by `mediation anonymise`), the purge of the
//! audit log past its own retention, and the erasure of one saisine on request, before its
//! term. What the figures need stays: codes, dates, outcome, durations, motifs.
//!
//! Idempotent and safe with several instances: each saisine is anonymised in its own write
//! transaction that reads its state again after taking the lock, so a second run (or a second
//! instance at the same moment) finds nothing left to do.

use chrono::NaiveDateTime;

use super::{write, Actor, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::retention::{self as store, Candidate};
use crate::db::{audit, events, saisines, DbConn};
use crate::domain::clock::Clock;
use crate::domain::retention::{check_anonymisable, check_erasure_reason, RetentionSettings};
use crate::domain::{EventDetails, EventKind, Reference, SaisineId};

/// The name the job's timeline entries and audit records carry.
pub const JOB_ACTOR: &str = "Anonymisation automatique";

/// What to do in one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// List what would change, change nothing.
    pub dry_run: bool,
    /// Months after closing for this run instead of the setting (0: every closed saisine).
    pub retention_months: Option<u32>,
}

/// What one run did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnonymiseReport {
    pub dry_run: bool,
    /// The retention applied, in months after closing.
    pub retention_months: u32,
    /// References anonymised (or to anonymise), oldest closing first.
    pub anonymised: Vec<String>,
    /// Audit records deleted (or to delete), past the audit log's retention.
    pub audit_purged: usize,
    /// Saisines the run could not handle (logged; the next run tries again).
    pub failed: usize,
}

impl AnonymiseReport {
    pub fn summary(&self) -> String {
        let verb = if self.dry_run { "à anonymiser" } else { "anonymisée(s)" };
        let purge = if self.dry_run { "à supprimer" } else { "supprimé(s)" };
        format!(
            "{} saisine(s) {verb} (clôturées depuis {} mois ou plus), {} enregistrement(s) du journal d'audit {purge}, {} échec(s)",
            self.anonymised.len(),
            self.retention_months,
            self.audit_purged,
            self.failed
        )
    }

    pub fn is_empty(&self) -> bool {
        self.anonymised.is_empty() && self.audit_purged == 0 && self.failed == 0
    }
}

/// Runs the job as of the clock's today.
pub fn run(conn: &mut DbConn, clock: &dyn Clock, options: RunOptions) -> AppResult<AnonymiseReport> {
    let (today, at) = (clock.today(), clock.now().naive_utc());
    let settings = store::load(conn)?;
    let months = options.retention_months.unwrap_or(settings.closed_months);
    let due = store::due(conn, RetentionSettings::closed_on_or_before(months, today))?;
    let audit_before = settings.audit_before(at);
    let mut report = AnonymiseReport { dry_run: options.dry_run, retention_months: months, ..Default::default() };
    if options.dry_run {
        report.anonymised = due.into_iter().map(|c| c.reference).collect();
        report.audit_purged = usize::try_from(store::audit_older_than(conn, audit_before)?).unwrap_or(usize::MAX);
        return Ok(report);
    }
    let actor = Actor::system(JOB_ACTOR);
    let stamp = Stamp { actor: &actor, at };
    for candidate in &due {
        match anonymise_due(conn, candidate, months, &stamp) {
            Ok(true) => {
                tracing::info!(reference = %candidate.reference, "saisine anonymisée (fin de conservation)");
                report.anonymised.push(candidate.reference.clone());
            }
            Ok(false) => {}
            Err(e) => {
                tracing::error!(reference = %candidate.reference, error = %e, "anonymisation : saisine non traitée");
                report.failed += 1;
            }
        }
    }
    report.audit_purged = purge_audit(conn, audit_before, &stamp)?;
    if !report.anonymised.is_empty() || report.audit_purged > 0 {
        crate::db::connection::flush_removed(conn)?;
    }
    Ok(report)
}

/// Anonymises one saisine past its retention; false when another run got there first.
fn anonymise_due(conn: &mut DbConn, candidate: &Candidate, months: u32, stamp: &Stamp) -> AppResult<bool> {
    write(conn, |conn| {
        store::lock(conn, candidate.id)?;
        let (closed, anonymised) = store::state(conn, candidate.id)?;
        if !closed || anonymised {
            return Ok(false);
        }
        let details =
            format!("conservation : {months} mois après la clôture du {}", candidate.closed_on.format("%d/%m/%Y"));
        scrub(conn, candidate.id, stamp)?;
        audit::record(conn, stamp.actor, AuditAction::SaisineAnonymised, &candidate.reference, &details, stamp.at)?;
        Ok(true)
    })
}

/// The removal itself and its timeline entry, inside the caller's transaction.
fn scrub(conn: &mut DbConn, id: SaisineId, stamp: &Stamp) -> AppResult<()> {
    store::scrub(conn, id, stamp.at)?;
    events::append(conn, id, EventKind::Anonymisee, &EventDetails::default(), stamp)?;
    Ok(())
}

/// Deletes the audit records past their retention, and says so in the log itself.
fn purge_audit(conn: &mut DbConn, before: NaiveDateTime, stamp: &Stamp) -> AppResult<usize> {
    write(conn, |conn| {
        let purged = store::purge_audit(conn, before)?;
        if purged > 0 {
            let details = format!("{purged} enregistrement(s) antérieur(s) au {}", before.format("%d/%m/%Y %H:%M UTC"));
            audit::record(conn, stamp.actor, AuditAction::AuditLogPurged, "journal", &details, stamp.at)?;
        }
        Ok(purged)
    })
}

/// An administrator anonymises one closed saisine before its term, at the person's request;
/// the reason is kept in the audit log.
pub fn erase(conn: &mut DbConn, reference: Reference, reason: &str, actor: &Actor, at: NaiveDateTime) -> AppResult<()> {
    check_erasure_reason(reason)?;
    write(conn, |conn| {
        saisines::lock(conn, reference)?;
        let id = saisines::id_of(conn, reference)?;
        let (closed, anonymised) = store::state(conn, id)?;
        check_anonymisable(closed, anonymised)?;
        let stamp = Stamp { actor, at };
        scrub(conn, id, &stamp)?;
        audit::record(conn, actor, AuditAction::SaisineErased, &reference.to_string(), reason.trim(), at)?;
        Ok(())
    })?;
    crate::db::connection::flush_removed(conn)?;
    Ok(())
}

/// Runs the job on a database URL: for `mediation anonymise`.
pub fn run_on(url: &str, clock: &dyn Clock, options: RunOptions) -> AppResult<AnonymiseReport> {
    let mut conn = crate::db::pool::connect(url)?;
    run(&mut conn, clock, options)
}
