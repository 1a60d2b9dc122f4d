//! The sweep: notes overdue documents and closes, as `abandon`, the saisines whose person did
//! not answer within the grace days. Run hourly by the server and by `mediation sweep` (cron).
//! Idempotent: a second run the same day finds nothing to do; safe with several instances.

use super::{followups as acts, Actor, AppResult, Stamp};
use crate::db::followups::{self, FollowUpKind, WaitingSaisine};
use crate::db::{deadline_settings, DbConn};
use crate::domain::clock::Clock;
use crate::domain::deadlines::{DeadlineSettings, FollowUp};

/// The name the sweep's timeline entries and audit records carry.
pub const SWEEP_ACTOR: &str = "Veille automatique";

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// References whose overdue documents were noted.
    pub flagged: Vec<String>,
    /// References closed as `abandon`.
    pub abandoned: Vec<String>,
    /// Saisines the run could not handle (logged; the next run tries again).
    pub failed: usize,
}

impl SweepReport {
    pub fn summary(&self) -> String {
        format!(
            "{} échéance(s) dépassée(s) signalée(s), {} saisine(s) clôturée(s) pour abandon, {} échec(s)",
            self.flagged.len(),
            self.abandoned.len(),
            self.failed
        )
    }
}

/// Runs the sweep as of the clock's today.
pub fn run(conn: &mut DbConn, clock: &dyn Clock) -> AppResult<SweepReport> {
    let (today, at) = (clock.today(), clock.now().naive_utc());
    let settings = deadline_settings::load(conn)?;
    let waits = followups::overdue_waits(conn, today)?;
    let keys: Vec<(i32, i32)> = waits.iter().map(|w| (w.id.0, w.request)).collect();
    let flagged = followups::done(conn, &keys, FollowUpKind::OverdueNote)?;
    let actor = Actor::system(SWEEP_ACTOR);
    let stamp = Stamp { actor: &actor, at };
    let mut report = SweepReport::default();
    for saisine in &waits {
        let Some(follow_up) =
            settings.follow_up(saisine.wait, today, flagged.contains(&(saisine.id.0, saisine.request)))
        else {
            continue;
        };
        match act(conn, saisine, follow_up, &settings, today, &stamp) {
            Ok(true) => record(&mut report, saisine, follow_up),
            Ok(false) => {}
            Err(e) => {
                tracing::error!(reference = %saisine.reference, error = %e, "veille : saisine non traitée");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

fn act(
    conn: &mut DbConn,
    saisine: &WaitingSaisine,
    follow_up: FollowUp,
    settings: &DeadlineSettings,
    today: chrono::NaiveDate,
    stamp: &Stamp,
) -> AppResult<bool> {
    match follow_up {
        FollowUp::FlagOverdue => acts::note_overdue(conn, saisine, settings, stamp),
        FollowUp::Abandon { on } => acts::abandon(conn, saisine, on, settings, today, stamp),
    }
}

fn record(report: &mut SweepReport, saisine: &WaitingSaisine, follow_up: FollowUp) {
    let reference = saisine.reference.to_string();
    match follow_up {
        FollowUp::FlagOverdue => {
            tracing::info!(%reference, "veille : pièces non reçues à l'échéance");
            report.flagged.push(reference);
        }
        FollowUp::Abandon { on } => {
            tracing::info!(%reference, %on, "veille : saisine clôturée pour abandon");
            report.abandoned.push(reference);
        }
    }
}

/// Runs the sweep on a database URL: for `mediation sweep`.
pub fn run_on(url: &str, clock: &dyn Clock) -> AppResult<SweepReport> {
    let mut conn = crate::db::pool::connect(url)?;
    run(&mut conn, clock)
}
