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
mod mail_reader;
mod mailer;
mod nav_views;
mod params;
mod sorting;
mod state;
mod steps;
mod sweeper;
mod template;
mod view;

use std::sync::Arc;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

pub use auth::address as client_address;
pub use state::{watched_pool_read, watched_read, AppState};

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
    crate::logging::install_panic_hook();
    // Without its secret key the server does not start (see `database_stage`): an empty or
    // guessable key would sign partner links and seal second-factor seeds.
    let (figment, secret) = match config::with_secret_key(figment.clone()) {
        Ok(with_key) => (with_key, Ok(())),
        Err(e) => (figment, Err(e.to_string())),
    };
    rocket::custom(figment)
        .attach(database_stage(clock, secret))
        .attach(template::fairing())
        .attach(fairings::SecurityHeaders)
        .attach(fairings::RequestLog)
        .attach(sweeper::fairing())
        .attach(mailer::fairing())
        .attach(mail_reader::fairing())
        .attach(views_flushed_at_shutdown())
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
                if config.address.is_unspecified() {
                    tracing::warn!(
                        "écoute sur toutes les interfaces (réglage explicite) : le port ne doit être joignable que par le \
                         proxy inverse qui sert TLS"
                    );
                }
                announce_setup_link(rocket).await;
            })
        }))
}

/// A stopping server writes the views it still holds before it exits.
fn views_flushed_at_shutdown() -> AdHoc {
    AdHoc::on_shutdown("Journal des consultations", |rocket| {
        Box::pin(async move {
            if let Some(state) = rocket.state::<AppState>() {
                let views = state.views.clone();
                let _ = rocket::tokio::task::spawn_blocking(move || views.close()).await;
            }
        })
    })
}

/// The secret key the figment now holds (created or configured).
fn secret_key(figment: &Figment, problem: Result<(), String>) -> Result<String, String> {
    problem?;
    match figment.extract_inner::<String>("secret_key") {
        Ok(key) if !key.trim().is_empty() => Ok(key),
        _ => Err("aucune clé secrète configurée".into()),
    }
}

/// Checks the secret key, migrates the database, then opens the pool the requests share.
fn database_stage(clock: Arc<dyn Clock>, secret: Result<(), String>) -> AdHoc {
    AdHoc::try_on_ignite("Base de données", move |rocket| async move {
        let secret = match secret_key(rocket.figment(), secret) {
            Ok(secret) => secret,
            Err(e) => {
                tracing::error!(
                    error = %e,
                    "clé secrète illisible ou impossible à créer : le serveur ne démarre pas (vérifiez le fichier \
                     secret_key du dossier de données, ses droits, ou le réglage ROCKET_SECRET_KEY)"
                );
                return Err(rocket);
            }
        };
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
            let settings = crate::db::pool::PoolSettings {
                size: config.database_pool_size,
                sqlite_cache_mib: config.sqlite_cache_mib,
                statement_timeout_seconds: config.statement_timeout_seconds,
            };
            let pool = crate::db::pool::build_pool(&url, settings)?;
            crate::memory::give_back();
            Ok::<_, crate::db::DbError>((pool, crate::db::checkpoint::Checkpointer::start(&url)?))
        })
        .await;
        match ready {
            Ok(Ok((pool, checkpoints))) => {
                let config = AppConfig::from_figment(rocket.figment()).unwrap_or_default();
                let secure_cookies = config.secure_cookies || rocket.figment().find_value("tls").is_ok();
                let secrets = SecretBox::new(&secret, "totp");
                let signer = Signer::new(&secret, "partenaires");
                let proxies = config.proxies().unwrap_or_default();
                let every = std::time::Duration::from_millis(config.audit_flush_ms);
                let views = match crate::app::audit_queue::ViewLog::start(pool.clone(), every) {
                    Ok(views) => views,
                    Err(e) => {
                        tracing::error!(error = %e, "journal des consultations : démarrage impossible");
                        return Err(rocket);
                    }
                };
                let state = AppState {
                    pool,
                    clock,
                    config,
                    secrets,
                    signer,
                    secure_cookies,
                    proxies,
                    views,
                    checkpoints,
                    memo: Default::default(),
                };
                Ok(rocket.manage(state))
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
        let mut conn = pool.get().map_err(crate::db::DbError::from)?;
        crate::app::accounts::setup_link_token(&mut conn, at)
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
