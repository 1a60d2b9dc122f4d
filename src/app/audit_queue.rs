//! Views of personal data, recorded without making each read a write transaction.
//!
//! A mediator who opens a saisine, its timeline or its edit form sees personal data whole, and
//! the audit log must say so. Writing that record in the read's own transaction would turn
//! every page view into a write (BEGIN IMMEDIATE on SQLite) queueing behind every other
//! writer. Instead a read hands its record to one writer thread, which writes the records it
//! holds in one transaction every `every` (200 ms by default) or as soon as `BATCH` are
//! waiting. The guarantee (README, « Journal d'audit ») : a view is in the database within one
//! second; a crash may lose at most the views of that last second, never a write's own record
//! (writes keep their audit record in their own transaction); a server that stops writes what
//! it holds first.

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use super::{Actor, AppResult};
use crate::auth::audit::AuditAction;
use crate::db::audit::{self, PendingEntry};
use crate::db::{pool, saisines as store, DbConn, DbPool, DbResult};
use crate::domain::{Reference, Saisine};

/// Records written in one transaction at most; a burst larger than this is written at once.
const BATCH: usize = 500;
/// Records waiting at most: beyond it a read waits for the writer (memory stays bounded).
const CAPACITY: usize = 20_000;
/// How many times a failed write is tried again at shutdown before the loss is logged: a
/// stopping server must not wait long (each try waits a second at most for a connection).
const LAST_TRIES: u32 = 2;
/// How long the writer waits for a connection of the pool.
const CONNECTION_WAIT: Duration = Duration::from_secs(1);

enum Message {
    View(PendingEntry),
    /// Write what is waiting now, then say so.
    Flush(SyncSender<()>),
    Stop,
}

struct Inner {
    sender: SyncSender<Message>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        stop(&self.sender, &self.worker);
    }
}

fn stop(sender: &SyncSender<Message>, worker: &Mutex<Option<JoinHandle<()>>>) {
    let handle = worker.lock().map(|mut w| w.take()).unwrap_or(None);
    if let Some(handle) = handle {
        let _ = sender.send(Message::Stop);
        if handle.join().is_err() {
            tracing::error!("journal des consultations : l'écrivain s'est arrêté sur une panique");
        }
    }
}

/// Every queue alive in the process, so that `flush_all` reaches them (tests, the audit page).
static LIVE: Mutex<Vec<Weak<Inner>>> = Mutex::new(Vec::new());

/// The handle requests share: cheap to clone.
#[derive(Clone)]
pub struct ViewLog {
    inner: Arc<Inner>,
}

impl ViewLog {
    /// Starts the writer thread on the pool; `every` is the longest a record waits.
    pub fn start(pool: DbPool, every: Duration) -> std::io::Result<ViewLog> {
        let (sender, receiver) = sync_channel(CAPACITY);
        let every = every.clamp(Duration::from_millis(1), Duration::from_secs(1));
        let worker = std::thread::Builder::new()
            .name("journal-consultations".into())
            .spawn(move || Writer { pool, every, pending: Vec::new() }.run(receiver))?;
        let inner = Arc::new(Inner { sender, worker: Mutex::new(Some(worker)) });
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|w| w.strong_count() > 0);
            live.push(Arc::downgrade(&inner));
        }
        Ok(ViewLog { inner })
    }

    /// Hands a record to the writer; gives it back when the writer has stopped.
    fn push(&self, entry: PendingEntry) -> Option<PendingEntry> {
        match self.inner.sender.send(Message::View(entry)) {
            Err(std::sync::mpsc::SendError(Message::View(entry))) => Some(entry),
            _ => None,
        }
    }

    /// Records that `actor` saw personal data of `target`: queued, or written at once through
    /// `conn` when the writer has stopped (a server shutting down), so that none is lost.
    pub fn record(
        &self,
        conn: &mut DbConn,
        actor: &Actor,
        target: &str,
        details: &str,
        at: NaiveDateTime,
    ) -> DbResult<()> {
        let entry = PendingEntry::new(actor, AuditAction::PersonalDataViewed, target, details, at);
        match self.push(entry) {
            None => Ok(()),
            Some(entry) => pool::write_transaction(conn, |conn| audit::record_pending(conn, &[entry])),
        }
    }

    /// Waits until every record handed over before this call is written (or failed).
    pub fn flush(&self) {
        let (done, wait) = sync_channel(1);
        if self.inner.sender.send(Message::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    /// Writes what is waiting and stops the writer; later records are written directly.
    pub fn close(&self) {
        stop(&self.inner.sender, &self.inner.worker);
    }
}

/// Flushes every queue of the process.
pub fn flush_all() {
    let live: Vec<Arc<Inner>> = LIVE.lock().map(|l| l.iter().filter_map(Weak::upgrade).collect()).unwrap_or_default();
    for inner in live {
        ViewLog { inner }.flush();
    }
}

/// Reads a saisine whole for someone allowed to see its personal data, outside any write
/// transaction, and queues the record of that view; `what` says where the data went.
pub fn reveal(
    conn: &mut DbConn,
    views: &ViewLog,
    reference: Reference,
    actor: &Actor,
    what: &str,
    at: NaiveDateTime,
) -> AppResult<Saisine> {
    let saisine = store::find(conn, reference)?;
    views.record(conn, actor, &reference.to_string(), what, at)?;
    Ok(saisine)
}

struct Writer {
    pool: DbPool,
    every: Duration,
    pending: Vec<PendingEntry>,
}

impl Writer {
    fn run(mut self, receiver: Receiver<Message>) {
        // When the oldest waiting record must be written.
        let mut due: Option<Instant> = None;
        loop {
            let message = match due {
                None => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(due) => receiver.recv_timeout(due.saturating_duration_since(Instant::now())),
            };
            match message {
                Ok(Message::View(entry)) => {
                    self.pending.push(entry);
                    due.get_or_insert_with(|| Instant::now() + self.every);
                    if self.pending.len() >= BATCH {
                        due = self.write();
                    }
                }
                Ok(Message::Flush(done)) => {
                    // The channel keeps order: every view sent before the flush is received.
                    due = self.write();
                    let _ = done.send(());
                }
                Err(RecvTimeoutError::Timeout) => due = self.write(),
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // Views sent before the stop are still in the channel.
        while let Ok(message) = receiver.try_recv() {
            match message {
                Message::View(entry) => self.pending.push(entry),
                Message::Flush(done) => {
                    let _ = done.send(());
                }
                Message::Stop => {}
            }
        }
        self.write_last();
    }

    /// Writes the waiting records in one transaction; on failure keeps them for the next
    /// attempt and says when that is.
    fn write(&mut self) -> Option<Instant> {
        if self.pending.is_empty() {
            return None;
        }
        match self.try_write() {
            Ok(()) => {
                self.pending.clear();
                None
            }
            Err(e) => {
                tracing::error!(error = %e, waiting = self.pending.len(), "journal des consultations : écriture différée");
                Some(Instant::now() + self.every)
            }
        }
    }

    fn try_write(&self) -> DbResult<()> {
        let mut conn = self.pool.get_timeout(CONNECTION_WAIT)?;
        pool::write_transaction(&mut conn, |conn| audit::record_pending(conn, &self.pending))
    }

    fn write_last(&mut self) {
        for _ in 0..LAST_TRIES {
            if self.write().is_none() {
                return;
            }
            std::thread::sleep(self.every);
        }
        tracing::error!(lost = self.pending.len(), "journal des consultations : enregistrements perdus à l'arrêt");
    }
}
