//! `carnet-sync-server`: run a team's sync server and manage its teams,
//! invitations and devices. Thin: parse, call `db`/`http`, print. (In
//! the library so the cross-crate tests build it as their own binary.)

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::db::Database;
use crate::listen::Defences;
use crate::pg::PgOptions;
use crate::throttle::JoinLimits;
use crate::{db, router, AppState};
use anyhow::Context;
use carnet_core::sync::api::InviteRequest;
use carnet_core::sync::Role;
use carnet_core::Timestamp;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "carnet-sync-server",
    version,
    about = "The sync server of a Carnet team"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve teams over HTTP (or HTTPS with --tls-cert and --tls-key).
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on, e.g. 0.0.0.0:8443 or 127.0.0.1:0.
        #[arg(long)]
        listen: SocketAddr,
        /// TLS certificate chain (PEM).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        #[command(flatten)]
        defences: DefenceArgs,
    },
    /// Teams.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Create an invitation code.
    Invite {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        team: String,
        #[arg(long)]
        role: Role,
        /// Grant access to persons and referrals.
        #[arg(long)]
        persons: bool,
        /// For a partner: the organisation of the team's directory it
        /// answers for.
        #[arg(long)]
        organisation: Option<carnet_core::RecordId>,
        /// Hours until the code expires.
        #[arg(long, default_value_t = InviteRequest::DEFAULT_HOURS)]
        expires: i64,
        #[arg(long)]
        json: bool,
    },
    /// List a team's devices.
    Devices {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        team: String,
        #[arg(long)]
        json: bool,
    },
    /// Move a server's teams from its SQLite data directory to a
    /// PostgreSQL database (run it again if it was interrupted).
    Migrate {
        /// The SQLite server's data directory (stop that server first).
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database, postgres://user:password@host:port/name.
        #[arg(long)]
        to: String,
        /// The new server's key file: the SQLite server's key is copied
        /// there, so its invitation codes still join (also CARNET_KEY_FILE).
        #[arg(long, env = "CARNET_KEY_FILE")]
        key_file: PathBuf,
    },
    /// Revoke a device.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        device: String,
    },
}

/// Where the server keeps its teams: a data directory (SQLite, the
/// default) or a PostgreSQL database.
#[derive(clap::Args)]
struct StoreArgs {
    /// Data directory of the SQLite database (created if needed).
    #[arg(
        long,
        required_unless_present = "database",
        conflicts_with = "database"
    )]
    data: Option<PathBuf>,
    /// A PostgreSQL database instead, postgres://user:password@host:port/name
    /// (also CARNET_DATABASE_URL).
    #[arg(long, env = "CARNET_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    /// With --database: the file of the key invitation codes are hashed
    /// with, created the first time; give every instance and every
    /// command the same file (also CARNET_KEY_FILE).
    #[arg(long, env = "CARNET_KEY_FILE", requires = "database")]
    key_file: Option<PathBuf>,
    /// With --database: connections to PostgreSQL at most (per instance).
    #[arg(long, default_value_t = PgOptions::default().max_connections)]
    db_connections: usize,
    /// With --database: seconds a statement may run, and a request may
    /// wait for a free connection, before it is answered 503.
    #[arg(long, default_value_t = PgOptions::default().statement_timeout.as_secs())]
    db_timeout: u64,
}

impl StoreArgs {
    /// Open the database (inside the runtime PostgreSQL's connections
    /// will run on).
    async fn open(self) -> anyhow::Result<Database> {
        match (self.data, self.database) {
            (Some(dir), _) => Ok(Database::sqlite(&dir)?),
            (None, Some(url)) => {
                let Some(key) = self.key_file else {
                    anyhow::bail!("with --database, give --key-file (or CARNET_KEY_FILE): the file of the key invitation codes are hashed with, created the first time, the same for every instance and every command");
                };
                if self.db_connections == 0 || self.db_timeout == 0 {
                    anyhow::bail!("--db-connections and --db-timeout must be at least 1");
                }
                let timeout = std::time::Duration::from_secs(self.db_timeout);
                let options = PgOptions {
                    max_connections: self.db_connections,
                    wait: timeout,
                    statement_timeout: timeout,
                };
                Ok(Database::postgres(&url, &key, options).await?)
            }
            (None, None) => anyhow::bail!("give --data DIR or --database postgres://…"),
        }
    }
}

/// The limits of `serve` (see `listen::Defences` and `throttle`).
#[derive(clap::Args)]
struct DefenceArgs {
    /// Connections served at once; more wait.
    #[arg(long, default_value_t = Defences::default().max_connections)]
    max_connections: usize,
    /// Connections served at once from one address; more are closed.
    #[arg(long, default_value_t = Defences::default().per_address)]
    connections_per_address: usize,
    /// Seconds to send a request's headers (and to keep an idle
    /// connection), and to finish a TLS handshake.
    #[arg(long, default_value_t = Defences::default().header_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds to send a sync request's body.
    #[arg(long, default_value_t = Defences::default().body_timeout.as_secs())]
    body_timeout: u64,
    /// Failed joins (wrong codes) allowed from one address per 15 minutes.
    #[arg(long, default_value_t = JoinLimits::default().per_address)]
    failed_joins_per_address: usize,
    /// Failed joins allowed from all addresses together per 15 minutes.
    #[arg(long, default_value_t = JoinLimits::default().overall)]
    failed_joins_overall: usize,
}

impl DefenceArgs {
    fn limits(&self) -> anyhow::Result<(Defences, JoinLimits)> {
        if self.max_connections == 0 || self.connections_per_address == 0 {
            anyhow::bail!("--max-connections and --connections-per-address must be at least 1");
        }
        if self.header_timeout == 0 || self.body_timeout == 0 {
            anyhow::bail!("--header-timeout and --body-timeout must be at least 1 second");
        }
        let secs = std::time::Duration::from_secs;
        Ok((
            Defences {
                max_connections: self.max_connections,
                per_address: self.connections_per_address,
                handshake_timeout: secs(self.header_timeout),
                header_timeout: secs(self.header_timeout),
                body_timeout: secs(self.body_timeout),
            },
            JoinLimits {
                per_address: self.failed_joins_per_address,
                overall: self.failed_joins_overall,
                ..JoinLimits::default()
            },
        ))
    }
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Create a team; prints its id and the coordinator's invitation code.
    Create {
        #[command(flatten)]
        store: StoreArgs,
        /// The team's name.
        name: String,
        /// The coordinator's name.
        #[arg(long)]
        coordinator: String,
        #[arg(long)]
        json: bool,
    },
}

async fn serve(
    store: StoreArgs,
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
    (defences, joins): (Defences, JoinLimits),
) -> anyhow::Result<()> {
    let db = store.open().await?;
    let state = AppState::new(db).with_defences(defences, joins);
    let app = router(state.clone());
    let acceptor = match &tls {
        None => None,
        Some((cert, key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| {
                    format!(
                        "could not read the TLS certificate {} or key {}",
                        cert.display(),
                        key.display()
                    )
                })?;
            // One request per round: HTTP/1.1 is all a device needs, and
            // the listener's limits are HTTP/1's.
            let mut config = (*config.get_inner()).clone();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Some(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
        }
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("could not listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{addr}");
    tracing::info!("listening on {scheme}://{addr}");
    // On SIGTERM or Ctrl-C: rounds being answered finish (up to 30 s);
    // new ones are told to come back (503, Retry-After); then the
    // listener closes.
    let stopping = async move {
        shutdown_signal().await;
        tracing::info!("stopping: rounds being answered finish, new ones are told to come back");
        state.stop();
        if !state.drained(std::time::Duration::from_secs(30)).await {
            tracing::warn!("stopping with requests still being answered after 30 s");
        }
    };
    crate::listen::serve(listener, app, acceptor, defences, stopping).await?;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM (systemd's stop) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `migrate`: the key first (so the new server hashes codes as the old
/// one did), then every table.
fn migrate(
    runtime: &tokio::runtime::Runtime,
    from: &std::path::Path,
    to: &str,
    key_file: &std::path::Path,
) -> anyhow::Result<()> {
    if !from.join("server.db").exists() {
        anyhow::bail!(
            "{} holds no Carnet server database (server.db)",
            from.display()
        );
    }
    let source = Database::sqlite(from)?;
    let key = std::fs::read(from.join(crate::accounts::KEY_FILE))
        .with_context(|| format!("could not read the key of {}", from.display()))?;
    match std::fs::read(key_file) {
        Ok(existing) if existing == key => {}
        Ok(_) => anyhow::bail!(
            "{} already holds another key: the SQLite server's invitation codes would no longer join; give a new --key-file",
            key_file.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            use std::io::Write;
            let mut file = options
                .open(key_file)
                .with_context(|| format!("could not write {}", key_file.display()))?;
            file.write_all(&key)?;
            file.sync_all()?;
        }
        Err(e) => return Err(e).with_context(|| format!("could not read {}", key_file.display())),
    }
    let target = runtime.block_on(Database::postgres(to, key_file, PgOptions::default()))?;
    let copied = crate::migrate::copy(&source, &target, |table, n| {
        println!("{table}: {n}");
    })?;
    let said: Vec<String> = copied.iter().map(|(t, n)| format!("{n} {t}")).collect();
    println!("moved: {}", said.join(", "));
    println!("Start the server with --database (and this --key-file); devices carry on without joining again.");
    Ok(())
}

fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // PostgreSQL's connections run on it, for every command.
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Serve {
            store,
            listen,
            tls_cert,
            tls_key,
            defences,
        } => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let limits = defences.limits()?;
            runtime.block_on(serve(store, listen, tls_cert.zip(tls_key), limits))?;
        }
        Command::Team(TeamCommand::Create {
            store,
            name,
            coordinator,
            json,
        }) => {
            let db = runtime.block_on(store.open())?;
            let team = db::create_team(
                &db,
                &name,
                &coordinator,
                InviteRequest::DEFAULT_HOURS,
                Timestamp::now(),
            )?;
            if json {
                print_json(&team)?;
            } else {
                println!("team: {}", team.team);
                println!(
                    "coordinator's invitation code: {} (valid 72 hours, once)",
                    team.code
                );
            }
        }
        Command::Invite {
            store,
            team,
            role,
            persons,
            organisation,
            expires,
            json,
        } => {
            let db = runtime.block_on(store.open())?;
            let grant = db::Grant {
                role,
                persons,
                organisation,
            };
            let code = db::invite(&db, &team, grant, expires, Timestamp::now())?;
            if json {
                print_json(&serde_json::json!({ "code": code }))?;
            } else {
                println!("{code}");
            }
        }
        Command::Devices { store, team, json } => {
            let db = runtime.block_on(store.open())?;
            if !db::team_exists(&db, &team)? {
                anyhow::bail!("there is no team with id {team} on this server");
            }
            let list = db::devices(&db, &team)?;
            if json {
                print_json(&list)?;
            } else {
                for d in list {
                    println!("{}", d.line());
                }
            }
        }
        Command::Migrate { from, to, key_file } => {
            migrate(&runtime, &from, &to, &key_file)?;
        }
        Command::Revoke { store, device } => {
            let db = runtime.block_on(store.open())?;
            db::revoke(&db, &device, None, Timestamp::now())?;
            println!("Device {device} is revoked; it can no longer sync.");
        }
    }
    Ok(())
}

/// Run the command line with the process's arguments.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            // Automerge logs its own ERROR lines for bytes it cannot decode:
            // a device could fill the log with them. The server writes one
            // line of its own per refused record instead.
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info".into())
                .add_directive(
                    "automerge=off"
                        .parse()
                        .unwrap_or_else(|_| tracing::Level::INFO.into()),
                ),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: a log file or journald reads plain.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("carnet-sync-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}
