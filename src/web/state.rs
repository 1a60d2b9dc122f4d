//! What every request shares: the pool, the clock, the settings.

use std::sync::Arc;
use std::time::Duration;

use rocket::request::{FromRequest, Outcome, Request};

use crate::app::audit_queue::ViewLog;
use crate::app::{AppError, AppResult};
use crate::auth::secret_box::SecretBox;
use crate::auth::signing::Signer;
use crate::config::AppConfig;
use crate::db::cancel::Running;
use crate::db::interrupt::{self, AbandonFlag};
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
pub struct Db {
    pool: DbPool,
    views: ViewLog,
    memo: crate::db::memo::Memo,
    /// How long a read may run on SQLite (`statement_timeout_seconds`; PostgreSQL bounds each
    /// statement itself).
    bound: Option<Duration>,
    /// Where to connect to stop an abandoned read on PostgreSQL (`db::cancel`).
    database_url: Arc<str>,
}

impl Db {
    /// The pool itself, for work that takes a connection per step (a streamed export).
    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    /// Counts and lists kept until the next write.
    pub fn memo(&self) -> crate::db::memo::Memo {
        self.memo.clone()
    }

    /// The queue that records views of personal data.
    pub fn views(&self) -> ViewLog {
        self.views.clone()
    }

    /// Reads on a pooled connection, stopped on SQLite past the bound or as soon as the request
    /// is dropped (its client gone, the server stopping): see `db::interrupt`.
    pub async fn run<T, F>(&self, work: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> DbResult<T> + Send + 'static,
    {
        watched_pool_read(self.pool.clone(), self.database_url.clone(), self.bound, work).await
    }

    /// Runs a use case of the application layer on a pooled connection.
    pub async fn act<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        rocket::tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Db(DbError::Corrupt(interrupted(&e))))?
    }
}

/// Runs `work` on the blocking thread pool, watched (`db::interrupt`): its SQLite statements stop
/// once `bound` has passed, or as soon as this future is dropped before the work is done. A
/// stopped statement makes the work fail with `DbError::Interrupted`.
pub async fn watched_read<T, F>(bound: Option<Duration>, work: F) -> DbResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> DbResult<T> + Send + 'static,
{
    let abandoned = AbandonFlag::default();
    let waiting = abandoned.guard();
    let done = rocket::tokio::task::spawn_blocking(move || match interrupt::watched(bound, abandoned, work) {
        (Err(_), Some(why)) => Err(DbError::Interrupted(why)),
        (result, _) => result,
    })
    .await;
    waiting.disarm();
    done.map_err(|e| DbError::Corrupt(interrupted(&e)))?
}

/// Runs `work` on a connection of `pool`, watched as `watched_read` does; on PostgreSQL, a read
/// whose future is dropped before it is done also has its running statement cancelled
/// (`db::cancel`), from a connection to `database_url`.
pub async fn watched_pool_read<T, F>(
    pool: DbPool,
    database_url: Arc<str>,
    bound: Option<Duration>,
    work: F,
) -> DbResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> DbResult<T> + Send + 'static,
{
    let running = Running::default();
    let stopper = CancelOnDrop { running: Some(running.clone()), database_url, patience: patience(bound) };
    let done = watched_read(bound, move || {
        let mut conn = pool.get()?;
        // Declared after the connection: cleared before the connection goes back to the pool.
        let _entered = running.enter(&mut conn)?;
        work(&mut conn)
    })
    .await;
    stopper.disarm();
    done
}

/// How long to keep cancelling abandoned work that goes on: the statement timeout (beyond it,
/// PostgreSQL has stopped each statement anyway), or ten minutes without one.
fn patience(bound: Option<Duration>) -> Duration {
    bound.unwrap_or(Duration::from_secs(600))
}

/// Dropped with a request's future: cancels its work if it still runs (PostgreSQL only: on
/// SQLite nothing is noted as running, and the interrupt does it).
struct CancelOnDrop {
    running: Option<Running>,
    database_url: Arc<str>,
    patience: Duration,
}

impl CancelOnDrop {
    fn disarm(mut self) {
        self.running = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(running) = self.running.take().filter(Running::is_running) else { return };
        let (url, patience) = (self.database_url.clone(), self.patience);
        // Off the request's thread: asking means connecting to the server.
        let spawned = std::thread::Builder::new().name("annulation".into()).spawn(move || {
            if let Err(e) = running.cancel(&url, patience) {
                tracing::warn!(error = %e, "requête abandonnée non annulée (PostgreSQL)");
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "requête abandonnée non annulée (PostgreSQL)");
        }
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
            Some(state) => Outcome::Success(Db {
                pool: state.pool.clone(),
                views: state.views.clone(),
                memo: state.memo.clone(),
                bound: match state.config.statement_timeout_seconds {
                    0 => None,
                    seconds => Some(Duration::from_secs(seconds)),
                },
                database_url: state.config.database_url().into(),
            }),
            None => Outcome::Error((rocket::http::Status::ServiceUnavailable, ())),
        }
    }
}
