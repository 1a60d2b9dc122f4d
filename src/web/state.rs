//! What every request shares: the pool, the clock, the settings.

use std::sync::Arc;

use rocket::request::{FromRequest, Outcome, Request};

use crate::app::audit_queue::ViewLog;
use crate::app::{AppError, AppResult};
use crate::auth::secret_box::SecretBox;
use crate::auth::signing::Signer;
use crate::config::AppConfig;
use crate::db::{DbConn, DbError, DbPool, DbResult};
use crate::domain::clock::Clock;

pub struct AppState {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    /// Seals TOTP seeds with a key derived from the application's secret key.
    pub secrets: SecretBox,
    /// Signs the partner form's tokens and acknowledgement links.
    pub signer: Signer,
    /// Cookies marked Secure and HSTS sent: TLS by Rocket itself or by a reverse proxy.
    pub secure_cookies: bool,
    /// The reverse proxies allowed to name the client's address (`trusted_proxies`).
    pub proxies: Vec<std::net::IpAddr>,
    /// Views of personal data, written in batches by one writer (`app::audit_queue`).
    pub views: ViewLog,
    /// SQLite's WAL checkpoints, run in the background (`db::checkpoint`); stops with the state.
    pub checkpoints: Option<crate::db::checkpoint::Checkpointer>,
    /// Counts and lists every page reads, kept until the next write (`db::memo`).
    pub memo: crate::db::memo::Memo,
}

/// A handle on the pool for one request; database work runs on the blocking thread pool.
pub struct Db(DbPool, ViewLog, crate::db::memo::Memo);

impl Db {
    /// The pool itself, for work that takes a connection per step (a streamed export).
    pub fn pool(&self) -> DbPool {
        self.0.clone()
    }

    /// Counts and lists kept until the next write.
    pub fn memo(&self) -> crate::db::memo::Memo {
        self.2.clone()
    }

    /// The queue that records views of personal data.
    pub fn views(&self) -> ViewLog {
        self.1.clone()
    }

    pub async fn run<T, F>(&self, work: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> DbResult<T> + Send + 'static,
    {
        let pool = self.0.clone();
        rocket::tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| DbError::Corrupt(interrupted(&e)))?
    }

    /// Runs a use case of the application layer on a pooled connection.
    pub async fn act<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.0.clone();
        rocket::tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Db(DbError::Corrupt(interrupted(&e))))?
    }
}

/// Why a blocking task ended early, without its panic message (which may quote user input,
/// and tokio's `JoinError` would print it).
pub fn interrupted(error: &rocket::tokio::task::JoinError) -> String {
    if error.is_panic() {
        "tâche interrompue par une panique".into()
    } else {
        "tâche annulée".into()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Db {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.rocket().state::<AppState>() {
            Some(state) => Outcome::Success(Db(state.pool.clone(), state.views.clone(), state.memo.clone())),
            None => Outcome::Error((rocket::http::Status::ServiceUnavailable, ())),
        }
    }
}
