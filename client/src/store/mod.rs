//! The local store: one SQLite file per notebook (`notebook.db` in the
//! data directory), in WAL mode with `synchronous = FULL`, so a
//! transaction that returned is on disk.
//!
//! Per record it keeps a compacted Automerge snapshot plus change chunks
//! appended on every edit; appending is what makes an edit cheap and
//! durable. When a record has [`COMPACT_AFTER`] chunks, the next write
//! folds them into a fresh snapshot in the same transaction.
//!
//! Opening checks the file is Carnet's before touching it: a foreign or
//! damaged file is reported and left as it was.

pub mod schema;

use std::cell::Cell;
use std::io::Read;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use carnet_core::{RecordDoc, RecordId, RecordKind, Timestamp};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Savepoint};

use crate::error::{ClientError, Result};

/// Chunks kept per record before they are folded into the snapshot.
pub const COMPACT_AFTER: i64 = 32;

/// The file name of the notebook in its data directory.
pub const DB_FILE: &str = "notebook.db";

/// A record's stored bytes.
#[derive(Debug)]
pub struct StoredRecord {
    /// Row id (the key of the projection tables).
    pub rowid: i64,
    /// Kind, as stored.
    pub kind: String,
    /// Compacted snapshot.
    pub snapshot: Vec<u8>,
    /// Chunks appended since, in order.
    pub chunks: Vec<Vec<u8>>,
    /// Why the record is flagged damaged, if it is.
    pub damaged: Option<String>,
}

/// The SQLite database of a notebook.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Inside [`Store::begin_batch`]: writes join the batch's transaction.
    batch: Option<Cell<bool>>,
}

/// One write: a savepoint of its own, or a part of the open batch.
/// Dropped without [`Write::commit`], it rolls back; inside a batch, it
/// spoils the batch, which then rolls back whole, so nothing
/// half-written survives.
pub struct Write<'a>(Part<'a>);

enum Part<'a> {
    Own(Option<Savepoint<'a>>),
    InBatch {
        conn: &'a Connection,
        spoiled: &'a Cell<bool>,
        done: bool,
    },
}

impl Write<'_> {
    /// Keep what this write did.
    pub fn commit(mut self) -> Result<()> {
        match &mut self.0 {
            Part::Own(sp) => {
                if let Some(sp) = sp.take() {
                    sp.commit()?;
                }
            }
            Part::InBatch { done, .. } => *done = true,
        }
        Ok(())
    }
}

impl std::fmt::Debug for Write<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Part::Own(_) => "Write(own savepoint)",
            Part::InBatch { .. } => "Write(in batch)",
        })
    }
}

impl Deref for Write<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match &self.0 {
            Part::Own(Some(sp)) => sp,
            Part::Own(None) => unreachable!("a write is not used after it commits"),
            Part::InBatch { conn, .. } => conn,
        }
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if let Part::InBatch {
            spoiled,
            done: false,
            ..
        } = &self.0
        {
            spoiled.set(true);
        }
    }
}

impl Store {
    /// Open the notebook in `dir`, which must exist.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Err(ClientError::NoNotebook(dir.to_path_buf()));
        }
        check_header(&path)?;
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(ClientError::from)?;
        let mut store = Self {
            conn,
            path,
            batch: None,
        };
        let app_id: i64 = store
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(ClientError::from)?;
        if app_id != schema::APPLICATION_ID {
            return Err(ClientError::NotANotebook {
                path: store.path.clone(),
                reason: "it is a SQLite database made by another program".into(),
            });
        }
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(ClientError::from)?;
        if version > schema::FORMAT_VERSION {
            return Err(ClientError::NewerFormat(version));
        }
        store.configure()?;
        if version < schema::FORMAT_VERSION {
            store.migrate(version)?;
        }
        Ok(store)
    }

    /// Create a new notebook in `dir` (created if needed).
    pub fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(ClientError::io(format!(
            "could not create the data directory {}",
            dir.display()
        )))?;
        let path = dir.join(DB_FILE);
        if path.exists() {
            return Err(ClientError::AlreadyExists(dir.to_path_buf()));
        }
        let mut conn = Connection::open(&path)?;
        let tx = conn.transaction()?;
        tx.execute_batch(schema::CREATE)?;
        for (_, step) in schema::MIGRATIONS {
            tx.execute_batch(step)?;
        }
        tx.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = {};",
            schema::APPLICATION_ID,
            schema::FORMAT_VERSION
        ))?;
        tx.commit()?;
        let store = Self {
            conn,
            path,
            batch: None,
        };
        store.configure()?;
        store.load_schema()?;
        Ok(store)
    }

    /// Bring a notebook of format `from` to this version's, in one
    /// transaction: a failure leaves it as it was.
    fn migrate(&mut self, from: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (version, step) in schema::MIGRATIONS {
            if *version > from {
                tx.execute_batch(step)?;
            }
        }
        tx.execute_batch(&format!(
            "PRAGMA user_version = {};",
            schema::FORMAT_VERSION
        ))?;
        tx.commit()?;
        self.load_schema()
    }

    /// Read the schema now. After a change of schema (creating or
    /// migrating the notebook), the connection's next statement reads it
    /// first; a checkpoint would then find that read still open and fail
    /// (SQLITE_LOCKED).
    fn load_schema(&self) -> Result<()> {
        self.conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }

    fn configure(&self) -> Result<()> {
        steady_plans(&self.conn)?;
        self.conn
            .execute_batch(&format!(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 5000;
                 PRAGMA cache_size = -{CACHE_KIB};
                 PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES};"
            ))
            .map_err(ClientError::from)
    }

    /// Copy what the write-ahead log holds into the database file, as far
    /// as readers allow (a passive checkpoint), and let ordinary writes
    /// checkpoint again. A batch leaves this to later: the background sync
    /// does it after each attempt, and closing the notebook does it too.
    /// Returns the pages the log held.
    pub fn checkpoint(&self) -> Result<i64> {
        let (_busy, log, _done): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        self.conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}"
        ))?;
        Ok(log)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Begin a write: a transaction of its own, or a part of the open
    /// batch. Inside a batch no savepoint is taken: each one would make
    /// SQLite's full-text index flush its pending terms and the pager
    /// copy pages to a sub-journal, which dominated applying a sync
    /// answer of thousands of records.
    pub fn transaction(&mut self) -> Result<Write<'_>> {
        Ok(Write(match &self.batch {
            Some(spoiled) => Part::InBatch {
                conn: &self.conn,
                spoiled,
                done: false,
            },
            None => Part::Own(Some(self.conn.savepoint()?)),
        }))
    }

    /// Open a batch: one transaction that every write joins until
    /// [`Store::end_batch`].
    pub fn begin_batch(&mut self) -> Result<()> {
        if self.batch.is_some() {
            return Err(ClientError::BadInput("a batch is already open".into()));
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.batch = Some(Cell::new(false));
        Ok(())
    }

    /// Close the batch: commit when `keep` and no write of it failed,
    /// else roll it all back. Returns whether it was committed.
    ///
    /// A committed batch does not checkpoint, and neither do the writes
    /// after it until [`Store::checkpoint`]: a batch is a sync answer
    /// someone waits for, and copying its pages from the log into the
    /// database file took a third of the time of committing thousands of
    /// merged records (and the next write, a line of the sync status,
    /// would have done it).
    pub fn end_batch(&mut self, keep: bool) -> Result<bool> {
        let spoiled = self.batch.take().is_some_and(|c| c.get());
        if keep && !spoiled {
            self.conn
                .execute_batch("PRAGMA wal_autocheckpoint = 0; COMMIT")?;
            Ok(true)
        } else {
            self.conn.execute_batch("ROLLBACK")?;
            Ok(false)
        }
    }

    /// Read a value of `meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The stored bytes of a record.
    pub fn load(&self, id: RecordId) -> Result<Option<StoredRecord>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT r.rowid, r.kind, s.bytes, r.damaged FROM records r
                 JOIN snapshots s ON s.record_rowid = r.rowid WHERE r.id = ?1",
            )?
            .query_row([id.to_string()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((rowid, kind, snapshot, damaged)) = row else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT bytes FROM chunks WHERE record_rowid = ?1 ORDER BY seq")?;
        let chunks = stmt
            .query_map([rowid], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<Vec<u8>>>>()?;
        Ok(Some(StoredRecord {
            rowid,
            kind,
            snapshot,
            chunks,
            damaged,
        }))
    }

    /// Flag a record whose bytes do not decode, in its own transaction.
    pub fn mark_damaged(&self, id: RecordId, reason: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE records SET damaged = ?2 WHERE id = ?1",
            params![id.to_string(), reason],
        )?;
        Ok(())
    }
}

/// Write operations on documents, inside a caller's transaction so the
/// projection update commits with them.
pub mod write {
    use super::*;

    /// Append a chunk after a record's others.
    pub(crate) const APPEND_CHUNK: &str = "INSERT INTO chunks (record_rowid, seq, bytes)
         VALUES (?1, COALESCE((SELECT MAX(seq) + 1 FROM chunks WHERE record_rowid = ?1), 0), ?2)";

    /// Insert a new record's document; returns its rowid.
    pub fn insert(tx: &Connection, doc: &mut RecordDoc, at: Timestamp) -> Result<i64> {
        insert_received(tx, doc.id(), doc.kind(), &doc.save(), at)
    }

    /// Insert a record received whole, storing the bytes as received
    /// (they were checked when decoded); returns its rowid.
    pub fn insert_received(
        tx: &Connection,
        id: RecordId,
        kind: RecordKind,
        bytes: &[u8],
        at: Timestamp,
    ) -> Result<i64> {
        tx.prepare_cached(
            "INSERT INTO records (id, kind, chunk_count, updated_at) VALUES (?1, ?2, 0, ?3)",
        )?
        .execute(params![id.to_string(), kind.code(), at.as_millis()])?;
        let rowid = tx.last_insert_rowid();
        tx.prepare_cached("INSERT INTO snapshots (record_rowid, bytes) VALUES (?1, ?2)")?
            .execute(params![rowid, bytes])?;
        Ok(rowid)
    }

    /// Record the heads the sync server holds for a record, and whether
    /// the record still has changes it lacks; clears any refusal and any
    /// wish to receive the record whole.
    pub fn server_heads(
        tx: &Connection,
        id: RecordId,
        heads: &[automerge::ChangeHash],
        dirty: bool,
    ) -> Result<()> {
        tx.prepare_cached(
            "UPDATE records SET server_heads = ?2, dirty = ?3,
                    rejected_code = NULL, rejected_reason = NULL, rejected_heads = NULL WHERE id = ?1",
        )?
        .execute(params![
            id.to_string(),
            carnet_core::sync::encode_heads(heads),
            dirty
        ])?;
        tx.prepare_cached("DELETE FROM sync_wanted WHERE id = ?1")?
            .execute([id.to_string()])?;
        Ok(())
    }

    /// Append a change chunk to a record, compacting when it has many.
    pub fn append(
        tx: &Connection,
        rowid: i64,
        doc: &mut RecordDoc,
        chunk: &[u8],
        at: Timestamp,
    ) -> Result<()> {
        append_or_compact(tx, rowid, chunk, at, || Some(doc.save()))
    }

    /// Append a change chunk to a record or, when it has many, replace
    /// them all by the snapshot `snapshot` gives (the document with the
    /// chunk); without one, the chunk is appended and compaction waits for
    /// a later write.
    pub fn append_or_compact(
        tx: &Connection,
        rowid: i64,
        chunk: &[u8],
        at: Timestamp,
        snapshot: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Result<()> {
        let count: i64 = tx
            .prepare_cached("SELECT chunk_count FROM records WHERE rowid = ?1")?
            .query_row([rowid], |r| r.get(0))?;
        if count + 1 >= COMPACT_AFTER {
            if let Some(snapshot) = snapshot() {
                write_snapshot(tx, rowid, &snapshot, at)?;
                return Ok(());
            }
        }
        tx.prepare_cached(APPEND_CHUNK)?
            .execute(params![rowid, chunk])?;
        tx.prepare_cached(
            "UPDATE records SET chunk_count = chunk_count + 1, updated_at = ?2, damaged = NULL, dirty = 1 WHERE rowid = ?1",
        )?
        .execute(params![rowid, at.as_millis()])?;
        Ok(())
    }

    /// Replace a record's snapshot and chunks by one compacted snapshot.
    fn write_snapshot(tx: &Connection, rowid: i64, snapshot: &[u8], at: Timestamp) -> Result<()> {
        tx.prepare_cached("DELETE FROM chunks WHERE record_rowid = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("UPDATE snapshots SET bytes = ?2 WHERE record_rowid = ?1")?
            .execute(params![rowid, snapshot])?;
        tx.prepare_cached(
            "UPDATE records SET chunk_count = 0, updated_at = ?2, damaged = NULL, dirty = 1 WHERE rowid = ?1",
        )?
        .execute(params![rowid, at.as_millis()])?;
        Ok(())
    }
}

/// The page cache, in KiB: the system's file cache holds the rest. With
/// 16 MB the app grew by 12 MB while scrolling the journal, with no faster
/// scrolling (desktop benchmark).
const CACHE_KIB: i64 = 4_000;

/// Log pages after which an ordinary write checkpoints (SQLite's default).
const AUTOCHECKPOINT_PAGES: i64 = 1_000;

/// Plan each statement once, whatever values are bound to it (SQLite's
/// query planner stability guarantee).
///
/// Without it, SQLite marks a statement whose plan might depend on a bound
/// value (an equality with a small integer, a `LIMIT ?`), and
/// `sqlite3_clear_bindings`, which rusqlite calls each time a cached
/// statement goes back to its cache, then expires it: the next use parses
/// and plans it again. Appending a received change was re-prepared for
/// every record, about 3% of a sync's work on each side. Our statements
/// have one good plan whatever is bound, except for a `LIMIT`: the queries
/// whose plan depends on it write it into their text (the journal's pages,
/// search).
fn steady_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Decode a stored record into its document.
pub fn decode(id: RecordId, stored: &StoredRecord) -> Result<RecordDoc> {
    let doc = RecordDoc::load(
        id,
        &stored.snapshot,
        stored.chunks.iter().map(Vec::as_slice),
    )
    .map_err(|e| ClientError::Damaged {
        id,
        reason: e.to_string(),
    })?;
    if doc.kind().code() != stored.kind {
        return Err(ClientError::Damaged {
            id,
            reason: format!("stored as a {} but holds a {}", stored.kind, doc.kind()),
        });
    }
    Ok(doc)
}

/// The kind of a stored record, as recorded in its row.
pub fn stored_kind(kind: &str) -> Option<RecordKind> {
    kind.parse().ok()
}

fn check_header(path: &Path) -> Result<()> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(ClientError::io(format!(
        "could not open {}",
        path.display()
    )))?;
    let read = file.read(&mut header).map_err(ClientError::io(format!(
        "could not read {}",
        path.display()
    )))?;
    if read == 0 {
        return Err(ClientError::NotANotebook {
            path: path.to_path_buf(),
            reason: "the file is empty".into(),
        });
    }
    if read < 16 || &header != b"SQLite format 3\0" {
        return Err(ClientError::NotANotebook {
            path: path.to_path_buf(),
            reason: "it is not a SQLite database".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_keys(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn()
            .prepare("SELECT key FROM meta WHERE key LIKE 'test-%' ORDER BY key")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    fn put(w: &Write<'_>, key: &str) {
        w.execute(
            "INSERT INTO meta (key, value) VALUES (?1, 'x')",
            [key.to_string()],
        )
        .expect("insert");
    }

    #[test]
    fn a_write_left_unfinished_in_a_batch_rolls_the_whole_batch_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path()).expect("create");

        store.begin_batch().expect("begin");
        for key in ["test-a", "test-b"] {
            let w = store.transaction().expect("write");
            put(&w, key);
            w.commit().expect("commit part");
        }
        assert!(store.end_batch(true).expect("end"), "a clean batch commits");
        assert_eq!(meta_keys(&store), ["test-a", "test-b"]);

        store.begin_batch().expect("begin");
        {
            let w = store.transaction().expect("write");
            put(&w, "test-c");
            w.commit().expect("commit part");
        }
        put(&store.transaction().expect("write"), "test-d");
        assert!(
            !store.end_batch(true).expect("end"),
            "a spoiled batch rolls back"
        );
        assert_eq!(
            meta_keys(&store),
            ["test-a", "test-b"],
            "nothing of a spoiled batch is kept, not even its finished parts"
        );

        // Outside a batch, a write is its own savepoint.
        put(&store.transaction().expect("write"), "test-e");
        let w = store.transaction().expect("write");
        put(&w, "test-f");
        w.commit().expect("commit");
        assert_eq!(meta_keys(&store), ["test-a", "test-b", "test-f"]);
    }

    fn plan(store: &Store, sql: &str) -> String {
        let mut stmt = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        stmt.query_map([], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows")
            .join("; ")
    }

    fn demo_doc(seed: u64) -> RecordDoc {
        use carnet_core::demo::DemoGenerator;
        use carnet_core::{Actor, Codebook, MemberId};
        let member = MemberId::from_uuid(uuid::Uuid::from_u128(1));
        let at = Timestamp::from_millis(1_700_000_000_000);
        let (id, record) = DemoGenerator::new(seed, at, vec![member]).next_record();
        RecordDoc::create(
            id,
            &record,
            &Codebook::any(),
            &Actor::new(member, [1; 8]),
            at,
        )
        .expect("doc")
    }

    #[test]
    fn a_notebook_of_the_first_format_is_brought_to_this_one_on_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A notebook of the first format, with a record and a chunk: no
        // sync-status indexes, and the snapshots in `records`.
        let mut doc = demo_doc(3);
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
            conn.execute_batch(schema::CREATE).expect("format 1");
            conn.execute_batch(&format!(
                "PRAGMA application_id = {}; PRAGMA user_version = 1;",
                schema::APPLICATION_ID
            ))
            .expect("format 1");
            conn.execute(
                "INSERT INTO records (id, kind, snapshot, chunk_count, updated_at) VALUES (?1, ?2, ?3, 1, 0)",
                params![doc.id().to_string(), doc.kind().code(), doc.save()],
            )
            .expect("record");
            conn.execute(
                "INSERT INTO chunks (record_rowid, seq, bytes) VALUES (?1, 0, x'')",
                [conn.last_insert_rowid()],
            )
            .expect("chunk");
        }
        let store = Store::open(dir.path()).expect("open");
        // The first statement after the migration may be a checkpoint.
        store.checkpoint().expect("checkpoint");
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, schema::FORMAT_VERSION);
        let indexes: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
                 AND name IN ('records_waiting', 'records_rejected')",
                [],
                |r| r.get(0),
            )
            .expect("indexes");
        assert_eq!(indexes, 2);
        // The record kept its snapshot and its chunk.
        let stored = store.load(doc.id()).expect("load").expect("the record");
        assert_eq!(stored.snapshot, doc.save());
        assert_eq!(stored.chunks, vec![Vec::<u8>::new()]);
        let columns: Vec<String> = store
            .conn()
            .prepare("SELECT name FROM pragma_table_info('records')")
            .expect("columns")
            .query_map([], |r| r.get(0))
            .expect("columns")
            .collect::<rusqlite::Result<_>>()
            .expect("columns");
        assert!(!columns.iter().any(|c| c == "snapshot"), "{columns:?}");
        drop(store);
        // Opening again changes nothing.
        let store = Store::open(dir.path()).expect("open again");
        assert!(store.load(doc.id()).expect("load").is_some());
        drop(store);

        // A newer format is refused, not rewritten.
        let newer = schema::FORMAT_VERSION + 1;
        Connection::open(dir.path().join(DB_FILE))
            .expect("open")
            .execute_batch(&format!("PRAGMA user_version = {newer};"))
            .expect("upgrade");
        assert!(matches!(
            Store::open(dir.path()),
            Err(ClientError::NewerFormat(v)) if v == newer
        ));
    }

    #[test]
    fn a_cached_statement_is_planned_once_whatever_is_bound_to_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path()).expect("create");
        let at = Timestamp::from_millis(1_700_000_000_000);
        let mut rowids = Vec::new();
        for seed in 0..3 {
            let w = store.transaction().expect("write");
            rowids.push(write::insert(&w, &mut demo_doc(seed), at).expect("insert"));
            w.commit().expect("commit");
        }
        for round in 0..4 {
            for rowid in &rowids {
                let w = store.transaction().expect("write");
                write::append_or_compact(&w, *rowid, &[round], at, || None).expect("append");
                w.commit().expect("commit");
            }
        }
        // Without the planner's stability guarantee, rusqlite's clearing
        // of the bindings made SQLite parse and plan this statement again
        // at every use.
        let reprepared = store
            .conn()
            .prepare_cached(write::APPEND_CHUNK)
            .expect("cached")
            .get_status(rusqlite::StatementStatus::RePrepare);
        assert_eq!(reprepared, 0);
    }

    #[test]
    fn a_batch_commits_without_checkpointing_and_checkpoint_catches_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(dir.path()).expect("create");
        let pragma = |store: &Store, name: &str| -> i64 {
            store
                .conn()
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .expect(name)
        };
        let db_size = || {
            std::fs::metadata(dir.path().join(DB_FILE))
                .expect("db")
                .len()
        };
        store.checkpoint().expect("start from an empty log");
        let before = db_size();

        // 4 MB of rows, more than SQLite's usual checkpoint threshold.
        store.begin_batch().expect("begin");
        let blob = vec![7u8; 1000];
        for k in 0..4000 {
            let w = store.transaction().expect("write");
            w.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![format!("test-{k}"), blob],
            )
            .expect("insert");
            w.commit().expect("commit part");
        }
        assert!(store.end_batch(true).expect("end"));
        assert_eq!(db_size(), before, "the batch stayed in the log");
        // Nor does an ordinary write after it checkpoint.
        let w = store.transaction().expect("write");
        put(&w, "test-after");
        w.commit().expect("commit");
        assert_eq!(db_size(), before);

        let log = store.checkpoint().expect("checkpoint");
        assert!(log > 1000, "the log held the batch ({log} pages)");
        assert!(db_size() > before + 4_000_000, "the file holds it now");
        assert_eq!(pragma(&store, "wal_autocheckpoint"), AUTOCHECKPOINT_PAGES);
        let rows: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM meta WHERE key LIKE 'test-%'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(rows, 4001);
    }

    #[test]
    fn the_sync_status_reads_small_indexes_not_the_records() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::create(dir.path()).expect("create");
        // Only the index (its entries are the records waiting).
        let waiting = plan(&store, crate::sync::store::COUNT_WAITING);
        assert_eq!(
            waiting, "SCAN records USING COVERING INDEX records_waiting",
            "{waiting}"
        );
        // Only the refused records' rows.
        let rejected = plan(&store, crate::sync::store::LIST_REJECTED);
        assert_eq!(
            rejected, "SCAN records USING INDEX records_rejected",
            "{rejected}"
        );
    }
}
