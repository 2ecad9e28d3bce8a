//! `carnet-sync-server`: see [`carnet_sync_server::cli`].

fn main() -> std::process::ExitCode {
    carnet_sync_server::cli::main()
}
