fn main() -> std::process::ExitCode {
    mediation::logging::init();
    mediation::cli::run()
}
