//! The mediation's mailboxes read inside the server: every `imap_interval_minutes` (0 turns it
//! off, e.g. when `mediation mail fetch` runs from cron instead). Nothing runs without
//! `imap_url`. The log gets counts only: never an address or a subject.

use std::sync::Arc;
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::tokio;
use rocket::Shutdown;

use super::state::AppState;
use crate::imap::{AppSink, ImapSettings, MailboxReport};

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("Relève des courriels", |rocket| {
        Box::pin(async move {
            let Some(state) = rocket.state::<AppState>() else { return };
            let settings = match ImapSettings::from_config(&state.config) {
                Ok(Some(settings)) => settings,
                Ok(None) => {
                    tracing::info!("relève des courriels désactivée (pas de imap_url)");
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, "relève des courriels impossible");
                    return;
                }
            };
            if settings.interval_minutes == 0 {
                tracing::info!("relève des courriels désactivée dans le serveur (imap_interval_minutes = 0)");
                return;
            }
            let period = Duration::from_secs(settings.interval_minutes.saturating_mul(60));
            let sink = Arc::new(AppSink::new(state.pool.clone(), state.clock.clone(), &state.config));
            tokio::spawn(run_every(period, settings, sink, rocket.shutdown()));
        })
    })
}

async fn run_every(period: Duration, settings: ImapSettings, sink: Arc<AppSink>, shutdown: Shutdown) {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // A pass cut short here loses nothing: a message is moved only once recorded, and
            // the next pass finds the others where they were.
            _ = shutdown.clone() => {
                tracing::info!("relève des courriels arrêtée");
                break;
            }
            _ = interval.tick() => {
                for (number, report) in crate::imap::fetch_all(&settings, sink.clone()).await.iter().enumerate() {
                    log(number + 1, report);
                }
            }
        }
    }
}

/// One line per mailbox, numbered in the order of `imap_url` (its label holds an address).
fn log(number: usize, report: &MailboxReport) {
    if let Some(e) = &report.failure {
        tracing::error!(boite = number, bilan = %report.summary(), error = %e, "relève des courriels en échec");
    } else if report.errors > 0 || report.too_large > 0 {
        tracing::warn!(boite = number, bilan = %report.summary(), "relève des courriels");
    } else if report.is_idle() {
        tracing::debug!(boite = number, "relève des courriels : aucun message");
    } else {
        tracing::info!(boite = number, bilan = %report.summary(), "relève des courriels");
    }
}
