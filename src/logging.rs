//! Logs through `tracing`, with Rocket's own `log` lines bridged into it.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Rocket's request lines (target `rocket::server` and the indented `_` lines) print whole
/// URIs, query strings and so names included: they stay off. The application logs each request
/// itself, without the query.
pub const DEFAULT_FILTER: &str = "info,rocket=warn,rocket::server=off,_=off";

/// Installs the subscriber once; later calls (tests) do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}
