//! The server's PostgreSQL database (issue 17, being built; the SQLite
//! file of `db` stays the default): a pool of connections and the
//! schema's numbered migrations.
//!
//! The driver is tokio-postgres with deadpool-postgres: tokio-postgres is
//! the asynchronous client the `postgres` crate itself wraps, well kept,
//! with no compile-time database and no macros; deadpool gives a small,
//! plain pool with timeouts. (sqlx would bring its own pool, macros and
//! an offline query cache that this server does not need.) The core's
//! `ServerStore` stays synchronous, a round's pure function: a round runs
//! on the blocking pool as with SQLite, and awaits its queries there.
//!
//! Migrations are applied when a server starts, in one transaction under
//! an advisory lock: several instances starting at once apply each one
//! once, and a database written by a newer server is refused.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::NoTls;

use crate::error::ServerError;

/// The advisory lock that serialises migrations ("CRNS").
pub const SCHEMA_LOCK: i64 = 0x4352_4E53;

/// The schema, as numbered changes applied in order to a database whose
/// newest applied change is below their number.
const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    r#"
CREATE TABLE teams (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    -- The team's feed position, taken by each write at the end of its
    -- transaction: the row's lock orders a team's commits, so positions
    -- become visible in order.
    feed_seq     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams(id),
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    persons      BOOLEAN NOT NULL,
    organisation TEXT,
    created_at   BIGINT NOT NULL
);
CREATE TABLE invitations (
    code_hash    TEXT PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams(id),
    role         TEXT NOT NULL,
    persons      BOOLEAN NOT NULL,
    member       TEXT,
    organisation TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    team            TEXT NOT NULL REFERENCES teams(id),
    member          TEXT NOT NULL REFERENCES members(id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    revoked_at      BIGINT,
    last_seen       BIGINT,
    credited_answer BIGINT NOT NULL DEFAULT 0,
    pending_answer  BIGINT NOT NULL DEFAULT 0,
    answers         BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE records (
    team           TEXT NOT NULL,
    id             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    snapshot       BYTEA NOT NULL,
    chunk_count    INTEGER NOT NULL DEFAULT 0,
    heads          BYTEA NOT NULL,
    snapshot_heads BYTEA NOT NULL DEFAULT '\x',
    seq            BIGINT NOT NULL,
    scope          TEXT,
    PRIMARY KEY (team, id)
);
CREATE INDEX records_feed ON records (team, seq);
CREATE INDEX records_id ON records (id);
CREATE INDEX records_scope ON records (team, scope, seq) WHERE scope IS NOT NULL;
CREATE TABLE chunks (
    team        TEXT NOT NULL,
    id          TEXT NOT NULL,
    n           INTEGER NOT NULL,
    bytes       BYTEA NOT NULL,
    heads_after BYTEA NOT NULL DEFAULT '\x',
    PRIMARY KEY (team, id, n)
);
CREATE TABLE tombstones (
    team      TEXT NOT NULL,
    id        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    erased_at BIGINT NOT NULL,
    reason    TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    scope     TEXT,
    PRIMARY KEY (team, id)
);
CREATE INDEX tombstones_feed ON tombstones (team, seq);
CREATE INDEX tombstones_id ON tombstones (id);
CREATE INDEX tombstones_scope ON tombstones (team, scope, seq) WHERE scope IS NOT NULL;
CREATE TABLE device_heads (
    device   TEXT NOT NULL,
    record   TEXT NOT NULL,
    credited BYTEA,
    pending  BYTEA,
    PRIMARY KEY (device, record)
);
CREATE TABLE erased_changes (
    team TEXT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (team, hash)
);
"#,
)];

/// The newest schema this server writes.
pub fn newest_schema() -> i32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// How the pool behaves.
#[derive(Debug, Clone, Copy)]
pub struct PgOptions {
    /// Connections at most (per instance).
    pub max_connections: usize,
    /// How long a request waits for a free connection.
    pub wait: Duration,
    /// The longest a statement may run.
    pub statement_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            wait: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> ServerError {
    ServerError::Unavailable(format!("{what}: {e}"))
}

/// A pool on the database at `url` (`postgres://user@host:port/db`), its
/// schema brought to the newest. The address's password is never said.
pub async fn connect(url: &str, options: PgOptions) -> Result<Pool, ServerError> {
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
        ServerError::BadRequest(format!(
            "the database address is not a PostgreSQL address (postgres://user@host:port/database): {e}"
        ))
    })?;
    config.options(format!(
        "-c statement_timeout={}",
        options.statement_timeout.as_millis()
    ));
    config.connect_timeout(Duration::from_secs(5));
    let place = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, p)| match h {
            tokio_postgres::config::Host::Tcp(h) => format!("{h}:{p}"),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => format!("{}", path.display()),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(options.max_connections.max(1))
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(options.wait),
            create: Some(Duration::from_secs(5)),
            recycle: Some(Duration::from_secs(5)),
        })
        .build()
        .map_err(|e| ServerError::Setup(format!("the database pool: {e}")))?;
    migrate(&pool).await.map_err(|e| match e {
        Migration::Newer(v) => ServerError::Setup(format!(
            "this database was written by a newer Carnet server (schema {v}); update the server"
        )),
        Migration::Pool(e) => unavailable(&format!("could not reach PostgreSQL at {place}"), e),
        Migration::Sql(e) => unavailable(&format!("PostgreSQL at {place} refused the schema"), e),
    })?;
    Ok(pool)
}

/// Why migrating failed.
enum Migration {
    Newer(i32),
    Pool(deadpool_postgres::PoolError),
    Sql(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Migration {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Sql(e)
    }
}

/// Apply the migrations the database lacks, in one transaction, under
/// [`SCHEMA_LOCK`].
async fn migrate(pool: &Pool) -> Result<(), Migration> {
    let mut client = pool.get().await.map_err(Migration::Pool)?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS carnet_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await?;
    let current: Option<i32> = tx
        .query_one("SELECT max(version) FROM carnet_schema", &[])
        .await?
        .get(0);
    let current = current.unwrap_or(0);
    if current > newest_schema() {
        return Err(Migration::Newer(current));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO carnet_schema (version) VALUES ($1)",
            &[version],
        )
        .await?;
        tracing::info!(version, "database schema migrated");
    }
    tx.commit().await?;
    Ok(())
}

/// The schema versions applied to the database, oldest first.
pub async fn applied(pool: &Pool) -> Result<Vec<i32>, ServerError> {
    let client = pool
        .get()
        .await
        .map_err(|e| unavailable("could not reach PostgreSQL", e))?;
    let rows = client
        .query("SELECT version FROM carnet_schema ORDER BY version", &[])
        .await
        .map_err(|e| unavailable("PostgreSQL", e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
