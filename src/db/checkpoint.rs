//! SQLite's WAL checkpoints, off the request path.
//!
//! By default the connection whose commit takes the write-ahead log past 1,000 pages copies
//! the log back into the database file, with two fsyncs (synchronous=FULL), before its commit
//! returns: about one write in a hundred paid for it, and every writer queued behind it
//! (`write_gate`) waited as long, which made the long tail of API creations. The server's
//! connections now leave that to one background thread, which runs a PASSIVE checkpoint (it
//! never blocks readers or writers) a few times a second. The connections keep an automatic
//! checkpoint at a much larger log (`SERVER_AUTOCHECKPOINT_PAGES`), in case this thread
//! cannot keep up. Durability is unchanged: a commit is durable once its log frames are synced.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::connection::{establish_tuned, Target, Tuning};
use super::DbResult;

/// Log pages past which a server connection still checkpoints on its own commit (40 MB).
pub const SERVER_AUTOCHECKPOINT_PAGES: u32 = 10_000;

const EVERY: Duration = Duration::from_millis(250);

/// The background checkpointer of one SQLite file; stops when dropped.
pub struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: std::thread::Thread,
}

impl Checkpointer {
    /// Starts one on the database at `url`; `None` on PostgreSQL.
    pub fn start(url: &str) -> DbResult<Option<Checkpointer>> {
        let target = Target::parse(url)?;
        if target.is_postgres() {
            return Ok(None);
        }
        // Its own small connection: it reads and writes pages, not query results.
        let tuning = Tuning { cache_kib: 1024, ..Tuning::default() };
        let mut conn = establish_tuned(&target, &tuning)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let handle = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                while !stopped.load(Ordering::Acquire) {
                    std::thread::park_timeout(EVERY);
                    if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                        tracing::warn!(error = %e, "point de contrôle du journal SQLite");
                    }
                }
            })
            .map_err(|e| super::DbError::Config(format!("tâche des points de contrôle : {e}")))?;
        Ok(Some(Checkpointer { stop, thread: handle.thread().clone() }))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.thread.unpark();
    }
}
