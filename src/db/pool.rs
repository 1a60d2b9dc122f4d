//! The pool the server shares, and migrations for each backend.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use super::connection::{
    establish, establish_tuned, ping, read_snapshot, write_transaction, write_transaction_as, DbBackend, DbConn,
    Target, Tuning,
};
use super::{DbError, DbResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations when several instances start together on one PostgreSQL.
const MIGRATION_LOCK: i64 = 0x6d65_6469_6174;

/// Opens connections for the pool, on the backend the URL names.
#[derive(Debug, Clone)]
pub struct Manager {
    target: Target,
    tuning: Tuning,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        establish_tuned(&self.target, &self.tuning).map_err(|e| match e {
            DbError::Connection(e) => diesel::r2d2::Error::ConnectionError(e),
            DbError::Query(e) => diesel::r2d2::Error::QueryError(e),
            other => {
                diesel::r2d2::Error::QueryError(diesel::result::Error::QueryBuilderError(other.to_string().into()))
            }
        })
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || R2D2Connection::is_broken(conn)
    }
}

pub type DbPool = Pool<Manager>;

/// Opens one connection, for the command line and tests.
pub fn connect(url: &str) -> DbResult<DbConn> {
    establish(&Target::parse(url)?)
}

/// Applies the embedded migrations not yet applied, then fills the search keys they left
/// empty; returns how many migrations ran.
pub fn migrate(url: &str) -> DbResult<usize> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let mut conn = connect(url)?;
    let applied = match &mut conn {
        DbConn::Sqlite(conn) => conn.run_pending_migrations(SQLITE_MIGRATIONS).map_err(failed)?.len(),
        DbConn::Postgresql(conn) => {
            conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len()).map_err(failed);
            conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied?
        }
    };
    super::search_keys::backfill(&mut conn)?;
    // After the search keys: a possible duplicate is found through them.
    super::schedule::refresh_stale(&mut conn)?;
    // The writer connection the start's writes opened has this connection's 32 MiB cache: the
    // server's writes open their own, with a share of the pool's budget (`Tuning::pool`).
    super::connection::release_writer(&mut conn)?;
    Ok(applied)
}

/// The pool's shape: how many connections, and how each is set up.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub size: u32,
    /// SQLite's page cache for the whole pool, in MiB.
    pub sqlite_cache_mib: u32,
    /// PostgreSQL's bound on one statement, in seconds (0: none).
    pub statement_timeout_seconds: u64,
}

/// The pool the server shares between requests. Connections idle for a minute are closed
/// (one stays open), so the memory a burst of load took is given back.
pub fn build_pool(url: &str, settings: PoolSettings) -> DbResult<DbPool> {
    let size = settings.size.max(1);
    let tuning = Tuning::pool(settings.sqlite_cache_mib, size, settings.statement_timeout_seconds);
    let manager = Manager { target: Target::parse(url)?, tuning };
    // The first connection tells the real error (a wrong password, an unknown database).
    establish_tuned(&manager.target, &tuning)?;
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .idle_timeout(Some(Duration::from_secs(60)))
        .connection_timeout(Duration::from_secs(30))
        .build(manager)
        .map_err(|e| DbError::Config(format!("ouverture de la base : {e}")))
}
