//! One writer at a time per SQLite file, queued in the process rather than on SQLite's lock.
//!
//! SQLite lets one transaction write at a time; a connection that finds the lock taken sleeps
//! and tries again (busy_timeout), with sleeps growing to 100 ms: under 16 concurrent writers a
//! waiting write could sleep long after the lock was free, and that made the long tail of API
//! creations. Writers of this process now wait on a condition variable, woken as soon as the
//! previous write commits; busy_timeout still covers other processes (the command line, a
//! second instance). The wait is bounded like busy_timeout's.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// As long as SQLite's busy_timeout: past it the write fails as "database is locked" would.
const LONGEST_WAIT: Duration = Duration::from_secs(15);

#[derive(Default)]
struct Gate {
    taken: Mutex<bool>,
    freed: Condvar,
}

/// The gates of the SQLite files this process writes to, by path.
static GATES: Mutex<Option<HashMap<String, Arc<Gate>>>> = Mutex::new(None);

/// Held while a write transaction runs; dropping it lets the next writer in.
pub struct WriteTurn {
    gate: Arc<Gate>,
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        *lock(&self.gate.taken) = false;
        self.gate.freed.notify_one();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding these plain flags leaves nothing half-done.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits for the turn to write to the file at `path`; `None` after the longest wait.
pub fn wait_turn(path: &str) -> Option<WriteTurn> {
    let gate = {
        let mut gates = lock(&GATES);
        gates.get_or_insert_with(HashMap::new).entry(path.to_string()).or_default().clone()
    };
    let deadline = Instant::now() + LONGEST_WAIT;
    let mut taken = lock(&gate.taken);
    while *taken {
        let left = deadline.checked_duration_since(Instant::now())?;
        taken = gate.freed.wait_timeout(taken, left).unwrap_or_else(PoisonError::into_inner).0;
    }
    *taken = true;
    drop(taken);
    Some(WriteTurn { gate })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_of_one_file_take_turns_and_other_files_do_not_wait() {
        let first = wait_turn("/tmp/a.sqlite").expect("free");
        let other = wait_turn("/tmp/b.sqlite");
        assert!(other.is_some(), "another file has its own gate");
        let waiting = std::thread::spawn(|| wait_turn("/tmp/a.sqlite").map(|_| Instant::now()));
        std::thread::sleep(Duration::from_millis(50));
        let released = Instant::now();
        drop(first);
        let entered = waiting.join().unwrap().expect("its turn came");
        assert!(entered >= released);
    }
}
