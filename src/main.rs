/// The server's allocator: see `mediation::memory`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mediation::memory::configure_allocator();
    mediation::logging::init();
    mediation::cli::run()
}
