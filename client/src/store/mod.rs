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

use std::io::Read;
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
        let store = Self { conn, path };
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
        tx.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = {};",
            schema::APPLICATION_ID,
            schema::FORMAT_VERSION
        ))?;
        tx.commit()?;
        let store = Self { conn, path };
        store.configure()?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 5000;
                 PRAGMA cache_size = -16000;",
            )
            .map_err(ClientError::from)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Begin a write: a transaction, or a savepoint nested in the
    /// caller's batch (see `Notebook::batch`).
    pub fn transaction(&mut self) -> Result<Savepoint<'_>> {
        Ok(self.conn.savepoint()?)
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
            .query_row(
                "SELECT rowid, kind, snapshot, damaged FROM records WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
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

    /// Insert a new record's document; returns its rowid.
    pub fn insert(tx: &Connection, doc: &mut RecordDoc, at: Timestamp) -> Result<i64> {
        tx.prepare_cached(
            "INSERT INTO records (id, kind, snapshot, chunk_count, updated_at) VALUES (?1, ?2, ?3, 0, ?4)",
        )?
        .execute(params![
            doc.id().to_string(),
            doc.kind().code(),
            doc.save(),
            at.as_millis()
        ])?;
        Ok(tx.last_insert_rowid())
    }

    /// Insert a record received whole, storing the bytes as received
    /// (they were checked when decoded); returns its rowid.
    pub fn insert_received(
        tx: &Connection,
        doc: &RecordDoc,
        bytes: &[u8],
        at: Timestamp,
    ) -> Result<i64> {
        tx.prepare_cached(
            "INSERT INTO records (id, kind, snapshot, chunk_count, updated_at) VALUES (?1, ?2, ?3, 0, ?4)",
        )?
        .execute(params![doc.id().to_string(), doc.kind().code(), bytes, at.as_millis()])?;
        Ok(tx.last_insert_rowid())
    }

    /// Append a change chunk to a record, compacting when it has many.
    pub fn append(
        tx: &Connection,
        rowid: i64,
        doc: &mut RecordDoc,
        chunk: &[u8],
        at: Timestamp,
    ) -> Result<()> {
        let count: i64 = tx
            .prepare_cached("SELECT chunk_count FROM records WHERE rowid = ?1")?
            .query_row([rowid], |r| r.get(0))?;
        if count + 1 >= COMPACT_AFTER {
            compact(tx, rowid, doc, at)?;
            return Ok(());
        }
        tx.prepare_cached(
            "INSERT INTO chunks (record_rowid, seq, bytes)
             VALUES (?1, COALESCE((SELECT MAX(seq) + 1 FROM chunks WHERE record_rowid = ?1), 0), ?2)",
        )?
        .execute(params![rowid, chunk])?;
        tx.prepare_cached(
            "UPDATE records SET chunk_count = chunk_count + 1, updated_at = ?2, damaged = NULL, dirty = 1 WHERE rowid = ?1",
        )?
        .execute(params![rowid, at.as_millis()])?;
        Ok(())
    }

    /// Replace a record's snapshot and chunks by one compacted snapshot.
    pub fn compact(tx: &Connection, rowid: i64, doc: &mut RecordDoc, at: Timestamp) -> Result<()> {
        tx.prepare_cached("DELETE FROM chunks WHERE record_rowid = ?1")?
            .execute([rowid])?;
        tx.prepare_cached(
            "UPDATE records SET snapshot = ?2, chunk_count = 0, updated_at = ?3, damaged = NULL, dirty = 1 WHERE rowid = ?1",
        )?
        .execute(params![rowid, doc.save(), at.as_millis()])?;
        Ok(())
    }
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
