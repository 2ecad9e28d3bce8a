//! Write operations on documents, inside a caller's transaction so the
//! projection update commits with them.

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
