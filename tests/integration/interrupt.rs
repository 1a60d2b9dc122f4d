//! Stopping SQLite reads nobody waits for any more (`db::interrupt`), on a real file: past
//! their bound, or once the request that waited for them is dropped. Writes are never stopped.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use mediation::db::interrupt::{self, AbandonFlag, Interruption};
use mediation::db::schema::reference_counters;
use mediation::db::{pool, DbConn, DbResult};
use mediation::web::watched_read;

use crate::support::TestDir;

/// A statement that would run for days: counts to a trillion.
const ENDLESS: &str =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000000) SELECT count(*) AS c FROM n";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    c: i64,
}

fn count(conn: &mut DbConn, sql: &str) -> DbResult<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.c)
}

#[test]
fn a_read_past_its_bound_stops_and_its_connection_goes_on_serving() {
    let dir = TestDir::sqlite();
    let mut conn = pool::connect(&dir.url).unwrap();
    let (result, stopped) =
        interrupt::watched(Some(Duration::from_millis(200)), AbandonFlag::default(), || count(&mut conn, ENDLESS));
    assert!(result.is_err(), "the endless statement ended: {result:?}");
    assert_eq!(stopped, Some(Interruption::TimedOut));
    // Unwatched, the same connection runs a long statement to its end.
    let counted = count(
        &mut conn,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT count(*) AS c FROM n",
    );
    assert_eq!(counted.unwrap(), 200_000);
}

#[test]
fn a_read_within_its_bound_is_not_disturbed() {
    let dir = TestDir::sqlite();
    let mut conn = pool::connect(&dir.url).unwrap();
    let sql =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) AS c FROM n";
    let (result, stopped) =
        interrupt::watched(Some(Duration::from_secs(600)), AbandonFlag::default(), || count(&mut conn, sql));
    assert_eq!(result.unwrap(), 300_000);
    assert_eq!(stopped, None);
}

#[test]
fn a_read_whose_request_is_dropped_stops() {
    let dir = TestDir::sqlite();
    let url = dir.url.clone();
    let (sender, received) = std::sync::mpsc::channel();
    let runtime = rocket::tokio::runtime::Runtime::new().unwrap();
    // The request's future, waiting on its read with no time bound, is dropped (its client
    // closed the connection): the statement must not run on.
    let request = runtime.spawn(watched_read(None, move || {
        let mut conn = pool::connect(&url)?;
        let _ = sender.send(());
        let outcome = count(&mut conn, ENDLESS);
        let _ = sender.send(());
        outcome
    }));
    received.recv_timeout(Duration::from_secs(60)).expect("the read did not start");
    std::thread::sleep(Duration::from_millis(100));
    request.abort();
    // Not a timing: without the interruption this waits for days.
    received.recv().expect("the abandoned read ended");
    runtime.shutdown_timeout(Duration::from_secs(60));
}

#[test]
fn a_write_is_never_stopped_halfway_even_when_its_reader_is_gone() {
    let dir = TestDir::sqlite();
    pool::migrate(&dir.url).unwrap();
    let mut conn = pool::connect(&dir.url).unwrap();
    let gone = AbandonFlag::default();
    drop(gone.guard());
    assert!(gone.is_set());
    // Long enough for the progress handler to look at the watch many times.
    let insert = "INSERT INTO reference_counters (year, last_sequence) SELECT 4242, count(*) FROM \
                  (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n)";
    let (written, stopped) = interrupt::watched(Some(Duration::ZERO), gone, || {
        pool::write_transaction(&mut conn, |conn| Ok(diesel::sql_query(insert).execute(conn)?))
    });
    assert_eq!(written.unwrap(), 1);
    assert_eq!(stopped, None);
    let kept: i32 = reference_counters::table
        .filter(reference_counters::year.eq(4242))
        .select(reference_counters::last_sequence)
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(kept, 200_000);
}

/// A pool of `size` connections on a new PostgreSQL test database (migrated), and the runtime
/// requests run on.
fn postgres_pool(
    dir: &TestDir,
    size: u32,
) -> (mediation::db::DbPool, std::sync::Arc<str>, rocket::tokio::runtime::Runtime) {
    use mediation::db::pool::{build_pool, PoolSettings};
    pool::migrate(&dir.url).unwrap();
    let settings = PoolSettings { size, sqlite_cache_mib: 8, statement_timeout_seconds: 600 };
    let pool = build_pool(&dir.url, settings).unwrap();
    (pool, dir.url.clone().into(), rocket::tokio::runtime::Runtime::new().unwrap())
}

/// Runs `work` as a request's read on PostgreSQL, drops the request 300 ms after the work has
/// started, and waits for the work to end (at most two minutes: without the cancel, the reads
/// below sleep ten).
fn abandon_while_running<T: Send + std::fmt::Debug + 'static>(
    runtime: &rocket::tokio::runtime::Runtime,
    pool: &mediation::db::DbPool,
    url: &std::sync::Arc<str>,
    work: impl FnOnce(&mut DbConn) -> DbResult<T> + Send + 'static,
) {
    let (sender, received) = std::sync::mpsc::channel();
    let request = runtime.spawn(mediation::web::watched_pool_read(pool.clone(), url.clone(), None, move |conn| {
        let _ = sender.send(());
        let outcome = work(conn);
        let _ = sender.send(());
        outcome
    }));
    received.recv_timeout(Duration::from_secs(60)).expect("the work did not start");
    std::thread::sleep(Duration::from_millis(300));
    request.abort();
    received.recv_timeout(Duration::from_secs(120)).expect("the abandoned work did not end");
}

/// PostgreSQL: a read whose request is dropped has its running statement cancelled
/// (`db::cancel`) instead of running on until `statement_timeout`; the connection then serves
/// the next request, and work still waited for is never cancelled.
#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with MEDIATION_TEST_DATABASE_URL and --include-ignored"]
fn an_abandoned_read_on_postgresql_is_cancelled_and_its_connection_serves_on() {
    let dir = TestDir::postgres();
    let (pool, url, runtime) = postgres_pool(&dir, 1);
    abandon_while_running(&runtime, &pool, &url, |conn| count(conn, "SELECT count(*) AS c FROM pg_sleep(600)"));
    // The pool's only connection, given back, serves the next read; a read waited for runs to
    // its end (a second of sleep, through several cancel periods of the one before).
    let next = runtime.block_on(mediation::web::watched_pool_read(pool, url, None, |conn| {
        count(conn, "SELECT count(*) AS c FROM (SELECT pg_sleep(1)) AS s")
    }));
    assert_eq!(next.unwrap(), 1);
    runtime.shutdown_timeout(Duration::from_secs(60));
}

/// PostgreSQL: a write transaction inside abandoned work is not cancelled halfway (as on
/// SQLite): the cancels wait for its end, and what it wrote is kept.
#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with MEDIATION_TEST_DATABASE_URL and --include-ignored"]
fn an_abandoned_read_on_postgresql_never_cancels_its_write() {
    let dir = TestDir::postgres();
    let (pool, url, runtime) = postgres_pool(&dir, 2);
    // A write of a second and a half, abandoned while it runs.
    let insert = "INSERT INTO reference_counters (year, last_sequence) SELECT 4242, 7 FROM pg_sleep(1.5)";
    abandon_while_running(&runtime, &pool, &url, move |conn| {
        pool::write_transaction(conn, |conn| Ok(diesel::sql_query(insert).execute(conn)?))
    });
    runtime.shutdown_timeout(Duration::from_secs(60));
    let mut conn = pool.get().unwrap();
    let kept: i32 = reference_counters::table
        .filter(reference_counters::year.eq(4242))
        .select(reference_counters::last_sequence)
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(kept, 7);
}
