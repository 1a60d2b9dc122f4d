//! The outbox's delivery inside the server: every `mail_interval_seconds` (0 turns it off,
//! e.g. when `mediation mail send` runs from cron instead). Nothing runs without `smtp_url`.

use std::sync::Arc;
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::tokio;
use rocket::Shutdown;

use super::state::AppState;
use crate::db::DbPool;
use crate::domain::clock::Clock;
use crate::mail::Mailer;

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("Envoi des courriels", |rocket| {
        Box::pin(async move {
            let Some(state) = rocket.state::<AppState>() else { return };
            let mailer = match Mailer::from_config(&state.config) {
                Ok(Some(mailer)) => mailer,
                Ok(None) => {
                    tracing::info!("envoi des courriels désactivé (pas de smtp_url)");
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, "envoi des courriels impossible");
                    return;
                }
            };
            let seconds = state.config.mail_interval_seconds;
            if seconds == 0 {
                tracing::info!("envoi des courriels désactivé dans le serveur (mail_interval_seconds = 0)");
                return;
            }
            let period = Duration::from_secs(seconds);
            let settings = crate::app::letters::MailSettings::from_config(&state.config);
            let worker = Worker { mailer, settings, pool: state.pool.clone(), clock: state.clock.clone() };
            tokio::spawn(run_every(period, worker, rocket.shutdown()));
        })
    })
}

/// What each run needs.
#[derive(Clone)]
struct Worker {
    mailer: Mailer,
    settings: crate::app::letters::MailSettings,
    pool: DbPool,
    clock: Arc<dyn Clock>,
}

async fn run_every(period: Duration, worker: Worker, shutdown: Shutdown) {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.clone() => break,
            _ = interval.tick() => deliver_once(&worker).await,
        }
    }
}

async fn deliver_once(worker: &Worker) {
    let worker = worker.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut conn = worker.pool.get().map_err(crate::db::DbError::from)?;
        let now = worker.clock.now().naive_utc();
        crate::app::notifications::queue_digests(&mut conn, &worker.settings, now)?;
        crate::app::outbox::deliver_due(&mut conn, &worker.mailer, worker.clock.as_ref())
    })
    .await;
    match outcome {
        Ok(Ok(report)) if report == Default::default() => {}
        Ok(Ok(report)) => tracing::info!(bilan = %report.summary(), "envoi des courriels"),
        Ok(Err(e)) => tracing::error!(error = %e, "envoi des courriels en échec"),
        Err(e) => tracing::error!(error = %e, "envoi des courriels interrompu"),
    }
}
