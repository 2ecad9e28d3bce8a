//! Records of any kind: their ids, counts and bookkeeping, and the
//! team's members and theme codes as the projection holds them.

use std::collections::HashMap;

use carnet_core::{RecordId, RecordKind, Timestamp};
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store;
use crate::views::Counts;

/// Every record id, in creation order.
pub fn ids(conn: &Connection) -> Result<Vec<(RecordId, RecordKind)>> {
    ids_of(&mut conn.prepare("SELECT id, kind FROM records ORDER BY rowid")?)
}

/// The ids and kinds a statement selects (`id, kind`), in its order; a
/// row of an id or a kind this build does not read is left out.
fn ids_of(stmt: &mut rusqlite::Statement<'_>) -> Result<Vec<(RecordId, RecordKind)>> {
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind) = row?;
        if let (Ok(id), Some(kind)) = (id.parse(), store::stored_kind(&kind)) {
            out.push((id, kind));
        }
    }
    Ok(out)
}

/// The row of a record, if this notebook holds it.
pub fn rowid(conn: &Connection, id: RecordId) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT rowid FROM records WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

/// When a record was last written on this device.
pub fn updated_at(conn: &Connection, id: RecordId) -> Result<Timestamp> {
    let updated: i64 = conn.query_row(
        "SELECT updated_at FROM records WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?;
    Ok(Timestamp::from_millis(updated))
}

/// Counts of records by kind.
pub fn counts(conn: &Connection) -> Result<Counts> {
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok(Counts {
        notes: count("SELECT COUNT(*) FROM records WHERE kind = 'note'")?,
        persons: count("SELECT COUNT(*) FROM records WHERE kind = 'person'")?,
        resources: count("SELECT COUNT(*) FROM records WHERE kind = 'resource'")?,
        places: count("SELECT COUNT(*) FROM records WHERE kind = 'place'")?,
        damaged: count("SELECT COUNT(*) FROM records WHERE damaged IS NOT NULL")?,
    })
}

/// The team's members' names, by member id.
pub fn member_names(conn: &Connection) -> Result<HashMap<String, String>> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM members")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The codes of the team's codebook.
pub fn theme_codes(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT code FROM themes")?;
    let codes = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(codes)
}

/// A page of the records whose fields hold concurrent values (most
/// recently changed first), and how many there are in all.
pub fn conflicted(
    conn: &Connection,
    limit: u32,
    offset: u32,
) -> Result<(i64, Vec<(RecordId, RecordKind)>)> {
    let total = conflicted_count(conn)?;
    // The limit is written into the statement (see the conventions test).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.kind FROM record_conflicts c JOIN records r ON r.rowid = c.record_rowid
         ORDER BY r.updated_at DESC, r.rowid DESC LIMIT {limit} OFFSET {offset}"
    ))?;
    Ok((total, ids_of(&mut stmt)?))
}

/// How many records hold concurrent values.
pub fn conflicted_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM record_conflicts", [], |r| r.get(0))?)
}

/// How many notes wait in the review queue ("to review").
pub fn to_review_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM notes WHERE review = 'to-review'",
        [],
        |r| r.get(0),
    )?)
}
