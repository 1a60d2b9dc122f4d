//! One connection type for both backends: the URL's scheme picks PostgreSQL or SQLite, and
//! the few backend-specific statements live here and in `pool.rs`.

use std::path::{Path, PathBuf};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::{DbError, DbResult};

/// A connection to either backend; queries written in Diesel's DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// The backend boxed queries are built for.
pub type DbBackend = MultiBackend;

/// Where the data lives, read from the database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Postgres(String),
    Sqlite(PathBuf),
}

impl Target {
    /// `postgres://…` or `postgresql://…`; `sqlite://path`, `sqlite:path` or a plain path.
    /// Any other scheme is refused rather than taken for a file name.
    pub fn parse(url: &str) -> DbResult<Target> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_string()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() {
            return Err(DbError::Config("adresse de base de données vide".into()));
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(DbError::Config(format!(
                "type de base inconnu « {scheme} » : postgres:// ou sqlite:// attendu"
            )));
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Target::Postgres(_))
    }
}

/// busy_timeout first: set after WAL, connections opened together at start-up saw "database is
/// locked". synchronous=FULL: a saisine acknowledged to a user survives a power cut. The page
/// cache is set apart (`Tuning`): the server shares one budget among its pool's connections.
/// secure_delete: what is deleted or overwritten (anonymisation) is zeroed in the file, not left
/// in free space for a copy of the file to hold.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON;";

/// What a connection is set up with beyond the pragmas every connection needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// SQLite's page cache of this connection, in KiB.
    pub cache_kib: u64,
    /// PostgreSQL's `statement_timeout`, in milliseconds (0: none).
    pub statement_timeout_ms: u64,
    /// SQLite's `wal_autocheckpoint`, when not its default: the server's connections leave
    /// checkpoints to a background thread (`checkpoint`).
    pub autocheckpoint_pages: Option<u32>,
}

impl Default for Tuning {
    /// One connection on its own (the command line): a 32 MiB cache (SQLite's default is
    /// 2 MiB) keeps large imports and the yearly report's group-bys off the disk; no bound.
    fn default() -> Self {
        Tuning { cache_kib: 32 * 1024, statement_timeout_ms: 0, autocheckpoint_pages: None }
    }
}

impl Tuning {
    /// The server's pool: `cache_mib` for all `connections` together and the writer connection
    /// of the group commit, opened like one of them (at least 1 MiB each), and statements cut
    /// after `timeout_seconds` on PostgreSQL.
    ///
    /// The budget is shared in fact, not only in sum: the bundled SQLite is built with
    /// `SQLITE_ENABLE_MEMORY_MANAGEMENT`, so the connections of a process keep their pages in one
    /// group whose size is the sum of their caches, and a busy connection takes the pages another
    /// left unused. A connection's cache is its claim on that group.
    pub fn pool(cache_mib: u32, connections: u32, timeout_seconds: u64) -> Tuning {
        let each = u64::from(cache_mib) * 1024 / (u64::from(connections.max(1)) + 1);
        Tuning {
            cache_kib: each.max(1024),
            statement_timeout_ms: timeout_seconds.saturating_mul(1000),
            autocheckpoint_pages: Some(super::checkpoint::SERVER_AUTOCHECKPOINT_PAGES),
        }
    }
}

fn ensure_parent_dir(path: &Path) -> DbResult<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .map_err(|e| DbError::Config(format!("impossible de créer le dossier {} : {e}", parent.display()))),
        _ => Ok(()),
    }
}

/// Opens one connection, with the pragmas SQLite needs; the real error is kept.
pub fn establish(target: &Target) -> DbResult<DbConn> {
    establish_tuned(target, &Tuning::default())
}

/// Opens one connection set up as `tuning` says.
pub fn establish_tuned(target: &Target, tuning: &Tuning) -> DbResult<DbConn> {
    match target {
        Target::Postgres(url) => {
            let mut conn = PgConnection::establish(url)?;
            if tuning.statement_timeout_ms > 0 {
                // A request nobody waits for any more cannot hold a backend for minutes.
                conn.batch_execute(&format!("SET statement_timeout = {}", tuning.statement_timeout_ms))?;
            }
            Ok(DbConn::Postgresql(conn))
        }
        Target::Sqlite(path) => {
            ensure_parent_dir(path)?;
            // Before the first connection: each one gets the handler that stops abandoned work.
            super::interrupt::install();
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
            conn.batch_execute(SQLITE_PRAGMAS)?;
            conn.batch_execute(&format!("PRAGMA cache_size = -{}", tuning.cache_kib))?;
            if let Some(pages) = tuning.autocheckpoint_pages {
                conn.batch_execute(&format!("PRAGMA wal_autocheckpoint = {pages}"))?;
            }
            Ok(DbConn::Sqlite(conn))
        }
    }
}

/// A transaction that writes, failing with the database layer's error.
pub fn write_transaction<T, F>(conn: &mut DbConn, work: F) -> DbResult<T>
where
    F: FnOnce(&mut DbConn) -> DbResult<T>,
{
    write_transaction_as(conn, work)
}

/// A transaction that writes, failing with the caller's error type. On SQLite it takes the write lock at once (BEGIN IMMEDIATE), so
/// that concurrent writers wait on busy_timeout instead of failing with SQLITE_BUSY; on
/// PostgreSQL row locks and constraints do that work. Nested calls become savepoints.
///
/// A write is never stopped halfway by the watch on the calling thread (`interrupt`): with group
/// commit, its commit may carry other writers' work.
pub fn write_transaction_as<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    super::interrupt::unwatched(|| write_unwatched(conn, work))
}

fn write_unwatched<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConn::Sqlite(sqlite) = conn else {
        let written = super::cancel::uncancelled(|| conn.transaction(work))?;
        super::memo::data_changed();
        return Ok(written);
    };
    let depth = AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth().map_err(E::from)?;
    if depth.is_some() {
        return conn.transaction(work);
    }
    // Writers of this process queue (`write_gate`) and those that wait for each other share
    // one transaction and its commit (`group_commit`). In memory, a connection is its own
    // database: it writes alone.
    if let Some(path) = main_file(sqlite).map_err(E::from)? {
        return super::group_commit::run(sqlite, &path, work);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(E::from)?;
    match work(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn).map_err(E::from)?;
            super::memo::data_changed();
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = <DbConn as Connection>::TransactionManager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "échec de l'annulation d'une transaction");
            }
            Err(error)
        }
    }
}

#[derive(diesel::QueryableByName)]
struct MainFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The file of a SQLite connection's main database; `None` in memory.
/// Lets the writer connection this connection's writes opened go (`group_commit::close_writer`):
/// for a connection that wrote once and is done, like the migrations at start.
pub fn release_writer(conn: &mut DbConn) -> DbResult<()> {
    if let DbConn::Sqlite(sqlite) = conn {
        if let Some(path) = main_file(sqlite)? {
            super::group_commit::close_writer(&path);
        }
    }
    Ok(())
}

fn main_file(sqlite: &mut SqliteConnection) -> diesel::QueryResult<Option<String>> {
    use diesel::RunQueryDsl;
    let rows: Vec<MainFile> =
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'").load(sqlite)?;
    Ok(rows.into_iter().next().map(|r| r.file).filter(|f| !f.is_empty()))
}

/// A write that waited for its turn longer than SQLite's own busy_timeout would have.
pub(crate) const LOCKED: &str = "base occupée : écriture en attente depuis trop longtemps";

/// A transaction that only reads, all of it from one snapshot of the database: a SQLite read
/// transaction (`BEGIN`: the snapshot is taken at its first read and held until the end, while
/// writers go on in the WAL), or PostgreSQL's `REPEATABLE READ, READ ONLY`. What commits
/// meanwhile is not seen, so the reads agree with each other.
pub fn read_snapshot<T, F>(conn: &mut DbConn, work: F) -> DbResult<T>
where
    F: FnOnce(&mut DbConn) -> DbResult<T>,
{
    match conn {
        DbConn::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN")?,
        DbConn::Postgresql(pg) => {
            AnsiTransactionManager::begin_transaction_sql(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?
        }
    }
    let result = work(conn);
    // Nothing was written: ending the transaction either way releases the snapshot.
    if let Err(error) = <DbConn as Connection>::TransactionManager::rollback_transaction(conn) {
        tracing::error!(error = %error, "échec de la fin d'une transaction de lecture");
    }
    result
}

/// Reads whose `ORDER BY … LIMIT` an index serves in order, planned on PostgreSQL without the
/// choice of sorting. Its planner takes the stored deadlines' columns for independent: the
/// columns are null together on every closed saisine (98 % of a million), so it multiplies
/// their fractions and expects one late saisine where there are thousands. It then read all of
/// them by `saisines_queue` and sorted them for each page (2.5 ms a queue page at 1,000,000)
/// instead of walking `saisines_queue_order` to the page's end (0.1 ms). SQLite plans
/// without statistics and walks the order index already. The setting lasts until the
/// transaction ends, so it is set back before.
pub fn in_index_order<T, F>(conn: &mut DbConn, work: F) -> DbResult<T>
where
    F: FnOnce(&mut DbConn) -> DbResult<T>,
{
    if !matches!(conn, DbConn::Postgresql(_)) {
        return work(conn);
    }
    conn.transaction(|conn| {
        conn.batch_execute("SET LOCAL enable_sort = off")?;
        let result = work(conn)?;
        conn.batch_execute("SET LOCAL enable_sort = on")?;
        Ok(result)
    })
}

/// A multi-row insert, run on the concrete connection: Diesel builds multi-row inserts for
/// each backend, not for the two together.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::db::DbConn::Postgresql(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}
pub(crate) use insert_rows;

/// After an anonymisation: SQLite's `secure_delete` (set on every connection) has zeroed the
/// removed text in the pages; the checkpoint writes those pages into the database file and
/// empties the WAL, which still held the old versions. A reader still open keeps the WAL from
/// being emptied: the next run's checkpoint does it. PostgreSQL: see the README (VACUUM).
pub fn flush_removed(conn: &mut DbConn) -> DbResult<()> {
    if let DbConn::Sqlite(sqlite) = conn {
        sqlite.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
    }
    Ok(())
}

/// Whether the database answers: for /healthz.
pub fn ping(conn: &mut DbConn) -> DbResult<()> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert!(Target::parse("postgres://u@h/db").unwrap().is_postgres());
        assert!(Target::parse("postgresql://u@h/db").unwrap().is_postgres());
        assert_eq!(Target::parse("sqlite://data/m.sqlite").unwrap(), Target::Sqlite("data/m.sqlite".into()));
        assert_eq!(Target::parse("data/m.sqlite").unwrap(), Target::Sqlite("data/m.sqlite".into()));
        assert!(Target::parse("mysql://u@h/db").is_err());
        assert!(Target::parse("").is_err());
    }

    #[test]
    fn the_cache_budget_is_shared_among_the_pool_and_its_writer() {
        assert_eq!(Tuning::pool(72, 8, 30).cache_kib, 8 * 1024);
        assert_eq!(Tuning::pool(64, 0, 30).cache_kib, 32 * 1024);
        assert_eq!(Tuning::pool(4, 16, 0).cache_kib, 1024, "at least 1 MiB each");
        assert_eq!(Tuning::pool(64, 8, 30).statement_timeout_ms, 30_000);
    }
}
