//! The server's SQLite database (one file, `server.db`, in the data
//! directory), the default: its schema, its pragmas and its numbered
//! migrations. What is stored is the same as on PostgreSQL (see `pg`):
//! teams, members, invitations, devices, record documents (snapshot and
//! chunks, like the client), the per-team change feed, tombstones of
//! erased records, and what each device is credited with holding.

use std::path::Path;

use carnet_core::Timestamp;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::args;
use crate::db::typed_id;
use crate::error::ServerError;
use crate::sql::Sql;
use crate::store::{stored_doc, TeamStore};

/// `PRAGMA application_id` of a Carnet server database ("CRNS").
pub const APPLICATION_ID: i64 = 0x4352_4E53;

const SCHEMA: &str = r#"
CREATE TABLE teams (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    feed_seq     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE TABLE members (
    id         TEXT PRIMARY KEY,
    team       TEXT NOT NULL REFERENCES teams(id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    persons    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE invitations (
    code_hash  TEXT PRIMARY KEY,
    team       TEXT NOT NULL REFERENCES teams(id),
    role       TEXT NOT NULL,
    persons    INTEGER NOT NULL,
    member     TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    team            TEXT NOT NULL REFERENCES teams(id),
    member          TEXT NOT NULL REFERENCES members(id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    last_seen       INTEGER,
    credited_answer INTEGER NOT NULL DEFAULT 0,
    pending_answer  INTEGER NOT NULL DEFAULT 0,
    answers         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE records (
    team        TEXT NOT NULL,
    id          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    snapshot    BLOB NOT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    heads       BLOB NOT NULL,
    -- heads of the snapshot alone, to send "everything after" without
    -- decoding (see ServerStore::stored_after)
    snapshot_heads BLOB NOT NULL DEFAULT x'',
    seq         INTEGER NOT NULL,
    PRIMARY KEY (team, id)
) WITHOUT ROWID;
CREATE INDEX records_feed ON records (team, seq);
CREATE TABLE chunks (
    team  TEXT NOT NULL,
    id    TEXT NOT NULL,
    n     INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    heads_after BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY (team, id, n)
) WITHOUT ROWID;
CREATE TABLE tombstones (
    team      TEXT NOT NULL,
    id        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    erased_at INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (team, id)
) WITHOUT ROWID;
CREATE INDEX tombstones_feed ON tombstones (team, seq);
CREATE TABLE device_heads (
    device   TEXT NOT NULL,
    record   TEXT NOT NULL,
    credited BLOB,
    pending  BLOB,
    PRIMARY KEY (device, record)
) WITHOUT ROWID;
"#;

/// Changes to the schema, applied in order to a database whose
/// `user_version` is below their number (the schema above is version 1).
const MIGRATIONS: &[(i64, &str)] = &[
    (
        2,
        r#"
-- Ids are unique across the server: look them up without their team.
CREATE INDEX records_id ON records (id);
CREATE INDEX tombstones_id ON tombstones (id);
-- The hashes of an erased record's changes (never their content): a push
-- holding one of them brings erased content back, whatever its id.
CREATE TABLE erased_changes (
    team TEXT NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (team, hash)
) WITHOUT ROWID;
"#,
    ),
    (
        3,
        r#"
-- Partner organisations: a member may answer for one organisation of the
-- team's directory, and sees only the records of that scope (the
-- organisation's resource, the referrals addressed to it).
ALTER TABLE invitations ADD COLUMN organisation TEXT;
ALTER TABLE members ADD COLUMN organisation TEXT;
ALTER TABLE records ADD COLUMN scope TEXT;
ALTER TABLE tombstones ADD COLUMN scope TEXT;
CREATE INDEX records_scope ON records (team, scope, seq) WHERE scope IS NOT NULL;
CREATE INDEX tombstones_scope ON tombstones (team, scope, seq) WHERE scope IS NOT NULL;
"#,
    ),
    // Referrals that persons' records hold become records of their own
    // (see `move_all_held_referrals`); nothing changes in the schema.
    (4, ""),
    // A device's credit by answer number: see [`DEVICE_CREDIT`].
    (5, ""),
];

/// Migration 5 (PostgreSQL's 2): a device's credit keeps, per
/// record, the heads the last answer sending it gave and that answer's
/// number, in place of a credited and a pending column. The device
/// presenting its pending answer then credits that answer's rows by its
/// number alone (`devices.credited_answer`), where every row it held was
/// written twice (credited, then pending cleared): after a large pull,
/// thousands of rows rewritten each round.
const DEVICE_CREDIT: &str = r#"
CREATE TABLE device_credit (
    device TEXT NOT NULL,
    record TEXT NOT NULL,
    heads  BLOB NOT NULL,
    answer INTEGER NOT NULL,
    PRIMARY KEY (device, record)
) WITHOUT ROWID;
INSERT INTO device_credit (device, record, heads, answer)
  SELECT h.device, h.record, COALESCE(h.pending, h.credited),
         CASE WHEN h.pending IS NOT NULL THEN d.pending_answer ELSE d.credited_answer END
  FROM device_heads h JOIN devices d ON d.id = h.device
  WHERE h.pending IS NOT NULL OR h.credited IS NOT NULL;
DROP TABLE device_heads;
"#;

/// The records whose scope a database of schema 2 does not hold yet
/// (schema 3 adds it): filled from their documents by [`migrate`].
const SCOPED_KINDS: &str = "('referral', 'resource', 'workspace')";

/// Open (or create) the server database in `dir`.
pub fn open(dir: &Path) -> Result<Connection, ServerError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ServerError::Internal(format!("could not create {}: {e}", dir.display())))?;
    let path = dir.join("server.db");
    let fresh = !path.exists();
    let mut conn = Connection::open(&path)?;
    conn.execute_batch(
        // secure_delete: an erased record's bytes are zeroed where they
        // stood, not left in free pages.
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;",
    )?;
    // Plan each statement once, whatever is bound to it: otherwise a
    // cached statement whose plan might depend on a bound value is parsed
    // and planned again at each use (rusqlite clears the bindings of each
    // statement going back to its cache, which expires such a statement).
    // Reading a record's chunks was re-prepared for every record pushed.
    // A `LIMIT`, which can shape a plan, is written into the statement.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    if fresh {
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 1;"
        ))?;
    } else {
        let id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if id != APPLICATION_ID {
            return Err(ServerError::Setup(format!(
                "{} is not a Carnet server database; choose another --data directory",
                path.display()
            )));
        }
    }
    migrate(&mut conn)?;
    Ok(conn)
}

/// Apply the [`MIGRATIONS`] the database lacks, each in its transaction.
fn migrate(conn: &mut Connection) -> Result<(), ServerError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let newest = MIGRATIONS.last().map_or(1, |(v, _)| *v);
    if version > newest {
        return Err(ServerError::Setup(format!(
            "this server database was written by a newer Carnet server (schema {version}); update the server"
        )));
    }
    for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > version) {
        let tx = write_tx(conn)?;
        tx.execute_batch(sql)?;
        if *v == 3 {
            fill_scopes(&*tx)?;
        }
        if *v == 4 {
            move_all_held_referrals(&*tx, Timestamp::now())?;
        }
        // (Schema 5 again, over a database marked older, finds nothing to
        // convert.)
        if *v == 5
            && tx
                .row(
                    "SELECT 1 FROM sqlite_master WHERE name = 'device_heads'",
                    &[],
                )?
                .is_some()
        {
            tx.execute_batch(DEVICE_CREDIT)?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {v};"))?;
        tx.commit()?;
    }
    Ok(())
}

/// Move the referrals every stored person's record holds to records of
/// their own (schema 4; see `carnet_core::sync::server::move_held_referrals`).
fn move_all_held_referrals(tx: &dyn Sql, now: Timestamp) -> Result<(), ServerError> {
    use carnet_core::sync::server::ServerStore;
    let rows = tx.rows("SELECT team, id FROM records WHERE kind = 'person'", &[])?;
    let mut moved = 0usize;
    for row in rows {
        let team = row.text(0)?;
        let mut store = TeamStore::new(tx, &team, "", now);
        let Some(mut doc) = store.load(typed_id(&row.text(1)?, "record")?)? else {
            continue;
        };
        if carnet_core::sync::server::move_held_referrals(&mut store, &mut doc)? {
            moved += 1;
        }
        store.finish()?;
    }
    if moved > 0 {
        tracing::info!(
            persons = moved,
            "referrals held by persons' records moved to records of their own"
        );
    }
    Ok(())
}

/// Read the scope of every stored referral and resource from its
/// document (schema 3).
fn fill_scopes(tx: &dyn Sql) -> Result<(), ServerError> {
    let rows = tx.rows(
        &format!("SELECT team, id FROM records WHERE kind IN {SCOPED_KINDS}"),
        &[],
    )?;
    for row in rows {
        let (team, id) = (row.text(0)?, row.text(1)?);
        let Some(doc) = stored_doc(tx, &team, typed_id(&id, "record")?)? else {
            continue;
        };
        tx.exec(
            "UPDATE records SET scope = $3 WHERE team = $1 AND id = $2",
            args![team, id, doc.scope().map(|s| s.to_string())],
        )?;
    }
    Ok(())
}

/// Begin a write transaction that takes the write lock at once.
pub fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>, ServerError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::OptionalExtension;

    /// A database of schema 4, with a device whose credit holds each
    /// case: credited alone, credited and pending, pending alone, neither.
    fn schema_4(dir: &Path) -> String {
        let db = crate::db::Database::sqlite(dir).expect("open");
        let team = crate::db::create_team(&db, "Pôle Nord", "Coordination", 72, Timestamp::now())
            .expect("team");
        crate::db::join(&db, &team.code, "Portable", "Aline", Timestamp::now()).expect("join");
        drop(db);
        let conn = Connection::open(dir.join("server.db")).expect("open");
        let device: String = conn
            .query_row("SELECT id FROM devices", [], |r| r.get(0))
            .expect("the device");
        conn.execute_batch(
            "DROP TABLE device_credit;
             CREATE TABLE device_heads (
                 device TEXT NOT NULL, record TEXT NOT NULL, credited BLOB, pending BLOB,
                 PRIMARY KEY (device, record)) WITHOUT ROWID;
             UPDATE devices SET credited_answer = 3, pending_answer = 4, answers = 4;
             PRAGMA user_version = 4;",
        )
        .expect("schema 4");
        for (record, credited, pending) in [
            ("r1", Some(&b"x"[..]), None),
            ("r2", Some(&b"y"[..]), Some(&b"z"[..])),
            ("r3", None, Some(&b"w"[..])),
            ("r4", None, None),
        ] {
            conn.execute(
                "INSERT INTO device_heads VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![device, record, credited, pending],
            )
            .expect("credit");
        }
        device
    }

    #[test]
    fn schema_5_keeps_each_device_s_credit_by_answer() {
        let dir = tempfile::tempdir().expect("dir");
        let device = schema_4(dir.path());
        let conn = open(dir.path()).expect("migrated");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, 5);
        let mut stmt = conn
            .prepare("SELECT device, record, heads, answer FROM device_credit ORDER BY record")
            .expect("credit");
        let rows: Vec<(String, String, Vec<u8>, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read");
        // Pending heads stand for their answer, which the device may still
        // present; heads credited alone stand for the credited answer.
        let expected = [("r1", &b"x"[..], 3), ("r2", b"z", 4), ("r3", b"w", 4)];
        assert_eq!(rows.len(), expected.len(), "{rows:?}");
        for ((d, record, heads, answer), (r, h, a)) in rows.iter().zip(expected) {
            assert_eq!(
                (d.as_str(), record.as_str(), &heads[..], *answer),
                (device.as_str(), r, h, a)
            );
        }
        let old: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE name LIKE 'device_heads%'",
                [],
                |r| r.get(0),
            )
            .optional()
            .expect("schema");
        assert_eq!(old, None, "the old table is gone");
        drop(stmt);
        drop(conn);

        // Marked older again (as a test of an earlier migration does), it
        // opens: schema 5 finds nothing left to convert.
        let conn = Connection::open(dir.path().join("server.db")).expect("open");
        conn.execute_batch("PRAGMA user_version = 3")
            .expect("older");
        drop(conn);
        let conn = open(dir.path()).expect("opens again");
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM device_credit", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 3);
    }
}
