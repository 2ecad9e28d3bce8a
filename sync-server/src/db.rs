//! The server's database, SQLite's file (`sqlite`, the default) or
//! PostgreSQL (`pg`), behind one [`Database`]: a transaction of either
//! runs the same statements ([`Sql`]). Every account operation lives
//! here, written once: teams, invitations, joining, devices, revocation
//! and erasure.

use std::path::Path;
use std::sync::{Arc, Mutex};

use carnet_core::record::Workspace;
use carnet_core::sync::api::{EraseRequest, InviteRequest};
use carnet_core::sync::{Access, DeviceInfo, Joined, Role};
use carnet_core::vocab::Language;
use carnet_core::{Actor, Codebook, MemberId, Record, RecordDoc, RecordId, SystemIds, Timestamp};
use rusqlite::Connection;
use serde::Serialize;

use crate::accounts::{self, CodeKey};
use crate::args;
use crate::error::ServerError;
use crate::pg::{PgOptions, Postgres};
use crate::sql::{Dialect, Sql};

/// Where a server keeps its teams.
#[derive(Debug, Clone)]
enum Backend {
    /// SQLite's file: one connection, one transaction at a time.
    Sqlite(Arc<Mutex<Connection>>),
    /// PostgreSQL: a pool; transactions side by side, run again when
    /// they meet.
    Postgres(Postgres),
}

/// The server's database and the key its invitation codes are hashed
/// with.
#[derive(Debug, Clone)]
pub struct Database {
    backend: Backend,
    key: Arc<CodeKey>,
}

impl Database {
    /// The SQLite database of the data directory `dir` (created if
    /// needed), with the key beside it.
    pub fn sqlite(dir: &Path) -> Result<Self, ServerError> {
        let conn = crate::sqlite::open(dir)?;
        let key = CodeKey::of_dir(dir)
            .map_err(|e| ServerError::Setup(format!("could not read the server's key: {e}")))?;
        Ok(Self {
            backend: Backend::Sqlite(Arc::new(Mutex::new(conn))),
            key: Arc::new(key),
        })
    }

    /// The PostgreSQL database at `url`, its schema brought to the newest,
    /// with the key of `key_file` (created the first time: every instance
    /// and every administration command must be given the same file).
    pub async fn postgres(
        url: &str,
        key_file: &Path,
        options: PgOptions,
    ) -> Result<Self, ServerError> {
        let key = CodeKey::of_file(key_file).map_err(|e| {
            ServerError::Setup(format!(
                "could not read the server's key {}: {e}",
                key_file.display()
            ))
        })?;
        Ok(Self {
            backend: Backend::Postgres(Postgres::open(url, options).await?),
            key: Arc::new(key),
        })
    }

    /// The same, writing without waiting for the disk (SQLite's
    /// `synchronous = OFF`): for simulations, where the store's logic is
    /// what is tried, not the disk. PostgreSQL is left as it is set up.
    pub fn without_fsync(self) -> Result<Self, ServerError> {
        if let Backend::Sqlite(conn) = &self.backend {
            conn.lock()
                .unwrap_or_else(|p| p.into_inner())
                .execute_batch("PRAGMA synchronous = OFF")?;
        }
        Ok(self)
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        match &self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The key invitation codes are hashed with.
    pub fn key(&self) -> &CodeKey {
        &self.key
    }

    /// PostgreSQL's pool, if that is the database (for the metrics).
    pub fn pool(&self) -> Option<&deadpool_postgres::Pool> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(pg) => Some(pg.pool()),
        }
    }

    /// Run `f` in a write transaction and commit it, on a thread that may
    /// block. On SQLite, transactions wait for the one before; on
    /// PostgreSQL, `f` may run again when its transaction met another
    /// (so it keeps nothing of a failed attempt).
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&dyn Sql) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
                let tx = crate::sqlite::write_tx(&mut conn)?;
                let out = f(&*tx)?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres(pg) => pg.write(f),
        }
    }

    /// Run `f`, which only reads: on PostgreSQL each statement on its own,
    /// outside a transaction (see [`crate::pg::Postgres::read`]); on SQLite on the
    /// connection, between writes.
    pub fn read<T>(
        &self,
        mut f: impl FnMut(&dyn Sql) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
                f(&*conn)
            }
            Backend::Postgres(pg) => pg.read(f),
        }
    }

    /// Give back the room erased records took, where the database keeps
    /// it apart: SQLite's log still holds the pages as they were, so it
    /// is written into the file (where the deleted cells are zeros) and
    /// truncated. (PostgreSQL's deleted rows go with its vacuum.)
    fn settle_erasure(&self) -> Result<(), ServerError> {
        if let Backend::Sqlite(conn) = &self.backend {
            let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }
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
    db: &Database,
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
    let snapshot = doc.save();
    let heads = carnet_core::sync::encode_heads(&doc.heads());
    db.write(|tx| {
        tx.exec(
            "INSERT INTO teams (id, name, workspace_id, feed_seq, created_at) VALUES ($1, $2, $3, 1, $4)",
            args![&team, name.trim(), workspace_id.to_string(), now.as_millis()],
        )?;
        tx.exec(
            "INSERT INTO members (id, team, name, role, persons, created_at) VALUES ($1, $2, $3, 'coordinator', TRUE, $4)",
            args![member.to_string(), &team, coordinator.trim(), now.as_millis()],
        )?;
        tx.exec(
            "INSERT INTO records (team, id, kind, snapshot, heads, snapshot_heads, seq, scope) VALUES ($1, $2, 'workspace', $3, $4, $4, 1, $2)",
            args![&team, workspace_id.to_string(), snapshot.clone(), heads.clone()],
        )?;
        let code = insert_invitation(
            tx,
            db.key(),
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
        Ok(NewTeam {
            team: team.clone(),
            code,
        })
    })
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
    tx: &dyn Sql,
    key: &CodeKey,
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
    tx.exec(
        "INSERT INTO invitations (code_hash, team, role, persons, member, created_at, expires_at, organisation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![key.code_hash(&code), team, role.code(), persons, member, now, now + expires_hours * 3_600_000, organisation.map(|o| o.to_string())],
    )?;
    Ok(code)
}

/// Create an invitation for a team. A partner's names one organisation
/// of the team's directory; the other roles' name none.
pub fn invite(
    db: &Database,
    team: &str,
    grant: Grant,
    expires_hours: i64,
    now: Timestamp,
) -> Result<String, ServerError> {
    let grant = Grant {
        persons: grant.persons && grant.role != Role::Partner,
        ..grant
    };
    db.write(|tx| {
        if !team_exists_in(tx, team)? {
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
                let found = tx.row(
                    "SELECT 1 FROM records WHERE team = $1 AND id = $2 AND kind = 'resource'",
                    args![team, org.to_string()],
                )?;
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
        insert_invitation(tx, db.key(), team, grant, None, expires_hours, now)
    })
}

/// Use an invitation code: a new device (and member, unless the code was
/// made for one) with its own token.
pub fn join(
    db: &Database,
    code: &str,
    device_name: &str,
    member_name: &str,
    at: Timestamp,
) -> Result<Joined, ServerError> {
    db.write(|tx| join_in(tx, db.key(), code, device_name, member_name, at))
}

fn join_in(
    tx: &dyn Sql,
    key: &CodeKey,
    code: &str,
    device_name: &str,
    member_name: &str,
    at: Timestamp,
) -> Result<Joined, ServerError> {
    let row = tx.row(
        "SELECT i.team, i.role, i.persons, i.member, i.expires_at, i.used_at, t.name, t.workspace_id, i.code_hash, i.organisation
         FROM invitations i JOIN teams t ON t.id = i.team WHERE i.code_hash IN ($1, $2)",
        args![key.code_hash(code), accounts::legacy_code_hash(code)],
    )?;
    let Some(row) = row else {
        return Err(ServerError::BadCode);
    };
    let (team, role, persons, member) = (
        row.text(0)?,
        row.text(1)?,
        row.boolean(2)?,
        row.opt_text(3)?,
    );
    let (expires_at, used_at, team_name, workspace_id, code_hash, organisation) = (
        row.int(4)?,
        row.opt_int(5)?,
        row.text(6)?,
        row.text(7)?,
        row.text(8)?,
        row.opt_text(9)?,
    );
    if used_at.is_some() {
        return Err(ServerError::UsedCode);
    }
    let now = at.as_millis();
    if expires_at < now {
        return Err(ServerError::ExpiredCode);
    }
    // Taken first, and only if still free: the same code used at the
    // same moment through two instances joins one device.
    let taken = tx.exec(
        "UPDATE invitations SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL",
        args![&code_hash, now],
    )?;
    if taken == 0 {
        return Err(ServerError::UsedCode);
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
            tx.exec(
                "INSERT INTO members (id, team, name, role, persons, created_at, organisation) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![&id, &team, name, role.code(), persons, now, organisation.clone()],
            )?;
            id
        }
    };
    let member_name = tx
        .one("SELECT name FROM members WHERE id = $1", args![&member_id])?
        .text(0)?;
    add_to_workspace(tx, &team, &workspace_id, &member_id, &member_name, at)?;
    let device_id = RecordId::generate(&ids, Timestamp::from_millis(now)).to_string();
    let token = accounts::new_token();
    let device_name = if device_name.trim().is_empty() {
        "device"
    } else {
        device_name.trim()
    };
    tx.exec(
        "INSERT INTO devices (id, team, member, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![&device_id, &team, &member_id, device_name, accounts::hash(&token), now],
    )?;
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
    tx: &dyn Sql,
    team: &str,
    workspace_id: &str,
    member: &str,
    name: &str,
    now: Timestamp,
) -> Result<(), ServerError> {
    use carnet_core::sync::server::ServerStore;
    let member: MemberId = typed_id(member, "member")?;
    let workspace: RecordId = typed_id(workspace_id, "workspace")?;
    let mut store = crate::store::TeamStore::new(tx, team, "", now);
    store.lock(&[workspace])?;
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
    store.finish()
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
pub fn authenticate(db: &Database, token: &str) -> Result<Device, ServerError> {
    let hash = accounts::hash(token.trim());
    let row = db.read(|tx| {
        tx.row(
            "SELECT d.id, d.team, d.member, d.revoked_at, m.role, m.persons, m.organisation
             FROM devices d JOIN members m ON m.id = d.member WHERE d.token_hash = $1",
            args![&hash],
        )
    })?;
    let Some(row) = row else {
        return Err(ServerError::UnknownToken);
    };
    if row.opt_int(3)?.is_some() {
        return Err(ServerError::Revoked);
    }
    let role: Role = row
        .text(4)?
        .parse()
        .map_err(|e: carnet_core::vocab::UnknownCode| ServerError::Internal(e.to_string()))?;
    let access = match (role, row.opt_text(6)?) {
        (Role::Partner, Some(org)) => Access::partner(typed_id(&org, "organisation")?),
        _ => Access::new(role, row.boolean(5)?),
    };
    Ok(Device {
        id: row.text(0)?,
        team: row.text(1)?,
        member: typed_id(&row.text(2)?, "member")?,
        access,
    })
}

/// The devices of a team.
pub fn devices(db: &Database, team: &str) -> Result<Vec<DeviceInfo>, ServerError> {
    let rows = db.read(|tx| {
        tx.rows(
            "SELECT d.id, d.name, m.id, m.name, m.role, d.created_at, d.last_seen, d.revoked_at
             FROM devices d JOIN members m ON m.id = d.member WHERE d.team = $1 ORDER BY d.created_at, d.id",
            args![team],
        )
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(DeviceInfo {
                id: typed_id(&r.text(0)?, "device")?,
                name: r.text(1)?,
                member_id: typed_id(&r.text(2)?, "member")?,
                member: r.text(3)?,
                role: r
                    .text(4)?
                    .parse()
                    .map_err(|e: carnet_core::vocab::UnknownCode| {
                        ServerError::Internal(e.to_string())
                    })?,
                joined_at: r.int(5)?,
                last_seen: r.opt_int(6)?,
                revoked_at: r.opt_int(7)?,
            })
        })
        .collect()
}

/// Revoke a device (within `team` when given).
pub fn revoke(
    db: &Database,
    device: &str,
    team: Option<&str>,
    now: Timestamp,
) -> Result<(), ServerError> {
    let n = db.write(|tx| match team {
        Some(team) => tx.exec(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 AND team = $3",
            args![device, now.as_millis(), team],
        ),
        None => tx.exec(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            args![device, now.as_millis()],
        ),
    })?;
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
    db: &Database,
    team: &str,
    id: RecordId,
    by: MemberId,
    request: &EraseRequest,
    now: Timestamp,
) -> Result<(), ServerError> {
    db.write(|tx| erase_in(tx, team, id, by, request.reason.trim(), now))?;
    db.settle_erasure()
}

fn erase_in(
    tx: &dyn Sql,
    team: &str,
    id: RecordId,
    by: MemberId,
    reason: &str,
    now: Timestamp,
) -> Result<(), ServerError> {
    // On PostgreSQL the row is held until the erasure commits: a round
    // changing the record waits, then finds it erased.
    let lock = tx.dialect().locking(" FOR UPDATE");
    let found = tx.row(
        &format!("SELECT kind, scope FROM records WHERE team = $1 AND id = $2{lock}"),
        args![team, id.to_string()],
    )?;
    let Some(found) = found else {
        let erased = tx.row(
            "SELECT seq FROM tombstones WHERE team = $1 AND id = $2",
            args![team, id.to_string()],
        )?;
        return match erased {
            Some(_) => Ok(()),
            None => Err(ServerError::NotFound(format!(
                "there is no record {id} in this team"
            ))),
        };
    };
    let (kind, scope) = (found.text(0)?, found.opt_text(1)?);
    if kind == "workspace" {
        return Err(ServerError::BadRequest(
            "the team's workspace cannot be erased".into(),
        ));
    }
    // The hashes of its changes stay, so its content cannot come back
    // under another id; the bytes go.
    if let Some(mut doc) = crate::store::stored_doc(tx, team, id)? {
        for h in doc.hashes_since(&[]) {
            tx.exec(
                "INSERT INTO erased_changes (team, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                args![team, h.as_ref()],
            )?;
        }
    }
    tx.exec(
        "DELETE FROM records WHERE team = $1 AND id = $2",
        args![team, id.to_string()],
    )?;
    tx.exec(
        "DELETE FROM chunks WHERE team = $1 AND id = $2",
        args![team, id.to_string()],
    )?;
    tx.exec(
        "DELETE FROM device_credit WHERE record = $1 AND device IN (SELECT id FROM devices WHERE team = $2)",
        args![id.to_string(), team],
    )?;
    // Its feed position last (see `TeamStore::finish`).
    let seq = take_seqs(tx, team, 1)?;
    tx.exec(
        "INSERT INTO tombstones (team, id, kind, erased_by, erased_at, reason, seq, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![team, id.to_string(), kind, by.to_string(), now.as_millis(), reason, seq, scope],
    )?;
    Ok(())
}

/// An id the server stored, typed for the API; a malformed one is the
/// server's own fault.
pub fn typed_id<T: std::str::FromStr>(stored: &str, what: &str) -> Result<T, ServerError> {
    stored
        .parse()
        .map_err(|_| ServerError::Internal(format!("a stored {what} id is malformed")))
}

/// Take the next `n` positions of a team's feed; the last of them. The
/// team's row stays locked until the transaction ends (see
/// `TeamStore::finish`).
pub fn take_seqs(tx: &dyn Sql, team: &str, n: usize) -> Result<i64, ServerError> {
    tx.one(
        "UPDATE teams SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq",
        args![team, n as i64],
    )?
    .int(0)
}

fn team_exists_in(tx: &dyn Sql, team: &str) -> Result<bool, ServerError> {
    Ok(tx
        .row("SELECT 1 FROM teams WHERE id = $1", args![team])?
        .is_some())
}

/// Whether a team of that id exists on this server.
pub fn team_exists(db: &Database, team: &str) -> Result<bool, ServerError> {
    db.read(|tx| team_exists_in(tx, team))
}
