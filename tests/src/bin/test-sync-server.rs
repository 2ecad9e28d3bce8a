//! The sync server, built as this package's own binary so its tests always run the current code.

fn main() -> std::process::ExitCode {
    carnet_sync_server::cli::main()
}
