//! Connections: the pool, the pragmas every SQLite connection needs, migrations, write transactions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{DbError, DbResult};

pub type DbConn = SqliteConnection;
/// The backend boxed queries are built for (becomes the multi-backend with PostgreSQL).
pub type DbBackend = diesel::sqlite::Sqlite;
pub type DbPool = Pool<ConnectionManager<DbConn>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// busy_timeout first: set after WAL, connections opened together at start-up saw "database is locked".
/// synchronous=FULL: a saisine acknowledged to a user survives a power cut, not only a crash.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(SQLITE_PRAGMAS).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The file a `sqlite://path` URL (or a plain path) names.
pub fn sqlite_path(url: &str) -> DbResult<PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(DbError::Migration("PostgreSQL n'est pas encore pris en charge par ce binaire".into()));
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.is_empty() {
        return Err(DbError::Migration("adresse de base de données vide".into()));
    }
    Ok(PathBuf::from(path))
}

fn ensure_parent_dir(path: &Path) -> DbResult<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .map_err(|e| DbError::Migration(format!("impossible de créer le dossier {} : {e}", parent.display()))),
        _ => Ok(()),
    }
}

/// Opens one connection with the pragmas, for the command line and migrations.
pub fn connect(url: &str) -> DbResult<DbConn> {
    let path = sqlite_path(url)?;
    ensure_parent_dir(&path)?;
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    conn.batch_execute(SQLITE_PRAGMAS)?;
    Ok(conn)
}

/// Applies the embedded migrations not yet applied; returns how many ran.
pub fn migrate(url: &str) -> DbResult<usize> {
    let mut conn = connect(url)?;
    let applied = conn.run_pending_migrations(SQLITE_MIGRATIONS).map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(applied.len())
}

/// The pool the server shares between requests.
pub fn build_pool(url: &str, size: u32) -> DbResult<DbPool> {
    let path = sqlite_path(url)?;
    ensure_parent_dir(&path)?;
    let manager = ConnectionManager::<DbConn>::new(path.to_string_lossy());
    Pool::builder()
        .max_size(size.max(1))
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| DbError::Migration(format!("ouverture de la base : {e}")))
}

/// A transaction that writes: on SQLite it takes the write lock at once (BEGIN IMMEDIATE),
/// so that concurrent writers wait on busy_timeout instead of failing with SQLITE_BUSY.
pub fn write_transaction<T, F>(conn: &mut DbConn, work: F) -> DbResult<T>
where
    F: FnOnce(&mut DbConn) -> DbResult<T>,
{
    conn.immediate_transaction(work)
}

/// Whether the database answers: for /healthz.
pub fn ping(conn: &mut DbConn) -> DbResult<()> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}
