//! Stopping SQLite work nobody waits for any more.
//!
//! PostgreSQL bounds each statement of the server (`statement_timeout`). SQLite has no such
//! setting, and Diesel keeps each connection's `sqlite3*` handle to itself, so neither
//! `sqlite3_interrupt` nor a progress handler can be set through it. SQLite's own
//! `sqlite3_auto_extension` reaches every connection the process opens, whoever opens it: it
//! gives each one a progress handler, called every [`OPS_BETWEEN_CHECKS`] steps of its virtual
//! machine, that stops the running statement (`SQLITE_INTERRUPT`) when the work the calling
//! thread is doing is watched ([`watched`]) and either its deadline has passed or the one who
//! waited for it has gone ([`Abandon`]). The handler reads the thread's watch: a connection is
//! used by one thread at a time, the one that asked for the work.
//!
//! Writes are never interrupted: the group commit runs its batch [`unwatched`], so a write is
//! either done and committed or refused as a whole for reasons of its own.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use libsqlite3_sys as ffi;

/// Steps of SQLite's virtual machine between two looks at the watch: a few microseconds of
/// work, so that a look (a thread-local read and, past the deadline check, a clock read) costs
/// nothing measurable while an abandoned statement stops within a millisecond.
pub const OPS_BETWEEN_CHECKS: c_int = 4_000;

/// Why watched work was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// It ran past its deadline.
    TimedOut,
    /// Whoever waited for it has gone (a client that closed its connection).
    Abandoned,
}

/// The flag an abandoned piece of work is stopped by: set when the waiting side drops its
/// [`Abandon`] guard (the request's future dropped because its client left, or the server
/// stopping), read by the progress handler of the thread doing the work.
#[derive(Debug, Clone, Default)]
pub struct AbandonFlag(Arc<AtomicBool>);

impl AbandonFlag {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that sets this flag when dropped, unless [`Abandon::disarm`]ed first.
    pub fn guard(&self) -> Abandon {
        Abandon(Some(self.clone()))
    }
}

/// Held by the side that waits for the work; dropping it without disarming abandons the work.
#[derive(Debug)]
pub struct Abandon(Option<AbandonFlag>);

impl Abandon {
    /// The result arrived: nothing to abandon.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for Abandon {
    fn drop(&mut self) {
        if let Some(flag) = self.0.take() {
            flag.0.store(true, Ordering::Relaxed);
        }
    }
}

/// What the current thread's work is watched for.
struct Watch {
    deadline: Option<Instant>,
    abandoned: AbandonFlag,
    /// Set by the handler when it stops a statement.
    stopped: Option<Interruption>,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// Gives every SQLite connection opened from now on the progress handler; once per process,
/// before the first connection.
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: `register` has the entry-point signature SQLite expects and only calls
        // `sqlite3_progress_handler` on the handle it is given, which is open at that moment.
        let code = unsafe { ffi::sqlite3_auto_extension(Some(register)) };
        if code != ffi::SQLITE_OK {
            tracing::warn!(code, "SQLite : le gestionnaire d'interruption n'a pas pu être installé");
        }
    });
}

unsafe extern "C" fn register(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite calls this with the connection it is opening; the handler keeps no pointer.
    unsafe { ffi::sqlite3_progress_handler(db, OPS_BETWEEN_CHECKS, Some(on_progress), std::ptr::null_mut()) };
    ffi::SQLITE_OK
}

/// Non-zero stops the running statement. Never panics (it is called from C): a watch being
/// changed at that moment, or a thread being torn down, counts as "go on".
unsafe extern "C" fn on_progress(_: *mut c_void) -> c_int {
    WATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut watch) => match watch.as_mut() {
                Some(watch) => match verdict(watch) {
                    Some(why) => {
                        watch.stopped = Some(why);
                        1
                    }
                    None => 0,
                },
                None => 0,
            },
            Err(_) => 0,
        })
        .unwrap_or(0)
}

fn verdict(watch: &Watch) -> Option<Interruption> {
    if watch.abandoned.is_set() {
        return Some(Interruption::Abandoned);
    }
    match watch.deadline {
        Some(deadline) if Instant::now() >= deadline => Some(Interruption::TimedOut),
        _ => None,
    }
}

/// Runs `work` on this thread with its SQLite statements stopped once `bound` has passed
/// (none: no deadline) or `abandoned` is set; returns what `work` returned and, when a
/// statement was stopped, why (the statement itself failed with SQLite's "interrupted").
pub fn watched<T>(
    bound: Option<Duration>,
    abandoned: AbandonFlag,
    work: impl FnOnce() -> T,
) -> (T, Option<Interruption>) {
    let deadline = bound.map(|bound| Instant::now() + bound);
    let outer = replace(Some(Watch { deadline, abandoned, stopped: None }));
    let restore = Restore(Some(outer));
    let value = work();
    let stopped = restore.finish();
    (value, stopped)
}

/// Runs `work` with no watch on this thread, whatever the caller was watched for: a write
/// that commits other writers' work with its own must not be stopped halfway.
pub fn unwatched<T>(work: impl FnOnce() -> T) -> T {
    let outer = replace(None);
    let restore = Restore(Some(outer));
    let value = work();
    // What was stopped before, if anything, stays recorded on the outer watch.
    drop(restore);
    value
}

fn replace(watch: Option<Watch>) -> Option<Watch> {
    WATCH.with(|cell| std::mem::replace(&mut *cell.borrow_mut(), watch))
}

/// Puts the outer watch back, even when the work panics.
struct Restore(Option<Option<Watch>>);

impl Restore {
    /// Puts the outer watch back and tells why the inner work was stopped, if it was.
    fn finish(mut self) -> Option<Interruption> {
        let outer = self.0.take().unwrap_or(None);
        replace(outer).and_then(|inner| inner.stopped)
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(outer) = self.0.take() {
            replace(outer);
        }
    }
}
