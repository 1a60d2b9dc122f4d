//! One writer at a time per SQLite file, queued in the process rather than on SQLite's lock.
//!
//! SQLite lets one transaction write at a time; a connection that finds the lock taken sleeps
//! and tries again (busy_timeout), with sleeps growing to 100 ms: under 16 concurrent writers a
//! waiting write could sleep long after the lock was free, and that made the long tail of API
//! creations. Writers of this process now wait on a condition variable, woken as soon as the
//! previous write commits; busy_timeout still covers other processes (the command line, a
//! second instance). The wait is bounded like busy_timeout's. Turns are taken in order of
//! arrival (a ticket each): with a plain flag, a writer just arriving could take the turn
//! before the one woken for it, again and again, and a few writes waited far longer than the
//! others.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// As long as SQLite's busy_timeout: past it the write fails as "database is locked" would.
const LONGEST_WAIT: Duration = Duration::from_secs(15);

/// The tickets of one file: the next to give, the one whose turn it is.
#[derive(Default)]
struct Tickets {
    next: u64,
    serving: u64,
}

#[derive(Default)]
struct Gate {
    tickets: Mutex<Tickets>,
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
        lock(&self.gate.tickets).serving += 1;
        // Every waiter checks whether its ticket is now served.
        self.gate.freed.notify_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding these plain flags leaves nothing half-done.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn gate_of(path: &str) -> Arc<Gate> {
    let mut gates = lock(&GATES);
    gates.get_or_insert_with(HashMap::new).entry(path.to_string()).or_default().clone()
}

/// Whether other writers of the file wait behind the one holding `turn`.
pub fn others_waiting(turn: &WriteTurn) -> bool {
    let tickets = lock(&turn.gate.tickets);
    tickets.next > tickets.serving + 1
}

/// Waits for the turn to write to the file at `path`; `None` after the longest wait.
pub fn wait_turn(path: &str) -> Option<WriteTurn> {
    let gate = gate_of(path);
    let deadline = Instant::now() + LONGEST_WAIT;
    let mut tickets = lock(&gate.tickets);
    let mine = tickets.next;
    tickets.next += 1;
    while tickets.serving != mine {
        match deadline.checked_duration_since(Instant::now()) {
            Some(left) => tickets = gate.freed.wait_timeout(tickets, left).unwrap_or_else(PoisonError::into_inner).0,
            None => {
                drop(tickets);
                // Given up: the turn is still this ticket's when it comes, and passes on at once.
                return abandon(gate, mine, path.to_string());
            }
        }
    }
    drop(tickets);
    Some(WriteTurn { gate })
}

/// A writer that waited too long leaves the queue: its turn, when it comes, is passed on by a
/// thread that waits for it (without bound: the writers before it are each bounded).
fn abandon(gate: Arc<Gate>, mine: u64, path: String) -> Option<WriteTurn> {
    let passed = std::thread::Builder::new().name("write-gate".into()).spawn(move || {
        let mut tickets = lock(&gate.tickets);
        while tickets.serving != mine {
            tickets = gate.freed.wait(tickets).unwrap_or_else(PoisonError::into_inner);
        }
        drop(tickets);
        let turn = WriteTurn { gate };
        // The writer before may have left its batch open for this one (`group_commit`).
        super::group_commit::settle_open(&path);
        drop(turn);
    });
    if let Err(e) = passed {
        tracing::error!(error = %e, "file d'attente des écritures : tour abandonné non rendu");
    }
    None
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

    #[test]
    fn writers_are_served_in_order_of_arrival() {
        let path = "/tmp/order.sqlite";
        let first = wait_turn(path).expect("free");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for n in 0..5u64 {
            let order = order.clone();
            waiting.push(std::thread::spawn(move || {
                let turn = wait_turn(path).expect("its turn came");
                lock(&order).push(n);
                drop(turn);
            }));
            // Each has taken its ticket before the next starts.
            while lock(&gate_of(path).tickets).next < n + 2 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for thread in waiting {
            thread.join().unwrap();
        }
        assert_eq!(*lock(&order), [0, 1, 2, 3, 4]);
    }
}
