//! The server's memory after a burst of load: glibc keeps one allocation arena per thread
//! that ever allocated (up to eight per core) and keeps freed pages mapped, so the resident
//! size stays at its peak. Two arenas are enough for a service whose work is mostly waiting
//! on the database, and a trim every few seconds hands the freed pages back.

use std::time::Duration;

/// How often freed memory is handed back to the system.
const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Limits the arenas and starts the thread that trims; for the server process only.
pub fn bound_for_server() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets an allocator parameter; called before the server's
        // threads start, and its failure (a return of 0) leaves the default in place.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
        let spawned = std::thread::Builder::new().name("rendre-memoire".into()).spawn(|| loop {
            std::thread::sleep(TRIM_EVERY);
            give_back();
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "mémoire : la tâche qui la rend au système n'a pas démarré");
        }
    }
}

/// Hands the freed memory back to the system now: once the start's work (migrations, search
/// keys, a scan of the table by a connection with a 32 MiB cache, now closed) is done, so that
/// the server's size at rest is its own from the first second.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim is thread-safe (it takes each arena's lock) and only returns free
    // pages to the system; no pointer is involved.
    unsafe {
        libc::malloc_trim(0);
    }
}
