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
//!
//! Every notebook is encrypted with SQLCipher ([`keys`]); a plain notebook
//! of an earlier Carnet is converted when it is first opened, crash-safe
//! (a new encrypted file is written beside it, synced, and renamed over
//! it: a kill at any moment leaves one of the two whole).

pub mod keys;
mod meta;
pub mod schema;

pub use meta::{Identity, Membership, SyncOutcome, SyncPosition};

use std::cell::Cell;
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
    /// Opening migrated the notebook past a format whose projection holds
    /// more than the older one's: the notebook rebuilds it.
    projection_stale: bool,
    /// A record was erased since the last [`Store::scrub`].
    scrub_due: bool,
    /// The page cache was grown for the office's reads.
    office: Cell<bool>,
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
    /// Open the notebook in `dir`, which must exist, with its key.
    pub fn open(dir: &Path, unlock: &keys::Unlock) -> Result<Self> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Err(ClientError::NoNotebook(dir.to_path_buf()));
        }
        if check_header(&path)? {
            encrypt_plain(dir, unlock)?;
        }
        let key = keys::unlock(dir, unlock)?;
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(ClientError::from)?;
        key.apply(&conn, "main")?;
        drop(key);
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => ClientError::NotANotebook {
                    path,
                    reason: format!(
                        "its key ({}) does not open it: the two files do not belong together",
                        keys::KEY_FILE
                    ),
                },
                _ => e.into(),
            });
        }
        let mut store = Self {
            conn,
            path,
            batch: None,
            projection_stale: false,
            scrub_due: false,
            office: Cell::new(false),
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

    /// Create a new notebook in `dir` (created if needed), encrypted
    /// with a new key sealed as `unlock` says.
    pub fn create(dir: &Path, unlock: &keys::Unlock) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(ClientError::io(format!(
            "could not create the data directory {}",
            dir.display()
        )))?;
        let path = dir.join(DB_FILE);
        if path.exists() {
            return Err(ClientError::AlreadyExists(dir.to_path_buf()));
        }
        let key = keys::create(dir, unlock)?;
        let mut conn = Connection::open(&path)?;
        key.apply(&conn, "main")?;
        drop(key);
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
            projection_stale: false,
            scrub_due: false,
            office: Cell::new(false),
        };
        store.configure()?;
        store.load_schema()?;
        Ok(store)
    }

    /// Whether the projection must be rebuilt from the documents (a
    /// migration added to what it holds).
    pub fn projection_stale(&self) -> bool {
        self.projection_stale
    }

    /// Bring a notebook of format `from` to this version's, in one
    /// transaction: a failure leaves it as it was.
    fn migrate(&mut self, from: i64) -> Result<()> {
        self.projection_stale = schema::REPROJECT_AFTER.iter().any(|v| *v > from);
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
                 PRAGMA temp_store = MEMORY;
                 PRAGMA secure_delete = ON;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 5000;
                 PRAGMA cache_size = -{CACHE_KIB};
                 PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES};"
            ))
            .map_err(ClientError::from)
    }

    /// A record was erased: [`Store::scrub`] has work to do.
    pub fn scrub_due(&mut self) {
        self.scrub_due = true;
    }

    /// Leave nothing of what erasures removed in the notebook's files.
    /// Deleted cells and freed pages are zeroed as they go (`secure_delete`);
    /// what remains is the search index, where a deletion only marks
    /// entries deleted until its segments merge (merged here), and the
    /// write-ahead log, which still holds pages as they were before (copied
    /// into the database and truncated here). Does nothing unless an
    /// erasure happened since; a checkpoint blocked by another process
    /// leaves it due.
    pub fn scrub(&mut self) -> Result<()> {
        if !self.scrub_due {
            return Ok(());
        }
        self.conn
            .execute_batch("INSERT INTO search(search) VALUES ('optimize');")?;
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        self.scrub_due = busy != 0;
        Ok(())
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

    /// The connection, for reads only: every write takes a [`Write`]
    /// ([`Store::transaction`]), so it joins an open batch or commits on
    /// its own.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, its page cache grown for the office's reads of
    /// many notes (see [`OFFICE_CACHE_KIB`]); it stays grown.
    pub fn office_conn(&self) -> Result<&Connection> {
        if !self.office.replace(true) {
            self.conn
                .execute_batch(&format!("PRAGMA cache_size = -{OFFICE_CACHE_KIB};"))?;
        }
        Ok(&self.conn)
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
            return Err(ClientError::Internal("a batch is already open".into()));
        }
        // A sync answer rewrites pages all over the file: in the small
        // cache they were written out to the log before the commit
        // (encrypted) and read back (decrypted) when touched again.
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = -{BATCH_CACHE_KIB}; BEGIN IMMEDIATE"
        ))?;
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
        let committed = if keep && !spoiled {
            self.conn
                .execute_batch("PRAGMA wal_autocheckpoint = 0; COMMIT")?;
            true
        } else {
            self.conn.execute_batch("ROLLBACK")?;
            false
        };
        // Back to the cache of the app's use (its pages beyond it freed).
        let cache = if self.office.get() {
            OFFICE_CACHE_KIB
        } else {
            CACHE_KIB
        };
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{cache};"))?;
        Ok(committed)
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

    /// Flag a record whose bytes do not decode, in its own write.
    pub fn mark_damaged(&mut self, id: RecordId, reason: &str) -> Result<()> {
        let tx = self.transaction()?;
        tx.execute(
            "UPDATE records SET damaged = ?2 WHERE id = ?1",
            params![id.to_string(), reason],
        )?;
        tx.commit()
    }
}

pub mod write;

/// The page cache, in KiB, for a worker's use (the journal, capture,
/// search): the system's file cache holds the rest, still encrypted, so
/// every page read from it is decrypted and authenticated again. The
/// office's reads of many notes grow it (see [`OFFICE_CACHE_KIB`]); the
/// journal's pages are few, and a larger cache here only fills with
/// what the app reads at start (with 64 MB the app held 340 MiB after
/// scrolling the journal, over its 300 MB).
const CACHE_KIB: i64 = 4_000;

/// The page cache once the office's reads start (the synthesis, the
/// passage view): they read the whole narrow projection of the notes
/// (some 25 MB at 100,000 records), which then stays decrypted for the
/// next filter. The journal's use never asks for it, so a worker's app
/// keeps the small cache.
const OFFICE_CACHE_KIB: i64 = 64_000;

/// The page cache while a batch (a sync answer) is applied, given back
/// when it ends.
const BATCH_CACHE_KIB: i64 = 64_000;

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

/// Refuse a file too short to be a notebook; whether it is a plain
/// (unencrypted) SQLite database.
fn check_header(path: &Path) -> Result<bool> {
    let (read, header) = keys::file_header(path)?;
    if read == 0 {
        return Err(ClientError::NotANotebook {
            path: path.to_path_buf(),
            reason: "the file is empty".into(),
        });
    }
    if read < 16 {
        return Err(ClientError::NotANotebook {
            path: path.to_path_buf(),
            reason: "it is too short to be a SQLite database".into(),
        });
    }
    Ok(&header == keys::PLAIN_HEADER)
}

/// The file a plain notebook is encrypted into before it replaces it.
const CONVERTING: &str = "notebook.db.encrypting";

/// Encrypt the plain notebook of an earlier Carnet in `dir`, crash-safe:
/// the encrypted copy is written beside it, synced, then renamed over it.
/// A kill before the rename leaves the plain notebook whole (the next
/// opening starts again, with the key already made if there is one); a
/// kill after leaves the encrypted one whole.
fn encrypt_plain(dir: &Path, unlock: &keys::Unlock) -> Result<()> {
    let path = dir.join(DB_FILE);
    let temp = dir.join(CONVERTING);
    let io = |what: &str| ClientError::io(format!("could not {what} {}", temp.display()));
    // Read-write and create: the encrypted file is attached (created)
    // through this connection.
    let plain = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    let app_id: i64 = plain.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id != schema::APPLICATION_ID {
        return Err(ClientError::NotANotebook {
            path,
            reason: "it is a SQLite database made by another program".into(),
        });
    }
    let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::FORMAT_VERSION {
        return Err(ClientError::NewerFormat(version));
    }
    // Everything in the log goes into the file first.
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    // A key made by an interrupted conversion is used again.
    let key = if keys::has_key_file(dir) {
        keys::unlock(dir, unlock)?
    } else {
        keys::create(dir, unlock)?
    };
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("remove")(e)),
    }
    key.attach(&plain, &temp, "encrypted")?;
    drop(key);
    plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    plain.execute_batch(&format!(
        "PRAGMA encrypted.application_id = {};
         PRAGMA encrypted.user_version = {version};
         DETACH DATABASE encrypted;",
        schema::APPLICATION_ID
    ))?;
    plain.close().map_err(|(_, e)| ClientError::from(e))?;
    std::fs::File::open(&temp)
        .and_then(|f| f.sync_all())
        .map_err(io("sync"))?;
    // The plain log and its index, empty after the checkpoint, must not
    // be read with the encrypted file.
    for stale in ["notebook.db-wal", "notebook.db-shm"] {
        match std::fs::remove_file(dir.join(stale)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("remove the old log beside")(e)),
        }
    }
    std::fs::rename(&temp, &path).map_err(io("rename"))?;
    keys::sync_dir(dir)
}

#[cfg(test)]
mod tests;
