//! The server's SQLite database (one file, `server.db`, in the data
//! directory): teams, members, invitations, devices, record documents
//! (snapshot + chunks, like the client), the per-team change feed,
//! tombstones of erased records, and what each device is credited with
//! holding. Schema and every account operation live here.

use std::path::Path;

use carnet_core::record::Workspace;
use carnet_core::sync::api::{EraseRequest, InviteRequest};
use carnet_core::sync::{Access, DeviceInfo, Joined, Role};
use carnet_core::vocab::Language;
use carnet_core::{Actor, Codebook, MemberId, Record, RecordDoc, RecordId, SystemIds, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::accounts;
use crate::error::ServerError;

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
];

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
    code_key(&conn)?;
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
            fill_scopes(&tx)?;
        }
        if *v == 4 {
            move_all_held_referrals(&tx, Timestamp::now())?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {v};"))?;
        tx.commit()?;
    }
    Ok(())
}

/// Move the referrals every stored person's record holds to records of
/// their own (schema 4; see `carnet_core::sync::server::move_held_referrals`).
fn move_all_held_referrals(tx: &Transaction<'_>, now: Timestamp) -> Result<(), ServerError> {
    use carnet_core::sync::server::ServerStore;
    let rows: Vec<(String, String)> = tx
        .prepare("SELECT team, id FROM records WHERE kind = 'person'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut moved = 0usize;
    for (team, id) in rows {
        let mut store = crate::store::TeamStore::new(tx, &team, "", now);
        let Some(mut doc) = store.load(typed_id(&id, "record")?)? else {
            continue;
        };
        if carnet_core::sync::server::move_held_referrals(&mut store, &mut doc)? {
            moved += 1;
        }
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
fn fill_scopes(tx: &Transaction<'_>) -> Result<(), ServerError> {
    let rows: Vec<(String, String)> = tx
        .prepare(&format!(
            "SELECT team, id FROM records WHERE kind IN {SCOPED_KINDS}"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (team, id) in rows {
        let Some(doc) = crate::store::stored_doc(tx, &team, typed_id(&id, "record")?)? else {
            continue;
        };
        tx.execute(
            "UPDATE records SET scope = ?3 WHERE team = ?1 AND id = ?2",
            params![team, id, doc.scope().map(|s| s.to_string())],
        )?;
    }
    Ok(())
}

/// The key invitation codes are hashed with: the one beside the
/// database file.
fn code_key(conn: &Connection) -> Result<accounts::CodeKey, ServerError> {
    let dir = conn
        .path()
        .and_then(|p| Path::new(p).parent())
        .ok_or_else(|| ServerError::Internal("the database has no directory".into()))?;
    accounts::CodeKey::of_dir(dir)
        .map_err(|e| ServerError::Internal(format!("could not read the server's key: {e}")))
}

/// Begin a write transaction that takes the write lock at once.
pub fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>, ServerError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// A new team with its coordinator and a first invitation for them.
#[derive(Debug, Serialize)]
pub struct NewTeam {
    /// The team's id.
    pub team: String,
    /// The coordinator's invitation code.
    pub code: String,
}

/// Create a team, its workspace record and the coordinator's invitation.
pub fn create_team(
    conn: &mut Connection,
    name: &str,
    coordinator: &str,
    expires_hours: i64,
    now: Timestamp,
) -> Result<NewTeam, ServerError> {
    if name.trim().is_empty() || coordinator.trim().is_empty() {
        return Err(ServerError::BadRequest(
            "the team name and the coordinator's name are required".into(),
        ));
    }
    let ids = SystemIds;
    let team = RecordId::generate(&ids, now).to_string();
    let member = MemberId::generate(&ids, now);
    let workspace_id = RecordId::generate(&ids, now);
    let mut workspace = Workspace::starter(name, Language::French);
    workspace.add_member(member, coordinator);
    let workspace = Record::Workspace(workspace);
    let mut session = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut session);
    let mut doc = RecordDoc::create(
        workspace_id,
        &workspace,
        &Codebook::any(),
        &Actor::new(member, session),
        now,
    )
    .map_err(|e| ServerError::Internal(e.to_string()))?;
    let tx = write_tx(conn)?;
    tx.execute(
        "INSERT INTO teams (id, name, workspace_id, feed_seq, created_at) VALUES (?1, ?2, ?3, 1, ?4)",
        params![team, name.trim(), workspace_id.to_string(), now.as_millis()],
    )?;
    tx.execute(
        "INSERT INTO members (id, team, name, role, persons, created_at) VALUES (?1, ?2, ?3, 'coordinator', 1, ?4)",
        params![member.to_string(), team, coordinator.trim(), now.as_millis()],
    )?;
    tx.execute(
        "INSERT INTO records (team, id, kind, snapshot, heads, snapshot_heads, seq, scope) VALUES (?1, ?2, 'workspace', ?3, ?4, ?4, 1, ?2)",
        params![team, workspace_id.to_string(), doc.save(), carnet_core::sync::encode_heads(&doc.heads())],
    )?;
    let code = insert_invitation(
        &tx,
        &team,
        Grant {
            role: Role::Coordinator,
            persons: true,
            organisation: None,
        },
        Some(&member.to_string()),
        expires_hours,
        now,
    )?;
    tx.commit()?;
    Ok(NewTeam { team, code })
}

/// What an invitation grants.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Access to persons.
    pub persons: bool,
    /// A partner's organisation.
    pub organisation: Option<RecordId>,
}

fn insert_invitation(
    tx: &Transaction<'_>,
    team: &str,
    grant: Grant,
    member: Option<&str>,
    expires_hours: i64,
    now: Timestamp,
) -> Result<String, ServerError> {
    let Grant {
        role,
        persons,
        organisation,
    } = grant;
    if !(1..=InviteRequest::MAX_HOURS).contains(&expires_hours) {
        return Err(ServerError::BadRequest(
            "an invitation lasts from 1 hour to 1 year".into(),
        ));
    }
    let code = accounts::new_code();
    let now = now.as_millis();
    tx.execute(
        "INSERT INTO invitations (code_hash, team, role, persons, member, created_at, expires_at, organisation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![code_key(tx)?.code_hash(&code), team, role.code(), persons, member, now, now + expires_hours * 3_600_000, organisation.map(|o| o.to_string())],
    )?;
    Ok(code)
}

/// Create an invitation for a team. A partner's names one organisation
/// of the team's directory; the other roles' name none.
pub fn invite(
    conn: &mut Connection,
    team: &str,
    grant: Grant,
    expires_hours: i64,
    now: Timestamp,
) -> Result<String, ServerError> {
    let tx = write_tx(conn)?;
    let exists: Option<String> = tx
        .query_row("SELECT id FROM teams WHERE id = ?1", [team], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Err(ServerError::NotFound(format!(
            "there is no team with id {team} on this server"
        )));
    }
    match (grant.role, grant.organisation) {
        (Role::Partner, None) => {
            return Err(ServerError::BadRequest(
                "a partner's invitation names the organisation of the directory it answers for"
                    .into(),
            ))
        }
        (Role::Partner, Some(org)) => {
            let found: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM records WHERE team = ?1 AND id = ?2 AND kind = 'resource'",
                    params![team, org.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            if found.is_none() {
                return Err(ServerError::NotFound(format!(
                    "there is no organisation {org} in this team's directory (has the device that added it synced?)"
                )));
            }
        }
        (_, Some(_)) => {
            return Err(ServerError::BadRequest(
                "only a partner's invitation names an organisation".into(),
            ))
        }
        (_, None) => {}
    }
    let grant = Grant {
        persons: grant.persons && grant.role != Role::Partner,
        ..grant
    };
    let code = insert_invitation(&tx, team, grant, None, expires_hours, now)?;
    tx.commit()?;
    Ok(code)
}

/// Use an invitation code: a new device (and member, unless the code was
/// made for one) with its own token.
pub fn join(
    conn: &mut Connection,
    code: &str,
    device_name: &str,
    member_name: &str,
    at: Timestamp,
) -> Result<Joined, ServerError> {
    let tx = write_tx(conn)?;
    let row = tx
        .query_row(
            "SELECT i.team, i.role, i.persons, i.member, i.expires_at, i.used_at, t.name, t.workspace_id, i.code_hash, i.organisation
             FROM invitations i JOIN teams t ON t.id = i.team WHERE i.code_hash IN (?1, ?2)",
            [code_key(&tx)?.code_hash(code), accounts::legacy_code_hash(code)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, i64>(4)?, r.get::<_, Option<i64>>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?, r.get::<_, String>(8)?, r.get::<_, Option<String>>(9)?)),
        )
        .optional()?;
    let Some((
        team,
        role,
        persons,
        member,
        expires_at,
        used_at,
        team_name,
        workspace_id,
        code_hash,
        organisation,
    )) = row
    else {
        return Err(ServerError::BadCode);
    };
    if used_at.is_some() {
        return Err(ServerError::UsedCode);
    }
    let now = at.as_millis();
    if expires_at < now {
        return Err(ServerError::ExpiredCode);
    }
    let role: Role = role
        .parse()
        .map_err(|e: carnet_core::vocab::UnknownCode| ServerError::Internal(e.to_string()))?;
    let ids = SystemIds;
    let member_id = match member {
        Some(m) => m,
        None => {
            let name = if member_name.trim().is_empty() {
                device_name.trim()
            } else {
                member_name.trim()
            };
            if name.is_empty() {
                return Err(ServerError::BadRequest(
                    "give your name (or at least a device name) to join".into(),
                ));
            }
            let id = MemberId::generate(&ids, Timestamp::from_millis(now)).to_string();
            tx.execute(
                "INSERT INTO members (id, team, name, role, persons, created_at, organisation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, team, name, role.code(), persons, now, organisation],
            )?;
            id
        }
    };
    let member_name: String = tx.query_row(
        "SELECT name FROM members WHERE id = ?1",
        [&member_id],
        |r| r.get(0),
    )?;
    add_to_workspace(&tx, &team, &workspace_id, &member_id, &member_name, at)?;
    let device_id = RecordId::generate(&ids, Timestamp::from_millis(now)).to_string();
    let token = accounts::new_token();
    let device_name = if device_name.trim().is_empty() {
        "device"
    } else {
        device_name.trim()
    };
    tx.execute(
        "INSERT INTO devices (id, team, member, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![device_id, team, member_id, device_name, accounts::hash(&token), now],
    )?;
    tx.execute(
        "UPDATE invitations SET used_at = ?2 WHERE code_hash = ?1",
        params![code_hash, now],
    )?;
    tx.commit()?;
    Ok(Joined {
        team: typed_id(&team, "team")?,
        team_name,
        workspace_id: typed_id(&workspace_id, "workspace")?,
        member_id: typed_id(&member_id, "member")?,
        member_name,
        device_id: typed_id(&device_id, "device")?,
        token,
        role,
        persons: Access::new(role, persons).persons,
        organisation: organisation
            .map(|o| typed_id(&o, "organisation"))
            .transpose()?,
    })
}

/// Record a member in the team's workspace document (so every device's
/// history can name them), as a change authored by that member.
fn add_to_workspace(
    tx: &Transaction<'_>,
    team: &str,
    workspace_id: &str,
    member: &str,
    name: &str,
    now: Timestamp,
) -> Result<(), ServerError> {
    use carnet_core::sync::server::ServerStore;
    let member: MemberId = member
        .parse()
        .map_err(|_| ServerError::Internal("a member id is malformed".into()))?;
    let workspace: RecordId = workspace_id
        .parse()
        .map_err(|_| ServerError::Internal("a workspace id is malformed".into()))?;
    let mut store = crate::store::TeamStore::new(tx, team, "", now);
    let Some(mut doc) = store.load(workspace)? else {
        return Ok(());
    };
    let mut session = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut session);
    let (_, change) = doc
        .edit::<_, carnet_core::CoreError>(
            &Actor::new(member, session),
            now,
            &Codebook::any(),
            |r| {
                if let Record::Workspace(w) = r {
                    if !w.members.iter().any(|m| m.id == member) {
                        w.members.push(carnet_core::record::Member {
                            id: member,
                            name: name.to_string(),
                        });
                    }
                }
                Ok(())
            },
        )
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    if !change.is_empty() {
        store.append(&mut doc, &change)?;
    }
    Ok(())
}

/// An authenticated device.
#[derive(Debug, Clone)]
pub struct Device {
    /// Its id.
    pub id: String,
    /// Its team.
    pub team: String,
    /// Its member.
    pub member: MemberId,
    /// Its rights.
    pub access: Access,
}

/// The device holding `token`.
pub fn authenticate(conn: &Connection, token: &str) -> Result<Device, ServerError> {
    let row = conn
        .query_row(
            "SELECT d.id, d.team, d.member, d.revoked_at, m.role, m.persons, m.organisation
             FROM devices d JOIN members m ON m.id = d.member WHERE d.token_hash = ?1",
            [accounts::hash(token.trim())],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((id, team, member, revoked, role, persons, organisation)) = row else {
        return Err(ServerError::UnknownToken);
    };
    if revoked.is_some() {
        return Err(ServerError::Revoked);
    }
    let role: Role = role
        .parse()
        .map_err(|e: carnet_core::vocab::UnknownCode| ServerError::Internal(e.to_string()))?;
    let member = member
        .parse()
        .map_err(|_| ServerError::Internal("a member id is malformed".into()))?;
    let access = match (role, organisation) {
        (Role::Partner, Some(org)) => Access::partner(typed_id(&org, "organisation")?),
        _ => Access::new(role, persons),
    };
    Ok(Device {
        id,
        team,
        member,
        access,
    })
}

/// The devices of a team.
pub fn devices(conn: &Connection, team: &str) -> Result<Vec<DeviceInfo>, ServerError> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.name, m.id, m.name, m.role, d.created_at, d.last_seen, d.revoked_at
         FROM devices d JOIN members m ON m.id = d.member WHERE d.team = ?1 ORDER BY d.created_at",
    )?;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        Option<i64>,
    );
    let rows = stmt
        .query_map([team], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    rows.into_iter()
        .map(
            |(id, name, member_id, member, role, joined_at, last_seen, revoked_at)| {
                Ok(DeviceInfo {
                    id: typed_id(&id, "device")?,
                    name,
                    member_id: typed_id(&member_id, "member")?,
                    member,
                    role: role.parse().map_err(|e: carnet_core::vocab::UnknownCode| {
                        ServerError::Internal(e.to_string())
                    })?,
                    joined_at,
                    last_seen,
                    revoked_at,
                })
            },
        )
        .collect()
}

/// Revoke a device (within `team` when given).
pub fn revoke(
    conn: &mut Connection,
    device: &str,
    team: Option<&str>,
    now: Timestamp,
) -> Result<(), ServerError> {
    let n = conn.execute(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1 AND (?3 IS NULL OR team = ?3)",
        params![device, now.as_millis(), team],
    )?;
    if n == 0 {
        return Err(ServerError::NotFound(format!(
            "there is no device with id {device}"
        )));
    }
    Ok(())
}

/// Erase a record of a team: delete its bytes, keep a tombstone (who,
/// when, why; never the content), refuse the id for good.
pub fn erase(
    conn: &mut Connection,
    team: &str,
    id: RecordId,
    by: MemberId,
    request: &EraseRequest,
    now: Timestamp,
) -> Result<(), ServerError> {
    let reason = &request.reason;
    let tx = write_tx(conn)?;
    let kind: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT kind, scope FROM records WHERE team = ?1 AND id = ?2",
            params![team, id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((kind, scope)) = kind else {
        let erased: Option<i64> = tx
            .query_row(
                "SELECT seq FROM tombstones WHERE team = ?1 AND id = ?2",
                params![team, id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        return match erased {
            Some(_) => Ok(()),
            None => Err(ServerError::NotFound(format!(
                "there is no record {id} in this team"
            ))),
        };
    };
    if kind == "workspace" {
        return Err(ServerError::BadRequest(
            "the team's workspace cannot be erased".into(),
        ));
    }
    // The hashes of its changes stay, so its content cannot come back
    // under another id; the bytes go.
    let stored = crate::store::stored_doc(&tx, team, id)?;
    if let Some(mut doc) = stored {
        let mut insert =
            tx.prepare_cached("INSERT OR IGNORE INTO erased_changes (team, hash) VALUES (?1, ?2)")?;
        for h in doc.hashes_since(&[]) {
            insert.execute(params![team, h.as_ref()])?;
        }
    }
    let seq = next_seq(&tx, team)?;
    tx.execute(
        "DELETE FROM records WHERE team = ?1 AND id = ?2",
        params![team, id.to_string()],
    )?;
    tx.execute(
        "DELETE FROM chunks WHERE team = ?1 AND id = ?2",
        params![team, id.to_string()],
    )?;
    tx.execute("DELETE FROM device_heads WHERE record = ?1 AND device IN (SELECT id FROM devices WHERE team = ?2)", params![id.to_string(), team])?;
    tx.execute(
        "INSERT INTO tombstones (team, id, kind, erased_by, erased_at, reason, seq, scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![team, id.to_string(), kind, by.to_string(), now.as_millis(), reason.trim(), seq, scope],
    )?;
    tx.commit()?;
    // The log still holds the pages as they were: into the file (where
    // the deleted cells are zeros) and truncated.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// An id the server stored, typed for the API; a malformed one is the
/// server's own fault.
pub fn typed_id<T: std::str::FromStr>(stored: &str, what: &str) -> Result<T, ServerError> {
    stored
        .parse()
        .map_err(|_| ServerError::Internal(format!("a stored {what} id is malformed")))
}

/// Take the next position of a team's feed.
pub fn next_seq(tx: &Transaction<'_>, team: &str) -> Result<i64, ServerError> {
    Ok(tx.query_row(
        "UPDATE teams SET feed_seq = feed_seq + 1 WHERE id = ?1 RETURNING feed_seq",
        [team],
        |r| r.get(0),
    )?)
}

/// Whether a team of that id exists on this server.
pub fn team_exists(conn: &Connection, team: &str) -> Result<bool, ServerError> {
    Ok(
        conn.query_row("SELECT COUNT(*) FROM teams WHERE id = ?1", [team], |r| {
            r.get::<_, i64>(0)
        })? > 0,
    )
}
