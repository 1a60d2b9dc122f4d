//! The server's memory. Its own allocations go through mimalloc (`main.rs`): with glibc's
//! allocator bounded to two arenas, a list page's thousands of small allocations queued on the
//! arenas' locks (a quarter of the server's time in malloc and free at 1,000,000 saisines, the
//! list at 750–830 pages/s; 1,150–1,240 with mimalloc). mimalloc commits memory as it is used
//! (`.cargo/config.toml`: committing its first arena whole cost 30 MB) and hands freed pages
//! back after 50 ms (`configure_allocator`). SQLite's page caches still come from glibc: two
//! arenas are enough for them, and a trim every few seconds hands their freed pages back.

use std::time::Duration;

/// How often freed memory is handed back to the system.
const TRIM_EVERY: Duration = Duration::from_secs(5);

/// mimalloc's `purge_delay` option: its place in `mimalloc.h`'s `mi_option_e` in the version
/// Cargo.toml pins (3.3).
const MI_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// How long mimalloc keeps freed pages before handing them back (its default: a second).
const PURGE_AFTER_MS: std::ffi::c_long = 50;

/// Sets how soon mimalloc hands freed memory back; first thing in `main`. A list series at
/// 1,000,000 saisines left the server at 115–120 MB with mimalloc's default, 103–109 with this.
pub fn configure_allocator() {
    // SAFETY: mi_option_set only stores an option's value, read at each purge.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, PURGE_AFTER_MS);
    }
}

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
    // SAFETY: mi_collect only hands mimalloc's unused pages back; it takes no pointer.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim is thread-safe (it takes each arena's lock) and only returns free
    // pages to the system; no pointer is involved.
    unsafe {
        libc::malloc_trim(0);
    }
}
