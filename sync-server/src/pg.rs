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
use crate::sql::{Dialect, Row, Sql, Value};

/// The advisory lock that serialises migrations ("CRNS").
pub const SCHEMA_LOCK: i64 = 0x4352_4E53;

/// The schema, as numbered changes applied in order to a database whose
/// newest applied change is below their number.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        r#"
-- Ids are compared byte by byte (COLLATE "C"): they are ASCII, and a
-- language's collation would cost every index lookup for nothing.
CREATE TABLE teams (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    workspace_id TEXT COLLATE "C" NOT NULL,
    -- The team's feed position, taken by each write at the end of its
    -- transaction: the row's lock orders a team's commits, so positions
    -- become visible in order.
    feed_seq     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE TABLE members (
    id           TEXT COLLATE "C" PRIMARY KEY,
    team         TEXT COLLATE "C" NOT NULL REFERENCES teams(id),
    name         TEXT COLLATE "C" NOT NULL,
    role         TEXT COLLATE "C" NOT NULL,
    persons      BOOLEAN NOT NULL,
    organisation TEXT COLLATE "C",
    created_at   BIGINT NOT NULL
);
CREATE TABLE invitations (
    code_hash    TEXT COLLATE "C" PRIMARY KEY,
    team         TEXT COLLATE "C" NOT NULL REFERENCES teams(id),
    role         TEXT COLLATE "C" NOT NULL,
    persons      BOOLEAN NOT NULL,
    member       TEXT COLLATE "C",
    organisation TEXT COLLATE "C",
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE TABLE devices (
    id              TEXT COLLATE "C" PRIMARY KEY,
    team            TEXT COLLATE "C" NOT NULL REFERENCES teams(id),
    member          TEXT COLLATE "C" NOT NULL REFERENCES members(id),
    name            TEXT COLLATE "C" NOT NULL,
    token_hash      TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    revoked_at      BIGINT,
    last_seen       BIGINT,
    credited_answer BIGINT NOT NULL DEFAULT 0,
    pending_answer  BIGINT NOT NULL DEFAULT 0,
    answers         BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE records (
    team           TEXT COLLATE "C" NOT NULL,
    id             TEXT COLLATE "C" NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL,
    snapshot       BYTEA NOT NULL,
    chunk_count    BIGINT NOT NULL DEFAULT 0,
    heads          BYTEA NOT NULL,
    snapshot_heads BYTEA NOT NULL DEFAULT '\x',
    seq            BIGINT NOT NULL,
    scope          TEXT COLLATE "C",
    PRIMARY KEY (team, id)
);
CREATE INDEX records_feed ON records (team, seq);
CREATE INDEX records_id ON records (id);
CREATE INDEX records_scope ON records (team, scope, seq) WHERE scope IS NOT NULL;
CREATE TABLE chunks (
    team        TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    n           BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    heads_after BYTEA NOT NULL DEFAULT '\x',
    PRIMARY KEY (team, id, n)
);
CREATE TABLE tombstones (
    team      TEXT COLLATE "C" NOT NULL,
    id        TEXT COLLATE "C" NOT NULL,
    kind      TEXT COLLATE "C" NOT NULL,
    erased_by TEXT COLLATE "C" NOT NULL,
    erased_at BIGINT NOT NULL,
    reason    TEXT COLLATE "C" NOT NULL,
    seq       BIGINT NOT NULL,
    scope     TEXT COLLATE "C",
    PRIMARY KEY (team, id)
);
CREATE INDEX tombstones_feed ON tombstones (team, seq);
CREATE INDEX tombstones_id ON tombstones (id);
CREATE INDEX tombstones_scope ON tombstones (team, scope, seq) WHERE scope IS NOT NULL;
CREATE TABLE device_heads (
    device   TEXT COLLATE "C" NOT NULL,
    record   TEXT COLLATE "C" NOT NULL,
    credited BYTEA,
    pending  BYTEA,
    PRIMARY KEY (device, record)
);
CREATE TABLE erased_changes (
    team TEXT COLLATE "C" NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (team, hash)
);
"#,
    ),
    (
        2,
        // A device's credit by answer number (see SQLite's migration 5).
        r#"
CREATE TABLE device_credit (
    device TEXT COLLATE "C" NOT NULL,
    record TEXT COLLATE "C" NOT NULL,
    heads  BYTEA NOT NULL,
    answer BIGINT NOT NULL,
    PRIMARY KEY (device, record)
);
INSERT INTO device_credit (device, record, heads, answer)
  SELECT h.device, h.record, COALESCE(h.pending, h.credited),
         CASE WHEN h.pending IS NOT NULL THEN d.pending_answer ELSE d.credited_answer END
  FROM device_heads h JOIN devices d ON d.id = h.device
  WHERE h.pending IS NOT NULL OR h.credited IS NOT NULL;
DROP TABLE device_heads;
"#,
    ),
];

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
    // Options the address carries (a search_path, say) are kept.
    let given = config.get_options().unwrap_or_default().to_string();
    // Each statement is planned for its values: a generic plan, which
    // PostgreSQL may choose for a prepared statement after its fifth run,
    // read a team's feed in seconds rather than milliseconds.
    config.options(format!(
        "{given} -c statement_timeout={} -c plan_cache_mode=force_custom_plan",
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
            // A connection is checked before each use: after PostgreSQL
            // restarts, the pool's dead connections are replaced, not lent.
            recycling_method: RecyclingMethod::Verified,
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

/// A PostgreSQL database: its pool, and the runtime its connections run
/// on (statements are awaited from the blocking threads rounds run on).
#[derive(Clone)]
pub struct Postgres {
    pool: Pool,
    runtime: tokio::runtime::Handle,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("pool", &self.pool.status())
            .finish()
    }
}

/// Statements sent together by [`Sql::batch`] before their answers are
/// read (a join of more futures than this may poll them in another order
/// than given).
const PIPELINED: usize = 16;

/// How many times a transaction that met another one is run.
pub const ATTEMPTS: u32 = 6;

impl Postgres {
    /// The database at `url`, its schema brought to the newest (see
    /// [`connect`]); called inside the runtime its connections will use.
    pub async fn open(url: &str, options: PgOptions) -> Result<Self, ServerError> {
        Ok(Self {
            pool: connect(url, options).await?,
            runtime: tokio::runtime::Handle::current(),
        })
    }

    /// The pool (its status, for the metrics).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Run `f` in a transaction and commit it, from a thread that may
    /// block (never from inside the runtime's own tasks). A transaction
    /// that met another one (a deadlock, a row inserted at the same
    /// moment) or lost its connection is rolled back and run again, up
    /// to [`ATTEMPTS`] times, a little later each time.
    pub fn write<T>(
        &self,
        f: impl FnMut(&dyn Sql) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        self.run(f, true)
    }

    /// Run `f`, which only reads, each statement on its own outside a
    /// transaction (a round trip fewer than [`Postgres::write`]: a
    /// device's authentication is one statement); run again as `write`
    /// does when the connection was lost.
    pub fn read<T>(
        &self,
        f: impl FnMut(&dyn Sql) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        self.run(f, false)
    }

    fn run<T>(
        &self,
        mut f: impl FnMut(&dyn Sql) -> Result<T, ServerError>,
        transaction: bool,
    ) -> Result<T, ServerError> {
        let mut attempt = 1;
        loop {
            match self.attempt(&mut f, transaction) {
                Err(ServerError::Conflict(why)) | Err(ServerError::Retry(why))
                    if attempt < ATTEMPTS =>
                {
                    tracing::debug!(attempt, "transaction run again: {why}");
                    let wait = 5u64 << attempt.min(6);
                    std::thread::sleep(std::time::Duration::from_millis(
                        wait + rand::random::<u64>() % wait,
                    ));
                    attempt += 1;
                }
                Err(ServerError::Retry(why)) => return Err(ServerError::Unavailable(why)),
                other => return other,
            }
        }
    }

    fn attempt<T>(
        &self,
        f: &mut impl FnMut(&dyn Sql) -> Result<T, ServerError>,
        transaction: bool,
    ) -> Result<T, ServerError> {
        let client = self.runtime.block_on(self.pool.get()).map_err(pool_error)?;
        let started = std::time::Instant::now();
        let sql = PgTx {
            client: &client,
            transaction,
            open: std::cell::Cell::new(false),
            runtime: &self.runtime,
            statements: std::cell::Cell::new(0),
        };
        let out = f(&sql);
        let statements = sql.statements.get();
        let ended = sql.end(out.is_ok());
        drop(sql);
        if ended.is_err() {
            // A connection whose transaction could not be ended is not
            // given to another request: it leaves the pool.
            drop(deadpool_postgres::Object::take(client));
        }
        let out = out?;
        ended.map_err(pg_error)?;
        if transaction {
            tracing::debug!(
                statements,
                ms = started.elapsed().as_millis() as u64,
                "transaction committed"
            );
        }
        Ok(out)
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> ServerError {
    use deadpool_postgres::PoolError;
    match e {
        PoolError::Timeout(_) => ServerError::Unavailable(
            "the server is answering many devices at once and none of its database connections came free; try again in a moment".into(),
        ),
        PoolError::Backend(e) => match pg_error(e) {
            ServerError::Retry(why) => ServerError::Unavailable(why),
            other => other,
        },
        other => ServerError::Unavailable(format!(
            "the server's database does not answer ({other}); try again in a moment"
        )),
    }
}

/// A PostgreSQL error as the server's: meeting another transaction is a
/// [`ServerError::Conflict`]; a lost connection or a restarting database
/// is tried again ([`ServerError::Retry`]) and then said unavailable, as
/// is a statement past its timeout.
pub fn pg_error(e: tokio_postgres::Error) -> ServerError {
    use tokio_postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        return if [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::UNIQUE_VIOLATION,
        ]
        .contains(code)
        {
            ServerError::Conflict(format!("{}: {}", code.code(), db.message()))
        } else if *code == SqlState::QUERY_CANCELED {
            ServerError::Unavailable(
                "the server's database took longer than it is allowed to; try again in a moment"
                    .into(),
            )
        } else if [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
        ]
        .contains(code)
        {
            ServerError::Retry(
                "the server's database is restarting or full; try again in a moment".into(),
            )
        } else {
            ServerError::Internal(format!("PostgreSQL {}: {}", code.code(), db.message()))
        };
    }
    if e.is_closed() || std::error::Error::source(&e).is_some() {
        return ServerError::Retry(
            "the server lost its database connection; try again in a moment".into(),
        );
    }
    ServerError::Internal(format!("PostgreSQL: {e}"))
}

/// Statements on one connection: in one transaction, begun with the
/// first statement (its `BEGIN` sent in the same round trip) and after
/// each commit along the way with the next one; or each on its own
/// (reads only).
struct PgTx<'a> {
    client: &'a deadpool_postgres::Client,
    /// The statements are one transaction's.
    transaction: bool,
    /// A transaction is open (or may be: after a failed statement, until
    /// it is rolled back).
    open: std::cell::Cell<bool>,
    runtime: &'a tokio::runtime::Handle,
    /// Statements run so far (for the debug log).
    statements: std::cell::Cell<usize>,
}

impl PgTx<'_> {
    /// `sql`, prepared once per connection.
    async fn prepared(
        &self,
        sql: &str,
    ) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
        self.client.prepare_cached(sql).await
    }

    /// The rows of a prepared statement.
    async fn query(
        &self,
        stmt: &tokio_postgres::Statement,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        self.client.query(stmt, params).await
    }

    /// `work` (statements sent when it is first polled), after a `BEGIN`
    /// sent first in the same round trip when the transaction is not open
    /// yet.
    async fn begun<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, tokio_postgres::Error> {
        if !self.transaction || self.open.get() {
            return work.await;
        }
        self.open.set(true);
        let ((), out) =
            futures_util::future::try_join(self.client.batch_execute("BEGIN"), work).await?;
        Ok(out)
    }

    /// End the transaction, if one is open: committed when `keep`, else
    /// rolled back.
    fn end(&self, keep: bool) -> Result<(), tokio_postgres::Error> {
        if !self.open.replace(false) {
            return Ok(());
        }
        self.runtime.block_on(
            self.client
                .batch_execute(if keep { "COMMIT" } else { "ROLLBACK" }),
        )
    }

    /// After a statement failed, the transaction (if any) waits for its
    /// rollback.
    fn failed<T>(&self, out: Result<T, tokio_postgres::Error>) -> Result<T, ServerError> {
        out.map_err(|e| {
            if self.transaction {
                self.open.set(true);
            }
            pg_error(e)
        })
    }
}

impl Drop for PgTx<'_> {
    /// A transaction left open (a panic in the round) is rolled back
    /// before its connection goes back to the pool.
    fn drop(&mut self) {
        if self.open.get() {
            let _ = self.end(false);
        }
    }
}

impl Sql for PgTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, ServerError> {
        self.statements.set(self.statements.get() + 1);
        let params = params(args);
        let rows = self.failed(self.runtime.block_on(async {
            let stmt = self.prepared(sql).await?;
            self.begun(self.query(&stmt, &params)).await
        }))?;
        rows.iter().map(pg_row).collect()
    }

    fn commit_so_far(&self) -> Result<(), ServerError> {
        self.statements.set(self.statements.get() + 1);
        self.failed(self.end(true))
    }

    fn batch(
        &self,
        statements: &[(String, Vec<Value>)],
        commit: bool,
    ) -> Result<Vec<Vec<Row>>, ServerError> {
        let commit = commit && self.transaction;
        self.statements
            .set(self.statements.get() + statements.len() + usize::from(commit));
        let params: Vec<_> = statements.iter().map(|(_, args)| params(args)).collect();
        let rows = self.failed(self.runtime.block_on(async {
            let mut out = Vec::with_capacity(statements.len());
            let parts = statements.chunks(PIPELINED).zip(params.chunks(PIPELINED));
            let last = statements.len().div_ceil(PIPELINED).max(1) - 1;
            for (k, (part, params)) in parts.enumerate() {
                // Prepared first (each once per connection), so that the
                // queries, polled together, are written to the connection
                // in this order before any answer is awaited
                // (tokio-postgres sends a request when its future is first
                // polled), after the `BEGIN` and before the commit.
                let prepared = futures_util::future::try_join_all(
                    part.iter().map(|(sql, _)| self.prepared(sql)),
                )
                .await?;
                let queries = futures_util::future::try_join_all(
                    prepared
                        .iter()
                        .zip(params)
                        .map(|(stmt, params)| self.query(stmt, params)),
                );
                if commit && k == last {
                    // After a failed statement PostgreSQL ignores the
                    // rest and COMMIT rolls back: the error is the
                    // statement's, and nothing is committed.
                    let (rows, ()) = self
                        .begun(futures_util::future::try_join(
                            queries,
                            self.client.batch_execute("COMMIT"),
                        ))
                        .await?;
                    self.open.set(false);
                    out.extend(rows);
                } else {
                    out.extend(self.begun(queries).await?);
                }
            }
            if commit && statements.is_empty() && self.open.replace(false) {
                self.client.batch_execute("COMMIT").await?;
            }
            Ok::<_, tokio_postgres::Error>(out)
        }))?;
        rows.iter()
            .map(|rows| rows.iter().map(pg_row).collect())
            .collect()
    }

    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64, ServerError> {
        self.statements.set(self.statements.get() + 1);
        let params = params(args);
        self.failed(self.runtime.block_on(async {
            let stmt = self.prepared(sql).await?;
            self.begun(self.client.execute(&stmt, &params)).await
        }))
    }
}

/// Values as the driver takes them.
fn params(args: &[Value]) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
    args.iter()
        .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect()
}

/// A row as [`Value`]s, by each column's type.
fn pg_row(row: &tokio_postgres::Row) -> Result<Row, ServerError> {
    use tokio_postgres::types::Type;
    fn get<'a, T: tokio_postgres::types::FromSql<'a>>(
        row: &'a tokio_postgres::Row,
        i: usize,
        value: impl Fn(T) -> Value,
    ) -> Result<Value, ServerError> {
        row.try_get::<_, Option<T>>(i)
            .map(|v| v.map_or(Value::Null, value))
            .map_err(|e| ServerError::Internal(format!("a stored column ({i}): {e}")))
    }
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let t = column.type_();
        values.push(if *t == Type::INT8 {
            get(row, i, Value::Int)?
        } else if *t == Type::INT4 {
            get(row, i, |v: i32| Value::Int(v.into()))?
        } else if *t == Type::INT2 {
            get(row, i, |v: i16| Value::Int(v.into()))?
        } else if *t == Type::BOOL {
            get(row, i, Value::Bool)?
        } else if *t == Type::BYTEA {
            get(row, i, Value::Bytes)?
        } else if [Type::TEXT, Type::VARCHAR, Type::NAME, Type::BPCHAR].contains(t) {
            get(row, i, Value::Text)?
        } else {
            return Err(ServerError::Internal(format!(
                "a column of type {t} is not read by this server"
            )));
        });
    }
    Ok(Row(values))
}

impl tokio_postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Bool(v) => v.to_sql(ty, out),
            Value::Text(v) => v.to_sql(ty, out),
            Value::Bytes(v) => v.to_sql(ty, out),
            Value::TextList(v) => v.to_sql(ty, out),
            Value::BytesList(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::Type;
        let fits = match self {
            Value::Null => true,
            Value::Int(_) => [Type::INT2, Type::INT4, Type::INT8].contains(ty),
            Value::Bool(_) => bool::accepts(ty),
            Value::Text(_) => String::accepts(ty),
            Value::Bytes(_) => Vec::<u8>::accepts(ty),
            Value::TextList(_) => Vec::<String>::accepts(ty),
            Value::BytesList(_) => Vec::<Vec<u8>>::accepts(ty),
        };
        if !fits {
            return Err(Box::new(tokio_postgres::types::WrongType::new::<Self>(
                ty.clone(),
            )));
        }
        self.to_sql(ty, out)
    }
}
