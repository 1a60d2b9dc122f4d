//! Group commit for SQLite: the writes of this process that wait for each other share one
//! transaction, and one commit.
//!
//! A commit writes every page the transaction changed to the WAL, then syncs it. New saisines
//! of the same day change the same last pages of each of the table's indexes, so N creations
//! committed together write those pages once instead of N times. Writers still take their turn
//! one after the other (`write_gate`), each running its own work on the file's one writer
//! connection, inside a savepoint of the open batch: a refused or failed write rolls back its
//! savepoint alone. The last writer of the queue (nobody waiting behind it), the 32nd of a
//! batch, or the first after 20 ms, commits; the writers of the batch wait for that commit
//! before their write is acknowledged, so nothing is acknowledged before it is on disk
//! (synchronous=FULL). A failed commit fails every write of its batch.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::{Connection, SqliteConnection};

use super::connection::{establish_tuned, DbConn, Target, Tuning};
use super::write_gate;

/// Writes in one batch at most.
const MOST_MEMBERS: usize = 32;
/// A batch older than this is committed by its next writer, whoever waits behind it.
const LONGEST_OPEN: Duration = Duration::from_millis(20);
/// A writer waits this long for its batch's commit before giving up (it should never come
/// near: the batch is committed by a writer holding the turn, or by `settle_open`).
const LONGEST_SETTLE: Duration = Duration::from_secs(60);
/// Failed batches remembered for their waiting writers.
const FAILURES_KEPT: usize = 256;

struct Batch {
    number: u64,
    members: usize,
    started: Instant,
}

#[derive(Default)]
struct Writer {
    conn: Option<DbConn>,
    batch: Option<Batch>,
    numbered: u64,
}

#[derive(Default)]
struct Settled {
    up_to: u64,
    failed: Vec<u64>,
}

#[derive(Default)]
struct Group {
    writer: Mutex<Writer>,
    settled: Mutex<Settled>,
    changed: Condvar,
}

static GROUPS: Mutex<Option<HashMap<String, Arc<Group>>>> = Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn group_of(path: &str) -> Arc<Group> {
    let mut groups = lock(&GROUPS);
    let groups = groups.get_or_insert_with(HashMap::new);
    if !groups.contains_key(path) {
        // A file that is gone (a test's folder) lets its writer connection go.
        groups.retain(|file, _| Path::new(file).exists());
    }
    groups.entry(path.to_string()).or_default().clone()
}

/// Closes the writer connection of the file at `path` when no batch is open; the next write
/// opens it again, set up as that write's caller. A one-off caller (the migrations at the
/// server's start, on a connection with the command line's 32 MiB cache) must not leave its
/// connection to the server for good: its cache would add to the server's (`connection::Tuning`).
pub(crate) fn close_writer(path: &str) {
    let group = group_of(path);
    let mut writer = lock(&group.writer);
    if writer.batch.is_none() {
        writer.conn = None;
    }
}

#[derive(diesel::QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    cache_size: i64,
}

#[derive(diesel::QueryableByName)]
struct Autocheckpoint {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    wal_autocheckpoint: i64,
}

/// The writer connection, set up as the caller's (its share of the page cache, its
/// checkpoint setting).
fn open_like(caller: &mut SqliteConnection, path: &str) -> diesel::QueryResult<DbConn> {
    use diesel::RunQueryDsl;
    let cache = diesel::sql_query("PRAGMA cache_size").load::<CacheSize>(caller)?.first().map_or(0, |r| r.cache_size);
    let autocheckpoint = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .load::<Autocheckpoint>(caller)?
        .first()
        .map_or(1000, |r| r.wal_autocheckpoint);
    let tuning = Tuning {
        cache_kib: if cache < 0 { cache.unsigned_abs() } else { cache.unsigned_abs() * 4 },
        statement_timeout_ms: 0,
        autocheckpoint_pages: u32::try_from(autocheckpoint).ok(),
    };
    establish_tuned(&Target::Sqlite(path.into()), &tuning).map_err(|e| failure(&e.to_string()))
}

fn failure(message: &str) -> diesel::result::Error {
    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::Unknown, Box::new(message.to_string()))
}

/// Runs `work` as one write of the open batch of the file at `path` (opening one if none is),
/// and returns once the batch holding it is committed.
pub(crate) fn run<T, E, F>(caller: &mut SqliteConnection, path: &str, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let turn = write_gate::wait_turn(path).ok_or_else(|| E::from(failure(super::connection::LOCKED)))?;
    let group = group_of(path);
    let mut writer = Member { writer: lock(&group.writer), group: &group, done: false };
    let (result, mine) = writer.work(caller, path, work)?;
    let commit_now = match &writer.writer.batch {
        Some(batch) => {
            !write_gate::others_waiting(&turn)
                || batch.members >= MOST_MEMBERS
                || batch.started.elapsed() >= LONGEST_OPEN
        }
        None => false,
    };
    let committed = if commit_now { settle(&group, &mut writer.writer) } else { Ok(()) };
    writer.done = true;
    drop(writer);
    drop(turn);
    let value = result?;
    committed.map_err(E::from)?;
    if !commit_now {
        wait_settled(&group, mine).map_err(E::from)?;
    }
    Ok(value)
}

/// Commits the batch left open by the writer before an abandoned turn (`write_gate`): nobody
/// else would.
pub(crate) fn settle_open(path: &str) {
    let group = group_of(path);
    let mut writer = lock(&group.writer);
    if writer.batch.is_some() {
        if let Err(e) = settle(&group, &mut writer) {
            tracing::error!(error = %e, "écritures groupées : validation en échec");
        }
    }
}

/// The writer connection while one write runs; a panic in the write drops the connection,
/// which rolls back the open batch, and fails the batch's writers.
struct Member<'a> {
    writer: MutexGuard<'a, Writer>,
    group: &'a Group,
    done: bool,
}

impl Member<'_> {
    fn work<T, E, F>(&mut self, caller: &mut SqliteConnection, path: &str, work: F) -> Result<(Result<T, E>, u64), E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let writer = &mut *self.writer;
        if writer.batch.as_ref().is_some_and(|b| b.started.elapsed() >= LONGEST_OPEN) {
            // Whoever is next does not hold back writes already waiting that long. A failed
            // commit is their batch's: this write goes on in a new one.
            if let Err(e) = settle(self.group, writer) {
                tracing::error!(error = %e, "écritures groupées : validation en échec");
            }
        }
        if writer.conn.is_none() {
            writer.conn = Some(open_like(caller, path).map_err(E::from)?);
        }
        let Some(DbConn::Sqlite(sqlite)) = writer.conn.as_mut() else {
            return Err(E::from(failure("connexion d'écriture absente")));
        };
        if writer.batch.is_none() {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(E::from)?;
            writer.numbered += 1;
            writer.batch = Some(Batch { number: writer.numbered, members: 0, started: Instant::now() });
        }
        let Some(conn) = writer.conn.as_mut() else { return Err(E::from(failure("connexion d'écriture absente"))) };
        // A savepoint: a refused write rolls back alone.
        let result = conn.transaction(work);
        let batch = writer.batch.as_mut().ok_or_else(|| E::from(failure("lot d'écritures absent")))?;
        batch.members += 1;
        Ok((result, batch.number))
    }
}

impl Drop for Member<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Unwinding from a panic in a write: the connection goes, and its open batch with it.
        self.writer.conn = None;
        if let Some(batch) = self.writer.batch.take() {
            mark(self.group, batch.number, false);
        }
    }
}

/// Commits the open batch and tells its writers.
fn settle(group: &Group, writer: &mut Writer) -> diesel::QueryResult<()> {
    let Some(batch) = writer.batch.take() else { return Ok(()) };
    let outcome = match writer.conn.as_mut() {
        Some(conn) => commit(conn),
        None => Err(failure("connexion d'écriture perdue")),
    };
    if outcome.is_err() {
        // Whatever state the connection is in, a new one starts clean.
        writer.conn = None;
    } else {
        super::memo::data_changed();
    }
    mark(group, batch.number, outcome.is_ok());
    outcome
}

fn commit(conn: &mut DbConn) -> diesel::QueryResult<()> {
    let committed = <DbConn as Connection>::TransactionManager::commit_transaction(conn);
    if committed.is_err() {
        let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
    }
    committed
}

fn mark(group: &Group, number: u64, committed: bool) {
    let mut settled = lock(&group.settled);
    settled.up_to = settled.up_to.max(number);
    if !committed {
        settled.failed.push(number);
        if settled.failed.len() > FAILURES_KEPT {
            settled.failed.remove(0);
        }
    }
    group.changed.notify_all();
}

fn wait_settled(group: &Group, mine: u64) -> diesel::QueryResult<()> {
    let deadline = Instant::now() + LONGEST_SETTLE;
    let mut settled = lock(&group.settled);
    while settled.up_to < mine {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Err(failure("écriture non confirmée : validation du lot trop longue"));
        };
        settled = group.changed.wait_timeout(settled, left).unwrap_or_else(PoisonError::into_inner).0;
    }
    if settled.failed.contains(&mine) {
        return Err(failure("écriture annulée : la validation du lot a échoué"));
    }
    Ok(())
}
