//! Read results a page needs on every request (the list's total, the navigation's counts, the
//! reference lists) kept between requests until the data changes, so that a page costs its own
//! rows and not a count of the table.
//!
//! Every committed write transaction of the process moves [`generation`] on
//! (`connection::write_transaction_as`); an entry computed under an older generation is
//! computed again. Writes this process cannot see (another instance on the same PostgreSQL, a
//! command run beside the server) show after [`FRESH_FOR`] at most.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::DbResult;

/// How long an entry is trusted when no write of this process moved the generation.
pub const FRESH_FOR: Duration = Duration::from_secs(2);
/// Entries kept at most (filters are many); beyond, the memo starts again empty.
const MAX_ENTRIES: usize = 4096;

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Said after every committed write: every entry computed before is stale.
pub fn data_changed() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

struct Entry {
    generation: u64,
    computed_at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

/// One database's memo (each `AppState` has its own, tests run many side by side).
#[derive(Clone, Default)]
pub struct Memo {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    /// The value under `key` if no write happened since it was computed (and it is younger
    /// than `FRESH_FOR`), else `compute`'s, kept for the next request.
    pub fn get_or<T, F>(&self, key: String, compute: F) -> DbResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> DbResult<T>,
    {
        // Read before computing: a write that commits meanwhile leaves the entry stale.
        let current = generation();
        if let Some(value) = self.fresh::<T>(&key, current) {
            return Ok(value);
        }
        let value = compute()?;
        self.keep(key, current, value.clone());
        Ok(value)
    }

    /// The value under `key` if it was computed less than `max_age` ago, whatever was written
    /// since, else `compute`'s: for an overview whose inputs are a whole year of saisines and
    /// which may lag a little (the queue page's yearly indicators).
    pub fn get_or_recent<T, F>(&self, key: String, max_age: Duration, compute: F) -> DbResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> DbResult<T>,
    {
        if let Some(value) = self.entry::<T>(&key, |entry| entry.computed_at.elapsed() < max_age) {
            return Ok(value);
        }
        let current = generation();
        let value = compute()?;
        self.keep(key, current, value.clone());
        Ok(value)
    }

    fn keep<T: Send + Sync + 'static>(&self, key: String, current: u64, value: T) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let entry = Entry { generation: current, computed_at: Instant::now(), value: Arc::new(value) };
        entries.insert(key, entry);
    }

    fn fresh<T: Clone + 'static>(&self, key: &str, current: u64) -> Option<T> {
        self.entry(key, |entry| entry.generation == current && entry.computed_at.elapsed() < FRESH_FOR)
    }

    fn entry<T: Clone + 'static>(&self, key: &str, valid: impl Fn(&Entry) -> bool) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = entries.get(key).filter(|entry| valid(entry))?;
        entry.value.downcast_ref::<T>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_until_a_write_commits() {
        let memo = Memo::default();
        let mut computed = 0;
        let mut read = |memo: &Memo| {
            memo.get_or("total".into(), || {
                computed += 1;
                Ok(computed)
            })
        };
        assert_eq!(read(&memo).unwrap(), 1);
        assert_eq!(read(&memo).unwrap(), 1, "kept");
        data_changed();
        assert_eq!(read(&memo).unwrap(), 2, "computed again after a write");
    }

    #[test]
    fn a_failure_is_not_kept_and_keys_do_not_mix() {
        let memo = Memo::default();
        let failed: DbResult<i64> = memo.get_or("a".into(), || Err(super::super::DbError::NotFound));
        assert!(failed.is_err());
        assert_eq!(memo.get_or("a".into(), || Ok(3_i64)).unwrap(), 3);
        assert_eq!(memo.get_or("b".into(), || Ok(4_i64)).unwrap(), 4);
        assert_eq!(memo.get_or("a".into(), || Ok(5_i64)).unwrap(), 3);
    }
}
