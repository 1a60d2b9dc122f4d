//! The web layer: Rocket routes, forms, guards, pages and the JSON API.

mod api;
mod assets;
mod auth;
mod context;
mod error;
mod fairings;
mod followup_view;
mod health;
mod html;
mod mailer;
mod params;
mod state;
mod steps;
mod sweeper;
mod view;

use std::sync::Arc;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

pub use state::AppState;

use crate::auth::secret_box::SecretBox;
use crate::auth::signing::Signer;
use crate::config::{self, AppConfig};
use crate::domain::clock::{Clock, SystemClock};

/// The application with its configuration read from `Rocket.toml` and the environment.
pub fn rocket() -> Rocket<Build> {
    build(config::figment(), Arc::new(SystemClock))
}

/// The application on a given figment and clock: tests use this.
pub fn build(figment: Figment, clock: Arc<dyn Clock>) -> Rocket<Build> {
    let figment = match config::with_secret_key(figment.clone()) {
        Ok(with_key) => with_key,
        Err(e) => {
            tracing::error!(error = %e, "clé secrète indisponible");
            figment
        }
    };
    let figment = assets::with_template_dir(figment);
    rocket::custom(figment)
        .attach(database_stage(clock))
        .attach(assets::templates_fairing())
        .attach(fairings::SecurityHeaders)
        .attach(fairings::RequestLog)
        .attach(sweeper::fairing())
        .attach(mailer::fairing())
        .mount("/", html::routes())
        .mount("/", assets::routes())
        .mount("/", health::routes())
        .mount("/api/v1", api::routes())
        .register("/", html::catchers())
        .register("/api", api::catchers())
        .attach(AdHoc::on_liftoff("Annonce", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                tracing::info!(address = %config.address, port = config.port, "Médiation est prête");
                announce_setup_link(rocket).await;
            })
        }))
}

/// Migrates the database, then opens the pool the requests share.
fn database_stage(clock: Arc<dyn Clock>) -> AdHoc {
    AdHoc::try_on_ignite("Base de données", move |rocket| async move {
        let config = match AppConfig::from_figment(rocket.figment()) {
            Ok(config) => config,
            Err(e) => {
                tracing::error!(error = %e, "configuration invalide");
                return Err(rocket);
            }
        };
        let url = config.database_url();
        let ready = rocket::tokio::task::spawn_blocking(move || {
            let applied = crate::db::pool::migrate(&url)?;
            if applied > 0 {
                tracing::info!(applied, "migrations appliquées");
            }
            crate::db::pool::build_pool(&url, config.database_pool_size)
        })
        .await;
        match ready {
            Ok(Ok(pool)) => {
                let config = AppConfig::from_figment(rocket.figment()).unwrap_or_default();
                let secret: String = rocket.figment().extract_inner("secret_key").unwrap_or_default();
                let secure_cookies = config.secure_cookies || rocket.figment().find_value("tls").is_ok();
                let secrets = SecretBox::new(&secret, "totp");
                let signer = Signer::new(&secret, "partenaires");
                Ok(rocket.manage(AppState { pool, clock, config, secrets, signer, secure_cookies }))
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "base de données indisponible");
                Err(rocket)
            }
            Err(e) => {
                tracing::error!(error = %e, "ouverture de la base interrompue");
                Err(rocket)
            }
        }
    })
}

/// While no account exists, each start writes a one-time link that creates the first
/// administrator (only its digest is stored).
async fn announce_setup_link(rocket: &rocket::Rocket<rocket::Orbit>) {
    let Some(state) = rocket.state::<AppState>() else { return };
    let (pool, at) = (state.pool.clone(), state.clock.now().naive_utc());
    let token = rocket::tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        crate::db::accounts::setup_link_token(&mut conn, at)
    })
    .await;
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let config = rocket.config();
        let host = if config.address.is_unspecified() { "127.0.0.1".to_string() } else { config.address.to_string() };
        format!("http://{host}:{}", config.port)
    });
    match token {
        Ok(Ok(Some(token))) => tracing::warn!(
            lien = %format!("{}/installation/{token}", base.trim_end_matches('/')),
            "Aucun compte n'existe : ouvrez ce lien pour créer le premier administrateur (valable jusqu'à son utilisation)"
        ),
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "lien d'installation impossible à créer"),
        Err(e) => tracing::error!(error = %e, "lien d'installation impossible à créer"),
    }
}
