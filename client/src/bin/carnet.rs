//! `carnet`: see [`carnet_client::cli`].

fn main() -> std::process::ExitCode {
    carnet_client::cli::main()
}
