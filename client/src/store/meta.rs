//! The notebook's settings, typed: who writes in it ([`Identity`]), the
//! team it is joined to ([`Membership`]), where its sync stands
//! ([`SyncPosition`]) and how the last sync ended ([`SyncOutcome`]). They
//! live in the `meta` table as key-value rows; this file is the only one
//! that names the keys. Reads take the store; writes take a [`Write`], so
//! they commit with whatever else the caller writes (or roll back with it).

use carnet_core::sync::{Access, Joined, Role};
use carnet_core::{DeviceId, MemberId, RecordId, TeamId, Timestamp};
use rusqlite::{params, OptionalExtension};

use super::{Store, Write};
use crate::error::{ClientError, Result};

/// Who writes in this notebook, and for which team's workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The member this device writes as.
    pub member: MemberId,
    /// Their name.
    pub member_name: String,
    /// The team's workspace record.
    pub workspace_id: RecordId,
}

/// The team server this notebook is joined to, and this device's place in
/// the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The server's address.
    pub server: String,
    /// The team.
    pub team: TeamId,
    /// The team's name.
    pub team_name: String,
    /// This device.
    pub device: DeviceId,
    /// This device's token.
    pub token: String,
    /// The member's role.
    pub role: Role,
    /// Whether this device may see persons and referrals.
    pub persons: bool,
    /// A partner's organisation (a directory resource of the team).
    pub organisation: Option<RecordId>,
    /// A certificate to trust for this server (PEM), when it is not
    /// signed by a public authority.
    pub server_ca: Option<String>,
}

impl Membership {
    /// The membership a join answer gives, with the server's address.
    pub fn joined(server: &str, joined: &Joined, server_ca: Option<&[u8]>) -> Self {
        Self {
            server: server.to_string(),
            team: joined.team,
            team_name: joined.team_name.clone(),
            device: joined.device_id,
            token: joined.token.clone(),
            role: joined.role,
            persons: joined.persons,
            organisation: joined.organisation,
            server_ca: server_ca.map(|pem| String::from_utf8_lossy(pem).into_owned()),
        }
    }

    /// What this device may read and write, as the server decides it.
    pub fn access(&self) -> Access {
        match (self.role, self.organisation) {
            (Role::Partner, Some(org)) => Access::partner(org),
            _ => Access::new(self.role, self.persons),
        }
    }
}

/// Where this device's sync stands: the feed position it has applied and
/// the id of the last answer it applied (see the protocol).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncPosition {
    /// The server's feed position fully applied here.
    pub cursor: u64,
    /// The id of the last answer applied.
    pub last_answer: u64,
}

/// How the last syncs ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// When a sync last succeeded.
    pub last_ok: Option<Timestamp>,
    /// The last sync's error, if the last sync failed.
    pub last_error: Option<String>,
}

const MEMBER_ID: &str = "member_id";
const MEMBER_NAME: &str = "member_name";
const WORKSPACE_ID: &str = "workspace_id";
const SERVER: &str = "server";
const TEAM_ID: &str = "team_id";
const TEAM_NAME: &str = "team_name";
const DEVICE_ID: &str = "device_id";
const TOKEN: &str = "token";
const ROLE: &str = "role";
const PERSONS: &str = "persons";
const ORGANISATION: &str = "organisation";
const SERVER_CA: &str = "server_ca";
const SYNC_CURSOR: &str = "sync_cursor";
const SYNC_LAST_ANSWER: &str = "sync_last_answer";
const SYNC_LAST_OK: &str = "sync_last_ok";
const SYNC_LAST_ERROR: &str = "sync_last_error";
const SYNC_LAST_ERROR_AT: &str = "sync_last_error_at";
const INBOX_FROM: &str = "inbox_from";

impl Store {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn not_a_notebook(&self, reason: String) -> ClientError {
        ClientError::NotANotebook {
            path: self.path.clone(),
            reason,
        }
    }

    /// A setting every notebook has, read as its type.
    fn required<T: std::str::FromStr>(&self, key: &str, what: &str) -> Result<T> {
        let value = self
            .meta(key)?
            .ok_or_else(|| self.not_a_notebook(format!("its '{key}' setting is missing")))?;
        value
            .parse()
            .map_err(|_| self.not_a_notebook(format!("its {what} is not valid")))
    }

    /// Who writes in this notebook. A notebook without it is not one.
    pub fn identity(&self) -> Result<Identity> {
        Ok(Identity {
            member: self.required(MEMBER_ID, "member id")?,
            member_name: self.required(MEMBER_NAME, "member name")?,
            workspace_id: self.required(WORKSPACE_ID, "workspace id")?,
        })
    }

    /// The team server this notebook is joined to; `None` for a personal
    /// notebook.
    pub fn membership(&self) -> Result<Option<Membership>> {
        let Some(server) = self.meta(SERVER)? else {
            return Ok(None);
        };
        Ok(Some(Membership {
            server,
            team: self.required(TEAM_ID, "team id")?,
            team_name: self.meta(TEAM_NAME)?.unwrap_or_default(),
            device: self.required(DEVICE_ID, "device id")?,
            token: self.required(TOKEN, "device token")?,
            role: self.required(ROLE, "role")?,
            persons: self.meta(PERSONS)?.as_deref() == Some("true"),
            organisation: match self.meta(ORGANISATION)? {
                Some(o) if !o.is_empty() => Some(
                    o.parse()
                        .map_err(|_| self.not_a_notebook("its organisation is not valid".into()))?,
                ),
                _ => None,
            },
            server_ca: self.meta(SERVER_CA)?,
        }))
    }

    /// Whether this notebook is joined to a team server.
    pub fn is_joined(&self) -> Result<bool> {
        Ok(self.meta(SERVER)?.is_some())
    }

    /// What this device may read and write: everything in a personal
    /// notebook, else what its role on the team allows.
    pub fn access(&self) -> Result<Access> {
        Ok(match self.membership()? {
            Some(m) => m.access(),
            None => Access::new(Role::Coordinator, true),
        })
    }

    /// Where this device's sync stands (zero before the first sync).
    pub fn sync_position(&self) -> Result<SyncPosition> {
        let number =
            |key| -> Result<u64> { Ok(self.meta(key)?.and_then(|v| v.parse().ok()).unwrap_or(0)) };
        Ok(SyncPosition {
            cursor: number(SYNC_CURSOR)?,
            last_answer: number(SYNC_LAST_ANSWER)?,
        })
    }

    /// Whether changes other members make are news for the inbox: since
    /// [`Write::start_inbox`], or (a notebook older than the inbox) since
    /// its last successful sync.
    pub fn inbox_started(&self) -> Result<bool> {
        Ok(self.meta(INBOX_FROM)?.is_some() || self.meta(SYNC_LAST_OK)?.is_some())
    }

    /// How the last syncs ended.
    pub fn sync_outcome(&self) -> Result<SyncOutcome> {
        Ok(SyncOutcome {
            last_ok: self
                .meta(SYNC_LAST_OK)?
                .and_then(|v| v.parse().ok())
                .map(Timestamp::from_millis),
            last_error: self.meta(SYNC_LAST_ERROR)?.filter(|e| !e.is_empty()),
        })
    }
}

impl Write<'_> {
    fn put(&self, key: &str, value: &str) -> Result<()> {
        self.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
            .execute(params![key, value])?;
        Ok(())
    }

    /// Record who writes in a new notebook.
    pub fn set_identity(&self, identity: &Identity) -> Result<()> {
        self.put(MEMBER_ID, &identity.member.to_string())?;
        self.put(MEMBER_NAME, &identity.member_name)?;
        self.put(WORKSPACE_ID, &identity.workspace_id.to_string())
    }

    /// Record the team this notebook joined.
    pub fn set_membership(&self, m: &Membership) -> Result<()> {
        self.put(SERVER, &m.server)?;
        self.put(TEAM_ID, &m.team.to_string())?;
        self.put(TEAM_NAME, &m.team_name)?;
        self.put(DEVICE_ID, &m.device.to_string())?;
        self.put(TOKEN, &m.token)?;
        self.put(ROLE, m.role.code())?;
        self.put(PERSONS, if m.persons { "true" } else { "false" })?;
        self.put(
            ORGANISATION,
            &m.organisation.map(|o| o.to_string()).unwrap_or_default(),
        )?;
        match &m.server_ca {
            Some(pem) => self.put(SERVER_CA, pem),
            None => {
                self.execute("DELETE FROM meta WHERE key = ?1", [SERVER_CA])?;
                Ok(())
            }
        }
    }

    /// Record where this device's sync stands.
    pub fn set_sync_position(&self, position: SyncPosition) -> Result<()> {
        self.put(SYNC_CURSOR, &position.cursor.to_string())?;
        self.put(SYNC_LAST_ANSWER, &position.last_answer.to_string())
    }

    /// Record that a sync succeeded at `at`.
    pub fn record_sync_ok(&self, at: Timestamp) -> Result<()> {
        self.put(SYNC_LAST_OK, &at.as_millis().to_string())?;
        self.put(SYNC_LAST_ERROR, "")?;
        self.start_inbox(at)
    }

    /// From `at` on, changes other members make are news for the inbox
    /// (once: the first time it is said). A notebook's first complete
    /// sync says it, after bringing the team's past.
    pub fn start_inbox(&self, at: Timestamp) -> Result<()> {
        self.prepare_cached("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)")?
            .execute(params![INBOX_FROM, at.as_millis().to_string()])?;
        Ok(())
    }

    /// Record that a sync failed at `at`, and why.
    pub fn record_sync_error(&self, at: Timestamp, error: &str) -> Result<()> {
        self.put(SYNC_LAST_ERROR, error)?;
        self.put(SYNC_LAST_ERROR_AT, &at.as_millis().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership() -> Membership {
        Membership {
            server: "https://carnet.example.org".into(),
            team: "0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7d"
                .parse()
                .expect("team"),
            team_name: "Pôle MN".into(),
            device: "0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c70"
                .parse()
                .expect("device"),
            token: "ab12".into(),
            role: Role::Worker,
            persons: false,
            organisation: None,
            server_ca: None,
        }
    }

    #[test]
    fn a_membership_reads_back_as_it_was_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path(), &Default::default()).expect("create");
        assert_eq!(store.membership().expect("read"), None, "personal at first");
        assert!(
            store.access().expect("access").persons,
            "personal: everything"
        );
        let m = membership();
        let tx = store.transaction().expect("tx");
        tx.set_membership(&m).expect("write");
        tx.commit().expect("commit");
        assert_eq!(store.membership().expect("read"), Some(m.clone()));
        assert!(
            !store.access().expect("access").persons,
            "a worker without persons"
        );
        let with_ca = Membership {
            server_ca: Some("PEM".into()),
            ..m
        };
        let tx = store.transaction().expect("tx");
        tx.set_membership(&with_ca).expect("write");
        tx.commit().expect("commit");
        assert_eq!(store.membership().expect("read"), Some(with_ca));
    }

    #[test]
    fn a_write_dropped_without_commit_leaves_the_position_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path(), &Default::default()).expect("create");
        let first = SyncPosition {
            cursor: 41,
            last_answer: 7,
        };
        let tx = store.transaction().expect("tx");
        tx.set_sync_position(first).expect("write");
        tx.commit().expect("commit");
        {
            let tx = store.transaction().expect("tx");
            tx.set_sync_position(SyncPosition {
                cursor: 99,
                last_answer: 8,
            })
            .expect("write");
        }
        assert_eq!(store.sync_position().expect("read"), first);
    }

    #[test]
    fn the_last_error_clears_when_a_sync_succeeds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path(), &Default::default()).expect("create");
        let tx = store.transaction().expect("tx");
        tx.record_sync_error(Timestamp::from_millis(10), "offline")
            .expect("write");
        tx.commit().expect("commit");
        assert_eq!(
            store.sync_outcome().expect("read").last_error.as_deref(),
            Some("offline")
        );
        let tx = store.transaction().expect("tx");
        tx.record_sync_ok(Timestamp::from_millis(20))
            .expect("write");
        tx.commit().expect("commit");
        let outcome = store.sync_outcome().expect("read");
        assert_eq!(outcome.last_error, None);
        assert_eq!(outcome.last_ok, Some(Timestamp::from_millis(20)));
    }

    #[test]
    fn a_notebook_without_its_identity_is_not_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::create(dir.path(), &Default::default()).expect("create");
        let err = store.identity().expect_err("no identity");
        assert_eq!(err.kind(), carnet_core::ErrorKind::NotANotebook, "{err}");
    }
}
