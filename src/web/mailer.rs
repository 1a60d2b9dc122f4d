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
            tokio::spawn(run_every(period, mailer, state.pool.clone(), state.clock.clone(), rocket.shutdown()));
        })
    })
}

async fn run_every(period: Duration, mailer: Mailer, pool: DbPool, clock: Arc<dyn Clock>, shutdown: Shutdown) {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.clone() => break,
            _ = interval.tick() => deliver_once(&mailer, &pool, &clock).await,
        }
    }
}

async fn deliver_once(mailer: &Mailer, pool: &DbPool, clock: &Arc<dyn Clock>) {
    let (mailer, pool, clock) = (mailer.clone(), pool.clone(), clock.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(crate::db::DbError::from)?;
        crate::app::outbox::deliver_due(&mut conn, &mailer, clock.as_ref())
    })
    .await;
    match outcome {
        Ok(Ok(report)) if report == Default::default() => {}
        Ok(Ok(report)) => tracing::info!(bilan = %report.summary(), "envoi des courriels"),
        Ok(Err(e)) => tracing::error!(error = %e, "envoi des courriels en échec"),
        Err(e) => tracing::error!(error = %e, "envoi des courriels interrompu"),
    }
}
