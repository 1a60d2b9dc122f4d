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

/// Panics while serving a request: Rocket answers 500 (the catchers' plain page or JSON
/// error), and the log gets where it happened, never the panic's message, which may quote
/// what a user typed (a NIR, a name). Other threads (the command line, tests) keep the
/// usual report. Installed once, whatever the number of calls.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let serving = std::thread::current().name().is_some_and(|name| name.starts_with("rocket-"));
            if !serving {
                return previous(info);
            }
            let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            tracing::error!(%location, "panique pendant une requête (message non journalisé) : réponse 500");
        }));
    });
}
