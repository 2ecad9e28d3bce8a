//! The `carnet` command line, built as this package's own binary so its tests always run the current code.

fn main() -> std::process::ExitCode {
    carnet_client::cli::main()
}
