//! Stopping PostgreSQL work nobody waits for any more: the counterpart of `interrupt`, which
//! does it for SQLite from inside the engine.
//!
//! PostgreSQL stops a statement when asked from another connection (`pg_cancel_backend`,
//! given the server process of the connection running it). A watched read notes that process
//! while its work runs ([`Running::enter`]); when the request is dropped (its client gone, the
//! server stopping), [`Running::cancel`] asks for the statement to stop, from a connection of
//! its own, until the work has given its connection back. `statement_timeout` still bounds
//! every statement whatever happens here.
//!
//! The cancel is only ever sent while the work still holds its connection: the note is cleared
//! under the same lock before the connection goes back to the pool, so a later request on that
//! connection is never the one stopped. A cancel that arrives between two statements finds the
//! server process waiting for the next one and is ignored; the next attempt stops that one.
//! Writes are never cancelled, as on SQLite: a write transaction inside the work is marked
//! ([`uncancelled`]) and the cancels wait for its end, so it is done or refused as a whole for
//! reasons of its own.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::r2d2::PooledConnection;
use diesel::sql_types::{Bool, Integer};

use super::pool::Manager;
use super::{DbConn, DbResult};

/// Between two cancel attempts for work that went on (a cancel that fell between statements).
const RETRY_EVERY: Duration = Duration::from_millis(100);

/// The PostgreSQL server process a pooled connection talks to: asked once per connection and
/// kept with it in the pool.
#[derive(Debug, Clone, Copy)]
struct ServerProcess(i32);

/// The server process of this pooled connection on PostgreSQL; `None` on SQLite.
fn server_process(conn: &mut PooledConnection<Manager>) -> DbResult<Option<i32>> {
    if let Some(ServerProcess(pid)) = PooledConnection::extensions(conn).get::<ServerProcess>() {
        return Ok(Some(*pid));
    }
    let DbConn::Postgresql(pg) = &mut **conn else { return Ok(None) };
    let pid: i32 = diesel::select(sql::<Integer>("pg_backend_pid()")).get_result(pg)?;
    PooledConnection::extensions_mut(conn).insert(ServerProcess(pid));
    Ok(Some(pid))
}

/// Where one piece of watched work runs, shared by the thread doing it and the request waiting
/// for it.
#[derive(Debug, Clone, Default)]
pub struct Running(Arc<Mutex<Slot>>);

#[derive(Debug, Default)]
struct Slot {
    /// The server process, while the work holds its connection.
    pid: Option<i32>,
    /// Write transactions under way (nested ones counted).
    writes: u32,
}

thread_local! {
    /// The work this thread is doing, for the write transactions inside it.
    static CURRENT: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// Held by the work while it uses its connection; dropped before the connection goes back to
/// the pool (declare it after the connection).
#[derive(Debug)]
pub struct Entered(Running);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.lock().pid = None;
        CURRENT.with(|current| current.borrow_mut().take());
    }
}

/// Runs a write transaction that no cancel may stop halfway: one asked for meanwhile waits for
/// its end.
pub fn uncancelled<T>(write: impl FnOnce() -> T) -> T {
    let Some(running) = CURRENT.with(|current| current.borrow().clone()) else { return write() };
    running.lock().writes += 1;
    let written = write();
    let mut slot = running.lock();
    slot.writes = slot.writes.saturating_sub(1);
    written
}

impl Running {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Notes the server process the work is about to use (nothing on SQLite).
    pub fn enter(&self, conn: &mut PooledConnection<Manager>) -> DbResult<Entered> {
        let pid = server_process(conn)?;
        self.lock().pid = pid;
        CURRENT.with(|current| *current.borrow_mut() = Some(self.clone()));
        Ok(Entered(self.clone()))
    }

    /// Whether the work still holds its connection on PostgreSQL.
    pub fn is_running(&self) -> bool {
        self.lock().pid.is_some()
    }

    /// Stops the work's statements, connecting to `url` to ask, until the work gives its
    /// connection back or `patience` has passed; returns how many cancels were sent. Blocking:
    /// run it off the request's thread.
    pub fn cancel(&self, url: &str, patience: Duration) -> DbResult<u32> {
        let started = Instant::now();
        let mut asker: Option<DbConn> = None;
        let mut sent = 0;
        loop {
            {
                let slot = self.lock();
                let Some(pid) = slot.pid else { return Ok(sent) };
                if slot.writes == 0 {
                    let conn = match &mut asker {
                        Some(conn) => conn,
                        None => asker.insert(super::pool::connect(url)?),
                    };
                    let DbConn::Postgresql(pg) = conn else { return Ok(sent) };
                    diesel::select(sql::<Bool>("pg_cancel_backend(").bind::<Integer, _>(pid).sql(")"))
                        .get_result::<bool>(pg)?;
                    sent += 1;
                }
            }
            if started.elapsed() >= patience {
                return Ok(sent);
            }
            std::thread::sleep(RETRY_EVERY);
        }
    }
}
