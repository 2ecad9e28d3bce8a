//! [`TeamStore`]: the core's [`ServerStore`] on the server's SQLite
//! database, scoped to one team and one device, inside the transaction of
//! one sync round. Documents are kept as a snapshot plus change chunks,
//! folded into a new snapshot every [`COMPACT_AFTER`] chunks.

use automerge::ChangeHash;
use carnet_core::recent::Recent;
use carnet_core::sync::server::{FeedEntry, ServerStore};
use carnet_core::sync::{decode_heads, encode_heads};
use carnet_core::{MemberId, RecordDoc, RecordId, RecordKind, Timestamp};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::db;
use crate::error::ServerError;

/// Chunks kept per record before compaction.
pub const COMPACT_AFTER: i64 = 64;

/// A record's snapshot and its chunks, in order.
type Stored = (Vec<u8>, Vec<Vec<u8>>);

/// How many decoded documents the server keeps between rounds (a decoded
/// note takes a few hundred kilobytes).
pub const CACHED_DOCS: usize = 128;

/// Documents decoded by earlier rounds, by team and record: a record many
/// devices edit (the same note, the codebook) is decoded once, not once a
/// round. Only documents loaded by a round are kept (a record stored once
/// is not kept for that). An entry is used only when its heads are the
/// heads stored, so a round that rolled back, an erasure or another
/// process's write simply make it miss.
#[derive(Debug)]
pub struct DocCache(Recent<(String, RecordId), RecordDoc>);

impl Default for DocCache {
    fn default() -> Self {
        Self(Recent::new(CACHED_DOCS))
    }
}

impl DocCache {
    fn take(&mut self, team: &str, id: RecordId) -> Option<RecordDoc> {
        self.0.take(&(team.to_string(), id))
    }

    fn put(&mut self, team: &str, doc: RecordDoc) {
        self.0.put((team.to_string(), doc.id()), doc);
    }
}

/// One team's records as seen by one device, inside a transaction.
#[derive(Debug)]
pub struct TeamStore<'t> {
    tx: &'t Transaction<'t>,
    team: String,
    device: String,
    /// When this round happens (the server's clock, injected).
    now: Timestamp,
    cache: Option<&'t mut DocCache>,
    /// Records this round loaded (the ones worth keeping decoded).
    loaded: std::collections::HashSet<RecordId>,
}

impl<'t> TeamStore<'t> {
    /// A store for `device` of `team`, for a round happening `now`.
    pub fn new(tx: &'t Transaction<'t>, team: &str, device: &str, now: Timestamp) -> Self {
        Self {
            tx,
            team: team.to_string(),
            device: device.to_string(),
            now,
            cache: None,
            loaded: std::collections::HashSet::new(),
        }
    }

    /// The same, keeping decoded documents in `cache` between rounds.
    pub fn with_cache(mut self, cache: &'t mut DocCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// A record's snapshot and its chunks, in order.
    fn bytes(&self, id: RecordId) -> Result<Option<Stored>, ServerError> {
        let snapshot: Option<Vec<u8>> = self
            .tx
            .prepare_cached(SNAPSHOT_OF)?
            .query_row(params![self.team, id.to_string()], |r| r.get(0))
            .optional()?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        let chunks = self
            .tx
            .prepare_cached(CHUNKS_OF)?
            .query_map(params![self.team, id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<Vec<u8>>>>()?;
        Ok(Some((snapshot, chunks)))
    }
}

/// A record of a team as stored, decoded (for erasure, outside a round).
pub fn stored_doc(
    tx: &Transaction<'_>,
    team: &str,
    id: RecordId,
) -> Result<Option<RecordDoc>, ServerError> {
    TeamStore::new(tx, team, "", Timestamp::from_millis(0)).load(id)
}

/// A record's snapshot.
const SNAPSHOT_OF: &str = "SELECT snapshot FROM records WHERE team = ?1 AND id = ?2";
/// A record's chunks, in order.
const CHUNKS_OF: &str = "SELECT bytes FROM chunks WHERE team = ?1 AND id = ?2 ORDER BY n";

fn internal(e: impl std::fmt::Display) -> ServerError {
    ServerError::Internal(e.to_string())
}

impl ServerStore for TeamStore<'_> {
    type Error = ServerError;

    fn load(&mut self, id: RecordId) -> Result<Option<RecordDoc>, ServerError> {
        self.loaded.insert(id);
        if let Some(cache) = self.cache.as_deref_mut() {
            if let Some(mut doc) = cache.take(&self.team, id) {
                let stored: Option<Vec<u8>> = self
                    .tx
                    .prepare_cached("SELECT heads FROM records WHERE team = ?1 AND id = ?2")?
                    .query_row(params![self.team, id.to_string()], |r| r.get(0))
                    .optional()?;
                match stored {
                    None => return Ok(None),
                    Some(h) if h == encode_heads(&doc.heads()) => return Ok(Some(doc)),
                    Some(_) => {}
                }
            }
        }
        let Some((snapshot, chunks)) = self.bytes(id)? else {
            return Ok(None);
        };
        RecordDoc::load_trusted(id, &snapshot, chunks.iter().map(Vec::as_slice))
            .map(Some)
            .map_err(|e| internal(format!("stored record {id} does not load: {e}")))
    }

    fn stored_bytes(&mut self, id: RecordId) -> Result<Option<Vec<u8>>, ServerError> {
        Ok(self.bytes(id)?.map(|(mut snapshot, chunks)| {
            for c in chunks {
                snapshot.extend_from_slice(&c);
            }
            snapshot
        }))
    }

    fn stored_after(
        &mut self,
        id: RecordId,
        heads: &[ChangeHash],
    ) -> Result<Option<Vec<u8>>, ServerError> {
        let mut wanted = heads.to_vec();
        wanted.sort();
        let same = |stored: &[u8]| -> bool {
            let mut h = decode_heads(stored).unwrap_or_default();
            h.sort();
            h == wanted
        };
        let snapshot_heads: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT snapshot_heads FROM records WHERE team = ?1 AND id = ?2")?
            .query_row(params![self.team, id.to_string()], |r| r.get(0))
            .optional()?;
        let Some(snapshot_heads) = snapshot_heads else {
            return Ok(None);
        };
        let chunks: Vec<(Vec<u8>, Vec<u8>)> = self
            .tx
            .prepare_cached(
                "SELECT heads_after, bytes FROM chunks WHERE team = ?1 AND id = ?2 ORDER BY n",
            )?
            .query_map(params![self.team, id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let start = if same(&snapshot_heads) {
            0
        } else {
            match chunks.iter().position(|(h, _)| same(h)) {
                Some(k) => k + 1,
                None => return Ok(None),
            }
        };
        Ok(Some(
            chunks[start..]
                .iter()
                .flat_map(|(_, b)| b.iter().copied())
                .collect(),
        ))
    }

    fn release(&mut self, doc: RecordDoc) {
        if let (Some(cache), true) = (self.cache.as_deref_mut(), self.loaded.contains(&doc.id())) {
            cache.put(&self.team, doc);
        }
    }

    fn is_erased(&mut self, id: RecordId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM tombstones WHERE team = ?1 AND id = ?2")?
            .query_row(params![self.team, id.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn insert(&mut self, doc: &mut RecordDoc) -> Result<(), ServerError> {
        let seq = db::next_seq(self.tx, &self.team)?;
        self.tx
            .prepare_cached("INSERT INTO records (team, id, kind, snapshot, heads, snapshot_heads, seq, scope) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)")?
            .execute(params![self.team, doc.id().to_string(), doc.kind().code(), doc.save(), encode_heads(&doc.heads()), seq, doc.scope().map(|s| s.to_string())])?;
        Ok(())
    }

    fn append(&mut self, doc: &mut RecordDoc, changes: &[u8]) -> Result<(), ServerError> {
        let seq = db::next_seq(self.tx, &self.team)?;
        let id = doc.id().to_string();
        let count: i64 = self
            .tx
            .prepare_cached("SELECT chunk_count FROM records WHERE team = ?1 AND id = ?2")?
            .query_row(params![self.team, id], |r| r.get(0))?;
        let heads = encode_heads(&doc.heads());
        // A referral may be addressed elsewhere: its scope follows.
        let scope = doc.scope().map(|s| s.to_string());
        if count + 1 >= COMPACT_AFTER {
            self.tx
                .prepare_cached("DELETE FROM chunks WHERE team = ?1 AND id = ?2")?
                .execute(params![self.team, id])?;
            self.tx
                .prepare_cached("UPDATE records SET snapshot = ?3, chunk_count = 0, heads = ?4, snapshot_heads = ?4, seq = ?5, scope = ?6 WHERE team = ?1 AND id = ?2")?
                .execute(params![self.team, id, doc.save(), heads, seq, scope])?;
        } else {
            self.tx
                .prepare_cached("INSERT INTO chunks (team, id, n, bytes, heads_after) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![self.team, id, count, changes, heads])?;
            self.tx
                .prepare_cached("UPDATE records SET chunk_count = ?3, heads = ?4, seq = ?5, scope = ?6 WHERE team = ?1 AND id = ?2")?
                .execute(params![self.team, id, count + 1, heads, seq, scope])?;
        }
        Ok(())
    }

    fn feed_end(&mut self) -> Result<Option<u64>, ServerError> {
        let end: i64 = self
            .tx
            .prepare_cached("SELECT feed_seq FROM teams WHERE id = ?1")?
            .query_row([&self.team], |r| r.get(0))?;
        Ok(Some(end.max(0) as u64))
    }

    fn feed_remaining(
        &mut self,
        cursor: u64,
        scope: Option<RecordId>,
    ) -> Result<Option<u64>, ServerError> {
        // A partner's count reads only its scope's rows (by their index).
        let n: i64 = match scope {
            None => self
                .tx
                .prepare_cached(
                    "SELECT (SELECT COUNT(*) FROM records WHERE team = ?1 AND seq > ?2)
                          + (SELECT COUNT(*) FROM tombstones WHERE team = ?1 AND seq > ?2)",
                )?
                .query_row(params![self.team, cursor as i64], |r| r.get(0))?,
            Some(scope) => self
                .tx
                .prepare_cached(
                    "SELECT (SELECT COUNT(*) FROM records WHERE team = ?1 AND seq > ?2
                               AND scope IN (?3, (SELECT workspace_id FROM teams WHERE id = ?1)))
                          + (SELECT COUNT(*) FROM tombstones WHERE team = ?1 AND scope = ?3 AND seq > ?2)",
                )?
                .query_row(params![self.team, cursor as i64, scope.to_string()], |r| {
                    r.get(0)
                })?,
        };
        Ok(Some(n.max(0) as u64))
    }

    fn feed_since(
        &mut self,
        cursor: u64,
        limit: usize,
        scope: Option<RecordId>,
    ) -> Result<Vec<FeedEntry>, ServerError> {
        // The limit is written into the statement, which is planned
        // without its bound values (see `db::open`). A partner's feed
        // reads only its scope's rows, by their index: not the team's
        // other records.
        let filter = if scope.is_some() {
            "AND scope IN (?3, (SELECT workspace_id FROM teams WHERE id = ?1))"
        } else {
            "AND ?3 IS NULL"
        };
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT seq, id, kind, heads, 0, scope FROM records WHERE team = ?1 {filter} AND seq > ?2
             UNION ALL
             SELECT seq, id, kind, x'', 1, scope FROM tombstones WHERE team = ?1 {filter} AND seq > ?2
             ORDER BY 1 LIMIT {limit}"
        ))?;
        let rows = stmt.query_map(
            params![self.team, cursor as i64, scope.map(|s| s.to_string())],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, id, kind, heads, erased, scope) = row?;
            out.push(FeedEntry {
                seq: seq as u64,
                id: id.parse().map_err(internal)?,
                kind: kind.parse::<RecordKind>().map_err(internal)?,
                heads: decode_heads(&heads).map_err(internal)?,
                erased,
                scope: scope.map(|s| s.parse()).transpose().map_err(internal)?,
            });
        }
        Ok(out)
    }

    fn begin_round(&mut self, last_answer: u64) -> Result<u64, ServerError> {
        let (credited, pending): (i64, i64) = self
            .tx
            .prepare_cached("SELECT credited_answer, pending_answer FROM devices WHERE id = ?1")?
            .query_row([&self.device], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let last = last_answer as i64;
        if last != 0 && last == pending {
            self.tx
                .prepare_cached("UPDATE device_heads SET credited = pending WHERE device = ?1 AND pending IS NOT NULL")?
                .execute([&self.device])?;
        } else if last != credited {
            self.tx
                .prepare_cached("DELETE FROM device_heads WHERE device = ?1")?
                .execute([&self.device])?;
        }
        self.tx
            .prepare_cached(
                "UPDATE device_heads SET pending = NULL WHERE device = ?1 AND pending IS NOT NULL",
            )?
            .execute([&self.device])?;
        let answer: i64 = self
            .tx
            // In every case the answer the device presented becomes the
            // one it is credited with.
            .prepare_cached(
                "UPDATE devices SET credited_answer = ?2, answers = answers + 1, pending_answer = answers + 1, last_seen = ?3
                 WHERE id = ?1 RETURNING answers",
            )?
            .query_row(params![self.device, last, self.now.as_millis()], |r| {
                r.get(0)
            })?;
        Ok(answer as u64)
    }

    fn device_heads(&mut self, id: RecordId) -> Result<Option<Vec<ChangeHash>>, ServerError> {
        let heads: Option<Option<Vec<u8>>> = self
            .tx
            .prepare_cached("SELECT credited FROM device_heads WHERE device = ?1 AND record = ?2")?
            .query_row(params![self.device, id.to_string()], |r| r.get(0))
            .optional()?;
        heads
            .flatten()
            .map(|h| decode_heads(&h).map_err(internal))
            .transpose()
    }

    fn record_sent(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<(), ServerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO device_heads (device, record, credited, pending) VALUES (?1, ?2, NULL, ?3)
                 ON CONFLICT (device, record) DO UPDATE SET pending = excluded.pending",
            )?
            .execute(params![self.device, id.to_string(), encode_heads(heads)])?;
        Ok(())
    }

    fn taken_elsewhere(&mut self, id: RecordId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT 1 FROM records WHERE id = ?1 AND team != ?2
                 UNION ALL SELECT 1 FROM tombstones WHERE id = ?1 AND team != ?2 LIMIT 1",
            )?
            .query_row(params![id.to_string(), self.team], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn erased_change(&mut self, hashes: &[ChangeHash]) -> Result<bool, ServerError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM erased_changes WHERE team = ?1 AND hash = ?2")?;
        for h in hashes {
            if stmt
                .query_row(params![self.team, h.as_ref()], |_| Ok(()))
                .optional()?
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn signs_as(&mut self, member: MemberId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM devices WHERE id = ?1 AND team = ?2 AND member = ?3")?
            .query_row(params![self.device, self.team, member.to_string()], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carnet_core::{Actor, Codebook, CoreError, Record, Timestamp};

    fn workspace_id(conn: &rusqlite::Connection, team: &str) -> RecordId {
        let id: String = conn
            .query_row("SELECT id FROM records WHERE team = ?1", [team], |r| {
                r.get(0)
            })
            .expect("the team's workspace");
        id.parse().expect("id")
    }

    fn name(doc: &RecordDoc) -> String {
        match doc.record().expect("record") {
            Record::Workspace(w) => w.name,
            other => panic!("not a workspace: {other:?}"),
        }
    }

    /// A server database holding one team; its id and its workspace's.
    fn a_team() -> (tempfile::TempDir, rusqlite::Connection, String, RecordId) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = db::open(dir.path()).expect("open");
        let team = db::create_team(&mut conn, "Pôle Nord", "Coordination", 72, Timestamp::now())
            .expect("team")
            .team;
        let id = workspace_id(&conn, &team);
        (dir, conn, team, id)
    }

    #[test]
    fn reading_stored_records_plans_its_statements_once() {
        let (_dir, mut conn, team, id) = a_team();
        let tx = db::write_tx(&mut conn).expect("tx");
        let mut store = TeamStore::new(&tx, &team, "", Timestamp::now());
        for other in [id, RecordId::from_uuid(uuid::Uuid::from_u128(9)), id] {
            store.stored_bytes(other).expect("read");
        }
        // Without the planner's stability guarantee, each use re-prepared
        // the statement (rusqlite clears the bindings of cached statements).
        for sql in [CHUNKS_OF, SNAPSHOT_OF] {
            let reprepared = tx
                .prepare_cached(sql)
                .expect("cached")
                .get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(reprepared, 0, "{sql}");
        }
    }

    #[test]
    fn kept_documents_are_used_only_while_they_are_what_is_stored() {
        let (_dir, mut conn, team, id) = a_team();
        let mut cache = DocCache::default();

        // A round changes the document in memory, gives it back, then
        // rolls back: the next round must read what is stored.
        {
            let tx = db::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&tx, &team, "", Timestamp::now()).with_cache(&mut cache);
            let mut doc = store.load(id).expect("load").expect("stored");
            let actor = Actor::new(carnet_core::MemberId::from_uuid(uuid::Uuid::nil()), [1; 8]);
            doc.edit(&actor, Timestamp::now(), &Codebook::any(), |r| {
                if let Record::Workspace(w) = r {
                    w.name = "Jamais enregistré".into();
                }
                Ok::<_, CoreError>(())
            })
            .expect("edit");
            store.release(doc);
        }
        assert_eq!(cache.0.len(), 1, "the document was kept");
        {
            let tx = db::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&tx, &team, "", Timestamp::now()).with_cache(&mut cache);
            let doc = store.load(id).expect("load").expect("stored");
            assert_eq!(name(&doc), "Pôle Nord", "the stale copy is not used");
            store.release(doc);
        }
        // Unchanged, it is used; gone from the database, it is not.
        {
            let tx = db::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&tx, &team, "", Timestamp::now()).with_cache(&mut cache);
            let doc = store.load(id).expect("load").expect("stored");
            assert_eq!(name(&doc), "Pôle Nord");
            store.release(doc);
            drop(store);
            tx.execute("DELETE FROM records WHERE id = ?1", [id.to_string()])
                .expect("delete");
            let mut store = TeamStore::new(&tx, &team, "", Timestamp::now()).with_cache(&mut cache);
            assert!(store.load(id).expect("load").is_none());
        }
    }
}
