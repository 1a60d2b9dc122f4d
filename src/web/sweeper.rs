//! The deadline sweep inside the server: once at start, then every `sweep_interval_minutes`
//! (0 turns it off). It stops with the server. The anonymisation job (`app::anonymise`) runs
//! with it once a day: at the first sweep of each day in France.

use std::sync::Arc;
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::tokio;
use rocket::Shutdown;

use super::state::AppState;
use crate::db::DbPool;
use crate::domain::clock::Clock;

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("Veille des délais", |rocket| {
        Box::pin(async move {
            let Some(state) = rocket.state::<AppState>() else { return };
            let minutes = state.config.sweep_interval_minutes;
            if minutes == 0 {
                tracing::info!("veille des délais désactivée dans le serveur (sweep_interval_minutes = 0)");
                return;
            }
            let period = Duration::from_secs(minutes.saturating_mul(60));
            tokio::spawn(run_every(period, state.pool.clone(), state.clock.clone(), rocket.shutdown()));
        })
    })
}

async fn run_every(period: Duration, pool: DbPool, clock: Arc<dyn Clock>, shutdown: Shutdown) {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut anonymised_on: Option<chrono::NaiveDate> = None;
    loop {
        tokio::select! {
            _ = shutdown.clone() => {
                tracing::info!("veille des délais arrêtée");
                break;
            }
            _ = interval.tick() => {
                sweep_once(&pool, &clock).await;
                let today = clock.today();
                if anonymised_on != Some(today) && anonymise_once(&pool, &clock).await {
                    anonymised_on = Some(today);
                }
            }
        }
    }
}

async fn sweep_once(pool: &DbPool, clock: &Arc<dyn Clock>) {
    let (pool, clock) = (pool.clone(), clock.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(crate::db::DbError::from)?;
        crate::app::sweep::run(&mut conn, clock.as_ref())
    })
    .await;
    match outcome {
        Ok(Ok(report)) if report == Default::default() => tracing::debug!("veille des délais : rien à faire"),
        Ok(Ok(report)) => tracing::info!(bilan = %report.summary(), "veille des délais"),
        Ok(Err(e)) => tracing::error!(error = %e, "veille des délais en échec"),
        Err(e) => tracing::error!(error = %e, "veille des délais interrompue"),
    }
}

/// The daily anonymisation; true when it ran (a failure is tried again at the next sweep).
async fn anonymise_once(pool: &DbPool, clock: &Arc<dyn Clock>) -> bool {
    let (pool, clock) = (pool.clone(), clock.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(crate::db::DbError::from)?;
        crate::app::anonymise::run(&mut conn, clock.as_ref(), Default::default())
    })
    .await;
    match outcome {
        Ok(Ok(report)) if report.is_empty() => {
            tracing::debug!("anonymisation : rien à faire");
            true
        }
        Ok(Ok(report)) => {
            tracing::info!(bilan = %report.summary(), "anonymisation");
            report.failed == 0
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "anonymisation en échec");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "anonymisation interrompue");
            false
        }
    }
}
